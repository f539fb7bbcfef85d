/* CloudWatch Logs (awsJson 1.1) request bodies and response decoders.
 *
 * Decoders are total like the ECS ones: any input yields OD_OK with what could be read, or
 * OD_E_PARSE. Two twists, both handled by rewriting escapes before cJSON sees them
 * (fix_escapes): a message may carry U+0000 ("\u0000" on the wire), and cJSON hands strings
 * back NUL-terminated, which would cut such a message short, so the escape is swapped for the
 * noncharacter U+FFFF (when the body holds no U+FFFF of its own) and turned back into a NUL
 * byte afterwards, with the length kept in message_len; and a lone surrogate escape, which
 * would make cJSON refuse the whole page, becomes U+FFFD. */
#include "aws/logs.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/proto_json.h"
#include "util/str.h"
#include "util/xalloc.h"

void
log_record_clear(struct od_log_record *r)
{
    free(r->event_id);
    free(r->stream);
    free(r->message);
    memset(r, 0, sizeof *r);
}

void
log_stream_clear(struct od_log_stream *s)
{
    free(s->name);
    free(s->arn);
    memset(s, 0, sizeof *s);
}

void
log_records_free(struct od_log_record **recs, size_t *n)
{
    if (*recs != NULL) {
        for (size_t i = 0; i < *n; i++)
            log_record_clear(&(*recs)[i]);
        free(*recs);
    }
    *recs = NULL;
    *n = 0;
}

/* ---- request bodies -------------------------------------------------------------------- */

static void
add_group(cJSON *o, const char *group)
{
    /* An ARN names the group through logGroupIdentifier (exactly one of the two). */
    if (str_has_prefix(group, "arn:"))
        json_add_str(o, "logGroupIdentifier", group);
    else
        json_add_str(o, "logGroupName", group);
}

char *
logs_body_filter_log_events(const struct logs_filter_req *r)
{
    cJSON *o = json_new_object();

    add_group(o, r->group);
    if (r->streams != NULL && r->nstreams > 0)
        json_add_strs(o, "logStreamNames", r->streams, r->nstreams);
    else if (!str_empty(r->stream_prefix))
        json_add_str(o, "logStreamNamePrefix", r->stream_prefix);
    if (r->start_ms >= 0)
        json_add_num(o, "startTime", (double)r->start_ms);
    if (r->end_ms >= 0)
        json_add_num(o, "endTime", (double)r->end_ms);
    if (!str_empty(r->filter_pattern))
        json_add_str(o, "filterPattern", r->filter_pattern);
    if (!str_empty(r->next_token))
        json_add_str(o, "nextToken", r->next_token);
    if (r->limit > 0)
        json_add_num(o, "limit", r->limit > LOGS_MAX_LIMIT ? LOGS_MAX_LIMIT : r->limit);
    /* Ignored by AWS since 2019 (always interleaved), but moto sorts by time only with it. */
    json_add_bool(o, "interleaved", true);
    return json_print_free(o);
}

char *
logs_body_get_log_events(const char *group, const char *stream, int64_t start_ms, int64_t end_ms,
                         const char *next_token, bool start_from_head, int limit)
{
    cJSON *o = json_new_object();

    add_group(o, group);
    json_add_str(o, "logStreamName", stream);
    if (start_ms >= 0)
        json_add_num(o, "startTime", (double)start_ms);
    if (end_ms >= 0)
        json_add_num(o, "endTime", (double)end_ms);
    if (!str_empty(next_token))
        json_add_str(o, "nextToken", next_token);
    json_add_bool(o, "startFromHead", start_from_head);
    if (limit > 0)
        json_add_num(o, "limit", limit > LOGS_MAX_LIMIT ? LOGS_MAX_LIMIT : limit);
    return json_print_free(o);
}

char *
logs_body_describe_log_streams(const char *group, const char *prefix, bool order_by_last_event,
                               bool descending, const char *next_token, int limit)
{
    cJSON *o = json_new_object();

    add_group(o, group);
    if (order_by_last_event)
        json_add_str(o, "orderBy", "LastEventTime");
    else if (!str_empty(prefix))
        json_add_str(o, "logStreamNamePrefix", prefix);
    if (descending)
        json_add_bool(o, "descending", true);
    if (!str_empty(next_token))
        json_add_str(o, "nextToken", next_token);
    if (limit > 0)
        json_add_num(o, "limit", limit > 50 ? 50 : limit);
    return json_print_free(o);
}

/* ---- decoders -------------------------------------------------------------------------- */

/* Does the body hold U+FFFF already, raw or escaped? Then the NUL trick is off. */
static bool
has_uffff(const char *b, size_t len)
{
    for (size_t i = 0; i + 2 < len; i++) {
        if ((unsigned char)b[i] == 0xef && (unsigned char)b[i + 1] == 0xbf &&
            (unsigned char)b[i + 2] == 0xbf)
            return true;
        if (b[i] == '\\' && b[i + 1] == 'u' && i + 5 < len &&
            strncasecmp(b + i + 2, "ffff", 4) == 0)
            return true;
        if (b[i] == '\\')
            i++; /* skip the escaped character ("\\\\uffff" is not an escape of U+FFFF) */
    }
    return false;
}

static bool
hex4(const char *p, unsigned *out)
{
    unsigned v = 0;

    for (int i = 0; i < 4; i++) {
        char c = p[i];

        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return false;
    }
    *out = v;
    return true;
}

/* A copy of body with escapes cJSON would mishandle rewritten in place (same length), or
 * NULL when there are none:
 *   - "\u0000" becomes "\uffff" (turned back into NUL by take_message) unless the body has
 *     U+FFFF of its own; then it stays and the message is cut there;
 *   - a lone surrogate escape becomes "\ufffd": cJSON would reject the whole page for it,
 *     and one hostile line must not stop a follow. */
static char *
fix_escapes(const char *b, size_t len, bool *swapped)
{
    char *copy = NULL;
    int nul_ok = -1; /* unknown */

    *swapped = false;
    for (size_t i = 0; i + 1 < len; i++) {
        unsigned v, lo;
        const char *rep = NULL;

        if (b[i] != '\\')
            continue;
        if (b[i + 1] != 'u' || i + 5 >= len || !hex4(b + i + 2, &v)) {
            i++; /* some other escape: skip the escaped character */
            continue;
        }
        if (v == 0) {
            if (nul_ok < 0)
                nul_ok = !has_uffff(b, len);
            if (nul_ok) {
                rep = "ffff";
                *swapped = true;
            }
        } else if (v >= 0xd800 && v <= 0xdbff) {
            if (i + 11 < len && b[i + 6] == '\\' && b[i + 7] == 'u' && hex4(b + i + 8, &lo) &&
                lo >= 0xdc00 && lo <= 0xdfff) {
                i += 11; /* a proper pair */
                continue;
            }
            rep = "fffd";
        } else if (v >= 0xdc00 && v <= 0xdfff) {
            rep = "fffd";
        }
        if (rep != NULL) {
            if (copy == NULL) {
                copy = xmalloc(len + 1);
                memcpy(copy, b, len);
                copy[len] = '\0';
            }
            memcpy(copy + i + 2, rep, 4);
        }
        i += 5;
    }
    return copy;
}

char *
logs_take_text(const char *s, bool swapped, size_t *len_out)
{
    size_t len = strlen(s), o = 0;
    char *t = xmalloc(len + 1);

    for (size_t i = 0; i < len; i++) {
        if (swapped && i + 2 < len && (unsigned char)s[i] == 0xef &&
            (unsigned char)s[i + 1] == 0xbf && (unsigned char)s[i + 2] == 0xbf) {
            t[o++] = '\0';
            i += 2;
        } else {
            t[o++] = s[i];
        }
    }
    t[o] = '\0';
    *len_out = o;
    return t;
}

/* Take the message out of a decoded string, turning U+FFFF back into NUL when swapped. */
static void
take_message(struct od_log_record *r, const char *s, bool swapped)
{
    r->message = logs_take_text(s, swapped, &r->message_len);
}

cJSON *
logs_parse_body(const char *body, size_t len, bool *swapped, struct od_error *err)
{
    char *copy = fix_escapes(body, len, swapped);
    cJSON *j;

    j = json_parse(copy != NULL ? copy : body, len, err);
    free(copy);
    return j;
}

static enum od_err
decode_events(const cJSON *j, bool swapped, struct od_log_record **out, size_t *n)
{
    const cJSON *it;
    size_t cap = json_arr_len(j, "events"), k = 0;
    struct od_log_record *recs = cap > 0 ? xcalloc(cap, sizeof *recs) : NULL;

    JSON_FOREACH(it, j, "events") {
        struct od_log_record *r;
        const char *msg = json_str(it, "message");
        int64_t ts;

        if (!cJSON_IsObject(it) || msg == NULL || !json_epoch_ms(it, "timestamp", &ts))
            continue;
        r = &recs[k++];
        r->timestamp = ts;
        if (!json_epoch_ms(it, "ingestionTime", &r->ingestion_time))
            r->ingestion_time = 0;
        r->event_id = json_strdup(it, "eventId");
        r->stream = json_strdup(it, "logStreamName");
        take_message(r, msg, swapped);
    }
    if (k == 0) {
        free(recs);
        recs = NULL;
    }
    *out = recs;
    *n = k;
    return OD_OK;
}

enum od_err
logs_decode_filter_log_events(const char *body, size_t len, struct od_log_record **out,
                              size_t *n, char **next_token, struct od_error *err)
{
    bool swapped;
    cJSON *j = logs_parse_body(body, len, &swapped, err);

    *out = NULL;
    *n = 0;
    if (next_token != NULL)
        *next_token = NULL;
    if (j == NULL)
        return OD_E_PARSE;
    decode_events(j, swapped, out, n);
    if (next_token != NULL && !str_empty(json_str(j, "nextToken")))
        *next_token = json_strdup(j, "nextToken");
    cJSON_Delete(j);
    return OD_OK;
}

enum od_err
logs_decode_get_log_events(const char *body, size_t len, struct od_log_record **out, size_t *n,
                           char **next_forward, char **next_backward, struct od_error *err)
{
    bool swapped;
    cJSON *j = logs_parse_body(body, len, &swapped, err);

    *out = NULL;
    *n = 0;
    if (next_forward != NULL)
        *next_forward = NULL;
    if (next_backward != NULL)
        *next_backward = NULL;
    if (j == NULL)
        return OD_E_PARSE;
    decode_events(j, swapped, out, n);
    if (next_forward != NULL)
        *next_forward = json_strdup(j, "nextForwardToken");
    if (next_backward != NULL)
        *next_backward = json_strdup(j, "nextBackwardToken");
    cJSON_Delete(j);
    return OD_OK;
}

enum od_err
logs_decode_describe_log_streams(const char *body, size_t len, struct od_log_stream **out,
                                 size_t *n, char **next_token, struct od_error *err)
{
    cJSON *j = json_parse(body, len, err);
    const cJSON *it;
    size_t cap, k = 0;
    struct od_log_stream *v;

    *out = NULL;
    *n = 0;
    if (next_token != NULL)
        *next_token = NULL;
    if (j == NULL)
        return OD_E_PARSE;
    cap = json_arr_len(j, "logStreams");
    v = cap > 0 ? xcalloc(cap, sizeof *v) : NULL;
    JSON_FOREACH(it, j, "logStreams") {
        struct od_log_stream *s;

        if (!cJSON_IsObject(it) || json_str(it, "logStreamName") == NULL)
            continue;
        s = &v[k++];
        s->name = json_strdup(it, "logStreamName");
        s->arn = json_strdup(it, "arn");
        json_epoch_ms(it, "creationTime", &s->creation_time);
        json_epoch_ms(it, "firstEventTimestamp", &s->first_event);
        json_epoch_ms(it, "lastEventTimestamp", &s->last_event);
        json_epoch_ms(it, "lastIngestionTime", &s->last_ingestion);
        json_int(it, "storedBytes", &s->stored_bytes);
    }
    if (k == 0) {
        free(v);
        v = NULL;
    }
    *out = v;
    *n = k;
    if (next_token != NULL && !str_empty(json_str(j, "nextToken")))
        *next_token = json_strdup(j, "nextToken");
    cJSON_Delete(j);
    return OD_OK;
}
