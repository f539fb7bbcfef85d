/* Application Auto Scaling (awsJson 1.1, AnyScaleFrontendService; signing name
 * application-autoscaling) for ECS services: ServiceNamespace "ecs", ResourceId
 * "service/CLUSTER/SERVICE", ScalableDimension "ecs:service:DesiredCount". Request bodies and
 * total decoders (members of the wrong type read as absent); no I/O. */
#ifndef OD_AUTOSCALING_H
#define OD_AUTOSCALING_H

#include <stddef.h>

#include "model/scaling.h"
#include "util/err.h"

/* DescribeScalableTargets takes at most 50 ResourceIds (botocore ResourceIdsMaxLen1600). */
#define AUTOSCALING_MAX_RESOURCE_IDS 50

/* "service/CLUSTER/SERVICE" (malloc'd). */
char *autoscaling_resource_id(const char *cluster, const char *service);
/* The SERVICE of "service/CLUSTER/SERVICE" (malloc'd), NULL for another form. */
char *autoscaling_service_of(const char *resource_id);

/* DescribeScalableTargets of up to 50 services of one cluster; token may be NULL. */
char *autoscaling_body_describe_targets(const char *cluster, const char *const *services,
                                        size_t n, const char *token);
/* DescribeScalingPolicies / DescribeScalingActivities of one service. */
char *autoscaling_body_describe_policies(const char *cluster, const char *service,
                                         const char *token);
char *autoscaling_body_describe_activities(const char *cluster, const char *service,
                                           const char *token);
/* RegisterScalableTarget of an existing target with new bounds (nothing else changes:
 * suspended state, role and tags are left out, so AWS keeps them). */
char *autoscaling_body_register(const char *cluster, const char *service, long min, long max);

/* ScalableTargets (only ecs:service:DesiredCount ones) and NextToken. */
enum od_err autoscaling_decode_targets(const char *body, size_t len, struct od_scaling **out,
                                       size_t *n, char **next_token, struct od_error *err);
enum od_err autoscaling_decode_policies(const char *body, size_t len,
                                        struct od_scaling_policy **out, size_t *n,
                                        char **next_token, struct od_error *err);
/* ScalingActivities, in the order AWS sends them (newest first). */
enum od_err autoscaling_decode_activities(const char *body, size_t len,
                                          struct od_scaling_activity **out, size_t *n,
                                          char **next_token, struct od_error *err);

#endif
