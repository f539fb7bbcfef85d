/* ondeck's config file: sections, typed getters, iteration, errors with line numbers. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "settings.h"

int
main(void)
{
    struct od_settings *c = NULL;
    struct od_error err = {0};
    const char *v = NULL, *k;

    CHECK(settings_parse("[console]\ntheme = light\nbell = yes\nrefresh_seconds = 15\n\n"
                       "[keys]\ndeploy = D\nquit = q\n\n"
                       "[distribution E2EXAMPLE]\npaths = /index.html /static/...\n",
                       "test", &c, &err) == OD_OK,
          "a valid config parses");
    CHECK_STR(settings_get(c, "console", "theme"), "light", "string value");
    CHECK(settings_get_bool(c, "console", "bell", false), "yes is true");
    CHECK_INT(settings_get_long(c, "console", "refresh_seconds", 30), 15, "number value");
    CHECK_INT(settings_get_long(c, "console", "missing", 30), 30, "default for a missing key");
    CHECK_STR(settings_get(c, "distribution E2EXAMPLE", "paths"), "/index.html /static/...",
              "per-distribution section");
    k = settings_key_at(c, "keys", 1, &v);
    CHECK(k != NULL && strcmp(k, "quit") == 0 && strcmp(v, "q") == 0, "iterate a section");
    CHECK(settings_key_at(c, "keys", 2, &v) == NULL, "iteration ends");
    CHECK(settings_get(NULL, "console", "theme") == NULL, "a NULL config is empty");
    CHECK_STR(settings_section_at(c, 2), "distribution E2EXAMPLE", "sections in file order");
    CHECK(settings_section_at(c, 3) == NULL, "and the sections end");
    settings_free(&c);

    /* [fleet NAME]: members continue on indented lines (src/fleet/spec.h). */
    CHECK(settings_parse("[fleet oncall]\nmembers = prod:us-east-1\n  staging:eu-west-1:web\n",
                         "test", &c, &err) == OD_OK,
          "a fleet section parses");
    CHECK_STR(settings_get(c, "fleet oncall", "members"), "prod:us-east-1\nstaging:eu-west-1:web",
              "its members keep their continuation line");
    settings_free(&c);

    CHECK(settings_parse("[console]\ntheme light\n", "bad.conf", &c, &err) != OD_OK,
          "a line without '=' is an error");
    CHECK(err.message != NULL && strstr(err.message, "bad.conf") != NULL &&
              strstr(err.message, "2") != NULL,
          "the error names the file and line");
    od_error_clear(&err);
    setenv("ONDECK_CONFIG", "/nonexistent/ondeck.conf", 1);
    CHECK(settings_load(NULL, &c, &err) == OD_E_CONFIG, "a missing explicit config is an error");
    od_error_clear(&err);
    unsetenv("ONDECK_CONFIG");
    setenv("XDG_CONFIG_HOME", "/nonexistent-xdg", 1);
    CHECK(settings_load(NULL, &c, &err) == OD_OK && settings_get(c, "console", "theme") == NULL,
          "a missing default config is empty");
    settings_free(&c);
    return check_done();
}
