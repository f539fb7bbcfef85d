/* Services of the selected cluster: counts, rollout state and progress, task definition
 * revision, CPU/memory/5xx sparklines, unhealthy targets, an alarm badge, and targets in
 * passing states (draining, initial) or missing target groups. */
#include <stddef.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/alarm_attr.h"
#include "model/task_set.h"
#include "ui/present_deployment.h"
#include "util/clock.h"
#include "poller/poller.h"
#include "ui/draw.h"
#include "ui/present.h"
#include "ui/palette.h"
#include "ui/ui.h"
#include "ui/widget_spark.h"
#include "ui/widget_table.h"
#include "util/str.h"
#include "util/xalloc.h"

enum {
    C_NAME,
    C_DESIRED,
    C_RUNNING,
    C_PENDING,
    C_ROLLOUT,
    C_PROGRESS,
    C_REV,
    C_CPU,
    C_MEM,
    C_5XX,
    C_UNHEALTHY,
    C_ALARMS,
    C_TARGETS,
    C_COUNT
};

#define SPARK_W 12
#define BAR_W 10

static const struct table_col cols[C_COUNT] = {
    [C_NAME] = {"SERVICE", 8, 40, false, false, false},
    [C_DESIRED] = {"DES", 3, 5, true, true, false},
    [C_RUNNING] = {"RUN", 3, 5, true, true, false},
    [C_PENDING] = {"PEN", 3, 5, true, true, false},
    [C_ROLLOUT] = {"ROLLOUT", 7, 18, false, false, false},
    [C_PROGRESS] = {"PROGRESS", 8, BAR_W + 8, false, true, false},
    [C_REV] = {"REV", 3, 5, true, true, false},
    [C_CPU] = {"CPU%", 6, SPARK_W + 5, false, true, false},
    [C_MEM] = {"MEM%", 6, SPARK_W + 5, false, true, false},
    [C_5XX] = {"5XX", 6, SPARK_W + 5, false, true, false},
    [C_UNHEALTHY] = {"UNHEALTHY", 9, 9, true, true, false},
    [C_ALARMS] = {"ALARMS", 6, 11, false, true, false},
    [C_TARGETS] = {"TARGETS", 7, 24, false, false, true, true},
};

static const enum ui_action actions[] = {
    ACT_UP,        ACT_DOWN,         ACT_TOP,        ACT_BOTTOM,     ACT_PAGE_UP,
    ACT_PAGE_DOWN, ACT_ENTER,        ACT_FILTER,     ACT_SORT_NEXT,  ACT_SORT_PREV,
    ACT_SORT_REVERSE, ACT_LOGS,      ACT_MARK,       ACT_DEPLOY,     ACT_ROLLBACK,
    ACT_SCALE,
    ACT_SORT_REVERSE, ACT_LOGS,      ACT_DEPLOY,     ACT_ROLLBACK,   ACT_SCALE,
    ACT_TIMELINE,
};

struct services {
    struct ui_table table;
    char **marked; /* services marked with Space: `l` follows them all in one pane */
    size_t nmarked;
};
_Static_assert(offsetof(struct services, table) == 0, "table_view_* need the table first");

/* A spark cell: the sparkline and the latest value. */
static void
spark_cell(struct ui_table *t, size_t row, int col, const double *v, size_t n, enum ui_el el)
{
    char num[16], *spark;

    if (n == 0) {
        table_set(t, row, col, "-", -1, EL_DIM);
        return;
    }
    spark = spark_render(v, n, SPARK_W - 4);
    spark_number(v[n - 1], num, sizeof num);
    table_setf(t, row, col, v[n - 1], el, "%s %s", spark, num);
    free(spark);
}

/* CODE_DEPLOY / EXTERNAL services: "CODE_DEPLOY 2 sets" and the PRIMARY task set's
 * progress, in place of a rollout state they do not have. */
static void
task_set_cells(struct ui_table *t, size_t row, const struct od_service *s)
{
    const struct od_task_set *p = task_set_primary(s);
    bool settling = task_set_any_stabilizing(s);
    char *bar;

    table_setf(t, row, C_ROLLOUT, 0, settling ? EL_STATE_PROGRESS : EL_ROW, "%s %zu set%s",
               task_set_controller(s), s->ntask_sets, s->ntask_sets == 1 ? "" : "s");
    if (p == NULL) {
        table_set(t, row, C_PROGRESS, "-", -1, EL_DIM);
        return;
    }
    bar = spark_bar(p->running, p->computed_desired, BAR_W);
    table_setf(t, row, C_PROGRESS,
               p->computed_desired > 0 ? (double)p->running / (double)p->computed_desired : 0,
               task_set_steady(p) ? EL_BAR_DONE : EL_STATE_PROGRESS, "%s %ld/%ld", bar,
               p->running, p->computed_desired);
    free(bar);
}

/* A metric cell that could not be read says why instead of "-" (no data): the permission
 * (the status bar names it), or the result's StatusCode (Forbidden, InternalError). */
static bool
metric_error_cell(struct ui_table *t, size_t row, int col, const struct od_world *w,
                  const struct od_series *s)
{
    if (w->parts[OD_PART_METRICS].denied != NULL && (s == NULL || s->n == 0)) {
        table_set(t, row, col, "no permission", -1, EL_STATE_FAILED);
        return true;
    }
    if (s != NULL && series_failed(s)) {
        table_set(t, row, col, s->status_code, -1, EL_STATE_FAILED);
        return true;
    }
    return false;
}

/* A service deployment in flight (B/G, linear, canary): its short form in place of the
 * rollout state, e.g. "B/G BAKE 12m" or "PAUSED" at a hook awaiting action. */
static void
service_deployment_cell(struct ui_table *t, size_t row, const struct od_service_deployment *sd)
{
    char brief[32];

    if (sd == NULL)
        return;
    service_deployment_short(sd, clock_wall_ms(), brief, sizeof brief);
    if (brief[0] != '\0')
        table_set(t, row, C_ROLLOUT, brief, 0, present_service_deployment_el(sd));
}

static bool
is_marked(const struct services *st, const char *name, size_t *at)
{
    for (size_t i = 0; i < st->nmarked; i++)
        if (str_eq(st->marked[i], name)) {
            if (at != NULL)
                *at = i;
            return true;
        }
    return false;
}

/* Space: mark or unmark the selected service, then move down (marking a run of rows). */
static void
toggle_mark(struct view *v, struct services *st)
{
    const char *sel = table_selected(&st->table);
    size_t at;

    if (sel == NULL)
        return;
    if (is_marked(st, sel, &at)) {
        free(st->marked[at]);
        memmove(&st->marked[at], &st->marked[at + 1], (st->nmarked - at - 1) * sizeof *st->marked);
        st->nmarked--;
    } else {
        st->marked = xreallocarray(st->marked, st->nmarked + 1, sizeof *st->marked);
        st->marked[st->nmarked++] = xstrdup(sel);
    }
    table_key(&st->table, ACT_DOWN);
    v->need_recalc = true;
    ui_dirty(v->ui);
}

/* Marks of services that are gone (deleted) go too. */
static void
prune_marks(struct services *st, const struct od_world *w)
{
    for (size_t i = 0; i < st->nmarked;) {
        bool there = world_service(w, st->marked[i]) != NULL;

        if (there || !w->parts[OD_PART_SERVICES].loaded) {
            i++;
            continue;
        }
        free(st->marked[i]);
        memmove(&st->marked[i], &st->marked[i + 1], (st->nmarked - i - 1) * sizeof *st->marked);
        st->nmarked--;
    }
}

static void
recalc(struct view *v)
{
    struct services *st = v->st;
    const struct od_world *w = ui_world(v->ui);

    /* Every service's alarm counts in one pass (model/alarm_attr.h). */
    struct od_alarm_count *alarm_counts = xcalloc(w->nservices + 1, sizeof *alarm_counts);

    world_alarm_counts(w, alarm_counts);
    prune_marks(st, w);
    table_begin(&st->table);
    for (size_t i = 0; i < w->nservices; i++) {
        const struct od_service *s = &w->services[i];
        const struct od_deployment *d = present_primary(s);
        size_t row = table_add(&st->table, s->name, EL_ROW);
        const struct od_series *cpu = present_series(w, s->name, "CPUUtilization");
        const struct od_series *mem = present_series(w, s->name, "MemoryUtilization");
        double *err5 = NULL;
        size_t n5 = present_tg_series_sum(w, s, "HTTPCode_Target_5XX_Count", &err5);
        struct od_target_counts tc;
        size_t unhealthy;
        struct od_alarm_count ac;
        char note[128];
        const char *state = d != NULL && d->rollout_state != NULL ? d->rollout_state : "-";
        char *bar;

        /* Marked: a trailing "*" (after the name, so the sort by name stays) in the
         * row.marked colour. */
        if (is_marked(st, s->name, NULL))
            table_setf(&st->table, row, C_NAME, 0, EL_ROW_MARKED, "%s *", s->name);
        else
            table_set(&st->table, row, C_NAME, s->name, 0, EL_ROW);
        table_setf(&st->table, row, C_DESIRED, (double)s->desired, EL_ROW, "%ld", s->desired);
        table_setf(&st->table, row, C_RUNNING, (double)s->running,
                   s->running < s->desired ? EL_STATE_WARN : EL_ROW, "%ld", s->running);
        table_setf(&st->table, row, C_PENDING, (double)s->pending, EL_ROW, "%ld", s->pending);
        if (service_failed(s))
            state = "FAILED";
        table_setf(&st->table, row, C_ROLLOUT, 0, present_rollout_el(state), "%s%s", state,
                   s->ndeployments > 1 ? "+" : "");
        if (d != NULL) {
            bar = spark_bar(d->running, d->desired, BAR_W);
            table_setf(&st->table, row, C_PROGRESS,
                       d->desired > 0 ? (double)d->running / (double)d->desired : 0,
                       service_failed(s) ? EL_STATE_FAILED
                       : d->running >= d->desired ? EL_BAR_DONE
                                                  : EL_STATE_PROGRESS,
                       "%s %ld/%ld", bar, d->running, d->desired);
            free(bar);
        } else {
            table_set(&st->table, row, C_PROGRESS, "-", -1, EL_DIM);
        }
        if (task_set_controlled(s))
            task_set_cells(&st->table, row, s);
        service_deployment_cell(&st->table, row, world_service_deployment(w, s->arn));
        table_setf(&st->table, row, C_REV, (double)task_def_revision(s->task_definition), EL_ROW,
                   "%ld", task_def_revision(s->task_definition));
        if (!metric_error_cell(&st->table, row, C_CPU, w, cpu))
            spark_cell(&st->table, row, C_CPU, cpu != NULL ? cpu->values : NULL,
                       cpu != NULL ? cpu->n : 0, EL_SPARK_CPU);
        if (!metric_error_cell(&st->table, row, C_MEM, w, mem))
            spark_cell(&st->table, row, C_MEM, mem != NULL ? mem->values : NULL,
                       mem != NULL ? mem->n : 0, EL_SPARK_MEM);
        spark_cell(&st->table, row, C_5XX, err5, n5, EL_SPARK_5XX);
        free(err5);
        world_count_targets(w, s, &tc);
        unhealthy = tc.unhealthy;
        target_counts_note(&tc, note, sizeof note);
        table_set(&st->table, row, C_TARGETS, note, 0,
                  tc.missing_groups > 0 ? EL_TARGET_UNHEALTHY : EL_TARGET_OTHER);
        if (s->nlbs == 0)
            table_set(&st->table, row, C_UNHEALTHY, "-", -1, EL_DIM);
        else
            table_setf(&st->table, row, C_UNHEALTHY, (double)unhealthy,
                       unhealthy > 0 ? EL_TARGET_UNHEALTHY : EL_ROW, "%zu", unhealthy);
        /* The service's alarms (model/alarm_attr.h): "1 ALARM" when all of them fire,
         * "1 ALARM/3" when one of three does, "3 ok", "-" when none belongs to it. Sorted
         * by firing first, then by how many. */
        ac = alarm_counts[i];
        if (ac.firing > 0 && ac.firing == ac.total)
            table_setf(&st->table, row, C_ALARMS, (double)ac.firing * 1000 + (double)ac.total,
                       EL_ALARM_FIRING, "%zu ALARM", ac.firing);
        else if (ac.firing > 0)
            table_setf(&st->table, row, C_ALARMS, (double)ac.firing * 1000 + (double)ac.total,
                       EL_ALARM_FIRING, "%zu ALARM/%zu", ac.firing, ac.total);
        else if (ac.total > 0)
            table_setf(&st->table, row, C_ALARMS, (double)ac.total, EL_ALARM_OK, "%zu ok",
                       ac.total);
        else
            table_set(&st->table, row, C_ALARMS, "-", -1, EL_DIM);
    }
    free(alarm_counts);
    table_end(&st->table);
}

static void
draw(struct view *v, int y, int x, int h, int w)
{
    struct services *st = v->st;
    const struct od_world *wd = ui_world(v->ui);

    if (wd->nservices == 0) {
        table_draw(&st->table, y, x, 1, w);
        if (!wd->parts[OD_PART_SERVICES].loaded)
            draw_text(y + 2, x + 2, w - 4, EL_DIM,
                      wd->parts[OD_PART_SERVICES].stale ? "could not load the services (see the status bar)"
                                                        : "loading services…");
        else
            draw_text(y + 2, x + 2, w - 4, EL_DIM, "no services in this cluster");
        return;
    }
    table_draw(&st->table, y, x, h, w);
    if (table_count(&st->table) == 0 && h > 2)
        draw_text(y + 2, x + 2, w - 4, EL_DIM, "no service matches the filter");
}

static bool
key(struct view *v, enum ui_action a)
{
    struct services *st = v->st;
    const char *sel;

    if (table_key(&st->table, a))
        return true;
    if (a == ACT_ENTER) {
        if ((sel = table_selected(&st->table)) != NULL)
            ui_push(v->ui, view_service_new(v->ui, sel));
        return true;
    }
    if (a == ACT_MARK) {
        toggle_mark(v, st);
        return true;
    }
    if (a == ACT_LOGS && st->nmarked > 0) {
        /* Marked rows: one pane following all of them (the selection does not count). */
        struct ui_target t = {0};

        t.kind = TARGET_SERVICE;
        t.cluster = ui_cluster(v->ui);
        t.service = st->marked[0];
        t.services = (const char *const *)st->marked;
        t.nservices = st->nmarked;
        ui_open_logs(v->ui, &t);
        return true;
    }
    if (a == ACT_TIMELINE) {
        ui_push(v->ui, view_timeline_new(v->ui, NULL));
        return true;
    }
    return false;
}

static void
title(struct view *v, char *out, size_t len)
{
    struct services *st = v->st;

    char marks[32] = "";

    if (st->nmarked > 0)
        snprintf(marks, sizeof marks, " · %zu marked", st->nmarked);
    snprintf(out, len, "Services (%zu/%zu)%s · cluster %s", table_count(&st->table),
             st->table.nrows, marks, ui_cluster(v->ui) != NULL ? ui_cluster(v->ui) : "-");
}

static void
target(struct view *v, struct ui_target *t)
{
    struct services *st = v->st;
    const char *sel = table_selected(&st->table);

    if (sel == NULL)
        return;
    t->kind = TARGET_SERVICE;
    t->cluster = ui_cluster(v->ui);
    t->service = sel;
}

/* The rows on screen, and a page either side so that scrolling rarely leaves the scope;
 * a sort by a metric column needs every service's (all; shown and wanted still say what is on
 * screen, for the poller's focus). */
static void
metric_scope(struct view *v, struct metric_scope *out)
{
    struct services *st = v->st;
    const struct ui_table *t = &st->table;
    long top = (long)t->top, page = t->page > 0 ? t->page : 1;

    out->all = t->sort_col == C_CPU || t->sort_col == C_MEM || t->sort_col == C_5XX;
    out->fill = t->sort_col != C_NAME;
    /* The rows shown are also the poller's focus (console.c), whatever the scope. */
    out->nshown = table_keys_between(t, top, top + page, &out->shown);
    out->nwanted = table_keys_between(t, top - page, top + 2 * page, &out->wanted);
}

static void
destroy(struct view *v)
{
    struct services *st = v->st;

    table_free(&st->table);
    for (size_t i = 0; i < st->nmarked; i++)
        free(st->marked[i]);
    free(st->marked);
    free(st);
}

static const struct view_ops services_ops = {
    .name = "services",
    .parts = POLL_PART(OD_PART_SERVICES) | POLL_PART(OD_PART_TARGETS) |
             POLL_PART(OD_PART_ALARMS) | POLL_PART(OD_PART_METRICS) |
             POLL_PART(OD_PART_SERVICE_DEPLOYMENTS),
    .actions = actions,
    .nactions = sizeof actions / sizeof actions[0],
    .destroy = destroy,
    .recalc = recalc,
    .draw = draw,
    .key = key,
    .title = title,
    .set_filter = table_view_set_filter,
    .get_filter = table_view_get_filter,
    .sort = table_view_sort,
    .target = target,
    .metric_scope = metric_scope,
};

struct view *
view_services_new(struct ui *ui, const char *select)
{
    struct services *st = xcalloc(1, sizeof *st);

    table_init(&st->table, cols, C_COUNT, C_NAME);
    if (select != NULL)
        table_select(&st->table, select);
    return view_new(ui, &services_ops, st);
}

/* ---- palette ----------------------------------------------------------------------------- */

static void
run_services(struct ui *ui, const char *arg, const char *arg2)
{
    (void)arg2;
    if (ui_cluster(ui) == NULL) {
        ui_error(ui, "no cluster selected: use :cluster NAME or pick one in :clusters");
    } else if (arg != NULL) {
        ui_set_root(ui, view_services_new(ui, arg));
        ui_push(ui, view_service_new(ui, arg));
    } else {
        ui_set_root(ui, view_services_new(ui, NULL));
    }
}

const struct palette_cmd palette_cmd_services = {
    .name = "services", .aliases = "svc s service", .usage = "[SERVICE]",
    .summary = "the services of the cluster (a name opens that service)", .run = run_services,
};
