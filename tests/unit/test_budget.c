/* Call budgets: pacing below a configured rate, halving on throttling, recovering after. */
#include "check.h"
#include "poller/budget.h"

int
main(void)
{
    struct od_budget b;
    uint64_t t = 1000000, wait;
    int allowed = 0;

    budget_init(&b, 10, t);
    for (int i = 0; i < 100; i++)
        if (budget_take(&b, t) == 0)
            allowed++;
    CHECK_INT(allowed, 20, "a burst of twice the rate at once");
    wait = budget_take(&b, t);
    CHECK(wait > 0 && wait <= 101, "then the next call waits about 1/rate");
    allowed = 0;
    for (int ms = 0; ms < 10000; ms += 10)
        if (budget_take(&b, t + (uint64_t)ms) == 0)
            allowed++;
    CHECK(allowed >= 99 && allowed <= 101, "10 calls a second over 10 seconds");

    budget_throttled(&b);
    CHECK(b.rate == 5.0 && b.burst == 10.0, "throttled: rate halved");
    budget_throttled(&b);
    budget_throttled(&b);
    budget_throttled(&b);
    budget_throttled(&b);
    CHECK(b.rate == 0.5, "never below half a call a second");
    for (int i = 0; i < 20; i++)
        budget_relax(&b);
    CHECK(b.rate == 10.0, "relaxing climbs back to the configured limit, not beyond");

    budget_init(&b, 0, t);
    CHECK(budget_unlimited(&b) && budget_take(&b, t) == 0, "0 means unlimited");
    budget_throttled(&b);
    CHECK(!budget_unlimited(&b) && b.rate == 5.0, "an unlimited budget that is throttled paces");
    for (int i = 0; i < 20; i++)
        budget_relax(&b);
    CHECK(budget_unlimited(&b), "and becomes unlimited again after quiet refreshes");
    return check_done();
}
