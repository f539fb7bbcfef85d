/* The rows around the view: the status bar (profile, account, region, cluster, data age,
 * call rate, stale parts), the title with its filter and breadcrumbs, the message line, the
 * key hints (or the prompt), and the "terminal too small" screen. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/world.h"
#include "poller/poller.h"
#include "ui/bar_ages.h"
#include "ui/console.h"
#include "ui/curses.h"
#include "ui/draw.h"
#include "ui/keys.h"
#include "ui/present.h"
#include "util/clock.h"
#include "util/str.h"
#include "util/xalloc.h"

#define MESSAGE_MS 6000

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

/* While a refresh fills what the screen cannot do without (a first load, or a sort by a
 * column that needs every row): how much is known, "services 60/300 targets 212/1500". */
static void
fill_text(struct ui *ui, char *fill, size_t len)
{
    const struct od_world *wd = ui->cur.world;
    struct od_poll_progress pr;
    unsigned parts = ctx_view_parts(ui);
    bool filling = ui->fill_sort;
    size_t n = 0;

    fill[0] = '\0';
    for (int p = 0; p < OD_PART__COUNT; p++)
        if ((parts & POLL_PART(p)) && !wd->parts[p].loaded)
            filling = true;
    if (ui->cur.poller == NULL || !filling)
        return;
    if (!poller_progress(ui->cur.poller, &pr))
        return;
    if (pr.services < pr.services_listed)
        n += (size_t)snprintf(fill + n, len - n, "services %zu/%zu", pr.services,
                              pr.services_listed);
    if (pr.targets < pr.targets_asked && n < len)
        snprintf(fill + n, len - n, "%stargets %llu/%llu", n > 0 ? " " : "",
                 (unsigned long long)pr.targets, (unsigned long long)pr.targets_asked);
}

void
bar_draw_status(struct ui *ui, int w)
{
    const struct od_world *wd = ui->cur.world;
    unsigned parts = ctx_view_parts(ui);
    char age[40] = "loading", calls[32], stale[256] = "", ages[192], spin[16], fill[64];
    int room;
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
    /* Only the parts this view polls: a part another view asked for (the service view's scaling
     * policies) is not refreshed here, and its old failure is not this screen's. */
    for (int p = 0; p < OD_PART__COUNT; p++) {
        if (!(parts & POLL_PART(p)))
            continue;
        if (wd->parts[p].stale && wd->parts[p].denied == NULL) {
            size_t n = strlen(stale);

            snprintf(stale + n, sizeof stale - n, "%s%s", n > 0 ? "," : "STALE ",
                     part_name((enum od_part)p));
        }
    }
    /* A part refused for want of permission says which permission, not just "stale". */
    for (int p = 0, first = 1; p < OD_PART__COUNT; p++) {
        if ((parts & POLL_PART(p)) && wd->parts[p].stale && wd->parts[p].denied != NULL) {
            size_t n = strlen(stale);

            snprintf(stale + n, sizeof stale - n, "%s%s",
                     first ? (n > 0 ? " no permission: " : "no permission: ") : ",",
                     wd->parts[p].denied);
            first = 0;
        }
    }
    for (int p = 0; p < OD_PART__COUNT; p++) {
        /* Metrics have a one-minute cadence of their own: the age is the other parts'. */
        if (!(parts & POLL_PART(p)) || !wd->parts[p].loaded || p == OD_PART_METRICS)
            continue;
        if (!any || wd->parts[p].updated_at < oldest)
            oldest = wd->parts[p].updated_at;
        any = true;
    }
    if (any)
        present_ago((double)oldest, age, sizeof age);
    snprintf(calls, sizeof calls, "%u calls/min",
             ui->cur.poller != NULL ? poller_calls_per_minute(ui->cur.poller) : 0);
    spin[0] = '\0';
    if (ui->cur.poller != NULL && poller_busy(ui->cur.poller))
        snprintf(spin, sizeof spin, " %s", draw_glyphs()->spinner[ui->spin % 4]);
    /* Each part's age when the row has room for it beside the call rate and the STALE box
     * (ui/bar_ages.h); else the oldest, as "data 4s ago". */
    fill_text(ui, fill, sizeof fill);
    room = w - x - 3 - draw_cols(calls) - (fill[0] != '\0' ? draw_cols(fill) + 3 : 0) -
           (stale[0] != '\0' ? draw_cols(stale) + 3
                                            : ui_read_only(ui) ? 11
                                                               : 0);
    if (any && bar_ages_text(wd, parts, time(NULL), draw_utf8() ? " \xc2\xb7 " : ", ", ages,
                             sizeof ages) &&
        3 + draw_cols(ages) + draw_cols(spin) <= room) {
        strncat(ages, spin, sizeof ages - strlen(ages) - 1);
        x = status_item(x, w, NULL, ages, EL_STATUS);
    } else {
        strncat(age, spin, sizeof age - strlen(age) - 1);
        x = status_item(x, w, "data", age, EL_STATUS);
    }
    if (fill[0] != '\0') /* before the call rate: what a narrow terminal keeps */
        x = status_item(x, w, NULL, fill, EL_STATUS);
    x = status_item(x, w, NULL, calls, EL_STATUS);
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

void
bar_draw_title(struct ui *ui, struct view *v, int w)
{
    char title[256] = "";
    const char *filter = v->ops->get_filter != NULL ? v->ops->get_filter(v) : NULL;
    int x;

    draw_fill(1, 0, w, EL_DEFAULT);
    v->ops->title(v, title, sizeof title);
    x = draw_text(1, 1, w - 1, EL_TITLE, title) + 1;
    if (ui_parts_stale(ui, ctx_view_parts(ui)))
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

void
bar_draw_hints(struct ui *ui, struct view *v, int y, int w)
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

void
bar_draw_message(struct ui *ui, int y, int w)
{
    draw_fill(y, 0, w, EL_DEFAULT);
    if (ui->message == NULL)
        return;
    if (!ui->message_error && !ui->message_sticky &&
        clock_mono_ms() - ui->message_at > MESSAGE_MS) {
        xfree(&ui->message);
        return;
    }
    draw_text(y, 1, w - 1, ui->message_error ? EL_ERROR : EL_MESSAGE, ui->message);
}

void
bar_draw_too_small(void)
{
    char need[64];

    erase();
    snprintf(need, sizeof need, "%dx%d < %dx%d", COLS, LINES, UI_MIN_COLS, UI_MIN_ROWS);
    draw_text(LINES / 2 - (LINES > 1 ? 1 : 0), 0, COLS, EL_TOO_SMALL, "Terminal too small");
    if (LINES > 1)
        draw_text(LINES / 2, 0, COLS, EL_DEFAULT, need);
}
