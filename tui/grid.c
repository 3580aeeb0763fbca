/* grid.c: the off-screen character grid (contract in grid.h). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int tui_put(tui_grid *g, int x, int y, int maxw, int role, const char *s)
{
    int n = 0;

    if (y < 0 || y >= g->h || !s)
        return 0;
    for (; *s && n < maxw; s++, n++, x++) {
        unsigned char c = (unsigned char)*s;
        if (x < 0)
            continue;
        if (x >= g->w)
            break;
        g->ch[(size_t)y * g->w + x] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
        g->role[(size_t)y * g->w + x] = (unsigned char)role;
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
