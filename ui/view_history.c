/* The history view (see view_history.h). The fetch's callback builds the view's document and
 * only marks the console dirty; leaving the view cancels a fetch still running. */
#include "ui/view_history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/service_deployment.h"
#include "poller/deploy_history.h"
#include "ui/present.h"
#include "ui/ui.h"
#include "ui/widget_doc.h"
#include "util/clock.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

#define HISTORY_ITEMS 50 /* the newest deployments shown */

static const enum ui_action actions[] = {
    ACT_UP, ACT_DOWN, ACT_TOP, ACT_BOTTOM, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_FILTER,
};

struct history_view {
    char *cluster, *service;
    struct od_history_fetch *fetch;
    struct ui_doc doc;
};

static enum ui_el
status_el(const char *status)
{
    if (str_eq(status, "SUCCESSFUL"))
        return EL_STATE_OK;
    if (str_has_prefix(status, "ROLLBACK"))
        return EL_STATE_FAILED;
    if (str_eq(status, "STOPPED") || str_eq(status, "STOP_REQUESTED"))
        return EL_STATE_WARN;
    return EL_STATE_PROGRESS;
}

static void
duration(long s, char *buf, size_t len)
{
    if (s < 0)
        snprintf(buf, len, "-");
    else if (s >= 3600)
        snprintf(buf, len, "%ldh%02ldm", s / 3600, s / 60 % 60);
    else
        snprintf(buf, len, "%ldm%02lds", s / 60, s % 60);
}

static void
deployment_rows(struct ui_doc *d, const struct od_deploy_history *h,
                const struct od_service_deployment *sd, int64_t now)
{
    struct od_revision_change *c;
    size_t nc;
    char ago[32], dur[32], *to = deploy_history_label(h, sd->target.arn);

    present_ago((double)sd->created_ms / 1000.0, ago, sizeof ago);
    duration(deploy_history_duration_s(sd, now), dur, sizeof dur);
    doc_line(d, 0, NULL);
    doc_add(d, EL_DIM, 12, ago);
    doc_add(d, status_el(sd->status), 21, sd->status != NULL ? sd->status : "-");
    doc_add(d, EL_ROW, 5, service_deployment_strategy_short(sd->strategy));
    doc_add(d, EL_DIM, 9, dur);
    for (size_t i = 0; i < sd->nsources; i++) {
        char *from = deploy_history_label(h, sd->sources[i].arn);

        doc_add(d, EL_ROW, 0, i > 0 ? "+" : "");
        doc_add(d, EL_ROW, 0, from);
        free(from);
    }
    doc_add(d, EL_ROW, 0, sd->nsources > 0 ? " -> " : "(created) ");
    doc_add(d, EL_TITLE, 0, to);
    free(to);
    if (service_deployment_in_flight(sd) && sd->stage != NULL) {
        doc_add(d, EL_STATE_PROGRESS, 0, "  ");
        doc_add(d, EL_STATE_PROGRESS, 0, sd->stage);
    }
    if (sd->status_reason != NULL) {
        doc_line(d, 0, NULL);
        doc_add(d, EL_LABEL, 0, "    reason ");
        doc_add(d, EL_ROW, 0, sd->status_reason);
    }
    if (sd->rollback_reason != NULL) {
        char *back = deploy_history_label(h, sd->rollback_revision);

        doc_line(d, 0, NULL);
        doc_add(d, EL_LABEL, 0, "    rollback to ");
        doc_add(d, EL_STATE_FAILED, 0, back);
        doc_add(d, EL_STATE_FAILED, 0, ": ");
        doc_add(d, EL_STATE_FAILED, 0, sd->rollback_reason);
        free(back);
    }
    c = deploy_history_changes(h, sd, &nc);
    for (size_t i = 0; i < nc; i++) {
        doc_line(d, 0, NULL);
        doc_add(d, EL_LABEL, 0, "    ");
        doc_add(d, EL_LABEL, 0, c[i].field);
        doc_add(d, EL_LABEL, 0, " ");
        doc_add(d, EL_DIM, 0, c[i].from != NULL ? c[i].from : "-");
        doc_add(d, EL_ROW, 0, " -> ");
        doc_add(d, EL_ROW, 0, c[i].to != NULL ? c[i].to : "-");
    }
    revision_changes_free(&c, &nc);
}

static void
build(struct history_view *st, const struct od_deploy_history *h)
{
    struct ui_doc *d = &st->doc;
    int64_t now = clock_wall_ms();

    doc_begin(d);
    doc_line(d, 0, NULL);
    doc_addf(d, EL_SECTION, 0, "Service deployments, newest first (%zu%s)", h->ndeps,
             h->truncated ? ", older ones not shown" : "");
    if (h->ndeps == 0) {
        doc_line(d, 0, NULL);
        doc_add(d, EL_DIM, 0, "  ECS lists no service deployment for this service");
    }
    if (h->revisions_error != NULL) {
        doc_line(d, 0, NULL);
        doc_add(d, EL_ERROR, 0, "  service revisions not read (no diffs): ");
        doc_add(d, EL_ERROR, 0, h->revisions_error);
    }
    for (size_t i = 0; i < h->ndeps; i++) {
        if (i > 0)
            doc_line(d, 0, NULL);
        deployment_rows(d, h, &h->deps[i], now);
    }
    doc_end(d);
}

static void
on_history(struct od_deploy_history *h, const struct od_error *err, void *ud)
{
    struct view *v = ud;
    struct history_view *st = v->st;

    st->fetch = NULL;
    if (err != NULL) {
        char *line = od_error_format(err);

        doc_begin(&st->doc);
        doc_line(&st->doc, 0, NULL);
        doc_add(&st->doc, EL_ERROR, 0, "cannot read the deployment history: ");
        doc_add(&st->doc, EL_ERROR, 0, line);
        doc_end(&st->doc);
        free(line);
    } else {
        build(st, h);
        deploy_history_free(&h);
    }
    ui_dirty(v->ui);
}

static void
start(struct view *v)
{
    struct history_view *st = v->st;
    struct od_error err = {0};

    deploy_history_cancel(&st->fetch);
    doc_begin(&st->doc);
    doc_line(&st->doc, 0, NULL);
    doc_add(&st->doc, EL_DIM, 0, "reading the service's deployments…");
    doc_end(&st->doc);
    if (ui_aws(v->ui) == NULL)
        od_error_set(&err, OD_E_CONFIG, "no AWS context");
    else if (deploy_history_fetch(ui_aws(v->ui), st->cluster, st->service, HISTORY_ITEMS, 0,
                                  on_history, v, &st->fetch, &err) == OD_OK)
        return;
    on_history(NULL, &err, v);
    od_error_clear(&err);
}

static void
recalc(struct view *v)
{
    (void)v; /* rebuilt when the fetch answers */
}

static void
draw(struct view *v, int y, int x, int h, int w)
{
    doc_draw(&((struct history_view *)v->st)->doc, y, x + 1, h, w - 1);
}

static bool
key(struct view *v, enum ui_action a)
{
    struct history_view *st = v->st;

    if (doc_key(&st->doc, a))
        return true;
    if (a == ACT_REFRESH) {
        start(v);
        return false; /* the console refreshes the world too */
    }
    return false;
}

static void
title(struct view *v, char *out, size_t len)
{
    struct history_view *st = v->st;
    char *safe = sanitize_str(st->service), *cl = sanitize_str(st->cluster);

    snprintf(out, len, "History · service %s · cluster %s", safe, cl);
    free(safe);
    free(cl);
}

static void
set_filter(struct view *v, const char *text)
{
    doc_set_filter(&((struct history_view *)v->st)->doc, text);
}

static const char *
get_filter(struct view *v)
{
    return ((struct history_view *)v->st)->doc.filter;
}

static void
target(struct view *v, struct ui_target *t)
{
    struct history_view *st = v->st;

    t->kind = TARGET_SERVICE;
    t->cluster = st->cluster;
    t->service = st->service;
}

static void
destroy(struct view *v)
{
    struct history_view *st = v->st;

    deploy_history_cancel(&st->fetch);
    doc_free(&st->doc);
    free(st->cluster);
    free(st->service);
    free(st);
}

static const struct view_ops history_ops = {
    .name = "history",
    .parts = 0, /* read by its own fetch */
    .actions = actions,
    .nactions = sizeof actions / sizeof actions[0],
    .destroy = destroy,
    .recalc = recalc,
    .draw = draw,
    .key = key,
    .title = title,
    .set_filter = set_filter,
    .get_filter = get_filter,
    .target = target,
};

struct view *
view_history_new(struct ui *ui, const char *cluster, const char *service)
{
    struct history_view *st = xcalloc(1, sizeof *st);
    struct view *v;

    st->cluster = xstrdup(cluster != NULL ? cluster : "");
    st->service = xstrdup(service != NULL ? service : "");
    doc_init(&st->doc);
    v = view_new(ui, &history_ops, st);
    start(v);
    return v;
}
