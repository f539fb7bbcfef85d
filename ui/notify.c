/* Failure notices: what started failing since the last look (a service's rollout, an
 * alarm of the open cluster), said in one message line; and the notification ([console]
 * notify = off | bell | desktop; [console] bell = true is notify = bell) when such a thing
 * happens, when an alarm of the open cluster changes state, and when a watched rollout
 * completes or fails (ui_notify). desktop runs `notify-send ondeck TEXT` (detached, no
 * shell) when it is on PATH, else rings the bell. */
#include <stdlib.h>
#include <string.h>

#include "model/world.h"
#include "settings.h"
#include "ui/console.h"
#include "ui/curses.h"
#include "util/buf.h"
#include "util/sanitize.h"
#include "util/spawn.h"
#include "util/str.h"
#include "util/xalloc.h"

enum notify_mode { NOTIFY_OFF, NOTIFY_BELL, NOTIFY_DESKTOP };

static enum notify_mode
notify_mode(struct ui *ui)
{
    const char *v = settings_get(ui_settings(ui), "console", "notify");

    if (str_case_eq(v, "off") || str_case_eq(v, "none"))
        return NOTIFY_OFF;
    if (str_case_eq(v, "bell"))
        return NOTIFY_BELL;
    if (str_case_eq(v, "desktop"))
        return NOTIFY_DESKTOP;
    return ui->bell ? NOTIFY_BELL : NOTIFY_OFF; /* unset or unknown: the old switch */
}

void
ui_notify(struct ui *ui, const char *text)
{
    enum notify_mode m = notify_mode(ui);

    if (m == NOTIFY_DESKTOP) {
        char *prog = spawn_which("notify-send");

        if (prog != NULL) {
            char *safe = sanitize_str(text);
            char *argv[] = {prog, (char *)"ondeck", safe, NULL};
            struct od_error err = {0};
            enum od_err rc = spawn_detached(argv, &err);

            od_error_clear(&err);
            free(safe);
            free(prog);
            if (rc == OD_OK)
                return;
        }
        m = NOTIFY_BELL; /* no desktop notifier: the bell says it */
    }
    if (m == NOTIFY_BELL)
        beep();
}

/* The alarms' states at the last look, to tell a change ("name\tSTATE" lines); reset when
 * the world is another one (a new cluster, profile or region). */
static const struct od_world *states_world;
static char **states;
static size_t nstates;

static const char *
state_before(const char *name)
{
    size_t len = strlen(name);

    for (size_t i = 0; i < nstates; i++)
        if (strncmp(states[i], name, len) == 0 && states[i][len] == '\t')
            return states[i] + len + 1;
    return NULL;
}

/* Alarm state changes since the last look, in one line for the notification ("" if none). */
static char *
alarm_changes(const struct od_world *w)
{
    struct od_buf msg;
    char **now = xcalloc(w->nalarms + 1, sizeof *now);

    buf_init(&msg, 256);
    for (size_t i = 0; i < w->nalarms; i++) {
        const struct od_alarm *a = &w->alarms[i];
        const char *before = states_world == w ? state_before(a->name) : NULL;
        const char *st = a->state != NULL ? a->state : "?";

        if (before != NULL && strcmp(before, st) != 0)
            buf_printf(&msg, "%salarm %s: %s -> %s", msg.len > 0 ? "; " : "", a->name, before,
                       st);
        now[i] = xasprintf("%s\t%s", a->name, st);
    }
    for (size_t i = 0; i < nstates; i++)
        free(states[i]);
    free(states);
    states = now;
    nstates = w->nalarms;
    if (w->parts[OD_PART_ALARMS].loaded)
        states_world = w;
    return buf_steal(&msg);
}

static bool
in_list(char **list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (str_eq(list[i], s))
            return true;
    return false;
}

void
notify_check_failures(struct ui *ui)
{
    const struct od_world *w = ui->cur.world;
    char **now = NULL;
    size_t n = 0;
    bool fresh = false;
    char *changed = alarm_changes(w), *said = NULL;

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
        /* Everything new in one line. While the start message is up (until the first key)
         * the notices wait, so the hint of what to try is not lost to the first of them. */
        if (fresh && ui->message_sticky) {
            char *all = ui->pending_notice == NULL
                            ? xstrdup(buf_cstr(&msg))
                            : xasprintf("%s; %s", ui->pending_notice, buf_cstr(&msg));

            free(ui->pending_notice);
            ui->pending_notice = all;
        } else if (fresh) {
            ui_error(ui, "%s", buf_cstr(&msg));
        }
        if (fresh)
            said = xstrdup(buf_cstr(&msg));
        buf_free(&msg);
    }
    for (size_t i = 0; i < ui->nfailing; i++)
        free(ui->failing[i]);
    free(ui->failing);
    ui->failing = now;
    ui->nfailing = n;
    ui->failing_known = w->parts[OD_PART_SERVICES].loaded || w->parts[OD_PART_ALARMS].loaded;
    if (fresh) {
        ui_notify(ui, said);
    } else if (changed[0] != '\0') {
        if (!ui->message_sticky)
            ui_message(ui, "%s", changed);
        ui_notify(ui, changed);
    }
    free(said);
    free(changed);
}
