#include "model/world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/alarm_attr.h"
#include "model/task_set.h"
#include "util/clock.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/strmap.h"
#include "util/xalloc.h"

static const char *const part_names[OD_PART__COUNT] = {
    [OD_PART_CLUSTERS] = "clusters",   [OD_PART_SERVICES] = "services",
    [OD_PART_TASKS] = "tasks",         [OD_PART_STOPPED_TASKS] = "stoppedTasks",
    [OD_PART_INSTANCES] = "containerInstances", [OD_PART_TARGETS] = "targets",
    [OD_PART_ALARMS] = "alarms",       [OD_PART_METRICS] = "metrics",
    [OD_PART_DISTRIBUTIONS] = "distributions", [OD_PART_TASK_DEFS] = "taskDefinitions",
    [OD_PART_SCALING] = "scaling",
    [OD_PART_SERVICE_DEPLOYMENTS] = "serviceDeployments",
};

const char *
part_name(enum od_part p)
{
    return (unsigned)p < OD_PART__COUNT ? part_names[p] : "?";
}

struct od_world *
world_new(const char *region, const char *cluster)
{
    struct od_world *w = xcalloc(1, sizeof *w);

    w->region = region != NULL ? xstrdup(region) : NULL;
    w->cluster = cluster != NULL ? xstrdup(cluster) : NULL;
    return w;
}

static void
metric_set_clear(struct od_metric_set *m)
{
    free(m->owner);
    OD_FREE_ARRAY(m->series, m->nseries, series_clear);
    memset(m, 0, sizeof *m);
}

void
world_free(struct od_world **wp)
{
    struct od_world *w = *wp;

    if (w == NULL)
        return;
    free(w->region);
    free(w->cluster);
    for (int i = 0; i < OD_PART__COUNT; i++) {
        free(w->parts[i].error);
        free(w->parts[i].denied);
    }
    OD_FREE_ARRAY(w->clusters, w->nclusters, cluster_clear);
    OD_FREE_ARRAY(w->services, w->nservices, service_clear);
    OD_FREE_ARRAY(w->tasks, w->ntasks, task_clear);
    OD_FREE_ARRAY(w->stopped, w->nstopped, task_clear);
    OD_FREE_ARRAY(w->instances, w->ninstances, container_instance_clear);
    OD_FREE_ARRAY(w->tgs, w->ntgs, target_group_clear);
    OD_FREE_ARRAY(w->alarms, w->nalarms, alarm_clear);
    OD_FREE_ARRAY(w->metrics, w->nmetrics, metric_set_clear);
    OD_FREE_ARRAY(w->dists, w->ndists, distribution_clear);
    OD_FREE_ARRAY(w->task_defs, w->ntask_defs, task_def_clear);
    strmap_free(&w->task_def_index);
    OD_FREE_ARRAY(w->scaling, w->nscaling, scaling_clear);
    OD_FREE_ARRAY(w->sdeps, w->nsdeps, service_deployment_clear);
    free(w);
    *wp = NULL;
}

static void
mark_fresh(struct od_world *w, enum od_part p)
{
    struct od_part_state *ps = &w->parts[p];

    ps->loaded = true;
    ps->stale = false;
    xfree(&ps->error);
    xfree(&ps->denied);
    ps->updated_at = (time_t)(clock_wall_ms() / 1000);
    w->generation++;
}

void
world_mark_stale(struct od_world *w, enum od_part part, const struct od_error *err)
{
    struct od_part_state *ps = &w->parts[part];
    char *line = od_error_format(err);

    ps->stale = true;
    ps->cause = err != NULL ? err->err : OD_E_AWS;
    free(ps->error);
    ps->error = sanitize_str(line);
    xfree(&ps->denied);
    free(line);
    w->generation++;
}

void
world_mark_denied(struct od_world *w, enum od_part part, const char *action)
{
    struct od_part_state *ps = &w->parts[part];
    char *line = xasprintf("no permission: %s", action);

    ps->stale = true;
    free(ps->error);
    ps->error = sanitize_str(line);
    free(ps->denied);
    ps->denied = sanitize_str(action);
    free(line);
    w->generation++;
}

static int
cmp_service(const void *a, const void *b)
{
    return strcmp(((const struct od_service *)a)->name, ((const struct od_service *)b)->name);
}

static int
cmp_task(const void *a, const void *b)
{
    return strcmp(((const struct od_task *)a)->id, ((const struct od_task *)b)->id);
}

static int
cmp_tg(const void *a, const void *b)
{
    return strcmp(((const struct od_target_group *)a)->arn,
                  ((const struct od_target_group *)b)->arn);
}

static int
cmp_metric_set(const void *a, const void *b)
{
    return strcmp(((const struct od_metric_set *)a)->owner,
                  ((const struct od_metric_set *)b)->owner);
}

void
world_set_clusters(struct od_world *w, struct od_cluster *arr, size_t n)
{
    OD_FREE_ARRAY(w->clusters, w->nclusters, cluster_clear);
    w->clusters = arr;
    w->nclusters = n;
    mark_fresh(w, OD_PART_CLUSTERS);
}

void
world_set_services(struct od_world *w, struct od_service *arr, size_t n)
{
    OD_FREE_ARRAY(w->services, w->nservices, service_clear);
    if (n > 1)
        qsort(arr, n, sizeof *arr, cmp_service);
    w->services = arr;
    w->nservices = n;
    mark_fresh(w, OD_PART_SERVICES);
    world_map_targets(w);
}

void
world_set_tasks(struct od_world *w, struct od_task *arr, size_t n)
{
    OD_FREE_ARRAY(w->tasks, w->ntasks, task_clear);
    if (n > 1)
        qsort(arr, n, sizeof *arr, cmp_task);
    w->tasks = arr;
    w->ntasks = n;
    mark_fresh(w, OD_PART_TASKS);
    world_map_targets(w);
}

void
world_set_stopped(struct od_world *w, struct od_task *arr, size_t n)
{
    OD_FREE_ARRAY(w->stopped, w->nstopped, task_clear);
    if (n > 1)
        qsort(arr, n, sizeof *arr, cmp_task);
    w->stopped = arr;
    w->nstopped = n;
    mark_fresh(w, OD_PART_STOPPED_TASKS);
}

void
world_set_instances(struct od_world *w, struct od_container_instance *arr, size_t n)
{
    OD_FREE_ARRAY(w->instances, w->ninstances, container_instance_clear);
    w->instances = arr;
    w->ninstances = n;
    mark_fresh(w, OD_PART_INSTANCES);
    world_map_targets(w);
}

void
world_set_target_groups(struct od_world *w, struct od_target_group *arr, size_t n)
{
    OD_FREE_ARRAY(w->tgs, w->ntgs, target_group_clear);
    if (n > 1)
        qsort(arr, n, sizeof *arr, cmp_tg);
    w->tgs = arr;
    w->ntgs = n;
    mark_fresh(w, OD_PART_TARGETS);
    world_map_targets(w);
}

void
world_set_alarms(struct od_world *w, struct od_alarm *arr, size_t n)
{
    OD_FREE_ARRAY(w->alarms, w->nalarms, alarm_clear);
    w->alarms = arr;
    w->nalarms = n;
    mark_fresh(w, OD_PART_ALARMS);
}

void
world_set_metrics(struct od_world *w, struct od_metric_set *arr, size_t n)
{
    OD_FREE_ARRAY(w->metrics, w->nmetrics, metric_set_clear);
    if (n > 1)
        qsort(arr, n, sizeof *arr, cmp_metric_set);
    w->metrics = arr;
    w->nmetrics = n;
    mark_fresh(w, OD_PART_METRICS);
}

void
world_set_distributions(struct od_world *w, struct od_distribution *arr, size_t n)
{
    OD_FREE_ARRAY(w->dists, w->ndists, distribution_clear);
    w->dists = arr;
    w->ndists = n;
    mark_fresh(w, OD_PART_DISTRIBUTIONS);
}

void
world_set_scaling(struct od_world *w, struct od_scaling *arr, size_t n)
{
    OD_FREE_ARRAY(w->scaling, w->nscaling, scaling_clear);
    w->scaling = arr;
    w->nscaling = n;
    mark_fresh(w, OD_PART_SCALING);
}

const struct od_scaling *
world_scaling(const struct od_world *w, const char *service)
{
    for (size_t i = 0; service != NULL && i < w->nscaling; i++)
        if (strcmp(w->scaling[i].service, service) == 0)
            return &w->scaling[i];
    return NULL;
}

void
world_set_service_deployments(struct od_world *w, struct od_service_deployment *arr, size_t n)
{
    OD_FREE_ARRAY(w->sdeps, w->nsdeps, service_deployment_clear);
    w->sdeps = arr;
    w->nsdeps = n;
    mark_fresh(w, OD_PART_SERVICE_DEPLOYMENTS);
}

const struct od_service_deployment *
world_service_deployment(const struct od_world *w, const char *service_arn)
{
    for (size_t i = 0; service_arn != NULL && i < w->nsdeps; i++)
        if (w->sdeps[i].service_arn != NULL && strcmp(w->sdeps[i].service_arn, service_arn) == 0)
            return &w->sdeps[i];
    return NULL;
}

void
world_add_task_def(struct od_world *w, struct od_task_def *td)
{
    if (td->arn == NULL || world_task_def(w, td->arn) != NULL) {
        task_def_clear(td);
        return;
    }
    w->task_defs = xreallocarray(w->task_defs, w->ntask_defs + 1, sizeof *w->task_defs);
    w->task_defs[w->ntask_defs] = *td;
    memset(td, 0, sizeof *td);
    {
        /* The keys are the entry's own ARN string (it does not move with the array). */
        const char *full = w->task_defs[w->ntask_defs].arn, *slash = strrchr(full, '/');

        strmap_put(&w->task_def_index, full, w->ntask_defs);
        if (slash != NULL)
            strmap_put(&w->task_def_index, slash + 1, w->ntask_defs);
    }
    w->ntask_defs++;
}

void
world_merge_task_defs(struct od_world *w, struct od_task_def *arr, size_t n)
{
    for (size_t i = 0; i < n; i++)
        world_add_task_def(w, &arr[i]);
    free(arr);
    mark_fresh(w, OD_PART_TASK_DEFS);
}

const struct od_service *
world_service(const struct od_world *w, const char *name)
{
    struct od_service key = {.name = (char *)name};

    if (name == NULL || w->nservices == 0)
        return NULL;
    return bsearch(&key, w->services, w->nservices, sizeof key, cmp_service);
}

const struct od_task *
world_task(const struct od_world *w, const char *id)
{
    struct od_task key = {.id = (char *)id};

    if (id == NULL || w->ntasks == 0)
        return NULL;
    return bsearch(&key, w->tasks, w->ntasks, sizeof key, cmp_task);
}

const struct od_target_group *
world_target_group(const struct od_world *w, const char *arn)
{
    struct od_target_group key = {.arn = (char *)arn};

    if (arn == NULL || w->ntgs == 0)
        return NULL;
    return bsearch(&key, w->tgs, w->ntgs, sizeof key, cmp_tg);
}

const struct od_task_def *
world_task_def(const struct od_world *w, const char *arn)
{
    size_t i;

    return strmap_get(&w->task_def_index, arn, &i) ? &w->task_defs[i] : NULL;
}

const struct od_metric_set *
world_metrics(const struct od_world *w, const char *owner)
{
    struct od_metric_set key = {.owner = (char *)owner};

    if (owner == NULL || w->nmetrics == 0)
        return NULL;
    return bsearch(&key, w->metrics, w->nmetrics, sizeof key, cmp_metric_set);
}

const struct od_series *
metric_set_series(const struct od_metric_set *m, const char *id)
{
    for (size_t i = 0; m != NULL && i < m->nseries; i++)
        if (str_eq(m->series[i].id, id))
            return &m->series[i];
    return NULL;
}

const struct od_distribution *
world_distribution(const struct od_world *w, const char *id)
{
    for (size_t i = 0; id != NULL && i < w->ndists; i++)
        if (str_eq(w->dists[i].id, id))
            return &w->dists[i];
    return NULL;
}

const char *
task_service_name(const struct od_task *t)
{
    if (t->group != NULL && str_has_prefix(t->group, "service:"))
        return t->group + strlen("service:");
    return NULL;
}

/* The indices world_map_targets works from, built once per pass: a linear scan per target
 * over every task and service is O(n²) at thousands of each. Chains keep the tasks of one IP
 * (or one service) in the world's order, so each lookup finds what the scan found. */
struct target_index {
    struct od_strmap tg_owner;  /* target group ARN -> (service << 16 | lb) of its first user */
    struct od_strmap by_ip;     /* private IP -> first task with it */
    struct od_strmap by_svc;    /* service name -> its first task */
    struct od_strmap ci_ec2;    /* container instance ARN -> instance index */
    size_t *next_ip, *next_svc; /* the next task of the same IP / service, or SIZE_MAX */
};

static void
chain_put(struct od_strmap *m, size_t *next, size_t *last, const char *key, size_t i)
{
    size_t first;

    next[i] = SIZE_MAX;
    if (key == NULL)
        return;
    if (!strmap_get(m, key, &first)) {
        strmap_put(m, key, i);
        last[i] = i;
        return;
    }
    /* last[first] is the tail of that chain */
    next[last[first]] = i;
    last[first] = i;
}

static void
target_index_build(const struct od_world *w, struct target_index *x)
{
    size_t *last_ip = xcalloc(w->ntasks + 1, sizeof *last_ip);
    size_t *last_svc = xcalloc(w->ntasks + 1, sizeof *last_svc);

    memset(x, 0, sizeof *x);
    strmap_init(&x->tg_owner, w->nservices);
    for (size_t i = 0; i < w->nservices; i++)
        for (size_t j = 0; j < w->services[i].nlbs && j < 0xffff; j++)
            strmap_put(&x->tg_owner, w->services[i].lbs[j].target_group_arn, i << 16 | j);
    strmap_init(&x->by_ip, w->ntasks);
    strmap_init(&x->by_svc, w->nservices);
    x->next_ip = xcalloc(w->ntasks + 1, sizeof *x->next_ip);
    x->next_svc = xcalloc(w->ntasks + 1, sizeof *x->next_svc);
    for (size_t i = 0; i < w->ntasks; i++) {
        chain_put(&x->by_ip, x->next_ip, last_ip, w->tasks[i].private_ip, i);
        chain_put(&x->by_svc, x->next_svc, last_svc, task_service_name(&w->tasks[i]), i);
    }
    strmap_init(&x->ci_ec2, w->ninstances);
    for (size_t i = 0; i < w->ninstances; i++)
        strmap_put(&x->ci_ec2, w->instances[i].arn, i);
    free(last_ip);
    free(last_svc);
}

static void
target_index_free(struct target_index *x)
{
    strmap_free(&x->tg_owner);
    strmap_free(&x->by_ip);
    strmap_free(&x->by_svc);
    strmap_free(&x->ci_ec2);
    free(x->next_ip);
    free(x->next_svc);
}

static const char *
instance_ec2_id(const struct od_world *w, const struct target_index *x, const char *ci_arn)
{
    size_t i;

    return strmap_get(&x->ci_ec2, ci_arn, &i) ? w->instances[i].ec2_instance_id : NULL;
}

static bool
task_binds_host_port(const struct od_task *t, const char *container, long port)
{
    for (size_t c = 0; c < t->ncontainers; c++) {
        const struct od_container *ct = &t->containers[c];

        if (container != NULL && !str_eq(ct->name, container))
            continue;
        for (size_t b = 0; b < ct->nbindings; b++)
            if (ct->bindings[b].host_port == port)
                return true;
    }
    return false;
}

/* The service (and container) that registers into a target group, if any: the first in the
 * services' order. */
static const struct od_service *
tg_owner(const struct od_world *w, const struct target_index *x, const char *tg_arn,
         const char **container)
{
    size_t v;

    if (!strmap_get(&x->tg_owner, tg_arn, &v)) {
        *container = NULL;
        return NULL;
    }
    *container = w->services[v >> 16].lbs[v & 0xffff].container_name;
    return &w->services[v >> 16];
}

static const struct od_task *
map_ip_target(const struct od_world *w, const struct target_index *x,
              const struct od_service *owner, const char *ip)
{
    const struct od_task *any = NULL;
    size_t i;

    if (!strmap_get(&x->by_ip, ip, &i))
        return NULL;
    for (; i != SIZE_MAX; i = x->next_ip[i]) {
        const struct od_task *t = &w->tasks[i];

        if (owner == NULL || str_eq(task_service_name(t), owner->name))
            return t;
        if (any == NULL)
            any = t;
    }
    return any;
}

static bool
instance_candidate(const struct od_world *w, const struct target_index *x, size_t i,
                   const char *container, const struct od_target *tg,
                   const struct od_task **only, size_t *candidates)
{
    const struct od_task *t = &w->tasks[i];

    if (!str_eq(instance_ec2_id(w, x, t->container_instance_arn), tg->id))
        return false;
    if (tg->port > 0 && task_binds_host_port(t, container, tg->port)) {
        *only = t;
        return true;
    }
    *only = t;
    (*candidates)++;
    return false;
}

/* Instance targets (bridge/host mode): the task of the owning service on that EC2 instance
 * whose container binds the target's port; with no port match, the only such task. */
static const struct od_task *
map_instance_target(const struct od_world *w, const struct target_index *x,
                    const struct od_service *owner, const char *container,
                    const struct od_target *tg)
{
    const struct od_task *only = NULL;
    size_t candidates = 0, i;

    if (owner != NULL) {
        if (!strmap_get(&x->by_svc, owner->name, &i))
            return NULL;
        for (; i != SIZE_MAX; i = x->next_svc[i])
            if (instance_candidate(w, x, i, container, tg, &only, &candidates))
                return only;
    } else {
        for (i = 0; i < w->ntasks; i++)
            if (instance_candidate(w, x, i, container, tg, &only, &candidates))
                return only;
    }
    return candidates == 1 ? only : NULL;
}

void
world_map_targets(struct od_world *w)
{
    struct target_index x;

    if (w->ntgs == 0)
        return;
    target_index_build(w, &x);
    for (size_t g = 0; g < w->ntgs; g++) {
        struct od_target_group *tg = &w->tgs[g];
        const char *container = NULL;
        const struct od_service *owner = tg_owner(w, &x, tg->arn, &container);

        for (size_t i = 0; i < tg->ntargets; i++) {
            struct od_target *t = &tg->targets[i];
            const struct od_task *task;

            if (str_has_prefix(t->id, "i-"))
                task = map_instance_target(w, &x, owner, container, t);
            else
                task = map_ip_target(w, &x, owner, t->id);
            xfree(&t->task_id);
            if (task != NULL)
                t->task_id = xstrdup(task->id);
        }
    }
    target_index_free(&x);
}

static const char *
dim_value(const struct od_dimension *dims, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (str_eq(dims[i].name, name))
            return dims[i].value;
    return NULL;
}

typedef bool (*dims_match_fn)(const struct od_dimension *dims, size_t n, const char *a,
                              const char *b);

/* An alarm names a resource by its own Dimensions or, for metric math, by those of any of
 * its metrics (MetricAlarm.Metrics[].MetricStat.Metric.Dimensions). */
static bool
alarm_any_dims(const struct od_alarm *al, dims_match_fn fn, const char *a, const char *b)
{
    if (fn(al->dimensions, al->ndimensions, a, b))
        return true;
    for (size_t i = 0; i < al->nmetrics; i++)
        if (fn(al->metrics[i].dimensions, al->metrics[i].ndimensions, a, b))
            return true;
    return false;
}

static bool
dims_service(const struct od_dimension *dims, size_t n, const char *cluster, const char *service)
{
    const char *c = dim_value(dims, n, "ClusterName"), *s = dim_value(dims, n, "ServiceName");

    /* ClusterName is the cluster's name; --cluster may be given as an ARN. */
    return s != NULL && str_eq(s, service) &&
           (c == NULL || str_eq(c, cluster_short_name(cluster)));
}

static bool
dims_target_group(const struct od_dimension *dims, size_t n, const char *tg_arn,
                  const char *unused)
{
    const char *v = dim_value(dims, n, "TargetGroup");

    (void)unused;
    /* The dimension is the ARN's "targetgroup/NAME/ID" suffix. */
    return v != NULL && tg_arn != NULL && str_has_suffix(tg_arn, v) &&
           str_has_prefix(v, "targetgroup/");
}

static bool
dims_distribution(const struct od_dimension *dims, size_t n, const char *dist_id,
                  const char *unused)
{
    (void)unused;
    return str_eq(dim_value(dims, n, "DistributionId"), dist_id);
}

bool
alarm_names_service(const struct od_alarm *a, const char *cluster, const char *service)
{
    return alarm_any_dims(a, dims_service, cluster, service);
}

bool
alarm_names_target_group(const struct od_alarm *a, const char *tg_arn)
{
    return alarm_any_dims(a, dims_target_group, tg_arn, NULL);
}

bool
alarm_names_distribution(const struct od_alarm *a, const char *dist_id)
{
    return alarm_any_dims(a, dims_distribution, dist_id, NULL);
}

void
target_counts_add(struct od_target_counts *c, const char *st)
{
    if (str_eq(st, "healthy"))
        c->healthy++;
    else if (str_eq(st, "unhealthy") || str_eq(st, "unhealthy.draining"))
        c->unhealthy++;
    else if (str_eq(st, "initial"))
        c->initial++;
    else if (str_eq(st, "draining"))
        c->draining++;
    else if (str_eq(st, "unused"))
        c->unused++;
    else if (str_eq(st, "unavailable"))
        c->unavailable++;
    else
        c->other++;
}

void
world_count_targets(const struct od_world *w, const struct od_service *s,
                    struct od_target_counts *c)
{
    memset(c, 0, sizeof *c);
    for (size_t j = 0; j < s->nlbs; j++) {
        const struct od_target_group *tg = world_target_group(w, s->lbs[j].target_group_arn);

        if (tg != NULL && tg->missing)
            c->missing_groups++;
        for (size_t i = 0; tg != NULL && i < tg->ntargets; i++)
            target_counts_add(c, tg->targets[i].state);
    }
}

const char *
target_counts_note(const struct od_target_counts *c, char *buf, size_t len)
{
    const struct {
        size_t n;
        const char *what;
    } parts[] = {
        {c->missing_groups, c->missing_groups == 1 ? "target group missing"
                                                   : "target groups missing"},
        {c->draining, "draining"},  {c->initial, "initial"}, {c->unused, "unused"},
        {c->unavailable, "unavailable"}, {c->other, "other"},
    };
    size_t at = 0;

    if (len == 0)
        return buf;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        int k;

        if (parts[i].n == 0 || at >= len)
            continue;
        k = snprintf(buf + at, len - at, "%s%zu %s", at > 0 ? ", " : "", parts[i].n,
                     parts[i].what);
        at = k < 0 ? len : at + (size_t)k;
    }
    return buf;
}

size_t
world_unhealthy_targets(const struct od_world *w, const struct od_service *s)
{
    struct od_target_counts c;

    world_count_targets(w, s, &c);
    return c.unhealthy;
}

size_t
world_alarms_firing(const struct od_world *w, const struct od_service *s)
{
    struct od_alarm_count c;

    service_alarm_counts(w, s, &c); /* model/alarm_attr.c: the one attribution */
    return c.firing;
}

bool
service_rolling(const struct od_service *s)
{
    if (s->ntask_sets > 0) /* CODE_DEPLOY / EXTERNAL: a second set, or one settling */
        return s->ntask_sets > 1 || task_set_any_stabilizing(s);
    for (size_t i = 0; i < s->ndeployments; i++)
        if (str_eq(s->deployments[i].rollout_state, "IN_PROGRESS"))
            return true;
    return s->ndeployments > 1;
}

bool
service_failed(const struct od_service *s)
{
    for (size_t i = 0; i < s->ndeployments; i++)
        if (str_eq(s->deployments[i].status, "PRIMARY") &&
            str_eq(s->deployments[i].rollout_state, "FAILED"))
            return true;
    return false;
}
