/* The one place where the console's mutation keys (D deploy, R rollback, S scale, K stop
 * task, I invalidate) meet the actions engine (src/actions/): plan -> choose -> confirm ->
 * execute -> watch.
 *
 *   D  plan without an image, then the deploy view: a new image for a container (typed in the
 *      prompt, prefilled with the current one), a recent ECR tag, or "force new deployment";
 *      the task-definition diff of the choice; then the confirmation.
 *   R  plan, then the revision picker with the previous revision selected (newest first, with
 *      images, age, current / previous / last stable); the diff follows the cursor; Enter asks
 *      for the confirmation. From a FAILED rollout view, R goes straight to the confirmation
 *      for the last stable revision.
 *   S  prompt for the desired count (prefilled), then the confirmation.
 *   K  prompt for the reason (prefilled), then the confirmation.
 *   I  plan (paths from [distribution ID] paths, else everything), then the confirmation; after the
 *      change, the invalidation is followed to Completed in the message line.
 *
 * Every confirmation names account, region, cluster and target and the change, with Cancel
 * focused (ui/widget_confirm.c) and typed confirmation when the plan needs it. Deploy,
 * rollback and scale open the rollout view (ui/view_rollout.c) once applied. In read-only mode
 * every key is refused before anything is sent (and the refusal is journaled).
 *
 * Lifetime: one struct op per attempt, with its own action environment (the console's AWS
 * client can be replaced by :profile / :region). An op lives while a callback, a dialog, a
 * prompt or its plan view needs it; when the console goes away, ops still waiting for the
 * engine are orphaned and free themselves when their callback arrives. */
#include "ui/actions_glue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/entities.h"
#include "model/world.h"
#include "poller/poller.h"
#include "ui/keys.h"
#include "ui/present.h"
#include "ui/ui.h"
#include "ui/view_rollout.h"
#include "ui/widget_doc.h"
#include "util/buf.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

#define INVALIDATION_FOLLOW_MS (30ULL * 60 * 1000)
#define CONFIRM_DIFF_LINES 8
#define DEFAULT_STOP_REASON "stopped from ondeck"

/* Link kinds of the plan view's rows. */
enum { ROW_IMAGE = 1, ROW_FORCE, ROW_TAG, ROW_REVISION };

struct op {
    struct op *next;
    struct ui *ui; /* NULL once the console is gone */
    enum od_action_id id;
    struct od_action_env env;
    struct od_plan *plan;
    struct view *view; /* the plan view (deploy, rollback) showing this op, or NULL */
    bool pending;      /* a plan or execute callback will come */
    bool asking;       /* a dialog or prompt of ours is open */
    bool direct;       /* rollback from a failed rollout: straight to the confirmation */
    struct od_inv_follow *follow;
    char *cluster, *service, *task, *distribution;
    long revision;
    size_t prompt_container; /* deploy: which container the image prompt is for */
};

static struct op *ops;

static void open_plan_view(struct op *op);
static void ask_confirm(struct op *op);

/* ---- environment ----------------------------------------------------------------------- */

static unsigned long long
env_ms(const char *name, unsigned long long def)
{
    long v;

    return str_to_long(getenv(name), &v) && v > 0 ? (unsigned long long)v : def;
}

void
actions_glue_env_init(struct ui *ui, struct od_action_env *env)
{
    action_env_init(env, ui_aws(ui), ui_settings(ui), ui_read_only(ui));
    env->watch_interval_ms = env_ms("ONDECK_WATCH_INTERVAL_MS", env->watch_interval_ms);
    env->follow_interval_ms = env_ms("ONDECK_FOLLOW_INTERVAL_MS", env->follow_interval_ms);
}

/* ---- ops ------------------------------------------------------------------------------- */

static struct op *
op_new(struct ui *ui, enum od_action_id id, const struct ui_target *t)
{
    struct op *op = xcalloc(1, sizeof *op);

    op->ui = ui;
    op->id = id;
    actions_glue_env_init(ui, &op->env);
    op->cluster = t->cluster != NULL ? xstrdup(t->cluster)
                  : ui_cluster(ui) != NULL ? xstrdup(ui_cluster(ui))
                                           : NULL;
    op->service = t->service != NULL ? xstrdup(t->service) : NULL;
    op->task = t->task_id != NULL ? xstrdup(t->task_id) : NULL;
    op->distribution = t->distribution_id != NULL ? xstrdup(t->distribution_id) : NULL;
    op->next = ops;
    ops = op;
    return op;
}

/* Free the op when nothing needs it any more. */
static void
op_release(struct op *op)
{
    struct op **pp;

    if (op->view != NULL || op->pending || op->asking || op->follow != NULL)
        return;
    for (pp = &ops; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == op) {
            *pp = op->next;
            break;
        }
    }
    plan_free(&op->plan);
    action_env_clear(&op->env);
    free(op->cluster);
    free(op->service);
    free(op->task);
    free(op->distribution);
    free(op);
}

void
actions_glue_shutdown(struct ui *ui)
{
    struct op *op, *next;

    for (op = ops; op != NULL; op = next) {
        next = op->next;
        if (op->ui != ui)
            continue;
        op->ui = NULL;
        invalidate_follow_free(&op->follow);
        op_release(op);
    }
}

static const char *
name_of(const struct op *op)
{
    return action_get(op->id)->name;
}

static void
show_error(struct ui *ui, const char *what, const struct od_error *err)
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
        op_release(op);
        return;
    }
    if (plan == NULL) {
        show_error(op->ui, name_of(op), err);
        op_release(op);
        return;
    }
    plan_free(&op->plan);
    op->plan = plan;
    ui_message(op->ui, "%s: planned", name_of(op));
    if (op->id == OD_ACTION_ROLLBACK && !op->direct) {
        open_plan_view(op);
    } else if (op->id == OD_ACTION_DEPLOY && !plan->ready) {
        open_plan_view(op);
    } else {
        if (op->view != NULL)
            op->view->need_recalc = true;
        ask_confirm(op);
    }
    op_release(op);
}

static void
start_plan(struct op *op, const struct od_action_params *p)
{
    struct od_error err = {0};

    op->pending = true;
    if (action_plan(&op->env, op->id, p, on_plan, op, &err) != OD_OK) {
        op->pending = false;
        show_error(op->ui, name_of(op), &err);
        od_error_clear(&err);
        op_release(op);
        return;
    }
    ui_message(op->ui, "%s: reading the current state…", name_of(op));
}

static void
params_for(const struct op *op, struct od_action_params *p)
{
    memset(p, 0, sizeof *p);
    p->cluster = op->cluster;
    p->service = op->service;
    p->task = op->task;
    p->distribution = op->distribution;
    p->revision = op->revision;
}

/* ---- execute ------------------------------------------------------------------------------ */

static void
on_follow(const char *status, bool done, const struct od_error *err, void *ud)
{
    struct op *op = ud;
    char *dist = sanitize_str(op->distribution);

    if (op->ui != NULL) {
        if (done)
            ui_refresh(op->ui); /* the distribution view lists the invalidations */
        if (err != NULL && err->err != OD_OK && done)
            show_error(op->ui, "invalidation", err);
        else if (status != NULL)
            ui_message(op->ui, "invalidation of %s: %s%s", dist, status,
                       done ? "" : " (following)");
    }
    free(dist);
    if (done) {
        invalidate_follow_free(&op->follow);
        op_release(op);
    }
}

static void
open_rollout(struct op *op, const struct od_action_result *res)
{
    struct od_plan *plan = op->plan;
    struct view_rollout_opts o = {0};
    const char *stable = plan->stable_td_arn;

    /* Offer the revision that ran before this change when none is known to be stable. */
    if (stable == NULL || str_eq(stable, res->task_definition))
        stable = op->id == OD_ACTION_SCALE ? NULL : plan->current_td_arn;
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
        op_release(op);
        return;
    }
    if (res->err != OD_OK) {
        char *line = od_error_format(res->error);

        ui_error(ui, "%s failed: %s%s", name_of(op), line,
                 res->outcome_unknown ? " (the outcome is unknown: check before trying again)"
                                      : "");
        free(line);
        op->pending = false;
        op_release(op);
        return;
    }
    ui_refresh(ui); /* first: it says "refreshing" */
    if (res->journal_error != NULL)
        ui_error(ui, "%s: %s (audit journal)", res->summary, res->journal_error);
    else
        ui_message(ui, "%s%s", res->summary,
                   res->reconciled ? " (a response was lost; confirmed by reading back)" : "");
    switch (op->id) {
    case OD_ACTION_DEPLOY:
    case OD_ACTION_ROLLBACK:
    case OD_ACTION_SCALE:
        open_rollout(op, res);
        break;
    case OD_ACTION_INVALIDATE:
        if (res->invalidation_id != NULL) {
            struct od_error err = {0};

            if (invalidate_follow(&op->env, op->plan->distribution, res->invalidation_id,
                                  INVALIDATION_FOLLOW_MS, on_follow, op, &op->follow,
                                  &err) != OD_OK) {
                show_error(ui, "invalidation", &err);
                od_error_clear(&err);
            }
        }
        break;
    default:
        break;
    }
    op->pending = false;
    op_release(op);
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
            ui_message(op->ui, "%s cancelled; nothing was changed", name_of(op));
        op_release(op);
        return;
    }
    (void)action_plan_confirm(op->plan, op->plan->typed_confirm ? op->plan->confirm_word : NULL);
    op->pending = true;
    if (action_execute(op->plan, on_done, op, &err) != OD_OK) {
        op->pending = false;
        show_error(op->ui, name_of(op), &err);
        od_error_clear(&err);
        op_release(op);
        return;
    }
    ui_message(op->ui, "%s: sending…", name_of(op));
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

static void
ask_confirm(struct op *op)
{
    static const char *const titles[OD_ACTION__COUNT] = {
        [OD_ACTION_DEPLOY] = "Deploy",
        [OD_ACTION_ROLLBACK] = "Roll back",
        [OD_ACTION_SCALE] = "Scale",
        [OD_ACTION_STOP_TASK] = "Stop task",
        [OD_ACTION_INVALIDATE] = "Invalidate CloudFront cache",
    };
    static const char *const labels[OD_ACTION__COUNT] = {
        [OD_ACTION_DEPLOY] = "Deploy",
        [OD_ACTION_ROLLBACK] = "Roll back",
        [OD_ACTION_SCALE] = "Scale",
        [OD_ACTION_STOP_TASK] = "Stop task",
        [OD_ACTION_INVALIDATE] = "Invalidate",
    };
    struct od_plan *plan = op->plan;
    struct ui_confirm_spec spec = {0};
    char *change = confirm_text(plan), *account = NULL;

    if (plan->account != NULL)
        account = xasprintf("%s (%s)", plan->account,
                            plan->identity_arn != NULL ? plan->identity_arn : "?");
    spec.title = titles[op->id];
    spec.account = account;
    spec.region = plan->region;
    spec.cluster = plan->cluster != NULL ? plan->cluster : "- (CloudFront is global)";
    spec.service = plan->target;
    spec.change = change;
    spec.typed = plan->typed_confirm ? plan->confirm_word : NULL;
    spec.confirm_label = labels[op->id];
    spec.danger = op->id == OD_ACTION_STOP_TASK || op->id == OD_ACTION_ROLLBACK;
    op->asking = true;
    ui_confirm_open(op->ui, &spec, on_confirm, op);
    free(change);
    free(account);
}

/* ---- the plan view: deploy choices and the rollback picker ------------------------------ */

struct plan_view {
    struct op *op;
    struct ui_doc doc;
    bool placed; /* the cursor was put on the preselected row */
};

static const enum ui_action plan_actions[] = {
    ACT_UP, ACT_DOWN, ACT_TOP, ACT_BOTTOM, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_ENTER, ACT_FILTER,
};

static void
add_lines(struct ui_doc *d, const char *text, enum ui_el el, const char *indent)
{
    const char *s = text;

    while (s != NULL && *s != '\0') {
        size_t len = strcspn(s, "\n");
        char *one = xstrndup(s, len);

        doc_line(d, 0, NULL);
        doc_add(d, el, 0, indent);
        doc_add(d, one[0] == '+' ? EL_STATE_OK : one[0] == '-' ? EL_STATE_FAILED : el, 0, one);
        free(one);
        s += len;
        if (*s == '\n')
            s++;
    }
}

static void
section(struct ui_doc *d, const char *title)
{
    doc_line(d, 0, NULL);
    doc_line(d, 0, NULL);
    doc_add(d, EL_SECTION, 0, title);
}

static void
age_of(double epoch, char *out, size_t len)
{
    if (epoch <= 0)
        snprintf(out, len, "-");
    else
        present_ago(epoch, out, len);
}

static void
build_deploy(struct ui_doc *d, const struct od_plan *plan)
{
    char key[32], ago[32];

    section(d, "Choose what to deploy (Enter)");
    for (size_t i = 0; i < plan->ncontainers; i++) {
        snprintf(key, sizeof key, "%zu", i);
        doc_line(d, ROW_IMAGE, key);
        doc_add(d, EL_ROW, 0, "  ▸ new image for container ");
        doc_add(d, EL_TITLE, 0, plan->containers[i]);
        doc_add(d, EL_DIM, 0, "  (now ");
        doc_add(d, EL_DIM, 0, plan->container_images[i]);
        doc_add(d, EL_DIM, 0, ")  - type it");
    }
    doc_line(d, ROW_FORCE, "force");
    doc_add(d, EL_ROW, 0, "  ▸ force a new deployment of the current revision (same images, new tasks)");
    if (plan->ntags > 0) {
        section(d, "Recent tags in the ECR repository (newest first)");
        doc_line(d, 0, NULL);
        doc_add(d, EL_DIM, 0, "  ");
        doc_add(d, EL_DIM, 0, plan->ecr_repository);
        for (size_t i = 0; i < plan->ntags; i++) {
            snprintf(key, sizeof key, "%zu", i);
            age_of(plan->tags[i].pushed_at, ago, sizeof ago);
            doc_line(d, ROW_TAG, key);
            doc_add(d, EL_ROW, 0, "  ▸ ");
            doc_add(d, EL_ROW, 32, plan->tags[i].tag);
            doc_addf(d, EL_DIM, 0, "pushed %s", ago);
        }
    }
    if (plan->ready) {
        section(d, "Planned change");
        doc_line(d, 0, NULL);
        doc_add(d, EL_ROW, 0, "  ");
        doc_add(d, EL_STATE_WARN, 0, plan->change);
        if (plan->diff != NULL) {
            section(d, "Task-definition diff (current -> new)");
            if (plan->diff[0] == '\0') {
                doc_line(d, 0, NULL);
                doc_add(d, EL_DIM, 0, "  no difference");
            }
            add_lines(d, plan->diff, EL_ROW, "  ");
        }
    }
}

static void
build_rollback(struct ui_doc *d, const struct od_plan *plan)
{
    char key[32], ago[32];

    section(d, "Revisions, newest first (Enter rolls back to the one under the cursor)");
    for (size_t i = 0; i < plan->nrevisions; i++) {
        const struct od_revision *r = &plan->revisions[i];
        char *name = task_def_short_name(r->arn);

        snprintf(key, sizeof key, "%zu", i);
        age_of(r->registered_at, ago, sizeof ago);
        doc_line(d, ROW_REVISION, key);
        doc_add(d, i == plan->selected ? EL_TITLE : EL_ROW, 2, i == plan->selected ? "▶" : "");
        doc_add(d, EL_ROW, 14, name != NULL ? name : r->arn);
        doc_addf(d, EL_DIM, 12, "%s", ago);
        doc_addf(d, EL_STATE_OK, 0, "%s%s%s", r->current ? "[current] " : "",
                 r->previous ? "[previous] " : "", r->stable ? "[last stable] " : "");
        doc_add(d, EL_ROW, 0, r->images != NULL ? r->images : (r->td_json != NULL ? "" : "(not described)"));
        free(name);
    }
    if (plan->nrevisions == 0) {
        doc_line(d, 0, NULL);
        doc_add(d, EL_DIM, 0, "  no earlier ACTIVE revision to roll back to");
    }
    if (plan->ready) {
        section(d, "Planned change");
        doc_line(d, 0, NULL);
        doc_add(d, EL_ROW, 0, "  ");
        doc_add(d, EL_STATE_WARN, 0, plan->change);
        section(d, "Task-definition diff (current -> selected)");
        if (plan->diff == NULL || plan->diff[0] == '\0') {
            doc_line(d, 0, NULL);
            doc_add(d, EL_DIM, 0, "  no difference");
        } else {
            add_lines(d, plan->diff, EL_ROW, "  ");
        }
    }
}

static void
plan_recalc(struct view *v)
{
    struct plan_view *st = v->st;
    const struct od_plan *plan = st->op->plan;
    struct ui_doc *d = &st->doc;

    doc_begin(d);
    if (plan == NULL) {
        doc_line(d, 0, NULL);
        doc_add(d, EL_DIM, 0, "planning…");
        doc_end(d);
        return;
    }
    doc_line(d, 0, NULL);
    doc_add(d, EL_SECTION, 0, "Plan");
    add_lines(d, plan->description, EL_ROW, "  ");
    if (plan->def->id == OD_ACTION_DEPLOY)
        build_deploy(d, plan);
    else
        build_rollback(d, plan);
    doc_line(d, 0, NULL);
    doc_line(d, 0, NULL);
    doc_add(d, EL_DIM, 0, "Enter chooses · the confirmation names the change · q cancels");
    doc_end(d);
    if (!st->placed) {
        char key[32];

        st->placed = true;
        if (plan->def->id == OD_ACTION_ROLLBACK) {
            snprintf(key, sizeof key, "%zu", plan->selected);
            doc_goto_link(d, ROW_REVISION, key);
        } else {
            doc_goto_link(d, ROW_IMAGE, "0");
        }
    }
}

static void
plan_draw(struct view *v, int y, int x, int h, int w)
{
    doc_draw(&((struct plan_view *)v->st)->doc, y, x + 1, h, w - 1);
}

/* Rollback: the diff follows the cursor. */
static void
follow_cursor(struct view *v)
{
    struct plan_view *st = v->st;
    struct od_plan *plan = st->op->plan;
    const char *link;
    long i;
    struct od_error err = {0};

    if (plan == NULL || plan->def->id != OD_ACTION_ROLLBACK ||
        doc_link(&st->doc, &link) != ROW_REVISION || !str_to_long(link, &i) || i < 0 ||
        (size_t)i >= plan->nrevisions || (size_t)i == plan->selected ||
        plan->revisions[i].current || plan->revisions[i].td_json == NULL)
        return;
    if (action_plan_select(plan, (size_t)i, &err) != OD_OK)
        od_error_clear(&err);
    v->need_recalc = true;
}

static void
on_image(const char *text, void *ud)
{
    struct op *op = ud;
    struct od_error err = {0};

    op->asking = false;
    if (text == NULL || op->ui == NULL || op->plan == NULL) {
        op_release(op);
        return;
    }
    if (action_plan_set_image(op->plan, op->plan->containers[op->prompt_container], text,
                              &err) != OD_OK) {
        show_error(op->ui, "deploy", &err);
        od_error_clear(&err);
        op_release(op);
        return;
    }
    if (op->view != NULL)
        op->view->need_recalc = true;
    ask_confirm(op);
}

static void
choose(struct view *v)
{
    struct plan_view *st = v->st;
    struct op *op = st->op;
    struct od_plan *plan = op->plan;
    struct od_error err = {0};
    const char *link;
    int kind;
    long i = -1;

    if (plan == NULL || op->pending || op->asking)
        return;
    kind = doc_link(&st->doc, &link);
    if (kind != 0 && kind != ROW_FORCE && !str_to_long(link, &i))
        return;
    switch (kind) {
    case ROW_IMAGE: {
        char *label;

        if (i < 0 || (size_t)i >= plan->ncontainers)
            return;
        op->prompt_container = (size_t)i;
        label = xasprintf("image for %s: ", plan->containers[i]);
        op->asking = true;
        ui_prompt_open(v->ui, label, plan->container_images[i], on_image, op);
        free(label);
        return;
    }
    case ROW_TAG: {
        char *image;

        if (i < 0 || (size_t)i >= plan->ntags)
            return;
        image = xasprintf(":%s", plan->tags[i].tag);
        if (action_plan_set_image(plan, NULL, image, &err) != OD_OK) {
            show_error(v->ui, "deploy", &err);
            od_error_clear(&err);
        } else {
            v->need_recalc = true;
            ask_confirm(op);
        }
        free(image);
        return;
    }
    case ROW_FORCE: {
        struct od_action_params p;

        params_for(op, &p);
        p.force = true;
        start_plan(op, &p);
        return;
    }
    case ROW_REVISION:
        if (i < 0 || (size_t)i >= plan->nrevisions)
            return;
        if (plan->revisions[i].current) {
            ui_error(v->ui, "rollback: that is the current revision; choose an older one");
            return;
        }
        if ((size_t)i != plan->selected && action_plan_select(plan, (size_t)i, &err) != OD_OK) {
            show_error(v->ui, "rollback", &err);
            od_error_clear(&err);
            return;
        }
        v->need_recalc = true;
        ask_confirm(op);
        return;
    default:
        if (plan->ready)
            ask_confirm(op);
        return;
    }
}

static bool
plan_key(struct view *v, enum ui_action a)
{
    struct plan_view *st = v->st;

    if (doc_key(&st->doc, a)) {
        follow_cursor(v);
        return true;
    }
    if (a == ACT_ENTER) {
        choose(v);
        return true;
    }
    return false;
}

static void
plan_title(struct view *v, char *out, size_t len)
{
    struct op *op = ((struct plan_view *)v->st)->op;
    char *svc = sanitize_str(op->service), *cl = sanitize_str(op->cluster);

    snprintf(out, len, "%s · service %s · cluster %s",
             op->id == OD_ACTION_DEPLOY ? "Deploy" : "Roll back", svc, cl);
    free(svc);
    free(cl);
}

static void
plan_set_filter(struct view *v, const char *text)
{
    doc_set_filter(&((struct plan_view *)v->st)->doc, text);
}

static const char *
plan_get_filter(struct view *v)
{
    return ((struct plan_view *)v->st)->doc.filter;
}

static void
plan_destroy(struct view *v)
{
    struct plan_view *st = v->st;
    struct op *op = st->op;

    doc_free(&st->doc);
    free(st);
    op->view = NULL;
    op_release(op);
}

static const struct view_ops plan_ops = {
    .name = "plan",
    .parts = 0,
    .actions = plan_actions,
    .nactions = sizeof plan_actions / sizeof plan_actions[0],
    .destroy = plan_destroy,
    .recalc = plan_recalc,
    .draw = plan_draw,
    .key = plan_key,
    .title = plan_title,
    .set_filter = plan_set_filter,
    .get_filter = plan_get_filter,
};

static void
open_plan_view(struct op *op)
{
    struct plan_view *st;

    if (op->view != NULL) {
        op->view->need_recalc = true;
        ui_dirty(op->ui);
        return;
    }
    st = xcalloc(1, sizeof *st);
    st->op = op;
    doc_init(&st->doc);
    op->view = view_new(op->ui, &plan_ops, st);
    ui_push(op->ui, op->view);
}

/* ---- inputs before planning ------------------------------------------------------------------ */

static void
on_count(const char *text, void *ud)
{
    struct op *op = ud;
    struct od_action_params p;
    long n;

    op->asking = false;
    if (text == NULL || op->ui == NULL) {
        if (op->ui != NULL)
            ui_message(op->ui, "scale cancelled; nothing was changed");
        op_release(op);
        return;
    }
    if (!str_to_long(text, &n) || n < 0 || n > 100000) {
        ui_error(op->ui, "scale: '%s' is not a task count (0 or more)", text);
        op_release(op);
        return;
    }
    params_for(op, &p);
    p.count = n;
    start_plan(op, &p);
}

static void
on_reason(const char *text, void *ud)
{
    struct op *op = ud;
    struct od_action_params p;

    op->asking = false;
    if (text == NULL || op->ui == NULL) {
        if (op->ui != NULL)
            ui_message(op->ui, "stop-task cancelled; nothing was changed");
        op_release(op);
        return;
    }
    params_for(op, &p);
    p.reason = str_empty(text) ? DEFAULT_STOP_REASON : text;
    start_plan(op, &p);
}

/* ---- dispatch ------------------------------------------------------------------------------ */

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

static enum od_action_id
action_id(enum ui_action a)
{
    switch (a) {
    case ACT_DEPLOY:
        return OD_ACTION_DEPLOY;
    case ACT_ROLLBACK:
        return OD_ACTION_ROLLBACK;
    case ACT_SCALE:
        return OD_ACTION_SCALE;
    case ACT_STOP_TASK:
        return OD_ACTION_STOP_TASK;
    default:
        return OD_ACTION_INVALIDATE;
    }
}

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
    actions_glue_env_init(ui, &env);
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
actions_glue_dispatch(struct ui *ui, enum ui_action action, const struct ui_target *t)
{
    const char *why = NULL;
    enum od_action_id id;
    struct op *op;
    struct od_action_params p;

    if (!applicable(action, t, &why)) {
        ui_error(ui, "%s: %s", keys_action_name(action), why);
        return;
    }
    id = action_id(action);
    if (ui_read_only(ui)) {
        refuse(ui, id, t);
        return;
    }
    if (busy_with_dialog(ui)) {
        ui_error(ui, "%s: another change is being prepared; finish or cancel it first",
                 keys_action_name(action));
        return;
    }
    op = op_new(ui, id, t);
    switch (id) {
    case OD_ACTION_SCALE: {
        const struct od_service *s = world_service(ui_world(ui), op->service);
        char *label, *safe = sanitize_str(op->service), initial[32] = "";

        if (s != NULL)
            snprintf(initial, sizeof initial, "%ld", s->desired);
        label = xasprintf("desired count for %s%s%s: ", safe, s != NULL ? ", now " : "",
                          initial);
        op->asking = true;
        ui_prompt_open(ui, label, initial, on_count, op);
        free(label);
        free(safe);
        return;
    }
    case OD_ACTION_STOP_TASK: {
        char *label = xasprintf("reason for stopping task %.12s: ", op->task);
        char *safe = sanitize_str(label);

        op->asking = true;
        ui_prompt_open(ui, safe, DEFAULT_STOP_REASON, on_reason, op);
        free(safe);
        free(label);
        return;
    }
    case OD_ACTION_ROLLBACK:
        op->revision = view_rollout_rollback_revision(ui_top(ui));
        op->direct = op->revision > 0;
        break;
    default:
        break;
    }
    params_for(op, &p);
    start_plan(op, &p);
}
