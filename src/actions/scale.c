/* Scale: UpdateService(desiredCount). Setting an absolute count is idempotent, so a retry after
 * a lost response is safe; the result is still read back when the response never came.
 *
 * A service behind Application Auto Scaling is kept within its scalable target's
 * [MinCapacity, MaxCapacity]: a count outside them is moved back by the autoscaler. The plan
 * reads the target (DescribeScalableTargets) and says so; with adjust_bounds it also moves the
 * bounds just enough to hold the new count, with RegisterScalableTarget before UpdateService,
 * in the same confirmed plan. */
#include <stdlib.h>

#include "actions/internal.h"
#include "aws/autoscaling.h"
#include "aws/proto_json.h"
#include "util/str.h"
#include "util/xalloc.h"

#define SCALE_MAX 10000

static void sc_on_targets(struct od_action_job *job, const struct od_aws_response *resp,
                          const struct od_error *err);

static long
clamp(long v, long lo, long hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static void
sc_on_service(struct od_action_job *job, const struct od_aws_response *resp,
              const struct od_error *err)
{
    struct od_plan *plan = job->plan;
    struct od_service s;
    struct od_error e = {0};
    const char *name = plan->service;

    if (!plan_take_service(job, resp, err, &s))
        return;
    if (s.desired == plan->count)
        plan_warn(plan, "the desired count is already %ld", plan->count);
    if (plan->count == 0)
        plan_warn(plan, "a desired count of 0 stops every task of the service");
    plan->desired_before = s.desired;
    service_clear(&s);
    if (job_call_json(job, OD_SVC_AUTOSCALING, "DescribeScalableTargets",
                      autoscaling_body_describe_targets(plan->cluster, &name, 1, NULL), 0,
                      sc_on_targets, &e) != OD_OK)
        job_fail_start(job, &e);
}

/* The change line and the bounds warning, from the plan's state (again after the console's
 * choice). The bounds warning is always the last one. */
static void
scale_compose(struct od_plan *plan, bool had_bounds_warning)
{
    char *line;

    if (had_bounds_warning && plan->nwarnings > 0) {
        free(plan->warnings[--plan->nwarnings]);
        plan->warnings[plan->nwarnings] = NULL;
    }
    plan->move_bounds = false;
    if (plan->scaling_known && (plan->count < plan->scaling_min || plan->count > plan->scaling_max)) {
        if (plan->adjust_bounds) {
            plan->move_bounds = true;
            plan->new_min = plan->count < plan->scaling_min ? plan->count : plan->scaling_min;
            plan->new_max = plan->count > plan->scaling_max ? plan->count : plan->scaling_max;
            plan_warn(plan, "the auto scaling bounds move to [%ld, %ld] first: %ld is outside "
                            "[%ld, %ld] (RegisterScalableTarget)",
                      plan->new_min, plan->new_max, plan->count, plan->scaling_min,
                      plan->scaling_max);
        } else {
            /* the point first: the console's confirmation shows the start of a line */
            plan_warn(plan, "the autoscaler will move it back to %ld: %ld is outside the auto "
                            "scaling bounds [%ld, %ld] (--adjust-bounds moves them)",
                      clamp(plan->count, plan->scaling_min, plan->scaling_max), plan->count,
                      plan->scaling_min, plan->scaling_max);
        }
    }
    if (plan->move_bounds)
        line = xasprintf("desired count %ld -> %ld; auto scaling bounds [%ld, %ld] -> [%ld, %ld]",
                         plan->desired_before, plan->count, plan->scaling_min, plan->scaling_max,
                         plan->new_min, plan->new_max);
    else
        line = xasprintf("desired count %ld -> %ld", plan->desired_before, plan->count);
    free(plan->change);
    plan->change = inert(line);
    free(line);
    cJSON_DeleteItemFromObjectCaseSensitive(plan->audit_params, "minCapacity");
    cJSON_DeleteItemFromObjectCaseSensitive(plan->audit_params, "maxCapacity");
    if (plan->move_bounds) {
        json_add_num(plan->audit_params, "minCapacity", (double)plan->new_min);
        json_add_num(plan->audit_params, "maxCapacity", (double)plan->new_max);
    }
}

static bool
bounds_warned(const struct od_plan *plan)
{
    return plan->scaling_known &&
           (plan->count < plan->scaling_min || plan->count > plan->scaling_max);
}

static void
sc_on_targets(struct od_action_job *job, const struct od_aws_response *resp,
              const struct od_error *err)
{
    struct od_plan *plan = job->plan;
    struct od_scaling *arr = NULL;
    size_t n = 0;
    struct od_error e = {0};

    if (err != NULL) {
        /* Not knowing the bounds does not stop a scale (the policy may not allow the read). */
        char *msg = od_error_format(err);

        plan_warn(plan, "the auto scaling bounds could not be read: %s", msg);
        free(msg);
    } else if (autoscaling_decode_targets(resp->body, resp->body_len, &arr, &n, NULL, &e) !=
               OD_OK) {
        plan_warn(plan, "the auto scaling bounds could not be read: %s",
                  e.message != NULL ? e.message : "?");
        od_error_clear(&e);
    }
    for (size_t i = 0; i < n; i++) {
        if (str_eq(arr[i].service, plan->service)) {
            plan->scaling_known = true;
            plan->scaling_min = arr[i].min;
            plan->scaling_max = arr[i].max;
        }
    }
    OD_FREE_ARRAY(arr, n, scaling_clear);
    if (plan->scaling_known) {
        cJSON *b = json_add_object(plan->audit_before, "scalableTarget");

        json_add_num(b, "minCapacity", (double)plan->scaling_min);
        json_add_num(b, "maxCapacity", (double)plan->scaling_max);
    } else if (plan->adjust_bounds && err == NULL) {
        plan_warn(plan, "the service has no scalable target: there are no bounds to adjust");
    }
    scale_compose(plan, false);
    plan->ready = true;
    job_plan_done(job);
}

bool
action_plan_adjust_bounds(struct od_plan *plan, bool adjust)
{
    if (plan->def->id != OD_ACTION_SCALE || !bounds_warned(plan))
        return false;
    plan->adjust_bounds = adjust;
    cJSON_DeleteItemFromObjectCaseSensitive(plan->audit_params, "adjustBounds");
    if (adjust)
        json_add_bool(plan->audit_params, "adjustBounds", true);
    scale_compose(plan, true);
    plan_describe(plan);
    return true;
}

enum od_err
scale_plan(struct od_action_job *job, struct od_error *err)
{
    struct od_plan *plan = job->plan;
    char *t;

    if (str_empty(plan->cluster) || str_empty(plan->service)) {
        od_error_set(err, OD_E_USAGE, "scale needs a cluster and a service");
        return OD_E_USAGE;
    }
    if (plan->count < 0 || plan->count > SCALE_MAX) {
        od_error_set(err, OD_E_USAGE, "the desired count must be between 0 and %d", SCALE_MAX);
        return OD_E_USAGE;
    }
    t = xasprintf("service %s/%s", plan->cluster, plan->service);
    plan->target = inert(t);
    free(t);
    plan_set_typed(plan, plan->service);
    return service_describe_start(job, sc_on_service, err);
}

/* ---- execute: the bounds first (when planned), then the count ------------------------------ */

static void sc_on_registered(struct od_action_job *job, const struct od_aws_response *resp,
                             const struct od_error *err);
static void sc_on_register_reconcile(struct od_action_job *job,
                                     const struct od_aws_response *resp,
                                     const struct od_error *err);

/* RegisterScalableTarget with the same bounds is idempotent (it updates the existing target
 * to values it already has), so the client may retry it, and so may the reconciliation. */
static enum od_err
register_start(struct od_action_job *job, struct od_error *err)
{
    struct od_plan *plan = job->plan;

    return job_call_json(job, OD_SVC_AUTOSCALING, "RegisterScalableTarget",
                         autoscaling_body_register(plan->cluster, plan->service, plan->new_min,
                                                   plan->new_max),
                         OD_CALL_MUTATES | OD_CALL_IDEMPOTENT, sc_on_registered, err);
}

static void
bounds_moved(struct od_action_job *job)
{
    struct od_error e = {0};
    cJSON *t;

    job->attempts = 0; /* UpdateService's reconciliation has its own one resend */
    if (job->after == NULL)
        job->after = json_new_object();
    t = json_add_object(job->after, "scalableTarget");
    json_add_num(t, "minCapacity", (double)job->plan->new_min);
    json_add_num(t, "maxCapacity", (double)job->plan->new_max);
    if (service_update_start(job, &e) != OD_OK)
        job_fail_start(job, &e);
}

static void
sc_on_registered(struct od_action_job *job, const struct od_aws_response *resp,
                 const struct od_error *err)
{
    struct od_error e = {0};
    const char *name = job->plan->service;

    job_note_request_id(job, resp, err);
    if (err == NULL) {
        bounds_moved(job);
        return;
    }
    if (!(err->err == OD_E_NETWORK || err->err == OD_E_TIMEOUT || err->http_status >= 500)) {
        job_exec_fail(job, err, false);
        return;
    }
    /* The response was lost: read the target back before anything else. */
    if (job_call_json(job, OD_SVC_AUTOSCALING, "DescribeScalableTargets",
                      autoscaling_body_describe_targets(job->plan->cluster, &name, 1, NULL), 0,
                      sc_on_register_reconcile, &e) != OD_OK)
        job_exec_fail(job, err, true);
    od_error_clear(&e);
}

static void
sc_on_register_reconcile(struct od_action_job *job, const struct od_aws_response *resp,
                         const struct od_error *err)
{
    struct od_plan *plan = job->plan;
    struct od_scaling *arr = NULL;
    size_t n = 0;
    struct od_error e = {0};
    bool applied = false;

    if (err != NULL) {
        job_exec_fail(job, err, true);
        return;
    }
    if (autoscaling_decode_targets(resp->body, resp->body_len, &arr, &n, NULL, &e) != OD_OK) {
        job_exec_fail(job, &e, true);
        od_error_clear(&e);
        return;
    }
    for (size_t i = 0; i < n; i++)
        if (str_eq(arr[i].service, plan->service) && arr[i].min == plan->new_min &&
            arr[i].max == plan->new_max)
            applied = true;
    OD_FREE_ARRAY(arr, n, scaling_clear);
    if (applied) {
        job->reconciled = true;
        bounds_moved(job);
        return;
    }
    if (job->attempts++ >= 1) {
        od_error_set(&e, OD_E_NETWORK, "RegisterScalableTarget: no response twice, and the "
                                       "scalable target shows no change");
        job_exec_fail(job, &e, true);
        od_error_clear(&e);
        return;
    }
    if (register_start(job, &e) != OD_OK)
        job_fail_start(job, &e);
}

enum od_err
scale_execute(struct od_action_job *job, struct od_error *err)
{
    if (job->plan->move_bounds)
        return register_start(job, err);
    return service_update_start(job, err);
}
