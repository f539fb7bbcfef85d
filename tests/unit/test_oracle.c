/* oracle: ondeck's decoders against botocore on the same bytes. For every decoder fixture,
 * tests/unit/data/decoders/oracle.tsv holds what botocore's parser reads from it (written by
 * tests/tools/botocore_oracle.py; tests/unit/oracle_fresh.sh checks that it is current).
 * Each fixture is decoded here, its fields written as the same "PATH <TAB> VALUE" lines, and
 * every line of botocore's must be among them: one check per fixture, the disagreements as
 * diagnostics. Lines ondeck has and botocore lacks (a default for an absent member) are not
 * checked; list lengths ("PATH#") are, so an item missing or added is caught. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/autoscaling.h"
#include "aws/cloudfront.h"
#include "aws/cloudwatch.h"
#include "aws/ecs.h"
#include "aws/ecs_deployments.h"
#include "aws/elbv2.h"
#include "aws/proto_xml.h"
#include "check.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/xalloc.h"

static char *
data_path(const char *name)
{
    const char *src = getenv("ONDECK_SRCDIR");

    return xasprintf("%s/tests/unit/data/decoders/%s", src != NULL && *src ? src : ".", name);
}

static char *
slurp(const char *name, size_t *len)
{
    char *path = data_path(name);
    FILE *f = fopen(path, "rb");
    struct od_buf b;
    char chunk[4096];
    size_t n;

    *len = 0;
    buf_init(&b, 0);
    if (f == NULL) {
        printf("# cannot open %s\n", path);
        free(path);
        return buf_steal(&b);
    }
    free(path);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return buf_steal(&b);
}

/* ---- the dump: "PATH\tVALUE\n" lines, escaped as the oracle escapes them ------------- */

struct dump {
    struct od_buf b;
};

static void
key(struct dump *d, const char *fmt, va_list ap)
{
    char path[512];

    vsnprintf(path, sizeof path, fmt, ap);
    buf_puts(&d->b, path);
    buf_putc(&d->b, '\t');
}

static void
str_at(struct dump *d, const char *s, const char *fmt, ...)
{
    va_list ap;

    if (s == NULL)
        return;
    va_start(ap, fmt);
    key(d, fmt, ap);
    va_end(ap);
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p == '\\')
            buf_puts(&d->b, "\\\\");
        else if (*p == '\t')
            buf_puts(&d->b, "\\t");
        else if (*p == '\n')
            buf_puts(&d->b, "\\n");
        else if (*p == '\r')
            buf_puts(&d->b, "\\r");
        else if (*p < 0x20 || *p == 0x7f)
            buf_printf(&d->b, "\\x%02X", *p);
        else
            buf_putc(&d->b, (char)*p);
    }
    buf_putc(&d->b, '\n');
}

/* How a number is written: as the oracle writes integers, doubles and timestamps. */
enum num_kind { NUM_INT, NUM_DOUBLE, NUM_TIME };

static void
num_at(struct dump *d, enum num_kind kind, double v, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    key(d, fmt, ap);
    va_end(ap);
    if (kind == NUM_INT)
        buf_printf(&d->b, "%.0f\n", v);
    else if (kind == NUM_DOUBLE)
        buf_printf(&d->b, "%.17g\n", v);
    else
        buf_printf(&d->b, "%.3f\n", v);
}

#define LONG_AT(d, v, ...) num_at((d), NUM_INT, (double)(v), __VA_ARGS__)
#define DBL_AT(d, v, ...) num_at((d), NUM_DOUBLE, (v), __VA_ARGS__)
#define TS_AT(d, v, ...)                                                                           \
    do {                                                                                           \
        if ((v) > 0)                                                                               \
            num_at((d), NUM_TIME, (v), __VA_ARGS__);                                               \
    } while (0)
#define BOOL_AT(d, v, ...) str_at((d), (v) ? "true" : "false", __VA_ARGS__)

static void
failures(struct dump *d, const struct od_failure *f, size_t n)
{
    LONG_AT(d, n, "failures#");
    for (size_t i = 0; i < n; i++) {
        str_at(d, f[i].arn, "failures[%zu].arn", i);
        str_at(d, f[i].reason, "failures[%zu].reason", i);
        str_at(d, f[i].detail, "failures[%zu].detail", i);
    }
}

/* ---- ECS ------------------------------------------------------------------------------ */

static int
dump_arn_list(struct dump *d, const char *body, size_t len, const char *list_key)
{
    char **arns = NULL, *next = NULL;
    size_t n = 0;
    struct od_error err = {0};
    int rc = ecs_decode_arn_list(body, len, list_key, &arns, &n, &next, &err);

    LONG_AT(d, n, "%s#", list_key);
    for (size_t i = 0; i < n; i++)
        str_at(d, arns[i], "%s[%zu]", list_key, i);
    str_at(d, next, "nextToken");
    arn_list_free(&arns, &n);
    free(next);
    od_error_clear(&err);
    return rc;
}

static int
dump_clusters(struct dump *d, const char *body, size_t len)
{
    struct od_cluster *c = NULL;
    size_t n = 0;
    struct od_error err = {0};
    int rc = ecs_decode_clusters(body, len, &c, &n, &err);

    LONG_AT(d, n, "clusters#");
    for (size_t i = 0; i < n; i++) {
        str_at(d, c[i].arn, "clusters[%zu].clusterArn", i);
        str_at(d, c[i].name, "clusters[%zu].clusterName", i);
        str_at(d, c[i].status, "clusters[%zu].status", i);
        LONG_AT(d, c[i].running_tasks, "clusters[%zu].runningTasksCount", i);
        LONG_AT(d, c[i].pending_tasks, "clusters[%zu].pendingTasksCount", i);
        LONG_AT(d, c[i].active_services, "clusters[%zu].activeServicesCount", i);
        LONG_AT(d, c[i].container_instances, "clusters[%zu].registeredContainerInstancesCount",
                i);
    }
    OD_FREE_ARRAY(c, n, cluster_clear);
    od_error_clear(&err);
    return rc;
}

static int
dump_services(struct dump *d, const char *body, size_t len)
{
    struct od_service *s = NULL;
    struct od_failure *f = NULL;
    size_t n = 0, nf = 0;
    struct od_error err = {0};
    int rc = ecs_decode_services(body, len, &s, &n, &f, &nf, &err);

    LONG_AT(d, n, "services#");
    for (size_t i = 0; i < n; i++) {
        const struct od_service *v = &s[i];
        const char *dc = "deploymentConfiguration";

        str_at(d, v->arn, "services[%zu].serviceArn", i);
        str_at(d, v->name, "services[%zu].serviceName", i);
        str_at(d, v->cluster_arn, "services[%zu].clusterArn", i);
        str_at(d, v->status, "services[%zu].status", i);
        str_at(d, v->launch_type, "services[%zu].launchType", i);
        str_at(d, v->task_definition, "services[%zu].taskDefinition", i);
        str_at(d, v->scheduling_strategy, "services[%zu].schedulingStrategy", i);
        LONG_AT(d, v->desired, "services[%zu].desiredCount", i);
        LONG_AT(d, v->running, "services[%zu].runningCount", i);
        LONG_AT(d, v->pending, "services[%zu].pendingCount", i);
        TS_AT(d, v->created_at, "services[%zu].createdAt", i);
        BOOL_AT(d, v->circuit_breaker, "services[%zu].%s.deploymentCircuitBreaker.enable", i, dc);
        BOOL_AT(d, v->circuit_breaker_rollback,
                "services[%zu].%s.deploymentCircuitBreaker.rollback", i, dc);
        LONG_AT(d, v->max_percent, "services[%zu].%s.maximumPercent", i, dc);
        LONG_AT(d, v->min_healthy_percent, "services[%zu].%s.minimumHealthyPercent", i, dc);
        LONG_AT(d, v->ndeployments, "services[%zu].deployments#", i);
        for (size_t k = 0; k < v->ndeployments; k++) {
            const struct od_deployment *p = &v->deployments[k];
            const char *pre = "services[%zu].deployments[%zu]";
            char f1[64];

#define DEP(field) (snprintf(f1, sizeof f1, "%s.%s", pre, field), f1)
            str_at(d, p->id, DEP("id"), i, k);
            str_at(d, p->status, DEP("status"), i, k);
            str_at(d, p->rollout_state, DEP("rolloutState"), i, k);
            str_at(d, p->rollout_state_reason, DEP("rolloutStateReason"), i, k);
            str_at(d, p->task_definition, DEP("taskDefinition"), i, k);
            str_at(d, p->launch_type, DEP("launchType"), i, k);
            LONG_AT(d, p->desired, DEP("desiredCount"), i, k);
            LONG_AT(d, p->running, DEP("runningCount"), i, k);
            LONG_AT(d, p->pending, DEP("pendingCount"), i, k);
            LONG_AT(d, p->failed, DEP("failedTasks"), i, k);
            TS_AT(d, p->created_at, DEP("createdAt"), i, k);
            TS_AT(d, p->updated_at, DEP("updatedAt"), i, k);
#undef DEP
        }
        LONG_AT(d, v->nevents, "services[%zu].events#", i);
        for (size_t k = 0; k < v->nevents; k++) {
            str_at(d, v->events[k].id, "services[%zu].events[%zu].id", i, k);
            TS_AT(d, v->events[k].created_at, "services[%zu].events[%zu].createdAt", i, k);
            str_at(d, v->events[k].message, "services[%zu].events[%zu].message", i, k);
        }
        LONG_AT(d, v->nlbs, "services[%zu].loadBalancers#", i);
        for (size_t k = 0; k < v->nlbs; k++) {
            const struct od_lb_ref *l = &v->lbs[k];

            str_at(d, l->target_group_arn, "services[%zu].loadBalancers[%zu].targetGroupArn", i, k);
            str_at(d, l->load_balancer_name, "services[%zu].loadBalancers[%zu].loadBalancerName",
                   i, k);
            str_at(d, l->container_name, "services[%zu].loadBalancers[%zu].containerName", i, k);
            LONG_AT(d, l->container_port, "services[%zu].loadBalancers[%zu].containerPort", i, k);
        }
    }
    failures(d, f, nf);
    OD_FREE_ARRAY(s, n, service_clear);
    OD_FREE_ARRAY(f, nf, failure_clear);
    od_error_clear(&err);
    return rc;
}

static void
dump_container(struct dump *d, const struct od_container *c, size_t i, size_t k)
{
    str_at(d, c->name, "tasks[%zu].containers[%zu].name", i, k);
    str_at(d, c->image, "tasks[%zu].containers[%zu].image", i, k);
    str_at(d, c->image_digest, "tasks[%zu].containers[%zu].imageDigest", i, k);
    str_at(d, c->last_status, "tasks[%zu].containers[%zu].lastStatus", i, k);
    str_at(d, c->health_status, "tasks[%zu].containers[%zu].healthStatus", i, k);
    str_at(d, c->reason, "tasks[%zu].containers[%zu].reason", i, k);
    if (c->has_exit_code)
        LONG_AT(d, c->exit_code, "tasks[%zu].containers[%zu].exitCode", i, k);
    LONG_AT(d, c->nbindings, "tasks[%zu].containers[%zu].networkBindings#", i, k);
    for (size_t b = 0; b < c->nbindings; b++) {
        const struct od_binding *nb = &c->bindings[b];
        const char *pre = "tasks[%zu].containers[%zu].networkBindings[%zu]";
        char f1[80];

#define NB(field) (snprintf(f1, sizeof f1, "%s.%s", pre, field), f1)
        str_at(d, nb->bind_ip, NB("bindIP"), i, k, b);
        if (nb->container_port_range == NULL || nb->container_port != 0)
            LONG_AT(d, nb->container_port, NB("containerPort"), i, k, b);
        if (nb->host_port_range == NULL || nb->host_port != 0)
            LONG_AT(d, nb->host_port, NB("hostPort"), i, k, b);
        str_at(d, nb->protocol, NB("protocol"), i, k, b);
        str_at(d, nb->container_port_range, NB("containerPortRange"), i, k, b);
        str_at(d, nb->host_port_range, NB("hostPortRange"), i, k, b);
#undef NB
    }
}

static int
dump_tasks(struct dump *d, const char *body, size_t len)
{
    struct od_task *t = NULL;
    struct od_failure *f = NULL;
    size_t n = 0, nf = 0;
    struct od_error err = {0};
    int rc = ecs_decode_tasks(body, len, &t, &n, &f, &nf, &err);

    LONG_AT(d, n, "tasks#");
    for (size_t i = 0; i < n; i++) {
        const struct od_task *v = &t[i];

        str_at(d, v->arn, "tasks[%zu].taskArn", i);
        str_at(d, v->cluster_arn, "tasks[%zu].clusterArn", i);
        str_at(d, v->last_status, "tasks[%zu].lastStatus", i);
        str_at(d, v->desired_status, "tasks[%zu].desiredStatus", i);
        str_at(d, v->health_status, "tasks[%zu].healthStatus", i);
        str_at(d, v->task_definition, "tasks[%zu].taskDefinitionArn", i);
        str_at(d, v->group, "tasks[%zu].group", i);
        str_at(d, v->started_by, "tasks[%zu].startedBy", i);
        str_at(d, v->launch_type, "tasks[%zu].launchType", i);
        str_at(d, v->container_instance_arn, "tasks[%zu].containerInstanceArn", i);
        str_at(d, v->availability_zone, "tasks[%zu].availabilityZone", i);
        str_at(d, v->stop_code, "tasks[%zu].stopCode", i);
        str_at(d, v->stopped_reason, "tasks[%zu].stoppedReason", i);
        TS_AT(d, v->created_at, "tasks[%zu].createdAt", i);
        TS_AT(d, v->started_at, "tasks[%zu].startedAt", i);
        TS_AT(d, v->stopping_at, "tasks[%zu].stoppingAt", i);
        TS_AT(d, v->stopped_at, "tasks[%zu].stoppedAt", i);
        LONG_AT(d, v->ncontainers, "tasks[%zu].containers#", i);
        for (size_t k = 0; k < v->ncontainers; k++)
            dump_container(d, &v->containers[k], i, k);
    }
    failures(d, f, nf);
    OD_FREE_ARRAY(t, n, task_clear);
    OD_FREE_ARRAY(f, nf, failure_clear);
    od_error_clear(&err);
    return rc;
}

static int
dump_container_instances(struct dump *d, const char *body, size_t len)
{
    struct od_container_instance *ci = NULL;
    size_t n = 0;
    struct od_error err = {0};
    int rc = ecs_decode_container_instances(body, len, &ci, &n, &err);

    LONG_AT(d, n, "containerInstances#");
    for (size_t i = 0; i < n; i++) {
        str_at(d, ci[i].arn, "containerInstances[%zu].containerInstanceArn", i);
        str_at(d, ci[i].ec2_instance_id, "containerInstances[%zu].ec2InstanceId", i);
        str_at(d, ci[i].status, "containerInstances[%zu].status", i);
        BOOL_AT(d, ci[i].agent_connected, "containerInstances[%zu].agentConnected", i);
    }
    OD_FREE_ARRAY(ci, n, container_instance_clear);
    od_error_clear(&err);
    return rc;
}

static int
dump_task_definition(struct dump *d, const char *body, size_t len)
{
    struct od_task_def td;
    struct od_error err = {0};
    int rc = ecs_decode_task_definition(body, len, &td, &err);
    const char *opt = "taskDefinition.containerDefinitions[%zu].logConfiguration";

    if (rc == OD_OK) {
        str_at(d, td.arn, "taskDefinition.taskDefinitionArn");
        str_at(d, td.family, "taskDefinition.family");
        LONG_AT(d, td.revision, "taskDefinition.revision");
        str_at(d, td.status, "taskDefinition.status");
        str_at(d, td.network_mode, "taskDefinition.networkMode");
        str_at(d, td.cpu, "taskDefinition.cpu");
        str_at(d, td.memory, "taskDefinition.memory");
        TS_AT(d, td.registered_at, "taskDefinition.registeredAt");
        LONG_AT(d, td.ncontainers, "taskDefinition.containerDefinitions#");
        for (size_t i = 0; i < td.ncontainers; i++) {
            const struct od_container_def *c = &td.containers[i];
            char f1[120];

            str_at(d, c->name, "taskDefinition.containerDefinitions[%zu].name", i);
            str_at(d, c->image, "taskDefinition.containerDefinitions[%zu].image", i);
            BOOL_AT(d, c->essential, "taskDefinition.containerDefinitions[%zu].essential", i);
            snprintf(f1, sizeof f1, "%s.logDriver", opt);
            str_at(d, c->log_driver, f1, i);
            snprintf(f1, sizeof f1, "%s.options.awslogs-group", opt);
            str_at(d, c->log_group, f1, i);
            snprintf(f1, sizeof f1, "%s.options.awslogs-region", opt);
            str_at(d, c->log_region, f1, i);
            snprintf(f1, sizeof f1, "%s.options.awslogs-stream-prefix", opt);
            str_at(d, c->log_stream_prefix, f1, i);
        }
        task_def_clear(&td);
    }
    od_error_clear(&err);
    return rc;
}

static int
dump_service_deployment_list(struct dump *d, const char *body, size_t len)
{
    char **arns = NULL, *next = NULL;
    size_t n = 0;
    struct od_error err = {0};
    int rc = ecs_decode_service_deployment_list(body, len, &arns, &n, &next, &err);

    LONG_AT(d, n, "serviceDeployments#");
    for (size_t i = 0; i < n; i++)
        str_at(d, arns[i], "serviceDeployments[%zu].serviceDeploymentArn", i);
    str_at(d, next, "nextToken");
    arn_list_free(&arns, &n);
    free(next);
    od_error_clear(&err);
    return rc;
}

static void
dump_sd_revision(struct dump *d, const struct od_sd_revision *r, const char *pre)
{
    str_at(d, r->arn, "%s.arn", pre);
    LONG_AT(d, r->requested, "%s.requestedTaskCount", pre);
    LONG_AT(d, r->running, "%s.runningTaskCount", pre);
    LONG_AT(d, r->pending, "%s.pendingTaskCount", pre);
    if (r->has_weights) {
        DBL_AT(d, r->prod_weight, "%s.requestedProductionTrafficWeight", pre);
        DBL_AT(d, r->test_weight, "%s.requestedTestTrafficWeight", pre);
    }
}

static int
dump_service_deployments(struct dump *d, const char *body, size_t len)
{
    struct od_service_deployment *arr = NULL;
    size_t n = 0;
    struct od_error err = {0};
    int rc = ecs_decode_service_deployments(body, len, &arr, &n, &err);
    char pre[128];

    LONG_AT(d, n, "serviceDeployments#");
    for (size_t i = 0; i < n; i++) {
        const struct od_service_deployment *s = &arr[i];

        str_at(d, s->arn, "serviceDeployments[%zu].serviceDeploymentArn", i);
        str_at(d, s->service_arn, "serviceDeployments[%zu].serviceArn", i);
        str_at(d, s->cluster_arn, "serviceDeployments[%zu].clusterArn", i);
        str_at(d, s->status, "serviceDeployments[%zu].status", i);
        str_at(d, s->status_reason, "serviceDeployments[%zu].statusReason", i);
        str_at(d, s->stage, "serviceDeployments[%zu].lifecycleStage", i);
        str_at(d, s->strategy, "serviceDeployments[%zu].deploymentConfiguration.strategy", i);
        LONG_AT(d, s->bake_minutes,
                "serviceDeployments[%zu].deploymentConfiguration.bakeTimeInMinutes", i);
        TS_AT(d, s->created_ms / 1000.0, "serviceDeployments[%zu].createdAt", i);
        TS_AT(d, s->started_ms / 1000.0, "serviceDeployments[%zu].startedAt", i);
        TS_AT(d, s->updated_ms / 1000.0, "serviceDeployments[%zu].updatedAt", i);
        TS_AT(d, s->finished_ms / 1000.0, "serviceDeployments[%zu].finishedAt", i);
        str_at(d, s->breaker_status, "serviceDeployments[%zu].deploymentCircuitBreaker.status", i);
        LONG_AT(d, s->breaker_failures,
                "serviceDeployments[%zu].deploymentCircuitBreaker.failureCount", i);
        LONG_AT(d, s->breaker_threshold,
                "serviceDeployments[%zu].deploymentCircuitBreaker.threshold", i);
        str_at(d, s->alarms_status, "serviceDeployments[%zu].alarms.status", i);
        LONG_AT(d, s->nalarms_triggered, "serviceDeployments[%zu].alarms.triggeredAlarmNames#", i);
        for (size_t k = 0; k < s->nalarms_triggered; k++)
            str_at(d, s->alarms_triggered[k],
                   "serviceDeployments[%zu].alarms.triggeredAlarmNames[%zu]", i, k);
        str_at(d, s->rollback_reason, "serviceDeployments[%zu].rollback.reason", i);
        str_at(d, s->rollback_revision, "serviceDeployments[%zu].rollback.serviceRevisionArn", i);
        TS_AT(d, s->rollback_started_ms / 1000.0, "serviceDeployments[%zu].rollback.startedAt", i);
        snprintf(pre, sizeof pre, "serviceDeployments[%zu].targetServiceRevision", i);
        dump_sd_revision(d, &s->target, pre);
        LONG_AT(d, s->nsources, "serviceDeployments[%zu].sourceServiceRevisions#", i);
        for (size_t k = 0; k < s->nsources; k++) {
            snprintf(pre, sizeof pre, "serviceDeployments[%zu].sourceServiceRevisions[%zu]", i, k);
            dump_sd_revision(d, &s->sources[k], pre);
        }
        LONG_AT(d, s->nhooks, "serviceDeployments[%zu].lifecycleHookDetails#", i);
        for (size_t k = 0; k < s->nhooks; k++) {
            const struct od_sd_hook *h = &s->hooks[k];

            snprintf(pre, sizeof pre, "serviceDeployments[%zu].lifecycleHookDetails[%zu]", i, k);
            str_at(d, h->hook_id, "%s.hookId", pre);
            str_at(d, h->target_type, "%s.targetType", pre);
            str_at(d, h->status, "%s.status", pre);
            str_at(d, h->timeout_action, "%s.timeoutAction", pre);
            TS_AT(d, h->expires_ms / 1000.0, "%s.expiresAt", pre);
        }
    }
    OD_FREE_ARRAY(arr, n, service_deployment_clear);
    od_error_clear(&err);
    return rc;
}

static int
dump_service_revisions(struct dump *d, const char *body, size_t len)
{
    struct od_service_revision *arr = NULL;
    size_t n = 0;
    struct od_error err = {0};
    int rc = ecs_decode_service_revisions(body, len, &arr, &n, &err);

    LONG_AT(d, n, "serviceRevisions#");
    for (size_t i = 0; i < n; i++) {
        str_at(d, arr[i].arn, "serviceRevisions[%zu].serviceRevisionArn", i);
        str_at(d, arr[i].service_arn, "serviceRevisions[%zu].serviceArn", i);
        str_at(d, arr[i].task_definition, "serviceRevisions[%zu].taskDefinition", i);
        str_at(d, arr[i].launch_type, "serviceRevisions[%zu].launchType", i);
        str_at(d, arr[i].platform_version, "serviceRevisions[%zu].platformVersion", i);
        TS_AT(d, arr[i].created_ms / 1000.0, "serviceRevisions[%zu].createdAt", i);
    }
    OD_FREE_ARRAY(arr, n, service_revision_clear);
    od_error_clear(&err);
    return rc;
}

/* ---- CloudWatch ------------------------------------------------------------------------- */

static int
dump_metric_data(struct dump *d, const char *body, size_t len)
{
    struct od_series *s = NULL;
    size_t n = 0;
    char *next = NULL;
    struct od_error err = {0};
    int rc = cw_decode_metric_data(body, len, &s, &n, &next, &err);

    LONG_AT(d, n, "MetricDataResults#");
    for (size_t i = 0; i < n; i++) {
        str_at(d, s[i].id, "MetricDataResults[%zu].Id", i);
        str_at(d, s[i].label, "MetricDataResults[%zu].Label", i);
        str_at(d, s[i].status_code, "MetricDataResults[%zu].StatusCode", i);
        LONG_AT(d, s[i].n, "MetricDataResults[%zu].points#", i);
        for (size_t k = 0; k < s[i].n; k++) {
            char point[80];

            snprintf(point, sizeof point, "%lld %.17g", (long long)s[i].timestamps[k],
                     s[i].values[k]);
            str_at(d, point, "MetricDataResults[%zu].points[%zu]", i, k);
        }
    }
    str_at(d, next, "NextToken");
    OD_FREE_ARRAY(s, n, series_clear);
    free(next);
    od_error_clear(&err);
    return rc;
}

static void
dump_dims(struct dump *d, const struct od_dimension *dims, size_t n, const char *pre)
{
    char f1[120];

    snprintf(f1, sizeof f1, "%s#", pre);
    LONG_AT(d, n, "%s", f1);
    for (size_t i = 0; i < n; i++) {
        snprintf(f1, sizeof f1, "%s[%zu].Name", pre, i);
        str_at(d, dims[i].name, "%s", f1);
        snprintf(f1, sizeof f1, "%s[%zu].Value", pre, i);
        str_at(d, dims[i].value, "%s", f1);
    }
}

static int
dump_alarms(struct dump *d, const char *body, size_t len)
{
    struct od_alarm *a = NULL;
    size_t n = 0;
    char *next = NULL;
    struct od_error err = {0};
    int rc = cw_decode_alarms(body, len, &a, &n, &next, &err);

    LONG_AT(d, n, "MetricAlarms#");
    for (size_t i = 0; i < n; i++) {
        char pre[120];

        str_at(d, a[i].name, "MetricAlarms[%zu].AlarmName", i);
        str_at(d, a[i].arn, "MetricAlarms[%zu].AlarmArn", i);
        str_at(d, a[i].state, "MetricAlarms[%zu].StateValue", i);
        str_at(d, a[i].reason, "MetricAlarms[%zu].StateReason", i);
        TS_AT(d, a[i].updated_at, "MetricAlarms[%zu].StateUpdatedTimestamp", i);
        str_at(d, a[i].namespace_, "MetricAlarms[%zu].Namespace", i);
        str_at(d, a[i].metric_name, "MetricAlarms[%zu].MetricName", i);
        str_at(d, a[i].statistic, "MetricAlarms[%zu].Statistic", i);
        DBL_AT(d, a[i].threshold, "MetricAlarms[%zu].Threshold", i);
        str_at(d, a[i].comparison, "MetricAlarms[%zu].ComparisonOperator", i);
        snprintf(pre, sizeof pre, "MetricAlarms[%zu].Dimensions", i);
        dump_dims(d, a[i].dimensions, a[i].ndimensions, pre);
        LONG_AT(d, a[i].nmetrics, "MetricAlarms[%zu].Metrics#", i);
        for (size_t k = 0; k < a[i].nmetrics; k++) {
            str_at(d, a[i].metrics[k].id, "MetricAlarms[%zu].Metrics[%zu].Id", i, k);
            snprintf(pre, sizeof pre, "MetricAlarms[%zu].Metrics[%zu].MetricStat.Metric.Dimensions",
                     i, k);
            dump_dims(d, a[i].metrics[k].dimensions, a[i].metrics[k].ndimensions, pre);
        }
    }
    str_at(d, next, "NextToken");
    OD_FREE_ARRAY(a, n, alarm_clear);
    free(next);
    od_error_clear(&err);
    return rc;
}

/* ---- ELBv2 ------------------------------------------------------------------------------ */

static int
dump_target_groups(struct dump *d, const char *body, size_t len)
{
    struct od_target_group *tg = NULL;
    size_t n = 0;
    char *next = NULL;
    struct od_error err = {0};
    int rc = elbv2_decode_target_groups(body, len, &tg, &n, &next, &err);

    LONG_AT(d, n, "TargetGroups#");
    for (size_t i = 0; i < n; i++) {
        str_at(d, tg[i].arn, "TargetGroups[%zu].TargetGroupArn", i);
        str_at(d, tg[i].name, "TargetGroups[%zu].TargetGroupName", i);
        str_at(d, tg[i].target_type, "TargetGroups[%zu].TargetType", i);
        str_at(d, tg[i].protocol, "TargetGroups[%zu].Protocol", i);
        LONG_AT(d, tg[i].port, "TargetGroups[%zu].Port", i);
        str_at(d, tg[i].health_check_path, "TargetGroups[%zu].HealthCheckPath", i);
        LONG_AT(d, tg[i].nload_balancers, "TargetGroups[%zu].LoadBalancerArns#", i);
        for (size_t k = 0; k < tg[i].nload_balancers; k++)
            str_at(d, tg[i].load_balancer_arns[k], "TargetGroups[%zu].LoadBalancerArns[%zu]", i,
                   k);
    }
    str_at(d, next, "NextMarker");
    OD_FREE_ARRAY(tg, n, target_group_clear);
    free(next);
    od_error_clear(&err);
    return rc;
}

static int
dump_target_health(struct dump *d, const char *body, size_t len)
{
    struct od_target *t = NULL;
    size_t n = 0;
    struct od_error err = {0};
    int rc = elbv2_decode_target_health(body, len, &t, &n, &err);
    const char *pre = "TargetHealthDescriptions[%zu]";
    char f1[80];

    LONG_AT(d, n, "TargetHealthDescriptions#");
    for (size_t i = 0; i < n; i++) {
#define TH(field) (snprintf(f1, sizeof f1, "%s.%s", pre, field), f1)
        str_at(d, t[i].id, TH("Target.Id"), i);
        LONG_AT(d, t[i].port, TH("Target.Port"), i);
        str_at(d, t[i].az, TH("Target.AvailabilityZone"), i);
        str_at(d, t[i].state, TH("TargetHealth.State"), i);
        str_at(d, t[i].reason, TH("TargetHealth.Reason"), i);
        str_at(d, t[i].description, TH("TargetHealth.Description"), i);
#undef TH
    }
    OD_FREE_ARRAY(t, n, target_clear);
    od_error_clear(&err);
    return rc;
}

static int
dump_load_balancers(struct dump *d, const char *body, size_t len)
{
    struct od_load_balancer *lb = NULL;
    size_t n = 0;
    char *next = NULL;
    struct od_error err = {0};
    int rc = elbv2_decode_load_balancers(body, len, &lb, &n, &next, &err);

    LONG_AT(d, n, "LoadBalancers#");
    for (size_t i = 0; i < n; i++) {
        str_at(d, lb[i].arn, "LoadBalancers[%zu].LoadBalancerArn", i);
        str_at(d, lb[i].name, "LoadBalancers[%zu].LoadBalancerName", i);
        str_at(d, lb[i].dns_name, "LoadBalancers[%zu].DNSName", i);
        str_at(d, lb[i].type, "LoadBalancers[%zu].Type", i);
        str_at(d, lb[i].state, "LoadBalancers[%zu].State.Code", i);
    }
    str_at(d, next, "NextMarker");
    OD_FREE_ARRAY(lb, n, load_balancer_clear);
    free(next);
    od_error_clear(&err);
    return rc;
}

/* ---- CloudFront ------------------------------------------------------------------------- */

static void
dump_distribution(struct dump *d, const struct od_distribution *v, const char *pre,
                  const char *cfg)
{
    char f1[120];

    snprintf(f1, sizeof f1, "%s.Id", pre);
    str_at(d, v->id, "%s", f1);
    snprintf(f1, sizeof f1, "%s.ARN", pre);
    str_at(d, v->arn, "%s", f1);
    snprintf(f1, sizeof f1, "%s.DomainName", pre);
    str_at(d, v->domain_name, "%s", f1);
    snprintf(f1, sizeof f1, "%s.Status", pre);
    str_at(d, v->status, "%s", f1);
    if (v->config_known) {
        snprintf(f1, sizeof f1, "%s%s.Enabled", pre, cfg);
        BOOL_AT(d, v->enabled, "%s", f1);
    }
    snprintf(f1, sizeof f1, "%s%s.Comment", pre, cfg);
    str_at(d, v->comment, "%s", f1);
    snprintf(f1, sizeof f1, "%s%s.Aliases.Items#", pre, cfg);
    LONG_AT(d, v->naliases, "%s", f1);
    for (size_t k = 0; k < v->naliases; k++) {
        snprintf(f1, sizeof f1, "%s%s.Aliases.Items[%zu]", pre, cfg, k);
        str_at(d, v->aliases[k], "%s", f1);
    }
    snprintf(f1, sizeof f1, "%s%s.Origins.Items#", pre, cfg);
    LONG_AT(d, v->norigins, "%s", f1);
    for (size_t k = 0; k < v->norigins; k++) {
        snprintf(f1, sizeof f1, "%s%s.Origins.Items[%zu].Id", pre, cfg, k);
        str_at(d, v->origins[k].id, "%s", f1);
        snprintf(f1, sizeof f1, "%s%s.Origins.Items[%zu].DomainName", pre, cfg, k);
        str_at(d, v->origins[k].domain_name, "%s", f1);
    }
}

static int
dump_distributions(struct dump *d, const char *body, size_t len)
{
    struct od_distribution *v = NULL;
    size_t n = 0;
    char *next = NULL;
    struct od_error err = {0};
    int rc = cf_decode_distributions(body, len, &v, &n, &next, &err);

    LONG_AT(d, n, "DistributionList.Items#");
    for (size_t i = 0; i < n; i++) {
        char pre[64];

        snprintf(pre, sizeof pre, "DistributionList.Items[%zu]", i);
        dump_distribution(d, &v[i], pre, "");
    }
    str_at(d, next, "DistributionList.NextMarker");
    OD_FREE_ARRAY(v, n, distribution_clear);
    free(next);
    od_error_clear(&err);
    return rc;
}

static int
dump_get_distribution(struct dump *d, const char *body, size_t len)
{
    struct od_distribution v;
    struct od_error err = {0};
    int rc = cf_decode_distribution(body, len, &v, &err);

    if (rc == OD_OK) {
        dump_distribution(d, &v, "Distribution", ".DistributionConfig");
        distribution_clear(&v);
    }
    od_error_clear(&err);
    return rc;
}

static int
dump_invalidations(struct dump *d, const char *body, size_t len)
{
    struct od_invalidation *inv = NULL;
    size_t n = 0;
    char *next = NULL;
    struct od_error err = {0};
    int rc = cf_decode_invalidations(body, len, &inv, &n, &next, &err);

    LONG_AT(d, n, "InvalidationList.Items#");
    for (size_t i = 0; i < n; i++) {
        str_at(d, inv[i].id, "InvalidationList.Items[%zu].Id", i);
        str_at(d, inv[i].status, "InvalidationList.Items[%zu].Status", i);
        if (inv[i].create_time > 0)
            LONG_AT(d, inv[i].create_time, "InvalidationList.Items[%zu].CreateTime", i);
    }
    str_at(d, next, "InvalidationList.NextMarker");
    OD_FREE_ARRAY(inv, n, invalidation_clear);
    free(next);
    od_error_clear(&err);
    return rc;
}

static int
dump_invalidation(struct dump *d, const char *body, size_t len)
{
    struct od_invalidation inv;
    struct od_error err = {0};
    int rc = cf_decode_invalidation(body, len, &inv, &err);

    if (rc == OD_OK) {
        str_at(d, inv.id, "Invalidation.Id");
        str_at(d, inv.status, "Invalidation.Status");
        if (inv.create_time > 0)
            LONG_AT(d, inv.create_time, "Invalidation.CreateTime");
        LONG_AT(d, inv.npaths, "Invalidation.InvalidationBatch.Paths.Items#");
        for (size_t k = 0; k < inv.npaths; k++)
            str_at(d, inv.paths[k], "Invalidation.InvalidationBatch.Paths.Items[%zu]", k);
        str_at(d, inv.caller_reference, "Invalidation.InvalidationBatch.CallerReference");
        invalidation_clear(&inv);
    }
    od_error_clear(&err);
    return rc;
}

/* ---- Application Auto Scaling ------------------------------------------------------------ */

static int
dump_scalable_targets(struct dump *d, const char *body, size_t len)
{
    struct od_scaling *t = NULL;
    size_t n = 0;
    char *next = NULL;
    struct od_error err = {0};
    int rc = autoscaling_decode_targets(body, len, &t, &n, &next, &err);
    const char *pre = "ScalableTargets[%zu].";
    char f1[96];

#define ST(field) (snprintf(f1, sizeof f1, "%s%s", pre, field), f1)
    LONG_AT(d, n, "ScalableTargets#");
    for (size_t i = 0; i < n; i++) {
        str_at(d, t[i].resource_id, ST("ResourceId"), i);
        LONG_AT(d, t[i].min, ST("MinCapacity"), i);
        LONG_AT(d, t[i].max, ST("MaxCapacity"), i);
        TS_AT(d, t[i].created_at, ST("CreationTime"), i);
        BOOL_AT(d, t[i].in_suspended, ST("SuspendedState.DynamicScalingInSuspended"), i);
        BOOL_AT(d, t[i].out_suspended, ST("SuspendedState.DynamicScalingOutSuspended"), i);
        BOOL_AT(d, t[i].scheduled_suspended, ST("SuspendedState.ScheduledScalingSuspended"), i);
    }
#undef ST
    str_at(d, next, "NextToken");
    OD_FREE_ARRAY(t, n, scaling_clear);
    free(next);
    od_error_clear(&err);
    return rc;
}

static int
dump_scaling_policies(struct dump *d, const char *body, size_t len)
{
    struct od_scaling_policy *p = NULL;
    size_t n = 0;
    char *next = NULL;
    struct od_error err = {0};
    int rc = autoscaling_decode_policies(body, len, &p, &n, &next, &err);

    LONG_AT(d, n, "ScalingPolicies#");
    for (size_t i = 0; i < n; i++) {
        str_at(d, p[i].name, "ScalingPolicies[%zu].PolicyName", i);
        str_at(d, p[i].type, "ScalingPolicies[%zu].PolicyType", i);
        if (p[i].has_target)
            DBL_AT(d, p[i].target_value,
                   "ScalingPolicies[%zu].TargetTrackingScalingPolicyConfiguration.TargetValue", i);
        str_at(d, p[i].metric,
               "ScalingPolicies[%zu].TargetTrackingScalingPolicyConfiguration."
               "PredefinedMetricSpecification.PredefinedMetricType",
               i);
    }
    str_at(d, next, "NextToken");
    OD_FREE_ARRAY(p, n, scaling_policy_clear);
    free(next);
    od_error_clear(&err);
    return rc;
}

static int
dump_scaling_activities(struct dump *d, const char *body, size_t len)
{
    struct od_scaling_activity *a = NULL;
    size_t n = 0;
    char *next = NULL;
    struct od_error err = {0};
    int rc = autoscaling_decode_activities(body, len, &a, &n, &next, &err);

    LONG_AT(d, n, "ScalingActivities#");
    for (size_t i = 0; i < n; i++) {
        str_at(d, a[i].description, "ScalingActivities[%zu].Description", i);
        str_at(d, a[i].cause, "ScalingActivities[%zu].Cause", i);
        str_at(d, a[i].status, "ScalingActivities[%zu].StatusCode", i);
        str_at(d, a[i].status_message, "ScalingActivities[%zu].StatusMessage", i);
        TS_AT(d, a[i].start_time, "ScalingActivities[%zu].StartTime", i);
        TS_AT(d, a[i].end_time, "ScalingActivities[%zu].EndTime", i);
    }
    str_at(d, next, "NextToken");
    OD_FREE_ARRAY(a, n, scaling_activity_clear);
    free(next);
    od_error_clear(&err);
    return rc;
}

/* ---- the comparison -------------------------------------------------------------------- */

static int
dump_fixture(struct dump *d, const char *fixture, const char *body, size_t len)
{
    static const struct {
        const char *prefix, *list_key;
    } lists[] = {
        {"ecs_list_clusters", "clusterArns"},
        {"ecs_list_services", "serviceArns"},
        {"ecs_list_tasks", "taskArns"},
        {"ecs_list_container_instances", "containerInstanceArns"},
        {"ecs_list_task_definitions", "taskDefinitionArns"},
    };
    static const struct {
        const char *prefix;
        int (*fn)(struct dump *, const char *, size_t);
    } ops[] = {
        {"ecs_describe_clusters", dump_clusters},
        {"ecs_describe_services", dump_services},
        {"ecs_describe_tasks", dump_tasks},
        {"ecs_describe_container_instances", dump_container_instances},
        {"ecs_describe_task_definition", dump_task_definition},
        {"ecs_list_service_deployments", dump_service_deployment_list},
        {"ecs_describe_service_deployments", dump_service_deployments},
        {"ecs_describe_service_revisions", dump_service_revisions},
        {"cw_get_metric_data", dump_metric_data},
        {"cw_describe_alarms", dump_alarms},
        {"elbv2_describe_target_groups", dump_target_groups},
        {"elbv2_describe_target_health", dump_target_health},
        {"elbv2_describe_load_balancers", dump_load_balancers},
        {"cf_list_distributions", dump_distributions},
        {"cf_get_distribution", dump_get_distribution},
        {"cf_list_invalidations", dump_invalidations},
        {"cf_get_invalidation", dump_invalidation},
        {"cf_create_invalidation", dump_invalidation},
        {"aas_describe_scalable_targets", dump_scalable_targets},
        {"aas_describe_scaling_policies", dump_scaling_policies},
        {"aas_describe_scaling_activities", dump_scaling_activities},
    };

    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
        if (str_has_prefix(fixture, lists[i].prefix))
            return dump_arn_list(d, body, len, lists[i].list_key);
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (str_has_prefix(fixture, ops[i].prefix))
            return ops[i].fn(d, body, len);
    return -1;
}

/* Check the oracle's lines lines[0..n) for one fixture against ondeck's decode of it. */
static void
check_fixture(const char *fixture, char **lines, size_t n)
{
    struct dump d;
    size_t len, bad = 0;
    char *body = slurp(fixture, &len);
    int rc;

    buf_init(&d.b, 0);
    buf_putc(&d.b, '\n');
    rc = dump_fixture(&d, fixture, body, len);
    for (size_t i = 0; i < n; i++) {
        char *want = xasprintf("\n%s\n", lines[i]);

        if (strstr(buf_cstr(&d.b), want) == NULL) {
            char *tab = strchr(lines[i], '\t'), *path = xstrdup(lines[i]);
            char *got;

            path[tab != NULL ? (size_t)(tab - lines[i]) : strlen(path)] = '\0';
            got = xasprintf("\n%s\t", path);
            {
                const char *at = strstr(buf_cstr(&d.b), got);
                const char *end = at != NULL ? strchr(at + 1, '\n') : NULL;

                if (bad < 8)
                    printf("# %s: botocore %s, ondeck %.*s\n", fixture, lines[i],
                           at != NULL && end != NULL ? (int)(end - at - 1) : 9,
                           at != NULL && end != NULL ? at + 1 : "(nothing)");
            }
            free(got);
            free(path);
            bad++;
        }
        free(want);
    }
    {
        char *what = xasprintf("%s: ondeck decodes the %zu values botocore reads (%zu differ)",
                               fixture, n, bad);

        CHECK(rc == OD_OK && bad == 0, what);
        free(what);
    }
    buf_free(&d.b);
    free(body);
}

int
main(void)
{
    size_t len, nlines = 0, start = 0, fixtures = 0;
    char *text = slurp("oracle.tsv", &len), *save = NULL, *line;
    char **lines = NULL, **fix = NULL;

    for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        char *tab;

        if (line[0] == '#' || (tab = strchr(line, '\t')) == NULL)
            continue;
        *tab = '\0';
        lines = xreallocarray(lines, nlines + 1, sizeof *lines);
        fix = xreallocarray(fix, nlines + 1, sizeof *fix);
        fix[nlines] = line;
        lines[nlines] = tab + 1;
        nlines++;
    }
    CHECK(nlines > 100, "the oracle file holds botocore's values");
    for (size_t i = 1; i <= nlines; i++) {
        if (i == nlines || strcmp(fix[i], fix[start]) != 0) {
            check_fixture(fix[start], lines + start, i - start);
            fixtures++;
            start = i;
        }
    }
    CHECK(fixtures >= 25, "every decoder fixture has an oracle");
    free(lines);
    free(fix);
    free(text);
    xml_global_cleanup();
    return check_done();
}
