/*
 * Fuzz target: the small-object allocator (qr_pool.c) against what was
 * written into its blocks. The input is a list of operations of 3 bytes:
 * byte 0 picks the operation (low 2 bits: take, move, free, or a block of
 * the allocator behind the pool given to it) and the size's unit (bit 2:
 * a byte, or 8 bytes: up to 2 KB), byte 1 the slot (64 of them), byte 2
 * the size. Every block is filled with its slot's pattern when it is
 * taken or moved and checked before it moves or is freed; at the end every
 * block is freed and the pool deleted (the sanitizers see the backend's
 * blocks; the pool must have none left out).
 */
#include "qr_pool.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "fuzz_pool: %s (line %d)\n", #cond, __LINE__); abort(); } } while (0)
#define SLOTS 64

static void *backend(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud; (void)osize;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, nsize);
}

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    size_t i;
    for (i = 0; i < n; i++) p[i] = (unsigned char)(seed * 31u + i);
}

static int same(const unsigned char *p, size_t n, unsigned seed)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (p[i] != (unsigned char)(seed * 31u + i)) return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char *blocks[SLOTS] = { NULL };
    size_t sizes[SLOTS] = { 0 };
    unsigned seeds[SLOTS] = { 0 }, step = 0;
    qr_pool_stats st;
    qr_pool *p = qr_pool_new(backend, NULL);
    size_t i;
    CHECK(p != NULL);
    for (i = 0; i + 3 <= size; i += 3) {
        int op = data[i] & 3, k = data[i + 1] % SLOTS;
        size_t n = (size_t)data[i + 2] + 1, keep;
        unsigned char *q;
        if (data[i] & 4) n *= 8;
        if (blocks[k]) {
            CHECK(same(blocks[k], sizes[k], seeds[k]));
            keep = n < sizes[k] ? n : sizes[k];
            if (op == 2) {
                qr_pool_realloc(p, blocks[k], sizes[k], 0);
                blocks[k] = NULL;
                continue;
            }
            q = qr_pool_realloc(p, blocks[k], sizes[k], n);
            CHECK(q != NULL && same(q, keep, seeds[k]));
        } else {
            q = op == 3 ? backend(NULL, NULL, 0, n) : qr_pool_realloc(p, NULL, 0, n);
            CHECK(q != NULL);
            CHECK(op != 3 || !qr_pool_owns(p, q));
        }
        CHECK(((uintptr_t)q & 15) == 0);
        CHECK(n <= QR_POOL_MAX || !qr_pool_owns(p, q));
        blocks[k] = q;
        sizes[k] = n;
        seeds[k] = ++step;
        fill(q, n, seeds[k]);
    }
    for (i = 0; i < SLOTS; i++) {
        if (!blocks[i]) continue;
        CHECK(same(blocks[i], sizes[i], seeds[i]));
        qr_pool_realloc(p, blocks[i], sizes[i], 0);
    }
    qr_pool_stats_of(p, &st);
    CHECK(st.blocks == 0);
    qr_pool_delete(p);
    return 0;
}
