/* Signals as loop events (the self-pipe trick): the handler only writes the signal number to
 * a non-blocking pipe; the loop reads it and runs the registered callback like any other
 * event, so no callback ever runs inside a signal handler. One set per process (signal
 * dispositions are process-wide). Used by the CLI (SIGINT/SIGTERM end `logs --follow`) and
 * meant for the console (SIGWINCH, SIGTSTP, SIGCONT). */
#ifndef OD_SIGNALS_H
#define OD_SIGNALS_H

#include "loop/loop.h"
#include "util/err.h"

typedef void (*signals_cb)(int signo, void *ud);

/* Create the pipe and watch it in loop; harmless when already installed on this loop. */
enum od_err signals_install(struct od_loop *loop, struct od_error *err);
/* Catch signo (SA_RESTART) and run cb(signo, ud) from the loop when it arrives. Registering
 * a signal again replaces its callback. Needs signals_install first. */
void signals_on(int signo, signals_cb cb, void *ud);
/* Restore the default disposition of signo. */
void signals_off(int signo);
/* Restore every signal caught, unwatch and close the pipe. */
void signals_uninstall(void);

#endif
