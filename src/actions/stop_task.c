/* Stop task: DescribeTasks (what is being stopped) then StopTask with a reason. Stopping a
 * task twice is harmless, so the call is retried like an idempotent one. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "actions/internal.h"
#include "aws/ecs.h"
#include "aws/proto_json.h"
#include "model/world.h"
#include "util/str.h"
#include "util/xalloc.h"

#define REASON_MAX 255 /* ECS keeps at most 255 characters of the reason */

/* Cut s to at most max bytes on a UTF-8 character boundary, in place. */
static void
cut_utf8(char *s, size_t max)
{
    size_t n = strlen(s);

    if (n <= max)
        return;
    n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    s[n] = '\0';
}

static void
st_on_tasks(struct od_action_job *job, const struct od_aws_response *resp,
            const struct od_error *err)
{
    struct od_plan *plan = job->plan;
    struct od_task *tasks = NULL;
    struct od_failure *fails = NULL;
    size_t n = 0, nf = 0;
    struct od_error e = {0};
    const struct od_task *t = NULL;
    cJSON *before;
    char *line, *td;

    if (err != NULL) {
        job_plan_fail(job, err);
        return;
    }
    if (ecs_decode_tasks(resp->body, resp->body_len, &tasks, &n, &fails, &nf, &e) != OD_OK) {
        job_plan_fail(job, &e);
        od_error_clear(&e);
        return;
    }
    for (size_t i = 0; i < n && t == NULL; i++)
        if (str_eq(tasks[i].id, plan->task) || str_eq(tasks[i].arn, plan->task))
            t = &tasks[i];
    if (t == NULL) {
        char *safe = inert(plan->task);

        od_error_set(&e, OD_E_AWS, "task %s not found in the cluster", safe);
        free(safe);
        job_plan_fail(job, &e);
        od_error_clear(&e);
        goto out;
    }
    plan->task_arn = xstrdup(t->arn);
    free(plan->task);
    plan->task = xstrdup(t->id != NULL ? t->id : str_last_segment(t->arn));
    plan_set_typed(plan, plan->task);
    td = task_def_short_name(t->task_definition);
    line = xasprintf("stop task %s (%s%s%s, %s, %s)%s%s", plan->task,
                     task_service_name(t) != NULL ? "service " : "",
                     task_service_name(t) != NULL ? task_service_name(t) : "no service",
                     "", td != NULL ? td : "?", t->last_status != NULL ? t->last_status : "?",
                     t->private_ip != NULL ? " at " : "", t->private_ip != NULL ? t->private_ip : "");
    plan->change = inert(line);
    free(line);
    free(td);
    if (str_eq(t->desired_status, "STOPPED") || str_eq(t->last_status, "STOPPED"))
        plan_warn(plan, "the task is already stopping or stopped");
    if (task_service_name(t) != NULL)
        plan_warn(plan, "the service scheduler will start a replacement task");
    if (plan->reason == NULL)
        plan->reason = xasprintf("Stopped by ondeck (%s)",
                                 plan->identity_arn != NULL ? plan->identity_arn : "operator");
    cut_utf8(plan->reason, REASON_MAX);
    {
        char *r = inert(plan->reason);

        plan_warn(plan, "reason: %s", r);
        free(r);
    }
    cJSON_DeleteItemFromObjectCaseSensitive(plan->audit_params, "reason");
    json_add_str(plan->audit_params, "reason", plan->reason);
    before = json_new_object();
    json_add_str(before, "lastStatus", t->last_status);
    json_add_str(before, "desiredStatus", t->desired_status);
    json_add_str(before, "taskDefinition", t->task_definition);
    json_add_str(before, "group", t->group);
    plan->audit_before = before;
    plan->ready = true;
    job_plan_done(job);
out:
    OD_FREE_ARRAY(tasks, n, task_clear);
    for (size_t i = 0; i < nf; i++)
        failure_clear(&fails[i]);
    free(fails);
}

enum od_err
stop_task_plan(struct od_action_job *job, struct od_error *err)
{
    struct od_plan *plan = job->plan;
    const char *task = plan->task;
    char *t;

    if (str_empty(plan->cluster) || str_empty(plan->task)) {
        od_error_set(err, OD_E_USAGE, "stop-task needs a cluster and a task");
        return OD_E_USAGE;
    }
    t = xasprintf("task %s/%s", plan->cluster, plan->task);
    plan->target = inert(t);
    free(t);
    return job_call_json(job, OD_SVC_ECS, "DescribeTasks",
                         ecs_body_describe_tasks(plan->cluster, &task, 1), 0, st_on_tasks, err);
}

static void
on_stopped(struct od_action_job *job, const struct od_aws_response *resp,
           const struct od_error *err)
{
    struct od_task t;
    struct od_error e = {0};
    char *id;

    job_note_request_id(job, resp, err);
    if (err != NULL) {
        job_exec_fail(job, err, err->err == OD_E_NETWORK || err->err == OD_E_TIMEOUT);
        return;
    }
    if (decode_one_task(resp->body, resp->body_len, &t, &e) != OD_OK) {
        job_exec_fail(job, &e, true);
        od_error_clear(&e);
        return;
    }
    job->after = json_new_object();
    json_add_str(job->after, "lastStatus", t.last_status);
    json_add_str(job->after, "desiredStatus", t.desired_status);
    json_add_str(job->after, "stoppedReason", t.stopped_reason);
    id = inert(job->plan->task);
    job->summary = xasprintf("task %s: stop requested (desired status %s)", id,
                             t.desired_status != NULL ? t.desired_status : "?");
    free(id);
    task_clear(&t);
    job_exec_done(job);
}

enum od_err
stop_task_execute(struct od_action_job *job, struct od_error *err)
{
    struct od_plan *plan = job->plan;
    cJSON *o = json_new_object();
    char *body;

    json_add_str(o, "cluster", plan->cluster);
    json_add_str(o, "task", plan->task_arn != NULL ? plan->task_arn : plan->task);
    json_add_str(o, "reason", plan->reason);
    body = json_print(o);
    cJSON_Delete(o);
    return job_call_json(job, OD_SVC_ECS, "StopTask", body, OD_CALL_MUTATES | OD_CALL_IDEMPOTENT,
                         on_stopped, err);
}
