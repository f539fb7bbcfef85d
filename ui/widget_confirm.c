#include "ui/widget_confirm.h"

#include <stdlib.h>
#include <string.h>

#include "ui/curses.h"
#include "ui/draw.h"
#include "ui/keys.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

struct ui_confirm {
    char *title, *account, *region, *cluster, *service, *change, *typed, *confirm_label;
    bool danger;
    bool focus_confirm;
    struct ui_prompt input;
};

static char *
dup_inert(const char *s)
{
    return sanitize_str(s != NULL ? s : "-");
}

struct ui_confirm *
confirm_new(const struct ui_confirm_spec *spec)
{
    struct ui_confirm *c = xcalloc(1, sizeof *c);

    c->title = dup_inert(spec->title != NULL ? spec->title : "Confirm");
    c->account = dup_inert(spec->account);
    c->region = dup_inert(spec->region);
    c->cluster = dup_inert(spec->cluster);
    c->service = dup_inert(spec->service);
    /* The change may span lines: keep the newlines, make everything else inert. */
    {
        const char *s = spec->change != NULL ? spec->change : "";
        struct od_buf b;

        buf_init(&b, 0);
        while (*s != '\0') {
            size_t n = strcspn(s, "\n");

            sanitize_append(&b, s, n);
            s += n;
            if (*s == '\n') {
                buf_putc(&b, '\n');
                s++;
            }
        }
        c->change = buf_steal(&b);
    }
    c->typed = spec->typed != NULL ? xstrdup(spec->typed) : NULL;
    c->confirm_label = dup_inert(spec->confirm_label != NULL ? spec->confirm_label : "Confirm");
    c->danger = spec->danger;
    c->focus_confirm = false; /* Cancel is the default */
    prompt_init(&c->input, "> ", "", 128);
    return c;
}

void
confirm_free(struct ui_confirm **cp)
{
    struct ui_confirm *c = *cp;

    if (c == NULL)
        return;
    free(c->title);
    free(c->account);
    free(c->region);
    free(c->cluster);
    free(c->service);
    free(c->change);
    free(c->typed);
    free(c->confirm_label);
    free(c);
    *cp = NULL;
}

bool
confirm_ready(const struct ui_confirm *c)
{
    char *text;
    bool ok;

    if (c->typed == NULL)
        return true;
    text = prompt_text(&c->input);
    ok = str_eq(text, c->typed);
    free(text);
    return ok;
}

bool
confirm_focus_is_confirm(const struct ui_confirm *c)
{
    return c->focus_confirm;
}

enum confirm_result
confirm_key(struct ui_confirm *c, int key)
{
    switch (key) {
    case UI_KEY_ESC:
    case UI_KEY_CTRL('c'):
        return CONFIRM_NO;
    case UI_KEY_TAB:
    case UI_KEY_FN | KEY_BTAB:
    case UI_KEY_FN | KEY_LEFT:
    case UI_KEY_FN | KEY_RIGHT:
        c->focus_confirm = !c->focus_confirm;
        return CONFIRM_OPEN;
    case UI_KEY_ENTER:
        if (!c->focus_confirm)
            return CONFIRM_NO;
        return confirm_ready(c) ? CONFIRM_YES : CONFIRM_OPEN;
    default:
        break;
    }
    if (c->typed != NULL) {
        (void)prompt_key(&c->input, key);
        return CONFIRM_OPEN;
    }
    if (key == 'q' || key == 'n' || key == 'N')
        return CONFIRM_NO;
    return CONFIRM_OPEN;
}

static int
count_lines(const char *s)
{
    int n = 1;

    for (; *s != '\0'; s++)
        if (*s == '\n')
            n++;
    return n;
}

void
confirm_draw(const struct ui_confirm *c, int rows, int cols)
{
    int change_lines = count_lines(c->change);
    int h = 4 + 4 + 1 + change_lines + (c->typed != NULL ? 3 : 0) + 2;
    int w = cols - 4 < 72 ? cols - 4 : 72, y, x, r;
    const char *line = c->change;
    enum ui_el text_el = c->danger ? EL_DIALOG_DANGER : EL_DIALOG;
    char *label;
    bool ready = confirm_ready(c);

    if (h > rows)
        h = rows;
    if (w < 20)
        w = cols;
    y = (rows - h) / 2;
    x = (cols - w) / 2;
    draw_box(y, x, h, w, EL_DIALOG_BORDER, EL_DIALOG);
    label = xasprintf(" %s ", c->title);
    draw_text(y, x + 2, w - 4, EL_DIALOG_BORDER, label);
    free(label);
    r = y + 2;
    {
        const char *names[4] = {"account", "region", "cluster", "target"};
        const char *vals[4] = {c->account, c->region, c->cluster, c->service};

        for (int i = 0; i < 4 && r < y + h - 1; i++, r++) {
            draw_text(r, x + 2, 10, EL_DIALOG, names[i]);
            draw_text(r, x + 12, w - 14, EL_DIALOG_BORDER, vals[i]);
        }
    }
    r++;
    while (line != NULL && r < y + h - 1) {
        const char *nl = strchr(line, '\n');
        char *one = nl != NULL ? xstrndup(line, (size_t)(nl - line)) : xstrdup(line);

        draw_text(r++, x + 2, w - 4, text_el, one);
        free(one);
        line = nl != NULL ? nl + 1 : NULL;
    }
    if (c->typed != NULL && r + 2 < y + h - 1) {
        char *ask = xasprintf("Type '%s' to enable %s:", c->typed, c->confirm_label);
        char *safe = sanitize_str(ask);

        r++;
        draw_text(r++, x + 2, w - 4, EL_DIALOG, safe);
        prompt_draw(&c->input, r++, x + 2, w - 4);
        free(safe);
        free(ask);
    }
    {
        char *cancel = xstrdup("[ Cancel ]");
        char *ok = xasprintf("[ %s%s ]", c->confirm_label, ready ? "" : " (disabled)");
        int bw = draw_cols(cancel) + 2 + draw_cols(ok), bx = x + (w - bw) / 2;

        r = y + h - 2;
        bx += draw_text(r, bx, w, c->focus_confirm ? EL_BUTTON : EL_BUTTON_FOCUS, cancel);
        bx += 2;
        draw_text(r, bx, w, c->focus_confirm ? EL_BUTTON_FOCUS : EL_BUTTON, ok);
        free(cancel);
        free(ok);
    }
}
