/* credential_process (notes 7.4): run the command without a shell, parse the JSON it prints.
 * Errors may quote the command's stderr (sanitised, capped) but never its stdout. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "aws/provider.h"
#include "aws/request.h"
#include "loop/child.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/hash.h"
#include "util/ini.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

#define STDERR_QUOTE_MAX 400

struct process_impl {
    char *profile;
    char *command;
    long timeout_ms;
};

struct process_run {
    struct od_provider *p;
    od_creds_cb cb;
    void *ud;
};

/* The last non-empty lines of stderr, sanitised and capped, for the error message. */
static char *
stderr_quote(const char *s, size_t len)
{
    size_t start = len > STDERR_QUOTE_MAX ? len - STDERR_QUOTE_MAX : 0;
    char *raw, *clean, *t;

    while (len > start && (s[len - 1] == '\n' || s[len - 1] == '\r' || s[len - 1] == ' '))
        len--;
    if (len <= start)
        return NULL;
    raw = xstrndup(s + start, len - start);
    for (t = raw; *t != '\0'; t++)
        if (*t == '\n' || *t == '\r')
            *t = ' ';
    clean = sanitize_str(raw);
    free(raw);
    return clean;
}

static const char *
json_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsString(v) && v->valuestring != NULL ? v->valuestring : NULL;
}

/* Parse the credential_process document; on failure err is set (never quoting stdout). */
static struct od_creds *
parse_output(const struct process_impl *pi, const char *out, size_t len, struct od_error *err)
{
    cJSON *doc = cJSON_ParseWithLength(out, len);
    const cJSON *version;
    const char *akid, *secret, *token, *exp, *account;
    time_t expiration = 0;
    struct od_creds *c = NULL;
    char *source;

    if (doc == NULL || !cJSON_IsObject(doc)) {
        od_error_set(err, OD_E_PARSE, "credential_process output is not a JSON object");
        goto out;
    }
    version = cJSON_GetObjectItemCaseSensitive(doc, "Version");
    if (!cJSON_IsNumber(version) || version->valuedouble != 1.0) {
        od_error_set(err, OD_E_PARSE, "credential_process output has no \"Version\": 1");
        goto out;
    }
    akid = json_str(doc, "AccessKeyId");
    secret = json_str(doc, "SecretAccessKey");
    token = json_str(doc, "SessionToken");
    exp = json_str(doc, "Expiration");
    account = json_str(doc, "AccountId");
    if (str_empty(akid) || str_empty(secret)) {
        od_error_set(err, OD_E_PARSE,
                     "credential_process output lacks AccessKeyId or SecretAccessKey");
        goto out;
    }
    if (exp != NULL && !clock_parse_iso(exp, &expiration)) {
        od_error_set(err, OD_E_PARSE, "credential_process Expiration is not an ISO 8601 time");
        goto out;
    }
    if (expiration != 0 && expiration <= clock_aws_now()) {
        char when[21];

        clock_format_iso(expiration, when);
        od_error_set(err, OD_E_EXPIRED_CREDS,
                     "credential_process returned credentials that expired at %s", when);
        goto out;
    }
    source = xasprintf("process:%s", pi->profile);
    c = creds_new(akid, secret, token, expiration, source);
    free(source);
    if (!str_empty(account))
        c->account_id = xstrdup(account);
out:
    if (doc != NULL) {
        /* Wipe the secrets cJSON copied before freeing. */
        cJSON *it;

        cJSON_ArrayForEach(it, doc)
            if (cJSON_IsString(it) && it->valuestring != NULL)
                secure_zero(it->valuestring, strlen(it->valuestring));
        cJSON_Delete(doc);
    }
    return c;
}

static void
process_done(const struct od_child_result *res, void *ud)
{
    struct process_run *run = ud;
    const struct process_impl *pi = run->p->impl;
    struct od_error err = { 0 };
    struct od_creds *c = NULL;
    char *quote = stderr_quote(res->errout, res->errout_len);

    if (res->err != OD_OK) {
        od_error_set(&err, res->err, "credential_process %s%s%s", res->errmsg,
                     quote != NULL ? ": " : "", quote != NULL ? quote : "");
    } else if (res->stdout_truncated) {
        od_error_set(&err, OD_E_TOO_LARGE, "credential_process printed too much output");
    } else if (!res->exited) {
        od_error_set(&err, OD_E_IO, "credential_process killed by signal %d%s%s",
                     res->term_signal, quote != NULL ? ": " : "", quote != NULL ? quote : "");
    } else if (res->exit_status != 0) {
        od_error_set(&err, OD_E_IO, "credential_process exited with status %d%s%s",
                     res->exit_status, quote != NULL ? ": " : "", quote != NULL ? quote : "");
    } else {
        c = parse_output(pi, res->out, res->out_len, &err);
    }
    free(quote);
    provider_deliver(run->p, run->cb, run->ud, c, c != NULL ? NULL : &err);
    creds_release(&c);
    od_error_clear(&err);
    provider_release(&run->p);
    free(run);
}

static enum od_err
process_get(struct od_provider *p, od_creds_cb cb, void *ud)
{
    struct process_impl *pi = p->impl;
    struct od_child_opts opts = { .timeout_ms = pi->timeout_ms };
    struct od_error err = { 0 };
    struct process_run *run;
    char **argv = NULL;
    size_t argc = 0;
    enum od_err e;

    e = ini_shell_split(pi->command, &argv, &argc, &err);
    if (e == OD_OK && argc == 0) {
        od_error_set(&err, OD_E_CONFIG, "empty command");
        e = OD_E_CONFIG;
    }
    if (e != OD_OK) {
        provider_fail(p, cb, ud, OD_E_CONFIG, "credential_process: %s", err.message);
        od_error_clear(&err);
        ini_argv_free(&argv);
        return OD_OK;
    }
    run = xcalloc(1, sizeof *run);
    run->p = provider_acquire(p);
    run->cb = cb;
    run->ud = ud;
    e = child_spawn(p->aws->loop, argv, &opts, process_done, run, &err);
    ini_argv_free(&argv);
    if (e != OD_OK) {
        provider_fail(p, cb, ud, e, "credential_process: %s", err.message);
        od_error_clear(&err);
        provider_release(&run->p);
        free(run);
    }
    return OD_OK;
}

static void
process_destroy(struct od_provider *p)
{
    struct process_impl *pi = p->impl;

    free(pi->profile);
    free(pi->command);
    free(pi);
}

static const struct od_provider_ops process_ops = {
    .name = "process",
    .get = process_get,
    .destroy = process_destroy,
};

struct od_provider *
provider_process_new(struct od_aws *aws, const char *profile, const char *command)
{
    struct process_impl *pi = xcalloc(1, sizeof *pi);
    const char *t = getenv("ONDECK_CREDENTIAL_PROCESS_TIMEOUT_MS");
    long ms;

    pi->profile = xstrdup(profile);
    pi->command = xstrdup(command);
    pi->timeout_ms = t != NULL && str_to_long(t, &ms) && ms > 0 ? ms : 60000;
    return provider_new(&process_ops, aws, pi);
}
