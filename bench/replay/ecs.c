/* ecs.c - Amazon ECS (JSON 1.1) answers for the generated world. Page sizes and batch limits
 * are ECS's: ListServices 10 by default and 100 at most, ListTasks 100, DescribeServices 10
 * names a call, DescribeTasks 100. */
#include "replay.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARN_ECS "arn:aws:ecs:" RP_REGION ":" RP_ACCOUNT

static void
reply(struct rp_answer *a, cJSON *root)
{
    answer_json(a, 200, cJSON_PrintUnformatted(root));
    cJSON_Delete(root);
}

static const char *
str_member(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int
int_member(const cJSON *o, const char *key, int dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valueint : dflt;
}

static double
ts(long epoch)
{
    return (double)epoch + 0.123;
}

/* The cluster a request names (absent: "default", which this world does not have). */
static const char *
cluster_of(const cJSON *req, struct rp_answer *a)
{
    const char *c = world_cluster_name(str_member(req, "cluster"));

    if (c == NULL)
        json_error(a, 400, "ClusterNotFoundException", "Cluster not found.");
    return c;
}

static void
add_cluster(cJSON *arr, const char *cluster)
{
    cJSON *c = cJSON_CreateObject();
    char arn[128];
    long n = world_cluster_services(cluster);

    snprintf(arn, sizeof arn, ARN_ECS ":cluster/%s", cluster);
    cJSON_AddStringToObject(c, "clusterArn", arn);
    cJSON_AddStringToObject(c, "clusterName", cluster);
    cJSON_AddStringToObject(c, "status", "ACTIVE");
    cJSON_AddNumberToObject(c, "registeredContainerInstancesCount", 0);
    cJSON_AddNumberToObject(c, "runningTasksCount", (double)(n * world.tasks_per_svc));
    cJSON_AddNumberToObject(c, "pendingTasksCount", 0);
    cJSON_AddNumberToObject(c, "activeServicesCount", (double)n);
    cJSON_AddItemToObject(c, "statistics", cJSON_CreateArray());
    cJSON_AddItemToObject(c, "tags", cJSON_CreateArray());
    cJSON_AddItemToObject(c, "settings", cJSON_CreateArray());
    cJSON_AddItemToObject(c, "capacityProviders", cJSON_CreateArray());
    cJSON_AddItemToObject(c, "defaultCapacityProviderStrategy", cJSON_CreateArray());
    cJSON_AddItemToArray(arr, c);
}

static void
add_failure(cJSON *failures, const char *arn, const char *reason)
{
    cJSON *f = cJSON_CreateObject();

    cJSON_AddStringToObject(f, "arn", arn);
    cJSON_AddStringToObject(f, "reason", reason);
    cJSON_AddItemToArray(failures, f);
}

static void
task_def_arn(const char *cluster, long i, char *out, size_t n)
{
    char name[64];

    world_service_name(cluster, i, name, sizeof name);
    snprintf(out, n, ARN_ECS ":task-definition/%s:%u", name, 3 + world_hash(name, 9) % 40);
}

static void
add_service(cJSON *arr, const char *cluster, long i)
{
    cJSON *s = cJSON_CreateObject(), *lbs, *deps, *d, *dc, *cb, *nc, *aws, *sub, *ev, *e;
    char name[64], arn[192], td[192], dep_id[48], msg[192], tg[192];
    long created = world.started - 86400 * (long)(1 + world_hash(cluster, (uint32_t)i) % 300);

    world_service_name(cluster, i, name, sizeof name);
    task_def_arn(cluster, i, td, sizeof td);
    snprintf(arn, sizeof arn, ARN_ECS ":service/%s/%s", cluster, name);
    snprintf(dep_id, sizeof dep_id, "ecs-svc/%010u%09ld", world_hash(name, 5), i);
    cJSON_AddStringToObject(s, "serviceArn", arn);
    cJSON_AddStringToObject(s, "serviceName", name);
    snprintf(arn, sizeof arn, ARN_ECS ":cluster/%s", cluster);
    cJSON_AddStringToObject(s, "clusterArn", arn);
    lbs = cJSON_AddArrayToObject(s, "loadBalancers");
    if (world_service_has_lb(cluster, i)) {
        cJSON *lb = cJSON_CreateObject();
        world_tg_arn(world_service_tg(i), tg, sizeof tg);
        cJSON_AddStringToObject(lb, "targetGroupArn", tg);
        cJSON_AddStringToObject(lb, "containerName", "app");
        cJSON_AddNumberToObject(lb, "containerPort", 8080);
        cJSON_AddItemToArray(lbs, lb);
    }
    cJSON_AddItemToObject(s, "serviceRegistries", cJSON_CreateArray());
    cJSON_AddStringToObject(s, "status", "ACTIVE");
    cJSON_AddNumberToObject(s, "desiredCount", world.tasks_per_svc);
    cJSON_AddNumberToObject(s, "runningCount", world.tasks_per_svc);
    cJSON_AddNumberToObject(s, "pendingCount", 0);
    cJSON_AddStringToObject(s, "launchType", "FARGATE");
    cJSON_AddStringToObject(s, "platformVersion", "LATEST");
    cJSON_AddStringToObject(s, "platformFamily", "Linux");
    cJSON_AddStringToObject(s, "taskDefinition", td);
    dc = cJSON_AddObjectToObject(s, "deploymentConfiguration");
    cb = cJSON_AddObjectToObject(dc, "deploymentCircuitBreaker");
    cJSON_AddBoolToObject(cb, "enable", 1);
    cJSON_AddBoolToObject(cb, "rollback", 1);
    cJSON_AddNumberToObject(dc, "maximumPercent", 200);
    cJSON_AddNumberToObject(dc, "minimumHealthyPercent", 100);
    deps = cJSON_AddArrayToObject(s, "deployments");
    d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "id", dep_id);
    cJSON_AddStringToObject(d, "status", "PRIMARY");
    cJSON_AddStringToObject(d, "taskDefinition", td);
    cJSON_AddNumberToObject(d, "desiredCount", world.tasks_per_svc);
    cJSON_AddNumberToObject(d, "pendingCount", 0);
    cJSON_AddNumberToObject(d, "runningCount", world.tasks_per_svc);
    cJSON_AddNumberToObject(d, "failedTasks", 0);
    cJSON_AddNumberToObject(d, "createdAt", ts(created));
    cJSON_AddNumberToObject(d, "updatedAt", ts(created + 300));
    cJSON_AddStringToObject(d, "launchType", "FARGATE");
    cJSON_AddStringToObject(d, "platformVersion", "1.4.0");
    cJSON_AddStringToObject(d, "platformFamily", "Linux");
    cJSON_AddStringToObject(d, "rolloutState", "COMPLETED");
    snprintf(msg, sizeof msg, "ECS deployment %s completed.", dep_id);
    cJSON_AddStringToObject(d, "rolloutStateReason", msg);
    cJSON_AddItemToArray(deps, d);
    snprintf(arn, sizeof arn, "arn:aws:iam::" RP_ACCOUNT
             ":role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS");
    cJSON_AddStringToObject(s, "roleArn", arn);
    ev = cJSON_AddArrayToObject(s, "events");
    e = cJSON_CreateObject();
    snprintf(msg, sizeof msg, "%08x-0000-4000-8000-%012ld", world_hash(name, 6), i);
    cJSON_AddStringToObject(e, "id", msg);
    cJSON_AddNumberToObject(e, "createdAt", ts(world.started));
    snprintf(msg, sizeof msg, "(service %s) has reached a steady state.", name);
    cJSON_AddStringToObject(e, "message", msg);
    cJSON_AddItemToArray(ev, e);
    cJSON_AddNumberToObject(s, "createdAt", ts(created));
    cJSON_AddItemToObject(s, "placementConstraints", cJSON_CreateArray());
    cJSON_AddItemToObject(s, "placementStrategy", cJSON_CreateArray());
    nc = cJSON_AddObjectToObject(s, "networkConfiguration");
    aws = cJSON_AddObjectToObject(nc, "awsvpcConfiguration");
    sub = cJSON_AddArrayToObject(aws, "subnets");
    cJSON_AddItemToArray(sub, cJSON_CreateString("subnet-0a1b2c3d4e5f60718"));
    cJSON_AddItemToArray(sub, cJSON_CreateString("subnet-0f1e2d3c4b5a60798"));
    sub = cJSON_AddArrayToObject(aws, "securityGroups");
    cJSON_AddItemToArray(sub, cJSON_CreateString("sg-0123456789abcdef0"));
    cJSON_AddStringToObject(aws, "assignPublicIp", "DISABLED");
    cJSON_AddNumberToObject(s, "healthCheckGracePeriodSeconds", 0);
    cJSON_AddStringToObject(s, "schedulingStrategy", "REPLICA");
    cJSON_AddObjectToObject(s, "deploymentController");
    cJSON_AddStringToObject(cJSON_GetObjectItem(s, "deploymentController"), "type", "ECS");
    cJSON_AddStringToObject(s, "createdBy", arn);
    cJSON_AddBoolToObject(s, "enableECSManagedTags", 0);
    cJSON_AddStringToObject(s, "propagateTags", "NONE");
    cJSON_AddBoolToObject(s, "enableExecuteCommand", 0);
    cJSON_AddStringToObject(s, "availabilityZoneRebalancing", "ENABLED");
    cJSON_AddItemToArray(arr, s);
}

static void
add_task(cJSON *arr, const char *cluster, long i, int k)
{
    cJSON *t = cJSON_CreateObject(), *cs, *c, *att, *a, *det, *kv, *nis, *ni;
    char id[40], arn[192], name[64], td[192], ip[24], buf[192];
    long started = world.started - 600 * (long)(1 + world_hash(cluster, (uint32_t)(i * 7 + k)) % 100);

    world_task_id(cluster, i, k, id, sizeof id);
    world_service_name(cluster, i, name, sizeof name);
    world_task_ip(i, k, ip, sizeof ip);
    task_def_arn(cluster, i, td, sizeof td);
    cJSON_AddItemToObject(t, "attachments", att = cJSON_CreateArray());
    a = cJSON_CreateObject();
    snprintf(buf, sizeof buf, "%08x-1111-4000-8000-%012ld", world_hash(id, 1), i * 2 + k);
    cJSON_AddStringToObject(a, "id", buf);
    cJSON_AddStringToObject(a, "type", "ElasticNetworkInterface");
    cJSON_AddStringToObject(a, "status", "ATTACHED");
    det = cJSON_AddArrayToObject(a, "details");
    kv = cJSON_CreateObject();
    cJSON_AddStringToObject(kv, "name", "subnetId");
    cJSON_AddStringToObject(kv, "value", k ? "subnet-0f1e2d3c4b5a60798" : "subnet-0a1b2c3d4e5f60718");
    cJSON_AddItemToArray(det, kv);
    kv = cJSON_CreateObject();
    cJSON_AddStringToObject(kv, "name", "privateIPv4Address");
    cJSON_AddStringToObject(kv, "value", ip);
    cJSON_AddItemToArray(det, kv);
    cJSON_AddItemToArray(att, a);
    cJSON_AddStringToObject(t, "availabilityZone", k ? "us-east-1b" : "us-east-1a");
    snprintf(arn, sizeof arn, ARN_ECS ":cluster/%s", cluster);
    cJSON_AddStringToObject(t, "clusterArn", arn);
    cJSON_AddStringToObject(t, "connectivity", "CONNECTED");
    cJSON_AddNumberToObject(t, "connectivityAt", ts(started - 20));
    cs = cJSON_AddArrayToObject(t, "containers");
    c = cJSON_CreateObject();
    snprintf(arn, sizeof arn, ARN_ECS ":container/%s/%s/%08x-2222-4000-8000-000000000000",
             cluster, id, world_hash(id, 2));
    cJSON_AddStringToObject(c, "containerArn", arn);
    snprintf(arn, sizeof arn, ARN_ECS ":task/%s/%s", cluster, id);
    cJSON_AddStringToObject(c, "taskArn", arn);
    cJSON_AddStringToObject(c, "name", "app");
    snprintf(buf, sizeof buf, RP_ACCOUNT ".dkr.ecr." RP_REGION ".amazonaws.com/%.*s:v%u",
             (int)(strchr(name, '-') ? strchr(name, '-') - name : (long)strlen(name)), name,
             1 + world_hash(name, 8) % 90);
    cJSON_AddStringToObject(c, "image", buf);
    cJSON_AddStringToObject(c, "lastStatus", "RUNNING");
    nis = cJSON_AddArrayToObject(c, "networkInterfaces");
    ni = cJSON_CreateObject();
    cJSON_AddStringToObject(ni, "attachmentId", cJSON_GetObjectItem(a, "id")->valuestring);
    cJSON_AddStringToObject(ni, "privateIpv4Address", ip);
    cJSON_AddItemToArray(nis, ni);
    cJSON_AddStringToObject(c, "healthStatus", "UNKNOWN");
    cJSON_AddStringToObject(c, "cpu", "0");
    cJSON_AddItemToArray(cs, c);
    cJSON_AddStringToObject(t, "cpu", "256");
    cJSON_AddNumberToObject(t, "createdAt", ts(started - 40));
    cJSON_AddStringToObject(t, "desiredStatus", "RUNNING");
    cJSON_AddBoolToObject(t, "enableExecuteCommand", 0);
    snprintf(buf, sizeof buf, "service:%s", name);
    cJSON_AddStringToObject(t, "group", buf);
    cJSON_AddStringToObject(t, "healthStatus", "UNKNOWN");
    cJSON_AddStringToObject(t, "lastStatus", "RUNNING");
    cJSON_AddStringToObject(t, "launchType", "FARGATE");
    cJSON_AddStringToObject(t, "memory", "512");
    cJSON_AddStringToObject(t, "platformVersion", "1.4.0");
    cJSON_AddStringToObject(t, "platformFamily", "Linux");
    cJSON_AddNumberToObject(t, "pullStartedAt", ts(started - 15));
    cJSON_AddNumberToObject(t, "pullStoppedAt", ts(started - 5));
    cJSON_AddNumberToObject(t, "startedAt", ts(started));
    snprintf(buf, sizeof buf, "ecs-svc/%010u%09ld", world_hash(name, 5), i);
    cJSON_AddStringToObject(t, "startedBy", buf);
    cJSON_AddItemToObject(t, "tags", cJSON_CreateArray());
    snprintf(arn, sizeof arn, ARN_ECS ":task/%s/%s", cluster, id);
    cJSON_AddStringToObject(t, "taskArn", arn);
    cJSON_AddStringToObject(t, "taskDefinitionArn", td);
    cJSON_AddNumberToObject(t, "version", 4);
    cJSON_AddItemToArray(arr, t);
}

/* One page of an index range: [off, off + page) of total, with nextToken when more remain. */
static cJSON *
page(const cJSON *req, const char *op, const char *list_key, long total, int dflt, int max,
     long *off, long *end, struct rp_answer *a)
{
    int n = int_member(req, "maxResults", dflt);
    const char *tok = str_member(req, "nextToken");
    cJSON *root;

    if (n < 1 || n > max) {
        char msg[96];
        snprintf(msg, sizeof msg, "maxResults must be between 1 and %d.", max);
        json_error(a, 400, "InvalidParameterException", msg);
        return NULL;
    }
    *off = 0;
    if (tok != NULL && (*off = token_parse(tok, op)) < 0) {
        json_error(a, 400, "InvalidParameterException", "Invalid token");
        return NULL;
    }
    *end = *off + n < total ? *off + n : total;
    root = cJSON_CreateObject();
    cJSON_AddArrayToObject(root, list_key);
    if (*end < total) {
        char t[96];
        token_make(t, sizeof t, op, *end);
        cJSON_AddStringToObject(root, "nextToken", t);
    }
    return root;
}

static void
list_services(const cJSON *req, struct rp_answer *a)
{
    const char *cluster = cluster_of(req, a);
    long off, end;
    cJSON *root, *arr;
    char name[64], arn[192];

    if (cluster == NULL)
        return;
    if ((root = page(req, "ListServices", "serviceArns", world_cluster_services(cluster), 10,
                     100, &off, &end, a)) == NULL)
        return;
    arr = cJSON_GetObjectItem(root, "serviceArns");
    for (long i = off; i < end; i++) {
        world_service_name(cluster, i, name, sizeof name);
        snprintf(arn, sizeof arn, ARN_ECS ":service/%s/%s", cluster, name);
        cJSON_AddItemToArray(arr, cJSON_CreateString(arn));
    }
    reply(a, root);
}

/* ListTasks of one service (serviceName) or of the whole cluster, in service order. */
static void
list_tasks(const cJSON *req, struct rp_answer *a)
{
    const char *cluster = cluster_of(req, a), *svc = str_member(req, "serviceName");
    const char *status = str_member(req, "desiredStatus");
    long first = 0, count, off, end, i;
    cJSON *root, *arr;
    char id[40], arn[192];

    if (cluster == NULL)
        return;
    count = world_cluster_services(cluster) * world.tasks_per_svc;
    if (svc != NULL) {
        if ((i = world_service_index(cluster, svc)) < 0) {
            json_error(a, 400, "ServiceNotFoundException", "Service not found.");
            return;
        }
        first = i * world.tasks_per_svc;
        count = world.tasks_per_svc;
    }
    if (status != NULL && strcmp(status, "RUNNING") != 0)
        count = 0; /* nothing has stopped in this world */
    if ((root = page(req, "ListTasks", "taskArns", count, 100, 100, &off, &end, a)) == NULL)
        return;
    arr = cJSON_GetObjectItem(root, "taskArns");
    for (long t = first + off; t < first + end; t++) {
        world_task_id(cluster, t / world.tasks_per_svc, (int)(t % world.tasks_per_svc), id,
                      sizeof id);
        snprintf(arn, sizeof arn, ARN_ECS ":task/%s/%s", cluster, id);
        cJSON_AddItemToArray(arr, cJSON_CreateString(arn));
    }
    reply(a, root);
}

/* DescribeServices / DescribeTasks: a batch of names, each found or a failure "MISSING". */
static void
describe_batch(const cJSON *req, struct rp_answer *a, bool tasks)
{
    const char *cluster = cluster_of(req, a), *key = tasks ? "tasks" : "services";
    const cJSON *names = cJSON_GetObjectItemCaseSensitive(req, key), *it;
    int max = tasks ? 100 : 10;
    cJSON *root, *found, *failures;

    if (cluster == NULL)
        return;
    if (!cJSON_IsArray(names) || cJSON_GetArraySize(names) < 1 ||
        cJSON_GetArraySize(names) > max) {
        char msg[96];
        snprintf(msg, sizeof msg, "%s can have at most %d items.", key, max);
        json_error(a, 400, "InvalidParameterException", msg);
        return;
    }
    root = cJSON_CreateObject();
    found = cJSON_AddArrayToObject(root, key);
    failures = cJSON_AddArrayToObject(root, "failures");
    cJSON_ArrayForEach(it, names) {
        const char *s = cJSON_IsString(it) ? it->valuestring : "";
        long i;
        int k;
        if (tasks && world_task_parse(cluster, s, &i, &k))
            add_task(found, cluster, i, k);
        else if (!tasks && (i = world_service_index(cluster, s)) >= 0)
            add_service(found, cluster, i);
        else
            add_failure(failures, s, "MISSING");
    }
    reply(a, root);
}

static void
describe_task_definition(const cJSON *req, struct rp_answer *a)
{
    const char *td = str_member(req, "taskDefinition");
    const char *slash = td != NULL ? strrchr(td, '/') : NULL;
    cJSON *root, *d, *cds, *cd, *pm, *p;
    char family[64], arn[192];

    if (td == NULL) {
        json_error(a, 400, "ClientException", "Unable to describe task definition.");
        return;
    }
    snprintf(family, sizeof family, "%s", slash != NULL ? slash + 1 : td);
    if (strchr(family, ':') != NULL)
        *strchr(family, ':') = '\0';
    snprintf(arn, sizeof arn, ARN_ECS ":task-definition/%s:%u", family,
             3 + world_hash(family, 9) % 40);
    root = cJSON_CreateObject();
    d = cJSON_AddObjectToObject(root, "taskDefinition");
    cJSON_AddStringToObject(d, "taskDefinitionArn", arn);
    cds = cJSON_AddArrayToObject(d, "containerDefinitions");
    cd = cJSON_CreateObject();
    cJSON_AddStringToObject(cd, "name", "app");
    cJSON_AddStringToObject(cd, "image", RP_ACCOUNT ".dkr.ecr." RP_REGION ".amazonaws.com/app:v1");
    cJSON_AddBoolToObject(cd, "essential", 1);
    pm = cJSON_AddArrayToObject(cd, "portMappings");
    p = cJSON_CreateObject();
    cJSON_AddNumberToObject(p, "containerPort", 8080);
    cJSON_AddNumberToObject(p, "hostPort", 8080);
    cJSON_AddStringToObject(p, "protocol", "tcp");
    cJSON_AddItemToArray(pm, p);
    cJSON_AddItemToArray(cds, cd);
    cJSON_AddStringToObject(d, "family", family);
    cJSON_AddNumberToObject(d, "revision", 3 + world_hash(family, 9) % 40);
    cJSON_AddStringToObject(d, "networkMode", "awsvpc");
    cJSON_AddStringToObject(d, "status", "ACTIVE");
    cJSON_AddStringToObject(d, "cpu", "256");
    cJSON_AddStringToObject(d, "memory", "512");
    reply(a, root);
}

static void
list_clusters(struct rp_answer *a)
{
    cJSON *root = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(root, "clusterArns");

    cJSON_AddItemToArray(arr, cJSON_CreateString(ARN_ECS ":cluster/" RP_CLUSTER));
    cJSON_AddItemToArray(arr, cJSON_CreateString(ARN_ECS ":cluster/" RP_SMALL_CLUSTER));
    reply(a, root);
}

static void
describe_clusters(const cJSON *req, struct rp_answer *a)
{
    const cJSON *names = cJSON_GetObjectItemCaseSensitive(req, "clusters"), *it;
    cJSON *root = cJSON_CreateObject(), *found = cJSON_AddArrayToObject(root, "clusters");
    cJSON *failures = cJSON_AddArrayToObject(root, "failures");

    cJSON_ArrayForEach(it, names) {
        const char *c = cJSON_IsString(it) ? world_cluster_name(it->valuestring) : NULL;
        if (c != NULL)
            add_cluster(found, c);
        else
            add_failure(failures, cJSON_IsString(it) ? it->valuestring : "", "MISSING");
    }
    reply(a, root);
}

static void
empty_list(struct rp_answer *a, const char *key)
{
    cJSON *root = cJSON_CreateObject();

    cJSON_AddArrayToObject(root, key);
    reply(a, root);
}

void
ecs_answer(const struct rp_request *rq, struct rp_answer *a)
{
    cJSON *req = cJSON_ParseWithLength(rq->body, rq->body_len);
    const char *op = rq->op;

    if (req == NULL) {
        json_error(a, 400, "SerializationException", "Start of structure or map found where not expected.");
        return;
    }
    if (strcmp(op, "ListClusters") == 0)
        list_clusters(a);
    else if (strcmp(op, "DescribeClusters") == 0)
        describe_clusters(req, a);
    else if (strcmp(op, "ListServices") == 0)
        list_services(req, a);
    else if (strcmp(op, "DescribeServices") == 0)
        describe_batch(req, a, false);
    else if (strcmp(op, "ListTasks") == 0)
        list_tasks(req, a);
    else if (strcmp(op, "DescribeTasks") == 0)
        describe_batch(req, a, true);
    else if (strcmp(op, "DescribeTaskDefinition") == 0)
        describe_task_definition(req, a);
    else if (strcmp(op, "ListContainerInstances") == 0)
        empty_list(a, "containerInstanceArns"); /* Fargate: no instances */
    else if (strcmp(op, "DescribeContainerInstances") == 0)
        empty_list(a, "containerInstances");
    else if (strcmp(op, "ListServiceDeployments") == 0)
        empty_list(a, "serviceDeployments");
    else
        json_error(a, 400, "UnknownOperationException", "");
    cJSON_Delete(req);
}
