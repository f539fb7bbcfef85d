/* A one-line editor for filters, the command palette and action inputs (wide characters,
 * bounded length). The editing logic is pure; drawing shows the cursor as a reverse cell. */
#ifndef UI_WIDGET_PROMPT_H
#define UI_WIDGET_PROMPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROMPT_MAX 256

struct ui_prompt {
    char label[64];
    uint32_t buf[PROMPT_MAX];
    size_t len, pos, max;
};

enum prompt_result {
    PROMPT_IGNORED, /* not an editing key (the caller may use it, e.g. Tab to complete) */
    PROMPT_MOVED,   /* cursor moved, text unchanged */
    PROMPT_CHANGED, /* text changed */
    PROMPT_ACCEPT,  /* Enter */
    PROMPT_CANCEL,  /* Esc, or ctrl-c */
};

/* max 0 = PROMPT_MAX - 1 characters. */
void prompt_init(struct ui_prompt *p, const char *label, const char *initial, size_t max);
enum prompt_result prompt_key(struct ui_prompt *p, int key);
/* The text as UTF-8 (new string). */
char *prompt_text(const struct ui_prompt *p);
void prompt_set_text(struct ui_prompt *p, const char *text);
/* Draw label and text in w columns at (y, x), scrolled so the cursor is visible. */
void prompt_draw(const struct ui_prompt *p, int y, int x, int w);

#endif
