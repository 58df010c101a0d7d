/*
 * Fuzz target: the tokeniser (qr_token.c) and everything computed from its
 * tokens: keys in both modes (one token at a time and qr_keys_build for a
 * whole text), shapes, qr_normalize, group lookups.
 *
 * Input: byte 0 picks the options (sentences, urls, paragraph mode, extra
 * abbreviations); with abbreviations on, the text up to the first 0x01 is a
 * space-separated list of them. The rest is the text.
 *
 * Invariants checked (abort when broken): tokens lie inside the text, in
 * order, without overlap, with valid kinds and cases; sentences and
 * paragraphs are increasing token indices and every paragraph starts a
 * sentence; keys and normalised text are valid UTF-8 within 3x the input;
 * shapes within 4x; qr_keys_build gives the keys qr_token_key gives.
 */
#include "qr_keys.h"
#include "qr_token.h"
#include "qr_utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "fuzz_token: %s (line %d)\n", #cond, __LINE__); abort(); } } while (0)

static int valid_utf8(const char *s, size_t n)
{
    return qr_utf8_invalid_at((const unsigned char *)s, n) == n;
}

static void check_groups(const qr_tokens *t, const uint32_t *starts, size_t count)
{
    size_t g;
    if (t->n == 0) return;
    CHECK(count > 0 && starts[0] == 0);
    for (g = 1; g < count; g++) CHECK(starts[g] > starts[g - 1] && starts[g] < t->n);
    CHECK(qr_tokens_group_of(starts, count, 0) == 0);
    CHECK(qr_tokens_group_of(starts, count, t->n - 1) == count - 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    qr_tokopts o;
    qr_tokens t;
    qr_word words[64];
    size_t nwords = 0, i, len;
    const char *text;
    char *buf;
    unsigned mode;

    if (size < 1) return 0;
    qr_tokopts_default(&o);
    o.sentences = !(data[0] & 1);
    o.urls = !(data[0] & 2);
    o.paragraphs = (data[0] >> 2) % 3;
    text = (const char *)data + 1;
    len = size - 1;
    if (data[0] & 0x40) {
        const char *end = memchr(text, 1, len), *p = text;
        if (end) {
            while (p < end && nwords < 64) {
                const char *sp = memchr(p, ' ', (size_t)(end - p));
                const char *we = sp ? sp : end;
                size_t wl = (size_t)(we - p);
                if (wl && p[wl - 1] == '.') wl--;      /* as the Lua binding does */
                if (wl) { words[nwords].s = p; words[nwords].len = wl; nwords++; }
                p = we + 1;
            }
            qsort(words, nwords, sizeof *words, qr_word_cmp);
            o.abbrevs = words;
            o.nabbrevs = nwords;
            len -= (size_t)(end + 1 - text);
            text = end + 1;
        }
    }

    CHECK(qr_tokenize(text, len, &o, &t) == QR_OK);
    buf = malloc(4 * len + 16);
    CHECK(buf != NULL);
    for (i = 0; i < t.n; i++) {
        const qr_token *k = &t.tok[i];
        size_t n = k->stop - k->start;
        CHECK(k->start < k->stop && k->stop <= len);
        CHECK(i == 0 || t.tok[i - 1].stop <= k->start);
        CHECK(k->kind < QR_KIND_COUNT && k->casing < QR_CASE_COUNT);
        CHECK(qr_kind_name(k->kind) != NULL && qr_case_name(k->casing) != NULL);
        for (mode = 0; mode <= QR_KEY_BARE; mode += QR_KEY_BARE) {
            size_t kl = qr_token_key(text, k, mode, buf);
            CHECK(kl <= 3 * n && valid_utf8(buf, kl));
        }
        CHECK(qr_token_shape(text, k, 0, buf) <= 4 * n);
        CHECK(qr_token_shape(text, k, 1, buf) <= 4 * n);
    }
    if (o.sentences) {
        size_t s = 0, p;
        check_groups(&t, t.sent, t.nsent);
        check_groups(&t, t.para, t.npara);
        for (p = 0; p < t.npara; p++) {       /* a sentence never crosses a paragraph */
            while (s < t.nsent && t.sent[s] < t.para[p]) s++;
            CHECK(s < t.nsent && t.sent[s] == t.para[p]);
        }
        for (i = 0; i < t.n; i++) {
            CHECK(!!(t.tok[i].flags & QR_F_SENT_START) == (t.sent[qr_tokens_group_of(t.sent, t.nsent, i)] == i));
        }
    } else {
        CHECK(t.nsent == 0 && t.npara == 0);
    }
    for (mode = 0; mode <= QR_KEY_BARE; mode += QR_KEY_BARE) {
        qr_keys keys;
        size_t kl = qr_normalize(text, len, mode, buf);
        CHECK(kl <= 3 * len && valid_utf8(buf, kl));
        CHECK(qr_keys_build(&keys, text, &t, mode) == QR_OK);
        CHECK(keys.n == t.n);
        for (i = 0; i < t.n; i++) {
            size_t n, n2;
            const char *key = qr_key_of(&keys, i, &n);
            n2 = qr_token_key(text, &t.tok[i], mode, buf);
            CHECK(n == n2 && memcmp(key, buf, n) == 0);
        }
        qr_keys_free(&keys);
    }
    free(buf);
    qr_tokens_free(&t);
    return 0;
}
