#include "cli/status_json.h"

#include "aws/endpoint.h"
#include "aws/proto_json.h"
#include "cli/status_deployment.h"
#include "model/alarm_attr.h"
#include "model/stop_groups.h"
#include "model/task_set.h"
#include "util/clock.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/strmap.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

static void
add_opt_str(cJSON *o, const char *key, const char *v)
{
    if (v != NULL)
        cJSON_AddStringToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

static cJSON *
series_values(const struct od_series *s)
{
    cJSON *arr = cJSON_CreateArray();

    for (size_t i = 0; s != NULL && i < s->n; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateNumber(s->values[i]));
    return arr;
}

static void
add_metric_set(cJSON *metrics, const struct od_metric_set *m)
{
    for (size_t i = 0; m != NULL && i < m->nseries; i++)
        if (cJSON_GetObjectItemCaseSensitive(metrics, m->series[i].id) == NULL)
            cJSON_AddItemToObject(metrics, m->series[i].id, series_values(&m->series[i]));
}

/* {metric: "Forbidden: message"} for the series GetMetricData could not read. */
static void
add_metric_errors(cJSON *errors, const struct od_metric_set *m)
{
    for (size_t i = 0; m != NULL && i < m->nseries; i++)
        if (series_failed(&m->series[i]) &&
            cJSON_GetObjectItemCaseSensitive(errors, m->series[i].id) == NULL)
            cJSON_AddStringToObject(errors, m->series[i].id, m->series[i].message);
}

/* Every documented series is present, [] when it has no data or does not apply (a service
 * with no target group has no load-balancer series): doc/json-output.md "Always there". */
static void
add_empty_series(cJSON *metrics, const char *const *names)
{
    for (size_t i = 0; names[i] != NULL; i++)
        if (cJSON_GetObjectItemCaseSensitive(metrics, names[i]) == NULL)
            cJSON_AddItemToObject(metrics, names[i], cJSON_CreateArray());
}

static const char *const service_series[] = {"CPUUtilization", "MemoryUtilization",
                                             "RequestCount", "HTTPCode_Target_5XX_Count",
                                             "TargetResponseTime", NULL};
static const char *const distribution_series[] = {"Requests", "5xxErrorRate", NULL};

static cJSON *
task_json(const struct od_task *t)
{
    cJSON *o = cJSON_CreateObject(), *cs = cJSON_AddArrayToObject(o, "containers");

    cJSON_AddStringToObject(o, "taskId", t->id);
    cJSON_AddStringToObject(o, "taskArn", t->arn);
    add_opt_str(o, "lastStatus", t->last_status);
    add_opt_str(o, "desiredStatus", t->desired_status);
    add_opt_str(o, "healthStatus", t->health_status);
    add_opt_str(o, "taskDefinition", t->task_definition);
    cJSON_AddNumberToObject(o, "revision", (double)task_def_revision(t->task_definition));
    add_opt_str(o, "privateIp", t->private_ip);
    add_opt_str(o, "containerInstanceArn", t->container_instance_arn);
    add_opt_str(o, "startedBy", t->started_by);
    add_opt_str(o, "stopCode", t->stop_code);
    add_opt_str(o, "stoppedReason", t->stopped_reason);
    if (t->started_at > 0)
        cJSON_AddNumberToObject(o, "startedAt", t->started_at);
    if (t->stopped_at > 0)
        cJSON_AddNumberToObject(o, "stoppedAt", t->stopped_at);
    if (t->created_at > 0)
        cJSON_AddNumberToObject(o, "createdAt", t->created_at);
    if (t->pull_started_at > 0)
        cJSON_AddNumberToObject(o, "pullStartedAt", t->pull_started_at);
    if (t->pull_stopped_at > 0)
        cJSON_AddNumberToObject(o, "pullStoppedAt", t->pull_stopped_at);
    if (t->stopping_at > 0)
        cJSON_AddNumberToObject(o, "stoppingAt", t->stopping_at);
    for (size_t i = 0; i < t->ncontainers; i++) {
        const struct od_container *c = &t->containers[i];
        cJSON *co = cJSON_CreateObject();

        cJSON_AddStringToObject(co, "name", c->name != NULL ? c->name : "");
        add_opt_str(co, "image", c->image);
        add_opt_str(co, "imageDigest", c->image_digest);
        add_opt_str(co, "lastStatus", c->last_status);
        if (c->has_exit_code)
            cJSON_AddNumberToObject(co, "exitCode", (double)c->exit_code);
        else
            cJSON_AddNullToObject(co, "exitCode");
        add_opt_str(co, "reason", c->reason);
        if (c->nbindings > 0) {
            cJSON *bs = cJSON_AddArrayToObject(co, "networkBindings");

            for (size_t b = 0; b < c->nbindings; b++) {
                cJSON *bo = cJSON_CreateObject();

                const struct od_binding *bd = &c->bindings[b];

                /* A port-range mapping has ranges and no ports: null, not a port 0. */
                if (bd->container_port == 0 && bd->container_port_range != NULL)
                    cJSON_AddNullToObject(bo, "containerPort");
                else
                    cJSON_AddNumberToObject(bo, "containerPort", (double)bd->container_port);
                if (bd->host_port == 0 && bd->host_port_range != NULL)
                    cJSON_AddNullToObject(bo, "hostPort");
                else
                    cJSON_AddNumberToObject(bo, "hostPort", (double)bd->host_port);
                add_opt_str(bo, "containerPortRange", bd->container_port_range);
                add_opt_str(bo, "hostPortRange", bd->host_port_range);
                cJSON_AddItemToArray(bs, bo);
            }
        }
        cJSON_AddItemToArray(cs, co);
    }
    return o;
}

/* The service's stopped tasks grouped by stop code and reason (model/stop_groups.h). */
static cJSON *
stop_groups_json(const struct od_world *w, const struct od_service *s)
{
    struct od_stop_group *g;
    size_t n = stop_groups_of_service(w, s->name, &g);
    cJSON *arr = cJSON_CreateArray();

    for (size_t i = 0; i < n; i++) {
        cJSON *gj = cJSON_CreateObject(), *ex;

        cJSON_AddNumberToObject(gj, "count", (double)g[i].count);
        add_opt_str(gj, "stopCode", g[i].stop_code);
        add_opt_str(gj, "stoppedReason", g[i].reason);
        add_opt_str(gj, "newestTaskId", g[i].newest_task_id);
        if (g[i].last_stopped_at > 0)
            cJSON_AddNumberToObject(gj, "lastStoppedAt", g[i].last_stopped_at);
        ex = cJSON_AddArrayToObject(gj, "exitCodes");
        for (size_t k = 0; k < g[i].nexits; k++) {
            cJSON *e = cJSON_CreateObject();

            add_opt_str(e, "containerName", g[i].exits[k].container);
            cJSON_AddNumberToObject(e, "exitCode", (double)g[i].exits[k].code);
            cJSON_AddNumberToObject(e, "count", (double)g[i].exits[k].count);
            cJSON_AddItemToArray(ex, e);
        }
        cJSON_AddItemToArray(arr, gj);
    }
    stop_groups_free(g, n);
    return arr;
}

cJSON *
status_json_alarm(const struct od_world *w, const struct od_alarm *a)
{
    cJSON *o = cJSON_CreateObject(), *dims, *svcs;

    cJSON_AddStringToObject(o, "alarmName", a->name != NULL ? a->name : "");
    add_opt_str(o, "stateValue", a->state);
    add_opt_str(o, "stateReason", a->reason);
    add_opt_str(o, "namespace", a->namespace_);
    add_opt_str(o, "metricName", a->metric_name);
    dims = cJSON_AddObjectToObject(o, "dimensions");
    for (size_t i = 0; i < a->ndimensions; i++)
        add_opt_str(dims, a->dimensions[i].name, a->dimensions[i].value);
    if (a->updated_at > 0)
        cJSON_AddNumberToObject(o, "stateUpdatedTimestamp", a->updated_at);
    svcs = cJSON_AddArrayToObject(o, "services");
    for (size_t i = 0; i < w->nservices; i++)
        if (alarm_of_service(w, a, &w->services[i]))
            cJSON_AddItemToArray(svcs, cJSON_CreateString(w->services[i].name));
    return o;
}

/* Service.taskSets of CODE_DEPLOY / EXTERNAL services, in AWS's member names. */
static cJSON *
task_sets_json(const struct od_service *s)
{
    cJSON *arr = cJSON_CreateArray();

    for (size_t i = 0; i < s->ntask_sets; i++) {
        const struct od_task_set *ts = &s->task_sets[i];
        cJSON *tj = cJSON_CreateObject();

        add_opt_str(tj, "id", ts->id);
        add_opt_str(tj, "taskSetArn", ts->arn);
        add_opt_str(tj, "status", ts->status);
        add_opt_str(tj, "taskDefinition", ts->task_definition);
        cJSON_AddNumberToObject(tj, "computedDesiredCount", (double)ts->computed_desired);
        cJSON_AddNumberToObject(tj, "runningCount", (double)ts->running);
        cJSON_AddNumberToObject(tj, "pendingCount", (double)ts->pending);
        if (ts->scale_unit != NULL) {
            cJSON *sc = cJSON_AddObjectToObject(tj, "scale");

            cJSON_AddNumberToObject(sc, "value", ts->scale_value);
            cJSON_AddStringToObject(sc, "unit", ts->scale_unit);
        }
        add_opt_str(tj, "stabilityStatus", ts->stability_status);
        add_opt_str(tj, "launchType", ts->launch_type);
        add_opt_str(tj, "externalId", ts->external_id);
        if (ts->created_at > 0)
            cJSON_AddNumberToObject(tj, "createdAt", ts->created_at);
        if (ts->updated_at > 0)
            cJSON_AddNumberToObject(tj, "updatedAt", ts->updated_at);
        cJSON_AddItemToArray(arr, tj);
    }
    return arr;
}

/* The service's scalable target: null when it has none. Policies and activities are only
 * read for the one service asked for; absent otherwise. */
static cJSON *
scaling_json(const struct od_scaling *sc)
{
    cJSON *o, *st, *arr;

    if (sc == NULL)
        return cJSON_CreateNull();
    o = cJSON_CreateObject();
    add_opt_str(o, "resourceId", sc->resource_id);
    cJSON_AddNumberToObject(o, "minCapacity", (double)sc->min);
    cJSON_AddNumberToObject(o, "maxCapacity", (double)sc->max);
    st = cJSON_AddObjectToObject(o, "suspendedState");
    cJSON_AddBoolToObject(st, "dynamicScalingInSuspended", sc->in_suspended);
    cJSON_AddBoolToObject(st, "dynamicScalingOutSuspended", sc->out_suspended);
    cJSON_AddBoolToObject(st, "scheduledScalingSuspended", sc->scheduled_suspended);
    if (sc->policies_loaded) {
        arr = cJSON_AddArrayToObject(o, "policies");
        for (size_t i = 0; i < sc->npolicies; i++) {
            const struct od_scaling_policy *p = &sc->policies[i];
            cJSON *pj = cJSON_CreateObject();

            add_opt_str(pj, "policyName", p->name);
            add_opt_str(pj, "policyType", p->type);
            if (p->has_target)
                cJSON_AddNumberToObject(pj, "targetValue", p->target_value);
            add_opt_str(pj, "metric", p->metric);
            cJSON_AddItemToArray(arr, pj);
        }
    }
    if (sc->activities_loaded) {
        arr = cJSON_AddArrayToObject(o, "activities");
        for (size_t i = 0; i < sc->nactivities; i++) {
            const struct od_scaling_activity *a = &sc->activities[i];
            cJSON *aj = cJSON_CreateObject();

            add_opt_str(aj, "statusCode", a->status);
            add_opt_str(aj, "description", a->description);
            add_opt_str(aj, "cause", a->cause);
            add_opt_str(aj, "statusMessage", a->status_message);
            cJSON_AddNumberToObject(aj, "startTime", a->start_time);
            if (a->end_time > 0)
                cJSON_AddNumberToObject(aj, "endTime", a->end_time);
            cJSON_AddItemToArray(arr, aj);
        }
    }
    return o;
}

/* targetCounts (by state) and missingTargetGroups (TargetGroupNotFound) of a service. */
static void
add_target_counts(cJSON *o, const struct od_world *w, const struct od_service *s)
{
    struct od_target_counts c;
    cJSON *counts = cJSON_AddObjectToObject(o, "targetCounts");
    cJSON *missing = cJSON_AddArrayToObject(o, "missingTargetGroups");

    world_count_targets(w, s, &c);
    cJSON_AddNumberToObject(counts, "healthy", (double)c.healthy);
    cJSON_AddNumberToObject(counts, "unhealthy", (double)c.unhealthy);
    cJSON_AddNumberToObject(counts, "initial", (double)c.initial);
    cJSON_AddNumberToObject(counts, "draining", (double)c.draining);
    cJSON_AddNumberToObject(counts, "unused", (double)c.unused);
    cJSON_AddNumberToObject(counts, "unavailable", (double)c.unavailable);
    cJSON_AddNumberToObject(counts, "other", (double)c.other);
    for (size_t k = 0; k < s->nlbs; k++) {
        const struct od_target_group *tg = world_target_group(w, s->lbs[k].target_group_arn);

        if (tg != NULL && tg->missing)
            cJSON_AddItemToArray(missing, cJSON_CreateString(tg->arn));
    }
}

/* The tasks of each service, in the world's order: one pass over the tasks instead of one
 * per service (O(services × tasks) at thousands of each). */
struct task_index {
    struct od_strmap first; /* service name -> its first task */
    size_t *next;           /* the next task of the same service, or SIZE_MAX */
};

static void
task_index_build(const struct od_world *w, struct task_index *x)
{
    size_t *last = xcalloc(w->ntasks + 1, sizeof *last);

    strmap_init(&x->first, w->nservices);
    x->next = xcalloc(w->ntasks + 1, sizeof *x->next);
    for (size_t i = 0; i < w->ntasks; i++) {
        const char *svc = task_service_name(&w->tasks[i]);
        size_t head;

        x->next[i] = SIZE_MAX;
        if (svc == NULL)
            continue;
        if (strmap_get(&x->first, svc, &head)) {
            x->next[last[head]] = i;
            last[head] = i;
        } else {
            strmap_put(&x->first, svc, i);
            last[i] = i;
        }
    }
    free(last);
}

static void
task_index_free(struct task_index *x)
{
    strmap_free(&x->first);
    free(x->next);
}

static void
add_service_tasks(cJSON *arr, const struct od_world *w, const struct od_service *s,
                  const struct task_index *x)
{
    size_t i;

    if (x == NULL) {
        for (i = 0; i < w->ntasks; i++)
            if (str_eq(task_service_name(&w->tasks[i]), s->name))
                cJSON_AddItemToArray(arr, task_json(&w->tasks[i]));
        return;
    }
    if (!strmap_get(&x->first, s->name, &i))
        return;
    for (; i != SIZE_MAX; i = x->next[i])
        cJSON_AddItemToArray(arr, task_json(&w->tasks[i]));
}

static cJSON *service_json(const struct od_world *w, const struct od_service *s,
                           const struct task_index *x);

cJSON *
status_json_service(const struct od_world *w, const struct od_service *s)
{
    return service_json(w, s, NULL);
}

static cJSON *
service_json(const struct od_world *w, const struct od_service *s, const struct task_index *x)
{
    cJSON *o = cJSON_CreateObject(), *arr, *metrics;

    cJSON_AddStringToObject(o, "serviceName", s->name);
    add_opt_str(o, "serviceArn", s->arn);
    add_opt_str(o, "status", s->status);
    add_opt_str(o, "launchType", s->launch_type);
    cJSON_AddNumberToObject(o, "desiredCount", (double)s->desired);
    cJSON_AddNumberToObject(o, "runningCount", (double)s->running);
    cJSON_AddNumberToObject(o, "pendingCount", (double)s->pending);
    add_opt_str(o, "taskDefinition", s->task_definition);

    arr = cJSON_AddArrayToObject(o, "deployments");
    for (size_t i = 0; i < s->ndeployments; i++) {
        const struct od_deployment *d = &s->deployments[i];
        cJSON *dj = cJSON_CreateObject();

        add_opt_str(dj, "id", d->id);
        add_opt_str(dj, "status", d->status);
        add_opt_str(dj, "rolloutState", d->rollout_state);
        add_opt_str(dj, "rolloutStateReason", d->rollout_state_reason);
        add_opt_str(dj, "taskDefinition", d->task_definition);
        cJSON_AddNumberToObject(dj, "desiredCount", (double)d->desired);
        cJSON_AddNumberToObject(dj, "runningCount", (double)d->running);
        cJSON_AddNumberToObject(dj, "pendingCount", (double)d->pending);
        cJSON_AddNumberToObject(dj, "failedTasks", (double)d->failed);
        if (d->created_at > 0)
            cJSON_AddNumberToObject(dj, "createdAt", d->created_at);
        if (d->updated_at > 0)
            cJSON_AddNumberToObject(dj, "updatedAt", d->updated_at);
        cJSON_AddItemToArray(arr, dj);
    }

    cJSON_AddStringToObject(o, "deploymentController", task_set_controller(s));
    add_opt_str(o, "deploymentStrategy", s->deployment_strategy);
    cJSON_AddItemToObject(o, "taskSets", task_sets_json(s));
    if (world_service_deployment(w, s->arn) != NULL)
        cJSON_AddItemToObject(o, "serviceDeployment",
                              status_json_service_deployment(world_service_deployment(w, s->arn),
                                                             clock_wall_ms()));
    else
        cJSON_AddNullToObject(o, "serviceDeployment");

    arr = cJSON_AddArrayToObject(o, "events");
    for (size_t i = 0; i < s->nevents; i++) {
        cJSON *ej = cJSON_CreateObject();

        cJSON_AddNumberToObject(ej, "createdAt", s->events[i].created_at);
        add_opt_str(ej, "message", s->events[i].message);
        cJSON_AddItemToArray(arr, ej);
    }

    arr = cJSON_AddArrayToObject(o, "tasks");
    add_service_tasks(arr, w, s, x);

    arr = cJSON_AddArrayToObject(o, "targets");
    for (size_t k = 0; k < s->nlbs; k++) {
        const struct od_target_group *tg = world_target_group(w, s->lbs[k].target_group_arn);

        for (size_t i = 0; tg != NULL && i < tg->ntargets; i++) {
            const struct od_target *t = &tg->targets[i];
            cJSON *tj = cJSON_CreateObject();

            cJSON_AddStringToObject(tj, "targetGroupArn", tg->arn);
            add_opt_str(tj, "id", t->id);
            cJSON_AddNumberToObject(tj, "port", (double)t->port);
            add_opt_str(tj, "state", t->state);
            add_opt_str(tj, "reason", t->reason);
            add_opt_str(tj, "description", t->description);
            add_opt_str(tj, "taskId", t->task_id);
            cJSON_AddItemToArray(arr, tj);
        }
    }

    add_target_counts(o, w, s);

    arr = cJSON_AddArrayToObject(o, "alarms");
    for (size_t i = 0; i < w->nalarms; i++) {
        const struct od_alarm *a = &w->alarms[i];

        if (alarm_of_service(w, a, s)) { /* model/alarm_attr.h */
            cJSON *aj = cJSON_CreateObject();

            cJSON_AddStringToObject(aj, "alarmName", a->name);
            add_opt_str(aj, "stateValue", a->state);
            add_opt_str(aj, "stateReason", a->reason);
            if (a->updated_at > 0)
                cJSON_AddNumberToObject(aj, "stateUpdatedTimestamp", a->updated_at);
            cJSON_AddItemToArray(arr, aj);
        }
    }
    if (w->parts[OD_PART_STOPPED_TASKS].loaded)
        cJSON_AddItemToObject(o, "stoppedTaskGroups", stop_groups_json(w, s));

    {
        const struct od_task_def *td = world_task_def(w, s->task_definition);

        if (td != NULL) {
            arr = cJSON_AddArrayToObject(o, "containerDefinitions");
            for (size_t i = 0; i < td->ncontainers; i++) {
                const struct od_container_def *cd = &td->containers[i];
                cJSON *cj = cJSON_CreateObject();

                add_opt_str(cj, "name", cd->name);
                add_opt_str(cj, "image", cd->image);
                cJSON_AddBoolToObject(cj, "essential", cd->essential);
                add_opt_str(cj, "logDriver", cd->log_driver);
                add_opt_str(cj, "logGroup", cd->log_group);
                add_opt_str(cj, "logStreamPrefix", cd->log_stream_prefix);
                cJSON_AddItemToArray(arr, cj);
            }
        }
    }

    if (w->parts[OD_PART_SCALING].loaded)
        cJSON_AddItemToObject(o, "autoScaling", scaling_json(world_scaling(w, s->name)));
    metrics = cJSON_AddObjectToObject(o, "metrics");
    add_metric_set(metrics, world_metrics(w, s->name));
    for (size_t k = 0; k < s->nlbs; k++)
        add_metric_set(metrics, world_metrics(w, s->lbs[k].target_group_arn));
    add_empty_series(metrics, service_series);
    metrics = cJSON_AddObjectToObject(o, "metricErrors");
    add_metric_errors(metrics, world_metrics(w, s->name));
    for (size_t k = 0; k < s->nlbs; k++)
        add_metric_errors(metrics, world_metrics(w, s->lbs[k].target_group_arn));
    return o;
}

cJSON *
status_json_distribution(const struct od_world *w, const struct od_distribution *d)
{
    cJSON *o = cJSON_CreateObject(), *arr, *metrics;

    cJSON_AddStringToObject(o, "id", d->id);
    add_opt_str(o, "arn", d->arn);
    add_opt_str(o, "domainName", d->domain_name);
    add_opt_str(o, "status", d->status);
    cJSON_AddBoolToObject(o, "enabled", d->enabled);
    add_opt_str(o, "comment", d->comment);
    arr = cJSON_AddArrayToObject(o, "aliases");
    for (size_t i = 0; i < d->naliases; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(d->aliases[i]));
    arr = cJSON_AddArrayToObject(o, "origins");
    for (size_t i = 0; i < d->norigins; i++) {
        cJSON *oj = cJSON_CreateObject();

        add_opt_str(oj, "id", d->origins[i].id);
        add_opt_str(oj, "domainName", d->origins[i].domain_name);
        cJSON_AddItemToArray(arr, oj);
    }
    arr = cJSON_AddArrayToObject(o, "invalidations");
    for (size_t i = 0; i < d->ninvalidations; i++) {
        cJSON *ij = cJSON_CreateObject();

        add_opt_str(ij, "id", d->invalidations[i].id);
        add_opt_str(ij, "status", d->invalidations[i].status);
        cJSON_AddNumberToObject(ij, "createTime", (double)d->invalidations[i].create_time);
        cJSON_AddItemToArray(arr, ij);
    }
    metrics = cJSON_AddObjectToObject(o, "metrics");
    add_metric_set(metrics, world_metrics(w, d->id));
    add_empty_series(metrics, distribution_series);
    return o;
}

cJSON *
status_json_stale(const struct od_world *w)
{
    cJSON *o = NULL;

    for (int p = 0; p < OD_PART__COUNT; p++) {
        if (!w->parts[p].stale)
            continue;
        if (o == NULL)
            o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, part_name((enum od_part)p),
                                w->parts[p].error != NULL ? w->parts[p].error : "failed");
    }
    return o;
}

cJSON *
status_json_denied(const struct od_world *w)
{
    cJSON *o = NULL;

    for (int p = 0; p < OD_PART__COUNT; p++) {
        if (!w->parts[p].stale || w->parts[p].denied == NULL)
            continue;
        if (o == NULL)
            o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, part_name((enum od_part)p), w->parts[p].denied);
    }
    return o;
}

/* The document without its services (an empty array in their place). */
static cJSON *
status_json_frame(const struct od_world *w)
{
    cJSON *o = cJSON_CreateObject(), *arr, *stale;

    add_opt_str(o, "cluster", w->cluster);
    add_opt_str(o, "region", w->region);
    cJSON_AddArrayToObject(o, "services");
    arr = cJSON_AddArrayToObject(o, "alarms");
    for (size_t i = 0; i < w->nalarms; i++)
        cJSON_AddItemToArray(arr, status_json_alarm(w, &w->alarms[i]));
    arr = cJSON_AddArrayToObject(o, "distributions");
    for (size_t i = 0; i < w->ndists; i++)
        cJSON_AddItemToArray(arr, status_json_distribution(w, &w->dists[i]));
    if ((stale = status_json_stale(w)) != NULL)
        cJSON_AddItemToObject(o, "stale", stale);
    if ((stale = status_json_denied(w)) != NULL)
        cJSON_AddItemToObject(o, "denied", stale);
    return o;
}

static bool
service_wanted(const struct od_service *s, const char *service_filter)
{
    return service_filter == NULL || str_eq(s->name, service_filter);
}

cJSON *
status_json(const struct od_world *w, const char *service_filter)
{
    cJSON *o = status_json_frame(w), *arr = cJSON_GetObjectItemCaseSensitive(o, "services");
    struct task_index x;

    task_index_build(w, &x);
    for (size_t i = 0; i < w->nservices; i++)
        if (service_wanted(&w->services[i], service_filter))
            cJSON_AddItemToArray(arr, service_json(w, &w->services[i], &x));
    task_index_free(&x);
    return o;
}

/* Inert text out (sanitize_json_text), then freed. */
static void
put_inert(char *raw, FILE *out)
{
    char *safe = sanitize_json_text(raw);

    fputs(safe, out);
    free(safe);
    free(raw);
}

/* cJSON_Print of the service at the depth of the document's services array: the same
 * lines, each two tabs further in (every raw newline in cJSON's output is layout: newlines in
 * strings are escaped). */
static char *
print_at_depth2(const cJSON *item)
{
    char *raw = cJSON_Print(item), *out;
    size_t n = 0, len = strlen(raw), k = 0;

    for (size_t i = 0; i < len; i++)
        n += raw[i] == '\n';
    out = xmalloc(len + 2 * n + 1);
    for (size_t i = 0; i < len; i++) {
        out[k++] = raw[i];
        if (raw[i] == '\n') {
            out[k++] = '\t';
            out[k++] = '\t';
        }
    }
    out[k] = '\0';
    free(raw);
    return out;
}

void
status_json_print(const struct od_world *w, const char *service_filter, cJSON *stats, FILE *out)
{
    static const char mark[] = "\n\t\"services\":\t[]";
    cJSON *frame = status_json_frame(w);
    char *text, *at;
    bool first = true;
    struct task_index x;

    if (stats != NULL)
        cJSON_AddItemToObject(frame, "stats", stats);
    text = cJSON_Print(frame);
    at = strstr(text, mark);
    if (at == NULL) { /* not the layout this was written for: print the whole document */
        cJSON *doc = status_json(w, service_filter);

        if (stats != NULL)
            cJSON_AddItemToObject(doc, "stats", cJSON_DetachItemFromObject(frame, "stats"));
        cJSON_Delete(frame);
        free(text);
        put_inert(cJSON_Print(doc), out);
        cJSON_Delete(doc);
        fputc('\n', out);
        return;
    }
    cJSON_Delete(frame);
    at += sizeof mark - 2; /* just after the '[' */
    put_inert(xstrndup(text, (size_t)(at - text)), out);
    task_index_build(w, &x);
    for (size_t i = 0; i < w->nservices; i++) {
        cJSON *one;

        if (!service_wanted(&w->services[i], service_filter))
            continue;
        if (!first)
            fputs(", ", out);
        first = false;
        one = service_json(w, &w->services[i], &x);
        put_inert(print_at_depth2(one), out);
        cJSON_Delete(one);
    }
    task_index_free(&x);
    put_inert(xstrdup(at), out);
    free(text);
    fputc('\n', out);
}

cJSON *
status_json_clusters(const struct od_world *w)
{
    cJSON *o = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(o, "clusters"), *stale;

    add_opt_str(o, "region", w->region);
    for (size_t i = 0; i < w->nclusters; i++) {
        const struct od_cluster *c = &w->clusters[i];
        cJSON *cj = cJSON_CreateObject();

        add_opt_str(cj, "clusterName", c->name);
        add_opt_str(cj, "clusterArn", c->arn);
        add_opt_str(cj, "status", c->status);
        cJSON_AddNumberToObject(cj, "activeServicesCount", (double)c->active_services);
        cJSON_AddNumberToObject(cj, "runningTasksCount", (double)c->running_tasks);
        cJSON_AddNumberToObject(cj, "pendingTasksCount", (double)c->pending_tasks);
        cJSON_AddNumberToObject(cj, "registeredContainerInstancesCount",
                                (double)c->container_instances);
        cJSON_AddItemToArray(arr, cj);
    }
    if ((stale = status_json_stale(w)) != NULL)
        cJSON_AddItemToObject(o, "stale", stale);
    if ((stale = status_json_denied(w)) != NULL)
        cJSON_AddItemToObject(o, "denied", stale);
    return o;
}

cJSON *
status_json_stats(const struct od_refresh_stats *st, unsigned calls_per_minute)
{
    cJSON *o = cJSON_CreateObject(), *ops = cJSON_CreateObject(), *thr;

    cJSON_AddNumberToObject(o, "calls", (double)st->calls);
    cJSON_AddNumberToObject(o, "callsLastMinute", calls_per_minute);
    cJSON_AddNumberToObject(o, "attempts", (double)st->attempts);
    cJSON_AddNumberToObject(o, "minimumCalls", (double)st->minimum);
    cJSON_AddNumberToObject(o, "metricsRequested", (double)st->metrics_requested);
    cJSON_AddNumberToObject(o, "depth", st->depth);
    cJSON_AddNumberToObject(o, "elapsedMs", (double)st->elapsed_ms);
    for (size_t i = 0; i < st->nops; i++) {
        cJSON *op = cJSON_CreateObject();

        cJSON_AddNumberToObject(op, "calls", (double)st->ops[i].calls);
        cJSON_AddNumberToObject(op, "minimum", (double)st->ops[i].minimum);
        cJSON_AddItemToObject(ops, st->ops[i].op, op);
    }
    cJSON_AddItemToObject(o, "operations", ops);
    /* Per API family, the throttling answers AWS gave (families never throttled: absent). */
    thr = cJSON_CreateObject();
    for (int svc = 0; svc < OD_SVC__COUNT; svc++)
        if (st->throttled[svc] > 0)
            cJSON_AddNumberToObject(thr, svc_info((enum od_svc)svc)->id,
                                    (double)st->throttled[svc]);
    cJSON_AddItemToObject(o, "throttled", thr);
    cJSON_AddNumberToObject(o, "reissued", (double)st->reissued);
    return o;
}
