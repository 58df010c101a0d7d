/*
 * Lua patterns (the language of string.find, match, gmatch and gsub) with
 * a budget: the matcher untrusted code gets (qr_llpat.c). Lua's own
 * matcher backtracks without bound inside one C call, where no hook runs:
 * ("a"):rep(1e5):find(".-.-b") never ends. This one counts its work and
 * calls tick() every QR_LPAT_TICK steps of it; tick may stop the match by
 * not returning (a longjmp, lua_error). Malformed patterns go to fail(),
 * which must not return either. Pure C: no Lua here.
 */
#ifndef QR_LPAT_H
#define QR_LPAT_H

#include <stddef.h>

#define QR_LPAT_MAXCAPS 32          /* as LUA_MAXCAPTURES */
#define QR_LPAT_MAXDEPTH 200        /* nested calls of the matcher, as Lua's MAXCCALLS */
#define QR_LPAT_TICK 1024           /* steps of matching between two calls of tick */

#define QR_LPAT_POSITION (-2)       /* cap[i].len of a position capture () */
#define QR_LPAT_UNFINISHED (-1)     /* cap[i].len of a capture still open */

typedef struct qr_lpat {
    const char *src, *src_end;      /* the subject */
    const char *pat_end;            /* the end of the pattern */
    int level;                      /* captures so far */
    int depth;                      /* nested calls left */
    int countdown;                  /* steps left before the next tick */
    struct { const char *init; ptrdiff_t len; } cap[QR_LPAT_MAXCAPS];
    void (*tick)(void *ud, long steps);            /* QR_LPAT_TICK more steps were spent */
    void (*fail)(void *ud, const char *message);   /* a malformed pattern: must not return */
    void *ud;
} qr_lpat;

/* Sets up m for a subject; tick and fail and ud are set by the caller. */
void qr_lpat_init(qr_lpat *m, const char *src, size_t len, const char *pat, size_t plen);

/* Matches pattern p (up to m->pat_end) at s: the end of the match, or NULL.
 * Resets the captures first. */
const char *qr_lpat_match(qr_lpat *m, const char *s, const char *p);

/* Whether pattern p (plen bytes) has none of the characters that make it
 * more than plain text. */
int qr_lpat_plain(const char *p, size_t plen);

/* The first occurrence of needle (nl bytes) in s (sl bytes), or NULL;
 * counts its work as steps (m may be NULL: not counted). */
const char *qr_lpat_memfind(qr_lpat *m, const char *s, size_t sl, const char *needle, size_t nl);

#endif
