/* Credential providers: a const vtable per source, refcounted, always asynchronous.
 * get() returns OD_OK when started and then exactly one callback follows, always deferred
 * through the loop (never inside get()). */
#ifndef OD_PROVIDER_H
#define OD_PROVIDER_H

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

#endif
