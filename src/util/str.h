/* Small string helpers used everywhere. */
#ifndef OD_STR_H
#define OD_STR_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

bool str_eq(const char *a, const char *b);          /* NULL-safe */
bool str_case_eq(const char *a, const char *b);     /* ASCII case-insensitive, NULL-safe */
bool str_has_prefix(const char *s, const char *prefix);
bool str_has_suffix(const char *s, const char *suffix);
bool str_empty(const char *s);                      /* NULL or "" */
/* Trim ASCII white space in place; returns s moved past leading space. */
char *str_trim(char *s);
/* Percent-encode with the RFC 3986 unreserved set (A-Z a-z 0-9 - _ . ~) kept;
 * '/' is kept too when keep_slash. Upper-case hex, like botocore. */
enum od_err str_uri_encode(struct od_buf *out, const char *s, size_t len, bool keep_slash);
/* Parse a decimal integer of the whole string; false on junk or overflow. */
bool str_to_long(const char *s, long *out);
/* Last path segment after '/' (for ARNs: task id, service name). */
const char *str_last_segment(const char *s);

#endif
