/*
 * The vocabulary of interned keys (qr_vocab.h): keys back to back in one
 * buffer, an open-addressing table of ids over them.
 */
#include "qr_vocab.h"
#include "qr_hash.h"
#include "qr_token.h"

#include <stdlib.h>
#include <string.h>

#define QR_VOCAB_MAX_IDS ((uint32_t)1 << 31)

void qr_vocab_init(qr_vocab *v)
{
    memset(v, 0, sizeof *v);
}

void qr_vocab_free(qr_vocab *v)
{
    free(v->buf);
    free(v->off);
    free(v->slots);
    free(v->memo);
    free(v->memo16);
    memset(v, 0, sizeof *v);
}

/* Slot of key s (hash h): the one holding its id, or the empty one where it
 * would go. The table is never full (at most half its slots are used). */
static size_t find_slot(const qr_vocab *v, const char *s, size_t n, uint64_t h)
{
    size_t i = (size_t)h & (v->cap - 1);
    for (;;) {
        uint32_t id = v->slots[i];
        if (!id) return i;
        if (v->off[id] - v->off[id - 1] == n && !memcmp(v->buf + v->off[id - 1], s, n)) return i;
        i = (i + 1) & (v->cap - 1);
    }
}

uint32_t qr_vocab_find(const qr_vocab *v, const char *s, size_t n)
{
    if (!v->count) return 0;
    return v->slots[find_slot(v, s, n, qr_hash64(s, n))];
}

/* Doubles the table (or makes the first one), placing every id again. */
static int grow_slots(qr_vocab *v)
{
    size_t ncap = v->cap ? 2 * v->cap : 64, i;
    uint32_t *ns = calloc(ncap, sizeof *ns), id;
    if (!ns) return QR_ENOMEM;
    for (id = 1; id <= v->count; id++) {
        size_t len = v->off[id] - v->off[id - 1];
        i = (size_t)qr_hash64(v->buf + v->off[id - 1], len) & (ncap - 1);
        while (ns[i]) i = (i + 1) & (ncap - 1);
        ns[i] = id;
    }
    free(v->slots);
    v->slots = ns;
    v->cap = ncap;
    return QR_OK;
}

int qr_vocab_intern(qr_vocab *v, const char *s, size_t n, uint32_t *id)
{
    uint64_t h = qr_hash64(s, n);
    size_t slot;
    *id = 0;
    if (v->count) {
        slot = find_slot(v, s, n, h);
        if (v->slots[slot]) { *id = v->slots[slot]; return QR_OK; }
    }
    if (v->count + 1 >= QR_VOCAB_MAX_IDS || n > UINT32_MAX - v->buflen) return QR_ETOOBIG;
    if (2 * ((size_t)v->count + 1) > v->cap && grow_slots(v) != QR_OK) return QR_ENOMEM;
    if (v->buflen + n > v->bufcap) {
        size_t ncap = v->bufcap ? 2 * v->bufcap : 4096;
        char *nb;
        while (ncap < v->buflen + n) ncap *= 2;
        nb = realloc(v->buf, ncap);
        if (!nb) return QR_ENOMEM;
        v->buf = nb;
        v->bufcap = ncap;
    }
    if ((size_t)v->count + 2 > v->offcap) {      /* off[0 .. count + 1] */
        size_t nn = v->offcap ? 2 * v->offcap : 64;
        uint32_t *no = realloc(v->off, nn * sizeof *no);
        if (!no) return QR_ENOMEM;
        if (!v->off) no[0] = 0;
        v->off = no;
        v->offcap = nn;
    }
    if (n) memcpy(v->buf + v->buflen, s, n);   /* (an empty key, the first: no buffer yet) */
    v->buflen += n;
    v->count++;
    v->off[v->count] = (uint32_t)v->buflen;
    slot = find_slot(v, s, n, h);
    v->slots[slot] = v->count;
    *id = v->count;
    return QR_OK;
}

uint32_t qr_vocab_find_absorbed(const qr_vocab *v, const char *s, size_t n, uint64_t absorb)
{
    return v->count ? v->slots[find_slot(v, s, n, qr_hash64_finish(absorb))] : 0;
}

void qr_vocab_ids(const qr_vocab *v, const qr_keys *k, uint32_t *ids, int only_zero)
{
    size_t i;
    for (i = 0; i < k->n; i++) {
        size_t n;
        const char *s;
        if (only_zero && ids[i]) continue;
        s = qr_key_of(k, i, &n);
        ids[i] = v->count ? v->slots[find_slot(v, s, n, qr_hash64_finish(k->absorb[i]))] : 0;
    }
}

void qr_idset_init(qr_idset *s)
{
    memset(s, 0, sizeof *s);
}

void qr_idset_free(qr_idset *s)
{
    free(s->bits);
    memset(s, 0, sizeof *s);
}

int qr_idset_add(qr_idset *s, uint32_t id)
{
    if (id >= s->nbits) {
        size_t words = ((size_t)id >> 6) + 1, old = (size_t)s->nbits >> 6;
        size_t most = ((size_t)QR_VOCAB_MAX_IDS >> 6) + 1;
        uint64_t *nb;
        if (id >= QR_VOCAB_MAX_IDS) return QR_ETOOBIG;
        if (words < 2 * old) words = 2 * old < most ? 2 * old : most;
        nb = realloc(s->bits, words * sizeof *nb);
        if (!nb) return QR_ENOMEM;
        memset(nb + old, 0, (words - old) * sizeof *nb);
        s->bits = nb;
        s->nbits = (uint32_t)(words << 6);
    }
    if (!qr_idset_has(s, id)) {
        s->bits[id >> 6] |= (uint64_t)1 << (id & 63);
        s->count++;
    }
    return QR_OK;
}
