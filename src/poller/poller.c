#include "poller/poller.h"

#include <stdlib.h>
#include <string.h>

#include "aws/request.h"
#include "poller/limits.h"
#include "poller/refresh.h"
#include "settings.h"
#include "util/clock.h"
#include "util/xalloc.h"

void
poller_count_call(struct od_poller *p)
{
    call_window_count(&p->calls);
}

unsigned
poller_calls_per_minute(const struct od_poller *p)
{
    return call_window_per_minute(&p->calls);
}

/* ---- public API ----------------------------------------------------------------------- */

static void free_metric_services(struct od_poller *p);

void
poller_set_focus(struct od_poller *p, const char *const *names, size_t n)
{
    p->focus_wanted = true;
    if (nameset_equals(&p->focus, names, n))
        return;
    nameset_assign(&p->focus, names, n);
    /* The calls still waiting follow the new focus at once. */
    if (p->current != NULL)
        refresh_refocus(p->current);
}

void
poller_set_focus_head(struct od_poller *p, size_t n)
{
    p->focus_wanted = true;
    p->focus_head = n;
}

uint64_t
poller_completed(const struct od_poller *p)
{
    return p->completed;
}

/* Per API family against AWS: a share of the published token bucket, so that a first screen
 * fits in the burst while every other tool of the account keeps the rest (the same figures
 * as bench/replay/bucket.c and bench/report.py):
 *  - ECS, "Request throttling for the Amazon ECS API": service read and cluster resource
 *    read actions 100 burst, 20 a second -> 50 burst, 10 a second;
 *  - ELBv2, "Elastic Load Balancing API throttling": describe actions 40 burst, 10 a second,
 *    account-wide -> 20 burst, 5 a second;
 *  - CloudWatch service quotas: GetMetricData 50 TPS, DescribeAlarms 9 TPS, no burst
 *    published -> 9 burst, 5 a second (within the smaller, DescribeAlarms);
 *  - CloudFront publishes no read rate: small, 5 burst, 5 a second.
 * A custom endpoint (a local emulator) has no limits unless [limits] in the settings says so. */
static const struct od_rate_default default_limits[] = {
    {OD_SVC_ECS, 10, 50},
    {OD_SVC_ELBV2, 5, 20},
    {OD_SVC_CLOUDWATCH, 5, 9},
    {OD_SVC_CLOUDFRONT, 5, 5},
};

static void
init_budgets(struct od_poller *p, const struct od_settings *settings)
{
    limits_init_budgets(p->budgets, p->throttles_seen, p->aws, settings, default_limits,
                        sizeof default_limits / sizeof default_limits[0]);
}

struct od_poller *
poller_new(struct od_aws *aws, struct od_world *world, const struct od_poller_opts *opts)
{
    struct od_poller *p = xcalloc(1, sizeof *p);

    p->aws = aws;
    p->world = world;
    p->cluster = opts->cluster != NULL ? xstrdup(opts->cluster) : NULL;
    p->parts = opts->parts;
    p->max_in_flight = opts->max_in_flight > 0 ? opts->max_in_flight : 16;
    p->metric_minutes = opts->metric_minutes > 0 ? opts->metric_minutes : 30;
    p->steady_ms = opts->steady_seconds > 0 ? (uint64_t)opts->steady_seconds * 1000u
                                            : SLOW_INTERVAL_MS;
    if (p->steady_ms < FAST_INTERVAL_MS)
        p->steady_ms = FAST_INTERVAL_MS;
    init_budgets(p, opts->settings);
    return p;
}

void
poller_free(struct od_poller **pp)
{
    struct od_poller *p = *pp;

    if (p == NULL)
        return;
    poller_stop(p);
    if (p->current != NULL) {
        /* Leaving mid-refresh: nothing may call back into us. */
        refresh_cancel(p->current);
        p->current = NULL;
    }
    free_metric_services(p);
    nameset_clear(&p->focus);
    free(p->scaling_detail);
    free(p->cluster);
    free(p);
    *pp = NULL;
}

void
poller_set_parts(struct od_poller *p, unsigned parts)
{
    p->parts = parts;
}

static void
free_metric_services(struct od_poller *p)
{
    nameset_clear(&p->metric_services);
    p->metric_scoped = false;
}

static void metrics_soon(struct od_poller *p);

void
poller_set_metric_services(struct od_poller *p, const char *const *names, size_t n)
{
    /* Narrowing costs nothing to show; widening leaves rows without series until fetched. */
    bool widened = p->metric_scoped && (names == NULL || !poller_metrics_cover(p, names, n));

    free_metric_services(p);
    if (names != NULL) {
        p->metric_scoped = true;
        nameset_assign(&p->metric_services, names, n);
    }
    if (widened)
        metrics_soon(p);
}

void
poller_set_scaling_detail(struct od_poller *p, const char *service)
{
    bool changed = service != NULL && (p->scaling_detail == NULL ||
                                       strcmp(p->scaling_detail, service) != 0);

    if (service == NULL) {
        xfree(&p->scaling_detail);
        return;
    }
    if (!changed)
        return;
    free(p->scaling_detail);
    p->scaling_detail = xstrdup(service);
    metrics_soon(p); /* the next refresh comes soon and reads them */
}

void
poller_set_rolling_deployments(struct od_poller *p, bool on)
{
    p->rolling_deployments = on;
}

void
poller_set_all_service_deployments(struct od_poller *p, bool on)
{
    p->all_service_deployments = on;
}

bool
poller_metrics_scoped(const struct od_poller *p)
{
    return p->metric_scoped;
}

bool
poller_metrics_cover(const struct od_poller *p, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!poller_metric_service(p, names[i]))
            return false;
    return true;
}

bool
poller_metric_service(const struct od_poller *p, const char *name)
{
    if (!p->metric_scoped)
        return true;
    return nameset_find(&p->metric_services, name, &(size_t){0});
}

void
poller_set_cluster(struct od_poller *p, const char *cluster)
{
    free(p->cluster);
    p->cluster = cluster != NULL ? xstrdup(cluster) : NULL;
}

bool
poller_busy(const struct od_poller *p)
{
    return p->current != NULL;
}

const struct od_refresh_stats *
poller_last_stats(const struct od_poller *p)
{
    return &p->last;
}

static uint64_t
answered(const struct od_refresh_stats *st, const char *op, uint64_t *asked)
{
    for (size_t i = 0; i < st->nops; i++) {
        if (strcmp(st->ops[i].op, op) == 0) {
            *asked = st->ops[i].minimum;
            return st->ops[i].answered;
        }
    }
    *asked = 0;
    return 0;
}

bool
poller_progress(const struct od_poller *p, struct od_poll_progress *out)
{
    const struct refresh *r = p->current;

    *out = (struct od_poll_progress){0};
    if (r == NULL)
        return false;
    out->services = r->nservices;
    out->services_listed = r->listed[OD_PART_SERVICES];
    out->tasks = r->ntasks;
    out->tasks_listed = r->listed[OD_PART_TASKS];
    out->targets = answered(&r->stats, "DescribeTargetHealth", &out->targets_asked);
    out->calls = r->stats.calls;
    for (int svc = 0; svc < OD_SVC__COUNT; svc++) {
        out->throttled += p->aws->throttles_by_svc[svc] - r->throttles_by_svc_at_start[svc];
        if (p->budgets[svc].waits > 0)
            out->paced = true;
    }
    if (out->throttled > 0)
        out->paced = true;
    return true;
}

static void
refresh_with_parts(struct od_poller *p, unsigned parts, poller_cb cb, void *ud)
{
    struct refresh *r;
    const unsigned cluster_parts = POLL_PART(OD_PART_SERVICES) | POLL_PART(OD_PART_TASKS) |
                                   POLL_PART(OD_PART_STOPPED_TASKS) |
                                   POLL_PART(OD_PART_INSTANCES) | POLL_PART(OD_PART_TARGETS) |
                                   POLL_PART(OD_PART_TASK_DEFS) | POLL_PART(OD_PART_SCALING) |
                                   POLL_PART(OD_PART_SERVICE_DEPLOYMENTS);

    if (p->current != NULL) {
        p->again = true;
        p->again_cb = cb;
        p->again_ud = ud;
        return;
    }
    if (p->cluster == NULL)
        parts &= ~cluster_parts;
    r = xcalloc(1, sizeof *r);
    r->p = p;
    r->parts = parts;
    r->cluster = p->cluster != NULL ? xstrdup(p->cluster) : NULL;
    r->cb = cb;
    r->ud = ud;
    r->started_ms = clock_mono_ms();
    r->attempts_at_start = p->aws->attempts_total;
    r->throttles_at_start = p->aws->throttles_total;
    memcpy(r->throttles_by_svc_at_start, p->aws->throttles_by_svc,
           sizeof r->throttles_by_svc_at_start);
    p->current = r;
    p->last_start_ms = r->started_ms;

    if (refresh_want(r, OD_PART_CLUSTERS))
        refresh_ecs_list_clusters(r, 0);
    /* Targets and metrics hang off the services: asking for them means listing services. */
    if (p->cluster != NULL && (refresh_want(r, OD_PART_SERVICES) ||
                               refresh_want(r, OD_PART_TARGETS) ||
                               refresh_want(r, OD_PART_METRICS) ||
                               refresh_want(r, OD_PART_TASK_DEFS) ||
                               refresh_want(r, OD_PART_SCALING) ||
                               refresh_want(r, OD_PART_SERVICE_DEPLOYMENTS))) {
        r->parts |= POLL_PART(OD_PART_SERVICES);
        refresh_ecs_list_services(r, 0);
    } else {
        r->tg_phase_done = true;
    }
    if (refresh_want(r, OD_PART_TASKS))
        refresh_ecs_list_tasks(r, 0, false);
    if (refresh_want(r, OD_PART_STOPPED_TASKS))
        refresh_ecs_list_tasks(r, 0, true);
    if (refresh_want(r, OD_PART_INSTANCES))
        refresh_ecs_list_instances(r, 0);
    if (refresh_want(r, OD_PART_ALARMS))
        refresh_cw_describe_alarms(r, NULL, 0);
    if (refresh_want(r, OD_PART_DISTRIBUTIONS))
        refresh_cf_list_distributions(r, NULL, 0);
    else
        r->dist_phase_done = true;
    if (refresh_want(r, OD_PART_METRICS) && p->cluster == NULL)
        refresh_cw_start_metrics(r, 0);
    if (refresh_want(r, OD_PART_METRICS))
        p->last_metrics_ms = clock_mono_ms();
    refresh_pump(r);
}

void
poller_refresh(struct od_poller *p, poller_cb cb, void *ud)
{
    refresh_with_parts(p, p->parts, cb, ud);
}

static bool
world_rolling(const struct od_world *w)
{
    for (size_t i = 0; i < w->nservices; i++)
        if (service_rolling(&w->services[i]))
            return true;
    return false;
}

static void
on_tick(void *ud)
{
    struct od_poller *p = ud;
    unsigned parts = p->parts;

    p->timer_id = 0;
    /* Metrics have one-minute resolution: asking more often only costs money. */
    if (clock_mono_ms() - p->last_metrics_ms < METRICS_INTERVAL_MS)
        parts &= ~POLL_PART(OD_PART_METRICS);
    refresh_with_parts(p, parts, NULL, NULL);
}

/* The pause before a refresh asked for by a widened metric scope: short, but never closer
 * than FAST_INTERVAL to the start of the last one (scrolling must not become a call storm). */
static uint64_t
soon_delay(const struct od_poller *p)
{
    uint64_t since = clock_mono_ms() - p->last_start_ms;

    return since + SOON_INTERVAL_MS >= FAST_INTERVAL_MS ? SOON_INTERVAL_MS
                                                        : FAST_INTERVAL_MS - since;
}

static void
metrics_soon(struct od_poller *p)
{
    p->last_metrics_ms = 0; /* the next tick includes metrics, and comes soon */
    if (p->running && p->current == NULL)
        poller_schedule_next(p); /* else it is scheduled when the current refresh ends */
}

void
poller_schedule_next(struct od_poller *p)
{
    uint64_t delay = world_rolling(p->world) ? FAST_INTERVAL_MS : p->steady_ms;

    /* Metrics wanted and due at once (a widened scope): come back soon for them. */
    if (p->last_metrics_ms == 0 && (p->parts & POLL_PART(OD_PART_METRICS))) {
        uint64_t soon = soon_delay(p);

        if (soon < delay)
            delay = soon;
    }
    if (p->backoff_ms > delay)
        delay = p->backoff_ms;
    if (p->timer_id != 0)
        loop_timer_cancel(p->aws->loop, p->timer_id);
    p->timer_id = loop_timer_add(p->aws->loop, delay, on_tick, p);
}

void
poller_start(struct od_poller *p, poller_cb on_change, void *ud)
{
    p->running = true;
    p->on_change = on_change;
    p->on_change_ud = ud;
    p->last_metrics_ms = 0;
    refresh_with_parts(p, p->parts, NULL, NULL);
}

void
poller_stop(struct od_poller *p)
{
    p->running = false;
    if (p->timer_id != 0) {
        loop_timer_cancel(p->aws->loop, p->timer_id);
        p->timer_id = 0;
    }
}
