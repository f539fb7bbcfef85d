/* The world: everything ondeck knows about one account, region and cluster, part by part.
 * Each part is replaced whole when its refresh succeeds; when a call fails the part keeps
 * its last good data and is marked stale with the error, so nothing is silently shown as
 * current. The mapping functions (tasks to services, targets to tasks, alarms to owners)
 * are pure and run after each merge. */
#ifndef OD_WORLD_H
#define OD_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "model/entities.h"
#include "model/scaling.h"
#include "model/service_deployment.h"
#include "util/err.h"
#include "util/strmap.h"

enum od_part {
    OD_PART_CLUSTERS,
    OD_PART_SERVICES,
    OD_PART_TASKS,
    OD_PART_STOPPED_TASKS,
    OD_PART_INSTANCES,
    OD_PART_TARGETS,
    OD_PART_ALARMS,
    OD_PART_METRICS,
    OD_PART_DISTRIBUTIONS,
    OD_PART_TASK_DEFS, /* a cache: task definitions never change, so entries are never dropped */
    OD_PART_SCALING,   /* Application Auto Scaling targets (policies, activities: open service) */
    OD_PART_SERVICE_DEPLOYMENTS, /* the newest service deployment of the services on screen */
    OD_PART__COUNT
};

const char *part_name(enum od_part p);

struct od_part_state {
    bool loaded;       /* has data from at least one successful refresh */
    bool stale;        /* the last refresh of this part failed */
    char *error;       /* why, when stale (inert text) */
    enum od_err cause; /* its class, when stale (OD_E_CONFIG, OD_E_NO_CREDS, ...) */
    char *denied;      /* the IAM action refused, when stale for want of permission */
    time_t updated_at; /* wall time of the last successful refresh */
};

/* Metric series kept for one owner (a service, target group or distribution). */
struct od_metric_set {
    char *owner; /* service name, target group ARN or distribution id */
    struct od_series *series;
    size_t nseries;
};

struct od_world {
    char *region;
    char *cluster; /* selected cluster name, or NULL */
    uint64_t generation;
    struct od_part_state parts[OD_PART__COUNT];

    struct od_cluster *clusters;
    size_t nclusters;
    struct od_service *services; /* sorted by name */
    size_t nservices;
    struct od_task *tasks;       /* RUNNING (desired) tasks, sorted by id */
    size_t ntasks;
    struct od_task *stopped;     /* recently stopped tasks */
    size_t nstopped;
    struct od_container_instance *instances;
    size_t ninstances;
    struct od_target_group *tgs;
    size_t ntgs;
    struct od_alarm *alarms;
    size_t nalarms;
    struct od_metric_set *metrics;
    size_t nmetrics;
    struct od_distribution *dists;
    size_t ndists;
    struct od_task_def *task_defs; /* cache: immutable, fetched once */
    size_t ntask_defs;
    struct od_strmap task_def_index; /* ARN and "family:revision" -> index in task_defs */
    struct od_scaling *scaling; /* services with a scalable target, any order */
    size_t nscaling;
    struct od_service_deployment *sdeps; /* newest per service, of the services asked for */
    size_t nsdeps;
};

struct od_world *world_new(const char *region, const char *cluster);
void world_free(struct od_world **wp);

/* Replace a part's data (the world takes ownership of arr) and mark it fresh. */
void world_set_clusters(struct od_world *w, struct od_cluster *arr, size_t n);
void world_set_services(struct od_world *w, struct od_service *arr, size_t n);
void world_set_tasks(struct od_world *w, struct od_task *arr, size_t n);
void world_set_stopped(struct od_world *w, struct od_task *arr, size_t n);
void world_set_instances(struct od_world *w, struct od_container_instance *arr, size_t n);
void world_set_target_groups(struct od_world *w, struct od_target_group *arr, size_t n);
void world_set_alarms(struct od_world *w, struct od_alarm *arr, size_t n);
void world_set_metrics(struct od_world *w, struct od_metric_set *arr, size_t n);
void world_set_distributions(struct od_world *w, struct od_distribution *arr, size_t n);
void world_set_scaling(struct od_world *w, struct od_scaling *arr, size_t n);
void world_set_service_deployments(struct od_world *w, struct od_service_deployment *arr,
                                   size_t n);
/* The newest service deployment of the service (by ARN), or NULL when none was fetched. */
const struct od_service_deployment *world_service_deployment(const struct od_world *w,
                                                             const char *service_arn);
/* Keep the old data, mark the part stale with the error. */
void world_mark_stale(struct od_world *w, enum od_part part, const struct od_error *err);
/* Keep the old data, mark the part stale: "no permission: ACTION". */
void world_mark_denied(struct od_world *w, enum od_part part, const char *action);
/* Add a task definition to the cache (takes ownership of *td's contents). */
void world_add_task_def(struct od_world *w, struct od_task_def *td);
/* Add fetched task definitions (takes ownership of arr) and mark the cache fresh. */
void world_merge_task_defs(struct od_world *w, struct od_task_def *arr, size_t n);

/* Lookups (NULL when absent). */
const struct od_service *world_service(const struct od_world *w, const char *name);
const struct od_task *world_task(const struct od_world *w, const char *id);
const struct od_target_group *world_target_group(const struct od_world *w, const char *arn);
/* By ARN or by "family:revision" (moto echoes the short form). */
const struct od_task_def *world_task_def(const struct od_world *w, const char *arn);
const struct od_metric_set *world_metrics(const struct od_world *w, const char *owner);
const struct od_series *metric_set_series(const struct od_metric_set *m, const char *id);
const struct od_distribution *world_distribution(const struct od_world *w, const char *id);
/* The scalable target of a service; NULL when it has none (or the part is not loaded). */
const struct od_scaling *world_scaling(const struct od_world *w, const char *service);

/* The service a task belongs to: "service:NAME" in its group; NULL otherwise. */
const char *task_service_name(const struct od_task *t);
/* Re-run the mappings: target -> task id for every target group. */
void world_map_targets(struct od_world *w);
/* Does this alarm name the service / target group / distribution? */
bool alarm_names_service(const struct od_alarm *a, const char *cluster, const char *service);
bool alarm_names_target_group(const struct od_alarm *a, const char *tg_arn);
bool alarm_names_distribution(const struct od_alarm *a, const char *dist_id);

/* A service's targets by ELBv2 health state (TargetHealthStateEnum). Only `unhealthy` and
 * `unhealthy.draining` are unhealthy: `initial` and `draining` are a rollout's normal
 * passage, `unused` and `unavailable` say the group is not checked (no listener, no health
 * check), so none of them is a failure. */
struct od_target_counts {
    size_t healthy, unhealthy, initial, draining, unused, unavailable, other;
    size_t missing_groups; /* target groups ELBv2 no longer knows (TargetGroupNotFound) */
};
void world_count_targets(const struct od_world *w, const struct od_service *s,
                         struct od_target_counts *c);
/* Count one target of that state. */
void target_counts_add(struct od_target_counts *c, const char *state);
/* What is neither healthy nor unhealthy, for a column or a line: "2 draining, 1 initial",
 * "1 target group missing"; "" when nothing. Returns buf. */
const char *target_counts_note(const struct od_target_counts *c, char *buf, size_t len);

/* Counts for overviews: world_count_targets' unhealthy. */
size_t world_unhealthy_targets(const struct od_world *w, const struct od_service *s);
/* Alarms in ALARM that belong to the service (model/alarm_attr.h). */
size_t world_alarms_firing(const struct od_world *w, const struct od_service *s);
bool service_rolling(const struct od_service *s);
bool service_failed(const struct od_service *s);

#endif
