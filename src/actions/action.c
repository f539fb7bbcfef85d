/* The action registry, the shared plan/confirm/execute engine and the audit line. */
#include "actions/action.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "actions/audit.h"
#include "actions/internal.h"
#include "aws/ecs.h"
#include "aws/proto_json.h"
#include "aws/sts.h"
#include "settings.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/hash.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

static const struct od_action_def action_table[] = {
    {
        .id = OD_ACTION_DEPLOY,
        .name = "deploy",
        .key = 'D',
        .summary = "deploy a new image for one container, or force a new deployment",
        .target = OD_TARGET_SERVICE,
        .flags = OD_ACTION_MUTATES | OD_ACTION_NEEDS_CONFIRM,
        .plan = deploy_plan,
        .execute = deploy_execute,
    },
    {
        .id = OD_ACTION_ROLLBACK,
        .name = "rollback",
        .key = 'R',
        .summary = "roll a service back to an earlier task-definition revision",
        .target = OD_TARGET_SERVICE,
        .flags = OD_ACTION_MUTATES | OD_ACTION_NEEDS_CONFIRM,
        .plan = rollback_plan,
        .execute = rollback_execute,
    },
    {
        .id = OD_ACTION_SCALE,
        .name = "scale",
        .key = 'S',
        .summary = "set a service's desired count",
        .target = OD_TARGET_SERVICE,
        .flags = OD_ACTION_MUTATES | OD_ACTION_NEEDS_CONFIRM | OD_ACTION_IDEMPOTENT,
        .plan = scale_plan,
        .execute = scale_execute,
    },
    {
        .id = OD_ACTION_STOP_TASK,
        .name = "stop-task",
        .key = 'K',
        .summary = "stop one task, with a reason",
        .target = OD_TARGET_TASK,
        .flags = OD_ACTION_MUTATES | OD_ACTION_NEEDS_CONFIRM | OD_ACTION_IDEMPOTENT,
        .plan = stop_task_plan,
        .execute = stop_task_execute,
    },
    {
        .id = OD_ACTION_INVALIDATE,
        .name = "invalidate",
        .key = 'I',
        .summary = "invalidate a CloudFront distribution's paths and follow it",
        .target = OD_TARGET_DISTRIBUTION,
        .flags = OD_ACTION_MUTATES | OD_ACTION_NEEDS_CONFIRM | OD_ACTION_IDEMPOTENT,
        .plan = invalidate_plan,
        .execute = invalidate_execute,
    },
    {
        /* Not a change of AWS state, but it runs what the operator types in production: it
         * is confirmed, journaled and refused in read-only mode like a mutation. */
        .id = OD_ACTION_EXEC,
        .name = "exec",
        .key = 'x',
        .summary = "open a shell in a task's container (ECS Exec, session-manager-plugin)",
        .target = OD_TARGET_TASK,
        .flags = OD_ACTION_MUTATES | OD_ACTION_NEEDS_CONFIRM,
        .plan = exec_plan,
        .execute = exec_execute,
    },
    {
        .id = OD_ACTION_CONTINUE,
        .name = "continue",
        .key = 'C',
        .summary = "continue a service deployment paused at a lifecycle hook",
        .target = OD_TARGET_SERVICE,
        .flags = OD_ACTION_MUTATES | OD_ACTION_NEEDS_CONFIRM,
        .plan = continue_plan,
        .execute = continue_execute,
    },
};

#define NACTIONS (sizeof action_table / sizeof action_table[0])

size_t
action_count(void)
{
    return NACTIONS;
}

const struct od_action_def *
action_at(size_t i)
{
    return i < NACTIONS ? &action_table[i] : NULL;
}

const struct od_action_def *
action_get(enum od_action_id id)
{
    for (size_t i = 0; i < NACTIONS; i++)
        if (action_table[i].id == id)
            return &action_table[i];
    return NULL;
}

const struct od_action_def *
action_find(const char *name)
{
    for (size_t i = 0; i < NACTIONS; i++)
        if (str_eq(action_table[i].name, name))
            return &action_table[i];
    return NULL;
}

const struct od_action_def *
action_by_key(int key)
{
    for (size_t i = 0; i < NACTIONS; i++)
        if (action_table[i].key == key)
            return &action_table[i];
    return NULL;
}

/* ---- environment ----------------------------------------------------------------------- */

void
action_env_init(struct od_action_env *env, struct od_aws *aws, const struct od_settings *settings,
                bool read_only)
{
    memset(env, 0, sizeof *env);
    env->aws = aws;
    env->settings = settings;
    env->read_only = read_only || settings_get_bool(settings, "safety", "read_only", false);
    env->profile = xstrdup(aws != NULL && aws->profile != NULL ? aws->profile : "default");
    env->audit_path = audit_path(settings);
    env->watch_interval_ms = 5000;
    env->follow_interval_ms = 20000;
}

static void job_free(struct od_action_job *job);
static enum od_err journal(struct od_action_env *env, const struct od_action_def *def,
                           const struct od_plan *plan, const struct od_action_params *params,
                           const cJSON *params_j, const cJSON *after, const cJSON *request_ids,
                           const char *result, const char *error, struct od_error *err);

void
action_env_clear(struct od_action_env *env)
{
    /* The console quit (or the CLI was interrupted) with a call out: nobody is left to hear
     * the answer, but the audit journal must not lose a mutation that may have been sent. */
    while (env->jobs != NULL) {
        struct od_action_job *job = env->jobs;

        if (env->aws != NULL)
            aws_cancel_ud(env->aws, job);
        if (job->executing) {
            struct od_error je = {0};

            (void)journal(env, job->def, job->plan, NULL, job->plan->audit_params, job->after,
                          job->request_ids, "unknown",
                          "ondeck exited before AWS answered; read the state back before acting "
                          "again",
                          &je);
            od_error_clear(&je);
        }
        job_free(job);
    }
    xfree(&env->profile);
    xfree(&env->identity_arn);
    xfree(&env->account);
    xfree(&env->audit_path);
}

bool
action_refused(const struct od_action_env *env, const struct od_action_def *def)
{
    return def != NULL && (def->flags & OD_ACTION_MUTATES) && env->read_only;
}

void
action_strv_free(char ***v, size_t *n)
{
    if (*v != NULL) {
        for (size_t i = 0; i < *n; i++)
            free((*v)[i]);
        free(*v);
    }
    *v = NULL;
    *n = 0;
}

char *
inert(const char *s)
{
    return sanitize_str(s);
}

/* ---- jobs ------------------------------------------------------------------------------ */

static void
job_live_add(struct od_action_job *job)
{
    job->live_next = job->env->jobs;
    job->env->jobs = job;
    job->live = true;
}

/* Before a job's callback: the callback may clear (or free) the env that lists it. */
static void
job_unlink(struct od_action_job *job)
{
    if (!job->live)
        return;
    job->live = false;
    for (struct od_action_job **pp = &job->env->jobs; *pp != NULL; pp = &(*pp)->live_next) {
        if (*pp == job) {
            *pp = job->live_next;
            break;
        }
    }
}

static void
job_free(struct od_action_job *job)
{
    job_unlink(job);
    if (!job->executing)
        plan_free(&job->plan);
    free(job->token);
    arn_list_free(&job->arns, &job->narns);
    free(job->ecr_region);
    free(job->ecr_registry);
    for (size_t i = 0; i < job->nimages; i++)
        ecr_image_clear(&job->images[i]);
    free(job->images);
    free(job->deployment_id);
    free(job->task_definition);
    free(job->invalidation_id);
    free(job->invalidation_status);
    free(job->summary);
    secure_free_str(&job->secret);
    free(job->sd_arn);
    cJSON_Delete(job->after);
    cJSON_Delete(job->request_ids);
    free(job);
}

static void
trampoline(const struct od_aws_response *resp, const struct od_error *err, void *ud)
{
    struct od_action_job *job = ud;
    job_step step = job->next;

    job->next = NULL;
    step(job, resp, err != NULL && err->err != OD_OK ? err : NULL);
}

enum od_err
job_call(struct od_action_job *job, const struct od_aws_call *call, job_step step,
         struct od_error *err)
{
    job->next = step;
    return aws_call(job->env->aws, call, trampoline, job, err);
}

enum od_err
job_call_json(struct od_action_job *job, enum od_svc svc, const char *op, char *body,
              unsigned flags, job_step step, struct od_error *err)
{
    enum od_err rc;

    job->next = step;
    rc = aws_call_json(job->env->aws, svc, op, body, flags, trampoline, job, err);
    free(body);
    return rc;
}

void
job_note_request_id(struct od_action_job *job, const struct od_aws_response *resp,
                    const struct od_error *err)
{
    const char *rid = resp != NULL ? resp->request_id : NULL;

    if (rid == NULL && err != NULL)
        rid = err->request_id;
    if (rid == NULL)
        return;
    if (job->request_ids == NULL)
        job->request_ids = json_new_array();
    json_push_str(job->request_ids, rid);
}

void
job_plan_done(struct od_action_job *job)
{
    struct od_plan *plan = job->plan;

    job->plan = NULL;
    plan_describe(plan);
    job_unlink(job);
    job->plan_cb(plan, NULL, job->ud);
    job_free(job);
}

void
job_plan_fail(struct od_action_job *job, const struct od_error *err)
{
    job_unlink(job);
    job->plan_cb(NULL, err, job->ud);
    job_free(job);
}

void
job_fail_start(struct od_action_job *job, struct od_error *err)
{
    if (job->executing)
        job_exec_fail(job, err, false);
    else
        job_plan_fail(job, err);
    od_error_clear(err);
}

/* ---- plans ----------------------------------------------------------------------------- */

void
plan_free(struct od_plan **pp)
{
    struct od_plan *p = *pp;

    if (p == NULL)
        return;
    free(p->identity_arn);
    free(p->account);
    free(p->region);
    free(p->profile);
    free(p->cluster);
    free(p->service);
    free(p->task);
    free(p->distribution);
    free(p->target);
    free(p->change);
    free(p->description);
    free(p->diff);
    action_strv_free(&p->warnings, &p->nwarnings);
    free(p->confirm_word);
    free(p->current_td_arn);
    free(p->current_td_json);
    free(p->new_td_json);
    free(p->target_td_arn);
    free(p->family);
    {
        size_t n = p->ncontainers;

        action_strv_free(&p->containers, &n);
        n = p->ncontainers;
        action_strv_free(&p->container_images, &n);
    }
    free(p->container);
    free(p->old_image);
    free(p->image);
    free(p->ecr_repository);
    for (size_t i = 0; i < p->ntags; i++)
        free(p->tags[i].tag);
    free(p->tags);
    for (size_t i = 0; i < p->nrevisions; i++) {
        free(p->revisions[i].arn);
        free(p->revisions[i].images);
        free(p->revisions[i].td_json);
    }
    free(p->revisions);
    free(p->stable_td_arn);
    free(p->primary_deployment_id);
    free(p->sd_arn);
    free(p->sd_status);
    free(p->sd_stage);
    free(p->hook_id);
    free(p->steer_none);
    free(p->reason);
    free(p->task_arn);
    free(p->command);
    free(p->runtime_id);
    action_strv_free(&p->paths, &p->npaths);
    free(p->caller_reference);
    cJSON_Delete(p->audit_params);
    cJSON_Delete(p->audit_before);
    cJSON_Delete(p->td_tags);
    free(p);
    *pp = NULL;
}

void
plan_warn(struct od_plan *plan, const char *fmt, ...)
{
    va_list ap;
    char *raw;

    va_start(ap, fmt);
    raw = xvasprintf(fmt, ap);
    va_end(ap);
    plan->warnings = xreallocarray(plan->warnings, plan->nwarnings + 1, sizeof *plan->warnings);
    plan->warnings[plan->nwarnings++] = inert(raw);
    free(raw);
}

void
plan_set_typed(struct od_plan *plan, const char *word)
{
    const char *list = settings_get(plan->env->settings, "safety", "confirm_typed_profiles");
    char *copy, *tok, *save = NULL;

    free(plan->confirm_word);
    plan->confirm_word = xstrdup(word != NULL ? word : "");
    plan->typed_confirm = false;
    if (str_empty(list))
        return;
    copy = xstrdup(list);
    for (tok = strtok_r(copy, " \t,", &save); tok != NULL; tok = strtok_r(NULL, " \t,", &save))
        if (str_eq(tok, plan->profile))
            plan->typed_confirm = true;
    free(copy);
}

static void
describe_row(struct od_buf *b, const char *label, const char *value)
{
    char *safe;

    if (value == NULL)
        return;
    safe = inert(value);
    buf_printf(b, "%-10s %s\n", label, safe);
    free(safe);
}

void
plan_describe(struct od_plan *plan)
{
    struct od_buf b;
    char *who;

    buf_init(&b, 0);
    who = xasprintf("%s (%s)", plan->account != NULL ? plan->account : "?",
                    plan->identity_arn != NULL ? plan->identity_arn : "?");
    buf_printf(&b, "%-10s %s\n", "Action", plan->def->name);
    describe_row(&b, "Account", who);
    describe_row(&b, "Profile", plan->profile);
    describe_row(&b, "Region", plan->region);
    describe_row(&b, "Cluster", plan->cluster);
    describe_row(&b, "Service", plan->service);
    describe_row(&b, "Task", plan->task);
    describe_row(&b, "Distribution", plan->distribution);
    if (plan->change != NULL)
        buf_printf(&b, "%-10s %s\n", "Change", plan->change);
    for (size_t i = 0; i < plan->nwarnings; i++)
        buf_printf(&b, "%-10s %s\n", "Warning", plan->warnings[i]);
    free(who);
    free(plan->description);
    plan->description = buf_steal(&b);
}

static void plan_first_step(struct od_action_job *job, const struct od_aws_response *resp,
                            const struct od_error *err);

static enum od_err
start_module_plan(struct od_action_job *job, struct od_error *err)
{
    struct od_plan *plan = job->plan;

    free(plan->identity_arn);
    free(plan->account);
    plan->identity_arn = xstrdup(job->env->identity_arn);
    plan->account = xstrdup(job->env->account);
    return job->def->plan(job, err);
}

static void
plan_first_step(struct od_action_job *job, const struct od_aws_response *resp,
                const struct od_error *err)
{
    struct od_identity id = {0};
    struct od_error e = {0};

    if (err != NULL) {
        job_plan_fail(job, err);
        return;
    }
    if (sts_decode_identity(resp->body, resp->body_len, &id, &e) != OD_OK) {
        job_plan_fail(job, &e);
        od_error_clear(&e);
        return;
    }
    free(job->env->identity_arn);
    free(job->env->account);
    job->env->identity_arn = id.arn;
    job->env->account = id.account;
    id.arn = id.account = NULL;
    sts_identity_free(&id);
    /* the params' strings were copied into the plan; only the plan is used from here on */
    if (start_module_plan(job, &e) != OD_OK)
        job_fail_start(job, &e);
}

static cJSON *
params_json(const struct od_action_def *def, const struct od_action_params *p)
{
    cJSON *o = json_new_object();

    json_add_str(o, "cluster", p->cluster);
    json_add_str(o, "service", p->service);
    json_add_str(o, "task", p->task);
    json_add_str(o, "distribution", p->distribution);
    switch (def->id) {
    case OD_ACTION_DEPLOY:
        json_add_str(o, "container", p->container);
        json_add_str(o, "image", p->image);
        if (p->force)
            json_add_bool(o, "force", true);
        break;
    case OD_ACTION_ROLLBACK:
        if (p->revision > 0)
            json_add_num(o, "revision", (double)p->revision);
        if (p->abort)
            json_add_bool(o, "abort", true);
        break;
    case OD_ACTION_SCALE:
        json_add_num(o, "desiredCount", (double)p->count);
        if (p->adjust_bounds)
            json_add_bool(o, "adjustBounds", true);
        break;
    case OD_ACTION_STOP_TASK:
        json_add_str(o, "reason", p->reason);
        break;
    case OD_ACTION_INVALIDATE:
        if (p->npaths > 0)
            json_add_strs(o, "paths", p->paths, p->npaths);
        break;
    case OD_ACTION_EXEC:
        json_add_str(o, "container", p->container);
        json_add_str(o, "command", p->command);
        break;
    default:
        break;
    }
    return o;
}

enum od_err
action_plan(struct od_action_env *env, enum od_action_id id, const struct od_action_params *params,
            action_plan_cb cb, void *ud, struct od_error *err)
{
    const struct od_action_def *def = action_get(id);
    struct od_action_job *job;
    struct od_plan *plan;
    enum od_err rc;

    if (def == NULL || env == NULL || env->aws == NULL || params == NULL) {
        od_error_set(err, OD_E_USAGE, "unknown action");
        return OD_E_USAGE;
    }
    plan = xcalloc(1, sizeof *plan);
    plan->def = def;
    plan->env = env;
    plan->profile = xstrdup(env->profile);
    plan->region = env->aws->region != NULL ? xstrdup(env->aws->region) : NULL;
    plan->cluster = params->cluster != NULL ? xstrdup(params->cluster) : NULL;
    if (def->target == OD_TARGET_SERVICE)
        plan->service = params->service != NULL ? xstrdup(params->service) : NULL;
    if (def->target == OD_TARGET_TASK)
        plan->task = params->task != NULL ? xstrdup(params->task) : NULL;
    if (def->target == OD_TARGET_DISTRIBUTION)
        plan->distribution = params->distribution != NULL ? xstrdup(params->distribution) : NULL;
    plan->audit_params = params_json(def, params);
    plan->selected = (size_t)-1;

    job = xcalloc(1, sizeof *job);
    job->env = env;
    job->def = def;
    job->plan = plan;
    job_live_add(job);
    job->params = *params;
    job->plan_cb = cb;
    job->ud = ud;
    /* The caller's strings are copied into the plan; modules read them from there. */
    plan->container = params->container != NULL ? xstrdup(params->container) : NULL;
    plan->image = params->image != NULL ? xstrdup(params->image) : NULL;
    plan->force = params->force;
    plan->count = params->count;
    plan->adjust_bounds = params->adjust_bounds;
    plan->reason = params->reason != NULL ? xstrdup(params->reason) : NULL;
    plan->command = params->command != NULL ? xstrdup(params->command) : NULL;
    if (params->npaths > 0) {
        plan->paths = xcalloc(params->npaths, sizeof *plan->paths);
        for (size_t i = 0; i < params->npaths; i++)
            plan->paths[plan->npaths++] = xstrdup(params->paths[i] != NULL ? params->paths[i] : "");
    }
    memset(&job->params, 0, sizeof job->params);
    job->params.revision = params->revision;
    job->params.count = params->count;
    job->params.force = params->force;
    job->params.abort = params->abort;
    job->params.revisions_only = params->revisions_only;
    if (env->identity_arn != NULL) {
        rc = start_module_plan(job, err);
    } else {
        job->next = plan_first_step;
        rc = aws_call_query(env->aws, OD_SVC_STS, "GetCallerIdentity", NULL, 0, 0, trampoline,
                            job, err);
    }
    if (rc != OD_OK) {
        job_free(job); /* frees the plan too */
        return rc;
    }
    return OD_OK;
}

bool
action_plan_confirm(struct od_plan *plan, const char *typed)
{
    if (plan->typed_confirm && !str_eq(typed, plan->confirm_word)) {
        plan->confirmed = false;
        return false;
    }
    plan->confirmed = true;
    return true;
}

/* ---- the audit line -------------------------------------------------------------------- */

static cJSON *
target_json(const struct od_plan *plan, const struct od_action_params *params)
{
    cJSON *t = json_new_object();

    if (plan != NULL) {
        json_add_str(t, "cluster", plan->cluster);
        json_add_str(t, "service", plan->service);
        json_add_str(t, "task", plan->task_arn != NULL ? plan->task_arn : plan->task);
        json_add_str(t, "distribution", plan->distribution);
    } else if (params != NULL) {
        json_add_str(t, "cluster", params->cluster);
        json_add_str(t, "service", params->service);
        json_add_str(t, "task", params->task);
        json_add_str(t, "distribution", params->distribution);
    }
    return t;
}

static cJSON *
dup_or_null(const cJSON *j)
{
    cJSON *d;

    if (j == NULL)
        return cJSON_CreateNull();
    if ((d = cJSON_Duplicate(j, 1)) == NULL)
        od_fatal("out of memory");
    return d;
}

/* Every field is present in every line; unknown values are null. */
static void
add_str_or_null(cJSON *o, const char *key, const char *v)
{
    if (v != NULL)
        json_add_str(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

static enum od_err
journal(struct od_action_env *env, const struct od_action_def *def, const struct od_plan *plan,
        const struct od_action_params *params, const cJSON *params_j, const cJSON *after,
        const cJSON *request_ids, const char *result, const char *error, struct od_error *err)
{
    cJSON *line = json_new_object();
    char now[21];
    enum od_err rc;

    clock_format_iso((time_t)(clock_wall_ms() / 1000), now);
    json_add_str(line, "time", now);
    add_str_or_null(line, "identity", env->identity_arn);
    add_str_or_null(line, "account", env->account);
    add_str_or_null(line, "region", env->aws != NULL ? env->aws->region : NULL);
    add_str_or_null(line, "profile", env->profile);
    json_add_str(line, "action", def->name);
    cJSON_AddItemToObject(line, "target", target_json(plan, params));
    cJSON_AddItemToObject(line, "parameters", dup_or_null(params_j));
    cJSON_AddItemToObject(line, "before", dup_or_null(plan != NULL ? plan->audit_before : NULL));
    cJSON_AddItemToObject(line, "after", dup_or_null(after));
    json_add_str(line, "result", result);
    add_str_or_null(line, "error", error);
    if (request_ids != NULL && cJSON_GetArraySize(request_ids) > 0) {
        const cJSON *last = cJSON_GetArrayItem(request_ids, cJSON_GetArraySize(request_ids) - 1);

        json_add_str(line, "request_id", cJSON_IsString(last) ? last->valuestring : NULL);
        cJSON_AddItemToObject(line, "request_ids", dup_or_null(request_ids));
    } else {
        cJSON_AddNullToObject(line, "request_id");
    }
    rc = audit_append(env->audit_path, line, err);
    cJSON_Delete(line);
    return rc;
}

void
action_journal_refusal(struct od_action_env *env, const struct od_action_def *def,
                       const struct od_action_params *params, const char *why)
{
    cJSON *pj = params_json(def, params);
    struct od_error e = {0};

    (void)journal(env, def, NULL, params, pj, NULL, NULL, "refused", why, &e);
    od_error_clear(&e);
    cJSON_Delete(pj);
}

void
action_plan_decline(struct od_plan *plan)
{
    struct od_error e = {0};

    (void)journal(plan->env, plan->def, plan, NULL, plan->audit_params, NULL, NULL, "declined",
                  "not confirmed by the operator", &e);
    od_error_clear(&e);
}

/* ---- execution ------------------------------------------------------------------------- */

static void
finish_exec(struct od_action_job *job, const struct od_error *err, bool unknown)
{
    struct od_action_result res = {0};
    struct od_error jerr = {0};
    char *msg = err != NULL ? od_error_format(err) : NULL;
    const char *result = err == NULL ? "ok" : unknown ? "unknown" : "failed";

    if (journal(job->env, job->def, job->plan, NULL, job->plan->audit_params, job->after,
                job->request_ids, result, msg, &jerr) != OD_OK)
        res.journal_error = jerr.message;
    res.err = err != NULL ? (err->err != OD_OK ? err->err : OD_E_AWS) : OD_OK;
    res.error = err;
    res.outcome_unknown = unknown;
    if (job->summary == NULL)
        job->summary = err != NULL ? inert(msg) : xstrdup("done");
    res.summary = job->summary;
    res.deployment_id = job->deployment_id;
    res.task_definition = job->task_definition;
    res.invalidation_id = job->invalidation_id;
    res.invalidation_status = job->invalidation_status;
    res.service_deployment_arn = job->sd_arn;
    res.reconciled = job->reconciled;
    res.session = err == NULL ? job->secret : NULL;
    job_unlink(job);
    job->done_cb(&res, job->ud);
    od_error_clear(&jerr);
    free(msg);
    job_free(job);
}

void
job_exec_done(struct od_action_job *job)
{
    finish_exec(job, NULL, false);
}

void
job_exec_fail(struct od_action_job *job, const struct od_error *err, bool unknown)
{
    finish_exec(job, err, unknown);
}

enum od_err
action_execute(struct od_plan *plan, action_done_cb cb, void *ud, struct od_error *err)
{
    struct od_action_env *env = plan->env;
    const struct od_action_def *def = plan->def;
    struct od_action_job *job;
    enum od_err rc;

    if (action_refused(env, def)) {
        struct od_error je = {0};

        (void)journal(env, def, plan, NULL, plan->audit_params, NULL, NULL, "refused",
                      "read-only mode", &je);
        od_error_clear(&je);
        od_error_set(err, OD_E_REFUSED, "%s refused: read-only mode", def->name);
        return OD_E_REFUSED;
    }
    if (!plan->ready) {
        od_error_set(err, OD_E_USAGE, "%s: nothing to do: the plan has no change", def->name);
        return OD_E_USAGE;
    }
    if ((def->flags & OD_ACTION_NEEDS_CONFIRM) && !plan->confirmed) {
        od_error_set(err, OD_E_REFUSED, "%s refused: not confirmed", def->name);
        return OD_E_REFUSED;
    }
    if ((rc = audit_check(env->audit_path, err)) != OD_OK)
        return rc;
    job = xcalloc(1, sizeof *job);
    job->env = env;
    job->def = def;
    job->plan = plan;
    job_live_add(job);
    job->executing = true;
    job->done_cb = cb;
    job->ud = ud;
    job->params.count = plan->count;
    job->params.force = plan->force;
    if ((rc = def->execute(job, err)) != OD_OK) {
        struct od_error je = {0};

        (void)journal(env, def, plan, NULL, plan->audit_params, NULL, NULL, "failed",
                      err != NULL ? err->message : NULL, &je);
        od_error_clear(&je);
        job_free(job);
        return rc;
    }
    return OD_OK;
}

/* ---- decoding helpers ------------------------------------------------------------------ */

/* Wrap the single object under key into {"<array_key>": [obj]} for the ECS list decoders. */
static char *
wrap_one(const char *body, size_t len, const char *key, const char *array_key,
         struct od_error *err)
{
    cJSON *root = json_parse(body, len, err), *one, *w;
    char *s;

    if (root == NULL)
        return NULL;
    if ((one = cJSON_DetachItemFromObjectCaseSensitive(root, key)) == NULL ||
        !cJSON_IsObject(one)) {
        cJSON_Delete(one);
        cJSON_Delete(root);
        od_error_set(err, OD_E_PARSE, "response has no \"%s\" object", key);
        return NULL;
    }
    w = json_new_object();
    cJSON_AddItemToArray(json_add_array(w, array_key), one);
    s = json_print(w);
    cJSON_Delete(w);
    cJSON_Delete(root);
    return s;
}

enum od_err
decode_one_service(const char *body, size_t len, struct od_service *out, struct od_error *err)
{
    char *w = wrap_one(body, len, "service", "services", err);
    struct od_service *arr = NULL;
    size_t n = 0;
    enum od_err rc;

    memset(out, 0, sizeof *out);
    if (w == NULL)
        return OD_E_PARSE;
    rc = ecs_decode_services(w, strlen(w), &arr, &n, NULL, NULL, err);
    free(w);
    if (rc == OD_OK && n == 1) {
        *out = arr[0];
        free(arr);
        return OD_OK;
    }
    OD_FREE_ARRAY(arr, n, service_clear);
    if (rc == OD_OK) {
        od_error_set(err, OD_E_PARSE, "response has no service");
        rc = OD_E_PARSE;
    }
    return rc;
}

enum od_err
decode_one_task(const char *body, size_t len, struct od_task *out, struct od_error *err)
{
    char *w = wrap_one(body, len, "task", "tasks", err);
    struct od_task *arr = NULL;
    size_t n = 0;
    enum od_err rc;

    memset(out, 0, sizeof *out);
    if (w == NULL)
        return OD_E_PARSE;
    rc = ecs_decode_tasks(w, strlen(w), &arr, &n, NULL, NULL, err);
    free(w);
    if (rc == OD_OK && n == 1) {
        *out = arr[0];
        free(arr);
        return OD_OK;
    }
    OD_FREE_ARRAY(arr, n, task_clear);
    if (rc == OD_OK) {
        od_error_set(err, OD_E_PARSE, "response has no task");
        rc = OD_E_PARSE;
    }
    return rc;
}

enum od_err
decode_described_service(const char *body, size_t len, const char *name, struct od_service *out,
                         struct od_error *err)
{
    struct od_service *arr = NULL;
    size_t n = 0;
    enum od_err rc;

    memset(out, 0, sizeof *out);
    if ((rc = ecs_decode_services(body, len, &arr, &n, NULL, NULL, err)) != OD_OK)
        return rc;
    for (size_t i = 0; i < n; i++) {
        if (str_eq(arr[i].name, name) || str_eq(arr[i].arn, name)) {
            *out = arr[i];
            memset(&arr[i], 0, sizeof arr[i]);
            OD_FREE_ARRAY(arr, n, service_clear);
            if (!str_eq(out->status, "ACTIVE") && out->status != NULL) {
                od_error_set(err, OD_E_AWS, "service %s is %s", name, out->status);
                service_clear(out);
                return OD_E_AWS;
            }
            return OD_OK;
        }
    }
    OD_FREE_ARRAY(arr, n, service_clear);
    od_error_set(err, OD_E_AWS, "service %s not found in the cluster", name);
    free(err->code);
    err->code = xstrdup("ServiceNotFoundException");
    return OD_E_AWS;
}

const struct od_deployment *
service_primary(const struct od_service *s)
{
    for (size_t i = 0; s != NULL && i < s->ndeployments; i++)
        if (str_eq(s->deployments[i].status, "PRIMARY"))
            return &s->deployments[i];
    return NULL;
}

bool
td_same(const char *a, const char *b)
{
    char *x, *y;
    bool same;

    if (a == NULL || b == NULL)
        return false;
    x = task_def_short_name(a);
    y = task_def_short_name(b);
    same = strcmp(x, y) == 0;
    free(x);
    free(y);
    return same;
}
