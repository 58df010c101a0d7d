/*
 * qr_unicode.h -- Unicode character data for the quarry tokeniser.
 *
 * The tables behind these functions are generated from the Unicode Character
 * Database by tools/gen_unicode.lua (see csrc/qr_unidata.h).
 */
#ifndef QR_UNICODE_H
#define QR_UNICODE_H

#include <stddef.h>
#include <stdint.h>

/* Tokeniser-oriented character classes. The numeric values are part of the
 * generated tables, so only append new classes (and regenerate). */
enum qr_uni_class {
    QR_U_OTHER,     /* Cc that are not whitespace, Cs, Co, Cn (unassigned) */
    QR_U_SPACE,     /* Zs, Zl, Zp, U+0009..U+000D, U+0085 */
    QR_U_LOWER,     /* Ll */
    QR_U_UPPER,     /* Lu */
    QR_U_TITLE,     /* Lt */
    QR_U_LETTER,    /* Lm, Lo */
    QR_U_MARK,      /* Mn, Mc, Me */
    QR_U_DIGIT,     /* Nd */
    QR_U_NUMBER,    /* Nl, No */
    QR_U_OPEN,      /* Ps */
    QR_U_CLOSE,     /* Pe */
    QR_U_INITIAL,   /* Pi */
    QR_U_FINAL,     /* Pf */
    QR_U_DASH,      /* Pd */
    QR_U_PUNCT,     /* Pc, Po */
    QR_U_SYMBOL,    /* Sm, Sk, So */
    QR_U_CURRENCY,  /* Sc */
    QR_U_FORMAT     /* Cf */
};

/* Class of a code point (an enum qr_uni_class value); cp > 0x10FFFF gives
 * QR_U_OTHER. O(1). */
unsigned qr_uni_class(uint32_t cp);

/* Full case folding (CaseFolding.txt statuses C and F). Writes 1..3 code
 * points to out and returns how many; a code point without a folding yields
 * 1 with out[0] == cp. */
size_t qr_uni_fold(uint32_t cp, uint32_t out[3]);

/* Diacritic stripping of an ALREADY FOLDED code point. Returns 0 when the code
 * point is to be dropped (combining mark), else 1 with the base code point in
 * out[0] (cp itself when there is nothing to strip). */
size_t qr_uni_strip(uint32_t cp, uint32_t out[1]);

#endif /* QR_UNICODE_H */
