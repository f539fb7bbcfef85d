/* The sanitiser against hostile input: whatever goes in, what comes out holds no byte a
 * terminal acts on (ESC, C0, C1, DEL), only valid UTF-8, and valid printable text is kept. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "util/buf.h"
#include "util/sanitize.h"
#include "util/xalloc.h"

/* Inert means: every byte is printable ASCII or part of a valid UTF-8 sequence that is not
 * a C1 control, a line separator or a bidi override. */
static bool
inert(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;

    for (size_t i = 0; i < len;) {
        unsigned char c = s[i];
        uint32_t cp;
        size_t n;

        if (c < 0x80) {
            if (c < 0x20 || c == 0x7f)
                return false;
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            n = 2;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 3;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + n > len)
            return false;
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp < 0xa0) || cp == 0x2028 ||
            cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
            return false;
        i += n;
    }
    return true;
}

static char *
san(const char *s, size_t len)
{
    struct od_buf b;

    buf_init(&b, 0);
    sanitize_append(&b, s, len);
    return buf_steal(&b);
}

#define SAN(lit) san((lit), sizeof(lit) - 1)

static void
check_san(const char *in, size_t len, const char *want, const char *what)
{
    char *got = san(in, len);

    CHECK_STR(got, want, what);
    CHECK(inert(got, strlen(got)), what);
    free(got);
}

#define CHECK_SAN(lit, want, what) check_san((lit), sizeof(lit) - 1, (want), (what))

static void
test_escapes(void)
{
    /* CSI, OSC title (BEL- and ST-terminated), DCS, bare ESC at the end. */
    CHECK_SAN("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m", "CSI colour made visible");
    CHECK_SAN("\x1b]0;pwned\x07rest", "\\x1b]0;pwned\\x07rest", "OSC 0 title with BEL");
    CHECK_SAN("\x1b]2;t\x1b\\x", "\\x1b]2;t\\x1b\\x", "OSC 2 title with ST");
    CHECK_SAN("\x1bP+q544e\x1b\\", "\\x1bP+q544e\\x1b\\", "DCS request");
    CHECK_SAN("\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H", "clear screen");
    CHECK_SAN("end\x1b", "end\\x1b", "ESC as the last byte");
    CHECK_SAN("ding\x07\x07", "ding\\x07\\x07", "BEL");
    CHECK_SAN("a\rb\nc\bd\x7f", "a\\x0db\\x0ac\\x08d\\x7f", "CR, LF, BS and DEL");
    CHECK_SAN("t\tab", "t ab", "tab becomes a space");
}

static void
test_nul_and_c1(void)
{
    CHECK_SAN("nul\0inside", "nul\\x00inside", "NUL in the middle is shown, not a terminator");
    CHECK_SAN("\0", "\\x00", "a lone NUL");
    /* C1 as raw bytes: invalid UTF-8 on their own. */
    CHECK_SAN("\x9b" "31m", "\\x9b31m", "raw C1 CSI byte");
    CHECK_SAN("\x9d" "0;t\x9c", "\\x9d0;t\\x9c", "raw C1 OSC and ST bytes");
    /* C1 encoded as UTF-8 (U+009B, U+0085, U+009D). */
    CHECK_SAN("\xc2\x9b" "31m", "\\u009b31m", "UTF-8 encoded CSI (U+009B)");
    CHECK_SAN("a\xc2\x85" "b", "a\\u0085b", "NEL (U+0085)");
    CHECK_SAN("\xc2\x9d" "0;x\xc2\x9c", "\\u009d0;x\\u009c", "UTF-8 OSC and ST");
}

static void
test_invalid_utf8(void)
{
    CHECK_SAN("\xc0\xaf", "\\xc0\\xaf", "overlong '/' (2 bytes)");
    CHECK_SAN("\xe0\x80\xaf", "\\xe0\\x80\\xaf", "overlong '/' (3 bytes)");
    CHECK_SAN("\xf0\x80\x80\xaf", "\\xf0\\x80\\x80\\xaf", "overlong '/' (4 bytes)");
    CHECK_SAN("\xc1\x9b", "\\xc1\\x9b", "overlong C1 CSI");
    CHECK_SAN("\xed\xa0\x80", "\\xed\\xa0\\x80", "UTF-8 encoded high surrogate");
    CHECK_SAN("\xed\xbf\xbf", "\\xed\\xbf\\xbf", "UTF-8 encoded low surrogate");
    CHECK_SAN("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80", "beyond U+10FFFF");
    CHECK_SAN("\xff\xfe", "\\xff\\xfe", "bytes never valid in UTF-8");
    CHECK_SAN("ok\xe2\x82", "ok\\xe2\\x82", "truncated 3-byte sequence at the end");
    CHECK_SAN("ok\xf0\x9f\x98", "ok\\xf0\\x9f\\x98", "truncated 4-byte sequence at the end");
    CHECK_SAN("ok\xc3", "ok\\xc3", "truncated 2-byte sequence at the end");
    CHECK_SAN("\xe2\x28\xa1", "\\xe2(\\xa1", "bad continuation byte resynchronises");
    CHECK_SAN("\x80\xbf", "\\x80\\xbf", "stray continuation bytes");
}

static void
test_bidi(void)
{
    CHECK_SAN("x\xe2\x80\xae" "exe.txt", "x\\u202eexe.txt", "right-to-left override");
    CHECK_SAN("\xe2\x81\xa6" "a\xe2\x81\xa9", "\\u2066a\\u2069", "isolates");
    CHECK_SAN("a\xe2\x80\xa8" "b\xe2\x80\xa9", "a\\u2028b\\u2029", "line and paragraph separators");
}

static void
test_kept(void)
{
    const char text[] = "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xd0\xbf\xd1\x80\xd0\xb8"
                        "\xd0\xb2\xd0\xb5\xd1\x82 \xd8\xb3\xd9\x84\xd8\xa7\xd9\x85 "
                        "\xf0\x9f\x9a\x80 \xe2\x9c\x93 \xc2\xa0nbsp \xef\xbf\xbd";
    char *got = SAN(text);

    CHECK_STR(got, text, "multilingual text, emoji, NBSP and U+FFFD kept byte for byte");
    CHECK(sanitize_is_clean(text, sizeof text - 1), "and it counts as clean");
    free(got);
    CHECK(!sanitize_is_clean("a\x1b", 2), "ESC is not clean");
    CHECK(!sanitize_is_clean("a\0b", 3), "NUL is not clean");
}

static void
test_capped(void)
{
    size_t big = 1024 * 1024;
    char *in = xmalloc(big);
    struct od_buf b;
    bool cut = false;

    /* A megabyte of ESC: each becomes four bytes, so the cap must hold on the output. */
    memset(in, 0x1b, big);
    buf_init(&b, 0);
    sanitize_append_capped(&b, in, big, SANITIZE_LINE_MAX, &cut);
    CHECK(cut, "a 1 MiB line is cut");
    CHECK(b.len <= SANITIZE_LINE_MAX, "cut output stays within the cap");
    CHECK(b.len > SANITIZE_LINE_MAX - 64, "and uses most of it");
    CHECK(inert(b.data, b.len), "cut output is inert");
    CHECK(strstr(b.data, "\xe2\x80\xa6[+") != NULL, "cut output carries the marker");
    CHECK(strstr(b.data, "\\x1b\\x1b") != NULL, "escapes are whole up to the cut");
    buf_free(&b);

    /* A cut never splits a multi-byte character. */
    for (size_t i = 0; i + 3 <= big; i += 3)
        memcpy(in + i, "\xe6\x97\xa5", 3);
    buf_init(&b, 0);
    sanitize_append_capped(&b, in, big - big % 3, 100, &cut);
    CHECK(cut && b.len <= 100 && inert(b.data, b.len), "cut between whole characters");
    buf_free(&b);

    /* Just fits: no marker. */
    memset(in, 'a', 200);
    buf_init(&b, 0);
    sanitize_append_capped(&b, in, 200, 200, &cut);
    CHECK(!cut && b.len == 200, "text exactly at the cap is not cut");
    buf_free(&b);
    buf_init(&b, 0);
    sanitize_append_capped(&b, in, 201, 200, &cut);
    CHECK(cut && b.len <= 200, "one byte over is cut");
    CHECK(strstr(b.data, "bytes]") != NULL, "with the marker");
    buf_free(&b);

    /* Uncapped: a long line comes through whole. */
    memset(in, 'a', big / 4);
    buf_init(&b, 0);
    sanitize_append(&b, in, big / 4);
    CHECK_INT(b.len, big / 4, "sanitize_append never cuts");
    buf_free(&b);
    free(in);
}

static void
check_json(const char *in, size_t len, const char *what)
{
    struct od_buf b;
    cJSON *j;

    buf_init(&b, 0);
    sanitize_json_string(&b, in, len);
    CHECK(inert(b.data, b.len), what);
    j = cJSON_ParseWithLength(b.data, b.len);
    CHECK(j != NULL && cJSON_IsString(j), "JSON string parses");
    cJSON_Delete(j);
    buf_free(&b);
}

static void
test_json(void)
{
    static const char hostile[] = "\x1b]0;title\x07 \x1b[31m \x9b \xc2\x9b \xe2\x80\xae \"q\" \\ "
                                  "\xff\xc0\xaf nul\0x \x7f tab\t nl\n";
    struct od_buf b;
    cJSON *j;

    check_json(hostile, sizeof hostile - 1, "JSON string of hostile bytes is inert");
    buf_init(&b, 0);
    sanitize_json_string(&b, "a\0b\x1b\xc2\x85\xe6\x97\xa5", 9);
    CHECK_STR(b.data, "\"a\\u0000b\\u001b\\u0085\xe6\x97\xa5\"",
              "NUL, ESC and NEL escaped, CJK kept");
    j = cJSON_ParseWithLength(b.data, b.len);
    CHECK(j != NULL && memcmp(j->valuestring, "a", 2) == 0,
          "the data survives (NUL decodes back)");
    cJSON_Delete(j);
    buf_free(&b);

    {
        char *t = sanitize_json_text("{\"m\":\"\xc2\x9b\xff\"}");

        CHECK_STR(t, "{\"m\":\"\\u009b\\ufffd\"}", "sanitize_json_text escapes C1, replaces junk");
        free(t);
    }
}

int
main(void)
{
    test_escapes();
    test_nul_and_c1();
    test_invalid_utf8();
    test_bidi();
    test_kept();
    test_capped();
    test_json();
    return check_done();
}
