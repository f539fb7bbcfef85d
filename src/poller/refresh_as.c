/* Application Auto Scaling part of a refresh: once the services are known, one
 * DescribeScalableTargets per 50 services (ResourceIds takes at most 50), and for the open
 * service alone (the service view, `status --service`)
 * its scaling policies and latest activities (poller_set_scaling_detail). */
#include <stdlib.h>
#include <string.h>

#include "aws/autoscaling.h"
#include "poller/refresh.h"
#include "util/xalloc.h"

/* Activities shown: the latest few (one page; AWS sends the newest first). */
#define ACTIVITIES_KEPT 5
#define ACTIVITIES_PAGE 10
#define PAGES_MAX 5

static void targets_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                         const struct od_error *err);

static void
targets_page(struct refresh *r, size_t first, const char *token, int depth)
{
    size_t m = r->nservices - first;
    const char **names;
    struct job *j;

    if (m > AUTOSCALING_MAX_RESOURCE_IDS)
        m = AUTOSCALING_MAX_RESOURCE_IDS;
    names = xcalloc(m, sizeof *names);
    for (size_t k = 0; k < m; k++)
        names[k] = r->services[first + k].name;
    j = refresh_job_new(r, OD_SVC_AUTOSCALING, "DescribeScalableTargets", OD_PART_SCALING,
                        depth + 1, targets_done);
    j->index = first;
    j->body = autoscaling_body_describe_targets(r->cluster, names, m, token);
    free(names);
    refresh_enqueue(r, j);
}

static void
targets_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
             const struct od_error *err)
{
    struct od_scaling *arr = NULL;
    size_t n = 0;
    char *next = NULL;
    struct od_error perr = {0};

    if (err != NULL) {
        refresh_fail(r, OD_PART_SCALING, err);
        return;
    }
    if (autoscaling_decode_targets(resp->body, resp->body_len, &arr, &n, &next, &perr) != OD_OK) {
        refresh_fail_parse(r, OD_PART_SCALING, &perr);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        GROW(r->scaling, r->nscaling, r->cscaling);
        r->scaling[r->nscaling++] = arr[i];
    }
    free(arr);
    if (next != NULL && ++r->scaling_pages < PAGES_MAX)
        targets_page(r, j->index, next, j->depth);
    free(next);
}

static void
policies_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
              const struct od_error *err)
{
    struct od_scaling_policy *arr = NULL;
    size_t n = 0;
    struct od_error perr = {0};

    (void)j;
    if (err != NULL) {
        refresh_fail(r, OD_PART_SCALING, err);
        return;
    }
    if (autoscaling_decode_policies(resp->body, resp->body_len, &arr, &n, NULL, &perr) != OD_OK) {
        refresh_fail_parse(r, OD_PART_SCALING, &perr);
        return;
    }
    OD_FREE_ARRAY(r->scaling_policies, r->nscaling_policies, scaling_policy_clear);
    r->scaling_policies = arr;
    r->nscaling_policies = n;
    r->scaling_detail_loaded |= 1;
}

static void
activities_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                const struct od_error *err)
{
    struct od_scaling_activity *arr = NULL;
    size_t n = 0;
    struct od_error perr = {0};

    (void)j;
    if (err != NULL) {
        refresh_fail(r, OD_PART_SCALING, err);
        return;
    }
    if (autoscaling_decode_activities(resp->body, resp->body_len, &arr, &n, NULL, &perr) !=
        OD_OK) {
        refresh_fail_parse(r, OD_PART_SCALING, &perr);
        return;
    }
    while (n > ACTIVITIES_KEPT)
        scaling_activity_clear(&arr[--n]);
    OD_FREE_ARRAY(r->scaling_activities, r->nscaling_activities, scaling_activity_clear);
    r->scaling_activities = arr;
    r->nscaling_activities = n;
    r->scaling_detail_loaded |= 2;
}

/* The one service the operator has open (poller_set_scaling_detail), or NULL. */
static const char *
open_service(const struct refresh *r)
{
    if (r->p->scaling_detail == NULL)
        return NULL;
    for (size_t i = 0; i < r->nservices; i++)
        if (strcmp(r->services[i].name, r->p->scaling_detail) == 0)
            return r->services[i].name;
    return NULL;
}

void
refresh_as_start(struct refresh *r, int depth)
{
    const char *open;

    if (!refresh_want(r, OD_PART_SCALING) || r->cluster == NULL)
        return;
    refresh_add_minimum(r, "DescribeScalableTargets",
                        refresh_batches(r->nservices, AUTOSCALING_MAX_RESOURCE_IDS));
    for (size_t i = 0; i < r->nservices; i += AUTOSCALING_MAX_RESOURCE_IDS)
        targets_page(r, i, NULL, depth);
    if ((open = open_service(r)) == NULL)
        return;
    free(r->scaling_detail);
    r->scaling_detail = xstrdup(open);
    {
        struct job *p = refresh_job_new(r, OD_SVC_AUTOSCALING, "DescribeScalingPolicies",
                                        OD_PART_SCALING, depth + 1, policies_done);
        struct job *a = refresh_job_new(r, OD_SVC_AUTOSCALING, "DescribeScalingActivities",
                                        OD_PART_SCALING, depth + 1, activities_done);

        p->body = autoscaling_body_describe_policies(r->cluster, open, NULL);
        a->body = autoscaling_body_describe_activities(r->cluster, open, NULL);
        refresh_add_minimum(r, "DescribeScalingPolicies", 1);
        refresh_add_minimum(r, "DescribeScalingActivities", 1);
        refresh_enqueue(r, p);
        refresh_enqueue(r, a);
    }
}

/* Hand the targets to the world, the open service's policies and activities on its own. */
void
refresh_as_commit(struct refresh *r)
{
    for (size_t i = 0; r->scaling_detail != NULL && i < r->nscaling; i++) {
        struct od_scaling *s = &r->scaling[i];

        if (strcmp(s->service, r->scaling_detail) != 0)
            continue;
        s->policies = r->scaling_policies;
        s->npolicies = r->nscaling_policies;
        s->policies_loaded = (r->scaling_detail_loaded & 1) != 0;
        s->activities = r->scaling_activities;
        s->nactivities = r->nscaling_activities;
        s->activities_loaded = (r->scaling_detail_loaded & 2) != 0;
        r->scaling_policies = NULL;
        r->nscaling_policies = 0;
        r->scaling_activities = NULL;
        r->nscaling_activities = 0;
    }
    world_set_scaling(r->p->world, r->scaling, r->nscaling);
    r->scaling = NULL;
    r->nscaling = r->cscaling = 0;
}

void
refresh_as_free(struct refresh *r)
{
    OD_FREE_ARRAY(r->scaling, r->nscaling, scaling_clear);
    OD_FREE_ARRAY(r->scaling_policies, r->nscaling_policies, scaling_policy_clear);
    OD_FREE_ARRAY(r->scaling_activities, r->nscaling_activities, scaling_activity_clear);
    free(r->scaling_detail);
}
