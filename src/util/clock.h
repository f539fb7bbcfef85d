/* Clocks behind function pointers so tests can fake time, plus the server clock skew
 * learned from HTTP Date headers (used when signing). */
#ifndef OD_CLOCK_H
#define OD_CLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* Monotonic milliseconds (for timers and timeouts). */
extern uint64_t (*clock_mono_ms)(void);
/* Wall clock in milliseconds since the epoch, uncorrected. */
extern int64_t (*clock_wall_ms)(void);

/* Wall clock seconds corrected by the learned skew: what AWS thinks the time is. */
time_t clock_aws_now(void);
void clock_set_skew_ms(int64_t skew);
int64_t clock_skew_ms(void);

/* "20240102T030405Z" (16 chars + NUL). */
void clock_format_amz(time_t t, char out[17]);
/* ISO 8601 "2024-01-02T03:04:05Z" (20 chars + NUL). */
void clock_format_iso(time_t t, char out[21]);
/* Parse ISO 8601 / RFC 3339 (fractional seconds and Z or +hh:mm). */
bool clock_parse_iso(const char *s, time_t *out);
/* Parse an HTTP-date (RFC 7231 IMF-fixdate). */
bool clock_parse_http_date(const char *s, time_t *out);

#endif
