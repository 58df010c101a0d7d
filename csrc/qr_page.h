/*
 * A page's paragraphs described for its structure (the news pack's
 * structure phase): each paragraph's words, its role by a clutter list of
 * Lua patterns (reader comments, related links, a comment's signature,
 * boilerplate), whether it is prose or a short line, and the blocks of
 * clutter those roles open. Pure C: no Lua here (qr_lpage.c binds it).
 *
 * A clutter list is tried on a paragraph trimmed of white space at either
 * end and lowered (A-Z to a-z, the curly apostrophe U+2019 to "'"), entry
 * by entry in its order: the first that matches gives the role. An entry
 * of boilerplate is tried only on a paragraph of at most
 * QR_PAGE_BOILERPLATE_WORDS words, and a plain one (a string, not a
 * pattern) is found anywhere in it.
 */
#ifndef QR_PAGE_H
#define QR_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include "qr_lpat.h"

/* The roles of clutter entries (0: none). */
enum { QR_PAGE_COMMENTS = 1, QR_PAGE_RELATED, QR_PAGE_SIGNATURE, QR_PAGE_BOILERPLATE };

/* The kinds of paragraphs: the clutter kinds, then the article's own
 * (0: none yet, taken for body when segments are made). */
enum {
    QR_KIND_NONE = 0, QR_KIND_COMMENTS, QR_KIND_RELATED, QR_KIND_BOILERPLATE,
    QR_KIND_BYLINE, QR_KIND_HEADLINE, QR_KIND_DATELINE, QR_KIND_BODY, QR_KIND_END
};

/* The most words of a paragraph of boilerplate; words are counted to one more. */
#define QR_PAGE_BOILERPLATE_WORDS 40

/* The size of the hash of byte pairs that finds plain strings. */
#define QR_PAGE_PAIRS 16384

typedef struct qr_page_entry {
    const char *pat;            /* the pattern (or plain string), NUL after it */
    size_t plen;
    const char *opening;        /* NULL, or an anchored opening of the pattern that lowering the
                                 * paragraph cannot change the match of: tried on it as it is first */
    size_t olen;
    uint8_t role, strong, plain;
    uint8_t any_first;          /* 1: any first byte (no test of first[]) */
    uint8_t any_second;         /* 1: any second byte, or none (no test of second[]) */
    int last;                   /* the byte the lowered paragraph ends with, -1: any */
    uint8_t first[32];          /* bit sets of lowered bytes */
    uint8_t second[32];
    int next_plain;             /* the next plain entry of the same final pair, -1: none */
} qr_page_entry;

typedef struct qr_page_clutter {
    qr_page_entry *entry;
    size_t n;
    uint16_t *list;             /* entry numbers, by first byte: */
    uint32_t at[257];           /* list[at[b] .. at[b + 1]) may match a paragraph whose lowered first byte is b */
    /* plain strings, found all at once (a Wu-Manber search on byte pairs):
     * min_plain the length of the shortest (0: none, or one too short for
     * the search: each is then looked for alone) */
    size_t min_plain;
    uint8_t shift[QR_PAGE_PAIRS];
    int16_t pair_head[QR_PAGE_PAIRS];   /* the first plain entry whose min_plain bytes end with the pair */
} qr_page_clutter;

/* The bytes qr_page_clutter_index needs in list for n entries. */
#define QR_PAGE_LIST_SIZE(n) ((size_t)(n) * 256 + 1)

/* Fills c's list, at, and the plain search from its n entries (pat,
 * plen, role, strong, plain, any_first, first, any_second, second and
 * last set); c->list has room for QR_PAGE_LIST_SIZE(n) numbers. */
void qr_page_clutter_index(qr_page_clutter *c);

typedef struct qr_page_para {
    uint32_t start, stop;       /* the paragraph's bytes in the text */
    uint32_t tstart, tstop;     /* the same without white space at either end */
    uint8_t words;              /* counted up to QR_PAGE_BOILERPLATE_WORDS + 1 */
    uint8_t role, strong;       /* by the clutter list */
    uint8_t prose;              /* not clutter, ends as a sentence ends, 8 words or more */
    uint8_t is_short;           /* not clutter nor prose, 15 words at most */
    uint8_t kind;               /* QR_KIND_* */
} qr_page_para;

/* The role of paragraph p (len bytes, trimmed) of `words` words by the
 * clutter list, and *strong; 0 for none. low has room for len + 1 bytes
 * (the paragraph lowered); m is a matcher whose tick, fail and ud are set. */
int qr_page_role(const qr_page_clutter *c, const char *p, size_t len, size_t words, char *low, qr_lpat *m,
                 int *strong);

/* Describes the n paragraphs of text (start and stop set): trims them,
 * counts their words, finds their roles, prose and short lines, and the
 * clutter kind of each (QR_KIND_NONE for the article's own). low has room
 * for the longest paragraph and one byte. */
void qr_page_describe(const qr_page_clutter *c, const char *text, qr_page_para *para, size_t n, char *low,
                      qr_lpat *m);

#endif
