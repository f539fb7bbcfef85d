/* The SDKs' standard retry mode: which failures are retried, how long to wait (full jitter,
 * 20 s cap) and the per-client retry quota (token bucket of 500). */
#ifndef OD_RETRY_H
#define OD_RETRY_H

#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

enum retry_class {
    RETRY_NO,        /* not retryable */
    RETRY_TRANSIENT, /* 5xx, RequestTimeout, connection errors */
    RETRY_TIMEOUT,   /* the transfer timed out (costs more quota) */
    RETRY_THROTTLE,  /* throttled: AWS rejected the request unprocessed */
    RETRY_EXPIRED,   /* expired credentials: refresh once, then retry */
    RETRY_SKEW,      /* clock skew: correct from the Date header, then retry */
};

#define RETRY_QUOTA_MAX 500
#define RETRY_COST 5
#define RETRY_TIMEOUT_COST 10

bool retry_is_throttle_code(const char *code);
bool retry_is_expired_code(const char *code);
bool retry_is_skew_error(const char *code, const char *message);
/* Classify a failed attempt. err is the normalised error (code may be NULL);
 * legacy = legacy mode (also retries bare 429 and 509). */
enum retry_class retry_classify(const struct od_error *err, bool legacy);
/* Whether a failure proves the request was not applied (safe to resend a mutation). */
bool retry_proves_not_applied(enum retry_class cls, bool maybe_sent);
/* Delay before the retry that follows failed attempt n (1-based); rand01 in [0,1). */
uint64_t retry_backoff_ms(int failed_attempt, double rand01, bool legacy);
/* Take the cost of a retry from the quota; false when the bucket cannot pay. */
bool retry_quota_take(int *quota, enum retry_class cls, int *cost);
/* A success refunds the last retry's cost, or 1 when no retry was needed. */
void retry_quota_success(int *quota, int last_cost);

#endif
