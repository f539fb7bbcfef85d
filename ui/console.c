/* The console: owns the terminal, the view stack, the status bar, the prompt and modal
 * dialogs, and the world/poller pair of the selected account, region and cluster. */
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
#include "loop/signals.h"
#include "model/world.h"
#include "poller/poller.h"
#include "settings.h"
#include "ui/color.h"
#include "ui/curses.h"
#include "ui/draw.h"
#include "ui/keys.h"
#include "ui/term.h"
#include "ui/view_logs.h"
#include "ui/widget_prompt.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

#define STACK_MAX 16
#define MAX_RETIRED 8
#define MESSAGE_MS 6000
#define DRAIN_AT_EXIT_MS 1500
#define KEYS_PER_TURN 512

/* One account/region/cluster: the world the views show and the poller that fills it. */
struct ctx {
    struct od_aws *aws; /* owned only by retired contexts */
    struct od_poller *poller;
    struct od_world *world;
};

enum prompt_mode { PM_NONE, PM_FILTER, PM_COMMAND, PM_CUSTOM };

struct ident_req {
    struct ui *ui;
    uint64_t epoch;
};

struct ui {
    struct od_cli *cli;
    struct od_loop *loop;
    struct ctx cur;
    struct ctx retired[MAX_RETIRED];
    size_t nretired;
    uint64_t aws_epoch;

    char *cluster, *region, *profile; /* what the globals point at after a switch */
    char *account, *arn;
    bool ident_pending;

    struct view *stack[STACK_MAX];
    int nstack;
    uint64_t data_version;
    bool dirty;

    char *message;
    bool message_error;
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
};

static struct ui *live_ui;
static int exit_signal_seen;

/* ---- small accessors ------------------------------------------------------------------ */

struct od_world *
ui_world(struct ui *ui)
{
    return ui->cur.world;
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

static void on_poll_change(void *ud);

/* Which parts to poll: what the top view shows. Cluster parts need a cluster. */
/* The parts of the topmost view that shows data (help and logs show none of their own). */
static unsigned
view_parts(struct ui *ui)
{
    for (int i = ui->nstack - 1; i >= 0; i--)
        if (ui->stack[i]->ops->parts != 0)
            return ui->stack[i]->ops->parts;
    return 0;
}

static unsigned
wanted_parts(struct ui *ui)
{
    unsigned parts = view_parts(ui);
    struct view *top = ui_top(ui);

    /* The logs pane finds its streams from the services' tasks (ui/logs_glue.c). */
    if (top != NULL && str_eq(top->ops->name, "logs"))
        parts |= POLL_PART(OD_PART_SERVICES) | POLL_PART(OD_PART_TASKS) |
                 POLL_PART(OD_PART_STOPPED_TASKS);
    if (ui->cluster == NULL)
        parts &= POLL_PART(OD_PART_CLUSTERS) | POLL_PART(OD_PART_ALARMS) |
                 POLL_PART(OD_PART_DISTRIBUTIONS) | POLL_PART(OD_PART_METRICS);
    return parts != 0 ? parts : POLL_PART(OD_PART_CLUSTERS);
}

/* The top view changed: poll what it shows; refresh now when part of it was never loaded. */
static void
parts_changed(struct ui *ui)
{
    unsigned parts;

    if (ui->cur.poller == NULL)
        return;
    parts = wanted_parts(ui);
    poller_set_parts(ui->cur.poller, parts);
    for (int p = 0; p < OD_PART__COUNT; p++) {
        if ((parts & POLL_PART(p)) && !ui->cur.world->parts[p].loaded) {
            poller_refresh(ui->cur.poller, NULL, NULL);
            break;
        }
    }
}

static void
ctx_start(struct ui *ui)
{
    struct od_poller_opts opts = {0};

    ui->cur.world = world_new(ui_region(ui), ui->cluster);
    opts.cluster = ui->cluster;
    opts.parts = wanted_parts(ui);
    opts.settings = ui->cli->settings;
    opts.steady_seconds =
        (int)settings_get_long(ui->cli->settings, "console", "refresh_seconds", 0);
    ui->cur.poller = poller_new(ui->cli->aws, ui->cur.world, &opts);
    poller_start(ui->cur.poller, on_poll_change, ui);
    ui_data_changed(ui);
}

static void sweep_retired(struct ui *ui);

/* Drop the current world and poller (the poller cancels its calls); an AWS client being
 * replaced is kept until its own calls (the identity) are done, then freed. */
static void
ctx_retire(struct ui *ui, struct od_aws *aws)
{
    poller_free(&ui->cur.poller);
    world_free(&ui->cur.world);
    if (aws == NULL)
        return;
    while (ui->nretired == MAX_RETIRED) {
        /* Too many switches in flight: wait for one (bounded by the calls' timeouts), with
         * the key and redraw hooks held off so nothing re-enters. */
        live_ui = NULL;
        loop_run_once(ui->loop);
        live_ui = ui;
        sweep_retired(ui);
    }
    ui->retired[ui->nretired++].aws = aws;
}

static bool
ctx_idle(const struct ctx *c)
{
    return (c->poller == NULL || !poller_busy(c->poller)) &&
           (c->aws == NULL || c->aws->calls == NULL);
}

static void
ctx_free(struct ctx *c)
{
    poller_free(&c->poller);
    world_free(&c->world);
    aws_free(&c->aws);
}

static void
sweep_retired(struct ui *ui)
{
    for (size_t i = 0; i < ui->nretired;) {
        if (ctx_idle(&ui->retired[i])) {
            ctx_free(&ui->retired[i]);
            ui->retired[i] = ui->retired[--ui->nretired];
        } else {
            i++;
        }
    }
}

/* ---- identity ------------------------------------------------------------------------- */

static void
on_identity(const struct od_identity *id, const struct od_error *err, void *ud)
{
    struct ident_req *req = ud;
    struct ui *ui = req->ui;

    if (ui == live_ui && req->epoch == ui->aws_epoch) {
        ui->ident_pending = false;
        if (err != NULL && err->err != OD_OK) {
            char *line = od_error_format(err);

            ui_error(ui, "identity: %s", line);
            free(line);
        } else if (id != NULL) {
            free(ui->account);
            free(ui->arn);
            ui->account = sanitize_str(id->account);
            ui->arn = sanitize_str(id->arn);
        }
        ui->dirty = true;
    }
    free(req);
}

static void
start_identity(struct ui *ui)
{
    struct ident_req *req = xcalloc(1, sizeof *req);
    struct od_error err = {0};

    req->ui = ui;
    req->epoch = ui->aws_epoch;
    xfree(&ui->account);
    xfree(&ui->arn);
    if (sts_get_caller_identity(ui->cli->aws, on_identity, req, &err) != OD_OK) {
        char *line = od_error_format(&err);

        ui_error(ui, "identity: %s", line);
        free(line);
        od_error_clear(&err);
        free(req);
        return;
    }
    ui->ident_pending = true;
}

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
    parts_changed(ui);
    ui->dirty = true;
}

void
ui_pop(struct ui *ui)
{
    if (ui->nstack <= 1)
        return;
    view_free(&ui->stack[--ui->nstack]);
    ui_top(ui)->need_recalc = true;
    parts_changed(ui);
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

bool
ui_switch_cluster(struct ui *ui, const char *name)
{
    char *copy;

    if (str_empty(name)) {
        ui_error(ui, "cluster: a name is needed");
        return false;
    }
    copy = xstrdup(name); /* name may point into the world about to go */
    ctx_retire(ui, NULL);
    free(ui->cluster);
    ui->cluster = copy;
    ui->cli->g.cluster = ui->cluster;
    ui_set_root(ui, view_services_new(ui, NULL));
    ctx_start(ui);
    return true;
}

/* Rebuild the AWS context with another profile or region. */
static bool
switch_aws(struct ui *ui, const char *profile, const char *region)
{
    struct od_aws_opts opts = {0};
    struct od_aws *aws = NULL;
    struct od_error err = {0};

    opts.profile = profile;
    opts.region = region;
    opts.endpoint_url = ui->cli->g.endpoint_url;
    if (aws_new(&aws, ui->loop, &opts, &err) != OD_OK) {
        char *line = od_error_format(&err);

        ui_error(ui, "%s", line);
        free(line);
        od_error_clear(&err);
        return false;
    }
    actions_glue_shutdown(ui); /* changes in preparation used the old client: drop them */
    ctx_retire(ui, ui->cli->aws);
    ui->cli->aws = aws;
    ui->aws_epoch++;
    if (profile != ui->profile) {
        free(ui->profile);
        ui->profile = profile != NULL ? xstrdup(profile) : NULL;
    }
    if (region != ui->region) {
        free(ui->region);
        ui->region = region != NULL ? xstrdup(region) : NULL;
    }
    ui->cli->g.profile = ui->profile;
    ui->cli->g.region = ui->region;
    start_identity(ui);
    return true;
}

/* ---- poller ----------------------------------------------------------------------------- */

static void
on_poll_change(void *ud)
{
    struct ui *ui = ud;

    /* A callback: only mark. */
    ui->data_version++;
    ui->dirty = true;
}

void
ui_refresh(struct ui *ui)
{
    if (ui->cur.poller == NULL)
        return;
    poller_set_parts(ui->cur.poller, wanted_parts(ui));
    poller_refresh(ui->cur.poller, NULL, NULL);
    ui_message(ui, "refreshing");
}

/* ---- modal dialogs and prompts ------------------------------------------------------------ */

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

static void
confirm_finish(struct ui *ui, bool yes)
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

/* ---- the command palette ----------------------------------------------------------------- */

static const char *const palette_words[] = {
    "alarms", "cf", "cloudfront", "cluster", "clusters", "help", "logs", "profile",
    "q", "quit", "refresh", "region", "sort", "svc", "services", "theme",
};

static void apply_theme(struct ui *ui, const char *name, bool at_start);
static void quit(struct ui *ui);

static void
open_help(struct ui *ui)
{
    struct view *under = ui_top(ui);

    if (under != NULL && str_eq(under->ops->name, "help"))
        return;
    ui_push(ui, view_help_new(ui, under));
}

void
ui_open_logs(struct ui *ui, const struct ui_target *t)
{
    if (t == NULL || (t->kind != TARGET_SERVICE && t->kind != TARGET_TASK)) {
        ui_error(ui, "logs: select a service or a task first");
        return;
    }
    ui_push(ui, view_logs_new(ui, t));
}

static void
run_command(struct ui *ui, const char *line)
{
    char *copy = xstrdup(line), *save = NULL, *cmd, *arg, *arg2;

    cmd = strtok_r(copy, " \t", &save);
    arg = cmd != NULL ? strtok_r(NULL, " \t", &save) : NULL;
    arg2 = arg != NULL ? strtok_r(NULL, " \t", &save) : NULL;
    if (cmd == NULL) {
        free(copy);
        return;
    }
    if (str_eq(cmd, "q") || str_eq(cmd, "quit") || str_eq(cmd, "q!") || str_eq(cmd, "qa")) {
        quit(ui);
    } else if (str_eq(cmd, "clusters") || str_eq(cmd, "cl")) {
        ui_set_root(ui, view_clusters_new(ui));
    } else if (str_eq(cmd, "svc") || str_eq(cmd, "services") || str_eq(cmd, "service")) {
        if (ui->cluster == NULL)
            ui_error(ui, "no cluster selected: use :cluster NAME or pick one in :clusters");
        else if (arg != NULL) {
            ui_set_root(ui, view_services_new(ui, arg));
            ui_push(ui, view_service_new(ui, arg));
        } else
            ui_set_root(ui, view_services_new(ui, NULL));
    } else if (str_eq(cmd, "cf") || str_eq(cmd, "cloudfront") || str_eq(cmd, "dist") ||
               str_eq(cmd, "distributions")) {
        ui_set_root(ui, view_cloudfront_new(ui, NULL));
    } else if (str_eq(cmd, "alarms") || str_eq(cmd, "alarm")) {
        ui_set_root(ui, view_alarms_new(ui));
    } else if (str_eq(cmd, "cluster") || str_eq(cmd, "ctx")) {
        if (arg == NULL)
            ui_set_root(ui, view_clusters_new(ui));
        else
            ui_switch_cluster(ui, arg);
    } else if (str_eq(cmd, "region")) {
        if (arg == NULL) {
            ui_error(ui, "region: a region name is needed (e.g. :region eu-west-1)");
        } else if (switch_aws(ui, ui->profile, arg)) {
            xfree(&ui->cluster);
            ui->cli->g.cluster = NULL;
            ui_set_root(ui, view_clusters_new(ui));
            ctx_start(ui);
            ui_message(ui, "region %s", arg);
        }
    } else if (str_eq(cmd, "profile")) {
        if (arg == NULL) {
            ui_error(ui, "profile: a profile name is needed");
        } else if (switch_aws(ui, arg, ui->region)) {
            ui_set_root(ui, ui->cluster != NULL ? view_services_new(ui, NULL)
                                                : view_clusters_new(ui));
            ctx_start(ui);
            ui_message(ui, "profile %s", arg);
        }
    } else if (str_eq(cmd, "theme")) {
        if (arg == NULL)
            ui_error(ui, "theme: a theme name is needed (default, light, high-contrast, mono)");
        else
            apply_theme(ui, arg, false);
    } else if (str_eq(cmd, "help")) {
        open_help(ui);
    } else if (str_eq(cmd, "refresh") || str_eq(cmd, "r")) {
        ui_refresh(ui);
    } else if (str_eq(cmd, "logs")) {
        struct ui_target t = {0};
        struct view *v = ui_top(ui);

        if (v->ops->target != NULL)
            v->ops->target(v, &t);
        ui_open_logs(ui, &t);
    } else if (str_eq(cmd, "sort")) {
        struct view *v = ui_top(ui);
        int dir = str_eq(arg2, "desc") ? 1 : str_eq(arg2, "asc") ? -1 : 0;

        if (arg == NULL || v->ops->sort == NULL || !v->ops->sort(v, arg, dir))
            ui_error(ui, "sort: no column '%s' here", arg != NULL ? arg : "");
    } else {
        ui_error(ui, "unknown command ':%s' (try :help)", cmd);
    }
    free(copy);
}

static void
complete_command(struct ui *ui)
{
    char *text = prompt_text(&ui->prompt);
    const char *match = NULL;
    int n = 0;

    if (strchr(text, ' ') == NULL) {
        for (size_t i = 0; i < sizeof palette_words / sizeof palette_words[0]; i++) {
            if (str_has_prefix(palette_words[i], text)) {
                if (match == NULL)
                    match = palette_words[i];
                n++;
            }
        }
        if (n == 1) {
            char *full = xasprintf("%s ", match);

            prompt_set_text(&ui->prompt, full);
            free(full);
        }
    }
    free(text);
}

/* ---- keys ----------------------------------------------------------------------------------- */

static void
quit(struct ui *ui)
{
    ui->quit = true;
    loop_stop(ui->loop);
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
        complete_command(ui);
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
            run_command(ui, text);
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
    if (key == UI_KEY_CTRL('z')) {
        term_suspend();
        return;
    }
    if (keys_lookup(key, NULL, 0) == ACT_QUIT) {
        quit(ui);
        return;
    }
    if (ui->confirm != NULL) {
        enum confirm_result r = confirm_key(ui->confirm, key);

        if (r != CONFIRM_OPEN)
            confirm_finish(ui, r == CONFIRM_YES);
        return;
    }
    if (ui->pmode != PM_NONE) {
        prompt_key_in(ui, key);
        return;
    }
    if (LINES < UI_MIN_ROWS || COLS < UI_MIN_COLS) {
        /* Only leaving works on the "too small" screen. */
        if (key == 'q')
            quit(ui);
        return;
    }
    a = keys_lookup(key, v->ops->actions, v->ops->nactions);
    if (a == ACT_NONE)
        return;
    if (keys_action_flags(a) & KF_MUTATES) {
        struct ui_target t;

        current_target(ui, &t);
        actions_glue_dispatch(ui, a, &t);
        return;
    }
    if (v->ops->key != NULL && v->ops->key(v, a))
        return;
    switch (a) {
    case ACT_BACK:
        if (ui->nstack > 1) {
            ui_pop(ui);
        } else if (key == UI_KEY_ESC) {
            if (v->ops->set_filter != NULL)
                v->ops->set_filter(v, NULL);
        } else {
            quit(ui);
        }
        break;
    case ACT_QUIT:
        quit(ui);
        break;
    case ACT_COMMAND:
        prompt_init(&ui->prompt, ":", "", 0);
        ui->pmode = PM_COMMAND;
        break;
    case ACT_FILTER:
        if (v->ops->set_filter != NULL) {
            const char *cur = v->ops->get_filter != NULL ? v->ops->get_filter(v) : NULL;

            prompt_init(&ui->prompt, "/", cur, 0);
            ui->pmode = PM_FILTER;
        }
        break;
    case ACT_HELP:
        open_help(ui);
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
static void
drain_keys(void *ud)
{
    struct ui *ui = ud;
    wint_t wch;
    int rc, n = 0;

    if (ui != live_ui || !term_active())
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

static void
on_stdin(int fd, short revents, void *ud)
{
    struct ui *ui = ud;

    (void)fd;
    if (revents & (POLLHUP | POLLERR | POLLNVAL)) {
        /* The terminal went away. */
        exit_signal_seen = SIGHUP;
        quit(ui);
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
        quit(ui);
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

static bool
in_list(char **list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (str_eq(list[i], s))
            return true;
    return false;
}

static void
check_failures(struct ui *ui)
{
    const struct od_world *w = ui->cur.world;
    char **now = NULL;
    size_t n = 0;
    bool fresh = false;

    for (size_t i = 0; i < w->nservices; i++) {
        if (service_failed(&w->services[i])) {
            now = xreallocarray(now, n + 1, sizeof *now);
            now[n++] = xasprintf("service %s", w->services[i].name);
        }
    }
    for (size_t i = 0; i < w->nalarms; i++) {
        if (str_eq(w->alarms[i].state, "ALARM")) {
            now = xreallocarray(now, n + 1, sizeof *now);
            now[n++] = xasprintf("alarm %s", w->alarms[i].name);
        }
    }
    {
        struct od_buf msg;

        buf_init(&msg, 1024);
        for (size_t i = 0; i < n; i++) {
            if (ui->failing_known && !in_list(ui->failing, ui->nfailing, now[i])) {
                buf_printf(&msg, "%s%s %s", msg.len > 0 ? "; " : "", now[i],
                           str_has_prefix(now[i], "service") ? "rollout FAILED" : "is firing");
                fresh = true;
            }
        }
        if (fresh)
            ui_error(ui, "%s", buf_cstr(&msg)); /* everything new in one line */
        buf_free(&msg);
    }
    for (size_t i = 0; i < ui->nfailing; i++)
        free(ui->failing[i]);
    free(ui->failing);
    ui->failing = now;
    ui->nfailing = n;
    ui->failing_known = w->parts[OD_PART_SERVICES].loaded || w->parts[OD_PART_ALARMS].loaded;
    if (fresh && ui->bell)
        beep();
}

/* ---- drawing ----------------------------------------------------------------------------------- */

static void
age_text(time_t updated, char *out, size_t len)
{
    long age = (long)(time(NULL) - updated);

    if (age < 0)
        age = 0;
    if (age < 120)
        snprintf(out, len, "%lds ago", age);
    else if (age < 7200)
        snprintf(out, len, "%ldm ago", age / 60);
    else
        snprintf(out, len, "%ldh ago", age / 3600);
}

/* Write "label value" pairs of the status bar; returns the next column. */
static int
status_item(int x, int w, const char *label, const char *value, enum ui_el value_el)
{
    const struct ui_glyphs *g = draw_glyphs();

    if (x >= w)
        return x;
    if (x > 0) {
        x += draw_text(0, x, w - x, EL_STATUS, " ");
        x += draw_text(0, x, w - x, EL_STATUS, g->sep);
        x += draw_text(0, x, w - x, EL_STATUS, " ");
    }
    if (label != NULL) {
        x += draw_text(0, x, w - x, EL_STATUS, label);
        x += draw_text(0, x, w - x, EL_STATUS, " ");
    }
    x += draw_text(0, x, w - x, value_el, value);
    return x;
}

static void
draw_status(struct ui *ui, int w)
{
    const struct od_world *wd = ui->cur.world;
    unsigned parts = view_parts(ui);
    char age[32] = "loading", calls[32], stale[256] = "";
    time_t oldest = 0;
    bool any = false;
    int x = 0;

    draw_fill(0, 0, w, EL_STATUS);
    x = draw_text(0, 0, w, EL_STATUS_KEY, " ondeck");
    x = status_item(x, w, "profile", ui_profile(ui) != NULL ? ui_profile(ui) : "-", EL_STATUS_KEY);
    x = status_item(x, w, "acct",
                    ui->account != NULL ? ui->account
                    : ui->ident_pending ? draw_glyphs()->ellipsis
                                        : "?",
                    EL_STATUS_KEY);
    x = status_item(x, w, NULL, ui_region(ui) != NULL ? ui_region(ui) : "no region",
                    EL_STATUS_KEY);
    x = status_item(x, w, "cluster", ui->cluster != NULL ? ui->cluster : "-", EL_STATUS_KEY);
    for (int p = 0; p < OD_PART__COUNT; p++) {
        /* Metrics have a one-minute cadence of their own: the age is the other parts'. */
        if (!(parts & POLL_PART(p)) || !wd->parts[p].loaded || p == OD_PART_METRICS)
            continue;
        if (!any || wd->parts[p].updated_at < oldest)
            oldest = wd->parts[p].updated_at;
        any = true;
    }
    if (any)
        age_text(oldest, age, sizeof age);
    if (ui->cur.poller != NULL && poller_busy(ui->cur.poller)) {
        size_t n = strlen(age);

        snprintf(age + n, sizeof age - n, " %s", draw_glyphs()->spinner[ui->spin % 4]);
    }
    x = status_item(x, w, "data", age, EL_STATUS);
    snprintf(calls, sizeof calls, "%u calls/min",
             ui->cur.poller != NULL ? poller_calls_per_minute(ui->cur.poller) : 0);
    x = status_item(x, w, NULL, calls, EL_STATUS);
    for (int p = 0; p < OD_PART__COUNT; p++) {
        if (wd->parts[p].stale && wd->parts[p].denied == NULL) {
            size_t n = strlen(stale);

            snprintf(stale + n, sizeof stale - n, "%s%s", n > 0 ? "," : "STALE ",
                     part_name((enum od_part)p));
        }
    }
    /* A part refused for want of permission says which permission, not just "stale". */
    for (int p = 0, first = 1; p < OD_PART__COUNT; p++) {
        if (wd->parts[p].stale && wd->parts[p].denied != NULL) {
            size_t n = strlen(stale);

            snprintf(stale + n, sizeof stale - n, "%s%s",
                     first ? (n > 0 ? " no permission: " : "no permission: ") : ",",
                     wd->parts[p].denied);
            first = 0;
        }
    }
    if (stale[0] != '\0') {
        int sw = draw_cols(stale) + 2;

        if (x + 1 + sw > w)
            x = w - sw > 0 ? w - sw : 0;
        else
            x = w - sw;
        draw_cell(0, x, sw, EL_STATUS_STALE, stale, ALIGN_CENTER);
    }
    if (ui_read_only(ui) && stale[0] == '\0' && x + 11 < w)
        draw_text(0, w - 10, 10, EL_STATUS_KEY, "READ-ONLY ");
}

static void
draw_title(struct ui *ui, struct view *v, int w)
{
    char title[256] = "";
    const char *filter = v->ops->get_filter != NULL ? v->ops->get_filter(v) : NULL;
    int x;

    draw_fill(1, 0, w, EL_DEFAULT);
    v->ops->title(v, title, sizeof title);
    x = draw_text(1, 1, w - 1, EL_TITLE, title) + 1;
    if (ui_parts_stale(ui, view_parts(ui)))
        x += draw_text(1, x, w - x, EL_STATUS_STALE, " STALE ");
    if (!str_empty(filter) && ui->pmode != PM_FILTER) {
        char *f = xasprintf("  filter: /%s", filter);

        x += draw_text(1, x, w - x, EL_HINT_KEY, f);
        free(f);
    }
    if (ui->nstack > 1) {
        /* Breadcrumbs of what is below, right-aligned, when there is room. */
        char crumbs[256] = "";
        size_t n = 0;

        for (int i = 0; i < ui->nstack - 1; i++) {
            int k = snprintf(crumbs + n, sizeof crumbs - n, "%s%s", i > 0 ? " > " : "",
                             ui->stack[i]->ops->name);
            if (k < 0 || (size_t)k >= sizeof crumbs - n)
                break;
            n += (size_t)k;
        }
        if (draw_cols(crumbs) + 2 < w - x)
            draw_text(1, w - draw_cols(crumbs) - 1, draw_cols(crumbs), EL_DIM, crumbs);
    }
}

static void
draw_hints(struct ui *ui, struct view *v, int y, int w)
{
    static const enum ui_action hint_actions[] = {ACT_HELP, ACT_COMMAND, ACT_FILTER,
                                                  ACT_ENTER, ACT_BACK, ACT_REFRESH};
    int x = 1;

    draw_fill(y, 0, w, EL_DEFAULT);
    if (ui->pmode != PM_NONE) {
        prompt_draw(&ui->prompt, y, 0, w);
        return;
    }
    for (size_t i = 0; i < sizeof hint_actions / sizeof hint_actions[0] && x < w; i++) {
        enum ui_action a = hint_actions[i];
        char keys[64], *label;
        bool offered = (keys_action_flags(a) & KF_GLOBAL) != 0;

        for (size_t k = 0; !offered && k < v->ops->nactions; k++)
            offered = v->ops->actions[k] == a;
        if (!offered)
            continue;
        keys_describe(a, keys, sizeof keys);
        if (keys[0] == '\0')
            continue;
        x += draw_text(y, x, w - x, EL_HINT_KEY, keys);
        label = xasprintf(" %s  ", a == ACT_HELP      ? "help"
                                   : a == ACT_COMMAND ? "command"
                                   : a == ACT_FILTER  ? "filter"
                                   : a == ACT_ENTER   ? "open"
                                   : a == ACT_BACK    ? (ui->nstack > 1 ? "back" : "quit")
                                                      : "refresh");
        x += draw_text(y, x, w - x, EL_HINT, label);
        free(label);
    }
}

static void
draw_message(struct ui *ui, int y, int w)
{
    draw_fill(y, 0, w, EL_DEFAULT);
    if (ui->message == NULL)
        return;
    if (!ui->message_error && clock_mono_ms() - ui->message_at > MESSAGE_MS) {
        xfree(&ui->message);
        return;
    }
    draw_text(y, 1, w - 1, ui->message_error ? EL_ERROR : EL_MESSAGE, ui->message);
}

static void
draw_too_small(void)
{
    char need[64];

    erase();
    snprintf(need, sizeof need, "%dx%d < %dx%d", COLS, LINES, UI_MIN_COLS, UI_MIN_ROWS);
    draw_text(LINES / 2 - (LINES > 1 ? 1 : 0), 0, COLS, EL_TOO_SMALL, "Terminal too small");
    if (LINES > 1)
        draw_text(LINES / 2, 0, COLS, EL_DEFAULT, need);
}

/* Ask metrics for what the top view shows (GetMetricData is billed per metric): rescoped
 * when rows without them come on screen, or when a sort needs every service's. */
static void
update_metric_scope(struct ui *ui, struct view *v)
{
    struct od_poller *p = ui->cur.poller;
    struct metric_scope sc = {0};

    if (p == NULL || v->ops->metric_scope == NULL)
        return;
    v->ops->metric_scope(v, &sc);
    if (sc.all) {
        if (poller_metrics_scoped(p))
            poller_set_metric_services(p, NULL, 0);
    } else if (sc.nshown > 0 &&
               (!poller_metrics_scoped(p) || !poller_metrics_cover(p, sc.shown, sc.nshown))) {
        poller_set_metric_services(p, sc.wanted, sc.nwanted);
    }
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

    if (ui != live_ui || !term_active())
        return;
    sweep_retired(ui);
    if (!ui->dirty || ui->quit)
        return;
    ui->dirty = false;
    v = ui_top(ui);
    if (v->need_recalc || v->seen != ui->data_version) {
        if (v->seen != ui->data_version)
            check_failures(ui);
        v->ops->recalc(v);
        v->seen = ui->data_version;
        v->need_recalc = false;
    }
    h = LINES;
    w = COLS;
    if (h < UI_MIN_ROWS || w < UI_MIN_COLS) {
        draw_too_small();
    } else {
        erase();
        draw_status(ui, w);
        draw_title(ui, v, w);
        v->ops->draw(v, 2, 0, h - 4, w);
        update_metric_scope(ui, v);
        draw_message(ui, h - 2, w);
        draw_hints(ui, v, h - 1, w);
        if (ui->confirm != NULL)
            confirm_draw(ui->confirm, h, w);
    }
    wnoutrefresh(stdscr);
    doupdate();
}

/* ---- theme ------------------------------------------------------------------------------------ */

static void
apply_theme(struct ui *ui, const char *name, bool at_start)
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

static bool
all_idle(struct ui *ui)
{
    if (!ctx_idle(&ui->cur) || (ui->cli->aws != NULL && ui->cli->aws->calls != NULL))
        return false;
    for (size_t i = 0; i < ui->nretired; i++)
        if (!ctx_idle(&ui->retired[i]))
            return false;
    return true;
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
    if (all_idle(d->ui) || clock_mono_ms() >= d->deadline) {
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
    if (all_idle(ui))
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
    actions_glue_shutdown(ui);
    while (ui->nstack > 0)
        view_free(&ui->stack[--ui->nstack]);
    if (ui->confirm != NULL)
        confirm_finish(ui, false); /* whoever asked hears "no" and can let go */
    if (ui->pmode == PM_CUSTOM && ui->prompt_done != NULL)
        ui->prompt_done(NULL, ui->prompt_ud);
    ctx_free(&ui->cur); /* cur.aws is NULL: the CLI owns the live client */
    for (size_t i = 0; i < ui->nretired; i++)
        ctx_free(&ui->retired[i]);
    for (size_t i = 0; i < ui->nfailing; i++)
        free(ui->failing[i]);
    free(ui->failing);
    free(ui->cluster);
    free(ui->region);
    free(ui->profile);
    free(ui->account);
    free(ui->arn);
    free(ui->message);
    free(ui->filter_before);
    theme_clear(&ui->theme);
    free(ui);
}

int
ui_console_run(struct od_cli *cli)
{
    struct ui *ui;
    struct od_error err = {0};
    const char *theme_name = cli->g.theme;
    const char *no_color = getenv("NO_COLOR");
    struct ui_theme probe = {0};

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
    if (!cli_aws(cli)) {
        theme_clear(&probe);
        return OD_EXIT_ERROR;
    }
    ui = xcalloc(1, sizeof *ui);
    ui->cli = cli;
    ui->loop = cli->loop;
    ui->theme = probe;
    ui->mono = cli->g.no_color || !str_empty(no_color);
    ui->bell = settings_get_bool(cli->settings, "console", "bell", false);
    ui->cluster = !str_empty(cli->g.cluster) ? xstrdup(cli->g.cluster) : NULL;
    ui->profile = cli->g.profile != NULL ? xstrdup(cli->g.profile) : NULL;
    ui->region = cli->g.region != NULL ? xstrdup(cli->g.region) : NULL;
    cli->g.cluster = ui->cluster;
    cli->g.profile = ui->profile;
    cli->g.region = ui->region;
    live_ui = ui;

    /* Our handlers first: curses then leaves SIGWINCH and SIGTSTP to us. */
    if (signals_install(ui->loop, &err) != OD_OK) {
        cli_print_error(cli, "console", &err);
        od_error_clear(&err);
        live_ui = NULL;
        ui_free(ui);
        return OD_EXIT_ERROR;
    }
    for (size_t i = 0; i < sizeof console_signals / sizeof console_signals[0]; i++)
        signals_on(console_signals[i], on_signal, ui);
    if (term_start(&err) != OD_OK) {
        cli_print_error(cli, "console", &err);
        od_error_clear(&err);
        signals_uninstall();
        live_ui = NULL;
        ui_free(ui);
        return OD_EXIT_USAGE;
    }
    draw_set_utf8(term_utf8());
    color_apply(&ui->theme, ui->mono);

    loop_watch_fd(ui->loop, STDIN_FILENO, POLLIN, on_stdin, ui);
    loop_add_hook(ui->loop, drain_keys, ui);
    loop_add_hook(ui->loop, redraw, ui);
    ui->tick_timer = loop_timer_add(ui->loop, 1000, on_tick, ui);

    ui_set_root(ui, ui->cluster != NULL ? view_services_new(ui, NULL) : view_clusters_new(ui));
    ctx_start(ui);
    start_identity(ui);
    ui->dirty = true;

    loop_run(ui->loop);

    /* Give the terminal back first, whatever happens next. */
    term_stop();
    loop_unwatch_fd(ui->loop, STDIN_FILENO);
    signals_uninstall();
    loop_timer_cancel(ui->loop, ui->tick_timer);
    live_ui = NULL; /* the hooks stay registered on the CLI's loop but do nothing now */
    drain_calls(ui);
    ui_free(ui);
    return OD_EXIT_OK;
}
