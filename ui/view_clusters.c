/* The region's clusters: services, running/pending tasks, and for the selected cluster the
 * deployments in progress and unhealthy targets; alarms in ALARM per cluster (by their
 * ClusterName dimension, plus the selected cluster's target groups). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/alarm_attr.h"
#include "poller/poller.h"
#include "ui/draw.h"
#include "ui/present.h"
#include "ui/palette.h"
#include "ui/ui.h"
#include "ui/widget_table.h"
#include "util/str.h"
#include "util/xalloc.h"

enum { C_NAME, C_STATUS, C_SERVICES, C_RUNNING, C_PENDING, C_DEPLOYING, C_UNHEALTHY, C_ALARMS,
       C_INSTANCES, C_TARGETS, C_COUNT };

static const struct table_col cols[C_COUNT] = {
    [C_NAME] = {"CLUSTER", 8, 40, false, false, false},
    [C_STATUS] = {"STATUS", 6, 10, false, false, false},
    [C_SERVICES] = {"SERVICES", 8, 8, true, true, false},
    [C_RUNNING] = {"RUNNING", 7, 7, true, true, false},
    [C_PENDING] = {"PENDING", 7, 7, true, true, false},
    [C_DEPLOYING] = {"DEPLOYING", 9, 9, true, true, false},
    [C_UNHEALTHY] = {"UNHEALTHY", 9, 9, true, true, false},
    [C_ALARMS] = {"ALARMS", 6, 8, true, true, false},
    [C_INSTANCES] = {"INSTANCES", 9, 9, true, true, false},
    [C_TARGETS] = {"TARGETS", 7, 32, false, false, true, true},
};

struct clusters {
    struct ui_table table;
};
_Static_assert(offsetof(struct clusters, table) == 0, "table_view_* need the table first");

static size_t
cluster_alarms(const struct od_world *w, const char *cluster)
{
    size_t n = 0;

    for (size_t i = 0; i < w->nalarms; i++) {
        const struct od_alarm *a = &w->alarms[i];
        bool mine = false;

        if (!str_eq(a->state, "ALARM"))
            continue;
        for (size_t d = 0; d < a->ndimensions && !mine; d++)
            mine = str_eq(a->dimensions[d].name, "ClusterName") &&
                   str_eq(a->dimensions[d].value, cluster);
        for (size_t m = 0; m < a->nmetrics && !mine; m++) /* metric math */
            for (size_t d = 0; d < a->metrics[m].ndimensions && !mine; d++)
                mine = str_eq(a->metrics[m].dimensions[d].name, "ClusterName") &&
                       str_eq(a->metrics[m].dimensions[d].value, cluster);
        /* Target-group and load-balancer alarms are known for the selected cluster only
         * (model/alarm_attr.h); an alarm of two services counts once. */
        if (!mine && str_eq(w->cluster, cluster))
            mine = alarm_services(w, a, NULL, 0) > 0;
        if (mine)
            n++;
    }
    return n;
}

static void
recalc(struct view *v)
{
    struct clusters *st = v->st;
    const struct od_world *w = ui_world(v->ui);
    bool alarms = w->parts[OD_PART_ALARMS].loaded;

    table_begin(&st->table);
    for (size_t i = 0; i < w->nclusters; i++) {
        const struct od_cluster *c = &w->clusters[i];
        size_t row = table_add(&st->table, c->name, EL_ROW);
        bool selected = str_eq(c->name, w->cluster) && w->parts[OD_PART_SERVICES].loaded;

        table_set(&st->table, row, C_NAME, c->name, 0, selected ? EL_TITLE : EL_ROW);
        table_set(&st->table, row, C_STATUS, c->status, 0,
                  str_eq(c->status, "ACTIVE") ? EL_STATE_OK : EL_STATE_WARN);
        table_setf(&st->table, row, C_SERVICES, (double)c->active_services, EL_ROW, "%ld",
                   c->active_services);
        table_setf(&st->table, row, C_RUNNING, (double)c->running_tasks, EL_ROW, "%ld",
                   c->running_tasks);
        table_setf(&st->table, row, C_PENDING, (double)c->pending_tasks,
                   c->pending_tasks > 0 ? EL_STATE_PROGRESS : EL_ROW, "%ld", c->pending_tasks);
        table_setf(&st->table, row, C_INSTANCES, (double)c->container_instances, EL_ROW, "%ld",
                   c->container_instances);
        if (selected) {
            size_t rolling = 0, unhealthy = 0, failed = 0;
            struct od_target_counts sum = {0}, one;
            char note[128];

            for (size_t s = 0; s < w->nservices; s++) {
                rolling += service_rolling(&w->services[s]);
                failed += service_failed(&w->services[s]);
                world_count_targets(w, &w->services[s], &one);
                unhealthy += one.unhealthy;
                sum.initial += one.initial;
                sum.draining += one.draining;
                sum.unused += one.unused;
                sum.unavailable += one.unavailable;
                sum.other += one.other;
                sum.missing_groups += one.missing_groups;
            }
            table_set(&st->table, row, C_TARGETS, target_counts_note(&sum, note, sizeof note), 0,
                      note[0] != '\0' ? EL_TARGET_OTHER : EL_ROW);
            table_setf(&st->table, row, C_DEPLOYING, (double)rolling,
                       failed > 0 ? EL_STATE_FAILED : rolling > 0 ? EL_STATE_PROGRESS : EL_ROW,
                       failed > 0 ? "%zu (%zu failed)" : "%zu", rolling, failed);
            table_setf(&st->table, row, C_UNHEALTHY, (double)unhealthy,
                       unhealthy > 0 ? EL_TARGET_UNHEALTHY : EL_ROW, "%zu", unhealthy);
        } else {
            table_set(&st->table, row, C_DEPLOYING, "-", -1, EL_DIM);
            table_set(&st->table, row, C_UNHEALTHY, "-", -1, EL_DIM);
            table_set(&st->table, row, C_TARGETS, "", 0, EL_DIM);
        }
        if (alarms) {
            size_t n = cluster_alarms(w, c->name);

            table_setf(&st->table, row, C_ALARMS, (double)n, n > 0 ? EL_ALARM_FIRING : EL_ROW,
                       "%zu", n);
        } else {
            table_set(&st->table, row, C_ALARMS, "-", -1, EL_DIM);
        }
    }
    table_end(&st->table);
}

static void
draw(struct view *v, int y, int x, int h, int w)
{
    struct clusters *st = v->st;
    const struct od_world *wd = ui_world(v->ui);

    table_draw(&st->table, y, x, h, w);
    if (wd->nclusters == 0 && h > 2)
        draw_text(y + 2, x + 2, w - 4, EL_DIM,
                  !wd->parts[OD_PART_CLUSTERS].loaded && !wd->parts[OD_PART_CLUSTERS].stale
                      ? "loading clusters…"
                      : "no clusters in this region");
    else if (table_count(&st->table) == 0 && h > 2)
        draw_text(y + 2, x + 2, w - 4, EL_DIM, "no cluster matches the filter");
    else if (h > (int)table_count(&st->table) + 3)
        draw_text(y + h - 1, x + 2, w - 4, EL_DIM,
                  "Enter opens a cluster's services; deployments and targets are counted for "
                  "the open cluster");
}

static bool
key(struct view *v, enum ui_action a)
{
    struct clusters *st = v->st;
    const char *sel;

    if (table_key(&st->table, a))
        return true;
    if (a == ACT_ENTER) {
        if ((sel = table_selected(&st->table)) != NULL) {
            char *name = xstrdup(sel);

            ui_switch_cluster(v->ui, name); /* replaces this view */
            free(name);
        }
        return true;
    }
    return false;
}

static void
title(struct view *v, char *out, size_t len)
{
    struct clusters *st = v->st;

    snprintf(out, len, "Clusters (%zu) · %s", table_count(&st->table),
             ui_region(v->ui) != NULL ? ui_region(v->ui) : "no region");
}

static void
target(struct view *v, struct ui_target *t)
{
    const char *sel = table_selected(&((struct clusters *)v->st)->table);

    if (sel == NULL)
        return;
    t->kind = TARGET_CLUSTER;
    t->cluster = sel;
}

static void
destroy(struct view *v)
{
    struct clusters *st = v->st;

    table_free(&st->table);
    free(st);
}

static const struct view_ops clusters_ops = {
    .name = "clusters",
    .parts = POLL_PART(OD_PART_CLUSTERS) | POLL_PART(OD_PART_ALARMS) |
             POLL_PART(OD_PART_SERVICES) | POLL_PART(OD_PART_TARGETS),
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
view_clusters_new(struct ui *ui)
{
    struct clusters *st = xcalloc(1, sizeof *st);

    table_init(&st->table, cols, C_COUNT, C_NAME);
    if (ui_cluster(ui) != NULL)
        table_select(&st->table, ui_cluster(ui));
    else if (ui_last_cluster(ui) != NULL)
        table_select(&st->table, ui_last_cluster(ui));
    return view_new(ui, &clusters_ops, st);
}

/* ---- palette ----------------------------------------------------------------------------- */

static void
run_clusters(struct ui *ui, const char *arg, const char *arg2)
{
    (void)arg;
    (void)arg2;
    ui_set_root(ui, view_clusters_new(ui));
}

const struct palette_cmd palette_cmd_clusters = {
    .name = "clusters", .aliases = "cl", .usage = "", .summary = "the cluster list",
    .run = run_clusters,
};
