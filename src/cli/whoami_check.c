/* ondeck whoami --check: each read ondeck makes, tried once with the cheapest request that
 * IAM still authorises (a page of one, or a name that does not exist: AWS evaluates the policy
 * before it looks the resource up). Refused means AccessDenied; any other answer, even
 * "not found", means the policy allows the action. doc/iam.md lists the same actions. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/cloudfront.h"
#include "aws/proto_json.h"
#include "cli/whoami_check.h"
#include "util/clock.h"
#include "util/sanitize.h"
#include "util/xalloc.h"

#define PROBE_NAME "ondeck-permission-check"

enum probe_state { PROBE_PENDING, PROBE_ALLOWED, PROBE_DENIED, PROBE_ERROR };

struct probe {
    enum od_svc svc;
    const char *op;
    enum probe_state state;
    char *error; /* PROBE_ERROR: why it could not tell */
    struct checks *owner;
};

struct checks {
    struct probe *probes;
    size_t n, pending;
    bool done;
};

static const struct {
    enum od_svc svc;
    const char *op;
} probe_table[] = {
    {OD_SVC_ECS, "ListClusters"},
    {OD_SVC_ECS, "DescribeClusters"},
    {OD_SVC_ECS, "ListServices"},
    {OD_SVC_ECS, "DescribeServices"},
    {OD_SVC_ECS, "ListTasks"},
    {OD_SVC_ECS, "DescribeTasks"},
    {OD_SVC_ECS, "ListContainerInstances"},
    {OD_SVC_ECS, "DescribeTaskDefinition"},
    {OD_SVC_ECS, "ListTaskDefinitions"},
    {OD_SVC_ELBV2, "DescribeTargetGroups"},
    {OD_SVC_ELBV2, "DescribeTargetHealth"},
    {OD_SVC_CLOUDWATCH, "DescribeAlarms"},
    {OD_SVC_CLOUDWATCH, "GetMetricData"},
    {OD_SVC_LOGS, "FilterLogEvents"},
    {OD_SVC_CLOUDFRONT, "ListDistributions"},
    {OD_SVC_CLOUDFRONT, "ListInvalidations"},
    {OD_SVC_ECR, "DescribeImages"},
    {OD_SVC_AUTOSCALING, "DescribeScalableTargets"},
    {OD_SVC_AUTOSCALING, "DescribeScalingPolicies"},
    {OD_SVC_AUTOSCALING, "DescribeScalingActivities"},
};

/* The cheapest request body for a JSON operation (malloc'd). */
static char *
json_body(const char *op, const char *cluster)
{
    cJSON *o = json_new_object();
    char *text;

    if (strcmp(op, "ListClusters") == 0) {
        json_add_num(o, "maxResults", 1);
    } else if (strcmp(op, "DescribeClusters") == 0) {
        json_add_strs(o, "clusters", &cluster, 1);
    } else if (strcmp(op, "ListServices") == 0 || strcmp(op, "ListTasks") == 0 ||
               strcmp(op, "ListContainerInstances") == 0) {
        json_add_str(o, "cluster", cluster);
        json_add_num(o, "maxResults", 1);
    } else if (strcmp(op, "DescribeServices") == 0) {
        const char *name = PROBE_NAME;

        json_add_str(o, "cluster", cluster);
        json_add_strs(o, "services", &name, 1);
    } else if (strcmp(op, "DescribeTasks") == 0) {
        const char *id = "00000000000000000000000000000000";

        json_add_str(o, "cluster", cluster);
        json_add_strs(o, "tasks", &id, 1);
    } else if (strcmp(op, "DescribeTaskDefinition") == 0) {
        json_add_str(o, "taskDefinition", PROBE_NAME ":1");
    } else if (strcmp(op, "ListTaskDefinitions") == 0) {
        json_add_str(o, "familyPrefix", PROBE_NAME);
        json_add_num(o, "maxResults", 1);
    } else if (strcmp(op, "DescribeAlarms") == 0) {
        json_add_num(o, "MaxRecords", 1);
    } else if (strcmp(op, "GetMetricData") == 0) {
        cJSON *q = cJSON_CreateObject(), *stat, *metric;
        time_t now = (time_t)(clock_wall_ms() / 1000);

        cJSON_AddItemToArray(json_add_array(o, "MetricDataQueries"), q);
        json_add_str(q, "Id", "q0");
        stat = json_add_object(q, "MetricStat");
        metric = json_add_object(stat, "Metric");
        json_add_str(metric, "Namespace", "AWS/ECS");
        json_add_str(metric, "MetricName", "CPUUtilization");
        json_add_num(stat, "Period", 300);
        json_add_str(stat, "Stat", "Average");
        json_add_num(o, "StartTime", (double)(now - now % 300 - 300));
        json_add_num(o, "EndTime", (double)(now - now % 300));
        json_add_num(o, "MaxDatapoints", 1);
    } else if (strcmp(op, "FilterLogEvents") == 0) {
        json_add_str(o, "logGroupName", "/" PROBE_NAME);
        json_add_num(o, "limit", 1);
    } else if (strcmp(op, "DescribeScalableTargets") == 0 ||
               strcmp(op, "DescribeScalingPolicies") == 0 ||
               strcmp(op, "DescribeScalingActivities") == 0) {
        json_add_str(o, "ServiceNamespace", "ecs");
        json_add_num(o, "MaxResults", 1);
    } else if (strcmp(op, "DescribeImages") == 0) {
        json_add_str(o, "repositoryName", PROBE_NAME);
        json_add_num(o, "maxResults", 1);
    }
    text = json_print(o);
    cJSON_Delete(o);
    return text;
}

static void
on_probe(const struct od_aws_response *resp, const struct od_error *err, void *ud)
{
    struct probe *p = ud;

    (void)resp;
    if (err == NULL || err->err == OD_OK) {
        p->state = PROBE_ALLOWED;
    } else if (od_error_denied(err)) {
        p->state = PROBE_DENIED;
    } else if (err->err == OD_E_AWS && err->http_status >= 400 && err->http_status < 500 &&
               err->http_status != 429) {
        p->state = PROBE_ALLOWED; /* authorised, then refused for the made-up resource */
    } else {
        p->state = PROBE_ERROR;
        p->error = od_error_format(err);
    }
    if (--p->owner->pending == 0)
        p->owner->done = true;
}

static enum od_err
probe_start(struct od_cli *cli, struct probe *p, const char *cluster, const char *account,
            struct od_error *err)
{
    static const struct od_kv qm[] = {{"x-amzn-query-mode", "true"}};
    struct od_aws_call call = {.svc = p->svc, .op = p->op};
    enum od_err rc;

    if (p->svc == OD_SVC_ELBV2) {
        char *arn = xasprintf("arn:aws:elasticloadbalancing:%s:%s:targetgroup/" PROBE_NAME
                              "/0000000000000000",
                              cli->aws->region != NULL ? cli->aws->region : "us-east-1",
                              account != NULL ? account : "000000000000");
        struct od_kv params[1] = {{"PageSize", "1"}};

        if (strcmp(p->op, "DescribeTargetHealth") == 0)
            params[0] = (struct od_kv){"TargetGroupArn", arn};
        rc = aws_call_query(cli->aws, p->svc, p->op, params, 1, 0, on_probe, p, err);
        free(arn);
        return rc;
    }
    if (p->svc == OD_SVC_CLOUDFRONT) {
        struct od_kv q[1] = {{"MaxItems", "1"}};
        char *path = strcmp(p->op, "ListInvalidations") == 0
                         ? cf_path_invalidations("E0NDECKCHECK000")
                         : cf_path_distributions();

        call.method = "GET";
        call.path = path;
        call.query = q;
        call.nquery = 1;
        rc = aws_call(cli->aws, &call, on_probe, p, err);
        free(path);
        return rc;
    }
    {
        char *body = json_body(p->op, cluster);

        call.body = body;
        call.body_len = strlen(body);
        if (p->svc == OD_SVC_CLOUDWATCH) {
            call.headers = qm;
            call.nheaders = 1;
        }
        rc = aws_call(cli->aws, &call, on_probe, p, err);
        free(body);
        return rc;
    }
}

static const char *
state_word(enum probe_state s)
{
    return s == PROBE_ALLOWED ? "allowed" : s == PROBE_DENIED ? "denied" : "unknown";
}

int
whoami_check(struct od_cli *cli, const char *account, cJSON *json)
{
    struct checks c = {0};
    const char *cluster = cli->g.cluster != NULL && cli->g.cluster[0] != '\0' ? cli->g.cluster
                                                                              : "default";
    cJSON *arr = json != NULL ? cJSON_AddArrayToObject(json, "Checks") : NULL;
    int rc = OD_EXIT_OK;

    c.n = sizeof probe_table / sizeof probe_table[0];
    c.probes = xcalloc(c.n, sizeof *c.probes);
    for (size_t i = 0; i < c.n; i++) {
        struct probe *p = &c.probes[i];
        struct od_error e = {0};

        p->svc = probe_table[i].svc;
        p->op = probe_table[i].op;
        p->owner = &c;
        c.pending++;
        if (probe_start(cli, p, cluster, account, &e) != OD_OK) {
            c.pending--;
            p->state = PROBE_ERROR;
            p->error = od_error_format(&e);
            od_error_clear(&e);
        }
    }
    if (c.pending > 0)
        loop_run_until(cli->loop, &c.done);
    if (json == NULL)
        printf("\n%-8s %s\n", "CHECK", "ACTION");
    for (size_t i = 0; i < c.n; i++) {
        struct probe *p = &c.probes[i];
        char *action = svc_iam_action(p->svc, p->op);

        if (p->state != PROBE_ALLOWED)
            rc = OD_EXIT_ERROR;
        if (json != NULL) {
            cJSON *o = cJSON_CreateObject();

            cJSON_AddStringToObject(o, "Action", action);
            cJSON_AddStringToObject(o, "Result", state_word(p->state));
            if (p->error != NULL)
                cJSON_AddStringToObject(o, "Error", p->error);
            else
                cJSON_AddNullToObject(o, "Error");
            cJSON_AddItemToArray(arr, o);
        } else {
            char *why = p->error != NULL ? sanitize_str(p->error) : NULL;

            printf("%-8s %s%s%s\n", state_word(p->state), action, why != NULL ? "  " : "",
                   why != NULL ? why : "");
            free(why);
        }
        if (p->state == PROBE_DENIED)
            fprintf(stderr, "ondeck: whoami: no permission: %s\n", action);
        free(action);
        free(p->error);
    }
    free(c.probes);
    return rc;
}
