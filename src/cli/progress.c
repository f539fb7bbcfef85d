#include "cli/progress.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/clock.h"

void
progress_format(const struct od_poll_progress *pr, char *buf, size_t size)
{
    /* Totals grow while lists are read: what is known so far, of what is known to exist. */
    snprintf(buf, size, "services %zu/%zu, tasks %zu/%zu, targets %llu/%llu, %llu calls",
             pr->services, pr->services_listed, pr->tasks, pr->tasks_listed,
             (unsigned long long)pr->targets, (unsigned long long)pr->targets_asked,
             (unsigned long long)pr->calls);
    if (pr->throttled > 0) {
        size_t n = strlen(buf);

        snprintf(buf + n, size - n, ", %llu throttled", (unsigned long long)pr->throttled);
    }
}

static void
tick(void *ud)
{
    struct cli_progress *pg = ud;
    struct od_poll_progress pr;
    char line[256];

    pg->timer = 0;
    /* Not a terminal (a log): only when the wait is AWS's pace, not a slow answer or two. */
    if (poller_progress(pg->poller, &pr) && (pg->tty || pr.paced)) {
        progress_format(&pr, line, sizeof line);
        if (pg->tty)
            fprintf(stderr, "\rondeck: %s\033[K", line);
        else
            fprintf(stderr, "ondeck: %s\n", line);
        fflush(stderr);
        pg->shown = pg->tty;
    }
    pg->timer = loop_timer_add(pg->loop, pg->tty ? PROGRESS_TTY_EVERY_MS : PROGRESS_LOG_EVERY_MS,
                               tick, pg);
}

void
progress_start(struct cli_progress *pg, struct od_loop *loop, const struct od_poller *p,
               bool off)
{
    *pg = (struct cli_progress){0};
    if (off)
        return;
    pg->loop = loop;
    pg->poller = p;
    pg->started_ms = clock_mono_ms();
    pg->tty = isatty(STDERR_FILENO) == 1;
    pg->timer = loop_timer_add(loop, pg->tty ? PROGRESS_AFTER_MS : PROGRESS_LOG_EVERY_MS, tick,
                               pg);
}

void
progress_stop(struct cli_progress *pg)
{
    if (pg->timer != 0)
        loop_timer_cancel(pg->loop, pg->timer);
    pg->timer = 0;
    if (pg->shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    pg->shown = false;
}
