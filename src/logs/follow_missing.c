/* The follower's streams that do not exist yet (see follow.h, "missing streams"). */
#include "logs/follow_int.h"

#include <stdlib.h>
#include <string.h>

#include "aws/logs.h"
#include "util/clock.h"
#include "util/str.h"
#include "util/xalloc.h"

#define RECHECK_FIRST_MS 2000

/* ---- streams that do not exist yet --------------------------------------------------------
 *
 * FilterLogEvents answers ResourceNotFoundException ("The specified log stream does not
 * exist.") when any of its logStreamNames is missing: the stream of a task that has not
 * started logging yet (PROVISIONING, PENDING, or a task that never started). Then each stream
 * of the query is looked up (DescribeLogStreams, prefix = the name, limit 1: the name itself
 * sorts first when it exists); the missing ones leave the query for the waiting list, the
 * others are read again at once. A probe that finds no group fails the query as before. */

static void on_probe(const struct od_aws_response *resp, const struct od_error *err, void *ud);

static void
probe_unlink(struct od_follow *f, struct probe *p)
{
    for (struct probe **pp = &f->probes; *pp != NULL; pp = &(*pp)->next)
        if (*pp == p) {
            *pp = p->next;
            return;
        }
}

static void
probe_free(struct probe *p)
{
    log_source_clear(&p->src);
    free(p);
}

static void
probe_send(void *ud)
{
    struct probe *p = ud;
    struct od_follow *f = p->f;
    struct od_aws_call call = {0};
    struct od_error err = {0};
    char *body;

    p->timer = 0;
    body = logs_body_describe_log_streams(p->src.group, p->src.stream, false, false, NULL, 1);
    call.svc = OD_SVC_LOGS;
    call.op = "DescribeLogStreams";
    call.body = body;
    call.body_len = strlen(body);
    call.region = p->src.region;
    follow_hold(f);
    if (aws_call(f->aws, &call, on_probe, p, &err) != OD_OK) {
        free(body);
        on_probe(NULL, &err, p); /* drops the hold */
        od_error_clear(&err);
        return;
    }
    free(body);
    p->in_flight = true;
    f->st.probes++;
}

void
follow_probe_start(struct od_follow *f, struct query *q, const struct od_log_source *src)
{
    struct probe *p = xcalloc(1, sizeof *p);

    p->f = f;
    p->q = q;
    log_source_copy(&p->src, src);
    p->next = f->probes;
    f->probes = p;
    if (q != NULL)
        q->probes++;
    p->timer = loop_timer_add(f->aws->loop, follow_budget_reserve(), probe_send, p);
}

static void
wait_for(struct od_follow *f, const struct od_log_source *src)
{
    struct waiting *w;

    if (follow_is_waiting(f, src))
        return;
    f->waiting = xreallocarray(f->waiting, f->nwaiting + 1, sizeof *f->waiting);
    w = &f->waiting[f->nwaiting++];
    memset(w, 0, sizeof *w);
    log_source_copy(&w->src, src);
    w->backoff_ms = RECHECK_FIRST_MS < f->o.recheck_max_ms ? RECHECK_FIRST_MS : f->o.recheck_max_ms;
    w->due_ms = clock_mono_ms() + w->backoff_ms;
}

static void
query_drop_stream(struct query *q, const char *stream)
{
    for (size_t i = 0; i < q->nsrc; i++)
        if (str_eq(q->src[i].stream, stream)) {
            log_source_clear(&q->src[i]);
            memmove(&q->src[i], &q->src[i + 1], (q->nsrc - i - 1) * sizeof *q->src);
            q->nsrc--;
            return;
        }
}

/* Every probe of q came back: go on with the streams that exist. */
static void
query_probed(struct query *q, bool dropped)
{
    struct od_follow *f = q->f;

    free(q->next_token);
    q->next_token = NULL; /* the chain starts again from chain_start; dedup hides repeats */
    if (q->probe_group_gone) {
        follow_query_fail(q, &q->probe_err);
    } else if (q->probe_unsure || !dropped) {
        /* Not sure what is missing (or nothing was): back off rather than spin. */
        struct od_error e = {0};

        if (q->probe_err.err != OD_OK)
            od_error_copy(&e, &q->probe_err);
        else
            od_error_set(&e, OD_E_AWS, "a log stream does not exist");
        follow_retry_later(q, &e);
        od_error_clear(&e);
    } else if (q->nsrc == 0) {
        q->pass_done = true; /* every stream is waiting */
        follow_check_pass_end(f);
    } else {
        follow_schedule_call(q);
    }
    od_error_clear(&q->probe_err);
    q->probe_group_gone = q->probe_unsure = false;
}

static void
on_probe(const struct od_aws_response *resp, const struct od_error *err, void *ud)
{
    struct probe *p = ud;
    struct od_follow *f = p->f;
    struct query *q = p->q;
    struct od_log_stream *ls = NULL;
    struct od_error derr = {0};
    size_t n = 0;
    bool exists = false, known = false, gone = false;

    probe_unlink(f, p);
    p->in_flight = false;
    if (f->dead) {
        probe_free(p);
        follow_unhold(f);
        return;
    }
    if (resp != NULL && (err == NULL || err->err == OD_OK)) {
        if (logs_decode_describe_log_streams(resp->body, resp->body_len, &ls, &n, NULL, &derr) ==
            OD_OK) {
            known = true;
            exists = n > 0 && str_eq(ls[0].name, p->src.stream);
        }
        for (size_t i = 0; i < n; i++)
            log_stream_clear(&ls[i]);
        free(ls);
    } else if (err != NULL && str_eq(err->code, "ResourceNotFoundException")) {
        gone = true; /* DescribeLogStreams names no stream: the group itself is missing */
    }
    if (q != NULL) {
        bool dropped = known && !exists;

        if (gone || !known) {
            const struct od_error *e = err != NULL && err->err != OD_OK ? err : &derr;

            q->probe_group_gone |= gone;
            q->probe_unsure |= !gone;
            if (q->probe_err.err == OD_OK && e->err != OD_OK)
                od_error_copy(&q->probe_err, e);
        }
        if (dropped) {
            query_drop_stream(q, p->src.stream);
            wait_for(f, &p->src);
        }
        q->dropped_any |= dropped;
        if (--q->probes == 0) {
            bool any = q->dropped_any;

            q->dropped_any = false;
            query_probed(q, any);
        }
    } else {
        for (size_t i = 0; i < f->nwaiting; i++) {
            struct waiting *w = &f->waiting[i];

            if (!follow_same_place_src(&w->src, &p->src) || !str_eq(w->src.stream, p->src.stream))
                continue;
            w->probing = false;
            if (exists) {
                /* It exists now: read it from the start, like a stream added later. */
                struct od_log_source s = w->src;

                memmove(w, w + 1, (f->nwaiting - i - 1) * sizeof *w);
                f->nwaiting--;
                follow_add_stream(f, &s);
                log_source_clear(&s);
                f->st.queries = f->nqs;
            } else {
                w->backoff_ms *= 2;
                if (w->backoff_ms > f->o.recheck_max_ms)
                    w->backoff_ms = f->o.recheck_max_ms;
                w->due_ms = clock_mono_ms() + w->backoff_ms;
            }
            break;
        }
    }
    od_error_clear(&derr);
    probe_free(p);
    follow_unhold(f); /* the call's */
}

/* Follow mode, each pass: look for the waiting streams that are due. */
void
follow_recheck_waiting(struct od_follow *f)
{
    uint64_t now = clock_mono_ms();

    for (size_t i = 0; i < f->nwaiting; i++) {
        struct waiting *w = &f->waiting[i];

        if (!w->probing && now >= w->due_ms) {
            w->probing = true;
            follow_probe_start(f, NULL, &w->src);
        }
    }
}

void
follow_probes_cancel(struct od_follow *f)
{
    while (f->probes != NULL) {
        struct probe *p = f->probes;

        f->probes = p->next;
        if (p->in_flight) {
            aws_cancel_ud(f->aws, p);
            f->holds--;
        }
        loop_timer_cancel(f->aws->loop, p->timer);
        probe_free(p);
    }
}
