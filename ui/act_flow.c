/* The helper every action flow shares (ui/act.h): the key dispatch and the read-only refusal,
 * the op's life, planning, the confirmation dialog, execution and its messages. What differs
 * between deploy, rollback, scale, stop-task and invalidate is in their own files. */
#include "ui/act.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/world.h"
#include "poller/deploy_history.h"
#include "ui/keys.h"
#include "ui/view_rollout.h"
#include "util/buf.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

#define CONFIRM_DIFF_LINES 8

static const struct act_flow *const flows[] = {
    &act_deploy_flow, &act_rollback_flow, &act_scale_flow, &act_stop_task_flow,
    &act_invalidate_flow, &act_exec_flow,
    &act_invalidate_flow, &act_continue_flow,
};

static struct op *ops;

/* ---- environment ----------------------------------------------------------------------- */

static unsigned long long
env_ms(const char *name, unsigned long long def)
{
    long v;

    return str_to_long(getenv(name), &v) && v > 0 ? (unsigned long long)v : def;
}

void
act_env_init(struct ui *ui, struct od_action_env *env)
{
    action_env_init(env, ui_aws(ui), ui_settings(ui), ui_read_only(ui));
    env->watch_interval_ms = env_ms("ONDECK_WATCH_INTERVAL_MS", env->watch_interval_ms);
    env->follow_interval_ms = env_ms("ONDECK_FOLLOW_INTERVAL_MS", env->follow_interval_ms);
}

/* ---- ops ------------------------------------------------------------------------------- */

static struct op *
op_new(struct ui *ui, const struct act_flow *flow, const struct ui_target *t)
{
    struct op *op = xcalloc(1, sizeof *op);

    op->ui = ui;
    op->flow = flow;
    act_env_init(ui, &op->env);
    op->cluster = t->cluster != NULL ? xstrdup(t->cluster)
                  : ui_cluster(ui) != NULL ? xstrdup(ui_cluster(ui))
                                           : NULL;
    op->service = t->service != NULL ? xstrdup(t->service) : NULL;
    op->task = t->task_id != NULL ? xstrdup(t->task_id) : NULL;
    op->distribution = t->distribution_id != NULL ? xstrdup(t->distribution_id) : NULL;
    op->container = t->container != NULL ? xstrdup(t->container) : NULL;
    op->next = ops;
    ops = op;
    return op;
}

void
act_release(struct op *op)
{
    struct op **pp;

    if (op->view != NULL || op->pending || op->asking || op->follow != NULL ||
        op->sd_follow != NULL)
        return;
    for (pp = &ops; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == op) {
            *pp = op->next;
            break;
        }
    }
    action_env_clear(&op->env); /* first: a job in flight borrows op->plan for its audit line */
    plan_free(&op->plan);
    deploy_history_cancel(&op->history_fetch);
    if (op->td_describing && op->env.aws != NULL)
        aws_cancel_ud(op->env.aws, op); /* act_rollback_revisions.c's describe */
    deploy_history_free(&op->history);
    free(op->cluster);
    free(op->service);
    free(op->task);
    free(op->distribution);
    free(op->container);
    free(op);
}

void
act_shutdown(struct ui *ui)
{
    struct op *op, *next;

    for (op = ops; op != NULL; op = next) {
        next = op->next;
        if (op->ui != ui)
            continue;
        op->ui = NULL;
        op->pending = false; /* its job is dropped (and audited) by act_release */
        invalidate_follow_free(&op->follow);
        sd_watch_free(&op->sd_follow);
        act_release(op);
    }
}

const char *
act_name(const struct op *op)
{
    return action_get(op->flow->id)->name;
}

void
act_show_error(struct ui *ui, const char *what, const struct od_error *err)
{
    char *line = err != NULL ? od_error_format(err) : xstrdup("failed");

    ui_error(ui, "%s: %s", what, line);
    free(line);
}

/* ---- plan -------------------------------------------------------------------------------- */

static void
on_plan(struct od_plan *plan, const struct od_error *err, void *ud)
{
    struct op *op = ud;

    op->pending = false;
    if (op->ui == NULL) {
        plan_free(&plan);
        act_release(op);
        return;
    }
    if (plan == NULL) {
        act_show_error(op->ui, act_name(op), err);
        act_release(op);
        return;
    }
    plan_free(&op->plan);
    op->plan = plan;
    ui_message(op->ui, "%s: planned", act_name(op));
    if (op->flow->wants_view != NULL && op->flow->wants_view(op)) {
        act_open_plan_view(op);
    } else {
        if (op->view != NULL)
            op->view->need_recalc = true;
        if (op->flow->before_confirm == NULL || !op->flow->before_confirm(op))
            act_confirm(op);
    }
    act_release(op);
}

void
act_plan(struct op *op, const struct od_action_params *p)
{
    struct od_error err = {0};

    op->pending = true;
    if (action_plan(&op->env, op->flow->id, p, on_plan, op, &err) != OD_OK) {
        op->pending = false;
        act_show_error(op->ui, act_name(op), &err);
        od_error_clear(&err);
        act_release(op);
        return;
    }
    ui_message(op->ui, "%s: reading the current state…", act_name(op));
}

void
act_params(const struct op *op, struct od_action_params *p)
{
    memset(p, 0, sizeof *p);
    p->cluster = op->cluster;
    p->service = op->service;
    p->task = op->task;
    p->distribution = op->distribution;
    p->revision = op->revision;
}

/* ---- execute ------------------------------------------------------------------------------ */

void
act_open_rollout(struct op *op, const struct od_action_result *res)
{
    struct od_plan *plan = op->plan;
    struct view_rollout_opts o = {0};
    const char *stable = plan->stable_td_arn;

    /* Offer the revision that ran before this change when none is known to be stable. */
    if (stable == NULL || str_eq(stable, res->task_definition))
        stable = op->flow->id == OD_ACTION_SCALE ? NULL : plan->current_td_arn;
    o.cluster = plan->cluster;
    o.service = plan->service;
    o.deployment_id = res->deployment_id;
    o.task_definition = res->task_definition;
    o.stable_td = stable;
    if (op->view != NULL && ui_top(op->ui) == op->view)
        ui_pop(op->ui); /* the plan view is done (its destroy detaches it from op) */
    ui_push(op->ui, view_rollout_new(op->ui, &o));
}

static void
on_done(const struct od_action_result *res, void *ud)
{
    struct op *op = ud;
    struct ui *ui = op->ui;

    /* op->pending stays set until the end: popping the plan view must not free op. */
    if (ui == NULL) {
        op->pending = false;
        act_release(op);
        return;
    }
    if (res->err != OD_OK) {
        char *line = od_error_format(res->error);

        ui_error(ui, "%s failed: %s%s", act_name(op), line,
                 res->outcome_unknown ? " (the outcome is unknown: check before trying again)"
                                      : "");
        free(line);
        op->pending = false;
        act_release(op);
        return;
    }
    ui_refresh(ui); /* first: it says "refreshing" */
    if (res->journal_error != NULL)
        ui_error(ui, "%s: %s (audit journal)", res->summary, res->journal_error);
    else
        ui_message(ui, "%s%s", res->summary,
                   res->reconciled ? " (a response was lost; confirmed by reading back)" : "");
    if (op->flow->applied != NULL)
        op->flow->applied(op, res);
    op->pending = false;
    act_release(op);
}

static void
on_confirm(bool yes, void *ud)
{
    struct op *op = ud;
    struct od_error err = {0};

    op->asking = false;
    if (!yes || op->ui == NULL) {
        action_plan_decline(op->plan);
        if (op->ui != NULL)
            ui_message(op->ui, "%s cancelled; nothing was changed", act_name(op));
        act_release(op);
        return;
    }
    (void)action_plan_confirm(op->plan, op->plan->typed_confirm ? op->plan->confirm_word : NULL);
    op->pending = true;
    if (action_execute(op->plan, on_done, op, &err) != OD_OK) {
        op->pending = false;
        act_show_error(op->ui, act_name(op), &err);
        od_error_clear(&err);
        act_release(op);
        return;
    }
    ui_message(op->ui, "%s: sending…", act_name(op));
}

/* The change as the dialog shows it: the change line, warnings, the start of the diff. */
static char *
confirm_text(const struct od_plan *plan)
{
    struct od_buf b;

    buf_init(&b, 0);
    buf_printf(&b, "%s", plan->change != NULL ? plan->change : "");
    for (size_t i = 0; i < plan->nwarnings; i++)
        buf_printf(&b, "\nwarning: %s", plan->warnings[i]);
    if (plan->diff != NULL && plan->diff[0] != '\0') {
        const char *s = plan->diff;
        int n = 0, more = 0;

        buf_printf(&b, "\n");
        while (*s != '\0') {
            size_t len = strcspn(s, "\n");

            if (n < CONFIRM_DIFF_LINES) {
                buf_printf(&b, "\n%.*s", (int)len, s);
                n++;
            } else {
                more++;
            }
            s += len;
            if (*s == '\n')
                s++;
        }
        if (more > 0)
            buf_printf(&b, "\n… %d more diff lines (in the view behind)", more);
    }
    return buf_steal(&b);
}

void
act_confirm(struct op *op)
{
    struct od_plan *plan = op->plan;
    struct ui_confirm_spec spec = {0};
    char *change = confirm_text(plan), *account = NULL;

    if (plan->account != NULL)
        account = xasprintf("%s (%s)", plan->account,
                            plan->identity_arn != NULL ? plan->identity_arn : "?");
    spec.title = op->flow->title;
    spec.account = account;
    spec.region = plan->region;
    spec.cluster = plan->cluster != NULL ? plan->cluster : "- (CloudFront is global)";
    spec.service = plan->target;
    spec.change = change;
    spec.typed = plan->typed_confirm ? plan->confirm_word : NULL;
    spec.confirm_label = op->flow->confirm_label;
    spec.danger = op->flow->danger;
    op->asking = true;
    ui_confirm_open(op->ui, &spec, on_confirm, op);
    free(change);
    free(account);
}

/* ---- dispatch ------------------------------------------------------------------------------ */

static void
refuse(struct ui *ui, enum od_action_id id, const struct ui_target *t)
{
    struct od_action_env env;
    struct od_action_params p = {0};
    const struct od_action_def *def = action_get(id);

    p.cluster = t->cluster != NULL ? t->cluster : ui_cluster(ui);
    p.service = t->service;
    p.task = t->task_id;
    p.distribution = t->distribution_id;
    act_env_init(ui, &env);
    action_journal_refusal(&env, def, &p, "read-only mode");
    action_env_clear(&env);
    ui_error(ui, "%s: refused, the console is read-only (--read-only or [safety] read_only); "
                 "nothing was sent",
             def->name);
}

static bool
busy_with_dialog(struct ui *ui)
{
    for (struct op *op = ops; op != NULL; op = op->next)
        if (op->ui == ui && (op->asking || (op->pending && op->plan == NULL)))
            return true;
    return false;
}

void
act_dispatch(struct ui *ui, enum ui_action action, const struct ui_target *t)
{
    const struct act_flow *flow = NULL;

    for (size_t i = 0; i < sizeof flows / sizeof flows[0]; i++)
        if (flows[i]->key == action)
            flow = flows[i];
    if (flow == NULL) {
        ui_error(ui, "%s: not a change", keys_action_name(action));
        return;
    }
    if (!flow->applicable(t)) {
        ui_error(ui, "%s: %s", keys_action_name(action), flow->needs);
        return;
    }
    if (ui_read_only(ui)) {
        refuse(ui, flow->id, t);
        return;
    }
    if (busy_with_dialog(ui)) {
        ui_error(ui, "%s: another change is being prepared; finish or cancel it first",
                 keys_action_name(action));
        return;
    }
    flow->start(op_new(ui, flow, t));
}

/* A service selected (or a task, whose service it is). */
bool
act_needs_service(const struct ui_target *t)
{
    return (t->kind == TARGET_SERVICE || t->kind == TARGET_TASK) && t->service != NULL;
}
