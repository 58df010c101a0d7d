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

/* --- span sets -------------------------------------------------------- */

void qr_spanset_init(qr_spanset *set, qr_allocf alloc, void *ud)
{
    memset(set, 0, sizeof *set);
    set->alloc = alloc;
    set->ud = ud;
}

static void list_free(qr_spanset *set, qr_spanlist *l)
{
    if (l->pairs) set->alloc(set->ud, l->pairs, l->cap * 2 * sizeof *l->pairs, 0);
    l->pairs = NULL;
    l->n = l->cap = 0;
}

void qr_spanset_free(qr_spanset *set)
{
    size_t k;
    for (k = 0; k < set->nbucket; k++) list_free(set, &set->bucket[k]);
    if (set->bucket) set->alloc(set->ud, set->bucket, set->nbucket * sizeof *set->bucket, 0);
    set->bucket = NULL;
    set->nbucket = 0;
    list_free(set, &set->other);
}

/* Kept in buckets: 0 <= start <= stop <= QR_SPANSET_MAX. */
static int in_buckets(int64_t start, int64_t stop)
{
    return start >= 0 && stop >= start && stop <= QR_SPANSET_MAX;
}

static int list_overlaps(const qr_spanlist *l, int64_t start, int64_t stop)
{
    size_t k;
    for (k = 0; k < l->n; k++) {
        if (l->pairs[2 * k] < stop && start < l->pairs[2 * k + 1]) return 1;
    }
    return 0;
}

int qr_spanset_overlaps(const qr_spanset *set, int64_t start, int64_t stop, size_t *work)
{
    int64_t first, last, b;
    size_t done = set->other.n;
    int found = list_overlaps(&set->other, start, stop);
    /* a span kept in buckets that overlaps this one lists itself in a
     * bucket of [first, last] (a byte of both, or the empty one's place) */
    first = start < 0 ? 0 : start / QR_SPANSET_BUCKET;
    last = stop > start ? stop - 1 : start;
    last = last < 0 ? -1 : last / QR_SPANSET_BUCKET;
    if (last >= (int64_t)set->nbucket) last = (int64_t)set->nbucket - 1;
    for (b = first; !found && b <= last; b++) {
        const qr_spanlist *l = &set->bucket[b];
        done += l->n + 1;
        found = list_overlaps(l, start, stop);
    }
    if (work) *work += done;
    return found;
}

static int list_push(qr_spanset *set, qr_spanlist *l, int64_t start, int64_t stop)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 4;
        int64_t *p = set->alloc(set->ud, l->pairs, l->cap * 2 * sizeof *p, cap * 2 * sizeof *p);
        if (!p) return -1;
        l->pairs = p;
        l->cap = cap;
    }
    l->pairs[2 * l->n] = start;
    l->pairs[2 * l->n + 1] = stop;
    l->n++;
    return 0;
}

int qr_spanset_add(qr_spanset *set, int64_t start, int64_t stop)
{
    size_t first, last, b;
    if (!in_buckets(start, stop)) return list_push(set, &set->other, start, stop);
    first = (size_t)(start / QR_SPANSET_BUCKET);
    last = (size_t)((stop > start ? stop - 1 : start) / QR_SPANSET_BUCKET);
    if (last >= set->nbucket) {
        size_t n = set->nbucket ? set->nbucket : 16;
        qr_spanlist *p;
        while (n <= last) n *= 2;
        p = set->alloc(set->ud, set->bucket, set->nbucket * sizeof *p, n * sizeof *p);
        if (!p) return -1;
        memset(p + set->nbucket, 0, (n - set->nbucket) * sizeof *p);
        set->bucket = p;
        set->nbucket = n;
    }
    for (b = first; b <= last; b++) {
        if (list_push(set, &set->bucket[b], start, stop) != 0) {
            /* (undone: the set stays as it was) */
            while (b-- > first) set->bucket[b].n--;
            return -1;
        }
    }
    return 0;
}
