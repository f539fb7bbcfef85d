/* The append-only audit journal. */
#include "actions/audit.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aws/proto_json.h"
#include "settings.h"
#include "util/fs.h"
#include "util/str.h"
#include "util/xalloc.h"

char *
audit_path(const struct od_settings *settings)
{
    const char *p = settings_get(settings, "audit", "path");
    char *dir, *out;

    if (!str_empty(p))
        return xstrdup(p);
    dir = settings_state_dir();
    out = xasprintf("%s/audit.jsonl", dir);
    free(dir);
    return out;
}

static int
open_journal(const char *path, struct od_error *err)
{
    struct stat st;
    int fd;

    if (fs_make_parent(path, "audit journal", err) != OD_OK)
        return -1;
    fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        od_error_set(err, OD_E_IO, "audit journal: cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    /* Our own journal is private even if something created it wider. */
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
        (st.st_mode & 077) != 0)
        (void)fchmod(fd, 0600);
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        od_error_set(err, OD_E_IO, "audit journal: %s is not a regular file", path);
        close(fd);
        return -1;
    }
    return fd;
}

enum od_err
audit_check(const char *path, struct od_error *err)
{
    int fd = open_journal(path, err);

    if (fd < 0)
        return OD_E_IO;
    close(fd);
    return OD_OK;
}

enum od_err
audit_append(const char *path, const cJSON *line, struct od_error *err)
{
    char *text = json_print(line), *full;
    size_t len;
    ssize_t w;
    int fd;

    full = xasprintf("%s\n", text);
    free(text);
    len = strlen(full);
    if ((fd = open_journal(path, err)) < 0) {
        free(full);
        return OD_E_IO;
    }
    do
        w = write(fd, full, len);
    while (w < 0 && errno == EINTR);
    if (w < 0 || (size_t)w != len) {
        od_error_set(err, OD_E_IO, "audit journal: cannot write %s: %s", path,
                     w < 0 ? strerror(errno) : "short write");
        close(fd);
        free(full);
        return OD_E_IO;
    }
    close(fd);
    free(full);
    return OD_OK;
}
