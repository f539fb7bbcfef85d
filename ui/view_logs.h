/* The logs pane: a bounded scroll buffer of log lines that follows new lines at the bottom,
 * with pause (p), search (/ then n and N) and wrap (w). It draws what it is fed; where the
 * lines come from is ui/logs_glue.c (the logs engine, src/logs/). */
#ifndef UI_VIEW_LOGS_H
#define UI_VIEW_LOGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ui/view.h"

/* One line for the pane. Strings need only live during the call. */
struct od_log_line {
    int64_t time_ms;  /* event time, epoch milliseconds */
    const char *tag;  /* where it came from ("app/1a2b3c4d": container/task), or NULL */
    const char *source; /* several sources in one pane: which one ("api"), else NULL */
    int source_colour;  /* its index: the colour of its prefix */
    const char *text; /* raw bytes: made inert and capped by the pane */
    size_t text_len;  /* bytes of text (it may hold NUL); 0 = strlen(text) */
    bool alone;       /* a record of its own: never joined to a stack trace before it */
};

#define VIEW_LOGS_DEFAULT_LINES 10000

/* Open a pane for a service or task (the console pushes it; see ui_open_logs). */
struct view *view_logs_new(struct ui *ui, const struct ui_target *t);
/* Append lines (from the loop, e.g. the logs engine's callback); only marks the console
 * dirty. While paused, the view stays where it is and counts what arrived. */
void view_logs_feed(struct view *v, const struct od_log_line *lines, size_t n);
struct insights_run;
struct logs_glue;
/* The pane's source (for :insights: its log groups); NULL when v is not a logs pane. */
struct logs_glue *view_logs_glue(struct view *v);
/* Hand the pane a running Logs Insights query (:insights): it is freed (and stopped) with
 * the pane or when the next one replaces it. */
void view_logs_set_insights(struct view *v, struct insights_run *run);
/* Stop the pane's Logs Insights query, if any (the console, before it drains its calls at
 * exit); harmless for any other view. */
void view_logs_stop_insights(struct view *v);
/* A short status shown in the pane's title line ("following 3 streams", an error...). */
void view_logs_set_status(struct view *v, const char *status, bool error);

#endif
