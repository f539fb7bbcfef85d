/* The CLI twins of the console's action keys: deploy, rollback, continue, revisions, scale,
 * stop-task, invalidate, invalidations and watch. They run the same engine (src/actions/) as the
 * console: plan, show the plan and the diff, confirm (prompt on a terminal, or --yes), execute,
 * and with --wait follow the rollout or the invalidation.
 *
 * Exit status: 0 done, 1 error, 2 usage or refused (read-only mode, no --yes without a
 * terminal, not confirmed), 3 the rollout failed or the wait timed out, 4 nothing to steer
 * (continue with no hook awaiting action, rollback --abort with nothing in flight). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "actions/action.h"
#include "actions/exec.h"
#include "actions/sd_watch.h"
#include "actions/watch.h"
#include "aws/cloudfront.h"
#include "aws/proto_json.h"
#include "cli/cli.h"
#include "model/task_set.h"
#include "util/clock.h"
#include "util/hash.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

/* Option storage (one command runs per process). */
static struct {
    const char *service, *image, *timeout, *revision, *count, *task, *reason, *distribution,
        *deployment, *container, *command;
    bool force, wait, adjust_bounds, abort;
} o;

static const struct od_opt *
make_opts(struct od_cli *cli, unsigned which)
{
    static struct od_opt opts[16];
    size_t n = 0;

    (void)cli;
    memset(&o, 0, sizeof o);
    memset(opts, 0, sizeof opts);
    if (which & 1u)
        opts[n++] = (struct od_opt){"service", true, &o.service, NULL, NULL};
    if (which & 2u)
        opts[n++] = (struct od_opt){"image", true, &o.image, NULL, NULL};
    if (which & 4u)
        opts[n++] = (struct od_opt){"force", false, NULL, &o.force, NULL};
    if (which & 8u) {
        opts[n++] = (struct od_opt){"wait", false, NULL, &o.wait, NULL};
        opts[n++] = (struct od_opt){"timeout", true, &o.timeout, NULL, NULL};
    }
    if (which & 16u)
        opts[n++] = (struct od_opt){"revision", true, &o.revision, NULL, NULL};
    if (which & 32u) {
        opts[n++] = (struct od_opt){"count", true, &o.count, NULL, NULL};
        opts[n++] = (struct od_opt){"adjust-bounds", false, NULL, &o.adjust_bounds, NULL};
    }
    if (which & 64u) {
        opts[n++] = (struct od_opt){"task", true, &o.task, NULL, NULL};
        opts[n++] = (struct od_opt){"reason", true, &o.reason, NULL, NULL};
    }
    if (which & 128u)
        opts[n++] = (struct od_opt){"distribution", true, &o.distribution, NULL, NULL};
    if (which & 256u) {
        opts[n++] = (struct od_opt){"deployment", true, &o.deployment, NULL, NULL};
        opts[n++] = (struct od_opt){"timeout", true, &o.timeout, NULL, NULL};
    }
    if (which & 512u) {
        opts[n++] = (struct od_opt){"task", true, &o.task, NULL, NULL};
        opts[n++] = (struct od_opt){"container", true, &o.container, NULL, NULL};
        opts[n++] = (struct od_opt){"command", true, &o.command, NULL, NULL};
    }
    if (which & 1024u)
        opts[n++] = (struct od_opt){"abort", false, NULL, &o.abort, NULL};
    return opts;
}

static const struct od_opt *opts_deploy(struct od_cli *c) { return make_opts(c, 1 | 2 | 4 | 8); }
static const struct od_opt *opts_rollback(struct od_cli *c) { return make_opts(c, 1 | 8 | 16 | 1024); }
static const struct od_opt *opts_continue(struct od_cli *c) { return make_opts(c, 1 | 8); }
static const struct od_opt *opts_revisions(struct od_cli *c) { return make_opts(c, 1); }
static const struct od_opt *opts_scale(struct od_cli *c) { return make_opts(c, 1 | 8 | 32); }
static const struct od_opt *opts_stop(struct od_cli *c) { return make_opts(c, 64); }
static const struct od_opt *opts_invalidate(struct od_cli *c) { return make_opts(c, 8 | 128); }
static const struct od_opt *opts_invalidations(struct od_cli *c) { return make_opts(c, 128); }
static const struct od_opt *opts_watch(struct od_cli *c) { return make_opts(c, 1 | 256); }
static const struct od_opt *opts_exec(struct od_cli *c) { return make_opts(c, 512); }

/* ---- small helpers --------------------------------------------------------------------- */

static void
print_inert(FILE *fp, const char *s)
{
    char *safe = sanitize_str(s);

    fputs(safe, fp);
    free(safe);
}

static unsigned long long
env_ms(const char *name, unsigned long long def)
{
    long v;

    return str_to_long(getenv(name), &v) && v > 0 ? (unsigned long long)v : def;
}

static bool
parse_timeout(struct od_cli *cli, unsigned long long *ms)
{
    long v;

    *ms = 0;
    if (o.timeout == NULL)
        return true;
    if (!str_to_long(o.timeout, &v) || v <= 0) {
        cli_usage_error(cli, "--timeout takes a positive number of seconds");
        return false;
    }
    *ms = (unsigned long long)v * 1000ull;
    return true;
}

static char *
age(double at)
{
    double d = (double)clock_wall_ms() / 1000.0 - at;

    if (at <= 0)
        return xstrdup("-");
    if (d < 0)
        d = 0;
    if (d < 120)
        return xasprintf("%.0fs", d);
    if (d < 7200)
        return xasprintf("%.0fm", d / 60);
    if (d < 172800)
        return xasprintf("%.0fh", d / 3600);
    return xasprintf("%.0fd", d / 86400);
}

/* Ask on the terminal; the answer is read from /dev/tty, else stdin. malloc'd, NULL on EOF. */
static char *
ask(const char *question)
{
    FILE *tty = fopen("/dev/tty", "r+");
    FILE *in = tty != NULL ? tty : stdin, *out = tty != NULL ? tty : stderr;
    char line[512];
    char *r = NULL;

    fputs(question, out);
    fflush(out);
    if (fgets(line, sizeof line, in) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        r = xstrdup(str_trim(line));
    }
    if (tty != NULL)
        fclose(tty);
    return r;
}

/* ---- running the engine from the CLI --------------------------------------------------- */

struct run {
    struct od_cli *cli;
    struct od_action_env env;
    struct od_plan *plan;
    struct od_error err;
    bool done;
    bool ok;
    /* execution */
    int exec_rc;
    char *deployment_id, *task_definition, *invalidation_id;
    char *session; /* exec: a secret, wiped in teardown */
    /* watch / follow */
    int wait_rc;
    char *last_line;
};

static void
on_plan(struct od_plan *plan, const struct od_error *err, void *ud)
{
    struct run *r = ud;

    r->done = true;
    r->plan = plan;
    if (plan == NULL)
        od_error_copy(&r->err, err);
}

static int
setup(struct run *r, struct od_cli *cli)
{
    memset(r, 0, sizeof *r);
    r->cli = cli;
    if (!cli_aws(cli))
        return OD_EXIT_ERROR;
    action_env_init(&r->env, cli->aws, cli->settings, cli->g.read_only);
    r->env.watch_interval_ms = env_ms("ONDECK_WATCH_INTERVAL_MS", r->env.watch_interval_ms);
    r->env.follow_interval_ms = env_ms("ONDECK_FOLLOW_INTERVAL_MS", r->env.follow_interval_ms);
    return -1;
}

static void
teardown(struct run *r)
{
    action_env_clear(&r->env); /* first: a job in flight borrows r->plan for its audit line */
    plan_free(&r->plan);
    od_error_clear(&r->err);
    free(r->deployment_id);
    free(r->task_definition);
    free(r->invalidation_id);
    secure_free_str(&r->session);
    free(r->last_line);
}

static int
exit_for(enum od_err e)
{
    return e == OD_E_USAGE || e == OD_E_REFUSED ? OD_EXIT_USAGE : OD_EXIT_ERROR;
}

static int
make_plan(struct run *r, enum od_action_id id, const struct od_action_params *p)
{
    const struct od_action_def *def = action_get(id);
    struct od_error e = {0};

    r->done = false;
    if (action_plan(&r->env, id, p, on_plan, r, &e) != OD_OK) {
        int rc = exit_for(e.err);

        cli_print_error(r->cli, def->name, &e);
        od_error_clear(&e);
        return rc;
    }
    loop_run_until(r->cli->loop, &r->done);
    if (r->plan == NULL) {
        cli_print_error(r->cli, def->name, &r->err);
        return exit_for(r->err.err);
    }
    return -1;
}

static void
print_plan(const struct od_plan *plan)
{
    fputs(plan->description, stdout);
    if (plan->ntags > 0) {
        char *repo = sanitize_str(plan->ecr_repository);

        printf("\nRecent tags in ECR repository %s (newest first):\n", repo);
        free(repo);
        for (size_t i = 0; i < plan->ntags && i < 10; i++) {
            char *tag = sanitize_str(plan->tags[i].tag), *a = age(plan->tags[i].pushed_at);
            char when[21];

            clock_format_iso((time_t)plan->tags[i].pushed_at, when);
            printf("  %-30s pushed %s (%s ago)\n", tag, when, a);
            free(tag);
            free(a);
        }
    }
    if (plan->diff != NULL) {
        if (*plan->diff != '\0')
            printf("\nTask definition diff (current -> new):\n%s", plan->diff);
        else if (plan->def->id != OD_ACTION_DEPLOY || !plan->force)
            printf("\nTask definition diff: no difference\n");
    }
    fflush(stdout);
}

/* Returns -1 to go on, or an exit status. */
static int
preflight(struct run *r, enum od_action_id id, const struct od_action_params *p)
{
    const struct od_action_def *def = action_get(id);

    if (action_refused(&r->env, def)) {
        fprintf(stderr,
                "ondeck: %s refused: read-only mode (--read-only or [safety] read_only in the "
                "config); nothing was sent\n",
                def->name);
        action_journal_refusal(&r->env, def, p, "read-only mode");
        return OD_EXIT_USAGE;
    }
    if (!r->cli->g.yes && !isatty(STDIN_FILENO)) {
        fprintf(stderr,
                "ondeck: %s: standard input is not a terminal: pass --yes to confirm the change\n",
                def->name);
        return OD_EXIT_USAGE;
    }
    return -1;
}

static int
confirm(struct run *r)
{
    struct od_plan *plan = r->plan;
    char *answer = NULL, *q;

    if (r->cli->g.yes) {
        (void)action_plan_confirm(plan, plan->confirm_word);
        return -1;
    }
    if (plan->typed_confirm) {
        char *word = sanitize_str(plan->confirm_word), *prof = sanitize_str(plan->profile);

        q = xasprintf("Profile %s requires typing the name to confirm. Type '%s' to %s, anything "
                      "else cancels: ",
                      prof, word, plan->def->name);
        free(word);
        free(prof);
        answer = ask(q);
        free(q);
        if (answer != NULL && action_plan_confirm(plan, answer)) {
            free(answer);
            return -1;
        }
    } else {
        q = xasprintf("Proceed with %s? [y/N] ", plan->def->name);
        answer = ask(q);
        free(q);
        if (answer != NULL && (str_case_eq(answer, "y") || str_case_eq(answer, "yes"))) {
            free(answer);
            (void)action_plan_confirm(plan, NULL);
            return -1;
        }
    }
    free(answer);
    action_plan_decline(plan);
    fprintf(stderr, "ondeck: %s cancelled; nothing was changed\n", plan->def->name);
    return OD_EXIT_USAGE;
}

static void
on_done(const struct od_action_result *res, void *ud)
{
    struct run *r = ud;

    r->done = true;
    if (res->journal_error != NULL) {
        fputs("ondeck: warning: ", stderr);
        print_inert(stderr, res->journal_error);
        fputc('\n', stderr);
    }
    if (res->err != OD_OK) {
        cli_print_error(r->cli, r->plan->def->name, res->error);
        if (res->outcome_unknown)
            fprintf(stderr, "ondeck: %s: the outcome is unknown: check the service before "
                            "trying again\n",
                    r->plan->def->name);
        r->exec_rc = exit_for(res->err);
        return;
    }
    printf("%s\n", res->summary);
    if (res->reconciled)
        printf("(a response was lost; the change was confirmed by reading the state back)\n");
    r->deployment_id = res->deployment_id != NULL ? xstrdup(res->deployment_id) : NULL;
    r->task_definition = res->task_definition != NULL ? xstrdup(res->task_definition) : NULL;
    r->invalidation_id = res->invalidation_id != NULL ? xstrdup(res->invalidation_id) : NULL;
    if (res->invalidation_status != NULL)
        printf("status %s\n", res->invalidation_status);
    r->session = res->session != NULL ? xstrdup(res->session) : NULL;
    r->exec_rc = OD_EXIT_OK;
    fflush(stdout);
}

static int
execute(struct run *r)
{
    struct od_error e = {0};

    r->done = false;
    if (action_execute(r->plan, on_done, r, &e) != OD_OK) {
        int rc = exit_for(e.err);

        cli_print_error(r->cli, r->plan->def->name, &e);
        od_error_clear(&e);
        return rc;
    }
    loop_run_until(r->cli->loop, &r->done);
    return r->exec_rc;
}

/* ---- watching -------------------------------------------------------------------------- */

static void
on_rollout(const struct od_rollout *ro, void *ud)
{
    struct run *r = ud;
    const struct od_deployment *d = ro->mine;
    char *line, *td = task_def_short_name(ro->task_definition);

    for (size_t i = ro->nevents; i-- > 0;) {
        printf("  event: ");
        print_inert(stdout, ro->events[i].message);
        putchar('\n');
    }
    if (ro->service != NULL && task_set_controlled(ro->service)) {
        char *sets = task_set_summary(ro->service);

        line = xasprintf("task sets (%s): %s", task_set_controller(ro->service), sets);
        free(sets);
    } else if (d != NULL)
        line = xasprintf("rollout %s (%s): new %ld/%ld running, %ld pending, %ld failed; "
                         "other deployments %ld running",
                         d->rollout_state != NULL ? d->rollout_state : "-",
                         td != NULL ? td : "?", d->running, d->desired, d->pending, d->failed,
                         ro->old_running);
    else
        line = xasprintf("rollout: deployment %s not in the service",
                         ro->deployment_id != NULL ? ro->deployment_id : "?");
    if (r->last_line == NULL || strcmp(r->last_line, line) != 0) {
        printf("[%4llus] ", ro->elapsed_ms / 1000);
        print_inert(stdout, line);
        putchar('\n');
        free(r->last_line);
        r->last_line = line;
    } else {
        free(line);
    }
    if (ro->last_error != NULL)
        printf("  (poll failed: %s%s)\n", ro->last_error, ro->throttled ? ", backing off" : "");
    if (ro->verdict != OD_ROLLOUT_PENDING) {
        for (size_t i = 0; i < ro->ntasks; i++) {
            const struct od_watch_task *t = &ro->tasks[i];

            printf("  task ");
            print_inert(stdout, t->id);
            printf(" %s", t->stopped ? "stopped" : "running");
            if (!str_empty(t->stopped_reason)) {
                printf(" (reason: ");
                print_inert(stdout, t->stopped_reason);
                printf(")");
            }
            if (!str_empty(t->container_reason)) {
                printf(" (container: ");
                print_inert(stdout, t->container_reason);
                printf(")");
            }
            if (t->target_state != NULL) {
                printf(", target ");
                print_inert(stdout, t->target_state);
                if (t->target_reason != NULL) {
                    printf(" (");
                    print_inert(stdout, t->target_reason);
                    printf(")");
                }
            }
            putchar('\n');
        }
        if (ro->targets != NULL) {
            char note[128];

            target_counts_note(ro->targets, note, sizeof note);
            printf("  targets: %zu healthy, %zu unhealthy%s%s\n", ro->targets->healthy,
                   ro->targets->unhealthy, note[0] != '\0' ? ", " : "", note);
        }
        printf("%s: %s\n", watch_verdict_name(ro->verdict), ro->reason != NULL ? ro->reason : "");
        if (ro->rollback_td != NULL) {
            char *rb = task_def_short_name(ro->rollback_td), *safe = sanitize_str(rb);
            char *svc = sanitize_str(r->cli->g.cluster), *name = sanitize_str(o.service);

            printf("Last stable revision: %s. Roll back with:\n  ondeck rollback --cluster %s "
                   "--service %s --revision %ld\n",
                   safe, svc, name, task_def_revision(ro->rollback_td));
            free(rb);
            free(safe);
            free(svc);
            free(name);
        }
        r->wait_rc = ro->verdict == OD_ROLLOUT_COMPLETED ? OD_EXIT_OK
                     : ro->verdict == OD_ROLLOUT_ERROR   ? OD_EXIT_ERROR
                                                         : OD_EXIT_ROLLOUT;
        r->done = true;
    }
    free(td);
    fflush(stdout);
}

static int
watch(struct run *r, const char *dep, const char *td, const char *stable,
      unsigned long long timeout_ms)
{
    struct od_watch_opts wo = {0};
    struct od_watch *w = NULL;
    struct od_error e = {0};

    wo.cluster = r->cli->g.cluster;
    wo.service = o.service;
    wo.deployment_id = dep;
    wo.task_definition = td;
    wo.stable_td = stable;
    wo.timeout_ms = timeout_ms;
    r->done = false;
    r->wait_rc = OD_EXIT_ERROR;
    if (watch_start(&r->env, &wo, on_rollout, r, &w, &e) != OD_OK) {
        cli_print_error(r->cli, "watch", &e);
        od_error_clear(&e);
        return OD_EXIT_ERROR;
    }
    loop_run_until(r->cli->loop, &r->done);
    watch_free(&w);
    return r->wait_rc;
}

/* ---- following a steered service deployment -------------------------------------------- */

static void
on_sd_progress(const struct od_sd_progress *p, void *ud)
{
    struct run *r = ud;
    const struct od_service_deployment *d = p->sd;
    char *line;

    if (d != NULL) {
        const struct od_sd_hook *h = service_deployment_waiting_hook(d);

        line = xasprintf("service deployment %s%s%s%s%s", d->status != NULL ? d->status : "-",
                         d->stage != NULL ? ", stage " : "", d->stage != NULL ? d->stage : "",
                         h != NULL ? ", hook AWAITING_ACTION " : "",
                         h != NULL && h->hook_id != NULL ? h->hook_id : "");
        if (r->last_line == NULL || strcmp(r->last_line, line) != 0) {
            printf("[%4llus] ", p->elapsed_ms / 1000);
            print_inert(stdout, line);
            putchar('\n');
            free(r->last_line);
            r->last_line = line;
        } else {
            free(line);
        }
    }
    if (p->last_error != NULL)
        printf("  (poll failed: %s)\n", p->last_error);
    if (p->verdict != OD_ROLLOUT_PENDING) {
        printf("%s: %s\n", watch_verdict_name(p->verdict), p->reason != NULL ? p->reason : "");
        r->wait_rc = p->verdict == OD_ROLLOUT_COMPLETED ? OD_EXIT_OK
                     : p->verdict == OD_ROLLOUT_ERROR   ? OD_EXIT_ERROR
                                                        : OD_EXIT_ROLLOUT;
        r->done = true;
    }
    fflush(stdout);
}

static int
watch_steered(struct run *r, unsigned long long timeout_ms)
{
    struct od_sd_watch *w = NULL;
    struct od_error e = {0};

    r->done = false;
    r->wait_rc = OD_EXIT_ERROR;
    if (sd_watch_start(&r->env, r->plan->sd_arn, r->plan->steer, r->plan->hook_id, timeout_ms,
                       on_sd_progress, r, &w, &e) != OD_OK) {
        cli_print_error(r->cli, "watch", &e);
        od_error_clear(&e);
        return OD_EXIT_ERROR;
    }
    loop_run_until(r->cli->loop, &r->done);
    sd_watch_free(&w);
    return r->wait_rc;
}

/* ---- commands -------------------------------------------------------------------------- */

static int
run_mutation(struct od_cli *cli, enum od_action_id id, struct od_action_params *p, bool wait,
             unsigned long long timeout_ms)
{
    struct run r;
    int rc;

    if ((rc = setup(&r, cli)) >= 0)
        return rc;
    if ((rc = preflight(&r, id, p)) >= 0)
        goto out;
    if ((rc = make_plan(&r, id, p)) >= 0)
        goto out;
    print_plan(r.plan);
    if (!r.plan->ready && r.plan->steer_none != NULL) {
        fprintf(stderr, "ondeck: %s: %s\n", r.plan->def->name, r.plan->steer_none);
        rc = OD_EXIT_NOTHING;
        goto out;
    }
    if (!r.plan->ready) {
        fprintf(stderr, "ondeck: %s: nothing to do\n", r.plan->def->name);
        rc = OD_EXIT_ERROR;
        goto out;
    }
    if ((rc = confirm(&r)) >= 0)
        goto out;
    if ((rc = execute(&r)) != OD_EXIT_OK || !wait)
        goto out;
    if (r.plan->steer != OD_STEER_NONE) {
        rc = watch_steered(&r, timeout_ms);
        goto out;
    }
    {
        const char *stable = r.plan->stable_td_arn;

        /* offer the revision that ran before this change when none is known to be stable */
        if (stable == NULL || str_eq(stable, r.task_definition))
            stable = id == OD_ACTION_SCALE ? NULL : r.plan->current_td_arn;
        rc = watch(&r, r.deployment_id, r.task_definition, stable, timeout_ms);
    }
out:
    teardown(&r);
    return rc;
}

static void
on_follow(const char *status, bool done, const struct od_error *err, void *ud)
{
    struct run *r = ud;

    if (status != NULL) {
        printf("invalidation ");
        print_inert(stdout, r->invalidation_id);
        printf(": ");
        print_inert(stdout, status);
        putchar('\n');
    }
    if (err != NULL && !done) {
        char *m = od_error_format(err), *s = sanitize_str(m);

        printf("  (poll failed: %s)\n", s);
        free(s);
        free(m);
    }
    if (done) {
        if (err == NULL)
            r->wait_rc = OD_EXIT_OK;
        else if (err->err == OD_E_TIMEOUT)
            r->wait_rc = OD_EXIT_ROLLOUT;
        else
            r->wait_rc = OD_EXIT_ERROR;
        if (err != NULL)
            cli_print_error(r->cli, "invalidate", err);
        r->done = true;
    }
    fflush(stdout);
}

static int
run_invalidate(struct od_cli *cli)
{
    struct od_action_params p = {0};
    unsigned long long timeout_ms;
    struct run r;
    int rc;

    if (str_empty(o.distribution))
        return cli_usage_error(cli, "--distribution is required");
    if (!parse_timeout(cli, &timeout_ms))
        return OD_EXIT_USAGE;
    p.distribution = o.distribution;
    p.paths = (const char *const *)cli->args;
    p.npaths = (size_t)cli->nargs;
    if ((rc = setup(&r, cli)) >= 0)
        return rc;
    if ((rc = preflight(&r, OD_ACTION_INVALIDATE, &p)) >= 0)
        goto out;
    if ((rc = make_plan(&r, OD_ACTION_INVALIDATE, &p)) >= 0)
        goto out;
    print_plan(r.plan);
    if ((rc = confirm(&r)) >= 0)
        goto out;
    if ((rc = execute(&r)) != OD_EXIT_OK || !o.wait)
        goto out;
    {
        struct od_inv_follow *f = NULL;
        struct od_error e = {0};

        r.done = false;
        r.wait_rc = OD_EXIT_ERROR;
        if (invalidate_follow(&r.env, r.plan->distribution, r.invalidation_id, timeout_ms,
                              on_follow, &r, &f, &e) != OD_OK) {
            cli_print_error(cli, "invalidate", &e);
            od_error_clear(&e);
            rc = OD_EXIT_ERROR;
            goto out;
        }
        loop_run_until(cli->loop, &r.done);
        invalidate_follow_free(&f);
        rc = r.wait_rc;
    }
out:
    teardown(&r);
    return rc;
}

static bool
need_service(struct od_cli *cli, int *rc)
{
    if (str_empty(cli->g.cluster) || str_empty(o.service)) {
        *rc = cli_usage_error(cli, "--cluster and --service are required");
        return false;
    }
    if (cli->nargs > 0) {
        *rc = cli_usage_error(cli, "unexpected argument '%s'", cli->args[0]);
        return false;
    }
    return true;
}

static int
run_deploy(struct od_cli *cli)
{
    struct od_action_params p = {0};
    unsigned long long timeout_ms;
    char *container = NULL;
    const char *eq;
    int rc;

    if (!need_service(cli, &rc))
        return rc;
    if ((o.image == NULL) == !o.force)
        return cli_usage_error(cli, "give exactly one of --image [CONTAINER=]IMAGE and --force");
    if (!parse_timeout(cli, &timeout_ms))
        return OD_EXIT_USAGE;
    p.cluster = cli->g.cluster;
    p.service = o.service;
    p.force = o.force;
    if (o.image != NULL) {
        /* CONTAINER=IMAGE: a container name has no '/' or ':' */
        if ((eq = strchr(o.image, '=')) != NULL && memchr(o.image, '/', (size_t)(eq - o.image)) ==
                                                       NULL &&
            memchr(o.image, ':', (size_t)(eq - o.image)) == NULL) {
            container = xstrndup(o.image, (size_t)(eq - o.image));
            p.image = eq + 1;
        } else {
            p.image = o.image;
        }
        if (str_empty(p.image)) {
            free(container);
            return cli_usage_error(cli, "--image needs an image");
        }
        p.container = container;
    }
    rc = run_mutation(cli, OD_ACTION_DEPLOY, &p, o.wait, timeout_ms);
    free(container);
    return rc;
}

static int
run_rollback(struct od_cli *cli)
{
    struct od_action_params p = {0};
    unsigned long long timeout_ms;
    int rc;

    if (!need_service(cli, &rc))
        return rc;
    if (!parse_timeout(cli, &timeout_ms))
        return OD_EXIT_USAGE;
    if (o.revision != NULL && (!str_to_long(o.revision, &p.revision) || p.revision <= 0))
        return cli_usage_error(cli, "--revision takes a revision number");
    if (o.abort && o.revision != NULL)
        return cli_usage_error(cli, "--abort stops the service deployment in flight; it takes "
                                    "no --revision");
    p.cluster = cli->g.cluster;
    p.service = o.service;
    p.abort = o.abort;
    return run_mutation(cli, OD_ACTION_ROLLBACK, &p, o.wait, timeout_ms);
}

static int
run_continue(struct od_cli *cli)
{
    struct od_action_params p = {0};
    unsigned long long timeout_ms;
    int rc;

    if (!need_service(cli, &rc))
        return rc;
    if (!parse_timeout(cli, &timeout_ms))
        return OD_EXIT_USAGE;
    p.cluster = cli->g.cluster;
    p.service = o.service;
    return run_mutation(cli, OD_ACTION_CONTINUE, &p, o.wait, timeout_ms);
}

static int
run_scale(struct od_cli *cli)
{
    struct od_action_params p = {0};
    unsigned long long timeout_ms;
    int rc;

    if (!need_service(cli, &rc))
        return rc;
    if (o.count == NULL || !str_to_long(o.count, &p.count) || p.count < 0)
        return cli_usage_error(cli, "--count takes the desired number of tasks");
    if (!parse_timeout(cli, &timeout_ms))
        return OD_EXIT_USAGE;
    p.cluster = cli->g.cluster;
    p.service = o.service;
    p.adjust_bounds = o.adjust_bounds;
    return run_mutation(cli, OD_ACTION_SCALE, &p, o.wait, timeout_ms);
}

static int
run_stop_task(struct od_cli *cli)
{
    struct od_action_params p = {0};

    if (str_empty(cli->g.cluster) || str_empty(o.task))
        return cli_usage_error(cli, "--cluster and --task are required");
    if (cli->nargs > 0)
        return cli_usage_error(cli, "unexpected argument '%s'", cli->args[0]);
    p.cluster = cli->g.cluster;
    p.task = o.task;
    p.reason = o.reason;
    return run_mutation(cli, OD_ACTION_STOP_TASK, &p, false, 0);
}

/* exec: the readiness check (the plan), confirmation, ExecuteCommand, then the session is
 * session-manager-plugin's until it ends; its exit status is ours (1 when it failed). */
static int
run_exec(struct od_cli *cli)
{
    struct od_action_params p = {0};
    struct od_error e = {0};
    char *plugin;
    struct run r;
    int rc, status = 0;

    if (str_empty(cli->g.cluster) || str_empty(o.task))
        return cli_usage_error(cli, "--cluster and --task are required");
    if (cli->nargs > 0)
        return cli_usage_error(cli, "unexpected argument '%s' (the command goes in --command)",
                               cli->args[0]);
    p.cluster = cli->g.cluster;
    p.task = o.task;
    p.container = o.container;
    p.command = o.command;
    if ((rc = setup(&r, cli)) >= 0)
        return rc;
    if ((rc = preflight(&r, OD_ACTION_EXEC, &p)) >= 0)
        goto out;
    /* As the AWS CLI does: no session is opened that nothing could use. */
    if ((plugin = exec_plugin_path()) == NULL) {
        fprintf(stderr, "ondeck: exec: %s\n", exec_plugin_hint);
        rc = OD_EXIT_ERROR;
        goto out;
    }
    free(plugin);
    if ((rc = make_plan(&r, OD_ACTION_EXEC, &p)) >= 0)
        goto out;
    print_plan(r.plan);
    if ((rc = confirm(&r)) >= 0)
        goto out;
    if ((rc = execute(&r)) != OD_EXIT_OK)
        goto out;
    if (r.session == NULL) {
        fprintf(stderr, "ondeck: exec: ExecuteCommand gave no session\n");
        rc = OD_EXIT_ERROR;
        goto out;
    }
    fflush(stdout);
    if (exec_session_run(r.plan, r.session, &status, &e) != OD_OK) {
        cli_print_error(cli, "exec", &e);
        od_error_clear(&e);
        rc = OD_EXIT_ERROR;
        goto out;
    }
    if (status != 0) {
        fprintf(stderr, "ondeck: exec: %s exited with status %d\n", EXEC_PLUGIN, status);
        rc = OD_EXIT_ERROR;
    }
out:
    teardown(&r);
    return rc;
}

static int
run_revisions(struct od_cli *cli)
{
    struct od_action_params p = {0};
    struct run r;
    int rc;

    if (!need_service(cli, &rc))
        return rc;
    p.cluster = cli->g.cluster;
    p.service = o.service;
    p.revisions_only = true;
    if ((rc = setup(&r, cli)) >= 0)
        return rc;
    if ((rc = make_plan(&r, OD_ACTION_ROLLBACK, &p)) >= 0)
        goto out;
    if (cli_json(cli)) {
        cJSON *arr = json_new_array();
        char *s, *safe;

        for (size_t i = 0; i < r.plan->nrevisions; i++) {
            const struct od_revision *v = &r.plan->revisions[i];
            cJSON *j = json_push_object(arr);

            json_add_num(j, "revision", (double)v->revision);
            json_add_str(j, "taskDefinitionArn", v->arn);
            if (v->registered_at > 0)
                json_add_num(j, "registeredAt", v->registered_at);
            json_add_str(j, "images", v->images);
            json_add_bool(j, "current", v->current);
            json_add_bool(j, "previous", v->previous);
            json_add_bool(j, "stable", v->stable);
        }
        s = cJSON_Print(arr);
        safe = sanitize_json_text(s);
        puts(safe);
        free(safe);
        free(s);
        cJSON_Delete(arr);
    } else {
        printf("%-5s %-18s %-6s %s\n", "REV", "", "AGE", "IMAGES");
        for (size_t i = 0; i < r.plan->nrevisions; i++) {
            const struct od_revision *v = &r.plan->revisions[i];
            char *a = age(v->registered_at), *img = sanitize_str(v->images != NULL ? v->images : "-");
            char marks[40];

            snprintf(marks, sizeof marks, "%s%s%s", v->current ? "current " : "",
                     v->previous ? "previous " : "", v->stable ? "stable" : "");
            printf("%-5ld %-18s %-6s %s\n", v->revision, marks, a, img);
            free(a);
            free(img);
        }
        if (r.plan->stable_td_arn == NULL)
            printf("(no revision is known to have run stably: no deployment has COMPLETED)\n");
    }
    rc = OD_EXIT_OK;
out:
    teardown(&r);
    return rc;
}

static int
run_watch(struct od_cli *cli)
{
    unsigned long long timeout_ms;
    struct run r;
    int rc;

    if (!need_service(cli, &rc))
        return rc;
    if (!parse_timeout(cli, &timeout_ms))
        return OD_EXIT_USAGE;
    if ((rc = setup(&r, cli)) >= 0)
        return rc;
    rc = watch(&r, o.deployment, NULL, NULL, timeout_ms);
    teardown(&r);
    return rc;
}

/* invalidations: the distribution's recent invalidations, newest first. */
struct list_inv {
    bool done;
    int rc;
    struct od_cli *cli;
};

static void
on_invalidations(const struct od_aws_response *resp, const struct od_error *err, void *ud)
{
    struct list_inv *l = ud;
    struct od_invalidation *invs = NULL;
    size_t n = 0;
    char *next = NULL;
    struct od_error e = {0};

    l->done = true;
    if (err != NULL && err->err != OD_OK) {
        cli_print_error(l->cli, "invalidations", err);
        return;
    }
    if (cf_decode_invalidations(resp->body, resp->body_len, &invs, &n, &next, &e) != OD_OK) {
        cli_print_error(l->cli, "invalidations", &e);
        od_error_clear(&e);
        return;
    }
    if (cli_json(l->cli)) {
        cJSON *arr = json_new_array();
        char *s, *safe;

        for (size_t i = 0; i < n; i++) {
            cJSON *j = json_push_object(arr);
            char when[21];

            json_add_str(j, "Id", invs[i].id);
            json_add_str(j, "Status", invs[i].status);
            clock_format_iso(invs[i].create_time, when);
            json_add_str(j, "CreateTime", when);
        }
        s = cJSON_Print(arr);
        safe = sanitize_json_text(s);
        puts(safe);
        free(safe);
        free(s);
        cJSON_Delete(arr);
    } else {
        printf("%-16s %-12s %s\n", "ID", "STATUS", "CREATED");
        for (size_t i = 0; i < n; i++) {
            char *id = sanitize_str(invs[i].id), *st = sanitize_str(invs[i].status);
            char when[21];

            clock_format_iso(invs[i].create_time, when);
            printf("%-16s %-12s %s\n", id, st, when);
            free(id);
            free(st);
        }
    }
    OD_FREE_ARRAY(invs, n, invalidation_clear);
    free(next);
    l->rc = OD_EXIT_OK;
}

static int
run_invalidations(struct od_cli *cli)
{
    struct list_inv l = {.rc = OD_EXIT_ERROR, .cli = cli};
    struct od_aws_call call = {0};
    struct od_kv q = {"MaxItems", "20"};
    struct od_error e = {0};
    char *path;

    if (str_empty(o.distribution))
        return cli_usage_error(cli, "--distribution is required");
    if (!cli_aws(cli))
        return OD_EXIT_ERROR;
    path = cf_path_invalidations(o.distribution);
    call.svc = OD_SVC_CLOUDFRONT;
    call.op = "ListInvalidations";
    call.method = "GET";
    call.path = path;
    call.query = &q;
    call.nquery = 1;
    if (aws_call(cli->aws, &call, on_invalidations, &l, &e) != OD_OK) {
        cli_print_error(cli, "invalidations", &e);
        od_error_clear(&e);
        free(path);
        return OD_EXIT_ERROR;
    }
    free(path);
    loop_run_until(cli->loop, &l.done);
    return l.rc;
}

const struct od_command cmd_deploy = {
    .name = "deploy",
    .summary = "deploy a new image for one container, or force a new deployment",
    .usage = "--cluster C --service S (--image [CONTAINER=]IMAGE | --force) [--wait] "
             "[--timeout SECS] [--yes]",
    .options = opts_deploy,
    .run = run_deploy,
};

const struct od_command cmd_rollback = {
    .name = "rollback",
    .summary = "roll back the service deployment in flight, or to an earlier revision",
    .usage = "--cluster C --service S [--revision N | --abort] [--wait] [--timeout SECS] "
             "[--yes]",
    .options = opts_rollback,
    .run = run_rollback,
};

const struct od_command cmd_continue = {
    .name = "continue",
    .summary = "continue a service deployment paused at a lifecycle hook (AWAITING_ACTION)",
    .usage = "--cluster C --service S [--wait] [--timeout SECS] [--yes]",
    .options = opts_continue,
    .run = run_continue,
};

const struct od_command cmd_revisions = {
    .name = "revisions",
    .summary = "a service's task-definition revisions, newest first, and which ran stably",
    .usage = "--cluster C --service S [--json]",
    .options = opts_revisions,
    .run = run_revisions,
};

const struct od_command cmd_scale = {
    .name = "scale",
    .summary = "set a service's desired count",
    .usage = "--cluster C --service S --count N [--adjust-bounds] [--wait] [--timeout SECS] "
             "[--yes]",
    .options = opts_scale,
    .run = run_scale,
};

const struct od_command cmd_stop_task = {
    .name = "stop-task",
    .summary = "stop one task, with a reason",
    .usage = "--cluster C --task ID [--reason TEXT] [--yes]",
    .options = opts_stop,
    .run = run_stop_task,
};

const struct od_command cmd_exec = {
    .name = "exec",
    .summary = "open a shell in a task's container (ECS Exec through session-manager-plugin)",
    .usage = "--cluster C --task ID [--container NAME] [--command CMD] [--yes]",
    .options = opts_exec,
    .run = run_exec,
};

const struct od_command cmd_invalidate = {
    .name = "invalidate",
    .summary = "invalidate CloudFront paths (default: the distribution's configured paths, or /*)",
    .usage = "--distribution ID [PATH ...] [--wait] [--timeout SECS] [--yes]",
    .options = opts_invalidate,
    .run = run_invalidate,
};

const struct od_command cmd_invalidations = {
    .name = "invalidations",
    .summary = "a distribution's recent invalidations",
    .usage = "--distribution ID [--json]",
    .options = opts_invalidations,
    .run = run_invalidations,
};

const struct od_command cmd_watch = {
    .name = "watch",
    .summary = "follow a service's rollout until it completes, fails or times out",
    .usage = "--cluster C --service S [--deployment ID] [--timeout SECS]",
    .options = opts_watch,
    .run = run_watch,
};
