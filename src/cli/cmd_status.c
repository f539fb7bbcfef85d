/* Read-only views on the command line: status, clusters, distributions, metrics. All share
 * the poller and the world with the console: one refresh, then print. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/name_cache.h"
#include "cli/progress.h"
#include "cli/status_deployment.h"
#include "cli/status_json.h"
#include "model/stop_groups.h"
#include "model/task_set.h"
#include "model/world.h"
#include "poller/poller.h"
#include "util/clock.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

static const char *opt_service;
static bool opt_stats;
static bool opt_no_progress; /* status --no-progress: no progress line on stderr */

struct snapshot {
    struct od_world *world;
    struct od_poller *poller;
    bool done;
    bool progress; /* status: the progress line on stderr */
};

static void
on_refreshed(void *ud)
{
    ((struct snapshot *)ud)->done = true;
}

/* One refresh of parts; returns false (after printing why) when the CLI cannot start. */
static bool
take_snapshot(struct od_cli *cli, struct snapshot *snap, const char *cluster, unsigned parts)
{
    struct od_poller_opts opts = {0};
    struct cli_progress pg;

    if (!cli_aws(cli))
        return false;
    snap->world = world_new(cli->aws->region, cluster);
    opts.cluster = cluster;
    opts.settings = cli->settings;
    opts.parts = parts;
    snap->poller = poller_new(cli->aws, snap->world, &opts);
    /* One service asked for: its metrics only (GetMetricData is billed per metric). */
    if (opt_service != NULL) {
        poller_set_metric_services(snap->poller, &opt_service, 1);
        poller_set_scaling_detail(snap->poller, opt_service);
        poller_set_rolling_deployments(snap->poller, true);
    } else {
        /* Every BLUE_GREEN, LINEAR and CANARY service's short form (PAUSED, B/G BAKE 12m). */
        poller_set_all_service_deployments(snap->poller, true);
    }
    poller_refresh(snap->poller, on_refreshed, snap);
    progress_start(&pg, cli->loop, snap->poller, !snap->progress);
    loop_run_until(cli->loop, &snap->done);
    progress_stop(&pg);
    name_cache_note(cli, snap->world); /* names for shell completion */
    return true;
}

static void
snapshot_free(struct snapshot *snap)
{
    poller_free(&snap->poller);
    world_free(&snap->world);
}

/* Print every stale part's error to stderr, saying each thing once: parts that failed for
 * the same reason share one line, and a reason that is not the part's (no region, no
 * credentials) is said without part names. Returns the exit status it implies: a part refused
 * for want of permission costs only itself (a least-privilege role is normal), unless it is one
 * of the command's own parts (primary), without which there is nothing to show. A failed
 * service-deployment read is said under the service instead (print_status_text; JSON: stale)
 * and does not fail the command: the service's own data is whole, and a read-only policy may
 * lack ecs:ListServiceDeployments. */
static int
report_stale(const struct od_world *w, unsigned primary)
{
    bool said[OD_PART__COUNT] = {false};
    int rc = OD_EXIT_OK;

    for (int p = 0; p < OD_PART__COUNT; p++) {
        const struct od_part_state *ps = &w->parts[p];
        const char *why = ps->error != NULL ? ps->error : "failed";
        enum od_err c = ps->cause;
        bool common = c == OD_E_CONFIG || c == OD_E_NO_CREDS || c == OD_E_EXPIRED_CREDS;

        if (!ps->stale || p == OD_PART_SERVICE_DEPLOYMENTS)
            continue;
        if (ps->denied == NULL || (primary & POLL_PART(p)))
            rc = OD_EXIT_ERROR;
        if (said[p])
            continue;
        if (common) {
            fprintf(stderr, "ondeck: %s\n", why);
        } else {
            fprintf(stderr, "ondeck: %s", part_name((enum od_part)p));
            for (int q = p + 1; q < OD_PART__COUNT; q++)
                if (w->parts[q].stale && str_eq(w->parts[q].error, ps->error))
                    fprintf(stderr, ", %s", part_name((enum od_part)q));
            fprintf(stderr, ": %s\n", why);
        }
        for (int q = p; q < OD_PART__COUNT; q++)
            if (w->parts[q].stale && str_eq(w->parts[q].error, ps->error))
                said[q] = true;
    }
    return rc;
}

/* Print each series GetMetricData could not read (StatusCode Forbidden or InternalError) to
 * stderr: an error, not "no data". InternalError is a failure; Forbidden, like a refused
 * part, costs only its metric. */
static int
report_metric_errors(const struct od_world *w, const char *filter)
{
    int rc = OD_EXIT_OK;

    for (size_t i = 0; i < w->nservices; i++) {
        const struct od_service *s = &w->services[i];

        if (filter != NULL && !str_eq(s->name, filter))
            continue;
        for (size_t k = 0; k <= s->nlbs; k++) {
            const struct od_metric_set *m =
                world_metrics(w, k == 0 ? s->name : s->lbs[k - 1].target_group_arn);

            for (size_t j = 0; m != NULL && j < m->nseries; j++) {
                const struct od_series *ser = &m->series[j];
                char *name, *msg;

                if (!series_failed(ser))
                    continue;
                name = sanitize_str(s->name);
                msg = sanitize_str(ser->message != NULL ? ser->message : ser->status_code);
                fprintf(stderr, "ondeck: metrics: %s %s: %s\n", name, ser->id, msg);
                free(name);
                free(msg);
                if (str_eq(ser->status_code, "InternalError"))
                    rc = OD_EXIT_ERROR;
            }
        }
    }
    return rc;
}

static void
print_json(cJSON *doc)
{
    char *raw = cJSON_Print(doc), *safe = sanitize_json_text(raw);

    puts(safe);
    free(safe);
    free(raw);
    cJSON_Delete(doc);
}

/* A cell for a text table: inert, and cut to width with "…" marked as "~". */
static void
cell(const char *s, int width, bool last)
{
    char *safe = sanitize_str(s != NULL ? s : "-");
    int len = (int)strlen(safe);

    if (last)
        printf("%s", safe);
    else if (len > width)
        printf("%.*s~ ", width - 1, safe);
    else
        printf("%-*s ", width, safe);
    free(safe);
}

static void
print_stats_text(const struct od_refresh_stats *st, unsigned per_minute)
{
    printf("\n%-28s %6s %8s\n", "OPERATION", "CALLS", "MINIMUM");
    for (size_t i = 0; i < st->nops; i++)
        printf("%-28s %6llu %8llu\n", st->ops[i].op, (unsigned long long)st->ops[i].calls,
               (unsigned long long)st->ops[i].minimum);
    printf("%-28s %6llu %8llu\n", "total", (unsigned long long)st->calls,
           (unsigned long long)st->minimum);
    printf("attempts %llu, depth %d, metrics requested %llu, %llu ms, %u calls in the last "
           "minute\n",
           (unsigned long long)st->attempts, st->depth,
           (unsigned long long)st->metrics_requested, (unsigned long long)st->elapsed_ms,
           per_minute);
}

/* CODE_DEPLOY / EXTERNAL services: one line per task set under the service's row. */
static void
print_task_sets_text(const struct od_service *s)
{
    printf("  %s deployment controller, %zu task set%s\n", task_set_controller(s), s->ntask_sets,
           s->ntask_sets == 1 ? "" : "s");
    for (size_t i = 0; i < s->ntask_sets; i++) {
        const struct od_task_set *ts = &s->task_sets[i];
        char *td = task_def_short_name(ts->task_definition);

        printf("    task set ");
        cell(ts->status, 8, false);
        cell(td, 24, false);
        printf("%ld/%ld running, %ld pending, ", ts->running, ts->computed_desired, ts->pending);
        if (ts->scale_unit != NULL) {
            printf("scale %g ", ts->scale_value);
            cell(ts->scale_unit, 0, true);
            printf(", ");
        }
        cell(ts->stability_status, 0, true);
        if (!str_empty(ts->external_id)) {
            printf(" (");
            cell(ts->external_id, 0, true);
            printf(")");
        }
        printf("\n");
        free(td);
    }
}

static const char *
rollout_summary(const struct od_world *w, const struct od_service *s, char *buf, size_t len)
{
    const struct od_service_deployment *sd = world_service_deployment(w, s->arn);

    /* A service deployment in flight says more (PAUSED, B/G BAKE 12m) than rolloutState. */
    if (sd != NULL) {
        service_deployment_short(sd, clock_wall_ms(), buf, len);
        if (buf[0] != '\0')
            return buf;
    }
    if (task_set_controlled(s)) {
        const struct od_task_set *p = task_set_primary(s);

        snprintf(buf, len, "%s%s", p != NULL && p->stability_status != NULL ? p->stability_status
                                                                            : "-",
                 s->ntask_sets > 1 ? "+" : "");
        return buf;
    }
    for (size_t i = 0; i < s->ndeployments; i++) {
        const struct od_deployment *d = &s->deployments[i];

        if (str_eq(d->status, "PRIMARY")) {
            snprintf(buf, len, "%s%s", d->rollout_state != NULL ? d->rollout_state : "-",
                     s->ndeployments > 1 ? "+" : "");
            return buf;
        }
    }
    return "-";
}

/* The TARGETS column: transitional states and missing target groups, then each unhealthy
 * target's reason (what an on-call engineer reads first). */
static void
print_target_note(const struct od_world *w, const struct od_service *s)
{
    struct od_target_counts c;
    char note[160];

    world_count_targets(w, s, &c);
    target_counts_note(&c, note, sizeof note);
    printf("%s%s\n", note[0] != '\0' ? "  " : "", note);
    for (size_t k = 0; k < s->nlbs; k++) {
        const struct od_target_group *tg = world_target_group(w, s->lbs[k].target_group_arn);

        if (tg != NULL && tg->missing) {
            printf("  ! target group not found: ");
            cell(tg->arn, 0, true);
            printf("\n");
        }
        for (size_t i = 0; tg != NULL && i < tg->ntargets; i++) {
            const struct od_target *t = &tg->targets[i];
            char port[24];

            if (!str_eq(t->state, "unhealthy") && !str_eq(t->state, "unhealthy.draining"))
                continue;
            snprintf(port, sizeof port, ":%ld ", t->port);
            printf("  ! target ");
            cell(t->id, 0, true);
            printf("%s", port);
            cell(t->state, 0, true);
            printf(" ");
            cell(t->reason, 0, true);
            if (t->description != NULL) {
                printf(": ");
                cell(t->description, 0, true);
            }
            printf("\n");
        }
    }
}

/* With --service: its stopped tasks grouped by why they stopped, with the exit codes. */
static void
print_stop_groups_text(const struct od_world *w, const struct od_service *s)
{
    struct od_stop_group *g;
    size_t n = stop_groups_of_service(w, s->name, &g);

    if (n == 0 && w->parts[OD_PART_STOPPED_TASKS].stale) {
        printf("  stopped tasks not read: ");
        cell(w->parts[OD_PART_STOPPED_TASKS].error, 0, true);
        printf("\n");
    }
    for (size_t i = 0; i < n; i++) {
        char *exits = stop_group_exits_text(&g[i]);

        printf("  stopped %zu × ", g[i].count);
        if (g[i].stop_code != NULL) {
            cell(g[i].stop_code, 0, true);
            printf(": ");
        }
        cell(g[i].reason != NULL ? g[i].reason : "no reason given", 0, true);
        printf("\n    exit: ");
        cell(exits, 0, true);
        printf(" (newest task ");
        cell(g[i].newest_task_id, 0, true);
        printf(")\n");
        free(exits);
    }
    stop_groups_free(g, n);
}

static void
print_status_text(const struct od_world *w, const char *filter)
{
    char num[32], roll[32];

    printf("cluster %s  region %s\n\n", w->cluster, w->region != NULL ? w->region : "-");
    printf("%-32s %-8s %4s %4s %4s %-15s %-24s %5s %5s  %s\n", "SERVICE", "LAUNCH", "DES",
           "RUN", "PEN", "ROLLOUT", "TASKDEF", "UNHLT", "ALARM", "TARGETS");
    for (size_t i = 0; i < w->nservices; i++) {
        const struct od_service *s = &w->services[i];
        char *td;

        if (filter != NULL && !str_eq(s->name, filter))
            continue;
        td = task_def_short_name(s->task_definition); /* after the filter: freed below */
        cell(s->name, 32, false);
        cell(s->launch_type, 8, false);
        printf("%4ld %4ld %4ld ", s->desired, s->running, s->pending);
        cell(rollout_summary(w, s, roll, sizeof roll), 15, false);
        cell(td, 24, false);
        snprintf(num, sizeof num, "%zu", world_unhealthy_targets(w, s));
        printf("%5s ", num);
        printf("%5zu", world_alarms_firing(w, s));
        print_target_note(w, s);
        free(td);
        if (task_set_controlled(s))
            print_task_sets_text(s);
        if (world_service_deployment(w, s->arn) != NULL && filter != NULL) {
            status_print_service_deployment(world_service_deployment(w, s->arn), clock_wall_ms());
        } else if (filter != NULL && w->parts[OD_PART_SERVICE_DEPLOYMENTS].stale) {
            printf("  service deployment not read: ");
            cell(w->parts[OD_PART_SERVICE_DEPLOYMENTS].error, 0, true);
            printf("\n");
        }
        if (service_failed(s)) {
            for (size_t k = 0; k < s->ndeployments; k++) {
                if (str_eq(s->deployments[k].rollout_state, "FAILED")) {
                    printf("  ! rollout failed: ");
                    cell(s->deployments[k].rollout_state_reason, 0, true);
                    printf("\n");
                }
            }
        }
        if (filter != NULL)
            print_stop_groups_text(w, s);
    }
}

/* Application Auto Scaling of the one service asked for: bounds, policies, latest activities. */
static void
print_scaling_text(const struct od_world *w, const char *service)
{
    const struct od_scaling *sc = world_scaling(w, service);
    char when[21];

    if (!w->parts[OD_PART_SCALING].loaded || world_service(w, service) == NULL)
        return;
    if (sc == NULL) {
        printf("\nauto scaling: none (no scalable target)\n");
        return;
    }
    printf("\nauto scaling: min %ld  max %ld%s%s%s\n", sc->min, sc->max,
           sc->in_suspended ? "  scale-in suspended" : "",
           sc->out_suspended ? "  scale-out suspended" : "",
           sc->scheduled_suspended ? "  scheduled suspended" : "");
    for (size_t i = 0; i < sc->npolicies; i++) {
        const struct od_scaling_policy *p = &sc->policies[i];

        printf("  policy ");
        cell(p->name, 0, true);
        printf(" (");
        cell(p->type, 0, true);
        if (p->has_target)
            printf(", target %g", p->target_value);
        if (p->metric != NULL) {
            printf(" ");
            cell(p->metric, 0, true);
        }
        printf(")\n");
    }
    if (sc->activities_loaded && sc->nactivities == 0)
        printf("  no scaling activities\n");
    for (size_t i = 0; i < sc->nactivities; i++) {
        const struct od_scaling_activity *a = &sc->activities[i];

        clock_format_iso((time_t)a->start_time, when);
        printf("  %s ", when);
        cell(a->status, 10, false);
        cell(a->description, 0, true);
        printf("\n    cause: ");
        cell(a->cause, 0, true);
        printf("\n");
    }
}

static const struct od_opt *
status_options(struct od_cli *cli)
{
    static struct od_opt opts[4];

    opt_service = NULL;
    opt_stats = false;
    opt_no_progress = false;
    opts[0] = (struct od_opt){"service", true, &opt_service, NULL, NULL};
    opts[1] = (struct od_opt){"stats", false, NULL, &opt_stats, NULL};
    opts[2] = (struct od_opt){"no-progress", false, NULL, &opt_no_progress, NULL};
    return opts;
}

static int
run_status(struct od_cli *cli)
{
    struct snapshot snap = {0};
    const unsigned parts = POLL_PART(OD_PART_SERVICES) | POLL_PART(OD_PART_TASKS) |
                           POLL_PART(OD_PART_INSTANCES) | POLL_PART(OD_PART_TARGETS) |
                           POLL_PART(OD_PART_ALARMS) | POLL_PART(OD_PART_METRICS) |
                           POLL_PART(OD_PART_DISTRIBUTIONS);
    /* One service: also its task definition, its auto scaling and why its tasks stopped
     * (ListTasks desiredStatus=STOPPED: one listing and a DescribeTasks per 100). */
    const unsigned one = POLL_PART(OD_PART_TASK_DEFS) | POLL_PART(OD_PART_SCALING) |
                         POLL_PART(OD_PART_STOPPED_TASKS);
    int rc;

    if (cli->nargs > 0)
        return cli_usage_error(cli, "unexpected argument '%s'", cli->args[0]);
    if (str_empty(cli->g.cluster))
        return cli_usage_error(cli, "--cluster is required");
    /* One service: also its task definition (containers, images, log configuration). Every
     * service: its newest service deployment (with --service also a ROLLING one's). */
    snap.progress = !opt_no_progress;
    if (!take_snapshot(cli, &snap, cli->g.cluster,
                       (opt_service != NULL ? parts | one : parts) |
                           POLL_PART(OD_PART_SERVICE_DEPLOYMENTS)))
        return OD_EXIT_ERROR;
    rc = report_stale(snap.world, POLL_PART(OD_PART_SERVICES));
    if (report_metric_errors(snap.world, opt_service) != OD_EXIT_OK)
        rc = OD_EXIT_ERROR;
    if (opt_service != NULL && world_service(snap.world, opt_service) == NULL &&
        !snap.world->parts[OD_PART_SERVICES].stale) {
        char *safe = sanitize_str(opt_service);

        fprintf(stderr, "ondeck: status: service '%s' not found in cluster\n", safe);
        free(safe);
        rc = OD_EXIT_ERROR;
    }
    if (cli_json(cli)) {
        /* Printed service by service: at 10,000 services the whole tree and its text were
         * several hundred MB. */
        status_json_print(snap.world, opt_service,
                          opt_stats ? status_json_stats(poller_last_stats(snap.poller),
                                                        poller_calls_per_minute(snap.poller))
                                    : NULL,
                          stdout);
    } else {
        print_status_text(snap.world, opt_service);
        if (opt_service != NULL)
            print_scaling_text(snap.world, opt_service);
        if (opt_stats)
            print_stats_text(poller_last_stats(snap.poller), poller_calls_per_minute(snap.poller));
    }
    snapshot_free(&snap);
    return rc;
}

static int
run_clusters(struct od_cli *cli)
{
    struct snapshot snap = {0};
    int rc;

    if (cli->nargs > 0)
        return cli_usage_error(cli, "unexpected argument '%s'", cli->args[0]);
    if (!take_snapshot(cli, &snap, NULL, POLL_PART(OD_PART_CLUSTERS)))
        return OD_EXIT_ERROR;
    rc = report_stale(snap.world, POLL_PART(OD_PART_CLUSTERS));
    if (cli_json(cli)) {
        print_json(status_json_clusters(snap.world));
    } else {
        printf("%-32s %-8s %8s %8s %8s %9s\n", "CLUSTER", "STATUS", "SERVICES", "RUNNING",
               "PENDING", "INSTANCES");
        for (size_t i = 0; i < snap.world->nclusters; i++) {
            const struct od_cluster *c = &snap.world->clusters[i];

            cell(c->name, 32, false);
            cell(c->status, 8, false);
            printf("%8ld %8ld %8ld %9ld\n", c->active_services, c->running_tasks,
                   c->pending_tasks, c->container_instances);
        }
    }
    snapshot_free(&snap);
    return rc;
}

static int
run_distributions(struct od_cli *cli)
{
    struct snapshot snap = {0};
    int rc;

    if (cli->nargs > 0)
        return cli_usage_error(cli, "unexpected argument '%s'", cli->args[0]);
    if (!take_snapshot(cli, &snap, NULL,
                       POLL_PART(OD_PART_DISTRIBUTIONS) | POLL_PART(OD_PART_METRICS)))
        return OD_EXIT_ERROR;
    rc = report_stale(snap.world, POLL_PART(OD_PART_DISTRIBUTIONS));
    if (cli_json(cli)) {
        cJSON *doc = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(doc, "distributions");

        for (size_t i = 0; i < snap.world->ndists; i++)
            cJSON_AddItemToArray(arr, status_json_distribution(snap.world, &snap.world->dists[i]));
        print_json(doc);
    } else {
        printf("%-16s %-36s %-10s %-7s %s\n", "ID", "DOMAIN", "STATUS", "ENABLED", "ALIASES");
        for (size_t i = 0; i < snap.world->ndists; i++) {
            const struct od_distribution *d = &snap.world->dists[i];

            cell(d->id, 16, false);
            cell(d->domain_name, 36, false);
            cell(d->status, 10, false);
            cell(d->enabled ? "yes" : "no", 7, false);
            for (size_t k = 0; k < d->naliases; k++) {
                cell(d->aliases[k], 0, true);
                if (k + 1 < d->naliases)
                    printf(",");
            }
            printf("\n");
        }
    }
    snapshot_free(&snap);
    return rc;
}

static int
run_metrics(struct od_cli *cli)
{
    struct snapshot snap = {0};
    const struct od_service *s;
    int rc;

    if (cli->nargs > 0)
        return cli_usage_error(cli, "unexpected argument '%s'", cli->args[0]);
    if (str_empty(cli->g.cluster) || str_empty(opt_service))
        return cli_usage_error(cli, "--cluster and --service are required");
    if (!take_snapshot(cli, &snap, cli->g.cluster,
                       POLL_PART(OD_PART_SERVICES) | POLL_PART(OD_PART_METRICS)))
        return OD_EXIT_ERROR;
    rc = report_stale(snap.world, POLL_PART(OD_PART_SERVICES) | POLL_PART(OD_PART_METRICS));
    if (report_metric_errors(snap.world, opt_service) != OD_EXIT_OK)
        rc = OD_EXIT_ERROR;
    if ((s = world_service(snap.world, opt_service)) == NULL) {
        char *safe = sanitize_str(opt_service);

        fprintf(stderr, "ondeck: metrics: service '%s' not found in cluster\n", safe);
        free(safe);
        snapshot_free(&snap);
        return OD_EXIT_ERROR;
    }
    if (cli_json(cli)) {
        cJSON *full = status_json_service(snap.world, s);
        cJSON *doc = cJSON_CreateObject();

        cJSON_AddStringToObject(doc, "serviceName", s->name);
        cJSON_AddItemToObject(doc, "metrics", cJSON_DetachItemFromObject(full, "metrics"));
        cJSON_Delete(full);
        print_json(doc);
    } else {
        const char *owners[8];
        size_t nowners = 0;

        owners[nowners++] = s->name;
        for (size_t k = 0; k < s->nlbs && nowners < 8; k++)
            owners[nowners++] = s->lbs[k].target_group_arn;
        printf("%-28s %10s %10s %10s %6s\n", "METRIC", "LATEST", "MIN", "MAX", "POINTS");
        for (size_t o = 0; o < nowners; o++) {
            const struct od_metric_set *m = world_metrics(snap.world, owners[o]);

            for (size_t i = 0; m != NULL && i < m->nseries; i++) {
                const struct od_series *ser = &m->series[i];
                double lo = 0, hi = 0;

                for (size_t k = 0; k < ser->n; k++) {
                    if (k == 0 || ser->values[k] < lo)
                        lo = ser->values[k];
                    if (k == 0 || ser->values[k] > hi)
                        hi = ser->values[k];
                }
                if (series_failed(ser)) {
                    char *msg = sanitize_str(ser->message != NULL ? ser->message
                                                                  : ser->status_code);

                    printf("%-28s error: %s\n", ser->id, msg);
                    free(msg);
                } else if (ser->n == 0)
                    printf("%-28s %10s %10s %10s %6d\n", ser->id, "-", "-", "-", 0);
                else
                    printf("%-28s %10.2f %10.2f %10.2f %6zu\n", ser->id,
                           ser->values[ser->n - 1], lo, hi, ser->n);
            }
        }
    }
    snapshot_free(&snap);
    return rc;
}

static const struct od_opt *
service_option(struct od_cli *cli)
{
    static struct od_opt opts[2];

    opt_service = NULL;
    opts[0] = (struct od_opt){"service", true, &opt_service, NULL, NULL};
    return opts;
}

const struct od_command cmd_status = {
    .name = "status",
    .summary = "services, deployments, tasks, targets, alarms and metrics of a cluster",
    .usage = "--cluster NAME [--service NAME] [--json] [--stats] [--no-progress]",
    .options = status_options,
    .run = run_status,
};

const struct od_command cmd_clusters = {
    .name = "clusters",
    .summary = "the region's ECS clusters with their service and task counts",
    .usage = "[--json]",
    .run = run_clusters,
};

const struct od_command cmd_distributions = {
    .name = "distributions",
    .summary = "CloudFront distributions with their latest invalidations",
    .usage = "[--json]",
    .run = run_distributions,
};

const struct od_command cmd_metrics = {
    .name = "metrics",
    .summary = "CloudWatch series of a service and its target groups",
    .usage = "--cluster NAME --service NAME [--json]",
    .options = service_option,
    .run = run_metrics,
};
