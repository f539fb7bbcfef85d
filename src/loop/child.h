/* Asynchronous child processes (credential_process): fork/exec without a shell, stdout and
 * stderr through non-blocking pipes watched by the loop, capped collection, reaping with
 * waitpid(WNOHANG) after EOF (plus a short retry timer), and a hard timeout (SIGKILL). */
#ifndef OD_CHILD_H
#define OD_CHILD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "loop/loop.h"
#include "util/err.h"

struct od_child;

struct od_child_opts {
    long timeout_ms;    /* 0 = 60 s */
    size_t max_stdout;  /* 0 = 64 KiB; more kills the child (SIGKILL) and sets stdout_truncated */
    size_t max_stderr;  /* 0 = 8 KiB; more is silently dropped */
};

struct od_child_result {
    enum od_err err;       /* OD_OK when the child ran and was reaped (any exit status) */
    const char *errmsg;    /* when err != OD_OK: exec failure, timeout, ... */
    bool exited;           /* exited normally: exit_status is valid */
    int exit_status;
    int term_signal;       /* killed by this signal, else 0 */
    bool timed_out;
    bool stdout_truncated; /* the child printed more than max_stdout */
    const char *out;       /* NUL-terminated stdout (may hold secrets: never log it) */
    size_t out_len;
    const char *errout;    /* NUL-terminated stderr, capped */
    size_t errout_len;
};

/* Called exactly once, from the loop. res and its strings live only during the call. */
typedef void (*child_cb)(const struct od_child_result *res, void *ud);

/* Start argv[0] (PATH lookup) with stdin from /dev/null. OD_OK = cb will run later;
 * otherwise err says why (fork/pipe failure or the program could not be executed). */
enum od_err child_spawn(struct od_loop *loop, char *const argv[], const struct od_child_opts *opts,
                        child_cb cb, void *ud, struct od_error *err);

/* Number of children started and not yet reported (tests). */
size_t child_running(void);

#endif
