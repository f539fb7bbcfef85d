#include "loop/child.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/hash.h"
#include "util/log.h"
#include "util/xalloc.h"

#define REAP_RETRY_MS 5

struct od_child {
    struct od_loop *loop;
    pid_t pid;
    int out_fd; /* -1 once closed */
    int err_fd;
    struct od_buf out;
    struct od_buf errout;
    bool out_truncated;
    uint64_t timeout_timer;
    uint64_t reap_timer;
    bool timed_out;
    child_cb cb;
    void *ud;
};

static size_t nrunning;

size_t
child_running(void)
{
    return nrunning;
}

static void
close_fd(struct od_child *c, int *fd)
{
    if (*fd < 0)
        return;
    loop_unwatch_fd(c->loop, *fd);
    close(*fd);
    *fd = -1;
}

static void
finish(struct od_child *c, int status, bool reaped, const char *errmsg)
{
    struct od_child_result res = { 0 };

    loop_timer_cancel(c->loop, c->timeout_timer);
    loop_timer_cancel(c->loop, c->reap_timer);
    close_fd(c, &c->out_fd);
    close_fd(c, &c->err_fd);
    res.timed_out = c->timed_out;
    res.stdout_truncated = c->out_truncated;
    if (c->timed_out) {
        res.err = OD_E_TIMEOUT;
        res.errmsg = "timed out (killed)";
    } else if (!reaped) {
        res.err = OD_E_IO;
        res.errmsg = errmsg != NULL ? errmsg : "lost track of the child process";
    } else if (WIFEXITED(status)) {
        res.exited = true;
        res.exit_status = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        res.term_signal = WTERMSIG(status);
    }
    res.out = buf_cstr(&c->out);
    res.out_len = c->out.len;
    res.errout = buf_cstr(&c->errout);
    res.errout_len = c->errout.len;
    nrunning--;
    c->cb(&res, c->ud);
    /* stdout can hold secrets. */
    if (c->out.data != NULL)
        secure_zero(c->out.data, c->out.len);
    buf_free(&c->out);
    buf_free(&c->errout);
    free(c);
}

static void try_reap(struct od_child *c);

static void
reap_timer_cb(void *ud)
{
    struct od_child *c = ud;

    c->reap_timer = 0;
    try_reap(c);
}

/* Both pipes are closed (or we gave up): collect the exit status without blocking. */
static void
try_reap(struct od_child *c)
{
    int status = 0;
    pid_t r;

    do
        r = waitpid(c->pid, &status, WNOHANG);
    while (r < 0 && errno == EINTR);
    if (r == c->pid) {
        finish(c, status, true, NULL);
        return;
    }
    if (r < 0) {
        /* ECHILD: someone else reaped it (a global SIGCHLD handler); status unknown. */
        finish(c, 0, false, "exit status unavailable (already reaped)");
        return;
    }
    /* Closed its pipes but still running: look again shortly; the timeout bounds this. */
    c->reap_timer = loop_timer_add(c->loop, REAP_RETRY_MS, reap_timer_cb, c);
}

static void
on_readable(int fd, short revents, void *ud)
{
    struct od_child *c = ud;
    bool is_out = fd == c->out_fd;
    struct od_buf *b = is_out ? &c->out : &c->errout;
    char chunk[4096];
    ssize_t n;

    for (;;) {
        n = read(fd, chunk, sizeof chunk);
        if (n > 0) {
            size_t room = b->max > b->len ? b->max - b->len : 0;
            size_t take = (size_t)n < room ? (size_t)n : room;

            if (take > 0)
                buf_append(b, chunk, take);
            if (take < (size_t)n && is_out && !c->out_truncated) {
                /* Over the cap: the answer is already an error, stop the producer. Keep
                 * draining until EOF so the child never blocks on a full pipe. */
                c->out_truncated = true;
                kill(c->pid, SIGKILL);
            }
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        break; /* EOF or error */
    }
    secure_zero(chunk, sizeof chunk);
    close_fd(c, is_out ? &c->out_fd : &c->err_fd);
    if (c->out_fd < 0 && c->err_fd < 0)
        try_reap(c);
}

static void
on_timeout(void *ud)
{
    struct od_child *c = ud;
    int status = 0;

    c->timeout_timer = 0;
    c->timed_out = true;
    kill(c->pid, SIGKILL);
    /* SIGKILL cannot be caught: this wait is immediate in practice. */
    while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
        ;
    finish(c, status, true, NULL);
}

static int
cloexec_pipe(int fds[2])
{
    return pipe2(fds, O_CLOEXEC);
}

enum od_err
child_spawn(struct od_loop *loop, char *const argv[], const struct od_child_opts *opts,
            child_cb cb, void *ud, struct od_error *err)
{
    int outp[2] = { -1, -1 }, errp[2] = { -1, -1 }, execp[2] = { -1, -1 };
    int devnull = -1, child_errno = 0;
    struct od_child *c;
    pid_t pid;
    ssize_t n;

    if (argv == NULL || argv[0] == NULL) {
        od_error_set(err, OD_E_USAGE, "empty command");
        return OD_E_USAGE;
    }
    if (cloexec_pipe(outp) < 0 || cloexec_pipe(errp) < 0 || cloexec_pipe(execp) < 0 ||
        (devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
        od_error_set(err, OD_E_IO, "cannot create pipes: %s", strerror(errno));
        goto fail;
    }
    pid = fork();
    if (pid < 0) {
        od_error_set(err, OD_E_IO, "fork: %s", strerror(errno));
        goto fail;
    }
    if (pid == 0) {
        /* Child: only async-signal-safe calls until exec. */
        int e;

        signal(SIGPIPE, SIG_DFL);
        if (dup2(devnull, 0) < 0 || dup2(outp[1], 1) < 0 || dup2(errp[1], 2) < 0) {
            e = errno;
            (void)!write(execp[1], &e, sizeof e);
            _exit(127);
        }
        execvp(argv[0], argv);
        e = errno;
        (void)!write(execp[1], &e, sizeof e);
        _exit(127);
    }
    close(outp[1]);
    close(errp[1]);
    close(execp[1]);
    close(devnull);
    /* The exec pipe closes on a successful exec (O_CLOEXEC) or carries errno: this read
     * waits only for the exec itself. */
    do
        n = read(execp[0], &child_errno, sizeof child_errno);
    while (n < 0 && errno == EINTR);
    close(execp[0]);
    if (n == (ssize_t)sizeof child_errno) {
        int status;

        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        close(outp[0]);
        close(errp[0]);
        od_error_set(err, OD_E_IO, "cannot run '%s': %s", argv[0], strerror(child_errno));
        return OD_E_IO;
    }

    c = xcalloc(1, sizeof *c);
    c->loop = loop;
    c->pid = pid;
    c->out_fd = outp[0];
    c->err_fd = errp[0];
    c->cb = cb;
    c->ud = ud;
    buf_init(&c->out, opts != NULL && opts->max_stdout != 0 ? opts->max_stdout : 64 * 1024);
    buf_init(&c->errout, opts != NULL && opts->max_stderr != 0 ? opts->max_stderr : 8 * 1024);
    fcntl(c->out_fd, F_SETFL, fcntl(c->out_fd, F_GETFL) | O_NONBLOCK);
    fcntl(c->err_fd, F_SETFL, fcntl(c->err_fd, F_GETFL) | O_NONBLOCK);
    loop_watch_fd(loop, c->out_fd, POLLIN, on_readable, c);
    loop_watch_fd(loop, c->err_fd, POLLIN, on_readable, c);
    c->timeout_timer = loop_timer_add(
        loop, (uint64_t)(opts != NULL && opts->timeout_ms > 0 ? opts->timeout_ms : 60000),
        on_timeout, c);
    nrunning++;
    log_debug("child: started '%s' (pid %ld)", argv[0], (long)pid);
    return OD_OK;

fail:
    if (outp[0] >= 0) {
        close(outp[0]);
        close(outp[1]);
    }
    if (errp[0] >= 0) {
        close(errp[0]);
        close(errp[1]);
    }
    if (execp[0] >= 0) {
        close(execp[0]);
        close(execp[1]);
    }
    if (devnull >= 0)
        close(devnull);
    return OD_E_IO;
}
