/*
 * Keys of all tokens in one buffer. The buffer is sized from the tokens'
 * bytes (a key is at most three times its token), then trimmed.
 */
#include "qr_keys.h"

#include <stdlib.h>
#include <string.h>

int qr_keys_build(qr_keys *k, const char *text, const qr_tokens *t, unsigned mode)
{
    size_t i, total = 0, o = 0;
    memset(k, 0, sizeof *k);
    for (i = 0; i < t->n; i++) total += t->tok[i].stop - t->tok[i].start;
    if (total > (size_t)UINT32_MAX / 3) return QR_ETOOBIG;
    k->off = malloc((t->n + 1) * sizeof *k->off);
    k->buf = malloc(3 * total + 1);
    if (!k->off || !k->buf) { qr_keys_free(k); return QR_ENOMEM; }
    for (i = 0; i < t->n; i++) {
        k->off[i] = (uint32_t)o;
        o += qr_token_key(text, &t->tok[i], mode, k->buf + o);
    }
    k->off[t->n] = (uint32_t)o;
    k->n = t->n;
    k->mode = mode;
    if (o < 3 * total) {
        char *nb = realloc(k->buf, o + 1);
        if (nb) k->buf = nb;
    }
    return QR_OK;
}

void qr_keys_free(qr_keys *k)
{
    free(k->buf);
    free(k->off);
    memset(k, 0, sizeof *k);
}
