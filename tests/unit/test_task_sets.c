/* Task sets (CODE_DEPLOY / EXTERNAL services): the decoder on moto's DescribeServices body and
 * on the same body edited to ECS's mid-deployment counts, the model helpers, and the watcher's
 * decisions on them (steady: COMPLETED; a STABILIZING set: pending; never "deployment gone").
 * Also the no-rolloutState fallback for ECS services: an INACTIVE or emptied old deployment
 * does not hold the verdict back, one still running (a BLUE_GREEN bake) does.
 * Fixtures: tests/unit/data/task_sets and tests/unit/data/actions (see their READMEs). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/watch.h"
#include "aws/ecs.h"
#include "check.h"
#include "model/task_set.h"
#include "model/world.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/xalloc.h"

#define TD_ARN "arn:aws:ecs:us-east-1:123456789012:task-definition/"

static char *
load(const char *dir, const char *name)
{
    const char *src = getenv("ONDECK_SRCDIR");
    char *path = xasprintf("%s/tests/unit/data/%s/%s", !str_empty(src) ? src : "..", dir, name);
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

static struct od_service
service_from(const char *dir, const char *name)
{
    char *body = load(dir, name);
    struct od_service *arr = NULL, s;
    size_t n = 0;
    struct od_error err = {0};

    if (ecs_decode_services(body, strlen(body), &arr, &n, NULL, NULL, &err) != OD_OK || n != 1) {
        printf("Bail out! %s: %s\n", name, err.message != NULL ? err.message : "not one service");
        exit(1);
    }
    free(body);
    s = arr[0];
    free(arr);
    return s;
}

static void
test_decode(void)
{
    struct od_service s = service_from("task_sets", "services_code_deploy.json");
    const struct od_task_set *p = task_set_primary(&s);

    CHECK_STR(s.deployment_controller, "CODE_DEPLOY", "deploymentController.type is decoded");
    CHECK_STR(task_set_controller(&s), "CODE_DEPLOY", "the controller is CODE_DEPLOY");
    CHECK(task_set_controlled(&s), "a CODE_DEPLOY service keeps its versions in task sets");
    CHECK_INT(s.ndeployments, 0, "moto sends no deployments for it");
    CHECK_INT(s.ntask_sets, 2, "both task sets are decoded");
    CHECK(p != NULL && p == &s.task_sets[1], "the PRIMARY set is the second one");
    CHECK_STR(p != NULL ? p->task_definition : NULL, TD_ARN "web:2", "PRIMARY runs web:2");
    CHECK_STR(p != NULL ? p->external_id : NULL, "d-GREEN2", "externalId (CodeDeploy id)");
    CHECK_STR(p != NULL ? p->stability_status : NULL, "STEADY_STATE", "stabilityStatus");
    CHECK_STR(p != NULL ? p->scale_unit : NULL, "PERCENT", "scale.unit");
    CHECK(p != NULL && p->scale_value == 100.0, "scale.value");
    CHECK_STR(p != NULL ? p->launch_type : NULL, "FARGATE", "launchType");
    CHECK(p != NULL && str_has_prefix(p->arn, "arn:aws:ecs:us-east-1:123456789012:task-set/ctl/cd/"),
          "taskSetArn");
    CHECK(p != NULL && p->created_at > 1.7e9 && p->updated_at >= p->created_at,
          "createdAt / updatedAt");
    CHECK_STR(s.task_sets[0].status, "ACTIVE", "the other set is ACTIVE");
    CHECK(!task_set_any_stabilizing(&s), "moto's sets are all STEADY_STATE");
    service_clear(&s);

    s = service_from("actions", "services_no_rollout_state.json");
    CHECK_STR(task_set_controller(&s), "ECS", "no deploymentController sent: ECS");
    CHECK(!task_set_controlled(&s), "an ECS service does not use task sets");
    service_clear(&s);
}

static void
test_summary(void)
{
    struct od_service s = service_from("task_sets", "services_code_deploy_stabilizing.json");
    char *sum = task_set_summary(&s);

    CHECK_STR(sum, "PRIMARY web:2 1/2 STABILIZING; ACTIVE web:1 2/2 STEADY_STATE",
              "summary: the PRIMARY set first, with counts and stability");
    free(sum);
    CHECK(task_set_any_stabilizing(&s), "a STABILIZING set is noticed");
    CHECK(!task_set_steady(task_set_primary(&s)), "the PRIMARY set is not steady");
    CHECK(task_set_steady(&s.task_sets[0]), "the ACTIVE set 2/2 STEADY_STATE is steady");
    CHECK(service_rolling(&s), "a service with a settling task set counts as rolling");
    service_clear(&s);
}

static void
test_watch(void)
{
    struct od_service s = service_from("task_sets", "services_code_deploy.json");
    char *why = NULL;

    /* the watcher starts with no deployment id: there is no PRIMARY deployment to take */
    CHECK_INT(watch_decide(&s, NULL, NULL, &why), OD_ROLLOUT_COMPLETED,
              "steady task sets: COMPLETED, not \"deployment gone\"");
    CHECK(why != NULL && strstr(why, "task sets steady (CODE_DEPLOY)") != NULL &&
              strstr(why, "gone") == NULL,
          "the reason speaks of the task sets");
    free(why);
    why = NULL;
    CHECK_INT(watch_decide(&s, "ecs-svc/whatever", TD_ARN "web:9", &why), OD_ROLLOUT_COMPLETED,
              "a deployment id or revision that is no deployment does not make it FAILED");
    free(why);
    service_clear(&s);

    s = service_from("task_sets", "services_code_deploy_stabilizing.json");
    why = NULL;
    CHECK_INT(watch_decide(&s, NULL, NULL, &why), OD_ROLLOUT_PENDING,
              "a STABILIZING task set: pending");
    free(why);
    /* an EXTERNAL service whose tool has not created a task set yet */
    free(s.deployment_controller);
    s.deployment_controller = xstrdup("EXTERNAL");
    OD_FREE_ARRAY(s.task_sets, s.ntask_sets, task_set_clear);
    why = NULL;
    CHECK_INT(watch_decide(&s, NULL, NULL, &why), OD_ROLLOUT_COMPLETED,
              "EXTERNAL with no task sets: nothing to wait for (never pending forever)");
    CHECK(why != NULL && strstr(why, "EXTERNAL service with no task sets") != NULL,
          "and it says so");
    free(why);
    service_clear(&s);
}

/* services_no_rollout_state.json plus a second deployment (web:3) in the given state. */
static enum od_verdict
with_old(const char *status, long running, char **why)
{
    struct od_service s = service_from("actions", "services_no_rollout_state.json");
    struct od_deployment *old;
    enum od_verdict v;

    s.deployments = xreallocarray(s.deployments, s.ndeployments + 1, sizeof *s.deployments);
    old = &s.deployments[s.ndeployments++];
    memset(old, 0, sizeof *old);
    old->id = xstrdup("ecs-svc/2222222222222222222");
    old->status = xstrdup(status);
    old->task_definition = xstrdup(TD_ARN "web:3");
    old->desired = running;
    old->running = running;
    free(s.deployment_strategy);
    s.deployment_strategy = xstrdup("BLUE_GREEN");
    v = watch_decide(&s, s.deployments[0].id, TD_ARN "web:4", why);
    service_clear(&s);
    return v;
}

static void
test_fallback(void)
{
    char *why = NULL;

    CHECK_INT(with_old("INACTIVE", 0, &why), OD_ROLLOUT_COMPLETED,
              "an INACTIVE (completely replaced) deployment listed beside mine: COMPLETED");
    free(why);
    CHECK_INT(with_old("ACTIVE", 0, &why), OD_ROLLOUT_COMPLETED,
              "an old deployment with no tasks left: COMPLETED");
    free(why);
    CHECK_INT(with_old("ACTIVE", 2, &why), OD_ROLLOUT_PENDING,
              "the blue deployment still running through the bake time: pending");
    free(why);
}

int
main(void)
{
    test_decode();
    test_summary();
    test_watch();
    test_fallback();
    return check_done();
}
