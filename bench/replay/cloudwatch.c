/* cloudwatch.c - CloudWatch over JSON 1.0 (as ondeck speaks it): GetMetricData (500 queries a
 * call, one series per query, points at the query's period inside [StartTime, EndTime]) and
 * DescribeAlarms (one CPU alarm per 25 services, MaxRecords 1..100, NextToken). */
#include "replay.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALARM_EVERY 25
#define MAX_POINTS 1440

static void
reply(struct rp_answer *a, cJSON *root)
{
    answer_json(a, 200, cJSON_PrintUnformatted(root));
    a->ctype = "application/x-amz-json-1.0";
    cJSON_Delete(root);
}

/* CloudWatch's JSON protocol is awsQueryCompatible: the query error code goes in a header. */
static void
cw_error(struct rp_answer *a, const char *code, const char *message)
{
    char type[96];

    snprintf(type, sizeof type, "com.amazonaws.cloudwatch#%s", code);
    json_error(a, 400, type, message);
    a->ctype = "application/x-amz-json-1.0";
    snprintf(a->header_name, sizeof a->header_name, "x-amzn-query-error");
    snprintf(a->header_value, sizeof a->header_value, "%s;Sender", code);
}

static double
num(const cJSON *o, const char *key, double dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

/* A stable, plausible value: a per-series level plus a slow wave. */
static double
value_at(uint32_t seed, const char *metric, long t)
{
    double level = (double)(seed % 6000) / 100.0 + 5.0;
    double v = level + 8.0 * sin((double)(t / 60 + (long)(seed % 97)) / 9.0);

    if (strstr(metric, "Count") != NULL || strstr(metric, "XX") != NULL)
        return floor(fabs(v) * (strstr(metric, "XX") != NULL ? 0.05 : 20.0));
    return v < 0 ? 0 : (v > 100 ? 100 : v);
}

static void
get_metric_data(const cJSON *req, struct rp_answer *a)
{
    const cJSON *qs = cJSON_GetObjectItemCaseSensitive(req, "MetricDataQueries"), *q;
    long start = (long)num(req, "StartTime", 0), end = (long)num(req, "EndTime", 0);
    cJSON *root, *results;

    if (!cJSON_IsArray(qs) || cJSON_GetArraySize(qs) < 1 || cJSON_GetArraySize(qs) > 500) {
        cw_error(a, "InvalidParameterValue",
                 "The collection MetricDataQueries must not contain more than 500 items.");
        return;
    }
    if (end <= start) {
        cw_error(a, "InvalidParameterValue", "The parameter EndTime must be greater than StartTime.");
        return;
    }
    root = cJSON_CreateObject();
    results = cJSON_AddArrayToObject(root, "MetricDataResults");
    cJSON_ArrayForEach(q, qs) {
        const cJSON *stat = cJSON_GetObjectItemCaseSensitive(q, "MetricStat");
        const cJSON *metric = cJSON_GetObjectItemCaseSensitive(stat, "Metric"), *d;
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(q, "Id");
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(metric, "MetricName");
        long period = (long)num(stat, "Period", 60);
        char seedkey[256] = "";
        cJSON *r, *tsa, *vsa;
        int points = 0;

        if (!cJSON_IsString(id))
            continue;
        if (period < 1)
            period = 60;
        cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(metric, "Dimensions")) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(d, "Value");
            if (cJSON_IsString(v))
                strncat(seedkey, v->valuestring, sizeof seedkey - strlen(seedkey) - 1);
        }
        r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "Id", id->valuestring);
        cJSON_AddStringToObject(r, "Label", cJSON_IsString(name) ? name->valuestring : "");
        tsa = cJSON_AddArrayToObject(r, "Timestamps");
        vsa = cJSON_AddArrayToObject(r, "Values");
        for (long t = (start + period - 1) / period * period; t < end && points < MAX_POINTS;
             t += period, points++) {
            cJSON_AddItemToArray(tsa, cJSON_CreateNumber((double)t));
            const char *mn = cJSON_IsString(name) ? name->valuestring : "";
            cJSON_AddItemToArray(vsa, cJSON_CreateNumber(value_at(
                world_hash(seedkey, world_hash(mn, 11)), mn, t)));
        }
        cJSON_AddStringToObject(r, "StatusCode", "Complete");
        cJSON_AddItemToArray(results, r);
    }
    cJSON_AddArrayToObject(root, "Messages");
    reply(a, root);
}

static void
add_alarm(cJSON *arr, long n)
{
    cJSON *al = cJSON_CreateObject(), *dims, *d;
    long svc = n * ALARM_EVERY;
    char name[64], alarm[96], arn[192], reason[160];
    bool firing = n % 4 == 1;

    world_service_name(RP_CLUSTER, svc, name, sizeof name);
    snprintf(alarm, sizeof alarm, "%s-cpu-high", name);
    snprintf(arn, sizeof arn, "arn:aws:cloudwatch:" RP_REGION ":" RP_ACCOUNT ":alarm:%s", alarm);
    cJSON_AddStringToObject(al, "AlarmName", alarm);
    cJSON_AddStringToObject(al, "AlarmArn", arn);
    cJSON_AddStringToObject(al, "AlarmDescription", "CPU above 80 % for 3 minutes");
    cJSON_AddNumberToObject(al, "AlarmConfigurationUpdatedTimestamp", (double)world.started - 86400);
    cJSON_AddBoolToObject(al, "ActionsEnabled", 1);
    cJSON_AddArrayToObject(al, "OKActions");
    cJSON_AddArrayToObject(al, "AlarmActions");
    cJSON_AddArrayToObject(al, "InsufficientDataActions");
    cJSON_AddStringToObject(al, "StateValue", firing ? "ALARM" : "OK");
    snprintf(reason, sizeof reason, "Threshold Crossed: 3 datapoints [%s] were %s the threshold (80.0).",
             firing ? "91.2, 88.4, 85.0" : "22.1, 20.4, 19.9",
             firing ? "greater than" : "not greater than");
    cJSON_AddStringToObject(al, "StateReason", reason);
    cJSON_AddNumberToObject(al, "StateUpdatedTimestamp", (double)world.started - 600);
    cJSON_AddStringToObject(al, "MetricName", "CPUUtilization");
    cJSON_AddStringToObject(al, "Namespace", "AWS/ECS");
    cJSON_AddStringToObject(al, "Statistic", "Average");
    dims = cJSON_AddArrayToObject(al, "Dimensions");
    d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "Name", "ClusterName");
    cJSON_AddStringToObject(d, "Value", RP_CLUSTER);
    cJSON_AddItemToArray(dims, d);
    d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "Name", "ServiceName");
    cJSON_AddStringToObject(d, "Value", name);
    cJSON_AddItemToArray(dims, d);
    cJSON_AddNumberToObject(al, "Period", 60);
    cJSON_AddNumberToObject(al, "EvaluationPeriods", 3);
    cJSON_AddNumberToObject(al, "Threshold", 80);
    cJSON_AddStringToObject(al, "ComparisonOperator", "GreaterThanThreshold");
    cJSON_AddStringToObject(al, "StateReasonData", "{}");
    cJSON_AddNumberToObject(al, "StateTransitionedTimestamp", (double)world.started - 600);
    cJSON_AddItemToArray(arr, al);
}

static void
describe_alarms(const cJSON *req, struct rp_answer *a)
{
    const cJSON *tok = cJSON_GetObjectItemCaseSensitive(req, "NextToken");
    long total = (world.services + ALARM_EVERY - 1) / ALARM_EVERY, off = 0, end;
    int max = (int)num(req, "MaxRecords", 50);
    cJSON *root, *arr;

    if (max < 1 || max > 100) {
        cw_error(a, "InvalidParameterValue", "The parameter MaxRecords must be between 1 and 100.");
        return;
    }
    if (cJSON_IsString(tok) && (off = token_parse(tok->valuestring, "DescribeAlarms")) < 0) {
        cw_error(a, "InvalidNextToken", "The service returned an invalid next token.");
        return;
    }
    end = off + max < total ? off + max : total;
    root = cJSON_CreateObject();
    arr = cJSON_AddArrayToObject(root, "MetricAlarms");
    for (long n = off; n < end; n++)
        add_alarm(arr, n);
    cJSON_AddArrayToObject(root, "CompositeAlarms");
    if (end < total) {
        char t[96];
        token_make(t, sizeof t, "DescribeAlarms", end);
        cJSON_AddStringToObject(root, "NextToken", t);
    }
    reply(a, root);
}

void
cloudwatch_answer(const struct rp_request *rq, struct rp_answer *a)
{
    cJSON *req = cJSON_ParseWithLength(rq->body, rq->body_len);

    if (req == NULL)
        cw_error(a, "InvalidParameterValue", "The request body is not JSON.");
    else if (strcmp(rq->op, "GetMetricData") == 0)
        get_metric_data(req, a);
    else if (strcmp(rq->op, "DescribeAlarms") == 0)
        describe_alarms(req, a);
    else
        cw_error(a, "InvalidAction", "The action or operation requested is invalid.");
    cJSON_Delete(req);
}
