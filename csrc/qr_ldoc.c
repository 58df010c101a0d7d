/*
 * Lua binding of the per-document helpers (qr_doc.h) of the document
 * phases: quarry.core.name_variant(s), quarry.core.name_tokens(tokens,
 * set) (see lua/quarry/names.lua), and quarry.core.sort_spans(list [,
 * ranks]) on qr_spans.h (see lua/quarry/spanset.lua).
 */
/***
@module quarry.core
*/
#include "qr_lua.h"
#include "qr_doc.h"
#include "qr_spans.h"
#include "qr_token.h"

#include <limits.h>


/***
quarry.core.name_variant(s) -> string: the spelling-variant key of s (see
qr_doc.h), by which "sergey" and "sergei" meet. See quarry.names.variant.
@function name_variant
@param s string a name, lower case
@return string
*/
static int l_name_variant(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    luaL_Buffer b;
    char *out = luaL_buffinitsize(L, &b, len + 1);
    luaL_pushresultsize(&b, qr_name_variant(s, len, out));
    return 1;
}

/***
quarry.core.name_tokens(tokens, set) -> {i, ...}: the words in title case
or capitals whose bare key's variant is a key of the table set (with a
value that is not false), in order. See quarry.names.find.
@function name_tokens
@param tokens quarry.Tokens the document's tokens
@param set table variant keys -> true
@return table token numbers
*/
static int l_name_tokens(lua_State *L)
{
    const char *text;
    const qr_tokens *t = qr_check_tokens(L, 1, &text, NULL);
    char stack_buf[2 * 256];
    char *buf = stack_buf;          /* or a userdata at index 4, freed by the GC */
    size_t cap = sizeof stack_buf / 2, i;
    lua_Integer found = 0;
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    lua_newtable(L);                /* 3: the result */
    lua_pushnil(L);                 /* 4: a larger buffer, when one is needed */
    for (i = 0; i < t->n; i++) {
        const qr_token *tok = &t->tok[i];
        size_t klen, vlen, need;
        if (tok->kind != QR_WORD || (tok->casing != QR_CASE_TITLE && tok->casing != QR_CASE_UPPER)) continue;
        /* the bare key (at most 3 bytes a byte of the token), then its variant */
        need = 3 * (size_t)(tok->stop - tok->start) + 1;
        if (need > cap) {
            buf = lua_newuserdatauv(L, 2 * need, 0);
            lua_replace(L, 4);
            cap = need;
        }
        klen = qr_token_key(text, tok, QR_KEY_BARE, buf);
        vlen = qr_name_variant(buf, klen, buf + cap);
        lua_pushlstring(L, buf + cap, vlen);
        if (lua_rawget(L, 2) != LUA_TNIL && lua_toboolean(L, -1)) {
            lua_pushinteger(L, (lua_Integer)i + 1);
            lua_rawseti(L, 3, ++found);
        }
        lua_pop(L, 1);
    }
    lua_settop(L, 3);
    return 1;
}

/* The keys of the n elements of the list at index 1 (and of the ranks at
 * index 2 when ranked) into keys[1..n]: 0 when an element is no table, a
 * start (or, ranked, a stop) no integer, or a rank no number or NaN. */
static int read_span_keys(lua_State *L, lua_Integer n, int ranked, qr_spankey *keys)
{
    lua_Integer i;
    for (i = 1; i <= n; i++) {
        qr_spankey *k = &keys[i];
        int ok;
        if (lua_geti(L, 1, i) != LUA_TTABLE) return 0;
        lua_getfield(L, -1, "start");
        ok = lua_isinteger(L, -1);
        k->start = (int64_t)lua_tointeger(L, -1);
        k->stop = k->start;
        k->rank = 0;
        if (ranked) {
            lua_getfield(L, -2, "stop");
            ok = ok && lua_isinteger(L, -1);
            k->stop = (int64_t)lua_tointeger(L, -1);
            lua_geti(L, 2, i);
            /* (an integer rank past 2^53 would not compare as a double does) */
            ok = ok && lua_type(L, -1) == LUA_TNUMBER
                 && !(lua_isinteger(L, -1) && (lua_tointeger(L, -1) > (1LL << 53) || lua_tointeger(L, -1) < -(1LL << 53)));
            k->rank = (double)lua_tonumber(L, -1);
            ok = ok && k->rank == k->rank;
            lua_pop(L, 2);
        }
        lua_pop(L, 2);
        if (!ok) return 0;
    }
    return 1;
}

/***
quarry.core.sort_spans(list [, ranks]) -> boolean: sorts the list of spans
(tables with integer start and stop) in place, in the order table.sort
leaves it, ties included, with the comparator
`function(x, y) return x.start < y.start end`; or, with ranks (the number
ranks[i] of list[i]), one that puts the higher rank first, then the longer
span (stop - start), then the earlier start. The comparisons are of keys
read once, in C. -> false, the list untouched, when an element is no table,
a start or stop no integer, or a rank no number (or NaN): the caller sorts
with its Lua comparator then. Counts #list steps against a sandbox's step
budget, as its table.sort does. See quarry.spanset.sort.
@function sort_spans
@param list table the spans
@param ranks table optional: a number for each span
@return boolean whether it sorted the list
*/
static int l_sort_spans(lua_State *L)
{
    int ranked = !lua_isnoneornil(L, 2);
    lua_Integer n, i;
    qr_spankey *keys;
    size_t *perm;
    luaL_checktype(L, 1, LUA_TTABLE);
    if (ranked) luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    n = luaL_len(L, 1);
    luaL_argcheck(L, n < INT_MAX, 1, "array too big");
    qr_limit_work(L, n > 0 ? n : 0);
    if (n < 2) {
        lua_pushboolean(L, 1);
        return 1;
    }
    keys = (qr_spankey *)lua_newuserdatauv(L, ((size_t)n + 1) * sizeof *keys, 0);    /* 3 */
    perm = (size_t *)lua_newuserdatauv(L, ((size_t)n + 1) * sizeof *perm, 0);        /* 4 */
    if (!read_span_keys(L, n, ranked, keys)) {
        lua_pushboolean(L, 0);
        return 1;
    }
    for (i = 0; i <= n; i++) perm[i] = (size_t)i;
    qr_sort_spans(perm, (size_t)n, keys, ranked ? QR_BY_RANK : QR_BY_START);
    lua_createtable(L, (int)n, 0);                                                   /* 5: the elements */
    for (i = 1; i <= n; i++) {
        lua_geti(L, 1, i);
        lua_rawseti(L, 5, i);
    }
    for (i = 1; i <= n; i++) {
        lua_rawgeti(L, 5, (lua_Integer)perm[i]);
        lua_seti(L, 1, i);
    }
    lua_pushboolean(L, 1);
    return 1;
}

void qr_open_doc(lua_State *L)
{
    lua_pushcfunction(L, l_name_variant);
    lua_setfield(L, -2, "name_variant");
    lua_pushcfunction(L, l_name_tokens);
    lua_setfield(L, -2, "name_tokens");
    lua_pushcfunction(L, l_sort_spans);
    lua_setfield(L, -2, "sort_spans");
}
