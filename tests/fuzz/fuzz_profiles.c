/* The shared AWS config and credentials files (profiles_parse over util/ini.c).
 * Input: the config file text, then a form feed (\f), then the credentials file text (no form
 * feed: config only). Lookups then walk the usual profiles and keys. */
#include "aws/profile.h"
#include "util/ini.h"
#include "tests/fuzz/fuzz.h"

static const char *const profiles[] = { "default", "dev", "prod", "my dev", "base" };
static const char *const keys[] = { "aws_access_key_id", "region", "role_arn", "source_profile",
                                    "credential_source", "sso_session", "sso_start_url",
                                    "credential_process", "services", "endpoint_url" };

FUZZ_ENTRY(profiles)
{
    struct od_error err = { 0 };
    struct od_profiles *p = NULL;
    const char *ff = memchr(data, '\f', size);
    size_t clen = ff != NULL ? (size_t)(ff - (const char *)data) : size;
    char *config = fuzz_cstr(data, clen);
    char *creds = ff != NULL ? fuzz_cstr((const uint8_t *)ff + 1, size - clen - 1) : NULL;
    enum od_err rc = profiles_parse_named(&p, config, "config", creds, "credentials", &err);

    fuzz_check_result(rc, &err);
    if (rc == OD_OK) {
        for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++) {
            (void)profiles_exists(p, profiles[i]);
            for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
                const char *v = profiles_get(p, profiles[i], keys[k]);

                (void)profiles_get_in(p, OD_PROFILE_CONFIG, profiles[i], keys[k]);
                (void)profiles_get_in(p, OD_PROFILE_CREDENTIALS, profiles[i], keys[k]);
                if (v == NULL)
                    continue;
                if (strcmp(keys[k], "credential_process") == 0) {
                    struct od_error e2 = { 0 };
                    char **argv = NULL;
                    size_t argc = 0;

                    if (ini_shell_split(v, &argv, &argc, &e2) == OD_OK)
                        FUZZ_ASSERT(argv[argc] == NULL);
                    ini_argv_free(&argv);
                    od_error_clear(&e2);
                } else if (strcmp(keys[k], "sso_session") == 0) {
                    (void)profiles_sso_session_get(p, v, "sso_start_url");
                    (void)profiles_sso_session_get(p, v, "sso_region");
                } else if (strcmp(keys[k], "services") == 0) {
                    (void)profiles_services_get(p, v, "ecs", "endpoint_url");
                    (void)profiles_services_get(p, v, "sts", "endpoint_url");
                }
            }
        }
    }
    profiles_free(&p);
    od_error_clear(&err);
    free(config);
    free(creds);
    return 0;
}
