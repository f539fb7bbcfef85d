/* A call budget per API family: a token bucket that keeps the poller below the rates AWS
 * publishes (the buckets are per account and shared with every other tool in it), and that
 * halves itself when AWS throttles anyway and recovers slowly afterwards. */
#ifndef OD_BUDGET_H
#define OD_BUDGET_H

#include <stdbool.h>
#include <stdint.h>

struct od_budget {
    double limit;  /* configured calls per second; 0 = unlimited */
    double rate;   /* current rate (lower than limit after throttling) */
    double burst;  /* bucket size */
    double tokens;
    uint64_t last_ms;
};

void budget_init(struct od_budget *b, double per_second, uint64_t now_ms);
/* Take one call now: 0 when allowed, else the milliseconds until one is. */
uint64_t budget_take(struct od_budget *b, uint64_t now_ms);
/* AWS throttled a call of this family: halve the rate (an unlimited budget starts at 5/s). */
void budget_throttled(struct od_budget *b);
/* A refresh went by without throttling: creep back towards the configured limit. */
void budget_relax(struct od_budget *b);
bool budget_unlimited(const struct od_budget *b);

#endif
