/*
 * string.find, match, gmatch and gsub for untrusted code (sandbox.lua),
 * on the budgeted matcher of qr_lpat.c: the same results as Lua's, but the
 * matcher's work counts against the step budget of core.limited (one step
 * for every QR_LPAT_PER_STEP steps of matching, and the CPU clock checked
 * as often), so that a pattern that backtracks without end stops.
 */
#include "qr_lua.h"
#include "qr_lpat.h"

#include <string.h>

#define QR_LPAT_PER_STEP 4   /* steps of matching a step of the budget stands for */

/***
@module quarry.core
*/

static void lpat_tick(void *ud, long steps)
{
    qr_limit_work((lua_State *)ud, steps / QR_LPAT_PER_STEP);
}

static void lpat_fail(void *ud, const char *message)
{
    luaL_error((lua_State *)ud, "%s", message);
}

static void prepare(lua_State *L, qr_lpat *m, const char *s, size_t ls, const char *p, size_t lp)
{
    qr_lpat_init(m, s, ls, p, lp);
    m->tick = lpat_tick;
    m->fail = lpat_fail;
    m->ud = L;
}

/* A start position as string.find takes it: 1-based, negative from the end. */
static size_t start_at(lua_Integer pos, size_t len)
{
    if (pos > 0) return (size_t)pos;
    if (pos == 0 || pos < -(lua_Integer)len) return 1;
    return len + (size_t)pos + 1;
}

static void push_capture(lua_State *L, qr_lpat *m, int i, const char *s, const char *e)
{
    ptrdiff_t l;
    if (i >= m->level) {
        if (i != 0) luaL_error(L, "invalid capture index %%%d", i + 1);
        lua_pushlstring(L, s, (size_t)(e - s));   /* no captures: the whole match */
        return;
    }
    l = m->cap[i].len;
    if (l == QR_LPAT_UNFINISHED) luaL_error(L, "unfinished capture");
    if (l == QR_LPAT_POSITION) lua_pushinteger(L, (lua_Integer)(m->cap[i].init - m->src) + 1);
    else lua_pushlstring(L, m->cap[i].init, (size_t)l);
}

/* The captures (s: the whole match when there are none; NULL: nothing). */
static int push_captures(lua_State *L, qr_lpat *m, const char *s, const char *e)
{
    int i, n = (m->level == 0 && s) ? 1 : m->level;
    luaL_checkstack(L, n, "too many captures");
    for (i = 0; i < n; i++) push_capture(L, m, i, s, e);
    return n;
}

static int find_or_match(lua_State *L, int find)
{
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = start_at(luaL_optinteger(L, 3, 1), ls) - 1;
    qr_lpat m;
    if (init > ls) {
        lua_pushnil(L);
        return 1;
    }
    prepare(L, &m, s, ls, p, lp);
    if (find && (lua_toboolean(L, 4) || qr_lpat_plain(p, lp))) {
        const char *hit = qr_lpat_memfind(&m, s + init, ls - init, p, lp);
        if (hit) {
            lua_pushinteger(L, (lua_Integer)(hit - s) + 1);
            lua_pushinteger(L, (lua_Integer)(hit - s + lp));
            return 2;
        }
    } else {
        const char *s1 = s + init;
        int anchor = *p == '^';
        if (anchor) {
            p++;
            lp--;
            prepare(L, &m, s, ls, p, lp);
        }
        do {
            const char *e = qr_lpat_match(&m, s1, p);
            if (e) {
                if (!find) return push_captures(L, &m, s1, e);
                lua_pushinteger(L, (lua_Integer)(s1 - s) + 1);
                lua_pushinteger(L, (lua_Integer)(e - s));
                return push_captures(L, &m, NULL, NULL) + 2;
            }
        } while (s1++ < m.src_end && !anchor);
    }
    lua_pushnil(L);
    return 1;
}

/***
core.lpat_find(s, pattern [, init [, plain]]): string.find, its matching
counted against the step budget of core.limited
@function lpat_find
@param s string the subject
@param pattern string a Lua pattern
@param init integer optional: where to start
@param plain boolean optional: pattern is plain text
@return integer start, integer stop, captures...; or nil
*/
static int l_find(lua_State *L)
{
    return find_or_match(L, 1);
}

/***
core.lpat_match(s, pattern [, init]): string.match, counted
@function lpat_match
@param s string the subject
@param pattern string a Lua pattern
@param init integer optional: where to start
@return the captures, or the match; or nil
*/
static int l_match(lua_State *L)
{
    return find_or_match(L, 0);
}

typedef struct gmatch_state {
    const char *src, *p, *lastmatch;
    qr_lpat m;
} gmatch_state;

static int gmatch_next(lua_State *L)
{
    gmatch_state *gm = lua_touserdata(L, lua_upvalueindex(3));
    const char *src;
    gm->m.ud = L;   /* the thread calling, for the budget and errors */
    for (src = gm->src; src <= gm->m.src_end; src++) {
        const char *e = qr_lpat_match(&gm->m, src, gm->p);
        if (e && e != gm->lastmatch) {
            gm->src = gm->lastmatch = e;
            return push_captures(L, &gm->m, src, e);
        }
    }
    gm->src = gm->m.src_end + 1;
    return 0;
}

/***
core.lpat_gmatch(s, pattern [, init]): string.gmatch, counted
@function lpat_gmatch
@param s string the subject
@param pattern string a Lua pattern
@param init integer optional: where to start
@return function the iterator
*/
static int l_gmatch(lua_State *L)
{
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = start_at(luaL_optinteger(L, 3, 1), ls) - 1;
    gmatch_state *gm;
    lua_settop(L, 2);   /* s and p stay alive as upvalues */
    gm = lua_newuserdatauv(L, sizeof *gm, 0);
    if (init > ls) init = ls + 1;
    prepare(L, &gm->m, s, ls, p, lp);
    gm->src = s + init;
    gm->p = p;
    gm->lastmatch = NULL;
    lua_pushcclosure(L, gmatch_next, 3);
    return 1;
}

/* A replacement string, its %0-%9 and %% resolved. */
static void add_string(lua_State *L, qr_lpat *m, luaL_Buffer *b, const char *s, const char *e)
{
    size_t l;
    const char *r = lua_tolstring(L, 3, &l), *end = r + l, *p;
    while ((p = memchr(r, '%', (size_t)(end - r))) != NULL) {
        luaL_addlstring(b, r, (size_t)(p - r));
        p++;
        if (*p == '%') {
            luaL_addchar(b, '%');
        } else if (*p >= '0' && *p <= '9') {
            if (*p == '0') {
                luaL_addlstring(b, s, (size_t)(e - s));
            } else {
                push_capture(L, m, *p - '1', s, e);
                luaL_tolstring(L, -1, NULL);   /* a position capture is a number */
                lua_remove(L, -2);
                luaL_addvalue(b);
            }
        } else {
            luaL_error(L, "invalid use of '%c' in replacement string", '%');
        }
        r = p + 1;
    }
    luaL_addlstring(b, r, (size_t)(end - r));
}

/* The replacement of the match s..e; whether it changed anything. */
static int add_value(lua_State *L, qr_lpat *m, luaL_Buffer *b, const char *s, const char *e, int tr)
{
    if (tr == LUA_TFUNCTION) {
        int n;
        lua_pushvalue(L, 3);
        n = push_captures(L, m, s, e);
        lua_call(L, n, 1);
    } else if (tr == LUA_TTABLE) {
        push_capture(L, m, 0, s, e);
        lua_gettable(L, 3);
    } else {
        add_string(L, m, b, s, e);
        return 1;
    }
    if (!lua_toboolean(L, -1)) {   /* nil or false: the match stays */
        lua_pop(L, 1);
        luaL_addlstring(b, s, (size_t)(e - s));
        return 0;
    }
    if (!lua_isstring(L, -1)) return luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
    luaL_addvalue(b);
    return 1;
}

/***
core.lpat_gsub(s, pattern, repl [, n]): string.gsub, counted
@function lpat_gsub
@param s string the subject
@param pattern string a Lua pattern
@param repl string|table|function the replacement
@param n integer optional: at most this many replacements
@return string the result
@return integer the matches replaced
*/
static int l_gsub(lua_State *L)
{
    size_t srcl, lp;
    const char *src = luaL_checklstring(L, 1, &srcl);
    const char *p = luaL_checklstring(L, 2, &lp);
    const char *lastmatch = NULL;
    int tr = lua_type(L, 3), anchor, changed = 0;
    lua_Integer max_s = luaL_optinteger(L, 4, (lua_Integer)srcl + 1), n = 0;
    qr_lpat m;
    luaL_Buffer b;
    luaL_argexpected(L, tr == LUA_TNUMBER || tr == LUA_TSTRING || tr == LUA_TFUNCTION || tr == LUA_TTABLE, 3,
                     "string/function/table");
    luaL_buffinit(L, &b);
    anchor = *p == '^';
    if (anchor) {
        p++;
        lp--;
    }
    prepare(L, &m, src, srcl, p, lp);
    while (n < max_s) {
        const char *e = qr_lpat_match(&m, src, p);
        if (e && e != lastmatch) {
            n++;
            changed = add_value(L, &m, &b, src, e, tr) | changed;
            src = lastmatch = e;
        } else if (src < m.src_end) {
            luaL_addchar(&b, *src++);
        } else {
            break;
        }
        if (anchor) break;
    }
    if (!changed) {
        lua_pushvalue(L, 1);
    } else {
        luaL_addlstring(&b, src, (size_t)(m.src_end - src));
        luaL_pushresult(&b);
    }
    lua_pushinteger(L, n);
    return 2;
}

void qr_open_lpat(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        { "lpat_find", l_find }, { "lpat_match", l_match }, { "lpat_gmatch", l_gmatch }, { "lpat_gsub", l_gsub },
        { NULL, NULL }
    };
    luaL_setfuncs(L, funcs, 0);
}
