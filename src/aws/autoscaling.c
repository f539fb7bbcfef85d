/* Application Auto Scaling bodies and decoders (see autoscaling.h). */
#include "aws/autoscaling.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/proto_json.h"
#include "util/str.h"
#include "util/xalloc.h"

#define NAMESPACE "ecs"
#define DIMENSION "ecs:service:DesiredCount"

char *
autoscaling_resource_id(const char *cluster, const char *service)
{
    return xasprintf("service/%s/%s", cluster != NULL ? cluster : "", service != NULL ? service : "");
}

char *
autoscaling_service_of(const char *resource_id)
{
    const char *slash;

    if (!str_has_prefix(resource_id, "service/"))
        return NULL;
    slash = strchr(resource_id + strlen("service/"), '/');
    if (slash == NULL || slash[1] == '\0')
        return NULL;
    return xstrdup(slash + 1);
}

static cJSON *
body_start(const char *token)
{
    cJSON *o = json_new_object();

    json_add_str(o, "ServiceNamespace", NAMESPACE);
    json_add_str(o, "NextToken", token);
    return o;
}

char *
autoscaling_body_describe_targets(const char *cluster, const char *const *services, size_t n,
                                  const char *token)
{
    cJSON *o = body_start(token), *ids = json_add_array(o, "ResourceIds");

    for (size_t i = 0; i < n && i < AUTOSCALING_MAX_RESOURCE_IDS; i++) {
        char *id = autoscaling_resource_id(cluster, services[i]);

        json_push_str(ids, id);
        free(id);
    }
    json_add_str(o, "ScalableDimension", DIMENSION);
    return json_print_free(o);
}

static char *
one_resource_body(const char *cluster, const char *service, const char *token)
{
    cJSON *o = body_start(token);
    char *id = autoscaling_resource_id(cluster, service);

    json_add_str(o, "ResourceId", id);
    json_add_str(o, "ScalableDimension", DIMENSION);
    free(id);
    return json_print_free(o);
}

char *
autoscaling_body_describe_policies(const char *cluster, const char *service, const char *token)
{
    return one_resource_body(cluster, service, token);
}

char *
autoscaling_body_describe_activities(const char *cluster, const char *service, const char *token)
{
    return one_resource_body(cluster, service, token);
}

char *
autoscaling_body_register(const char *cluster, const char *service, long min, long max)
{
    cJSON *o = body_start(NULL);
    char *id = autoscaling_resource_id(cluster, service);

    json_add_str(o, "ResourceId", id);
    json_add_str(o, "ScalableDimension", DIMENSION);
    json_add_num(o, "MinCapacity", (double)min);
    json_add_num(o, "MaxCapacity", (double)max);
    free(id);
    return json_print_free(o);
}

/* ---- decoders ---------------------------------------------------------------------------- */

static cJSON *
page_start(const char *body, size_t len, const char *key, char **next_token,
           struct od_error *err)
{
    cJSON *root = json_parse(body, len, err);

    if (next_token != NULL)
        *next_token = NULL;
    if (root == NULL)
        return NULL;
    if (cJSON_GetObjectItemCaseSensitive(root, key) != NULL && json_arr(root, key) == NULL) {
        od_error_set(err, OD_E_PARSE, "%s is not a list", key);
        cJSON_Delete(root);
        return NULL;
    }
    if (next_token != NULL && !str_empty(json_str(root, "NextToken")))
        *next_token = xstrdup(json_str(root, "NextToken"));
    return root;
}

static long
capacity(const cJSON *o, const char *key)
{
    int64_t v = 0;

    if (!json_int(o, key, &v) || v < 0)
        return 0;
    return v > 1000000 ? 1000000 : (long)v;
}

static double
seconds(const cJSON *o, const char *key)
{
    double v = 0;

    return json_num(o, key, &v) ? v : 0;
}

enum od_err
autoscaling_decode_targets(const char *body, size_t len, struct od_scaling **out, size_t *n,
                           char **next_token, struct od_error *err)
{
    cJSON *root = page_start(body, len, "ScalableTargets", next_token, err);
    const cJSON *it;
    size_t cap;

    *out = NULL;
    *n = 0;
    if (root == NULL)
        return OD_E_PARSE;
    cap = json_arr_len(root, "ScalableTargets");
    *out = xcalloc(cap + 1, sizeof **out);
    JSON_FOREACH(it, root, "ScalableTargets") {
        struct od_scaling *s = &(*out)[*n];
        const cJSON *st;
        char *svc;

        if (!cJSON_IsObject(it) || !str_eq(json_str(it, "ScalableDimension"), DIMENSION) ||
            (svc = autoscaling_service_of(json_str(it, "ResourceId"))) == NULL)
            continue;
        s->service = svc;
        s->resource_id = json_strdup(it, "ResourceId");
        s->min = capacity(it, "MinCapacity");
        s->max = capacity(it, "MaxCapacity");
        s->created_at = seconds(it, "CreationTime");
        if ((st = json_obj(it, "SuspendedState")) != NULL) {
            (void)json_bool(st, "DynamicScalingInSuspended", &s->in_suspended);
            (void)json_bool(st, "DynamicScalingOutSuspended", &s->out_suspended);
            (void)json_bool(st, "ScheduledScalingSuspended", &s->scheduled_suspended);
        }
        (*n)++;
    }
    cJSON_Delete(root);
    return OD_OK;
}

enum od_err
autoscaling_decode_policies(const char *body, size_t len, struct od_scaling_policy **out,
                            size_t *n, char **next_token, struct od_error *err)
{
    cJSON *root = page_start(body, len, "ScalingPolicies", next_token, err);
    const cJSON *it;

    *out = NULL;
    *n = 0;
    if (root == NULL)
        return OD_E_PARSE;
    *out = xcalloc(json_arr_len(root, "ScalingPolicies") + 1, sizeof **out);
    JSON_FOREACH(it, root, "ScalingPolicies") {
        struct od_scaling_policy *p = &(*out)[*n];
        const cJSON *tt;

        if (!cJSON_IsObject(it) || json_str(it, "PolicyName") == NULL)
            continue;
        p->name = json_strdup(it, "PolicyName");
        p->type = json_strdup(it, "PolicyType");
        if ((tt = json_obj(it, "TargetTrackingScalingPolicyConfiguration")) != NULL) {
            p->has_target = json_num(tt, "TargetValue", &p->target_value);
            p->metric = json_strdup(json_obj(tt, "PredefinedMetricSpecification"),
                                    "PredefinedMetricType");
        }
        (*n)++;
    }
    cJSON_Delete(root);
    return OD_OK;
}

enum od_err
autoscaling_decode_activities(const char *body, size_t len, struct od_scaling_activity **out,
                              size_t *n, char **next_token, struct od_error *err)
{
    cJSON *root = page_start(body, len, "ScalingActivities", next_token, err);
    const cJSON *it;

    *out = NULL;
    *n = 0;
    if (root == NULL)
        return OD_E_PARSE;
    *out = xcalloc(json_arr_len(root, "ScalingActivities") + 1, sizeof **out);
    JSON_FOREACH(it, root, "ScalingActivities") {
        struct od_scaling_activity *a = &(*out)[*n];

        if (!cJSON_IsObject(it))
            continue;
        a->description = json_strdup(it, "Description");
        a->cause = json_strdup(it, "Cause");
        a->status = json_strdup(it, "StatusCode");
        a->status_message = json_strdup(it, "StatusMessage");
        a->start_time = seconds(it, "StartTime");
        a->end_time = seconds(it, "EndTime");
        (*n)++;
    }
    cJSON_Delete(root);
    return OD_OK;
}
