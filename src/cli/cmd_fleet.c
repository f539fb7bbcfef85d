/* ondeck fleet --fleet NAME: the fleet view's rows for scripts, worst first. Every member
 * is read once, in parallel; a member that fails is a row with its error and exit status 1,
 * the other rows are printed all the same. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "fleet/fleet.h"
#include "fleet/spec.h"
#include "util/str.h"
#include "util/xalloc.h"

struct fleet_wait {
    struct od_fleet *fleet;
    bool done;
};

static void
on_change(void *ud)
{
    struct fleet_wait *w = ud;

    if (fleet_settled(w->fleet) && !fleet_busy(w->fleet))
        w->done = true;
}

static void
add_count(cJSON *o, const char *key, long v)
{
    if (v >= 0)
        cJSON_AddNumberToObject(o, key, (double)v);
    else
        cJSON_AddNullToObject(o, key);
}

static void
add_str(cJSON *o, const char *key, const char *v)
{
    if (v != NULL)
        cJSON_AddStringToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

static void
print_json(struct od_fleet *f, const struct fleet_row *rows, size_t n, time_t now)
{
    cJSON *doc = cJSON_CreateObject(), *arr;
    char *s;

    cJSON_AddStringToObject(doc, "fleet", fleet_name(f));
    arr = cJSON_AddArrayToObject(doc, "rows");
    for (size_t i = 0; i < n; i++) {
        const struct fleet_row *r = &rows[i];
        cJSON *o = cJSON_CreateObject();

        cJSON_AddStringToObject(o, "profile", r->profile);
        cJSON_AddStringToObject(o, "region", r->region);
        add_str(o, "account", r->account);
        add_str(o, "accountAlias", r->alias);
        add_str(o, "cluster", r->cluster);
        add_count(o, "activeServicesCount", r->services);
        add_count(o, "runningTasksCount", r->running);
        add_count(o, "pendingTasksCount", r->pending);
        add_count(o, "servicesBelowDesired", r->below_desired);
        add_count(o, "failedDeployments", r->failed);
        add_count(o, "rollingDeployments", r->rolling);
        add_count(o, "pausedDeployments", r->paused);
        add_count(o, "deploymentsNotChecked", r->paused >= 0 ? r->paused_unchecked : -1);
        add_count(o, "unhealthyTargets", r->unhealthy);
        add_count(o, "targetGroupsNotChecked", r->unhealthy >= 0 ? r->targets_unchecked : -1);
        add_count(o, "alarmsInAlarm", r->alarms);
        if (r->updated_at != 0) {
            cJSON_AddNumberToObject(o, "updatedAt", (double)r->updated_at);
            cJSON_AddNumberToObject(o, "dataAgeSeconds",
                                    (double)(now > r->updated_at ? now - r->updated_at : 0));
        } else {
            cJSON_AddNullToObject(o, "updatedAt");
            cJSON_AddNullToObject(o, "dataAgeSeconds");
        }
        cJSON_AddNumberToObject(o, "callsPerMinute", r->calls_per_minute);
        add_str(o, "error", r->error);
        cJSON_AddItemToArray(arr, o);
    }
    cJSON_AddNumberToObject(doc, "failedMembers", (double)fleet_failed_members(f));
    cJSON_AddNumberToObject(doc, "callsPerMinute", fleet_calls_per_minute(f));
    s = cJSON_Print(doc);
    puts(s);
    free(s);
    cJSON_Delete(doc);
}

static void
count_text(char *out, size_t len, long v)
{
    if (v >= 0)
        snprintf(out, len, "%ld", v);
    else
        snprintf(out, len, "-");
}

/* A count with "+" when some of it was not looked at (the per-minute caps): a floor. */
static void
floor_text(char *out, size_t len, long v, long unchecked)
{
    if (v >= 0)
        snprintf(out, len, "%ld%s", v, unchecked > 0 ? "+" : "");
    else
        snprintf(out, len, "-");
}

#define WIDTH(field, v)                                                                            \
    do {                                                                                           \
        size_t l_ = strlen(v);                                                                     \
        if (l_ > (field))                                                                          \
            (field) = l_;                                                                          \
    } while (0)

static void
print_text(const struct fleet_row *rows, size_t n, time_t now)
{
    size_t wp = strlen("PROFILE"), wr = strlen("REGION"), wa = strlen("ACCOUNT"),
           wl = strlen("ALIAS"), wc = strlen("CLUSTER");

    for (size_t i = 0; i < n; i++) {
        WIDTH(wp, rows[i].profile);
        WIDTH(wr, rows[i].region);
        WIDTH(wa, rows[i].account != NULL ? rows[i].account : "-");
        WIDTH(wl, rows[i].alias != NULL ? rows[i].alias : "-");
        WIDTH(wc, rows[i].cluster != NULL ? rows[i].cluster : "-");
    }
    printf("%-*s  %-*s  %-*s  %-*s  %-*s  %8s %6s %6s %6s %9s %7s %6s %7s %7s %5s %9s  %s\n",
           (int)wp, "PROFILE", (int)wr, "REGION", (int)wa, "ACCOUNT", (int)wl, "ALIAS", (int)wc,
           "CLUSTER", "SERVICES", "BELOW", "FAILED", "PAUSED", "UNHEALTHY", "ROLLING", "ALARMS",
           "RUNNING", "PENDING", "AGE", "CALLS/MIN", "ERROR");
    for (size_t i = 0; i < n; i++) {
        const struct fleet_row *r = &rows[i];
        char sv[24], be[24], fa[24], pa[24], un[24], ro[24], al[24], ru[24], pe[24], age[24];

        count_text(sv, sizeof sv, r->services);
        count_text(be, sizeof be, r->below_desired);
        count_text(fa, sizeof fa, r->failed);
        floor_text(pa, sizeof pa, r->paused, r->paused_unchecked);
        floor_text(un, sizeof un, r->unhealthy, r->targets_unchecked);
        count_text(ro, sizeof ro, r->rolling);
        count_text(al, sizeof al, r->alarms);
        count_text(ru, sizeof ru, r->running);
        count_text(pe, sizeof pe, r->pending);
        if (r->updated_at != 0)
            snprintf(age, sizeof age, "%lds", (long)(now > r->updated_at ? now - r->updated_at : 0));
        else
            snprintf(age, sizeof age, "-");
        printf("%-*s  %-*s  %-*s  %-*s  %-*s  %8s %6s %6s %6s %9s %7s %6s %7s %7s %5s %9u  %s\n",
               (int)wp, r->profile, (int)wr, r->region, (int)wa,
               r->account != NULL ? r->account : "-", (int)wl, r->alias != NULL ? r->alias : "-",
               (int)wc, r->cluster != NULL ? r->cluster : "-", sv, be, fa, pa, un, ro, al, ru, pe,
               age,
               r->calls_per_minute, r->error != NULL ? r->error : "");
    }
}

static int
run(struct od_cli *cli)
{
    struct fleet_spec spec;
    struct od_error err = {0};
    struct fleet_wait w = {0};
    const struct fleet_row *rows;
    size_t n, failed;

    if (cli->nargs > 0)
        return cli_usage_error(cli, "unexpected argument '%s'", cli->args[0]);
    if (str_empty(cli->g.fleet))
        return cli_usage_error(cli, "--fleet NAME or --fleet PROFILE:REGION[:CLUSTER...],... "
                                    "is needed");
    if (fleet_spec_resolve(cli->settings, cli->g.fleet, &spec, &err) != OD_OK) {
        cli_print_error(cli, "fleet", &err);
        od_error_clear(&err);
        return OD_EXIT_USAGE;
    }
    if (cli->loop == NULL)
        cli->loop = loop_new();
    w.fleet = fleet_new(cli->loop, &spec, cli->g.endpoint_url, cli->settings);
    fleet_spec_free(&spec);
    fleet_start(w.fleet, on_change, &w);
    on_change(&w); /* every member may have failed to build: nothing to wait for */
    loop_run_until(cli->loop, &w.done);
    n = fleet_rows(w.fleet, &rows);
    if (cli_json(cli))
        print_json(w.fleet, rows, n, time(NULL));
    else
        print_text(rows, n, time(NULL));
    failed = fleet_failed_members(w.fleet);
    for (size_t i = 0; i < n; i++)
        if (rows[i].error != NULL && (i == 0 || rows[i - 1].member != rows[i].member))
            fprintf(stderr, "ondeck: fleet: %s:%s: %s\n", rows[i].profile, rows[i].region,
                    rows[i].error);
    fleet_free(&w.fleet);
    return failed > 0 ? OD_EXIT_ERROR : OD_EXIT_OK;
}

const struct od_command cmd_fleet = {
    .name = "fleet",
    .summary = "every member of a fleet (--fleet NAME or PROFILE:REGION,...), worst first",
    .usage = "[--json]",
    .run = run,
};
