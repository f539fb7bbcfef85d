/* CloudWatch Logs (awsJson 1.1, X-Amz-Target "Logs_20140328.<Op>"): request bodies and
 * response decoders for FilterLogEvents, GetLogEvents and DescribeLogStreams. Pure functions,
 * no I/O. All times are epoch milliseconds. Messages are kept byte for byte (they may hold
 * escape sequences, C0/C1 controls, even NUL): callers make them inert before display
 * (util/sanitize.h). */
#ifndef OD_LOGS_H
#define OD_LOGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define LOGS_MAX_STREAM_NAMES 100 /* FilterLogEvents logStreamNames */
#define LOGS_MAX_LIMIT 10000      /* events per page */

/* One log event as sent. */
struct od_log_record {
    char *event_id; /* FilterLogEvents only; NULL when absent */
    char *stream;   /* FilterLogEvents only; NULL when absent */
    int64_t timestamp;
    int64_t ingestion_time; /* 0 when absent */
    char *message;          /* NUL-terminated, but may hold NUL bytes: use message_len */
    size_t message_len;
};

struct od_log_stream {
    char *name;
    char *arn;
    int64_t creation_time, first_event, last_event, last_ingestion; /* 0 when absent */
    int64_t stored_bytes;
};

void log_record_clear(struct od_log_record *r);
void log_stream_clear(struct od_log_stream *s);

/* ---- request bodies (malloc'd JSON text) ---- */
struct logs_filter_req {
    const char *group;                 /* logGroupName; an ARN goes to logGroupIdentifier */
    const char *const *streams;        /* logStreamNames (1..100), or NULL */
    size_t nstreams;
    const char *stream_prefix;         /* logStreamNamePrefix (only without streams), or NULL */
    int64_t start_ms;                  /* startTime; < 0 = omitted */
    int64_t end_ms;                    /* endTime; < 0 = omitted */
    const char *filter_pattern;        /* NULL or "" = every event */
    const char *next_token;            /* NULL on the first page */
    int limit;                         /* 0 = omitted (AWS default 10,000) */
};
char *logs_body_filter_log_events(const struct logs_filter_req *r);
/* GetLogEvents: start/end < 0 omitted; limit 0 omitted. */
char *logs_body_get_log_events(const char *group, const char *stream, int64_t start_ms,
                               int64_t end_ms, const char *next_token, bool start_from_head,
                               int limit);
/* DescribeLogStreams: prefix may be NULL (AWS refuses it with order_by_last_event). */
char *logs_body_describe_log_streams(const char *group, const char *prefix,
                                     bool order_by_last_event, bool descending,
                                     const char *next_token, int limit);

/* ---- decoders ---- */
/* Events without a numeric timestamp or a string message are skipped. next_token is NULL
 * when absent or null (moto sends null). */
enum od_err logs_decode_filter_log_events(const char *body, size_t len, struct od_log_record **out,
                                          size_t *n, char **next_token, struct od_error *err);
enum od_err logs_decode_get_log_events(const char *body, size_t len, struct od_log_record **out,
                                       size_t *n, char **next_forward, char **next_backward,
                                       struct od_error *err);
enum od_err logs_decode_describe_log_streams(const char *body, size_t len,
                                             struct od_log_stream **out, size_t *n,
                                             char **next_token, struct od_error *err);

void log_records_free(struct od_log_record **recs, size_t *n);

/* For other Logs decoders (logs_insights.c): parse a body whose strings may hold "\u0000" or
 * lone surrogates (see logs.c), and take a string out of it with its NUL bytes restored
 * (*swapped from logs_parse_body; the length goes to *len_out). */
struct cJSON;
struct cJSON *logs_parse_body(const char *body, size_t len, bool *swapped, struct od_error *err);
char *logs_take_text(const char *s, bool swapped, size_t *len_out);

#endif
