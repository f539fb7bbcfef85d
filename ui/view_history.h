/* The history view: a service's ECS service deployments, newest first (ListServiceDeployments,
 * DescribeServiceDeployments, DescribeServiceRevisions; src/poller/deploy_history.h), each
 * with its outcome, strategy, start, duration, the revisions it moved between and what differs
 * between them (task definition, image digests, network configuration, load balancers,
 * capacity providers). Read once when opened; `r` reads it again. `H` in the service view. */
#ifndef UI_VIEW_HISTORY_H
#define UI_VIEW_HISTORY_H

#include "ui/view.h"

struct view *view_history_new(struct ui *ui, const char *cluster, const char *service);

#endif
