/* The lookups and texts of mk/lean.am: the string -> index map (first value kept, growth),
 * the status bar's ages, and a filter typed on keeps the table's order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/world.h"
#include "poller/poller.h"
#include "tests/unit/check.h"
#include "ui/bar_ages.h"
#include "ui/draw.h"
#include "ui/widget_table.h"
#include "util/strmap.h"

static void
test_strmap(void)
{
    struct od_strmap m = {0};
    char keys[3000][16];
    size_t v = 0, found = 0;

    CHECK(!strmap_get(&m, "x", &v), "an empty map finds nothing");
    for (size_t i = 0; i < 3000; i++) {
        snprintf(keys[i], sizeof keys[i], "svc-%zu", i);
        strmap_put(&m, keys[i], i);
    }
    CHECK(!strmap_put(&m, keys[7], 99), "a repeated key is refused");
    for (size_t i = 0; i < 3000; i++)
        found += strmap_get(&m, keys[i], &v) && v == i;
    CHECK_INT(found, 3000, "every key finds its own index after growing");
    CHECK(strmap_get(&m, "svc-7", &v) && v == 7, "the first value of a key is kept");
    CHECK(!strmap_get(&m, "svc-3000", &v), "an absent key is absent");
    CHECK(!strmap_put(&m, NULL, 1) && !strmap_get(&m, NULL, &v), "NULL keys are ignored");
    strmap_free(&m);
}

static void
test_ages(void)
{
    struct od_world *w = world_new("us-east-1", "prod");
    char out[128], a[16];
    unsigned parts = POLL_PART(OD_PART_SERVICES) | POLL_PART(OD_PART_TARGETS) |
                     POLL_PART(OD_PART_METRICS) | POLL_PART(OD_PART_TASK_DEFS);

    CHECK(!bar_ages_text(w, parts, 1000, " · ", out, sizeof out), "nothing loaded: no ages");
    w->parts[OD_PART_SERVICES] = (struct od_part_state){.loaded = true, .updated_at = 996};
    w->parts[OD_PART_TARGETS] = (struct od_part_state){.loaded = true, .updated_at = 988,
                                                       .stale = true};
    w->parts[OD_PART_METRICS] = (struct od_part_state){.loaded = true, .updated_at = 952};
    w->parts[OD_PART_TASK_DEFS] = (struct od_part_state){.loaded = true, .updated_at = 1};
    w->parts[OD_PART_ALARMS] = (struct od_part_state){.loaded = true, .updated_at = 1};
    CHECK(bar_ages_text(w, parts, 1000, " · ", out, sizeof out), "loaded parts give ages");
    CHECK_STR(out, "services 4s · targets 12s · metrics 48s",
              "each part the view polls, in order; a stale part keeps its age; no cache, no "
              "part the view does not poll");
    CHECK(bar_ages_text(w, parts, 1000, ", ", out, 20), "a short buffer still gives ages");
    CHECK_STR(out, "services 4s", "and no half entry");
    bar_age_short(150, a, sizeof a);
    CHECK_STR(a, "2m", "minutes past 2 minutes");
    bar_age_short(-5, a, sizeof a);
    CHECK_STR(a, "0s", "a clock step back is 0s");
    world_free(&w);
}

static const struct table_col cols[2] = {{"NAME", 4, 0, false, false, false},
                                         {"N", 1, 0, true, true, false}};

static void
test_filter_order(void)
{
    struct ui_table t;
    const char *names[] = {"web-b", "api", "web-a", "worker", "web-c"};

    table_init(&t, cols, 2, 1);
    table_begin(&t);
    for (size_t i = 0; i < 5; i++) {
        size_t r = table_add(&t, names[i], EL_ROW);

        table_set(&t, r, 0, names[i], 0, EL_ROW);
        table_setf(&t, r, 1, (double)(5 - i), EL_ROW, "%zu", 5 - i);
    }
    table_end(&t);
    table_set_filter(&t, "w");
    CHECK_INT(table_count(&t), 4, "'w' matches four rows");
    table_set_filter(&t, "WE");
    CHECK_INT(table_count(&t), 3, "typing on narrows (case-insensitive) to three");
    CHECK_STR(table_cell_text(&t, 0, 0), "web-c", "still sorted by N ascending");
    CHECK_STR(table_cell_text(&t, 2, 0), "web-b", "to the last");
    table_set_filter(&t, "o");
    CHECK_INT(table_count(&t), 1, "a different text filters every row again");
    table_set_filter(&t, NULL);
    CHECK_INT(table_count(&t), 5, "no filter: every row");
    CHECK_STR(table_cell_text(&t, 0, 0), "web-c", "in the sort's order");
    table_free(&t);
}

int
main(void)
{
    draw_set_utf8(true);
    test_strmap();
    test_ages();
    test_filter_order();
    return check_done();
}
