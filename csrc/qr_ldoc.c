/*
 * Lua binding of the per-document helpers (qr_doc.h) of the document
 * phases: quarry.core.name_variant(s), quarry.core.name_tokens(tokens,
 * set). See lua/quarry/names.lua.
 */
/***
@module quarry.core
*/
#include "qr_lua.h"
#include "qr_doc.h"
#include "qr_token.h"


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

void qr_open_doc(lua_State *L)
{
    lua_pushcfunction(L, l_name_variant);
    lua_setfield(L, -2, "name_variant");
    lua_pushcfunction(L, l_name_tokens);
    lua_setfield(L, -2, "name_tokens");
}
