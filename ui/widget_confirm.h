/* The modal confirmation every mutation goes through. It names the account, region, cluster
 * and service the change applies to and the change itself; Cancel has the focus when it
 * opens; with `typed` set, Confirm stays disabled until the operator has typed that exact
 * text (for production profiles and destructive changes). The key logic is pure. */
#ifndef UI_WIDGET_CONFIRM_H
#define UI_WIDGET_CONFIRM_H

#include <stdbool.h>

#include "ui/widget_prompt.h"

struct ui_confirm_spec {
    const char *title;         /* "Scale service" */
    const char *account;       /* named on the dialog; NULL shows "-" */
    const char *region;
    const char *cluster;
    const char *service;       /* or distribution, task... */
    const char *change;        /* what will change; may hold several lines */
    const char *typed;         /* text to type before Confirm works, or NULL */
    const char *confirm_label; /* NULL = "Confirm" */
    bool danger;               /* destructive: drawn as such */
};

enum confirm_result { CONFIRM_OPEN, CONFIRM_YES, CONFIRM_NO };

struct ui_confirm;

/* Copies everything it needs from spec. */
struct ui_confirm *confirm_new(const struct ui_confirm_spec *spec);
void confirm_free(struct ui_confirm **cp);
enum confirm_result confirm_key(struct ui_confirm *c, int key);
/* Confirm can be pressed (the typed text matches, or none is needed). */
bool confirm_ready(const struct ui_confirm *c);
/* Which button has the focus: true = Confirm. */
bool confirm_focus_is_confirm(const struct ui_confirm *c);
/* Draw centred on a rows x cols screen. */
void confirm_draw(const struct ui_confirm *c, int rows, int cols);

#endif
