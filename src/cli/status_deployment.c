/* The service deployment of one service in `ondeck status --service`: strategy, status,
 * lifecycle stage, the hook awaiting action, source and target revisions with their traffic
 * weights, circuit breaker, alarms and rollback (ECS DescribeServiceDeployments). */
#include "cli/status_deployment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/sanitize.h"

static void
add_opt_str(cJSON *o, const char *key, const char *v)
{
    if (v != NULL)
        cJSON_AddStringToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

static void
add_time(cJSON *o, const char *key, int64_t ms)
{
    if (ms > 0)
        cJSON_AddNumberToObject(o, key, (double)ms / 1000.0);
}

static cJSON *
revision_json(const struct od_sd_revision *r)
{
    cJSON *o = cJSON_CreateObject();

    add_opt_str(o, "arn", r->arn);
    cJSON_AddNumberToObject(o, "requestedTaskCount", (double)r->requested);
    cJSON_AddNumberToObject(o, "runningTaskCount", (double)r->running);
    cJSON_AddNumberToObject(o, "pendingTaskCount", (double)r->pending);
    if (r->has_weights) {
        cJSON_AddNumberToObject(o, "requestedProductionTrafficWeight", r->prod_weight);
        cJSON_AddNumberToObject(o, "requestedTestTrafficWeight", r->test_weight);
    }
    return o;
}

static cJSON *
hook_json(const struct od_sd_hook *h)
{
    cJSON *o = cJSON_CreateObject();

    add_opt_str(o, "hookId", h->hook_id);
    add_opt_str(o, "targetType", h->target_type);
    add_opt_str(o, "status", h->status);
    add_opt_str(o, "timeoutAction", h->timeout_action);
    add_time(o, "expiresAt", h->expires_ms);
    return o;
}

cJSON *
status_json_service_deployment(const struct od_service_deployment *d, int64_t now_ms)
{
    cJSON *o = cJSON_CreateObject(), *arr, *x;
    const char *const *stages = service_deployment_stages(d->strategy);
    const struct od_sd_hook *wait = service_deployment_waiting_hook(d);
    int64_t left = service_deployment_bake_left_ms(d, now_ms);
    char brief[64];

    add_opt_str(o, "serviceDeploymentArn", d->arn);
    add_opt_str(o, "status", d->status);
    add_opt_str(o, "statusReason", d->status_reason);
    add_opt_str(o, "lifecycleStage", d->stage);
    cJSON_AddStringToObject(o, "strategy", d->strategy != NULL ? d->strategy : "ROLLING");
    cJSON_AddNumberToObject(o, "bakeTimeInMinutes", (double)d->bake_minutes);
    if (left >= 0)
        cJSON_AddNumberToObject(o, "bakeTimeLeftSeconds", (double)(left / 1000));
    else
        cJSON_AddNullToObject(o, "bakeTimeLeftSeconds");
    service_deployment_short(d, now_ms, brief, sizeof brief);
    cJSON_AddStringToObject(o, "summary", brief);
    arr = cJSON_AddArrayToObject(o, "stages");
    for (size_t i = 0; stages[i] != NULL; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(stages[i]));
    add_time(o, "createdAt", d->created_ms);
    add_time(o, "startedAt", d->started_ms);
    add_time(o, "updatedAt", d->updated_ms);
    add_time(o, "finishedAt", d->finished_ms);
    cJSON_AddItemToObject(o, "targetServiceRevision", revision_json(&d->target));
    arr = cJSON_AddArrayToObject(o, "sourceServiceRevisions");
    for (size_t i = 0; i < d->nsources; i++)
        cJSON_AddItemToArray(arr, revision_json(&d->sources[i]));
    arr = cJSON_AddArrayToObject(o, "lifecycleHookDetails");
    for (size_t i = 0; i < d->nhooks; i++)
        cJSON_AddItemToArray(arr, hook_json(&d->hooks[i]));
    cJSON_AddItemToObject(o, "hookAwaitingAction",
                          wait != NULL ? hook_json(wait) : cJSON_CreateNull());
    x = cJSON_AddObjectToObject(o, "deploymentCircuitBreaker");
    add_opt_str(x, "status", d->breaker_status);
    cJSON_AddNumberToObject(x, "failureCount", (double)d->breaker_failures);
    cJSON_AddNumberToObject(x, "threshold", (double)d->breaker_threshold);
    x = cJSON_AddObjectToObject(o, "alarms");
    add_opt_str(x, "status", d->alarms_status);
    arr = cJSON_AddArrayToObject(x, "triggeredAlarmNames");
    for (size_t i = 0; i < d->nalarms_triggered; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(d->alarms_triggered[i]));
    if (d->rollback_reason != NULL || d->rollback_started_ms > 0) {
        x = cJSON_AddObjectToObject(o, "rollback");
        add_opt_str(x, "reason", d->rollback_reason);
        add_opt_str(x, "serviceRevisionArn", d->rollback_revision);
        add_time(x, "startedAt", d->rollback_started_ms);
    } else {
        cJSON_AddNullToObject(o, "rollback");
    }
    return o;
}

/* Print s made inert, or "-". */
static void
put(const char *s)
{
    char *safe = sanitize_str(s != NULL ? s : "-");

    fputs(safe, stdout);
    free(safe);
}

/* The revision's id: the last part of its ARN. */
static const char *
revision_id(const char *arn)
{
    const char *slash = arn != NULL ? strrchr(arn, '/') : NULL;

    return slash != NULL ? slash + 1 : (arn != NULL ? arn : "-");
}

static void
print_revision(const char *role, const struct od_sd_revision *r)
{
    printf("    %-6s ", role);
    put(revision_id(r->arn));
    printf("  %ld/%ld running, %ld pending", r->running, r->requested, r->pending);
    if (r->has_weights)
        printf(", production %g%%, test %g%%", r->prod_weight, r->test_weight);
    printf("\n");
}

static void
print_utc(int64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    char buf[32];

    gmtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    fputs(buf, stdout);
}

void
status_print_service_deployment(const struct od_service_deployment *d, int64_t now_ms)
{
    const struct od_sd_hook *wait = service_deployment_waiting_hook(d);
    int64_t left = service_deployment_bake_left_ms(d, now_ms);
    char *row;

    printf("  service deployment ");
    put(d->strategy != NULL ? d->strategy : "ROLLING");
    printf(" ");
    put(d->status);
    if (d->stage != NULL) {
        printf(", stage ");
        put(d->stage);
    }
    printf("\n");
    if (d->stage != NULL) {
        row = service_deployment_stage_row(d);
        printf("    stages %s\n", row);
        free(row);
    }
    if (left >= 0)
        printf("    bake time left %ldm%02lds\n", (long)(left / 60000),
               (long)(left / 1000 % 60));
    if (wait != NULL) {
        printf("  ! hook AWAITING_ACTION ");
        put(wait->hook_id);
        printf(": expires ");
        if (wait->expires_ms > 0) {
            print_utc(wait->expires_ms);
            if (wait->expires_ms > now_ms)
                printf(" (in %ldm)", (long)((wait->expires_ms - now_ms + 59999) / 60000));
        } else {
            printf("-");
        }
        printf(", then ");
        put(wait->timeout_action);
        printf("\n");
    }
    print_revision("target", &d->target);
    for (size_t i = 0; i < d->nsources; i++)
        print_revision("source", &d->sources[i]);
    printf("    circuit breaker ");
    put(d->breaker_status);
    if (d->breaker_threshold > 0)
        printf(" %ld/%ld failed", d->breaker_failures, d->breaker_threshold);
    printf(", alarms ");
    put(d->alarms_status);
    for (size_t i = 0; i < d->nalarms_triggered; i++) {
        printf(i == 0 ? " (" : ", ");
        put(d->alarms_triggered[i]);
        printf(i + 1 == d->nalarms_triggered ? ")" : "");
    }
    printf("\n");
    if (d->rollback_reason != NULL) {
        printf("    rollback: ");
        put(d->rollback_reason);
        printf("\n");
    }
    if (d->status_reason != NULL) {
        printf("    reason: ");
        put(d->status_reason);
        printf("\n");
    }
}
