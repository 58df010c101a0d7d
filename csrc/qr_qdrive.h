/*
 * Pure helpers of the quote driver (lua/quarry/rules/news/quotes/): tests
 * on a quote's bytes that the driver and the terms test ask of every
 * quote. Their Lua binding is qr_lqdrive.c.
 */
#ifndef QR_QDRIVE_H
#define QR_QDRIVE_H

#include <stddef.h>
#include <stdint.h>

/* A list of short words (the small words of titles): entries of a length
 * byte (1 .. 255) and that many bytes, ended by a 0 byte. */
typedef unsigned char qr_qwords;

/* Whether the n bytes at w are a word of the list. */
int qr_qwords_has(const qr_qwords *list, const char *w, size_t n);

/* Whether the len bytes at s are title-like: cut at ASCII white space
 * (what Lua's %s is in the C locale), each word stripped of the ASCII
 * punctuation (%p) that opens or ends it, the words left that are not
 * empty and not in small all open on a capital A-Z or a digit, and there
 * are one to seven of them. *looked: how many words were looked up in
 * small (each a walk over the list). */
int qr_title_like(const char *s, size_t len, const qr_qwords *small, size_t *looked);

/* What the driver reads off a pair of quotation marks before it looks
 * for a speaker: the bytes of its words (those between the marks without
 * the white space around them), whether it ends a sentence ("." or "…")
 * or softly (",", "!" or "?"); both false for a quote left open. */
typedef struct qr_qwordspan {
    size_t start, stop;
    int closed_sentence, soft_end;
} qr_qwordspan;

/* The words of the quote between bytes start and stop of text (len
 * bytes), closed or not: fills out and returns 1, or returns 0 when only
 * white space is there. */
int qr_quote_words(const char *text, size_t len, size_t start, size_t stop, int closed, qr_qwordspan *out);

/* The markers of words in quotation marks that nobody says (the news
 * pack's data/quote_terms.tsv, quotes/terms.lua): phrases of token keys
 * before the opening mark or after the closing one. Laid out by the
 * binding in one block; the phrases' words are numbered (0 .. nwords - 1,
 * their bytes pool[woff[w]] .. pool[woff[w + 1]]), found by their bytes
 * through an open-addressed table of nslots slots (a power of two: the
 * word's number, or -1). */
#define QR_QM_TITLE_ONLY 1u   /* only when the words inside are title-like */
#define QR_QM_FAR 2u          /* may end a few words before the opening mark */
#define QR_QM_WHAT 4u         /* "what" or "which" opens its clause, the words inside look like a name */
#define QR_QM_AFTER 8u        /* starts right after the closing mark */

typedef struct qr_qmarker {
    uint32_t first;           /* its words: phrase[first .. first + nkeys - 1] */
    uint32_t nkeys;
    int32_t next;             /* the next marker (in the list's order) of the same near word and side, or -1 */
    unsigned kind, flags;
} qr_qmarker;

typedef struct qr_qmarkers {
    size_t nmarks, nwords, nslots;
    qr_qmarker *marks;
    uint32_t *phrase;   /* the words of each marker, back to back */
    uint32_t *woff;     /* nwords + 1 offsets into pool */
    char *pool;
    int32_t *slots;
    int32_t *before;    /* by word: the first marker before the marks whose last word it is, or -1 */
    int32_t *after;     /* by word: the first marker after them whose first word it is, or -1 */
    unsigned char *det; /* by word: a determiner ("known as the 'Gang of Five'") */
    unsigned char *far; /* by word: the last word of a marker with QR_QM_FAR */
} qr_qmarkers;

/* The number of the word of the n bytes at s, or -1. */
long qr_qmarkers_word(const qr_qmarkers *m, const char *s, size_t n);
/* The hash of a word's bytes, the same for the binding's table. */
uint64_t qr_qmarkers_hash(const char *s, size_t n);

/* What the marker test reads of a document: its tokens and their keys
 * (mode 0), its text, and whether token i (1-based) opens its
 * attribution sentence (asked only of a token that is not in lower case
 * where a marker may stand). */
struct qr_tokens;
struct qr_keys;
typedef struct qr_qmarkdoc {
    const struct qr_tokens *t;
    const struct qr_keys *k;
    const char *text;
    size_t len;
    int (*opens)(void *ud, size_t i);
    void *ud;
} qr_qmarkdoc;

/* The marker of the quote whose opening mark is token open (1-based),
 * closing mark close (0: none) and words the bytes start .. stop of the
 * text; title: whether those words are title-like. Returns the marker's
 * number (its kind is marks[k].kind) and its first and last tokens in
 * *first, *last; or -1. As quotes/terms.lua's walk had it: a marker
 * ending right before the opening mark (or before a determiner before
 * it), then one ending a few words before it (over words and numbers
 * only, when one of the last words of such markers is there), then one
 * starting right after the closing mark; each written in lower case
 * unless it opens its sentence; the first of the list that fits. */
long qr_qmarker_find(const qr_qmarkers *m, const qr_qmarkdoc *d, size_t open, size_t close, size_t start,
                     size_t stop, int title, size_t *first, size_t *last);

#endif
