#include "util/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

void
buf_init(struct od_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void
buf_free(struct od_buf *b)
{
    free(b->data);
    buf_init(b, b->max);
}

void
buf_reset(struct od_buf *b)
{
    b->len = 0;
    if (b->data != NULL)
        b->data[0] = '\0';
}

static enum od_err
grow(struct od_buf *b, size_t extra)
{
    size_t need, cap;

    if (extra > SIZE_MAX - b->len - 1)
        return OD_E_TOO_LARGE;
    need = b->len + extra + 1;
    if (b->max != 0 && need > b->max + 1)
        return OD_E_TOO_LARGE;
    if (need <= b->cap)
        return OD_OK;
    cap = b->cap != 0 ? b->cap : 256;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
    return OD_OK;
}

enum od_err
buf_append(struct od_buf *b, const void *p, size_t n)
{
    enum od_err err = grow(b, n);

    if (err != OD_OK)
        return err;
    if (n > 0)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return OD_OK;
}

enum od_err
buf_puts(struct od_buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

enum od_err
buf_putc(struct od_buf *b, char c)
{
    return buf_append(b, &c, 1);
}

enum od_err
buf_vprintf(struct od_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    int n;
    enum od_err err;

    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return OD_E_USAGE;
    if ((err = grow(b, (size_t)n)) != OD_OK)
        return err;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return OD_OK;
}

enum od_err
buf_printf(struct od_buf *b, const char *fmt, ...)
{
    va_list ap;
    enum od_err err;

    va_start(ap, fmt);
    err = buf_vprintf(b, fmt, ap);
    va_end(ap);
    return err;
}

const char *
buf_cstr(const struct od_buf *b)
{
    return b->data != NULL ? b->data : "";
}

char *
buf_steal(struct od_buf *b)
{
    char *p = b->data != NULL ? b->data : xstrdup("");

    /* A short string kept in a doubled buffer wastes the rest for as long as it is kept (every
     * decoded XML field took 256 bytes): give back what is not used. */
    if (b->data != NULL && b->cap - b->len > 64)
        p = xrealloc(p, b->len + 1);
    buf_init(b, b->max);
    return p;
}
