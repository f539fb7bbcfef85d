/* Inside the poller: one refresh is a queue of jobs (one AWS call each) run under a
 * concurrency cap; each area (ECS, CloudWatch, CloudFront) adds its jobs and handles their
 * answers in its own file. Private to src/poller/. */
#ifndef OD_POLLER_REFRESH_H
#define OD_POLLER_REFRESH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aws/elbv2.h"
#include "poller/budget.h"
#include "poller/limits.h"
#include "poller/poller.h"
#include "util/nameset.h"
#include "util/strmap.h"

#define DESCRIBE_SERVICES_MAX 10
#define DESCRIBE_TASKS_MAX 100
#define DESCRIBE_CLUSTERS_MAX 100
#define DESCRIBE_INSTANCES_MAX 100
#define DESCRIBE_TGS_MAX ELBV2_MAX_ARNS
#define FAST_INTERVAL_MS 5000
#define SLOW_INTERVAL_MS 30000
#define METRICS_INTERVAL_MS 60000
/* The least pause before a refresh asked for by a widened metric scope. */
#define SOON_INTERVAL_MS 1000
#define MAX_BACKOFF_MS 120000

struct refresh;
struct job;

typedef void (*job_fn)(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                       const struct od_error *err);

struct job {
    struct refresh *r;
    enum od_svc svc;
    const char *op;
    char *body;            /* JSON services */
    struct od_kv *params;  /* query services (owned array of owned strings) */
    size_t nparams;
    char *path;            /* REST-XML GET */
    struct od_kv query[2]; /* REST-XML query (owned values) */
    size_t nquery;
    const char *region;    /* override (CloudFront metrics live in us-east-1) */
    long timeout_ms;       /* 0 = the client's default */
    enum od_part part;
    int depth;
    size_t index; /* target-group slot, distribution index, ... */
    size_t count; /* DescribeTargetGroups: the slots from index it asks for */
    const void *spec; /* what kind of list or describe this is (refresh_ecs.c) */
    const char *xml_root; /* REST-XML: the document element the answer must have */
    job_fn done;
    /* Priority (refresh_focus.c): the rank of its best service in the focus, JOB_RANK_NONE
     * when it serves none; the queue keeps ranked jobs first, by rank. */
    size_t rank;
    char *owner;  /* the service it is for (target health, deployments), or NULL */
    char **arns;  /* DescribeServices: the services it asks for (re-batched on refocus) */
    size_t narns;
    size_t index_in_queue; /* scratch for the stable re-order */
    struct job *next;             /* queue link */
    struct job *aprev, *anext;    /* active list: in flight or waiting to be reissued */
    uint64_t timer_id;            /* waiting to be reissued */
    int reissues;
    /* Throttled: issued again, through its family's budget, while that family makes progress
     * (POLL_THROTTLE_STALLS throttles in a row with no answer of the family in between end
     * it) and until POLL_THROTTLE_DEADLINE_MS after its first throttle. */
    bool throttled;
    bool requeue; /* the last failure was a throttle: back through the budget */
    int stalls;
    uint64_t first_throttle_ms;
    uint64_t family_ok_seen; /* r->ok_by_svc[svc] at the last throttle */
};

/* A read that failed for a passing reason (throttling, 5xx, timeout) after the client's own
 * retries is issued again a few times with growing pauses: a poller is a reader, and one
 * unlucky call should not mark a whole part stale. */
#define POLL_REISSUES 3
#define POLL_THROTTLE_STALLS 3
#define POLL_THROTTLE_DEADLINE_MS 300000

#define JOB_RANK_NONE ((size_t)-1)

struct tg_slot {
    char *arn;
    struct od_target_group group; /* from DescribeTargetGroups (arn/name at least) */
    bool described;
    bool missing; /* TargetGroupNotFound for this ARN alone */
    struct od_target *targets;
    size_t ntargets;
};

/* What a metric query id ("q<N>") stands for. */
struct metric_ref {
    char *owner;
    const char *metric;
};

#define GROW(arr, n, cap)                                                                          \
    do {                                                                                           \
        if ((n) == (cap)) {                                                                        \
            (cap) = (cap) != 0 ? (cap) * 2 : 16;                                                   \
            (arr) = xreallocarray((arr), (cap), sizeof *(arr));                                    \
        }                                                                                          \
    } while (0)

struct refresh {
    struct od_poller *p;
    unsigned parts;
    char *cluster;
    uint64_t started_ms;
    uint64_t attempts_at_start;
    struct job *head, *tail;
    struct job *ftail; /* the last ranked job of the queue (NULL: none) */
    struct job *active; /* in flight or waiting to be reissued */
    int in_flight;
    int waiting;
    uint64_t pump_timer; /* jobs wait for their API's budget */
    bool pumping;
    bool finished;
    bool failed[OD_PART__COUNT];
    struct od_error errors[OD_PART__COUNT];
    char *denied[OD_PART__COUNT]; /* the first IAM action refused in each part */
    struct od_refresh_stats stats;
    uint64_t throttles_at_start;
    uint64_t throttles_by_svc_at_start[OD_SVC__COUNT];
    uint64_t ok_by_svc[OD_SVC__COUNT]; /* calls answered successfully, per family */
    size_t listed[OD_PART__COUNT];     /* ARNs read from the List* pages of each part */

    struct od_cluster *clusters;
    size_t nclusters, cclusters;
    struct od_service *services;
    size_t nservices, cservices;
    struct od_task *tasks;
    size_t ntasks, ctasks;
    struct od_task *stopped;
    size_t nstopped, cstopped;
    struct od_container_instance *instances;
    size_t ninstances, cinstances;
    struct od_alarm *alarms;
    size_t nalarms, calarms;
    struct od_distribution *dists;
    size_t ndists, cdists;
    struct tg_slot *tgs;
    size_t ntgs, ctgs;
    struct od_strmap tg_index; /* tgs[].arn -> slot (a linear search was O(n²) at 10,000) */
    struct od_metric_set *msets;
    size_t nmsets, cmsets;
    struct metric_ref *mrefs;
    size_t nmrefs, cmrefs;
    struct od_task_def *tds; /* fetched this refresh: not yet in the world's cache */
    size_t ntds, ctds;
    struct od_service_deployment *sdeps; /* newest service deployment per service asked */
    size_t nsdeps, csdeps;
    char **td_asked;         /* asked for this refresh (no duplicate describes) */
    size_t ntd_asked, ctd_asked;
    struct od_strmap td_asked_index; /* td_asked[] -> index */
    struct od_scaling *scaling; /* refresh_as.c */
    size_t nscaling, cscaling;
    int scaling_pages;
    char *scaling_detail;       /* the open service whose policies and activities are read */
    struct od_scaling_policy *scaling_policies;
    size_t nscaling_policies;
    struct od_scaling_activity *scaling_activities;
    size_t nscaling_activities;
    unsigned scaling_detail_loaded; /* 1: policies, 2: activities */

    /* Phase bookkeeping: a phase ends when its lists are read and its describes done. */
    int listing_pending[OD_PART__COUNT]; /* ECS list pages and describes not yet answered */
    char **svc_arns; /* listed services waiting for the last ListServices page */
    size_t nsvc_arns, csvc_arns;
    int focus_describes;  /* ranked DescribeServices not yet answered */
    bool published;       /* services shown early (first load) */
    struct od_service *early; /* a first load's focused services, decoded again for the world */
    size_t nearly, cearly;
    int tg_describes;
    bool tg_phase_done;
    bool dist_phase_done;
    int dist_lists;

    poller_cb cb;
    void *ud;
};

struct od_poller {
    struct od_aws *aws;
    struct od_world *world;
    char *cluster;
    unsigned parts;
    int max_in_flight;
    int metric_minutes;
    uint64_t steady_ms; /* periodic refresh interval when no deployment rolls */
    struct od_budget budgets[OD_SVC__COUNT]; /* calls per second per API family */
    char *scaling_detail;   /* poller_set_scaling_detail */
    struct od_nameset metric_services; /* when metric_scoped; else metrics for every service */
    bool metric_scoped;
    bool rolling_deployments; /* service deployments of ROLLING services too (status) */
    bool all_service_deployments; /* of every service, not only the scoped ones */
    uint64_t throttles_seen[OD_SVC__COUNT];  /* aws->throttles_by_svc at the last refresh */
    struct refresh *current;
    bool again; /* a refresh was asked for while one ran */
    poller_cb again_cb;
    void *again_ud;
    struct od_refresh_stats last;

    /* Periodic mode. */
    bool running;
    uint64_t timer_id;
    poller_cb on_change;
    void *on_change_ud;
    uint64_t last_metrics_ms; /* 0: due at once (a widened scope asks for them soon) */
    uint64_t last_start_ms;
    uint64_t backoff_ms;

    struct od_call_window calls; /* started over the last minute */

    /* What the operator sees (poller_set_focus): asked for first. */
    struct od_nameset focus;
    size_t focus_head; /* no rows yet: the first focus_head services by name */
    bool focus_wanted; /* a console set a focus: describe services after the last list page */
    uint64_t completed; /* refreshes committed */
};

/* refresh.c: the job engine, statistics, committing parts to the world. */
struct job *refresh_job_new(struct refresh *r, enum od_svc svc, const char *op,
                            enum od_part part, int depth, job_fn done);
void refresh_job_free(struct job *j);
void refresh_enqueue(struct refresh *r, struct job *j);
void refresh_fail(struct refresh *r, enum od_part part, const struct od_error *err);
/* refresh_fail, then clear err (for decode errors). */
void refresh_fail_parse(struct refresh *r, enum od_part part, struct od_error *err);
void refresh_add_minimum(struct refresh *r, const char *op, uint64_t n);
uint64_t refresh_batches(size_t n, size_t per);
bool refresh_want(const struct refresh *r, enum od_part part);
/* Start queued jobs up to the cap; finishes the refresh when nothing is left. */
void refresh_pump(struct refresh *r);
/* Drop every call and timer of a refresh that is abandoned mid-flight, and free it. */
void refresh_cancel(struct refresh *r);
void refresh_free(struct refresh *r);

/* refresh_focus.c: the order of the queue. */
/* The rank of a service in the focus (its position), JOB_RANK_NONE when outside it. */
size_t refresh_focus_rank(const struct od_poller *p, const char *name);
/* The name of a service from its ARN (".../NAME"), or the string itself. */
const char *refresh_arn_name(const char *arn);
/* Rank a job from its owner or ARNs. */
void refresh_rank_job(struct refresh *r, struct job *j);
/* The focus changed: re-batch the waiting DescribeServices, re-rank and re-order the queue. */
void refresh_refocus(struct refresh *r);
/* Take j (whose predecessor is prev, NULL at the head) out of the queue. */
void refresh_unlink(struct refresh *r, struct job *prev, struct job *j);

/* refresh_ecs.c */
/* DescribeServices for these ARNs (taken), the focused ones first, in batches. */
void refresh_ecs_describe_services(struct refresh *r, char **arns, size_t n, int depth);
/* Pull every waiting DescribeServices job of the services listing out of the queue and give
 * back its ARNs (appended to *arns); answers the depth of the first, or -1 when none. */
int refresh_ecs_take_describes(struct refresh *r, char ***arns, size_t *n, size_t *cap);
void refresh_ecs_list_clusters(struct refresh *r, int depth);
/* Services settle into DescribeTargetGroups and then metrics. */
void refresh_ecs_list_services(struct refresh *r, int depth);
void refresh_ecs_list_tasks(struct refresh *r, int depth, bool stopped);
void refresh_ecs_list_instances(struct refresh *r, int depth);

/* refresh_cw.c */
void refresh_cw_describe_alarms(struct refresh *r, const char *token, int depth);
/* ECS and ALB metrics, once services and target groups are known. */
void refresh_cw_start_metrics(struct refresh *r, int depth);
/* CloudFront metrics (us-east-1), once distributions are known. */
void refresh_cw_start_cf_metrics(struct refresh *r, int depth);

/* refresh_as.c: scalable targets once the services are known; commit and free. */
void refresh_as_start(struct refresh *r, int depth);
void refresh_as_commit(struct refresh *r);
void refresh_as_free(struct refresh *r);

/* refresh_cf.c */
void refresh_cf_list_distributions(struct refresh *r, const char *marker, int depth);

/* poller.c */
void poller_count_call(struct od_poller *p);
/* Whether metrics are wanted for this service (poller_set_metric_services). */
bool poller_metric_service(const struct od_poller *p, const char *name);
void poller_schedule_next(struct od_poller *p);

#endif
