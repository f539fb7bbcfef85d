/* Application Auto Scaling of an ECS service's desired count: the scalable target's bounds
 * and suspended state, its policies and its latest activities. Raw text as AWS sent it
 * (sanitise before display). */
#ifndef OD_SCALING_H
#define OD_SCALING_H

#include <stdbool.h>
#include <stddef.h>

struct od_scaling_policy {
    char *name;
    char *type;          /* "TargetTrackingScaling", "StepScaling", "PredictiveScaling" */
    bool has_target;     /* target tracking: target_value is set */
    double target_value;
    char *metric;        /* the predefined metric type, or NULL */
};

struct od_scaling_activity {
    char *description;
    char *cause;
    char *status;         /* StatusCode: "Successful", "InProgress", "Failed", ... */
    char *status_message;
    double start_time, end_time; /* epoch seconds; 0 when absent */
};

/* One service's scalable target (ecs:service:DesiredCount). */
struct od_scaling {
    char *service;     /* service name (from the ResourceId "service/CLUSTER/SERVICE") */
    char *resource_id;
    long min, max;
    bool in_suspended, out_suspended, scheduled_suspended;
    double created_at;
    struct od_scaling_policy *policies;
    size_t npolicies;
    bool policies_loaded;   /* policies and activities are read for the open service only */
    struct od_scaling_activity *activities; /* newest first */
    size_t nactivities;
    bool activities_loaded;
};

void scaling_policy_clear(struct od_scaling_policy *p);
void scaling_activity_clear(struct od_scaling_activity *a);
void scaling_clear(struct od_scaling *s);
/* Whether count is within [min, max]. */
bool scaling_within(const struct od_scaling *s, long count);

#endif
