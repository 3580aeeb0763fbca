/* replay.c: a main() that runs one fuzz harness over files, as a TAP test.
 *
 *     replay_NAME              every file of $GP_SRCDIR/tests/fuzz/corpus/NAME
 *                              and $GP_SRCDIR/tests/fuzz/found/NAME (make check)
 *     replay_NAME FILE|DIR...  those files, or the files in those folders
 *
 * Each file is one test: fed to LLVMFuzzerTestOneInput, it passes if the
 * harness returns (a crash or a failed check ends the program, and the
 * test with it). A file named in tests/fuzz/found/OPEN (lines
 * "found/NAME/FILE reason") is skipped with its reason: a defect found but
 * not yet fixed.
 * No fuzzing engine is needed, so any compiler builds it.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/fuzz/fuzz.h"

/* Harnesses without setup leave it out. */
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static int n_tests;
static char open_list[16384]; /* tests/fuzz/found/OPEN */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The reason rel ("found/NAME/FILE") is listed in OPEN, or NULL. */
static const char *open_reason(const char *rel, char *buf, size_t cap)
{
    size_t n = strlen(rel);

    for (const char *l = open_list; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l)) {
        const char *eol = strchr(l, '\n');
        size_t len = eol ? (size_t)(eol - l) : strlen(l);
        if (len > n && strncmp(l, rel, n) == 0 && (l[n] == ' ' || l[n] == '\t')) {
            snprintf(buf, cap, "%.*s", (int)(len - n - 1), l + n + 1);
            return buf;
        }
    }
    return NULL;
}

static void run_file(const char *path, const char *rel)
{
    char why[256];
    size_t n;
    uint8_t *data;

    if (rel && open_reason(rel, why, sizeof why)) {
        printf("ok %d - %s # SKIP open defect: %s\n", ++n_tests, rel, why);
        return;
    }
    data = fz_read_file(path, &n);
    if (!data) {
        printf("not ok %d - %s: cannot read it\n", ++n_tests, path);
        return;
    }
    fflush(stdout);
    LLVMFuzzerTestOneInput(data, n);
    free(data);
    printf("ok %d - %s\n", ++n_tests, rel ? rel : path);
}

/* Every regular file in dir, in name order; rel_dir names them ("corpus/NAME"). */
static void run_dir(const char *dir, const char *rel_dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL, path[2048], rel[512];
    size_t n = 0, cap = 0;

    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            char **nn = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof *names);
            if (!nn)
                break;
            names = nn;
        }
        if (!(names[n] = strdup(e->d_name)))
            break;
        n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        struct stat sb;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        snprintf(rel, sizeof rel, "%s/%s", rel_dir, names[i]);
        if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
            run_file(path, rel);
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv)
{
    const char *base = strrchr(argv[0], '/');
    char name[64], dir[1100], rel[128];
    size_t n;
    uint8_t *list;

    base = base ? base + 1 : argv[0];
    if (strncmp(base, "lt-", 3) == 0) /* libtool's wrapper */
        base += 3;
    snprintf(name, sizeof name, "%s", strncmp(base, "replay_", 7) == 0 ? base + 7 : base);
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    if ((list = fz_read_file(fz_src("tests/fuzz/found/OPEN"), &n)) != NULL) {
        snprintf(open_list, sizeof open_list, "%.*s", (int)n, (const char *)list);
        free(list);
    }
    if (argc > 1) {
        for (int i = 1; i < argc; i++) {
            struct stat sb;
            if (stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode))
                run_dir(argv[i], argv[i]);
            else
                run_file(argv[i], NULL);
        }
    } else {
        snprintf(dir, sizeof dir, "%s", fz_src("tests/fuzz/corpus/"));
        snprintf(dir + strlen(dir), sizeof dir - strlen(dir), "%s", name);
        snprintf(rel, sizeof rel, "corpus/%s", name);
        run_dir(dir, rel);
        snprintf(dir, sizeof dir, "%s", fz_src("tests/fuzz/found/"));
        snprintf(dir + strlen(dir), sizeof dir - strlen(dir), "%s", name);
        snprintf(rel, sizeof rel, "found/%s", name);
        run_dir(dir, rel);
    }
    if (n_tests == 0) {
        printf("1..0 # SKIP no inputs for %s (is GP_SRCDIR set?)\n", name);
        return 0;
    }
    printf("1..%d\n", n_tests);
    return 0;
}
