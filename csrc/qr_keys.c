/*
 * Keys of all tokens in one buffer. The buffer is sized from the tokens'
 * bytes (a key is at most three times its token), then trimmed.
 */
#include "qr_keys.h"

#include "qr_hash.h"

#include <stdlib.h>
#include <string.h>

/* What qr_normalize makes of an ASCII byte: capitals lower-cased, the
 * backquote an apostrophe (bytes above 0x7F are left to it). */
static inline unsigned char ascii_key(unsigned char b)
{
    if ((unsigned)(b - 'A') < 26u) return (unsigned char)(b + 32);
    return b == '`' ? '\'' : b;
}

int qr_keys_build(qr_keys *k, const char *text, const qr_tokens *t, unsigned mode)
{
    size_t i, total = 0, o = 0;
    memset(k, 0, sizeof *k);
    for (i = 0; i < t->n; i++) total += t->tok[i].stop - t->tok[i].start;
    if (total > (size_t)UINT32_MAX / 3) return QR_ETOOBIG;
    k->off = malloc((t->n + 1) * sizeof *k->off);
    k->buf = malloc(3 * total + 1);
    k->same = malloc(t->n + 1);
    if (!k->off || !k->buf || !k->same) { qr_keys_free(k); return QR_ENOMEM; }
    for (i = 0; i < t->n; i++) {
        const qr_token *tk = &t->tok[i];
        const unsigned char *w = (const unsigned char *)text + tk->start;
        size_t len = tk->stop - tk->start, klen;
        k->off[i] = (uint32_t)o;
        if (tk->kind != QR_OPEN_QUOTE && tk->kind != QR_CLOSE_QUOTE) {
            /* most tokens are ASCII: lower-cased by table (as qr_normalize
             * does), and normalised only when a byte above 0x7F shows up */
            size_t j;
            unsigned seen = 0, changed = 0;
            for (j = 0; j < len; j++) {
                unsigned char c = ascii_key(w[j]);
                seen |= w[j];
                changed |= (unsigned)(c != w[j]);
                k->buf[o + j] = (char)c;
            }
            if (!(seen & 0x80)) {
                k->same[i] = (unsigned char)!changed;
                o += len;
                continue;
            }
        }
        klen = qr_token_key(text, tk, mode, k->buf + o);
        k->same[i] = (unsigned char)(klen == len && memcmp(k->buf + o, w, len) == 0);
        o += klen;
    }
    k->off[t->n] = (uint32_t)o;
    k->n = t->n;
    k->mode = mode;
    if (o < 3 * total) {
        char *nb = realloc(k->buf, o + 1);
        if (nb) k->buf = nb;
    }
    k->absorb = malloc((t->n + 1) * sizeof *k->absorb);
    k->h32 = malloc((t->n + 1) * sizeof *k->h32);
    if (!k->absorb || !k->h32) { qr_keys_free(k); return QR_ENOMEM; }
    for (i = 0; i < t->n; i++) {
        k->absorb[i] = qr_hash_absorb(k->buf + k->off[i], k->off[i + 1] - k->off[i]);
        k->h32[i] = qr_hash32_finish(k->absorb[i]);
    }
    return QR_OK;
}

void qr_keys_free(qr_keys *k)
{
    free(k->buf);
    free(k->off);
    free(k->absorb);
    free(k->h32);
    free(k->same);
    memset(k, 0, sizeof *k);
}
