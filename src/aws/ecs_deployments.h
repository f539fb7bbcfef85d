/* ECS service deployments: request bodies and decoders for ListServiceDeployments,
 * DescribeServiceDeployments and DescribeServiceRevisions (ECS API Reference). Decoders are
 * total like aws/ecs.c's: any input yields OD_OK with what could be read, or OD_E_PARSE. */
#ifndef OD_ECS_DEPLOYMENTS_H
#define OD_ECS_DEPLOYMENTS_H

#include <stddef.h>

#include "aws/ecs.h"
#include "model/service_deployment.h"
#include "model/service_revision.h"

/* The most DescribeServiceDeployments and DescribeServiceRevisions take at once. */
#define DESCRIBE_SERVICE_DEPLOYMENTS_MAX 20


char *ecs_body_list_service_deployments(const char *cluster, const char *service, int max);
char *ecs_body_describe_service_deployments(const char *const *arns, size_t n);
char *ecs_body_describe_service_revisions(const char *const *arns, size_t n);

/* ListServiceDeployments: the deployment ARNs, newest first as ECS lists them. */
enum od_err ecs_decode_service_deployment_list(const char *body, size_t len, char ***arns,
                                               size_t *n, char **next_token,
                                               struct od_error *err);
enum od_err ecs_decode_service_deployments(const char *body, size_t len,
                                           struct od_service_deployment **out, size_t *n,
                                           struct od_error *err);
enum od_err ecs_decode_service_revisions(const char *body, size_t len,
                                         struct od_service_revision **out, size_t *n,
                                         struct od_error *err);

#endif
