/* The rollback picker's service revisions: beside the task-definition revisions, the service
 * revisions its service deployments moved between (DescribeServiceRevisions), newest first,
 * with the diff from the current one (image digests, task definition, network configuration,
 * load balancers, capacity providers). Choosing one rolls back to its task definition:
 * UpdateService taskDefinition restores that (and so the images), not the network
 * configuration, load balancers or capacity provider strategy, and the picker says so. */
#ifndef UI_ACT_ROLLBACK_REVISIONS_H
#define UI_ACT_ROLLBACK_REVISIONS_H

#include "ui/act.h"

/* Read the service's deployment history beside the plan (the picker redraws when it comes). */
void act_rollback_revisions_start(struct op *op);
/* The picker's "Service revisions" rows (act_flow build_more). */
void act_rollback_revisions_build(struct ui_doc *d, const struct op *op);
/* The cursor is on service revision row i: select its task definition in the plan. */
void act_rollback_revisions_cursor(struct view *v, struct op *op, long i);
/* Enter on service revision row i: select it, then the confirmation. */
void act_rollback_revisions_choose(struct view *v, struct op *op, long i);

#endif
