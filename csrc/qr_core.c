/*
 * quarry.core: the C half of quarry. Each pipeline stage registers its own
 * functions; this file only assembles the module table.
 */
#include "qr_lua.h"

/* The version of quarry, the one place it is written: the release rockspec
 * (make rockspec) takes it from here. Builds of the checkout and of the scm
 * rock define QR_SCM and say "0.1.0+scm": code after the release. */
#define QR_VERSION "0.1.0"
#ifdef QR_SCM
#define QR_VERSION_STRING QR_VERSION "+scm"
#else
#define QR_VERSION_STRING QR_VERSION
#endif

/* the library's one entry point (a build may hide the rest: see LOCAL_CALLS in the Makefile) */
#if defined(__GNUC__)
#define QR_EXPORT __attribute__((visibility("default")))
#else
#define QR_EXPORT
#endif
QR_EXPORT int luaopen_quarry_core(lua_State *L);

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

void qr_names_store(lua_State *L, const void *key, const char *const *names, int n)
{
    int k;
    lua_createtable(L, n, 0);
    for (k = 0; k < n; k++) {
        lua_pushstring(L, names[k]);
        lua_rawseti(L, -2, k + 1);
    }
    lua_rawsetp(L, LUA_REGISTRYINDEX, key);
}

int qr_names_push(lua_State *L, const void *key, int n)
{
    int k, list;
    lua_rawgetp(L, LUA_REGISTRYINDEX, key);
    list = lua_gettop(L);
    for (k = 0; k < n; k++) lua_rawgeti(L, list, k + 1);
    lua_remove(L, list);
    return list;
}

/* require "quarry.core" -> table */
int luaopen_quarry_core(lua_State *L)
{
    luaL_checkversion(L);
    lua_newtable(L);
    lua_pushliteral(L, QR_VERSION_STRING);
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
    qr_open_lpat(L);
    qr_open_doc(L);
    qr_open_quote(L);
    qr_open_qdrive(L);
    qr_open_tense(L);
    qr_open_speak(L);
    qr_open_page(L);
    return 1;
}
