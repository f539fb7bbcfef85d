/* D: deploy. Plan without an image, then the plan view: a new image for a container (typed in
 * the prompt, prefilled with the current one), a recent ECR tag, or "force new deployment"; the
 * task-definition diff of the choice; then the confirmation, and the rollout view once applied. */
#include <stdio.h>
#include <stdlib.h>

#include "ui/act.h"
#include "ui/present.h"
#include "util/xalloc.h"

static void
start(struct op *op)
{
    struct od_action_params p;

    act_params(op, &p);
    act_plan(op, &p);
}

static bool
wants_view(const struct op *op)
{
    return !op->plan->ready;
}

static void
build(struct ui_doc *d, const struct od_plan *plan)
{
    char key[32], ago[32];

    act_doc_section(d, "Choose what to deploy (Enter)");
    for (size_t i = 0; i < plan->ncontainers; i++) {
        snprintf(key, sizeof key, "%zu", i);
        doc_line(d, ROW_IMAGE, key);
        doc_add(d, EL_ROW, 0, "  ▸ new image for container ");
        doc_add(d, EL_TITLE, 0, plan->containers[i]);
        doc_add(d, EL_DIM, 0, "  (now ");
        doc_add(d, EL_DIM, 0, plan->container_images[i]);
        doc_add(d, EL_DIM, 0, ")  - type it");
    }
    doc_line(d, ROW_FORCE, "force");
    doc_add(d, EL_ROW, 0, "  ▸ force a new deployment of the current revision (same images, new tasks)");
    if (plan->ntags > 0) {
        act_doc_section(d, "Recent tags in the ECR repository (newest first)");
        doc_line(d, 0, NULL);
        doc_add(d, EL_DIM, 0, "  ");
        doc_add(d, EL_DIM, 0, plan->ecr_repository);
        for (size_t i = 0; i < plan->ntags; i++) {
            snprintf(key, sizeof key, "%zu", i);
            present_ago(plan->tags[i].pushed_at, ago, sizeof ago);
            doc_line(d, ROW_TAG, key);
            doc_add(d, EL_ROW, 0, "  ▸ ");
            doc_add(d, EL_ROW, 32, plan->tags[i].tag);
            doc_addf(d, EL_DIM, 0, "pushed %s", ago);
        }
    }
    if (plan->ready) {
        act_doc_section(d, "Planned change");
        doc_line(d, 0, NULL);
        doc_add(d, EL_ROW, 0, "  ");
        doc_add(d, EL_STATE_WARN, 0, plan->change);
        if (plan->diff != NULL) {
            act_doc_section(d, "Task-definition diff (current -> new)");
            if (plan->diff[0] == '\0') {
                doc_line(d, 0, NULL);
                doc_add(d, EL_DIM, 0, "  no difference");
            }
            act_doc_lines(d, plan->diff, EL_ROW, "  ");
        }
    }
}

static void
on_image(const char *text, void *ud)
{
    struct op *op = ud;
    struct od_error err = {0};

    op->asking = false;
    if (text == NULL || op->ui == NULL || op->plan == NULL) {
        act_release(op);
        return;
    }
    if (action_plan_set_image(op->plan, op->plan->containers[op->prompt_container], text,
                              &err) != OD_OK) {
        act_show_error(op->ui, "deploy", &err);
        od_error_clear(&err);
        act_release(op);
        return;
    }
    if (op->view != NULL)
        op->view->need_recalc = true;
    act_confirm(op);
}

static void
choose(struct view *v, struct op *op, int kind, long i)
{
    struct od_plan *plan = op->plan;
    struct od_error err = {0};

    switch (kind) {
    case ROW_IMAGE: {
        char *label;

        if (i < 0 || (size_t)i >= plan->ncontainers)
            return;
        op->prompt_container = (size_t)i;
        label = xasprintf("image for %s: ", plan->containers[i]);
        op->asking = true;
        ui_prompt_open(v->ui, label, plan->container_images[i], on_image, op);
        free(label);
        return;
    }
    case ROW_TAG: {
        char *image;

        if (i < 0 || (size_t)i >= plan->ntags)
            return;
        image = xasprintf(":%s", plan->tags[i].tag);
        if (action_plan_set_image(plan, NULL, image, &err) != OD_OK) {
            act_show_error(v->ui, "deploy", &err);
            od_error_clear(&err);
        } else {
            v->need_recalc = true;
            act_confirm(op);
        }
        free(image);
        return;
    }
    case ROW_FORCE: {
        struct od_action_params p;

        act_params(op, &p);
        p.force = true;
        act_plan(op, &p);
        return;
    }
    default:
        if (plan->ready)
            act_confirm(op);
        return;
    }
}

const struct act_flow act_deploy_flow = {
    .id = OD_ACTION_DEPLOY,
    .key = ACT_DEPLOY,
    .title = "Deploy",
    .confirm_label = "Deploy",
    .needs = "select a service first",
    .applicable = act_needs_service,
    .start = start,
    .wants_view = wants_view,
    .build = build,
    .choose = choose,
    .applied = act_open_rollout,
};
