/* The world's mappings: tasks to services, ip and instance targets to tasks (bridge mode
 * with dynamic host ports), alarms to their owners, staleness. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "aws/elbv2.h"
#include "model/world.h"
#include "util/xalloc.h"

static struct od_task
mk_task(const char *id, const char *service, const char *ip, const char *ci, long host_port)
{
    struct od_task t = {0};

    t.id = xstrdup(id);
    t.arn = xasprintf("arn:aws:ecs:us-east-1:1:task/prod/%s", id);
    t.group = xasprintf("service:%s", service);
    t.private_ip = ip != NULL ? xstrdup(ip) : NULL;
    t.container_instance_arn = ci != NULL ? xstrdup(ci) : NULL;
    t.ncontainers = 2;
    t.containers = xcalloc(2, sizeof *t.containers);
    t.containers[0].name = xstrdup("app");
    t.containers[1].name = xstrdup("redis");
    if (host_port > 0) {
        t.containers[0].nbindings = 1;
        t.containers[0].bindings = xcalloc(1, sizeof *t.containers[0].bindings);
        t.containers[0].bindings[0].container_port = 80;
        t.containers[0].bindings[0].host_port = host_port;
        /* redis binds a host port too: it must not be mistaken for the app's target */
        t.containers[1].nbindings = 1;
        t.containers[1].bindings = xcalloc(1, sizeof *t.containers[1].bindings);
        t.containers[1].bindings[0].container_port = 6379;
        t.containers[1].bindings[0].host_port = host_port + 1;
    }
    return t;
}

static struct od_service
mk_service(const char *name, const char *tg)
{
    struct od_service s = {0};

    s.name = xstrdup(name);
    s.arn = xasprintf("arn:aws:ecs:us-east-1:1:service/prod/%s", name);
    if (tg != NULL) {
        s.nlbs = 1;
        s.lbs = xcalloc(1, sizeof *s.lbs);
        s.lbs[0].target_group_arn = xstrdup(tg);
        s.lbs[0].container_name = xstrdup("app");
        s.lbs[0].container_port = 80;
    }
    return s;
}

static void
add_target(struct od_target_group *g, const char *id, long port, const char *state)
{
    g->targets = xreallocarray(g->targets, g->ntargets + 1, sizeof *g->targets);
    memset(&g->targets[g->ntargets], 0, sizeof *g->targets);
    g->targets[g->ntargets].id = xstrdup(id);
    g->targets[g->ntargets].port = port;
    g->targets[g->ntargets].state = xstrdup(state);
    g->ntargets++;
}

/* An alarm in STATE on dimensions "K=V,K=V". */
static struct od_alarm
mk_alarm(const char *name, const char *state, const char *dims)
{
    struct od_alarm a = {0};
    char *copy = xstrdup(dims), *save = NULL;

    a.name = xstrdup(name);
    a.state = xstrdup(state);
    for (char *kv = strtok_r(copy, ",", &save); kv != NULL; kv = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(kv, '=');

        *eq = '\0';
        a.dimensions = xreallocarray(a.dimensions, a.ndimensions + 1, sizeof *a.dimensions);
        a.dimensions[a.ndimensions].name = xstrdup(kv);
        a.dimensions[a.ndimensions++].value = xstrdup(eq + 1);
    }
    free(copy);
    return a;
}

static const char *
task_of(const struct od_world *w, const char *tg_arn, size_t i)
{
    const struct od_target_group *g = world_target_group(w, tg_arn);

    return g != NULL && i < g->ntargets ? g->targets[i].task_id : "(none)";
}

/* A DescribeTargetHealth answer (the ELBv2 wire format, as moto and ELBv2 send it) with a
 * target in each TargetHealthStateEnum state, reasons as ELBv2 gives them. */
#define HEALTH_MEMBER(id, state, reason)                                                           \
    "<member><Target><Id>" id "</Id><Port>80</Port></Target><HealthCheckPort>traffic-port"       \
    "</HealthCheckPort><TargetHealth><State>" state "</State>" reason "</TargetHealth></member>"
static const char every_state[] =
    "<DescribeTargetHealthResponse xmlns=\"http://elasticloadbalancing.amazonaws.com/doc/"
    "2015-12-01/\"><DescribeTargetHealthResult><TargetHealthDescriptions>"
    HEALTH_MEMBER("10.0.1.1", "healthy", "")
    HEALTH_MEMBER("10.0.1.2", "healthy", "")
    HEALTH_MEMBER("10.0.1.3", "unhealthy", "<Reason>Target.ResponseCodeMismatch</Reason>"
                  "<Description>Health checks failed with these codes: [502]</Description>")
    HEALTH_MEMBER("10.0.1.4", "unhealthy.draining", "<Reason>Target.FailedHealthChecks</Reason>")
    HEALTH_MEMBER("10.0.1.5", "initial", "<Reason>Elb.RegistrationInProgress</Reason>")
    HEALTH_MEMBER("10.0.1.6", "draining", "<Reason>Target.DeregistrationInProgress</Reason>")
    HEALTH_MEMBER("10.0.1.7", "draining", "<Reason>Target.DeregistrationInProgress</Reason>")
    HEALTH_MEMBER("10.0.1.8", "unused", "<Reason>Target.NotInUse</Reason>")
    HEALTH_MEMBER("10.0.1.9", "unavailable", "<Reason>Target.HealthCheckDisabled</Reason>")
    "</TargetHealthDescriptions></DescribeTargetHealthResult><ResponseMetadata><RequestId>"
    "w2qEPG3UJOjwLLDlDv5RQ7zpgW40Zz0uvPzdif4REZsfMm5Kcmi9</RequestId></ResponseMetadata>"
    "</DescribeTargetHealthResponse>";

#define TG_GONE "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/gone/ccc"

/* Only unhealthy and unhealthy.draining are unhealthy; the passing states are counted apart,
 * and a target group ELBv2 no longer knows is counted as missing. */
static void
test_counts(void)
{
    struct od_world *w = world_new("us-east-1", "prod");
    struct od_service *svcs = xcalloc(1, sizeof *svcs);
    struct od_target_group *tgs = xcalloc(2, sizeof *tgs);
    struct od_target_counts c;
    struct od_error err = {0};
    char note[128];

    svcs[0] = mk_service("web", "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web/aaa");
    svcs[0].lbs = xreallocarray(svcs[0].lbs, 2, sizeof *svcs[0].lbs);
    memset(&svcs[0].lbs[1], 0, sizeof svcs[0].lbs[1]);
    svcs[0].lbs[1].target_group_arn = xstrdup(TG_GONE);
    svcs[0].nlbs = 2;
    world_set_services(w, svcs, 1);
    tgs[0].arn = xstrdup("arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web/aaa");
    CHECK(elbv2_decode_target_health(every_state, sizeof every_state - 1, &tgs[0].targets,
                                     &tgs[0].ntargets, &err) == OD_OK,
          "a DescribeTargetHealth answer with every state decodes");
    tgs[1].arn = xstrdup(TG_GONE);
    tgs[1].missing = true;
    world_set_target_groups(w, tgs, 2);

    world_count_targets(w, world_service(w, "web"), &c);
    CHECK_INT(c.healthy, 2, "healthy targets");
    CHECK_INT(c.unhealthy, 2, "unhealthy: `unhealthy` and `unhealthy.draining`");
    CHECK_INT(c.initial, 1, "initial counted apart");
    CHECK_INT(c.draining, 2, "draining counted apart");
    CHECK_INT(c.unused + c.unavailable, 2, "unused and unavailable counted apart");
    CHECK_INT(c.missing_groups, 1, "the missing target group counted");
    CHECK_INT(world_unhealthy_targets(w, world_service(w, "web")), 2,
              "the UNHEALTHY count is the unhealthy states only");
    CHECK_STR(target_counts_note(&c, note, sizeof note),
              "1 target group missing, 2 draining, 1 initial, 1 unused, 1 unavailable",
              "the note names what is neither healthy nor unhealthy");
    CHECK_STR(target_counts_note(&c, note, 20), "1 target group miss",
              "a short buffer is cut, not overrun");
    memset(&c, 0, sizeof c);
    CHECK_STR(target_counts_note(&c, note, sizeof note), "", "nothing to say: empty");
    world_free(&w);
}

#define TG_WEB "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web/aaa"
#define TG_LEG "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/legacy/bbb"
#define CI1 "arn:aws:ecs:us-east-1:1:container-instance/legacy/ci1"
#define CI2 "arn:aws:ecs:us-east-1:1:container-instance/legacy/ci2"

int
main(void)
{
    struct od_world *w = world_new("us-east-1", "prod");
    struct od_service *svcs = xcalloc(3, sizeof *svcs);
    struct od_task *tasks = xcalloc(6, sizeof *tasks);
    struct od_container_instance *cis = xcalloc(2, sizeof *cis);
    struct od_target_group *tgs = xcalloc(2, sizeof *tgs);
    struct od_alarm a = {0};
    struct od_dimension dims[2];
    char k1[] = "ClusterName", v1[] = "prod", k2[] = "ServiceName", v2[] = "web";
    char k3[] = "TargetGroup", v3[] = "targetgroup/web/aaa", k4[] = "DistributionId",
         v4[] = "E2EXAMPLE";
    struct od_error err = {0};

    svcs[0] = mk_service("web", TG_WEB);
    svcs[1] = mk_service("legacy", TG_LEG);
    svcs[2] = mk_service("batch", NULL);
    world_set_services(w, svcs, 3);

    tasks[0] = mk_task("t-web-1", "web", "10.0.0.1", NULL, 0);
    tasks[1] = mk_task("t-web-2", "web", "10.0.0.2", NULL, 0);
    /* two legacy tasks on one instance, told apart by their host ports */
    tasks[2] = mk_task("t-leg-1", "legacy", NULL, CI1, 32768);
    tasks[3] = mk_task("t-leg-2", "legacy", NULL, CI1, 32790);
    /* one legacy task alone on another instance, host port unknown */
    tasks[4] = mk_task("t-leg-3", "legacy", NULL, CI2, 0);
    /* a batch task reusing web's IP must not steal web's target */
    tasks[5] = mk_task("t-batch", "batch", "10.0.0.9", NULL, 0);
    world_set_tasks(w, tasks, 6);

    cis[0].arn = xstrdup(CI1);
    cis[0].ec2_instance_id = xstrdup("i-aaa");
    cis[1].arn = xstrdup(CI2);
    cis[1].ec2_instance_id = xstrdup("i-bbb");
    world_set_instances(w, cis, 2);

    tgs[0].arn = xstrdup(TG_WEB);
    add_target(&tgs[0], "10.0.0.2", 80, "healthy");
    add_target(&tgs[0], "10.0.0.1", 80, "unhealthy");
    add_target(&tgs[0], "10.0.0.7", 80, "draining");
    tgs[1].arn = xstrdup(TG_LEG);
    add_target(&tgs[1], "i-aaa", 32790, "healthy");
    add_target(&tgs[1], "i-aaa", 32768, "initial");
    add_target(&tgs[1], "i-aaa", 32791, "healthy"); /* redis' port: no app binding */
    add_target(&tgs[1], "i-bbb", 31000, "healthy");
    world_set_target_groups(w, tgs, 2);

    CHECK_STR(task_of(w, TG_WEB, 0), "t-web-2", "ip target mapped by private IP");
    CHECK_STR(task_of(w, TG_WEB, 1), "t-web-1", "second ip target mapped");
    CHECK(task_of(w, TG_WEB, 2) == NULL, "an IP no task has stays unmapped");
    CHECK_STR(task_of(w, TG_LEG, 0), "t-leg-2", "instance target mapped by host port");
    CHECK_STR(task_of(w, TG_LEG, 1), "t-leg-1", "the other task on the same instance");
    CHECK(task_of(w, TG_LEG, 2) == NULL,
          "a port bound by another container of two candidates is not guessed");
    CHECK_STR(task_of(w, TG_LEG, 3), "t-leg-3",
              "unknown host port, only one task on the instance: mapped to it");
    CHECK_INT(world_unhealthy_targets(w, world_service(w, "web")), 1,
              "the unhealthy target counted, the draining one not");
    CHECK_STR(task_service_name(world_task(w, "t-batch")), "batch", "task group names the service");

    /* Mappings follow the data: when the tasks change, targets are remapped. */
    tasks = xcalloc(1, sizeof *tasks);
    tasks[0] = mk_task("t-web-9", "web", "10.0.0.7", NULL, 0);
    world_set_tasks(w, tasks, 1);
    CHECK_STR(task_of(w, TG_WEB, 2), "t-web-9", "a new task's target is mapped on refresh");
    CHECK(task_of(w, TG_WEB, 0) == NULL, "a gone task's target is unmapped");

    dims[0].name = k1;
    dims[0].value = v1;
    dims[1].name = k2;
    dims[1].value = v2;
    a.dimensions = dims;
    a.ndimensions = 2;
    CHECK(alarm_names_service(&a, "prod", "web"), "alarm on ClusterName+ServiceName");
    CHECK(!alarm_names_service(&a, "staging", "web"), "same service name, other cluster");
    dims[0].name = k3;
    dims[0].value = v3;
    a.ndimensions = 1;
    CHECK(alarm_names_target_group(&a, TG_WEB), "alarm on the target group dimension");
    CHECK(!alarm_names_target_group(&a, TG_LEG), "not on another target group");
    dims[0].name = k4;
    dims[0].value = v4;
    CHECK(alarm_names_distribution(&a, "E2EXAMPLE"), "alarm on a distribution");
    {
        struct od_alarm *alarms = xcalloc(5, sizeof *alarms);

        alarms[0] = mk_alarm("web-cpu", "ALARM", "ClusterName=prod,ServiceName=web");
        alarms[1] = mk_alarm("web-5xx", "ALARM", "TargetGroup=targetgroup/web/aaa,"
                                                 "LoadBalancer=app/front/123");
        alarms[2] = mk_alarm("web-latency", "OK", "TargetGroup=targetgroup/web/aaa");
        alarms[3] = mk_alarm("staging-web", "ALARM", "ClusterName=staging,ServiceName=web");
        alarms[4] = mk_alarm("legacy-5xx", "ALARM", "TargetGroup=targetgroup/legacy/bbb");
        world_set_alarms(w, alarms, 5);
        CHECK_INT(world_alarms_firing(w, world_service(w, "web")), 2,
                  "alarms firing: the service's and its target group's, not OK ones, not "
                  "another cluster's service of the same name, not another target group's");
    }

    CHECK(!w->parts[OD_PART_TARGETS].stale, "fresh part is not stale");
    od_error_set(&err, OD_E_THROTTLED, "Rate exceeded");
    world_mark_stale(w, OD_PART_TARGETS, &err);
    CHECK(w->parts[OD_PART_TARGETS].stale && strstr(w->parts[OD_PART_TARGETS].error, "Rate exceeded") != NULL,
          "a failed part is stale with its error");
    CHECK(world_target_group(w, TG_WEB) != NULL, "stale data is kept, not dropped");
    od_error_clear(&err);
    world_free(&w);
    test_counts();
    return check_done();
}
