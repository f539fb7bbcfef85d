/* Following a steered service deployment to its end: DescribeServiceDeployments of one ARN
 * every interval until the deployment reaches the status the steering aimed at, or another
 * final one (ECS API Reference, ServiceDeployment status: SUCCESSFUL, STOPPED,
 * ROLLBACK_SUCCESSFUL, ROLLBACK_FAILED), or, after a continue, pauses at another hook. Throttling
 * and transient errors only delay the next poll; a few failures in a row end it with
 * OD_ROLLOUT_ERROR. */
#ifndef OD_SD_WATCH_H
#define OD_SD_WATCH_H

#include <stdbool.h>

#include "actions/action.h"
#include "actions/watch.h"
#include "model/service_deployment.h"

/* The verdict on one reading (pure): goal is the steering sent, acted_hook the hook it acted
 * on (continue; NULL otherwise). *reason gets a malloc'd raw explanation (or NULL). */
enum od_verdict sd_watch_decide(const struct od_service_deployment *d, enum od_steer goal,
                                const char *acted_hook, char **reason);

struct od_sd_progress {
    enum od_verdict verdict;
    const char *reason;                     /* inert, NULL while pending */
    unsigned long long elapsed_ms;
    const struct od_service_deployment *sd; /* the latest reading (raw), NULL before one */
    const char *last_error;                 /* the last poll's error (inert), or NULL */
    bool changed; /* status or stage differ from the previous reading (or the first one) */
};

typedef void (*sd_watch_cb)(const struct od_sd_progress *p, void *ud);
struct od_sd_watch;

/* Start (the first poll at once); cb runs after each poll, the last one with verdict !=
 * PENDING; timeout_ms 0 = none. */
enum od_err sd_watch_start(struct od_action_env *env, const char *arn, enum od_steer goal,
                           const char *acted_hook, unsigned long long timeout_ms, sd_watch_cb cb,
                           void *ud, struct od_sd_watch **out, struct od_error *err);
/* Safe at any time, also from the callback. */
void sd_watch_free(struct od_sd_watch **wp);

#endif
