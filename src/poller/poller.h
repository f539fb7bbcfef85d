/* The poller: refreshes the world with as few calls and as little dependency depth as the
 * data allows. A refresh is a small graph of calls run concurrently under a cap:
 *
 *   ListServices ─page─▶ DescribeServices ×10 ─▶ DescribeTargetHealth (per target group)
 *                                          ├──▶ DescribeTargetGroups ×20 ─▶ GetMetricData ×500
 *                                          └──▶ DescribeScalableTargets ×50 (+ the open
 *                                               service's DescribeScalingPolicies/Activities)
 *   ListTasks ─page─▶ DescribeTasks ×100
 *   ListContainerInstances ─page─▶ DescribeContainerInstances ×100
 *   DescribeAlarms (pages)        ListDistributions ─▶ ListInvalidations (per distribution)
 *   ListClusters ─page─▶ DescribeClusters ×100
 *
 * Each part is committed to the world when its calls are done: whole on success, or the old
 * data kept and marked stale when one of its calls failed. */
#ifndef OD_POLLER_H
#define OD_POLLER_H

#include <stdbool.h>
#include <stdint.h>

#include "aws/request.h"
#include "model/world.h"

#define POLL_PART(p) (1u << (p))
#define POLL_ALL_PARTS ((1u << OD_PART__COUNT) - 1u)

struct od_poller;

struct od_op_count {
    const char *op; /* static string */
    uint64_t calls;
    uint64_t minimum; /* the least calls the batch limits allow for the data seen */
    uint64_t answered; /* calls whose answer (or final failure) was taken in */
};

#define POLL_MAX_OPS 24

struct od_refresh_stats {
    struct od_op_count ops[POLL_MAX_OPS];
    size_t nops;
    uint64_t calls;    /* logical calls this refresh */
    uint64_t attempts; /* HTTP attempts (retries included) */
    uint64_t minimum;
    uint64_t metrics_requested; /* GetMetricData queries (billed per metric) */
    uint64_t elapsed_ms;
    int depth; /* longest chain of dependent calls */
    int failed_parts;
    uint64_t throttled[OD_SVC__COUNT]; /* throttling answers per API family */
    uint64_t reissued;  /* calls issued again after a passing failure (throttling among them) */
};

struct od_settings;

struct od_poller_opts {
    const char *cluster; /* needed for the cluster parts */
    const struct od_settings *settings; /* [limits] calls per second per API; may be NULL */
    unsigned parts;      /* POLL_PART(...) bits */
    int max_in_flight;   /* 0 = 16 */
    int metric_minutes;  /* window of metric series; 0 = 30 */
    int steady_seconds;  /* periodic refresh when nothing rolls; 0 = 30 (5 while rolling) */
};

typedef void (*poller_cb)(void *ud);

struct od_poller *poller_new(struct od_aws *aws, struct od_world *world,
                             const struct od_poller_opts *opts);
void poller_free(struct od_poller **pp);

/* Start a refresh of the configured parts; when one is running, another follows it.
 * cb (may be NULL) runs when the refresh has been committed to the world. */
void poller_refresh(struct od_poller *p, poller_cb cb, void *ud);
bool poller_busy(const struct od_poller *p);
void poller_set_parts(struct od_poller *p, unsigned parts);
void poller_set_cluster(struct od_poller *p, const char *cluster);
/* Ask metrics only for these services and their target groups (the rows a console shows):
 * GetMetricData is billed per metric. NULL (the default) means every service. Copied.
 * When the scope widens, a running poller refreshes soon (not before FAST_INTERVAL after
 * its last refresh began) so the new rows' series do not wait for the next minute. */
void poller_set_metric_services(struct od_poller *p, const char *const *names, size_t n);
bool poller_metrics_scoped(const struct od_poller *p);
/* What the operator sees, in order: the rows on screen, then a page either side (copied).
 * A refresh describes the focused services first, after the last ListServices page, then
 * their target health, deployments and task definitions, then the rest; a focus set while a
 * refresh runs re-orders its waiting calls at once. On a first load the focused services are
 * committed as soon as they are described (poller_start's on_change runs then too). */
void poller_set_focus(struct od_poller *p, const char *const *names, size_t n);
/* No rows on screen yet (nothing listed): focus the first n services by name. */
void poller_set_focus_head(struct od_poller *p, size_t n);
/* Refreshes committed so far. */
uint64_t poller_completed(const struct od_poller *p);
/* Ask the service deployments of ROLLING services too (the console asks only those of
 * BLUE_GREEN, LINEAR and CANARY services: a rolling one is in DescribeServices already). */
void poller_set_rolling_deployments(struct od_poller *p, bool on);
/* Ask the service deployments of every service, not only those metrics are scoped to (plain
 * `ondeck status`: the services table's short form; ROLLING ones only with
 * poller_set_rolling_deployments). */
void poller_set_all_service_deployments(struct od_poller *p, bool on);
/* Whether metrics are asked for every one of these services. */
bool poller_metrics_cover(const struct od_poller *p, const char *const *names, size_t n);
/* The one service whose Application Auto Scaling policies and latest activities are read
 * with the scalable targets (the open service; NULL: none). A new one is read soon. Copied. */
void poller_set_scaling_detail(struct od_poller *p, const char *service);

/* Periodic refresh for the console: fast while a deployment rolls, slow when steady,
 * metrics at most once a minute, slower after throttling. on_change runs after each commit. */
void poller_start(struct od_poller *p, poller_cb on_change, void *ud);
void poller_stop(struct od_poller *p);

const struct od_refresh_stats *poller_last_stats(const struct od_poller *p);
/* How far the refresh under way is: what is known so far (the totals grow as lists are read). */
struct od_poll_progress {
    size_t services, services_listed; /* described / listed */
    size_t tasks, tasks_listed;
    uint64_t targets, targets_asked;  /* target groups whose health was answered / asked */
    uint64_t calls;
    uint64_t throttled;               /* throttling answers so far, every family */
    bool paced; /* AWS's pace holds it back: a family's budget ran dry, or AWS throttled */
};

/* False when no refresh is under way. */
bool poller_progress(const struct od_poller *p, struct od_poll_progress *out);
/* API calls started in the last 60 seconds. */
unsigned poller_calls_per_minute(const struct od_poller *p);

#endif
