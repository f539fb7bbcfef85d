/* The one error vocabulary that crosses layers. */
#ifndef OD_ERR_H
#define OD_ERR_H

#include <stdbool.h>

enum od_err {
    OD_OK = 0,
    OD_E_USAGE,         /* bad command line or arguments */
    OD_E_IO,            /* local file or process trouble */
    OD_E_CONFIG,        /* bad config / profile / credentials file content */
    OD_E_PARSE,         /* a response or document we could not understand */
    OD_E_TOO_LARGE,     /* a body went past its bound */
    OD_E_NETWORK,       /* connect, reset, DNS, TLS */
    OD_E_TIMEOUT,       /* no answer in time */
    OD_E_HTTP,          /* an HTTP error with no AWS error body */
    OD_E_AWS,           /* an AWS error response (code/message/request id) */
    OD_E_THROTTLED,     /* throttled, retries exhausted */
    OD_E_NO_CREDS,      /* no credential source yielded credentials */
    OD_E_EXPIRED_CREDS, /* credentials expired and could not be refreshed */
    OD_E_REFUSED,       /* refused locally (read-only, not confirmed) */
    OD_E_CANCELLED,     /* the caller cancelled */
    OD_E__COUNT
};

const char *od_strerror(enum od_err err);

/* A full error value: what an operator needs to see, never a secret. */
struct od_error {
    enum od_err err;
    long http_status; /* 0 when there was no HTTP response */
    char *code;       /* AWS error code ("ThrottlingException") or NULL */
    char *message;    /* human message, or NULL */
    char *request_id; /* x-amzn-RequestId / RequestId, or NULL */
};

void od_error_clear(struct od_error *e);
void od_error_set(struct od_error *e, enum od_err err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void od_error_copy(struct od_error *dst, const struct od_error *src);
/* One line for humans: "CODE: message (HTTP 400, request id X)"; caller frees. */
char *od_error_format(const struct od_error *e);
/* Whether AWS refused the call for want of permission (IAM), not for a passing reason. */
bool od_error_denied(const struct od_error *e);

#endif
