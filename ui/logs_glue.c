/* The logs pane's source: the logs engine (src/logs/) following a service's or a task's
 * CloudWatch logs (all containers with the awslogs driver), or those of several services
 * (rows marked in the services view) in one stream (src/logs/merge.h).
 *
 *   start:  wait for the world's task list, fetch the task definitions it lacks
 *           (sources_missing_task_defs -> sources_fetch_task_defs), sources_build, then
 *           follow_new(.follow = true, the last 10 minutes) + follow_add_sources + follow_start.
 *           Every RESOLVE_MS the sources are built again, so the streams of tasks that start
 *           later join the follow.
 *   events: each line is made inert and capped (sanitize_append_capped) and handed to
 *           view_logs_feed with a "container/task" tag; the pane only marks the console dirty.
 *   status: notes (containers without awslogs, other drivers), retries, throttling and errors
 *           go to the pane's status line.
 *   pause:  the pane freezes its view while the follow goes on (see logs_glue_pause);
 *   stop:   follow_free (no callback after it). */
#include "ui/logs_glue.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/ecs.h"
#include "logs/follow.h"
#include "logs/merge.h"
#include "logs/sources.h"
#include "model/world.h"
#include "ui/ui.h"
#include "ui/view_logs.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

#define SINCE_MS (10LL * 60 * 1000)
#define RESOLVE_MS 15000     /* look for new tasks while following */
#define WAIT_TASKS_MS 500    /* the task list is not loaded yet: look again soon */
#define TAG_TASK_CHARS 8     /* "app/1a2b3c4d" */

struct logs_glue {
    struct ui *ui;
    struct view *pane;
    struct od_aws *aws;
    struct logs_merge m; /* the service(s) or the task */
    struct sources_fetch *fetch;
    struct od_follow *follow;
    uint64_t timer;
    char *notes;      /* inert, joined with "; " */
    size_t nsources;
    bool problem;     /* the status shows a retry, throttling or failure */
    char *failed;     /* sources that stopped for good: kept when the others catch up */
    struct od_buf text, tag, source;
    char **groups;    /* the distinct log groups of the last sources (for :insights) */
    size_t ngroups;
};

static void resolve(void *ud);

static void
set_status(struct logs_glue *g, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
set_status(struct logs_glue *g, bool error, const char *fmt, ...)
{
    va_list ap;
    char *s, *all;

    va_start(ap, fmt);
    s = xvasprintf(fmt, ap);
    va_end(ap);
    all = g->notes != NULL ? xasprintf("%s · %s", s, g->notes) : xstrdup(s);
    view_logs_set_status(g->pane, all, error); /* sanitises */
    free(all);
    free(s);
}

static void
schedule(struct logs_glue *g, uint64_t ms)
{
    if (g->timer != 0)
        loop_timer_cancel(g->aws->loop, g->timer);
    g->timer = loop_timer_add(g->aws->loop, ms, resolve, g);
}

/* ---- follow callbacks: copy, make inert, mark dirty ------------------------------------ */

static void
on_events(const struct follow_event *ev, size_t n, void *ud)
{
    struct logs_glue *g = ud;

    for (size_t i = 0; i < n; i++) {
        struct od_log_line line = {0};

        buf_reset(&g->text);
        buf_reset(&g->tag);
        buf_reset(&g->source);
        sanitize_append_capped(&g->text, ev[i].message, ev[i].message_len, SANITIZE_LINE_MAX,
                               NULL);
        if (ev[i].container != NULL && ev[i].task_id != NULL)
            buf_printf(&g->tag, "%s/%.*s", ev[i].container, TAG_TASK_CHARS, ev[i].task_id);
        else if (ev[i].stream != NULL)
            buf_printf(&g->tag, "%s", ev[i].stream);
        if (g->m.n > 1 && ev[i].label != NULL) {
            /* Several services: the prefix is its own field, coloured per source. */
            sanitize_append(&g->source, ev[i].label, strlen(ev[i].label));
            line.source = buf_cstr(&g->source);
            line.source_colour = ev[i].origin;
        }
        line.time_ms = ev[i].timestamp;
        line.tag = g->tag.len > 0 ? buf_cstr(&g->tag) : NULL;
        line.text = buf_cstr(&g->text);
        line.text_len = g->text.len;
        if (line.text_len == 0)
            line.text = "";
        view_logs_feed(g->pane, &line, 1);
    }
}

static void
on_status(const struct follow_status *st, void *ud)
{
    struct logs_glue *g = ud;
    char *e = st->err != NULL ? od_error_format(st->err) : NULL;
    const char *group = st->group != NULL ? st->group : "";

    switch (st->state) {
    case FOLLOW_CAUGHT_UP:
        g->problem = false;
        if (g->failed != NULL)
            set_status(g, true, "live · %zu stream%s · %s", g->nsources,
                       g->nsources == 1 ? "" : "s", g->failed);
        else
            set_status(g, false, "live · %zu stream%s", g->nsources,
                       g->nsources == 1 ? "" : "s");
        break;
    case FOLLOW_RETRYING:
        g->problem = true;
        set_status(g, true, "%s: %s; retrying in %llus", group, e != NULL ? e : "failed",
                   (unsigned long long)(st->retry_in_ms + 999) / 1000);
        break;
    case FOLLOW_THROTTLED:
        g->problem = true;
        set_status(g, true, "THROTTLED by CloudWatch Logs; backing off %llus",
                   (unsigned long long)(st->retry_in_ms + 999) / 1000);
        break;
    case FOLLOW_WINDOW_SHRUNK:
        set_status(g, true, "very busy streams: events arriving much later may be missed");
        break;
    case FOLLOW_FAILED: {
        /* Several services: say whose logs stopped; the others go on. */
        char *who = g->m.n > 1 ? logs_merge_who(&g->m, st->group) : NULL;

        char *line = who != NULL ? xasprintf("%s (%s): %s", who, group, e != NULL ? e : "failed")
                                 : xasprintf("%s: %s", group, e != NULL ? e : "failed");

        /* A source that stopped stays named after the others catch up (CAUGHT_UP). */
        g->problem = true;
        if (g->failed == NULL || strstr(g->failed, line) == NULL) {
            char *joined = g->failed != NULL ? xasprintf("%s; %s", g->failed, line) : xstrdup(line);

            free(g->failed);
            g->failed = joined;
        }
        set_status(g, true, "%s", g->failed);
        free(line);
        free(who);
        break;
    }
    case FOLLOW_DONE:
        set_status(g, st->any_failed, "stopped%s", st->any_failed ? ": no log group could be read" : "");
        break;
    }
    free(e);
}

/* ---- sources ------------------------------------------------------------------------------ */

static void
keep_notes(struct logs_glue *g, const struct od_log_sources *src)
{
    struct od_buf b;

    if (src->nnotes == 0)
        return;
    buf_init(&b, 0);
    for (size_t i = 0; i < src->nnotes; i++) {
        if (b.len > 0)
            buf_printf(&b, "; ");
        sanitize_append(&b, src->notes[i], strlen(src->notes[i]));
    }
    free(g->notes);
    g->notes = buf_steal(&b);
}

static void
free_groups(struct logs_glue *g)
{
    for (size_t i = 0; i < g->ngroups; i++)
        free(g->groups[i]);
    free(g->groups);
    g->groups = NULL;
    g->ngroups = 0;
}

static void
keep_groups(struct logs_glue *g, const struct od_log_sources *src)
{
    if (src->n == 0)
        return;
    free_groups(g);
    for (size_t i = 0; i < src->n; i++) {
        bool seen = false;

        for (size_t k = 0; k < g->ngroups && !seen; k++)
            seen = strcmp(g->groups[k], src->v[i].group) == 0;
        if (!seen) {
            g->groups = xreallocarray(g->groups, g->ngroups + 1, sizeof *g->groups);
            g->groups[g->ngroups++] = xstrdup(src->v[i].group);
        }
    }
}

static void
got_sources(struct logs_glue *g)
{
    struct od_log_sources src = {0};
    struct od_error err = {0};

    schedule(g, RESOLVE_MS);
    if (logs_merge_build(&g->m, ui_world(g->ui), &src, &err) != OD_OK) {
        if (g->follow == NULL) {
            char *m = od_error_format(&err);

            set_status(g, true, "%s", m);
            free(m);
        }
        od_error_clear(&err);
        return;
    }
    keep_notes(g, &src);
    keep_groups(g, &src);
    if (g->follow == NULL) {
        if (src.n == 0) {
            set_status(g, true, "nothing to follow yet: no running task logs to CloudWatch Logs");
        } else {
            struct follow_opts o = {0};
            struct follow_cbs cbs = {on_events, on_status};

            o.start_ms = clock_wall_ms() - SINCE_MS;
            o.end_ms = -1;
            o.follow = true;
            g->follow = follow_new(g->aws, &o, &cbs, g);
            follow_add_sources(g->follow, src.v, src.n);
            g->nsources = src.n;
            if (follow_start(g->follow, &err) != OD_OK) {
                char *m = od_error_format(&err);

                set_status(g, true, "%s", m);
                free(m);
                od_error_clear(&err);
                follow_free(&g->follow);
            } else {
                set_status(g, false, "reading %zu stream%s…", src.n, src.n == 1 ? "" : "s");
            }
        }
    } else if (src.n > 0) {
        follow_add_sources(g->follow, src.v, src.n); /* known streams are ignored */
        g->nsources = src.n;
    }
    sources_clear(&src);
}

static void
on_task_defs(const struct od_error *err, void *ud)
{
    struct logs_glue *g = ud;

    g->fetch = NULL;
    if (err != NULL && g->follow == NULL) {
        char *m = od_error_format(err);

        /* Not fatal: sources_build names the tasks whose definition is missing. */
        set_status(g, true, "reading task definitions: %s", m);
        free(m);
    }
    got_sources(g);
}

static void
resolve(void *ud)
{
    struct logs_glue *g = ud;
    const struct od_world *w = ui_world(g->ui);
    char **arns = NULL;
    size_t n = 0;

    g->timer = 0;
    if (g->fetch != NULL)
        return;
    if (!w->parts[OD_PART_TASKS].loaded || !w->parts[OD_PART_SERVICES].loaded) {
        if (g->follow == NULL) {
            const struct od_part_state *ps = w->parts[OD_PART_TASKS].stale
                                                 ? &w->parts[OD_PART_TASKS]
                                                 : &w->parts[OD_PART_SERVICES];

            if (ps->stale)
                set_status(g, true, "cannot read the task list: %s",
                           ps->error != NULL ? ps->error : "failed");
            else
                set_status(g, false, "waiting for the task list…");
        }
        schedule(g, WAIT_TASKS_MS);
        return;
    }
    logs_merge_missing_task_defs(&g->m, w, &arns, &n);
    g->fetch = sources_fetch_task_defs(g->aws, ui_world(g->ui), arns, n, on_task_defs, g);
    arn_list_free(&arns, &n);
}

/* ---- the pane's API ------------------------------------------------------------------------ */

struct logs_glue *
logs_glue_start(struct ui *ui, struct view *pane, const struct ui_target *t)
{
    struct logs_glue *g = xcalloc(1, sizeof *g);

    g->ui = ui;
    g->pane = pane;
    g->aws = ui_aws(ui);
    buf_init(&g->text, 0);
    buf_init(&g->tag, 0);
    buf_init(&g->source, 0);
    logs_merge_init(&g->m);
    if (t->kind == TARGET_TASK && t->task_id != NULL) {
        logs_merge_add(&g->m, MERGE_TASK, t->task_id);
    } else if (t->nservices > 0) {
        for (size_t i = 0; i < t->nservices; i++)
            logs_merge_add(&g->m, MERGE_SERVICE, t->services[i]);
    } else if (t->service != NULL) {
        logs_merge_add(&g->m, MERGE_SERVICE, t->service);
    }
    set_status(g, false, "finding the log streams…");
    schedule(g, 0); /* from the loop, after the pane is on the stack */
    return g;
}

size_t
logs_glue_groups(const struct logs_glue *g, const char *const **out)
{
    *out = g != NULL ? (const char *const *)g->groups : NULL;
    return g != NULL ? g->ngroups : 0;
}

/* The pane's pause freezes the view, not the follow: lines keep arriving into the pane's
 * buffer, so its "+N new" count tells the operator that something is happening, and resuming
 * shows them at once. (follow_pause would stop the calls and leave the count at zero.) */
void
logs_glue_pause(struct logs_glue *g, bool paused)
{
    (void)g;
    (void)paused;
}

void
logs_glue_stop(struct logs_glue **gp)
{
    struct logs_glue *g = *gp;

    if (g == NULL)
        return;
    *gp = NULL;
    if (g->timer != 0)
        loop_timer_cancel(g->aws->loop, g->timer);
    sources_fetch_cancel(&g->fetch);
    follow_free(&g->follow);
    free(g->failed);
    buf_free(&g->text);
    buf_free(&g->tag);
    buf_free(&g->source);
    free(g->notes);
    free_groups(g);
    logs_merge_free(&g->m);
    free(g);
}
