/* CloudFront ListInvalidations response (restXml). */
#include "aws/cloudfront.h"
#include "tests/fuzz/fuzz.h"

FUZZ_ENTRY(cf_invalidations)
{
    struct od_error err = { 0 };
    struct od_invalidation *out = NULL;
    size_t n = 0;
    char *next = NULL;
    enum od_err rc = cf_decode_invalidations((const char *)data, size, &out, &n, &next, &err);

    fuzz_check_result(rc, &err);
    if (rc != OD_OK)
        FUZZ_ASSERT(out == NULL && n == 0);
    OD_FREE_ARRAY(out, n, invalidation_clear);
    free(next);
    od_error_clear(&err);
    return 0;
}
