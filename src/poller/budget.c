#include "poller/budget.h"

#define THROTTLED_START 5.0 /* calls per second after a throttle on an unlimited budget */
#define MIN_RATE 0.5
#define RELAX_FACTOR 1.5

static void
set_rate(struct od_budget *b, double rate)
{
    b->rate = rate;
    b->burst = rate * 2.0 < 1.0 ? 1.0 : rate * 2.0;
    if (b->tokens > b->burst)
        b->tokens = b->burst;
}

void
budget_init(struct od_budget *b, double per_second, uint64_t now_ms)
{
    b->limit = per_second > 0 ? per_second : 0;
    b->last_ms = now_ms;
    b->rate = 0;
    b->burst = 0;
    b->tokens = 0;
    if (b->limit > 0) {
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
    if (b->tokens >= 1.0) {
        b->tokens -= 1.0;
        return 0;
    }
    return (uint64_t)((1.0 - b->tokens) * 1000.0 / b->rate) + 1;
}

void
budget_throttled(struct od_budget *b)
{
    double rate = budget_unlimited(b) ? THROTTLED_START : b->rate / 2.0;

    set_rate(b, rate < MIN_RATE ? MIN_RATE : rate);
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
    } else if (b->limit <= 0 && rate >= 100.0) {
        b->rate = 0; /* back to unlimited */
        b->burst = 0;
        b->tokens = 0;
    } else {
        set_rate(b, rate);
    }
}
