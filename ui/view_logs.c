/* The logs pane (see view_logs.h). The view is bottom-anchored: `anchor` is the sequence
 * number of the last line shown; following keeps it on the newest line. */
#include "ui/view_logs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "logs/insights_run.h"
#include "logs/sources.h"
#include "ui/draw.h"
#include "ui/logbuf.h"
#include "ui/logs_glue.h"
#include "ui/palette.h"
#include "ui/ui.h"
#include "settings.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

static const enum ui_action actions[] = {
    ACT_UP,     ACT_DOWN,  ACT_TOP,   ACT_BOTTOM,      ACT_PAGE_UP,     ACT_PAGE_DOWN,
    ACT_FILTER, ACT_PAUSE, ACT_WRAP,  ACT_SEARCH_NEXT, ACT_SEARCH_PREV, ACT_SAVE,
    ACT_RAW,
};

struct logs_view {
    struct logbuf buf;
    char *what;      /* "service api" / "task 1a2b…" */
    char *status;
    bool status_error;
    bool follow;     /* stick to the newest line */
    bool paused;     /* frozen: new lines are counted, not shown */
    bool wrap;
    uint64_t anchor; /* last line shown when not following */
    uint64_t unseen; /* lines that arrived while paused or scrolled up */
    char *search;
    int page;
    struct logs_glue *glue;
    bool raw;                         /* J: JSON lines as they came */
    struct insights_run *insights;    /* :insights, while it runs */
    struct structured_fields fields;  /* [logs] fields */
    char *of_service, *of_task; /* whose logs (raw), for o and y */
    char *log_group;            /* the first log group they are read from, once known */
};

void
view_logs_feed(struct view *v, const struct od_log_line *lines, size_t n)
{
    struct logs_view *st = v->st;

    for (size_t i = 0; i < n; i++) {
        const struct od_log_line *l = &lines[i];
        size_t len = l->text_len != 0 ? l->text_len : (l->text != NULL ? strlen(l->text) : 0);

        if (l->alone)
            logbuf_add_alone(&st->buf, l->time_ms, l->tag, l->text, len);
        else
            logbuf_add_source(&st->buf, l->time_ms, l->source, l->source_colour, l->tag,
                              l->text, len);
        if (!st->follow || st->paused)
            st->unseen++;
    }
    if (st->anchor < logbuf_first(&st->buf))
        st->anchor = logbuf_first(&st->buf);
    ui_dirty(v->ui);
}

struct logs_glue *
view_logs_glue(struct view *v)
{
    if (v == NULL || !str_eq(v->ops->name, "logs"))
        return NULL;
    return ((struct logs_view *)v->st)->glue;
}

void
view_logs_set_insights(struct view *v, struct insights_run *run)
{
    struct logs_view *st = v->st;

    insights_run_free(&st->insights);
    st->insights = run;
}

void
view_logs_stop_insights(struct view *v)
{
    if (v != NULL && str_eq(v->ops->name, "logs"))
        insights_run_free(&((struct logs_view *)v->st)->insights);
}

void
view_logs_set_status(struct view *v, const char *status, bool error)
{
    struct logs_view *st = v->st;

    free(st->status);
    st->status = status != NULL ? sanitize_str(status) : NULL;
    st->status_error = error;
    ui_dirty(v->ui);
}

static void
recalc(struct view *v)
{
    (void)v; /* lines arrive through view_logs_feed */
}

/* The last line to show. */
static uint64_t
bottom(const struct logs_view *st)
{
    uint64_t end = logbuf_end(&st->buf);

    if (end == logbuf_first(&st->buf))
        return end;
    if (st->follow && !st->paused)
        return end - 1;
    return st->anchor < end ? st->anchor : end - 1;
}

static enum ui_el
level_el(enum log_level l)
{
    switch (l) {
    case LOG_LEVEL_FATAL:
    case LOG_LEVEL_ERROR:
        return EL_LOG_ERROR;
    case LOG_LEVEL_WARN:
        return EL_LOG_WARN;
    case LOG_LEVEL_INFO:
        return EL_LOG_INFO;
    case LOG_LEVEL_DEBUG:
    case LOG_LEVEL_TRACE:
        return EL_LOG_DEBUG;
    default:
        return EL_ROW;
    }
}

/* Draw one entry's row-chunk [from, to) of its shown text at (y, x) with colours per byte. */
static void
draw_chunk(const struct logs_view *st, const struct logbuf_entry *e, size_t from, size_t to,
           int y, int x, int w)
{
    const char *s = logbuf_shown(e, st->raw);
    bool pretty = s != e->line;
    size_t lvl_at = pretty ? e->plvl_at : e->lvl_at, lvl_len = pretty ? e->plvl_len : e->lvl_len;
    size_t i = from;

    while (i < to && w > 0) {
        enum ui_el el = EL_ROW;
        size_t j = to;
        const char *m = NULL;

        /* Colour runs: time, tag, text; search matches on top. */
        if (i < e->time_len) {
            el = EL_LOG_TIME;
            j = e->time_len < to ? e->time_len : to;
        } else if (e->source_len > 0 && i >= e->time_len + 1 &&
                   i < e->time_len + 1 + e->source_len) {
            /* Several sources: each its own colour, from the theme's log.source slots. */
            el = color_log_source(e->source_colour);
            j = e->time_len + 1 + e->source_len < to ? e->time_len + 1 + e->source_len : to;
        } else if (e->tag_len > 0 && i >= logbuf_tag_start(e) &&
                   i < logbuf_tag_start(e) + e->tag_len) {
            el = EL_LOG_TAG;
            j = logbuf_tag_start(e) + e->tag_len < to ? logbuf_tag_start(e) + e->tag_len : to;
        } else if (lvl_len > 0 && i >= lvl_at && i < lvl_at + lvl_len) {
            el = level_el(e->level);
            j = lvl_at + lvl_len < to ? lvl_at + lvl_len : to;
        } else if (e->source_len > 0 && i < e->time_len + 1 && e->time_len + 1 < to) {
            j = e->time_len + 1; /* the space before the source: a run of its own */
        } else if (e->tag_len > 0 && i < logbuf_tag_start(e) && logbuf_tag_start(e) < to) {
            j = logbuf_tag_start(e); /* the space before the tag: the tag is a run of its own */
        } else if (lvl_len > 0 && i < lvl_at && lvl_at < to) {
            j = lvl_at; /* plain text up to the level word */
        }
        if (!str_empty(st->search)) {
            size_t nl = strlen(st->search);
            char *hay = xstrndup(s + i, j - i);

            m = strcasestr(hay, st->search);
            if (m == hay) {
                el = EL_LOG_MATCH;
                j = i + nl < to ? i + nl : to;
            } else if (m != NULL) {
                j = i + (size_t)(m - hay);
            }
            free(hay);
        }
        {
            char *part = xstrndup(s + i, j - i);
            int used = draw_text(y, x, w, el, part);

            free(part);
            x += used;
            w -= used;
        }
        i = j;
    }
}

/* The end of the segment (one line of a stack trace) that starts at `at`. */
static size_t
segment_end(const char *s, size_t at)
{
    const char *nl = strchr(s + at, '\n');

    return nl != NULL ? (size_t)(nl - s) : strlen(s);
}

/* Bytes of s[at, end) that fit in w columns (at least one, to move on). */
static size_t
fit(const char *s, size_t at, size_t end, int w)
{
    size_t n = draw_prefix_bytes(s + at, w);

    if (n > end - at)
        n = end - at;
    return n > 0 ? n : 1;
}

/* Rows an entry takes at width w: one per segment, more when wrapping. */
static int
entry_rows(const struct logs_view *st, const struct logbuf_entry *e, int w)
{
    const char *s = logbuf_shown(e, st->raw);
    size_t len = strlen(s), at = 0;
    int rows = 0;

    do {
        size_t end = segment_end(s, at);

        if (!st->wrap || w <= 0 || at == end) {
            rows++;
        } else {
            for (size_t p = at; p < end; p += fit(s, p, end, w))
                rows++;
        }
        at = end + 1;
    } while (at <= len);
    return rows > 0 ? rows : 1;
}

static void
draw_entry(const struct logs_view *st, const struct logbuf_entry *e, int y, int x, int w,
           int skip_rows, int max_rows)
{
    const char *s = logbuf_shown(e, st->raw);
    size_t len = strlen(s), at = 0;
    int row = 0;

    do {
        size_t end = segment_end(s, at);

        if (!st->wrap || w <= 0) {
            if (row >= skip_rows && row - skip_rows < max_rows) {
                size_t n = draw_prefix_bytes(s + at, w);

                if (n > end - at)
                    n = end - at;
                if (n < end - at && w > 1) {
                    n = draw_prefix_bytes(s + at, w - 1);
                    draw_chunk(st, e, at, at + n, y + row - skip_rows, x, w - 1);
                    draw_text(y + row - skip_rows, x + w - 1, 1, EL_DIM,
                              draw_glyphs()->ellipsis);
                } else {
                    draw_chunk(st, e, at, at + n, y + row - skip_rows, x, w);
                }
            }
            row++;
        } else {
            size_t p = at;

            do {
                size_t n = p < end ? fit(s, p, end, w) : 0;

                if (row >= skip_rows && row - skip_rows < max_rows && n > 0)
                    draw_chunk(st, e, p, p + n, y + row - skip_rows, x, w);
                p += n;
                row++;
            } while (p < end);
        }
        at = end + 1;
    } while (at <= len && row - skip_rows < max_rows);
}

static void
draw(struct view *v, int y, int x, int h, int w)
{
    struct logs_view *st = v->st;
    uint64_t first = logbuf_first(&st->buf), end = logbuf_end(&st->buf), seq;
    int row, body = h - 1;
    char info[160];

    st->page = body;
    /* Status line of the pane. */
    snprintf(info, sizeof info, "%s%s%s%s · %llu lines%s", st->paused ? "PAUSED" : st->follow ? "following" : "scrolled",
             st->wrap ? " · wrap" : "", st->raw ? " · raw" : "", str_empty(st->search) ? "" : " · search",
             (unsigned long long)(end - first), st->buf.dropped > 0 ? " (oldest dropped)" : "");
    draw_fill(y, x, w, EL_DEFAULT);
    {
        int cx = x + 1;

        cx += draw_text(y, cx, w - 1, st->paused ? EL_STATE_WARN : EL_LABEL, info);
        if (st->unseen > 0) {
            char more[48];

            snprintf(more, sizeof more, "  +%llu new (G to follow)",
                     (unsigned long long)st->unseen);
            cx += draw_text(y, cx, x + w - cx, EL_STATE_PROGRESS, more);
        }
        if (st->status != NULL) {
            cx += draw_text(y, cx, x + w - cx, EL_DIM, "  ");
            draw_text(y, cx, x + w - cx, st->status_error ? EL_ERROR : EL_DIM, st->status);
        }
    }
    y++;
    if (end == first) {
        draw_text(y + 1, x + 2, w - 4, EL_DIM, "no log lines yet");
        return;
    }
    /* Fill upwards from the bottom line. */
    {
        uint64_t last = bottom(st);
        int rows_left = body;
        uint64_t top_seq = last;
        int top_skip = 0;

        for (seq = last + 1; seq-- > first;) {
            int r = entry_rows(st, logbuf_get(&st->buf, seq), w);

            top_seq = seq;
            if (r >= rows_left) {
                top_skip = r - rows_left;
                rows_left = 0;
                break;
            }
            rows_left -= r;
            if (seq == first)
                break;
        }
        row = 0;
        for (seq = top_seq; seq <= last && row < body; seq++) {
            const struct logbuf_entry *e = logbuf_get(&st->buf, seq);
            int r = entry_rows(st, e, w) - (seq == top_seq ? top_skip : 0);

            draw_entry(st, e, y + row, x, w, seq == top_seq ? top_skip : 0, body - row);
            row += r;
        }
    }
}

static void
scroll(struct logs_view *st, long delta)
{
    uint64_t first = logbuf_first(&st->buf), end = logbuf_end(&st->buf), b;

    if (end == first)
        return;
    b = bottom(st);
    if (delta < 0) {
        uint64_t d = (uint64_t)-delta;

        b = b - first > d ? b - d : first;
        st->follow = false;
    } else {
        b = b + (uint64_t)delta < end ? b + (uint64_t)delta : end - 1;
    }
    st->anchor = b;
    if (b == end - 1 && !st->paused) {
        st->follow = true;
        st->unseen = 0;
    }
}

static void
search(struct logs_view *st, int dir, bool include_current)
{
    uint64_t from = bottom(st), found;

    if (str_empty(st->search) || logbuf_end(&st->buf) == logbuf_first(&st->buf))
        return;
    if (!include_current)
        from = dir > 0 ? from + 1 : (from > logbuf_first(&st->buf) ? from - 1 : from);
    if (logbuf_find(&st->buf, st->search, from, dir, &found)) {
        st->follow = false;
        st->anchor = found;
    }
}

/* A new private file in [logs] save_dir (default: the state directory's logs/), named after
 * what the pane follows and when: "service-api-20261122T030405Z.log". */
static FILE *
open_save_file(struct view *v, const char *what, char **path_out, struct od_error *err)
{
    const char *dir = settings_get(ui_settings(v->ui), "logs", "save_dir");
    char *base = !str_empty(dir) ? xstrdup(dir) : NULL, *name = xstrdup(what), stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    FILE *f = NULL;

    if (base == NULL) {
        char *state = settings_state_dir();

        base = xasprintf("%s/logs", state);
        free(state);
    }
    for (char *p = name; *p != '\0'; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '.' || *p == '_' || *p == '-'))
            *p = '-';
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    for (int i = 1; i < 100 && f == NULL; i++) {
        char *path = i == 1 ? xasprintf("%s/%s-%s.log", base, name, stamp)
                            : xasprintf("%s/%s-%s-%d.log", base, name, stamp, i);
        int fd;

        if (i == 1 && fs_make_parent(path, "save", err) != OD_OK) {
            free(path);
            break;
        }
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0) {
            f = fdopen(fd, "w");
            *path_out = path;
            break;
        }
        if (errno != EEXIST) {
            od_error_set(err, OD_E_IO, "save: cannot create %s: %s", path, strerror(errno));
            free(path);
            break;
        }
        free(path);
    }
    free(base);
    free(name);
    return f;
}

static void
save(struct view *v)
{
    struct logs_view *st = v->st;
    struct od_error err = {0};
    char *path = NULL;
    FILE *f = open_save_file(v, st->what != NULL ? st->what : "logs", &path, &err);
    long n;

    if (f == NULL) {
        ui_error(v->ui, "%s", err.message != NULL ? err.message : "save: cannot create the file");
        od_error_clear(&err);
        return;
    }
    n = logbuf_write(&st->buf, f);
    if (fclose(f) != 0)
        n = -1;
    if (n < 0)
        ui_error(v->ui, "save: writing %s failed: %s", path, strerror(errno));
    else
        ui_message(v->ui, "saved %ld line%s to %s", n, n == 1 ? "" : "s", path);
    free(path);
}

static bool
key(struct view *v, enum ui_action a)
{
    struct logs_view *st = v->st;
    long page = st->page > 1 ? st->page - 1 : 1;

    switch (a) {
    case ACT_UP:
        scroll(st, -1);
        return true;
    case ACT_DOWN:
        scroll(st, 1);
        return true;
    case ACT_PAGE_UP:
        scroll(st, -page);
        return true;
    case ACT_PAGE_DOWN:
        scroll(st, page);
        return true;
    case ACT_TOP:
        st->follow = false;
        st->anchor = logbuf_first(&st->buf) + (uint64_t)(st->page > 0 ? st->page - 1 : 0);
        if (st->anchor >= logbuf_end(&st->buf) && logbuf_end(&st->buf) > 0)
            st->anchor = logbuf_end(&st->buf) - 1;
        return true;
    case ACT_BOTTOM:
        st->follow = true;
        if (st->paused) {
            st->paused = false;
            logs_glue_pause(st->glue, false);
        }
        st->unseen = 0;
        return true;
    case ACT_PAUSE:
        st->paused = !st->paused;
        if (st->paused) {
            st->anchor = bottom(st);
            if (logbuf_end(&st->buf) > logbuf_first(&st->buf))
                st->anchor = logbuf_end(&st->buf) - 1;
        } else {
            st->follow = true;
            st->unseen = 0;
        }
        logs_glue_pause(st->glue, st->paused);
        ui_message(v->ui, st->paused ? "paused: new lines are kept, not shown (p resumes)"
                                     : "following");
        return true;
    case ACT_WRAP:
        st->wrap = !st->wrap;
        return true;
    case ACT_SEARCH_NEXT:
        search(st, 1, false);
        return true;
    case ACT_SEARCH_PREV:
        search(st, -1, false);
        return true;
    case ACT_SAVE:
        save(v);
        return true;
    case ACT_RAW:
        st->raw = !st->raw;
        ui_message(v->ui, st->raw ? "raw lines (J: JSON lines as level, message, fields)"
                                  : "JSON lines as level, message, fields (J: raw)");
        return true;
    default:
        return false;
    }
}

static void
title(struct view *v, char *out, size_t len)
{
    snprintf(out, len, "Logs · %s", ((struct logs_view *)v->st)->what);
}

static void
set_filter(struct view *v, const char *text)
{
    struct logs_view *st = v->st;

    free(st->search);
    st->search = str_empty(text) ? NULL : xstrdup(text);
    search(st, -1, true); /* the newest match at or above the view */
}

static const char *
get_filter(struct view *v)
{
    return ((struct logs_view *)v->st)->search;
}

/* No mutation acts on a log pane; o and y name the (first) log group it reads. */
static void
target(struct view *v, struct ui_target *t)
{
    struct logs_view *st = v->st;
    struct sources_query q = {0};
    struct od_log_sources src = {0};
    struct od_error err = {0};

    q.service = st->of_task == NULL ? st->of_service : NULL;
    q.task = st->of_task;
    q.include_stopped = true;
    if (st->log_group == NULL &&
        sources_build(ui_world(v->ui), &q, &src, &err) == OD_OK && src.n > 0)
        st->log_group = xstrdup(src.v[0].group);
    sources_clear(&src);
    od_error_clear(&err);
    t->log_group = st->log_group;
}

static void
destroy(struct view *v)
{
    struct logs_view *st = v->st;

    insights_run_free(&st->insights);
    logs_glue_stop(&st->glue);
    logbuf_free(&st->buf);
    structured_fields_clear(&st->fields);
    free(st->what);
    free(st->status);
    free(st->search);
    free(st->of_service);
    free(st->of_task);
    free(st->log_group);
    free(st);
}

static const struct view_ops logs_ops = {
    .name = "logs",
    .parts = 0,
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
view_logs_new(struct ui *ui, const struct ui_target *t)
{
    struct logs_view *st = xcalloc(1, sizeof *st);
    struct view *v;
    st->follow = true;
    st->of_service = t->service != NULL ? xstrdup(t->service) : NULL;
    st->of_task = t->kind == TARGET_TASK && t->task_id != NULL ? xstrdup(t->task_id) : NULL;
    if (t->kind == TARGET_TASK) {
        st->what = xasprintf("task %s", t->task_id);
    } else if (t->nservices > 1) {
        struct od_buf b;

        buf_init(&b, 0);
        buf_puts(&b, "services ");
        for (size_t i = 0; i < t->nservices; i++)
            buf_printf(&b, "%s%s", i > 0 ? ", " : "", t->services[i]);
        st->what = buf_steal(&b);
    } else
        st->what = xasprintf("service %s", t->service != NULL ? t->service : "?");
    {
        char *safe = sanitize_str(st->what);

        free(st->what);
        st->what = safe;
    }
    logbuf_init(&st->buf, (size_t)ui_log_lines(ui));
    structured_fields_parse(settings_get(ui_settings(ui), "logs", "fields"), &st->fields);
    st->buf.fields = &st->fields;
    v = view_new(ui, &logs_ops, st);
    st->glue = logs_glue_start(ui, v, t);
    return v;
}

/* ---- opening it ------------------------------------------------------------------------- */

void
ui_open_logs(struct ui *ui, const struct ui_target *t)
{
    if (t == NULL || (t->kind != TARGET_SERVICE && t->kind != TARGET_TASK)) {
        ui_error(ui, "logs: select a service or a task first");
        return;
    }
    ui_push(ui, view_logs_new(ui, t));
}

static void
run_logs(struct ui *ui, const char *arg, const char *arg2)
{
    struct ui_target t = {0};
    struct view *v = ui_top(ui);

    (void)arg;
    (void)arg2;
    if (v->ops->target != NULL)
        v->ops->target(v, &t);
    ui_open_logs(ui, &t);
}

const struct palette_cmd palette_cmd_logs = {
    .name = "logs", .aliases = "", .usage = "",
    .summary = "logs of the selected service or task", .run = run_logs,
};
