/*
 * Per-document helpers of the document phases: see qr_doc.h.
 */
#include "qr_doc.h"

#include <string.h>

static int is_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
static int is_punct(unsigned char c)
{
    return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
}
static int is_alpha(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* Replaces each two-byte sequence a b by c, left to right, in place. */
static size_t replace2(char *s, size_t n, char a, char b, char c)
{
    size_t i = 0, o = 0;
    while (i < n) {
        if (i + 1 < n && s[i] == a && s[i + 1] == b) {
            s[o++] = c;
            i += 2;
        } else {
            s[o++] = s[i++];
        }
    }
    return o;
}

size_t qr_name_variant(const char *s, size_t len, char *out)
{
    size_t n = 0, i, o;
    /* [\xE2\x80\x99']s$: one of those bytes, then s, at the end */
    if (len >= 2 && s[len - 1] == 's') {
        unsigned char c = (unsigned char)s[len - 2];
        if (c == 0xE2 || c == 0x80 || c == 0x99 || c == '\'') len -= 2;
    }
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_space(c) || is_punct(c)) continue;
        out[n++] = c == 'y' ? 'i' : (char)c;
    }
    n = replace2(out, n, 'k', 'h', 'h');
    n = replace2(out, n, 'p', 'h', 'f');
    for (i = 0; i < n; i++) if (out[i] == 'w') out[i] = 'v';
    /* (%a)%1 -> %1, left to right */
    i = 0, o = 0;
    while (i < n) {
        if (i + 1 < n && is_alpha((unsigned char)out[i]) && out[i + 1] == out[i]) {
            out[o++] = out[i];
            i += 2;
        } else {
            out[o++] = out[i++];
        }
    }
    return o;
}
