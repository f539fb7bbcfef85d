/* The fleet poller: a few cheap reads per (profile, region) of a fleet, each member with its
 * own client (credentials, retries), its own call budgets (AWS's buckets are per account and
 * region) and its own error, all on the one event loop. A refresh of one member is:
 *
 *   GetCallerIdentity (until the account is known), ListAccountAliases (once; optional)
 *   ListClusters (one page; skipped when the member names its clusters) ─▶ DescribeClusters
 *        ─▶ per cluster with services (at most FLEET_SERVICE_CLUSTERS):
 *           ListServices (one page) ─▶ DescribeServices ×10
 *             ─▶ per service deploying with BLUE_GREEN, LINEAR or CANARY (at most
 *                FLEET_DEPLOYMENT_SERVICES): ListServiceDeployments IN_PROGRESS ─▶
 *                DescribeServiceDeployments (a lifecycle hook AWAITING_ACTION: paused)
 *             ─▶ per target group its services name (at most FLEET_TARGET_GROUPS):
 *                DescribeTargetHealth (ELBv2)
 *   DescribeAlarms StateValue=ALARM (at most FLEET_ALARM_PAGES pages)
 *
 * The first three start together, so a fleet opens in about one round trip per member, in
 * parallel. A member whose call fails keeps its last rows, marked with the error; the others
 * never wait for it. */
#ifndef OD_FLEET_H
#define OD_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "fleet/spec.h"
#include "loop/loop.h"
#include "util/err.h"

struct od_settings;
struct od_fleet;

#define FLEET_SERVICE_CLUSTERS 10 /* clusters per member whose services are read */
#define FLEET_ALARM_PAGES 5       /* DescribeAlarms pages (100 alarms each) per member */
#define FLEET_INTERVAL_MS 60000   /* one refresh a minute */
#define FLEET_MEMBER_IN_FLIGHT 4  /* calls in flight per member */
/* Services per member whose deployments are read (not ROLLING, one in progress): one
 * ListServiceDeployments and one DescribeServiceDeployments each. */
#define FLEET_DEPLOYMENT_SERVICES 5
#define FLEET_TARGET_GROUPS 10    /* DescribeTargetHealth calls per member */

/* One row: a cluster of a member, or the member itself (cluster NULL) when it has no
 * cluster to show, failed before listing any, or has alarms in ALARM outside its clusters.
 * Strings are inert (sanitised) and owned by the fleet; valid until the next change. */
struct fleet_row {
    size_t member;
    const char *profile;
    const char *region;
    const char *account; /* NULL until GetCallerIdentity answered */
    const char *alias;   /* the account alias (IAM ListAccountAliases), NULL: none or refused */
    const char *cluster;
    const char *error;   /* the member's last error, or NULL */
    bool loaded;         /* the member has had one good refresh */
    bool services_known; /* the cluster's services were read (else only its counts) */
    long services, running, pending;
    long below_desired, failed, rolling, alarms;
    long paused;            /* deployments paused at a lifecycle hook AWAITING_ACTION */
    long unhealthy;         /* targets unhealthy (not initial or draining) */
    long paused_unchecked;  /* deploying services not looked at (the cap): paused is a floor */
    long targets_unchecked; /* target groups not read (the cap): unhealthy is a floor */
    time_t updated_at;   /* the member's last good refresh (0: never) */
    unsigned calls_per_minute; /* the member's calls in the last 60 s */
};

typedef void (*fleet_cb)(void *ud);

/* endpoint_url: --endpoint-url, or NULL (each profile's own endpoint settings apply). A
 * member whose client cannot be built (unknown profile) is a row with that error. */
struct od_fleet *fleet_new(struct od_loop *loop, const struct fleet_spec *spec,
                           const char *endpoint_url, const struct od_settings *settings);
void fleet_free(struct od_fleet **fp);
const char *fleet_name(const struct od_fleet *f);
/* The n-th member's profile and region as the fleet names them (NULL past the end). */
const char *fleet_member_profile(const struct od_fleet *f, size_t n);
const char *fleet_member_region(const struct od_fleet *f, size_t n);

/* Refresh every member not already refreshing; cb (may be NULL) runs after each commit. */
void fleet_refresh(struct od_fleet *f);
/* Refresh now and then every FLEET_INTERVAL_MS; on_change runs after each member's commit. */
void fleet_start(struct od_fleet *f, fleet_cb on_change, void *ud);
bool fleet_busy(const struct od_fleet *f);
/* Every member has finished at least one refresh (good or not). */
bool fleet_settled(const struct od_fleet *f);

/* The rows, worst first: members in error, then failed deployments, paused deployments,
 * unhealthy targets, alarms in ALARM,
 * services below desired, deployments in progress; then by profile, region, cluster. */
size_t fleet_rows(struct od_fleet *f, const struct fleet_row **rows);
/* The order of fleet_rows (qsort on struct fleet_row): worst first. */
int fleet_row_cmp(const void *a, const void *b);
/* Members whose last refresh failed. */
size_t fleet_failed_members(const struct od_fleet *f);
/* Calls started in the last 60 seconds, every member. */
unsigned fleet_calls_per_minute(const struct od_fleet *f);

#endif
