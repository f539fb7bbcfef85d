/* Credentials from the environment, read at every get (they may be rotated by a wrapper). */
#include <stdlib.h>

#include "aws/provider.h"
#include "util/clock.h"
#include "util/str.h"
#include "util/xalloc.h"

static enum od_err
env_get(struct od_provider *p, od_creds_cb cb, void *ud)
{
    const char *akid = getenv("AWS_ACCESS_KEY_ID");
    const char *secret = getenv("AWS_SECRET_ACCESS_KEY");
    const char *token = getenv("AWS_SESSION_TOKEN");
    const char *exp = getenv("AWS_CREDENTIAL_EXPIRATION");
    const char *account = getenv("AWS_ACCOUNT_ID");
    time_t expiration = 0;
    struct od_creds *c;

    if (str_empty(token))
        token = getenv("AWS_SECURITY_TOKEN");
    if (str_empty(akid) && str_empty(secret))
        return provider_fail(p, cb, ud, OD_E_NO_CREDS, "AWS_ACCESS_KEY_ID not set");
    if (str_empty(akid))
        return provider_fail(p, cb, ud, OD_E_CONFIG,
                             "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not");
    if (str_empty(secret))
        return provider_fail(p, cb, ud, OD_E_CONFIG,
                             "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
    if (!str_empty(exp) && !clock_parse_iso(exp, &expiration))
        return provider_fail(p, cb, ud, OD_E_CONFIG,
                             "AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 time");
    if (expiration != 0 && expiration <= clock_aws_now())
        return provider_fail(p, cb, ud, OD_E_EXPIRED_CREDS,
                             "AWS_CREDENTIAL_EXPIRATION is in the past");
    c = creds_new(akid, secret, token, expiration, "env");
    if (!str_empty(account))
        c->account_id = xstrdup(account);
    provider_deliver(p, cb, ud, c, NULL);
    creds_release(&c);
    return OD_OK;
}

static const struct od_provider_ops env_ops = {
    .name = "env",
    .get = env_get,
};

struct od_provider *
provider_env_new(struct od_aws *aws)
{
    return provider_new(&env_ops, aws, NULL);
}
