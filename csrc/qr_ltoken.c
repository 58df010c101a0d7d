/*
 * Lua binding of the tokeniser: one quarry.Tokens object per text, token
 * fields computed on demand, never a Lua table per token.
 *
 * Conventions: token, sentence and paragraph numbers are 1-based like Lua
 * arrays; byte offsets are 0-based with an exclusive stop, like the JSON
 * output, SQLite and PCRE2, so text:sub(start + 1, stop) is the token.
 */
#include "qr_lua.h"
#include "qr_keys.h"
#include "qr_token.h"
#include "qr_vocab.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

typedef struct ltokens {
    qr_tokens t;
    const char *text;     /* the string in user value 1 */
    size_t len;
    int closed;
    qr_keys keys[2];      /* built on first use: [0] keys, [1] bare keys */
    int have_keys[2];
    uint32_t *ids[2];     /* the keys' ids in the state's vocabulary (qr_vocab.h), on first use */
    uint32_t ids_count[2];  /* how many ids the vocabulary had when ids[k] was filled */
} ltokens;

typedef struct ltoken {
    size_t index;         /* 0-based; user value 1 is the quarry.Tokens */
} ltoken;

enum field {
    F_INDEX, F_START, F_STOP, F_TEXT, F_KIND, F_KEY, F_BARE_KEY, F_SHAPE, F_SHORT_SHAPE,
    F_CASE, F_SENT_START, F_PARA_START, F_LINE_START, F_SPACE_BEFORE, F_ABBREV,
    F_CLITIC, F_HYPHENATED, F_RANGE, F_INVALID, F_SENTENCE, F_PARAGRAPH
};

static const char *const field_names[] = {
    "index", "start", "stop", "text", "kind", "key", "bare_key", "shape", "short_shape",
    "case", "sent_start", "para_start", "line_start", "space_before", "abbrev",
    "clitic", "hyphenated", "range", "invalid", "sentence", "paragraph", NULL
};

/* Its address keys quarry.Tokens' metatable in the registry (besides its
 * name, which luaL_checkudata looks up: by the address, fewer steps). */
static const char tokens_mt_key = 'T';

static ltokens *check_tokens(lua_State *L, int idx)
{
    ltokens *lt = lua_touserdata(L, idx);
    int same = 0;
    if (lt && lua_getmetatable(L, idx)) {
        lua_rawgetp(L, LUA_REGISTRYINDEX, &tokens_mt_key);
        same = lua_rawequal(L, -1, -2);
        lua_pop(L, 2);
    }
    /* (anything else: luaL_checkudata raises the usual error) */
    if (!same) lt = luaL_checkudata(L, idx, QR_TOKENS_MT);
    if (lt->closed) luaL_error(L, "attempt to use a closed quarry.Tokens");
    return lt;
}

/***
@module quarry.core
*/

/* The quarry.Tokens at idx: its metatable compared with the value at mt
 * (quarry.Tokens' metatable, an upvalue of the caller), cheaper than
 * luaL_checkudata's look-up by name; that one checks anything else and
 * raises the usual error. */
static ltokens *tokens_by_mt(lua_State *L, int idx, int mt)
{
    ltokens *lt = lua_touserdata(L, idx);
    if (lt && lua_getmetatable(L, idx)) {
        int same = lua_rawequal(L, -1, mt);
        lua_pop(L, 1);
        if (same) {
            if (lt->closed) luaL_error(L, "attempt to use a closed quarry.Tokens");
            return lt;
        }
    }
    return check_tokens(L, idx);
}

/* The quarry.Tokens a method is called on (argument 1), by the metatable
 * the method closes over (upvalue 2). */
static ltokens *self_tokens(lua_State *L)
{
    return tokens_by_mt(L, 1, lua_upvalueindex(2));
}

/* 1-based token number at idx, checked against the count. */
static size_t check_index(lua_State *L, const ltokens *lt, int idx)
{
    lua_Integer i = luaL_checkinteger(L, idx);
    luaL_argcheck(L, i >= 1 && (lua_Unsigned)i <= lt->t.n, idx, "token index out of range");
    return (size_t)(i - 1);
}

static void push_key(lua_State *L, const ltokens *lt, const qr_token *t, unsigned mode)
{
    luaL_Buffer b;
    size_t len = t->stop - t->start;
    char *out = luaL_buffinitsize(L, &b, 3 * len + 1);
    luaL_pushresultsize(&b, qr_token_key(lt->text, t, mode, out));
}

static void push_shape(lua_State *L, const ltokens *lt, const qr_token *t, int collapse)
{
    luaL_Buffer b;
    size_t len = t->stop - t->start;
    char *out = luaL_buffinitsize(L, &b, 4 * len + 1);
    luaL_pushresultsize(&b, qr_token_shape(lt->text, t, collapse, out));
}

static void push_field(lua_State *L, ltokens *lt, size_t i, int field)
{
    const qr_token *t = &lt->t.tok[i];
    switch (field) {
    case F_INDEX: lua_pushinteger(L, (lua_Integer)i + 1); break;
    case F_START: lua_pushinteger(L, t->start); break;
    case F_STOP: lua_pushinteger(L, t->stop); break;
    case F_TEXT: lua_pushlstring(L, lt->text + t->start, t->stop - t->start); break;
    case F_KIND: lua_pushstring(L, qr_kind_name(t->kind)); break;
    case F_KEY: case F_BARE_KEY: {
        /* from the keys of all tokens, made on the first ask (a document
         * phase asks for many) */
        int k = field == F_BARE_KEY;
        if (!lt->have_keys[k]) {
            if (qr_keys_build(&lt->keys[k], lt->text, &lt->t, k ? QR_KEY_BARE : 0) != QR_OK) {
                push_key(L, lt, t, k ? QR_KEY_BARE : 0);
                break;
            }
            lt->have_keys[k] = 1;
        }
        {
            size_t n;
            const char *key = qr_key_of(&lt->keys[k], i, &n);
            lua_pushlstring(L, key, n);
        }
        break;
    }
    case F_SHAPE: push_shape(L, lt, t, 0); break;
    case F_SHORT_SHAPE: push_shape(L, lt, t, 1); break;
    case F_CASE: lua_pushstring(L, qr_case_name(t->casing)); break;
    case F_SENT_START: lua_pushboolean(L, t->flags & QR_F_SENT_START); break;
    case F_PARA_START: lua_pushboolean(L, t->flags & QR_F_PARA_START); break;
    case F_LINE_START: lua_pushboolean(L, t->flags & QR_F_LINE_START); break;
    case F_SPACE_BEFORE: lua_pushboolean(L, t->flags & QR_F_SPACE_BEFORE); break;
    case F_ABBREV: lua_pushboolean(L, t->flags & QR_F_ABBREV); break;
    case F_CLITIC: lua_pushboolean(L, t->flags & QR_F_CLITIC); break;
    case F_HYPHENATED: lua_pushboolean(L, t->flags & QR_F_HYPHEN); break;
    case F_RANGE: lua_pushboolean(L, t->flags & QR_F_RANGE); break;
    case F_INVALID: lua_pushboolean(L, t->flags & QR_F_INVALID); break;
    case F_SENTENCE:
        if (lt->t.nsent) lua_pushinteger(L, (lua_Integer)qr_tokens_group_of(lt->t.sent, lt->t.nsent, i) + 1);
        else lua_pushnil(L);
        break;
    case F_PARAGRAPH:
        if (lt->t.npara) lua_pushinteger(L, (lua_Integer)qr_tokens_group_of(lt->t.para, lt->t.npara, i) + 1);
        else lua_pushnil(L);
        break;
    default: lua_pushnil(L); break;
    }
}

/* Field number of the string at idx, or -1; looked up in upvalue 1. */
static int field_of(lua_State *L, int idx)
{
    int f = -1;
    lua_pushvalue(L, idx);
    if (lua_rawget(L, lua_upvalueindex(1)) == LUA_TNUMBER) f = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
    return f;
}

/* --- quarry.Token ------------------------------------------------------- */

static ltokens *token_owner(lua_State *L, int idx, ltoken **tk)
{
    ltokens *lt;
    *tk = luaL_checkudata(L, idx, QR_TOKEN_MT);
    lua_getiuservalue(L, idx, 1);
    lt = lua_touserdata(L, -1);
    lua_pop(L, 1);    /* the token's user value keeps the owner alive */
    return lt;
}

/* token.field -> value (fields: see field_names) */
static int token_index(lua_State *L)
{
    ltoken *tk;
    ltokens *lt = token_owner(L, 1, &tk);
    int f = field_of(L, 2);
    if (lt->closed) return luaL_error(L, "attempt to use a token of a closed quarry.Tokens");
    if (f < 0) return luaL_error(L, "quarry.Token has no field '%s'", luaL_tolstring(L, 2, NULL));
    push_field(L, lt, tk->index, f);
    return 1;
}

/* tostring(token) -> 'quarry.Token 3 word [13,19) "Lavrov"' */
static int token_tostring(lua_State *L)
{
    ltoken *tk;
    ltokens *lt = token_owner(L, 1, &tk);
    const qr_token *t;
    if (lt->closed) { lua_pushliteral(L, "quarry.Token (closed)"); return 1; }
    t = &lt->t.tok[tk->index];
    lua_pushfstring(L, "quarry.Token %d %s [%d,%d) \"", (int)tk->index + 1, qr_kind_name(t->kind),
                    (int)t->start, (int)t->stop);
    lua_pushlstring(L, lt->text + t->start, t->stop - t->start);
    lua_pushliteral(L, "\"");
    lua_concat(L, 3);
    return 1;
}

/* a == b: the same token of the same quarry.Tokens */
static int token_eq(lua_State *L)
{
    ltoken *a, *b;
    ltokens *oa = token_owner(L, 1, &a), *ob = token_owner(L, 2, &b);
    lua_pushboolean(L, oa == ob && a->index == b->index);
    return 1;
}

static void push_token(lua_State *L, int owner, size_t i)
{
    ltoken *tk = lua_newuserdatauv(L, sizeof *tk, 1);
    tk->index = i;
    lua_pushvalue(L, owner);
    lua_setiuservalue(L, -2, 1);
    luaL_setmetatable(L, QR_TOKEN_MT);
}

/***
A tokenised text: quarry.tokenize(text) makes one. `#tokens` is the number of
tokens, `tokens[i]` a view of token i (a quarry.Token, nil past the end) whose
fields are computed when read (index, start, stop, text, kind, key, bare_key,
shape, short_shape, case, sent_start, para_start, line_start, space_before,
abbrev, clitic, hyphenated, range, invalid, sentence, paragraph).
@type Tokens
*/

/* --- quarry.Tokens ------------------------------------------------------ */

/***
tokens:close() and __gc/__close: frees the token arrays; idempotent
@function Tokens:close
@return nothing
*/
static int tokens_release(lua_State *L)
{
    ltokens *lt = luaL_checkudata(L, 1, QR_TOKENS_MT);
    if (!lt->closed) {
        qr_tokens_free(&lt->t);
        qr_keys_free(&lt->keys[0]);
        qr_keys_free(&lt->keys[1]);
        free(lt->ids[0]);
        free(lt->ids[1]);
        lt->ids[0] = lt->ids[1] = NULL;
        lt->closed = 1;
        lt->text = NULL;
        lt->len = 0;
        lua_pushnil(L);
        lua_setiuservalue(L, 1, 1);
    }
    return 0;
}

/* #tokens -> number of tokens */
static int tokens_len(lua_State *L)
{
    ltokens *lt = check_tokens(L, 1);
    lua_pushinteger(L, (lua_Integer)lt->t.n);
    return 1;
}

/* tokens[i] -> quarry.Token or nil; tokens.method -> method */
static int tokens_index(lua_State *L)
{
    if (lua_type(L, 2) == LUA_TNUMBER) {
        ltokens *lt = check_tokens(L, 1);
        lua_Integer i;
        if (!lua_isinteger(L, 2)) return 0;
        i = lua_tointeger(L, 2);
        if (i < 1 || (lua_Unsigned)i > lt->t.n) return 0;
        push_token(L, 1, (size_t)(i - 1));
        return 1;
    }
    lua_pushvalue(L, 2);
    lua_rawget(L, lua_upvalueindex(2));   /* the method table */
    return 1;
}

/* tostring(tokens) -> "quarry.Tokens: 12 tokens, 2 sentences" or "... (closed)" */
static int tokens_tostring(lua_State *L)
{
    ltokens *lt = luaL_checkudata(L, 1, QR_TOKENS_MT);
    if (lt->closed) lua_pushliteral(L, "quarry.Tokens (closed)");
    else lua_pushfstring(L, "quarry.Tokens: %d tokens, %d sentences, %d paragraphs",
                         (int)lt->t.n, (int)lt->t.nsent, (int)lt->t.npara);
    return 1;
}

/***
tokens:get(i, field) -> value, without creating a token object
@function Tokens:get
@param i integer the token's number (1-based)
@param field string a field's name, as a token view has them
@return the field's value
*/
static int tokens_get(lua_State *L)
{
    ltokens *lt = self_tokens(L);
    size_t i = check_index(L, lt, 2);
    int f;
    luaL_checkstring(L, 3);
    f = field_of(L, 3);
    if (f < 0) return luaL_argerror(L, 3, lua_pushfstring(L, "no token field '%s'", lua_tostring(L, 3)));
    push_field(L, lt, i, f);
    return 1;
}

/***
tokens:span(i) -> start, stop (byte offsets, stop exclusive)
@function Tokens:span
@param i integer the token's number
@return integer start (0-based byte offset)
@return integer stop (exclusive)
*/
static int tokens_span(lua_State *L)
{
    ltokens *lt = self_tokens(L);
    size_t i = check_index(L, lt, 2);
    lua_pushinteger(L, lt->t.tok[i].start);
    lua_pushinteger(L, lt->t.tok[i].stop);
    return 2;
}

/***
tokens:kind(i) -> "word" | "number" | ...
@function Tokens:kind
@param i integer the token's number
@return string the kind: word, number, punct, open_quote, close_quote, dash, symbol, url, email, handle or hashtag
*/
static int tokens_kind(lua_State *L)
{
    ltokens *lt = self_tokens(L);
    push_field(L, lt, check_index(L, lt, 2), F_KIND);
    return 1;
}

/* The key column of tokens first .. last into the table on top (bare:
 * the bare keys): a key met a little before (the same word again: "the",
 * ",") is copied from the table, not made into a string again. */
static int key_column(lua_State *L, ltokens *lt, int bare, lua_Integer first, lua_Integer last)
{
    struct { uint64_t h; lua_Integer tok; } seen[256];
    const qr_keys *k;
    lua_Integer i;
    push_field(L, lt, (size_t)(first - 1), bare ? F_BARE_KEY : F_KEY);     /* (builds the keys) */
    lua_rawseti(L, -2, first);
    if (!lt->have_keys[bare]) {     /* (no memory for them: one key at a time) */
        for (i = first + 1; i <= last; i++) {
            push_field(L, lt, (size_t)(i - 1), bare ? F_BARE_KEY : F_KEY);
            lua_rawseti(L, -2, i);
        }
        return 1;
    }
    k = &lt->keys[bare];
    memset(seen, 0, sizeof seen);
    for (i = first; i <= last; i++) {
        size_t n, m;
        const char *key = qr_key_of(k, (size_t)(i - 1), &n);
        uint64_t h = k->absorb[i - 1];
        unsigned slot = (unsigned)((h ^ (h >> 29)) & 255u);
        lua_Integer j = seen[slot].tok;
        if (j && seen[slot].h == h && qr_key_of(k, (size_t)(j - 1), &m) && m == n
            && memcmp(k->buf + k->off[j - 1], key, n) == 0) {
            if (i > first) {
                lua_rawgeti(L, -1, j);
                lua_rawseti(L, -2, i);
            }
        } else {
            if (i > first) {
                lua_pushlstring(L, key, n);
                lua_rawseti(L, -2, i);
            }
            seen[slot].h = h;
            seen[slot].tok = i;
        }
    }
    return 1;
}

/***
tokens:column(field [, first [, last]]) -> {value, ...}: the field of
tokens first .. last (default: all) in one table indexed by token number,
each value as tokens:get(i, field) gives it; one call for a whole
document instead of one a token. Counts a step a token against the
sandbox's step budget.
@function Tokens:column
@param field string a field's name, as a token view has them ("key", "kind", "case", "sentence", ...)
@param first integer optional: the first token (default 1)
@param last integer optional: the last token (default #tokens)
@return table token number -> value (nil where tokens:get gives nil)
*/
static int tokens_column(lua_State *L)
{
    ltokens *lt = self_tokens(L);
    lua_Integer n = (lua_Integer)lt->t.n, first, last, i;
    int f;
    luaL_checkstring(L, 2);
    f = field_of(L, 2);
    if (f < 0) return luaL_argerror(L, 2, lua_pushfstring(L, "no token field '%s'", lua_tostring(L, 2)));
    first = luaL_optinteger(L, 3, 1);
    last = luaL_optinteger(L, 4, n);
    luaL_argcheck(L, first >= 1 && first <= n + 1, 3, "token index out of range");
    luaL_argcheck(L, last >= first - 1 && last <= n, 4, "token index out of range");
    qr_limit_work(L, last - first + 1);
    if (f == F_KIND || f == F_CASE) {
        /* the names pushed once, each value a copy of one (4: the first) */
        unsigned k, count = f == F_KIND ? QR_KIND_COUNT : QR_CASE_COUNT;
        lua_settop(L, 3);
        luaL_checkstack(L, (int)count + 3, "too many names");
        for (k = 0; k <= count; k++) lua_pushstring(L, f == F_KIND ? qr_kind_name(k) : qr_case_name(k));
        lua_createtable(L, last - first + 1 < INT_MAX ? (int)(last - first + 1) : 0, 0);
        for (i = first; i <= last; i++) {
            const qr_token *t = &lt->t.tok[i - 1];
            unsigned v = f == F_KIND ? t->kind : t->casing;
            lua_pushvalue(L, 4 + (int)(v < count ? v : count));    /* (count: "?") */
            lua_rawseti(L, -2, i);
        }
        return 1;
    }
    lua_createtable(L, last - first + 1 < INT_MAX ? (int)(last - first + 1) : 0, 0);
    if ((f == F_KEY || f == F_BARE_KEY) && first <= last) return key_column(L, lt, f == F_BARE_KEY, first, last);
    for (i = first; i <= last; i++) {
        push_field(L, lt, (size_t)(i - 1), f);
        lua_rawseti(L, -2, i);
    }
    return 1;
}

/***
tokens:text([i]) -> the token's text, or the whole text without i
@function Tokens:text
@param i integer optional: the token's number
@return string
*/
static int tokens_text(lua_State *L)
{
    ltokens *lt = self_tokens(L);
    if (lua_isnoneornil(L, 2)) { lua_getiuservalue(L, 1, 1); return 1; }
    push_field(L, lt, check_index(L, lt, 2), F_TEXT);
    return 1;
}

/***
tokens:key(i [, bare]) -> normalised key; bare also strips diacritics
@function Tokens:key
@param i integer the token's number
@param bare boolean optional: strip diacritics too
@return string the key
*/
static int tokens_key(lua_State *L)
{
    ltokens *lt = self_tokens(L);
    size_t i = check_index(L, lt, 2);
    push_field(L, lt, i, lua_toboolean(L, 3) ? F_BARE_KEY : F_KEY);
    return 1;
}

/***
tokens:shape(i [, short]) -> "Xxxxx" ("Xx" when short)
@function Tokens:shape
@param i integer the token's number
@param short boolean optional: one character a run
@return string the shape
*/
static int tokens_shape(lua_State *L)
{
    ltokens *lt = self_tokens(L);
    size_t i = check_index(L, lt, 2);
    push_field(L, lt, i, lua_toboolean(L, 3) ? F_SHORT_SHAPE : F_SHAPE);
    return 1;
}

/***
tokens:at(offset) -> index of the token covering byte offset, or nil
@function Tokens:at
@param offset integer a byte offset (0-based)
@return integer the token's number, or nil between tokens
*/
static int tokens_at(lua_State *L)
{
    ltokens *lt = self_tokens(L);
    lua_Integer off = luaL_checkinteger(L, 2);
    size_t lo = 0, hi = lt->t.n;
    if (off < 0) return 0;
    while (lo < hi) {               /* first token whose stop is past off */
        size_t mid = lo + (hi - lo) / 2;
        if ((lua_Integer)lt->t.tok[mid].stop <= off) lo = mid + 1; else hi = mid;
    }
    if (lo < lt->t.n && (lua_Integer)lt->t.tok[lo].start <= off) {
        lua_pushinteger(L, (lua_Integer)lo + 1);
        return 1;
    }
    return 0;
}

/***
tokens:cover(start, stop) -> first, last: the tokens a byte span
[start, stop) touches (1-based, inclusive), or nil when it touches none
@function Tokens:cover
@param start integer the span's start (0-based byte)
@param stop integer the span's end (exclusive)
@return integer the first token, or nil
@return integer the last token
*/
static int tokens_cover(lua_State *L)
{
    ltokens *lt = self_tokens(L);
    lua_Integer start = luaL_checkinteger(L, 2), stop = luaL_checkinteger(L, 3);
    size_t first, last;
    if (stop <= 0 || stop <= start) return 0;
    if (!qr_tokens_cover(&lt->t, start < 0 ? 0 : (size_t)start, (size_t)stop, &first, &last)) return 0;
    lua_pushinteger(L, (lua_Integer)first + 1);
    lua_pushinteger(L, (lua_Integer)last + 1);
    return 2;
}

/***
tokens:count_words(start, stop [, most]) -> n: the words of the text from
byte start to stop, as Lua's %S+ finds them (runs of bytes other than
ASCII white space), counted up to most: one scan in C that stops at the
last word counted, in place of a pattern walk over a paragraph
@function Tokens:count_words
@param start integer the stretch's start (0-based byte)
@param stop integer its end (exclusive); both within the text
@param most integer optional: where to stop counting (>= 0); nil: count all
@return integer the words, or most when there are more
*/
static int tokens_count_words(lua_State *L)
{
    ltokens *lt = self_tokens(L);
    lua_Integer start = luaL_checkinteger(L, 2), stop = luaL_checkinteger(L, 3);
    lua_Integer most = luaL_optinteger(L, 4, LUA_MAXINTEGER);
    luaL_argcheck(L, start >= 0 && (lua_Unsigned)start <= lt->len, 2, "start outside the text");
    luaL_argcheck(L, stop >= start && (lua_Unsigned)stop <= lt->len, 3, "stop outside start .. #text");
    luaL_argcheck(L, most >= 0, 4, "most must be >= 0");
    lua_pushinteger(L, (lua_Integer)qr_count_words(lt->text + start, (size_t)(stop - start),
                                                   (lua_Unsigned)most > SIZE_MAX ? SIZE_MAX : (size_t)most));
    return 1;
}

/***
tokens:counts() -> {word = n, number = n, ...}
@function Tokens:counts
@return table kind -> count, every kind present (0 when none)
*/
static int tokens_counts(lua_State *L)
{
    ltokens *lt = self_tokens(L);
    size_t count[QR_KIND_COUNT] = {0}, i;
    for (i = 0; i < lt->t.n; i++) count[lt->t.tok[i].kind]++;
    lua_createtable(L, 0, QR_KIND_COUNT);
    for (i = 0; i < QR_KIND_COUNT; i++) {
        lua_pushinteger(L, (lua_Integer)count[i]);
        lua_setfield(L, -2, qr_kind_name((unsigned)i));
    }
    return 1;
}

/* The bit of the kind (or case) name at idx, count names from name_of;
 * raises naming argument arg. */
static unsigned name_bit(lua_State *L, int idx, int arg, unsigned count, const char *(*name_of)(unsigned))
{
    const char *what = name_of == qr_kind_name ? "kind" : "case";
    const char *s;
    unsigned k;
    if (lua_type(L, idx) != LUA_TSTRING) {
        luaL_argerror(L, arg, lua_pushfstring(L, "expected a %s's name, got a %s", what, luaL_typename(L, idx)));
        return 0;
    }
    s = lua_tostring(L, idx);
    for (k = 0; k < count; k++)
        if (strcmp(s, name_of(k)) == 0) return 1u << k;
    luaL_argerror(L, arg, lua_pushfstring(L, "unknown %s '%s'", what, s));
    return 0;
}

/* The bits of argument arg: nil (0: any), a name, or a list of names. */
static unsigned name_bits(lua_State *L, int arg, unsigned count, const char *(*name_of)(unsigned))
{
    unsigned bits = 0;
    lua_Integer i, n;
    if (lua_isnoneornil(L, arg)) return 0;
    if (!lua_istable(L, arg)) return name_bit(L, arg, arg, count, name_of);
    n = luaL_len(L, arg);
    for (i = 1; i <= n; i++) {
        lua_geti(L, arg, i);
        bits |= name_bit(L, -1, arg, count, name_of);
        lua_pop(L, 1);
    }
    return bits;   /* 0 for an empty list: the caller takes none */
}

/***
tokens:where([kinds [, cases]]) -> {i, ...}: the numbers of the tokens
whose kind is one of kinds and whose case is one of cases, in order (one
scan in C, in place of a walk over every token in Lua)
@function Tokens:where
@param kinds string|table optional: a kind ("word") or a list of kinds; nil: any
@param cases string|table optional: a case ("upper") or a list of cases ({"title", "upper"}); nil: any
@return table the token numbers (1-based)
*/
static int tokens_where(lua_State *L)
{
    ltokens *lt = self_tokens(L);
    unsigned kinds = name_bits(L, 2, QR_KIND_COUNT, qr_kind_name);
    unsigned cases = name_bits(L, 3, QR_CASE_COUNT, qr_case_name);
    int empty = (lua_istable(L, 2) && kinds == 0) || (lua_istable(L, 3) && cases == 0);
    size_t n = 0, i;
    uint32_t *out = NULL;
    if (!empty && lt->t.n) {
        out = lua_newuserdatauv(L, lt->t.n * sizeof *out, 0);
        n = qr_tokens_where(&lt->t, kinds, cases, out);
    }
    lua_createtable(L, n > INT_MAX ? INT_MAX : (int)n, 0);
    for (i = 0; i < n; i++) {
        lua_pushinteger(L, (lua_Integer)out[i] + 1);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* Groups (sentences, paragraphs) share their code: upvalue-free helpers
 * that take which array to use. */
static void group_array(const ltokens *lt, int para, const uint32_t **starts, size_t *count)
{
    *starts = para ? lt->t.para : lt->t.sent;
    *count = para ? lt->t.npara : lt->t.nsent;
}

/* Pushes start, stop, first, last of group g (0-based). */
static int push_group(lua_State *L, const ltokens *lt, const uint32_t *starts, size_t count, size_t g)
{
    size_t first = starts[g], last = (g + 1 < count ? starts[g + 1] : lt->t.n) - 1;
    lua_pushinteger(L, lt->t.tok[first].start);
    lua_pushinteger(L, lt->t.tok[last].stop);
    lua_pushinteger(L, (lua_Integer)first + 1);
    lua_pushinteger(L, (lua_Integer)last + 1);
    return 4;
}

static int group_get(lua_State *L, int para)
{
    ltokens *lt = self_tokens(L);
    const uint32_t *starts;
    size_t count;
    lua_Integer g = luaL_checkinteger(L, 2);
    group_array(lt, para, &starts, &count);
    luaL_argcheck(L, g >= 1 && (lua_Unsigned)g <= count, 2,
                  para ? "paragraph index out of range" : "sentence index out of range");
    return push_group(L, lt, starts, count, (size_t)(g - 1));
}

/***
tokens:sentence(i) -> start, stop, first_token, last_token
@function Tokens:sentence
@param i integer the sentence's number (1-based)
@return integer start (0-based byte)
@return integer stop (exclusive)
@return integer the first token
@return integer the last token
*/
static int tokens_sentence(lua_State *L) { return group_get(L, 0); }
/***
tokens:paragraph(i) -> start, stop, first_token, last_token
@function Tokens:paragraph
@param i integer the paragraph's number (1-based)
@return integer start (0-based byte)
@return integer stop (exclusive)
@return integer the first token
@return integer the last token
*/
static int tokens_paragraph(lua_State *L) { return group_get(L, 1); }

static int group_iter(lua_State *L)
{
    ltokens *lt = check_tokens(L, 1);
    int para = (int)lua_tointeger(L, lua_upvalueindex(1));
    lua_Integer g = luaL_checkinteger(L, 2);   /* previous group, 0 at first */
    const uint32_t *starts;
    size_t count;
    group_array(lt, para, &starts, &count);
    if (g < 0 || (lua_Unsigned)g >= count) return 0;
    lua_pushinteger(L, g + 1);
    return 1 + push_group(L, lt, starts, count, (size_t)g);
}

static int group_each(lua_State *L, int para)
{
    self_tokens(L);
    lua_pushinteger(L, para);
    lua_pushcclosure(L, group_iter, 1);
    lua_pushvalue(L, 1);
    lua_pushinteger(L, 0);
    return 3;
}

/***
for i, start, stop, first, last in tokens:sentences() do ... end
@function Tokens:sentences
@return an iterator yielding i, start, stop, first, last for each sentence
*/
static int tokens_sentences(lua_State *L) { return group_each(L, 0); }
/***
for i, start, stop, first, last in tokens:paragraphs() do ... end
@function Tokens:paragraphs
@return an iterator yielding i, start, stop, first, last for each paragraph
*/
static int tokens_paragraphs(lua_State *L) { return group_each(L, 1); }

/***
tokens:nsentences() -> count
@function Tokens:nsentences
@return integer
*/
static int tokens_nsentences(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)self_tokens(L)->t.nsent);
    return 1;
}

/***
tokens:nparagraphs() -> count
@function Tokens:nparagraphs
@return integer
*/
static int tokens_nparagraphs(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)self_tokens(L)->t.npara);
    return 1;
}

/***
tokens:memsize() -> bytes held by the token, sentence and paragraph arrays
@function Tokens:memsize
@return integer bytes
*/
static int tokens_memsize(lua_State *L)
{
    ltokens *lt = self_tokens(L);
    size_t bytes = lt->t.cap * sizeof(qr_token) + (lt->t.nsent + lt->t.npara) * sizeof(uint32_t);
    lua_pushinteger(L, (lua_Integer)bytes);
    return 1;
}

/* --- access for the other stages of the C core ------------------------- */

const qr_tokens *qr_check_tokens(lua_State *L, int idx, const char **text, size_t *len)
{
    ltokens *lt = check_tokens(L, idx);
    if (text) *text = lt->text;
    if (len) *len = lt->len;
    return &lt->t;
}

/* qr_tokens_keys of lt, checked already. */
static const qr_keys *keys_of(lua_State *L, ltokens *lt, unsigned mode)
{
    int k = (mode & QR_KEY_BARE) ? 1 : 0;
    if (!lt->have_keys[k]) {
        if (qr_keys_build(&lt->keys[k], lt->text, &lt->t, mode) != QR_OK)
            luaL_error(L, "not enough memory for the keys of %d tokens", (int)lt->t.n);
        lt->have_keys[k] = 1;
    }
    return &lt->keys[k];
}

const qr_keys *qr_tokens_keys(lua_State *L, int idx, unsigned mode)
{
    return keys_of(L, check_tokens(L, idx), mode);
}

/* The key ids of lt in vocabulary v: qr_tokens_ids. */
static const uint32_t *ids_of(lua_State *L, ltokens *lt, qr_vocab *v, unsigned mode)
{
    int k = (mode & QR_KEY_BARE) ? 1 : 0;
    if (!lt->ids[k] || lt->ids_count[k] != v->count) {
        /* first use, or rules made since added words: look up the keys
         * that had none */
        int again = lt->ids[k] != NULL;
        if (!again) {
            lt->ids[k] = malloc((lt->t.n + 1) * sizeof *lt->ids[k]);
            if (!lt->ids[k]) luaL_error(L, "not enough memory for the key ids of %d tokens", (int)lt->t.n);
        }
        if (!again && !lt->have_keys[k]) {      /* the keys and their ids made at once */
            if (qr_keys_build_ids(&lt->keys[k], lt->text, &lt->t, mode, v, lt->ids[k]) != QR_OK) {
                free(lt->ids[k]);
                lt->ids[k] = NULL;
                luaL_error(L, "not enough memory for the keys of %d tokens", (int)lt->t.n);
            }
            lt->have_keys[k] = 1;
        } else {
            qr_vocab_ids(v, keys_of(L, lt, mode), lt->ids[k], again);
        }
        lt->ids_count[k] = v->count;
    }
    return lt->ids[k];
}

const uint32_t *qr_tokens_ids(lua_State *L, int idx, unsigned mode)
{
    ltokens *lt = check_tokens(L, idx);
    return ids_of(L, lt, qr_state_vocab(L), mode);
}

const qr_tokens *qr_tokens_by_mt(lua_State *L, int idx, int mt)
{
    return &tokens_by_mt(L, idx, mt)->t;
}

const uint32_t *qr_tokens_ids_by_mt(lua_State *L, int idx, int mt, struct qr_vocab *v, unsigned mode,
                                    size_t *n)
{
    ltokens *lt = tokens_by_mt(L, idx, mt);
    *n = lt->t.n;
    return ids_of(L, lt, v, mode);
}

/***
tokens:key_id(i [, bare]) -> integer: the id of the token's key (its bare
key with bare) among the words that rules, word sets and gazetteers name
(quarry.wordset.id), or 0 when none names it
@function Tokens:key_id
@param i integer the token's number
@param bare boolean optional: the id of its bare key
@return integer the id, 0 when no word set, pattern or gazetteer (one that has matched in this Lua state) names the key
*/
static int tokens_key_id(lua_State *L)
{
    ltokens *lt = self_tokens(L);
    size_t i = check_index(L, lt, 2);
    const uint32_t *ids = qr_tokens_ids(L, 1, lua_toboolean(L, 3) ? QR_KEY_BARE : 0);
    lua_pushinteger(L, ids[i]);
    return 1;
}

/***
Tokenising and keys.
@section tokenising
*/

/* --- quarry.tokenize ---------------------------------------------------- */

static void read_options(lua_State *L, int arg, qr_tokopts *o)
{
    if (lua_isnoneornil(L, arg)) return;
    luaL_checktype(L, arg, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, arg)) {
        const char *key;
        if (lua_type(L, -2) != LUA_TSTRING)
            luaL_argerror(L, arg, "option names must be strings");
        key = lua_tostring(L, -2);
        if (!strcmp(key, "sentences") || !strcmp(key, "urls")) {
            if (!lua_isboolean(L, -1)) qr_option_error(L, arg, key, "must be a boolean");
            if (key[0] == 's') o->sentences = lua_toboolean(L, -1);
            else o->urls = lua_toboolean(L, -1);
        }
        else if (!strcmp(key, "paragraphs")) {
            static const char *const modes[] = { "auto", "blank", "line", NULL };
            const char *v = lua_tostring(L, -1);
            int m = -1;
            for (int k = 0; v && modes[k]; k++) if (!strcmp(v, modes[k])) m = k;
            if (m < 0) qr_option_error(L, arg, key, "must be \"auto\", \"blank\" or \"line\"");
            o->paragraphs = m;
        } else if (!strcmp(key, "abbreviations")) {
            size_t count, k;
            qr_word *words;
            if (!lua_istable(L, -1)) qr_option_error(L, arg, key, "must be a list of strings");
            count = lua_rawlen(L, -1);
            /* a userdata so the list is collected if anything below raises */
            words = lua_newuserdatauv(L, (count ? count : 1) * sizeof *words, 0);
            lua_insert(L, arg + 1);
            for (k = 0; k < count; k++) {
                size_t len;
                const char *w;
                /* check the type first: lua_tolstring would convert a number
                 * on the stack only, and the string would die when popped */
                if (lua_rawgeti(L, -1, (lua_Integer)k + 1) != LUA_TSTRING)
                    qr_option_error(L, arg, key, "must be a list of non-empty strings");
                w = lua_tolstring(L, -1, &len);
                if (len == 0) qr_option_error(L, arg, key, "must be a list of non-empty strings");
                if (w[len - 1] == '.') len--;     /* "Amb." and "Amb" mean the same */
                words[k].s = w;                   /* anchored by the options table */
                words[k].len = len;
                lua_pop(L, 1);
            }
            qsort(words, count, sizeof *words, qr_word_cmp);
            o->abbrevs = words;
            o->nabbrevs = count;
        } else {
            luaL_argerror(L, arg, lua_pushfstring(L, "unknown option '%s'", key));
        }
        lua_pop(L, 1);
    }
}

/***
quarry.tokenize(text [, {sentences, urls, paragraphs, abbreviations}]) -> quarry.Tokens
@function tokenize
@param text string any bytes
@param opts table optional: paragraphs ("auto", "blank" or "line"), sentences (boolean), urls (boolean), abbreviations (a list of words)
@return quarry.Tokens
*/
static int l_tokenize(lua_State *L)
{
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    qr_tokopts o;
    ltokens *lt;
    int rc;

    qr_tokopts_default(&o);
    read_options(L, 2, &o);
    if (len > QR_MAX_TEXT)
        return luaL_error(L, "text too large for the tokeniser (%I bytes; the limit is 4 GiB)",
                          (lua_Integer)len);
    lt = lua_newuserdatauv(L, sizeof *lt, 1);
    memset(lt, 0, sizeof *lt);
    luaL_setmetatable(L, QR_TOKENS_MT);
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, -2, 1);
    lt->text = text;
    lt->len = len;
    rc = qr_tokenize(text, len, &o, &lt->t);
    if (rc != QR_OK) {
        lt->closed = 1;
        return luaL_error(L, "not enough memory to tokenise %I bytes", (lua_Integer)len);
    }
    /* The arrays live outside Lua's heap: let the collector know they cost
     * something, or a loop over many documents would hold them too long. */
    if ((lt->t.cap * sizeof(qr_token)) >> 10)   /* a word's few tokens are not worth a step */
        lua_gc(L, LUA_GCSTEP, (int)((lt->t.cap * sizeof(qr_token)) >> 10));
    return 1;
}

/***
quarry.normalize(text [, {diacritics = false}]) -> key: case-folded, quotes unified
@function normalize
@param text string any text
@param opts table optional: diacritics (false: strip them)
@return string the key
*/
static int l_normalize(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    unsigned mode = 0;
    luaL_Buffer b;
    char *out;
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        lua_pushnil(L);
        while (lua_next(L, 2)) {
            const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
            if (strcmp(key, "diacritics") != 0)
                return luaL_argerror(L, 2, lua_pushfstring(L, "unknown option '%s'", key));
            if (!lua_toboolean(L, -1)) mode |= QR_KEY_BARE;
            lua_pop(L, 1);
        }
    }
    if (len > (((size_t)-1) / 4)) return luaL_error(L, "text too large");
    out = luaL_buffinitsize(L, &b, 3 * len + 1);
    luaL_pushresultsize(&b, qr_normalize(s, len, mode, out));
    return 1;
}

static void push_field_table(lua_State *L)
{
    int k;
    lua_newtable(L);
    for (k = 0; field_names[k]; k++) {
        lua_pushinteger(L, k);
        lua_setfield(L, -2, field_names[k]);
    }
}

void qr_open_tokens(lua_State *L)
{
    static const luaL_Reg methods[] = {
        { "get", tokens_get }, { "span", tokens_span }, { "kind", tokens_kind },
        { "text", tokens_text }, { "column", tokens_column }, { "key", tokens_key }, { "key_id", tokens_key_id }, { "shape", tokens_shape },
        { "at", tokens_at }, { "cover", tokens_cover }, { "counts", tokens_counts }, { "where", tokens_where },
        { "count_words", tokens_count_words },
        { "sentence", tokens_sentence }, { "paragraph", tokens_paragraph },
        { "sentences", tokens_sentences }, { "paragraphs", tokens_paragraphs },
        { "nsentences", tokens_nsentences }, { "nparagraphs", tokens_nparagraphs },
        { "memsize", tokens_memsize }, { "close", tokens_release },
        { NULL, NULL }
    };
    int k;

    /* quarry.Token: __index needs the field table */
    luaL_newmetatable(L, QR_TOKEN_MT);
    push_field_table(L);
    lua_pushcclosure(L, token_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, token_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushcfunction(L, token_eq);
    lua_setfield(L, -2, "__eq");
    lua_pushliteral(L, "quarry.Token");
    lua_setfield(L, -2, "__name");
    lua_pop(L, 1);

    /* quarry.Tokens: methods get the field table as upvalue 1 */
    luaL_newmetatable(L, QR_TOKENS_MT);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &tokens_mt_key);
    push_field_table(L);                        /* upvalue 1 of every method */
    lua_newtable(L);                            /* the method table */
    for (k = 0; methods[k].name; k++) {
        lua_pushvalue(L, -2);
        lua_pushvalue(L, -4);                   /* upvalue 2: the metatable (self_tokens) */
        lua_pushcclosure(L, methods[k].func, 2);
        lua_setfield(L, -2, methods[k].name);
    }
    lua_pushcclosure(L, tokens_index, 2);       /* upvalue 2: the method table */
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, tokens_len);
    lua_setfield(L, -2, "__len");
    lua_pushcfunction(L, tokens_release);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, tokens_release);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, tokens_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);

    lua_pushcfunction(L, l_tokenize);
    lua_setfield(L, -2, "tokenize");
    lua_pushcfunction(L, l_normalize);
    lua_setfield(L, -2, "normalize");
    lua_createtable(L, QR_KIND_COUNT, 0);
    for (k = 0; k < QR_KIND_COUNT; k++) {
        lua_pushstring(L, qr_kind_name((unsigned)k));
        lua_rawseti(L, -2, k + 1);
    }
    lua_setfield(L, -2, "kinds");
}
