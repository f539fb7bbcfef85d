/* Operator actions: the registry (tmux cmd_table) and the plan -> confirm -> execute -> watch
 * engine shared by the console keys and the CLI twins.
 *
 *   action_plan(env, id, params, plan_cb)   gathers what the change needs (DescribeServices,
 *                                           DescribeTaskDefinition, ECR tags, revisions, ...)
 *                                           and hands over a struct od_plan: who, where, what
 *                                           changes, the task-definition diff, warnings.
 *   action_plan_confirm(plan, typed)        the caller's confirmation (CLI prompt or --yes;
 *                                           console dialog). Plans of production profiles
 *                                           need the target's name typed (plan->typed_confirm).
 *   action_execute(plan, done_cb)           refuses in read-only mode or unconfirmed, then
 *                                           performs the change. One audit line per attempt.
 *   watch_start() (actions/watch.h)         follows the rollout after deploy/rollback/scale.
 *
 * Every function that can touch the network returns "started" (OD_OK: exactly one callback
 * will follow, from the loop, never inside the call) or an error (no callback). */
#ifndef OD_ACTION_H
#define OD_ACTION_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "util/err.h"

struct cJSON;
struct od_aws;
struct od_settings;

enum od_action_id {
    OD_ACTION_DEPLOY,
    OD_ACTION_ROLLBACK,
    OD_ACTION_SCALE,
    OD_ACTION_STOP_TASK,
    OD_ACTION_INVALIDATE,
    OD_ACTION_EXEC, /* a shell in a container (actions/exec.h) */
    OD_ACTION_CONTINUE,
    OD_ACTION__COUNT
};

enum {
    OD_ACTION_MUTATES = 1u << 0,       /* changes AWS state: refused in read-only mode */
    OD_ACTION_NEEDS_CONFIRM = 1u << 1, /* must be confirmed (dialog, prompt or --yes) */
    OD_ACTION_IDEMPOTENT = 1u << 2,    /* repeating the request is harmless */
};

/* How a rollback or continue steers the service deployment in flight (ECS API Reference,
 * StopServiceDeployment, ContinueServiceDeployment). */
enum od_steer {
    OD_STEER_NONE,          /* nothing in flight: rollback is UpdateService to a revision */
    OD_STEER_STOP_ROLLBACK, /* StopServiceDeployment stopType=ROLLBACK */
    OD_STEER_STOP_ABORT,    /* StopServiceDeployment stopType=ABORT */
    OD_STEER_HOOK_ROLLBACK, /* ContinueServiceDeployment action=ROLLBACK at the waiting hook */
    OD_STEER_HOOK_CONTINUE, /* ContinueServiceDeployment action=CONTINUE at the waiting hook */
};

/* What the plan covers: the kind of target. */
enum od_action_target { OD_TARGET_SERVICE, OD_TARGET_TASK, OD_TARGET_DISTRIBUTION };

struct od_plan;
struct od_action_job;

struct od_action_def {
    enum od_action_id id;
    const char *name;    /* CLI command and audit "action" ("deploy") */
    int key;             /* console key ('D') */
    const char *summary; /* one line for help */
    enum od_action_target target;
    unsigned flags;
    /* engine entry points (internal; callers use action_plan / action_execute) */
    enum od_err (*plan)(struct od_action_job *job, struct od_error *err);
    enum od_err (*execute)(struct od_action_job *job, struct od_error *err);
};

/* The registry, in display order. */
size_t action_count(void);
const struct od_action_def *action_at(size_t i);
const struct od_action_def *action_get(enum od_action_id id);
const struct od_action_def *action_find(const char *name); /* NULL when unknown */
const struct od_action_def *action_by_key(int key);        /* NULL when unbound */

/* ---- the environment the actions run in (one per CLI run or console) ------------------- */

struct od_action_env {
    struct od_aws *aws;                 /* borrowed */
    const struct od_settings *settings; /* borrowed, may be NULL */
    bool read_only;                     /* --read-only OR [safety] read_only */
    char *profile;                      /* for the audit journal and typed confirmation */
    char *identity_arn;                 /* GetCallerIdentity, cached after the first plan */
    char *account;
    char *audit_path;                   /* [audit] path or $XDG_STATE_HOME/ondeck/audit.jsonl */
    unsigned long long watch_interval_ms; /* DescribeServices cadence (5000) */
    unsigned long long follow_interval_ms; /* GetInvalidation cadence (20000) */
    struct od_action_job *jobs; /* plans and executions in flight (owned) */
};

/* read_only is the --read-only flag; the settings' [safety] read_only is OR-ed in. */
void action_env_init(struct od_action_env *env, struct od_aws *aws,
                     const struct od_settings *settings, bool read_only);
/* Jobs still in flight are dropped without their callbacks: their calls are cancelled and an
 * execution is journalled with outcome "unknown" (the request may have reached AWS). */
void action_env_clear(struct od_action_env *env);

/* ---- parameters and plans ------------------------------------------------------------------ */

struct od_action_params {
    const char *cluster;
    const char *service;      /* deploy, rollback, scale */
    const char *task;         /* stop-task: id or ARN */
    const char *distribution; /* invalidate */
    /* deploy: image for one container ("IMAGE", or ":TAG" to keep the repository); container
     * NULL = the only (essential) container. image NULL and !force = plan without a change
     * yet (the console's dialog: current images and ECR tags), see action_plan_set_image. */
    const char *container;
    const char *image;
    bool force;               /* deploy: forceNewDeployment of the current revision */
    long revision;            /* rollback: revision number, 0 = the previous one */
    bool abort;               /* rollback: StopServiceDeployment ABORT of the one in flight */
    bool revisions_only;      /* rollback: the revision picker only, whatever is in flight
                               * (the revisions command) */
    long count;               /* scale: desired count */
    bool adjust_bounds;       /* scale: widen the auto scaling bounds to include count */
    const char *reason;       /* stop-task: NULL = "Stopped by ondeck (IDENTITY)" */
    const char *const *paths; /* invalidate: NULL/0 = settings' paths, else everything */
    size_t npaths;
    const char *command;      /* exec: NULL = EXEC_DEFAULT_COMMAND; container as above */
};

struct od_image_tag {
    char *tag;
    double pushed_at;
};

/* One row of the rollback picker (newest first). */
struct od_revision {
    char *arn;
    long revision;
    double registered_at;  /* 0 when not described */
    char *images;          /* "app=repo:tag redis=..." (raw; sanitise to display), or NULL */
    bool current;          /* the service's task definition */
    bool previous;         /* the newest revision older than the current one */
    bool stable;           /* the revision that last ran stably (see doc/actions.md) */
    char *td_json;         /* the described taskDefinition object, NULL when not described */
};

struct od_plan {
    const struct od_action_def *def;
    struct od_action_env *env; /* borrowed */
    /* Who and where, raw as given or as AWS sent them (sanitise before display); target,
     * change, description, diff and warnings are already inert. */
    char *identity_arn, *account, *region, *profile;
    char *cluster, *service, *task, *distribution;
    char *target;      /* "service prod/web", "task prod/1234", "distribution E2..." */
    char *change;      /* one line: "image app: nginx:1.26 -> nginx:1.27" */
    char *description; /* multi-line: account, region, target, change, warnings */
    char *diff;        /* deploy/rollback: task-definition diff (may be ""), else NULL */
    char **warnings;
    size_t nwarnings;
    bool typed_confirm;  /* the profile is in [safety] confirm_typed_profiles */
    char *confirm_word;  /* what must be typed (service name, task id or distribution id) */
    bool confirmed;
    bool ready;          /* a change is planned (false: deploy plan still without an image) */

    /* deploy / rollback */
    char *current_td_arn;
    char *current_td_json;   /* described taskDefinition of the service */
    char *new_td_json;       /* deploy: the body to register (without tags) */
    char *target_td_arn;     /* rollback: the revision to go to */
    char *family;
    char **containers;       /* container names of the current task definition */
    char **container_images; /* their images (raw) */
    size_t ncontainers;
    char *container, *old_image, *image; /* deploy with an image */
    bool force;
    char *ecr_repository;    /* the image's ECR repository, or NULL */
    struct od_image_tag *tags; /* the repository's most recent tags, newest first */
    size_t ntags;
    struct od_revision *revisions; /* rollback: the family's ACTIVE revisions, newest first */
    size_t nrevisions;
    size_t selected;               /* rollback: index into revisions */
    char *stable_td_arn;           /* the revision that last ran stably, or NULL */
    char *primary_deployment_id;   /* at plan time */
    bool rollout_in_progress;      /* a deployment is IN_PROGRESS at plan time */
    /* rollback / continue of the service deployment in flight (actions/steer.c) */
    enum od_steer steer;           /* OD_STEER_NONE: today's rollback (UpdateService) */
    char *sd_arn;                  /* the service deployment in flight, or NULL */
    char *sd_status, *sd_stage;    /* its status and lifecycleStage at plan time (raw) */
    char *hook_id;                 /* its PAUSE hook AWAITING_ACTION (raw), or NULL */
    char *steer_none;              /* continue, rollback --abort: why there is nothing to
                                    * steer (inert); the plan is then not ready */
    bool sd_unread;                /* rollback: the service deployments could not be read */
    /* scale */
    long desired_before, count;
    bool scaling_known;      /* the service has a scalable target (ecs:service:DesiredCount) */
    long scaling_min, scaling_max;
    bool adjust_bounds;      /* asked for (--adjust-bounds, the console's choice) */
    bool move_bounds;        /* planned: RegisterScalableTarget before UpdateService */
    long new_min, new_max;
    /* stop-task */
    char *reason;
    char *task_arn;
    /* invalidate */
    char **paths;
    size_t npaths;
    char *caller_reference;
    long invalidations_in_progress;
    /* exec (container above; task_arn of stop-task) */
    char *command;
    char *runtime_id; /* the container's, for the SSM target */

    /* internal: audit material, the current task definition's tags */
    struct cJSON *audit_params;
    struct cJSON *audit_before;
    struct cJSON *td_tags;
};

/* The plan callback gets the plan (the caller owns it: plan_free) or NULL and the error. */
typedef void (*action_plan_cb)(struct od_plan *plan, const struct od_error *err, void *ud);

enum od_err action_plan(struct od_action_env *env, enum od_action_id id,
                        const struct od_action_params *params, action_plan_cb cb, void *ud,
                        struct od_error *err);
void plan_free(struct od_plan **pp);

/* Deploy: choose the image after planning (the console's tag picker). Recomputes the new task
 * definition, change line, diff and description. container NULL = default container.
 * OD_E_USAGE when the container does not exist or the image is empty. */
enum od_err action_plan_set_image(struct od_plan *plan, const char *container, const char *image,
                                  struct od_error *err);
/* Scale: move (or not) the auto scaling bounds to include the new count, after planning
 * (the console's choice). Recomputes the change line and the description; false when the
 * service has no scalable target or the count is already within its bounds. */
bool action_plan_adjust_bounds(struct od_plan *plan, bool adjust);
/* Rollback of a service deployment in flight: roll it back (false) or abort it where it is
 * (true: StopServiceDeployment ABORT) (the console's choice). Recomputes the change line and
 * the description; OD_E_USAGE when no service deployment is in flight. */
enum od_err action_plan_steer_abort(struct od_plan *plan, bool abort, struct od_error *err);
/* Rollback: choose a row of plan->revisions; recomputes the diff. OD_E_USAGE when the row is
 * the current revision or has not been described. */
enum od_err action_plan_select(struct od_plan *plan, size_t index, struct od_error *err);

/* Confirm; typed is what the operator typed when plan->typed_confirm (ignored otherwise; the
 * CLI's --yes passes plan->confirm_word). false when the typed word does not match. */
bool action_plan_confirm(struct od_plan *plan, const char *typed);
/* The operator said no: one "declined" line in the audit journal. */
void action_plan_decline(struct od_plan *plan);

/* Whether this plan would be refused because of read-only mode (console: grey the key). */
bool action_refused(const struct od_action_env *env, const struct od_action_def *def);
/* Journal a refusal that happened before planning (read-only mode in the CLI). */
void action_journal_refusal(struct od_action_env *env, const struct od_action_def *def,
                            const struct od_action_params *params, const char *why);

struct od_action_result {
    enum od_err err;                /* OD_OK when the change was applied */
    const struct od_error *error;   /* details when err != OD_OK */
    bool outcome_unknown;           /* a response was lost and reading back did not tell */
    const char *summary;            /* one line, inert */
    const char *deployment_id;      /* deploy/rollback/scale: the PRIMARY deployment */
    const char *task_definition;    /* deploy/rollback: the ARN now on the service */
    const char *invalidation_id;
    const char *invalidation_status;
    const char *service_deployment_arn; /* rollback/continue that steered one, else NULL */
    bool reconciled;                /* a lost response was resolved by reading the state */
    const char *journal_error;      /* the audit line could not be written (NULL: written) */
    const char *session;            /* exec: the session JSON for the plugin. A SECRET (its
                                       tokenValue): never print, log or journal it */
};

typedef void (*action_done_cb)(const struct od_action_result *res, void *ud);

/* Perform a confirmed plan. OD_E_REFUSED (no callback) in read-only mode or when not
 * confirmed; OD_E_IO when the audit journal cannot be opened (nothing is sent). The plan must
 * outlive the callback. */
enum od_err action_execute(struct od_plan *plan, action_done_cb cb, void *ud,
                           struct od_error *err);

/* Invalidation helpers (pure). Paths are normalised: a leading '/' added, white space trimmed,
 * URL-encoded (cf_path_encode),
 * duplicates removed, sorted. The CallerReference is "ondeck-" + 32 hex digits of
 * SHA-256(distribution, sorted paths, operator, minute): a retry within the minute reuses it,
 * so CloudFront returns the same invalidation instead of creating a second one. */
char **invalidate_normalise_paths(const char *const *paths, size_t n, size_t *nout);
char *invalidate_caller_reference(const char *distribution, const char *const *paths, size_t n,
                                  const char *operator_arn, time_t now);
/* The default paths of a distribution: [distribution ID] paths = ..., else everything. */
char **invalidate_default_paths(const struct od_settings *settings, const char *distribution,
                                size_t *nout);
void action_strv_free(char ***v, size_t *n);

/* Follow an invalidation until it is Completed (case-insensitive: moto says COMPLETED):
 * GetInvalidation now, then every env->follow_interval_ms. cb runs after each answer; the last
 * call has done = true (completed, a non-retryable error, or timeout_ms passed: OD_E_TIMEOUT;
 * 0 = no limit). Throttling and transient errors only delay the next poll. */
struct od_inv_follow;
typedef void (*invalidate_follow_cb)(const char *status, bool done, const struct od_error *err,
                                     void *ud);
enum od_err invalidate_follow(struct od_action_env *env, const char *distribution,
                              const char *invalidation_id, unsigned long long timeout_ms,
                              invalidate_follow_cb cb, void *ud, struct od_inv_follow **out,
                              struct od_error *err);
void invalidate_follow_free(struct od_inv_follow **fp);

#endif
