/* The rollback picker's service revisions (see act_rollback_revisions.h). */
#include "ui/act_rollback_revisions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "aws/ecs.h"
#include "aws/proto_json.h"
#include "model/entities.h"
#include "poller/deploy_history.h"
#include "ui/present.h"
#include "util/str.h"
#include "util/xalloc.h"

#define HISTORY_ITEMS 20

struct sr_row {
    const struct od_service_revision *rev;
    const struct od_service_deployment *dep; /* the deployment that targeted it */
};

/* The targets of the history's deployments, newest first, each once; n at most max. */
static size_t
rows(const struct od_deploy_history *h, struct sr_row *out, size_t max)
{
    size_t n = 0;

    for (size_t i = 0; h != NULL && i < h->ndeps && n < max; i++) {
        const struct od_service_revision *r = deploy_history_revision(h, h->deps[i].target.arn);
        bool seen = false;

        for (size_t k = 0; r != NULL && k < n; k++)
            seen = seen || out[k].rev == r;
        if (r != NULL && !seen)
            out[n++] = (struct sr_row){r, &h->deps[i]};
    }
    return n;
}

static bool
same_td(const char *a, const char *b)
{
    char *x = task_def_short_name(a), *y = task_def_short_name(b);
    bool same = x != NULL && y != NULL && strcmp(x, y) == 0;

    free(x);
    free(y);
    return same;
}

/* The row that runs now: the newest on the service's task definition. */
static long
current_row(const struct od_plan *plan, const struct sr_row *r, size_t n)
{
    for (size_t i = 0; plan != NULL && i < n; i++)
        if (same_td(r[i].rev->task_definition, plan->current_td_arn))
            return (long)i;
    return -1;
}

static void
on_history(struct od_deploy_history *h, const struct od_error *err, void *ud)
{
    struct op *op = ud;

    op->history_fetch = NULL;
    (void)err; /* without the history the picker offers task-definition revisions only */
    op->history = h;
    if (op->view != NULL)
        op->view->need_recalc = true;
    if (op->ui != NULL)
        ui_dirty(op->ui);
}

void
act_rollback_revisions_start(struct op *op)
{
    struct od_error err = {0};

    op->service_revision = -1;
    if (op->env.aws == NULL || op->direct)
        return;
    if (deploy_history_fetch(op->env.aws, op->cluster, op->service, HISTORY_ITEMS, 0,
                             on_history, op, &op->history_fetch, &err) != OD_OK)
        od_error_clear(&err);
}

/* Fields of a revision that UpdateService taskDefinition does not bring back. */
static bool
not_restored(const char *field)
{
    return !str_eq(field, "task definition") && !str_has_prefix(field, "image ");
}

void
act_rollback_revisions_build(struct ui_doc *d, const struct op *op)
{
    struct sr_row r[HISTORY_ITEMS];
    size_t n = rows(op->history, r, HISTORY_ITEMS);
    long cur = current_row(op->plan, r, n);
    bool any_left = false;

    if (op->history == NULL) {
        if (op->history_fetch != NULL) {
            act_doc_section(d, "Service revisions");
            doc_line(d, 0, NULL);
            doc_add(d, EL_DIM, 0, "  reading the service's deployments…");
        }
        return;
    }
    if (n == 0)
        return;
    act_doc_section(d, "Service revisions, newest first (Enter rolls back to its task definition)");
    for (size_t i = 0; i < n; i++) {
        char key[32], ago[32], *td = task_def_short_name(r[i].rev->task_definition);
        const char *slash = r[i].rev->arn != NULL ? strrchr(r[i].rev->arn, '/') : NULL;
        bool here = (long)i == op->service_revision;

        snprintf(key, sizeof key, "%zu", i);
        present_ago((double)r[i].rev->created_ms / 1000.0, ago, sizeof ago);
        doc_line(d, ROW_SERVICE_REVISION, key);
        doc_add(d, here ? EL_TITLE : EL_ROW, 2, here ? "▶" : "");
        doc_add(d, EL_ROW, 22, slash != NULL ? slash + 1 : "-");
        doc_add(d, EL_ROW, 14, td != NULL ? td : "-");
        doc_add(d, EL_DIM, 12, ago);
        doc_add(d, str_eq(r[i].dep->status, "SUCCESSFUL") ? EL_STATE_OK : EL_STATE_WARN, 0,
                r[i].dep->status != NULL ? r[i].dep->status : "-");
        if ((long)i == cur)
            doc_add(d, EL_STATE_OK, 0, " [current]");
        free(td);
    }
    if (op->service_revision >= 0 && (size_t)op->service_revision < n && cur >= 0 &&
        op->service_revision != cur) {
        size_t nc;
        struct od_revision_change *c = revision_diff(r[cur].rev, r[op->service_revision].rev, &nc);

        act_doc_section(d, "Service-revision diff (current -> selected)");
        for (size_t i = 0; i < nc; i++) {
            doc_line(d, 0, NULL);
            doc_add(d, EL_LABEL, 0, "  ");
            doc_add(d, EL_LABEL, 0, c[i].field);
            doc_add(d, EL_LABEL, 0, " ");
            doc_add(d, EL_DIM, 0, c[i].from != NULL ? c[i].from : "-");
            doc_add(d, EL_ROW, 0, " -> ");
            doc_add(d, EL_ROW, 0, c[i].to != NULL ? c[i].to : "-");
            if (not_restored(c[i].field)) {
                doc_add(d, EL_STATE_WARN, 0, "  (not restored)");
                any_left = true;
            }
        }
        if (nc == 0) {
            doc_line(d, 0, NULL);
            doc_add(d, EL_DIM, 0, "  no difference");
        }
        if (any_left) {
            doc_line(d, 0, NULL);
            doc_add(d, EL_STATE_WARN, 0,
                    "  a rollback sets the task definition only (UpdateService taskDefinition):"
                    " the lines marked (not restored) stay as they are now");
        }
        revision_changes_free(&c, &nc);
    }
}

static long td_index(const struct od_plan *plan, const char *td);

/* A service revision's task definition the plan did not describe (the plan describes the
 * revisions older than the current one): describe it now, then select it if the cursor is
 * still on that service revision. */
static bool select_row(struct view *v, struct op *op, long i, bool loud);

static void
on_td(const struct od_aws_response *resp, const struct od_error *err, void *ud)
{
    struct op *op = ud;
    cJSON *root;
    const cJSON *td;
    long k;

    op->td_describing = false;
    if (err != NULL && err->err != OD_OK) {
        if (op->ui != NULL)
            act_show_error(op->ui, "rollback: DescribeTaskDefinition", err);
        return;
    }
    if (op->plan == NULL || (root = json_parse(resp->body, resp->body_len, NULL)) == NULL)
        return;
    td = json_obj(root, "taskDefinition");
    k = td != NULL ? td_index(op->plan, json_str(td, "taskDefinitionArn")) : -1;
    if (k >= 0 && op->plan->revisions[k].td_json == NULL)
        op->plan->revisions[k].td_json = json_print(td);
    cJSON_Delete(root);
    /* The cursor's service revision now (it may have moved on while this was read). */
    if (op->view != NULL)
        select_row(op->view, op, op->service_revision, false);
    if (op->ui != NULL)
        ui_dirty(op->ui);
}

/* The plan's row of task definition td, or -1. */
static long
td_index(const struct od_plan *plan, const char *td)
{
    for (size_t k = 0; k < plan->nrevisions; k++)
        if (same_td(plan->revisions[k].arn, td))
            return (long)k;
    return -1;
}

/* Select row i's task definition in the plan; false (after saying why) when it cannot be. */
static bool
select_row(struct view *v, struct op *op, long i, bool loud)
{
    struct sr_row r[HISTORY_ITEMS];
    size_t n = rows(op->history, r, HISTORY_ITEMS);
    struct od_plan *plan = op->plan;
    struct od_error err = {0};

    if (plan == NULL || i < 0 || (size_t)i >= n)
        return false;
    op->service_revision = i;
    v->need_recalc = true;
    for (size_t k = 0; k < plan->nrevisions; k++) {
        if (!same_td(plan->revisions[k].arn, r[i].rev->task_definition))
            continue;
        if (plan->revisions[k].td_json == NULL) {
            char *body;

            if (!op->td_describing) {
                body = ecs_body_describe_task_definition(plan->revisions[k].arn);
                if (aws_call_json(op->env.aws, OD_SVC_ECS, "DescribeTaskDefinition", body, 0,
                                  on_td, op, &err) == OD_OK)
                    op->td_describing = true;
                else
                    od_error_clear(&err);
                free(body);
            }
            if (loud)
                ui_message(v->ui, "rollback: reading that task definition; Enter again to "
                                  "choose it");
            return false;
        }
        if (plan->revisions[k].current) {
            if (loud)
                ui_error(v->ui, "rollback: that service revision runs the current task "
                                "definition; a rollback by task definition would change "
                                "nothing");
            return false;
        }
        if (k != plan->selected || !plan->ready) {
            if (action_plan_select(plan, k, &err) != OD_OK) {
                if (loud)
                    act_show_error(v->ui, "rollback", &err);
                od_error_clear(&err);
                return false;
            }
        }
        return true;
    }
    if (loud)
        ui_error(v->ui, "rollback: that service revision's task definition is no longer "
                        "ACTIVE");
    return false;
}

void
act_rollback_revisions_cursor(struct view *v, struct op *op, long i)
{
    select_row(v, op, i, false);
}

void
act_rollback_revisions_choose(struct view *v, struct op *op, long i)
{
    if (select_row(v, op, i, true))
        act_confirm(op);
}
