#include "ui/widget_table.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ui/draw.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

#define GAP 2

void
table_init(struct ui_table *t, const struct table_col *cols, int ncols, int sort_col)
{
    memset(t, 0, sizeof *t);
    t->cols = cols;
    t->ncols = ncols;
    t->sort_col = sort_col;
}

static void
rows_clear(struct ui_table *t)
{
    for (size_t i = 0; i < t->nrows; i++) {
        for (int c = 0; c < t->ncols; c++)
            free(t->rows[i].cells[c].text);
        free(t->rows[i].cells);
        free(t->rows[i].key);
    }
    t->nrows = 0;
}

void
table_free(struct ui_table *t)
{
    rows_clear(t);
    free(t->rows);
    free(t->vis);
    free(t->order);
    free(t->filter);
    free(t->sel_key);
    memset(t, 0, sizeof *t);
}

void
table_begin(struct ui_table *t)
{
    rows_clear(t);
    t->nvis = 0;
    t->order_ok = false;
}

size_t
table_add(struct ui_table *t, const char *key, enum ui_el el)
{
    struct table_row *r;

    if (t->nrows == t->crows) {
        t->crows = t->crows != 0 ? t->crows * 2 : 32;
        t->rows = xreallocarray(t->rows, t->crows, sizeof *t->rows);
    }
    r = &t->rows[t->nrows];
    r->key = xstrdup(key != NULL ? key : "");
    r->cells = xcalloc((size_t)t->ncols, sizeof *r->cells);
    r->el = el;
    t->order_ok = false;
    for (int c = 0; c < t->ncols; c++)
        r->cells[c].el = el;
    return t->nrows++;
}

void
table_set(struct ui_table *t, size_t row, int col, const char *text, double num, enum ui_el el)
{
    struct table_cell *c;

    if (row >= t->nrows || col < 0 || col >= t->ncols)
        return;
    c = &t->rows[row].cells[col];
    t->order_ok = false;
    free(c->text);
    c->text = sanitize_str(text != NULL ? text : "-");
    c->cols = draw_cols(c->text);
    c->num = num;
    c->el = el;
}

void
table_setf(struct ui_table *t, size_t row, int col, double num, enum ui_el el, const char *fmt,
           ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = xvasprintf(fmt, ap);
    va_end(ap);
    table_set(t, row, col, s, num, el);
    free(s);
}

static bool
row_matches(const struct ui_table *t, const struct table_row *r)
{
    if (str_empty(t->filter))
        return true;
    if (strcasestr(r->key, t->filter) != NULL)
        return true;
    for (int c = 0; c < t->ncols; c++)
        if (r->cells[c].text != NULL && strcasestr(r->cells[c].text, t->filter) != NULL)
            return true;
    return false;
}

/* qsort has no context argument: the table being sorted. */
static const struct ui_table *sorting;

static int
cmp_rows(const void *pa, const void *pb)
{
    size_t ia = *(const size_t *)pa, ib = *(const size_t *)pb;
    const struct table_row *a = &sorting->rows[ia], *b = &sorting->rows[ib];
    int col = sorting->sort_col, r = 0;

    if (col >= 0 && col < sorting->ncols) {
        const struct table_cell *ca = &a->cells[col], *cb = &b->cells[col];

        if (sorting->cols[col].numeric) {
            r = ca->num < cb->num ? -1 : ca->num > cb->num ? 1 : 0;
        } else {
            r = strcasecmp(ca->text != NULL ? ca->text : "", cb->text != NULL ? cb->text : "");
        }
        if (sorting->sort_desc)
            r = -r;
    }
    if (r == 0)
        r = strcmp(a->key, b->key);
    if (r == 0)
        r = ia < ib ? -1 : ia > ib ? 1 : 0;
    return r;
}

/* Sort every row once per rebuild or sort change; the filtered rows are then a walk of that
 * order (a subsequence of a sorted list is sorted). */
static void
ensure_order(struct ui_table *t)
{
    if (t->order_ok)
        return;
    t->order = xreallocarray(t->order, t->nrows + 1, sizeof *t->order);
    for (size_t i = 0; i < t->nrows; i++)
        t->order[i] = i;
    sorting = t;
    if (t->nrows > 1)
        qsort(t->order, t->nrows, sizeof *t->order, cmp_rows);
    sorting = NULL;
    t->order_ok = true;
}

/* Filter the rows, from every row in order or (narrowing: the new filter contains the old
 * one) from those shown already, then keep the selection. */
static void
apply(struct ui_table *t, bool narrowing)
{
    size_t n = 0;

    ensure_order(t);
    t->vis = xreallocarray(t->vis, t->nrows + 1, sizeof *t->vis);
    if (narrowing) {
        for (size_t i = 0; i < t->nvis; i++)
            if (row_matches(t, &t->rows[t->vis[i]]))
                t->vis[n++] = t->vis[i];
    } else {
        for (size_t i = 0; i < t->nrows; i++)
            if (row_matches(t, &t->rows[t->order[i]]))
                t->vis[n++] = t->order[i];
    }
    t->nvis = n;
    if (t->sel_key != NULL) {
        for (size_t i = 0; i < t->nvis; i++) {
            if (str_eq(t->rows[t->vis[i]].key, t->sel_key)) {
                t->sel = i;
                return;
            }
        }
    }
    if (t->nvis == 0) {
        t->sel = 0;
        return; /* keep sel_key: the row may come back with the next refresh */
    }
    if (t->sel >= t->nvis)
        t->sel = t->nvis - 1;
    if (t->sel_key == NULL || t->nrows > 0) {
        free(t->sel_key);
        t->sel_key = xstrdup(t->rows[t->vis[t->sel]].key);
    }
}

void
table_end(struct ui_table *t)
{
    apply(t, false);
}

/* Re-filter and re-sort the rows already held. */
static void
reapply(struct ui_table *t)
{
    t->order_ok = false;
    apply(t, false);
}

void
table_set_filter(struct ui_table *t, const char *filter)
{
    /* Typing on: what matches the longer text matched the shorter (a cell holding the new
     * text holds the old), so only the rows shown need a look. */
    bool narrowing = t->filter != NULL && !str_empty(filter) && t->order_ok &&
                     strcasestr(filter, t->filter) != NULL;

    free(t->filter);
    t->filter = str_empty(filter) ? NULL : xstrdup(filter);
    t->top = 0;
    apply(t, narrowing);
}

const char *
table_filter(const struct ui_table *t)
{
    return t->filter;
}

void
table_sort_by(struct ui_table *t, int col, bool desc)
{
    if (col < 0 || col >= t->ncols)
        return;
    t->sort_col = col;
    t->sort_desc = desc;
    reapply(t);
}

void
table_sort_step(struct ui_table *t, int delta)
{
    int col = t->sort_col;

    for (int i = 0; i < t->ncols; i++) {
        col = ((col + delta) % t->ncols + t->ncols) % t->ncols;
        if (!t->cols[col].nosort)
            break;
    }
    /* Numbers read best largest first; names alphabetically. */
    table_sort_by(t, col, t->cols[col].numeric);
}

void
table_sort_reverse(struct ui_table *t)
{
    table_sort_by(t, t->sort_col, !t->sort_desc);
}

int
table_find_col(const struct ui_table *t, const char *title)
{
    for (int c = 0; c < t->ncols; c++)
        if (str_case_eq(t->cols[c].title, title))
            return c;
    return -1;
}

static void
select_index(struct ui_table *t, size_t i)
{
    if (t->nvis == 0)
        return;
    if (i >= t->nvis)
        i = t->nvis - 1;
    t->sel = i;
    free(t->sel_key);
    t->sel_key = xstrdup(t->rows[t->vis[i]].key);
}

bool
table_key(struct ui_table *t, enum ui_action a)
{
    size_t page = t->page > 1 ? (size_t)t->page - 1 : 1;

    switch (a) {
    case ACT_UP:
        if (t->sel > 0)
            select_index(t, t->sel - 1);
        return true;
    case ACT_DOWN:
        select_index(t, t->sel + 1);
        return true;
    case ACT_TOP:
        select_index(t, 0);
        return true;
    case ACT_BOTTOM:
        if (t->nvis > 0)
            select_index(t, t->nvis - 1);
        return true;
    case ACT_PAGE_UP:
        select_index(t, t->sel > page ? t->sel - page : 0);
        return true;
    case ACT_PAGE_DOWN:
        select_index(t, t->sel + page);
        return true;
    case ACT_SORT_NEXT:
        table_sort_step(t, 1);
        return true;
    case ACT_SORT_PREV:
        table_sort_step(t, -1);
        return true;
    case ACT_SORT_REVERSE:
        table_sort_reverse(t);
        return true;
    default:
        return false;
    }
}

const char *
table_selected(const struct ui_table *t)
{
    return t->nvis > 0 ? t->rows[t->vis[t->sel]].key : NULL;
}

void
table_select(struct ui_table *t, const char *key)
{
    free(t->sel_key);
    t->sel_key = key != NULL ? xstrdup(key) : NULL;
    for (size_t i = 0; key != NULL && i < t->nvis; i++)
        if (str_eq(t->rows[t->vis[i]].key, key))
            t->sel = i;
}

size_t
table_count(const struct ui_table *t)
{
    return t->nvis;
}

const char *
table_cell_text(const struct ui_table *t, size_t vis_index, int col)
{
    if (vis_index >= t->nvis || col < 0 || col >= t->ncols)
        return NULL;
    return t->rows[t->vis[vis_index]].cells[col].text;
}

/* A column is never narrower than its title (with the sort arrow): headers stay readable. */
static int
col_min(const struct ui_table *t, int c)
{
    int title = draw_cols(t->cols[c].title) + (c == t->sort_col ? 2 : 0);

    return t->cols[c].min > title ? t->cols[c].min : title;
}

void
table_layout(const struct ui_table *t, int w, int *widths)
{
    int natural[64], total = 0, n = t->ncols < 64 ? t->ncols : 64;

    for (int c = 0; c < n; c++) {
        const struct table_col *col = &t->cols[c];
        int cw = col_min(t, c), widest = 0;

        for (size_t i = 0; i < t->nvis; i++) {
            const struct table_cell *cell = &t->rows[t->vis[i]].cells[c];
            int sw = cell->text != NULL ? cell->cols : 1;

            if (sw > cw)
                cw = sw;
            if (sw > widest)
                widest = sw;
        }
        if (col->optional && widest == 0 && c > 0) {
            natural[c] = 0;
            continue;
        }
        if (col->max > 0 && cw > col->max)
            cw = col->max;
        if (cw < col_min(t, c))
            cw = col_min(t, c);
        natural[c] = cw;
        total += cw + (c > 0 ? GAP : 0);
    }
    for (int c = 0; c < n; c++)
        widths[c] = natural[c];
    /* Too wide: shrink the flexible (wider than minimum) columns, widest first. */
    while (total > w) {
        int best = -1;

        for (int c = 0; c < n; c++)
            if (widths[c] > 0 && widths[c] > col_min(t, c) &&
                (best < 0 || widths[c] > widths[best]))
                best = c;
        if (best < 0)
            break;
        widths[best]--;
        total--;
    }
    /* Still too wide: drop columns from the right. */
    for (int c = n - 1; c > 0 && total > w; c--) {
        if (widths[c] == 0)
            continue;
        total -= widths[c] + GAP;
        widths[c] = 0;
    }
    if (total > w && n > 0)
        widths[0] = w;
}

void
table_draw(struct ui_table *t, int y, int x, int h, int w)
{
    int widths[64], n = t->ncols < 64 ? t->ncols : 64, cx;
    const struct ui_glyphs *g = draw_glyphs();

    if (h <= 0 || w <= 0)
        return;
    table_layout(t, w, widths);
    draw_fill(y, x, w, EL_HEADER);
    cx = x;
    for (int c = 0; c < n; c++) {
        char title[128];

        if (widths[c] == 0)
            continue;
        if (c == t->sort_col)
            snprintf(title, sizeof title, "%s %s", t->cols[c].title,
                     t->sort_desc ? g->down : g->up);
        else
            snprintf(title, sizeof title, "%s", t->cols[c].title);
        draw_cell(y, cx, widths[c], EL_HEADER, title, t->cols[c].right ? ALIGN_RIGHT : ALIGN_LEFT);
        cx += widths[c] + GAP;
    }
    h--;
    y++;
    t->page = h;
    if (t->sel < t->top)
        t->top = t->sel;
    if (h > 0 && t->sel >= t->top + (size_t)h)
        t->top = t->sel - (size_t)h + 1;
    if (t->top + (size_t)h > t->nvis)
        t->top = t->nvis > (size_t)h ? t->nvis - (size_t)h : 0;
    for (int r = 0; r < h && t->top + (size_t)r < t->nvis; r++) {
        size_t vi = t->top + (size_t)r;
        const struct table_row *row = &t->rows[t->vis[vi]];
        bool selected = vi == t->sel;

        draw_fill(y + r, x, w, selected ? EL_ROW_SELECTED : row->el);
        cx = x;
        for (int c = 0; c < n; c++) {
            const struct table_cell *cell = &row->cells[c];

            if (widths[c] == 0)
                continue;
            draw_cell(y + r, cx, widths[c], selected ? EL_ROW_SELECTED : cell->el,
                      cell->text != NULL ? cell->text : "", t->cols[c].right ? ALIGN_RIGHT : ALIGN_LEFT);
            cx += widths[c] + GAP;
        }
    }
}

size_t
table_keys_between(const struct ui_table *t, long from, long to, const char ***out)
{
    size_t lo = from < 0 ? 0 : (size_t)from, hi = to < 0 ? 0 : (size_t)to, n = 0;

    if (hi > t->nvis)
        hi = t->nvis;
    *out = xcalloc(hi > lo ? hi - lo : 1, sizeof **out);
    for (size_t i = lo; i < hi; i++)
        (*out)[n++] = t->rows[t->vis[i]].key;
    return n;
}
