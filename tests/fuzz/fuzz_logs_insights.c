/* CloudWatch Logs Insights GetQueryResults response (awsJson 1.1), and every value it holds
 * through the structured-line formatter: whatever the body, what would reach a terminal is
 * inert and within its cap. */
#include "aws/logs_insights.h"
#include "logs/structured.h"
#include "tests/fuzz/fuzz.h"
#include "util/buf.h"
#include "util/sanitize.h"

FUZZ_ENTRY(logs_insights)
{
    struct od_error err = { 0 };
    struct insights_results res;
    struct structured_fields f;
    enum od_err rc = insights_decode_results((const char *)data, size, &res, &err);

    fuzz_check_result(rc, &err);
    structured_fields_parse("level,msg,error,trace_id", &f);
    for (size_t i = 0; rc == OD_OK && i < res.nrows; i++) {
        for (size_t k = 0; k < res.rows[i].n; k++) {
            struct od_buf out;
            struct structured_info info;

            buf_init(&out, 0);
            structured_format(res.rows[i].f[k].value, res.rows[i].f[k].value_len, &f, 256,
                              &out, &info);
            FUZZ_ASSERT(out.len <= 256);
            FUZZ_ASSERT(out.len == 0 || sanitize_is_clean(out.data, out.len));
            FUZZ_ASSERT(info.level_len <= out.len);
            buf_free(&out);
        }
    }
    /* The same bytes as one log line. */
    {
        struct od_buf out;
        struct structured_info info;

        buf_init(&out, 0);
        structured_format((const char *)data, size, &f, SANITIZE_LINE_MAX, &out, &info);
        FUZZ_ASSERT(out.len <= SANITIZE_LINE_MAX);
        FUZZ_ASSERT(out.len == 0 || sanitize_is_clean(out.data, out.len));
        buf_free(&out);
    }
    structured_fields_clear(&f);
    insights_results_clear(&res);
    od_error_clear(&err);
    return 0;
}
