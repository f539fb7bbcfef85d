/* SigV4 as a pure function: (request, credentials, region, service, time) -> canonical
 * request, string to sign, signature and the headers to send. No I/O, no clock.
 * The rules are botocore's SigV4Auth (non-S3), matched byte for byte; test_sigv4 compares
 * every stage with botocore itself on generated requests. */
#ifndef OD_SIGV4_H
#define OD_SIGV4_H

#include <stddef.h>
#include <time.h>

#include "util/err.h"

struct od_kv {
    const char *key;
    const char *value; /* NULL is treated as "" (a valueless key: "k=") */
};

struct od_sigv4_input {
    const char *method;  /* "GET", "POST", ... */
    const char *host;    /* as in the Host header: "ecs.us-east-1.amazonaws.com" or "127.0.0.1:5055" */
    const char *path;    /* the path as it goes on the wire (already percent-encoded); NULL or
                          * "" = "/". Must start with '/'; no '?', '#' or control bytes */
    const struct od_kv *query; /* unencoded query parameters, any order, repeats allowed */
    size_t nquery;
    const struct od_kv *headers; /* extra headers to sign (content-type, x-amz-target, ...);
                                  * never host, x-amz-date, x-amz-security-token or
                                  * authorization (refused: OD_E_USAGE). Names must be HTTP
                                  * tokens. botocore's unsigned set (user-agent, expect,
                                  * connection, ...) may be present and is skipped. An
                                  * x-amz-content-sha256 header's value replaces the body hash
                                  * in the canonical request, as in botocore. */
    size_t nheaders;
    const void *body;
    size_t body_len;
    const char *region;  /* signing region */
    const char *service; /* signing name: "ecs", "elasticloadbalancing", "monitoring", ... */
    time_t when;         /* request time (UTC seconds) */
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token; /* NULL or "" = none */
};

struct od_sigv4_output {
    char *canonical_request;
    char *string_to_sign;
    char *signature;      /* lowercase hex */
    char *authorization;  /* full value of the Authorization header */
    char *signed_headers; /* "content-type;host;x-amz-date" */
    char *query_string;   /* the encoded query for the URL (same encoding as canonical), or "" */
    char amz_date[17];    /* X-Amz-Date value */
    char payload_hash[65]; /* canonical request's last line: body SHA-256 (or
                            * the caller's x-amz-content-sha256 value) */
};

/* OD_OK, or OD_E_USAGE for a malformed input (then *out holds nothing to free), or
 * OD_E_TOO_LARGE past 64 MiB of canonical request. Free the output with sigv4_output_free. */
enum od_err sigv4_sign(const struct od_sigv4_input *in, struct od_sigv4_output *out);
void sigv4_output_free(struct od_sigv4_output *out);

#endif
