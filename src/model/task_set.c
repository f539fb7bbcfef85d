#include "model/task_set.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"
#include "util/xalloc.h"

const char *
task_set_controller(const struct od_service *s)
{
    return s != NULL && !str_empty(s->deployment_controller) ? s->deployment_controller : "ECS";
}

bool
task_set_controlled(const struct od_service *s)
{
    const char *c = task_set_controller(s);

    /* a service that sends task sets and no deployments is one, whatever the type says */
    return str_eq(c, "CODE_DEPLOY") || str_eq(c, "EXTERNAL") ||
           (s != NULL && s->ndeployments == 0 && s->ntask_sets > 0);
}

const struct od_task_set *
task_set_primary(const struct od_service *s)
{
    for (size_t i = 0; s != NULL && i < s->ntask_sets; i++)
        if (str_eq(s->task_sets[i].status, "PRIMARY"))
            return &s->task_sets[i];
    return NULL;
}

bool
task_set_steady(const struct od_task_set *ts)
{
    return str_eq(ts->stability_status, "STEADY_STATE") && ts->running == ts->computed_desired &&
           ts->pending == 0;
}

bool
task_set_any_stabilizing(const struct od_service *s)
{
    for (size_t i = 0; s != NULL && i < s->ntask_sets; i++)
        if (!task_set_steady(&s->task_sets[i]))
            return true;
    return false;
}

char *
task_set_summary(const struct od_service *s)
{
    char *out = NULL;

    if (s == NULL || s->ntask_sets == 0)
        return xstrdup("no task sets");
    /* the PRIMARY set first (pass 0), then the others in the order AWS sent them */
    for (size_t k = 0; k < 2 * s->ntask_sets; k++) {
        const struct od_task_set *ts = &s->task_sets[k % s->ntask_sets];
        char *td, *next;

        if (str_eq(ts->status, "PRIMARY") != (k < s->ntask_sets))
            continue;
        td = task_def_short_name(ts->task_definition);

        next = xasprintf("%s%s%s %s %ld/%ld %s", out != NULL ? out : "", out != NULL ? "; " : "",
                         ts->status != NULL ? ts->status : "?", td != NULL ? td : "?",
                         ts->running, ts->computed_desired,
                         ts->stability_status != NULL ? ts->stability_status : "-");
        free(td);
        free(out);
        out = next;
    }
    return out;
}
