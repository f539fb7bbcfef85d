#include "ui/widget_prompt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ui/curses.h"
#include "ui/draw.h"
#include "ui/keys.h"
#include "util/buf.h"
#include "util/xalloc.h"

void
prompt_init(struct ui_prompt *p, const char *label, const char *initial, size_t max)
{
    memset(p, 0, sizeof *p);
    snprintf(p->label, sizeof p->label, "%s", label != NULL ? label : "");
    p->max = max == 0 || max >= PROMPT_MAX ? PROMPT_MAX - 1 : max;
    prompt_set_text(p, initial);
}

static void
put_utf8(struct od_buf *b, uint32_t c)
{
    char s[4];
    size_t n;

    if (c < 0x80) {
        s[0] = (char)c;
        n = 1;
    } else if (c < 0x800) {
        s[0] = (char)(0xc0 | (c >> 6));
        s[1] = (char)(0x80 | (c & 0x3f));
        n = 2;
    } else if (c < 0x10000) {
        s[0] = (char)(0xe0 | (c >> 12));
        s[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        s[2] = (char)(0x80 | (c & 0x3f));
        n = 3;
    } else {
        s[0] = (char)(0xf0 | (c >> 18));
        s[1] = (char)(0x80 | ((c >> 12) & 0x3f));
        s[2] = (char)(0x80 | ((c >> 6) & 0x3f));
        s[3] = (char)(0x80 | (c & 0x3f));
        n = 4;
    }
    buf_append(b, s, n);
}

void
prompt_set_text(struct ui_prompt *p, const char *text)
{
    const unsigned char *u = (const unsigned char *)(text != NULL ? text : "");

    p->len = 0;
    while (*u != '\0' && p->len < p->max) {
        uint32_t c = *u;
        size_t n = 1;

        if (c >= 0xc0 && c < 0xe0 && (u[1] & 0xc0) == 0x80) {
            c = ((c & 0x1f) << 6) | (u[1] & 0x3f);
            n = 2;
        } else if (c >= 0xe0 && c < 0xf0 && (u[1] & 0xc0) == 0x80 && (u[2] & 0xc0) == 0x80) {
            c = ((c & 0x0f) << 12) | ((uint32_t)(u[1] & 0x3f) << 6) | (u[2] & 0x3f);
            n = 3;
        } else if (c >= 0xf0 && c < 0xf5 && (u[1] & 0xc0) == 0x80 && (u[2] & 0xc0) == 0x80 &&
                   (u[3] & 0xc0) == 0x80) {
            c = ((c & 0x07) << 18) | ((uint32_t)(u[1] & 0x3f) << 12) |
                ((uint32_t)(u[2] & 0x3f) << 6) | (u[3] & 0x3f);
            n = 4;
        } else if (c >= 0x80) {
            c = '?';
        }
        p->buf[p->len++] = c;
        u += n;
    }
    p->pos = p->len;
}

char *
prompt_text(const struct ui_prompt *p)
{
    struct od_buf b;

    buf_init(&b, 0);
    for (size_t i = 0; i < p->len; i++)
        put_utf8(&b, p->buf[i]);
    return buf_steal(&b);
}

static bool
is_space(uint32_t c)
{
    return c == ' ' || c == '\t';
}

enum prompt_result
prompt_key(struct ui_prompt *p, int key)
{
    switch (key) {
    case UI_KEY_ENTER:
        return PROMPT_ACCEPT;
    case UI_KEY_ESC:
    case UI_KEY_CTRL('c'):
    case UI_KEY_CTRL('g'):
        return PROMPT_CANCEL;
    case UI_KEY_BACKSPACE:
    case UI_KEY_CTRL('h'):
        if (p->pos == 0)
            return p->len == 0 ? PROMPT_CANCEL : PROMPT_MOVED;
        memmove(&p->buf[p->pos - 1], &p->buf[p->pos], (p->len - p->pos) * sizeof p->buf[0]);
        p->pos--;
        p->len--;
        return PROMPT_CHANGED;
    case UI_KEY_FN | KEY_DC:
    case UI_KEY_CTRL('d'):
        if (p->pos == p->len)
            return PROMPT_MOVED;
        memmove(&p->buf[p->pos], &p->buf[p->pos + 1], (p->len - p->pos - 1) * sizeof p->buf[0]);
        p->len--;
        return PROMPT_CHANGED;
    case UI_KEY_FN | KEY_LEFT:
    case UI_KEY_CTRL('b'):
        if (p->pos > 0)
            p->pos--;
        return PROMPT_MOVED;
    case UI_KEY_FN | KEY_RIGHT:
    case UI_KEY_CTRL('f'):
        if (p->pos < p->len)
            p->pos++;
        return PROMPT_MOVED;
    case UI_KEY_FN | KEY_HOME:
    case UI_KEY_CTRL('a'):
        p->pos = 0;
        return PROMPT_MOVED;
    case UI_KEY_FN | KEY_END:
    case UI_KEY_CTRL('e'):
        p->pos = p->len;
        return PROMPT_MOVED;
    case UI_KEY_CTRL('u'):
        memmove(&p->buf[0], &p->buf[p->pos], (p->len - p->pos) * sizeof p->buf[0]);
        p->len -= p->pos;
        p->pos = 0;
        return PROMPT_CHANGED;
    case UI_KEY_CTRL('k'):
        p->len = p->pos;
        return PROMPT_CHANGED;
    case UI_KEY_CTRL('w'): {
        size_t start = p->pos;

        while (start > 0 && is_space(p->buf[start - 1]))
            start--;
        while (start > 0 && !is_space(p->buf[start - 1]))
            start--;
        memmove(&p->buf[start], &p->buf[p->pos], (p->len - p->pos) * sizeof p->buf[0]);
        p->len -= p->pos - start;
        p->pos = start;
        return PROMPT_CHANGED;
    }
    default:
        break;
    }
    if ((key & UI_KEY_FN) || key < 0x20 || key == 0x7f || (key >= 0x80 && key < 0xa0) ||
        key > 0x10ffff)
        return PROMPT_IGNORED;
    if (p->len >= p->max)
        return PROMPT_MOVED;
    memmove(&p->buf[p->pos + 1], &p->buf[p->pos], (p->len - p->pos) * sizeof p->buf[0]);
    p->buf[p->pos++] = (uint32_t)key;
    p->len++;
    return PROMPT_CHANGED;
}

void
prompt_draw(const struct ui_prompt *p, int y, int x, int w)
{
    struct od_buf before, at, after;
    int lw, room, cur_w;
    size_t start = 0;

    if (w <= 0)
        return;
    draw_fill(y, x, w, EL_PROMPT);
    lw = draw_text(y, x, w, EL_PROMPT, p->label);
    room = w - lw - 1;
    if (room <= 0)
        return;
    /* Scroll left until the cursor fits. */
    for (;;) {
        struct od_buf tmp;
        int cols;

        buf_init(&tmp, 0);
        for (size_t i = start; i < p->pos; i++)
            put_utf8(&tmp, p->buf[i]);
        cols = draw_cols(buf_cstr(&tmp));
        buf_free(&tmp);
        if (cols < room || start >= p->pos)
            break;
        start++;
    }
    buf_init(&before, 0);
    buf_init(&at, 0);
    buf_init(&after, 0);
    for (size_t i = start; i < p->pos; i++)
        put_utf8(&before, p->buf[i]);
    if (p->pos < p->len)
        put_utf8(&at, p->buf[p->pos]);
    else
        buf_putc(&at, ' ');
    for (size_t i = p->pos + 1; i < p->len; i++)
        put_utf8(&after, p->buf[i]);
    cur_w = draw_text(y, x + lw, room, EL_PROMPT, buf_cstr(&before));
    cur_w += draw_text(y, x + lw + cur_w, room + 1 - cur_w, EL_ROW_SELECTED, buf_cstr(&at));
    draw_text(y, x + lw + cur_w, room + 1 - cur_w, EL_PROMPT, buf_cstr(&after));
    buf_free(&before);
    buf_free(&at);
    buf_free(&after);
}
