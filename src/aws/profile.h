/* The shared AWS config and credentials files, merged per profile the way botocore does:
 * config `[profile NAME]` (or `[default]`) + credentials `[NAME]`; for the same key the
 * credentials file wins. Also `[sso-session NAME]` and `[services NAME]` sections. */
#ifndef OD_PROFILE_H
#define OD_PROFILE_H

#include <stdbool.h>

#include "util/err.h"

struct od_profiles;

/* Read $AWS_CONFIG_FILE (default ~/.aws/config) and $AWS_SHARED_CREDENTIALS_FILE
 * (default ~/.aws/credentials). Missing files are not an error; a malformed one is
 * (OD_E_CONFIG with file and line in err). */
enum od_err profiles_load(struct od_profiles **out, struct od_error *err);
/* Parse from memory (tests, fuzzing). Either text may be NULL. */
enum od_err profiles_parse(struct od_profiles **out, const char *config_text,
                           const char *credentials_text, struct od_error *err);
/* The same with file names for error messages ("~/.aws/config:12: ..."). */
enum od_err profiles_parse_named(struct od_profiles **out, const char *config_text,
                                 const char *config_name, const char *credentials_text,
                                 const char *credentials_name, struct od_error *err);
void profiles_free(struct od_profiles **pp);

bool profiles_exists(const struct od_profiles *p, const char *profile);
/* Value of key in profile (credentials file first, then config), or NULL. Keys are stored
 * lower-cased, as botocore's configparser does, so look them up in lower case. */
const char *profiles_get(const struct od_profiles *p, const char *profile, const char *key);

/* The same, from one file only: the chain takes static keys from the credentials file and
 * from the config file at different tiers (notes 7.1, items 5 and 8). */
enum od_profile_file {
    OD_PROFILE_CONFIG,
    OD_PROFILE_CREDENTIALS,
};
const char *profiles_get_in(const struct od_profiles *p, enum od_profile_file which,
                            const char *profile, const char *key);
/* Value of key in [sso-session NAME], or NULL. */
const char *profiles_sso_session_get(const struct od_profiles *p, const char *session,
                                     const char *key);
/* In [services NAME], the sub-section svc (e.g. "ecs") key (e.g. "endpoint_url"), or NULL. */
const char *profiles_services_get(const struct od_profiles *p, const char *services,
                                  const char *svc, const char *key);

/* The profile name in effect: explicit (--profile) else AWS_DEFAULT_PROFILE else AWS_PROFILE
 * else "default". Returned string is static or from the environment / argument. */
const char *profiles_selected_name(const char *explicit_profile);

#endif
