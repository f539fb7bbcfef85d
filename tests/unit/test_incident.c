/* Incident tools' model: which services an alarm belongs to (on moto's DescribeAlarms body,
 * metric math included) and a service's stopped tasks grouped by reason with their
 * containers' exit codes (on a DescribeTasks body). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "aws/cloudwatch.h"
#include "aws/ecs.h"
#include "model/alarm_attr.h"
#include "model/stop_groups.h"
#include "model/world.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/xalloc.h"

#define ARN "arn:aws:elasticloadbalancing:us-east-1:123456789012:"
#define WEB_TG ARN "targetgroup/web-tg/ab5f8108d462a1b4"
#define API_TG ARN "targetgroup/api-tg/9c3d4e5f6a7b8c9d"
#define ALB ARN "loadbalancer/app/shared-alb/50dc6c495c0c9188"

static char *
load(const char *name, size_t *len)
{
    const char *src = getenv("ONDECK_SRCDIR");
    char *path = xasprintf("%s/tests/unit/data/incident/%s", src != NULL ? src : "..", name);
    FILE *f = fopen(path, "rb");
    struct od_buf b;
    char chunk[4096];
    size_t n;

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

static struct od_service
mk_service(const char *name, const char *tg)
{
    struct od_service s = {0};

    s.name = xstrdup(name);
    s.arn = xasprintf("arn:aws:ecs:us-east-1:123456789012:service/prod/%s", name);
    s.nlbs = 1;
    s.lbs = xcalloc(1, sizeof *s.lbs);
    s.lbs[0].target_group_arn = xstrdup(tg);
    return s;
}

static struct od_target_group
mk_tg(const char *arn, const char *name)
{
    struct od_target_group g = {0};

    g.arn = xstrdup(arn);
    g.name = xstrdup(name);
    g.nload_balancers = 1;
    g.load_balancer_arns = xcalloc(1, sizeof *g.load_balancer_arns);
    g.load_balancer_arns[0] = xstrdup(ALB);
    return g;
}

static const struct od_alarm *
alarm(const struct od_world *w, const char *name)
{
    for (size_t i = 0; i < w->nalarms; i++)
        if (str_eq(w->alarms[i].name, name))
            return &w->alarms[i];
    printf("# no alarm %s in the fixture\n", name);
    return NULL;
}

static char *
owners(const struct od_world *w, const char *name)
{
    const struct od_alarm *a = alarm(w, name);
    char *t = a != NULL ? alarm_services_text(w, a) : NULL;

    return t != NULL ? t : xstrdup("(none)");
}

static void
check_owner(const struct od_world *w, const char *name, const char *want, const char *what)
{
    char *got = owners(w, name);

    CHECK_STR(got, want, what);
    free(got);
}

static struct od_world *
alarm_world(const char *cluster)
{
    struct od_world *w = world_new("us-east-1", cluster);
    struct od_service *svcs = xcalloc(2, sizeof *svcs);
    struct od_target_group *tgs = xcalloc(2, sizeof *tgs);
    struct od_alarm *alarms;
    size_t n, len;
    char *next = NULL, *body = load("cw_describe_alarms_attr.json", &len);
    struct od_error err = {0};

    /* sorted by name, as the poller keeps them */
    svcs[0] = mk_service("api", API_TG);
    svcs[1] = mk_service("web", WEB_TG);
    world_set_services(w, svcs, 2);
    tgs[0] = mk_tg(WEB_TG, "web-tg");
    tgs[1] = mk_tg(API_TG, "api-tg");
    world_set_target_groups(w, tgs, 2);
    CHECK(cw_decode_alarms(body, len, &alarms, &n, &next, &err) == OD_OK,
          "moto's DescribeAlarms body decodes");
    CHECK_INT(n, 8, "eight alarms in the body");
    world_set_alarms(w, alarms, n);
    free(next);
    free(body);
    return w;
}

static void
test_alarm_attribution(void)
{
    struct od_world *w = alarm_world("prod");
    struct od_alarm_count c;
    const char *names[1];

    check_owner(w, "web-cpu-high", "web", "ClusterName+ServiceName names the service");
    check_owner(w, "staging-web-cpu", "(none)", "the same service name in another cluster is not ours");
    check_owner(w, "web-tg-5xx", "web",
                "TargetGroup (with LoadBalancer): only the target group's service, not its ALB's others");
    check_owner(w, "alb-elb-5xx", "api, web", "LoadBalancer alone: every service behind the ALB");
    check_owner(w, "api-latency-math", "api", "metric math: the target group of its MetricStat");
    check_owner(w, "both-cpu-math", "api, web", "metric math over two services: both");
    check_owner(w, "queue-depth", "(none)", "no dimensions: no service");
    check_owner(w, "db-cpu", "(none)", "an RDS alarm: no service");
    CHECK_INT(alarm_services(w, alarm(w, "both-cpu-math"), names, 1), 2,
              "alarm_services counts past max");
    CHECK_STR(names[0], "api", "and fills up to max");

    service_alarm_counts(w, world_service(w, "web"), &c);
    CHECK_INT(c.total, 4, "web: cpu-high, tg-5xx, alb-elb-5xx, both-cpu-math");
    CHECK_INT(c.firing, 2, "two of them in ALARM (web-tg-5xx, both-cpu-math)");
    service_alarm_counts(w, world_service(w, "api"), &c);
    CHECK_INT(c.total, 3, "api: alb-elb-5xx, api-latency-math, both-cpu-math");
    CHECK_INT(c.firing, 1, "one in ALARM");
    CHECK_INT(world_alarms_firing(w, world_service(w, "web")), 2,
              "world_alarms_firing agrees with the attribution");
    world_free(&w);

    /* --cluster given as an ARN: ClusterName is the name */
    w = alarm_world("arn:aws:ecs:us-east-1:123456789012:cluster/prod");
    check_owner(w, "web-cpu-high", "web", "cluster as an ARN still matches ClusterName");
    world_free(&w);
    w = alarm_world("staging");
    check_owner(w, "web-cpu-high", "(none)", "in cluster staging, prod's alarm is not web's");
    check_owner(w, "staging-web-cpu", "web", "but staging's is");
    world_free(&w);
}

static void
test_stop_groups(void)
{
    struct od_world *w = world_new("us-east-1", "prod");
    struct od_task *tasks;
    size_t n, len, ng;
    char *body = load("ecs_describe_tasks_stopped_edited.json", &len), *text;
    struct od_error err = {0};
    struct od_stop_group *g;

    CHECK(ecs_decode_tasks(body, len, &tasks, &n, NULL, NULL, &err) == OD_OK,
          "stopped tasks decode");
    CHECK_INT(n, 6, "six stopped tasks");
    free(body);
    if (n < 6) {
        world_free(&w);
        return;
    }
    CHECK(tasks[0].pull_started_at > 0 && tasks[0].pull_stopped_at > tasks[0].pull_started_at,
          "pullStartedAt and pullStoppedAt are decoded");
    CHECK(!tasks[0].containers[0].has_exit_code, "a container that never started has no exit code");
    CHECK_STR(tasks[4].containers[0].image_digest,
              "sha256:4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac",
              "imageDigest is decoded");
    world_set_stopped(w, tasks, n);

    ng = stop_groups_of_service(w, "web", &g);
    CHECK_INT(ng, 2, "web's five stopped tasks fall in two groups");
    if (ng == 2) {
        CHECK_INT(g[0].count, 4, "the largest first: 4 × CannotPullContainerError");
        CHECK_STR(g[0].stop_code, "TaskFailedToStart", "its stop code");
        CHECK(str_has_prefix(g[0].reason, "CannotPullContainerError: pull image manifest"),
              "its reason");
        CHECK_STR(g[0].newest_task_id, "00000004-9c1f-4d2e-8a7b-5f0e3d2c1b03",
                  "the newest of the four (stoppedAt)");
        text = stop_group_exits_text(&g[0]);
        CHECK_STR(text, "no exit code", "containers that never started: no exit code");
        free(text);
        CHECK_INT(g[1].count, 1, "then the essential container's exit");
        CHECK_STR(g[1].stop_code, "EssentialContainerExited", "its stop code");
        text = stop_group_exits_text(&g[1]);
        CHECK_STR(text, "app 1, redis 137", "each container's exit code");
        free(text);
    }
    stop_groups_free(g, ng);
    ng = stop_groups_of_service(w, "api", &g);
    CHECK_INT(ng, 1, "api has its own group, none of web's");
    stop_groups_free(g, ng);
    ng = stop_groups_of_service(w, "nosuch", &g);
    CHECK_INT(ng, 0, "a service without stopped tasks: no group");
    CHECK(g == NULL, "and nothing allocated");
    world_free(&w);
}

static void
test_exit_counts(void)
{
    struct od_world *w = world_new("us-east-1", "prod");
    struct od_task *t = xcalloc(3, sizeof *t);
    struct od_stop_group *g;
    size_t ng;
    char *text;
    const long app_codes[3] = {1, 1, 137};

    for (size_t i = 0; i < 3; i++) {
        t[i].id = xasprintf("t%zu", i);
        t[i].group = xstrdup("service:web");
        t[i].stop_code = xstrdup("EssentialContainerExited");
        t[i].stopped_reason = xstrdup("Essential container in task exited");
        t[i].stopped_at = 100 + (double)i;
        t[i].ncontainers = 1;
        t[i].containers = xcalloc(1, sizeof *t[i].containers);
        t[i].containers[0].name = xstrdup("app");
        t[i].containers[0].has_exit_code = true;
        t[i].containers[0].exit_code = app_codes[i];
    }
    world_set_stopped(w, t, 3);
    ng = stop_groups_of_service(w, "web", &g);
    CHECK_INT(ng, 1, "same code and reason: one group");
    text = ng == 1 ? stop_group_exits_text(&g[0]) : xstrdup("");
    CHECK_STR(text, "app 1 (×2), app 137 (×1)", "differing exit codes are counted, most first");
    free(text);
    stop_groups_free(g, ng);
    world_free(&w);
}

int
main(void)
{
    test_alarm_attribution();
    test_stop_groups();
    test_exit_counts();
    return check_done();
}
