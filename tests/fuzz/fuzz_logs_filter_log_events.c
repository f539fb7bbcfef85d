/* CloudWatch Logs FilterLogEvents response (awsJson 1.1; moto sends nulls). */
#include "aws/logs.h"
#include "model/entities.h"
#include "tests/fuzz/fuzz.h"

FUZZ_ENTRY(logs_filter_log_events)
{
    struct od_error err = { 0 };
    struct od_log_record *out = NULL;
    size_t n = 0;
    char *next = NULL;
    enum od_err rc = logs_decode_filter_log_events((const char *)data, size, &out, &n, &next, &err);

    fuzz_check_result(rc, &err);
    if (rc != OD_OK)
        FUZZ_ASSERT(out == NULL && n == 0);
    OD_FREE_ARRAY(out, n, log_record_clear);
    free(next);
    od_error_clear(&err);
    return 0;
}
