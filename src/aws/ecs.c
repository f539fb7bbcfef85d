/* ECS (awsJson 1.1) request bodies and response decoders.
 *
 * Decoders are total: any input, however hostile (wrong member types, nulls, huge arrays,
 * deep nesting), yields either OD_OK with what could be read or OD_E_PARSE. JSON null, a
 * missing member and a member of the wrong type all read as "absent" (proto_json getters).
 * Array elements that are not objects (or not strings, for ARN lists) are skipped. */
#include "aws/ecs.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/proto_json.h"
#include "util/str.h"
#include "util/xalloc.h"

void
failure_clear(struct od_failure *f)
{
    free(f->arn);
    free(f->reason);
    free(f->detail);
    memset(f, 0, sizeof *f);
}

void
arn_list_free(char ***arns, size_t *n)
{
    if (*arns != NULL) {
        for (size_t i = 0; i < *n; i++)
            free((*arns)[i]);
        free(*arns);
    }
    *arns = NULL;
    *n = 0;
}

/* ---- small readers --------------------------------------------------------------------- */

static double
get_double(const cJSON *obj, const char *key)
{
    double v;

    return json_num(obj, key, &v) ? v : 0.0;
}

static bool
get_bool(const cJSON *obj, const char *key)
{
    bool v;

    return json_bool(obj, key, &v) && v;
}

static void
decode_failures(const cJSON *root, struct od_failure **out, size_t *n)
{
    const cJSON *it;
    size_t cap;

    if (out == NULL || n == NULL)
        return;
    *out = NULL;
    *n = 0;
    if ((cap = json_count_objects(root, "failures")) == 0)
        return;
    *out = xcalloc(cap, sizeof **out);
    JSON_FOREACH(it, root, "failures") {
        struct od_failure *f;

        if (!cJSON_IsObject(it))
            continue;
        f = &(*out)[(*n)++];
        f->arn = json_strdup(it, "arn");
        f->reason = json_strdup(it, "reason");
        f->detail = json_strdup(it, "detail");
    }
}

/* ---- request bodies -------------------------------------------------------------------- */

static cJSON *
list_body(const char *cluster, const char *next_token)
{
    cJSON *o = json_new_object();

    json_add_str(o, "cluster", cluster);
    json_add_num(o, "maxResults", 100);
    json_add_str(o, "nextToken", next_token);
    return o;
}

char *
ecs_body_list_clusters(const char *next_token)
{
    return json_print_free(list_body(NULL, next_token));
}

char *
ecs_body_list_services(const char *cluster, const char *next_token)
{
    return json_print_free(list_body(cluster, next_token));
}

char *
ecs_body_list_tasks(const char *cluster, const char *desired_status, const char *next_token)
{
    cJSON *o = list_body(cluster, next_token);

    json_add_str(o, "desiredStatus", desired_status != NULL ? desired_status : "RUNNING");
    return json_print_free(o);
}

char *
ecs_body_list_container_instances(const char *cluster, const char *next_token)
{
    return json_print_free(list_body(cluster, next_token));
}

char *
ecs_body_list_task_definitions(const char *family_prefix, const char *sort, const char *status,
                               const char *next_token)
{
    cJSON *o = list_body(NULL, next_token);

    json_add_str(o, "familyPrefix", family_prefix);
    json_add_str(o, "sort", sort);
    json_add_str(o, "status", status != NULL ? status : "ACTIVE");
    return json_print_free(o);
}

char *
ecs_body_describe_clusters(const char *const *names, size_t n)
{
    cJSON *o = json_new_object();

    json_add_strs(o, "clusters", names, n);
    return json_print_free(o);
}

static char *
describe_body(const char *cluster, const char *key, const char *const *items, size_t n)
{
    cJSON *o = json_new_object();

    json_add_str(o, "cluster", cluster);
    json_add_strs(o, key, items, n);
    return json_print_free(o);
}

char *
ecs_body_describe_services(const char *cluster, const char *const *names, size_t n)
{
    return describe_body(cluster, "services", names, n);
}

char *
ecs_body_describe_tasks(const char *cluster, const char *const *arns, size_t n)
{
    return describe_body(cluster, "tasks", arns, n);
}

char *
ecs_body_describe_container_instances(const char *cluster, const char *const *arns, size_t n)
{
    return describe_body(cluster, "containerInstances", arns, n);
}

char *
ecs_body_describe_task_definition(const char *task_definition)
{
    cJSON *o = json_new_object();

    json_add_str(o, "taskDefinition", task_definition);
    return json_print_free(o);
}

/* ---- List* ----------------------------------------------------------------------------- */

enum od_err
ecs_decode_arn_list(const char *body, size_t len, const char *key, char ***arns, size_t *n,
                    char **next_token, struct od_error *err)
{
    cJSON *root;
    const cJSON *it;
    size_t cap = 0;

    *arns = NULL;
    *n = 0;
    if (next_token != NULL)
        *next_token = NULL;
    if ((root = json_parse_with_list(body, len, key, "List", err)) == NULL)
        return OD_E_PARSE;
    JSON_FOREACH(it, root, key)
        if (cJSON_IsString(it))
            cap++;
    if (cap > 0) {
        *arns = xcalloc(cap, sizeof **arns);
        JSON_FOREACH(it, root, key)
            if (cJSON_IsString(it))
                (*arns)[(*n)++] = xstrdup(it->valuestring);
    }
    if (next_token != NULL)
        *next_token = json_strdup(root, "nextToken");
    cJSON_Delete(root);
    return OD_OK;
}

/* ---- clusters -------------------------------------------------------------------------- */

enum od_err
ecs_decode_clusters(const char *body, size_t len, struct od_cluster **out, size_t *n,
                    struct od_error *err)
{
    cJSON *root;
    const cJSON *it;
    size_t cap;

    *out = NULL;
    *n = 0;
    if ((root = json_parse_with_list(body, len, "clusters", "DescribeClusters", err)) == NULL)
        return OD_E_PARSE;
    if ((cap = json_count_objects(root, "clusters")) > 0)
        *out = xcalloc(cap, sizeof **out);
    JSON_FOREACH(it, root, "clusters") {
        struct od_cluster *c;

        if (!cJSON_IsObject(it))
            continue;
        c = &(*out)[(*n)++];
        c->arn = json_strdup(it, "clusterArn");
        c->name = json_strdup(it, "clusterName");
        c->status = json_strdup(it, "status");
        c->running_tasks = json_long(it, "runningTasksCount");
        c->pending_tasks = json_long(it, "pendingTasksCount");
        c->active_services = json_long(it, "activeServicesCount");
        c->container_instances = json_long(it, "registeredContainerInstancesCount");
    }
    cJSON_Delete(root);
    return OD_OK;
}

/* ---- services -------------------------------------------------------------------------- */

static void
decode_deployment(const cJSON *j, struct od_deployment *d)
{
    d->id = json_strdup(j, "id");
    d->status = json_strdup(j, "status");
    d->rollout_state = json_strdup(j, "rolloutState");
    d->rollout_state_reason = json_strdup(j, "rolloutStateReason");
    d->task_definition = json_strdup(j, "taskDefinition");
    d->launch_type = json_strdup(j, "launchType");
    d->desired = json_long(j, "desiredCount");
    d->running = json_long(j, "runningCount");
    d->pending = json_long(j, "pendingCount");
    d->failed = json_long(j, "failedTasks");
    d->created_at = get_double(j, "createdAt");
    d->updated_at = get_double(j, "updatedAt");
}

struct event_slot {
    const cJSON *j;
    double at;
    size_t pos;
};

/* Newest first; ties keep the order AWS sent (which is newest first already). */
static int
event_cmp(const void *a, const void *b)
{
    const struct event_slot *x = a, *y = b;

    if (x->at != y->at)
        return x->at > y->at ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static void
decode_events(const cJSON *svc, struct od_service *s)
{
    struct event_slot *slots;
    const cJSON *it;
    size_t n = 0, cap = json_count_objects(svc, "events");

    if (cap == 0)
        return;
    slots = xcalloc(cap, sizeof *slots);
    JSON_FOREACH(it, svc, "events") {
        if (!cJSON_IsObject(it))
            continue;
        slots[n].j = it;
        slots[n].at = get_double(it, "createdAt");
        slots[n].pos = n;
        n++;
    }
    qsort(slots, n, sizeof *slots, event_cmp);
    if (n > OD_MAX_EVENTS)
        n = OD_MAX_EVENTS;
    s->events = xcalloc(n, sizeof *s->events);
    for (size_t i = 0; i < n; i++) {
        s->events[i].id = json_strdup(slots[i].j, "id");
        s->events[i].created_at = slots[i].at;
        s->events[i].message = json_strdup(slots[i].j, "message");
    }
    s->nevents = n;
    free(slots);
}

static void
decode_task_set(const cJSON *j, struct od_task_set *ts)
{
    const cJSON *scale = json_obj(j, "scale");

    ts->id = json_strdup(j, "id");
    ts->arn = json_strdup(j, "taskSetArn");
    ts->status = json_strdup(j, "status");
    ts->task_definition = json_strdup(j, "taskDefinition");
    ts->launch_type = json_strdup(j, "launchType");
    ts->stability_status = json_strdup(j, "stabilityStatus");
    ts->external_id = json_strdup(j, "externalId");
    ts->scale_unit = json_strdup(scale, "unit");
    ts->scale_value = get_double(scale, "value");
    ts->computed_desired = json_long(j, "computedDesiredCount");
    ts->running = json_long(j, "runningCount");
    ts->pending = json_long(j, "pendingCount");
    ts->created_at = get_double(j, "createdAt");
    ts->updated_at = get_double(j, "updatedAt");
}

/* deploymentController, deploymentConfiguration.strategy and taskSets[] (CODE_DEPLOY and
 * EXTERNAL services keep their versions there, not in deployments[]). */
static void
decode_controller(const cJSON *j, struct od_service *s)
{
    const cJSON *it;
    size_t cap;

    s->deployment_controller = json_strdup(json_obj(j, "deploymentController"), "type");
    s->deployment_strategy = json_strdup(json_obj(j, "deploymentConfiguration"), "strategy");
    if ((cap = json_count_objects(j, "taskSets")) == 0)
        return;
    s->task_sets = xcalloc(cap, sizeof *s->task_sets);
    JSON_FOREACH(it, j, "taskSets")
        if (cJSON_IsObject(it))
            decode_task_set(it, &s->task_sets[s->ntask_sets++]);
}

static void
decode_service(const cJSON *j, struct od_service *s)
{
    const cJSON *it, *dc, *cb;
    size_t cap;

    s->arn = json_strdup(j, "serviceArn");
    s->name = json_strdup(j, "serviceName");
    s->cluster_arn = json_strdup(j, "clusterArn");
    s->status = json_strdup(j, "status");
    s->launch_type = json_strdup(j, "launchType");
    s->task_definition = json_strdup(j, "taskDefinition");
    s->scheduling_strategy = json_strdup(j, "schedulingStrategy");
    s->desired = json_long(j, "desiredCount");
    s->running = json_long(j, "runningCount");
    s->pending = json_long(j, "pendingCount");
    s->created_at = get_double(j, "createdAt");

    dc = json_obj(j, "deploymentConfiguration");
    s->max_percent = json_long(dc, "maximumPercent");
    s->min_healthy_percent = json_long(dc, "minimumHealthyPercent");
    cb = json_obj(dc, "deploymentCircuitBreaker");
    s->circuit_breaker = get_bool(cb, "enable");
    s->circuit_breaker_rollback = get_bool(cb, "rollback");

    if ((cap = json_count_objects(j, "deployments")) > 0) {
        s->deployments = xcalloc(cap, sizeof *s->deployments);
        JSON_FOREACH(it, j, "deployments")
            if (cJSON_IsObject(it))
                decode_deployment(it, &s->deployments[s->ndeployments++]);
    }
    decode_events(j, s);
    decode_controller(j, s);
    if ((cap = json_count_objects(j, "loadBalancers")) > 0) {
        s->lbs = xcalloc(cap, sizeof *s->lbs);
        JSON_FOREACH(it, j, "loadBalancers") {
            struct od_lb_ref *lb;

            if (!cJSON_IsObject(it))
                continue;
            lb = &s->lbs[s->nlbs++];
            lb->target_group_arn = json_strdup(it, "targetGroupArn");
            lb->load_balancer_name = json_strdup(it, "loadBalancerName");
            lb->container_name = json_strdup(it, "containerName");
            lb->container_port = json_long(it, "containerPort");
        }
    }
}

enum od_err
ecs_decode_services(const char *body, size_t len, struct od_service **out, size_t *n,
                    struct od_failure **failures, size_t *nfailures, struct od_error *err)
{
    cJSON *root;
    const cJSON *it;
    size_t cap;

    *out = NULL;
    *n = 0;
    if (failures != NULL && nfailures != NULL) {
        *failures = NULL;
        *nfailures = 0;
    }
    if ((root = json_parse_with_list(body, len, "services", "DescribeServices", err)) == NULL)
        return OD_E_PARSE;
    if ((cap = json_count_objects(root, "services")) > 0)
        *out = xcalloc(cap, sizeof **out);
    JSON_FOREACH(it, root, "services")
        if (cJSON_IsObject(it))
            decode_service(it, &(*out)[(*n)++]);
    decode_failures(root, failures, nfailures);
    cJSON_Delete(root);
    return OD_OK;
}

/* ---- tasks ----------------------------------------------------------------------------- */

/* The value of the details[] pair named name in attachments[type=ElasticNetworkInterface]. */
static char *
eni_detail(const cJSON *task, const char *name)
{
    const cJSON *att, *d;

    JSON_FOREACH(att, task, "attachments") {
        if (!str_eq(json_str(att, "type"), "ElasticNetworkInterface"))
            continue;
        JSON_FOREACH(d, att, "details")
            if (str_eq(json_str(d, "name"), name) && json_str(d, "value") != NULL)
                return json_strdup(d, "value");
    }
    return NULL;
}

/* awsvpc tasks also list the ENI on each container (ECS fills it for Fargate and EC2). */
static char *
container_ip(const cJSON *task)
{
    const cJSON *c, *ni;

    JSON_FOREACH(c, task, "containers")
        JSON_FOREACH(ni, c, "networkInterfaces")
            if (json_str(ni, "privateIpv4Address") != NULL)
                return json_strdup(ni, "privateIpv4Address");
    return NULL;
}

static void
decode_container(const cJSON *j, struct od_container *c)
{
    const cJSON *it;
    int64_t code;
    size_t cap;

    c->name = json_strdup(j, "name");
    c->image = json_strdup(j, "image");
    c->image_digest = json_strdup(j, "imageDigest");
    c->last_status = json_strdup(j, "lastStatus");
    c->health_status = json_strdup(j, "healthStatus");
    c->reason = json_strdup(j, "reason");
    if (json_int(j, "exitCode", &code) && code >= LONG_MIN && code <= LONG_MAX) {
        c->has_exit_code = true;
        c->exit_code = (long)code;
    }
    if ((cap = json_count_objects(j, "networkBindings")) == 0)
        return;
    c->bindings = xcalloc(cap, sizeof *c->bindings);
    JSON_FOREACH(it, j, "networkBindings") {
        struct od_binding *b;

        if (!cJSON_IsObject(it))
            continue;
        b = &c->bindings[c->nbindings++];
        b->bind_ip = json_strdup(it, "bindIP");
        b->container_port = json_long(it, "containerPort");
        b->host_port = json_long(it, "hostPort");
        b->protocol = json_strdup(it, "protocol");
        /* A port-range mapping is bound as ranges, with no containerPort/hostPort. */
        b->container_port_range = json_strdup(it, "containerPortRange");
        b->host_port_range = json_strdup(it, "hostPortRange");
    }
}

static void
decode_task(const cJSON *j, struct od_task *t)
{
    const cJSON *it;
    const char *seg;
    size_t cap;

    t->arn = json_strdup(j, "taskArn");
    if (t->arn != NULL && (seg = str_last_segment(t->arn)) != NULL && *seg != '\0')
        t->id = xstrdup(seg);
    t->cluster_arn = json_strdup(j, "clusterArn");
    t->last_status = json_strdup(j, "lastStatus");
    t->desired_status = json_strdup(j, "desiredStatus");
    t->health_status = json_strdup(j, "healthStatus");
    t->task_definition = json_strdup(j, "taskDefinitionArn");
    t->group = json_strdup(j, "group");
    t->started_by = json_strdup(j, "startedBy");
    t->launch_type = json_strdup(j, "launchType");
    t->container_instance_arn = json_strdup(j, "containerInstanceArn");
    t->availability_zone = json_strdup(j, "availabilityZone");
    t->stop_code = json_strdup(j, "stopCode");
    t->stopped_reason = json_strdup(j, "stoppedReason");
    t->created_at = get_double(j, "createdAt");
    t->started_at = get_double(j, "startedAt");
    t->stopping_at = get_double(j, "stoppingAt");
    t->stopped_at = get_double(j, "stoppedAt");
    t->pull_started_at = get_double(j, "pullStartedAt");
    t->pull_stopped_at = get_double(j, "pullStoppedAt");
    t->private_ip = eni_detail(j, "privateIPv4Address");
    if (t->private_ip == NULL)
        t->private_ip = container_ip(j);
    if ((cap = json_count_objects(j, "containers")) == 0)
        return;
    t->containers = xcalloc(cap, sizeof *t->containers);
    JSON_FOREACH(it, j, "containers")
        if (cJSON_IsObject(it))
            decode_container(it, &t->containers[t->ncontainers++]);
}

enum od_err
ecs_decode_tasks(const char *body, size_t len, struct od_task **out, size_t *n,
                 struct od_failure **failures, size_t *nfailures, struct od_error *err)
{
    cJSON *root;
    const cJSON *it;
    size_t cap;

    *out = NULL;
    *n = 0;
    if (failures != NULL && nfailures != NULL) {
        *failures = NULL;
        *nfailures = 0;
    }
    if ((root = json_parse_with_list(body, len, "tasks", "DescribeTasks", err)) == NULL)
        return OD_E_PARSE;
    if ((cap = json_count_objects(root, "tasks")) > 0)
        *out = xcalloc(cap, sizeof **out);
    JSON_FOREACH(it, root, "tasks")
        if (cJSON_IsObject(it))
            decode_task(it, &(*out)[(*n)++]);
    decode_failures(root, failures, nfailures);
    cJSON_Delete(root);
    return OD_OK;
}

/* ---- container instances --------------------------------------------------------------- */

enum od_err
ecs_decode_container_instances(const char *body, size_t len,
                               struct od_container_instance **out, size_t *n,
                               struct od_error *err)
{
    cJSON *root;
    const cJSON *it;
    size_t cap;

    *out = NULL;
    *n = 0;
    root = json_parse_with_list(body, len, "containerInstances", "DescribeContainerInstances", err);
    if (root == NULL)
        return OD_E_PARSE;
    if ((cap = json_count_objects(root, "containerInstances")) > 0)
        *out = xcalloc(cap, sizeof **out);
    JSON_FOREACH(it, root, "containerInstances") {
        struct od_container_instance *ci;

        if (!cJSON_IsObject(it))
            continue;
        ci = &(*out)[(*n)++];
        ci->arn = json_strdup(it, "containerInstanceArn");
        ci->ec2_instance_id = json_strdup(it, "ec2InstanceId");
        ci->status = json_strdup(it, "status");
        ci->agent_connected = get_bool(it, "agentConnected");
    }
    cJSON_Delete(root);
    return OD_OK;
}

/* ---- task definition ------------------------------------------------------------------- */

static void
decode_container_def(const cJSON *j, struct od_container_def *cd)
{
    const cJSON *lc = json_obj(j, "logConfiguration");
    const cJSON *opts = json_obj(lc, "options");

    cd->name = json_strdup(j, "name");
    cd->image = json_strdup(j, "image");
    cd->essential = get_bool(j, "essential");
    cd->log_driver = json_strdup(lc, "logDriver");
    cd->log_group = json_strdup(opts, "awslogs-group");
    cd->log_region = json_strdup(opts, "awslogs-region");
    cd->log_stream_prefix = json_strdup(opts, "awslogs-stream-prefix");
}

enum od_err
ecs_decode_task_definition(const char *body, size_t len, struct od_task_def *out,
                           struct od_error *err)
{
    cJSON *root;
    const cJSON *td, *it;
    size_t cap;

    memset(out, 0, sizeof *out);
    if ((root = json_parse(body, len, err)) == NULL)
        return OD_E_PARSE;
    if ((td = json_obj(root, "taskDefinition")) == NULL) {
        od_error_set(err, OD_E_PARSE,
                     "DescribeTaskDefinition response has no \"taskDefinition\" object");
        cJSON_Delete(root);
        return OD_E_PARSE;
    }
    out->arn = json_strdup(td, "taskDefinitionArn");
    out->family = json_strdup(td, "family");
    out->revision = json_long(td, "revision");
    if (out->revision == 0)
        out->revision = task_def_revision(out->arn);
    out->status = json_strdup(td, "status");
    out->network_mode = json_strdup(td, "networkMode");
    out->cpu = json_strdup(td, "cpu");
    out->memory = json_strdup(td, "memory");
    out->registered_at = get_double(td, "registeredAt");
    if ((cap = json_count_objects(td, "containerDefinitions")) > 0) {
        out->containers = xcalloc(cap, sizeof *out->containers);
        JSON_FOREACH(it, td, "containerDefinitions")
            if (cJSON_IsObject(it))
                decode_container_def(it, &out->containers[out->ncontainers++]);
    }
    out->raw_json = json_print(td);
    cJSON_Delete(root);
    return OD_OK;
}
