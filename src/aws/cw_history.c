#include "aws/cw_history.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "aws/proto_json.h"
#include "util/str.h"
#include "util/xalloc.h"

char *
cw_body_describe_alarm_history(double start, const char *next_token)
{
    cJSON *o = json_new_object();
    const char *types[] = {"MetricAlarm"};

    json_add_strs(o, "AlarmTypes", types, 1);
    json_add_str(o, "HistoryItemType", "StateUpdate");
    json_add_num(o, "StartDate", start);
    json_add_str(o, "ScanBy", "TimestampDescending");
    json_add_num(o, "MaxRecords", CW_HISTORY_MAX_RECORDS);
    json_add_str(o, "NextToken", next_token);
    return json_print_free(o);
}

void
alarm_change_clear(struct od_alarm_change *c)
{
    free(c->alarm);
    free(c->old_state);
    free(c->new_state);
    free(c->reason);
    memset(c, 0, sizeof *c);
}

/* HistoryData is JSON inside a string; a document that does not parse leaves the states
 * unknown (the summary still says what happened). */
static void
decode_history_data(const char *text, struct od_alarm_change *c)
{
    cJSON *d = text != NULL ? cJSON_Parse(text) : NULL;

    if (cJSON_IsObject(d)) {
        const cJSON *old = json_obj(d, "oldState"), *neu = json_obj(d, "newState");

        c->old_state = json_strdup(old, "stateValue");
        c->new_state = json_strdup(neu, "stateValue");
        if (c->reason == NULL)
            c->reason = json_strdup(neu, "stateReason");
    }
    cJSON_Delete(d);
}

enum od_err
cw_decode_alarm_history(const char *body, size_t len, struct od_alarm_change **out, size_t *n,
                        char **next_token, struct od_error *err)
{
    cJSON *root;
    const cJSON *it;
    size_t cap;

    *out = NULL;
    *n = 0;
    if (next_token != NULL)
        *next_token = NULL;
    if ((root = json_parse_with_list(body, len, "AlarmHistoryItems", "DescribeAlarmHistory",
                                     err)) == NULL)
        return OD_E_PARSE;
    if ((cap = json_count_objects(root, "AlarmHistoryItems")) > 0) {
        *out = xcalloc(cap, sizeof **out);
        JSON_FOREACH(it, root, "AlarmHistoryItems") {
            struct od_alarm_change *c;

            if (!cJSON_IsObject(it) || !str_eq(json_str(it, "HistoryItemType"), "StateUpdate") ||
                str_empty(json_str(it, "AlarmName")))
                continue;
            c = &(*out)[(*n)++];
            c->alarm = json_strdup(it, "AlarmName");
            if (!json_num(it, "Timestamp", &c->at))
                c->at = 0.0;
            decode_history_data(json_str(it, "HistoryData"), c);
            if (c->reason == NULL)
                c->reason = json_strdup(it, "HistorySummary");
        }
    }
    if (next_token != NULL)
        *next_token = json_strdup(root, "NextToken");
    cJSON_Delete(root);
    return OD_OK;
}
