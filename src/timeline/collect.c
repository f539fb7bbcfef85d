#include "timeline/collect.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/proto_json.h"
#include "model/alarm_attr.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

/* The audit journal is read whole: past this it is someone else's problem (logrotate). */
#define AUDIT_READ_MAX ((size_t)16 << 20)

/* Add one entry; text is formatted, then made inert. Returns 1 when it was new. */
static size_t add(struct tl_store *s, double at, const char *source, const char *service,
                  enum tl_ref kind, const char *ref, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

static size_t
add(struct tl_store *s, double at, const char *source, const char *service, enum tl_ref kind,
    const char *ref, const char *key, const char *fmt, ...)
{
    struct tl_entry e = {0};
    va_list ap;
    char *raw;

    if (tl_store_has(s, key))
        return 0;
    va_start(ap, fmt);
    raw = xvasprintf(fmt, ap);
    va_end(ap);
    e.at = at;
    e.key = xstrdup(key);
    e.source = xstrdup(source);
    e.service = service != NULL ? sanitize_str(service) : NULL;
    e.text = sanitize_str(raw);
    e.ref_kind = ref != NULL ? kind : TL_REF_NONE;
    e.ref = ref != NULL ? xstrdup(ref) : NULL;
    free(raw);
    return tl_store_add(s, &e) ? 1 : 0;
}

static bool
part_fresh(const struct od_world *w, enum od_part p)
{
    return w->parts[p].loaded && !w->parts[p].stale;
}

/* "... (task 0123abcd) ..." names a task: the id, malloc'd, or NULL. */
static char *
event_task(const char *msg)
{
    const char *p = msg != NULL ? strstr(msg, "(task ") : NULL, *end;

    if (p == NULL)
        return NULL;
    p += strlen("(task ");
    end = strpbrk(p, ") ");
    if (end == NULL || end == p || (size_t)(end - p) > 64)
        return NULL;
    return xstrndup(p, (size_t)(end - p));
}

static size_t
collect_service(struct tl_store *s, const struct od_service *svc)
{
    size_t added = 0;

    for (size_t i = 0; i < svc->nevents; i++) {
        const struct od_event *ev = &svc->events[i];
        char *key, *task;

        if (str_empty(ev->id))
            continue;
        key = xasprintf("event:%s", ev->id);
        task = event_task(ev->message);
        added += add(s, ev->created_at, "ecs-event", svc->name, TL_REF_TASK, task, key, "%s",
                     ev->message != NULL ? ev->message : "");
        free(task);
        free(key);
    }
    for (size_t i = 0; i < svc->ndeployments; i++) {
        const struct od_deployment *d = &svc->deployments[i];
        char *td, *key;
        const char *st = d->rollout_state;

        if (str_empty(d->id))
            continue;
        td = task_def_short_name(d->task_definition);
        key = xasprintf("deploy:%s:started", d->id);
        added += add(s, d->created_at, "ecs-deployment", svc->name, TL_REF_DEPLOYMENT, d->id, key,
                     "deployment %s started: %s, desired %ld", d->id, td != NULL ? td : "-",
                     d->desired);
        free(key);
        if (str_eq(st, "COMPLETED") || str_eq(st, "FAILED")) {
            key = xasprintf("deploy:%s:%s", d->id, st);
            added += add(s, d->updated_at > 0 ? d->updated_at : d->created_at, "ecs-deployment",
                         svc->name, TL_REF_DEPLOYMENT, d->id, key, "deployment %s %s: %s%s%s",
                         d->id, st, td != NULL ? td : "-",
                         d->rollout_state_reason != NULL ? ": " : "",
                         d->rollout_state_reason != NULL ? d->rollout_state_reason : "");
            free(key);
        }
        free(td);
    }
    return added;
}

/* "app exit 1 (OutOfMemoryError), redis exit 0" */
static void
container_exits(const struct od_task *t, struct od_buf *b)
{
    for (size_t i = 0; i < t->ncontainers; i++) {
        const struct od_container *c = &t->containers[i];

        buf_printf(b, "%s%s ", i > 0 ? ", " : "", c->name != NULL ? c->name : "?");
        if (c->has_exit_code)
            buf_printf(b, "exit %ld", c->exit_code);
        else
            buf_puts(b, "no exit code");
        if (!str_empty(c->reason))
            buf_printf(b, " (%s)", c->reason);
    }
}

static size_t
collect_stopped(struct tl_store *s, const struct od_world *w)
{
    size_t added = 0;

    for (size_t i = 0; i < w->nstopped; i++) {
        const struct od_task *t = &w->stopped[i];
        double at = t->stopped_at > 0 ? t->stopped_at : t->stopping_at;
        struct od_buf exits;
        char *key;

        /* Exit codes come with STOPPED: a task still stopping is taken next time. */
        if (!str_eq(t->last_status, "STOPPED") || str_empty(t->arn))
            continue;
        buf_init(&exits, 0);
        container_exits(t, &exits);
        key = xasprintf("task:%s", t->arn);
        added += add(s, at > 0 ? at : (double)clock_wall_ms() / 1000.0, "ecs-task",
                     task_service_name(t), TL_REF_TASK, t->id, key, "task %s stopped: %s%s%s; %s",
                     t->id != NULL ? t->id : "?", t->stop_code != NULL ? t->stop_code : "",
                     t->stop_code != NULL && t->stopped_reason != NULL ? ": " : "",
                     t->stopped_reason != NULL ? t->stopped_reason : "", buf_cstr(&exits));
        free(key);
        buf_free(&exits);
    }
    return added;
}

static size_t
collect_targets(struct tl_store *s, const struct od_world *w)
{
    double at = (double)w->parts[OD_PART_TARGETS].updated_at;
    size_t added = 0;

    for (size_t i = 0; i < w->nservices; i++) {
        const struct od_service *svc = &w->services[i];

        for (size_t k = 0; k < svc->nlbs; k++) {
            const struct od_target_group *tg =
                world_target_group(w, svc->lbs[k].target_group_arn);

            for (size_t j = 0; tg != NULL && j < tg->ntargets; j++) {
                const struct od_target *t = &tg->targets[j];
                char *target, *key;
                const char *was;

                if (t->id == NULL || t->state == NULL)
                    continue;
                target = xasprintf("%s|%s|%ld", tg->arn, t->id, t->port);
                was = tl_store_health(s, target);
                if (was != NULL && !str_eq(was, t->state)) {
                    key = xasprintf("target:%s:%s:%.0f", target, t->state, at);
                    added += add(s, at, "elb-target", svc->name, TL_REF_TASK, t->task_id, key,
                                 "target %s:%ld in %s: %s -> %s%s%s", t->id, t->port,
                                 tg->name != NULL ? tg->name : tg->arn, was, t->state,
                                 t->reason != NULL ? " " : "", t->reason != NULL ? t->reason : "");
                    free(key);
                }
                tl_store_set_health(s, target, t->state);
                free(target);
            }
        }
    }
    return added;
}

static size_t
collect_invalidations(struct tl_store *s, const struct od_world *w)
{
    size_t added = 0;

    for (size_t i = 0; i < w->ndists; i++) {
        const struct od_distribution *d = &w->dists[i];

        for (size_t k = 0; k < d->ninvalidations; k++) {
            const struct od_invalidation *inv = &d->invalidations[k];
            struct od_buf paths;
            char *key;

            if (str_empty(inv->id))
                continue;
            buf_init(&paths, 0);
            for (size_t p = 0; p < inv->npaths && p < 5; p++)
                buf_printf(&paths, " %s", inv->paths[p]);
            if (inv->npaths > 5)
                buf_printf(&paths, " (+%zu)", inv->npaths - 5);
            key = xasprintf("inv:%s", inv->id);
            added += add(s, (double)inv->create_time, "cloudfront", NULL, TL_REF_DISTRIBUTION,
                         d->id, key, "invalidation %s of %s%s", inv->id, d->id, buf_cstr(&paths));
            free(key);
            buf_free(&paths);
        }
    }
    return added;
}

size_t
tl_collect_world(struct tl_store *s, const struct od_world *w)
{
    size_t added = 0;

    if (part_fresh(w, OD_PART_SERVICES))
        for (size_t i = 0; i < w->nservices; i++)
            added += collect_service(s, &w->services[i]);
    if (part_fresh(w, OD_PART_STOPPED_TASKS))
        added += collect_stopped(s, w);
    if (part_fresh(w, OD_PART_TARGETS) && part_fresh(w, OD_PART_SERVICES))
        added += collect_targets(s, w);
    if (part_fresh(w, OD_PART_DISTRIBUTIONS))
        added += collect_invalidations(s, w);
    return added;
}

/* One attribution for the whole program (model/alarm_attr.c): the timeline names the first
 * service the alarm belongs to, by the same rules the service view and ALARMS use. */
const char *
tl_alarm_service(const struct od_world *w, const struct od_alarm *a)
{
    const char *name = NULL;

    return alarm_services(w, a, &name, 1) > 0 ? name : NULL;
}

size_t
tl_collect_alarms(struct tl_store *s, const struct od_world *w, const struct od_alarm_change *c,
                  size_t n)
{
    size_t added = 0;

    for (size_t i = 0; i < n; i++) {
        const struct od_alarm *a = NULL;
        const char *svc;
        char *key;

        for (size_t k = 0; k < w->nalarms && a == NULL; k++)
            if (str_eq(w->alarms[k].name, c[i].alarm))
                a = &w->alarms[k];
        if (a == NULL || (svc = tl_alarm_service(w, a)) == NULL)
            continue;
        key = xasprintf("alarm:%s:%.3f", c[i].alarm, c[i].at);
        added += add(s, c[i].at, "cw-alarm", svc, TL_REF_ALARM, c[i].alarm, key,
                     "alarm %s %s -> %s%s%s", c[i].alarm, c[i].old_state ? c[i].old_state : "?",
                     c[i].new_state ? c[i].new_state : "?", c[i].reason ? ": " : "",
                     c[i].reason ? c[i].reason : "");
        free(key);
    }
    return added;
}

/* ---- the audit journal ----------------------------------------------------------------- */

static char *
read_journal(const char *path)
{
    FILE *fp = fopen(path, "re");
    struct od_buf b;
    char chunk[8192];
    size_t n;

    if (fp == NULL)
        return NULL;
    buf_init(&b, AUDIT_READ_MAX);
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        if (buf_append(&b, chunk, n) != OD_OK) {
            buf_free(&b);
            fclose(fp);
            return NULL;
        }
    fclose(fp);
    return buf_steal(&b);
}

/* What an action changed, from the journal's before and after: " web:3 -> web:4", " desired 2
 * -> 4" (the revision is the "which" of a deploy or rollback). */
static void
audit_change(const cJSON *o, struct od_buf *b)
{
    const cJSON *before = json_obj(o, "before"), *after = json_obj(o, "after");
    const char *td0 = json_str(before, "taskDefinition"), *td1 = json_str(after, "taskDefinition");
    double d0, d1;

    if (td1 != NULL) {
        char *a = task_def_short_name(td0), *z = task_def_short_name(td1);

        if (a != NULL && !str_eq(a, z))
            buf_printf(b, " %s -> %s", a, z);
        else
            buf_printf(b, " %s", z);
        free(a);
        free(z);
    }
    if (json_num(before, "desiredCount", &d0) && json_num(after, "desiredCount", &d1) && d0 != d1)
        buf_printf(b, " desired %.0f -> %.0f", d0, d1);
}

/* The service of a task the world knows (running or stopped), by id or ARN. */
static const char *
task_service(const struct od_world *w, const char *task)
{
    const char *id = str_last_segment(task);
    const struct od_task *t = world_task(w, id);

    for (size_t i = 0; t == NULL && i < w->nstopped; i++)
        if (str_eq(w->stopped[i].id, id))
            t = &w->stopped[i];
    return t != NULL ? task_service_name(t) : NULL;
}

static size_t
audit_line(struct tl_store *s, const cJSON *o, const struct od_world *w)
{
    const char *region = w->region, *cluster = w->cluster;
    const cJSON *target = json_obj(o, "target");
    const char *tc = json_str(target, "cluster"), *svc = json_str(target, "service"),
               *task = json_str(target, "task"), *dist = json_str(target, "distribution"),
               *when = json_str(o, "time"), *action = json_str(o, "action"),
               *result = json_str(o, "result"), *who = json_str(o, "identity"),
               *error = json_str(o, "error");
    const char *dep = json_str(json_obj(o, "after"), "primaryDeployment");
    struct od_buf change;
    time_t at;
    char *key;
    size_t added;

    if (when == NULL || action == NULL || !clock_parse_iso(when, &at))
        return 0;
    if (svc == NULL && task != NULL)
        svc = task_service(w, task);
    if (!str_eq(json_str(o, "region"), region) && json_str(o, "region") != NULL)
        return 0;
    /* An invalidation is the account's; everything else must be this cluster's. */
    if (dist == NULL && !str_eq(cluster_short_name(tc), cluster_short_name(cluster)))
        return 0;
    /* Two attempts in one second differ by their request id (a refusal has none). */
    key = xasprintf("audit:%s:%s:%s:%s:%s", when, action, result != NULL ? result : "",
                    tc != NULL ? tc : "", json_str(o, "request_id") != NULL
                                              ? json_str(o, "request_id")
                                              : svc != NULL ? svc : task != NULL ? task : "");
    buf_init(&change, 0);
    audit_change(o, &change);
    added = add(s, (double)at, "ondeck", svc,
                task != NULL ? TL_REF_TASK : dep != NULL ? TL_REF_DEPLOYMENT : TL_REF_NONE,
                task != NULL ? str_last_segment(task) : dep, key, "%s %s%s%s%s by %s%s%s", action,
                result != NULL ? result : "?", buf_cstr(&change), dist != NULL ? " on " : "",
                dist != NULL ? dist : "", who != NULL ? who : "?", error != NULL ? ": " : "",
                error != NULL ? error : "");
    buf_free(&change);
    free(key);
    return added;
}

size_t
tl_collect_audit(struct tl_store *s, const char *audit_path, const struct od_world *w)
{
    char *text = audit_path != NULL ? read_journal(audit_path) : NULL, *save = NULL, *line;
    size_t added = 0;

    for (line = text != NULL ? strtok_r(text, "\n", &save) : NULL; line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        cJSON *o = cJSON_Parse(line);

        if (cJSON_IsObject(o))
            added += audit_line(s, o, w);
        cJSON_Delete(o);
    }
    free(text);
    return added;
}
