/* ELBv2 (awsQuery 2015-12-01): request parameters and XML decoders. Pure functions. */
#ifndef OD_ELBV2_H
#define OD_ELBV2_H

#include <stddef.h>

#include "aws/sigv4.h"
#include "model/entities.h"
#include "util/err.h"

/* Query parameters are returned as a malloc'd array of malloc'd key/value strings;
 * free with kv_array_free. Action and Version are not included (aws_call_query adds them).
 * The Describe* lists add PageSize=400 (the model's maximum) and Marker when non-NULL.
 * Batch limits: LoadBalancerArns <= 20 per call (model doc); TargetGroupArns has no documented
 * or modelled limit, so callers batch them by 20 as well (ELBV2_MAX_ARNS). */
#define ELBV2_MAX_ARNS 20
struct od_kv *elbv2_params_describe_target_groups(const char *const *arns, size_t n,
                                                  const char *marker, size_t *nparams);
struct od_kv *elbv2_params_describe_target_health(const char *target_group_arn,
                                                  size_t *nparams);
struct od_kv *elbv2_params_describe_load_balancers(const char *const *arns, size_t n,
                                                   const char *marker, size_t *nparams);
void kv_array_free(struct od_kv *kv, size_t n);

/* DescribeTargetGroups: groups (without targets) and NextMarker (NULL when last page). */
enum od_err elbv2_decode_target_groups(const char *body, size_t len,
                                       struct od_target_group **out, size_t *n,
                                       char **next_marker, struct od_error *err);
/* DescribeTargetHealth: the targets of one group (task_id left NULL). */
enum od_err elbv2_decode_target_health(const char *body, size_t len, struct od_target **out,
                                       size_t *n, struct od_error *err);

struct od_load_balancer {
    char *arn;
    char *name;
    char *dns_name;
    char *type;
    char *state;
};
void load_balancer_clear(struct od_load_balancer *lb);
enum od_err elbv2_decode_load_balancers(const char *body, size_t len,
                                        struct od_load_balancer **out, size_t *n,
                                        char **next_marker, struct od_error *err);

/* CloudWatch dimension values from ARNs: "targetgroup/NAME/ID", "app/NAME/ID"; malloc'd,
 * NULL when the ARN has no such part. */
char *elbv2_tg_dimension(const char *target_group_arn);
char *elbv2_lb_dimension(const char *load_balancer_arn);

#endif
