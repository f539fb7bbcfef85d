/* One service: a failed rollout first (with its reason, visible on opening), then
 * deployments with progress, metrics with current values, targets per target group with
 * the task each belongs to, alarms, tasks, recently stopped tasks (grouped by why they
 * stopped, on top while a deployment fails or rolls) and the latest events. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/alarm_attr.h"
#include "model/stop_groups.h"
#include "model/task_set.h"
#include "ui/present_deployment.h"
#include "util/clock.h"
#include "poller/poller.h"
#include "ui/draw.h"
#include "ui/present.h"
#include "ui/ui.h"
#include "ui/view_history.h"
#include "ui/view_rollout.h"
#include "ui/widget_doc.h"
#include "ui/widget_spark.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

#define SPARK_W 30

static const enum ui_action actions[] = {
    ACT_UP,   ACT_DOWN,   ACT_TOP,      ACT_BOTTOM, ACT_PAGE_UP,   ACT_PAGE_DOWN, ACT_ENTER,
    ACT_FILTER, ACT_LOGS, ACT_WATCH, ACT_DEPLOY, ACT_ROLLBACK, ACT_CONTINUE, ACT_SCALE,
    ACT_STOP_TASK,
    ACT_HISTORY,
    ACT_EXEC,
    ACT_TIMELINE,
};

struct service_view {
    char *name;
    struct ui_doc doc;
    bool found;
};

static void
section(struct ui_doc *d, const char *title)
{
    doc_line(d, 0, NULL);
    doc_line(d, 0, NULL);
    doc_add(d, EL_SECTION, 0, title);
}

static void
metric_line(struct ui_doc *d, const char *label, const double *v, size_t n, enum ui_el el,
            const char *unit)
{
    char num[16], *spark;

    doc_line(d, 0, NULL);
    doc_add(d, EL_LABEL, 16, label);
    if (n == 0) {
        doc_add(d, EL_DIM, 0, "no data");
        return;
    }
    spark = spark_render(v, n, SPARK_W);
    doc_add(d, el, 0, spark);
    spark_number(v[n - 1], num, sizeof num);
    doc_addf(d, EL_ROW, 0, "  %s%s", num, unit);
    free(spark);
    {
        double lo = v[0], hi = v[0];
        char slo[16], shi[16];

        for (size_t i = 1; i < n; i++) {
            lo = v[i] < lo ? v[i] : lo;
            hi = v[i] > hi ? v[i] : hi;
        }
        spark_number(lo, slo, sizeof slo);
        spark_number(hi, shi, sizeof shi);
        doc_addf(d, EL_DIM, 0, "   (min %s, max %s, %zu points)", slo, shi, n);
    }
}

/* A series GetMetricData could not read (Forbidden, InternalError): its message, not "no data". */
static bool
metric_failed_line(struct ui_doc *d, const char *label, const struct od_series *s)
{
    if (s == NULL || !series_failed(s))
        return false;
    doc_line(d, 0, NULL);
    doc_add(d, EL_LABEL, 16, label);
    doc_add(d, EL_STATE_FAILED, 0, s->message != NULL ? s->message : s->status_code);
    return true;
}

static void
deployments(struct ui_doc *d, const struct od_service *s)
{
    section(d, "Deployments");
    for (size_t i = 0; i < s->ndeployments; i++) {
        const struct od_deployment *dep = &s->deployments[i];
        char *td = task_def_short_name(dep->task_definition);
        char *bar = spark_bar(dep->running, dep->desired, 16);
        char ago[32];
        bool failed = str_eq(dep->rollout_state, "FAILED");

        present_ago(dep->created_at, ago, sizeof ago);
        doc_line(d, 0, NULL);
        doc_add(d, EL_ROW, 0, "  ");
        doc_add(d, str_eq(dep->status, "PRIMARY") ? EL_TITLE : EL_ROW, 9, dep->status);
        doc_add(d, present_rollout_el(dep->rollout_state), 13,
                dep->rollout_state != NULL ? dep->rollout_state : "-");
        doc_add(d, EL_ROW, 18, td != NULL ? td : dep->task_definition);
        doc_add(d, failed ? EL_STATE_FAILED
                   : dep->running >= dep->desired ? EL_BAR_DONE
                                                  : EL_STATE_PROGRESS,
                0, bar);
        doc_addf(d, EL_ROW, 0, " %ld/%ld running, %ld pending, %ld failed · %s", dep->running,
                 dep->desired, dep->pending, dep->failed, ago);
        if (dep->rollout_state_reason != NULL) {
            doc_line(d, 0, NULL);
            doc_add(d, EL_ROW, 0, "      ");
            doc_add(d, failed ? EL_STATE_FAILED : EL_DIM, 0, dep->rollout_state_reason);
        }
        free(bar);
        free(td);
    }
    if (s->ndeployments == 0) {
        doc_line(d, 0, NULL);
        doc_add(d, EL_DIM, 0, "  no deployments");
    }
}

/* CODE_DEPLOY and EXTERNAL services: their task sets in place of deployments. */
static void
task_sets(struct ui_doc *d, const struct od_service *s)
{
    char title[64];

    snprintf(title, sizeof title, "Task sets (%s deployment controller)",
             task_set_controller(s));
    section(d, title);
    for (size_t i = 0; i < s->ntask_sets; i++) {
        const struct od_task_set *ts = &s->task_sets[i];
        char *td = task_def_short_name(ts->task_definition);
        char *bar = spark_bar(ts->running, ts->computed_desired, 16);
        bool steady = task_set_steady(ts);
        char ago[32];

        present_ago(ts->created_at, ago, sizeof ago);
        doc_line(d, 0, NULL);
        doc_add(d, EL_ROW, 0, "  ");
        doc_add(d, str_eq(ts->status, "PRIMARY") ? EL_TITLE : EL_ROW, 9,
                ts->status != NULL ? ts->status : "-");
        doc_add(d, steady ? EL_STATE_OK : EL_STATE_PROGRESS, 13,
                ts->stability_status != NULL ? ts->stability_status : "-");
        doc_add(d, EL_ROW, 18, td != NULL ? td : "-");
        doc_add(d, steady ? EL_BAR_DONE : EL_STATE_PROGRESS, 0, bar);
        doc_addf(d, EL_ROW, 0, " %ld/%ld running, %ld pending", ts->running,
                 ts->computed_desired, ts->pending);
        if (!str_empty(ts->external_id)) {
            doc_add(d, EL_DIM, 0, " · ");
            doc_add(d, EL_ROW, 0, ts->external_id);
        }
        if (ts->scale_unit != NULL)
            doc_addf(d, EL_DIM, 0, " · scale %g %s", ts->scale_value, ts->scale_unit);
        doc_addf(d, EL_DIM, 0, " · %s", ago);
        free(bar);
        free(td);
    }
    if (s->ntask_sets == 0) {
        doc_line(d, 0, NULL);
        doc_add(d, EL_DIM, 0, "  no task sets");
    }
    doc_line(d, 0, NULL);
    doc_add(d, EL_DIM, 0,
            str_eq(task_set_controller(s), "CODE_DEPLOY")
                ? "  deploy with AWS CodeDeploy (aws deploy create-deployment); D and R refuse"
                : "  deploy by creating a task set (aws ecs create-task-set); D and R refuse");
}

static void
metrics(struct ui_doc *d, const struct od_world *w, const struct od_service *s)
{
    const struct od_series *cpu = present_series(w, s->name, "CPUUtilization");
    const struct od_series *mem = present_series(w, s->name, "MemoryUtilization");
    double *v = NULL;
    size_t n;

    section(d, "Metrics");
    if (w->parts[OD_PART_METRICS].denied != NULL) {
        /* Refused: say which permission, not "no data". */
        doc_line(d, 0, NULL);
        doc_add(d, EL_STATE_FAILED, 0, "  ");
        doc_add(d, EL_STATE_FAILED, 0, w->parts[OD_PART_METRICS].error);
        return;
    }
    if (!w->parts[OD_PART_METRICS].loaded) {
        doc_line(d, 0, NULL);
        doc_add(d, EL_DIM, 0, "  loading metrics…");
        return;
    }
    if (!metric_failed_line(d, "  CPU", cpu))
        metric_line(d, "  CPU", cpu != NULL ? cpu->values : NULL, cpu != NULL ? cpu->n : 0,
                    EL_SPARK_CPU, "%");
    if (!metric_failed_line(d, "  Memory", mem))
        metric_line(d, "  Memory", mem != NULL ? mem->values : NULL, mem != NULL ? mem->n : 0,
                    EL_SPARK_MEM, "%");
    if (s->nlbs == 0)
        return;
    n = present_tg_series_sum(w, s, "RequestCount", &v);
    metric_line(d, "  Requests/min", v, n, EL_SPARK_REQUESTS, "");
    free(v);
    n = present_tg_series_sum(w, s, "HTTPCode_Target_5XX_Count", &v);
    metric_line(d, "  5xx/min", v, n, EL_SPARK_5XX, "");
    free(v);
    for (size_t k = 0; k < s->nlbs; k++) {
        const struct od_series *rt =
            present_series(w, s->lbs[k].target_group_arn, "TargetResponseTime");

        if (rt != NULL && rt->n > 0) {
            metric_line(d, "  Response s", rt->values, rt->n, EL_SPARK_REQUESTS, "s");
            break;
        }
    }
}

/* Application Auto Scaling: the bounds a manual scale must respect, the policies, and the
 * latest activities (what the autoscaler did and why). Shown only for a scalable service. */
static void
autoscaling(struct ui_doc *d, const struct od_world *w, const struct od_service *s)
{
    const struct od_scaling *sc = world_scaling(w, s->name);
    char ago[32];

    if (sc == NULL)
        return;
    section(d, "Auto scaling");
    doc_line(d, 0, NULL);
    doc_addf(d, EL_ROW, 0, "  min %ld  max %ld  desired %ld", sc->min, sc->max, s->desired);
    if (s->desired < sc->min || s->desired > sc->max)
        doc_add(d, EL_STATE_FAILED, 0, "  outside the bounds: the autoscaler will move it");
    if (sc->in_suspended || sc->out_suspended || sc->scheduled_suspended)
        doc_addf(d, EL_DIM, 0, "  suspended:%s%s%s", sc->in_suspended ? " scale-in" : "",
                 sc->out_suspended ? " scale-out" : "",
                 sc->scheduled_suspended ? " scheduled" : "");
    for (size_t i = 0; i < sc->npolicies; i++) {
        const struct od_scaling_policy *p = &sc->policies[i];

        doc_line(d, 0, NULL);
        doc_add(d, EL_ROW, 0, "  policy ");
        doc_add(d, EL_ROW, 0, p->name);
        doc_addf(d, EL_DIM, 0, "  %s", p->type != NULL ? p->type : "-");
        if (p->has_target)
            doc_addf(d, EL_DIM, 0, " target %g", p->target_value);
        if (p->metric != NULL)
            doc_addf(d, EL_DIM, 0, " %s", p->metric);
    }
    for (size_t i = 0; i < sc->nactivities; i++) {
        const struct od_scaling_activity *a = &sc->activities[i];

        present_ago(a->start_time, ago, sizeof ago);
        doc_line(d, 0, NULL);
        doc_add(d, EL_ROW, 0, "  ");
        doc_add(d, str_eq(a->status, "Successful") ? EL_ROW : EL_STATE_FAILED, 12,
                a->status != NULL ? a->status : "-");
        doc_add(d, EL_DIM, 10, ago);
        doc_add(d, EL_ROW, 0, a->description);
        if (a->cause != NULL) {
            doc_line(d, 0, NULL);
            doc_add(d, EL_DIM, 0, "      cause: ");
            doc_add(d, EL_DIM, 0, a->cause);
        }
    }
}

/* "3 healthy, 1 unhealthy, 2 draining": what the UNHEALTHY column of the services view
 * counts and what it leaves out. */
static void
target_summary(struct ui_doc *d, const struct od_world *w, const struct od_service *s)
{
    struct od_target_counts c;
    char note[128];

    world_count_targets(w, s, &c);
    target_counts_note(&c, note, sizeof note);
    doc_line(d, 0, NULL);
    doc_addf(d, EL_TARGET_HEALTHY, 0, "  %zu healthy", c.healthy);
    doc_addf(d, c.unhealthy > 0 ? EL_TARGET_UNHEALTHY : EL_ROW, 0, ", %zu unhealthy",
             c.unhealthy);
    if (note[0] != '\0')
        doc_addf(d, EL_TARGET_OTHER, 0, ", %s", note);
}

static void
targets(struct ui_doc *d, const struct od_world *w, const struct od_service *s)
{
    if (s->nlbs == 0)
        return;
    section(d, "Targets");
    target_summary(d, w, s);
    for (size_t k = 0; k < s->nlbs; k++) {
        const struct od_target_group *tg = world_target_group(w, s->lbs[k].target_group_arn);

        /* the target group's line: o and y name it */
        doc_line(d, LINK_TARGET_GROUP, s->lbs[k].target_group_arn);
        if (tg == NULL) {
            doc_add(d, EL_ROW, 0, "  ");
            doc_add(d, EL_DIM, 0,
                    s->lbs[k].target_group_arn != NULL ? s->lbs[k].target_group_arn
                                                       : s->lbs[k].load_balancer_name);
            doc_add(d, EL_DIM, 0, w->parts[OD_PART_TARGETS].loaded ? "  (not found)" : "  loading…");
            continue;
        }
        doc_addf(d, EL_TITLE, 0, "  %s", tg->name);
        if (tg->missing) {
            doc_add(d, EL_TARGET_UNHEALTHY, 0, "  target group not found (TargetGroupNotFound)");
            continue;
        }
        doc_addf(d, EL_DIM, 0, "  %s %s:%ld %s → container %s:%ld",
                 tg->target_type != NULL ? tg->target_type : "-",
                 tg->protocol != NULL ? tg->protocol : "-", tg->port,
                 tg->health_check_path != NULL ? tg->health_check_path : "",
                 s->lbs[k].container_name != NULL ? s->lbs[k].container_name : "-",
                 s->lbs[k].container_port);
        for (size_t i = 0; i < tg->ntargets; i++) {
            const struct od_target *t = &tg->targets[i];

            doc_line(d, LINK_TASK, t->task_id);
            doc_add(d, EL_ROW, 0, "    ");
            doc_addf(d, EL_ROW, 28, "%s:%ld", t->id, t->port);
            doc_add(d, present_target_el(t->state), 12, t->state != NULL ? t->state : "-");
            doc_addf(d, t->task_id != NULL ? EL_ROW : EL_DIM, 16, "task %.8s",
                     t->task_id != NULL ? t->task_id : "?");
            if (t->reason != NULL || t->description != NULL)
                doc_addf(d, EL_TARGET_OTHER, 0, "%s%s%s", t->reason != NULL ? t->reason : "",
                         t->reason != NULL && t->description != NULL ? ": " : "",
                         t->description != NULL ? t->description : "");
        }
        if (tg->ntargets == 0) {
            doc_line(d, 0, NULL);
            doc_add(d, EL_DIM, 0, "    no registered targets");
        }
    }
}

/* Every alarm that belongs to the service (model/alarm_attr.h: its ECS dimensions, its target
 * groups', its load balancers', metric math included): state, name, last change, reason. */
static void
alarms(struct ui_doc *d, const struct od_world *w, const struct od_service *s)
{
    bool any = false;

    section(d, "Alarms");
    for (size_t i = 0; i < w->nalarms; i++) {
        const struct od_alarm *a = &w->alarms[i];
        char ago[32];

        if (!alarm_of_service(w, a, s))
            continue;
        any = true;
        present_ago(a->updated_at, ago, sizeof ago);
        doc_line(d, 0, NULL);
        doc_add(d, EL_ROW, 0, "  ");
        doc_add(d, present_alarm_el(a->state), 0, a->state != NULL ? a->state : "-");
        doc_add(d, EL_ROW, 0, " ");
        doc_add(d, EL_ROW, 28, a->name);
        doc_addf(d, EL_DIM, 10, "%s", a->updated_at > 0 ? ago : "-");
        doc_add(d, EL_DIM, 0, a->reason != NULL ? a->reason : "");
    }
    if (!any) {
        doc_line(d, 0, NULL);
        if (w->parts[OD_PART_ALARMS].denied != NULL) {
            doc_add(d, EL_DIM, 0, "  ");
            doc_add(d, EL_DIM, 0, w->parts[OD_PART_ALARMS].error);
        } else {
            doc_add(d, EL_DIM, 0,
                    w->parts[OD_PART_ALARMS].loaded ? "  no alarms name this service"
                                                    : "  loading…");
        }
    }
}

/* The service's stopped tasks grouped by stop code and reason, with their containers' exit
 * codes: "4 × TaskFailedToStart: CannotPullContainerError: …  exit: no exit code". Enter on a
 * group opens its newest task. */
static void
stop_groups(struct ui_doc *d, const struct od_world *w, const struct od_service *s,
            bool on_top)
{
    struct od_stop_group *g;
    size_t n = stop_groups_of_service(w, s->name, &g);

    if (n == 0) {
        if (on_top && w->parts[OD_PART_STOPPED_TASKS].stale) {
            section(d, "Why tasks stopped");
            doc_line(d, 0, NULL);
            doc_add(d, EL_DIM, 0, "  ");
            doc_add(d, EL_DIM, 0, w->parts[OD_PART_STOPPED_TASKS].error);
        }
        return;
    }
    section(d, "Why tasks stopped");
    for (size_t i = 0; i < n; i++) {
        char *exits = stop_group_exits_text(&g[i]), ago[32];

        present_ago(g[i].last_stopped_at, ago, sizeof ago);
        doc_line(d, LINK_TASK, g[i].newest_task_id);
        doc_addf(d, EL_STATE_FAILED, 0, "  %zu × ", g[i].count);
        if (g[i].stop_code != NULL) {
            doc_add(d, EL_STATE_FAILED, 0, g[i].stop_code);
            doc_add(d, EL_STATE_FAILED, 0, ": ");
        }
        doc_add(d, EL_STATE_FAILED, 0, g[i].reason != NULL ? g[i].reason : "no reason given");
        doc_line(d, LINK_TASK, g[i].newest_task_id);
        doc_add(d, EL_DIM, 0, "      exit: ");
        doc_add(d, g[i].nexits > 0 ? EL_ROW : EL_DIM, 0, exits);
        doc_addf(d, EL_DIM, 0, " · last %s", g[i].last_stopped_at > 0 ? ago : "-");
        free(exits);
    }
    stop_groups_free(g, n);
}

static void
task_line(struct ui_doc *d, const struct od_task *t)
{
    char *td = task_def_short_name(t->task_definition);
    char ago[32];

    present_ago(t->started_at > 0 ? t->started_at : t->created_at, ago, sizeof ago);
    doc_line(d, LINK_TASK, t->id);
    doc_add(d, EL_ROW, 0, "  ");
    doc_add(d, EL_ROW, 38, t->id);
    doc_add(d, present_task_el(t->last_status), 12, t->last_status);
    doc_add(d, EL_ROW, 16, td != NULL ? td : "-");
    doc_add(d, EL_ROW, 17, t->private_ip != NULL ? t->private_ip : "-");
    doc_add(d, EL_DIM, 13, t->availability_zone != NULL ? t->availability_zone : "");
    doc_add(d, EL_DIM, 0, ago);
    if (t->stopped_reason != NULL && t->stopped_reason[0] != '\0') {
        doc_add(d, EL_ROW, 0, "  ");
        doc_add(d, EL_STATE_FAILED, 0, t->stopped_reason);
    }
    free(td);
}

static void
tasks(struct ui_doc *d, const struct od_world *w, const struct od_service *s, bool groups_on_top)
{
    size_t n = 0;

    section(d, "Tasks");
    for (size_t i = 0; i < w->ntasks; i++) {
        if (str_eq(task_service_name(&w->tasks[i]), s->name)) {
            task_line(d, &w->tasks[i]);
            n++;
        }
    }
    if (n == 0) {
        doc_line(d, 0, NULL);
        doc_add(d, EL_DIM, 0, w->parts[OD_PART_TASKS].loaded ? "  no running tasks" : "  loading…");
    }
    n = 0;
    for (size_t i = 0; i < w->nstopped; i++)
        if (str_eq(task_service_name(&w->stopped[i]), s->name))
            n++;
    if (n > 0 && !groups_on_top)
        stop_groups(d, w, s, false);
    if (n > 0) {
        section(d, "Recently stopped");
        for (size_t i = 0; i < w->nstopped; i++)
            if (str_eq(task_service_name(&w->stopped[i]), s->name))
                task_line(d, &w->stopped[i]);
    }
}

static void
events(struct ui_doc *d, const struct od_service *s)
{
    section(d, "Events");
    for (size_t i = 0; i < s->nevents && i < 10; i++) {
        char ago[32];
        const char *m = s->events[i].message;
        bool bad = m != NULL && (strstr(m, "fail") != NULL || strstr(m, "unhealthy") != NULL ||
                                 strstr(m, "unable") != NULL || strstr(m, "error") != NULL);

        present_ago(s->events[i].created_at, ago, sizeof ago);
        doc_line(d, 0, NULL);
        doc_add(d, EL_DIM, 11, ago);
        doc_add(d, bad ? EL_STATE_WARN : EL_ROW, 0, m);
    }
    if (s->nevents == 0) {
        doc_line(d, 0, NULL);
        doc_add(d, EL_DIM, 0, "  no events");
    }
}

static void
recalc(struct view *v)
{
    struct service_view *st = v->st;
    const struct od_world *w = ui_world(v->ui);
    const struct od_service *s = world_service(w, st->name);
    struct ui_doc *d = &st->doc;
    bool on_top;

    /* the open service's scaling policies and activities are read (two calls a refresh) */
    if (ui_poller(v->ui) != NULL)
        poller_set_scaling_detail(ui_poller(v->ui), st->name);
    doc_begin(d);
    st->found = s != NULL;
    if (s == NULL) {
        doc_line(d, 0, NULL);
        doc_add(d, EL_DIM, 0,
                w->parts[OD_PART_SERVICES].loaded ? "this service is not in the cluster"
                                                  : "loading…");
        doc_end(d);
        return;
    }
    if (service_failed(s)) {
        const struct od_deployment *p = present_primary(s);

        doc_line(d, 0, NULL);
        doc_add(d, EL_BANNER_FAILED, 0, " ROLLOUT FAILED ");
        doc_add(d, EL_STATE_FAILED, 0, " ");
        doc_add(d, EL_STATE_FAILED, 0,
                p != NULL && p->rollout_state_reason != NULL ? p->rollout_state_reason
                                                              : "no reason given");
    }
    {
        char *td = task_def_short_name(s->task_definition);

        doc_line(d, 0, NULL);
        doc_add(d, EL_TITLE, 0, s->name);
        doc_addf(d, EL_ROW, 0, "  %s · %s · task definition %s (revision %ld)",
                 s->status != NULL ? s->status : "-",
                 s->launch_type != NULL ? s->launch_type : "capacity providers",
                 td != NULL ? td : "-", task_def_revision(s->task_definition));
        free(td);
        doc_line(d, 0, NULL);
        doc_addf(d, EL_ROW, 0, "desired %ld · running %ld · pending %ld", s->desired, s->running,
                 s->pending);
        doc_addf(d, EL_DIM, 0, " · circuit breaker %s%s · min %ld%% max %ld%%",
                 s->circuit_breaker ? "on" : "off",
                 s->circuit_breaker_rollback ? " (rollback)" : "", s->min_healthy_percent,
                 s->max_percent);
    }
    /* While a deployment is failing or rolling, why its tasks stop is the first question:
     * the groups go on top, visible on opening. */
    on_top = service_failed(s) || service_rolling(s);
    if (on_top)
        stop_groups(d, w, s, true);
    if (task_set_controlled(s))
        task_sets(d, s);
    else
        deployments(d, s);
    present_service_deployment(d, world_service_deployment(w, s->arn), clock_wall_ms());
    metrics(d, w, s);
    autoscaling(d, w, s);
    targets(d, w, s);
    alarms(d, w, s);
    tasks(d, w, s, on_top);
    events(d, s);
    doc_end(d);
}

static void
draw(struct view *v, int y, int x, int h, int w)
{
    doc_draw(&((struct service_view *)v->st)->doc, y, x + 1, h, w - 1);
}

static bool
key(struct view *v, enum ui_action a)
{
    struct service_view *st = v->st;
    const char *link;

    if (doc_key(&st->doc, a))
        return true;
    if (a == ACT_ENTER) {
        if (doc_link(&st->doc, &link) == LINK_TASK && link != NULL)
            ui_push(v->ui, view_task_new(v->ui, link));
        return true;
    }
    if (a == ACT_HISTORY) {
        ui_push(v->ui, view_history_new(v->ui, ui_cluster(v->ui), st->name));
        return true;
    }
    if (a == ACT_TIMELINE) {
        ui_push(v->ui, view_timeline_new(v->ui, st->name));
        return true;
    }
    if (a == ACT_WATCH) {
        struct view_rollout_opts o = {.cluster = ui_cluster(v->ui), .service = st->name};

        ui_push(v->ui, view_rollout_new(v->ui, &o));
        return true;
    }
    return false;
}

static void
title(struct view *v, char *out, size_t len)
{
    struct service_view *st = v->st;
    char *safe = sanitize_str(st->name);

    snprintf(out, len, "Service %s · cluster %s", safe,
             ui_cluster(v->ui) != NULL ? ui_cluster(v->ui) : "-");
    free(safe);
}

static void
set_filter(struct view *v, const char *text)
{
    doc_set_filter(&((struct service_view *)v->st)->doc, text);
}

static const char *
get_filter(struct view *v)
{
    return ((struct service_view *)v->st)->doc.filter;
}

static void
target(struct view *v, struct ui_target *t)
{
    struct service_view *st = v->st;
    const char *link;

    t->kind = TARGET_SERVICE;
    t->cluster = ui_cluster(v->ui);
    t->service = st->name;
    switch (doc_link(&st->doc, &link)) {
    case LINK_TASK:
        if (link != NULL) {
            t->kind = TARGET_TASK;
            t->task_id = link;
        }
        break;
    case LINK_TARGET_GROUP:
        t->target_group_arn = link;
        break;
    default:
        break;
    }
}

static void
metric_scope(struct view *v, struct metric_scope *out)
{
    struct service_view *st = v->st;

    out->shown = xcalloc(1, sizeof *out->shown);
    out->shown[0] = st->name;
    out->nshown = 1;
    out->wanted = xcalloc(1, sizeof *out->wanted);
    out->wanted[0] = st->name;
    out->nwanted = 1;
}

static void
destroy(struct view *v)
{
    struct service_view *st = v->st;

    doc_free(&st->doc);
    free(st->name);
    free(st);
}

static const struct view_ops service_ops = {
    .name = "service",
    .parts = POLL_PART(OD_PART_SERVICES) | POLL_PART(OD_PART_TASKS) |
             POLL_PART(OD_PART_STOPPED_TASKS) | POLL_PART(OD_PART_INSTANCES) |
             POLL_PART(OD_PART_TARGETS) | POLL_PART(OD_PART_ALARMS) | POLL_PART(OD_PART_METRICS) |
             POLL_PART(OD_PART_SCALING) | POLL_PART(OD_PART_SERVICE_DEPLOYMENTS),
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
    .metric_scope = metric_scope,
};

struct view *
view_service_new(struct ui *ui, const char *service)
{
    struct service_view *st = xcalloc(1, sizeof *st);

    st->name = xstrdup(service);
    doc_init(&st->doc);
    return view_new(ui, &service_ops, st);
}
