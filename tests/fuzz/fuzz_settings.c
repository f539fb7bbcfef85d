/* ondeck's own config file (settings_parse): every documented section and key is read back,
 * and every section's keys are iterated. */
#include "settings.h"
#include "tests/fuzz/fuzz.h"

static const char *const sections[] = { "console", "keys", "safety", "logs", "audit",
                                        "distribution E123", "" };

FUZZ_ENTRY(settings)
{
    struct od_error err = { 0 };
    struct od_settings *s = NULL;
    char *text = fuzz_cstr(data, size);
    enum od_err rc = settings_parse(text, "fuzz.conf", &s, &err);

    fuzz_check_result(rc, &err);
    if (rc == OD_OK) {
        (void)settings_get(s, "console", "theme");
        (void)settings_get_bool(s, "console", "bell", false);
        (void)settings_get_long(s, "console", "refresh_seconds", 30);
        (void)settings_get_bool(s, "safety", "read_only", false);
        (void)settings_get(s, "safety", "confirm_typed_profiles");
        (void)settings_get_long(s, "logs", "buffer_lines", 10000);
        (void)settings_get(s, "audit", "path");
        for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
            const char *key, *value = NULL;

            for (size_t n = 0; (key = settings_key_at(s, sections[i], n, &value)) != NULL; n++)
                FUZZ_ASSERT(value != NULL);
        }
    } else {
        FUZZ_ASSERT(s == NULL);
    }
    settings_free(&s);
    od_error_clear(&err);
    free(text);
    return 0;
}
