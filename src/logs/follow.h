/* Follow CloudWatch Logs on the event loop: FilterLogEvents polling that delivers every event
 * exactly once, in timestamp order, tagged with its task and container.
 *
 *   pass:  every query (one per log group and region, ≤100 stream names each, or a whole
 *          group) reads [start, now] page by page, following nextToken at once (pages may be
 *          empty while a token is present). start = newest time seen − overlap, so events
 *          that are ingested late are still caught; each query's eventId set drops the
 *          duplicates the overlap re-reads. Between passes: poll_ms, or at once when behind.
 *   order: events of concurrent queries are merged by timestamp; an event is released once
 *          no query still paging can return an older one, so each batch is sorted and
 *          batches are in order except for events that arrive late (within the overlap).
 *   dedup: the set of a query holds exactly the ids of events at or after its next start
 *          time (a TTL in event time, not wall time), so it is exact while it fits in
 *          dedup_max; beyond that the oldest are dropped, the start time is raised past them
 *          and FOLLOW_WINDOW_SHRUNK says late events older than that may be missed.
 *   rate:  every call takes a token from one process-wide budget (default 5 calls/s, the
 *          portable FilterLogEvents floor); throttling halves the rate, successes win it
 *          back slowly. Failed calls are retried with backoff (1 s doubling to 30 s) with the
 *          same token and start time, so nothing is skipped; errors that retrying cannot fix
 *          (no such group, access denied, bad filter) end that query with FOLLOW_FAILED (in
 *          follow mode it is tried again on a pass 30 s later, doubling to 5 min).
 *   missing streams (follow_missing.c): FilterLogEvents refuses the whole call when one
 *          named stream does not exist (a task that has not logged yet). Then each stream of
 *          the query is looked up (DescribeLogStreams); the missing ones wait, are looked for
 *          again (2 s doubling to recheck_max_ms, follow mode) and, once they exist, are read
 *          from start_ms.
 *   tokens: a refused nextToken (InvalidParameterException; tokens expire after 24 h)
 *          restarts the chain from the newest time seen less the overlap, once per chain.
 *
 * Callbacks run from the loop, never inside a follow_* call. Event strings live only during
 * the callback; messages are raw bytes (sanitise before display). */
#ifndef OD_FOLLOW_H
#define OD_FOLLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aws/request.h"
#include "logs/sources.h"
#include "util/err.h"

struct od_follow;

struct follow_opts {
    int64_t start_ms;    /* first event time (epoch ms), e.g. now − --since */
    int64_t end_ms;      /* last event time; < 0 = none (one pass ends at "now") */
    const char *filter;  /* CloudWatch filter pattern, or NULL */
    bool follow;         /* keep polling; false = one pass, then FOLLOW_DONE */
    uint64_t poll_ms;    /* pause between passes when caught up; 0 = 2000 */
    uint64_t overlap_ms; /* re-read window for late events; 0 = 30000 */
    int page_limit;      /* events per page; 0 = 10,000 */
    size_t dedup_max;    /* event ids kept per query; 0 = 500,000 */
    size_t max_pending;  /* merge buffer before an early release; 0 = 200,000 */
    uint64_t recheck_max_ms; /* longest wait between looks for a stream that does not exist
                              * yet (2 s doubling up to this); 0 = 30000 */
};

struct follow_event {
    int64_t timestamp;      /* epoch ms */
    int64_t ingestion_time; /* epoch ms, 0 when unknown */
    const char *event_id;
    const char *group;
    const char *stream;
    const char *task_id;   /* NULL when the stream is not PREFIX/CONTAINER/TASK */
    const char *container; /* likewise */
    const char *label;     /* the source asked for (od_log_source.label), or NULL */
    int origin;            /* its index among several sources (colour), else 0 */
    const char *message;   /* raw bytes, may hold NUL */
    size_t message_len;
};

enum follow_state {
    FOLLOW_CAUGHT_UP,     /* a pass finished (follow mode); info */
    FOLLOW_RETRYING,      /* a call failed; retrying in retry_in_ms */
    FOLLOW_THROTTLED,     /* throttled after retries; backing off retry_in_ms */
    FOLLOW_WINDOW_SHRUNK, /* the dedup set overflowed (see above) */
    FOLLOW_FAILED,        /* one query stopped (err says why); follow mode: retry_in_ms later */
    FOLLOW_DONE,          /* nothing more will come (one pass done, or every query failed) */
};

struct follow_status {
    enum follow_state state;
    const char *group;          /* the query concerned, or NULL */
    const struct od_error *err; /* RETRYING, THROTTLED, FAILED */
    uint64_t retry_in_ms;
    bool any_failed;            /* DONE: at least one query failed */
};

struct follow_cbs {
    void (*events)(const struct follow_event *ev, size_t n, void *ud);
    void (*status)(const struct follow_status *st, void *ud); /* may be NULL */
};

struct follow_stats {
    uint64_t delivered;  /* events handed to the callback */
    uint64_t duplicates; /* events dropped as already delivered */
    uint64_t foreign;    /* events of streams not asked for (dropped) */
    uint64_t late;       /* delivered older than an event delivered before them */
    uint64_t calls;      /* FilterLogEvents started */
    uint64_t pages;      /* successful responses */
    uint64_t retries;    /* failed calls retried */
    uint64_t passes;
    size_t seen;         /* ids held by the dedup sets now */
    size_t queries;
    size_t waiting;          /* streams asked for that do not exist (yet) */
    uint64_t probes;         /* DescribeLogStreams sent to find which streams exist */
    uint64_t token_restarts; /* chains restarted after a refused nextToken */
};

struct od_follow *follow_new(struct od_aws *aws, const struct follow_opts *opts,
                             const struct follow_cbs *cbs, void *ud);
/* Stop: no callback runs after this; calls in flight are abandoned. */
void follow_free(struct od_follow **fp);

/* Add what to read (copied). Streams already followed are ignored; new ones (a task that
 * started during a follow) are read from opts.start_ms in the next pass. */
void follow_add_sources(struct od_follow *f, const struct od_log_source *src, size_t n);
/* Start polling (the first pass runs on the next turn of the loop). OD_E_USAGE with no
 * sources. */
enum od_err follow_start(struct od_follow *f, struct od_error *err);
/* Pause: no new calls, nothing delivered; resume catches up from where it stopped. */
void follow_pause(struct od_follow *f);
void follow_resume(struct od_follow *f);
bool follow_paused(const struct od_follow *f);

void follow_get_stats(const struct od_follow *f, struct follow_stats *out);

/* The process-wide FilterLogEvents budget (calls per second, burst); defaults 5 and 5. */
void follow_set_rate(double per_second, double burst);

#endif
