/* The logs pane's source. The logs engine (src/logs/follow.h) is being built; until it is
 * wired here, the pane says so. Wiring it is this file only:
 *
 *   start: resolve the log sources of the target's task definition (src/logs/sources.h),
 *          follow_new(ui_aws(ui), &opts{.follow = true, .start_ms = now - 10 min}) with a
 *          callback that turns each follow_event into a struct od_log_line
 *          {timestamp, "container/task", message, message_len} and calls view_logs_feed(pane),
 *          and status changes into view_logs_set_status(pane, ...);
 *   pause: follow_pause / follow_resume;   stop: follow_free.
 * Callbacks only append and mark dirty: the pane redraws at the end of the loop turn. */
#include "ui/logs_glue.h"

#include <stdlib.h>

#include "ui/ui.h"
#include "ui/view_logs.h"
#include "util/xalloc.h"

struct logs_glue {
    struct view *pane;
};

struct logs_glue *
logs_glue_start(struct ui *ui, struct view *pane, const struct ui_target *t)
{
    struct logs_glue *g = xcalloc(1, sizeof *g);

    (void)ui;
    (void)t;
    g->pane = pane;
    view_logs_set_status(pane, "log streaming is not available yet in this build", true);
    return g;
}

void
logs_glue_pause(struct logs_glue *g, bool paused)
{
    (void)g;
    (void)paused;
}

void
logs_glue_stop(struct logs_glue **gp)
{
    xfree(gp);
}
