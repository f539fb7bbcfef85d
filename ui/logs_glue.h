/* Where the logs pane gets its lines: the one place that connects ui/view_logs.c to the logs
 * engine (src/logs/follow.h). */
#ifndef UI_LOGS_GLUE_H
#define UI_LOGS_GLUE_H

#include "ui/view.h"

struct logs_glue;

/* Start feeding the pane (view_logs_feed / view_logs_set_status) for a service or task.
 * Returns a handle (may be NULL when nothing was started). */
struct logs_glue *logs_glue_start(struct ui *ui, struct view *pane, const struct ui_target *t);
/* The distinct log groups the pane follows (known once its sources were found; 0 before).
 * Borrowed until the next resolution. */
size_t logs_glue_groups(const struct logs_glue *g, const char *const **out);
/* Pause or resume the source while the pane is paused (optional for a source). */
void logs_glue_pause(struct logs_glue *g, bool paused);
/* Stop feeding; the pane is going away. */
void logs_glue_stop(struct logs_glue **gp);

#endif
