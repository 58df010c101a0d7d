/*
 * Lua binding of the scans over a document's quotation marks
 * (qr_speak.h): quarry.core.marks_depth, marks_inside_back,
 * marks_inside_from, marks_next_open and marks_stretches, for
 * quarry.marks. Token numbers are 1-based here, as Lua has them.
 */
/***
@module quarry.core
*/
#include "qr_lua.h"
#include "qr_speak.h"

#include <limits.h>

/* The token number at idx, as a 0-based long long (clamped far outside
 * any text, so that the scans' own clamping sees no overflow). */
static long long tok_arg(lua_State *L, int idx)
{
    lua_Integer v = luaL_checkinteger(L, idx);
    if (v < -1) v = -1;
    if (v > (lua_Integer)INT_MAX) v = INT_MAX;
    return (long long)v - 1;
}

/* The tokens a walk from a to b visits, for the step budget. */
static long long span(long long a, long long b)
{
    return a <= b ? b - a + 1 : a - b + 1;
}

/***
core.marks_depth(tokens, from, to) -> integer: the quotation marks left
open after a walk over tokens from .. to (an opening mark opens one, a
closing one closes one when one is open). See quarry.marks.depth.
@function marks_depth
@param tokens quarry.Tokens the document's tokens
@param from integer the first token
@param to integer the last
@return integer
*/
static int l_marks_depth(lua_State *L)
{
    const qr_tokens *t = qr_check_tokens(L, 1, NULL, NULL);
    long long from = tok_arg(L, 2), to = tok_arg(L, 3);
    qr_limit_work(L, span(from, to));
    lua_pushinteger(L, (lua_Integer)qr_speak_depth(t, from, to));
    return 1;
}

/***
core.marks_inside_back(tokens, top, i) -> boolean: the first quotation mark
after token i, up to token top, is a closing one. See quarry.marks.inside_back.
@function marks_inside_back
@param tokens quarry.Tokens the document's tokens
@param top integer where a walk back starts
@param i integer a token at or before top
@return boolean
*/
static int l_marks_inside_back(lua_State *L)
{
    const qr_tokens *t = qr_check_tokens(L, 1, NULL, NULL);
    long long top = tok_arg(L, 2), i = tok_arg(L, 3);
    qr_limit_work(L, span(i, top));
    lua_pushboolean(L, qr_speak_inside_back(t, top, i));
    return 1;
}

/***
core.marks_inside_from(tokens, floor, i) -> boolean: the last quotation
mark before token i, from token floor on, is an opening one. See
quarry.marks.inside_from.
@function marks_inside_from
@param tokens quarry.Tokens the document's tokens
@param floor integer where a walk starts
@param i integer a token at or after floor
@return boolean
*/
static int l_marks_inside_from(lua_State *L)
{
    const qr_tokens *t = qr_check_tokens(L, 1, NULL, NULL);
    long long floor = tok_arg(L, 2), i = tok_arg(L, 3);
    qr_limit_work(L, span(floor, i));
    lua_pushboolean(L, qr_speak_inside_from(t, floor, i));
    return 1;
}

/***
core.marks_next_open(tokens, from, to) -> integer or nil: the first opening
quotation mark in tokens from .. to. See quarry.marks.next_open.
@function marks_next_open
@param tokens quarry.Tokens the document's tokens
@param from integer the first token looked at
@param to integer the last
@return integer or nil
*/
static int l_marks_next_open(lua_State *L)
{
    const qr_tokens *t = qr_check_tokens(L, 1, NULL, NULL);
    long long from = tok_arg(L, 2), to = tok_arg(L, 3), k;
    qr_limit_work(L, span(from, to));
    k = qr_speak_next_open(t, from, to);
    if (k < 0) return 0;
    lua_pushinteger(L, (lua_Integer)k + 1);
    return 1;
}

/***
core.marks_stretches(tokens) -> from, to: the stretches of tokens inside
quotation marks, a paragraph at a time (qr_speak_stretches): stretch k
runs from token from[k] to token to[k], by start. See quarry.marks.stretches.
@function marks_stretches
@param tokens quarry.Tokens the document's tokens
@return table from
@return table to
*/
static int l_marks_stretches(lua_State *L)
{
    const qr_tokens *t = qr_check_tokens(L, 1, NULL, NULL);
    size_t marks, n, k;
    uint32_t *from, *to;
    lua_settop(L, 1);
    qr_limit_work(L, (long long)t->n);
    marks = qr_speak_marks(t);
    from = lua_newuserdatauv(L, (marks + 1) * sizeof *from, 0);     /* 2 */
    to = lua_newuserdatauv(L, (marks + 1) * sizeof *to, 0);         /* 3 */
    n = qr_speak_stretches(t, from, to);
    lua_createtable(L, n > INT_MAX ? INT_MAX : (int)n, 0);          /* 4 */
    lua_createtable(L, n > INT_MAX ? INT_MAX : (int)n, 0);          /* 5 */
    for (k = 0; k < n; k++) {
        lua_pushinteger(L, (lua_Integer)from[k] + 1);
        lua_rawseti(L, 4, (lua_Integer)k + 1);
        lua_pushinteger(L, (lua_Integer)to[k] + 1);
        lua_rawseti(L, 5, (lua_Integer)k + 1);
    }
    return 2;
}

void qr_open_speak(lua_State *L)
{
    static const luaL_Reg fns[] = {
        { "marks_depth", l_marks_depth }, { "marks_inside_back", l_marks_inside_back },
        { "marks_inside_from", l_marks_inside_from }, { "marks_next_open", l_marks_next_open },
        { "marks_stretches", l_marks_stretches }, { NULL, NULL }
    };
    luaL_setfuncs(L, fns, 0);
}
