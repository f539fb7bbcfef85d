/* The console: one struct ui per run, a client of the CLI's loop and AWS context. This is
 * the API views, widgets' owners and the glue files (act_*.c, logs_glue.c) use.
 *
 * Flow of a turn (style.md, "The event loop"): poll -> curl/timers/signals (callbacks only
 * mark the console dirty) -> hook 1 drains keys with wget_wch in nodelay mode -> hook 2
 * redraws once (recalc the top view if the data changed, repaint, one doupdate()). */
#ifndef UI_UI_H
#define UI_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ui/view.h"
#include "ui/widget_confirm.h"

struct od_cli;
struct od_world;
struct od_aws;
struct od_settings;

#define UI_MIN_COLS 50
#define UI_MIN_ROWS 10

/* The console's entry point (passed to cli_main by src/main.c). */
int ui_console_run(struct od_cli *cli);
/* Non-zero when the console quit because of this signal (main.c re-raises it after the
 * CLI's cleanup so the parent sees the usual status). */
int ui_console_exit_signal(void);

struct ui;

struct od_world *ui_world(struct ui *ui);
struct od_poller *ui_poller(struct ui *ui); /* NULL before the first context */
struct od_aws *ui_aws(struct ui *ui);
const char *ui_cluster(struct ui *ui);
/* The cluster last used with this profile and region (the cluster list selects it), or NULL. */
const char *ui_last_cluster(struct ui *ui);
const char *ui_account(struct ui *ui);
const char *ui_region(struct ui *ui);
const char *ui_profile(struct ui *ui);
bool ui_read_only(struct ui *ui);
/* ondeck's config file (may be NULL). */
const struct od_settings *ui_settings(struct ui *ui);
/* Lines the logs pane keeps ([logs] buffer_lines, default 10000). */
long ui_log_lines(struct ui *ui);

/* Views. The console owns pushed views. */
void ui_push(struct ui *ui, struct view *v);
void ui_pop(struct ui *ui);
/* Replace the whole stack with v. */
void ui_set_root(struct ui *ui, struct view *v);
struct view *ui_top(struct ui *ui);

/* The fleet of --fleet or :fleet (NULL: none); entering one of its rows switches the
 * console to that row's profile, region and cluster (ui/fleet_glue.c). */
struct od_fleet;
struct fleet_row;
struct od_fleet *ui_fleet(struct ui *ui);
void ui_fleet_open(struct ui *ui, const struct fleet_row *row);

/* Switch to another cluster (new world and poller); false with a message on failure. */
bool ui_switch_cluster(struct ui *ui, const char *name);
/* Refresh now. */
void ui_refresh(struct ui *ui);

/* Messages in the message line (inert text; errors stay until replaced). */
void ui_message(struct ui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ui_error(struct ui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Ring the bell or send a desktop notification, as [console] notify says (ui/notify.c). */
void ui_notify(struct ui *ui, const char *text);
/* Something changed: redraw at the end of this turn. */
void ui_dirty(struct ui *ui);
/* The world changed outside the poller (e.g. an action's result): views recalc. */
void ui_data_changed(struct ui *ui);

/* Modal confirmation: done runs once, from the loop, with the operator's answer. */
typedef void (*ui_confirm_cb)(bool confirmed, void *ud);
void ui_confirm_open(struct ui *ui, const struct ui_confirm_spec *spec, ui_confirm_cb done,
                     void *ud);
/* One-line input at the bottom: done runs with the text (accepted) or NULL (cancelled). */
typedef void (*ui_prompt_cb)(const char *text, void *ud);
void ui_prompt_open(struct ui *ui, const char *label, const char *initial, ui_prompt_cb done,
                    void *ud);

/* Open the logs pane for a target (service or task) (ui/view_logs.c). */
void ui_open_logs(struct ui *ui, const struct ui_target *t);
/* o: the AWS console page of the target (its URL in the message line, or $BROWSER URL);
 * y: its ARN (or ID) to the clipboard with OSC 52 (ui/open_copy.c). */
void ui_open_console(struct ui *ui, const struct ui_target *t);
void ui_copy_id(struct ui *ui, const struct ui_target *t);
/* Open the help screen of the view in front (ui/view_help.c). */
void ui_open_help(struct ui *ui);

/* Mutation keys: the one dispatch point (ui/act_flow.c). */
void act_dispatch(struct ui *ui, enum ui_action action, const struct ui_target *t);
/* The console is going away (or its AWS client is being replaced): actions still in flight
 * forget it, invalidation follows stop (ui/act_flow.c). */
void act_shutdown(struct ui *ui);

/* Views ask whether their parts are stale, for a marker in their title. */
bool ui_parts_stale(struct ui *ui, unsigned parts);
bool ui_parts_loaded(struct ui *ui, unsigned parts);

#endif
