/* ECS DescribeClusters response. */
#include "aws/ecs.h"
#include "tests/fuzz/fuzz.h"

FUZZ_ENTRY(ecs_clusters)
{
    struct od_error err = { 0 };
    struct od_cluster *out = NULL;
    size_t n = 0;
    enum od_err rc = ecs_decode_clusters((const char *)data, size, &out, &n, &err);

    fuzz_check_result(rc, &err);
    if (rc != OD_OK)
        FUZZ_ASSERT(out == NULL && n == 0);
    OD_FREE_ARRAY(out, n, cluster_clear);
    od_error_clear(&err);
    return 0;
}
