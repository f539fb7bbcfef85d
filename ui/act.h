/* The console's action flows: what the mutation keys (D deploy, R rollback, S scale, K stop
 * task, I invalidate) do, one file per flow (ui/act_<name>.c), all sharing one helper
 * (ui/act_flow.c): plan -> choose -> confirm -> execute -> watch.
 *
 * Every confirmation names account, region, cluster and target and the change, with Cancel
 * focused (ui/widget_confirm.c) and typed confirmation when the plan needs it. In read-only
 * mode every key is refused before anything is sent (and the refusal is journaled).
 *
 * Lifetime: one struct op per attempt, with its own action environment (the console's AWS
 * client can be replaced by :profile / :region). An op lives while a callback, a dialog, a
 * prompt or its plan view needs it; when the console goes away, ops still waiting for the
 * engine are orphaned and free themselves when their callback arrives. */
#ifndef UI_ACT_H
#define UI_ACT_H

#include <stdbool.h>
#include <stddef.h>

#include "actions/action.h"
#include "actions/sd_watch.h"
#include "ui/ui.h"
#include "ui/widget_doc.h"

struct op;

/* One flow (ui/act_<name>.c). */
struct act_flow {
    enum od_action_id id;
    enum ui_action key;
    const char *title;         /* of the confirmation dialog */
    const char *confirm_label; /* its confirm button */
    bool danger;               /* the dialog is drawn as dangerous */
    const char *needs;         /* what must be selected, for the refusal message */
    bool (*applicable)(const struct ui_target *t);
    /* Ask for inputs (a prompt) or plan at once (act_plan). */
    void (*start)(struct op *op);
    /* The plan came back: true opens the plan view; false goes to the confirmation. */
    bool (*wants_view)(const struct op *op);
    /* Before the confirmation (may be NULL): true when the flow asks something first and
     * calls act_confirm itself (scale: move the auto scaling bounds?). */
    bool (*before_confirm)(struct op *op);
    /* The plan view's choices, and Enter on one of them (row kind and index, -1 if none). */
    void (*build)(struct ui_doc *d, const struct od_plan *plan);
    /* More rows after build, from what the op gathered itself (may be NULL). */
    void (*build_more)(struct ui_doc *d, const struct op *op);
    void (*choose)(struct view *v, struct op *op, int kind, long index);
    /* The cursor moved in the plan view (may be NULL). */
    void (*cursor_moved)(struct view *v, struct op *op);
    /* The change was applied (after the message): open the rollout view, follow, ... */
    void (*applied)(struct op *op, const struct od_action_result *res);
};

extern const struct act_flow act_deploy_flow;     /* ui/act_deploy.c */
extern const struct act_flow act_rollback_flow;   /* ui/act_rollback.c */
extern const struct act_flow act_scale_flow;      /* ui/act_scale.c */
extern const struct act_flow act_stop_task_flow;  /* ui/act_stop_task.c */
extern const struct act_flow act_invalidate_flow; /* ui/act_invalidate.c */
extern const struct act_flow act_exec_flow;       /* ui/act_exec.c */
extern const struct act_flow act_continue_flow;   /* ui/act_steer.c */

struct op {
    struct op *next;
    struct ui *ui; /* NULL once the console is gone */
    const struct act_flow *flow;
    struct od_action_env env;
    struct od_plan *plan;
    struct view *view; /* the plan view (deploy, rollback) showing this op, or NULL */
    bool pending;      /* a plan or execute callback will come */
    bool asking;       /* a dialog or prompt of ours is open */
    bool direct;       /* rollback from a failed rollout: straight to the confirmation */
    struct od_inv_follow *follow;
    struct od_sd_watch *sd_follow; /* a steered service deployment followed (act_steer.c) */
    char *cluster, *service, *task, *distribution;
    char *container; /* exec: the container chosen in the task view, or NULL */
    long revision;
    size_t prompt_container; /* deploy: which container the image prompt is for */
    /* rollback: the service's deployment history (its service revisions), read beside the
     * plan (ui/act_rollback_revisions.c); the service revision row chosen, -1 none */
    struct od_history_fetch *history_fetch;
    struct od_deploy_history *history;
    long service_revision;
    bool td_describing; /* a DescribeTaskDefinition for a service revision's row is out */
};

/* Link kinds of the plan view's rows. */
enum { ROW_IMAGE = 1, ROW_FORCE, ROW_TAG, ROW_REVISION, ROW_SERVICE_REVISION, ROW_STEER };

/* ui/act_flow.c */
/* An action environment for the console's current AWS client and settings (the caller
 * clears it with action_env_clear). ONDECK_WATCH_INTERVAL_MS and ONDECK_FOLLOW_INTERVAL_MS
 * shorten the poll intervals, as in the CLI (tests). */
void act_env_init(struct ui *ui, struct od_action_env *env);
const char *act_name(const struct op *op);
/* A service is selected (or a task, whose service it is). */
bool act_needs_service(const struct ui_target *t);
/* Free the op when nothing needs it any more. */
void act_release(struct op *op);
void act_show_error(struct ui *ui, const char *what, const struct od_error *err);
/* The op's target as action parameters (the caller adds the flow's own). */
void act_params(const struct op *op, struct od_action_params *p);
void act_plan(struct op *op, const struct od_action_params *p);
void act_confirm(struct op *op);
/* After a deploy, rollback or scale: the rollout view, over the plan view if there is one. */
void act_open_rollout(struct op *op, const struct od_action_result *res);

/* ui/act_steer.c: after a rollback or continue that steered a service deployment, follow it
 * to its end in the message line. */
void act_follow_steered(struct op *op, const struct od_action_result *res);

/* ui/act_plan_view.c: the view a flow's choices are made in (deploy, rollback) */
void act_open_plan_view(struct op *op);
/* The row under its cursor: the link kind (ROW_*, 0 for none) and index (-1 for none). */
int act_plan_view_row(struct view *v, long *index);
void act_doc_lines(struct ui_doc *d, const char *text, enum ui_el el, const char *indent);
void act_doc_section(struct ui_doc *d, const char *title);

#endif
