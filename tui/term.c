/* term.c: the ncurses front end (contract in term.h). Only this file knows
 * the colours and the terminal. */
#include "config.h"

#include <curses.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "term.h"

static volatile sig_atomic_t got_signal;
static int curses_on;

static void on_signal(int sig)
{
    got_signal = sig;
}

/* Idempotent; registered with atexit so any exit leaves a sane terminal. */
static void restore_terminal(void)
{
    if (curses_on) {
        curses_on = 0;
        curs_set(1);
        endwin();
    }
}

static void install_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* sets a flag; the loop sees it within 250 ms */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

static chtype role_attr[TUI_ROLE_COUNT];

static void init_colours(void)
{
    const char *nc = getenv("NO_COLOR");
    int colour = !(nc && *nc) && has_colors();

    for (int i = 0; i < TUI_ROLE_COUNT; i++)
        role_attr[i] = A_NORMAL;
    role_attr[TUI_TITLE] = A_BOLD;
    role_attr[TUI_SEL] = A_REVERSE;
    role_attr[TUI_CURSOR] = A_REVERSE;
    role_attr[TUI_KEY] = A_REVERSE;
    if (!colour)
        return;
    start_color();
    use_default_colors();
    static const struct { int role, fg, bg; chtype extra; } map[] = {
        { TUI_TITLE, COLOR_CYAN, -1, A_BOLD }, { TUI_BORDER, COLOR_BLUE, -1, 0 },
        { TUI_DIM, COLOR_WHITE, -1, A_DIM }, { TUI_GOOD, COLOR_GREEN, -1, 0 },
        { TUI_WARN, COLOR_YELLOW, -1, 0 }, { TUI_CRIT, COLOR_RED, -1, A_BOLD },
        { TUI_SEL, COLOR_BLACK, COLOR_CYAN, 0 }, { TUI_BAR, COLOR_GREEN, -1, 0 },
        { TUI_KEY, COLOR_BLACK, COLOR_WHITE, 0 }, { TUI_CURSOR, COLOR_BLACK, COLOR_YELLOW, 0 },
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        init_pair((short)(i + 1), (short)map[i].fg, (short)map[i].bg);
        role_attr[map[i].role] = COLOR_PAIR(i + 1) | map[i].extra;
    }
}

static void blit(const tui_grid *g)
{
    for (int y = 0; y < g->h && y < LINES; y++) {
        move(y, 0);
        for (int x = 0; x < g->w && x < COLS; x++) {
            size_t k = (size_t)y * g->w + x;
            if (y == LINES - 1 && x == COLS - 1)
                break; /* writing the last cell would scroll */
            addch((chtype)(unsigned char)g->ch[k] | role_attr[g->role[k]]);
        }
    }
    refresh();
}

static int map_key(int ch)
{
    switch (ch) {
    case KEY_UP: return TUI_K_UP;
    case KEY_DOWN: return TUI_K_DOWN;
    case KEY_LEFT: return TUI_K_LEFT;
    case KEY_RIGHT: return TUI_K_RIGHT;
    case KEY_PPAGE: return TUI_K_PGUP;
    case KEY_NPAGE: return TUI_K_PGDN;
    case KEY_HOME: return TUI_K_HOME;
    case KEY_END: return TUI_K_END;
    case KEY_ENTER: case '\n': case '\r': return TUI_K_ENTER;
    case 27: return TUI_K_ESC;
    case KEY_BACKSPACE: case 127: case 8: return TUI_K_BACKSPACE;
    case KEY_RESIZE: return TUI_K_RESIZE;
    default: return ch;
    }
}

int tui_term_run(tui_app *a, char *why, size_t why_cap)
{
    SCREEN *scr;
    tui_grid g;
    int64_t next_tick = 0;
    int dirty = 1;

    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        snprintf(why, why_cap, "needs a terminal (stdin and stdout); for text output use "
                 "--snapshot COLSxROWS");
        return -1;
    }
    setenv("ESCDELAY", "25", 0);
    scr = newterm(NULL, stdout, stdin);
    if (!scr) {
        snprintf(why, why_cap, "cannot use the terminal (TERM=%s)", getenv("TERM") ? getenv("TERM") : "");
        return -1;
    }
    set_term(scr);
    curses_on = 1;
    atexit(restore_terminal);
    install_signals();
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    curs_set(0);
    init_colours();
    if (tui_grid_init(&g, COLS, LINES) < 0) {
        restore_terminal();
        delscreen(scr);
        snprintf(why, why_cap, "out of memory");
        return -1;
    }
    while (!a->quit && !got_signal) {
        int64_t now = gp_now_ns();
        int wait_ms = 250, ch;

        if (a->mode == TUI_MODE_LIVE) {
            if (now >= next_tick) {
                tui_app_tick(a, now);
                next_tick = now + a->delay_ns;
                dirty = 1;
            }
            int64_t left = (next_tick - now) / 1000000;
            wait_ms = left < 1 ? 1 : left < 250 ? (int)left : 250;
        }
        if (dirty) {
            tui_app_render(a, &g);
            blit(&g);
            dirty = 0;
        }
        timeout(wait_ms);
        ch = getch();
        if (ch == ERR)
            continue;
        ch = map_key(ch);
        if (ch == TUI_K_RESIZE && tui_grid_resize(&g, COLS, LINES) == 0)
            clear();
        tui_app_key(a, ch);
        dirty = 1;
    }
    restore_terminal();
    delscreen(scr);
    tui_grid_free(&g);
    return 0;
}
