/* ondeck whoami: which account, identity, region and credential source are in effect.
 * On-call people need to know they are in prod before they press anything. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>

#include "aws/provider.h"
#include "aws/sts.h"
#include "cli/cli.h"
#include "cli/whoami_check.h"
#include "util/sanitize.h"
#include "util/xalloc.h"

struct whoami {
    struct od_cli *cli;
    bool done;
    int rc;
    char *source;
    char *account; /* for --check, once known */
    cJSON *json;   /* the --json document, printed at the end */
};

static bool opt_check;

static void
print_field(const char *label, const char *value)
{
    char *safe = sanitize_str(value != NULL ? value : "-");

    printf("%-12s %s\n", label, safe);
    free(safe);
}

static void
on_identity(const struct od_identity *id, const struct od_error *err, void *ud)
{
    struct whoami *w = ud;
    struct od_cli *cli = w->cli;
    const char *region = cli->aws->region;

    w->done = true;
    if (id == NULL) {
        cli_print_error(cli, "whoami", err);
        w->rc = OD_EXIT_ERROR;
        return;
    }
    if (cli_json(cli)) {
        cJSON *o = cJSON_CreateObject();

        cJSON_AddStringToObject(o, "Account", id->account);
        cJSON_AddStringToObject(o, "Arn", id->arn);
        cJSON_AddStringToObject(o, "UserId", id->user_id != NULL ? id->user_id : "");
        if (region != NULL)
            cJSON_AddStringToObject(o, "Region", region);
        else
            cJSON_AddNullToObject(o, "Region");
        cJSON_AddStringToObject(o, "Profile", cli->aws->profile);
        cJSON_AddStringToObject(o, "CredentialSource", w->source != NULL ? w->source : "");
        w->json = o;
    } else {
        print_field("Account", id->account);
        print_field("Arn", id->arn);
        print_field("UserId", id->user_id);
        print_field("Region", region);
        print_field("Profile", cli->aws->profile);
        print_field("Credentials", w->source);
    }
    w->account = xstrdup(id->account);
    w->rc = OD_EXIT_OK;
}

/* Resolve credentials first so we can name their source, then ask STS who they are. */
static void
on_creds(struct od_creds *creds, const struct od_error *err, void *ud)
{
    struct whoami *w = ud;
    struct od_error e = {0};

    if (creds == NULL) {
        w->done = true;
        w->rc = OD_EXIT_ERROR;
        cli_print_error(w->cli, "whoami", err);
        return;
    }
    w->source = xstrdup(creds->source != NULL ? creds->source : "unknown");
    if (sts_get_caller_identity(w->cli->aws, on_identity, w, &e) != OD_OK) {
        w->done = true;
        w->rc = OD_EXIT_ERROR;
        cli_print_error(w->cli, "whoami", &e);
        od_error_clear(&e);
    }
}

static int
run(struct od_cli *cli)
{
    struct whoami w = {.cli = cli, .rc = OD_EXIT_ERROR};

    if (cli->nargs > 0)
        return cli_usage_error(cli, "unexpected argument '%s'", cli->args[0]);
    if (!cli_aws(cli))
        return OD_EXIT_ERROR;
    if (provider_get(cli->aws->provider, on_creds, &w) != OD_OK) {
        fputs("ondeck: whoami: could not start credential resolution\n", stderr);
        return OD_EXIT_ERROR;
    }
    loop_run_until(cli->loop, &w.done);
    if (w.rc == OD_EXIT_OK && opt_check)
        w.rc = whoami_check(cli, w.account, w.json);
    if (w.json != NULL) {
        char *s = cJSON_Print(w.json);

        puts(s);
        free(s);
        cJSON_Delete(w.json);
    }
    free(w.account);
    free(w.source);
    return w.rc;
}

static const struct od_opt *
whoami_options(struct od_cli *cli)
{
    static struct od_opt opts[2];

    (void)cli;
    opt_check = false;
    opts[0] = (struct od_opt){"check", false, NULL, &opt_check, NULL};
    return opts;
}

const struct od_command cmd_whoami = {
    .name = "whoami",
    .summary = "show the account, identity, region and credential source in effect; --check: "
               "which reads the policy allows",
    .usage = "[--check] [--json]",
    .options = whoami_options,
    .run = run,
};
