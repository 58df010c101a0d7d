/*
 * Lua binding of the quote driver's helpers (qr_qdrive.h):
 * quarry.core.quote_title_test(words) and quote_markers(markers, dets), for
 * quarry.attribution.
 */
/***
@module quarry.core
*/
#include "qr_lua.h"
#include "qr_qdrive.h"
#include "qr_keys.h"
#include "qr_token.h"

#include <limits.h>
#include <string.h>

/* test(text [, start, stop]) -> boolean: qr_title_like over the bytes
 * start .. stop of text (0-based, stop exclusive; the whole text by
 * default), with the list of small words at upvalue 1. */
static int title_test(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    lua_Integer start = luaL_optinteger(L, 2, 0), stop = luaL_optinteger(L, 3, (lua_Integer)len);
    const qr_qwords *small = lua_touserdata(L, lua_upvalueindex(1));
    size_t looked;
    int like;
    if (start < 0) start = 0;
    if (stop > (lua_Integer)len) stop = (lua_Integer)len;
    if (stop <= start) {
        lua_pushboolean(L, 0);
        return 1;
    }
    qr_limit_work(L, (long long)(stop - start) / 8);
    like = qr_title_like(s + start, (size_t)(stop - start), small, &looked);
    /* each word looked up walks the list of small words */
    qr_limit_work(L, (long long)(looked * (lua_rawlen(L, lua_upvalueindex(1)) / 64)));
    lua_pushboolean(L, like);
    return 1;
}

/***
quarry.core.quote_title_test(words) -> test: a test of whether a text is
title-like, test(text [, start, stop]) -> boolean: its words (cut at ASCII
white space, stripped of the ASCII punctuation around them) that are not
empty and not among words (the small words of titles, compared as
written) all open on a capital A-Z or a digit, and there are one to
seven of them; over the bytes start .. stop of text (0-based, stop
exclusive) when given. See quarry.attribution.title_test.
@function quote_title_test
@param words table a list of words, each of 1 to 255 bytes
@return function the test
*/
static int l_quote_title_test(lua_State *L)
{
    lua_Integer i, n;
    size_t bytes = 1, at = 0;
    unsigned char *list;
    luaL_checktype(L, 1, LUA_TTABLE);
    n = (lua_Integer)lua_rawlen(L, 1);
    for (i = 1; i <= n; i++) {
        size_t len;
        lua_rawgeti(L, 1, i);
        if (!lua_isstring(L, -1) || lua_type(L, -1) != LUA_TSTRING)
            return luaL_error(L, "quote_title_test: word %d is not a string", (int)i);
        lua_tolstring(L, -1, &len);
        if (len < 1 || len > 255) return luaL_error(L, "quote_title_test: word %d is not 1 to 255 bytes long", (int)i);
        bytes += len + 1;
        lua_pop(L, 1);
    }
    list = lua_newuserdatauv(L, bytes, 0);
    for (i = 1; i <= n; i++) {
        size_t len;
        const char *w;
        lua_rawgeti(L, 1, i);
        w = lua_tolstring(L, -1, &len);
        list[at] = (unsigned char)len;
        memcpy(list + at + 1, w, len);
        at += len + 1;
        lua_pop(L, 1);
    }
    list[at] = 0;
    lua_pushcclosure(L, title_test, 1);
    return 1;
}

/* The block of a marker test: the markers' table, then its arrays. */
typedef struct lmarkers {
    qr_qmarkers m;
} lmarkers;

/* Where a marker stands, by the name data/quote_terms.tsv gives it: its
 * flags, or -1 for an unknown name. */
static int where_flags(const char *w)
{
    if (strcmp(w, "before") == 0) return 0;
    if (strcmp(w, "before_title") == 0) return QR_QM_TITLE_ONLY;
    if (strcmp(w, "before_far") == 0) return QR_QM_FAR;
    if (strcmp(w, "what_before") == 0) return QR_QM_WHAT;
    if (strcmp(w, "after") == 0) return QR_QM_AFTER;
    return -1;
}

/* The number of word w (a string at idx) in the table of words at
 * words (word -> number, 0-based), added with the next number (*nw)
 * when new; its bytes count in *bytes. */
static uint32_t word_number(lua_State *L, int words, int idx, size_t *nw, size_t *bytes)
{
    uint32_t w;
    lua_pushvalue(L, idx);
    if (lua_rawget(L, words) == LUA_TNUMBER) {
        w = (uint32_t)lua_tointeger(L, -1);
        lua_pop(L, 1);
        return w;
    }
    lua_pop(L, 1);
    if (*nw >= INT32_MAX / 4) luaL_error(L, "quote_markers: too many words");
    w = (uint32_t)(*nw)++;
    *bytes += lua_rawlen(L, idx);
    lua_pushvalue(L, idx);
    lua_pushinteger(L, w);
    lua_rawset(L, words);
    return w;
}

/* A string field of the marker at index mk, pushed (the caller pops it:
 * the string lives while it is on the stack), or an error naming marker i. */
static const char *marker_string(lua_State *L, int mk, lua_Integer i, const char *field)
{
    lua_getfield(L, mk, field);
    if (lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "quote_markers: marker %d has no %s", (int)i, field);
    return lua_tostring(L, -1);
}

/* test(tokens, text, open, close, start, stop, title, sents, starts)
 * upvalues: 1 the block, 2 the kinds' names, 3 quarry.Tokens' metatable. */
enum { MT_TOKENS = 1, MT_TEXT, MT_OPEN, MT_CLOSE, MT_START, MT_STOP, MT_TITLE, MT_SENTS, MT_STARTS };

/* Whether token i opens its attribution sentence: starts[sents[i]] == i.
 * (The reads may run Lua: a document's sents is read through an __index.
 * Such code may close the tokens whose arrays the test holds: they are
 * checked again after it, and raise when closed.) */
static int marker_opens(void *ud, size_t i)
{
    lua_State *L = ud;
    int is;
    lua_Integer s;
    if (lua_geti(L, MT_SENTS, (lua_Integer)i) != LUA_TNUMBER || !lua_isinteger(L, -1)) {
        lua_pop(L, 1);
        qr_tokens_by_mt(L, MT_TOKENS, lua_upvalueindex(3));
        return 0;
    }
    s = lua_tointeger(L, -1);
    lua_pop(L, 1);
    lua_geti(L, MT_STARTS, s);
    is = lua_isinteger(L, -1) && lua_tointeger(L, -1) == (lua_Integer)i;
    lua_pop(L, 1);
    qr_tokens_by_mt(L, MT_TOKENS, lua_upvalueindex(3));
    return is;
}

/* A non-negative integer argument (a negative one as 0); nil or none as 0
 * when optional. */
static size_t size_arg(lua_State *L, int idx, int optional)
{
    int ok;
    lua_Integer v = lua_tointegerx(L, idx, &ok);
    if (!ok) {
        if (optional && lua_isnoneornil(L, idx)) return 0;
        luaL_checkinteger(L, idx);      /* (raises) */
    }
    return v < 0 ? 0 : (size_t)v;
}

static int marker_test(lua_State *L)
{
    const lmarkers *lm = lua_touserdata(L, lua_upvalueindex(1));
    qr_qmarkdoc d;
    size_t first, last, open, close, start, stop;
    long k;
    d.t = qr_tokens_by_mt(L, MT_TOKENS, lua_upvalueindex(3));
    d.text = luaL_checklstring(L, MT_TEXT, &d.len);
    open = size_arg(L, MT_OPEN, 0);
    close = size_arg(L, MT_CLOSE, 1);
    start = size_arg(L, MT_START, 0);
    stop = size_arg(L, MT_STOP, 0);
    luaL_checkany(L, MT_STARTS);
    d.k = d.t->n ? qr_tokens_keys(L, MT_TOKENS, 0) : NULL;
    if (!d.k) return 0;
    d.opens = marker_opens;
    d.ud = L;
    qr_limit_work(L, 16);
    k = qr_qmarker_find(&lm->m, &d, open, close, start, stop, lua_toboolean(L, MT_TITLE), &first, &last);
    if (k < 0) return 0;
    lua_rawgeti(L, lua_upvalueindex(2), (lua_Integer)lm->m.marks[k].kind + 1);
    lua_pushinteger(L, (lua_Integer)first);
    lua_pushinteger(L, (lua_Integer)last);
    return 3;
}

/* Fills the block's arrays from what the first pass read (snap: each
 * marker's flags, kind, number of keys and its keys' word numbers, back to
 * back; dets: the determiners' word numbers), with the words' table at
 * words (word -> number). Reads the internal tables alone: the caller's
 * are read once, by the first pass, whose counts sized the block (a
 * metamethod could change them between two reads). */
static void fill_markers(lua_State *L, qr_qmarkers *m, int words, int snap, int dets, size_t ndets)
{
    qr_qmarker *marks = m->marks;
    uint32_t *phrase = m->phrase, *woff = m->woff, at = 0, np = 0;
    int32_t *slots = m->slots, *before = m->before, *after = m->after;
    int32_t *tail_b, *tail_a;
    unsigned char *det = m->det, *far = m->far;
    char *pool = m->pool;
    size_t i, w, k;
    lua_Integer pos = 0;
    /* the words' bytes, by number */
    lua_pushnil(L);
    while (lua_next(L, words)) {
        w = (size_t)lua_tointeger(L, -1);
        woff[w] = (uint32_t)lua_rawlen(L, -2);      /* (its length, made offsets below) */
        lua_pop(L, 1);
    }
    for (w = 0; w < m->nwords; w++) {
        uint32_t len = woff[w];
        woff[w] = at;
        at += len;
    }
    woff[m->nwords] = at;
    lua_pushnil(L);
    while (lua_next(L, words)) {
        size_t len;
        const char *s = lua_tolstring(L, -2, &len);
        w = (size_t)lua_tointeger(L, -1);
        memcpy(pool + woff[w], s, len);
        lua_pop(L, 1);
    }
    for (i = 0; i < m->nslots; i++) slots[i] = -1;
    for (w = 0; w < m->nwords; w++) {
        size_t mask = m->nslots - 1;
        for (i = (size_t)qr_qmarkers_hash(pool + woff[w], woff[w + 1] - woff[w]) & mask; slots[i] >= 0; i = (i + 1) & mask) {}
        slots[i] = (int32_t)w;
        before[w] = after[w] = -1;
        det[w] = far[w] = 0;
    }
    /* the markers, in the list's order, each last of its chain */
    tail_b = after + m->nwords;     /* (scratch right after after: the last marker of each chain) */
    tail_a = tail_b + m->nwords;
    for (k = 0; k < m->nmarks; k++) {
        qr_qmarker *e = &marks[k];
        uint32_t j, near;
        lua_rawgeti(L, snap, ++pos);
        e->flags = (unsigned)lua_tointeger(L, -1);
        lua_rawgeti(L, snap, ++pos);
        e->kind = (unsigned)lua_tointeger(L, -1);
        lua_rawgeti(L, snap, ++pos);
        e->nkeys = (uint32_t)lua_tointeger(L, -1);
        lua_pop(L, 3);
        e->first = np;
        e->next = -1;
        for (j = 0; j < e->nkeys; j++) {
            lua_rawgeti(L, snap, ++pos);
            phrase[np++] = (uint32_t)lua_tointeger(L, -1);
            lua_pop(L, 1);
        }
        near = phrase[(e->flags & QR_QM_AFTER) ? e->first : e->first + e->nkeys - 1];
        if (e->flags & QR_QM_AFTER) {
            if (after[near] < 0) after[near] = (int32_t)k; else marks[tail_a[near]].next = (int32_t)k;
            tail_a[near] = (int32_t)k;
        } else {
            if (before[near] < 0) before[near] = (int32_t)k; else marks[tail_b[near]].next = (int32_t)k;
            tail_b[near] = (int32_t)k;
            if (e->flags & QR_QM_FAR) far[near] = 1;
        }
    }
    for (k = 1; k <= ndets; k++) {
        lua_rawgeti(L, dets, (lua_Integer)k);
        det[lua_tointeger(L, -1)] = 1;
        lua_pop(L, 1);
    }
}

/* Appends integer v to the list at index list, whose length is *len. */
static void append_int(lua_State *L, int list, lua_Integer *len, lua_Integer v)
{
    lua_pushinteger(L, v);
    lua_rawseti(L, list, ++*len);
}

/* Reads the markers at 1, each once, into snap (each marker's flags,
 * kind, number of keys and its keys' word numbers, back to back), the
 * words of their keys into words (word -> number: *nw of them, of *bytes
 * bytes) and their kinds into kinds (name -> number, 0-based, and the
 * list of names). -> the number of markers; their keys in all in *nphrase. */
static size_t read_markers(lua_State *L, int words, int kinds, int snap, size_t *nw, size_t *bytes, size_t *nphrase)
{
    lua_Integer i, n = (lua_Integer)lua_rawlen(L, 1), j, nk = 0, len = 0;
    if (n > INT32_MAX / 4) luaL_error(L, "quote_markers: too many markers");
    for (i = 1; i <= n; i++) {
        int mk = lua_gettop(L) + 1, flags;
        if (lua_rawgeti(L, 1, i) != LUA_TTABLE) luaL_error(L, "quote_markers: marker %d is not a table", (int)i);
        flags = where_flags(marker_string(L, mk, i, "where"));
        lua_pop(L, 1);
        if (flags < 0) luaL_error(L, "quote_markers: marker %d has an unknown where", (int)i);
        append_int(L, snap, &len, flags);
        marker_string(L, mk, i, "kind");                /* mk + 1: its name */
        lua_pushvalue(L, mk + 1);
        if (lua_rawget(L, kinds) == LUA_TNIL) {
            lua_Integer nkinds = (lua_Integer)lua_rawlen(L, kinds);
            lua_pop(L, 1);
            lua_pushvalue(L, mk + 1);
            lua_pushinteger(L, nkinds);
            lua_rawset(L, kinds);
            lua_pushvalue(L, mk + 1);
            lua_rawseti(L, kinds, nkinds + 1);
            lua_pushinteger(L, nkinds);
        }
        append_int(L, snap, &len, lua_tointeger(L, -1));
        lua_settop(L, mk);
        if (lua_getfield(L, mk, "keys") != LUA_TTABLE || (nk = (lua_Integer)lua_rawlen(L, -1)) < 1 || nk > 64)
            luaL_error(L, "quote_markers: marker %d needs 1 to 64 keys", (int)i);
        append_int(L, snap, &len, nk);
        for (j = 1; j <= nk; j++) {
            if (lua_rawgeti(L, mk + 1, j) != LUA_TSTRING || lua_rawlen(L, -1) < 1 || lua_rawlen(L, -1) > 255)
                luaL_error(L, "quote_markers: marker %d: key %d is not a word", (int)i, (int)j);
            append_int(L, snap, &len, (lua_Integer)word_number(L, words, mk + 2, nw, bytes));
            lua_pop(L, 1);
        }
        *nphrase += (size_t)nk;
        lua_settop(L, mk - 1);
    }
    return (size_t)n;
}

/***
quarry.core.quote_markers(markers, dets) -> test: the test of the markers
of words in quotation marks that nobody says (quotes/terms.lua), in C.
markers is a list of {keys = {key, ...}, kind = name, where = "before" |
"before_title" | "before_far" | "what_before" | "after"}, in the order
they are tried (each marker's fields read once); dets the determiners a
marker may stand before ("known as the 'Gang of Five'"). test(tokens, text, open, close, start, stop,
title, sents, starts) -> kind, first, last, or nothing: the marker of the
quote whose marks are tokens open and close (nil: left open) and whose
words are the bytes start .. stop of text, title whether they are
title-like; sents and starts the document's attribution sentences (read
for a marker word that is not in lower case: it must open its sentence;
tokens closed by a metamethod there raise). See quarry.attribution.markers.
@function quote_markers
@param markers table the markers, in order
@param dets table a list of words
@return function the test
*/
static int l_quote_markers(lua_State *L)
{
    lua_Integer i, n;
    size_t nw = 0, bytes = 0, nphrase = 0, nslots = 8, nmarks, size;
    lmarkers *lm;
    qr_qmarkers *m;
    char *p;
    int words, kinds, snap, dets;
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    lua_newtable(L);
    words = lua_gettop(L);
    lua_newtable(L);
    kinds = lua_gettop(L);
    lua_newtable(L);
    snap = lua_gettop(L);
    lua_newtable(L);
    dets = lua_gettop(L);                      /* the determiners' word numbers */
    nmarks = read_markers(L, words, kinds, snap, &nw, &bytes, &nphrase);
    n = (lua_Integer)lua_rawlen(L, 2);
    for (i = 1; i <= n; i++) {
        if (lua_rawgeti(L, 2, i) != LUA_TSTRING || lua_rawlen(L, -1) < 1 || lua_rawlen(L, -1) > 255)
            return luaL_error(L, "quote_markers: determiner %d is not a word", (int)i);
        lua_pushinteger(L, (lua_Integer)word_number(L, words, lua_gettop(L), &nw, &bytes));
        lua_rawseti(L, dets, i);
        lua_pop(L, 1);
    }
    while (nslots < 2 * nw) nslots *= 2;
    size = sizeof *lm + nmarks * sizeof(qr_qmarker) + (nphrase + nw + 1) * sizeof(uint32_t)
         + (nslots + 4 * nw) * sizeof(int32_t) + 2 * nw + bytes + 1;
    lm = lua_newuserdatauv(L, size, 0);
    m = &lm->m;
    p = (char *)(lm + 1);
    m->nmarks = nmarks;
    m->nwords = nw;
    m->nslots = nslots;
    m->marks = (qr_qmarker *)(void *)p;      p += nmarks * sizeof(qr_qmarker);
    m->phrase = (uint32_t *)(void *)p;       p += nphrase * sizeof(uint32_t);
    m->woff = (uint32_t *)(void *)p;         p += (nw + 1) * sizeof(uint32_t);
    m->slots = (int32_t *)(void *)p;         p += nslots * sizeof(int32_t);
    m->before = (int32_t *)(void *)p;        p += nw * sizeof(int32_t);
    m->after = (int32_t *)(void *)p;         p += nw * sizeof(int32_t);
    /* (then two arrays of nw int32_t, fill_markers' scratch) */
    m->det = (unsigned char *)p + 2 * nw * sizeof(int32_t);
    m->far = m->det + nw;
    m->pool = (char *)(m->far + nw);
    fill_markers(L, m, words, snap, dets, (size_t)n);
    lua_pushvalue(L, kinds);
    luaL_getmetatable(L, QR_TOKENS_MT);
    lua_pushcclosure(L, marker_test, 3);
    return 1;
}

void qr_open_qdrive(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        { "quote_title_test", l_quote_title_test }, { "quote_markers", l_quote_markers },
        { NULL, NULL }
    };
    luaL_setfuncs(L, funcs, 0);
}
