#include "net/retry.h"

#include <string.h>

#include "util/str.h"

/* botocore retries/standard.py: throttling codes (any HTTP status). */
static const char *const throttle_codes[] = {
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "ProvisionedThroughputExceededException",
    "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
    "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
    "EC2ThrottledException",
};

static const char *const transient_codes[] = {
    "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete",
    "IDPCommunicationError",
};

static const char *const expired_codes[] = {
    "ExpiredToken", "ExpiredTokenException", "TokenRefreshRequired",
};

static bool
in_list(const char *code, const char *const *list, size_t n)
{
    if (code == NULL)
        return false;
    for (size_t i = 0; i < n; i++)
        if (strcmp(code, list[i]) == 0)
            return true;
    return false;
}

#define IN(code, list) in_list((code), (list), sizeof(list) / sizeof((list)[0]))

bool
retry_is_throttle_code(const char *code)
{
    return IN(code, throttle_codes);
}

bool
retry_is_expired_code(const char *code)
{
    return IN(code, expired_codes);
}

bool
retry_is_skew_error(const char *code, const char *message)
{
    if (code == NULL)
        return false;
    if (strcmp(code, "RequestTimeTooSkewed") == 0 || strcmp(code, "RequestExpired") == 0 ||
        strcmp(code, "RequestInTheFuture") == 0)
        return true;
    /* Signature errors caused by time, not by a wrong key. */
    if ((strcmp(code, "InvalidSignatureException") == 0 ||
         strcmp(code, "SignatureDoesNotMatch") == 0) &&
        message != NULL &&
        (strstr(message, "Signature expired") != NULL ||
         strstr(message, "not yet current") != NULL))
        return true;
    return false;
}

enum retry_class
retry_classify(const struct od_error *err, bool legacy)
{
    if (err->err == OD_E_TIMEOUT)
        return RETRY_TIMEOUT;
    if (err->err == OD_E_NETWORK)
        return RETRY_TRANSIENT;
    if (err->err != OD_E_AWS && err->err != OD_E_HTTP && err->err != OD_E_THROTTLED)
        return RETRY_NO;
    if (retry_is_throttle_code(err->code))
        return RETRY_THROTTLE;
    if (retry_is_expired_code(err->code))
        return RETRY_EXPIRED;
    if (retry_is_skew_error(err->code, err->message))
        return RETRY_SKEW;
    if (IN(err->code, transient_codes))
        return RETRY_TRANSIENT;
    switch (err->http_status) {
    case 500:
    case 502:
    case 503:
    case 504:
        return RETRY_TRANSIENT;
    case 429:
    case 509:
        return legacy ? RETRY_THROTTLE : RETRY_NO;
    default:
        return RETRY_NO;
    }
}

bool
retry_proves_not_applied(enum retry_class cls, bool maybe_sent)
{
    switch (cls) {
    case RETRY_THROTTLE: /* rejected at the front door */
    case RETRY_EXPIRED:  /* authentication failed before any work */
    case RETRY_SKEW:
        return true;
    case RETRY_TRANSIENT:
    case RETRY_TIMEOUT:
        return !maybe_sent;
    case RETRY_NO:
    default:
        return false;
    }
}

uint64_t
retry_backoff_ms(int failed_attempt, double rand01, bool legacy)
{
    double cap = 1.0;

    for (int i = 1; i < failed_attempt && cap < 64.0; i++)
        cap *= 2.0;
    if (!legacy && cap > 20.0)
        cap = 20.0;
    return (uint64_t)(rand01 * cap * 1000.0);
}

bool
retry_quota_take(int *quota, enum retry_class cls, int *cost)
{
    int c = cls == RETRY_TIMEOUT ? RETRY_TIMEOUT_COST : RETRY_COST;

    /* Expired credentials and skew are corrected once; they do not drain the quota. */
    if (cls == RETRY_EXPIRED || cls == RETRY_SKEW) {
        *cost = 0;
        return true;
    }
    if (*quota < c)
        return false;
    *quota -= c;
    *cost = c;
    return true;
}

void
retry_quota_success(int *quota, int last_cost)
{
    *quota += last_cost > 0 ? last_cost : 1;
    if (*quota > RETRY_QUOTA_MAX)
        *quota = RETRY_QUOTA_MAX;
}
