/* Standard-mode retries: what is retried, how long we wait, the quota, mutation safety. */
#include <stdlib.h>

#include "check.h"
#include "net/retry.h"
#include "util/xalloc.h"

static enum retry_class
classify(enum od_err e, long status, const char *code, const char *msg)
{
    struct od_error err = {0};
    enum retry_class c;

    err.err = e;
    err.http_status = status;
    err.code = code != NULL ? xstrdup(code) : NULL;
    err.message = msg != NULL ? xstrdup(msg) : NULL;
    c = retry_classify(&err, false);
    od_error_clear(&err);
    return c;
}

int
main(void)
{
    int quota = RETRY_QUOTA_MAX, cost = 0, n = 0;

    CHECK(classify(OD_E_AWS, 400, "ThrottlingException", NULL) == RETRY_THROTTLE,
          "ECS ThrottlingException is throttling");
    CHECK(classify(OD_E_AWS, 400, "Throttling", NULL) == RETRY_THROTTLE,
          "query-protocol Throttling is throttling");
    CHECK(classify(OD_E_AWS, 429, "TooManyRequestsException", NULL) == RETRY_THROTTLE,
          "SSO TooManyRequestsException is throttling");
    CHECK(classify(OD_E_HTTP, 429, "HTTP 429", NULL) == RETRY_NO,
          "bare 429 is not retried in standard mode");
    CHECK(classify(OD_E_AWS, 400, "TooManyInvalidationsInProgress", NULL) == RETRY_NO,
          "CloudFront invalidation quota is surfaced, not retried");
    CHECK(classify(OD_E_HTTP, 503, "HTTP 503", NULL) == RETRY_TRANSIENT, "503 is transient");
    CHECK(classify(OD_E_HTTP, 500, "HTTP 500", NULL) == RETRY_TRANSIENT, "500 is transient");
    CHECK(classify(OD_E_AWS, 400, "ClusterNotFoundException", NULL) == RETRY_NO,
          "client errors are final");
    CHECK(classify(OD_E_NETWORK, 0, NULL, NULL) == RETRY_TRANSIENT, "connection errors retried");
    CHECK(classify(OD_E_TIMEOUT, 0, NULL, NULL) == RETRY_TIMEOUT, "timeouts retried");
    CHECK(classify(OD_E_AWS, 400, "ExpiredTokenException", NULL) == RETRY_EXPIRED,
          "expired token refreshes");
    CHECK(classify(OD_E_AWS, 403, "RequestTimeTooSkewed", NULL) == RETRY_SKEW,
          "skew is corrected");
    CHECK(classify(OD_E_AWS, 400, "InvalidSignatureException", "Signature expired: 2024 is now earlier than ...") == RETRY_SKEW,
          "expired signature is skew");
    CHECK(classify(OD_E_AWS, 403, "SignatureDoesNotMatch", "The request signature we calculated does not match") == RETRY_NO,
          "a wrong key is not skew");

    CHECK(retry_proves_not_applied(RETRY_THROTTLE, true), "throttled mutation was not applied");
    CHECK(!retry_proves_not_applied(RETRY_TRANSIENT, true),
          "a 5xx after sending may have applied a mutation");
    CHECK(retry_proves_not_applied(RETRY_TRANSIENT, false),
          "a failed connect proves nothing was sent");
    CHECK(!retry_proves_not_applied(RETRY_TIMEOUT, true), "a timeout proves nothing");

    CHECK_INT(retry_backoff_ms(1, 0.999, false), 999, "retry 1 waits under 1 s");
    CHECK_INT(retry_backoff_ms(2, 0.999, false), 1998, "retry 2 waits under 2 s");
    CHECK_INT(retry_backoff_ms(10, 0.5, false), 10000, "backoff capped at 20 s");
    CHECK_INT(retry_backoff_ms(3, 0.0, false), 0, "full jitter can be zero");

    while (retry_quota_take(&quota, RETRY_THROTTLE, &cost))
        n++;
    CHECK_INT(n, 100, "a full quota pays for 100 throttle retries");
    CHECK_INT(quota, 0, "quota drained");
    retry_quota_success(&quota, 0);
    CHECK_INT(quota, 1, "a clean success refunds one token");
    retry_quota_success(&quota, 5);
    CHECK_INT(quota, 6, "a retried success refunds its retry cost");
    quota = RETRY_QUOTA_MAX;
    retry_quota_success(&quota, 10);
    CHECK_INT(quota, RETRY_QUOTA_MAX, "quota never exceeds its maximum");
    quota = 7;
    CHECK(!retry_quota_take(&quota, RETRY_TIMEOUT, &cost), "a timeout retry costs 10");
    return check_done();
}
