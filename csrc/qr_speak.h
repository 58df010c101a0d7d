/*
 * Scans over a document's tokens for speaker attribution (pure C, no
 * Lua): whether a token stands inside quotation marks as a walk from a
 * given token sees them, the stretches of tokens inside marks a paragraph
 * at a time; a phrase that opens on a token; the cues of speech; whether
 * a person can be the subject a pronoun stands for. A mark is a token of
 * kind QR_OPEN_QUOTE or QR_CLOSE_QUOTE (the tokeniser keys every one '"'
 * or '\''). Token numbers are 0-based; ranges are clamped to the text's
 * tokens. Their Lua binding is qr_lspeak.c (quarry.marks, quarry.phrases).
 */
#ifndef QR_SPEAK_H
#define QR_SPEAK_H

#include <stddef.h>
#include <stdint.h>

#include "qr_token.h"
#include "qr_vocab.h"

/* The marks left open after a walk over tokens from .. to (inclusive; none
 * when from > to): an opening mark opens one, a closing mark closes one
 * when one is open. */
size_t qr_speak_depth(const qr_tokens *t, long long from, long long to);

/* The first mark after token i up to token top (a walk back from top to i
 * meets it last): 1 when it is a closing one, 0 when it is an opening one
 * or there is none. */
int qr_speak_inside_back(const qr_tokens *t, long long top, long long i);

/* The last mark before token i, from token floor on: 1 when it is an
 * opening one, 0 when it is a closing one or there is none. */
int qr_speak_inside_from(const qr_tokens *t, long long floor, long long i);

/* The first opening mark in tokens from .. to, or -1. */
long long qr_speak_next_open(const qr_tokens *t, long long from, long long to);

/* The stretches of tokens inside quotation marks, a paragraph at a time:
 * a paragraph starts with no mark open; after each mark the marks open are
 * counted as qr_speak_depth counts them, and the tokens between a mark and
 * the next one of its paragraph (or the paragraph's last token) are a
 * stretch when a mark is open. Writes the first and last token of each
 * stretch to from[k], to[k] (room for as many as the text has marks,
 * plus one) and returns how many. Without paragraphs the text is one. */
size_t qr_speak_stretches(const qr_tokens *t, uint32_t *from, uint32_t *to);

/* The word lists of a phrase scan (qr_speak_phrase), as sets of the ids
 * of token keys (qr_vocab.h). */
typedef struct qr_phrase_sets {
    qr_idset stops;     /* a word the phrase cannot hold */
    qr_idset heads;     /* a word that can end it */
    qr_idset breaks;    /* a word that ends the scan with no phrase, after the tests above */
    qr_idset joins;     /* a token of another kind than a word, number or dash the phrase can hold */
} qr_phrase_sets;

/* The phrase that starts on token i (a determiner, say): over tokens i + 1
 * .. i + reach, a token that is no word, number or dash (nor one of
 * joins), or one of stops, ends the scan with no phrase; the first of
 * heads is the phrase's head, and the phrase runs on over the heads right
 * after it; one of breaks ends the scan with no phrase. ids: the key ids
 * of the tokens. Returns the phrase's last token, or -1. */
long long qr_speak_phrase(const qr_tokens *t, const uint32_t *ids, const qr_phrase_sets *s, size_t reach,
                          long long i);

/* The word lists of the test for cues of speech (qr_speak_is_cue), as sets
 * of the ids of token keys (qr_vocab.h). */
typedef struct qr_cue_sets {
    qr_idset verbs;         /* a speech verb of one word */
    qr_idset verbs_ed;      /* those of them whose key ends in "ed" */
    qr_idset heads;         /* the first word of a speech verb of several words */
    qr_idset noun_leads;    /* a word that makes the word after it a noun ("his", "the") */
    qr_idset scan;          /* the words a scan tests (qr_speak_cue_back, qr_speak_cue_next) */
    uint64_t *pairs;        /* the speech verbs of two words: first id << 32 | second id, sorted */
    size_t npairs;
} qr_cue_sets;

/* What the cue test reads of a document besides its tokens: the key ids of
 * its tokens, whether token i is a word of a name (in_name), and the key
 * of token i (key: its bytes, length in *len), asked only for the rare
 * word that an adjective may be ("his early-morning tweets"). */
typedef struct qr_cue_doc {
    const qr_tokens *t;
    const uint32_t *ids;
    int (*in_name)(void *ctx, long long i);
    const char *(*key)(void *ctx, long long i, size_t *len);
    void *ctx;
} qr_cue_doc;

/* Whether token i is a cue of speech: a speech verb that is no word of a
 * name and no noun (after one of noun_leads, over a quote that one of
 * them opens, or over an adjective with a hyphen in lower case, unless
 * the verb ends in "ed"), or the first word of a speech verb of two words
 * that is no word of a name. 0 outside the text. */
int qr_speak_is_cue(const qr_cue_doc *d, const qr_cue_sets *s, long long i);

/* The last cue of speech in tokens lo .. hi (walking back from hi; only
 * the tokens whose key is one of scan are tested) that
 * stands outside quotation marks as a walk back from token top sees them
 * (qr_speak_inside_back), or -1. */
long long qr_speak_cue_back(const qr_cue_doc *d, const qr_cue_sets *s, long long hi, long long lo, long long top);

/* The first cue of speech in tokens from .. to (only the tokens whose key
 * is one of scan are tested), or -1. */
long long qr_speak_cue_next(const qr_cue_doc *d, const qr_cue_sets *s, long long from, long long to);

/* The word lists of the test whether a person can be the subject a pronoun
 * stands for (qr_speak_subject_ok), as sets of the ids of token keys, and
 * of the genders of the possessive pronouns before one
 * (qr_speak_possessives). */
typedef struct qr_subject_sets {
    qr_idset skip;          /* the words a cue skips ("also"), all of them listed */
    qr_idset passive;       /* the passive auxiliaries */
    qr_idset ends;          /* the keys a paragraph that is no page furniture may end on (".", "!", "?") */
    qr_idset his, her;      /* the possessive pronouns of a male, a female person */
    size_t furniture;       /* the most words of a line of page furniture */
    size_t window;          /* the most tokens into its paragraph a person is tested for marks
                             * (qr_speak_subject_ok walks at most window + 1 tokens) */
} qr_subject_sets;

/* Whether the person whose first token is f can be the subject a pronoun
 * stands for, walking at most s->window + 1 tokens: 1 yes, 0 no. Its
 * paragraph is no line of page furniture (at most s->furniture words, and
 * its last token's key none of s->ends; -1 when the first s->window + 1
 * tokens of a longer paragraph do not tell), f is not inside quotation
 * marks (the marks counted from its paragraph's first token, the text's
 * first for the first paragraph or a text without paragraphs; 2 when f is
 * more than s->window tokens into it: the caller tells, from
 * qr_speak_stretches, and then asks qr_speak_subject_word_ok); and
 * qr_speak_subject_word_ok. */
int qr_speak_subject_ok(const qr_cue_doc *d, const qr_cue_sets *cues, const qr_subject_sets *s, long long f,
                        int single);

/* The last test of qr_speak_subject_ok: for single (a one-token name the
 * coreference rule found), the word after f is not one a surname used as
 * an adjective comes before ("Black communities": a word in lower case
 * that is no cue of speech, no word a cue skips, no passive auxiliary,
 * and does not end in "ed"): 1 when it is not (or not single), else 0. */
int qr_speak_subject_word_ok(const qr_cue_doc *d, const qr_cue_sets *cues, const qr_subject_sets *s, long long f,
                             int single);

/* The tokens qr_speak_subject_ok(d, cues, s, f, single) may walk, at most
 * (f's paragraph, from the text's first token for the first; the text
 * without paragraphs), for a caller's step budget. */
size_t qr_speak_subject_work(const qr_tokens *t, long long f);

/* The genders of the possessive pronouns in tokens from .. to: bit 1 when
 * one of s->his is there, bit 2 when one of s->her is. */
unsigned qr_speak_possessives(const qr_cue_doc *d, const qr_subject_sets *s, long long from, long long to);

/* The number of marks of the text. */
size_t qr_speak_marks(const qr_tokens *t);

#endif
