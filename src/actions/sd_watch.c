/* Following a steered service deployment (see sd_watch.h). */
#include "actions/sd_watch.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "actions/internal.h"
#include "aws/ecs_deployments.h"
#include "loop/loop.h"
#include "util/clock.h"
#include "util/str.h"
#include "util/xalloc.h"

#define MAX_ERRORS 5

static const char *
why_of(const struct od_service_deployment *d)
{
    if (d->rollback_reason != NULL)
        return d->rollback_reason;
    return d->status_reason != NULL ? d->status_reason : "no reason given";
}

static bool
rolled_back(const char *st)
{
    return str_eq(st, "ROLLBACK_SUCCESSFUL");
}

enum od_verdict
sd_watch_decide(const struct od_service_deployment *d, enum od_steer goal, const char *acted_hook,
                char **reason)
{
    const char *st = d->status;
    const struct od_sd_hook *h = service_deployment_waiting_hook(d);
    bool rollback = goal == OD_STEER_STOP_ROLLBACK || goal == OD_STEER_HOOK_ROLLBACK;

    *reason = NULL;
    if (service_deployment_in_flight(d)) {
        if (goal == OD_STEER_HOOK_CONTINUE && h != NULL && str_eq(st, "IN_PROGRESS") &&
            !str_eq(h->hook_id, acted_hook)) {
            *reason = xasprintf("paused again: lifecycle hook %s is AWAITING_ACTION at stage "
                                "%s (then %s); continue it with ondeck continue",
                                h->hook_id != NULL ? h->hook_id : "?",
                                d->stage != NULL ? d->stage : "?",
                                h->timeout_action != NULL ? h->timeout_action : "?");
            return OD_ROLLOUT_COMPLETED;
        }
        return OD_ROLLOUT_PENDING;
    }
    if (rollback && rolled_back(st)) {
        *reason = xasprintf("ROLLBACK_SUCCESSFUL: rolled back to the source revision (%s)",
                            why_of(d));
        return OD_ROLLOUT_COMPLETED;
    }
    if (goal == OD_STEER_STOP_ABORT && str_eq(st, "STOPPED")) {
        *reason = xasprintf("STOPPED: aborted where it was (%s)", why_of(d));
        return OD_ROLLOUT_COMPLETED;
    }
    if (goal == OD_STEER_HOOK_CONTINUE && str_eq(st, "SUCCESSFUL")) {
        *reason = xasprintf("SUCCESSFUL: %s", why_of(d));
        return OD_ROLLOUT_COMPLETED;
    }
    *reason = xasprintf("%s: %s", st != NULL ? st : "no status", why_of(d));
    return OD_ROLLOUT_FAILED;
}

struct od_sd_watch {
    struct od_action_env *env;
    char *arn, *hook;
    enum od_steer goal;
    uint64_t started, timeout, interval, timer;
    sd_watch_cb cb;
    void *ud;
    bool in_flight, in_cb, dead, finished;
    int errors;
    struct od_service_deployment sd;
    bool have_sd, changed;
    char *reason, *last_error;
};

static void tick(void *ud);

static void
destroy(struct od_sd_watch *w)
{
    if (w->timer != 0)
        loop_timer_cancel(w->env->aws->loop, w->timer);
    free(w->arn);
    free(w->hook);
    free(w->reason);
    free(w->last_error);
    if (w->have_sd)
        service_deployment_clear(&w->sd);
    free(w);
}

static void
report(struct od_sd_watch *w, enum od_verdict v, uint64_t delay)
{
    struct od_sd_progress p = {0};

    p.verdict = v;
    p.reason = w->reason;
    p.elapsed_ms = clock_mono_ms() - w->started;
    p.sd = w->have_sd ? &w->sd : NULL;
    p.last_error = w->last_error;
    p.changed = w->changed;
    w->changed = false;
    w->finished = v != OD_ROLLOUT_PENDING;
    w->in_cb = true;
    w->cb(&p, w->ud);
    w->in_cb = false;
    if (w->dead) {
        destroy(w);
        return;
    }
    if (!w->finished)
        w->timer = loop_timer_add(w->env->aws->loop, delay, tick, w);
}

static void
set_reason(struct od_sd_watch *w, char *raw)
{
    free(w->reason);
    w->reason = raw != NULL ? inert(raw) : NULL;
    free(raw);
}

static void
on_described(const struct od_aws_response *resp, const struct od_error *err, void *ud)
{
    struct od_sd_watch *w = ud;
    struct od_service_deployment *arr = NULL;
    size_t n = 0;
    struct od_error e = {0};
    enum od_verdict v = OD_ROLLOUT_PENDING;
    uint64_t delay = w->interval;
    char *why = NULL;

    w->in_flight = false;
    if (w->dead) {
        destroy(w);
        return;
    }
    free(w->last_error);
    w->last_error = NULL;
    if (err != NULL && err->err != OD_OK) {
        char *m = od_error_format(err);

        w->last_error = inert(m);
        free(m);
        if (err->err == OD_E_THROTTLED)
            delay = w->interval * 2;
        else if (++w->errors >= MAX_ERRORS) {
            set_reason(w, xasprintf("the service deployment could not be read %d times in a "
                                    "row: %s",
                                    MAX_ERRORS, w->last_error));
            v = OD_ROLLOUT_ERROR;
        }
    } else if (ecs_decode_service_deployments(resp->body, resp->body_len, &arr, &n, &e) !=
                   OD_OK ||
               n == 0) {
        char *m = n == 0 && e.err == OD_OK ? xstrdup("the service deployment is missing")
                                           : od_error_format(&e);

        set_reason(w, m);
        v = OD_ROLLOUT_ERROR;
        OD_FREE_ARRAY(arr, n, service_deployment_clear);
    } else {
        w->errors = 0;
        w->changed = !w->have_sd || !str_eq(w->sd.status, arr[0].status) ||
                     !str_eq(w->sd.stage, arr[0].stage);
        if (w->have_sd)
            service_deployment_clear(&w->sd);
        w->sd = arr[0];
        w->have_sd = true;
        memset(&arr[0], 0, sizeof arr[0]);
        OD_FREE_ARRAY(arr, n, service_deployment_clear);
        v = sd_watch_decide(&w->sd, w->goal, w->hook, &why);
        set_reason(w, why);
    }
    od_error_clear(&e);
    if (v == OD_ROLLOUT_PENDING && w->timeout > 0 &&
        clock_mono_ms() - w->started >= w->timeout) {
        set_reason(w, xasprintf("no end after %llu s (service deployment still %s)",
                                (unsigned long long)(w->timeout / 1000),
                                w->have_sd && w->sd.status != NULL ? w->sd.status : "unread"));
        v = OD_ROLLOUT_TIMEOUT;
    }
    report(w, v, delay);
}

static void
tick(void *ud)
{
    struct od_sd_watch *w = ud;
    const char *arn = w->arn;
    char *body = ecs_body_describe_service_deployments(&arn, 1);
    struct od_error e = {0};

    w->timer = 0;
    if (aws_call_json(w->env->aws, OD_SVC_ECS, "DescribeServiceDeployments", body, 0,
                      on_described, w, &e) == OD_OK) {
        w->in_flight = true;
    } else {
        set_reason(w, od_error_format(&e));
        od_error_clear(&e);
        report(w, OD_ROLLOUT_ERROR, 0);
    }
    free(body);
}

enum od_err
sd_watch_start(struct od_action_env *env, const char *arn, enum od_steer goal,
               const char *acted_hook, unsigned long long timeout_ms, sd_watch_cb cb, void *ud,
               struct od_sd_watch **out, struct od_error *err)
{
    struct od_sd_watch *w;

    if (env == NULL || env->aws == NULL || str_empty(arn) || goal == OD_STEER_NONE) {
        od_error_set(err, OD_E_USAGE, "nothing to follow: no service deployment");
        return OD_E_USAGE;
    }
    w = xcalloc(1, sizeof *w);
    w->env = env;
    w->arn = xstrdup(arn);
    w->hook = acted_hook != NULL ? xstrdup(acted_hook) : NULL;
    w->goal = goal;
    w->started = clock_mono_ms();
    w->timeout = timeout_ms;
    w->interval = env->watch_interval_ms > 0 ? env->watch_interval_ms : 5000;
    w->cb = cb;
    w->ud = ud;
    w->timer = loop_timer_add(env->aws->loop, 0, tick, w);
    *out = w;
    return OD_OK;
}

void
sd_watch_free(struct od_sd_watch **wp)
{
    struct od_sd_watch *w = *wp;

    if (w == NULL)
        return;
    *wp = NULL;
    if (w->timer != 0) {
        loop_timer_cancel(w->env->aws->loop, w->timer);
        w->timer = 0;
    }
    if (w->in_flight || w->in_cb) {
        w->dead = true;
        return;
    }
    destroy(w);
}
