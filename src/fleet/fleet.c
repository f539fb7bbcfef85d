/* The fleet: its members (src/fleet/member.c reads each), and the rows of the fleet view
 * and `ondeck fleet`, built from what the members last read, worst first. */
#include "fleet/fleet.h"

#include <stdlib.h>
#include <string.h>

#include "fleet/member.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

/* ---- public API ------------------------------------------------------------------------- */

struct od_fleet *
fleet_new(struct od_loop *loop, const struct fleet_spec *spec, const char *endpoint_url,
          const struct od_settings *settings)
{
    struct od_fleet *f = xcalloc(1, sizeof *f);

    f->loop = loop;
    f->name = sanitize_str(spec->name != NULL ? spec->name : "");
    f->members = xcalloc(spec->nmembers, sizeof *f->members);
    f->nmembers = spec->nmembers;
    f->rows_stale = true;
    for (size_t i = 0; i < spec->nmembers; i++) {
        const struct fleet_member_spec *ms = &spec->members[i];
        struct member *m = &f->members[i];
        struct od_aws_opts opts = {0};
        struct od_error err = {0};

        m->f = f;
        m->index = i;
        m->profile = sanitize_str(ms->profile);
        m->region = sanitize_str(ms->region);
        m->other_alarms = -1;
        if (ms->nclusters > 0) {
            m->want = xcalloc(ms->nclusters, sizeof *m->want);
            for (size_t k = 0; k < ms->nclusters; k++)
                m->want[k] = xstrdup(ms->clusters[k]);
            m->nwant = ms->nclusters;
        }
        opts.profile = ms->profile;
        opts.region = ms->region;
        opts.endpoint_url = endpoint_url;
        if (aws_new(&m->aws, loop, &opts, &err) != OD_OK) {
            char *line = od_error_format(&err);

            m->error = sanitize_str(line);
            m->done_once = true;
            free(line);
            od_error_clear(&err);
            continue;
        }
        member_init_budgets(m, settings);
    }
    return f;
}


void
fleet_free(struct od_fleet **fp)
{
    struct od_fleet *f = *fp;

    if (f == NULL)
        return;
    if (f->timer != 0)
        loop_timer_cancel(f->loop, f->timer);
    for (size_t i = 0; i < f->nmembers; i++)
        member_free(&f->members[i]);
    free(f->members);
    free(f->rows);
    free(f->name);
    free(f);
    *fp = NULL;
}

const char *
fleet_name(const struct od_fleet *f)
{
    return f->name;
}

const char *
fleet_member_profile(const struct od_fleet *f, size_t n)
{
    return n < f->nmembers ? f->members[n].profile : NULL;
}

const char *
fleet_member_region(const struct od_fleet *f, size_t n)
{
    return n < f->nmembers ? f->members[n].region : NULL;
}

void
fleet_refresh(struct od_fleet *f)
{
    for (size_t i = 0; i < f->nmembers; i++)
        member_refresh(&f->members[i]);
}

static void
on_interval(void *ud)
{
    struct od_fleet *f = ud;

    f->timer = loop_timer_add(f->loop, FLEET_INTERVAL_MS, on_interval, f);
    fleet_refresh(f);
}

void
fleet_start(struct od_fleet *f, fleet_cb on_change, void *ud)
{
    f->cb = on_change;
    f->ud = ud;
    if (f->timer == 0)
        f->timer = loop_timer_add(f->loop, FLEET_INTERVAL_MS, on_interval, f);
    fleet_refresh(f);
}

bool
fleet_busy(const struct od_fleet *f)
{
    for (size_t i = 0; i < f->nmembers; i++)
        if (f->members[i].cur != NULL)
            return true;
    return false;
}

bool
fleet_settled(const struct od_fleet *f)
{
    for (size_t i = 0; i < f->nmembers; i++)
        if (!f->members[i].done_once)
            return false;
    return true;
}

size_t
fleet_failed_members(const struct od_fleet *f)
{
    size_t n = 0;

    for (size_t i = 0; i < f->nmembers; i++)
        n += f->members[i].error != NULL;
    return n;
}

unsigned
fleet_calls_per_minute(const struct od_fleet *f)
{
    unsigned n = 0;

    for (size_t i = 0; i < f->nmembers; i++)
        n += member_calls_per_minute(&f->members[i]);
    return n;
}

static int
cmp_desc(long a, long b)
{
    return a > b ? -1 : a < b ? 1 : 0;
}

static int
cmp_name(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return (a != NULL) - (b != NULL); /* the member's own row first */
    return strcmp(a, b);
}

int
fleet_row_cmp(const void *pa, const void *pb)
{
    const struct fleet_row *a = pa, *b = pb;
    int c;

    if ((c = cmp_desc(a->error != NULL, b->error != NULL)) != 0)
        return c;
    if ((c = cmp_desc(a->failed, b->failed)) != 0 || (c = cmp_desc(a->paused, b->paused)) != 0 ||
        (c = cmp_desc(a->unhealthy, b->unhealthy)) != 0 ||
        (c = cmp_desc(a->alarms, b->alarms)) != 0 ||
        (c = cmp_desc(a->below_desired, b->below_desired)) != 0 ||
        (c = cmp_desc(a->rolling, b->rolling)) != 0 || (c = cmp_desc(a->pending, b->pending)) != 0)
        return c;
    if ((c = strcmp(a->profile, b->profile)) != 0 || (c = strcmp(a->region, b->region)) != 0)
        return c;
    return cmp_name(a->cluster, b->cluster);
}

static struct fleet_row *
add_row(struct od_fleet *f, size_t *cap, const struct member *m)
{
    struct fleet_row *row;

    if (f->nrows == *cap) {
        *cap = *cap != 0 ? *cap * 2 : 16;
        f->rows = xreallocarray(f->rows, *cap, sizeof *f->rows);
    }
    row = &f->rows[f->nrows++];
    memset(row, 0, sizeof *row);
    row->member = m->index;
    row->profile = m->profile;
    row->region = m->region;
    row->account = m->account;
    row->alias = m->alias;
    row->error = m->error;
    row->loaded = m->loaded;
    row->updated_at = m->updated_at;
    row->calls_per_minute = member_calls_per_minute(m);
    row->services = row->running = row->pending = -1;
    row->below_desired = row->failed = row->rolling = -1;
    row->alarms = -1;
    row->paused = row->unhealthy = -1;
    row->paused_unchecked = row->targets_unchecked = 0;
    return row;
}

static void
build_rows(struct od_fleet *f)
{
    size_t cap = 0;

    free(f->rows);
    f->rows = NULL;
    f->nrows = 0;
    for (size_t i = 0; i < f->nmembers; i++) {
        const struct member *m = &f->members[i];

        for (size_t k = 0; k < m->nclusters; k++) {
            const struct mcluster *c = &m->clusters[k];
            struct fleet_row *row = add_row(f, &cap, m);

            row->cluster = c->name;
            row->alarms = c->alarms;
            if (c->missing) {
                if (row->error == NULL)
                    row->error = "ClusterNotFoundException: the region has no such cluster";
                continue;
            }
            row->services = c->services;
            row->running = c->running;
            row->pending = c->pending;
            row->services_known = c->services_known;
            if (row->services_known) {
                row->below_desired = c->below;
                row->failed = c->failed;
                row->rolling = c->rolling;
                row->paused = c->paused;
                row->unhealthy = c->unhealthy;
                row->paused_unchecked = c->paused_unchecked;
                row->targets_unchecked = c->tg_unchecked;
            }
        }
        if (m->nclusters == 0 || m->other_alarms > 0) {
            struct fleet_row *row = add_row(f, &cap, m);

            row->alarms = m->other_alarms;
        }
    }
    if (f->nrows > 1)
        qsort(f->rows, f->nrows, sizeof *f->rows, fleet_row_cmp);
}

size_t
fleet_rows(struct od_fleet *f, const struct fleet_row **rows)
{
    /* Calls per minute change with time: rebuild each time (a few rows). */
    build_rows(f);
    f->rows_stale = false;
    *rows = f->rows;
    return f->nrows;
}
