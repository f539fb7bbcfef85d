#include "aws/creds.h"

#include <stdlib.h>

#include "util/hash.h"
#include "util/xalloc.h"

struct od_creds *
creds_new(const char *akid, const char *secret, const char *token, time_t expiration,
          const char *source)
{
    struct od_creds *c = xcalloc(1, sizeof *c);

    c->refs = 1;
    c->access_key_id = xstrdup(akid);
    c->secret_access_key = xstrdup(secret);
    c->session_token = token != NULL && *token != '\0' ? xstrdup(token) : NULL;
    c->expiration = expiration;
    c->source = source != NULL ? xstrdup(source) : NULL;
    return c;
}

struct od_creds *
creds_acquire(struct od_creds *c)
{
    c->refs++;
    return c;
}

void
creds_release(struct od_creds **cp)
{
    struct od_creds *c = *cp;

    if (c == NULL)
        return;
    *cp = NULL;
    if (--c->refs > 0)
        return;
    secure_free_str(&c->access_key_id);
    secure_free_str(&c->secret_access_key);
    secure_free_str(&c->session_token);
    free(c->account_id);
    free(c->source);
    free(c);
}

bool
creds_expire_within(const struct od_creds *c, time_t now, long seconds)
{
    return c->expiration != 0 && c->expiration - now <= seconds;
}
