/*
 * Pure helpers of the quote driver (see qr_qdrive.h). The same, byte for
 * byte, as the Lua patterns they replace in quotes/terms.lua, so that the
 * news pack's output does not change.
 */
#include "qr_qdrive.h"
#include "qr_hash.h"
#include "qr_keys.h"
#include "qr_token.h"

#include <string.h>

/* isspace and ispunct in the C locale, on bytes (Lua's %s and %p there):
 * bytes past ASCII are neither. */
static int is_space(unsigned char c) { return c == ' ' || (c >= 9 && c <= 13); }
static int is_punct(unsigned char c)
{
    return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
}

int qr_qwords_has(const qr_qwords *list, const char *w, size_t n)
{
    while (*list) {
        size_t len = *list;
        if (len == n && memcmp(list + 1, w, n) == 0) return 1;
        list += len + 1;
    }
    return 0;
}

int qr_title_like(const char *s, size_t len, const qr_qwords *small, size_t *looked)
{
    size_t i = 0, n = 0;
    *looked = 0;
    while (i < len) {
        size_t a, b;
        unsigned char c;
        while (i < len && is_space((unsigned char)s[i])) i++;
        a = i;
        while (i < len && !is_space((unsigned char)s[i])) i++;
        b = i;
        while (a < b && is_punct((unsigned char)s[a])) a++;
        while (b > a && is_punct((unsigned char)s[b - 1])) b--;
        if (a == b) continue;
        ++*looked;
        if (qr_qwords_has(small, s + a, b - a)) continue;
        c = (unsigned char)s[a];
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return 0;
        if (++n > 7) return 0;      /* (no word after can bring it back to seven) */
    }
    return n >= 1;
}

int qr_quote_words(const char *text, size_t len, size_t start, size_t stop, int closed, qr_qwordspan *out)
{
    unsigned char last;
    if (stop > len) stop = len;
    while (start < stop && is_space((unsigned char)text[start])) start++;
    while (stop > start && is_space((unsigned char)text[stop - 1])) stop--;
    if (stop <= start) return 0;
    last = (unsigned char)text[stop - 1];
    out->start = start;
    out->stop = stop;
    out->closed_sentence = closed && (last == '.'
        || (last == 0xA6 && stop >= 3 && memcmp(text + stop - 3, "\xE2\x80\xA6", 3) == 0));   /* "…" */
    out->soft_end = closed && (last == ',' || last == '!' || last == '?');
    return 1;
}

uint64_t qr_qmarkers_hash(const char *s, size_t n) { return qr_hash64(s, n); }

/* The word of the n bytes at s, whose hash is h, or -1. */
static long word_hashed(const qr_qmarkers *m, const char *s, size_t n, uint64_t h)
{
    size_t mask = m->nslots - 1, i;
    if (!m->nslots) return -1;
    for (i = (size_t)h & mask;; i = (i + 1) & mask) {
        int32_t w = m->slots[i];
        if (w < 0) return -1;
        if (m->woff[w + 1] - m->woff[w] == n && memcmp(m->pool + m->woff[w], s, n) == 0) return w;
    }
}

long qr_qmarkers_word(const qr_qmarkers *m, const char *s, size_t n)
{
    return word_hashed(m, s, n, qr_hash64(s, n));
}

/* The word of token i (1-based, in 1 .. t->n), or -1. */
static long word_at(const qr_qmarkers *m, const qr_qmarkdoc *d, size_t i)
{
    size_t n;
    const char *s = qr_key_of(d->k, i - 1, &n);
    /* (the key's hash finished from what the keys keep of it) */
    return word_hashed(m, s, n, d->k->absorb ? qr_hash64_finish(d->k->absorb[i - 1]) : qr_hash64(s, n));
}

/* Whether the key of token i is the n bytes at s. */
static int key_is(const qr_qmarkdoc *d, size_t i, const char *s, size_t n)
{
    size_t kn;
    const char *k = qr_key_of(d->k, i - 1, &kn);
    return kn == n && memcmp(k, s, n) == 0;
}

static unsigned kind_at(const qr_qmarkdoc *d, size_t i) { return d->t->tok[i - 1].kind; }

/* Whether the tokens from t on (dir 1) or up to t (dir -1) spell marker e. */
static int spells(const qr_qmarkers *m, const qr_qmarkdoc *d, const qr_qmarker *e, size_t t, int dir)
{
    size_t k = e->nkeys, i;
    long long first = dir == 1 ? (long long)t : (long long)t - (long long)k + 1;
    if (first < 1 || (size_t)first + k - 1 > d->t->n) return 0;
    for (i = 0; i < k; i++) {
        uint32_t w = m->phrase[e->first + i];
        if (!key_is(d, (size_t)first + i, m->pool + m->woff[w], m->woff[w + 1] - m->woff[w])) return 0;
    }
    return 1;
}

/* Whether "what" or "which" opens the clause a few words before token t0
 * (which may be below 1). */
static int after_what(const qr_qmarkdoc *d, long long t0)
{
    long long lo = t0 - 5, u;
    if (lo < 1) lo = 1;
    for (u = t0 - 1; u >= lo; u--) {
        if (key_is(d, (size_t)u, "what", 4) || key_is(d, (size_t)u, "which", 5)) return 1;
        if (kind_at(d, (size_t)u) != QR_WORD) return 0;
    }
    return 0;
}

/* The first marker of the list from head that fits at token t (dir -1:
 * ending there, 1: starting there), or -1; far: only those that may stand
 * a few words before the marks; named: whether the words inside look
 * like a name (-1: not known, as no); title: title-like words inside. */
static long marker_at(const qr_qmarkers *m, const qr_qmarkdoc *d, long head, size_t t, int dir, int title, int far,
                      int named)
{
    long k;
    if (head < 0) return -1;
    if (d->t->tok[t - 1].casing != QR_CASE_LOWER && !d->opens(d->ud, t)) return -1;
    for (k = head; k >= 0; k = m->marks[k].next) {
        const qr_qmarker *e = &m->marks[k];
        if ((title || !(e->flags & QR_QM_TITLE_ONLY)) && (!far || (e->flags & QR_QM_FAR))
            && (!(e->flags & QR_QM_WHAT) || (named > 0 && after_what(d, (long long)t - (long long)e->nkeys + 1)))
            && spells(m, d, e, t, dir))
            return k;
    }
    return -1;
}

/* What a name looks like, from the first bytes of the quote's words: a
 * capital A-Z, or "the" and white space. */
static int looks_named(const qr_qmarkdoc *d, size_t start, size_t stop)
{
    size_t end = start + 4 < stop ? start + 4 : stop, i;
    int b[4] = { -1, -1, -1, -1 };
    if (end > d->len) end = d->len;
    for (i = start; i < end && i - start < 4; i++) b[i - start] = (unsigned char)d->text[i];
    if (b[0] < 0) return 0;
    return (b[0] >= 'A' && b[0] <= 'Z') || (b[0] == 't' && b[1] == 'h' && b[2] == 'e' && b[3] >= 0
                                            && is_space((unsigned char)b[3]));
}

long qr_qmarker_find(const qr_qmarkers *m, const qr_qmarkdoc *d, size_t open, size_t close, size_t start,
                     size_t stop, int title, size_t *first, size_t *last)
{
    size_t n = d->t->n, o = open, t, lo;
    int named = -1;
    long k;
    unsigned k3;
    if (o < 1 || o > n) return -1;
    /* "known as 'Nightjar'", "known as the 'Gang of Five'" */
    for (t = o - 1; t + 2 >= o && t >= 1; t--) {
        long w = t == o - 1 ? -1 : word_at(m, d, o - 1), head;
        if (t != o - 1 && !(w >= 0 && m->det[w])) continue;
        w = word_at(m, d, t);
        head = w >= 0 ? m->before[w] : -1;
        if (head < 0) continue;
        if (named < 0) named = looks_named(d, start, stop);
        k = marker_at(m, d, head, t, -1, title, 0, named);
        if (k >= 0) {
            *first = t - m->marks[k].nkeys + 1;
            *last = t;
            return k;
        }
    }
    /* "dubbed this year's push 'the last dance'": a few words before */
    if (o > 3) {
        k3 = kind_at(d, o - 3);
        lo = o > 7 ? o - 7 : 1;
        if (k3 == QR_WORD || k3 == QR_NUMBER) {
            int far = 0;
            for (t = o - 3; t >= lo && !far; t--) {
                long w = word_at(m, d, t);
                far = w >= 0 && m->far[w];
            }
            for (t = o - 3; far && t >= lo; t--) {
                long w;
                unsigned kind = kind_at(d, t);
                if (kind != QR_WORD && kind != QR_NUMBER) break;
                w = word_at(m, d, t);
                k = marker_at(m, d, w >= 0 ? m->before[w] : -1, t, -1, title, 1, -1);
                if (k >= 0) {
                    *first = t - m->marks[k].nkeys + 1;
                    *last = t;
                    return k;
                }
            }
        }
    }
    /* "… star", "… means": right after the closing mark */
    if (close >= 1 && close + 1 <= n) {
        long w = word_at(m, d, close + 1);
        k = marker_at(m, d, w >= 0 ? m->after[w] : -1, close + 1, 1, title, 0, -1);
        if (k >= 0) {
            *first = close + 1;
            *last = close + m->marks[k].nkeys;
            return k;
        }
    }
    return -1;
}
