/* One AWS API call end to end: credentials (async) -> SigV4 -> HTTP -> error envelope ->
 * retries (standard mode) -> callback. Also the client context every caller shares. */
#ifndef OD_REQUEST_H
#define OD_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aws/creds.h"
#include "aws/endpoint.h"
#include "aws/sigv4.h"
#include "loop/loop.h"
#include "net/http.h"
#include "util/err.h"

struct od_provider;
struct od_profiles;

#define OD_FORCED_REFRESH_GAP_MS 60000

struct od_aws_opts {
    const char *profile;      /* --profile, or NULL */
    const char *region;       /* --region, or NULL */
    const char *endpoint_url; /* --endpoint-url, or NULL */
};

/* The client context: everything a call needs, shared by the CLI, poller and actions. */
struct od_aws {
    struct od_loop *loop;
    struct od_http *http;
    struct od_profiles *profiles;
    char *profile;          /* selected profile name */
    bool profile_explicit;  /* from --profile */
    char *region;           /* may be NULL until a call needs it */
    struct od_endpoint_config endpoints;
    char *cli_endpoint_url;
    struct od_provider *provider; /* cached default chain */
    /* The last refresh forced by an expired token: a fresh token does not expire again, so
     * another refusal within OD_FORCED_REFRESH_GAP_MS is retried with the credentials the
     * cache now holds (often the new ones) instead of running credential_process again. */
    uint64_t forced_refresh_ms;

    /* Retries, standard mode. */
    int max_attempts;   /* AWS_MAX_ATTEMPTS / max_attempts, default 3 */
    int retry_quota;    /* token bucket, starts at 500 */
    bool legacy_retry;  /* AWS_RETRY_MODE=legacy */

    /* Counters for --stats and the status bar. */
    uint64_t calls_total;      /* logical calls started */
    uint64_t attempts_total;   /* HTTP attempts sent, retries included */
    uint64_t throttles_total;  /* throttling responses seen */
    uint64_t calls_by_svc[OD_SVC__COUNT];
    uint64_t throttles_by_svc[OD_SVC__COUNT];

    struct od_call *calls; /* calls in flight (request.c) */
    size_t pending;
};

/* Create the context: loads the profile files, resolves the region and builds the provider
 * chain. A missing region is not an error here (err only for malformed files). */
enum od_err aws_new(struct od_aws **out, struct od_loop *loop, const struct od_aws_opts *opts,
                    struct od_error *err);
void aws_free(struct od_aws **ap);

enum {
    OD_CALL_MUTATES = 1u << 0,    /* changes state: retried only if safe */
    OD_CALL_IDEMPOTENT = 1u << 1, /* safe to repeat (client token, CallerReference) */
    OD_CALL_UNSIGNED = 1u << 2,   /* no SigV4 (SSO portal, STS web identity) */
    OD_CALL_NO_RETRY = 1u << 3,   /* single attempt (IMDS-like probes) */
};

struct od_aws_call {
    enum od_svc svc;
    const char *op;     /* operation name: X-Amz-Target suffix, Action, or a label */
    const char *method; /* NULL = "POST" */
    const char *path;   /* wire path (encoded); NULL = "/" */
    const struct od_kv *query; /* unencoded */
    size_t nquery;
    const struct od_kv *headers; /* extra signed headers; Content-Type and X-Amz-Target are
                                  * added from the service protocol when NULL here */
    size_t nheaders;
    const char *content_type; /* NULL = protocol default (none for GET) */
    const void *body;
    size_t body_len;
    unsigned flags;
    struct od_creds *creds; /* explicit credentials (assume-role source); NULL = aws->provider */
    const char *region;     /* override region (sso_region, STS); NULL = aws->region */
    long timeout_ms;        /* 0 = default */
};

struct od_aws_response {
    long status;
    const char *body; /* NUL-terminated */
    size_t body_len;
    const struct od_http_response *http;
    const char *request_id; /* may be NULL */
    int attempts;
};

/* Exactly one callback per started call, from the loop. On failure resp may be NULL
 * (no HTTP response) and err->err != OD_OK with code/message/request id when AWS sent them. */
typedef void (*od_aws_cb)(const struct od_aws_response *resp, const struct od_error *err,
                          void *ud);

/* Start a call; OD_OK = the callback will run. The call and its buffers are copied. */
enum od_err aws_call(struct od_aws *aws, const struct od_aws_call *call, od_aws_cb cb, void *ud,
                     struct od_error *err);

/* Convenience for JSON services: body is the JSON text ("{}" when NULL). */
enum od_err aws_call_json(struct od_aws *aws, enum od_svc svc, const char *op, const char *body,
                          unsigned flags, od_aws_cb cb, void *ud, struct od_error *err);
/* Convenience for query services: Action and Version are added in front of params. */
enum od_err aws_call_query(struct od_aws *aws, enum od_svc svc, const char *action,
                           const struct od_kv *params, size_t nparams, unsigned flags,
                           od_aws_cb cb, void *ud, struct od_error *err);

/* Drop every call started with this callback argument: no callback will run for them
 * (a caller that goes away mid-flight). */
void aws_cancel_ud(struct od_aws *aws, void *ud);

/* Run the loop until every call started so far has completed (CLI helper). */
void aws_wait_idle(struct od_aws *aws);

#endif
