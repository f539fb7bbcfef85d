/* Keys: read every pending key each turn, and send each to the dialog, the prompt, the view
 * or the console's global keys, in that order; the prompt (filter, ":" commands with history,
 * questions from the glue) and modal dialogs. */
#include <stdlib.h>
#include <string.h>

#include "loop/loop.h"
#include "ui/console.h"
#include "ui/curses.h"
#include "ui/keys.h"
#include "ui/palette.h"
#include "ui/term.h"
#include "ui/widget_prompt.h"
#include "util/clock.h"
#include "util/str.h"
#include "util/xalloc.h"

#define KEYS_PER_TURN 512

void
ui_confirm_open(struct ui *ui, const struct ui_confirm_spec *spec, ui_confirm_cb done, void *ud)
{
    if (ui->confirm != NULL) {
        /* One question at a time: the new one is refused. */
        if (done != NULL)
            done(false, ud);
        return;
    }
    ui->confirm = confirm_new(spec);
    ui->confirm_done = done;
    ui->confirm_ud = ud;
    ui->dirty = true;
}

void
input_confirm_finish(struct ui *ui, bool yes)
{
    ui_confirm_cb done = ui->confirm_done;
    void *ud = ui->confirm_ud;

    confirm_free(&ui->confirm);
    ui->confirm_done = NULL;
    ui->confirm_ud = NULL;
    ui->dirty = true;
    if (done != NULL)
        done(yes, ud);
}

static void
prompt_close(struct ui *ui)
{
    ui->pmode = PM_NONE;
    xfree(&ui->filter_before);
    ui->dirty = true;
}

void
ui_prompt_open(struct ui *ui, const char *label, const char *initial, ui_prompt_cb done,
               void *ud)
{
    if (ui->pmode == PM_CUSTOM && ui->prompt_done != NULL)
        ui->prompt_done(NULL, ui->prompt_ud);
    prompt_init(&ui->prompt, label, initial, 0);
    ui->pmode = PM_CUSTOM;
    ui->prompt_done = done;
    ui->prompt_ud = ud;
    ui->dirty = true;
}

static void
current_target(struct ui *ui, struct ui_target *t)
{
    struct view *v = ui_top(ui);

    memset(t, 0, sizeof *t);
    if (v != NULL && v->ops->target != NULL)
        v->ops->target(v, t);
}

static void
prompt_key_in(struct ui *ui, int key)
{
    struct view *v = ui_top(ui);
    enum prompt_result r = prompt_key(&ui->prompt, key);
    char *text;

    if (r == PROMPT_IGNORED && key == UI_KEY_TAB && ui->pmode == PM_COMMAND) {
        palette_complete(ui);
        ui->dirty = true;
        return;
    }
    if (r == PROMPT_IGNORED && ui->pmode == PM_COMMAND &&
        (key == (UI_KEY_FN | KEY_UP) || key == (UI_KEY_FN | KEY_DOWN))) {
        palette_history_move(ui, key == (UI_KEY_FN | KEY_UP) ? -1 : 1);
        ui->dirty = true;
        return;
    }
    if (r == PROMPT_IGNORED || r == PROMPT_MOVED) {
        ui->dirty = true;
        return;
    }
    text = prompt_text(&ui->prompt);
    switch (ui->pmode) {
    case PM_FILTER:
        if (r == PROMPT_CHANGED && v->ops->set_filter != NULL) {
            v->ops->set_filter(v, text); /* live */
        } else if (r == PROMPT_CANCEL) {
            if (v->ops->set_filter != NULL)
                v->ops->set_filter(v, NULL);
            prompt_close(ui);
        } else if (r == PROMPT_ACCEPT) {
            prompt_close(ui);
        }
        break;
    case PM_COMMAND:
        if (r == PROMPT_ACCEPT) {
            prompt_close(ui);
            palette_run(ui, text);
        } else if (r == PROMPT_CANCEL) {
            prompt_close(ui);
        }
        break;
    case PM_CUSTOM:
        if (r == PROMPT_ACCEPT || r == PROMPT_CANCEL) {
            ui_prompt_cb done = ui->prompt_done;
            void *ud = ui->prompt_ud;

            ui->prompt_done = NULL;
            ui->prompt_ud = NULL;
            prompt_close(ui);
            if (done != NULL)
                done(r == PROMPT_ACCEPT ? text : NULL, ud);
        }
        break;
    case PM_NONE:
        break;
    }
    free(text);
    ui->dirty = true;
}

static void
handle_key(struct ui *ui, int key)
{
    struct view *v = ui_top(ui);
    enum ui_action a;

    ui->dirty = true;
    ui->auto_open = false; /* the operator has taken over */
    if (ui->message_sticky) {
        ui->message_sticky = false;
        ui->message_at = clock_mono_ms();
        if (ui->pending_notice != NULL) {
            ui_error(ui, "%s", ui->pending_notice);
            xfree(&ui->pending_notice);
        }
    }
    if (key == UI_KEY_CTRL('z')) {
        term_suspend();
        return;
    }
    if (keys_lookup(key, NULL, 0) == ACT_QUIT) {
        console_quit(ui);
        return;
    }
    if (ui->confirm != NULL) {
        enum confirm_result r = confirm_key(ui->confirm, key);

        if (r != CONFIRM_OPEN)
            input_confirm_finish(ui, r == CONFIRM_YES);
        return;
    }
    if (ui->pmode != PM_NONE) {
        prompt_key_in(ui, key);
        return;
    }
    if (LINES < UI_MIN_ROWS || COLS < UI_MIN_COLS) {
        /* Only leaving works on the "too small" screen. */
        if (key == 'q')
            console_quit(ui);
        return;
    }
    a = keys_lookup(key, v->ops->actions, v->ops->nactions);
    if (a == ACT_NONE)
        return;
    if (keys_action_flags(a) & KF_MUTATES) {
        struct ui_target t;

        current_target(ui, &t);
        act_dispatch(ui, a, &t);
        return;
    }
    if (v->ops->key != NULL && v->ops->key(v, a))
        return;
    switch (a) {
    case ACT_BACK: {
        const char *filter = v->ops->get_filter != NULL ? v->ops->get_filter(v) : NULL;

        if (key == UI_KEY_ESC && !str_empty(filter)) {
            v->ops->set_filter(v, NULL); /* k9s: Esc clears the filter before it goes back */
        } else if (ui->nstack > 1) {
            ui_pop(ui);
        } else if (key != UI_KEY_ESC) {
            console_quit(ui);
        }
        break;
    }
    case ACT_QUIT:
        console_quit(ui);
        break;
    case ACT_COMMAND:
        prompt_init(&ui->prompt, ":", "", 0);
        ui->pmode = PM_COMMAND;
        ui->history_pos = ui->nhistory;
        break;
    case ACT_FILTER:
        if (v->ops->set_filter != NULL) {
            const char *cur = v->ops->get_filter != NULL ? v->ops->get_filter(v) : NULL;

            prompt_init(&ui->prompt, "/", cur, 0);
            ui->pmode = PM_FILTER;
        }
        break;
    case ACT_HELP:
        ui_open_help(ui);
        break;
    case ACT_REFRESH:
        ui_refresh(ui);
        break;
    case ACT_LOGS: {
        struct ui_target t;

        current_target(ui, &t);
        ui_open_logs(ui, &t);
        break;
    }
    case ACT_OPEN_CONSOLE:
    case ACT_COPY_ID: {
        struct ui_target t;

        current_target(ui, &t);
        if (a == ACT_OPEN_CONSOLE)
            ui_open_console(ui, &t);
        else
            ui_copy_id(ui, &t);
        break;
    }
    default:
        break;
    }
}

static void
nothing(void *ud)
{
    (void)ud;
}

/* Hook 1: keys. ncurses may hold bytes poll() cannot see, so drain until ERR every turn. */
void
input_drain_keys(void *ud)
{
    struct ui *ui = ud;
    wint_t wch;
    int rc, n = 0;

    if (ui != console_live || !term_active())
        return;
    while (!ui->quit && (rc = wget_wch(stdscr, &wch)) != ERR) {
        int key = keys_from_curses(rc, (unsigned int)wch);

        if (rc == KEY_CODE_YES && wch == KEY_RESIZE) {
            term_resize();
            ui->dirty = true;
            continue;
        }
        handle_key(ui, key);
        if (++n == KEYS_PER_TURN) {
            /* Give the network a turn; come straight back for the rest. */
            loop_defer(ui->loop, nothing, NULL);
            break;
        }
    }
}
