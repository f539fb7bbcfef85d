/* Scalable targets of ECS services: lifetime of the structs in model/scaling.h. */
#include "model/scaling.h"

#include <stdlib.h>
#include <string.h>

void
scaling_policy_clear(struct od_scaling_policy *p)
{
    free(p->name);
    free(p->type);
    free(p->metric);
    memset(p, 0, sizeof *p);
}

void
scaling_activity_clear(struct od_scaling_activity *a)
{
    free(a->description);
    free(a->cause);
    free(a->status);
    free(a->status_message);
    memset(a, 0, sizeof *a);
}

void
scaling_clear(struct od_scaling *s)
{
    free(s->service);
    free(s->resource_id);
    for (size_t i = 0; i < s->npolicies; i++)
        scaling_policy_clear(&s->policies[i]);
    free(s->policies);
    for (size_t i = 0; i < s->nactivities; i++)
        scaling_activity_clear(&s->activities[i]);
    free(s->activities);
    memset(s, 0, sizeof *s);
}

bool
scaling_within(const struct od_scaling *s, long count)
{
    return count >= s->min && count <= s->max;
}
