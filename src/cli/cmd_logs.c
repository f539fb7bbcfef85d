/* ondeck logs: print (or follow) the CloudWatch logs of services, a task or log groups,
 * one line per event: time, [source,] task/container, message. The same engine as the
 * console's pane: the poller finds the tasks, logs/merge.c and logs/sources.c the streams of
 * each source, logs/follow.c the events of all of them in one stream. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/ecs.h"
#include "cli/cli.h"
#include "logs/follow.h"
#include "logs/merge.h"
#include "logs/since.h"
#include "logs/sources.h"
#include "loop/signals.h"
#include "model/world.h"
#include "poller/poller.h"
#include "util/clock.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

#define RESOLVE_EVERY_MS 60000 /* look for new tasks while following (--rescan-interval) */

static const char *opt_service, *opt_task, *opt_container, *opt_since, *opt_filter;
static const char *opt_log_group, *opt_poll, *opt_overlap, *opt_rescan;
static const char **opt_services, **opt_log_groups; /* repeated --service, --log-group */
static bool opt_follow, opt_stats, opt_all;

struct logs_run {
    struct od_cli *cli;
    struct logs_merge m; /* what to read: one or several services, tasks, groups */
    struct od_world *world;
    struct od_poller *poller;
    struct sources_fetch *fetch;
    struct od_follow *follow;
    struct od_buf line;
    bool json;
    bool done;
    bool resolving;   /* a re-resolution is under way */
    bool resolved;    /* the sources are known (first resolution) */
    bool failed;      /* exit 1 */
    bool interrupted; /* SIGINT/SIGTERM */
    bool out_closed;  /* stdout went away (EPIPE) */
    uint64_t resolve_timer;
    uint64_t rescan_ms;
};

static const struct od_opt *
logs_options(struct od_cli *cli)
{
    static struct od_opt opts[13];

    opt_service = opt_task = opt_container = opt_since = opt_filter = NULL;
    opt_log_group = opt_poll = opt_overlap = opt_rescan = NULL;
    opt_follow = opt_stats = opt_all = false;
    free(opt_services);
    free(opt_log_groups);
    opt_services = opt_log_groups = NULL;
    opts[0] = (struct od_opt){"service", true, &opt_service, NULL, &opt_services};
    opts[1] = (struct od_opt){"task", true, &opt_task, NULL, NULL};
    opts[2] = (struct od_opt){"container", true, &opt_container, NULL, NULL};
    opts[3] = (struct od_opt){"since", true, &opt_since, NULL, NULL};
    opts[4] = (struct od_opt){"follow", false, NULL, &opt_follow, NULL};
    opts[5] = (struct od_opt){"filter", true, &opt_filter, NULL, NULL};
    opts[6] = (struct od_opt){"log-group", true, &opt_log_group, NULL, &opt_log_groups};
    opts[7] = (struct od_opt){"poll-interval", true, &opt_poll, NULL, NULL};
    opts[8] = (struct od_opt){"overlap", true, &opt_overlap, NULL, NULL};
    opts[9] = (struct od_opt){"stats", false, NULL, &opt_stats, NULL};
    opts[10] = (struct od_opt){"rescan-interval", true, &opt_rescan, NULL, NULL};
    opts[11] = (struct od_opt){"all", false, NULL, &opt_all, NULL};
    return opts;
}

/* "ondeck: logs: TEXT" on stderr, inert. */
static void
note(const char *text)
{
    char *safe = sanitize_str(text);

    fprintf(stderr, "ondeck: logs: %s\n", safe);
    free(safe);
}

/* ---- output ---------------------------------------------------------------------------- */

static void
put_json_str(struct od_buf *b, const char *key, const char *v)
{
    buf_printf(b, ",\"%s\":", key);
    if (v != NULL)
        sanitize_json_string(b, v, strlen(v));
    else
        buf_puts(b, "null");
}

static void
format_json(struct od_buf *b, const struct follow_event *e)
{
    char when[32];

    since_format_ms(e->timestamp, when);
    buf_printf(b, "{\"timestamp\":%lld,\"time\":\"%s\",\"ingestionTime\":%lld",
               (long long)e->timestamp, when, (long long)e->ingestion_time);
    put_json_str(b, "source", e->label);
    put_json_str(b, "task", e->task_id);
    put_json_str(b, "container", e->container);
    put_json_str(b, "group", e->group);
    put_json_str(b, "stream", e->stream);
    put_json_str(b, "eventId", e->event_id);
    buf_puts(b, ",\"message\":");
    sanitize_json_string(b, e->message, e->message_len);
    buf_puts(b, "}\n");
}

static void
format_text(struct od_buf *b, const struct follow_event *e, bool several)
{
    char when[32];
    size_t len = e->message_len;

    since_format_ms(e->timestamp, when);
    buf_puts(b, when);
    buf_putc(b, ' ');
    if (several && e->label != NULL) {
        /* Several sources: which one, before the task/container. */
        sanitize_append(b, e->label, strlen(e->label));
        buf_putc(b, ' ');
    }
    if (e->task_id != NULL) {
        sanitize_append(b, e->task_id, strlen(e->task_id));
        buf_putc(b, '/');
        sanitize_append(b, e->container != NULL ? e->container : "-",
                        e->container != NULL ? strlen(e->container) : 1);
    } else {
        sanitize_append(b, e->stream, strlen(e->stream));
    }
    buf_putc(b, ' ');
    /* The newline most loggers end a line with is not part of what the operator reads. */
    if (len > 0 && e->message[len - 1] == '\n')
        len--;
    if (len > 0 && e->message[len - 1] == '\r')
        len--;
    sanitize_append_capped(b, e->message, len, SANITIZE_LINE_MAX, NULL);
    buf_putc(b, '\n');
}

static void
on_events(const struct follow_event *ev, size_t n, void *ud)
{
    struct logs_run *r = ud;

    if (r->out_closed)
        return;
    for (size_t i = 0; i < n; i++) {
        buf_reset(&r->line);
        if (r->json)
            format_json(&r->line, &ev[i]);
        else
            format_text(&r->line, &ev[i], r->m.n > 1);
        if (fwrite(r->line.data, 1, r->line.len, stdout) != r->line.len)
            break;
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        /* The reader went away (| head): stop quietly; anything else is an error. */
        if (errno != EPIPE) {
            fprintf(stderr, "ondeck: logs: writing output: %s\n", strerror(errno));
            r->failed = true;
        }
        r->out_closed = true;
        r->done = true;
    }
}

static void
on_status(const struct follow_status *st, void *ud)
{
    struct logs_run *r = ud;
    char *msg = st->err != NULL ? od_error_format(st->err) : NULL;
    char *safe = sanitize_str(msg);
    char *group = sanitize_str(st->group);

    switch (st->state) {
    case FOLLOW_RETRYING:
    case FOLLOW_THROTTLED:
        /* Transient: say so only once it lasts (the first retries are routine). */
        if (st->retry_in_ms >= 4000)
            fprintf(stderr, "ondeck: logs: %s: %s; retrying in %llu s\n", group, safe,
                    (unsigned long long)(st->retry_in_ms / 1000));
        break;
    case FOLLOW_WINDOW_SHRUNK:
        fprintf(stderr, "ondeck: logs: %s: too many events to remember; events arriving more "
                        "than a few seconds late may be missed\n", group);
        break;
    case FOLLOW_FAILED: {
        /* Several sources: name the ones this group costs (the others go on). */
        char *who = r->m.n > 1 ? logs_merge_who(&r->m, st->group) : NULL;

        if (who != NULL && str_eq(who, st->group)) {
            free(who); /* a --log-group source: its name says it already */
            who = NULL;
        }
        char *safe_who = who != NULL ? sanitize_str(who) : NULL;

        if (safe_who != NULL)
            fprintf(stderr, "ondeck: logs: %s (%s): %s\n", safe_who, group, safe);
        else
            fprintf(stderr, "ondeck: logs: %s: %s\n", group, safe);
        free(safe_who);
        free(who);
        r->failed = true;
        break;
    }
    case FOLLOW_DONE:
        r->failed |= st->any_failed;
        r->done = true;
        break;
    case FOLLOW_CAUGHT_UP:
        break;
    }
    free(group);
    free(safe);
    free(msg);
}

/* ---- resolving sources ----------------------------------------------------------------- */

static void resolve(struct logs_run *r);

static void
print_notes(const struct od_log_sources *s)
{
    for (size_t i = 0; i < s->nnotes; i++)
        note(s->notes[i]);
}

static bool
start_follow(struct logs_run *r, struct od_log_sources *src)
{
    struct od_cli *cli = r->cli;
    struct follow_opts o = {0};
    struct follow_cbs cbs = {on_events, on_status};
    struct od_error err = {0};
    uint64_t ms;

    o.start_ms = 0;
    if (!since_parse(opt_since != NULL ? opt_since : "10m", clock_wall_ms() + clock_skew_ms(),
                     &o.start_ms)) {
        cli_usage_error(cli, "--since wants a duration (10m, 2h, 1d) or an ISO time");
        return false;
    }
    o.end_ms = -1;
    o.filter = opt_filter;
    o.follow = opt_follow;
    if (opt_poll != NULL && since_parse_duration(opt_poll, &ms))
        o.poll_ms = ms;
    if (opt_overlap != NULL && since_parse_duration(opt_overlap, &ms))
        o.overlap_ms = ms;
    /* Streams that do not exist yet are looked for at least as often as tasks are. */
    if (r->rescan_ms < 30000)
        o.recheck_max_ms = r->rescan_ms;
    r->follow = follow_new(cli->aws, &o, &cbs, r);
    follow_add_sources(r->follow, src->v, src->n);
    if (follow_start(r->follow, &err) != OD_OK) {
        cli_print_error(cli, "logs", &err);
        od_error_clear(&err);
        return false;
    }
    return true;
}

/* Sources are known: start following, or add the streams of new tasks. */
static void
got_sources(struct logs_run *r)
{
    struct od_log_sources src = {0};
    struct od_error err = {0};

    if (logs_merge_build(&r->m, r->world, &src, &err) != OD_OK) {
        if (!r->resolved) {
            note(err.message != NULL ? err.message : od_strerror(err.err));
            r->failed = true;
            r->done = true;
        }
        od_error_clear(&err);
        return;
    }
    if (!r->resolved) {
        r->resolved = true;
        print_notes(&src);
        r->failed |= logs_merge_failed(&r->m) > 0; /* named in the notes; the others go on */
        if (src.n == 0) {
            fputs("ondeck: logs: nothing to read: no container logs to CloudWatch Logs "
                  "(see above; --log-group names a group by hand)\n",
                  stderr);
            r->failed = true;
            r->done = true;
        } else if (!start_follow(r, &src)) {
            r->failed = true;
            r->done = true;
        }
    } else if (r->follow != NULL) {
        follow_add_sources(r->follow, src.v, src.n);
    }
    sources_clear(&src);
}

static void
on_task_defs(const struct od_error *err, void *ud)
{
    struct logs_run *r = ud;

    r->fetch = NULL;
    r->resolving = false;
    if (err != NULL && !r->resolved) {
        char *m = od_error_format(err), *safe = sanitize_str(m);

        /* Not fatal: the tasks whose definition is missing are named by sources_build. */
        fprintf(stderr, "ondeck: logs: reading task definitions: %s\n", safe);
        free(safe);
        free(m);
    }
    got_sources(r);
}

static bool
tasks_ok(struct logs_run *r)
{
    const struct od_world *w = r->world;
    static const enum od_part parts[] = {OD_PART_SERVICES, OD_PART_TASKS};

    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        const struct od_part_state *ps = &w->parts[parts[i]];

        /* A part that failed on the first look holds nothing to go by (the commit of a
         * failed part marks it loaded, empty, and stale); later, the sources found stay. */
        if (ps->stale && (!ps->loaded || !r->resolved)) {
            if (!r->resolved) {
                char *safe = sanitize_str(ps->error);
                bool common = ps->cause == OD_E_CONFIG || ps->cause == OD_E_NO_CREDS ||
                              ps->cause == OD_E_EXPIRED_CREDS;

                /* One line, and a cause that is not the part's without its name. */
                if (common)
                    fprintf(stderr, "ondeck: logs: %s\n", safe[0] != '\0' ? safe : "failed");
                else
                    fprintf(stderr, "ondeck: logs: %s: %s\n", part_name(parts[i]),
                            safe[0] != '\0' ? safe : "failed");
                free(safe);
            }
            return false;
        }
    }
    return true;
}

static void
on_refreshed(void *ud)
{
    struct logs_run *r = ud;
    char **arns = NULL;
    size_t n = 0;

    if (!tasks_ok(r)) {
        r->resolving = false;
        if (!r->resolved) {
            r->failed = true;
            r->done = true;
        }
        return;
    }
    if (opt_all)
        logs_merge_add_all_services(&r->m, r->world); /* services created later join */
    logs_merge_missing_task_defs(&r->m, r->world, &arns, &n);
    r->fetch = sources_fetch_task_defs(r->cli->aws, r->world, arns, n, on_task_defs, r);
    arn_list_free(&arns, &n);
}

static void
resolve(struct logs_run *r)
{
    if (r->resolving)
        return;
    r->resolving = true;
    poller_refresh(r->poller, on_refreshed, r);
}

static void
on_resolve_timer(void *ud)
{
    struct logs_run *r = ud;

    r->resolve_timer = 0;
    if (!r->done)
        resolve(r);
    r->resolve_timer = loop_timer_add(r->cli->loop, r->rescan_ms, on_resolve_timer, r);
}

/* The reader of a pipe went away (| head) while no event came to write: stop now rather
 * than at the next write. Poll reports POLLERR/POLLHUP whatever is asked; the loop needs some
 * event to watch an fd, and POLLPRI is one that a pipe, a terminal or a file never raises. */
static void
on_stdout(int fd, short revents, void *ud)
{
    struct logs_run *r = ud;

    if (revents & (POLLERR | POLLHUP | POLLNVAL)) {
        r->out_closed = true;
        r->done = true;
    }
    loop_unwatch_fd(r->cli->loop, fd); /* once is enough (and POLLPRI must not spin) */
}

static void
on_signal(int signo, void *ud)
{
    struct logs_run *r = ud;

    (void)signo;
    r->interrupted = true;
    r->done = true;
}

static void
print_stats(const struct logs_run *r)
{
    struct follow_stats st;

    if (r->follow == NULL)
        return;
    follow_get_stats(r->follow, &st);
    fprintf(stderr,
            "ondeck: logs: delivered %llu, duplicates dropped %llu, late %llu, calls %llu, "
            "pages %llu, retries %llu, passes %llu, queries %zu, streams not there yet %zu, "
            "stream lookups %llu, token restarts %llu\n",
            (unsigned long long)st.delivered, (unsigned long long)st.duplicates,
            (unsigned long long)st.late, (unsigned long long)st.calls,
            (unsigned long long)st.pages, (unsigned long long)st.retries,
            (unsigned long long)st.passes, st.queries, st.waiting,
            (unsigned long long)st.probes, (unsigned long long)st.token_restarts);
}

/* One pass over a task that has not logged yet reads nothing from it: say so, once. */
static void
note_waiting(const struct logs_run *r)
{
    struct follow_stats st;

    if (r->follow == NULL || opt_follow || r->interrupted || r->out_closed)
        return;
    follow_get_stats(r->follow, &st);
    if (st.waiting > 0)
        fprintf(stderr, "ondeck: logs: %zu log stream%s did not exist (tasks that have not "
                        "logged yet)\n", st.waiting, st.waiting == 1 ? "" : "s");
}

static size_t
count_list(const char **list)
{
    size_t n = 0;

    while (list != NULL && list[n] != NULL)
        n++;
    return n;
}

/* What to read. One --service (or --task) with one --log-group reads the service's streams
 * from that group (the manual fallback); otherwise each --log-group is one more source. */
static void
set_origins(struct logs_merge *m)
{
    size_t nsvc = count_list(opt_services), ngroups = count_list(opt_log_groups);
    bool override = !opt_all && ngroups == 1 && (opt_task != NULL ? nsvc <= 1 : nsvc == 1);

    logs_merge_init(m);
    m->container = opt_container;
    m->override_group = override ? opt_log_groups[0] : NULL;
    if (opt_task != NULL) {
        m->task_service = opt_service;
        logs_merge_add(m, MERGE_TASK, opt_task);
    } else {
        for (size_t i = 0; i < nsvc; i++)
            logs_merge_add(m, MERGE_SERVICE, opt_services[i]);
    }
    for (size_t i = 0; !override && i < ngroups; i++)
        logs_merge_add(m, MERGE_GROUP, opt_log_groups[i]);
}

static int
run_logs(struct od_cli *cli)
{
    struct logs_run r = {0};
    struct od_error err = {0};
    uint64_t ms;
    int64_t t;

    if (cli->nargs > 0)
        return cli_usage_error(cli, "unexpected argument '%s'", cli->args[0]);
    if (opt_service == NULL && opt_task == NULL && opt_log_group == NULL && !opt_all)
        return cli_usage_error(cli, "say which logs: --service NAME, --task ID, --log-group G "
                                    "or --all");
    if ((opt_service != NULL || opt_task != NULL || opt_all) && str_empty(cli->g.cluster))
        return cli_usage_error(cli, "--cluster is required with --service, --task or --all");
    if (opt_container != NULL && opt_service == NULL && opt_task == NULL && !opt_all)
        return cli_usage_error(cli, "--container needs --service, --task or --all");
    if (opt_task != NULL && (count_list(opt_services) > 1 || opt_all))
        return cli_usage_error(cli, "--task goes with one --service at most");
    if (opt_since != NULL && !since_parse(opt_since, 0, &t))
        return cli_usage_error(cli, "--since wants a duration (10m, 2h, 1d) or an ISO time");
    if ((opt_poll != NULL && !since_parse_duration(opt_poll, &ms)) ||
        (opt_overlap != NULL && !since_parse_duration(opt_overlap, &ms)))
        return cli_usage_error(cli, "--poll-interval and --overlap want a duration (2s, 500ms)");
    r.rescan_ms = RESOLVE_EVERY_MS;
    if (opt_rescan != NULL && (!since_parse_duration(opt_rescan, &r.rescan_ms) ||
                               r.rescan_ms < 100))
        return cli_usage_error(cli, "--rescan-interval wants a duration of 100ms or more");
    if (opt_filter != NULL && strlen(opt_filter) > 1024)
        return cli_usage_error(cli, "--filter is longer than 1024 characters");
    if (!cli_aws(cli))
        return OD_EXIT_ERROR;

    r.cli = cli;
    r.json = cli_json(cli);
    set_origins(&r.m);
    buf_init(&r.line, 0);

    /* SIGINT/SIGTERM end a follow cleanly; a closed pipe is seen as EPIPE on write. */
    if (signals_install(cli->loop, &err) != OD_OK) {
        cli_print_error(cli, "logs", &err);
        od_error_clear(&err);
        buf_free(&r.line);
        return OD_EXIT_ERROR;
    }
    signals_on(SIGINT, on_signal, &r);
    signals_on(SIGTERM, on_signal, &r);
    signal(SIGPIPE, SIG_IGN);
    if (opt_follow)
        loop_watch_fd(cli->loop, STDOUT_FILENO, POLLPRI, on_stdout, &r);

    if (logs_merge_needs_world(&r.m) || opt_all) {
        struct od_poller_opts po = {0};

        r.world = world_new(cli->aws->region, cli->g.cluster);
        po.cluster = cli->g.cluster;
        po.settings = cli->settings;
        po.parts = POLL_PART(OD_PART_SERVICES) | POLL_PART(OD_PART_TASKS) |
                   POLL_PART(OD_PART_STOPPED_TASKS);
        r.poller = poller_new(cli->aws, r.world, &po);
        resolve(&r);
        if (opt_follow)
            r.resolve_timer = loop_timer_add(cli->loop, r.rescan_ms, on_resolve_timer, &r);
    } else {
        struct od_log_sources src = {0};

        if (logs_merge_build(&r.m, NULL, &src, &err) != OD_OK || !start_follow(&r, &src)) {
            if (err.err != OD_OK)
                cli_print_error(cli, "logs", &err);
            r.failed = true;
            r.done = true;
        }
        r.resolved = true;
        print_notes(&src);
        r.failed |= logs_merge_failed(&r.m) > 0;
        sources_clear(&src);
        od_error_clear(&err);
    }
    loop_run_until(cli->loop, &r.done);

    if (opt_stats)
        print_stats(&r);
    note_waiting(&r);
    if (opt_follow)
        loop_unwatch_fd(cli->loop, STDOUT_FILENO);
    loop_timer_cancel(cli->loop, r.resolve_timer);
    sources_fetch_cancel(&r.fetch);
    follow_free(&r.follow);
    poller_free(&r.poller);
    world_free(&r.world);
    signals_uninstall();
    buf_free(&r.line);
    logs_merge_free(&r.m);
    free(opt_services);
    free(opt_log_groups);
    opt_services = opt_log_groups = NULL;
    /* SIGINT/SIGTERM end a follow normally: 0 unless something failed before. */
    return r.failed ? OD_EXIT_ERROR : OD_EXIT_OK;
}

const struct od_command cmd_logs = {
    .name = "logs",
    .summary = "print or follow the CloudWatch logs of services, a task or log groups",
    .usage = "(--service NAME... | --all | --task ID | --log-group G...) [--container NAME]\n"
             "       [--since 10m|ISO]\n"
             "       [--follow] [--filter PATTERN] [--json] [--poll-interval 2s] [--overlap 30s]\n"
             "       [--stats] [--rescan-interval 60s]",
    .options = logs_options,
    .run = run_logs,
};
