/*
 * What the fuzz targets that go through Lua share: one lua_State, made in
 * LLVMFuzzerInitialize, with the standard libraries, quarry's Lua modules
 * on package.path (QR_FUZZ_ROOT is the checkout, from the Makefile),
 * quarry.core linked in (package.preload) and a driver script
 * tests/fuzz/<name>.lua that returns a function taking the input.
 *
 * The driver calls quarry inside pcall: a Lua error is an expected result
 * for bad input. An error that escapes the driver is a bug in the driver
 * (or a raise where none may happen) and aborts, as does fuzz_fail(msg),
 * which drivers call when an invariant does not hold. Only aborts,
 * sanitizer reports, leaks and hangs count as crashes.
 */
#ifndef QR_FUZZ_LUA_H
#define QR_FUZZ_LUA_H

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef QR_FUZZ_ROOT
#define QR_FUZZ_ROOT "."
#endif

int luaopen_quarry_core(lua_State *L);
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static lua_State *fuzz_L;
static int fuzz_driver = LUA_NOREF;

/* fuzz_fail(message): an invariant does not hold */
static int fuzz_fail(lua_State *L)
{
    fprintf(stderr, "fuzz: invariant broken: %s\n", luaL_checkstring(L, 1));
    abort();
    return 0;
}

/* Makes the state and loads tests/fuzz/<driver>; extra values the driver's
 * chunk receives as its arguments are pushed by setup (may be NULL). */
static void fuzz_lua_init(const char *driver, void (*setup)(lua_State *, int *))
{
    lua_State *L = luaL_newstate();
    int nargs = 0;
    if (!L) abort();
    luaL_openlibs(L);
    lua_getglobal(L, "package");
    lua_pushstring(L, QR_FUZZ_ROOT "/lua/?.lua;" QR_FUZZ_ROOT "/lua/?/init.lua;" QR_FUZZ_ROOT "/?.lua;"
                      "/usr/share/lua/5.4/?.lua;/usr/share/lua/5.4/?/init.lua");
    lua_setfield(L, -2, "path");
    lua_getfield(L, -1, "preload");
    lua_pushcfunction(L, luaopen_quarry_core);
    lua_setfield(L, -2, "quarry.core");
    lua_pop(L, 2);
    lua_register(L, "fuzz_fail", fuzz_fail);
    lua_pushfstring(L, "%s/tests/fuzz/%s", QR_FUZZ_ROOT, driver);
    if (luaL_loadfile(L, lua_tostring(L, -1)) != LUA_OK) {
        fprintf(stderr, "fuzz: cannot load %s\n", lua_tostring(L, -1));
        abort();
    }
    lua_remove(L, -2);
    if (setup) setup(L, &nargs);
    if (lua_pcall(L, nargs, 1, 0) != LUA_OK || !lua_isfunction(L, -1)) {
        fprintf(stderr, "fuzz: driver %s: %s\n", driver, lua_tostring(L, -1));
        abort();
    }
    fuzz_driver = luaL_ref(L, LUA_REGISTRYINDEX);
    fuzz_L = L;
}

/* Runs the driver on one input; collects everything it left behind, so
 * userdata are closed (and a leak in their release shows) every run. */
static void fuzz_lua_run(const uint8_t *data, size_t size)
{
    lua_State *L = fuzz_L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, fuzz_driver);
    lua_pushlstring(L, (const char *)data, size);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
        fprintf(stderr, "fuzz: the driver raised: %s\n", lua_tostring(L, -1));
        abort();
    }
    lua_settop(L, 0);
    lua_gc(L, LUA_GCCOLLECT, 0);
}

#endif
