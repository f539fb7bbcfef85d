/* The rollout watcher. */
#include "actions/watch.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "actions/internal.h"
#include "aws/ecs.h"
#include "aws/elbv2.h"
#include "aws/proto_json.h"
#include "loop/loop.h"
#include "model/task_set.h"
#include "util/clock.h"
#include "util/hash.h"
#include "util/str.h"
#include "util/xalloc.h"

#define MAX_SEEN_EVENTS 200
#define MAX_ERRORS 5
#define MAX_TGS 5

const char *
watch_verdict_name(enum od_verdict v)
{
    switch (v) {
    case OD_ROLLOUT_PENDING:
        return "IN_PROGRESS";
    case OD_ROLLOUT_COMPLETED:
        return "COMPLETED";
    case OD_ROLLOUT_FAILED:
        return "FAILED";
    case OD_ROLLOUT_TIMEOUT:
        return "TIMEOUT";
    case OD_ROLLOUT_ERROR:
    default:
        return "ERROR";
    }
}

static const struct od_deployment *
find_deployment(const struct od_service *s, const char *id)
{
    for (size_t i = 0; s != NULL && id != NULL && i < s->ndeployments; i++)
        if (str_eq(s->deployments[i].id, id))
            return &s->deployments[i];
    return NULL;
}

/* CODE_DEPLOY and EXTERNAL services have no deployments[] to follow: their task sets are
 * steady, or not yet (stabilityStatus; TaskSet in the ECS API Reference). */
static enum od_verdict
decide_task_sets(const struct od_service *s, char **reason)
{
    char *sets = task_set_summary(s);
    enum od_verdict v = OD_ROLLOUT_PENDING;

    if (s->ntask_sets == 0) {
        *reason = xasprintf("%s service with no task sets: nothing to wait for",
                            task_set_controller(s));
        v = OD_ROLLOUT_COMPLETED;
    } else if (!task_set_any_stabilizing(s)) {
        *reason = xasprintf("task sets steady (%s): %s", task_set_controller(s), sets);
        v = OD_ROLLOUT_COMPLETED;
    }
    free(sets);
    return v;
}

/* Another deployment still has tasks: a rolling update not yet drained, or the blue
 * deployment kept through a BLUE_GREEN/LINEAR/CANARY bake time. An INACTIVE one (completely
 * replaced) or one with no tasks left does not hold the verdict back. */
static bool
others_live(const struct od_service *s, const struct od_deployment *mine)
{
    for (size_t i = 0; i < s->ndeployments; i++) {
        const struct od_deployment *o = &s->deployments[i];

        if (o != mine && !str_eq(o->status, "INACTIVE") && o->running + o->pending > 0)
            return true;
    }
    return false;
}

enum od_verdict
watch_decide(const struct od_service *s, const char *my_dep, const char *my_td, char **reason)
{
    const struct od_deployment *d = find_deployment(s, my_dep), *p = service_primary(s);

    *reason = NULL;
    if (s == NULL)
        return OD_ROLLOUT_PENDING;
    if (task_set_controlled(s))
        return decide_task_sets(s, reason);
    if (d == NULL) {
        if (p != NULL && s->circuit_breaker_rollback && !td_same(p->task_definition, my_td)) {
            char *td = task_def_short_name(p->task_definition);

            *reason = xasprintf("deployment %s is gone: the deployment circuit breaker rolled "
                                "the service back to %s",
                                my_dep != NULL ? my_dep : "?", td != NULL ? td : "?");
            free(td);
        } else {
            *reason = xasprintf("deployment %s is gone (rolled back or replaced by another "
                                "deployment)",
                                my_dep != NULL ? my_dep : "?");
        }
        return OD_ROLLOUT_FAILED;
    }
    if (str_eq(d->rollout_state, "FAILED")) {
        *reason = xasprintf("rollout FAILED: %s",
                            d->rollout_state_reason != NULL ? d->rollout_state_reason
                                                            : "no reason given");
        return OD_ROLLOUT_FAILED;
    }
    if (d->rollout_state != NULL) {
        if (str_eq(d->status, "PRIMARY") && str_eq(d->rollout_state, "COMPLETED") &&
            d->running == d->desired) {
            *reason = xasprintf("deployment %s COMPLETED: %ld/%ld tasks running", d->id,
                                d->running, d->desired);
            return OD_ROLLOUT_COMPLETED;
        }
        return OD_ROLLOUT_PENDING;
    }
    /* No rolloutState (classic load balancers): the waiter's rule, plus my task definition
     * on the deployment that is left. */
    if (!others_live(s, d) && str_eq(d->status, "PRIMARY") && d->running == d->desired &&
        (my_td == NULL || td_same(d->task_definition, my_td))) {
        *reason = xasprintf("service stable on %s: %ld/%ld tasks running",
                            d->task_definition != NULL ? d->task_definition : "?", d->running,
                            d->desired);
        return OD_ROLLOUT_COMPLETED;
    }
    return OD_ROLLOUT_PENDING;
}

/* ---- the watcher ----------------------------------------------------------------------- */

struct od_watch {
    struct od_action_env *env;
    char *cluster, *service, *dep, *td, *stable;
    uint64_t interval, detail_interval, timeout, started, last_detail;
    watch_cb cb;
    void *ud;
    uint64_t timer;
    bool in_flight, dead, finished, in_cb, have_detail;
    int throttles, errors;
    struct od_service svc;
    bool have_svc;
    enum od_verdict verdict;
    char *reason, *last_error;
    bool throttled;
    char **seen;
    size_t nseen;
    struct od_event *fresh;
    size_t nfresh;
    /* details */
    char **task_arns;
    size_t ntask_arns;
    struct od_watch_task *tasks;
    size_t ntasks;
    size_t tg_pos;
    int detail_stage;
    struct od_target_counts tcounts, tcounts_next; /* the last whole round, the one running */
    bool have_tcounts;
};

static void tick(void *ud);
static void on_services(const struct od_aws_response *resp, const struct od_error *err,
                        void *ud);
static void details_start(struct od_watch *w);

static void
wtask_clear(struct od_watch_task *t)
{
    free(t->id);
    free(t->last_status);
    free(t->health);
    free(t->stop_code);
    free(t->stopped_reason);
    free(t->container_reason);
    free(t->ip);
    free(t->container_instance_arn);
    free(t->ec2_instance_id);
    free(t->host_ports);
    free(t->target_state);
    free(t->target_reason);
    memset(t, 0, sizeof *t);
}

static void
destroy(struct od_watch *w)
{
    if (w->timer != 0)
        loop_timer_cancel(w->env->aws->loop, w->timer);
    free(w->cluster);
    free(w->service);
    free(w->dep);
    free(w->td);
    free(w->stable);
    free(w->reason);
    free(w->last_error);
    if (w->have_svc)
        service_clear(&w->svc);
    for (size_t i = 0; i < w->nseen; i++)
        free(w->seen[i]);
    free(w->seen);
    OD_FREE_ARRAY(w->fresh, w->nfresh, event_clear);
    arn_list_free(&w->task_arns, &w->ntask_arns);
    OD_FREE_ARRAY(w->tasks, w->ntasks, wtask_clear);
    free(w);
}

/* Returns false when the watch died (freed by the callback or before). */
static bool
alive_after_call(struct od_watch *w)
{
    w->in_flight = false;
    if (w->dead) {
        destroy(w);
        return false;
    }
    return true;
}

static double
rand01(void)
{
    uint32_t r;

    hash_random(&r, sizeof r);
    return (double)r / 4294967296.0;
}

static void
schedule(struct od_watch *w)
{
    uint64_t delay;

    if (w->throttled) {
        double cap = 4000.0 * (double)(1u << (w->throttles < 3 ? w->throttles : 3));

        if (cap > 32000.0)
            cap = 32000.0;
        delay = (uint64_t)(1000.0 + rand01() * (cap - 1000.0));
    } else {
        delay = (uint64_t)((double)w->interval * (0.8 + 0.4 * rand01()));
    }
    w->timer = loop_timer_add(w->env->aws->loop, delay, tick, w);
}

static void
report(struct od_watch *w)
{
    struct od_rollout r = {0};
    long old_running = 0;
    char *rollback = NULL;

    r.verdict = w->verdict;
    r.reason = w->reason;
    r.elapsed_ms = clock_mono_ms() - w->started;
    r.deployment_id = w->dep;
    r.task_definition = w->td;
    r.service = w->have_svc ? &w->svc : NULL;
    r.mine = w->have_svc ? find_deployment(&w->svc, w->dep) : NULL;
    for (size_t i = 0; w->have_svc && i < w->svc.ndeployments; i++)
        if (!str_eq(w->svc.deployments[i].id, w->dep))
            old_running += w->svc.deployments[i].running;
    r.old_running = old_running;
    r.tasks = w->tasks;
    r.ntasks = w->ntasks;
    r.events = w->fresh;
    r.nevents = w->nfresh;
    r.last_error = w->last_error;
    r.throttled = w->throttled;
    r.targets = w->have_tcounts ? &w->tcounts : NULL;
    if (w->verdict == OD_ROLLOUT_FAILED && w->stable != NULL && !td_same(w->stable, w->td) &&
        !(w->have_svc && td_same(w->svc.task_definition, w->stable)))
        rollback = w->stable;
    r.rollback_td = rollback;
    if (w->verdict != OD_ROLLOUT_PENDING)
        w->finished = true;
    w->in_cb = true;
    w->cb(&r, w->ud);
    w->in_cb = false;
    OD_FREE_ARRAY(w->fresh, w->nfresh, event_clear);
    if (w->dead) {
        destroy(w);
        return;
    }
    if (!w->finished)
        schedule(w);
}

static void
tick(void *ud)
{
    struct od_watch *w = ud;
    const char *name = w->service;
    char *body = ecs_body_describe_services(w->cluster, &name, 1);
    struct od_error e = {0};

    w->timer = 0;
    if (aws_call_json(w->env->aws, OD_SVC_ECS, "DescribeServices", body, 0, on_services, w, &e) ==
        OD_OK) {
        w->in_flight = true;
    } else {
        free(w->reason);
        w->reason = od_error_format(&e);
        w->verdict = OD_ROLLOUT_ERROR;
        od_error_clear(&e);
        report(w);
    }
    free(body);
}

static bool
seen_event(struct od_watch *w, const char *id)
{
    for (size_t i = 0; i < w->nseen; i++)
        if (str_eq(w->seen[i], id))
            return true;
    if (w->nseen == MAX_SEEN_EVENTS) {
        free(w->seen[0]);
        memmove(w->seen, w->seen + 1, (w->nseen - 1) * sizeof *w->seen);
        w->nseen--;
    }
    w->seen = xreallocarray(w->seen, w->nseen + 1, sizeof *w->seen);
    w->seen[w->nseen++] = xstrdup(id != NULL ? id : "");
    return false;
}

static void
collect_events(struct od_watch *w)
{
    OD_FREE_ARRAY(w->fresh, w->nfresh, event_clear);
    if (w->svc.nevents == 0)
        return;
    w->fresh = xcalloc(w->svc.nevents, sizeof *w->fresh);
    for (size_t i = 0; i < w->svc.nevents; i++) {
        const struct od_event *ev = &w->svc.events[i];

        if (ev->id == NULL || seen_event(w, ev->id))
            continue;
        w->fresh[w->nfresh].id = xstrdup(ev->id);
        w->fresh[w->nfresh].created_at = ev->created_at;
        w->fresh[w->nfresh].message = ev->message != NULL ? xstrdup(ev->message) : NULL;
        w->nfresh++;
    }
}

static void
on_services(const struct od_aws_response *resp, const struct od_error *err, void *ud)
{
    struct od_watch *w = ud;
    struct od_error e = {0};
    struct od_service s;
    uint64_t now;

    if (!alive_after_call(w))
        return;
    now = clock_mono_ms();
    w->throttled = false;
    if (err != NULL && err->err != OD_OK) {
        free(w->last_error);
        w->last_error = inert(err->message != NULL ? err->message : od_strerror(err->err));
        if (err->err == OD_E_THROTTLED) {
            w->throttled = true;
            w->throttles++;
        } else if (++w->errors >= MAX_ERRORS || err->err == OD_E_AWS) {
            char *msg = od_error_format(err);

            free(w->reason);
            w->reason = inert(msg);
            free(msg);
            w->verdict = OD_ROLLOUT_ERROR;
        }
        if (w->verdict == OD_ROLLOUT_PENDING && w->timeout > 0 && now - w->started >= w->timeout)
            w->verdict = OD_ROLLOUT_TIMEOUT;
        report(w);
        return;
    }
    if (decode_described_service(resp->body, resp->body_len, w->service, &s, &e) != OD_OK) {
        char *msg = od_error_format(&e);

        free(w->reason);
        w->reason = inert(msg);
        free(msg);
        od_error_clear(&e);
        w->verdict = OD_ROLLOUT_ERROR;
        report(w);
        return;
    }
    w->errors = 0;
    w->throttles = 0;
    xfree(&w->last_error);
    if (w->have_svc)
        service_clear(&w->svc);
    w->svc = s;
    w->have_svc = true;
    if (w->dep == NULL) {
        const struct od_deployment *p = service_primary(&w->svc);

        if (p != NULL && p->id != NULL)
            w->dep = xstrdup(p->id);
    }
    if (w->td == NULL) {
        const struct od_deployment *d = find_deployment(&w->svc, w->dep);

        if (d != NULL && d->task_definition != NULL)
            w->td = xstrdup(d->task_definition);
    }
    if (w->stable == NULL) {
        const char *st = service_stable_td(&w->svc);

        if (st != NULL && !td_same(st, w->td))
            w->stable = xstrdup(st);
    }
    collect_events(w);
    {
        char *why = NULL;

        w->verdict = watch_decide(&w->svc, w->dep, w->td, &why);
        free(w->reason);
        w->reason = why != NULL ? inert(why) : NULL;
        free(why);
    }
    if (w->verdict == OD_ROLLOUT_PENDING && w->timeout > 0 && now - w->started >= w->timeout &&
        task_set_controlled(&w->svc)) {
        char *sets = task_set_summary(&w->svc), *why;

        w->verdict = OD_ROLLOUT_TIMEOUT;
        why = xasprintf("no verdict after %llu s (task sets not steady: %s)",
                        (unsigned long long)(w->timeout / 1000), sets);
        free(w->reason);
        w->reason = inert(why);
        free(why);
        free(sets);
    }
    if (w->verdict == OD_ROLLOUT_PENDING && w->timeout > 0 && now - w->started >= w->timeout) {
        w->verdict = OD_ROLLOUT_TIMEOUT;
        free(w->reason);
        w->reason = xasprintf("no verdict after %llu s (deployment %s still %s)",
                              (unsigned long long)(w->timeout / 1000),
                              w->dep != NULL ? w->dep : "?",
                              find_deployment(&w->svc, w->dep) != NULL &&
                                      find_deployment(&w->svc, w->dep)->rollout_state != NULL
                                  ? find_deployment(&w->svc, w->dep)->rollout_state
                                  : "in progress");
        {
            char *safe = inert(w->reason);

            free(w->reason);
            w->reason = safe;
        }
    }
    if (w->dep != NULL &&
        (w->verdict != OD_ROLLOUT_PENDING || !w->have_detail ||
         now - w->last_detail >= w->detail_interval)) {
        w->last_detail = now;
        w->have_detail = true;
        details_start(w);
        return;
    }
    report(w);
}

/* ---- details: tasks of my deployment and their target health --------------------------- */

static void on_list(const struct od_aws_response *resp, const struct od_error *err, void *ud);
static void on_tasks(const struct od_aws_response *resp, const struct od_error *err, void *ud);
static void on_health(const struct od_aws_response *resp, const struct od_error *err, void *ud);
static void on_instances(const struct od_aws_response *resp, const struct od_error *err,
                         void *ud);
static void next_health(struct od_watch *w);
static void health_start(struct od_watch *w);
static void describe_instances(struct od_watch *w);
static const char *container_of(const struct od_watch *w);
static void keep_host_ports(struct od_watch_task *wt, const struct od_task *t,
                            const char *container);

static char *
list_body(const struct od_watch *w, const char *desired)
{
    cJSON *o = json_new_object();
    char *s;

    json_add_str(o, "cluster", w->cluster);
    json_add_str(o, "serviceName", w->service);
    json_add_str(o, "desiredStatus", desired);
    json_add_num(o, "maxResults", 100);
    s = json_print(o);
    cJSON_Delete(o);
    return s;
}

static void
details_fail(struct od_watch *w)
{
    /* details are best effort: report what we have */
    report(w);
}

static void
details_start(struct od_watch *w)
{
    char *body = list_body(w, "RUNNING");
    struct od_error e = {0};

    arn_list_free(&w->task_arns, &w->ntask_arns);
    w->detail_stage = 0;
    if (aws_call_json(w->env->aws, OD_SVC_ECS, "ListTasks", body, 0, on_list, w, &e) == OD_OK) {
        w->in_flight = true;
    } else {
        od_error_clear(&e);
        details_fail(w);
    }
    free(body);
}

static void
on_list(const struct od_aws_response *resp, const struct od_error *err, void *ud)
{
    struct od_watch *w = ud;
    char **arns = NULL, *next = NULL;
    size_t n = 0;
    struct od_error e = {0};
    char *body;

    if (!alive_after_call(w))
        return;
    if ((err != NULL && err->err != OD_OK) ||
        ecs_decode_arn_list(resp->body, resp->body_len, "taskArns", &arns, &n, &next, &e) !=
            OD_OK) {
        od_error_clear(&e);
        details_fail(w);
        return;
    }
    free(next);
    for (size_t i = 0; i < n && w->ntask_arns < 100; i++) {
        w->task_arns = xreallocarray(w->task_arns, w->ntask_arns + 1, sizeof *w->task_arns);
        w->task_arns[w->ntask_arns++] = arns[i];
        arns[i] = NULL;
    }
    arn_list_free(&arns, &n);
    if (w->detail_stage++ == 0) {
        body = list_body(w, "STOPPED");
        if (aws_call_json(w->env->aws, OD_SVC_ECS, "ListTasks", body, 0, on_list, w, &e) ==
            OD_OK) {
            w->in_flight = true;
            free(body);
            return;
        }
        free(body);
        od_error_clear(&e);
    }
    if (w->ntask_arns == 0) {
        OD_FREE_ARRAY(w->tasks, w->ntasks, wtask_clear);
        report(w);
        return;
    }
    body = ecs_body_describe_tasks(w->cluster, (const char *const *)w->task_arns, w->ntask_arns);
    if (aws_call_json(w->env->aws, OD_SVC_ECS, "DescribeTasks", body, 0, on_tasks, w, &e) ==
        OD_OK) {
        w->in_flight = true;
    } else {
        od_error_clear(&e);
        details_fail(w);
    }
    free(body);
}

static void
on_tasks(const struct od_aws_response *resp, const struct od_error *err, void *ud)
{
    struct od_watch *w = ud;
    struct od_task *tasks = NULL;
    size_t n = 0;
    struct od_error e = {0};

    if (!alive_after_call(w))
        return;
    if ((err != NULL && err->err != OD_OK) ||
        ecs_decode_tasks(resp->body, resp->body_len, &tasks, &n, NULL, NULL, &e) != OD_OK) {
        od_error_clear(&e);
        details_fail(w);
        return;
    }
    OD_FREE_ARRAY(w->tasks, w->ntasks, wtask_clear);
    w->tasks = xcalloc(n + 1, sizeof *w->tasks);
    /* running first, then stopped; only tasks my deployment started */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++) {
            const struct od_task *t = &tasks[i];
            bool stopped = str_eq(t->desired_status, "STOPPED") || str_eq(t->last_status, "STOPPED");
            struct od_watch_task *wt;

            if (!str_eq(t->started_by, w->dep) || stopped != (pass == 1))
                continue;
            wt = &w->tasks[w->ntasks++];
            wt->id = xstrdup(t->id != NULL ? t->id : "?");
            wt->last_status = t->last_status != NULL ? xstrdup(t->last_status) : NULL;
            wt->health = t->health_status != NULL ? xstrdup(t->health_status) : NULL;
            wt->stop_code = t->stop_code != NULL ? xstrdup(t->stop_code) : NULL;
            wt->stopped_reason = t->stopped_reason != NULL ? xstrdup(t->stopped_reason) : NULL;
            wt->ip = t->private_ip != NULL ? xstrdup(t->private_ip) : NULL;
            wt->container_instance_arn =
                t->container_instance_arn != NULL ? xstrdup(t->container_instance_arn) : NULL;
            keep_host_ports(wt, t, container_of(w));
            wt->stopped = stopped;
            for (size_t k = 0; k < t->ncontainers; k++)
                if (t->containers[k].reason != NULL) {
                    wt->container_reason = xstrdup(t->containers[k].reason);
                    break;
                }
        }
    }
    OD_FREE_ARRAY(tasks, n, task_clear);
    describe_instances(w);
}

/* EC2 tasks (bridge or host networking) register as instance id + host port: learn the
 * instance id of each task's container instance before matching targets. */
static void
describe_instances(struct od_watch *w)
{
    const char **arns = xcalloc(w->ntasks + 1, sizeof *arns);
    size_t n = 0;
    struct od_error e = {0};
    char *body;

    for (size_t i = 0; i < w->ntasks; i++) {
        const char *a = w->tasks[i].container_instance_arn;
        bool dup = false;

        for (size_t k = 0; a != NULL && k < n && !dup; k++)
            dup = str_eq(arns[k], a);
        if (a != NULL && !dup && n < 100)
            arns[n++] = a;
    }
    if (n == 0 || w->svc.nlbs == 0) {
        free(arns);
        health_start(w);
        return;
    }
    body = ecs_body_describe_container_instances(w->cluster, arns, n);
    free(arns);
    if (aws_call_json(w->env->aws, OD_SVC_ECS, "DescribeContainerInstances", body, 0,
                      on_instances, w, &e) == OD_OK) {
        w->in_flight = true;
    } else {
        od_error_clear(&e);
        health_start(w);
    }
    free(body);
}

static void
on_instances(const struct od_aws_response *resp, const struct od_error *err, void *ud)
{
    struct od_watch *w = ud;
    struct od_container_instance *ci = NULL;
    size_t n = 0;
    struct od_error e = {0};

    if (!alive_after_call(w))
        return;
    /* Without instance ids the IP targets still match: go on either way. */
    if ((err == NULL || err->err == OD_OK) &&
        ecs_decode_container_instances(resp->body, resp->body_len, &ci, &n, &e) == OD_OK) {
        for (size_t k = 0; k < w->ntasks; k++)
            for (size_t i = 0; i < n; i++)
                if (str_eq(w->tasks[k].container_instance_arn, ci[i].arn) &&
                    ci[i].ec2_instance_id != NULL) {
                    free(w->tasks[k].ec2_instance_id);
                    w->tasks[k].ec2_instance_id = xstrdup(ci[i].ec2_instance_id);
                }
        OD_FREE_ARRAY(ci, n, container_instance_clear);
    }
    od_error_clear(&e);
    health_start(w);
}

static void
health_start(struct od_watch *w)
{
    w->tg_pos = 0;
    memset(&w->tcounts_next, 0, sizeof w->tcounts_next);
    next_health(w);
}

static void
next_health(struct od_watch *w)
{
    struct od_error e = {0};

    while (w->tg_pos < w->svc.nlbs && w->tg_pos < MAX_TGS) {
        const char *tg = w->svc.lbs[w->tg_pos].target_group_arn;
        struct od_kv *params;
        size_t np = 0;

        if (tg == NULL || w->ntasks == 0) {
            w->tg_pos++;
            continue;
        }
        params = elbv2_params_describe_target_health(tg, &np);
        if (aws_call_query(w->env->aws, OD_SVC_ELBV2, "DescribeTargetHealth", params, np, 0,
                           on_health, w, &e) == OD_OK) {
            w->in_flight = true;
            kv_array_free(params, np);
            return;
        }
        kv_array_free(params, np);
        od_error_clear(&e);
        w->tg_pos++;
    }
    if (w->ntasks > 0 && w->svc.nlbs > 0) {
        w->tcounts = w->tcounts_next;
        w->have_tcounts = true;
    }
    report(w);
}

/* The container that registers into the service's first target group (NULL: any). */
static const char *
container_of(const struct od_watch *w)
{
    return w->svc.nlbs > 0 ? w->svc.lbs[0].container_name : NULL;
}

static void
keep_host_ports(struct od_watch_task *wt, const struct od_task *t, const char *container)
{
    for (size_t c = 0; c < t->ncontainers; c++) {
        const struct od_container *ct = &t->containers[c];

        if (container != NULL && !str_eq(ct->name, container))
            continue;
        for (size_t b = 0; b < ct->nbindings; b++) {
            wt->host_ports = xreallocarray(wt->host_ports, wt->nhost_ports + 1,
                                           sizeof *wt->host_ports);
            wt->host_ports[wt->nhost_ports++] = ct->bindings[b].host_port;
        }
    }
}

/* Is this target the task? By private IP (awsvpc), else by EC2 instance and host port as
 * the poller maps them (world_map_targets); with no port known, the only task on that
 * instance. */
static bool
target_is_task(const struct od_watch *w, const struct od_watch_task *t, const struct od_target *tg)
{
    size_t on_instance = 0;

    if (t->ip != NULL)
        return str_eq(t->ip, tg->id);
    if (t->ec2_instance_id == NULL || !str_eq(t->ec2_instance_id, tg->id))
        return false;
    for (size_t i = 0; i < t->nhost_ports; i++)
        if (t->host_ports[i] == tg->port)
            return true;
    for (size_t k = 0; k < w->ntasks; k++)
        on_instance += str_eq(w->tasks[k].ec2_instance_id, tg->id) && !w->tasks[k].stopped;
    return on_instance == 1 && t->nhost_ports == 0 && !t->stopped;
}

static void
on_health(const struct od_aws_response *resp, const struct od_error *err, void *ud)
{
    struct od_watch *w = ud;
    struct od_target *targets = NULL;
    size_t n = 0;
    struct od_error e = {0};

    if (!alive_after_call(w))
        return;
    if ((err == NULL || err->err == OD_OK) &&
        elbv2_decode_target_health(resp->body, resp->body_len, &targets, &n, &e) == OD_OK) {
        for (size_t i = 0; i < n; i++) {
            target_counts_add(&w->tcounts_next, targets[i].state);
            for (size_t k = 0; k < w->ntasks; k++) {
                struct od_watch_task *t = &w->tasks[k];

                if (!target_is_task(w, t, &targets[i]))
                    continue;
                free(t->target_state);
                free(t->target_reason);
                t->target_state = targets[i].state != NULL ? xstrdup(targets[i].state) : NULL;
                t->target_reason = targets[i].reason != NULL ? xstrdup(targets[i].reason) : NULL;
            }
        }
        OD_FREE_ARRAY(targets, n, target_clear);
    }
    od_error_clear(&e);
    w->tg_pos++;
    next_health(w);
}

enum od_err
watch_start(struct od_action_env *env, const struct od_watch_opts *opts, watch_cb cb, void *ud,
            struct od_watch **out, struct od_error *err)
{
    struct od_watch *w;

    if (env == NULL || env->aws == NULL || opts == NULL || str_empty(opts->cluster) ||
        str_empty(opts->service)) {
        od_error_set(err, OD_E_USAGE, "watch needs a cluster and a service");
        return OD_E_USAGE;
    }
    w = xcalloc(1, sizeof *w);
    w->env = env;
    w->cluster = xstrdup(opts->cluster);
    w->service = xstrdup(opts->service);
    w->dep = opts->deployment_id != NULL ? xstrdup(opts->deployment_id) : NULL;
    w->td = opts->task_definition != NULL ? xstrdup(opts->task_definition) : NULL;
    w->stable = opts->stable_td != NULL ? xstrdup(opts->stable_td) : NULL;
    w->interval = opts->interval_ms > 0 ? opts->interval_ms : env->watch_interval_ms;
    if (w->interval == 0)
        w->interval = 5000;
    w->detail_interval = opts->detail_interval_ms > 0 ? opts->detail_interval_ms : 3 * w->interval;
    w->timeout = opts->timeout_ms;
    w->started = clock_mono_ms();
    w->cb = cb;
    w->ud = ud;
    w->timer = loop_timer_add(env->aws->loop, 0, tick, w);
    *out = w;
    return OD_OK;
}

void
watch_free(struct od_watch **wp)
{
    struct od_watch *w = *wp;

    if (w == NULL)
        return;
    *wp = NULL;
    if (w->timer != 0) {
        loop_timer_cancel(w->env->aws->loop, w->timer);
        w->timer = 0;
    }
    if (w->in_flight || w->in_cb) {
        w->dead = true; /* freed when the call completes or the callback returns */
        return;
    }
    destroy(w);
}
