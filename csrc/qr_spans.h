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

#endif
