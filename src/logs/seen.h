/* The follower's dedup set: which events were delivered already, keyed by (stream, eventId)
 * hashed to 128 bits, each with the event's timestamp. Its TTL is in event time, not wall
 * time: seen_expire(from) forgets exactly the events older than the next query's start
 * time, which that query can never return again, so the set is exact (it never forgets an
 * event it may still see) while it fits; see seen_expire for what happens beyond. */
#ifndef OD_SEEN_H
#define OD_SEEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SEEN_NO_TIME INT64_MIN

struct seen_slot {
    uint64_t k0, k1;
    int64_t ts; /* SEEN_NO_TIME = empty */
};

struct seen {
    struct seen_slot *slots;
    size_t cap, n; /* cap is a power of two */
    int64_t min_ts;
};

void seen_init(struct seen *s, size_t cap_hint); /* 0 = a small default */
void seen_free(struct seen *s);
/* The 128-bit key of an event: stream (may be NULL) and id bytes. */
void seen_key(const char *stream, const char *id, size_t idlen, uint64_t *k0, uint64_t *k1);
/* Insert; false when the key was there already (a duplicate). */
bool seen_add(struct seen *s, uint64_t k0, uint64_t k1, int64_t ts);
bool seen_has(const struct seen *s, uint64_t k0, uint64_t k1);
/* Forget events older than from. When more than max remain, keep only the newest half and
 * return the time they start at: the caller must not read events older than that again
 * (they would be repeated); else SEEN_NO_TIME. */
int64_t seen_expire(struct seen *s, int64_t from, size_t max);

#endif
