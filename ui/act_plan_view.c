/* The plan view: where a flow's choices are made before the confirmation (the deploy choices,
 * the rollback picker). It shows the plan's description, then what the flow builds; Enter hands
 * the row under the cursor to the flow. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/act.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

struct plan_view {
    struct op *op;
    struct ui_doc doc;
    bool placed; /* the cursor was put on the preselected row */
};

static const enum ui_action plan_actions[] = {
    ACT_UP, ACT_DOWN, ACT_TOP, ACT_BOTTOM, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_ENTER, ACT_FILTER,
};

void
act_doc_lines(struct ui_doc *d, const char *text, enum ui_el el, const char *indent)
{
    const char *s = text;

    while (s != NULL && *s != '\0') {
        size_t len = strcspn(s, "\n");
        char *one = xstrndup(s, len);

        doc_line(d, 0, NULL);
        doc_add(d, el, 0, indent);
        doc_add(d, one[0] == '+' ? EL_STATE_OK : one[0] == '-' ? EL_STATE_FAILED : el, 0, one);
        free(one);
        s += len;
        if (*s == '\n')
            s++;
    }
}

void
act_doc_section(struct ui_doc *d, const char *title)
{
    doc_line(d, 0, NULL);
    doc_line(d, 0, NULL);
    doc_add(d, EL_SECTION, 0, title);
}

static void
plan_recalc(struct view *v)
{
    struct plan_view *st = v->st;
    const struct od_plan *plan = st->op->plan;
    struct ui_doc *d = &st->doc;

    doc_begin(d);
    if (plan == NULL) {
        doc_line(d, 0, NULL);
        doc_add(d, EL_DIM, 0, "planning…");
        doc_end(d);
        return;
    }
    doc_line(d, 0, NULL);
    doc_add(d, EL_SECTION, 0, "Plan");
    act_doc_lines(d, plan->description, EL_ROW, "  ");
    st->op->flow->build(d, plan);
    if (st->op->flow->build_more != NULL)
        st->op->flow->build_more(d, st->op);
    doc_line(d, 0, NULL);
    doc_line(d, 0, NULL);
    doc_add(d, EL_DIM, 0, "Enter chooses · the confirmation names the change · q cancels");
    doc_end(d);
    if (!st->placed) {
        char key[32];

        st->placed = true;
        if (plan->def->id == OD_ACTION_ROLLBACK && plan->steer != OD_STEER_NONE) {
            doc_goto_link(d, ROW_STEER, "0");
        } else if (plan->def->id == OD_ACTION_ROLLBACK) {
            snprintf(key, sizeof key, "%zu", plan->selected);
            doc_goto_link(d, ROW_REVISION, key);
        } else {
            doc_goto_link(d, ROW_IMAGE, "0");
        }
    }
}

static void
plan_draw(struct view *v, int y, int x, int h, int w)
{
    doc_draw(&((struct plan_view *)v->st)->doc, y, x + 1, h, w - 1);
}

static void
choose(struct view *v)
{
    struct plan_view *st = v->st;
    struct op *op = st->op;
    const char *link;
    int kind;
    long i = -1;

    if (op->plan == NULL || op->pending || op->asking)
        return;
    kind = doc_link(&st->doc, &link);
    if (kind != 0 && kind != ROW_FORCE && !str_to_long(link, &i))
        return;
    op->flow->choose(v, op, kind, i);
}

static bool
plan_key(struct view *v, enum ui_action a)
{
    struct plan_view *st = v->st;

    if (doc_key(&st->doc, a)) {
        if (st->op->flow->cursor_moved != NULL && st->op->plan != NULL)
            st->op->flow->cursor_moved(v, st->op);
        return true;
    }
    if (a == ACT_ENTER) {
        choose(v);
        return true;
    }
    return false;
}

static void
plan_title(struct view *v, char *out, size_t len)
{
    struct op *op = ((struct plan_view *)v->st)->op;
    char *svc = sanitize_str(op->service), *cl = sanitize_str(op->cluster);

    snprintf(out, len, "%s · service %s · cluster %s", op->flow->confirm_label, svc, cl);
    free(svc);
    free(cl);
}

static void
plan_set_filter(struct view *v, const char *text)
{
    doc_set_filter(&((struct plan_view *)v->st)->doc, text);
}

static const char *
plan_get_filter(struct view *v)
{
    return ((struct plan_view *)v->st)->doc.filter;
}

static void
plan_destroy(struct view *v)
{
    struct plan_view *st = v->st;
    struct op *op = st->op;

    doc_free(&st->doc);
    free(st);
    op->view = NULL;
    act_release(op);
}

static const struct view_ops plan_ops = {
    .name = "plan",
    .parts = 0,
    .actions = plan_actions,
    .nactions = sizeof plan_actions / sizeof plan_actions[0],
    .destroy = plan_destroy,
    .recalc = plan_recalc,
    .draw = plan_draw,
    .key = plan_key,
    .title = plan_title,
    .set_filter = plan_set_filter,
    .get_filter = plan_get_filter,
};

void
act_open_plan_view(struct op *op)
{
    struct plan_view *st;

    if (op->view != NULL) {
        op->view->need_recalc = true;
        ui_dirty(op->ui);
        return;
    }
    st = xcalloc(1, sizeof *st);
    st->op = op;
    doc_init(&st->doc);
    op->view = view_new(op->ui, &plan_ops, st);
    ui_push(op->ui, op->view);
}

/* The row under the cursor of a plan view: its kind and index (-1 when it has none). */
int
act_plan_view_row(struct view *v, long *index)
{
    struct plan_view *st = v->st;
    const char *link;
    int kind = doc_link(&st->doc, &link);

    if (kind == 0 || !str_to_long(link, index))
        *index = -1;
    return kind;
}
