#include "ui/term.h"

#include <langinfo.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "ui/curses.h"
#include "util/str.h"
#include "util/xalloc.h"

static bool active;
static bool hooks_installed;
static struct termios saved_tio;
static bool have_saved_tio;
static SCREEN *screen;
/* What a crash handler writes: leave the alternate screen, show the cursor, reset colours. */
static char crash_seq[128];
static size_t crash_len;

static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL};

static void
on_crash(int signo)
{
    if (active) {
        if (crash_len > 0)
            (void)!write(STDOUT_FILENO, crash_seq, crash_len);
        if (have_saved_tio)
            (void)tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
    }
    signal(signo, SIG_DFL);
    raise(signo);
}

static void
add_cap(const char *name)
{
    char *s = tigetstr(name);
    size_t n;

    if (s == NULL || s == (char *)-1)
        return;
    n = strlen(s);
    if (crash_len + n < sizeof crash_seq) {
        memcpy(crash_seq + crash_len, s, n);
        crash_len += n;
    }
}

static void
on_exit_restore(void)
{
    term_stop();
}

static void
install_hooks(void)
{
    struct sigaction sa;

    if (hooks_installed)
        return;
    hooks_installed = true;
    atexit(on_exit_restore);
    od_fatal_hook = term_stop;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_crash;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    for (size_t i = 0; i < sizeof crash_signals / sizeof crash_signals[0]; i++)
        sigaction(crash_signals[i], &sa, NULL);
}

enum od_err
term_start(struct od_error *err)
{
    const char *term = getenv("TERM");

    if (active)
        return OD_OK;
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        od_error_set(err, OD_E_USAGE, "the console needs a terminal (try 'ondeck status')");
        return OD_E_USAGE;
    }
    if (str_empty(term)) {
        od_error_set(err, OD_E_USAGE, "TERM is not set");
        return OD_E_USAGE;
    }
    have_saved_tio = tcgetattr(STDIN_FILENO, &saved_tio) == 0;
    if ((screen = newterm(NULL, stdout, stdin)) == NULL) {
        od_error_set(err, OD_E_USAGE, "unknown terminal type '%s'", term);
        return OD_E_USAGE;
    }
    set_term(screen);
    active = true;
    install_hooks();
    crash_len = 0;
    add_cap("rmcup");
    add_cap("sgr0");
    add_cap("cnorm");
    add_cap("rmkx");
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    leaveok(stdscr, TRUE);
    return OD_OK;
}

void
term_stop(void)
{
    if (!active)
        return;
    active = false;
    endwin();
    if (screen != NULL) {
        delscreen(screen);
        screen = NULL;
    }
    if (have_saved_tio)
        (void)tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_tio);
}

bool
term_active(void)
{
    return active;
}

bool
term_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);

    return cs != NULL && (str_case_eq(cs, "UTF-8") || str_case_eq(cs, "utf8"));
}

void
term_pause(void)
{
    if (!active)
        return;
    endwin();
    if (have_saved_tio)
        (void)tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_tio);
}

void
term_resume(void)
{
    if (!active)
        return;
    /* curses re-enters its modes on the next refresh */
    reset_prog_mode();
    term_resize();
    clearok(curscr, TRUE);
}

void
term_suspend(void)
{
    if (!active)
        return;
    term_pause();
    raise(SIGSTOP);
    term_resume(); /* back from the shell */
}

bool
term_resize(void)
{
    struct winsize ws;

    if (!active || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0 ||
        ws.ws_col == 0)
        return false;
    if (ws.ws_row == LINES && ws.ws_col == COLS)
        return false;
    resizeterm(ws.ws_row, ws.ws_col);
    return true;
}
