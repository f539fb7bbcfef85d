/* Provider base (refcount, deferred delivery), the chain, the cache and the default chain.
 * One thread: no locks. Every callback goes through loop_defer, so none ever runs inside the
 * get() that started it. */
#include "aws/provider.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "aws/profile.h"
#include "aws/request.h"
#include "loop/loop.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/str.h"
#include "util/xalloc.h"

/* ---- base ---- */

struct od_provider *
provider_new(const struct od_provider_ops *ops, struct od_aws *aws, void *impl)
{
    struct od_provider *p = xcalloc(1, sizeof *p);

    p->ops = ops;
    p->refs = 1;
    p->aws = aws;
    p->impl = impl;
    return p;
}

struct od_provider *
provider_acquire(struct od_provider *p)
{
    p->refs++;
    return p;
}

void
provider_release(struct od_provider **pp)
{
    struct od_provider *p = *pp;

    if (p == NULL)
        return;
    *pp = NULL;
    if (--p->refs > 0)
        return;
    if (p->ops->destroy != NULL)
        p->ops->destroy(p);
    free(p);
}

enum od_err
provider_get(struct od_provider *p, od_creds_cb cb, void *ud)
{
    return p->ops->get(p, cb, ud);
}

void
provider_invalidate(struct od_provider *p)
{
    if (p != NULL && p->ops->invalidate != NULL)
        p->ops->invalidate(p);
}

struct delivery {
    struct od_provider *p;
    od_creds_cb cb;
    void *ud;
    struct od_creds *creds;
    struct od_error err;
};

static void
deliver_now(void *arg)
{
    struct delivery *d = arg;

    d->cb(d->creds, d->creds != NULL ? NULL : &d->err, d->ud);
    creds_release(&d->creds);
    od_error_clear(&d->err);
    provider_release(&d->p);
    free(d);
}

void
provider_deliver(struct od_provider *p, od_creds_cb cb, void *ud, struct od_creds *creds,
                 const struct od_error *err)
{
    struct delivery *d = xcalloc(1, sizeof *d);

    d->p = provider_acquire(p);
    d->cb = cb;
    d->ud = ud;
    if (creds != NULL)
        d->creds = creds_acquire(creds);
    else if (err != NULL)
        od_error_copy(&d->err, err);
    else
        od_error_set(&d->err, OD_E_NO_CREDS, "no credentials");
    loop_defer(p->aws->loop, deliver_now, d);
}

enum od_err
provider_fail(struct od_provider *p, od_creds_cb cb, void *ud, enum od_err e, const char *fmt,
              ...)
{
    struct od_error err = { 0 };
    va_list ap;

    err.err = e;
    va_start(ap, fmt);
    err.message = xvasprintf(fmt, ap);
    va_end(ap);
    provider_deliver(p, cb, ud, NULL, &err);
    od_error_clear(&err);
    return OD_OK;
}

/* ---- static ---- */

static enum od_err
static_get(struct od_provider *p, od_creds_cb cb, void *ud)
{
    provider_deliver(p, cb, ud, p->impl, NULL);
    return OD_OK;
}

static void
static_destroy(struct od_provider *p)
{
    struct od_creds *c = p->impl;

    creds_release(&c);
}

static const struct od_provider_ops static_ops = {
    .name = "static",
    .get = static_get,
    .destroy = static_destroy,
};

struct od_provider *
provider_static_new(struct od_aws *aws, struct od_creds *creds)
{
    return provider_new(&static_ops, aws, creds_acquire(creds));
}

/* ---- chain ---- */

struct member {
    struct od_provider *p;
    char *label;
};

struct chain {
    struct member *members;
    size_t nmembers;
    char *explain; /* reasons of the last completed resolution */
};

struct chain_run {
    struct od_provider *p;
    size_t i;
    od_creds_cb cb;
    void *ud;
    struct od_buf why;
};

static void chain_step(struct chain_run *run);

static void
chain_note(struct chain_run *run, const char *label, const char *reason)
{
    if (run->why.len > 0)
        buf_puts(&run->why, "; ");
    buf_printf(&run->why, "%s: %s", label, reason);
}

static void
chain_finish(struct chain_run *run, struct od_creds *creds, const struct od_error *err)
{
    struct chain *ch = run->p->impl;

    free(ch->explain);
    ch->explain = buf_steal(&run->why);
    provider_deliver(run->p, run->cb, run->ud, creds, err);
    buf_free(&run->why);
    provider_release(&run->p);
    free(run);
}

static void
chain_member_cb(struct od_creds *creds, const struct od_error *err, void *ud)
{
    struct chain_run *run = ud;
    struct chain *ch = run->p->impl;
    const char *label = ch->members[run->i].label;
    struct od_error out = { 0 };

    if (creds != NULL) {
        chain_note(run, label, "provided credentials");
        chain_finish(run, creds, NULL);
        return;
    }
    chain_note(run, label, err->message != NULL ? err->message : od_strerror(err->err));
    if (err->err == OD_E_NO_CREDS) {
        run->i++;
        chain_step(run);
        return;
    }
    od_error_copy(&out, err);
    free(out.message);
    out.message = xasprintf("%s: %s", label,
                            err->message != NULL ? err->message : od_strerror(err->err));
    log_debug("credentials: %s", out.message);
    chain_finish(run, NULL, &out);
    od_error_clear(&out);
}

static void
chain_step(struct chain_run *run)
{
    struct chain *ch = run->p->impl;
    struct od_error err = { 0 };

    while (run->i < ch->nmembers) {
        struct member *m = &ch->members[run->i];
        enum od_err e = provider_get(m->p, chain_member_cb, run);
        char *why;

        if (e == OD_OK)
            return;
        why = xasprintf("could not start (%s)", od_strerror(e));
        chain_note(run, m->label, why);
        free(why);
        if (e != OD_E_NO_CREDS) {
            od_error_set(&err, e, "%s: could not start", m->label);
            chain_finish(run, NULL, &err);
            od_error_clear(&err);
            return;
        }
        run->i++;
    }
    /* What to do first, then what was tried. */
    od_error_set(&err, OD_E_NO_CREDS,
                 "set AWS_PROFILE (or --profile) to a configured profile, "
                 "export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run 'aws sso login' "
                 "(tried %s)",
                 run->why.len > 0 ? buf_cstr(&run->why) : "an empty chain");
    chain_finish(run, NULL, &err);
    od_error_clear(&err);
}

static enum od_err
chain_get(struct od_provider *p, od_creds_cb cb, void *ud)
{
    struct chain_run *run = xcalloc(1, sizeof *run);

    run->p = provider_acquire(p);
    run->cb = cb;
    run->ud = ud;
    buf_init(&run->why, 0);
    chain_step(run);
    return OD_OK;
}

static void
chain_invalidate(struct od_provider *p)
{
    struct chain *ch = p->impl;
    size_t i;

    for (i = 0; i < ch->nmembers; i++)
        provider_invalidate(ch->members[i].p);
}

static void
chain_destroy(struct od_provider *p)
{
    struct chain *ch = p->impl;
    size_t i;

    for (i = 0; i < ch->nmembers; i++) {
        provider_release(&ch->members[i].p);
        free(ch->members[i].label);
    }
    free(ch->members);
    free(ch->explain);
    free(ch);
}

static const struct od_provider_ops chain_ops = {
    .name = "chain",
    .get = chain_get,
    .destroy = chain_destroy,
    .invalidate = chain_invalidate,
};

struct od_provider *
provider_chain_new(struct od_aws *aws)
{
    return provider_new(&chain_ops, aws, xcalloc(1, sizeof(struct chain)));
}

void
provider_chain_add(struct od_provider *chain, struct od_provider *member, const char *label)
{
    struct chain *ch = chain->impl;

    ch->members = xreallocarray(ch->members, ch->nmembers + 1, sizeof *ch->members);
    ch->members[ch->nmembers].p = member;
    ch->members[ch->nmembers].label = xstrdup(label != NULL ? label : member->ops->name);
    ch->nmembers++;
}

/* ---- cache ---- */

struct waiter {
    od_creds_cb cb;
    void *ud;
};

struct cache {
    struct od_provider *inner;
    struct od_creds *creds;
    bool refreshing;
    struct waiter *waiters;
    size_t nwaiters;
};

static void
cache_refreshed(struct od_creds *creds, const struct od_error *err, void *ud)
{
    struct od_provider *p = ud;
    struct cache *c = p->impl;
    struct waiter *w = c->waiters;
    size_t i, n = c->nwaiters;
    time_t now = clock_aws_now();

    c->refreshing = false;
    c->waiters = NULL;
    c->nwaiters = 0;
    if (creds != NULL) {
        /* Swap the pointer: requests already signing hold their own reference. */
        creds_release(&c->creds);
        c->creds = creds_acquire(creds);
    } else {
        log_debug("credentials: refresh failed: %s",
                  err->message != NULL ? err->message : od_strerror(err->err));
        if (c->creds != NULL && creds_expire_within(c->creds, now, 0))
            creds_release(&c->creds); /* expired: useless */
    }
    /* Waiters are delivered from here, a loop callback, never from inside get(). A waiter
     * may call get() again; it then lands in the fresh list. */
    for (i = 0; i < n; i++)
        w[i].cb(c->creds, c->creds != NULL ? NULL : err, w[i].ud);
    free(w);
    provider_release(&p);
}

static enum od_err
cache_start_refresh(struct od_provider *p)
{
    struct cache *c = p->impl;
    enum od_err e;

    c->refreshing = true;
    e = provider_get(c->inner, cache_refreshed, provider_acquire(p));
    if (e != OD_OK) {
        c->refreshing = false;
        provider_release(&p);
    }
    return e;
}

static enum od_err
cache_get(struct od_provider *p, od_creds_cb cb, void *ud)
{
    struct cache *c = p->impl;
    time_t now = clock_aws_now();
    enum od_err e;

    if (c->creds != NULL && !creds_expire_within(c->creds, now, OD_CREDS_MANDATORY_REFRESH_S)) {
        /* Advisory window: serve what we have and refresh in the background. */
        if (creds_expire_within(c->creds, now, OD_CREDS_ADVISORY_REFRESH_S) && !c->refreshing)
            (void)cache_start_refresh(p);
        provider_deliver(p, cb, ud, c->creds, NULL);
        return OD_OK;
    }
    c->waiters = xreallocarray(c->waiters, c->nwaiters + 1, sizeof *c->waiters);
    c->waiters[c->nwaiters].cb = cb;
    c->waiters[c->nwaiters].ud = ud;
    c->nwaiters++;
    if (c->refreshing)
        return OD_OK;
    e = cache_start_refresh(p);
    if (e != OD_OK) {
        c->nwaiters--;
        return e;
    }
    return OD_OK;
}

static void
cache_invalidate(struct od_provider *p)
{
    struct cache *c = p->impl;

    creds_release(&c->creds);
    provider_invalidate(c->inner);
}

static void
cache_destroy(struct od_provider *p)
{
    struct cache *c = p->impl;

    creds_release(&c->creds);
    provider_release(&c->inner);
    free(c->waiters);
    free(c);
}

static const struct od_provider_ops cache_ops = {
    .name = "cache",
    .get = cache_get,
    .destroy = cache_destroy,
    .invalidate = cache_invalidate,
};

struct od_provider *
provider_cache_new(struct od_aws *aws, struct od_provider *inner)
{
    struct cache *c = xcalloc(1, sizeof *c);

    c->inner = inner;
    return provider_new(&cache_ops, aws, c);
}

/* ---- default chain ---- */

struct od_provider *
provider_default(struct od_aws *aws, const char *profile, bool profile_explicit)
{
    struct od_provider *chain = provider_chain_new(aws);
    char *label;

    /* Notes 7.1: env (unless --profile), then everything the profile says (role, web
     * identity, sso, credentials-file keys, credential_process, config-file keys), then
     * the container endpoint, then IMDS. */
    if (!profile_explicit)
        provider_chain_add(chain, provider_env_new(aws), "env");
    label = xasprintf("profile '%s'", profile);
    provider_chain_add(chain, provider_profile_new(aws, profile), label);
    free(label);
    provider_chain_add(chain, provider_container_new(aws), "container");
    provider_chain_add(chain, provider_imds_new(aws), "imds");
    return provider_cache_new(aws, chain);
}

char *
provider_chain_explain(struct od_provider *p)
{
    if (p != NULL && p->ops == &cache_ops)
        p = ((struct cache *)p->impl)->inner;
    if (p == NULL || p->ops != &chain_ops)
        return NULL;
    return ((struct chain *)p->impl)->explain != NULL
               ? xstrdup(((struct chain *)p->impl)->explain)
               : NULL;
}
