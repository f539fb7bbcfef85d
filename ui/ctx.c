/* The console's contexts: the world and poller of the selected account, region and
 * cluster, the identity shown in the status bar, switching between them (":cluster",
 * ":region", ":profile"), and retiring an old context until its calls are done. */
#include <stdlib.h>
#include <string.h>

#include "aws/request.h"
#include "aws/sts.h"
#include "cli/cli.h"
#include "model/world.h"
#include "poller/poller.h"
#include "settings.h"
#include "ui/console.h"
#include "ui/palette.h"
#include "ui/recall.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

struct ident_req {
    struct ui *ui;
    uint64_t epoch;
};

static void on_poll_change(void *ud);

/* Which parts to poll: what the top view shows. Cluster parts need a cluster. */
/* The parts of the topmost view that shows data (help and logs show none of their own). */
unsigned
ctx_view_parts(struct ui *ui)
{
    for (int i = ui->nstack - 1; i >= 0; i--)
        if (ui->stack[i]->ops->parts != 0)
            return ui->stack[i]->ops->parts;
    return 0;
}

static unsigned
wanted_parts(struct ui *ui)
{
    unsigned parts = ctx_view_parts(ui);
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
void
ctx_parts_changed(struct ui *ui)
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

void
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
    if (ui->cluster != NULL) {
        recall_remember(ui_profile(ui), ui_region(ui), ui->cluster);
        free(ui->recalled);
        ui->recalled = xstrdup(ui->cluster);
    }
}

void
ctx_auto_open(struct ui *ui)
{
    const struct od_world *w = ui->cur.world;

    if (!ui->auto_open || w == NULL || !w->parts[OD_PART_CLUSTERS].loaded)
        return;
    ui->auto_open = false;
    if (w->nclusters == 1 && ui->cluster == NULL && ui->nstack == 1 &&
        str_eq(ui_top(ui)->ops->name, "clusters"))
        ui_switch_cluster(ui, w->clusters[0].name);
}

const char *
ui_last_cluster(struct ui *ui)
{
    return ui->recalled;
}

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
        console_live = NULL;
        loop_run_once(ui->loop);
        console_live = ui;
        ctx_sweep_retired(ui);
    }
    ui->retired[ui->nretired++].aws = aws;
}

static bool
ctx_idle(const struct ctx *c)
{
    return (c->poller == NULL || !poller_busy(c->poller)) &&
           (c->aws == NULL || c->aws->calls == NULL);
}

void
ctx_free(struct ctx *c)
{
    poller_free(&c->poller);
    world_free(&c->world);
    aws_free(&c->aws);
}

void
ctx_sweep_retired(struct ui *ui)
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

static void
on_identity(const struct od_identity *id, const struct od_error *err, void *ud)
{
    struct ident_req *req = ud;
    struct ui *ui = req->ui;

    if (ui == console_live && req->epoch == ui->aws_epoch) {
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

void
ctx_start_identity(struct ui *ui)
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
bool
ctx_switch_aws(struct ui *ui, const char *profile, const char *region)
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
    act_shutdown(ui); /* changes in preparation used the old client: drop them */
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
    free(ui->recalled);
    ui->recalled = recall_cluster(ui_profile(ui), ui_region(ui));
    ctx_start_identity(ui);
    return true;
}

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

bool
ctx_all_idle(struct ui *ui)
{
    if (!ctx_idle(&ui->cur) || (ui->cli->aws != NULL && ui->cli->aws->calls != NULL))
        return false;
    for (size_t i = 0; i < ui->nretired; i++)
        if (!ctx_idle(&ui->retired[i]))
            return false;
    return true;
}

/* ---- palette commands ------------------------------------------------------------------ */

static void
run_cluster(struct ui *ui, const char *arg, const char *arg2)
{
    (void)arg2;
    if (arg == NULL)
        ui_set_root(ui, view_clusters_new(ui));
    else
        ui_switch_cluster(ui, arg);
}

const struct palette_cmd palette_cmd_cluster = {
    .name = "cluster", .aliases = "ctx", .usage = "[NAME]",
    .summary = "open a cluster's services (no name: the cluster list)", .run = run_cluster,
};

static void
run_region(struct ui *ui, const char *arg, const char *arg2)
{
    (void)arg2;
    if (arg == NULL) {
        ui_error(ui, "region: a region name is needed (e.g. :region eu-west-1)");
    } else if (ctx_switch_aws(ui, ui->profile, arg)) {
        xfree(&ui->cluster);
        ui->cli->g.cluster = NULL;
        ui_set_root(ui, view_clusters_new(ui));
        ctx_start(ui);
        ui_message(ui, "region %s", arg);
    }
}

const struct palette_cmd palette_cmd_region = {
    .name = "region", .aliases = "", .usage = "NAME",
    .summary = "switch region (same profile); opens the cluster list", .run = run_region,
};

static void
run_profile(struct ui *ui, const char *arg, const char *arg2)
{
    (void)arg2;
    if (arg == NULL) {
        ui_error(ui, "profile: a profile name is needed");
    } else if (ctx_switch_aws(ui, arg, ui->region)) {
        ui_set_root(ui, ui->cluster != NULL ? view_services_new(ui, NULL)
                                            : view_clusters_new(ui));
        ctx_start(ui);
        ui_message(ui, "profile %s", arg);
    }
}

const struct palette_cmd palette_cmd_profile = {
    .name = "profile", .aliases = "", .usage = "NAME",
    .summary = "switch profile (account and credentials)", .run = run_profile,
};
