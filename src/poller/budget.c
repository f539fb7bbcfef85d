#include "poller/budget.h"

#define THROTTLED_START 5.0 /* calls per second after a throttle on an unlimited budget */
#define MIN_RATE 0.5
#define RELAX_FACTOR 1.5
#define UNLIMITED_AGAIN 100.0 /* a throttled unlimited budget is unlimited again past this */
#define HALVE_GAP_MS 1000

static void
set_rate(struct od_budget *b, double rate)
{
    /* The burst keeps its share of the rate: a halved family also bursts half as much. */
    double burst = b->limit > 0 ? b->limit_burst * rate / b->limit : rate * 2.0;

    b->rate = rate;
    b->burst = burst < 1.0 ? 1.0 : burst;
    if (b->tokens > b->burst)
        b->tokens = b->burst;
}

void
budget_init(struct od_budget *b, double per_second, double burst, uint64_t now_ms)
{
    *b = (struct od_budget){0};
    b->limit = per_second > 0 ? per_second : 0;
    b->last_ms = b->calm_ms = now_ms;
    if (b->limit > 0) {
        b->limit_burst = burst > 0 ? burst : b->limit * 2.0;
        set_rate(b, b->limit);
        b->tokens = b->burst;
    }
}

bool
budget_unlimited(const struct od_budget *b)
{
    return b->rate <= 0;
}

static void
refill(struct od_budget *b, uint64_t now_ms)
{
    if (now_ms > b->last_ms) {
        b->tokens += (double)(now_ms - b->last_ms) * b->rate / 1000.0;
        if (b->tokens > b->burst)
            b->tokens = b->burst;
    }
    b->last_ms = now_ms;
}

uint64_t
budget_take(struct od_budget *b, uint64_t now_ms)
{
    if (budget_unlimited(b))
        return 0;
    refill(b, now_ms);
    if (b->throttles > 0 && now_ms >= b->calm_ms + BUDGET_CALM_MS &&
        (b->limit <= 0 || b->rate < b->limit)) {
        b->calm_ms = now_ms;
        budget_relax(b);
        if (budget_unlimited(b))
            return 0;
    }
    if (b->tokens >= 1.0) {
        b->tokens -= 1.0;
        return 0;
    }
    b->waits++;
    return (uint64_t)((1.0 - b->tokens) * 1000.0 / b->rate) + 1;
}

void
budget_throttled(struct od_budget *b)
{
    double rate = budget_unlimited(b) ? THROTTLED_START : b->rate / 2.0;

    set_rate(b, rate < MIN_RATE ? MIN_RATE : rate);
    b->tokens = 0; /* AWS's bucket is empty: wait for it to refill, not for ours */
    b->throttles++;
}

bool
budget_throttled_at(struct od_budget *b, uint64_t now_ms)
{
    b->calm_ms = now_ms;
    b->throttled = true;
    if (b->throttles > 0 && now_ms < b->halved_ms + HALVE_GAP_MS)
        return false;
    refill(b, now_ms);
    budget_throttled(b);
    b->halved_ms = now_ms;
    return true;
}

void
budget_relax(struct od_budget *b)
{
    double rate;

    if (budget_unlimited(b))
        return;
    rate = b->rate * RELAX_FACTOR;
    if (b->limit > 0 && rate >= b->limit) {
        set_rate(b, b->limit);
    } else if (b->limit <= 0 && rate >= UNLIMITED_AGAIN) {
        b->rate = 0; /* back to unlimited */
        b->burst = 0;
        b->tokens = 0;
    } else {
        set_rate(b, rate);
    }
}

void
budget_refresh_done(struct od_budget *b)
{
    if (b->throttled)
        b->throttled = false;
    else
        budget_relax(b);
}
