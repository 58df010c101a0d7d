/*
 * The tense of a date's own clause (pure C, no Lua): "future" when the
 * clause is about what is to come ("will vote on Thursday"), "past" when
 * its verb is in the past ("was arrested on Sept. 12"), "deadline" for a
 * date to be met ("by Jan. 14"), none when it does not say. The words are
 * the caller's: classes of token-key ids (qr_vocab.h) that a rule pack
 * reads from its data files; this file only knows how a clause is cut and
 * which word classes count where (lua/quarry/tense.lua documents it).
 *
 * Token numbers here are 1-based, as the Lua side counts them.
 */
#ifndef QR_TENSE_H
#define QR_TENSE_H

#include "qr_keys.h"
#include "qr_token.h"
#include "qr_vocab.h"

#include <stddef.h>
#include <stdint.h>

enum qr_tense { QR_TENSE_NONE, QR_TENSE_FUTURE, QR_TENSE_PAST, QR_TENSE_DEADLINE };

/* The word classes of a model (see lua/quarry/tense.lua for each). */
enum qr_tense_class {
    QR_TC_FUTURE, QR_TC_BREAK, QR_TC_PAST, QR_TC_NOT_PAST, QR_TC_ATTACH, QR_TC_DEADLINE,
    QR_TC_SINCE, QR_TC_ADJECTIVAL, QR_TC_CLOCK, QR_TC_OPENER, QR_TC_SPEECH, QR_TC_CONJ,
    QR_TC_AUX, QR_TC_PERFECT, QR_TC_NEGATION, QR_TC_OF, QR_TC_AHEAD,
    QR_TC_TO, QR_TC_PHRASE_START, QR_TC_COUNT
};

#define QR_TENSE_SUFFIX_MAX 16
/* The most a model holds: a call looks at up to 2 * reach + 1 tokens of a
 * sentence, each against the phrases that start with its word. */
#define QR_TENSE_MAX_REACH 1000
#define QR_TENSE_MAX_PHRASES 1024

typedef struct qr_tense_model {
    qr_idset sets[QR_TC_COUNT];     /* QR_TC_PHRASE_START: first words of the phrases */
    uint32_t *phrase_words;         /* the phrases' word ids, back to back */
    size_t *phrase_off;             /* phrase p is phrase_words[off[p] .. off[p + 1]) */
    size_t nphrases;
    long reach;                     /* how far a clause is looked for each way, in tokens */
    char past_suffix[QR_TENSE_SUFFIX_MAX], future_suffix[QR_TENSE_SUFFIX_MAX];
    char possessive[QR_TENSE_SUFFIX_MAX];   /* the key of a possessive clitic ("'s": no token of its own) */
    size_t past_min;                /* shortest key the past suffix makes a past verb of */
} qr_tense_model;

/* A document as the model reads it: its text, tokens, keys (mode 0) and
 * the keys' ids in the vocabulary the model's ids come from. work counts
 * the tokens looked at (for the caller's step limit). */
typedef struct qr_tense_doc {
    const char *text;
    const qr_tokens *t;
    const qr_keys *keys;
    const uint32_t *ids;
    long long work;
} qr_tense_doc;

void qr_tense_model_init(qr_tense_model *m);
void qr_tense_model_free(qr_tense_model *m);
/* Adds a phrase of n (>= 2) word ids; QR_OK or QR_ENOMEM. */
int qr_tense_add_phrase(qr_tense_model *m, const uint32_t *ids, size_t n);

/* The tense of the clause of the tokens [first, last] (1-based). */
enum qr_tense qr_tense_of(const qr_tense_model *m, qr_tense_doc *d, long first, long last);
/* Whether a past verb stands before tokens [first, last] in their
 * sentence, or after them before a clause's punctuation. */
int qr_tense_told_past(const qr_tense_model *m, qr_tense_doc *d, long first, long last);

#endif
