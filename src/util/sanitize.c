#include "util/sanitize.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/xalloc.h"

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if invalid (overlong, surrogate,
 * out of range or truncated). *cp receives the code point. */
static size_t
utf8_valid(const unsigned char *s, size_t len, uint32_t *cp)
{
    uint32_t c;
    size_t n, i;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        n = 2;
        c = s[0] & 0x1f;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        n = 3;
        c = s[0] & 0x0f;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        n = 4;
        c = s[0] & 0x07;
    } else {
        return 0;
    }
    if (len < n)
        return 0;
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3f);
    }
    if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
        (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return n;
}

enum od_err
sanitize_append(struct od_buf *out, const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    enum od_err err = OD_OK;
    size_t i = 0;

    while (i < len && err == OD_OK) {
        uint32_t cp;
        size_t n = utf8_valid(s + i, len - i, &cp);

        if (n == 0) {
            err = buf_printf(out, "\\x%02x", s[i]);
            i++;
            continue;
        }
        if (cp == '\t')
            err = buf_putc(out, ' ');
        else if (cp < 0x20 || cp == 0x7f)
            err = buf_printf(out, "\\x%02x", (unsigned)cp);
        else if (cp >= 0x80 && cp < 0xa0)
            err = buf_printf(out, "\\u%04x", (unsigned)cp);
        else if (cp == 0x2028 || cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
                 (cp >= 0x2066 && cp <= 0x2069))
            /* line separators and bidi overrides can disguise text */
            err = buf_printf(out, "\\u%04x", (unsigned)cp);
        else
            err = buf_append(out, s + i, n);
        i += n;
    }
    return err;
}

char *
sanitize_str(const char *s)
{
    struct od_buf b;

    buf_init(&b, 0);
    if (s != NULL)
        sanitize_append(&b, s, strlen(s));
    return buf_steal(&b);
}

bool
sanitize_is_clean(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;

    while (i < len) {
        uint32_t cp;
        size_t n = utf8_valid(s + i, len - i, &cp);

        if (n == 0 || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
            cp == 0x2028 || cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
            (cp >= 0x2066 && cp <= 0x2069))
            return false;
        i += n;
    }
    return true;
}

static bool
disguising(uint32_t cp)
{
    return (cp >= 0x80 && cp < 0xa0) || cp == 0x2028 || cp == 0x2029 ||
           (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x7f ||
           cp < 0x20;
}

char *
sanitize_json_text(const char *json)
{
    const unsigned char *s = (const unsigned char *)json;
    size_t len = strlen(json), i = 0;
    struct od_buf out;

    buf_init(&out, 0);
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_valid(s + i, len - i, &cp);

        if (n == 0) {
            buf_puts(&out, "\\ufffd");
            i++;
        } else if (disguising(cp) && cp != '\n' && cp != '\t' && cp != '\r') {
            buf_printf(&out, "\\u%04x", (unsigned)cp);
            i += n;
        } else {
            buf_append(&out, s + i, n);
            i += n;
        }
    }
    return buf_steal(&out);
}
