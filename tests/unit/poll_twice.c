/* Test driver: two refreshes of one cluster through the real poller against the configured
 * endpoint, printing what each cost. Used by tests/cli/poller.sh to show that immutable task
 * definitions are described once and then served from the cache. */
#include <stdio.h>
#include <string.h>

#include "aws/request.h"
#include "aws/proto_xml.h"
#include "model/world.h"
#include "poller/poller.h"

static void
on_done(void *ud)
{
    *(bool *)ud = true;
}

static unsigned long long
op_calls(const struct od_refresh_stats *st, const char *op)
{
    for (size_t i = 0; i < st->nops; i++)
        if (strcmp(st->ops[i].op, op) == 0)
            return (unsigned long long)st->ops[i].calls;
    return 0;
}

int
main(int argc, char **argv)
{
    struct od_loop *loop = loop_new();
    struct od_aws *aws = NULL;
    struct od_aws_opts opts = {0};
    struct od_error err = {0};
    struct od_poller_opts popts = {0};
    struct od_world *w;
    struct od_poller *p;
    int rc = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: poll_twice CLUSTER\n");
        return 2;
    }
    if (aws_new(&aws, loop, &opts, &err) != OD_OK) {
        fprintf(stderr, "aws_new failed\n");
        return 1;
    }
    w = world_new(aws->region, argv[1]);
    popts.cluster = argv[1];
    popts.parts = POLL_PART(OD_PART_SERVICES) | POLL_PART(OD_PART_TASK_DEFS);
    p = poller_new(aws, w, &popts);
    for (int round = 1; round <= 2; round++) {
        bool done = false;

        poller_refresh(p, on_done, &done);
        loop_run_until(loop, &done);
        printf("round %d: DescribeTaskDefinition=%llu cached=%zu stale=%d\n", round,
               op_calls(poller_last_stats(p), "DescribeTaskDefinition"), w->ntask_defs,
               w->parts[OD_PART_TASK_DEFS].stale);
        if (w->parts[OD_PART_TASK_DEFS].stale)
            rc = 1;
    }
    for (size_t i = 0; i < w->nservices; i++)
        printf("service %s -> %s\n", w->services[i].name,
               world_task_def(w, w->services[i].task_definition) != NULL ? "cached" : "missing");
    poller_free(&p);
    world_free(&w);
    aws_free(&aws);
    loop_free(&loop);
    xml_global_cleanup();
    return rc;
}
