/* credential_process output (notes 7.4): the JSON document {"Version": 1, "AccessKeyId", ...}
 * a user's command prints. Its parser is private to src/aws/provider_process.c, so this target
 * compiles that file in, renaming its one public function so it cannot clash with the copy in
 * libondeck.a. Property: an error never quotes the secret or the session token. */
#define provider_process_new fuzz_provider_process_new_unused
#include "../../src/aws/provider_process.c"
#undef provider_process_new

#include "tests/fuzz/fuzz_creds_secret.h"

static char *
reparse(const char *doc, size_t len)
{
    struct process_impl pi = { .profile = (char *)"fuzz", .command = (char *)"true" };
    struct od_error err = { 0 };
    struct od_creds *c = parse_output(&pi, doc, len, &err);
    char *msg = err.message != NULL ? strdup(err.message) : NULL;

    creds_release(&c);
    od_error_clear(&err);
    return msg;
}

FUZZ_ENTRY(creds_process)
{
    static const char *const secret_keys[] = { "SecretAccessKey", "SessionToken", NULL };
    struct process_impl pi = { .profile = (char *)"fuzz", .command = (char *)"true" };
    struct od_error err = { 0 };
    struct od_creds *c = parse_output(&pi, (const char *)data, size, &err);

    if (c != NULL) {
        FUZZ_ASSERT(err.err == OD_OK);
        FUZZ_ASSERT(c->access_key_id != NULL && c->secret_access_key != NULL);
        FUZZ_ASSERT(c->access_key_id[0] != '\0' && c->secret_access_key[0] != '\0');
    } else {
        FUZZ_ASSERT(err.err != OD_OK && err.message != NULL);
        fuzz_check_no_secret(data, size, secret_keys, &err, reparse);
    }
    creds_release(&c);
    od_error_clear(&err);
    return 0;
}
