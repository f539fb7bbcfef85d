/* Scale: UpdateService(desiredCount). Setting an absolute count is idempotent, so a retry after
 * a lost response is safe; the result is still read back when the response never came. */
#include <stdlib.h>

#include "actions/internal.h"
#include "util/str.h"
#include "util/xalloc.h"

#define SCALE_MAX 10000

static void
sc_on_service(struct od_action_job *job, const struct od_aws_response *resp,
              const struct od_error *err)
{
    struct od_plan *plan = job->plan;
    struct od_service s;
    char *line;

    if (!plan_take_service(job, resp, err, &s))
        return;
    line = xasprintf("desired count %ld -> %ld (running %ld)", s.desired, plan->count, s.running);
    plan->change = inert(line);
    free(line);
    if (s.desired == plan->count)
        plan_warn(plan, "the desired count is already %ld", plan->count);
    if (plan->count == 0)
        plan_warn(plan, "a desired count of 0 stops every task of the service");
    service_clear(&s);
    plan->ready = true;
    job_plan_done(job);
}

enum od_err
scale_plan(struct od_action_job *job, struct od_error *err)
{
    struct od_plan *plan = job->plan;
    char *t;

    if (str_empty(plan->cluster) || str_empty(plan->service)) {
        od_error_set(err, OD_E_USAGE, "scale needs a cluster and a service");
        return OD_E_USAGE;
    }
    if (plan->count < 0 || plan->count > SCALE_MAX) {
        od_error_set(err, OD_E_USAGE, "the desired count must be between 0 and %d", SCALE_MAX);
        return OD_E_USAGE;
    }
    t = xasprintf("service %s/%s", plan->cluster, plan->service);
    plan->target = inert(t);
    free(t);
    plan_set_typed(plan, plan->service);
    return service_describe_start(job, sc_on_service, err);
}

enum od_err
scale_execute(struct od_action_job *job, struct od_error *err)
{
    return service_update_start(job, err);
}
