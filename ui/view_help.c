/* Help: every key of the view underneath (with the bindings in force, after the config
 * file's [keys]), the keys that work everywhere, and the command palette. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/keys.h"
#include "ui/palette.h"
#include "ui/ui.h"
#include "ui/widget_doc.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/xalloc.h"

struct help {
    char *under;
    struct ui_doc doc;
};


static bool read_only; /* the help being built is for a read-only console */

static void
key_line(struct ui_doc *d, enum ui_action a)
{
    char keys[64];

    keys_describe(a, keys, sizeof keys);
    doc_line(d, 0, NULL);
    doc_add(d, EL_ROW, 0, "  ");
    doc_add(d, EL_HELP_KEY, 16, keys[0] != '\0' ? keys : "(unbound)");
    doc_add(d, EL_ROW, 0, keys_action_help(a));
    if (keys_action_flags(a) & KF_MUTATES)
        doc_add(d, read_only ? EL_STATE_WARN : EL_DIM, 0,
                read_only ? "  (disabled: read-only)" : "  (asks for confirmation)");
}

static void
build(struct help *st, const struct view *under)
{
    struct ui_doc *d = &st->doc;
    bool any_mutation = false;

    doc_begin(d);
    doc_line(d, 0, NULL);
    doc_addf(d, EL_SECTION, 0, "Keys of the %s view", st->under);
    for (size_t i = 0; under != NULL && i < under->ops->nactions; i++) {
        enum ui_action a = under->ops->actions[i];

        if (keys_action_flags(a) & KF_MUTATES) {
            any_mutation = true;
            continue;
        }
        key_line(d, a);
    }
    if (any_mutation) {
        doc_line(d, 0, NULL);
        doc_line(d, 0, NULL);
        doc_add(d, EL_SECTION, 0, "Changes (upper-case keys; always confirmed)");
        for (size_t i = 0; under != NULL && i < under->ops->nactions; i++)
            if (keys_action_flags(under->ops->actions[i]) & KF_MUTATES)
                key_line(d, under->ops->actions[i]);
    }
    doc_line(d, 0, NULL);
    doc_line(d, 0, NULL);
    doc_add(d, EL_SECTION, 0, "Everywhere");
    for (int a = 0; a < ACT__COUNT; a++)
        if (keys_action_flags((enum ui_action)a) & KF_GLOBAL)
            key_line(d, (enum ui_action)a);
    doc_line(d, 0, NULL);
    doc_add(d, EL_ROW, 0, "  ");
    doc_add(d, EL_HELP_KEY, 16, "C-z");
    doc_add(d, EL_ROW, 0, "suspend to the shell");
    doc_line(d, 0, NULL);
    doc_line(d, 0, NULL);
    doc_add(d, EL_SECTION, 0, "Command palette");
    for (size_t i = 0; palette_table[i] != NULL; i++) {
        const struct palette_cmd *c = palette_table[i];
        char *usage = xasprintf(":%s%s%s", c->name, c->usage[0] != '\0' ? " " : "", c->usage);

        doc_line(d, 0, NULL);
        doc_add(d, EL_ROW, 0, "  ");
        doc_add(d, EL_HELP_KEY, 26, usage);
        doc_add(d, EL_ROW, 0, c->summary);
        if (c->aliases[0] != '\0') {
            struct od_buf also;

            buf_init(&also, 256);
            buf_printf(&also, "  (also");
            for (const char *a = c->aliases; *a != '\0';) {
                size_t len = strcspn(a, " ");

                buf_printf(&also, "%s :%.*s", a == c->aliases ? "" : ",", (int)len, a);
                a += len;
                a += strspn(a, " ");
            }
            buf_printf(&also, ")");
            doc_add(d, EL_DIM, 0, buf_cstr(&also));
            buf_free(&also);
        }
        free(usage);
    }
    doc_line(d, 0, NULL);
    doc_line(d, 0, NULL);
    doc_add(d, EL_DIM, 0, "Keys can be changed in the [keys] section of the config file "
                          "(ACTION = KEY ...); see doc/keys.md.");
    doc_end(d);
}

static void
recalc(struct view *v)
{
    (void)v; /* built once, for the view it was opened over */
}

static void
draw(struct view *v, int y, int x, int h, int w)
{
    doc_draw(&((struct help *)v->st)->doc, y, x + 1, h, w - 1);
}

static bool
key(struct view *v, enum ui_action a)
{
    return doc_key(&((struct help *)v->st)->doc, a);
}

static void
title(struct view *v, char *out, size_t len)
{
    snprintf(out, len, "Help · %s", ((struct help *)v->st)->under);
}

static void
set_filter(struct view *v, const char *text)
{
    doc_set_filter(&((struct help *)v->st)->doc, text);
}

static const char *
get_filter(struct view *v)
{
    return ((struct help *)v->st)->doc.filter;
}

static void
destroy(struct view *v)
{
    struct help *st = v->st;

    doc_free(&st->doc);
    free(st->under);
    free(st);
}

static const struct view_ops help_ops = {
    .name = "help",
    .parts = 0, /* polls what the view underneath polls: see below */
    .actions = view_doc_actions,
    .nactions = VIEW_DOC_NACTIONS,
    .destroy = destroy,
    .recalc = recalc,
    .draw = draw,
    .key = key,
    .title = title,
    .set_filter = set_filter,
    .get_filter = get_filter,
};

struct view *
view_help_new(struct ui *ui, const struct view *under)
{
    struct help *st = xcalloc(1, sizeof *st);

    st->under = xstrdup(under != NULL ? under->ops->name : "console");
    doc_init(&st->doc);
    read_only = ui_read_only(ui);
    build(st, under);
    return view_new(ui, &help_ops, st);
}

/* ---- opening it ------------------------------------------------------------------------- */

void
ui_open_help(struct ui *ui)
{
    struct view *under = ui_top(ui);

    if (under != NULL && str_eq(under->ops->name, "help"))
        return;
    ui_push(ui, view_help_new(ui, under));
}

static void
run_help(struct ui *ui, const char *arg, const char *arg2)
{
    (void)arg;
    (void)arg2;
    ui_open_help(ui);
}

const struct palette_cmd palette_cmd_help = {
    .name = "help", .aliases = "h", .usage = "", .summary = "keys and commands of this view",
    .run = run_help,
};
