#include "util/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/str.h"
#include "util/xalloc.h"

static bool
executable(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

char *
spawn_which(const char *name)
{
    const char *path = getenv("PATH"), *p, *end;

    if (str_empty(name))
        return NULL;
    if (strchr(name, '/') != NULL)
        return executable(name) ? xstrdup(name) : NULL;
    if (path == NULL)
        path = "/usr/bin:/bin";
    for (p = path;; p = end + 1) {
        char *cand;

        end = strchr(p, ':');
        if (end == NULL)
            end = p + strlen(p);
        /* an empty PATH entry means the current directory */
        cand = end == p ? xasprintf("./%s", name) : xasprintf("%.*s/%s", (int)(end - p), p, name);
        if (executable(cand))
            return cand;
        free(cand);
        if (*end == '\0')
            return NULL;
    }
}

/* The child keeps stdin, stdout and stderr only: not our sockets, pipes or log file. */
static void
close_other_fds(void)
{
    long max = sysconf(_SC_OPEN_MAX);

    if (max < 0 || max > 4096)
        max = 4096;
    for (int fd = STDERR_FILENO + 1; fd < (int)max; fd++)
        (void)close(fd);
}

static void
child_defaults(void)
{
    static const int sigs[] = {SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGPIPE, SIGCHLD,
                               SIGHUP, SIGTERM, SIGWINCH, SIGCONT};
    sigset_t none;

    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        signal(sigs[i], SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    close_other_fds();
}

enum od_err
spawn_detached(char *const argv[], struct od_error *err)
{
    char *path = spawn_which(argv[0]);
    pid_t pid;
    int st;

    if (path == NULL) {
        od_error_set(err, OD_E_USAGE, "%s is not on PATH", argv[0]);
        return OD_E_USAGE;
    }
    if ((pid = fork()) < 0) {
        od_error_set(err, OD_E_IO, "fork: %s", strerror(errno));
        free(path);
        return OD_E_IO;
    }
    if (pid == 0) {
        int fd;

        child_defaults();
        fd = open("/dev/null", O_RDWR);
        if (fd >= 0) {
            dup2(fd, STDIN_FILENO);
            dup2(fd, STDOUT_FILENO);
            dup2(fd, STDERR_FILENO);
            if (fd > STDERR_FILENO)
                close(fd);
        }
        setsid();
        if (fork() == 0) {
            execv(path, argv);
            _exit(127);
        }
        _exit(0);
    }
    free(path);
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return OD_OK;
}

enum od_err
spawn_foreground(const char *path, char *const argv[], char *const envp[], int *status,
                 struct od_error *err)
{
    static const int ignored[] = {SIGINT, SIGQUIT, SIGTSTP};
    struct sigaction ign, old[3];
    pid_t pid;
    int st = 0;

    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    for (size_t i = 0; i < 3; i++)
        sigaction(ignored[i], &ign, &old[i]);
    pid = fork();
    if (pid == 0) {
        child_defaults();
        execve(path, argv, envp);
        _exit(127);
    }
    if (pid > 0)
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
            ;
    for (size_t i = 0; i < 3; i++)
        sigaction(ignored[i], &old[i], NULL);
    if (pid < 0) {
        od_error_set(err, OD_E_IO, "fork: %s", strerror(errno));
        return OD_E_IO;
    }
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 1;
    return OD_OK;
}
