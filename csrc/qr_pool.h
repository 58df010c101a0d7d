/*
 * A small-object allocator in front of another allocator (qr_pool.c): the
 * blocks of at most QR_POOL_MAX bytes come from slabs of QR_POOL_SLAB
 * bytes, one size class a slab, carved from one range of address space
 * the pool reserves; larger blocks, those past that range, and every
 * block the pool did not hand out, go to the allocator behind it. Its
 * entry point keeps lua_Alloc's contract, so that it can stand for a Lua
 * state's allocator, but nothing here knows Lua.
 *
 * The two commonest requests have inline short paths (qr_pool_take,
 * qr_pool_give) for a caller that wraps the pool in an allocator of its
 * own: they do only what needs no bookkeeping beyond a slab's free list,
 * and say when qr_pool_realloc must do the rest.
 */
#ifndef QR_POOL_H
#define QR_POOL_H

#include <stddef.h>
#include <stdint.h>

#define QR_POOL_MAX 512                 /* the largest block a slab holds */
#define QR_POOL_SLAB ((size_t)1 << 16)  /* bytes of a slab, aligned on its size */
#define QR_POOL_CLASSES 32              /* size classes: every 16 bytes to QR_POOL_MAX */
#define QR_POOL_KEEP 8                  /* empty slabs kept for any class to take again */
#define QR_POOL_SPAN ((size_t)1 << 30)  /* address space reserved for slabs (less when
                                           that cannot be had) */

/* The allocator behind the pool, with lua_Alloc's contract: ptr NULL
 * allocates nsize bytes (osize says what for), nsize 0 frees ptr (of osize
 * bytes), otherwise moves ptr to nsize bytes; NULL when it cannot, the
 * block left as it was. */
typedef void *(*qr_pool_backend)(void *ud, void *ptr, size_t osize, size_t nsize);

/* A slab's header, at its start (the blocks follow). */
typedef struct qr_pool_slab {
    struct qr_pool_slab *next, *prev;   /* in its class's list of slabs with room, or in the empty list */
    void *free;                         /* blocks freed or carved, linked through their first word */
    unsigned live;                      /* blocks handed out, while the slab is listed (0
                                           while it is not: a free then goes the long way) */
    unsigned held;                      /* blocks handed out, while it is not listed (0 while it is) */
    unsigned carved;                    /* blocks carved from the slab so far */
    unsigned count;                     /* blocks the slab holds */
    unsigned size;                      /* bytes a block */
    int cls;                            /* its class; 0: empty, kept */
    int listed;                         /* in its class's list of slabs with room */
} qr_pool_slab;

/* The pool. Its fields are here for the inline short paths below; only
 * qr_pool.c changes them. */
typedef struct qr_pool {
    uintptr_t base;                     /* the reserved range: [base, base + span) */
    size_t span;
    qr_pool_slab *room[QR_POOL_CLASSES + 1];   /* per class, its slabs with room, the one
                                                  taken from first at the head; &none when
                                                  there is none ([0] unused) */
    qr_pool_slab none;                  /* a slab with nothing to give */
    qr_pool_backend real;
    void *ud;
    qr_pool_slab *empty;                /* empty slabs kept, nempty of them */
    size_t nempty, nslabs;
    size_t hint;                        /* no slab below this one of the range is free to map */
    uint64_t mapped[QR_POOL_SPAN / QR_POOL_SLAB / 64];   /* a bit a slab of the range: mapped */
} qr_pool;

typedef struct qr_pool_stats {
    size_t slabs;                       /* slabs mapped, empty ones kept included */
    size_t empty;                       /* of which empty, kept for reuse (a class's own
                                           slab, empty too, is kept as well: not counted) */
    size_t blocks;                      /* blocks handed out and not freed yet */
} qr_pool_stats;

/* A pool in front of real (its bookkeeping taken from real too); NULL when
 * that fails or no address space for slabs can be reserved. */
qr_pool *qr_pool_new(qr_pool_backend real, void *ud);

/* The same with a range of at most span bytes (QR_POOL_SPAN at most;
 * rounded down to a multiple of QR_POOL_SLAB): once its slabs are all in
 * use, small blocks come from real too. */
qr_pool *qr_pool_new_within(qr_pool_backend real, void *ud, size_t span);

/* lua_Alloc's contract: a block of the pool's, or real's when it is large,
 * or when ptr is one the pool did not hand out (a block real gave before
 * the pool stood in front of it). */
void *qr_pool_realloc(qr_pool *p, void *ptr, size_t osize, size_t nsize);

/* The short path of qr_pool_realloc(p, NULL, osize, n), 1 <= n <=
 * QR_POOL_MAX: a block from the free list of its class's first slab, or
 * NULL when that list is empty (qr_pool_realloc then carves more, or takes
 * another slab). */
static inline void *qr_pool_take(qr_pool *p, size_t n)
{
    qr_pool_slab *s = p->room[(n + 15) >> 4];
    void *b = s->free;
    if (b) {
        s->free = *(void **)b;
        s->live++;
        /* the next block given may be one freed long ago, whose link is
         * read then: fetch its line while the caller works (a prefetch
         * of NULL is harmless) */
#if defined(__GNUC__)
        __builtin_prefetch(s->free, 1, 3);
#endif
    }
    return b;
}

/* The short path of qr_pool_realloc(p, ptr, osize, 0), ptr not NULL: 1
 * when ptr was a block of the pool's, now freed, its slab still in use and
 * with room before; 0 when qr_pool_realloc must free it (a block of
 * another allocator, or its slab's list or the slab itself changes). */
static inline int qr_pool_give(qr_pool *p, void *ptr)
{
    qr_pool_slab *s;
    if ((uintptr_t)ptr - p->base >= p->span) return 0;
    s = (qr_pool_slab *)((uintptr_t)ptr & ~(uintptr_t)(QR_POOL_SLAB - 1));
    if (s->live <= 1) return 0;
    *(void **)ptr = s->free;
    s->free = ptr;
    s->live--;
    return 1;
}

/* Whether ptr is a block of one of the pool's slabs (reads only the
 * pool's own bookkeeping, never the memory at ptr). */
int qr_pool_owns(const qr_pool *p, const void *ptr);

void qr_pool_stats_of(const qr_pool *p, qr_pool_stats *st);

/* Unmaps every slab, blocks still handed out included, and frees the pool. */
void qr_pool_delete(qr_pool *p);

/* Keeps the shared object that holds addr mapped until the process ends
 * (dlopen with RTLD_NODELETE): 1 when it is, 0 when addr is in no shared
 * object dlopen can name (the program itself) or that fails. */
int qr_pool_pin_code(const void *addr);

#endif
