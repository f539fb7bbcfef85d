/* ECS DescribeTaskDefinition response. */
#include "aws/ecs.h"
#include "tests/fuzz/fuzz.h"

FUZZ_ENTRY(ecs_task_definition)
{
    struct od_error err = { 0 };
    struct od_task_def td = { 0 };
    enum od_err rc = ecs_decode_task_definition((const char *)data, size, &td, &err);

    fuzz_check_result(rc, &err);
    task_def_clear(&td);
    od_error_clear(&err);
    return 0;
}
