/* The order of a refresh's queue (src/poller/refresh_focus.c): the focused services'
 * describes and target health go first, in focus order; the rest keep the order they were
 * queued; a new focus re-batches the waiting DescribeServices and re-orders everything. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "poller/refresh.h"
#include "util/xalloc.h"

static void
noop(struct refresh *r, struct job *j, const struct od_aws_response *resp,
     const struct od_error *err)
{
    (void)r, (void)j, (void)resp, (void)err;
}

static const struct job *
first_describe(const struct refresh *r)
{
    const struct job *j = r->head;

    while (j != NULL && j->narns == 0)
        j = j->next;
    return j;
}

static void
set_focus(struct od_poller *p, const char *const *names, size_t n)
{
    nameset_assign(&p->focus, names, n); /* the focus without a refresh to re-order */
}

static struct job *
health_job(struct refresh *r, const char *owner)
{
    struct job *j = refresh_job_new(r, OD_SVC_ELBV2, "DescribeTargetHealth", OD_PART_TARGETS, 2,
                                    noop);

    j->owner = xstrdup(owner);
    refresh_rank_job(r, j);
    refresh_enqueue(r, j);
    return j;
}

/* The first name of each DescribeServices batch and the owner of each other job, in queue
 * order, "," between. */
static void
queue_order(const struct refresh *r, char *out, size_t len)
{
    size_t n = 0;

    out[0] = '\0';
    for (const struct job *j = r->head; j != NULL && n < len; j = j->next)
        n += (size_t)snprintf(out + n, len - n, "%s%s", n > 0 ? "," : "",
                              j->narns > 0 ? refresh_arn_name(j->arns[0])
                              : j->owner != NULL ? j->owner : "-");
}

int
main(void)
{
    struct od_poller p = {0};
    struct refresh *r = xcalloc(1, sizeof *r);
    char order[512];
    char **arns = xcalloc(40, sizeof *arns);
    const char *top[] = {"s00", "s01", "s02"};
    const char *bottom[] = {"s39", "s38", "s21"};
    const struct job *last = NULL, *d;
    int ranked = 0;

    r->p = &p;
    r->cluster = xstrdup("prod");

    /* No focus: first come, first served. */
    health_job(r, "s05");
    health_job(r, "s01");
    queue_order(r, order, sizeof order);
    CHECK_STR(order, "s05,s01", "without a focus the queue keeps its order");

    set_focus(&p, top, 3);
    health_job(r, "s02");
    health_job(r, "s00");
    health_job(r, "s30");
    queue_order(r, order, sizeof order);
    CHECK_STR(order, "s00,s02,s05,s01,s30", "focused jobs go first, by rank; the rest after");

    /* 40 services listed in an order of their own (s39 first): batches of 10, the focused
     * ones in their own batch, first. */
    for (int i = 0; i < 40; i++) {
        char name[64];

        snprintf(name, sizeof name, "arn:aws:ecs:us-east-1:1:service/prod/s%02d", 39 - i);
        arns[i] = xstrdup(name);
    }
    refresh_ecs_describe_services(r, arns, 40, 0);
    d = first_describe(r);
    CHECK(d != NULL && d->narns == 3 && strcmp(refresh_arn_name(d->arns[0]), "s00") == 0 &&
              strcmp(refresh_arn_name(d->arns[2]), "s02") == 0 && d->rank == 0,
          "the first DescribeServices is the focus, in focus order");
    queue_order(r, order, sizeof order);
    CHECK(strncmp(order, "s00,s00,s02,s05,s01,s30,", 24) == 0,
          "it goes with the target health of the focus, before the background");
    CHECK_INT(r->focus_describes, 1, "one focused DescribeServices");
    CHECK_INT(r->listing_pending[OD_PART_SERVICES], 5, "3 + 37 services: five batches");

    /* The operator scrolls to the bottom while the refresh runs. */
    set_focus(&p, bottom, 3);
    refresh_refocus(r);
    queue_order(r, order, sizeof order);
    CHECK(strncmp(order, "s39,", 4) == 0, "after a scroll the bottom rows' describe goes first");
    CHECK(r->head->narns == 3 && strcmp(refresh_arn_name(r->head->arns[1]), "s38") == 0 &&
              strcmp(refresh_arn_name(r->head->arns[2]), "s21") == 0,
          "re-batched: the new focus in one DescribeServices");
    CHECK_INT(r->listing_pending[OD_PART_SERVICES], 5, "still five batches outstanding");
    CHECK_INT(r->focus_describes, 1, "one focused DescribeServices after the scroll");
    for (const struct job *j = r->head; j != NULL; j = j->next) {
        if (j->rank != JOB_RANK_NONE) {
            ranked++;
            CHECK(last == NULL || last->rank != JOB_RANK_NONE, "ranked jobs are a prefix");
        }
        last = j;
    }
    CHECK_INT(ranked, 1, "the old focus's target health is background now");
    CHECK(r->ftail == r->head, "the ranked prefix ends where it should");
    queue_order(r, order, sizeof order);
    CHECK(strstr(order, "s00,s02,s05,s01,s30") != NULL,
          "the others keep their relative order");

    nameset_clear(&p.focus);
    refresh_free(r);
    return check_done();
}
