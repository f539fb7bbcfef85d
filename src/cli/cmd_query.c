/* ondeck query: run one CloudWatch Logs Insights query and print its rows (a table, or one
 * JSON document), with what it cost (records and bytes scanned).
 *
 * StartQuery, then GetQueryResults every --poll-interval through the loop until the status
 * is no longer Scheduled or Running, then the rest of a Complete query's pages (nextToken).
 * A query left running keeps scanning (and billing) on
 * AWS's side until its 60-minute limit, so every way out while it runs (Ctrl-C, SIGTERM, a
 * GetQueryResults that fails for good) sends StopQuery first and waits for its answer. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/logs_insights.h"
#include "cli/cli.h"
#include "logs/insights_run.h"
#include "logs/since.h"
#include "loop/signals.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

#define QUERY_POLL_MS 1000
#define CELL_MAX 40 /* display width of a column that is not the last */

static const char *opt_since, *opt_start, *opt_end, *opt_limit, *opt_poll;
static const char **opt_groups;

enum query_phase { PH_RUNNING, PH_STOPPING, PH_DONE };

struct query_run {
    struct od_cli *cli;
    struct insights_run *run;
    enum query_phase phase;
    bool done;
    const char *query;
    int64_t start_s, end_s;
    uint64_t poll_ms;
    int rc;
};

static const struct od_opt *
query_options(struct od_cli *cli)
{
    static struct od_opt opts[7];

    (void)cli;
    opt_since = opt_start = opt_end = opt_limit = opt_poll = NULL;
    free(opt_groups);
    opt_groups = NULL;
    opts[0] = (struct od_opt){"log-group", true, NULL, NULL, &opt_groups};
    opts[1] = (struct od_opt){"since", true, &opt_since, NULL, NULL};
    opts[2] = (struct od_opt){"start-time", true, &opt_start, NULL, NULL};
    opts[3] = (struct od_opt){"end-time", true, &opt_end, NULL, NULL};
    opts[4] = (struct od_opt){"limit", true, &opt_limit, NULL, NULL};
    opts[5] = (struct od_opt){"poll-interval", true, &opt_poll, NULL, NULL};
    return opts;
}

/* "ondeck: query: TEXT" on stderr (TEXT is ours; AWS words go through sanitize first). */
static void
say(const char *text)
{
    fprintf(stderr, "ondeck: query: %s\n", text);
}

/* ---- output ---------------------------------------------------------------------------- */

/* The columns: every field in order of first appearance, "@ptr" (an opaque record id) left
 * to --json. */
static size_t
collect_fields(const struct insights_results *res, const char ***out, bool with_ptr)
{
    const char **v = NULL;
    size_t n = 0;

    for (size_t i = 0; i < res->nrows; i++) {
        for (size_t k = 0; k < res->rows[i].n; k++) {
            const char *name = res->rows[i].f[k].name;
            bool seen = false;

            if (!with_ptr && str_eq(name, "@ptr"))
                continue;
            for (size_t j = 0; j < n && !seen; j++)
                seen = str_eq(v[j], name);
            if (!seen) {
                v = xreallocarray(v, n + 1, sizeof *v);
                v[n++] = name;
            }
        }
    }
    *out = v;
    return n;
}

static const struct insights_field *
row_field(const struct insights_row *row, const char *name)
{
    for (size_t k = 0; k < row->n; k++)
        if (str_eq(row->f[k].name, name))
            return &row->f[k];
    return NULL;
}

/* Display width of inert text: one column per code point (sanitize leaves printable UTF-8
 * and ASCII escapes only). */
static size_t
text_width(const char *s, size_t len)
{
    size_t w = 0;

    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            w++;
    return w;
}

/* The inert cell text, cut at width code points with "~" marking the cut. */
static void
cell_text(struct od_buf *b, const char *s, size_t len, size_t width)
{
    size_t w = 0, i = 0;
    struct od_buf t;

    buf_init(&t, 0);
    sanitize_append_capped(&t, s, len, SANITIZE_LINE_MAX, NULL);
    if (width == 0 || text_width(t.data != NULL ? t.data : "", t.len) <= width) {
        buf_append(b, t.data != NULL ? t.data : "", t.len);
        buf_free(&t);
        return;
    }
    for (i = 0; i < t.len; i++) {
        if (((unsigned char)t.data[i] & 0xc0) != 0x80 && ++w == width)
            break;
    }
    buf_append(b, t.data, i);
    buf_putc(b, '~');
    buf_free(&t);
}

static void
print_table(const struct insights_results *res)
{
    const char **cols = NULL;
    size_t ncols = collect_fields(res, &cols, false);
    size_t *width;
    struct od_buf line, cell;

    if (ncols == 0 || res->nrows == 0) {
        free(cols);
        return;
    }
    width = xcalloc(ncols, sizeof *width);
    buf_init(&line, 0);
    buf_init(&cell, 0);
    for (size_t c = 0; c < ncols; c++) {
        width[c] = text_width(cols[c], strlen(cols[c]));
        for (size_t i = 0; i < res->nrows; i++) {
            const struct insights_field *f = row_field(&res->rows[i], cols[c]);

            buf_reset(&cell);
            if (f != NULL)
                cell_text(&cell, f->value, f->value_len, CELL_MAX);
            if (text_width(buf_cstr(&cell), cell.len) > width[c])
                width[c] = text_width(buf_cstr(&cell), cell.len);
        }
        if (width[c] > CELL_MAX)
            width[c] = CELL_MAX;
    }
    for (size_t i = 0; i <= res->nrows; i++) {
        buf_reset(&line);
        for (size_t c = 0; c < ncols; c++) {
            bool last = c + 1 == ncols;
            size_t w;

            buf_reset(&cell);
            if (i == 0) {
                cell_text(&cell, cols[c], strlen(cols[c]), last ? 0 : width[c]);
            } else {
                const struct insights_field *f = row_field(&res->rows[i - 1], cols[c]);

                if (f != NULL)
                    cell_text(&cell, f->value, f->value_len, last ? 0 : width[c]);
            }
            buf_append(&line, buf_cstr(&cell), cell.len);
            if (last)
                break;
            for (w = text_width(buf_cstr(&cell), cell.len); w < width[c] + 2; w++)
                buf_putc(&line, ' ');
        }
        buf_putc(&line, '\n');
        if (fwrite(line.data, 1, line.len, stdout) != line.len)
            break;
    }
    buf_free(&cell);
    buf_free(&line);
    free(width);
    free(cols);
}

static void
human_bytes(double b, char out[32])
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    size_t u = 0;

    while (b >= 1024 && u + 1 < sizeof units / sizeof units[0]) {
        b /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(out, 32, "%.0f B", b);
    else
        snprintf(out, 32, "%.1f %s", b, units[u]);
}

/* The cost line, on stderr so that stdout stays the table. */
static void
print_stats(const struct insights_results *res)
{
    char bytes[32];

    if (!res->stats.have) {
        fprintf(stderr, "ondeck: query: %zu row%s (no statistics in the answer)\n", res->nrows,
                res->nrows == 1 ? "" : "s");
        return;
    }
    human_bytes(res->stats.bytes_scanned, bytes);
    fprintf(stderr, "ondeck: query: %zu row%s; %.0f records matched, %.0f scanned, %s scanned\n",
            res->nrows, res->nrows == 1 ? "" : "s", res->stats.records_matched,
            res->stats.records_scanned, bytes);
}

static void
json_str_member(struct od_buf *b, const char *key, const char *v, size_t len)
{
    buf_printf(b, "\"%s\":", key);
    sanitize_json_string(b, v, len);
}

static void
print_json(const struct query_run *r, const struct insights_results *res)
{
    const char **cols = NULL;
    size_t ncols = collect_fields(res, &cols, true);
    struct od_buf b;
    const char *status = res->status_word != NULL ? res->status_word : "";

    buf_init(&b, 0);
    buf_puts(&b, "{");
    json_str_member(&b, "queryId", insights_run_query_id(r->run),
                    strlen(insights_run_query_id(r->run)));
    buf_putc(&b, ',');
    json_str_member(&b, "status", status, strlen(status));
    buf_putc(&b, ',');
    json_str_member(&b, "queryString", r->query, strlen(r->query));
    buf_puts(&b, ",\"logGroups\":[");
    for (size_t i = 0; opt_groups[i] != NULL; i++) {
        if (i > 0)
            buf_putc(&b, ',');
        sanitize_json_string(&b, opt_groups[i], strlen(opt_groups[i]));
    }
    buf_printf(&b, "],\"startTime\":%lld,\"endTime\":%lld", (long long)r->start_s,
               (long long)r->end_s);
    if (res->stats.have)
        buf_printf(&b, ",\"statistics\":{\"recordsMatched\":%.0f,\"recordsScanned\":%.0f,"
                       "\"bytesScanned\":%.0f}",
                   res->stats.records_matched, res->stats.records_scanned,
                   res->stats.bytes_scanned);
    else
        buf_puts(&b, ",\"statistics\":null");
    /* partial: a results page after the first failed; truncated: stopped at the cap */
    buf_printf(&b, ",\"partial\":%s,\"truncated\":%s,\"pages\":%zu",
               res->partial ? "true" : "false", res->capped ? "true" : "false", res->pages);
    buf_puts(&b, ",\"fields\":[");
    for (size_t c = 0; c < ncols; c++) {
        if (c > 0)
            buf_putc(&b, ',');
        sanitize_json_string(&b, cols[c], strlen(cols[c]));
    }
    buf_puts(&b, "],\"results\":[");
    for (size_t i = 0; i < res->nrows; i++) {
        buf_puts(&b, i > 0 ? ",{" : "{");
        for (size_t k = 0; k < res->rows[i].n; k++) {
            const struct insights_field *f = &res->rows[i].f[k];

            if (k > 0)
                buf_putc(&b, ',');
            sanitize_json_string(&b, f->name, strlen(f->name));
            buf_putc(&b, ':');
            sanitize_json_string(&b, f->value, f->value_len);
        }
        buf_putc(&b, '}');
    }
    buf_puts(&b, "]}\n");
    fwrite(b.data, 1, b.len, stdout);
    buf_free(&b);
    free(cols);
}

/* ---- the query's life (logs/insights_run.c) -------------------------------------------- */

static void
finish(struct query_run *r, int rc)
{
    r->rc = rc;
    r->phase = PH_DONE;
    r->done = true;
}

static void
say_status(const char *word)
{
    char *safe = sanitize_str(word);

    fprintf(stderr, "ondeck: query: unexpected query status '%s'\n", safe);
    free(safe);
}

/* The query ended: print what it gave, say how it ended. */
static void
ended(struct query_run *r, const struct insights_results *res)
{
    bool json = cli_json(r->cli);
    int rc = OD_EXIT_ERROR;

    if (json)
        print_json(r, res);
    else
        print_table(res);
    fflush(stdout);
    switch (res->status) {
    case INSIGHTS_COMPLETE:
        rc = OD_EXIT_OK;
        break;
    case INSIGHTS_FAILED:
        say("the query failed (CloudWatch Logs gives no reason: check the query's syntax, "
            "its fields and the log groups)");
        break;
    case INSIGHTS_CANCELLED:
        say("the query was cancelled (stopped by StopQuery from elsewhere); the rows above "
            "are what it had found");
        break;
    case INSIGHTS_TIMEOUT:
        say("the query timed out (CloudWatch Logs ends a query after 60 minutes); narrow "
            "--since or the log groups");
        break;
    case INSIGHTS_UNKNOWN:
        say("CloudWatch Logs reports the query's status as Unknown; its results are not "
            "available (run it again)");
        break;
    default:
        say_status(res->status_word);
        break;
    }
    if (res->capped)
        fprintf(stderr, "ondeck: query: stopped at %d rows (the most GetQueryResults pages "
                        "give); narrow the query for the rest\n", INSIGHTS_MAX_RESULTS);
    if (!json)
        print_stats(res);
    finish(r, rc);
}

/* A results page after the first failed: the rows read are printed, marked partial. */
static void
ended_partial(struct query_run *r, const struct insights_results *res, const struct od_error *err)
{
    if (cli_json(r->cli))
        print_json(r, res);
    else
        print_table(res);
    fflush(stdout);
    cli_print_error(r->cli, "query: GetQueryResults", err);
    fprintf(stderr, "ondeck: query: partial results: %zu row%s from %zu page%s; the next page "
                    "failed (run the query again for all of them)\n",
            res->nrows, res->nrows == 1 ? "" : "s", res->pages, res->pages == 1 ? "" : "s");
    finish(r, OD_EXIT_ERROR);
}

static void
on_query(const struct insights_results *res, const struct od_error *err, bool done, void *ud)
{
    struct query_run *r = ud;

    if (!done)
        return; /* partial rows while Running: only the final answer is printed */
    if (err != NULL && err->err != OD_OK && res->partial) {
        ended_partial(r, res, err);
        return;
    }
    if (err != NULL && err->err != OD_OK) {
        /* The run has sent StopQuery if the query may still be running; run_query waits
         * for the calls in flight before it returns. */
        char *what = xasprintf("query: %s", insights_run_failed_op(r->run));

        cli_print_error(r->cli, what, err);
        free(what);
        finish(r, OD_EXIT_ERROR);
        return;
    }
    ended(r, res);
}

static void
on_stopped(bool stopped, const struct od_error *err, void *ud)
{
    struct query_run *r = ud;

    /* An error here mostly means the query ended meanwhile ("not running"): nothing is left
     * running either way, but say what AWS said. */
    if (err != NULL)
        cli_print_error(r->cli, "query: StopQuery", err);
    say(stopped ? "interrupted; the query was stopped (StopQuery)"
                : "interrupted; StopQuery did not confirm the stop");
    finish(r, OD_EXIT_ERROR);
}

static void
on_signal(int signo, void *ud)
{
    struct query_run *r = ud;

    (void)signo;
    switch (r->phase) {
    case PH_RUNNING:
        r->phase = PH_STOPPING;
        if (!insights_run_stop(r->run, on_stopped, r)) {
            say("interrupted while reading the results' pages (the query had completed)");
            finish(r, OD_EXIT_ERROR);
        }
        break;
    case PH_STOPPING: /* a second Ctrl-C: leave as soon as StopQuery is answered */
        say("interrupted again; leaving once StopQuery is answered (Ctrl-C again quits now)");
        finish(r, OD_EXIT_ERROR);
        break;
    case PH_DONE:
        break;
    }
}

/* ---- the command ----------------------------------------------------------------------- */

static bool
parse_range(struct od_cli *cli, struct query_run *r)
{
    int64_t now = clock_wall_ms() + clock_skew_ms(), start_ms, end_ms = now;

    if (opt_since != NULL && opt_start != NULL) {
        cli_usage_error(cli, "--since and --start-time say the same thing: give one");
        return false;
    }
    if (!since_parse(opt_start != NULL ? opt_start : opt_since != NULL ? opt_since : "1h", now,
                     &start_ms)) {
        cli_usage_error(cli, "%s wants a duration (10m, 2h, 1d) or an ISO time",
                        opt_start != NULL ? "--start-time" : "--since");
        return false;
    }
    if (opt_end != NULL && !since_parse(opt_end, now, &end_ms)) {
        cli_usage_error(cli, "--end-time wants a duration back from now (10m) or an ISO time");
        return false;
    }
    if (end_ms < start_ms) {
        cli_usage_error(cli, "the time range ends before it starts");
        return false;
    }
    r->start_s = start_ms / 1000;
    r->end_s = (end_ms + 999) / 1000; /* whole seconds that still hold the last millisecond */
    return true;
}

static int
check_args(struct od_cli *cli, struct query_run *r, long *limit)
{
    size_t ngroups = 0;

    if (cli->nargs == 0)
        return cli_usage_error(cli, "say the query: ondeck query --log-group G 'fields ...'");
    if (cli->nargs > 1)
        return cli_usage_error(cli, "one query, as one argument (quote it): unexpected '%s'",
                               cli->args[1]);
    r->query = cli->args[0];
    if (str_empty(r->query) || strlen(r->query) > INSIGHTS_MAX_QUERY)
        return cli_usage_error(cli, "the query must be 1 to %d characters", INSIGHTS_MAX_QUERY);
    while (opt_groups != NULL && opt_groups[ngroups] != NULL)
        ngroups++;
    if (ngroups == 0)
        return cli_usage_error(cli, "say which logs: --log-group G (repeatable)");
    if (ngroups > INSIGHTS_MAX_GROUPS)
        return cli_usage_error(cli, "at most %d --log-group per query", INSIGHTS_MAX_GROUPS);
    for (size_t i = 0; i < ngroups; i++)
        if (str_empty(opt_groups[i]))
            return cli_usage_error(cli, "--log-group wants a name");
    *limit = 0;
    if (opt_limit != NULL &&
        (!str_to_long(opt_limit, limit) || *limit < 1 || *limit > INSIGHTS_MAX_LIMIT))
        return cli_usage_error(cli, "--limit wants a number from 1 to %d", INSIGHTS_MAX_LIMIT);
    r->poll_ms = QUERY_POLL_MS;
    if (opt_poll != NULL && (!since_parse_duration(opt_poll, &r->poll_ms) || r->poll_ms < 100))
        return cli_usage_error(cli, "--poll-interval wants a duration of 100ms or more");
    if (!parse_range(cli, r))
        return OD_EXIT_USAGE;
    return OD_EXIT_OK;
}

static int
run_query(struct od_cli *cli)
{
    struct query_run r = {0};
    struct insights_run_opts o = {0};
    struct od_error err = {0};
    long limit;
    size_t ngroups = 0;
    int rc = check_args(cli, &r, &limit);

    if (rc != OD_EXIT_OK)
        return rc;
    if (!cli_aws(cli))
        return OD_EXIT_ERROR;
    while (opt_groups[ngroups] != NULL)
        ngroups++;
    r.cli = cli;
    r.rc = OD_EXIT_ERROR;
    if (signals_install(cli->loop, &err) != OD_OK) {
        cli_print_error(cli, "query", &err);
        od_error_clear(&err);
        return OD_EXIT_ERROR;
    }
    signals_on(SIGINT, on_signal, &r);
    signals_on(SIGTERM, on_signal, &r);
    signal(SIGPIPE, SIG_IGN);

    o.groups = opt_groups;
    o.ngroups = ngroups;
    o.start_s = r.start_s;
    o.end_s = r.end_s;
    o.query = r.query;
    o.limit = (int)limit;
    o.poll_ms = r.poll_ms;
    r.run = insights_run_start(cli->aws, &o, on_query, &r, &err);
    if (r.run == NULL) {
        cli_print_error(cli, "query: StartQuery", &err);
        od_error_clear(&err);
        finish(&r, OD_EXIT_ERROR);
    }
    loop_run_until(cli->loop, &r.done);

    signals_uninstall();
    insights_run_free(&r.run);
    /* A StopQuery the run sent on its way out (a failed poll, or a Ctrl-C that did not wait
     * for the answer) goes out before the process does. */
    aws_wait_idle(cli->aws);
    free(opt_groups);
    opt_groups = NULL;
    return r.rc;
}

const struct od_command cmd_query = {
    .name = "query",
    .summary = "run a CloudWatch Logs Insights query and print its rows and what it scanned",
    .usage = "--log-group G [--log-group G2 ...] [--since 1h | --start-time T] [--end-time T]\n"
             "       [--limit N] [--poll-interval 1s] [--json] 'QUERY'",
    .options = query_options,
    .run = run_query,
};
