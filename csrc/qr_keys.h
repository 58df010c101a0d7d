/*
 * Normalised keys of every token of a text, computed once per text and
 * shared by the matchers that compare keys (gazetteers, token patterns).
 */
#ifndef QR_KEYS_H
#define QR_KEYS_H

#include "qr_token.h"

typedef struct qr_keys {
    char *buf;          /* all keys, back to back */
    uint32_t *off;      /* key of token i is buf[off[i]] .. buf[off[i + 1]] */
    uint64_t *absorb;   /* qr_hash_absorb of each key (qr_hash.h): the tables that look keys
                         * up (the vocabulary, a gazetteer) finish it, not hash it again */
    unsigned char *same;    /* same[i]: the key of token i is its text, byte for byte (an
                             * exact-case gazetteer takes its hash from absorb then) */
    size_t n;           /* number of tokens */
    unsigned mode;      /* 0 or QR_KEY_BARE */
} qr_keys;

/* Returns QR_OK or QR_ENOMEM (then k is empty). */
int qr_keys_build(qr_keys *k, const char *text, const qr_tokens *t, unsigned mode);
void qr_keys_free(qr_keys *k);

static inline const char *qr_key_of(const qr_keys *k, size_t i, size_t *len)
{
    *len = k->off[i + 1] - k->off[i];
    return k->buf + k->off[i];
}

#endif
