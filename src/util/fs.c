#include "util/fs.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/xalloc.h"

enum od_err
fs_make_parent(const char *path, const char *what, struct od_error *err)
{
    char *dir = xstrdup(path), *slash = strrchr(dir, '/');

    if (slash == NULL || slash == dir) {
        free(dir);
        return OD_OK;
    }
    *slash = '\0';
    for (char *p = dir + 1;; p++) {
        bool end = *p == '\0';

        if (*p != '/' && !end)
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
            od_error_set(err, OD_E_IO, "%s%scannot create %s: %s", what != NULL ? what : "",
                         what != NULL ? ": " : "", dir, strerror(errno));
            free(dir);
            return OD_E_IO;
        }
        if (end)
            break;
        *p = '/';
    }
    free(dir);
    return OD_OK;
}
