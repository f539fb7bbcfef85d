/* THE event loop: one poll() over every fd (curl sockets, the terminal, the signal pipe,
 * child pipes), timers, and a queue of deferred callbacks. One thread; callbacks never
 * run re-entrantly inside the call that scheduled them. */
#ifndef OD_LOOP_H
#define OD_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct od_loop;

typedef void (*loop_fd_cb)(int fd, short revents, void *ud);
typedef void (*loop_cb)(void *ud);

struct od_loop *loop_new(void);
void loop_free(struct od_loop **lp);

/* Watch fd for events (POLLIN/POLLOUT); watching an fd again replaces its events and
 * callback. events == 0 keeps the fd registered but idle. */
void loop_watch_fd(struct od_loop *loop, int fd, short events, loop_fd_cb cb, void *ud);
void loop_unwatch_fd(struct od_loop *loop, int fd);

/* One-shot timer after delay_ms; returns a non-zero id for loop_timer_cancel. */
uint64_t loop_timer_add(struct od_loop *loop, uint64_t delay_ms, loop_cb cb, void *ud);
/* Cancelling an id that already fired or was cancelled is harmless. */
void loop_timer_cancel(struct od_loop *loop, uint64_t id);

/* Run cb on the next turn of the loop, never inside the current call. */
void loop_defer(struct od_loop *loop, loop_cb cb, void *ud);

/* Hooks run at the end of every turn, in order of registration (key drain, redraw). */
void loop_add_hook(struct od_loop *loop, loop_cb cb, void *ud);

/* Run until loop_stop(); returns 0. */
int loop_run(struct od_loop *loop);
void loop_stop(struct od_loop *loop);
bool loop_stopping(const struct od_loop *loop);
/* Run exactly one turn: poll (bounded by timers), dispatch, timers, deferred, hooks. */
void loop_run_once(struct od_loop *loop);
/* Run turns until *done becomes true or the loop is stopped (used by the CLI). */
void loop_run_until(struct od_loop *loop, const bool *done);

/* Turns of the loop so far (benchmarks, tests). */
uint64_t loop_turns(const struct od_loop *loop);

#endif
