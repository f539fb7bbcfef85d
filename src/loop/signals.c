#include "loop/signals.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#define MAX_SIGNO 65

struct slot {
    bool caught;
    signals_cb cb;
    void *ud;
    struct sigaction old;
};

static struct od_loop *sig_loop;
static int sig_pipe[2] = {-1, -1};
static struct slot slots[MAX_SIGNO];

static void
on_signal(int signo)
{
    int saved = errno;
    unsigned char b = (unsigned char)signo;

    /* A full pipe only drops a repeat of a pending signal: good enough. */
    if (write(sig_pipe[1], &b, 1) < 0) {
        /* nothing to do in a handler */
    }
    errno = saved;
}

static void
on_pipe(int fd, short revents, void *ud)
{
    unsigned char bytes[64];
    ssize_t n;

    (void)revents;
    (void)ud;
    while ((n = read(fd, bytes, sizeof bytes)) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            int signo = bytes[i];

            if (signo > 0 && signo < MAX_SIGNO && slots[signo].caught && slots[signo].cb != NULL)
                slots[signo].cb(signo, slots[signo].ud);
        }
    }
}

static bool
set_flags(int fd)
{
    int fl = fcntl(fd, F_GETFL);

    return fl >= 0 && fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0 &&
           fcntl(fd, F_SETFD, FD_CLOEXEC) == 0;
}

enum od_err
signals_install(struct od_loop *loop, struct od_error *err)
{
    if (sig_loop == loop && sig_pipe[0] >= 0)
        return OD_OK;
    if (sig_pipe[0] >= 0)
        signals_uninstall();
    if (pipe(sig_pipe) != 0 || !set_flags(sig_pipe[0]) || !set_flags(sig_pipe[1])) {
        od_error_set(err, OD_E_IO, "signal pipe: %s", strerror(errno));
        if (sig_pipe[0] >= 0) {
            close(sig_pipe[0]);
            close(sig_pipe[1]);
        }
        sig_pipe[0] = sig_pipe[1] = -1;
        return OD_E_IO;
    }
    sig_loop = loop;
    loop_watch_fd(loop, sig_pipe[0], POLLIN, on_pipe, NULL);
    return OD_OK;
}

void
signals_on(int signo, signals_cb cb, void *ud)
{
    struct sigaction sa;

    if (signo <= 0 || signo >= MAX_SIGNO || sig_pipe[0] < 0)
        return;
    slots[signo].cb = cb;
    slots[signo].ud = ud;
    if (slots[signo].caught)
        return;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    if (sigaction(signo, &sa, &slots[signo].old) == 0)
        slots[signo].caught = true;
}

void
signals_off(int signo)
{
    if (signo <= 0 || signo >= MAX_SIGNO || !slots[signo].caught)
        return;
    sigaction(signo, &slots[signo].old, NULL);
    slots[signo].caught = false;
    slots[signo].cb = NULL;
    slots[signo].ud = NULL;
}

void
signals_uninstall(void)
{
    for (int s = 1; s < MAX_SIGNO; s++)
        signals_off(s);
    if (sig_pipe[0] >= 0) {
        if (sig_loop != NULL)
            loop_unwatch_fd(sig_loop, sig_pipe[0]);
        close(sig_pipe[0]);
        close(sig_pipe[1]);
    }
    sig_pipe[0] = sig_pipe[1] = -1;
    sig_loop = NULL;
}
