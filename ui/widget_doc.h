/* A scrollable document of styled lines with a cursor (service, task, distribution and help
 * views). A line may carry a link (a task id, a target group...) that Enter follows. Text is
 * sanitised on the way in. */
#ifndef UI_WIDGET_DOC_H
#define UI_WIDGET_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/color.h"
#include "ui/keys.h"

struct doc_seg {
    char *text;
    enum ui_el el;
    int width; /* fixed column width (fitted), 0 = natural */
};

struct doc_line {
    struct doc_seg *segs;
    size_t nsegs;
    int link_kind; /* 0 = none */
    char *link;
};

struct ui_doc {
    struct doc_line *lines;
    size_t nlines, clines;
    size_t cur, top;
    int page;
    char *cur_link; /* the cursor follows its link across rebuilds */
    int cur_kind;
    char *filter;   /* lines not containing it are hidden (case-insensitive) */
};

void doc_init(struct ui_doc *d);
void doc_free(struct ui_doc *d);
void doc_begin(struct ui_doc *d);
/* Start a new line; link may be NULL. */
void doc_line(struct ui_doc *d, int link_kind, const char *link);
/* Append a segment to the current line (text sanitised; width 0 = natural). */
void doc_add(struct ui_doc *d, enum ui_el el, int width, const char *text);
void doc_addf(struct ui_doc *d, enum ui_el el, int width, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void doc_end(struct ui_doc *d);

bool doc_key(struct ui_doc *d, enum ui_action a);
/* The link under the cursor: its kind (0 when none) and text. */
int doc_link(const struct ui_doc *d, const char **link);
void doc_set_filter(struct ui_doc *d, const char *filter);
/* Move the cursor to the first line whose link matches. */
void doc_goto_link(struct ui_doc *d, int kind, const char *link);
/* The whole text of line i (segments joined), written into out. */
void doc_line_text(const struct ui_doc *d, size_t i, char *out, size_t len);
void doc_draw(struct ui_doc *d, int y, int x, int h, int w);

#endif
