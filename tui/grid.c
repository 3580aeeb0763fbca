/* grid.c: the off-screen character grid (contract in grid.h). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/text.h"
#include "grid.h"

int tui_grid_init(tui_grid *g, int w, int h)
{
    memset(g, 0, sizeof *g);
    return tui_grid_resize(g, w, h);
}

int tui_grid_resize(tui_grid *g, int w, int h)
{
    size_t n;
    char *ch;
    unsigned char *role;

    if (w < 1)
        w = 1;
    if (h < 1)
        h = 1;
    n = (size_t)w * (size_t)h;
    ch = malloc(n);
    role = malloc(n);
    if (!ch || !role) {
        free(ch);
        free(role);
        return -1;
    }
    free(g->ch);
    free(g->role);
    g->ch = ch;
    g->role = role;
    g->w = w;
    g->h = h;
    tui_grid_clear(g);
    return 0;
}

void tui_grid_free(tui_grid *g)
{
    free(g->ch);
    free(g->role);
    memset(g, 0, sizeof *g);
}

void tui_grid_clear(tui_grid *g)
{
    memset(g->ch, ' ', (size_t)g->w * (size_t)g->h);
    memset(g->role, TUI_NORMAL, (size_t)g->w * (size_t)g->h);
}

/* One cell's character for the text at s (n bytes left), or the shown form
 * of a control character (common/text.h) in shown; returns its length
 * there and sets *used to the bytes of s it stands for. */
static size_t cell_text(const char *s, size_t n, char shown[GP_TEXT_SHOWN_MAX], size_t *used)
{
    gp_text_kind kind;
    uint32_t cp;

    *used = gp_text_char(s, n, &kind, &cp);
    if (kind == GP_TEXT_CONTROL)
        return gp_text_shown_char(s, n, shown, used);
    shown[0] = kind == GP_TEXT_PLAIN && cp < 0x80 ? s[0] : cp == 0x2026 ? '~' : '?';
    return 1;
}

int tui_put(tui_grid *g, int x, int y, int maxw, int role, const char *s)
{
    size_t len, i = 0;
    int n = 0;

    if (y < 0 || y >= g->h || !s)
        return 0;
    len = strlen(s);
    while (i < len && n < maxw && x < g->w) {
        char cell[GP_TEXT_SHOWN_MAX];
        size_t used, k = cell_text(s + i, len - i, cell, &used);
        for (size_t j = 0; j < k && n < maxw; j++, n++, x++) {
            if (x < 0)
                continue;
            if (x >= g->w)
                break;
            g->ch[(size_t)y * g->w + x] = cell[j];
            g->role[(size_t)y * g->w + x] = (unsigned char)role;
        }
        i += used;
    }
    return n;
}

int tui_putf(tui_grid *g, int x, int y, int maxw, int role, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return tui_put(g, x, y, maxw, role, buf);
}

void tui_paint(tui_grid *g, int x, int y, int w, int role)
{
    if (y < 0 || y >= g->h)
        return;
    for (int i = x < 0 ? 0 : x; i < x + w && i < g->w; i++)
        g->role[(size_t)y * g->w + i] = (unsigned char)role;
}

void tui_fill(tui_grid *g, tui_rect r, char c, int role)
{
    for (int y = r.y; y < r.y + r.h; y++) {
        if (y < 0 || y >= g->h)
            continue;
        for (int x = r.x < 0 ? 0 : r.x; x < r.x + r.w && x < g->w; x++) {
            g->ch[(size_t)y * g->w + x] = c;
            g->role[(size_t)y * g->w + x] = (unsigned char)role;
        }
    }
}

void tui_box(tui_grid *g, tui_rect r, const char *title)
{
    if (r.w < 2 || r.h < 2)
        return;
    tui_fill(g, (tui_rect){ r.x, r.y, r.w, 1 }, '-', TUI_BORDER);
    tui_fill(g, (tui_rect){ r.x, r.y + r.h - 1, r.w, 1 }, '-', TUI_BORDER);
    tui_fill(g, (tui_rect){ r.x, r.y, 1, r.h }, '|', TUI_BORDER);
    tui_fill(g, (tui_rect){ r.x + r.w - 1, r.y, 1, r.h }, '|', TUI_BORDER);
    tui_put(g, r.x, r.y, 1, TUI_BORDER, "+");
    tui_put(g, r.x + r.w - 1, r.y, 1, TUI_BORDER, "+");
    tui_put(g, r.x, r.y + r.h - 1, 1, TUI_BORDER, "+");
    tui_put(g, r.x + r.w - 1, r.y + r.h - 1, 1, TUI_BORDER, "+");
    if (title && *title && r.w > 6) {
        int n = tui_put(g, r.x + 2, r.y, r.w - 6, TUI_TITLE, " ");
        n += tui_put(g, r.x + 2 + n, r.y, r.w - 6 - n, TUI_TITLE, title);
        tui_put(g, r.x + 2 + n, r.y, r.w - 4 - n, TUI_TITLE, " ");
    }
}

char *tui_grid_row(const tui_grid *g, int y, char *buf, size_t cap)
{
    size_t n = 0;

    if (cap == 0)
        return buf;
    if (y >= 0 && y < g->h)
        for (int x = 0; x < g->w && n + 1 < cap; x++)
            buf[n++] = g->ch[(size_t)y * g->w + x];
    buf[n] = '\0';
    return buf;
}

int tui_grid_has(const tui_grid *g, const char *text)
{
    char row[4096];

    for (int y = 0; y < g->h; y++)
        if (strstr(tui_grid_row(g, y, row, sizeof row), text))
            return 1;
    return 0;
}
