#include "util/nameset.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

void
nameset_clear(struct od_nameset *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->names[i]);
    free(s->names);
    strmap_free(&s->index);
    s->names = NULL;
    s->n = 0;
}

void
nameset_assign(struct od_nameset *s, const char *const *names, size_t n)
{
    nameset_clear(s);
    if (n == 0)
        return;
    s->names = xcalloc(n, sizeof *s->names);
    strmap_init(&s->index, n);
    for (size_t i = 0; i < n; i++) {
        s->names[i] = xstrdup(names[i]);
        strmap_put(&s->index, s->names[i], i); /* the key is the set's own copy */
    }
    s->n = n;
}

bool
nameset_equals(const struct od_nameset *s, const char *const *names, size_t n)
{
    if (n != s->n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (strcmp(s->names[i], names[i]) != 0)
            return false;
    return true;
}

bool
nameset_find(const struct od_nameset *s, const char *name, size_t *at)
{
    return strmap_get(&s->index, name, at);
}
