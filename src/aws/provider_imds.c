/* EC2 instance metadata (notes 7.7): IMDSv2 token (PUT), role name, role credentials; IMDSv1
 * when the token call is refused (403/404/405) or times out after connecting, unless v1 is
 * disabled. Short timeouts and never a proxy. IMDS trouble means "no credentials here", as in
 * botocore: the chain then reports why. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/profile.h"
#include "aws/provider.h"
#include "aws/request.h"
#include "net/http.h"
#include "util/hash.h"
#include "util/str.h"
#include "util/xalloc.h"

#define IMDS_DEFAULT "http://169.254.169.254"
#define IMDS_DEFAULT_V6 "http://[fd00:ec2::254]"
#define CREDS_PATH "/latest/meta-data/iam/security-credentials/"

enum step { S_TOKEN, S_ROLE, S_CREDS };

struct imds_run {
    struct od_provider *p;
    od_creds_cb cb;
    void *ud;
    char *base;
    char *token; /* NULL = IMDSv1 */
    char *role;
    enum step step;
    long timeout_ms;
    bool v1_disabled;
};

static bool
env_true(const char *name)
{
    return str_case_eq(getenv(name), "true");
}

static void
run_end(struct imds_run *run, struct od_creds *c, const struct od_error *err)
{
    provider_deliver(run->p, run->cb, run->ud, c, err);
    provider_release(&run->p);
    free(run->base);
    secure_free_str(&run->token);
    free(run->role);
    free(run);
}

static void __attribute__((format(printf, 3, 4)))
run_fail(struct imds_run *run, enum od_err e, const char *fmt, ...)
{
    struct od_error err = { 0 };
    va_list ap;

    err.err = e;
    va_start(ap, fmt);
    err.message = xvasprintf(fmt, ap);
    va_end(ap);
    run_end(run, NULL, &err);
    od_error_clear(&err);
}

static void imds_send(struct imds_run *run);

static void
imds_done(struct od_http_response *resp, void *ud)
{
    struct imds_run *run = ud;
    const char *body = resp->body.data != NULL ? resp->body.data : "";
    struct od_error err = { 0 };
    struct od_creds *c;

    if (run->step == S_TOKEN) {
        bool refused = resp->err == OD_OK &&
                       (resp->status == 403 || resp->status == 404 || resp->status == 405);
        bool read_timeout = resp->err == OD_E_TIMEOUT && resp->maybe_sent;

        if (resp->err == OD_OK && resp->status == 200 && resp->body.len > 0) {
            run->token = xstrndup(body, resp->body.len);
            run->step = S_ROLE;
            imds_send(run);
            return;
        }
        if ((refused || read_timeout) && !run->v1_disabled) {
            run->step = S_ROLE; /* IMDSv1 */
            imds_send(run);
            return;
        }
        if (resp->err != OD_OK)
            run_fail(run, OD_E_NO_CREDS, "no instance metadata service at %s (%s)", run->base,
                     resp->errmsg != NULL ? resp->errmsg : od_strerror(resp->err));
        else
            run_fail(run, OD_E_NO_CREDS, "metadata token request answered HTTP %ld%s",
                     resp->status, run->v1_disabled ? " (IMDSv1 disabled)" : "");
        return;
    }
    if (resp->err != OD_OK) {
        run_fail(run, OD_E_NO_CREDS, "instance metadata at %s: %s", run->base,
                 resp->errmsg != NULL ? resp->errmsg : od_strerror(resp->err));
        return;
    }
    if (resp->status == 404 && run->step == S_ROLE) {
        run_fail(run, OD_E_NO_CREDS, "no IAM role attached to the instance");
        return;
    }
    if (resp->status != 200) {
        run_fail(run, OD_E_NO_CREDS, "instance metadata answered HTTP %ld", resp->status);
        return;
    }
    if (run->step == S_ROLE) {
        size_t n = strcspn(body, "\r\n");

        if (n == 0 || n > 128 || strspn(body, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                              "0123456789+=,.@_-") != n) {
            run_fail(run, OD_E_NO_CREDS, "instance metadata returned no usable role name");
            return;
        }
        run->role = xstrndup(body, n);
        run->step = S_CREDS;
        imds_send(run);
        return;
    }
    c = provider_parse_creds_json(body, resp->body.len, "imds", &err);
    if (c == NULL) {
        /* Not configured here, as far as the chain is concerned. */
        err.err = OD_E_NO_CREDS;
        run_end(run, NULL, &err);
        od_error_clear(&err);
        return;
    }
    run_end(run, c, NULL);
    creds_release(&c);
}

static void
imds_send(struct imds_run *run)
{
    struct od_header h;
    char *url;
    struct od_http_request req = {
        .timeout_ms = run->timeout_ms,
        .connect_timeout_ms = run->timeout_ms,
        .max_body = 64 * 1024,
        .no_proxy = true,
    };

    if (run->step == S_TOKEN) {
        url = xasprintf("%s/latest/api/token", run->base);
        req.method = "PUT";
        h.name = (char *)"x-aws-ec2-metadata-token-ttl-seconds";
        h.value = (char *)"21600";
    } else {
        url = xasprintf("%s%s%s", run->base, CREDS_PATH, run->step == S_CREDS ? run->role : "");
        req.method = "GET";
        h.name = (char *)"x-aws-ec2-metadata-token";
        h.value = run->token;
    }
    req.url = url;
    req.headers = &h;
    req.nheaders = h.value != NULL ? 1 : 0;
    http_submit(run->p->aws->http, &req, imds_done, run);
    free(url);
}

static enum od_err
imds_get(struct od_provider *p, od_creds_cb cb, void *ud)
{
    const char *ep = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    const char *t = getenv("AWS_METADATA_SERVICE_TIMEOUT");
    const char *profile = p->aws->profile != NULL ? p->aws->profile : "default";
    struct imds_run *run;
    long secs;

    if (env_true("AWS_EC2_METADATA_DISABLED"))
        return provider_fail(p, cb, ud, OD_E_NO_CREDS, "AWS_EC2_METADATA_DISABLED=true");
    if (p->aws->http == NULL)
        return provider_fail(p, cb, ud, OD_E_NO_CREDS, "no HTTP client");
    run = xcalloc(1, sizeof *run);
    run->p = provider_acquire(p);
    run->cb = cb;
    run->ud = ud;
    if (str_empty(ep))
        ep = str_case_eq(getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"), "IPv6")
                 ? IMDS_DEFAULT_V6
                 : IMDS_DEFAULT;
    run->base = xstrdup(ep);
    while (str_has_suffix(run->base, "/"))
        run->base[strlen(run->base) - 1] = '\0';
    run->timeout_ms = t != NULL && str_to_long(t, &secs) && secs > 0 && secs < 60 ? secs * 1000
                                                                                  : 1000;
    run->v1_disabled = env_true("AWS_EC2_METADATA_V1_DISABLED") ||
                       str_case_eq(profiles_get(p->aws->profiles, profile,
                                                "ec2_metadata_v1_disabled"),
                                   "true");
    run->step = S_TOKEN;
    imds_send(run);
    return OD_OK;
}

static const struct od_provider_ops imds_ops = {
    .name = "imds",
    .get = imds_get,
};

struct od_provider *
provider_imds_new(struct od_aws *aws)
{
    return provider_new(&imds_ops, aws, NULL);
}
