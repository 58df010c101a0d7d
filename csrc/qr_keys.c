/*
 * Keys of all tokens in one buffer. The buffer is sized from the tokens'
 * bytes (a key is at most three times its token), then trimmed. The keys
 * of ASCII tokens (most) and their hashes are made eight bytes a step.
 */
#include "qr_keys.h"

#include "qr_hash.h"
#include "qr_vocab.h"

#include <stdlib.h>
#include <string.h>

/* What qr_normalize makes of an ASCII byte: capitals lower-cased, the
 * backquote an apostrophe (bytes above 0x7F are left to it). */
static inline unsigned char ascii_key(unsigned char b)
{
    if ((unsigned)(b - 'A') < 26u) return (unsigned char)(b + 32);
    return b == '`' ? '\'' : b;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define QR_KEYS_WORDS 1     /* keys of ASCII tokens eight bytes a step (below) */
#else
#define QR_KEYS_WORDS 0
#endif

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS (ONES * 0x80)

/* What ascii_key makes of each byte of w, eight at a time, into *key: 0
 * when a byte is above 0x7F or a backquote (the byte loop and
 * qr_normalize see to those). */
static inline int ascii_word_key(uint64_t w, uint64_t *key)
{
    uint64_t bq = w ^ (ONES * '`'), upper;
    if ((w & HIGHS) || ((bq - ONES) & ~bq & HIGHS)) return 0;
    /* no byte is above 0x7F: the sums carry into no other byte */
    upper = (w + ONES * (0x80 - 'A')) & ~(w + ONES * (0x80 - 'Z' - 1)) & HIGHS;
    *key = w | upper >> 2;
    return 1;
}

/* h with the key word of n bytes (1 to 8) absorbed as qr_hash_absorb
 * absorbs a key's words: a whole word, or the tail. */
static inline uint64_t absorb_word(uint64_t h, uint64_t key, size_t n)
{
    if (n == 8) {
        h = (h ^ key) * UINT64_C(0xbf58476d1ce4e5b9);
        return h ^ h >> 31;
    }
    h = (h ^ key) * UINT64_C(0x94d049bb133111eb);
    return h ^ h >> 29;
}

/* The key of the ASCII token of len bytes at w into out, its
 * qr_hash_absorb into *absorb and whether it is the token's text into
 * *same, eight bytes a step: 0 (nothing made) when a byte is above 0x7F
 * or a backquote. Bytes up to `end` may be read (the text's), eight after
 * the key's end written (the buffer has room). */
static int ascii_token_key(const unsigned char *w, size_t len, const unsigned char *end, unsigned char *out,
                           uint64_t *absorb, unsigned char *same)
{
    uint64_t h = UINT64_C(0x9E3779B97F4A7C15) ^ (uint64_t)len, changed = 0;
    size_t j;
    for (j = 0; j < len; j += 8) {
        size_t n = len - j < 8 ? len - j : 8, b;
        uint64_t x = 0, key;
        if (w + j + 8 <= end) {
            memcpy(&x, w + j, 8);
            if (n < 8) x &= (UINT64_C(1) << (8 * n)) - 1;
        } else {
            for (b = 0; b < n; b++) x |= (uint64_t)w[j + b] << (8 * b);
        }
        if (!ascii_word_key(x, &key)) return 0;
        memcpy(out + j, &key, 8);
        changed |= key ^ x;
        h = absorb_word(h, key, n);
    }
    *absorb = h;
    *same = (unsigned char)!changed;
    return 1;
}

/* The key of token i at k->buf + o, byte by byte: ASCII bytes by table,
 * qr_token_key once a byte above 0x7F shows up (and for quotes); sets
 * k->same[i]. Returns the key's length. */
static size_t token_key(qr_keys *k, const char *text, const qr_token *tk, size_t i, size_t o, unsigned mode)
{
    const unsigned char *w = (const unsigned char *)text + tk->start;
    unsigned char *out = (unsigned char *)k->buf + o;
    size_t len = tk->stop - tk->start, klen;
    if (tk->kind != QR_OPEN_QUOTE && tk->kind != QR_CLOSE_QUOTE) {
        size_t j;
        unsigned seen = 0, changed = 0;
        for (j = 0; j < len; j++) {
            unsigned char c = ascii_key(w[j]);
            seen |= w[j];
            changed |= (unsigned)(c != w[j]);
            out[j] = c;
        }
        if (!(seen & 0x80)) {
            k->same[i] = (unsigned char)!changed;
            return len;
        }
    }
    klen = qr_token_key(text, tk, mode, (char *)out);
    k->same[i] = (unsigned char)(klen == len && memcmp(out, w, len) == 0);
    return klen;
}

/* Makes k's arrays for the tokens of t: room for their keys, and sets
 * *end, the end of the text the keys are read from. */
static int keys_begin(qr_keys *k, const char *text, const qr_tokens *t, unsigned mode, const unsigned char **end)
{
    size_t i, total;
    memset(k, 0, sizeof *k);
    /* tokens in order, apart: their bytes are at most the span from the
     * first to the last (which ends where the text read ends); counted
     * only when that span is too long */
    total = t->n ? t->tok[t->n - 1].stop - t->tok[0].start : 0;
    if (total > (size_t)UINT32_MAX / 3) {
        for (i = 0, total = 0; i < t->n; i++) total += t->tok[i].stop - t->tok[i].start;
        if (total > (size_t)UINT32_MAX / 3) return QR_ETOOBIG;
    }
    *end = (const unsigned char *)text + (t->n ? t->tok[t->n - 1].stop : 0);
    k->off = malloc((t->n + 1) * sizeof *k->off);
    k->buf = malloc(3 * total + 8);
    k->same = malloc(t->n + 1);
    k->absorb = malloc((t->n + 1) * sizeof *k->absorb);
    if (!k->off || !k->buf || !k->same || !k->absorb) { qr_keys_free(k); return QR_ENOMEM; }
    k->n = t->n;
    k->mode = mode;
    k->off[0] = 0;
    return QR_OK;
}

/* The key of token i at byte o of k's buffer, its absorb and same:
 * returns the byte after it. */
static size_t key_at(qr_keys *k, const char *text, const qr_tokens *t, size_t i, size_t o,
                     const unsigned char *end)
{
    const qr_token *tk = &t->tok[i];
    size_t len = tk->stop - tk->start;
    uint64_t absorb;
    /* most tokens are ASCII: their keys and hashes eight bytes a step */
    if (QR_KEYS_WORDS && tk->kind != QR_OPEN_QUOTE && tk->kind != QR_CLOSE_QUOTE
        && ascii_token_key((const unsigned char *)text + tk->start, len, end,
                           (unsigned char *)k->buf + o, &absorb, &k->same[i])) {
        o += len;
    } else {
        size_t klen = token_key(k, text, tk, i, o, k->mode);
        absorb = qr_hash_absorb(k->buf + o, klen);
        o += klen;
    }
    k->absorb[i] = absorb;
    return o;
}

/* The buffer trimmed to the o bytes of the keys. */
static void keys_end(qr_keys *k, size_t o)
{
    char *nb;
    k->off[k->n] = (uint32_t)o;
    nb = realloc(k->buf, o + 1);
    if (nb) k->buf = nb;
}

int qr_keys_build(qr_keys *k, const char *text, const qr_tokens *t, unsigned mode)
{
    size_t i, o = 0;
    const unsigned char *end;
    int rc = keys_begin(k, text, t, mode, &end);
    if (rc != QR_OK) return rc;
    for (i = 0; i < t->n; i++) {
        k->off[i] = (uint32_t)o;
        o = key_at(k, text, t, i, o, end);
    }
    keys_end(k, o);
    return QR_OK;
}

/* The memo's entry of the token of len bytes (1 to 8) raw. */
static inline size_t memo_slot(uint64_t raw, size_t len)
{
    uint64_t h = (raw ^ (uint64_t)len) * UINT64_C(0x9E3779B97F4A7C15);
    return (size_t)(h >> (64 - QR_KEYMEMO_BITS));
}

/* The memo's entry (in memo, v's) for the token of len bytes (1 to 8) at w, filled for
 * them when it holds another's; NULL when they are not ASCII, or hold a
 * backquote (the key is then qr_normalize's). key: where the key goes in
 * the keys' buffer (eight bytes may be written there). */
static const qr_keymemo *memo_of(qr_vocab *v, qr_keymemo *memo, const unsigned char *w, size_t len,
                                 const unsigned char *end, char *key)
{
    uint64_t raw = 0, kw;
    qr_keymemo *e;
    size_t b;
    if (w + 8 <= end) {
        memcpy(&raw, w, 8);
        if (len < 8) raw &= (UINT64_C(1) << (8 * len)) - 1;
    } else {
        for (b = 0; b < len; b++) raw |= (uint64_t)w[b] << (8 * b);
    }
    e = &memo[memo_slot(raw, len)];
    if (e->len == len && e->raw == raw) {
        memcpy(key, &e->key, 8);
        /* an id of 0 holds until the vocabulary grows */
        if (!e->id && e->count != v->count) {
            e->id = qr_vocab_find_absorbed(v, key, len, e->absorb);
            e->count = v->count;
        }
        return e;
    }
    if (!ascii_word_key(raw, &kw)) return NULL;
    e->raw = raw;
    e->key = kw;
    e->len = (uint8_t)len;
    e->same = kw == raw;
    e->absorb = absorb_word(UINT64_C(0x9E3779B97F4A7C15) ^ (uint64_t)len, kw, len);
    memcpy(key, &kw, 8);
    e->id = qr_vocab_find_absorbed(v, key, len, e->absorb);
    e->count = v->count;
    return e;
}

/* The memo16 entry of the token of len bytes (9 to 16) whose words are
 * lo and hi (hi: the bytes past the eighth). */
static inline size_t memo16_slot(uint64_t lo, uint64_t hi, size_t len)
{
    uint64_t h = (lo ^ (hi * UINT64_C(0xbf58476d1ce4e5b9)) ^ (uint64_t)len) * UINT64_C(0x9E3779B97F4A7C15);
    return (size_t)(h >> (64 - QR_KEYMEMO16_BITS));
}

/* As memo_of, for a token of len bytes (9 to 16) at w, in v's memo16: its
 * key (16 bytes written at key), absorb and id; NULL when its bytes are
 * not ASCII, or hold a backquote. */
static const qr_keymemo16 *memo16_of(qr_vocab *v, const unsigned char *w, size_t len, const unsigned char *end,
                                     char *key)
{
    uint64_t lo, hi = 0, klo, khi;
    qr_keymemo16 *e;
    size_t b;
    memcpy(&lo, w, 8);      /* (the token's own first eight bytes) */
    if (w + 16 <= end) {
        memcpy(&hi, w + 8, 8);
        if (len < 16) hi &= (UINT64_C(1) << (8 * (len - 8))) - 1;
    } else {
        for (b = 8; b < len; b++) hi |= (uint64_t)w[b] << (8 * (b - 8));
    }
    e = &v->memo16[memo16_slot(lo, hi, len)];
    if (e->len == len && e->raw[0] == lo && e->raw[1] == hi) {
        memcpy(key, e->key, 16);
        if (!e->id && e->count != v->count) {
            e->id = qr_vocab_find_absorbed(v, key, len, e->absorb);
            e->count = v->count;
        }
        return e;
    }
    if (!ascii_word_key(lo, &klo) || !ascii_word_key(hi, &khi)) return NULL;
    e->raw[0] = lo;
    e->raw[1] = hi;
    e->key[0] = klo;
    e->key[1] = khi;
    e->len = (uint8_t)len;
    e->same = klo == lo && khi == hi;
    /* (as ascii_token_key absorbs the two words) */
    e->absorb = absorb_word(absorb_word(UINT64_C(0x9E3779B97F4A7C15) ^ (uint64_t)len, klo, 8), khi, len - 8);
    memcpy(key, e->key, 16);
    e->id = qr_vocab_find_absorbed(v, key, len, e->absorb);
    e->count = v->count;
    return e;
}

int qr_keys_build_ids(qr_keys *k, const char *text, const qr_tokens *t, unsigned mode, qr_vocab *v, uint32_t *ids)
{
    size_t i, o = 0, n;
    const unsigned char *end;
    const qr_token *tok;
    uint32_t *off;
    uint64_t *absorb;
    unsigned char *same;
    char *buf;
    qr_keymemo *memo;
    int rc = keys_begin(k, text, t, mode, &end);
    if (rc != QR_OK) return rc;
    if (QR_KEYS_WORDS && !v->memo) {
        v->memo = calloc((size_t)1 << QR_KEYMEMO_BITS, sizeof *v->memo);
        v->memo16 = v->memo ? calloc((size_t)1 << QR_KEYMEMO16_BITS, sizeof *v->memo16) : NULL;
        if (!v->memo16) {       /* (both or neither) */
            free(v->memo);
            v->memo = NULL;
        }
    }
    memo = v->memo;
    /* in locals: the stores to same (bytes, which may alias anything)
     * would have each of these read again for every token */
    n = t->n;
    tok = t->tok;
    off = k->off;
    absorb = k->absorb;
    same = k->same;
    buf = k->buf;
    for (i = 0; i < n; i++) {
        const qr_token *tk = &tok[i];
        size_t len = tk->stop - tk->start;
        const qr_keymemo *e = NULL;
        off[i] = (uint32_t)o;
        /* a short ASCII token: its key, hash and id as an earlier one with
         * the same bytes had them */
        if (QR_KEYS_WORDS && memo && len - 1 < 8 && tk->kind != QR_OPEN_QUOTE && tk->kind != QR_CLOSE_QUOTE)
            e = memo_of(v, memo, (const unsigned char *)text + tk->start, len, end, buf + o);
        if (e) {
            same[i] = e->same;
            absorb[i] = e->absorb;
            ids[i] = e->id;
            o += len;
            continue;
        }
        /* a longer one up to 16 bytes the same way, in the other memo */
        if (QR_KEYS_WORDS && memo && len - 9 < 8 && tk->kind != QR_OPEN_QUOTE && tk->kind != QR_CLOSE_QUOTE) {
            const qr_keymemo16 *e16 = memo16_of(v, (const unsigned char *)text + tk->start, len, end, buf + o);
            if (e16) {
                same[i] = e16->same;
                absorb[i] = e16->absorb;
                ids[i] = e16->id;
                o += len;
                continue;
            }
        }
        o = key_at(k, text, t, i, o, end);
        ids[i] = qr_vocab_find_absorbed(v, buf + off[i], o - off[i], absorb[i]);
    }
    keys_end(k, o);
    return QR_OK;
}

void qr_keys_free(qr_keys *k)
{
    free(k->buf);
    free(k->off);
    free(k->absorb);
    free(k->same);
    memset(k, 0, sizeof *k);
}
