#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/proto_xml.h"
#include "aws/provider.h"
#include "settings.h"
#include "util/log.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

static const struct od_command *const commands[] = {
    &cmd_whoami,
    &cmd_clusters,
    &cmd_status,
    &cmd_distributions,
    &cmd_metrics,
    &cmd_logs,
    &cmd_query,
    &cmd_deploy,
    &cmd_rollback,
    &cmd_continue,
    &cmd_revisions,
    &cmd_deployments,
    &cmd_scale,
    &cmd_stop_task,
    &cmd_exec,
    &cmd_invalidate,
    &cmd_invalidations,
    &cmd_watch,
    &cmd_fleet,
    &cmd_timeline,
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void
print_help(FILE *fp)
{
    fputs("usage: ondeck [global options] [COMMAND [options]]\n"
          "\n"
          "With no command, ondeck opens the console.\n"
          "\n"
          "Commands:\n",
          fp);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(fp, "  %-12s %s\n", commands[i]->name, commands[i]->summary);
    fputs("\n"
          "Global options:\n"
          "  --profile NAME       use a named profile from the AWS config files\n"
          "  --region REGION      AWS region (else AWS_REGION, AWS_DEFAULT_REGION, profile)\n"
          "  --endpoint-url URL   send every call to URL (else AWS_ENDPOINT_URL[_SERVICE])\n"
          "  --cluster NAME       ECS cluster\n"
          "  --fleet NAME|LIST    a [fleet NAME] of the config, or PROFILE:REGION[:CLUSTER],...\n"
          "  --output text|json   output format (--json is short for --output json)\n"
          "  --read-only          refuse every mutation\n"
          "  --yes                do not ask for confirmation\n"
          "  --theme NAME         console colour theme\n"
          "  --no-color           no colours in the console\n"
          "  --config FILE        ondeck config file\n"
          "  --debug              write a debug log to $ONDECK_LOG or ./ondeck-debug.log\n"
          "  --help, --version\n"
          "\n"
          "Exit status: 0 ok, 1 error, 2 usage or refused, 3 rollout failed or timed out,\n"
          "4 nothing to steer (continue, rollback --abort).\n"
          "See ondeck(1).\n",
          fp);
}

static void
print_command_help(FILE *fp, const struct od_command *cmd)
{
    fprintf(fp, "usage: ondeck [global options] %s %s\n\n%s\n", cmd->name,
            cmd->usage != NULL ? cmd->usage : "", cmd->summary);
}

static const struct od_command *
find_command(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

int
cli_usage_error(struct od_cli *cli, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = xvasprintf(fmt, ap);
    va_end(ap);
    fprintf(stderr, "ondeck: %s%s%s\nTry 'ondeck %s%s--help'.\n",
            cli->command != NULL ? cli->command : "", cli->command != NULL ? ": " : "", msg,
            cli->command != NULL ? cli->command : "", cli->command != NULL ? " " : "");
    free(msg);
    return OD_EXIT_USAGE;
}

bool
cli_json(const struct od_cli *cli)
{
    return str_eq(cli->g.output, "json");
}

void
cli_print_error(struct od_cli *cli, const char *what, const struct od_error *err)
{
    char *line = od_error_format(err), *safe = sanitize_str(line);

    fprintf(stderr, "ondeck: %s: %s\n", what, safe);
    if ((err->err == OD_E_NO_CREDS || err->err == OD_E_EXPIRED_CREDS) && cli->aws != NULL &&
        cli->aws->provider != NULL) {
        char *why = provider_chain_explain(cli->aws->provider);

        if (why != NULL) {
            char *safe_why = sanitize_str(why);

            fprintf(stderr, "ondeck: credential sources tried: %s\n", safe_why);
            free(safe_why);
            free(why);
        }
    }
    free(safe);
    free(line);
}

bool
cli_aws(struct od_cli *cli)
{
    struct od_aws_opts opts = {0};
    struct od_error err = {0};

    if (cli->aws != NULL)
        return true;
    if (cli->loop == NULL)
        cli->loop = loop_new();
    opts.profile = cli->g.profile;
    opts.region = cli->g.region;
    opts.endpoint_url = cli->g.endpoint_url;
    if (aws_new(&cli->aws, cli->loop, &opts, &err) != OD_OK) {
        cli_print_error(cli, "configuration", &err);
        od_error_clear(&err);
        return false;
    }
    return true;
}

/* Options every command accepts. */
static const struct od_opt *
global_options(struct od_globals *g)
{
    static struct od_opt opts[16];

    memset(opts, 0, sizeof opts);
    opts[0] = (struct od_opt){"profile", true, &g->profile, NULL, NULL};
    opts[1] = (struct od_opt){"region", true, &g->region, NULL, NULL};
    opts[2] = (struct od_opt){"endpoint-url", true, &g->endpoint_url, NULL, NULL};
    opts[3] = (struct od_opt){"cluster", true, &g->cluster, NULL, NULL};
    opts[4] = (struct od_opt){"theme", true, &g->theme, NULL, NULL};
    opts[5] = (struct od_opt){"config", true, &g->config, NULL, NULL};
    opts[6] = (struct od_opt){"output", true, &g->output, NULL, NULL};
    opts[7] = (struct od_opt){"read-only", false, NULL, &g->read_only, NULL};
    opts[8] = (struct od_opt){"no-color", false, NULL, &g->no_color, NULL};
    opts[9] = (struct od_opt){"yes", false, NULL, &g->yes, NULL};
    opts[10] = (struct od_opt){"debug", false, NULL, &g->debug, NULL};
    opts[11] = (struct od_opt){"fleet", true, &g->fleet, NULL, NULL};
    return opts;
}

static const struct od_opt *
lookup_opt(const struct od_opt *table, const char *name, size_t len)
{
    for (; table != NULL && table->name != NULL; table++)
        if (strlen(table->name) == len && strncmp(table->name, name, len) == 0)
            return table;
    return NULL;
}

static void
list_push(const char ***list, const char *v)
{
    size_t n = 0;

    while (*list != NULL && (*list)[n] != NULL)
        n++;
    *list = xreallocarray(*list, n + 2, sizeof **list);
    (*list)[n] = v;
    (*list)[n + 1] = NULL;
}

/* Parse argv into globals, the command and its options. Returns -1 to continue, or an exit
 * status (help, version, usage error). */
static int
parse_args(struct od_cli *cli, int argc, char **argv, const struct od_command **cmdp)
{
    const struct od_opt *gopts = global_options(&cli->g), *copts = NULL;
    const struct od_command *cmd = NULL;
    bool help = false, only_args = false;

    cli->args = xcalloc((size_t)argc + 1, sizeof *cli->args);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *name, *eq, *value = NULL;
        const struct od_opt *o;
        size_t len;

        if (only_args || a[0] != '-' || a[1] == '\0') {
            if (cmd == NULL && !only_args) {
                if ((cmd = find_command(a)) == NULL) {
                    fprintf(stderr, "ondeck: unknown command '%s'\nTry 'ondeck --help'.\n",
                            a);
                    return OD_EXIT_USAGE;
                }
                cli->command = cmd->name;
                copts = cmd->options != NULL ? cmd->options(cli) : NULL;
            } else {
                cli->args[cli->nargs++] = argv[i];
            }
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_args = true;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help = true;
            continue;
        }
        if (strcmp(a, "--version") == 0) {
            printf("ondeck %s\n", PACKAGE_VERSION);
            return OD_EXIT_OK;
        }
        if (strcmp(a, "--json") == 0) {
            cli->g.output = "json";
            continue;
        }
        if (a[1] != '-')
            return cli_usage_error(cli, "unknown option '%s'", a);
        name = a + 2;
        eq = strchr(name, '=');
        len = eq != NULL ? (size_t)(eq - name) : strlen(name);
        if ((o = lookup_opt(copts, name, len)) == NULL && (o = lookup_opt(gopts, name, len)) == NULL)
            return cli_usage_error(cli, "unknown option '--%.*s'", (int)len, name);
        if (o->takes_value) {
            if (eq != NULL)
                value = eq + 1;
            else if (i + 1 < argc)
                value = argv[++i];
            else
                return cli_usage_error(cli, "option '--%s' needs a value", o->name);
            if (o->list != NULL)
                list_push(o->list, value);
            if (o->value != NULL)
                *o->value = value;
        } else {
            if (eq != NULL)
                return cli_usage_error(cli, "option '--%s' takes no value", o->name);
            *o->flag = true;
        }
    }
    if (help) {
        if (cmd != NULL)
            print_command_help(stdout, cmd);
        else
            print_help(stdout);
        return OD_EXIT_OK;
    }
    if (cli->g.output != NULL && !str_eq(cli->g.output, "json") && !str_eq(cli->g.output, "text"))
        return cli_usage_error(cli, "--output must be text or json");
    *cmdp = cmd;
    return -1;
}

int
cli_main(int argc, char **argv, od_console_fn console)
{
    struct od_cli cli = {0};
    const struct od_command *cmd = NULL;
    int rc;

    rc = parse_args(&cli, argc, argv, &cmd);
    if (rc < 0) {
        if (cli.g.debug) {
            const char *path = getenv("ONDECK_LOG");
            log_open(!str_empty(path) ? path : "ondeck-debug.log");
        } else {
            log_open(getenv("ONDECK_LOG"));
        }
        struct od_error err = {0};

        if (settings_load(cli.g.config, &cli.settings, &err) != OD_OK) {
            cli_print_error(&cli, "config", &err);
            od_error_clear(&err);
            rc = OD_EXIT_ERROR;
        } else if (cmd == NULL && console != NULL) {
            rc = console(&cli);
        } else if (cmd == NULL) {
            fputs("ondeck: this build has no console; try 'ondeck --help'\n", stderr);
            rc = OD_EXIT_USAGE;
        } else {
            rc = cmd->run(&cli);
        }
    }
    aws_free(&cli.aws);
    loop_free(&cli.loop);
    settings_free(&cli.settings);
    free(cli.args);
    xml_global_cleanup();
    log_close();
    return rc;
}
