#include "aws/request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/profile.h"
#include "aws/proto.h"
#include "aws/proto_query.h"
#include "aws/provider.h"
#include "net/retry.h"
#include "util/clock.h"
#include "util/hash.h"
#include "util/log.h"
#include "util/str.h"
#include "util/xalloc.h"

/* One logical call, alive from aws_call until its callback has run. */
struct od_call {
    struct od_aws *aws;
    enum od_svc svc;
    char *op;
    char *method;
    char *path;
    struct od_kv *query;
    size_t nquery;
    struct od_kv *headers;
    size_t nheaders;
    char *content_type;
    char *body;
    size_t body_len;
    unsigned flags;
    struct od_creds *explicit_creds;
    char *region;
    long timeout_ms;

    od_aws_cb cb;
    void *ud;
    struct od_endpoint ep;
    struct od_creds *creds; /* held for the attempt in flight */
    int attempt;            /* attempts sent so far */
    int last_retry_cost;
    bool refreshed_creds;
    bool corrected_skew;
    uint64_t http_id;
    uint64_t timer_id;
    struct od_call *prev, *next;
};

static void attempt_start(void *ud);

static char *
dup_opt(const char *s)
{
    return s != NULL ? xstrdup(s) : NULL;
}

static struct od_kv *
dup_kvs(const struct od_kv *kv, size_t n)
{
    struct od_kv *out;

    if (n == 0)
        return NULL;
    out = xcalloc(n, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        out[i].key = xstrdup(kv[i].key);
        out[i].value = xstrdup(kv[i].value != NULL ? kv[i].value : "");
    }
    return out;
}

/* Values are wiped: headers carry bearer tokens (SSO) and bodies web-identity tokens. */
static void
free_kvs(struct od_kv *kv, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *v = (char *)kv[i].value;

        free((char *)kv[i].key);
        secure_free_str(&v);
    }
    free(kv);
}

static void
call_free(struct od_call *c)
{
    struct od_aws *aws = c->aws;

    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        aws->calls = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    aws->pending--;
    if (c->timer_id != 0)
        loop_timer_cancel(aws->loop, c->timer_id);
    if (c->http_id != 0)
        http_cancel(aws->http, c->http_id);
    free(c->op);
    free(c->method);
    free(c->path);
    free_kvs(c->query, c->nquery);
    free_kvs(c->headers, c->nheaders);
    free(c->content_type);
    if (c->body != NULL)
        secure_zero(c->body, c->body_len);
    free(c->body);
    creds_release(&c->explicit_creds);
    creds_release(&c->creds);
    free(c->region);
    endpoint_free(&c->ep);
    free(c);
}

static void
finish(struct od_call *c, const struct od_aws_response *resp, const struct od_error *err)
{
    od_aws_cb cb = c->cb;
    void *ud = c->ud;

    /* Unlink before the callback: it may start new calls or free the context's users. */
    c->cb = NULL;
    cb(resp, err, ud);
    call_free(c);
}

static void
finish_error(struct od_call *c, struct od_error *err)
{
    char *line = od_error_format(err);

    log_debug("aws %s.%s failed after %d attempt(s): %s", svc_info(c->svc)->id, c->op,
              c->attempt, line);
    free(line);
    finish(c, NULL, err);
}

static double
rand01(void)
{
    uint32_t r;

    hash_random(&r, sizeof r);
    return (double)r / 4294967296.0;
}

/* Decide whether a failed attempt is tried again; returns true when a retry was scheduled. */
static bool
maybe_retry(struct od_call *c, struct od_error *err, bool maybe_sent)
{
    struct od_aws *aws = c->aws;
    enum retry_class cls = retry_classify(err, aws->legacy_retry);
    uint64_t delay;
    int cost;

    if (cls == RETRY_THROTTLE) {
        aws->throttles_total++;
        aws->throttles_by_svc[c->svc]++;
    }
    if (cls == RETRY_NO || (c->flags & OD_CALL_NO_RETRY))
        return false;
    /* A mutation goes out again only when it is idempotent or provably was not applied. */
    if ((c->flags & OD_CALL_MUTATES) && !(c->flags & OD_CALL_IDEMPOTENT) &&
        !retry_proves_not_applied(cls, maybe_sent))
        return false;
    if (cls == RETRY_EXPIRED) {
        /* Refresh once, then report; explicit (source) credentials cannot be refreshed here.
         * Within a minute of the last forced refresh, only try again with what the cache
         * holds now: calls refused together refresh once, and a source that keeps handing
         * out expired tokens is not run again for every call. */
        if (c->refreshed_creds || c->explicit_creds != NULL || aws->provider == NULL)
            return false;
        c->refreshed_creds = true;
        if (aws->forced_refresh_ms == 0 ||
            clock_mono_ms() - aws->forced_refresh_ms >= OD_FORCED_REFRESH_GAP_MS) {
            aws->forced_refresh_ms = clock_mono_ms();
            provider_invalidate(aws->provider);
        }
        c->timer_id = loop_timer_add(aws->loop, 0, attempt_start, c);
        return true;
    }
    if (cls == RETRY_SKEW && !c->corrected_skew) {
        /* The clock was just corrected from the answer's Date: try again at once. */
        c->corrected_skew = true;
        c->timer_id = loop_timer_add(aws->loop, 0, attempt_start, c);
        return true;
    }
    /* A skew error after a correction is an ordinary retry: bounded by the attempts and
     * the quota, so a server whose clock keeps moving cannot keep us busy. */
    if (cls == RETRY_SKEW)
        cls = RETRY_TRANSIENT;
    if (c->attempt >= aws->max_attempts)
        return false;
    if (!retry_quota_take(&aws->retry_quota, cls, &cost))
        return false;
    c->last_retry_cost = cost;
    delay = retry_backoff_ms(c->attempt, rand01(), aws->legacy_retry);
    log_debug("aws %s.%s attempt %d failed (%s), retry in %llu ms", svc_info(c->svc)->id, c->op,
              c->attempt, err->code != NULL ? err->code : od_strerror(err->err),
              (unsigned long long)delay);
    c->timer_id = loop_timer_add(aws->loop, delay, attempt_start, c);
    return true;
}

/* Learn the server's clock from its Date header (RequestTimeTooSkewed and friends). */
static void
learn_skew(const struct od_http_response *resp)
{
    const char *date = http_header(resp, "Date");
    time_t server;

    if (date != NULL && clock_parse_http_date(date, &server)) {
        int64_t skew = (int64_t)server * 1000 - clock_wall_ms();

        clock_set_skew_ms(skew);
        log_debug("clock skew corrected by %lld ms", (long long)skew);
    }
}

static void
on_http(struct od_http_response *resp, void *ud)
{
    struct od_call *c = ud;
    const struct od_svc_info *info = svc_info(c->svc);
    struct od_error err = {0};
    struct od_aws_response out;
    char *rid;

    c->http_id = 0;
    creds_release(&c->creds);
    if (resp->err != OD_OK) {
        od_error_set(&err, resp->err, "%s", resp->errmsg != NULL ? resp->errmsg : "");
        if (!maybe_retry(c, &err, resp->maybe_sent)) {
            if ((c->flags & OD_CALL_MUTATES) && resp->maybe_sent) {
                char *m = xasprintf("%s (the change may or may not have been applied)",
                                    err.message != NULL ? err.message : "");
                free(err.message);
                err.message = m;
            }
            finish_error(c, &err);
        }
        od_error_clear(&err);
        return;
    }
    rid = proto_request_id(info->proto, resp->body.data, resp->body.len, resp);
    if (resp->status >= 200 && resp->status < 300) {
        retry_quota_success(&c->aws->retry_quota, c->last_retry_cost);
        out.status = resp->status;
        out.body = buf_cstr(&resp->body);
        out.body_len = resp->body.len;
        out.http = resp;
        out.request_id = rid;
        out.attempts = c->attempt;
        log_debug("aws %s.%s ok status=%ld attempts=%d request-id=%s", info->id, c->op,
                  resp->status, c->attempt, rid != NULL ? rid : "-");
        finish(c, &out, NULL);
        free(rid);
        return;
    }
    proto_parse_error(info->proto, resp->status, resp->body.data, resp->body.len, resp, &err);
    if (err.request_id == NULL && rid != NULL)
        err.request_id = xstrdup(rid);
    free(rid);
    if (retry_classify(&err, c->aws->legacy_retry) == RETRY_SKEW)
        learn_skew(resp);
    if (!maybe_retry(c, &err, true)) {
        if (retry_is_throttle_code(err.code))
            err.err = OD_E_THROTTLED;
        else if (retry_is_expired_code(err.code))
            err.err = OD_E_EXPIRED_CREDS;
        finish_error(c, &err);
    }
    od_error_clear(&err);
}

static void
push_header(struct od_header **hs, size_t *n, const char *name, const char *value)
{
    *hs = xreallocarray(*hs, *n + 1, sizeof **hs);
    (*hs)[*n].name = (char *)name;
    (*hs)[*n].value = (char *)value;
    (*n)++;
}

static void
send_attempt(struct od_call *c)
{
    struct od_aws *aws = c->aws;
    const struct od_svc_info *info = svc_info(c->svc);
    struct od_sigv4_input in = {0};
    struct od_sigv4_output sig = {0};
    struct od_http_request req = {0};
    struct od_header *hs = NULL;
    size_t nh = 0;
    struct od_error err = {0};
    char *path, *url, *query = NULL;

    path = xasprintf("%s%s", c->ep.base_path != NULL ? c->ep.base_path : "",
                     c->path != NULL ? c->path : "/");
    c->attempt++;
    aws->attempts_total++;
    if (!(c->flags & OD_CALL_UNSIGNED)) {
        in.method = c->method;
        in.host = c->ep.host;
        in.path = path;
        in.query = c->query;
        in.nquery = c->nquery;
        in.headers = c->headers;
        in.nheaders = c->nheaders;
        in.body = c->body;
        in.body_len = c->body_len;
        in.region = c->ep.signing_region;
        in.service = info->signing_name;
        in.when = clock_aws_now();
        in.access_key_id = c->creds->access_key_id;
        in.secret_access_key = c->creds->secret_access_key;
        in.session_token = c->creds->session_token;
        if (sigv4_sign(&in, &sig) != OD_OK) {
            od_error_set(&err, OD_E_USAGE, "could not sign the request");
            free(path);
            finish_error(c, &err);
            od_error_clear(&err);
            return;
        }
        query = xstrdup(sig.query_string != NULL ? sig.query_string : "");
        push_header(&hs, &nh, "X-Amz-Date", sig.amz_date);
        if (!str_empty(c->creds->session_token))
            push_header(&hs, &nh, "X-Amz-Security-Token", c->creds->session_token);
        push_header(&hs, &nh, "Authorization", sig.authorization);
    } else {
        struct od_buf q;

        buf_init(&q, 0);
        for (size_t i = 0; i < c->nquery; i++) {
            if (i > 0)
                buf_putc(&q, '&');
            str_uri_encode(&q, c->query[i].key, strlen(c->query[i].key), false);
            buf_putc(&q, '=');
            str_uri_encode(&q, c->query[i].value, strlen(c->query[i].value), false);
        }
        query = buf_steal(&q);
    }
    for (size_t i = 0; i < c->nheaders; i++)
        push_header(&hs, &nh, c->headers[i].key, c->headers[i].value);

    url = xasprintf("%s%s%s%s", c->ep.url, path, *query != '\0' ? "?" : "", query);
    req.method = c->method;
    req.url = url;
    req.headers = hs;
    req.nheaders = nh;
    req.body = c->body;
    req.body_len = c->body_len;
    req.timeout_ms = c->timeout_ms;
    req.fresh_connection = (c->flags & OD_CALL_MUTATES) && !(c->flags & OD_CALL_IDEMPOTENT);
    log_debug("aws %s.%s attempt %d %s %s", info->id, c->op, c->attempt, c->method,
              c->ep.host);
    c->http_id = http_submit(aws->http, &req, on_http, c);
    free(hs);
    free(url);
    free(query);
    free(path);
    sigv4_output_free(&sig);
}

static void
on_creds(struct od_creds *creds, const struct od_error *err, void *ud)
{
    struct od_call *c = ud;

    if (creds == NULL) {
        struct od_error copy = {0};

        od_error_copy(&copy, err);
        if (copy.err == OD_OK)
            copy.err = OD_E_NO_CREDS;
        finish_error(c, &copy);
        od_error_clear(&copy);
        return;
    }
    c->creds = creds_acquire(creds);
    send_attempt(c);
}

static void
attempt_start(void *ud)
{
    struct od_call *c = ud;
    struct od_error err = {0};

    c->timer_id = 0;
    if (c->flags & OD_CALL_UNSIGNED) {
        send_attempt(c);
        return;
    }
    if (c->explicit_creds != NULL) {
        c->creds = creds_acquire(c->explicit_creds);
        send_attempt(c);
        return;
    }
    if (c->aws->provider == NULL) {
        od_error_set(&err, OD_E_NO_CREDS, "no credential provider");
        finish_error(c, &err);
        od_error_clear(&err);
        return;
    }
    if (provider_get(c->aws->provider, on_creds, c) != OD_OK) {
        od_error_set(&err, OD_E_NO_CREDS, "could not start credential resolution");
        finish_error(c, &err);
        od_error_clear(&err);
    }
}

static const char *
default_content_type(const struct od_svc_info *info, const char *method)
{
    static char json_ct[40];

    switch (info->proto) {
    case OD_PROTO_JSON:
        snprintf(json_ct, sizeof json_ct, "application/x-amz-json-%s", info->json_version);
        return json_ct;
    case OD_PROTO_QUERY:
        return "application/x-www-form-urlencoded; charset=utf-8";
    case OD_PROTO_RESTXML:
        return strcmp(method, "GET") == 0 ? NULL : "application/xml";
    case OD_PROTO_RESTJSON:
    default:
        return strcmp(method, "GET") == 0 ? NULL : "application/json";
    }
}

enum od_err
aws_call(struct od_aws *aws, const struct od_aws_call *call, od_aws_cb cb, void *ud,
         struct od_error *err)
{
    const struct od_svc_info *info = svc_info(call->svc);
    struct od_call *c = xcalloc(1, sizeof *c);
    const char *region = call->region != NULL ? call->region : aws->region;
    const char *ct;
    enum od_err rc;
    bool has_ct = false, has_target = false;

    c->aws = aws;
    c->svc = call->svc;
    c->op = xstrdup(call->op != NULL ? call->op : "?");
    c->method = xstrdup(call->method != NULL ? call->method : "POST");
    c->path = dup_opt(call->path);
    c->query = dup_kvs(call->query, call->nquery);
    c->nquery = call->nquery;
    c->flags = call->flags;
    c->region = dup_opt(region);
    c->timeout_ms = call->timeout_ms;
    c->cb = cb;
    c->ud = ud;
    if (call->creds != NULL)
        c->explicit_creds = creds_acquire(call->creds);
    if (call->body != NULL) {
        c->body = xmalloc(call->body_len + 1);
        memcpy(c->body, call->body, call->body_len);
        c->body[call->body_len] = '\0';
        c->body_len = call->body_len;
    }
    for (size_t i = 0; i < call->nheaders; i++) {
        has_ct |= str_case_eq(call->headers[i].key, "content-type");
        has_target |= str_case_eq(call->headers[i].key, "x-amz-target");
    }
    c->headers = dup_kvs(call->headers, call->nheaders);
    c->nheaders = call->nheaders;
    ct = call->content_type != NULL ? call->content_type : default_content_type(info, c->method);
    if (!has_ct && ct != NULL) {
        c->headers = xreallocarray(c->headers, c->nheaders + 1, sizeof *c->headers);
        c->headers[c->nheaders].key = xstrdup("Content-Type");
        c->headers[c->nheaders++].value = xstrdup(ct);
    }
    if (!has_target && info->proto == OD_PROTO_JSON && info->target_prefix != NULL) {
        c->headers = xreallocarray(c->headers, c->nheaders + 1, sizeof *c->headers);
        c->headers[c->nheaders].key = xstrdup("X-Amz-Target");
        c->headers[c->nheaders++].value = xasprintf("%s.%s", info->target_prefix, c->op);
    }

    /* Link first so call_free's bookkeeping is uniform. */
    c->next = aws->calls;
    if (aws->calls != NULL)
        aws->calls->prev = c;
    aws->calls = c;
    aws->pending++;

    rc = endpoint_resolve(&aws->endpoints, call->svc, region, &c->ep, err);
    if (rc != OD_OK) {
        c->cb = NULL;
        call_free(c);
        return rc;
    }
    aws->calls_total++;
    aws->calls_by_svc[call->svc]++;
    /* Never run the pipeline inside the caller: the callback must not re-enter it. */
    c->timer_id = loop_timer_add(aws->loop, 0, attempt_start, c);
    return OD_OK;
}

enum od_err
aws_call_json(struct od_aws *aws, enum od_svc svc, const char *op, const char *body,
              unsigned flags, od_aws_cb cb, void *ud, struct od_error *err)
{
    struct od_aws_call call = {0};

    call.svc = svc;
    call.op = op;
    call.body = body != NULL ? body : "{}";
    call.body_len = strlen(call.body);
    call.flags = flags;
    if (svc == OD_SVC_CLOUDWATCH) {
        /* CloudWatch's JSON protocol is query-compatible; botocore says so explicitly. */
        static const struct od_kv qm[] = {{"x-amzn-query-mode", "true"}};
        call.headers = qm;
        call.nheaders = 1;
    }
    return aws_call(aws, &call, cb, ud, err);
}

enum od_err
aws_call_query(struct od_aws *aws, enum od_svc svc, const char *action,
               const struct od_kv *params, size_t nparams, unsigned flags, od_aws_cb cb,
               void *ud, struct od_error *err)
{
    struct od_aws_call call = {0};
    struct od_buf body;
    enum od_err rc;

    buf_init(&body, 0);
    if ((rc = proto_query_encode(&body, action, svc_info(svc)->api_version, params, nparams)) !=
        OD_OK) {
        od_error_set(err, rc, "request for %s is too large", action);
        buf_free(&body);
        return rc;
    }
    call.svc = svc;
    call.op = action;
    call.body = body.data;
    call.body_len = body.len;
    call.flags = flags;
    rc = aws_call(aws, &call, cb, ud, err);
    buf_free(&body);
    return rc;
}

void
aws_cancel_ud(struct od_aws *aws, void *ud)
{
    struct od_call *c = aws->calls, *next;

    for (; c != NULL; c = next) {
        next = c->next;
        if (c->ud == ud && c->cb != NULL) {
            c->cb = NULL;
            call_free(c);
        }
    }
}

void
aws_wait_idle(struct od_aws *aws)
{
    while (aws->pending > 0 && !loop_stopping(aws->loop))
        loop_run_once(aws->loop);
}

static int
env_int(const char *name, int def)
{
    long v;

    if (str_to_long(getenv(name), &v) && v > 0 && v < 100)
        return (int)v;
    return def;
}

enum od_err
aws_new(struct od_aws **out, struct od_loop *loop, const struct od_aws_opts *opts,
        struct od_error *err)
{
    struct od_aws *aws = xcalloc(1, sizeof *aws);
    const char *region, *mode, *v;
    enum od_err rc;
    long n;

    aws->loop = loop;
    aws->http = http_new(loop);
    aws->retry_quota = RETRY_QUOTA_MAX;
    if ((rc = profiles_load(&aws->profiles, err)) != OD_OK) {
        aws_free(&aws);
        return rc;
    }
    aws->profile_explicit = !str_empty(opts->profile);
    aws->profile = xstrdup(profiles_selected_name(opts->profile));
    if (aws->profile_explicit && !profiles_exists(aws->profiles, aws->profile)) {
        od_error_set(err, OD_E_CONFIG, "the config profile (%s) could not be found",
                     aws->profile);
        aws_free(&aws);
        return OD_E_CONFIG;
    }
    region = region_resolve(opts->region, aws->profiles, aws->profile);
    aws->region = region != NULL ? xstrdup(region) : NULL;
    aws->cli_endpoint_url = dup_opt(opts->endpoint_url);
    aws->endpoints.cli_endpoint_url = aws->cli_endpoint_url;
    aws->endpoints.profiles = aws->profiles;
    aws->endpoints.profile = aws->profile;

    mode = getenv("AWS_RETRY_MODE");
    if (str_empty(mode))
        mode = profiles_get(aws->profiles, aws->profile, "retry_mode");
    aws->legacy_retry = str_eq(mode, "legacy");
    aws->max_attempts = aws->legacy_retry ? 5 : 3;
    v = profiles_get(aws->profiles, aws->profile, "max_attempts");
    if (str_to_long(v, &n) && n > 0 && n < 100)
        aws->max_attempts = (int)n;
    aws->max_attempts = env_int("AWS_MAX_ATTEMPTS", aws->max_attempts);

    aws->provider = provider_default(aws, aws->profile, aws->profile_explicit);
    *out = aws;
    return OD_OK;
}

void
aws_free(struct od_aws **ap)
{
    struct od_aws *aws = *ap;

    if (aws == NULL)
        return;
    while (aws->calls != NULL) {
        aws->calls->cb = NULL;
        call_free(aws->calls);
    }
    provider_release(&aws->provider);
    http_free(&aws->http);
    profiles_free(&aws->profiles);
    free(aws->profile);
    free(aws->region);
    free(aws->cli_endpoint_url);
    free(aws);
    *ap = NULL;
}
