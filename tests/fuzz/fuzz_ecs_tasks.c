/* ECS DescribeTasks response (tasks, containers, attachments, failures). */
#include "aws/ecs.h"
#include "tests/fuzz/fuzz.h"

FUZZ_ENTRY(ecs_tasks)
{
    struct od_error err = { 0 };
    struct od_task *out = NULL;
    size_t n = 0;
    struct od_failure *f = NULL;
    size_t nf = 0;
    enum od_err rc = ecs_decode_tasks((const char *)data, size, &out, &n, &f, &nf, &err);

    fuzz_check_result(rc, &err);
    if (rc != OD_OK)
        FUZZ_ASSERT(out == NULL && n == 0);
    OD_FREE_ARRAY(out, n, task_clear);
    OD_FREE_ARRAY(f, nf, failure_clear);
    od_error_clear(&err);
    return 0;
}
