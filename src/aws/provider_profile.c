/* Everything a profile can say about credentials, tried in botocore's order (notes 7.1):
 * role_arn, web identity, sso, credentials-file keys, credential_process, config-file keys.
 * The first tier the profile configures decides; resolution is pure configuration, done
 * once on the first get, and yields a tree of providers (assume-role over its source ...). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "aws/profile.h"
#include "aws/provider.h"
#include "aws/request.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/xalloc.h"

#define MAX_ROLE_DEPTH 16

struct profile_impl {
    char *name;
    bool resolved;
    struct od_provider *target; /* when resolution succeeded */
    struct od_error err;        /* when it did not */
};

struct resolver {
    struct od_aws *aws;
    const char *visited[MAX_ROLE_DEPTH];
    size_t nvisited;
    struct od_error *err;
};

static struct od_provider *resolve(struct resolver *r, const char *name, bool source_mode);

static const char *
get(struct resolver *r, const char *name, const char *key)
{
    return profiles_get(r->aws->profiles, name, key);
}

static struct od_provider *__attribute__((format(printf, 3, 4)))
config_error(struct resolver *r, enum od_err e, const char *fmt, ...)
{
    va_list ap;

    od_error_clear(r->err);
    r->err->err = e;
    va_start(ap, fmt);
    r->err->message = xvasprintf(fmt, ap);
    va_end(ap);
    return NULL;
}

/* Static keys from one file; NULL without keys (err untouched) or on partial keys (err set). */
static struct od_provider *
static_keys(struct resolver *r, const char *name, enum od_profile_file which, bool *partial)
{
    const struct od_profiles *pr = r->aws->profiles;
    const char *akid = profiles_get_in(pr, which, name, "aws_access_key_id");
    const char *secret = profiles_get_in(pr, which, name, "aws_secret_access_key");
    const char *token = profiles_get_in(pr, which, name, "aws_session_token");
    const char *account = profiles_get_in(pr, which, name, "aws_account_id");
    struct od_creds *c;
    struct od_provider *p;
    char *source;

    *partial = false;
    if (str_empty(akid) && str_empty(secret))
        return NULL;
    if (str_empty(akid) || str_empty(secret)) {
        *partial = true;
        config_error(r, OD_E_CONFIG, "%s is set without %s in the profile",
                     str_empty(akid) ? "aws_secret_access_key" : "aws_access_key_id",
                     str_empty(akid) ? "aws_access_key_id" : "aws_secret_access_key");
        return NULL;
    }
    source = xasprintf("profile:%s", name);
    c = creds_new(akid, secret, token, 0, source);
    if (!str_empty(account))
        c->account_id = xstrdup(account);
    p = provider_static_new(r->aws, c);
    creds_release(&c);
    free(source);
    return p;
}

static bool
visited(const struct resolver *r, const char *name)
{
    size_t i;

    for (i = 0; i < r->nvisited; i++)
        if (strcmp(r->visited[i], name) == 0)
            return true;
    return false;
}

static struct od_provider *
cycle_error(struct resolver *r, const char *again)
{
    struct od_buf b;
    size_t i;

    buf_init(&b, 0);
    for (i = 0; i < r->nvisited; i++)
        buf_printf(&b, "%s -> ", r->visited[i]);
    buf_puts(&b, again);
    od_error_set(r->err, OD_E_CONFIG, "source_profile loop: %s", buf_cstr(&b));
    buf_free(&b);
    return NULL;
}

static struct od_provider *
role_source(struct resolver *r, const char *name)
{
    const char *src = get(r, name, "source_profile");
    const char *cs = get(r, name, "credential_source");
    bool partial;

    if (!str_empty(src) && !str_empty(cs))
        return config_error(r, OD_E_CONFIG, "%s%s", "role_arn has both source_profile and ",
                            "credential_source");
    if (!str_empty(cs)) {
        if (strcmp(cs, "Environment") == 0)
            return provider_env_new(r->aws);
        if (strcmp(cs, "Ec2InstanceMetadata") == 0)
            return provider_imds_new(r->aws);
        if (strcmp(cs, "EcsContainer") == 0)
            return provider_container_new(r->aws);
        return config_error(r, OD_E_CONFIG,
                            "credential_source '%s' is not one of %s", cs,
                            "Environment, Ec2InstanceMetadata, EcsContainer");
    }
    if (str_empty(src))
        return config_error(r, OD_E_CONFIG, "%s%s", "role_arn needs source_profile or ",
                            "credential_source (or web_identity_token_file)");
    if (!profiles_exists(r->aws->profiles, src))
        return config_error(r, OD_E_CONFIG, "source_profile '%s' does not exist%s", src, "");
    if (strcmp(src, name) == 0) {
        /* A profile may name itself only to say "use my own static keys". */
        struct od_provider *p = static_keys(r, name, OD_PROFILE_CREDENTIALS, &partial);

        if (p == NULL && !partial)
            p = static_keys(r, name, OD_PROFILE_CONFIG, &partial);
        if (p == NULL && !partial)
            return cycle_error(r, src);
        return p;
    }
    if (visited(r, src))
        return cycle_error(r, src);
    return resolve(r, src, true);
}

static struct od_provider *
assume_role(struct resolver *r, const char *name, const char *role_arn)
{
    struct od_assume_role ar = { .role_arn = role_arn };
    const char *dur = get(r, name, "duration_seconds");
    const char *wif = get(r, name, "web_identity_token_file");
    struct od_provider *source = NULL, *p;

    if (!str_empty(get(r, name, "mfa_serial")))
        return config_error(r, OD_E_CONFIG, "%s%s",
                            "mfa_serial needs an interactive MFA prompt, which ondeck does not ",
                            "offer; use a profile with session credentials instead");
    if (!str_empty(dur) && (!str_to_long(dur, &ar.duration_seconds) ||
                            ar.duration_seconds < 900 || ar.duration_seconds > 43200))
        return config_error(r, OD_E_CONFIG, "duration_seconds '%s' is not %s", dur,
                            "a number of seconds between 900 and 43200");
    ar.session_name = get(r, name, "role_session_name");
    ar.external_id = get(r, name, "external_id");
    if (!str_empty(wif) && str_empty(get(r, name, "source_profile")) &&
        str_empty(get(r, name, "credential_source"))) {
        ar.web_identity_file = wif;
    } else {
        source = role_source(r, name);
        if (source == NULL)
            return NULL;
    }
    p = provider_sts_new(r->aws, source, &ar);
    provider_release(&source);
    return p;
}

static struct od_provider *
resolve(struct resolver *r, const char *name, bool source_mode)
{
    const char *role_arn = get(r, name, "role_arn");
    const char *process = get(r, name, "credential_process");
    bool exists = profiles_exists(r->aws->profiles, name);
    bool has_static = !str_empty(get(r, name, "aws_access_key_id")) &&
                      !str_empty(get(r, name, "aws_secret_access_key"));
    bool partial;
    struct od_provider *p;

    if (r->nvisited == MAX_ROLE_DEPTH)
        return config_error(r, OD_E_CONFIG, "source_profile chain deeper than %s%s", "16", "");
    r->visited[r->nvisited++] = name;

    /* 2. Assume role. A source profile with static keys uses them (botocore). */
    if (!str_empty(role_arn) && !(source_mode && has_static))
        return assume_role(r, name, role_arn);

    /* 3. Web identity from the environment (EKS IRSA), for the selected profile only. */
    if (!source_mode && !str_empty(getenv("AWS_ROLE_ARN")) &&
        !str_empty(getenv("AWS_WEB_IDENTITY_TOKEN_FILE"))) {
        struct od_assume_role ar = {
            .role_arn = getenv("AWS_ROLE_ARN"),
            .session_name = getenv("AWS_ROLE_SESSION_NAME"),
            .web_identity_file = getenv("AWS_WEB_IDENTITY_TOKEN_FILE"),
        };

        return provider_sts_new(r->aws, NULL, &ar);
    }

    /* 4. IAM Identity Center. */
    if (!str_empty(get(r, name, "sso_session")) || !str_empty(get(r, name, "sso_start_url")) ||
        !str_empty(get(r, name, "sso_account_id")))
        return provider_sso_new(r->aws, name);

    /* 5. Credentials file keys. */
    if ((p = static_keys(r, name, OD_PROFILE_CREDENTIALS, &partial)) != NULL || partial)
        return p;

    /* 7. credential_process. */
    if (!str_empty(process))
        return provider_process_new(r->aws, name, process);

    /* 8. Config file keys. */
    if ((p = static_keys(r, name, OD_PROFILE_CONFIG, &partial)) != NULL || partial)
        return p;

    if (!exists && strcmp(name, "default") == 0 && !source_mode)
        return config_error(r, OD_E_NO_CREDS, "%s%s", "not found in the config or ",
                            "credentials file");
    if (!exists)
        return config_error(r, OD_E_CONFIG,
                            "profile '%s' not found in the config or credentials file%s", name,
                            "");
    if (source_mode)
        return config_error(r, OD_E_CONFIG, "source profile '%s' has no credentials%s", name,
                            "");
    return config_error(r, OD_E_NO_CREDS, "%s%s",
                        "no role_arn, sso_*, aws_access_key_id or credential_process ",
                        "in the profile");
}

static enum od_err
profile_get(struct od_provider *p, od_creds_cb cb, void *ud)
{
    struct profile_impl *pi = p->impl;

    if (!pi->resolved) {
        struct resolver r = { .aws = p->aws, .err = &pi->err };

        pi->resolved = true;
        if (p->aws->profiles == NULL)
            od_error_set(&pi->err, OD_E_NO_CREDS, "no config or credentials file loaded");
        else
            pi->target = resolve(&r, pi->name, false);
    }
    if (pi->target == NULL) {
        provider_deliver(p, cb, ud, NULL, &pi->err);
        return OD_OK;
    }
    return provider_get(pi->target, cb, ud);
}

static void
profile_invalidate(struct od_provider *p)
{
    struct profile_impl *pi = p->impl;

    provider_invalidate(pi->target);
}

static void
profile_destroy(struct od_provider *p)
{
    struct profile_impl *pi = p->impl;

    provider_release(&pi->target);
    od_error_clear(&pi->err);
    free(pi->name);
    free(pi);
}

static const struct od_provider_ops profile_ops = {
    .name = "profile",
    .get = profile_get,
    .destroy = profile_destroy,
    .invalidate = profile_invalidate,
};

struct od_provider *
provider_profile_new(struct od_aws *aws, const char *profile)
{
    struct profile_impl *pi = xcalloc(1, sizeof *pi);

    pi->name = xstrdup(profile);
    return provider_new(&profile_ops, aws, pi);
}
