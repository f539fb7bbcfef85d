/* CloudWatch Logs DescribeLogStreams response (awsJson 1.1). */
#include "aws/logs.h"
#include "model/entities.h"
#include "tests/fuzz/fuzz.h"

FUZZ_ENTRY(logs_describe_log_streams)
{
    struct od_error err = { 0 };
    struct od_log_stream *out = NULL;
    size_t n = 0;
    char *next = NULL;
    enum od_err rc = logs_decode_describe_log_streams((const char *)data, size, &out, &n, &next, &err);

    fuzz_check_result(rc, &err);
    if (rc != OD_OK)
        FUZZ_ASSERT(out == NULL && n == 0);
    OD_FREE_ARRAY(out, n, log_stream_clear);
    free(next);
    od_error_clear(&err);
    return 0;
}
