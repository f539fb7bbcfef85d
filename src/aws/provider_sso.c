/* IAM Identity Center (notes 7.5, 6.8): read the token `aws sso login` cached, then ask the
 * portal for role credentials with GetRoleCredentials (unsigned, bearer header). The token is
 * not refreshed here: an expired token is a clear instruction to log in again. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/profile.h"
#include "aws/provider.h"
#include "aws/request.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/hash.h"
#include "util/str.h"
#include "util/xalloc.h"

#define TOKEN_FILE_MAX (1024 * 1024)

struct sso_impl {
    char *profile;
};

struct sso_run {
    struct od_provider *p;
    od_creds_cb cb;
    void *ud;
    char *account_id;
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

static void
run_end(struct sso_run *run, struct od_creds *c, const struct od_error *err)
{
    provider_deliver(run->p, run->cb, run->ud, c, err);
    provider_release(&run->p);
    free(run->account_id);
    free(run);
}

static void
sso_done(const struct od_aws_response *resp, const struct od_error *err, void *ud)
{
    struct sso_run *run = ud;
    struct sso_impl *si = run->p->impl;
    struct od_error out = { 0 };
    cJSON *doc = NULL;
    const cJSON *rc, *exp;
    const cJSON *akid, *secret, *token;
    struct od_creds *c;
    char *source;

    if (err != NULL && err->err != OD_OK) {
        char *why = od_error_format(err);

        od_error_copy(&out, err);
        free(out.message);
        if (err->http_status == 401 || err->http_status == 403 ||
            str_eq(err->code, "UnauthorizedException")) {
            out.err = OD_E_EXPIRED_CREDS;
            out.message = xasprintf("sso token rejected by the portal (expired or revoked) — "
                                    "run `aws sso login --profile %s`",
                                    si->profile);
        } else {
            out.message = xasprintf("sso GetRoleCredentials failed: %s", why);
        }
        free(why);
        run_end(run, NULL, &out);
        od_error_clear(&out);
        return;
    }
    doc = cJSON_ParseWithLength(resp->body, resp->body_len);
    rc = cJSON_GetObjectItemCaseSensitive(doc, "roleCredentials");
    akid = cJSON_GetObjectItemCaseSensitive(rc, "accessKeyId");
    secret = cJSON_GetObjectItemCaseSensitive(rc, "secretAccessKey");
    token = cJSON_GetObjectItemCaseSensitive(rc, "sessionToken");
    exp = cJSON_GetObjectItemCaseSensitive(rc, "expiration");
    if (!cJSON_IsString(akid) || !cJSON_IsString(secret) || !cJSON_IsString(token) ||
        !cJSON_IsNumber(exp) || str_empty(akid->valuestring) ||
        str_empty(secret->valuestring)) {
        od_error_set(&out, OD_E_PARSE, "sso GetRoleCredentials response lacks roleCredentials");
        run_end(run, NULL, &out);
        od_error_clear(&out);
    } else {
        source = xasprintf("sso:%s", si->profile);
        /* expiration is epoch milliseconds. */
        c = creds_new(akid->valuestring, secret->valuestring, token->valuestring,
                      (time_t)(exp->valuedouble / 1000.0), source);
        free(source);
        c->account_id = run->account_id;
        run->account_id = NULL;
        run_end(run, c, NULL);
        creds_release(&c);
    }
    if (doc != NULL) {
        wipe_json(doc);
        cJSON_Delete(doc);
    }
}

/* Read the cached token; on failure *err says what the operator must do. */
static char *
load_token(const char *profile, const char *cache_key, struct od_error *err)
{
    const char *home = getenv("HOME");
    char hex[OD_SHA1_HEX_LEN];
    char *path, *token = NULL;
    FILE *f;
    struct od_buf b;
    char chunk[4096];
    size_t n;
    cJSON *doc;
    const cJSON *at, *ea;
    time_t exp;

    hash_sha1_hex(cache_key, strlen(cache_key), hex);
    path = xasprintf("%s/.aws/sso/cache/%s.json", home != NULL ? home : "", hex);
    f = fopen(path, "r");
    if (f == NULL) {
        od_error_set(err, OD_E_EXPIRED_CREDS,
                     "no sso token cached (%s: %s) — run `aws sso login --profile %s`", path,
                     strerror(errno), profile);
        free(path);
        return NULL;
    }
    buf_init(&b, TOKEN_FILE_MAX);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (buf_append(&b, chunk, n) != OD_OK)
            break;
    fclose(f);
    secure_zero(chunk, sizeof chunk);
    doc = cJSON_ParseWithLength(b.data != NULL ? b.data : "", b.len);
    if (b.data != NULL)
        secure_zero(b.data, b.len);
    buf_free(&b);
    at = cJSON_GetObjectItemCaseSensitive(doc, "accessToken");
    ea = cJSON_GetObjectItemCaseSensitive(doc, "expiresAt");
    if (!cJSON_IsString(at) || str_empty(at->valuestring) || !cJSON_IsString(ea) ||
        !clock_parse_iso(ea->valuestring, &exp)) {
        od_error_set(err, OD_E_EXPIRED_CREDS,
                     "sso token cache %s is unreadable (needs accessToken and expiresAt) — "
                     "run `aws sso login --profile %s`",
                     path, profile);
    } else if (exp <= clock_aws_now()) {
        od_error_set(err, OD_E_EXPIRED_CREDS,
                     "sso token expired — run `aws sso login --profile %s`", profile);
    } else {
        token = xstrdup(at->valuestring);
    }
    if (doc != NULL) {
        wipe_json(doc);
        cJSON_Delete(doc);
    }
    free(path);
    return token;
}

static enum od_err
sso_get(struct od_provider *p, od_creds_cb cb, void *ud)
{
    struct sso_impl *si = p->impl;
    const struct od_profiles *pr = p->aws->profiles;
    const char *session = profiles_get(pr, si->profile, "sso_session");
    const char *start_url = profiles_get(pr, si->profile, "sso_start_url");
    const char *region = profiles_get(pr, si->profile, "sso_region");
    const char *account = profiles_get(pr, si->profile, "sso_account_id");
    const char *role = profiles_get(pr, si->profile, "sso_role_name");
    struct od_error err = { 0 };
    struct od_kv query[2];
    struct od_kv header;
    struct od_aws_call call = { 0 };
    struct sso_run *run;
    char *token;

    if (!str_empty(session)) {
        if (profiles_sso_session_get(pr, session, "sso_start_url") == NULL &&
            profiles_sso_session_get(pr, session, "sso_region") == NULL)
            return provider_fail(p, cb, ud, OD_E_CONFIG,
                                 "sso_session '%s' has no [sso-session %s] section", session,
                                 session);
        start_url = profiles_sso_session_get(pr, session, "sso_start_url");
        region = profiles_sso_session_get(pr, session, "sso_region");
    }
    if (str_empty(start_url) || str_empty(region) || str_empty(account) || str_empty(role))
        return provider_fail(p, cb, ud, OD_E_CONFIG,
                             "incomplete sso configuration: needs %s, sso_account_id and "
                             "sso_role_name",
                             str_empty(session) ? "sso_start_url, sso_region"
                                                : "sso_start_url and sso_region in the "
                                                  "sso-session");
    token = load_token(si->profile, !str_empty(session) ? session : start_url, &err);
    if (token == NULL) {
        provider_deliver(p, cb, ud, NULL, &err);
        od_error_clear(&err);
        return OD_OK;
    }
    run = xcalloc(1, sizeof *run);
    run->p = provider_acquire(p);
    run->cb = cb;
    run->ud = ud;
    run->account_id = xstrdup(account);
    query[0].key = "role_name";
    query[0].value = role;
    query[1].key = "account_id";
    query[1].value = account;
    header.key = "x-amz-sso_bearer_token";
    header.value = token;
    call.svc = OD_SVC_SSO;
    call.op = "GetRoleCredentials";
    call.method = "GET";
    call.path = "/federation/credentials";
    call.query = query;
    call.nquery = 2;
    call.headers = &header;
    call.nheaders = 1;
    call.flags = OD_CALL_UNSIGNED;
    call.region = region;
    if (aws_call(p->aws, &call, sso_done, run, &err) != OD_OK) {
        struct od_error out = { 0 };
        char *why = od_error_format(&err);

        od_error_set(&out, err.err != OD_OK ? err.err : OD_E_NETWORK,
                     "sso GetRoleCredentials could not start: %s", why);
        free(why);
        run_end(run, NULL, &out);
        od_error_clear(&out);
        od_error_clear(&err);
    }
    secure_free_str(&token);
    return OD_OK;
}

static void
sso_destroy(struct od_provider *p)
{
    struct sso_impl *si = p->impl;

    free(si->profile);
    free(si);
}

static const struct od_provider_ops sso_ops = {
    .name = "sso",
    .get = sso_get,
    .destroy = sso_destroy,
};

struct od_provider *
provider_sso_new(struct od_aws *aws, const char *profile)
{
    struct sso_impl *si = xcalloc(1, sizeof *si);

    si->profile = xstrdup(profile);
    return provider_new(&sso_ops, aws, si);
}
