/* S: scale. A prompt for the desired count (prefilled with the current one), then the
 * confirmation, and the rollout view once applied. */
#include <stdio.h>
#include <stdlib.h>

#include "model/world.h"
#include "ui/act.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

static void
on_count(const char *text, void *ud)
{
    struct op *op = ud;
    struct od_action_params p;
    long n;

    op->asking = false;
    if (text == NULL || op->ui == NULL) {
        if (op->ui != NULL)
            ui_message(op->ui, "scale cancelled; nothing was changed");
        act_release(op);
        return;
    }
    if (!str_to_long(text, &n) || n < 0 || n > 100000) {
        ui_error(op->ui, "scale: '%s' is not a task count (0 or more)", text);
        act_release(op);
        return;
    }
    act_params(op, &p);
    p.count = n;
    act_plan(op, &p);
}

static void
start(struct op *op)
{
    const struct od_service *s = world_service(ui_world(op->ui), op->service);
    char *label, *safe = sanitize_str(op->service), initial[32] = "";

    if (s != NULL)
        snprintf(initial, sizeof initial, "%ld", s->desired);
    label = xasprintf("desired count for %s%s%s: ", safe, s != NULL ? ", now " : "", initial);
    op->asking = true;
    ui_prompt_open(op->ui, label, initial, on_count, op);
    free(label);
    free(safe);
}

/* The answer to "move the bounds?": y moves them in the plan, anything else keeps them (the
 * confirmation then warns that the autoscaler will undo the count); Esc cancels. */
static void
on_bounds(const char *text, void *ud)
{
    struct op *op = ud;

    op->asking = false;
    if (text == NULL || op->ui == NULL) {
        action_plan_decline(op->plan);
        if (op->ui != NULL)
            ui_message(op->ui, "scale cancelled; nothing was changed");
        act_release(op);
        return;
    }
    (void)action_plan_adjust_bounds(op->plan, text[0] == 'y' || text[0] == 'Y');
    act_confirm(op);
}

/* A count outside the scalable target's [min, max]: offer to move the bounds first. */
static bool
before_confirm(struct op *op)
{
    const struct od_plan *plan = op->plan;
    long lo, hi;
    char *label;

    if (!plan->scaling_known ||
        (plan->count >= plan->scaling_min && plan->count <= plan->scaling_max))
        return false;
    lo = plan->count < plan->scaling_min ? plan->count : plan->scaling_min;
    hi = plan->count > plan->scaling_max ? plan->count : plan->scaling_max;
    /* the prompt's label holds 63 bytes */
    label = xasprintf("outside auto scaling [%ld, %ld]: move it to [%ld, %ld]? (y/N) ",
                      plan->scaling_min, plan->scaling_max, lo, hi);
    op->asking = true;
    ui_prompt_open(op->ui, label, "n", on_bounds, op);
    free(label);
    return true;
}

const struct act_flow act_scale_flow = {
    .id = OD_ACTION_SCALE,
    .key = ACT_SCALE,
    .title = "Scale",
    .confirm_label = "Scale",
    .needs = "select a service first",
    .applicable = act_needs_service,
    .start = start,
    .before_confirm = before_confirm,
    .applied = act_open_rollout,
};
