/* The job engine of a refresh: queue, concurrency cap, re-issue of failed reads, call
 * accounting, and committing each part to the world when the refresh ends. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "poller/refresh.h"
#include "aws/proto_json.h"
#include "aws/proto_xml.h"
#include "net/retry.h"
#include "util/clock.h"
#include "util/hash.h"
#include "util/log.h"
#include "util/xalloc.h"

static void start_job(struct refresh *r, struct job *j);

/* ---- statistics --------------------------------------------------------------------- */

static struct od_op_count *
op_count(struct od_refresh_stats *st, const char *op)
{
    for (size_t i = 0; i < st->nops; i++)
        if (strcmp(st->ops[i].op, op) == 0)
            return &st->ops[i];
    if (st->nops == POLL_MAX_OPS)
        return &st->ops[POLL_MAX_OPS - 1];
    st->ops[st->nops].op = op;
    return &st->ops[st->nops++];
}

void
refresh_add_minimum(struct refresh *r, const char *op, uint64_t n)
{
    op_count(&r->stats, op)->minimum += n;
    r->stats.minimum += n;
}

uint64_t
refresh_batches(size_t n, size_t per)
{
    return (n + per - 1) / per;
}


/* ---- jobs --------------------------------------------------------------------------- */

struct job *
refresh_job_new(struct refresh *r, enum od_svc svc, const char *op, enum od_part part, int depth,
        job_fn done)
{
    struct job *j = xcalloc(1, sizeof *j);

    j->r = r;
    j->svc = svc;
    j->op = op;
    j->part = part;
    j->depth = depth;
    j->done = done;
    j->rank = JOB_RANK_NONE;
    return j;
}

void
refresh_job_free(struct job *j)
{
    free(j->body);
    free(j->owner);
    for (size_t i = 0; i < j->narns; i++)
        free(j->arns[i]);
    free(j->arns);
    kv_array_free(j->params, j->nparams);
    free(j->path);
    for (size_t i = 0; i < j->nquery; i++) {
        free((char *)j->query[i].key);
        free((char *)j->query[i].value);
    }
    free(j);
}

void
refresh_fail(struct refresh *r, enum od_part part, const struct od_error *err)
{
    if (!r->failed[part]) {
        r->failed[part] = true;
        od_error_copy(&r->errors[part], err);
    }
}

void
refresh_fail_parse(struct refresh *r, enum od_part part, struct od_error *err)
{
    refresh_fail(r, part, err);
    od_error_clear(err);
}

/* ---- commit ------------------------------------------------------------------------- */

/* A part that failed for want of permission says which, not the raw error. */
static void
mark_failed(struct refresh *r, enum od_part part)
{
    if (r->denied[part] != NULL)
        world_mark_denied(r->p->world, part, r->denied[part]);
    else
        world_mark_stale(r->p->world, part, &r->errors[part]);
}

static void
commit_part(struct refresh *r, enum od_part part, bool requested)
{
    struct od_world *w = r->p->world;

    if (!requested)
        return;
    if (r->failed[part]) {
        r->stats.failed_parts++;
        /* What a first load showed early (refresh_ecs.c) is not old data to keep. */
        if (w->parts[part].loaded && !(part == OD_PART_SERVICES && r->published)) {
            mark_failed(r, part);
            return;
        }
    }
    switch (part) {
    case OD_PART_CLUSTERS:
        world_set_clusters(w, r->clusters, r->nclusters);
        r->clusters = NULL;
        r->nclusters = 0;
        break;
    case OD_PART_SERVICES:
        world_set_services(w, r->services, r->nservices);
        r->services = NULL;
        r->nservices = 0;
        break;
    case OD_PART_TASKS:
        world_set_tasks(w, r->tasks, r->ntasks);
        r->tasks = NULL;
        r->ntasks = 0;
        break;
    case OD_PART_STOPPED_TASKS:
        world_set_stopped(w, r->stopped, r->nstopped);
        r->stopped = NULL;
        r->nstopped = 0;
        break;
    case OD_PART_INSTANCES:
        world_set_instances(w, r->instances, r->ninstances);
        r->instances = NULL;
        r->ninstances = 0;
        break;
    case OD_PART_ALARMS:
        world_set_alarms(w, r->alarms, r->nalarms);
        r->alarms = NULL;
        r->nalarms = 0;
        break;
    case OD_PART_DISTRIBUTIONS:
        world_set_distributions(w, r->dists, r->ndists);
        r->dists = NULL;
        r->ndists = 0;
        break;
    case OD_PART_TASK_DEFS:
        world_merge_task_defs(w, r->tds, r->ntds);
        r->tds = NULL;
        r->ntds = 0;
        break;
    case OD_PART_SERVICE_DEPLOYMENTS:
        world_set_service_deployments(w, r->sdeps, r->nsdeps);
        r->sdeps = NULL;
        r->nsdeps = 0;
        break;
    case OD_PART_METRICS:
        world_set_metrics(w, r->msets, r->nmsets);
        r->msets = NULL;
        r->nmsets = 0;
        break;
    case OD_PART_TARGETS: {
        struct od_target_group *arr = r->ntgs > 0 ? xcalloc(r->ntgs, sizeof *arr) : NULL;

        for (size_t i = 0; i < r->ntgs; i++) {
            struct tg_slot *s = &r->tgs[i];

            arr[i] = s->group;
            memset(&s->group, 0, sizeof s->group);
            if (arr[i].arn == NULL)
                arr[i].arn = xstrdup(s->arn);
            if (arr[i].name == NULL) {
                /* "...:targetgroup/NAME/ID" */
                const char *p = strstr(s->arn, "targetgroup/");
                arr[i].name = p != NULL ? xstrndup(p + 12, strcspn(p + 12, "/")) : xstrdup(s->arn);
            }
            arr[i].missing = s->missing;
            arr[i].targets = s->targets;
            arr[i].ntargets = s->ntargets;
            s->targets = NULL;
            s->ntargets = 0;
        }
        world_set_target_groups(w, arr, r->ntgs);
        break;
    }
    case OD_PART_SCALING:
        refresh_as_commit(r);
        break;
    default:
        break;
    }
    if (r->failed[part])
        mark_failed(r, part);
}

void
refresh_free(struct refresh *r)
{
    struct job *j, *next;

    for (j = r->head; j != NULL; j = next) {
        next = j->next;
        refresh_job_free(j);
    }
    for (int i = 0; i < OD_PART__COUNT; i++) {
        od_error_clear(&r->errors[i]);
        free(r->denied[i]);
    }
    OD_FREE_ARRAY(r->clusters, r->nclusters, cluster_clear);
    OD_FREE_ARRAY(r->services, r->nservices, service_clear);
    OD_FREE_ARRAY(r->early, r->nearly, service_clear);
    OD_FREE_ARRAY(r->tasks, r->ntasks, task_clear);
    OD_FREE_ARRAY(r->stopped, r->nstopped, task_clear);
    OD_FREE_ARRAY(r->instances, r->ninstances, container_instance_clear);
    OD_FREE_ARRAY(r->alarms, r->nalarms, alarm_clear);
    OD_FREE_ARRAY(r->dists, r->ndists, distribution_clear);
    for (size_t i = 0; i < r->ntgs; i++) {
        free(r->tgs[i].arn);
        target_group_clear(&r->tgs[i].group);
        OD_FREE_ARRAY(r->tgs[i].targets, r->tgs[i].ntargets, target_clear);
    }
    free(r->tgs);
    for (size_t i = 0; i < r->nmsets; i++) {
        free(r->msets[i].owner);
        OD_FREE_ARRAY(r->msets[i].series, r->msets[i].nseries, series_clear);
    }
    free(r->msets);
    OD_FREE_ARRAY(r->tds, r->ntds, task_def_clear);
    OD_FREE_ARRAY(r->sdeps, r->nsdeps, service_deployment_clear);
    for (size_t i = 0; i < r->ntd_asked; i++)
        free(r->td_asked[i]);
    free(r->td_asked);
    strmap_free(&r->td_asked_index);
    strmap_free(&r->tg_index);
    for (size_t i = 0; i < r->nsvc_arns; i++)
        free(r->svc_arns[i]);
    free(r->svc_arns);
    refresh_as_free(r);
    for (size_t i = 0; i < r->nmrefs; i++)
        free(r->mrefs[i].owner);
    free(r->mrefs);
    free(r->cluster);
    free(r);
}


static void
finish_refresh(struct refresh *r)
{
    struct od_poller *p = r->p;
    poller_cb cb = r->cb;
    void *ud = r->ud;

    r->finished = true;
    for (int part = 0; part < OD_PART__COUNT; part++)
        commit_part(r, (enum od_part)part, (r->parts & POLL_PART(part)) != 0);
    r->stats.elapsed_ms = clock_mono_ms() - r->started_ms;
    r->stats.attempts = p->aws->attempts_total - r->attempts_at_start;
    /* Each API family's budget halved as it was throttled; one that was not creeps back. */
    limits_note_throttles(p->budgets, p->throttles_seen, p->aws, clock_mono_ms());
    for (int svc = 0; svc < OD_SVC__COUNT; svc++) {
        budget_refresh_done(&p->budgets[svc]);
        r->stats.throttled[svc] = p->aws->throttles_by_svc[svc] - r->throttles_by_svc_at_start[svc];
    }
    if (p->aws->throttles_total > r->throttles_at_start)
        p->backoff_ms = p->backoff_ms == 0 ? SLOW_INTERVAL_MS : p->backoff_ms * 2;
    else
        p->backoff_ms = 0;
    if (p->backoff_ms > MAX_BACKOFF_MS)
        p->backoff_ms = MAX_BACKOFF_MS;
    p->last = r->stats;
    p->current = NULL;
    p->completed++;
    log_debug("refresh done: %llu calls (minimum %llu), depth %d, %llu ms",
              (unsigned long long)r->stats.calls, (unsigned long long)r->stats.minimum,
              r->stats.depth, (unsigned long long)r->stats.elapsed_ms);
    refresh_free(r);
    if (cb != NULL)
        cb(ud);
    if (p->running && p->on_change != NULL)
        p->on_change(p->on_change_ud);
    if (p->again) {
        p->again = false;
        poller_refresh(p, p->again_cb, p->again_ud);
    } else if (p->running) {
        poller_schedule_next(p);
    }
}

static void
active_add(struct refresh *r, struct job *j)
{
    j->aprev = NULL;
    j->anext = r->active;
    if (r->active != NULL)
        r->active->aprev = j;
    r->active = j;
}

static void
active_remove(struct refresh *r, struct job *j)
{
    if (j->aprev != NULL)
        j->aprev->anext = j->anext;
    else
        r->active = j->anext;
    if (j->anext != NULL)
        j->anext->aprev = j->aprev;
    j->aprev = j->anext = NULL;
}

static void
on_reissue(void *ud)
{
    struct job *j = ud;
    struct refresh *r = j->r;

    j->timer_id = 0;
    r->waiting--;
    active_remove(r, j);
    r->stats.reissued++;
    if (j->requeue) {
        /* Through the family's budget (halved by now), ahead of the family's other calls. */
        j->next = r->head;
        r->head = j;
        if (r->tail == NULL)
            r->tail = j;
    } else {
        start_job(r, j);
    }
    refresh_pump(r);
}

/* A throttled read: AWS's bucket is empty for now, and refills. Issue it again while its
 * family is answered in between (the pace is right, only this one was unlucky), up to a
 * total deadline; a family answered nothing POLL_THROTTLE_STALLS times in a row is stuck. */
static bool
worth_reissuing_throttled(struct job *j)
{
    struct refresh *r = j->r;
    uint64_t now = clock_mono_ms();

    if (!j->throttled) {
        j->throttled = true;
        j->first_throttle_ms = now;
        j->family_ok_seen = r->ok_by_svc[j->svc];
    } else if (now - j->first_throttle_ms >= POLL_THROTTLE_DEADLINE_MS) {
        return false;
    }
    if (r->ok_by_svc[j->svc] > j->family_ok_seen)
        j->stalls = 0;
    j->family_ok_seen = r->ok_by_svc[j->svc];
    return ++j->stalls <= POLL_THROTTLE_STALLS;
}

static bool
worth_reissuing(struct job *j, const struct od_error *err)
{
    enum retry_class cls = retry_classify(err, false);

    if (cls == RETRY_THROTTLE)
        return worth_reissuing_throttled(j);
    if (j->reissues >= POLL_REISSUES)
        return false;
    /* Beyond what the client retries: a bare 429, a clock that moved again, a token refused
     * while another call was refreshing it (request.c refreshes at most once a minute), or
     * an answer garbled or too large on the way, may well be fine the next time, and a read
     * is safe to repeat. */
    return cls == RETRY_THROTTLE || cls == RETRY_TRANSIENT || cls == RETRY_TIMEOUT ||
           cls == RETRY_SKEW || retry_is_expired_code(err->code) ||
           err->http_status == 429 || err->err == OD_E_PARSE || err->err == OD_E_TOO_LARGE;
}

/* Whether a successful answer is at least well-formed JSON, or the XML document its operation
 * returns (query: <OpResponse>; REST-XML: the job's xml_root). A body garbled on the way
 * (cut short, random bytes, a middlebox's HTML error page, which is well-formed XML too) is
 * re-issued like a failed call, before any handler has counted it; what has the right shape
 * but does not decode is the handlers' business (the part goes stale). */
static bool
well_formed(const struct job *j, const struct od_aws_response *resp)
{
    enum od_proto proto = svc_info(j->svc)->proto;
    bool ok;

    if (proto == OD_PROTO_JSON || proto == OD_PROTO_RESTJSON) {
        cJSON *doc = json_parse(resp->body, resp->body_len, NULL);

        ok = doc != NULL;
        json_free(&doc);
    } else {
        struct od_xml *doc = NULL;

        ok = xml_parse(resp->body, resp->body_len, &doc, NULL) == OD_OK;
        if (ok) {
            const char *root = xml_name(xml_root(doc));

            if (proto == OD_PROTO_QUERY) {
                size_t n = strlen(j->op);

                ok = root != NULL && strncmp(root, j->op, n) == 0 &&
                     strcmp(root + n, "Response") == 0;
            } else if (j->xml_root != NULL) {
                ok = root != NULL && strcmp(root, j->xml_root) == 0;
            }
        }
        xml_free(&doc);
    }
    return ok;
}

static void
on_job_done(const struct od_aws_response *resp, const struct od_error *err, void *ud)
{
    struct job *j = ud;
    struct refresh *r = j->r;
    bool failed = err != NULL && err->err != OD_OK;
    struct od_error garbled = {0};

    r->in_flight--;
    active_remove(r, j);
    /* A throttled family slows down now, not at the end of the refresh; the others keep on. */
    limits_note_throttles(r->p->budgets, r->p->throttles_seen, r->p->aws, clock_mono_ms());
    if (!failed && j->reissues < POLL_REISSUES && !well_formed(j, resp)) {
        od_error_set(&garbled, OD_E_PARSE, "%s answered with a malformed body", j->op);
        err = &garbled;
        failed = true;
    }
    if (failed && worth_reissuing(j, err)) {
        uint32_t jitter;
        uint64_t delay;

        hash_random(&jitter, sizeof jitter);
        j->requeue = retry_classify(err, false) == RETRY_THROTTLE;
        if (j->requeue)
            delay = (1000u << (j->stalls < 4 ? j->stalls - 1 : 3)) + jitter % 1000u;
        else
            delay = (1000u << j->reissues++) + jitter % 1000u;
        r->waiting++;
        active_add(r, j);
        log_debug("poller: %s failed (%s), issuing it again in %llu ms", j->op,
                  err->code != NULL ? err->code : od_strerror(err->err),
                  (unsigned long long)delay);
        j->timer_id = loop_timer_add(r->p->aws->loop, delay, on_reissue, j);
        od_error_clear(&garbled);
        return;
    }
    od_error_clear(&garbled);
    op_count(&r->stats, j->op)->answered++;
    if (!failed)
        r->ok_by_svc[j->svc]++;
    if (failed && od_error_denied(err) && r->denied[j->part] == NULL)
        r->denied[j->part] = svc_iam_action(j->svc, j->op);
    j->done(r, j, resp, failed && err != &garbled ? err : NULL);
    refresh_job_free(j);
    refresh_pump(r);
}

static void
start_job(struct refresh *r, struct job *j)
{
    struct od_poller *p = r->p;
    struct od_error err = {0};
    struct od_aws_call call = {0};
    enum od_err rc;

    r->stats.calls++;
    op_count(&r->stats, j->op)->calls++;
    poller_count_call(p);
    call.svc = j->svc;
    call.op = j->op;
    call.region = j->region;
    call.timeout_ms = j->timeout_ms;
    if (j->path != NULL) {
        call.method = "GET";
        call.path = j->path;
        call.query = j->query;
        call.nquery = j->nquery;
        rc = aws_call(p->aws, &call, on_job_done, j, &err);
    } else if (j->body != NULL) {
        static const struct od_kv qm[] = {{"x-amzn-query-mode", "true"}};

        call.body = j->body;
        call.body_len = strlen(j->body);
        if (j->svc == OD_SVC_CLOUDWATCH) {
            call.headers = qm;
            call.nheaders = 1;
        }
        rc = aws_call(p->aws, &call, on_job_done, j, &err);
    } else {
        rc = aws_call_query(p->aws, j->svc, j->op, j->params, j->nparams, 0, on_job_done, j,
                            &err);
    }
    r->in_flight++;
    active_add(r, j);
    if (rc != OD_OK) {
        /* Could not even start (no region, bad endpoint): complete it as failed. */
        r->in_flight--;
        active_remove(r, j);
        j->done(r, j, NULL, &err);
        refresh_job_free(j);
        od_error_clear(&err);
    }
}

static void
on_pump_timer(void *ud)
{
    struct refresh *r = ud;

    r->pump_timer = 0;
    refresh_pump(r);
}

void
refresh_pump(struct refresh *r)
{
    struct od_poller *p = r->p;
    struct job *j, *prev = NULL, *next;
    uint64_t now = clock_mono_ms(), soonest = UINT64_MAX;

    if (r->pumping)
        return;
    r->pumping = true;
    /* In queue order, but a job whose API has no budget left lets the others pass. */
    for (j = r->head; j != NULL && r->in_flight < p->max_in_flight; j = next) {
        uint64_t wait = budget_take(&p->budgets[j->svc], now);

        next = j->next;
        if (wait > 0) {
            if (wait < soonest)
                soonest = wait;
            prev = j;
            continue;
        }
        refresh_unlink(r, prev, j);
        start_job(r, j);
    }
    r->pumping = false;
    /* Jobs queued by a job that failed to start, after the scan passed: next turn. */
    if (soonest == UINT64_MAX && r->head != NULL && r->in_flight < p->max_in_flight)
        soonest = 0;
    if (soonest != UINT64_MAX && r->pump_timer == 0)
        r->pump_timer = loop_timer_add(p->aws->loop, soonest, on_pump_timer, r);
    if (r->head == NULL && r->in_flight == 0 && r->waiting == 0 && !r->finished)
        finish_refresh(r);
}

void
refresh_cancel(struct refresh *r)
{
    struct job *j, *next;

    for (j = r->active; j != NULL; j = next) {
        next = j->anext;
        if (j->timer_id != 0)
            loop_timer_cancel(r->p->aws->loop, j->timer_id);
        else
            aws_cancel_ud(r->p->aws, j);
        refresh_job_free(j);
    }
    r->active = NULL;
    if (r->pump_timer != 0)
        loop_timer_cancel(r->p->aws->loop, r->pump_timer);
    refresh_free(r);
}

bool
refresh_want(const struct refresh *r, enum od_part part)
{
    return (r->parts & POLL_PART(part)) != 0;
}
