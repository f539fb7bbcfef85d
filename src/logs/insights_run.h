/* One Logs Insights query run through the loop, for the console's `:insights`: StartQuery,
 * GetQueryResults every poll_ms while Scheduled or Running (progress reported with the
 * partial rows and statistics), then one final callback. Freeing a run whose query is still
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
/* Stop (StopQuery when it may still run) and free; no callback after it. NULL is fine. */
void insights_run_free(struct insights_run **rp);

#endif
