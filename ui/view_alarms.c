/* Every alarm with its state and reason, firing ones first, and the services of the open
 * cluster it belongs to (model/alarm_attr.h); Enter jumps to that service, else to the
 * service, target group (its service) or distribution that the alarm's dimensions name. */
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
#include "util/buf.h"
#include "util/str.h"
#include "util/xalloc.h"

enum { C_STATE, C_NAME, C_SERVICE, C_METRIC, C_OWNER, C_UPDATED, C_REASON, C_COUNT };

static const struct table_col cols[C_COUNT] = {
    [C_STATE] = {"STATE", 5, 17, false, true, false},
    [C_NAME] = {"ALARM", 8, 36, false, false, false},
    [C_SERVICE] = {"SERVICE", 7, 24, false, false, false},
    [C_METRIC] = {"METRIC", 8, 40, false, false, false},
    [C_OWNER] = {"NAMES", 8, 36, false, false, false},
    [C_UPDATED] = {"UPDATED", 7, 9, false, true, false},
    [C_REASON] = {"REASON", 6, 0, false, false, false},
};

struct alarms {
    struct ui_table table;
};
_Static_assert(offsetof(struct alarms, table) == 0, "table_view_* need the table first");

static double
state_rank(const char *state)
{
    return str_eq(state, "ALARM") ? 2 : str_eq(state, "INSUFFICIENT_DATA") ? 1 : 0;
}

static const char *
dim(const struct od_alarm *a, const char *name)
{
    for (size_t i = 0; i < a->ndimensions; i++)
        if (str_eq(a->dimensions[i].name, name))
            return a->dimensions[i].value;
    /* metric math: no dimensions of its own, its metrics' (the first that has it) */
    for (size_t m = 0; a->ndimensions == 0 && m < a->nmetrics; m++)
        for (size_t i = 0; i < a->metrics[m].ndimensions; i++)
            if (str_eq(a->metrics[m].dimensions[i].name, name))
                return a->metrics[m].dimensions[i].value;
    return NULL;
}

/* What the alarm names, in words. */
static char *
owner_text(const struct od_world *w, const struct od_alarm *a)
{
    const char *svc = dim(a, "ServiceName"), *tg = dim(a, "TargetGroup"),
               *dist = dim(a, "DistributionId");

    if (svc != NULL)
        return xasprintf("service %s%s%s", svc, dim(a, "ClusterName") != NULL ? " in " : "",
                         dim(a, "ClusterName") != NULL ? dim(a, "ClusterName") : "");
    if (tg != NULL) {
        for (size_t s = 0; s < w->nservices; s++)
            for (size_t k = 0; k < w->services[s].nlbs; k++)
                if (alarm_names_target_group(a, w->services[s].lbs[k].target_group_arn))
                    return xasprintf("service %s (target group)", w->services[s].name);
        return xasprintf("%s", tg);
    }
    if (dist != NULL)
        return xasprintf("distribution %s", dist);
    if (a->ndimensions > 0)
        return xasprintf("%s=%s", a->dimensions[0].name, a->dimensions[0].value);
    return xstrdup("-");
}

static void
recalc(struct view *v)
{
    struct alarms *st = v->st;
    const struct od_world *w = ui_world(v->ui);

    table_begin(&st->table);
    for (size_t i = 0; i < w->nalarms; i++) {
        const struct od_alarm *a = &w->alarms[i];
        size_t row = table_add(&st->table, a->name, EL_ROW);
        char *owner = owner_text(w, a), ago[32], *services;

        present_ago(a->updated_at, ago, sizeof ago);
        table_set(&st->table, row, C_STATE, a->state, state_rank(a->state),
                  present_alarm_el(a->state));
        table_set(&st->table, row, C_NAME, a->name, 0, EL_ROW);
        /* The services of the open cluster it belongs to (model/alarm_attr.h). */
        services = alarm_services_text(w, a);
        table_set(&st->table, row, C_SERVICE, services != NULL ? services : "-", 0,
                  services != NULL ? EL_ROW : EL_DIM);
        free(services);
        if (a->metric_name == NULL && a->nmetrics > 0)
            table_setf(&st->table, row, C_METRIC, 0, EL_ROW, "metric math (%zu quer%s)",
                       a->nmetrics, a->nmetrics == 1 ? "y" : "ies");
        else
            table_setf(&st->table, row, C_METRIC, 0, EL_ROW, "%s %s",
                       a->namespace_ != NULL ? a->namespace_ : "-",
                       a->metric_name != NULL ? a->metric_name : "-");
        table_set(&st->table, row, C_OWNER, owner, 0, EL_ROW);
        table_set(&st->table, row, C_UPDATED, ago, a->updated_at, EL_DIM);
        table_set(&st->table, row, C_REASON, a->reason, 0, EL_DIM);
        free(owner);
    }
    table_end(&st->table);
}

static void
draw(struct view *v, int y, int x, int h, int w)
{
    struct alarms *st = v->st;
    const struct od_world *wd = ui_world(v->ui);

    table_draw(&st->table, y, x, h, w);
    if (wd->nalarms == 0 && h > 2)
        draw_text(y + 2, x + 2, w - 4, EL_DIM,
                  wd->parts[OD_PART_ALARMS].denied != NULL ? wd->parts[OD_PART_ALARMS].error
                  : wd->parts[OD_PART_ALARMS].loaded       ? "no alarms"
                                                           : "loading…");
    else if (table_count(&st->table) == 0 && h > 2)
        draw_text(y + 2, x + 2, w - 4, EL_DIM, "no alarm matches the filter");
}

static void
jump(struct view *v, const char *name)
{
    struct ui *ui = v->ui;
    const struct od_world *w = ui_world(ui);
    const struct od_alarm *a = NULL;
    const char *svc, *cluster, *dist;

    for (size_t i = 0; i < w->nalarms && a == NULL; i++)
        if (str_eq(w->alarms[i].name, name))
            a = &w->alarms[i];
    if (a == NULL)
        return;
    {
        /* A service of the open cluster it belongs to (by any of its dimensions, metric
         * math included) is where Enter goes. */
        const char *mine[1];

        if (ui_cluster(ui) != NULL && alarm_services(w, a, mine, 1) > 0) {
            char *n = xstrdup(mine[0]);

            ui_set_root(ui, view_services_new(ui, n));
            ui_push(ui, view_service_new(ui, n));
            free(n);
            return;
        }
    }
    svc = dim(a, "ServiceName");
    cluster = dim(a, "ClusterName");
    dist = dim(a, "DistributionId");
    if (svc != NULL) {
        char *s = xstrdup(svc);

        if (cluster != NULL && !str_eq(cluster, ui_cluster(ui)))
            ui_switch_cluster(ui, cluster); /* the alarm view is replaced; v is gone */
        else if (ui_cluster(ui) == NULL) {
            ui_error(ui, "the alarm names service %s but no cluster: use :cluster NAME", s);
            free(s);
            return;
        } else
            ui_set_root(ui, view_services_new(ui, s));
        ui_push(ui, view_service_new(ui, s));
        free(s);
        return;
    }
    if (dim(a, "TargetGroup") != NULL) {
        for (size_t i = 0; i < w->nservices; i++) {
            const struct od_service *s = &w->services[i];

            for (size_t k = 0; k < s->nlbs; k++) {
                if (alarm_names_target_group(a, s->lbs[k].target_group_arn)) {
                    char *n = xstrdup(s->name);

                    ui_set_root(ui, view_services_new(ui, n));
                    ui_push(ui, view_service_new(ui, n));
                    free(n);
                    return;
                }
            }
        }
        if (ui_cluster(ui) == NULL || !w->parts[OD_PART_SERVICES].loaded)
            ui_error(ui, "target group %s: open its cluster first (:cluster NAME)",
                     dim(a, "TargetGroup"));
        else
            ui_error(ui, "target group %s belongs to no service of cluster %s",
                     dim(a, "TargetGroup"), ui_cluster(ui));
        return;
    }
    if (dist != NULL) {
        char *d = xstrdup(dist);

        ui_set_root(ui, view_cloudfront_new(ui, d));
        ui_push(ui, view_distribution_new(ui, d));
        free(d);
        return;
    }
    ui_error(ui, "alarm %s names no service, target group or distribution", a->name);
}

static bool
key(struct view *v, enum ui_action a)
{
    struct alarms *st = v->st;
    const char *sel;

    if (table_key(&st->table, a))
        return true;
    if (a == ACT_ENTER) {
        if ((sel = table_selected(&st->table)) != NULL) {
            char *name = xstrdup(sel);

            jump(v, name); /* may free v */
            free(name);
        }
        return true;
    }
    return false;
}

static void
title(struct view *v, char *out, size_t len)
{
    struct alarms *st = v->st;
    size_t firing = 0;

    for (size_t i = 0; i < st->table.nrows; i++)
        if (st->table.rows[i].cells[C_STATE].num == 2)
            firing++;
    snprintf(out, len, "Alarms (%zu, %zu in ALARM)", table_count(&st->table), firing);
}

/* o and y act on the selected alarm. */
static void
target(struct view *v, struct ui_target *t)
{
    t->alarm = table_selected(&((struct alarms *)v->st)->table);
}

static void
destroy(struct view *v)
{
    struct alarms *st = v->st;

    table_free(&st->table);
    free(st);
}

static const struct view_ops alarms_ops = {
    .name = "alarms",
    .parts = POLL_PART(OD_PART_ALARMS) | POLL_PART(OD_PART_SERVICES) |
             POLL_PART(OD_PART_TARGETS),
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
view_alarms_new(struct ui *ui)
{
    struct alarms *st = xcalloc(1, sizeof *st);

    table_init(&st->table, cols, C_COUNT, C_STATE);
    st->table.sort_desc = true; /* firing first */
    return view_new(ui, &alarms_ops, st);
}

/* ---- palette ----------------------------------------------------------------------------- */

static void
run_alarms(struct ui *ui, const char *arg, const char *arg2)
{
    (void)arg;
    (void)arg2;
    ui_set_root(ui, view_alarms_new(ui));
}

const struct palette_cmd palette_cmd_alarms = {
    .name = "alarms", .aliases = "alarm", .usage = "", .summary = "CloudWatch alarms",
    .run = run_alarms,
};
