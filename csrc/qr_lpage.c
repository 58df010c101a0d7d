/*
 * Lua binding of qr_page.c: a clutter list (core.page_clutter) and the
 * description of a document's paragraphs by it (clutter:describe), for
 * the structure of a page (quarry.page).
 */
#include "qr_lua.h"
#include "qr_page.h"
#include "qr_token.h"

#include <string.h>

/***
@module quarry.core
*/

#define QR_CLUTTER_MT "quarry.PageClutter"
#define QR_PAGE_MT    "quarry.Page"

#define QR_LPAT_PER_STEP 4   /* steps of matching a step of the budget stands for (as qr_llpat.c) */

static const char *const ROLE_NAMES[] = { "", "comments", "related", "signature", "boilerplate", NULL };
static const char *const KIND_NAMES[] = {
    "", "comments", "related", "boilerplate", "byline", "headline", "dateline", "body", NULL
};

typedef struct lpage {
    size_t n;
    qr_page_para para[1];
} lpage;

/* A string field of the table at idx of a set of bytes (absent: any): *any, set. */
static void byte_set(lua_State *L, int idx, const char *field, uint8_t *any, uint8_t *set)
{
    size_t len, i;
    const char *s;
    lua_getfield(L, idx, field);
    memset(set, 0, 32);
    if (lua_isnil(L, -1)) {
        *any = 1;
    } else {
        s = luaL_checklstring(L, -1, &len);
        *any = 0;
        for (i = 0; i < len; i++) set[(unsigned char)s[i] >> 3] |= (uint8_t)(1u << ((unsigned char)s[i] & 7));
    }
    lua_pop(L, 1);
}

/***
core.page_clutter(entries) -> clutter: a clutter list for clutter:describe,
from entries {pattern, role, strong, plain, opening, first, second, last} in their
order (role "comments", "related", "signature" or "boilerplate"; plain: a
string found as it is; opening: an anchored opening of the pattern that
lowering a paragraph cannot change the match of, or nil; first, second: strings of the bytes a lowered
paragraph the entry matches can begin with, nil for any; last: the byte
it must end with, nil for any). quarry.page makes the entries.
@function page_clutter
@param entries table the list
@return userdata the clutter list
*/
static int l_page_clutter(lua_State *L)
{
    size_t n, k, size;
    qr_page_clutter *c;
    luaL_checktype(L, 1, LUA_TTABLE);
    n = (size_t)lua_rawlen(L, 1);
    luaL_argcheck(L, n <= UINT16_MAX, 1, "too many entries");
    size = sizeof *c + n * sizeof(qr_page_entry) + QR_PAGE_LIST_SIZE(n) * sizeof(uint16_t);
    c = lua_newuserdatauv(L, size, 1);
    memset(c, 0, sizeof *c);
    c->entry = (qr_page_entry *)(c + 1);
    c->list = (uint16_t *)(c->entry + n);
    c->n = n;
    lua_createtable(L, (int)(2 * n), 0);   /* the patterns and openings, kept alive: uservalue 1 */
    for (k = 0; k < n; k++) {
        qr_page_entry *e = &c->entry[k];
        int top = lua_gettop(L);
        lua_rawgeti(L, 1, (lua_Integer)k + 1);
        luaL_argcheck(L, lua_istable(L, -1), 1, "entries must be tables");
        lua_getfield(L, -1, "pattern");
        e->pat = luaL_checklstring(L, -1, &e->plen);
        lua_rawseti(L, top, (lua_Integer)k + 1);
        lua_getfield(L, -1, "opening");
        e->opening = lua_isnil(L, -1) ? NULL : luaL_checklstring(L, -1, &e->olen);
        lua_rawseti(L, top, (lua_Integer)(n + k) + 1);
        lua_getfield(L, -1, "role");
        e->role = (uint8_t)luaL_checkoption(L, -1, NULL, ROLE_NAMES + 1) + 1;
        lua_pop(L, 1);
        lua_getfield(L, -1, "strong");
        e->strong = (uint8_t)lua_toboolean(L, -1);
        lua_getfield(L, -2, "plain");
        e->plain = (uint8_t)lua_toboolean(L, -1);
        lua_pop(L, 2);
        byte_set(L, top + 1, "first", &e->any_first, e->first);
        byte_set(L, top + 1, "second", &e->any_second, e->second);
        lua_getfield(L, -1, "last");
        e->last = lua_isnil(L, -1) ? -1 : (int)(luaL_checkinteger(L, -1) & 255);
        lua_settop(L, top);
    }
    lua_setiuservalue(L, -2, 1);
    qr_page_clutter_index(c);
    luaL_setmetatable(L, QR_CLUTTER_MT);
    return 1;
}

static void lpat_tick(void *ud, long steps)
{
    qr_limit_work((lua_State *)ud, steps / QR_LPAT_PER_STEP);
}

static void lpat_fail(void *ud, const char *message)
{
    luaL_error((lua_State *)ud, "a clutter pattern: %s", message);
}

/***
clutter:describe(tokens) -> page: the paragraphs of a document described
by the clutter list: each one's words (counted up to 41), its role by the
first entry that matches it (trimmed and lowered: A-Z to a-z, U+2019 to
"'"; boilerplate only in a paragraph of at most 40 words), and the
clutter block it is in; page:kind(i) gives "comments", "related",
"boilerplate" or nil (the article's own).
@function PageClutter:describe
@param tokens userdata the document's quarry.Tokens
@return userdata the page
*/
static int clutter_describe(lua_State *L)
{
    const qr_page_clutter *c = luaL_checkudata(L, 1, QR_CLUTTER_MT);
    const char *text;
    size_t len, n, i, longest = 0;
    const qr_tokens *t = qr_check_tokens(L, 2, &text, &len);
    lpage *pg;
    char *low;
    qr_lpat m;
    n = t->npara;
    pg = lua_newuserdatauv(L, sizeof *pg + (n ? n - 1 : 0) * sizeof(qr_page_para), 1);
    pg->n = n;
    for (i = 0; i < n; i++) {
        size_t first = t->para[i], last = (i + 1 < n ? t->para[i + 1] : t->n) - 1;
        pg->para[i].start = t->tok[first].start;
        pg->para[i].stop = t->tok[last].stop;
        if (pg->para[i].stop - pg->para[i].start > longest) longest = pg->para[i].stop - pg->para[i].start;
    }
    lua_pushvalue(L, 2);
    lua_setiuservalue(L, -2, 1);   /* the tokens, for the text */
    luaL_setmetatable(L, QR_PAGE_MT);
    low = lua_newuserdatauv(L, longest + 1, 0);
    m.tick = lpat_tick;
    m.fail = lpat_fail;
    m.ud = L;
    m.countdown = QR_LPAT_TICK;   /* a plain string may be searched before any pattern sets it */
    /* a paragraph may go through every entry before a pattern is tried
     * (and ticks): each counts as a step of matching */
    qr_limit_work(L, (long long)(n + len / 64) + (long long)n * (long long)c->n / QR_LPAT_PER_STEP);
    qr_page_describe(c, text, pg->para, n, low, &m);
    lua_pop(L, 1);
    return 1;
}

/* The quarry.Page a method is called on (argument 1): told by its
 * metatable, which each method closes over (upvalue 1), cheaper than
 * luaL_checkudata's look-up by name; that one checks anything else and
 * raises the usual error. */
static lpage *check_page(lua_State *L)
{
    lpage *pg = lua_touserdata(L, 1);
    if (pg && lua_getmetatable(L, 1)) {
        int same = lua_rawequal(L, -1, lua_upvalueindex(1));
        lua_pop(L, 1);
        if (same) return pg;
    }
    return luaL_checkudata(L, 1, QR_PAGE_MT);
}

/* The paragraph numbered by argument 2 (1-based). */
static qr_page_para *page_para(lua_State *L, lpage *pg)
{
    lua_Integer i = luaL_checkinteger(L, 2);
    luaL_argcheck(L, i >= 1 && (lua_Unsigned)i <= pg->n, 2, "paragraph out of range");
    return &pg->para[i - 1];
}

static int page_len(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)check_page(L)->n);
    return 1;
}

/***
page:kind(i) -> kind | nil: paragraph i's kind so far ("comments",
"related", "boilerplate", or one page:set_kind gave it; nil: none yet)
@function Page:kind
@param i integer the paragraph (1-based)
@return string|nil
*/
static int page_kind(lua_State *L)
{
    const qr_page_para *p = page_para(L, check_page(L));
    if (p->kind == QR_KIND_NONE) lua_pushnil(L);
    else lua_pushstring(L, KIND_NAMES[p->kind]);
    return 1;
}

/***
page:set_kind(i, kind): gives paragraph i a kind: "byline", "headline",
"dateline", "body", "boilerplate", "comments" or "related"
@function Page:set_kind
@param i integer the paragraph (1-based)
@param kind string
@return nothing
*/
static int page_set_kind(lua_State *L)
{
    qr_page_para *p = page_para(L, check_page(L));
    p->kind = (uint8_t)(luaL_checkoption(L, 3, NULL, KIND_NAMES + 1) + 1);
    return 0;
}

/***
page:text(i) -> text: paragraph i without white space at either end
@function Page:text
@param i integer the paragraph (1-based)
@return string
*/
static int page_text(lua_State *L)
{
    lpage *pg = check_page(L);
    const qr_page_para *p = page_para(L, pg);
    const char *text;
    lua_getiuservalue(L, 1, 1);
    qr_check_tokens(L, -1, &text, NULL);
    lua_pushlstring(L, text + p->tstart, p->tstop - p->tstart);
    return 1;
}

/***
page:words(i) -> n: the words of paragraph i (runs of bytes other than
ASCII white space), counted up to 41
@function Page:words
@param i integer the paragraph (1-based)
@return integer
*/
static int page_words(lua_State *L)
{
    lua_pushinteger(L, page_para(L, check_page(L))->words);
    return 1;
}

/***
page:span(i) -> start, stop: paragraph i's bytes (0-based, stop exclusive)
@function Page:span
@param i integer the paragraph (1-based)
@return integer start
@return integer stop
*/
static int page_span(lua_State *L)
{
    const qr_page_para *p = page_para(L, check_page(L));
    lua_pushinteger(L, p->start);
    lua_pushinteger(L, p->stop);
    return 2;
}

/***
page:run(i) -> kind, j, start, stop | nil: the run of paragraphs i .. j of
one kind (a paragraph without one counts as "body"; a headline is a run
of its own), and its bytes; nil after the last paragraph
@function Page:run
@param i integer the run's first paragraph (1-based)
@return string the kind
@return integer the run's last paragraph
@return integer start (0-based byte)
@return integer stop (exclusive)
*/
static int page_run(lua_State *L)
{
    lpage *pg = check_page(L);
    lua_Integer i = luaL_checkinteger(L, 2);
    size_t a, b;
    int kind;
    if (i < 1 || (lua_Unsigned)i > pg->n) return 0;
    a = b = (size_t)i - 1;
    kind = pg->para[a].kind == QR_KIND_NONE ? QR_KIND_BODY : pg->para[a].kind;
    if (kind != QR_KIND_HEADLINE) {
        while (b + 1 < pg->n) {
            int next = pg->para[b + 1].kind == QR_KIND_NONE ? QR_KIND_BODY : pg->para[b + 1].kind;
            if (next != kind) break;
            b++;
        }
    }
    lua_pushstring(L, KIND_NAMES[kind]);
    lua_pushinteger(L, (lua_Integer)b + 1);
    lua_pushinteger(L, pg->para[a].start);
    lua_pushinteger(L, pg->para[b].stop);
    return 4;
}

void qr_open_page(lua_State *L)
{
    static const luaL_Reg clutter_methods[] = { { "describe", clutter_describe }, { NULL, NULL } };
    static const luaL_Reg page_methods[] = {
        { "kind", page_kind }, { "set_kind", page_set_kind }, { "text", page_text }, { "words", page_words },
        { "span", page_span }, { "run", page_run }, { NULL, NULL }
    };
    luaL_newmetatable(L, QR_CLUTTER_MT);
    luaL_newlib(L, clutter_methods);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    luaL_newmetatable(L, QR_PAGE_MT);
    luaL_newlibtable(L, page_methods);
    lua_pushvalue(L, -2);              /* the metatable: upvalue 1 of each method (check_page) */
    luaL_setfuncs(L, page_methods, 1);
    lua_setfield(L, -2, "__index");
    lua_pushvalue(L, -1);
    lua_pushcclosure(L, page_len, 1);
    lua_setfield(L, -2, "__len");
    lua_pop(L, 1);
    lua_pushcfunction(L, l_page_clutter);
    lua_setfield(L, -2, "page_clutter");
}
