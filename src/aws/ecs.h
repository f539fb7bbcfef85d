/* ECS (awsJson 1.1): request bodies and response decoders. Pure functions: no I/O. */
#ifndef OD_ECS_H
#define OD_ECS_H

#include <stddef.h>

#include "model/entities.h"
#include "util/err.h"

/* A per-item failure from a Describe call ("MISSING"). */
struct od_failure {
    char *arn;
    char *reason;
    char *detail;
};
void failure_clear(struct od_failure *f);

/* ---- request bodies (malloc'd JSON text) ---- */
/* ListClusters / ListServices / ListTasks / ListContainerInstances / ListTaskDefinitions:
 * cluster may be NULL (ListClusters); next_token may be NULL. maxResults is always 100. */
char *ecs_body_list_clusters(const char *next_token);
char *ecs_body_list_services(const char *cluster, const char *next_token);
/* desired_status: "RUNNING" (default when NULL) or "STOPPED". */
char *ecs_body_list_tasks(const char *cluster, const char *desired_status, const char *next_token);
char *ecs_body_list_container_instances(const char *cluster, const char *next_token);
/* family_prefix may be NULL; sort "DESC" or "ASC"; status "ACTIVE" (NULL) or "INACTIVE". */
char *ecs_body_list_task_definitions(const char *family_prefix, const char *sort,
                                     const char *status, const char *next_token);
/* DescribeClusters (<= 100), DescribeServices (<= 10), DescribeTasks (<= 100),
 * DescribeContainerInstances (<= 100): names or ARNs. */
char *ecs_body_describe_clusters(const char *const *names, size_t n);
char *ecs_body_describe_services(const char *cluster, const char *const *names, size_t n);
char *ecs_body_describe_tasks(const char *cluster, const char *const *arns, size_t n);
char *ecs_body_describe_container_instances(const char *cluster, const char *const *arns,
                                            size_t n);
char *ecs_body_describe_task_definition(const char *task_definition);

/* ---- decoders ---- */
/* Any List* response: the array under key ("clusterArns", "serviceArns", "taskArns",
 * "containerInstanceArns", "taskDefinitionArns") and nextToken (NULL when absent or null). */
enum od_err ecs_decode_arn_list(const char *body, size_t len, const char *key, char ***arns,
                                size_t *n, char **next_token, struct od_error *err);
enum od_err ecs_decode_clusters(const char *body, size_t len, struct od_cluster **out,
                                size_t *n, struct od_error *err);
/* failures/nfailures may be NULL when the caller does not want them. */
enum od_err ecs_decode_services(const char *body, size_t len, struct od_service **out,
                                size_t *n, struct od_failure **failures, size_t *nfailures,
                                struct od_error *err);
enum od_err ecs_decode_tasks(const char *body, size_t len, struct od_task **out, size_t *n,
                             struct od_failure **failures, size_t *nfailures,
                             struct od_error *err);
enum od_err ecs_decode_container_instances(const char *body, size_t len,
                                           struct od_container_instance **out, size_t *n,
                                           struct od_error *err);
enum od_err ecs_decode_task_definition(const char *body, size_t len, struct od_task_def *out,
                                       struct od_error *err);

void arn_list_free(char ***arns, size_t *n);

#endif
