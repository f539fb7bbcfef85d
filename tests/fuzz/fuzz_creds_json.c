/* The container / IMDS credential document {AccessKeyId, SecretAccessKey, Token, Expiration,
 * [AccountId], [Code]} (provider_parse_creds_json). Property: an error never quotes the secret
 * or the token. */
#include "aws/creds.h"
#include "aws/provider.h"
#include "tests/fuzz/fuzz_creds_secret.h"

static char *
reparse(const char *doc, size_t len)
{
    struct od_error err = { 0 };
    struct od_creds *c = provider_parse_creds_json(doc, len, "fuzz", &err);
    char *msg = err.message != NULL ? strdup(err.message) : NULL;

    creds_release(&c);
    od_error_clear(&err);
    return msg;
}

FUZZ_ENTRY(creds_json)
{
    static const char *const secret_keys[] = { "SecretAccessKey", "Token", NULL };
    struct od_error err = { 0 };
    struct od_creds *c = provider_parse_creds_json((const char *)data, size, "fuzz", &err);

    if (c != NULL) {
        FUZZ_ASSERT(err.err == OD_OK);
        FUZZ_ASSERT(c->secret_access_key != NULL && c->secret_access_key[0] != '\0');
    } else {
        FUZZ_ASSERT(err.err != OD_OK && err.message != NULL);
        fuzz_check_no_secret(data, size, secret_keys, &err, reparse);
    }
    creds_release(&c);
    od_error_clear(&err);
    return 0;
}
