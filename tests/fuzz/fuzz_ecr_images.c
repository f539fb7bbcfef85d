/* ECR DescribeImages response (awsJson 1.1), then the newest-first sort. */
#include "aws/ecr.h"
#include "model/entities.h"
#include "tests/fuzz/fuzz.h"

FUZZ_ENTRY(ecr_images)
{
    struct od_error err = { 0 };
    struct od_ecr_image *out = NULL;
    size_t n = 0;
    char *next = NULL;
    enum od_err rc = ecr_decode_images((const char *)data, size, &out, &n, &next, &err);

    fuzz_check_result(rc, &err);
    if (rc == OD_OK)
        ecr_sort_newest_first(out, n);
    if (rc != OD_OK)
        FUZZ_ASSERT(out == NULL && n == 0);
    OD_FREE_ARRAY(out, n, ecr_image_clear);
    free(next);
    od_error_clear(&err);
    return 0;
}
