/* util: bounded buffers, URI encoding, time parsing, sanitiser. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/hash.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

static void
test_buf(void)
{
    struct od_buf b;

    buf_init(&b, 8);
    CHECK(buf_puts(&b, "12345678") == OD_OK, "buf accepts exactly its cap");
    CHECK(buf_putc(&b, '9') == OD_E_TOO_LARGE, "buf refuses one byte past its cap");
    CHECK_STR(buf_cstr(&b), "12345678", "buf content intact after refusal");
    buf_free(&b);
    buf_init(&b, 0);
    CHECK_STR(buf_cstr(&b), "", "empty buf is an empty string");
    buf_printf(&b, "%d-%s", 42, "x");
    CHECK_STR(buf_cstr(&b), "42-x", "buf_printf");
    buf_free(&b);
}

static void
test_uri_encode(void)
{
    struct od_buf b;

    buf_init(&b, 0);
    str_uri_encode(&b, "a b/c~d_e.f-g=h&+%\xc3\xa9", 20, false);
    CHECK_STR(buf_cstr(&b), "a%20b%2Fc~d_e.f-g%3Dh%26%2B%25%C3%A9", "RFC 3986 encode, slash escaped");
    buf_reset(&b);
    str_uri_encode(&b, "/a b/c", 6, true);
    CHECK_STR(buf_cstr(&b), "/a%20b/c", "encode keeping slashes");
    buf_free(&b);
}

static void
test_clock(void)
{
    time_t t;
    char s[21];

    CHECK(clock_parse_iso("2026-11-22T00:45:25.159034Z", &t), "ISO with fraction parses");
    clock_format_iso(t, s);
    CHECK_STR(s, "2026-11-22T00:45:25Z", "ISO round trip");
    CHECK(clock_parse_iso("2026-11-22T02:45:25+02:00", &t), "ISO with offset parses");
    clock_format_iso(t, s);
    CHECK_STR(s, "2026-11-22T00:45:25Z", "offset applied");
    CHECK(!clock_parse_iso("2026-13-22T00:45:25Z", &t), "month 13 rejected");
    CHECK(!clock_parse_iso("yesterday", &t), "junk rejected");
    CHECK(clock_parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT", &t), "HTTP date parses");
    CHECK_INT(t, 784111777, "HTTP date value");
}

static void
test_sanitize(void)
{
    char *s;

    s = sanitize_str("ok \x1b]0;pwned\x07 \x9b tab\there \xc3\xa9 \xff end");
    CHECK(strchr(s, 0x1b) == NULL && strchr(s, 0x07) == NULL, "ESC and BEL removed");
    CHECK_STR(s, "ok \\x1b]0;pwned\\x07 \\x9b tab here \xc3\xa9 \\xff end",
              "controls escaped, invalid bytes shown, UTF-8 kept");
    free(s);
    s = sanitize_str("\xc2\x9b" "31m");
    CHECK_STR(s, "\\u009b31m", "C1 CSI escaped");
    free(s);
    CHECK(sanitize_is_clean("plain text \xe2\x9c\x93", 14), "clean text is clean");
    CHECK(!sanitize_is_clean("\xe0\x80\x80", 3), "overlong encoding is not clean");
}

static void
test_hash(void)
{
    char hex[OD_SHA256_HEX_LEN];

    hash_sha256_hex("", 0, hex);
    CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
              "sha256 of empty string");
    {
        char h1[OD_SHA1_HEX_LEN];
        hash_sha1_hex("my-sso", 6, h1);
        CHECK_STR(h1, "0ad374308c5a4e22f723adf10145eafad7c4031c", "sha1 of SSO session name");
    }
}

static void
test_error(void)
{
    struct od_error e = {0};
    char *s;

    od_error_set(&e, OD_E_AWS, "Cluster not found.");
    e.code = xstrdup("ClusterNotFoundException");
    e.http_status = 400;
    e.request_id = xstrdup("abc-123");
    s = od_error_format(&e);
    CHECK_STR(s, "ClusterNotFoundException: Cluster not found. (HTTP 400, request id abc-123)",
              "error format names code, message, status and request id");
    free(s);
    od_error_clear(&e);
    CHECK(e.code == NULL && e.err == OD_OK, "error cleared");
}

int
main(void)
{
    test_buf();
    test_uri_encode();
    test_clock();
    test_sanitize();
    test_hash();
    test_error();
    return check_done();
}
