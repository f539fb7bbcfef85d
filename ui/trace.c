/* The console's trace of when the screen and the world became complete (ui/trace.h). One
 * console a process: the state is this file's. */
#include "ui/trace.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "poller/poller.h"
#include "util/clock.h"

static FILE *trace;
static uint64_t trace_t0;
static bool screen_done, world_done;

void
trace_start(void)
{
    const char *path = getenv("ONDECK_TRACE");

    trace_t0 = clock_mono_ms();
    screen_done = world_done = false;
    if (path == NULL || path[0] == '\0' || trace != NULL)
        return;
    trace = fopen(path, "a");
}

void
trace_stop(void)
{
    if (trace != NULL)
        fclose(trace);
    trace = NULL;
}

static void
trace_line(const char *what)
{
    fprintf(trace, "%llu %s\n", (unsigned long long)(clock_mono_ms() - trace_t0), what);
    fflush(trace);
}

/* Described, with its target groups' health (when it has any) and its metrics. */
static bool
row_complete(const struct od_world *w, const char *name)
{
    const struct od_service *s = world_service(w, name);

    if (s == NULL)
        return false;
    if (s->nlbs > 0 && !w->parts[OD_PART_TARGETS].loaded)
        return false;
    return world_metrics(w, name) != NULL || w->parts[OD_PART_METRICS].loaded;
}

void
trace_check(const struct od_world *w, const struct od_poller *p, const char *const *shown,
            size_t nshown)
{
    if (trace == NULL || w == NULL || p == NULL)
        return;
    if (!screen_done && nshown > 0) {
        size_t i = 0;

        while (i < nshown && row_complete(w, shown[i]))
            i++;
        if (i == nshown) {
            screen_done = true;
            trace_line("screen-complete");
        }
    }
    if (!world_done && poller_completed(p) > 0 && w->parts[OD_PART_SERVICES].loaded) {
        world_done = true;
        trace_line("world-complete");
    }
}
