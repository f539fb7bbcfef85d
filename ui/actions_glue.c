/* The one place where the console's mutation keys (D deploy, R rollback, S scale, K stop
 * task, I invalidate) meet the actions engine (src/actions/). Every mutation goes through
 * a confirmation that names the account, region, cluster and target (ui_confirm_open),
 * with typed confirmation for protected profiles; inputs such as a desired count come from
 * ui_prompt_open. Until the actions engine is wired here, the keys say so. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/keys.h"
#include "ui/ui.h"
#include "util/str.h"

/* What a key needs selected. */
static bool
applicable(enum ui_action a, const struct ui_target *t, const char **why)
{
    switch (a) {
    case ACT_DEPLOY:
    case ACT_ROLLBACK:
    case ACT_SCALE:
        *why = "select a service first";
        return (t->kind == TARGET_SERVICE || t->kind == TARGET_TASK) && t->service != NULL;
    case ACT_STOP_TASK:
        *why = "select a task first";
        return t->kind == TARGET_TASK && t->task_id != NULL;
    case ACT_INVALIDATE:
        *why = "select a distribution first";
        return t->kind == TARGET_DISTRIBUTION && t->distribution_id != NULL;
    default:
        *why = "not a change";
        return false;
    }
}

void
actions_glue_dispatch(struct ui *ui, enum ui_action action, const struct ui_target *t)
{
    const char *why = NULL;

    if (!applicable(action, t, &why)) {
        ui_error(ui, "%s: %s", keys_action_name(action), why);
        return;
    }
    if (ui_read_only(ui)) {
        ui_error(ui, "%s: refused, the console is read-only (--read-only or [safety] read_only)",
                 keys_action_name(action));
        return;
    }
    ui_error(ui, "%s: not available yet (the actions engine is not wired into the console)",
             keys_action_name(action));
}
