/*
 * The small-object allocator of qr_pool.h: what a Lua state asks for most
 * (tables of 56 bytes, short strings, closures, upvalues, node arrays of
 * 4, 8 or 16 nodes) without malloc's headers, bins and consolidations.
 *
 * Size classes: every 16 bytes up to 256, then every 64 up to QR_POOL_MAX
 * (20 classes; a block is 16-byte aligned, as malloc's are). A slab is
 * QR_POOL_SLAB bytes mapped on a boundary of its size: a header, then
 * blocks of one class, carved from its untouched tail as they are first
 * needed and, once freed, kept on the slab's own free list (last freed,
 * first given again: its cache lines are still warm). Each class keeps
 * the list of its slabs with room, the one allocated from at its head; a
 * slab that fills leaves the list and comes back at the head when a block
 * of it is freed.
 *
 * Ownership: a pointer belongs to the pool when the slab boundary below it
 * is in an open-addressing hash set of the slabs' addresses; nothing else
 * is read to decide, so a block the real allocator gave (before the pool
 * stood in front of it, or too large for a slab) goes back to it unread.
 *
 * A slab whose last block is freed is released, unless it is the one its
 * class allocates from (a class that takes and frees one block over and
 * over must not map and unmap a slab each time): up to QR_POOL_KEEP empty
 * slabs are kept for any class to take again, the others are unmapped, so
 * that a long run does not hold the memory of its peak forever.
 *
 * Moving a block (realloc) keeps it where it is while the new size is in
 * its class's block and more than half of it; otherwise the block moves
 * to the class of the new size (or to the real allocator past
 * QR_POOL_MAX). Shrinking never fails: when no block can be had, the old
 * one stays.
 */
#define _GNU_SOURCE 1   /* MAP_ANONYMOUS, dladdr */

#include "qr_pool.h"

#include <dlfcn.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#define SLAB_MASK (~(uintptr_t)(QR_POOL_SLAB - 1))
#define HEADER 64                  /* bytes of a slab's header: a multiple of 16 */
#define NCLASS QR_POOL_CLASSES

/* the fast paths, inlined into qr_pool_realloc whatever the compiler's own count says */
#if defined(__GNUC__)
#define HOT static inline __attribute__((always_inline))
#define NOINLINE __attribute__((noinline))
#define PREFETCH(p) __builtin_prefetch((p), 1, 3)
#else
#define HOT static inline
#define NOINLINE
#define PREFETCH(p) ((void)(p))
#endif

typedef struct slab {
    struct slab *next, *prev;      /* in its class's list of slabs with room, or in the empty list */
    void *free;                    /* blocks freed, linked through their first word */
    unsigned carved;               /* blocks carved from the tail so far */
    unsigned live;                 /* blocks handed out */
    unsigned count;                /* blocks the slab holds */
    unsigned size;                 /* bytes a block */
    int cls;                       /* its class; 0: empty, kept */
    int listed;                    /* in its class's list of slabs with room */
} slab;

/* the header fits before the first block */
typedef char qr_slab_header_fits[sizeof(slab) <= HEADER ? 1 : -1];

struct qr_pool {
    qr_pool_backend real;
    void *ud;
    slab *room[NCLASS + 1];        /* per class, the slabs with room; [0] unused */
    slab *empty;                   /* empty slabs kept, nempty of them */
    size_t nempty, nslabs, blocks;
    slab **set;                    /* the slabs, open addressing; NULL: a free entry */
    size_t set_cap, set_used;      /* set_cap: a power of 2 */
};

/* bytes of a block of class c (1..NCLASS) */
static unsigned class_size(int c)
{
    return c <= 16 ? 16u * (unsigned)c : 256u + 64u * (unsigned)(c - 16);
}

/* the class of a block of n bytes, 1 <= n <= QR_POOL_MAX */
HOT int class_of(size_t n)
{
    return n <= 256 ? (int)((n + 15) >> 4) : 16 + (int)((n - 256 + 63) >> 6);
}

/* --- the set of slabs ------------------------------------------------------ */

HOT size_t set_slot(const qr_pool *p, uintptr_t base)
{
    uint64_t h = (uint64_t)(base >> 16) * 0x9E3779B97F4A7C15u;
    return (size_t)(h >> 32) & (p->set_cap - 1);
}

HOT slab *set_find(const qr_pool *p, uintptr_t base)
{
    size_t i = set_slot(p, base);
    slab *s;
    while ((s = p->set[i]) != NULL) {
        if ((uintptr_t)s == base) return s;
        i = (i + 1) & (p->set_cap - 1);
    }
    return NULL;
}

static int set_grow(qr_pool *p)
{
    size_t cap = p->set_cap * 2, i;
    slab **old = p->set, **set = p->real(p->ud, NULL, 0, cap * sizeof *set);
    if (!set) return 0;
    memset(set, 0, cap * sizeof *set);
    p->set = set;
    p->set_cap = cap;
    for (i = 0; i < cap / 2; i++) {
        size_t j;
        if (!old[i]) continue;
        j = set_slot(p, (uintptr_t)old[i]);
        while (set[j]) j = (j + 1) & (cap - 1);
        set[j] = old[i];
    }
    p->real(p->ud, old, cap / 2 * sizeof *set, 0);
    return 1;
}

static int set_add(qr_pool *p, slab *s)
{
    size_t i;
    if ((p->set_used + 1) * 2 > p->set_cap && !set_grow(p)) return 0;
    i = set_slot(p, (uintptr_t)s);
    while (p->set[i]) i = (i + 1) & (p->set_cap - 1);
    p->set[i] = s;
    p->set_used++;
    return 1;
}

/* removal with backward shift: no tombstones, probes stay short */
static void set_remove(qr_pool *p, slab *s)
{
    size_t mask = p->set_cap - 1, i = set_slot(p, (uintptr_t)s), j;
    while (p->set[i] != s) i = (i + 1) & mask;
    for (j = (i + 1) & mask; p->set[j]; j = (j + 1) & mask) {
        size_t home = set_slot(p, (uintptr_t)p->set[j]);
        /* the entry at j may move to i when its home is not in (i, j] */
        if (((j - home) & mask) >= ((j - i) & mask)) {
            p->set[i] = p->set[j];
            i = j;
        }
    }
    p->set[i] = NULL;
    p->set_used--;
}

/* --- slabs --------------------------------------------------------------------- */

static slab *slab_map(void)
{
    size_t span = 2 * QR_POOL_SLAB;
    char *m = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *start;
    size_t head;
    if (m == MAP_FAILED) return NULL;
    start = (char *)(((uintptr_t)m + QR_POOL_SLAB - 1) & SLAB_MASK);
    head = (size_t)(start - m);
    if (head) munmap(m, head);
    if (span - head > QR_POOL_SLAB) munmap(start + QR_POOL_SLAB, span - head - QR_POOL_SLAB);
    return (slab *)(void *)start;
}

static void room_link(qr_pool *p, slab *s)
{
    s->prev = NULL;
    s->next = p->room[s->cls];
    if (s->next) s->next->prev = s;
    p->room[s->cls] = s;
    s->listed = 1;
}

static void room_unlink(qr_pool *p, slab *s)
{
    if (s->prev) s->prev->next = s->next;
    else p->room[s->cls] = s->next;
    if (s->next) s->next->prev = s->prev;
    s->next = s->prev = NULL;
    s->listed = 0;
}

/* A slab for class c, put at the head of its list: an empty one kept, or
 * a new one; NULL when none can be mapped. */
static slab *slab_for(qr_pool *p, int c)
{
    slab *s = p->empty;
    if (s) {
        p->empty = s->next;
        p->nempty--;
    } else {
        s = slab_map();
        if (!s) return NULL;
        if (!set_add(p, s)) {
            munmap(s, QR_POOL_SLAB);
            return NULL;
        }
        p->nslabs++;
    }
    s->free = NULL;
    s->carved = s->live = 0;
    s->cls = c;
    s->size = class_size(c);
    s->count = (unsigned)((QR_POOL_SLAB - HEADER) / s->size);
    room_link(p, s);
    return s;
}

/* the empty slab s, out of its class: kept, or unmapped */
static void slab_release(qr_pool *p, slab *s)
{
    room_unlink(p, s);
    s->cls = 0;
    if (p->nempty < QR_POOL_KEEP) {
        s->next = p->empty;
        p->empty = s;
        p->nempty++;
        return;
    }
    set_remove(p, s);
    p->nslabs--;
    munmap(s, QR_POOL_SLAB);
}

/* --- blocks ---------------------------------------------------------------------- */

HOT void *block_alloc(qr_pool *p, size_t n)
{
    int c = class_of(n);
    slab *s = p->room[c];
    void *b;
    if (!s && !(s = slab_for(p, c))) return NULL;
    if (s->free) {
        b = s->free;
        s->free = *(void **)b;
        /* the next block given is one freed long ago, maybe, and its link
         * is read then: fetch its line while the caller works */
        if (s->free) PREFETCH(s->free);
    } else {
        b = (char *)s + HEADER + (size_t)s->carved++ * s->size;
    }
    s->live++;
    p->blocks++;
    if (!s->free && s->carved == s->count) room_unlink(p, s);
    return b;
}

HOT void block_free(qr_pool *p, slab *s, void *b)
{
    *(void **)b = s->free;
    s->free = b;
    p->blocks--;
    if (!s->listed) room_link(p, s);   /* it was full */
    if (--s->live == 0 && p->room[s->cls] != s) slab_release(p, s);
}

/* the slab that owns ptr, or NULL */
HOT slab *owner(const qr_pool *p, const void *ptr)
{
    slab *s = set_find(p, (uintptr_t)ptr & SLAB_MASK);
    return s && s->cls ? s : NULL;
}

/* ptr, a block of slab s, moved to nsize > 0 bytes */
static void *block_move(qr_pool *p, slab *s, void *ptr, size_t osize, size_t nsize)
{
    void *nb = NULL;
    size_t keep;
    if (nsize <= s->size && (2 * nsize > s->size || class_of(nsize) == s->cls)) return ptr;
    if (nsize <= QR_POOL_MAX) nb = block_alloc(p, nsize);
    if (!nb && nsize > s->size) nb = p->real(p->ud, NULL, 0, nsize);
    if (!nb) return nsize <= s->size ? ptr : NULL;
    keep = osize < s->size ? osize : s->size;
    memcpy(nb, ptr, keep < nsize ? keep : nsize);
    block_free(p, s, ptr);
    return nb;
}

/* The paths of qr_pool_realloc that are not its two commonest (a block
 * of a slab's free list given; a block freed to a slab that stays listed
 * and in use), out of line: the hot function then saves few registers. */
static NOINLINE void *alloc_slow(qr_pool *p, size_t osize, size_t nsize)
{
    void *b = nsize > 0 && nsize <= QR_POOL_MAX ? block_alloc(p, nsize) : NULL;
    return b ? b : nsize > 0 ? p->real(p->ud, NULL, osize, nsize) : NULL;
}

static NOINLINE void *move_slow(qr_pool *p, void *ptr, size_t osize, size_t nsize)
{
    slab *s = owner(p, ptr);
    if (!s) return p->real(p->ud, ptr, osize, nsize);
    if (nsize == 0) {
        block_free(p, s, ptr);
        return NULL;
    }
    return block_move(p, s, ptr, osize, nsize);
}

void *qr_pool_realloc(qr_pool *p, void *ptr, size_t osize, size_t nsize)
{
    slab *s;
    if (!ptr) {
        /* a block of its class's first slab, when that leaves the slab
         * with more to give (block_alloc, less the slab's leaving the list) */
        if (nsize - 1 < QR_POOL_MAX && (s = p->room[class_of(nsize)]) != NULL) {
            void *b = s->free;
            if (b) {
                void *next = *(void **)b;
                if (next || s->carved < s->count) {
                    s->free = next;
                    if (next) PREFETCH(next);
                    s->live++;
                    p->blocks++;
                    return b;
                }
            } else if (s->carved + 1 < s->count) {
                b = (char *)s + HEADER + (size_t)s->carved++ * s->size;
                s->live++;
                p->blocks++;
                return b;
            }
        }
        return alloc_slow(p, osize, nsize);
    }
    if (nsize == 0) {
        /* a block freed to a slab of its that stays listed and in use */
        s = set_find(p, (uintptr_t)ptr & SLAB_MASK);
        if (s && s->cls && s->listed && s->live > 1) {
            *(void **)ptr = s->free;
            s->free = ptr;
            s->live--;
            p->blocks--;
            return NULL;
        }
    }
    return move_slow(p, ptr, osize, nsize);
}

int qr_pool_owns(const qr_pool *p, const void *ptr)
{
    return ptr != NULL && owner(p, ptr) != NULL;
}

void qr_pool_stats_of(const qr_pool *p, qr_pool_stats *st)
{
    st->slabs = p->nslabs;
    st->empty = p->nempty;
    st->blocks = p->blocks;
}

qr_pool *qr_pool_new(qr_pool_backend real, void *ud)
{
    qr_pool *p = real(ud, NULL, 0, sizeof *p);
    if (!p) return NULL;
    memset(p, 0, sizeof *p);
    p->real = real;
    p->ud = ud;
    p->set_cap = 64;
    p->set = real(ud, NULL, 0, p->set_cap * sizeof *p->set);
    if (!p->set) {
        real(ud, p, sizeof *p, 0);
        return NULL;
    }
    memset(p->set, 0, p->set_cap * sizeof *p->set);
    return p;
}

void qr_pool_delete(qr_pool *p)
{
    size_t i;
    for (i = 0; i < p->set_cap; i++)
        if (p->set[i]) munmap(p->set[i], QR_POOL_SLAB);
    p->real(p->ud, p->set, p->set_cap * sizeof *p->set, 0);
    p->real(p->ud, p, sizeof *p, 0);
}

int qr_pool_pin_code(const void *addr)
{
    Dl_info info;
    void *h;
    if (!dladdr(addr, &info) || !info.dli_fname || !info.dli_fname[0]) return 0;
    h = dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
    return h != NULL;   /* the handle is never closed: the object stays */
}
