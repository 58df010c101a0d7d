/*
 * Annotations as Lua values (qr_ann.h).
 */
#include "qr_ann.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The field names, pushed once a call at e->keys. */
enum { K_TYPE, K_START, K_STOP, K_ATTRS, K_RULE, K_PHASE, K_TEXT, K_ENTRY, K_NAME, K_CATEGORY, K_RANK, K_COUNT };
static const char *const key_names[K_COUNT] = {
    "type", "start", "stop", "attrs", "rule", "phase", "text", "entry", "name", "category", "rank"
};

/* --- specs -------------------------------------------------------------------- */

/* Appends the value on top of the stack to the table at values (popping
 * it); returns its index there. */
static int keep(lua_State *L, int values)
{
    int n = (int)lua_rawlen(L, values) + 1;
    lua_rawseti(L, values, n);
    return n;
}

static int keep_string_field(lua_State *L, int idx, int values, const char *key, const char *what)
{
    if (lua_getfield(L, idx, key) != LUA_TSTRING) luaL_error(L, "%s: '%s' must be a string", what, key);
    return keep(L, values);
}

void qr_annspec_free(qr_annspec *spec)
{
    free(spec->attrs);
    memset(spec, 0, sizeof *spec);
}

/* One attr {key, kind [, arg]} at item into a. */
static void read_attr(lua_State *L, int item, int values, qr_annattr *a, qr_ann_resolve resolve, void *ud,
                      const char *what)
{
    const char *kind;
    if (!lua_istable(L, item)) luaL_error(L, "%s: attrs must be a list of {key, kind, ...}", what);
    lua_rawgeti(L, item, 1);
    if (lua_isnil(L, -1)) luaL_error(L, "%s: an attr needs a key", what);
    a->key = keep(L, values);
    lua_rawgeti(L, item, 2);
    kind = lua_tostring(L, -1);
    lua_rawgeti(L, item, 3);
    if (kind && !strcmp(kind, "const")) {
        a->kind = QR_ANN_CONST;
        a->arg = keep(L, values);
    } else if (kind && !strcmp(kind, "cap")) {
        a->kind = QR_ANN_CAP;
        a->arg = resolve(L, ud);
        if (a->arg < 0) luaL_error(L, "%s: bad attr capture", what);
        lua_pop(L, 1);
    } else if (kind && !strcmp(kind, "match")) {
        a->kind = QR_ANN_MATCH;
        lua_pop(L, 1);
    } else {
        luaL_error(L, "%s: attr kind must be const, cap or match", what);
    }
    lua_pop(L, 1);   /* the kind */
}

void qr_annspec_read(lua_State *L, int idx, int values, qr_annspec *spec, qr_ann_resolve resolve, void *ud,
                     const char *what)
{
    int top = lua_gettop(L), k;
    memset(spec, 0, sizeof *spec);
    luaL_checkstack(L, 8, what);
    spec->type = keep_string_field(L, idx, values, "type", what);
    spec->rule = keep_string_field(L, idx, values, "rule", what);
    spec->phase = keep_string_field(L, idx, values, "phase", what);
    spec->span = -1;
    if (lua_getfield(L, idx, "span") != LUA_TNIL) {
        spec->span = resolve(L, ud);
        if (spec->span < 0) luaL_error(L, "%s: bad span capture", what);
    }
    lua_pop(L, 1);
    spec->nattrs = -1;
    if (lua_getfield(L, idx, "attrs") == LUA_TTABLE) {
        int n = (int)lua_rawlen(L, -1), at = lua_gettop(L);
        /* scratch until complete, so that an error leaves nothing half made */
        qr_annattr *attrs = lua_newuserdatauv(L, ((size_t)n + 1) * sizeof *attrs, 0);
        for (k = 0; k < n; k++) {
            lua_rawgeti(L, at, k + 1);
            read_attr(L, lua_gettop(L), values, &attrs[k], resolve, ud, what);
            lua_pop(L, 1);
        }
        spec->attrs = malloc(((size_t)n + 1) * sizeof *spec->attrs);
        if (!spec->attrs) luaL_error(L, "not enough memory");
        memcpy(spec->attrs, attrs, (size_t)n * sizeof *attrs);
        spec->nattrs = n;
    } else if (!lua_isnil(L, -1)) {
        luaL_error(L, "%s: attrs must be a list", what);
    }
    lua_settop(L, top);
}

/* --- making annotations -------------------------------------------------------- */

/* The registry's key of the list of the field names (made by
 * qr_open_ann): pushed from there, they are not made Lua strings again
 * at each call. */
static const char key_list;

void qr_ann_begin(lua_State *L, qr_annemit *e, int values, const char *text,
                  int (*cap)(void *ud, int ref, size_t *start, size_t *stop), void *ud)
{
    luaL_checkstack(L, K_COUNT + 8, "annotations");
    e->L = L;
    e->keys = qr_names_push(L, &key_list, K_COUNT);
    e->values = values;
    e->text = text;
    e->cap = cap;
    e->ud = ud;
}


/* Sets in the table at attrs each field of the table at extra that attrs
 * lacks (raw, in the order next gives): a gazetteer entry's own attrs
 * joining what an annotation already has. Both indexes absolute. */
void qr_ann_merge_absent(lua_State *L, int attrs, int extra)
{
    lua_pushnil(L);
    while (lua_next(L, extra)) {
        lua_pushvalue(L, -2);
        if (lua_rawget(L, attrs) == LUA_TNIL) {
            lua_pushvalue(L, -3);
            lua_pushvalue(L, -3);
            lua_rawset(L, attrs);
        }
        lua_pop(L, 2);
    }
}
/* Pushes field name k; the table the field goes in is just below it (its
 * value is pushed next, then set with lua_rawset(L, -3)). Pushing the key
 * before the value spares moving the value under it. */
static void key(const qr_annemit *e, int k)
{
    lua_pushvalue(e->L, e->keys + k);
}

int qr_ann_push(const qr_annemit *e, const qr_annspec *s, size_t ms, size_t me)
{
    lua_State *L = e->L;
    size_t as = ms, ae = me;
    int k, str;
    if (s->span >= 0 && !e->cap(e->ud, s->span, &as, &ae)) return 0;
    /* the annotation's text, made once (at str): an attr of the same
     * bytes, as "$match" or the span's capture most often are, takes it */
    lua_pushlstring(L, e->text + as, ae - as);
    str = lua_gettop(L);
    lua_createtable(L, 0, 7 + QR_ANN_ROOM);
    key(e, K_TYPE);
    lua_rawgeti(L, e->values, s->type);
    lua_rawset(L, -3);
    key(e, K_START);
    lua_pushinteger(L, (lua_Integer)as);
    lua_rawset(L, -3);
    key(e, K_STOP);
    lua_pushinteger(L, (lua_Integer)ae);
    lua_rawset(L, -3);
    if (s->nattrs >= 0) {
        key(e, K_ATTRS);
        /* at its size, and room for one more (the news pack adds a
         * person's key): growing it field by field rehashed it each time
         * (its pairs() order is Lua's own, seeded per process) */
        lua_createtable(L, 0, s->nattrs + 1);
        for (k = 0; k < s->nattrs; k++) {
            const qr_annattr *a = &s->attrs[k];
            size_t cs = 0, ce = 0;
            if (a->kind == QR_ANN_CAP && !e->cap(e->ud, a->arg, &cs, &ce)) continue;   /* nil */
            lua_rawgeti(L, e->values, a->key);
            if (a->kind == QR_ANN_CONST) lua_rawgeti(L, e->values, a->arg);
            else if (a->kind == QR_ANN_MATCH) cs = ms, ce = me;
            if (a->kind != QR_ANN_CONST) {
                if (cs == as && ce == ae) lua_pushvalue(L, str);
                else lua_pushlstring(L, e->text + cs, ce - cs);
            }
            lua_rawset(L, -3);
        }
        lua_rawset(L, -3);
    }
    key(e, K_RULE);
    lua_rawgeti(L, e->values, s->rule);
    lua_rawset(L, -3);
    key(e, K_PHASE);
    lua_rawgeti(L, e->values, s->phase);
    lua_rawset(L, -3);
    key(e, K_TEXT);
    lua_pushvalue(L, str);
    lua_rawset(L, -3);
    lua_replace(L, str);
    return 1;
}

/* --- deferred annotations ------------------------------------------------------ */

#define QR_ANNDEFER_MT "quarry.DeferredAnnotations"
#define NO_SPAN ((size_t)-1)

/* One declared rule's match: its spec, the match's bytes, the
 * annotation's span, and where its captures' spans begin in the store's
 * spans (ncaps pairs; NO_SPAN for a capture that took no part). */
typedef struct annrec {
    size_t ms, me, as, ae;
    size_t spans;
    int spec, ncaps;
} annrec;

struct qr_anndefer {
    annrec *rec;
    size_t n, cap;
    size_t *spans;
    size_t nspans, spancap;
    qr_annspec *const *specs;
    const annrec *cur;       /* the record qr_anndefer_push makes a table of */
};

/* user values of the store */
enum { DEFER_OWNER = 1, DEFER_VALUES, DEFER_TOKENS, DEFER_NUV = DEFER_TOKENS };

static int anndefer_gc(lua_State *L)
{
    qr_anndefer *d = lua_touserdata(L, 1);
    free(d->rec);
    free(d->spans);
    d->rec = NULL;
    d->spans = NULL;
    d->n = d->cap = d->nspans = d->spancap = 0;
    return 0;
}

qr_anndefer *qr_anndefer_new(lua_State *L, int owner, int values, int tokens, qr_annspec *const *specs)
{
    qr_anndefer *d;
    owner = lua_absindex(L, owner);
    values = lua_absindex(L, values);
    tokens = lua_absindex(L, tokens);
    d = lua_newuserdatauv(L, sizeof *d, DEFER_NUV);
    memset(d, 0, sizeof *d);
    d->specs = specs;
    luaL_setmetatable(L, QR_ANNDEFER_MT);
    lua_pushvalue(L, owner);
    lua_setiuservalue(L, -2, DEFER_OWNER);
    lua_pushvalue(L, values);
    lua_setiuservalue(L, -2, DEFER_VALUES);
    lua_pushvalue(L, tokens);
    lua_setiuservalue(L, -2, DEFER_TOKENS);
    return d;
}

/* Room for one more record and n more span pairs, or 0. */
static int defer_room(qr_anndefer *d, size_t n)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 64;
        annrec *r = realloc(d->rec, cap * sizeof *r);
        if (!r) return 0;
        d->rec = r;
        d->cap = cap;
    }
    if (d->nspans + 2 * n > d->spancap) {
        size_t cap = d->spancap ? 2 * d->spancap : 256;
        size_t *sp;
        while (cap < d->nspans + 2 * n) cap *= 2;
        sp = realloc(d->spans, cap * sizeof *sp);
        if (!sp) return 0;
        d->spans = sp;
        d->spancap = cap;
    }
    return 1;
}

lua_Integer qr_anndefer_add(lua_State *L, qr_anndefer *d, int si, size_t ms, size_t me, int ncaps,
                            int (*cap)(void *ud, int ref, size_t *start, size_t *stop), void *ud)
{
    const qr_annspec *s = &(*d->specs)[si];
    annrec *r;
    size_t as = ms, ae = me;
    int k;
    if (s->span >= 0 && !cap(ud, s->span, &as, &ae)) return 0;
    if (!defer_room(d, (size_t)ncaps)) luaL_error(L, "not enough memory");
    r = &d->rec[d->n];
    r->ms = ms;
    r->me = me;
    r->as = as;
    r->ae = ae;
    r->spec = si;
    r->ncaps = ncaps;
    r->spans = d->nspans;
    for (k = 0; k < ncaps; k++) {
        size_t *sp = &d->spans[d->nspans + 2 * (size_t)k];
        if (!cap(ud, k, &sp[0], &sp[1])) sp[0] = sp[1] = NO_SPAN;
    }
    d->nspans += 2 * (size_t)ncaps;
    return (lua_Integer)++d->n;
}

qr_anndefer *qr_anndefer_opt(lua_State *L, int idx)
{
    if (lua_isnoneornil(L, idx)) return NULL;
    return luaL_checkudata(L, idx, QR_ANNDEFER_MT);
}

int qr_anndefer_span(const qr_anndefer *d, lua_Integer i, size_t *start, size_t *stop)
{
    if (i < 1 || (lua_Unsigned)i > d->n) return 0;
    *start = d->rec[i - 1].as;
    *stop = d->rec[i - 1].ae;
    return 1;
}

/* qr_annemit's capture span: from the record being made a table of */
static int defer_cap(void *ud, int ref, size_t *start, size_t *stop)
{
    const qr_anndefer *d = ud;
    const size_t *sp;
    if (ref < 0 || ref >= d->cur->ncaps) return 0;
    sp = &d->spans[d->cur->spans + 2 * (size_t)ref];
    if (sp[0] == NO_SPAN) return 0;
    *start = sp[0];
    *stop = sp[1];
    return 1;
}

void qr_anndefer_begin(lua_State *L, int idx, qr_annemit *e)
{
    qr_anndefer *d = luaL_checkudata(L, idx, QR_ANNDEFER_MT);
    const char *text;
    idx = lua_absindex(L, idx);
    if (!*d->specs) luaL_error(L, "attempt to use the annotations of a closed quarry.Matcher");
    lua_getiuservalue(L, idx, DEFER_TOKENS);
    qr_check_tokens(L, -1, &text, NULL);
    lua_pop(L, 1);
    lua_getiuservalue(L, idx, DEFER_VALUES);
    qr_ann_begin(L, e, lua_gettop(L), text, defer_cap, d);
}

void qr_anndefer_push(qr_annemit *e, lua_Integer i)
{
    qr_anndefer *d = e->ud;
    const annrec *r;
    if (i < 1 || (lua_Unsigned)i > d->n) luaL_error(e->L, "no deferred annotation %I", i);
    r = &d->rec[i - 1];
    d->cur = r;
    if (!qr_ann_push(e, &(*d->specs)[r->spec], r->ms, r->me))
        luaL_error(e->L, "deferred annotation %I has no span", i);
}

/* The number of pairs of the table at idx (an absolute index). */
static int count_pairs(lua_State *L, int idx)
{
    int n = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        n++;
        lua_pop(L, 1);
    }
    return n;
}

/* Pushes the table of a gazetteer entry's annotation over [start, stop)
 * with its fields up to attrs: type, start, stop, text, rule, phase, rank
 * [, entry] (made at its size, and the room later phases take). */
static void push_entry_head(const qr_annemit *e, const qr_annentry *a, size_t start, size_t stop,
                            lua_Integer entry)
{
    lua_State *L = e->L;
    lua_createtable(L, 0, 5 + (a->rule != 0) + (a->phase != 0) + (a->rank != 0) + (entry > 0) + QR_ANN_ROOM);
    key(e, K_TYPE);
    lua_pushvalue(L, a->type);
    lua_rawset(L, -3);
    key(e, K_START);
    lua_pushinteger(L, (lua_Integer)start);
    lua_rawset(L, -3);
    key(e, K_STOP);
    lua_pushinteger(L, (lua_Integer)stop);
    lua_rawset(L, -3);
    key(e, K_TEXT);
    lua_pushlstring(L, e->text + start, stop - start);
    lua_rawset(L, -3);
    if (a->rule) {
        key(e, K_RULE);
        lua_pushvalue(L, a->rule);
        lua_rawset(L, -3);
    }
    if (a->phase) {
        key(e, K_PHASE);
        lua_pushvalue(L, a->phase);
        lua_rawset(L, -3);
    }
    if (a->rank) {
        key(e, K_RANK);
        lua_pushvalue(L, a->rank);
        lua_rawset(L, -3);
    }
    if (entry > 0) {
        /* the entry's own attrs: the rule engine decodes them once per entry */
        key(e, K_ENTRY);
        lua_pushinteger(L, entry);
        lua_rawset(L, -3);
    }
}

void qr_ann_push_entry(const qr_annemit *e, const qr_annentry *a, size_t start, size_t stop,
                       const char *canonical, size_t clen, const char *category, size_t catlen,
                       lua_Integer entry, int extra)
{
    lua_State *L = e->L;
    int attrs, nextra = extra ? count_pairs(L, extra) : 0;
    push_entry_head(e, a, start, stop, entry);
    key(e, K_ATTRS);
    lua_createtable(L, 0, 2 + nextra);
    attrs = lua_gettop(L);
    key(e, K_NAME);
    lua_pushlstring(L, canonical, clen);
    lua_rawset(L, -3);
    if (category) {
        key(e, K_CATEGORY);
        lua_pushlstring(L, category, catlen);
        lua_rawset(L, -3);
    }
    if (extra) qr_ann_merge_absent(L, attrs, extra);   /* where the name and category left room */
    lua_rawset(L, -3);
}

/* Whether the value at idx is the string s of n bytes. */
static int is_string(lua_State *L, int idx, const char *s, size_t n)
{
    size_t len;
    const char *v;
    if (lua_type(L, idx) != LUA_TSTRING) return 0;
    v = lua_tolstring(L, idx, &len);
    return len == n && !memcmp(v, s, n);
}

void qr_ann_entry_record(lua_State *L, const char *canonical, size_t clen, const char *category, size_t catlen,
                         int extra)
{
    int nextra = extra ? count_pairs(L, extra) : 0, rec;
    lua_Integer i = REC_PAIRS;
    lua_createtable(L, REC_PAIRS - 1 + 2 * nextra, 0);
    rec = lua_gettop(L);
    lua_pushlstring(L, canonical, clen);
    lua_rawseti(L, rec, REC_NAME);
    if (category) lua_pushlstring(L, category, catlen);
    else lua_pushboolean(L, 0);
    lua_rawseti(L, rec, REC_CATEGORY);
    if (extra) lua_pushvalue(L, extra);
    else lua_pushboolean(L, 0);
    lua_rawseti(L, rec, REC_EXTRA);
    lua_pushinteger(L, 2 + nextra);
    lua_rawseti(L, rec, REC_SIZE);
    if (!extra) return;
    /* the pairs qr_ann_merge_absent sets: all but a name, and a category
     * when the entry has one (the attrs hold those already) */
    lua_pushnil(L);
    while (lua_next(L, extra)) {
        if (is_string(L, -2, "name", 4) || (category && is_string(L, -2, "category", 8))) {
            lua_pop(L, 1);
            continue;
        }
        lua_pushvalue(L, -2);
        lua_rawseti(L, rec, i++);
        lua_rawseti(L, rec, i++);
    }
}

void qr_ann_push_record(const qr_annemit *e, const qr_annentry *a, size_t start, size_t stop, int rec)
{
    lua_State *L = e->L;
    lua_Integer i;
    push_entry_head(e, a, start, stop, 0);
    key(e, K_ATTRS);
    lua_rawgeti(L, rec, REC_SIZE);
    lua_createtable(L, 0, (int)lua_tointeger(L, -1));
    lua_replace(L, -2);
    key(e, K_NAME);
    lua_rawgeti(L, rec, REC_NAME);
    lua_rawset(L, -3);
    key(e, K_CATEGORY);
    if (lua_rawgeti(L, rec, REC_CATEGORY) == LUA_TSTRING) lua_rawset(L, -3);
    else lua_pop(L, 2);
    for (i = REC_PAIRS; lua_rawgeti(L, rec, i) != LUA_TNIL; i += 2) {
        lua_rawgeti(L, rec, i + 1);
        lua_rawset(L, -3);
    }
    lua_pop(L, 1);
    lua_rawset(L, -3);
}

/***
@module quarry.core
*/

/* --- sorting ------------------------------------------------------------------- */

/* MERGE_SORT(name, T, ctx_t, before) defines
 *     static T *name(T *v, T *tmp, size_t n, ctx_t ctx)
 * which sorts the n items v (tmp: room for n more) and returns the array
 * that holds the result, v or tmp: a merge sort of runs of 8 made by
 * insertion, that copies a pair of runs already in order as it is.
 * before(ctx, a, b) says whether item a goes before item b; it is written
 * in place, since a call per comparison, as qsort makes, would be most of
 * a sort's time. The order must be total (the sorts here end in a
 * position), so the sort's stability does not matter. */
#define MERGE_SORT(name, T, ctx_t, before)                                                              \
    static T *name(T *v, T *tmp, size_t n, ctx_t ctx)                                                   \
    {                                                                                                   \
        enum { RUN = 8 };                                                                               \
        size_t i, j, w;                                                                                 \
        (void)ctx;                                                                                      \
        for (i = 0; i < n; i += RUN) {                                                                  \
            size_t e = i + RUN < n ? i + RUN : n;                                                       \
            for (j = i + 1; j < e; j++) {                                                               \
                T x = v[j];                                                                             \
                size_t p = j;                                                                           \
                while (p > i && before(ctx, x, v[p - 1])) {                                             \
                    v[p] = v[p - 1];                                                                    \
                    p--;                                                                                \
                }                                                                                       \
                v[p] = x;                                                                               \
            }                                                                                           \
        }                                                                                               \
        for (w = RUN; w < n; w *= 2) {                                                                  \
            T *t;                                                                                       \
            for (i = 0; i < n; i += 2 * w) {                                                            \
                size_t m = i + w < n ? i + w : n, e = i + 2 * w < n ? i + 2 * w : n, a = i, b = m, o = i; \
                if (m == e || !before(ctx, v[m], v[m - 1])) {   /* in order already: copied */          \
                    memcpy(tmp + i, v + i, (e - i) * sizeof *v);                                        \
                    continue;                                                                           \
                }                                                                                       \
                while (a < m && b < e) tmp[o++] = before(ctx, v[b], v[a]) ? v[b++] : v[a++];            \
                while (a < m) tmp[o++] = v[a++];                                                        \
                while (b < e) tmp[o++] = v[b++];                                                        \
            }                                                                                           \
            t = v, v = tmp, tmp = t;                                                                    \
        }                                                                                               \
        return v;                                                                                       \
    }

typedef struct sortkey {
    lua_Integer start, stop;
    const char *type;
    size_t tlen;
    int index;           /* position in the list, for a stable order */
} sortkey;

/* Whether a goes before b: by start, then longest first, then type, then
 * position (a total order: any sort gives the same list). Types are
 * mostly one interned string: the same pointer is the same type. */
static inline int key_before(const sortkey *a, const sortkey *b)
{
    int c;
    if (a->start != b->start) return a->start < b->start;
    if (a->stop != b->stop) return a->stop > b->stop;       /* longer first */
    if (a->type != b->type || a->tlen != b->tlen) {
        c = memcmp(a->type, b->type, a->tlen < b->tlen ? a->tlen : b->tlen);
        if (c) return c < 0;
        if (a->tlen != b->tlen) return a->tlen < b->tlen;
    }
    return a->index < b->index;
}

/* sort_keys(k, tmp, n, NULL): the n keys k sorted, in k or tmp. */
#define KEY_BEFORE(ctx, a, b) key_before(&(a), &(b))
MERGE_SORT(sort_keys, sortkey, const void *, KEY_BEFORE)

/* The scratch of the sorts (and of resolve_overlaps): a userdata kept as
 * upvalue 1 of the functions that sort, so that a sort allocates nothing
 * in the steady state. Taken from there while in use (a metamethod may
 * sort too: it then makes its own, and one an error leaves behind is
 * collected) and given back if not too large. Pushes it; returns room for
 * need bytes. */
#define SCRATCH_KEEP ((size_t)1 << 20)
static void *scratch_take_bytes(lua_State *L, size_t need)
{
    if (lua_type(L, lua_upvalueindex(1)) == LUA_TUSERDATA && lua_rawlen(L, lua_upvalueindex(1)) >= need) {
        lua_pushvalue(L, lua_upvalueindex(1));
        lua_pushboolean(L, 0);
        lua_replace(L, lua_upvalueindex(1));
    } else {
        size_t size = 64 * sizeof(sortkey);
        while (size < need) size *= 2;
        lua_newuserdatauv(L, size, 0);
    }
    return lua_touserdata(L, -1);
}

/* scratch_take_bytes with room for 2 * n keys */
static sortkey *scratch_take(lua_State *L, size_t n)
{
    return scratch_take_bytes(L, 2 * n * sizeof(sortkey));
}

/* Gives the scratch at idx back (scratch_take). */
static void scratch_give(lua_State *L, int idx)
{
    if (lua_rawlen(L, idx) > SCRATCH_KEEP) return;
    lua_pushvalue(L, idx);
    lua_replace(L, lua_upvalueindex(1));
}

/* Sorts the n keys (their items in the list at index 1, keys[i] of item
 * i + 1; tmp: room for n more) and puts the items in that order: from the
 * stack when items is the index of item 1 there (item i + 1 at items + i:
 * read with no Lua code run since), each out of place set once; else
 * read from the list and moved once, cycle by cycle. */
static void sort_list(lua_State *L, sortkey *keys, sortkey *tmp, size_t n, int items)
{
    size_t i, j;
    keys = sort_keys(keys, tmp, n, NULL);
    if (items) {
        for (i = 0; i < n; i++) {
            if (keys[i].index == (int)i + 1) continue;
            lua_pushvalue(L, items + keys[i].index - 1);
            lua_rawseti(L, 1, (lua_Integer)i + 1);
        }
        return;
    }
    for (i = 0; i < n; i++) {
        if (keys[i].index == (int)i + 1) continue;
        lua_rawgeti(L, 1, (lua_Integer)i + 1);     /* the item the cycle's last place takes */
        for (j = i;;) {
            size_t from = (size_t)keys[j].index - 1;
            keys[j].index = (int)j + 1;             /* placed */
            if (from == i) break;
            lua_rawgeti(L, 1, (lua_Integer)from + 1);
            lua_rawseti(L, 1, (lua_Integer)j + 1);
            j = from;
        }
        lua_rawseti(L, 1, (lua_Integer)j + 1);
    }
}

/* l_sort_annotations' stack: the list at 1, the scratch, the field
 * names once, the anchor of the types (or nil), then the items (each
 * left there while no Lua code can have run, for sort_list). */
enum { SORT_SCRATCH = 2, SORT_START, SORT_STOP, SORT_TYPE, SORT_ANCHOR, SORT_ITEM };

/* The types of items 1 .. n of the list kept alive in a table at
 * SORT_ANCHOR: a type read through a metamethod, or made of a number, is
 * held by no item, and a metamethod may change an item read before.
 * Items 1 .. n are tables without a metatable whose string types were
 * read with no Lua code run since: read again raw. */
static void anchor_types(lua_State *L, size_t n)
{
    size_t i;
    lua_createtable(L, (int)(n < INT_MAX ? n : 0), 0);
    lua_replace(L, SORT_ANCHOR);
    for (i = 0; i < n; i++) {
        lua_rawgeti(L, 1, (lua_Integer)i + 1);
        lua_pushvalue(L, SORT_TYPE);
        lua_rawget(L, -2);
        lua_rawseti(L, SORT_ANCHOR, (lua_Integer)i + 1);
        lua_pop(L, 1);
    }
}

/***
quarry.core.sort_annotations(list) -> list, sorted in place by start,
then longest first, then type (a stable order otherwise). Each item needs
integer start and stop and a string type; raises naming the bad item.
@function sort_annotations
@param list table the annotations {type, start, stop, ...}
@return table the same list, sorted
*/
static int l_sort_annotations(lua_State *L)
{
    size_t n, i;
    sortkey *keys;
    int anchored = 0, keep, item = SORT_ITEM;
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    n = lua_rawlen(L, 1);
    if (n < 2) return 1;
    keys = scratch_take(L, n);
    lua_pushliteral(L, "start");
    lua_pushliteral(L, "stop");
    lua_pushliteral(L, "type");
    lua_pushnil(L);
    keep = n <= (size_t)INT_MAX - SORT_ITEM - 8 && lua_checkstack(L, (int)n + 8);
    for (i = 0; i < n; i++) {
        int ok1, ok2;
        if (lua_rawgeti(L, 1, (lua_Integer)i + 1) != LUA_TTABLE)     /* at item */
            return luaL_error(L, "sort_annotations: item %d is not a table", (int)i + 1);
        if (!anchored && lua_getmetatable(L, item)) {    /* Lua code may run from here on */
            lua_pop(L, 1);
            anchor_types(L, i);
            anchored = 1;
        }
        /* fields read as lua_getfield would (an item may have a metatable) */
        lua_pushvalue(L, SORT_START);
        lua_gettable(L, item);
        lua_pushvalue(L, SORT_STOP);
        lua_gettable(L, item);
        lua_pushvalue(L, SORT_TYPE);
        lua_gettable(L, item);
        if (!anchored && lua_type(L, -1) != LUA_TSTRING) {      /* (a number's string is made below) */
            anchor_types(L, i);
            anchored = 1;
        }
        keys[i].start = lua_tointegerx(L, -3, &ok1);
        keys[i].stop = lua_tointegerx(L, -2, &ok2);
        keys[i].type = lua_tolstring(L, -1, &keys[i].tlen);
        if (!ok1 || !ok2 || !keys[i].type)
            return luaL_error(L, "sort_annotations: item %d needs integer start and stop and a type", (int)i + 1);
        if (anchored) {
            lua_rawseti(L, SORT_ANCHOR, (lua_Integer)i + 1);
            keep = 0;           /* (the items left so far stay unused) */
        }
        keys[i].index = (int)i + 1;
        lua_settop(L, keep ? item++ : item - 1);
    }
    sort_list(L, keys, keys + n, n, keep ? SORT_ITEM : 0);
    scratch_give(L, SORT_SCRATCH);
    lua_settop(L, 1);
    return 1;
}

/* --- overlaps -------------------------------------------------------------------- */

typedef qr_cand cand;

/* appelt: higher priority, then longer, then earlier, then the match that
 * started earlier (saw more context), then the rule declared first; and
 * the position in the list last (no two candidates are equal) */
static int cand_before_appelt(const cand *a, const cand *b)
{
    lua_Number la = a->stop - a->start, lb = b->stop - b->start;
    if (a->priority != b->priority) return a->priority > b->priority;
    if (la != lb) return la > lb;
    if (a->start != b->start) return a->start < b->start;
    if (a->cstart != b->cstart) return a->cstart < b->cstart;
    if (a->order != b->order) return a->order < b->order;
    return a->index < b->index;
}

/* first: where the match starts, then the rule declared first */
static int cand_before_first(const cand *a, const cand *b)
{
    if (a->cstart != b->cstart) return a->cstart < b->cstart;
    if (a->order != b->order) return a->order < b->order;
    return a->index < b->index;
}

static int cand_before(const cand *a, const cand *b, int appelt)
{
    return appelt ? cand_before_appelt(a, b) : cand_before_first(a, b);
}

/* The candidates and the style they are ordered by, for sort_order. */
typedef struct cands_by {
    const cand *c;
    int appelt;
} cands_by;

/* sort_order(perm, tmp, n, by): positions into by.c sorted by their
 * candidates, in perm or tmp. */
#define CAND_BEFORE(by, a, b) cand_before(&(by).c[a], &(by).c[b], (by).appelt)
MERGE_SORT(sort_order, int, cands_by, CAND_BEFORE)

/* sort_numbers(v, tmp, n, 0): the n numbers v in increasing order, in v
 * or tmp. */
#define NUMBER_BEFORE(ctx, a, b) ((a) < (b))
MERGE_SORT(sort_numbers, lua_Number, int, NUMBER_BEFORE)

/* The n candidates c in order, as positions into c: perm[0 .. n) (tmp:
 * room for n more). */
static void sort_cands(const cand *c, size_t n, int appelt, int *perm, int *tmp)
{
    cands_by by;
    int *sorted;
    size_t i;
    by.c = c;
    by.appelt = appelt;
    for (i = 0; i < n; i++) perm[i] = (int)i;
    sorted = sort_order(perm, tmp, n, by);
    if (sorted != perm) memcpy(perm, sorted, n * sizeof *perm);
}

/* t[key] (key: the stack index of the field's name; t: an absolute
 * index), which must be a number. */
static lua_Number number_field(lua_State *L, int t, int key, const char *what, int i)
{
    int isnum;
    lua_Number v;
    lua_pushvalue(L, key);
    lua_gettable(L, t);
    v = lua_tonumberx(L, -1, &isnum);
    if (!isnum) luaL_error(L, "resolve_overlaps: %s %d needs a number '%s'", what, i, lua_tostring(L, key));
    lua_pop(L, 1);
    return v;
}

/* How many of the n sorted values are below v. */
static size_t rank_of(const lua_Number *v, size_t n, lua_Number x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < x) lo = mid + 1; else hi = mid;
    }
    return lo;
}

/* The rules whose priority and order l_resolve_overlaps keeps, by the
 * rule table: a phase has a few dozen rules, and candidates of different
 * rules alternate. */
#define RULES_SEEN 64

/***
quarry.core.resolve_overlaps(candidates, rules, starts, control [, deferred]) -> kept
Which candidates a phase keeps, by its control style ("appelt" or
"first"): their indexes, best first, each overlapping none kept before it
(two spans overlap when each starts before the other stops: an empty span
[p, p) overlaps one that holds p strictly inside). O(n log n).
candidates[i] needs numbers start and stop (or is the number of an
annotation in deferred, matcher:run's, whose span it takes); rules[i]
(its rule) numbers priority and order; starts[i] is where its match
started. appelt ranks by priority, then length, then start, then match
start, then rule order; first by match start, then rule order.
@function resolve_overlaps
@param candidates table the candidates {start, stop, ...}
@param rules table the rule of each candidate {priority, order}
@param starts table where each candidate's match started
@param control string "appelt" or "first"
@param deferred userdata optional: the annotations matcher:run deferred
@return table the indexes of the candidates kept, best first
*/
static int l_resolve_overlaps(lua_State *L)
{
    size_t n, i, nkept;
    cand *c;
    lua_Number *coord;
    int *kept;
    const char *control;
    const void *last_rule = NULL;
    const qr_anndefer *d;
    struct { const void *rule; lua_Number priority; lua_Integer order; } seen[RULES_SEEN];
    int nseen = 0;
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checktype(L, 2, LUA_TTABLE);
    luaL_checktype(L, 3, LUA_TTABLE);
    control = luaL_checkstring(L, 4);
    if (strcmp(control, "appelt") != 0 && strcmp(control, "first") != 0)
        return luaL_argerror(L, 4, "control must be \"appelt\" or \"first\"");
    d = qr_anndefer_opt(L, 5);
    lua_settop(L, 5);
    lua_pushliteral(L, "start");    /* the field names once, at 6 to 9 */
    lua_pushliteral(L, "stop");
    lua_pushliteral(L, "priority");
    lua_pushliteral(L, "order");
    n = lua_rawlen(L, 1);
    /* 10: the candidates, the numbers qr_resolve_overlaps needs, and the
     * indexes kept (the scratch of the sorts' kind, its own; one an error
     * leaves taken is collected) */
    c = scratch_take_bytes(L, n * sizeof *c + (4 * n + 2) * sizeof(lua_Number) + n * sizeof(int));
    coord = (lua_Number *)(c + n);
    kept = (int *)(coord + 4 * n + 2);
    for (i = 0; i < n; i++) {
        int isnum;
        const void *rule;
        int t = lua_rawgeti(L, 1, (lua_Integer)i + 1);
        if (t == LUA_TNUMBER && d) {
            size_t as, ae;
            if (!qr_anndefer_span(d, lua_tointegerx(L, -1, &isnum), &as, &ae) || !isnum)
                return luaL_error(L, "resolve_overlaps: candidate %d is no deferred annotation", (int)i + 1);
            c[i].start = (lua_Number)as;
            c[i].stop = (lua_Number)ae;
        } else if (t != LUA_TTABLE) {
            return luaL_error(L, "resolve_overlaps: candidate %d is not a table", (int)i + 1);
        } else {
            c[i].start = number_field(L, 11, 6, "candidate", (int)i + 1);
            c[i].stop = number_field(L, 11, 7, "candidate", (int)i + 1);
        }
        if (lua_rawgeti(L, 2, (lua_Integer)i + 1) != LUA_TTABLE)
            return luaL_error(L, "resolve_overlaps: the rule of candidate %d is not a table", (int)i + 1);
        /* a rule's priority and order, read once a call (for its first
         * candidate) for the first RULES_SEEN rules, else once for the
         * candidates of one rule in a row */
        rule = lua_topointer(L, -1);
        if (i > 0 && rule == last_rule) {
            c[i].priority = c[i - 1].priority;
            c[i].order = c[i - 1].order;
        } else {
            int s;
            last_rule = rule;
            for (s = 0; s < nseen && seen[s].rule != rule; s++) {}
            if (s < nseen) {
                c[i].priority = seen[s].priority;
                c[i].order = seen[s].order;
            } else {
                c[i].priority = number_field(L, 12, 8, "the rule of candidate", (int)i + 1);
                c[i].order = (lua_Integer)number_field(L, 12, 9, "the rule of candidate", (int)i + 1);
                if (nseen < RULES_SEEN) {
                    seen[nseen].rule = rule;
                    seen[nseen].priority = c[i].priority;
                    seen[nseen++].order = c[i].order;
                }
            }
        }
        lua_rawgeti(L, 3, (lua_Integer)i + 1);
        c[i].cstart = lua_tonumberx(L, -1, &isnum);
        if (!isnum) return luaL_error(L, "resolve_overlaps: the start of match %d is not a number", (int)i + 1);
        c[i].index = (int)i + 1;
        lua_pop(L, 3);
    }
    nkept = qr_resolve_overlaps(c, n, control[0] == 'a', coord, kept);
    lua_createtable(L, (int)(nkept < 1024 ? nkept : 1024), 0);
    for (i = 0; i < nkept; i++) {
        lua_pushinteger(L, kept[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    scratch_give(L, 10);
    return 1;
}

/* Below this many candidates each is tested against the spans kept one by
 * one (at most FEW_CANDS - 1 of them) rather than through the tree. */
#define FEW_CANDS 32

size_t qr_resolve_overlaps(qr_cand *c, size_t n, int appelt, lua_Number *coord, int *kept)
{
    lua_Number *best = coord + 2 * n;   /* a Fenwick tree over the sorted starts and stops: the
                                         * latest stop of a kept span by start */
    int *order = kept;                  /* the candidates' order, read ahead of kept's writes */
    size_t i, ncoord, nkept = 0;
    /* (the order's scratch in the tree's room, before the tree is made) */
    sort_cands(c, n, appelt, order, (int *)(void *)best);
    if (n < FEW_CANDS) {
        /* [s, e) overlaps a kept span k when k.start < e and s < k.stop;
         * the spans kept as pairs in coord */
        for (i = 0; i < n; i++) {
            const cand *ci = &c[order[i]];
            size_t k;
            for (k = 0; k < nkept; k++)
                if (coord[2 * k] < ci->stop && ci->start < coord[2 * k + 1]) break;
            if (k < nkept) continue;
            coord[2 * nkept] = ci->start;
            coord[2 * nkept + 1] = ci->stop;
            kept[nkept++] = ci->index;
        }
        return nkept;
    }
    for (i = 0; i < n; i++) {
        coord[2 * i] = c[i].start;
        coord[2 * i + 1] = c[i].stop;
    }
    {
        lua_Number *sorted = sort_numbers(coord, best, 2 * n, 0);
        if (sorted != coord) memcpy(coord, sorted, 2 * n * sizeof *coord);
    }
    for (i = 0, ncoord = 0; i < 2 * n; i++)
        if (ncoord == 0 || coord[i] != coord[ncoord - 1]) coord[ncoord++] = coord[i];
    for (i = 0; i <= ncoord; i++) best[i] = -HUGE_VAL;
    for (i = 0; i < n; i++) {
        /* [s, e) overlaps a kept span k when k.start < e and s < k.stop:
         * the latest stop of the kept spans that start before e decides */
        const cand *ci = &c[order[i]];
        size_t k = rank_of(coord, ncoord, ci->stop);
        lua_Number latest = -HUGE_VAL;
        for (; k > 0; k -= k & (~k + 1)) if (best[k] > latest) latest = best[k];
        if (latest > ci->start) continue;
        for (k = rank_of(coord, ncoord, ci->start) + 1; k <= ncoord; k += k & (~k + 1))
            if (best[k] < ci->stop) best[k] = ci->stop;
        kept[nkept++] = ci->index;
    }
    return nkept;
}

/* Pushes t[key] as Lua's t.field reads it, key the field's name at stack
 * index key (pushed once a call: lua_getfield would intern it every time);
 * returns its type. */
static int get(lua_State *L, int t, int key)
{
    lua_pushvalue(L, key);
    return lua_gettable(L, t);
}

/* Whether the value on top of the stack is an integer in [lo, hi] (left
 * there). */
static int integer_within(lua_State *L, lua_Integer lo, lua_Integer hi, lua_Integer *v)
{
    int ok = lua_isinteger(L, -1);
    *v = ok ? lua_tointeger(L, -1) : 0;
    return ok && *v >= lo && *v <= hi;
}

/***
quarry.core.complete_annotations(list, text, phase [, sort]) -> nil | i
What a document phase returned, checked and completed in order, as a
loop of ipairs over list would: each annotation a table with a string
type and integer start <= stop within text; one without a phase gets
phase and, when it has none, rule (both the phase's name); one without a
text gets text's bytes [start, stop). Fields are read and set as Lua's
a.field reads and sets them. Returns the index of the first annotation
that is not so (those before it completed), or nil; with sort, the list,
once all are completed, is then sorted as sort_annotations sorts it.
@function complete_annotations
@param list table the annotations
@param text string the document's text
@param phase string the phase's name
@param sort boolean optional: sort the list once completed
@return integer the first bad annotation's index, or nil
*/
static int l_complete_annotations(lua_State *L)
{
    /* the sorts' scratch (or nil) at 5; the field names once, at 6 to 11;
     * the annotation at A (12), and above it the fields read, up to the
     * next; with the sort's keys, each annotation stays there (the next at
     * A + 1 ...: for sort_list) */
    enum { SCRATCH = 5, TYPE, START, STOP, PHASE, RULE, TEXT, A };
    size_t len, n = 0;
    const char *text = luaL_checklstring(L, 2, &len);
    lua_Integer i, start, stop;
    sortkey *keys = NULL;
    int sort, plain, a = A, keep;
    luaL_checkstring(L, 3);
    luaL_checkstack(L, 16, "annotations");
    sort = lua_toboolean(L, 4);
    lua_settop(L, 4);
    /* the sort's keys are read here from a list of plain tables (no
     * metatable: what completing sets leaves them as read); else the sort
     * reads them again */
    plain = sort && !lua_getmetatable(L, 1);
    if (!plain) lua_settop(L, 4);
    if (plain && (n = lua_rawlen(L, 1)) >= 2) keys = scratch_take(L, n);
    else lua_pushnil(L);
    lua_pushliteral(L, "type");
    lua_pushliteral(L, "start");
    lua_pushliteral(L, "stop");
    lua_pushliteral(L, "phase");
    lua_pushliteral(L, "rule");
    lua_pushliteral(L, "text");
    keep = keys && n <= (size_t)INT_MAX - A - 16 && lua_checkstack(L, (int)n + 16);
    for (i = 1;; i++) {
        sortkey *k = NULL;
        if (lua_geti(L, 1, i) == LUA_TNIL) break;         /* at a */
        if (lua_type(L, a) != LUA_TTABLE) break;
        if (keys && (size_t)i <= n && !lua_getmetatable(L, a)) k = &keys[i - 1];
        else if (keys) {             /* an item with a metatable: the sort reads them all again */
            scratch_give(L, SCRATCH);
            keys = NULL;
            keep = 0;
        }
        if (get(L, a, TYPE) != LUA_TSTRING) break;
        if (k) k->type = lua_tolstring(L, -1, &k->tlen);     /* anchored by the item */
        get(L, a, START);
        if (!integer_within(L, 0, (lua_Integer)len, &start)) break;
        get(L, a, STOP);
        if (!integer_within(L, start, (lua_Integer)len, &stop)) break;
        if (k) {
            k->start = start;
            k->stop = stop;
            k->index = (int)i;
        }
        if (get(L, a, PHASE) == LUA_TNIL) {
            lua_pushvalue(L, PHASE);
            lua_pushvalue(L, 3);
            lua_settable(L, a);
            if (get(L, a, RULE) == LUA_TNIL || !lua_toboolean(L, -1)) {
                lua_pushvalue(L, RULE);
                lua_pushvalue(L, 3);
                lua_settable(L, a);
            }
            lua_pop(L, 1);
        }
        if (get(L, a, TEXT) == LUA_TNIL) {
            lua_pushvalue(L, TEXT);
            lua_pushlstring(L, text + start, (size_t)(stop - start));
            lua_settable(L, a);
        }
        lua_settop(L, keep ? a++ : a - 1);
    }
    if (lua_type(L, a) != LUA_TNIL) {
        if (keys) scratch_give(L, SCRATCH);     /* (nothing to sort: the caller raises) */
        lua_pushinteger(L, i);
        return 1;
    }
    if (!sort) return 0;
    if (keys && (size_t)i - 1 == n) {
        sort_list(L, keys, keys + n, n, keep ? A : 0);
        scratch_give(L, SCRATCH);
    } else if (!plain || n >= 2) {
        lua_settop(L, 1);
        l_sort_annotations(L);
    }
    return 0;
}

/* --- candidates of rule phases ------------------------------------------------------ */

/* The value on top of the stack as math.tointeger would make it of an
 * integer or a float with an integral value; pops it. 0 when it is not one. */
static int pop_integer(lua_State *L, lua_Integer *v)
{
    int ok = 0;
    if (lua_isinteger(L, -1)) {
        *v = lua_tointeger(L, -1);
        ok = 1;
    } else if (lua_type(L, -1) == LUA_TNUMBER) {
        lua_Number d = lua_tonumber(L, -1);
        ok = d == floor(d) && lua_numbertointeger(d, v);
    }
    lua_pop(L, 1);
    return ok;
}

/* Checks the annotation at a (a table) and appends it to the list at out,
 * as the rule engine's checked does, returning 0; when it is not so, pushes
 * the problem (and for "span" the start and stop given) and returns how
 * many values it pushed. The names "type", "start" and "stop" are at keys,
 * keys + 1 and keys + 2. */
static int check_append(lua_State *L, int a, int out, lua_Integer size, int type, int keys)
{
    lua_Integer start = 0, stop = 0;
    int ok;
    lua_pushvalue(L, keys);
    get(L, a, keys);
    if (!lua_toboolean(L, -1)) {
        lua_pop(L, 1);
        lua_pushvalue(L, type);
    }
    lua_settable(L, a);
    get(L, a, keys + 1);
    ok = pop_integer(L, &start);
    get(L, a, keys + 2);
    ok = pop_integer(L, &stop) && ok;
    if (!ok || start < 0 || stop < start || stop > size) {
        lua_pushliteral(L, "span");
        get(L, a, keys + 1);
        get(L, a, keys + 2);
        return 3;
    }
    if (get(L, a, keys) != LUA_TSTRING) {
        if (lua_isnil(L, -1)) lua_pushliteral(L, "no type");
        else lua_pushliteral(L, "type");
        return 1;
    }
    lua_pop(L, 1);
    lua_pushvalue(L, keys + 1);
    lua_pushinteger(L, start);
    lua_settable(L, a);
    lua_pushvalue(L, keys + 2);
    lua_pushinteger(L, stop);
    lua_settable(L, a);
    lua_pushvalue(L, a);
    lua_rawseti(L, out, (lua_Integer)lua_rawlen(L, out) + 1);
    return 0;
}

/***
quarry.core.emit_annotations(res, out, size, type) -> nil | problem, start, stop
What a rule's action returned (res: one annotation, a table with a type or
a start, or a list of them), appended to the list out in order, each
checked as the rule engine does it: a table with numeric start and stop
(else problem "numbers"), given `type` when it has none, start and stop
integers (floats of integral value made integers) with 0 <= start <= stop
<= size (else "span", with the start and stop it has), a string type (else
"no type" or "type"). Fields are read and set as Lua's a.field does.
Returns nil when all are appended, or the first one's problem (those
before it appended).
@function emit_annotations
@param res table what the action returned
@param out table the candidates so far
@param size integer the text's length in bytes
@param type string the rule's type, or nil
@return string nil, or the problem
@return any the bad annotation's start ("span")
@return any its stop ("span")
*/
static int l_emit_annotations(lua_State *L)
{
    lua_Integer i, size;
    int bad;
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checktype(L, 2, LUA_TTABLE);
    size = luaL_checkinteger(L, 3);
    lua_settop(L, 4);
    if (lua_getfield(L, 1, "type") != LUA_TNIL && lua_toboolean(L, -1)) lua_pushboolean(L, 1);
    else lua_getfield(L, 1, "start");
    if (lua_toboolean(L, -1)) {         /* one annotation: as the list {res} */
        lua_createtable(L, 1, 0);
        lua_pushvalue(L, 1);
        lua_rawseti(L, -2, 1);
        lua_replace(L, 1);
    }
    lua_settop(L, 4);
    lua_pushliteral(L, "type");     /* the field names once, at 5 to 7 */
    lua_pushliteral(L, "start");
    lua_pushliteral(L, "stop");
    for (i = 1; lua_geti(L, 1, i) != LUA_TNIL; i++) {   /* the annotation at 8 */
        if (lua_type(L, 8) != LUA_TTABLE || get(L, 8, 6) != LUA_TNUMBER || get(L, 8, 7) != LUA_TNUMBER) {
            lua_pushliteral(L, "numbers");
            return 1;
        }
        lua_settop(L, 8);
        bad = check_append(L, 8, 2, size, 4, 5);
        if (bad) return bad;
        lua_settop(L, 7);
    }
    return 0;
}

/***
quarry.core.append_declared(cands, crules, cstarts, matches, mrules, mstarts, rules, k, keep_all) -> k
Appends to cands the annotations matcher:run made of declared rules'
matches (those with a phase, or the numbers of those it deferred), from matches[k] on, in order, with the rule
of each (rules[mrules[i]]) and where its match starts (mstarts[i]) at the
same index of crules and cstarts (neither when keep_all). Stops at the
first match that is no annotation (a shaped rule's Match): returns its
index, or nil when there is none left.
@function append_declared
@param cands table the candidates so far
@param crules table their rules
@param cstarts table where their matches start
@param matches table matcher:run's list
@param mrules table matcher:run's rule numbers
@param mstarts table matcher:run's starts
@param rules table the phase's rules by number
@param k integer the first match to look at
@param keep_all boolean whether the phase keeps every candidate
@return integer the index of the first Match, or nil
*/
static int l_append_declared(lua_State *L)
{
    lua_Integer k, nm, n;
    int i, keep_all;
    for (i = 1; i <= 7; i++) luaL_checktype(L, i, LUA_TTABLE);
    k = luaL_checkinteger(L, 8);
    keep_all = lua_toboolean(L, 9);
    lua_settop(L, 9);
    nm = (lua_Integer)lua_rawlen(L, 4);
    n = (lua_Integer)lua_rawlen(L, 1);
    for (; k <= nm; k++) {
        /* the match at 10: an annotation, or the number of a deferred one */
        if (lua_rawgeti(L, 4, k) != LUA_TNUMBER) {
            lua_getfield(L, 10, "phase");
            if (!lua_toboolean(L, -1)) {
                lua_pushinteger(L, k);
                return 1;
            }
            lua_pop(L, 1);
        }
        lua_rawseti(L, 1, ++n);
        if (keep_all) continue;
        lua_rawgeti(L, 5, k);
        lua_gettable(L, 7);
        lua_rawseti(L, 2, n);
        lua_rawgeti(L, 6, k);
        lua_rawseti(L, 3, n);
    }
    return 0;
}

/* rules[mrules[i]] (its rule number read as Lua's rules[n] does) at
 * stack index slot, left there when match i has the rule number of the
 * match before it (*last: that number, or -1 when it was none). */
static void rule_of(lua_State *L, int mrules, int rules, lua_Integer i, int slot, lua_Integer *last)
{
    lua_Integer r;
    int isnum;
    lua_rawgeti(L, mrules, i);
    r = lua_tointegerx(L, -1, &isnum);
    if (isnum && r >= 0 && r == *last) {
        lua_pop(L, 1);
        return;
    }
    *last = isnum && r >= 0 ? r : -1;
    lua_gettable(L, rules);
    lua_replace(L, slot);
}

/***
quarry.core.declared_candidates(matches, mrules, mstarts, rules, keep_all) -> cands, crules, cstarts, k
A token phase's first candidates: the annotations matcher:run made of
declared rules' matches (those with a phase, or the numbers of those it
deferred), from the first match on, in
order, with the rule of each (rules[mrules[i]]) and where its match starts
(mstarts[i]) at the same index of crules and cstarts (both empty when
keep_all), up to the first match that is no annotation (a shaped rule's
Match), whose index is k (nil when there is none). When every match is an
annotation, cands is matches itself and cstarts mstarts (the matcher makes
them afresh each run, for its caller); otherwise new lists, made at the
size of matches.
@function declared_candidates
@param matches table matcher:run's list
@param mrules table matcher:run's rule numbers
@param mstarts table matcher:run's starts
@param rules table the phase's rules by number
@param keep_all boolean whether the phase keeps every candidate
@return table cands
@return table crules
@return table cstarts
@return integer the index of the first Match, or nil
*/
static int l_declared_candidates(lua_State *L)
{
    enum { MATCHES = 1, MRULES, MSTARTS, RULES, KEEP_ALL, PHASE, CANDS, CRULES, CSTARTS, RULE };
    lua_Integer k, nm, i, last = -1;
    int keep_all, prealloc;
    for (k = 1; k <= 4; k++) luaL_checktype(L, (int)k, LUA_TTABLE);
    keep_all = lua_toboolean(L, KEEP_ALL);
    lua_settop(L, KEEP_ALL);
    lua_pushliteral(L, "phase");
    nm = (lua_Integer)lua_rawlen(L, MATCHES);
    for (k = 1; k <= nm; k++) {
        /* an annotation, or the number of a deferred one */
        if (lua_rawgeti(L, MATCHES, k) == LUA_TNUMBER) {
            lua_pop(L, 1);
            continue;
        }
        lua_pushvalue(L, PHASE);
        lua_gettable(L, -2);
        if (!lua_toboolean(L, -1)) break;
        lua_pop(L, 2);
    }
    lua_settop(L, PHASE);
    prealloc = (int)(nm < 1024 ? nm : 1024);
    if (k > nm) lua_pushvalue(L, MATCHES);
    else lua_createtable(L, prealloc, 0);
    lua_createtable(L, keep_all ? 0 : prealloc, 0);
    if (k > nm && !keep_all) lua_pushvalue(L, MSTARTS);
    else lua_createtable(L, keep_all ? 0 : prealloc, 0);
    lua_pushnil(L);                     /* the rule of the match at RULE */
    for (i = 1; i < k; i++) {
        if (k <= nm) {
            lua_rawgeti(L, MATCHES, i);
            lua_rawseti(L, CANDS, i);
        }
        if (keep_all) continue;
        rule_of(L, MRULES, RULES, i, RULE, &last);
        lua_pushvalue(L, RULE);
        lua_rawseti(L, CRULES, i);
        if (k <= nm) {
            lua_rawgeti(L, MSTARTS, i);
            lua_rawseti(L, CSTARTS, i);
        }
    }
    lua_settop(L, CSTARTS);
    if (k <= nm) lua_pushinteger(L, k);
    else lua_pushnil(L);
    return 4;
}

/***
quarry.core.append_candidates(cands, crules, cstarts, list, rule, starts, keep_all) -> cands
Appends the annotations of list, in order, to cands, with rule at the
same index of crules and where each one's match starts at that of
cstarts: starts[k] for list[k], or its own start (list[k].start, read as
Lua's a.field does) when starts is nil; neither when keep_all.
@function append_candidates
@param cands table the candidates so far
@param crules table their rules
@param cstarts table where their matches start
@param list table the annotations of one rule
@param rule table the rule
@param starts table optional: where the match of each annotation starts
@param keep_all boolean whether the phase keeps every candidate
@return table cands
*/
static int l_append_candidates(lua_State *L)
{
    lua_Integer k, nl, n;
    int has_starts, keep_all;
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checktype(L, 2, LUA_TTABLE);
    luaL_checktype(L, 3, LUA_TTABLE);
    luaL_checktype(L, 4, LUA_TTABLE);
    luaL_checkany(L, 5);
    has_starts = !lua_isnoneornil(L, 6);
    if (has_starts) luaL_checktype(L, 6, LUA_TTABLE);
    keep_all = lua_toboolean(L, 7);
    lua_settop(L, 7);
    nl = (lua_Integer)lua_rawlen(L, 4);
    n = (lua_Integer)lua_rawlen(L, 1);
    lua_pushliteral(L, "start");    /* at 8 */
    for (k = 1; k <= nl; k++) {
        lua_rawgeti(L, 4, k);       /* the annotation at 9 */
        if (!keep_all) {
            lua_pushvalue(L, 5);
            lua_rawseti(L, 2, n + k);
            if (has_starts) lua_rawgeti(L, 6, k);
            else {
                lua_pushvalue(L, 8);
                lua_gettable(L, 9);
            }
            lua_rawseti(L, 3, n + k);
        }
        lua_rawseti(L, 1, n + k);
    }
    lua_settop(L, 1);
    return 1;
}

/* string.sub(s, i, j) of integers, as Lua computes it, pushed. */
static void push_sub(lua_State *L, const char *s, size_t len, lua_Integer i, lua_Integer j)
{
    lua_Integer l = (lua_Integer)len;
    if (i < 0) i = i < -l ? 1 : l + i + 1;
    else if (i == 0) i = 1;
    if (j < 0) j = j < -l ? 0 : l + j + 1;
    else if (j > l) j = l;
    if (i <= j) lua_pushlstring(L, s + i - 1, (size_t)(j - i + 1));
    else lua_pushliteral(L, "");
}

/***
quarry.core.append_kept(anns, cands, rules, kept, text, phase [, deferred]) -> anns
Appends the candidates a rule phase keeps (cands[kept[k]] in order, or
every candidate when kept is false) to anns, as the rule engine does: one
whose phase is not `phase` gets rule (its own, or its rule's name), phase
and text (text:sub(start + 1, stop)); one whose rule (rules[i]) has a rank
gets it. A candidate that is a number is the annotation of that number in
deferred (matcher:run's), made now. Fields are read and set as Lua's
a.field does.
@function append_kept
@param anns table the annotations so far
@param cands table the candidates
@param rules table the rule of each candidate (nil for some when kept is false)
@param kept table|boolean the indexes kept, or false for all
@param text string the document's text
@param phase string the phase's name
@param deferred userdata optional: the annotations matcher:run deferred
@return table anns
*/
static int l_append_kept(lua_State *L)
{
    enum { DEFERRED = 7, PHASE, RULE, NAME, START, STOP, TEXT, RANK };
    size_t len;
    const char *text;
    lua_Integer k, n, nk, i;
    const void *last_rule = NULL;
    int all, last_ranked = 0, C, R, RK;     /* C: the candidate, R: its rule */
    qr_annemit e;
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checktype(L, 2, LUA_TTABLE);
    luaL_checktype(L, 3, LUA_TTABLE);
    all = !lua_toboolean(L, 4);
    if (!all) luaL_checktype(L, 4, LUA_TTABLE);
    text = luaL_checklstring(L, 5, &len);
    luaL_checktype(L, 6, LUA_TSTRING);
    lua_settop(L, DEFERRED);
    lua_pushliteral(L, "phase");    /* the field names once, at 8 to 14 */
    lua_pushliteral(L, "rule");
    lua_pushliteral(L, "name");
    lua_pushliteral(L, "start");
    lua_pushliteral(L, "stop");
    lua_pushliteral(L, "text");
    lua_pushliteral(L, "rank");
    if (qr_anndefer_opt(L, DEFERRED)) qr_anndefer_begin(L, DEFERRED, &e);
    else e.L = NULL;
    lua_pushnil(L);                     /* the rank of the last rule looked up, at RK */
    RK = lua_gettop(L);
    C = RK + 1;
    R = C + 1;
    n = (lua_Integer)lua_rawlen(L, 1);
    nk = (lua_Integer)lua_rawlen(L, all ? 2 : 4);
    for (k = 1; k <= nk; k++) {
        const void *rule;
        if (all) i = k;
        else {
            lua_rawgeti(L, 4, k);
            i = lua_tointeger(L, -1);
            lua_pop(L, 1);
        }
        if (lua_rawgeti(L, 2, i) == LUA_TNUMBER && e.L) {   /* the candidate at C */
            lua_Integer di = lua_tointeger(L, C);
            lua_pop(L, 1);
            qr_anndefer_push(&e, di);
        }
        lua_rawgeti(L, 3, i);           /* its rule at R */
        get(L, C, PHASE);
        if (!lua_rawequal(L, -1, 6)) {
            lua_Integer start, stop;
            lua_pushvalue(L, RULE);
            if (get(L, C, RULE) == LUA_TNIL || !lua_toboolean(L, -1)) {
                lua_pop(L, 1);
                get(L, R, NAME);
            }
            lua_settable(L, C);
            lua_pushvalue(L, PHASE);
            lua_pushvalue(L, 6);
            lua_settable(L, C);
            get(L, C, START);
            get(L, C, STOP);
            start = luaL_checkinteger(L, -2);
            stop = luaL_checkinteger(L, -1);
            lua_pop(L, 2);
            lua_pushvalue(L, TEXT);
            push_sub(L, text, len, start + 1, stop);
            lua_settable(L, C);
        }
        lua_pop(L, 1);
        /* a rule's rank, looked up once for the candidates of one rule in a row */
        rule = lua_toboolean(L, R) ? lua_topointer(L, R) : NULL;
        if (rule && rule != last_rule) {
            last_rule = rule;
            last_ranked = get(L, R, RANK) != LUA_TNIL;
            lua_replace(L, RK);
        }
        if (rule && last_ranked) {
            lua_pushvalue(L, RANK);
            lua_pushvalue(L, RK);
            lua_settable(L, C);
        }
        lua_pop(L, 1);
        lua_rawseti(L, 1, ++n);
    }
    lua_settop(L, 1);
    return 1;
}

void qr_open_ann(lua_State *L)
{
    qr_names_store(L, &key_list, key_names, K_COUNT);
    luaL_newmetatable(L, QR_ANNDEFER_MT);
    lua_pushcfunction(L, anndefer_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    lua_pushboolean(L, 0);              /* its scratch, made when first needed */
    lua_pushcclosure(L, l_resolve_overlaps, 1);
    lua_setfield(L, -2, "resolve_overlaps");
    lua_pushboolean(L, 0);              /* the sorts' scratch, made when first needed */
    lua_pushcclosure(L, l_sort_annotations, 1);
    lua_setfield(L, -2, "sort_annotations");
    lua_pushboolean(L, 0);
    lua_pushcclosure(L, l_complete_annotations, 1);
    lua_setfield(L, -2, "complete_annotations");
    lua_pushcfunction(L, l_emit_annotations);
    lua_setfield(L, -2, "emit_annotations");
    lua_pushcfunction(L, l_append_kept);
    lua_setfield(L, -2, "append_kept");
    lua_pushcfunction(L, l_append_declared);
    lua_setfield(L, -2, "append_declared");
    lua_pushcfunction(L, l_declared_candidates);
    lua_setfield(L, -2, "declared_candidates");
    lua_pushcfunction(L, l_append_candidates);
    lua_setfield(L, -2, "append_candidates");
}
