/* A call budget per API family: a token bucket that keeps the poller below the buckets AWS
 * publishes (per account and region, shared with every other tool in it): a burst that a
 * first screen fits in, then a sustained rate. When AWS throttles anyway the family's rate
 * and burst halve at once (that family only) and creep back while AWS stays quiet. */
#ifndef OD_BUDGET_H
#define OD_BUDGET_H

#include <stdbool.h>
#include <stdint.h>

struct od_budget {
    double limit;       /* configured calls per second; 0 = unlimited */
    double limit_burst; /* configured bucket size at the full rate */
    double rate;        /* current rate (lower than limit after throttling); 0 = unlimited */
    double burst;       /* current bucket size (scaled with the rate) */
    double tokens;
    uint64_t last_ms;
    uint64_t halved_ms;  /* last halving: throttles answered together halve once */
    uint64_t calm_ms;    /* last throttle or step back up: the recovery clock */
    bool throttled;      /* halved since the last budget_refresh_done */
    uint64_t throttles;  /* halvings since init */
    uint64_t waits;      /* budget_take answers "not yet": the family was held to its pace */
};

/* per_second 0 = unlimited; burst <= 0 = twice the rate. */
void budget_init(struct od_budget *b, double per_second, double burst, uint64_t now_ms);
/* Take one call now: 0 when allowed, else the milliseconds until one is. A budget slowed by
 * throttling steps back up (x1.5) after every BUDGET_CALM_MS without another throttle. */
uint64_t budget_take(struct od_budget *b, uint64_t now_ms);
/* AWS throttled a call of this family: halve rate and burst (an unlimited budget starts at
 * 5/s) and empty the bucket. */
void budget_throttled(struct od_budget *b);
/* The same as it happens: throttles within a second of the last halving are one event (the
 * calls in flight together were answered from the same empty bucket). True when it halved. */
bool budget_throttled_at(struct od_budget *b, uint64_t now_ms);
/* A refresh went by without throttling: creep back towards the configured limit. */
void budget_relax(struct od_budget *b);
/* A refresh ended: relax unless budget_throttled_at halved it during the refresh. */
void budget_refresh_done(struct od_budget *b);
bool budget_unlimited(const struct od_budget *b);

#define BUDGET_CALM_MS 10000

#endif
