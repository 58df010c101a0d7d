/*
 * Annotations as Lua values (qr_ann.h).
 */
#include "qr_ann.h"

#include <stdlib.h>
#include <string.h>

/* The field names, pushed once a call at e->keys. */
enum { K_TYPE, K_START, K_STOP, K_ATTRS, K_RULE, K_PHASE, K_TEXT, K_ENTRY, K_NAME, K_CATEGORY, K_COUNT };
static const char *const key_names[K_COUNT] = {
    "type", "start", "stop", "attrs", "rule", "phase", "text", "entry", "name", "category"
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

void qr_ann_begin(lua_State *L, qr_annemit *e, int values, const char *text,
                  int (*cap)(void *ud, int ref, size_t *start, size_t *stop), void *ud)
{
    int k;
    luaL_checkstack(L, K_COUNT + 8, "annotations");
    e->L = L;
    e->keys = lua_gettop(L) + 1;
    for (k = 0; k < K_COUNT; k++) lua_pushstring(L, key_names[k]);
    e->values = values;
    e->text = text;
    e->cap = cap;
    e->ud = ud;
}

/* t[key k] = the value on top (popped); t is below it */
static void set(const qr_annemit *e, int k)
{
    lua_pushvalue(e->L, e->keys + k);
    lua_insert(e->L, -2);
    lua_rawset(e->L, -3);
}

int qr_ann_push(const qr_annemit *e, const qr_annspec *s, size_t ms, size_t me)
{
    lua_State *L = e->L;
    size_t as = ms, ae = me;
    int k;
    if (s->span >= 0 && !e->cap(e->ud, s->span, &as, &ae)) return 0;
    lua_createtable(L, 0, 7);
    lua_rawgeti(L, e->values, s->type);
    set(e, K_TYPE);
    lua_pushinteger(L, (lua_Integer)as);
    set(e, K_START);
    lua_pushinteger(L, (lua_Integer)ae);
    set(e, K_STOP);
    if (s->nattrs >= 0) {
        lua_newtable(L);        /* grown as the Lua side grows it: the same order for pairs() */
        for (k = 0; k < s->nattrs; k++) {
            const qr_annattr *a = &s->attrs[k];
            size_t cs, ce;
            if (a->kind == QR_ANN_CAP && !e->cap(e->ud, a->arg, &cs, &ce)) continue;   /* nil */
            lua_rawgeti(L, e->values, a->key);
            if (a->kind == QR_ANN_CONST) lua_rawgeti(L, e->values, a->arg);
            else if (a->kind == QR_ANN_CAP) lua_pushlstring(L, e->text + cs, ce - cs);
            else lua_pushlstring(L, e->text + ms, me - ms);
            lua_rawset(L, -3);
        }
        set(e, K_ATTRS);
    }
    lua_rawgeti(L, e->values, s->rule);
    set(e, K_RULE);
    lua_rawgeti(L, e->values, s->phase);
    set(e, K_PHASE);
    lua_pushlstring(L, e->text + as, ae - as);
    set(e, K_TEXT);
    return 1;
}

void qr_ann_push_entry(const qr_annemit *e, int type, int rule, int phase, size_t start, size_t stop,
                       const char *canonical, size_t clen, const char *category, size_t catlen,
                       lua_Integer entry)
{
    lua_State *L = e->L;
    lua_createtable(L, 0, 7);
    lua_pushvalue(L, type);
    set(e, K_TYPE);
    lua_pushinteger(L, (lua_Integer)start);
    set(e, K_START);
    lua_pushinteger(L, (lua_Integer)stop);
    set(e, K_STOP);
    lua_pushlstring(L, e->text + start, stop - start);
    set(e, K_TEXT);
    if (rule) {
        lua_pushvalue(L, rule);
        set(e, K_RULE);
    }
    if (phase) {
        lua_pushvalue(L, phase);
        set(e, K_PHASE);
    }
    if (entry > 0) {
        /* the entry's own attrs: the rule engine decodes them once per entry */
        lua_pushinteger(L, entry);
        set(e, K_ENTRY);
    }
    lua_createtable(L, 0, 2);
    lua_pushlstring(L, canonical, clen);
    set(e, K_NAME);
    if (category) {
        lua_pushlstring(L, category, catlen);
        set(e, K_CATEGORY);
    }
    set(e, K_ATTRS);
}

/***
@module quarry.core
*/

/* --- sorting ------------------------------------------------------------------- */

typedef struct sortkey {
    lua_Integer start, stop;
    const char *type;
    size_t tlen;
    int index;           /* position in the list, for a stable order */
} sortkey;

static int sortkey_cmp(const void *x, const void *y)
{
    const sortkey *a = x, *b = y;
    int c;
    if (a->start != b->start) return a->start < b->start ? -1 : 1;
    if (a->stop != b->stop) return a->stop > b->stop ? -1 : 1;       /* longer first */
    c = memcmp(a->type, b->type, a->tlen < b->tlen ? a->tlen : b->tlen);
    if (c) return c;
    if (a->tlen != b->tlen) return a->tlen < b->tlen ? -1 : 1;
    return (a->index > b->index) - (a->index < b->index);
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
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    n = lua_rawlen(L, 1);
    if (n < 2) return 1;
    keys = lua_newuserdatauv(L, n * sizeof *keys, 0);     /* collected on error */
    lua_pushliteral(L, "start");     /* the field names once, at 3, 4, 5 */
    lua_pushliteral(L, "stop");
    lua_pushliteral(L, "type");
    for (i = 0; i < n; i++) {
        int ok1, ok2;
        if (lua_rawgeti(L, 1, (lua_Integer)i + 1) != LUA_TTABLE)
            return luaL_error(L, "sort_annotations: item %d is not a table", (int)i + 1);
        /* fields read as lua_getfield would (an item may have a metatable) */
        lua_pushvalue(L, 3);
        lua_gettable(L, -2);
        lua_pushvalue(L, 4);
        lua_gettable(L, -3);
        lua_pushvalue(L, 5);
        lua_gettable(L, -4);
        keys[i].start = lua_tointegerx(L, -3, &ok1);
        keys[i].stop = lua_tointegerx(L, -2, &ok2);
        keys[i].type = lua_tolstring(L, -1, &keys[i].tlen);    /* anchored by the item */
        if (!ok1 || !ok2 || !keys[i].type)
            return luaL_error(L, "sort_annotations: item %d needs integer start and stop and a type", (int)i + 1);
        keys[i].index = (int)i + 1;
        lua_pop(L, 4);
    }
    qsort(keys, n, sizeof *keys, sortkey_cmp);
    /* items go back through a copy: the list is being overwritten */
    lua_createtable(L, (int)n, 0);
    for (i = 0; i < n; i++) {
        lua_rawgeti(L, 1, keys[i].index);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    for (i = 0; i < n; i++) {
        lua_rawgeti(L, -1, (lua_Integer)i + 1);
        lua_rawseti(L, 1, (lua_Integer)i + 1);
    }
    lua_settop(L, 1);
    return 1;
}

void qr_open_ann(lua_State *L)
{
    lua_pushcfunction(L, l_sort_annotations);
    lua_setfield(L, -2, "sort_annotations");
}
