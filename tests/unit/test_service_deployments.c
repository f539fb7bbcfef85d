/* ECS service deployments: the decoders on bodies the AWS-behaviour layer's ecs-deployments
 * behaviour produced (a BLUE_GREEN deployment paused at a PAUSE hook before production traffic
 * shifts; tests/unit/data/decoders/ecs_*_layer.json, see its README; botocore's parse of
 * the same bodies is checked by test_oracle), and the model helpers
 * the status output uses (short form, stage row, bake time left). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/ecs_deployments.h"
#include "check.h"
#include "model/service_deployment.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/xalloc.h"

static char *
load(const char *name)
{
    const char *src = getenv("ONDECK_SRCDIR");
    char *path = xasprintf("%s/tests/unit/data/decoders/%s",
                           !str_empty(src) ? src : "..", name);
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

int
main(void)
{
    char *body = load("ecs_describe_service_deployments_layer.json");
    struct od_service_deployment *d = NULL;
    struct od_service_revision *revs = NULL;
    char **arns = NULL, brief[64], *row;
    size_t n = 0, nrev = 0;
    struct od_error err = {0};
    const struct od_sd_hook *h;

    CHECK(ecs_decode_service_deployments(body, strlen(body), &d, &n, &err) == OD_OK,
          "DescribeServiceDeployments decodes");
    CHECK_INT(n, 1, "one deployment");
    CHECK_STR(d[0].status, "IN_PROGRESS", "status");
    CHECK_STR(d[0].stage, "PRODUCTION_TRAFFIC_SHIFT", "lifecycleStage");
    CHECK_STR(d[0].strategy, "BLUE_GREEN", "deploymentConfiguration.strategy");
    CHECK_INT(d[0].bake_minutes, 5, "bakeTimeInMinutes");
    CHECK(d[0].target.has_weights, "the target has traffic weights");
    CHECK(d[0].target.prod_weight == 0.0 && d[0].target.test_weight == 100.0,
          "target: production 0%, test 100%");
    CHECK_INT(d[0].nsources, 1, "one source revision");
    CHECK(d[0].sources[0].prod_weight == 100.0, "source: production 100%");
    CHECK_INT(d[0].target.running, 2, "target running");
    CHECK_INT(d[0].target.requested, 2, "target requested");
    h = service_deployment_waiting_hook(&d[0]);
    CHECK(h != NULL, "a hook awaits action");
    CHECK_STR(h != NULL ? h->hook_id : NULL, "hook-26f3129a85af9900", "its hookId");
    CHECK_STR(h != NULL ? h->timeout_action : NULL, "ROLLBACK", "its timeoutAction");
    CHECK_INT(h != NULL ? h->expires_ms : 0, 1796356166279, "its expiresAt, in ms (rounded)");
    CHECK_STR(d[0].breaker_status, "DISABLED", "circuit breaker status");
    CHECK(service_deployment_in_flight(&d[0]), "in flight");
    service_deployment_short(&d[0], 0, brief, sizeof brief);
    CHECK_STR(brief, "PAUSED", "the short form of a paused deployment");
    row = service_deployment_stage_row(&d[0]);
    CHECK(strstr(row, "POST_TEST > [PROD_SHIFT] > POST_PROD") != NULL, "the stage row marks it");
    free(row);
    /* The same deployment baking: the short form counts the minutes left from updatedAt. */
    free(d[0].stage);
    d[0].stage = xstrdup("BAKE_TIME");
    d[0].nhooks = 0;
    service_deployment_short(&d[0], d[0].updated_ms + 60000, brief, sizeof brief);
    CHECK_STR(brief, "B/G BAKE 4m", "baking: B/G BAKE 4m with 4 of 5 minutes left");
    d[0].nhooks = 1;
    for (size_t i = 0; i < n; i++)
        service_deployment_clear(&d[i]);
    free(d);
    free(body);

    body = load("ecs_list_service_deployments_layer.json");
    CHECK(ecs_decode_service_deployment_list(body, strlen(body), &arns, &n, NULL, &err) == OD_OK,
          "ListServiceDeployments decodes");
    CHECK(n >= 2 && strstr(arns[0], "service-deployment/dep/bg/") != NULL,
          "the deployments' ARNs, newest first");
    arn_list_free(&arns, &n);
    free(body);

    body = load("ecs_describe_service_revisions_layer.json");
    CHECK(ecs_decode_service_revisions(body, strlen(body), &revs, &nrev, &err) == OD_OK,
          "DescribeServiceRevisions decodes");
    CHECK_INT(nrev, 2, "two revisions");
    CHECK(nrev == 2 && strstr(revs[0].task_definition, "web:2") != NULL, "target on web:2");
    CHECK(nrev == 2 && revs[0].nimages == 1 && strncmp(revs[0].images[0], "app nginx:1.28@sha256:", 22) == 0,
          "its container image with digest");
    for (size_t i = 0; i < nrev; i++)
        service_revision_clear(&revs[i]);
    free(revs);
    free(body);

    CHECK(ecs_decode_service_deployments("[1]", 3, &d, &n, &err) == OD_E_PARSE,
          "a body that is not an object is a parse error");
    od_error_clear(&err);
    return check_done();
}
