/*
 * The small-object allocator of qr_pool.h: what a Lua state asks for most
 * (tables of 56 bytes, short strings, closures, upvalues, node arrays of
 * 4, 8 or 16 nodes) without malloc's headers, bins and consolidations.
 *
 * Size classes: every 16 bytes up to QR_POOL_MAX (32 classes; a block is
 * 16-byte aligned, as malloc's are), so that a size's class is (n + 15) /
 * 16 with no test. A slab is QR_POOL_SLAB bytes on a boundary of its size:
 * a header, then blocks of one class, carved from its untouched tail a
 * page's worth at a time onto its free list as they are first needed, and
 * kept on it once freed (last freed, first given again: its cache lines
 * are still warm). Each class keeps the list of its slabs with room, the
 * one allocated from at its head; a slab found full when a block is wanted
 * leaves the list, and comes back at its head when a block of it is freed.
 *
 * Ownership: the slabs are mapped inside one range of address space the
 * pool reserves when it is made (QR_POOL_SPAN, or less when that cannot
 * be had; PROT_NONE, so it costs no memory and nothing else is mapped
 * there), so a pointer is the pool's when it falls inside the range: one
 * subtraction and one comparison, nothing read. A block the real
 * allocator gave (before the pool stood in front of it, too large for a
 * slab, or once the range is full) goes back to it unread.
 *
 * A slab whose last block is freed is released, unless it is the one its
 * class allocates from (a class that takes and frees one block over and
 * over must not map and unmap a slab each time): up to QR_POOL_KEEP empty
 * slabs are kept for any class to take again, the others are unmapped
 * (their part of the range made PROT_NONE again), so that a long run does
 * not hold the memory of its peak forever.
 *
 * Moving a block (realloc) keeps it where it is while the new size is in
 * its class's block and more than half of it; otherwise the block moves
 * to the class of the new size (or to the real allocator past
 * QR_POOL_MAX). Shrinking never fails: when no block can be had, the old
 * one stays.
 */
#define _GNU_SOURCE 1   /* MAP_ANONYMOUS, MAP_NORESERVE, dladdr */

#include "qr_pool.h"

#include <dlfcn.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#define SLAB_MASK (~(uintptr_t)(QR_POOL_SLAB - 1))
#define HEADER 64                  /* bytes of a slab's header: a multiple of 16 */
#define NCLASS QR_POOL_CLASSES
#define CARVE 4096                 /* bytes carved onto a slab's free list at a time (one block at least) */
#define SPAN_MIN (QR_POOL_SLAB * 64)   /* the least range worth reserving */

/* the header fits before the first block */
typedef char qr_slab_header_fits[sizeof(qr_pool_slab) <= HEADER ? 1 : -1];
typedef qr_pool_slab slab;

/* the class of a block of n bytes, 1 <= n <= QR_POOL_MAX, and its bytes */
static int class_of(size_t n)
{
    return (int)((n + 15) >> 4);
}

static unsigned class_size(int c)
{
    return 16u * (unsigned)c;
}

/* --- slabs --------------------------------------------------------------------- */

/* A slab of the range mapped; NULL when the range is full or mmap fails. */
static slab *slab_map(qr_pool *p)
{
    size_t n = p->span / QR_POOL_SLAB, i = p->hint;
    char *at;
    while (i < n && (p->mapped[i / 64] >> (i % 64) & 1)) i++;
    if (i >= n) return NULL;
    at = (char *)(p->base + i * QR_POOL_SLAB);
    if (mmap(at, QR_POOL_SLAB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0)
        == MAP_FAILED)
        return NULL;
    p->mapped[i / 64] |= (uint64_t)1 << (i % 64);
    p->hint = i + 1;
    p->nslabs++;
    return (slab *)(void *)at;
}

/* The slab s given back to the range, its memory returned and its place
 * free: 1; 0, s left as it is, when mmap fails (the kernel will not split
 * the mapping once more: vm.max_map_count). */
static int slab_unmap(qr_pool *p, slab *s)
{
    size_t i = ((uintptr_t)s - p->base) / QR_POOL_SLAB;
    if (mmap(s, QR_POOL_SLAB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0)
        == MAP_FAILED)
        return 0;
    p->mapped[i / 64] &= ~((uint64_t)1 << (i % 64));
    if (i < p->hint) p->hint = i;
    p->nslabs--;
    return 1;
}

static void room_link(qr_pool *p, slab *s)
{
    slab *head = p->room[s->cls];
    s->prev = NULL;
    s->next = head == &p->none ? NULL : head;
    if (s->next) s->next->prev = s;
    p->room[s->cls] = s;
    s->listed = 1;
    s->live = s->held;
    s->held = 0;
}

static void room_unlink(qr_pool *p, slab *s)
{
    if (s->prev) s->prev->next = s->next;
    else p->room[s->cls] = s->next ? s->next : &p->none;
    if (s->next) s->next->prev = s->prev;
    s->next = s->prev = NULL;
    s->listed = 0;
    s->held = s->live;
    s->live = 0;
}

/* A slab for class c, put at the head of its list: an empty one kept, or
 * a new one; NULL when none can be mapped. */
static slab *slab_for(qr_pool *p, int c)
{
    slab *s = p->empty;
    if (s) {
        p->empty = s->next;
        p->nempty--;
    } else if (!(s = slab_map(p))) {
        return NULL;
    }
    s->free = NULL;
    s->carved = s->live = s->held = 0;
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
    /* (one that cannot be unmapped is kept too: mapped and marked, it is
     * in no list else, and no slab_map would take its place again) */
    if (p->nempty < QR_POOL_KEEP || !slab_unmap(p, s)) {
        s->next = p->empty;
        p->empty = s;
        p->nempty++;
    }
}

/* --- blocks ---------------------------------------------------------------------- */

/* The blocks of s not carved yet, up to CARVE bytes of them (one at
 * least), put on its empty free list. */
static void carve(slab *s)
{
    unsigned k = CARVE / s->size, i;
    char *b;
    if (k == 0) k = 1;
    if (k > s->count - s->carved) k = s->count - s->carved;
    b = (char *)s + HEADER + (size_t)s->carved * s->size;
    for (i = 0; i + 1 < k; i++, b += s->size) *(void **)b = b + s->size;
    *(void **)b = NULL;
    s->free = (char *)s + HEADER + (size_t)s->carved * s->size;
    s->carved += k;
}

/* A block of class c; NULL when no slab can be had. */
static void *block_alloc(qr_pool *p, int c)
{
    for (;;) {
        slab *s = p->room[c];
        if (s == &p->none && !(s = slab_for(p, c))) return NULL;
        if (!s->free && s->carved < s->count) carve(s);
        if (s->free) {
            void *b = s->free;
            s->free = *(void **)b;
            s->live++;
            return b;
        }
        room_unlink(p, s);   /* full: the next slab with room, or a new one */
    }
}

static void block_free(qr_pool *p, slab *s, void *b)
{
    *(void **)b = s->free;
    s->free = b;
    if (!s->listed) room_link(p, s);   /* it was full */
    if (--s->live == 0 && p->room[s->cls] != s) slab_release(p, s);
}

/* the slab that owns ptr, or NULL */
static slab *owner(const qr_pool *p, const void *ptr)
{
    size_t i = ((uintptr_t)ptr - p->base) / QR_POOL_SLAB;
    slab *s;
    if ((uintptr_t)ptr - p->base >= p->span || !(p->mapped[i / 64] >> (i % 64) & 1)) return NULL;
    s = (slab *)((uintptr_t)ptr & SLAB_MASK);
    return s->cls ? s : NULL;
}

/* ptr, a block of slab s, moved to nsize > 0 bytes */
static void *block_move(qr_pool *p, slab *s, void *ptr, size_t osize, size_t nsize)
{
    void *nb = NULL;
    size_t keep;
    if (nsize <= s->size && (2 * nsize > s->size || class_of(nsize) == s->cls)) return ptr;
    if (nsize <= QR_POOL_MAX) nb = block_alloc(p, class_of(nsize));
    if (!nb && nsize > s->size) nb = p->real(p->ud, NULL, 0, nsize);
    if (!nb) return nsize <= s->size ? ptr : NULL;
    keep = osize < s->size ? osize : s->size;
    memcpy(nb, ptr, keep < nsize ? keep : nsize);
    block_free(p, s, ptr);
    return nb;
}

void *qr_pool_realloc(qr_pool *p, void *ptr, size_t osize, size_t nsize)
{
    slab *s;
    void *b;
    if (!ptr) {
        if (nsize == 0) return NULL;
        if (nsize <= QR_POOL_MAX && ((b = qr_pool_take(p, nsize)) || (b = block_alloc(p, class_of(nsize)))))
            return b;
        return p->real(p->ud, NULL, osize, nsize);
    }
    s = owner(p, ptr);
    if (!s) return p->real(p->ud, ptr, osize, nsize);
    if (nsize == 0) {
        block_free(p, s, ptr);
        return NULL;
    }
    return block_move(p, s, ptr, osize, nsize);
}

int qr_pool_owns(const qr_pool *p, const void *ptr)
{
    return ptr != NULL && owner(p, ptr) != NULL;
}

void qr_pool_stats_of(const qr_pool *p, qr_pool_stats *st)
{
    size_t i, n = p->span / QR_POOL_SLAB;
    st->slabs = p->nslabs;
    st->empty = p->nempty;
    st->blocks = 0;
    for (i = 0; i < n; i++)
        if (p->mapped[i / 64] >> (i % 64) & 1) {
            const slab *s = (const slab *)(p->base + i * QR_POOL_SLAB);
            st->blocks += s->live + s->held;
        }
}

/* The range for slabs, on a slab's boundary: span bytes (a multiple of
 * QR_POOL_SLAB, QR_POOL_SPAN at most), or fewer when the system will not
 * reserve that many, and no more than an eighth of the address space the
 * process may have (ulimit -v counts a reservation as if it were used);
 * 0 when not even SPAN_MIN (or span, when that is less). */
static size_t reserve(uintptr_t *base, size_t span)
{
    size_t least = span < SPAN_MIN ? span : SPAN_MIN;
    struct rlimit as;
    if (getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY && span > as.rlim_cur / 8)
        span = as.rlim_cur / 8;
    for (;;) {
        size_t whole, head;
        char *m;
        span -= span % QR_POOL_SLAB;
        if (span == 0 || span < least) return 0;
        whole = span + QR_POOL_SLAB;
        m = mmap(NULL, whole, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (m == MAP_FAILED) {
            span /= 4;
            continue;
        }
        *base = ((uintptr_t)m + QR_POOL_SLAB - 1) & SLAB_MASK;
        head = (size_t)(*base - (uintptr_t)m);
        if (head) munmap(m, head);
        munmap((char *)*base + span, whole - head - span);
        return span;
    }
}

qr_pool *qr_pool_new(qr_pool_backend real, void *ud)
{
    return qr_pool_new_within(real, ud, QR_POOL_SPAN);
}

qr_pool *qr_pool_new_within(qr_pool_backend real, void *ud, size_t span)
{
    qr_pool *p = real(ud, NULL, 0, sizeof *p);
    int c;
    if (span > QR_POOL_SPAN) span = QR_POOL_SPAN;
    span -= span % QR_POOL_SLAB;
    if (!p) return NULL;
    memset(p, 0, sizeof *p);
    p->real = real;
    p->ud = ud;
    for (c = 0; c <= NCLASS; c++) p->room[c] = &p->none;
    p->span = reserve(&p->base, span);
    if (!p->span) {
        real(ud, p, sizeof *p, 0);
        return NULL;
    }
    return p;
}

void qr_pool_delete(qr_pool *p)
{
    munmap((void *)p->base, p->span);
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
