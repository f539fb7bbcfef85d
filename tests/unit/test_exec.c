/* ECS Exec helpers: the readiness check on DescribeTasks answers (a task started without
 * exec, with it, two containers, an agent not RUNNING, an old Fargate platform), the SSM
 * target and endpoint, and the console URLs of o (ui/console_url.c).
 * Fixtures: tests/unit/data/exec (see its README). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/exec.h"
#include "check.h"
#include "ui/console_url.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/xalloc.h"

#define OLD "4fdcab8f-d5a3-49f1-8112-25118e7770ff"
#define NEW "ccd98f52-e661-4e7f-823b-a70eda592f31"

static char *
load(const char *name)
{
    const char *src = getenv("ONDECK_SRCDIR");
    char *path = xasprintf("%s/tests/unit/data/exec/%s", !str_empty(src) ? src : "..", name);
    FILE *f = fopen(path, "rb");
    struct od_buf b;
    char chunk[4096];
    size_t n;

    if (f == NULL) {
        printf("Bail out! cannot open fixture %s (set ONDECK_SRCDIR)\n", path);
        exit(1);
    }
    buf_init(&b, 0);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    free(path);
    return buf_steal(&b);
}

static void
test_readiness(void)
{
    char *body = load("describe_tasks.json"), *two = load("describe_tasks_two_containers.json");
    char *r;

    r = exec_readiness(body, strlen(body), NEW, NULL, -1);
    CHECK_STR(r, "", "a RUNNING task started with exec, one container, agent RUNNING: ready");
    free(r);
    r = exec_readiness(body, strlen(body), "arn:aws:ecs:us-east-1:123456789012:task/prod/" NEW,
                       "app", -1);
    CHECK_STR(r, "", "found by ARN, the container by name");
    free(r);
    r = exec_readiness(body, strlen(body), OLD, NULL, 1);
    CHECK(r != NULL && strstr(r, "started before service web turned enableExecuteCommand on"),
          "started before the service had exec: a new task is needed");
    free(r);
    r = exec_readiness(body, strlen(body), OLD, NULL, 0);
    CHECK(r != NULL && strstr(r, "service web does not have enableExecuteCommand"),
          "the service has no exec: turn it on");
    free(r);
    r = exec_readiness(body, strlen(body), "nope", NULL, -1);
    CHECK(r == NULL, "a task not in the answer");
    free(r);

    r = exec_readiness(two, strlen(two), NEW, NULL, -1);
    CHECK(r != NULL && strstr(r, "the task has 2 containers (app, redis): name one"),
          "two containers and none named");
    CHECK(r != NULL && strstr(r, "Fargate platform version 1.3.0 has no ECS Exec"),
          "and the platform is too old, in the same answer");
    free(r);
    r = exec_readiness(two, strlen(two), NEW, "redis", -1);
    CHECK(r != NULL &&
              strstr(r, "the ExecuteCommandAgent of container redis is PENDING — agent is "
                        "starting"),
          "redis's agent is PENDING, with its reason");
    free(r);
    r = exec_readiness(two, strlen(two), NEW, "app", -1);
    CHECK(r != NULL && strstr(r, "ExecuteCommandAgent") == NULL,
          "app's agent is RUNNING: only the platform stands in the way");
    free(r);
    free(body);
    free(two);
}

static void
test_target(void)
{
    char *t = exec_ssm_target("arn:aws:ecs:us-east-1:123456789012:cluster/prod",
                              "arn:aws:ecs:us-east-1:123456789012:task/prod/" NEW, "rt-1");
    char *e;

    CHECK_STR(t, "ecs:prod_" NEW "_rt-1", "ecs:CLUSTER_TASK_RUNTIMEID from ARNs");
    free(t);
    unsetenv("AWS_ENDPOINT_URL_SSM");
    e = exec_ssm_endpoint("eu-west-1");
    CHECK_STR(e, "https://ssm.eu-west-1.amazonaws.com", "the region's SSM endpoint");
    free(e);
    e = exec_ssm_endpoint("cn-north-1");
    CHECK_STR(e, "https://ssm.cn-north-1.amazonaws.com.cn", "China's partition");
    free(e);
    setenv("AWS_ENDPOINT_URL_SSM", "http://127.0.0.1:9", 1);
    e = exec_ssm_endpoint("eu-west-1");
    CHECK_STR(e, "http://127.0.0.1:9", "AWS_ENDPOINT_URL_SSM wins");
    free(e);
    unsetenv("AWS_ENDPOINT_URL_SSM");
}

static void
test_urls(void)
{
    struct console_ref r = {.region = "us-east-1", .cluster = "prod"};
    char *u;

    r.kind = CI_SERVICE;
    r.service = "web";
    u = console_url(&r);
    CHECK_STR(u, "https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/web/"
                 "health?region=us-east-1",
              "a service's page");
    free(u);
    r.kind = CI_TASK;
    r.task = "arn:aws:ecs:us-east-1:123456789012:task/prod/" NEW;
    u = console_url(&r);
    CHECK_STR(u, "https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/prod/tasks/" NEW
                 "/configuration?region=us-east-1",
              "a task's page (from its ARN)");
    free(u);
    r.kind = CI_LOG_GROUP;
    r.id = "/ecs/web";
    u = console_url(&r);
    CHECK_STR(u, "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1"
                 "#logsV2:log-groups/log-group/$252Fecs$252Fweb",
              "a log group's page, the console's double encoding");
    free(u);
    r.kind = CI_ALARM;
    r.id = "evil \x1b]0;x\x07 name";
    u = console_url(&r);
    CHECK_STR(u, "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1"
                 "#alarmsV2:alarm/evil%20%1B%5D0%3Bx%07%20name",
              "an alarm's name is percent-encoded: no control character survives");
    free(u);
    r.kind = CI_TARGET_GROUP;
    r.id = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123";
    u = console_url(&r);
    CHECK_STR(u, "https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1"
                 "#TargetGroup:targetGroupArn=arn:aws:elasticloadbalancing:us-east-1:"
                 "123456789012:targetgroup/web/0123",
              "a target group's page");
    free(u);
    r.kind = CI_DISTRIBUTION;
    r.region = "eu-west-1";
    r.id = "E2EXAMPLE";
    u = console_url(&r);
    CHECK_STR(u, "https://us-east-1.console.aws.amazon.com/cloudfront/v4/home#/distributions/"
                 "E2EXAMPLE",
              "CloudFront is global");
    free(u);
    r.kind = CI_CLUSTER;
    r.region = "us-gov-west-1";
    u = console_url(&r);
    CHECK_STR(u, "https://console.amazonaws-us-gov.com/ecs/v2/clusters/prod/services?"
                 "region=us-gov-west-1",
              "GovCloud's console host");
    free(u);
    r.region = NULL;
    CHECK(console_url(&r) == NULL, "no region: no URL");
}

int
main(void)
{
    test_readiness();
    test_target();
    test_urls();
    return check_done();
}
