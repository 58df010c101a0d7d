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
    /* (w -> v here: kh and ph neither make nor take a w or a v) */
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_space(c) || is_punct(c)) continue;
        out[n++] = c == 'y' ? 'i' : c == 'w' ? 'v' : (char)c;
    }
    /* (kh and ph only where an h follows a byte) */
    if (n > 1 && memchr(out + 1, 'h', n - 1) != NULL) {
        n = replace2(out, n, 'k', 'h', 'h');
        n = replace2(out, n, 'p', 'h', 'f');
    }
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

/* Whether the n bytes at w are ASCII punctuation only (n > 0). */
static int punct_only(const char *w, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) if (!is_punct((unsigned char)w[i])) return 0;
    return n > 0;
}

/* Whether the word at w opens a name as a title does: at most five bytes,
 * the last a full stop, not capitals and full stops only. */
static int title_word(const char *w, size_t n)
{
    size_t i;
    if (n == 0 || n > 5 || w[n - 1] != '.') return 0;
    for (i = 0; i < n; i++) if (!((w[i] >= 'A' && w[i] <= 'Z') || w[i] == '.')) return 1;
    return 0;
}

/* The next run of bytes that are not spaces at or after *at: its start
 * into *start, its length returned (0 at the end); *at moves past it. */
static size_t next_run(const char *s, size_t len, size_t *at, size_t *start)
{
    size_t i = *at, j;
    while (i < len && is_space((unsigned char)s[i])) i++;
    j = i;
    while (j < len && !is_space((unsigned char)s[j])) j++;
    *start = i;
    *at = j;
    return j - i;
}

size_t qr_name_words(const char *s, size_t len, char *form, size_t *form_len, size_t *first, size_t *first_len,
                     size_t *last, size_t *last_len)
{
    size_t total = 0, kept = 0, k = 0, at = 0, start, n, o = 0;
    int dropping = 1;
    while ((n = next_run(s, len, &at, &start)) > 0) {
        if (!punct_only(s + start, n)) total++;
    }
    at = 0;
    while ((n = next_run(s, len, &at, &start)) > 0) {
        if (punct_only(s + start, n)) continue;
        k++;
        /* (a title goes while more than one word is left) */
        if (dropping && k < total && title_word(s + start, n)) continue;
        dropping = 0;
        if (kept++ == 0) {
            *first = start;
            *first_len = n;
        } else {
            form[o++] = ' ';
        }
        memcpy(form + o, s + start, n);
        o += n;
        *last = start;
        *last_len = n;
    }
    if (kept > 0) *form_len = o;
    return kept;
}
