/* Reading the alarm history for the timeline: DescribeAlarmHistory (StateUpdate items) since a
 * time, newest first, a few pages at most (a storm of flapping alarms must not cost a minute of
 * calls; the newest changes are the ones read). One call for every alarm of the region, not one
 * per alarm: the collector keeps the alarms attributed to the cluster's services. */
#ifndef OD_TIMELINE_HISTORY_H
#define OD_TIMELINE_HISTORY_H

#include <stddef.h>

#include "aws/cw_history.h"
#include "aws/request.h"

#define TL_HISTORY_PAGES 5

struct tl_history;

/* Exactly one callback per started read: the changes (the callee owns them; free with
 * tl_history_changes_free) or the error. */
typedef void (*tl_history_cb)(struct od_alarm_change *c, size_t n, const struct od_error *err,
                              void *ud);

/* Start; *out (may be NULL) is the read's handle for tl_history_cancel until the callback. */
enum od_err tl_history_fetch(struct od_aws *aws, double start, tl_history_cb cb, void *ud,
                             struct tl_history **out, struct od_error *err);
/* Drop a read in flight: no callback will run. */
void tl_history_cancel(struct tl_history *h);
void tl_history_changes_free(struct od_alarm_change *c, size_t n);

#endif
