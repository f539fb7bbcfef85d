/* The console: the event-loop glue (hooks, signals, the tick), the view stack, messages,
 * the theme, start and stop. Its other jobs have files of their own (ui/console.h). */
#include "ui/ui.h"

#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aws/request.h"
#include "aws/sts.h"
#include "cli/cli.h"
#include "fleet/fleet.h"
#include "loop/signals.h"
#include "model/world.h"
#include "poller/poller.h"
#include "settings.h"
#include "ui/color.h"
#include "ui/console.h"
#include "ui/curses.h"
#include "ui/draw.h"
#include "ui/keys.h"
#include "ui/palette.h"
#include "ui/recall.h"
#include "ui/term.h"
#include "ui/timeline_glue.h"
#include "ui/trace.h"
#include "ui/view_logs.h"
#include "ui/widget_prompt.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

#define DRAIN_AT_EXIT_MS 1500

struct ui *console_live;
static int exit_signal_seen;

/* ---- small accessors ------------------------------------------------------------------ */

struct od_world *
ui_world(struct ui *ui)
{
    return ui->cur.world;
}

struct od_poller *
ui_poller(struct ui *ui)
{
    return ui->cur.poller;
}

struct od_aws *
ui_aws(struct ui *ui)
{
    return ui->cli->aws;
}

const char *
ui_cluster(struct ui *ui)
{
    return ui->cluster;
}

const char *
ui_account(struct ui *ui)
{
    return ui->account;
}

const char *
ui_region(struct ui *ui)
{
    return ui->cli->aws != NULL ? ui->cli->aws->region : NULL;
}

const char *
ui_profile(struct ui *ui)
{
    return ui->cli->aws != NULL ? ui->cli->aws->profile : NULL;
}

bool
ui_read_only(struct ui *ui)
{
    return ui->cli->g.read_only ||
           settings_get_bool(ui->cli->settings, "safety", "read_only", false);
}

const struct od_settings *
ui_settings(struct ui *ui)
{
    return ui->cli->settings;
}

long
ui_log_lines(struct ui *ui)
{
    long n = settings_get_long(ui->cli->settings, "logs", "buffer_lines",
                               VIEW_LOGS_DEFAULT_LINES);

    return n < 100 ? 100 : n > 1000000 ? 1000000 : n;
}

int
ui_console_exit_signal(void)
{
    return exit_signal_seen;
}

void
ui_dirty(struct ui *ui)
{
    ui->dirty = true;
}

void
ui_data_changed(struct ui *ui)
{
    ui->data_version++;
    ui->dirty = true;
}

static void set_message(struct ui *ui, bool error, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void
set_message(struct ui *ui, bool error, const char *fmt, va_list ap)
{
    char *raw = xvasprintf(fmt, ap);

    free(ui->message);
    ui->message = sanitize_str(raw);
    free(raw);
    ui->message_error = error;
    ui->message_sticky = false;
    ui->message_at = clock_mono_ms();
    ui->dirty = true;
}

void
ui_message(struct ui *ui, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    set_message(ui, false, fmt, ap);
    va_end(ap);
}

void
ui_error(struct ui *ui, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    set_message(ui, true, fmt, ap);
    va_end(ap);
}

bool
ui_parts_stale(struct ui *ui, unsigned parts)
{
    for (int p = 0; p < OD_PART__COUNT; p++)
        if ((parts & POLL_PART(p)) && ui->cur.world->parts[p].stale)
            return true;
    return false;
}

bool
ui_parts_loaded(struct ui *ui, unsigned parts)
{
    for (int p = 0; p < OD_PART__COUNT; p++)
        if ((parts & POLL_PART(p)) && !ui->cur.world->parts[p].loaded &&
            !ui->cur.world->parts[p].stale)
            return false;
    return true;
}

/* ---- contexts: world + poller, retired until their calls are done ---------------------- */



/* ---- identity ------------------------------------------------------------------------- */

/* ---- view stack ------------------------------------------------------------------------ */

struct view *
ui_top(struct ui *ui)
{
    return ui->nstack > 0 ? ui->stack[ui->nstack - 1] : NULL;
}

void
ui_push(struct ui *ui, struct view *v)
{
    if (ui->nstack == STACK_MAX) {
        /* Deep drilling: forget the oldest view above the root. */
        view_free(&ui->stack[1]);
        memmove(&ui->stack[1], &ui->stack[2], (STACK_MAX - 2) * sizeof ui->stack[0]);
        ui->nstack--;
    }
    ui->stack[ui->nstack++] = v;
    v->need_recalc = true;
    ctx_parts_changed(ui);
    ui->dirty = true;
}

void
ui_pop(struct ui *ui)
{
    if (ui->nstack <= 1)
        return;
    view_free(&ui->stack[--ui->nstack]);
    ui_top(ui)->need_recalc = true;
    ctx_parts_changed(ui);
    ui->dirty = true;
}

void
ui_set_root(struct ui *ui, struct view *v)
{
    while (ui->nstack > 0)
        view_free(&ui->stack[--ui->nstack]);
    ui_push(ui, v);
}

/* ---- switching cluster, region, profile ----------------------------------------------- */

/* ---- poller ----------------------------------------------------------------------------- */

/* ---- modal dialogs and prompts ------------------------------------------------------------ */

/* ---- the command palette ----------------------------------------------------------------- */



/* ---- keys ----------------------------------------------------------------------------------- */

void
console_quit(struct ui *ui)
{
    ui->quit = true;
    loop_stop(ui->loop);
}

static void
on_stdin(int fd, short revents, void *ud)
{
    struct ui *ui = ud;

    (void)fd;
    if (revents & (POLLHUP | POLLERR | POLLNVAL)) {
        /* The terminal went away. */
        exit_signal_seen = SIGHUP;
        console_quit(ui);
    }
    /* Keys are read by the drain hook. */
}

/* ---- signals --------------------------------------------------------------------------- */

static void
on_signal(int signo, void *ud)
{
    struct ui *ui = ud;

    switch (signo) {
    case SIGWINCH:
        term_resize();
        ui->dirty = true;
        break;
    case SIGINT:
    case SIGTERM:
    case SIGHUP:
        exit_signal_seen = signo;
        console_quit(ui);
        break;
    case SIGTSTP:
        term_suspend();
        ui->dirty = true;
        break;
    case SIGCONT:
        clearok(curscr, TRUE);
        term_resize();
        ui->dirty = true;
        break;
    default:
        break;
    }
}

static const int console_signals[] = {SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGTSTP, SIGCONT};

static void
on_tick(void *ud)
{
    struct ui *ui = ud;

    ui->tick_timer = loop_timer_add(ui->loop, 1000, on_tick, ui);
    ui->spin++;
    ui->dirty = true; /* the age of the data moves on */
}

/* ---- bell and failure notices ---------------------------------------------------------------- */

/* ---- drawing ----------------------------------------------------------------------------------- */

/* Ask metrics for what the top view shows (GetMetricData is billed per metric): rescoped
 * when rows without them come on screen, or when a sort needs every service's. */
static void
update_metric_scope(struct od_poller *p, const struct metric_scope *sc)
{
    if (sc->all) {
        if (poller_metrics_scoped(p))
            poller_set_metric_services(p, NULL, 0);
    } else if (sc->nshown > 0 &&
               (!poller_metrics_scoped(p) || !poller_metrics_cover(p, sc->shown, sc->nshown))) {
        poller_set_metric_services(p, sc->wanted, sc->nwanted);
    }
}

/* The poller's focus: the rows on screen first, then the page either side. Before the first
 * rows arrive, the first screens by name (the table's default order). */
static void
update_focus(struct ui *ui, struct od_poller *p, const struct metric_scope *sc)
{
    const char **names;
    size_t n = 0;

    if (sc->nshown == 0) {
        if (!ui->cur.world->parts[OD_PART_SERVICES].loaded)
            poller_set_focus_head(p, (size_t)(LINES > 0 ? LINES : 24) * 2);
        return;
    }
    names = xcalloc(sc->nshown + sc->nwanted, sizeof *names);
    for (size_t i = 0; i < sc->nshown; i++)
        names[n++] = sc->shown[i];
    for (size_t i = 0; i < sc->nwanted; i++) {
        size_t k = 0;

        while (k < sc->nshown && strcmp(sc->shown[k], sc->wanted[i]) != 0)
            k++;
        if (k == sc->nshown)
            names[n++] = sc->wanted[i];
    }
    poller_set_focus(p, names, n);
    free(names);
}

static void
update_scope(struct ui *ui, struct view *v)
{
    struct od_poller *p = ui->cur.poller;
    struct metric_scope sc = {0};

    ui->fill_sort = false;
    if (p == NULL || v->ops->metric_scope == NULL)
        return;
    v->ops->metric_scope(v, &sc);
    ui->fill_sort = sc.fill || sc.all;
    update_metric_scope(p, &sc);
    update_focus(ui, p, &sc);
    trace_check(ui->cur.world, p, sc.shown, sc.nshown);
    free(sc.shown);
    free(sc.wanted);
}

/* Hook 2: at most one repaint per turn, one doupdate(). */
static void
redraw(void *ud)
{
    struct ui *ui = ud;
    struct view *v;
    int h, w;

    if (ui != console_live || !term_active())
        return;
    ctx_sweep_retired(ui);
    if (!ui->dirty || ui->quit)
        return;
    ui->dirty = false;
    v = ui_top(ui);
    ctx_auto_open(ui);
    timeline_glue_tick(ui); /* before the recalc: the timeline view shows what it just took */
    v = ui_top(ui);
    if (v->need_recalc || v->seen != ui->data_version) {
        if (v->seen != ui->data_version)
            notify_check_failures(ui);
        v->ops->recalc(v);
        v->seen = ui->data_version;
        v->need_recalc = false;
    }
    h = LINES;
    w = COLS;
    if (h < UI_MIN_ROWS || w < UI_MIN_COLS) {
        bar_draw_too_small();
    } else {
        erase();
        bar_draw_status(ui, w);
        bar_draw_title(ui, v, w);
        v->ops->draw(v, 2, 0, h - 4, w);
        update_scope(ui, v);
        bar_draw_message(ui, h - 2, w);
        bar_draw_hints(ui, v, h - 1, w);
        if (ui->confirm != NULL)
            confirm_draw(ui->confirm, h, w);
    }
    wnoutrefresh(stdscr);
    doupdate();
}

/* ---- theme ------------------------------------------------------------------------------------ */

void
console_apply_theme(struct ui *ui, const char *name, bool at_start)
{
    struct ui_theme t = {0};
    struct od_error err = {0};

    if (theme_load(name, &t, &err) != OD_OK) {
        ui_error(ui, "theme: %s", err.message != NULL ? err.message : "failed");
        od_error_clear(&err);
        theme_clear(&t);
        return;
    }
    theme_clear(&ui->theme);
    ui->theme = t;
    color_apply(&ui->theme, ui->mono);
    clearok(curscr, TRUE);
    if (!at_start)
        ui_message(ui, "theme %s%s", name, ui->mono ? " (monochrome terminal)" : "");
    ui->dirty = true;
}

/* [console] start_message: a hint shown until the first key (the demo says what to try). */
static void
start_message(struct ui *ui)
{
    const char *text = settings_get(ui->cli->settings, "console", "start_message");

    if (str_empty(text))
        return;
    ui_message(ui, "%s", text);
    ui->message_sticky = true;
}

/* ---- start and stop ----------------------------------------------------------------------------- */

static enum od_err
load_keymap(struct od_cli *cli, struct od_error *err)
{
    const char *value, *name;

    keys_reset();
    for (size_t i = 0; (name = settings_key_at(cli->settings, "keys", i, &value)) != NULL; i++) {
        enum ui_action a = keys_action_find(name);

        if (a == ACT_NONE) {
            char *safe = sanitize_str(name);

            od_error_set(err, OD_E_CONFIG, "[keys] unknown action '%s' (see doc/keys.md)",
                         safe);
            free(safe);
            return OD_E_CONFIG;
        }
        if (keys_bind(a, value, err) != OD_OK)
            return OD_E_CONFIG;
    }
    return OD_OK;
}

struct drain {
    struct ui *ui;
    bool done;
    uint64_t deadline;
    uint64_t timer;
};

static void
drain_check(void *ud)
{
    struct drain *d = ud;

    d->timer = 0;
    if (ctx_all_idle(d->ui) || clock_mono_ms() >= d->deadline) {
        d->done = true;
        return;
    }
    d->timer = loop_timer_add(d->ui->loop, 20, drain_check, d);
}

/* After the terminal is given back: let calls in flight finish (bounded), so every
 * callback's memory is released. */
static void
drain_calls(struct ui *ui)
{
    struct drain d = {ui, false, clock_mono_ms() + DRAIN_AT_EXIT_MS, 0};

    poller_free(&ui->cur.poller); /* cancels its calls */
    /* A Logs Insights query a logs pane still runs is stopped while calls can go out. */
    for (int i = 0; i < ui->nstack; i++)
        view_logs_stop_insights(ui->stack[i]);
    if (ctx_all_idle(ui))
        return;
    d.timer = loop_timer_add(ui->loop, 20, drain_check, &d);
    while (!d.done) /* the loop is stopping: turn it by hand */
        loop_run_once(ui->loop);
    if (d.timer != 0)
        loop_timer_cancel(ui->loop, d.timer);
}

static void
ui_free(struct ui *ui)
{
    act_shutdown(ui);
    timeline_glue_free(ui);
    while (ui->nstack > 0)
        view_free(&ui->stack[--ui->nstack]);
    if (ui->confirm != NULL)
        input_confirm_finish(ui, false); /* whoever asked hears "no" and can let go */
    if (ui->pmode == PM_CUSTOM && ui->prompt_done != NULL)
        ui->prompt_done(NULL, ui->prompt_ud);
    fleet_free(&ui->fleet); /* drops its calls in flight */
    ctx_free(&ui->cur); /* cur.aws is NULL: the CLI owns the live client */
    for (size_t i = 0; i < ui->nretired; i++)
        ctx_free(&ui->retired[i]);
    for (size_t i = 0; i < ui->nfailing; i++)
        free(ui->failing[i]);
    free(ui->failing);
    free(ui->cluster);
    free(ui->recalled);
    free(ui->region);
    free(ui->profile);
    free(ui->account);
    free(ui->arn);
    free(ui->message);
    free(ui->pending_notice);
    free(ui->filter_before);
    palette_history_free(ui);
    theme_clear(&ui->theme);
    free(ui);
    trace_stop();
}

int
ui_console_run(struct od_cli *cli)
{
    struct ui *ui;
    struct od_error err = {0};
    const char *theme_name = cli->g.theme;
    const char *no_color = getenv("NO_COLOR");
    struct ui_theme probe = {0};
    struct od_fleet *fleet = NULL;
    int rc;

    if (load_keymap(cli, &err) != OD_OK) {
        cli_print_error(cli, "config", &err);
        od_error_clear(&err);
        return OD_EXIT_USAGE;
    }
    if (str_empty(theme_name))
        theme_name = settings_get(cli->settings, "console", "theme");
    if (theme_load(theme_name, &probe, &err) != OD_OK) {
        cli_print_error(cli, "theme", &err);
        od_error_clear(&err);
        theme_clear(&probe);
        return OD_EXIT_USAGE;
    }
    if ((rc = fleet_glue_prepare(cli, &fleet)) != OD_EXIT_OK) {
        theme_clear(&probe);
        return rc;
    }
    if (!cli_aws(cli)) {
        fleet_free(&fleet);
        theme_clear(&probe);
        return OD_EXIT_ERROR;
    }
    ui = xcalloc(1, sizeof *ui);
    ui->cli = cli;
    ui->loop = cli->loop;
    ui->theme = probe;
    ui->fleet = fleet;
    ui->mono = cli->g.no_color || !str_empty(no_color);
    ui->bell = settings_get_bool(cli->settings, "console", "bell", false);
    ui->cluster = !str_empty(cli->g.cluster) ? xstrdup(cli->g.cluster) : NULL;
    ui->profile = cli->g.profile != NULL ? xstrdup(cli->g.profile) : NULL;
    ui->region = cli->g.region != NULL ? xstrdup(cli->g.region) : NULL;
    cli->g.cluster = ui->cluster;
    cli->g.profile = ui->profile;
    cli->g.region = ui->region;
    console_live = ui;
    trace_start();

    /* Our handlers first: curses then leaves SIGWINCH and SIGTSTP to us. */
    if (signals_install(ui->loop, &err) != OD_OK) {
        cli_print_error(cli, "console", &err);
        od_error_clear(&err);
        console_live = NULL;
        ui_free(ui);
        return OD_EXIT_ERROR;
    }
    for (size_t i = 0; i < sizeof console_signals / sizeof console_signals[0]; i++)
        signals_on(console_signals[i], on_signal, ui);
    if (term_start(&err) != OD_OK) {
        cli_print_error(cli, "console", &err);
        od_error_clear(&err);
        signals_uninstall();
        console_live = NULL;
        ui_free(ui);
        return OD_EXIT_USAGE;
    }
    draw_set_utf8(term_utf8());
    color_apply(&ui->theme, ui->mono);

    loop_watch_fd(ui->loop, STDIN_FILENO, POLLIN, on_stdin, ui);
    loop_add_hook(ui->loop, input_drain_keys, ui);
    loop_add_hook(ui->loop, redraw, ui);
    ui->tick_timer = loop_timer_add(ui->loop, 1000, on_tick, ui);

    if (ui->cluster == NULL) {
        ui->recalled = recall_cluster(ui_profile(ui), ui_region(ui));
        ui->auto_open = true;
    }
    ui_set_root(ui, ui->cluster != NULL ? view_services_new(ui, NULL) : view_clusters_new(ui));
    ctx_start(ui);
    ctx_start_identity(ui);
    fleet_glue_start(ui);
    start_message(ui);
    ui->dirty = true;

    loop_run(ui->loop);

    /* Give the terminal back first, whatever happens next. */
    term_stop();
    loop_unwatch_fd(ui->loop, STDIN_FILENO);
    signals_uninstall();
    loop_timer_cancel(ui->loop, ui->tick_timer);
    console_live = NULL; /* the hooks stay registered on the CLI's loop but do nothing now */
    drain_calls(ui);
    ui_free(ui);
    return OD_EXIT_OK;
}

/* ---- palette commands ------------------------------------------------------------------ */

static void
run_theme(struct ui *ui, const char *arg, const char *arg2)
{
    (void)arg2;
    if (arg == NULL)
        ui_error(ui, "theme: a theme name is needed (default, light, high-contrast, mono)");
    else
        console_apply_theme(ui, arg, false);
}

const struct palette_cmd palette_cmd_theme = {
    .name = "theme", .aliases = "", .usage = "NAME|FILE",
    .summary = "default, light, high-contrast, mono, or a theme file", .run = run_theme,
};

static void
run_quit(struct ui *ui, const char *arg, const char *arg2)
{
    (void)arg;
    (void)arg2;
    console_quit(ui);
}

const struct palette_cmd palette_cmd_quit = {
    .name = "quit", .aliases = "q q! qa", .usage = "", .summary = "quit", .run = run_quit,
};
