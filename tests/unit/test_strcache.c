/* test_strcache.c: the bounded string map. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/strcache.h"
#include "tests/tap.h"

int main(void)
{
    gp_strcache *c = gp_strcache_new(4, 1 << 20);
    int64_t v = 0;
    char key[32];
    int cleared = 0;

    ok(c != NULL, "created");
    ok(!gp_strcache_find(c, "a", 1, &v), "empty cache misses");
    is_int(gp_strcache_put(c, "a", 1, 10), 0, "put");
    ok(gp_strcache_find(c, "a", 1, &v) && v == 10, "hit after put");
    ok(!gp_strcache_find(c, "ab", 2, &v), "prefix is a different key");
    is_int(gp_strcache_put(c, "", 0, 11), 0, "empty string is a key");
    ok(gp_strcache_find(c, "", 0, &v) && v == 11, "empty string found");
    is_int(gp_strcache_put(c, "a\0b", 3, 12), 0, "embedded NUL");
    ok(gp_strcache_find(c, "a\0b", 3, &v) && v == 12, "embedded NUL found by length");
    is_int(gp_strcache_put(c, "d", 1, 13), 0, "fourth entry fits");
    is_int(gp_strcache_count(c), 4, "four entries");
    is_int(gp_strcache_put(c, "e", 1, 14), 1, "fifth entry empties the cache first");
    is_int(gp_strcache_count(c), 1, "only the new entry remains");
    ok(!gp_strcache_find(c, "a", 1, &v), "old entries gone");
    ok(gp_strcache_find(c, "e", 1, &v) && v == 14, "new entry found");
    gp_strcache_free(c);

    /* Byte limit: 10 bytes of text at most. */
    c = gp_strcache_new(100, 10);
    is_int(gp_strcache_put(c, "12345", 5, 1), 0, "5 bytes");
    is_int(gp_strcache_put(c, "67890", 5, 2), 0, "10 bytes");
    is_int(gp_strcache_put(c, "x", 1, 3), 1, "11th byte empties the cache");
    is_int(gp_strcache_put(c, "this is too long", 16, 4), 0, "over the limit: not cached");
    ok(!gp_strcache_find(c, "this is too long", 16, &v), "long string not cached");
    gp_strcache_free(c);

    /* Many keys: every cached key is found with its own value. */
    c = gp_strcache_new(5000, 1 << 20);
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "kernel_%d", i);
        cleared |= gp_strcache_put(c, key, strlen(key), i * 7);
    }
    ok(!cleared, "5000 keys fit a 5000-entry cache");
    {
        int bad = 0;
        for (int i = 0; i < 5000; i++) {
            snprintf(key, sizeof key, "kernel_%d", i);
            if (!gp_strcache_find(c, key, strlen(key), &v) || v != i * 7)
                bad++;
        }
        is_int(bad, 0, "all 5000 found with their values");
    }
    gp_strcache_free(c);
    ok(gp_hash_bytes("abc", 3) != gp_hash_bytes("abd", 3), "hash differs on one byte");
    ok(gp_hash_bytes("", 0) != 0, "hash is never 0");
    return done_testing();
}
