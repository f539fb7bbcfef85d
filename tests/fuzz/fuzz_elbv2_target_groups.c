/* ELBv2 DescribeTargetGroups response (awsQuery XML). */
#include "aws/elbv2.h"
#include "tests/fuzz/fuzz.h"

FUZZ_ENTRY(elbv2_target_groups)
{
    struct od_error err = { 0 };
    struct od_target_group *out = NULL;
    size_t n = 0;
    char *next = NULL;
    enum od_err rc = elbv2_decode_target_groups((const char *)data, size, &out, &n, &next, &err);

    fuzz_check_result(rc, &err);
    if (rc != OD_OK)
        FUZZ_ASSERT(out == NULL && n == 0);
    OD_FREE_ARRAY(out, n, target_group_clear);
    free(next);
    od_error_clear(&err);
    return 0;
}
