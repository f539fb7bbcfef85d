/* The ":" command palette: one entry per command, each defined in the file of the thing it
 * acts on (as tmux keeps cmd-*.c), listed once in ui/palette.c's table, which runs them,
 * completes their names and feeds the help screen. */
#ifndef UI_PALETTE_H
#define UI_PALETTE_H

struct ui;

struct palette_cmd {
    const char *name;
    const char *aliases; /* other names, separated by spaces; "" for none */
    const char *usage;   /* the arguments, e.g. "[NAME]" */
    const char *summary; /* one line for the help screen */
    /* arg and arg2 are the first two words after the name (NULL when absent). */
    void (*run)(struct ui *ui, const char *arg, const char *arg2);
    /* Instead of run, for a command that takes free text (:insights QUERY): everything
     * after the name, spaces trimmed ("" when nothing). */
    void (*run_line)(struct ui *ui, const char *rest);
};

/* The table, in the order the help screen lists it (NULL-terminated). */
extern const struct palette_cmd *const palette_table[];

/* The entries, by the file that defines them. */
extern const struct palette_cmd palette_cmd_clusters; /* view_clusters.c */
extern const struct palette_cmd palette_cmd_services; /* view_services.c */
extern const struct palette_cmd palette_cmd_cloudfront; /* view_cloudfront.c */
extern const struct palette_cmd palette_cmd_alarms;     /* view_alarms.c */
extern const struct palette_cmd palette_cmd_timeline;   /* view_timeline.c */
extern const struct palette_cmd palette_cmd_help;       /* view_help.c */
extern const struct palette_cmd palette_cmd_logs;       /* view_logs.c */
extern const struct palette_cmd palette_cmd_insights;   /* logs_insights.c */
extern const struct palette_cmd palette_cmd_cluster;    /* ctx.c */
extern const struct palette_cmd palette_cmd_region;     /* ctx.c */
extern const struct palette_cmd palette_cmd_profile;    /* ctx.c */
extern const struct palette_cmd palette_cmd_theme;      /* console.c */
extern const struct palette_cmd palette_cmd_quit;       /* console.c */
extern const struct palette_cmd palette_cmd_refresh;    /* palette.c */
extern const struct palette_cmd palette_cmd_sort;       /* palette.c */
extern const struct palette_cmd palette_cmd_fleet;      /* fleet_glue.c */

/* The entry NAME names (by its name or an alias), or NULL. */
const struct palette_cmd *palette_find(const char *name);

#endif
