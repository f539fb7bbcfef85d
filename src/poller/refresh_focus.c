/* The order of a refresh's queue: the calls for what the operator sees go first. The queue
 * is the focused (ranked) jobs by rank, then the others in the order they were queued; the
 * pump still lets a job pass one whose API family has no budget left. */
#include <stdlib.h>
#include <string.h>

#include "poller/refresh.h"
#include "util/xalloc.h"

const char *
refresh_arn_name(const char *arn)
{
    const char *slash = strrchr(arn, '/');

    return slash != NULL ? slash + 1 : arn;
}

size_t
refresh_focus_rank(const struct od_poller *p, const char *name)
{
    size_t at;

    return nameset_find(&p->focus, name, &at) ? at : JOB_RANK_NONE;
}

void
refresh_rank_job(struct refresh *r, struct job *j)
{
    j->rank = refresh_focus_rank(r->p, j->owner);
    for (size_t i = 0; i < j->narns; i++) {
        size_t k = refresh_focus_rank(r->p, refresh_arn_name(j->arns[i]));

        if (k < j->rank)
            j->rank = k;
    }
}

void
refresh_unlink(struct refresh *r, struct job *prev, struct job *j)
{
    if (prev != NULL)
        prev->next = j->next;
    else
        r->head = j->next;
    if (r->tail == j)
        r->tail = prev;
    if (r->ftail == j)
        r->ftail = prev;
    j->next = NULL;
}

void
refresh_enqueue(struct refresh *r, struct job *j)
{
    struct job *prev = NULL, *at;

    if (j->depth > r->stats.depth)
        r->stats.depth = j->depth;
    j->next = NULL;
    if (j->rank == JOB_RANK_NONE) {
        if (r->tail != NULL)
            r->tail->next = j;
        else
            r->head = j;
        r->tail = j;
        return;
    }
    /* After every ranked job of a rank as good: the focus is short, the scan is too. */
    if (r->ftail != NULL && r->ftail->rank <= j->rank) {
        prev = r->ftail;
    } else {
        for (at = r->head; at != NULL && at->rank != JOB_RANK_NONE && at->rank <= j->rank;
             at = at->next)
            prev = at;
    }
    j->next = prev != NULL ? prev->next : r->head;
    if (prev != NULL)
        prev->next = j;
    else
        r->head = j;
    if (r->tail == prev)
        r->tail = j;
    if (r->ftail == NULL || r->ftail == prev)
        r->ftail = j;
}

/* Stable: ranked jobs by rank, then the rest in queue order. */
static int
cmp_queued(const void *a, const void *b)
{
    const struct job *x = *(struct job *const *)a, *y = *(struct job *const *)b;

    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return x->index_in_queue < y->index_in_queue ? -1 : x->index_in_queue > y->index_in_queue;
}

void
refresh_refocus(struct refresh *r)
{
    char **arns = NULL;
    size_t narns = 0, carns = 0, n = 0, i = 0;
    int depth = refresh_ecs_take_describes(r, &arns, &narns, &carns);
    struct job **all, *j;

    if (depth >= 0)
        refresh_ecs_describe_services(r, arns, narns, depth);
    else
        free(arns);
    for (j = r->head; j != NULL; j = j->next)
        n++;
    if (n == 0)
        return;
    all = xcalloc(n, sizeof *all);
    for (j = r->head; j != NULL; j = j->next) {
        refresh_rank_job(r, j);
        j->index_in_queue = i;
        all[i++] = j;
    }
    qsort(all, n, sizeof *all, cmp_queued);
    r->head = all[0];
    r->ftail = NULL;
    for (i = 0; i < n; i++) {
        all[i]->next = i + 1 < n ? all[i + 1] : NULL;
        if (all[i]->rank != JOB_RANK_NONE)
            r->ftail = all[i];
    }
    r->tail = all[n - 1];
    free(all);
}
