/* CloudWatch jobs of a refresh: DescribeAlarms pages, and GetMetricData (up to 500 queries
 * a call) once the owners of the series (services, target groups, distributions) are known. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "poller/refresh.h"
#include "aws/cloudwatch.h"
#include "aws/proto_json.h"
#include "util/clock.h"
#include "util/str.h"
#include "util/xalloc.h"

/* ---- CloudWatch: alarms and metrics ------------------------------------------------- */

void
refresh_cw_describe_alarms(struct refresh *r, const char *token, int depth);

static void
describe_alarms_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                     const struct od_error *err)
{
    struct od_alarm *arr = NULL;
    size_t n = 0;
    char *next = NULL;
    struct od_error perr = {0};

    if (err != NULL) {
        refresh_fail(r, OD_PART_ALARMS, err);
        return;
    }
    if (cw_decode_alarms(resp->body, resp->body_len, &arr, &n, &next, &perr) != OD_OK) {
        refresh_fail_parse(r, OD_PART_ALARMS, &perr);
        return;
    }
    refresh_add_minimum(r, "DescribeAlarms", 1);
    for (size_t i = 0; i < n; i++) {
        GROW(r->alarms, r->nalarms, r->calarms);
        r->alarms[r->nalarms++] = arr[i];
    }
    free(arr);
    if (next != NULL)
        refresh_cw_describe_alarms(r, next, j->depth);
    free(next);
}

void
refresh_cw_describe_alarms(struct refresh *r, const char *token, int depth)
{
    struct job *j = refresh_job_new(r, OD_SVC_CLOUDWATCH, "DescribeAlarms", OD_PART_ALARMS, depth + 1,
                            describe_alarms_done);

    j->body = cw_body_describe_alarms(token);
    refresh_enqueue(r, j);
}

static struct od_metric_set *
metric_set(struct refresh *r, const char *owner)
{
    for (size_t i = 0; i < r->nmsets; i++)
        if (strcmp(r->msets[i].owner, owner) == 0)
            return &r->msets[i];
    GROW(r->msets, r->nmsets, r->cmsets);
    memset(&r->msets[r->nmsets], 0, sizeof r->msets[r->nmsets]);
    r->msets[r->nmsets].owner = xstrdup(owner);
    return &r->msets[r->nmsets++];
}

/* Merge a decoded series (id "q<N>") into its owner's set under the metric's name. */
static void
merge_series(struct refresh *r, struct od_series *s)
{
    long idx;
    struct metric_ref *ref;
    struct od_metric_set *set;
    struct od_series *dst = NULL;

    if (s->id == NULL || s->id[0] != 'q' || !str_to_long(s->id + 1, &idx) || idx < 0 ||
        (size_t)idx >= r->nmrefs) {
        series_clear(s);
        return;
    }
    ref = &r->mrefs[idx];
    set = metric_set(r, ref->owner);
    for (size_t i = 0; i < set->nseries; i++)
        if (str_eq(set->series[i].id, ref->metric))
            dst = &set->series[i];
    if (dst == NULL) {
        set->series = xreallocarray(set->series, set->nseries + 1, sizeof *set->series);
        dst = &set->series[set->nseries++];
        *dst = *s;
        free(dst->id);
        dst->id = xstrdup(ref->metric);
        memset(s, 0, sizeof *s);
        return;
    }
    /* A later page of the same series: append its points; its StatusCode is the latest
     * (PartialData pages end with Complete, or with an error to keep). */
    if (s->status_code != NULL && !series_failed(dst)) {
        free(dst->status_code);
        dst->status_code = s->status_code;
        s->status_code = NULL;
        free(dst->message);
        dst->message = s->message;
        s->message = NULL;
    }
    if (s->n > 0) {
        dst->values = xreallocarray(dst->values, dst->n + s->n, sizeof *dst->values);
        dst->timestamps = xreallocarray(dst->timestamps, dst->n + s->n, sizeof *dst->timestamps);
        memcpy(dst->values + dst->n, s->values, s->n * sizeof *s->values);
        memcpy(dst->timestamps + dst->n, s->timestamps, s->n * sizeof *s->timestamps);
        dst->n += s->n;
    }
    series_clear(s);
}

/* The same GetMetricData body with NextToken set to token. */
static char *
with_next_token(const char *body, const char *token)
{
    cJSON *doc = json_parse(body, strlen(body), NULL);
    char *out;

    if (doc == NULL)
        od_fatal("poller: own GetMetricData body does not parse");
    cJSON_DeleteItemFromObjectCaseSensitive(doc, "NextToken");
    json_add_str(doc, "NextToken", token);
    out = json_print(doc);
    json_free(&doc);
    return out;
}

static void
metric_data_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                 const struct od_error *err)
{
    struct od_series *arr = NULL;
    size_t n = 0;
    char *next = NULL;
    struct od_error perr = {0};

    if (err != NULL) {
        refresh_fail(r, OD_PART_METRICS, err);
        return;
    }
    if (cw_decode_metric_data(resp->body, resp->body_len, &arr, &n, &next, &perr) != OD_OK) {
        refresh_fail_parse(r, OD_PART_METRICS, &perr);
        return;
    }
    for (size_t i = 0; i < n; i++)
        merge_series(r, &arr[i]);
    free(arr);
    if (next != NULL) {
        /* Same queries, next page: rebuild the body with the token. */
        struct job *more = refresh_job_new(r, OD_SVC_CLOUDWATCH, "GetMetricData", OD_PART_METRICS,
                                   j->depth + 1, metric_data_done);
        more->region = j->region;
        more->timeout_ms = j->timeout_ms;
        more->body = with_next_token(j->body, next);
        refresh_enqueue(r, more);
    }
    free(next);
}

struct qbuild {
    struct od_metric_query *q;
    size_t n, cap;
    struct od_dimension **dims; /* owned blocks of 2 dimensions, freed after the bodies */
    size_t ndims;
    char **ids;
    size_t nids;
};

static void
add_query(struct refresh *r, struct qbuild *b, const char *owner, const char *ns,
          const char *metric, const char *stat, const struct od_dimension *dims, size_t ndims)
{
    struct od_metric_query *q;
    char *id;

    GROW(b->q, b->n, b->cap);
    GROW(r->mrefs, r->nmrefs, r->cmrefs);
    id = xasprintf("q%zu", r->nmrefs);
    r->mrefs[r->nmrefs].owner = xstrdup(owner);
    r->mrefs[r->nmrefs].metric = metric;
    r->nmrefs++;
    b->ids = xreallocarray(b->ids, b->nids + 1, sizeof *b->ids);
    b->ids[b->nids++] = id;
    q = &b->q[b->n++];
    memset(q, 0, sizeof *q);
    q->id = id;
    q->namespace_ = ns;
    q->metric_name = metric;
    q->stat = stat;
    q->period = 60;
    q->dimensions = dims;
    q->ndimensions = ndims;
}

static struct od_dimension *
dims_alloc(struct qbuild *b, size_t n)
{
    /* Dimension arrays must stay put until the bodies are built: allocate each alone. */
    struct od_dimension *d = xcalloc(n, sizeof *d);

    b->dims = xreallocarray(b->dims, b->ndims + 1, sizeof *b->dims);
    b->dims[b->ndims++] = d;
    return d;
}

static void
qbuild_free(struct qbuild *b)
{
    for (size_t i = 0; i < b->ndims; i++) {
        struct od_dimension *d = b->dims[i];

        for (size_t k = 0; k < 2; k++) {
            free(d[k].name);
            free(d[k].value);
        }
        free(d);
    }
    free(b->dims);
    for (size_t i = 0; i < b->nids; i++)
        free(b->ids[i]);
    free(b->ids);
    free(b->q);
}

static void
emit_metric_jobs(struct refresh *r, struct qbuild *b, const char *region, int depth,
                 time_t start, time_t end)
{
    for (size_t i = 0; i < b->n; i += CW_MAX_QUERIES) {
        size_t m = b->n - i < CW_MAX_QUERIES ? b->n - i : CW_MAX_QUERIES;
        struct job *j = refresh_job_new(r, OD_SVC_CLOUDWATCH, "GetMetricData", OD_PART_METRICS,
                                depth + 1, metric_data_done);

        j->region = region;
        /* Up to 500 metrics in one call: give it longer than a describe. */
        j->timeout_ms = 120000;
        j->body = cw_body_get_metric_data(b->q + i, m, start, end, NULL);
        refresh_enqueue(r, j);
    }
    refresh_add_minimum(r, "GetMetricData", refresh_batches(b->n, CW_MAX_QUERIES));
    r->stats.metrics_requested += b->n;
}

static void
metric_window(const struct od_poller *p, time_t *start, time_t *end)
{
    time_t now = clock_aws_now();

    *end = (now / 60 + 1) * 60;
    *start = *end - (time_t)p->metric_minutes * 60;
}

/* ECS and ALB metrics once services and target groups are known. */
/* A target group gets metrics when a service in the metric scope registers into it: the set
 * of such groups, built once per metrics pass (a search per group was O(groups × services)). */
static void
scoped_groups(const struct refresh *r, struct od_strmap *out)
{
    for (size_t i = 0; i < r->nservices; i++) {
        const struct od_service *s = &r->services[i];

        if (!poller_metric_service(r->p, s->name))
            continue;
        for (size_t k = 0; k < s->nlbs; k++)
            strmap_put(out, s->lbs[k].target_group_arn, i);
    }
}

/* The first application load balancer a target group is attached to, or NULL. A Network
 * or Gateway Load Balancer ("net/", "gwy/") publishes to AWS/NetworkELB or AWS/GatewayELB,
 * which have no RequestCount, HTTPCode_Target_5XX_Count or TargetResponseTime: asking
 * AWS/ApplicationELB for them would be billed and always empty. */
static const char *
tg_alb(const struct tg_slot *t)
{
    for (size_t i = 0; i < t->group.nload_balancers; i++) {
        char *dim = elbv2_lb_dimension(t->group.load_balancer_arns[i]);
        bool app = dim != NULL && strncmp(dim, "app/", 4) == 0;

        free(dim);
        if (app)
            return t->group.load_balancer_arns[i];
    }
    return NULL;
}

void
refresh_cw_start_metrics(struct refresh *r, int depth)
{
    struct qbuild b = {0};
    struct od_strmap scoped = {0};
    time_t start, end;

    if (!refresh_want(r, OD_PART_METRICS))
        return;
    metric_window(r->p, &start, &end);
    scoped_groups(r, &scoped);
    for (size_t i = 0; i < r->nservices; i++) {
        const struct od_service *s = &r->services[i];
        struct od_dimension *d;

        if (!poller_metric_service(r->p, s->name))
            continue;
        d = dims_alloc(&b, 2);
        d[0].name = xstrdup("ClusterName");
        d[0].value = xstrdup(cluster_short_name(r->cluster)); /* the name, never the ARN */
        d[1].name = xstrdup("ServiceName");
        d[1].value = xstrdup(s->name);
        add_query(r, &b, s->name, "AWS/ECS", "CPUUtilization", "Average", d, 2);
        add_query(r, &b, s->name, "AWS/ECS", "MemoryUtilization", "Average", d, 2);
    }
    for (size_t i = 0; i < r->ntgs; i++) {
        const struct tg_slot *t = &r->tgs[i];
        struct od_dimension *d;

        const char *alb = tg_alb(t);

        if (alb == NULL || !strmap_get(&scoped, t->arn, &(size_t){0}))
            continue; /* no application load balancer: no ALB metrics */
        /* Dimensions in name order, as the ALB publishes them: CloudWatch matches any order,
         * moto only the order the data was put in. */
        d = dims_alloc(&b, 2);
        d[0].name = xstrdup("LoadBalancer");
        d[0].value = elbv2_lb_dimension(alb);
        d[1].name = xstrdup("TargetGroup");
        d[1].value = elbv2_tg_dimension(t->arn);
        if (d[0].value == NULL || d[1].value == NULL)
            continue;
        add_query(r, &b, t->arn, "AWS/ApplicationELB", "RequestCount", "Sum", d, 2);
        add_query(r, &b, t->arn, "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", d, 2);
        add_query(r, &b, t->arn, "AWS/ApplicationELB", "TargetResponseTime", "Average", d, 2);
    }
    emit_metric_jobs(r, &b, NULL, depth, start, end);
    qbuild_free(&b);
    strmap_free(&scoped);
}

/* CloudFront metrics live in us-east-1 whatever the console's region. */
void
refresh_cw_start_cf_metrics(struct refresh *r, int depth)
{
    struct qbuild b = {0};
    time_t start, end;

    if (!refresh_want(r, OD_PART_METRICS) || r->ndists == 0)
        return;
    metric_window(r->p, &start, &end);
    for (size_t i = 0; i < r->ndists; i++) {
        struct od_dimension *d = dims_alloc(&b, 2);

        d[0].name = xstrdup("DistributionId");
        d[0].value = xstrdup(r->dists[i].id);
        d[1].name = xstrdup("Region");
        d[1].value = xstrdup("Global");
        add_query(r, &b, r->dists[i].id, "AWS/CloudFront", "Requests", "Sum", d, 2);
        add_query(r, &b, r->dists[i].id, "AWS/CloudFront", "5xxErrorRate", "Average", d, 2);
    }
    emit_metric_jobs(r, &b, "us-east-1", depth, start, end);
    qbuild_free(&b);
}
