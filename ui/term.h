/* The terminal: start curses, and give the terminal back on every way out — a normal quit,
 * SIGINT/SIGTERM/SIGHUP (through the loop), od_fatal (od_fatal_hook), exit() (atexit) and
 * crashes (SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL: saved termios and the terminal's own
 * "leave" sequences written with async-signal-safe calls, then the signal is re-raised). */
#ifndef UI_TERM_H
#define UI_TERM_H

#include <stdbool.h>

#include "util/err.h"

/* Start curses on the controlling terminal (stdin/stdout): raw keys, no echo, nodelay,
 * keypad, short ESC delay, hidden cursor. Fails cleanly when stdin/stdout is not a tty or
 * TERM is unknown. */
enum od_err term_start(struct od_error *err);
/* Leave curses and restore the terminal; idempotent and safe from any exit path. */
void term_stop(void);
bool term_active(void);
/* True when the locale's codeset is UTF-8 (else ASCII drawing). */
bool term_utf8(void);
/* Suspend to the shell (SIGTSTP, ctrl-z) and come back with a full repaint. */
void term_suspend(void);
/* Give the terminal to a child that runs in the foreground (session-manager-plugin): leave
 * curses and restore the terminal's modes; term_resume takes it back with a full repaint. */
void term_pause(void);
void term_resume(void);
/* Read the kernel's idea of the window size and tell curses; false when unchanged. */
bool term_resize(void);

#endif
