/* Deploy: a new image for one container (DescribeServices -> DescribeTaskDefinition -> copy
 * minus the read-only fields -> RegisterTaskDefinition -> UpdateService), or a forced new
 * deployment of the current revision. Also the UpdateService step shared with rollback and
 * scale, and the reconciliation that follows a lost response: read the state back before
 * sending a mutation again. */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "actions/internal.h"
#include "actions/taskdef.h"
#include "aws/ecr.h"
#include "aws/ecs.h"
#include "aws/proto_json.h"
#include "model/task_set.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/str.h"
#include "util/xalloc.h"

#define ECR_MAX_PAGES 5
#define ECR_MAX_TAGS 20
#define RECONCILE_MAX_DESCRIBE 5

/* A failure after which the request may have been applied: no response, or a server error. */
static bool
maybe_applied(const struct od_error *err)
{
    return err->err == OD_E_NETWORK || err->err == OD_E_TIMEOUT || err->http_status >= 500;
}

/* ---- shared service helpers ------------------------------------------------------------ */

const char *
service_stable_td(const struct od_service *s)
{
    const struct od_deployment *best = NULL, *primary = service_primary(s);

    for (size_t i = 0; s != NULL && i < s->ndeployments; i++) {
        const struct od_deployment *d = &s->deployments[i];

        if (str_eq(d->status, "ACTIVE") && (best == NULL || d->running > best->running))
            best = d;
    }
    if (best != NULL)
        return best->task_definition;
    if (primary != NULL && (str_eq(primary->rollout_state, "COMPLETED") ||
                            (primary->rollout_state == NULL && s->ndeployments == 1 &&
                             primary->running == primary->desired)))
        return primary->task_definition;
    return NULL;
}

cJSON *
service_audit_json(const struct od_service *s)
{
    cJSON *o = json_new_object(), *deps;
    const struct od_deployment *p = service_primary(s);

    json_add_str(o, "taskDefinition", s->task_definition);
    json_add_num(o, "desiredCount", (double)s->desired);
    json_add_num(o, "runningCount", (double)s->running);
    json_add_str(o, "primaryDeployment", p != NULL ? p->id : NULL);
    deps = json_add_array(o, "deployments");
    for (size_t i = 0; i < s->ndeployments; i++) {
        cJSON *d = json_push_object(deps);

        json_add_str(d, "id", s->deployments[i].id);
        json_add_str(d, "status", s->deployments[i].status);
        json_add_str(d, "rolloutState", s->deployments[i].rollout_state);
        json_add_str(d, "taskDefinition", s->deployments[i].task_definition);
    }
    return o;
}

void
service_plan_state(struct od_plan *plan, const struct od_service *s)
{
    const struct od_deployment *p = service_primary(s);
    const char *stable = service_stable_td(s);
    char *short_td;

    free(plan->current_td_arn);
    plan->current_td_arn = s->task_definition != NULL ? xstrdup(s->task_definition) : NULL;
    free(plan->primary_deployment_id);
    plan->primary_deployment_id = p != NULL && p->id != NULL ? xstrdup(p->id) : NULL;
    plan->desired_before = s->desired;
    plan->rollout_in_progress = false;
    for (size_t i = 0; i < s->ndeployments; i++)
        if (str_eq(s->deployments[i].rollout_state, "IN_PROGRESS"))
            plan->rollout_in_progress = true;
    free(plan->stable_td_arn);
    plan->stable_td_arn = stable != NULL ? xstrdup(stable) : NULL;
    short_td = task_def_short_name(s->task_definition);
    if (short_td != NULL) {
        char *colon = strrchr(short_td, ':');

        if (colon != NULL)
            *colon = '\0';
        free(plan->family);
        plan->family = short_td;
    }
    cJSON_Delete(plan->audit_before);
    plan->audit_before = service_audit_json(s);
    if (plan->rollout_in_progress)
        plan_warn(plan, "a deployment of this service is still in progress (%s)",
                  p != NULL && p->id != NULL ? p->id : "?");
}

bool
plan_take_service(struct od_action_job *job, const struct od_aws_response *resp,
                  const struct od_error *err, struct od_service *out)
{
    struct od_error e = {0};

    if (err != NULL) {
        job_plan_fail(job, err);
        return false;
    }
    if (decode_described_service(resp->body, resp->body_len, job->plan->service, out, &e) !=
        OD_OK) {
        job_plan_fail(job, &e);
        od_error_clear(&e);
        return false;
    }
    service_plan_state(job->plan, out);
    return true;
}

/* Deploy and rollback change the task definition, which UpdateService refuses for CODE_DEPLOY
 * and EXTERNAL services (ECS API Reference, UpdateService: "create a new CodeDeploy
 * deployment" / "create a new task set"): say so before sending anything. */
bool
plan_refuse_controller(struct od_action_job *job, const struct od_service *s)
{
    const char *c = task_set_controller(s);
    struct od_error e = {0};
    char *name;

    if (!task_set_controlled(s))
        return false;
    name = inert(s->name != NULL ? s->name : job->plan->service);
    if (str_eq(c, "CODE_DEPLOY"))
        od_error_set(&e, OD_E_REFUSED,
                     "service %s uses the CODE_DEPLOY deployment controller: use AWS CodeDeploy "
                     "(aws deploy create-deployment) to deploy; ondeck cannot change the task "
                     "definition of a CODE_DEPLOY service",
                     name);
    else
        od_error_set(&e, OD_E_REFUSED,
                     "service %s uses the %s deployment controller: create a task set with your "
                     "deployment tool (aws ecs create-task-set); ondeck cannot change the task "
                     "definition of a service whose versions are task sets",
                     name, str_eq(c, "EXTERNAL") ? "EXTERNAL" : "task-set");
    free(name);
    job_plan_fail(job, &e);
    od_error_clear(&e);
    return true;
}

enum od_err
service_describe_start(struct od_action_job *job, job_step step, struct od_error *err)
{
    const char *name = job->plan->service;

    return job_call_json(job, OD_SVC_ECS, "DescribeServices",
                         ecs_body_describe_services(job->plan->cluster, &name, 1), 0, step, err);
}

char *
describe_td_body(const char *arn)
{
    cJSON *o = json_new_object();
    const char *inc = "TAGS";
    char *s;

    json_add_str(o, "taskDefinition", arn);
    json_add_strs(o, "include", &inc, 1);
    s = json_print(o);
    cJSON_Delete(o);
    return s;
}

/* ---- UpdateService with reconciliation ------------------------------------------------- */

static void on_updated(struct od_action_job *job, const struct od_aws_response *resp,
                       const struct od_error *err);
static void on_update_reconcile(struct od_action_job *job, const struct od_aws_response *resp,
                                const struct od_error *err);

enum od_err
service_update_start(struct od_action_job *job, struct od_error *err)
{
    struct od_plan *plan = job->plan;
    cJSON *o = json_new_object();
    unsigned flags = OD_CALL_MUTATES;
    char *body;

    json_add_str(o, "cluster", plan->cluster);
    json_add_str(o, "service", plan->service);
    if (job->def->id == OD_ACTION_SCALE) {
        json_add_num(o, "desiredCount", (double)plan->count);
    } else if (job->def->id == OD_ACTION_DEPLOY && plan->force) {
        json_add_bool(o, "forceNewDeployment", true);
    } else {
        json_add_str(o, "taskDefinition", job->task_definition);
    }
    if (job->def->flags & OD_ACTION_IDEMPOTENT)
        flags |= OD_CALL_IDEMPOTENT;
    body = json_print(o);
    cJSON_Delete(o);
    job->sent_at = (double)clock_wall_ms() / 1000.0;
    return job_call_json(job, OD_SVC_ECS, "UpdateService", body, flags, on_updated, err);
}

static void note_untagged(struct od_action_job *job);

static void
record_after(struct od_action_job *job, const struct od_service *s)
{
    const struct od_deployment *p = service_primary(s);
    char *td = task_def_short_name(s->task_definition);
    char *svc = inert(job->plan->service), *tds = inert(td != NULL ? td : "?");
    /* scale: the bounds RegisterScalableTarget set before (scale.c) stay in the audit line */
    cJSON *bounds = job->after != NULL
                        ? cJSON_DetachItemFromObjectCaseSensitive(job->after, "scalableTarget")
                        : NULL;

    cJSON_Delete(job->after);
    job->after = service_audit_json(s);
    if (bounds != NULL)
        cJSON_AddItemToObject(job->after, "scalableTarget", bounds);
    free(job->deployment_id);
    job->deployment_id = p != NULL && p->id != NULL ? xstrdup(p->id) : NULL;
    free(job->task_definition);
    job->task_definition = s->task_definition != NULL ? xstrdup(s->task_definition) : NULL;
    free(job->summary);
    if (job->def->id == OD_ACTION_SCALE)
        job->summary = job->plan->move_bounds
                           ? xasprintf("service %s: auto scaling bounds [%ld, %ld] -> [%ld, %ld]; "
                                       "desired count %ld -> %ld",
                                       svc, job->plan->scaling_min, job->plan->scaling_max,
                                       job->plan->new_min, job->plan->new_max,
                                       job->plan->desired_before, s->desired)
                           : xasprintf("service %s: desired count %ld -> %ld", svc,
                                       job->plan->desired_before, s->desired);
    else
        job->summary = xasprintf("service %s: deployment %s started on %s%s", svc,
                                 job->deployment_id != NULL ? job->deployment_id : "?", tds,
                                 job->reconciled ? " (confirmed by reading back)" : "");
    note_untagged(job);
    free(svc);
    free(tds);
    free(td);
}

static void
on_updated(struct od_action_job *job, const struct od_aws_response *resp,
           const struct od_error *err)
{
    struct od_service s;
    struct od_error e = {0};

    job_note_request_id(job, resp, err);
    if (err != NULL) {
        if (maybe_applied(err)) {
            /* The response was lost: read the service back before anything else. */
            if (service_describe_start(job, on_update_reconcile, &e) != OD_OK)
                job_exec_fail(job, err, true);
            od_error_clear(&e);
            return;
        }
        job_exec_fail(job, err, false);
        return;
    }
    if (decode_one_service(resp->body, resp->body_len, &s, &e) != OD_OK) {
        job_exec_fail(job, &e, true);
        od_error_clear(&e);
        return;
    }
    record_after(job, &s);
    service_clear(&s);
    job_exec_done(job);
}

static bool
update_applied(const struct od_action_job *job, const struct od_service *s)
{
    const struct od_deployment *p = service_primary(s);

    if (job->def->id == OD_ACTION_SCALE)
        return s->desired == job->plan->count;
    if (job->def->id == OD_ACTION_DEPLOY && job->plan->force)
        return p != NULL && !str_eq(p->id, job->plan->primary_deployment_id) &&
               p->created_at >= job->sent_at - 300;
    return td_same(s->task_definition, job->task_definition);
}

static void
on_update_reconcile(struct od_action_job *job, const struct od_aws_response *resp,
                    const struct od_error *err)
{
    struct od_service s;
    struct od_error e = {0};

    if (err != NULL) {
        job_exec_fail(job, err, true);
        return;
    }
    if (decode_described_service(resp->body, resp->body_len, job->plan->service, &s, &e) !=
        OD_OK) {
        job_exec_fail(job, &e, true);
        od_error_clear(&e);
        return;
    }
    if (update_applied(job, &s)) {
        job->reconciled = true;
        record_after(job, &s);
        service_clear(&s);
        job_exec_done(job);
        return;
    }
    service_clear(&s);
    /* Not applied: sending it again cannot double it. Once. */
    if (job->attempts++ >= 1) {
        od_error_set(&e, OD_E_NETWORK,
                     "UpdateService: no response twice, and the service shows no change");
        job_exec_fail(job, &e, true);
        od_error_clear(&e);
        return;
    }
    if (service_update_start(job, &e) != OD_OK)
        job_fail_start(job, &e);
}

/* ---- deploy: plan ---------------------------------------------------------------------- */

static void dp_on_service(struct od_action_job *job, const struct od_aws_response *resp,
                          const struct od_error *err);
static void dp_on_td(struct od_action_job *job, const struct od_aws_response *resp,
                     const struct od_error *err);
static void dp_on_images(struct od_action_job *job, const struct od_aws_response *resp,
                         const struct od_error *err);

enum od_err
deploy_plan(struct od_action_job *job, struct od_error *err)
{
    struct od_plan *plan = job->plan;
    char *t;

    if (str_empty(plan->cluster) || str_empty(plan->service)) {
        od_error_set(err, OD_E_USAGE, "deploy needs a cluster and a service");
        return OD_E_USAGE;
    }
    if (plan->force && plan->image != NULL) {
        od_error_set(err, OD_E_USAGE, "deploy takes either an image or --force, not both");
        return OD_E_USAGE;
    }
    t = xasprintf("service %s/%s", plan->cluster, plan->service);
    plan->target = inert(t);
    free(t);
    plan_set_typed(plan, plan->service);
    return service_describe_start(job, dp_on_service, err);
}

static void
dp_on_service(struct od_action_job *job, const struct od_aws_response *resp,
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
    if (job->plan->current_td_arn == NULL) {
        od_error_set(&e, OD_E_PARSE, "the service has no task definition");
        job_plan_fail(job, &e);
        od_error_clear(&e);
        return;
    }
    if (job_call_json(job, OD_SVC_ECS, "DescribeTaskDefinition",
                      describe_td_body(job->plan->current_td_arn), 0, dp_on_td, &e) != OD_OK)
        job_fail_start(job, &e);
}

enum od_err
plan_take_task_def(struct od_plan *plan, const char *body, size_t len, struct od_error *err)
{
    cJSON *root = json_parse(body, len, err);
    const cJSON *td, *it;
    size_t n = 0;

    if (root == NULL)
        return OD_E_PARSE;
    if ((td = json_obj(root, "taskDefinition")) == NULL ||
        json_arr(td, "containerDefinitions") == NULL) {
        od_error_set(err, OD_E_PARSE, "DescribeTaskDefinition response has no taskDefinition");
        cJSON_Delete(root);
        return OD_E_PARSE;
    }
    free(plan->current_td_json);
    plan->current_td_json = json_print(td);
    cJSON_Delete(plan->td_tags);
    plan->td_tags = cJSON_DetachItemFromObjectCaseSensitive(root, "tags");
    if (json_str(td, "family") != NULL) {
        free(plan->family);
        plan->family = xstrdup(json_str(td, "family"));
    }
    if (json_str(td, "taskDefinitionArn") != NULL) {
        free(plan->current_td_arn);
        plan->current_td_arn = xstrdup(json_str(td, "taskDefinitionArn"));
    }
    n = json_arr_len(td, "containerDefinitions");
    plan->containers = xcalloc(n + 1, sizeof *plan->containers);
    plan->container_images = xcalloc(n + 1, sizeof *plan->container_images);
    JSON_FOREACH(it, td, "containerDefinitions") {
        if (!cJSON_IsObject(it) || json_str(it, "name") == NULL)
            continue;
        plan->containers[plan->ncontainers] = xstrdup(json_str(it, "name"));
        plan->container_images[plan->ncontainers] =
            xstrdup(json_str(it, "image") != NULL ? json_str(it, "image") : "");
        plan->ncontainers++;
    }
    cJSON_Delete(root);
    return OD_OK;
}

enum od_err
action_plan_set_image(struct od_plan *plan, const char *container, const char *image,
                      struct od_error *err)
{
    cJSON *td, *reg = NULL, *c;
    const char *name, *old;
    char *newimg = NULL, *line;
    enum od_err rc = OD_OK;

    if (plan->def->id != OD_ACTION_DEPLOY || plan->current_td_json == NULL) {
        od_error_set(err, OD_E_USAGE, "not a deploy plan");
        return OD_E_USAGE;
    }
    if (str_empty(image) || str_eq(image, ":")) {
        od_error_set(err, OD_E_USAGE, "the image is empty");
        return OD_E_USAGE;
    }
    if ((td = json_parse(plan->current_td_json, strlen(plan->current_td_json), err)) == NULL)
        return OD_E_PARSE;
    name = container != NULL ? json_str(taskdef_container(td, container), "name")
                             : taskdef_default_container(td);
    if (name == NULL || (c = taskdef_container(td, name)) == NULL) {
        char *names = taskdef_images(td), *safe = inert(names), *cn = inert(container);

        if (container == NULL)
            od_error_set(err, OD_E_USAGE,
                         "name the container (--image CONTAINER=IMAGE); the task definition has: %s",
                         safe);
        else
            od_error_set(err, OD_E_USAGE, "no container '%s' in the task definition (it has: %s)",
                         cn, safe);
        free(names);
        free(safe);
        free(cn);
        cJSON_Delete(td);
        return OD_E_USAGE;
    }
    old = json_str(c, "image");
    newimg = image[0] == ':' ? ecr_image_with_tag(old, image + 1) : xstrdup(image);
    if ((reg = taskdef_registrable_tree(td, err)) == NULL) {
        rc = OD_E_PARSE;
        goto out;
    }
    (void)taskdef_set_image(reg, name, newimg);
    free(plan->container);
    plan->container = xstrdup(name);
    free(plan->old_image);
    plan->old_image = xstrdup(old != NULL ? old : "");
    free(plan->image);
    plan->image = xstrdup(newimg);
    free(plan->new_td_json);
    plan->new_td_json = json_print(reg);
    free(plan->diff);
    plan->diff = taskdef_diff(td, reg);
    line = xasprintf("image %s: %s -> %s (new revision of %s)", name, plan->old_image, newimg,
                     plan->family != NULL ? plan->family : "?");
    free(plan->change);
    plan->change = inert(line);
    free(line);
    if (str_eq(plan->old_image, newimg))
        plan_warn(plan, "the image is unchanged: this registers an identical revision "
                        "(use --force to restart tasks on the same revision)");
    cJSON_DeleteItemFromObjectCaseSensitive(plan->audit_params, "container");
    cJSON_DeleteItemFromObjectCaseSensitive(plan->audit_params, "image");
    json_add_str(plan->audit_params, "container", name);
    json_add_str(plan->audit_params, "image", newimg);
    json_add_str(plan->audit_params, "previousImage", plan->old_image);
    plan->ready = true;
    plan_describe(plan);
out:
    free(newimg);
    cJSON_Delete(reg);
    cJSON_Delete(td);
    return rc;
}

/* The ECR repository whose tags the dialog offers: the requested image's, else the target
 * container's current image's, else the first container image in ECR. */
static bool
pick_ecr(struct od_plan *plan, struct od_ecr_ref *ref)
{
    if (plan->image != NULL && ecr_parse_image(plan->image, ref))
        return true;
    for (size_t i = 0; i < plan->ncontainers; i++)
        if ((plan->container == NULL || str_eq(plan->containers[i], plan->container)) &&
            ecr_parse_image(plan->container_images[i], ref))
            return true;
    return false;
}

static enum od_err
ecr_page(struct od_action_job *job, struct od_error *err)
{
    struct od_aws_call call = {0};
    char *body = ecr_body_describe_images(job->ecr_registry, job->plan->ecr_repository,
                                          job->token);
    enum od_err rc;

    call.svc = OD_SVC_ECR;
    call.op = "DescribeImages";
    call.body = body;
    call.body_len = strlen(body);
    call.region = job->ecr_region;
    rc = job_call(job, &call, dp_on_images, err);
    free(body);
    return rc;
}

static void
dp_on_td(struct od_action_job *job, const struct od_aws_response *resp, const struct od_error *err)
{
    struct od_plan *plan = job->plan;
    struct od_error e = {0};
    struct od_ecr_ref ref;
    char *requested = NULL;

    if (err != NULL) {
        job_plan_fail(job, err);
        return;
    }
    if (plan_take_task_def(plan, resp->body, resp->body_len, &e) != OD_OK)
        goto fail;
    if (plan->force) {
        char *td = task_def_short_name(plan->current_td_arn);
        char *line = xasprintf("force a new deployment of %s (same task definition)", td);

        plan->change = inert(line);
        free(line);
        free(td);
        plan->diff = xstrdup("");
        plan->ready = true;
    } else if (plan->image != NULL) {
        requested = plan->image;
        plan->image = NULL;
        if (action_plan_set_image(plan, plan->container, requested, &e) != OD_OK)
            goto fail;
    }
    if (pick_ecr(plan, &ref)) {
        plan->ecr_repository = xstrdup(ref.repository);
        job->ecr_region = xstrdup(ref.region);
        job->ecr_registry = xstrdup(ref.registry_id);
        ecr_ref_clear(&ref);
        job->stage = 0;
        if (ecr_page(job, &e) != OD_OK) {
            plan_warn(plan, "no ECR tag suggestions: %s", e.message != NULL ? e.message : "?");
            od_error_clear(&e);
            job_plan_done(job);
        }
        free(requested);
        return;
    }
    free(requested);
    job_plan_done(job);
    return;
fail:
    free(requested);
    job_plan_fail(job, &e);
    od_error_clear(&e);
}

static void
finish_tags(struct od_action_job *job)
{
    struct od_plan *plan = job->plan;

    ecr_sort_newest_first(job->images, job->nimages);
    for (size_t i = 0; i < job->nimages && plan->ntags < ECR_MAX_TAGS; i++) {
        for (size_t k = 0; k < job->images[i].ntags && plan->ntags < ECR_MAX_TAGS; k++) {
            plan->tags = xreallocarray(plan->tags, plan->ntags + 1, sizeof *plan->tags);
            plan->tags[plan->ntags].tag = xstrdup(job->images[i].tags[k]);
            plan->tags[plan->ntags].pushed_at = job->images[i].pushed_at;
            plan->ntags++;
        }
    }
    job_plan_done(job);
}

static void
dp_on_images(struct od_action_job *job, const struct od_aws_response *resp,
             const struct od_error *err)
{
    struct od_ecr_image *imgs = NULL;
    size_t n = 0;
    char *next = NULL;
    struct od_error e = {0};

    if (err != NULL) {
        char *msg = od_error_format(err);

        plan_warn(job->plan, "no ECR tag suggestions: %s", msg);
        free(msg);
        finish_tags(job);
        return;
    }
    if (ecr_decode_images(resp->body, resp->body_len, &imgs, &n, &next, &e) != OD_OK) {
        plan_warn(job->plan, "no ECR tag suggestions: %s", e.message != NULL ? e.message : "?");
        od_error_clear(&e);
        finish_tags(job);
        return;
    }
    job->images = xreallocarray(job->images, job->nimages + n + 1, sizeof *job->images);
    memcpy(job->images + job->nimages, imgs, n * sizeof *imgs);
    job->nimages += n;
    free(imgs);
    free(job->token);
    job->token = next;
    if (job->token != NULL && ++job->stage < ECR_MAX_PAGES) {
        if (ecr_page(job, &e) == OD_OK)
            return;
        od_error_clear(&e);
    }
    finish_tags(job);
}

/* ---- deploy: execute ------------------------------------------------------------------- */

static void on_registered(struct od_action_job *job, const struct od_aws_response *resp,
                          const struct od_error *err);
static void on_reconcile_list(struct od_action_job *job, const struct od_aws_response *resp,
                              const struct od_error *err);
static void on_reconcile_td(struct od_action_job *job, const struct od_aws_response *resp,
                            const struct od_error *err);

/* The ECS TagValue pattern is [\p{L}\p{Z}\p{N}_.:/=+\-@]*, at most 256 characters: an
 * assumed-role session name may hold ',' (STS allows [\w+=,.@-]*), which ECS refuses. */
static char *
tag_value_safe(const char *s)
{
    size_t n = strlen(s) < 256 ? strlen(s) : 256;
    char *out = xstrndup(s, n);

    for (char *p = out; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;

        if (!(c < 0x80 && (isalnum(c) || c == ' ' || strchr("_.:/=+-@", c) != NULL)))
            *p = '_';
    }
    return out;
}

/* AccessDenied for the tags of a registration: AWS authorises RegisterTaskDefinition with tags
 * against ecs:TagResource too, and names that action when it refuses. Nothing was registered. */
static bool
tagging_denied(const struct od_error *err)
{
    return (str_eq(err->code, "AccessDeniedException") || str_eq(err->code, "AccessDenied")) &&
           err->message != NULL && strstr(err->message, "ecs:TagResource") != NULL;
}

/* Say in the audit entry and the summary that the revision carries no tags. */
static void
note_untagged(struct od_action_job *job)
{
    if (!job->untagged)
        return;
    if (job->after == NULL)
        job->after = json_new_object();
    json_add_str(job->after, "tags", "omitted: no permission: ecs:TagResource");
    if (job->summary != NULL) {
        char *s = xasprintf("%s; registered without tags (no permission: ecs:TagResource)",
                            job->summary);

        free(job->summary);
        job->summary = s;
    }
}

static enum od_err
register_start(struct od_action_job *job, struct od_error *err)
{
    struct od_plan *plan = job->plan;
    cJSON *body = json_parse(plan->new_td_json, strlen(plan->new_td_json), err), *tags;
    const cJSON *it;
    size_t ntags = 0;

    if (body == NULL)
        return OD_E_PARSE;
    tags = json_add_array(body, "tags");
    cJSON_ArrayForEach(it, plan->td_tags) {
        const char *k = json_str(it, "key");
        cJSON *t;

        /* aws: tags are reserved; ours is replaced */
        if (k == NULL || str_has_prefix(k, "aws:") || str_eq(k, "ondeck:deployed-by") ||
            ntags >= 49)
            continue;
        t = json_push_object(tags);
        json_add_str(t, "key", k);
        json_add_str(t, "value", json_str(it, "value") != NULL ? json_str(it, "value") : "");
        ntags++;
    }
    if (plan->identity_arn != NULL) {
        cJSON *t = json_push_object(tags);
        char *v = tag_value_safe(plan->identity_arn);

        json_add_str(t, "key", "ondeck:deployed-by");
        json_add_str(t, "value", v);
        free(v);
    }
    if (cJSON_GetArraySize(tags) == 0 || job->untagged)
        cJSON_DeleteItemFromObjectCaseSensitive(body, "tags");
    {
        char *text = json_print(body);

        cJSON_Delete(body);
        return job_call_json(job, OD_SVC_ECS, "RegisterTaskDefinition", text, OD_CALL_MUTATES,
                             on_registered, err);
    }
}

enum od_err
deploy_execute(struct od_action_job *job, struct od_error *err)
{
    if (job->plan->force) {
        job->task_definition = xstrdup(job->plan->current_td_arn);
        return service_update_start(job, err);
    }
    if (job->plan->new_td_json == NULL) {
        od_error_set(err, OD_E_USAGE, "deploy: no image chosen");
        return OD_E_USAGE;
    }
    return register_start(job, err);
}

static void
registered_arn(struct od_action_job *job, const char *arn)
{
    struct od_error e = {0};

    free(job->task_definition);
    job->task_definition = xstrdup(arn);
    if (job->after == NULL)
        job->after = json_new_object();
    json_add_str(job->after, "registeredTaskDefinition", arn);
    note_untagged(job);
    if (service_update_start(job, &e) != OD_OK)
        job_fail_start(job, &e);
}

static enum od_err
reconcile_list_page(struct od_action_job *job, struct od_error *err)
{
    return job_call_json(job, OD_SVC_ECS, "ListTaskDefinitions",
                         ecs_body_list_task_definitions(job->plan->family, "DESC", "ACTIVE",
                                                        job->token),
                         0, on_reconcile_list, err);
}

static void
on_registered(struct od_action_job *job, const struct od_aws_response *resp,
              const struct od_error *err)
{
    cJSON *root;
    const char *arn;
    struct od_error e = {0};

    job_note_request_id(job, resp, err);
    if (err != NULL && !job->untagged && tagging_denied(err)) {
        /* Refused, so not registered: register once more, without tags. */
        log_debug("deploy: ecs:TagResource not allowed, registering without tags");
        job->untagged = true;
        if (register_start(job, &e) != OD_OK)
            job_fail_start(job, &e);
        return;
    }
    if (err != NULL) {
        if (!maybe_applied(err)) {
            job_exec_fail(job, err, false);
            return;
        }
        /* Lost response: find the revision we may have registered before registering again. */
        arn_list_free(&job->arns, &job->narns);
        xfree(&job->token);
        job->stage = 0;
        if (reconcile_list_page(job, &e) != OD_OK) {
            job_exec_fail(job, err, true);
            od_error_clear(&e);
        }
        return;
    }
    if ((root = json_parse(resp->body, resp->body_len, &e)) == NULL ||
        (arn = json_str(json_obj(root, "taskDefinition"), "taskDefinitionArn")) == NULL) {
        if (e.err == OD_OK)
            od_error_set(&e, OD_E_PARSE, "RegisterTaskDefinition response has no ARN");
        cJSON_Delete(root);
        job_exec_fail(job, &e, true);
        od_error_clear(&e);
        return;
    }
    registered_arn(job, arn);
    cJSON_Delete(root);
}

static int
rev_desc(const void *a, const void *b)
{
    long x = task_def_revision(*(char *const *)a), y = task_def_revision(*(char *const *)b);

    return x > y ? -1 : x < y;
}

static void
reconcile_next(struct od_action_job *job)
{
    struct od_error e = {0};

    if (job->pos < job->narns && job->pos < RECONCILE_MAX_DESCRIBE) {
        if (job_call_json(job, OD_SVC_ECS, "DescribeTaskDefinition",
                          describe_td_body(job->arns[job->pos]), 0, on_reconcile_td,
                          &e) != OD_OK) {
            job_exec_fail(job, &e, true);
            od_error_clear(&e);
        }
        return;
    }
    /* None of the newer revisions is ours: it was not registered. Register again, once. */
    if (job->attempts++ >= 1) {
        od_error_set(&e, OD_E_NETWORK, "RegisterTaskDefinition: no response twice, and no "
                                       "matching revision was found");
        job_exec_fail(job, &e, true);
        od_error_clear(&e);
        return;
    }
    if (register_start(job, &e) != OD_OK)
        job_fail_start(job, &e);
}

static void
on_reconcile_list(struct od_action_job *job, const struct od_aws_response *resp,
                  const struct od_error *err)
{
    char **arns = NULL, *next = NULL;
    size_t n = 0;
    long current = task_def_revision(job->plan->current_td_arn);
    struct od_error e = {0};

    if (err != NULL) {
        job_exec_fail(job, err, true);
        return;
    }
    if (ecs_decode_arn_list(resp->body, resp->body_len, "taskDefinitionArns", &arns, &n, &next,
                            &e) != OD_OK) {
        job_exec_fail(job, &e, true);
        od_error_clear(&e);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        char *fam = task_def_short_name(arns[i]), *colon = strrchr(fam, ':');

        if (colon != NULL)
            *colon = '\0';
        if (str_eq(fam, job->plan->family) && task_def_revision(arns[i]) > current) {
            job->arns = xreallocarray(job->arns, job->narns + 1, sizeof *job->arns);
            job->arns[job->narns++] = arns[i];
            arns[i] = NULL;
        }
        free(fam);
    }
    arn_list_free(&arns, &n);
    free(job->token);
    job->token = next;
    if (job->token != NULL && ++job->stage < 20) {
        if (reconcile_list_page(job, &e) != OD_OK) {
            job_exec_fail(job, &e, true);
            od_error_clear(&e);
        }
        return;
    }
    if (job->narns > 1)
        qsort(job->arns, job->narns, sizeof *job->arns, rev_desc);
    job->pos = 0;
    reconcile_next(job);
}

static void
on_reconcile_td(struct od_action_job *job, const struct od_aws_response *resp,
                const struct od_error *err)
{
    cJSON *root, *want, *got;
    struct od_error e = {0};
    bool same = false;

    if (err != NULL) {
        job_exec_fail(job, err, true);
        return;
    }
    if ((root = json_parse(resp->body, resp->body_len, &e)) == NULL) {
        job_exec_fail(job, &e, true);
        od_error_clear(&e);
        return;
    }
    want = json_parse(job->plan->new_td_json, strlen(job->plan->new_td_json), NULL);
    got = taskdef_registrable_tree(json_obj(root, "taskDefinition"), NULL);
    same = want != NULL && got != NULL && taskdef_same_content(want, got);
    cJSON_Delete(want);
    cJSON_Delete(got);
    cJSON_Delete(root);
    if (same) {
        job->reconciled = true;
        registered_arn(job, job->arns[job->pos]);
        return;
    }
    job->pos++;
    reconcile_next(job);
}
