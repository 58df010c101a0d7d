/*
 * Interned keys: a vocabulary maps the keys that rules name (words of
 * patterns, members of word sets) to small integer ids, 1, 2, 3 ... A
 * text's tokens are looked up once (qr_vocab_ids), after which a word test
 * is an array read and a compare, and a word-set test one bit of an
 * id-indexed bitmap (qr_idset), instead of hashing and comparing the key's
 * bytes for every test. Keys the vocabulary lacks get id 0, which no set
 * holds; the vocabulary grows only when rules are built, never with the
 * texts they run on.
 */
#ifndef QR_VOCAB_H
#define QR_VOCAB_H

#include "qr_keys.h"

#include <stddef.h>
#include <stdint.h>

/* What the keys of a short token come to, remembered across texts
 * (qr_keys_build_ids): a token of 1 to 8 ASCII bytes (no quote mark nor
 * backquote), as a word, its key as a word, the key's qr_hash_absorb, and
 * its id, or 0 when the vocabulary had count ids and lacked it. */
typedef struct qr_keymemo {
    uint64_t raw, key, absorb;
    uint32_t id, count;
    uint8_t len;        /* 0: an empty entry */
    uint8_t same;       /* the key is the token's bytes */
} qr_keymemo;

#define QR_KEYMEMO_BITS 13

/* The same for a token of 9 to 16 ASCII bytes: its two words (the second
 * its bytes past the eighth), their keys. */
typedef struct qr_keymemo16 {
    uint64_t raw[2], key[2], absorb;
    uint32_t id, count;
    uint8_t len;        /* 0: an empty entry */
    uint8_t same;
} qr_keymemo16;

#define QR_KEYMEMO16_BITS 12

typedef struct qr_vocab {
    char *buf;          /* the keys, back to back */
    size_t buflen, bufcap;
    uint32_t *off;      /* key of id i is buf[off[i - 1]] .. buf[off[i]] (off[0] = 0) */
    size_t offcap;
    uint32_t *slots;    /* open addressing: an id, or 0 for an empty slot */
    size_t cap;         /* slots (a power of two) */
    uint32_t count;     /* ids handed out: 1 .. count */
    qr_keymemo *memo;   /* 1 << QR_KEYMEMO_BITS entries, made when first needed (qr_keys_build_ids) */
    qr_keymemo16 *memo16;   /* 1 << QR_KEYMEMO16_BITS entries, made with memo */
} qr_vocab;

/* A set of ids: bit id of a bitmap that covers ids below nbits. */
typedef struct qr_idset {
    uint64_t *bits;
    uint32_t nbits;
    uint32_t count;     /* members */
} qr_idset;

void qr_vocab_init(qr_vocab *v);
void qr_vocab_free(qr_vocab *v);

/* The id of key s (n bytes), or 0 when the vocabulary lacks it. */
uint32_t qr_vocab_find(const qr_vocab *v, const char *s, size_t n);

/* The id of key s, added when new. Returns QR_OK, QR_ENOMEM or
 * QR_ETOOBIG (past 2^31 ids or 4 GiB of keys); *id is 0 on failure. */
int qr_vocab_intern(qr_vocab *v, const char *s, size_t n, uint32_t *id);

/* Key of id (1 .. count). */
static inline const char *qr_vocab_key(const qr_vocab *v, uint32_t id, size_t *len)
{
    *len = v->off[id] - v->off[id - 1];
    return v->buf + v->off[id - 1];
}

/* The id of key s (n bytes) whose qr_hash_absorb is absorb, or 0. */
uint32_t qr_vocab_find_absorbed(const qr_vocab *v, const char *s, size_t n, uint64_t absorb);

/* The keys of t (mode 0 or QR_KEY_BARE), as qr_keys_build makes them,
 * and the id of each in v into ids (room for t->n), as qr_vocab_ids
 * finds them: at once, those of a token of at most 16 ASCII bytes from
 * v's memos when an earlier text had the same bytes. Returns QR_OK, QR_ENOMEM or
 * QR_ETOOBIG (then k is empty). */
int qr_keys_build_ids(qr_keys *k, const char *text, const qr_tokens *t, unsigned mode, qr_vocab *v,
                      uint32_t *ids);

/* ids[i] = the id of key i of k for every token, 0 for keys the vocabulary
 * lacks. With only_zero set, only the entries that are 0 are looked up
 * again (the vocabulary has grown since ids was filled). */
void qr_vocab_ids(const qr_vocab *v, const qr_keys *k, uint32_t *ids, int only_zero);

void qr_idset_init(qr_idset *s);
void qr_idset_free(qr_idset *s);
/* Adds id (> 0); QR_OK, QR_ENOMEM, or QR_ETOOBIG for an id past 2^31. */
int qr_idset_add(qr_idset *s, uint32_t id);

static inline int qr_idset_has(const qr_idset *s, uint32_t id)
{
    return id < s->nbits && ((s->bits[id >> 6] >> (id & 63)) & 1u);
}

#endif
