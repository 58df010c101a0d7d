/*
 * Several Lua states in one process, each with the sandbox's limits and
 * its own pool of small blocks (csrc/qr_sandbox.c, csrc/qr_pool.c): the
 * core loaded as a program loads it (require, build/quarry/core.so, run
 * from the checkout), work interleaved between the states, the states
 * closed in another order than they were opened, one opened after the
 * others are gone, one with the pool turned off (QUARRY_POOL=0). lua_close
 * unloads the core of each state; the pool's blocks must all come back,
 * the pool and its bookkeeping freed with the last (ASan's leak checker
 * and valgrind, where the test sets QUARRY_POOL=1, see what is left).
 */
#define _POSIX_C_SOURCE 200809L   /* setenv */

#include "tap.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include <stdlib.h>
#include <string.h>

/* tables, strings and closures made and dropped under core.limited; some
 * kept in a global past the call */
static const char *const CHURN =
    "local core = require 'quarry.core'\n"
    "local n = ...\n"
    "local ok, sum = core.limited(0, 0, function()\n"
    "  local t, s = {}, 0\n"
    "  for i = 1, n do t[i] = { i, tostring(i) .. 'x', function() return i end } end\n"
    "  for i = 1, #t do s = s + t[i][1] + #t[i][2] + t[i][3]() end\n"
    "  kept = kept or {}\n"
    "  kept[#kept + 1] = t[n // 2]\n"
    "  return s\n"
    "end)\n"
    "return ok and sum or error(sum)\n";

static lua_State *open_state(void)
{
    lua_State *L = luaL_newstate();
    if (!L) return NULL;
    luaL_openlibs(L);
    lua_getglobal(L, "package");
    lua_pushstring(L, "build/?.so");
    lua_setfield(L, -2, "cpath");
    lua_pop(L, 1);
    return L;
}

/* the sum CHURN returns for n, or -1 on an error */
static long long churn(lua_State *L, int n)
{
    long long sum;
    if (luaL_loadstring(L, CHURN) != LUA_OK) return -1;
    lua_pushinteger(L, n);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
        printf("# %s\n", lua_tostring(L, -1));
        lua_pop(L, 1);
        return -1;
    }
    sum = lua_tointeger(L, -1);
    lua_pop(L, 1);
    return sum;
}

/* what CHURN must return for n: sum of i + #(i .. "x") + i */
static long long expected(int n)
{
    long long s = 0;
    int i;
    for (i = 1; i <= n; i++) {
        char buf[32];
        s += 2LL * i + (long long)snprintf(buf, sizeof buf, "%dx", i);
    }
    return s;
}

int main(void)
{
    lua_State *a, *b, *c, *d;
    int round, good = 1;
    setenv("QUARRY_POOL", "1", 1);   /* the pool even under valgrind */
    a = open_state();
    b = open_state();
    ok(a && b, "two states open");
    if (!a || !b) return 1;
    for (round = 1; round <= 4; round++) {
        good &= churn(a, 3000 * round) == expected(3000 * round);
        good &= churn(b, 2000 * round) == expected(2000 * round);
    }
    ok(good, "work interleaved between two states, each with the pool");
    lua_close(a);                    /* the first opened, closed first: b's core stays usable */
    ok(churn(b, 5000) == expected(5000), "a state goes on after another is closed");
    c = open_state();
    ok(c && churn(c, 4000) == expected(4000), "a state opened while another runs");
    lua_close(b);
    ok(churn(c, 4000) == expected(4000), "and after it is closed");
    setenv("QUARRY_POOL", "0", 1);
    d = open_state();
    ok(d && churn(d, 4000) == expected(4000), "a state without the pool (QUARRY_POOL=0) beside one with it");
    lua_close(d);
    lua_close(c);                    /* the last to hold the core: it is unloaded, but pinned */
    printf("1..%d\n", tests);
    return failures != 0;
}
