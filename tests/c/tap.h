/*
 * What the C tests share: TAP output and a deterministic generator.
 * Define TAP_SEED before including this header for another sequence.
 */
#ifndef QR_TAP_H
#define QR_TAP_H

#include <stdint.h>
#include <stdio.h>

#ifndef TAP_SEED
#define TAP_SEED 0x9E3779B97F4A7C15u
#endif

static int tests, failures;

static void ok(int cond, const char *what)
{
    tests++;
    if (!cond) failures++;
    printf("%sok %d - %s\n", cond ? "" : "not ", tests, what);
}

/* xorshift64: the same cases on every run and machine */
static inline uint32_t rng(void)
{
    static uint64_t state = TAP_SEED;
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (uint32_t)(state >> 11);
}

#endif
