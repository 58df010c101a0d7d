/*
 * The one UTF-8 decoder of quarry. Every stage that walks text (tokeniser,
 * normaliser, FTS5 tokenizer, matchers) goes through qr_utf8_decode so that
 * invalid input is treated the same way everywhere.
 *
 * Policy for invalid input (Unicode 15, section 3.9, "U+FFFD substitution of
 * maximal subparts"): each maximal subpart of an ill-formed sequence is one
 * unit, reported as QR_UTF8_BAD with its byte length. Overlong forms,
 * surrogates (ED A0..BF) and code points above U+10FFFF are ill-formed.
 * Callers never stop on bad input: they step over the reported length.
 */
#ifndef QR_UTF8_H
#define QR_UTF8_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define QR_UTF8_BAD 0x110000u   /* outside the code space on purpose */
#define QR_REPLACEMENT 0xFFFDu

static inline int qr_utf8_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

/* Decode the code point at s (n > 0 bytes available); *len gets its size. */
static inline uint32_t qr_utf8_decode(const unsigned char *s, size_t n, size_t *len)
{
    unsigned c = s[0];
    unsigned lo = 0x80, hi = 0xBF;

    if (c < 0x80) { *len = 1; return c; }
    if (c < 0xC2 || c > 0xF4) { *len = 1; return QR_UTF8_BAD; }
    if (c < 0xE0) {
        if (n < 2 || !qr_utf8_cont(s[1])) { *len = 1; return QR_UTF8_BAD; }
        *len = 2;
        return ((uint32_t)(c & 0x1F) << 6) | (s[1] & 0x3Fu);
    }
    if (c < 0xF0) {
        if (c == 0xE0) lo = 0xA0;        /* overlong */
        else if (c == 0xED) hi = 0x9F;   /* surrogates */
        if (n < 2 || s[1] < lo || s[1] > hi) { *len = 1; return QR_UTF8_BAD; }
        if (n < 3 || !qr_utf8_cont(s[2])) { *len = 2; return QR_UTF8_BAD; }
        *len = 3;
        return ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3Fu);
    }
    if (c == 0xF0) lo = 0x90;            /* overlong */
    else if (c == 0xF4) hi = 0x8F;       /* above U+10FFFF */
    if (n < 2 || s[1] < lo || s[1] > hi) { *len = 1; return QR_UTF8_BAD; }
    if (n < 3 || !qr_utf8_cont(s[2])) { *len = 2; return QR_UTF8_BAD; }
    if (n < 4 || !qr_utf8_cont(s[3])) { *len = 3; return QR_UTF8_BAD; }
    *len = 4;
    return ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12)
         | ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3Fu);
}

/* Where s[0..n) stops being valid UTF-8: the offset of the first ill-formed
 * byte, or n when it is all valid. Eight ASCII bytes at a time, since most
 * text checked is mostly ASCII. */
static inline size_t qr_utf8_invalid_at(const unsigned char *s, size_t n)
{
    size_t p = 0, clen;
    while (p < n) {
        if (p + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + p, 8);
            if (!(w & 0x8080808080808080ULL)) { p += 8; continue; }
        }
        if (s[p] < 0x80) { p++; continue; }
        if (qr_utf8_decode(s + p, n - p, &clen) == QR_UTF8_BAD) return p;
        p += clen;
    }
    return n;
}

/* Encode cp (must be <= 0x10FFFF) into out (4 bytes room); returns length. */
static inline size_t qr_utf8_encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) { o[0] = (unsigned char)cp; return 1; }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Decode the code point that ends just before s + pos (pos > 0). */
static inline uint32_t qr_utf8_decode_back(const unsigned char *s, size_t pos, size_t *len)
{
    size_t start = pos - 1, k = 0;
    while (start > 0 && k < 3 && qr_utf8_cont(s[start])) { start--; k++; }
    if (!qr_utf8_cont(s[start]) || start == pos - 1) {
        size_t l;
        uint32_t cp = qr_utf8_decode(s + start, pos - start, &l);
        if (start + l == pos) { *len = l; return cp; }
    }
    *len = 1;
    return QR_UTF8_BAD;
}

#endif
