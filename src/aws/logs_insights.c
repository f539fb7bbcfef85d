/* CloudWatch Logs Insights request bodies and decoders. Total like the other decoders: any
 * input yields OD_OK with what could be read, or OD_E_PARSE. Bodies go through
 * logs_parse_body so that a "\u0000" or a lone surrogate in one value (a log line is the
 * user's bytes) neither cuts the value short nor makes cJSON refuse the whole page. */
#include "aws/logs_insights.h"

#include <stdlib.h>
#include <string.h>

#include "aws/logs.h"
#include "aws/proto_json.h"
#include "util/str.h"
#include "util/xalloc.h"

static const char *const status_names[] = {
    "Scheduled", "Running", "Complete", "Failed", "Cancelled", "Timeout", "Unknown",
};

const char *
insights_status_name(enum insights_status s)
{
    if ((size_t)s < sizeof status_names / sizeof status_names[0])
        return status_names[s];
    return "?";
}

enum insights_status
insights_status_parse(const char *word)
{
    for (size_t i = 0; i < sizeof status_names / sizeof status_names[0]; i++)
        if (str_eq(word, status_names[i]))
            return (enum insights_status)i;
    return INSIGHTS_OTHER;
}

bool
insights_status_pending(enum insights_status s)
{
    return s == INSIGHTS_SCHEDULED || s == INSIGHTS_RUNNING;
}

void
insights_results_clear(struct insights_results *r)
{
    for (size_t i = 0; i < r->nrows; i++) {
        for (size_t k = 0; k < r->rows[i].n; k++) {
            free(r->rows[i].f[k].name);
            free(r->rows[i].f[k].value);
        }
        free(r->rows[i].f);
    }
    free(r->rows);
    free(r->status_word);
    free(r->next_token);
    memset(r, 0, sizeof *r);
}

/* ---- request bodies -------------------------------------------------------------------- */

char *
insights_body_start_query(const struct insights_start_req *r)
{
    cJSON *o = json_new_object();
    bool any_arn = false;

    for (size_t i = 0; i < r->ngroups; i++)
        any_arn |= str_has_prefix(r->groups[i], "arn:");
    /* logGroupIdentifiers takes names and ARNs alike; logGroupNames only names. Exactly one
     * of the two may be sent. */
    json_add_strs(o, any_arn ? "logGroupIdentifiers" : "logGroupNames", r->groups, r->ngroups);
    json_add_num(o, "startTime", (double)r->start_s);
    json_add_num(o, "endTime", (double)r->end_s);
    json_add_str(o, "queryString", r->query);
    if (r->limit > 0)
        json_add_num(o, "limit", r->limit > INSIGHTS_MAX_LIMIT ? INSIGHTS_MAX_LIMIT : r->limit);
    return json_print_free(o);
}

char *
insights_body_query_id(const char *query_id)
{
    cJSON *o = json_new_object();

    json_add_str(o, "queryId", query_id);
    return json_print_free(o);
}

char *
insights_body_results_page(const char *query_id, const char *next_token)
{
    cJSON *o = json_new_object();

    json_add_str(o, "queryId", query_id);
    if (next_token != NULL)
        json_add_str(o, "nextToken", next_token);
    return json_print_free(o);
}

/* ---- decoders -------------------------------------------------------------------------- */

enum od_err
insights_decode_start_query(const char *body, size_t len, char **query_id, struct od_error *err)
{
    cJSON *j = json_parse(body, len, err);

    *query_id = NULL;
    if (j == NULL)
        return OD_E_PARSE;
    if (!str_empty(json_str(j, "queryId")))
        *query_id = json_strdup(j, "queryId");
    cJSON_Delete(j);
    if (*query_id == NULL) {
        od_error_set(err, OD_E_PARSE, "StartQuery response: no queryId");
        return OD_E_PARSE;
    }
    return OD_OK;
}

static void
decode_row(const cJSON *arr, bool swapped, struct insights_row *row)
{
    const cJSON *it;
    size_t cap = (size_t)cJSON_GetArraySize(arr), k = 0;

    row->f = cap > 0 ? xcalloc(cap, sizeof *row->f) : NULL;
    cJSON_ArrayForEach(it, arr) {
        const char *name = json_str(it, "field"), *value = json_str(it, "value");
        struct insights_field *f;
        size_t name_len;

        if (name == NULL)
            continue;
        f = &row->f[k++];
        f->name = logs_take_text(name, swapped, &name_len);
        f->value = logs_take_text(value != NULL ? value : "", swapped, &f->value_len);
    }
    row->n = k;
}

static void
decode_stats(const cJSON *j, struct insights_stats *st)
{
    const cJSON *s = json_obj(j, "statistics");

    st->log_groups_scanned = -1;
    if (s == NULL)
        return;
    st->have = true;
    json_num(s, "recordsMatched", &st->records_matched);
    json_num(s, "recordsScanned", &st->records_scanned);
    json_num(s, "bytesScanned", &st->bytes_scanned);
    json_num(s, "logGroupsScanned", &st->log_groups_scanned);
}

enum od_err
insights_decode_results(const char *body, size_t len, struct insights_results *out,
                        struct od_error *err)
{
    bool swapped;
    cJSON *j = logs_parse_body(body, len, &swapped, err);
    const cJSON *it;
    size_t cap, k = 0;

    memset(out, 0, sizeof *out);
    out->stats.log_groups_scanned = -1;
    if (j == NULL)
        return OD_E_PARSE;
    if (!json_list_absent_or_array(j, "results")) {
        cJSON_Delete(j);
        od_error_set(err, OD_E_PARSE, "GetQueryResults response: results is not a list");
        return OD_E_PARSE;
    }
    out->status_word = json_strdup(j, "status");
    out->status = out->status_word != NULL ? insights_status_parse(out->status_word)
                                           : INSIGHTS_OTHER;
    cap = json_arr_len(j, "results");
    out->rows = cap > 0 ? xcalloc(cap, sizeof *out->rows) : NULL;
    JSON_FOREACH(it, j, "results") {
        if (!cJSON_IsArray(it))
            continue;
        decode_row(it, swapped, &out->rows[k++]);
    }
    out->nrows = k;
    decode_stats(j, &out->stats);
    if (!str_empty(json_str(j, "nextToken")))
        out->next_token = json_strdup(j, "nextToken");
    cJSON_Delete(j);
    return OD_OK;
}

enum od_err
insights_decode_stop_query(const char *body, size_t len, bool *success, struct od_error *err)
{
    cJSON *j = json_parse(body, len, err);

    *success = false;
    if (j == NULL)
        return OD_E_PARSE;
    json_bool(j, "success", success);
    cJSON_Delete(j);
    return OD_OK;
}
