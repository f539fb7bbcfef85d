/* The console's fleet: built from --fleet before the terminal is taken (a bad fleet is a
 * plain error message), polled on the console's loop for the whole session, shown by
 * ui/view_fleet.c. Entering a row switches the console's context to the row's profile,
 * region and cluster with the same machinery as :profile, :region and :cluster. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "fleet/fleet.h"
#include "fleet/spec.h"
#include "ui/console.h"
#include "ui/palette.h"
#include "util/str.h"
#include "util/xalloc.h"

struct od_fleet *
ui_fleet(struct ui *ui)
{
    return ui->fleet;
}

static void
on_fleet_change(void *ud)
{
    struct ui *ui = ud;

    /* A callback: only mark. */
    ui->data_version++;
    ui->dirty = true;
}

static struct od_fleet *
fleet_build(struct od_cli *cli, const char *arg, struct od_error *err)
{
    struct fleet_spec spec;
    struct od_fleet *f;

    if (fleet_spec_resolve(cli->settings, arg, &spec, err) != OD_OK)
        return NULL;
    if (cli->loop == NULL)
        cli->loop = loop_new();
    f = fleet_new(cli->loop, &spec, cli->g.endpoint_url, cli->settings);
    fleet_spec_free(&spec);
    return f;
}

int
fleet_glue_prepare(struct od_cli *cli, struct od_fleet **out)
{
    struct od_error err = {0};

    *out = NULL;
    if (str_empty(cli->g.fleet))
        return OD_EXIT_OK;
    if ((*out = fleet_build(cli, cli->g.fleet, &err)) == NULL) {
        cli_print_error(cli, "fleet", &err);
        od_error_clear(&err);
        return OD_EXIT_USAGE;
    }
    /* The console's own context starts on the first member, so the status bar names a
     * real account until a row is entered. */
    if (cli->g.profile == NULL && cli->g.region == NULL) {
        cli->g.profile = fleet_member_profile(*out, 0);
        cli->g.region = fleet_member_region(*out, 0);
    }
    return OD_EXIT_OK;
}

void
fleet_glue_start(struct ui *ui)
{
    if (ui->fleet == NULL)
        return;
    ui->auto_open = false;
    ui_set_root(ui, view_fleet_new(ui));
    fleet_start(ui->fleet, on_fleet_change, ui);
}

void
ui_fleet_open(struct ui *ui, const struct fleet_row *r)
{
    /* r points into the fleet's rows, which a refresh may rebuild: copy first. */
    char *profile = xstrdup(r->profile), *region = xstrdup(r->region);
    char *cluster = r->cluster != NULL ? xstrdup(r->cluster) : NULL;

    bool same = str_eq(profile, ui_profile(ui)) && str_eq(region, ui_region(ui));

    if (same || ctx_switch_aws(ui, profile, region)) {
        if (cluster != NULL) {
            ui_switch_cluster(ui, cluster);
        } else if (same) {
            ui_set_root(ui, view_clusters_new(ui));
        } else { /* as :region does: the new context's cluster list */
            xfree(&ui->cluster);
            ui->cli->g.cluster = NULL;
            ui_set_root(ui, view_clusters_new(ui));
            ctx_start(ui);
        }
        ui_message(ui, "%s %s%s%s · :fleet returns", profile, region, cluster != NULL ? " " : "",
                   cluster != NULL ? cluster : "");
    }
    free(profile);
    free(region);
    free(cluster);
}

static void
run_fleet(struct ui *ui, const char *arg, const char *arg2)
{
    struct od_error err = {0};

    (void)arg2;
    if (arg != NULL) {
        struct od_fleet *f = fleet_build(ui->cli, arg, &err);

        if (f == NULL) {
            char *line = od_error_format(&err);

            ui_error(ui, "fleet: %s", line);
            free(line);
            od_error_clear(&err);
            return;
        }
        fleet_free(&ui->fleet);
        ui->fleet = f;
        fleet_start(ui->fleet, on_fleet_change, ui);
    }
    if (ui->fleet == NULL) {
        ui_error(ui, "fleet: none yet: start with --fleet NAME, or :fleet NAME");
        return;
    }
    ui_set_root(ui, view_fleet_new(ui));
}

const struct palette_cmd palette_cmd_fleet = {
    .name = "fleet", .aliases = "", .usage = "[NAME|PROFILE:REGION,...]",
    .summary = "the fleet view: every account and region of the fleet, worst first",
    .run = run_fleet,
};
