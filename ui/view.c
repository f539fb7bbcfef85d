#include "ui/view.h"

#include <stdlib.h>

#include "util/xalloc.h"

const enum ui_action view_table_actions[VIEW_TABLE_NACTIONS] = {
    ACT_UP,        ACT_DOWN,  ACT_TOP,    ACT_BOTTOM,    ACT_PAGE_UP,   ACT_PAGE_DOWN,
    ACT_ENTER,     ACT_FILTER, ACT_SORT_NEXT, ACT_SORT_PREV, ACT_SORT_REVERSE,
};

const enum ui_action view_doc_actions[VIEW_DOC_NACTIONS] = {
    ACT_UP, ACT_DOWN, ACT_TOP, ACT_BOTTOM, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_ENTER, ACT_FILTER,
};

struct view *
view_new(struct ui *ui, const struct view_ops *ops, void *st)
{
    struct view *v = xcalloc(1, sizeof *v);

    v->ops = ops;
    v->ui = ui;
    v->st = st;
    v->need_recalc = true;
    return v;
}

void
view_free(struct view **vp)
{
    struct view *v = *vp;

    if (v == NULL)
        return;
    if (v->ops->destroy != NULL)
        v->ops->destroy(v);
    free(v);
    *vp = NULL;
}
