/* Credential providers: a const vtable per source, refcounted, always asynchronous.
 * get() returns OD_OK when started and then exactly one callback follows, always deferred
 * through the loop (never inside get()). */
#ifndef OD_PROVIDER_H
#define OD_PROVIDER_H

#include <stdbool.h>

#include "aws/creds.h"
#include "util/err.h"

struct od_aws;
struct od_provider;

/* creds is borrowed: acquire it to keep it. On failure creds is NULL and err says why
 * (err->err == OD_E_NO_CREDS when the source simply is not configured). */
typedef void (*od_creds_cb)(struct od_creds *creds, const struct od_error *err, void *ud);

struct od_provider_ops {
    const char *name; /* "env", "profile", "process", "assume-role", "sso", "container", "imds", "chain", "cache" */
    enum od_err (*get)(struct od_provider *p, od_creds_cb cb, void *ud);
    void (*destroy)(struct od_provider *p);
    /* Drop any cached credentials (after ExpiredToken); may be NULL. */
    void (*invalidate)(struct od_provider *p);
};

struct od_provider {
    const struct od_provider_ops *ops;
    unsigned refs;
    struct od_aws *aws; /* borrowed: loop, http, profiles, STS calls */
    void *impl;
};

struct od_provider *provider_acquire(struct od_provider *p);
void provider_release(struct od_provider **pp);
enum od_err provider_get(struct od_provider *p, od_creds_cb cb, void *ud);
void provider_invalidate(struct od_provider *p);

/* The default chain for the selected profile, wrapped in a cache that refreshes temporary
 * credentials before they expire and coalesces concurrent waiters.
 * profile_explicit: the profile came from --profile (then env keys are skipped, as in the
 * AWS CLI). */
struct od_provider *provider_default(struct od_aws *aws, const char *profile,
                                     bool profile_explicit);

/* Why each member of the last chain resolution declined, for `whoami --debug` and error
 * messages ("env: not set; profile 'prod': sso token expired, run aws sso login").
 * Caller frees; may be NULL if nothing was recorded. */
char *provider_chain_explain(struct od_provider *p);

/* ---- Building blocks (provider_*.c); provider_default() is the usual entry point. ---- */

/* refs = 1. impl is owned by the provider and freed by ops->destroy. */
struct od_provider *provider_new(const struct od_provider_ops *ops, struct od_aws *aws,
                                 void *impl);
/* Schedule cb(creds, err, ud) on the next turn of the loop. creds (may be NULL) is acquired
 * until then, err (may be NULL for success) is copied, and p is kept alive meanwhile. */
void provider_deliver(struct od_provider *p, od_creds_cb cb, void *ud, struct od_creds *creds,
                      const struct od_error *err);
/* provider_deliver of a failure built from a format; returns OD_OK (the callback will run). */
enum od_err provider_fail(struct od_provider *p, od_creds_cb cb, void *ud, enum od_err e,
                          const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Members try in order; OD_E_NO_CREDS from a member means "not configured here, go on", any
 * other failure ends the chain with that error (as botocore does for a configured source
 * that fails). label prefixes the member's reason in the explanation ("profile 'prod'"). */
struct od_provider *provider_chain_new(struct od_aws *aws);
void provider_chain_add(struct od_provider *chain, struct od_provider *member, const char *label);
/* Refresh temporary credentials inside the advisory window (15 min, served stale meanwhile)
 * and wait for the refresh inside the mandatory window (10 min); one refresh for all waiters.
 * Takes the reference to inner. */
struct od_provider *provider_cache_new(struct od_aws *aws, struct od_provider *inner);
#define OD_CREDS_ADVISORY_REFRESH_S (15 * 60)
#define OD_CREDS_MANDATORY_REFRESH_S (10 * 60)

/* Always yields these credentials (takes a reference). */
struct od_provider *provider_static_new(struct od_aws *aws, struct od_creds *creds);
/* AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN (or AWS_SECURITY_TOKEN) /
 * AWS_CREDENTIAL_EXPIRATION / AWS_ACCOUNT_ID, read at each get. */
struct od_provider *provider_env_new(struct od_aws *aws);
/* Everything a profile can say, in botocore order: role_arn (source_profile or
 * credential_source, cycle-checked), web identity (profile or AWS_ROLE_ARN +
 * AWS_WEB_IDENTITY_TOKEN_FILE), sso_*, credentials-file keys, credential_process, config-file
 * keys. Uses aws->profiles. */
struct od_provider *provider_profile_new(struct od_aws *aws, const char *profile);
/* Runs command (split shell-style, no shell) and reads the JSON document it prints. */
struct od_provider *provider_process_new(struct od_aws *aws, const char *profile,
                                         const char *command);

struct od_assume_role {
    const char *role_arn;
    const char *session_name;      /* NULL = "ondeck-<unix time>" */
    const char *external_id;       /* may be NULL */
    long duration_seconds;         /* 0 = STS default (3600) */
    const char *web_identity_file; /* AssumeRoleWithWebIdentity (unsigned) when set */
};
/* STS AssumeRole signed with the source provider's credentials (a reference to source is
 * taken; it may be NULL for web identity). Strings are copied. */
struct od_provider *provider_sts_new(struct od_aws *aws, struct od_provider *source,
                                     const struct od_assume_role *ar);
/* IAM Identity Center: token cache + portal GetRoleCredentials for the profile. */
struct od_provider *provider_sso_new(struct od_aws *aws, const char *profile);
/* ECS / EKS container endpoint (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / FULL_URI). */
struct od_provider *provider_container_new(struct od_aws *aws);
/* Container / IMDS credential document {AccessKeyId, SecretAccessKey, Token, Expiration,
 * [AccountId], [Code]}; NULL with err set when unusable. */
struct od_creds *provider_parse_creds_json(const char *body, size_t len, const char *source,
                                           struct od_error *err);
/* EC2 instance metadata (IMDSv2, v1 fallback). */
struct od_provider *provider_imds_new(struct od_aws *aws);

#endif
