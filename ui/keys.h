/* The key registry: every user-visible console operation is one entry with a config name,
 * default keys, help text and flags. The same table feeds key dispatch, the help screen,
 * doc/keys.md and the [keys] section of the config file ("ACTION = KEY [KEY...]", which
 * replaces that action's keys). Mutations (upper-case keys) carry KF_MUTATES and are routed
 * to ui/act_flow.c, which confirms before anything changes. */
#ifndef UI_KEYS_H
#define UI_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

/* Key codes: a Unicode character, or a curses KEY_* code with UI_KEY_FN set. */
#define UI_KEY_FN 0x1000000
#define UI_KEY_ENTER '\r'
#define UI_KEY_ESC 27
#define UI_KEY_TAB '\t'
#define UI_KEY_BACKSPACE 0x7f
#define UI_KEY_CTRL(c) ((c) & 0x1f)

enum {
    KF_GLOBAL = 1u << 0,  /* works in every view */
    KF_MUTATES = 1u << 1, /* changes AWS state: confirm first (actions) */
};

/* X(ID, config name, default keys, help, flags) */
#define UI_ACTIONS(X)                                                                              \
    X(ACT_UP, "up", "Up k", "move up", 0)                                                          \
    X(ACT_DOWN, "down", "Down j", "move down", 0)                                                  \
    X(ACT_TOP, "top", "Home g", "go to the top", 0)                                                \
    X(ACT_BOTTOM, "bottom", "End G", "go to the bottom (logs: follow)", 0)                         \
    X(ACT_PAGE_UP, "page-up", "PgUp C-b", "page up", 0)                                            \
    X(ACT_PAGE_DOWN, "page-down", "PgDn C-f", "page down", 0)                                      \
    X(ACT_ENTER, "enter", "Enter", "open the selected item", 0)                                    \
    X(ACT_BACK, "back", "Esc q", "back (q at the top view quits)", KF_GLOBAL)                      \
    X(ACT_QUIT, "quit", "C-c", "quit", KF_GLOBAL)                                                  \
    X(ACT_FILTER, "filter", "/", "filter (live; Enter keeps it, Esc clears)", 0)                   \
    X(ACT_COMMAND, "command", ":", "command palette", KF_GLOBAL)                                   \
    X(ACT_HELP, "help", "?", "help for this view", KF_GLOBAL)                                      \
    X(ACT_REFRESH, "refresh", "r", "refresh now", KF_GLOBAL)                                       \
    X(ACT_LOGS, "logs", "l", "logs of the selected service or task (or every marked one)", 0)      \
    X(ACT_MARK, "mark", "Space", "mark or unmark the service (l follows all marked)", 0)           \
    X(ACT_SORT_NEXT, "sort-next", ">", "sort by the next column", 0)                               \
    X(ACT_SORT_PREV, "sort-prev", "<", "sort by the previous column", 0)                           \
    X(ACT_SORT_REVERSE, "sort-reverse", "!", "reverse the sort order", 0)                          \
    X(ACT_SEARCH_NEXT, "search-next", "n", "next match", 0)                                        \
    X(ACT_SEARCH_PREV, "search-prev", "N", "previous match", 0)                                    \
    X(ACT_PAUSE, "pause", "p", "pause or resume following", 0)                                     \
    X(ACT_WRAP, "wrap", "w", "wrap long lines", 0)                                                 \
    X(ACT_SAVE, "save", "s", "save the pane's lines to a file", 0)                                 \
    X(ACT_RAW, "raw", "J", "logs: raw lines, or JSON lines as level, message, fields", 0)          \
    X(ACT_WATCH, "watch", "w", "watch the service's rollout (deployments, tasks, health)", 0)      \
    X(ACT_HISTORY, "history", "H", "the service's deployment history and revision diffs", 0)       \
    X(ACT_TIMELINE, "timeline", "t", "timeline: what happened, newest first (Enter jumps)", 0)    \
    X(ACT_DEPLOY, "deploy", "D", "deploy (new image or force new deployment)", KF_MUTATES)         \
    X(ACT_ROLLBACK, "rollback", "R", "roll back to the previous task definition", KF_MUTATES)      \
    X(ACT_SCALE, "scale", "S", "scale (desired count)", KF_MUTATES)                                \
    X(ACT_STOP_TASK, "stop-task", "K", "stop the selected task", KF_MUTATES)                       \
    X(ACT_INVALIDATE, "invalidate", "I", "invalidate the CloudFront cache", KF_MUTATES)            \
    X(ACT_EXEC, "exec", "x", "a shell in the selected task's container (ECS Exec)", KF_MUTATES)     \
    X(ACT_OPEN_CONSOLE, "open-console", "o", "the AWS console page of the selected item",          \
      KF_GLOBAL)                                                                                   \
    X(ACT_COPY_ID, "copy-id", "y", "copy the selected item's ARN or ID (OSC 52)", KF_GLOBAL) \
    X(ACT_CONTINUE, "continue", "C", "continue a deployment paused at a lifecycle hook", KF_MUTATES)

enum ui_action {
    ACT_NONE = -1,
#define UI_ACT_ENUM(id, name, keys, help, flags) id,
    UI_ACTIONS(UI_ACT_ENUM)
#undef UI_ACT_ENUM
        ACT__COUNT
};

#define KEYS_MAX_PER_ACTION 4

const char *keys_action_name(enum ui_action a);
const char *keys_action_help(enum ui_action a);
unsigned keys_action_flags(enum ui_action a);
/* ACT_NONE when unknown. */
enum ui_action keys_action_find(const char *name);

/* Back to the compiled-in bindings. */
void keys_reset(void);
/* Replace an action's keys with a space-separated list of key names. */
enum od_err keys_bind(enum ui_action a, const char *spec, struct od_error *err);
/* Which action a key triggers, among the given candidates (a view's actions; the globals are
 * always candidates, after them); ACT_NONE when none. */
enum ui_action keys_lookup(int key, const enum ui_action *candidates, size_t n);
/* "Up k" - the current keys of an action, written into out. */
void keys_describe(enum ui_action a, char *out, size_t len);

/* Key names: a character ("k", "K", ">", "é"), or Up Down Left Right PgUp PgDn Home End
 * Enter Esc Tab BTab Space Backspace Delete Insert F1..F12, or C-x / ^x for control keys.
 * Returns -1 when the name is not a key. */
int keys_parse(const char *name);
/* The name of a key code (inverse of keys_parse). */
void keys_name(int key, char *out, size_t len);

/* A key from curses (wget_wch result) as a key code: Enter and Backspace normalised. */
int keys_from_curses(int rc, unsigned int wch);

#endif
