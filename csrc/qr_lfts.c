/*
 * The Lua binding of qr_fts.c: running any registered FTS5 tokenizer over a
 * text from Lua, so quarry's tokens can be compared with what SQLite's own
 * tokenizers produce on the same input.
 *
 * Nothing here calls Lua while SQLite is on the stack: the functions collect
 * what SQLite reports in C buffers and build Lua values only after SQLite
 * has returned.
 */
#include "qr_lua.h"
#include "qr_fts.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define QR_FTS_TOKENS_MT "quarry.FtsCollector"

/***
@module quarry.core
*/

/* --- running a tokenizer from Lua -------------------------------------------- */

/* What a tokenizer reported, collected in C while SQLite runs it. */
typedef struct collected {
    int keep;             /* keep every token (else only count) */
    lua_Integer tokens;   /* tokens at their own position */
    lua_Integer bytes;    /* sum of their lengths, so callers can compare splits */
    struct rec { size_t koff; int klen, start, stop, colocated; } *recs;
    size_t n, cap;
    char *keys;
    size_t klen, kcap;
    int oom;
} collected;

/* Room for one more record and ntok more key bytes. */
static int collected_reserve(collected *c, size_t ntok)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        void *np = realloc(c->recs, cap * sizeof *c->recs);
        if (!np) return 0;
        c->recs = np;
        c->cap = cap;
    }
    if (c->klen + ntok > c->kcap) {
        size_t cap = (c->klen + ntok) * 2 + 256;
        char *np = realloc(c->keys, cap);
        if (!np) return 0;
        c->keys = np;
        c->kcap = cap;
    }
    return 1;
}

static int collect_token(void *ctx, int flags, const char *tok, int ntok, int start, int stop)
{
    collected *c = ctx;
    if (!(flags & FTS5_TOKEN_COLOCATED)) {
        c->tokens++;
        c->bytes += stop - start;
    }
    if (!c->keep) return SQLITE_OK;
    if (!collected_reserve(c, (size_t)ntok)) {
        c->oom = 1;
        return SQLITE_NOMEM;
    }
    memcpy(c->keys + c->klen, tok, (size_t)ntok);
    c->recs[c->n].koff = c->klen;
    c->recs[c->n].klen = ntok;
    c->recs[c->n].start = start;
    c->recs[c->n].stop = stop;
    c->recs[c->n].colocated = (flags & FTS5_TOKEN_COLOCATED) != 0;
    c->n++;
    c->klen += (size_t)ntok;
    return SQLITE_OK;
}

/* Runs tokenizer `name` over text inside its own in-memory connection, as
 * FTS5 does for a document. Returns NULL on success or a static description
 * of what failed. No Lua error is raised from here: SQLite frames must not
 * be unwound by longjmp. */
static const char *run_fts5_tokenizer(const char *name, const char **args, int nargs,
                                      const char *text, size_t len, collected *out)
{
    sqlite3 *db = NULL;
    fts5_api *api;
    fts5_tokenizer tk;
    Fts5Tokenizer *inst = NULL;
    void *udata = NULL;
    const char *err = NULL;

    if (len > 0x7FFFFFFF) return "text too large for an FTS5 tokenizer (2 GiB limit)";
    if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return "cannot open an in-memory SQLite database";
    }
    api = qr_fts5_api(db);
    if (!api) err = "this SQLite has no FTS5";
    else if (qr_fts_register(db) != SQLITE_OK) err = "cannot register the quarry tokenizer";
    else if (api->xFindTokenizer(api, name, &udata, &tk) != SQLITE_OK) err = "no such FTS5 tokenizer";
    else if (tk.xCreate(udata, args, nargs, &inst) != SQLITE_OK) err = "the tokenizer rejected its arguments";
    else if (tk.xTokenize(inst, out, FTS5_TOKENIZE_DOCUMENT, text, (int)len, collect_token) != SQLITE_OK)
        err = out->oom ? "not enough memory" : "the tokenizer failed";
    if (inst) tk.xDelete(inst);
    sqlite3_close(db);
    return err;
}

static const char *tokenize_args(lua_State *L, const char **args, int *nargs, size_t *len)
{
    const char *text = luaL_checklstring(L, 1, len);
    int k;
    luaL_checkstring(L, 2);
    *nargs = lua_gettop(L) - 2;
    luaL_argcheck(L, *nargs <= 16, 19, "at most 16 tokenizer arguments");
    for (k = 0; k < *nargs; k++) args[k] = luaL_checkstring(L, 3 + k);
    return text;
}

/* __gc of the box holding a collector: frees what a raised error left. */
static int collected_gc(lua_State *L)
{
    collected *c = luaL_checkudata(L, 1, QR_FTS_TOKENS_MT);
    free(c->recs);
    free(c->keys);
    c->recs = NULL;
    c->keys = NULL;
    return 0;
}

/* A collector in a userdata at the top of the stack, so its buffers are
 * freed even when building the Lua result raises. */
static collected *new_collected(lua_State *L, int keep)
{
    collected *c = lua_newuserdatauv(L, sizeof *c, 0);
    memset(c, 0, sizeof *c);
    c->keep = keep;
    luaL_setmetatable(L, QR_FTS_TOKENS_MT);
    return c;
}

static int tokenize_failed(lua_State *L, const char *err)
{
    lua_pushnil(L);
    lua_pushfstring(L, "%s: '%s'", err, lua_tostring(L, 2));
    return 2;
}

/***
quarry.core.fts5_tokenize(text, tokenizer [, arg...]) -> count, bytes | nil, message
(count and bytes of the tokens at their own position, as a document)
@function fts5_tokenize
@param text string the text
@param tokenizer string an FTS5 tokenizer's name ("quarry", "unicode61", ...)
@param arg string optional: the tokenizer's arguments, one string each
@return integer count; or nil, message
@return integer bytes
*/
static int l_fts5_tokenize(lua_State *L)
{
    size_t len;
    const char *args[16];
    int nargs;
    const char *text = tokenize_args(L, args, &nargs, &len);
    collected *c = new_collected(L, 0);
    const char *err = run_fts5_tokenizer(lua_tostring(L, 2), args, nargs, text, len, c);
    if (err) return tokenize_failed(L, err);
    lua_pushinteger(L, c->tokens);
    lua_pushinteger(L, c->bytes);
    return 2;
}

/***
quarry.core.fts5_tokens(text, tokenizer [, arg...])
  -> {{token = key, start = s, stop = e, colocated = bool}, ...} | nil, message
Every token the tokenizer reports for text as a document; offsets are
0-based bytes, stop exclusive.
@function fts5_tokens
@param text string the text
@param tokenizer string an FTS5 tokenizer's name
@param arg string optional: the tokenizer's arguments, one string each
@return table the tokens; or nil, message
*/
static int l_fts5_tokens(lua_State *L)
{
    size_t len, k;
    const char *args[16];
    int nargs;
    const char *text = tokenize_args(L, args, &nargs, &len);
    collected *c = new_collected(L, 1);
    const char *err = run_fts5_tokenizer(lua_tostring(L, 2), args, nargs, text, len, c);
    if (err) return tokenize_failed(L, err);
    lua_createtable(L, (int)(c->n < INT_MAX ? c->n : INT_MAX), 0);
    for (k = 0; k < c->n; k++) {
        lua_createtable(L, 0, 4);
        lua_pushlstring(L, c->keys + c->recs[k].koff, (size_t)c->recs[k].klen);
        lua_setfield(L, -2, "token");
        lua_pushinteger(L, c->recs[k].start);
        lua_setfield(L, -2, "start");
        lua_pushinteger(L, c->recs[k].stop);
        lua_setfield(L, -2, "stop");
        lua_pushboolean(L, c->recs[k].colocated);
        lua_setfield(L, -2, "colocated");
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    return 1;
}

void qr_open_fts(lua_State *L)
{
    luaL_newmetatable(L, QR_FTS_TOKENS_MT);
    lua_pushcfunction(L, collected_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    lua_pushcfunction(L, l_fts5_tokenize);
    lua_setfield(L, -2, "fts5_tokenize");
    lua_pushcfunction(L, l_fts5_tokens);
    lua_setfield(L, -2, "fts5_tokens");
    lua_pushstring(L, sqlite3_libversion());
    lua_setfield(L, -2, "sqlite_version");
}
