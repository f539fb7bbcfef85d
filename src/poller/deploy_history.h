/* A service's deployment history: its ECS service deployments, newest first, with their
 * outcome and the service revisions they moved between. ListServiceDeployments (paged, up to
 * max_items), DescribeServiceDeployments and DescribeServiceRevisions in batches of
 * DESCRIBE_SERVICE_DEPLOYMENTS_MAX (the API's limit). One fetch, read once: the console's
 * history view and `ondeck deployments` share it. */
#ifndef OD_DEPLOY_HISTORY_H
#define OD_DEPLOY_HISTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/ecs_deployments.h"
#include "aws/request.h"

struct od_deploy_history {
    struct od_service_deployment *deps; /* newest first (createdAt, then the listed order) */
    size_t ndeps;
    struct od_service_revision *revs;   /* every revision the deployments name, when read */
    size_t nrevs;
    bool truncated;       /* ECS lists more than max_items */
    unsigned list_calls;  /* ListServiceDeployments pages read */
    char *revisions_error; /* DescribeServiceRevisions failed (the diffs are missing), or NULL */
};

/* err is NULL on success (h is the caller's: deploy_history_free), else h is NULL. */
typedef void (*deploy_history_cb)(struct od_deploy_history *h, const struct od_error *err,
                                  void *ud);
struct od_history_fetch;

/* Start reading; max_items 0 = 20, page_size 0 = ECS's default page (maxResults not sent).
 * OD_OK: cb runs once, from the loop (never after deploy_history_cancel). */
enum od_err deploy_history_fetch(struct od_aws *aws, const char *cluster, const char *service,
                                 size_t max_items, int page_size, deploy_history_cb cb, void *ud,
                                 struct od_history_fetch **out, struct od_error *err);
/* Stop a fetch (NULL-safe, sets *f = NULL): no callback follows. */
void deploy_history_cancel(struct od_history_fetch **f);
void deploy_history_free(struct od_deploy_history **h);

/* The revision of h with this ARN, or NULL when it was not read. */
const struct od_service_revision *deploy_history_revision(const struct od_deploy_history *h,
                                                          const char *arn);
/* What a deployment moved, source (the first) to target; NULL/0 when either is unknown or
 * there is no source (the service's creation). */
struct od_revision_change *deploy_history_changes(const struct od_deploy_history *h,
                                                  const struct od_service_deployment *d,
                                                  size_t *n);
/* "web:3" (the revision's task definition) or the revision's id; malloc'd. */
char *deploy_history_label(const struct od_deploy_history *h, const char *revision_arn);
/* Seconds from start (or creation) to finish, or to now_ms while in flight; -1 unknown. */
long deploy_history_duration_s(const struct od_service_deployment *d, int64_t now_ms);

#endif
