/* A Logs Insights query through the loop (see insights_run.h). The StopQuery sent when a
 * running query is freed has its own context, so its answer never reaches freed memory. */
#include "logs/insights_run.h"

#include <stdlib.h>
#include <string.h>

#include "util/str.h"
#include "util/xalloc.h"

struct insights_run {
    struct od_aws *aws;
    insights_run_cb cb;
    void *ud;
    char *query_id;
    uint64_t poll_ms, timer;
    bool starting;  /* StartQuery in flight */
    bool ended;     /* the final callback ran */
    bool orphan;    /* freed while StartQuery was in flight: stop the query it starts */
    bool stop_on_start; /* insights_run_stop while StartQuery was in flight */
    bool stop_in_flight; /* a waited StopQuery has not answered yet */
    const char *failed_op; /* the call that ended the run with an error */
    insights_stop_cb stop_cb;
    void *stop_ud;
    struct insights_results res;
};

/* What a StopQuery sent on the way out needs: nothing but itself. */
static void
on_stop_answer(const struct od_aws_response *resp, const struct od_error *err, void *ud)
{
    (void)resp;
    (void)err; /* "not running" means it ended meanwhile: nothing is left either way */
    free(ud);
}

static void
send_stop(struct od_aws *aws, const char *query_id)
{
    char *body = insights_body_query_id(query_id);
    int *tag = xmalloc(sizeof *tag); /* a unique ud, freed by on_stop_answer */
    struct od_error err = {0};

    if (aws_call_json(aws, OD_SVC_LOGS, "StopQuery", body, 0, on_stop_answer, tag, &err) != OD_OK) {
        free(tag);
        od_error_clear(&err);
    }
    free(body);
}

static void
on_stopped(const struct od_aws_response *resp, const struct od_error *err, void *ud)
{
    struct insights_run *r = ud;
    bool ok = false;

    r->stop_in_flight = false;
    if (r->orphan) { /* freed meanwhile: the StopQuery went out, nobody waits for it */
        insights_results_clear(&r->res);
        free(r->query_id);
        free(r);
        return;
    }
    if ((err == NULL || err->err == OD_OK) && resp != NULL)
        insights_decode_stop_query(resp->body, resp->body_len, &ok, NULL);
    r->stop_cb(ok, err != NULL && err->err != OD_OK ? err : NULL, r->stop_ud);
}

/* StopQuery, answered to the run's stop callback. */
static void
send_stop_waited(struct insights_run *r)
{
    char *body = insights_body_query_id(r->query_id);
    struct od_error err = {0};

    if (aws_call_json(r->aws, OD_SVC_LOGS, "StopQuery", body, 0, on_stopped, r, &err) != OD_OK) {
        r->stop_cb(false, &err, r->stop_ud);
        od_error_clear(&err);
    } else {
        r->stop_in_flight = true;
    }
    free(body);
}

bool
insights_run_stop(struct insights_run *r, insights_stop_cb done, void *ud)
{
    if (r == NULL || r->ended)
        return false;
    if (r->res.pages > 0) { /* reading a Complete query's pages: nothing runs to stop */
        r->ended = true;
        aws_cancel_ud(r->aws, r);
        return false;
    }
    r->ended = true; /* no results callback from now on, and free sends nothing more */
    r->stop_cb = done;
    r->stop_ud = ud;
    if (r->timer != 0)
        loop_timer_cancel(r->aws->loop, r->timer);
    r->timer = 0;
    if (r->starting) {
        r->stop_on_start = true; /* on_started sends it with the id */
        return true;
    }
    aws_cancel_ud(r->aws, r); /* a GetQueryResults in flight no longer matters */
    send_stop_waited(r);
    return true;
}

static void
end_with(struct insights_run *r, const char *op, const struct od_error *err)
{
    r->ended = true;
    r->failed_op = err != NULL ? op : NULL;
    r->cb(&r->res, err, true, r->ud);
}

static void poll_now(void *ud);
static void on_page(const struct od_aws_response *resp, const struct od_error *err, void *ud);

/* The query is Complete and AWS says more rows remain: ask for the page after its token.
 * AWS documents paging for the final results only ("Running ... returns only partial
 * results"), so a pending answer is never paged. False when reading is over (no token, or
 * the cap reached: then res.capped). */
static bool
next_page(struct insights_run *r)
{
    struct od_error err = {0};
    char *body;

    if (r->res.status != INSIGHTS_COMPLETE || r->res.next_token == NULL)
        return false;
    if (r->res.nrows >= INSIGHTS_MAX_RESULTS) {
        r->res.capped = true;
        return false;
    }
    body = insights_body_results_page(r->query_id, r->res.next_token);
    /* GetQueryResults is a read: retried like any other. */
    if (aws_call_json(r->aws, OD_SVC_LOGS, "GetQueryResults", body, 0, on_page, r, &err) !=
        OD_OK) {
        r->res.partial = true;
        end_with(r, "GetQueryResults", &err);
        od_error_clear(&err);
    }
    free(body);
    return true;
}

/* Rows of a later page appended after the ones read, up to the cap; the status and
 * statistics stay the first page's ("These values reflect the full raw results"). */
static void
append_page(struct insights_results *acc, struct insights_results *page)
{
    size_t room = INSIGHTS_MAX_RESULTS - acc->nrows, take = page->nrows < room ? page->nrows
                                                                               : room;

    if (take > 0) {
        acc->rows = xreallocarray(acc->rows, acc->nrows + take, sizeof *acc->rows);
        memcpy(acc->rows + acc->nrows, page->rows, take * sizeof *page->rows);
        acc->nrows += take;
        /* the taken rows are acc's now: leave page only the ones past the cap */
        memmove(page->rows, page->rows + take, (page->nrows - take) * sizeof *page->rows);
        page->nrows -= take;
    }
    free(acc->next_token);
    acc->next_token = page->next_token;
    page->next_token = NULL;
    acc->pages++;
}

static void
on_page(const struct od_aws_response *resp, const struct od_error *err, void *ud)
{
    struct insights_run *r = ud;
    struct insights_results page = {0};
    struct od_error perr = {0};
    char *sent;

    /* The query is Complete: nothing runs on AWS's side, so no StopQuery on a failure. The
     * rows read so far stay, marked partial. */
    if (err != NULL && err->err != OD_OK) {
        r->res.partial = true;
        end_with(r, "GetQueryResults", err);
        return;
    }
    if (insights_decode_results(resp->body, resp->body_len, &page, &perr) != OD_OK) {
        r->res.partial = true;
        end_with(r, "GetQueryResults", &perr);
        od_error_clear(&perr);
        return;
    }
    sent = r->res.next_token;
    r->res.next_token = NULL;
    append_page(&r->res, &page);
    /* A token that names itself would page forever: take it as the end. */
    if (r->res.next_token != NULL && sent != NULL && str_eq(r->res.next_token, sent)) {
        free(r->res.next_token);
        r->res.next_token = NULL;
    }
    free(sent);
    insights_results_clear(&page);
    if (!next_page(r))
        end_with(r, "GetQueryResults", NULL);
}

static void
on_results(const struct od_aws_response *resp, const struct od_error *err, void *ud)
{
    struct insights_run *r = ud;
    struct od_error perr = {0};

    if (err != NULL && err->err != OD_OK) {
        send_stop(r->aws, r->query_id); /* it may still be running: do not leave it */
        end_with(r, "GetQueryResults", err);
        return;
    }
    insights_results_clear(&r->res);
    if (insights_decode_results(resp->body, resp->body_len, &r->res, &perr) != OD_OK) {
        send_stop(r->aws, r->query_id);
        end_with(r, "GetQueryResults", &perr);
        od_error_clear(&perr);
        return;
    }
    if (insights_status_pending(r->res.status)) {
        r->cb(&r->res, NULL, false, r->ud);
        r->timer = loop_timer_add(r->aws->loop, r->poll_ms, poll_now, r);
        return;
    }
    r->res.pages = 1;
    if (r->res.nrows > INSIGHTS_MAX_RESULTS) { /* more than AWS pages: keep the cap */
        for (size_t i = INSIGHTS_MAX_RESULTS; i < r->res.nrows; i++) {
            for (size_t k = 0; k < r->res.rows[i].n; k++) {
                free(r->res.rows[i].f[k].name);
                free(r->res.rows[i].f[k].value);
            }
            free(r->res.rows[i].f);
        }
        r->res.nrows = INSIGHTS_MAX_RESULTS;
        r->res.capped = true;
        free(r->res.next_token);
        r->res.next_token = NULL;
    }
    if (!next_page(r))
        end_with(r, "GetQueryResults", NULL);
}

static void
poll_now(void *ud)
{
    struct insights_run *r = ud;
    struct od_error err = {0};
    char *body = insights_body_query_id(r->query_id);

    r->timer = 0;
    if (aws_call_json(r->aws, OD_SVC_LOGS, "GetQueryResults", body, 0, on_results, r, &err) !=
        OD_OK) {
        send_stop(r->aws, r->query_id);
        end_with(r, "GetQueryResults", &err);
        od_error_clear(&err);
    }
    free(body);
}

static void
on_started(const struct od_aws_response *resp, const struct od_error *err, void *ud)
{
    struct insights_run *r = ud;
    struct od_error perr = {0};

    r->starting = false;
    if (r->orphan) {
        if ((err == NULL || err->err == OD_OK) &&
            insights_decode_start_query(resp->body, resp->body_len, &r->query_id, NULL) == OD_OK)
            send_stop(r->aws, r->query_id);
        free(r->query_id);
        free(r);
        return;
    }
    if (r->stop_on_start) {
        if (err != NULL && err->err != OD_OK)
            r->stop_cb(false, err, r->stop_ud); /* nothing was started */
        else if (insights_decode_start_query(resp->body, resp->body_len, &r->query_id, &perr) ==
                 OD_OK)
            send_stop_waited(r);
        else
            r->stop_cb(false, &perr, r->stop_ud);
        od_error_clear(&perr);
        return;
    }
    if (err != NULL && err->err != OD_OK) {
        end_with(r, "StartQuery", err);
        return;
    }
    if (insights_decode_start_query(resp->body, resp->body_len, &r->query_id, &perr) != OD_OK) {
        end_with(r, "StartQuery", &perr);
        od_error_clear(&perr);
        return;
    }
    r->timer = loop_timer_add(r->aws->loop, r->poll_ms, poll_now, r);
}

struct insights_run *
insights_run_start(struct od_aws *aws, const struct insights_run_opts *o, insights_run_cb cb,
                   void *ud, struct od_error *err)
{
    struct insights_run *r = xcalloc(1, sizeof *r);
    struct insights_start_req req = {0};
    char *body;

    r->aws = aws;
    r->cb = cb;
    r->ud = ud;
    r->poll_ms = o->poll_ms > 0 ? o->poll_ms : 1000;
    req.groups = o->groups;
    req.ngroups = o->ngroups;
    req.start_s = o->start_s;
    req.end_s = o->end_s;
    req.query = o->query;
    req.limit = o->limit;
    body = insights_body_start_query(&req);
    /* Not retried unless AWS provably did not take it: a second query bills twice. */
    if (aws_call_json(aws, OD_SVC_LOGS, "StartQuery", body, OD_CALL_MUTATES, on_started, r, err) !=
        OD_OK) {
        free(body);
        free(r);
        return NULL;
    }
    free(body);
    r->starting = true;
    return r;
}

const char *
insights_run_failed_op(const struct insights_run *r)
{
    return r != NULL && r->failed_op != NULL ? r->failed_op : "";
}

const char *
insights_run_query_id(const struct insights_run *r)
{
    return r != NULL && r->query_id != NULL ? r->query_id : "";
}

void
insights_run_free(struct insights_run **rp)
{
    struct insights_run *r = *rp;

    if (r == NULL)
        return;
    *rp = NULL;
    if (r->timer != 0)
        loop_timer_cancel(r->aws->loop, r->timer);
    if (r->starting || r->stop_in_flight) {
        /* on_started stops what it started, on_stopped lets the StopQuery finish; then
         * they free it. */
        r->orphan = true;
        return;
    }
    aws_cancel_ud(r->aws, r);
    if (!r->ended && r->query_id != NULL && r->res.pages == 0) /* paging: it has ended */
        send_stop(r->aws, r->query_id);
    insights_results_clear(&r->res);
    free(r->query_id);
    free(r);
}
