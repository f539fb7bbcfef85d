/* CloudWatch Logs Insights (awsJson 1.1, "Logs_20140328.<Op>"): request bodies and response
 * decoders for StartQuery, GetQueryResults and StopQuery. Pure functions, no I/O.
 *
 * StartQuery takes its time range in epoch SECONDS (unlike the rest of Logs, which speaks
 * milliseconds). GetQueryResults answers rows of {field, value} pairs, all strings, with
 * "@ptr" in every row; while the status is Scheduled or Running the rows are partial.
 * Values are kept byte for byte (NUL included): callers make them inert (util/sanitize.h). */
#ifndef OD_LOGS_INSIGHTS_H
#define OD_LOGS_INSIGHTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define INSIGHTS_MAX_GROUPS 50    /* logGroupNames per StartQuery */
#define INSIGHTS_MAX_LIMIT 10000  /* StartQuery limit */
#define INSIGHTS_MAX_QUERY 10000  /* queryString length */
/* GetQueryResults: "You can retrieve up to 100,000 log event results from a query, if
 * available, by using pagination ... with each page returning up to 10,000 log events". */
#define INSIGHTS_MAX_RESULTS 100000

/* The model's QueryStatus enum, in its order; INSIGHTS_OTHER for a word it does not list. */
enum insights_status {
    INSIGHTS_SCHEDULED,
    INSIGHTS_RUNNING,
    INSIGHTS_COMPLETE,
    INSIGHTS_FAILED,
    INSIGHTS_CANCELLED,
    INSIGHTS_TIMEOUT,
    INSIGHTS_UNKNOWN,
    INSIGHTS_OTHER,
};

struct insights_field {
    char *name;
    char *value; /* may hold NUL bytes: use value_len */
    size_t value_len;
};

struct insights_row {
    struct insights_field *f;
    size_t n;
};

/* QueryStatistics: doubles on the wire. have = the member was there. */
struct insights_stats {
    bool have;
    double records_matched, records_scanned, bytes_scanned;
    double log_groups_scanned; /* < 0 when absent */
};

struct insights_results {
    enum insights_status status;
    char *status_word; /* as sent (NULL when absent) */
    struct insights_row *rows;
    size_t nrows;
    struct insights_stats stats;
    char *next_token; /* "more log events remaining in the results" (NULL: none) */
    /* Set by logs/insights_run.c, not by the decoder: pages read (after the query ended),
     * partial = a later page failed (the rows are the pages before it), capped = reading
     * stopped at INSIGHTS_MAX_RESULTS with a nextToken left. */
    size_t pages;
    bool partial, capped;
};

void insights_results_clear(struct insights_results *r);

struct insights_start_req {
    const char *const *groups; /* names or ARNs (1..50) */
    size_t ngroups;
    int64_t start_s, end_s;    /* epoch seconds */
    const char *query;
    int limit;                 /* 0 = omitted (AWS default 1000 rows) */
};
/* malloc'd JSON text */
char *insights_body_start_query(const struct insights_start_req *r);
char *insights_body_query_id(const char *query_id); /* GetQueryResults, StopQuery */
/* GetQueryResults for the page after next_token (NULL: the first page). */
char *insights_body_results_page(const char *query_id, const char *next_token);

enum od_err insights_decode_start_query(const char *body, size_t len, char **query_id,
                                        struct od_error *err);
/* Rows that are not lists, and pairs without a string field, are skipped. An empty
 * nextToken is taken as none. */
enum od_err insights_decode_results(const char *body, size_t len, struct insights_results *out,
                                    struct od_error *err);
enum od_err insights_decode_stop_query(const char *body, size_t len, bool *success,
                                       struct od_error *err);

const char *insights_status_name(enum insights_status s);
enum insights_status insights_status_parse(const char *word);
/* Scheduled and Running: ask again later. Everything else is where the query ended. */
bool insights_status_pending(enum insights_status s);

#endif
