/* decoders: ECS / ELBv2 / CloudWatch / CloudFront request builders and response decoders on
 * real moto bodies (tests/unit/data/decoders, captured by tests/tools/capture_decoders.py;
 * *_edited files add what moto never sends, see the README there) and on hostile input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "aws/autoscaling.h"
#include "aws/cloudfront.h"
#include "aws/cloudwatch.h"
#include "aws/ecr.h"
#include "aws/ecs.h"
#include "aws/elbv2.h"
#include "aws/proto_xml.h"
#include "check.h"
#include "cli/status_json.h"
#include "model/world.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/xalloc.h"

#define ELB_ARN "arn:aws:elasticloadbalancing:us-east-1:123456789012:"
#define TG_ARN ELB_ARN "targetgroup/web-tg/ab5f8108d462a1b4"
#define LB_ARN ELB_ARN "loadbalancer/app/web-alb/da7cbf102da3ddd2"
#define TASK1 "82b49ac2-4ccb-45d7-aedc-0c47077e42dd"
#define TASK2 "b546d010-3ec6-4880-9ba8-0e2e100d29fb"
#define BRIDGE_TASK "0d2df048-34f3-4658-bd5e-17654e64d0d0"
#define CI_ARN                                                                                     \
    "arn:aws:ecs:us-east-1:123456789012:container-instance/legacy/"                                \
    "8ba749ce-4903-4788-aa93-89a17c9dcd75"
#define DEPLOYMENT "ecs-svc/484160779276988441"

/* A string literal and its length. */
#define LIT(s) (s), strlen(s)

/* ---- fixtures ------------------------------------------------------------------------- */

static char *
data_dir(void)
{
    const char *src = getenv("ONDECK_SRCDIR");
    const char *file = __FILE__;
    const char *slash;

    if (src != NULL && *src != '\0')
        return xasprintf("%s/tests/unit/data/decoders", src);
    slash = strrchr(file, '/');
    if (slash == NULL)
        return xstrdup("data/decoders");
    return xasprintf("%.*s/data/decoders", (int)(slash - file), file);
}

static char *
load(const char *name, size_t *len)
{
    char *dir = data_dir();
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    struct od_buf b;
    char chunk[4096];
    size_t n;

    free(dir);
    *len = 0;
    if (f == NULL) {
        printf("# cannot open %s\n", path);
        free(path);
        return xstrdup("");
    }
    free(path);
    buf_init(&b, 0);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return buf_steal(&b);
}

/* ---- ECS ------------------------------------------------------------------------------ */

static void
test_ecs_lists(void)
{
    static const struct {
        const char *file, *key;
        size_t n;
        const char *first, *next;
    } cases[] = {
        {"ecs_list_clusters.json", "clusterArns", 2,
         "arn:aws:ecs:us-east-1:123456789012:cluster/prod", NULL},
        {"ecs_list_services.json", "serviceArns", 1,
         "arn:aws:ecs:us-east-1:123456789012:service/prod/web", NULL},
        {"ecs_list_tasks.json", "taskArns", 2,
         "arn:aws:ecs:us-east-1:123456789012:task/prod/" TASK1, NULL},
        {"ecs_list_container_instances.json", "containerInstanceArns", 1, CI_ARN, NULL},
        {"ecs_list_task_definitions.json", "taskDefinitionArns", 2,
         "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1", NULL},
        /* The first page of a paged ListTasks (see the README: moto never pages). */
        {"ecs_list_tasks_paged.json", "taskArns", 1,
         "arn:aws:ecs:us-east-1:123456789012:task/prod/4e930dae-3585-4fe0-b834-ba64119fcc97",
         "eyJ2IjoxLCJsYXN0IjoiYXJuOmF3czplY3MifQ"
         "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
         "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
         "AAAAAAAAAAAAAAAAAAAAAAAA=="},
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct od_error err = {0};
        char **arns = NULL, *next = (char *)"x";
        size_t len, n = 0;
        char *body = load(cases[i].file, &len);
        enum od_err rc = ecs_decode_arn_list(body, len, cases[i].key, &arns, &n, &next, &err);

        CHECK_INT(rc, OD_OK, cases[i].file);
        CHECK_INT(n, cases[i].n, "ARN count");
        CHECK_STR(n > 0 ? arns[0] : NULL, cases[i].first, "first ARN");
        CHECK_STR(next, cases[i].next, cases[i].next != NULL ? "the page's nextToken"
                                                             : "a last page has no nextToken");
        free(next);
        arn_list_free(&arns, &n);
        free(body);
        od_error_clear(&err);
    }
}

static void
test_ecs_clusters(void)
{
    struct od_error err = {0};
    struct od_cluster *c = NULL;
    size_t len, n = 0;
    char *body = load("ecs_describe_clusters.json", &len);

    CHECK_INT(ecs_decode_clusters(body, len, &c, &n, &err), OD_OK, "DescribeClusters decodes");
    CHECK_INT(n, 2, "two clusters (the MISSING one is a failure, not a cluster)");
    if (n == 2) {
        CHECK_STR(c[0].name, "prod", "cluster name");
        CHECK_STR(c[0].status, "ACTIVE", "cluster status");
        CHECK_INT(c[0].running_tasks, 3, "prod running tasks");
        CHECK_INT(c[1].container_instances, 1, "legacy has one container instance");
    }
    OD_FREE_ARRAY(c, n, cluster_clear);
    free(body);
}

static void
test_ecs_services(void)
{
    struct od_error err = {0};
    struct od_service *s = NULL;
    struct od_failure *f = NULL;
    size_t len, n = 0, nf = 0;
    char *body = load("ecs_describe_services.json", &len);

    CHECK_INT(ecs_decode_services(body, len, &s, &n, &f, &nf, &err), OD_OK,
              "DescribeServices (moto) decodes");
    CHECK_INT(n, 1, "one service");
    CHECK_INT(nf, 1, "one failure");
    if (nf == 1) {
        CHECK_STR(f[0].reason, "MISSING", "failure reason");
        CHECK_STR(f[0].arn, "arn:aws:ecs:us-east-1:123456789012:service/ghost", "failure arn");
    }
    if (n == 1) {
        CHECK_STR(s[0].name, "web", "service name");
        CHECK_STR(s[0].cluster_arn, "arn:aws:ecs:us-east-1:123456789012:cluster/prod",
                  "service cluster");
        CHECK_STR(s[0].launch_type, "FARGATE", "launch type");
        CHECK_INT(s[0].desired, 3, "desired 3 after UpdateService");
        CHECK_INT(s[0].running, 3, "running (moto jumps to desired)");
        CHECK_INT(s[0].pending, 0, "pending");
        CHECK_STR(s[0].task_definition, "web:2", "moto echoes family:rev, not an ARN");
        CHECK_INT(s[0].ndeployments, 1, "one deployment (moto never keeps the old one)");
        if (s[0].ndeployments == 1) {
            CHECK_STR(s[0].deployments[0].id, DEPLOYMENT, "deployment id");
            CHECK_STR(s[0].deployments[0].status, "PRIMARY", "deployment status");
            CHECK_STR(s[0].deployments[0].rollout_state, "IN_PROGRESS", "rolloutState");
            CHECK_INT(s[0].deployments[0].desired, 2, "deployment desired");
            CHECK_INT(s[0].deployments[0].pending, 2, "deployment pending");
            CHECK(s[0].deployments[0].created_at > 1795306204.0 &&
                      s[0].deployments[0].created_at < 1795306204.5,
                  "deployment createdAt keeps its fraction");
        }
        CHECK_INT(s[0].nlbs, 1, "one load balancer");
        if (s[0].nlbs == 1) {
            CHECK_STR(s[0].lbs[0].target_group_arn, TG_ARN, "lb target group");
            CHECK_STR(s[0].lbs[0].container_name, "app", "lb container");
            CHECK_INT(s[0].lbs[0].container_port, 80, "lb container port");
        }
        CHECK(!s[0].circuit_breaker, "moto sends no deploymentConfiguration");
        CHECK_INT(s[0].nevents, 0, "moto sends events: []");
    }
    OD_FREE_ARRAY(s, n, service_clear);
    OD_FREE_ARRAY(f, nf, failure_clear);
    free(body);

    /* Hand-edited: circuit breaker, two deployments, 25 events. */
    body = load("ecs_describe_services_edited.json", &len);
    CHECK_INT(ecs_decode_services(body, len, &s, &n, NULL, NULL, &err), OD_OK,
              "DescribeServices (edited) decodes without failures out-params");
    if (n == 1) {
        CHECK(s[0].circuit_breaker && s[0].circuit_breaker_rollback, "circuit breaker + rollback");
        CHECK_INT(s[0].max_percent, 200, "maximumPercent");
        CHECK_INT(s[0].min_healthy_percent, 50, "minimumHealthyPercent");
        CHECK_INT(s[0].ndeployments, 2, "PRIMARY + ACTIVE deployments");
        if (s[0].ndeployments == 2) {
            CHECK_STR(s[0].deployments[1].status, "ACTIVE", "old deployment ACTIVE");
            CHECK_STR(s[0].deployments[1].rollout_state, "COMPLETED", "old rollout COMPLETED");
            CHECK_INT(s[0].deployments[1].running, 2, "old deployment running");
        }
        CHECK_INT(s[0].nevents, OD_MAX_EVENTS, "events capped at OD_MAX_EVENTS");
        if (s[0].nevents == OD_MAX_EVENTS) {
            CHECK_STR(s[0].events[0].id, "e-0", "newest event first");
            CHECK_STR(s[0].events[OD_MAX_EVENTS - 1].id, "e-19", "oldest kept event");
            CHECK_STR(s[0].events[1].message, "(service web) has reached a steady state.",
                      "event message");
        }
    }
    OD_FREE_ARRAY(s, n, service_clear);
    free(body);

    /* Events out of order are sorted newest first before the cap. */
    {
        const char *j = "{\"services\":[{\"serviceName\":\"x\",\"events\":["
                        "{\"id\":\"old\",\"createdAt\":100},{\"id\":\"new\",\"createdAt\":300},"
                        "null,7,{\"id\":\"mid\",\"createdAt\":200}]}]}";

        CHECK_INT(ecs_decode_services(j, strlen(j), &s, &n, NULL, NULL, &err), OD_OK,
                  "unordered events decode");
        if (n == 1 && s[0].nevents == 3) {
            CHECK_STR(s[0].events[0].id, "new", "sorted: newest");
            CHECK_STR(s[0].events[2].id, "old", "sorted: oldest");
        } else {
            CHECK(0, "three events kept");
        }
        OD_FREE_ARRAY(s, n, service_clear);
    }
    od_error_clear(&err);
}

static void
test_ecs_tasks(void)
{
    struct od_error err = {0};
    struct od_task *t = NULL;
    struct od_failure *f = NULL;
    size_t len, n = 0, nf = 0;
    char *body = load("ecs_describe_tasks_fargate.json", &len);

    CHECK_INT(ecs_decode_tasks(body, len, &t, &n, &f, &nf, &err), OD_OK,
              "DescribeTasks (Fargate) decodes");
    CHECK_INT(n, 2, "two tasks");
    CHECK_INT(nf, 0, "no failures");
    if (n == 2) {
        CHECK_STR(t[0].id, TASK1, "task id = last ARN segment");
        CHECK_STR(t[0].private_ip, "10.118.71.6", "private IP from the ENI attachment");
        CHECK_STR(t[0].group, "service:web", "group");
        CHECK_STR(t[0].started_by, DEPLOYMENT, "startedBy");
        CHECK_STR(t[0].last_status, "RUNNING", "frozen task stays RUNNING");
        CHECK_STR(t[0].task_definition, "arn:aws:ecs:us-east-1:123456789012:task-definition/web:2",
                  "task definition ARN");
        CHECK_INT(t[0].ncontainers, 1, "moto models only the first container");
        if (t[0].ncontainers == 1) {
            CHECK_STR(t[0].containers[0].name, "app", "container name");
            CHECK(t[0].containers[0].has_exit_code && t[0].containers[0].exit_code == 0,
                  "moto sends exitCode 0 even while PENDING");
        }
        CHECK_STR(t[1].id, TASK2, "second task id");
        CHECK_STR(t[1].private_ip, "10.194.167.47", "second task IP");
        CHECK_STR(t[1].last_status, "STOPPED", "stopped task");
        CHECK_STR(t[1].desired_status, "STOPPED", "stopped task desired");
        CHECK_STR(t[1].stopped_reason, "Scaling activity initiated", "stoppedReason");
        CHECK(t[0].stopped_reason != NULL && t[0].stopped_reason[0] == '\0',
              "moto sends stoppedReason \"\" for running tasks (copied verbatim)");
    }
    OD_FREE_ARRAY(t, n, task_clear);
    free(body);

    body = load("ecs_describe_tasks_fargate_edited.json", &len);
    CHECK_INT(ecs_decode_tasks(body, len, &t, &n, NULL, NULL, &err), OD_OK,
              "DescribeTasks (stopped two-container, edited) decodes");
    if (n == 2 && t[1].ncontainers == 2) {
        CHECK_STR(t[1].stop_code, "EssentialContainerExited", "stopCode");
        CHECK_STR(t[1].containers[1].name, "redis", "second container");
        CHECK(t[1].containers[1].has_exit_code, "redis has an exit code");
        CHECK_INT(t[1].containers[1].exit_code, 137, "redis exit code 137");
        CHECK_STR(t[1].containers[1].reason,
                  "OutOfMemoryError: Container killed due to memory usage", "container reason");
        CHECK(t[1].stopped_at > 1795306312.7 && t[1].stopped_at < 1795306312.8, "stoppedAt");
        CHECK(t[1].started_at > 1795306210.2 && t[1].started_at < 1795306210.3, "startedAt");
        CHECK_STR(t[1].availability_zone, "us-east-1e", "availabilityZone");
    } else {
        CHECK(0, "edited stopped task has two containers");
    }
    OD_FREE_ARRAY(t, n, task_clear);
    free(body);

    body = load("ecs_describe_tasks_bridge.json", &len);
    CHECK_INT(ecs_decode_tasks(body, len, &t, &n, NULL, NULL, &err), OD_OK,
              "DescribeTasks (bridge) decodes");
    if (n == 1) {
        CHECK_STR(t[0].id, BRIDGE_TASK, "bridge task id");
        CHECK(t[0].private_ip == NULL, "bridge task has no ENI IP");
        CHECK_STR(t[0].container_instance_arn, CI_ARN, "container instance");
        CHECK_STR(t[0].launch_type, "EC2", "EC2 launch type");
        CHECK_INT(t[0].ncontainers == 1 ? t[0].containers[0].nbindings : 99, 0,
                  "moto sends no networkBindings");
    }
    OD_FREE_ARRAY(t, n, task_clear);
    free(body);

    body = load("ecs_describe_tasks_bridge_edited.json", &len);
    CHECK_INT(ecs_decode_tasks(body, len, &t, &n, NULL, NULL, &err), OD_OK,
              "DescribeTasks (bridge, edited) decodes");
    if (n == 1 && t[0].ncontainers == 2 && t[0].containers[0].nbindings == 1 &&
        t[0].containers[1].nbindings == 1) {
        CHECK_INT(t[0].containers[0].bindings[0].host_port, 32768, "app dynamic host port");
        CHECK_INT(t[0].containers[0].bindings[0].container_port, 80, "app container port");
        CHECK_STR(t[0].containers[0].bindings[0].bind_ip, "0.0.0.0", "bindIP");
        CHECK_STR(t[0].containers[0].bindings[0].protocol, "tcp", "binding protocol");
        CHECK_INT(t[0].containers[1].bindings[0].host_port, 32769, "redis dynamic host port");
    } else {
        CHECK(0, "bridge task has two containers with one binding each");
    }
    OD_FREE_ARRAY(t, n, task_clear);
    free(body);

    /* A port-range mapping (ECS sends containerPortRange/hostPortRange and no ports): decoded
     * and shown as the ranges, not as port 0. */
    body = load("ecs_describe_tasks_port_range_edited.json", &len);
    CHECK_INT(ecs_decode_tasks(body, len, &t, &n, NULL, NULL, &err), OD_OK,
              "DescribeTasks (port ranges, edited) decodes");
    if (n == 1 && t[0].ncontainers == 2 && t[0].containers[0].nbindings == 2) {
        const struct od_binding *b = &t[0].containers[0].bindings[1];
        struct od_world *w = world_new("us-east-1", "legacy");
        struct od_service svc = {.name = (char *)"legacy-web"};
        cJSON *j, *task, *bs;
        char *txt;

        CHECK_STR(b->container_port_range, "9000-9010", "containerPortRange");
        CHECK_STR(b->host_port_range, "40000-40010", "hostPortRange");
        CHECK(b->container_port == 0 && b->host_port == 0, "no single ports");
        CHECK(t[0].containers[0].bindings[0].host_port_range == NULL,
              "a port binding has no range");
        txt = binding_port_text(b->host_port, b->host_port_range);
        CHECK_STR(txt, "40000-40010", "the host side is shown as its range");
        free(txt);
        txt = binding_port_text(32768, NULL);
        CHECK_STR(txt, "32768", "a port is shown as its number");
        free(txt);
        world_set_tasks(w, t, n);
        t = NULL;
        n = 0;
        j = status_json_service(w, &svc);
        task = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "tasks"), 0);
        bs = cJSON_GetArrayItem(cJSON_GetObjectItem(task, "containers"), 0);
        bs = cJSON_GetObjectItem(bs, "networkBindings");
        txt = cJSON_PrintUnformatted(cJSON_GetArrayItem(bs, 1));
        CHECK_STR(txt,
                  "{\"containerPort\":null,\"hostPort\":null,\"containerPortRange\":\"9000-9010\","
                  "\"hostPortRange\":\"40000-40010\"}",
                  "status --json shows the ranges and null ports, not port 0");
        free(txt);
        txt = cJSON_PrintUnformatted(cJSON_GetArrayItem(bs, 0));
        CHECK_STR(txt,
                  "{\"containerPort\":80,\"hostPort\":32768,\"containerPortRange\":null,"
                  "\"hostPortRange\":null}",
                  "a port binding keeps its ports, ranges null");
        free(txt);
        cJSON_Delete(j);
        world_free(&w);
    } else {
        CHECK(0, "the app container has a port and a port-range binding");
    }
    OD_FREE_ARRAY(t, n, task_clear);
    free(body);

    /* Fallback: the container's network interface when there is no ENI attachment. */
    {
        const char *j = "{\"tasks\":[{\"taskArn\":\"arn:aws:ecs:r:1:task/c/abc\","
                        "\"attachments\":[{\"type\":\"Other\",\"details\":[{\"name\":"
                        "\"privateIPv4Address\",\"value\":\"1.1.1.1\"}]}],"
                        "\"containers\":[{\"name\":\"a\",\"networkInterfaces\":[{}, "
                        "{\"privateIpv4Address\":\"10.0.0.9\"}]}]}]}";

        CHECK_INT(ecs_decode_tasks(j, strlen(j), &t, &n, NULL, NULL, &err), OD_OK,
                  "fallback task decodes");
        CHECK_STR(n == 1 ? t[0].private_ip : NULL, "10.0.0.9",
                  "private IP from containers[].networkInterfaces");
        CHECK_STR(n == 1 ? t[0].id : NULL, "abc", "short id");
        CHECK(n == 1 && t[0].ncontainers == 1 && !t[0].containers[0].has_exit_code,
              "no exitCode: has_exit_code false");
        OD_FREE_ARRAY(t, n, task_clear);
    }
    od_error_clear(&err);
}

static void
test_ecs_container_instances(void)
{
    struct od_error err = {0};
    struct od_container_instance *ci = NULL;
    size_t len, n = 0;
    char *body = load("ecs_describe_container_instances.json", &len);

    CHECK_INT(ecs_decode_container_instances(body, len, &ci, &n, &err), OD_OK,
              "DescribeContainerInstances decodes");
    if (n == 1) {
        CHECK_STR(ci[0].arn, CI_ARN, "container instance ARN");
        CHECK_STR(ci[0].ec2_instance_id, "i-92f9e79e740f99c91", "EC2 instance id");
        CHECK_STR(ci[0].status, "ACTIVE", "status");
        CHECK(ci[0].agent_connected, "agent connected");
    } else {
        CHECK(0, "one container instance");
    }
    OD_FREE_ARRAY(ci, n, container_instance_clear);
    free(body);
}

static void
test_ecs_task_definition(void)
{
    struct od_error err = {0};
    struct od_task_def td;
    size_t len;
    char *body = load("ecs_describe_task_definition.json", &len);
    cJSON *back;

    CHECK_INT(ecs_decode_task_definition(body, len, &td, &err), OD_OK,
              "DescribeTaskDefinition decodes");
    CHECK_STR(td.arn, "arn:aws:ecs:us-east-1:123456789012:task-definition/web:2", "TD ARN");
    CHECK_STR(td.family, "web", "family");
    CHECK_INT(td.revision, 2, "revision");
    CHECK_STR(td.network_mode, "awsvpc", "network mode");
    CHECK_STR(td.cpu, "512", "cpu (a string)");
    CHECK_STR(td.memory, "1024", "memory (a string)");
    CHECK_INT(td.ncontainers, 2, "two container definitions");
    if (td.ncontainers == 2) {
        CHECK_STR(td.containers[0].name, "app", "app");
        CHECK(td.containers[0].essential, "app essential");
        CHECK_STR(td.containers[0].log_driver, "awslogs", "log driver");
        CHECK_STR(td.containers[0].log_group, "/ecs/web", "awslogs-group");
        CHECK_STR(td.containers[0].log_region, "us-east-1", "awslogs-region");
        CHECK_STR(td.containers[0].log_stream_prefix, "web", "awslogs-stream-prefix");
        CHECK(!td.containers[1].essential && td.containers[1].log_group == NULL,
              "redis: not essential, no logs");
    }
    CHECK(td.raw_json != NULL && strchr(td.raw_json, '\n') == NULL &&
              strncmp(td.raw_json, "{\"taskDefinitionArn\":", 21) == 0,
          "raw_json is the taskDefinition object, unformatted");
    back = td.raw_json != NULL ? cJSON_Parse(td.raw_json) : NULL;
    CHECK(back != NULL &&
              cJSON_GetArraySize(cJSON_GetObjectItem(back, "containerDefinitions")) == 2 &&
              cJSON_IsArray(cJSON_GetObjectItem(back, "requiresCompatibilities")),
          "raw_json round-trips with every member");
    cJSON_Delete(back);
    task_def_clear(&td);
    free(body);

    CHECK_INT(ecs_decode_task_definition(LIT("{\"taskDefinition\":null}"), &td, &err), OD_E_PARSE,
              "taskDefinition null -> OD_E_PARSE");
    CHECK(err.message != NULL && strstr(err.message, "taskDefinition") != NULL,
          "message names the missing member");
    task_def_clear(&td);
    od_error_clear(&err);
}

static void
test_ecs_bodies(void)
{
    const char *names[] = {"web", "api"};
    char *b;

    b = ecs_body_list_clusters(NULL);
    CHECK_STR(b, "{\"maxResults\":100}", "ListClusters body");
    free(b);
    b = ecs_body_list_services("prod", "tok");
    CHECK_STR(b, "{\"cluster\":\"prod\",\"maxResults\":100,\"nextToken\":\"tok\"}",
              "ListServices body");
    free(b);
    b = ecs_body_list_tasks("prod", NULL, NULL);
    CHECK_STR(b, "{\"cluster\":\"prod\",\"maxResults\":100,\"desiredStatus\":\"RUNNING\"}",
              "ListTasks body defaults to RUNNING");
    free(b);
    b = ecs_body_list_tasks("prod", "STOPPED", NULL);
    CHECK(b != NULL && strstr(b, "\"desiredStatus\":\"STOPPED\"") != NULL, "ListTasks STOPPED");
    free(b);
    b = ecs_body_list_container_instances("legacy", NULL);
    CHECK_STR(b, "{\"cluster\":\"legacy\",\"maxResults\":100}", "ListContainerInstances body");
    free(b);
    b = ecs_body_list_task_definitions("web", "DESC", NULL, NULL);
    CHECK_STR(b,
              "{\"maxResults\":100,\"familyPrefix\":\"web\",\"sort\":\"DESC\","
              "\"status\":\"ACTIVE\"}",
              "ListTaskDefinitions body");
    free(b);
    b = ecs_body_describe_clusters(names, 2);
    CHECK_STR(b, "{\"clusters\":[\"web\",\"api\"]}", "DescribeClusters body");
    free(b);
    b = ecs_body_describe_services("prod", names, 2);
    CHECK_STR(b, "{\"cluster\":\"prod\",\"services\":[\"web\",\"api\"]}", "DescribeServices body");
    free(b);
    b = ecs_body_describe_tasks("prod", names, 1);
    CHECK_STR(b, "{\"cluster\":\"prod\",\"tasks\":[\"web\"]}", "DescribeTasks body");
    free(b);
    b = ecs_body_describe_container_instances("legacy", names, 1);
    CHECK_STR(b, "{\"cluster\":\"legacy\",\"containerInstances\":[\"web\"]}",
              "DescribeContainerInstances body");
    free(b);
    b = ecs_body_describe_task_definition("web:2");
    CHECK_STR(b, "{\"taskDefinition\":\"web:2\"}", "DescribeTaskDefinition body");
    free(b);
    b = ecs_body_describe_services("p\"q", (const char *[]){"a\\b"}, 1);
    CHECK_STR(b, "{\"cluster\":\"p\\\"q\",\"services\":[\"a\\\\b\"]}", "JSON escaping");
    free(b);
}

/* Every ECS decoder on one body: must not crash, must not leak; returns how many failed. */
static int
ecs_all(const char *body, size_t len, int *nok)
{
    struct od_error err = {0};
    char **arns = NULL, *next = NULL;
    struct od_cluster *c = NULL;
    struct od_service *s = NULL;
    struct od_task *t = NULL;
    struct od_container_instance *ci = NULL;
    struct od_failure *f = NULL;
    struct od_task_def td;
    size_t n = 0, nf = 0;
    int bad = 0;

    *nok = 0;
    bad += ecs_decode_arn_list(body, len, "taskArns", &arns, &n, &next, &err) != OD_OK;
    arn_list_free(&arns, &n);
    free(next);
    od_error_clear(&err);
    bad += ecs_decode_clusters(body, len, &c, &n, &err) != OD_OK;
    OD_FREE_ARRAY(c, n, cluster_clear);
    od_error_clear(&err);
    bad += ecs_decode_services(body, len, &s, &n, &f, &nf, &err) != OD_OK;
    OD_FREE_ARRAY(s, n, service_clear);
    OD_FREE_ARRAY(f, nf, failure_clear);
    od_error_clear(&err);
    bad += ecs_decode_tasks(body, len, &t, &n, &f, &nf, &err) != OD_OK;
    OD_FREE_ARRAY(t, n, task_clear);
    OD_FREE_ARRAY(f, nf, failure_clear);
    od_error_clear(&err);
    bad += ecs_decode_container_instances(body, len, &ci, &n, &err) != OD_OK;
    OD_FREE_ARRAY(ci, n, container_instance_clear);
    od_error_clear(&err);
    bad += ecs_decode_task_definition(body, len, &td, &err) != OD_OK;
    task_def_clear(&td);
    od_error_clear(&err);
    *nok = 6 - bad;
    return bad;
}

static void
test_ecs_hostile(void)
{
    static const char *const parse_errors[] = {
        "", "   ", "[]", "null", "\"x\"", "{\"tasks\":[", "{\"clusters\":[]} trailing",
        "{\"a\":1,\"a\":", "\xff\xfe{}",
    };
    /* botocore reads an absent or null list as none (every output member is optional): each
     * list decoder answers zero items; DescribeTaskDefinition needs its object. */
    static const char *const no_list[] = {"{}", "{\"services\":null,\"tasks\":null}",
                                          "{\"unrelated\":[1]}"};
    struct od_error err = {0};
    struct od_service *s = NULL;
    struct od_task *t = NULL;
    char **arns = NULL, *next = NULL;
    size_t n = 0, len;
    int nok;
    char *body;

    for (size_t i = 0; i < sizeof parse_errors / sizeof parse_errors[0]; i++) {
        ecs_all(parse_errors[i], strlen(parse_errors[i]), &nok);
        CHECK_INT(nok, 0, parse_errors[i][0] != '\0' ? parse_errors[i] : "(empty body)");
    }
    CHECK_INT(ecs_decode_services(NULL, 0, &s, &n, NULL, NULL, &err), OD_E_PARSE,
              "NULL body -> OD_E_PARSE");
    CHECK(s == NULL && n == 0, "outputs empty on error");
    CHECK(err.message != NULL, "error has a message");
    od_error_clear(&err);
    for (size_t i = 0; i < sizeof no_list / sizeof no_list[0]; i++) {
        ecs_all(no_list[i], strlen(no_list[i]), &nok);
        CHECK_INT(nok, 5, no_list[i]);
    }
    CHECK_INT(ecs_decode_services("{}", 2, &s, &n, NULL, NULL, &err), OD_OK,
              "{} -> OD_OK: no services");
    CHECK(s == NULL && n == 0, "no services decoded");
    CHECK_INT(ecs_decode_arn_list(LIT("{\"nextToken\":\"t\"}"), "serviceArns", &arns, &n, &next,
                                  &err),
              OD_OK, "a page with a nextToken and no serviceArns decodes");
    CHECK(n == 0 && str_eq(next, "t"), "no ARNs, the nextToken kept");
    free(next);
    next = NULL;
    {
        /* A list member that is there but is not a list is not what botocore would read. */
        static const struct {
            const char *body, *key;
        } wrong[] = {{"{\"services\":\"x\"}", "services"}, {"{\"services\":{}}", "services"},
                     {"{\"taskArns\": 5}", "taskArns"}};

        for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
            enum od_err rc = str_eq(wrong[i].key, "services")
                                 ? ecs_decode_services(LIT(wrong[i].body), &s, &n, NULL, NULL, &err)
                                 : ecs_decode_arn_list(LIT(wrong[i].body), wrong[i].key, &arns, &n,
                                                       &next, &err);

            CHECK_INT(rc, OD_E_PARSE, wrong[i].body);
            CHECK(err.message != NULL && strstr(err.message, wrong[i].key) != NULL,
                  "the message names the member");
            od_error_clear(&err);
        }
    }

    /* Wrong types inside: decode what is there, ignore the rest. */
    {
        const char *j =
            "{\"services\":[1,null,\"x\",[],{\"serviceName\":5,\"desiredCount\":\"3\","
            "\"runningCount\":1.5,\"pendingCount\":1e300,\"deployments\":{},\"events\":[null],"
            "\"deploymentConfiguration\":[],\"loadBalancers\":[{\"containerPort\":null}],"
            "\"status\":\"ACTIVE\",\"unknown\":{\"deep\":[1,2,3]}}],\"failures\":[null,{}]}";
        struct od_failure *f = NULL;
        size_t nf = 0;

        CHECK_INT(ecs_decode_services(j, strlen(j), &s, &n, &f, &nf, &err), OD_OK,
                  "wrong member types decode");
        CHECK_INT(n, 1, "only object elements become services");
        if (n == 1) {
            CHECK(s[0].name == NULL, "number where a string belongs -> absent");
            CHECK_INT(s[0].desired, 0, "string where a number belongs -> 0");
            CHECK_INT(s[0].running, 0, "fraction where an integer belongs -> 0");
            CHECK_INT(s[0].pending, 0, "out-of-range number -> 0");
            CHECK_STR(s[0].status, "ACTIVE", "good members still decoded");
            CHECK_INT(s[0].ndeployments + s[0].nevents, 0, "non-arrays / null elements skipped");
            CHECK_INT(s[0].nlbs, 1, "lb with null port kept");
        }
        CHECK_INT(nf, 1, "one object failure");
        OD_FREE_ARRAY(s, n, service_clear);
        OD_FREE_ARRAY(f, nf, failure_clear);
    }
    {
        const char *j = "{\"tasks\":[{\"taskArn\":\"\",\"containers\":[{\"exitCode\":\"1\","
                        "\"networkBindings\":[null,{\"hostPort\":-1}]}],"
                        "\"attachments\":[{\"type\":\"ElasticNetworkInterface\","
                        "\"details\":[{\"name\":\"privateIPv4Address\",\"value\":null}]}]}]}";

        CHECK_INT(ecs_decode_tasks(j, strlen(j), &t, &n, NULL, NULL, &err), OD_OK,
                  "odd task decodes");
        if (n == 1) {
            CHECK(t[0].id == NULL, "empty taskArn -> no id");
            CHECK(t[0].private_ip == NULL, "null IP value -> absent");
            CHECK(t[0].ncontainers == 1 && !t[0].containers[0].has_exit_code,
                  "string exitCode -> absent");
            CHECK(t[0].ncontainers == 1 && t[0].containers[0].nbindings == 1,
                  "null binding skipped");
        }
        OD_FREE_ARRAY(t, n, task_clear);
    }
    /* Strings are copied verbatim, controls and all (the display layer sanitises). */
    {
        const char *j = "{\"serviceArns\":[\"a\\u001b[31mb\",\"\\u00e9\"],\"nextToken\":\"\"}";

        CHECK_INT(ecs_decode_arn_list(j, strlen(j), "serviceArns", &arns, &n, &next, &err),
                  OD_OK, "escaped strings decode");
        CHECK_STR(n == 2 ? arns[0] : NULL, "a\x1b[31mb", "ESC kept verbatim");
        CHECK_STR(n == 2 ? arns[1] : NULL, "\xc3\xa9", "UTF-8 kept");
        CHECK_STR(next, "", "empty nextToken copied as-is");
        arn_list_free(&arns, &n);
        xfree(&next);
    }

    /* Truncated real bodies: every prefix is an error, never a crash. */
    {
        static const char *const files[] = {"ecs_describe_services_edited.json",
                                            "ecs_describe_tasks_fargate_edited.json",
                                            "ecs_describe_task_definition.json"};
        int fails = 0;

        for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
            body = load(files[i], &len);
            for (size_t cut = 0; cut + 1 < len; cut += 7) {
                ecs_all(body, cut, &nok);
                fails += nok != 0;
            }
            free(body);
        }
        CHECK_INT(fails, 0, "every truncation of real bodies -> OD_E_PARSE");
    }

    /* Huge array. */
    {
        struct od_buf b;
        size_t count = 100000;

        buf_init(&b, 0);
        buf_puts(&b, "{\"taskArns\":[");
        for (size_t i = 0; i < count; i++)
            buf_printf(&b, "%s\"arn:aws:ecs:r:1:task/c/%zu\"", i ? "," : "", i);
        buf_puts(&b, "]}");
        CHECK_INT(ecs_decode_arn_list(b.data, b.len, "taskArns", &arns, &n, NULL, &err), OD_OK,
                  "100000 ARNs decode");
        CHECK_INT(n, count, "all of them");
        arn_list_free(&arns, &n);
        buf_free(&b);
    }
    /* Deep nesting: beyond cJSON's limit is a parse error; within it, ignored. */
    {
        struct od_buf b;

        buf_init(&b, 0);
        buf_puts(&b, "{\"tasks\":[{\"x\":");
        for (int i = 0; i < 100000; i++)
            buf_putc(&b, '[');
        ecs_all(b.data, b.len, &nok);
        CHECK_INT(nok, 0, "100000-deep nesting -> OD_E_PARSE");
        buf_reset(&b);
        buf_puts(&b, "{\"taskDefinition\":{\"family\":\"f\",\"x\":");
        for (int i = 0; i < 500; i++)
            buf_putc(&b, '[');
        for (int i = 0; i < 500; i++)
            buf_putc(&b, ']');
        buf_puts(&b, "}}");
        {
            struct od_task_def td;

            CHECK_INT(ecs_decode_task_definition(b.data, b.len, &td, &err), OD_OK,
                      "500-deep unknown member ignored");
            CHECK(td.raw_json != NULL && strlen(td.raw_json) > 1000, "and kept in raw_json");
            task_def_clear(&td);
        }
        buf_free(&b);
    }
    /* Embedded NUL inside the length. */
    {
        const char j[] = "{\"taskArns\":[\"a\0b\"]}";

        /* The length is honoured (the '"', ']' and '}' after the NUL are read), and the ARN
         * handed on is the C string before the NUL: nothing after it can reach a caller. */
        CHECK_INT(ecs_decode_arn_list(j, sizeof j - 1, "taskArns", &arns, &n, NULL, &err), OD_OK,
                  "a raw NUL inside a string: the body still decodes");
        CHECK(n == 1 && str_eq(arns[0], "a"), "and the ARN ends at the NUL");
        arn_list_free(&arns, &n);
    }
    od_error_clear(&err);
}

/* ---- ELBv2 ---------------------------------------------------------------------------- */

static void
test_elbv2_params(void)
{
    const char *arns[] = {TG_ARN, "arn:2"};
    struct od_kv *kv;
    size_t n = 0;

    kv = elbv2_params_describe_target_groups(arns, 2, "m1", &n);
    CHECK_INT(n, 4, "TG params: 2 ARNs, Marker, PageSize");
    if (n == 4) {
        CHECK_STR(kv[0].key, "TargetGroupArns.member.1", "member.1 key");
        CHECK_STR(kv[0].value, TG_ARN, "member.1 value");
        CHECK_STR(kv[1].key, "TargetGroupArns.member.2", "member.2 key");
        CHECK_STR(kv[2].key, "Marker", "Marker");
        CHECK_STR(kv[2].value, "m1", "Marker value");
        CHECK_STR(kv[3].key, "PageSize", "PageSize");
        CHECK_STR(kv[3].value, "400", "PageSize 400");
    }
    kv_array_free(kv, n);
    kv = elbv2_params_describe_target_groups(NULL, 0, NULL, &n);
    CHECK(n == 1 && str_eq(kv[0].key, "PageSize"), "no filter: PageSize only");
    kv_array_free(kv, n);
    kv = elbv2_params_describe_load_balancers(arns, 1, NULL, &n);
    CHECK(n == 2 && str_eq(kv[0].key, "LoadBalancerArns.member.1"), "LB params");
    kv_array_free(kv, n);
    kv = elbv2_params_describe_target_health(TG_ARN, &n);
    CHECK(n == 1 && str_eq(kv[0].key, "TargetGroupArn") && str_eq(kv[0].value, TG_ARN),
          "TargetHealth params");
    kv_array_free(kv, n);
}

static void
test_elbv2_decode(void)
{
    struct od_error err = {0};
    struct od_target_group *tg = NULL;
    struct od_target *t = NULL;
    struct od_load_balancer *lb = NULL;
    char *next = (char *)"x", *d;
    size_t len, n = 0;
    char *body = load("elbv2_describe_target_groups.xml", &len);

    CHECK_INT(elbv2_decode_target_groups(body, len, &tg, &n, &next, &err), OD_OK,
              "DescribeTargetGroups decodes");
    CHECK(next == NULL, "no NextMarker (moto ignores PageSize)");
    if (n == 1) {
        CHECK_STR(tg[0].arn, TG_ARN, "TG ARN");
        CHECK_STR(tg[0].name, "web-tg", "TG name");
        CHECK_STR(tg[0].target_type, "ip", "ip target type");
        CHECK_STR(tg[0].protocol, "HTTP", "protocol");
        CHECK_INT(tg[0].port, 80, "port");
        CHECK_STR(tg[0].health_check_path, "/health", "health check path");
        CHECK(tg[0].nload_balancers == 1 && str_eq(tg[0].load_balancer_arns[0], LB_ARN),
              "LB ARNs");
    } else {
        CHECK(0, "one target group");
    }
    OD_FREE_ARRAY(tg, n, target_group_clear);
    free(body);

    body = load("elbv2_describe_target_health.xml", &len);
    CHECK_INT(elbv2_decode_target_health(body, len, &t, &n, &err), OD_OK,
              "DescribeTargetHealth decodes");
    CHECK_INT(n, 2, "two targets");
    if (n == 2) {
        CHECK_STR(t[0].id, "10.118.71.6", "target id = task IP");
        CHECK_INT(t[0].port, 80, "target port");
        CHECK_STR(t[0].state, "healthy", "moto: healthy at once");
        CHECK(t[0].reason == NULL && t[0].az == NULL && t[0].task_id == NULL,
              "no reason, AZ or task id");
        CHECK_STR(t[1].id, "10.0.99.7", "second target");
    }
    OD_FREE_ARRAY(t, n, target_clear);
    free(body);

    /* AWS-shaped states moto never produces. */
    {
        const char *x =
            "<DescribeTargetHealthResponse xmlns=\"http://elasticloadbalancing.amazonaws.com/doc/"
            "2015-12-01/\"><DescribeTargetHealthResult><TargetHealthDescriptions>"
            "<member><Target><Id>10.0.1.5</Id><Port>8080</Port><AvailabilityZone>us-east-1a"
            "</AvailabilityZone></Target><TargetHealth><State>unhealthy</State><Reason>"
            "Target.ResponseCodeMismatch</Reason><Description>Health checks failed with these "
            "codes: [502]</Description></TargetHealth></member>"
            "<member><Target><Id>i-0abc</Id><Port>32768</Port></Target><TargetHealth><State>"
            "draining</State><Reason>Target.DeregistrationInProgress</Reason></TargetHealth>"
            "</member><member><Target><Port>junk</Port></Target></member>"
            "</TargetHealthDescriptions></DescribeTargetHealthResult>"
            "</DescribeTargetHealthResponse>";

        CHECK_INT(elbv2_decode_target_health(x, strlen(x), &t, &n, &err), OD_OK,
                  "AWS-shaped target health decodes");
        if (n == 3) {
            CHECK_STR(t[0].state, "unhealthy", "unhealthy");
            CHECK_STR(t[0].reason, "Target.ResponseCodeMismatch", "reason");
            CHECK_STR(t[0].description, "Health checks failed with these codes: [502]",
                      "description");
            CHECK_STR(t[0].az, "us-east-1a", "AZ");
            CHECK_INT(t[1].port, 32768, "instance target on dynamic port");
            CHECK_STR(t[1].state, "draining", "draining");
            CHECK(t[2].id == NULL && t[2].port == 0 && t[2].state == NULL,
                  "junk member: empty target");
        } else {
            CHECK(0, "three targets");
        }
        OD_FREE_ARRAY(t, n, target_clear);
    }

    body = load("elbv2_describe_load_balancers.xml", &len);
    CHECK_INT(elbv2_decode_load_balancers(body, len, &lb, &n, &next, &err), OD_OK,
              "DescribeLoadBalancers decodes");
    if (n == 1) {
        CHECK_STR(lb[0].arn, LB_ARN, "LB ARN");
        CHECK_STR(lb[0].name, "web-alb", "LB name");
        CHECK_STR(lb[0].type, "application", "LB type");
        CHECK_STR(lb[0].state, "active", "LB state");
        CHECK_STR(lb[0].dns_name, "web-alb-1.us-east-1.elb.amazonaws.com", "DNS name");
    } else {
        CHECK(0, "one load balancer");
    }
    CHECK(next == NULL, "no NextMarker");
    OD_FREE_ARRAY(lb, n, load_balancer_clear);
    free(body);

    {
        const char *x = "<DescribeLoadBalancersResponse><DescribeLoadBalancersResult>"
                        "<LoadBalancers/><NextMarker>web-alb</NextMarker>"
                        "</DescribeLoadBalancersResult></DescribeLoadBalancersResponse>";

        CHECK_INT(elbv2_decode_load_balancers(x, strlen(x), &lb, &n, &next, &err), OD_OK,
                  "empty page with marker");
        CHECK(n == 0 && lb == NULL, "no load balancers");
        CHECK_STR(next, "web-alb", "NextMarker");
        xfree(&next);
    }

    d = elbv2_tg_dimension(TG_ARN);
    CHECK_STR(d, "targetgroup/web-tg/ab5f8108d462a1b4", "TargetGroup dimension");
    free(d);
    d = elbv2_lb_dimension(LB_ARN);
    CHECK_STR(d, "app/web-alb/da7cbf102da3ddd2", "LoadBalancer dimension");
    free(d);
    d = elbv2_lb_dimension(TG_ARN);
    CHECK(d == NULL, "TG ARN has no loadbalancer part");
    free(d);
    d = elbv2_tg_dimension("arn:aws:elasticloadbalancing:r:1:targetgroup/");
    CHECK(d == NULL && elbv2_tg_dimension(NULL) == NULL, "degenerate ARNs -> NULL");
    free(d);
    od_error_clear(&err);
}

static void
test_elbv2_hostile(void)
{
    static const char *const bodies[] = {
        "",
        "<x/>",
        "not xml",
        "<DescribeTargetHealthResponse><DescribeTargetHealthResult>",
        "<?xml version=\"1.0\"?><ErrorResponse xmlns=\"http://elasticloadbalancing.amazonaws.com/"
        "doc/2015-12-01/\"><Error><Type>Sender</Type><Code>TargetGroupNotFound</Code><Message>"
        "One or more target groups not found</Message></Error><RequestId>1</RequestId>"
        "</ErrorResponse>",
        "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><DescribeTargetHealthResponse>"
        "<DescribeTargetHealthResult><TargetHealthDescriptions><member><Target><Id>&a;</Id>"
        "</Target></member></TargetHealthDescriptions></DescribeTargetHealthResult>"
        "</DescribeTargetHealthResponse>",
    };
    struct od_error err = {0};
    struct od_target *t = NULL;
    struct od_target_group *tg = NULL;
    size_t n = 0, len;
    char *body;
    int fails = 0;

    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        CHECK_INT(elbv2_decode_target_health(bodies[i], strlen(bodies[i]), &t, &n, &err),
                  OD_E_PARSE, "hostile XML -> OD_E_PARSE");
        CHECK(t == NULL && n == 0, "nothing returned");
        od_error_clear(&err);
    }
    /* The result wrapper without its list: botocore reads no targets, so does ondeck. */
    CHECK_INT(elbv2_decode_target_health(LIT("<DescribeTargetHealthResponse><DescribeTargetHealth"
                                             "Result/></DescribeTargetHealthResponse>"),
                                         &t, &n, &err),
              OD_OK, "DescribeTargetHealthResult without TargetHealthDescriptions decodes");
    CHECK(t == NULL && n == 0, "no targets");
    {
        char *next = (char *)"x";

        CHECK_INT(elbv2_decode_target_groups(
                      LIT("<DescribeTargetGroupsResponse><DescribeTargetGroupsResult>"
                          "<NextMarker>m</NextMarker></DescribeTargetGroupsResult>"
                          "</DescribeTargetGroupsResponse>"),
                      &tg, &n, &next, &err),
                  OD_OK, "DescribeTargetGroupsResult without TargetGroups decodes");
        CHECK(tg == NULL && n == 0 && str_eq(next, "m"), "no target groups, the marker kept");
        free(next);
    }
    body = load("elbv2_describe_target_groups.xml", &len);
    for (size_t cut = 0; cut + 1 < len; cut += 5) {
        char *next = NULL;

        if (elbv2_decode_target_groups(body, cut, &tg, &n, &next, &err) != OD_E_PARSE)
            fails++;
        OD_FREE_ARRAY(tg, n, target_group_clear);
        free(next);
        od_error_clear(&err);
    }
    CHECK_INT(fails, 0, "every truncated DescribeTargetGroups -> OD_E_PARSE");
    /* The wrong operation's answer is not a target group list. */
    {
        size_t nt = 0;

        CHECK_INT(elbv2_decode_target_groups(body, len, &tg, &n, NULL, &err) == OD_OK &&
                          elbv2_decode_target_health(body, len, &t, &nt, &err) == OD_E_PARSE,
                  1, "TargetGroups body is not a TargetHealth body");
        OD_FREE_ARRAY(tg, n, target_group_clear);
        od_error_clear(&err);
    }
    free(body);
    /* Deep nesting. */
    {
        struct od_buf b;

        buf_init(&b, 0);
        buf_puts(&b, "<DescribeTargetHealthResponse><DescribeTargetHealthResult>"
                     "<TargetHealthDescriptions><member><Target><Id>");
        for (int i = 0; i < 50000; i++)
            buf_puts(&b, "<a>");
        buf_puts(&b, "x");
        for (int i = 0; i < 50000; i++)
            buf_puts(&b, "</a>");
        buf_puts(&b, "</Id></Target></member></TargetHealthDescriptions>"
                     "</DescribeTargetHealthResult></DescribeTargetHealthResponse>");
        /* libxml2 stops at its depth limit (256 without XML_PARSE_HUGE): a clean parse error,
         * no recursion 50000 deep, nothing returned. */
        CHECK_INT(elbv2_decode_target_health(b.data, b.len, &t, &n, &err), OD_E_PARSE,
                  "50000-deep XML -> OD_E_PARSE");
        CHECK(t == NULL && n == 0, "50000-deep XML: no targets returned");
        CHECK(err.message != NULL && strstr(err.message, "depth") != NULL,
              "the error says the document is too deep");
        OD_FREE_ARRAY(t, n, target_clear);
        od_error_clear(&err);
        buf_free(&b);
    }
}

/* ---- CloudWatch ----------------------------------------------------------------------- */

static void
test_cw_bodies(void)
{
    struct od_dimension dims[] = {{(char *)"ClusterName", (char *)"prod"},
                                  {(char *)"ServiceName", (char *)"web"}};
    struct od_metric_query q[] = {
        {"cpu", "AWS/ECS", "CPUUtilization", dims, 2, "Average", 60},
        {"req", "AWS/ApplicationELB", "RequestCount", NULL, 0, "Sum", 300},
    };
    char *b;

    b = cw_body_get_metric_data(q, 1, 1795300860, 1795304520, NULL);
    CHECK_STR(b,
              "{\"StartTime\":1795300860,\"EndTime\":1795304520,\"ScanBy\":\"TimestampAscending\","
              "\"MetricDataQueries\":[{\"MetricStat\":{\"Metric\":{\"Namespace\":\"AWS/ECS\","
              "\"MetricName\":\"CPUUtilization\",\"Dimensions\":[{\"Name\":\"ClusterName\","
              "\"Value\":\"prod\"},{\"Name\":\"ServiceName\",\"Value\":\"web\"}]},\"Period\":60,"
              "\"Stat\":\"Average\"},\"Id\":\"cpu\",\"ReturnData\":true}]}",
              "GetMetricData body");
    free(b);
    b = cw_body_get_metric_data(q, 2, 0, 60, "tok");
    CHECK(b != NULL && strstr(b, "\"NextToken\":\"tok\"") != NULL &&
              strstr(b, "\"Id\":\"req\"") != NULL && strstr(b, "\"Period\":300") != NULL,
          "two queries + NextToken");
    free(b);
    CHECK(cw_body_get_metric_data(q, 0, 0, 60, NULL) == NULL, "no queries -> NULL");
    CHECK(cw_body_get_metric_data(q, CW_MAX_QUERIES + 1, 0, 60, NULL) == NULL,
          "over CW_MAX_QUERIES -> NULL");
    b = cw_body_describe_alarms(NULL);
    CHECK_STR(b, "{\"AlarmTypes\":[\"MetricAlarm\"],\"MaxRecords\":100}", "DescribeAlarms body");
    free(b);
}

static void
test_cw_decode(void)
{
    static const char *const files[] = {"cw_get_metric_data_desc.json",
                                        "cw_get_metric_data_asc.json"};
    struct od_error err = {0};
    struct od_series *s = NULL;
    struct od_alarm *a = NULL;
    char *next = NULL;
    size_t len, n = 0;
    char *body;

    for (size_t i = 0; i < 2; i++) {
        body = load(files[i], &len);
        CHECK_INT(cw_decode_metric_data(body, len, &s, &n, &next, &err), OD_OK, files[i]);
        CHECK_INT(n, 2, "two series in query order");
        if (n == 2 && s[0].n == 3) {
            CHECK_STR(s[0].id, "cpu", "first series id");
            CHECK_STR(s[0].label, "CPUUtilization Average", "moto default label");
            CHECK_STR(s[0].status_code, "Complete", "status code");
            CHECK(s[0].values[0] == 10.0 && s[0].values[1] == 20.0 && s[0].values[2] == 30.0,
                  "values oldest first: 10 20 30");
            CHECK(s[0].timestamps[0] == 1795306020 && s[0].timestamps[2] == 1795306140,
                  "timestamps ascending");
            CHECK_STR(s[1].id, "mem", "second series");
            CHECK(s[1].n == 0 && s[1].values == NULL, "unknown metric: empty series");
        } else {
            CHECK(0, "cpu has three points");
        }
        CHECK(next == NULL, "no NextToken");
        OD_FREE_ARRAY(s, n, series_clear);
        free(body);
    }

    {
        const char *j = "{\"MetricDataResults\":[{\"Id\":\"x\",\"Timestamps\":[300,\"a\",100,200,"
                        "50],\"Values\":[3,9,1,null,7.5,99]},{\"Id\":\"y\",\"Timestamps\":\"x\","
                        "\"Values\":[1]},7,{\"Timestamps\":[1e300],\"Values\":[1]}],"
                        "\"NextToken\":\"n2\",\"Messages\":[]}";

        CHECK_INT(cw_decode_metric_data(j, strlen(j), &s, &n, &next, &err), OD_OK,
                  "odd series decode");
        CHECK_INT(n, 3, "object results only");
        if (n == 3 && s[0].n == 3) {
            CHECK(s[0].timestamps[0] == 50 && s[0].values[0] == 7.5, "sorted: 50 -> 7.5");
            CHECK(s[0].timestamps[1] == 100 && s[0].values[1] == 1, "100 -> 1");
            CHECK(s[0].timestamps[2] == 300 && s[0].values[2] == 3, "300 -> 3");
        } else {
            CHECK(0, "bad pairs dropped, extra values ignored");
        }
        CHECK(n == 3 && s[1].n == 0 && s[2].n == 0, "non-array / absurd timestamps -> empty");
        CHECK_STR(next, "n2", "NextToken");
        OD_FREE_ARRAY(s, n, series_clear);
        xfree(&next);
    }

    body = load("cw_describe_alarms.json", &len);
    CHECK_INT(cw_decode_alarms(body, len, &a, &n, &next, &err), OD_OK, "DescribeAlarms decodes");
    CHECK_INT(n, 2, "two alarms");
    if (n == 2) {
        CHECK_STR(a[0].name, "web-cpu-high", "first alarm");
        CHECK_STR(a[0].state, "OK", "moto starts alarms in OK");
        CHECK_INT(a[0].ndimensions, 2, "two dimensions");
        CHECK_STR(a[1].name, "web-5xx", "second alarm");
        CHECK_STR(a[1].state, "ALARM", "in ALARM after SetAlarmState");
        CHECK_STR(a[1].reason, "Threshold Crossed: 1 datapoint [12.0] >= 5.0", "state reason");
        CHECK(a[1].updated_at > 1795306204.0 && a[1].updated_at < 1795306205.0,
              "StateUpdatedTimestamp");
        CHECK_STR(a[1].namespace_, "AWS/ApplicationELB", "namespace");
        CHECK_STR(a[1].metric_name, "HTTPCode_Target_5XX_Count", "metric");
        CHECK_STR(a[1].statistic, "Sum", "statistic");
        CHECK(a[1].threshold == 5.0, "threshold");
        CHECK_STR(a[1].comparison, "GreaterThanOrEqualToThreshold", "comparison");
        if (a[1].ndimensions == 1) {
            CHECK_STR(a[1].dimensions[0].name, "TargetGroup", "dimension name");
            CHECK_STR(a[1].dimensions[0].value, "targetgroup/web-tg/ab5f8108d462a1b4",
                      "dimension value");
        } else {
            CHECK(0, "one dimension");
        }
    }
    OD_FREE_ARRAY(a, n, alarm_clear);
    free(body);

    /* A metric-math alarm (moto 5.2.1 body): no Dimensions of its own; its metric m1 names
     * the service, the expression e1 names nothing. */
    body = load("cw_describe_alarms_metric_math.json", &len);
    CHECK_INT(cw_decode_alarms(body, len, &a, &n, &next, &err), OD_OK, "metric-math alarm decodes");
    CHECK(n == 1 && a[0].ndimensions == 0 && a[0].nmetrics == 2, "no dimensions, two metrics");
    if (n == 1 && a[0].nmetrics == 2) {
        const struct od_alarm_metric *m = a[0].metrics;

        CHECK_STR(m[0].id, "m1", "metric id");
        CHECK(m[0].ndimensions == 2 && str_eq(m[0].dimensions[0].name, "ClusterName") &&
                  str_eq(m[0].dimensions[0].value, "prod") &&
                  str_eq(m[0].dimensions[1].name, "ServiceName") &&
                  str_eq(m[0].dimensions[1].value, "web"),
              "MetricStat.Metric.Dimensions decoded");
        CHECK(str_eq(m[1].id, "e1") && m[1].ndimensions == 0, "the expression has no dimensions");
        CHECK(alarm_names_service(&a[0], "prod", "web"), "attributed to web");
        CHECK(alarm_names_service(&a[0], "arn:aws:ecs:us-east-1:123456789012:cluster/prod", "web"),
              "attributed to web when the cluster is given as an ARN");
        CHECK(!alarm_names_service(&a[0], "prod", "api"), "not to api");
        CHECK(!alarm_names_service(&a[0], "staging", "web"), "not to web of another cluster");
    }
    OD_FREE_ARRAY(a, n, alarm_clear);
    free(next);
    next = NULL;
    free(body);

    {
        static const char *const bad[] = {"[]", "{\"Metric", "\"x\""};
        /* Every output member is optional in the model; botocore reads absent or null as none. */
        static const char *const no_list[] = {"{}", "{\"MetricAlarms\":null}",
                                              "{\"MetricDataResults\":null,\"Messages\":[]}"};

        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            CHECK_INT(cw_decode_alarms(bad[i], strlen(bad[i]), &a, &n, &next, &err), OD_E_PARSE,
                      bad[i]);
            od_error_clear(&err);
            CHECK_INT(cw_decode_metric_data(bad[i], strlen(bad[i]), &s, &n, &next, &err),
                      OD_E_PARSE, bad[i]);
            od_error_clear(&err);
        }
        for (size_t i = 0; i < sizeof no_list / sizeof no_list[0]; i++) {
            CHECK_INT(cw_decode_alarms(no_list[i], strlen(no_list[i]), &a, &n, &next, &err),
                      OD_OK, no_list[i]);
            CHECK(a == NULL && n == 0 && next == NULL, "DescribeAlarms without a list: none");
            CHECK_INT(cw_decode_metric_data(no_list[i], strlen(no_list[i]), &s, &n, &next, &err),
                      OD_OK, no_list[i]);
            CHECK(s == NULL && n == 0 && next == NULL, "GetMetricData without a list: none");
        }
        CHECK_INT(cw_decode_alarms(LIT("{\"NextToken\":\"p2\"}"), &a, &n, &next, &err), OD_OK,
                  "a DescribeAlarms page with only a NextToken decodes");
        CHECK(n == 0 && str_eq(next, "p2"), "and keeps the token (paging goes on)");
        free(next);
        next = NULL;
        CHECK_INT(cw_decode_alarms(LIT("{\"MetricAlarms\":{}}"), &a, &n, &next, &err), OD_E_PARSE,
                  "MetricAlarms that is not a list -> OD_E_PARSE");
        od_error_clear(&err);
        CHECK_INT(cw_decode_metric_data(LIT("{\"MetricDataResults\":7}"), &s, &n, &next, &err),
                  OD_E_PARSE, "MetricDataResults that is not a list -> OD_E_PARSE");
        od_error_clear(&err);
        CHECK_INT(cw_decode_alarms(LIT("{\"CompositeAlarms\":[]}"), &a, &n, NULL, &err), OD_OK,
                  "composite-only page: zero metric alarms");
        CHECK(n == 0 && a == NULL, "empty");
        CHECK_INT(cw_decode_alarms(LIT("{\"MetricAlarms\":[{\"Dimensions\":[null,{\"Name\":1}],"
                                   "\"Threshold\":\"x\"}]}"), &a, &n, NULL, &err),
                  OD_OK, "odd alarm decodes");
        CHECK(n == 1 && a[0].ndimensions == 1 && a[0].dimensions[0].name == NULL &&
                  a[0].threshold == 0.0,
              "odd alarm: absent values");
        OD_FREE_ARRAY(a, n, alarm_clear);
    }
    od_error_clear(&err);
}

/* ---- CloudFront ----------------------------------------------------------------------- */

static void
test_cf_requests(void)
{
    const char *paths[] = {"/index.html", "/a&b<c>d\"e'f", "/static/*"};
    const char *bad[] = {"/ok", "relative"};
    struct od_xml *doc = NULL;
    const struct od_xml_node *items, *p;
    struct od_error err = {0};
    size_t i = 0;
    char *s;

    s = cf_path_distributions();
    CHECK_STR(s, "/2020-05-31/distribution", "distributions path");
    free(s);
    s = cf_path_invalidations("E2QWRUHAPOMQZL");
    CHECK_STR(s, "/2020-05-31/distribution/E2QWRUHAPOMQZL/invalidation", "invalidations path");
    free(s);
    s = cf_path_invalidation("E2/../X", "I 1");
    CHECK_STR(s, "/2020-05-31/distribution/E2%2F..%2FX/invalidation/I%201",
              "ids are percent-encoded");
    free(s);

    s = cf_body_invalidation_batch(paths, 3, "ondeck-1&2");
    CHECK(s != NULL && strstr(s, "<Quantity>3</Quantity>") != NULL, "Quantity = number of paths");
    CHECK(s != NULL && strstr(s, "<Path>/a&amp;b%3Cc%3Ed%22e&apos;f</Path>") != NULL,
          "paths are URL-encoded (< > \") and XML-escaped (& ')");
    CHECK(s != NULL &&
              strstr(s, "<InvalidationBatch xmlns=\"http://cloudfront.amazonaws.com/doc/"
                        "2020-05-31/\">") != NULL,
          "namespace");
    CHECK_INT(s != NULL ? xml_parse(s, strlen(s), &doc, &err) : OD_E_PARSE, OD_OK,
              "body is well-formed XML");
    items = xml_path(xml_root(doc), "Paths/Items");
    XML_FOREACH(p, items, "Path") {
        char *t = xml_text(p);

        char *want = i < 3 ? cf_path_encode(paths[i]) : NULL;

        CHECK_STR(t, want, "the encoded path round-trips through the XML");
        free(want);
        free(t);
        i++;
    }
    CHECK_INT(i, 3, "three Path elements");
    {
        char *ref = xml_text_at(xml_root(doc), "CallerReference");

        CHECK_STR(ref, "ondeck-1&2", "CallerReference round-trips");
        free(ref);
    }
    xml_free(&doc);
    free(s);

    s = cf_body_invalidation_batch((const char *[]){"/a\nb"}, 1, "r");
    CHECK(s != NULL && strstr(s, "<Path>/a%0Ab</Path>") != NULL,
          "control bytes are percent-encoded, not put raw into XML");
    free(s);
    s = cf_body_invalidation_batch((const char *[]){"/menu caf\xc3\xa9.html"}, 1, "r");
    CHECK(s != NULL && strstr(s, "<Path>/menu%20caf%C3%A9.html</Path>") != NULL,
          "a raw non-ASCII path is URL-encoded in the body");
    free(s);
    {
        static const struct {
            const char *in, *want, *why;
        } enc[] = {
            {"/menu caf\xc3\xa9.html", "/menu%20caf%C3%A9.html", "space and UTF-8 bytes"},
            {"/menu%20caf%C3%A9.html", "/menu%20caf%C3%A9.html", "an encoded path is kept"},
            {"/100%.html", "/100%25.html", "a % that starts no escape"},
            {"/a%2", "/a%252", "a % with one hex digit"},
            {"/q?a=1&b=2", "/q?a=1&b=2", "query-string invalidation kept"},
            {"/img/*", "/img/*", "wildcard kept"},
            {"/\"<>#{}|\\^~[]`", "/%22%3C%3E%23%7B%7D%7C%5C%5E%7E%5B%5D%60",
             "every RFC 1738 unsafe character"},
            {"/\xd7\xa9\xe2\x80\x8b", "/%D7%A9%E2%80%8B", "RTL letter and zero-width space"},
            {"/tab\there", "/tab%09here", "control byte"},
            {"/ok-_.!$'()+,;:@", "/ok-_.!$'()+,;:@", "safe and reserved characters kept"},
        };

        for (size_t k = 0; k < sizeof enc / sizeof enc[0]; k++) {
            char *got = cf_path_encode(enc[k].in);

            CHECK_STR(got, enc[k].want, enc[k].why);
            free(got);
        }
    }
    CHECK(cf_body_invalidation_batch(bad, 2, "r") == NULL, "path without leading / -> NULL");
    CHECK(cf_body_invalidation_batch(paths, 0, "r") == NULL, "no paths -> NULL");
    CHECK(cf_body_invalidation_batch(paths, 1, "") == NULL, "empty CallerReference -> NULL");
    od_error_clear(&err);
}

static void
test_cf_decode(void)
{
    struct od_error err = {0};
    struct od_distribution *d = NULL;
    struct od_invalidation *inv = NULL, one;
    char *next = NULL;
    size_t len, n = 0;
    char *body = load("cf_list_distributions.xml", &len);

    CHECK_INT(cf_decode_distributions(body, len, &d, &n, &next, &err), OD_OK,
              "ListDistributions (moto) decodes");
    CHECK_INT(n, 2, "two distributions");
    if (n == 2) {
        CHECK_STR(d[0].id, "PE6R84K9ZNRUW", "distribution id");
        CHECK_STR(d[0].status, "Deployed", "moto: Deployed at once");
        CHECK_STR(d[0].domain_name, "zoxz14bk0fp3i.cloudfront.net", "domain");
        CHECK_STR(d[0].arn, "arn:aws:cloudfront:123456789012:distribution/PE6R84K9ZNRUW",
                  "moto ARN lacks the empty region field");
        CHECK(d[0].naliases == 0 && d[0].norigins == 0 && d[0].comment == NULL,
              "moto summary has no aliases, origins, comment");
        CHECK(!d[0].config_known, "so the configuration is marked unknown");
    }
    CHECK(next == NULL, "not truncated");
    OD_FREE_ARRAY(d, n, distribution_clear);
    free(body);

    body = load("cf_list_distributions_edited.xml", &len);
    CHECK_INT(cf_decode_distributions(body, len, &d, &n, &next, &err), OD_OK,
              "ListDistributions (AWS-shaped) decodes");
    if (n == 2 && d[0].naliases == 2 && d[0].norigins == 1) {
        CHECK_STR(d[0].aliases[0], "static.example.com", "alias 1");
        CHECK_STR(d[0].aliases[1], "cdn.example.com", "alias 2");
        CHECK_STR(d[0].origins[0].id, "s3-static", "origin id");
        CHECK_STR(d[0].origins[0].domain_name, "static-assets.s3.amazonaws.com",
                  "origin domain");
        CHECK(d[0].enabled, "enabled");
        CHECK_STR(d[0].comment, "static & assets", "comment with &amp; decoded");
        CHECK_STR(d[0].status, "InProgress", "status");
        CHECK(!d[1].enabled && d[1].naliases == 0 && d[1].norigins == 1, "second distribution");
    } else {
        CHECK(0, "two distributions with aliases and origins");
    }
    CHECK_STR(next, "IX2GAH63CGEUJ", "NextMarker when IsTruncated");
    xfree(&next);
    OD_FREE_ARRAY(d, n, distribution_clear);
    free(body);

    {
        struct od_distribution full;

        body = load("cf_get_distribution.xml", &len);
        CHECK_INT(cf_decode_distribution(body, len, &full, &err), OD_OK,
                  "GetDistribution (moto) decodes");
        CHECK_STR(full.id, "GP3MDGNR8RGD9", "GetDistribution id");
        CHECK_STR(full.domain_name, "fvm1y3ruzsgp5.cloudfront.net", "GetDistribution domain");
        CHECK(full.config_known && full.enabled, "configuration known, enabled");
        CHECK(full.naliases == 2 && strcmp(full.aliases[0], "static.example.com") == 0,
              "aliases from DistributionConfig");
        CHECK(full.norigins == 1 && strcmp(full.origins[0].domain_name,
                                          "static-assets.s3.amazonaws.com") == 0,
              "origins from DistributionConfig");
        CHECK_STR(full.comment, "static & assets", "comment from DistributionConfig");
        distribution_clear(&full);
        free(body);
        CHECK(cf_decode_distribution("<DistributionList/>", 19, &full, &err) == OD_E_PARSE,
              "a list is not a distribution");
        od_error_clear(&err);
    }

    body = load("cf_list_invalidations.xml", &len);
    CHECK_INT(cf_decode_invalidations(body, len, &inv, &n, &next, &err), OD_OK,
              "ListInvalidations decodes");
    if (n == 1) {
        CHECK_STR(inv[0].id, "R2H15FVZD6H2S", "invalidation id");
        CHECK_STR(inv[0].status, "COMPLETED", "moto status");
        CHECK_INT(inv[0].create_time, 1795306204, "CreateTime (microseconds dropped)");
        CHECK(cf_invalidation_done(inv[0].status), "COMPLETED is done");
    } else {
        CHECK(0, "one invalidation");
    }
    CHECK(next == NULL, "no marker");
    OD_FREE_ARRAY(inv, n, invalidation_clear);
    free(body);

    {
        static const char *const files[] = {"cf_create_invalidation.xml",
                                            "cf_get_invalidation.xml"};

        for (size_t i = 0; i < 2; i++) {
            body = load(files[i], &len);
            CHECK_INT(cf_decode_invalidation(body, len, &one, &err), OD_OK, files[i]);
            CHECK_STR(one.id, "R2H15FVZD6H2S", "id");
            CHECK_INT(one.npaths, 2, "two paths");
            CHECK_STR(one.npaths == 2 ? one.paths[0] : NULL, "/index.html", "path 1");
            CHECK_STR(one.npaths == 2 ? one.paths[1] : NULL, "/static/*", "path 2");
            CHECK_STR(one.caller_reference, "ondeck-1795304715", "CallerReference");
            CHECK(cf_invalidation_done(one.status), "done");
            invalidation_clear(&one);
            free(body);
        }
    }
    CHECK(cf_invalidation_done("Completed") && cf_invalidation_done("completed") &&
              !cf_invalidation_done("InProgress") && !cf_invalidation_done(NULL) &&
              !cf_invalidation_done("Complete"),
          "done is case-insensitive and exact");

    {
        static const char *const bad[] = {
            "",
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<ErrorResponse xmlns=\"http://cloudfront."
            "amazonaws.com/doc/2020-05-31/\"><Error><Type>Sender</Type><Code>NoSuchDistribution"
            "</Code><Message>The specified distribution does not exist.</Message></Error>"
            "</ErrorResponse>",
            "<Invalidation><Status>InProgress</Status></Invalidation>",
            "<Invalidation><Id></Id></Invalidation>",
            "<html><body>500</body></html>",
            "<DistributionList><Items>",
        };

        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            CHECK_INT(cf_decode_invalidation(bad[i], strlen(bad[i]), &one, &err), OD_E_PARSE,
                      "bad Invalidation -> OD_E_PARSE");
            CHECK(one.id == NULL && one.paths == NULL, "nothing kept");
            od_error_clear(&err);
            CHECK_INT(cf_decode_distributions(bad[i], strlen(bad[i]), &d, &n, &next, &err),
                      OD_E_PARSE, "bad DistributionList -> OD_E_PARSE");
            od_error_clear(&err);
            CHECK_INT(cf_decode_invalidations(bad[i], strlen(bad[i]), &inv, &n, &next, &err),
                      OD_E_PARSE, "bad InvalidationList -> OD_E_PARSE");
            od_error_clear(&err);
        }
        CHECK_INT(cf_decode_distributions(LIT("<DistributionList><Quantity>0</Quantity>"
                                          "<IsTruncated>true</IsTruncated></DistributionList>"),
                                          &d, &n, &next, &err),
                  OD_OK, "empty list without Items");
        CHECK(n == 0 && next == NULL, "truncated without NextMarker -> no marker");
        CHECK_INT(cf_decode_invalidation(LIT("<Invalidation><Id>I</Id><InvalidationBatch><Paths>"
                                         "<Quantity>0</Quantity></Paths></InvalidationBatch>"
                                         "</Invalidation>"), &one, &err),
                  OD_OK, "invalidation without Items");
        CHECK(one.npaths == 0 && one.paths == NULL && one.create_time == 0, "no paths, no time");
        invalidation_clear(&one);
    }
    od_error_clear(&err);
}

/* ---- ECR: an absent list is none ------------------------------------------------------ */

static void
test_ecr_no_list(void)
{
    struct od_ecr_image *imgs = NULL;
    struct od_error err = {0};
    char *next = NULL;
    size_t n = 0;

    CHECK_INT(ecr_decode_images(LIT("{}"), &imgs, &n, &next, &err), OD_OK,
              "DescribeImages without imageDetails decodes");
    CHECK(imgs == NULL && n == 0, "no images");
    CHECK_INT(ecr_decode_images(LIT("{\"imageDetails\":null,\"nextToken\":\"t\"}"), &imgs, &n,
                                &next, &err),
              OD_OK, "null imageDetails with a nextToken decodes");
    CHECK(n == 0 && str_eq(next, "t"), "no images, the nextToken kept");
    free(next);
    next = NULL;
    CHECK_INT(ecr_decode_images(LIT("{\"imageDetails\":5}"), &imgs, &n, &next, &err), OD_E_PARSE,
              "imageDetails that is not a list -> OD_E_PARSE");
    od_error_clear(&err);
    OD_FREE_ARRAY(imgs, n, ecr_image_clear);
}

/* Application Auto Scaling: what ondeck derives (the service of a ResourceId), what it drops
 * (other dimensions), hostile member types, and the request bodies. */
static void
test_autoscaling(void)
{
    size_t len, n = 0;
    char *body = load("aas_describe_scalable_targets.json", &len), *next = NULL, *s;
    struct od_scaling *t = NULL;
    struct od_error err = {0};
    const char *many[60], *h;
    cJSON *j;

    CHECK(autoscaling_decode_targets(body, len, &t, &n, &next, &err) == OD_OK, "moto's targets");
    CHECK_INT(n, 2, "two targets");
    if (n == 2) {
        CHECK_STR(t[0].service, "web", "the service of service/prod/web");
        CHECK(!t[0].in_suspended && !t[0].out_suspended, "SuspendedState null: nothing suspended");
        CHECK(t[1].in_suspended && !t[1].out_suspended && !t[1].scheduled_suspended,
              "api: only dynamic scale-in suspended");
        CHECK(scaling_within(&t[0], 2) && scaling_within(&t[0], 6) && !scaling_within(&t[0], 7) &&
                  !scaling_within(&t[0], 1),
              "[min, max] is inclusive");
    }
    CHECK(next == NULL, "NextToken null is no token");
    OD_FREE_ARRAY(t, n, scaling_clear);
    free(body);

    h = "{\"ScalableTargets\": [{\"ResourceId\": \"table/orders\", \"ScalableDimension\": "
        "\"dynamodb:table:ReadCapacityUnits\", \"MinCapacity\": 1, \"MaxCapacity\": 9}, "
        "{\"ResourceId\": \"service/prod/web\", \"ScalableDimension\": "
        "\"ecs:service:DesiredCount\", \"MinCapacity\": \"2\", \"MaxCapacity\": -4, "
        "\"SuspendedState\": 7}, 3, {\"ResourceId\": \"service/prod\", "
        "\"ScalableDimension\": \"ecs:service:DesiredCount\"}], \"NextToken\": \"\"}";
    CHECK(autoscaling_decode_targets(h, strlen(h), &t, &n, &next, &err) == OD_OK,
          "hostile members decode");
    CHECK_INT(n, 1, "only the ECS service target is kept");
    if (n == 1)
        CHECK(t[0].min == 0 && t[0].max == 0 && !t[0].in_suspended,
              "wrong types and a negative capacity read as absent");
    CHECK(next == NULL, "an empty NextToken is none");
    OD_FREE_ARRAY(t, n, scaling_clear);
    h = "{\"ScalableTargets\": {}}";
    CHECK(autoscaling_decode_targets(h, strlen(h), &t, &n, NULL, &err) == OD_E_PARSE,
          "ScalableTargets not a list is a parse error");
    od_error_clear(&err);

    for (size_t i = 0; i < 60; i++)
        many[i] = "svc";
    s = autoscaling_body_describe_targets("prod", many, 60, "tok");
    j = cJSON_Parse(s);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(j, "ResourceIds")) == 50,
          "at most 50 ResourceIds per DescribeScalableTargets");
    CHECK_STR(cJSON_GetObjectItem(j, "ServiceNamespace")->valuestring, "ecs", "namespace ecs");
    CHECK_STR(cJSON_GetObjectItem(j, "ScalableDimension")->valuestring,
              "ecs:service:DesiredCount", "the desired count dimension");
    CHECK_STR(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "ResourceIds"), 0)->valuestring,
              "service/prod/svc", "ResourceId service/CLUSTER/SERVICE");
    CHECK_STR(cJSON_GetObjectItem(j, "NextToken")->valuestring, "tok", "the page token");
    cJSON_Delete(j);
    free(s);
    s = autoscaling_body_register("prod", "web", 2, 10);
    CHECK_STR(s, "{\"ServiceNamespace\":\"ecs\",\"ResourceId\":\"service/prod/web\","
                 "\"ScalableDimension\":\"ecs:service:DesiredCount\",\"MinCapacity\":2,"
                 "\"MaxCapacity\":10}",
              "RegisterScalableTarget carries the bounds and nothing else");
    free(s);
}

int
main(void)
{
    test_ecs_lists();
    test_ecs_clusters();
    test_ecs_services();
    test_ecs_tasks();
    test_ecs_container_instances();
    test_ecs_task_definition();
    test_ecs_bodies();
    test_ecs_hostile();
    test_elbv2_params();
    test_elbv2_decode();
    test_elbv2_hostile();
    test_cw_bodies();
    test_cw_decode();
    test_cf_requests();
    test_cf_decode();
    test_ecr_no_list();
    test_autoscaling();
    xml_global_cleanup();
    return check_done();
}
