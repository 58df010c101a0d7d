/*
 * C-level tests of the vocabulary of interned keys and of id sets
 * (qr_vocab.h), built with ASan and UBSan by `make test`: ids dense and
 * stable through many table and buffer growths, keys read back, lookups of
 * absent keys, keys with NUL bytes and of length 0, the ids of a text's
 * tokens (and their refresh after the vocabulary grew), the keys and ids
 * made at once through the memo of short tokens, and id sets against
 * a plain array over random ids. Prints TAP.
 */
#include "qr_keys.h"
#include "qr_token.h"
#include "qr_vocab.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"

#define NWORDS 20000

static void word(char *buf, size_t *n, unsigned i)
{
    *n = (size_t)snprintf(buf, 32, "w%u", i * 2654435761u);
}

static void test_intern(void)
{
    qr_vocab v;
    char buf[32];
    size_t n, len;
    unsigned i;
    int dense = 1, stable = 1, back = 1, absent = 1;
    uint32_t id;
    qr_vocab_init(&v);
    ok(qr_vocab_find(&v, "x", 1) == 0, "an empty vocabulary finds nothing");
    for (i = 0; i < NWORDS; i++) {
        word(buf, &n, i);
        if (qr_vocab_intern(&v, buf, n, &id) != QR_OK || id != i + 1) dense = 0;
    }
    ok(dense, "ids are 1, 2, 3 ... in the order keys are first added");
    ok(v.count == NWORDS, "count is the number of distinct keys");
    for (i = 0; i < NWORDS; i++) {
        const char *k;
        word(buf, &n, i);
        if (qr_vocab_intern(&v, buf, n, &id) != QR_OK || id != i + 1) stable = 0;
        if (qr_vocab_find(&v, buf, n) != i + 1) stable = 0;
        k = qr_vocab_key(&v, i + 1, &len);
        if (len != n || memcmp(k, buf, n)) back = 0;
        buf[0] = 'x';
        if (qr_vocab_find(&v, buf, n) != 0) absent = 0;
    }
    ok(stable, "adding a key again or finding it gives its id, through the growths");
    ok(back, "each id's key reads back");
    ok(absent, "keys never added are not found");
    ok(v.count == NWORDS, "adding known keys adds no id");
    {
        uint32_t a = 0, b = 0, c = 0;
        qr_vocab_intern(&v, "", 0, &a);
        qr_vocab_intern(&v, "a\0b", 3, &b);
        qr_vocab_intern(&v, "a\0c", 3, &c);
        ok(a && b && c && a != b && b != c, "the empty key and keys with NUL bytes are keys of their own");
        ok(qr_vocab_find(&v, "a\0b", 3) == b && qr_vocab_find(&v, "a", 1) == 0, "NUL bytes count");
    }
    qr_vocab_free(&v);
}

static void test_ids(void)
{
    const char *text = "Ann SAID that Ann said it.";
    qr_vocab v;
    qr_tokens t;
    qr_keys k;
    uint32_t ids[16], said = 0, ann = 0, it = 0;
    qr_vocab_init(&v);
    qr_tokenize(text, strlen(text), NULL, &t);
    qr_keys_build(&k, text, &t, 0);
    qr_vocab_intern(&v, "said", 4, &said);
    qr_vocab_intern(&v, "ann", 3, &ann);
    ok(t.n == 7, "seven tokens");
    qr_vocab_ids(&v, &k, ids, 0);
    ok(ids[0] == ann && ids[1] == said && ids[2] == 0 && ids[3] == ann && ids[4] == said && ids[5] == 0,
       "a token's id is its key's; 0 for keys the vocabulary lacks");
    qr_vocab_intern(&v, "it", 2, &it);
    ids[0] = 999;    /* only the zeros are looked up again */
    qr_vocab_ids(&v, &k, ids, 1);
    ok(ids[5] == it && ids[2] == 0 && ids[0] == 999, "a refresh fills in the keys added since");
    qr_keys_free(&k);
    qr_tokens_free(&t);
    qr_vocab_free(&v);
}

static void test_idset(void)
{
    static unsigned char member[1 << 17];
    qr_idset s;
    uint32_t i, count = 0;
    int same = 1;
    qr_idset_init(&s);
    ok(!qr_idset_has(&s, 0) && !qr_idset_has(&s, 12345), "an empty set has nothing");
    for (i = 0; i < 5000; i++) {
        uint32_t id = 1 + rng() % ((1u << 17) - 1);
        if (qr_idset_add(&s, id) != QR_OK) same = 0;
        if (!member[id]) count++;
        member[id] = 1;
    }
    for (i = 0; i < (1u << 17); i++)
        if (qr_idset_has(&s, i) != member[i]) same = 0;
    ok(same, "membership is that of a plain array, through the growths");
    ok(s.count == count, "count is the number of distinct ids");
    ok(!qr_idset_has(&s, (1u << 31) - 1) && !qr_idset_has(&s, UINT32_MAX), "ids past the bitmap are absent");
    ok(qr_idset_add(&s, UINT32_MAX) == QR_ETOOBIG, "an id past 2^31 is refused");
    qr_idset_free(&s);
}

/* The keys and ids qr_keys_build_ids makes, against qr_keys_build and
 * qr_vocab_ids: on a first text (the memos filled), the same text again
 * (found there), after the vocabulary grew (an id of 0 looked up again),
 * and with tokens the memos leave out (past 16 bytes, non-ASCII in the
 * first eight bytes or after them, quotes, a backquote); tokens of 9 to 16
 * bytes in their own memo, one at the text's end (read byte by byte). */
static int same_as_plain(const char *text, qr_vocab *v, unsigned mode)
{
    qr_tokens t;
    qr_keys a, b;
    uint32_t *ia, *ib;
    size_t i;
    int same = 1;
    qr_tokenize(text, strlen(text), NULL, &t);
    ia = malloc((t.n + 1) * sizeof *ia);
    ib = malloc((t.n + 1) * sizeof *ib);
    if (!ia || !ib || qr_keys_build(&a, text, &t, mode) != QR_OK
        || qr_keys_build_ids(&b, text, &t, mode, v, ib) != QR_OK) {
        same = 0;
    } else {
        qr_vocab_ids(v, &a, ia, 0);
        for (i = 0; i <= t.n; i++) same &= a.off[i] == b.off[i];
        for (i = 0; same && i < t.n; i++) {
            same &= a.same[i] == b.same[i] && a.absorb[i] == b.absorb[i] && ia[i] == ib[i];
            same &= !memcmp(a.buf + a.off[i], b.buf + b.off[i], a.off[i + 1] - a.off[i]);
        }
        qr_keys_free(&a);
        qr_keys_free(&b);
    }
    free(ia);
    free(ib);
    qr_tokens_free(&t);
    return same;
}

static void test_keys_ids(void)
{
    const char *text = "Ann SAID that Ann said it, \"Ca`t\" \u2019s Z\u00fcrich co-operation "
                       "ABCDEFGH abcdefghi 12345678 x. Constitutional CONSTITUTIONAL abcdefghijklmnop "
                       "Abcdefghijklmnopq Bundesstra\u00dfe Z\u00fcrichersee extraordinary";
    qr_vocab v;
    uint32_t id;
    qr_vocab_init(&v);
    qr_vocab_intern(&v, "said", 4, &id);
    qr_vocab_intern(&v, "abcdefgh", 8, &id);
    qr_vocab_intern(&v, "constitutional", 14, &id);
    ok(same_as_plain(text, &v, 0), "keys and ids at once are those made apart, the memo filled");
    ok(same_as_plain(text, &v, 0), "and with them found in the memo");
    ok(same_as_plain(text, &v, QR_KEY_BARE), "and bare keys");
    qr_vocab_intern(&v, "ann", 3, &id);
    qr_vocab_intern(&v, "it", 2, &id);
    qr_vocab_intern(&v, "abcdefghijklmnop", 16, &id);
    qr_vocab_intern(&v, "extraordinary", 13, &id);
    ok(same_as_plain(text, &v, 0), "and after the vocabulary grew");
    qr_vocab_free(&v);
}

int main(void)
{
    test_intern();
    test_ids();
    test_keys_ids();
    test_idset();
    printf("1..%d\n", tests);
    return failures != 0;
}
