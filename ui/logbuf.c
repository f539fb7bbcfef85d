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

static void
entry_clear(struct logbuf_entry *e)
{
    free(e->line);
    free(e->pretty);
    memset(e, 0, sizeof *e);
}

void
logbuf_free(struct logbuf *b)
{
    for (size_t i = 0; i < b->count; i++)
        entry_clear(&b->ring[(b->head + i) % b->max]);
    for (size_t i = 0; i < b->nopen; i++)
        free(b->open[i].tag);
    free(b->ring);
    memset(b, 0, sizeof *b);
}

const char *
logbuf_shown(const struct logbuf_entry *e, bool raw)
{
    return !raw && e->pretty != NULL ? e->pretty : e->line;
}

/* The grouping state of a tag (created, the oldest reused, when new). */
static struct logbuf_open *
open_for(struct logbuf *b, const char *tag)
{
    const char *key = tag != NULL ? tag : "";
    struct logbuf_open *o;

    for (size_t i = 0; i < b->nopen; i++)
        if (strcmp(b->open[i].tag, key) == 0)
            return &b->open[i];
    if (b->nopen < LOGBUF_OPEN_TAGS) {
        o = &b->open[b->nopen++];
    } else {
        /* Full: forget the first, the rest move up (32 entries: cheap). */
        free(b->open[0].tag);
        memmove(&b->open[0], &b->open[1], (LOGBUF_OPEN_TAGS - 1) * sizeof b->open[0]);
        o = &b->open[LOGBUF_OPEN_TAGS - 1];
    }
    o->tag = xstrdup(key);
    o->seq = UINT64_MAX;
    o->state = 0;
    return o;
}

/* Add "\n" + the inert text to one rendering of an entry. */
static void
append_cont(char **line, const char *text, size_t len)
{
    struct od_buf out;

    buf_init(&out, 0);
    buf_puts(&out, *line);
    buf_putc(&out, '\n');
    sanitize_append_capped(&out, text, len, SANITIZE_LINE_MAX, NULL);
    free(*line);
    *line = buf_steal(&out);
}

/* A continuation of the tag's last entry: kept there. */
static bool
add_continuation(struct logbuf *b, const char *tag, const char *text, size_t len)
{
    struct logbuf_open *o = open_for(b, tag);
    bool cont = structured_continues(&o->state, text, len);
    struct logbuf_entry *head = (struct logbuf_entry *)logbuf_get(b, o->seq);

    if (!cont || head == NULL || head->ncont >= LOGBUF_MAX_CONT ||
        strlen(head->line) > 4 * SANITIZE_LINE_MAX)
        return false;
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
        len--;
    append_cont(&head->line, text, len);
    if (head->pretty != NULL)
        append_cont(&head->pretty, text, len);
    head->ncont++;
    return true;
}

/* Append the inert message, noting where its level word falls. */
static void
append_plain(struct logbuf_entry *e, struct od_buf *out, const char *text, size_t len)
{
    size_t at, n;

    e->level = structured_plain_level_at(text, len, &at, &n);
    if (n > 0) {
        sanitize_append(out, text, at);
        e->lvl_at = out->len;
        sanitize_append(out, text + at, n);
        e->lvl_len = out->len - e->lvl_at;
        text += at + n;
        len -= at + n;
    }
    sanitize_append_capped(out, text, len, SANITIZE_LINE_MAX, NULL);
}

static void add(struct logbuf *b, int64_t time_ms, const char *source, int colour,
                const char *tag, const char *text, size_t len, bool group);

void
logbuf_add(struct logbuf *b, int64_t time_ms, const char *tag, const char *text, size_t len)
{
    add(b, time_ms, NULL, 0, tag, text, len, true);
}

void
logbuf_add_source(struct logbuf *b, int64_t time_ms, const char *source, int colour,
                  const char *tag, const char *text, size_t len)
{
    add(b, time_ms, source, colour, tag, text, len, true);
}

void
logbuf_add_alone(struct logbuf *b, int64_t time_ms, const char *tag, const char *text,
                 size_t len)
{
    add(b, time_ms, NULL, 0, tag, text, len, false);
}

size_t
logbuf_tag_start(const struct logbuf_entry *e)
{
    return e->time_len + 1 + (e->source_len > 0 ? e->source_len + 1 : 0);
}

static void
add(struct logbuf *b, int64_t time_ms, const char *source, int colour, const char *tag,
    const char *text, size_t len, bool group)
{
    char *key;
    struct logbuf_entry *e;
    struct od_buf out;
    char stamp[32];
    time_t secs = (time_t)(time_ms / 1000);
    struct tm tm;
    size_t prefix;

    /* Continuations join the last line of the same source and tag. */
    key = xasprintf("%s\x1f%s", source != NULL ? source : "", tag != NULL ? tag : "");
    if (group && text != NULL && add_continuation(b, key, text, len)) {
        free(key);
        return;
    }
    if (b->count == b->max) {
        /* Full: the oldest line goes. */
        entry_clear(&b->ring[b->head]);
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
    prefix = out.len;
    if (text != NULL && b->fields != NULL) {
        struct od_buf pretty;
        struct structured_info info;

        buf_init(&pretty, 0);
        buf_append(&pretty, out.data, prefix);
        structured_format(text, len, b->fields, SANITIZE_LINE_MAX, &pretty, &info);
        if (info.json) {
            e->level = info.level;
            e->plvl_at = prefix;
            e->plvl_len = info.level_len;
            e->pretty = buf_steal(&pretty);
        }
        buf_free(&pretty);
    }
    if (text != NULL && e->pretty == NULL)
        append_plain(e, &out, text, len);
    else if (text != NULL)
        sanitize_append_capped(&out, text, len, SANITIZE_LINE_MAX, NULL);
    e->line = buf_steal(&out);
    open_for(b, key)->seq = b->first_seq + b->count;
    free(key);
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
        if (strcasestr(e->line + e->time_len, needle) != NULL ||
            (e->pretty != NULL && strcasestr(e->pretty + e->time_len, needle) != NULL)) {
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
