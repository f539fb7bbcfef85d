/* Make text from AWS inert before it reaches a terminal, a log or a file a human reads:
 * valid printable UTF-8 is kept; ESC, C0 and C1 controls and DEL become visible escapes
 * ("\x1b", "\u009b"), invalid UTF-8 bytes become "\xNN". Tab becomes a space. */
#ifndef OD_SANITIZE_H
#define OD_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

enum od_err sanitize_append(struct od_buf *out, const char *s, size_t len);

/* Display cap for one log line or other long text: beyond it a view only slows down. */
#define SANITIZE_LINE_MAX ((size_t)16 * 1024)

/* Like sanitize_append, but append at most max_out bytes of inert text (max_out >= 64):
 * the cut falls between whole characters/escapes, and a marker "…[+N bytes]" (N = input
 * bytes left out) follows, within the cap. *cut (may be NULL) says whether it happened.
 * The input is untouched, so the full text stays available (for --json, files). */
enum od_err sanitize_append_capped(struct od_buf *out, const char *s, size_t len, size_t max_out,
                                   bool *cut);
/* Newly allocated inert copy of a C string (NULL gives ""). */
char *sanitize_str(const char *s);
/* True if s would pass through unchanged. */
bool sanitize_is_clean(const char *s, size_t len);

/* Make printed JSON inert for a terminal without changing the data it carries: C1 controls,
 * line separators and bidi overrides inside strings become \uXXXX escapes, invalid UTF-8
 * bytes become \ufffd. (cJSON already escapes C0 controls.) Returns a new string. */
char *sanitize_json_text(const char *json);

/* Append s (len bytes, NUL allowed) as a quoted JSON string literal that is inert on a
 * terminal and keeps the data: '"' and '\' escaped, every C0 control (NUL included), DEL,
 * C1, line separators and bidi overrides as \uXXXX (\n \r \t short), invalid UTF-8
 * bytes as \ufffd. For streaming output (one JSON object per log event). */
enum od_err sanitize_json_string(struct od_buf *out, const char *s, size_t len);

#endif
