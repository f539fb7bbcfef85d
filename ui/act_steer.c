/* C: continue a service deployment paused at a lifecycle hook (ContinueServiceDeployment
 * action=CONTINUE with the hook's id); plan, then the confirmation, refused with the reason
 * when no hook is awaiting action. Also the follow both C and a steering R (act_rollback.c)
 * use: the steered deployment in the message line until it ends. */
#include <stdlib.h>

#include "ui/act.h"
#include "util/sanitize.h"

#define STEER_FOLLOW_MS (60ULL * 60 * 1000)

static void
on_sd_progress(const struct od_sd_progress *p, void *ud)
{
    struct op *op = ud;
    bool done = p->verdict != OD_ROLLOUT_PENDING;

    if (op->ui != NULL) {
        char *svc = sanitize_str(op->service);

        if (done) {
            ui_refresh(op->ui); /* the service view shows the deployment's stages */
            if (p->verdict == OD_ROLLOUT_COMPLETED)
                ui_message(op->ui, "%s of %s: %s", act_name(op), svc,
                           p->reason != NULL ? p->reason : "done");
            else
                ui_error(op->ui, "%s of %s: %s", act_name(op), svc,
                         p->reason != NULL ? p->reason : "failed");
        } else if (p->sd != NULL && p->changed) {
            char *st = sanitize_str(p->sd->status != NULL ? p->sd->status : "-");

            ui_message(op->ui, "%s of %s: service deployment %s (following)", act_name(op), svc,
                       st);
            free(st);
        }
        free(svc);
    }
    if (done) {
        sd_watch_free(&op->sd_follow);
        act_release(op);
    }
}

void
act_follow_steered(struct op *op, const struct od_action_result *res)
{
    struct od_error err = {0};

    if (op->view != NULL && ui_top(op->ui) == op->view)
        ui_pop(op->ui); /* the plan view is done (its destroy detaches it from op) */
    if (res->service_deployment_arn == NULL)
        return;
    if (sd_watch_start(&op->env, res->service_deployment_arn, op->plan->steer, op->plan->hook_id,
                       STEER_FOLLOW_MS, on_sd_progress, op, &op->sd_follow, &err) != OD_OK) {
        act_show_error(op->ui, act_name(op), &err);
        od_error_clear(&err);
    }
}

static void
start(struct op *op)
{
    struct od_action_params p;

    act_params(op, &p);
    act_plan(op, &p);
}

/* Nothing awaiting action: say so instead of a confirmation. */
static bool
before_confirm(struct op *op)
{
    if (op->plan->ready)
        return false;
    ui_error(op->ui, "continue: %s",
             op->plan->steer_none != NULL ? op->plan->steer_none : "nothing to continue");
    return true;
}

const struct act_flow act_continue_flow = {
    .id = OD_ACTION_CONTINUE,
    .key = ACT_CONTINUE,
    .title = "Continue the deployment",
    .confirm_label = "Continue",
    .needs = "select a service first",
    .applicable = act_needs_service,
    .start = start,
    .before_confirm = before_confirm,
    .applied = act_follow_steered,
};
