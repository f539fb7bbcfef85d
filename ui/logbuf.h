/* The logs pane's scroll buffer: a bounded ring of sanitised lines addressed by sequence
 * number (so a position survives the oldest lines being dropped), with case-insensitive
 * search. Pure: no terminal. */
#ifndef UI_LOGBUF_H
#define UI_LOGBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "logs/structured.h"

/* Lines of a stack trace that continue a line of the same tag (logs/structured.h) are kept
 * in that line's entry, after a '\n' each, so interleaved sources cannot split a trace. */
#define LOGBUF_MAX_CONT 500        /* continuation lines held by one entry */
#define LOGBUF_OPEN_TAGS 32        /* tags whose last entry may still take continuations */

struct logbuf_entry {
    int64_t time_ms;
    char *line;      /* "HH:MM:SS.mmm [SOURCE ]TAG text", inert */
    size_t time_len; /* bytes of the time part */
    size_t source_len; /* bytes of the source part after the time and a space (0 = none) */
    int source_colour; /* which source it is (several sources: its colour), else 0 */
    size_t tag_len;  /* bytes of the tag part after the time (and source) and a space */
    char *pretty;    /* the same with a JSON message shown as level, message, fields; NULL
                      * when it is not one (then line is shown either way) */
    enum log_level level;
    size_t lvl_at, lvl_len;   /* the level word in line (lvl_len 0: none) */
    size_t plvl_at, plvl_len; /* the level word in pretty */
    unsigned ncont;           /* continuation lines held */
};

struct logbuf_open {
    char *tag;     /* source and tag */
    uint64_t seq;  /* the entry continuations go to */
    int state;     /* structured_continues' */
};

struct logbuf {
    struct logbuf_entry *ring;
    size_t max, count, head; /* head = index of the oldest */
    uint64_t first_seq;      /* sequence number of the oldest kept line */
    uint64_t dropped;        /* lines dropped off the top */
    const struct structured_fields *fields; /* how JSON lines are shown; NULL: never */
    struct logbuf_open open[LOGBUF_OPEN_TAGS];
    size_t nopen;
};

void logbuf_init(struct logbuf *b, size_t max_lines);
void logbuf_free(struct logbuf *b);
/* Append one line; text is raw bytes (len bytes, NUL allowed), made inert and capped. A
 * stack-trace continuation of the last line of the same tag goes into that line's entry. */
void logbuf_add(struct logbuf *b, int64_t time_ms, const char *tag, const char *text, size_t len);
/* The same, prefixed by the source it came from (several sources in one pane), or NULL. */
void logbuf_add_source(struct logbuf *b, int64_t time_ms, const char *source, int colour,
                       const char *tag, const char *text, size_t len);
/* Where the entry's tag part starts in its line. */
size_t logbuf_tag_start(const struct logbuf_entry *e);
/* The same as logbuf_add, never taken as a continuation (a record of its own: an Insights
 * row). */
void logbuf_add_alone(struct logbuf *b, int64_t time_ms, const char *tag, const char *text,
                      size_t len);
/* Sequence numbers: valid ones are [logbuf_first(b), logbuf_end(b)). */
uint64_t logbuf_first(const struct logbuf *b);
uint64_t logbuf_end(const struct logbuf *b);
/* The entry with sequence number seq, or NULL when it is gone or not yet there. */
const struct logbuf_entry *logbuf_get(const struct logbuf *b, uint64_t seq);
/* The text an entry shows: the structured rendering unless raw (or there is none). */
const char *logbuf_shown(const struct logbuf_entry *e, bool raw);
/* Find the nearest line containing needle (case-insensitive), starting at from and going
 * forward (dir > 0) or backward (dir < 0), from included; false when none. */
bool logbuf_find(const struct logbuf *b, const char *needle, uint64_t from, int dir,
                 uint64_t *found);

/* Write every kept line to f as "2026-11-22T03:04:05.678Z TAG text\n" (UTC, the date in
 * full: a saved file outlives the pane); returns how many, or -1 on a write error. */
long logbuf_write(const struct logbuf *b, FILE *f);

#endif
