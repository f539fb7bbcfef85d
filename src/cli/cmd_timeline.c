/* `ondeck timeline`: one read of the cluster (services with their events and deployments,
 * stopped tasks, target health, alarms, invalidations) and of the alarm history, merged into
 * the timeline kept on disk, then the entries printed oldest first. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/audit.h"
#include "aws/proto_json.h"
#include "aws/sts.h"
#include "cli/cli.h"
#include "logs/since.h"
#include "model/world.h"
#include "poller/poller.h"
#include "timeline/collect.h"
#include "timeline/history.h"
#include "timeline/store.h"
#include "util/clock.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

#define TIMELINE_PARTS                                                                             \
    (POLL_PART(OD_PART_SERVICES) | POLL_PART(OD_PART_STOPPED_TASKS) |                              \
     POLL_PART(OD_PART_TARGETS) | POLL_PART(OD_PART_ALARMS) | POLL_PART(OD_PART_DISTRIBUTIONS))

static const char *opt_service;
static const char *opt_since;

static const struct od_opt *
opts_timeline(struct od_cli *cli)
{
    static struct od_opt o[3];

    (void)cli;
    o[0] = (struct od_opt){"service", true, &opt_service, NULL, NULL};
    o[1] = (struct od_opt){"since", true, &opt_since, NULL, NULL};
    return o;
}

struct wait_ident {
    bool done;
    char *account;
    char *error;
};

static void
on_identity(const struct od_identity *id, const struct od_error *err, void *ud)
{
    struct wait_ident *w = ud;

    if (err != NULL && err->err != OD_OK)
        w->error = od_error_format(err);
    else if (id != NULL && id->account != NULL)
        w->account = xstrdup(id->account);
    w->done = true;
}

struct wait_history {
    bool done;
    struct od_alarm_change *v;
    size_t n;
    char *error;
    bool denied;
};

static void
on_history(struct od_alarm_change *c, size_t n, const struct od_error *err, void *ud)
{
    struct wait_history *w = ud;

    if (err != NULL) {
        w->error = od_error_format(err);
        w->denied = err->code != NULL && strstr(err->code, "AccessDenied") != NULL;
    }
    w->v = c;
    w->n = n;
    w->done = true;
}

static void
on_refreshed(void *ud)
{
    *(bool *)ud = true;
}

static bool
wanted(const struct tl_entry *e, double since)
{
    /* A service's timeline holds the cluster's own lines too (an invalidation in front of
     * every service, an action on no service). */
    if (opt_service != NULL && e->service != NULL && !str_eq(e->service, opt_service))
        return false;
    return e->at >= since;
}

static void
print_text(const struct tl_store *s, double since)
{
    for (size_t i = 0; i < s->n; i++) {
        const struct tl_entry *e = &s->v[i];
        char when[21], *text, *svc, *src;

        if (!wanted(e, since))
            continue;
        /* Inert again: the file is ours, but a hand may have edited it. */
        clock_format_iso((time_t)e->at, when);
        text = sanitize_str(e->text);
        svc = sanitize_str(e->service != NULL ? e->service : "-");
        src = sanitize_str(e->source);
        printf("%s  %-14s %-20s %s\n", when, src, svc, text);
        free(src);
        free(svc);
        free(text);
    }
}

static void
print_json(const struct tl_store *s, const char *cluster, double since)
{
    cJSON *doc = json_new_object(), *arr;
    char when[21], *raw, *safe;

    json_add_str(doc, "cluster", cluster);
    if (opt_service != NULL)
        json_add_str(doc, "service", opt_service);
    else
        cJSON_AddNullToObject(doc, "service");
    if (since > 0) {
        clock_format_iso((time_t)since, when);
        json_add_str(doc, "since", when);
    } else {
        cJSON_AddNullToObject(doc, "since");
    }
    json_add_str(doc, "file", s->path);
    arr = json_add_array(doc, "entries");
    for (size_t i = 0; i < s->n; i++) {
        const struct tl_entry *e = &s->v[i];
        cJSON *o;

        if (!wanted(e, since))
            continue;
        o = json_push_object(arr);
        clock_format_iso((time_t)e->at, when);
        json_add_str(o, "time", when);
        json_add_num(o, "at", e->at);
        json_add_str(o, "source", e->source);
        if (e->service != NULL)
            json_add_str(o, "service", e->service);
        else
            cJSON_AddNullToObject(o, "service");
        json_add_str(o, "text", e->text);
        if (e->ref_kind != TL_REF_NONE && e->ref != NULL) {
            json_add_str(o, "ref_kind", tl_ref_name(e->ref_kind));
            json_add_str(o, "ref", e->ref);
        } else {
            cJSON_AddNullToObject(o, "ref_kind");
            cJSON_AddNullToObject(o, "ref");
        }
    }
    raw = cJSON_Print(doc);
    safe = sanitize_json_text(raw);
    puts(safe);
    free(safe);
    free(raw);
    cJSON_Delete(doc);
}

/* Say each stale part once; the services are the timeline's spine, the rest cost only
 * their own lines. */
static int
report_stale(const struct od_world *w)
{
    int rc = OD_EXIT_OK;

    for (int p = 0; p < OD_PART__COUNT; p++) {
        const struct od_part_state *ps = &w->parts[p];
        char *why;

        if (!ps->stale)
            continue;
        why = sanitize_str(ps->error != NULL ? ps->error : "failed");
        fprintf(stderr, "ondeck: %s: %s\n", part_name((enum od_part)p), why);
        free(why);
        if (p == OD_PART_SERVICES || ps->denied == NULL)
            rc = OD_EXIT_ERROR;
    }
    return rc;
}

static int
run_timeline(struct od_cli *cli)
{
    const char *cluster = cli->g.cluster;
    struct wait_ident ident = {0};
    struct wait_history hist = {0};
    struct od_poller_opts popts = {0};
    struct od_world *world = NULL;
    struct od_poller *poller = NULL;
    struct tl_store store = {0};
    struct tl_limits lim;
    struct od_error err = {0};
    int64_t now_ms = clock_wall_ms(), since_ms = 0;
    double now = (double)now_ms / 1000.0;
    char *path = NULL, *notice = NULL, *audit = NULL;
    bool refreshed = false;
    int rc = OD_EXIT_OK;

    if (str_empty(cluster))
        return cli_usage_error(cli, "--cluster is required");
    if (opt_since != NULL && !since_parse(opt_since, now_ms, &since_ms))
        return cli_usage_error(cli, "--since: '%s' is neither a duration (2h, 1d) nor a time",
                               opt_since);
    if (!cli_aws(cli))
        return OD_EXIT_ERROR;
    tl_limits_from_settings(cli->settings, &lim);

    /* The account names the file: a timeline is never mixed across accounts. */
    if (sts_get_caller_identity(cli->aws, on_identity, &ident, &err) != OD_OK) {
        cli_print_error(cli, "identity", &err);
        od_error_clear(&err);
        return OD_EXIT_ERROR;
    }
    loop_run_until(cli->loop, &ident.done);
    if (ident.account == NULL) {
        char *why = sanitize_str(ident.error != NULL ? ident.error : "no account in the answer");

        fprintf(stderr, "ondeck: identity: %s\n", why);
        free(why);
        free(ident.error);
        return OD_EXIT_ERROR;
    }

    world = world_new(cli->aws->region, cluster);
    popts.cluster = cluster;
    popts.settings = cli->settings;
    popts.parts = TIMELINE_PARTS;
    poller = poller_new(cli->aws, world, &popts);
    poller_refresh(poller, on_refreshed, &refreshed);
    if (tl_history_fetch(cli->aws, now - lim.max_age_s, on_history, &hist, NULL, &err) != OD_OK) {
        hist.error = od_error_format(&err);
        hist.done = true;
        od_error_clear(&err);
    }
    loop_run_until(cli->loop, &refreshed);
    loop_run_until(cli->loop, &hist.done);
    rc = report_stale(world);
    if (hist.error != NULL) {
        char *why = sanitize_str(hist.error);

        fprintf(stderr, "ondeck: alarm history: %s\n", why);
        free(why);
        if (!hist.denied)
            rc = OD_EXIT_ERROR;
    }

    path = tl_store_path(ident.account, cli->aws->region, cluster);
    if (tl_store_load(&store, path, &notice, &err) != OD_OK) {
        cli_print_error(cli, "timeline", &err);
        od_error_clear(&err);
        rc = OD_EXIT_ERROR;
        goto out;
    }
    if (notice != NULL) {
        char *safe = sanitize_str(notice);

        fprintf(stderr, "ondeck: %s\n", safe);
        free(safe);
    }
    audit = audit_path(cli->settings);
    tl_collect_world(&store, world);
    tl_collect_alarms(&store, world, hist.v, hist.n);
    tl_collect_audit(&store, audit, world);
    tl_store_prune(&store, &lim, now);
    if (tl_store_save(&store, &err) != OD_OK) {
        cli_print_error(cli, "timeline", &err); /* the lines are still worth printing */
        od_error_clear(&err);
        rc = OD_EXIT_ERROR;
    }
    if (cli_json(cli))
        print_json(&store, cluster, (double)since_ms / 1000.0);
    else
        print_text(&store, (double)since_ms / 1000.0);
out:
    tl_store_free(&store);
    tl_history_changes_free(hist.v, hist.n);
    free(hist.error);
    free(ident.account);
    free(ident.error);
    free(notice);
    free(audit);
    free(path);
    poller_free(&poller);
    world_free(&world);
    return rc;
}

const struct od_command cmd_timeline = {
    .name = "timeline",
    .summary = "what happened to a cluster or service, oldest first, kept on disk",
    .usage = "--cluster C [--service S] [--since 2h|TIME] [--json]",
    .options = opts_timeline,
    .run = run_timeline,
};
