/*
 * Lua binding of the vocabulary of interned keys (qr_vocab.h): one
 * vocabulary a Lua state, shared by the token-pattern matchers and by word
 * sets (quarry.WordSet), so that a document's token keys are looked up once
 * (tokens:key_id) and every word test after that is an array read.
 *
 * Lua: quarry.core.wordset(list [, {bare = true}]) -> quarry.WordSet;
 * set:has(tokens, i), set:find(tokens, i [, j]), set:contains(word), #set;
 * quarry.core.key_id(word [, bare]) -> id. See lua/quarry/wordset.lua.
 */
/***
@module quarry.core
*/

#include "qr_hash.h"
#include "qr_lua.h"
#include "qr_token.h"
#include "qr_vocab.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QR_VOCAB_MT "quarry.Vocab"

typedef struct lwordset {
    qr_idset set;
    unsigned mode;      /* 0 or QR_KEY_BARE: which key of a token it tests */
} lwordset;

static const char vocab_key = 'v';   /* its address keys the registry entry */

struct qr_vocab *qr_state_vocab(lua_State *L)
{
    qr_vocab *v;
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &vocab_key) == LUA_TUSERDATA) {
        v = lua_touserdata(L, -1);
        lua_pop(L, 1);
        return v;
    }
    lua_pop(L, 1);
    v = lua_newuserdatauv(L, sizeof *v, 0);
    qr_vocab_init(v);
    luaL_setmetatable(L, QR_VOCAB_MT);       /* freed when the state closes */
    lua_rawsetp(L, LUA_REGISTRYINDEX, &vocab_key);
    return v;
}

static int vocab_gc(lua_State *L)
{
    qr_vocab_free(lua_touserdata(L, 1));
    return 0;
}

/* The key of word (mode 0 or QR_KEY_BARE) into out (3 * n + 1 bytes), as
 * the token it makes would have it. Returns the number of tokens the word
 * makes (the key is set only when that is 1), or -1 on no memory. */
static int word_key(const char *s, size_t n, unsigned mode, char *out, size_t *klen)
{
    qr_tokopts o;
    qr_tokens t;
    int ntok;
    qr_tokopts_default(&o);
    o.sentences = 0;
    if (qr_tokenize(s, n, &o, &t) != QR_OK) return -1;
    ntok = t.n > 2 ? 2 : (int)t.n;
    if (ntok == 1) *klen = qr_token_key(s, &t.tok[0], mode, out);
    qr_tokens_free(&t);
    return ntok;
}

/* Interns the key of the string at idx; raises naming what when it is not
 * a string of exactly one token. */
static uint32_t intern_word(lua_State *L, int idx, unsigned mode, const char *what)
{
    size_t n = 0, klen = 0;
    const char *s = lua_type(L, idx) == LUA_TSTRING ? lua_tolstring(L, idx, &n) : NULL;
    char *out;
    int ntok, rc;
    uint32_t id;
    if (!s || n == 0) luaL_error(L, "%s must be a non-empty string", what);
    if (n > QR_MAX_TEXT / 3) luaL_error(L, "%s is too long", what);
    out = lua_newuserdatauv(L, 3 * n + 1, 0);   /* scratch, collected on error */
    ntok = word_key(s, n, mode, out, &klen);
    if (ntok < 0) luaL_error(L, "not enough memory");
    if (ntok != 1)
        luaL_error(L, "%s ('%s') %s; a word set holds single words", what, s,
                   ntok == 0 ? "holds no token" : "is more than one token");
    rc = qr_vocab_intern(qr_state_vocab(L), out, klen, &id);
    if (rc != QR_OK) luaL_error(L, rc == QR_ENOMEM ? "not enough memory" : "too many words");
    lua_pop(L, 1);
    return id;
}

static int set_gc(lua_State *L)
{
    lwordset *ws = luaL_checkudata(L, 1, QR_WORDSET_MT);
    qr_idset_free(&ws->set);
    return 0;
}

/***
quarry.core.wordset(list [, {bare = true}]) -> quarry.WordSet
A set of single words, each taken as the key of the token it makes (bare:
diacritics stripped too). Raises naming the member that is not a string
of one token.
@function wordset
@param list table the words
@param opts table optional: bare (boolean)
@return quarry.WordSet
*/
static int l_wordset(lua_State *L)
{
    lwordset *ws;
    lua_Integer i, count;
    unsigned mode = 0;
    luaL_checktype(L, 1, LUA_TTABLE);
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        lua_pushnil(L);
        while (lua_next(L, 2)) {
            if (lua_type(L, -2) != LUA_TSTRING || strcmp(lua_tostring(L, -2), "bare") != 0)
                return luaL_argerror(L, 2, lua_pushfstring(L, "unknown option '%s'", luaL_tolstring(L, -2, NULL)));
            if (lua_toboolean(L, -1)) mode = QR_KEY_BARE;
            lua_pop(L, 1);
        }
    }
    lua_settop(L, 1);
    ws = lua_newuserdatauv(L, sizeof *ws, 0);
    qr_idset_init(&ws->set);
    ws->mode = mode;
    luaL_setmetatable(L, QR_WORDSET_MT);     /* from here __gc frees the bits */
    count = (lua_Integer)lua_rawlen(L, 1);
    for (i = 1; i <= count; i++) {
        char what[48];
        uint32_t id;
        int rc;
        lua_rawgeti(L, 1, i);
        snprintf(what, sizeof what, "wordset: member %d", (int)i);
        id = intern_word(L, 3, mode, what);
        rc = qr_idset_add(&ws->set, id);
        if (rc != QR_OK) return luaL_error(L, "not enough memory");
        lua_pop(L, 1);
    }
    return 1;
}

/***
quarry.core.key_id(word [, bare]) -> integer: the id of word's key, which
tokens:key_id(i) gives for a token with that key (added to the
vocabulary when new). Raises when word is not one token.
@function key_id
@param word string one token
@param bare boolean optional: the id of its bare key
@return integer
*/
static int l_key_id(lua_State *L)
{
    lua_pushinteger(L, intern_word(L, 1, lua_toboolean(L, 2) ? QR_KEY_BARE : 0, "key_id: the word"));
    return 1;
}

/***
quarry.core.word_keys(s [, bare]) -> key, ...: the keys of the tokens s makes
(with sentences off), as tokens:key gives them (bare: without diacritics);
nothing for a string of no token. What the pattern language makes of a word,
without a quarry.Tokens for it.
@function word_keys
@param s string the word or phrase
@param bare boolean optional: keys without diacritics
@return string... the keys
*/
static int l_word_keys(lua_State *L)
{
    size_t n, i;
    const char *s = luaL_checklstring(L, 1, &n);
    unsigned mode = lua_toboolean(L, 2) ? QR_KEY_BARE : 0;
    qr_tokopts o;
    qr_tokens t;
    char *out;
    if (n > QR_MAX_TEXT / 3) return luaL_error(L, "word_keys: the string is too long");
    qr_tokopts_default(&o);
    o.sentences = 0;
    out = lua_newuserdatauv(L, 3 * n + 1, 0);    /* scratch */
    if (qr_tokenize(s, n, &o, &t) != QR_OK) return luaL_error(L, "not enough memory");
    if (t.n > INT_MAX - 8 || !lua_checkstack(L, (int)t.n + 8)) {
        qr_tokens_free(&t);
        return luaL_error(L, "word_keys: too many tokens");
    }
    for (i = 0; i < t.n; i++) lua_pushlstring(L, out, qr_token_key(s, &t.tok[i], mode, out));
    n = t.n;
    qr_tokens_free(&t);
    return (int)n;
}

/***
quarry.core.set_keys(list [, bare]) -> singles, phrases, cost | nil, i: the
members of list (a sequence of strings, read as ipairs reads it) sorted as
P.set takes them: singles, the key of each member that makes one token
(word_keys, in order, repeats kept); phrases, the members that make several
tokens; cost, the sum over singles of 20 for a key of at most three bytes
and 1 for a longer one (quarry.pattern's guess of how common the words are).
Members that make no token are left out. nil, i when member i is not a
non-empty string. A step a member and one per 64 bytes count against the
step budget (core.limited).
@function set_keys
@param list table the members
@param bare boolean optional: keys without diacritics
@return table singles, table phrases, integer cost; or nil, integer i
*/
static int l_set_keys(lua_State *L)
{
    unsigned mode = lua_toboolean(L, 2) ? QR_KEY_BARE : 0;
    qr_tokopts o;
    char *out = NULL;
    size_t cap = 0;
    lua_Integer i, nsingle = 0, nphrase = 0, cost = 0;
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 2);
    qr_tokopts_default(&o);
    o.sentences = 0;
    lua_newtable(L);                                /* singles, at 3 */
    lua_newtable(L);                                /* phrases, at 4 */
    lua_pushnil(L);                                 /* the scratch, at 5 */
    for (i = 1;; i++) {
        size_t n, ntok, k = 0;
        const char *s;
        qr_tokens t;
        if (lua_geti(L, 1, i) == LUA_TNIL) break;   /* at 6 */
        s = lua_type(L, 6) == LUA_TSTRING ? lua_tolstring(L, 6, &n) : NULL;
        if (!s || n == 0) {
            lua_pushnil(L);
            lua_pushinteger(L, i);
            return 2;
        }
        if (n > QR_MAX_TEXT / 3) return luaL_error(L, "set_keys: the string is too long");
        qr_limit_work(L, 1 + (long long)(n / 64));
        if (3 * n + 1 > cap) {
            cap = 3 * n + 1 > 256 ? 3 * n + 1 : 256;
            out = lua_newuserdatauv(L, cap, 0);
            lua_replace(L, 5);
        }
        if (qr_tokenize(s, n, &o, &t) != QR_OK) return luaL_error(L, "not enough memory");
        ntok = t.n;
        if (ntok == 1) k = qr_token_key(s, &t.tok[0], mode, out);
        qr_tokens_free(&t);             /* (before anything that can raise) */
        if (ntok == 1) {
            lua_pushlstring(L, out, k);
            lua_rawseti(L, 3, ++nsingle);
            cost += k <= 3 ? 20 : 1;
        } else if (ntok > 1) {
            lua_pushvalue(L, 6);
            lua_rawseti(L, 4, ++nphrase);
        }
        lua_pop(L, 1);
    }
    lua_settop(L, 4);
    lua_pushinteger(L, cost);
    return 3;
}

/* A word join_words has taken: its bytes, which the sources hold while it runs. */
typedef struct joined_word {
    const char *s;
    size_t n;
} joined_word;

/* Pushes the string at idx onto words (at index 2) unless seen (a table of
 * cap slots, a power of two) holds it; adds its cost. */
static void join_one(lua_State *L, int idx, joined_word *seen, size_t cap, lua_Integer *nwords,
                     lua_Integer *cost)
{
    size_t n, i;
    const char *s;
    if (lua_type(L, idx) != LUA_TSTRING) luaL_error(L, "join_words: a source holds a %s", luaL_typename(L, idx));
    s = lua_tolstring(L, idx, &n);
    for (i = (size_t)qr_hash64_finish(qr_hash_absorb(s, n)) & (cap - 1); seen[i].s; i = (i + 1) & (cap - 1))
        if (seen[i].n == n && memcmp(seen[i].s, s, n) == 0) return;
    seen[i].s = s;
    seen[i].n = n;
    lua_pushvalue(L, idx);
    lua_rawseti(L, 2, ++*nwords);
    *cost += n <= 3 ? 20 : 1;
}

/***
quarry.core.join_words(sources) -> words, cost: the words of sources (a
list of words and lists of words), in order, each once; cost as set_keys
counts it, over words. What quarry.pattern makes one word set of. A
step a word counts against the step budget (core.limited).
@function join_words
@param sources table words (strings) and lists of words
@return table words, integer cost
*/
static int l_join_words(lua_State *L)
{
    size_t total = 0, cap = 16, j, n;
    lua_Integer nwords = 0, cost = 0;
    joined_word *seen;
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    n = lua_rawlen(L, 1);
    for (j = 1; j <= n; j++) {
        int t = lua_rawgeti(L, 1, (lua_Integer)j);
        total += t == LUA_TTABLE ? lua_rawlen(L, -1) : 1;
        lua_pop(L, 1);
    }
    qr_limit_work(L, (long long)total);
    while (cap < 2 * total) cap *= 2;
    lua_createtable(L, total < INT_MAX ? (int)total : 0, 0);   /* words, at 2 */
    seen = lua_newuserdatauv(L, cap * sizeof *seen, 0);          /* at 3 */
    memset(seen, 0, cap * sizeof *seen);
    for (j = 1; j <= n; j++) {
        if (lua_rawgeti(L, 1, (lua_Integer)j) == LUA_TTABLE) {   /* at 4 */
            size_t k, m = lua_rawlen(L, 4);
            for (k = 1; k <= m; k++) {
                lua_rawgeti(L, 4, (lua_Integer)k);
                join_one(L, 5, seen, cap, &nwords, &cost);
                lua_pop(L, 1);
            }
        } else {
            join_one(L, 4, seen, cap, &nwords, &cost);
        }
        lua_pop(L, 1);
    }
    lua_settop(L, 2);
    lua_pushinteger(L, cost);
    return 2;
}

/* The word set a method is called on (argument 1): its metatable compared
 * with the one the method closes over (upvalue 1), cheaper than
 * luaL_checkudata's look-up by name; that one raises the usual error.
 * (set:has and set:find also close over quarry.Tokens' metatable, upvalue
 * 2, and the state's vocabulary, upvalue 3: qr_tokens_ids_by_mt.) */
static const lwordset *self_set(lua_State *L)
{
    const lwordset *ws = lua_touserdata(L, 1);
    if (ws && lua_getmetatable(L, 1)) {
        int same = lua_rawequal(L, -1, lua_upvalueindex(1));
        lua_pop(L, 1);
        if (same) return ws;
    }
    return luaL_checkudata(L, 1, QR_WORDSET_MT);
}

/***
A set of words tested on tokens in O(1) (quarry.wordset.new).
@type WordSet
*/

/***
set:has(tokens, i) -> boolean: token i's key is in the set; false for an
index outside 1 .. #tokens
@function WordSet:has
@param tokens quarry.Tokens the document's tokens
@param i integer a token's number
@return boolean
*/
static int set_has(lua_State *L)
{
    const lwordset *ws = self_set(L);
    size_t n;
    const uint32_t *ids = qr_tokens_ids_by_mt(L, 2, lua_upvalueindex(2), lua_touserdata(L, lua_upvalueindex(3)),
                                              ws->mode, &n);
    lua_Integer i = luaL_checkinteger(L, 3);
    lua_pushboolean(L, i >= 1 && (lua_Unsigned)i <= n && qr_idset_has(&ws->set, ids[i - 1]));
    return 1;
}

/***
set:find(tokens, i [, j]) -> index or nil: the first token from i to j
(inclusive; j defaults to #tokens; j < i looks backwards) whose key is in
the set. i and j are clamped to 1 .. #tokens.
@function WordSet:find
@param tokens quarry.Tokens the document's tokens
@param i integer where to start
@param j integer optional: where to stop (inclusive)
@return integer the token's number, or nil
*/
static int set_find(lua_State *L)
{
    const lwordset *ws = self_set(L);
    size_t count;
    const uint32_t *ids = qr_tokens_ids_by_mt(L, 2, lua_upvalueindex(2), lua_touserdata(L, lua_upvalueindex(3)),
                                              ws->mode, &count);
    lua_Integer n = (lua_Integer)count, i = luaL_checkinteger(L, 3);
    lua_Integer j = luaL_optinteger(L, 4, n), k;
    if (n == 0) return 0;
    if (i <= j) {
        if (i < 1) i = 1;
        if (j > n) j = n;
        for (k = i; k <= j; k++)
            if (qr_idset_has(&ws->set, ids[k - 1])) { lua_pushinteger(L, k); return 1; }
    } else {
        if (i > n) i = n;
        if (j < 1) j = 1;
        for (k = i; k >= j; k--)
            if (qr_idset_has(&ws->set, ids[k - 1])) { lua_pushinteger(L, k); return 1; }
    }
    return 0;
}

/***
set:contains(word) -> boolean: word (one token) has a key in the set
@function WordSet:contains
@param word string one token
@return boolean
*/
static int set_contains(lua_State *L)
{
    lwordset *ws = luaL_checkudata(L, 1, QR_WORDSET_MT);
    size_t n, klen = 0;
    const char *s = luaL_checklstring(L, 2, &n);
    char *out;
    int ntok;
    if (n == 0 || n > QR_MAX_TEXT / 3) { lua_pushboolean(L, 0); return 1; }
    out = lua_newuserdatauv(L, 3 * n + 1, 0);
    ntok = word_key(s, n, ws->mode, out, &klen);
    if (ntok < 0) return luaL_error(L, "not enough memory");
    lua_pushboolean(L, ntok == 1 && qr_idset_has(&ws->set, qr_vocab_find(qr_state_vocab(L), out, klen)));
    return 1;
}

/* #set -> number of distinct words */
static int set_len(lua_State *L)
{
    lwordset *ws = luaL_checkudata(L, 1, QR_WORDSET_MT);
    lua_pushinteger(L, ws->set.count);
    return 1;
}

/* tostring(set) -> "quarry.WordSet: 12 words" */
static int set_tostring(lua_State *L)
{
    lwordset *ws = luaL_checkudata(L, 1, QR_WORDSET_MT);
    lua_pushfstring(L, "quarry.WordSet: %d words%s", (int)ws->set.count, ws->mode ? " (bare)" : "");
    return 1;
}

void qr_open_vocab(lua_State *L)
{
    static const luaL_Reg methods[] = {
        { "has", set_has }, { "find", set_find }, { "contains", set_contains }, { NULL, NULL }
    };
    luaL_newmetatable(L, QR_VOCAB_MT);
    lua_pushcfunction(L, vocab_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    luaL_newmetatable(L, QR_WORDSET_MT);
    luaL_newlibtable(L, methods);
    lua_pushvalue(L, -2);                       /* upvalue 1: the word sets' metatable (self_set) */
    luaL_getmetatable(L, QR_TOKENS_MT);         /* upvalue 2: quarry.Tokens' (qr_open_tokens made it) */
    qr_state_vocab(L);                          /* made and pinned in the registry, then: */
    lua_rawgetp(L, LUA_REGISTRYINDEX, &vocab_key);   /* upvalue 3: the vocabulary */
    luaL_setfuncs(L, methods, 3);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, set_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, set_len);
    lua_setfield(L, -2, "__len");
    lua_pushcfunction(L, set_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
    lua_pushcfunction(L, l_wordset);
    lua_setfield(L, -2, "wordset");
    lua_pushcfunction(L, l_key_id);
    lua_setfield(L, -2, "key_id");
    lua_pushcfunction(L, l_word_keys);
    lua_setfield(L, -2, "word_keys");
    lua_pushcfunction(L, l_set_keys);
    lua_setfield(L, -2, "set_keys");
    lua_pushcfunction(L, l_join_words);
    lua_setfield(L, -2, "join_words");
}
