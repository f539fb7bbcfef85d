/* CloudWatch over awsJson 1.0 (GraniteServiceVersion20100801.*): GetMetricData and
 * DescribeAlarms. Member names are UpperCamel; timestamps are epoch seconds (numbers). */
#include "aws/cloudwatch.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/proto_json.h"
#include "util/xalloc.h"

/* ---- GetMetricData --------------------------------------------------------------------- */

char *
cw_body_get_metric_data(const struct od_metric_query *q, size_t n, time_t start, time_t end,
                        const char *next_token)
{
    cJSON *o, *queries;

    if (n == 0 || n > CW_MAX_QUERIES)
        return NULL;
    o = json_new_object();
    json_add_num(o, "StartTime", (double)start);
    json_add_num(o, "EndTime", (double)end);
    json_add_str(o, "ScanBy", "TimestampAscending");
    json_add_str(o, "NextToken", next_token);
    queries = json_add_array(o, "MetricDataQueries");
    for (size_t i = 0; i < n; i++) {
        cJSON *mq = json_push_object(queries);
        cJSON *stat = json_add_object(mq, "MetricStat");
        cJSON *metric = json_add_object(stat, "Metric");

        json_add_str(mq, "Id", q[i].id);
        json_add_str(metric, "Namespace", q[i].namespace_);
        json_add_str(metric, "MetricName", q[i].metric_name);
        if (q[i].ndimensions > 0) {
            cJSON *dims = json_add_array(metric, "Dimensions");

            for (size_t d = 0; d < q[i].ndimensions; d++) {
                cJSON *dim = json_push_object(dims);

                json_add_str(dim, "Name", q[i].dimensions[d].name);
                json_add_str(dim, "Value", q[i].dimensions[d].value);
            }
        }
        json_add_num(stat, "Period", (double)q[i].period);
        json_add_str(stat, "Stat", q[i].stat);
        json_add_bool(mq, "ReturnData", true);
    }
    return json_print_free(o);
}

struct point {
    time_t t;
    double v;
    size_t pos;
};

/* Oldest first; equal timestamps keep the order they came in. */
static int
point_cmp(const void *a, const void *b)
{
    const struct point *x = a, *y = b;

    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* A JSON number usable as epoch seconds (finite and within time_t's reach). */
static bool
as_time(const cJSON *j, time_t *out)
{
    double d;

    if (!cJSON_IsNumber(j))
        return false;
    d = floor(j->valuedouble);
    if (!isfinite(d) || d < -9.0e15 || d > 9.0e15)
        return false;
    *out = (time_t)d;
    return true;
}

static void
decode_series(const cJSON *j, struct od_series *s)
{
    const cJSON *ts = json_arr(j, "Timestamps"), *vs = json_arr(j, "Values");
    const cJSON *t = ts != NULL ? ts->child : NULL, *v = vs != NULL ? vs->child : NULL;
    size_t cap, np = 0;
    struct point *pts;

    s->id = json_strdup(j, "Id");
    s->label = json_strdup(j, "Label");
    s->status_code = json_strdup(j, "StatusCode");
    if (series_failed(s)) {
        const cJSON *m = json_arr(j, "Messages") != NULL ? json_arr(j, "Messages")->child : NULL;
        const char *code = m != NULL ? json_str(m, "Code") : NULL;
        const char *value = m != NULL ? json_str(m, "Value") : NULL;

        s->message = value != NULL ? xasprintf("%s: %s", code != NULL ? code : s->status_code,
                                               value)
                                   : xstrdup(s->status_code);
    }
    cap = json_arr_len(j, "Timestamps");
    if (json_arr_len(j, "Values") < cap)
        cap = json_arr_len(j, "Values");
    if (cap == 0)
        return;
    /* Timestamps[i] pairs with Values[i]; a pair with a non-number on either side is dropped. */
    pts = xcalloc(cap, sizeof *pts);
    for (; t != NULL && v != NULL; t = t->next, v = v->next) {
        time_t when;

        if (!as_time(t, &when) || !cJSON_IsNumber(v))
            continue;
        pts[np].t = when;
        pts[np].v = v->valuedouble;
        pts[np].pos = np;
        np++;
    }
    qsort(pts, np, sizeof *pts, point_cmp);
    if (np > 0) {
        s->timestamps = xcalloc(np, sizeof *s->timestamps);
        s->values = xcalloc(np, sizeof *s->values);
        for (size_t i = 0; i < np; i++) {
            s->timestamps[i] = pts[i].t;
            s->values[i] = pts[i].v;
        }
        s->n = np;
    }
    free(pts);
}

enum od_err
cw_decode_metric_data(const char *body, size_t len, struct od_series **out, size_t *n,
                      char **next_token, struct od_error *err)
{
    cJSON *root;
    const cJSON *it;
    size_t cap;

    *out = NULL;
    *n = 0;
    if (next_token != NULL)
        *next_token = NULL;
    if ((root = json_parse(body, len, err)) == NULL)
        return OD_E_PARSE;
    if (!json_list_absent_or_array(root, "MetricDataResults")) {
        od_error_set(err, OD_E_PARSE,
                     "GetMetricData response: \"MetricDataResults\" is not an array");
        cJSON_Delete(root);
        return OD_E_PARSE;
    }
    if ((cap = json_count_objects(root, "MetricDataResults")) > 0) {
        *out = xcalloc(cap, sizeof **out);
        JSON_FOREACH(it, root, "MetricDataResults")
            if (cJSON_IsObject(it))
                decode_series(it, &(*out)[(*n)++]);
    }
    if (next_token != NULL)
        *next_token = json_strdup(root, "NextToken");
    cJSON_Delete(root);
    return OD_OK;
}

/* ---- DescribeAlarms -------------------------------------------------------------------- */

char *
cw_body_describe_alarms(const char *next_token)
{
    cJSON *o = json_new_object();
    const char *types[] = {"MetricAlarm"};

    json_add_strs(o, "AlarmTypes", types, 1);
    json_add_num(o, "MaxRecords", 100);
    json_add_str(o, "NextToken", next_token);
    return json_print_free(o);
}

/* The Dimensions list of j (a MetricAlarm or a Metric), each {Name, Value}. */
static void
decode_dimensions(const cJSON *j, struct od_dimension **out, size_t *n)
{
    const cJSON *it;
    size_t cap;

    if ((cap = json_count_objects(j, "Dimensions")) == 0)
        return;
    *out = xcalloc(cap, sizeof **out);
    JSON_FOREACH(it, j, "Dimensions") {
        struct od_dimension *d;

        if (!cJSON_IsObject(it))
            continue;
        d = &(*out)[(*n)++];
        d->name = json_strdup(it, "Name");
        d->value = json_strdup(it, "Value");
    }
}

/* A metric-math alarm names its metrics in Metrics[]: the ones with a MetricStat carry the
 * dimensions that tie the alarm to a service (expressions carry none). */
static void
decode_alarm_metrics(const cJSON *j, struct od_alarm *a)
{
    const cJSON *it;
    size_t cap;

    if ((cap = json_count_objects(j, "Metrics")) == 0)
        return;
    a->metrics = xcalloc(cap, sizeof *a->metrics);
    JSON_FOREACH(it, j, "Metrics") {
        const cJSON *metric = json_obj(json_obj(it, "MetricStat"), "Metric");
        struct od_alarm_metric *m;

        if (!cJSON_IsObject(it))
            continue;
        m = &a->metrics[a->nmetrics++];
        m->id = json_strdup(it, "Id");
        if (metric != NULL)
            decode_dimensions(metric, &m->dimensions, &m->ndimensions);
    }
}

static void
decode_alarm(const cJSON *j, struct od_alarm *a)
{
    a->name = json_strdup(j, "AlarmName");
    a->arn = json_strdup(j, "AlarmArn");
    a->state = json_strdup(j, "StateValue");
    a->reason = json_strdup(j, "StateReason");
    if (!json_num(j, "StateUpdatedTimestamp", &a->updated_at))
        a->updated_at = 0.0;
    a->namespace_ = json_strdup(j, "Namespace");
    a->metric_name = json_strdup(j, "MetricName");
    a->statistic = json_strdup(j, "Statistic");
    if (!json_num(j, "Threshold", &a->threshold))
        a->threshold = 0.0;
    a->comparison = json_strdup(j, "ComparisonOperator");
    decode_dimensions(j, &a->dimensions, &a->ndimensions);
    decode_alarm_metrics(j, a);
}

enum od_err
cw_decode_alarms(const char *body, size_t len, struct od_alarm **out, size_t *n,
                 char **next_token, struct od_error *err)
{
    cJSON *root;
    const cJSON *it;
    size_t cap;

    *out = NULL;
    *n = 0;
    if (next_token != NULL)
        *next_token = NULL;
    if ((root = json_parse(body, len, err)) == NULL)
        return OD_E_PARSE;
    /* Either list may be left out (a page of composite alarms only, or none at all). */
    if (!json_list_absent_or_array(root, "MetricAlarms") ||
        !json_list_absent_or_array(root, "CompositeAlarms")) {
        od_error_set(err, OD_E_PARSE, "DescribeAlarms response: \"MetricAlarms\" is not an array");
        cJSON_Delete(root);
        return OD_E_PARSE;
    }
    if ((cap = json_count_objects(root, "MetricAlarms")) > 0) {
        *out = xcalloc(cap, sizeof **out);
        JSON_FOREACH(it, root, "MetricAlarms")
            if (cJSON_IsObject(it))
                decode_alarm(it, &(*out)[(*n)++]);
    }
    if (next_token != NULL)
        *next_token = json_strdup(root, "NextToken");
    cJSON_Delete(root);
    return OD_OK;
}
