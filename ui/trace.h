/* ONDECK_TRACE=FILE: the console appends "<ms since start> screen-complete" (the first time
 * every row on screen has its describe, target health and metrics) and "<ms> world-complete"
 * (the first full refresh committed), for bench/ (doc/performance.md). Names, never data. */
#ifndef OD_UI_TRACE_H
#define OD_UI_TRACE_H

#include <stddef.h>

#include "model/world.h"

struct od_poller;

void trace_start(void);
void trace_stop(void);
/* After a repaint: the rows on screen (service names) of a services view, and the poller. */
void trace_check(const struct od_world *w, const struct od_poller *p, const char *const *shown,
                 size_t nshown);

#endif
