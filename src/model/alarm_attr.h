/* Which services an alarm belongs to. An alarm belongs to a service when one set of its
 * dimensions names it: ECS ClusterName + ServiceName, the TargetGroup dimension of one of its
 * target groups (the "targetgroup/NAME/ID" suffix of the ARN), or, without a TargetGroup, the
 * LoadBalancer dimension ("app/NAME/ID") of a load balancer one of its target groups is
 * attached to. A metric-math alarm has no dimensions of its own: its
 * Metrics[].MetricStat.Metric dimensions are read, each set on its own. One alarm may belong
 * to several services (a load balancer's alarm, math over two services). */
#ifndef OD_ALARM_ATTR_H
#define OD_ALARM_ATTR_H

#include <stdbool.h>
#include <stddef.h>

#include "model/world.h"

/* Does the alarm belong to the service of w (w's cluster, services and target groups)? */
bool alarm_of_service(const struct od_world *w, const struct od_alarm *a,
                      const struct od_service *s);

/* The services of w the alarm belongs to, in w's order: up to max names (pointers into w,
 * valid until w changes) in names (NULL when max is 0); returns how many belong, which may
 * exceed max. */
size_t alarm_services(const struct od_world *w, const struct od_alarm *a, const char **names,
                      size_t max);

/* The same as text: "web, api" (malloc'd), NULL when it belongs to none. */
char *alarm_services_text(const struct od_world *w, const struct od_alarm *a);

/* How many alarms belong to the service, and how many of them are in ALARM. */
struct od_alarm_count {
    size_t total, firing;
};
void service_alarm_counts(const struct od_world *w, const struct od_service *s,
                          struct od_alarm_count *c);
/* service_alarm_counts of every service of w at once, out[i] for w->services[i] (out holds
 * w->nservices): an alarm that names its service by ServiceName is counted by name, not by
 * trying each service (the services table asked 10,000 × alarms). */
void world_alarm_counts(const struct od_world *w, struct od_alarm_count *out);

#endif
