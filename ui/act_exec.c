/* x: a shell in a task's container (ECS Exec). Without session-manager-plugin on PATH, the
 * install hint and nothing else. On a container line of the task view, that container; a
 * task with several containers asks which one (prefilled with the first); then the readiness check (the plan: its reasons when the task is not
 * ready), the confirmation, ExecuteCommand, and the console gives the terminal to the plugin
 * until the session ends, then takes it back and redraws. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/exec.h"
#include "model/world.h"
#include "ui/act.h"
#include "ui/term.h"
#include "util/buf.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

static void
plan_with(struct op *op, const char *container)
{
    struct od_action_params p;

    act_params(op, &p);
    p.container = container;
    act_plan(op, &p);
}

static void
on_container(const char *text, void *ud)
{
    struct op *op = ud;

    op->asking = false;
    if (text == NULL || op->ui == NULL) {
        if (op->ui != NULL)
            ui_message(op->ui, "exec cancelled; nothing was sent");
        act_release(op);
        return;
    }
    plan_with(op, str_empty(text) ? NULL : text);
}

static void
start(struct op *op)
{
    char *plugin = exec_plugin_path();
    const struct od_task *t;

    if (plugin == NULL) {
        ui_error(op->ui, "exec: %s", exec_plugin_hint);
        act_release(op);
        return;
    }
    free(plugin);
    if (op->container != NULL) { /* x on a container line */
        plan_with(op, op->container);
        return;
    }
    t = world_task(ui_world(op->ui), op->task);
    if (t != NULL && t->ncontainers > 1) {
        struct od_buf names;
        char *label, *safe;

        buf_init(&names, 0);
        for (size_t i = 0; i < t->ncontainers; i++)
            buf_printf(&names, "%s%s", i > 0 ? ", " : "",
                       t->containers[i].name != NULL ? t->containers[i].name : "?");
        label = xasprintf("container of task %.12s (%s): ", op->task, buf_cstr(&names));
        safe = sanitize_str(label);
        op->asking = true;
        ui_prompt_open(op->ui, safe, t->containers[0].name, on_container, op);
        free(safe);
        free(label);
        buf_free(&names);
        return;
    }
    plan_with(op, NULL);
}

/* The session is open: the plugin has the terminal until it ends. */
static void
applied(struct op *op, const struct od_action_result *res)
{
    struct od_error err = {0};
    int status = 0;
    enum od_err rc;

    if (res->session == NULL) {
        ui_error(op->ui, "exec: ExecuteCommand gave no session");
        return;
    }
    term_pause();
    {
        char *c = sanitize_str(op->plan->container), *t = sanitize_str(op->plan->task);

        fprintf(stderr, "ondeck: a shell in container %s of task %s; leave it (exit) to come "
                        "back to the console\n",
                c, t);
        free(c);
        free(t);
    }
    rc = exec_session_run(op->plan, res->session, &status, &err);
    term_resume();
    ui_dirty(op->ui);
    if (rc != OD_OK)
        act_show_error(op->ui, "exec", &err);
    else if (status != 0)
        ui_error(op->ui, "exec: the session ended: %s exited with status %d", EXEC_PLUGIN,
                 status);
    else {
        char *c = sanitize_str(op->plan->container);

        ui_message(op->ui, "exec: the session in container %s ended", c);
        free(c);
    }
    od_error_clear(&err);
}

static bool
applicable(const struct ui_target *t)
{
    return t->kind == TARGET_TASK && t->task_id != NULL;
}

const struct act_flow act_exec_flow = {
    .id = OD_ACTION_EXEC,
    .key = ACT_EXEC,
    .title = "Shell in a container",
    .confirm_label = "Open shell",
    .danger = true,
    .needs = "select a task first",
    .applicable = applicable,
    .start = start,
    .applied = applied,
};
