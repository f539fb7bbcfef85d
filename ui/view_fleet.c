/* The fleet: one row per account, region and cluster of the fleet (--fleet), worst first
 * (members in error, failed deployments, deployments paused at a lifecycle hook, unhealthy
 * targets, alarms in ALARM, services below desired,
 * deployments in progress). Enter opens the row's cluster with its own profile and region;
 * `:fleet` comes back here. The rows come from the fleet poller (src/fleet/fleet.c), not
 * from the world of the open context. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fleet/fleet.h"
#include "ui/draw.h"
#include "ui/present.h"
#include "ui/ui.h"
#include "ui/widget_table.h"
#include "util/str.h"
#include "util/xalloc.h"

enum { C_RANK, C_PROFILE, C_REGION, C_ACCOUNT, C_ALIAS, C_CLUSTER, C_SERVICES, C_BELOW, C_FAILED,
       C_PAUSED, C_UNHEALTHY, C_ROLLING, C_ALARMS, C_RUNNING, C_AGE, C_CALLS, C_ERROR, C_COUNT };

static const struct table_col cols[C_COUNT] = {
    [C_RANK] = {"#", 2, 4, true, true, false},
    [C_PROFILE] = {"PROFILE", 7, 24, false, false, false},
    [C_REGION] = {"REGION", 9, 16, false, false, false},
    [C_ACCOUNT] = {"ACCOUNT", 12, 12, false, false, false},
    [C_ALIAS] = {"ALIAS", 9, 20, false, false, false, true},
    [C_CLUSTER] = {"CLUSTER", 7, 32, false, false, false},
    [C_SERVICES] = {"SVCS", 4, 5, true, true, false},
    [C_BELOW] = {"BELOW", 5, 5, true, true, false},
    [C_FAILED] = {"FAIL", 4, 5, true, true, false},
    [C_PAUSED] = {"PAUSE", 5, 6, true, true, false},
    [C_UNHEALTHY] = {"UNHLTH", 6, 7, true, true, false},
    [C_ROLLING] = {"ROLL", 4, 5, true, true, false},
    [C_ALARMS] = {"ALARMS", 6, 6, true, true, false},
    [C_RUNNING] = {"TASKS", 5, 7, true, true, false},
    [C_AGE] = {"AGE", 6, 7, true, true, false},
    [C_CALLS] = {"CALLS", 5, 6, true, true, false},
    [C_ERROR] = {"ERROR", 5, 0, false, false, false, true},
};

struct fleet_view {
    struct ui_table table;
};
_Static_assert(offsetof(struct fleet_view, table) == 0, "table_view_* need the table first");

/* The row's key: what stays the same across refreshes. */
static char *
row_key(const struct fleet_row *r)
{
    return xasprintf("%s %s %s", r->profile, r->region, r->cluster != NULL ? r->cluster : "-");
}

static void
set_count(struct ui_table *t, size_t row, int col, long v, enum ui_el bad)
{
    if (v < 0)
        table_set(t, row, col, "-", -1, EL_DIM);
    else
        table_setf(t, row, col, (double)v, v > 0 ? bad : EL_ROW, "%ld", v);
}

/* A count with "+" when the per-minute caps left some of it unread: a floor. */
static void
set_floor(struct ui_table *t, size_t row, int col, long v, long unchecked, enum ui_el bad)
{
    if (v < 0 || unchecked <= 0)
        set_count(t, row, col, v, bad);
    else
        table_setf(t, row, col, (double)v, v > 0 ? bad : EL_ROW, "%ld+", v);
}

static void
recalc(struct view *v)
{
    struct fleet_view *st = v->st;
    struct od_fleet *f = ui_fleet(v->ui);
    const struct fleet_row *rows;
    size_t n = f != NULL ? fleet_rows(f, &rows) : 0;
    time_t now = time(NULL);

    table_begin(&st->table);
    for (size_t i = 0; i < n; i++) {
        const struct fleet_row *r = &rows[i];
        char *key = row_key(r);
        size_t row = table_add(&st->table, key, r->error != NULL ? EL_ERROR : EL_ROW);

        free(key);
        table_setf(&st->table, row, C_RANK, (double)i, EL_DIM, "%zu", i + 1);
        table_set(&st->table, row, C_PROFILE, r->profile, 0, EL_ROW);
        table_set(&st->table, row, C_REGION, r->region, 0, EL_ROW);
        table_set(&st->table, row, C_ACCOUNT, r->account != NULL ? r->account : "-", 0,
                  r->account != NULL ? EL_ROW : EL_DIM);
        table_set(&st->table, row, C_ALIAS, r->alias != NULL ? r->alias : "", 0, EL_ROW);
        table_set(&st->table, row, C_CLUSTER, r->cluster != NULL ? r->cluster : "-", 0,
                  r->cluster != NULL ? EL_TITLE : EL_DIM);
        set_count(&st->table, row, C_SERVICES, r->services, EL_ROW);
        set_count(&st->table, row, C_BELOW, r->below_desired, EL_STATE_WARN);
        set_count(&st->table, row, C_FAILED, r->failed, EL_STATE_FAILED);
        set_floor(&st->table, row, C_PAUSED, r->paused, r->paused_unchecked, EL_STATE_WARN);
        set_floor(&st->table, row, C_UNHEALTHY, r->unhealthy, r->targets_unchecked,
                  EL_STATE_FAILED);
        set_count(&st->table, row, C_ROLLING, r->rolling, EL_STATE_PROGRESS);
        set_count(&st->table, row, C_ALARMS, r->alarms, EL_ALARM_FIRING);
        set_count(&st->table, row, C_RUNNING, r->running, EL_ROW);
        if (r->updated_at != 0) {
            char age[32];

            present_ago((double)r->updated_at, age, sizeof age);
            table_set(&st->table, row, C_AGE, age, (double)(now - r->updated_at), EL_ROW);
        } else {
            table_set(&st->table, row, C_AGE, r->error != NULL ? "-" : "…", -1, EL_DIM);
        }
        table_setf(&st->table, row, C_CALLS, (double)r->calls_per_minute, EL_ROW, "%u",
                   r->calls_per_minute);
        table_set(&st->table, row, C_ERROR, r->error != NULL ? r->error : "", 0, EL_ERROR);
    }
    table_end(&st->table);
}

static const struct fleet_row *selected_row(struct fleet_view *st, struct od_fleet *f);

/* text on two lines of w columns, cut at a blank (never inside a UTF-8 sequence). */
static void
draw_error(int y, int x, int w, const char *text)
{
    size_t len = strlen(text), cut;
    char *first;

    if (w <= 0)
        return;
    if (draw_cols(text) <= w || len <= (size_t)w) {
        draw_text(y + 1, x, w, EL_ERROR, text);
        return;
    }
    cut = (size_t)w;
    while (cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80)
        cut--;
    for (size_t k = cut; k > (size_t)w / 2; k--)
        if (text[k] == ' ') {
            cut = k + 1;
            break;
        }
    first = xstrndup(text, cut);
    draw_text(y, x, w, EL_ERROR, first);
    draw_text(y + 1, x, w, EL_ERROR, text + cut);
    free(first);
}

static void
draw(struct view *v, int y, int x, int h, int w)
{
    struct fleet_view *st = v->st;
    struct od_fleet *f = ui_fleet(v->ui);
    const struct fleet_row *r;

    table_draw(&st->table, y, x, h, w);
    if (table_count(&st->table) == 0 && h > 2)
        draw_text(y + 2, x + 2, w - 4, EL_DIM,
                  f == NULL ? "no fleet: start with --fleet NAME, or :fleet NAME"
                  : fleet_busy(f) ? "loading the fleet…"
                                  : "no row matches the filter");
    else if (h <= (int)table_count(&st->table) + 3)
        return;
    /* The selected row's error in full (two lines): its column is cut to the width left. */
    if ((r = selected_row(st, f)) != NULL && r->error != NULL)
        draw_error(y + h - 2, x + 2, w - 4, r->error);
    else if (table_count(&st->table) > 0)
        draw_text(y + h - 1, x + 2, w - 4, EL_DIM,
                  "Enter opens the cluster with its profile and region; :fleet comes back");
}

/* The fleet row whose key is the selected one (NULL when it went away). */
static const struct fleet_row *
selected_row(struct fleet_view *st, struct od_fleet *f)
{
    const char *sel = table_selected(&st->table);
    const struct fleet_row *rows;
    size_t n;

    if (sel == NULL || f == NULL)
        return NULL;
    n = fleet_rows(f, &rows);
    for (size_t i = 0; i < n; i++) {
        char *key = row_key(&rows[i]);
        bool same = str_eq(key, sel);

        free(key);
        if (same)
            return &rows[i];
    }
    return NULL;
}

static bool
key(struct view *v, enum ui_action a)
{
    struct fleet_view *st = v->st;
    struct od_fleet *f = ui_fleet(v->ui);
    const struct fleet_row *r;

    if (table_key(&st->table, a))
        return true;
    if (a == ACT_ENTER) {
        if ((r = selected_row(st, f)) != NULL)
            ui_fleet_open(v->ui, r); /* replaces this view */
        return true;
    }
    if (a == ACT_REFRESH && f != NULL) {
        fleet_refresh(f);
        ui_message(v->ui, "refreshing the fleet");
        return true;
    }
    return false;
}

static void
title(struct view *v, char *out, size_t len)
{
    struct fleet_view *st = v->st;
    struct od_fleet *f = ui_fleet(v->ui);

    if (f == NULL) {
        snprintf(out, len, "Fleet");
        return;
    }
    snprintf(out, len, "Fleet %s (%zu) · %zu failing · %u calls/min", fleet_name(f),
             table_count(&st->table), fleet_failed_members(f), fleet_calls_per_minute(f));
}

static void
destroy(struct view *v)
{
    struct fleet_view *st = v->st;

    table_free(&st->table);
    free(st);
}

static const struct view_ops fleet_ops = {
    .name = "fleet",
    .parts = 0, /* its rows come from the fleet poller */
    .actions = view_table_actions,
    .nactions = VIEW_TABLE_NACTIONS,
    .destroy = destroy,
    .recalc = recalc,
    .draw = draw,
    .key = key,
    .title = title,
    .set_filter = table_view_set_filter,
    .get_filter = table_view_get_filter,
    .sort = table_view_sort,
};

struct view *
view_fleet_new(struct ui *ui)
{
    struct fleet_view *st = xcalloc(1, sizeof *st);

    table_init(&st->table, cols, C_COUNT, C_RANK);
    return view_new(ui, &fleet_ops, st);
}
