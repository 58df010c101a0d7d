/*
 * Pure helpers of the quote driver (see qr_qdrive.h). The same, byte for
 * byte, as the Lua patterns they replace in quotes/terms.lua, so that the
 * news pack's output does not change.
 */
#include "qr_qdrive.h"

#include <string.h>

/* isspace and ispunct in the C locale, on bytes (Lua's %s and %p there):
 * bytes past ASCII are neither. */
static int is_space(unsigned char c) { return c == ' ' || (c >= 9 && c <= 13); }
static int is_punct(unsigned char c)
{
    return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
}

int qr_qwords_has(const qr_qwords *list, const char *w, size_t n)
{
    while (*list) {
        size_t len = *list;
        if (len == n && memcmp(list + 1, w, n) == 0) return 1;
        list += len + 1;
    }
    return 0;
}

int qr_title_like(const char *s, size_t len, const qr_qwords *small, size_t *looked)
{
    size_t i = 0, n = 0;
    *looked = 0;
    while (i < len) {
        size_t a, b;
        unsigned char c;
        while (i < len && is_space((unsigned char)s[i])) i++;
        a = i;
        while (i < len && !is_space((unsigned char)s[i])) i++;
        b = i;
        while (a < b && is_punct((unsigned char)s[a])) a++;
        while (b > a && is_punct((unsigned char)s[b - 1])) b--;
        if (a == b) continue;
        ++*looked;
        if (qr_qwords_has(small, s + a, b - a)) continue;
        c = (unsigned char)s[a];
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return 0;
        if (++n > 7) return 0;      /* (no word after can bring it back to seven) */
    }
    return n >= 1;
}

int qr_quote_words(const char *text, size_t len, size_t start, size_t stop, int closed, qr_qwordspan *out)
{
    unsigned char last;
    if (stop > len) stop = len;
    while (start < stop && is_space((unsigned char)text[start])) start++;
    while (stop > start && is_space((unsigned char)text[stop - 1])) stop--;
    if (stop <= start) return 0;
    last = (unsigned char)text[stop - 1];
    out->start = start;
    out->stop = stop;
    out->closed_sentence = closed && (last == '.'
        || (last == 0xA6 && stop >= 3 && memcmp(text + stop - 3, "\xE2\x80\xA6", 3) == 0));   /* "…" */
    out->soft_end = closed && (last == ',' || last == '!' || last == '?');
    return 1;
}
