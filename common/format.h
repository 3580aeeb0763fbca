/* format.h: human-readable numbers (and host names) for messages, the TUI
 * and reports. Each writes at most `cap` bytes (NUL included) and returns
 * buf. Cannot fail. */
#ifndef GP_FORMAT_H
#define GP_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* 850 ns, 12.4 us, 3.21 ms, 1.234 s, 2m 03s, 1h 02m (3 significant digits). */
char *gp_fmt_ns(char *buf, size_t cap, int64_t ns);
/* 12,345,678 */
char *gp_fmt_count(char *buf, size_t cap, int64_t n);
/* 512 B, 1.5 KiB, 3.25 MiB, 1.02 GiB */
char *gp_fmt_bytes(char *buf, size_t cap, int64_t bytes);

/* The longest host name a trace keeps, in bytes (Linux allows 64, DNS 253). */
#define GP_HOST_NAME_MAX 255

/* A host name as gpupack keeps and shows it: the first len bytes of s with
 * every byte other than printable ASCII ('!' to '~') as '?', cut to
 * cap - 1 bytes ending in "..." when longer. *changed (if not NULL) is set
 * to 1 when a byte was replaced or the name cut, else 0. O(len). */
char *gp_fmt_host(char *buf, size_t cap, const char *s, size_t len, int *changed);

#endif
