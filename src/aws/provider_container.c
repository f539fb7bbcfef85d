/* ECS task / EKS Pod Identity credentials (notes 7.6). The environment is read at each get:
 * RELATIVE_URI goes to http://169.254.170.2, FULL_URI must be https or plain http to a
 * loopback or the link-local container hosts. The Authorization token comes from
 * AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (re-read every time; rotated by the agent) or
 * AWS_CONTAINER_AUTHORIZATION_TOKEN. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/provider.h"
#include "aws/request.h"
#include "net/http.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/hash.h"
#include "util/str.h"
#include "util/xalloc.h"

#define CONTAINER_HOST "http://169.254.170.2"
#define TOKEN_MAX 16384
#define ATTEMPTS 3
#define RETRY_DELAY_MS 1000

struct container_run {
    struct od_provider *p;
    od_creds_cb cb;
    void *ud;
    char *url;
    char *auth; /* may be NULL */
    int attempt;
};

static void
wipe_json(cJSON *j)
{
    cJSON *it;

    cJSON_ArrayForEach(it, j) {
        if (cJSON_IsString(it) && it->valuestring != NULL)
            secure_zero(it->valuestring, strlen(it->valuestring));
        else if (cJSON_IsObject(it) || cJSON_IsArray(it))
            wipe_json(it);
    }
}

struct od_creds *
provider_parse_creds_json(const char *body, size_t len, const char *source,
                          struct od_error *err)
{
    cJSON *doc = cJSON_ParseWithLength(body, len);
    const cJSON *akid, *secret, *token, *exp, *account, *code;
    time_t expiration = 0;
    struct od_creds *c = NULL;

    if (!cJSON_IsObject(doc)) {
        od_error_set(err, OD_E_PARSE, "credentials response is not a JSON object");
        goto out;
    }
    code = cJSON_GetObjectItemCaseSensitive(doc, "Code");
    if (cJSON_IsString(code) && !str_eq(code->valuestring, "Success")) {
        char *clean = xstrndup(code->valuestring, 64);

        od_error_set(err, OD_E_NO_CREDS, "credentials response has Code '%s'", clean);
        free(clean);
        goto out;
    }
    akid = cJSON_GetObjectItemCaseSensitive(doc, "AccessKeyId");
    secret = cJSON_GetObjectItemCaseSensitive(doc, "SecretAccessKey");
    token = cJSON_GetObjectItemCaseSensitive(doc, "Token");
    exp = cJSON_GetObjectItemCaseSensitive(doc, "Expiration");
    account = cJSON_GetObjectItemCaseSensitive(doc, "AccountId");
    if (!cJSON_IsString(akid) || !cJSON_IsString(secret) || str_empty(akid->valuestring) ||
        str_empty(secret->valuestring)) {
        od_error_set(err, OD_E_PARSE, "credentials response lacks AccessKeyId/SecretAccessKey");
        goto out;
    }
    if (exp != NULL && (!cJSON_IsString(exp) || !clock_parse_iso(exp->valuestring, &expiration))) {
        od_error_set(err, OD_E_PARSE, "credentials response has a bad Expiration");
        goto out;
    }
    if (expiration != 0 && expiration <= clock_aws_now()) {
        od_error_set(err, OD_E_EXPIRED_CREDS, "credentials response is already expired");
        goto out;
    }
    c = creds_new(akid->valuestring, secret->valuestring,
                  cJSON_IsString(token) ? token->valuestring : NULL, expiration, source);
    if (cJSON_IsString(account) && !str_empty(account->valuestring))
        c->account_id = xstrdup(account->valuestring);
out:
    if (doc != NULL) {
        wipe_json(doc);
        cJSON_Delete(doc);
    }
    return c;
}

static bool
allowed_full_uri(const char *url)
{
    static const char *const hosts[] = {
        "127.", "localhost", "[::1]", "169.254.170.2", "169.254.170.23", "[fd00:ec2::23]",
    };
    const char *h, *end;
    size_t i, n;

    if (str_has_prefix(url, "https://"))
        return true;
    if (!str_has_prefix(url, "http://"))
        return false;
    h = url + 7;
    if (strchr(h, '@') != NULL && strchr(h, '@') < h + strcspn(h, "/?#"))
        return false; /* userinfo hides the real host */
    end = h + strcspn(h, "/?#");
    /* Host without port: for bracketed IPv6 keep the brackets. */
    if (*h == '[') {
        const char *rb = memchr(h, ']', (size_t)(end - h));

        n = rb != NULL ? (size_t)(rb - h) + 1 : (size_t)(end - h);
    } else {
        const char *colon = memchr(h, ':', (size_t)(end - h));

        n = colon != NULL ? (size_t)(colon - h) : (size_t)(end - h);
    }
    for (i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
        size_t hl = strlen(hosts[i]);

        if (hosts[i][hl - 1] == '.') {
            /* 127.0.0.0/8: digits and dots only after the prefix. */
            if (n > hl && strncmp(h, hosts[i], hl) == 0 &&
                strspn(h + hl, "0123456789.") >= n - hl)
                return true;
        } else if (n == hl && strncasecmp(h, hosts[i], hl) == 0) {
            return true;
        }
    }
    return false;
}

/* The token, or NULL with err set (or NULL and no error when none is configured). */
static char *
auth_token(struct od_error *err)
{
    const char *file = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    const char *env = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    char *tok = NULL;

    if (!str_empty(file)) {
        FILE *f = fopen(file, "r");
        struct od_buf b;
        char chunk[4096];
        size_t n;

        if (f == NULL) {
            od_error_set(err, OD_E_IO, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE %s: %s", file,
                         strerror(errno));
            return NULL;
        }
        buf_init(&b, TOKEN_MAX);
        while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
            if (buf_append(&b, chunk, n) != OD_OK)
                break;
        fclose(f);
        secure_zero(chunk, sizeof chunk);
        tok = buf_steal(&b);
        /* A trailing newline from `echo > file` is not part of the token. */
        while (*tok != '\0' && (tok[strlen(tok) - 1] == '\n' || tok[strlen(tok) - 1] == '\r'))
            tok[strlen(tok) - 1] = '\0';
    } else if (!str_empty(env)) {
        tok = xstrdup(env);
    } else {
        return NULL;
    }
    if (strpbrk(tok, "\r\n") != NULL) {
        secure_free_str(&tok);
        od_error_set(err, OD_E_CONFIG, "container authorization token contains CR or LF");
        return NULL;
    }
    return tok;
}

static void container_attempt(struct container_run *run);

static void
run_end(struct container_run *run, struct od_creds *c, const struct od_error *err)
{
    provider_deliver(run->p, run->cb, run->ud, c, err);
    provider_release(&run->p);
    free(run->url);
    secure_free_str(&run->auth);
    free(run);
}

static void
retry_timer(void *ud)
{
    container_attempt(ud);
}

static void
container_done(struct od_http_response *resp, void *ud)
{
    struct container_run *run = ud;
    struct od_error err = { 0 };
    struct od_creds *c;
    bool retryable = resp->err != OD_OK || resp->status >= 500;

    if (retryable && run->attempt < ATTEMPTS) {
        loop_timer_add(run->p->aws->loop, RETRY_DELAY_MS, retry_timer, run);
        return;
    }
    if (resp->err != OD_OK) {
        od_error_set(&err, resp->err, "%s: %s", run->url,
                     resp->errmsg != NULL ? resp->errmsg : od_strerror(resp->err));
    } else if (resp->status != 200) {
        od_error_set(&err, OD_E_HTTP, "%s answered HTTP %ld", run->url, resp->status);
        err.http_status = resp->status;
    } else {
        c = provider_parse_creds_json(resp->body.data != NULL ? resp->body.data : "",
                                      resp->body.len, "container", &err);
        if (c != NULL) {
            run_end(run, c, NULL);
            creds_release(&c);
            return;
        }
    }
    run_end(run, NULL, &err);
    od_error_clear(&err);
}

static void
container_attempt(struct container_run *run)
{
    struct od_header hs[2];
    size_t nh = 0;
    struct od_http_request req = {
        .method = "GET",
        .url = run->url,
        .timeout_ms = 2000,
        .connect_timeout_ms = 1000,
        .max_body = 64 * 1024,
        .no_proxy = true,
    };

    run->attempt++;
    hs[nh].name = (char *)"Accept";
    hs[nh++].value = (char *)"application/json";
    if (run->auth != NULL) {
        hs[nh].name = (char *)"Authorization";
        hs[nh++].value = run->auth;
    }
    req.headers = hs;
    req.nheaders = nh;
    http_submit(run->p->aws->http, &req, container_done, run);
}

static enum od_err
container_get(struct od_provider *p, od_creds_cb cb, void *ud)
{
    const char *rel = getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const char *full = getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    struct od_error err = { 0 };
    struct container_run *run;
    char *url, *auth;

    if (!str_empty(rel)) {
        url = xasprintf("%s%s%s", CONTAINER_HOST, rel[0] == '/' ? "" : "/", rel);
    } else if (!str_empty(full)) {
        if (!allowed_full_uri(full))
            return provider_fail(p, cb, ud, OD_E_CONFIG,
                                 "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to "
                                 "a loopback address or the ECS/EKS container host");
        url = xstrdup(full);
    } else {
        return provider_fail(p, cb, ud, OD_E_NO_CREDS,
                             "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI not set");
    }
    auth = auth_token(&err);
    if (auth == NULL && err.err != OD_OK) {
        provider_deliver(p, cb, ud, NULL, &err);
        od_error_clear(&err);
        free(url);
        return OD_OK;
    }
    if (p->aws->http == NULL) {
        free(url);
        secure_free_str(&auth);
        return provider_fail(p, cb, ud, OD_E_NETWORK, "no HTTP client");
    }
    run = xcalloc(1, sizeof *run);
    run->p = provider_acquire(p);
    run->cb = cb;
    run->ud = ud;
    run->url = url;
    run->auth = auth;
    container_attempt(run);
    return OD_OK;
}

static const struct od_provider_ops container_ops = {
    .name = "container",
    .get = container_get,
};

struct od_provider *
provider_container_new(struct od_aws *aws)
{
    return provider_new(&container_ops, aws, NULL);
}
