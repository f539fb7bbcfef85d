/* CloudWatch (awsJson 1.0, query-compatible): GetMetricData and DescribeAlarms. */
#ifndef OD_CLOUDWATCH_H
#define OD_CLOUDWATCH_H

#include <stddef.h>
#include <time.h>

#include "model/entities.h"
#include "util/err.h"

#define CW_MAX_QUERIES 500

/* One MetricStat query. id: [a-z][a-zA-Z0-9_]*, unique within a call. */
struct od_metric_query {
    const char *id;
    const char *namespace_;
    const char *metric_name;
    const struct od_dimension *dimensions;
    size_t ndimensions;
    const char *stat; /* "Average", "Sum", "Maximum", ... */
    long period;      /* seconds, multiple of 60 */
};

/* GetMetricData body for up to CW_MAX_QUERIES queries over [start, end), ScanBy
 * TimestampAscending; NULL when n is 0 or above CW_MAX_QUERIES (split the queries). */
char *cw_body_get_metric_data(const struct od_metric_query *q, size_t n, time_t start,
                              time_t end, const char *next_token);
/* Series in query order of appearance, values sorted oldest first; next_token NULL at end.
 * Pages may repeat an id with more points: callers merge by id. */
enum od_err cw_decode_metric_data(const char *body, size_t len, struct od_series **out,
                                  size_t *n, char **next_token, struct od_error *err);

/* DescribeAlarms body (metric alarms only; MaxRecords 100). */
char *cw_body_describe_alarms(const char *next_token);
enum od_err cw_decode_alarms(const char *body, size_t len, struct od_alarm **out, size_t *n,
                             char **next_token, struct od_error *err);

#endif
