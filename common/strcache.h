/* strcache.h: a bounded map from strings to int64 ids.
 *
 * Used in front of a string table (the store's, the collector's wire ids).
 * It never grows past its limits: when a put would exceed max_entries or
 * max_bytes of text, the cache is emptied first and the put reports it, so a
 * caller that hands out ids can start a new id window (see wire.h).
 * Lookups and puts are O(len) expected.
 */
#ifndef GP_STRCACHE_H
#define GP_STRCACHE_H

#include <stddef.h>
#include <stdint.h>

typedef struct gp_strcache gp_strcache;

/* NULL if out of memory. max_entries >= 1. */
gp_strcache *gp_strcache_new(size_t max_entries, size_t max_bytes);
void gp_strcache_free(gp_strcache *c);
/* 1 and *value if s is cached, else 0. */
int gp_strcache_find(const gp_strcache *c, const char *s, size_t len, int64_t *value);
/* Caches s -> value (s must not be cached). Returns 0, 1 if the cache was
 * emptied first to make room, -1 if out of memory (cache unchanged).
 * A string longer than max_bytes is not cached (returns 0). */
int gp_strcache_put(gp_strcache *c, const char *s, size_t len, int64_t value);
void gp_strcache_clear(gp_strcache *c);
size_t gp_strcache_count(const gp_strcache *c);
/* A 64-bit hash of s (not cryptographic). */
uint64_t gp_hash_bytes(const void *s, size_t len);

#endif
