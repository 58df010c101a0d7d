/*
 * Lua binding of the clause-tense model (qr_tense.h).
 *
 * Lua: quarry.core.tense_model(classes, phrases, opts) -> quarry.TenseModel;
 * model:of(tokens, start, stop), model:told_past(tokens, start, stop).
 * See lua/quarry/tense.lua, which builds the arguments from word lists.
 */
/***
@module quarry.core
*/

#include "qr_lua.h"
#include "qr_tense.h"

#include <string.h>

#define QR_TENSE_MT "quarry.TenseModel"

/* The names of the classes, in the order of enum qr_tense_class (the
 * phrases' first words are no class of their own). */
static const char *const class_names[] = {
    "future", "break", "past", "not_past", "attach", "deadline", "since", "adjectival", "clock", "opener",
    "speech", "conj", "aux", "perfect", "negation", "of", "ahead", "to", NULL
};

static int model_gc(lua_State *L)
{
    qr_tense_model_free(luaL_checkudata(L, 1, QR_TENSE_MT));
    return 0;
}

/* Item i of the list at idx: a key id (a positive integer); raises naming
 * what otherwise. */
static lua_Integer id_at(lua_State *L, int idx, lua_Integer i, const char *what)
{
    lua_Integer id;
    int isnum;
    lua_rawgeti(L, idx, i);
    id = lua_tointegerx(L, -1, &isnum);
    lua_pop(L, 1);
    if (!isnum || id < 1 || id > 0x7fffffff) luaL_error(L, "tense_model: %s: item %d is no key id", what, (int)i);
    return id;
}

static void read_classes(lua_State *L, qr_tense_model *m)
{
    int c;
    for (c = 0; class_names[c]; c++) {
        lua_Integer i, n;
        if (lua_getfield(L, 1, class_names[c]) != LUA_TTABLE)
            luaL_error(L, "tense_model: classes.%s must be a list of key ids", class_names[c]);
        n = (lua_Integer)lua_rawlen(L, -1);
        for (i = 1; i <= n; i++)
            if (qr_idset_add(&m->sets[c], (uint32_t)id_at(L, lua_gettop(L), i, class_names[c])) != QR_OK)
                luaL_error(L, "not enough memory");
        lua_pop(L, 1);
    }
}

static void read_phrases(lua_State *L, qr_tense_model *m)
{
    lua_Integer p, np = (lua_Integer)lua_rawlen(L, 2);
    /* each token of a clause may be tried against every phrase in one call */
    if (np > QR_TENSE_MAX_PHRASES) luaL_error(L, "tense_model: more than %d phrases", QR_TENSE_MAX_PHRASES);
    for (p = 1; p <= np; p++) {
        uint32_t ids[16];
        lua_Integer i, n;
        if (lua_rawgeti(L, 2, p) != LUA_TTABLE) luaL_error(L, "tense_model: phrase %d must be a list", (int)p);
        n = (lua_Integer)lua_rawlen(L, -1);
        if (n < 2 || n > 16) luaL_error(L, "tense_model: phrase %d must have 2 to 16 words", (int)p);
        for (i = 1; i <= n; i++) ids[i - 1] = (uint32_t)id_at(L, lua_gettop(L), i, "phrases");
        if (qr_tense_add_phrase(m, ids, (size_t)n) != QR_OK) luaL_error(L, "not enough memory");
        lua_pop(L, 1);
    }
}

static void read_suffix(lua_State *L, const char *name, char *out)
{
    size_t n;
    const char *s;
    lua_getfield(L, 3, name);
    s = lua_tolstring(L, -1, &n);
    if (!s || n >= QR_TENSE_SUFFIX_MAX) luaL_error(L, "tense_model: opts.%s must be a short string", name);
    memcpy(out, s, n + 1);
    lua_pop(L, 1);
}

/***
quarry.core.tense_model(classes, phrases, opts) -> quarry.TenseModel: the
clause-tense model of word classes (each a list of key ids, as
quarry.core.key_id gives them), phrases of the future (lists of key ids)
and opts {reach, past_suffix, past_min, future_suffix, possessive}. Use
quarry.tense.model, which takes words.
@function tense_model
@param classes table lists of key ids by class name
@param phrases table lists of key ids
@param opts table the reach and the suffixes
@return quarry.TenseModel
*/
static int l_tense_model(lua_State *L)
{
    qr_tense_model *m;
    lua_Integer reach, past_min;
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checktype(L, 2, LUA_TTABLE);
    luaL_checktype(L, 3, LUA_TTABLE);
    lua_settop(L, 3);
    m = lua_newuserdatauv(L, sizeof *m, 0);
    qr_tense_model_init(m);
    luaL_setmetatable(L, QR_TENSE_MT);       /* from here __gc frees it */
    lua_getfield(L, 3, "reach");
    reach = luaL_checkinteger(L, -1);
    lua_getfield(L, 3, "past_min");
    past_min = luaL_checkinteger(L, -1);
    lua_pop(L, 2);
    luaL_argcheck(L, reach >= 0 && reach <= QR_TENSE_MAX_REACH, 3, "reach must be 0 .. 1000");
    luaL_argcheck(L, past_min >= 0 && past_min <= 1000, 3, "past_min must be 0 .. 1000");
    m->reach = (long)reach;
    m->past_min = (size_t)past_min;
    read_suffix(L, "past_suffix", m->past_suffix);
    read_suffix(L, "future_suffix", m->future_suffix);
    read_suffix(L, "possessive", m->possessive);
    read_classes(L, m);
    read_phrases(L, m);
    return 1;
}

/***
The tense of a date's own clause, by word classes (quarry.tense.model).
@type TenseModel
*/

/* The model, the document and the tokens [first, last] of the byte span of
 * arguments 3 and 4; 0 when the span covers no token. */
static int check_span(lua_State *L, qr_tense_model **m, qr_tense_doc *d, long *first, long *last)
{
    lua_Integer start, stop;
    size_t f, l;
    *m = luaL_checkudata(L, 1, QR_TENSE_MT);
    d->t = qr_check_tokens(L, 2, &d->text, NULL);
    start = luaL_checkinteger(L, 3);
    stop = luaL_checkinteger(L, 4);
    d->work = 0;
    if (stop <= 0 || stop <= start) return 0;
    if (!qr_tokens_cover(d->t, start < 0 ? 0 : (size_t)start, (size_t)stop, &f, &l)) return 0;
    d->keys = qr_tokens_keys(L, 2, 0);
    d->ids = qr_tokens_ids(L, 2, 0);
    *first = (long)f + 1;
    *last = (long)l + 1;
    return 1;
}

/***
model:of(tokens, start, stop) -> "future" | "past" | "deadline" | nil: the
tense of the clause of the byte span [start, stop) of tokens' text (nil
too when the span covers no token)
@function TenseModel:of
@param tokens quarry.Tokens the document's tokens
@param start integer the span's start (0-based byte)
@param stop integer its end (exclusive)
@return string or nil
*/
static int model_of(lua_State *L)
{
    static const char *const names[] = { NULL, "future", "past", "deadline" };
    qr_tense_model *m;
    qr_tense_doc d;
    long first, last;
    enum qr_tense t;
    if (!check_span(L, &m, &d, &first, &last)) return 0;
    t = qr_tense_of(m, &d, first, last);
    qr_limit_work(L, d.work);
    if (t == QR_TENSE_NONE) return 0;
    lua_pushstring(L, names[t]);
    return 1;
}

/***
model:told_past(tokens, start, stop) -> boolean: a verb in the past stands
before the span in its sentence, or after it before a punctuation mark
@function TenseModel:told_past
@param tokens quarry.Tokens the document's tokens
@param start integer the span's start (0-based byte)
@param stop integer its end (exclusive)
@return boolean
*/
static int model_told_past(lua_State *L)
{
    qr_tense_model *m;
    qr_tense_doc d;
    long first, last;
    int past;
    if (!check_span(L, &m, &d, &first, &last)) { lua_pushboolean(L, 0); return 1; }
    past = qr_tense_told_past(m, &d, first, last);
    qr_limit_work(L, d.work);
    lua_pushboolean(L, past);
    return 1;
}

void qr_open_tense(lua_State *L)
{
    static const luaL_Reg methods[] = { { "of", model_of }, { "told_past", model_told_past }, { NULL, NULL } };
    luaL_newmetatable(L, QR_TENSE_MT);
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, model_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    lua_pushcfunction(L, l_tense_model);
    lua_setfield(L, -2, "tense_model");
}
