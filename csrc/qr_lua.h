/*
 * What the Lua-facing files of the C core share: metatable names and the
 * functions each stage uses to add itself to the quarry.core table.
 */
#ifndef QR_LUA_H
#define QR_LUA_H

#include <lua.h>
#include <lauxlib.h>

#define QR_TOKENS_MT "quarry.Tokens"
#define QR_TOKEN_MT  "quarry.Token"

/* Each adds its functions to the table on top of the stack. */
void qr_open_tokens(lua_State *L);
void qr_open_fts(lua_State *L);

/* Raise "bad option" errors the same way everywhere. */
int qr_option_error(lua_State *L, int arg, const char *key, const char *what);

#endif
