#include "ui/draw.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ui/curses.h"
#include "util/buf.h"
#include "util/xalloc.h"

static bool use_utf8;

static const char *const spark_utf8[8] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
static const char *const spark_ascii[8] = {"_", "_", ".", "-", "-", "=", "*", "#"};

static const struct ui_glyphs glyphs_utf8 = {
    .ellipsis = "…",
    .hline = "─",
    .vline = "│",
    .tl = "┌",
    .tr = "┐",
    .bl = "└",
    .br = "┘",
    .up = "▲",
    .down = "▼",
    .sep = "│",
    .spark = spark_utf8,
    .bar_full = "█",
    .bar_empty = "░",
    .spinner = {"⠋", "⠙", "⠸", "⠴"},
};

static const struct ui_glyphs glyphs_ascii = {
    .ellipsis = "~",
    .hline = "-",
    .vline = "|",
    .tl = "+",
    .tr = "+",
    .bl = "+",
    .br = "+",
    .up = "^",
    .down = "v",
    .sep = "|",
    .spark = spark_ascii,
    .bar_full = "#",
    .bar_empty = "-",
    .spinner = {"|", "/", "-", "\\"},
};

void
draw_set_utf8(bool utf8)
{
    use_utf8 = utf8;
}

bool
draw_utf8(void)
{
    return use_utf8;
}

const struct ui_glyphs *
draw_glyphs(void)
{
    return use_utf8 ? &glyphs_utf8 : &glyphs_ascii;
}

/* Decode one character at s: its code point (or U+FFFD for a bad byte) and length. */
static size_t
decode(const char *s, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n;
    uint32_t c;

    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    if (u[0] >= 0xc2 && u[0] <= 0xdf) {
        n = 2;
        c = u[0] & 0x1f;
    } else if (u[0] >= 0xe0 && u[0] <= 0xef) {
        n = 3;
        c = u[0] & 0x0f;
    } else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
        n = 4;
        c = u[0] & 0x07;
    } else {
        *cp = 0xfffd;
        return 1;
    }
    for (size_t i = 1; i < n; i++) {
        if ((u[i] & 0xc0) != 0x80) {
            *cp = 0xfffd;
            return 1;
        }
        c = (c << 6) | (u[i] & 0x3f);
    }
    if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
        (c >= 0xd800 && c <= 0xdfff)) {
        *cp = 0xfffd;
        return 1;
    }
    *cp = c;
    return n;
}

/* Outside UTF-8: the few typographic characters the console itself uses, in ASCII. */
static char
ascii_for(uint32_t cp)
{
    switch (cp) {
    case 0x00b7: /* middle dot */
    case 0x2022: /* bullet */
        return '-';
    case 0x2026: /* ellipsis */
        return '~';
    case 0x2192: /* right arrow */
        return '>';
    case 0x2190:
        return '<';
    case 0x2013:
    case 0x2014:
    case 0x2500:
        return '-';
    case 0x2502:
        return '|';
    default:
        return '?';
    }
}

/* What a code point becomes on screen: the character itself (as UTF-8 in out, returns its
 * width 1 or 2), or nothing for zero-width characters (returns 0). Anything unprintable or
 * not representable is '?'. */
static int
render(uint32_t cp, const char *src, size_t srclen, char out[5], size_t *outlen)
{
    int w;

    if (cp < 0x80) {
        if (cp < 0x20 || cp == 0x7f) {
            out[0] = '?';
        } else {
            out[0] = (char)cp;
        }
        *outlen = 1;
        return 1;
    }
    if (!use_utf8 || cp == 0xfffd) {
        out[0] = ascii_for(cp);
        *outlen = 1;
        return 1;
    }
    w = wcwidth((wchar_t)cp);
    if (w == 0) {
        *outlen = 0;
        return 0;
    }
    if (w < 0 || w > 2) {
        out[0] = '?';
        *outlen = 1;
        return 1;
    }
    memcpy(out, src, srclen);
    *outlen = srclen;
    return w;
}

int
draw_cols(const char *s)
{
    int cols = 0;

    while (s != NULL && *s != '\0') {
        uint32_t cp;
        size_t n = decode(s, &cp), outlen;
        char out[5];

        cols += render(cp, s, n, out, &outlen);
        s += n;
    }
    return cols;
}

size_t
draw_prefix_bytes(const char *s, int cols)
{
    const char *p = s;
    int used = 0;

    while (p != NULL && *p != '\0') {
        uint32_t cp;
        size_t n = decode(p, &cp), outlen;
        char out[5];
        int w = render(cp, p, n, out, &outlen);

        if (used + w > cols)
            break;
        used += w;
        p += n;
    }
    return (size_t)(p - s);
}

/* Append the drawable form of s, at most cols columns; returns the columns used. */
static int
append_fit(struct od_buf *b, const char *s, int cols)
{
    int used = 0;

    while (s != NULL && *s != '\0') {
        uint32_t cp;
        size_t n = decode(s, &cp), outlen;
        char out[5];
        int w = render(cp, s, n, out, &outlen);

        if (used + w > cols)
            break;
        buf_append(b, out, outlen);
        used += w;
        s += n;
    }
    return used;
}

char *
draw_fit(const char *s, int cols, enum draw_align align)
{
    struct od_buf b;
    int width = draw_cols(s), used, pad;

    buf_init(&b, 0);
    if (cols <= 0)
        return buf_steal(&b);
    if (width > cols) {
        const char *ell = draw_glyphs()->ellipsis;

        used = append_fit(&b, s, cols - 1);
        buf_puts(&b, ell);
        used += 1;
        while (used < cols) { /* a wide character did not fit before the ellipsis */
            buf_putc(&b, ' ');
            used++;
        }
        return buf_steal(&b);
    }
    pad = cols - width;
    if (align == ALIGN_RIGHT || align == ALIGN_CENTER) {
        int left = align == ALIGN_RIGHT ? pad : pad / 2;

        for (int i = 0; i < left; i++)
            buf_putc(&b, ' ');
        pad -= left;
    }
    append_fit(&b, s, width);
    for (int i = 0; i < pad; i++)
        buf_putc(&b, ' ');
    return buf_steal(&b);
}

/* ---- curses ------------------------------------------------------------------------------ */

static void
put_fitted(int y, int x, const char *text)
{
    if (use_utf8) {
        wchar_t wbuf[1024];
        size_t n = 0;
        const char *p = text;

        while (*p != '\0' && n < sizeof wbuf / sizeof wbuf[0] - 1) {
            uint32_t cp;
            size_t len = decode(p, &cp);

            wbuf[n++] = (wchar_t)cp;
            p += len;
        }
        wbuf[n] = L'\0';
        mvaddnwstr(y, x, wbuf, (int)n);
    } else {
        mvaddstr(y, x, text);
    }
}

int
draw_text(int y, int x, int maxcols, enum ui_el el, const char *s)
{
    struct od_buf b;
    int used;

    if (maxcols <= 0 || y < 0 || x < 0 || y >= LINES || x >= COLS)
        return 0;
    if (x + maxcols > COLS)
        maxcols = COLS - x;
    buf_init(&b, 0);
    used = append_fit(&b, s, maxcols);
    attrset(color_attr(el));
    put_fitted(y, x, buf_cstr(&b));
    buf_free(&b);
    return used;
}

void
draw_cell(int y, int x, int cols, enum ui_el el, const char *s, enum draw_align align)
{
    char *fit;

    if (cols <= 0 || y < 0 || x < 0 || y >= LINES || x >= COLS)
        return;
    if (x + cols > COLS)
        cols = COLS - x;
    fit = draw_fit(s, cols, align);
    attrset(color_attr(el));
    put_fitted(y, x, fit);
    free(fit);
}

void
draw_fill(int y, int x, int cols, enum ui_el el)
{
    if (y < 0 || y >= LINES || x < 0 || x >= COLS)
        return;
    if (x + cols > COLS)
        cols = COLS - x;
    attrset(color_attr(el));
    for (int i = 0; i < cols; i++)
        mvaddch(y, x + i, ' ');
}

void
draw_hline(int y, int x, int cols, enum ui_el el)
{
    for (int i = 0; i < cols; i++)
        draw_text(y, x + i, 1, el, draw_glyphs()->hline);
}

void
draw_box(int y, int x, int h, int w, enum ui_el border, enum ui_el fill)
{
    const struct ui_glyphs *g = draw_glyphs();

    if (h < 2 || w < 2)
        return;
    for (int r = 1; r < h - 1; r++) {
        draw_fill(y + r, x + 1, w - 2, fill);
        draw_text(y + r, x, 1, border, g->vline);
        draw_text(y + r, x + w - 1, 1, border, g->vline);
    }
    draw_text(y, x, 1, border, g->tl);
    draw_hline(y, x + 1, w - 2, border);
    draw_text(y, x + w - 1, 1, border, g->tr);
    draw_text(y + h - 1, x, 1, border, g->bl);
    draw_hline(y + h - 1, x + 1, w - 2, border);
    draw_text(y + h - 1, x + w - 1, 1, border, g->br);
}
