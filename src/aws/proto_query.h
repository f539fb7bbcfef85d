/* awsQuery request bodies (ELBv2, CloudWatch-query, STS):
 *     Action=<Op>&Version=<api>&Name.member.1=v&Parent.Child=v ...
 * Keys and values are percent-encoded with the RFC 3986 unreserved set (space -> %20,
 * upper-case hex), as botocore's QuerySerializer does. Every function appends to a
 * caller-owned struct od_buf and returns OD_E_TOO_LARGE when its cap is reached. */
#ifndef OD_PROTO_QUERY_H
#define OD_PROTO_QUERY_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/sigv4.h" /* struct od_kv */
#include "util/buf.h"
#include "util/err.h"

/* Reset out and write "Action=<action>&Version=<version>". */
enum od_err proto_query_begin(struct od_buf *out, const char *action, const char *version);
/* "&key=value"; a NULL value writes "key=" (botocore's empty list / empty string). */
enum od_err proto_query_add(struct od_buf *out, const char *key, const char *value);
enum od_err proto_query_add_long(struct od_buf *out, const char *key, long value);
enum od_err proto_query_add_bool(struct od_buf *out, const char *key, bool value);
/* "&<prefix>.member.<index>[.<field>]=value", index 1-based; field may be NULL.
 * proto_query_add_member(b, "Targets", 1, "Id", "10.0.0.10") -> Targets.member.1.Id=10.0.0.10 */
enum od_err proto_query_add_member(struct od_buf *out, const char *prefix, size_t index,
                                   const char *field, const char *value);
/* A flat list of strings: "Names.member.1=a&Names.member.2=b"; n == 0 writes "Names=". */
enum od_err proto_query_add_list(struct od_buf *out, const char *name, const char *const *values,
                                 size_t n);
/* The whole body at once: begin(action, version) then add() for each pair, in order. */
enum od_err proto_query_encode(struct od_buf *out, const char *action, const char *version,
                               const struct od_kv *params, size_t nparams);

#endif
