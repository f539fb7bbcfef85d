/* `ondeck deployments`: a service's deployment history, newest first: each ECS service
 * deployment's outcome (status, reason, rollback), strategy, start and duration, the service
 * revisions it moved between and what differs between them (image digests, task definition,
 * network configuration, load balancers, capacity providers). See doc/deployments.md. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/proto_json.h"
#include "cli/cli.h"
#include "poller/deploy_history.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

static const char *opt_service, *opt_max_items, *opt_page_size;

static const struct od_opt *
deployments_options(struct od_cli *cli)
{
    static struct od_opt opts[4];

    (void)cli;
    opt_service = opt_max_items = opt_page_size = NULL;
    opts[0] = (struct od_opt){"service", true, &opt_service, NULL, NULL};
    opts[1] = (struct od_opt){"max-items", true, &opt_max_items, NULL, NULL};
    opts[2] = (struct od_opt){"page-size", true, &opt_page_size, NULL, NULL};
    return opts;
}

struct run {
    struct od_cli *cli;
    bool done;
    int rc;
};

static void
put(const char *s)
{
    char *safe = sanitize_str(s != NULL ? s : "-");

    fputs(safe, stdout);
    free(safe);
}

static void
put_time(int64_t ms)
{
    char when[21];

    if (ms <= 0) {
        printf("%-20s", "-");
        return;
    }
    clock_format_iso((time_t)(ms / 1000), when);
    printf("%-20s", when);
}

static void
put_duration(long s)
{
    char buf[32];

    if (s < 0)
        snprintf(buf, sizeof buf, "-");
    else if (s >= 3600)
        snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, s / 60 % 60);
    else
        snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
    printf("%-9s", buf);
}

/* "web:1 -> web:2", sources joined with "+". */
static char *
moved(const struct od_deploy_history *h, const struct od_service_deployment *d)
{
    struct od_buf b;
    char *to = deploy_history_label(h, d->target.arn);

    buf_init(&b, 0);
    for (size_t i = 0; i < d->nsources; i++) {
        char *from = deploy_history_label(h, d->sources[i].arn);

        buf_printf(&b, "%s%s", i > 0 ? "+" : "", from);
        free(from);
    }
    buf_printf(&b, "%s%s", d->nsources > 0 ? " -> " : "(created) ", to);
    free(to);
    return buf_steal(&b);
}

static void
print_text(const struct od_deploy_history *h, const char *cluster, const char *service)
{
    int64_t now = clock_wall_ms();

    printf("service ");
    put(cluster);
    printf("/");
    put(service);
    printf(": %zu service deployment%s, newest first%s\n", h->ndeps, h->ndeps == 1 ? "" : "s",
           h->truncated ? " (more with --max-items)" : "");
    if (h->ndeps == 0)
        return;
    printf("%-20s %-20s %-10s %-9s %s\n", "CREATED", "STATUS", "STRATEGY", "DURATION",
           "REVISIONS");
    for (size_t i = 0; i < h->ndeps; i++) {
        const struct od_service_deployment *d = &h->deps[i];
        struct od_revision_change *c;
        size_t nc;
        char *mv = moved(h, d), *st;

        st = sanitize_str(d->status != NULL ? d->status : "-");
        put_time(d->created_ms);
        printf(" %-20s %-10s ", st, service_deployment_strategy_short(d->strategy));
        free(st);
        put_duration(deploy_history_duration_s(d, now));
        printf(" ");
        put(mv);
        printf("\n");
        free(mv);
        if (d->status_reason != NULL) {
            printf("    reason: ");
            put(d->status_reason);
            printf("\n");
        }
        if (d->rollback_reason != NULL) {
            char *to = deploy_history_label(h, d->rollback_revision);

            printf("    rollback to ");
            put(to);
            printf(": ");
            put(d->rollback_reason);
            printf("\n");
            free(to);
        }
        c = deploy_history_changes(h, d, &nc);
        for (size_t k = 0; k < nc; k++) {
            printf("    ");
            put(c[k].field);
            printf(": ");
            put(c[k].from);
            printf(" -> ");
            put(c[k].to);
            printf("\n");
        }
        revision_changes_free(&c, &nc);
    }
}

static void
add_opt_str(cJSON *o, const char *key, const char *v)
{
    if (v != NULL)
        cJSON_AddStringToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

static void
add_time(cJSON *o, const char *key, int64_t ms)
{
    if (ms > 0)
        cJSON_AddNumberToObject(o, key, (double)ms / 1000.0);
    else
        cJSON_AddNullToObject(o, key);
}

static cJSON *
revision_json(const struct od_service_revision *r)
{
    cJSON *o = cJSON_CreateObject(), *arr;

    add_opt_str(o, "serviceRevisionArn", r->arn);
    add_opt_str(o, "taskDefinition", r->task_definition);
    add_opt_str(o, "launchType", r->launch_type);
    add_opt_str(o, "platformVersion", r->platform_version);
    add_time(o, "createdAt", r->created_ms);
    arr = cJSON_AddArrayToObject(o, "containerImages");
    for (size_t i = 0; i < r->nimages; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(r->images[i]));
    arr = cJSON_AddArrayToObject(o, "subnets");
    for (size_t i = 0; i < r->nsubnets; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(r->subnets[i]));
    arr = cJSON_AddArrayToObject(o, "securityGroups");
    for (size_t i = 0; i < r->nsecurity_groups; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(r->security_groups[i]));
    add_opt_str(o, "assignPublicIp", r->assign_public_ip);
    arr = cJSON_AddArrayToObject(o, "loadBalancers");
    for (size_t i = 0; i < r->nlbs; i++) {
        cJSON *lb = cJSON_CreateObject();

        add_opt_str(lb, "targetGroupArn", r->lbs[i].target_group_arn);
        add_opt_str(lb, "loadBalancerName", r->lbs[i].load_balancer_name);
        add_opt_str(lb, "containerName", r->lbs[i].container_name);
        cJSON_AddNumberToObject(lb, "containerPort", (double)r->lbs[i].container_port);
        cJSON_AddItemToArray(arr, lb);
    }
    arr = cJSON_AddArrayToObject(o, "capacityProviderStrategy");
    for (size_t i = 0; i < r->ncapacity; i++) {
        cJSON *c = cJSON_CreateObject();

        add_opt_str(c, "capacityProvider", r->capacity[i].provider);
        cJSON_AddNumberToObject(c, "weight", (double)r->capacity[i].weight);
        cJSON_AddNumberToObject(c, "base", (double)r->capacity[i].base);
        cJSON_AddItemToArray(arr, c);
    }
    return o;
}

static cJSON *
deployment_json(const struct od_deploy_history *h, const struct od_service_deployment *d,
                int64_t now)
{
    cJSON *o = cJSON_CreateObject(), *arr, *x;
    struct od_revision_change *c;
    size_t nc;
    long dur = deploy_history_duration_s(d, now);

    add_opt_str(o, "serviceDeploymentArn", d->arn);
    add_opt_str(o, "status", d->status);
    add_opt_str(o, "statusReason", d->status_reason);
    cJSON_AddStringToObject(o, "strategy", d->strategy != NULL ? d->strategy : "ROLLING");
    add_opt_str(o, "lifecycleStage", d->stage);
    add_time(o, "createdAt", d->created_ms);
    add_time(o, "startedAt", d->started_ms);
    add_time(o, "finishedAt", d->finished_ms);
    if (dur >= 0)
        cJSON_AddNumberToObject(o, "durationSeconds", (double)dur);
    else
        cJSON_AddNullToObject(o, "durationSeconds");
    add_opt_str(o, "targetServiceRevisionArn", d->target.arn);
    arr = cJSON_AddArrayToObject(o, "sourceServiceRevisionArns");
    for (size_t i = 0; i < d->nsources; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(d->sources[i].arn != NULL
                                                         ? d->sources[i].arn : ""));
    if (d->rollback_reason != NULL || d->rollback_started_ms > 0) {
        x = cJSON_AddObjectToObject(o, "rollback");
        add_opt_str(x, "reason", d->rollback_reason);
        add_opt_str(x, "serviceRevisionArn", d->rollback_revision);
        add_time(x, "startedAt", d->rollback_started_ms);
    } else {
        cJSON_AddNullToObject(o, "rollback");
    }
    c = deploy_history_changes(h, d, &nc);
    arr = cJSON_AddArrayToObject(o, "changes");
    for (size_t i = 0; i < nc; i++) {
        x = cJSON_CreateObject();
        add_opt_str(x, "field", c[i].field);
        add_opt_str(x, "from", c[i].from);
        add_opt_str(x, "to", c[i].to);
        cJSON_AddItemToArray(arr, x);
    }
    revision_changes_free(&c, &nc);
    return o;
}

static void
print_json(const struct od_deploy_history *h, const char *cluster, const char *service)
{
    cJSON *doc = cJSON_CreateObject(), *arr;
    int64_t now = clock_wall_ms();
    char *s, *safe;

    cJSON_AddStringToObject(doc, "cluster", cluster);
    cJSON_AddStringToObject(doc, "service", service);
    arr = cJSON_AddArrayToObject(doc, "serviceDeployments");
    for (size_t i = 0; i < h->ndeps; i++)
        cJSON_AddItemToArray(arr, deployment_json(h, &h->deps[i], now));
    arr = cJSON_AddArrayToObject(doc, "serviceRevisions");
    for (size_t i = 0; i < h->nrevs; i++)
        cJSON_AddItemToArray(arr, revision_json(&h->revs[i]));
    cJSON_AddBoolToObject(doc, "truncated", h->truncated);
    add_opt_str(doc, "revisionsError", h->revisions_error);
    s = cJSON_Print(doc);
    safe = sanitize_json_text(s);
    puts(safe);
    free(safe);
    free(s);
    cJSON_Delete(doc);
}

static void
on_history(struct od_deploy_history *h, const struct od_error *err, void *ud)
{
    struct run *r = ud;

    r->done = true;
    if (err != NULL) {
        cli_print_error(r->cli, "deployments", err);
        return;
    }
    if (cli_json(r->cli))
        print_json(h, r->cli->g.cluster, opt_service);
    else
        print_text(h, r->cli->g.cluster, opt_service);
    if (h->revisions_error != NULL) {
        char *safe = sanitize_str(h->revisions_error);

        fprintf(stderr, "ondeck: deployments: service revisions not read (no diffs): %s\n",
                safe);
        free(safe);
    }
    r->rc = OD_EXIT_OK;
    deploy_history_free(&h);
}

/* A positive count option, or 0 when not given; false (after the usage error) when bad. */
static bool
count_opt(struct od_cli *cli, const char *name, const char *v, long max, long *out, int *rc)
{
    *out = 0;
    if (v == NULL)
        return true;
    if (!str_to_long(v, out) || *out <= 0 || *out > max) {
        *rc = cli_usage_error(cli, "--%s takes a number from 1 to %ld", name, max);
        return false;
    }
    return true;
}

static int
run_deployments(struct od_cli *cli)
{
    struct run r = {.cli = cli, .rc = OD_EXIT_ERROR};
    struct od_error e = {0};
    long max_items, page_size;
    int rc = OD_EXIT_USAGE;

    if (cli->nargs > 0)
        return cli_usage_error(cli, "unexpected argument '%s'", cli->args[0]);
    if (str_empty(cli->g.cluster))
        return cli_usage_error(cli, "--cluster is required");
    if (str_empty(opt_service))
        return cli_usage_error(cli, "--service is required");
    /* ListServiceDeployments takes maxResults from 1 to 100 (ECS API Reference). */
    if (!count_opt(cli, "max-items", opt_max_items, 100000, &max_items, &rc) ||
        !count_opt(cli, "page-size", opt_page_size, 100, &page_size, &rc))
        return rc;
    if (!cli_aws(cli))
        return OD_EXIT_ERROR;
    if (deploy_history_fetch(cli->aws, cli->g.cluster, opt_service, (size_t)max_items,
                             (int)page_size, on_history, &r, NULL, &e) != OD_OK) {
        cli_print_error(cli, "deployments", &e);
        od_error_clear(&e);
        return OD_EXIT_ERROR;
    }
    loop_run_until(cli->loop, &r.done);
    return r.rc;
}

const struct od_command cmd_deployments = {
    .name = "deployments",
    .summary = "a service's deployment history, newest first, with outcome and revision diff",
    .usage = "--cluster C --service S [--max-items N] [--page-size N] [--json]",
    .options = deployments_options,
    .run = run_deployments,
};
