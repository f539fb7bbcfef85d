/* An owned list of names with an index: the poller's metric scope and its focus (the rows a
 * console shows), both asked "is it there, and where" once per service or job. A name that
 * appears twice keeps its first position, as a linear search would find it. */
#ifndef OD_NAMESET_H
#define OD_NAMESET_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strmap.h"

struct od_nameset {
    char **names;
    size_t n;
    struct od_strmap index; /* names[] -> position */
};

/* Replace the names with copies of these. */
void nameset_assign(struct od_nameset *s, const char *const *names, size_t n);
void nameset_clear(struct od_nameset *s);
/* Whether s holds exactly these names, in this order. */
bool nameset_equals(const struct od_nameset *s, const char *const *names, size_t n);
/* The position of name in *at; false when absent (or name is NULL). */
bool nameset_find(const struct od_nameset *s, const char *name, size_t *at);

#endif
