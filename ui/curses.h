/* The single include of ncurses for the console (wide-character build, ncursesw). Nothing
 * outside ui/ includes curses; inside ui/, include this file rather than <curses.h>. */
#ifndef UI_CURSES_H
#define UI_CURSES_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <ncursesw/curses.h>

#endif
