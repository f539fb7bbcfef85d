#include "ui/bar_ages.h"

#include <stdio.h>
#include <string.h>

#include "poller/poller.h"
#include "ui/present.h"

/* The parts refreshed on a cadence, in the order the bar names them. Task definitions (a
 * cache), stopped tasks, scaling and service deployments are details of one screen. */
static const struct {
    enum od_part part;
    const char *label;
} shown[] = {
    {OD_PART_CLUSTERS, "clusters"}, {OD_PART_SERVICES, "services"},
    {OD_PART_TASKS, "tasks"},       {OD_PART_INSTANCES, "instances"},
    {OD_PART_TARGETS, "targets"},   {OD_PART_ALARMS, "alarms"},
    {OD_PART_METRICS, "metrics"},   {OD_PART_DISTRIBUTIONS, "distributions"},
};

bool
bar_ages_text(const struct od_world *w, unsigned parts, time_t now, const char *sep, char *out,
              size_t len)
{
    size_t at = 0;
    bool any = false;

    if (len == 0)
        return false;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++) {
        const struct od_part_state *ps = &w->parts[shown[i].part];
        char age[16];
        int k;

        if (!(parts & POLL_PART(shown[i].part)) || !ps->loaded)
            continue;
        present_age_short((long)(now - ps->updated_at), age, sizeof age);
        k = snprintf(out + at, len - at, "%s%s %s", any ? sep : "", shown[i].label, age);
        if (k < 0 || (size_t)k >= len - at) {
            out[at] = '\0'; /* no half entries */
            break;
        }
        at += (size_t)k;
        any = true;
    }
    return any;
}
