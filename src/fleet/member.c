/* One member of a fleet: its calls (queued under a cap and its budgets), their answers, and
 * the commit of a refresh. The calls are listed in src/fleet/fleet.h. */
#include "fleet/member.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "aws/cloudwatch.h"
#include "aws/ecs.h"
#include "aws/ecs_deployments.h"
#include "aws/elbv2.h"
#include "aws/proto_json.h"
#include "aws/proto_xml.h"
#include "aws/sts.h"
#include "model/world.h"
#include "poller/limits.h"
#include "settings.h"
#include "util/clock.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

static void pump(struct member *m);
static void commit(struct member *m);

/* ---- counting and budgets --------------------------------------------------------------- */

unsigned
member_calls_per_minute(const struct member *m)
{
    return call_window_per_minute(&m->calls);
}

/* The poller's sustained rates (src/poller/poller.c): the buckets are per account and
 * region and every tool in the account shares them, so each member has its own. A custom
 * endpoint (an emulator) is unlimited unless [limits] says otherwise. */
static const struct od_rate_default member_limits[] = {
    {OD_SVC_ECS, 10},
    {OD_SVC_ELBV2, 5},
    {OD_SVC_CLOUDWATCH, 10},
    {OD_SVC_STS, 5},
    {OD_SVC_IAM, 5},
};

void
member_init_budgets(struct member *m, const struct od_settings *settings)
{
    limits_init_budgets(m->budgets, m->throttles_seen, m->aws, settings, member_limits,
                        sizeof member_limits / sizeof member_limits[0]);
}

/* AWS throttled this member's calls of svc since the last look: slow that budget down. */
static void
note_throttles(struct member *m, enum od_svc svc)
{
    if (m->aws->throttles_by_svc[svc] != m->throttles_seen[svc]) {
        m->throttles_seen[svc] = m->aws->throttles_by_svc[svc];
        budget_throttled(&m->budgets[svc]);
    }
}

/* ---- jobs ------------------------------------------------------------------------------- */

static void
enqueue(struct member *m, enum od_svc svc, const char *op, char *body, size_t cluster,
        fjob_done done)
{
    struct fjob *j = xcalloc(1, sizeof *j);

    j->m = m;
    j->svc = svc;
    j->op = op;
    j->body = body;
    j->cluster = cluster;
    j->done = done;
    if (m->qtail != NULL)
        m->qtail->next = j;
    else
        m->qhead = j;
    m->qtail = j;
    m->cur->outstanding++;
}

static void
job_free(struct fjob *j)
{
    if (j->params != NULL)
        kv_array_free(j->params, j->nparams);
    free(j->body);
    free(j);
}

static void
unlink_active(struct member *m, struct fjob *j)
{
    for (struct fjob **pp = &m->active; *pp != NULL; pp = &(*pp)->next)
        if (*pp == j) {
            *pp = j->next;
            break;
        }
    j->next = NULL;
}

/* The first failure of a refresh is the member's error: "DescribeAlarms: AccessDenied...". */
static void
job_fail(struct member *m, const struct fjob *j, const struct od_error *err)
{
    char *line, *text;

    if (m->cur->error != NULL)
        return;
    line = od_error_format(err);
    /* AWS's answer to one call names the call; a credential or network failure is the
     * member's, whatever call met it first. */
    text = err->http_status != 0 && err->err != OD_E_NO_CREDS && err->err != OD_E_EXPIRED_CREDS
               ? xasprintf("%s: %s", j->op, line)
               : xstrdup(line);
    m->cur->error = sanitize_str(text);
    free(text);
    free(line);
}

static void
on_job(const struct od_aws_response *resp, const struct od_error *err, void *ud)
{
    struct fjob *j = ud;
    struct member *m = j->m;

    unlink_active(m, j);
    m->in_flight--;
    note_throttles(m, j->svc);
    if (err != NULL && err->err != OD_OK && !j->optional)
        job_fail(m, j, err);
    j->done(m, j, err != NULL && err->err != OD_OK ? NULL : resp, err);
    job_free(j);
    if (--m->cur->outstanding == 0)
        commit(m);
    else
        pump(m);
}

static void
job_start(struct member *m, struct fjob *j)
{
    struct od_error err = {0};
    enum od_err rc;

    call_window_count(&m->calls);
    m->in_flight++;
    j->next = m->active;
    m->active = j;
    if (j->svc == OD_SVC_STS || j->svc == OD_SVC_IAM || j->svc == OD_SVC_ELBV2)
        rc = aws_call_query(m->aws, j->svc, j->op, j->params, j->nparams, 0, on_job, j, &err);
    else
        rc = aws_call_json(m->aws, j->svc, j->op, j->body, 0, on_job, j, &err);
    if (rc != OD_OK) {
        if (err.err == OD_OK)
            od_error_set(&err, rc, "could not start the call");
        on_job(NULL, &err, j);
    }
    od_error_clear(&err);
}

static void
on_pump_timer(void *ud)
{
    struct member *m = ud;

    m->pump_timer = 0;
    pump(m);
}

/* Start queued calls while this member has room and its API's budget allows. */
static void
pump(struct member *m)
{
    if (m->pumping)
        return;
    m->pumping = true;
    while (m->qhead != NULL && m->in_flight < FLEET_MEMBER_IN_FLIGHT) {
        struct fjob *j = m->qhead;
        uint64_t wait = budget_take(&m->budgets[j->svc], clock_mono_ms());

        if (wait > 0) {
            if (m->pump_timer == 0)
                m->pump_timer = loop_timer_add(m->f->loop, wait, on_pump_timer, m);
            break;
        }
        m->qhead = j->next;
        if (m->qhead == NULL)
            m->qtail = NULL;
        j->next = NULL;
        job_start(m, j);
    }
    m->pumping = false;
}

/* ---- answers ---------------------------------------------------------------------------- */

static void
on_identity(struct member *m, struct fjob *j, const struct od_aws_response *resp,
            const struct od_error *err)
{
    struct od_identity id = {0};
    struct od_error perr = {0};

    (void)err;
    if (resp == NULL)
        return;
    if (sts_decode_identity(resp->body, resp->body_len, &id, &perr) != OD_OK) {
        job_fail(m, j, &perr);
    } else {
        free(m->account);
        m->account = sanitize_str(id.account);
    }
    sts_identity_free(&id);
    od_error_clear(&perr);
}

/* ListAccountAliases: at most one alias per account. Refused (most on-call roles may not
 * read IAM) or absent, the row shows '-'; a passing failure asks again next time. */
static void
on_aliases(struct member *m, struct fjob *j, const struct od_aws_response *resp,
           const struct od_error *err)
{
    struct od_xml *doc = NULL;
    struct od_error perr = {0};
    char *alias;

    (void)j;
    if (resp == NULL) {
        if (err != NULL && (od_error_denied(err) || err->http_status == 400 ||
                            err->http_status == 403))
            m->alias_asked = true;
        return;
    }
    m->alias_asked = true;
    if (xml_parse(resp->body, resp->body_len, &doc, &perr) != OD_OK) {
        od_error_clear(&perr);
        return;
    }
    alias = xml_text_at(xml_root(doc), "ListAccountAliasesResult/AccountAliases/member");
    if (alias != NULL) {
        free(m->alias);
        m->alias = sanitize_str(alias);
        free(alias);
    }
    xml_free(&doc);
}

/* ---- paused deployments and unhealthy targets ------------------------------------------- */

/* A service deploying with a strategy that can pause at a lifecycle hook (BLUE_GREEN,
 * LINEAR, CANARY): ROLLING deployments have no hooks, and CODE_DEPLOY/EXTERNAL services
 * keep task sets instead. */
static bool
may_be_paused(const struct od_service *s)
{
    return s->deployment_strategy != NULL && !str_eq(s->deployment_strategy, "ROLLING") &&
           s->ntask_sets == 0 && service_rolling(s);
}

static void
on_describe_service_deployments(struct member *m, struct fjob *j,
                                const struct od_aws_response *resp, const struct od_error *err)
{
    struct mcluster *c = &m->cur->clusters[j->cluster];
    struct od_service_deployment *deps = NULL;
    size_t n = 0;
    struct od_error perr = {0};
    bool paused = false;

    (void)err;
    if (resp == NULL ||
        ecs_decode_service_deployments(resp->body, resp->body_len, &deps, &n, &perr) != OD_OK) {
        c->paused_unchecked++; /* refused or garbled: this service is not known, no more */
        od_error_clear(&perr);
        return;
    }
    for (size_t i = 0; i < n && !paused; i++)
        paused = service_deployment_in_flight(&deps[i]) &&
                 service_deployment_waiting_hook(&deps[i]) != NULL;
    if (paused)
        c->paused++;
    OD_FREE_ARRAY(deps, n, service_deployment_clear);
}

static void
on_list_service_deployments(struct member *m, struct fjob *j,
                            const struct od_aws_response *resp, const struct od_error *err)
{
    char **arns = NULL, *next = NULL;
    size_t n = 0;
    struct od_error perr = {0};

    (void)err;
    if (resp == NULL || ecs_decode_service_deployment_list(resp->body, resp->body_len, &arns, &n,
                                                           &next, &perr) != OD_OK) {
        m->cur->clusters[j->cluster].paused_unchecked++;
        od_error_clear(&perr);
        return;
    }
    /* One page (maxResults DESCRIBE_SERVICE_DEPLOYMENTS_MAX), described in one call. */
    if (n > 0)
    {
        enqueue(m, OD_SVC_ECS, "DescribeServiceDeployments",
                ecs_body_describe_service_deployments(
                    (const char *const *)arns,
                    n < DESCRIBE_SERVICE_DEPLOYMENTS_MAX ? n : DESCRIBE_SERVICE_DEPLOYMENTS_MAX),
                j->cluster, on_describe_service_deployments);
        m->qtail->optional = true;
    }
    arn_list_free(&arns, &n);
    free(next);
}

static char *
list_in_progress_body(const char *cluster, const char *service)
{
    cJSON *o = json_new_object();
    const char *status[] = {"IN_PROGRESS"};

    json_add_str(o, "cluster", cluster);
    json_add_str(o, "service", service);
    json_add_strs(o, "status", status, 1);
    json_add_num(o, "maxResults", DESCRIBE_SERVICE_DEPLOYMENTS_MAX);
    return json_print_free(o);
}

static void
on_target_health(struct member *m, struct fjob *j, const struct od_aws_response *resp,
                 const struct od_error *err)
{
    struct mcluster *c = &m->cur->clusters[j->cluster];
    struct od_target *targets = NULL;
    struct od_target_counts counts = {0};
    size_t n = 0;
    struct od_error perr = {0};

    (void)err;
    if (resp == NULL ||
        elbv2_decode_target_health(resp->body, resp->body_len, &targets, &n, &perr) != OD_OK) {
        c->tg_unchecked++; /* no ELBv2 permission, a deleted group: that group only */
        od_error_clear(&perr);
        return;
    }
    /* As the rest of ondeck counts them (target_counts_add): initial and draining are on
     * their way in or out, not unhealthy; unhealthy.draining is. */
    for (size_t i = 0; i < n; i++)
        target_counts_add(&counts, targets[i].state);
    c->unhealthy += (long)counts.unhealthy;
    OD_FREE_ARRAY(targets, n, target_clear);
}

/* The service's target groups, each asked once per refresh, at most FLEET_TARGET_GROUPS. */
static void
ask_target_health(struct member *m, size_t cluster, const struct od_service *s)
{
    struct member_refresh *r = m->cur;
    struct mcluster *c = &r->clusters[cluster];

    for (size_t l = 0; l < s->nlbs; l++) {
        const char *arn = s->lbs[l].target_group_arn;
        bool asked = false;
        struct fjob *j;

        if (str_empty(arn))
            continue; /* a classic load balancer: no target group */
        for (size_t k = 0; k < r->ntg && !asked; k++)
            asked = str_eq(r->tg_arns[k], arn);
        if (asked)
            continue;
        if (r->ntg == FLEET_TARGET_GROUPS) {
            c->tg_unchecked++;
            continue;
        }
        r->tg_arns = xreallocarray(r->tg_arns, r->ntg + 1, sizeof *r->tg_arns);
        r->tg_arns[r->ntg++] = xstrdup(arn);
        enqueue(m, OD_SVC_ELBV2, "DescribeTargetHealth", NULL, cluster, on_target_health);
        j = m->qtail;
        j->optional = true;
        j->params = elbv2_params_describe_target_health(arn, &j->nparams);
    }
}

static void
ask_deployments(struct member *m, size_t cluster, const struct od_service *s)
{
    struct member_refresh *r = m->cur;
    struct mcluster *c = &r->clusters[cluster];

    if (r->deployment_services == FLEET_DEPLOYMENT_SERVICES) {
        c->paused_unchecked++;
        return;
    }
    r->deployment_services++;
    enqueue(m, OD_SVC_ECS, "ListServiceDeployments", list_in_progress_body(c->name, s->arn),
            cluster, on_list_service_deployments);
    m->qtail->optional = true;
}

static void
on_list_services(struct member *m, struct fjob *j, const struct od_aws_response *resp,
                 const struct od_error *err);

static void
on_describe_services(struct member *m, struct fjob *j, const struct od_aws_response *resp,
                     const struct od_error *err)
{
    struct mcluster *c = &m->cur->clusters[j->cluster];
    struct od_service *svcs = NULL;
    size_t n = 0;
    struct od_error perr = {0};

    (void)err;
    if (resp == NULL) {
        c->services_known = false;
        return;
    }
    if (ecs_decode_services(resp->body, resp->body_len, &svcs, &n, NULL, NULL, &perr) != OD_OK) {
        job_fail(m, j, &perr);
        c->services_known = false;
        od_error_clear(&perr);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const struct od_service *s = &svcs[i];

        if (!str_eq(s->status, "ACTIVE"))
            continue;
        if (s->running < s->desired)
            c->below++;
        if (service_failed(s))
            c->failed++;
        else if (service_rolling(s))
            c->rolling++;
        if (!service_failed(s) && may_be_paused(s))
            ask_deployments(m, j->cluster, s);
        ask_target_health(m, j->cluster, s);
    }
    OD_FREE_ARRAY(svcs, n, service_clear);
}

static void
on_list_services(struct member *m, struct fjob *j, const struct od_aws_response *resp,
                 const struct od_error *err)
{
    struct mcluster *c = &m->cur->clusters[j->cluster];
    char **arns = NULL, *next = NULL;
    size_t n = 0;
    struct od_error perr = {0};

    (void)err;
    if (resp == NULL)
        return;
    if (ecs_decode_arn_list(resp->body, resp->body_len, "serviceArns", &arns, &n, &next,
                            &perr) != OD_OK) {
        job_fail(m, j, &perr);
        od_error_clear(&perr);
        return;
    }
    /* One page (100 services) per cluster: the bound in doc/performance.md. */
    c->services_known = true;
    c->services = (long)n;
    for (size_t i = 0; i < n; i += DESCRIBE_SERVICES_BATCH) {
        size_t k = n - i < DESCRIBE_SERVICES_BATCH ? n - i : DESCRIBE_SERVICES_BATCH;

        enqueue(m, OD_SVC_ECS, "DescribeServices",
                ecs_body_describe_services(c->name, (const char *const *)arns + i, k), j->cluster,
                on_describe_services);
    }
    arn_list_free(&arns, &n);
    free(next);
}

static bool
wanted(const struct member *m, const char *name)
{
    if (m->nwant == 0)
        return true;
    for (size_t i = 0; i < m->nwant; i++)
        if (str_eq(m->want[i], name))
            return true;
    return false;
}

static void
on_describe_clusters(struct member *m, struct fjob *j, const struct od_aws_response *resp,
                     const struct od_error *err)
{
    struct member_refresh *r = m->cur;
    struct od_cluster *arr = NULL;
    size_t n = 0, with_services = 0;
    struct od_error perr = {0};

    (void)err;
    if (resp == NULL)
        return;
    if (ecs_decode_clusters(resp->body, resp->body_len, &arr, &n, &perr) != OD_OK) {
        job_fail(m, j, &perr);
        od_error_clear(&perr);
        return;
    }
    r->clusters = xcalloc(n + m->nwant + 1, sizeof *r->clusters);
    for (size_t i = 0; i < n; i++) {
        struct mcluster *c;

        if (!wanted(m, arr[i].name))
            continue;
        c = &r->clusters[r->nclusters++];
        c->name = sanitize_str(arr[i].name);
        c->services = arr[i].active_services;
        c->running = arr[i].running_tasks;
        c->pending = arr[i].pending_tasks;
        c->alarms = -1;
    }
    /* A cluster the fleet names but the region does not have is a row that says so. */
    for (size_t w = 0; w < m->nwant; w++) {
        bool found = false;

        for (size_t i = 0; i < r->nclusters && !found; i++)
            found = str_eq(r->clusters[i].name, m->want[w]);
        if (!found) {
            struct mcluster *c = &r->clusters[r->nclusters++];

            c->name = sanitize_str(m->want[w]);
            c->missing = true;
            c->alarms = -1;
        }
    }
    r->clusters_read = true;
    for (size_t i = 0; i < r->nclusters; i++) {
        struct mcluster *c = &r->clusters[i];

        /* activeServicesCount is not trusted to skip a cluster (emulators leave it 0); an
         * empty ListServices page costs one call. */
        if (c->missing || with_services == FLEET_SERVICE_CLUSTERS)
            continue;
        with_services++;
        enqueue(m, OD_SVC_ECS, "ListServices", ecs_body_list_services(c->name, NULL), i,
                on_list_services);
    }
    OD_FREE_ARRAY(arr, n, cluster_clear);
}

static void
describe_clusters(struct member *m, const char *const *names, size_t n)
{
    enqueue(m, OD_SVC_ECS, "DescribeClusters", ecs_body_describe_clusters(names, n), 0,
            on_describe_clusters);
}

static void
on_list_clusters(struct member *m, struct fjob *j, const struct od_aws_response *resp,
                 const struct od_error *err)
{
    char **arns = NULL, *next = NULL;
    size_t n = 0;
    struct od_error perr = {0};

    (void)err;
    if (resp == NULL)
        return;
    if (ecs_decode_arn_list(resp->body, resp->body_len, "clusterArns", &arns, &n, &next,
                            &perr) != OD_OK) {
        job_fail(m, j, &perr);
        od_error_clear(&perr);
        return;
    }
    /* One page of 100 clusters, described in one call. */
    if (n > 0) {
        describe_clusters(m, (const char *const *)arns, n);
    } else {
        m->cur->clusters_read = true;
    }
    arn_list_free(&arns, &n);
    free(next);
}

static char *
describe_alarms_body(const char *token)
{
    cJSON *o = json_new_object();
    const char *types[] = {"MetricAlarm"};

    json_add_strs(o, "AlarmTypes", types, 1);
    json_add_str(o, "StateValue", "ALARM");
    json_add_num(o, "MaxRecords", 100);
    json_add_str(o, "NextToken", token);
    return json_print_free(o);
}

/* The ClusterName an alarm watches: its own dimensions, or a metric-math metric's. */
static const char *
alarm_cluster(const struct od_alarm *a)
{
    for (size_t d = 0; d < a->ndimensions; d++)
        if (str_eq(a->dimensions[d].name, "ClusterName"))
            return a->dimensions[d].value;
    for (size_t k = 0; k < a->nmetrics; k++)
        for (size_t d = 0; d < a->metrics[k].ndimensions; d++)
            if (str_eq(a->metrics[k].dimensions[d].name, "ClusterName"))
                return a->metrics[k].dimensions[d].value;
    return NULL;
}

static void
on_describe_alarms(struct member *m, struct fjob *j, const struct od_aws_response *resp,
                   const struct od_error *err)
{
    struct member_refresh *r = m->cur;
    struct od_alarm *arr = NULL;
    size_t n = 0;
    char *next = NULL;
    struct od_error perr = {0};

    (void)err;
    if (resp == NULL)
        return;
    if (cw_decode_alarms(resp->body, resp->body_len, &arr, &n, &next, &perr) != OD_OK) {
        job_fail(m, j, &perr);
        od_error_clear(&perr);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const char *cluster;

        if (!str_eq(arr[i].state, "ALARM"))
            continue;
        cluster = alarm_cluster(&arr[i]);
        r->alarm_clusters = xreallocarray(r->alarm_clusters, r->nalarms + 1,
                                          sizeof *r->alarm_clusters);
        r->alarm_clusters[r->nalarms++] = cluster != NULL ? xstrdup(cluster) : NULL;
    }
    r->alarm_pages++;
    if (next != NULL && r->alarm_pages < FLEET_ALARM_PAGES)
        enqueue(m, OD_SVC_CLOUDWATCH, "DescribeAlarms", describe_alarms_body(next), 0,
                on_describe_alarms);
    else
        r->alarms_read = true; /* beyond FLEET_ALARM_PAGES pages: the count is a floor */
    free(next);
    OD_FREE_ARRAY(arr, n, alarm_clear);
}

/* ---- refresh and commit ----------------------------------------------------------------- */

static void
mclusters_free(struct mcluster *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(c[i].name);
    free(c);
}

static void
refresh_free(struct member_refresh *r)
{
    if (r == NULL)
        return;
    mclusters_free(r->clusters, r->nclusters);
    for (size_t i = 0; i < r->nalarms; i++)
        free(r->alarm_clusters[i]);
    free(r->alarm_clusters);
    for (size_t i = 0; i < r->ntg; i++)
        free(r->tg_arns[i]);
    free(r->tg_arns);
    free(r->error);
    free(r);
}

/* Attribute the refresh's firing alarms to clusters; what names none is the member's. */
static void
count_alarms(struct member *m, const struct member_refresh *r)
{
    m->other_alarms = 0;
    for (size_t i = 0; i < m->nclusters; i++)
        m->clusters[i].alarms = 0;
    for (size_t a = 0; a < r->nalarms; a++) {
        bool mine = false;

        for (size_t i = 0; i < m->nclusters && !mine; i++)
            if (r->alarm_clusters[a] != NULL && str_eq(r->alarm_clusters[a], m->clusters[i].name)) {
                m->clusters[i].alarms++;
                mine = true;
            }
        /* A member that names its clusters shows only theirs. */
        if (!mine && m->nwant == 0)
            m->other_alarms++;
    }
}

static void
commit(struct member *m)
{
    struct member_refresh *r = m->cur;
    struct od_fleet *f = m->f;

    m->cur = NULL;
    if (r->clusters_read) {
        mclusters_free(m->clusters, m->nclusters);
        m->clusters = r->clusters;
        m->nclusters = r->nclusters;
        r->clusters = NULL;
        r->nclusters = 0;
    }
    if (r->alarms_read) {
        count_alarms(m, r);
    } else if (r->clusters_read) {
        for (size_t i = 0; i < m->nclusters; i++)
            m->clusters[i].alarms = -1;
        m->other_alarms = -1;
    }
    free(m->error);
    m->error = r->error;
    r->error = NULL;
    if (m->error == NULL) {
        m->loaded = true;
        m->updated_at = time(NULL);
    }
    m->done_once = true;
    refresh_free(r);
    f->rows_stale = true;
    if (f->cb != NULL)
        f->cb(f->ud);
}

void
member_refresh(struct member *m)
{
    if (m->aws == NULL || m->cur != NULL)
        return;
    m->cur = xcalloc(1, sizeof *m->cur);
    /* The three roots go out together: one round trip to the first rows. */
    if (m->account == NULL)
        enqueue(m, OD_SVC_STS, "GetCallerIdentity", NULL, 0, on_identity);
    if (!m->alias_asked) {
        enqueue(m, OD_SVC_IAM, "ListAccountAliases", NULL, 0, on_aliases);
        m->qtail->optional = true;
    }
    if (m->nwant > 0)
        describe_clusters(m, (const char *const *)m->want, m->nwant);
    else
        enqueue(m, OD_SVC_ECS, "ListClusters", ecs_body_list_clusters(NULL), 0,
                on_list_clusters);
    enqueue(m, OD_SVC_CLOUDWATCH, "DescribeAlarms", describe_alarms_body(NULL), 0,
            on_describe_alarms);
    pump(m);
}

void
member_free(struct member *m)
{
    if (m->pump_timer != 0)
        loop_timer_cancel(m->f->loop, m->pump_timer);
    /* Calls in flight are dropped without their callbacks: free their jobs here. */
    aws_free(&m->aws);
    while (m->active != NULL) {
        struct fjob *j = m->active;

        m->active = j->next;
        job_free(j);
    }
    while (m->qhead != NULL) {
        struct fjob *j = m->qhead;

        m->qhead = j->next;
        job_free(j);
    }
    refresh_free(m->cur);
    mclusters_free(m->clusters, m->nclusters);
    for (size_t i = 0; i < m->nwant; i++)
        free(m->want[i]);
    free(m->want);
    free(m->profile);
    free(m->region);
    free(m->account);
    free(m->alias);
    free(m->error);
}
