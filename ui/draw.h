/* Width-aware text for the console. Everything drawn passes through here: text is measured
 * in terminal columns (wcwidth), cut with an ellipsis or padded to exact widths, and any
 * character that is not printable is drawn as '?' (strings from AWS are sanitised before
 * they get here; this is the second line of defence). In a non-UTF-8 locale every non-ASCII
 * character is drawn as '?' and the glyphs fall back to ASCII. */
#ifndef UI_DRAW_H
#define UI_DRAW_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/color.h"

enum draw_align { ALIGN_LEFT, ALIGN_RIGHT, ALIGN_CENTER };

/* Glyphs that have an ASCII fallback. */
struct ui_glyphs {
    const char *ellipsis;
    const char *hline;
    const char *vline;
    const char *tl, *tr, *bl, *br; /* box corners */
    const char *up, *down;         /* sort arrows */
    const char *sep;               /* status-bar separator */
    const char *const *spark;      /* 8 levels */
    const char *bar_full, *bar_empty;
    const char *spinner[4];
};

/* Select UTF-8 or ASCII glyphs and the decoding mode; tests call it without a terminal. */
void draw_set_utf8(bool utf8);
bool draw_utf8(void);
const struct ui_glyphs *draw_glyphs(void);

/* Columns the string occupies when drawn. */
int draw_cols(const char *s);
/* A new string of exactly cols columns: s cut (with an ellipsis when it did not fit) or
 * padded with spaces according to align. A wide character that would straddle the edge is
 * replaced by a space. cols <= 0 gives "". */
char *draw_fit(const char *s, int cols, enum draw_align align);
/* The longest prefix of s that fits in cols columns, in bytes. */
size_t draw_prefix_bytes(const char *s, int cols);

/* Curses output (need a running terminal). */
/* Draw at most maxcols columns of s at (y, x) with an element's colours; returns the columns
 * drawn. */
int draw_text(int y, int x, int maxcols, enum ui_el el, const char *s);
/* Draw s fitted to exactly cols columns. */
void draw_cell(int y, int x, int cols, enum ui_el el, const char *s, enum draw_align align);
/* Fill cols columns with spaces in an element's colours. */
void draw_fill(int y, int x, int cols, enum ui_el el);
void draw_hline(int y, int x, int cols, enum ui_el el);
/* A box with a border, filled with the element's background. */
void draw_box(int y, int x, int h, int w, enum ui_el border, enum ui_el fill);

#endif
