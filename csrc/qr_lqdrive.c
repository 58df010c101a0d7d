/*
 * Lua binding of the quote driver's helpers (qr_qdrive.h):
 * quarry.core.quote_title_test(words), for quarry.attribution.
 */
/***
@module quarry.core
*/
#include "qr_lua.h"
#include "qr_qdrive.h"

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

void qr_open_qdrive(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        { "quote_title_test", l_quote_title_test },
        { NULL, NULL }
    };
    luaL_setfuncs(L, funcs, 0);
}
