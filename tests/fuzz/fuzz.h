/* fuzz.h: what the fuzz harnesses share (fuzz_util.c, sqlprog.c).
 *
 * Each harness (fuzz_NAME.c) defines LLVMFuzzerTestOneInput and, when it
 * needs setup, LLVMFuzzerInitialize. It is linked two ways:
 *   - with libFuzzer (clang -fsanitize=fuzzer, tests/fuzz/fuzz.mk, make fuzz);
 *   - with replay.c, a main() that feeds it every file of
 *     tests/fuzz/corpus/NAME and tests/fuzz/found/NAME (make check, any
 *     compiler).
 * A harness fails by crashing: a sanitizer report, or fz_fail() when a
 * property it checks does not hold (abort(), which libFuzzer saves as a
 * crash and the replay turns into a failed test).
 */
#ifndef GP_TESTS_FUZZ_H
#define GP_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "analyzer/model/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Reports what failed (printf-style) on stderr and aborts. */
void fz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* The path of name in a private folder for this process's files (made on
 * the first call, removed at exit). Returns a string that stays valid;
 * call it once per name (it allocates). */
const char *fz_path(const char *name);
/* Writes n bytes to path (replacing it); removes SQLite's -wal, -shm and
 * -journal files beside it first, so nothing of an earlier input is read.
 * Aborts if the write fails. */
void fz_write_file(const char *path, const uint8_t *data, size_t n);
/* Removes path and SQLite's files beside it. */
void fz_remove_db(const char *path);
/* Reads a whole file (malloc'd, *n its size); NULL if it cannot. */
uint8_t *fz_read_file(const char *path, size_t *n);
/* $GP_SRCDIR/rel, or rel when GP_SRCDIR is unset (make fuzz and make
 * check set it). Static buffer. */
const char *fz_src(const char *rel);

/* Analyzes job (when it has ranks), renders the analysis as text and as
 * JSON into memory, and checks that the JSON is one valid document
 * (analyzer/formats/json.h). Frees nothing of job. */
void fz_analyze_render(const gp_job *job);

/* Loads an Nsight Systems export (gp_nsys_load) and analyzes and renders
 * it; checks that a failure comes with a message. */
void fz_load_nsys(const char *path);
/* Reads a gpupack trace through the store reader (every record of every
 * kind, strings, meta, counts, time and row filters) and loads it
 * (gp_load_trace), then analyzes and renders it. */
void fz_load_trace(const char *path);

/* A cursor over input bytes: reads past the end give 0. */
typedef struct fz_bytes {
    const uint8_t *p;
    size_t n, at;
} fz_bytes;

static inline unsigned fz_u8(fz_bytes *b)
{
    return b->at < b->n ? b->p[b->at++] : 0;
}

static inline uint64_t fz_u64(fz_bytes *b, int nbytes)
{
    uint64_t v = 0;

    for (int i = 0; i < nbytes; i++)
        v |= (uint64_t)fz_u8(b) << (8 * i);
    return v;
}

#endif
