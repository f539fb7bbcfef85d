/* One Logs Insights query run through the loop, for the console's `:insights`: StartQuery,
 * GetQueryResults every poll_ms while Scheduled or Running (progress reported with the
 * partial rows and statistics), then, once Complete, the following pages (GetQueryResults
 * with its nextToken, up to INSIGHTS_MAX_RESULTS rows, appended in order), then one final
 * callback. A page after the first that fails ends the run with its error and the rows
 * read so far (res->partial). Freeing a run whose query is still
 * running sends StopQuery (fire and forget: the console is leaving or replaced the query),
 * so no query is left scanning on AWS's side. */
#ifndef OD_INSIGHTS_RUN_H
#define OD_INSIGHTS_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aws/logs_insights.h"
#include "aws/request.h"

struct insights_run;

/* res is the latest answer (borrowed for the call). done: the query ended (res->status says
 * how) or failed (err set, res may be empty); no callback follows a done one. */
typedef void (*insights_run_cb)(const struct insights_results *res, const struct od_error *err,
                                bool done, void *ud);

struct insights_run_opts {
    const char *const *groups;
    size_t ngroups;
    int64_t start_s, end_s;
    const char *query;
    int limit;        /* 0: AWS's default */
    uint64_t poll_ms; /* 0: 1 s */
};

/* NULL with err set when the call could not be started. */
struct insights_run *insights_run_start(struct od_aws *aws, const struct insights_run_opts *o,
                                        insights_run_cb cb, void *ud, struct od_error *err);
/* After insights_run_stop: stopped says AWS confirmed (StopQuery's success); err is its
 * error (mostly "not running": the query ended meanwhile). */
typedef void (*insights_stop_cb)(bool stopped, const struct od_error *err, void *ud);

/* Stop a query that may still run and say when AWS answered (the CLI waits for that before
 * it exits). No results callback comes after it. A run whose StartQuery is still in flight
 * stops the query once its id arrives. False (and no callback) when there is nothing to
 * stop: the final callback already ran, or the query is Complete and its later pages were
 * being read (their reading ends here). */
bool insights_run_stop(struct insights_run *r, insights_stop_cb done, void *ud);
/* The call whose error ended the run ("StartQuery", "GetQueryResults"; "" otherwise). */
const char *insights_run_failed_op(const struct insights_run *r);
/* The query's id ("" until StartQuery answered). */
const char *insights_run_query_id(const struct insights_run *r);
/* Stop (StopQuery when it may still run) and free; no callback after it. NULL is fine. */
void insights_run_free(struct insights_run **rp);

#endif
