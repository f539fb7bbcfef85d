/* The log follower (see follow.h for the algorithm). */
#include "logs/follow.h"

#include "logs/follow_int.h"

#include <stdlib.h>
#include <string.h>

#include "aws/logs.h"
#include "net/retry.h"
#include "util/clock.h"
#include "util/hash.h"
#include "util/log.h"
#include "util/str.h"
#include "util/xalloc.h"

#define DEFAULT_POLL_MS 2000
#define DEFAULT_OVERLAP_MS 30000
#define DEFAULT_DEDUP_MAX 500000
#define DEFAULT_MAX_PENDING 200000
#define BACKOFF_FIRST_MS 1000
#define BACKOFF_MAX_MS 30000
#define ONE_SHOT_MAX_ERRORS 10
#define DEFAULT_RECHECK_MAX_MS 30000 /* a stream that does not exist yet: look this often */
#define FAILED_RETRY_MS 30000  /* follow mode: a failed query is tried again after this */
#define FAILED_RETRY_MAX_MS 300000

/* ---- the process-wide call budget (a token bucket that may go into debt) ---------------- */

static struct {
    double rate, max_rate, burst, tokens;
    uint64_t last_ms;
    bool init;
} budget = {5.0, 5.0, 5.0, 5.0, 0, false};

void
follow_set_rate(double per_second, double burst)
{
    budget.rate = budget.max_rate = per_second > 0.1 ? per_second : 0.1;
    budget.burst = burst >= 1.0 ? burst : 1.0;
    budget.tokens = budget.burst;
    budget.init = false;
}

/* Reserve one call; returns how long to wait before making it. */
uint64_t
follow_budget_reserve(void)
{
    uint64_t now = clock_mono_ms();

    if (!budget.init) {
        budget.init = true;
        budget.last_ms = now;
    }
    budget.tokens += (double)(now - budget.last_ms) * budget.rate / 1000.0;
    if (budget.tokens > budget.burst)
        budget.tokens = budget.burst;
    budget.last_ms = now;
    budget.tokens -= 1.0;
    if (budget.tokens >= 0.0)
        return 0;
    return (uint64_t)(-budget.tokens * 1000.0 / budget.rate) + 1;
}

static void
budget_feedback(bool throttled)
{
    if (throttled)
        budget.rate = budget.rate / 2.0 > 0.5 ? budget.rate / 2.0 : 0.5;
    else if (budget.rate < budget.max_rate)
        budget.rate = budget.rate + 0.1 < budget.max_rate ? budget.rate + 0.1 : budget.max_rate;
}

/* ---- queries and the follower -------------------------------------------------------- */

static void start_pass(struct od_follow *f);

static int64_t
aws_now_ms(void)
{
    return clock_wall_ms() + clock_skew_ms();
}

static void
report(struct od_follow *f, enum follow_state state, const struct query *q,
       const struct od_error *err, uint64_t retry_in)
{
    struct follow_status st = {0};

    if (f->cbs.status == NULL || f->dead)
        return;
    st.state = state;
    st.group = q != NULL ? q->group : NULL;
    st.err = err;
    st.retry_in_ms = retry_in;
    if (state == FOLLOW_DONE)
        for (size_t i = 0; i < f->nqs; i++)
            st.any_failed |= f->qs[i]->failed;
    f->cbs.status(&st, f->ud);
}

static void
query_free(struct query *q)
{
    for (size_t i = 0; i < q->nsrc; i++)
        log_source_clear(&q->src[i]);
    free(q->src);
    free(q->group);
    free(q->region);
    free(q->label);
    free(q->next_token);
    od_error_clear(&q->probe_err);
    seen_free(&q->seen);
    free(q);
}

static void
pend_clear(struct pend *p)
{
    log_record_clear(&p->rec);
    free(p->task_id);
    free(p->container);
    free(p->label);
}

static void
follow_destroy(struct od_follow *f)
{
    for (size_t i = 0; i < f->nqs; i++)
        query_free(f->qs[i]);
    free(f->qs);
    for (size_t i = 0; i < f->npending; i++)
        pend_clear(&f->pending[i]);
    free(f->pending);
    for (size_t i = 0; i < f->nwaiting; i++)
        log_source_clear(&f->waiting[i].src);
    free(f->waiting);
    free(f->filter);
    free(f);
}

struct od_follow *
follow_new(struct od_aws *aws, const struct follow_opts *opts, const struct follow_cbs *cbs,
           void *ud)
{
    struct od_follow *f = xcalloc(1, sizeof *f);

    f->aws = aws;
    f->o = *opts;
    f->filter = !str_empty(opts->filter) ? xstrdup(opts->filter) : NULL;
    f->o.filter = f->filter;
    if (f->o.poll_ms == 0)
        f->o.poll_ms = DEFAULT_POLL_MS;
    if (f->o.overlap_ms == 0)
        f->o.overlap_ms = DEFAULT_OVERLAP_MS;
    if (f->o.page_limit <= 0 || f->o.page_limit > LOGS_MAX_LIMIT)
        f->o.page_limit = LOGS_MAX_LIMIT;
    if (f->o.dedup_max == 0)
        f->o.dedup_max = DEFAULT_DEDUP_MAX;
    if (f->o.max_pending == 0)
        f->o.max_pending = DEFAULT_MAX_PENDING;
    if (f->o.recheck_max_ms == 0)
        f->o.recheck_max_ms = DEFAULT_RECHECK_MAX_MS;
    f->cbs = *cbs;
    f->ud = ud;
    f->end_ms = -1;
    f->last_delivered_ts = NO_TIME;
    return f;
}

void
follow_free(struct od_follow **fp)
{
    struct od_follow *f = *fp;

    if (f == NULL)
        return;
    *fp = NULL;
    f->dead = true;
    loop_timer_cancel(f->aws->loop, f->pass_timer);
    for (size_t i = 0; i < f->nqs; i++) {
        struct query *q = f->qs[i];

        loop_timer_cancel(f->aws->loop, q->timer);
        if (q->in_flight && q->call != NULL) {
            /* Dropped without a callback: release its hold here. */
            aws_cancel_ud(f->aws, q->call);
            free(q->call);
            q->call = NULL;
            q->in_flight = false;
            f->holds--;
        }
    }
    follow_probes_cancel(f);
    /* Inside a callback the caller still holds f: the last unhold frees it. */
    if (f->holds == 0)
        follow_destroy(f);
}

void
follow_hold(struct od_follow *f)
{
    f->holds++;
}

/* Drop a hold; false when f is gone (freed during a callback): the caller returns at once. */
bool
follow_unhold(struct od_follow *f)
{
    f->holds--;
    if (f->dead) {
        if (f->holds == 0)
            follow_destroy(f);
        return false;
    }
    return true;
}

static int
cmp_src(const void *a, const void *b)
{
    return strcmp(((const struct od_log_source *)a)->stream,
                  ((const struct od_log_source *)b)->stream);
}

static bool
query_has_stream(const struct query *q, const char *stream)
{
    struct od_log_source key = {.stream = (char *)stream};

    return stream != NULL && q->nsrc > 0 &&
           bsearch(&key, q->src, q->nsrc, sizeof key, cmp_src) != NULL;
}

static const struct od_log_source *
query_source(const struct query *q, const char *stream)
{
    struct od_log_source key = {.stream = (char *)stream};

    if (stream == NULL || q->nsrc == 0)
        return NULL;
    return bsearch(&key, q->src, q->nsrc, sizeof key, cmp_src);
}

static struct query *
new_query(struct od_follow *f, const char *group, const char *region, bool whole)
{
    struct query *q = xcalloc(1, sizeof *q);

    q->f = f;
    q->group = xstrdup(group);
    q->region = region != NULL ? xstrdup(region) : NULL;
    q->whole_group = whole;
    q->start_ms = f->o.start_ms;
    q->max_ts = NO_TIME;
    q->begun_at = NO_TIME;
    q->floor_ms = NO_TIME;
    q->frontier = NO_TIME;
    q->pass_done = true; /* joins the next pass */
    seen_init(&q->seen, 0);
    f->qs = xreallocarray(f->qs, f->nqs + 1, sizeof *f->qs);
    f->qs[f->nqs++] = q;
    return q;
}

static bool
same_place(const struct query *q, const struct od_log_source *s)
{
    return str_eq(q->group, s->group) && str_eq(q->region, s->region);
}

bool
follow_same_place_src(const struct od_log_source *a, const struct od_log_source *b)
{
    return str_eq(a->group, b->group) && str_eq(a->region, b->region);
}

bool
follow_is_waiting(const struct od_follow *f, const struct od_log_source *s)
{
    for (size_t i = 0; i < f->nwaiting; i++)
        if (follow_same_place_src(&f->waiting[i].src, s) && str_eq(f->waiting[i].src.stream, s->stream))
            return true;
    return false;
}

/* A query all of whose streams went to the waiting list: used again as a new one. */
static bool
query_reusable(const struct query *q)
{
    return !q->whole_group && q->nsrc == 0 && !q->in_flight && q->probes == 0 && !q->failed;
}

static void
query_reset(struct query *q)
{
    q->start_ms = q->f->o.start_ms;
    q->max_ts = q->begun_at = q->floor_ms = q->frontier = NO_TIME;
    q->pass_done = true;
    q->token_restarted = false;
    free(q->next_token);
    q->next_token = NULL;
    seen_free(&q->seen);
    seen_init(&q->seen, 0);
}

void
follow_add_stream(struct od_follow *f, const struct od_log_source *s)
{
    struct query *target = NULL;
    bool have = follow_is_waiting(f, s);

    for (size_t k = 0; k < f->nqs && target == NULL && !have; k++) {
        struct query *q = f->qs[k];

        if (!same_place(q, s))
            continue;
        have = query_has_stream(q, s->stream);
        /* A whole-group query reads the stream already; it only learns the tags. */
        if (q->whole_group)
            target = q;
    }
    if (have)
        return;
    /* New streams go to a query that has not run yet (up to 100 names), else to a new
     * one: it reads them from the beginning while the running ones keep their windows. */
    for (size_t k = f->nqs; target == NULL && k-- > 0;) {
        struct query *q = f->qs[k];

        if (q->whole_group || !same_place(q, s) || q->in_flight || q->probes > 0 ||
            q->nsrc >= LOGS_MAX_STREAM_NAMES)
            continue;
        if (q->begun_at == NO_TIME)
            target = q;
        else if (query_reusable(q)) {
            query_reset(q);
            target = q;
        }
    }
    if (target == NULL)
        target = new_query(f, s->group, s->region, false);
    target->src = xreallocarray(target->src, target->nsrc + 1, sizeof *target->src);
    log_source_copy(&target->src[target->nsrc++], s);
    qsort(target->src, target->nsrc, sizeof *target->src, cmp_src);
}

void
follow_add_sources(struct od_follow *f, const struct od_log_source *src, size_t n)
{
    /* Whole groups first: their streams need no query of their own. */
    for (size_t i = 0; i < n; i++) {
        bool have = false;

        if (src[i].stream != NULL)
            continue;
        for (size_t k = 0; k < f->nqs && !have; k++)
            have = f->qs[k]->whole_group && same_place(f->qs[k], &src[i]);
        if (!have) {
            struct query *q = new_query(f, src[i].group, src[i].region, true);

            q->label = src[i].label != NULL ? xstrdup(src[i].label) : NULL;
            q->origin = src[i].origin;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (src[i].stream != NULL)
            follow_add_stream(f, &src[i]);
    f->st.queries = f->nqs;
}

/* ---- delivery ------------------------------------------------------------------------- */

static int
cmp_pend(const void *a, const void *b)
{
    const struct pend *x = a, *y = b;
    int c;

    if (x->rec.timestamp != y->rec.timestamp)
        return x->rec.timestamp < y->rec.timestamp ? -1 : 1;
    if (x->rec.ingestion_time != y->rec.ingestion_time)
        return x->rec.ingestion_time < y->rec.ingestion_time ? -1 : 1;
    if ((c = strcmp(x->rec.stream != NULL ? x->rec.stream : "",
                    y->rec.stream != NULL ? y->rec.stream : "")) != 0)
        return c;
    /* moto and AWS ids within a stream grow with arrival. */
    if (x->rec.event_id != NULL && y->rec.event_id != NULL) {
        size_t lx = strlen(x->rec.event_id), ly = strlen(y->rec.event_id);

        if (lx != ly)
            return lx < ly ? -1 : 1;
        return strcmp(x->rec.event_id, y->rec.event_id);
    }
    return 0;
}

/* Hand over pending events with timestamp <= upto (all when upto is INT64_MAX). */
static void
release(struct od_follow *f, int64_t upto)
{
    struct follow_event *ev;
    size_t k = 0;

    if (f->paused || f->dead || f->npending == 0)
        return;
    if (f->npending > f->o.max_pending)
        upto = INT64_MAX; /* bounded memory beats perfect order */
    qsort(f->pending, f->npending, sizeof *f->pending, cmp_pend);
    while (k < f->npending && f->pending[k].rec.timestamp <= upto)
        k++;
    if (k == 0)
        return;
    ev = xcalloc(k, sizeof *ev);
    for (size_t i = 0; i < k; i++) {
        const struct pend *p = &f->pending[i];

        ev[i].timestamp = p->rec.timestamp;
        ev[i].ingestion_time = p->rec.ingestion_time;
        ev[i].event_id = p->rec.event_id != NULL ? p->rec.event_id : "";
        ev[i].group = p->q->group;
        ev[i].stream = p->rec.stream != NULL ? p->rec.stream : "";
        ev[i].task_id = p->task_id;
        ev[i].container = p->container;
        ev[i].label = p->label;
        ev[i].origin = p->origin;
        ev[i].message = p->rec.message;
        ev[i].message_len = p->rec.message_len;
        if (f->last_delivered_ts != NO_TIME && p->rec.timestamp < f->last_delivered_ts)
            f->st.late++;
        else
            f->last_delivered_ts = p->rec.timestamp;
    }
    f->st.delivered += k;
    f->cbs.events(ev, k, f->ud);
    free(ev);
    /* Even when the callback freed f (f->dead), f stays until the caller's hold ends. */
    for (size_t i = 0; i < k; i++)
        pend_clear(&f->pending[i]);
    memmove(f->pending, f->pending + k, (f->npending - k) * sizeof *f->pending);
    f->npending -= k;
}

/* The newest time that no query still paging can undercut. */
static int64_t
frontier(const struct od_follow *f)
{
    int64_t fr = INT64_MAX;

    for (size_t i = 0; i < f->nqs; i++) {
        const struct query *q = f->qs[i];
        int64_t qf;

        if (q->pass_done || q->failed)
            continue;
        qf = q->pages_this_pass > 0 && q->frontier != NO_TIME ? q->frontier : q->chain_start - 1;
        if (qf < fr)
            fr = qf;
    }
    return fr;
}

/* ---- calls ---------------------------------------------------------------------------- */

static bool
fatal_error(const struct od_error *err)
{
    struct od_error copy = *err;

    if (err->err == OD_E_THROTTLED || err->err == OD_E_NETWORK || err->err == OD_E_TIMEOUT ||
        err->err == OD_E_PARSE || err->err == OD_E_TOO_LARGE)
        return false;
    if (err->err == OD_E_NO_CREDS || err->err == OD_E_EXPIRED_CREDS || err->err == OD_E_USAGE ||
        err->err == OD_E_CONFIG)
        return true;
    if (str_eq(err->code, "ThrottlingException") ||
        str_eq(err->code, "ServiceUnavailableException") ||
        str_eq(err->code, "LimitExceededException"))
        return false;
    copy.err = err->err == OD_E_THROTTLED ? OD_E_AWS : err->err;
    return retry_classify(&copy, false) == RETRY_NO;
}

static void
on_page(const struct od_aws_response *resp, const struct od_error *err, void *ud);

/* The query stops: for good in one pass; in follow mode it is tried again on a later pass
 * (after 30 s, doubling to 5 min), so a role fixed or a group created later is read. */
void
follow_query_fail(struct query *q, const struct od_error *err)
{
    struct od_follow *f = q->f;
    uint64_t wait = FAILED_RETRY_MS;

    for (int i = 0; i < q->failures && wait < FAILED_RETRY_MAX_MS; i++)
        wait *= 2;
    if (wait > FAILED_RETRY_MAX_MS)
        wait = FAILED_RETRY_MAX_MS;
    q->failures++;
    q->failed = true;
    q->retry_at_ms = clock_mono_ms() + wait;
    report(f, FOLLOW_FAILED, q, err, f->o.follow ? wait : 0);
    follow_check_pass_end(f);
}

static void
send_now(struct query *q)
{
    struct od_follow *f = q->f;
    struct logs_filter_req r = {0};
    struct od_aws_call call = {0};
    struct od_error err = {0};
    const char **names = NULL;
    struct call_ctx *ctx;
    char *body;

    q->want_send = false;
    if (q->nsrc > 0 && !q->whole_group) {
        names = xcalloc(q->nsrc, sizeof *names);
        for (size_t i = 0; i < q->nsrc; i++)
            names[i] = q->src[i].stream;
    }
    r.group = q->group;
    r.streams = names;
    r.nstreams = names != NULL ? q->nsrc : 0;
    r.start_ms = q->chain_start;
    r.end_ms = f->end_ms;
    r.filter_pattern = f->filter;
    r.next_token = q->next_token;
    r.limit = f->o.page_limit;
    body = logs_body_filter_log_events(&r);
    free(names);

    call.svc = OD_SVC_LOGS;
    call.op = "FilterLogEvents";
    call.body = body;
    call.body_len = strlen(body);
    call.region = q->region;
    ctx = xcalloc(1, sizeof *ctx);
    ctx->q = q;
    ctx->throttles_at_send = f->aws->throttles_total;
    ctx->had_token = q->next_token != NULL;
    if (aws_call(f->aws, &call, on_page, ctx, &err) != OD_OK) {
        free(ctx);
        free(body);
        follow_query_fail(q, &err);
        od_error_clear(&err);
        return;
    }
    free(body);
    q->in_flight = true;
    q->call = ctx;
    follow_hold(f);
    f->st.calls++;
}

static void
on_query_timer(void *ud)
{
    struct query *q = ud;
    struct od_follow *f = q->f;

    q->timer = 0;
    if (f->paused || f->dead)
        return; /* resume sends it */
    follow_hold(f);
    send_now(q);
    follow_unhold(f);
}

void
follow_schedule_call(struct query *q)
{
    uint64_t wait;

    q->want_send = true;
    if (q->f->paused || q->f->dead)
        return;
    wait = follow_budget_reserve();
    q->timer = loop_timer_add(q->f->aws->loop, wait, on_query_timer, q);
}

void
follow_retry_later(struct query *q, const struct od_error *err)
{
    struct od_follow *f = q->f;
    uint64_t delay = BACKOFF_FIRST_MS;
    uint32_t r;

    q->errors++;
    for (int i = 1; i < q->errors && delay < BACKOFF_MAX_MS; i++)
        delay *= 2;
    if (delay > BACKOFF_MAX_MS)
        delay = BACKOFF_MAX_MS;
    hash_random(&r, sizeof r);
    delay = delay / 2 + (uint64_t)r % (delay / 2 + 1); /* jitter: [delay/2, delay] */
    if (!f->o.follow && q->errors > ONE_SHOT_MAX_ERRORS) {
        follow_query_fail(q, err);
        return;
    }
    f->st.retries++;
    report(f, err->err == OD_E_THROTTLED ? FOLLOW_THROTTLED : FOLLOW_RETRYING, q, err, delay);
    q->want_send = true;
    if (!f->paused && !f->dead)
        q->timer = loop_timer_add(f->aws->loop, delay, on_query_timer, q);
}

static void
take_records(struct query *q, struct od_log_record *recs, size_t n)
{
    struct od_follow *f = q->f;

    for (size_t i = 0; i < n; i++) {
        struct od_log_record *r = &recs[i];
        const struct od_log_source *src;
        uint64_t k0, k1;
        struct pend *p;

        if (!q->whole_group && q->nsrc > 0 && !query_has_stream(q, r->stream)) {
            f->st.foreign++; /* a server that ignored logStreamNames */
            continue;
        }
        if (r->event_id != NULL) {
            seen_key(r->stream, r->event_id, strlen(r->event_id), &k0, &k1);
        } else {
            /* No id: the event's own content is its identity. */
            char *id = xasprintf("%lld/%lld/", (long long)r->timestamp,
                                 (long long)r->ingestion_time);
            struct od_buf b;

            buf_init(&b, 0);
            buf_puts(&b, id);
            buf_append(&b, r->message, r->message_len);
            seen_key(r->stream, b.data, b.len, &k0, &k1);
            buf_free(&b);
            free(id);
        }
        if (q->max_ts == NO_TIME || r->timestamp > q->max_ts)
            q->max_ts = r->timestamp;
        if (!seen_add(&q->seen, k0, k1, r->timestamp)) {
            f->st.duplicates++;
            continue;
        }
        if (f->npending == f->cpending) {
            f->cpending = f->cpending != 0 ? f->cpending * 2 : 1024;
            f->pending = xreallocarray(f->pending, f->cpending, sizeof *f->pending);
        }
        p = &f->pending[f->npending++];
        memset(p, 0, sizeof *p);
        p->rec = *r;
        memset(r, 0, sizeof *r);
        p->q = q;
        src = query_source(q, p->rec.stream);
        if (src != NULL && src->task_id != NULL) {
            p->task_id = xstrdup(src->task_id);
            p->container = src->container != NULL ? xstrdup(src->container) : NULL;
        } else {
            sources_parse_stream(p->rec.stream, &p->task_id, &p->container);
        }
        /* The stream's own source label, else its whole group's. */
        if (src != NULL && src->label != NULL) {
            p->label = xstrdup(src->label);
            p->origin = src->origin;
        } else {
            p->label = q->label != NULL ? xstrdup(q->label) : NULL;
            p->origin = q->origin;
        }
    }
}

/* A refused nextToken: CloudWatch Logs answers InvalidParameterException (tokens expire
 * after 24 hours; the Logs model has no InvalidNextToken). Restart the chain from the newest
 * time this pass has seen, less the overlap (dedup hides the re-read), once per chain: a
 * second refusal before a token is accepted again is an error like any other. */
static bool
token_refused(struct query *q, const struct od_error *e, bool had_token)
{
    struct od_follow *f = q->f;
    int64_t from;

    if (!had_token || q->token_restarted || !str_eq(e->code, "InvalidParameterException"))
        return false;
    from = q->frontier != NO_TIME ? q->frontier - (int64_t)f->o.overlap_ms : q->chain_start;
    if (from > q->chain_start)
        q->chain_start = from;
    free(q->next_token);
    q->next_token = NULL;
    q->token_restarted = true;
    f->st.token_restarts++;
    follow_schedule_call(q);
    return true;
}

static void
page_done(struct query *q, const struct od_aws_response *resp, const struct od_error *err,
          uint64_t throttles_at_send, bool had_token)
{
    struct od_follow *f = q->f;
    struct od_log_record *recs = NULL;
    struct od_error derr = {0};
    char *token = NULL;
    size_t n = 0;

    if (resp == NULL || (err != NULL && err->err != OD_OK)) {
        const struct od_error *e = err;
        struct od_error none = {0};

        if (e == NULL) {
            od_error_set(&none, OD_E_HTTP, "no response");
            e = &none;
        }
        budget_feedback(e->err == OD_E_THROTTLED);
        if (token_refused(q, e, had_token)) {
            /* restarted */
        } else if (str_eq(e->code, "ResourceNotFoundException") && !q->whole_group &&
                   q->nsrc > 0) {
            for (size_t i = 0; i < q->nsrc; i++)
                follow_probe_start(f, q, &q->src[i]);
        } else if (fatal_error(e)) {
            follow_query_fail(q, e);
        } else {
            follow_retry_later(q, e);
        }
        od_error_clear(&none);
        return;
    }
    if (logs_decode_filter_log_events(resp->body, resp->body_len, &recs, &n, &token, &derr) !=
        OD_OK) {
        follow_retry_later(q, &derr);
        od_error_clear(&derr);
        return;
    }
    budget_feedback(resp->attempts > 1 && f->aws->throttles_total > throttles_at_send);
    q->errors = 0;
    if (had_token)
        q->token_restarted = false; /* a token was accepted: the chain is sound again */
    f->st.pages++;
    q->pages_this_pass++;
    for (size_t i = 0; i < n; i++)
        if (q->frontier == NO_TIME || recs[i].timestamp > q->frontier)
            q->frontier = recs[i].timestamp;
    take_records(q, recs, n);
    log_records_free(&recs, &n);
    free(q->next_token);
    q->next_token = token;
    if (token != NULL)
        follow_schedule_call(q); /* follow nextToken at once (the budget still applies) */
    else
        q->pass_done = true;
    release(f, frontier(f));
    follow_check_pass_end(f);
}

static void
on_page(const struct od_aws_response *resp, const struct od_error *err, void *ud)
{
    struct call_ctx *ctx = ud;
    struct query *q = ctx->q;
    struct od_follow *f = q->f;
    uint64_t throttles_at_send = ctx->throttles_at_send;
    bool had_token = ctx->had_token;

    free(ctx);
    q->in_flight = false;
    q->call = NULL;
    if (!f->dead)
        page_done(q, resp, err, throttles_at_send, had_token);
    follow_unhold(f); /* the call's hold */
}

/* ---- passes ----------------------------------------------------------------------------- */

static void
on_pass_timer(void *ud)
{
    struct od_follow *f = ud;

    f->pass_timer = 0;
    follow_hold(f);
    start_pass(f);
    follow_unhold(f);
}

void
follow_check_pass_end(struct od_follow *f)
{
    bool behind = false, any_alive = false;

    if (!f->in_pass || f->dead)
        return;
    for (size_t i = 0; i < f->nqs; i++) {
        struct query *q = f->qs[i];

        if (q->in_flight || (!q->pass_done && !q->failed))
            return;
        any_alive |= !q->failed;
        behind |= q->pages_this_pass > 1;
    }
    f->in_pass = false;
    f->st.passes++;
    release(f, INT64_MAX);
    if (f->dead)
        return;
    if (f->paused) {
        f->pass_wanted = true;
        return;
    }
    if (!f->o.follow || !any_alive) {
        f->done = true;
        report(f, FOLLOW_DONE, NULL, NULL, 0);
        return;
    }
    report(f, FOLLOW_CAUGHT_UP, NULL, NULL, 0);
    if (!f->dead)
        f->pass_timer = loop_timer_add(f->aws->loop, behind ? 0 : f->o.poll_ms, on_pass_timer, f);
}

static int64_t
max64(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

static void
start_pass(struct od_follow *f)
{
    int64_t now = aws_now_ms();

    if (f->dead || f->done)
        return;
    if (f->paused) {
        f->pass_wanted = true;
        return;
    }
    f->pass_wanted = false;
    f->in_pass = true;
    if (!f->o.follow && f->end_ms < 0)
        f->end_ms = f->o.end_ms >= 0 ? f->o.end_ms : now;
    else if (f->o.end_ms >= 0)
        f->end_ms = f->o.end_ms;
    if (f->o.follow)
        follow_recheck_waiting(f);
    for (size_t i = 0; i < f->nqs; i++) {
        struct query *q = f->qs[i];
        int64_t start = q->start_ms, cut;

        if (q->failed) {
            /* Follow mode: a failed query is tried again once its wait is over. */
            if (!f->o.follow || clock_mono_ms() < q->retry_at_ms)
                continue;
            q->failed = false;
        }
        if (!q->whole_group && q->nsrc == 0)
            continue; /* every stream of it is waiting to exist */
        if (q->begun_at != NO_TIME) {
            /* The previous pass saw every event ingested before it began (B) whose time was
             * in its window; one ingested after B is at most `overlap` older than B. So the
             * cursor is the newest time seen, but never past B (a pass can take long, and
             * clocks that run fast stamp the future), and never before B − overlap (quiet
             * streams keep the window short); the window starts `overlap` before it. */
            int64_t cursor = max64(q->max_ts, q->begun_at - (int64_t)f->o.overlap_ms);

            if (cursor > q->begun_at)
                cursor = q->begun_at;
            start = max64(start, cursor - (int64_t)f->o.overlap_ms);
        }
        start = max64(start, q->floor_ms);
        cut = seen_expire(&q->seen, start, f->o.dedup_max);
        if (cut != NO_TIME) {
            q->floor_ms = cut;
            start = max64(start, cut);
            report(f, FOLLOW_WINDOW_SHRUNK, q, NULL, 0);
        }
        q->chain_start = start;
        q->begun_at = now;
        q->frontier = NO_TIME;
        q->pages_this_pass = 0;
        q->pass_done = false;
        free(q->next_token);
        q->next_token = NULL;
        q->token_restarted = false;
        q->errors = 0;
        follow_schedule_call(q);
    }
    follow_check_pass_end(f); /* every query failed */
}

static void
first_pass(void *ud)
{
    struct od_follow *f = ud;

    if (!f->dead)
        start_pass(f);
    follow_unhold(f); /* follow_start's */
}

enum od_err
follow_start(struct od_follow *f, struct od_error *err)
{
    if (f->nqs == 0) {
        od_error_set(err, OD_E_USAGE, "no log streams to follow");
        return OD_E_USAGE;
    }
    if (f->started)
        return OD_OK;
    f->started = true;
    follow_hold(f);
    loop_defer(f->aws->loop, first_pass, f);
    return OD_OK;
}

void
follow_pause(struct od_follow *f)
{
    if (f->paused)
        return;
    f->paused = true;
    for (size_t i = 0; i < f->nqs; i++) {
        struct query *q = f->qs[i];

        if (q->timer != 0) {
            loop_timer_cancel(f->aws->loop, q->timer);
            q->timer = 0;
        }
    }
    if (f->pass_timer != 0) {
        loop_timer_cancel(f->aws->loop, f->pass_timer);
        f->pass_timer = 0;
        f->pass_wanted = true;
    }
}

static void
resume_deferred(void *ud)
{
    struct od_follow *f = ud;

    if (f->dead || f->paused) {
        follow_unhold(f);
        return;
    }
    release(f, f->in_pass ? frontier(f) : INT64_MAX);
    if (f->in_pass) {
        for (size_t i = 0; i < f->nqs; i++) {
            struct query *q = f->qs[i];

            if (q->want_send && !q->in_flight && q->timer == 0 && !q->failed)
                follow_schedule_call(q);
        }
    } else if (f->pass_wanted) {
        start_pass(f);
    }
    follow_unhold(f); /* follow_resume's */
}

void
follow_resume(struct od_follow *f)
{
    if (!f->paused)
        return;
    f->paused = false;
    /* Deliveries and calls happen from the loop, never inside this call. */
    follow_hold(f);
    loop_defer(f->aws->loop, resume_deferred, f);
}

bool
follow_paused(const struct od_follow *f)
{
    return f->paused;
}

void
follow_get_stats(const struct od_follow *f, struct follow_stats *out)
{
    *out = f->st;
    out->seen = 0;
    for (size_t i = 0; i < f->nqs; i++)
        out->seen += f->qs[i]->seen.n;
    out->queries = f->nqs;
    out->waiting = f->nwaiting;
}
