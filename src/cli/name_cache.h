/* Cluster and service names remembered for shell completion (completion/ondeck.bash,
 * completion/_ondeck). The file is $ONDECK_NAME_CACHE, else $XDG_CACHE_HOME/ondeck/names,
 * else ~/.cache/ondeck/names; ONDECK_NAME_CACHE=off turns it off. One entry per line:
 *
 *   c PROFILE REGION CLUSTER
 *   s PROFILE REGION CLUSTER SERVICE
 *
 * Only names made of [A-Za-z0-9._@+-] are written (cluster and service names are narrower
 * still), so a shell that reads the file never sees anything it could interpret. The cache
 * is best effort: a failure to read or write it never changes a command's result. */
#ifndef OD_NAME_CACHE_H
#define OD_NAME_CACHE_H

#include <stddef.h>

#include "util/err.h"

struct od_cli;
struct od_world;

/* Record what a refresh learnt: the cluster list when the clusters part is fresh, and the
 * services of w->cluster when the services part is fresh. Silent on failure (logged). */
void name_cache_note(const struct od_cli *cli, const struct od_world *w);

/* The cache file, malloc'd, or NULL when the cache is off or there is no home. */
char *name_cache_path(void);

/* Pure merge, for tests and name_cache_note: the new file text from the old one (NULL =
 * empty) after replacing the scope (profile, region) cluster list (cluster == NULL) or the
 * services of one cluster. Entries with unsafe names are dropped; the oldest entries go when
 * the file would exceed its limit. Returns a malloc'd string. */
char *name_cache_merge(const char *old, const char *profile, const char *region,
                       const char *cluster, const char *const *names, size_t n);

/* Merge into the file at path, written atomically (temporary file + rename); creates the
 * directory (mode 0700) when missing. */
enum od_err name_cache_update(const char *path, const char *profile, const char *region,
                              const char *cluster, const char *const *names, size_t n,
                              struct od_error *err);

#endif
