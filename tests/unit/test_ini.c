/* util/ini: grammar, comments, sub-sections, errors with line numbers, shell splitting. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "util/err.h"
#include "util/ini.h"

static struct ini_doc *
parse(const char *text, struct od_error *err)
{
    struct ini_doc *d = NULL;

    od_error_clear(err);
    ini_parse(text, strlen(text), "cfg", &d, err);
    return d;
}

static void
test_basic(void)
{
    struct od_error err = { 0 };
    struct ini_doc *d = parse("# top comment\n"
                              "; another\n"
                              "[default]\n"
                              "region = eu-west-1\n"
                              "Output=json\n"
                              "weird: colon\n"
                              "url = http://x:1/#frag # not a comment\n"
                              "  \n"
                              "\n"
                              "[ profile dev ]\r\n"
                              "  indented_key = ok\r\n"
                              "empty =\n",
                              &err);
    const struct ini_section *s;

    CHECK(d != NULL, "valid file parses");
    CHECK_INT(d != NULL ? d->nsections : 0, 2, "two sections");
    s = ini_section(d, "default");
    CHECK_STR(ini_get(s, "region", NULL), "eu-west-1", "key = value");
    CHECK_STR(ini_get(s, "output", NULL), "json", "key lower-cased, no spaces needed");
    CHECK_STR(ini_get(s, "weird", NULL), "colon", "':' delimiter");
    CHECK_STR(ini_get(s, "url", NULL), "http://x:1/#frag # not a comment",
              "inline # kept, first '=' splits");
    s = ini_section(d, "profile dev");
    CHECK(s != NULL, "section name trimmed, CRLF accepted");
    CHECK_STR(ini_get(s, "indented_key", NULL), "ok", "indented key after a header is a key");
    CHECK_STR(ini_get(s, "empty", NULL), "", "empty value");
    CHECK(ini_get(s, "missing", NULL) == NULL, "absent key is NULL");
    ini_free(&d);
    CHECK(d == NULL, "ini_free NULLs the pointer");
}

static void
test_subsections(void)
{
    struct od_error err = { 0 };
    struct ini_doc *d = parse("[services moto]\n"
                              "ecs =\n"
                              "  endpoint_url = http://127.0.0.1:5055\n"
                              "  # comment inside\n"
                              "  other = 1\n"
                              "sts =\n"
                              "\tendpoint_url = http://sts.local\n"
                              "[x]\n"
                              "multi = first\n"
                              "  second\n",
                              &err);
    const struct ini_section *s = ini_section(d, "services moto");

    CHECK_STR(ini_get(s, "ecs", "endpoint_url"), "http://127.0.0.1:5055", "sub-section value");
    CHECK_STR(ini_get(s, "ecs", "other"), "1", "second sub key");
    CHECK_STR(ini_get(s, "sts", "endpoint_url"), "http://sts.local", "tab-indented sub key");
    CHECK_STR(ini_get(s, "ecs", NULL), "", "the parent key itself is empty");
    CHECK(ini_get(s, "ecs", "nope") == NULL, "absent sub key");
    CHECK_STR(ini_get(ini_section(d, "x"), "multi", NULL), "first\nsecond",
              "continuation joins with newline");
    ini_free(&d);
}

static void
expect_error(const char *text, const char *want, const char *what)
{
    struct od_error err = { 0 };
    struct ini_doc *d = parse(text, &err);

    CHECK(d == NULL && err.err == OD_E_CONFIG, what);
    if (err.message == NULL || strstr(err.message, want) == NULL)
        printf("#   message: %s\n#   want substring: %s\n", err.message ? err.message : "(null)",
               want);
    CHECK(err.message != NULL && strstr(err.message, want) != NULL, "error names file:line");
    od_error_clear(&err);
}

static void
test_errors(void)
{
    expect_error("key = v\n", "cfg:1: key outside", "key before any section");
    expect_error("[a]\nk = 1\nno delimiter here\n", "cfg:3: expected 'key = value'",
                 "line without '='");
    expect_error("[a]\n\n[a\n", "cfg:3: section header without ']'", "unterminated header");
    expect_error("[a]\n= v\n", "cfg:2: empty key", "empty key");
    expect_error("[a]\nk=1\n[b]\n[a]\n", "cfg:4: duplicate section [a] (first at line 1)",
                 "duplicate section");
    expect_error("[a]\nk=1\nK = 2\n", "cfg:3: duplicate key 'k'", "duplicate key, any case");
    expect_error("[s]\necs =\n  not a pair\n", "cfg:3: expected 'key = value' in indented",
                 "bad sub-section line");
    expect_error("[a] x\n", "cfg:1: text after section header", "junk after header");
    expect_error("[]\n", "cfg:1: empty section name", "empty section name");
}

static void
test_shell_split(void)
{
    struct od_error err = { 0 };
    char **argv = NULL;
    size_t argc = 0;

    CHECK(ini_shell_split("profile \"my dev\"", &argv, &argc, &err) == OD_OK, "split ok");
    CHECK_INT(argc, 2, "two words");
    CHECK_STR(argv[1], "my dev", "double quotes group");
    ini_argv_free(&argv);
    ini_shell_split("  a 'b c'\\ d \"e\\\"f\\n\" g\\h ''  ", &argv, &argc, &err);
    CHECK_INT(argc, 5, "five words");
    CHECK_STR(argv[0], "a", "plain word");
    CHECK_STR(argv[1], "b c d", "single quotes + escaped space join");
    CHECK_STR(argv[2], "e\"f\\n", "\\\" unescaped, \\n kept inside double quotes");
    CHECK_STR(argv[3], "gh", "bare backslash quotes next char");
    CHECK_STR(argv[4], "", "empty quoted word kept");
    CHECK(argv[5] == NULL, "argv NULL-terminated");
    ini_argv_free(&argv);
    CHECK(ini_shell_split("a 'b", &argv, &argc, &err) == OD_E_CONFIG, "unterminated quote");
    CHECK(argv == NULL, "no argv on error");
    od_error_clear(&err);
    CHECK(ini_shell_split("   ", &argv, &argc, &err) == OD_OK && argc == 0 && argv[0] == NULL,
          "blank line gives empty argv");
    ini_argv_free(&argv);
}

int
main(void)
{
    test_basic();
    test_subsections();
    test_errors();
    test_shell_split();
    return check_done();
}
