/* A sortable, filterable table with width-aware cells (htop Panel, tmux mode-tree). Views
 * rebuild the rows from the world (table_begin / table_add / table_set / table_end); the
 * selection follows the row's key across rebuilds, re-sorts and filters. Cell text is
 * sanitised on the way in, so cells can take strings from AWS directly. */
#ifndef UI_WIDGET_TABLE_H
#define UI_WIDGET_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/color.h"
#include "ui/keys.h"

struct table_col {
    const char *title;
    int min, max;  /* columns; max 0 = as wide as the content */
    bool right;    /* right-aligned */
    bool numeric;  /* sorts by the cell's number */
    bool nosort;   /* not offered by sort-next/prev */
    bool optional; /* takes no room (title included) while every shown cell is empty */
};

struct table_cell {
    char *text;
    double num;
    enum ui_el el;
    int cols; /* draw_cols(text), measured once when set: the layout reads every row's */
};

struct table_row {
    char *key;
    struct table_cell *cells;
    enum ui_el el;
};

struct ui_table {
    const struct table_col *cols;
    int ncols;
    struct table_row *rows;
    size_t nrows, crows;
    size_t *vis; /* rows shown, in display order */
    size_t nvis;
    size_t *order; /* every row in display order: a filter only walks it, never re-sorts */
    bool order_ok; /* order matches the rows and the sort */
    int sort_col;
    bool sort_desc;
    char *filter;
    char *sel_key;
    size_t sel, top;
    int page; /* rows visible at the last draw */
};

void table_init(struct ui_table *t, const struct table_col *cols, int ncols, int sort_col);
void table_free(struct ui_table *t);

void table_begin(struct ui_table *t);
size_t table_add(struct ui_table *t, const char *key, enum ui_el el);
/* Set a cell: text is sanitised (NULL shows "-"); num is its sort value. */
void table_set(struct ui_table *t, size_t row, int col, const char *text, double num,
               enum ui_el el);
/* Set a cell with text the console made itself (still sanitised). */
void table_setf(struct ui_table *t, size_t row, int col, double num, enum ui_el el,
                const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void table_end(struct ui_table *t);

/* The keys of the rows shown from display position `from` (inclusive) to `to` (exclusive),
 * clamped to the filtered rows; *out is allocated (the keys are the table's). */
size_t table_keys_between(const struct ui_table *t, long from, long to, const char ***out);

void table_set_filter(struct ui_table *t, const char *filter);
const char *table_filter(const struct ui_table *t);
void table_sort_by(struct ui_table *t, int col, bool desc);
void table_sort_step(struct ui_table *t, int delta);
void table_sort_reverse(struct ui_table *t);
/* Find a column by title (case-insensitive); -1 when none. */
int table_find_col(const struct ui_table *t, const char *title);

/* Movement keys; true when the key was one. */
bool table_key(struct ui_table *t, enum ui_action a);
/* The selected row's key, or NULL when the table shows nothing. */
const char *table_selected(const struct ui_table *t);
/* Select a row by key (kept even before the row exists: it is selected when it arrives). */
void table_select(struct ui_table *t, const char *key);
size_t table_count(const struct ui_table *t);
/* The text of a visible row's cell (for tests and views). */
const char *table_cell_text(const struct ui_table *t, size_t vis_index, int col);

/* Column widths for a total width w (gap of 2 between columns); a column that does not fit
 * gets 0. Pure (no terminal). */
void table_layout(const struct ui_table *t, int w, int *widths);
void table_draw(struct ui_table *t, int y, int x, int h, int w);

#endif
