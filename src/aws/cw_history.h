/* CloudWatch DescribeAlarmHistory, StateUpdate items only: when an alarm went from which
 * state to which, and why (CloudWatch API Reference, DescribeAlarmHistory and AlarmHistoryItem:
 * HistoryData is a JSON document with oldState and newState, each {stateValue, stateReason}). */
#ifndef OD_CW_HISTORY_H
#define OD_CW_HISTORY_H

#include <stddef.h>

#include "util/err.h"

#define CW_HISTORY_MAX_RECORDS 100

struct od_alarm_change {
    char *alarm;
    double at;       /* Timestamp, epoch seconds */
    char *old_state; /* from HistoryData; NULL when it does not say */
    char *new_state;
    char *reason;    /* newState.stateReason, else HistorySummary */
};

/* Body: HistoryItemType StateUpdate, AlarmTypes MetricAlarm, StartDate start (epoch
 * seconds), newest first, MaxRecords 100. */
char *cw_body_describe_alarm_history(double start, const char *next_token);
/* Items that are not StateUpdate or name no alarm are skipped. */
enum od_err cw_decode_alarm_history(const char *body, size_t len, struct od_alarm_change **out,
                                    size_t *n, char **next_token, struct od_error *err);
void alarm_change_clear(struct od_alarm_change *c);

#endif
