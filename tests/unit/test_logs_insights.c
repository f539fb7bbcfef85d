/* Logs Insights: request bodies, and the decoders on moto's bodies and on an AWS-shaped
 * Running answer with hostile values. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "aws/logs_insights.h"
#include "check.h"
#include "util/buf.h"
#include "util/xalloc.h"

#define LIT(s) (s), strlen(s)

static char *
load(const char *name, size_t *len)
{
    const char *src = getenv("ONDECK_SRCDIR");
    char *path, *dir;
    FILE *f;
    struct od_buf b;
    char chunk[4096];
    size_t n;

    if (src != NULL && *src != '\0') {
        dir = xasprintf("%s/tests/unit/data/insights", src);
    } else {
        const char *slash = strrchr(__FILE__, '/');

        dir = slash != NULL ? xasprintf("%.*s/data/insights", (int)(slash - __FILE__), __FILE__)
                            : xstrdup("data/insights");
    }
    path = xasprintf("%s/%s", dir, name);
    f = fopen(path, "rb");
    buf_init(&b, 0);
    if (f == NULL) {
        printf("# cannot open %s\n", path);
    } else {
        while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
            buf_append(&b, chunk, n);
        fclose(f);
    }
    free(path);
    free(dir);
    *len = b.len;
    return buf_steal(&b);
}

static void
test_bodies(void)
{
    const char *names[] = {"/ecs/web", "/ecs/api"};
    const char *mixed[] = {"/ecs/web", "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/api"};
    struct insights_start_req r = {names, 2, 1700000000, 1700003600, "fields @message", 50};
    char *b = insights_body_start_query(&r);
    cJSON *j = cJSON_Parse(b);

    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(j, "logGroupNames")) == 2,
          "StartQuery: logGroupNames for names");
    CHECK(cJSON_GetObjectItem(j, "logGroupIdentifiers") == NULL, "and no logGroupIdentifiers");
    CHECK_INT(cJSON_GetObjectItem(j, "startTime")->valuedouble, 1700000000,
              "startTime in epoch seconds");
    CHECK_INT(cJSON_GetObjectItem(j, "limit")->valuedouble, 50, "limit sent");
    CHECK_STR(cJSON_GetObjectItem(j, "queryString")->valuestring, "fields @message", "query sent");
    cJSON_Delete(j);
    free(b);

    r.groups = mixed;
    r.limit = 0;
    b = insights_body_start_query(&r);
    j = cJSON_Parse(b);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(j, "logGroupIdentifiers")) == 2,
          "an ARN among the groups: all go as logGroupIdentifiers");
    CHECK(cJSON_GetObjectItem(j, "logGroupNames") == NULL, "never both");
    CHECK(cJSON_GetObjectItem(j, "limit") == NULL, "limit 0 is omitted");
    cJSON_Delete(j);
    free(b);

    b = insights_body_query_id("abc-1");
    CHECK_STR(b, "{\"queryId\":\"abc-1\"}", "GetQueryResults/StopQuery body");
    free(b);
}

static void
test_statuses(void)
{
    CHECK_INT(insights_status_parse("Scheduled"), INSIGHTS_SCHEDULED, "Scheduled");
    CHECK_INT(insights_status_parse("Timeout"), INSIGHTS_TIMEOUT, "Timeout");
    CHECK_INT(insights_status_parse("Unknown"), INSIGHTS_UNKNOWN, "Unknown");
    CHECK_INT(insights_status_parse("complete"), INSIGHTS_OTHER, "case matters (enum words)");
    CHECK_INT(insights_status_parse(NULL), INSIGHTS_OTHER, "NULL is no status");
    CHECK(insights_status_pending(INSIGHTS_SCHEDULED) && insights_status_pending(INSIGHTS_RUNNING),
          "Scheduled and Running are pending");
    CHECK(!insights_status_pending(INSIGHTS_CANCELLED) && !insights_status_pending(INSIGHTS_OTHER),
          "everything else is final");
    CHECK_STR(insights_status_name(INSIGHTS_FAILED), "Failed", "names round-trip");
}

static void
test_moto(void)
{
    size_t len;
    char *body = load("start_query.json", &len), *id = NULL;
    struct insights_results res;
    struct od_error err = {0};

    CHECK_INT(insights_decode_start_query(body, len, &id, &err), OD_OK, "StartQuery decodes");
    CHECK(id != NULL && strlen(id) == 36, "the query id");
    free(id);
    free(body);
    CHECK_INT(insights_decode_start_query(LIT("{}"), &id, &err), OD_E_PARSE,
              "StartQuery without queryId is an error");
    od_error_clear(&err);

    body = load("get_query_results.json", &len);
    CHECK_INT(insights_decode_results(body, len, &res, &err), OD_OK, "GetQueryResults decodes");
    CHECK_INT(res.status, INSIGHTS_COMPLETE, "Complete");
    CHECK_INT(res.nrows, 2, "two rows (limit 2)");
    CHECK_INT(res.rows[0].n, 3, "three fields, @ptr included");
    CHECK_STR(res.rows[0].f[2].name, "@message", "fields in the order sent");
    CHECK_STR(res.rows[1].f[2].value, "ERROR boom \x1b[31mred\x1b[0m", "value kept byte for byte");
    CHECK(!res.stats.have, "moto sends no statistics");
    insights_results_clear(&res);
    free(body);
}

static void
test_running_hostile(void)
{
    size_t len;
    char *body = load("get_query_results_running.json", &len);
    struct insights_results res;
    struct od_error err = {0};
    static const char want[] = "nul\0inside \x1b]0;title\x07 \xe2\x80\xae" "evil \xef\xbf\xbd lone";

    CHECK_INT(insights_decode_results(body, len, &res, &err), OD_OK,
              "a lone surrogate does not cost the page");
    CHECK_INT(res.status, INSIGHTS_RUNNING, "Running");
    CHECK_INT(res.nrows, 2, "the row that is not a list is skipped");
    CHECK_INT(res.rows[0].f[1].value_len, sizeof want - 1, "the NUL is kept, length too");
    CHECK(memcmp(res.rows[0].f[1].value, want, sizeof want - 1) == 0,
          "value: NUL, OSC, bidi kept raw (callers sanitize); lone surrogate is U+FFFD");
    CHECK_INT(res.rows[1].n, 1, "a pair without a field name is skipped");
    CHECK_STR(res.rows[1].f[0].value, "", "a pair without a value is empty");
    CHECK(res.stats.have, "statistics");
    CHECK_INT(res.stats.records_scanned, 1500, "recordsScanned");
    CHECK_INT(res.stats.bytes_scanned, 123456, "bytesScanned");
    CHECK_INT(res.stats.log_groups_scanned, 1, "logGroupsScanned");
    insights_results_clear(&res);
    free(body);

    CHECK_INT(insights_decode_results(LIT("{\"results\": {}, \"status\": \"Complete\"}"), &res,
                                      &err), OD_E_PARSE, "results that is not a list: parse error");
    od_error_clear(&err);
    CHECK_INT(insights_decode_results(LIT("not json"), &res, &err), OD_E_PARSE, "junk");
    od_error_clear(&err);
    CHECK_INT(insights_decode_results(LIT("{\"status\": \"Bogus\"}"), &res, &err), OD_OK,
              "an unknown status decodes");
    CHECK_INT(res.status, INSIGHTS_OTHER, "as OTHER");
    CHECK_STR(res.status_word, "Bogus", "with its word");
    insights_results_clear(&res);
}

/* GetQueryResults pages: the nextToken of a Complete page, its absence, an empty one; the
 * body that asks for the next page. */
static void
test_pages(void)
{
    size_t len;
    char *body = load("get_query_results_page.json", &len), *b;
    struct insights_results res;
    struct od_error err = {0};
    cJSON *j;

    CHECK_INT(insights_decode_results(body, len, &res, &err), OD_OK, "a page decodes");
    CHECK_INT(res.status, INSIGHTS_COMPLETE, "a Complete page");
    CHECK_INT(res.nrows, 2, "its two rows");
    CHECK_STR(res.next_token,
              "AYADeHp0bGY5eXp6Y2sweXk1bXh4b3J0Y2NzZ2F3cGx1bWwxZmVhAAEAB2F3cy1rbXMAS2Fybjphd3M6a21z",
              "nextToken kept as sent");
    CHECK(res.pages == 0 && !res.partial && !res.capped, "paging marks are the run's, not set");
    insights_results_clear(&res);
    CHECK(res.next_token == NULL, "cleared with the rest");
    free(body);

    body = load("get_query_results.json", &len);
    CHECK_INT(insights_decode_results(body, len, &res, &err), OD_OK, "moto's last page decodes");
    CHECK(res.next_token == NULL, "no nextToken: no more pages");
    insights_results_clear(&res);
    free(body);
    CHECK_INT(insights_decode_results(LIT("{\"status\": \"Complete\", \"nextToken\": \"\"}"),
                                      &res, &err), OD_OK, "an empty nextToken decodes");
    CHECK(res.next_token == NULL, "and is no next page");
    insights_results_clear(&res);
    CHECK_INT(insights_decode_results(LIT("{\"status\": \"Complete\", \"nextToken\": 7}"), &res,
                                      &err), OD_OK, "a nextToken that is not a string decodes");
    CHECK(res.next_token == NULL, "and is no next page either");
    insights_results_clear(&res);

    b = insights_body_results_page("q-1", "tok/+=");
    j = cJSON_Parse(b);
    CHECK_STR(cJSON_GetObjectItem(j, "queryId")->valuestring, "q-1", "page body: queryId");
    CHECK_STR(cJSON_GetObjectItem(j, "nextToken")->valuestring, "tok/+=",
              "page body: the token as given");
    cJSON_Delete(j);
    free(b);
    b = insights_body_results_page("q-1", NULL);
    CHECK_STR(b, "{\"queryId\":\"q-1\"}", "first page: no nextToken");
    free(b);
}

int
main(void)
{
    test_bodies();
    test_statuses();
    test_moto();
    test_running_hostile();
    test_pages();
    return check_done();
}
