/* The entities ondeck shows, as plain data decoded from AWS responses. Each struct owns its
 * strings; the matching *_clear function frees them. Times are epoch seconds (double, as ECS
 * sends them). Optional numbers carry a has_ flag; optional strings are NULL when absent.
 * Decoders (src/aws/ecs.c, elbv2.c, cloudwatch.c, cloudfront.c) fill these; the world
 * (src/model/world.c) owns the live copies. */
#ifndef OD_ENTITIES_H
#define OD_ENTITIES_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* ---- ECS ---------------------------------------------------------------------------- */

struct od_cluster {
    char *arn;
    char *name;
    char *status;
    long running_tasks;
    long pending_tasks;
    long active_services;
    long container_instances;
};

struct od_deployment {
    char *id;
    char *status;        /* PRIMARY | ACTIVE | INACTIVE */
    char *rollout_state; /* IN_PROGRESS | COMPLETED | FAILED, or NULL */
    char *rollout_state_reason;
    char *task_definition; /* ARN */
    char *launch_type;
    long desired, running, pending, failed;
    double created_at, updated_at;
};

struct od_event {
    char *id;
    double created_at;
    char *message;
};

struct od_lb_ref {
    char *target_group_arn;
    char *load_balancer_name; /* classic ELB only */
    char *container_name;
    long container_port;
};

/* A task set: how CODE_DEPLOY and EXTERNAL services keep their versions (in place of
 * deployments[]; ECS API Reference, TaskSet). */
struct od_task_set {
    char *id;
    char *arn;
    char *status;           /* PRIMARY | ACTIVE | DRAINING */
    char *task_definition;  /* ARN */
    char *launch_type;
    char *stability_status; /* STEADY_STATE | STABILIZING, or NULL */
    char *external_id;      /* the CodeDeploy deployment id for CODE_DEPLOY */
    char *scale_unit;       /* PERCENT, or NULL without a scale */
    double scale_value;
    long computed_desired, running, pending;
    double created_at, updated_at;
};

struct od_service {
    char *arn;
    char *name;
    char *cluster_arn;
    char *status;
    char *launch_type; /* FARGATE | EC2 | EXTERNAL, or NULL with capacity providers */
    char *task_definition; /* ARN (moto may echo "family:rev") */
    char *scheduling_strategy;
    long desired, running, pending;
    double created_at;
    bool circuit_breaker, circuit_breaker_rollback;
    long max_percent, min_healthy_percent;
    struct od_deployment *deployments;
    size_t ndeployments;
    struct od_event *events; /* newest first, at most OD_MAX_EVENTS kept */
    size_t nevents;
    struct od_lb_ref *lbs;
    size_t nlbs;
    char *deployment_controller; /* ECS | CODE_DEPLOY | EXTERNAL; NULL when not sent (ECS) */
    char *deployment_strategy;   /* ROLLING | BLUE_GREEN | LINEAR | CANARY, or NULL */
    struct od_task_set *task_sets; /* CODE_DEPLOY and EXTERNAL services */
    size_t ntask_sets;
};

#define OD_MAX_EVENTS 20

struct od_binding {
    char *bind_ip;
    long container_port; /* 0 when ECS sent a range instead */
    long host_port;
    char *protocol;
    char *container_port_range; /* "9000-9010" (containerPortRange), else NULL */
    char *host_port_range;      /* hostPortRange, else NULL */
};

struct od_container {
    char *name;
    char *image;
    char *image_digest;
    char *last_status;
    char *health_status;
    char *reason;
    bool has_exit_code;
    long exit_code;
    struct od_binding *bindings;
    size_t nbindings;
};

struct od_task {
    char *arn;
    char *id; /* last ARN segment */
    char *cluster_arn;
    char *last_status;
    char *desired_status;
    char *health_status;
    char *task_definition; /* ARN */
    char *group;           /* "service:NAME" for service tasks */
    char *started_by;      /* deployment id for service tasks */
    char *launch_type;
    char *private_ip;      /* from the ENI attachment (awsvpc), or NULL */
    char *container_instance_arn;
    char *availability_zone;
    char *stop_code;
    char *stopped_reason;
    double created_at, started_at, stopping_at, stopped_at;
    double pull_started_at, pull_stopped_at; /* image pull; 0 when not sent */
    struct od_container *containers;
    size_t ncontainers;
};

struct od_container_instance {
    char *arn;
    char *ec2_instance_id;
    char *status;
    bool agent_connected;
};

/* What the console, logs and deploy need from a task definition (immutable, cached). */
struct od_container_def {
    char *name;
    char *image;
    bool essential;
    char *log_driver;
    char *log_group;
    char *log_region;
    char *log_stream_prefix;
};

struct od_task_def {
    char *arn;
    char *family;
    long revision;
    char *status;
    char *network_mode;
    char *cpu, *memory;
    double registered_at;
    struct od_container_def *containers;
    size_t ncontainers;
    char *raw_json; /* the whole taskDefinition object as sent, for deploy copies and diffs */
};

/* ---- ELBv2 --------------------------------------------------------------------------- */

struct od_target {
    char *id; /* IP address or instance id */
    long port;
    char *az;
    char *state; /* initial | healthy | unhealthy | unused | draining | unavailable ... */
    char *reason;
    char *description;
    char *task_id; /* mapped by the model; NULL when no task matches */
};

struct od_target_group {
    char *arn;
    char *name;
    char *target_type; /* ip | instance | lambda | alb */
    char *protocol;
    long port;
    char *health_check_path;
    char **load_balancer_arns;
    size_t nload_balancers;
    struct od_target *targets;
    size_t ntargets;
    bool missing; /* ELBv2 answered TargetGroupNotFound: deleted while a service names it */
};

/* ---- CloudWatch ---------------------------------------------------------------------- */

struct od_dimension {
    char *name;
    char *value;
};

/* One metric of a metric-math alarm (MetricAlarm.Metrics[] with a MetricStat): its id and
 * the dimensions of its metric. */
struct od_alarm_metric {
    char *id;
    struct od_dimension *dimensions;
    size_t ndimensions;
};

struct od_alarm {
    char *name;
    char *arn;
    char *state; /* OK | ALARM | INSUFFICIENT_DATA */
    char *reason;
    double updated_at;
    char *namespace_;
    char *metric_name;
    char *statistic;
    struct od_dimension *dimensions;
    size_t ndimensions;
    double threshold;
    char *comparison;
    struct od_alarm_metric *metrics; /* metric math: the alarm's own Dimensions are empty */
    size_t nmetrics;
};

/* One metric series, oldest value first. */
struct od_series {
    char *id;
    char *label;
    double *values;
    time_t *timestamps;
    size_t n;
    char *status_code;
    char *message; /* Messages of a Forbidden or InternalError result: "Code: Value" */
};
/* GetMetricData could not read the series (StatusCode Forbidden or InternalError): an error to
 * show, not an empty series. */
bool series_failed(const struct od_series *s);

/* ---- CloudFront ---------------------------------------------------------------------- */

struct od_invalidation {
    char *id;
    char *status; /* InProgress | Completed (moto: COMPLETED) */
    time_t create_time;
    char **paths;
    size_t npaths;
    char *caller_reference;
};

struct od_origin {
    char *id;
    char *domain_name;
};

struct od_distribution {
    char *id;
    char *arn;
    char *domain_name;
    char *status;
    bool enabled;
    char *comment;
    char **aliases;
    size_t naliases;
    struct od_origin *origins;
    size_t norigins;
    struct od_invalidation *invalidations; /* newest first */
    size_t ninvalidations;
    bool config_known; /* aliases/origins/enabled were in the answer (moto's summaries lack them) */
};

void cluster_clear(struct od_cluster *c);
void deployment_clear(struct od_deployment *d);
void event_clear(struct od_event *e);
void task_set_clear(struct od_task_set *ts);
void service_clear(struct od_service *s);
void container_clear(struct od_container *c);
void task_clear(struct od_task *t);
void container_instance_clear(struct od_container_instance *ci);
void task_def_clear(struct od_task_def *td);
void target_clear(struct od_target *t);
void target_group_clear(struct od_target_group *tg);
void alarm_clear(struct od_alarm *a);
void series_clear(struct od_series *s);
void invalidation_clear(struct od_invalidation *inv);
void origin_clear(struct od_origin *o);
void distribution_clear(struct od_distribution *d);

/* Free an array of n entities with the given clear function, and the array itself. */
#define OD_FREE_ARRAY(arr, n, clear_fn)                                                            \
    do {                                                                                           \
        for (size_t i_ = 0; i_ < (n); i_++)                                                        \
            clear_fn(&(arr)[i_]);                                                                  \
        free(arr);                                                                                 \
        (arr) = NULL;                                                                              \
        (n) = 0;                                                                                   \
    } while (0)

/* "task-definition/web:7" -> 7; 0 when the ARN has no revision. */
long task_def_revision(const char *arn);
/* "arn:...:task-definition/web:7" -> "web:7" (malloc'd). */
char *task_def_short_name(const char *arn);
/* A binding's container or host port as text: the range ECS sent ("9000-9010") when the
 * port is 0 and a range is there, else the number (malloc'd). */
char *binding_port_text(long port, const char *range);
/* The cluster's name, as CloudWatch's ClusterName dimension holds it: the part after
 * ":cluster/" of an ARN, else the string itself (a pointer into cluster; NULL stays NULL). */
const char *cluster_short_name(const char *cluster);

#endif
