/* ECS service deployments (ListServiceDeployments, DescribeServiceDeployments): a deployment of
 * any strategy (ROLLING, BLUE_GREEN, LINEAR, CANARY) from source service revisions to a target
 * one, its lifecycle stage, the PAUSE hooks awaiting action, and rollback (ECS API Reference,
 * ServiceDeployment). The model and pure helpers over it; decoders are in
 * aws/ecs_deployments.c. Strings are raw AWS text: sanitise before drawing. */
#ifndef OD_SERVICE_DEPLOYMENT_H
#define OD_SERVICE_DEPLOYMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct od_sd_revision {
    char *arn;                  /* the service revision */
    long requested, running, pending;
    bool has_weights;           /* traffic weights sent (not for ROLLING) */
    double prod_weight, test_weight; /* requested production/test traffic, percent */
};

struct od_sd_hook {
    char *hook_id, *target_type, *status; /* PAUSE | AWS_LAMBDA; AWAITING_ACTION, SUCCEEDED... */
    char *timeout_action;                 /* ROLLBACK | CONTINUE */
    int64_t expires_ms;                   /* 0 when not sent */
};

struct od_service_deployment {
    char *arn, *service_arn, *cluster_arn;
    char *status;          /* PENDING, IN_PROGRESS, SUCCESSFUL, STOPPED, ROLLBACK_... */
    char *status_reason;
    char *stage;           /* lifecycleStage, or NULL */
    char *strategy;        /* deploymentConfiguration.strategy (ROLLING when not sent) */
    long bake_minutes;     /* bakeTimeInMinutes */
    int64_t created_ms, started_ms, updated_ms, finished_ms;
    struct od_sd_revision target;
    struct od_sd_revision *sources;
    size_t nsources;
    struct od_sd_hook *hooks;
    size_t nhooks;
    char *breaker_status;  /* deploymentCircuitBreaker.status */
    long breaker_failures, breaker_threshold;
    char *alarms_status;   /* alarms.status */
    char **alarms_triggered;
    size_t nalarms_triggered;
    char *rollback_reason, *rollback_revision;
    int64_t rollback_started_ms;
};

void service_deployment_clear(struct od_service_deployment *d);
/* Is the deployment still moving (PENDING, IN_PROGRESS, *_REQUESTED, ROLLBACK_IN_PROGRESS)? */
bool service_deployment_in_flight(const struct od_service_deployment *d);
/* The hook AWAITING_ACTION, or NULL. */
const struct od_sd_hook *service_deployment_waiting_hook(const struct od_service_deployment *d);
/* The lifecycle stages of the strategy, in order (NULL-terminated, static). */
const char *const *service_deployment_stages(const char *strategy);
/* "B/G", "LIN", "CAN", "ROLL": the strategy in three or four letters. */
const char *service_deployment_strategy_short(const char *strategy);
/* Milliseconds left of BAKE_TIME at now_ms (from updatedAt, when the stage began), or -1 when
 * not baking. */
int64_t service_deployment_bake_left_ms(const struct od_service_deployment *d, int64_t now_ms);
/* The services table's short form into buf: "PAUSED", "B/G BAKE 12m", "CAN PROD_SHIFT",
 * "ROLLBACK", or "" when nothing is in flight. */
void service_deployment_short(const struct od_service_deployment *d, int64_t now_ms, char *buf,
                              size_t len);
/* "RECONCILE > SCALE_UP > [TEST_SHIFT] > ..." : the stages as a row, the current one in
 * brackets (malloc'd). */
char *service_deployment_stage_row(const struct od_service_deployment *d);

#endif
