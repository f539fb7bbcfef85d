#include "util/sanitize.h"

#include <stdbool.h>
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

/* The inert form of the character at s: *used input bytes, written to rep (at most 7 bytes
 * for an escape) or, when it is kept as is, *keep = true. */
static size_t
render_one(const unsigned char *s, size_t len, char rep[8], size_t *used, bool *keep)
{
    uint32_t cp;
    size_t n = utf8_valid(s, len, &cp);

    *keep = false;
    if (n == 0) {
        *used = 1;
        return (size_t)snprintf(rep, 8, "\\x%02x", s[0]);
    }
    *used = n;
    if (cp == '\t') {
        rep[0] = ' ';
        rep[1] = '\0';
        return 1;
    }
    if (cp < 0x20 || cp == 0x7f)
        return (size_t)snprintf(rep, 8, "\\x%02x", (unsigned)cp);
    if ((cp >= 0x80 && cp < 0xa0) || cp == 0x2028 || cp == 0x2029 ||
        (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
        /* C1 controls; line separators and bidi overrides can disguise text */
        return (size_t)snprintf(rep, 8, "\\u%04x", (unsigned)cp);
    *keep = true;
    return n;
}

enum od_err
sanitize_append(struct od_buf *out, const char *str, size_t len)
{
    return sanitize_append_capped(out, str, len, 0, NULL);
}

enum od_err
sanitize_append_capped(struct od_buf *out, const char *str, size_t len, size_t max_out,
                       bool *cut)
{
    static const char widest[] = "\xe2\x80\xa6[+18446744073709551615 bytes]";
    const unsigned char *s = (const unsigned char *)str;
    enum od_err err = OD_OK;
    size_t i = 0, written = 0, budget = 0, base = out->len;
    size_t cut_in = 0, cut_out = 0; /* the last place where a marker still fits */
    bool have_cut = false;
    char marker[sizeof widest];

    if (cut != NULL)
        *cut = false;
    if (max_out != 0) {
        if (max_out < 64)
            max_out = 64;
        budget = max_out - (sizeof widest - 1);
    }
    while (i < len && err == OD_OK) {
        char rep[8];
        size_t used;
        bool keep;
        size_t n = render_one(s + i, len - i, rep, &used, &keep);

        if (max_out != 0 && !have_cut && written + n > budget) {
            have_cut = true;
            cut_in = i;
            cut_out = written;
        }
        if (max_out != 0 && written + n > max_out) {
            /* Too long after all: back to the last place with room for the marker. */
            out->len = base + cut_out;
            out->data[out->len] = '\0';
            snprintf(marker, sizeof marker, "\xe2\x80\xa6[+%zu bytes]", len - cut_in);
            if (cut != NULL)
                *cut = true;
            return buf_puts(out, marker);
        }
        err = keep ? buf_append(out, s + i, n) : buf_append(out, rep, n);
        written += n;
        i += used;
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

enum od_err
sanitize_json_string(struct od_buf *out, const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    enum od_err err = buf_putc(out, '"');
    size_t i = 0, run = 0;

    /* Plain runs are copied in one go; only the rare special characters cost more. */
    while (i < len && err == OD_OK) {
        unsigned char c = s[i];
        uint32_t cp = 0;
        size_t n;

        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            run++;
            i++;
            continue;
        }
        if (run > 0) {
            err = buf_append(out, s + i - run, run);
            run = 0;
            if (err != OD_OK)
                break;
        }
        n = utf8_valid(s + i, len - i, &cp);
        if (n == 0) {
            err = buf_puts(out, "\\ufffd");
            i++;
            continue;
        }
        if (cp == '"')
            err = buf_puts(out, "\\\"");
        else if (cp == '\\')
            err = buf_puts(out, "\\\\");
        else if (cp == '\n')
            err = buf_puts(out, "\\n");
        else if (cp == '\r')
            err = buf_puts(out, "\\r");
        else if (cp == '\t')
            err = buf_puts(out, "\\t");
        else if (disguising(cp))
            err = buf_printf(out, "\\u%04x", (unsigned)cp);
        else
            err = buf_append(out, s + i, n);
        i += n;
    }
    if (run > 0 && err == OD_OK)
        err = buf_append(out, s + i - run, run);
    if (err == OD_OK)
        err = buf_putc(out, '"');
    return err;
}
