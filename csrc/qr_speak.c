/*
 * Scans over a document's quotation marks for speaker attribution: see
 * qr_speak.h.
 */
#include "qr_speak.h"

static int is_mark(const qr_token *tk)
{
    return tk->kind == QR_OPEN_QUOTE || tk->kind == QR_CLOSE_QUOTE;
}

size_t qr_speak_depth(const qr_tokens *t, long long from, long long to)
{
    size_t depth = 0;
    long long k;
    if (from < 0) from = 0;
    if (to > (long long)t->n - 1) to = (long long)t->n - 1;
    for (k = from; k <= to; k++) {
        unsigned kind = t->tok[k].kind;
        if (kind == QR_OPEN_QUOTE) depth++;
        else if (kind == QR_CLOSE_QUOTE && depth > 0) depth--;
    }
    return depth;
}

int qr_speak_inside_back(const qr_tokens *t, long long top, long long i)
{
    long long k;
    if (i < -1) i = -1;
    if (top > (long long)t->n - 1) top = (long long)t->n - 1;
    for (k = i + 1; k <= top; k++) {
        unsigned kind = t->tok[k].kind;
        if (kind == QR_CLOSE_QUOTE) return 1;
        if (kind == QR_OPEN_QUOTE) return 0;
    }
    return 0;
}

int qr_speak_inside_from(const qr_tokens *t, long long floor, long long i)
{
    long long k;
    if (floor < 0) floor = 0;
    if (i > (long long)t->n) i = (long long)t->n;
    for (k = i - 1; k >= floor; k--) {
        unsigned kind = t->tok[k].kind;
        if (kind == QR_OPEN_QUOTE) return 1;
        if (kind == QR_CLOSE_QUOTE) return 0;
    }
    return 0;
}

long long qr_speak_next_open(const qr_tokens *t, long long from, long long to)
{
    long long k;
    if (from < 0) from = 0;
    if (to > (long long)t->n - 1) to = (long long)t->n - 1;
    for (k = from; k <= to; k++)
        if (t->tok[k].kind == QR_OPEN_QUOTE) return k;
    return -1;
}

size_t qr_speak_marks(const qr_tokens *t)
{
    size_t k, n = 0;
    for (k = 0; k < t->n; k++) n += (size_t)is_mark(&t->tok[k]);
    return n;
}

size_t qr_speak_stretches(const qr_tokens *t, uint32_t *from, uint32_t *to)
{
    size_t n = t->n, count = 0, depth = 0, k, p = 0, next_para;
    size_t para_last = n - 1;
    long long prev = -1;                       /* the last mark counted, -1 for none */
    if (n == 0) return 0;
    /* the paragraph's last token: the one before the next paragraph's first */
    next_para = t->npara > 1 ? t->para[1] : n;
    if (t->npara > 0) para_last = next_para - 1;
    for (k = 0; k < n; k++) {
        if (!is_mark(&t->tok[k])) continue;
        if (t->npara > 0 && k > para_last) {
            /* a mark of a later paragraph: the open stretch ends with its
             * paragraph, and none is open in the new one */
            if (prev >= 0 && depth > 0 && para_last > (size_t)prev) {
                from[count] = (uint32_t)(prev + 1);
                to[count++] = (uint32_t)para_last;
            }
            while (p + 1 < t->npara && t->para[p + 1] <= k) p++;
            para_last = (p + 1 < t->npara ? t->para[p + 1] : n) - 1;
            depth = 0;
            prev = -1;
        }
        if (prev >= 0 && depth > 0 && k - 1 > (size_t)prev) {
            from[count] = (uint32_t)(prev + 1);
            to[count++] = (uint32_t)(k - 1);
        }
        if (t->tok[k].kind == QR_OPEN_QUOTE) depth++;
        else if (depth > 0) depth--;
        prev = (long long)k;
    }
    if (prev >= 0 && depth > 0 && para_last > (size_t)prev) {
        from[count] = (uint32_t)(prev + 1);
        to[count++] = (uint32_t)para_last;
    }
    return count;
}

long long qr_speak_phrase(const qr_tokens *t, const uint32_t *ids, const qr_phrase_sets *s, size_t reach,
                          long long i)
{
    long long n = (long long)t->n, k, end;
    if (i < 0 || i >= n) return -1;
    end = (long long)reach < n - 1 - i ? i + (long long)reach : n - 1;
    for (k = i + 1; k <= end; k++) {
        unsigned kind = t->tok[k].kind;
        uint32_t id = ids[k];
        if (kind != QR_WORD && kind != QR_NUMBER && kind != QR_DASH && !qr_idset_has(&s->joins, id)) return -1;
        if (qr_idset_has(&s->stops, id)) return -1;
        if (qr_idset_has(&s->heads, id)) {
            while (k + 1 < n && qr_idset_has(&s->heads, ids[k + 1])) k++;
            return k;
        }
        if (qr_idset_has(&s->breaks, id)) return -1;
    }
    return -1;
}

/* Whether the pair of ids (first, second) is a speech verb of two words:
 * a binary search of the sorted pairs. */
static int is_pair(const qr_cue_sets *s, uint32_t first, uint32_t second)
{
    uint64_t want = (uint64_t)first << 32 | second;
    size_t lo = 0, hi = s->npairs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->pairs[mid] < want) lo = mid + 1;
        else hi = mid;
    }
    return lo < s->npairs && s->pairs[lo] == want;
}

/* Whether a key holds a lower-case ASCII letter, a hyphen and another
 * ("early-morning"). */
static int lower_hyphen_lower(const char *k, size_t n)
{
    size_t j;
    for (j = 0; j + 2 < n; j++)
        if (k[j] >= 'a' && k[j] <= 'z' && k[j + 1] == '-' && k[j + 2] >= 'a' && k[j + 2] <= 'z') return 1;
    return 0;
}

/* Whether the speech verb at token i (no word of a name) is a noun. */
static int verb_is_noun(const qr_cue_doc *d, const qr_cue_sets *s, long long i)
{
    const qr_token *tok = d->t->tok;
    const uint32_t *ids = d->ids;
    if (qr_idset_has(&s->verbs_ed, ids[i]) || i < 1) return 0;
    /* "Hadley's tweet", "the claim" */
    if (qr_idset_has(&s->noun_leads, ids[i - 1])) return 1;
    /* "his 'tone-deaf' comments": after a quote that a noun lead opens */
    if (tok[i - 1].kind == QR_CLOSE_QUOTE) {
        long long lo = i - 12 > 0 ? i - 12 : 0, o;
        for (o = i - 2; o >= lo; o--) {
            if (tok[o].kind == QR_OPEN_QUOTE) {
                if (o > 0 && qr_idset_has(&s->noun_leads, ids[o - 1])) return 1;
                break;
            }
        }
    }
    /* "his early-morning tweets" */
    if (i > 1 && qr_idset_has(&s->noun_leads, ids[i - 2]) && tok[i - 1].casing == QR_CASE_LOWER) {
        size_t n;
        const char *k = d->key(d->ctx, i - 1, &n);
        if (k && lower_hyphen_lower(k, n)) return 1;
    }
    return 0;
}

int qr_speak_is_cue(const qr_cue_doc *d, const qr_cue_sets *s, long long i)
{
    long long n = (long long)d->t->n;
    uint32_t id;
    if (i < 0 || i >= n) return 0;
    id = d->ids[i];
    if (qr_idset_has(&s->verbs, id)) {
        if (d->in_name(d->ctx, i)) return 0;
        return !verb_is_noun(d, s, i);
    }
    return i + 1 < n && qr_idset_has(&s->heads, id) && d->t->tok[i].kind == QR_WORD
        && is_pair(s, id, d->ids[i + 1]) && !d->in_name(d->ctx, i);
}

/* Whether a scan tests token i: its key is one of scan. */
static int may_cue(const qr_cue_doc *d, const qr_cue_sets *s, long long i)
{
    return qr_idset_has(&s->scan, d->ids[i]);
}

long long qr_speak_cue_back(const qr_cue_doc *d, const qr_cue_sets *s, long long hi, long long lo, long long top)
{
    long long last = (long long)d->t->n - 1, c;
    int inside;
    if (hi > last) hi = last;
    if (lo < 0) lo = 0;
    if (top > last) top = last;
    if (hi < lo) return -1;
    /* qr_speak_inside_back(t, top, c) for each c, kept as c walks back:
     * the kind of the first mark in c + 1 .. top (one walk, not one a
     * cue inside a long quote) */
    inside = qr_speak_inside_back(d->t, top, hi);
    for (c = hi; c >= lo; c--) {
        if (c < hi && c + 1 <= top) {
            unsigned kind = d->t->tok[c + 1].kind;
            if (kind == QR_CLOSE_QUOTE) inside = 1;
            else if (kind == QR_OPEN_QUOTE) inside = 0;
        }
        if (may_cue(d, s, c) && qr_speak_is_cue(d, s, c) && !inside) return c;
    }
    return -1;
}

long long qr_speak_cue_next(const qr_cue_doc *d, const qr_cue_sets *s, long long from, long long to)
{
    long long c;
    if (from < 0) from = 0;
    if (to > (long long)d->t->n - 1) to = (long long)d->t->n - 1;
    for (c = from; c <= to; c++)
        if (may_cue(d, s, c) && qr_speak_is_cue(d, s, c)) return c;
    return -1;
}

/* Whether paragraph g (0-based) is a line of page furniture, walking at
 * most limit of its tokens: 1 or 0, or -1 when they do not tell (they hold
 * no more than s->furniture words, and the paragraph goes on). */
static int furniture(const qr_cue_doc *d, const qr_subject_sets *s, size_t g, size_t limit)
{
    const qr_tokens *t = d->t;
    size_t first = t->para[g], last = (g + 1 < t->npara ? t->para[g + 1] : t->n) - 1, i, words = 0;
    for (i = first; i <= last; i++) {
        if (i - first >= limit) return -1;
        if (t->tok[i].kind == QR_WORD && ++words > s->furniture) return 0;
    }
    return words > 0 && !qr_idset_has(&s->ends, d->ids[last]);
}

/* Whether token f is inside quotation marks, counted from first. */
static int quoted(const qr_tokens *t, long long first, long long f)
{
    return qr_speak_depth(t, first, f - 1) > 0;
}

/* Whether a key ends in "ed". */
static int ends_ed(const char *k, size_t n)
{
    return k && n >= 2 && k[n - 2] == 'e' && k[n - 1] == 'd';
}

int qr_speak_subject_word_ok(const qr_cue_doc *d, const qr_cue_sets *cues, const qr_subject_sets *s, long long f,
                             int single)
{
    const qr_tokens *t = d->t;
    long long n = (long long)t->n;
    if (f < 0 || f >= n) return 0;
    if (single && f + 1 < n) {
        const qr_token *next = &t->tok[f + 1];
        uint32_t id = d->ids[f + 1];
        if (next->kind == QR_WORD && next->casing == QR_CASE_LOWER && !qr_speak_is_cue(d, cues, f + 1)
            && !qr_idset_has(&s->skip, id) && !qr_idset_has(&s->passive, id)) {
            size_t len;
            const char *k = d->key(d->ctx, f + 1, &len);
            if (!ends_ed(k, len)) return 0;
        }
    }
    return 1;
}

int qr_speak_subject_ok(const qr_cue_doc *d, const qr_cue_sets *cues, const qr_subject_sets *s, long long f,
                        int single)
{
    const qr_tokens *t = d->t;
    long long n = (long long)t->n, first = 0;
    if (f < 0 || f >= n) return 0;
    if (t->npara > 0) {
        size_t g = qr_tokens_group_of(t->para, t->npara, (size_t)f);
        int line = furniture(d, s, g, s->window + 1);
        if (line < 0) return -1;
        if (line) return 0;
        if (g > 0) first = t->para[g];
    }
    if (f - first > (long long)s->window) return 2;
    if (quoted(t, first, f)) return 0;
    return qr_speak_subject_word_ok(d, cues, s, f, single);
}

size_t qr_speak_subject_work(const qr_tokens *t, long long f)
{
    size_t g;
    if (f < 0 || f >= (long long)t->n) return 1;
    if (t->npara == 0) return t->n;
    g = qr_tokens_group_of(t->para, t->npara, (size_t)f);
    /* (quoted counts the marks from the text's first token in the first paragraph) */
    return (g + 1 < t->npara ? t->para[g + 1] : t->n) - (g > 0 ? t->para[g] : 0) + 1;
}

unsigned qr_speak_possessives(const qr_cue_doc *d, const qr_subject_sets *s, long long from, long long to)
{
    unsigned genders = 0;
    long long k;
    if (from < 0) from = 0;
    if (to > (long long)d->t->n - 1) to = (long long)d->t->n - 1;
    for (k = from; k <= to; k++) {
        if (qr_idset_has(&s->his, d->ids[k])) genders |= 1u;
        if (qr_idset_has(&s->her, d->ids[k])) genders |= 2u;
    }
    return genders;
}
