/* A progress line on stderr while a command's refresh takes more than a second: rewritten in
 * place when stderr is a terminal; else (a log) one line every few seconds, and only while
 * AWS's pace holds the refresh back (a budget ran dry, or AWS throttled). Never on stdout. */
#ifndef OD_CLI_PROGRESS_H
#define OD_CLI_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "loop/loop.h"
#include "poller/poller.h"

#define PROGRESS_AFTER_MS 1000     /* on a terminal: nothing for a command that is quick */
#define PROGRESS_TTY_EVERY_MS 250
#define PROGRESS_LOG_EVERY_MS 5000 /* not a terminal (a log): one line per 5 s, the first at 5 s */

struct cli_progress {
    struct od_loop *loop;
    const struct od_poller *poller;
    uint64_t timer;
    uint64_t started_ms;
    bool tty;
    bool shown; /* a line is on the terminal, to be cleared */
};

/* Start ticking (does nothing when off). */
void progress_start(struct cli_progress *pg, struct od_loop *loop, const struct od_poller *p,
                    bool off);
/* Stop, and clear the line from the terminal. */
void progress_stop(struct cli_progress *pg);
/* The line for p (without "ondeck: " or a newline) into buf; exposed for tests. */
void progress_format(const struct od_poll_progress *pr, char *buf, size_t size);

#endif
