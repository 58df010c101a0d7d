/*
 * quarry.core: the C half of quarry. Each pipeline stage registers its own
 * functions; this file only assembles the module table.
 */
#include "qr_lua.h"

#define QR_VERSION "0.1.0"

int luaopen_quarry_core(lua_State *L);

/***
The C core of quarry: the tokeniser, PCRE2 regexes, gazetteers, the token-pattern
matcher, word sets and a small SQLite binding with the FTS5 tokenizer `quarry`.
Most users reach it through the Lua modules (`quarry.tokenize`, `quarry.regex`,
`quarry.gazetteer`, `quarry.open`); this page documents the C objects and
functions themselves. Byte offsets are 0-based with an exclusive stop; token
numbers are 1-based.
@module quarry.core
*/

int qr_option_error(lua_State *L, int arg, const char *key, const char *what)
{
    return luaL_argerror(L, arg, lua_pushfstring(L, "option '%s' %s", key, what));
}

/* require "quarry.core" -> table */
int luaopen_quarry_core(lua_State *L)
{
    luaL_checkversion(L);
    lua_newtable(L);
    lua_pushliteral(L, QR_VERSION);
    lua_setfield(L, -2, "version");
    qr_open_tokens(L);
    qr_open_fts(L);
    qr_open_db(L);
    qr_open_match(L);
    qr_open_ann(L);
    qr_open_regex(L);
    qr_open_gazetteer(L);
    qr_open_vocab(L);
    qr_open_sandbox(L);
    return 1;
}
