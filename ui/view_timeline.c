/* The timeline of the cluster or of one service (`t`): what happened, newest first, each line
 * naming its source; Enter jumps to the task, deployment (its service), alarm or distribution
 * the line names. Rows come from ui/timeline_glue.c's store. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/world.h"
#include "poller/poller.h"
#include "timeline/store.h"
#include "ui/draw.h"
#include "ui/palette.h"
#include "ui/present.h"
#include "ui/timeline_glue.h"
#include "ui/ui.h"
#include "ui/widget_table.h"
#include "util/str.h"
#include "util/xalloc.h"

enum { C_TIME, C_SOURCE, C_SERVICE, C_WHAT, C_COUNT };

static const struct table_col cols[C_COUNT] = {
    [C_TIME] = {"TIME", 19, 19, false, true, false, false},
    [C_SOURCE] = {"SOURCE", 6, 14, false, false, false, false},
    [C_SERVICE] = {"SERVICE", 7, 24, false, false, false, false},
    [C_WHAT] = {"WHAT", 10, 0, false, false, false, false},
};

struct timeline_view {
    struct ui_table table;
    char *service; /* NULL: the whole cluster */
};
_Static_assert(offsetof(struct timeline_view, table) == 0, "table_view_* need the table first");

static enum ui_el
source_el(const struct tl_entry *e)
{
    if (str_eq(e->source, "ecs-task") || strstr(e->text, " FAILED") != NULL ||
        strstr(e->text, "-> ALARM") != NULL || strstr(e->text, "-> unhealthy") != NULL)
        return EL_STATE_FAILED;
    if (str_eq(e->source, "ondeck"))
        return EL_STATE_PROGRESS;
    return EL_ROW;
}

static void
recalc(struct view *v)
{
    struct timeline_view *st = v->st;
    const struct tl_store *s = timeline_glue_store(v->ui);

    table_begin(&st->table);
    for (size_t i = 0; s != NULL && i < s->n; i++) {
        const struct tl_entry *e = &s->v[i];
        char when[32];
        size_t row;

        if (st->service != NULL && e->service != NULL && !str_eq(e->service, st->service))
            continue;
        present_time(e->at, when, sizeof when);
        row = table_add(&st->table, e->key, EL_ROW);
        table_set(&st->table, row, C_TIME, when, e->at, EL_DIM);
        table_set(&st->table, row, C_SOURCE, e->source, 0, EL_LABEL);
        table_set(&st->table, row, C_SERVICE, e->service != NULL ? e->service : "-", 0, EL_ROW);
        table_set(&st->table, row, C_WHAT, e->text, 0, source_el(e));
    }
    table_end(&st->table);
}

static void
draw(struct view *v, int y, int x, int h, int w)
{
    struct timeline_view *st = v->st;
    const char *why = timeline_glue_status(v->ui);

    table_draw(&st->table, y, x, h, w);
    if (table_count(&st->table) == 0 && h > 2)
        draw_text(y + 2, x + 2, w - 4, EL_DIM,
                  why != NULL                         ? why
                  : table_filter(&st->table) != NULL ? "no line matches the filter"
                                                     : "nothing yet: lines come as ondeck sees "
                                                       "events, stops, health changes and alarms");
}

/* Does ECS still list the task (running or recently stopped)? */
static bool
task_known(const struct od_world *w, const char *id)
{
    if (world_task(w, id) != NULL)
        return true;
    for (size_t i = 0; i < w->nstopped; i++)
        if (str_eq(w->stopped[i].id, id))
            return true;
    return false;
}

/* Enter: where the line points. The entry is copied first: a jump may free this view. */
static void
jump(struct view *v, const struct tl_entry *e)
{
    struct ui *ui = v->ui;
    char *ref = e->ref != NULL ? xstrdup(e->ref) : NULL;
    char *svc = e->service != NULL ? xstrdup(e->service) : NULL, *text = xstrdup(e->text);

    switch (e->ref_kind) {
    case TL_REF_TASK:
        /* The task view says what ECS still knows; past its window, the timeline does. */
        if (!task_known(ui_world(ui), ref))
            ui_message(ui, "ECS no longer lists this task; the timeline kept: %s", text);
        ui_push(ui, view_task_new(ui, ref));
        break;
    case TL_REF_DEPLOYMENT:
        if (svc != NULL)
            ui_push(ui, view_service_new(ui, svc)); /* its deployments are listed there */
        break;
    case TL_REF_ALARM:
        ui_push(ui, view_alarms_new(ui));
        table_view_set_filter(ui_top(ui), ref);
        break;
    case TL_REF_DISTRIBUTION:
        ui_push(ui, view_distribution_new(ui, ref));
        break;
    case TL_REF_NONE:
        ui_message(ui, "this line names nothing to open");
        break;
    }
    free(ref);
    free(svc);
    free(text);
}

static bool
key(struct view *v, enum ui_action a)
{
    struct timeline_view *st = v->st;
    const struct tl_store *s;
    const char *sel;

    if (table_key(&st->table, a))
        return true;
    if (a != ACT_ENTER)
        return false;
    if ((sel = table_selected(&st->table)) == NULL || (s = timeline_glue_store(v->ui)) == NULL)
        return true;
    for (size_t i = 0; i < s->n; i++)
        if (str_eq(s->v[i].key, sel)) {
            jump(v, &s->v[i]); /* may free v */
            break;
        }
    return true;
}

static void
title(struct view *v, char *out, size_t len)
{
    struct timeline_view *st = v->st;

    snprintf(out, len, "Timeline (%zu) · %s %s", table_count(&st->table),
             st->service != NULL ? "service" : "cluster",
             st->service != NULL ? st->service
             : ui_cluster(v->ui) != NULL ? ui_cluster(v->ui)
                                         : "-");
}

static void
target(struct view *v, struct ui_target *t)
{
    struct timeline_view *st = v->st;

    t->kind = st->service != NULL ? TARGET_SERVICE : TARGET_CLUSTER;
    t->cluster = ui_cluster(v->ui);
    t->service = st->service;
}

static void
destroy(struct view *v)
{
    struct timeline_view *st = v->st;

    table_free(&st->table);
    free(st->service);
    free(st);
}

static const struct view_ops timeline_ops = {
    .name = "timeline",
    .parts = POLL_PART(OD_PART_SERVICES) | POLL_PART(OD_PART_STOPPED_TASKS) |
             POLL_PART(OD_PART_TARGETS) | POLL_PART(OD_PART_ALARMS) |
             POLL_PART(OD_PART_DISTRIBUTIONS),
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
    .target = target,
};

struct view *
view_timeline_new(struct ui *ui, const char *service)
{
    struct timeline_view *st = xcalloc(1, sizeof *st);

    table_init(&st->table, cols, C_COUNT, C_TIME);
    st->table.sort_desc = true; /* newest first */
    st->service = service != NULL ? xstrdup(service) : NULL;
    return view_new(ui, &timeline_ops, st);
}

/* ---- palette ----------------------------------------------------------------------------- */

static void
run_timeline(struct ui *ui, const char *arg, const char *arg2)
{
    (void)arg2;
    if (ui_cluster(ui) == NULL) {
        ui_error(ui, "timeline: open a cluster first (:cluster NAME)");
        return;
    }
    ui_push(ui, view_timeline_new(ui, arg));
}

const struct palette_cmd palette_cmd_timeline = {
    .name = "timeline", .aliases = "", .usage = "[SERVICE]",
    .summary = "what happened to the cluster (or a service), newest first",
    .run = run_timeline,
};
