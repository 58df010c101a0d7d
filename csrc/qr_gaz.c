/*
 * Gazetteer trie (see qr_gaz.h). Layout, all in flat C arrays, chosen so
 * that following one token costs few cache misses however big the list:
 *
 *   keys     every distinct token key of the phrases, interned: records
 *            (id, length, bytes) back to back in one arena, ids 1..n,
 *            found by a hash table whose slots hold the record's offset,
 *            so a lookup touches the slot and the record;
 *   root     the children of the root, indexed by key id;
 *   edges    every other edge, (parent, key id, child) in the slot itself
 *            of a hash table keyed by (parent, key id);
 *   terms    term[n] heads the list of the entries node n ends; the
 *            child word of an edge (in root or in edges) has TERM_BIT set
 *            when the child ends entries, so walking never touches a node
 *            that ends nothing;
 *   entries  (canonical, type id, attrs) with the strings in one arena,
 *            found by (canonical, type) through a hash table, so aliases
 *            share an entry.
 *
 * Every hash table is open addressing with linear probing, with the 32-bit
 * hash (or the key itself) in the slot; the tables that text matching
 * probes for absent keys are at most half full, the others (entries by
 * name, and edges, which have a filter) three quarters.
 */
#include "qr_hash.h"
#include "qr_gaz.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ID_LIMIT 0x7FFFFFF0u    /* node ids leave the top bit to TERM_BIT */
#define TERM_BIT 0x80000000u    /* in a child word: the child ends entries */
#define REC_HEAD 8              /* a key record: u32 id, u32 length, bytes */

typedef struct slot { uint32_t id, hash; } slot;     /* id 0: empty */

typedef struct table {
    slot *s;
    size_t mask;            /* capacity - 1; the capacity is a power of two */
    size_t used;
    unsigned quarters;      /* most it may hold, in quarters of its capacity */
} table;

typedef struct eslot { uint32_t parent, key, child; } eslot;   /* child 0: empty */

typedef struct etable {
    eslot *s;
    size_t mask, used;
    uint64_t *filter;       /* 8 bits a slot, one set per edge (see etable_ref) */
} etable;

typedef struct strtab {     /* interned byte strings, ids 1..n */
    char *buf;              /* records: u32 id, u32 length, the bytes */
    size_t len, cap;
    uint32_t *off;          /* off[id]: offset of the record of id; off[0] unused */
    size_t n, ocap;
    table t;                /* slot id: record offset + 1 */
    uint64_t *filter;       /* a bit a hash (filter_of), set for every string held: */
    size_t fmask;           /* most strings of a text a list lacks end at one bit */
} strtab;

typedef struct gentry { uint32_t coff, clen, type, aoff, alen; } gentry;
typedef struct gterm { uint32_t entry, next; } gterm;

struct qr_gaz {
    unsigned mode;
    strtab keys;            /* token keys of the phrases */
    strtab types;           /* entry types */
    uint32_t *root;         /* root[key id]: child word (0: none) */
    size_t rootcap;
    etable edges;           /* the other edges */
    uint32_t *term;         /* term[node]: first term of the node (0: none) */
    size_t nnodes, nodecap; /* node 0 is the root */
    gterm *terms;           /* terms[0] unused: term ids are 1-based */
    size_t nterms, termcap;
    gentry *entries;        /* entries[0] unused: entry ids are 1-based */
    size_t nentries, entcap;
    table byname;           /* entry ids by (canonical, type id) */
    char *names;            /* canonical names and attrs */
    size_t nlen, ncap;
    size_t longest;         /* longest phrase, in tokens */
    char *scratch;          /* the key of one phrase token */
    size_t scap;
    uint64_t version;       /* qr_gaz_add calls so far (qr_gaz_version) */
};

/* --- hashing -------------------------------------------------------------- */

static uint32_t mix32(uint64_t x)
{
    return qr_hash32_finish(x);
}

static uint32_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = qr_hash_absorb(s, n);
    return mix32(h);
}

static uint32_t pair_hash(uint32_t a, uint32_t b)
{
    return mix32(((uint64_t)a << 32 | b) ^ UINT64_C(0x2545F4914F6CDD1D));
}

/* --- growable arrays and hash tables ----------------------------------- */

/* p with room for `need` items of `size` bytes (doubling), or NULL (then p
 * and *cap are unchanged). */
static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
    size_t c = *cap ? *cap : 16;
    void *np;
    if (need <= *cap) return p;
    while (c < need) {
        if (c > ((size_t)-1) / 2 / size) return NULL;
        c *= 2;
    }
    np = realloc(p, c * size);
    if (np) *cap = c;
    return np;
}

static int table_init(table *t, size_t cap, unsigned quarters)
{
    t->s = calloc(cap, sizeof *t->s);
    t->mask = cap - 1;
    t->used = 0;
    t->quarters = quarters;
    return t->s ? QR_OK : QR_ENOMEM;
}

/* Stores id (not present yet) under hash h; the table has room. */
static void table_put(table *t, uint32_t id, uint32_t h)
{
    size_t i = h & t->mask;
    while (t->s[i].id) i = (i + 1) & t->mask;
    t->s[i].id = id;
    t->s[i].hash = h;
    t->used++;
}

/* Moves the table to `cap` slots (a power of two, more than it holds). */
static int table_resize(table *t, size_t cap)
{
    table nt;
    size_t i;
    if (cap > ((size_t)-1) / sizeof(slot)) return QR_ENOMEM;
    if (table_init(&nt, cap, t->quarters) != QR_OK) return QR_ENOMEM;
    for (i = 0; i <= t->mask; i++)
        if (t->s[i].id) table_put(&nt, t->s[i].id, t->s[i].hash);
    free(t->s);
    *t = nt;
    return QR_OK;
}

/* Makes room for one more id, keeping the table at most t->quarters full. */
static int table_reserve(table *t)
{
    size_t cap = t->mask + 1;
    if (4 * (t->used + 1) <= t->quarters * cap) return QR_OK;
    return cap > ((size_t)-1) / 2 ? QR_ENOMEM : table_resize(t, 2 * cap);
}

/* Edge tables: the slot holds the edge itself, and the table may be three
 * quarters full. A filter of 8 bits a slot, one set per edge by a second
 * hash, answers most lookups of edges that do not exist (the common case
 * when scanning text) without touching the slots: it is 1/12 of their
 * size, so it stays in cache when they do not. */
static uint32_t filter_bit(uint32_t parent, uint32_t key)
{
    return mix32(((uint64_t)key << 32 | parent) ^ UINT64_C(0x9E6C63D0676A9A99));
}

static int etable_init(etable *t, size_t cap)
{
    t->s = calloc(cap, sizeof *t->s);
    t->filter = calloc(cap / 8, sizeof *t->filter);
    t->mask = cap - 1;
    t->used = 0;
    if (t->s && t->filter) return QR_OK;
    free(t->s);
    free(t->filter);
    t->s = NULL;
    t->filter = NULL;
    return QR_ENOMEM;
}

static void etable_free(etable *t)
{
    free(t->s);
    free(t->filter);
    t->s = NULL;
    t->filter = NULL;
}

static void etable_put(etable *t, uint32_t parent, uint32_t key, uint32_t child)
{
    size_t i = pair_hash(parent, key) & t->mask, b = filter_bit(parent, key) & (8 * t->mask + 7);
    while (t->s[i].child) i = (i + 1) & t->mask;
    t->s[i].parent = parent;
    t->s[i].key = key;
    t->s[i].child = child;
    t->filter[b >> 6] |= UINT64_C(1) << (b & 63);
    t->used++;
}

static int etable_resize(etable *t, size_t cap)
{
    etable nt;
    size_t i;
    if (cap > ((size_t)-1) / sizeof(eslot)) return QR_ENOMEM;
    if (etable_init(&nt, cap) != QR_OK) return QR_ENOMEM;
    for (i = 0; i <= t->mask; i++)
        if (t->s[i].child) etable_put(&nt, t->s[i].parent, t->s[i].key, t->s[i].child);
    etable_free(t);
    *t = nt;
    return QR_OK;
}

static int etable_reserve(etable *t)
{
    size_t cap = t->mask + 1;
    if (4 * (t->used + 1) <= 3 * cap) return QR_OK;
    return cap > ((size_t)-1) / 2 ? QR_ENOMEM : etable_resize(t, 2 * cap);
}

/* The child word of edge (parent, key) in the edge table, or NULL. */
static uint32_t *etable_ref(const etable *t, uint32_t parent, uint32_t key)
{
    size_t i, b = filter_bit(parent, key) & (8 * t->mask + 7);
    if (!(t->filter[b >> 6] & (UINT64_C(1) << (b & 63)))) return NULL;
    for (i = pair_hash(parent, key) & t->mask;; i = (i + 1) & t->mask) {
        eslot *sl = &t->s[i];
        if (!sl->child) return NULL;
        if (sl->parent == parent && sl->key == key) return &sl->child;
    }
}

/* --- interned strings ------------------------------------------------------ */

static uint32_t get32(const char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* The filter of interned strings: 32 bits a string or more (a power of
 * two), so that about one absent string in 32 passes it. */
#define FILTER_BITS 32
#define FILTER_MIN 1024

static size_t filter_of(const strtab *st, uint32_t h)
{
    return (size_t)(h >> 13 | h << 19) & st->fmask;
}

static int filter_has(const strtab *st, uint32_t h)
{
    size_t b = filter_of(st, h);
    return (int)(st->filter[b >> 6] >> (b & 63) & 1u);
}

static void filter_set(strtab *st, uint32_t h)
{
    size_t b = filter_of(st, h);
    st->filter[b >> 6] |= UINT64_C(1) << (b & 63);
}

/* Makes the filter room for `need` strings, setting the bits of those
 * the table holds when it grows. */
static int filter_reserve(strtab *st, size_t need)
{
    size_t bits = st->fmask + 1, i;
    uint64_t *nf;
    if (st->filter && need <= bits / FILTER_BITS) return QR_OK;
    while (bits < FILTER_MIN || need > bits / FILTER_BITS) {
        if (bits > ((size_t)-1) / 4) return QR_ENOMEM;
        bits *= 2;
    }
    if (!(nf = calloc(bits / 64, sizeof *nf))) return QR_ENOMEM;
    free(st->filter);
    st->filter = nf;
    st->fmask = bits - 1;
    for (i = 0; i <= st->t.mask; i++)
        if (st->t.s[i].id) filter_set(st, st->t.s[i].hash);
    return QR_OK;
}

static int strtab_init(strtab *st)
{
    memset(st, 0, sizeof *st);
    st->off = grow(NULL, &st->ocap, 16, sizeof *st->off);
    if (!st->off) return QR_ENOMEM;
    st->off[0] = 0;
    if (table_init(&st->t, 64, 2) != QR_OK) return QR_ENOMEM;
    return filter_reserve(st, 1);
}

static void strtab_free(strtab *st)
{
    free(st->buf);
    free(st->off);
    free(st->t.s);
    free(st->filter);
    memset(st, 0, sizeof *st);
}

static uint32_t strtab_find(const strtab *st, const char *s, size_t len, uint32_t h)
{
    size_t i = h & st->t.mask;
    if (!filter_has(st, h)) return 0;
    for (;; i = (i + 1) & st->t.mask) {
        const slot *sl = &st->t.s[i];
        if (!sl->id) return 0;
        if (sl->hash == h) {
            const char *rec = st->buf + (sl->id - 1);
            if (get32(rec + 4) == len && memcmp(rec + REC_HEAD, s, len) == 0) return get32(rec);
        }
    }
}

static const char *strtab_str(const strtab *st, uint32_t id, size_t *len)
{
    const char *rec = st->buf + st->off[id];
    *len = get32(rec + 4);
    return rec + REC_HEAD;
}

static int strtab_intern(strtab *st, const char *s, size_t len, uint32_t *id)
{
    uint32_t h = hash_bytes(s, len), v;
    char *nb;
    uint32_t *noff;
    if ((*id = strtab_find(st, s, len, h)) != 0) return QR_OK;
    if (st->n + 1 >= ID_LIMIT || len + REC_HEAD >= ID_LIMIT - st->len) return QR_ETOOBIG;
    if (table_reserve(&st->t) != QR_OK || filter_reserve(st, st->n + 1) != QR_OK) return QR_ENOMEM;
    if (!(noff = grow(st->off, &st->ocap, st->n + 2, sizeof *st->off))) return QR_ENOMEM;
    st->off = noff;
    if (!(nb = grow(st->buf, &st->cap, st->len + REC_HEAD + len, 1))) return QR_ENOMEM;
    st->buf = nb;
    st->n++;
    v = (uint32_t)st->n;
    memcpy(st->buf + st->len, &v, 4);
    v = (uint32_t)len;
    memcpy(st->buf + st->len + 4, &v, 4);
    if (len) memcpy(st->buf + st->len + REC_HEAD, s, len);
    st->off[st->n] = (uint32_t)st->len;
    table_put(&st->t, (uint32_t)st->len + 1, h);
    filter_set(st, h);
    st->len += REC_HEAD + len;
    *id = (uint32_t)st->n;
    return QR_OK;
}

/* --- the gazetteer ----------------------------------------------------------- */

qr_gaz *qr_gaz_new(unsigned mode)
{
    qr_gaz *g = calloc(1, sizeof *g);
    if (!g) return NULL;
    g->mode = mode <= QR_GAZ_BARE ? mode : QR_GAZ_CASE;
    if (strtab_init(&g->keys) != QR_OK || strtab_init(&g->types) != QR_OK
        || etable_init(&g->edges, 64) != QR_OK || table_init(&g->byname, 64, 3) != QR_OK
        || !(g->root = grow(NULL, &g->rootcap, 16, sizeof *g->root))
        || !(g->term = grow(NULL, &g->nodecap, 16, sizeof *g->term))
        || !(g->terms = grow(NULL, &g->termcap, 16, sizeof *g->terms))
        || !(g->entries = grow(NULL, &g->entcap, 16, sizeof *g->entries))) {
        qr_gaz_free(g);
        return NULL;
    }
    memset(g->root, 0, g->rootcap * sizeof *g->root);
    g->term[0] = 0;
    g->nnodes = 1;
    return g;
}

void qr_gaz_free(qr_gaz *g)
{
    if (!g) return;
    strtab_free(&g->keys);
    strtab_free(&g->types);
    free(g->root);
    etable_free(&g->edges);
    free(g->term);
    free(g->terms);
    free(g->entries);
    free(g->byname.s);
    free(g->names);
    free(g->scratch);
    free(g);
}

unsigned qr_gaz_mode(const qr_gaz *g) { return g->mode; }
unsigned qr_gaz_key_mode(const qr_gaz *g) { return g->mode == QR_GAZ_BARE ? QR_KEY_BARE : 0; }
size_t qr_gaz_entries(const qr_gaz *g) { return g->nentries; }
size_t qr_gaz_phrases(const qr_gaz *g) { return g->nterms; }
size_t qr_gaz_longest(const qr_gaz *g) { return g->longest; }
size_t qr_gaz_keys(const qr_gaz *g) { return g->keys.n; }
uint64_t qr_gaz_version(const qr_gaz *g) { return g->version; }

static size_t strtab_memsize(const strtab *st)
{
    return st->cap + st->ocap * sizeof(uint32_t) + (st->t.mask + 1) * sizeof(slot) + (st->fmask + 1) / 8;
}

size_t qr_gaz_memsize(const qr_gaz *g)
{
    return sizeof *g + strtab_memsize(&g->keys) + strtab_memsize(&g->types)
        + g->rootcap * sizeof(uint32_t) + (g->edges.mask + 1) * (sizeof(eslot) + 1)
        + g->nodecap * sizeof(uint32_t) + g->termcap * sizeof(gterm) + g->entcap * sizeof(gentry)
        + (g->byname.mask + 1) * sizeof(slot) + g->ncap + g->scap;
}

/* The child word of edge (parent, key) (the child node, with TERM_BIT when
 * it ends entries), or 0. */
static uint32_t edge_find(const qr_gaz *g, uint32_t parent, uint32_t key)
{
    const uint32_t *ref;
    if (parent == 0) return key < g->rootcap ? g->root[key] : 0;
    ref = etable_ref(&g->edges, parent, key);
    return ref ? *ref : 0;
}

/* The child of *nd along key (s, len), created if missing, into *nd; the
 * key id goes to *key. */
static int child_of(qr_gaz *g, const char *s, size_t len, uint32_t *nd, uint32_t *key)
{
    uint32_t child, *nt;
    int rc = strtab_intern(&g->keys, s, len, key);
    if (rc != QR_OK) return rc;
    if (*key >= g->rootcap) {           /* keep root[] as long as the key ids */
        size_t old = g->rootcap;
        uint32_t *nr = grow(g->root, &g->rootcap, (size_t)*key + 1, sizeof *g->root);
        if (!nr) return QR_ENOMEM;
        g->root = nr;
        memset(g->root + old, 0, (g->rootcap - old) * sizeof *g->root);
    }
    if ((child = edge_find(g, *nd, *key)) != 0) { *nd = child & ~TERM_BIT; return QR_OK; }
    if (g->nnodes >= ID_LIMIT) return QR_ETOOBIG;
    if (*nd && etable_reserve(&g->edges) != QR_OK) return QR_ENOMEM;
    if (!(nt = grow(g->term, &g->nodecap, g->nnodes + 1, sizeof *g->term))) return QR_ENOMEM;
    g->term = nt;
    child = (uint32_t)g->nnodes++;
    g->term[child] = 0;
    if (*nd) etable_put(&g->edges, *nd, *key, child);
    else g->root[*key] = child;
    *nd = child;
    return QR_OK;
}

static int names_append(qr_gaz *g, const char *s, size_t len, uint32_t *off)
{
    char *nb;
    if (len >= ID_LIMIT - g->nlen) return QR_ETOOBIG;
    if (!(nb = grow(g->names, &g->ncap, g->nlen + len + 1, 1))) return QR_ENOMEM;
    g->names = nb;
    if (len) memcpy(g->names + g->nlen, s, len);
    *off = (uint32_t)g->nlen;
    g->nlen += len;
    return QR_OK;
}

/* The entry (canonical, type), created if missing; attrs fill in an entry
 * that has none. */
static int entry_of(qr_gaz *g, const char *c, size_t clen, uint32_t type,
                    const char *attrs, size_t alen, uint32_t *id)
{
    uint32_t h = pair_hash(hash_bytes(c, clen), type);
    size_t i = h & g->byname.mask;
    gentry *ne, *e;
    int rc;
    for (;; i = (i + 1) & g->byname.mask) {
        const slot *sl = &g->byname.s[i];
        if (!sl->id) break;
        if (sl->hash != h) continue;
        e = &g->entries[sl->id];
        if (e->type == type && e->clen == clen && memcmp(g->names + e->coff, c, clen) == 0) {
            if (alen && !e->alen) {
                uint32_t off;
                if ((rc = names_append(g, attrs, alen, &off)) != QR_OK) return rc;
                e = &g->entries[sl->id];
                e->aoff = off;
                e->alen = (uint32_t)alen;
            }
            *id = sl->id;
            return QR_OK;
        }
    }
    if (g->nentries + 1 >= ID_LIMIT) return QR_ETOOBIG;
    if (table_reserve(&g->byname) != QR_OK) return QR_ENOMEM;
    if (!(ne = grow(g->entries, &g->entcap, g->nentries + 2, sizeof *g->entries))) return QR_ENOMEM;
    g->entries = ne;
    e = &g->entries[g->nentries + 1];
    memset(e, 0, sizeof *e);
    if ((rc = names_append(g, c, clen, &e->coff)) != QR_OK) return rc;
    e->clen = (uint32_t)clen;
    e->type = type;
    if (alen) {
        if ((rc = names_append(g, attrs, alen, &e->aoff)) != QR_OK) return rc;
        e->alen = (uint32_t)alen;
    }
    *id = (uint32_t)++g->nentries;
    table_put(&g->byname, *id, h);
    return QR_OK;
}

/* Node nd, reached by edge (parent, key), ends entry e (appended to its
 * list unless already there). */
static int add_term(qr_gaz *g, uint32_t parent, uint32_t key, uint32_t nd, uint32_t e)
{
    uint32_t *link = &g->term[nd], id;
    gterm *nt;
    while (*link) {
        if (g->terms[*link].entry == e) return QR_OK;
        link = &g->terms[*link].next;
    }
    if (g->nterms + 1 >= ID_LIMIT) return QR_ETOOBIG;
    if (!(nt = grow(g->terms, &g->termcap, g->nterms + 2, sizeof *g->terms))) return QR_ENOMEM;
    g->terms = nt;
    id = (uint32_t)++g->nterms;
    g->terms[id].entry = e;
    g->terms[id].next = 0;
    if (!g->term[nd]) {                 /* the node's first entry: mark its edge */
        g->term[nd] = id;
        if (parent) *etable_ref(&g->edges, parent, key) |= TERM_BIT;
        else g->root[key] |= TERM_BIT;
        return QR_OK;
    }
    /* find the tail again: link may have pointed into the old terms array */
    link = &g->term[nd];
    while (*link) link = &g->terms[*link].next;
    *link = id;
    return QR_OK;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static void trim(const char **s, size_t *len)
{
    if (!*s) { *len = 0; return; }
    while (*len && is_space(**s)) { (*s)++; (*len)--; }
    while (*len && is_space((*s)[*len - 1])) (*len)--;
}

static size_t pow2_at_least(size_t n)
{
    size_t c = 64;
    while (c < n && c <= ((size_t)-1) / 4) c *= 2;
    return c;
}

/* Room for `lines` more phrases of up to three tokens, so that loading a
 * large file does not rehash as it grows (the other arrays double, and
 * realloc moves large blocks without copying). A hint: failures to
 * allocate are left to the adds that follow. */
static void reserve(qr_gaz *g, size_t lines)
{
    size_t cap;
    void *p;
    if (lines == 0 || lines > ID_LIMIT / 4) return;
    cap = pow2_at_least(4 * (g->edges.used + 2 * lines) / 3 + 4);
    if (cap > g->edges.mask + 1) etable_resize(&g->edges, cap);
    cap = pow2_at_least(4 * (g->byname.used + lines + 1) / 3 + 4);
    if (cap > g->byname.mask + 1) table_resize(&g->byname, cap);
    /* at most one entry and one term a line: exact sizes, not doubled */
    cap = g->nentries + lines + 2;
    if (cap > g->entcap && (p = realloc(g->entries, cap * sizeof *g->entries))) {
        g->entries = p;
        g->entcap = cap;
    }
    cap = g->nterms + lines + 2;
    if (cap > g->termcap && (p = realloc(g->terms, cap * sizeof *g->terms))) {
        g->terms = p;
        g->termcap = cap;
    }
}

int qr_gaz_add(qr_gaz *g, const char *phrase, size_t plen,
               const char *canonical, size_t clen, const char *type, size_t tlen,
               const char *attrs, size_t alen, uint32_t *entry)
{
    qr_tokopts o;
    qr_tokens t;
    uint32_t nd = 0, parent = 0, key = 0, tid = 0, e = 0;
    size_t i;
    int rc;

    g->version++;
    trim(&canonical, &clen);
    trim(&type, &tlen);
    trim(&attrs, &alen);
    if (alen && (attrs[0] != '{' || attrs[alen - 1] != '}')) return QR_GAZ_EATTRS;
    if (plen > QR_MAX_TEXT) return QR_ETOOBIG;
    qr_tokopts_default(&o);
    o.sentences = 0;
    if ((rc = qr_tokenize(phrase, plen, &o, &t)) != QR_OK) return rc;
    if (t.n == 0) rc = QR_GAZ_EEMPTY;
    else if (t.n > QR_GAZ_MAX_TOKENS) rc = QR_GAZ_ELONG;
    for (i = 0; rc == QR_OK && i < t.n; i++) {
        const qr_token *tk = &t.tok[i];
        size_t len = tk->stop - tk->start;
        parent = nd;
        if (g->mode == QR_GAZ_EXACT) {
            rc = child_of(g, phrase + tk->start, len, &nd, &key);
            continue;
        }
        if (3 * len + 1 > g->scap) {
            char *ns = realloc(g->scratch, 3 * len + 1);
            if (!ns) { rc = QR_ENOMEM; break; }
            g->scratch = ns;
            g->scap = 3 * len + 1;
        }
        len = qr_token_key(phrase, tk, qr_gaz_key_mode(g), g->scratch);
        rc = child_of(g, g->scratch, len, &nd, &key);
    }
    if (rc == QR_OK && !clen) {
        canonical = phrase + t.tok[0].start;
        clen = t.tok[t.n - 1].stop - t.tok[0].start;
    }
    if (rc == QR_OK && tlen) rc = strtab_intern(&g->types, type, tlen, &tid);
    if (rc == QR_OK) rc = entry_of(g, canonical, clen, tid, attrs, alen, &e);
    if (rc == QR_OK) rc = add_term(g, parent, key, nd, e);
    if (rc == QR_OK) {
        if (t.n > g->longest) g->longest = t.n;
        if (entry) *entry = e;
    }
    qr_tokens_free(&t);
    return rc;
}

size_t qr_gaz_entry(const qr_gaz *g, uint32_t id, const char **canonical, size_t *clen,
                    const char **type, size_t *tlen, const char **attrs, size_t *alen)
{
    const gentry *e;
    const char *ts = "";
    size_t tl = 0;
    if (id == 0 || id > g->nentries) return 0;
    e = &g->entries[id];
    if (e->type) ts = strtab_str(&g->types, e->type, &tl);
    if (canonical) *canonical = g->names + e->coff;
    if (clen) *clen = e->clen;
    if (type) *type = ts;
    if (tlen) *tlen = tl;
    if (attrs) *attrs = e->alen ? g->names + e->aoff : "";
    if (alen) *alen = e->alen;
    return 1;
}

/* --- matching ---------------------------------------------------------------- */

/* The key id of token j (0: no phrase has its key). */
static uint32_t token_id(const qr_gaz *g, const qr_tokens *t, const char *text,
                         const qr_keys *keys, size_t j)
{
    const qr_token *tk = &t->tok[j];
    const char *s;
    size_t len;
    char local[256], *heap = NULL;
    uint32_t id;
    if (keys && (g->mode != QR_GAZ_EXACT || keys->same[j])) {
        /* the key's hash, absorbed once a document (in exact mode: when
         * the key is the token's text) */
        s = qr_key_of(keys, j, &len);
        return strtab_find(&g->keys, s, len, mix32(keys->absorb[j]));
    } else if (g->mode == QR_GAZ_EXACT) {
        s = text + tk->start;
        len = tk->stop - tk->start;
    } else {                      /* no keys given: compute this one */
        size_t need = 3 * (size_t)(tk->stop - tk->start) + 1;
        char *buf = local;
        if (need > sizeof local && !(buf = heap = malloc(need))) return 0;
        len = qr_token_key(text, tk, qr_gaz_key_mode(g), buf);
        s = buf;
    }
    id = strtab_find(&g->keys, s, len, hash_bytes(s, len));
    free(heap);
    return id;
}

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

/* Looking up every key of a text in the interned keys of a large list
 * waits on memory twice a token (the slot, then the record). Most keys
 * fail the filter (a bit test each); those that pass are looked up a
 * chunk of CHUNK tokens at a time: their slots fetched ahead as the
 * filter lets them through, their records once the slots are in, then
 * each looked up: the waits overlap. */
#define CHUNK 64

/* Whether a phrase of g can begin with the key of id (the root has an
 * edge along it). */
static int can_start(const qr_gaz *g, uint32_t id)
{
    return id && id < g->rootcap && g->root[id];
}

/* The ids of the tokens [first, last) that keys give hashes for (not those
 * of an exact list whose key is not their text), by chunks. */
static size_t key_ids_by_hash(const qr_gaz *g, const qr_keys *keys, size_t first, size_t last, uint32_t *ids,
                              uint32_t *starts, size_t ns)
{
    const strtab *st = &g->keys;
    size_t mask = st->t.mask, base;
    for (base = first; base < last; base += CHUNK) {
        uint32_t pass[CHUNK], ph[CHUNK];
        size_t np = 0, k, j, end = last - base > CHUNK ? base + CHUNK : last;
        for (j = base; j < end; j++) {
            uint32_t h = mix32(keys->absorb[j]);
            ids[j] = 0;
            if (filter_has(st, h)) {
                ph[np] = h;
                pass[np++] = (uint32_t)(j - base);
                PREFETCH(&st->t.s[h & mask]);
            }
        }
        for (k = 0; k < np; k++) {
            const slot *sl = &st->t.s[ph[k] & mask];
            if (sl->id) PREFETCH(st->buf + (sl->id - 1));
        }
        for (k = 0; k < np; k++) {
            size_t len;
            const char *s;
            j = base + pass[k];
            s = qr_key_of(keys, j, &len);
            ids[j] = strtab_find(st, s, len, ph[k]);
            if (starts && can_start(g, ids[j])) starts[ns++] = (uint32_t)j;
        }
    }
    return ns;
}

size_t qr_gaz_key_ids(const qr_gaz *g, const qr_tokens *t, const char *text, const qr_keys *keys,
                      size_t first, size_t last, uint32_t *ids, uint32_t *starts)
{
    size_t j, ns = 0;
    if (last > t->n) last = t->n;
    if (first >= last) return 0;
    if (!keys) {
        for (j = first; j < last; j++) {
            ids[j] = token_id(g, t, text, keys, j);
            if (starts && can_start(g, ids[j])) starts[ns++] = (uint32_t)j;
        }
        return ns;
    }
    if (g->mode == QR_GAZ_EXACT) {
        /* a token whose key is not its text: its text's own hash */
        const unsigned char *same = keys->same;
        size_t from = first;
        for (j = first; j <= last; j++) {
            if (j < last && same[j]) continue;
            ns = key_ids_by_hash(g, keys, from, j, ids, starts, ns);
            if (j < last) {
                ids[j] = token_id(g, t, text, keys, j);
                if (starts && can_start(g, ids[j])) starts[ns++] = (uint32_t)j;
            }
            from = j + 1;
        }
        return ns;
    }
    return key_ids_by_hash(g, keys, first, last, ids, starts, 0);
}

const char *qr_gaz_key(const qr_gaz *g, uint32_t id, size_t *len)
{
    return strtab_str(&g->keys, id, len);
}

uint32_t qr_gaz_key_word(const qr_gaz *g, uint32_t id)
{
    return can_start(g, id) ? id | QR_GAZ_STARTS : id;
}

size_t qr_gaz_key_ids_mapped(const qr_gaz *g, const qr_tokens *t, const char *text, const qr_keys *keys,
                             const uint32_t *vids, const uint32_t *map, size_t nmap, size_t first, size_t last,
                             uint32_t *ids, uint32_t *starts)
{
    size_t j, ns = 0;
    if (last > t->n) last = t->n;
    if (g->mode != QR_GAZ_EXACT) {
        for (j = first; j < last; j++) {
            uint32_t v = vids[j], w = v < nmap ? map[v] : 0;
            ids[j] = w & ~QR_GAZ_STARTS;
            starts[ns] = (uint32_t)j;       /* kept when it can begin a phrase */
            ns += (w & QR_GAZ_STARTS) != 0;
        }
        return ns;
    }
    for (j = first; j < last; j++) {
        uint32_t v = vids[j], w;
        if (!keys->same[j]) {
            /* the text is not the key the id is of: the text's own hash */
            w = token_id(g, t, text, keys, j);
            ids[j] = w;
            if (can_start(g, w)) starts[ns++] = (uint32_t)j;
            continue;
        }
        w = v < nmap ? map[v] : 0;
        ids[j] = w & ~QR_GAZ_STARTS;
        if (w & QR_GAZ_STARTS) starts[ns++] = (uint32_t)j;
    }
    return ns;
}

/* Emits the entries of the terminal nodes hit[0 .. nhit), deepest first. */
static size_t emit(const qr_gaz *g, const uint32_t *hit, const uint32_t *hend, size_t nhit,
                   qr_gaz_match *out, size_t cap)
{
    size_t n = 0;
    while (nhit > 0) {
        uint32_t tm;
        nhit--;
        for (tm = g->term[hit[nhit]]; tm; tm = g->terms[tm].next) {
            if (n < cap) {
                out[n].end = hend[nhit];
                out[n].entry = g->terms[tm].entry;
            }
            n++;
        }
    }
    return n;
}

/* The phrases of g that begin at token i, up to limit: qr_gaz_match_ids
 * when map is NULL (token j's key id is ids[j]), qr_gaz_match_mapped
 * otherwise (it is map[ids[j]], from a vocabulary id). Inlined in each,
 * where map is known. */
static inline size_t match_walk(const qr_gaz *g, const uint32_t *ids, const uint32_t *map, size_t nmap, size_t i,
                                size_t limit, qr_gaz_match *out, size_t cap)
{
    uint32_t hit[QR_GAZ_MAX_TOKENS], hend[QR_GAZ_MAX_TOKENS], nd = 0, w, id;
    size_t nhit = 0, j, stop;
    if (i >= limit) return 0;
    stop = limit - i > g->longest ? i + g->longest : limit;
    for (j = i; j < stop; j++) {
        id = !map ? ids[j] : ids[j] < nmap ? map[ids[j]] & ~QR_GAZ_STARTS : 0;
        if (!id || !(w = edge_find(g, nd, id))) break;
        nd = w & ~TERM_BIT;
        if (w & TERM_BIT) {
            hit[nhit] = nd;
            hend[nhit] = (uint32_t)(j + 1);
            nhit++;
        }
    }
    return emit(g, hit, hend, nhit, out, cap);
}

size_t qr_gaz_match_ids(const qr_gaz *g, const uint32_t *ids, size_t i, size_t limit,
                        qr_gaz_match *out, size_t cap)
{
    return match_walk(g, ids, NULL, 0, i, limit, out, cap);
}

size_t qr_gaz_match_mapped(const qr_gaz *g, const uint32_t *vids, const uint32_t *map, size_t nmap, size_t i,
                           size_t limit, qr_gaz_match *out, size_t cap)
{
    return match_walk(g, vids, map, nmap, i, limit, out, cap);
}

size_t qr_gaz_match_at(const qr_gaz *g, const qr_tokens *t, const char *text,
                       const qr_keys *keys, size_t i, size_t limit,
                       qr_gaz_match *out, size_t cap)
{
    uint32_t hit[QR_GAZ_MAX_TOKENS], hend[QR_GAZ_MAX_TOKENS], nd = 0, w, id;
    size_t nhit = 0, j, stop;
    if (limit > t->n) limit = t->n;
    if (i >= limit) return 0;
    stop = limit - i > g->longest ? i + g->longest : limit;
    for (j = i; j < stop; j++) {
        if (!(id = token_id(g, t, text, keys, j)) || !(w = edge_find(g, nd, id))) break;
        nd = w & ~TERM_BIT;
        if (w & TERM_BIT) {
            hit[nhit] = nd;
            hend[nhit] = (uint32_t)(j + 1);
            nhit++;
        }
    }
    return emit(g, hit, hend, nhit, out, cap);
}

/* --- files ------------------------------------------------------------------- */

const char *qr_gaz_strerror(int rc)
{
    switch (rc) {
    case QR_OK: return "no error";
    case QR_ENOMEM: return "not enough memory";
    case QR_ETOOBIG: return "too large for a gazetteer (ids and offsets are 32-bit)";
    case QR_GAZ_EEMPTY: return "the phrase has no tokens";
    case QR_GAZ_ELONG: return "the phrase is longer than 128 tokens";
    case QR_GAZ_EATTRS: return "attrs must be a JSON object ({...})";
    case QR_GAZ_EIO: return "cannot read the file";
    case QR_GAZ_ESYNTAX: return "malformed line";
    default: return "unknown error";
    }
}

/* One line (without its LF). Returns QR_OK (added or skipped; *added says
 * which), QR_GAZ_ESYNTAX with the problem in why, or another error code. */
static int load_line(qr_gaz *g, const char *s, size_t n, int format, const char *dtype,
                     size_t dtlen, int *added, char *why, size_t whysize)
{
    const char *f[5];
    size_t fl[5], nf = 0, p, k;
    int rc;

    *added = 0;
    if (n && s[n - 1] == '\r') n--;
    if (n && s[0] == '#') return QR_OK;
    {
        const char *nul = memchr(s, '\0', n);   /* text has none: a binary file */
        if (nul) {
            snprintf(why, whysize, "a NUL byte at byte offset %lu of the line (not a text file?)",
                     (unsigned long)(nul - s));
            return QR_GAZ_ESYNTAX;
        }
    }
    for (k = 0; k < n && is_space(s[k]); k++) {}
    if (k == n) return QR_OK;
    if (format == QR_GAZ_LINES) {
        f[0] = s;
        fl[0] = n;
        f[1] = f[2] = f[3] = NULL;
        fl[1] = fl[2] = fl[3] = 0;
    } else {
        for (p = 0; nf < 5;) {
            const char *tab = memchr(s + p, '\t', n - p);
            size_t end = tab ? (size_t)(tab - s) : n;
            f[nf] = s + p;
            fl[nf] = end - p;
            nf++;
            if (!tab) break;
            p = end + 1;
        }
        if (nf < 3 || nf > 4) {
            snprintf(why, whysize, nf < 3
                     ? "expected phrase<TAB>canonical<TAB>type[<TAB>attrs], found %u field%s"
                     : "too many fields (%u%s; at most 4: phrase, canonical, type, attrs)",
                     (unsigned)nf, nf > 4 ? " or more" : nf == 1 ? "" : "s");
            return QR_GAZ_ESYNTAX;
        }
        if (nf == 3) { f[3] = NULL; fl[3] = 0; }
    }
    {
        const char *type = f[2];
        size_t tlen = fl[2];
        trim(&type, &tlen);
        if (!tlen) { type = dtype; tlen = dtlen; }
        rc = qr_gaz_add(g, f[0], fl[0], f[1], fl[1], type, tlen, f[3], fl[3], NULL);
    }
    if (rc == QR_GAZ_EEMPTY || rc == QR_GAZ_ELONG || rc == QR_GAZ_EATTRS) {
        snprintf(why, whysize, "%s", qr_gaz_strerror(rc));
        return QR_GAZ_ESYNTAX;
    }
    *added = rc == QR_OK;
    return rc;
}

int qr_gaz_load_file(qr_gaz *g, const char *path, int format, const char *type, size_t tlen,
                     size_t *count, char *err, size_t errsize)
{
    FILE *f;
    char *buf = NULL, why[160];
    size_t cap = (size_t)1 << 20, have = 0, line = 0;
    int rc = QR_OK, eof = 0, first = 1;

    *count = 0;
    if (!(f = fopen(path, "rb"))) {
        snprintf(err, errsize, "%s: %s", path, strerror(errno));
        return QR_GAZ_EIO;
    }
    if (!(buf = malloc(cap))) { rc = QR_ENOMEM; goto fail; }
    if (fseek(f, 0, SEEK_END) == 0 && ftell(f) > (long)cap && fseek(f, 0, SEEK_SET) == 0) {
        /* a large regular file: count its lines first to size the tables */
        size_t got, lines = 0;
        while ((got = fread(buf, 1, cap, f)) > 0) {
            const char *q = buf, *end = buf + got;
            while ((q = memchr(q, '\n', (size_t)(end - q))) != NULL) { lines++; q++; }
        }
        reserve(g, lines + 1);
    }
    clearerr(f);
    if (fseek(f, 0, SEEK_SET) != 0) clearerr(f);   /* not seekable: nothing was read */
    while (!eof) {
        size_t p = 0, got = fread(buf + have, 1, cap - have, f);
        if (got < cap - have) {
            if (ferror(f)) {
                snprintf(err, errsize, "%s: %s", path, errno ? strerror(errno) : "read error");
                rc = QR_GAZ_EIO;
                goto done;
            }
            eof = 1;
        }
        have += got;
        if (first && have >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) p = 3;   /* a BOM */
        if (have >= 3 || eof) first = 0;
        for (;;) {
            const char *nl = memchr(buf + p, '\n', have - p);
            size_t end = nl ? (size_t)(nl - buf) : have;
            int added;
            if (!nl && (!eof || p == have)) break;
            line++;
            rc = load_line(g, buf + p, end - p, format, type, tlen, &added, why, sizeof why);
            if (rc == QR_GAZ_ESYNTAX) {
                snprintf(err, errsize, "%s:%lu: %s", path, (unsigned long)line, why);
                goto done;
            }
            if (rc != QR_OK) goto fail;
            *count += (size_t)added;
            p = nl ? end + 1 : have;
        }
        if (p) memmove(buf, buf + p, have - p);
        have -= p;
        if (have == cap && !eof) {             /* a line longer than the buffer */
            char *nb = cap < ((size_t)-1) / 2 ? realloc(buf, 2 * cap) : NULL;
            if (!nb) { rc = QR_ENOMEM; goto fail; }
            buf = nb;
            cap *= 2;
        }
    }
    goto done;
fail:
    snprintf(err, errsize, "%s:%lu: %s", path, (unsigned long)line, qr_gaz_strerror(rc));
done:
    free(buf);
    fclose(f);
    return rc;
}
