/*
 * Lua binding of the scans over a document's quotation marks
 * (qr_speak.h): quarry.core.marks_depth, marks_inside_back,
 * marks_inside_from, marks_next_open and marks_stretches, for
 * quarry.marks; and the phrase scans (qr_speak_phrase), the cues of
 * speech (qr_speak_is_cue) and the subjects a pronoun stands for
 * (qr_speak_subject_ok): quarry.core.phrase_scanner, cue_scanner and
 * subject_scanner, for quarry.phrases. Token numbers are 1-based here, as
 * Lua has them.
 */
/***
@module quarry.core
*/
#include "qr_lua.h"
#include "qr_speak.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define QR_PHRASES_MT "quarry.PhraseScanner"
#define QR_CUES_MT "quarry.CueScanner"
#define QR_SUBJECTS_MT "quarry.SubjectScanner"

typedef struct lphrases {
    qr_phrase_sets sets;
    size_t reach;
} lphrases;

/* The token number at idx, as a 0-based long long (clamped far outside
 * any text, so that the scans' own clamping sees no overflow). */
static long long tok_arg(lua_State *L, int idx)
{
    lua_Integer v = luaL_checkinteger(L, idx);
    if (v < -1) v = -1;
    if (v > (lua_Integer)INT_MAX) v = INT_MAX;
    return (long long)v - 1;
}

/* The tokens of t a walk between a and b (either way) can visit, for the
 * step budget: the scans clamp their ranges to the text, so a far bound
 * costs no more than the text's end. */
static long long span(const qr_tokens *t, long long a, long long b)
{
    long long lo = a < b ? a : b, hi = a < b ? b : a, last = (long long)t->n - 1;
    if (lo < 0) lo = 0;
    if (hi > last) hi = last;
    return hi >= lo ? hi - lo + 1 : 1;
}

/***
core.marks_depth(tokens, from, to) -> integer: the quotation marks left
open after a walk over tokens from .. to (an opening mark opens one, a
closing one closes one when one is open). See quarry.marks.depth.
@function marks_depth
@param tokens quarry.Tokens the document's tokens
@param from integer the first token
@param to integer the last
@return integer
*/
static int l_marks_depth(lua_State *L)
{
    const qr_tokens *t = qr_tokens_by_mt(L, 1, lua_upvalueindex(1));
    long long from = tok_arg(L, 2), to = tok_arg(L, 3);
    qr_limit_work(L, span(t, from, to));
    lua_pushinteger(L, (lua_Integer)qr_speak_depth(t, from, to));
    return 1;
}

/***
core.marks_inside_back(tokens, top, i) -> boolean: the first quotation mark
after token i, up to token top, is a closing one. See quarry.marks.inside_back.
@function marks_inside_back
@param tokens quarry.Tokens the document's tokens
@param top integer where a walk back starts
@param i integer a token at or before top
@return boolean
*/
static int l_marks_inside_back(lua_State *L)
{
    const qr_tokens *t = qr_tokens_by_mt(L, 1, lua_upvalueindex(1));
    long long top = tok_arg(L, 2), i = tok_arg(L, 3);
    qr_limit_work(L, span(t, i, top));
    lua_pushboolean(L, qr_speak_inside_back(t, top, i));
    return 1;
}

/***
core.marks_inside_from(tokens, floor, i) -> boolean: the last quotation
mark before token i, from token floor on, is an opening one. See
quarry.marks.inside_from.
@function marks_inside_from
@param tokens quarry.Tokens the document's tokens
@param floor integer where a walk starts
@param i integer a token at or after floor
@return boolean
*/
static int l_marks_inside_from(lua_State *L)
{
    const qr_tokens *t = qr_tokens_by_mt(L, 1, lua_upvalueindex(1));
    long long floor = tok_arg(L, 2), i = tok_arg(L, 3);
    qr_limit_work(L, span(t, floor, i));
    lua_pushboolean(L, qr_speak_inside_from(t, floor, i));
    return 1;
}

/***
core.marks_next_open(tokens, from, to) -> integer or nil: the first opening
quotation mark in tokens from .. to. See quarry.marks.next_open.
@function marks_next_open
@param tokens quarry.Tokens the document's tokens
@param from integer the first token looked at
@param to integer the last
@return integer or nil
*/
static int l_marks_next_open(lua_State *L)
{
    const qr_tokens *t = qr_tokens_by_mt(L, 1, lua_upvalueindex(1));
    long long from = tok_arg(L, 2), to = tok_arg(L, 3), k;
    qr_limit_work(L, span(t, from, to));
    k = qr_speak_next_open(t, from, to);
    if (k < 0) return 0;
    lua_pushinteger(L, (lua_Integer)k + 1);
    return 1;
}

/***
core.marks_stretches(tokens) -> from, to: the stretches of tokens inside
quotation marks, a paragraph at a time (qr_speak_stretches): stretch k
runs from token from[k] to token to[k], by start. See quarry.marks.stretches.
@function marks_stretches
@param tokens quarry.Tokens the document's tokens
@return table from
@return table to
*/
static int l_marks_stretches(lua_State *L)
{
    const qr_tokens *t = qr_tokens_by_mt(L, 1, lua_upvalueindex(1));
    size_t marks, n, k;
    uint32_t *from, *to;
    lua_settop(L, 1);
    qr_limit_work(L, (long long)t->n);
    marks = qr_speak_marks(t);
    from = lua_newuserdatauv(L, (marks + 1) * sizeof *from, 0);     /* 2 */
    to = lua_newuserdatauv(L, (marks + 1) * sizeof *to, 0);         /* 3 */
    n = qr_speak_stretches(t, from, to);
    lua_createtable(L, n > INT_MAX ? INT_MAX : (int)n, 0);          /* 4 */
    lua_createtable(L, n > INT_MAX ? INT_MAX : (int)n, 0);          /* 5 */
    for (k = 0; k < n; k++) {
        lua_pushinteger(L, (lua_Integer)from[k] + 1);
        lua_rawseti(L, 4, (lua_Integer)k + 1);
        lua_pushinteger(L, (lua_Integer)to[k] + 1);
        lua_rawseti(L, 5, (lua_Integer)k + 1);
    }
    return 2;
}

static int phrases_gc(lua_State *L)
{
    lphrases *p = luaL_checkudata(L, 1, QR_PHRASES_MT);
    qr_idset_free(&p->sets.stops);
    qr_idset_free(&p->sets.heads);
    qr_idset_free(&p->sets.breaks);
    qr_idset_free(&p->sets.joins);
    return 0;
}

/* Adds the words of the list at field name of the table at idx to set s,
 * each as a key of its own (a token whose key is the word is in the set):
 * no tokenising, so that a word is what a table keyed by token keys
 * would hold. */
static void add_words(lua_State *L, int idx, const char *who, const char *name, qr_idset *s)
{
    qr_vocab *v = qr_state_vocab(L);
    lua_Integer i, count;
    if (lua_getfield(L, idx, name) != LUA_TTABLE) {
        if (lua_isnil(L, -1)) { lua_pop(L, 1); return; }
        luaL_error(L, "%s: %s must be a list of words", who, name);
    }
    count = (lua_Integer)lua_rawlen(L, -1);
    for (i = 1; i <= count; i++) {
        size_t n = 0;
        const char *w;
        uint32_t id;
        int rc;
        lua_rawgeti(L, -1, i);
        w = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &n) : NULL;
        if (!w || n == 0) luaL_error(L, "%s: %s[%d] must be a non-empty string", who, name, (int)i);
        rc = qr_vocab_intern(v, w, n, &id);
        if (rc == QR_OK) rc = qr_idset_add(s, id);
        if (rc != QR_OK) luaL_error(L, rc == QR_ENOMEM ? "not enough memory" : "too many words");
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

/***
quarry.core.phrase_scanner{stops, heads, breaks, joins, reach} ->
quarry.PhraseScanner: a scan for phrases that start on a given token
(qr_speak_phrase), its word lists taken as token keys (a token whose key
is the word). See quarry.phrases.new.
@function phrase_scanner
@param lists table stops, heads, breaks, joins (lists of words), reach (integer, 1 .. 64)
@return quarry.PhraseScanner
*/
static int l_phrase_scanner(lua_State *L)
{
    lphrases *p;
    lua_Integer reach;
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    lua_getfield(L, 1, "reach");
    reach = luaL_optinteger(L, -1, 6);
    luaL_argcheck(L, reach >= 1 && reach <= 64, 1, "reach must be 1 .. 64");
    lua_pop(L, 1);
    p = lua_newuserdatauv(L, sizeof *p, 0);                     /* 2 */
    memset(p, 0, sizeof *p);
    qr_idset_init(&p->sets.stops);
    qr_idset_init(&p->sets.heads);
    qr_idset_init(&p->sets.breaks);
    qr_idset_init(&p->sets.joins);
    p->reach = (size_t)reach;
    luaL_setmetatable(L, QR_PHRASES_MT);                        /* from here __gc frees the sets */
    add_words(L, 1, "phrase_scanner", "stops", &p->sets.stops);
    add_words(L, 1, "phrase_scanner", "heads", &p->sets.heads);
    add_words(L, 1, "phrase_scanner", "breaks", &p->sets.breaks);
    add_words(L, 1, "phrase_scanner", "joins", &p->sets.joins);
    return 1;
}

/* The scanner a method is called on (argument 1), by the metatable the
 * method closes over (upvalue 2), cheaper than luaL_checkudata's look-up
 * by name; that one raises the usual error. */
static const lphrases *self_phrases(lua_State *L)
{
    const lphrases *p = lua_touserdata(L, 1);
    if (p && lua_getmetatable(L, 1)) {
        int same = lua_rawequal(L, -1, lua_upvalueindex(2));
        lua_pop(L, 1);
        if (same) return p;
    }
    return luaL_checkudata(L, 1, QR_PHRASES_MT);
}

/***
scanner:last(tokens, i) -> integer or nil: the last token of the phrase
that starts on token i (qr_speak_phrase), or nil.
@function PhraseScanner:last
@param tokens quarry.Tokens the document's tokens
@param i integer the phrase's first token (its determiner)
@return integer or nil
*/
static int phrases_last(lua_State *L)
{
    const lphrases *p = self_phrases(L);
    size_t n;
    const qr_tokens *t = qr_tokens_by_mt(L, 2, lua_upvalueindex(1));
    const uint32_t *ids = qr_tokens_ids_by_mt(L, 2, lua_upvalueindex(1), qr_state_vocab(L), 0, &n);
    long long i = tok_arg(L, 3), k;
    qr_limit_work(L, (long long)p->reach);
    k = qr_speak_phrase(t, ids, &p->sets, p->reach, i);
    if (k < 0) return 0;
    if (k - i > (long long)p->reach) qr_limit_work(L, k - i - (long long)p->reach);   /* a run of heads past reach */
    lua_pushinteger(L, (lua_Integer)k + 1);
    return 1;
}

/* A cue scanner: the test's word lists. */
typedef struct lcues {
    qr_cue_sets sets;
} lcues;

static int cues_gc(lua_State *L)
{
    lcues *c = luaL_checkudata(L, 1, QR_CUES_MT);
    qr_idset_free(&c->sets.verbs);
    qr_idset_free(&c->sets.verbs_ed);
    qr_idset_free(&c->sets.heads);
    qr_idset_free(&c->sets.noun_leads);
    qr_idset_free(&c->sets.scan);
    free(c->sets.pairs);
    c->sets.pairs = NULL;
    c->sets.npairs = 0;
    return 0;
}

static int cmp_pairs(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The id of word w (n bytes), interned; raises on failure. */
static uint32_t intern(lua_State *L, const char *w, size_t n)
{
    uint32_t id;
    int rc = qr_vocab_intern(qr_state_vocab(L), w, n, &id);
    if (rc != QR_OK) luaL_error(L, rc == QR_ENOMEM ? "not enough memory" : "too many words");
    return id;
}

/* Adds to c the verbs of the list at field "verbs" of the table at idx
 * (those ending in "ed" to verbs_ed too) and its speech verbs of two words
 * (a word, one space, a word) as pairs of ids. */
static void add_verbs(lua_State *L, int idx, lcues *c)
{
    lua_Integer i, count;
    size_t npairs = 0;
    if (lua_getfield(L, idx, "verbs") != LUA_TTABLE) luaL_error(L, "cue_scanner: verbs must be a list of words");
    count = (lua_Integer)lua_rawlen(L, -1);
    c->sets.pairs = malloc(((size_t)count + 1) * sizeof *c->sets.pairs);
    if (!c->sets.pairs) luaL_error(L, "not enough memory");
    for (i = 1; i <= count; i++) {
        size_t n = 0;
        const char *w, *space;
        lua_rawgeti(L, -1, i);
        w = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &n) : NULL;
        if (!w || n == 0) luaL_error(L, "cue_scanner: verbs[%d] must be a non-empty string", (int)i);
        space = memchr(w, ' ', n);
        if (!space) {
            uint32_t id = intern(L, w, n);
            int rc = qr_idset_add(&c->sets.verbs, id);
            if (rc == QR_OK && n >= 2 && w[n - 2] == 'e' && w[n - 1] == 'd') rc = qr_idset_add(&c->sets.verbs_ed, id);
            if (rc != QR_OK) luaL_error(L, "not enough memory");
        } else if (space > w && space < w + n - 1 && !memchr(space + 1, ' ', (size_t)(w + n - space - 1))) {
            uint32_t first = intern(L, w, (size_t)(space - w));
            uint32_t second = intern(L, space + 1, (size_t)(w + n - space - 1));
            c->sets.pairs[npairs++] = (uint64_t)first << 32 | second;
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    qsort(c->sets.pairs, npairs, sizeof *c->sets.pairs, cmp_pairs);
    c->sets.npairs = npairs;
}

/***
quarry.core.cue_scanner{verbs, heads, noun_leads, scan} -> quarry.CueScanner:
a test for cues of speech on tokens (qr_speak_is_cue), its word lists
taken as token keys: verbs (speech verbs; those of two words, "went on",
are the pairs of words), heads (the first words of speech verbs of
several words), noun_leads (the words that make a verb after them a noun),
scan (the tokens a scan tests). See quarry.phrases.cues.
@function cue_scanner
@param lists table verbs, heads, noun_leads, scan (lists of words)
@return quarry.CueScanner
*/
static int l_cue_scanner(lua_State *L)
{
    lcues *c;
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    c = lua_newuserdatauv(L, sizeof *c, 0);                     /* 2 */
    memset(c, 0, sizeof *c);
    qr_idset_init(&c->sets.verbs);
    qr_idset_init(&c->sets.verbs_ed);
    qr_idset_init(&c->sets.heads);
    qr_idset_init(&c->sets.noun_leads);
    qr_idset_init(&c->sets.scan);
    luaL_setmetatable(L, QR_CUES_MT);                           /* from here __gc frees the sets */
    add_verbs(L, 1, c);
    add_words(L, 1, "cue_scanner", "heads", &c->sets.heads);
    add_words(L, 1, "cue_scanner", "noun_leads", &c->sets.noun_leads);
    add_words(L, 1, "cue_scanner", "scan", &c->sets.scan);
    return 1;
}

/* The scanner a method is called on (argument 1), by the metatable the
 * method closes over (upvalue 2), as self_phrases. */
static const lcues *self_cues(lua_State *L)
{
    const lcues *c = lua_touserdata(L, 1);
    if (c && lua_getmetatable(L, 1)) {
        int same = lua_rawequal(L, -1, lua_upvalueindex(2));
        lua_pop(L, 1);
        if (same) return c;
    }
    return luaL_checkudata(L, 1, QR_CUES_MT);
}

/* What a cue method reads of the document through the Lua state: the
 * in_name table at index names, the tokens at index 2 (their keys read
 * on first need). */
typedef struct cue_ctx {
    lua_State *L;
    int names;
    const qr_keys *keys;
} cue_ctx;

static int cue_in_name(void *ctx, long long i)
{
    cue_ctx *c = ctx;
    int yes = lua_rawgeti(c->L, c->names, (lua_Integer)i + 1) != LUA_TNIL && lua_toboolean(c->L, -1);
    lua_pop(c->L, 1);
    return yes;
}

static const char *cue_key(void *ctx, long long i, size_t *len)
{
    cue_ctx *c = ctx;
    if (!c->keys) c->keys = qr_tokens_keys(c->L, 2, 0);
    return qr_key_of(c->keys, (size_t)i, len);
}

/* Sets up d for a method called as (self, tokens, ..., in_name), in_name
 * at index names. */
static const lcues *cue_args(lua_State *L, qr_cue_doc *d, cue_ctx *ctx, int names)
{
    const lcues *c = self_cues(L);
    size_t n;
    d->t = qr_tokens_by_mt(L, 2, lua_upvalueindex(1));
    d->ids = qr_tokens_ids_by_mt(L, 2, lua_upvalueindex(1), qr_state_vocab(L), 0, &n);
    luaL_checktype(L, names, LUA_TTABLE);
    ctx->L = L;
    ctx->names = names;
    ctx->keys = NULL;
    d->in_name = cue_in_name;
    d->key = cue_key;
    d->ctx = ctx;
    return c;
}

/***
scanner:is_cue(tokens, i, in_name) -> boolean: whether token i is a cue of
speech (qr_speak_is_cue); false outside 1 .. #tokens.
@function CueScanner:is_cue
@param tokens quarry.Tokens the document's tokens
@param i integer a token's number
@param in_name table in_name[i] is true for a word of a name (a verb there is none); read raw
@return boolean
*/
static int cues_is_cue(lua_State *L)
{
    qr_cue_doc d;
    cue_ctx ctx;
    const lcues *c = cue_args(L, &d, &ctx, 4);
    lua_pushboolean(L, qr_speak_is_cue(&d, &c->sets, tok_arg(L, 3)));
    return 1;
}

/***
scanner:back(tokens, hi, lo, top, in_name) -> integer or nil: the last cue
of speech in tokens lo .. hi, walking back from hi, that stands outside
quotation marks as a walk back from token top sees them
(qr_speak_cue_back); only the tokens whose key is one of scan are tested.
@function CueScanner:back
@param tokens quarry.Tokens the document's tokens
@param hi integer the first token looked at
@param lo integer the last
@param top integer where a walk back starts, outside quotes (>= hi)
@param in_name table in_name[i] is true for a word of a name
@return integer or nil
*/
static int cues_back(lua_State *L)
{
    qr_cue_doc d;
    cue_ctx ctx;
    const lcues *c = cue_args(L, &d, &ctx, 6);
    long long hi = tok_arg(L, 3), lo = tok_arg(L, 4), top = tok_arg(L, 5), k;
    qr_limit_work(L, span(d.t, lo, hi > top ? hi : top));
    k = qr_speak_cue_back(&d, &c->sets, hi, lo, top);
    if (k < 0) return 0;
    lua_pushinteger(L, (lua_Integer)k + 1);
    return 1;
}

/***
scanner:next(tokens, from, to, in_name) -> integer or nil: the first cue of
speech in tokens from .. to (qr_speak_cue_next); only the tokens whose
key is one of scan are tested.
@function CueScanner:next
@param tokens quarry.Tokens the document's tokens
@param from integer the first token looked at
@param to integer the last
@param in_name table in_name[i] is true for a word of a name
@return integer or nil
*/
static int cues_next(lua_State *L)
{
    qr_cue_doc d;
    cue_ctx ctx;
    const lcues *c = cue_args(L, &d, &ctx, 5);
    long long from = tok_arg(L, 3), to = tok_arg(L, 4), k;
    qr_limit_work(L, span(d.t, from, to));
    k = qr_speak_cue_next(&d, &c->sets, from, to);
    if (k < 0) return 0;
    lua_pushinteger(L, (lua_Integer)k + 1);
    return 1;
}

/* A subject scanner: its word lists. */
typedef struct lsubjects {
    qr_subject_sets sets;
} lsubjects;

static int subjects_gc(lua_State *L)
{
    lsubjects *s = luaL_checkudata(L, 1, QR_SUBJECTS_MT);
    qr_idset_free(&s->sets.skip);
    qr_idset_free(&s->sets.passive);
    qr_idset_free(&s->sets.ends);
    qr_idset_free(&s->sets.his);
    qr_idset_free(&s->sets.her);
    return 0;
}

/* The integer field name of the table at idx, or dflt when it is nil;
 * raises naming the field when it is no integer in 0 .. most. */
static size_t size_field(lua_State *L, int idx, const char *name, lua_Integer dflt, lua_Integer most)
{
    lua_Integer v = dflt;
    int ok = 1;
    if (lua_getfield(L, idx, name) != LUA_TNIL) v = lua_tointegerx(L, -1, &ok);
    lua_pop(L, 1);
    if (!ok || v < 0 || v > most) luaL_error(L, "subject_scanner: %s must be an integer 0 .. %d", name, (int)most);
    return (size_t)v;
}

/***
quarry.core.subject_scanner{skip, passive, ends, his, her, furniture, window}
-> quarry.SubjectScanner: the test whether a person can be the
subject a pronoun stands for (qr_speak_subject_ok), its word lists taken
as token keys, and the genders of the possessives before one. See
quarry.phrases.subjects.
@function subject_scanner
@param lists table skip, passive, ends, his, her (lists of words), furniture, window (integers)
@return quarry.SubjectScanner
*/
static int l_subject_scanner(lua_State *L)
{
    lsubjects *s;
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    s = lua_newuserdatauv(L, sizeof *s, 0);                     /* 2 */
    memset(s, 0, sizeof *s);
    qr_idset_init(&s->sets.skip);
    qr_idset_init(&s->sets.passive);
    qr_idset_init(&s->sets.ends);
    qr_idset_init(&s->sets.his);
    qr_idset_init(&s->sets.her);
    luaL_setmetatable(L, QR_SUBJECTS_MT);                       /* from here __gc frees the sets */
    s->sets.furniture = size_field(L, 1, "furniture", 4, 1 << 20);
    s->sets.window = size_field(L, 1, "window", 128, INT_MAX);
    add_words(L, 1, "subject_scanner", "skip", &s->sets.skip);
    add_words(L, 1, "subject_scanner", "passive", &s->sets.passive);
    add_words(L, 1, "subject_scanner", "ends", &s->sets.ends);
    add_words(L, 1, "subject_scanner", "his", &s->sets.his);
    add_words(L, 1, "subject_scanner", "her", &s->sets.her);
    return 1;
}

/* The integer field at key (on the stack at key) of the table on top, or
 * -1 when it is nil or no integer; pops nothing. */
static lua_Integer int_at(lua_State *L, int key)
{
    int ok;
    lua_Integer v;
    lua_pushvalue(L, key);
    lua_rawget(L, -2);
    v = lua_tointegerx(L, -1, &ok);
    lua_pop(L, 1);
    return ok ? v : -1;
}

/* Whether the field at key (on the stack at key) of the table on top is
 * the string want; pops nothing. */
static int string_at_is(lua_State *L, int key, const char *want)
{
    size_t n, wn = strlen(want);
    const char *v;
    int yes;
    lua_pushvalue(L, key);
    lua_rawget(L, -2);
    v = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &n) : NULL;
    yes = v && n == wn && memcmp(v, want, wn) == 0;
    lua_pop(L, 1);
    return yes;
}

/* The scanner a method is called on (argument 1), as self_phrases. */
static const lsubjects *self_subjects(lua_State *L)
{
    const lsubjects *s = lua_touserdata(L, 1);
    if (s && lua_getmetatable(L, 1)) {
        int same = lua_rawequal(L, -1, lua_upvalueindex(2));
        lua_pop(L, 1);
        if (same) return s;
    }
    return luaL_checkudata(L, 1, QR_SUBJECTS_MT);
}

enum { SS_SELF = 1, SS_TOKENS, SS_PERSONS, SS_FROM, SS_TO, SS_NAMES, SS_CUES, SS_AFTER, SS_QFROM, SS_QTO, SS_START,
       SS_FIRST, SS_LAST, SS_RULE };

/* Pushes person k of the persons (SS_PERSONS); raises when it is no table. */
static void person_at(lua_State *L, lua_Integer k)
{
    if (lua_rawgeti(L, SS_PERSONS, k) != LUA_TTABLE) luaL_error(L, "first: persons[%d] is not a table", (int)k);
}

/* The number of persons (1 .. hi - 1) before the first that starts at or
 * after byte after, found by halves (each person read charged). */
static lua_Integer persons_before(lua_State *L, lua_Integer hi, lua_Integer after)
{
    lua_Integer lo = 1;
    long long steps = 1;
    while (lo < hi) {
        lua_Integer mid = (lo + hi) / 2;
        person_at(L, mid);
        if (int_at(L, SS_START) < after) lo = mid + 1;
        else hi = mid;
        lua_pop(L, 1);
        steps++;
    }
    qr_limit_work(L, steps);
    return lo - 1;
}

/* Integer k of the list at idx, or 0 when it is no integer. */
static lua_Integer list_int(lua_State *L, int idx, lua_Integer k)
{
    lua_Integer v;
    lua_rawgeti(L, idx, k);
    v = lua_tointegerx(L, -1, NULL);
    lua_pop(L, 1);
    return v;
}

/* Whether token i is inside one of the stretches of tokens inside
 * quotation marks (SS_QFROM, SS_QTO: marks.stretches's lists, by start),
 * found by halves (each step charged). */
static int in_stretches(lua_State *L, lua_Integer i)
{
    lua_Integer lo = 1, hi = (lua_Integer)lua_rawlen(L, SS_QFROM), found = 0;
    long long steps = 1;
    while (lo <= hi) {
        lua_Integer mid = lo + (hi - lo) / 2;
        if (list_int(L, SS_QFROM, mid) <= i) { found = mid; lo = mid + 1; }
        else hi = mid - 1;
        steps++;
    }
    qr_limit_work(L, steps);
    return found > 0 && i <= list_int(L, SS_QTO, found);
}

/***
scanner:first(tokens, persons, from, to, in_name, cues [, after [, quoted_from, quoted_to]]) -> k, genders; nil; or false, k:
the first person of persons (annotations in order of start, each with
start and first_tok, last_tok and rule) whose first token is in tokens
from .. to (a sentence) and that can be the subject a pronoun stands for
(qr_speak_subject_ok; rule "coref" and one token: the word after it
looked at); genders: the possessive pronouns before it in from .. its
first token (1: his, 2: her, qr_speak_possessives). The people are looked
for from the first that starts at or after the end of token from - 1 (with
after, from person after + 1), up to the first whose first token is past
to. A person more than the scanner's window tokens into its paragraph (the
first paragraph counted from the text's first token; the text without
paragraphs) is told inside quotation marks by the stretches quoted_from,
quoted_to (marks.stretches(tokens)); without them, or when the window's
tokens of its paragraph do not tell whether it is page furniture, false
and its number are returned, for the caller to decide it (and to go on
with after = k). Each test walks at most window + 1 tokens, charged to the
step budget.
@function SubjectScanner:first
@param tokens quarry.Tokens the document's tokens
@param persons table the person annotations, by start
@param from integer the sentence's first token
@param to integer its last
@param in_name table in_name[i] is true for a word of a name
@param cues quarry.CueScanner the cues of speech (a word after a name that is one is no noun it premodifies)
@param after integer optional: look at the persons after number after only
@param quoted_from table optional: the first tokens of the stretches inside quotation marks
@param quoted_to table optional: their last tokens
@return integer the person's number in persons, nil, or false
@return integer the genders of the possessives before it, or the number of the person not decided
*/
static int subjects_first(lua_State *L)
{
    const lsubjects *s = self_subjects(L);
    const lcues *c;
    qr_cue_doc d;
    cue_ctx ctx;
    size_t count;
    lua_Integer from, to, after, lo = 1, hi, j;
    long long visited = 0, walk = 2 * ((long long)s->sets.window + 1);
    int stretches;
    luaL_checktype(L, SS_PERSONS, LUA_TTABLE);
    from = luaL_checkinteger(L, SS_FROM);
    to = luaL_checkinteger(L, SS_TO);
    luaL_checktype(L, SS_NAMES, LUA_TTABLE);
    c = luaL_checkudata(L, SS_CUES, QR_CUES_MT);
    after = luaL_optinteger(L, SS_AFTER, 0);
    luaL_argcheck(L, after >= 0, SS_AFTER, "expected a person's number");
    stretches = !lua_isnoneornil(L, SS_QFROM);
    if (stretches) {
        luaL_checktype(L, SS_QFROM, LUA_TTABLE);
        luaL_checktype(L, SS_QTO, LUA_TTABLE);
    }
    lua_settop(L, SS_QTO);
    d.t = qr_tokens_by_mt(L, SS_TOKENS, lua_upvalueindex(1));
    d.ids = qr_tokens_ids_by_mt(L, SS_TOKENS, lua_upvalueindex(1), qr_state_vocab(L), 0, &count);
    ctx.L = L;
    ctx.names = SS_NAMES;
    ctx.keys = NULL;
    d.in_name = cue_in_name;
    d.key = cue_key;
    d.ctx = &ctx;
    lua_pushliteral(L, "start");
    lua_pushliteral(L, "first_tok");
    lua_pushliteral(L, "last_tok");
    lua_pushliteral(L, "rule");
    hi = (lua_Integer)lua_rawlen(L, SS_PERSONS) + 1;
    /* (a token before the first is none: from - 1 and after + 1 cannot overflow) */
    if (from < 0) from = 0;
    if (after > 0) lo = after < hi ? after + 1 : hi;
    else if (from > 1 && from - 1 <= (lua_Integer)count)    /* the first that starts at or after token from - 1's end */
        lo = persons_before(L, hi, (lua_Integer)d.t->tok[from - 2].stop) + 1;
    for (j = lo; j < hi; j++) {
        lua_Integer f;
        size_t work;
        int single = 0, ok;
        visited++;
        person_at(L, j);
        f = int_at(L, SS_FIRST);
        if (f < 0) { lua_pop(L, 1); continue; }        /* (a person that touches no token) */
        if (f < from || f > to) { lua_pop(L, 1); break; }
        single = int_at(L, SS_LAST) == f && string_at_is(L, SS_RULE, "coref");
        lua_pop(L, 1);
        if (f > (lua_Integer)count) continue;
        work = qr_speak_subject_work(d.t, f - 1);
        qr_limit_work(L, (long long)work < walk ? (long long)work : walk);
        ok = qr_speak_subject_ok(&d, &c->sets, &s->sets, f - 1, single);
        if (ok == 2 && stretches)       /* (far into a long paragraph: the stretches tell) */
            ok = !in_stretches(L, f) && qr_speak_subject_word_ok(&d, &c->sets, &s->sets, f - 1, single);
        if (ok < 0 || ok == 2) {        /* (the caller's to decide) */
            qr_limit_work(L, visited);
            lua_pushboolean(L, 0);
            lua_pushinteger(L, j);
            return 2;
        }
        if (ok) {
            qr_limit_work(L, visited + span(d.t, from - 1, f - 2));
            lua_pushinteger(L, j);
            lua_pushinteger(L, (lua_Integer)qr_speak_possessives(&d, &s->sets, from - 1, f - 2));
            return 2;
        }
    }
    qr_limit_work(L, visited);
    return 0;
}

/* Makes the metatable name whose methods (each closing over quarry.Tokens'
 * metatable and this one) are methods, and whose __gc is gc. */
static void scanner_metatable(lua_State *L, const char *name, const luaL_Reg *methods, lua_CFunction gc)
{
    luaL_newmetatable(L, name);
    lua_newtable(L);
    luaL_getmetatable(L, QR_TOKENS_MT);         /* upvalue 1: quarry.Tokens' (qr_open_tokens made it) */
    lua_pushvalue(L, -3);                       /* upvalue 2: the scanners' (self_phrases, self_cues) */
    luaL_setfuncs(L, methods, 2);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
}

void qr_open_speak(lua_State *L)
{
    static const luaL_Reg methods[] = { { "last", phrases_last }, { NULL, NULL } };
    static const luaL_Reg cue_methods[] = {
        { "is_cue", cues_is_cue }, { "back", cues_back }, { "next", cues_next }, { NULL, NULL }
    };
    static const luaL_Reg subject_methods[] = { { "first", subjects_first }, { NULL, NULL } };
    static const luaL_Reg fns[] = {
        { "marks_depth", l_marks_depth }, { "marks_inside_back", l_marks_inside_back },
        { "marks_inside_from", l_marks_inside_from }, { "marks_next_open", l_marks_next_open },
        { "marks_stretches", l_marks_stretches }, { "phrase_scanner", l_phrase_scanner },
        { "cue_scanner", l_cue_scanner }, { "subject_scanner", l_subject_scanner }, { NULL, NULL }
    };
    scanner_metatable(L, QR_PHRASES_MT, methods, phrases_gc);
    scanner_metatable(L, QR_CUES_MT, cue_methods, cues_gc);
    scanner_metatable(L, QR_SUBJECTS_MT, subject_methods, subjects_gc);
    luaL_getmetatable(L, QR_TOKENS_MT);         /* upvalue 1 of each: quarry.Tokens' metatable */
    luaL_setfuncs(L, fns, 1);
}
