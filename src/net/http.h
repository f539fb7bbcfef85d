/* Asynchronous HTTP over one libcurl multi handle driven by the event loop
 * (CURLMOPT_SOCKETFUNCTION/TIMERFUNCTION, multi_socket_action). The only libcurl user.
 * TLS verification is always on; AWS_CA_BUNDLE may name a CA file, nothing can turn it off. */
#ifndef OD_HTTP_H
#define OD_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loop/loop.h"
#include "util/buf.h"
#include "util/err.h"

struct od_http;

struct od_header {
    char *name;
    char *value;
};

struct od_http_request {
    const char *method; /* "GET", "POST", "PUT", "DELETE" */
    const char *url;    /* full URL including the query string */
    const struct od_header *headers; /* sent as given (names and values) */
    size_t nheaders;
    const void *body;
    size_t body_len;
    long timeout_ms;         /* whole transfer; 0 = 30 s */
    long connect_timeout_ms; /* 0 = 5 s */
    size_t max_body;         /* response cap; 0 = OD_BUF_MAX_DEFAULT */
    bool no_proxy;           /* link-local metadata endpoints never go through a proxy */
    bool fresh_connection;   /* never reuse a connection: libcurl silently resends a request
                              * whose reused connection died before any response byte, which
                              * must not happen to a non-idempotent mutation */
};

struct od_http_response {
    enum od_err err;     /* OD_OK when an HTTP response arrived (any status) */
    char *errmsg;        /* transport error text when err != OD_OK */
    bool maybe_sent;     /* false only when the request provably never left (connect failed) */
    long status;         /* HTTP status, 0 if none */
    struct od_buf body;
    struct od_header *headers; /* response headers of the final response */
    size_t nheaders;
    uint64_t elapsed_ms;
};

typedef void (*od_http_cb)(struct od_http_response *resp, void *ud);

struct od_http *http_new(struct od_loop *loop);
/* Cancels every transfer in flight (their callbacks do not run). */
void http_free(struct od_http **hp);

/* Start a transfer; cb runs later from the loop, exactly once, unless cancelled.
 * The request and its buffers are copied. Returns a non-zero transfer id. */
uint64_t http_submit(struct od_http *http, const struct od_http_request *req, od_http_cb cb,
                     void *ud);
void http_cancel(struct od_http *http, uint64_t id);
size_t http_in_flight(const struct od_http *http);

/* Case-insensitive response header lookup; NULL when absent. */
const char *http_header(const struct od_http_response *resp, const char *name);

/* Counters for --stats and benchmarks. */
struct od_http_stats {
    uint64_t requests;
    uint64_t bytes_in;
    uint64_t bytes_out;
};
void http_stats(const struct od_http *http, struct od_http_stats *out);

#endif
