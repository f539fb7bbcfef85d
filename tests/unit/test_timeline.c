/* The timeline store (bounds, atomic write, corrupt file, dedup), the alarm-history decoder and
 * the collector (stopped tasks with exit codes, target transitions, alarms by service). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aws/cw_history.h"
#include "check.h"
#include "model/world.h"
#include "timeline/collect.h"
#include "timeline/store.h"
#include "util/str.h"
#include "util/xalloc.h"

static char *tmpdir;

static struct tl_entry
entry(double at, const char *key, const char *text)
{
    struct tl_entry e = {0};

    e.at = at;
    e.key = xstrdup(key);
    e.source = xstrdup("ecs-event");
    e.service = xstrdup("web");
    e.text = xstrdup(text);
    return e;
}

static size_t
count_files(const char *dir, const char *part)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    size_t n = 0;

    while (d != NULL && (de = readdir(d)) != NULL)
        if (strstr(de->d_name, part) != NULL)
            n++;
    if (d != NULL)
        closedir(d);
    return n;
}

static void
test_path(void)
{
    char *p = tl_store_path("123456789012", "us-east-1",
                            "arn:aws:ecs:us-east-1:123456789012:cluster/prod");
    char *q = tl_store_path("123", "../..", "a/b");

    CHECK(str_has_suffix(p, "/ondeck/timeline/123456789012/us-east-1/prod.jsonl"),
          "the file is per account, region and cluster (a cluster ARN gives its name)");
    CHECK(strstr(q, "/../") == NULL && str_has_suffix(q, "/123/_._../a_b.jsonl"),
          "names cannot climb out of the directory");
    free(p);
    free(q);
}

static void
test_dedup_and_bounds(void)
{
    struct tl_store s = {0};
    struct tl_limits lim = {.max_entries = 3, .max_bytes = 1 << 20, .max_age_s = 100};
    struct tl_entry e;
    char key[16];

    e = entry(50, "event:a", "first");
    CHECK(tl_store_add(&s, &e), "a new key is added");
    e = entry(51, "event:a", "again");
    CHECK(!tl_store_add(&s, &e), "the same key seen twice is kept once");
    CHECK_INT(s.n, 1, "one entry");
    for (int i = 0; i < 5; i++) {
        snprintf(key, sizeof key, "k%d", i);
        e = entry(1000 - i, key, "x");
        tl_store_add(&s, &e);
    }
    tl_store_prune(&s, &lim, 1000);
    CHECK_INT(s.n, 3, "max_entries keeps the newest 3 (and the too-old one went first)");
    CHECK(s.v[0].at == 998 && s.v[2].at == 1000, "sorted oldest first, the oldest dropped");
    lim.max_entries = 100;
    lim.max_age_s = 1.5;
    tl_store_prune(&s, &lim, 1000);
    CHECK_INT(s.n, 2, "max_age drops what is older than the window");
    lim.max_age_s = 1e9;
    for (int i = 0; i < 50; i++) {
        snprintf(key, sizeof key, "b%d", i);
        e = entry(2000 + i, key, "a line of some length to fill the byte budget quickly");
        tl_store_add(&s, &e);
    }
    lim.max_bytes = 1024;
    tl_store_prune(&s, &lim, 2100);
    {
        char *text = tl_store_text(&s);

        CHECK(strlen(text) <= 1024, "max_bytes bounds the file");
        CHECK(s.n > 0 && s.v[s.n - 1].at == 2049, "the newest entries are the ones kept");
        free(text);
    }
    tl_store_free(&s);
}

static void
test_many_keys(void)
{
    struct tl_store s = {0};
    struct tl_limits lim = {.max_entries = 2000, .max_bytes = 1 << 24, .max_age_s = 1e12};
    struct tl_entry e;
    char key[32];
    size_t again = 0;

    for (int i = 0; i < 3000; i++) {
        snprintf(key, sizeof key, "event:%d", i);
        e = entry(i, key, "x");
        tl_store_add(&s, &e);
    }
    CHECK_INT(s.n, 3000, "3000 distinct keys");
    for (int i = 0; i < 3000; i += 7) {
        snprintf(key, sizeof key, "event:%d", i);
        e = entry(i, key, "x");
        again += tl_store_add(&s, &e);
    }
    CHECK_INT(again, 0, "none of them is added twice");
    tl_store_prune(&s, &lim, 3000);
    CHECK(s.n == 2000 && !tl_store_has(&s, "event:999") && tl_store_has(&s, "event:1000") &&
              tl_store_has(&s, "event:2999"),
          "after a prune the index knows exactly the entries kept");
    e = entry(5000, "event:2999", "x");
    CHECK(!tl_store_add(&s, &e), "a kept key is still a duplicate after the prune");
    tl_store_free(&s);
}

static void
test_save_load(void)
{
    struct tl_store s = {0}, r = {0};
    struct tl_entry e = entry(1700000000.5, "task:arn:1", "task 1 stopped: \"quoted\"");
    struct od_error err = {0};
    char *path = xasprintf("%s/t/acct/us-east-1/prod.jsonl", tmpdir), *dir, *notice = NULL;
    struct stat st;

    e.ref_kind = TL_REF_TASK;
    e.ref = xstrdup("1");
    CHECK(tl_store_load(&s, path, &notice, &err) == OD_OK && s.n == 0 && notice == NULL,
          "a missing file is an empty timeline");
    tl_store_add(&s, &e);
    tl_store_set_health(&s, "tg|10.0.0.1|80", "healthy");
    CHECK(tl_store_save(&s, &err) == OD_OK, "saved");
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "the file is 0600");
    dir = xasprintf("%s/t/acct/us-east-1", tmpdir);
    CHECK(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700, "its directory is 0700");
    CHECK_INT(count_files(dir, ".tmp"), 0, "no temporary file is left behind");
    CHECK(tl_store_load(&r, path, &notice, &err) == OD_OK && r.n == 1, "read back");
    CHECK_STR(r.v[0].text, "task 1 stopped: \"quoted\"", "text round-trips");
    CHECK(r.v[0].ref_kind == TL_REF_TASK && str_eq(r.v[0].ref, "1"), "the reference round-trips");
    CHECK_STR(tl_store_health(&r, "tg|10.0.0.1|80"), "healthy", "target states round-trip");
    tl_store_free(&r);

    /* A save that cannot rename leaves the old file whole. */
    chmod(dir, 0500);
    if (access(dir, W_OK) != 0) {
        CHECK(tl_store_save(&s, &err) != OD_OK && err.message != NULL, "an unwritable directory is an error");
        od_error_clear(&err);
        CHECK(tl_store_load(&r, path, &notice, &err) == OD_OK && r.n == 1,
              "and the old file is still whole");
        tl_store_free(&r);
    } else {
        CHECK(true, "skipped: running as root");
        CHECK(true, "skipped: running as root");
    }
    chmod(dir, 0700);

    /* A corrupt file is set aside with a message; the timeline starts afresh. */
    {
        FILE *fp = fopen(path, "w");

        fputs("{\"at\":1,\"key\":\"k\",\"source\":\"s\",\"text\":\"t\"}\n{not json\n", fp);
        fclose(fp);
    }
    CHECK(tl_store_load(&r, path, &notice, &err) == OD_OK, "a corrupt file is not fatal");
    CHECK(r.n == 0, "the timeline starts empty");
    CHECK(notice != NULL && strstr(notice, "line 2") != NULL && strstr(notice, ".corrupt-") != NULL,
          "the message says which line and where the file went");
    CHECK(access(path, F_OK) != 0 && count_files(dir, "prod.jsonl.corrupt-") == 1,
          "the file was renamed aside");
    free(notice);
    tl_store_free(&r);
    tl_store_free(&s);
    free(dir);
    free(path);
}

static void
test_history_decode(void)
{
    const char *body =
        "{\"AlarmHistoryItems\":[{\"AlarmName\":\"web-5xx\",\"AlarmType\":\"MetricAlarm\","
        "\"Timestamp\":1700000100.25,\"HistoryItemType\":\"StateUpdate\",\"HistorySummary\":"
        "\"Alarm updated from OK to ALARM\",\"HistoryData\":\"{\\\"version\\\":\\\"1.0\\\","
        "\\\"oldState\\\":{\\\"stateValue\\\":\\\"OK\\\",\\\"stateReason\\\":\\\"r0\\\"},"
        "\\\"newState\\\":{\\\"stateValue\\\":\\\"ALARM\\\",\\\"stateReason\\\":\\\"Threshold "
        "Crossed\\\"}}\"},{\"AlarmName\":\"x\",\"HistoryItemType\":\"ConfigurationUpdate\"},"
        "{\"AlarmName\":\"y\",\"HistoryItemType\":\"StateUpdate\",\"Timestamp\":1,"
        "\"HistorySummary\":\"Alarm updated\",\"HistoryData\":\"not json\"}],\"NextToken\":\"n1\"}";
    struct od_alarm_change *c = NULL;
    size_t n = 0;
    char *next = NULL, *req = cw_body_describe_alarm_history(1700000000, NULL);
    struct od_error err = {0};

    CHECK(strstr(req, "\"HistoryItemType\":\"StateUpdate\"") != NULL &&
              strstr(req, "\"StartDate\":1700000000") != NULL,
          "the request asks StateUpdate items since the start");
    CHECK(cw_decode_alarm_history(body, strlen(body), &c, &n, &next, &err) == OD_OK, "decoded");
    CHECK_INT(n, 2, "ConfigurationUpdate items are skipped");
    CHECK_STR(c[0].old_state, "OK", "oldState from HistoryData");
    CHECK_STR(c[0].new_state, "ALARM", "newState from HistoryData");
    CHECK_STR(c[0].reason, "Threshold Crossed", "the new state's reason");
    CHECK(c[0].at == 1700000100.25, "the timestamp");
    CHECK(c[1].new_state == NULL && str_eq(c[1].reason, "Alarm updated"),
          "HistoryData that does not parse leaves the summary");
    CHECK_STR(next, "n1", "NextToken");
    for (size_t i = 0; i < n; i++)
        alarm_change_clear(&c[i]);
    free(c);
    free(next);
    free(req);
    CHECK(cw_decode_alarm_history("{\"AlarmHistoryItems\":3}", 23, &c, &n, NULL, &err) != OD_OK,
          "a list that is not a list is a parse error");
    od_error_clear(&err);
}

static void
test_collect(void)
{
    struct od_world *w = world_new("us-east-1", "prod");
    struct od_task *t = xcalloc(2, sizeof *t);
    struct od_service *svc = xcalloc(1, sizeof *svc);
    struct od_target_group *tg = xcalloc(1, sizeof *tg);
    struct od_alarm *al = xcalloc(1, sizeof *al);
    char a1[] = "web-cpu", a2[] = "someone-elses", ok[] = "OK", alarm[] = "ALARM",
         why[] = "Threshold Crossed";
    struct od_alarm_change ch = {.alarm = a1, .at = 5, .old_state = ok, .new_state = alarm,
                                 .reason = why};
    struct tl_store s = {0};

    svc->name = xstrdup("web");
    svc->arn = xstrdup("arn:aws:ecs:us-east-1:1:service/prod/web");
    svc->lbs = xcalloc(1, sizeof *svc->lbs);
    svc->nlbs = 1;
    svc->lbs[0].target_group_arn = xstrdup("tg-arn");
    world_set_services(w, svc, 1);
    t[0].arn = xstrdup("arn:aws:ecs:us-east-1:1:task/prod/abc");
    t[0].id = xstrdup("abc");
    t[0].group = xstrdup("service:web");
    t[0].last_status = xstrdup("STOPPED");
    t[0].stop_code = xstrdup("EssentialContainerExited");
    t[0].stopped_reason = xstrdup("Essential container in task exited");
    t[0].stopped_at = 100;
    t[0].containers = xcalloc(2, sizeof *t[0].containers);
    t[0].ncontainers = 2;
    t[0].containers[0].name = xstrdup("app");
    t[0].containers[0].has_exit_code = true;
    t[0].containers[0].exit_code = 137;
    t[0].containers[0].reason = xstrdup("OutOfMemoryError");
    t[0].containers[1].name = xstrdup("redis");
    t[0].containers[1].has_exit_code = true;
    t[0].containers[1].exit_code = 0;
    t[1].arn = xstrdup("arn:aws:ecs:us-east-1:1:task/prod/def");
    t[1].id = xstrdup("def");
    t[1].last_status = xstrdup("DEPROVISIONING");
    world_set_stopped(w, t, 2);
    tg->arn = xstrdup("tg-arn");
    tg->name = xstrdup("web-tg");
    tg->targets = xcalloc(1, sizeof *tg->targets);
    tg->ntargets = 1;
    tg->targets[0].id = xstrdup("10.0.0.1");
    tg->targets[0].port = 80;
    tg->targets[0].state = xstrdup("healthy");
    world_set_target_groups(w, tg, 1);
    al->name = xstrdup("web-cpu");
    al->dimensions = xcalloc(2, sizeof *al->dimensions);
    al->ndimensions = 2;
    al->dimensions[0].name = xstrdup("ClusterName");
    al->dimensions[0].value = xstrdup("prod");
    al->dimensions[1].name = xstrdup("ServiceName");
    al->dimensions[1].value = xstrdup("web");
    world_set_alarms(w, al, 1);

    CHECK_INT(tl_collect_world(&s, w), 1, "one stopped task (the one still stopping waits)");
    CHECK_STR(s.v[0].text,
              "task abc stopped: EssentialContainerExited: Essential container in task exited; "
              "app exit 137 (OutOfMemoryError), redis exit 0",
              "the stop code, reason and each container's exit code");
    CHECK_STR(s.v[0].service, "web", "attributed to its service");
    CHECK(s.v[0].ref_kind == TL_REF_TASK && str_eq(s.v[0].ref, "abc"), "it names the task");
    CHECK_INT(tl_collect_world(&s, w), 0, "the same task read again adds nothing");

    /* The target turns unhealthy in the next read. */
    tg = xcalloc(1, sizeof *tg);
    tg->arn = xstrdup("tg-arn");
    tg->name = xstrdup("web-tg");
    tg->targets = xcalloc(1, sizeof *tg->targets);
    tg->ntargets = 1;
    tg->targets[0].id = xstrdup("10.0.0.1");
    tg->targets[0].port = 80;
    tg->targets[0].state = xstrdup("unhealthy");
    tg->targets[0].reason = xstrdup("Target.FailedHealthChecks");
    world_set_target_groups(w, tg, 1);
    CHECK_INT(tl_collect_world(&s, w), 1, "a health transition is one line");
    CHECK(strstr(s.v[1].text, "healthy -> unhealthy Target.FailedHealthChecks") != NULL,
          "it says from and to");
    CHECK_INT(tl_collect_world(&s, w), 0, "no transition, no line");

    CHECK_INT(tl_collect_alarms(&s, w, &ch, 1), 1, "an alarm of the service's is taken");
    CHECK_STR(s.v[2].text, "alarm web-cpu OK -> ALARM: Threshold Crossed", "its line");
    CHECK_STR(s.v[2].service, "web", "under its service");
    ch.alarm = a2;
    CHECK_INT(tl_collect_alarms(&s, w, &ch, 1), 0, "an alarm of no service here is not");
    tl_store_free(&s);
    world_free(&w);
}

static void
test_events_deployments_audit(void)
{
    struct od_world *w = world_new("us-east-1", "prod");
    struct od_service *svc = xcalloc(1, sizeof *svc);
    struct tl_store s = {0};
    char *audit = xasprintf("%s/audit.jsonl", tmpdir);
    FILE *fp;

    svc->name = xstrdup("web");
    svc->events = xcalloc(2, sizeof *svc->events);
    svc->nevents = 2;
    svc->events[1].id = xstrdup("ev-hostile");
    svc->events[1].created_at = 11;
    svc->events[1].message = xstrdup("\x1b]0;owned\x07\x1b[2J(service web) evil");
    svc->events[0].id = xstrdup("ev-1");
    svc->events[0].created_at = 10;
    svc->events[0].message = xstrdup("(service web) has started 1 tasks: (task 0123abcd).");
    svc->deployments = xcalloc(1, sizeof *svc->deployments);
    svc->ndeployments = 1;
    svc->deployments[0].id = xstrdup("ecs-svc/1");
    svc->deployments[0].task_definition =
        xstrdup("arn:aws:ecs:us-east-1:1:task-definition/web:8");
    svc->deployments[0].rollout_state = xstrdup("FAILED");
    svc->deployments[0].rollout_state_reason = xstrdup("ECS deployment circuit breaker");
    svc->deployments[0].created_at = 5;
    svc->deployments[0].updated_at = 20;
    world_set_services(w, svc, 1);
    CHECK_INT(tl_collect_world(&s, w), 4, "two events, a deployment's start and its failure");
    for (size_t i = 0; i < s.n; i++)
        if (str_eq(s.v[i].key, "event:ev-hostile"))
            CHECK(strchr(s.v[i].text, 0x1b) == NULL && strchr(s.v[i].text, 0x07) == NULL &&
                      strstr(s.v[i].text, "evil") != NULL,
                  "AWS text is made inert before it is stored");
    tl_store_prune(&s, &(struct tl_limits){100, 1 << 20, 1e12}, 30);
    CHECK_STR(s.v[0].text, "deployment ecs-svc/1 started: web:8, desired 0", "the start, first");
    CHECK(s.v[1].ref_kind == TL_REF_TASK && str_eq(s.v[1].ref, "0123abcd"),
          "an event that names a task points at it");
    CHECK_STR(s.v[3].text, "deployment ecs-svc/1 FAILED: web:8: ECS deployment circuit breaker",
              "the failure with ECS's reason");
    CHECK(s.v[3].ref_kind == TL_REF_DEPLOYMENT, "it names the deployment");

    fp = fopen(audit, "w");
    fputs("{\"time\":\"2026-12-04T18:00:00Z\",\"identity\":\"arn:aws:iam::1:user/ann\","
          "\"region\":\"us-east-1\",\"action\":\"rollback\",\"target\":{\"cluster\":\"prod\","
          "\"service\":\"web\"},\"before\":{\"taskDefinition\":\"x:task-definition/web:8\"},"
          "\"after\":{\"taskDefinition\":\"x:task-definition/web:7\",\"primaryDeployment\":"
          "\"ecs-svc/2\"},\"result\":\"ok\",\"error\":null,\"request_id\":\"r1\"}\n"
          "{\"time\":\"2026-12-04T18:01:00Z\",\"region\":\"us-east-1\",\"action\":\"scale\","
          "\"target\":{\"cluster\":\"staging\",\"service\":\"web\"},\"result\":\"ok\"}\n"
          "{\"time\":\"2026-12-04T18:02:00Z\",\"region\":\"eu-west-1\",\"action\":\"scale\","
          "\"target\":{\"cluster\":\"prod\",\"service\":\"web\"},\"result\":\"ok\"}\n"
          "not json\n",
          fp);
    fclose(fp);
    CHECK_INT(tl_collect_audit(&s, audit, w), 1,
              "only this region's and cluster's actions (a bad line is skipped)");
    CHECK_STR(s.v[4].text, "rollback ok web:8 -> web:7 by arn:aws:iam::1:user/ann",
              "what, from which revision to which, and who");
    CHECK(s.v[4].ref_kind == TL_REF_DEPLOYMENT && str_eq(s.v[4].ref, "ecs-svc/2"),
          "it names the deployment it started");
    CHECK_INT(tl_collect_audit(&s, audit, w), 0, "read again, nothing new");
    tl_store_free(&s);
    world_free(&w);
    free(audit);
}

int
main(void)
{
    char tmpl[] = "/tmp/od-timeline-XXXXXX";

    tmpdir = mkdtemp(tmpl);
    setenv("XDG_STATE_HOME", tmpdir, 1);
    test_path();
    test_dedup_and_bounds();
    test_many_keys();
    test_save_load();
    test_history_decode();
    test_collect();
    test_events_deployments_audit();
    return check_done();
}
