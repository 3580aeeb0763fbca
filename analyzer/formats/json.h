/* json.h: a streaming pull tokenizer for strict JSON (RFC 8259).
 *
 * Why our own and not a JSON library: gpupack needs the RAW text of every
 * number, so a timestamp like 1712195495519689.047 (µs) can become exact
 * integer nanoseconds and the very same text can also give the double that
 * strtod gives (which is what Holistic Trace Analysis computes with); DOM
 * libraries hand out doubles only. And it must stream: a trace is read in
 * chunks (decompressed on the fly), so memory is proportional to the largest
 * token and to what the caller keeps, never to the file.
 *
 * The tokenizer owns one buffer that a read callback fills. Tokens point
 * into it: strings and keys are decoded in place (escapes, \uXXXX and
 * surrogate pairs -> UTF-8) and NUL-terminated there; numbers are copied to a
 * small NUL-terminated scratch buffer with their text exactly as written.
 * Both stay valid until the next call. Skipped values are validated but
 * neither decoded nor copied.
 *
 *     gp_json *j = gp_json_new(my_read, my_ctx);    // or gp_json_new_mem()
 *     gp_json_tok t;
 *     while ((t = gp_json_next(j)) > GP_JSON_END) {
 *         size_t len;
 *         const char *s = gp_json_text(j, &len);     // KEY, STRING, NUMBER
 *         if (t == GP_JSON_KEY && strcmp(s, "big") != 0)
 *             gp_json_skip(j);                       // its value, whole
 *     }
 *     if (t == GP_JSON_ERROR)
 *         fprintf(stderr, "%s\n", gp_json_error(j)); // "... at line 3, column 5 (byte 40)"
 *     gp_json_free(j);
 *
 * Strict: one value per document, nothing but whitespace after it; no
 * comments, trailing commas, NaN, leading zeros or unescaped control
 * characters; strings must be valid UTF-8; nesting at most
 * GP_JSON_MAX_DEPTH. Cost: O(1) per byte, about 800 MB/s on one core of a
 * small cloud VM for a pretty-printed trace, every token decoded; memory:
 * the buffer (256 KiB, grown to the longest token).
 */
#ifndef GP_JSON_H
#define GP_JSON_H

#include <stddef.h>
#include <stdint.h>

#define GP_JSON_MAX_DEPTH 256

typedef enum gp_json_tok {
    GP_JSON_ERROR = -1,       /* see gp_json_error(); sticky */
    GP_JSON_END = 0,          /* the document ended after one complete value */
    GP_JSON_OBJECT_BEGIN,
    GP_JSON_OBJECT_END,
    GP_JSON_ARRAY_BEGIN,
    GP_JSON_ARRAY_END,
    GP_JSON_KEY,              /* an object member's name; its value comes next */
    GP_JSON_STRING,
    GP_JSON_NUMBER,           /* gp_json_text() is the number as written */
    GP_JSON_TRUE,
    GP_JSON_FALSE,
    GP_JSON_NULL
} gp_json_tok;

/* Fills buf with up to cap bytes of input. Returns the count (> 0), 0 at
 * the end of the input, or -1 on a read error (the reader keeps its own
 * message; the tokenizer then fails with gp_json_read_failed() set). */
typedef long (*gp_json_read_fn)(void *ctx, char *buf, size_t cap);

typedef struct gp_json gp_json;

/* A tokenizer reading through read(ctx, ...); NULL if out of memory. */
gp_json *gp_json_new(gp_json_read_fn read, void *ctx);
/* A tokenizer over len bytes at data (not copied: keep them alive). */
gp_json *gp_json_new_mem(const char *data, size_t len);
void gp_json_free(gp_json *j);
/* Lets a top-level array end with the input, without its ']' (also after a
 * last ','), as Chrome's Trace Event "JSON Array Format" allows: the
 * tokenizer then gives the ARRAY_END itself. A ']' written after a ',' is
 * still an error, and so is any other container left open. Call before the
 * first gp_json_next. A UTF-8 byte order mark at the start is always
 * skipped. */
void gp_json_allow_open_array(gp_json *j);

/* The next token. After GP_JSON_END or GP_JSON_ERROR it returns the same. */
gp_json_tok gp_json_next(gp_json *j);

/* Skips the next value whole, validating it without decoding or copying.
 * Call it where a value or member is next: after a KEY (skips its value),
 * at an array element, or where a member is expected (skips the member: key
 * and value). Returns the token that began what was skipped (OBJECT_BEGIN
 * for an object, STRING, KEY for a member, ...); OBJECT_END or ARRAY_END if
 * the container closed instead (it is consumed); END; or ERROR. */
gp_json_tok gp_json_skip(gp_json *j);

/* Text of the last KEY, STRING or NUMBER token, NUL-terminated, and its
 * length in *len (strings may hold "\u0000"); "" for other tokens. Valid
 * until the next call on j. */
const char *gp_json_text(const gp_json *j, size_t *len);

/* Open containers around the next token (0 at the top level). */
int gp_json_depth(const gp_json *j);
/* Bytes of input consumed so far. */
uint64_t gp_json_offset(const gp_json *j);

/* After GP_JSON_ERROR: what went wrong and where, e.g.
 * "unexpected '}' at line 3, column 5 (byte 40)". Line and column count
 * from 1 (columns in bytes); the byte offset from 0. "" before an error. */
const char *gp_json_error(const gp_json *j);
/* 1 if the error came from the read callback (its own message explains). */
int gp_json_read_failed(const gp_json *j);

/* ---- number text (as gp_json_text gives it for a NUMBER token) ---- */

/* 1 if the number is written as an integer (no '.', 'e' or 'E'): "1" is,
 * "1.0" and "1e3" are not. */
int gp_json_num_is_int(const char *raw, size_t len);

/* The number times 10^exp10 as an exact int64, rounded to nearest (ties to
 * even) only below the last digit kept: with exp10 = 3, "1712195495519689.047"
 * (µs) gives 1712195495519689047 (ns). Returns 0, or -1 if raw is not a JSON
 * number or the result does not fit in int64. O(len). */
int gp_json_num_scaled(const char *raw, size_t len, int exp10, int64_t *out);

/* The double strtod gives (correctly rounded). raw must be NUL-terminated. */
double gp_json_num_double(const char *raw);

#endif
