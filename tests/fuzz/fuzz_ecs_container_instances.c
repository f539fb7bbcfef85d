/* ECS DescribeContainerInstances response. */
#include "aws/ecs.h"
#include "tests/fuzz/fuzz.h"

FUZZ_ENTRY(ecs_container_instances)
{
    struct od_error err = { 0 };
    struct od_container_instance *out = NULL;
    size_t n = 0;
    enum od_err rc = ecs_decode_container_instances((const char *)data, size, &out, &n, &err);

    fuzz_check_result(rc, &err);
    if (rc != OD_OK)
        FUZZ_ASSERT(out == NULL && n == 0);
    OD_FREE_ARRAY(out, n, container_instance_clear);
    od_error_clear(&err);
    return 0;
}
