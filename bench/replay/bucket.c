/* bucket.c - AWS's token buckets: a burst that refills at a sustained rate, one bucket per
 * family of operations, shared by every client of the account. Defaults are the published
 * figures: "Request throttling for the Amazon ECS API" (service read and cluster resource read
 * actions: 100 burst, 20/s), "Elastic Load Balancing API throttling" (describe actions: 40
 * burst, 10/s, account-wide), the CloudWatch service quotas (GetMetricData 50 TPS,
 * DescribeAlarms 9 TPS; no burst published, so burst = rate). Off unless switched on. */
#include "replay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bucket {
    char name[32];
    const char *members; /* "service:Op service:Op ..." or "service:" for a whole service */
    double burst, rate, tokens, at;
    long throttled;
};

static struct bucket buckets[] = {
    {"ecs-service-read", "ecs:DescribeServices ecs:ListServices", 100, 20, 100, 0, 0},
    {"ecs-cluster-read", "ecs:DescribeTasks ecs:ListTasks ecs:DescribeContainerInstances "
                         "ecs:ListContainerInstances ecs:DescribeClusters ecs:ListClusters",
     100, 20, 100, 0, 0},
    {"elbv2-describe", "elasticloadbalancing:", 40, 10, 40, 0, 0},
    {"cw-getmetricdata", "monitoring:GetMetricData", 50, 50, 50, 0, 0},
    {"cw-describealarms", "monitoring:DescribeAlarms", 9, 9, 9, 0, 0},
};
#define NBUCKETS (sizeof buckets / sizeof buckets[0])
static bool enabled;

bool
bucket_configure(const char *spec)
{
    const char *eq = strchr(spec, '=');
    double burst, rate;

    if (eq == NULL || sscanf(eq + 1, "%lf/%lf", &burst, &rate) != 2 || burst < 1 || rate <= 0)
        return false;
    for (size_t i = 0; i < NBUCKETS; i++) {
        if (strlen(buckets[i].name) == (size_t)(eq - spec) &&
            strncmp(buckets[i].name, spec, (size_t)(eq - spec)) == 0) {
            buckets[i].burst = buckets[i].tokens = burst;
            buckets[i].rate = rate;
            return true;
        }
    }
    return false;
}

void
buckets_enable(bool on)
{
    enabled = on;
    buckets_refill_all();
}

bool
buckets_enabled(void)
{
    return enabled;
}

void
buckets_refill_all(void)
{
    for (size_t i = 0; i < NBUCKETS; i++) {
        buckets[i].tokens = buckets[i].burst;
        buckets[i].at = 0;
        buckets[i].throttled = 0;
    }
}

static bool
member(const struct bucket *b, const char *service, const char *op)
{
    char key[128];
    size_t slen = strlen(service);
    const char *p = b->members;

    snprintf(key, sizeof key, "%s:%s", service, op);
    while (*p) {
        size_t n = strcspn(p, " ");
        if ((n == slen + 1 && strncmp(p, key, n) == 0) || /* "service:" */
            (n == strlen(key) && strncmp(p, key, n) == 0))
            return true;
        p += n;
        p += strspn(p, " ");
    }
    return false;
}

bool
bucket_take(const char *service, const char *op, double now)
{
    if (!enabled)
        return true;
    for (size_t i = 0; i < NBUCKETS; i++) {
        struct bucket *b = &buckets[i];
        if (!member(b, service, op))
            continue;
        if (b->at > 0) {
            b->tokens += (now - b->at) * b->rate;
            if (b->tokens > b->burst)
                b->tokens = b->burst;
        }
        b->at = now;
        if (b->tokens < 1) {
            b->throttled++;
            return false;
        }
        b->tokens -= 1;
        return true;
    }
    return true;
}

void
buckets_describe(struct rp_buf *out)
{
    buf_printf(out, "{\"enabled\":%s", enabled ? "true" : "false");
    for (size_t i = 0; i < NBUCKETS; i++)
        buf_printf(out, ",\"%s\":{\"burst\":%g,\"rate\":%g,\"members\":\"%s\",\"throttled\":%ld}",
                   buckets[i].name, buckets[i].burst, buckets[i].rate, buckets[i].members,
                   buckets[i].throttled);
    buf_puts(out, "}");
}
