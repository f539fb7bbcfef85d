/* Structured log lines: JSON lines as level + message + fields, the level of plain lines,
 * stack-trace continuation, and hostile input (escapes for control characters, ESC, bidi
 * overrides, invalid UTF-8, NUL, huge and deeply nested JSON) always coming out inert. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "logs/structured.h"
#include "util/buf.h"
#include "util/sanitize.h"
#include "util/xalloc.h"

#define LIT(s) (s), strlen(s)

static struct structured_fields fields;

/* Format and return a malloc'd copy (NUL-terminated). */
static char *
fmt(const char *text, size_t len, struct structured_info *info)
{
    struct od_buf b;

    buf_init(&b, 0);
    structured_format(text, len, &fields, SANITIZE_LINE_MAX, &b, info);
    if (b.data == NULL)
        buf_puts(&b, "");
    return buf_steal(&b);
}

/* No byte a terminal would act on: C0 (tab included), DEL, C1 as UTF-8, bidi overrides
 * and isolates, line/paragraph separators; valid UTF-8 throughout. */
static int
inert(const char *s)
{
    size_t len = strlen(s);

    if (!sanitize_is_clean(s, len))
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c < 0x20 || c == 0x7f)
            return 0;
        if (c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
            (unsigned char)s[i + 1] <= 0x9f)
            return 0;
        if (c == 0xe2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
            (((unsigned char)s[i + 2] >= 0xaa && (unsigned char)s[i + 2] <= 0xae) ||
             (unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9))
            return 0;
        if (c == 0xe2 && i + 2 < len && (unsigned char)s[i + 1] == 0x81 &&
            (unsigned char)s[i + 2] >= 0xa6 && (unsigned char)s[i + 2] <= 0xa9)
            return 0;
    }
    return 1;
}

static void
test_fields_spec(void)
{
    struct structured_fields f;

    structured_fields_parse(" level , msg,,trace_id, msg ", &f);
    CHECK_INT(f.n, 3, "spec: blanks and duplicates dropped");
    CHECK_STR(f.names[2], "trace_id", "spec: trimmed, in order");
    structured_fields_clear(&f);
    structured_fields_parse(NULL, &f);
    CHECK_INT(f.n, 4, "no spec: the default fields");
    CHECK_STR(f.names[0], "level", "default starts with the level");
    structured_fields_clear(&f);
}

static void
test_json(void)
{
    struct structured_info in;
    char *s;

    s = fmt(LIT("{\"level\":\"error\",\"msg\":\"payment failed\",\"trace_id\":\"abc\",\"x\":1}"), &in);
    CHECK_STR(s, "ERROR payment failed trace_id=abc", "JSON: level, message, chosen fields");
    CHECK(in.json && in.level == LOG_LEVEL_ERROR && in.level_len == 5, "level ERROR, leading");
    free(s);
    s = fmt(LIT("  {\"severity\":\"WARNING\",\"message\":\"slow\",\"error\":{\"code\":7}}\n"), &in);
    CHECK_STR(s, "WARN slow error={\"code\":7}", "severity/message keys; objects as compact JSON");
    CHECK_INT(in.level, LOG_LEVEL_WARN, "WARNING is WARN");
    free(s);
    s = fmt(LIT("{\"level\":30,\"msg\":\"pino\"}"), &in);
    CHECK_STR(s, "INFO pino", "pino's numeric level");
    free(s);
    s = fmt(LIT("{\"msg\":\"no level\"}"), &in);
    CHECK_STR(s, "no level", "message only");
    CHECK(in.json && in.level == LOG_LEVEL_NONE && in.level_len == 0, "no level found");
    free(s);
    s = fmt(LIT("{\"level\":\"verbose\",\"msg\":\"m\"}"), &in);
    CHECK_STR(s, "verbose m", "an unknown level word as it came");
    CHECK_INT(in.level_len, 0, "and not coloured");
    free(s);
    s = fmt(LIT("{\"a\":1,\"b\":2}"), &in);
    CHECK_STR(s, "{\"a\":1,\"b\":2}", "JSON that is no log record stays as it is");
    CHECK(!in.json, "and is not marked JSON");
    free(s);
    s = fmt(LIT("{\"level\":\"info\",\"msg\":\"cut"), &in);
    CHECK_STR(s, "{\"level\":\"info\",\"msg\":\"cut", "broken JSON: the raw line");
    free(s);
    s = fmt(LIT("{\"level\":\"info\",\"msg\":\"m\"}\n"), &in);
    CHECK(in.json && strcmp(s, "INFO m") == 0, "a trailing newline is the line's end");
    free(s);
    s = fmt(LIT("{\"level\":\"info\",\"msg\":\"m\"}\\x0d\\x0a"), &in);
    CHECK(in.json && strcmp(s, "INFO m") == 0, "and so is one already made inert (\\x0d\\x0a)");
    free(s);
    s = fmt(LIT("{\"level\":\"info\",\"msg\":\"m\"} and more"), &in);
    CHECK(!in.json, "text after the object: not a record, shown raw");
    free(s);
    s = fmt(LIT("[1,2]"), &in);
    CHECK(!in.json, "an array is not a record");
    free(s);
}

static void
test_plain_levels(void)
{
    CHECK_INT(structured_plain_level(LIT("2026-12-04 ERROR db down")), LOG_LEVEL_ERROR, "ERROR word");
    CHECK_INT(structured_plain_level(LIT("[WARN] disk 91%")), LOG_LEVEL_WARN, "[WARN]");
    CHECK_INT(structured_plain_level(LIT("INFO: started")), LOG_LEVEL_INFO, "INFO:");
    CHECK_INT(structured_plain_level(LIT("DEBUG x=1")), LOG_LEVEL_DEBUG, "DEBUG");
    CHECK_INT(structured_plain_level(LIT("ts=1 level=warn msg=x")), LOG_LEVEL_WARN, "logfmt level=");
    CHECK_INT(structured_plain_level(LIT("GET /errors 200")), LOG_LEVEL_NONE, "errors in a path is none");
    CHECK_INT(structured_plain_level(LIT("No Error today")), LOG_LEVEL_NONE, "Error in prose is none");
    CHECK_INT(structured_plain_level(LIT("TERRORIST")), LOG_LEVEL_NONE, "a word that holds ERROR is none");
    CHECK_INT(structured_plain_level(LIT("")), LOG_LEVEL_NONE, "empty");
}

static void
test_stack(void)
{
    static const struct {
        const char *line;
        int cont;
    } java[] = {
        {"ERROR request failed", 0},
        {"java.lang.IllegalStateException: boom", 0},
        {"\tat com.acme.Foo.bar(Foo.java:10)", 1},
        {"\tat com.acme.Main.main(Main.java:3)", 1},
        {"Caused by: java.io.IOException: eof", 1},
        {"\t... 12 more", 1},
        {"INFO next request", 0},
        {"Traceback (most recent call last):", 0},
        {"  File \"app.py\", line 3, in <module>", 1},
        {"    main()", 1},
        {"ValueError: bad value", 1},
        {"INFO after the traceback", 0},
        {"   ", 0},
        {"at the end of the day", 1},
    };
    int state = 0, ok = 1;

    for (size_t i = 0; i < sizeof java / sizeof java[0]; i++) {
        int got = structured_continues(&state, java[i].line, strlen(java[i].line));

        if (got != java[i].cont) {
            printf("# line %zu [%s]: got %d\n", i, java[i].line, got);
            ok = 0;
        }
    }
    CHECK(ok, "stack traces: Java at/Caused by/... more, Python traceback to its last line");
    state = 0;
    CHECK(!structured_continues(&state, LIT("ValueError: alone")), "no traceback open: a head");
}

static void
test_hostile(void)
{
    struct structured_info in;
    char *s, *big;
    struct od_buf b;

    s = fmt(LIT("{\"level\":\"error\",\"msg\":\"a\\u001b]0;pwned\\u0007b\\u001b[2Jc\"}"), &in);
    CHECK(inert(s), "JSON escapes for ESC/BEL decode to text that is made inert");
    CHECK(strstr(s, "\\x1b]0;pwned") != NULL, "shown as visible escapes");
    free(s);
    s = fmt(LIT("{\"msg\":\"left\\u202eright \\u2066iso \\u2028sep \\u0085nel\",\"level\":\"info\"}"), &in);
    CHECK(inert(s), "bidi overrides, isolates, line separators, C1: inert");
    free(s);
    s = fmt(LIT("{\"msg\":\"nul\\u0000after\",\"level\":\"info\"}"), &in);
    CHECK(inert(s), "a NUL escape: inert");
    free(s);
    s = fmt(LIT("{\"msg\":\"bad \xff\xfe utf8 \xc3\",\"level\":\"warn\"}"), &in);
    CHECK(inert(s), "invalid UTF-8 inside JSON: inert");
    free(s);
    s = fmt(LIT("{\"msg\":\"lone \\ud800 surrogate\",\"level\":\"warn\"}"), &in);
    CHECK(inert(s), "a lone surrogate (cJSON refuses): the raw line, inert");
    free(s);
    s = fmt("{\"msg\":\"x\0\x1b[31m\"}", 14, &in);
    CHECK(inert(s) && !in.json, "raw NUL byte: not parsed, inert");
    free(s);
    s = fmt(LIT("{\"lvl\":\"\\u001b[31merror\",\"msg\":\"\\t\\ttabs\\r\\n\"}"), &in);
    CHECK(inert(s), "control characters in the level and message: inert");
    free(s);
    s = fmt(LIT("{\"level\":\"info\",\"msg\":\"m\",\"trace_id\":{\"\\u001b\":[\"\\u009b\"]}}"), &in);
    CHECK(inert(s), "control characters inside a nested field value: inert");
    free(s);
    s = fmt(LIT("plain \x1b[31mERROR\x1b[0m \x07 \xe2\x80\xae"), &in);
    CHECK(inert(s), "a plain hostile line: inert");
    free(s);

    /* Deep nesting: 5000 levels (cJSON stops at its limit; either way, no crash). */
    buf_init(&b, 0);
    buf_puts(&b, "{\"level\":\"error\",\"msg\":\"deep\",\"error\":");
    for (int i = 0; i < 5000; i++)
        buf_putc(&b, '[');
    for (int i = 0; i < 5000; i++)
        buf_putc(&b, ']');
    buf_putc(&b, '}');
    s = fmt(b.data, b.len, &in);
    CHECK(inert(s) && strlen(s) <= SANITIZE_LINE_MAX, "5000-deep JSON: inert, capped");
    free(s);
    buf_free(&b);

    /* Huge: a 1 MiB JSON line is not parsed, shown capped. */
    big = xmalloc(1 << 20);
    memset(big, 'a', 1 << 20);
    memcpy(big, "{\"level\":\"error\",\"msg\":\"", 24);
    memcpy(big + (1 << 20) - 2, "\"}", 2);
    s = fmt(big, 1 << 20, &in);
    CHECK(!in.json && strlen(s) <= SANITIZE_LINE_MAX, "1 MiB JSON: not parsed, capped");
    free(s);
    /* A 60 KiB message in JSON: parsed, capped at the display cap. */
    memcpy(big + 60 * 1024 - 2, "\"}", 2);
    s = fmt(big, 60 * 1024, &in);
    CHECK(in.json && strlen(s) <= SANITIZE_LINE_MAX && strncmp(s, "ERROR aaa", 9) == 0,
          "60 KiB JSON message: formatted, capped");
    free(s);
    free(big);
    {
        struct od_buf small;

        buf_init(&small, 0);
        structured_format(LIT("{\"level\":\"info\",\"msg\":\"0123456789012345678901234567890123456789"
                              "0123456789012345678901234567890123456789\"}"),
                          &fields, 64, &small, &in);
        CHECK(small.len <= 64, "max_out is kept");
        buf_free(&small);
    }
}

int
main(void)
{
    structured_fields_parse("level,msg,error,trace_id", &fields);
    test_fields_spec();
    test_json();
    test_plain_levels();
    test_stack();
    test_hostile();
    structured_fields_clear(&fields);
    return check_done();
}
