/* The ECS service deployment of a service as console lines (service and rollout views) and as
 * the services table's short form. */
#ifndef OD_PRESENT_DEPLOYMENT_H
#define OD_PRESENT_DEPLOYMENT_H

#include <stdint.h>

#include "model/service_deployment.h"
#include "ui/color.h"
#include "ui/widget_doc.h"

/* A "Service deployment" section: strategy and status, the stages with the current one
 * marked, bake time left, a loud line for a hook AWAITING_ACTION (expiry, timeoutAction), the
 * target and source revisions with task counts and traffic weights, circuit breaker, alarms,
 * rollback reason. Nothing when sd is NULL. */
void present_service_deployment(struct ui_doc *d, const struct od_service_deployment *sd,
                                int64_t now_ms);
/* The element the services table draws the short form in: loud when paused or rolling back. */
enum ui_el present_service_deployment_el(const struct od_service_deployment *sd);

#endif
