/*
 * Whether two tokenisations are the same: tokens, sentences and
 * paragraphs, field for field. Shared by the tokeniser's C tests.
 */
#ifndef SAME_TOKENS_H
#define SAME_TOKENS_H

#include <string.h>
#include "qr_token.h"

static int same_tokens(const qr_tokens *a, const qr_tokens *b)
{
    return a->n == b->n && a->nsent == b->nsent && a->npara == b->npara
        && (!a->n || !memcmp(a->tok, b->tok, a->n * sizeof *a->tok))
        && (!a->nsent || !memcmp(a->sent, b->sent, a->nsent * sizeof *a->sent))
        && (!a->npara || !memcmp(a->para, b->para, a->npara * sizeof *a->para));
}

#endif
