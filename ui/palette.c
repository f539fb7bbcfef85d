/* The ":" command palette: the table of commands, running a command line, completing a
 * command's name, and the session's command history. The commands themselves live with the
 * thing they act on (ui/palette.h). */
#include "ui/palette.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/console.h"
#include "util/str.h"
#include "util/xalloc.h"

const struct palette_cmd *const palette_table[] = {
    &palette_cmd_clusters, &palette_cmd_cluster, &palette_cmd_services, &palette_cmd_cloudfront,
    &palette_cmd_alarms,   &palette_cmd_logs,    &palette_cmd_region,   &palette_cmd_profile,
    &palette_cmd_sort,     &palette_cmd_refresh, &palette_cmd_theme,    &palette_cmd_help,
    &palette_cmd_quit,     &palette_cmd_insights, &palette_cmd_fleet, &palette_cmd_timeline,
    NULL,
};

/* Is word one of the space-separated words of list? */
static bool
in_words(const char *list, const char *word)
{
    size_t n = strlen(word);

    for (const char *p = list; p != NULL && *p != '\0';) {
        const char *end = strchr(p, ' ');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);

        if (len == n && strncmp(p, word, n) == 0)
            return true;
        p = end != NULL ? end + 1 : NULL;
    }
    return false;
}

const struct palette_cmd *
palette_find(const char *name)
{
    for (size_t i = 0; palette_table[i] != NULL; i++)
        if (str_eq(palette_table[i]->name, name) || in_words(palette_table[i]->aliases, name))
            return palette_table[i];
    return NULL;
}

void
palette_run(struct ui *ui, const char *line)
{
    char *copy = xstrdup(line), *save = NULL, *cmd, *arg, *arg2;
    const struct palette_cmd *c;

    cmd = strtok_r(copy, " \t", &save);
    arg = cmd != NULL ? strtok_r(NULL, " \t", &save) : NULL;
    arg2 = arg != NULL ? strtok_r(NULL, " \t", &save) : NULL;
    if (cmd != NULL) {
        palette_history_add(ui, line);
        c = palette_find(cmd);
        if (c != NULL && c->run_line != NULL) {
            const char *rest = line + strspn(line, " \t");

            rest += strcspn(rest, " \t");
            rest += strspn(rest, " \t");
            c->run_line(ui, rest);
        } else if (c != NULL) {
            c->run(ui, arg, arg2);
        }
        else
            ui_error(ui, "unknown command ':%s' (try :help)", cmd);
    }
    free(copy);
}

/* Tab: complete a command's name or alias when only one command has a word starting with
 * what is typed (the word that matched is the one completed). */
void
palette_complete(struct ui *ui)
{
    char *text = prompt_text(&ui->prompt);
    char match[64] = "";
    size_t tlen = strlen(text);
    int n = 0;

    if (strchr(text, ' ') == NULL) {
        for (size_t i = 0; palette_table[i] != NULL; i++) {
            const struct palette_cmd *c = palette_table[i];
            const char *p = c->aliases;

            if (str_has_prefix(c->name, text)) {
                snprintf(match, sizeof match, "%s", c->name);
                n++;
                continue; /* one command counts once, whichever of its names match */
            }
            while (p != NULL && *p != '\0') {
                const char *end = strchr(p, ' ');
                size_t len = end != NULL ? (size_t)(end - p) : strlen(p);

                if (len >= tlen && strncmp(p, text, tlen) == 0) {
                    snprintf(match, sizeof match, "%.*s", (int)len, p);
                    n++;
                    break;
                }
                p = end != NULL ? end + 1 : NULL;
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

/* ---- history ------------------------------------------------------------------------------ */

void
palette_history_add(struct ui *ui, const char *line)
{
    if (str_empty(line))
        return;
    if (ui->nhistory > 0 && str_eq(ui->history[ui->nhistory - 1], line)) {
        ui->history_pos = ui->nhistory;
        return; /* the same command again is one entry */
    }
    if (ui->nhistory == HISTORY_MAX) {
        free(ui->history[0]);
        memmove(&ui->history[0], &ui->history[1], (HISTORY_MAX - 1) * sizeof ui->history[0]);
        ui->nhistory--;
    }
    ui->history[ui->nhistory++] = xstrdup(line);
    ui->history_pos = ui->nhistory;
}

void
palette_history_move(struct ui *ui, int dir)
{
    int pos = ui->history_pos + dir;

    if (pos < 0 || pos > ui->nhistory)
        return;
    ui->history_pos = pos;
    prompt_set_text(&ui->prompt, pos == ui->nhistory ? "" : ui->history[pos]);
}

void
palette_history_free(struct ui *ui)
{
    for (int i = 0; i < ui->nhistory; i++)
        free(ui->history[i]);
    ui->nhistory = ui->history_pos = 0;
}

/* ---- the commands that act on the view in front ------------------------------------------ */

static void
run_refresh(struct ui *ui, const char *arg, const char *arg2)
{
    (void)arg;
    (void)arg2;
    ui_refresh(ui);
}

const struct palette_cmd palette_cmd_refresh = {
    .name = "refresh", .aliases = "r", .usage = "", .summary = "refresh now",
    .run = run_refresh,
};

static void
run_sort(struct ui *ui, const char *arg, const char *arg2)
{
    struct view *v = ui_top(ui);
    int dir = str_eq(arg2, "desc") ? 1 : str_eq(arg2, "asc") ? -1 : 0;

    if (arg == NULL || v->ops->sort == NULL || !v->ops->sort(v, arg, dir))
        ui_error(ui, "sort: no column '%s' here", arg != NULL ? arg : "");
}

const struct palette_cmd palette_cmd_sort = {
    .name = "sort", .aliases = "", .usage = "COLUMN [asc|desc]",
    .summary = "sort the list by a column", .run = run_sort,
};
