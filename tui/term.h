/* term.h: puts `gpupack top` on the terminal with ncurses: the key loop,
 * refresh timing, resize, colours (none under NO_COLOR), and restoring the
 * terminal on every way out (quit, SIGINT/SIGTERM/SIGHUP, exit()). */
#ifndef GP_TUI_TERM_H
#define GP_TUI_TERM_H

#include "app.h"

/* Runs a until it quits or a signal asks it to. 0, or -1 with why set when
 * the terminal cannot be used (not a terminal, unknown TERM). */
int tui_term_run(tui_app *a, char *why, size_t why_cap);

#endif
