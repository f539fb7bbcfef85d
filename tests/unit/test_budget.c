/* Call budgets: a burst then the sustained rate, halving on throttling (that family only, and
 * once for calls throttled together), recovering after, unlimited until AWS says otherwise. */
#include "check.h"
#include "poller/budget.h"
#include "poller/limits.h"

static int
take_all(struct od_budget *b, uint64_t t, int tries)
{
    int allowed = 0;

    for (int i = 0; i < tries; i++)
        if (budget_take(b, t) == 0)
            allowed++;
    return allowed;
}

int
main(void)
{
    struct od_budget b, fam[OD_SVC__COUNT];
    uint64_t t = 1000000, wait, seen[OD_SVC__COUNT] = {0};
    struct od_aws aws = {0};
    int allowed = 0;

    /* ECS's default: 50 burst, then 10 a second (AWS: 100, then 20). */
    budget_init(&b, 10, 50, t);
    CHECK_INT(take_all(&b, t, 200), 50, "the whole burst at once");
    wait = budget_take(&b, t);
    CHECK(wait > 0 && wait <= 101, "then the next call waits about 1/rate");
    CHECK(b.waits > 0, "and the wait is counted (the family is held to its pace)");
    for (int ms = 0; ms < 10000; ms += 10)
        if (budget_take(&b, t + (uint64_t)ms) == 0)
            allowed++;
    CHECK(allowed >= 99 && allowed <= 101, "10 calls a second over 10 seconds");
    t += 10000;
    CHECK_INT(take_all(&b, t + 60000, 200), 50, "a quiet minute refills the burst, not more");
    t += 60000;

    budget_init(&b, 10, 0, t);
    CHECK_INT(take_all(&b, t, 100), 20, "no burst given: twice the rate");

    budget_init(&b, 10, 50, t);
    CHECK(budget_throttled_at(&b, t), "a throttle halves");
    CHECK(b.rate == 5.0 && b.burst == 25.0, "rate and burst both halved");
    CHECK(budget_take(&b, t) > 0, "and the bucket is empty: AWS's is");
    CHECK(!budget_throttled_at(&b, t + 200) && b.rate == 5.0,
          "calls throttled together halve once");
    CHECK(budget_throttled_at(&b, t + 1500) && b.rate == 2.5, "a later throttle halves again");
    for (int i = 0; i < 10; i++)
        budget_throttled(&b);
    CHECK(b.rate == 0.5 && b.burst >= 1.0, "never below half a call a second, a burst of one");
    for (int i = 0; i < 20; i++)
        budget_relax(&b);
    CHECK(b.rate == 10.0 && b.burst == 50.0, "relaxing climbs back to the configured limit");

    /* Recovery within a refresh: quiet for BUDGET_CALM_MS, the rate steps back up. */
    budget_init(&b, 10, 50, t);
    budget_throttled_at(&b, t);
    budget_take(&b, t + BUDGET_CALM_MS - 1);
    CHECK(b.rate == 5.0, "no step up before the calm period");
    budget_take(&b, t + BUDGET_CALM_MS);
    CHECK(b.rate == 7.5, "a step up (x1.5) after it");
    budget_take(&b, t + 3 * BUDGET_CALM_MS);
    CHECK(b.rate == 10.0, "and never past the limit");

    /* The end of a refresh: one that throttled does not relax at once. */
    budget_init(&b, 10, 50, t);
    budget_throttled_at(&b, t);
    budget_refresh_done(&b);
    CHECK(b.rate == 5.0, "a refresh that throttled keeps the halved rate");
    budget_refresh_done(&b);
    CHECK(b.rate == 7.5, "the next quiet one relaxes it");

    budget_init(&b, 0, 50, t);
    CHECK(budget_unlimited(&b) && budget_take(&b, t) == 0, "0 means unlimited");
    budget_throttled_at(&b, t);
    CHECK(!budget_unlimited(&b) && b.rate == 5.0, "an unlimited budget that is throttled paces");
    for (int i = 0; i < 20; i++)
        budget_relax(&b);
    CHECK(budget_unlimited(&b), "and becomes unlimited again after quiet refreshes");

    /* Throttles noted per family: ELBv2 throttled leaves ECS at its pace. */
    for (int svc = 0; svc < OD_SVC__COUNT; svc++)
        budget_init(&fam[svc], 10, 50, t);
    aws.throttles_by_svc[OD_SVC_ELBV2] = 3;
    limits_note_throttles(fam, seen, &aws, t);
    CHECK(fam[OD_SVC_ELBV2].rate == 5.0, "the throttled family halves");
    CHECK(fam[OD_SVC_ECS].rate == 10.0 && fam[OD_SVC_ECS].burst == 50.0 &&
              fam[OD_SVC_ECS].tokens == 50.0,
          "ECS keeps its rate and its burst");
    CHECK_INT(take_all(&fam[OD_SVC_ECS], t, 100), 50, "and draws its whole burst");
    limits_note_throttles(fam, seen, &aws, t + 5000);
    CHECK(fam[OD_SVC_ELBV2].rate == 5.0, "no new throttle, no new halving");
    return check_done();
}
