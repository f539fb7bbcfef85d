/* I: invalidate a CloudFront cache. Plan (paths from [distribution ID] paths, else
 * everything), then the confirmation; after the change, the invalidation is followed to
 * Completed in the message line. */
#include <stdlib.h>

#include "ui/act.h"
#include "util/sanitize.h"

#define INVALIDATION_FOLLOW_MS (30ULL * 60 * 1000)

static void
start(struct op *op)
{
    struct od_action_params p;

    act_params(op, &p);
    act_plan(op, &p);
}

static void
on_follow(const char *status, bool done, const struct od_error *err, void *ud)
{
    struct op *op = ud;
    char *dist = sanitize_str(op->distribution);

    if (op->ui != NULL) {
        if (done)
            ui_refresh(op->ui); /* the distribution view lists the invalidations */
        if (err != NULL && err->err != OD_OK && done)
            act_show_error(op->ui, "invalidation", err);
        else if (status != NULL)
            ui_message(op->ui, "invalidation of %s: %s%s", dist, status,
                       done ? "" : " (following)");
    }
    free(dist);
    if (done) {
        invalidate_follow_free(&op->follow);
        act_release(op);
    }
}

static void
applied(struct op *op, const struct od_action_result *res)
{
    struct od_error err = {0};

    if (res->invalidation_id == NULL)
        return;
    if (invalidate_follow(&op->env, op->plan->distribution, res->invalidation_id,
                          INVALIDATION_FOLLOW_MS, on_follow, op, &op->follow, &err) != OD_OK) {
        act_show_error(op->ui, "invalidation", &err);
        od_error_clear(&err);
    }
}

static bool
applicable(const struct ui_target *t)
{
    return t->kind == TARGET_DISTRIBUTION && t->distribution_id != NULL;
}

const struct act_flow act_invalidate_flow = {
    .id = OD_ACTION_INVALIDATE,
    .key = ACT_INVALIDATE,
    .title = "Invalidate CloudFront cache",
    .confirm_label = "Invalidate",
    .needs = "select a distribution first",
    .applicable = applicable,
    .start = start,
    .applied = applied,
};
