/* grid.h: an off-screen character grid the panels draw into.
 *
 * Drawing never touches the terminal: tui/term.c copies a finished grid to
 * the screen, tests and the benchmark read it back as text. Cells hold one
 * printable ASCII character and a colour role (named by meaning; only
 * term.c knows the colours). Every drawing call clips to the grid, so a
 * panel drawn partly off-grid is cut, never written out of bounds.
 *
 *     tui_grid g;
 *     tui_grid_init(&g, 80, 24);
 *     tui_put(&g, 0, 0, 80, TUI_TITLE, "gpupack top");
 *     char row[256]; tui_grid_row(&g, 0, row, sizeof row);
 *     tui_grid_free(&g);
 */
#ifndef GP_TUI_GRID_H
#define GP_TUI_GRID_H

#include <stddef.h>

typedef enum tui_role {
    TUI_NORMAL = 0, TUI_TITLE, TUI_BORDER, TUI_DIM, TUI_GOOD, TUI_WARN, TUI_CRIT,
    TUI_SEL, TUI_BAR, TUI_KEY, TUI_CURSOR, TUI_ROLE_COUNT
} tui_role;

typedef struct tui_rect {
    int x, y, w, h;
} tui_rect;

typedef struct tui_grid {
    int w, h;
    char *ch;             /* w * h characters, row by row */
    unsigned char *role;  /* w * h tui_role */
} tui_grid;

/* Allocates a w x h grid of blanks. 0, or -1 if out of memory. */
int tui_grid_init(tui_grid *g, int w, int h);
/* Resizes (contents become blank). 0, or -1 if out of memory (g unchanged). */
int tui_grid_resize(tui_grid *g, int w, int h);
void tui_grid_free(tui_grid *g);
void tui_grid_clear(tui_grid *g);

/* Writes s at (x, y), at most maxw columns, one character a cell: a
 * control character in its shown form (common/text.h: "\x1b", "\u009b"),
 * "…" as '~', any other non-ASCII character and each invalid UTF-8 byte as
 * '?'. Returns the columns written. */
int tui_put(tui_grid *g, int x, int y, int maxw, int role, const char *s);
int tui_putf(tui_grid *g, int x, int y, int maxw, int role, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Sets the role of a run of cells without changing their characters. */
void tui_paint(tui_grid *g, int x, int y, int w, int role);
void tui_fill(tui_grid *g, tui_rect r, char c, int role);
/* A frame around r with the title in its top edge. */
void tui_box(tui_grid *g, tui_rect r, const char *title);

/* Row y as text (trailing blanks kept), NUL-terminated. */
char *tui_grid_row(const tui_grid *g, int y, char *buf, size_t cap);
/* 1 if text occurs anywhere in the grid (within one row). */
int tui_grid_has(const tui_grid *g, const char *text);

#endif
