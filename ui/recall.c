/* The last cluster used, per profile and region, so the console opens its cluster list with
 * it selected: $XDG_STATE_HOME/ondeck/last-cluster, one "profile<TAB>region<TAB>cluster" line
 * each (at most RECALL_MAX), private (0600), replaced atomically. A file that cannot be read
 * or written costs only this convenience: nothing is reported. */
#include "ui/recall.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "settings.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/str.h"
#include "util/xalloc.h"

#define RECALL_MAX 64
#define RECALL_FILE_MAX (64 * 1024)

static char *
recall_path(void)
{
    char *dir = settings_state_dir(), *path = xasprintf("%s/last-cluster", dir);

    free(dir);
    return path;
}

/* Names go into a tab-separated line: no tab, newline or control character in them. */
static bool
field_ok(const char *s)
{
    if (str_empty(s) || strlen(s) > 255)
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    return true;
}

static char *
read_all(const char *path)
{
    struct od_buf b;
    char chunk[4096];
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

    if (fd < 0)
        return NULL;
    buf_init(&b, RECALL_FILE_MAX);
    while ((n = read(fd, chunk, sizeof chunk)) > 0) {
        if (buf_append(&b, chunk, (size_t)n) != OD_OK) {
            buf_free(&b);
            close(fd);
            return NULL;
        }
    }
    close(fd);
    return buf_steal(&b);
}

/* Does line (NUL-terminated, no newline) belong to profile and region? Sets *cluster. */
static bool
line_for(char *line, const char *profile, const char *region, char **cluster)
{
    char *tab1 = strchr(line, '\t'), *tab2 = tab1 != NULL ? strchr(tab1 + 1, '\t') : NULL;

    if (tab2 == NULL)
        return false;
    *tab1 = *tab2 = '\0';
    *cluster = tab2 + 1;
    return str_eq(line, profile) && str_eq(tab1 + 1, region) && field_ok(*cluster);
}

char *
recall_cluster(const char *profile, const char *region)
{
    char *path = recall_path(), *text = read_all(path), *save = NULL, *line, *found = NULL;
    const char *pr = profile != NULL ? profile : "-";

    free(path);
    if (text == NULL || !field_ok(pr) || !field_ok(region)) {
        free(text);
        return NULL;
    }
    for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        char *cluster;

        if (line_for(line, pr, region, &cluster)) {
            free(found);
            found = xstrdup(cluster); /* the last line for the pair wins */
        }
    }
    free(text);
    return found;
}

void
recall_remember(const char *profile, const char *region, const char *cluster)
{
    char *path = recall_path(), *text, *tmp = NULL, *save = NULL, *line;
    const char *pr = profile != NULL ? profile : "-";
    struct od_buf out;
    char *keep[RECALL_MAX];
    size_t nkeep = 0;
    struct od_error err = {0};
    int fd = -1;

    if (!field_ok(pr) || !field_ok(region) || !field_ok(cluster) ||
        fs_make_parent(path, NULL, &err) != OD_OK) {
        od_error_clear(&err);
        free(path);
        return;
    }
    text = read_all(path);
    /* Other pairs' lines, oldest dropped first when the file is full. */
    for (line = text != NULL ? strtok_r(text, "\n", &save) : NULL; line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        char *copy = xstrdup(line), *other;

        if (line_for(copy, pr, region, &other) || strchr(line, '\t') == NULL) {
            free(copy);
            continue;
        }
        free(copy);
        if (nkeep == RECALL_MAX - 1) {
            memmove(&keep[0], &keep[1], (RECALL_MAX - 2) * sizeof keep[0]);
            nkeep--;
        }
        keep[nkeep++] = line;
    }
    buf_init(&out, RECALL_FILE_MAX);
    for (size_t i = 0; i < nkeep; i++)
        buf_printf(&out, "%s\n", keep[i]);
    buf_printf(&out, "%s\t%s\t%s\n", pr, region, cluster);
    tmp = xasprintf("%s.%ld.tmp", path, (long)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd >= 0) {
        bool ok = write(fd, buf_cstr(&out), out.len) == (ssize_t)out.len;

        ok = close(fd) == 0 && ok;
        if (!ok || rename(tmp, path) != 0)
            unlink(tmp);
    }
    buf_free(&out);
    free(tmp);
    free(text);
    free(path);
}
