/* A growable byte buffer with a hard cap: going past the cap is a clean error, not OOM.
 * The content is always NUL-terminated (the NUL is not counted in len). */
#ifndef OD_BUF_H
#define OD_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "util/err.h"

struct od_buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max; /* 0 = unbounded */
};

#define OD_BUF_MAX_DEFAULT ((size_t)64 << 20) /* 64 MiB: bigger than any sane AWS page */

void buf_init(struct od_buf *b, size_t max);
void buf_free(struct od_buf *b);
void buf_reset(struct od_buf *b);
enum od_err buf_append(struct od_buf *b, const void *p, size_t n);
enum od_err buf_puts(struct od_buf *b, const char *s);
enum od_err buf_putc(struct od_buf *b, char c);
enum od_err buf_printf(struct od_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
enum od_err buf_vprintf(struct od_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Always a valid C string, even for an empty buffer. */
const char *buf_cstr(const struct od_buf *b);
/* Take the data out; the buffer is left empty. Caller frees. */
char *buf_steal(struct od_buf *b);

#endif
