/* Failure notices: what started failing since the last look (a service's rollout, an
 * alarm of the open cluster), said in one message line, with the bell when [console] bell. */
#include <stdlib.h>

#include "model/world.h"
#include "ui/console.h"
#include "ui/curses.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/xalloc.h"

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
