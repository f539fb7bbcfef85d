/* The lookups and texts of mk/lean.am: the string -> index map (first value kept, growth),
 * the status bar's ages, and a filter typed on keeps the table's order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/alarm_attr.h"
#include "model/world.h"
#include "poller/poller.h"
#include "tests/unit/check.h"
#include "ui/bar_ages.h"
#include "ui/present.h"
#include "ui/draw.h"
#include "ui/widget_table.h"
#include "util/strmap.h"

static void
test_strmap(void)
{
    struct od_strmap m = {0};
    char keys[3000][16];
    size_t v = 0, found = 0;

    CHECK(!strmap_get(&m, "x", &v), "an empty map finds nothing");
    for (size_t i = 0; i < 3000; i++) {
        snprintf(keys[i], sizeof keys[i], "svc-%zu", i);
        strmap_put(&m, keys[i], i);
    }
    CHECK(!strmap_put(&m, keys[7], 99), "a repeated key is refused");
    for (size_t i = 0; i < 3000; i++)
        found += strmap_get(&m, keys[i], &v) && v == i;
    CHECK_INT(found, 3000, "every key finds its own index after growing");
    CHECK(strmap_get(&m, "svc-7", &v) && v == 7, "the first value of a key is kept");
    CHECK(!strmap_get(&m, "svc-3000", &v), "an absent key is absent");
    CHECK(!strmap_put(&m, NULL, 1) && !strmap_get(&m, NULL, &v), "NULL keys are ignored");
    strmap_free(&m);
}

static void
test_ages(void)
{
    struct od_world *w = world_new("us-east-1", "prod");
    char out[128], a[16];
    unsigned parts = POLL_PART(OD_PART_SERVICES) | POLL_PART(OD_PART_TARGETS) |
                     POLL_PART(OD_PART_METRICS) | POLL_PART(OD_PART_TASK_DEFS);

    CHECK(!bar_ages_text(w, parts, 1000, " · ", out, sizeof out), "nothing loaded: no ages");
    w->parts[OD_PART_SERVICES] = (struct od_part_state){.loaded = true, .updated_at = 996};
    w->parts[OD_PART_TARGETS] = (struct od_part_state){.loaded = true, .updated_at = 988,
                                                       .stale = true};
    w->parts[OD_PART_METRICS] = (struct od_part_state){.loaded = true, .updated_at = 952};
    w->parts[OD_PART_TASK_DEFS] = (struct od_part_state){.loaded = true, .updated_at = 1};
    w->parts[OD_PART_ALARMS] = (struct od_part_state){.loaded = true, .updated_at = 1};
    CHECK(bar_ages_text(w, parts, 1000, " · ", out, sizeof out), "loaded parts give ages");
    CHECK_STR(out, "services 4s · targets 12s · metrics 48s",
              "each part the view polls, in order; a stale part keeps its age; no cache, no "
              "part the view does not poll");
    CHECK(bar_ages_text(w, parts, 1000, ", ", out, 20), "a short buffer still gives ages");
    CHECK_STR(out, "services 4s", "and no half entry");
    present_age_short(150, a, sizeof a);
    CHECK_STR(a, "2m", "minutes past 2 minutes");
    present_age_short(-5, a, sizeof a);
    CHECK_STR(a, "0s", "a clock step back is 0s");
    world_free(&w);
}

static const struct table_col cols[2] = {{"NAME", 4, 0, false, false, false},
                                         {"N", 1, 0, true, true, false}};

static void
test_filter_order(void)
{
    struct ui_table t;
    const char *names[] = {"web-b", "api", "web-a", "worker", "web-c"};

    table_init(&t, cols, 2, 1);
    table_begin(&t);
    for (size_t i = 0; i < 5; i++) {
        size_t r = table_add(&t, names[i], EL_ROW);

        table_set(&t, r, 0, names[i], 0, EL_ROW);
        table_setf(&t, r, 1, (double)(5 - i), EL_ROW, "%zu", 5 - i);
    }
    table_end(&t);
    table_set_filter(&t, "w");
    CHECK_INT(table_count(&t), 4, "'w' matches four rows");
    table_set_filter(&t, "WE");
    CHECK_INT(table_count(&t), 3, "typing on narrows (case-insensitive) to three");
    CHECK_STR(table_cell_text(&t, 0, 0), "web-c", "still sorted by N ascending");
    CHECK_STR(table_cell_text(&t, 2, 0), "web-b", "to the last");
    table_set_filter(&t, "o");
    CHECK_INT(table_count(&t), 1, "a different text filters every row again");
    table_set_filter(&t, NULL);
    CHECK_INT(table_count(&t), 5, "no filter: every row");
    CHECK_STR(table_cell_text(&t, 0, 0), "web-c", "in the sort's order");
    table_free(&t);
}

static struct od_dimension *
dims2(const char *n1, const char *v1, const char *n2, const char *v2, size_t *n)
{
    struct od_dimension *d = calloc(2, sizeof *d);

    d[0].name = strdup(n1);
    d[0].value = strdup(v1);
    *n = 1;
    if (n2 != NULL) {
        d[1].name = strdup(n2);
        d[1].value = strdup(v2);
        *n = 2;
    }
    return d;
}

/* world_alarm_counts is service_alarm_counts for every service: by name, by target group, by
 * load balancer, metric math naming two services (one twice), another cluster's alarm. */
static void
test_alarm_counts(void)
{
    struct od_world *w = world_new("us-east-1", "arn:aws:ecs:us-east-1:1:cluster/prod");
    struct od_service *sv = calloc(3, sizeof *sv);
    struct od_alarm *al = calloc(5, sizeof *al);
    struct od_target_group *tg = calloc(1, sizeof *tg);
    struct od_alarm_count got[3], want;
    const char *names[] = {"api", "web", "worker"};
    size_t same = 0;

    for (size_t i = 0; i < 3; i++) {
        sv[i].name = strdup(names[i]);
        sv[i].arn = strdup(names[i]);
    }
    sv[1].lbs = calloc(1, sizeof *sv[1].lbs);
    sv[1].nlbs = 1;
    sv[1].lbs[0].target_group_arn = strdup("arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web/abc");
    tg->arn = strdup(sv[1].lbs[0].target_group_arn);
    tg->load_balancer_arns = calloc(1, sizeof *tg->load_balancer_arns);
    tg->load_balancer_arns[0] = strdup("arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/front/123");
    tg->nload_balancers = 1;
    world_set_services(w, sv, 3);
    world_set_target_groups(w, tg, 1);
    for (size_t i = 0; i < 5; i++) {
        al[i].name = strdup("a");
        al[i].state = strdup(i % 2 == 0 ? "ALARM" : "OK");
    }
    al[0].dimensions = dims2("ClusterName", "prod", "ServiceName", "api", &al[0].ndimensions);
    al[1].dimensions = dims2("TargetGroup", "targetgroup/web/abc", NULL, NULL, &al[1].ndimensions);
    al[2].dimensions = dims2("LoadBalancer", "app/front/123", NULL, NULL, &al[2].ndimensions);
    al[3].metrics = calloc(3, sizeof *al[3].metrics);
    al[3].nmetrics = 3;
    al[3].metrics[0].dimensions = dims2("ClusterName", "prod", "ServiceName", "worker", &al[3].metrics[0].ndimensions);
    al[3].metrics[1].dimensions = dims2("ClusterName", "prod", "ServiceName", "api", &al[3].metrics[1].ndimensions);
    al[3].metrics[2].dimensions = dims2("ClusterName", "prod", "ServiceName", "worker", &al[3].metrics[2].ndimensions);
    al[4].dimensions = dims2("ClusterName", "other", "ServiceName", "api", &al[4].ndimensions);
    world_set_alarms(w, al, 5);
    world_alarm_counts(w, got);
    for (size_t i = 0; i < 3; i++) {
        service_alarm_counts(w, &w->services[i], &want);
        same += got[i].total == want.total && got[i].firing == want.firing;
    }
    CHECK_INT(same, 3, "every service's alarm counts as service_alarm_counts gives them");
    CHECK_INT(got[0].total, 2, "api: its own alarm and the math over it (not another cluster's)");
    CHECK_INT(got[1].total, 2, "web: by target group and by load balancer");
    CHECK_INT(got[2].total, 1, "worker: the math alarm once, though it names worker twice");
    world_free(&w);
}

int
main(void)
{
    draw_set_utf8(true);
    test_strmap();
    test_ages();
    test_filter_order();
    test_alarm_counts();
    return check_done();
}
