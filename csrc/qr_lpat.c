/*
 * Lua patterns with a budget (qr_lpat.h): the semantics of Lua 5.4's
 * string library (character classes in the C locale, sets, the
 * quantifiers * + - ?, anchors, captures and position captures, %b, %f
 * and back references), every step of the matcher counted.
 *
 * Patterns and subjects are Lua strings: a NUL byte follows the last one
 * (the matcher reads it at the end, as Lua's does).
 */
#define _GNU_SOURCE   /* memmem */

#include "qr_lpat.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define ESC '%'
#define SPECIALS "^$*+?.([%-"

static const char *match(qr_lpat *m, const char *s, const char *p);

/* n more steps of work; every QR_LPAT_TICK or so, tick() hears of them. */
static void spend(qr_lpat *m, long n)
{
    long spent;
    if (n < m->countdown) {
        m->countdown -= (int)n;
        return;
    }
    spent = QR_LPAT_TICK - m->countdown + n;
    m->countdown = QR_LPAT_TICK;
    if (m->tick) m->tick(m->ud, spent);
}

void qr_lpat_init(qr_lpat *m, const char *src, size_t len, const char *pat, size_t plen)
{
    m->src = src;
    m->src_end = src + len;
    m->pat_end = pat + plen;
    m->level = 0;
    m->depth = QR_LPAT_MAXDEPTH;
    m->countdown = QR_LPAT_TICK;
}

/* The end of the single-character class at p ("x", "%a", "[...]"). */
static const char *class_end(qr_lpat *m, const char *p)
{
    char c = *p++;
    if (c == ESC) {
        if (p == m->pat_end) m->fail(m->ud, "malformed pattern (ends with '%')");
        return p + 1;
    }
    if (c == '[') {
        if (*p == '^') p++;
        do {   /* the first character is never the closing ']' */
            if (p == m->pat_end) m->fail(m->ud, "malformed pattern (missing ']')");
            if (*(p++) == ESC && p < m->pat_end) p++;
        } while (*p != ']');
        return p + 1;
    }
    return p;
}

/* Whether c is in class %cl (an upper-case letter: its complement). */
static int in_class(int c, int cl)
{
    int yes;
    switch (tolower(cl)) {
    case 'a': yes = isalpha(c); break;
    case 'c': yes = iscntrl(c); break;
    case 'd': yes = isdigit(c); break;
    case 'g': yes = isgraph(c); break;
    case 'l': yes = islower(c); break;
    case 'p': yes = ispunct(c); break;
    case 's': yes = isspace(c); break;
    case 'u': yes = isupper(c); break;
    case 'w': yes = isalnum(c); break;
    case 'x': yes = isxdigit(c); break;
    case 'z': yes = c == 0; break;   /* Lua keeps it, deprecated */
    default: return cl == c;
    }
    if (isupper(cl)) yes = !yes;
    return yes;
}

/* Whether c is in the set from p ('[') to last (its ']'). */
static int in_set(int c, const char *p, const char *last)
{
    int found = 1;
    if (*(p + 1) == '^') {
        found = 0;
        p++;
    }
    while (++p < last) {
        if (*p == ESC) {
            p++;
            if (in_class(c, (unsigned char)*p)) return found;
        } else if (*(p + 1) == '-' && p + 2 < last) {
            p += 2;
            if ((unsigned char)*(p - 2) <= c && c <= (unsigned char)*p) return found;
        } else if ((unsigned char)*p == c) {
            return found;
        }
    }
    return !found;
}

/* Whether the character at s matches the class from p to ep. */
static int one(qr_lpat *m, const char *s, const char *p, const char *ep)
{
    int c;
    if (s >= m->src_end) return 0;
    c = (unsigned char)*s;
    switch (*p) {
    case '.': return 1;
    case ESC: return in_class(c, (unsigned char)*(p + 1));
    case '[': return in_set(c, p, ep - 1);
    default: return (unsigned char)*p == c;
    }
}

/* %bxy at s (p: the x). */
static const char *balance(qr_lpat *m, const char *s, const char *p)
{
    int open, close, depth = 1;
    const char *from = s;
    if (p >= m->pat_end - 1) m->fail(m->ud, "malformed pattern (missing arguments to '%b')");
    if (*s != *p) return NULL;
    open = *p;
    close = *(p + 1);
    while (++s < m->src_end) {
        if (*s == close) {
            if (--depth == 0) {
                spend(m, s - from);
                return s + 1;
            }
        } else if (*s == open) {
            depth++;
        }
    }
    spend(m, s - from);
    return NULL;
}

/* As many of the class p..ep as there are at s, then the rest (ep + 1),
 * giving back one at a time. */
static const char *longest(qr_lpat *m, const char *s, const char *p, const char *ep)
{
    ptrdiff_t i = 0;
    while (one(m, s + i, p, ep)) i++;
    spend(m, i);
    for (; i >= 0; i--) {
        const char *res = match(m, s + i, ep + 1);
        if (res) return res;
    }
    return NULL;
}

/* As few of the class p..ep as let the rest (ep + 1) match. */
static const char *shortest(qr_lpat *m, const char *s, const char *p, const char *ep)
{
    for (;;) {
        const char *res = match(m, s, ep + 1);
        if (res) return res;
        if (!one(m, s, p, ep)) return NULL;
        s++;
    }
}

static const char *open_capture(qr_lpat *m, const char *s, const char *p, ptrdiff_t what)
{
    const char *res;
    if (m->level >= QR_LPAT_MAXCAPS) m->fail(m->ud, "too many captures");
    m->cap[m->level].init = s;
    m->cap[m->level].len = what;
    m->level++;
    res = match(m, s, p);
    if (!res) m->level--;
    return res;
}

static const char *close_capture(qr_lpat *m, const char *s, const char *p)
{
    const char *res;
    int l;
    for (l = m->level - 1; l >= 0; l--)
        if (m->cap[l].len == QR_LPAT_UNFINISHED) break;
    if (l < 0) m->fail(m->ud, "invalid pattern capture");
    m->cap[l].len = s - m->cap[l].init;
    res = match(m, s, p);
    if (!res) m->cap[l].len = QR_LPAT_UNFINISHED;
    return res;
}

/* %1 to %9: the text capture d ('1'...'9') took, again at s. */
static const char *again(qr_lpat *m, const char *s, int d)
{
    int l = d - '1';
    ptrdiff_t len;
    if (l < 0 || l >= m->level || m->cap[l].len == QR_LPAT_UNFINISHED) {
        char msg[64];
        snprintf(msg, sizeof msg, "invalid capture index %%%d", l + 1);
        m->fail(m->ud, msg);
    }
    len = m->cap[l].len;
    if (len < 0 || m->src_end - s < len || memcmp(m->cap[l].init, s, (size_t)len) != 0) return NULL;
    spend(m, len);
    return s + len;
}

static const char *match(qr_lpat *m, const char *s, const char *p)
{
    if (m->depth-- == 0) m->fail(m->ud, "pattern too complex");
next:
    spend(m, 1);
    if (p == m->pat_end) goto done;
    switch (*p) {
    case '(':
        s = *(p + 1) == ')' ? open_capture(m, s, p + 2, QR_LPAT_POSITION)
                            : open_capture(m, s, p + 1, QR_LPAT_UNFINISHED);
        goto done;
    case ')':
        s = close_capture(m, s, p + 1);
        goto done;
    case '$':
        if (p + 1 != m->pat_end) break;   /* a '$' inside: a plain character */
        if (s != m->src_end) s = NULL;
        goto done;
    case ESC:
        switch (*(p + 1)) {
        case 'b':
            s = balance(m, s, p + 2);
            if (s) {
                p += 4;
                goto next;
            }
            goto done;
        case 'f': {
            const char *ep;
            int before;
            p += 2;
            if (*p != '[') m->fail(m->ud, "missing '[' after '%f' in pattern");
            ep = class_end(m, p);
            before = s == m->src ? 0 : (unsigned char)*(s - 1);
            if (!in_set(before, p, ep - 1) && in_set((unsigned char)*s, p, ep - 1)) {
                p = ep;
                goto next;
            }
            s = NULL;
            goto done;
        }
        case '0': case '1': case '2': case '3': case '4':
        case '5': case '6': case '7': case '8': case '9':
            s = again(m, s, (unsigned char)*(p + 1));
            if (s) {
                p += 2;
                goto next;
            }
            goto done;
        default:
            break;
        }
        break;
    default:
        break;
    }
    {   /* a single-character class, and what follows it */
        const char *ep = class_end(m, p);
        if (!one(m, s, p, ep)) {
            if (*ep == '*' || *ep == '?' || *ep == '-') {   /* none is allowed */
                p = ep + 1;
                goto next;
            }
            s = NULL;
            goto done;
        }
        switch (*ep) {
        case '?': {
            const char *res = match(m, s + 1, ep + 1);
            if (res) {
                s = res;
                goto done;
            }
            p = ep + 1;
            goto next;
        }
        case '+': s = longest(m, s + 1, p, ep); goto done;
        case '*': s = longest(m, s, p, ep); goto done;
        case '-': s = shortest(m, s, p, ep); goto done;
        default:
            s++;
            p = ep;
            goto next;
        }
    }
done:
    m->depth++;
    return s;
}

const char *qr_lpat_match(qr_lpat *m, const char *s, const char *p)
{
    m->level = 0;
    m->depth = QR_LPAT_MAXDEPTH;
    return match(m, s, p);
}

int qr_lpat_plain(const char *p, size_t plen)
{
    size_t upto = 0;
    do {   /* strpbrk stops at a NUL: each stretch between NULs */
        if (strpbrk(p + upto, SPECIALS)) return 0;
        upto += strlen(p + upto) + 1;
    } while (upto <= plen);
    return 1;
}

const char *qr_lpat_memfind(qr_lpat *m, const char *s, size_t sl, const char *needle, size_t nl)
{
    const char *hit;
    if (nl == 0) return s;
    if (nl > sl) return NULL;
    hit = memmem(s, sl, needle, nl);   /* glibc's is linear */
    if (m) spend(m, (long)((hit ? (size_t)(hit - s) : sl) / 64));
    return hit;
}
