/*
 * The small-object allocator (csrc/qr_pool.c) against a reference: random
 * sequences of allocations, moves and frees of many sizes, every block's
 * bytes checked; blocks of the allocator behind the pool passed through;
 * moves within a class in place; empty slabs given back; small blocks
 * the backend's once the pool's range is full.
 */
#include "tap.h"
#include "qr_pool.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* --- the allocator behind the pool: malloc, counted --------------------------- */

typedef struct backend {
    long live;          /* blocks it gave and were not freed */
    long calls;         /* calls it got */
    int fail;           /* refuse every request to allocate or grow */
} backend;

static void *real_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    backend *b = ud;
    (void)osize;
    b->calls++;
    if (nsize == 0) {
        if (ptr) b->live--;
        free(ptr);
        return NULL;
    }
    if (b->fail) return NULL;
    if (!ptr) {
        void *p = malloc(nsize);
        if (p) b->live++;
        return p;
    }
    return realloc(ptr, nsize);
}

/* --- blocks under test --------------------------------------------------------- */

#define SLOTS 2000

typedef struct slot {
    unsigned char *p;
    size_t size;
    uint32_t seed;      /* the bytes of the block: fill(seed) */
} slot;

static void fill(unsigned char *p, size_t n, uint32_t seed)
{
    size_t i;
    for (i = 0; i < n; i++) p[i] = (unsigned char)(seed + i * 131u + (i >> 8));
}

static int same(const unsigned char *p, size_t n, uint32_t seed)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (p[i] != (unsigned char)(seed + i * 131u + (i >> 8))) return 0;
    return 1;
}

/* mostly what Lua asks for (tables, strings, nodes), some larger */
static size_t random_size(void)
{
    uint32_t r = rng() % 100;
    if (r < 70) return 1 + rng() % 128;
    if (r < 90) return 1 + rng() % QR_POOL_MAX;
    return 1 + rng() % 3000;
}

/* one random step on slot s; 0 when a check fails */
static int step(qr_pool *p, slot *s)
{
    size_t n = random_size();
    uint32_t seed = rng();
    unsigned char *q;
    if (!s->p) {
        q = qr_pool_realloc(p, NULL, 5, n);
        if (!q || ((uintptr_t)q & 15) != 0) return 0;
    } else if (rng() % 3 == 0) {
        if (!same(s->p, s->size, s->seed)) return 0;
        qr_pool_realloc(p, s->p, s->size, 0);
        s->p = NULL;
        return 1;
    } else {
        size_t keep = n < s->size ? n : s->size;
        q = qr_pool_realloc(p, s->p, s->size, n);
        if (!q || ((uintptr_t)q & 15) != 0 || !same(q, keep, s->seed)) return 0;
    }
    /* large blocks are the backend's */
    if (n > QR_POOL_MAX && qr_pool_owns(p, q)) return 0;
    s->p = q;
    s->size = n;
    s->seed = seed;
    fill(q, n, seed);
    return 1;
}

static void test_random(void)
{
    static slot slots[SLOTS];
    backend b = { 0, 0, 0 };
    qr_pool *p = qr_pool_new(real_alloc, &b);
    qr_pool_stats st;
    long i, bad = 0, intact = 0, foreign = 0, owned = 0;
    ok(p != NULL, "a pool is made");
    if (!p) return;
    memset(slots, 0, sizeof slots);
    for (i = 0; i < 400000; i++)
        if (!step(p, &slots[rng() % SLOTS])) bad++;
    ok(bad == 0, "400000 random allocations, moves and frees: contents kept, 16-byte aligned");
    for (i = 0; i < SLOTS; i++) {
        if (!slots[i].p) continue;
        intact += same(slots[i].p, slots[i].size, slots[i].seed);
        if (qr_pool_owns(p, slots[i].p)) owned++;
        else foreign++;
    }
    ok(intact == owned + foreign, "every live block holds what was written into it");
    qr_pool_stats_of(p, &st);
    ok((long)st.blocks == owned, "the pool counts the blocks it handed out");
    ok(b.live == foreign + 1, "the backend holds the others (and the pool's own block)");
    for (i = 0; i < SLOTS; i++)
        if (slots[i].p) qr_pool_realloc(p, slots[i].p, slots[i].size, 0);
    qr_pool_stats_of(p, &st);
    ok(st.blocks == 0 && st.empty <= QR_POOL_KEEP && st.slabs <= QR_POOL_KEEP + QR_POOL_CLASSES,
       "all freed: no block out, only the empty slabs kept for reuse and one a class stay mapped");
    ok(b.live == 1, "all freed: the backend's blocks are back");
    qr_pool_delete(p);
    ok(b.live == 0, "the pool deleted: its bookkeeping is freed");
}

static void test_foreign(void)
{
    backend b = { 0, 0, 0 };
    qr_pool *p = qr_pool_new(real_alloc, &b);
    unsigned char *small, *large;
    long calls;
    if (!p) return;
    small = real_alloc(&b, NULL, 0, 40);
    large = real_alloc(&b, NULL, 0, 4000);
    fill(small, 40, 7);
    fill(large, 4000, 9);
    ok(!qr_pool_owns(p, small) && !qr_pool_owns(p, large), "blocks the backend gave are not the pool's");
    calls = b.calls;
    small = qr_pool_realloc(p, small, 40, 48);
    ok(b.calls == calls + 1 && !qr_pool_owns(p, small) && same(small, 40, 7),
       "a backend's small block moved: the backend moves it");
    large = qr_pool_realloc(p, large, 4000, 100);
    ok(!qr_pool_owns(p, large) && same(large, 100, 9), "a backend's large block shrunk stays the backend's");
    qr_pool_realloc(p, small, 48, 0);
    qr_pool_realloc(p, large, 100, 0);
    ok(b.live == 1, "a backend's blocks freed through the pool: the backend frees them");
    qr_pool_delete(p);
}

static void test_moves(void)
{
    backend b = { 0, 0, 0 };
    qr_pool *p = qr_pool_new(real_alloc, &b);
    unsigned char *q, *r;
    if (!p) return;
    q = qr_pool_realloc(p, NULL, 5, 50);
    fill(q, 50, 3);
    ok(qr_pool_owns(p, q), "a block of 50 bytes is the pool's");
    ok(qr_pool_realloc(p, q, 50, 64) == q && same(q, 50, 3), "moved within its class: the same block");
    ok(qr_pool_realloc(p, q, 64, 40) == q, "shrunk by less than half: the same block");
    r = qr_pool_realloc(p, q, 40, 200);
    ok(r != q && qr_pool_owns(p, r) && same(r, 40, 3), "grown past its class: another block, bytes kept");
    q = qr_pool_realloc(p, r, 200, 20);
    ok(q != r && qr_pool_owns(p, q) && same(q, 20, 3), "shrunk to a tenth: a block of the smaller class");
    r = qr_pool_realloc(p, q, 20, 5000);
    ok(!qr_pool_owns(p, r) && same(r, 20, 3), "grown past the largest class: the backend's block, bytes kept");
    qr_pool_realloc(p, r, 5000, 0);
    q = qr_pool_realloc(p, NULL, 5, 300);
    fill(q, 300, 5);
    b.fail = 1;
    ok(qr_pool_realloc(p, q, 300, 5000) == NULL && same(q, 300, 5),
       "a move the backend refuses: NULL, the block as it was");
    ok(qr_pool_realloc(p, q, 300, 100) != NULL, "a shrink never fails");
    b.fail = 0;
    qr_pool_delete(p);
    ok(b.live == 0, "deleted with a block out: nothing of the backend's left");
}

static void test_release(void)
{
    enum { N = 60000 };
    static void *blocks[N];
    backend b = { 0, 0, 0 };
    qr_pool *p = qr_pool_new(real_alloc, &b);
    qr_pool_stats st;
    size_t peak;
    int i, round;
    if (!p) return;
    for (round = 0; round < 3; round++) {
        for (i = 0; i < N; i++) blocks[i] = qr_pool_realloc(p, NULL, 5, 56);
        qr_pool_stats_of(p, &st);
        peak = st.slabs;
        for (i = 0; i < N; i++) qr_pool_realloc(p, blocks[(i * 7919) % N], 56, 0);
        qr_pool_stats_of(p, &st);
        ok(peak >= N * 64 / QR_POOL_SLAB && st.slabs <= QR_POOL_KEEP + 1 && st.blocks == 0,
           "60000 blocks of 56 bytes freed in scattered order: all but a few empty slabs unmapped");
    }
    for (i = 0; i < 100000; i++) qr_pool_realloc(p, qr_pool_realloc(p, NULL, 5, 24), 24, 0);
    qr_pool_stats_of(p, &st);
    ok(st.slabs <= QR_POOL_KEEP + 1, "one block taken and freed 100000 times: no slab mapped anew each time");
    qr_pool_delete(p);
}

static void test_range_full(void)
{
    enum { N = 100000, SLABS = 16 };
    static unsigned char *blocks[N];
    backend b = { 0, 0, 0 };
    qr_pool *p = qr_pool_new_within(real_alloc, &b, SLABS * QR_POOL_SLAB);
    qr_pool_stats st;
    long i, owned = 0, bad = 0;
    ok(p != NULL, "a pool of 16 slabs is made");
    if (!p) return;
    for (i = 0; i < N; i++) {
        blocks[i] = qr_pool_realloc(p, NULL, 5, 64);
        if (!blocks[i]) {
            bad++;
            continue;
        }
        fill(blocks[i], 64, (uint32_t)i);
        owned += qr_pool_owns(p, blocks[i]);
    }
    qr_pool_stats_of(p, &st);
    ok(bad == 0 && st.slabs == SLABS && owned == (long)(SLABS * ((QR_POOL_SLAB - 64) / 64))
       && b.live == 1 + (N - owned),
       "its range full: every slab in use, the blocks past them the backend's");
    for (i = 0; i < N; i += 2) {
        bad += !same(blocks[i], 64, (uint32_t)i);
        qr_pool_realloc(p, blocks[i], 64, 0);
    }
    for (i = 0; i < N; i += 2) {
        blocks[i] = qr_pool_realloc(p, NULL, 5, 64);
        fill(blocks[i], 64, (uint32_t)i);
    }
    for (i = 0; i < N; i++) {
        bad += !same(blocks[i], 64, (uint32_t)i);
        qr_pool_realloc(p, blocks[i], 64, 0);
    }
    qr_pool_stats_of(p, &st);
    ok(bad == 0 && st.blocks == 0 && b.live == 1, "freed, taken again and freed: contents kept, all back");
    qr_pool_delete(p);
}

int main(void)
{
    test_random();
    test_foreign();
    test_moves();
    test_release();
    test_range_full();
    printf("1..%d\n", tests);
    return failures != 0;
}
