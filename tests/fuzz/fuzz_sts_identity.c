/* STS GetCallerIdentity response (awsQuery XML). */
#include "aws/sts.h"
#include "tests/fuzz/fuzz.h"

FUZZ_ENTRY(sts_identity)
{
    struct od_error err = { 0 };
    struct od_identity id = { 0 };
    enum od_err rc = sts_decode_identity((const char *)data, size, &id, &err);

    fuzz_check_result(rc, &err);
    if (rc == OD_OK)
        FUZZ_ASSERT(id.account != NULL && id.arn != NULL);
    sts_identity_free(&id);
    od_error_clear(&err);
    return 0;
}
