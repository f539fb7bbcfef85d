/* Steering a service deployment in flight (ECS API Reference: StopServiceDeployment,
 * ContinueServiceDeployment; Developer Guide: "Stopping Amazon ECS service deployments",
 * "Continuing service deployments").
 *
 *   rollback, a deployment PENDING or IN_PROGRESS   StopServiceDeployment stopType=ROLLBACK:
 *                                                   one call, ECS shifts traffic back to the
 *                                                   source revision (no second deployment)
 *   rollback, a PAUSE hook AWAITING_ACTION          ContinueServiceDeployment action=ROLLBACK
 *                                                   with that hookId
 *   rollback --abort                                StopServiceDeployment stopType=ABORT
 *   continue                                        ContinueServiceDeployment action=CONTINUE
 *
 * The deployment is the service's newest one (ListServiceDeployments lists newest first;
 * a newer deployment stops the older ones). A lost answer is settled by reading the
 * deployment back (DescribeServiceDeployments) and never by sending the call again. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "actions/internal.h"
#include "aws/ecs_deployments.h"
#include "aws/proto_json.h"
#include "model/task_set.h"
#include "util/str.h"
#include "util/xalloc.h"

/* A failure after which the request may have been applied: no response, or a server error. */
static bool
maybe_applied(const struct od_error *err)
{
    return err->err == OD_E_NETWORK || err->err == OD_E_TIMEOUT || err->http_status >= 500;
}

/* ECS accepts a stop or a hook action only while the deployment is PENDING or IN_PROGRESS;
 * once it is STOP_REQUESTED or rolling back, ECS is already ending it. */
static bool
steerable(const char *status)
{
    return str_eq(status, "PENDING") || str_eq(status, "IN_PROGRESS");
}

/* The deployment's id: the last part of its ARN (malloc'd). */
static char *
sd_short(const char *arn)
{
    const char *slash = arn != NULL ? strrchr(arn, '/') : NULL;

    return xstrdup(slash != NULL ? slash + 1 : arn != NULL ? arn : "?");
}

/* ---- reading the deployment in flight ---------------------------------------------------- */

static void on_sd_list(struct od_action_job *job, const struct od_aws_response *resp,
                       const struct od_error *err);
static void on_sd_describe(struct od_action_job *job, const struct od_aws_response *resp,
                           const struct od_error *err);

enum od_err
steer_read_start(struct od_action_job *job, void (*then)(struct od_action_job *job),
                 struct od_error *err)
{
    job->after_sd_read = then;
    return job_call_json(job, OD_SVC_ECS, "ListServiceDeployments",
                         ecs_body_list_service_deployments(job->plan->cluster, job->plan->service,
                                                           1),
                         0, on_sd_list, err);
}

/* A plain rollback goes on without the deployments (today's UpdateService, with a warning);
 * continue and --abort cannot. */
static void
sd_read_failed(struct od_action_job *job, const struct od_error *err)
{
    char *msg;

    if (job->def->id == OD_ACTION_CONTINUE || job->params.abort) {
        job_plan_fail(job, err);
        return;
    }
    msg = od_error_format(err);
    job->plan->sd_unread = true;
    plan_warn(job->plan,
              "the service deployments could not be read (%s): planned as UpdateService to a "
              "revision",
              msg);
    free(msg);
    job->after_sd_read(job);
}

static void
on_sd_list(struct od_action_job *job, const struct od_aws_response *resp,
           const struct od_error *err)
{
    char **arns = NULL;
    size_t n = 0;
    struct od_error e = {0};

    if (err != NULL) {
        sd_read_failed(job, err);
        return;
    }
    if (ecs_decode_service_deployment_list(resp->body, resp->body_len, &arns, &n, NULL, &e) !=
        OD_OK) {
        sd_read_failed(job, &e);
        od_error_clear(&e);
        return;
    }
    if (n == 0) {
        job->after_sd_read(job);
        return;
    }
    if (job_call_json(job, OD_SVC_ECS, "DescribeServiceDeployments",
                      ecs_body_describe_service_deployments((const char *const *)arns, 1), 0,
                      on_sd_describe, &e) != OD_OK)
        job_fail_start(job, &e);
    arn_list_free(&arns, &n);
}

static void
take_deployment(struct od_plan *plan, const struct od_service_deployment *d)
{
    const struct od_sd_hook *h = service_deployment_waiting_hook(d);

    free(plan->sd_arn);
    free(plan->sd_status);
    free(plan->sd_stage);
    free(plan->hook_id);
    plan->sd_arn = d->arn != NULL ? xstrdup(d->arn) : NULL;
    plan->sd_status = d->status != NULL ? xstrdup(d->status) : NULL;
    plan->sd_stage = d->stage != NULL ? xstrdup(d->stage) : NULL;
    plan->hook_id = h != NULL && h->hook_id != NULL ? xstrdup(h->hook_id) : NULL;
    if (plan->audit_before != NULL) {
        cJSON *o = json_add_object(plan->audit_before, "serviceDeployment");

        json_add_str(o, "serviceDeploymentArn", d->arn);
        json_add_str(o, "status", d->status);
        json_add_str(o, "lifecycleStage", d->stage);
        json_add_str(o, "strategy", d->strategy);
        json_add_str(o, "hookAwaitingAction", plan->hook_id);
    }
}

static void
on_sd_describe(struct od_action_job *job, const struct od_aws_response *resp,
               const struct od_error *err)
{
    struct od_service_deployment *arr = NULL;
    size_t n = 0;
    struct od_error e = {0};

    if (err != NULL) {
        sd_read_failed(job, err);
        return;
    }
    if (ecs_decode_service_deployments(resp->body, resp->body_len, &arr, &n, &e) != OD_OK) {
        sd_read_failed(job, &e);
        od_error_clear(&e);
        return;
    }
    if (n > 0 && arr[0].arn != NULL && service_deployment_in_flight(&arr[0]))
        take_deployment(job->plan, &arr[0]);
    OD_FREE_ARRAY(arr, n, service_deployment_clear);
    job->after_sd_read(job);
}

/* ---- the plans --------------------------------------------------------------------------- */

/* The change line of a steering plan, and its audit parameters. */
static void
steer_describe(struct od_plan *plan)
{
    char *id = sd_short(plan->sd_arn), *where, *line = NULL;

    where = xasprintf("%s%s%s", plan->sd_status != NULL ? plan->sd_status : "?",
                      plan->sd_stage != NULL ? ", stage " : "",
                      plan->sd_stage != NULL ? plan->sd_stage : "");
    switch (plan->steer) {
    case OD_STEER_STOP_ROLLBACK:
        line = xasprintf("StopServiceDeployment stopType=ROLLBACK: roll back service deployment "
                         "%s (%s) to its source revision; one call, ECS shifts traffic back "
                         "(no UpdateService)",
                         id, where);
        break;
    case OD_STEER_STOP_ABORT:
        line = xasprintf("StopServiceDeployment stopType=ABORT: stop service deployment %s (%s) "
                         "where it is, without rolling back",
                         id, where);
        break;
    case OD_STEER_HOOK_ROLLBACK:
        line = xasprintf("ContinueServiceDeployment action=ROLLBACK at lifecycle hook %s "
                         "(AWAITING_ACTION): roll back service deployment %s (%s) to its "
                         "source revision",
                         plan->hook_id, id, where);
        break;
    case OD_STEER_HOOK_CONTINUE:
        line = xasprintf("ContinueServiceDeployment action=CONTINUE at lifecycle hook %s "
                         "(AWAITING_ACTION): service deployment %s (%s) proceeds",
                         plan->hook_id, id, where);
        break;
    case OD_STEER_NONE:
    default:
        break;
    }
    free(plan->change);
    plan->change = line != NULL ? inert(line) : NULL;
    /* "a deployment is still in progress" (service_plan_state) is what is being steered */
    action_strv_free(&plan->warnings, &plan->nwarnings);
    cJSON_DeleteItemFromObjectCaseSensitive(plan->audit_params, "serviceDeploymentArn");
    cJSON_DeleteItemFromObjectCaseSensitive(plan->audit_params, "stopType");
    cJSON_DeleteItemFromObjectCaseSensitive(plan->audit_params, "hookId");
    cJSON_DeleteItemFromObjectCaseSensitive(plan->audit_params, "hookAction");
    json_add_str(plan->audit_params, "serviceDeploymentArn", plan->sd_arn);
    if (plan->steer == OD_STEER_STOP_ROLLBACK || plan->steer == OD_STEER_STOP_ABORT) {
        json_add_str(plan->audit_params, "stopType",
                     plan->steer == OD_STEER_STOP_ABORT ? "ABORT" : "ROLLBACK");
    } else {
        json_add_str(plan->audit_params, "hookId", plan->hook_id);
        json_add_str(plan->audit_params, "hookAction",
                     plan->steer == OD_STEER_HOOK_ROLLBACK ? "ROLLBACK" : "CONTINUE");
    }
    plan->ready = line != NULL;
    free(line);
    free(where);
    free(id);
}

/* Nothing to steer: the plan is not ready and says why. */
static void
steer_nothing(struct od_action_job *job, const char *why)
{
    char *id = sd_short(job->plan->sd_arn), *line;

    if (job->plan->sd_arn != NULL)
        line = xasprintf("%s (service deployment %s is %s%s%s)", why, id,
                         job->plan->sd_status != NULL ? job->plan->sd_status : "?",
                         job->plan->sd_stage != NULL ? ", stage " : "",
                         job->plan->sd_stage != NULL ? job->plan->sd_stage : "");
    else
        line = xstrdup(why);
    free(job->plan->steer_none);
    job->plan->steer_none = inert(line);
    free(job->plan->change);
    job->plan->change = xasprintf("nothing: %s", job->plan->steer_none);
    job->plan->ready = false;
    free(line);
    free(id);
    job_plan_done(job);
}

bool
steer_plan_rollback(struct od_action_job *job)
{
    struct od_plan *plan = job->plan;

    if (plan->sd_arn == NULL || !steerable(plan->sd_status)) {
        if (job->params.abort) {
            steer_nothing(job, plan->sd_arn != NULL
                                   ? "nothing to abort: ECS is already ending the deployment"
                                   : "nothing to abort: no service deployment is in flight");
            return true;
        }
        if (plan->sd_arn != NULL && job->params.revision <= 0) {
            steer_nothing(job, "nothing to roll back: ECS is already ending the deployment");
            return true;
        }
        return false;
    }
    if (job->params.revision > 0 && !job->params.abort) {
        /* An explicit revision is today's rollback, but say what it does to the one in
         * flight. */
        char *id = sd_short(plan->sd_arn);

        plan_warn(plan,
                  "service deployment %s is %s: UpdateService to revision %ld starts a second "
                  "deployment that stops it; without --revision, rollback stops it with one "
                  "StopServiceDeployment ROLLBACK",
                  id, plan->sd_status, job->params.revision);
        free(id);
        return false;
    }
    if (job->params.abort)
        plan->steer = OD_STEER_STOP_ABORT;
    else if (plan->hook_id != NULL)
        plan->steer = OD_STEER_HOOK_ROLLBACK;
    else
        plan->steer = OD_STEER_STOP_ROLLBACK;
    steer_describe(plan);
    job_plan_done(job);
    return true;
}

enum od_err
action_plan_steer_abort(struct od_plan *plan, bool abort, struct od_error *err)
{
    if (plan->def->id != OD_ACTION_ROLLBACK || plan->steer == OD_STEER_NONE) {
        od_error_set(err, OD_E_USAGE, "no service deployment in flight to stop");
        return OD_E_USAGE;
    }
    if (abort)
        plan->steer = OD_STEER_STOP_ABORT;
    else
        plan->steer = plan->hook_id != NULL ? OD_STEER_HOOK_ROLLBACK : OD_STEER_STOP_ROLLBACK;
    cJSON_DeleteItemFromObjectCaseSensitive(plan->audit_params, "abort");
    if (abort)
        json_add_bool(plan->audit_params, "abort", true);
    steer_describe(plan);
    plan_describe(plan);
    return OD_OK;
}

static void cont_on_service(struct od_action_job *job, const struct od_aws_response *resp,
                            const struct od_error *err);
static void cont_after_sd_read(struct od_action_job *job);

enum od_err
continue_plan(struct od_action_job *job, struct od_error *err)
{
    struct od_plan *plan = job->plan;
    char *t;

    if (str_empty(plan->cluster) || str_empty(plan->service)) {
        od_error_set(err, OD_E_USAGE, "continue needs a cluster and a service");
        return OD_E_USAGE;
    }
    t = xasprintf("service %s/%s", plan->cluster, plan->service);
    plan->target = inert(t);
    free(t);
    plan_set_typed(plan, plan->service);
    return service_describe_start(job, cont_on_service, err);
}

static void
cont_on_service(struct od_action_job *job, const struct od_aws_response *resp,
                const struct od_error *err)
{
    struct od_service s;
    struct od_error e = {0};
    bool sets;

    if (!plan_take_service(job, resp, err, &s))
        return;
    sets = task_set_controlled(&s);
    service_clear(&s);
    if (sets) {
        steer_nothing(job, "nothing to continue: the service's versions are task sets "
                           "(CODE_DEPLOY or EXTERNAL), which have no lifecycle hooks");
        return;
    }
    if (steer_read_start(job, cont_after_sd_read, &e) != OD_OK)
        job_fail_start(job, &e);
}

static void
cont_after_sd_read(struct od_action_job *job)
{
    struct od_plan *plan = job->plan;

    if (plan->sd_arn == NULL) {
        steer_nothing(job, "nothing to continue: no service deployment is in flight");
        return;
    }
    if (plan->hook_id == NULL || !str_eq(plan->sd_status, "IN_PROGRESS")) {
        steer_nothing(job, "nothing to continue: no lifecycle hook is awaiting action");
        return;
    }
    plan->steer = OD_STEER_HOOK_CONTINUE;
    steer_describe(plan);
    job_plan_done(job);
}

/* ---- execution --------------------------------------------------------------------------- */

static void on_steered(struct od_action_job *job, const struct od_aws_response *resp,
                       const struct od_error *err);
static void on_steer_reconcile(struct od_action_job *job, const struct od_aws_response *resp,
                               const struct od_error *err);

static const char *
steer_op(enum od_steer s)
{
    return s == OD_STEER_STOP_ROLLBACK || s == OD_STEER_STOP_ABORT ? "StopServiceDeployment"
                                                                   : "ContinueServiceDeployment";
}

enum od_err
steer_execute(struct od_action_job *job, struct od_error *err)
{
    struct od_plan *plan = job->plan;
    cJSON *o;

    if (plan->sd_arn == NULL || plan->steer == OD_STEER_NONE) {
        od_error_set(err, OD_E_USAGE, "%s: no service deployment to act on", job->def->name);
        return OD_E_USAGE;
    }
    o = json_new_object();
    json_add_str(o, "serviceDeploymentArn", plan->sd_arn);
    switch (plan->steer) {
    case OD_STEER_STOP_ROLLBACK:
        json_add_str(o, "stopType", "ROLLBACK");
        break;
    case OD_STEER_STOP_ABORT:
        json_add_str(o, "stopType", "ABORT");
        break;
    case OD_STEER_HOOK_ROLLBACK:
        json_add_str(o, "hookId", plan->hook_id);
        json_add_str(o, "action", "ROLLBACK");
        break;
    default:
        json_add_str(o, "hookId", plan->hook_id);
        json_add_str(o, "action", "CONTINUE");
        break;
    }
    job->sd_arn = xstrdup(plan->sd_arn);
    /* Not idempotent as far as the transport knows: never retried blindly. */
    return job_call_json(job, OD_SVC_ECS, steer_op(plan->steer), json_print_free(o),
                         OD_CALL_MUTATES, on_steered, err);
}

static void
steer_done(struct od_action_job *job, const char *status_after)
{
    struct od_plan *plan = job->plan;
    char *id = sd_short(plan->sd_arn), *line;
    const char *what;

    switch (plan->steer) {
    case OD_STEER_STOP_ROLLBACK:
        what = "StopServiceDeployment ROLLBACK accepted: ECS rolls it back to the source "
               "revision";
        break;
    case OD_STEER_STOP_ABORT:
        what = "StopServiceDeployment ABORT accepted: ECS stops it where it is";
        break;
    case OD_STEER_HOOK_ROLLBACK:
        what = "ContinueServiceDeployment ROLLBACK accepted at the lifecycle hook: ECS rolls it "
               "back to the source revision";
        break;
    default:
        what = "ContinueServiceDeployment CONTINUE accepted: the deployment proceeds";
        break;
    }
    cJSON_Delete(job->after);
    job->after = json_new_object();
    json_add_str(job->after, "serviceDeploymentArn", plan->sd_arn);
    json_add_str(job->after, "status", status_after);
    line = xasprintf("service deployment %s: %s%s", id, what,
                     job->reconciled ? " (confirmed by reading back)" : "");
    free(job->summary);
    job->summary = inert(line);
    free(line);
    free(id);
    job_exec_done(job);
}

static void
on_steered(struct od_action_job *job, const struct od_aws_response *resp,
           const struct od_error *err)
{
    struct od_error e = {0};

    (void)resp;
    job_note_request_id(job, resp, err);
    if (err != NULL) {
        if (maybe_applied(err)) {
            /* The answer was lost: read the deployment back; never send it again. */
            if (job_call_json(job, OD_SVC_ECS, "DescribeServiceDeployments",
                              ecs_body_describe_service_deployments(
                                  (const char *const *)&job->plan->sd_arn, 1),
                              0, on_steer_reconcile, &e) != OD_OK)
                job_exec_fail(job, err, true);
            od_error_clear(&e);
            return;
        }
        job_exec_fail(job, err, false);
        return;
    }
    steer_done(job, NULL);
}

/* Does the deployment read back show the steering took effect? */
static bool
steer_applied(const struct od_plan *plan, const struct od_service_deployment *d)
{
    const char *st = d->status;

    switch (plan->steer) {
    case OD_STEER_STOP_ROLLBACK:
    case OD_STEER_HOOK_ROLLBACK:
        return str_eq(st, "ROLLBACK_REQUESTED") || str_eq(st, "ROLLBACK_IN_PROGRESS") ||
               str_eq(st, "ROLLBACK_SUCCESSFUL") || str_eq(st, "ROLLBACK_FAILED");
    case OD_STEER_STOP_ABORT:
        return str_eq(st, "STOP_REQUESTED") || str_eq(st, "STOPPED");
    case OD_STEER_HOOK_CONTINUE:
        /* The hook no longer waits and the deployment goes on (ECS may already have dropped
         * the hook from lifecycleHookDetails once its stage is over). */
        for (size_t i = 0; i < d->nhooks; i++)
            if (str_eq(d->hooks[i].hook_id, plan->hook_id) &&
                str_eq(d->hooks[i].status, "AWAITING_ACTION"))
                return false;
        return str_eq(st, "IN_PROGRESS") || str_eq(st, "SUCCESSFUL");
    default:
        return false;
    }
}

static void
on_steer_reconcile(struct od_action_job *job, const struct od_aws_response *resp,
                   const struct od_error *err)
{
    struct od_service_deployment *arr = NULL;
    size_t n = 0;
    struct od_error e = {0};
    char *status = NULL;

    if (err != NULL) {
        job_exec_fail(job, err, true);
        return;
    }
    if (ecs_decode_service_deployments(resp->body, resp->body_len, &arr, &n, &e) != OD_OK) {
        job_exec_fail(job, &e, true);
        od_error_clear(&e);
        return;
    }
    if (n > 0 && steer_applied(job->plan, &arr[0])) {
        status = arr[0].status != NULL ? xstrdup(arr[0].status) : NULL;
        OD_FREE_ARRAY(arr, n, service_deployment_clear);
        job->reconciled = true;
        steer_done(job, status);
        free(status);
        return;
    }
    if (n > 0 && arr[0].status != NULL)
        status = inert(arr[0].status);
    od_error_set(&e, OD_E_NETWORK,
                 "%s: no response, and the service deployment shows no change (still %s); "
                 "not sent again",
                 steer_op(job->plan->steer), status != NULL ? status : "unknown");
    free(status);
    OD_FREE_ARRAY(arr, n, service_deployment_clear);
    job_exec_fail(job, &e, true);
    od_error_clear(&e);
}

enum od_err
continue_execute(struct od_action_job *job, struct od_error *err)
{
    return steer_execute(job, err);
}
