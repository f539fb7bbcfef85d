/* Fleets: the member list (--fleet PROFILE:REGION[:CLUSTER...],... and [fleet NAME]), its
 * errors, and the order of the fleet view's rows (worst first). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fleet/fleet.h"
#include "fleet/spec.h"
#include "settings.h"

static void
test_parse(void)
{
    struct fleet_spec s;
    struct od_error err = {0};

    CHECK(fleet_spec_parse("prod:us-east-1, staging:eu-west-1:web:api\n  dev:us-west-2", &s,
                           &err) == OD_OK,
          "commas, blanks and new lines separate members");
    CHECK_INT(s.nmembers, 3, "three members");
    CHECK_STR(s.members[0].profile, "prod", "the profile");
    CHECK_STR(s.members[0].region, "us-east-1", "the region");
    CHECK_INT(s.members[0].nclusters, 0, "no clusters named: all of them");
    CHECK_INT(s.members[1].nclusters, 2, "clusters after the region");
    CHECK_STR(s.members[1].clusters[1], "api", "in order");
    CHECK_STR(s.members[2].profile, "dev", "the continuation line's member");
    fleet_spec_free(&s);

    CHECK(fleet_spec_parse("prod", &s, &err) == OD_E_CONFIG, "a member needs a region");
    CHECK(err.message != NULL && strstr(err.message, "PROFILE:REGION") != NULL,
          "and the message shows the form");
    od_error_clear(&err);
    CHECK(fleet_spec_parse("prod:US_EAST", &s, &err) == OD_E_CONFIG, "a region is checked");
    CHECK(err.message != NULL && strstr(err.message, "'US_EAST' is not a region") != NULL,
          "and named in the message");
    od_error_clear(&err);
    CHECK(fleet_spec_parse("prod::web", &s, &err) == OD_E_CONFIG, "an empty field is an error");
    od_error_clear(&err);
    CHECK(fleet_spec_parse("prod:us-east-1 prod:us-east-1:web", &s, &err) == OD_E_CONFIG,
          "a (profile, region) listed twice is an error");
    CHECK(err.message != NULL && strstr(err.message, "listed twice") != NULL, "which it says");
    od_error_clear(&err);
    CHECK(fleet_spec_parse(" , ", &s, &err) == OD_E_CONFIG, "an empty fleet is an error");
    od_error_clear(&err);
    CHECK(s.nmembers == 0 && s.members == NULL, "a failed parse leaves nothing");
}

static void
test_resolve(void)
{
    struct od_settings *c = NULL;
    struct fleet_spec s;
    struct od_error err = {0};

    CHECK(settings_parse("[fleet oncall]\nmembers = prod:us-east-1\n  staging:eu-west-1:web\n\n"
                         "[fleet bad]\nmembers = prod\n\n[fleet empty]\nnote = x\n",
                         "fleet.conf", &c, &err) == OD_OK,
          "a config with fleets parses");
    CHECK(fleet_spec_resolve(c, "oncall", &s, &err) == OD_OK, "a named fleet resolves");
    CHECK_STR(s.name, "oncall", "with its name");
    CHECK_INT(s.nmembers, 2, "and its members");
    CHECK_STR(s.members[1].clusters[0], "web", "clusters too");
    fleet_spec_free(&s);

    CHECK(fleet_spec_resolve(c, "dev:us-west-2", &s, &err) == OD_OK,
          "a list on the command line needs no section");
    CHECK_STR(s.members[0].region, "us-west-2", "its member");
    fleet_spec_free(&s);

    CHECK(fleet_spec_resolve(c, "nope", &s, &err) == OD_E_CONFIG, "an unknown fleet is an error");
    CHECK(err.message != NULL && strstr(err.message, "[fleet nope]") != NULL &&
              strstr(err.message, "oncall, bad, empty") != NULL,
          "naming the section and the fleets there are");
    od_error_clear(&err);
    CHECK(fleet_spec_resolve(c, "empty", &s, &err) == OD_E_CONFIG,
          "a fleet section without members is an error");
    od_error_clear(&err);
    CHECK(fleet_spec_resolve(c, "bad", &s, &err) == OD_E_CONFIG, "a bad member is an error");
    CHECK(err.message != NULL && strstr(err.message, "[fleet bad]") != NULL,
          "which names its section");
    od_error_clear(&err);
    settings_free(&c);
}

static struct fleet_row
row(const char *profile, const char *cluster, const char *error, long failed, long alarms,
    long below, long rolling)
{
    struct fleet_row r = {0};

    r.profile = profile;
    r.region = "us-east-1";
    r.cluster = cluster;
    r.error = error;
    r.failed = failed;
    r.alarms = alarms;
    r.below_desired = below;
    r.rolling = rolling;
    r.paused = r.unhealthy = failed < 0 ? -1 : 0;
    return r;
}

static struct fleet_row
row_paused(const char *cluster, long paused, long unhealthy)
{
    struct fleet_row r = row("prod", cluster, NULL, 0, 1, 1, 1);

    r.paused = paused;
    r.unhealthy = unhealthy;
    return r;
}

static void
test_order(void)
{
    struct fleet_row rows[] = {
        row("prod", "quiet", NULL, 0, 0, 0, 0),      row("prod", "rolling", NULL, 0, 0, 0, 1),
        row("prod", "below", NULL, 0, 0, 2, 0),      row("prod", "alarm", NULL, 0, 1, 0, 0),
        row("staging", "failed", NULL, 1, 0, 0, 0), row("broken", NULL, "expired", -1, -1, -1, -1),
        row("dev", "unknown", NULL, -1, -1, -1, -1), row("prod", "alarm2", NULL, 0, 1, 0, 0),
        row_paused("unhealthy", 0, 3),              row_paused("paused", 1, 0),
    };
    /* A paused deployment before unhealthy targets, both before alarms and the rest. */
    const char *want[] = {NULL,    "failed", "paused",  "unhealthy", "alarm",
                          "alarm2", "below", "rolling", "quiet",     "unknown"};
    size_t n = sizeof rows / sizeof rows[0];
    int same = 1;

    qsort(rows, n, sizeof rows[0], fleet_row_cmp);
    for (size_t i = 0; i < n; i++)
        if ((want[i] == NULL) != (rows[i].cluster == NULL) ||
            (want[i] != NULL && strcmp(want[i], rows[i].cluster) != 0))
            same = 0;
    CHECK(same, "rows: errors, failed, paused, unhealthy targets, alarms, below desired, rolling, the rest");
    CHECK_STR(rows[0].profile, "broken", "the failing member is first");
}

int
main(void)
{
    test_parse();
    test_resolve();
    test_order();
    return check_done();
}
