/* The rollout watcher: follows one ECS deployment (after deploy, rollback or scale, or one
 * already in progress) and reports snapshots until it ends.
 *
 * Success means MY deployment reached COMPLETED (ops-notes "Recommended deploy / watch /
 * rollback algorithm"): "stable" is not enough, because a circuit-breaker rollback also ends
 * with one deployment and running == desired. My deployment missing (the breaker rolled back)
 * or rolloutState FAILED is a failure. ECS services without rolloutState (classic ELB) fall
 * back to the waiter's rule plus "my deployment runs my task definition and no other one still
 * has tasks". CODE_DEPLOY and EXTERNAL services have task sets, not deployments: they are done
 * when every task set is steady (model/task_set.h). Nothing is ever deregistered.
 *
 * Cadence: DescribeServices every interval (5 s, +-20 % jitter); on throttling
 * rand(1 s, min(32 s, 4 s * 2^n)) like Copilot's streamer; details (tasks of my deployment
 * with stop reasons, their target health) every detail interval (15 s) and once more at the
 * end. No fixed cap unless timeout_ms is set. */
#ifndef OD_WATCH_H
#define OD_WATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "actions/action.h"
#include "model/entities.h"
#include "model/world.h"

enum od_verdict {
    OD_ROLLOUT_PENDING,
    OD_ROLLOUT_COMPLETED,
    OD_ROLLOUT_FAILED,
    OD_ROLLOUT_TIMEOUT,
    OD_ROLLOUT_ERROR, /* could not read the service (not found, access denied, ...) */
};

const char *watch_verdict_name(enum od_verdict v);

/* The decision on one DescribeServices snapshot (pure). my_dep is the deployment id we
 * started (or watch); my_td its task definition (ARN or family:rev; may be NULL). *reason gets
 * a malloc'd raw explanation (may be NULL). */
enum od_verdict watch_decide(const struct od_service *s, const char *my_dep, const char *my_td,
                             char **reason);

struct od_watch_task {
    char *id;
    char *last_status;
    char *health;
    char *stop_code;
    char *stopped_reason;
    char *container_reason; /* first container reason (CannotPullContainerError: ...) */
    char *ip;
    char *container_instance_arn; /* EC2 launch type */
    char *ec2_instance_id;        /* of that container instance, when known */
    long *host_ports;             /* bridge/host networking: the ports an instance target uses */
    size_t nhost_ports;
    char *target_state; /* health in the service's target groups, NULL when not registered */
    char *target_reason;
    bool stopped;
};

/* One snapshot. Pointers are valid during the callback only; strings from AWS are raw (the
 * console and CLI sanitise when drawing) except reason and last_error, which are inert. */
struct od_rollout {
    enum od_verdict verdict;
    const char *reason;
    unsigned long long elapsed_ms;
    const char *deployment_id;
    const char *task_definition;
    const struct od_service *service; /* the latest DescribeServices, NULL before the first */
    const struct od_deployment *mine; /* my deployment in it, NULL when gone */
    long old_running;                 /* tasks of the other deployments */
    const struct od_watch_task *tasks; /* tasks of my deployment (running, then stopped) */
    size_t ntasks;
    const struct od_event *events; /* service events not reported before, newest first */
    size_t nevents;
    const char *rollback_td; /* on FAILED: the revision that last ran stably, else NULL */
    const char *last_error;  /* the last poll's error, NULL when it worked */
    bool throttled;
    /* Every target of the service's target groups by state (old deployments' too: their
     * draining targets); NULL before the first DescribeTargetHealth round. */
    const struct od_target_counts *targets;
};

typedef void (*watch_cb)(const struct od_rollout *r, void *ud);

struct od_watch_opts {
    const char *cluster;
    const char *service;
    const char *deployment_id;   /* NULL: the PRIMARY deployment at the first poll */
    const char *task_definition; /* NULL: my deployment's */
    const char *stable_td;       /* rollback offer; NULL: from the deployments at the start */
    unsigned long long interval_ms;        /* 0 = env->watch_interval_ms */
    unsigned long long detail_interval_ms; /* 0 = 3 x interval */
    unsigned long long timeout_ms;         /* 0 = none */
};

struct od_watch;

/* Start watching; cb runs for every snapshot; the last one has verdict != PENDING, after
 * which nothing more happens until watch_free. */
enum od_err watch_start(struct od_action_env *env, const struct od_watch_opts *opts, watch_cb cb,
                        void *ud, struct od_watch **out, struct od_error *err);
/* Stop (safe at any time, also from the callback) and free. */
void watch_free(struct od_watch **wp);

#endif
