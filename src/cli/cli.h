/* The scriptable command line: global options (named as in the AWS CLI), a table of
 * subcommands, and the exit-code contract (0 ok, 1 error, 2 usage or refused, 3 rollout
 * failed or wait timed out). */
#ifndef OD_CLI_H
#define OD_CLI_H

#include <stdbool.h>

#include "aws/request.h"
#include "loop/loop.h"

enum {
    OD_EXIT_OK = 0,
    OD_EXIT_ERROR = 1,
    OD_EXIT_USAGE = 2,
    OD_EXIT_ROLLOUT = 3,
    OD_EXIT_NOTHING = 4, /* continue / rollback --abort: nothing in flight to steer */
};

struct od_globals {
    const char *profile;
    const char *region;
    const char *endpoint_url;
    const char *cluster;
    const char *theme;
    const char *config;
    const char *output; /* "text" or "json" */
    const char *fleet;  /* --fleet NAME or PROFILE:REGION[:CLUSTER...],... (src/fleet/spec.h) */
    bool read_only;
    bool no_color;
    bool yes;
    bool debug;
};

/* One option of a subcommand: long name, whether it takes a value, where to store it. */
struct od_opt {
    const char *name;
    bool takes_value;
    const char **value; /* for options with a value (last one wins) */
    bool *flag;         /* for flags */
    const char ***list; /* repeatable values, NULL-terminated array (optional) */
};

struct od_settings;

struct od_cli {
    struct od_globals g;
    struct od_settings *settings; /* ondeck's config file (never NULL once running) */
    struct od_loop *loop;
    struct od_aws *aws;
    const char *command;
    char **args; /* positional arguments after the command */
    int nargs;
};

struct od_command {
    const char *name;
    const char *summary;
    const char *usage; /* options after the command name */
    const struct od_opt *(*options)(struct od_cli *cli);
    int (*run)(struct od_cli *cli);
};

/* The console's entry point, given by main.c so that src/ never depends on ui/. */
typedef int (*od_console_fn)(struct od_cli *cli);

/* Parse argv and run a command, or the console when no command is named (console may be
 * NULL in builds without one). Returns the exit status. */
int cli_main(int argc, char **argv, od_console_fn console);

/* Create the loop and AWS context on first use; prints the error and returns false on failure. */
bool cli_aws(struct od_cli *cli);
/* Print "ondeck: <what>: <error>" (sanitised) to stderr, with the credential chain's
 * explanation when no credentials were found. */
void cli_print_error(struct od_cli *cli, const char *what, const struct od_error *err);
/* Usage error for the current command; returns OD_EXIT_USAGE. */
int cli_usage_error(struct od_cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool cli_json(const struct od_cli *cli);

extern const struct od_command cmd_whoami;
extern const struct od_command cmd_status;
extern const struct od_command cmd_clusters;
extern const struct od_command cmd_fleet;
extern const struct od_command cmd_distributions;
extern const struct od_command cmd_metrics;
extern const struct od_command cmd_logs;
extern const struct od_command cmd_query;
extern const struct od_command cmd_deploy;
extern const struct od_command cmd_rollback;
extern const struct od_command cmd_revisions;
extern const struct od_command cmd_scale;
extern const struct od_command cmd_stop_task;
extern const struct od_command cmd_exec;
extern const struct od_command cmd_invalidate;
extern const struct od_command cmd_invalidations;
extern const struct od_command cmd_watch;
extern const struct od_command cmd_deployments;
extern const struct od_command cmd_timeline;
extern const struct od_command cmd_continue;

#endif
