/* Exec: a shell in a container (ECS Exec). The plan is the readiness check: DescribeTasks
 * (and DescribeServices when the task was not started with exec) says whether ExecuteCommand
 * can work, and why not: the task must be RUNNING and started with enableExecuteCommand, the
 * container's ExecuteCommandAgent RUNNING, and a Fargate task on platform 1.4.0 or later.
 * Execution is one ExecuteCommand (interactive); the session it returns is a secret handed
 * to the caller, which gives it to session-manager-plugin (actions/exec.h). ExecuteCommand
 * opens a new session each time: it is never retried. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/exec.h"
#include "actions/internal.h"
#include "aws/ecs.h"
#include "aws/proto_json.h"
#include "util/buf.h"
#include "util/hash.h"
#include "util/str.h"
#include "util/xalloc.h"

/* What the readiness check reads of one task (from the raw DescribeTasks answer: the task
 * model of the views has no managedAgents). */
struct exec_task {
    const cJSON *task;
    const cJSON *container; /* the chosen container, or NULL */
    char *names;            /* "app, sidecar" */
    size_t ncontainers;
    bool enabled;
    char *service; /* from group "service:NAME", or NULL */
};

/* "1.3.0" < "1.4.0"; LATEST and unknown versions are taken as new enough. */
static bool
fargate_too_old(const char *version)
{
    int a = 0, b = 0, c = 0;

    if (version == NULL || sscanf(version, "%d.%d.%d", &a, &b, &c) < 2)
        return false;
    return a < 1 || (a == 1 && b < 4);
}

static const cJSON *
exec_agent(const cJSON *container)
{
    const cJSON *agents = json_arr(container, "managedAgents"), *a;

    cJSON_ArrayForEach(a, agents)
        if (str_eq(json_str(a, "name"), "ExecuteCommandAgent"))
            return a;
    return NULL;
}

static void
exec_task_clear(struct exec_task *et)
{
    free(et->names);
    free(et->service);
    memset(et, 0, sizeof *et);
}

/* Pick the container: the one named, else the only one. */
static void
exec_task_read(struct exec_task *et, const cJSON *task, const char *want)
{
    const cJSON *c;
    struct od_buf names;
    const char *group = json_str(task, "group");

    memset(et, 0, sizeof *et);
    et->task = task;
    (void)json_bool(task, "enableExecuteCommand", &et->enabled);
    if (group != NULL && str_has_prefix(group, "service:"))
        et->service = xstrdup(group + strlen("service:"));
    buf_init(&names, 0);
    cJSON_ArrayForEach(c, json_arr(task, "containers")) {
        const char *name = json_str(c, "name");

        buf_printf(&names, "%s%s", names.len > 0 ? ", " : "", name != NULL ? name : "?");
        et->ncontainers++;
        if (want != NULL ? str_eq(name, want) : et->ncontainers == 1)
            et->container = c;
    }
    if (want == NULL && et->ncontainers != 1)
        et->container = NULL;
    et->names = buf_steal(&names);
}

/* Why a shell cannot be opened, one reason per line ("" when it can). service_enabled is
 * -1 when unknown (no service, or not described). */
static char *
readiness(const char *want, const struct exec_task *et, int service_enabled)
{
    const cJSON *t = et->task;
    const char *status = json_str(t, "lastStatus");
    const char *launch = json_str(t, "launchType");
    const char *pv = json_str(t, "platformVersion");
    struct od_buf b;

    buf_init(&b, 0);
    if (!str_eq(status, "RUNNING"))
        buf_printf(&b, "the task is %s: only a RUNNING task has a shell\n",
                   status != NULL ? status : "in an unknown state");
    if (!et->enabled) {
        if (et->service != NULL && service_enabled == 1)
            buf_printf(&b, "the task was started before service %s turned enableExecuteCommand "
                           "on: force a new deployment (ondeck deploy --force) and use a new "
                           "task\n",
                       et->service);
        else if (et->service != NULL)
            buf_printf(&b, "service %s does not have enableExecuteCommand: turn it on (aws ecs "
                           "update-service --enable-execute-command) and force a new "
                           "deployment\n",
                       et->service);
        else
            buf_printf(&b, "the task was run without enableExecuteCommand (run it again with "
                           "--enable-execute-command)\n");
    }
    if (str_eq(launch, "FARGATE") && fargate_too_old(pv))
        buf_printf(&b, "Fargate platform version %s has no ECS Exec: it needs 1.4.0 or later\n",
                   pv);
    if (et->container == NULL) {
        if (want != NULL)
            buf_printf(&b, "the task has no container %s (it has: %s)\n", want, et->names);
        else if (et->ncontainers == 0)
            buf_printf(&b, "the task reports no containers\n");
        else
            buf_printf(&b, "the task has %zu containers (%s): name one (--container)\n",
                       et->ncontainers, et->names);
    } else if (et->enabled && str_eq(status, "RUNNING")) {
        const cJSON *agent = exec_agent(et->container);
        const char *name = json_str(et->container, "name");

        if (agent == NULL)
            buf_printf(&b, "container %s has no ExecuteCommandAgent in its managedAgents: the "
                           "agent did not start\n",
                       name);
        else if (!str_eq(json_str(agent, "lastStatus"), "RUNNING"))
            buf_printf(&b, "the ExecuteCommandAgent of container %s is %s%s%s: wait, or check "
                           "that the task role allows ssmmessages:*\n",
                       name, json_str(agent, "lastStatus") != NULL
                                 ? json_str(agent, "lastStatus")
                                 : "not running",
                       json_str(agent, "reason") != NULL ? " — " : "",
                       json_str(agent, "reason") != NULL ? json_str(agent, "reason") : "");
        else if (json_str(et->container, "runtimeId") == NULL)
            buf_printf(&b, "container %s has no runtimeId yet\n", name);
    }
    return buf_steal(&b);
}

static void
fail_not_ready(struct od_action_job *job, const char *reasons)
{
    struct od_error e = {0};
    struct od_buf b;
    char *one, *safe, *task;

    /* one line: "; " between the reasons */
    buf_init(&b, 0);
    for (const char *p = reasons; *p != '\0';) {
        size_t len = strcspn(p, "\n");

        if (len > 0)
            buf_printf(&b, "%s%.*s", b.len > 0 ? "; " : "", (int)len, p);
        p += len;
        if (*p == '\n')
            p++;
    }
    one = buf_steal(&b);
    safe = inert(one);
    task = inert(job->plan->task);
    od_error_set(&e, OD_E_REFUSED, "task %s is not ready for a shell: %s", task, safe);
    free(task);
    free(safe);
    free(one);
    job_plan_fail(job, &e);
    od_error_clear(&e);
}

/* The task passed (or failed) the check: finish the plan. */
static void
plan_finish(struct od_action_job *job, const struct exec_task *et, int service_enabled)
{
    struct od_plan *plan = job->plan;
    char *reasons = readiness(plan->container, et, service_enabled), *line;
    const char *arn = json_str(et->task, "taskArn");
    const char *name;

    if (reasons[0] != '\0') {
        fail_not_ready(job, reasons);
        free(reasons);
        return;
    }
    free(reasons);
    name = json_str(et->container, "name");
    free(plan->task_arn);
    plan->task_arn = xstrdup(arn);
    free(plan->task);
    plan->task = xstrdup(str_last_segment(arn));
    free(plan->container);
    plan->container = xstrdup(name);
    free(plan->runtime_id);
    plan->runtime_id = xstrdup(json_str(et->container, "runtimeId"));
    if (plan->command == NULL)
        plan->command = xstrdup(EXEC_DEFAULT_COMMAND);
    plan_set_typed(plan, plan->task);
    /* short lines: the console's dialog shows them whole (the target line names the task) */
    line = xasprintf("a shell (%s) in container %s%s%s", plan->command, name,
                     et->service != NULL ? " of service " : "",
                     et->service != NULL ? et->service : "");
    plan->change = inert(line);
    free(line);
    plan_warn(plan, "the task role must allow ssmmessages:* (doc/iam.md)");
    plan_warn(plan, "what you type runs in the container (exec logging may keep it)");
    cJSON_DeleteItemFromObjectCaseSensitive(plan->audit_params, "container");
    cJSON_DeleteItemFromObjectCaseSensitive(plan->audit_params, "command");
    json_add_str(plan->audit_params, "container", plan->container);
    json_add_str(plan->audit_params, "command", plan->command);
    plan->audit_before = json_new_object();
    json_add_str(plan->audit_before, "lastStatus", json_str(et->task, "lastStatus"));
    json_add_bool(plan->audit_before, "enableExecuteCommand", et->enabled);
    json_add_str(plan->audit_before, "runtimeId", plan->runtime_id);
    plan->ready = true;
    job_plan_done(job);
}

/* The task as described, kept for the DescribeServices step (job->token holds its JSON). */
static void
on_service(struct od_action_job *job, const struct od_aws_response *resp,
           const struct od_error *err)
{
    cJSON *task = cJSON_Parse(job->token);
    const cJSON *s;
    struct exec_task et;
    int enabled = -1;

    if (err == NULL) {
        cJSON *root = cJSON_ParseWithLength(resp->body, resp->body_len);
        bool on = false;

        cJSON_ArrayForEach(s, json_arr(root, "services")) {
            on = false;
            (void)json_bool(s, "enableExecuteCommand", &on);
            enabled = on ? 1 : 0;
        }
        cJSON_Delete(root);
    }
    exec_task_read(&et, task, job->plan->container);
    plan_finish(job, &et, enabled);
    exec_task_clear(&et);
    cJSON_Delete(task);
}

static const cJSON *find_task(const cJSON *root, const char *task);

static void
on_tasks(struct od_action_job *job, const struct od_aws_response *resp,
         const struct od_error *err)
{
    struct od_plan *plan = job->plan;
    struct od_error e = {0};
    cJSON *root;
    const cJSON *found;
    struct exec_task et;

    if (err != NULL) {
        job_plan_fail(job, err);
        return;
    }
    if ((root = json_parse(resp->body, resp->body_len, &e)) == NULL) {
        job_plan_fail(job, &e);
        od_error_clear(&e);
        return;
    }
    if ((found = find_task(root, plan->task)) == NULL) {
        char *safe = inert(plan->task);

        od_error_set(&e, OD_E_AWS, "task %s not found in the cluster", safe);
        free(safe);
        job_plan_fail(job, &e);
        od_error_clear(&e);
        cJSON_Delete(root);
        return;
    }
    exec_task_read(&et, found, plan->container);
    if (!et.enabled && et.service != NULL) {
        /* Say whether turning it on is still to do, or only a new task is needed. */
        const char *name = et.service;

        free(job->token);
        job->token = json_print(found);
        if (job_call_json(job, OD_SVC_ECS, "DescribeServices",
                          ecs_body_describe_services(plan->cluster, &name, 1), 0, on_service,
                          &e) != OD_OK) {
            od_error_clear(&e);
            plan_finish(job, &et, -1);
        }
    } else {
        plan_finish(job, &et, -1);
    }
    exec_task_clear(&et);
    cJSON_Delete(root);
}

static const cJSON *
find_task(const cJSON *root, const char *task)
{
    const cJSON *t;

    cJSON_ArrayForEach(t, json_arr(root, "tasks"))
        if (str_eq(json_str(t, "taskArn"), task) ||
            str_eq(str_last_segment(json_str(t, "taskArn")), task))
            return t;
    return NULL;
}

char *
exec_readiness(const char *body, size_t len, const char *task, const char *container,
               int service_enabled)
{
    cJSON *root = cJSON_ParseWithLength(body, len);
    const cJSON *t = find_task(root, task);
    struct exec_task et;
    char *r = NULL;

    if (t != NULL) {
        exec_task_read(&et, t, container);
        r = readiness(container, &et, service_enabled);
        exec_task_clear(&et);
    }
    cJSON_Delete(root);
    return r;
}

enum od_err
exec_plan(struct od_action_job *job, struct od_error *err)
{
    struct od_plan *plan = job->plan;
    const char *task = plan->task;
    char *t;

    if (str_empty(plan->cluster) || str_empty(plan->task)) {
        od_error_set(err, OD_E_USAGE, "exec needs a cluster and a task");
        return OD_E_USAGE;
    }
    if (plan->command != NULL && str_empty(plan->command)) {
        od_error_set(err, OD_E_USAGE, "exec: the command is empty");
        return OD_E_USAGE;
    }
    t = xasprintf("task %s/%s", plan->cluster, plan->task);
    plan->target = inert(t);
    free(t);
    return job_call_json(job, OD_SVC_ECS, "DescribeTasks",
                         ecs_body_describe_tasks(plan->cluster, &task, 1), 0, on_tasks, err);
}

static void
on_executed(struct od_action_job *job, const struct od_aws_response *resp,
            const struct od_error *err)
{
    struct od_error e = {0};
    cJSON *root, *session, *keep;
    const char *id;
    char *safe;

    job_note_request_id(job, resp, err);
    if (err != NULL) {
        /* A lost answer may have opened a session nobody will use: it times out by itself. */
        job_exec_fail(job, err, false);
        return;
    }
    if ((root = json_parse(resp->body, resp->body_len, &e)) == NULL ||
        !cJSON_IsObject(session = cJSON_GetObjectItemCaseSensitive(root, "session")) ||
        json_str(session, "tokenValue") == NULL || json_str(session, "streamUrl") == NULL) {
        if (e.err == OD_OK)
            od_error_set(&e, OD_E_PARSE, "ExecuteCommand answered without a session");
        cJSON_Delete(root);
        job_exec_fail(job, &e, false);
        od_error_clear(&e);
        return;
    }
    /* The plugin gets exactly the session object, as the AWS CLI passes it. */
    keep = json_new_object();
    json_add_str(keep, "sessionId", json_str(session, "sessionId"));
    json_add_str(keep, "streamUrl", json_str(session, "streamUrl"));
    json_add_str(keep, "tokenValue", json_str(session, "tokenValue"));
    job->secret = json_print(keep);
    secure_zero(cJSON_GetObjectItemCaseSensitive(keep, "tokenValue")->valuestring,
                strlen(json_str(keep, "tokenValue")));
    cJSON_Delete(keep);
    id = json_str(session, "sessionId");
    job->after = json_new_object(); /* never the token or the stream URL */
    json_add_str(job->after, "sessionId", id);
    json_add_str(job->after, "containerName", json_str(root, "containerName"));
    safe = inert(id != NULL ? id : "?");
    {
        char *c = inert(job->plan->container), *t = inert(job->plan->task);

        job->summary = xasprintf("session %s opened in container %s of task %s", safe, c, t);
        free(c);
        free(t);
    }
    free(safe);
    secure_zero(cJSON_GetObjectItemCaseSensitive(session, "tokenValue")->valuestring,
                strlen(json_str(session, "tokenValue")));
    cJSON_Delete(root);
    job_exec_done(job);
}

enum od_err
exec_execute(struct od_action_job *job, struct od_error *err)
{
    struct od_plan *plan = job->plan;
    cJSON *o = json_new_object();
    char *body;

    json_add_str(o, "cluster", plan->cluster);
    json_add_str(o, "task", plan->task_arn != NULL ? plan->task_arn : plan->task);
    json_add_str(o, "container", plan->container);
    json_add_str(o, "command", plan->command != NULL ? plan->command : EXEC_DEFAULT_COMMAND);
    json_add_bool(o, "interactive", true);
    body = json_print(o);
    cJSON_Delete(o);
    return job_call_json(job, OD_SVC_ECS, "ExecuteCommand", body, OD_CALL_MUTATES, on_executed,
                         err);
}
