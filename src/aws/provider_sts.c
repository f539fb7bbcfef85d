/* STS AssumeRole signed with a source provider's credentials, and AssumeRoleWithWebIdentity
 * (unsigned, token from a file). The source is asked for fresh credentials on every get, so
 * a chain of roles refreshes all the way down. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/proto_xml.h"
#include "aws/provider.h"
#include "aws/request.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/hash.h"
#include "util/str.h"
#include "util/xalloc.h"

#define WEB_TOKEN_MAX (64 * 1024)

struct sts_impl {
    struct od_provider *source; /* NULL for web identity */
    char *role_arn;
    char *session_name; /* NULL = generated per call */
    char *external_id;
    long duration_seconds;
    char *web_identity_file;
};

struct sts_run {
    struct od_provider *p;
    od_creds_cb cb;
    void *ud;
};

static void
run_end(struct sts_run *run, struct od_creds *c, const struct od_error *err)
{
    provider_deliver(run->p, run->cb, run->ud, c, err);
    provider_release(&run->p);
    free(run);
}

static void
run_fail(struct sts_run *run, enum od_err e, const char *msg)
{
    struct od_error err = { 0 };

    od_error_set(&err, e, "%s", msg);
    run_end(run, NULL, &err);
    od_error_clear(&err);
}

/* "arn:aws:sts::123456789012:assumed-role/..." -> "123456789012" */
static char *
account_from_arn(const char *arn)
{
    const char *p = arn;
    int i;

    for (i = 0; i < 4 && p != NULL; i++) {
        p = strchr(p, ':');
        if (p != NULL)
            p++;
    }
    if (p == NULL || strchr(p, ':') == NULL)
        return NULL;
    return xstrndup(p, (size_t)(strchr(p, ':') - p));
}

static void
sts_done(const struct od_aws_response *resp, const struct od_error *err, void *ud)
{
    struct sts_run *run = ud;
    struct sts_impl *si = run->p->impl;
    const char *op = si->web_identity_file != NULL ? "AssumeRoleWithWebIdentity" : "AssumeRole";
    struct od_xml *doc = NULL;
    const struct od_xml_node *res;
    char *akid = NULL, *secret = NULL, *token = NULL, *arn = NULL, *source, *msg;
    time_t exp = 0;
    struct od_creds *c;
    struct od_error out = { 0 };

    if (err != NULL && err->err != OD_OK) {
        char *why = od_error_format(err);

        od_error_copy(&out, err);
        free(out.message);
        out.message = xasprintf("%s %s failed: %s", op, si->role_arn, why);
        free(why);
        run_end(run, NULL, &out);
        od_error_clear(&out);
        return;
    }
    if (xml_parse(resp->body, resp->body_len, &doc, NULL) != OD_OK) {
        run_fail(run, OD_E_PARSE, "STS response is not XML");
        return;
    }
    res = xml_child(xml_root(doc), si->web_identity_file != NULL ? "AssumeRoleWithWebIdentityResult"
                                                                : "AssumeRoleResult");
    akid = xml_text_at(res, "Credentials/AccessKeyId");
    secret = xml_text_at(res, "Credentials/SecretAccessKey");
    token = xml_text_at(res, "Credentials/SessionToken");
    arn = xml_text_at(res, "AssumedRoleUser/Arn");
    if (str_empty(akid) || str_empty(secret) || str_empty(token) ||
        !xml_time(res, "Credentials/Expiration", &exp)) {
        msg = xasprintf("%s response lacks Credentials", op);
        run_fail(run, OD_E_PARSE, msg);
        free(msg);
    } else {
        source = xasprintf("assume-role:%s", si->role_arn);
        c = creds_new(akid, secret, token, exp, source);
        free(source);
        c->account_id = arn != NULL ? account_from_arn(arn) : NULL;
        run_end(run, c, NULL);
        creds_release(&c);
    }
    secure_free_str(&akid);
    secure_free_str(&secret);
    secure_free_str(&token);
    free(arn);
    xml_free(&doc);
}

static void
add_param(struct od_kv *kv, size_t *n, const char *key, const char *value)
{
    kv[*n].key = key;
    kv[*n].value = value;
    (*n)++;
}

/* Build and start the STS call; creds NULL means unsigned (web identity). */
static void
sts_start(struct sts_run *run, struct od_creds *creds)
{
    struct sts_impl *si = run->p->impl;
    struct od_aws *aws = run->p->aws;
    struct od_kv kv[6];
    size_t n = 0;
    struct od_buf body;
    struct od_aws_call call = { 0 };
    struct od_error err = { 0 };
    char *session = si->session_name != NULL
                        ? xstrdup(si->session_name)
                        : xasprintf("ondeck-%lld", (long long)(clock_wall_ms() / 1000));
    char dur[24];
    char *token = NULL;
    const char *action = si->web_identity_file != NULL ? "AssumeRoleWithWebIdentity"
                                                       : "AssumeRole";

    if (si->web_identity_file != NULL) {
        FILE *f = fopen(si->web_identity_file, "r");
        struct od_buf tb;
        char chunk[4096];
        size_t got;

        if (f == NULL) {
            char *msg = xasprintf("web_identity_token_file %s: %s", si->web_identity_file,
                                  strerror(errno));

            run_fail(run, OD_E_IO, msg);
            free(msg);
            free(session);
            return;
        }
        buf_init(&tb, WEB_TOKEN_MAX);
        while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
            if (buf_append(&tb, chunk, got) != OD_OK)
                break;
        fclose(f);
        secure_zero(chunk, sizeof chunk);
        token = buf_steal(&tb);
        {
            char *t = str_trim(token);

            memmove(token, t, strlen(t) + 1);
        }
    }
    add_param(kv, &n, "RoleArn", si->role_arn);
    add_param(kv, &n, "RoleSessionName", session);
    if (token != NULL)
        add_param(kv, &n, "WebIdentityToken", token);
    if (si->external_id != NULL && token == NULL)
        add_param(kv, &n, "ExternalId", si->external_id);
    if (si->duration_seconds > 0) {
        snprintf(dur, sizeof dur, "%ld", si->duration_seconds);
        add_param(kv, &n, "DurationSeconds", dur);
    }

    buf_init(&body, 0);
    buf_printf(&body, "Action=%s&Version=%s", action, svc_info(OD_SVC_STS)->api_version);
    for (size_t i = 0; i < n; i++) {
        buf_printf(&body, "&%s=", kv[i].key);
        str_uri_encode(&body, kv[i].value, strlen(kv[i].value), false);
    }
    call.svc = OD_SVC_STS;
    call.op = action;
    call.body = body.data;
    call.body_len = body.len;
    call.creds = creds;
    call.flags = creds == NULL ? OD_CALL_UNSIGNED : 0;
    call.region = aws->region != NULL ? NULL : "us-east-1";
    if (aws_call(aws, &call, sts_done, run, &err) != OD_OK) {
        char *why = od_error_format(&err);
        char *msg = xasprintf("%s %s could not start: %s", action, si->role_arn, why);

        run_fail(run, err.err != OD_OK ? err.err : OD_E_NETWORK, msg);
        free(msg);
        free(why);
        od_error_clear(&err);
    }
    if (body.data != NULL)
        secure_zero(body.data, body.len);
    buf_free(&body);
    secure_free_str(&token);
    free(session);
}

static void
source_done(struct od_creds *creds, const struct od_error *err, void *ud)
{
    struct sts_run *run = ud;
    struct sts_impl *si = run->p->impl;
    struct od_error out = { 0 };

    if (creds == NULL) {
        od_error_copy(&out, err);
        free(out.message);
        out.message = xasprintf("source credentials for %s: %s", si->role_arn,
                                err->message != NULL ? err->message : od_strerror(err->err));
        /* The source not being configured is a configuration error here, not "go on". */
        if (out.err == OD_E_NO_CREDS)
            out.err = OD_E_CONFIG;
        run_end(run, NULL, &out);
        od_error_clear(&out);
        return;
    }
    sts_start(run, creds);
}

static enum od_err
sts_get(struct od_provider *p, od_creds_cb cb, void *ud)
{
    struct sts_impl *si = p->impl;
    struct sts_run *run = xcalloc(1, sizeof *run);
    enum od_err e;

    run->p = provider_acquire(p);
    run->cb = cb;
    run->ud = ud;
    if (si->source == NULL) {
        /* Web identity: everything local happens on the next turn, like any provider. */
        sts_start(run, NULL);
        return OD_OK;
    }
    e = provider_get(si->source, source_done, run);
    if (e != OD_OK) {
        provider_release(&run->p);
        free(run);
    }
    return e;
}

static void
sts_invalidate(struct od_provider *p)
{
    struct sts_impl *si = p->impl;

    provider_invalidate(si->source);
}

static void
sts_destroy(struct od_provider *p)
{
    struct sts_impl *si = p->impl;

    provider_release(&si->source);
    free(si->role_arn);
    free(si->session_name);
    free(si->external_id);
    free(si->web_identity_file);
    free(si);
}

static const struct od_provider_ops sts_ops = {
    .name = "assume-role",
    .get = sts_get,
    .destroy = sts_destroy,
    .invalidate = sts_invalidate,
};

static char *
dup_nonempty(const char *s)
{
    return str_empty(s) ? NULL : xstrdup(s);
}

struct od_provider *
provider_sts_new(struct od_aws *aws, struct od_provider *source, const struct od_assume_role *ar)
{
    struct sts_impl *si = xcalloc(1, sizeof *si);

    si->source = source != NULL ? provider_acquire(source) : NULL;
    si->role_arn = xstrdup(ar->role_arn);
    si->session_name = dup_nonempty(ar->session_name);
    si->external_id = dup_nonempty(ar->external_id);
    si->duration_seconds = ar->duration_seconds;
    si->web_identity_file = dup_nonempty(ar->web_identity_file);
    return provider_new(&sts_ops, aws, si);
}
