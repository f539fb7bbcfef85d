/* The service deployment of one service in `ondeck status --service` (text and JSON). */
#ifndef OD_STATUS_DEPLOYMENT_H
#define OD_STATUS_DEPLOYMENT_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "model/service_deployment.h"

/* {"serviceDeploymentArn": ..., "strategy": ..., ...} (doc/json-output.md). */
cJSON *status_json_service_deployment(const struct od_service_deployment *d, int64_t now_ms);
/* The indented lines under the service's row. */
void status_print_service_deployment(const struct od_service_deployment *d, int64_t now_ms);

#endif
