/* Logs: wire bodies and decoders on moto's bodies and hostile variants, sources from task
 * definitions, several sources in one stream (logs/merge.c), --since parsing, and the
 * follower's dedup set. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "aws/ecs.h"
#include "aws/logs.h"
#include "check.h"
#include "logs/merge.h"
#include "logs/seen.h"
#include "logs/since.h"
#include "logs/sources.h"
#include "model/world.h"
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
        dir = xasprintf("%s/tests/unit/data/logs", src);
    } else {
        const char *slash = strrchr(__FILE__, '/');

        dir = slash != NULL ? xasprintf("%.*s/data/logs", (int)(slash - __FILE__), __FILE__)
                            : xstrdup("data/logs");
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

/* ---- bodies ------------------------------------------------------------------------------ */

static void
test_bodies(void)
{
    const char *names[] = {"web/app/1", "web/app/2"};
    struct logs_filter_req r = {0};
    cJSON *j;
    char *body;

    r.group = "/ecs/web";
    r.streams = names;
    r.nstreams = 2;
    r.stream_prefix = "ignored/with/names";
    r.start_ms = 1795304700000;
    r.end_ms = -1;
    r.filter_pattern = "\"500\"";
    r.next_token = "tok";
    r.limit = 20000;
    body = logs_body_filter_log_events(&r);
    j = cJSON_Parse(body);
    CHECK(j != NULL, "FilterLogEvents body is JSON");
    CHECK_STR(cJSON_GetObjectItem(j, "logGroupName")->valuestring, "/ecs/web", "logGroupName");
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(j, "logStreamNames")), 2, "logStreamNames");
    CHECK(cJSON_GetObjectItem(j, "logStreamNamePrefix") == NULL, "no prefix with names");
    CHECK_INT((int64_t)cJSON_GetObjectItem(j, "startTime")->valuedouble, 1795304700000,
              "startTime in epoch ms, exact");
    CHECK(strstr(body, "\"startTime\":1795304700000") != NULL, "startTime printed as an integer");
    CHECK(cJSON_GetObjectItem(j, "endTime") == NULL, "endTime omitted");
    CHECK_STR(cJSON_GetObjectItem(j, "filterPattern")->valuestring, "\"500\"", "filterPattern");
    CHECK_STR(cJSON_GetObjectItem(j, "nextToken")->valuestring, "tok", "nextToken");
    CHECK_INT(cJSON_GetObjectItem(j, "limit")->valueint, 10000, "limit capped at 10,000");
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(j, "interleaved")), "interleaved (for moto)");
    cJSON_Delete(j);
    free(body);

    memset(&r, 0, sizeof r);
    r.group = "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web";
    r.stream_prefix = "web/app/";
    r.start_ms = -1;
    r.end_ms = 5;
    body = logs_body_filter_log_events(&r);
    j = cJSON_Parse(body);
    CHECK(cJSON_GetObjectItem(j, "logGroupIdentifier") != NULL &&
              cJSON_GetObjectItem(j, "logGroupName") == NULL,
          "an ARN goes to logGroupIdentifier only");
    CHECK_STR(cJSON_GetObjectItem(j, "logStreamNamePrefix")->valuestring, "web/app/",
              "prefix without names");
    CHECK(cJSON_GetObjectItem(j, "startTime") == NULL && cJSON_GetObjectItem(j, "limit") == NULL &&
              cJSON_GetObjectItem(j, "filterPattern") == NULL,
          "optional members omitted");
    cJSON_Delete(j);
    free(body);

    body = logs_body_get_log_events("/ecs/web", "web/app/1", -1, -1, "f/1", true, 0);
    CHECK(strstr(body, "\"startFromHead\":true") != NULL && strstr(body, "\"nextToken\":\"f/1\""),
          "GetLogEvents body");
    free(body);
    body = logs_body_describe_log_streams("/ecs/web", "web/", true, true, NULL, 500);
    CHECK(strstr(body, "LastEventTime") != NULL && strstr(body, "Prefix") == NULL &&
              strstr(body, "\"limit\":50") != NULL,
          "DescribeLogStreams: no prefix with LastEventTime, limit capped at 50");
    free(body);
    /* The follower's "does this stream exist?": the name as prefix, one result. */
    body = logs_body_describe_log_streams("/ecs/web", "web/app/0123abcd", false, false, NULL, 1);
    CHECK_STR(body, "{\"logGroupName\":\"/ecs/web\",\"logStreamNamePrefix\":\"web/app/0123abcd\","
                    "\"limit\":1}",
              "DescribeLogStreams probe body");
    free(body);
}

/* ---- decoders ---------------------------------------------------------------------------- */

static void
test_decode_filter(void)
{
    struct od_log_record *r;
    struct od_error err = {0};
    char *body, *tok;
    size_t len, n;

    body = load("filter_log_events.json", &len);
    CHECK(logs_decode_filter_log_events(body, len, &r, &n, &tok, &err) == OD_OK, "moto body decodes");
    CHECK_INT(n, 3, "three events");
    CHECK_STR(r[0].event_id, "0", "eventId");
    CHECK_STR(r[0].stream, "web/app/0123456789abcdef0123456789abcdef", "logStreamName");
    CHECK_INT(r[0].timestamp, 1795304700000, "timestamp ms");
    CHECK_INT(r[0].ingestion_time, 1795307372052, "ingestionTime ms");
    CHECK_STR(r[1].message, "POST /api 201\n", "message kept as sent");
    CHECK_INT(r[1].message_len, 14, "message_len");
    CHECK(r[0].timestamp <= r[1].timestamp && r[1].timestamp <= r[2].timestamp,
          "interleaved: in time order across streams");
    CHECK_STR(tok, "/ecs/web@web/app/0123456789abcdef0123456789abcdef@1", "nextToken");
    log_records_free(&r, &n);
    free(tok);
    free(body);

    body = load("filter_log_events_hostile.json", &len);
    CHECK(logs_decode_filter_log_events(body, len, &r, &n, &tok, &err) == OD_OK,
          "hostile body decodes");
    CHECK_INT(n, 7, "seven hostile events");
    CHECK(tok == NULL, "nextToken null reads as absent");
    CHECK_STR(r[0].message, "\x1b]0;pwned title\x07" "after-osc", "OSC kept raw for the sanitiser");
    CHECK_INT(r[4].message_len, 10, "U+0000 does not cut the message");
    CHECK(memcmp(r[4].message, "nul\0inside", 11) == 0, "and decodes to a NUL byte");
    CHECK_STR(r[3].message, "c1 \xc2\x9b" "31m and \xc2\x85 nel", "C1 as UTF-8");
    log_records_free(&r, &n);
    free(body);

    body = load("filter_log_events_edited.json", &len);
    CHECK(logs_decode_filter_log_events(body, len, &r, &n, &tok, &err) == OD_OK,
          "edited body with lone surrogates still decodes");
    CHECK_INT(n, 4, "events without timestamp or message, and non-objects, are skipped");
    CHECK(n >= 1 && memcmp(r[0].message, "raw \xff\xfe", 6) == 0, "raw invalid bytes kept");
    CHECK(n >= 2 && strstr(r[1].message, "lone \xef\xbf\xbd low and \xef\xbf\xbd high") != NULL,
          "lone surrogates become U+FFFD");
    CHECK(n >= 2 && strstr(r[1].message, "pair \xf0\x9f\x9a\x80") != NULL,
          "a proper surrogate pair is kept");
    CHECK(n >= 2 && r[1].ingestion_time == 0, "null ingestionTime reads as 0");
    CHECK(n >= 3 && r[2].event_id == NULL && r[2].stream == NULL, "null eventId and stream");
    CHECK(n >= 4 && strstr(r[3].message, "\\u0000 is text, real ") != NULL &&
              r[3].message_len == strlen("escaped \\u0000 is text, real ") + 1 + strlen(" is NUL"),
          "an escaped backslash is not an escape; the real \\u0000 is one NUL");
    CHECK(tok == NULL, "empty nextToken reads as absent");
    log_records_free(&r, &n);
    free(body);

    CHECK(logs_decode_filter_log_events("<html>500</html>", 16, &r, &n, &tok, &err) == OD_E_PARSE,
          "HTML body is a parse error");
    od_error_clear(&err);
    CHECK(logs_decode_filter_log_events("{\"events\": {}}", 14, &r, &n, &tok, &err) == OD_OK &&
              n == 0,
          "events of the wrong type read as none");
    CHECK(logs_decode_filter_log_events(LIT("{\"message\":\"\\u0000\\uffff\"}"), &r, &n, &tok,
                                        &err) == OD_OK,
          "a body with both U+0000 and U+FFFF still parses");
}

static void
test_decode_other(void)
{
    struct od_log_record *r;
    struct od_log_stream *s;
    struct od_error err = {0};
    char *body, *fwd, *bwd, *tok;
    size_t len, n;

    body = load("get_log_events.json", &len);
    CHECK(logs_decode_get_log_events(body, len, &r, &n, &fwd, &bwd, &err) == OD_OK,
          "GetLogEvents decodes");
    CHECK_INT(n, 2, "two events");
    CHECK(r[0].event_id == NULL && r[0].stream == NULL, "no id or stream in GetLogEvents");
    CHECK(fwd != NULL && fwd[0] == 'f' && bwd != NULL && bwd[0] == 'b', "forward/backward tokens");
    log_records_free(&r, &n);
    free(fwd);
    free(bwd);
    free(body);

    body = load("describe_log_streams.json", &len);
    CHECK(logs_decode_describe_log_streams(body, len, &s, &n, &tok, &err) == OD_OK,
          "DescribeLogStreams decodes");
    CHECK_INT(n, 2, "two streams");
    CHECK_INT(s[0].last_event, 1795304702000, "lastEventTimestamp");
    CHECK_INT(s[0].stored_bytes, 39, "storedBytes");
    CHECK(tok == NULL, "no nextToken");
    for (size_t i = 0; i < n; i++)
        log_stream_clear(&s[i]);
    free(s);
    free(body);
}

/* ---- sources ----------------------------------------------------------------------------- */

static void
add_td(struct od_world *w, const char *arn, const char *driver, const char *prefix,
       const char *second)
{
    struct od_task_def td = {0};

    td.arn = xstrdup(arn);
    td.ncontainers = second != NULL ? 2 : 1;
    td.containers = xcalloc(td.ncontainers, sizeof *td.containers);
    td.containers[0].name = xstrdup("app");
    td.containers[0].log_driver = driver != NULL ? xstrdup(driver) : NULL;
    if (driver != NULL && strcmp(driver, "awslogs") == 0) {
        td.containers[0].log_group = xstrdup("/ecs/web");
        td.containers[0].log_region = xstrdup("eu-west-1");
        td.containers[0].log_stream_prefix = prefix != NULL ? xstrdup(prefix) : NULL;
    }
    if (second != NULL) {
        td.containers[1].name = xstrdup(second);
        td.containers[1].log_driver = xstrdup("fluentd");
    }
    world_add_task_def(w, &td);
}

static struct od_task
mk_task(const char *id, const char *svc, const char *td)
{
    struct od_task t = {0};

    t.id = xstrdup(id);
    t.arn = xasprintf("arn:aws:ecs:us-east-1:123456789012:task/prod/%s", id);
    t.group = xasprintf("service:%s", svc);
    t.task_definition = xstrdup(td);
    return t;
}

static void
test_sources(void)
{
    const char *td1 = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:3";
    const char *td2 = "arn:aws:ecs:us-east-1:123456789012:task-definition/side:1";
    struct od_world *w = world_new("us-east-1", "prod");
    struct sources_query q = {0};
    struct od_log_sources src;
    struct od_error err = {0};
    struct od_task *tasks = xcalloc(3, sizeof *tasks), *stopped = xcalloc(1, sizeof *stopped);
    struct od_service *svcs = xcalloc(2, sizeof *svcs);
    char **arns;
    size_t n;
    char *tid, *cname;

    tasks[0] = mk_task("aaa", "web", td1);
    tasks[1] = mk_task("bbb", "web", td1);
    tasks[2] = mk_task("ccc", "side", td2);
    stopped[0] = mk_task("zzz", "web", td1);
    svcs[0].name = xstrdup("side");
    svcs[0].task_definition = xstrdup("side:1");
    svcs[1].name = xstrdup("web");
    svcs[1].task_definition = xstrdup("web:3");
    world_set_tasks(w, tasks, 3);
    world_set_stopped(w, stopped, 1);
    world_set_services(w, svcs, 2);

    q.service = "web";
    q.include_stopped = true;
    sources_missing_task_defs(w, &q, &arns, &n);
    CHECK_INT(n, 1, "one task definition to fetch for web (shared by its tasks)");
    CHECK_STR(n > 0 ? arns[0] : NULL, td1, "the tasks' task definition ARN");
    arn_list_free(&arns, &n);

    add_td(w, td1, "awslogs", "web", "sidecar");
    add_td(w, td2, "splunk", NULL, NULL);
    sources_missing_task_defs(w, &q, &arns, &n);
    CHECK_INT(n, 0, "nothing to fetch once cached");

    CHECK(sources_build(w, &q, &src, &err) == OD_OK, "sources for a service");
    CHECK_INT(src.n, 3, "one stream per task (two running, one stopped) of the awslogs container");
    CHECK_STR(src.n > 0 ? src.v[0].stream : NULL, "web/app/aaa", "PREFIX/CONTAINER/TASK_ID");
    CHECK_STR(src.n > 0 ? src.v[0].group : NULL, "/ecs/web", "awslogs-group");
    CHECK_STR(src.n > 0 ? src.v[0].region : NULL, "eu-west-1", "awslogs-region");
    CHECK_STR(src.n > 2 ? src.v[2].task_id : NULL, "zzz", "the stopped task is included");
    CHECK_INT(src.nnotes, 1, "one note for the fluentd sidecar (not one per task)");
    CHECK(src.nnotes > 0 && strstr(src.notes[0], "fluentd log driver") != NULL &&
              strstr(src.notes[0], "sidecar") != NULL,
          "the note names the container and the driver");
    sources_clear(&src);

    q.include_stopped = false;
    CHECK(sources_build(w, &q, &src, &err) == OD_OK && src.n == 2, "without stopped tasks");
    sources_clear(&src);

    q.container = "sidecar";
    CHECK(sources_build(w, &q, &src, &err) == OD_OK, "only the fluentd container");
    CHECK_INT(src.n, 0, "no streams for it");
    CHECK(src.nnotes == 1 && strstr(src.notes[0], "not in CloudWatch Logs") != NULL,
          "a clear message instead");
    sources_clear(&src);

    q.container = "nope";
    CHECK(sources_build(w, &q, &src, &err) == OD_E_USAGE, "unknown container is an error");
    CHECK(err.message != NULL && strstr(err.message, "app, sidecar") != NULL,
          "that names the containers there are");
    od_error_clear(&err);

    q.container = "sidecar";
    q.log_group = "/custom/group";
    CHECK(sources_build(w, &q, &src, &err) == OD_OK && src.n == 1 && src.v[0].stream == NULL &&
              strcmp(src.v[0].group, "/custom/group") == 0,
          "--log-group: the whole group for a non-awslogs container");
    sources_clear(&src);

    memset(&q, 0, sizeof q);
    q.task = "ccc";
    CHECK(sources_build(w, &q, &src, &err) == OD_OK && src.n == 0 && src.nnotes == 1 &&
              strstr(src.notes[0], "splunk") != NULL,
          "a splunk-only task: no streams, a note");
    sources_clear(&src);

    q.task = "arn:aws:ecs:us-east-1:123456789012:task/prod/bbb";
    CHECK(sources_build(w, &q, &src, &err) == OD_OK && src.n == 1 &&
              strcmp(src.v[0].stream, "web/app/bbb") == 0,
          "one task by ARN");
    sources_clear(&src);

    q.task = "missing";
    CHECK(sources_build(w, &q, &src, &err) == OD_E_USAGE, "unknown task is an error");
    od_error_clear(&err);

    memset(&q, 0, sizeof q);
    q.service = "ghost";
    CHECK(sources_build(w, &q, &src, &err) == OD_E_USAGE, "unknown service is an error");
    od_error_clear(&err);

    CHECK(sources_parse_stream("web/app/abc", &tid, &cname) && strcmp(tid, "abc") == 0 &&
              strcmp(cname, "app") == 0,
          "stream name parsed into task and container");
    free(tid);
    free(cname);
    CHECK(sources_parse_stream("a/b/c/d", &tid, &cname) && strcmp(tid, "d") == 0 &&
              strcmp(cname, "c") == 0,
          "prefix with a slash");
    free(tid);
    free(cname);
    CHECK(!sources_parse_stream("0123456789abcdef", &tid, &cname) &&
              !sources_parse_stream("a/", &tid, &cname) && !sources_parse_stream("/x", &tid, &cname),
          "other names are not parsed");
    world_free(&w);
}

/* ---- several sources ---------------------------------------------------------------------- */

static void
test_merge(void)
{
    const char *td = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:3";
    struct od_world *w = world_new("us-east-1", "prod");
    struct od_task *tasks = xcalloc(3, sizeof *tasks);
    struct od_service *svcs = xcalloc(2, sizeof *svcs);
    struct logs_merge m;
    struct od_log_sources src;
    struct od_error err = {0};
    char **arns, *who;
    size_t n, web_streams = 0, api_streams = 0, groups = 0;
    bool labels_ok = true;

    /* web and api run the same task definition: their streams share the group /ecs/web. */
    tasks[0] = mk_task("aaa", "web", td);
    tasks[1] = mk_task("bbb", "web", td);
    tasks[2] = mk_task("ccc", "api", td);
    svcs[0].name = xstrdup("web");
    svcs[0].task_definition = xstrdup("web:3");
    svcs[1].name = xstrdup("api");
    svcs[1].task_definition = xstrdup("web:3");
    world_set_tasks(w, tasks, 3);
    world_set_services(w, svcs, 2);

    logs_merge_init(&m);
    CHECK_INT(logs_merge_add(&m, MERGE_SERVICE, "web"), 0, "first origin");
    CHECK_INT(logs_merge_add(&m, MERGE_SERVICE, "api"), 1, "second origin");
    CHECK_INT(logs_merge_add(&m, MERGE_SERVICE, "web"), 0, "an origin named twice is one");
    logs_merge_add(&m, MERGE_GROUP, "/batch/jobs");
    logs_merge_add(&m, MERGE_SERVICE, "ghost");
    CHECK(logs_merge_needs_world(&m), "services need the world");

    logs_merge_missing_task_defs(&m, w, &arns, &n);
    CHECK_INT(n, 1, "the task definition both services share is fetched once");
    arn_list_free(&arns, &n);
    add_td(w, td, "awslogs", "web", NULL);

    CHECK(logs_merge_build(&m, w, &src, &err) == OD_OK, "one unknown service does not stop the rest");
    for (size_t i = 0; i < src.n; i++) {
        const struct od_log_source *s = &src.v[i];

        if (s->stream == NULL) {
            groups++;
            labels_ok &= strcmp(s->label, "/batch/jobs") == 0 && s->origin == 2;
        } else if (strcmp(s->task_id, "ccc") == 0) {
            api_streams++;
            labels_ok &= strcmp(s->label, "api") == 0 && s->origin == 1;
        } else {
            web_streams++;
            labels_ok &= strcmp(s->label, "web") == 0 && s->origin == 0;
        }
    }
    CHECK(web_streams == 2 && api_streams == 1 && groups == 1, "every origin's streams, once");
    CHECK(labels_ok, "each stream carries its origin's label and index");
    CHECK_INT(logs_merge_failed(&m), 1, "one origin failed");
    CHECK(src.nnotes == 1 && strstr(src.notes[0], "ghost: service 'ghost' not found") != NULL,
          "a note names the failing origin");
    who = logs_merge_who(&m, "/ecs/web");
    CHECK_STR(who, "web, api", "a shared group costs both services");
    free(who);
    who = logs_merge_who(&m, "/batch/jobs");
    CHECK_STR(who, "/batch/jobs", "a group origin is its own name");
    free(who);
    CHECK(logs_merge_who(&m, "/other") == NULL && logs_merge_who(&m, NULL) == NULL,
          "a group nobody reads");
    sources_clear(&src);
    logs_merge_free(&m);

    logs_merge_init(&m);
    logs_merge_add(&m, MERGE_SERVICE, "ghost");
    logs_merge_add(&m, MERGE_TASK, "nope");
    CHECK(logs_merge_build(&m, w, &src, &err) == OD_E_USAGE && src.n == 0,
          "every origin failing is an error");
    CHECK(err.message != NULL && strstr(err.message, "ghost") != NULL, "the first one's");
    od_error_clear(&err);
    logs_merge_free(&m);

    logs_merge_init(&m);
    logs_merge_add_all_services(&m, w);
    CHECK(m.n == 2 && strcmp(m.v[0].name, w->services[0].name) == 0 &&
              strcmp(m.v[1].name, w->services[1].name) == 0,
          "--all: every service of the world, in its order");
    logs_merge_free(&m);

    logs_merge_init(&m);
    logs_merge_add(&m, MERGE_GROUP, "/a");
    CHECK(!logs_merge_needs_world(&m), "groups alone need no world");
    CHECK(logs_merge_build(&m, NULL, &src, &err) == OD_OK && src.n == 1 &&
              src.v[0].stream == NULL && strcmp(src.v[0].label, "/a") == 0,
          "a group alone: the whole group, labelled");
    sources_clear(&src);
    logs_merge_free(&m);
    world_free(&w);
}

/* ---- since ------------------------------------------------------------------------------- */

static void
test_since(void)
{
    int64_t now = 1795304700000, t;
    uint64_t d;
    char buf[32];

    CHECK(since_parse("10m", now, &t) && t == now - 600000, "10m");
    CHECK(since_parse("2h", now, &t) && t == now - 7200000, "2h");
    CHECK(since_parse("1d", now, &t) && t == now - 86400000, "1d");
    CHECK(since_parse("1h30m", now, &t) && t == now - 5400000, "1h30m");
    CHECK(since_parse_duration("250ms", &d) && d == 250, "250ms");
    CHECK(since_parse("2026-11-21T23:45:00Z", now, &t) && t == 1795304700000, "ISO time");
    CHECK(since_parse("2026-11-21T23:45:00.250Z", now, &t) && t == 1795304700250,
          "ISO time with milliseconds");
    CHECK(!since_parse("10", now, &t) && !since_parse("m", now, &t) && !since_parse("", now, &t) &&
              !since_parse("10x", now, &t) && !since_parse("0s", now, &t) &&
              !since_parse("99999999999999999999d", now, &t),
          "junk, zero and overflow refused");
    since_format_ms(1795304700123, buf);
    CHECK_STR(buf, "2026-11-21T23:45:00.123Z", "format with milliseconds");
}

/* ---- the dedup set ----------------------------------------------------------------------- */

static void
test_seen(void)
{
    struct seen s;
    uint64_t a0, a1, b0, b1;
    char id[32];
    bool all_new = true, all_dup = true;
    int64_t cut;

    seen_init(&s, 0);
    seen_key("web/app/1", "42", 2, &a0, &a1);
    seen_key("web/app/2", "42", 2, &b0, &b1);
    CHECK(a0 != b0 || a1 != b1, "same id in another stream is another event");
    CHECK(seen_add(&s, a0, a1, 1000), "first sight is new");
    CHECK(!seen_add(&s, a0, a1, 1000), "second sight is a duplicate");
    CHECK(seen_add(&s, b0, b1, 2000), "other stream is new");

    /* 100,000 ids: all new once, all duplicates the second time (growth keeps them). */
    for (int i = 0; i < 100000; i++) {
        uint64_t k0, k1;
        int len = snprintf(id, sizeof id, "%d", i);

        seen_key("s", id, (size_t)len, &k0, &k1);
        all_new &= seen_add(&s, k0, k1, 10000 + i);
    }
    for (int i = 0; i < 100000; i++) {
        uint64_t k0, k1;
        int len = snprintf(id, sizeof id, "%d", i);

        seen_key("s", id, (size_t)len, &k0, &k1);
        all_dup &= !seen_add(&s, k0, k1, 10000 + i);
    }
    CHECK(all_new, "100,000 distinct ids are all new");
    CHECK(all_dup, "and all known the second time");
    CHECK_INT(s.n, 100002, "count");

    /* Expire in event time: exactly the events older than the next start go. */
    cut = seen_expire(&s, 10000 + 50000, 1000000);
    CHECK(cut == SEEN_NO_TIME, "no overflow");
    CHECK_INT(s.n, 50000, "events before the start are forgotten, the rest kept");
    {
        uint64_t k0, k1;

        seen_key("s", "49999", 5, &k0, &k1);
        CHECK(!seen_has(&s, k0, k1), "an event before the start is gone");
        seen_key("s", "50000", 5, &k0, &k1);
        CHECK(seen_has(&s, k0, k1), "an event at the start is kept (it can come again)");
        CHECK(!seen_has(&s, a0, a1), "old stream ids gone");
    }

    /* Overflow: keep the newest half, report where they start. */
    cut = seen_expire(&s, 0, 10000);
    CHECK(cut != SEEN_NO_TIME, "overflow reports a new floor");
    CHECK_INT(cut, 10000 + 100000 - 5000, "the floor is where the newest half starts");
    CHECK_INT(s.n, 5000, "half the bound is kept");
    seen_free(&s);
}

int
main(void)
{
    test_bodies();
    test_decode_filter();
    test_decode_other();
    test_sources();
    test_merge();
    test_since();
    test_seen();
    return check_done();
}
