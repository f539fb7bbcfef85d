/* :insights QUERY in a logs pane: a Logs Insights query over the log groups the pane
 * follows, the last hour, its rows fed into the pane (tag "insights", each at its
 * @timestamp, made inert and shown structured like any line) and its outcome with what it
 * scanned as a line of its own. Progress goes to the message line. The pane owns the run:
 * closing it, or a new :insights, stops the query (logs/insights_run.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "logs/insights_run.h"
#include "ui/logs_glue.h"
#include "ui/palette.h"
#include "ui/ui.h"
#include "ui/view_logs.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/str.h"
#include "util/xalloc.h"

#define INSIGHTS_RANGE_S 3600
#define INSIGHTS_TAG "insights"

/* "2026-12-04 18:00:01.000" (UTC, as AWS gives @timestamp) or epoch ms; 0 when neither. */
static int64_t
row_time(const char *v)
{
    struct tm tm = {0};
    int ms = 0;
    char *end;
    long long n;

    if (v == NULL)
        return 0;
    if (sscanf(v, "%4d-%2d-%2d %2d:%2d:%2d.%3d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
               &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) >= 6) {
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        return (int64_t)timegm(&tm) * 1000 + ms;
    }
    n = strtoll(v, &end, 10);
    return *end == '\0' && n > 0 ? (int64_t)n : 0;
}

/* One row as a line: @message as it is, other fields as name=value (raw bytes: the pane
 * makes them inert). */
static void
feed_rows(struct view *pane, const struct insights_results *res)
{
    struct od_buf text;

    buf_init(&text, 0);
    for (size_t i = 0; i < res->nrows; i++) {
        const struct insights_row *row = &res->rows[i];
        struct od_log_line line = {0};

        buf_reset(&text);
        for (size_t k = 0; k < row->n; k++) {
            const struct insights_field *f = &row->f[k];

            if (str_eq(f->name, "@timestamp")) {
                line.time_ms = row_time(f->value);
                continue;
            }
            if (str_eq(f->name, "@ptr"))
                continue;
            if (text.len > 0)
                buf_putc(&text, ' ');
            if (!str_eq(f->name, "@message")) {
                buf_puts(&text, f->name);
                buf_putc(&text, '=');
            }
            buf_append(&text, f->value, f->value_len);
        }
        line.tag = INSIGHTS_TAG;
        line.alone = true; /* rows are records, in the query's order, not a stream */
        line.text = text.len > 0 ? text.data : "";
        line.text_len = text.len;
        view_logs_feed(pane, &line, 1);
    }
    buf_free(&text);
}

static void
on_query(const struct insights_results *res, const struct od_error *err, bool done, void *ud)
{
    struct view *pane = ud; /* the pane owns the run: it is there while callbacks come */
    struct ui *ui = pane->ui;
    struct od_log_line line = {0};
    char *msg;

    if (!done) {
        ui_message(ui, "insights: %s, %zu rows so far…", insights_status_name(res->status),
                   res->nrows);
        return;
    }
    if (err != NULL && err->err != OD_OK) {
        char *m = od_error_format(err);

        if (res->partial) { /* a later page failed: the rows read are kept, and said so */
            feed_rows(pane, res);
            ui_error(ui, "insights: partial, %zu row%s from %zu page%s: %s", res->nrows,
                     res->nrows == 1 ? "" : "s", res->pages, res->pages == 1 ? "" : "s", m);
        } else {
            ui_error(ui, "insights: %s", m); /* ui_error makes it inert */
        }
        free(m);
    } else {
        feed_rows(pane, res);
        if (res->stats.have)
            msg = xasprintf("insights: %s: %zu rows; %.0f records matched, %.0f scanned, %.0f "
                            "bytes scanned",
                            res->status_word != NULL ? res->status_word : "?", res->nrows,
                            res->stats.records_matched, res->stats.records_scanned,
                            res->stats.bytes_scanned);
        else
            msg = xasprintf("insights: %s: %zu rows",
                            res->status_word != NULL ? res->status_word : "?", res->nrows);
        line.time_ms = clock_wall_ms();
        line.tag = INSIGHTS_TAG;
        line.alone = true;
        line.text = msg;
        view_logs_feed(pane, &line, 1);
        if (res->status == INSIGHTS_COMPLETE)
            ui_message(ui, "%s", msg);
        else
            ui_error(ui, "%s", msg);
        free(msg);
    }
}

static void
run_insights(struct ui *ui, const char *rest)
{
    struct view *pane = ui_top(ui);
    struct logs_glue *glue = view_logs_glue(pane);
    struct insights_run_opts o = {0};
    struct od_error err = {0};
    struct insights_run *run;
    int64_t now = (clock_wall_ms() + clock_skew_ms()) / 1000;

    if (glue == NULL) {
        ui_error(ui, "insights: open the logs of a service or task first (l), then "
                     ":insights QUERY");
        return;
    }
    if (str_empty(rest)) {
        ui_error(ui, "insights: say the query: :insights fields @timestamp, @message | limit 20");
        return;
    }
    if (strlen(rest) > INSIGHTS_MAX_QUERY) {
        ui_error(ui, "insights: the query is longer than %d characters", INSIGHTS_MAX_QUERY);
        return;
    }
    o.ngroups = logs_glue_groups(glue, &o.groups);
    if (o.ngroups == 0) {
        ui_error(ui, "insights: the pane has found no log group yet");
        return;
    }
    if (o.ngroups > INSIGHTS_MAX_GROUPS)
        o.ngroups = INSIGHTS_MAX_GROUPS;
    o.start_s = now - INSIGHTS_RANGE_S;
    o.end_s = now;
    o.query = rest;
    view_logs_set_insights(pane, NULL); /* the pane's previous query stops */
    run = insights_run_start(ui_aws(ui), &o, on_query, pane, &err);
    if (run == NULL) {
        char *m = od_error_format(&err);

        ui_error(ui, "insights: %s", m);
        free(m);
        od_error_clear(&err);
        return;
    }
    view_logs_set_insights(pane, run);
    ui_message(ui, "insights: query started over %zu log group%s (the last hour)…", o.ngroups,
               o.ngroups == 1 ? "" : "s");
}

const struct palette_cmd palette_cmd_insights = {
    .name = "insights", .aliases = "", .usage = "QUERY",
    .summary = "in a logs pane: a Logs Insights query over its log groups (the last hour)",
    .run_line = run_insights,
};
