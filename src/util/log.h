/* Debug log to a file (ONDECK_LOG or --debug). Never written to the terminal, never holds a
 * secret: callers log operation names and status, and log_redact_header masks credentials. */
#ifndef OD_LOG_H
#define OD_LOG_H

#include <stdbool.h>

void log_open(const char *path); /* NULL or "" = off */
void log_close(void);
bool log_enabled(void);
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* True if a header of this name must never be logged (Authorization, tokens). */
bool log_header_is_secret(const char *name);

#endif
