/* Structured log lines: a JSON object line shown as its level, its message and a few chosen
 * fields ("ERROR payment failed trace_id=abc"), the level of a plain line (ERROR, WARN, INFO,
 * DEBUG words), and which lines continue the one before (stack traces). Pure: no terminal,
 * no I/O. What it writes is inert (util/sanitize.h) whatever the input. */
#ifndef OD_STRUCTURED_H
#define OD_STRUCTURED_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

enum log_level {
    LOG_LEVEL_NONE,
    LOG_LEVEL_TRACE,
    LOG_LEVEL_DEBUG,
    LOG_LEVEL_INFO,
    LOG_LEVEL_WARN,
    LOG_LEVEL_ERROR,
    LOG_LEVEL_FATAL,
};

#define STRUCTURED_MAX_FIELDS 16
/* [logs] fields when the config says nothing. */
#define STRUCTURED_DEFAULT_FIELDS "level,msg,error,trace_id"
/* Lines longer than this are not parsed as JSON (shown raw): a view only slows down. */
#define STRUCTURED_MAX_JSON ((size_t)64 * 1024)

/* The fields to show, in order. "level" and "msg" stand for the level and the message,
 * whatever key the line uses for them (level/severity/lvl/levelname/log.level;
 * msg/message/text/log/@m); any other name is shown as name=value when the line has it. */
struct structured_fields {
    char *names[STRUCTURED_MAX_FIELDS];
    size_t n;
};

/* Parse "level,msg,trace_id" (commas, spaces trimmed, duplicates and blanks dropped, at
 * most STRUCTURED_MAX_FIELDS); NULL or "" gives STRUCTURED_DEFAULT_FIELDS. */
void structured_fields_parse(const char *spec, struct structured_fields *out);
void structured_fields_clear(struct structured_fields *f);

struct structured_info {
    enum log_level level;
    bool json;        /* the line was a JSON object and was formatted */
    size_t level_len; /* bytes of the level word at the start of what was written (0: none) */
};

/* Append the line as shown (inert, at most max_out bytes; max_out >= 64) to out:
 * for a JSON object with a level or a message, "LEVEL message k=v k=v"; otherwise the
 * line itself, made inert. info says which, and the level found (JSON key, logfmt
 * "level=", or a level word near the start of a plain line). */
void structured_format(const char *text, size_t len, const struct structured_fields *f,
                       size_t max_out, struct od_buf *out, struct structured_info *info);

/* The level of a plain (non-JSON) line, LOG_LEVEL_NONE when it names none. */
enum log_level structured_plain_level(const char *text, size_t len);
/* The same, with where the level word is (*at, *n bytes of text; 0, 0 when none). */
enum log_level structured_plain_level_at(const char *text, size_t len, size_t *at, size_t *n);
/* "ERROR", "WARN"... ("" for NONE). */
const char *structured_level_name(enum log_level l);

/* Stack traces: does this line continue the previous line of the same source? Java/JVM
 * ("\tat ...", "Caused by: ...", "\t... 12 more"), indented lines, and Python (after a
 * "Traceback (most recent call last):" head, its "  File" lines and the exception line
 * that ends it). *state carries what the previous lines opened; start it at 0. */
bool structured_continues(int *state, const char *text, size_t len);

#endif
