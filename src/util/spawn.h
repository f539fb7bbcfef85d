/* Running other programs without a shell: find one on PATH, start one detached (a browser,
 * notify-send: it outlives nothing of ours and never touches the terminal), or run one in the
 * foreground with the terminal (session-manager-plugin) while ondeck waits. */
#ifndef OD_UTIL_SPAWN_H
#define OD_UTIL_SPAWN_H

#include <stdbool.h>

#include "util/err.h"

/* The full path of an executable: name itself when it holds a '/', else the first match on
 * PATH. malloc'd, NULL when there is none. */
char *spawn_which(const char *name);

/* Start argv (argv[0] looked up on PATH) in its own session, stdin/stdout/stderr on
 * /dev/null, and do not wait for it (a double fork: no zombie is left).
 * OD_E_USAGE when the program is not on PATH. */
enum od_err spawn_detached(char *const argv[], struct od_error *err);

/* Run path with argv and envp on our terminal and wait until it ends. Meanwhile SIGINT,
 * SIGQUIT and SIGTSTP are ignored here (the child gets them from the terminal and handles
 * them, as the AWS CLI does around session-manager-plugin); the child starts with the
 * default dispositions. *status is the exit status, or 128 + the signal that ended it. */
enum od_err spawn_foreground(const char *path, char *const argv[], char *const envp[],
                             int *status, struct od_error *err);

#endif
