/* Inside the fleet poller: one member (a profile and region) with its client, budgets, the
 * refresh in progress and what its last refresh read. Private to src/fleet/. */
#ifndef OD_FLEET_MEMBER_H
#define OD_FLEET_MEMBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "aws/request.h"
#include "fleet/fleet.h"
#include "poller/budget.h"
#include "poller/limits.h"

struct od_settings;

#define DESCRIBE_SERVICES_BATCH 10

/* One cluster of a member, as last read. alarms is -1 while unknown. */
struct mcluster {
    char *name;
    long services, running, pending;
    long below, failed, rolling, alarms;
    long paused;           /* services with a lifecycle hook AWAITING_ACTION */
    long unhealthy;        /* targets unhealthy in the target groups its services name */
    long paused_unchecked; /* services deploying (not ROLLING) beyond FLEET_DEPLOYMENT_SERVICES */
    long tg_unchecked;     /* target groups beyond FLEET_TARGET_GROUPS */
    bool services_known;
    bool missing; /* named in the fleet but DescribeClusters does not know it */
};

/* What one refresh of a member has read so far. */
struct member_refresh {
    struct mcluster *clusters;
    size_t nclusters;
    bool clusters_read; /* the cluster list and counts came back whole */
    char **alarm_clusters; /* the ClusterName of each alarm in ALARM (NULL: none) */
    size_t nalarms;
    bool alarms_read;
    int alarm_pages;
    size_t deployment_services; /* services whose deployments were asked (the cap) */
    char **tg_arns;             /* target groups asked, each once (the cap) */
    size_t ntg;
    int outstanding; /* jobs queued or in flight */
    char *error;     /* the first failure, inert text */
};

struct member;
struct fjob;
typedef void (*fjob_done)(struct member *m, struct fjob *j, const struct od_aws_response *resp,
                          const struct od_error *err);

/* One call of a member's refresh. */
struct fjob {
    struct member *m;
    enum od_svc svc;
    const char *op;
    char *body; /* JSON services; NULL for STS (query, no parameters) */
    struct od_kv *params; /* query services with parameters (ELBv2), or NULL */
    size_t nparams;
    size_t cluster; /* index in the refresh's clusters */
    bool optional;  /* its failure is not the member's error (alias, deployments, targets) */
    fjob_done done;
    struct fjob *next; /* queue, then the active list */
};

struct member {
    struct od_fleet *f;
    size_t index;
    char *profile, *region; /* inert copies for the rows */
    char **want;            /* the clusters the fleet names, or none: all */
    size_t nwant;
    struct od_aws *aws;     /* NULL when it could not be built (error says why) */
    struct od_budget budgets[OD_SVC__COUNT];
    uint64_t throttles_seen[OD_SVC__COUNT];

    char *account;
    char *alias;       /* the account alias, when IAM told */
    bool alias_asked;  /* IAM answered (an alias, none, or a refusal): not asked again */
    char *error;
    bool loaded, done_once;
    time_t updated_at;
    struct mcluster *clusters;
    size_t nclusters;
    long other_alarms; /* in ALARM, naming no cluster of the member; -1 unknown */

    struct member_refresh *cur;
    struct fjob *qhead, *qtail;
    struct fjob *active;
    int in_flight;
    uint64_t pump_timer;
    bool pumping;
    struct od_call_window calls; /* started over the last minute */
};

struct od_fleet {
    struct od_loop *loop;
    char *name;
    struct member *members;
    size_t nmembers;
    struct fleet_row *rows;
    size_t nrows;
    bool rows_stale;
    fleet_cb cb;
    void *ud;
    uint64_t timer;
};

/* The member's calls started in the last 60 seconds. */
unsigned member_calls_per_minute(const struct member *m);
/* Its budgets: the poller's rates, unlimited at a custom endpoint, [limits] overrides. */
void member_init_budgets(struct member *m, const struct od_settings *settings);
/* Start a refresh unless one runs (or the member has no client); commits call f->cb. */
void member_refresh(struct member *m);
/* Drop its calls in flight (no callback runs) and free what it holds (not m itself). */
void member_free(struct member *m);

#endif
