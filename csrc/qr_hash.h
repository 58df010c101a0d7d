/* The byte hash the gazetteer's string table and the matcher's key tables
 * share: eight bytes a step, then a tail. Each caller finishes it with its
 * own mix (the gazetteer folds it to 32 bits). */
#ifndef QR_HASH_H
#define QR_HASH_H

#include <stdint.h>
#include <string.h>

static inline uint64_t qr_hash_absorb(const char *s, size_t n)
{
    uint64_t h = UINT64_C(0x9E3779B97F4A7C15) ^ (uint64_t)n;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * UINT64_C(0xbf58476d1ce4e5b9);
        h ^= h >> 31;
        s += 8;
        n -= 8;
    }
    if (n) {
        uint64_t w = 0;
        memcpy(&w, s, n);
        h = (h ^ w) * UINT64_C(0x94d049bb133111eb);
        h ^= h >> 29;
    }
    return h;
}

/* qr_hash_absorb finished with a 64-bit mix: every bit of the result
 * depends on every byte (the low bits index tables). qr_hash64_finish is
 * the mix, for a key whose absorb is kept (qr_keys). */
static inline uint64_t qr_hash64_finish(uint64_t h)
{
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    return h;
}

/* qr_hash_absorb finished to 32 bits (the gazetteer's tables), a mix of
 * all its 64. */
static inline uint32_t qr_hash32_finish(uint64_t x)
{
    x ^= x >> 33;
    x *= UINT64_C(0xff51afd7ed558ccd);
    x ^= x >> 33;
    x *= UINT64_C(0xc4ceb9fe1a85ec53);
    x ^= x >> 33;
    return (uint32_t)x;
}

static inline uint64_t qr_hash64(const char *s, size_t n)
{
    return qr_hash64_finish(qr_hash_absorb(s, n));
}

#endif
