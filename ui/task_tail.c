/* The last log lines of a stopped task (see task_tail.h).
 *
 *   start:  the task is stopped and the task list is loaded: fetch the task definitions the
 *           world lacks (sources_missing_task_defs -> sources_fetch_task_defs), then
 *           sources_build for the one task, then one pass of follow over
 *           [stopped - WINDOW_MS, stopped + AFTER_MS] (or from its creation when later).
 *   events: kept in a ring of TASK_TAIL_LINES, made inert and capped on the way in.
 *   done:   FOLLOW_DONE; nothing more is read (a stopped task writes no more). */
#include "ui/task_tail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/ecs.h"
#include "logs/follow.h"
#include "logs/sources.h"
#include "ui/ui.h"
#include "util/buf.h"
#include "util/sanitize.h"
#include "util/xalloc.h"

#define WINDOW_MS (15LL * 60 * 1000) /* the quarter hour before it stopped */
#define AFTER_MS (60LL * 1000)        /* late lines of the last seconds */
#define LINE_MAX_BYTES 512            /* a line of the view, not a log viewer */

struct tail_line {
    char *text;
    char *container;
    int64_t time_ms;
};

struct task_tail {
    struct ui *ui;
    struct view *view;
    char *task;
    struct sources_query q;
    struct sources_fetch *fetch;
    struct od_follow *follow;
    int64_t start_ms, end_ms;
    bool started, done, error;
    char *status;
    struct tail_line ring[TASK_TAIL_LINES];
    size_t head, n; /* ring: the oldest at head */
};

static void
changed(struct task_tail *tt)
{
    tt->view->need_recalc = true;
    ui_dirty(tt->ui);
}

static void
set_status(struct task_tail *tt, bool error, const char *text)
{
    free(tt->status);
    tt->status = sanitize_str(text);
    tt->error = error;
    changed(tt);
}

static void
on_events(const struct follow_event *ev, size_t n, void *ud)
{
    struct task_tail *tt = ud;

    for (size_t i = 0; i < n; i++) {
        struct tail_line *l;
        struct od_buf b;

        if (tt->n == TASK_TAIL_LINES) { /* drop the oldest */
            l = &tt->ring[tt->head];
            free(l->text);
            free(l->container);
            tt->head = (tt->head + 1) % TASK_TAIL_LINES;
            tt->n--;
        }
        l = &tt->ring[(tt->head + tt->n) % TASK_TAIL_LINES];
        buf_init(&b, 0);
        sanitize_append_capped(&b, ev[i].message, ev[i].message_len, LINE_MAX_BYTES, NULL);
        l->text = buf_steal(&b);
        l->container = ev[i].container != NULL ? sanitize_str(ev[i].container) : NULL;
        l->time_ms = ev[i].timestamp;
        tt->n++;
    }
    if (n > 0)
        changed(tt);
}

static void
on_status(const struct follow_status *st, void *ud)
{
    struct task_tail *tt = ud;
    char *e = st->err != NULL ? od_error_format(st->err) : NULL;
    char *text;

    switch (st->state) {
    case FOLLOW_RETRYING:
    case FOLLOW_THROTTLED:
        text = xasprintf("reading the logs: %s; retrying", e != NULL ? e : "throttled");
        set_status(tt, true, text);
        free(text);
        break;
    case FOLLOW_FAILED:
        text = xasprintf("%s: %s", st->group != NULL ? st->group : "logs",
                         e != NULL ? e : "failed");
        set_status(tt, true, text);
        free(text);
        break;
    case FOLLOW_DONE:
        tt->done = true;
        if (!st->any_failed)
            set_status(tt, false, tt->n == 0 ? "no log lines in the quarter hour before it stopped"
                                             : "CloudWatch Logs, the last lines before it stopped");
        break;
    case FOLLOW_CAUGHT_UP:
    case FOLLOW_WINDOW_SHRUNK:
        break;
    }
    free(e);
}

static void
read_logs(struct task_tail *tt)
{
    struct od_log_sources src = {0};
    struct od_error err = {0};
    struct follow_opts o = {0};
    struct follow_cbs cbs = {on_events, on_status};
    char *m;

    if (sources_build(ui_world(tt->ui), &tt->q, &src, &err) != OD_OK) {
        m = od_error_format(&err);
        set_status(tt, true, m);
        free(m);
        od_error_clear(&err);
        tt->done = true;
        return;
    }
    if (src.n == 0) {
        /* containers without awslogs: the note says why and what to do */
        set_status(tt, true, src.nnotes > 0 ? src.notes[0] : "no container logs to CloudWatch Logs");
        sources_clear(&src);
        tt->done = true;
        return;
    }
    o.start_ms = tt->start_ms;
    o.end_ms = tt->end_ms;
    o.follow = false;
    tt->follow = follow_new(ui_aws(tt->ui), &o, &cbs, tt);
    follow_add_sources(tt->follow, src.v, src.n);
    if (follow_start(tt->follow, &err) != OD_OK) {
        m = od_error_format(&err);
        set_status(tt, true, m);
        free(m);
        od_error_clear(&err);
        follow_free(&tt->follow);
        tt->done = true;
    } else {
        m = xasprintf("reading %zu stream%s…", src.n, src.n == 1 ? "" : "s");
        set_status(tt, false, m);
        free(m);
    }
    sources_clear(&src);
}

static void
on_task_defs(const struct od_error *err, void *ud)
{
    struct task_tail *tt = ud;

    tt->fetch = NULL;
    (void)err; /* sources_build names the task whose definition is missing */
    read_logs(tt);
}

struct task_tail *
task_tail_new(struct ui *ui, struct view *v, const char *task_id)
{
    struct task_tail *tt = xcalloc(1, sizeof *tt);

    tt->ui = ui;
    tt->view = v;
    tt->task = xstrdup(task_id);
    tt->q.task = tt->task;
    tt->q.include_stopped = true;
    return tt;
}

void
task_tail_poke(struct task_tail *tt, const struct od_task *t)
{
    const struct od_world *w = ui_world(tt->ui);
    double stopped;
    char **arns = NULL;
    size_t n = 0;

    if (tt->started || t == NULL || ui_aws(tt->ui) == NULL ||
        !w->parts[OD_PART_TASKS].loaded || !w->parts[OD_PART_SERVICES].loaded)
        return;
    stopped = t->stopped_at > 0 ? t->stopped_at : t->stopping_at;
    if (stopped <= 0)
        return; /* running (or not yet stopped): `l` follows its logs */
    tt->started = true;
    tt->end_ms = (int64_t)(stopped * 1000) + AFTER_MS;
    tt->start_ms = tt->end_ms - AFTER_MS - WINDOW_MS;
    if (t->created_at > 0 && (int64_t)(t->created_at * 1000) > tt->start_ms)
        tt->start_ms = (int64_t)(t->created_at * 1000);
    free(tt->status);
    tt->status = xstrdup("finding the log streams…");
    sources_missing_task_defs(w, &tt->q, &arns, &n);
    tt->fetch = sources_fetch_task_defs(ui_aws(tt->ui), ui_world(tt->ui), arns, n, on_task_defs,
                                        tt);
    arn_list_free(&arns, &n);
}

size_t
task_tail_count(const struct task_tail *tt)
{
    return tt->n;
}

const char *
task_tail_line(const struct task_tail *tt, size_t i, int64_t *time_ms, const char **container)
{
    const struct tail_line *l = &tt->ring[(tt->head + i) % TASK_TAIL_LINES];

    if (time_ms != NULL)
        *time_ms = l->time_ms;
    if (container != NULL)
        *container = l->container;
    return l->text;
}

const char *
task_tail_status(const struct task_tail *tt, bool *error)
{
    if (error != NULL)
        *error = tt->error;
    return tt->status;
}

bool
task_tail_done(const struct task_tail *tt)
{
    return tt->done;
}

void
task_tail_free(struct task_tail **ttp)
{
    struct task_tail *tt = *ttp;

    if (tt == NULL)
        return;
    *ttp = NULL;
    sources_fetch_cancel(&tt->fetch);
    follow_free(&tt->follow);
    for (size_t i = 0; i < tt->n; i++) {
        free(tt->ring[(tt->head + i) % TASK_TAIL_LINES].text);
        free(tt->ring[(tt->head + i) % TASK_TAIL_LINES].container);
    }
    free(tt->status);
    free(tt->task);
    free(tt);
}
