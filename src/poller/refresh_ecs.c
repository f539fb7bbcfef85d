/* ECS and ELBv2 jobs of a refresh: clusters, services (then their target groups' health and
 * descriptions), tasks and container instances. Every ECS list is read the same way: each
 * page is described in batches as soon as it arrives, while the next page is fetched. */
#include <stdlib.h>
#include <string.h>

#include "poller/refresh.h"
#include "aws/ecs.h"
#include "aws/ecs_deployments.h"
#include "model/task_set.h"
#include "util/str.h"
#include "util/xalloc.h"

/* A List* operation whose pages are described in batches of `batch` ARNs. */
struct listing {
    enum od_part part;
    const char *list_op, *describe_op, *arn_key;
    size_t batch;
    char *(*list_body)(const char *cluster, const char *token);
    char *(*describe_body)(const char *cluster, const char *const *arns, size_t n);
    /* Take one Describe answer into the refresh (refresh_fail_parse on junk). */
    void (*absorb)(struct refresh *r, struct job *j, const struct od_aws_response *resp);
    /* Once the last page is read and every describe has answered; may be NULL. */
    void (*settled)(struct refresh *r, int depth);
};

static void target_health_done(struct refresh *r, struct job *j,
                               const struct od_aws_response *resp, const struct od_error *err);
static void describe_tgs_done(struct refresh *r, struct job *j,
                              const struct od_aws_response *resp, const struct od_error *err);

/* ---- the generic list -> describe pipeline ------------------------------------------- */

static void list_page(struct refresh *r, const struct listing *l, const char *token, int depth);

/* A list page or describe of listing l is done: when none is left, l has settled. */
static void
outstanding_done(struct refresh *r, const struct listing *l, int depth)
{
    if (--r->listing_pending[l->part] == 0 && l->settled != NULL)
        l->settled(r, depth);
}

static void publish_early(struct refresh *r);

static void
describe_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
              const struct od_error *err)
{
    const struct listing *l = j->spec;

    if (err != NULL)
        refresh_fail(r, l->part, err);
    else
        l->absorb(r, j, resp);
    if (l->part == OD_PART_SERVICES && j->rank != JOB_RANK_NONE && --r->focus_describes == 0)
        publish_early(r);
    outstanding_done(r, l, j->depth);
}

static void
list_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
          const struct od_error *err)
{
    const struct listing *l = j->spec;
    char **arns = NULL, *next = NULL;
    size_t n = 0;
    struct od_error perr = {0};

    if (err != NULL) {
        refresh_fail(r, l->part, err);
    } else if (ecs_decode_arn_list(resp->body, resp->body_len, l->arn_key, &arns, &n, &next,
                                   &perr) != OD_OK) {
        refresh_fail_parse(r, l->part, &perr);
    } else if (l->part == OD_PART_SERVICES && r->p->focus_wanted) {
        /* The console's rows are sorted by name, which the ARNs hold: list every page, then
         * describe what is on screen first. */
        refresh_add_minimum(r, l->list_op, 1);
        for (size_t i = 0; i < n; i++) {
            GROW(r->svc_arns, r->nsvc_arns, r->csvc_arns);
            r->svc_arns[r->nsvc_arns++] = arns[i];
        }
        free(arns);
        arns = NULL;
        n = 0;
        r->listed[OD_PART_SERVICES] = r->nsvc_arns; /* progress: "services 60/1500" */
        if (next != NULL) {
            list_page(r, l, next, j->depth);
        } else {
            char **all = r->svc_arns;
            size_t nall = r->nsvc_arns;

            r->svc_arns = NULL;
            r->nsvc_arns = r->csvc_arns = 0;
            refresh_add_minimum(r, l->describe_op, refresh_batches(nall, l->batch));
            refresh_ecs_describe_services(r, all, nall, j->depth);
        }
        free(next);
    } else {
        r->listed[l->part] += n; /* progress: "services 600/1500" */
        refresh_add_minimum(r, l->list_op, 1);
        refresh_add_minimum(r, l->describe_op, refresh_batches(n, l->batch));
        for (size_t i = 0; i < n; i += l->batch) {
            size_t m = n - i < l->batch ? n - i : l->batch;
            struct job *d = refresh_job_new(r, OD_SVC_ECS, l->describe_op, l->part, j->depth + 1,
                                            describe_done);

            d->spec = l;
            d->body = l->describe_body(r->cluster, (const char *const *)arns + i, m);
            r->listing_pending[l->part]++;
            refresh_enqueue(r, d);
        }
        if (next != NULL)
            list_page(r, l, next, j->depth);
        free(next);
        arn_list_free(&arns, &n);
    }
    outstanding_done(r, l, j->depth);
}

static void
list_page(struct refresh *r, const struct listing *l, const char *token, int depth)
{
    struct job *j = refresh_job_new(r, OD_SVC_ECS, l->list_op, l->part, depth + 1, list_done);

    j->spec = l;
    j->body = l->list_body(r->cluster, token);
    r->listing_pending[l->part]++;
    refresh_enqueue(r, j);
}

/* Append a decoded array to a growable one (both of elements of size sz); frees src. */
#define ABSORB(dst, ndst, cdst, src, nsrc)                                                         \
    do {                                                                                           \
        for (size_t i_ = 0; i_ < (nsrc); i_++) {                                                   \
            GROW(dst, ndst, cdst);                                                                 \
            (dst)[(ndst)++] = (src)[i_];                                                           \
        }                                                                                          \
        free(src);                                                                                 \
    } while (0)

/* ---- clusters -------------------------------------------------------------------------- */

static char *
clusters_list_body(const char *cluster, const char *token)
{
    return ecs_body_list_clusters(token);
}

static char *
clusters_describe_body(const char *cluster, const char *const *arns, size_t n)
{
    return ecs_body_describe_clusters(arns, n);
}

static void
clusters_absorb(struct refresh *r, struct job *j, const struct od_aws_response *resp)
{
    struct od_cluster *arr = NULL;
    size_t n = 0;
    struct od_error perr = {0};

    if (ecs_decode_clusters(resp->body, resp->body_len, &arr, &n, &perr) != OD_OK)
        refresh_fail_parse(r, OD_PART_CLUSTERS, &perr);
    else
        ABSORB(r->clusters, r->nclusters, r->cclusters, arr, n);
}

static const struct listing clusters_listing = {
    .part = OD_PART_CLUSTERS,
    .list_op = "ListClusters",
    .describe_op = "DescribeClusters",
    .arn_key = "clusterArns",
    .batch = DESCRIBE_CLUSTERS_MAX,
    .list_body = clusters_list_body,
    .describe_body = clusters_describe_body,
    .absorb = clusters_absorb,
};

void
refresh_ecs_list_clusters(struct refresh *r, int depth)
{
    list_page(r, &clusters_listing, NULL, depth);
}

/* ---- services, then their target groups ----------------------------------------------- */

static size_t
tg_slot(struct refresh *r, const char *arn, bool *added)
{
    size_t at;

    if (strmap_get(&r->tg_index, arn, &at)) {
        *added = false;
        return at;
    }
    GROW(r->tgs, r->ntgs, r->ctgs);
    memset(&r->tgs[r->ntgs], 0, sizeof r->tgs[r->ntgs]);
    r->tgs[r->ntgs].arn = xstrdup(arn);
    strmap_put(&r->tg_index, r->tgs[r->ntgs].arn, r->ntgs); /* the key is the slot's copy */
    *added = true;
    return r->ntgs++;
}

/* DescribeTargetGroups for the m slots from first. */
static void
describe_tgs(struct refresh *r, size_t first, size_t m, int depth)
{
    const char **arns = xcalloc(m, sizeof *arns);
    struct job *d = refresh_job_new(r, OD_SVC_ELBV2, "DescribeTargetGroups", OD_PART_TARGETS,
                                    depth + 1, describe_tgs_done);

    for (size_t k = 0; k < m; k++)
        arns[k] = r->tgs[first + k].arn;
    d->params = elbv2_params_describe_target_groups(arns, m, NULL, &d->nparams);
    d->index = first;
    d->count = m;
    free(arns);
    r->tg_describes++;
    refresh_enqueue(r, d);
}

/* ELBv2 fails a whole call with TargetGroupNotFound when one ARN of it is gone (a service
 * can still name a target group deleted after its listener): that group is missing, the
 * others are not. */
static bool
tg_not_found(const struct od_error *err)
{
    return err != NULL && err->err == OD_E_AWS && str_eq(err->code, "TargetGroupNotFound");
}

static void
services_settled(struct refresh *r, int depth)
{
    bool need_groups = refresh_want(r, OD_PART_TARGETS) || refresh_want(r, OD_PART_METRICS);

    refresh_as_start(r, depth);

    if (!need_groups || r->ntgs == 0) {
        r->tg_phase_done = true;
        refresh_cw_start_metrics(r, depth);
        return;
    }
    refresh_add_minimum(r, "DescribeTargetGroups", refresh_batches(r->ntgs, DESCRIBE_TGS_MAX));
    for (size_t i = 0; i < r->ntgs; i += DESCRIBE_TGS_MAX)
        describe_tgs(r, i, r->ntgs - i < DESCRIBE_TGS_MAX ? r->ntgs - i : DESCRIBE_TGS_MAX,
                     depth);
}

static void
task_def_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
              const struct od_error *err)
{
    struct od_task_def td;
    struct od_error perr = {0};

    if (err != NULL) {
        refresh_fail(r, OD_PART_TASK_DEFS, err);
        return;
    }
    if (ecs_decode_task_definition(resp->body, resp->body_len, &td, &perr) != OD_OK) {
        refresh_fail_parse(r, OD_PART_TASK_DEFS, &perr);
        return;
    }
    GROW(r->tds, r->ntds, r->ctds);
    r->tds[r->ntds++] = td;
}

/* Task definitions never change: describe each revision once, ever. */
static void
fetch_task_def(struct refresh *r, const char *arn, const char *owner, int depth)
{
    struct job *j;

    if (arn == NULL || world_task_def(r->p->world, arn) != NULL)
        return;
    if (strmap_get(&r->td_asked_index, arn, &(size_t){0}))
        return;
    GROW(r->td_asked, r->ntd_asked, r->ctd_asked);
    r->td_asked[r->ntd_asked] = xstrdup(arn);
    strmap_put(&r->td_asked_index, r->td_asked[r->ntd_asked], r->ntd_asked);
    r->ntd_asked++;
    j = refresh_job_new(r, OD_SVC_ECS, "DescribeTaskDefinition", OD_PART_TASK_DEFS, depth + 1,
                        task_def_done);
    j->body = ecs_body_describe_task_definition(arn);
    if (owner != NULL) {
        j->owner = xstrdup(owner);
        refresh_rank_job(r, j);
    }
    refresh_add_minimum(r, "DescribeTaskDefinition", 1);
    refresh_enqueue(r, j);
}

static void
service_deployment_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                        const struct od_error *err)
{
    struct od_service_deployment *arr = NULL;
    size_t n = 0;
    struct od_error perr = {0};

    (void)j;
    if (err != NULL) {
        refresh_fail(r, OD_PART_SERVICE_DEPLOYMENTS, err);
        return;
    }
    if (ecs_decode_service_deployments(resp->body, resp->body_len, &arr, &n, &perr) != OD_OK) {
        refresh_fail_parse(r, OD_PART_SERVICE_DEPLOYMENTS, &perr);
        return;
    }
    ABSORB(r->sdeps, r->nsdeps, r->csdeps, arr, n);
}

/* The newest deployment listed: describe it (ListServiceDeployments lists newest first). */
static void
service_deployment_list_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                             const struct od_error *err)
{
    char **arns = NULL;
    size_t n = 0;
    struct od_error perr = {0};
    struct job *d;

    if (err != NULL) {
        refresh_fail(r, OD_PART_SERVICE_DEPLOYMENTS, err);
        return;
    }
    if (ecs_decode_service_deployment_list(resp->body, resp->body_len, &arns, &n, NULL,
                                           &perr) != OD_OK) {
        refresh_fail_parse(r, OD_PART_SERVICE_DEPLOYMENTS, &perr);
        return;
    }
    if (n > 0) {
        d = refresh_job_new(r, OD_SVC_ECS, "DescribeServiceDeployments",
                            OD_PART_SERVICE_DEPLOYMENTS, j->depth + 1, service_deployment_done);
        d->body = ecs_body_describe_service_deployments((const char *const *)arns, 1);
        if (j->owner != NULL) {
            d->owner = xstrdup(j->owner);
            refresh_rank_job(r, d);
        }
        refresh_add_minimum(r, "DescribeServiceDeployments", 1);
        refresh_enqueue(r, d);
    }
    arn_list_free(&arns, &n);
}

/* Service deployments only for the services asked for by name (those on screen, or status
 * --service; every one for plain status), and, but for status --service, only for
 * BLUE_GREEN, LINEAR and CANARY services: two calls per service per refresh. */
static void
fetch_service_deployment(struct refresh *r, const struct od_service *s, int depth)
{
    struct job *j;

    if (!refresh_want(r, OD_PART_SERVICE_DEPLOYMENTS) || task_set_controlled(s))
        return;
    if (!r->p->all_service_deployments &&
        (!poller_metrics_scoped(r->p) || !poller_metric_service(r->p, s->name)))
        return;
    if (!r->p->rolling_deployments &&
        (s->deployment_strategy == NULL || str_eq(s->deployment_strategy, "ROLLING")))
        return;
    j = refresh_job_new(r, OD_SVC_ECS, "ListServiceDeployments", OD_PART_SERVICE_DEPLOYMENTS,
                        depth + 1, service_deployment_list_done);
    j->body = ecs_body_list_service_deployments(r->cluster, s->name, 1);
    j->owner = xstrdup(s->name);
    refresh_rank_job(r, j);
    refresh_add_minimum(r, "ListServiceDeployments", 1);
    refresh_enqueue(r, j);
}

static void
services_absorb(struct refresh *r, struct job *j, const struct od_aws_response *resp)
{
    struct od_service *arr = NULL;
    size_t n = 0;
    struct od_error perr = {0};

    if (ecs_decode_services(resp->body, resp->body_len, &arr, &n, NULL, NULL, &perr) != OD_OK) {
        refresh_fail_parse(r, OD_PART_SERVICES, &perr);
        return;
    }
    /* Each target group is asked for its health as soon as a service names it. */
    for (size_t i = 0; i < n; i++) {
        fetch_service_deployment(r, &arr[i], j->depth);
        if (refresh_want(r, OD_PART_TASK_DEFS)) {
            fetch_task_def(r, arr[i].task_definition, arr[i].name, j->depth);
            for (size_t k = 0; k < arr[i].ndeployments; k++)
                fetch_task_def(r, arr[i].deployments[k].task_definition, arr[i].name,
                               j->depth);
        }
        for (size_t k = 0; k < arr[i].nlbs; k++) {
            const char *tg = arr[i].lbs[k].target_group_arn;
            bool added;
            size_t slot;
            struct job *h;

            if (tg == NULL)
                continue;
            slot = tg_slot(r, tg, &added);
            if (!added || !refresh_want(r, OD_PART_TARGETS))
                continue;
            h = refresh_job_new(r, OD_SVC_ELBV2, "DescribeTargetHealth", OD_PART_TARGETS,
                                j->depth + 1, target_health_done);
            h->index = slot;
            h->params = elbv2_params_describe_target_health(r->tgs[slot].arn, &h->nparams);
            h->owner = xstrdup(arr[i].name);
            refresh_rank_job(r, h);
            refresh_add_minimum(r, "DescribeTargetHealth", 1);
            refresh_enqueue(r, h);
        }
    }
    ABSORB(r->services, r->nservices, r->cservices, arr, n);
    /* A first load shows the focused rows early: the world gets a copy of its own. */
    if (j->rank != JOB_RANK_NONE && !r->published && !r->p->world->parts[OD_PART_SERVICES].loaded &&
        ecs_decode_services(resp->body, resp->body_len, &arr, &n, NULL, NULL, &perr) == OD_OK)
        ABSORB(r->early, r->nearly, r->cearly, arr, n);
    od_error_clear(&perr);
}

static const struct listing services_listing = {
    .part = OD_PART_SERVICES,
    .list_op = "ListServices",
    .describe_op = "DescribeServices",
    .arn_key = "serviceArns",
    .batch = DESCRIBE_SERVICES_MAX,
    .list_body = ecs_body_list_services,
    .describe_body = ecs_body_describe_services,
    .absorb = services_absorb,
    .settled = services_settled,
};

void
refresh_ecs_list_services(struct refresh *r, int depth)
{
    list_page(r, &services_listing, NULL, depth);
}

/* ---- the focus: describe what is on screen first ------------------------------------- */

static int
cmp_name(const void *a, const void *b)
{
    return strcmp(refresh_arn_name(*(char *const *)a), refresh_arn_name(*(char *const *)b));
}

/* Nothing on screen yet: the console will show the first rows by name. */
static void
focus_head(struct od_poller *p, char **arns, size_t n)
{
    char **sorted;
    const char **names;
    size_t m = n < p->focus_head ? n : p->focus_head;

    if (p->focus.n > 0 || m == 0)
        return;
    sorted = xcalloc(n, sizeof *sorted);
    memcpy(sorted, arns, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_name);
    names = xcalloc(m, sizeof *names);
    for (size_t i = 0; i < m; i++)
        names[i] = refresh_arn_name(sorted[i]);
    poller_set_focus(p, names, m);
    free(names);
    free(sorted);
}

struct ranked_arn {
    char *arn;
    size_t rank, order;
};

static int
cmp_ranked(const void *a, const void *b)
{
    const struct ranked_arn *x = a, *y = b;

    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

void
refresh_ecs_describe_services(struct refresh *r, char **arns, size_t n, int depth)
{
    const struct listing *l = &services_listing;
    struct ranked_arn *ra;
    size_t i = 0;

    if (n == 0) {
        free(arns);
        return;
    }
    focus_head(r->p, arns, n);
    ra = xcalloc(n, sizeof *ra);
    for (size_t k = 0; k < n; k++) {
        ra[k].arn = arns[k];
        ra[k].rank = refresh_focus_rank(r->p, refresh_arn_name(arns[k]));
        ra[k].order = k;
    }
    free(arns);
    qsort(ra, n, sizeof *ra, cmp_ranked);
    while (i < n) {
        /* A batch is all focused or all not, so that the background waits behind the screen. */
        bool ranked = ra[i].rank != JOB_RANK_NONE;
        size_t m = 0;
        struct job *d = refresh_job_new(r, OD_SVC_ECS, l->describe_op, l->part, depth + 1,
                                        describe_done);

        d->spec = l;
        d->arns = xcalloc(l->batch, sizeof *d->arns);
        while (i < n && m < l->batch && (ra[i].rank != JOB_RANK_NONE) == ranked)
            d->arns[m++] = ra[i++].arn;
        d->narns = m;
        d->body = l->describe_body(r->cluster, (const char *const *)d->arns, m);
        refresh_rank_job(r, d);
        if (d->rank != JOB_RANK_NONE)
            r->focus_describes++;
        r->listing_pending[l->part]++;
        refresh_enqueue(r, d);
    }
    free(ra);
}

int
refresh_ecs_take_describes(struct refresh *r, char ***arns, size_t *n, size_t *cap)
{
    struct job *j, *prev = NULL, *next;
    int depth = -1;

    for (j = r->head; j != NULL; j = next) {
        next = j->next;
        if (j->spec != &services_listing || j->narns == 0) {
            prev = j;
            continue;
        }
        refresh_unlink(r, prev, j);
        if (depth < 0)
            depth = j->depth - 1;
        for (size_t i = 0; i < j->narns; i++) {
            GROW(*arns, *n, *cap);
            (*arns)[(*n)++] = j->arns[i];
        }
        j->narns = 0;
        if (j->rank != JOB_RANK_NONE)
            r->focus_describes--;
        r->listing_pending[OD_PART_SERVICES]--;
        refresh_job_free(j);
    }
    return depth;
}

/* A first load: show the focused services as soon as they are described (a second decoding
 * of their answers, services_absorb). The part is still committed whole at the end of the
 * refresh, and a part that fails later is committed and marked stale as before (refresh.c). */
static void
publish_early(struct refresh *r)
{
    struct od_world *w = r->p->world;

    /* When every service listed is in focus there is no background to wait for: the part
     * is complete at once, and is committed with the rest, as without a focus. */
    if (r->published || r->failed[OD_PART_SERVICES] || w->parts[OD_PART_SERVICES].loaded ||
        r->nearly == 0 || r->nearly >= r->listed[OD_PART_SERVICES] || !refresh_want(r, OD_PART_SERVICES))
        return;
    world_set_services(w, r->early, r->nearly);
    r->early = NULL;
    r->nearly = r->cearly = 0;
    r->published = true;
    if (r->p->running && r->p->on_change != NULL)
        r->p->on_change(r->p->on_change_ud);
}

static void
target_health_done(struct refresh *r, struct job *j, const struct od_aws_response *resp,
                   const struct od_error *err)
{
    struct tg_slot *s = &r->tgs[j->index];
    struct od_error perr = {0};

    if (tg_not_found(err)) {
        s->missing = true;
        return;
    }
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
    if (tg_not_found(err) && j->count > 1) {
        /* Halve the batch until the gone group is alone: one missing group among 20 costs
         * about 2 * log2(20) = 9 more calls, and only while a service names it. */
        size_t half = j->count / 2;

        describe_tgs(r, j->index, half, j->depth);
        describe_tgs(r, j->index + half, j->count - half, j->depth);
    } else if (tg_not_found(err) && j->count == 1) {
        r->tgs[j->index].missing = true;
    } else if (err != NULL) {
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

/* ---- tasks and container instances ----------------------------------------------------- */

static char *
running_list_body(const char *cluster, const char *token)
{
    return ecs_body_list_tasks(cluster, "RUNNING", token);
}

static char *
stopped_list_body(const char *cluster, const char *token)
{
    return ecs_body_list_tasks(cluster, "STOPPED", token);
}

static void
tasks_absorb(struct refresh *r, struct job *j, const struct od_aws_response *resp)
{
    struct od_task *arr = NULL;
    size_t n = 0;
    struct od_error perr = {0};
    bool stopped = j->part == OD_PART_STOPPED_TASKS;

    if (ecs_decode_tasks(resp->body, resp->body_len, &arr, &n, NULL, NULL, &perr) != OD_OK)
        refresh_fail_parse(r, j->part, &perr);
    else if (stopped)
        ABSORB(r->stopped, r->nstopped, r->cstopped, arr, n);
    else
        ABSORB(r->tasks, r->ntasks, r->ctasks, arr, n);
}

static const struct listing tasks_listing = {
    .part = OD_PART_TASKS,
    .list_op = "ListTasks",
    .describe_op = "DescribeTasks",
    .arn_key = "taskArns",
    .batch = DESCRIBE_TASKS_MAX,
    .list_body = running_list_body,
    .describe_body = ecs_body_describe_tasks,
    .absorb = tasks_absorb,
};

static const struct listing stopped_listing = {
    .part = OD_PART_STOPPED_TASKS,
    .list_op = "ListTasks",
    .describe_op = "DescribeTasks",
    .arn_key = "taskArns",
    .batch = DESCRIBE_TASKS_MAX,
    .list_body = stopped_list_body,
    .describe_body = ecs_body_describe_tasks,
    .absorb = tasks_absorb,
};

void
refresh_ecs_list_tasks(struct refresh *r, int depth, bool stopped)
{
    list_page(r, stopped ? &stopped_listing : &tasks_listing, NULL, depth);
}

static void
instances_absorb(struct refresh *r, struct job *j, const struct od_aws_response *resp)
{
    struct od_container_instance *arr = NULL;
    size_t n = 0;
    struct od_error perr = {0};

    if (ecs_decode_container_instances(resp->body, resp->body_len, &arr, &n, &perr) != OD_OK)
        refresh_fail_parse(r, OD_PART_INSTANCES, &perr);
    else
        ABSORB(r->instances, r->ninstances, r->cinstances, arr, n);
}

static const struct listing instances_listing = {
    .part = OD_PART_INSTANCES,
    .list_op = "ListContainerInstances",
    .describe_op = "DescribeContainerInstances",
    .arn_key = "containerInstanceArns",
    .batch = DESCRIBE_INSTANCES_MAX,
    .list_body = ecs_body_list_container_instances,
    .describe_body = ecs_body_describe_container_instances,
    .absorb = instances_absorb,
};

void
refresh_ecs_list_instances(struct refresh *r, int depth)
{
    list_page(r, &instances_listing, NULL, depth);
}
