/* Grouping of a service's stopped tasks by stop code and reason. */
#include <stdlib.h>
#include <string.h>

#include "model/stop_groups.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/xalloc.h"

static double
stopped_time(const struct od_task *t)
{
    return t->stopped_at > 0 ? t->stopped_at : t->stopping_at;
}

static struct od_stop_group *
group_for(struct od_stop_group **arr, size_t *n, const struct od_task *t)
{
    for (size_t i = 0; i < *n; i++)
        if (str_eq((*arr)[i].stop_code, t->stop_code) && str_eq((*arr)[i].reason, t->stopped_reason))
            return &(*arr)[i];
    *arr = xreallocarray(*arr, *n + 1, sizeof **arr);
    memset(&(*arr)[*n], 0, sizeof **arr);
    (*arr)[*n].stop_code = t->stop_code;
    (*arr)[*n].reason = t->stopped_reason;
    return &(*arr)[(*n)++];
}

static void
add_exit(struct od_stop_group *g, const struct od_container *c)
{
    for (size_t i = 0; i < g->nexits; i++) {
        if (str_eq(g->exits[i].container, c->name) && g->exits[i].code == c->exit_code) {
            g->exits[i].count++;
            return;
        }
    }
    g->exits = xreallocarray(g->exits, g->nexits + 1, sizeof *g->exits);
    g->exits[g->nexits].container = c->name;
    g->exits[g->nexits].code = c->exit_code;
    g->exits[g->nexits].count = 1;
    g->nexits++;
}

static int
by_count(const void *a, const void *b)
{
    const struct od_stop_group *x = a, *y = b;

    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    if (x->last_stopped_at != y->last_stopped_at)
        return x->last_stopped_at > y->last_stopped_at ? -1 : 1;
    return 0;
}

static int
exit_by_count(const void *a, const void *b)
{
    const struct od_stop_exit *x = a, *y = b;
    int c;

    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    if ((c = strcmp(x->container != NULL ? x->container : "",
                    y->container != NULL ? y->container : "")) != 0)
        return c;
    return x->code < y->code ? -1 : x->code > y->code;
}

size_t
stop_groups_of_service(const struct od_world *w, const char *service, struct od_stop_group **out)
{
    size_t n = 0;

    *out = NULL;
    for (size_t i = 0; i < w->nstopped; i++) {
        const struct od_task *t = &w->stopped[i];
        struct od_stop_group *g;

        if (!str_eq(task_service_name(t), service))
            continue;
        g = group_for(out, &n, t);
        g->count++;
        if (g->newest_task_id == NULL || stopped_time(t) > g->last_stopped_at) {
            g->last_stopped_at = stopped_time(t);
            g->newest_task_id = t->id;
        }
        for (size_t k = 0; k < t->ncontainers; k++)
            if (t->containers[k].has_exit_code)
                add_exit(g, &t->containers[k]);
    }
    if (n > 1)
        qsort(*out, n, sizeof **out, by_count);
    for (size_t i = 0; i < n; i++)
        if ((*out)[i].nexits > 1)
            qsort((*out)[i].exits, (*out)[i].nexits, sizeof *(*out)[i].exits, exit_by_count);
    return n;
}

void
stop_groups_free(struct od_stop_group *groups, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(groups[i].exits);
    free(groups);
}

char *
stop_group_exits_text(const struct od_stop_group *g)
{
    struct od_buf b;

    if (g->nexits == 0)
        return xstrdup("no exit code");
    buf_init(&b, 0);
    for (size_t i = 0; i < g->nexits; i++) {
        const struct od_stop_exit *e = &g->exits[i];

        (void)buf_printf(&b, "%s%s %ld", i > 0 ? ", " : "",
                         e->container != NULL ? e->container : "?", e->code);
        if (e->count != g->count)
            (void)buf_printf(&b, " (×%zu)", e->count);
    }
    return buf_steal(&b);
}
