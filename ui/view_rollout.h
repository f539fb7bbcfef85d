/* The rollout view: follows one ECS deployment with the watcher (src/actions/watch.h) and
 * shows each snapshot: the verdict, the deployments with counts and progress, the circuit
 * breaker, the tasks of the new deployment with their stop reasons and target health, and
 * the service events. On FAILED it offers R: roll back to the last stable revision (one key,
 * then the confirmation). Opened after deploy, rollback and scale, or with `w` on a service. */
#ifndef UI_VIEW_ROLLOUT_H
#define UI_VIEW_ROLLOUT_H

#include "ui/view.h"

struct view_rollout_opts {
    const char *cluster;
    const char *service;
    const char *deployment_id;   /* NULL: the PRIMARY deployment at the first poll */
    const char *task_definition; /* NULL: that deployment's */
    const char *stable_td;       /* the revision to offer on FAILED; NULL: the watcher's */
};

struct view *view_rollout_new(struct ui *ui, const struct view_rollout_opts *o);
/* When v is a rollout view whose rollout FAILED with a revision to go back to: that revision
 * number; 0 otherwise (other views too). */
long view_rollout_rollback_revision(const struct view *v);

#endif
