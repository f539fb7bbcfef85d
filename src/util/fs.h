/* Small file-system helpers shared by the files ondeck writes (audit journal, name cache,
 * saved logs). */
#ifndef OD_UTIL_FS_H
#define OD_UTIL_FS_H

#include "util/err.h"

/* mkdir -p of the directory holding path; directories it creates are private (0700).
 * On failure err says "WHAT: cannot create DIR: reason" (what may be NULL). */
enum od_err fs_make_parent(const char *path, const char *what, struct od_error *err);

#endif
