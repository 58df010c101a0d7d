/*
 * Sorting lists of spans (pure C, no Lua) for the document phases, in the
 * order Lua's table.sort gives them: the same quicksort as Lua 5.4's
 * ltablib.c (median of three, the same partition, the same swaps), so that
 * spans the comparison cannot tell apart (ties) end in the same order as
 * table.sort(list, comparator) leaves them. Only the comparisons are
 * cheaper: of keys read once, in C, where table.sort calls a Lua function
 * for each.
 */
#ifndef QR_SPANS_H
#define QR_SPANS_H

#include <stddef.h>
#include <stdint.h>

/* The keys of one span: its bytes [start, stop) and a rank (a number). */
typedef struct qr_spankey {
    int64_t start, stop;
    double rank;
} qr_spankey;

typedef enum qr_spanorder {
    QR_BY_START,   /* x.start < y.start */
    QR_BY_RANK     /* rank higher first, then the longer span, then the earlier start */
} qr_spanorder;

/* Sorts perm[1..n] (numbers of spans in keys[1..n]; perm[0] unused) as
 * table.sort sorts a list of n elements whose comparator compares their
 * keys in the given order: perm[i] is then the span at place i. */
void qr_sort_spans(size_t *perm, size_t n, const qr_spankey *keys, qr_spanorder order);

/* A set of byte spans with an overlap test (lua/quarry/spanset.lua), for
 * choosing among overlapping candidates: spans are listed in each bucket
 * of QR_SPANSET_BUCKET bytes they touch, so a test or an addition costs
 * about the span's length over the bucket size, whatever the number of
 * spans in the set. Spans are [start, stop); two overlap when each starts
 * before the other stops (an empty span [p, p) overlaps a span that holds p
 * strictly inside). Spans outside [0, QR_SPANSET_MAX] or inverted (stop <
 * start) are kept in one list that every test reads. Memory comes from
 * alloc (lua_Alloc's signature: ptr NULL to allocate, nsize 0 to free). */
#define QR_SPANSET_BUCKET 256
#define QR_SPANSET_MAX ((int64_t)1 << 26)

typedef void *(*qr_allocf)(void *ud, void *ptr, size_t osize, size_t nsize);

typedef struct qr_spanlist {
    int64_t *pairs;     /* start, stop, start, stop, ... */
    size_t n, cap;      /* in spans */
} qr_spanlist;

typedef struct qr_spanset {
    qr_allocf alloc;
    void *ud;
    qr_spanlist *bucket;   /* bucket k: the spans that touch [k * BUCKET, (k + 1) * BUCKET) */
    size_t nbucket;
    qr_spanlist other;     /* spans outside [0, QR_SPANSET_MAX] or inverted */
} qr_spanset;

void qr_spanset_init(qr_spanset *set, qr_allocf alloc, void *ud);
void qr_spanset_free(qr_spanset *set);
/* Whether a span of the set overlaps [start, stop). *work (when not NULL)
 * grows by the spans compared and buckets read. */
int qr_spanset_overlaps(const qr_spanset *set, int64_t start, int64_t stop, size_t *work);
/* Adds [start, stop): 0, or -1 when out of memory (the set unchanged). */
int qr_spanset_add(qr_spanset *set, int64_t start, int64_t stop);

#endif
