/* The rollout view (see view_rollout.h). The watcher's callback copies each snapshot into the
 * view's document (the model of this view) and only marks the console dirty; drawing happens
 * at the end of the loop turn. */
#include "ui/view_rollout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/watch.h"
#include "model/entities.h"
#include "model/task_set.h"
#include "ui/present_deployment.h"
#include "util/clock.h"
#include "ui/act.h"
#include "ui/present.h"
#include "ui/ui.h"
#include "ui/widget_doc.h"
#include "ui/widget_spark.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

#define MAX_EVENTS 30
#define WATCH_TIMEOUT_MS (30ULL * 60 * 1000)

static const enum ui_action actions[] = {
    ACT_UP,     ACT_DOWN, ACT_TOP,    ACT_BOTTOM,   ACT_PAGE_UP, ACT_PAGE_DOWN,
    ACT_FILTER, ACT_LOGS, ACT_DEPLOY, ACT_ROLLBACK, ACT_CONTINUE, ACT_SCALE,
};

struct rollout_view {
    struct od_action_env env;
    struct od_watch *watch;
    char *cluster, *service;
    struct ui_doc doc;
    enum od_verdict verdict;
    char *rollback_td; /* on FAILED: the revision to offer */
    char *events[MAX_EVENTS]; /* "3m ago  message", newest first (raw; doc sanitises) */
    size_t nevents;
    bool started;
};

static void
add_event(struct rollout_view *st, const struct od_event *e)
{
    char ago[32];

    if (st->nevents == MAX_EVENTS)
        free(st->events[--st->nevents]);
    memmove(&st->events[1], &st->events[0], st->nevents * sizeof st->events[0]);
    present_ago(e->created_at, ago, sizeof ago);
    st->events[0] = xasprintf("%-10s %s", ago, e->message != NULL ? e->message : "");
    st->nevents++;
}

static enum ui_el
verdict_el(enum od_verdict v)
{
    switch (v) {
    case OD_ROLLOUT_COMPLETED:
        return EL_STATE_OK;
    case OD_ROLLOUT_PENDING:
        return EL_STATE_PROGRESS;
    case OD_ROLLOUT_TIMEOUT:
        return EL_STATE_WARN;
    default:
        return EL_BANNER_FAILED;
    }
}

static void
section(struct ui_doc *d, const char *title)
{
    doc_line(d, 0, NULL);
    doc_line(d, 0, NULL);
    doc_add(d, EL_SECTION, 0, title);
}

static void
deployment_line(struct ui_doc *d, const struct od_deployment *dep, bool mine)
{
    char *td = task_def_short_name(dep->task_definition);
    char *bar = spark_bar(dep->running, dep->desired, 16);
    bool failed = str_eq(dep->rollout_state, "FAILED");

    doc_line(d, 0, NULL);
    doc_add(d, mine ? EL_TITLE : EL_ROW, 2, mine ? "▸" : "");
    doc_add(d, str_eq(dep->status, "PRIMARY") ? EL_TITLE : EL_ROW, 9, dep->status);
    doc_add(d, present_rollout_el(dep->rollout_state), 13,
            dep->rollout_state != NULL ? dep->rollout_state : "-");
    doc_add(d, EL_ROW, 18, td != NULL ? td : dep->task_definition);
    doc_add(d, failed ? EL_STATE_FAILED
               : dep->running >= dep->desired ? EL_BAR_DONE
                                              : EL_STATE_PROGRESS,
            0, bar);
    doc_addf(d, EL_ROW, 0, " %ld/%ld running, %ld pending, %ld failed%s", dep->running,
             dep->desired, dep->pending, dep->failed, mine ? "  (this rollout)" : "");
    if (dep->rollout_state_reason != NULL) {
        doc_line(d, 0, NULL);
        doc_add(d, EL_ROW, 0, "      ");
        doc_add(d, failed ? EL_STATE_FAILED : EL_DIM, 0, dep->rollout_state_reason);
    }
    free(bar);
    free(td);
}

/* Every target of the service's groups: draining (old tasks) and initial (new ones) are the
 * rollout's normal passage, only unhealthy ones are trouble. */
static void
targets_line(struct ui_doc *d, const struct od_target_counts *c)
{
    char note[128];

    target_counts_note(c, note, sizeof note);
    doc_line(d, 0, NULL);
    doc_add(d, EL_LABEL, 0, "  targets ");
    doc_addf(d, EL_TARGET_HEALTHY, 0, "%zu healthy", c->healthy);
    doc_addf(d, c->unhealthy > 0 ? EL_TARGET_UNHEALTHY : EL_ROW, 0, ", %zu unhealthy",
             c->unhealthy);
    if (note[0] != '\0')
        doc_addf(d, EL_TARGET_OTHER, 0, ", %s", note);
}

static void
task_line(struct ui_doc *d, const struct od_watch_task *t)
{
    doc_line(d, LINK_TASK, t->id);
    doc_add(d, EL_ROW, 0, "  ");
    doc_add(d, EL_ROW, 38, t->id);
    doc_add(d, present_task_el(t->last_status), 12, t->last_status != NULL ? t->last_status : "-");
    doc_add(d, EL_DIM, 10, t->health != NULL ? t->health : "");
    doc_add(d, EL_ROW, 17,
            t->ip != NULL                ? t->ip
            : t->ec2_instance_id != NULL ? t->ec2_instance_id
                                         : "-");
    if (t->target_state != NULL) {
        doc_add(d, EL_LABEL, 0, "target ");
        doc_add(d, present_target_el(t->target_state), 0, t->target_state);
        if (t->target_reason != NULL)
            doc_addf(d, EL_TARGET_OTHER, 0, " (%s)", t->target_reason);
    } else {
        doc_add(d, EL_DIM, 0, "not registered");
    }
    if (t->stopped || !str_empty(t->stopped_reason) || !str_empty(t->container_reason)) {
        doc_line(d, 0, NULL);
        doc_add(d, EL_ROW, 0, "      ");
        doc_addf(d, EL_STATE_FAILED, 0, "stopped%s%s%s%s%s", t->stop_code != NULL ? " (" : "",
                 t->stop_code != NULL ? t->stop_code : "", t->stop_code != NULL ? ")" : "",
                 !str_empty(t->stopped_reason) ? ": " : "",
                 !str_empty(t->stopped_reason) ? t->stopped_reason : "");
        if (!str_empty(t->container_reason)) {
            doc_add(d, EL_STATE_FAILED, 0, " · container: ");
            doc_add(d, EL_STATE_FAILED, 0, t->container_reason);
        }
    }
}

/* CODE_DEPLOY / EXTERNAL: the watch follows the task sets (no deployments[]). */
static void
task_set_lines(struct ui_doc *d, const struct od_service *s)
{
    section(d, "Task sets");
    for (size_t i = 0; i < s->ntask_sets; i++) {
        const struct od_task_set *ts = &s->task_sets[i];
        char *td = task_def_short_name(ts->task_definition);

        doc_line(d, 0, NULL);
        doc_add(d, EL_ROW, 0, "  ");
        doc_add(d, str_eq(ts->status, "PRIMARY") ? EL_TITLE : EL_ROW, 9,
                ts->status != NULL ? ts->status : "-");
        doc_add(d, task_set_steady(ts) ? EL_STATE_OK : EL_STATE_PROGRESS, 13,
                ts->stability_status != NULL ? ts->stability_status : "-");
        doc_add(d, EL_ROW, 18, td != NULL ? td : "-");
        doc_addf(d, EL_ROW, 0, "%ld/%ld running, %ld pending", ts->running,
                 ts->computed_desired, ts->pending);
        free(td);
    }
    if (s->ntask_sets == 0) {
        doc_line(d, 0, NULL);
        doc_add(d, EL_DIM, 0, "  no task sets");
    }
}

static void
build(struct rollout_view *st, const struct od_rollout *r, const struct od_world *w)
{
    struct ui_doc *d = &st->doc;
    const struct od_service *s = r->service;
    char *td = task_def_short_name(r->task_definition);

    doc_begin(d);
    doc_line(d, 0, NULL);
    doc_addf(d, verdict_el(r->verdict), 0, " %s ",
             r->verdict == OD_ROLLOUT_PENDING ? "IN PROGRESS" : watch_verdict_name(r->verdict));
    doc_addf(d, EL_DIM, 0, "  %llus", r->elapsed_ms / 1000);
    if (r->reason != NULL) {
        doc_add(d, EL_ROW, 0, "  ");
        doc_add(d, r->verdict == OD_ROLLOUT_FAILED ? EL_STATE_FAILED : EL_ROW, 0, r->reason);
    }
    if (r->verdict == OD_ROLLOUT_FAILED && st->rollback_td != NULL) {
        char *rb = task_def_short_name(st->rollback_td);

        doc_line(d, 0, NULL);
        doc_add(d, EL_STATE_WARN, 0, " Press R to roll back to ");
        doc_add(d, EL_TITLE, 0, rb != NULL ? rb : st->rollback_td);
        doc_add(d, EL_STATE_WARN, 0, " (the last stable revision; you confirm first)");
        free(rb);
    }
    doc_line(d, 0, NULL);
    doc_addf(d, EL_LABEL, 0, "deployment %s · task definition %s",
             r->deployment_id != NULL ? r->deployment_id : "(primary at the first poll)",
             td != NULL ? td : "-");
    if (r->last_error != NULL) {
        doc_line(d, 0, NULL);
        doc_addf(d, EL_STATE_WARN, 0, "last poll failed: %s%s", r->last_error,
                 r->throttled ? " (throttled, backing off)" : "");
    }
    if (s != NULL) {
        doc_line(d, 0, NULL);
        doc_addf(d, EL_ROW, 0, "service desired %ld · running %ld · pending %ld", s->desired,
                 s->running, s->pending);
        doc_addf(d, s->circuit_breaker ? EL_ROW : EL_DIM, 0, " · circuit breaker %s%s",
                 s->circuit_breaker ? "on" : "off",
                 s->circuit_breaker_rollback ? " (rollback)" : "");
        doc_addf(d, EL_DIM, 0, " · old deployments running %ld", r->old_running);
        if (task_set_controlled(s)) {
            task_set_lines(d, s);
        } else {
            section(d, "Deployments");
            for (size_t i = 0; i < s->ndeployments; i++)
                deployment_line(d, &s->deployments[i],
                                r->mine != NULL && str_eq(s->deployments[i].id, r->mine->id));
        }
        if (r->mine == NULL && !task_set_controlled(s)) {
            doc_line(d, 0, NULL);
            doc_add(d, EL_STATE_FAILED, 0, "  this rollout's deployment is no longer in the service");
        }
    } else {
        doc_line(d, 0, NULL);
        doc_add(d, EL_DIM, 0, "waiting for the first DescribeServices…");
    }
    if (s != NULL)
        present_service_deployment(d, world_service_deployment(w, s->arn), clock_wall_ms());
    section(d, "Tasks of this deployment");
    if (r->targets != NULL)
        targets_line(d, r->targets);
    for (size_t i = 0; i < r->ntasks; i++)
        task_line(d, &r->tasks[i]);
    if (r->ntasks == 0) {
        doc_line(d, 0, NULL);
        doc_add(d, EL_DIM, 0, "  none seen yet (details every few polls)");
    }
    section(d, "Events");
    for (size_t i = 0; i < st->nevents; i++) {
        doc_line(d, 0, NULL);
        doc_add(d, EL_ROW, 0, "  ");
        doc_add(d, EL_ROW, 0, st->events[i]);
    }
    if (st->nevents == 0) {
        doc_line(d, 0, NULL);
        doc_add(d, EL_DIM, 0, "  no new events since the watch began");
    }
    doc_end(d);
    free(td);
}

static void
on_rollout(const struct od_rollout *r, void *ud)
{
    struct view *v = ud;
    struct rollout_view *st = v->st;

    for (size_t i = r->nevents; i-- > 0;)
        add_event(st, &r->events[i]);
    st->verdict = r->verdict;
    if (r->verdict == OD_ROLLOUT_FAILED && r->rollback_td != NULL && st->rollback_td == NULL)
        st->rollback_td = xstrdup(r->rollback_td);
    build(st, r, ui_world(v->ui));
    if (r->verdict != OD_ROLLOUT_PENDING) {
        char *name = sanitize_str(st->service);

        if (r->verdict == OD_ROLLOUT_COMPLETED)
            ui_message(v->ui, "rollout of %s COMPLETED", name);
        else
            ui_error(v->ui, "rollout of %s %s%s", name, watch_verdict_name(r->verdict),
                     st->rollback_td != NULL ? " - R rolls back to the last stable revision"
                                             : "");
        {
            char *text = xasprintf("rollout of %s %s", name, watch_verdict_name(r->verdict));

            ui_notify(v->ui, text); /* the watched rollout is over */
            free(text);
        }
        free(name);
        ui_data_changed(v->ui);
    }
    ui_dirty(v->ui);
}

static void
recalc(struct view *v)
{
    (void)v; /* rebuilt from each snapshot */
}

static void
draw(struct view *v, int y, int x, int h, int w)
{
    doc_draw(&((struct rollout_view *)v->st)->doc, y, x + 1, h, w - 1);
}

static bool
key(struct view *v, enum ui_action a)
{
    struct rollout_view *st = v->st;
    const char *link;

    if (doc_key(&st->doc, a))
        return true;
    if (a == ACT_ENTER) {
        if (doc_link(&st->doc, &link) == LINK_TASK && link != NULL)
            ui_push(v->ui, view_task_new(v->ui, link));
        return true;
    }
    return false;
}

static void
title(struct view *v, char *out, size_t len)
{
    struct rollout_view *st = v->st;
    char *safe = sanitize_str(st->service), *cl = sanitize_str(st->cluster);

    snprintf(out, len, "Rollout · service %s · cluster %s", safe, cl);
    free(safe);
    free(cl);
}

static void
set_filter(struct view *v, const char *text)
{
    doc_set_filter(&((struct rollout_view *)v->st)->doc, text);
}

static const char *
get_filter(struct view *v)
{
    return ((struct rollout_view *)v->st)->doc.filter;
}

static void
target(struct view *v, struct ui_target *t)
{
    struct rollout_view *st = v->st;

    t->kind = TARGET_SERVICE;
    t->cluster = st->cluster;
    t->service = st->service;
}

static void
destroy(struct view *v)
{
    struct rollout_view *st = v->st;

    watch_free(&st->watch);
    action_env_clear(&st->env);
    doc_free(&st->doc);
    for (size_t i = 0; i < st->nevents; i++)
        free(st->events[i]);
    free(st->cluster);
    free(st->service);
    free(st->rollback_td);
    free(st);
}

static const struct view_ops rollout_ops = {
    .name = "rollout",
    .parts = 0, /* the watcher reads what it needs; the poller keeps the view below fresh */
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

long
view_rollout_rollback_revision(const struct view *v)
{
    const struct rollout_view *st;

    if (v == NULL || v->ops != &rollout_ops)
        return 0;
    st = v->st;
    if (st->verdict != OD_ROLLOUT_FAILED || st->rollback_td == NULL)
        return 0;
    return task_def_revision(st->rollback_td);
}

struct view *
view_rollout_new(struct ui *ui, const struct view_rollout_opts *o)
{
    struct rollout_view *st = xcalloc(1, sizeof *st);
    struct od_watch_opts wo = {0};
    struct od_error err = {0};
    struct view *v;

    st->cluster = xstrdup(o->cluster != NULL ? o->cluster : "");
    st->service = xstrdup(o->service != NULL ? o->service : "");
    st->verdict = OD_ROLLOUT_PENDING;
    doc_init(&st->doc);
    act_env_init(ui, &st->env);
    v = view_new(ui, &rollout_ops, st);
    doc_line(&st->doc, 0, NULL);
    doc_add(&st->doc, EL_DIM, 0, "starting the watch…");
    wo.cluster = st->cluster;
    wo.service = st->service;
    wo.deployment_id = o->deployment_id;
    wo.task_definition = o->task_definition;
    wo.stable_td = o->stable_td;
    wo.timeout_ms = WATCH_TIMEOUT_MS;
    if (watch_start(&st->env, &wo, on_rollout, v, &st->watch, &err) != OD_OK) {
        char *line = od_error_format(&err);

        doc_begin(&st->doc);
        doc_line(&st->doc, 0, NULL);
        doc_add(&st->doc, EL_ERROR, 0, "cannot watch: ");
        doc_add(&st->doc, EL_ERROR, 0, line);
        doc_end(&st->doc);
        free(line);
        od_error_clear(&err);
    }
    return v;
}
