/*
 * Token patterns, the engine (qr_match.h): the first-token dispatch, the
 * index of earlier annotations, and the backtracking machine. Its Lua
 * binding is qr_lmatch.c.
 */
#include "qr_match.h"

#include <stdlib.h>
#include <string.h>

struct qr_mframe {         /* backtrack entry */
    int pc;
    size_t pos;
    size_t caps;           /* capture log length to restore */
    long alt;              /* QR_OP_ANN: next alternative in the class list, else -1 */
};

/* --- the matcher ------------------------------------------------------------- */

void qr_matcher_free(qr_matcher *m)
{
    int i;
    size_t k;
    if (m->preds)
        for (i = 0; i < m->npreds; i++) {
            free(m->preds[i].s);
            free(m->preds[i].kids);
            free(m->preds[i].rest);
            qr_idset_free(&m->preds[i].qwords);
            qr_idset_free(&m->preds[i].fwords);
        }
    free(m->preds);
    free(m->flat);
    free(m->flat_entry);
    if (m->sets) for (i = 0; i < m->nsets; i++) qr_idset_free(&m->sets[i]);
    free(m->sets);
    if (m->rules)
        for (i = 0; i < m->nrules; i++) { free(m->rules[i].name); free(m->rules[i].first_ids); }
    free(m->rules);
    free(m->code);
    free(m->regexes);
    free(m->refilters);
    if (m->disp.lists) for (k = 0; k < m->disp.cap; k++) free(m->disp.lists[k]);
    free(m->disp.lists);
    free(m->disp.ids);
    free(m->disp.any);
    free(m->wset_bit);
    free(m->wids);
    free(m->wmasks);
    free(m->quick_bit);
    free(m->qids);
    free(m->qwmasks);
    qr_idset_free(&m->disp.has);
    free(m->disp.start_cover);
    free(m->disp.start_classes);
    free(m->disp.start_ids);
    free(m->disp.start_words);
    qr_idset_free(&m->disp.start_has);
    qr_idset_free(&m->whas);
    qr_idset_free(&m->qhas);
    qr_idset_free(&m->reqwords);
    for (i = 0; i < QR_KIND_COUNT; i++)
        for (int c = 0; c < QR_CASE_COUNT; c++) free(m->disp.any_by[i][c]);
    memset(m, 0, sizeof *m);
}

/* Slot of word id in the dispatch table: the one holding it, or the empty
 * one where it would go (the table is at most half full). */
static size_t disp_slot(const qr_mdispatch *d, uint32_t id)
{
    size_t i = (size_t)(((uint64_t)id * UINT64_C(0x9E3779B97F4A7C15)) >> 32) & (d->cap - 1);
    while (d->ids[i] && d->ids[i] != id) i = (i + 1) & (d->cap - 1);
    return i;
}

/* The rules that may start on a token whose word is id, or NULL. */
static const int *disp_list(const qr_mdispatch *d, uint32_t id)
{
    size_t i;
    if (!qr_idset_has(&d->has, id)) return NULL;
    i = disp_slot(d, id);
    return d->ids[i] ? d->lists[i] : NULL;
}

/* Rule i joins the list of word id (sized by the first pass). */
static void disp_add(qr_mdispatch *d, uint32_t id, int rule)
{
    size_t i = disp_slot(d, id);
    int *list = d->lists[i], j = 0;
    while (list[j] >= 0 && list[j] != rule) j++;
    list[j] = rule;     /* a rule listed twice for a word is kept once */
}

/* The words of the KEY and KEYSET predicates kids[0 .. n - 1] in one set
 * (empty when none): 0, or -1 without memory. */
static int words_of(const qr_matcher *m, const int *kids, int n, qr_idset *set)
{
    uint32_t nbits = 0;
    int k;
    for (k = 0; k < n; k++) {
        const qr_mpred *q = &m->preds[kids[k]];
        uint32_t need = q->op == QR_P_KEY ? ((q->id >> 6) + 1) << 6
                        : q->op == QR_P_KEYSET ? m->sets[q->a - 1].nbits : 0;
        if (need > nbits) nbits = need;
    }
    if (!nbits) return 0;
    set->bits = calloc(nbits >> 6, sizeof *set->bits);
    if (!set->bits) return -1;
    set->nbits = nbits;
    for (k = 0; k < n; k++) {
        const qr_mpred *q = &m->preds[kids[k]];
        uint32_t w;
        if (q->op == QR_P_KEY) set->bits[q->id >> 6] |= (uint64_t)1 << (q->id & 63);
        if (q->op != QR_P_KEYSET) continue;
        for (w = 0; w < m->sets[q->a - 1].nbits >> 6; w++) set->bits[w] |= m->sets[q->a - 1].bits[w];
    }
    return 0;
}

/* The words of the KEY and KEYSET parts of OR predicate p in one set
 * (qr_mpred qwords): 0, or -1 without memory. */
static int quick_words(const qr_matcher *m, qr_mpred *p)
{
    return words_of(m, p->kids, p->nkids, &p->qwords);
}

/* Whether testing predicate pi may fail with an error: a regex, or made
 * of one. */
static int pred_may_fail(const qr_matcher *m, int pi)
{
    const qr_mpred *p = &m->preds[pi];
    int k;
    if (p->op == QR_P_REGEX) return 1;
    for (k = 0; k < p->nkids; k++)
        if (pred_may_fail(m, p->kids[k])) return 1;
    return 0;
}

/* Whether part q of OR or AND predicate p is tested at once (qr_mpred
 * fast), and adds it there. */
static int fold_part(qr_mpred *p, const qr_mpred *q)
{
    int any = p->op == QR_P_OR;
    if (q->op == QR_P_KIND) p->fkinds = any ? p->fkinds | (unsigned)q->a : p->fkinds & (unsigned)q->a;
    else if (q->op == QR_P_CASE) p->fcases = any ? p->fcases | (unsigned)q->a : p->fcases & (unsigned)q->a;
    else if (any && (q->op == QR_P_KEY || q->op == QR_P_KEYSET)) return 1;   /* (fwords: made after) */
    else if (any && (q->op == QR_P_WITHIN || q->op == QR_P_STARTS || q->op == QR_P_ENDS)
             && p->nfcovers < QR_FAST_COVERS) {
        p->fclass[p->nfcovers] = q->a - 1;
        p->fbits[p->nfcovers++] = q->op == QR_P_WITHIN ? QR_COVER_WITHIN
                                  : q->op == QR_P_STARTS ? QR_COVER_STARTS : QR_COVER_ENDS;
    } else return 0;
    return 1;
}

/* Splits OR or AND predicate p into the parts tested at once and the
 * others (qr_mpred fast). Without memory, p stays as it is: only slower. */
static void prepare_fast(const qr_matcher *m, qr_mpred *p)
{
    int *words = malloc(((size_t)p->nkids + 1) * sizeof *words), nwords = 0, nfolded = 0, k, before_fail = 1;
    p->rest = malloc(((size_t)p->nkids + 1) * sizeof *p->rest);
    if (!words || !p->rest) {
        free(words);
        return;
    }
    p->fkinds = p->fcases = p->op == QR_P_OR ? 0u : ~0u;
    for (k = 0; k < p->nkids; k++) {
        const qr_mpred *q = &m->preds[p->kids[k]];
        if (pred_may_fail(m, p->kids[k])) before_fail = 0;
        if (before_fail && fold_part(p, q)) {
            nfolded++;
            if (q->op == QR_P_KEY || q->op == QR_P_KEYSET) words[nwords++] = p->kids[k];
        } else {
            p->rest[p->nrest++] = p->kids[k];
        }
    }
    p->fast = nfolded > 0 && words_of(m, words, nwords, &p->fwords) == 0;
    free(words);
}

/* Word id joins the window words table with bit b: QR_OK or QR_ENOMEM. */
static int add_wset_word(qr_matcher *m, uint32_t id, int b)
{
    size_t s;
    for (s = (id * 2654435761u) & (m->wcap - 1); m->wids[s] && m->wids[s] != id; s = (s + 1) & (m->wcap - 1)) {}
    m->wids[s] = id;
    m->wmasks[s] |= (uint64_t)1 << b;
    return qr_idset_add(&m->whas, id);
}

/* The predicate whose words window predicate pi's tokens must have: pi
 * itself when it is a word or a word set, its first part when it is an
 * AND that opens with one; -1 otherwise. */
static int window_words(const qr_matcher *m, int pi)
{
    const qr_mpred *p = &m->preds[pi];
    if (p->op == QR_P_AND && p->nkids > 0) p = &m->preds[pi = p->kids[0]];
    if (p->op == QR_P_KEYSET || (p->op == QR_P_KEY && p->id)) return pi;
    return -1;
}

/* The word and word-set predicates of the rules' windows and, per word,
 * the bits of those holding it (qr_matcher wset_bit, wids, wmasks): QR_OK
 * or QR_ENOMEM. */
static int prepare_wsets(qr_matcher *m)
{
    size_t total = 0, cap = 16;
    int i, w;
    m->wset_bit = malloc(((size_t)m->npreds + 1) * sizeof *m->wset_bit);
    if (!m->wset_bit) return QR_ENOMEM;
    for (i = 0; i < m->npreds; i++) m->wset_bit[i] = -1;
    for (i = 0; i < m->nrules; i++)
        for (w = 0; w < m->rules[i].nwindows; w++) {
            int pi = m->rules[i].windows[w].pred, wi = window_words(m, pi);
            if (wi < 0 || m->wset_bit[pi] >= 0 || m->nwsets == 64) continue;
            m->wset_bit[pi] = m->nwsets++;
            total += m->preds[wi].op == QR_P_KEY ? 1 : m->sets[m->preds[wi].a - 1].count;
        }
    if (!m->nwsets) return QR_OK;
    while (cap < 2 * total + 2) cap <<= 1;
    m->wids = calloc(cap, sizeof *m->wids);
    m->wmasks = calloc(cap, sizeof *m->wmasks);
    if (!m->wids || !m->wmasks) return QR_ENOMEM;
    m->wcap = cap;
    for (i = 0; i < m->npreds; i++) {
        const qr_idset *set;
        uint32_t id;
        int wi;
        if (m->wset_bit[i] < 0) continue;
        wi = window_words(m, i);
        if (m->preds[wi].op == QR_P_KEY) {
            if (add_wset_word(m, m->preds[wi].id, m->wset_bit[i]) != QR_OK) return QR_ENOMEM;
            continue;
        }
        set = &m->sets[m->preds[wi].a - 1];
        for (id = 1; id < set->nbits; id++) {
            if (!set->bits[id >> 6]) { id |= 63; continue; }
            if (qr_idset_has(set, id) && add_wset_word(m, id, m->wset_bit[i]) != QR_OK) return QR_ENOMEM;
        }
    }
    return QR_OK;
}

/* What rules a token out of every regex of predicate p at once (qr_mpred
 * quick), when p is a regex or alternatives of words and regexes. */
static void prepare_quick(const qr_matcher *m, qr_mpred *p)
{
    int k, n = p->op == QR_P_REGEX ? 1 : p->nkids;
    p->quick = 0;
    if (!m->refilters || (p->op != QR_P_REGEX && p->op != QR_P_OR)) return;
    p->qmin = UINT32_MAX;
    memset(p->qfirst, 0, sizeof p->qfirst);
    for (k = 0; k < n; k++) {
        const qr_mpred *q = p->op == QR_P_REGEX ? p : &m->preds[p->kids[k]];
        const qr_regex_filter *f;
        int b;
        if (q->op == QR_P_KEY || q->op == QR_P_KEYSET) continue;
        if (q->op != QR_P_REGEX) return;
        f = &m->refilters[q->a - 1];
        if (f->min_chars < p->qmin) p->qmin = f->min_chars;
        for (b = 0; b < 32; b++) p->qfirst[b] |= f->anchored && f->have_first ? f->first[b] : 0xff;
    }
    /* without memory for the words, no quick scan: only slower */
    p->quick = p->op == QR_P_REGEX || quick_words(m, p) == 0;
}

/* Whether predicate p is a regex, or alternatives of words and regexes:
 * one quick_miss can rule a token out. */
static int quick_pred(const qr_matcher *m, const qr_mpred *p)
{
    int k;
    if (!m->refilters) return 0;
    if (p->op == QR_P_REGEX) return 1;
    if (p->op != QR_P_OR) return 0;
    for (k = 0; k < p->nkids; k++) {
        int op = m->preds[p->kids[k]].op;
        if (op != QR_P_KEY && op != QR_P_KEYSET && op != QR_P_REGEX) return 0;
    }
    return 1;
}

/* How many words set holds. */
static size_t set_size(const qr_idset *set)
{
    size_t n = 0;
    uint32_t w;
    for (w = 0; w < set->nbits >> 6; w++) {
        uint64_t x = set->bits[w];
        for (; x; x &= x - 1) n++;
    }
    return n;
}

/* Adds the words of set to the quick words table with bit b: QR_OK or
 * QR_ENOMEM. */
static int add_quick_words(qr_matcher *m, const qr_idset *set, uint64_t bit)
{
    uint32_t id;
    for (id = 1; id < set->nbits; id++) {
        size_t s;
        if (!set->bits[id >> 6]) { id |= 63; continue; }
        if (!qr_idset_has(set, id)) continue;
        for (s = (id * 2654435761u) & (m->qcap - 1); m->qids[s] && m->qids[s] != id; s = (s + 1) & (m->qcap - 1)) {}
        m->qids[s] = id;
        m->qwmasks[s] |= bit;
        if (qr_idset_add(&m->qhas, id) != QR_OK) return QR_ENOMEM;
    }
    return QR_OK;
}

/* The bits of the windows' quick predicates (qr_matcher quick_bit, qbyte,
 * qlen, qmins, qids, qwmasks): QR_OK or QR_ENOMEM. */
static int prepare_quick_bits(qr_matcher *m)
{
    size_t words = 0, cap = 16;
    int i, w, c;
    m->quick_bit = malloc(((size_t)m->npreds + 1) * sizeof *m->quick_bit);
    if (!m->quick_bit) return QR_ENOMEM;
    for (i = 0; i < m->npreds; i++) m->quick_bit[i] = -1;
    for (i = 0; i < m->nrules; i++)
        for (w = 0; w < m->rules[i].nwindows; w++) {
            int pi = m->rules[i].windows[w].pred, b;
            const qr_mpred *p = &m->preds[pi];
            if (!p->quick || !quick_pred(m, p) || m->quick_bit[pi] >= 0 || m->nquick == 64) continue;
            b = m->quick_bit[pi] = m->nquick++;
            m->qmins[b] = p->qmin;
            for (c = 0; c < 256; c++)
                if ((p->qfirst[c >> 3] >> (c & 7)) & 1u) m->qbyte[c] |= (uint64_t)1 << b;
            for (c = 0; c < 64; c++)
                if (p->qmin <= (uint32_t)c) m->qlen[c] |= (uint64_t)1 << b;
            words += set_size(&p->qwords);
        }
    if (!words) return QR_OK;
    while (cap < 2 * words + 2) cap <<= 1;
    m->qids = calloc(cap, sizeof *m->qids);
    m->qwmasks = calloc(cap, sizeof *m->qwmasks);
    if (!m->qids || !m->qwmasks) return QR_ENOMEM;
    m->qcap = cap;
    for (i = 0; i < m->npreds; i++)
        if (m->quick_bit[i] >= 0 && add_quick_words(m, &m->preds[i].qwords, (uint64_t)1 << m->quick_bit[i]) != QR_OK)
            return QR_ENOMEM;
    return QR_OK;
}

#define QR_FLAT_FAIL (-4)     /* flat_gen: no memory */
#define QR_FLAT_BIG (-5)      /* flat_gen: too big */
#define QR_FLAT_MAX_TESTS 256   /* the most tests of one predicate flattened */
/* the most parts (NOTs included) visited flattening one predicate: bounds
 * the work and the depth of flat_gen, which a chain of NOTs (no test
 * each) would otherwise take through every predicate below it */
#define QR_FLAT_MAX_VISITS 1024

/* Appends the test of part op of predicate pi, going to on_true or
 * on_false by its answer: its index, or QR_FLAT_FAIL without memory. */
static int flat_test(qr_matcher *m, int pi, int op, int on_true, int on_false)
{
    qr_mflat *f;
    if (m->nflat == m->capflat) {
        int ncap = m->capflat ? 2 * m->capflat : 256;
        qr_mflat *nf = realloc(m->flat, (size_t)ncap * sizeof *nf);
        if (!nf) return QR_FLAT_FAIL;
        m->flat = nf;
        m->capflat = ncap;
    }
    f = &m->flat[m->nflat];
    f->pred = pi;
    f->op = op;
    f->on_true = on_true;
    f->on_false = on_false;
    return m->nflat++;
}

/* The tests of predicate pi, going on to on_true or on_false with its
 * answer: the first one's index (or on_true or on_false when it tests
 * nothing), QR_FLAT_FAIL without memory, QR_FLAT_BIG past the tests or
 * the visits (*visits, counted down) allowed. The parts come in the
 * order eval_pred tests them, and a part that fails with an error answers
 * no and goes on as there, so no answer and no error changes. Made from
 * the last part back: each part's tests know where they go. */
static int flat_gen(qr_matcher *m, int pi, int on_true, int on_false, int start, int *visits)
{
    const qr_mpred *p = &m->preds[pi];
    const int *kids = p->fast ? p->rest : p->kids;
    int n = p->fast ? p->nrest : p->nkids, k, e;
    if (m->nflat - start > QR_FLAT_MAX_TESTS || --*visits < 0) return QR_FLAT_BIG;
    switch (p->op) {
    case QR_P_NOT:
        return flat_gen(m, p->kids[0], on_false, on_true, start, visits);
    case QR_P_AND:
        for (e = on_true, k = n - 1; k >= 0 && e > QR_FLAT_FAIL; k--)
            e = flat_gen(m, kids[k], e, on_false, start, visits);
        return p->fast && e > QR_FLAT_FAIL ? flat_test(m, pi, QR_P_AND, e, on_false) : e;
    case QR_P_OR:
        for (e = on_false, k = n - 1; k >= 0 && e > QR_FLAT_FAIL; k--)
            e = flat_gen(m, kids[k], on_true, e, start, visits);
        return p->fast && e > QR_FLAT_FAIL ? flat_test(m, pi, QR_P_OR, on_true, e) : e;
    default:
        return flat_test(m, pi, p->op, on_true, on_false);
    }
}

/* Flattens every NOT, AND and OR predicate (qr_matcher flat): QR_OK or
 * QR_ENOMEM. One too big to flatten is tested part by part. */
static int prepare_flat(qr_matcher *m)
{
    int i;
    m->flat_entry = malloc(((size_t)m->npreds + 1) * sizeof *m->flat_entry);
    if (!m->flat_entry) return QR_ENOMEM;
    for (i = 0; i < m->npreds; i++) {
        int op = m->preds[i].op, start = m->nflat, visits = QR_FLAT_MAX_VISITS;
        m->flat_entry[i] = QR_FLAT_NONE;
        if (op != QR_P_NOT && op != QR_P_AND && op != QR_P_OR) continue;
        m->flat_entry[i] = flat_gen(m, i, QR_FLAT_TRUE, QR_FLAT_FALSE, start, &visits);
        if (m->flat_entry[i] == QR_FLAT_FAIL) return QR_ENOMEM;
        if (m->flat_entry[i] != QR_FLAT_BIG) continue;
        m->nflat = start;           /* too big: its tests are dropped */
        m->flat_entry[i] = QR_FLAT_NONE;
    }
    return QR_OK;
}

/* --- what starts a rule ------------------------------------------------------ */

/* One alternative of what a token is (qr_sterms): of kinds and cases,
 * and (type) also covered as cover predicate pred says, one of the words
 * of KEY or KEYSET pred, or of the first bytes and lengths that the
 * filter of REGEX pred or LEN pred let through. */
enum { QR_ST_PLAIN, QR_ST_COVER, QR_ST_WORDS, QR_ST_BYTES };

typedef struct qr_sterm {
    unsigned kinds, cases;
    int type, pred;
} qr_sterm;

#define QR_MAX_STERMS 12      /* the most alternatives of a set */
#define QR_MAX_SDEPTH 8       /* the deepest part looked into */

/* Tokens, as alternatives: n of them (0: none), or n < 0: any token. */
typedef struct qr_sterms {
    int n;
    qr_sterm t[QR_MAX_STERMS];
} qr_sterms;

/* What testing a predicate at a token may do: meet it (acc: the token is
 * among these, or does not meet it) and fail with an error (err: among
 * these, or no error). A token among neither is turned away, with no
 * error, without testing. */
typedef struct qr_sfate {
    qr_sterms acc, err;
} qr_sfate;

static void sterms_any(qr_sterms *s) { s->n = -1; }
static void sterms_none(qr_sterms *s) { s->n = 0; }

/* One alternative (of its kinds and cases, type and pred). */
static void sterms_one(qr_sterms *s, unsigned kinds, unsigned cases, int type, int pred)
{
    s->n = 1;
    s->t[0].kinds = kinds;
    s->t[0].cases = cases;
    s->t[0].type = type;
    s->t[0].pred = pred;
}

/* a or b, into a (too many alternatives: any token). */
static void sterms_or(qr_sterms *a, const qr_sterms *b)
{
    int k, j;
    if (a->n < 0) return;
    if (b->n < 0) { a->n = -1; return; }
    for (k = 0; k < b->n; k++) {
        for (j = 0; j < a->n && memcmp(&a->t[j], &b->t[k], sizeof b->t[k]); j++) {}
        if (j < a->n) continue;     /* (the same alternative twice) */
        if (a->n == QR_MAX_STERMS) { a->n = -1; return; }
        a->t[a->n++] = b->t[k];
    }
}

/* a and b, into out: each pair of alternatives, which keeps one test
 * past its kinds and cases, a's (dropping b's only lets more tokens
 * through); too many pairs: a as it is, which holds them all. */
static void sterms_and(qr_sterms *out, const qr_sterms *a, const qr_sterms *b)
{
    qr_sterms r;
    int i, j;
    if (b->n < 0 || (a->n >= 0 && a->n * b->n > QR_MAX_STERMS)) { *out = *a; return; }
    if (a->n < 0) { *out = *b; return; }
    r.n = 0;
    for (i = 0; i < a->n; i++)
        for (j = 0; j < b->n; j++) {
            qr_sterm x = a->t[i];
            x.kinds &= b->t[j].kinds;
            x.cases &= b->t[j].cases;
            if (x.type == QR_ST_PLAIN) {
                x.type = b->t[j].type;
                x.pred = b->t[j].pred;
            }
            if (x.kinds && x.cases) {
                qr_sterms one;
                one.n = 1;
                one.t[0] = x;
                sterms_or(&r, &one);
            }
        }
    *out = r;
}

/* What testing tests[0 .. n - 1] one after another at a token may do
 * (into f): all met, or one failing with an error after those before it
 * were met. */
static void sfate_seq(qr_sfate *f, const qr_sfate *tests, int n)
{
    qr_sterms e;
    int k;
    sterms_any(&f->acc);
    sterms_none(&f->err);
    for (k = 0; k < n; k++) {
        sterms_and(&e, &f->acc, &tests[k].err);
        sterms_or(&f->err, &e);
        sterms_and(&f->acc, &f->acc, &tests[k].acc);
    }
}

/* What testing predicate pi at a token may do (qr_sfate). */
static void start_fate(const qr_matcher *m, int pi, qr_sfate *f, int depth)
{
    const qr_mpred *p = &m->preds[pi];
    int k;
    sterms_any(&f->acc);
    sterms_none(&f->err);
    if (depth > QR_MAX_SDEPTH) {
        if (pred_may_fail(m, pi)) sterms_any(&f->err);
        return;
    }
    switch (p->op) {
    case QR_P_KIND:
        sterms_one(&f->acc, (unsigned)p->a, ~0u, QR_ST_PLAIN, pi);
        return;
    case QR_P_CASE:
        sterms_one(&f->acc, ~0u, (unsigned)p->a, QR_ST_PLAIN, pi);
        return;
    case QR_P_KEY: case QR_P_KEYSET:
        if (p->op == QR_P_KEYSET || p->id) sterms_one(&f->acc, ~0u, ~0u, QR_ST_WORDS, pi);
        return;
    case QR_P_WITHIN: case QR_P_STARTS: case QR_P_ENDS:
        sterms_one(&f->acc, ~0u, ~0u, QR_ST_COVER, pi);
        return;
    case QR_P_LEN:
        /* (a character takes one to four bytes) */
        if (p->a >= 2 || (p->b >= 0 && 4 * (long)p->b < 63)) sterms_one(&f->acc, ~0u, ~0u, QR_ST_BYTES, pi);
        return;
    case QR_P_REGEX: {
        /* met or failing, only where its filter lets the token through */
        const qr_regex_filter *fl = m->refilters ? &m->refilters[p->a - 1] : NULL;
        if (fl && ((fl->anchored && fl->have_first) || fl->min_chars >= 2))
            sterms_one(&f->acc, ~0u, ~0u, QR_ST_BYTES, pi);
        f->err = f->acc;
        return;
    }
    case QR_P_NOT:
        start_fate(m, p->kids[0], f, depth + 1);
        sterms_any(&f->acc);
        return;
    case QR_P_OR: {
        qr_sfate kid;
        sterms_none(&f->acc);
        for (k = 0; k < p->nkids; k++) {
            start_fate(m, p->kids[k], &kid, depth + 1);
            sterms_or(&f->acc, &kid.acc);
            sterms_or(&f->err, &kid.err);
        }
        return;
    }
    case QR_P_AND: {
        /* (the parts it tests at once, qr_mpred fast, come before any
         * that may fail: those before a part are still tested before it) */
        qr_sfate kids[QR_MAX_STERMS];
        if (p->nkids > QR_MAX_STERMS) {
            if (pred_may_fail(m, pi)) sterms_any(&f->err);
            return;
        }
        for (k = 0; k < p->nkids; k++) start_fate(m, p->kids[k], &kids[k], depth + 1);
        sfate_seq(f, kids, p->nkids);
        return;
    }
    default:
        /* any token, and no error: the others never fail (NEXT and PREV
         * take their part's regex error as met, eval_next) */
        return;
    }
}

/* The tokens at which rule ru may start (into s): where its start test
 * and its program's first tests (up to the one that takes the token) may
 * be met, or fail with an error, which a guard lets through. */
static void rule_starts(const qr_matcher *m, const qr_mrule *ru, qr_sterms *s)
{
    qr_sfate tests[8], all;
    int n = 0, pc;
    if (ru->start) start_fate(m, ru->start - 1, &tests[n++], 0);
    for (pc = ru->entry; pc < m->ncode && n < 8; pc++) {
        const qr_minst *in = &m->code[pc];
        if (in->op == QR_OP_OPEN || in->op == QR_OP_CLOSE) continue;
        if (in->op != QR_OP_TOKEN && (in->op != QR_OP_TEST || in->c)) break;
        start_fate(m, in->a, &tests[n], 0);
        if (in->op == QR_OP_TEST && in->b) sterms_any(&tests[n].acc);   /* negative: met or not */
        if (in->op == QR_OP_TEST && in->d == 1) {
            sterms_or(&tests[n].acc, &tests[n].err);   /* a guard's error lets the token through */
            sterms_none(&tests[n].err);
        }
        n++;
        if (in->op == QR_OP_TOKEN) break;
    }
    sfate_seq(&all, tests, n);
    *s = all.acc;
    sterms_or(s, &all.err);
}

/* Word id joins the start words table with rule bit bit. */
static int add_start_word(qr_mdispatch *d, uint32_t id, uint64_t bit)
{
    size_t s;
    for (s = (id * 2654435761u) & (d->start_cap - 1); d->start_ids[s] && d->start_ids[s] != id;
         s = (s + 1) & (d->start_cap - 1)) {}
    d->start_ids[s] = id;
    d->start_words[s] |= bit;
    d->start_worded |= bit;
    return qr_idset_add(&d->start_has, id);
}

/* Alternative t of rule bit bit into the start tables (qr_mdispatch
 * has_start): QR_OK or QR_ENOMEM. Of a cover or a word, the token's kind
 * and case are not told (a token of any may pass). */
static int add_start_term(qr_matcher *m, const qr_sterm *t, uint64_t bit)
{
    qr_mdispatch *d = &m->disp;
    const qr_mpred *p = t->pred >= 0 ? &m->preds[t->pred] : NULL;
    int k, c;
    switch (t->type) {
    case QR_ST_PLAIN:
        for (k = 0; k < QR_KIND_COUNT; k++)
            for (c = 0; c < QR_CASE_COUNT; c++)
                if (((t->kinds >> k) & 1u) && ((t->cases >> c) & 1u)) d->start_plain[k][c] |= bit;
        return QR_OK;
    case QR_ST_COVER: {
        unsigned cb = p->op == QR_P_WITHIN ? QR_COVER_WITHIN : p->op == QR_P_STARTS ? QR_COVER_STARTS : QR_COVER_ENDS;
        for (k = 0; k < d->nstart_classes && d->start_classes[k] != p->a - 1; k++) {}
        if (k == d->nstart_classes) d->start_classes[d->nstart_classes++] = p->a - 1;
        for (c = 0; c < 8; c++)
            if ((unsigned)c & cb) d->start_cover[k][c] |= bit;
        d->start_covered |= bit;
        return QR_OK;
    }
    case QR_ST_WORDS: {
        const qr_idset *set;
        uint32_t id;
        if (p->op == QR_P_KEY) return add_start_word(d, p->id, bit);
        set = &m->sets[p->a - 1];
        for (id = 1; id < set->nbits; id++) {
            if (!set->bits[id >> 6]) { id |= 63; continue; }
            if (qr_idset_has(set, id) && add_start_word(d, id, bit) != QR_OK) return QR_ENOMEM;
        }
        return QR_OK;
    }
    default: {
        const qr_regex_filter *f = p->op == QR_P_REGEX ? &m->refilters[p->a - 1] : NULL;
        for (c = 0; c < 256; c++)
            if (!f || !(f->anchored && f->have_first) || ((f->first[c >> 3] >> (c & 7)) & 1u))
                d->start_byte[c] |= bit;
        /* (63: 63 bytes or more, which may hold any number of characters
         * from 16 up: never ruled out, whatever the least a LEN asks) */
        for (c = 0; c < 64; c++)
            if (c == 63 || (f ? (uint32_t)c >= f->min_chars : c >= p->a && (p->b < 0 || c <= 4 * (long)p->b)))
                d->start_len[c] |= bit;
        for (k = 0; k < QR_KIND_COUNT; k++)
            for (c = 0; c < QR_CASE_COUNT; c++)
                if (((t->kinds >> k) & 1u) && ((t->cases >> c) & 1u)) d->start_rplain[k][c] |= bit;
        d->start_bytes |= bit;
        return QR_OK;
    }
    }
}

/* The any-word rules whose anchor is the next token's kind or case, as
 * the bits of qr_mdispatch next_plain and next_end. */
static void prepare_next(qr_matcher *m)
{
    qr_mdispatch *d = &m->disp;
    int j, k, c;
    for (k = 0; k < QR_KIND_COUNT; k++)
        for (c = 0; c < QR_CASE_COUNT; c++) d->next_plain[k][c] = ~(uint64_t)0;
    d->next_end = ~(uint64_t)0;
    for (j = 0; j < (int)d->nany; j++) {
        const qr_mrule *ru = &m->rules[d->any[j]];
        const qr_mpred *p = &m->preds[ru->anchor_pred];
        unsigned kinds = ~0u, cases = ~0u;
        uint64_t bit = (uint64_t)1 << j;
        if (ru->anchor_off != 1) continue;
        if (p->op == QR_P_KIND) kinds = (unsigned)p->a;
        else if (p->op == QR_P_CASE) cases = (unsigned)p->a;
        else if (p->op == QR_P_AND && p->fast) {
            kinds = p->fkinds;
            cases = p->fcases;
        } else {
            continue;
        }
        d->has_start = 1;
        d->next_rules |= bit;
        d->next_end &= ~bit;
        for (k = 0; k < QR_KIND_COUNT; k++)
            for (c = 0; c < QR_CASE_COUNT; c++)
                if (!((kinds >> k) & 1u) || !((cases >> c) & 1u)) d->next_plain[k][c] &= ~bit;
    }
}

/* The start tables of the any-word rules (qr_mdispatch has_start), when
 * there are at most 64 of them: QR_OK or QR_ENOMEM. */
static int prepare_starts(qr_matcher *m)
{
    qr_mdispatch *d = &m->disp;
    qr_sterms *starts;
    qr_sterm any = { ~0u, ~0u, QR_ST_PLAIN, -1 };
    int j, k;
    size_t words = 0, cap = 16;
    if (m->no_prefilter || d->nany > 64 || !d->nany) return QR_OK;
    prepare_next(m);
    starts = malloc(d->nany * sizeof *starts);
    d->start_cover = calloc((size_t)m->nclasses + 1, sizeof *d->start_cover);
    d->start_classes = calloc((size_t)m->nclasses + 1, sizeof *d->start_classes);
    if (!starts || !d->start_cover || !d->start_classes) { free(starts); return QR_ENOMEM; }
    for (j = 0; j < (int)d->nany; j++) {
        rule_starts(m, &m->rules[d->any[j]], &starts[j]);
        if (starts[j].n >= 0) d->has_start = 1;   /* (also set by prepare_next) */
        for (k = 0; k < starts[j].n; k++) {
            const qr_mpred *p = &m->preds[starts[j].t[k].pred];
            if (starts[j].t[k].type == QR_ST_WORDS) words += p->op == QR_P_KEY ? 1 : m->sets[p->a - 1].count;
        }
    }
    if (d->has_start) {
        while (cap < 2 * words + 2) cap <<= 1;
        d->start_ids = calloc(cap, sizeof *d->start_ids);
        d->start_words = calloc(cap, sizeof *d->start_words);
        if (!d->start_ids || !d->start_words) { free(starts); return QR_ENOMEM; }
        d->start_cap = words ? cap : 0;
    }
    for (j = 0; d->has_start && j < (int)d->nany; j++) {
        uint64_t bit = (uint64_t)1 << j;
        int nbytes = 0;
        if (starts[j].n < 0 && add_start_term(m, &any, bit) != QR_OK) break;
        for (k = 0; k < starts[j].n; k++) nbytes += starts[j].t[k].type == QR_ST_BYTES;
        for (k = 0; k < starts[j].n; k++) {
            /* a rule's regexes and lengths share its first bytes,
             * lengths, kinds and cases: of several, one of some kinds or
             * cases is told by them alone (which says more than its
             * first bytes) */
            if (nbytes > 1 && starts[j].t[k].type == QR_ST_BYTES
                && (starts[j].t[k].kinds != ~0u || starts[j].t[k].cases != ~0u))
                starts[j].t[k].type = QR_ST_PLAIN;
            if (add_start_term(m, &starts[j].t[k], bit) != QR_OK) break;
        }
        if (k < starts[j].n) break;
    }
    free(starts);
    return d->has_start && j < (int)d->nany ? QR_ENOMEM : QR_OK;
}

int qr_matcher_prepare(qr_matcher *m)
{
    qr_mdispatch *d = &m->disp;
    size_t total = 0, k, cap = 16;
    int i, nany = 0, *counts;
    for (i = 0; i < m->nrules; i++) {
        if (m->rules[i].first_ids) total += m->rules[i].nfirst;
        else nany++;
        if (m->rules[i].required) m->any_required = 1;
    }
    while (cap < 2 * total + 2) cap <<= 1;
    d->cap = cap;
    d->ids = calloc(cap, sizeof *d->ids);
    d->lists = calloc(cap, sizeof *d->lists);
    counts = calloc(cap, sizeof *counts);
    d->any = malloc(((size_t)nany + 1) * sizeof *d->any);
    if (!d->ids || !d->lists || !counts || !d->any) { free(counts); return QR_ENOMEM; }
    /* two passes over the words: count the rules of each, then fill */
    for (i = 0; i < m->nrules; i++)
        for (k = 0; m->rules[i].first_ids && k < m->rules[i].nfirst; k++) {
            uint32_t id = m->rules[i].first_ids[k];
            size_t s = disp_slot(d, id);
            d->ids[s] = id;
            counts[s]++;
            if (qr_idset_add(&d->has, id) != QR_OK) { free(counts); return QR_ENOMEM; }
        }
    for (k = 0; k < cap; k++) {
        if (!d->ids[k]) continue;
        d->lists[k] = malloc(((size_t)counts[k] + 1) * sizeof(int));
        if (!d->lists[k]) { free(counts); return QR_ENOMEM; }
        for (int j = 0; j <= counts[k]; j++) d->lists[k][j] = -1;
    }
    free(counts);
    for (i = 0; i < m->nrules; i++)
        for (k = 0; m->rules[i].first_ids && k < m->rules[i].nfirst; k++) disp_add(d, m->rules[i].first_ids[k], i);
    nany = 0;
    for (i = 0; i < m->nrules; i++) if (!m->rules[i].first_ids) d->any[nany++] = i;
    d->any[nany] = -1;
    d->nany = (size_t)nany;
    for (int kind = 0; kind < QR_KIND_COUNT; kind++) {
        for (int cs = 0; cs < QR_CASE_COUNT; cs++) {
            int *list = malloc(((size_t)nany + 1) * sizeof *list), n = 0, j;
            if (!list) return QR_ENOMEM;
            d->any_by[kind][cs] = list;
            for (j = 0; j < nany; j++) {
                const qr_mrule *ru = &m->rules[d->any[j]];
                if (!((ru->first_kinds >> kind) & 1u) || !((ru->first_cases >> cs) & 1u)) continue;
                list[n++] = d->any[j];
                if (j < 64) d->any_mask[kind][cs] |= (uint64_t)1 << j;
            }
            list[n] = -1;
        }
    }
    if (total || m->any_required) m->needs_ids = 1;
    for (i = 0; i < m->npreds; i++) {
        prepare_quick(m, &m->preds[i]);
        if (m->preds[i].op == QR_P_OR || m->preds[i].op == QR_P_AND) prepare_fast(m, &m->preds[i]);
    }
    if (prepare_flat(m) != QR_OK) return QR_ENOMEM;
    for (i = 0; i < m->nrules; i++) {
        const qr_minst *in = &m->code[m->rules[i].entry];
        m->rules[i].guard = in->op == QR_OP_TEST && in->d == 1 && !in->b && !in->c ? in->a + 1 : 0;
    }
    if (prepare_starts(m) != QR_OK) return QR_ENOMEM;
    return prepare_wsets(m) == QR_OK ? prepare_quick_bits(m) : QR_ENOMEM;
}

/* --- what a run makes for its text ----------------------------------------- */

#define QR_MCHUNK (64 * 1024)  /* bytes of a chunk (more for a larger request) */
/* the most bytes of chunks kept from one run to the next: what a long
 * text took beyond it is freed when its run ends */
#define QR_MCHUNK_KEEP (4 * 1024 * 1024)

struct qr_mchunk {
    struct qr_mchunk *next;
    size_t cap, used;
    uint64_t data[];        /* (8-byte units: every block is aligned) */
};

/* A block of bytes for the current text (qr_mrun chunks), zeroed when
 * zero is set; NULL without memory. Valid until the run is reset. */
static void *run_alloc(qr_mrun *r, size_t bytes, int zero)
{
    size_t units = (bytes + 7) / 8;
    struct qr_mchunk *c = r->chunk_at ? r->chunk_at : r->chunks, *last = NULL;
    void *p;
    for (; c && c->cap - c->used < units; c = c->next) last = c;
    if (!c) {
        size_t cap = units > QR_MCHUNK / 8 ? units : QR_MCHUNK / 8;
        c = malloc(sizeof *c + cap * 8);
        if (!c) return NULL;
        c->next = NULL;
        c->cap = cap;
        c->used = 0;
        if (!last) for (last = r->chunks; last && last->next; last = last->next) {}
        if (last) last->next = c;
        else r->chunks = c;
    }
    r->chunk_at = c;
    p = c->data + c->used;
    c->used += units;
    if (zero) memset(p, 0, units * 8);
    return p;
}

/* --- annotation index --------------------------------------------------------- */

int qr_annindex_init(qr_annindex *ax, int nclasses, size_t ntok, const size_t *counts)
{
    int c;
    memset(ax, 0, sizeof *ax);
    ax->nclasses = nclasses;
    ax->byclass = calloc((size_t)nclasses + 1, sizeof *ax->byclass);
    ax->count = calloc((size_t)nclasses + 1, sizeof *ax->count);
    ax->cover = calloc((size_t)nclasses + 1, sizeof *ax->cover);
    if (!ax->byclass || !ax->count || !ax->cover) return QR_ENOMEM;
    for (c = 0; c < nclasses; c++) {
        ax->byclass[c] = malloc((counts[c] + 1) * sizeof(qr_annref));
        ax->cover[c] = calloc(ntok + 1, 1);
        if (!ax->byclass[c] || !ax->cover[c]) return QR_ENOMEM;
    }
    return QR_OK;
}

static int annref_cmp(const void *x, const void *y)
{
    const qr_annref *a = x, *b = y;
    if (a->first != b->first) return a->first < b->first ? -1 : 1;
    if (a->last != b->last) return a->last > b->last ? -1 : 1;
    return (a->ref > b->ref) - (a->ref < b->ref);
}

void qr_annindex_finish(qr_annindex *ax, size_t ntok)
{
    int c;
    size_t i;
    (void)ntok;
    for (c = 0; c < ax->nclasses; c++) {
        qsort(ax->byclass[c], ax->count[c], sizeof(qr_annref), annref_cmp);
        for (i = 0; i < ax->count[c]; i++) {
            const qr_annref *a = &ax->byclass[c][i];
            size_t t;
            for (t = a->first; t <= a->last; t++) ax->cover[c][t] |= QR_COVER_WITHIN;
            ax->cover[c][a->first] |= QR_COVER_STARTS;
            ax->cover[c][a->last] |= QR_COVER_ENDS;
        }
    }
}

void qr_annindex_free(qr_annindex *ax)
{
    int c;
    for (c = 0; c < ax->nclasses; c++) {
        if (ax->byclass) free(ax->byclass[c]);
        if (ax->cover) free(ax->cover[c]);
    }
    free(ax->byclass);
    free(ax->count);
    free(ax->cover);
    memset(ax, 0, sizeof *ax);
}

/* First entry of class c starting at token t, or -1. */
static long annindex_find(const qr_annindex *ax, int c, size_t t)
{
    size_t lo = 0, hi = ax->count[c];
    const qr_annref *v = ax->byclass[c];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].first < t) lo = mid + 1; else hi = mid;
    }
    return lo < ax->count[c] && v[lo].first == t ? (long)lo : -1;
}

/* --- the machine ------------------------------------------------------------ */

/* Makes room for one more backtrack entry (push_frame): 0 without memory. */
static int grow_stack(qr_mrun *r)
{
    size_t ncap = r->capstack ? 2 * r->capstack : 64;
    qr_mframe *ns = realloc(r->stack, ncap * sizeof *ns);
    if (!ns) { r->err = QR_MATCH_NOMEM; return 0; }
    r->stack = ns;
    r->capstack = ncap;
    return 1;
}

static inline int push_frame(qr_mrun *r, int pc, size_t pos, long alt)
{
    if (r->nstack == r->capstack && !grow_stack(r)) return 0;
    r->stack[r->nstack].pc = pc;
    r->stack[r->nstack].pos = pos;
    r->stack[r->nstack].caps = r->ncaps;
    r->stack[r->nstack].alt = alt;
    r->nstack++;
    return 1;
}

static int log_cap(qr_mrun *r, int slot, int close, size_t pos)
{
    if (r->ncaps == r->capcaps) {
        size_t ncap = r->capcaps ? 2 * r->capcaps : 64;
        qr_mcapev *nc = realloc(r->caps, ncap * sizeof *nc);
        if (!nc) { r->err = QR_MATCH_NOMEM; return 0; }
        r->caps = nc;
        r->capcaps = ncap;
    }
    r->caps[r->ncaps].slot = slot;
    r->caps[r->ncaps].close = close;
    r->caps[r->ncaps].pos = pos;
    r->ncaps++;
    return 1;
}

/* The characters of s[0 .. n): its bytes but the continuation bytes
 * (10xxxxxx), eight bytes a step. */
static size_t count_codepoints(const char *s, size_t n)
{
    size_t k = n, i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w, c;
        memcpy(&w, s + i, 8);
        for (c = w & ~(w << 1) & UINT64_C(0x8080808080808080); c; c &= c - 1) k--;
    }
    for (; i < n; i++) k -= ((unsigned char)s[i] & 0xC0) == 0x80;
    return k;
}

static int eval_pred(qr_mrun *r, int pi, size_t t);
static int eval_flat(qr_mrun *r, int i, size_t t);

static inline int fast_or(const qr_mrun *r, const qr_mpred *p, const qr_token *tok, size_t t);

/* Made in place at each of its calls: the machine's steps call it. */
#if defined(__GNUC__)
#define QR_HOT inline __attribute__((always_inline))
#else
#define QR_HOT inline
#endif

/* Whether token tok has the flags p->a set and p->b clear (QR_P_FLAGS). */
static QR_HOT int flags_hold(const qr_mpred *p, const qr_token *tok)
{
    return (tok->flags & (unsigned)p->a) == (unsigned)p->a && !(tok->flags & (unsigned)p->b);
}

/* Whether token t has bit (QR_COVER_WITHIN, _STARTS or _ENDS) in the
 * cover of p's annotation type (QR_P_WITHIN, QR_P_STARTS, QR_P_ENDS). */
static QR_HOT int covered(const qr_mrun *r, const qr_mpred *p, size_t t, unsigned bit)
{
    return r->ax && (r->ax->cover[p->a - 1][t] & bit);
}

/* eval_pred, with the tests of most steps of the machine made in place:
 * a word, a word set, a kind, a case, flags, a cover, an AND or OR of
 * such parts only (qr_mpred fast); another predicate made of others goes
 * straight to its flat tests. */
static QR_HOT int eval_step(qr_mrun *r, int pi, size_t t)
{
    const qr_mpred *p = &r->preds[pi];
    const qr_token *tok = &r->tok[t];
    switch (p->op) {
    case QR_P_KEY:
        return r->ids[t] == p->id;
    case QR_P_KEYSET:
        return qr_idset_has(&r->m->sets[p->a - 1], r->ids[t]);
    case QR_P_KIND:
        return ((unsigned)p->a >> tok->kind) & 1u;
    case QR_P_CASE:
        return ((unsigned)p->a >> tok->casing) & 1u;
    case QR_P_FLAGS:
        return flags_hold(p, tok);
    case QR_P_WITHIN:
        return covered(r, p, t, QR_COVER_WITHIN);
    case QR_P_STARTS:
        return covered(r, p, t, QR_COVER_STARTS);
    case QR_P_ENDS:
        return covered(r, p, t, QR_COVER_ENDS);
    case QR_P_AND:
        if (p->fast && !p->nrest) return ((p->fkinds >> tok->kind) & 1u) && ((p->fcases >> tok->casing) & 1u);
        break;
    case QR_P_OR:
        if (p->fast && !p->nrest) return fast_or(r, p, tok, t);
        break;
    case QR_P_NOT:
        break;
    default:
        return eval_pred(r, pi, t);
    }
    if (r->m->flat_entry && r->m->flat_entry[pi] != QR_FLAT_NONE) return eval_flat(r, r->m->flat_entry[pi], t);
    return eval_pred(r, pi, t);
}

/* The parts of eval_pred that call out or loop, apart, so that its
 * common tests (a word, a kind, a case, a cover) run without a frame: it
 * tail-calls these. */
#if defined(__GNUC__)
#define QR_COLD __attribute__((noinline))
#else
#define QR_COLD
#endif

static QR_COLD int eval_text(const qr_mrun *r, const qr_mpred *p, const qr_token *tok)
{
    size_t n = tok->stop - tok->start;
    return n == p->slen && !memcmp(r->text + tok->start, p->s, n);
}

static QR_COLD int eval_shape(qr_mrun *r, const qr_mpred *p, const qr_token *tok)
{
    size_t n;
    if (4 * (size_t)(tok->stop - tok->start) > sizeof r->shape_buf) return 0;  /* no shape that long */
    n = qr_token_shape(r->text, tok, p->op == QR_P_SHORT_SHAPE, r->shape_buf);
    return n == p->slen && !memcmp(r->shape_buf, p->s, n);
}

#define QR_RECACHE 512        /* answers a regex keeps by text (a power of two) */
#define QR_RECACHE_TEXT 26     /* the longest token text kept */

/* A regex's answer for a token text: answer 0 (an empty entry), 1 no
 * match, 2 a match. */
typedef struct qr_recache {
    uint32_t hash;
    uint8_t len, answer;
    char text[QR_RECACHE_TEXT];
} qr_recache;

/* FNV-1a of s[0 .. n). */
static uint32_t text_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    size_t i;
    for (i = 0; i < n; i++) h = (h ^ (uint8_t)s[i]) * 16777619u;
    return h;
}

/* The entry of regex ri for text s[0 .. n), made when first needed: NULL
 * when the text is too long to keep, or without memory. */
static qr_recache *recache_entry(qr_mrun *r, int ri, const char *s, size_t n, uint32_t *hash)
{
    if (n > QR_RECACHE_TEXT) return NULL;
    if (!r->re_cache) {
        r->re_cache = calloc((size_t)r->m->nregexes, sizeof *r->re_cache);
        if (!r->re_cache) return NULL;
        r->nre_cache = r->m->nregexes;
    }
    if (!r->re_cache[ri]) r->re_cache[ri] = calloc(QR_RECACHE, sizeof(qr_recache));
    if (!r->re_cache[ri]) return NULL;
    *hash = text_hash(s, n);
    return &r->re_cache[ri][*hash & (QR_RECACHE - 1)];
}

/* Whether no text beginning with the two ASCII bytes s[0], s[1] meets
 * regex ri, whose matches start at the text's first byte (its filter
 * anchored): PCRE2 finds neither a match of the two bytes nor the start
 * of one (a partial match), asked once a pair (qr_mrun re_pairs). */
static QR_COLD int pair_rejects(qr_mrun *r, int ri, const char *s)
{
    size_t k = (size_t)(uint8_t)s[0] * 128 + (uint8_t)s[1];
    uint8_t *pairs;
    if (!r->re_pairs) {
        r->re_pairs = calloc((size_t)r->m->nregexes, sizeof *r->re_pairs);
        if (!r->re_pairs) return 0;
        r->nre_pairs = r->m->nregexes;
    }
    if (!r->re_pairs[ri]) r->re_pairs[ri] = calloc(128 * 128, 1);
    if (!(pairs = r->re_pairs[ri])) return 0;
    if (!pairs[k])
        pairs[k] = qr_regex_match(r->m->regexes[ri], s, 2, 0, PCRE2_PARTIAL_HARD) == PCRE2_ERROR_NOMATCH ? 1 : 2;
    return pairs[k] == 1;
}

/* Whether the first two bytes of text s[0 .. n) turn regex ri away (see
 * pair_rejects): when both are ASCII and the regex's filter anchored. */
static QR_HOT int pair_turns_away(qr_mrun *r, int ri, const char *s, size_t n)
{
    return n >= 2 && !(((uint8_t)s[0] | (uint8_t)s[1]) & 0x80) && r->m->refilters[ri].anchored
           && pair_rejects(r, ri, s);
}

/* Whether regex ri meets no token of text s[0 .. n) (and fails with no
 * error there): its filter or its first two bytes turn it away. */
static QR_HOT int regex_turns_away(qr_mrun *r, int ri, const char *s, size_t n)
{
    return qr_regex_filter_rejects(&r->m->refilters[ri], s, n) || pair_turns_away(r, ri, s, n);
}

static QR_COLD int eval_regex(qr_mrun *r, const qr_mpred *p, const qr_token *tok, size_t t)
{
    /* a regex's answer for a token is kept for the run: rules, their
     * windows and alternatives ask the same regex about the same token;
     * and by the token's text from one run to the next (an error is not
     * kept: it is met again) */
    uint8_t *memo = r->re_memo ? r->re_memo[p->a - 1] : NULL;
    const char *s = r->text + tok->start;
    size_t n = tok->stop - tok->start;
    qr_recache *e;
    uint32_t hash = 0;
    int rc;
    if (r->m->refilters && qr_regex_filter_rejects(&r->m->refilters[p->a - 1], s, n)) return 0;
    if (memo && memo[t]) return memo[t] - 1;
    /* most tokens a regex is asked about are turned away by their first
     * two bytes (capitalised words, of a regex of capitals or initials) */
    if (r->m->refilters && pair_turns_away(r, p->a - 1, s, n)) return 0;
    e = recache_entry(r, p->a - 1, s, n, &hash);
    if (e && e->answer && e->hash == hash && e->len == n && !memcmp(e->text, s, n)) {
        rc = e->answer - 1;
    } else {
        rc = qr_regex_test(r->m->regexes[p->a - 1], s, n);
        if (rc < 0) { r->err = QR_MATCH_REGEX; r->regex_err = rc; return 0; }
        if (e) {
            e->hash = hash;
            e->len = (uint8_t)n;
            e->answer = (uint8_t)(rc + 1);
            memcpy(e->text, s, n);
        }
    }
    if (!memo && r->re_memo) memo = r->re_memo[p->a - 1] = run_alloc(r, r->toks->n + 1, 1);
    if (memo) memo[t] = (uint8_t)(rc + 1);
    return rc;
}

static QR_COLD int eval_len(const qr_mrun *r, const qr_mpred *p, const qr_token *tok)
{
    size_t bytes = tok->stop - tok->start, n;
    if ((long)bytes < p->a) return 0;     /* fewer characters than bytes */
    /* a character takes at most 4 bytes: no count needed (but where
     * bytes are not valid UTF-8: a stray continuation byte counts none) */
    if (!(tok->flags & QR_F_INVALID) && (long)((bytes + 3) / 4) >= p->a && (p->b < 0 || (long)bytes <= p->b))
        return 1;
    n = count_codepoints(r->text + tok->start, bytes);
    return (long)n >= p->a && (p->b < 0 || (long)n <= p->b);
}

/* NEXT and PREV: the token after t, or the one before, meets the part. */
static QR_COLD int eval_next(qr_mrun *r, const qr_mpred *p, size_t t)
{
    int hit;
    if (p->op == QR_P_NEXT ? t + 1 >= r->toks->n : t == 0) return 0;
    hit = eval_pred(r, p->kids[0], p->op == QR_P_NEXT ? t + 1 : t - 1);
    if (r->err == QR_MATCH_REGEX) {     /* (a window's test: the pattern meets the error, if at all) */
        r->err = QR_MATCH_OK;
        hit = 1;
    }
    return hit;
}

static QR_COLD int eval_not(qr_mrun *r, const qr_mpred *p, size_t t)
{
    return !eval_pred(r, p->kids[0], t);
}

static QR_COLD int eval_and(qr_mrun *r, const qr_mpred *p, const qr_token *tok, size_t t)
{
    int k;
    if (p->fast) {
        if (!((p->fkinds >> tok->kind) & 1u) || !((p->fcases >> tok->casing) & 1u)) return 0;
        for (k = 0; k < p->nrest; k++) if (!eval_pred(r, p->rest[k], t)) return 0;
        return 1;
    }
    for (k = 0; k < p->nkids; k++) if (!eval_pred(r, p->kids[k], t)) return 0;
    return 1;
}

static QR_COLD int eval_or(qr_mrun *r, const qr_mpred *p, const qr_token *tok, size_t t)
{
    int k;
    if (p->fast) {
        if (((p->fkinds >> tok->kind) & 1u) || ((p->fcases >> tok->casing) & 1u)
            || (p->fwords.nbits && qr_idset_has(&p->fwords, r->ids[t])))
            return 1;
        for (k = 0; r->ax && k < p->nfcovers; k++)
            if (r->ax->cover[p->fclass[k]][t] & p->fbits[k]) return 1;
        for (k = 0; k < p->nrest; k++) if (eval_pred(r, p->rest[k], t)) return 1;
        return 0;
    }
    for (k = 0; k < p->nkids; k++) if (eval_pred(r, p->kids[k], t)) return 1;
    return 0;
}

/* The fast parts of OR predicate p (qr_mpred fast) at token t. */
static inline int fast_or(const qr_mrun *r, const qr_mpred *p, const qr_token *tok, size_t t)
{
    int k;
    if (((p->fkinds >> tok->kind) & 1u) || ((p->fcases >> tok->casing) & 1u)
        || (p->fwords.nbits && qr_idset_has(&p->fwords, r->ids[t])))
        return 1;
    for (k = 0; r->ax && k < p->nfcovers; k++)
        if (r->ax->cover[p->fclass[k]][t] & p->fbits[k]) return 1;
    return 0;
}

/* A flattened predicate (qr_matcher flat) from test i at token t: the
 * tests of one token made in place, the others by eval_pred. */
static QR_COLD int eval_flat(qr_mrun *r, int i, size_t t)
{
    const qr_matcher *m = r->m;
    const qr_token *tok = &r->tok[t];
    while (i >= 0) {
        const qr_mflat *f = &m->flat[i];
        const qr_mpred *p = &m->preds[f->pred];
        int hit;
        switch (f->op) {
        case QR_P_KEY:
            hit = r->ids[t] == p->id;
            break;
        case QR_P_KEYSET:
            hit = qr_idset_has(&m->sets[p->a - 1], r->ids[t]);
            break;
        case QR_P_KIND:
            hit = ((unsigned)p->a >> tok->kind) & 1u;
            break;
        case QR_P_CASE:
            hit = ((unsigned)p->a >> tok->casing) & 1u;
            break;
        case QR_P_FLAGS:
            hit = flags_hold(p, tok);
            break;
        case QR_P_WITHIN:
            hit = covered(r, p, t, QR_COVER_WITHIN);
            break;
        case QR_P_STARTS:
            hit = covered(r, p, t, QR_COVER_STARTS);
            break;
        case QR_P_ENDS:
            hit = covered(r, p, t, QR_COVER_ENDS);
            break;
        case QR_P_AND:      /* its fast parts */
            hit = ((p->fkinds >> tok->kind) & 1u) && ((p->fcases >> tok->casing) & 1u);
            break;
        case QR_P_OR:
            hit = fast_or(r, p, tok, t);
            break;
        case QR_P_REGEX:
            /* (most tokens are turned away by the regex's filter) */
            hit = !(m->refilters && qr_regex_filter_rejects(&m->refilters[p->a - 1], r->text + tok->start,
                                                            tok->stop - tok->start))
                  && eval_regex(r, p, tok, t);
            break;
        default:
            hit = eval_pred(r, f->pred, t);
            break;
        }
        i = hit ? f->on_true : f->on_false;
    }
    return i == QR_FLAT_TRUE;
}

static int eval_pred(qr_mrun *r, int pi, size_t t)
{
    const qr_mpred *p = &r->preds[pi];
    const qr_token *tok = &r->tok[t];
    switch (p->op) {
    case QR_P_TRUE:
        return 1;
    case QR_P_TEXT:
        return eval_text(r, p, tok);
    case QR_P_KEY:
        return r->ids[t] == p->id;
    case QR_P_BARE:
        return r->bare[t] == p->id;
    case QR_P_KEYSET:
        return qr_idset_has(&r->m->sets[p->a - 1], r->ids[t]);
    case QR_P_BARESET:
        return qr_idset_has(&r->m->sets[p->a - 1], r->bare[t]);
    case QR_P_KIND:
        return ((unsigned)p->a >> tok->kind) & 1u;
    case QR_P_CASE:
        return ((unsigned)p->a >> tok->casing) & 1u;
    case QR_P_SHAPE: case QR_P_SHORT_SHAPE:
        return eval_shape(r, p, tok);
    case QR_P_REGEX:
        return eval_regex(r, p, tok, t);
    case QR_P_LEN:
        return eval_len(r, p, tok);
    case QR_P_FLAGS:
        return flags_hold(p, tok);
    case QR_P_WITHIN:
        return covered(r, p, t, QR_COVER_WITHIN);
    case QR_P_STARTS:
        return covered(r, p, t, QR_COVER_STARTS);
    case QR_P_ENDS:
        return covered(r, p, t, QR_COVER_ENDS);
    case QR_P_NOT: case QR_P_AND: case QR_P_OR:
        if (r->m->flat_entry && r->m->flat_entry[pi] != QR_FLAT_NONE) return eval_flat(r, r->m->flat_entry[pi], t);
        return p->op == QR_P_NOT ? eval_not(r, p, t) : p->op == QR_P_AND ? eval_and(r, p, tok, t) : eval_or(r, p, tok, t);
    case QR_P_NEXT: case QR_P_PREV:
        return eval_next(r, p, t);
    default:
        return 0;
    }
}

static int vm(qr_mrun *r, int pc, size_t pos, size_t limit, size_t lower, long need_end, size_t *endpos);


/* From entry i on (longest first), the first annotation of class c that
 * starts at pos and ends before limit, or -1. */
static long ann_fit(const qr_annindex *ax, int c, long i, size_t pos, size_t limit)
{
    for (; i >= 0 && (size_t)i < ax->count[c]; i++) {
        const qr_annref *a = &ax->byclass[c][i];
        if (a->first != pos) return -1;
        if (a->last < limit) return i;
    }
    return -1;
}

/* Takes annotation i of the class of instruction pc as the unit at *pos,
 * leaving a backtrack entry for the next shorter one. */
static int take_ann(qr_mrun *r, int pc, long i, size_t *pos, size_t limit)
{
    int c = r->m->code[pc].a - 1;
    const qr_annref *a = &r->ax->byclass[c][i];
    long next = ann_fit(r->ax, c, i + 1, *pos, limit);
    if (next >= 0 && !push_frame(r, pc, *pos, next)) return 0;
    if (!log_cap(r, -1 - (c + 1), 0, (size_t)a->ref)) return 0;   /* the unit, for actions */
    *pos = a->last + 1;
    return 1;
}

/* Lookaround at pos: does the sub-program at entry match (ahead: starting at
 * pos; behind: ending exactly at pos, starting between c and d tokens back)? */
static int lookaround(qr_mrun *r, const qr_minst *in, size_t pos, size_t limit, size_t lower)
{
    size_t saved_stack = r->nstack, saved_caps = r->ncaps, end, back;
    int hit = 0;
    if (r->depth >= QR_MAX_LOOK_DEPTH) {
        r->err = QR_MATCH_DEPTH;
        return 0;
    }
    r->depth++;
    if (in->op == QR_OP_AHEAD) {
        hit = vm(r, in->a, pos, limit, lower, -1, &end);
    } else {
        for (back = (size_t)in->c; back <= (size_t)in->d && !hit && !r->err; back++) {
            if (back > pos - lower) break;
            /* the body may look ahead past pos; need_end keeps the match ending there */
            hit = vm(r, in->a, pos - back, limit, lower, (long)pos, &end);
        }
    }
    r->depth--;
    r->nstack = saved_stack;
    r->ncaps = saved_caps;   /* nothing inside lookaround is captured */
    return hit;
}

/* Runs from pc at pos within [lower, limit); need_end >= 0 demands that the
 * match ends there (lookbehind). Returns 1 with *endpos on success. */
static int vm(qr_mrun *r, int pc, size_t pos, size_t limit, size_t lower, long need_end, size_t *endpos)
{
    const qr_matcher *m = r->m;
    size_t base = r->nstack;
    /* the step count in a register, written back where the machine stops
     * and around a lookaround (which runs it one level deeper) */
    long steps = r->steps;
    const long step_limit = m->step_limit;
#define VM_RETURN(x) do { r->steps = steps; return (x); } while (0)
    for (;;) {
        const qr_minst *in;
        /* (an error stops the machine where it is met: a token test that
         * fails with one goes to fail_or_error) */
        if (++steps > step_limit) { r->err = QR_MATCH_STEPS; VM_RETURN(0); }
        in = &m->code[pc];
        switch (in->op) {
        case QR_OP_END:
            if (need_end < 0 || (long)pos == need_end) {
                *endpos = pos;
                r->nstack = base;
                VM_RETURN(1);
            }
            goto fail;
        case QR_OP_TOKEN:
            if (pos < limit && eval_step(r, in->a, pos)) { pos++; pc++; continue; }
            goto fail_or_error;
        case QR_OP_ANN: {
            long i;
            if (!r->ax || pos >= limit || !(r->ax->cover[in->a - 1][pos] & QR_COVER_STARTS)) goto fail;
            i = ann_fit(r->ax, in->a - 1, annindex_find(r->ax, in->a - 1, pos), pos, limit);
            if (i < 0 || !take_ann(r, pc, i, &pos, limit)) goto fail_or_error;
            pc++;
            continue;
        }
        case QR_OP_CHOICE:
            if (in->b && !(pos < limit && eval_step(r, in->b - 1, pos))) {
                /* the way on cannot take the token: the other way at once
                 * (a regex's error lets the token through, as a guard's) */
                if (!r->err) { pc = in->a; continue; }
                if (r->err != QR_MATCH_REGEX) VM_RETURN(0);
                r->err = QR_MATCH_OK;
            }
            if (!push_frame(r, in->a, pos, -1)) VM_RETURN(0);
            pc++;
            continue;
        case QR_OP_JMP:
            pc = in->a;
            continue;
        case QR_OP_OPEN: case QR_OP_CLOSE:
            if (!log_cap(r, in->a, in->op == QR_OP_CLOSE, pos)) VM_RETURN(0);
            pc++;
            continue;
        case QR_OP_TEST: {
            /* the token at pos (ahead) or before it (behind), not taken */
            int hit = in->c ? pos > lower && eval_step(r, in->a, pos - 1) : pos < limit && eval_step(r, in->a, pos);
            if (r->err) {
                /* a guard (d = 1) that failed with an error lets the token
                 * through: the pattern meets the error where it would */
                if (!in->d || r->err != QR_MATCH_REGEX) VM_RETURN(0);
                r->err = QR_MATCH_OK;
                hit = !in->b;
            }
            if (hit != in->b) { pc++; continue; }
            goto fail;
        }
        case QR_OP_AHEAD: case QR_OP_BEHIND: {
            int hit;
            if (in->op == QR_OP_AHEAD && in->c && r->depth < QR_MAX_LOOK_DEPTH
                && !(pos < limit && eval_step(r, in->c - 1, pos))) {
                /* the body cannot take the token: it does not match (a
                 * regex's error lets the token through, to the body) */
                if (!r->err) {
                    if (in->b) { pc++; continue; }
                    goto fail;
                }
                if (r->err != QR_MATCH_REGEX) VM_RETURN(0);
                r->err = QR_MATCH_OK;
            }
            r->steps = steps;
            hit = lookaround(r, in, pos, limit, lower);
            steps = r->steps;
            if (r->err) VM_RETURN(0);
            if (hit != in->b) { pc++; continue; }   /* b: 1 for negative lookaround */
            goto fail;
        }
        case QR_OP_FAIL:
        default:
            goto fail;
        }
    fail_or_error:
        if (r->err) VM_RETURN(0);
    fail:
        if (r->nstack <= base) VM_RETURN(0);
        r->backtracks++;
        {
            qr_mframe *f = &r->stack[--r->nstack];
            pc = f->pc;
            pos = f->pos;
            r->ncaps = f->caps;
            if (f->alt >= 0) {
                /* resume an annotation unit with its next alternative */
                if (!take_ann(r, pc, f->alt, &pos, limit)) goto fail_or_error;
                pc++;
            }
        }
    }
}
#undef VM_RETURN

/* --- running a phase over a text ---------------------------------------------- */

/* Sets r->bounds for token t: the document, its paragraph, its sentence.
 * Called with t increasing, so the groups are found by walking forward. */
static void set_bounds(qr_mrun *r, size_t t, size_t *para, size_t *sent)
{
    const qr_tokens *tk = r->toks;
    r->bounds[QR_SCOPE_DOCUMENT][0] = 0;
    r->bounds[QR_SCOPE_DOCUMENT][1] = tk->n;
    if (tk->npara) {
        while (*para + 1 < tk->npara && tk->para[*para + 1] <= t) (*para)++;
        r->bounds[QR_SCOPE_PARAGRAPH][0] = tk->para[*para];
        r->bounds[QR_SCOPE_PARAGRAPH][1] = *para + 1 < tk->npara ? tk->para[*para + 1] : tk->n;
    } else {
        r->bounds[QR_SCOPE_PARAGRAPH][0] = 0;
        r->bounds[QR_SCOPE_PARAGRAPH][1] = tk->n;
    }
    if (tk->nsent) {
        while (*sent + 1 < tk->nsent && tk->sent[*sent + 1] <= t) (*sent)++;
        r->bounds[QR_SCOPE_SENTENCE][0] = tk->sent[*sent];
        r->bounds[QR_SCOPE_SENTENCE][1] = *sent + 1 < tk->nsent ? tk->sent[*sent + 1] : tk->n;
    } else {
        r->bounds[QR_SCOPE_SENTENCE][0] = r->bounds[QR_SCOPE_PARAGRAPH][0];
        r->bounds[QR_SCOPE_SENTENCE][1] = r->bounds[QR_SCOPE_PARAGRAPH][1];
    }
}

int qr_mrun_cap(const qr_mrun *r, int slot, size_t *first, size_t *end)
{
    size_t i, open = 0, close = 0;
    int have_open = 0, have_close = 0;
    for (i = 0; i < r->ncaps; i++) {
        const qr_mcapev *e = &r->caps[i];
        if (e->slot != slot) continue;
        if (e->close) { close = e->pos; have_close = 1; }
        else { open = e->pos; have_open = 1; }
    }
    if (!have_open || !have_close || close < open + 1) return 0;
    *first = open;
    *end = close;
    return 1;
}

/* quick_pred of the run's matcher. */
static int quick_window(const qr_mrun *r, const qr_mpred *p)
{
    return quick_pred(r->m, p);
}

/* 1 when token t meets no part of predicate p (quick_window): not its
 * words, and turned away by the filters of its regexes. */
static int quick_miss(qr_mrun *r, const qr_mpred *p, size_t t)
{
    const qr_token *tok = &r->toks->tok[t];
    const char *s = r->text + tok->start;
    size_t len = tok->stop - tok->start;
    int k;
    if (p->op == QR_P_REGEX) return regex_turns_away(r, p->a - 1, s, len);
    for (k = 0; k < p->nkids; k++) {
        const qr_mpred *q = &r->m->preds[p->kids[k]];
        if (q->op == QR_P_KEY ? r->ids[t] == q->id
            : q->op == QR_P_KEYSET ? qr_idset_has(&r->m->sets[q->a - 1], r->ids[t])
            : !regex_turns_away(r, q->a - 1, s, len))
            return 0;
    }
    return 1;
}

/* The first token at or after u that quick_miss may let through, for a
 * predicate with a quick test of its regexes (qr_mpred quick): the tokens
 * before it are too short or of the wrong first byte for every regex of
 * p, and none is one of its words. With memo (the predicate's, see
 * qr_mrun pred_memo), the tokens passed over are noted there as failing
 * it, for the next window that scans them. */
static size_t quick_scan_tokens(const qr_mrun *r, const qr_mpred *p, size_t u, uint8_t *memo)
{
    const qr_token *tok = r->toks->tok;
    const unsigned char *text = (const unsigned char *)r->text;
    size_t n = r->toks->n;
    for (; u < n; u++) {
        size_t len = tok[u].stop - tok[u].start;
        unsigned c;
        if (len >= p->qmin) {
            if (len == 0) return u;
            c = text[tok[u].start];
            if ((p->qfirst[c >> 3] >> (c & 7)) & 1u) return u;
        }
        if (p->qwords.nbits && qr_idset_has(&p->qwords, r->ids[u])) return u;   /* one of its words */
        if (memo) memo[u] = 1;
    }
    return n;
}

/* The position of the lowest bit set in x (x != 0). */
static int lowest_bit(uint64_t x)
{
#if defined(__GNUC__)
    return __builtin_ctzll(x);
#else
    int b = 0;
    while (!((x >> b) & 1u)) b++;
    return b;
#endif
}

/* The bits of the quick predicates a token of len bytes, first byte c
 * and word id may meet (qr_matcher quick_bit). */
static uint64_t quick_bits(const qr_matcher *m, size_t len, unsigned c, uint32_t id)
{
    uint64_t bits = 0;
    size_t s;
    if (len < 64) bits = m->qlen[len];
    else
        for (s = 0; s < (size_t)m->nquick; s++) bits |= m->qmins[s] <= len ? (uint64_t)1 << s : 0;
    if (len) bits &= m->qbyte[c];
    if (!qr_idset_has(&m->qhas, id)) return bits;
    for (s = (id * 2654435761u) & (m->qcap - 1); m->qids[s]; s = (s + 1) & (m->qcap - 1))
        if (m->qids[s] == id) return bits | m->qwmasks[s];
    return bits;
}

/* Marks every token in the bitmaps of the quick bits it may meet (qr_mrun
 * qmask). */
static void build_qmask(qr_mrun *r)
{
    const qr_token *tok = r->toks->tok;
    size_t n = r->toks->n, t;
    r->qmask_state = -1;
    r->qwords = (n >> 6) + 1;
    r->qmask = run_alloc(r, r->qwords * (size_t)r->m->nquick * sizeof *r->qmask, 1);
    if (!r->qmask) return;
    for (t = 0; t < n; t++) {
        uint64_t bits = quick_bits(r->m, tok[t].stop - tok[t].start, (unsigned char)r->text[tok[t].start],
                                   r->ids ? r->ids[t] : 0);
        for (; bits; bits &= bits - 1)
            r->qmask[(size_t)lowest_bit(bits) * r->qwords + (t >> 6)] |= (uint64_t)1 << (t & 63);
    }
    r->qmask_state = 1;
}

/* The first token at or after u whose bit is set in bitmap bits of nwords
 * words, or n. */
static size_t next_marked(const uint64_t *bits, size_t nwords, size_t u, size_t n)
{
    size_t w = u >> 6;
    uint64_t x;
    if (u >= n) return n;
    x = bits[w] & (~(uint64_t)0 << (u & 63));
    while (!x) {
        if (++w >= nwords) return n;
        x = bits[w];
    }
    u = (w << 6) + (size_t)lowest_bit(x);
    return u < n ? u : n;
}

/* quick_scan_tokens, with the marks of build_qmask when the predicate has
 * a quick bit: one bit test a token. */
static size_t quick_scan(qr_mrun *r, int pi, const qr_mpred *p, size_t u, uint8_t *memo)
{
    int b = r->m->quick_bit ? r->m->quick_bit[pi] : -1;
    if (b >= 0 && !r->qmask_state) build_qmask(r);
    if (b >= 0 && r->qmask_state > 0) {
        /* (the tokens passed over are not noted in memo: the next scan
         * passes them as quickly) */
        return next_marked(r->qmask + (size_t)b * r->qwords, r->qwords, u, r->toks->n);
    }
    return quick_scan_tokens(r, p, u, memo);
}

/* The first token at or after u whose memo byte is not 1 (known to fail
 * the predicate), or n: eight tokens a load along a run of failures. */
static size_t memo_skip(const uint8_t *memo, size_t u, size_t n)
{
    const uint64_t ones = UINT64_C(0x0101010101010101);
    uint64_t w;
    while (u + 8 <= n) {
        memcpy(&w, memo + u, 8);
        if (w != ones) break;
        u += 8;
    }
    while (u < n && memo[u] == 1) u++;
    return u;
}

/* The bits of the window word sets holding word id (qr_matcher wmasks). */
static uint64_t wset_mask(const qr_matcher *m, uint32_t id)
{
    size_t s;
    if (!qr_idset_has(&m->whas, id)) return 0;
    for (s = (id * 2654435761u) & (m->wcap - 1); m->wids[s]; s = (s + 1) & (m->wcap - 1))
        if (m->wids[s] == id) return m->wmasks[s];
    return 0;
}

/* Lists, for each window word set, the tokens holding one of its words
 * (qr_mrun wpost), in two passes: count (noting the tokens holding any,
 * with their bits), then fill from the tokens noted. */
static void build_wpost(qr_mrun *r)
{
    const qr_matcher *m = r->m;
    const uint32_t *ids = r->ids;
    size_t n = r->toks->n, t, nheld = 0, k;
    uint64_t *masks = run_alloc(r, (n + 1) * sizeof *masks, 0);
    uint32_t *held = run_alloc(r, (n + 1) * sizeof *held, 0);
    int b;
    r->wpost_state = -1;
    if (!masks || !held) return;
    for (t = 0; t < n; t++) {
        uint64_t x;
        if (!qr_idset_has(&m->whas, ids[t])) continue;    /* (most tokens) */
        x = masks[nheld] = wset_mask(m, ids[t]);
        held[nheld++] = (uint32_t)t;
        for (; x; x &= x - 1) r->nwpost[lowest_bit(x)]++;
    }
    for (b = 0; b < m->nwsets; b++) {
        r->wpost[b] = run_alloc(r, (r->nwpost[b] + 1) * sizeof *r->wpost[b], 0);
        if (!r->wpost[b]) return;
        r->nwpost[b] = 0;
    }
    for (k = 0; k < nheld; k++)
        for (uint64_t x = masks[k]; x; x &= x - 1) {
            b = lowest_bit(x);
            r->wpost[b][r->nwpost[b]++] = held[k];
        }
    r->wpost_state = 1;
}

/* The first token at or after u in the list of window word set b, or n,
 * for window k: from where its last scan left off in the list (win_idx)
 * when u is not before that, a few steps at a time, else by halves. */
static size_t wpost_next(const qr_mrun *r, size_t k, int b, size_t u, size_t n)
{
    const uint32_t *post = r->wpost[b];
    size_t np = r->nwpost[b], lo = r->win_idx[k], hi = np, near;
    if (lo > np || (lo > 0 && post[lo - 1] >= u)) lo = 0;
    for (near = lo + 4; lo < hi && post[lo] < u; lo++)
        if (lo + 1 == near) {
            /* far: by halves from here */
            lo++;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (post[mid] < u) lo = mid + 1;
                else hi = mid;
            }
            break;
        }
    r->win_idx[k] = (uint32_t)lo;
    return lo < np ? post[lo] : n;
}

/* Whether the tokens holding the words of window predicate pi are listed
 * (qr_mrun wpost), listing them when first asked. */
static int and_words_listed(qr_mrun *r, int pi)
{
    if (!r->m->wset_bit || r->m->wset_bit[pi] < 0) return 0;
    if (!r->wpost_state) build_wpost(r);
    return r->wpost_state > 0;
}

/* The first token at or after from that meets predicate pi, the predicate
 * of window k (a rule's window), or n when none does; (size_t)-1 on an
 * error (r->err). A window is asked with from increasing, so each token is
 * tested at most once a run for it. */
static size_t next_hit(qr_mrun *r, size_t k, int pi, size_t from)
{
    size_t n = r->toks->n, u;
    uint32_t pos = r->win_pos[k];
    const qr_mpred *p = &r->m->preds[pi];
    if (pos != UINT32_MAX && pos >= from) return pos;
    u = from > r->win_upto[k] ? from : r->win_upto[k];
    if (p->op == QR_P_KEYSET || p->op == QR_P_KEY) {
        /* most windows test words: where they are was listed once a run,
         * or else a compare or a bit a token */
        int b = r->m->wset_bit ? r->m->wset_bit[pi] : -1;
        if (b >= 0 && !r->wpost_state) build_wpost(r);
        if (b >= 0 && r->wpost_state > 0) u = wpost_next(r, k, b, u, n);
        else if (p->op == QR_P_KEY) while (u < n && r->ids[u] != p->id) u++;
        else while (u < n && !qr_idset_has(&r->m->sets[p->a - 1], r->ids[u])) u++;
    } else if (p->op == QR_P_TEXT) {
        /* a token's text: its length and bytes, compared in place */
        const qr_token *tok = r->toks->tok;
        for (; u < n; u++)
            if (tok[u].stop - tok[u].start == p->slen && !memcmp(r->text + tok[u].start, p->s, p->slen)) break;
    } else if (p->op == QR_P_AND && and_words_listed(r, pi)) {
        /* an AND that opens with words (window_words): where they are,
         * then the whole test at each */
        int b = r->m->wset_bit[pi];
        for (; (u = wpost_next(r, k, b, u, n)) < n; u++) {
            int hit = eval_pred(r, pi, u);
            if (r->err) return (size_t)-1;
            if (hit) break;
        }
    } else {
        /* rules share what a predicate said of a token: each (predicate,
         * token) is tested once a run, however many windows test it; in a
         * window of words or regexes, a token no word and no regex's first
         * bytes let through is passed over without asking the predicate */
        int quick = quick_window(r, p);
        uint8_t *memo = r->pred_memo ? r->pred_memo[pi] : NULL;
        if (r->pred_memo && !memo && (memo = r->pred_memo[pi] = run_alloc(r, n + 1, 1)) != NULL)
            r->memo_preds[r->nmemo_preds++] = pi;
        for (; u < n; u++) {
            int hit;
            /* tokens an earlier window of the same predicate found failing
             * it are passed over with a byte compare each */
            if (memo && (u = memo_skip(memo, u, n)) >= n) break;
            if (quick && p->quick && (u = quick_scan(r, pi, p, u, memo)) >= n) break;
            if (quick && quick_miss(r, p, u)) {
                if (memo) memo[u] = 1;
                continue;
            }
            if (memo && memo[u]) hit = memo[u] - 1;
            else {
                hit = eval_pred(r, pi, u);
                if (r->err) return (size_t)-1;
                if (memo) memo[u] = (uint8_t)(hit + 1);
            }
            if (hit) break;
        }
    }
    r->win_pos[k] = u < n ? (uint32_t)u : UINT32_MAX;
    r->win_upto[k] = (uint32_t)(u < n ? u + 1 : n);
    return u;
}

/* The reach of every token (qr_mrun reach), when annotations are longer
 * than a token; without memory, windows count each unit as the longest. */
static void build_reach(qr_mrun *r)
{
    const qr_annindex *ax = r->ax;
    size_t n = r->toks->n, i, t;
    uint32_t *reach;
    int c;
    r->reach_state = -1;
    if (!ax || r->ann_max <= 1 || !(reach = run_alloc(r, (n + 1) * sizeof *reach, 0))) return;
    for (t = 0; t < n; t++) reach[t] = (uint32_t)(t + 1);
    for (c = 0; c < ax->nclasses; c++)
        for (i = 0; i < ax->count[c]; i++) {
            const qr_annref *a = &ax->byclass[c][i];
            if (a->last + 1 > reach[a->first]) reach[a->first] = a->last + 1;
        }
    for (t = 1; t < n; t++)
        if (reach[t - 1] > reach[t]) reach[t] = reach[t - 1];
    r->reach = reach;
    r->reach_state = 1;
}

/* Whether units (tokens or annotations) taken one after another from
 * token t may bring a match to token goal (qr_mrun reach): 1 also when
 * the reach is not known. */
static int window_reaches(qr_mrun *r, size_t t, size_t units, size_t goal)
{
    size_t n = r->toks->n, at = t;
    if (!r->reach_state) build_reach(r);
    if (r->reach_state < 0) return 1;
    while (units-- > 0 && at < goal && at < n) at = r->reach[at];
    return goal <= at;
}

/* Whether every window of rule ri has a token meeting its predicate among
 * the tokens it covers from a start at t; -1 on an error (r->err). When one
 * has none, r->skip[ri] is where the next start that may have one is; when
 * all have one, r->hold[ri] is where they stop holding. */
static int windows_hold(qr_mrun *r, int ri, size_t t)
{
    const qr_mrule *ru = &r->m->rules[ri];
    size_t limit = r->bounds[ru->scope][1], skip, until = limit;
    int w;
    for (w = 0; w < ru->nwindows; w++) {
        const qr_mwindow *wd = &ru->windows[w];
        size_t from = t + (size_t)wd->lo, u, span;
        if (from >= limit) {
            skip = limit;        /* the same for every start of this scope group */
            goto fail;
        }
        u = next_hit(r, (size_t)ri * QR_MAX_WINDOWS + (size_t)w, wd->pred, from);
        if (u == (size_t)-1) return -1;
        /* a later start up to u - lo has the same first token meeting the
         * predicate in its window (none lies between), which it reaches
         * at least as well */
        if (u - (size_t)wd->lo + 1 < until) until = u - (size_t)wd->lo + 1;
        if (wd->hi < 0) {        /* anywhere before the group's end */
            if (u < limit) continue;
            skip = limit;
            goto fail;
        }
        span = (size_t)wd->hi + (size_t)wd->anns * r->ann_max;
        if (u < limit && u <= t + span) {
            /* the annotations the window's units may take are where they
             * lie: its hi + anns units from t end no further than reach
             * taken as many times, most often far short of span */
            size_t units = (size_t)wd->hi + (size_t)wd->anns;
            if (!wd->anns || u <= t + units || window_reaches(r, t, units, u)) continue;
        }
        /* no start before u - span reaches u; none of this group past its end */
        skip = u > t + span ? u - span : t + 1;
        if (u >= limit && skip < limit) skip = limit;
        goto fail;
    }
    r->hold[ri] = until;
    return 1;
fail:
    if (skip > r->skip[ri]) r->skip[ri] = skip;
    return 0;
}

static int try_rule(qr_mrun *r, int ri, size_t t, qr_match_emit emit, void *ud);

/* Whether the anchor of rule ri (qr_mrule anchor_off) rules it out at t
 * before calling try_rule, when its test is a word, a word set, a kind, a
 * case or the kind and case an AND tests at once: most tokens then try
 * no rule. */
static QR_HOT int anchor_misses(const qr_mrun *r, int ri, size_t t)
{
    const qr_mrule *ru = &r->m->rules[ri];
    const qr_mpred *p;
    const qr_token *tok;
    size_t a;
    if (ru->anchor_off <= 0) return 0;
    a = t + (size_t)ru->anchor_off;
    if (a >= r->toks->n) return 1;
    p = &r->m->preds[ru->anchor_pred];
    tok = &r->toks->tok[a];
    switch (p->op) {
    case QR_P_KEY:
        return r->ids[a] != p->id;
    case QR_P_KEYSET:
        return !qr_idset_has(&r->m->sets[p->a - 1], r->ids[a]);
    case QR_P_KIND:
        return !(((unsigned)p->a >> tok->kind) & 1u);
    case QR_P_CASE:
        return !(((unsigned)p->a >> tok->casing) & 1u);
    case QR_P_AND:
        return p->fast && (!((p->fkinds >> tok->kind) & 1u) || !((p->fcases >> tok->casing) & 1u));
    default:
        return 0;
    }
}

/* Of the any-word rules cand (bits of qr_mdispatch any_mask), those whose
 * first tests token t may pass (qr_mdispatch has_start). */
static inline uint64_t start_mask(const qr_mrun *r, size_t t, uint64_t cand)
{
    const qr_mdispatch *d = &r->m->disp;
    const qr_token *tok = &r->toks->tok[t];
    size_t len, s;
    uint64_t sm = d->start_plain[tok->kind][tok->casing];
    if (cand & d->next_rules) cand &= t + 1 < r->toks->n ? d->next_plain[tok[1].kind][tok[1].casing] : d->next_end;
    if (!(cand & ~sm)) return cand;
    if (cand & d->start_bytes) {
        /* (a token with bytes that are not valid UTF-8 may count fewer
         * characters than a byte in four: the bucket of any count) */
        len = tok->flags & QR_F_INVALID ? 63 : tok->stop - tok->start;
        sm |= d->start_rplain[tok->kind][tok->casing]
              & (len ? d->start_byte[(unsigned char)r->text[tok->start]] & d->start_len[len < 63 ? len : 63]
                     : d->start_bytes);
    }
    if (r->start_cov) sm |= r->start_cov[t];
    else if (r->ax) sm |= d->start_covered;    /* (no memory for start_cov) */
    if ((cand & ~sm & d->start_worded) && qr_idset_has(&d->start_has, r->ids[t]))
        for (s = (r->ids[t] * 2654435761u) & (d->start_cap - 1); d->start_ids[s]; s = (s + 1) & (d->start_cap - 1))
            if (d->start_ids[s] == r->ids[t]) {
                sm |= d->start_words[s];
                break;
            }
    return cand & sm;
}

/* Tries rule ri, one of those that may start on the word of token t
 * (qr_mdispatch lists), at t: try_rule, when the token's kind and case
 * and the paragraph's words allow it. */
static int try_word_rule(qr_mrun *r, int ri, size_t t, qr_match_emit emit, void *ud)
{
    const qr_mrule *ru = &r->m->rules[ri];
    const qr_token *tok = &r->toks->tok[t];
    if (!((ru->first_kinds >> tok->kind) & 1u) || !((ru->first_cases >> tok->casing) & 1u)) return 0;
    if (ru->required) {
        uint64_t have = ru->scope == QR_SCOPE_DOCUMENT ? r->bloom_doc : r->bloom_para;
        if ((ru->required & have) != ru->required) {
            /* a required word is absent: from every start of the paragraph
             * (of the text, for a rule of the document) */
            size_t skip = r->bounds[ru->scope == QR_SCOPE_DOCUMENT ? QR_SCOPE_DOCUMENT : QR_SCOPE_PARAGRAPH][1];
            if (skip > r->skip[ri]) r->skip[ri] = skip;
            return 0;
        }
    }
    if (anchor_misses(r, ri, t)) return 0;
    return try_rule(r, ri, t, emit, ud);
}

/* Tries rule ri at token t, whose kind and case and paragraph's words
 * allow it (try_word_rule, or the any-word lists and masks, which hold
 * only such rules); calls emit on a match. Returns 0, or -1 on an error or
 * a stop (r->err). */
static int try_rule(qr_mrun *r, int ri, size_t t, qr_match_emit emit, void *ud)
{
    const qr_mrule *ru = &r->m->rules[ri];
    size_t end;
    int entry = ru->entry;
    if (ru->nwindows && t >= r->hold[ri]) {
        int ok = windows_hold(r, ri, t);
        if (ok < 0) {
            r->err_rule = ri;
            r->err_token = t;
            return -1;
        }
        if (!ok) return 0;
    }
    if (ru->anchor_off > 0) {
        /* the token a fixed number of tokens into every match: one test
         * instead of running the program where it fails */
        size_t a = t + (size_t)ru->anchor_off;
        if (a >= r->bounds[ru->scope][1] || !eval_pred(r, ru->anchor_pred, a)) return 0;
    }
    if (ru->start && !eval_pred(r, ru->start - 1, t)) return 0;
    if (ru->guard) {
        /* the program's guard, tested before it runs: most starts fail it
         * (a regex's error lets the token through, as in the machine) */
        if (!eval_step(r, ru->guard - 1, t) && !r->err) return 0;
        r->err = QR_MATCH_OK;
        entry++;
    }
    r->nstack = 0;
    r->ncaps = 0;
    r->steps = 0;
    r->backtracks = 0;
    r->depth = 0;
    /* empty matches are not annotations */
    if (vm(r, entry, t, r->bounds[ru->scope][1], r->bounds[ru->scope][0], -1, &end) && end > t
        && emit(ud, r, ri, t, end))
        r->err = QR_MATCH_STOPPED;
    if (r->err) {
        r->err_rule = ri;
        r->err_token = t;
        return -1;
    }
    return 0;
}

/* The rules of bucket (kind, casing) that the paragraph's words allow. */
static const int *passing_rules(qr_mrun *r, unsigned kind, unsigned casing, size_t para)
{
    size_t nany = r->m->disp.nany;
    int *out;
    const int *all = r->m->disp.any_by[kind][casing];
    out = r->pass_lists + ((size_t)kind * QR_CASE_COUNT + casing) * (nany + 1);
    if (r->pass_stamp[kind][casing] != (long)para) {
        size_t n = 0, k;
        for (k = 0; all[k] >= 0; k++) {
            const qr_mrule *ru = &r->m->rules[all[k]];
            uint64_t have = ru->scope == QR_SCOPE_DOCUMENT ? r->bloom_doc : r->bloom_para;
            if ((ru->required & have) == ru->required) out[n++] = all[k];
        }
        out[n] = -1;
        r->pass_stamp[kind][casing] = (long)para;
    }
    return out;
}


/* Tries at t the rules that may start on any word (qr_mdispatch any), in
 * order: 0, or -1 on an error or a stop (r->err). */
static int try_any_list(qr_mrun *r, size_t t, size_t para, qr_match_emit emit, void *ud)
{
    const qr_token *tok = &r->toks->tok[t];
    const int *list = r->m->disp.any_by[tok->kind][tok->casing];
    int k;
    if (r->pass_lists && list[0] >= 0) list = passing_rules(r, tok->kind, tok->casing, para);
    for (k = 0; list[k] >= 0; k++) {
        if (r->skip[list[k]] > t) continue;    /* a window rules it out until then */
        if (anchor_misses(r, list[k], t)) continue;
        if (try_rule(r, list[k], t, emit, ud) < 0) return -1;
    }
    return 0;
}

/* Wakes the any-word rules (qr_mdispatch any_mask) whose skip t has
 * reached, at the first token of them (r->wake_at). */
static void wake_rules(qr_mrun *r, size_t t)
{
    const qr_mdispatch *d = &r->m->disp;
    uint64_t s = r->asleep;
    r->wake_at = SIZE_MAX;
    while (s) {
        int j = lowest_bit(s);
        size_t skip = r->skip[d->any[j]];
        s &= s - 1;
        if (skip <= t) {
            r->asleep &= ~((uint64_t)1 << j);
            r->awake |= (uint64_t)1 << j;
        } else if (skip < r->wake_at) {
            r->wake_at = skip;
        }
    }
}

/* The any-word rules (as bits of qr_mdispatch any_mask) whose required
 * words the current paragraph (the text, for a rule of the document) may
 * hold. */
static uint64_t passing_mask(const qr_mrun *r)
{
    const qr_mdispatch *d = &r->m->disp;
    uint64_t mask = 0;
    size_t j;
    for (j = 0; j < d->nany; j++) {
        const qr_mrule *ru = &r->m->rules[d->any[j]];
        uint64_t have = ru->scope == QR_SCOPE_DOCUMENT ? r->bloom_doc : r->bloom_para;
        if ((ru->required & have) == ru->required) mask |= (uint64_t)1 << j;
    }
    return mask;
}

/* try_any_list with the rules as bits (qr_mdispatch any_mask): cand, those
 * the token's kind and case, the paragraph's words and the windows allow
 * (qr_match_run). A rule whose window rules it out past t sleeps until
 * its skip. */
static int try_any_bits(qr_mrun *r, size_t t, uint64_t cand, qr_match_emit emit, void *ud)
{
    const qr_mdispatch *d = &r->m->disp;
    while (cand) {
        int j = lowest_bit(cand), ri = d->any[j];
        cand &= cand - 1;
        if (anchor_misses(r, ri, t)) continue;
        if (try_rule(r, ri, t, emit, ud) < 0) return -1;
        if (r->skip[ri] > t + 1) {
            r->awake &= ~((uint64_t)1 << j);
            r->asleep |= (uint64_t)1 << j;
            if (r->skip[ri] < r->wake_at) r->wake_at = r->skip[ri];
        }
    }
    return 0;
}

/* Which words each paragraph holds, for the rules' prefilter. */
static int build_blooms(qr_mrun *r)
{
    const qr_tokens *toks = r->toks;
    size_t np = toks->npara ? toks->npara : 1, pi = 0, t, b, c, nany = r->m->disp.nany;
    r->para_blooms = run_alloc(r, np * sizeof *r->para_blooms, 0);
    r->pass_lists = run_alloc(r, (size_t)QR_KIND_COUNT * QR_CASE_COUNT * (nany + 1) * sizeof(int), 0);
    if (!r->para_blooms || !r->pass_lists) return 0;
    for (t = 0; pi < np; pi++) {
        /* paragraph pi: up to the next one's first token (the first holds
         * any tokens before it) */
        size_t end = pi + 1 < toks->npara ? toks->para[pi + 1] : toks->n;
        uint64_t bits = 0;
        for (; t < end; t++)
            /* only the words some rule requires: the other words of the
             * vocabulary (word sets', gazetteers') would fill the filter */
            if (qr_idset_has(&r->m->reqwords, r->ids[t])) bits |= qr_match_bloom(r->ids[t]);
        r->para_blooms[pi] = bits;
        r->bloom_doc |= bits;
    }
    for (b = 0; b < QR_KIND_COUNT; b++)
        for (c = 0; c < QR_CASE_COUNT; c++) r->pass_stamp[b][c] = -1;
    return 1;
}

/* The rules each token's covers let start (qr_mrun start_cov), from the
 * annotations of the classes of qr_mdispatch start_cover: most tokens
 * have none. Without memory, none is made: covers then rule nothing
 * out. */
static void build_start_cov(qr_mrun *r)
{
    const qr_mdispatch *d = &r->m->disp;
    const qr_annindex *ax = r->ax;
    int k;
    r->start_cov = run_alloc(r, (r->toks->n + 1) * sizeof *r->start_cov, 1);
    for (k = 0; r->start_cov && k < d->nstart_classes; k++) {
        int c = d->start_classes[k];
        size_t i, t;
        for (i = 0; i < ax->count[c]; i++)
            for (t = ax->byclass[c][i].first; t <= ax->byclass[c][i].last; t++)
                r->start_cov[t] |= d->start_cover[k][ax->cover[c][t] & 7u];
    }
}

int qr_match_run(qr_mrun *r, const qr_matcher *m, const qr_tokens *toks, const char *text, const uint32_t *ids,
                 const uint32_t *bare, const qr_annindex *ax, qr_match_emit emit, void *ud)
{
    size_t t, para = 0, sent = 0, next_group = 0;
    int bits;
    r->m = m;
    r->toks = toks;
    r->tok = toks->tok;
    r->preds = m->preds;
    r->text = text;
    r->ids = ids;
    r->bare = bare;
    r->ax = ax;
    r->ann_max = 0;
    if (ax) {
        int c;
        size_t i;
        for (c = 0; c < ax->nclasses; c++)
            for (i = 0; i < ax->count[c]; i++)
                if (ax->byclass[c][i].last + 1 - ax->byclass[c][i].first > r->ann_max)
                    r->ann_max = ax->byclass[c][i].last + 1 - ax->byclass[c][i].first;
    }
    if (m->any_required && !build_blooms(r)) return r->err = QR_MATCH_NOMEM;
    /* made when first needed; without memory, regexes and predicates are
     * asked again */
    /* (kept cleared by qr_mrun_reset from the last run of m) */
    if (m->nregexes && !r->re_memo) r->re_memo = calloc((size_t)m->nregexes, sizeof *r->re_memo);
    if (!r->pred_memo) {
        r->pred_memo = calloc((size_t)m->npreds + 1, sizeof *r->pred_memo);
        r->memo_preds = malloc(((size_t)m->npreds + 1) * sizeof *r->memo_preds);
        if (!r->pred_memo || !r->memo_preds) {     /* (predicates are then asked again) */
            free(r->pred_memo);
            free(r->memo_preds);
            r->pred_memo = NULL;
            r->memo_preds = NULL;
        }
    }
    {
        size_t nw = (size_t)m->nrules * QR_MAX_WINDOWS, k;
        if (!r->win_pos) r->win_pos = malloc(2 * (nw + 1) * sizeof *r->win_pos);
        if (!r->win_upto) r->win_upto = calloc(nw + 1, sizeof *r->win_upto);
        if (!r->skip) r->skip = calloc(2 * ((size_t)m->nrules + 1), sizeof *r->skip);
        r->hold = r->skip ? r->skip + m->nrules + 1 : NULL;
        if (!r->win_pos || !r->win_upto || !r->skip) return r->err = QR_MATCH_NOMEM;
        r->win_idx = r->win_pos + nw + 1;
        for (k = 0; k < nw; k++) {
            r->win_pos[k] = UINT32_MAX;
            r->win_idx[k] = 0;
        }
    }
    if (ax && m->disp.nstart_classes) build_start_cov(r);
    r->awake = m->disp.nany >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << m->disp.nany) - 1;
    r->asleep = 0;
    r->wake_at = SIZE_MAX;
    r->pass_mask = ~(uint64_t)0;
    bits = m->disp.nany <= 64;
    for (t = 0; t < toks->n; t++) {
        const int *list;
        int k;
        if (t >= next_group) {
            /* the token's paragraph and sentence: they change only where
             * the next one starts */
            size_t was = para;
            set_bounds(r, t, &para, &sent);
            if (r->para_blooms && (t == 0 || para != was)) {
                r->bloom_para = r->para_blooms[para];
                if (bits) r->pass_mask = passing_mask(r);
            }
            next_group = r->bounds[QR_SCOPE_PARAGRAPH][1] < r->bounds[QR_SCOPE_SENTENCE][1]
                         ? r->bounds[QR_SCOPE_PARAGRAPH][1] : r->bounds[QR_SCOPE_SENTENCE][1];
        }
        if (ids && (list = disp_list(&m->disp, ids[t])) != NULL)
            for (k = 0; list[k] >= 0; k++)
                if (r->skip[list[k]] <= t && try_word_rule(r, list[k], t, emit, ud) < 0) return r->err;
        if (bits) {
            /* most tokens start none of them: a mask and no call */
            uint64_t cand;
            if (t >= r->wake_at) wake_rules(r, t);
            cand = m->disp.any_mask[toks->tok[t].kind][toks->tok[t].casing] & r->awake & r->pass_mask;
            if (cand && m->disp.has_start) cand = start_mask(r, t, cand);
            if (cand && try_any_bits(r, t, cand, emit, ud) < 0) return r->err;
        } else if (try_any_list(r, t, para, emit, ud) < 0) {
            return r->err;
        }
    }
    return QR_MATCH_OK;
}

void qr_mrun_free(qr_mrun *r)
{
    struct qr_mchunk *c = r->chunks;
    if (r->re_cache) {
        int i;
        for (i = 0; i < r->nre_cache; i++) free(r->re_cache[i]);
    }
    free(r->re_cache);
    r->re_cache = NULL;
    r->nre_cache = 0;
    if (r->re_pairs) {
        int i;
        for (i = 0; i < r->nre_pairs; i++) free(r->re_pairs[i]);
    }
    free(r->re_pairs);
    r->re_pairs = NULL;
    r->nre_pairs = 0;
    /* the memo columns, postings, masks and paragraph filters are in the chunks */
    free(r->re_memo);
    free(r->pred_memo);
    free(r->memo_preds);
    r->re_memo = r->pred_memo = NULL;
    r->memo_preds = NULL;
    r->nmemo_preds = 0;
    while (c) {
        struct qr_mchunk *next = c->next;
        free(c);
        c = next;
    }
    r->chunks = r->chunk_at = NULL;
    memset(r->wpost, 0, sizeof r->wpost);
    memset(r->nwpost, 0, sizeof r->nwpost);
    r->wpost_state = 0;
    r->qmask = NULL;
    r->qmask_state = 0;
    free(r->win_pos);
    free(r->win_upto);
    free(r->skip);
    r->win_pos = r->win_upto = r->win_idx = NULL;
    r->skip = r->hold = NULL;
    free(r->stack);
    free(r->caps);
    r->stack = NULL;
    r->caps = NULL;
    r->para_blooms = NULL;
    r->pass_lists = NULL;
    r->reach = NULL;
    r->reach_state = 0;
}

void qr_mrun_reset(qr_mrun *r)
{
    const qr_matcher *m = r->m;
    qr_mframe *stack = r->stack;
    qr_mcapev *caps = r->caps;
    size_t capstack = r->capstack, capcaps = r->capcaps;
    uint8_t **re_memo = r->re_memo, **pred_memo = r->pred_memo;
    int *memo_preds = r->memo_preds;
    qr_recache **re_cache = r->re_cache;
    int nre_cache = r->nre_cache;
    uint8_t **re_pairs = r->re_pairs;
    int nre_pairs = r->nre_pairs;
    struct qr_mchunk *chunks = r->chunks, **pc = &chunks;
    size_t kept = 0;
    uint32_t *win_pos = r->win_pos, *win_upto = r->win_upto;
    size_t *skip = r->skip;
    if (!m) {               /* no run began: nothing made for a text */
        qr_mrun_free(r);
        memset(r, 0, sizeof *r);
        return;
    }
    /* what the text sized (in the chunks) is forgotten, the chunks kept up
     * to QR_MCHUNK_KEEP bytes */
    if (re_memo) memset(re_memo, 0, (size_t)m->nregexes * sizeof *re_memo);
    if (pred_memo) {
        /* (only the columns the run made: most predicates have none) */
        int k;
        for (k = 0; k < r->nmemo_preds; k++) pred_memo[memo_preds[k]] = NULL;
    }
    while (*pc) {
        struct qr_mchunk *c = *pc;
        size_t bytes = sizeof *c + c->cap * 8;
        if (kept + bytes > QR_MCHUNK_KEEP) {
            *pc = c->next;
            free(c);
            continue;
        }
        kept += bytes;
        c->used = 0;
        pc = &c->next;
    }
    if (win_upto) memset(win_upto, 0, ((size_t)m->nrules * QR_MAX_WINDOWS + 1) * sizeof *win_upto);
    if (skip) memset(skip, 0, 2 * ((size_t)m->nrules + 1) * sizeof *skip);
    memset(r, 0, sizeof *r);
    r->stack = stack;
    r->capstack = capstack;
    r->caps = caps;
    r->capcaps = capcaps;
    r->re_memo = re_memo;
    r->pred_memo = pred_memo;
    r->memo_preds = memo_preds;
    r->re_cache = re_cache;
    r->nre_cache = nre_cache;
    r->re_pairs = re_pairs;
    r->nre_pairs = nre_pairs;
    r->chunks = chunks;
    r->win_pos = win_pos;
    r->win_upto = win_upto;
    r->skip = skip;
}
