/* o and y: the AWS console page of the selected item (the URL in the message line, and to
 * $BROWSER when it is set) and its ARN (or ID) to the clipboard with OSC 52. What is selected
 * is the view's target, most specific first: task, target group, log group, alarm,
 * distribution, service, cluster. Nothing AWS sent reaches the terminal raw: the URL is
 * percent-encoded ASCII, the clipboard payload is base64, the message is sanitised. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/endpoint.h"
#include "model/world.h"
#include "ui/console_url.h"
#include "ui/ui.h"
#include "util/sanitize.h"
#include "util/spawn.h"
#include "util/str.h"
#include "util/xalloc.h"

struct picked {
    struct console_ref ref;
    const char *what; /* "task", "service", ... */
    const char *name; /* what the message names */
    const char *arn;  /* from the world, or NULL */
    char *made_arn;   /* an ARN built here (log groups) */
};

static const char *
task_arn(const struct od_world *w, const char *id)
{
    const struct od_task *t = world_task(w, id);

    for (size_t i = 0; t == NULL && i < w->nstopped; i++)
        if (str_eq(w->stopped[i].id, id))
            t = &w->stopped[i];
    return t != NULL ? t->arn : NULL;
}

static bool
pick(struct ui *ui, const struct ui_target *t, struct picked *p)
{
    const struct od_world *w = ui_world(ui);

    memset(p, 0, sizeof *p);
    p->ref.region = ui_region(ui);
    p->ref.cluster = t->cluster != NULL ? t->cluster : ui_cluster(ui);
    p->ref.service = t->service;
    p->ref.task = t->task_id;
    if (t->task_id != NULL) {
        p->ref.kind = CI_TASK;
        p->what = "task";
        p->name = t->task_id;
        p->arn = task_arn(w, t->task_id);
    } else if (t->target_group_arn != NULL) {
        const struct od_target_group *tg = world_target_group(w, t->target_group_arn);

        p->ref.kind = CI_TARGET_GROUP;
        p->ref.id = t->target_group_arn;
        p->what = "target group";
        p->name = tg != NULL && tg->name != NULL ? tg->name : t->target_group_arn;
        p->arn = t->target_group_arn;
    } else if (t->log_group != NULL) {
        p->ref.kind = CI_LOG_GROUP;
        p->ref.id = t->log_group;
        p->what = "log group";
        p->name = t->log_group;
        if (ui_account(ui) != NULL && ui_region(ui) != NULL)
            p->arn = p->made_arn = xasprintf("arn:%s:logs:%s:%s:log-group:%s",
                                             endpoint_partition(ui_region(ui)), ui_region(ui),
                                             ui_account(ui), t->log_group);
    } else if (t->alarm != NULL) {
        p->ref.kind = CI_ALARM;
        p->ref.id = t->alarm;
        p->what = "alarm";
        p->name = t->alarm;
        for (size_t i = 0; i < w->nalarms; i++)
            if (str_eq(w->alarms[i].name, t->alarm))
                p->arn = w->alarms[i].arn;
    } else if (t->distribution_id != NULL) {
        const struct od_distribution *d = world_distribution(w, t->distribution_id);

        p->ref.kind = CI_DISTRIBUTION;
        p->ref.id = t->distribution_id;
        p->what = "distribution";
        p->name = t->distribution_id;
        p->arn = d != NULL ? d->arn : NULL;
    } else if (t->service != NULL) {
        const struct od_service *s = world_service(w, t->service);

        p->ref.kind = CI_SERVICE;
        p->what = "service";
        p->name = t->service;
        p->arn = s != NULL ? s->arn : NULL;
    } else if (p->ref.cluster != NULL) {
        p->ref.kind = CI_CLUSTER;
        p->what = "cluster";
        p->name = p->ref.cluster;
        for (size_t i = 0; i < w->nclusters; i++)
            if (str_eq(w->clusters[i].name, p->ref.cluster) ||
                str_eq(w->clusters[i].arn, p->ref.cluster))
                p->arn = w->clusters[i].arn;
    } else {
        return false;
    }
    return true;
}

/* $BROWSER: the first of its ':'-separated commands, split on blanks (no shell); "%s" is
 * replaced by the URL, else the URL is the last argument. */
static bool
run_browser(const char *browser, const char *url, struct od_error *err)
{
    char *cmd = xstrdup(browser), *colon = strchr(cmd, ':'), *save = NULL, *tok;
    char *argv[32];
    size_t n = 0;
    bool had_url = false;
    enum od_err rc;

    if (colon != NULL)
        *colon = '\0';
    for (tok = strtok_r(cmd, " \t", &save); tok != NULL && n < 30;
         tok = strtok_r(NULL, " \t", &save)) {
        if (str_eq(tok, "%s")) {
            argv[n++] = (char *)url;
            had_url = true;
        } else {
            argv[n++] = tok;
        }
    }
    if (n == 0) {
        free(cmd);
        od_error_set(err, OD_E_USAGE, "BROWSER is empty");
        return false;
    }
    if (!had_url)
        argv[n++] = (char *)url;
    argv[n] = NULL;
    rc = spawn_detached(argv, err);
    free(cmd);
    return rc == OD_OK;
}

void
ui_open_console(struct ui *ui, const struct ui_target *t)
{
    struct picked p;
    const char *browser = getenv("BROWSER");
    char *url;

    if (!pick(ui, t, &p)) {
        ui_error(ui, "open-console: select a cluster, service, task, target group, alarm, "
                     "distribution or log group first");
        return;
    }
    if ((url = console_url(&p.ref)) == NULL) {
        ui_error(ui, "open-console: no console page for this %s (no region?)", p.what);
    } else if (!str_empty(browser)) {
        struct od_error err = {0};

        if (run_browser(browser, url, &err))
            ui_message(ui, "opened in $BROWSER: %s", url);
        else {
            char *m = sanitize_str(err.message);

            ui_error(ui, "open-console: $BROWSER: %s; the page: %s", m, url);
            free(m);
        }
        od_error_clear(&err);
    } else {
        ui_message(ui, "%s", url);
    }
    free(url);
    free(p.made_arn);
}

/* OSC 52 "set the clipboard": ESC ] 52 ; c ; BASE64 BEL. The terminal (or tmux with
 * set-clipboard on) decodes the payload; the text itself never reaches the screen. */
static void
osc52(const char *text)
{
    size_t len = strlen(text), cap = 4 * ((len + 2) / 3) + 1;
    unsigned char *b64 = xmalloc(cap);
    char *seq;
    ssize_t off = 0, total;

    EVP_EncodeBlock(b64, (const unsigned char *)text, (int)len);
    seq = xasprintf("\033]52;c;%s\a", (const char *)b64);
    total = (ssize_t)strlen(seq);
    fflush(stdout); /* after what curses has written */
    while (off < total) {
        ssize_t k = write(STDOUT_FILENO, seq + off, (size_t)(total - off));

        if (k <= 0)
            break;
        off += k;
    }
    free(seq);
    free(b64);
}

void
ui_copy_id(struct ui *ui, const struct ui_target *t)
{
    struct picked p;
    const char *value;
    char *safe, *name;

    if (!pick(ui, t, &p)) {
        ui_error(ui, "copy-id: select a cluster, service, task, target group, alarm, "
                     "distribution or log group first");
        return;
    }
    value = p.arn != NULL ? p.arn : p.name;
    osc52(value);
    safe = sanitize_str(value);
    name = sanitize_str(p.name);
    ui_message(ui, "copied the %s of %s %s: %s", p.arn != NULL ? "ARN" : "ID", p.what, name,
               safe);
    free(name);
    free(safe);
    free(p.made_arn);
}
