/* ECS service revisions (DescribeServiceRevisions, ECS API Reference ServiceRevision): what a
 * service ran at one deployment (task definition, container image digests, network
 * configuration, load balancers, capacity provider strategy), and the differences between two
 * of them. Decoders are in aws/ecs_deployments.c. Strings are raw AWS text: sanitise before
 * drawing. */
#ifndef OD_SERVICE_REVISION_H
#define OD_SERVICE_REVISION_H

#include <stddef.h>
#include <stdint.h>

/* A load balancer of a service revision: target group (or classic name), container, port. */
struct od_sr_lb {
    char *target_group_arn, *load_balancer_name, *container_name;
    long container_port;
};

/* One item of a capacity provider strategy. */
struct od_sr_capacity {
    char *provider;
    long weight, base;
};

struct od_service_revision {
    char *arn, *service_arn, *task_definition, *launch_type, *platform_version;
    char *platform_family;
    char **images;  /* "containerName image@digest" per container */
    size_t nimages;
    int64_t created_ms;
    /* networkConfiguration.awsvpcConfiguration */
    char **subnets, **security_groups;
    size_t nsubnets, nsecurity_groups;
    char *assign_public_ip; /* ENABLED | DISABLED, NULL when not sent */
    struct od_sr_lb *lbs;
    size_t nlbs;
    struct od_sr_capacity *capacity;
    size_t ncapacity;
};

void service_revision_clear(struct od_service_revision *r);

/* One difference: field ("task definition", "image app", "subnets", "security groups",
 * "public IP", "load balancers", "capacity provider strategy", "launch type", "platform
 * version", "platform family"); from and to are the values (NULL when absent). */
struct od_revision_change {
    char *field, *from, *to;
};

/* The differences from one revision to another, in the order above (containers by name);
 * *n = 0 and NULL when they run the same. Lists compare as sets. */
struct od_revision_change *revision_diff(const struct od_service_revision *from,
                                         const struct od_service_revision *to, size_t *n);
/* "field: from -> to" lines, each ending in a newline ("" when n is 0; raw, malloc'd). */
char *revision_diff_text(const struct od_revision_change *c, size_t n);
void revision_changes_free(struct od_revision_change **c, size_t *n);

#endif
