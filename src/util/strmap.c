#include "util/strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static uint64_t
fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;

    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

void
strmap_init(struct od_strmap *m, size_t expect)
{
    size_t cap = 16;

    while (cap < expect * 2)
        cap *= 2;
    m->keys = xcalloc(cap, sizeof *m->keys);
    m->vals = xcalloc(cap, sizeof *m->vals);
    m->cap = cap;
    m->n = 0;
}

void
strmap_free(struct od_strmap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

static void
grow(struct od_strmap *m)
{
    struct od_strmap bigger;

    strmap_init(&bigger, m->cap);
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i] != NULL)
            strmap_put(&bigger, m->keys[i], m->vals[i]);
    strmap_free(m);
    *m = bigger;
}

bool
strmap_put(struct od_strmap *m, const char *key, size_t val)
{
    size_t i;

    if (key == NULL)
        return false;
    if (m->cap == 0)
        strmap_init(m, 8);
    else if ((m->n + 1) * 2 > m->cap)
        grow(m);
    for (i = fnv1a(key) & (m->cap - 1); m->keys[i] != NULL; i = (i + 1) & (m->cap - 1))
        if (strcmp(m->keys[i], key) == 0)
            return false;
    m->keys[i] = key;
    m->vals[i] = val;
    m->n++;
    return true;
}

bool
strmap_get(const struct od_strmap *m, const char *key, size_t *val)
{
    if (key == NULL || m->cap == 0)
        return false;
    for (size_t i = fnv1a(key) & (m->cap - 1); m->keys[i] != NULL; i = (i + 1) & (m->cap - 1))
        if (strcmp(m->keys[i], key) == 0) {
            *val = m->vals[i];
            return true;
        }
    return false;
}
