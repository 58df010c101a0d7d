/*
 * Per-document primitives of quote attribution (pure C, no Lua): the
 * pairs of quotation marks of a text, and its attribution sentences (the
 * tokeniser's sentences, those begun inside parentheses joined to the one
 * before, the long ones cut into windows). Their Lua binding is
 * qr_lquote.c; the news pack's quotes/ modules read them.
 */
#ifndef QR_QUOTE_H
#define QR_QUOTE_H

#include <stddef.h>
#include <stdint.h>

#include "qr_keys.h"
#include "qr_token.h"

/* A quotation mark of the text: its token (0-based), whether it is a
 * single mark, and whether the tokeniser made it an opening one. */
typedef struct qr_qmark {
    uint32_t tok;
    uint8_t single, open;
} qr_qmark;

/* A pair of marks: the opening mark's token, the closing one's (or -1 for
 * a mark left open to its paragraph's end), the bytes between them, and
 * the marks still open around it (-1 for one left open). */
typedef struct qr_qpair {
    int64_t open, close;
    uint32_t start, stop;
    uint8_t single;
    int32_t depth;
} qr_qpair;

/* The quotation marks of the text: tokens whose key is '"' or '\'' and
 * whose kind is an opening or closing quote, in order. Writes the first
 * cap of them to out (room for cap; t->n is room for all) and returns how
 * many there are (more than cap: call again with room for them); single
 * is the caller's to fill (single: the mark is not a double one). */
size_t qr_quote_marks(const qr_tokens *t, const qr_keys *keys, qr_qmark *out, size_t cap);

/* A mark open while pairing: its token, the byte after it, whether it is
 * single, and the open mark of its kind below it in the stack (-1: none). */
typedef struct qr_qopen {
    uint32_t tok, stop;
    int32_t below;
    uint8_t single;
} qr_qopen;

/* Pairs the marks (qr_quote_marks, single filled in) within paragraphs:
 * an opening mark written to close (right after a word or punctuation,
 * before a space, punctuation or the end, while a double mark is open)
 * closes; a closing mark closes the innermost open mark of its kind and
 * those opened after it; the outermost double mark left open at a
 * paragraph's end runs to it. Writes the pairs to out (room for n) in
 * the order they are found and returns how many; stack: room for n. */
size_t qr_quote_pair(const qr_tokens *t, const char *text, size_t len, const qr_qmark *marks, size_t n,
                     qr_qopen *stack, qr_qpair *out);

/* Keeps the outermost of n pairs (qr_quote_pair), in place, sorted by
 * start (no two pairs start at one byte): a pair that starts and stops
 * within the last one kept is a quote inside a quote, left out. Returns
 * how many are kept. */
size_t qr_quote_outermost(qr_qpair *pairs, size_t n);

/* A long attribution sentence: a sentence with those joined to it of more
 * than window tokens (s its number, first its first token, 1-based), the
 * windows the long sentences before it add, and with it. */
typedef struct qr_qlong {
    uint32_t s, first, before, after;
} qr_qlong;

/* The attribution sentences: for each sentence s (0-based), joined[s] =
 * its first token (1-based) when it goes on the one before (it begins
 * inside parentheses, or in lower case right after them), else 0, and
 * root[s] the first sentence (1-based) of those it goes on, else 0; long
 * as above, returning how many (room for t->nsent). */
size_t qr_quote_sentences(const qr_tokens *t, const qr_keys *keys, uint32_t window,
                          uint32_t *joined, uint32_t *root, qr_qlong *out);

/* The attribution sentence of each token (0-based i) into sents[i]: its
 * sentence's root (or the sentence, 1-based), and for a token of a long
 * one (long, nlong from qr_quote_sentences) its window's number: windows
 * of long sentences before it, and of its own, numbered after it (the
 * numbers never decrease from a token to the next). Without
 * sentences, writes nothing and returns 0; else 1. */
int qr_quote_sentence_of(const qr_tokens *t, const uint32_t *root, const qr_qlong *longs, size_t nlong,
                         uint32_t window, uint32_t *sents);

#endif
