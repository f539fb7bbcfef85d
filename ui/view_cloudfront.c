/* CloudFront: the distributions (id, domain, aliases, status), their latest invalidation and
 * Requests / 5xx error-rate sparklines; Enter opens one distribution with its invalidations. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "poller/poller.h"
#include "ui/draw.h"
#include "ui/present.h"
#include "ui/palette.h"
#include "ui/ui.h"
#include "ui/widget_doc.h"
#include "ui/widget_spark.h"
#include "ui/widget_table.h"
#include "util/buf.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

#define SPARK_W 12

enum { C_ID, C_DOMAIN, C_ALIASES, C_STATUS, C_ENABLED, C_INVALIDATION, C_REQUESTS, C_5XX,
       C_COUNT };

static const struct table_col cols[C_COUNT] = {
    [C_ID] = {"ID", 8, 16, false, false, false},
    [C_DOMAIN] = {"DOMAIN", 10, 34, false, false, false},
    [C_ALIASES] = {"ALIASES", 7, 30, false, false, false},
    [C_STATUS] = {"STATUS", 8, 12, false, false, false},
    [C_ENABLED] = {"ON", 3, 3, false, false, false},
    [C_INVALIDATION] = {"LAST INVALIDATION", 10, 28, false, false, false},
    [C_REQUESTS] = {"REQUESTS", 8, SPARK_W + 6, false, true, false},
    [C_5XX] = {"5XX%", 6, SPARK_W + 6, false, true, false},
};

static const enum ui_action table_actions[] = {
    ACT_UP,        ACT_DOWN,  ACT_TOP,       ACT_BOTTOM,    ACT_PAGE_UP,      ACT_PAGE_DOWN,
    ACT_ENTER,     ACT_FILTER, ACT_SORT_NEXT, ACT_SORT_PREV, ACT_SORT_REVERSE, ACT_INVALIDATE,
};

static const enum ui_action doc_actions[] = {
    ACT_UP, ACT_DOWN, ACT_TOP, ACT_BOTTOM, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_FILTER, ACT_INVALIDATE,
};

#define CF_PARTS (POLL_PART(OD_PART_DISTRIBUTIONS) | POLL_PART(OD_PART_METRICS) | \
                  POLL_PART(OD_PART_ALARMS))

struct cf_list {
    struct ui_table table;
};
_Static_assert(offsetof(struct cf_list, table) == 0, "table_view_* need the table first");

static void
spark_cell(struct ui_table *t, size_t row, int col, const struct od_series *s, enum ui_el el)
{
    char num[16], *spark;

    if (s == NULL || s->n == 0) {
        table_set(t, row, col, "-", -1, EL_DIM);
        return;
    }
    spark = spark_render(s->values, s->n, SPARK_W - 5);
    spark_number(s->values[s->n - 1], num, sizeof num);
    table_setf(t, row, col, s->values[s->n - 1], el, "%s %s", spark, num);
    free(spark);
}

static char *
join_aliases(const struct od_distribution *d)
{
    struct od_buf b;

    buf_init(&b, 0);
    for (size_t i = 0; i < d->naliases; i++) {
        if (i > 0)
            buf_puts(&b, ",");
        buf_puts(&b, d->aliases[i]);
    }
    if (d->naliases == 0)
        buf_puts(&b, "-");
    return buf_steal(&b);
}

static enum ui_el
invalidation_el(const char *status)
{
    return str_case_eq(status, "Completed") ? EL_STATE_OK : EL_STATE_PROGRESS;
}

static void
list_recalc(struct view *v)
{
    struct cf_list *st = v->st;
    const struct od_world *w = ui_world(v->ui);

    table_begin(&st->table);
    for (size_t i = 0; i < w->ndists; i++) {
        const struct od_distribution *d = &w->dists[i];
        size_t row = table_add(&st->table, d->id, EL_ROW);
        char *aliases = join_aliases(d);

        table_set(&st->table, row, C_ID, d->id, 0, EL_ROW);
        table_set(&st->table, row, C_DOMAIN, d->domain_name, 0, EL_ROW);
        table_set(&st->table, row, C_ALIASES, aliases, 0, EL_ROW);
        table_set(&st->table, row, C_STATUS, d->status, 0,
                  str_eq(d->status, "Deployed") ? EL_STATE_OK : EL_STATE_PROGRESS);
        table_set(&st->table, row, C_ENABLED, d->enabled ? "yes" : "no", 0,
                  d->enabled ? EL_ROW : EL_DIM);
        if (d->ninvalidations > 0) {
            const struct od_invalidation *inv = &d->invalidations[0];
            char ago[32];

            present_ago((double)inv->create_time, ago, sizeof ago);
            table_setf(&st->table, row, C_INVALIDATION, (double)inv->create_time,
                       invalidation_el(inv->status), "%s %s", inv->status, ago);
        } else {
            table_set(&st->table, row, C_INVALIDATION, "-", 0, EL_DIM);
        }
        spark_cell(&st->table, row, C_REQUESTS, present_series(w, d->id, "Requests"),
                   EL_SPARK_REQUESTS);
        spark_cell(&st->table, row, C_5XX, present_series(w, d->id, "5xxErrorRate"),
                   EL_SPARK_5XX);
        free(aliases);
    }
    table_end(&st->table);
}

static void
list_draw(struct view *v, int y, int x, int h, int w)
{
    struct cf_list *st = v->st;
    const struct od_world *wd = ui_world(v->ui);

    table_draw(&st->table, y, x, h, w);
    if (wd->ndists == 0 && h > 2)
        draw_text(y + 2, x + 2, w - 4, EL_DIM,
                  wd->parts[OD_PART_DISTRIBUTIONS].loaded ? "no distributions" : "loading…");
    else if (table_count(&st->table) == 0 && h > 2)
        draw_text(y + 2, x + 2, w - 4, EL_DIM, "no distribution matches the filter");
}

static bool
list_key(struct view *v, enum ui_action a)
{
    struct cf_list *st = v->st;
    const char *sel;

    if (table_key(&st->table, a))
        return true;
    if (a == ACT_ENTER) {
        if ((sel = table_selected(&st->table)) != NULL)
            ui_push(v->ui, view_distribution_new(v->ui, sel));
        return true;
    }
    return false;
}

static void
list_title(struct view *v, char *out, size_t len)
{
    snprintf(out, len, "CloudFront distributions (%zu)",
             table_count(&((struct cf_list *)v->st)->table));
}

static void
list_target(struct view *v, struct ui_target *t)
{
    const char *sel = table_selected(&((struct cf_list *)v->st)->table);

    if (sel != NULL) {
        t->kind = TARGET_DISTRIBUTION;
        t->distribution_id = sel;
    }
}

static void
list_destroy(struct view *v)
{
    struct cf_list *st = v->st;

    table_free(&st->table);
    free(st);
}

static const struct view_ops cf_list_ops = {
    .name = "cloudfront",
    .parts = CF_PARTS,
    .actions = table_actions,
    .nactions = sizeof table_actions / sizeof table_actions[0],
    .destroy = list_destroy,
    .recalc = list_recalc,
    .draw = list_draw,
    .key = list_key,
    .title = list_title,
    .set_filter = table_view_set_filter,
    .get_filter = table_view_get_filter,
    .sort = table_view_sort,
    .target = list_target,
};

struct view *
view_cloudfront_new(struct ui *ui, const char *select)
{
    struct cf_list *st = xcalloc(1, sizeof *st);

    table_init(&st->table, cols, C_COUNT, C_ID);
    if (select != NULL)
        table_select(&st->table, select);
    return view_new(ui, &cf_list_ops, st);
}

/* ---- one distribution ------------------------------------------------------------------- */

struct cf_one {
    char *id;
    struct ui_doc doc;
};

static void
one_metric(struct ui_doc *d, const char *label, const struct od_series *s, enum ui_el el)
{
    char num[16], *spark;

    doc_line(d, 0, NULL);
    doc_add(d, EL_LABEL, 18, label);
    if (s == NULL || s->n == 0) {
        doc_add(d, EL_DIM, 0, "no data");
        return;
    }
    spark = spark_render(s->values, s->n, 30);
    spark_number(s->values[s->n - 1], num, sizeof num);
    doc_add(d, el, 0, spark);
    doc_addf(d, EL_ROW, 0, "  %s", num);
    free(spark);
}

static void
one_recalc(struct view *v)
{
    struct cf_one *st = v->st;
    const struct od_world *w = ui_world(v->ui);
    const struct od_distribution *dist = world_distribution(w, st->id);
    struct ui_doc *d = &st->doc;

    doc_begin(d);
    if (dist == NULL) {
        doc_line(d, 0, NULL);
        doc_add(d, EL_DIM, 0,
                w->parts[OD_PART_DISTRIBUTIONS].loaded ? "this distribution is not in the account"
                                                       : "loading…");
        doc_end(d);
        return;
    }
    doc_line(d, 0, NULL);
    doc_add(d, EL_LABEL, 18, "id");
    doc_add(d, EL_TITLE, 0, dist->id);
    doc_line(d, 0, NULL);
    doc_add(d, EL_LABEL, 18, "domain");
    doc_add(d, EL_ROW, 0, dist->domain_name);
    for (size_t i = 0; i < dist->naliases; i++) {
        doc_line(d, 0, NULL);
        doc_add(d, EL_LABEL, 18, i == 0 ? "aliases" : "");
        doc_add(d, EL_ROW, 0, dist->aliases[i]);
    }
    doc_line(d, 0, NULL);
    doc_add(d, EL_LABEL, 18, "status");
    doc_add(d, str_eq(dist->status, "Deployed") ? EL_STATE_OK : EL_STATE_PROGRESS, 0,
            dist->status);
    doc_add(d, EL_DIM, 0, dist->enabled ? "  (enabled)" : "  (disabled)");
    doc_line(d, 0, NULL);
    doc_add(d, EL_LABEL, 18, "comment");
    doc_add(d, EL_ROW, 0, dist->comment != NULL ? dist->comment : "-");
    for (size_t i = 0; i < dist->norigins; i++) {
        doc_line(d, 0, NULL);
        doc_add(d, EL_LABEL, 18, i == 0 ? "origins" : "");
        doc_add(d, EL_ROW, 0, dist->origins[i].domain_name);
    }
    doc_line(d, 0, NULL);
    doc_line(d, 0, NULL);
    doc_add(d, EL_SECTION, 0, "Metrics (us-east-1)");
    one_metric(d, "  Requests", present_series(w, dist->id, "Requests"), EL_SPARK_REQUESTS);
    one_metric(d, "  5xx error %", present_series(w, dist->id, "5xxErrorRate"), EL_SPARK_5XX);
    doc_line(d, 0, NULL);
    doc_line(d, 0, NULL);
    doc_add(d, EL_SECTION, 0, "Latest invalidations");
    for (size_t i = 0; i < dist->ninvalidations; i++) {
        const struct od_invalidation *inv = &dist->invalidations[i];
        char when[32];

        present_time((double)inv->create_time, when, sizeof when);
        doc_line(d, 0, NULL);
        doc_add(d, EL_ROW, 0, "  ");
        doc_add(d, EL_ROW, 16, inv->id);
        doc_add(d, invalidation_el(inv->status), 12, inv->status);
        doc_add(d, EL_DIM, 21, when);
        for (size_t p = 0; p < inv->npaths && p < 5; p++) {
            doc_add(d, EL_ROW, 0, p > 0 ? ", " : "");
            doc_add(d, EL_ROW, 0, inv->paths[p]);
        }
        if (inv->npaths > 5)
            doc_addf(d, EL_DIM, 0, " (+%zu)", inv->npaths - 5);
    }
    if (dist->ninvalidations == 0) {
        doc_line(d, 0, NULL);
        doc_add(d, EL_DIM, 0, "  none");
    }
    doc_end(d);
}

static void
one_draw(struct view *v, int y, int x, int h, int w)
{
    doc_draw(&((struct cf_one *)v->st)->doc, y, x + 1, h, w - 1);
}

static bool
one_key(struct view *v, enum ui_action a)
{
    return doc_key(&((struct cf_one *)v->st)->doc, a);
}

static void
one_title(struct view *v, char *out, size_t len)
{
    char *safe = sanitize_str(((struct cf_one *)v->st)->id);

    snprintf(out, len, "Distribution %s", safe);
    free(safe);
}

static void
one_set_filter(struct view *v, const char *text)
{
    doc_set_filter(&((struct cf_one *)v->st)->doc, text);
}

static const char *
one_get_filter(struct view *v)
{
    return ((struct cf_one *)v->st)->doc.filter;
}

static void
one_target(struct view *v, struct ui_target *t)
{
    t->kind = TARGET_DISTRIBUTION;
    t->distribution_id = ((struct cf_one *)v->st)->id;
}

static void
one_destroy(struct view *v)
{
    struct cf_one *st = v->st;

    doc_free(&st->doc);
    free(st->id);
    free(st);
}

static const struct view_ops cf_one_ops = {
    .name = "distribution",
    .parts = CF_PARTS,
    .actions = doc_actions,
    .nactions = sizeof doc_actions / sizeof doc_actions[0],
    .destroy = one_destroy,
    .recalc = one_recalc,
    .draw = one_draw,
    .key = one_key,
    .title = one_title,
    .set_filter = one_set_filter,
    .get_filter = one_get_filter,
    .target = one_target,
};

struct view *
view_distribution_new(struct ui *ui, const char *id)
{
    struct cf_one *st = xcalloc(1, sizeof *st);

    st->id = xstrdup(id);
    doc_init(&st->doc);
    return view_new(ui, &cf_one_ops, st);
}

/* ---- palette ----------------------------------------------------------------------------- */

static void
run_cloudfront(struct ui *ui, const char *arg, const char *arg2)
{
    (void)arg;
    (void)arg2;
    ui_set_root(ui, view_cloudfront_new(ui, NULL));
}

const struct palette_cmd palette_cmd_cloudfront = {
    .name = "cloudfront", .aliases = "cf dist distributions", .usage = "",
    .summary = "CloudFront distributions", .run = run_cloudfront,
};
