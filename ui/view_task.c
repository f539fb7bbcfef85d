/* One task: status, where it runs, and each container with image, digest, status, exit code
 * and reason; for a stopped task the stop code and reason, its timings (created, image pull,
 * started, stopping, stopped) and the deployment it belonged to: why it died. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "poller/poller.h"
#include "ui/present.h"
#include "ui/task_tail.h"
#include "ui/ui.h"
#include "ui/widget_doc.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

static const enum ui_action actions[] = {
    ACT_UP,   ACT_DOWN,  ACT_TOP,  ACT_BOTTOM, ACT_PAGE_UP,   ACT_PAGE_DOWN,
    ACT_FILTER, ACT_LOGS, ACT_STOP_TASK, ACT_EXEC,
};

struct task_view {
    char *id;
    char *service; /* remembered for the target once known */
    struct ui_doc doc;
    struct task_tail *tail; /* the last log lines, once the task is stopped */
};

static const struct od_task *
find_task(const struct od_world *w, const char *id, bool *stopped)
{
    const struct od_task *t = world_task(w, id);

    *stopped = false;
    if (t != NULL)
        return t;
    for (size_t i = 0; i < w->nstopped; i++) {
        if (str_eq(w->stopped[i].id, id)) {
            *stopped = true;
            return &w->stopped[i];
        }
    }
    return NULL;
}

static void
field(struct ui_doc *d, const char *label, enum ui_el el, const char *value)
{
    doc_line(d, 0, NULL);
    doc_add(d, EL_LABEL, 18, label);
    doc_add(d, el, 0, value != NULL && value[0] != '\0' ? value : "-");
}

/* One timing: its UTC time and how long after the task was created. */
static void
timing(struct ui_doc *d, const char *label, double at, double created, bool bad)
{
    char when[32];

    if (at <= 0)
        return;
    present_time(at, when, sizeof when);
    doc_line(d, 0, NULL);
    doc_add(d, EL_LABEL, 18, label);
    doc_addf(d, bad ? EL_STATE_FAILED : EL_ROW, 0, "%s UTC", when);
    if (created > 0 && at >= created)
        doc_addf(d, EL_DIM, 0, "  +%.0fs", at - created);
}

/* createdAt, pullStartedAt, pullStoppedAt, startedAt, stoppingAt, stoppedAt: where a task
 * that never started got stuck (a pull that took 30 s then failed, no startedAt). */
static void
timings(struct ui_doc *d, const struct od_task *t)
{
    char ago[32];

    if (t->created_at > 0) {
        present_ago(t->created_at, ago, sizeof ago);
        timing(d, "created", t->created_at, 0, false);
        doc_addf(d, EL_DIM, 0, " (%s)", ago);
    }
    timing(d, "pull started", t->pull_started_at, t->created_at, false);
    timing(d, "pull stopped", t->pull_stopped_at, t->created_at, false);
    timing(d, "started", t->started_at, t->created_at, false);
    if (t->started_at > 0 && t->stopped_at <= 0) { /* running: for how long */
        present_ago(t->started_at, ago, sizeof ago);
        doc_addf(d, EL_DIM, 0, " (%s)", ago);
    }
    if (t->started_at <= 0 && t->stopped_at > 0)
        field(d, "started", EL_STATE_FAILED, "never");
    timing(d, "stopping", t->stopping_at, t->created_at, true);
    timing(d, "stopped", t->stopped_at, t->created_at, true);
}

/* The deployment the task belonged to: startedBy "ecs-svc/ID" is the id of one of the
 * service's deployments (ECS API Reference, Task.startedBy and Deployment.id); the service
 * deployment (DescribeServiceDeployments) is named when the task was created during it. */
static void
deployment_fields(struct ui_doc *d, const struct od_world *w, const struct od_task *t)
{
    const char *name = task_service_name(t);
    const struct od_service *s = name != NULL ? world_service(w, name) : NULL;
    const struct od_service_deployment *sd;

    if (s == NULL || t->started_by == NULL || !str_has_prefix(t->started_by, "ecs-svc/"))
        return;
    doc_line(d, 0, NULL);
    doc_add(d, EL_LABEL, 18, "deployment");
    doc_add(d, EL_ROW, 0, t->started_by);
    for (size_t i = 0; i < s->ndeployments; i++) {
        const struct od_deployment *dep = &s->deployments[i];

        if (!str_eq(dep->id, t->started_by))
            continue;
        doc_addf(d, EL_DIM, 0, "  %s", dep->status != NULL ? dep->status : "-");
        if (dep->rollout_state != NULL) {
            doc_add(d, EL_DIM, 0, ", rollout ");
            doc_add(d, present_rollout_el(dep->rollout_state), 0, dep->rollout_state);
        }
        break;
    }
    if ((sd = world_service_deployment(w, s->arn)) != NULL && t->created_at > 0 &&
        sd->created_ms > 0 && t->created_at * 1000 >= (double)sd->created_ms &&
        (sd->finished_ms == 0 || t->created_at * 1000 <= (double)sd->finished_ms)) {
        doc_line(d, 0, NULL);
        doc_add(d, EL_LABEL, 18, "service deployment");
        doc_add(d, EL_ROW, 0, str_last_segment(sd->arn));
        doc_addf(d, EL_DIM, 0, "  %s (created during it)", sd->status != NULL ? sd->status : "-");
    }
}

/* A stopped task's last log lines (ui/task_tail.c), read once. */
static void
last_lines(struct ui_doc *d, const struct task_tail *tt)
{
    bool error = false;
    const char *status = task_tail_status(tt, &error);

    if (status == NULL)
        return;
    doc_line(d, 0, NULL);
    doc_line(d, 0, NULL);
    doc_add(d, EL_SECTION, 0, "Last log lines");
    doc_line(d, 0, NULL);
    doc_add(d, error ? EL_STATE_FAILED : EL_DIM, 0, "  ");
    doc_add(d, error ? EL_STATE_FAILED : EL_DIM, 0, status);
    for (size_t i = 0; i < task_tail_count(tt); i++) {
        int64_t ms;
        const char *container;
        const char *text = task_tail_line(tt, i, &ms, &container);
        char when[32];

        present_time((double)ms / 1000.0, when, sizeof when);
        doc_line(d, 0, NULL);
        doc_addf(d, EL_DIM, 0, "  %s ", when + (strlen(when) > 11 ? 11 : 0)); /* HH:MM:SS */
        doc_add(d, EL_DIM, 8, container != NULL ? container : "-");
        doc_add(d, EL_ROW, 0, text);
    }
}

static void
recalc(struct view *v)
{
    struct task_view *st = v->st;
    const struct od_world *w = ui_world(v->ui);
    struct ui_doc *d = &st->doc;
    bool stopped;
    const struct od_task *t = find_task(w, st->id, &stopped);

    doc_begin(d);
    if (t == NULL) {
        doc_line(d, 0, NULL);
        doc_add(d, EL_DIM, 0,
                w->parts[OD_PART_TASKS].loaded ? "this task is no longer known (stopped long ago?)"
                                               : "loading…");
        doc_end(d);
        return;
    }
    if (task_service_name(t) != NULL) {
        free(st->service);
        st->service = xstrdup(task_service_name(t));
    }
    if (stopped || str_eq(t->last_status, "STOPPED")) {
        doc_line(d, 0, NULL);
        doc_add(d, EL_BANNER_FAILED, 0, " STOPPED ");
        doc_addf(d, EL_STATE_FAILED, 0, " %s%s%s", t->stop_code != NULL ? t->stop_code : "",
                 t->stop_code != NULL ? ": " : "",
                 t->stopped_reason != NULL ? t->stopped_reason : "no reason given");
    }
    field(d, "task", EL_TITLE, t->id);
    field(d, "service", EL_ROW, task_service_name(t));
    field(d, "status", present_task_el(t->last_status), t->last_status);
    field(d, "desired status", EL_ROW, t->desired_status);
    field(d, "health", EL_ROW, t->health_status);
    {
        char *td = task_def_short_name(t->task_definition);

        field(d, "task definition", EL_ROW, td);
        free(td);
        if (task_def_revision(t->task_definition) > 0) {
            doc_line(d, 0, NULL);
            doc_add(d, EL_LABEL, 18, "revision");
            doc_addf(d, EL_ROW, 0, "%ld", task_def_revision(t->task_definition));
        }
    }
    field(d, "launch type", EL_ROW, t->launch_type);
    field(d, "private ip", EL_ROW, t->private_ip);
    field(d, "zone", EL_ROW, t->availability_zone);
    field(d, "instance", EL_ROW, t->container_instance_arn != NULL
                                      ? str_last_segment(t->container_instance_arn)
                                      : NULL);
    field(d, "started by", EL_DIM, t->started_by);
    deployment_fields(d, w, t);
    timings(d, t);
    if (t->stop_code != NULL || (t->stopped_reason != NULL && t->stopped_reason[0] != '\0')) {
        field(d, "stop code", EL_STATE_FAILED, t->stop_code);
        field(d, "stop reason", EL_STATE_FAILED, t->stopped_reason);
    }
    doc_line(d, 0, NULL);
    doc_line(d, 0, NULL);
    doc_add(d, EL_SECTION, 0, "Containers");
    doc_line(d, 0, NULL);
    doc_add(d, EL_HEADER, 0, "  NAME                STATUS      HEALTH     EXIT  IMAGE");
    for (size_t i = 0; i < t->ncontainers; i++) {
        const struct od_container *c = &t->containers[i];
        bool bad_exit = c->has_exit_code && c->exit_code != 0;

        doc_line(d, LINK_CONTAINER, c->name); /* x on it: a shell in this container */
        doc_add(d, EL_ROW, 0, "  ");
        doc_add(d, EL_TITLE, 20, c->name);
        doc_add(d, present_task_el(c->last_status), 12, c->last_status);
        doc_add(d, str_eq(c->health_status, "UNHEALTHY") ? EL_TARGET_UNHEALTHY : EL_ROW, 11,
                c->health_status != NULL ? c->health_status : "-");
        if (c->has_exit_code)
            doc_addf(d, bad_exit ? EL_STATE_FAILED : EL_ROW, 6, "%ld", c->exit_code);
        else
            doc_add(d, EL_DIM, 6, "-");
        doc_add(d, EL_ROW, 0, c->image);
        if (c->reason != NULL && c->reason[0] != '\0') {
            doc_line(d, 0, NULL);
            doc_add(d, EL_ROW, 0, "      reason: ");
            doc_add(d, EL_STATE_FAILED, 0, c->reason);
        }
        if (c->image_digest != NULL) {
            doc_line(d, 0, NULL);
            doc_add(d, EL_DIM, 0, "      digest: ");
            doc_add(d, EL_DIM, 0, c->image_digest);
        }
        for (size_t b = 0; b < c->nbindings; b++) {
            const struct od_binding *bd = &c->bindings[b];
            char *cp = binding_port_text(bd->container_port, bd->container_port_range);
            char *hp = binding_port_text(bd->host_port, bd->host_port_range);

            doc_line(d, 0, NULL);
            doc_addf(d, EL_DIM, 0, "      port %s -> host %s/%s", cp, hp,
                     bd->protocol != NULL ? bd->protocol : "tcp");
            free(cp);
            free(hp);
        }
    }
    if (t->ncontainers == 0) {
        doc_line(d, 0, NULL);
        doc_add(d, EL_DIM, 0, "  no containers reported");
    }
    if (stopped || str_eq(t->last_status, "STOPPED")) {
        if (st->tail == NULL)
            st->tail = task_tail_new(v->ui, v, st->id);
        task_tail_poke(st->tail, t);
        last_lines(d, st->tail);
    }
    doc_end(d);
}

static void
draw(struct view *v, int y, int x, int h, int w)
{
    doc_draw(&((struct task_view *)v->st)->doc, y, x + 1, h, w - 1);
}

static bool
key(struct view *v, enum ui_action a)
{
    return doc_key(&((struct task_view *)v->st)->doc, a);
}

static void
title(struct view *v, char *out, size_t len)
{
    struct task_view *st = v->st;
    char *safe = sanitize_str(st->id);

    snprintf(out, len, "Task %s", safe);
    free(safe);
}

static void
set_filter(struct view *v, const char *text)
{
    doc_set_filter(&((struct task_view *)v->st)->doc, text);
}

static const char *
get_filter(struct view *v)
{
    return ((struct task_view *)v->st)->doc.filter;
}

static void
target(struct view *v, struct ui_target *t)
{
    struct task_view *st = v->st;
    const char *link;

    t->kind = TARGET_TASK;
    t->cluster = ui_cluster(v->ui);
    t->service = st->service;
    t->task_id = st->id;
    if (doc_link(&st->doc, &link) == LINK_CONTAINER)
        t->container = link;
}

static void
destroy(struct view *v)
{
    struct task_view *st = v->st;

    task_tail_free(&st->tail);
    doc_free(&st->doc);
    free(st->id);
    free(st->service);
    free(st);
}

static const struct view_ops task_ops = {
    .name = "task",
    .parts = POLL_PART(OD_PART_SERVICES) | POLL_PART(OD_PART_TASKS) |
             POLL_PART(OD_PART_STOPPED_TASKS),
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
view_task_new(struct ui *ui, const char *task_id)
{
    struct task_view *st = xcalloc(1, sizeof *st);

    st->id = xstrdup(task_id);
    doc_init(&st->doc);
    return view_new(ui, &task_ops, st);
}
