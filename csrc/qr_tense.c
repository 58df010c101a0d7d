/*
 * The tense of a date's own clause (qr_tense.h). The clause of a date runs
 * from it, both ways, to the nearest punctuation (, ; : brackets, spaced
 * dashes, quotation marks), clause break (a relative pronoun, a
 * conjunction; "and"/"or" before a verb) or speech verb. A date just after
 * a speech verb, with only attaching words between ("said Friday",
 * "announced on Monday"), belongs to the speech verb's clause, which ends
 * with the date. Indices are 1-based, as in the Lua this replaces.
 */
#include "qr_tense.h"

#include <stdlib.h>
#include <string.h>

void qr_tense_model_init(qr_tense_model *m)
{
    int c;
    memset(m, 0, sizeof *m);
    for (c = 0; c < QR_TC_COUNT; c++) qr_idset_init(&m->sets[c]);
}

void qr_tense_model_free(qr_tense_model *m)
{
    int c;
    for (c = 0; c < QR_TC_COUNT; c++) qr_idset_free(&m->sets[c]);
    free(m->phrase_words);
    free(m->phrase_off);
    m->phrase_words = NULL;
    m->phrase_off = NULL;
    m->nphrases = 0;
}

int qr_tense_add_phrase(qr_tense_model *m, const uint32_t *ids, size_t n)
{
    size_t have = m->nphrases ? m->phrase_off[m->nphrases] : 0;
    uint32_t *w = realloc(m->phrase_words, (have + n) * sizeof *w);
    size_t *off;
    if (!w) return QR_ENOMEM;
    m->phrase_words = w;
    off = realloc(m->phrase_off, (m->nphrases + 2) * sizeof *off);
    if (!off) return QR_ENOMEM;
    m->phrase_off = off;
    memcpy(w + have, ids, n * sizeof *ids);
    off[m->nphrases] = have;
    off[m->nphrases + 1] = have + n;
    m->nphrases++;
    return qr_idset_add(&m->sets[QR_TC_PHRASE_START], ids[0]);
}

/* token i's key id is in class c */
static int is(const qr_tense_model *m, const qr_tense_doc *d, int c, long i)
{
    return qr_idset_has(&m->sets[c], d->ids[i - 1]);
}

/* token i's key ends with suffix s (and is at least min bytes long) */
static int ends_with(const qr_tense_doc *d, long i, const char *s, size_t min)
{
    size_t n, sn = strlen(s);
    const char *k = qr_key_of(d->keys, (size_t)(i - 1), &n);
    if (sn == 0 || n < sn || n < min) return 0;
    return memcmp(k + n - sn, s, sn) == 0;
}

/* token i's key is s */
static int key_is(const qr_tense_doc *d, long i, const char *s)
{
    size_t n;
    const char *k = qr_key_of(d->keys, (size_t)(i - 1), &n);
    return n == strlen(s) && memcmp(k, s, n) == 0;
}

/* Whether token i ends a clause by its kind: punctuation, a spaced dash,
 * a quotation mark. */
static int stop_token(const qr_tense_doc *d, long i)
{
    const qr_token *t = &d->t->tok[i - 1];
    size_t len = t->stop - t->start;
    const char *s = d->text + t->start;
    switch (t->kind) {
    case QR_PUNCT: return len == 1 && *s != '\0' && memchr(",;:()[]", *s, 7) != NULL;
    case QR_DASH: return !(len == 1 && *s == '-') || (t->flags & QR_F_SPACE_BEFORE);
    case QR_OPEN_QUOTE: case QR_CLOSE_QUOTE: return 1;
    default: return 0;
    }
}

/* token i's text is exactly c */
static int text_is(const qr_tense_doc *d, long i, char c)
{
    const qr_token *t = &d->t->tok[i - 1];
    return t->stop - t->start == 1 && d->text[t->start] == c;
}

/* A lower-case word with the past suffix that is not listed as no past. */
static int suffixed_past(const qr_tense_model *m, const qr_tense_doc *d, long i)
{
    return ends_with(d, i, m->past_suffix, m->past_min) && d->t->tok[i - 1].casing == QR_CASE_LOWER
        && !is(m, d, QR_TC_NOT_PAST, i);
}

/* A verb in the past: one of the list, or a suffixed one that does not
 * follow an adjectival word ("the reduced dividend", "is expected"). */
static int past_word(const qr_tense_model *m, const qr_tense_doc *d, long i)
{
    if (is(m, d, QR_TC_PAST, i)) return 1;
    if (!suffixed_past(m, d, i)) return 0;
    return !(i > 1 && is(m, d, QR_TC_ADJECTIVAL, i - 1));
}

static int future_word(const qr_tense_model *m, const qr_tense_doc *d, long i)
{
    return is(m, d, QR_TC_FUTURE, i) || ends_with(d, i, m->future_suffix, 0);
}

/* "and" or "or" before a verb opens a clause. */
static int verb_follows(const qr_tense_model *m, const qr_tense_doc *d, long i)
{
    if (i > (long)d->t->n) return 0;
    return future_word(m, d, i) || is(m, d, QR_TC_PAST, i) || is(m, d, QR_TC_AUX, i) || suffixed_past(m, d, i);
}

static int breaks(const qr_tense_model *m, const qr_tense_doc *d, long i)
{
    return is(m, d, QR_TC_BREAK, i) || (is(m, d, QR_TC_CONJ, i) && verb_follows(m, d, i + 1));
}

static int ends_clause(const qr_tense_model *m, qr_tense_doc *d, long i)
{
    d->work++;
    return stop_token(d, i) || breaks(m, d, i);
}

/* The first and last token of the clause of tokens [first, last]. */
static void clause(const qr_tense_model *m, qr_tense_doc *d, long first, long last, long sfirst, long slast,
                   long *plo, long *phi)
{
    long lo = first, hi = last, i;
    int attached = 1, closed = 0;
    if (first - m->reach > sfirst) sfirst = first - m->reach;
    if (last + m->reach < slast) slast = last + m->reach;
    for (i = first - 1; i >= sfirst; i--) {
        if (ends_clause(m, d, i)) break;
        if (is(m, d, QR_TC_SPEECH, i) && !closed) {
            if (!attached) break;
            closed = 1;                 /* "said Friday": the speech verb's clause ends here */
        } else if (!is(m, d, QR_TC_ATTACH, i)) {
            attached = 0;
        }
        lo = i;
    }
    if (!closed) {
        for (i = last + 1; i <= slast; i++) {
            if (ends_clause(m, d, i) || is(m, d, QR_TC_SPEECH, i)) break;
            hi = i;
        }
    }
    *plo = lo;
    *phi = hi;
}

/* Whether a phrase of the future starts at token i and ends by hi; "to"
 * ending it before an adjectival word is no infinitive ("agreed to the
 * deal"). */
static int future_phrase(const qr_tense_model *m, qr_tense_doc *d, long i, long hi)
{
    size_t p, j;
    long n = (long)d->t->n;
    for (p = 0; p < m->nphrases; p++) {
        const uint32_t *w = m->phrase_words + m->phrase_off[p];
        size_t nw = m->phrase_off[p + 1] - m->phrase_off[p];
        int ok = w[0] == d->ids[i - 1];
        d->work++;
        for (j = 1; ok && j < nw; j++)
            if (i + (long)j > hi || d->ids[i + (long)j - 1] != w[j]) ok = 0;
        if (ok && qr_idset_has(&m->sets[QR_TC_TO], w[nw - 1]) && i + (long)nw <= n
            && is(m, d, QR_TC_ADJECTIVAL, i + (long)nw))
            ok = 0;
        if (ok) return 1;
    }
    return 0;
}

/* The tense the words of tokens [lo, hi] say, those of [first, last] left
 * out. A marker of the future anywhere makes it future, unless first_verb:
 * then the first marker. */
static enum qr_tense words_tense(const qr_tense_model *m, qr_tense_doc *d, long lo, long hi, long first,
                                 long last, int first_verb)
{
    int past = 0;
    long i;
    for (i = lo; i <= hi; i++) {
        if (i >= first && i <= last) continue;
        d->work++;
        if (first_verb && past_word(m, d, i)) return QR_TENSE_PAST;
        if (future_word(m, d, i)) return QR_TENSE_FUTURE;
        if (is(m, d, QR_TC_PHRASE_START, i) && future_phrase(m, d, i, hi)) return QR_TENSE_FUTURE;
        if (!past && past_word(m, d, i)) past = 1;
    }
    return past ? QR_TENSE_PAST : QR_TENSE_NONE;
}

/* The word before a date, past a clock time ("until 9 a.m. EST Tuesday"):
 * its index, or 0. */
static long word_before(const qr_tense_model *m, const qr_tense_doc *d, long first)
{
    long i = first - 1;
    int clock = 0;
    while (i >= 1 && (is(m, d, QR_TC_CLOCK, i) || d->t->tok[i - 1].kind == QR_NUMBER)) {
        clock = clock || is(m, d, QR_TC_CLOCK, i);
        i--;
    }
    if (!clock) i = first - 1;
    return i < 1 ? 0 : i;
}

/* A date that opens its sentence and a comma closes, attaching words
 * aside ("On Tuesday, the league plans to ..."): the tense of the clause
 * after the comma; none when the date is not such. */
static enum qr_tense fronted_tense(const qr_tense_model *m, qr_tense_doc *d, long lo, long hi, long first,
                                   long last, long slast)
{
    long i, j, end;
    if (hi + 1 > slast || !text_is(d, hi + 1, ',') || hi != last) return QR_TENSE_NONE;
    for (i = lo; i < first; i++)
        if (!is(m, d, QR_TC_ATTACH, i)) return QR_TENSE_NONE;
    end = slast < hi + 1 + m->reach ? slast : hi + 1 + m->reach;
    for (j = hi + 2; j <= end && !ends_clause(m, d, j); j++) {}
    return words_tense(m, d, hi + 2, j - 1, first, last, 1);
}

/* The first and last token of the sentence of token i. */
static void sentence_of(const qr_tokens *t, long i, long *sfirst, long *slast)
{
    size_t g;
    if (t->nsent == 0) { *sfirst = 1; *slast = (long)t->n; return; }
    g = qr_tokens_group_of(t->sent, t->nsent, (size_t)(i - 1));
    *sfirst = (long)t->sent[g] + 1;
    *slast = g + 1 < t->nsent ? (long)t->sent[g + 1] : (long)t->n;
}

/* A date after a deadline word: past when the clause after a fronted
 * date is, or a perfect ("had") stands before it up to a punctuation mark
 * or in the sentence it opens; else the clause's own tense after a
 * negation ("not until Tuesday"); else a deadline. */
static enum qr_tense deadline_tense(const qr_tense_model *m, qr_tense_doc *d, long first, long last, long lo,
                                    long hi, long sfirst, long slast, long before, int opens, enum qr_tense main)
{
    long from = first, to = hi, i, floor = first - m->reach > sfirst ? first - m->reach : sfirst;
    if (main == QR_TENSE_PAST) return QR_TENSE_PAST;
    if (before > 1 && is(m, d, QR_TC_NEGATION, before - 1)) return words_tense(m, d, lo, hi, first, last, 0);
    while (from > floor && !stop_token(d, from - 1)) from--;
    if (opens) {
        from = sfirst;
        to = slast < last + m->reach ? slast : last + m->reach;
    }
    for (i = from; i <= to; i++)
        if (is(m, d, QR_TC_PERFECT, i)) return QR_TENSE_PAST;
    d->work += to - from + 1;
    return QR_TENSE_DEADLINE;
}

enum qr_tense qr_tense_of(const qr_tense_model *m, qr_tense_doc *d, long first, long last)
{
    long sfirst, slast, lo, hi, before;
    int opens;
    enum qr_tense main = QR_TENSE_NONE;
    sentence_of(d->t, first, &sfirst, &slast);
    clause(m, d, first, last, sfirst, slast, &lo, &hi);
    before = word_before(m, d, first);
    if (before && is(m, d, QR_TC_SINCE, before)) return QR_TENSE_PAST;     /* "since March" looks back */
    opens = lo == sfirst || (lo == sfirst + 1 && is(m, d, QR_TC_OPENER, sfirst));
    if (opens) main = fronted_tense(m, d, lo, hi, first, last, slast);
    if (before && is(m, d, QR_TC_DEADLINE, before))
        return deadline_tense(m, d, first, last, lo, hi, sfirst, slast, before, opens, main);
    /* "Friday's purchases": an event already named, unless "ahead of" */
    if (last < (long)d->t->n && key_is(d, last + 1, m->possessive)
        && !(before && is(m, d, QR_TC_OF, before) && first > 2 && is(m, d, QR_TC_AHEAD, first - 2)))
        return QR_TENSE_PAST;
    return main != QR_TENSE_NONE ? main : words_tense(m, d, lo, hi, first, last, 0);
}

int qr_tense_told_past(const qr_tense_model *m, qr_tense_doc *d, long first, long last)
{
    long sfirst, slast, i, from, to;
    sentence_of(d->t, first, &sfirst, &slast);
    from = first - m->reach > sfirst ? first - m->reach : sfirst;
    to = last + m->reach < slast ? last + m->reach : slast;
    d->work += first - from;
    for (i = from; i < first; i++)
        if (past_word(m, d, i)) return 1;
    for (i = last + 1; i <= to; i++) {
        d->work++;
        if (stop_token(d, i)) break;
        if (past_word(m, d, i)) return 1;
    }
    return 0;
}
