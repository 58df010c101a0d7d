/*
 * A small-object allocator in front of another allocator (qr_pool.c): the
 * blocks of at most QR_POOL_MAX bytes come from slabs of QR_POOL_SLAB
 * bytes, one size class a slab; larger blocks, and every block the pool
 * did not hand out, go to the allocator behind it. Its entry point keeps
 * lua_Alloc's contract, so that it can stand for a Lua state's allocator,
 * but nothing here knows Lua.
 */
#ifndef QR_POOL_H
#define QR_POOL_H

#include <stddef.h>

#define QR_POOL_MAX 512                 /* the largest block a slab holds */
#define QR_POOL_SLAB ((size_t)1 << 16)  /* bytes of a slab, aligned on its size */
#define QR_POOL_CLASSES 20              /* size classes: every 16 bytes to 256, every 64 to 512 */
#define QR_POOL_KEEP 8                  /* empty slabs kept for any class to take again */

/* The allocator behind the pool, with lua_Alloc's contract: ptr NULL
 * allocates nsize bytes (osize says what for), nsize 0 frees ptr (of osize
 * bytes), otherwise moves ptr to nsize bytes; NULL when it cannot, the
 * block left as it was. */
typedef void *(*qr_pool_backend)(void *ud, void *ptr, size_t osize, size_t nsize);

typedef struct qr_pool qr_pool;

typedef struct qr_pool_stats {
    size_t slabs;                       /* slabs mapped, empty ones kept included */
    size_t empty;                       /* of which empty, kept for reuse (a class's own
                                           slab, empty too, is kept as well: not counted) */
    size_t blocks;                      /* blocks handed out and not freed yet */
} qr_pool_stats;

/* A pool in front of real (its bookkeeping taken from real too); NULL when
 * that fails or slabs cannot be mapped on this system. */
qr_pool *qr_pool_new(qr_pool_backend real, void *ud);

/* lua_Alloc's contract: a block of the pool's, or real's when it is large,
 * or when ptr is one the pool did not hand out (a block real gave before
 * the pool stood in front of it). */
void *qr_pool_realloc(qr_pool *p, void *ptr, size_t osize, size_t nsize);

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
