/*
 * Gazetteer trie (see qr_gaz.h). Layout, all in flat C arrays:
 *
 *   keys     every distinct token key of the phrases, interned: bytes back
 *            to back in one arena, ids 1..n, found by a hash table;
 *   nodes    node 0 is the root; every other node has exactly one parent
 *            edge, so the node stores it: (parent, key id), plus the head
 *            of the list of entries that end there (terms);
 *   edges    a hash table of node ids keyed by (parent, key id);
 *   entries  (canonical, type id, attrs) with the strings in one arena,
 *            found by (canonical, type) through a hash table, so aliases
 *            share an entry.
 *
 * Every hash table is open addressing with linear probing, at most half
 * full; a slot holds an id (0 = empty) and the 32-bit hash of what it
 * points at, compared before the data itself.
 */
#include "qr_gaz.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ID_LIMIT 0xFFFFFFF0u    /* ids and arena offsets are 32-bit */

typedef struct slot { uint32_t id, hash; } slot;

typedef struct table {
    slot *s;
    size_t mask;            /* capacity - 1; the capacity is a power of two */
    size_t used;
} table;

typedef struct strtab {     /* interned byte strings, ids 1..n */
    char *buf;
    size_t len, cap;
    uint32_t *off;          /* string k spans buf[off[k - 1]] .. buf[off[k]] */
    size_t n, ocap;
    table t;
} strtab;

typedef struct gnode { uint32_t parent, key, term; } gnode;
typedef struct gterm { uint32_t entry, next; } gterm;
typedef struct gentry { uint32_t coff, clen, type, aoff, alen; } gentry;

struct qr_gaz {
    unsigned mode;
    strtab keys;            /* token keys of the phrases */
    strtab types;           /* entry types */
    gnode *nodes;           /* nodes[0] is the root */
    size_t nnodes, nodecap;
    table edges;            /* child node ids by (parent, key id) */
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
};

/* --- hashing -------------------------------------------------------------- */

static uint32_t mix32(uint64_t x)
{
    x ^= x >> 33;
    x *= UINT64_C(0xff51afd7ed558ccd);
    x ^= x >> 33;
    x *= UINT64_C(0xc4ceb9fe1a85ec53);
    x ^= x >> 33;
    return (uint32_t)x;
}

static uint32_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = UINT64_C(0x9E3779B97F4A7C15) ^ (uint64_t)n;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * UINT64_C(0xbf58476d1ce4e5b9);
        h ^= h >> 31;
        s += 8;
        n -= 8;
    }
    if (n) {
        uint64_t w = 0;
        memcpy(&w, s, n);
        h = (h ^ w) * UINT64_C(0x94d049bb133111eb);
        h ^= h >> 29;
    }
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

static int table_init(table *t, size_t cap)
{
    t->s = calloc(cap, sizeof *t->s);
    t->mask = cap - 1;
    t->used = 0;
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

/* Makes room for one more id, keeping the table at most half full. */
static int table_reserve(table *t)
{
    table nt;
    size_t i, cap = t->mask + 1;
    if (2 * (t->used + 1) <= cap) return QR_OK;
    if (cap > ((size_t)-1) / 2 / sizeof(slot)) return QR_ENOMEM;
    if (table_init(&nt, 2 * cap) != QR_OK) return QR_ENOMEM;
    for (i = 0; i < cap; i++)
        if (t->s[i].id) table_put(&nt, t->s[i].id, t->s[i].hash);
    free(t->s);
    *t = nt;
    return QR_OK;
}

/* --- interned strings ------------------------------------------------------ */

static int strtab_init(strtab *st)
{
    memset(st, 0, sizeof *st);
    st->off = grow(NULL, &st->ocap, 16, sizeof *st->off);
    if (!st->off) return QR_ENOMEM;
    st->off[0] = 0;
    return table_init(&st->t, 64);
}

static void strtab_free(strtab *st)
{
    free(st->buf);
    free(st->off);
    free(st->t.s);
    memset(st, 0, sizeof *st);
}

static uint32_t strtab_find(const strtab *st, const char *s, size_t len, uint32_t h)
{
    size_t i = h & st->t.mask;
    for (;; i = (i + 1) & st->t.mask) {
        const slot *sl = &st->t.s[i];
        if (!sl->id) return 0;
        if (sl->hash == h) {
            uint32_t a = st->off[sl->id - 1], b = st->off[sl->id];
            if (b - a == len && memcmp(st->buf + a, s, len) == 0) return sl->id;
        }
    }
}

static int strtab_intern(strtab *st, const char *s, size_t len, uint32_t *id)
{
    uint32_t h = hash_bytes(s, len);
    char *nb;
    uint32_t *noff;
    if ((*id = strtab_find(st, s, len, h)) != 0) return QR_OK;
    if (st->n + 1 >= ID_LIMIT || len >= ID_LIMIT - st->len) return QR_ETOOBIG;
    if (table_reserve(&st->t) != QR_OK) return QR_ENOMEM;
    if (!(noff = grow(st->off, &st->ocap, st->n + 2, sizeof *st->off))) return QR_ENOMEM;
    st->off = noff;
    if (!(nb = grow(st->buf, &st->cap, st->len + len + 1, 1))) return QR_ENOMEM;
    st->buf = nb;
    if (len) memcpy(st->buf + st->len, s, len);
    st->len += len;
    st->n++;
    st->off[st->n] = (uint32_t)st->len;
    table_put(&st->t, (uint32_t)st->n, h);
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
        || table_init(&g->edges, 64) != QR_OK || table_init(&g->byname, 64) != QR_OK
        || !(g->nodes = grow(NULL, &g->nodecap, 16, sizeof *g->nodes))
        || !(g->terms = grow(NULL, &g->termcap, 16, sizeof *g->terms))
        || !(g->entries = grow(NULL, &g->entcap, 16, sizeof *g->entries))) {
        qr_gaz_free(g);
        return NULL;
    }
    memset(&g->nodes[0], 0, sizeof g->nodes[0]);
    g->nnodes = 1;
    return g;
}

void qr_gaz_free(qr_gaz *g)
{
    if (!g) return;
    strtab_free(&g->keys);
    strtab_free(&g->types);
    free(g->nodes);
    free(g->edges.s);
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

size_t qr_gaz_memsize(const qr_gaz *g)
{
    return sizeof *g
        + g->keys.cap + g->keys.ocap * sizeof(uint32_t) + (g->keys.t.mask + 1) * sizeof(slot)
        + g->types.cap + g->types.ocap * sizeof(uint32_t) + (g->types.t.mask + 1) * sizeof(slot)
        + g->nodecap * sizeof(gnode) + (g->edges.mask + 1) * sizeof(slot)
        + g->termcap * sizeof(gterm) + g->entcap * sizeof(gentry)
        + (g->byname.mask + 1) * sizeof(slot) + g->ncap + g->scap;
}

static uint32_t edge_find(const qr_gaz *g, uint32_t parent, uint32_t key)
{
    uint32_t h = pair_hash(parent, key);
    size_t i = h & g->edges.mask;
    for (;; i = (i + 1) & g->edges.mask) {
        const slot *sl = &g->edges.s[i];
        if (!sl->id) return 0;
        if (sl->hash == h && g->nodes[sl->id].parent == parent && g->nodes[sl->id].key == key)
            return sl->id;
    }
}

/* The child of *nd along key (s, len), created if missing, into *nd. */
static int child_of(qr_gaz *g, const char *s, size_t len, uint32_t *nd)
{
    uint32_t key, child;
    gnode *nn;
    int rc = strtab_intern(&g->keys, s, len, &key);
    if (rc != QR_OK) return rc;
    if ((child = edge_find(g, *nd, key)) != 0) { *nd = child; return QR_OK; }
    if (g->nnodes >= ID_LIMIT) return QR_ETOOBIG;
    if (table_reserve(&g->edges) != QR_OK) return QR_ENOMEM;
    if (!(nn = grow(g->nodes, &g->nodecap, g->nnodes + 1, sizeof *g->nodes))) return QR_ENOMEM;
    g->nodes = nn;
    child = (uint32_t)g->nnodes++;
    g->nodes[child].parent = *nd;
    g->nodes[child].key = key;
    g->nodes[child].term = 0;
    table_put(&g->edges, child, pair_hash(*nd, key));
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
        e = &g->entries[sl->id];
        if (sl->hash == h && e->type == type && e->clen == clen
            && memcmp(g->names + e->coff, c, clen) == 0) {
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

/* Node nd ends entry e (appended to its list unless already there). */
static int add_term(qr_gaz *g, uint32_t nd, uint32_t e)
{
    uint32_t *link = &g->nodes[nd].term;
    gterm *nt;
    uint32_t id;
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
    /* find the link again: it may have pointed into the old terms array */
    link = &g->nodes[nd].term;
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

int qr_gaz_add(qr_gaz *g, const char *phrase, size_t plen,
               const char *canonical, size_t clen, const char *type, size_t tlen,
               const char *attrs, size_t alen, uint32_t *entry)
{
    qr_tokopts o;
    qr_tokens t;
    uint32_t nd = 0, tid = 0, e = 0;
    size_t i;
    int rc;

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
        if (g->mode == QR_GAZ_EXACT) {
            rc = child_of(g, phrase + tk->start, len, &nd);
            continue;
        }
        if (3 * len + 1 > g->scap) {
            char *ns = realloc(g->scratch, 3 * len + 1);
            if (!ns) { rc = QR_ENOMEM; break; }
            g->scratch = ns;
            g->scap = 3 * len + 1;
        }
        len = qr_token_key(phrase, tk, qr_gaz_key_mode(g), g->scratch);
        rc = child_of(g, g->scratch, len, &nd);
    }
    if (rc == QR_OK && !clen) {
        canonical = phrase + t.tok[0].start;
        clen = t.tok[t.n - 1].stop - t.tok[0].start;
    }
    if (rc == QR_OK && tlen) rc = strtab_intern(&g->types, type, tlen, &tid);
    if (rc == QR_OK) rc = entry_of(g, canonical, clen, tid, attrs, alen, &e);
    if (rc == QR_OK) rc = add_term(g, nd, e);
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
    if (id == 0 || id > g->nentries) return 0;
    e = &g->entries[id];
    if (canonical) *canonical = g->names + e->coff;
    if (clen) *clen = e->clen;
    if (type) *type = e->type ? g->types.buf + g->types.off[e->type - 1] : "";
    if (tlen) *tlen = e->type ? g->types.off[e->type] - g->types.off[e->type - 1] : 0;
    if (attrs) *attrs = e->alen ? g->names + e->aoff : "";
    if (alen) *alen = e->alen;
    return 1;
}

/* --- matching ---------------------------------------------------------------- */

size_t qr_gaz_match_at(const qr_gaz *g, const qr_tokens *t, const char *text,
                       const qr_keys *keys, size_t i, size_t limit,
                       qr_gaz_match *out, size_t cap)
{
    uint32_t hit[QR_GAZ_MAX_TOKENS], hend[QR_GAZ_MAX_TOKENS];
    size_t nhit = 0, n = 0, j, stop;
    uint32_t nd = 0;
    char local[256], *heap = NULL;

    if (limit > t->n) limit = t->n;
    if (i >= limit) return 0;
    stop = limit - i > g->longest ? i + g->longest : limit;
    for (j = i; j < stop; j++) {
        const qr_token *tk = &t->tok[j];
        const char *s;
        size_t len;
        uint32_t k;
        if (g->mode == QR_GAZ_EXACT) {
            s = text + tk->start;
            len = tk->stop - tk->start;
        } else if (keys) {
            s = qr_key_of(keys, j, &len);
        } else {                  /* no keys given: compute this one */
            size_t need = 3 * (size_t)(tk->stop - tk->start) + 1;
            char *buf = local;
            if (need > sizeof local) {
                free(heap);
                if (!(heap = malloc(need))) break;
                buf = heap;
            }
            len = qr_token_key(text, tk, qr_gaz_key_mode(g), buf);
            s = buf;
        }
        k = strtab_find(&g->keys, s, len, hash_bytes(s, len));
        if (!k || !(nd = edge_find(g, nd, k))) break;
        if (g->nodes[nd].term) {
            hit[nhit] = nd;
            hend[nhit] = (uint32_t)(j + 1);
            nhit++;
        }
    }
    free(heap);
    while (nhit > 0) {
        uint32_t tm;
        nhit--;
        for (tm = g->nodes[hit[nhit]].term; tm; tm = g->terms[tm].next) {
            if (n < cap) {
                out[n].end = hend[nhit];
                out[n].entry = g->terms[tm].entry;
            }
            n++;
        }
    }
    return n;
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
