/* Make text from AWS inert before it reaches a terminal, a log or a file a human reads:
 * valid printable UTF-8 is kept; ESC, C0 and C1 controls and DEL become visible escapes
 * ("\x1b", "\u009b"), invalid UTF-8 bytes become "\xNN". Tab becomes a space. */
#ifndef OD_SANITIZE_H
#define OD_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

enum od_err sanitize_append(struct od_buf *out, const char *s, size_t len);
/* Newly allocated inert copy of a C string (NULL gives ""). */
char *sanitize_str(const char *s);
/* True if s would pass through unchanged. */
bool sanitize_is_clean(const char *s, size_t len);

/* Make printed JSON inert for a terminal without changing the data it carries: C1 controls,
 * line separators and bidi overrides inside strings become \uXXXX escapes, invalid UTF-8
 * bytes become \ufffd. (cJSON already escapes C0 controls.) Returns a new string. */
char *sanitize_json_text(const char *json);

#endif
