/* Following a steered service deployment: sd_watch_decide's verdict for each steering and
 * each status ECS reports (ServiceDeployment status in the ECS API Reference), on the layer's
 * paused blue/green deployment (tests/unit/data/decoders/ecs_describe_service_deployments_
 * layer.json) with its status and hooks changed as ECS would change them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/sd_watch.h"
#include "aws/ecs_deployments.h"
#include "check.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/xalloc.h"

static char *
load(const char *name)
{
    const char *src = getenv("ONDECK_SRCDIR");
    char *path = xasprintf("%s/tests/unit/data/decoders/%s", !str_empty(src) ? src : "..", name);
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
set_status(struct od_service_deployment *d, const char *status)
{
    free(d->status);
    d->status = xstrdup(status);
}

static enum od_verdict
decide(const struct od_service_deployment *d, enum od_steer goal, const char *hook, char **why)
{
    free(*why);
    *why = NULL;
    return sd_watch_decide(d, goal, hook, why);
}

int
main(void)
{
    char *body = load("ecs_describe_service_deployments_layer.json"), *why = NULL, *hook;
    struct od_service_deployment *d = NULL;
    size_t n = 0;
    struct od_error err = {0};

    CHECK(ecs_decode_service_deployments(body, strlen(body), &d, &n, &err) == OD_OK && n == 1,
          "the paused blue/green deployment decodes");
    CHECK(service_deployment_waiting_hook(&d[0]) != NULL, "its hook is awaiting action");
    hook = xstrdup(service_deployment_waiting_hook(&d[0])->hook_id);

    /* Paused at the hook that was just continued (the answer before ECS moved on): pending. */
    CHECK_INT(decide(&d[0], OD_STEER_HOOK_CONTINUE, hook, &why), OD_ROLLOUT_PENDING,
              "continue: the acted-on hook still shown is not the end");
    /* Paused at another hook: the continue is done, the operator acts again. */
    CHECK_INT(decide(&d[0], OD_STEER_HOOK_CONTINUE, "hook-other", &why), OD_ROLLOUT_COMPLETED,
              "continue: paused again at another hook ends the watch");
    CHECK(why != NULL && strstr(why, "paused again") != NULL && strstr(why, hook) != NULL,
          "and names the hook awaiting action");
    CHECK_INT(decide(&d[0], OD_STEER_STOP_ROLLBACK, NULL, &why), OD_ROLLOUT_PENDING,
              "rollback: IN_PROGRESS is pending");

    set_status(&d[0], "ROLLBACK_IN_PROGRESS");
    CHECK_INT(decide(&d[0], OD_STEER_STOP_ROLLBACK, NULL, &why), OD_ROLLOUT_PENDING,
              "rollback: ROLLBACK_IN_PROGRESS is pending");
    CHECK_INT(decide(&d[0], OD_STEER_HOOK_CONTINUE, "hook-other", &why), OD_ROLLOUT_PENDING,
              "continue: a rollback in progress is not 'paused again'");
    set_status(&d[0], "ROLLBACK_SUCCESSFUL");
    CHECK_INT(decide(&d[0], OD_STEER_STOP_ROLLBACK, NULL, &why), OD_ROLLOUT_COMPLETED,
              "rollback: ROLLBACK_SUCCESSFUL completes it");
    CHECK_INT(decide(&d[0], OD_STEER_HOOK_ROLLBACK, hook, &why), OD_ROLLOUT_COMPLETED,
              "hook rollback: ROLLBACK_SUCCESSFUL completes it");
    CHECK_INT(decide(&d[0], OD_STEER_HOOK_CONTINUE, hook, &why), OD_ROLLOUT_FAILED,
              "continue: rolled back after all is a failure");
    CHECK(why != NULL && strncmp(why, "ROLLBACK_SUCCESSFUL: ", 21) == 0,
          "and says the status and why");
    CHECK_INT(decide(&d[0], OD_STEER_STOP_ABORT, NULL, &why), OD_ROLLOUT_FAILED,
              "abort: rolled back instead of stopped is a failure");
    set_status(&d[0], "ROLLBACK_FAILED");
    CHECK_INT(decide(&d[0], OD_STEER_STOP_ROLLBACK, NULL, &why), OD_ROLLOUT_FAILED,
              "rollback: ROLLBACK_FAILED is a failure");
    set_status(&d[0], "STOPPED");
    CHECK_INT(decide(&d[0], OD_STEER_STOP_ABORT, NULL, &why), OD_ROLLOUT_COMPLETED,
              "abort: STOPPED completes it");
    CHECK_INT(decide(&d[0], OD_STEER_STOP_ROLLBACK, NULL, &why), OD_ROLLOUT_FAILED,
              "rollback: STOPPED without rolling back is a failure");
    set_status(&d[0], "SUCCESSFUL");
    CHECK_INT(decide(&d[0], OD_STEER_HOOK_CONTINUE, hook, &why), OD_ROLLOUT_COMPLETED,
              "continue: SUCCESSFUL completes it");
    CHECK_INT(decide(&d[0], OD_STEER_STOP_ROLLBACK, NULL, &why), OD_ROLLOUT_FAILED,
              "rollback: finished SUCCESSFUL before the rollback is a failure");

    free(why);
    free(hook);
    OD_FREE_ARRAY(d, n, service_deployment_clear);
    od_error_clear(&err);
    free(body);
    return check_done();
}
