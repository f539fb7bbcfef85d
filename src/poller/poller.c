#include "poller/poller.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/cloudfront.h"
#include "aws/cloudwatch.h"
#include "aws/ecs.h"
#include "aws/elbv2.h"
#include "aws/proto_json.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/str.h"
#include "util/xalloc.h"

#define DESCRIBE_SERVICES_MAX 10
#define DESCRIBE_TASKS_MAX 100
#define DESCRIBE_CLUSTERS_MAX 100
#define DESCRIBE_INSTANCES_MAX 100
#define DESCRIBE_TGS_MAX ELBV2_MAX_ARNS
#define FAST_INTERVAL_MS 5000
#define SLOW_INTERVAL_MS 30000
#define METRICS_INTERVAL_MS 60000
#define MAX_BACKOFF_MS 120000

struct refresh;
struct job;

typedef void (*job_fn)(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                       const struct od_error *err);

struct job {
    struct refresh *r;
    enum od_svc svc;
    const char *op;
    char *body;            /* JSON services */
    struct od_kv *params;  /* query services (owned array of owned strings) */
    size_t nparams;
    char *path;            /* REST-XML GET */
    struct od_kv query[2]; /* REST-XML query (owned values) */
    size_t nquery;
    const char *region;    /* override (CloudFront metrics live in us-east-1) */
    long timeout_ms;       /* 0 = the client's default */
    enum od_part part;
    int depth;
    size_t index; /* target-group slot, distribution index, ... */
    bool stopped; /* ListTasks/DescribeTasks of STOPPED tasks */
    job_fn done;
    struct job *next;
};

struct tg_slot {
    char *arn;
    struct od_target_group group; /* from DescribeTargetGroups (arn/name at least) */
    bool described;
    struct od_target *targets;
    size_t ntargets;
};

/* What a metric query id ("q<N>") stands for. */
struct metric_ref {
    char *owner;
    const char *metric;
};

#define GROW(arr, n, cap)                                                                          \
    do {                                                                                           \
        if ((n) == (cap)) {                                                                        \
            (cap) = (cap) != 0 ? (cap) * 2 : 16;                                                   \
            (arr) = xreallocarray((arr), (cap), sizeof *(arr));                                    \
        }                                                                                          \
    } while (0)

struct refresh {
    struct od_poller *p;
    unsigned parts;
    char *cluster;
    uint64_t started_ms;
    uint64_t attempts_at_start;
    struct job *head, *tail;
    int in_flight;
    bool pumping;
    bool finished;
    bool failed[OD_PART__COUNT];
    struct od_error errors[OD_PART__COUNT];
    struct od_refresh_stats stats;
    uint64_t throttles_at_start;

    struct od_cluster *clusters;
    size_t nclusters, cclusters;
    struct od_service *services;
    size_t nservices, cservices;
    struct od_task *tasks;
    size_t ntasks, ctasks;
    struct od_task *stopped;
    size_t nstopped, cstopped;
    struct od_container_instance *instances;
    size_t ninstances, cinstances;
    struct od_alarm *alarms;
    size_t nalarms, calarms;
    struct od_distribution *dists;
    size_t ndists, cdists;
    struct tg_slot *tgs;
    size_t ntgs, ctgs;
    struct od_metric_set *msets;
    size_t nmsets, cmsets;
    struct metric_ref *mrefs;
    size_t nmrefs, cmrefs;

    /* Phase bookkeeping: a phase ends when its lists are read and its describes done. */
    int svc_lists, svc_describes;
    bool svc_phase_done;
    int tg_describes;
    bool tg_phase_done;
    bool dist_phase_done;
    int dist_lists;

    poller_cb cb;
    void *ud;
};

struct od_poller {
    struct od_aws *aws;
    struct od_world *world;
    char *cluster;
    unsigned parts;
    int max_in_flight;
    int metric_minutes;
    struct refresh *current;
    bool again; /* a refresh was asked for while one ran */
    poller_cb again_cb;
    void *again_ud;
    struct od_refresh_stats last;

    /* Periodic mode. */
    bool running;
    uint64_t timer_id;
    poller_cb on_change;
    void *on_change_ud;
    uint64_t last_metrics_ms;
    uint64_t backoff_ms;

    /* Calls started per second over the last minute. */
    uint64_t bucket_sec[60];
    unsigned bucket_calls[60];
};

static void pump(struct refresh *r);
static void start_metrics(struct refresh *r, int depth);

/* ---- statistics --------------------------------------------------------------------- */

static struct od_op_count *
op_count(struct od_refresh_stats *st, const char *op)
{
    for (size_t i = 0; i < st->nops; i++)
        if (strcmp(st->ops[i].op, op) == 0)
            return &st->ops[i];
    if (st->nops == POLL_MAX_OPS)
        return &st->ops[POLL_MAX_OPS - 1];
    st->ops[st->nops].op = op;
    return &st->ops[st->nops++];
}

static void
add_minimum(struct refresh *r, const char *op, uint64_t n)
{
    op_count(&r->stats, op)->minimum += n;
    r->stats.minimum += n;
}

static uint64_t
batches(size_t n, size_t per)
{
    return (n + per - 1) / per;
}

static void
count_call_for_rate(struct od_poller *p)
{
    uint64_t sec = clock_mono_ms() / 1000;
    unsigned slot = (unsigned)(sec % 60);

    if (p->bucket_sec[slot] != sec) {
        p->bucket_sec[slot] = sec;
        p->bucket_calls[slot] = 0;
    }
    p->bucket_calls[slot]++;
}

unsigned
poller_calls_per_minute(const struct od_poller *p)
{
    uint64_t now = clock_mono_ms() / 1000;
    unsigned n = 0;

    for (int i = 0; i < 60; i++)
        if (p->bucket_sec[i] + 60 > now && p->bucket_sec[i] <= now)
            n += p->bucket_calls[i];
    return n;
}

/* ---- jobs --------------------------------------------------------------------------- */

static struct job *
job_new(struct refresh *r, enum od_svc svc, const char *op, enum od_part part, int depth,
        job_fn done)
{
    struct job *j = xcalloc(1, sizeof *j);

    j->r = r;
    j->svc = svc;
    j->op = op;
    j->part = part;
    j->depth = depth;
    j->done = done;
    return j;
}

static void
job_free(struct job *j)
{
    free(j->body);
    kv_array_free(j->params, j->nparams);
    free(j->path);
    for (size_t i = 0; i < j->nquery; i++) {
        free((char *)j->query[i].key);
        free((char *)j->query[i].value);
    }
    free(j);
}

static void
enqueue(struct refresh *r, struct job *j)
{
    if (r->tail != NULL)
        r->tail->next = j;
    else
        r->head = j;
    r->tail = j;
    if (j->depth > r->stats.depth)
        r->stats.depth = j->depth;
}

static void
fail(struct refresh *r, enum od_part part, const struct od_error *err)
{
    if (!r->failed[part]) {
        r->failed[part] = true;
        od_error_copy(&r->errors[part], err);
    }
}

static void
fail_parse(struct refresh *r, enum od_part part, struct od_error *err)
{
    fail(r, part, err);
    od_error_clear(err);
}

/* ---- commit ------------------------------------------------------------------------- */

static void
commit_part(struct refresh *r, enum od_part part, bool requested)
{
    struct od_world *w = r->p->world;

    if (!requested)
        return;
    if (r->failed[part]) {
        r->stats.failed_parts++;
        if (w->parts[part].loaded) {
            world_mark_stale(w, part, &r->errors[part]);
            return;
        }
    }
    switch (part) {
    case OD_PART_CLUSTERS:
        world_set_clusters(w, r->clusters, r->nclusters);
        r->clusters = NULL;
        r->nclusters = 0;
        break;
    case OD_PART_SERVICES:
        world_set_services(w, r->services, r->nservices);
        r->services = NULL;
        r->nservices = 0;
        break;
    case OD_PART_TASKS:
        world_set_tasks(w, r->tasks, r->ntasks);
        r->tasks = NULL;
        r->ntasks = 0;
        break;
    case OD_PART_STOPPED_TASKS:
        world_set_stopped(w, r->stopped, r->nstopped);
        r->stopped = NULL;
        r->nstopped = 0;
        break;
    case OD_PART_INSTANCES:
        world_set_instances(w, r->instances, r->ninstances);
        r->instances = NULL;
        r->ninstances = 0;
        break;
    case OD_PART_ALARMS:
        world_set_alarms(w, r->alarms, r->nalarms);
        r->alarms = NULL;
        r->nalarms = 0;
        break;
    case OD_PART_DISTRIBUTIONS:
        world_set_distributions(w, r->dists, r->ndists);
        r->dists = NULL;
        r->ndists = 0;
        break;
    case OD_PART_METRICS:
        world_set_metrics(w, r->msets, r->nmsets);
        r->msets = NULL;
        r->nmsets = 0;
        break;
    case OD_PART_TARGETS: {
        struct od_target_group *arr = r->ntgs > 0 ? xcalloc(r->ntgs, sizeof *arr) : NULL;

        for (size_t i = 0; i < r->ntgs; i++) {
            struct tg_slot *s = &r->tgs[i];

            arr[i] = s->group;
            memset(&s->group, 0, sizeof s->group);
            if (arr[i].arn == NULL)
                arr[i].arn = xstrdup(s->arn);
            if (arr[i].name == NULL) {
                /* "...:targetgroup/NAME/ID" */
                const char *p = strstr(s->arn, "targetgroup/");
                arr[i].name = p != NULL ? xstrndup(p + 12, strcspn(p + 12, "/")) : xstrdup(s->arn);
            }
            arr[i].targets = s->targets;
            arr[i].ntargets = s->ntargets;
            s->targets = NULL;
            s->ntargets = 0;
        }
        world_set_target_groups(w, arr, r->ntgs);
        break;
    }
    default:
        break;
    }
    if (r->failed[part])
        world_mark_stale(w, part, &r->errors[part]);
}

static void
refresh_free(struct refresh *r)
{
    struct job *j, *next;

    for (j = r->head; j != NULL; j = next) {
        next = j->next;
        job_free(j);
    }
    for (int i = 0; i < OD_PART__COUNT; i++)
        od_error_clear(&r->errors[i]);
    OD_FREE_ARRAY(r->clusters, r->nclusters, cluster_clear);
    OD_FREE_ARRAY(r->services, r->nservices, service_clear);
    OD_FREE_ARRAY(r->tasks, r->ntasks, task_clear);
    OD_FREE_ARRAY(r->stopped, r->nstopped, task_clear);
    OD_FREE_ARRAY(r->instances, r->ninstances, container_instance_clear);
    OD_FREE_ARRAY(r->alarms, r->nalarms, alarm_clear);
    OD_FREE_ARRAY(r->dists, r->ndists, distribution_clear);
    for (size_t i = 0; i < r->ntgs; i++) {
        free(r->tgs[i].arn);
        target_group_clear(&r->tgs[i].group);
        OD_FREE_ARRAY(r->tgs[i].targets, r->tgs[i].ntargets, target_clear);
    }
    free(r->tgs);
    for (size_t i = 0; i < r->nmsets; i++) {
        free(r->msets[i].owner);
        OD_FREE_ARRAY(r->msets[i].series, r->msets[i].nseries, series_clear);
    }
    free(r->msets);
    for (size_t i = 0; i < r->nmrefs; i++)
        free(r->mrefs[i].owner);
    free(r->mrefs);
    free(r->cluster);
    free(r);
}

static void schedule_next(struct od_poller *p);

static void
finish_refresh(struct refresh *r)
{
    struct od_poller *p = r->p;
    poller_cb cb = r->cb;
    void *ud = r->ud;

    r->finished = true;
    for (int part = 0; part < OD_PART__COUNT; part++)
        commit_part(r, (enum od_part)part, (r->parts & POLL_PART(part)) != 0);
    r->stats.elapsed_ms = clock_mono_ms() - r->started_ms;
    r->stats.attempts = p->aws->attempts_total - r->attempts_at_start;
    if (p->aws->throttles_total > r->throttles_at_start)
        p->backoff_ms = p->backoff_ms == 0 ? SLOW_INTERVAL_MS : p->backoff_ms * 2;
    else
        p->backoff_ms = 0;
    if (p->backoff_ms > MAX_BACKOFF_MS)
        p->backoff_ms = MAX_BACKOFF_MS;
    p->last = r->stats;
    p->current = NULL;
    log_debug("refresh done: %llu calls (minimum %llu), depth %d, %llu ms",
              (unsigned long long)r->stats.calls, (unsigned long long)r->stats.minimum,
              r->stats.depth, (unsigned long long)r->stats.elapsed_ms);
    refresh_free(r);
    if (cb != NULL)
        cb(ud);
    if (p->running && p->on_change != NULL)
        p->on_change(p->on_change_ud);
    if (p->again) {
        p->again = false;
        poller_refresh(p, p->again_cb, p->again_ud);
    } else if (p->running) {
        schedule_next(p);
    }
}

static void
on_job_done(const struct od_aws_response *resp, const struct od_error *err, void *ud)
{
    struct job *j = ud;
    struct refresh *r = j->r;

    r->in_flight--;
    j->done(r, j, resp, err != NULL && err->err != OD_OK ? err : NULL);
    job_free(j);
    pump(r);
}

static void
start_job(struct refresh *r, struct job *j)
{
    struct od_poller *p = r->p;
    struct od_error err = {0};
    struct od_aws_call call = {0};
    enum od_err rc;

    r->stats.calls++;
    op_count(&r->stats, j->op)->calls++;
    count_call_for_rate(p);
    call.svc = j->svc;
    call.op = j->op;
    call.region = j->region;
    call.timeout_ms = j->timeout_ms;
    if (j->path != NULL) {
        call.method = "GET";
        call.path = j->path;
        call.query = j->query;
        call.nquery = j->nquery;
        rc = aws_call(p->aws, &call, on_job_done, j, &err);
    } else if (j->body != NULL) {
        static const struct od_kv qm[] = {{"x-amzn-query-mode", "true"}};

        call.body = j->body;
        call.body_len = strlen(j->body);
        if (j->svc == OD_SVC_CLOUDWATCH) {
            call.headers = qm;
            call.nheaders = 1;
        }
        rc = aws_call(p->aws, &call, on_job_done, j, &err);
    } else {
        rc = aws_call_query(p->aws, j->svc, j->op, j->params, j->nparams, 0, on_job_done, j,
                            &err);
    }
    r->in_flight++;
    if (rc != OD_OK) {
        /* Could not even start (no region, bad endpoint): complete it as failed. */
        r->in_flight--;
        j->done(r, j, NULL, &err);
        job_free(j);
        od_error_clear(&err);
    }
}

static void
pump(struct refresh *r)
{
    struct od_poller *p = r->p;

    if (r->pumping)
        return;
    r->pumping = true;
    while (r->head != NULL && r->in_flight < p->max_in_flight) {
        struct job *j = r->head;

        r->head = j->next;
        if (r->head == NULL)
            r->tail = NULL;
        j->next = NULL;
        start_job(r, j);
    }
    r->pumping = false;
    if (r->head == NULL && r->in_flight == 0 && !r->finished)
        finish_refresh(r);
}

/* ---- ECS: clusters ------------------------------------------------------------------ */

static void list_clusters(struct refresh *r, const char *token, int depth);

static void
describe_clusters_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                       const struct od_error *err)
{
    struct od_cluster *arr = NULL;
    size_t n = 0;
    struct od_error perr = {0};

    if (err != NULL) {
        fail(r, OD_PART_CLUSTERS, err);
        return;
    }
    if (ecs_decode_clusters(resp->body, resp->body_len, &arr, &n, &perr) != OD_OK) {
        fail_parse(r, OD_PART_CLUSTERS, &perr);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        GROW(r->clusters, r->nclusters, r->cclusters);
        r->clusters[r->nclusters++] = arr[i];
    }
    free(arr);
}

static void
list_clusters_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                   const struct od_error *err)
{
    char **arns = NULL, *next = NULL;
    size_t n = 0;
    struct od_error perr = {0};

    if (err != NULL) {
        fail(r, OD_PART_CLUSTERS, err);
        return;
    }
    if (ecs_decode_arn_list(resp->body, resp->body_len, "clusterArns", &arns, &n, &next,
                            &perr) != OD_OK) {
        fail_parse(r, OD_PART_CLUSTERS, &perr);
        return;
    }
    add_minimum(r, "ListClusters", 1);
    add_minimum(r, "DescribeClusters", batches(n, DESCRIBE_CLUSTERS_MAX));
    for (size_t i = 0; i < n; i += DESCRIBE_CLUSTERS_MAX) {
        size_t m = n - i < DESCRIBE_CLUSTERS_MAX ? n - i : DESCRIBE_CLUSTERS_MAX;
        struct job *d = job_new(r, OD_SVC_ECS, "DescribeClusters", OD_PART_CLUSTERS,
                                j->depth + 1, describe_clusters_done);

        d->body = ecs_body_describe_clusters((const char *const *)arns + i, m);
        enqueue(r, d);
    }
    if (next != NULL)
        list_clusters(r, next, j->depth);
    free(next);
    arn_list_free(&arns, &n);
}

static void
list_clusters(struct refresh *r, const char *token, int depth)
{
    struct job *j = job_new(r, OD_SVC_ECS, "ListClusters", OD_PART_CLUSTERS, depth + 1,
                            list_clusters_done);

    j->body = ecs_body_list_clusters(token);
    enqueue(r, j);
}

/* ---- ECS: services, then target groups and metrics --------------------------------- */

static void list_services(struct refresh *r, const char *token, int depth);
static void target_health_done(struct refresh *r, struct job *j,
                               const struct od_aws_response *resp, const struct od_error *err);
static void describe_tgs_done(struct refresh *r, struct job *j,
                              const struct od_aws_response *resp, const struct od_error *err);

static bool
want(const struct refresh *r, enum od_part part)
{
    return (r->parts & POLL_PART(part)) != 0;
}

static size_t
tg_slot(struct refresh *r, const char *arn, bool *added)
{
    for (size_t i = 0; i < r->ntgs; i++) {
        if (strcmp(r->tgs[i].arn, arn) == 0) {
            *added = false;
            return i;
        }
    }
    GROW(r->tgs, r->ntgs, r->ctgs);
    memset(&r->tgs[r->ntgs], 0, sizeof r->tgs[r->ntgs]);
    r->tgs[r->ntgs].arn = xstrdup(arn);
    *added = true;
    return r->ntgs++;
}

static void
services_phase_done(struct refresh *r, int depth)
{
    bool need_groups = want(r, OD_PART_TARGETS) || want(r, OD_PART_METRICS);

    r->svc_phase_done = true;
    add_minimum(r, "DescribeServices", batches(r->nservices, DESCRIBE_SERVICES_MAX));
    if (!need_groups || r->ntgs == 0) {
        r->tg_phase_done = true;
        start_metrics(r, depth);
        return;
    }
    add_minimum(r, "DescribeTargetGroups", batches(r->ntgs, DESCRIBE_TGS_MAX));
    for (size_t i = 0; i < r->ntgs; i += DESCRIBE_TGS_MAX) {
        size_t m = r->ntgs - i < DESCRIBE_TGS_MAX ? r->ntgs - i : DESCRIBE_TGS_MAX;
        const char **arns = xcalloc(m, sizeof *arns);
        struct job *d = job_new(r, OD_SVC_ELBV2, "DescribeTargetGroups", OD_PART_TARGETS,
                                depth + 1, describe_tgs_done);

        for (size_t k = 0; k < m; k++)
            arns[k] = r->tgs[i + k].arn;
        d->params = elbv2_params_describe_target_groups(arns, m, NULL, &d->nparams);
        free(arns);
        r->tg_describes++;
        enqueue(r, d);
    }
}

static void
check_services_phase(struct refresh *r, int depth)
{
    if (!r->svc_phase_done && r->svc_lists == 0 && r->svc_describes == 0)
        services_phase_done(r, depth);
}

static void
describe_services_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                       const struct od_error *err)
{
    struct od_service *arr = NULL;
    size_t n = 0;
    struct od_error perr = {0};

    r->svc_describes--;
    if (err != NULL) {
        fail(r, OD_PART_SERVICES, err);
    } else if (ecs_decode_services(resp->body, resp->body_len, &arr, &n, NULL, NULL, &perr) !=
               OD_OK) {
        fail_parse(r, OD_PART_SERVICES, &perr);
    } else {
        for (size_t i = 0; i < n; i++) {
            struct od_service *s = &arr[i];

            for (size_t k = 0; k < s->nlbs; k++) {
                bool added;
                size_t slot;

                if (s->lbs[k].target_group_arn == NULL)
                    continue;
                slot = tg_slot(r, s->lbs[k].target_group_arn, &added);
                if (added && want(r, OD_PART_TARGETS)) {
                    struct job *h = job_new(r, OD_SVC_ELBV2, "DescribeTargetHealth",
                                            OD_PART_TARGETS, j->depth + 1, target_health_done);

                    h->index = slot;
                    h->params = elbv2_params_describe_target_health(r->tgs[slot].arn,
                                                                    &h->nparams);
                    add_minimum(r, "DescribeTargetHealth", 1);
                    enqueue(r, h);
                }
            }
            GROW(r->services, r->nservices, r->cservices);
            r->services[r->nservices++] = *s;
        }
        free(arr);
    }
    check_services_phase(r, j->depth);
}

static void
list_services_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                   const struct od_error *err)
{
    char **arns = NULL, *next = NULL;
    size_t n = 0;
    struct od_error perr = {0};

    r->svc_lists--;
    if (err != NULL) {
        fail(r, OD_PART_SERVICES, err);
    } else if (ecs_decode_arn_list(resp->body, resp->body_len, "serviceArns", &arns, &n, &next,
                                   &perr) != OD_OK) {
        fail_parse(r, OD_PART_SERVICES, &perr);
    } else {
        add_minimum(r, "ListServices", 1);
        /* Describe each page as soon as it arrives: pages and describes overlap. */
        for (size_t i = 0; i < n; i += DESCRIBE_SERVICES_MAX) {
            size_t m = n - i < DESCRIBE_SERVICES_MAX ? n - i : DESCRIBE_SERVICES_MAX;
            struct job *d = job_new(r, OD_SVC_ECS, "DescribeServices", OD_PART_SERVICES,
                                    j->depth + 1, describe_services_done);

            d->body = ecs_body_describe_services(r->cluster, (const char *const *)arns + i, m);
            r->svc_describes++;
            enqueue(r, d);
        }
        if (next != NULL)
            list_services(r, next, j->depth - 1);
        free(next);
        arn_list_free(&arns, &n);
    }
    check_services_phase(r, j->depth);
}

static void
list_services(struct refresh *r, const char *token, int depth)
{
    struct job *j = job_new(r, OD_SVC_ECS, "ListServices", OD_PART_SERVICES, depth + 1,
                            list_services_done);

    j->body = ecs_body_list_services(r->cluster, token);
    r->svc_lists++;
    enqueue(r, j);
}

static void
target_health_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                   const struct od_error *err)
{
    struct tg_slot *s = &r->tgs[j->index];
    struct od_error perr = {0};

    if (err != NULL) {
        fail(r, OD_PART_TARGETS, err);
        return;
    }
    OD_FREE_ARRAY(s->targets, s->ntargets, target_clear);
    if (elbv2_decode_target_health(resp->body, resp->body_len, &s->targets, &s->ntargets,
                                   &perr) != OD_OK)
        fail_parse(r, OD_PART_TARGETS, &perr);
}

static void
describe_tgs_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                  const struct od_error *err)
{
    struct od_target_group *arr = NULL;
    size_t n = 0;
    struct od_error perr = {0};

    r->tg_describes--;
    if (err != NULL) {
        fail(r, OD_PART_TARGETS, err);
    } else if (elbv2_decode_target_groups(resp->body, resp->body_len, &arr, &n, NULL, &perr) !=
               OD_OK) {
        fail_parse(r, OD_PART_TARGETS, &perr);
    } else {
        for (size_t i = 0; i < n; i++) {
            bool added;
            size_t slot = tg_slot(r, arr[i].arn, &added);

            target_group_clear(&r->tgs[slot].group);
            r->tgs[slot].group = arr[i];
            r->tgs[slot].described = true;
        }
        free(arr);
    }
    if (r->tg_describes == 0 && !r->tg_phase_done) {
        r->tg_phase_done = true;
        start_metrics(r, j->depth);
    }
}

/* ---- ECS: tasks and container instances --------------------------------------------- */

static void list_tasks(struct refresh *r, const char *token, int depth, bool stopped);

static void
describe_tasks_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                    const struct od_error *err)
{
    struct od_task *arr = NULL;
    size_t n = 0;
    struct od_error perr = {0};
    enum od_part part = j->stopped ? OD_PART_STOPPED_TASKS : OD_PART_TASKS;

    if (err != NULL) {
        fail(r, part, err);
        return;
    }
    if (ecs_decode_tasks(resp->body, resp->body_len, &arr, &n, NULL, NULL, &perr) != OD_OK) {
        fail_parse(r, part, &perr);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (j->stopped) {
            GROW(r->stopped, r->nstopped, r->cstopped);
            r->stopped[r->nstopped++] = arr[i];
        } else {
            GROW(r->tasks, r->ntasks, r->ctasks);
            r->tasks[r->ntasks++] = arr[i];
        }
    }
    free(arr);
}

static void
list_tasks_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                const struct od_error *err)
{
    char **arns = NULL, *next = NULL;
    size_t n = 0;
    struct od_error perr = {0};
    enum od_part part = j->stopped ? OD_PART_STOPPED_TASKS : OD_PART_TASKS;

    if (err != NULL) {
        fail(r, part, err);
        return;
    }
    if (ecs_decode_arn_list(resp->body, resp->body_len, "taskArns", &arns, &n, &next, &perr) !=
        OD_OK) {
        fail_parse(r, part, &perr);
        return;
    }
    add_minimum(r, "ListTasks", 1);
    add_minimum(r, "DescribeTasks", batches(n, DESCRIBE_TASKS_MAX));
    for (size_t i = 0; i < n; i += DESCRIBE_TASKS_MAX) {
        size_t m = n - i < DESCRIBE_TASKS_MAX ? n - i : DESCRIBE_TASKS_MAX;
        struct job *d = job_new(r, OD_SVC_ECS, "DescribeTasks", part, j->depth + 1,
                                describe_tasks_done);

        d->stopped = j->stopped;
        d->body = ecs_body_describe_tasks(r->cluster, (const char *const *)arns + i, m);
        enqueue(r, d);
    }
    if (next != NULL)
        list_tasks(r, next, j->depth - 1, j->stopped);
    free(next);
    arn_list_free(&arns, &n);
}

static void
list_tasks(struct refresh *r, const char *token, int depth, bool stopped)
{
    struct job *j = job_new(r, OD_SVC_ECS, "ListTasks",
                            stopped ? OD_PART_STOPPED_TASKS : OD_PART_TASKS, depth + 1,
                            list_tasks_done);

    j->stopped = stopped;
    j->body = ecs_body_list_tasks(r->cluster, stopped ? "STOPPED" : "RUNNING", token);
    enqueue(r, j);
}

static void list_instances(struct refresh *r, const char *token, int depth);

static void
describe_instances_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                        const struct od_error *err)
{
    struct od_container_instance *arr = NULL;
    size_t n = 0;
    struct od_error perr = {0};

    if (err != NULL) {
        fail(r, OD_PART_INSTANCES, err);
        return;
    }
    if (ecs_decode_container_instances(resp->body, resp->body_len, &arr, &n, &perr) != OD_OK) {
        fail_parse(r, OD_PART_INSTANCES, &perr);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        GROW(r->instances, r->ninstances, r->cinstances);
        r->instances[r->ninstances++] = arr[i];
    }
    free(arr);
}

static void
list_instances_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                    const struct od_error *err)
{
    char **arns = NULL, *next = NULL;
    size_t n = 0;
    struct od_error perr = {0};

    if (err != NULL) {
        fail(r, OD_PART_INSTANCES, err);
        return;
    }
    if (ecs_decode_arn_list(resp->body, resp->body_len, "containerInstanceArns", &arns, &n,
                            &next, &perr) != OD_OK) {
        fail_parse(r, OD_PART_INSTANCES, &perr);
        return;
    }
    add_minimum(r, "ListContainerInstances", 1);
    add_minimum(r, "DescribeContainerInstances", batches(n, DESCRIBE_INSTANCES_MAX));
    for (size_t i = 0; i < n; i += DESCRIBE_INSTANCES_MAX) {
        size_t m = n - i < DESCRIBE_INSTANCES_MAX ? n - i : DESCRIBE_INSTANCES_MAX;
        struct job *d = job_new(r, OD_SVC_ECS, "DescribeContainerInstances", OD_PART_INSTANCES,
                                j->depth + 1, describe_instances_done);

        d->body = ecs_body_describe_container_instances(r->cluster,
                                                        (const char *const *)arns + i, m);
        enqueue(r, d);
    }
    if (next != NULL)
        list_instances(r, next, j->depth - 1);
    free(next);
    arn_list_free(&arns, &n);
}

static void
list_instances(struct refresh *r, const char *token, int depth)
{
    struct job *j = job_new(r, OD_SVC_ECS, "ListContainerInstances", OD_PART_INSTANCES,
                            depth + 1, list_instances_done);

    j->body = ecs_body_list_container_instances(r->cluster, token);
    enqueue(r, j);
}

/* ---- CloudWatch: alarms and metrics ------------------------------------------------- */

static void
describe_alarms(struct refresh *r, const char *token, int depth);

static void
describe_alarms_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                     const struct od_error *err)
{
    struct od_alarm *arr = NULL;
    size_t n = 0;
    char *next = NULL;
    struct od_error perr = {0};

    if (err != NULL) {
        fail(r, OD_PART_ALARMS, err);
        return;
    }
    if (cw_decode_alarms(resp->body, resp->body_len, &arr, &n, &next, &perr) != OD_OK) {
        fail_parse(r, OD_PART_ALARMS, &perr);
        return;
    }
    add_minimum(r, "DescribeAlarms", 1);
    for (size_t i = 0; i < n; i++) {
        GROW(r->alarms, r->nalarms, r->calarms);
        r->alarms[r->nalarms++] = arr[i];
    }
    free(arr);
    if (next != NULL)
        describe_alarms(r, next, j->depth);
    free(next);
}

static void
describe_alarms(struct refresh *r, const char *token, int depth)
{
    struct job *j = job_new(r, OD_SVC_CLOUDWATCH, "DescribeAlarms", OD_PART_ALARMS, depth + 1,
                            describe_alarms_done);

    j->body = cw_body_describe_alarms(token);
    enqueue(r, j);
}

static struct od_metric_set *
metric_set(struct refresh *r, const char *owner)
{
    for (size_t i = 0; i < r->nmsets; i++)
        if (strcmp(r->msets[i].owner, owner) == 0)
            return &r->msets[i];
    GROW(r->msets, r->nmsets, r->cmsets);
    memset(&r->msets[r->nmsets], 0, sizeof r->msets[r->nmsets]);
    r->msets[r->nmsets].owner = xstrdup(owner);
    return &r->msets[r->nmsets++];
}

/* Merge a decoded series (id "q<N>") into its owner's set under the metric's name. */
static void
merge_series(struct refresh *r, struct od_series *s)
{
    long idx;
    struct metric_ref *ref;
    struct od_metric_set *set;
    struct od_series *dst = NULL;

    if (s->id == NULL || s->id[0] != 'q' || !str_to_long(s->id + 1, &idx) || idx < 0 ||
        (size_t)idx >= r->nmrefs) {
        series_clear(s);
        return;
    }
    ref = &r->mrefs[idx];
    set = metric_set(r, ref->owner);
    for (size_t i = 0; i < set->nseries; i++)
        if (str_eq(set->series[i].id, ref->metric))
            dst = &set->series[i];
    if (dst == NULL) {
        set->series = xreallocarray(set->series, set->nseries + 1, sizeof *set->series);
        dst = &set->series[set->nseries++];
        *dst = *s;
        free(dst->id);
        dst->id = xstrdup(ref->metric);
        memset(s, 0, sizeof *s);
        return;
    }
    /* A later page of the same series: append its points. */
    if (s->n > 0) {
        dst->values = xreallocarray(dst->values, dst->n + s->n, sizeof *dst->values);
        dst->timestamps = xreallocarray(dst->timestamps, dst->n + s->n, sizeof *dst->timestamps);
        memcpy(dst->values + dst->n, s->values, s->n * sizeof *s->values);
        memcpy(dst->timestamps + dst->n, s->timestamps, s->n * sizeof *s->timestamps);
        dst->n += s->n;
    }
    series_clear(s);
}

/* The same GetMetricData body with NextToken set to token. */
static char *
with_next_token(const char *body, const char *token)
{
    cJSON *doc = json_parse(body, strlen(body), NULL);
    char *out;

    if (doc == NULL)
        od_fatal("poller: own GetMetricData body does not parse");
    cJSON_DeleteItemFromObjectCaseSensitive(doc, "NextToken");
    json_add_str(doc, "NextToken", token);
    out = json_print(doc);
    json_free(&doc);
    return out;
}

static void
metric_data_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                 const struct od_error *err)
{
    struct od_series *arr = NULL;
    size_t n = 0;
    char *next = NULL;
    struct od_error perr = {0};

    if (err != NULL) {
        fail(r, OD_PART_METRICS, err);
        return;
    }
    if (cw_decode_metric_data(resp->body, resp->body_len, &arr, &n, &next, &perr) != OD_OK) {
        fail_parse(r, OD_PART_METRICS, &perr);
        return;
    }
    for (size_t i = 0; i < n; i++)
        merge_series(r, &arr[i]);
    free(arr);
    if (next != NULL) {
        /* Same queries, next page: rebuild the body with the token. */
        struct job *more = job_new(r, OD_SVC_CLOUDWATCH, "GetMetricData", OD_PART_METRICS,
                                   j->depth + 1, metric_data_done);
        more->region = j->region;
        more->timeout_ms = j->timeout_ms;
        more->body = with_next_token(j->body, next);
        enqueue(r, more);
    }
    free(next);
}

struct qbuild {
    struct od_metric_query *q;
    size_t n, cap;
    struct od_dimension **dims; /* owned blocks of 2 dimensions, freed after the bodies */
    size_t ndims;
    char **ids;
    size_t nids;
};

static void
add_query(struct refresh *r, struct qbuild *b, const char *owner, const char *ns,
          const char *metric, const char *stat, const struct od_dimension *dims, size_t ndims)
{
    struct od_metric_query *q;
    char *id;

    GROW(b->q, b->n, b->cap);
    GROW(r->mrefs, r->nmrefs, r->cmrefs);
    id = xasprintf("q%zu", r->nmrefs);
    r->mrefs[r->nmrefs].owner = xstrdup(owner);
    r->mrefs[r->nmrefs].metric = metric;
    r->nmrefs++;
    b->ids = xreallocarray(b->ids, b->nids + 1, sizeof *b->ids);
    b->ids[b->nids++] = id;
    q = &b->q[b->n++];
    memset(q, 0, sizeof *q);
    q->id = id;
    q->namespace_ = ns;
    q->metric_name = metric;
    q->stat = stat;
    q->period = 60;
    q->dimensions = dims;
    q->ndimensions = ndims;
}

static struct od_dimension *
dims_alloc(struct qbuild *b, size_t n)
{
    /* Dimension arrays must stay put until the bodies are built: allocate each alone. */
    struct od_dimension *d = xcalloc(n, sizeof *d);

    b->dims = xreallocarray(b->dims, b->ndims + 1, sizeof *b->dims);
    b->dims[b->ndims++] = d;
    return d;
}

static void
qbuild_free(struct qbuild *b)
{
    for (size_t i = 0; i < b->ndims; i++) {
        struct od_dimension *d = b->dims[i];

        for (size_t k = 0; k < 2; k++) {
            free(d[k].name);
            free(d[k].value);
        }
        free(d);
    }
    free(b->dims);
    for (size_t i = 0; i < b->nids; i++)
        free(b->ids[i]);
    free(b->ids);
    free(b->q);
}

static void
emit_metric_jobs(struct refresh *r, struct qbuild *b, const char *region, int depth,
                 time_t start, time_t end)
{
    for (size_t i = 0; i < b->n; i += CW_MAX_QUERIES) {
        size_t m = b->n - i < CW_MAX_QUERIES ? b->n - i : CW_MAX_QUERIES;
        struct job *j = job_new(r, OD_SVC_CLOUDWATCH, "GetMetricData", OD_PART_METRICS,
                                depth + 1, metric_data_done);

        j->region = region;
        /* Up to 500 metrics in one call: give it longer than a describe. */
        j->timeout_ms = 120000;
        j->body = cw_body_get_metric_data(b->q + i, m, start, end, NULL);
        enqueue(r, j);
    }
    add_minimum(r, "GetMetricData", batches(b->n, CW_MAX_QUERIES));
    r->stats.metrics_requested += b->n;
}

static void
metric_window(const struct od_poller *p, time_t *start, time_t *end)
{
    time_t now = clock_aws_now();

    *end = (now / 60 + 1) * 60;
    *start = *end - (time_t)p->metric_minutes * 60;
}

/* ECS and ALB metrics once services and target groups are known. */
static void
start_metrics(struct refresh *r, int depth)
{
    struct qbuild b = {0};
    time_t start, end;

    if (!want(r, OD_PART_METRICS))
        return;
    metric_window(r->p, &start, &end);
    for (size_t i = 0; i < r->nservices; i++) {
        const struct od_service *s = &r->services[i];
        struct od_dimension *d = dims_alloc(&b, 2);

        d[0].name = xstrdup("ClusterName");
        d[0].value = xstrdup(r->cluster);
        d[1].name = xstrdup("ServiceName");
        d[1].value = xstrdup(s->name);
        add_query(r, &b, s->name, "AWS/ECS", "CPUUtilization", "Average", d, 2);
        add_query(r, &b, s->name, "AWS/ECS", "MemoryUtilization", "Average", d, 2);
    }
    for (size_t i = 0; i < r->ntgs; i++) {
        const struct tg_slot *t = &r->tgs[i];
        struct od_dimension *d;

        if (t->group.nload_balancers == 0)
            continue; /* a target group without a load balancer has no metrics */
        d = dims_alloc(&b, 2);
        d[0].name = xstrdup("TargetGroup");
        d[0].value = elbv2_tg_dimension(t->arn);
        d[1].name = xstrdup("LoadBalancer");
        d[1].value = elbv2_lb_dimension(t->group.load_balancer_arns[0]);
        if (d[0].value == NULL || d[1].value == NULL)
            continue;
        add_query(r, &b, t->arn, "AWS/ApplicationELB", "RequestCount", "Sum", d, 2);
        add_query(r, &b, t->arn, "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", d, 2);
        add_query(r, &b, t->arn, "AWS/ApplicationELB", "TargetResponseTime", "Average", d, 2);
    }
    emit_metric_jobs(r, &b, NULL, depth, start, end);
    qbuild_free(&b);
}

/* CloudFront metrics live in us-east-1 whatever the console's region. */
static void
start_cf_metrics(struct refresh *r, int depth)
{
    struct qbuild b = {0};
    time_t start, end;

    if (!want(r, OD_PART_METRICS) || r->ndists == 0)
        return;
    metric_window(r->p, &start, &end);
    for (size_t i = 0; i < r->ndists; i++) {
        struct od_dimension *d = dims_alloc(&b, 2);

        d[0].name = xstrdup("DistributionId");
        d[0].value = xstrdup(r->dists[i].id);
        d[1].name = xstrdup("Region");
        d[1].value = xstrdup("Global");
        add_query(r, &b, r->dists[i].id, "AWS/CloudFront", "Requests", "Sum", d, 2);
        add_query(r, &b, r->dists[i].id, "AWS/CloudFront", "5xxErrorRate", "Average", d, 2);
    }
    emit_metric_jobs(r, &b, "us-east-1", depth, start, end);
    qbuild_free(&b);
}

/* ---- CloudFront ---------------------------------------------------------------------- */

static void list_distributions(struct refresh *r, const char *marker, int depth);

static void
list_invalidations_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                        const struct od_error *err)
{
    struct od_invalidation *arr = NULL;
    size_t n = 0;
    char *next = NULL;
    struct od_error perr = {0};
    struct od_distribution *d = &r->dists[j->index];

    if (err != NULL) {
        fail(r, OD_PART_DISTRIBUTIONS, err);
        return;
    }
    if (cf_decode_invalidations(resp->body, resp->body_len, &arr, &n, &next, &perr) != OD_OK) {
        fail_parse(r, OD_PART_DISTRIBUTIONS, &perr);
        return;
    }
    /* Only the latest page: the console shows recent invalidations. */
    OD_FREE_ARRAY(d->invalidations, d->ninvalidations, invalidation_clear);
    d->invalidations = arr;
    d->ninvalidations = n;
    free(next);
}

static void
list_distributions_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                        const struct od_error *err)
{
    struct od_distribution *arr = NULL;
    size_t n = 0;
    char *next = NULL;
    struct od_error perr = {0};

    r->dist_lists--;
    if (err != NULL) {
        fail(r, OD_PART_DISTRIBUTIONS, err);
    } else if (cf_decode_distributions(resp->body, resp->body_len, &arr, &n, &next, &perr) !=
               OD_OK) {
        fail_parse(r, OD_PART_DISTRIBUTIONS, &perr);
    } else {
        add_minimum(r, "ListDistributions", 1);
        for (size_t i = 0; i < n; i++) {
            struct job *inv;

            GROW(r->dists, r->ndists, r->cdists);
            r->dists[r->ndists] = arr[i];
            inv = job_new(r, OD_SVC_CLOUDFRONT, "ListInvalidations", OD_PART_DISTRIBUTIONS,
                          j->depth + 1, list_invalidations_done);
            inv->index = r->ndists;
            inv->path = cf_path_invalidations(arr[i].id);
            inv->query[0].key = xstrdup("MaxItems");
            inv->query[0].value = xstrdup("10");
            inv->nquery = 1;
            add_minimum(r, "ListInvalidations", 1);
            enqueue(r, inv);
            r->ndists++;
        }
        free(arr);
        if (next != NULL)
            list_distributions(r, next, j->depth - 1);
        free(next);
    }
    if (r->dist_lists == 0 && !r->dist_phase_done) {
        r->dist_phase_done = true;
        start_cf_metrics(r, j->depth);
    }
}

static void
list_distributions(struct refresh *r, const char *marker, int depth)
{
    struct job *j = job_new(r, OD_SVC_CLOUDFRONT, "ListDistributions", OD_PART_DISTRIBUTIONS,
                            depth + 1, list_distributions_done);

    j->path = cf_path_distributions();
    if (marker != NULL) {
        j->query[j->nquery].key = xstrdup("Marker");
        j->query[j->nquery++].value = xstrdup(marker);
    }
    r->dist_lists++;
    enqueue(r, j);
}

/* ---- public API ----------------------------------------------------------------------- */

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
        /* Calls in flight still point at the refresh: let the client cancel them first. */
        p->current->cb = NULL;
    }
    free(p->cluster);
    free(p);
    *pp = NULL;
}

void
poller_set_parts(struct od_poller *p, unsigned parts)
{
    p->parts = parts;
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

static void
refresh_with_parts(struct od_poller *p, unsigned parts, poller_cb cb, void *ud)
{
    struct refresh *r;
    const unsigned cluster_parts = POLL_PART(OD_PART_SERVICES) | POLL_PART(OD_PART_TASKS) |
                                   POLL_PART(OD_PART_STOPPED_TASKS) |
                                   POLL_PART(OD_PART_INSTANCES) | POLL_PART(OD_PART_TARGETS);

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
    p->current = r;

    if (want(r, OD_PART_CLUSTERS))
        list_clusters(r, NULL, 0);
    if (want(r, OD_PART_SERVICES) || want(r, OD_PART_TARGETS) || want(r, OD_PART_METRICS)) {
        if (p->cluster != NULL) {
            r->parts |= POLL_PART(OD_PART_SERVICES);
            list_services(r, NULL, 0);
        } else {
            r->svc_phase_done = true;
            r->tg_phase_done = true;
        }
    } else {
        r->svc_phase_done = true;
        r->tg_phase_done = true;
    }
    if (want(r, OD_PART_TASKS))
        list_tasks(r, NULL, 0, false);
    if (want(r, OD_PART_STOPPED_TASKS))
        list_tasks(r, NULL, 0, true);
    if (want(r, OD_PART_INSTANCES))
        list_instances(r, NULL, 0);
    if (want(r, OD_PART_ALARMS))
        describe_alarms(r, NULL, 0);
    if (want(r, OD_PART_DISTRIBUTIONS))
        list_distributions(r, NULL, 0);
    else
        r->dist_phase_done = true;
    if (want(r, OD_PART_METRICS) && p->cluster == NULL)
        start_metrics(r, 0);
    if (want(r, OD_PART_METRICS))
        p->last_metrics_ms = clock_mono_ms();
    pump(r);
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

static void
schedule_next(struct od_poller *p)
{
    uint64_t delay = world_rolling(p->world) ? FAST_INTERVAL_MS : SLOW_INTERVAL_MS;

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
