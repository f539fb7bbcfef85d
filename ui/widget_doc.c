#include "ui/widget_doc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/draw.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

void
doc_init(struct ui_doc *d)
{
    memset(d, 0, sizeof *d);
}

static void
lines_clear(struct ui_doc *d)
{
    for (size_t i = 0; i < d->nlines; i++) {
        for (size_t s = 0; s < d->lines[i].nsegs; s++)
            free(d->lines[i].segs[s].text);
        free(d->lines[i].segs);
        free(d->lines[i].link);
    }
    d->nlines = 0;
}

void
doc_free(struct ui_doc *d)
{
    lines_clear(d);
    free(d->lines);
    free(d->cur_link);
    free(d->filter);
    memset(d, 0, sizeof *d);
}

void
doc_begin(struct ui_doc *d)
{
    lines_clear(d);
}

void
doc_line(struct ui_doc *d, int link_kind, const char *link)
{
    struct doc_line *l;

    if (d->nlines == d->clines) {
        d->clines = d->clines != 0 ? d->clines * 2 : 64;
        d->lines = xreallocarray(d->lines, d->clines, sizeof *d->lines);
    }
    l = &d->lines[d->nlines++];
    memset(l, 0, sizeof *l);
    l->link_kind = link != NULL ? link_kind : 0;
    l->link = link != NULL ? xstrdup(link) : NULL;
}

void
doc_add(struct ui_doc *d, enum ui_el el, int width, const char *text)
{
    struct doc_line *l;

    if (d->nlines == 0)
        doc_line(d, 0, NULL);
    l = &d->lines[d->nlines - 1];
    l->segs = xreallocarray(l->segs, l->nsegs + 1, sizeof *l->segs);
    l->segs[l->nsegs].text = sanitize_str(text != NULL ? text : "-");
    l->segs[l->nsegs].el = el;
    l->segs[l->nsegs].width = width;
    l->nsegs++;
}

void
doc_addf(struct ui_doc *d, enum ui_el el, int width, const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = xvasprintf(fmt, ap);
    va_end(ap);
    doc_add(d, el, width, s);
    free(s);
}

void
doc_line_text(const struct ui_doc *d, size_t i, char *out, size_t len)
{
    size_t used = 0;

    out[0] = '\0';
    if (i >= d->nlines)
        return;
    for (size_t s = 0; s < d->lines[i].nsegs; s++) {
        int w = snprintf(out + used, len - used, "%s", d->lines[i].segs[s].text);

        if (w < 0 || (size_t)w >= len - used)
            break;
        used += (size_t)w;
    }
}

static bool
visible(const struct ui_doc *d, size_t i)
{
    char text[1024];

    if (str_empty(d->filter))
        return true;
    doc_line_text(d, i, text, sizeof text);
    return strcasestr(text, d->filter) != NULL;
}

static void
remember(struct ui_doc *d)
{
    xfree(&d->cur_link);
    d->cur_kind = 0;
    if (d->cur < d->nlines && d->lines[d->cur].link != NULL) {
        d->cur_link = xstrdup(d->lines[d->cur].link);
        d->cur_kind = d->lines[d->cur].link_kind;
    }
}

void
doc_end(struct ui_doc *d)
{
    if (d->cur_link != NULL) {
        for (size_t i = 0; i < d->nlines; i++) {
            if (d->lines[i].link_kind == d->cur_kind && str_eq(d->lines[i].link, d->cur_link)) {
                d->cur = i;
                break;
            }
        }
    }
    if (d->cur >= d->nlines)
        d->cur = d->nlines > 0 ? d->nlines - 1 : 0;
    while (d->cur < d->nlines && !visible(d, d->cur) && d->cur + 1 < d->nlines)
        d->cur++;
}

static void
move_by(struct ui_doc *d, long delta)
{
    size_t i = d->cur;
    long step = delta > 0 ? 1 : -1;

    for (long n = delta > 0 ? delta : -delta; n > 0; n--) {
        size_t j = i;

        do {
            if ((step < 0 && j == 0) || (step > 0 && j + 1 >= d->nlines)) {
                j = i;
                break;
            }
            j = (size_t)((long)j + step);
        } while (!visible(d, j));
        if (j == i)
            break;
        i = j;
    }
    d->cur = i;
    remember(d);
}

bool
doc_key(struct ui_doc *d, enum ui_action a)
{
    long page = d->page > 1 ? d->page - 1 : 1;

    switch (a) {
    case ACT_UP:
        move_by(d, -1);
        return true;
    case ACT_DOWN:
        move_by(d, 1);
        return true;
    case ACT_TOP:
        d->cur = 0;
        d->top = 0;
        while (d->cur + 1 < d->nlines && !visible(d, d->cur))
            d->cur++;
        remember(d);
        return true;
    case ACT_BOTTOM:
        move_by(d, (long)d->nlines);
        return true;
    case ACT_PAGE_UP:
        move_by(d, -page);
        return true;
    case ACT_PAGE_DOWN:
        move_by(d, page);
        return true;
    default:
        return false;
    }
}

int
doc_link(const struct ui_doc *d, const char **link)
{
    if (d->cur >= d->nlines || d->lines[d->cur].link == NULL) {
        *link = NULL;
        return 0;
    }
    *link = d->lines[d->cur].link;
    return d->lines[d->cur].link_kind;
}

void
doc_set_filter(struct ui_doc *d, const char *filter)
{
    free(d->filter);
    d->filter = str_empty(filter) ? NULL : xstrdup(filter);
    d->top = 0;
    if (d->cur < d->nlines && !visible(d, d->cur)) {
        d->cur = 0;
        while (d->cur + 1 < d->nlines && !visible(d, d->cur))
            d->cur++;
    }
}

void
doc_goto_link(struct ui_doc *d, int kind, const char *link)
{
    free(d->cur_link);
    d->cur_link = xstrdup(link);
    d->cur_kind = kind;
    doc_end(d);
}

void
doc_draw(struct ui_doc *d, int y, int x, int h, int w)
{
    size_t shown[512];
    int nshown = 0, cur_row = -1;
    size_t i;

    if (h <= 0 || w <= 0)
        return;
    if (h > 512)
        h = 512;
    d->page = h;
    /* Scroll so the cursor line is visible, counting only lines the filter keeps. */
    if (d->cur < d->top)
        d->top = d->cur;
    for (;;) {
        int rows = 0;

        for (i = d->top; i < d->nlines && i <= d->cur; i++)
            if (visible(d, i))
                rows++;
        if (rows <= h || d->top >= d->cur)
            break;
        d->top++;
    }
    for (i = d->top; i < d->nlines && nshown < h; i++) {
        if (!visible(d, i))
            continue;
        if (i == d->cur)
            cur_row = nshown;
        shown[nshown++] = i;
    }
    for (int r = 0; r < nshown; r++) {
        const struct doc_line *l = &d->lines[shown[r]];
        bool selected = r == cur_row;
        int cx = x;

        draw_fill(y + r, x, w, selected ? EL_ROW_SELECTED : EL_ROW);
        for (size_t s = 0; s < l->nsegs && cx < x + w; s++) {
            const struct doc_seg *seg = &l->segs[s];
            enum ui_el el = selected ? EL_ROW_SELECTED : seg->el;

            if (seg->width > 0) {
                int cw = seg->width < x + w - cx ? seg->width : x + w - cx;

                draw_cell(y + r, cx, cw, el, seg->text, ALIGN_LEFT);
                cx += cw;
            } else {
                cx += draw_text(y + r, cx, x + w - cx, el, seg->text);
            }
        }
    }
}
