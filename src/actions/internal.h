/* Shared plumbing of the action modules (not for callers outside src/actions/). A job is one
 * plan or one execution: a chain of AWS calls, each completion calling the job's next step. */
#ifndef OD_ACTIONS_INTERNAL_H
#define OD_ACTIONS_INTERNAL_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "actions/action.h"
#include "aws/ecr.h"
#include "aws/endpoint.h"
#include "aws/request.h"
#include "model/entities.h"

struct od_action_job;
typedef void (*job_step)(struct od_action_job *job, const struct od_aws_response *resp,
                         const struct od_error *err);

struct od_action_job {
    struct od_action_env *env;
    struct od_action_job *live_next; /* env->jobs, while live */
    bool live;
    const struct od_action_def *def;
    struct od_plan *plan; /* owned while planning; borrowed while executing */
    bool executing;
    struct od_action_params params; /* strings borrowed only during action_plan() */
    action_plan_cb plan_cb;
    action_done_cb done_cb;
    void *ud;
    job_step next;
    /* scratch shared by the modules */
    int stage;
    int attempts;
    char *token;
    char **arns;
    size_t narns, pos;
    char *ecr_region, *ecr_registry;
    struct od_ecr_image *images;
    size_t nimages;
    /* execution results */
    char *deployment_id, *task_definition, *invalidation_id, *invalidation_status, *summary;
    bool reconciled, outcome_unknown;
    bool untagged; /* deploy: registered without tags (ecs:TagResource refused) */
    cJSON *after;
    cJSON *request_ids;
    double sent_at;
    char *secret; /* exec: the session for the plugin (wiped when the job is freed) */
    /* steering (actions/steer.c): the service deployment acted on, and where the plan goes
     * after reading it */
    char *sd_arn;
    void (*after_sd_read)(struct od_action_job *job);
};

/* Start an AWS call for the job; step runs with the response. The body is freed here. */
enum od_err job_call_json(struct od_action_job *job, enum od_svc svc, const char *op, char *body,
                          unsigned flags, job_step step, struct od_error *err);
enum od_err job_call(struct od_action_job *job, const struct od_aws_call *call, job_step step,
                     struct od_error *err);
/* Remember the request id of a mutating call for the audit line. */
void job_note_request_id(struct od_action_job *job, const struct od_aws_response *resp,
                         const struct od_error *err);

/* Finish a plan: hands plan to the caller (success) or the error; frees the job. */
void job_plan_done(struct od_action_job *job);
void job_plan_fail(struct od_action_job *job, const struct od_error *err);
/* Finish an execution: writes the audit line, calls done_cb, frees the job. */
void job_exec_done(struct od_action_job *job);
void job_exec_fail(struct od_action_job *job, const struct od_error *err, bool unknown);
/* Continue a job after a failure to start the next call. */
void job_fail_start(struct od_action_job *job, struct od_error *err);

/* Plan helpers. */
void plan_warn(struct od_plan *plan, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Rebuild plan->description from the fields (inert text). */
void plan_describe(struct od_plan *plan);
/* Set plan->typed_confirm from [safety] confirm_typed_profiles and the profile. */
void plan_set_typed(struct od_plan *plan, const char *word);
char *inert(const char *s); /* sanitize_str */

/* Decode the {"service": {...}} of UpdateService / {"task": {...}} of StopTask. */
enum od_err decode_one_service(const char *body, size_t len, struct od_service *out,
                               struct od_error *err);
enum od_err decode_one_task(const char *body, size_t len, struct od_task *out,
                            struct od_error *err);
/* DescribeServices of one service: OD_E_AWS "service not found" when missing. */
enum od_err decode_described_service(const char *body, size_t len, const char *name,
                                     struct od_service *out, struct od_error *err);
/* Refuse deploy/rollback of a CODE_DEPLOY or EXTERNAL service (fails the plan, OD_E_REFUSED);
 * false when the service is an ECS one. */
bool plan_refuse_controller(struct od_action_job *job, const struct od_service *s);
/* The PRIMARY deployment of s (NULL when none). */
const struct od_deployment *service_primary(const struct od_service *s);
/* The task definition that last ran stably, from the deployments alone (NULL: unknown):
 * an ACTIVE (older, still serving) deployment's, else the PRIMARY's when it COMPLETED. */
const char *service_stable_td(const struct od_service *s);
/* The "before" state of a service for the audit line. */
cJSON *service_audit_json(const struct od_service *s);
/* Fill the plan from a described service (deploy, rollback, scale). */
void service_plan_state(struct od_plan *plan, const struct od_service *s);
/* The DescribeServices step of a plan: on failure the plan fails and false is returned;
 * else the plan holds the service's state and *out the service (the caller clears it). */
bool plan_take_service(struct od_action_job *job, const struct od_aws_response *resp,
                       const struct od_error *err, struct od_service *out);
/* DescribeServices of plan->service. */
enum od_err service_describe_start(struct od_action_job *job, job_step step, struct od_error *err);
/* DescribeTaskDefinition body with include TAGS (malloc'd). */
char *describe_td_body(const char *arn);
/* Keep a DescribeTaskDefinition response's task definition, tags and containers in the plan. */
enum od_err plan_take_task_def(struct od_plan *plan, const char *body, size_t len,
                               struct od_error *err);
/* ARN or "family:rev" equality for task definitions. */
bool td_same(const char *a, const char *b);

/* Module entry points (registry vtable). */
enum od_err deploy_plan(struct od_action_job *job, struct od_error *err);
enum od_err deploy_execute(struct od_action_job *job, struct od_error *err);
enum od_err rollback_plan(struct od_action_job *job, struct od_error *err);
enum od_err rollback_execute(struct od_action_job *job, struct od_error *err);
enum od_err scale_plan(struct od_action_job *job, struct od_error *err);
enum od_err scale_execute(struct od_action_job *job, struct od_error *err);
enum od_err stop_task_plan(struct od_action_job *job, struct od_error *err);
enum od_err stop_task_execute(struct od_action_job *job, struct od_error *err);
enum od_err invalidate_plan(struct od_action_job *job, struct od_error *err);
enum od_err invalidate_execute(struct od_action_job *job, struct od_error *err);
enum od_err exec_plan(struct od_action_job *job, struct od_error *err);
enum od_err exec_execute(struct od_action_job *job, struct od_error *err);
enum od_err continue_plan(struct od_action_job *job, struct od_error *err);
enum od_err continue_execute(struct od_action_job *job, struct od_error *err);

/* actions/steer.c: read the service's newest service deployment into the plan
 * (ListServiceDeployments, DescribeServiceDeployments), then call then(job). A failed read
 * fails continue and rollback --abort; a plain rollback goes on (plan->sd_unread, a warning)
 * with today's UpdateService. */
enum od_err steer_read_start(struct od_action_job *job, void (*then)(struct od_action_job *job),
                             struct od_error *err);
/* Rollback after the read: true when the plan was finished here (a steering plan, or nothing
 * to steer for --abort); false to go on with the revision picker. */
bool steer_plan_rollback(struct od_action_job *job);
/* Execute a steering plan (plan->steer != OD_STEER_NONE). */
enum od_err steer_execute(struct od_action_job *job, struct od_error *err);

/* The service update shared by deploy, rollback and scale, with reconciliation after a lost
 * response: UpdateService(taskDefinition | forceNewDeployment | desiredCount). */
enum od_err service_update_start(struct od_action_job *job, struct od_error *err);

#endif
