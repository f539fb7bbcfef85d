/* Rollback: a service deployment in flight is stopped with one StopServiceDeployment (or,
 * at a hook awaiting action, ContinueServiceDeployment ROLLBACK; see steer.c). Otherwise the
 * family's ACTIVE revisions (ListTaskDefinitions, all pages), newest first, with
 * their images and age and the one that last ran stably; the previous revision preselected;
 * the diff; UpdateService to the chosen revision. Never deregisters anything. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "actions/internal.h"
#include "actions/taskdef.h"
#include "aws/ecs.h"
#include "aws/proto_json.h"
#include "util/str.h"
#include "util/xalloc.h"

#define LIST_MAX_PAGES 50
#define DESCRIBE_OLDER 10 /* older revisions described for the picker */

static void rb_on_service(struct od_action_job *job, const struct od_aws_response *resp,
                          const struct od_error *err);
static void rb_on_list(struct od_action_job *job, const struct od_aws_response *resp,
                       const struct od_error *err);
static void rb_on_td(struct od_action_job *job, const struct od_aws_response *resp,
                     const struct od_error *err);
static void rb_after_sd_read(struct od_action_job *job);

enum od_err
rollback_plan(struct od_action_job *job, struct od_error *err)
{
    struct od_plan *plan = job->plan;
    char *t;

    if (str_empty(plan->cluster) || str_empty(plan->service)) {
        od_error_set(err, OD_E_USAGE, "rollback needs a cluster and a service");
        return OD_E_USAGE;
    }
    if (job->params.revision < 0) {
        od_error_set(err, OD_E_USAGE, "the revision must be a positive number");
        return OD_E_USAGE;
    }
    t = xasprintf("service %s/%s", plan->cluster, plan->service);
    plan->target = inert(t);
    free(t);
    plan_set_typed(plan, plan->service);
    return service_describe_start(job, rb_on_service, err);
}

static enum od_err
list_page(struct od_action_job *job, struct od_error *err)
{
    return job_call_json(job, OD_SVC_ECS, "ListTaskDefinitions",
                         ecs_body_list_task_definitions(job->plan->family, "DESC", "ACTIVE",
                                                        job->token),
                         0, rb_on_list, err);
}

static void
rb_on_service(struct od_action_job *job, const struct od_aws_response *resp,
              const struct od_error *err)
{
    struct od_service s;
    struct od_error e = {0};

    if (!plan_take_service(job, resp, err, &s))
        return;
    if (plan_refuse_controller(job, &s)) {
        service_clear(&s);
        return;
    }
    service_clear(&s);
    if (job->plan->family == NULL) {
        od_error_set(&e, OD_E_PARSE, "the service has no task definition");
        job_plan_fail(job, &e);
        od_error_clear(&e);
        return;
    }
    if (job->params.revisions_only) {
        if (list_page(job, &e) != OD_OK)
            job_fail_start(job, &e);
        return;
    }
    if (steer_read_start(job, rb_after_sd_read, &e) != OD_OK)
        job_fail_start(job, &e);
}

static void
rb_after_sd_read(struct od_action_job *job)
{
    struct od_error e = {0};

    if (steer_plan_rollback(job))
        return;
    if (list_page(job, &e) != OD_OK)
        job_fail_start(job, &e);
}

static int
rev_desc(const void *a, const void *b)
{
    long x = task_def_revision(*(char *const *)a), y = task_def_revision(*(char *const *)b);

    return x > y ? -1 : x < y;
}

/* Rows worth describing: current, requested, stable, and the newest older ones. */
static bool
wanted(const struct od_action_job *job, size_t i, size_t current_idx)
{
    const struct od_revision *r = &job->plan->revisions[i];

    if (r->current || r->stable || r->previous)
        return true;
    if (job->params.revision > 0 && r->revision == job->params.revision)
        return true;
    return i > current_idx && i <= current_idx + DESCRIBE_OLDER;
}

static size_t
current_index(const struct od_plan *plan)
{
    for (size_t i = 0; i < plan->nrevisions; i++)
        if (plan->revisions[i].current)
            return i;
    return 0;
}

static void
describe_next(struct od_action_job *job)
{
    struct od_plan *plan = job->plan;
    size_t cur = current_index(plan);
    struct od_error e = {0};

    while (job->pos < plan->nrevisions && !wanted(job, job->pos, cur))
        job->pos++;
    if (job->pos < plan->nrevisions) {
        if (job_call_json(job, OD_SVC_ECS, "DescribeTaskDefinition",
                          describe_td_body(plan->revisions[job->pos].arn), 0, rb_on_td,
                          &e) != OD_OK)
            job_fail_start(job, &e);
        return;
    }
    /* Everything described: preselect. */
    {
        size_t pick = (size_t)-1;

        for (size_t i = 0; i < plan->nrevisions; i++) {
            const struct od_revision *r = &plan->revisions[i];

            if (job->params.revision > 0 ? r->revision == job->params.revision : r->previous) {
                pick = i;
                break;
            }
        }
        if (pick == (size_t)-1) {
            if (job->params.revision > 0) {
                char *fam = inert(plan->family);

                od_error_set(&e, OD_E_USAGE, "revision %ld of %s is not an ACTIVE revision",
                             job->params.revision, fam);
                free(fam);
                job_plan_fail(job, &e);
                od_error_clear(&e);
                return;
            }
            plan_warn(plan, "no earlier ACTIVE revision to roll back to");
            job_plan_done(job);
            return;
        }
        if (action_plan_select(plan, pick, &e) != OD_OK) {
            job_plan_fail(job, &e);
            od_error_clear(&e);
            return;
        }
    }
    job_plan_done(job);
}

static void
rb_on_list(struct od_action_job *job, const struct od_aws_response *resp,
           const struct od_error *err)
{
    struct od_plan *plan = job->plan;
    char **arns = NULL, *next = NULL;
    size_t n = 0;
    struct od_error e = {0};
    long current;
    bool seen_previous = false;

    if (err != NULL) {
        job_plan_fail(job, err);
        return;
    }
    if (ecs_decode_arn_list(resp->body, resp->body_len, "taskDefinitionArns", &arns, &n, &next,
                            &e) != OD_OK) {
        job_plan_fail(job, &e);
        od_error_clear(&e);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        char *fam = task_def_short_name(arns[i]), *colon = strrchr(fam, ':');

        if (colon != NULL)
            *colon = '\0';
        if (str_eq(fam, plan->family)) {
            job->arns = xreallocarray(job->arns, job->narns + 1, sizeof *job->arns);
            job->arns[job->narns++] = arns[i];
            arns[i] = NULL;
        }
        free(fam);
    }
    arn_list_free(&arns, &n);
    free(job->token);
    job->token = next;
    if (job->token != NULL && ++job->stage < LIST_MAX_PAGES) {
        if (list_page(job, &e) != OD_OK)
            job_fail_start(job, &e);
        return;
    }
    /* moto ignores sort=DESC; sort by revision ourselves. */
    qsort(job->arns, job->narns, sizeof *job->arns, rev_desc);
    current = task_def_revision(plan->current_td_arn);
    plan->revisions = xcalloc(job->narns + 1, sizeof *plan->revisions);
    for (size_t i = 0; i < job->narns; i++) {
        struct od_revision *r = &plan->revisions[plan->nrevisions++];

        r->arn = xstrdup(job->arns[i]);
        r->revision = task_def_revision(r->arn);
        r->current = r->revision == current;
        r->stable = plan->stable_td_arn != NULL && td_same(r->arn, plan->stable_td_arn);
        if (!seen_previous && r->revision < current) {
            r->previous = true;
            seen_previous = true;
        }
    }
    job->pos = 0;
    describe_next(job);
}

static void
rb_on_td(struct od_action_job *job, const struct od_aws_response *resp,
         const struct od_error *err)
{
    struct od_revision *r = &job->plan->revisions[job->pos];
    cJSON *root;
    const cJSON *td;
    double at;

    if (err != NULL) {
        /* one revision we cannot describe is not fatal: show it without details */
        job->pos++;
        describe_next(job);
        return;
    }
    if ((root = json_parse(resp->body, resp->body_len, NULL)) != NULL &&
        (td = json_obj(root, "taskDefinition")) != NULL) {
        r->td_json = json_print(td);
        r->images = taskdef_images(td);
        if (json_num(td, "registeredAt", &at))
            r->registered_at = at;
        if (r->current) {
            free(job->plan->current_td_json);
            job->plan->current_td_json = xstrdup(r->td_json);
        }
    }
    cJSON_Delete(root);
    job->pos++;
    describe_next(job);
}

enum od_err
action_plan_select(struct od_plan *plan, size_t index, struct od_error *err)
{
    struct od_revision *r;
    cJSON *cur = NULL, *next = NULL;
    char *from, *to, *line;

    if (plan->def->id != OD_ACTION_ROLLBACK || index >= plan->nrevisions) {
        od_error_set(err, OD_E_USAGE, "no such revision in the plan");
        return OD_E_USAGE;
    }
    r = &plan->revisions[index];
    if (r->current) {
        od_error_set(err, OD_E_USAGE, "revision %ld is the service's current revision",
                     r->revision);
        return OD_E_USAGE;
    }
    if (r->td_json == NULL) {
        od_error_set(err, OD_E_USAGE, "revision %ld could not be described", r->revision);
        return OD_E_USAGE;
    }
    if (plan->current_td_json != NULL)
        cur = json_parse(plan->current_td_json, strlen(plan->current_td_json), NULL);
    next = json_parse(r->td_json, strlen(r->td_json), NULL);
    free(plan->diff);
    plan->diff = taskdef_diff(cur, next);
    cJSON_Delete(cur);
    cJSON_Delete(next);
    plan->selected = index;
    free(plan->target_td_arn);
    plan->target_td_arn = xstrdup(r->arn);
    from = task_def_short_name(plan->current_td_arn);
    to = task_def_short_name(r->arn);
    line = xasprintf("task definition %s -> %s%s", from != NULL ? from : "?", to,
                     r->stable ? " (last ran stably)" : "");
    free(plan->change);
    plan->change = inert(line);
    cJSON_DeleteItemFromObjectCaseSensitive(plan->audit_params, "revision");
    cJSON_DeleteItemFromObjectCaseSensitive(plan->audit_params, "taskDefinition");
    json_add_num(plan->audit_params, "revision", (double)r->revision);
    json_add_str(plan->audit_params, "taskDefinition", r->arn);
    free(line);
    free(from);
    free(to);
    plan->ready = true;
    plan_describe(plan);
    return OD_OK;
}

enum od_err
rollback_execute(struct od_action_job *job, struct od_error *err)
{
    if (job->plan->steer != OD_STEER_NONE)
        return steer_execute(job, err);
    if (job->plan->target_td_arn == NULL) {
        od_error_set(err, OD_E_USAGE, "rollback: no revision chosen");
        return OD_E_USAGE;
    }
    job->task_definition = xstrdup(job->plan->target_td_arn);
    return service_update_start(job, err);
}
