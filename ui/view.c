#include "ui/view.h"
#include "ui/widget_table.h"

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

void
table_view_set_filter(struct view *v, const char *text)
{
    table_set_filter((struct ui_table *)v->st, text);
}

const char *
table_view_get_filter(struct view *v)
{
    return table_filter((const struct ui_table *)v->st);
}

/* dir 0 sorts the column its natural way (numbers high first), else dir > 0 descending. */
bool
table_view_sort(struct view *v, const char *column, int dir)
{
    struct ui_table *t = v->st;
    int c = table_find_col(t, column);

    if (c < 0)
        return false;
    table_sort_by(t, c, dir == 0 ? t->cols[c].numeric : dir > 0);
    return true;
}
