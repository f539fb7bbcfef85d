#include "ui/timeline_glue.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "actions/audit.h"
#include "cli/cli.h"
#include "timeline/collect.h"
#include "timeline/history.h"
#include "timeline/store.h"
#include "ui/console.h"
#include "util/clock.h"
#include "util/str.h"
#include "util/xalloc.h"

/* One console, one timeline on screen. */
static struct {
    char *account, *region, *cluster; /* whose store is open */
    bool open;
    struct tl_store store;
    struct tl_limits lim;
    uint64_t seen_version;
    char *status;

    struct tl_history *pending; /* an alarm-history read in flight */
    struct od_aws *pending_aws;
    uint64_t last_history_ms;  /* monotonic start of the last read; 0: never */
    struct od_alarm_change *changes; /* answered, not yet collected */
    size_t nchanges;
    bool history_said; /* its failure was shown once */
    off_t audit_size;   /* the journal as last read: read again only when it changed */
    struct timespec audit_mtime;
    struct ui *ui;
} tl;

static void
set_status(const char *s)
{
    free(tl.status);
    tl.status = s != NULL ? xstrdup(s) : NULL;
}

static void
save(struct ui *ui)
{
    struct od_error err = {0};

    tl_store_prune(&tl.store, &tl.lim, (double)clock_wall_ms() / 1000.0);
    if (tl_store_save(&tl.store, &err) != OD_OK) {
        /* Said once in the message line, kept in the view's title: the lines stay on screen. */
        if (tl.status == NULL)
            ui_error(ui, "%s", err.message != NULL ? err.message : "timeline: cannot save");
        set_status(err.message);
    }
    od_error_clear(&err);
}

static void
drop_pending(void)
{
    tl_history_cancel(tl.pending);
    tl.pending = NULL;
    tl_history_changes_free(tl.changes, tl.nchanges);
    tl.changes = NULL;
    tl.nchanges = 0;
}

static void
close_store(struct ui *ui)
{
    drop_pending();
    if (tl.open)
        save(ui);
    tl_store_free(&tl.store);
    xfree(&tl.account);
    xfree(&tl.region);
    xfree(&tl.cluster);
    tl.open = false;
    tl.last_history_ms = 0;
    set_status(NULL);
}

static void
open_store(struct ui *ui, const char *account, const char *region, const char *cluster)
{
    char *path = tl_store_path(account, region, cluster), *notice = NULL;
    struct od_error err = {0};

    close_store(ui);
    tl.account = xstrdup(account);
    tl.region = xstrdup(region);
    tl.cluster = xstrdup(cluster);
    tl_limits_from_settings(ui_settings(ui), &tl.lim);
    if (tl_store_load(&tl.store, path, &notice, &err) != OD_OK) {
        ui_error(ui, "%s", err.message);
        set_status(err.message);
        free(tl.store.path);
        tl.store.path = NULL; /* unreadable: show what this run sees, save nothing over it */
    } else if (notice != NULL) {
        ui_error(ui, "%s", notice);
    }
    tl.open = true;
    tl.seen_version = 0;
    tl.audit_size = -1;
    od_error_clear(&err);
    free(notice);
    free(path);
}

static void
on_history(struct od_alarm_change *c, size_t n, const struct od_error *err, void *ud)
{
    (void)ud;
    tl.pending = NULL;
    /* A callback: keep the answer, let the next redraw collect it. */
    if (err != NULL) {
        if (!tl.history_said) {
            char *line = od_error_format(err);

            ui_error(tl.ui, "timeline: alarm history: %s", line);
            free(line);
            tl.history_said = true;
        }
    } else {
        tl_history_changes_free(tl.changes, tl.nchanges);
        tl.changes = c;
        tl.nchanges = n;
    }
    ui_dirty(tl.ui);
}

static void
maybe_read_history(struct ui *ui)
{
    uint64_t now = clock_mono_ms();
    struct od_error err = {0};
    struct od_aws *aws = ui_aws(ui);

    if (tl.pending != NULL && tl.pending_aws != aws)
        drop_pending(); /* another profile: that answer is not this account's */
    if (tl.pending != NULL || aws == NULL ||
        (tl.last_history_ms != 0 && now - tl.last_history_ms < TIMELINE_HISTORY_INTERVAL_MS))
        return;
    tl.last_history_ms = now;
    tl.pending_aws = aws;
    if (tl_history_fetch(aws, (double)clock_wall_ms() / 1000.0 - tl.lim.max_age_s, on_history,
                         NULL, &tl.pending, &err) != OD_OK)
        tl.pending = NULL;
    od_error_clear(&err);
}

void
timeline_glue_tick(struct ui *ui)
{
    const char *account = ui_account(ui), *cluster = ui_cluster(ui), *region = ui_region(ui);
    const struct od_world *w = ui_world(ui);
    size_t added = 0;

    tl.ui = ui;
    if (str_empty(account) || str_empty(cluster) || str_empty(region) || w == NULL) {
        if (tl.open && (!str_eq(cluster, tl.cluster) || !str_eq(region, tl.region)))
            close_store(ui);
        return;
    }
    if (!tl.open || !str_eq(account, tl.account) || !str_eq(region, tl.region) ||
        !str_eq(cluster, tl.cluster))
        open_store(ui, account, region, cluster);
    maybe_read_history(ui);
    if (tl.changes != NULL) {
        added += tl_collect_alarms(&tl.store, w, tl.changes, tl.nchanges);
        tl_history_changes_free(tl.changes, tl.nchanges);
        tl.changes = NULL;
        tl.nchanges = 0;
    }
    if (ui->data_version != tl.seen_version) {
        char *audit = audit_path(ui_settings(ui));
        struct stat st;

        added += tl_collect_world(&tl.store, w);
        if (stat(audit, &st) == 0 &&
            (st.st_size != tl.audit_size || st.st_mtim.tv_sec != tl.audit_mtime.tv_sec ||
             st.st_mtim.tv_nsec != tl.audit_mtime.tv_nsec)) {
            tl.audit_size = st.st_size;
            tl.audit_mtime = st.st_mtim;
            added += tl_collect_audit(&tl.store, audit, w);
        }
        free(audit);
    }
    if (added > 0) {
        if (tl.store.path != NULL)
            save(ui);
        ui->data_version++; /* the timeline view shows the new lines */
    }
    tl.seen_version = ui->data_version;
}

const struct tl_store *
timeline_glue_store(struct ui *ui)
{
    (void)ui;
    return tl.open ? &tl.store : NULL;
}

const char *
timeline_glue_status(struct ui *ui)
{
    if (str_empty(ui_cluster(ui)))
        return "open a cluster first";
    if (str_empty(ui_account(ui)))
        return "waiting for the account id (sts:GetCallerIdentity)";
    return tl.status;
}

void
timeline_glue_free(struct ui *ui)
{
    close_store(ui);
    free(tl.status);
    memset(&tl, 0, sizeof tl);
}
