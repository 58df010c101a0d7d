/*
 * SQLite FTS5 plumbing shared by the corpus store and the benchmarks:
 * finding the fts5_api of a connection and running any registered FTS5
 * tokenizer over a text, so quarry's tokens can be compared with what
 * SQLite's own tokenizers produce on the same input.
 */
#include "qr_lua.h"

#include <sqlite3.h>
#include <string.h>

/* The fts5_api of db, or NULL when SQLite was built without FTS5. */
static fts5_api *fts5_api_of(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK) return NULL;
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    return api;
}

typedef struct fts_count {
    lua_Integer tokens;
    lua_Integer bytes;    /* sum of token lengths, so callers can compare splits */
} fts_count;

static int count_token(void *ctx, int flags, const char *tok, int ntok, int start, int stop)
{
    fts_count *c = ctx;
    (void)flags; (void)tok; (void)ntok;
    c->tokens++;
    c->bytes += stop - start;
    return SQLITE_OK;
}

/* Runs tokenizer `name` over text inside its own in-memory connection.
 * Returns NULL on success or a static description of what failed. No Lua
 * error is raised from here: SQLite frames must not be unwound by longjmp. */
static const char *run_fts5_tokenizer(const char *name, const char **args, int nargs,
                                      const char *text, size_t len, fts_count *out)
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
    api = fts5_api_of(db);
    if (!api) err = "this SQLite has no FTS5";
    else if (api->xFindTokenizer(api, name, &udata, &tk) != SQLITE_OK) err = "no such FTS5 tokenizer";
    else if (tk.xCreate(udata, args, nargs, &inst) != SQLITE_OK) err = "the tokenizer rejected its arguments";
    else if (tk.xTokenize(inst, out, FTS5_TOKENIZE_DOCUMENT, text, (int)len, count_token) != SQLITE_OK)
        err = "the tokenizer failed";
    if (inst) tk.xDelete(inst);
    sqlite3_close(db);
    return err;
}

/* quarry.core.fts5_tokenize(text, tokenizer [, arg...]) -> count, bytes | nil, message */
static int l_fts5_tokenize(lua_State *L)
{
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    const char *name = luaL_checkstring(L, 2);
    const char *args[16];
    int nargs = lua_gettop(L) - 2, k;
    fts_count count = { 0, 0 };
    const char *err;

    luaL_argcheck(L, nargs <= 16, 19, "at most 16 tokenizer arguments");
    for (k = 0; k < nargs; k++) args[k] = luaL_checkstring(L, 3 + k);
    err = run_fts5_tokenizer(name, args, nargs, text, len, &count);
    if (err) {
        lua_pushnil(L);
        lua_pushfstring(L, "%s: '%s'", err, name);
        return 2;
    }
    lua_pushinteger(L, count.tokens);
    lua_pushinteger(L, count.bytes);
    return 2;
}

void qr_open_fts(lua_State *L)
{
    lua_pushcfunction(L, l_fts5_tokenize);
    lua_setfield(L, -2, "fts5_tokenize");
    lua_pushstring(L, sqlite3_libversion());
    lua_setfield(L, -2, "sqlite_version");
}
