/* The timeline store: what happened to one cluster, kept on disk so it outlives AWS's windows
 * (stopped tasks vanish after about an hour, service events after 100) and a restart.
 *
 * One file per account, region and cluster: $XDG_STATE_HOME/ondeck/timeline/ACCOUNT/REGION/
 * CLUSTER.jsonl, one JSON object a line (an entry), plus one {"target_health":{...}} line with
 * the last target states seen (so a transition is found across runs). Written whole to a
 * temporary file and renamed (a reader never sees half a file), 0600 in 0700 directories.
 * Bounded by [timeline] max_entries, max_bytes and max_age_days: the oldest go first. A file
 * that does not parse is renamed aside (FILE.corrupt-TIME) and the timeline starts empty.
 * Entries hold AWS's own texts (made inert) and ondeck's audit summary, never a credential. */
#ifndef OD_TIMELINE_STORE_H
#define OD_TIMELINE_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

struct od_settings;

/* What a line names, for the console to jump to. */
enum tl_ref {
    TL_REF_NONE,
    TL_REF_TASK,       /* ref = task id */
    TL_REF_DEPLOYMENT, /* ref = ECS deployment id */
    TL_REF_ALARM,      /* ref = alarm name */
    TL_REF_DISTRIBUTION, /* ref = distribution id */
};

struct tl_entry {
    double at;     /* epoch seconds */
    char *key;     /* unique: the same event seen twice is kept once */
    char *source;  /* "ecs-event", "ecs-deployment", "ecs-task", "elb-target", "cw-alarm",
                    * "cloudfront", "ondeck" */
    char *service; /* NULL: the cluster's (an invalidation, an action on no service) */
    char *text;    /* one inert line */
    enum tl_ref ref_kind;
    char *ref;
};

struct tl_health {
    char *target; /* "TG-ARN|ID|PORT" */
    char *state;
};

struct tl_limits {
    size_t max_entries;
    size_t max_bytes;
    double max_age_s;
};

struct tl_store {
    char *path;
    struct tl_entry *v; /* sorted by time once tl_store_prune ran */
    size_t n, cap;
    struct tl_health *health;
    size_t nhealth, chealth;
    size_t *slots; /* open-addressing index of v by key (NULL: rebuilt on the next lookup) */
    size_t nslots;
};

#define TL_DEFAULT_MAX_ENTRIES 5000
#define TL_DEFAULT_MAX_BYTES (2u * 1024 * 1024)
#define TL_DEFAULT_MAX_AGE_DAYS 14

/* [timeline] max_entries, max_bytes, max_age_days (defaults above; junk: the default). */
void tl_limits_from_settings(const struct od_settings *settings, struct tl_limits *out);
/* The file of one account/region/cluster (malloc'd). Characters outside [A-Za-z0-9._-] in
 * the names become '_', so a name can never climb out of the directory. */
char *tl_store_path(const char *account, const char *region, const char *cluster);

const char *tl_ref_name(enum tl_ref r);

/* Read path into an empty store. A missing file is an empty timeline. A corrupt one is renamed
 * to PATH.corrupt-YYYYMMDDTHHMMSSZ and *notice says so (malloc'd; NULL otherwise); the store
 * is then empty. OD_E_IO only when the file exists but cannot be read or set aside. */
enum od_err tl_store_load(struct tl_store *s, const char *path, char **notice,
                          struct od_error *err);
/* Parse text (the file's contents) into s; false with the 1-based line at fault. */
bool tl_store_parse(struct tl_store *s, const char *text, size_t *bad_line);
/* Add an entry (the store takes its strings); false when its key is known (then e's strings
 * are freed). */
bool tl_store_add(struct tl_store *s, struct tl_entry *e);
/* Whether the key is known (not const: it may build the key index). */
bool tl_store_has(struct tl_store *s, const char *key);
/* Sort by time, then drop what is older than max_age before now, and the oldest beyond
 * max_entries and max_bytes. */
void tl_store_prune(struct tl_store *s, const struct tl_limits *lim, double now);
/* The last health state recorded for target (NULL: never seen); set replaces it. */
const char *tl_store_health(const struct tl_store *s, const char *target);
void tl_store_set_health(struct tl_store *s, const char *target, const char *state);
/* The serialized store (malloc'd): what tl_store_save writes. */
char *tl_store_text(const struct tl_store *s);
/* Write atomically (temp file in the same directory, 0600, fsync, rename). */
enum od_err tl_store_save(const struct tl_store *s, struct od_error *err);
void tl_store_free(struct tl_store *s);
void tl_entry_clear(struct tl_entry *e);

#endif
