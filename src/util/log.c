#include "util/log.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/sanitize.h"
#include "util/xalloc.h"

static FILE *log_fp;

void
log_open(const char *path)
{
    int fd;

    log_close();
    if (path == NULL || *path == '\0')
        return;
    fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    log_fp = fdopen(fd, "a");
    if (log_fp == NULL)
        close(fd);
}

void
log_close(void)
{
    if (log_fp != NULL) {
        fclose(log_fp);
        log_fp = NULL;
    }
}

bool
log_enabled(void)
{
    return log_fp != NULL;
}

void
log_debug(const char *fmt, ...)
{
    va_list ap;
    char *msg, *safe;
    struct timespec ts;
    struct tm tm;
    char when[32];

    if (log_fp == NULL)
        return;
    va_start(ap, fmt);
    msg = xvasprintf(fmt, ap);
    va_end(ap);
    safe = sanitize_str(msg);
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    fprintf(log_fp, "%s.%03ldZ %s\n", when, ts.tv_nsec / 1000000L, safe);
    fflush(log_fp);
    free(safe);
    free(msg);
}

bool
log_header_is_secret(const char *name)
{
    static const char *const secret[] = {"authorization", "x-amz-security-token",
                                         "x-amz-sso_bearer_token", "x-aws-ec2-metadata-token"};

    for (size_t i = 0; i < sizeof secret / sizeof secret[0]; i++)
        if (strcasecmp(name, secret[i]) == 0)
            return true;
    return false;
}
