/*
 * Sorting lists of spans in table.sort's order: see qr_spans.h. The
 * quicksort follows Lua 5.4's auxsort and partition (ltablib.c) step by
 * step, on an array of span numbers: a[i] stands for the element at place
 * i of the Lua list.
 */
#include "qr_spans.h"

#include <string.h>
#include <time.h>

#define RANLIMIT 100u   /* as ltablib.c: a larger interval may take a random pivot */

typedef struct sorter {
    size_t *a;
    const qr_spankey *keys;
    qr_spanorder order;
} sorter;

/* The comparator: the span numbered x comes before the one numbered y. */
static int less(const sorter *s, size_t x, size_t y)
{
    const qr_spankey *kx = &s->keys[x], *ky = &s->keys[y];
    int64_t lx, ly;
    if (s->order == QR_BY_START) return kx->start < ky->start;
    if (kx->rank != ky->rank) return kx->rank > ky->rank;
    lx = kx->stop - kx->start;
    ly = ky->stop - ky->start;
    if (lx != ly) return lx > ly;
    return kx->start < ky->start;
}

static void swap(size_t *a, size_t i, size_t j)
{
    size_t t = a[i];
    a[i] = a[j];
    a[j] = t;
}

/* ltablib.c's l_randomizePivot: the clock and the time, summed. */
static unsigned int randomize_pivot(void)
{
    clock_t c = clock();
    time_t t = time(NULL);
    unsigned int buff[(sizeof c + sizeof t) / sizeof(unsigned int)];
    unsigned int rnd = 0;
    size_t i;
    memcpy(buff, &c, (sizeof c / sizeof(unsigned int)) * sizeof(unsigned int));
    memcpy(buff + sizeof c / sizeof(unsigned int), &t, (sizeof t / sizeof(unsigned int)) * sizeof(unsigned int));
    for (i = 0; i < sizeof buff / sizeof buff[0]; i++) rnd += buff[i];
    return rnd;
}

/* a[lo .. i-1] <= P == a[i] <= a[i+1 .. up], P the pivot at a[up - 1]. */
static unsigned int partition(sorter *s, unsigned int lo, unsigned int up)
{
    size_t *a = s->a;
    size_t pivot = a[up - 1];
    unsigned int i = lo, j = up - 1;
    for (;;) {
        while (++i, less(s, a[i], pivot)) {
            if (i == up - 1) return i;   /* an invalid order (table.sort raises); not with these */
        }
        while (--j, less(s, pivot, a[j])) {
            if (j < i) return i;
        }
        if (j < i) {
            a[up - 1] = a[i];
            a[i] = pivot;
            return i;
        }
        swap(a, i, j);
    }
}

static void auxsort(sorter *s, unsigned int lo, unsigned int up, unsigned int rnd)
{
    size_t *a = s->a;
    while (lo < up) {
        unsigned int p, n;
        if (less(s, a[up], a[lo])) swap(a, lo, up);
        if (up - lo == 1) break;
        if (up - lo < RANLIMIT || rnd == 0) p = (lo + up) / 2;
        else {
            unsigned int r4 = (up - lo) / 4;
            p = rnd % (r4 * 2) + (lo + r4);
        }
        if (less(s, a[p], a[lo])) swap(a, p, lo);
        else if (less(s, a[up], a[p])) swap(a, p, up);
        if (up - lo == 2) break;
        swap(a, p, up - 1);
        p = partition(s, lo, up);
        if (p - lo < up - p) {
            auxsort(s, lo, p - 1, rnd);
            n = p - lo;
            lo = p + 1;
        } else {
            auxsort(s, p + 1, up, rnd);
            n = up - p;
            up = p - 1;
        }
        if ((up - lo) / 128 > n) rnd = randomize_pivot();
    }
}

void qr_sort_spans(size_t *perm, size_t n, const qr_spankey *keys, qr_spanorder order)
{
    sorter s;
    s.a = perm;
    s.keys = keys;
    s.order = order;
    if (n > 1) auxsort(&s, 1, (unsigned int)n, 0);
}
