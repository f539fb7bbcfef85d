/* CloudWatch GetMetricData response (JSON 1.0). */
#include "aws/cloudwatch.h"
#include "tests/fuzz/fuzz.h"

FUZZ_ENTRY(cw_metric_data)
{
    struct od_error err = { 0 };
    struct od_series *out = NULL;
    size_t n = 0;
    char *next = NULL;
    enum od_err rc = cw_decode_metric_data((const char *)data, size, &out, &n, &next, &err);

    fuzz_check_result(rc, &err);
    if (rc != OD_OK)
        FUZZ_ASSERT(out == NULL && n == 0);
    OD_FREE_ARRAY(out, n, series_clear);
    free(next);
    od_error_clear(&err);
    return 0;
}
