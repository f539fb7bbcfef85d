/* R: roll back. A service deployment in flight: the plan view offers rolling it back
 * (StopServiceDeployment ROLLBACK, or ContinueServiceDeployment ROLLBACK at a hook awaiting
 * action) or aborting it (StopServiceDeployment ABORT), and the steered deployment is followed
 * (act_steer.c). Otherwise: plan, then the revision picker with the previous revision selected (newest
 * first, with images, age, current / previous / last stable); the diff follows the cursor;
 * Enter asks for the confirmation. From a FAILED rollout view, R goes straight to the
 * confirmation for the last stable revision. */
#include <stdio.h>
#include <stdlib.h>

#include "model/entities.h"
#include "ui/act.h"
#include "ui/act_rollback_revisions.h"
#include "ui/present.h"
#include "ui/view_rollout.h"

static void
start(struct op *op)
{
    struct od_action_params p;

    op->revision = view_rollout_rollback_revision(ui_top(op->ui));
    op->direct = op->revision > 0;
    act_params(op, &p);
    act_rollback_revisions_start(op);
    act_plan(op, &p);
}

static bool
wants_view(const struct op *op)
{
    return !op->direct && op->plan->steer_none == NULL;
}

/* ECS is already ending the deployment in flight: say so instead of a confirmation. */
static bool
before_confirm(struct op *op)
{
    if (op->plan->steer_none == NULL)
        return false;
    ui_error(op->ui, "rollback: %s", op->plan->steer_none);
    return true;
}

/* The service deployment in flight: roll back (row 0) or abort (row 1). */
static void
build_steer(struct ui_doc *d, const struct od_plan *plan)
{
    bool abort = plan->steer == OD_STEER_STOP_ABORT;

    act_doc_section(d, "A service deployment is in flight (Enter on a choice asks for the "
                       "confirmation)");
    doc_line(d, ROW_STEER, "0");
    doc_add(d, !abort ? EL_TITLE : EL_ROW, 2, !abort ? "▶" : "");
    doc_add(d, EL_ROW, 0, plan->hook_id != NULL
                              ? "Roll back at the hook awaiting action "
                                "(ContinueServiceDeployment ROLLBACK)"
                              : "Roll back to the source revision (StopServiceDeployment "
                                "ROLLBACK)");
    doc_line(d, ROW_STEER, "1");
    doc_add(d, abort ? EL_TITLE : EL_ROW, 2, abort ? "▶" : "");
    doc_add(d, EL_ROW, 0, "Abort where it is, without rolling back (StopServiceDeployment ABORT)");
    act_doc_section(d, "Planned change");
    doc_line(d, 0, NULL);
    doc_add(d, EL_ROW, 0, "  ");
    doc_add(d, EL_STATE_WARN, 0, plan->change != NULL ? plan->change : "");
}

static void
build(struct ui_doc *d, const struct od_plan *plan)
{
    char key[32], ago[32];

    if (plan->steer != OD_STEER_NONE) {
        build_steer(d, plan);
        return;
    }

    act_doc_section(d, "Revisions, newest first (Enter rolls back to the one under the cursor)");
    for (size_t i = 0; i < plan->nrevisions; i++) {
        const struct od_revision *r = &plan->revisions[i];
        char *name = task_def_short_name(r->arn);

        snprintf(key, sizeof key, "%zu", i);
        present_ago(r->registered_at, ago, sizeof ago);
        doc_line(d, ROW_REVISION, key);
        doc_add(d, i == plan->selected ? EL_TITLE : EL_ROW, 2, i == plan->selected ? "▶" : "");
        doc_add(d, EL_ROW, 14, name != NULL ? name : r->arn);
        doc_addf(d, EL_DIM, 12, "%s", ago);
        doc_addf(d, EL_STATE_OK, 0, "%s%s%s", r->current ? "[current] " : "",
                 r->previous ? "[previous] " : "", r->stable ? "[last stable] " : "");
        doc_add(d, EL_ROW, 0, r->images != NULL ? r->images : (r->td_json != NULL ? "" : "(not described)"));
        free(name);
    }
    if (plan->nrevisions == 0) {
        doc_line(d, 0, NULL);
        doc_add(d, EL_DIM, 0, "  no earlier ACTIVE revision to roll back to");
    }
    if (plan->ready) {
        act_doc_section(d, "Planned change");
        doc_line(d, 0, NULL);
        doc_add(d, EL_ROW, 0, "  ");
        doc_add(d, EL_STATE_WARN, 0, plan->change);
        act_doc_section(d, "Task-definition diff (current -> selected)");
        if (plan->diff == NULL || plan->diff[0] == '\0') {
            doc_line(d, 0, NULL);
            doc_add(d, EL_DIM, 0, "  no difference");
        } else {
            act_doc_lines(d, plan->diff, EL_ROW, "  ");
        }
    }
}

/* The diff follows the cursor. */
static void
cursor_moved(struct view *v, struct op *op)
{
    struct od_plan *plan = op->plan;
    struct od_error err = {0};
    long i;

    if (plan->steer != OD_STEER_NONE) {
        /* the planned change follows the cursor between roll back and abort */
        if (act_plan_view_row(v, &i) == ROW_STEER && (i == 1) != (plan->steer == OD_STEER_STOP_ABORT)) {
            if (action_plan_steer_abort(plan, i == 1, &err) != OD_OK)
                od_error_clear(&err);
            v->need_recalc = true;
        }
        return;
    }
    if (act_plan_view_row(v, &i) == ROW_SERVICE_REVISION) {
        act_rollback_revisions_cursor(v, op, i);
        return;
    }
    if (act_plan_view_row(v, &i) != ROW_REVISION || i < 0 || (size_t)i >= plan->nrevisions ||
        (size_t)i == plan->selected || plan->revisions[i].current ||
        plan->revisions[i].td_json == NULL)
        return;
    if (action_plan_select(plan, (size_t)i, &err) != OD_OK)
        od_error_clear(&err);
    v->need_recalc = true;
}

static void
choose(struct view *v, struct op *op, int kind, long i)
{
    struct od_plan *plan = op->plan;
    struct od_error err = {0};

    if (plan->steer != OD_STEER_NONE) {
        if (kind == ROW_STEER && action_plan_steer_abort(plan, i == 1, &err) != OD_OK) {
            act_show_error(v->ui, "rollback", &err);
            od_error_clear(&err);
            return;
        }
        v->need_recalc = true;
        act_confirm(op);
        return;
    }
    if (kind == ROW_SERVICE_REVISION) {
        act_rollback_revisions_choose(v, op, i);
        return;
    }
    if (kind != ROW_REVISION) {
        if (plan->ready)
            act_confirm(op);
        return;
    }
    if (i < 0 || (size_t)i >= plan->nrevisions)
        return;
    if (plan->revisions[i].current) {
        ui_error(v->ui, "rollback: that is the current revision; choose an older one");
        return;
    }
    if ((size_t)i != plan->selected && action_plan_select(plan, (size_t)i, &err) != OD_OK) {
        act_show_error(v->ui, "rollback", &err);
        od_error_clear(&err);
        return;
    }
    v->need_recalc = true;
    act_confirm(op);
}

/* A steered deployment is followed in the message line; an UpdateService rollback opens the
 * rollout view as before. */
static void
applied(struct op *op, const struct od_action_result *res)
{
    if (op->plan->steer != OD_STEER_NONE)
        act_follow_steered(op, res);
    else
        act_open_rollout(op, res);
}

const struct act_flow act_rollback_flow = {
    .id = OD_ACTION_ROLLBACK,
    .key = ACT_ROLLBACK,
    .title = "Roll back",
    .confirm_label = "Roll back",
    .danger = true,
    .needs = "select a service first",
    .applicable = act_needs_service,
    .start = start,
    .wants_view = wants_view,
    .before_confirm = before_confirm,
    .build = build,
    .build_more = act_rollback_revisions_build,
    .choose = choose,
    .cursor_moved = cursor_moved,
    .applied = applied,
};
