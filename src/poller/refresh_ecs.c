/* ECS and ELBv2 jobs of a refresh: clusters, services (then their target groups' health and
 * descriptions), tasks and container instances; each list page is described as it arrives. */
#include <stdlib.h>
#include <string.h>

#include "poller/refresh.h"
#include "aws/ecs.h"
#include "util/str.h"
#include "util/xalloc.h"

/* ---- ECS: clusters ------------------------------------------------------------------ */

static void
describe_clusters_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                       const struct od_error *err)
{
    struct od_cluster *arr = NULL;
    size_t n = 0;
    struct od_error perr = {0};

    if (err != NULL) {
        refresh_fail(r, OD_PART_CLUSTERS, err);
        return;
    }
    if (ecs_decode_clusters(resp->body, resp->body_len, &arr, &n, &perr) != OD_OK) {
        refresh_fail_parse(r, OD_PART_CLUSTERS, &perr);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        GROW(r->clusters, r->nclusters, r->cclusters);
        r->clusters[r->nclusters++] = arr[i];
    }
    free(arr);
}

static void
list_clusters_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                   const struct od_error *err)
{
    char **arns = NULL, *next = NULL;
    size_t n = 0;
    struct od_error perr = {0};

    if (err != NULL) {
        refresh_fail(r, OD_PART_CLUSTERS, err);
        return;
    }
    if (ecs_decode_arn_list(resp->body, resp->body_len, "clusterArns", &arns, &n, &next,
                            &perr) != OD_OK) {
        refresh_fail_parse(r, OD_PART_CLUSTERS, &perr);
        return;
    }
    refresh_add_minimum(r, "ListClusters", 1);
    refresh_add_minimum(r, "DescribeClusters", refresh_batches(n, DESCRIBE_CLUSTERS_MAX));
    for (size_t i = 0; i < n; i += DESCRIBE_CLUSTERS_MAX) {
        size_t m = n - i < DESCRIBE_CLUSTERS_MAX ? n - i : DESCRIBE_CLUSTERS_MAX;
        struct job *d = refresh_job_new(r, OD_SVC_ECS, "DescribeClusters", OD_PART_CLUSTERS,
                                j->depth + 1, describe_clusters_done);

        d->body = ecs_body_describe_clusters((const char *const *)arns + i, m);
        refresh_enqueue(r, d);
    }
    if (next != NULL)
        refresh_ecs_list_clusters(r, next, j->depth);
    free(next);
    arn_list_free(&arns, &n);
}

void
refresh_ecs_list_clusters(struct refresh *r, const char *token, int depth)
{
    struct job *j = refresh_job_new(r, OD_SVC_ECS, "ListClusters", OD_PART_CLUSTERS, depth + 1,
                            list_clusters_done);

    j->body = ecs_body_list_clusters(token);
    refresh_enqueue(r, j);
}

/* ---- ECS: services, then target groups and metrics --------------------------------- */

static void target_health_done(struct refresh *r, struct job *j,
                               const struct od_aws_response *resp, const struct od_error *err);
static void describe_tgs_done(struct refresh *r, struct job *j,
                              const struct od_aws_response *resp, const struct od_error *err);


static size_t
tg_slot(struct refresh *r, const char *arn, bool *added)
{
    for (size_t i = 0; i < r->ntgs; i++) {
        if (strcmp(r->tgs[i].arn, arn) == 0) {
            *added = false;
            return i;
        }
    }
    GROW(r->tgs, r->ntgs, r->ctgs);
    memset(&r->tgs[r->ntgs], 0, sizeof r->tgs[r->ntgs]);
    r->tgs[r->ntgs].arn = xstrdup(arn);
    *added = true;
    return r->ntgs++;
}

static void
services_phase_done(struct refresh *r, int depth)
{
    bool need_groups = refresh_want(r, OD_PART_TARGETS) || refresh_want(r, OD_PART_METRICS);

    r->svc_phase_done = true;
    refresh_add_minimum(r, "DescribeServices", refresh_batches(r->nservices, DESCRIBE_SERVICES_MAX));
    if (!need_groups || r->ntgs == 0) {
        r->tg_phase_done = true;
        refresh_cw_start_metrics(r, depth);
        return;
    }
    refresh_add_minimum(r, "DescribeTargetGroups", refresh_batches(r->ntgs, DESCRIBE_TGS_MAX));
    for (size_t i = 0; i < r->ntgs; i += DESCRIBE_TGS_MAX) {
        size_t m = r->ntgs - i < DESCRIBE_TGS_MAX ? r->ntgs - i : DESCRIBE_TGS_MAX;
        const char **arns = xcalloc(m, sizeof *arns);
        struct job *d = refresh_job_new(r, OD_SVC_ELBV2, "DescribeTargetGroups", OD_PART_TARGETS,
                                depth + 1, describe_tgs_done);

        for (size_t k = 0; k < m; k++)
            arns[k] = r->tgs[i + k].arn;
        d->params = elbv2_params_describe_target_groups(arns, m, NULL, &d->nparams);
        free(arns);
        r->tg_describes++;
        refresh_enqueue(r, d);
    }
}

static void
check_services_phase(struct refresh *r, int depth)
{
    if (!r->svc_phase_done && r->svc_lists == 0 && r->svc_describes == 0)
        services_phase_done(r, depth);
}

static void
describe_services_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                       const struct od_error *err)
{
    struct od_service *arr = NULL;
    size_t n = 0;
    struct od_error perr = {0};

    r->svc_describes--;
    if (err != NULL) {
        refresh_fail(r, OD_PART_SERVICES, err);
    } else if (ecs_decode_services(resp->body, resp->body_len, &arr, &n, NULL, NULL, &perr) !=
               OD_OK) {
        refresh_fail_parse(r, OD_PART_SERVICES, &perr);
    } else {
        for (size_t i = 0; i < n; i++) {
            struct od_service *s = &arr[i];

            for (size_t k = 0; k < s->nlbs; k++) {
                bool added;
                size_t slot;

                if (s->lbs[k].target_group_arn == NULL)
                    continue;
                slot = tg_slot(r, s->lbs[k].target_group_arn, &added);
                if (added && refresh_want(r, OD_PART_TARGETS)) {
                    struct job *h = refresh_job_new(r, OD_SVC_ELBV2, "DescribeTargetHealth",
                                            OD_PART_TARGETS, j->depth + 1, target_health_done);

                    h->index = slot;
                    h->params = elbv2_params_describe_target_health(r->tgs[slot].arn,
                                                                    &h->nparams);
                    refresh_add_minimum(r, "DescribeTargetHealth", 1);
                    refresh_enqueue(r, h);
                }
            }
            GROW(r->services, r->nservices, r->cservices);
            r->services[r->nservices++] = *s;
        }
        free(arr);
    }
    check_services_phase(r, j->depth);
}

static void
list_services_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                   const struct od_error *err)
{
    char **arns = NULL, *next = NULL;
    size_t n = 0;
    struct od_error perr = {0};

    r->svc_lists--;
    if (err != NULL) {
        refresh_fail(r, OD_PART_SERVICES, err);
    } else if (ecs_decode_arn_list(resp->body, resp->body_len, "serviceArns", &arns, &n, &next,
                                   &perr) != OD_OK) {
        refresh_fail_parse(r, OD_PART_SERVICES, &perr);
    } else {
        refresh_add_minimum(r, "ListServices", 1);
        /* Describe each page as soon as it arrives: pages and describes overlap. */
        for (size_t i = 0; i < n; i += DESCRIBE_SERVICES_MAX) {
            size_t m = n - i < DESCRIBE_SERVICES_MAX ? n - i : DESCRIBE_SERVICES_MAX;
            struct job *d = refresh_job_new(r, OD_SVC_ECS, "DescribeServices", OD_PART_SERVICES,
                                    j->depth + 1, describe_services_done);

            d->body = ecs_body_describe_services(r->cluster, (const char *const *)arns + i, m);
            r->svc_describes++;
            refresh_enqueue(r, d);
        }
        if (next != NULL)
            refresh_ecs_list_services(r, next, j->depth - 1);
        free(next);
        arn_list_free(&arns, &n);
    }
    check_services_phase(r, j->depth);
}

void
refresh_ecs_list_services(struct refresh *r, const char *token, int depth)
{
    struct job *j = refresh_job_new(r, OD_SVC_ECS, "ListServices", OD_PART_SERVICES, depth + 1,
                            list_services_done);

    j->body = ecs_body_list_services(r->cluster, token);
    r->svc_lists++;
    refresh_enqueue(r, j);
}

static void
target_health_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                   const struct od_error *err)
{
    struct tg_slot *s = &r->tgs[j->index];
    struct od_error perr = {0};

    if (err != NULL) {
        refresh_fail(r, OD_PART_TARGETS, err);
        return;
    }
    OD_FREE_ARRAY(s->targets, s->ntargets, target_clear);
    if (elbv2_decode_target_health(resp->body, resp->body_len, &s->targets, &s->ntargets,
                                   &perr) != OD_OK)
        refresh_fail_parse(r, OD_PART_TARGETS, &perr);
}

static void
describe_tgs_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                  const struct od_error *err)
{
    struct od_target_group *arr = NULL;
    size_t n = 0;
    struct od_error perr = {0};

    r->tg_describes--;
    if (err != NULL) {
        refresh_fail(r, OD_PART_TARGETS, err);
    } else if (elbv2_decode_target_groups(resp->body, resp->body_len, &arr, &n, NULL, &perr) !=
               OD_OK) {
        refresh_fail_parse(r, OD_PART_TARGETS, &perr);
    } else {
        for (size_t i = 0; i < n; i++) {
            bool added;
            size_t slot = tg_slot(r, arr[i].arn, &added);

            target_group_clear(&r->tgs[slot].group);
            r->tgs[slot].group = arr[i];
            r->tgs[slot].described = true;
        }
        free(arr);
    }
    if (r->tg_describes == 0 && !r->tg_phase_done) {
        r->tg_phase_done = true;
        refresh_cw_start_metrics(r, j->depth);
    }
}

/* ---- ECS: tasks and container instances --------------------------------------------- */

static void
describe_tasks_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                    const struct od_error *err)
{
    struct od_task *arr = NULL;
    size_t n = 0;
    struct od_error perr = {0};
    enum od_part part = j->stopped ? OD_PART_STOPPED_TASKS : OD_PART_TASKS;

    if (err != NULL) {
        refresh_fail(r, part, err);
        return;
    }
    if (ecs_decode_tasks(resp->body, resp->body_len, &arr, &n, NULL, NULL, &perr) != OD_OK) {
        refresh_fail_parse(r, part, &perr);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (j->stopped) {
            GROW(r->stopped, r->nstopped, r->cstopped);
            r->stopped[r->nstopped++] = arr[i];
        } else {
            GROW(r->tasks, r->ntasks, r->ctasks);
            r->tasks[r->ntasks++] = arr[i];
        }
    }
    free(arr);
}

static void
list_tasks_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                const struct od_error *err)
{
    char **arns = NULL, *next = NULL;
    size_t n = 0;
    struct od_error perr = {0};
    enum od_part part = j->stopped ? OD_PART_STOPPED_TASKS : OD_PART_TASKS;

    if (err != NULL) {
        refresh_fail(r, part, err);
        return;
    }
    if (ecs_decode_arn_list(resp->body, resp->body_len, "taskArns", &arns, &n, &next, &perr) !=
        OD_OK) {
        refresh_fail_parse(r, part, &perr);
        return;
    }
    refresh_add_minimum(r, "ListTasks", 1);
    refresh_add_minimum(r, "DescribeTasks", refresh_batches(n, DESCRIBE_TASKS_MAX));
    for (size_t i = 0; i < n; i += DESCRIBE_TASKS_MAX) {
        size_t m = n - i < DESCRIBE_TASKS_MAX ? n - i : DESCRIBE_TASKS_MAX;
        struct job *d = refresh_job_new(r, OD_SVC_ECS, "DescribeTasks", part, j->depth + 1,
                                describe_tasks_done);

        d->stopped = j->stopped;
        d->body = ecs_body_describe_tasks(r->cluster, (const char *const *)arns + i, m);
        refresh_enqueue(r, d);
    }
    if (next != NULL)
        refresh_ecs_list_tasks(r, next, j->depth - 1, j->stopped);
    free(next);
    arn_list_free(&arns, &n);
}

void
refresh_ecs_list_tasks(struct refresh *r, const char *token, int depth, bool stopped)
{
    struct job *j = refresh_job_new(r, OD_SVC_ECS, "ListTasks",
                            stopped ? OD_PART_STOPPED_TASKS : OD_PART_TASKS, depth + 1,
                            list_tasks_done);

    j->stopped = stopped;
    j->body = ecs_body_list_tasks(r->cluster, stopped ? "STOPPED" : "RUNNING", token);
    refresh_enqueue(r, j);
}


static void
describe_instances_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                        const struct od_error *err)
{
    struct od_container_instance *arr = NULL;
    size_t n = 0;
    struct od_error perr = {0};

    if (err != NULL) {
        refresh_fail(r, OD_PART_INSTANCES, err);
        return;
    }
    if (ecs_decode_container_instances(resp->body, resp->body_len, &arr, &n, &perr) != OD_OK) {
        refresh_fail_parse(r, OD_PART_INSTANCES, &perr);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        GROW(r->instances, r->ninstances, r->cinstances);
        r->instances[r->ninstances++] = arr[i];
    }
    free(arr);
}

static void
list_instances_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                    const struct od_error *err)
{
    char **arns = NULL, *next = NULL;
    size_t n = 0;
    struct od_error perr = {0};

    if (err != NULL) {
        refresh_fail(r, OD_PART_INSTANCES, err);
        return;
    }
    if (ecs_decode_arn_list(resp->body, resp->body_len, "containerInstanceArns", &arns, &n,
                            &next, &perr) != OD_OK) {
        refresh_fail_parse(r, OD_PART_INSTANCES, &perr);
        return;
    }
    refresh_add_minimum(r, "ListContainerInstances", 1);
    refresh_add_minimum(r, "DescribeContainerInstances", refresh_batches(n, DESCRIBE_INSTANCES_MAX));
    for (size_t i = 0; i < n; i += DESCRIBE_INSTANCES_MAX) {
        size_t m = n - i < DESCRIBE_INSTANCES_MAX ? n - i : DESCRIBE_INSTANCES_MAX;
        struct job *d = refresh_job_new(r, OD_SVC_ECS, "DescribeContainerInstances", OD_PART_INSTANCES,
                                j->depth + 1, describe_instances_done);

        d->body = ecs_body_describe_container_instances(r->cluster,
                                                        (const char *const *)arns + i, m);
        refresh_enqueue(r, d);
    }
    if (next != NULL)
        refresh_ecs_list_instances(r, next, j->depth - 1);
    free(next);
    arn_list_free(&arns, &n);
}

void
refresh_ecs_list_instances(struct refresh *r, const char *token, int depth)
{
    struct job *j = refresh_job_new(r, OD_SVC_ECS, "ListContainerInstances", OD_PART_INSTANCES,
                            depth + 1, list_instances_done);

    j->body = ecs_body_list_container_instances(r->cluster, token);
    refresh_enqueue(r, j);
}
