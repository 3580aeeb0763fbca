/* text.h: the one rule for showing text from a trace on a terminal or in a
 * text file.
 *
 * Kernel, operator, annotation, device, step and command names come from
 * the traced program (or whoever wrote the trace file) and may hold any
 * bytes: "\x1b[2J" clears the screen of whoever runs gpupack analyze,
 * "\x1b]0;...\x07" sets the window title. Every writer of text, Markdown,
 * CSV, HTML and the terminal dashboard shows such text in its shown form:
 *
 *   - valid UTF-8 characters other than control characters are kept;
 *   - C0 controls (0x00-0x1f) and DEL (0x7f) are shown as \xHH, two
 *     lower-case hex digits: ESC is "\x1b", a newline "\x0a";
 *   - C1 controls (U+0080-U+009F, which some terminals obey like ESC
 *     sequences) are shown as \u00HH: "\u009b";
 *   - every byte that does not start a valid UTF-8 sequence (a stray
 *     continuation byte, a cut sequence, an overlong form, a surrogate,
 *     beyond U+10FFFF, 0xc0, 0xc1, 0xf5-0xff) becomes U+FFFD.
 *
 * The shown form is valid UTF-8 without a control character. A backslash
 * is kept, so it is for reading, not an encoding to reverse. JSON writers
 * use gp_text_char to escape the same characters in JSON's way (jsonw.h).
 * Each function is O(length) and cannot fail.
 */
#ifndef GP_TEXT_H
#define GP_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum gp_text_kind {
    GP_TEXT_PLAIN = 0, /* shown as it is */
    GP_TEXT_CONTROL,   /* C0, DEL or C1: shown as \xHH or \u00HH */
    GP_TEXT_INVALID    /* one byte of invalid UTF-8: shown as U+FFFD */
} gp_text_kind;

/* Longest shown form of one character ("\u009b"), without a NUL. */
#define GP_TEXT_SHOWN_MAX 6
/* The shown form of n bytes is at most GP_TEXT_GROWTH * n bytes. */
#define GP_TEXT_GROWTH 4

/* The character at s[0..n) (n >= 1; reads no further): returns its length
 * in bytes (1 to 4; 1 for an invalid byte) and sets *kind and *cp (the code
 * point; for an invalid byte, the byte). */
size_t gp_text_char(const char *s, size_t n, gp_text_kind *kind, uint32_t *cp);

/* The shown form of the character at s[0..n) (n >= 1) into shown
 * (GP_TEXT_SHOWN_MAX bytes, not NUL-terminated): returns its length and
 * sets *used to the bytes of s it stands for. */
size_t gp_text_shown_char(const char *s, size_t n, char shown[GP_TEXT_SHOWN_MAX], size_t *used);

/* The shown form of s[0..n) into buf (cap bytes, NUL included), cut at a
 * character boundary when it does not fit. Returns the bytes written
 * (without the NUL). cap 0 writes nothing. */
size_t gp_text_show(char *buf, size_t cap, const char *s, size_t n);

/* The shown form of the string s (NULL: "") into buf, as gp_text_show;
 * returns buf. For printf("%s", ...). */
char *gp_text_fmt(char *buf, size_t cap, const char *s);

/* Writes the shown form of the string s (NULL: "") to out. */
void gp_text_put(FILE *out, const char *s);

#endif
