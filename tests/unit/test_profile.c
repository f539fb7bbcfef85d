/* aws/profile: botocore's section naming rules and the config/credentials merge. */
#include <stdlib.h>
#include <string.h>

#include "aws/profile.h"
#include "check.h"
#include "util/err.h"

static const char config_text[] =
    "[default]\n"
    "region = us-east-1\n"
    "aws_access_key_id = CONFIGDEFAULT\n"
    "\n"
    "[profile dev]\n"
    "region = eu-west-1\n"
    "aws_access_key_id = FROMCONFIG\n"
    "aws_secret_access_key = configsecret\n"
    "services = moto\n"
    "\n"
    "[profile \"my dev\"]\n"
    "region = ap-south-1\n"
    "\n"
    "[bare]\n"
    "region = nowhere-1\n"
    "\n"
    "[profilefoo]\n"
    "region = nowhere-2\n"
    "\n"
    "[profile sso]\n"
    "sso_session = my-sso\n"
    "sso_account_id = 123456789012\n"
    "sso_role_name = Admin\n"
    "\n"
    "[sso-session my-sso]\n"
    "sso_start_url = https://my-sso-portal.awsapps.com/start\n"
    "sso_region = us-east-1\n"
    "\n"
    "[services moto]\n"
    "ecs =\n"
    "  endpoint_url = http://127.0.0.1:5055\n"
    "sts =\n"
    "  endpoint_url = http://127.0.0.1:5056\n";

static const char credentials_text[] =
    "[dev]\n"
    "aws_access_key_id = FROMCREDS\n"
    "\n"
    "[bare]\n"
    "aws_access_key_id = BAREKEY\n"
    "aws_secret_access_key = baresecret\n";

static void
test_naming_and_merge(void)
{
    struct od_profiles *p = NULL;
    struct od_error err = { 0 };

    CHECK(profiles_parse(&p, config_text, credentials_text, &err) == OD_OK, "files parse");
    CHECK(profiles_exists(p, "default"), "[default] is a profile");
    CHECK(profiles_exists(p, "dev"), "[profile dev] is a profile");
    CHECK(profiles_exists(p, "my dev"), "[profile \"my dev\"] is split shell-style");
    CHECK_STR(profiles_get(p, "my dev", "region"), "ap-south-1", "quoted profile value");
    CHECK(!profiles_exists(p, "profilefoo") && !profiles_exists(p, "foo"),
          "[profilefoo] is no profile");
    CHECK_STR(profiles_get_in(p, OD_PROFILE_CONFIG, "bare", "region"), NULL,
              "bare [bare] in config is not a profile");
    CHECK(profiles_exists(p, "bare"), "[bare] in credentials is a profile");
    CHECK_STR(profiles_get(p, "bare", "aws_access_key_id"), "BAREKEY", "credentials-only profile");
    CHECK_STR(profiles_get(p, "dev", "aws_access_key_id"), "FROMCREDS",
              "credentials file wins for the same key");
    CHECK_STR(profiles_get(p, "dev", "aws_secret_access_key"), "configsecret",
              "other keys still come from config");
    CHECK_STR(profiles_get_in(p, OD_PROFILE_CONFIG, "dev", "aws_access_key_id"), "FROMCONFIG",
              "config value still visible per file");
    CHECK_STR(profiles_get_in(p, OD_PROFILE_CREDENTIALS, "dev", "region"), NULL,
              "per-file lookup does not merge");
    CHECK_STR(profiles_get(p, "dev", "region"), "eu-west-1", "region from config");
    CHECK_STR(profiles_sso_session_get(p, "my-sso", "sso_region"), "us-east-1",
              "sso-session section");
    CHECK(profiles_sso_session_get(p, "nope", "sso_region") == NULL, "unknown sso-session");
    CHECK_STR(profiles_services_get(p, "moto", "ecs", "endpoint_url"), "http://127.0.0.1:5055",
              "services sub-section");
    CHECK_STR(profiles_services_get(p, "moto", "sts", "endpoint_url"), "http://127.0.0.1:5056",
              "second services sub-section");
    CHECK(profiles_services_get(p, "moto", "logs", "endpoint_url") == NULL,
          "absent service");
    CHECK(profiles_get(p, "nope", "region") == NULL, "absent profile gives NULL");
    profiles_free(&p);
    CHECK(p == NULL, "profiles_free NULLs");
}

static void
test_errors(void)
{
    struct od_profiles *p = NULL;
    struct od_error err = { 0 };

    CHECK(profiles_parse_named(&p, "[default]\nregion = x\noops\n", "/home/u/.aws/config",
                               NULL, NULL, &err) == OD_E_CONFIG,
          "malformed config is an error");
    CHECK_STR(err.message, "/home/u/.aws/config:3: expected 'key = value'",
              "error names file and line");
    CHECK(p == NULL, "no profiles on error");
    od_error_clear(&err);
    CHECK(profiles_parse(&p, NULL, "[a]\nk = 1\n[a]\n", &err) == OD_E_CONFIG,
          "malformed credentials file is an error");
    CHECK(err.message != NULL && strstr(err.message, "credentials:3:") != NULL,
          "credentials error line");
    od_error_clear(&err);
    CHECK(profiles_parse(&p, NULL, NULL, &err) == OD_OK && !profiles_exists(p, "default"),
          "no files: empty, valid");
    profiles_free(&p);
}

static void
test_load_and_select(void)
{
    struct od_profiles *p = NULL;
    struct od_error err = { 0 };

    setenv("AWS_CONFIG_FILE", "/nonexistent/config", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", 1);
    CHECK(profiles_load(&p, &err) == OD_OK, "missing files are not an error");
    profiles_free(&p);

    unsetenv("AWS_DEFAULT_PROFILE");
    unsetenv("AWS_PROFILE");
    CHECK_STR(profiles_selected_name(NULL), "default", "default profile");
    setenv("AWS_PROFILE", "p1", 1);
    CHECK_STR(profiles_selected_name(NULL), "p1", "AWS_PROFILE");
    setenv("AWS_DEFAULT_PROFILE", "p0", 1);
    CHECK_STR(profiles_selected_name(NULL), "p0", "AWS_DEFAULT_PROFILE first (botocore)");
    CHECK_STR(profiles_selected_name("cli"), "cli", "--profile wins");
    setenv("AWS_DEFAULT_PROFILE", "", 1);
    CHECK_STR(profiles_selected_name(NULL), "p1", "empty env value ignored");
    unsetenv("AWS_DEFAULT_PROFILE");
    unsetenv("AWS_PROFILE");
}

int
main(void)
{
    test_naming_and_merge();
    test_errors();
    test_load_and_select();
    return check_done();
}
