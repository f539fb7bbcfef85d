#include "loop/loop.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "util/xalloc.h"

struct watch {
    int fd;
    short events;
    bool dead; /* removed during dispatch; compacted after */
    loop_fd_cb cb;
    void *ud;
};

/* Timers live in an unsorted array: a console has tens of them, so a linear scan per
 * turn is cheaper and simpler than a heap with cancellation. */
struct timer {
    uint64_t id;
    uint64_t due;
    loop_cb cb;
    void *ud;
};

struct deferred {
    loop_cb cb;
    void *ud;
    struct deferred *next;
};

struct hook {
    loop_cb cb;
    void *ud;
};

struct od_loop {
    struct watch *watches;
    size_t nwatches, cwatches;
    struct pollfd *pfds;
    size_t cpfds;
    bool dispatching;

    struct timer *timers;
    size_t ntimers, ctimers;
    uint64_t next_timer_id;

    struct deferred *dhead, *dtail;

    struct hook *hooks;
    size_t nhooks;

    bool stop;
    uint64_t turns;
};

struct od_loop *
loop_new(void)
{
    struct od_loop *loop = xcalloc(1, sizeof *loop);

    loop->next_timer_id = 1;
    return loop;
}

void
loop_free(struct od_loop **lp)
{
    struct od_loop *loop = *lp;
    struct deferred *d, *next;

    if (loop == NULL)
        return;
    for (d = loop->dhead; d != NULL; d = next) {
        next = d->next;
        free(d);
    }
    free(loop->watches);
    free(loop->pfds);
    free(loop->timers);
    free(loop->hooks);
    free(loop);
    *lp = NULL;
}

static struct watch *
find_watch(struct od_loop *loop, int fd)
{
    for (size_t i = 0; i < loop->nwatches; i++)
        if (loop->watches[i].fd == fd && !loop->watches[i].dead)
            return &loop->watches[i];
    return NULL;
}

void
loop_watch_fd(struct od_loop *loop, int fd, short events, loop_fd_cb cb, void *ud)
{
    struct watch *w = find_watch(loop, fd);

    if (w == NULL) {
        if (loop->nwatches == loop->cwatches) {
            loop->cwatches = loop->cwatches != 0 ? loop->cwatches * 2 : 16;
            loop->watches = xreallocarray(loop->watches, loop->cwatches, sizeof *loop->watches);
        }
        w = &loop->watches[loop->nwatches++];
        w->fd = fd;
        w->dead = false;
    }
    w->events = events;
    w->cb = cb;
    w->ud = ud;
}

void
loop_unwatch_fd(struct od_loop *loop, int fd)
{
    struct watch *w = find_watch(loop, fd);

    if (w != NULL)
        w->dead = true;
}

static void
compact_watches(struct od_loop *loop)
{
    size_t j = 0;

    for (size_t i = 0; i < loop->nwatches; i++)
        if (!loop->watches[i].dead)
            loop->watches[j++] = loop->watches[i];
    loop->nwatches = j;
}

uint64_t
loop_timer_add(struct od_loop *loop, uint64_t delay_ms, loop_cb cb, void *ud)
{
    struct timer *t;

    if (loop->ntimers == loop->ctimers) {
        loop->ctimers = loop->ctimers != 0 ? loop->ctimers * 2 : 16;
        loop->timers = xreallocarray(loop->timers, loop->ctimers, sizeof *loop->timers);
    }
    t = &loop->timers[loop->ntimers++];
    t->id = loop->next_timer_id++;
    t->due = clock_mono_ms() + delay_ms;
    t->cb = cb;
    t->ud = ud;
    return t->id;
}

void
loop_timer_cancel(struct od_loop *loop, uint64_t id)
{
    for (size_t i = 0; i < loop->ntimers; i++) {
        if (loop->timers[i].id == id) {
            loop->timers[i] = loop->timers[--loop->ntimers];
            return;
        }
    }
}

void
loop_defer(struct od_loop *loop, loop_cb cb, void *ud)
{
    struct deferred *d = xmalloc(sizeof *d);

    d->cb = cb;
    d->ud = ud;
    d->next = NULL;
    if (loop->dtail != NULL)
        loop->dtail->next = d;
    else
        loop->dhead = d;
    loop->dtail = d;
}

void
loop_add_hook(struct od_loop *loop, loop_cb cb, void *ud)
{
    loop->hooks = xreallocarray(loop->hooks, loop->nhooks + 1, sizeof *loop->hooks);
    loop->hooks[loop->nhooks].cb = cb;
    loop->hooks[loop->nhooks].ud = ud;
    loop->nhooks++;
}

static int
poll_timeout(struct od_loop *loop)
{
    uint64_t now, soonest = UINT64_MAX;

    if (loop->dhead != NULL || loop->stop)
        return 0;
    for (size_t i = 0; i < loop->ntimers; i++)
        if (loop->timers[i].due < soonest)
            soonest = loop->timers[i].due;
    if (soonest == UINT64_MAX)
        return 60000;
    now = clock_mono_ms();
    if (soonest <= now)
        return 0;
    return soonest - now > 60000 ? 60000 : (int)(soonest - now);
}

static void
run_timers(struct od_loop *loop)
{
    uint64_t now = clock_mono_ms();
    size_t i = 0;

    /* A callback may add or cancel timers, so restart the scan after each one. */
    while (i < loop->ntimers) {
        if (loop->timers[i].due <= now) {
            struct timer t = loop->timers[i];

            loop->timers[i] = loop->timers[--loop->ntimers];
            t.cb(t.ud);
            i = 0;
            continue;
        }
        i++;
    }
}

static void
run_deferred(struct od_loop *loop)
{
    /* Detach the queue: only what was queued before this point runs now; callbacks that
     * defer more work land in the fresh queue and run next turn. */
    struct deferred *d = loop->dhead, *next;

    loop->dhead = loop->dtail = NULL;
    for (; d != NULL; d = next) {
        next = d->next;
        d->cb(d->ud);
        free(d);
    }
}

static void
turn(struct od_loop *loop)
{
    size_t n = loop->nwatches, i;
    int r;

    if (loop->cpfds < n) {
        loop->cpfds = n;
        loop->pfds = xreallocarray(loop->pfds, n, sizeof *loop->pfds);
    }
    for (i = 0; i < n; i++) {
        loop->pfds[i].fd = loop->watches[i].events != 0 ? loop->watches[i].fd : -1;
        loop->pfds[i].events = loop->watches[i].events;
        loop->pfds[i].revents = 0;
    }
    r = poll(loop->pfds, (nfds_t)n, poll_timeout(loop));
    if (r < 0 && errno != EINTR)
        od_fatal("poll: %s", strerror(errno));
    loop->dispatching = true;
    for (i = 0; r > 0 && i < n; i++) {
        struct watch *w = &loop->watches[i];

        if (loop->pfds[i].revents == 0 || w->dead || w->fd != loop->pfds[i].fd)
            continue;
        w->cb(w->fd, loop->pfds[i].revents, w->ud);
    }
    loop->dispatching = false;
    compact_watches(loop);
    run_timers(loop);
    run_deferred(loop);
    for (i = 0; i < loop->nhooks; i++)
        loop->hooks[i].cb(loop->hooks[i].ud);
    loop->turns++;
}

int
loop_run(struct od_loop *loop)
{
    while (!loop->stop)
        turn(loop);
    return 0;
}

void
loop_run_once(struct od_loop *loop)
{
    turn(loop);
}

void
loop_run_until(struct od_loop *loop, const bool *done)
{
    while (!*done && !loop->stop)
        turn(loop);
}

void
loop_stop(struct od_loop *loop)
{
    loop->stop = true;
}

bool
loop_stopping(const struct od_loop *loop)
{
    return loop->stop;
}

uint64_t
loop_turns(const struct od_loop *loop)
{
    return loop->turns;
}
