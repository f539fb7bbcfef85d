/* Filling the timeline: each read of the world, the alarm history and ondeck's audit journal
 * become entries, each naming its source. Keys make a second sighting a no-op: service events
 * by id, stopped tasks by ARN, deployments by id and state, alarm changes by name and time,
 * invalidations by id, target transitions by target, state and time. */
#ifndef OD_TIMELINE_COLLECT_H
#define OD_TIMELINE_COLLECT_H

#include <stddef.h>

#include "aws/cw_history.h"
#include "model/world.h"
#include "timeline/store.h"

/* Service events, deployments, stopped tasks (once STOPPED, with each container's exit code),
 * target health transitions against the states the store last recorded (recorded anew), and
 * CloudFront invalidations. Parts not loaded, or stale, add nothing. Returns entries added. */
size_t tl_collect_world(struct tl_store *s, const struct od_world *w);
/* Alarm state changes of the alarms attributed to a service of the world. */
size_t tl_collect_alarms(struct tl_store *s, const struct od_world *w,
                         const struct od_alarm_change *c, size_t n);
/* ondeck's own actions on the world's region and cluster from the audit journal (a journal
 * that cannot be read adds nothing: it is the audit's, not the timeline's, to report). A task
 * action is put under the task's service when the world knows the task. */
size_t tl_collect_audit(struct tl_store *s, const char *audit_path, const struct od_world *w);
/* The service an alarm belongs to: the first whose dimensions (or whose target groups') it
 * names. NULL: none in this world. */
const char *tl_alarm_service(const struct od_world *w, const struct od_alarm *a);

#endif
