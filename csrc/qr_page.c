/*
 * A page's paragraphs described for its structure: see qr_page.h.
 */
#define _GNU_SOURCE   /* memmem */

#include "qr_page.h"

#include <string.h>

/* Words of eight bytes read at once where the byte order allows
 * (lower, count_words). */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define QR_PAGE_WORDS 1
#define ONES  0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL
#define LOWS  0x7F7F7F7F7F7F7F7FULL
#else
#define QR_PAGE_WORDS 0
#endif

static int is_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
static int has_bit(const uint8_t *set, unsigned b) { return set[b >> 3] >> (b & 7) & 1; }
static unsigned pair_hash(unsigned char a, unsigned char b) { return ((unsigned)a << 7 ^ b) & (QR_PAGE_PAIRS - 1); }

void qr_page_clutter_index(qr_page_clutter *c)
{
    size_t k, j, n = 0, min = 0;
    int any = 0;
    unsigned b;
    for (b = 0; b < 256; b++) {
        c->at[b] = (uint32_t)n;
        for (k = 0; k < c->n; k++) {
            if (c->entry[k].any_first || has_bit(c->entry[k].first, b)) c->list[n++] = (uint16_t)k;
        }
    }
    c->at[256] = (uint32_t)n;
    for (k = 0; k < c->n; k++) {
        c->entry[k].next_plain = -1;
        if (c->entry[k].plain && (!any || c->entry[k].plen < min)) {
            min = c->entry[k].plen;   /* an empty one too: min 0 turns the search off */
            any = 1;
        }
    }
    c->min_plain = min >= 2 && c->n <= INT16_MAX ? min : 0;
    if (!c->min_plain) return;
    /* a window of min bytes shifts until its last pair is one that ends a
     * plain string's first j + 1 bytes: by min - 1 - j */
    memset(c->shift, (int)(min - 1), sizeof c->shift);
    for (k = 0; k < QR_PAGE_PAIRS; k++) c->pair_head[k] = -1;
    for (k = c->n; k-- > 0;) {
        const qr_page_entry *e = &c->entry[k];
        if (!e->plain) continue;
        for (j = 1; j < min; j++) {
            unsigned h = pair_hash((unsigned char)e->pat[j - 1], (unsigned char)e->pat[j]);
            if (min - 1 - j < c->shift[h]) c->shift[h] = (uint8_t)(min - 1 - j);
        }
        {
            unsigned h = pair_hash((unsigned char)e->pat[min - 2], (unsigned char)e->pat[min - 1]);
            c->entry[k].next_plain = c->pair_head[h];
            c->pair_head[h] = (int16_t)k;
        }
    }
}

static unsigned char fold(unsigned char b) { return (unsigned char)((unsigned)b - 'A' < 26u ? b + 32 : b); }

/* Whether s (len bytes) lowered (A-Z to a-z: it holds no U+2019) holds
 * any of the plain strings of c. */
static int any_plain(const qr_page_clutter *c, const char *s, size_t len)
{
    size_t min = c->min_plain, pos;
    if (!min) {
        size_t k;
        for (k = 0; k < c->n; k++) {
            const qr_page_entry *e = &c->entry[k];
            size_t at, i;
            if (!e->plain) continue;
            for (at = 0; at + e->plen <= len; at++) {
                for (i = 0; i < e->plen && fold((unsigned char)s[at + i]) == (unsigned char)e->pat[i]; i++) {}
                if (i == e->plen) return 1;
            }
        }
        return 0;
    }
    for (pos = min - 1; pos < len;) {
        unsigned h = pair_hash(fold((unsigned char)s[pos - 1]), fold((unsigned char)s[pos]));
        int k;
        if (c->shift[h]) {
            pos += c->shift[h];
            continue;
        }
        for (k = c->pair_head[h]; k >= 0; k = c->entry[k].next_plain) {
            const qr_page_entry *e = &c->entry[k];
            size_t at = pos + 1 - min, i;
            if (at + e->plen > len) continue;
            for (i = 0; i < e->plen && fold((unsigned char)s[at + i]) == (unsigned char)e->pat[i]; i++) {}
            if (i == e->plen) return 1;
        }
        pos++;
    }
    return 0;
}

/* p lowered into low (A-Z to a-z, U+2019 to "'"), a NUL after it: its length. */
static size_t lower(const char *p, size_t len, char *low)
{
    size_t i = 0, o = 0;
    while (i < len) {
        unsigned char ch = (unsigned char)p[i];
#if QR_PAGE_WORDS
        if (i + 8 <= len) {
            /* eight ASCII bytes at once: A-Z are those that adding
             * 0x80 - 'A' lifts to 0x80 and adding 0x80 - 'Z' - 1 does not
             * (no sum carries into the next byte), given 0x20 */
            uint64_t w;
            memcpy(&w, p + i, sizeof w);
            if (!(w & HIGHS)) {
                w |= ((w + ONES * (0x80 - 'A')) & ~(w + ONES * (0x80 - 'Z' - 1)) & HIGHS) >> 2;
                memcpy(low + o, &w, sizeof w);
                i += 8;
                o += 8;
                continue;
            }
        }
#endif
        if (ch == 0xE2 && i + 2 < len && (unsigned char)p[i + 1] == 0x80 && (unsigned char)p[i + 2] == 0x99) {
            low[o++] = '\'';
            i += 3;
        } else {
            low[o++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
            i++;
        }
    }
    low[o] = '\0';
    return o;
}

/* Whether Lua pattern p matches in s (anywhere, or at its start after "^"). */
static int pattern_found(qr_lpat *m, const char *s, size_t len, const char *p, size_t plen)
{
    const char *s1 = s;
    int anchor = plen > 0 && *p == '^';
    if (anchor) {
        p++;
        plen--;
    }
    qr_lpat_init(m, s, len, p, plen);
    do {
        if (qr_lpat_match(m, s1, p)) return 1;
    } while (s1++ < m->src_end && !anchor);
    return 0;
}

static int lower_byte(int b) { return b >= 'A' && b <= 'Z' ? b + 32 : b; }

int qr_page_role(const qr_page_clutter *c, const char *p, size_t len, size_t words, char *low, qr_lpat *m,
                 int *strong)
{
    int first = len ? (unsigned char)p[0] : -1, second = len > 1 ? (unsigned char)p[1] : -1;
    int last = len ? (unsigned char)p[len - 1] : -1, lowered = 0, plain = -1;
    int is_short = words <= QR_PAGE_BOILERPLATE_WORDS;
    size_t lowlen = 0;
    uint32_t k;
    /* the first, second and last bytes of the lowered paragraph rule out
     * most entries; they are the paragraph's own lowered, unless one is
     * not ASCII (a curly apostrophe there is made one byte) */
    if (first >= 128 || second >= 128 || last >= 128) {
        lowlen = lower(p, len, low);
        lowered = 1;
        first = lowlen ? (unsigned char)low[0] : -1;
        second = lowlen > 1 ? (unsigned char)low[1] : -1;
        last = lowlen ? (unsigned char)low[lowlen - 1] : -1;
    } else {
        first = lower_byte(first);
        second = lower_byte(second);
        last = lower_byte(last);
    }
    *strong = 0;
    for (k = c->at[first < 0 ? 0 : first]; k < c->at[(first < 0 ? 0 : first) + 1]; k++) {
        const qr_page_entry *e = &c->entry[c->list[k]];
        if (!e->any_second && (second < 0 || !has_bit(e->second, (unsigned)second))) continue;
        if (e->role != QR_PAGE_BOILERPLATE) {
            if (e->last >= 0 && e->last != last) continue;
            if (!lowered && e->opening && !pattern_found(m, p, len, e->opening, e->olen)) continue;
        } else if (!is_short) {
            continue;
        }
        if (e->plain) {
            /* one search for them all on the paragraph as it is, when
             * lowering it only changes the case of its letters; the
             * strings themselves once one is found */
            if (plain < 0) {
                if (!lowered && memchr(p, 0xE2, len)) {
                    lowlen = lower(p, len, low);
                    lowered = 1;
                }
                plain = lowered ? any_plain(c, low, lowlen) : any_plain(c, p, len);
            }
            if (!plain) continue;
        }
        if (!lowered) {
            lowlen = lower(p, len, low);
            lowered = 1;
        }
        if (e->plain) {
            if (qr_lpat_memfind(m, low, lowlen, e->pat, e->plen)) return QR_PAGE_BOILERPLATE;
        } else if (pattern_found(m, low, lowlen, e->pat, e->plen)) {
            *strong = e->role != QR_PAGE_BOILERPLATE && e->strong;
            return e->role;
        }
    }
    return 0;
}

/* Whether a paragraph ending with byte b ends as a sentence: . ! ? " )
 * and the last bytes of U+201D and U+2019. */
static int ends_sentence(int b)
{
    return b == '.' || b == '!' || b == '?' || b == '"' || b == ')' || b == 0x9D || b == 0x99;
}

/* Whether the clutter marker at paragraph i opens a block: a strong one
 * does; another needs clutter after it (a short line, page furniture,
 * another marker, a comment's signature) or the page's end. A signature
 * opens comments when another one, or the end, follows within three
 * paragraphs. */
static int opens_block(const qr_page_para *d, size_t n, size_t i)
{
    const qr_page_para *nxt;
    size_t k;
    if (d[i].strong || i + 1 >= n) return 1;
    nxt = &d[i + 1];
    if (d[i].role == QR_PAGE_SIGNATURE) {
        for (k = i + 1; k < n && k <= i + 3; k++) {
            if (d[k].role == QR_PAGE_SIGNATURE || d[k].strong) return 1;
        }
        return n - 1 - i <= 3 || nxt->is_short;
    }
    return nxt->is_short || nxt->role != 0;
}

/* The clutter kind of each paragraph (QR_KIND_NONE for the article's
 * own). A related block ends where article prose resumes; comments opened
 * by a weak marker end there too unless a signature confirmed them. */
static void clutter_kinds(qr_page_para *d, size_t n)
{
    int block = 0, is_signed = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        int role = d[i].role;
        d[i].kind = QR_KIND_NONE;
        if (role == QR_PAGE_COMMENTS || role == QR_PAGE_RELATED || role == QR_PAGE_SIGNATURE) {
            int kind = role == QR_PAGE_RELATED ? QR_KIND_RELATED : QR_KIND_COMMENTS;
            if (block || opens_block(d, n, i)) {
                if (block != kind) is_signed = d[i].strong;
                block = kind;
                is_signed = is_signed || role == QR_PAGE_SIGNATURE;
            }
            d[i].kind = (uint8_t)kind;
        } else if (role == QR_PAGE_BOILERPLATE) {
            d[i].kind = block == QR_KIND_RELATED ? QR_KIND_RELATED : QR_KIND_BOILERPLATE;
        } else if (block && d[i].prose && (block == QR_KIND_RELATED || !is_signed)) {
            block = 0;   /* the article resumes */
        } else if (block) {
            d[i].kind = (uint8_t)block;
        }
    }
}

#if QR_PAGE_WORDS

/* The high bit of each byte of x that is ASCII white space (' ', \t to
 * \r); no carry crosses a byte. */
static uint64_t space_bytes(uint64_t x)
{
    uint64_t t = x ^ (0x20 * ONES), low7 = x & LOWS;
    uint64_t is_blank = ~(((t & LOWS) + LOWS) | t) & HIGHS;
    uint64_t below14 = ~((low7 + (0x80 - 14) * ONES) | x) & HIGHS;
    uint64_t below9 = ~((low7 + (0x80 - 9) * ONES) | x) & HIGHS;
    return is_blank | (below14 & ~below9);
}

/* The number of bytes of x whose high bit is set, when no other bit is:
 * their bits moved to the bytes' low bits and summed into the top byte
 * (at most 8: no carry), with no popcount instruction to rely on. */
static unsigned high_bit_count(uint64_t x)
{
    return (unsigned)(((x >> 7) * ONES) >> 56);
}
#endif

/* The words of s (runs of bytes other than ASCII white space, as Lua's
 * %S+ finds them), counted up to most: as qr_count_words, eight bytes at
 * a time where it can (a word starts at a byte that is not white space
 * after one that is, or at the start). */
static size_t count_words(const char *s, size_t len, size_t most)
{
    size_t i = 0, n = 0;
    int after_space = 1;
#if QR_PAGE_WORDS
    uint64_t carry = 0x80;   /* the high bit: the byte before is white space */
    for (; i + 8 <= len; i += 8) {
        uint64_t x, sp;
        memcpy(&x, s + i, sizeof x);
        sp = space_bytes(x);
        n += high_bit_count(~sp & HIGHS & (sp << 8 | carry));
        if (n >= most) return most;
        carry = sp >> 56;
    }
    after_space = carry != 0;
#endif
    for (; i < len; i++) {
        int space = is_space((unsigned char)s[i]);
        if (!space && after_space && ++n >= most) return most;
        after_space = space;
    }
    return n < most ? n : most;
}

void qr_page_describe(const qr_page_clutter *c, const char *text, qr_page_para *para, size_t n, char *low,
                      qr_lpat *m)
{
    size_t i;
    for (i = 0; i < n; i++) {
        qr_page_para *d = &para[i];
        const char *t;
        size_t a = d->start, b = d->stop, len;
        int strong, last, ends;
        while (a < b && is_space((unsigned char)text[a])) a++;
        while (b > a && is_space((unsigned char)text[b - 1])) b--;
        d->tstart = (uint32_t)a;
        d->tstop = (uint32_t)b;
        t = text + a;
        len = b - a;
        /* (the white space trimmed off holds no word) */
        d->words = (uint8_t)count_words(text + d->start, d->stop - d->start, QR_PAGE_BOILERPLATE_WORDS + 1);
        d->role = (uint8_t)qr_page_role(c, t, len, d->words, low, m, &strong);
        d->strong = (uint8_t)strong;
        /* (not "...": a teaser cut short; "…" ends with no byte of a sentence's end) */
        last = len ? (unsigned char)t[len - 1] : -1;
        ends = ends_sentence(last) && !(last == '.' && len >= 3 && t[len - 2] == '.' && t[len - 3] == '.');
        d->prose = d->role == 0 && ends && d->words >= 8;
        d->is_short = d->role == 0 && !(ends && d->words >= 8) && d->words <= 15;
    }
    clutter_kinds(para, n);
}
