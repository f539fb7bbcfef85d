/* The table widget: sorting, filtering, selection that follows its row, layout. */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/check.h"
#include "ui/draw.h"
#include "ui/widget_table.h"

enum { C_NAME, C_COUNT_, C_STATE, NCOLS };

static const struct table_col cols[NCOLS] = {
    [C_NAME] = {"NAME", 4, 20, false, false, false},
    [C_COUNT_] = {"COUNT", 5, 5, true, true, false},
    [C_STATE] = {"STATE", 5, 0, false, false, false},
};

static void
fill(struct ui_table *t, const char *const *names, const int *counts, size_t n)
{
    table_begin(t);
    for (size_t i = 0; i < n; i++) {
        size_t r = table_add(t, names[i], EL_ROW);

        table_set(t, r, C_NAME, names[i], 0, EL_ROW);
        table_setf(t, r, C_COUNT_, counts[i], EL_ROW, "%d", counts[i]);
        table_set(t, r, C_STATE, i % 2 ? "steady" : "rolling", 0, EL_ROW);
    }
    table_end(t);
}

static void
test_sort_filter(void)
{
    static const char *const names[] = {"web", "api", "worker", "Admin"};
    static const int counts[] = {3, 10, 1, 7};
    struct ui_table t;

    table_init(&t, cols, NCOLS, C_NAME);
    fill(&t, names, counts, 4);
    CHECK_INT(table_count(&t), 4, "all rows shown");
    CHECK_STR(table_cell_text(&t, 0, C_NAME), "Admin", "sorted by name, case-insensitive");
    CHECK_STR(table_cell_text(&t, 3, C_NAME), "worker", "last by name");
    CHECK_STR(table_selected(&t), "Admin", "the first row is selected");
    table_key(&t, ACT_DOWN);
    CHECK_STR(table_selected(&t), "api", "down selects the next");
    table_sort_by(&t, C_COUNT_, true);
    CHECK_STR(table_cell_text(&t, 0, C_NAME), "api", "by count, largest first");
    CHECK_STR(table_selected(&t), "api", "the selection follows its row on re-sort");
    table_sort_reverse(&t);
    CHECK_STR(table_cell_text(&t, 0, C_NAME), "worker", "reversed: smallest first");
    table_sort_step(&t, 1);
    CHECK_INT(t.sort_col, C_STATE, "sort-next moves to the next column");
    table_sort_step(&t, 1);
    CHECK_INT(t.sort_col, C_NAME, "and wraps around");
    table_set_filter(&t, "WOR");
    CHECK_INT(table_count(&t), 1, "filter is case-insensitive substring");
    CHECK_STR(table_selected(&t), "worker", "the only match is selected");
    table_set_filter(&t, "steady");
    CHECK_INT(table_count(&t), 2, "the filter looks at every cell");
    table_set_filter(&t, "zzz");
    CHECK_INT(table_count(&t), 0, "nothing matches");
    CHECK(table_selected(&t) == NULL, "no selection when nothing is shown");
    table_set_filter(&t, NULL);
    CHECK_INT(table_count(&t), 4, "clearing the filter shows all again");
    CHECK_INT(table_find_col(&t, "count"), C_COUNT_, "columns by title, any case");
    CHECK_INT(table_find_col(&t, "nope"), -1, "unknown column");
    table_free(&t);
}

static void
test_selection(void)
{
    static const char *const a[] = {"a", "b", "c"};
    static const char *const b[] = {"x", "c", "a"};
    static const int n3[] = {1, 2, 3};
    struct ui_table t;

    table_init(&t, cols, NCOLS, C_NAME);
    table_select(&t, "c");
    fill(&t, a, n3, 0);
    CHECK(table_selected(&t) == NULL, "nothing to select yet");
    fill(&t, a, n3, 3);
    CHECK_STR(table_selected(&t), "c", "a selection asked for before the rows came is kept");
    fill(&t, b, n3, 3);
    CHECK_STR(table_selected(&t), "c", "the selection follows its key across a refresh");
    table_key(&t, ACT_BOTTOM);
    CHECK_STR(table_selected(&t), "x", "bottom");
    table_key(&t, ACT_DOWN);
    CHECK_STR(table_selected(&t), "x", "down at the bottom stays");
    table_key(&t, ACT_TOP);
    table_key(&t, ACT_UP);
    CHECK_STR(table_selected(&t), "a", "up at the top stays");
    table_free(&t);
}

static void
test_layout(void)
{
    static const char *const names[] = {"a-very-long-service-name-indeed", "b"};
    static const int counts[] = {1, 2};
    struct ui_table t;
    int w[NCOLS], total;

    table_init(&t, cols, NCOLS, C_NAME);
    fill(&t, names, counts, 2);
    table_layout(&t, 100, w);
    CHECK_INT(w[C_NAME], 20, "a column grows to its maximum");
    CHECK_INT(w[C_COUNT_], 5, "a fixed column keeps its width");
    table_layout(&t, 30, w);
    total = w[0] + w[1] + w[2] + 4;
    CHECK(total <= 30, "columns shrink to fit");
    CHECK(w[C_NAME] >= 4, "not below their minimum");
    table_layout(&t, 12, w);
    CHECK_INT(w[C_STATE], 0, "columns that cannot fit are dropped from the right");
    table_free(&t);
}

/* An optional column (the services view's TARGETS) takes no room while it has nothing to
 * say, and its width once a row has something. */
static void
test_optional(void)
{
    static const struct table_col ocols[] = {
        {"NAME", 4, 10, false, false, false, false},
        {"TARGETS", 7, 24, false, false, true, true},
    };
    struct ui_table t;
    int w[2];
    size_t r;

    table_init(&t, ocols, 2, 0);
    table_begin(&t);
    r = table_add(&t, "api", EL_ROW);
    table_set(&t, r, 0, "api", 0, EL_ROW);
    table_set(&t, r, 1, "", 0, EL_ROW);
    table_end(&t);
    table_layout(&t, 80, w);
    CHECK_INT(w[1], 0, "an optional column with only empty cells takes no room");
    table_begin(&t);
    r = table_add(&t, "api", EL_ROW);
    table_set(&t, r, 0, "api", 0, EL_ROW);
    table_set(&t, r, 1, "2 draining", 0, EL_TARGET_OTHER);
    table_end(&t);
    table_layout(&t, 80, w);
    CHECK_INT(w[1], 10, "and its content's width once a row has something");
    table_free(&t);
}

static void
test_inert(void)
{
    struct ui_table t;
    size_t r;

    table_init(&t, cols, NCOLS, C_NAME);
    table_begin(&t);
    r = table_add(&t, "evil", EL_ROW);
    table_set(&t, r, C_NAME, "ev\x1b]0;pwned\x07il", 0, EL_ROW);
    table_set(&t, r, C_STATE, NULL, 0, EL_ROW);
    table_end(&t);
    CHECK(strchr(table_cell_text(&t, 0, C_NAME), 0x1b) == NULL, "cells hold no ESC");
    CHECK_STR(table_cell_text(&t, 0, C_NAME), "ev\\x1b]0;pwned\\x07il",
              "control characters become visible escapes");
    CHECK_STR(table_cell_text(&t, 0, C_STATE), "-", "a missing value shows '-'");
    table_free(&t);
}

int
main(void)
{
    if (setlocale(LC_ALL, "C.UTF-8") == NULL)
        setlocale(LC_ALL, "C.utf8");
    draw_set_utf8(true);
    test_sort_filter();
    test_selection();
    test_layout();
    test_optional();
    test_inert();
    return check_done();
}
