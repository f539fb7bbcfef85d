#include "logs/seen.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

void
seen_init(struct seen *s, size_t cap)
{
    size_t c = 1024;

    while (c < cap)
        c *= 2;
    cap = c;
    s->cap = cap;
    s->n = 0;
    s->min_ts = SEEN_NO_TIME;
    s->slots = xcalloc(cap, sizeof *s->slots);
    for (size_t i = 0; i < cap; i++)
        s->slots[i].ts = SEEN_NO_TIME;
}

void
seen_free(struct seen *s)
{
    free(s->slots);
    memset(s, 0, sizeof *s);
}

void
seen_key(const char *stream, const char *id, size_t idlen, uint64_t *k0, uint64_t *k1)
{
    uint64_t a = 0xcbf29ce484222325ULL, b = 0x9e3779b97f4a7c15ULL;
    const unsigned char *p;

    /* FNV-1a and a multiply-xorshift mix over "stream\0id": two independent 64-bit keys. */
    for (p = (const unsigned char *)(stream != NULL ? stream : ""); ; p++) {
        a = (a ^ *p) * 0x100000001b3ULL;
        b = (b ^ *p) * 0xff51afd7ed558ccdULL;
        b ^= b >> 29;
        if (*p == '\0')
            break;
    }
    p = (const unsigned char *)id;
    for (size_t i = 0; i < idlen; i++) {
        a = (a ^ p[i]) * 0x100000001b3ULL;
        b = (b ^ p[i]) * 0xff51afd7ed558ccdULL;
        b ^= b >> 29;
    }
    *k0 = a;
    *k1 = b ^ (b >> 31);
}

static void put(struct seen *s, uint64_t k0, uint64_t k1, int64_t ts);

static void
rehash(struct seen *s, size_t cap, int64_t keep_from)
{
    struct seen old = *s;

    seen_init(s, cap);
    for (size_t i = 0; i < old.cap; i++)
        if (old.slots[i].ts != SEEN_NO_TIME && old.slots[i].ts >= keep_from)
            put(s, old.slots[i].k0, old.slots[i].k1, old.slots[i].ts);
    seen_free(&old);
}

static void
put(struct seen *s, uint64_t k0, uint64_t k1, int64_t ts)
{
    size_t i = (size_t)(k0 ^ k1) & (s->cap - 1);

    while (s->slots[i].ts != SEEN_NO_TIME)
        i = (i + 1) & (s->cap - 1);
    s->slots[i].k0 = k0;
    s->slots[i].k1 = k1;
    s->slots[i].ts = ts;
    s->n++;
    if (s->min_ts == SEEN_NO_TIME || ts < s->min_ts)
        s->min_ts = ts;
}

bool
seen_add(struct seen *s, uint64_t k0, uint64_t k1, int64_t ts)
{
    size_t i = (size_t)(k0 ^ k1) & (s->cap - 1);

    while (s->slots[i].ts != SEEN_NO_TIME) {
        if (s->slots[i].k0 == k0 && s->slots[i].k1 == k1)
            return false;
        i = (i + 1) & (s->cap - 1);
    }
    if ((s->n + 1) * 10 > s->cap * 7) {
        rehash(s, s->cap * 2, SEEN_NO_TIME);
        put(s, k0, k1, ts);
        return true;
    }
    put(s, k0, k1, ts);
    return true;
}

static int
cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return x < y ? -1 : x > y;
}

int64_t
seen_expire(struct seen *s, int64_t from, size_t max)
{
    int64_t cut = SEEN_NO_TIME;
    size_t cap = 1024;

    if (s->n > max) {
        int64_t *ts = xcalloc(s->n, sizeof *ts);
        size_t k = 0;

        for (size_t i = 0; i < s->cap; i++)
            if (s->slots[i].ts != SEEN_NO_TIME)
                ts[k++] = s->slots[i].ts;
        qsort(ts, k, sizeof *ts, cmp_i64);
        cut = ts[k - (max / 2 > 0 ? max / 2 : 1)];
        free(ts);
        if (cut > from)
            from = cut;
        else
            cut = SEEN_NO_TIME;
    }
    if (s->min_ts != SEEN_NO_TIME && s->min_ts < from) {
        while (cap < s->n * 2)
            cap *= 2;
        rehash(s, cap, from);
    }
    return cut;
}

bool
seen_has(const struct seen *s, uint64_t k0, uint64_t k1)
{
    size_t i = (size_t)(k0 ^ k1) & (s->cap - 1);

    while (s->slots[i].ts != SEEN_NO_TIME) {
        if (s->slots[i].k0 == k0 && s->slots[i].k1 == k1)
            return true;
        i = (i + 1) & (s->cap - 1);
    }
    return false;
}
