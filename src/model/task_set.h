/* Task sets: CODE_DEPLOY and EXTERNAL services keep their versions in Service.taskSets, not in
 * deployments[], and send no rolloutState (ECS API Reference: Deployment "is used only when a
 * service uses the ECS deployment controller type"; TaskSet). Pure helpers over a service. */
#ifndef OD_TASK_SET_H
#define OD_TASK_SET_H

#include <stdbool.h>

#include "model/entities.h"

/* "ECS", "CODE_DEPLOY" or "EXTERNAL": the service's deployment controller (ECS when not sent,
 * as DeploymentController documents). */
const char *task_set_controller(const struct od_service *s);
/* Does the service keep its versions in task sets (CODE_DEPLOY or EXTERNAL)? */
bool task_set_controlled(const struct od_service *s);
/* The PRIMARY task set (serving production traffic), or NULL. */
const struct od_task_set *task_set_primary(const struct od_service *s);
/* STEADY_STATE with running == computedDesiredCount and nothing pending. */
bool task_set_steady(const struct od_task_set *ts);
/* Is any task set not steady? */
bool task_set_any_stabilizing(const struct od_service *s);
/* "PRIMARY web:2 2/2 STEADY_STATE; ACTIVE web:1 1/1 STEADY_STATE" (malloc'd, raw AWS text:
 * sanitise before drawing); "no task sets" when there are none. */
char *task_set_summary(const struct od_service *s);

#endif
