/* Times for `logs --since`: a duration back from now ("90s", "10m", "2h", "1d", "1w",
 * combined as "1h30m"), or an absolute ISO 8601 / RFC 3339 time. */
#ifndef OD_SINCE_H
#define OD_SINCE_H

#include <stdbool.h>
#include <stdint.h>

/* A duration in milliseconds ("250ms", "10s", "1h30m"); false on junk, zero or overflow. */
bool since_parse_duration(const char *s, uint64_t *out_ms);
/* --since: now_ms minus a duration, or an ISO time; false on junk. */
bool since_parse(const char *s, int64_t now_ms, int64_t *out_ms);
/* "2024-01-02T03:04:05.123Z" (24 chars + NUL), UTC. */
void since_format_ms(int64_t ms, char out[32]);

#endif
