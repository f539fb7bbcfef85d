/* Log sources from task definitions (see sources.h). */
#include "logs/sources.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/ecs.h"
#include "util/str.h"
#include "util/xalloc.h"

#define FETCH_PARALLEL 4

static char *
dup_opt(const char *s)
{
    return s != NULL ? xstrdup(s) : NULL;
}

void
log_source_copy(struct od_log_source *dst, const struct od_log_source *src)
{
    dst->group = dup_opt(src->group);
    dst->region = dup_opt(src->region);
    dst->stream = dup_opt(src->stream);
    dst->task_id = dup_opt(src->task_id);
    dst->container = dup_opt(src->container);
    dst->label = dup_opt(src->label);
    dst->origin = src->origin;
}

void
log_source_clear(struct od_log_source *s)
{
    free(s->group);
    free(s->region);
    free(s->stream);
    free(s->task_id);
    free(s->container);
    free(s->label);
    memset(s, 0, sizeof *s);
}

void
sources_clear(struct od_log_sources *s)
{
    for (size_t i = 0; i < s->n; i++)
        log_source_clear(&s->v[i]);
    free(s->v);
    for (size_t i = 0; i < s->nnotes; i++)
        free(s->notes[i]);
    free(s->notes);
    memset(s, 0, sizeof *s);
}

bool
sources_parse_stream(const char *stream, char **task_id, char **container)
{
    const char *last, *prev;

    *task_id = *container = NULL;
    if (stream == NULL || (last = strrchr(stream, '/')) == NULL || last[1] == '\0' ||
        last == stream)
        return false;
    for (prev = last - 1; prev > stream && *prev != '/'; prev--)
        ;
    if (*prev != '/' || prev + 1 == last)
        return false;
    *task_id = xstrdup(last + 1);
    *container = xstrndup(prev + 1, (size_t)(last - prev - 1));
    return true;
}

/* A task definition by ARN, or by "family:revision" (moto echoes the service's that way). */
static const struct od_task_def *
find_td(const struct od_world *w, const char *ref)
{
    const struct od_task_def *td = world_task_def(w, ref);

    for (size_t i = 0; td == NULL && ref != NULL && i < w->ntask_defs; i++) {
        char *short_name = task_def_short_name(w->task_defs[i].arn);

        if (str_eq(short_name, ref) || str_eq(str_last_segment(ref), short_name))
            td = &w->task_defs[i];
        free(short_name);
    }
    return td;
}

static bool
task_matches(const struct od_task *t, const char *want)
{
    return str_eq(t->id, want) || str_eq(t->arn, want);
}

static const struct od_task *
find_task(const struct od_world *w, const char *want)
{
    for (size_t i = 0; i < w->ntasks; i++)
        if (task_matches(&w->tasks[i], want))
            return &w->tasks[i];
    for (size_t i = 0; i < w->nstopped; i++)
        if (task_matches(&w->stopped[i], want))
            return &w->stopped[i];
    return NULL;
}

/* The tasks a query covers, running first; returns a malloc'd array of borrowed pointers. */
static const struct od_task **
select_tasks(const struct od_world *w, const struct sources_query *q, size_t *n)
{
    const struct od_task **v = NULL;
    size_t k = 0;

    *n = 0;
    if (q->task != NULL) {
        const struct od_task *t = find_task(w, q->task);

        if (t == NULL)
            return NULL;
        v = xcalloc(1, sizeof *v);
        v[k++] = t;
        *n = k;
        return v;
    }
    v = xcalloc(w->ntasks + w->nstopped + 1, sizeof *v);
    for (size_t i = 0; i < w->ntasks; i++)
        if (str_eq(task_service_name(&w->tasks[i]), q->service))
            v[k++] = &w->tasks[i];
    for (size_t i = 0; q->include_stopped && i < w->nstopped; i++)
        if (str_eq(task_service_name(&w->stopped[i]), q->service) &&
            find_task(w, w->stopped[i].id) == &w->stopped[i])
            v[k++] = &w->stopped[i];
    *n = k;
    return v;
}

static void
push_arn(char ***arns, size_t *n, const char *arn)
{
    for (size_t i = 0; i < *n; i++)
        if (str_eq((*arns)[i], arn))
            return;
    *arns = xreallocarray(*arns, *n + 1, sizeof **arns);
    (*arns)[(*n)++] = xstrdup(arn);
}

void
sources_missing_task_defs(const struct od_world *w, const struct sources_query *q, char ***arns,
                          size_t *n)
{
    const struct od_task **tasks;
    size_t nt;

    *arns = NULL;
    *n = 0;
    if (q->service == NULL && q->task == NULL)
        return;
    tasks = select_tasks(w, q, &nt);
    for (size_t i = 0; i < nt; i++)
        if (tasks[i]->task_definition != NULL && find_td(w, tasks[i]->task_definition) == NULL)
            push_arn(arns, n, tasks[i]->task_definition);
    if (q->service != NULL && q->task == NULL && nt == 0) {
        const struct od_service *s = world_service(w, q->service);

        /* The service's own task definition explains a service without tasks. */
        if (s != NULL && s->task_definition != NULL && find_td(w, s->task_definition) == NULL)
            push_arn(arns, n, s->task_definition);
    }
    free(tasks);
}

static void
add_note(struct od_log_sources *out, char *note)
{
    for (size_t i = 0; i < out->nnotes; i++) {
        if (strcmp(out->notes[i], note) == 0) {
            free(note);
            return;
        }
    }
    out->notes = xreallocarray(out->notes, out->nnotes + 1, sizeof *out->notes);
    out->notes[out->nnotes++] = note;
}

static void
add_source(struct od_log_sources *out, const char *group, const char *region, char *stream,
           const char *task_id, const char *container)
{
    for (size_t i = 0; i < out->n; i++) {
        const struct od_log_source *s = &out->v[i];

        if (str_eq(s->group, group) && str_eq(s->region, region) && str_eq(s->stream, stream)) {
            free(stream);
            return;
        }
    }
    out->v = xreallocarray(out->v, out->n + 1, sizeof *out->v);
    out->v[out->n].group = xstrdup(group);
    out->v[out->n].region = dup_opt(region);
    out->v[out->n].stream = stream;
    out->v[out->n].task_id = stream != NULL ? dup_opt(task_id) : NULL;
    out->v[out->n].container = stream != NULL ? dup_opt(container) : NULL;
    out->v[out->n].label = NULL;
    out->v[out->n].origin = 0;
    out->n++;
}

/* Sources of one container of one task. */
static void
container_sources(struct od_log_sources *out, const struct sources_query *q,
                  const struct od_task_def *td, const struct od_container_def *cd,
                  const struct od_task *t)
{
    char *td_name = task_def_short_name(td->arn);
    const char *group = q->log_group != NULL ? q->log_group : cd->log_group;

    if (str_eq(cd->log_driver, "awslogs") && group != NULL) {
        if (!str_empty(cd->log_stream_prefix) && t != NULL) {
            add_source(out, group, cd->log_region,
                       xasprintf("%s/%s/%s", cd->log_stream_prefix, cd->name, t->id), t->id,
                       cd->name);
        } else if (str_empty(cd->log_stream_prefix)) {
            add_note(out, xasprintf("container %s (%s) has no awslogs-stream-prefix, so its "
                                    "streams are named by Docker container id: following every "
                                    "stream of %s",
                                    cd->name, td_name != NULL ? td_name : "?", group));
            add_source(out, group, cd->log_region, NULL, NULL, NULL);
        }
    } else if (q->log_group != NULL) {
        add_note(out, xasprintf("container %s (%s) uses the %s log driver: following every "
                                "stream of --log-group %s",
                                cd->name, td_name != NULL ? td_name : "?",
                                cd->log_driver != NULL ? cd->log_driver : "default",
                                q->log_group));
        add_source(out, q->log_group, NULL, NULL, NULL, NULL);
    } else if (cd->log_driver == NULL) {
        add_note(out, xasprintf("container %s (%s) has no log configuration: its output is "
                                "not in CloudWatch Logs (use --log-group if it ships logs "
                                "to a group)",
                                cd->name, td_name != NULL ? td_name : "?"));
    } else if (!str_eq(cd->log_driver, "awslogs")) {
        add_note(out, xasprintf("container %s (%s) uses the %s log driver, not awslogs: its "
                                "logs are not in CloudWatch Logs (use --log-group if they "
                                "are shipped to a log group)",
                                cd->name, td_name != NULL ? td_name : "?", cd->log_driver));
    } else {
        add_note(out, xasprintf("container %s (%s) uses awslogs without awslogs-group "
                                "(use --log-group)",
                                cd->name, td_name != NULL ? td_name : "?"));
    }
    free(td_name);
}

static bool
td_has_container(const struct od_task_def *td, const char *name)
{
    for (size_t i = 0; td != NULL && i < td->ncontainers; i++)
        if (str_eq(td->containers[i].name, name))
            return true;
    return false;
}

static void
td_sources(struct od_log_sources *out, const struct sources_query *q,
           const struct od_task_def *td, const struct od_task *t)
{
    for (size_t c = 0; c < td->ncontainers; c++)
        if (q->container == NULL || str_eq(td->containers[c].name, q->container))
            container_sources(out, q, td, &td->containers[c], t);
}

enum od_err
sources_build(const struct od_world *w, const struct sources_query *q,
              struct od_log_sources *out, struct od_error *err)
{
    const struct od_task **tasks = NULL;
    const struct od_task_def *svc_td = NULL;
    bool container_seen = false;
    size_t nt = 0;

    memset(out, 0, sizeof *out);
    if (q->service == NULL && q->task == NULL) {
        if (q->log_group == NULL) {
            od_error_set(err, OD_E_USAGE, "say which logs: --service, --task or --log-group");
            return OD_E_USAGE;
        }
        add_source(out, q->log_group, NULL, NULL, NULL, NULL);
        return OD_OK;
    }
    if (q->task == NULL && world_service(w, q->service) == NULL &&
        w->parts[OD_PART_SERVICES].loaded) {
        od_error_set(err, OD_E_USAGE, "service '%s' not found in cluster %s", q->service,
                     w->cluster != NULL ? w->cluster : "?");
        return OD_E_USAGE;
    }
    tasks = select_tasks(w, q, &nt);
    if (q->task != NULL && nt == 0) {
        od_error_set(err, OD_E_USAGE, "task '%s' not found in cluster %s (running or recently "
                     "stopped)", q->task, w->cluster != NULL ? w->cluster : "?");
        free(tasks);
        return OD_E_USAGE;
    }
    if (q->task != NULL && q->service != NULL &&
        !str_eq(task_service_name(tasks[0]), q->service)) {
        od_error_set(err, OD_E_USAGE, "task '%s' does not belong to service '%s'", q->task,
                     q->service);
        free(tasks);
        return OD_E_USAGE;
    }
    if (q->task == NULL) {
        const struct od_service *s = world_service(w, q->service);

        svc_td = s != NULL ? find_td(w, s->task_definition) : NULL;
    }
    for (size_t i = 0; i < nt; i++) {
        const struct od_task_def *td = find_td(w, tasks[i]->task_definition);

        if (td == NULL) {
            add_note(out, xasprintf("task definition %s could not be read: the logs of its "
                                    "tasks are left out",
                                    tasks[i]->task_definition != NULL
                                        ? tasks[i]->task_definition
                                        : "(none)"));
            continue;
        }
        container_seen |= q->container == NULL || td_has_container(td, q->container);
        td_sources(out, q, td, tasks[i]);
    }
    if (nt == 0) {
        add_note(out, xasprintf("service %s has no running or recently stopped tasks",
                                q->service));
        if (svc_td != NULL) {
            container_seen |= q->container == NULL || td_has_container(svc_td, q->container);
            td_sources(out, q, svc_td, NULL);
        }
    }
    if (q->container != NULL && !container_seen && (nt > 0 || svc_td != NULL)) {
        const struct od_task_def *td = nt > 0 ? find_td(w, tasks[0]->task_definition) : svc_td;
        struct od_buf names;

        buf_init(&names, 0);
        for (size_t c = 0; td != NULL && c < td->ncontainers; c++)
            buf_printf(&names, "%s%s", c > 0 ? ", " : "", td->containers[c].name);
        od_error_set(err, OD_E_USAGE, "no container named '%s' (containers: %s)", q->container,
                     names.len > 0 ? buf_cstr(&names) : "none known");
        buf_free(&names);
        free(tasks);
        sources_clear(out);
        return OD_E_USAGE;
    }
    free(tasks);
    return OD_OK;
}

/* ---- fetching task definitions ---------------------------------------------------------- */

struct sources_fetch {
    struct od_aws *aws;
    struct od_world *w;
    char **arns;
    size_t n, next, inflight;
    struct od_error first_err;
    sources_fetch_cb cb;
    void *ud;
    bool cancelled, finished;
};

static void fetch_pump(struct sources_fetch *f);

static void
fetch_free(struct sources_fetch *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->arns[i]);
    free(f->arns);
    od_error_clear(&f->first_err);
    free(f);
}

static void
on_td(const struct od_aws_response *resp, const struct od_error *err, void *ud)
{
    struct sources_fetch *f = ud;

    f->inflight--;
    if (f->cancelled) {
        if (f->inflight == 0)
            fetch_free(f);
        return;
    }
    if (resp != NULL && (err == NULL || err->err == OD_OK)) {
        struct od_task_def td = {0};
        struct od_error derr = {0};

        if (ecs_decode_task_definition(resp->body, resp->body_len, &td, &derr) == OD_OK)
            world_add_task_def(f->w, &td);
        else if (f->first_err.err == OD_OK)
            od_error_copy(&f->first_err, &derr);
        task_def_clear(&td);
        od_error_clear(&derr);
    } else if (f->first_err.err == OD_OK && err != NULL) {
        od_error_copy(&f->first_err, err);
    }
    fetch_pump(f);
}

static void
fetch_pump(struct sources_fetch *f)
{
    while (f->next < f->n && f->inflight < FETCH_PARALLEL) {
        char *body = ecs_body_describe_task_definition(f->arns[f->next++]);
        struct od_error err = {0};

        if (aws_call_json(f->aws, OD_SVC_ECS, "DescribeTaskDefinition", body, 0, on_td, f,
                          &err) == OD_OK)
            f->inflight++;
        else if (f->first_err.err == OD_OK)
            od_error_copy(&f->first_err, &err);
        od_error_clear(&err);
        free(body);
    }
    if (f->next >= f->n && f->inflight == 0 && !f->finished) {
        sources_fetch_cb cb = f->cb;
        void *ud = f->ud;
        struct od_error e = {0};

        f->finished = true;
        od_error_copy(&e, &f->first_err);
        fetch_free(f);
        cb(e.err != OD_OK ? &e : NULL, ud);
        od_error_clear(&e);
    }
}

static void
fetch_start(void *ud)
{
    struct sources_fetch *f = ud;

    if (f->cancelled) {
        fetch_free(f); /* cancelled before it started: nothing is in flight */
        return;
    }
    fetch_pump(f);
}

struct sources_fetch *
sources_fetch_task_defs(struct od_aws *aws, struct od_world *w, char *const *arns, size_t n,
                        sources_fetch_cb cb, void *ud)
{
    struct sources_fetch *f = xcalloc(1, sizeof *f);

    f->aws = aws;
    f->w = w;
    f->cb = cb;
    f->ud = ud;
    if (n > 0) {
        f->arns = xcalloc(n, sizeof *f->arns);
        for (size_t i = 0; i < n; i++)
            f->arns[i] = xstrdup(arns[i]);
    }
    f->n = n;
    /* Never call back inside the call (also when there is nothing to fetch). */
    loop_defer(aws->loop, fetch_start, f);
    return f;
}

void
sources_fetch_cancel(struct sources_fetch **fp)
{
    struct sources_fetch *f = *fp;

    if (f == NULL)
        return;
    *fp = NULL;
    /* Freed by the deferred start (not started yet) or by the last callback in flight. */
    f->cancelled = true;
    f->next = f->n;
}
