/* CloudFront invalidation: default paths per distribution, a deterministic CallerReference (so
 * a retry, by the SDK-style retry or by the operator within the minute, returns the same
 * invalidation instead of creating a second), CreateInvalidation, and following it until
 * Completed. */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "actions/internal.h"
#include "aws/cloudfront.h"
#include "aws/proto_json.h"
#include "loop/loop.h"
#include "settings.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/hash.h"
#include "util/str.h"
#include "util/xalloc.h"

#define PATH_MAX_LEN 4000
#define WILDCARD_WARN 15

static int
str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **
invalidate_normalise_paths(const char *const *paths, size_t n, size_t *nout)
{
    char **out = xcalloc(n + 1, sizeof *out);
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        char *copy = xstrdup(paths[i] != NULL ? paths[i] : ""), *t = str_trim(copy);

        /* Encoded before sorting, so "/a b" and "/a%20b" are one path and one CallerReference. */
        if (*t != '\0') {
            char *rooted = t[0] == '/' ? xstrdup(t) : xasprintf("/%s", t);

            out[k++] = cf_path_encode(rooted);
            free(rooted);
        }
        free(copy);
    }
    qsort(out, k, sizeof *out, str_cmp);
    /* drop duplicates */
    if (k > 1) {
        size_t w = 1;

        for (size_t i = 1; i < k; i++) {
            if (strcmp(out[i], out[w - 1]) == 0)
                free(out[i]);
            else
                out[w++] = out[i];
        }
        k = w;
    }
    *nout = k;
    return out;
}

char *
invalidate_caller_reference(const char *distribution, const char *const *paths, size_t n,
                            const char *operator_arn, time_t now)
{
    size_t k = 0;
    char **sorted = invalidate_normalise_paths(paths, n, &k);
    struct od_buf b;
    char hex[OD_SHA256_HEX_LEN];
    char *ref;

    buf_init(&b, 0);
    buf_puts(&b, "ondeck-invalidation-v1");
    buf_putc(&b, '\n');
    buf_puts(&b, distribution != NULL ? distribution : "");
    buf_putc(&b, '\n');
    for (size_t i = 0; i < k; i++) {
        buf_puts(&b, sorted[i]);
        buf_putc(&b, '\n');
    }
    buf_puts(&b, operator_arn != NULL ? operator_arn : "");
    buf_printf(&b, "\n%lld", (long long)(now / 60));
    hash_sha256_hex(b.data, b.len, hex);
    ref = xasprintf("ondeck-%.32s", hex);
    buf_free(&b);
    action_strv_free(&sorted, &k);
    return ref;
}

char **
invalidate_default_paths(const struct od_settings *settings, const char *distribution,
                         size_t *nout)
{
    char *section = xasprintf("distribution %s", distribution != NULL ? distribution : "");
    const char *v = settings_get(settings, section, "paths");
    char **raw = NULL, **out, *copy, *tok, *save = NULL;
    size_t n = 0;

    free(section);
    if (str_empty(v)) {
        const char *all = "/*";

        return invalidate_normalise_paths(&all, 1, nout);
    }
    copy = xstrdup(v);
    for (tok = strtok_r(copy, " \t,", &save); tok != NULL; tok = strtok_r(NULL, " \t,", &save)) {
        raw = xreallocarray(raw, n + 1, sizeof *raw);
        raw[n++] = tok;
    }
    out = invalidate_normalise_paths((const char *const *)raw, n, nout);
    free(raw);
    free(copy);
    if (*nout == 0) {
        const char *all = "/*";

        free(out);
        return invalidate_normalise_paths(&all, 1, nout);
    }
    return out;
}

/* ---- plan ------------------------------------------------------------------------------ */

static void
iv_on_list(struct od_action_job *job, const struct od_aws_response *resp,
           const struct od_error *err)
{
    struct od_plan *plan = job->plan;
    struct od_invalidation *invs = NULL;
    size_t n = 0, wild = 0;
    char *next = NULL;
    struct od_error e = {0};

    if (err != NULL) {
        job_plan_fail(job, err);
        return;
    }
    if (cf_decode_invalidations(resp->body, resp->body_len, &invs, &n, &next, &e) != OD_OK) {
        job_plan_fail(job, &e);
        od_error_clear(&e);
        return;
    }
    for (size_t i = 0; i < n; i++)
        if (!cf_invalidation_done(invs[i].status))
            plan->invalidations_in_progress++;
    OD_FREE_ARRAY(invs, n, invalidation_clear);
    free(next);
    for (size_t i = 0; i < plan->npaths; i++)
        if (str_has_suffix(plan->paths[i], "*"))
            wild++;
    if (plan->invalidations_in_progress > 0)
        plan_warn(plan, "%ld invalidation(s) of this distribution still in progress "
                        "(at most %d wildcard paths may be in progress at once)",
                  plan->invalidations_in_progress, WILDCARD_WARN);
    if (plan->npaths > 8)
        plan_warn(plan, "%zu paths: each path is billed after the first 1,000 a month",
                  plan->npaths);
    (void)wild;
    plan->ready = true;
    job_plan_done(job);
}

enum od_err
invalidate_plan(struct od_action_job *job, struct od_error *err)
{
    struct od_plan *plan = job->plan;
    struct od_aws_call call = {0};
    struct od_kv q = {"MaxItems", "100"};
    char **paths, *t, *joined;
    size_t n = 0;
    struct od_buf b;
    enum od_err rc;

    if (str_empty(plan->distribution)) {
        od_error_set(err, OD_E_USAGE, "invalidate needs a distribution id");
        return OD_E_USAGE;
    }
    if (plan->npaths > 0)
        paths = invalidate_normalise_paths((const char *const *)plan->paths, plan->npaths, &n);
    else
        paths = invalidate_default_paths(plan->env->settings, plan->distribution, &n);
    action_strv_free(&plan->paths, &plan->npaths);
    plan->paths = paths;
    plan->npaths = n;
    if (n == 0) {
        od_error_set(err, OD_E_USAGE, "no paths to invalidate");
        return OD_E_USAGE;
    }
    for (size_t i = 0; i < n; i++) {
        const char *star = strchr(paths[i], '*');

        if (strlen(paths[i]) > PATH_MAX_LEN || (star != NULL && star[1] != '\0')) {
            char *safe = inert(paths[i]);

            od_error_set(err, OD_E_USAGE,
                         "bad path '%s': at most %d characters, '*' only at the end", safe,
                         PATH_MAX_LEN);
            free(safe);
            return OD_E_USAGE;
        }
    }
    t = xasprintf("distribution %s", plan->distribution);
    plan->target = inert(t);
    free(t);
    plan_set_typed(plan, plan->distribution);
    plan->caller_reference =
        invalidate_caller_reference(plan->distribution, (const char *const *)paths, n,
                                    plan->identity_arn, clock_aws_now());
    buf_init(&b, 0);
    for (size_t i = 0; i < n; i++)
        buf_printf(&b, "%s%s", i > 0 ? " " : "", paths[i]);
    joined = xasprintf("invalidate %zu path%s: %s", n, n == 1 ? "" : "s", buf_cstr(&b));
    plan->change = inert(joined);
    free(joined);
    buf_free(&b);
    cJSON_DeleteItemFromObjectCaseSensitive(plan->audit_params, "paths");
    json_add_strs(plan->audit_params, "paths", (const char *const *)paths, n);
    json_add_str(plan->audit_params, "callerReference", plan->caller_reference);

    call.svc = OD_SVC_CLOUDFRONT;
    call.op = "ListInvalidations";
    call.method = "GET";
    call.path = cf_path_invalidations(plan->distribution);
    call.query = &q;
    call.nquery = 1;
    rc = job_call(job, &call, iv_on_list, err);
    free((char *)call.path);
    return rc;
}

/* ---- execute --------------------------------------------------------------------------- */

static void
iv_on_created(struct od_action_job *job, const struct od_aws_response *resp,
              const struct od_error *err)
{
    struct od_invalidation inv = {0};
    struct od_error e = {0};
    char *id, *st;

    job_note_request_id(job, resp, err);
    if (err != NULL) {
        job_exec_fail(job, err, err->err == OD_E_NETWORK || err->err == OD_E_TIMEOUT);
        return;
    }
    if (cf_decode_invalidation(resp->body, resp->body_len, &inv, &e) != OD_OK) {
        job_exec_fail(job, &e, true);
        od_error_clear(&e);
        return;
    }
    job->invalidation_id = xstrdup(inv.id != NULL ? inv.id : "");
    job->invalidation_status = xstrdup(inv.status != NULL ? inv.status : "");
    job->after = json_new_object();
    json_add_str(job->after, "invalidationId", inv.id);
    json_add_str(job->after, "status", inv.status);
    json_add_strs(job->after, "paths", (const char *const *)inv.paths, inv.npaths);
    json_add_str(job->after, "callerReference", inv.caller_reference);
    id = inert(inv.id);
    st = inert(inv.status);
    job->summary = xasprintf("invalidation %s: %s", id, st);
    free(id);
    free(st);
    invalidation_clear(&inv);
    job_exec_done(job);
}

enum od_err
invalidate_execute(struct od_action_job *job, struct od_error *err)
{
    struct od_plan *plan = job->plan;
    struct od_aws_call call = {0};
    char *body = cf_body_invalidation_batch((const char *const *)plan->paths, plan->npaths,
                                            plan->caller_reference);
    enum od_err rc;

    if (body == NULL) {
        od_error_set(err, OD_E_USAGE, "invalid paths for an invalidation");
        return OD_E_USAGE;
    }
    call.svc = OD_SVC_CLOUDFRONT;
    call.op = "CreateInvalidation";
    call.method = "POST";
    call.path = cf_path_invalidations(plan->distribution);
    call.body = body;
    call.body_len = strlen(body);
    /* Same CallerReference and paths = the same invalidation: safe to resend. */
    call.flags = OD_CALL_MUTATES | OD_CALL_IDEMPOTENT;
    rc = job_call(job, &call, iv_on_created, err);
    free((char *)call.path);
    free(body);
    return rc;
}

/* ---- follow ---------------------------------------------------------------------------- */

struct od_inv_follow {
    struct od_action_env *env;
    char *dist, *id;
    uint64_t started, timeout_ms, timer;
    invalidate_follow_cb cb;
    void *ud;
    bool in_flight, done, freed;
    int throttles;
};

static void follow_poll(void *ud);

static void
follow_finish(struct od_inv_follow *f, const char *status, const struct od_error *err)
{
    f->done = true;
    f->cb(status, true, err, f->ud);
}

static void
follow_schedule(struct od_inv_follow *f, uint64_t delay)
{
    f->timer = loop_timer_add(f->env->aws->loop, delay, follow_poll, f);
}

static void
on_get(const struct od_aws_response *resp, const struct od_error *err, void *ud)
{
    struct od_inv_follow *f = ud;
    struct od_invalidation inv = {0};
    struct od_error e = {0};
    bool timed_out;

    f->in_flight = false;
    if (f->freed) {
        free(f->dist);
        free(f->id);
        free(f);
        return;
    }
    timed_out = f->timeout_ms > 0 && clock_mono_ms() - f->started >= f->timeout_ms;
    if (err != NULL && err->err != OD_OK) {
        bool transient = err->err == OD_E_THROTTLED || err->err == OD_E_NETWORK ||
                         err->err == OD_E_TIMEOUT || err->http_status >= 500;

        if (!transient || timed_out) {
            follow_finish(f, NULL, err);
            return;
        }
        f->cb(NULL, false, err, f->ud);
        follow_schedule(f, f->env->follow_interval_ms);
        return;
    }
    if (cf_decode_invalidation(resp->body, resp->body_len, &inv, &e) != OD_OK) {
        follow_finish(f, NULL, &e);
        od_error_clear(&e);
        return;
    }
    if (cf_invalidation_done(inv.status)) {
        follow_finish(f, inv.status, NULL);
    } else if (timed_out) {
        od_error_set(&e, OD_E_TIMEOUT, "invalidation still %s after the wait limit",
                     inv.status != NULL ? inv.status : "in progress");
        follow_finish(f, inv.status, &e);
        od_error_clear(&e);
    } else {
        f->cb(inv.status, false, NULL, f->ud);
        follow_schedule(f, f->env->follow_interval_ms);
    }
    invalidation_clear(&inv);
}

static enum od_err
follow_start_get(struct od_inv_follow *f, struct od_error *err)
{
    struct od_aws_call call = {0};
    enum od_err rc;

    call.svc = OD_SVC_CLOUDFRONT;
    call.op = "GetInvalidation";
    call.method = "GET";
    call.path = cf_path_invalidation(f->dist, f->id);
    rc = aws_call(f->env->aws, &call, on_get, f, err);
    free((char *)call.path);
    if (rc == OD_OK)
        f->in_flight = true;
    return rc;
}

static void
follow_poll(void *ud)
{
    struct od_inv_follow *f = ud;
    struct od_error e = {0};

    f->timer = 0;
    if (follow_start_get(f, &e) != OD_OK) {
        follow_finish(f, NULL, &e);
        od_error_clear(&e);
    }
}

enum od_err
invalidate_follow(struct od_action_env *env, const char *distribution, const char *invalidation_id,
                  unsigned long long timeout_ms, invalidate_follow_cb cb, void *ud,
                  struct od_inv_follow **out, struct od_error *err)
{
    struct od_inv_follow *f = xcalloc(1, sizeof *f);
    enum od_err rc;

    f->env = env;
    f->dist = xstrdup(distribution);
    f->id = xstrdup(invalidation_id);
    f->started = clock_mono_ms();
    f->timeout_ms = timeout_ms;
    f->cb = cb;
    f->ud = ud;
    if ((rc = follow_start_get(f, err)) != OD_OK) {
        free(f->dist);
        free(f->id);
        free(f);
        return rc;
    }
    *out = f;
    return OD_OK;
}

void
invalidate_follow_free(struct od_inv_follow **fp)
{
    struct od_inv_follow *f = *fp;

    if (f == NULL)
        return;
    *fp = NULL;
    if (f->timer != 0)
        loop_timer_cancel(f->env->aws->loop, f->timer);
    if (f->in_flight) {
        f->freed = true; /* on_get frees it when the call completes */
        return;
    }
    free(f->dist);
    free(f->id);
    free(f);
}
