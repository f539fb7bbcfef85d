/* The status bar's ages: how long ago each part the view shows was last confirmed (its last
 * successful refresh), "services 4s · targets 12s · metrics 48s". A part whose calls fail
 * keeps its last good time, so it grows older while the others are confirmed again. Pure: no
 * terminal (tests/unit can call it). */
#ifndef UI_BAR_AGES_H
#define UI_BAR_AGES_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "model/world.h"

/* The ages of the loaded parts among `parts` (POLL_PART bits) that have a cadence of their own
 * (clusters, services, tasks, instances, targets, alarms, metrics, distributions), joined by
 * sep; false (and "") when none is loaded. */
bool bar_ages_text(const struct od_world *w, unsigned parts, time_t now, const char *sep,
                   char *out, size_t len);

#endif
