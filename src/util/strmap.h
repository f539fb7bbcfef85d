/* A string -> index map (open addressing, FNV-1a) for lookups by name or ARN over the world's
 * arrays: the keys are borrowed (the caller's strings must outlive the map), the values are
 * indices into the caller's array. The first value put for a key is kept (strmap_put returns
 * false for a repeat), so "the first in array order" stays what a linear scan would find. */
#ifndef OD_STRMAP_H
#define OD_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

struct od_strmap {
    const char **keys;
    size_t *vals;
    size_t cap, n; /* cap is a power of two, or 0 */
};

void strmap_init(struct od_strmap *m, size_t expect);
void strmap_free(struct od_strmap *m);
/* Add key -> val unless key is there already (then false). NULL keys are ignored. */
bool strmap_put(struct od_strmap *m, const char *key, size_t val);
/* The value of key in *val; false when absent. */
bool strmap_get(const struct od_strmap *m, const char *key, size_t *val);

#endif
