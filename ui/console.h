/* What the console's own files share: the struct ui, and the calls between console.c (the
 * event loop glue and the view stack), ctx.c (account/region/cluster contexts), bar.c (status
 * bar, title, hints), input.c (keys, prompt, dialogs), palette.c (the ":" commands) and
 * notify.c (failure notices and the bell). Views and glue files use ui/ui.h only. */
#ifndef UI_CONSOLE_H
#define UI_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>

#include "ui/ui.h"
#include "ui/color.h"
#include "ui/widget_prompt.h"

#define STACK_MAX 16
#define MAX_RETIRED 8
#define HISTORY_MAX 50

/* One account/region/cluster: the world the views show and the poller that fills it. */
struct ctx {
    struct od_aws *aws; /* owned only by retired contexts */
    struct od_poller *poller;
    struct od_world *world;
};

enum prompt_mode { PM_NONE, PM_FILTER, PM_COMMAND, PM_CUSTOM };

struct ui {
    bool fill_sort; /* the top view sorts by a column that needs every row (bar.c) */
    struct od_cli *cli;
    struct od_loop *loop;
    struct ctx cur;
    struct ctx retired[MAX_RETIRED];
    size_t nretired;
    uint64_t aws_epoch;

    char *cluster, *region, *profile; /* what the globals point at after a switch */
    char *recalled;  /* the cluster last used with this profile and region (ui/recall.c) */
    bool auto_open;  /* no --cluster: open the only cluster once the list loads, unless the
                        operator pressed a key first */
    char *account, *arn;
    bool ident_pending;

    struct view *stack[STACK_MAX];
    int nstack;
    uint64_t data_version;
    bool dirty;

    char *message;
    bool message_error;
    bool message_sticky; /* the start message: stays until the first key */
    char *pending_notice; /* a failure notice that came while it was up */
    uint64_t message_at;

    enum prompt_mode pmode;
    struct ui_prompt prompt;
    char *filter_before; /* filter when the prompt opened (Esc restores nothing: clears) */
    ui_prompt_cb prompt_done;
    void *prompt_ud;

    struct ui_confirm *confirm;
    ui_confirm_cb confirm_done;
    void *confirm_ud;

    struct ui_theme theme;
    bool mono;
    bool bell;
    bool quit;
    int exit_signal;
    uint64_t tick_timer;
    unsigned spin;

    /* For the bell and failure messages: what was failing at the last look. */
    char **failing;
    size_t nfailing;
    bool failing_known;

    struct od_fleet *fleet; /* --fleet or :fleet NAME (ui/fleet_glue.c), or NULL */

    /* Command lines run this session, oldest first; history_pos is where up/down is. */
    char *history[HISTORY_MAX];
    int nhistory, history_pos;
};

/* The console whose hooks may run (NULL while a nested loop turn must not re-enter them). */
extern struct ui *console_live;

/* console.c */
void console_quit(struct ui *ui);
void console_apply_theme(struct ui *ui, const char *name, bool at_start);

/* ctx.c: the world and poller of the selected account, region and cluster */
unsigned ctx_view_parts(struct ui *ui);
/* The top view changed: poll what it shows. */
void ctx_parts_changed(struct ui *ui);
void ctx_start(struct ui *ui);
void ctx_free(struct ctx *c);
/* Free retired contexts whose calls are done. */
void ctx_sweep_retired(struct ui *ui);
bool ctx_all_idle(struct ui *ui);
void ctx_start_identity(struct ui *ui);
/* At start without --cluster: once the cluster list has loaded, open the only cluster. */
void ctx_auto_open(struct ui *ui);
/* Rebuild the AWS client with another profile or region (the current context retires);
 * false with a message when the client cannot be built. */
bool ctx_switch_aws(struct ui *ui, const char *profile, const char *region);

/* fleet_glue.c: --fleet. Before the terminal is taken: the fleet, or a usage error printed
 * (returns the exit status; *out NULL without --fleet). After: its view as the root. */
struct od_cli;
int fleet_glue_prepare(struct od_cli *cli, struct od_fleet **out);
void fleet_glue_start(struct ui *ui);

/* bar.c: the rows around the view */
void bar_draw_status(struct ui *ui, int w);
void bar_draw_title(struct ui *ui, struct view *v, int w);
void bar_draw_hints(struct ui *ui, struct view *v, int y, int w);
void bar_draw_message(struct ui *ui, int y, int w);
void bar_draw_too_small(void);

/* input.c: a loop hook that reads every pending key */
void input_drain_keys(void *ud);
/* Close the dialog; its owner hears the answer. */
void input_confirm_finish(struct ui *ui, bool yes);

/* palette.c: ":" commands */
void palette_run(struct ui *ui, const char *line);
void palette_complete(struct ui *ui);
/* Up/down in the command prompt: older (dir -1) or newer (+1) command lines. */
void palette_history_move(struct ui *ui, int dir);
void palette_history_add(struct ui *ui, const char *line);
void palette_history_free(struct ui *ui);

/* notify.c: what started failing since the last look, in one message (and the bell) */
void notify_check_failures(struct ui *ui);

#endif
