/*
 * Per-document primitives of quote attribution: pairs of quotation marks
 * and attribution sentences (see qr_quote.h). The same, step for step, as
 * the Lua they replace in lua/quarry/rules/news/quotes/ (pairing.lua,
 * document.lua), so that the news pack's output does not change.
 */
#include "qr_quote.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Whether token i's key is the one-byte string c. */
static int key_is(const qr_keys *keys, size_t i, char c)
{
    size_t len;
    const char *k = qr_key_of(keys, i, &len);
    return len == 1 && k[0] == c;
}

size_t qr_quote_marks(const qr_tokens *t, const qr_keys *keys, qr_qmark *out, size_t cap)
{
    size_t i, n = 0;
    for (i = 0; i < t->n; i++) {
        unsigned kind = t->tok[i].kind;
        if ((kind == QR_OPEN_QUOTE || kind == QR_CLOSE_QUOTE) && (key_is(keys, i, '"') || key_is(keys, i, '\''))) {
            if (n < cap) {
                out[n].tok = (uint32_t)i;
                out[n].single = 0;
                out[n].open = kind == QR_OPEN_QUOTE;
            }
            n++;
        }
    }
    return n;
}

/* The paragraph of token i, or -1 without paragraphs. */
static int64_t para_of(const qr_tokens *t, size_t i)
{
    return t->npara ? (int64_t)qr_tokens_group_of(t->para, t->npara, i) : -1;
}

/* The byte where paragraph p ends (the text's last token without paragraphs). */
static uint32_t para_stop_of(const qr_tokens *t, int64_t p)
{
    size_t last;
    if (p < 0) return t->tok[t->n - 1].stop;
    last = ((size_t)p + 1 < t->npara ? t->para[p + 1] : t->n) - 1;
    return t->tok[last].stop;
}

/* Marks left open at a paragraph's end: the outermost double one runs to
 * the end of the paragraph (at stop). -> pairs added (0 or 1). */
static size_t flush_open(const qr_qopen *stack, size_t depth, uint32_t stop, qr_qpair *out)
{
    size_t k;
    for (k = 0; k < depth; k++) {
        if (!stack[k].single) {
            out->open = stack[k].tok;
            out->close = -1;
            out->start = stack[k].stop;
            out->stop = stop;
            out->single = 0;
            out->depth = -1;
            return 1;
        }
    }
    return 0;
}

/* An opening double mark written to close (“Frozen“ and …): right after
 * a word or punctuation and before a space, punctuation or the end. */
static int written_to_close(const char *text, size_t len, uint32_t s, uint32_t e)
{
    if (s == 0 || isspace((unsigned char)text[s - 1])) return 0;
    return e >= len || isspace((unsigned char)text[e]) || ispunct((unsigned char)text[e]);
}

size_t qr_quote_pair(const qr_tokens *t, const char *text, size_t len, const qr_qmark *marks, size_t n,
                     qr_qopen *stack, qr_qpair *out)
{
    size_t m, depth = 0, np = 0;
    int32_t top[2] = { -1, -1 };    /* [single]: the innermost open mark of that kind */
    int64_t para = -1;
    uint32_t para_stop = 0;
    for (m = 0; m < n; m++) {
        uint32_t i = marks[m].tok, s = t->tok[i].start, e = t->tok[i].stop;
        int single = marks[m].single != 0, open = marks[m].open != 0;
        int64_t p = para_of(t, i);
        if (p != para || para_stop == 0) {
            if (para >= 0) {
                np += flush_open(stack, depth, para_stop, out + np);
                depth = 0;
                top[0] = top[1] = -1;
            }
            para = p;
            para_stop = para_stop_of(t, p);
        }
        if (open && !single && top[0] >= 0 && written_to_close(text, len, s, e)) open = 0;
        if (open) {
            stack[depth].tok = i;
            stack[depth].stop = e;
            stack[depth].single = (uint8_t)single;
            stack[depth].below = top[single];
            top[single] = (int32_t)depth;
            depth++;
        } else if (top[single] >= 0) {
            /* the innermost open mark of the same kind, and those above it */
            size_t k = (size_t)top[single];
            qr_qopen o = stack[k];
            while (depth > k) {
                depth--;
                top[stack[depth].single] = stack[depth].below;
            }
            if (k == 0 || !(depth > 0 && !stack[0].single)) {
                out[np].open = o.tok;
                out[np].close = i;
                out[np].start = o.stop;
                out[np].stop = s;
                out[np].single = (uint8_t)single;
                out[np].depth = (int32_t)depth;
                np++;
            }
        }
    }
    np += flush_open(stack, depth, para_stop, out + np);
    return np;
}

/* A run of sentences joined into one (tokens first..last, 0-based, led by
 * sentence s) longer than window tokens: written to *out as cut into
 * windows, *extra counting the windows added so far; returns 1, or 0 for a
 * run that fits. */
static size_t cut_long(qr_qlong *out, uint32_t s, uint32_t first, uint32_t last, uint32_t window,
                       uint32_t *extra)
{
    uint32_t added;
    if (last - first + 1 <= window) return 0;
    added = (last - first) / window;
    out->s = s + 1;
    out->first = first + 1;
    out->before = *extra;
    out->after = *extra + added;
    *extra += added;
    return 1;
}

size_t qr_quote_sentences(const qr_tokens *t, const qr_keys *keys, uint32_t window,
                          uint32_t *joined, uint32_t *root, qr_qlong *out)
{
    size_t s, paren = 0, nlong = 0;
    int64_t para = -1;              /* parentheses open (depth) in paragraph para */
    uint32_t depth = 0, extra = 0;
    int64_t cur_s = -1;
    uint32_t cur_first = 0, cur_last = 0;
    for (s = 0; s < t->nsent; s++) {
        uint32_t first = t->sent[s], last = (s + 1 < t->nsent ? t->sent[s + 1] : (uint32_t)t->n) - 1;
        joined[s] = root[s] = 0;
        if (first > 0) {
            int64_t before;
            for (; paren < first; paren++) {
                size_t len;
                const char *k = qr_key_of(keys, paren, &len);
                int64_t p;
                if (len != 1 || (k[0] != '(' && k[0] != ')')) continue;
                p = para_of(t, paren);
                if (p != para) { para = p; depth = 0; }
                if (k[0] == '(') depth++;
                else if (depth > 0) depth--;
            }
            /* a paragraph starts counting again from none */
            before = para_of(t, first - 1);
            if (before != para) { para = before; depth = 0; }
            if (depth > 0 || (key_is(keys, first - 1, ')') && t->tok[first].kind == QR_WORD
                              && t->tok[first].casing == QR_CASE_LOWER)) {
                joined[s] = first + 1;
                root[s] = s > 0 && root[s - 1] ? root[s - 1] : (uint32_t)s;
            }
        }
        if (root[s]) {
            cur_last = last;
        } else {
            if (cur_s >= 0) nlong += cut_long(out + nlong, (uint32_t)cur_s, cur_first, cur_last, window, &extra);
            cur_s = (int64_t)s;
            cur_first = first;
            cur_last = last;
        }
    }
    if (cur_s >= 0) nlong += cut_long(out + nlong, (uint32_t)cur_s, cur_first, cur_last, window, &extra);
    return nlong;
}

int qr_quote_sentence_of(const qr_tokens *t, const uint32_t *root, const qr_qlong *longs, size_t nlong,
                         uint32_t window, uint32_t *sents)
{
    size_t s, l = 0;                /* l: the long sentences numbered <= the root, counted */
    if (!t->nsent) return 0;
    /* a sentence at a time (its root, and whether it is long, are those of
     * all its tokens); the first takes the tokens before it too */
    for (s = 0; s < t->nsent; s++) {
        size_t i = s ? t->sent[s] : 0, end = s + 1 < t->nsent ? t->sent[s + 1] : t->n;
        uint32_t r = root[s] ? root[s] : (uint32_t)s + 1;
        if (end > t->n) end = t->n;
        while (l < nlong && longs[l].s <= r) l++;
        if (l > 0 && longs[l - 1].s == r) {
            const qr_qlong *g = &longs[l - 1];
            for (; i < end; i++) sents[i] = r + g->before + ((uint32_t)i + 1 - g->first) / window;
        } else {
            uint32_t v = l > 0 ? r + longs[l - 1].after : r;
            for (; i < end; i++) sents[i] = v;
        }
    }
    return 1;
}

static int by_start(const void *a, const void *b)
{
    uint32_t x = ((const qr_qpair *)a)->start, y = ((const qr_qpair *)b)->start;
    return x < y ? -1 : x > y;
}

size_t qr_quote_outermost(qr_qpair *pairs, size_t n)
{
    size_t i, kept = 0;
    if (n == 0) return 0;
    qsort(pairs, n, sizeof *pairs, by_start);
    /* (sorted by start: a pair starts at or after the last one kept) */
    for (i = 0; i < n; i++) {
        if (kept > 0 && pairs[i].stop <= pairs[kept - 1].stop) continue;
        pairs[kept++] = pairs[i];
    }
    return kept;
}
