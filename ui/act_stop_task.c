/* K: stop a task. A prompt for the reason (prefilled), then the confirmation. */
#include <stdlib.h>

#include "ui/act.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

#define DEFAULT_STOP_REASON "stopped from ondeck"

static void
on_reason(const char *text, void *ud)
{
    struct op *op = ud;
    struct od_action_params p;

    op->asking = false;
    if (text == NULL || op->ui == NULL) {
        if (op->ui != NULL)
            ui_message(op->ui, "stop-task cancelled; nothing was changed");
        act_release(op);
        return;
    }
    act_params(op, &p);
    p.reason = str_empty(text) ? DEFAULT_STOP_REASON : text;
    act_plan(op, &p);
}

static void
start(struct op *op)
{
    char *label = xasprintf("reason for stopping task %.12s: ", op->task);
    char *safe = sanitize_str(label);

    op->asking = true;
    ui_prompt_open(op->ui, safe, DEFAULT_STOP_REASON, on_reason, op);
    free(safe);
    free(label);
}

static bool
applicable(const struct ui_target *t)
{
    return t->kind == TARGET_TASK && t->task_id != NULL;
}

const struct act_flow act_stop_task_flow = {
    .id = OD_ACTION_STOP_TASK,
    .key = ACT_STOP_TASK,
    .title = "Stop task",
    .confirm_label = "Stop task",
    .danger = true,
    .needs = "select a task first",
    .applicable = applicable,
    .start = start,
};
