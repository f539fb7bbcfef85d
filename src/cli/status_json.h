/* The JSON documents of `status`, `clusters`, `distributions` and `metrics`. Keys are AWS
 * field names (doc/json-output.md); times are epoch seconds as the APIs send them. */
#ifndef OD_STATUS_JSON_H
#define OD_STATUS_JSON_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "model/world.h"
#include "poller/poller.h"

cJSON *status_json_service(const struct od_world *w, const struct od_service *s);
/* service_filter: only that service (NULL = all). */
cJSON *status_json(const struct od_world *w, const char *service_filter);
/* The same document printed to out (made inert, with a final newline) one service at a time,
 * so that the whole tree and its text are never held at once; stats (taken) is added as
 * "stats" when not NULL. Byte for byte what cJSON_Print of status_json would give. */
void status_json_print(const struct od_world *w, const char *service_filter, cJSON *stats,
                       FILE *out);
cJSON *status_json_clusters(const struct od_world *w);
cJSON *status_json_distribution(const struct od_world *w, const struct od_distribution *d);
cJSON *status_json_alarm(const struct od_world *w, const struct od_alarm *a);
/* calls_per_minute: API calls started in the last 60 s (poller_calls_per_minute). */
cJSON *status_json_stats(const struct od_refresh_stats *st, unsigned calls_per_minute);
/* Parts that are stale, as {"part": "error"}; NULL when everything is current. */
cJSON *status_json_stale(const struct od_world *w);
/* {part: "iam:Action"} for each part refused for want of permission, or NULL. */
cJSON *status_json_denied(const struct od_world *w);

#endif
