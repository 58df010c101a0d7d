/*
 * Lua binding of gazetteers (qr_gaz.h): quarry.core.gazetteer([opts])
 * returns a quarry.Gazetteer. Entries live in C; Lua sees them only
 * through entry ids (1-based) and the match tables match() builds.
 *
 * Offsets follow the tokeniser's conventions: token numbers are 1-based,
 * byte offsets 0-based with an exclusive stop. Phrases never match across
 * a paragraph boundary (by default; see match's `within`), but may cross a
 * sentence boundary, because the sentence splitter can be wrong after an
 * abbreviation ("U.S.", "St.") inside a name.
 */
#include "qr_ann.h"
#include "qr_lua.h"
#include "qr_gaz.h"
#include "qr_keys.h"
#include "qr_token.h"
#include "qr_vocab.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

typedef struct lgaz {
    qr_gaz *g;              /* NULL once closed */
    qr_gaz_match *buf;      /* the matches of the text being matched (bufcap of them), */
    uint32_t *first;        /* ... and the token each starts at */
    size_t bufcap;
    uint32_t *ids;          /* key ids of the tokens of the text being matched (idcap of
                             * them), then the tokens that can begin a phrase */
    size_t idcap;
    uint32_t *map;          /* per id of the state's vocabulary, the map word of the key
                             * (qr_gaz_key_ids_mapped), or NULL: not made yet, or not shared */
    size_t nmap;
    uint64_t map_version;   /* qr_gaz_version when map was made */
    uint32_t *vids;         /* vids[k]: the vocabulary's id of key k of the list, 1 .. nvids */
    size_t nvids, vidcap;
} lgaz;

#define KEEP_IDS 65536      /* ids kept between match calls; more are freed */
/* A list of at most this many distinct keys shares the state's vocabulary
 * of keys (qr_vocab.h) with the token patterns, word sets and other
 * lists: a text's keys are then looked up once for all of them. A larger
 * list looks them up itself, not to grow the vocabulary every text's keys
 * are looked up in. */
#define SHARE_KEYS 65536

static const char *const fold_names[] = { "exact", "case", "bare", NULL };

static lgaz *check_lgaz(lua_State *L, int idx)
{
    lgaz *lg = luaL_checkudata(L, idx, QR_GAZ_MT);
    if (!lg->g) luaL_error(L, "attempt to use a closed quarry.Gazetteer");
    return lg;
}

qr_gaz *qr_check_gaz(lua_State *L, int idx)
{
    return check_lgaz(L, idx)->g;
}

/* Raises for an error code of qr_gaz_add; arg is the phrase's argument. */
static int add_error(lua_State *L, int rc, int arg, int attrs_arg)
{
    switch (rc) {
    case QR_GAZ_EEMPTY: case QR_GAZ_ELONG:
        return luaL_argerror(L, arg, qr_gaz_strerror(rc));
    case QR_GAZ_EATTRS:
        return luaL_argerror(L, attrs_arg, qr_gaz_strerror(rc));
    default:
        return luaL_error(L, "gazetteer: %s", qr_gaz_strerror(rc));
    }
}

/* Calls fn(L, key, value_index, ud) for each option of the table at arg
 * (nothing when the argument is absent or nil); names must be strings. */
static void each_option(lua_State *L, int arg, void (*fn)(lua_State *, int, const char *, void *),
                        void *ud)
{
    if (lua_isnoneornil(L, arg)) return;
    luaL_checktype(L, arg, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, arg)) {
        if (lua_type(L, -2) != LUA_TSTRING) luaL_argerror(L, arg, "option names must be strings");
        fn(L, arg, lua_tostring(L, -2), ud);
        lua_pop(L, 1);
    }
}

static void unknown_option(lua_State *L, int arg, const char *key)
{
    luaL_argerror(L, arg, lua_pushfstring(L, "unknown option '%s'", key));
}

/* The string option on top of the stack (anchored by the options table). */
static const char *string_option(lua_State *L, int arg, const char *key, size_t *len)
{
    if (lua_type(L, -1) != LUA_TSTRING) qr_option_error(L, arg, key, "must be a string");
    return lua_tolstring(L, -1, len);
}

/***
@module quarry.core
*/

/* --- quarry.core.gazetteer ---------------------------------------------- */

static void new_option(lua_State *L, int arg, const char *key, void *ud)
{
    unsigned *mode = ud;
    int k;
    if (strcmp(key, "fold") != 0) { unknown_option(L, arg, key); return; }
    for (k = 0; fold_names[k]; k++)
        if (lua_type(L, -1) == LUA_TSTRING && !strcmp(lua_tostring(L, -1), fold_names[k])) {
            *mode = (unsigned)k;
            return;
        }
    qr_option_error(L, arg, key, "must be \"case\", \"bare\" or \"exact\"");
}

/***
quarry.core.gazetteer([{fold = "case"|"bare"|"exact"}]) -> quarry.Gazetteer
@function gazetteer
@param opts table optional: fold ("case", "bare" or "exact")
@return quarry.Gazetteer
*/
static int l_gazetteer(lua_State *L)
{
    unsigned mode = QR_GAZ_CASE;
    lgaz *lg;
    each_option(L, 1, new_option, &mode);
    lg = lua_newuserdatauv(L, sizeof *lg, 0);
    memset(lg, 0, sizeof *lg);
    luaL_setmetatable(L, QR_GAZ_MT);
    if (!(lg->g = qr_gaz_new(mode))) return luaL_error(L, "not enough memory for a gazetteer");
    return 1;
}

/***
A list of phrases matched on tokens, each leading to an entry (a canonical
name, a type and optional attrs): quarry.gazetteer.new or load makes one.
`#gaz` is the number of entries.
@type Gazetteer
*/

/* --- quarry.Gazetteer ----------------------------------------------------- */

/***
gaz:close() and __gc/__close: frees the gazetteer now; idempotent
@function Gazetteer:close
@return nothing
*/
static int gaz_release(lua_State *L)
{
    lgaz *lg = luaL_checkudata(L, 1, QR_GAZ_MT);
    qr_gaz_free(lg->g);
    free(lg->buf);
    free(lg->first);
    free(lg->ids);
    free(lg->map);
    free(lg->vids);
    lg->g = NULL;
    lg->map = NULL;
    lg->nmap = 0;
    lg->vids = NULL;
    lg->nvids = lg->vidcap = 0;
    lg->buf = NULL;
    lg->first = NULL;
    lg->bufcap = 0;
    lg->ids = NULL;
    lg->idcap = 0;
    return 0;
}

/* tostring(gaz) -> "quarry.Gazetteer (case): 3 entries, 5 phrases" or "quarry.Gazetteer (closed)" */
static int gaz_tostring(lua_State *L)
{
    lgaz *lg = luaL_checkudata(L, 1, QR_GAZ_MT);
    if (!lg->g) lua_pushliteral(L, "quarry.Gazetteer (closed)");
    else lua_pushfstring(L, "quarry.Gazetteer (%s): %I entries, %I phrases",
                         fold_names[qr_gaz_mode(lg->g)], (lua_Integer)qr_gaz_entries(lg->g),
                         (lua_Integer)qr_gaz_phrases(lg->g));
    return 1;
}

/* #gaz -> number of entries */
static int gaz_len(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)qr_gaz_entries(check_lgaz(L, 1)->g));
    return 1;
}

/***
gaz:phrases() -> number of (phrase, entry) pairs
@function Gazetteer:phrases
@return integer
*/
static int gaz_phrases(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)qr_gaz_phrases(check_lgaz(L, 1)->g));
    return 1;
}

/***
gaz:fold() -> "case" | "bare" | "exact"
@function Gazetteer:fold
@return string
*/
static int gaz_fold(lua_State *L)
{
    lua_pushstring(L, fold_names[qr_gaz_mode(check_lgaz(L, 1)->g)]);
    return 1;
}

/***
gaz:longest() -> the longest phrase, in tokens (0 when empty)
@function Gazetteer:longest
@return integer
*/
static int gaz_longest(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)qr_gaz_longest(check_lgaz(L, 1)->g));
    return 1;
}

/***
gaz:memsize() -> bytes held in C
@function Gazetteer:memsize
@return integer bytes
*/
static int gaz_memsize(lua_State *L)
{
    lgaz *lg = check_lgaz(L, 1);
    lua_pushinteger(L, (lua_Integer)(qr_gaz_memsize(lg->g) + lg->bufcap * (sizeof *lg->buf + sizeof *lg->first)
                                     + 2 * lg->idcap * sizeof *lg->ids + lg->nmap * sizeof *lg->map
                                     + lg->vidcap * sizeof *lg->vids));
    return 1;
}

/***
gaz:add(phrase [, canonical [, type [, attrs_json]]]) -> entry id
@function Gazetteer:add
@param phrase string the phrase, tokenised as text is
@param canonical string optional: the entry's name (default: the phrase)
@param type string optional: the entry's type
@param attrs_json string optional: the entry's attributes, a JSON object
@return integer the entry's id (1-based)
*/
static int gaz_add(lua_State *L)
{
    lgaz *lg = check_lgaz(L, 1);
    size_t plen, clen, tlen, alen;
    const char *phrase = luaL_checklstring(L, 2, &plen);
    const char *canonical = luaL_optlstring(L, 3, "", &clen);
    const char *type = luaL_optlstring(L, 4, "", &tlen);
    const char *attrs = luaL_optlstring(L, 5, "", &alen);
    uint32_t id = 0;
    int rc = qr_gaz_add(lg->g, phrase, plen, canonical, clen, type, tlen, attrs, alen, &id);
    if (rc != QR_OK) return add_error(L, rc, 2, 5);
    lua_pushinteger(L, id);
    return 1;
}

typedef struct load_opts {
    int format;
    const char *type;
    size_t tlen;
} load_opts;

static void load_option(lua_State *L, int arg, const char *key, void *ud)
{
    load_opts *o = ud;
    if (!strcmp(key, "format")) {
        const char *v = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
        if (!strcmp(v, "tsv")) o->format = QR_GAZ_TSV;
        else if (!strcmp(v, "lines")) o->format = QR_GAZ_LINES;
        else qr_option_error(L, arg, key, "must be \"tsv\" or \"lines\"");
    } else if (!strcmp(key, "type")) {
        o->type = string_option(L, arg, key, &o->tlen);
    } else {
        unknown_option(L, arg, key);
    }
}

/***
gaz:load(path [, {format = "tsv"|"lines", type = default_type}]) -> count | nil, message
@function Gazetteer:load
@param path string the file
@param opts table optional: format ("tsv" or "lines"), type (for entries without one)
@return integer the phrases added; or nil, "path:line: problem"
*/
static int gaz_load(lua_State *L)
{
    lgaz *lg = check_lgaz(L, 1);
    const char *path = luaL_checkstring(L, 2);
    load_opts o = { QR_GAZ_TSV, NULL, 0 };
    size_t count = 0;
    char err[512];
    int rc;
    each_option(L, 3, load_option, &o);
    rc = qr_gaz_load_file(lg->g, path, o.format, o.type, o.tlen, &count, err, sizeof err);
    if (rc == QR_OK) {
        lua_pushinteger(L, (lua_Integer)count);
        return 1;
    }
    if (rc == QR_GAZ_EIO || rc == QR_GAZ_ESYNTAX) {
        luaL_pushfail(L);
        lua_pushstring(L, err);
        return 2;
    }
    return luaL_error(L, "gazetteer: %s", err);
}

/* Field `key` of the item table on top of the stack: a string or absent. */
static const char *item_string(lua_State *L, int arg, lua_Integer item, const char *key, size_t *len)
{
    const char *s = NULL;
    *len = 0;
    if (lua_getfield(L, -1, key) == LUA_TSTRING) s = lua_tolstring(L, -1, len);
    else if (!lua_isnil(L, -1))
        luaL_argerror(L, arg, lua_pushfstring(L, "item %I: '%s' must be a string", item, key));
    lua_pop(L, 1);          /* the string stays anchored by the item table */
    return s;
}

static void add_item_phrase(lua_State *L, qr_gaz *g, int arg, lua_Integer item,
                            const char *phrase, size_t plen, const char *canonical, size_t clen,
                            const char *type, size_t tlen, const char *attrs, size_t alen)
{
    int rc = qr_gaz_add(g, phrase, plen, canonical, clen, type, tlen, attrs, alen, NULL);
    if (rc == QR_GAZ_EEMPTY || rc == QR_GAZ_ELONG || rc == QR_GAZ_EATTRS)
        luaL_argerror(L, arg, lua_pushfstring(L, "item %I: %s", item, qr_gaz_strerror(rc)));
    else if (rc != QR_OK)
        luaL_error(L, "gazetteer: %s", qr_gaz_strerror(rc));
}

static void table_option(lua_State *L, int arg, const char *key, void *ud)
{
    load_opts *o = ud;
    if (strcmp(key, "type") != 0) { unknown_option(L, arg, key); return; }
    o->type = string_option(L, arg, key, &o->tlen);
}

/***
gaz:load_table(list [, {type = default_type}]) -> count of phrases added.
Items: "phrase" | {phrase, canonical =, type =, attrs =}
       | {names = {phrase, ...}, canonical =, type =, attrs =}
canonical defaults to the item's first phrase, so names share an entry.
@function Gazetteer:load_table
@param list table the items
@param opts table optional: type (for items without one)
@return integer the phrases added
*/
static int gaz_load_table(lua_State *L)
{
    lgaz *lg = check_lgaz(L, 1);
    load_opts o = { QR_GAZ_TSV, NULL, 0 };
    lua_Integer i, n, count = 0;
    luaL_checktype(L, 2, LUA_TTABLE);
    each_option(L, 3, table_option, &o);
    n = (lua_Integer)lua_rawlen(L, 2);
    for (i = 1; i <= n; i++) {
        int kind = lua_rawgeti(L, 2, i);
        size_t plen, clen, tlen, alen;
        const char *phrase, *canonical, *type, *attrs;
        if (kind == LUA_TSTRING) {
            phrase = lua_tolstring(L, -1, &plen);
            add_item_phrase(L, lg->g, 2, i, phrase, plen, NULL, 0, o.type, o.tlen, NULL, 0);
            count++;
        } else if (kind == LUA_TTABLE) {
            int item = lua_gettop(L), k, have = 0;
            lua_Integer nn = 0;
            canonical = item_string(L, 2, i, "canonical", &clen);
            type = item_string(L, 2, i, "type", &tlen);
            attrs = item_string(L, 2, i, "attrs", &alen);
            if (!type || !tlen) { type = o.type; tlen = o.tlen; }
            /* the phrases: item[1], then names[1..]; the first one is the
             * canonical name unless one is given, so they share an entry */
            if (lua_getfield(L, item, "names") == LUA_TTABLE) nn = (lua_Integer)lua_rawlen(L, -1);
            else if (!lua_isnil(L, -1))
                luaL_argerror(L, 2, lua_pushfstring(L, "item %I: 'names' must be a list of strings", i));
            for (k = 0; k <= nn; k++) {
                int t = k == 0 ? lua_rawgeti(L, item, 1) : lua_rawgeti(L, item + 1, k);
                if (k == 0 && t == LUA_TNIL) { lua_pop(L, 1); continue; }
                if (t != LUA_TSTRING)
                    luaL_argerror(L, 2, lua_pushfstring(L, k ? "item %I: 'names' must be a list of strings"
                                                            : "item %I: the phrase must be a string", i));
                phrase = lua_tolstring(L, -1, &plen);   /* anchored by the item */
                if (!canonical || !clen) { canonical = phrase; clen = plen; }
                add_item_phrase(L, lg->g, 2, i, phrase, plen, canonical, clen, type, tlen, attrs, alen);
                have++;
                lua_pop(L, 1);
            }
            lua_pop(L, 1);            /* names */
            if (!have)
                luaL_argerror(L, 2, lua_pushfstring(L, "item %I has no phrase (item[1] or names)", i));
            count += have;
        } else {
            luaL_argerror(L, 2, lua_pushfstring(L, "item %I must be a string or a table, not %s", i,
                                                luaL_typename(L, -1)));
        }
        lua_pop(L, 1);                /* the item */
    }
    lua_pushinteger(L, count);
    return 1;
}

/***
gaz:entry(id) -> canonical, type | nil, attrs_json | nil
@function Gazetteer:entry
@param id integer the entry's id
@return string canonical, or nil for no such entry
@return string type, or nil
@return string attrs (JSON), or nil
*/
static int gaz_entry(lua_State *L)
{
    lgaz *lg = check_lgaz(L, 1);
    lua_Integer id = luaL_checkinteger(L, 2);
    const char *c, *t, *a;
    size_t cl, tl, al;
    luaL_argcheck(L, id >= 1 && (lua_Unsigned)id <= qr_gaz_entries(lg->g), 2, "entry id out of range");
    qr_gaz_entry(lg->g, (uint32_t)id, &c, &cl, &t, &tl, &a, &al);
    lua_pushlstring(L, c, cl);
    if (tl) lua_pushlstring(L, t, tl); else lua_pushnil(L);
    if (al) lua_pushlstring(L, a, al); else lua_pushnil(L);
    return 3;
}

enum { WITHIN_PARAGRAPH, WITHIN_SENTENCE, WITHIN_TEXT };

typedef struct match_opts {
    int all, within;
    const char *annotate;   /* type of ready-made annotations, or NULL (anchored by the options table) */
    size_t annotate_len;
    const char *rule, *phase;   /* with annotate: copied into each annotation when given */
    size_t rule_len, phase_len;
    int rank, entry_attrs, decode;  /* with annotate: given (then read again from the options) */
} match_opts;

enum { OPT_ALL, OPT_ANNOTATE, OPT_DECODE, OPT_ENTRY_ATTRS, OPT_PHASE, OPT_RANK, OPT_RULE, OPT_WITHIN, OPT_COUNT };
static const char *const match_option_names[OPT_COUNT] = {
    "all", "annotate", "decode", "entry_attrs", "phase", "rank", "rule", "within"
};

/* Which option key names (OPT_*), or -1: its first bytes pick the one
 * name compared, where a chain of them was compared a call. */
static int match_option_of(const char *key)
{
    int k;
    for (k = 0; k < OPT_COUNT; k++) {
        const char *nm = match_option_names[k];
        if (key[0] == nm[0] && key[1] == nm[1]) return strcmp(key, nm) ? -1 : k;
    }
    return -1;
}

static void match_option(lua_State *L, int arg, const char *key, void *ud)
{
    match_opts *o = ud;
    switch (match_option_of(key)) {
    case OPT_ANNOTATE:
        if (lua_type(L, -1) != LUA_TSTRING) qr_option_error(L, arg, key, "must be an annotation type");
        o->annotate = lua_tolstring(L, -1, &o->annotate_len);
        break;
    case OPT_RULE: case OPT_PHASE:
        if (lua_type(L, -1) != LUA_TSTRING) qr_option_error(L, arg, key, "must be a string");
        if (key[0] == 'r') o->rule = lua_tolstring(L, -1, &o->rule_len);
        else o->phase = lua_tolstring(L, -1, &o->phase_len);
        break;
    case OPT_RANK:
        if (lua_type(L, -1) != LUA_TNUMBER) qr_option_error(L, arg, key, "must be a number");
        o->rank = 1;
        break;
    case OPT_ENTRY_ATTRS:
        if (lua_type(L, -1) != LUA_TTABLE) qr_option_error(L, arg, key, "must be a table");
        o->entry_attrs = 1;
        break;
    case OPT_DECODE:
        if (lua_type(L, -1) != LUA_TFUNCTION) qr_option_error(L, arg, key, "must be a function");
        o->decode = 1;
        break;
    case OPT_ALL:
        if (!lua_isboolean(L, -1)) qr_option_error(L, arg, key, "must be a boolean");
        o->all = lua_toboolean(L, -1);
        break;
    case OPT_WITHIN: {
        const char *v = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
        if (!strcmp(v, "paragraph")) o->within = WITHIN_PARAGRAPH;
        else if (!strcmp(v, "sentence")) o->within = WITHIN_SENTENCE;
        else if (!strcmp(v, "text")) o->within = WITHIN_TEXT;
        else qr_option_error(L, arg, key, "must be \"paragraph\", \"sentence\" or \"text\"");
        break;
    }
    default:
        unknown_option(L, arg, key);
    }
}

/* The stack indexes of what the annotations of one match call share: type,
 * rule, phase, rank (qr_annentry); the cache of decoded entry attrs (0:
 * none), the function that decodes what it lacks (0: none) and the list
 * of the annotations it lacked (pending, 0: not made yet) with its length;
 * with decode, the list holds pairs (the annotation's position, its entry
 * id) and jsons (made with it) the attrs of each such entry, by id, for
 * after the scan. */
typedef struct gazann {
    qr_annentry f;
    int cache, decode, pending, jsons;
    lua_Integer npending;
} gazann;

/* Appends the annotation of match m at token i (qr_ann_push_entry) to the
 * list on top of the stack, as item n: what the rule engine emits for a
 * plain gazetteer rule, without a table per hit in between. An entry's
 * attrs found decoded in the cache (a table) are merged; an entry the
 * cache marks false has none; one it lacks gets its id in `entry`, and n
 * goes to the pending list (made below the list when first needed), for
 * the caller to decode; with decode, n and the entry id go there without
 * `entry`, and the entry's attrs to jsons, for decode_pending after the
 * scan (decode runs Lua code, which may match, add to or close the list,
 * or close the tokens: none of it runs while the scan holds them). */
static void push_annotation(const qr_annemit *e, const qr_gaz *g, const qr_tokens *t, size_t i,
                            const qr_gaz_match *m, lua_Integer n, gazann *a)
{
    lua_State *L = e->L;
    const char *c, *ty, *at;
    size_t cl, tl, al;
    int extra = 0, kind;
    lua_Integer entry = 0;
    qr_gaz_entry(g, m->entry, &c, &cl, &ty, &tl, &at, &al);
    if (al && !a->cache) {
        entry = m->entry;
    } else if (al) {
        kind = lua_rawgeti(L, a->cache, m->entry);
        if (kind == LUA_TTABLE) extra = lua_gettop(L);
        else lua_pop(L, 1);
        if (kind == LUA_TNIL) {
            if (!a->pending) {      /* below the list, which goes on top again */
                lua_newtable(L);
                if (a->decode) lua_newtable(L);
                lua_rotate(L, a->decode ? -3 : -2, -1);
                a->pending = lua_gettop(L) - (a->decode ? 2 : 1);
                if (a->decode) a->jsons = a->pending + 1;
            }
            lua_pushinteger(L, n);
            lua_rawseti(L, a->pending, ++a->npending);
            if (a->decode) {
                lua_pushinteger(L, m->entry);
                lua_rawseti(L, a->pending, ++a->npending);
                if (lua_rawgeti(L, a->jsons, m->entry) == LUA_TNIL) {
                    lua_pushlstring(L, at, al);
                    lua_rawseti(L, a->jsons, m->entry);
                }
                lua_pop(L, 1);
            } else {
                entry = m->entry;
            }
        }
    }
    qr_ann_push_entry(e, &a->f, t->tok[i].start, t->tok[m->end - 1].stop, c, cl, tl ? ty : NULL, tl,
                      entry, extra);
    lua_rawseti(L, extra ? -3 : -2, n);
    if (extra) lua_pop(L, 1);
}

static int decode_json(lua_State *L, const gazann *a, lua_Integer entry);

/* Decodes the attrs of entry (from a->jsons) with the decode function at
 * a->decode, called protected, into the cache: the table it returns, or
 * false when it fails or returns anything else. A tripped step or memory
 * limit, or a memory error, goes on up. Leaves that on the stack and
 * returns its type. */
static int decode_entry(lua_State *L, const gazann *a, lua_Integer entry)
{
    luaL_checkstack(L, 3, "decoding a gazetteer entry's attrs");
    lua_rawgeti(L, a->jsons, entry);
    return decode_json(L, a, entry);
}

/* decode_entry of the attrs on top of the stack (which it replaces). */
static int decode_json(lua_State *L, const gazann *a, lua_Integer entry)
{
    int status;
    luaL_checkstack(L, 3, "decoding a gazetteer entry's attrs");
    lua_pushvalue(L, a->decode);
    lua_rotate(L, -2, 1);
    status = lua_pcall(L, 1, 1, 0);
    if (status != LUA_OK && (status == LUA_ERRMEM || qr_limit_tripped(L))) lua_error(L);
    if (status != LUA_OK || lua_type(L, -1) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_pushboolean(L, 0);
    }
    lua_pushvalue(L, -1);
    lua_rawseti(L, a->cache, entry);
    return lua_type(L, -1);
}

/* Gives the annotation at position n of list the attrs of the table at
 * extra where its attrs have no value yet: a table made again, at its
 * size, with the name, the category and then those, as qr_ann_push_entry
 * makes it when it merges them. */
static void merge_attrs(lua_State *L, int list, lua_Integer n, int extra)
{
    int ann, old, attrs, nextra = 0;
    luaL_checkstack(L, 8, "merging a gazetteer entry's attrs");
    lua_pushnil(L);
    while (lua_next(L, extra)) {
        nextra++;
        lua_pop(L, 1);
    }
    lua_rawgeti(L, list, n);
    ann = lua_gettop(L);
    lua_pushliteral(L, "attrs");
    lua_rawget(L, ann);
    old = lua_gettop(L);
    lua_createtable(L, 0, 2 + nextra);
    attrs = lua_gettop(L);
    lua_pushliteral(L, "name");
    lua_pushvalue(L, -1);
    lua_rawget(L, old);
    lua_rawset(L, attrs);
    lua_pushliteral(L, "category");
    lua_pushvalue(L, -1);
    if (lua_rawget(L, old) != LUA_TNIL) lua_rawset(L, attrs);
    else lua_pop(L, 2);
    qr_ann_merge_absent(L, attrs, extra);
    lua_pushliteral(L, "attrs");
    lua_pushvalue(L, attrs);
    lua_rawset(L, ann);
    lua_pop(L, 3);
}

/* After the scan, once nothing of the list, the tokens or the match
 * buffers is in use: decodes the attrs of each entry the pending list
 * names (decode_entry, once an entry, unless the cache has them by then)
 * and merges them into its annotations in list (an index). */
static void decode_pending(lua_State *L, const gazann *a, int list)
{
    lua_Integer k, n, entry;
    for (k = 1; k < a->npending; k += 2) {
        lua_rawgeti(L, a->pending, k);
        n = lua_tointeger(L, -1);
        lua_rawgeti(L, a->pending, k + 1);
        entry = lua_tointeger(L, -1);
        lua_pop(L, 2);
        if (lua_rawgeti(L, a->cache, entry) == LUA_TNIL) {
            lua_pop(L, 1);
            decode_entry(L, a, entry);
        }
        if (lua_type(L, -1) == LUA_TTABLE) merge_attrs(L, list, n, lua_gettop(L));
        lua_pop(L, 1);
    }
}

/* Appends {start, stop, first, last, entry, canonical, type, attrs} to the
 * list on top of the stack, as item n. */
static void push_match(lua_State *L, const qr_gaz *g, const qr_tokens *t, size_t i,
                       const qr_gaz_match *m, lua_Integer n)
{
    const char *c, *ty, *a;
    size_t cl, tl, al;
    qr_gaz_entry(g, m->entry, &c, &cl, &ty, &tl, &a, &al);
    lua_createtable(L, 0, 8);
    lua_pushinteger(L, t->tok[i].start);
    lua_setfield(L, -2, "start");
    lua_pushinteger(L, t->tok[m->end - 1].stop);
    lua_setfield(L, -2, "stop");
    lua_pushinteger(L, (lua_Integer)i + 1);
    lua_setfield(L, -2, "first");
    lua_pushinteger(L, m->end);
    lua_setfield(L, -2, "last");
    lua_pushinteger(L, m->entry);
    lua_setfield(L, -2, "entry");
    lua_pushlstring(L, c, cl);
    lua_setfield(L, -2, "canonical");
    if (tl) {
        lua_pushlstring(L, ty, tl);
        lua_setfield(L, -2, "type");
    }
    if (al) {
        lua_pushlstring(L, a, al);
        lua_setfield(L, -2, "attrs");
    }
    lua_rawseti(L, -2, n);
}

/* The map from the state's vocabulary to the keys of lg's list
 * (qr_gaz_key_ids_mapped): its keys are interned there when first asked,
 * those added since when the list changed (the map's words made again: a
 * new phrase may begin with an old key); NULL for a list too large to
 * share the vocabulary, or without memory (then the list looks its keys
 * up itself). */
static const uint32_t *shared_map(lua_State *L, lgaz *lg, size_t *nmap)
{
    const qr_gaz *g = lg->g;
    size_t nk = qr_gaz_keys(g), k;
    qr_vocab *v;
    if (lg->map && lg->map_version == qr_gaz_version(g)) {
        *nmap = lg->nmap;
        return lg->map;
    }
    lg->map_version = qr_gaz_version(g) - 1;    /* (not made, until it is) */
    if (nk > SHARE_KEYS) {                      /* (it grew past it) */
        free(lg->map);
        free(lg->vids);
        lg->map = lg->vids = NULL;
        lg->nmap = lg->nvids = lg->vidcap = 0;
        return NULL;
    }
    if (nk + 1 > lg->vidcap) {
        uint32_t *nv = realloc(lg->vids, (nk + 1) * sizeof *nv);
        if (!nv) return NULL;
        lg->vids = nv;
        lg->vidcap = nk + 1;
    }
    v = qr_state_vocab(L);
    for (k = lg->nvids + 1; k <= nk; k++) {
        size_t len;
        const char *s = qr_gaz_key(g, (uint32_t)k, &len);
        if (qr_vocab_intern(v, s, len, &lg->vids[k]) != QR_OK) return NULL;
        lg->nvids = k;
    }
    if ((size_t)v->count + 1 > lg->nmap) {
        uint32_t *nm = realloc(lg->map, ((size_t)v->count + 1) * sizeof *nm);
        if (!nm) return NULL;
        memset(nm + lg->nmap, 0, ((size_t)v->count + 1 - lg->nmap) * sizeof *nm);
        lg->map = nm;
        lg->nmap = (size_t)v->count + 1;
    }
    for (k = 1; k <= nk; k++) lg->map[lg->vids[k]] = qr_gaz_key_word(g, (uint32_t)k);
    lg->map_version = qr_gaz_version(g);
    *nmap = lg->nmap;
    return lg->map;
}

/* Room for need matches in lg->buf and lg->first: 0 without memory. */
static int grow_matches(lgaz *lg, size_t need)
{
    size_t cap = lg->bufcap ? lg->bufcap : 16;
    qr_gaz_match *nb;
    uint32_t *nf;
    while (cap < need) cap *= 2;
    if (!(nb = realloc(lg->buf, cap * sizeof *nb))) return 0;
    lg->buf = nb;
    if (!(nf = realloc(lg->first, cap * sizeof *nf))) return 0;
    lg->first = nf;
    lg->bufcap = cap;
    return 1;
}

/* The key ids of a text's tokens in a list: its own array (ids), or the
 * ids of the state's vocabulary (vids) read through the list's map
 * (qr_gaz_key_ids_mapped) when ids is NULL. */
typedef struct idsrc {
    const uint32_t *ids, *vids, *map;
    size_t nmap;
} idsrc;

static size_t match_at(const qr_gaz *g, const idsrc *src, size_t i, size_t limit, qr_gaz_match *out, size_t cap)
{
    if (src->ids) return qr_gaz_match_ids(g, src->ids, i, limit, out, cap);
    return qr_gaz_match_mapped(g, src->vids, src->map, src->nmap, i, limit, out, cap);
}

/* The matches of lg's list in a text of ntok tokens whose key ids src
 * gives, at the tokens that can begin a phrase, begins[0 .. nbegins), each
 * within its group of starts[0 .. nstarts) (the text when none), in
 * order: into lg->buf and lg->first, all of them (all) or the longest at
 * each token, left to right, not overlapping. Returns how many, or
 * (size_t)-1 without memory. Made before the list of their annotations,
 * so that it is made at its size. */
static size_t collect_matches(lgaz *lg, const idsrc *src, const uint32_t *begins, size_t nbegins,
                              const uint32_t *starts, size_t nstarts, size_t ntok, int all)
{
    size_t nm = 0, gi = 0, i = 0, bi, m, k;
    for (bi = 0; bi < nbegins; bi++) {
        size_t limit;
        if (begins[bi] < i) continue;       /* within the match before */
        i = begins[bi];
        while (gi + 1 < nstarts && starts[gi + 1] <= i) gi++;
        limit = gi + 1 < nstarts ? starts[gi + 1] : ntok;
        if (nm == lg->bufcap && !grow_matches(lg, nm + 1)) return (size_t)-1;
        m = match_at(lg->g, src, i, limit, lg->buf + nm, all ? lg->bufcap - nm : 1);
        if (!m) {
            i++;
            continue;
        }
        if (!all) {                         /* the longest, stored */
            lg->first[nm++] = (uint32_t)i;
            i = lg->buf[nm - 1].end;
            continue;
        }
        if (m > lg->bufcap - nm) {
            if (!grow_matches(lg, nm + m)) return (size_t)-1;
            m = match_at(lg->g, src, i, limit, lg->buf + nm, m);
        }
        for (k = 0; k < m; k++) lg->first[nm + k] = (uint32_t)i;
        nm += m;
        i++;
    }
    return nm;
}

/* The groups of tokens a match may not cross (within): paragraph or
 * sentence starts, or none (the text). */
static const uint32_t *within_starts(const qr_tokens *t, int within, size_t *nstarts)
{
    if (within == WITHIN_PARAGRAPH) { *nstarts = t->npara; return t->para; }
    if (within == WITHIN_SENTENCE) { *nstarts = t->nsent; return t->sent; }
    *nstarts = 0;
    return NULL;
}

/* Room in lg->ids for the key ids of n tokens, and as many after them. */
static void ids_room(lua_State *L, lgaz *lg, size_t n)
{
    if (n > lg->idcap) {
        uint32_t *ni = realloc(lg->ids, 2 * n * sizeof *ni);
        if (!ni) luaL_error(L, "not enough memory to match %I tokens", (lua_Integer)n);
        lg->ids = ni;
        lg->idcap = n;
    }
}

/* The matches of lg's list in the tokens t (at stack index tok) into
 * lg->buf and lg->first (collect_matches): the tokens' key ids in the list
 * looked up first, into lg->ids. Returns how many; raises without memory. */
static size_t scan_list(lua_State *L, lgaz *lg, int tok, const qr_tokens *t, const char *text, int within,
                        int all)
{
    const qr_gaz *g = lg->g;
    /* an exact list takes the hash of a token whose key is its text from the keys */
    const qr_keys *keys = qr_tokens_keys(L, tok, qr_gaz_key_mode(g));
    const uint32_t *starts;
    size_t nstarts, nbegins, nm;
    uint32_t *ids, *begins;
    idsrc src = { NULL, NULL, NULL, 0 };
    starts = within_starts(t, within, &nstarts);
    ids_room(L, lg, t->n);
    ids = lg->ids;
    begins = ids ? ids + lg->idcap : NULL;   /* (no tokens yet: no buffer, and nothing to list) */
    {
        /* the ids of the tokens' keys, looked up once a text for every
         * list that shares the vocabulary, give the list's key ids */
        size_t nmap = 0;
        const uint32_t *map = t->n ? shared_map(L, lg, &nmap) : NULL;
        if (map)
            nbegins = qr_gaz_key_ids_mapped(g, t, text, keys, qr_tokens_ids(L, tok, qr_gaz_key_mode(g)), map, nmap,
                                            0, t->n, ids, begins);
        else
            nbegins = qr_gaz_key_ids(g, t, text, keys, 0, t->n, lg->ids, begins);
    }
    src.ids = ids;
    nm = collect_matches(lg, &src, begins, nbegins, starts, nstarts, t->n, all);
    if (nm == (size_t)-1) return (size_t)luaL_error(L, "not enough memory for gazetteer matches");
    return nm;
}

/* Frees the buffers of lg grown past KEEP_IDS by a long text. */
static void release_large(lgaz *lg)
{
    if (lg->idcap > KEEP_IDS) {
        free(lg->ids);
        lg->ids = NULL;
        lg->idcap = 0;
    }
    if (lg->bufcap > KEEP_IDS) {
        free(lg->buf);
        free(lg->first);
        lg->buf = NULL;
        lg->first = NULL;
        lg->bufcap = 0;
    }
}

/***
gaz:match(tokens [, {all = false, within = "paragraph"|"sentence"|"text", annotate = type}])
  -> {{start, stop, first, last, entry, canonical, type, attrs}, ...}
or, with annotate = type (and optional rule, phase names and rank),
{{type, start, stop, text, rule, phase, rank, attrs = {name, category}}, ...}:
an entry with attrs of its own gives its id in `entry`; with entry_attrs
= cache (entry id -> the entry's attrs decoded, or false), those the
cache holds are merged into attrs instead (where name and category left
room), and a second result lists the positions of the annotations whose
entry the cache lacks (nil when none), for the caller to decode them;
with decode = f as well, f(json) decodes them instead (called protected,
once an entry, after the scan, so f may use the gazetteer or the tokens:
what it returns, or false when it fails or returns no table, goes into
the cache; a tripped step or memory limit goes on up) and there is no
second result.
Default: the longest match at each token, left to right, not overlapping
(of several entries of that phrase, the first added). all = true: every
match, by first token, then longest first.
@function Gazetteer:match
@param tokens quarry.Tokens the text's tokens
@param opts table optional: all (boolean), within ("paragraph", "sentence" or "text"), annotate (a type), rule, phase, rank (a number), entry_attrs (a table), decode (a function)
@return table the matches
@return table or nil with entry_attrs: the positions of the annotations left with an entry id
*/
static int gaz_match(lua_State *L)
{
    lgaz *lg = check_lgaz(L, 1);
    const qr_gaz *g = lg->g;
    const char *text;
    const qr_tokens *t = qr_check_tokens(L, 2, &text, NULL);
    match_opts o = { 0, WITHIN_PARAGRAPH, NULL, 0, NULL, NULL, 0, 0, 0, 0, 0 };
    qr_annemit e;
    gazann a = { { 0, 0, 0, 0 }, 0, 0, 0, 0, 0 };
    size_t nm, k;
    lua_Integer n = 0;

    each_option(L, 3, match_option, &o);
    qr_limit_work(L, (long long)t->n);   /* a step a token */
    nm = scan_list(L, lg, 2, t, text, o.within, o.all);
    if (o.annotate && nm) {         /* (what the annotations share: for none, nothing) */
        qr_ann_begin(L, &e, 0, text, NULL, NULL);
        lua_pushlstring(L, o.annotate, o.annotate_len);
        a.f.type = lua_gettop(L);
        if (o.rule) { lua_pushlstring(L, o.rule, o.rule_len); a.f.rule = lua_gettop(L); }
        if (o.phase) { lua_pushlstring(L, o.phase, o.phase_len); a.f.phase = lua_gettop(L); }
        if (o.rank) { lua_getfield(L, 3, "rank"); a.f.rank = lua_gettop(L); }
        if (o.entry_attrs) { lua_getfield(L, 3, "entry_attrs"); a.cache = lua_gettop(L); }
        if (o.entry_attrs && o.decode) { lua_getfield(L, 3, "decode"); a.decode = lua_gettop(L); }
    }
    lua_createtable(L, nm < INT_MAX ? (int)nm : 0, 0);
    for (k = 0; k < nm; k++) {
        if (o.annotate) push_annotation(&e, g, t, lg->first[k], &lg->buf[k], ++n, &a);
        else push_match(L, g, t, lg->first[k], &lg->buf[k], ++n);
    }
    release_large(lg);
    if (a.pending && a.decode) {    /* (the scan's done: decode may run anything) */
        decode_pending(L, &a, lua_gettop(L));
        return 1;
    }
    if (a.pending) {
        lua_pushvalue(L, a.pending);
        return 2;
    }
    return 1;
}

/* --- quarry.core.gazetteer_rules ------------------------------------------ */

#define QR_GAZRULES_MT "quarry.GazetteerRules"

/* The values of member k of a set in its values table, at k * SLOTS +
 * SLOT_*: its gazetteer, the annotations' type, rule and phase names,
 * rank, the cache of decoded entry attrs and the function decoding them
 * (each nil when not given), the rule the candidates go with, and the
 * records of the entries a phase annotated (push_kept; nil until then). */
enum { SLOT_GAZ = 1, SLOT_TYPE, SLOT_RULE, SLOT_PHASE, SLOT_RANK, SLOT_CACHE, SLOT_DECODE, SLOT_CRULE, SLOT_RECORDS,
       SLOTS = 9 };

/* A set's methods take the set at 1, the tokens at 2 and its values (the
 * set's user value) at 6. */
enum { SET_TOKENS = 2, SET_VALUES = 6 };

/* A match of a member: the member, its first token, the token after its
 * last, and its entry. */
typedef struct gmrec {
    uint32_t member, first, end, entry;
} gmrec;

typedef struct gmember {
    int all, within;
    int bit;                /* its bit in the set's cmask, or -1: it looks its keys up itself */
    lgaz *lg;               /* the userdata, which the values keep; checked open at each call */
    const uint32_t *map;    /* its shared_map this call (NULL: none), and its length */
    size_t nmap;
    const uint32_t *seen_map;   /* the map and version cmask was made with */
    uint64_t seen_version;
    uint64_t rec_version;   /* the list's version its records were made for */
    /* an exact list: the vocabulary ids of the case-folded keys that can
     * begin its phrases (exact_folds), for the version of the list
     * fold_version; NULL when it has none such, or it scans itself */
    uint32_t *folds;
    size_t nfolds, foldcap;
    uint64_t fold_version;
    int json;               /* its decode is cjson.decode (flat_json decodes what it can) */
} gmember;

/* Several plain gazetteer rules matched in one call: the tokens that can
 * begin a phrase of any "case" list sharing the state's vocabulary found
 * in one pass over the text (cmask: per vocabulary id, a bit for each such
 * list a phrase of which begins with the key), not one pass a list. */
typedef struct lgazset {
    size_t n;
    gmember *m;
    uint32_t *cmask;        /* ncmask words, made with the lists in cset */
    size_t ncmask;
    uint32_t cset;
    int cmade;
    uint32_t *hits, *hmask; /* the tokens whose key begins a phrase of a list of cset, and its bits */
    size_t hitcap;
    uint32_t *begins;       /* those of each list of cset, by bit: from boff[bit], bcount[bit] of them */
    size_t begincap;
    size_t boff[32], bcount[32];
    uint32_t hits_count;    /* the vocabulary's size when hits were found */
    uint64_t hits_made;     /* counts the times hits were found (by any call: decode may run another) */
    uint64_t recs_made;     /* counts the times recs were filled (a rule's priority may run the set) */
    gmrec *recs;            /* a phase's matches (reccap of them), ... */
    qr_cand *cands;         /* ... as candidates, ... */
    lua_Number *coord;      /* ... what resolving them needs (4 * reccap + 2), ... */
    int *kept;              /* ... and those kept */
    size_t reccap;
} lgazset;

static int gazset_gc(lua_State *L)
{
    lgazset *s = luaL_checkudata(L, 1, QR_GAZRULES_MT);
    size_t k;
    for (k = 0; k < s->n; k++) free(s->m[k].folds);
    free(s->m);
    free(s->cmask);
    free(s->hits);
    free(s->hmask);
    free(s->begins);
    free(s->recs);
    free(s->cands);
    free(s->coord);
    free(s->kept);
    memset(s, 0, sizeof *s);
    return 0;
}

/* The vocabulary ids of the keys of mode 0 (case-folded) of the keys that
 * can begin a phrase of m's exact list, into m->folds (made again when
 * the list changed): a token whose text begins a phrase has one of them
 * as its key's id, so that the tokens of those ids are the only ones
 * where a phrase can begin. Only plain ASCII keys fold so simply (capitals
 * lower-cased): NULL, and the list scans every token itself, when a key
 * that can begin a phrase is not, or holds a quote mark or a backquote
 * (qr_normalize's to fold), or without memory. */
static const uint32_t *exact_folds(lua_State *L, gmember *m)
{
    const qr_gaz *g = m->lg->g;
    size_t nk = qr_gaz_keys(g), k, n = 0, j, len;
    qr_vocab *v;
    char fold[64];
    if (m->fold_version == qr_gaz_version(g)) return m->folds;
    m->fold_version = qr_gaz_version(g);
    m->nfolds = 0;
    v = qr_state_vocab(L);
    for (k = 1; k <= nk; k++) {
        const char *key;
        uint32_t vid;
        if (!(qr_gaz_key_word(g, (uint32_t)k) & QR_GAZ_STARTS)) continue;
        key = qr_gaz_key(g, (uint32_t)k, &len);
        if (len > sizeof fold) goto none;
        for (j = 0; j < len; j++) {
            unsigned char c = (unsigned char)key[j];
            if (c >= 0x80 || c == '\'' || c == '"' || c == '`') goto none;
            fold[j] = (char)((unsigned)(c - 'A') < 26u ? c + 32 : c);
        }
        if (qr_vocab_intern(v, fold, len, &vid) != QR_OK) goto none;
        if (n == m->foldcap) {
            size_t cap = m->foldcap ? 2 * m->foldcap : 16;
            uint32_t *nf = realloc(m->folds, cap * sizeof *nf);
            if (!nf) goto none;
            m->folds = nf;
            m->foldcap = cap;
        }
        m->folds[n++] = vid;
    }
    m->nfolds = n;
    if (!m->folds) m->folds = malloc(sizeof *m->folds);   /* (none: an empty list, not a failure) */
    return m->folds;
none:
    free(m->folds);
    m->folds = NULL;
    m->nfolds = m->foldcap = 0;
    return NULL;
}

/* Makes cmask again when a list of the set changed (or its map did):
 * returns 1 when it did. An exact list's bit goes with the case-folded
 * keys that can begin its phrases (exact_folds). */
static int gazset_maps(lua_State *L, lgazset *s)
{
    uint32_t cset = 0;
    int stale = !s->cmade;
    size_t k, id;
    for (k = 0; k < s->n; k++) {
        gmember *m = &s->m[k];
        uint64_t version;
        if (m->bit < 0) continue;
        version = m->fold_version;
        m->map = shared_map(L, m->lg, &m->nmap);
        if (!m->map) continue;
        if (qr_gaz_mode(m->lg->g) == QR_GAZ_EXACT) {
            if (!exact_folds(L, m)) continue;
            if (m->fold_version != version) stale = 1;
        }
        cset |= 1u << m->bit;
        if (m->map != m->seen_map || m->lg->map_version != m->seen_version) stale = 1;
    }
    if (!stale && cset == s->cset) return 0;
    {
        const qr_vocab *v = qr_state_vocab(L);
        size_t need = (size_t)v->count + 1;
        if (need > s->ncmask) {
            uint32_t *nc = realloc(s->cmask, need * sizeof *nc);
            if (!nc) luaL_error(L, "not enough memory for gazetteer rules");
            s->cmask = nc;
            s->ncmask = need;
        }
        memset(s->cmask, 0, s->ncmask * sizeof *s->cmask);
    }
    for (k = 0; k < s->n; k++) {
        gmember *m = &s->m[k];
        const lgaz *lg = m->lg;
        if (m->bit < 0 || !(cset & (1u << m->bit))) continue;
        if (qr_gaz_mode(lg->g) == QR_GAZ_EXACT) {
            for (id = 0; id < m->nfolds; id++)
                if (m->folds[id] < s->ncmask) s->cmask[m->folds[id]] |= 1u << m->bit;
        } else {
            for (id = 1; id <= lg->nvids; id++) {
                uint32_t vid = lg->vids[id];
                if (vid < s->ncmask && vid < m->nmap && (m->map[vid] & QR_GAZ_STARTS))
                    s->cmask[vid] |= 1u << m->bit;
            }
        }
        m->seen_map = m->map;
        m->seen_version = lg->map_version;
    }
    s->cset = cset;
    s->cmade = 1;
    return 1;
}

/* The tokens of t whose key (vids) begins a phrase of a list of cset, into
 * s->hits and s->hmask, and those of each such list into s->begins (by
 * its bit: s->boff, s->bcount): how many. */
static size_t gazset_hits(lua_State *L, lgazset *s, const qr_tokens *t, const uint32_t *vids)
{
    size_t j, nh = 0, nc = s->ncmask, total = 0, b, fill[32];
    const uint32_t *cmask = s->cmask;
    if (t->n > s->hitcap) {
        uint32_t *h = realloc(s->hits, t->n * sizeof *h), *hm;
        if (h) s->hits = h;
        hm = h ? realloc(s->hmask, t->n * sizeof *hm) : NULL;
        if (!hm) luaL_error(L, "not enough memory to match %I tokens", (lua_Integer)t->n);
        s->hmask = hm;
        s->hitcap = t->n;
    }
    memset(s->bcount, 0, sizeof s->bcount);
    for (j = 0; j < t->n; j++) {
        uint32_t v = vids[j], w = v < nc ? cmask[v] : 0;
        if (!w) continue;
        s->hits[nh] = (uint32_t)j;
        s->hmask[nh++] = w;
        do {
            s->bcount[__builtin_ctz(w)]++;
            w &= w - 1;
        } while (w);
    }
    /* each list's tokens, bucketed once, rather than each list reading them all */
    for (b = 0; b < 32; b++) {
        s->boff[b] = fill[b] = total;
        total += s->bcount[b];
    }
    if (total > s->begincap) {
        uint32_t *nb = realloc(s->begins, total * sizeof *nb);
        if (!nb) luaL_error(L, "not enough memory to match %I tokens", (lua_Integer)t->n);
        s->begins = nb;
        s->begincap = total;
    }
    for (j = 0; j < nh; j++) {
        uint32_t w = s->hmask[j];
        do {
            s->begins[fill[__builtin_ctz(w)]++] = s->hits[j];
            w &= w - 1;
        } while (w);
    }
    return nh;
}

/* Checks the lists of the set are open, and finds the tokens where a
 * phrase of those of cset can begin (gazset_hits), unless those this call
 * found (*made counts them) still hold (again: after Lua code ran, which
 * may have changed a list or the vocabulary, or run the set on other
 * tokens): returns vids, the tokens' key ids. */
static const uint32_t *gazset_prepare(lua_State *L, lgazset *s, const qr_tokens *t, int again,
                                      const uint32_t *vids, size_t *nh, uint64_t *made)
{
    size_t k;
    int remade;
    for (k = 0; k < s->n; k++)      /* (as check_lgaz; the values keep each list) */
        if (!s->m[k].lg->g) luaL_error(L, "attempt to use a closed quarry.Gazetteer");
    if (!t->n) return NULL;
    remade = gazset_maps(L, s);
    if (!s->cset) return NULL;
    if (again && !remade && vids && qr_state_vocab(L)->count == s->hits_count && s->hits_made == *made)
        return vids;
    vids = qr_tokens_ids(L, SET_TOKENS, 0);
    *nh = gazset_hits(L, s, t, vids);
    s->hits_count = qr_state_vocab(L)->count;
    *made = ++s->hits_made;
    return vids;
}

/* The key ids in m's exact list of the tokens from each of begins[0 ..
 * nb) (in order) to the list's longest phrase after it, which are all
 * that matching there reads: the list's own (it compares the tokens'
 * text), into its lgaz's ids. */
static const uint32_t *exact_ids(lua_State *L, gmember *m, const qr_tokens *t, const char *text,
                                 const uint32_t *vids, const uint32_t *begins, size_t nb)
{
    lgaz *lg = m->lg;
    const qr_keys *keys = qr_tokens_keys(L, SET_TOKENS, 0);
    size_t b, done = 0, longest = qr_gaz_longest(lg->g);
    ids_room(L, lg, t->n);
    for (b = 0; b < nb; b++) {
        size_t from = begins[b] > done ? begins[b] : done, to = begins[b] + longest;
        if (to > t->n) to = t->n;
        if (from >= to) continue;
        qr_gaz_key_ids_mapped(lg->g, t, text, keys, vids, m->map, m->nmap, from, to, lg->ids,
                              lg->ids + lg->idcap);
        done = to;
    }
    return lg->ids;
}

/* The matches of member m in t (at stack index SET_TOKENS): from the tokens s->hits
 * lists (nh of them) for a member sharing them, else by its own scan. */
static size_t gazset_scan(lua_State *L, lgazset *s, gmember *m, const qr_tokens *t, const char *text,
                          const uint32_t *vids, size_t nh)
{
    if (vids && m->bit >= 0 && m->map && (s->cset & (1u << m->bit))) {
        size_t nb = nh ? s->bcount[m->bit] : 0, nstarts, nm;
        const uint32_t *starts = within_starts(t, m->within, &nstarts);
        const uint32_t *begins = nb ? s->begins + s->boff[m->bit] : NULL;
        idsrc src = { NULL, vids, m->map, m->nmap };
        if (nb && qr_gaz_mode(m->lg->g) == QR_GAZ_EXACT)
            src.ids = exact_ids(L, m, t, text, vids, begins, nb);
        nm = collect_matches(m->lg, &src, begins, nb, starts, nstarts, t->n, m->all);
        if (nm == (size_t)-1) return (size_t)luaL_error(L, "not enough memory for gazetteer matches");
        return nm;
    }
    return scan_list(L, m->lg, SET_TOKENS, t, text, m->within, m->all);
}

/* Pushes the values member k's annotations share, and sets a to their
 * stack indexes. */
static void push_shared(lua_State *L, size_t k, gazann *a)
{
    int slot = (int)k * SLOTS;
    memset(a, 0, sizeof *a);
    lua_rawgeti(L, SET_VALUES, slot + SLOT_TYPE);
    a->f.type = lua_gettop(L);
    if (lua_rawgeti(L, SET_VALUES, slot + SLOT_RULE) != LUA_TNIL) a->f.rule = lua_gettop(L); else lua_pop(L, 1);
    if (lua_rawgeti(L, SET_VALUES, slot + SLOT_PHASE) != LUA_TNIL) a->f.phase = lua_gettop(L); else lua_pop(L, 1);
    if (lua_rawgeti(L, SET_VALUES, slot + SLOT_RANK) != LUA_TNIL) a->f.rank = lua_gettop(L); else lua_pop(L, 1);
    if (lua_rawgeti(L, SET_VALUES, slot + SLOT_CACHE) != LUA_TNIL) a->cache = lua_gettop(L); else lua_pop(L, 1);
    if (a->cache && lua_rawgeti(L, SET_VALUES, slot + SLOT_DECODE) != LUA_TNIL) a->decode = lua_gettop(L);
    else if (a->cache) lua_pop(L, 1);
}

/* Appends the nm matches of member k (in its lgaz's buffers) to cands (at
 * 3) as annotations, its rule to crules (4) and their starts to cstarts
 * (5) unless keep_all, and decodes the attrs of entries its cache lacks
 * (then returns 1: Lua code ran). */
static int gazset_emit(lua_State *L, const qr_annemit *e, size_t k, const gmember *m, const qr_tokens *t,
                       size_t nm, int keep_all)
{
    gazann a;
    lua_Integer n0 = (lua_Integer)lua_rawlen(L, 3);
    int crule, top = lua_gettop(L);
    size_t j;
    luaL_checkstack(L, 16, "gazetteer rules");
    push_shared(L, k, &a);
    lua_rawgeti(L, SET_VALUES, (int)k * SLOTS + SLOT_CRULE);
    crule = lua_gettop(L);
    lua_pushvalue(L, 3);
    for (j = 0; j < nm; j++) {
        lua_Integer n = n0 + (lua_Integer)j + 1;
        push_annotation(e, m->lg->g, t, m->lg->first[j], &m->lg->buf[j], n, &a);
        if (!keep_all) {
            lua_pushvalue(L, crule);
            lua_rawseti(L, 4, n);
            lua_pushinteger(L, t->tok[m->lg->first[j]].start);
            lua_rawseti(L, 5, n);
        }
    }
    release_large(m->lg);
    if (a.pending) decode_pending(L, &a, lua_gettop(L));   /* (the scan's done: decode may run anything) */
    lua_settop(L, top);
    return a.pending != 0;
}

/***
Gazetteer rules.
@section gazetteer_rules
*/

/* Whether the value at idx is cjson.decode (of the cjson module loaded). */
static int is_cjson_decode(lua_State *L, int idx)
{
    int same = 0;
    lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    if (lua_istable(L, -1) && lua_getfield(L, -1, "cjson") == LUA_TTABLE) {
        lua_pushliteral(L, "decode");
        lua_rawget(L, -2);
        same = lua_type(L, idx) == LUA_TFUNCTION && lua_rawequal(L, -1, idx);
        lua_pop(L, 1);
    }
    lua_pop(L, 2);
    return same;
}

/* Reads the set's members (the list at index 1) into s and values (a table
 * at index 2). */
static void gazset_read(lua_State *L, lgazset *s)
{
    size_t k;
    int bits = 0;
    for (k = 0; k < s->n; k++) {
        gmember *m = &s->m[k];
        match_opts o = { 0, WITHIN_PARAGRAPH, NULL, 0, NULL, NULL, 0, 0, 0, 0, 0 };
        int item, slot = (int)k * SLOTS;
        lgaz *lg;
        if (lua_rawgeti(L, 1, (lua_Integer)k + 1) != LUA_TTABLE)
            luaL_argerror(L, 1, lua_pushfstring(L, "member %I must be a table", (lua_Integer)k + 1));
        item = lua_gettop(L);
        lua_getfield(L, item, "gazetteer");
        m->lg = lg = check_lgaz(L, -1);
        lua_rawseti(L, 2, slot + SLOT_GAZ);
        if (lua_getfield(L, item, "opts") != LUA_TTABLE)
            luaL_argerror(L, 1, lua_pushfstring(L, "member %I needs its match options", (lua_Integer)k + 1));
        each_option(L, lua_gettop(L), match_option, &o);
        if (!o.annotate || (o.entry_attrs && !o.decode))
            luaL_argerror(L, 1, lua_pushfstring(L, "member %I: the options need annotate, and decode with "
                                                   "entry_attrs", (lua_Integer)k + 1));
        lua_pushlstring(L, o.annotate, o.annotate_len);
        lua_rawseti(L, 2, slot + SLOT_TYPE);
        if (o.rule) { lua_pushlstring(L, o.rule, o.rule_len); lua_rawseti(L, 2, slot + SLOT_RULE); }
        if (o.phase) { lua_pushlstring(L, o.phase, o.phase_len); lua_rawseti(L, 2, slot + SLOT_PHASE); }
        lua_getfield(L, -1, "rank");
        lua_rawseti(L, 2, slot + SLOT_RANK);
        if (o.entry_attrs) {
            lua_getfield(L, -1, "entry_attrs");
            lua_rawseti(L, 2, slot + SLOT_CACHE);
            lua_getfield(L, -1, "decode");
            m->json = is_cjson_decode(L, lua_gettop(L));
            lua_rawseti(L, 2, slot + SLOT_DECODE);
        }
        lua_getfield(L, item, "rule");
        lua_rawseti(L, 2, slot + SLOT_CRULE);
        m->all = o.all;
        m->within = o.within;
        m->bit = qr_gaz_mode(lg->g) != QR_GAZ_BARE && bits < 32 ? bits++ : -1;
        lua_settop(L, item - 1);
    }
}

/***
quarry.core.gazetteer_rules({{gazetteer = g, opts = o, rule = r}, ...}) -> quarry.GazetteerRules
The plain gazetteer rules of a phase, matched together: each member's
annotations are those g:match(tokens, o) makes (o as match takes them,
read once here: annotate given, and decode with entry_attrs), its
candidates go with rule r. Each member counts a step a token, as match
does. Lists that fold case ("case") share one pass over the tokens to
find where their phrases can begin, rather than one pass a list.
@function gazetteer_rules
@param members table the rules: gazetteer, match options, rule
@return quarry.GazetteerRules
*/
static int l_gazetteer_rules(lua_State *L)
{
    size_t n;
    lgazset *s;
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    n = (size_t)lua_rawlen(L, 1);
    lua_newtable(L);                    /* the values, at 2 */
    s = lua_newuserdatauv(L, sizeof *s, 1);
    memset(s, 0, sizeof *s);
    luaL_setmetatable(L, QR_GAZRULES_MT);
    if (n && !(s->m = calloc(n, sizeof *s->m)))
        return luaL_error(L, "not enough memory for gazetteer rules");
    s->n = n;
    gazset_read(L, s);
    lua_pushvalue(L, 2);
    lua_setiuservalue(L, 3, 1);
    return 1;
}

/***
A set of gazetteer rules, quarry.core.gazetteer_rules makes one.
@type GazetteerRules
*/

/***
rules:candidates(tokens, cands, crules, cstarts, keep_all) -> cands.
Appends to cands, member after member, the annotations g:match(tokens, o)
makes, with r at the same index of crules and where each match starts at
that of cstarts (neither when keep_all), as append_candidates does.
@function GazetteerRules:candidates
@param tokens quarry.Tokens the text's tokens
@param cands table the phase's candidates
@param crules table their rules
@param cstarts table where their matches start
@param keep_all boolean whether the phase keeps every candidate
@return table cands
*/
static int gazset_candidates(lua_State *L)
{
    lgazset *s = luaL_checkudata(L, 1, QR_GAZRULES_MT);
    const char *text;
    const qr_tokens *t = qr_check_tokens(L, SET_TOKENS, &text, NULL);
    const uint32_t *vids;
    size_t nh = 0, k;
    uint64_t made = 0;
    int keep_all;
    qr_annemit e;
    luaL_checktype(L, 3, LUA_TTABLE);
    luaL_checktype(L, 4, LUA_TTABLE);
    luaL_checktype(L, 5, LUA_TTABLE);
    keep_all = lua_toboolean(L, 6);
    lua_settop(L, 5);
    lua_getiuservalue(L, 1, 1);         /* at SET_VALUES */
    qr_ann_begin(L, &e, 0, text, NULL, NULL);
    vids = gazset_prepare(L, s, t, 0, NULL, &nh, &made);
    for (k = 0; k < s->n; k++) {
        gmember *m = &s->m[k];
        size_t nm;
        qr_limit_work(L, (long long)t->n);   /* a step a token, a list */
        nm = gazset_scan(L, s, m, t, text, vids, nh);
        if (nm && gazset_emit(L, &e, k, m, t, nm, keep_all) && k + 1 < s->n) {
            t = qr_check_tokens(L, SET_TOKENS, &text, NULL);
            e.text = text;
            vids = gazset_prepare(L, s, t, 1, vids, &nh, &made);
        }
    }
    lua_settop(L, 3);
    return 1;
}

/* Room for need matches of a phase in s. */
static void gazset_room(lua_State *L, lgazset *s, size_t need)
{
    size_t cap = s->reccap ? s->reccap : 64;
    void *p;
    if (need <= s->reccap) return;
    while (cap < need) cap *= 2;
    if (!(p = realloc(s->recs, cap * sizeof *s->recs))) goto nomem;
    s->recs = p;
    if (!(p = realloc(s->cands, cap * sizeof *s->cands))) goto nomem;
    s->cands = p;
    if (!(p = realloc(s->coord, (4 * cap + 2) * sizeof *s->coord))) goto nomem;
    s->coord = p;
    if (!(p = realloc(s->kept, cap * sizeof *s->kept))) goto nomem;
    s->kept = p;
    s->reccap = cap;
    return;
nomem:
    luaL_error(L, "not enough memory for gazetteer matches");
}

/* The matches of every member, in order, into s->recs: how many. */
static size_t gazset_collect(lua_State *L, lgazset *s, const qr_tokens *t, const char *text)
{
    size_t nh = 0, k, j, nrec = 0;
    uint64_t made = 0;
    const uint32_t *vids = gazset_prepare(L, s, t, 0, NULL, &nh, &made);
    s->recs_made++;
    for (k = 0; k < s->n; k++) {
        gmember *m = &s->m[k];
        size_t nm;
        qr_limit_work(L, (long long)t->n);   /* a step a token, a list */
        nm = gazset_scan(L, s, m, t, text, vids, nh);
        gazset_room(L, s, nrec + nm);
        for (j = 0; j < nm; j++) {
            gmrec *r = &s->recs[nrec++];
            r->member = (uint32_t)k;
            r->first = m->lg->first[j];
            r->end = m->lg->buf[j].end;
            r->entry = m->lg->buf[j].entry;
        }
        release_large(m->lg);
    }
    return nrec;
}

/* Field key (a number) of the rule of member k, for the candidate at
 * position i: as resolve_overlaps reads it. Sets *lua when reading it may
 * have run Lua code (the rule has a metatable: an __index). */
static lua_Number rule_number(lua_State *L, size_t k, const char *key, size_t i, int *lua)
{
    int isnum;
    lua_Number v;
    lua_rawgeti(L, SET_VALUES, (int)k * SLOTS + SLOT_CRULE);
    if (!lua_istable(L, -1))
        luaL_error(L, "resolve_overlaps: the rule of candidate %d is not a table", (int)i);
    if (lua_getmetatable(L, -1)) {
        *lua = 1;
        lua_pop(L, 1);
    }
    lua_getfield(L, -1, key);
    v = lua_tonumberx(L, -1, &isnum);
    if (!isnum) luaL_error(L, "resolve_overlaps: the rule of candidate %d needs a number '%s'", (int)i, key);
    lua_pop(L, 2);
    return v;
}

/* The phase's nrec matches (s->recs) in the tokens t as candidates,
 * resolved by control (appelt or first; all keeps each, in order):
 * s->kept, how many. Reading the priority of a rule with a metatable may
 * run Lua code (an __index): then *ran is set, the tokens are checked
 * again after it, and a run of the set from there raises, as it changed
 * the records read here. */
static size_t gazset_resolve(lua_State *L, lgazset *s, const qr_tokens *t, size_t nrec, const char *control,
                             int *ran)
{
    size_t r, last = (size_t)-1;
    uint64_t made = s->recs_made;
    lua_Number priority = 0;
    lua_Integer order = 0;
    if (control[1] == 'l') {            /* all */
        for (r = 0; r < nrec; r++) s->kept[r] = (int)r + 1;
        return nrec;
    }
    for (r = 0; r < nrec; r++) {
        const gmrec *m;
        qr_cand *c;
        if (s->recs[r].member != last) {   /* a rule's priority and order, read once for its run */
            int lua = 0;
            last = s->recs[r].member;
            priority = rule_number(L, last, "priority", r + 1, &lua);
            order = (lua_Integer)rule_number(L, last, "order", r + 1, &lua);
            if (lua) {
                if (s->recs_made != made) luaL_error(L, "gazetteer rules: a rule's priority or order ran them again");
                t = qr_check_tokens(L, SET_TOKENS, NULL, NULL);
                *ran = 1;
            }
        }
        m = &s->recs[r];
        c = &s->cands[r];
        c->priority = priority;
        c->order = order;
        c->start = c->cstart = (lua_Number)t->tok[m->first].start;
        c->stop = (lua_Number)t->tok[m->end - 1].stop;
        c->index = (int)r + 1;
    }
    return qr_resolve_overlaps(s->cands, nrec, control[0] == 'a', s->coord, s->kept);
}

/* The end of the JSON white space from p (before end). */
static const char *json_space(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
    return p;
}

/* The end of the JSON string at p (its opening quote) before end, when it
 * holds no escape nor control character: its bytes are then its value;
 * else NULL. */
static const char *json_plain_string(const char *p, const char *end)
{
    for (p++; p < end; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '"') return p + 1;
        if (c == '\\' || c < 0x20) return NULL;
    }
    return NULL;
}

/* The entry attrs json (n bytes) as cjson.decode makes them, pushed, when
 * they are an object whose values are all strings without escapes, true
 * or false (what the news pack's lists hold): returns 1. Else pushes
 * nothing and returns 0, for cjson to decode (numbers, null, escapes,
 * nesting, anything malformed). The same keys and values: a table made at
 * its size rather than grown, its pairs set in order (a later duplicate
 * key wins, as in cjson). */
static int flat_json(lua_State *L, const char *json, size_t n)
{
    const char *end = json + n, *p, *q;
    int pairs = 0, pass;
    for (pass = 0; pass < 2; pass++) {
        p = json_space(json, end);
        if (p == end || *p++ != '{') return 0;
        p = json_space(p, end);
        if (pass) lua_createtable(L, 0, pairs);
        else luaL_checkstack(L, 3, "decoding a gazetteer entry's attrs");
        if (p < end && *p == '}') {
            p++;
        } else {
            for (;;) {
                if (p == end || *p != '"' || !(q = json_plain_string(p, end))) return 0;
                if (pass) lua_pushlstring(L, p + 1, (size_t)(q - p - 2));
                p = json_space(q, end);
                if (p == end || *p++ != ':') return 0;
                p = json_space(p, end);
                if (p < end && *p == '"') {
                    if (!(q = json_plain_string(p, end))) return 0;
                    if (pass) lua_pushlstring(L, p + 1, (size_t)(q - p - 2));
                } else if (end - p >= 4 && !memcmp(p, "true", 4)) {
                    q = p + 4;
                    if (pass) lua_pushboolean(L, 1);
                } else if (end - p >= 5 && !memcmp(p, "false", 5)) {
                    q = p + 5;
                    if (pass) lua_pushboolean(L, 0);
                } else {
                    return 0;
                }
                if (pass) lua_rawset(L, -3);
                else pairs++;
                p = json_space(q, end);
                if (p < end && *p == ',') {
                    p = json_space(p + 1, end);
                    continue;
                }
                if (p == end || *p++ != '}') return 0;
                break;
            }
        }
        if (json_space(p, end) != end) return 0;
    }
    return 1;
}

/* Decodes the attrs of the entries of the nkept matches kept that their
 * member's cache (a[member]) lacks, once an entry, before their
 * annotations are made: they are then merged as they are made, with no
 * attrs table made twice. Returns 1 when a decode function ran (Lua
 * code), 0 when flat_json decoded them all. */
static int gazset_decode(lua_State *L, const lgazset *s, const gmrec *kept, size_t nkept, const gazann *a)
{
    size_t r;
    int lua = 0;
    for (r = 0; r < nkept; r++) {
        const gazann *ma = &a[kept[r].member];
        const char *at;
        size_t al = 0;
        if (!ma->cache || !ma->decode) continue;
        if (!s->m[kept[r].member].lg->g) luaL_error(L, "attempt to use a closed quarry.Gazetteer");
        qr_gaz_entry(s->m[kept[r].member].lg->g, kept[r].entry, NULL, NULL, NULL, NULL, &at, &al);
        if (!al) continue;
        if (lua_rawgeti(L, ma->cache, kept[r].entry) == LUA_TNIL) {
            if (s->m[kept[r].member].json && flat_json(L, at, al)) {
                lua_rawseti(L, ma->cache, kept[r].entry);
            } else {
                lua_pushlstring(L, at, al);
                decode_json(L, ma, kept[r].entry);
                lua_pop(L, 1);
                lua = 1;
            }
        }
        lua_pop(L, 1);
    }
    return lua;
}

/* Pushes member k's records of the entries it annotated (qr_ann_entry_record,
 * by entry id), made again when its list changed. */
static void push_records(lua_State *L, gmember *m, size_t k)
{
    int slot = (int)k * SLOTS + SLOT_RECORDS;
    uint64_t version = qr_gaz_version(m->lg->g);
    if (lua_rawgeti(L, SET_VALUES, slot) == LUA_TTABLE && m->rec_version == version) return;
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_rawseti(L, SET_VALUES, slot);
    m->rec_version = version;
}

/* Whether the record at rec was made with the attrs at extra (0: none). */
static int record_of(lua_State *L, int rec, int extra)
{
    int same;
    lua_rawgeti(L, rec, REC_EXTRA);
    same = extra ? lua_rawequal(L, -1, extra) : lua_type(L, -1) == LUA_TBOOLEAN && !lua_toboolean(L, -1);
    lua_pop(L, 1);
    return same;
}

/* Appends the annotation of the match kept r to the list on top of the
 * stack, as item n: as push_annotation does, but by the entry's record
 * in the table at records (made when missing, or made with other attrs),
 * whose strings and attrs to merge are ready; an entry whose attrs the
 * cache lacks goes to push_annotation. */
static void push_kept(const qr_annemit *e, const qr_gaz *g, const qr_tokens *t, const gmrec *r, lua_Integer n,
                      gazann *a, int records)
{
    lua_State *L = e->L;
    const char *c, *ty, *at;
    size_t cl, tl, al;
    int list = lua_gettop(L), extra = 0, kind;
    qr_gaz_entry(g, r->entry, &c, &cl, &ty, &tl, &at, &al);
    if (al) {
        kind = a->cache ? lua_rawgeti(L, a->cache, r->entry) : LUA_TNIL;
        if (kind == LUA_TNIL) {
            qr_gaz_match gm;
            lua_settop(L, list);
            gm.end = r->end;
            gm.entry = r->entry;
            push_annotation(e, g, t, r->first, &gm, n, a);
            return;
        }
        if (kind == LUA_TTABLE) extra = lua_gettop(L);
    }
    if (lua_rawgeti(L, records, r->entry) != LUA_TTABLE || !record_of(L, lua_gettop(L), extra)) {
        lua_pop(L, 1);
        qr_ann_entry_record(L, c, cl, tl ? ty : NULL, tl, extra);
        lua_pushvalue(L, -1);
        lua_rawseti(L, records, r->entry);
    }
    qr_ann_push_record(e, &a->f, t->tok[r->first].start, t->tok[r->end - 1].stop, lua_gettop(L));
    lua_rawseti(L, list, n);
    lua_settop(L, list);
}

/***
rules:phase(tokens, anns, control, phase) -> anns.
A phase of these rules alone: the annotations candidates() would make,
resolved by control ("appelt", "first" or "all") as resolve_overlaps
resolves them, those kept appended to anns in the order kept, as
append_kept appends them (each member's options give this phase's name
and its rule's rank: they go as they are). The annotations of matches not
kept are not made, nor their entries' attrs decoded.
@function GazetteerRules:phase
@param tokens quarry.Tokens the text's tokens
@param anns table the annotations so far
@param control string "appelt", "first" or "all"
@param phase string the phase's name
@return table anns
*/
static int gazset_phase(lua_State *L)
{
    lgazset *s = luaL_checkudata(L, 1, QR_GAZRULES_MT);
    const char *text, *control;
    const qr_tokens *t = qr_check_tokens(L, SET_TOKENS, &text, NULL);
    size_t nrec, nkept, r, k;
    lua_Integer n0;
    qr_annemit e;
    gmrec *kept;
    gazann *a;
    int *records, lua = 0;
    luaL_checktype(L, 3, LUA_TTABLE);
    control = luaL_checkstring(L, 4);
    if (strcmp(control, "appelt") != 0 && strcmp(control, "first") != 0 && strcmp(control, "all") != 0)
        return luaL_argerror(L, 4, "control must be \"appelt\", \"first\" or \"all\"");
    luaL_checktype(L, 5, LUA_TSTRING);
    lua_settop(L, 5);
    lua_getiuservalue(L, 1, 1);         /* at SET_VALUES */
    for (k = 0; k < s->n; k++) {
        lua_rawgeti(L, SET_VALUES, (int)k * SLOTS + SLOT_PHASE);
        if (!lua_rawequal(L, -1, 5)) return luaL_argerror(L, 5, "the members' options name another phase");
        lua_pop(L, 1);
    }
    nrec = gazset_collect(L, s, t, text);
    if (!nrec) {
        lua_settop(L, 3);
        return 1;
    }
    nkept = gazset_resolve(L, s, t, nrec, control, &lua);
    /* what the rest needs, held by this call (decode may run anything,
     * this set's methods too): the matches kept, in order, and for each
     * member with some, the stack indexes of what its annotations share
     * and of its records (records[k], 0 for the others) */
    kept = lua_newuserdatauv(L, nkept * sizeof *kept + s->n * (sizeof *a + sizeof *records), 0);
    a = (gazann *)(kept + nkept);
    records = (int *)(a + s->n);
    memset(a, 0, s->n * sizeof *a);
    memset(records, 0, s->n * sizeof *records);
    for (r = 0; r < nkept; r++) {
        kept[r] = s->recs[s->kept[r] - 1];
        records[kept[r].member] = 1;
    }
    luaL_checkstack(L, (int)(9 * s->n) + 16, "gazetteer rules");
    for (k = 0; k < s->n; k++)
        if (records[k]) push_shared(L, k, &a[k]);
    lua |= gazset_decode(L, s, kept, nkept, a);
    if (lua) {      /* (decode, a rule's priority): the lists and tokens checked again */
        t = qr_check_tokens(L, SET_TOKENS, &text, NULL);
        for (k = 0; k < s->n; k++)
            if (!s->m[k].lg->g) return luaL_error(L, "attempt to use a closed quarry.Gazetteer");
    }
    for (k = 0; k < s->n; k++) {
        if (!records[k]) continue;
        push_records(L, &s->m[k], k);
        records[k] = lua_gettop(L);
    }
    qr_ann_begin(L, &e, 0, text, NULL, NULL);
    n0 = (lua_Integer)lua_rawlen(L, 3);
    lua_pushvalue(L, 3);
    for (r = 0; r < nkept; r++)
        push_kept(&e, s->m[kept[r].member].lg->g, t, &kept[r], n0 + (lua_Integer)r + 1, &a[kept[r].member],
                  records[kept[r].member]);
    /* (entries the caches lack still: decode changed them) */
    for (k = 0; k < s->n; k++)
        if (a[k].pending) decode_pending(L, &a[k], lua_gettop(L));
    lua_settop(L, 3);
    return 1;
}

void qr_open_gazetteer(lua_State *L)
{
    static const luaL_Reg set_methods[] = {
        { "candidates", gazset_candidates }, { "phase", gazset_phase }, { NULL, NULL }
    };
    static const luaL_Reg methods[] = {
        { "add", gaz_add }, { "load", gaz_load }, { "load_table", gaz_load_table },
        { "entry", gaz_entry }, { "match", gaz_match }, { "phrases", gaz_phrases },
        { "fold", gaz_fold }, { "longest", gaz_longest }, { "memsize", gaz_memsize },
        { "close", gaz_release },
        { NULL, NULL }
    };
    luaL_newmetatable(L, QR_GAZ_MT);
    lua_newtable(L);
    luaL_setfuncs(L, methods, 0);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, gaz_len);
    lua_setfield(L, -2, "__len");
    lua_pushcfunction(L, gaz_release);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, gaz_release);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, gaz_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);

    lua_pushcfunction(L, l_gazetteer);
    lua_setfield(L, -2, "gazetteer");

    luaL_newmetatable(L, QR_GAZRULES_MT);
    lua_newtable(L);
    luaL_setfuncs(L, set_methods, 0);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, gazset_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    lua_pushcfunction(L, l_gazetteer_rules);
    lua_setfield(L, -2, "gazetteer_rules");
}
