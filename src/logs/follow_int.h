/* The follower's insides, shared by follow.c (queries, passes, delivery) and follow_missing.c
 * (streams that do not exist yet). Not an API: everything else uses follow.h. */
#ifndef OD_FOLLOW_INT_H
#define OD_FOLLOW_INT_H

#include "aws/logs.h"
#include "logs/follow.h"
#include "logs/seen.h"

#define NO_TIME SEEN_NO_TIME

struct call_ctx;

struct query {
    struct od_follow *f;
    char *group;
    char *region;
    bool whole_group;
    char *label; /* a whole group's source label (streams carry their own), or NULL */
    int origin;
    struct od_log_source *src; /* explicit streams, sorted by stream name */
    size_t nsrc;

    int64_t start_ms;      /* this query's beginning */
    int64_t max_ts;        /* newest event time received, or NO_TIME */
    int64_t begun_at;      /* AWS time when the previous chain began, or NO_TIME */
    int64_t floor_ms;      /* raised when the dedup set shrank */
    int64_t chain_start;   /* startTime of the chain in progress */
    int64_t frontier;      /* newest time of the last page of this pass */
    char *next_token;
    unsigned pages_this_pass;
    bool pass_done, in_flight, failed, want_send;
    bool token_restarted;  /* this chain restarted once after its token was refused */
    struct call_ctx *call; /* the FilterLogEvents in flight, to cancel on follow_free */
    int errors; /* consecutive failures */
    int failures;          /* times this query failed for good (follow mode retries it) */
    uint64_t retry_at_ms;  /* follow mode: when a failed query is tried again (mono) */
    size_t probes;         /* DescribeLogStreams still to come back for this query */
    bool probe_group_gone; /* a probe said the group itself does not exist */
    bool probe_unsure;     /* a probe failed: the stream's existence is unknown */
    bool dropped_any;      /* a probe moved a stream to the waiting list */
    struct od_error probe_err;
    uint64_t timer;
    struct seen seen;
};

struct pend {
    struct od_log_record rec;
    struct query *q;
    char *task_id, *container, *label;
    int origin;
};

/* A stream that did not exist when it was asked for: looked for again with backoff and, once
 * it exists, read from opts.start_ms by a query of its own (like a stream added later). */
struct waiting {
    struct od_log_source src;
    uint64_t due_ms, backoff_ms; /* mono */
    bool probing;
};

/* One DescribeLogStreams "does this stream exist?" (prefix = the name, limit 1). */
struct probe {
    struct od_follow *f;
    struct query *q;   /* the query whose FilterLogEvents said "no such stream", or NULL for a
                        * waiting stream */
    struct od_log_source src;
    uint64_t timer;
    bool in_flight;
    struct probe *next;
};

struct od_follow {
    struct od_aws *aws;
    struct follow_opts o;
    char *filter;
    struct follow_cbs cbs;
    void *ud;

    struct query **qs;
    size_t nqs;

    struct pend *pending;
    size_t npending, cpending;

    struct waiting *waiting;
    size_t nwaiting;
    struct probe *probes; /* timers and calls outstanding, to cancel on follow_free */

    bool started, paused, dead, done, in_pass, pass_wanted;
    int64_t end_ms; /* endTime of one-shot mode, or -1 */
    int64_t last_delivered_ts;
    uint64_t pass_timer;
    size_t holds; /* calls, timers and deferred runs still to come back; free waits for 0 */
    struct follow_stats st;
};

struct call_ctx {
    struct query *q;
    uint64_t throttles_at_send;
    bool had_token;
};

/* follow.c */
void follow_hold(struct od_follow *f);
/* Drop a hold; false when f is gone (freed during a callback): the caller returns at once. */
bool follow_unhold(struct od_follow *f);
/* Reserve one call from the process-wide budget; returns how long to wait before making it. */
uint64_t follow_budget_reserve(void);
void follow_query_fail(struct query *q, const struct od_error *err);
void follow_retry_later(struct query *q, const struct od_error *err);
void follow_check_pass_end(struct od_follow *f);
void follow_schedule_call(struct query *q);
void follow_add_stream(struct od_follow *f, const struct od_log_source *s);
bool follow_is_waiting(const struct od_follow *f, const struct od_log_source *s);
bool follow_same_place_src(const struct od_log_source *a, const struct od_log_source *b);

/* follow_missing.c */
/* Look up whether src exists (DescribeLogStreams), for query q (its FilterLogEvents said "no
 * such stream"), or for a waiting stream when q is NULL. */
void follow_probe_start(struct od_follow *f, struct query *q, const struct od_log_source *src);
/* Follow mode, each pass: look for the waiting streams that are due. */
void follow_recheck_waiting(struct od_follow *f);
/* follow_free: drop every lookup in flight or waiting on a timer. */
void follow_probes_cancel(struct od_follow *f);

#endif
