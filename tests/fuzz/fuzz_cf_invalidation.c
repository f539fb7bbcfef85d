/* CloudFront CreateInvalidation / GetInvalidation response (restXml). */
#include "aws/cloudfront.h"
#include "tests/fuzz/fuzz.h"

FUZZ_ENTRY(cf_invalidation)
{
    struct od_error err = { 0 };
    struct od_invalidation inv = { 0 };
    enum od_err rc = cf_decode_invalidation((const char *)data, size, &inv, &err);

    fuzz_check_result(rc, &err);
    (void)cf_invalidation_done(inv.status);
    invalidation_clear(&inv);
    od_error_clear(&err);
    return 0;
}
