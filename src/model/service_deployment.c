/* ECS service deployments: the model's helpers (see service_deployment.h). */
#include "model/service_deployment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"
#include "util/xalloc.h"

static void
revision_clear(struct od_sd_revision *r)
{
    free(r->arn);
    memset(r, 0, sizeof *r);
}

void
service_deployment_clear(struct od_service_deployment *d)
{
    free(d->arn);
    free(d->service_arn);
    free(d->cluster_arn);
    free(d->status);
    free(d->status_reason);
    free(d->stage);
    free(d->strategy);
    revision_clear(&d->target);
    for (size_t i = 0; i < d->nsources; i++)
        revision_clear(&d->sources[i]);
    free(d->sources);
    for (size_t i = 0; i < d->nhooks; i++) {
        free(d->hooks[i].hook_id);
        free(d->hooks[i].target_type);
        free(d->hooks[i].status);
        free(d->hooks[i].timeout_action);
    }
    free(d->hooks);
    free(d->breaker_status);
    free(d->alarms_status);
    for (size_t i = 0; i < d->nalarms_triggered; i++)
        free(d->alarms_triggered[i]);
    free(d->alarms_triggered);
    free(d->rollback_reason);
    free(d->rollback_revision);
    memset(d, 0, sizeof *d);
}

bool
service_deployment_in_flight(const struct od_service_deployment *d)
{
    static const char *const moving[] = {"PENDING", "IN_PROGRESS", "STOP_REQUESTED",
                                         "ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS"};

    for (size_t i = 0; i < sizeof moving / sizeof moving[0]; i++)
        if (str_eq(d->status, moving[i]))
            return true;
    return false;
}

const struct od_sd_hook *
service_deployment_waiting_hook(const struct od_service_deployment *d)
{
    for (size_t i = 0; i < d->nhooks; i++)
        if (str_eq(d->hooks[i].status, "AWAITING_ACTION"))
            return &d->hooks[i];
    return NULL;
}

/* The stages ECS reports for each strategy (ECS Developer Guide, blue/green, linear and
 * canary deployments: the deployment lifecycle stages). */
static const char *const traffic_stages[] = {
    "RECONCILE_SERVICE", "PRE_SCALE_UP", "SCALE_UP", "POST_SCALE_UP", "TEST_TRAFFIC_SHIFT",
    "POST_TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT",
    "BAKE_TIME", "CLEAN_UP", NULL};
static const char *const rolling_stages[] = {"RECONCILE_SERVICE", "SCALE_UP", "CLEAN_UP", NULL};

const char *const *
service_deployment_stages(const char *strategy)
{
    if (strategy == NULL || str_eq(strategy, "ROLLING"))
        return rolling_stages;
    return traffic_stages;
}

const char *
service_deployment_strategy_short(const char *strategy)
{
    if (str_eq(strategy, "BLUE_GREEN"))
        return "B/G";
    if (str_eq(strategy, "LINEAR"))
        return "LIN";
    if (str_eq(strategy, "CANARY"))
        return "CAN";
    return "ROLL";
}

int64_t
service_deployment_bake_left_ms(const struct od_service_deployment *d, int64_t now_ms)
{
    int64_t end;

    if (!str_eq(d->stage, "BAKE_TIME") || d->updated_ms <= 0)
        return -1;
    end = d->updated_ms + (int64_t)d->bake_minutes * 60000;
    return end > now_ms ? end - now_ms : 0;
}

/* A stage in a few letters for the services table. */
static const char *
stage_short(const char *stage)
{
    static const struct { const char *stage, *word; } words[] = {
        {"RECONCILE_SERVICE", "RECONCILE"}, {"PRE_SCALE_UP", "PRE_SCALE"},
        {"SCALE_UP", "SCALE_UP"}, {"POST_SCALE_UP", "POST_SCALE"},
        {"TEST_TRAFFIC_SHIFT", "TEST_SHIFT"}, {"POST_TEST_TRAFFIC_SHIFT", "POST_TEST"},
        {"PRODUCTION_TRAFFIC_SHIFT", "PROD_SHIFT"}, {"POST_PRODUCTION_TRAFFIC_SHIFT", "POST_PROD"},
        {"BAKE_TIME", "BAKE"}, {"CLEAN_UP", "CLEAN_UP"}};

    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (str_eq(stage, words[i].stage))
            return words[i].word;
    return stage != NULL ? stage : "-";
}

void
service_deployment_short(const struct od_service_deployment *d, int64_t now_ms, char *buf,
                         size_t len)
{
    const char *st = service_deployment_strategy_short(d->strategy);
    int64_t left;

    buf[0] = '\0';
    if (!service_deployment_in_flight(d))
        return;
    if (service_deployment_waiting_hook(d) != NULL) {
        snprintf(buf, len, "PAUSED");
        return;
    }
    if (str_eq(d->status, "ROLLBACK_REQUESTED") || str_eq(d->status, "ROLLBACK_IN_PROGRESS")) {
        snprintf(buf, len, "%s ROLLBACK", st);
        return;
    }
    if ((left = service_deployment_bake_left_ms(d, now_ms)) >= 0) {
        snprintf(buf, len, "%s BAKE %ldm", st, (long)((left + 59999) / 60000));
        return;
    }
    snprintf(buf, len, "%s %s", st, stage_short(d->stage));
}

char *
service_deployment_stage_row(const struct od_service_deployment *d)
{
    const char *const *stages = service_deployment_stages(d->strategy);
    size_t cap = 16;
    char *out;

    for (size_t i = 0; stages[i] != NULL; i++)
        cap += strlen(stage_short(stages[i])) + 5;
    out = xcalloc(1, cap);
    for (size_t i = 0; stages[i] != NULL; i++) {
        bool here = str_eq(d->stage, stages[i]);
        size_t used = strlen(out);

        snprintf(out + used, cap - used, "%s%s%s%s", i > 0 ? " > " : "", here ? "[" : "",
                 stage_short(stages[i]), here ? "]" : "");
    }
    return out;
}
