/*
 * Pure helpers of the quote driver (lua/quarry/rules/news/quotes/): tests
 * on a quote's bytes that the driver and the terms test ask of every
 * quote. Their Lua binding is qr_lqdrive.c.
 */
#ifndef QR_QDRIVE_H
#define QR_QDRIVE_H

#include <stddef.h>

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

#endif
