/* ECS service deployments and service revisions: request bodies and decoders (see
 * ecs_deployments.h). A member of the wrong type reads as absent (proto_json getters). */
#include "aws/ecs_deployments.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/proto_json.h"
#include "util/xalloc.h"

static int64_t
get_ms(const cJSON *obj, const char *key)
{
    int64_t v;

    return json_time_ms(obj, key, &v) ? v : 0;
}

char *
ecs_body_list_service_deployments(const char *cluster, const char *service, int max)
{
    cJSON *o = json_new_object();

    json_add_str(o, "cluster", cluster);
    json_add_str(o, "service", service);
    if (max > 0)
        json_add_num(o, "maxResults", max);
    return json_print_free(o);
}

static char *
arns_body(const char *key, const char *const *arns, size_t n)
{
    cJSON *o = json_new_object();

    json_add_strs(o, key, arns, n);
    return json_print_free(o);
}

char *
ecs_body_describe_service_deployments(const char *const *arns, size_t n)
{
    return arns_body("serviceDeploymentArns", arns, n);
}

char *
ecs_body_describe_service_revisions(const char *const *arns, size_t n)
{
    return arns_body("serviceRevisionArns", arns, n);
}

enum od_err
ecs_decode_service_deployment_list(const char *body, size_t len, char ***arns, size_t *n,
                                   char **next_token, struct od_error *err)
{
    cJSON *root = json_parse_with_list(body, len, "serviceDeployments", "ListServiceDeployments", err);
    const cJSON *it;
    size_t cap;

    *arns = NULL;
    *n = 0;
    if (next_token != NULL)
        *next_token = NULL;
    if (root == NULL)
        return OD_E_PARSE;
    if ((cap = json_count_objects(root, "serviceDeployments")) > 0)
        *arns = xcalloc(cap, sizeof **arns);
    JSON_FOREACH(it, root, "serviceDeployments") {
        const char *a = cJSON_IsObject(it) ? json_str(it, "serviceDeploymentArn") : NULL;

        if (a != NULL)
            (*arns)[(*n)++] = xstrdup(a);
    }
    if (next_token != NULL)
        *next_token = json_strdup(root, "nextToken");
    cJSON_Delete(root);
    return OD_OK;
}

static void
decode_revision_ref(const cJSON *j, struct od_sd_revision *r)
{
    double w;

    r->arn = json_strdup(j, "arn");
    r->requested = json_long(j, "requestedTaskCount");
    r->running = json_long(j, "runningTaskCount");
    r->pending = json_long(j, "pendingTaskCount");
    if (json_num(j, "requestedProductionTrafficWeight", &w)) {
        r->has_weights = true;
        r->prod_weight = w;
        r->test_weight = json_num(j, "requestedTestTrafficWeight", &w) ? w : 0.0;
    }
}

static void
decode_deployment(const cJSON *j, struct od_service_deployment *d)
{
    const cJSON *cfg = json_obj(j, "deploymentConfiguration");
    const cJSON *cb = json_obj(j, "deploymentCircuitBreaker");
    const cJSON *al = json_obj(j, "alarms");
    const cJSON *rb = json_obj(j, "rollback");
    const cJSON *it;
    size_t cap;

    d->arn = json_strdup(j, "serviceDeploymentArn");
    d->service_arn = json_strdup(j, "serviceArn");
    d->cluster_arn = json_strdup(j, "clusterArn");
    d->status = json_strdup(j, "status");
    d->status_reason = json_strdup(j, "statusReason");
    d->stage = json_strdup(j, "lifecycleStage");
    d->strategy = json_strdup(cfg, "strategy");
    d->bake_minutes = json_long(cfg, "bakeTimeInMinutes");
    d->created_ms = get_ms(j, "createdAt");
    d->started_ms = get_ms(j, "startedAt");
    d->updated_ms = get_ms(j, "updatedAt");
    d->finished_ms = get_ms(j, "finishedAt");
    if (json_obj(j, "targetServiceRevision") != NULL)
        decode_revision_ref(json_obj(j, "targetServiceRevision"), &d->target);
    if ((cap = json_count_objects(j, "sourceServiceRevisions")) > 0)
        d->sources = xcalloc(cap, sizeof *d->sources);
    JSON_FOREACH(it, j, "sourceServiceRevisions")
        if (cJSON_IsObject(it))
            decode_revision_ref(it, &d->sources[d->nsources++]);
    if ((cap = json_count_objects(j, "lifecycleHookDetails")) > 0)
        d->hooks = xcalloc(cap, sizeof *d->hooks);
    JSON_FOREACH(it, j, "lifecycleHookDetails") {
        struct od_sd_hook *h;

        if (!cJSON_IsObject(it))
            continue;
        h = &d->hooks[d->nhooks++];
        h->hook_id = json_strdup(it, "hookId");
        h->target_type = json_strdup(it, "targetType");
        h->status = json_strdup(it, "status");
        h->timeout_action = json_strdup(it, "timeoutAction");
        h->expires_ms = get_ms(it, "expiresAt");
    }
    d->breaker_status = json_strdup(cb, "status");
    d->breaker_failures = json_long(cb, "failureCount");
    d->breaker_threshold = json_long(cb, "threshold");
    d->alarms_status = json_strdup(al, "status");
    if ((cap = json_arr_len(al, "triggeredAlarmNames")) > 0)
        d->alarms_triggered = xcalloc(cap, sizeof *d->alarms_triggered);
    JSON_FOREACH(it, al, "triggeredAlarmNames")
        if (cJSON_IsString(it) && d->nalarms_triggered < cap)
            d->alarms_triggered[d->nalarms_triggered++] = xstrdup(it->valuestring);
    d->rollback_reason = json_strdup(rb, "reason");
    d->rollback_revision = json_strdup(rb, "serviceRevisionArn");
    d->rollback_started_ms = get_ms(rb, "startedAt");
}

enum od_err
ecs_decode_service_deployments(const char *body, size_t len, struct od_service_deployment **out,
                               size_t *n, struct od_error *err)
{
    cJSON *root = json_parse_with_list(body, len, "serviceDeployments", "DescribeServiceDeployments", err);
    const cJSON *it;
    size_t cap;

    *out = NULL;
    *n = 0;
    if (root == NULL)
        return OD_E_PARSE;
    if ((cap = json_count_objects(root, "serviceDeployments")) > 0)
        *out = xcalloc(cap, sizeof **out);
    JSON_FOREACH(it, root, "serviceDeployments")
        if (cJSON_IsObject(it))
            decode_deployment(it, &(*out)[(*n)++]);
    cJSON_Delete(root);
    return OD_OK;
}

/* The strings of array key of obj (members of another type skipped). */
static char **
decode_strs(const cJSON *obj, const char *key, size_t *n)
{
    size_t cap = json_arr_len(obj, key);
    char **out = cap > 0 ? xcalloc(cap, sizeof *out) : NULL;
    const cJSON *it;

    *n = 0;
    JSON_FOREACH(it, obj, key)
        if (cJSON_IsString(it) && *n < cap)
            out[(*n)++] = xstrdup(it->valuestring);
    return out;
}

/* Network configuration, load balancers and capacity provider strategy of a revision. */
static void
decode_revision_placement(const cJSON *j, struct od_service_revision *r)
{
    const cJSON *vpc = json_obj(json_obj(j, "networkConfiguration"), "awsvpcConfiguration");
    const cJSON *it;
    size_t cap;

    r->subnets = decode_strs(vpc, "subnets", &r->nsubnets);
    r->security_groups = decode_strs(vpc, "securityGroups", &r->nsecurity_groups);
    r->assign_public_ip = json_strdup(vpc, "assignPublicIp");
    if ((cap = json_count_objects(j, "loadBalancers")) > 0)
        r->lbs = xcalloc(cap, sizeof *r->lbs);
    JSON_FOREACH(it, j, "loadBalancers") {
        struct od_sr_lb *lb;

        if (!cJSON_IsObject(it))
            continue;
        lb = &r->lbs[r->nlbs++];
        lb->target_group_arn = json_strdup(it, "targetGroupArn");
        lb->load_balancer_name = json_strdup(it, "loadBalancerName");
        lb->container_name = json_strdup(it, "containerName");
        lb->container_port = json_long(it, "containerPort");
    }
    if ((cap = json_count_objects(j, "capacityProviderStrategy")) > 0)
        r->capacity = xcalloc(cap, sizeof *r->capacity);
    JSON_FOREACH(it, j, "capacityProviderStrategy") {
        struct od_sr_capacity *c;

        if (!cJSON_IsObject(it))
            continue;
        c = &r->capacity[r->ncapacity++];
        c->provider = json_strdup(it, "capacityProvider");
        c->weight = json_long(it, "weight");
        c->base = json_long(it, "base");
    }
}

static void
decode_revision(const cJSON *j, struct od_service_revision *r)
{
    const cJSON *it;
    size_t cap;

    r->arn = json_strdup(j, "serviceRevisionArn");
    r->service_arn = json_strdup(j, "serviceArn");
    r->task_definition = json_strdup(j, "taskDefinition");
    r->launch_type = json_strdup(j, "launchType");
    r->platform_version = json_strdup(j, "platformVersion");
    r->platform_family = json_strdup(j, "platformFamily");
    decode_revision_placement(j, r);
    r->created_ms = get_ms(j, "createdAt");
    if ((cap = json_count_objects(j, "containerImages")) > 0)
        r->images = xcalloc(cap, sizeof *r->images);
    JSON_FOREACH(it, j, "containerImages") {
        const char *name, *image, *digest;
        size_t need;

        if (!cJSON_IsObject(it))
            continue;
        name = json_str(it, "containerName");
        image = json_str(it, "image");
        digest = json_str(it, "imageDigest");
        need = strlen(name ? name : "-") + strlen(image ? image : "-") +
               strlen(digest ? digest : "") + 3;
        r->images[r->nimages] = xmalloc(need);
        snprintf(r->images[r->nimages], need, "%s %s%s%s", name ? name : "-",
                 image ? image : "-", digest ? "@" : "", digest ? digest : "");
        r->nimages++;
    }
}

enum od_err
ecs_decode_service_revisions(const char *body, size_t len, struct od_service_revision **out,
                             size_t *n, struct od_error *err)
{
    cJSON *root = json_parse_with_list(body, len, "serviceRevisions", "DescribeServiceRevisions", err);
    const cJSON *it;
    size_t cap;

    *out = NULL;
    *n = 0;
    if (root == NULL)
        return OD_E_PARSE;
    if ((cap = json_count_objects(root, "serviceRevisions")) > 0)
        *out = xcalloc(cap, sizeof **out);
    JSON_FOREACH(it, root, "serviceRevisions")
        if (cJSON_IsObject(it))
            decode_revision(it, &(*out)[(*n)++]);
    cJSON_Delete(root);
    return OD_OK;
}
