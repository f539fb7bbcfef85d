/* Several sources, one stream: `ondeck logs --service a --service b --log-group G`,
 * `--cluster C --all`, and the console's marked services. Each source asked for (a service,
 * a task, a whole log group) is an origin with a label and an index (its colour);
 * logs_merge_build builds the log streams of every origin (sources_build for each), tags
 * each stream with its origin, and remembers which origins read each log group, so that a
 * group that fails (denied, deleted) is reported with the sources it costs.
 *
 * The events of all origins go to ONE follower (logs/follow.c): its queries are per log
 * group (≤100 stream names each, more become several calls), its merge releases events in
 * timestamp order across every query within the overlap window, its dedup sets are per
 * query, and its call budget is process-wide; so several sources share one budget, one
 * order and one dedup exactly as the streams of one service do. A failed query stops only
 * the origins of that group. */
#ifndef OD_LOGS_MERGE_H
#define OD_LOGS_MERGE_H

#include <stdbool.h>
#include <stddef.h>

#include "logs/sources.h"
#include "model/world.h"
#include "util/err.h"

enum merge_kind { MERGE_SERVICE, MERGE_TASK, MERGE_GROUP };

struct merge_origin {
    enum merge_kind kind;
    char *name;   /* service name, task id, or log group */
    bool failed;  /* the last build could not resolve it (the note says why) */
};

struct merge_group_use {
    char *group;
    size_t origin;
};

struct logs_merge {
    struct merge_origin *v;
    size_t n;
    const char *container;   /* only this container of every service, or NULL */
    const char *override_group; /* one service and one group: read the service from it */
    const char *task_service;   /* a task origin must belong to this service, or NULL */
    bool include_stopped;
    struct merge_group_use *uses; /* which origins read which group (last build) */
    size_t nuses;
};

void logs_merge_init(struct logs_merge *m);
void logs_merge_free(struct logs_merge *m);
/* Add an origin (copied); one already there is not added again. Returns its index. */
size_t logs_merge_add(struct logs_merge *m, enum merge_kind kind, const char *name);
/* Every service of the world (`--all`), in the world's order. */
void logs_merge_add_all_services(struct logs_merge *m, const struct od_world *w);
/* Whether the origins need the world (any service or task). */
bool logs_merge_needs_world(const struct logs_merge *m);

/* The task definitions the origins need that w lacks (see sources_missing_task_defs). */
void logs_merge_missing_task_defs(const struct logs_merge *m, const struct od_world *w,
                                  char ***arns, size_t *n);

/* Build the streams of every origin into out (label = the origin's name, origin = its
 * index). An origin that cannot be resolved (an unknown service) adds a
 * note "NAME: why" and is marked failed; the others go on. OD_E_USAGE (err from the first
 * failing origin) only when every origin failed. */
enum od_err logs_merge_build(struct logs_merge *m, const struct od_world *w,
                             struct od_log_sources *out, struct od_error *err);
/* How many origins failed in the last build. */
size_t logs_merge_failed(const struct logs_merge *m);

/* The labels of the origins that read group, joined with ", " (malloc'd), or NULL when the
 * group is no origin's (raw text: sanitise before display). */
char *logs_merge_who(const struct logs_merge *m, const char *group);

#endif
