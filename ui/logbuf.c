#include "ui/logbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

void
logbuf_init(struct logbuf *b, size_t max_lines)
{
    memset(b, 0, sizeof *b);
    b->max = max_lines > 0 ? max_lines : 1;
    b->ring = xcalloc(b->max, sizeof *b->ring);
}

void
logbuf_free(struct logbuf *b)
{
    for (size_t i = 0; i < b->count; i++)
        free(b->ring[(b->head + i) % b->max].line);
    free(b->ring);
    memset(b, 0, sizeof *b);
}

void
logbuf_add(struct logbuf *b, int64_t time_ms, const char *tag, const char *text, size_t len)
{
    logbuf_add_source(b, time_ms, NULL, 0, tag, text, len);
}

size_t
logbuf_tag_start(const struct logbuf_entry *e)
{
    return e->time_len + 1 + (e->source_len > 0 ? e->source_len + 1 : 0);
}

void
logbuf_add_source(struct logbuf *b, int64_t time_ms, const char *source, int colour,
                  const char *tag, const char *text, size_t len)
{
    struct logbuf_entry *e;
    struct od_buf out;
    char stamp[32];
    time_t secs = (time_t)(time_ms / 1000);
    struct tm tm;

    if (b->count == b->max) {
        /* Full: the oldest line goes. */
        free(b->ring[b->head].line);
        b->head = (b->head + 1) % b->max;
        b->count--;
        b->first_seq++;
        b->dropped++;
    }
    e = &b->ring[(b->head + b->count) % b->max];
    memset(e, 0, sizeof *e);
    e->time_ms = time_ms;
    if (time_ms > 0 && gmtime_r(&secs, &tm) != NULL)
        snprintf(stamp, sizeof stamp, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec,
                 (int)(time_ms % 1000));
    else
        snprintf(stamp, sizeof stamp, "--:--:--.---");
    buf_init(&out, 0);
    buf_puts(&out, stamp);
    e->time_len = out.len;
    buf_putc(&out, ' ');
    if (!str_empty(source)) {
        size_t before = out.len;

        sanitize_append_capped(&out, source, strlen(source), 128, NULL);
        e->source_len = out.len - before;
        e->source_colour = colour;
        buf_putc(&out, ' ');
    }
    if (!str_empty(tag)) {
        size_t before = out.len;

        sanitize_append_capped(&out, tag, strlen(tag), 128, NULL);
        e->tag_len = out.len - before;
        buf_putc(&out, ' ');
    }
    if (text != NULL)
        sanitize_append_capped(&out, text, len, SANITIZE_LINE_MAX, NULL);
    e->line = buf_steal(&out);
    b->count++;
}

uint64_t
logbuf_first(const struct logbuf *b)
{
    return b->first_seq;
}

uint64_t
logbuf_end(const struct logbuf *b)
{
    return b->first_seq + b->count;
}

const struct logbuf_entry *
logbuf_get(const struct logbuf *b, uint64_t seq)
{
    if (seq < b->first_seq || seq >= b->first_seq + b->count)
        return NULL;
    return &b->ring[(b->head + (size_t)(seq - b->first_seq)) % b->max];
}

bool
logbuf_find(const struct logbuf *b, const char *needle, uint64_t from, int dir, uint64_t *found)
{
    uint64_t first = logbuf_first(b), end = logbuf_end(b), seq;

    if (str_empty(needle) || b->count == 0)
        return false;
    if (from < first)
        from = first;
    if (from >= end)
        from = end - 1;
    for (seq = from;; seq = dir > 0 ? seq + 1 : seq - 1) {
        const struct logbuf_entry *e = logbuf_get(b, seq);

        if (e == NULL)
            return false;
        if (strcasestr(e->line + e->time_len, needle) != NULL) {
            *found = seq;
            return true;
        }
        if ((dir < 0 && seq == first) || (dir > 0 && seq + 1 >= end))
            return false;
    }
}

long
logbuf_write(const struct logbuf *b, FILE *f)
{
    long n = 0;

    for (uint64_t seq = logbuf_first(b); seq < logbuf_end(b); seq++) {
        const struct logbuf_entry *e = logbuf_get(b, seq);
        time_t secs = (time_t)(e->time_ms / 1000);
        struct tm tm;
        char stamp[64];

        if (e->time_ms > 0 && gmtime_r(&secs, &tm) != NULL)
            snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                     tm.tm_sec, (int)(e->time_ms % 1000));
        else
            snprintf(stamp, sizeof stamp, "-");
        /* The line is inert already; past its short time comes " TAG text". */
        if (fprintf(f, "%s%s\n", stamp, e->line + e->time_len) < 0)
            return -1;
        n++;
    }
    return fflush(f) == 0 ? n : -1;
}
