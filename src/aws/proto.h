/* Error envelopes of every AWS protocol, normalised to one struct od_error. */
#ifndef OD_PROTO_H
#define OD_PROTO_H

#include <stddef.h>

#include "aws/endpoint.h"
#include "net/http.h"
#include "util/err.h"

/* Fill err->code, err->message, err->request_id and err->http_status from an error response
 * (status >= 300) in protocol proto; err->err = OD_E_AWS when an AWS error code was found,
 * else OD_E_HTTP with code "HTTP <status>". Survives any body: empty, HTML, truncated,
 * oversized, wrong content type. Strings are kept verbatim (callers sanitise for display).
 * resp may be NULL (then only the body is used). */
void proto_parse_error(enum od_proto proto, long status, const char *body, size_t len,
                       const struct od_http_response *resp, struct od_error *err);

/* The request id of a response (x-amzn-RequestId, x-amz-request-id, or the body's
 * RequestId for XML); NULL when absent. Malloc'd: the caller frees it. */
char *proto_request_id(enum od_proto proto, const char *body, size_t len,
                       const struct od_http_response *resp);

#endif
