/*
 * Lua binding of the per-document helpers (qr_doc.h) of the document
 * phases: quarry.core.name_variant(s), quarry.core.name_tokens(tokens,
 * set) (see lua/quarry/names.lua), and quarry.core.sort_spans(list [,
 * ranks]) on qr_spans.h and quarry.core.select_spans(list, classes [,
 * starts, stops]) (see lua/quarry/spanset.lua).
 */
/***
@module quarry.core
*/
#include "qr_lua.h"
#include "qr_doc.h"
#include "qr_keys.h"
#include "qr_spans.h"
#include "qr_token.h"

#include <limits.h>
#include <string.h>

#define QR_SPANSET_MT "quarry.SpanSet"

static qr_spanset *check_spanset(lua_State *L, int idx);
static void charge_spans(lua_State *L, size_t work);

/* Scratch memory kept between calls: the largest a function keeps */
#define SCRATCH_KEPT (64 * 1024)

/* Pushes a userdata of at least bytes for the running C function's
 * scratch, the one kept in its upvalue up when it is large enough (else
 * a new one): -> its memory. The upvalue is nil while the scratch is in
 * use, so that a call made meanwhile (from a metamethod) makes its own;
 * scratch_keep gives it back. The function called every document spares
 * the allocator and the collector an allocation a call. */
static void *scratch_push(lua_State *L, int up, size_t bytes)
{
    int kept = lua_upvalueindex(up);
    if (lua_type(L, kept) == LUA_TUSERDATA && lua_rawlen(L, kept) >= bytes) {
        lua_pushvalue(L, kept);
        lua_pushnil(L);
        lua_replace(L, kept);
        return lua_touserdata(L, -1);
    }
    return lua_newuserdatauv(L, bytes > 0 ? bytes : 1, 0);
}

/* Keeps the scratch at idx (scratch_push's) in upvalue up for the next
 * call, unless it is larger than SCRATCH_KEPT. */
static void scratch_keep(lua_State *L, int up, int idx)
{
    if (lua_rawlen(L, idx) > SCRATCH_KEPT) return;
    lua_pushvalue(L, idx);
    lua_replace(L, lua_upvalueindex(up));
}


/***
quarry.core.name_variant(s) -> string: the spelling-variant key of s (see
qr_doc.h), by which "sergey" and "sergei" meet. See quarry.names.variant.
@function name_variant
@param s string a name, lower case
@return string
*/
static int l_name_variant(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    luaL_Buffer b;
    char *out = luaL_buffinitsize(L, &b, len + 1);
    luaL_pushresultsize(&b, qr_name_variant(s, len, out));
    return 1;
}

/* Pushes the variant key of the n bytes at w in lower case (ASCII), made
 * in buf (room for 2 * n bytes). */
static void push_lower_variant(lua_State *L, const char *w, size_t n, char *buf)
{
    size_t i;
    for (i = 0; i < n; i++) {
        char c = w[i];
        buf[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    lua_pushlstring(L, buf + n, qr_name_variant(buf, n, buf + n));
}

/***
quarry.core.name_words(s) -> n, form, first, first_variant, last_variant:
the words of the name s as qr_name_words takes them (the titles that open
it left out): how many, the words joined by one space, the first word, and
the variant keys (see name_variant) of the first and the last word in
lower case. Only n (0) when s has no word. See quarry.names.words.
@function name_words
@param s string a name
@return integer the number of words
@return string the words joined by spaces
@return string the first word
@return string the first word's variant key
@return string the last word's variant key
*/
static int l_name_words(lua_State *L)
{
    size_t len, form_len = 0, first = 0, first_len = 0, last = 0, last_len = 0, n;
    const char *s = luaL_checklstring(L, 1, &len);
    char stack_buf[3 * 128];
    char *buf = stack_buf;
    if (len > 128) buf = lua_newuserdatauv(L, 3 * len, 0);     /* freed by the GC */
    n = qr_name_words(s, len, buf, &form_len, &first, &first_len, &last, &last_len);
    lua_pushinteger(L, (lua_Integer)n);
    if (n == 0) return 1;
    /* (a form, or a first word, that is the whole of s: s itself, no string made) */
    if (form_len == len && memcmp(buf, s, len) == 0) lua_pushvalue(L, 1); else lua_pushlstring(L, buf, form_len);
    if (first_len == len) lua_pushvalue(L, 1); else lua_pushlstring(L, s + first, first_len);
    push_lower_variant(L, s + first, first_len, buf + len);
    if (n == 1) lua_pushvalue(L, -1);
    else push_lower_variant(L, s + last, last_len, buf + len);
    return 5;
}

/* The string keys of a table with a true value, when they are a few (n <=
 * FEW_KEYS: then compared byte for byte, no string made to look one up);
 * n counts them all. The strings are anchored by the table. */
#define FEW_KEYS 16
typedef struct few_keys {
    const char *s[FEW_KEYS];
    size_t len[FEW_KEYS];
    size_t n;
} few_keys;

static void read_few(lua_State *L, int idx, few_keys *few)
{
    few->n = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        if (lua_type(L, -2) == LUA_TSTRING && lua_toboolean(L, -1)) {
            if (few->n < FEW_KEYS) few->s[few->n] = lua_tolstring(L, -2, &few->len[few->n]);
            few->n++;
        }
        lua_pop(L, 1);
    }
}

/* The first bytes of the few keys as a set (first[b] = 1); all of them
 * when one is empty (no byte to test). */
static void few_firsts(const few_keys *few, unsigned char first[256])
{
    size_t f;
    memset(first, 0, 256);
    for (f = 0; f < few->n && f < FEW_KEYS; f++) {
        if (few->len[f] == 0) {
            memset(first, 1, 256);
            return;
        }
        first[(unsigned char)few->s[f][0]] = 1;
    }
}

/* Whether a word whose text opens with byte b may have a variant (of its
 * bare key) that opens with a byte of first: when b is an ASCII letter,
 * the variant opens with it in lower case, y and w as i and v, k or p
 * maybe as h or f (kh, ph); anything else may. */
static int may_open(const unsigned char first[256], unsigned char b)
{
    unsigned char c = b >= 'A' && b <= 'Z' ? (unsigned char)(b - 'A' + 'a') : b;
    if (c < 'a' || c > 'z') return 1;
    if (c == 'y') c = 'i';
    else if (c == 'w') c = 'v';
    return first[c] || (c == 'k' && first['h']) || (c == 'p' && first['f']);
}

static int in_few(const few_keys *few, const char *s, size_t len)
{
    size_t f;
    for (f = 0; f < few->n; f++) {
        if (few->len[f] == len && memcmp(few->s[f], s, len) == 0) return 1;
    }
    return 0;
}

/* Whether the table at idx has the string s as a key with a true value. */
static int in_table(lua_State *L, int idx, const char *s, size_t len)
{
    int hit;
    lua_pushlstring(L, s, len);
    hit = lua_rawget(L, idx) != LUA_TNIL && lua_toboolean(L, -1);
    lua_pop(L, 1);
    return hit;
}

/***
quarry.core.name_tokens(tokens, set [, taken]) -> {i, ...}, {variant, ...}:
the words in title case or capitals whose bare key's variant is a key of
the table set (with a value that is not false), in order, and those
variants (the k-th of the word at the k-th place); with taken (a
quarry.SpanSet), only the words that overlap none of its spans. See
quarry.names.find. Counts #tokens steps against a sandbox's budget.
@function name_tokens
@param tokens quarry.Tokens the document's tokens
@param set table variant keys -> true
@param taken quarry.SpanSet optional: the spans whose words are left out
@return table token numbers
@return table their variants
*/
static int l_name_tokens(lua_State *L)
{
    const char *text;
    const qr_tokens *t = qr_check_tokens(L, 1, &text, NULL);
    const qr_spanset *taken = lua_isnoneornil(L, 3) ? NULL : check_spanset(L, 3);
    char stack_buf[2 * 256];
    char *buf = stack_buf;          /* or a userdata at index 5, freed by the GC */
    size_t cap = sizeof stack_buf / 2, i;
    lua_Integer found = 0;
    few_keys few;
    unsigned char first[256];
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 3);               /* (taken, if any, stays on the stack) */
    read_few(L, 2, &few);
    few_firsts(&few, first);
    qr_limit_work(L, (long long)t->n);
    lua_newtable(L);                /* 4: the result */
    lua_pushnil(L);                 /* 5: a larger buffer, when one is needed */
    lua_newtable(L);                /* 6: the variants of the words found */
    for (i = 0; i < t->n && few.n > 0; i++) {
        const qr_token *tok = &t->tok[i];
        size_t klen, vlen, need, work = 0;
        if (tok->kind != QR_WORD || (tok->casing != QR_CASE_TITLE && tok->casing != QR_CASE_UPPER)) continue;
        /* (a few keys: a word whose variant cannot open as one does is passed) */
        if (few.n <= FEW_KEYS && !may_open(first, (unsigned char)text[tok->start])) continue;
        if (taken) {
            int over = qr_spanset_overlaps(taken, (int64_t)tok->start, (int64_t)tok->stop, &work);
            charge_spans(L, work);
            if (over) continue;
        }
        /* the bare key (at most 3 bytes a byte of the token), then its variant */
        need = 3 * (size_t)(tok->stop - tok->start) + 1;
        if (need > cap) {
            buf = lua_newuserdatauv(L, 2 * need, 0);
            lua_replace(L, 5);
            cap = need;
        }
        klen = qr_token_key(text, tok, QR_KEY_BARE, buf);
        vlen = qr_name_variant(buf, klen, buf + cap);
        if (few.n <= FEW_KEYS ? in_few(&few, buf + cap, vlen) : in_table(L, 2, buf + cap, vlen)) {
            lua_pushinteger(L, (lua_Integer)i + 1);
            lua_rawseti(L, 4, ++found);
            lua_pushlstring(L, buf + cap, vlen);
            lua_rawseti(L, 6, found);
        }
    }
    lua_remove(L, 5);
    return 2;
}

/* A growable byte buffer kept in a userdata at stack index slot (nil
 * there until the first growth), the stack buffer before that. */
typedef struct growbuf {
    char *p;
    size_t len, cap;
    int slot;
} growbuf;

/* Room for n more bytes at the end of b, grown (doubled) into a new
 * userdata at b->slot when short; -> where they go (b->len unchanged). */
static char *arena_room(lua_State *L, growbuf *b, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = 2 * (b->len + n);
        char *p = lua_newuserdatauv(L, cap, 0);
        memcpy(p, b->p, b->len);
        lua_replace(L, b->slot);
        b->p = p;
        b->cap = cap;
    }
    return b->p + b->len;
}

static void buf_add(lua_State *L, growbuf *b, const char *s, size_t n)
{
    memcpy(arena_room(L, b, n), s, n);
    b->len += n;
}

/* --- quarry.core.name_clusters ----------------------------------------- */

/* Where a mention's bytes are in the arena (offsets: it moves as it grows). */
typedef struct mention_at {
    size_t nwords, name, word, word_len, form, form_len, first, first_len, last, last_len;
    int titled;         /* a.attrs.title is true */
    int plain;          /* neither a nor a.attrs has a metatable */
} mention_at;


/* The variant key of the n bytes at w in lower case (ASCII) into out,
 * through tmp (n bytes): its length. */
static size_t lower_variant(const char *w, size_t n, char *tmp, char *out)
{
    size_t i;
    for (i = 0; i < n; i++) tmp[i] = w[i] >= 'A' && w[i] <= 'Z' ? (char)(w[i] - 'A' + 'a') : w[i];
    return qr_name_variant(tmp, n, out);
}

/* The upvalues of name_clusters: the keys it reads and writes (no string
 * made a read), and its scratch. */
#define NC_KEYS { "attrs", "name", "text", "title", "cluster", "sex", "canonical", "key", "mentions", "titles" }
enum { UP_ATTRS = 1, UP_NAME, UP_TEXT, UP_TITLE, UP_CLUSTER, UP_SEX, UP_CANONICAL, UP_KEY, UP_MENTIONS, UP_TITLES,
       UP_SCRATCH, UP_COUNT = UP_SCRATCH };

/* Pushes t[k], the key k the upvalue up (t at index t, relative before the
 * push): -> its type. */
static int get_up(lua_State *L, int t, int up)
{
    lua_pushvalue(L, lua_upvalueindex(up));
    return lua_gettable(L, t < 0 ? t - 1 : t);
}

/* t[k] = the value on top (popped), the key k the upvalue up; raw when
 * raw (a table of name_clusters' own). */
static void set_up(lua_State *L, int t, int up, int raw)
{
    lua_pushvalue(L, lua_upvalueindex(up));
    lua_insert(L, -2);
    if (raw) lua_rawset(L, t < 0 ? t - 1 : t); else lua_settable(L, t < 0 ? t - 1 : t);
}

/* Reads person i (1-based) of the list at index 1: the words of its name
 * (a.attrs.name, else a.text) into the arena. */
static void read_mention(lua_State *L, lua_Integer i, growbuf *arena, mention_at *at)
{
    size_t len, first = 0, first_len = 0, last = 0, last_len = 0;
    const char *s;
    char *p;
    int top = lua_gettop(L);
    if (lua_geti(L, 1, i) != LUA_TTABLE) luaL_error(L, "bad argument #1 to 'name_clusters' (element %d: no table)", (int)i);
    if (get_up(L, -1, UP_ATTRS) != LUA_TTABLE)
        luaL_error(L, "bad argument #1 to 'name_clusters' (element %d: attrs no table)", (int)i);
    at->plain = !lua_getmetatable(L, -2) && !lua_getmetatable(L, -1);
    lua_settop(L, top + 2);
    get_up(L, -1, UP_TITLE);
    at->titled = lua_toboolean(L, -1);
    lua_pop(L, 1);
    if (get_up(L, -1, UP_NAME) == LUA_TNIL || !lua_toboolean(L, -1)) {
        lua_pop(L, 1);
        get_up(L, -2, UP_TEXT);
    }
    if (lua_type(L, -1) != LUA_TSTRING)
        luaL_error(L, "bad argument #1 to 'name_clusters' (element %d: its name is no string)", (int)i);
    s = lua_tolstring(L, -1, &len);
    /* the name, its form, the two variants, a lower-case copy: 5 * len bytes */
    p = arena_room(L, arena, 5 * len + 1);
    memcpy(p, s, len);
    lua_pop(L, 3);
    at->name = arena->len;
    at->form_len = at->first_len = at->last_len = 0;
    at->nwords = qr_name_words(p, len, p + len, &at->form_len, &first, &first_len, &last, &last_len);
    at->form = at->first = at->last = at->name + len;
    at->word = at->name + first, at->word_len = first_len;
    if (at->nwords > 0) {
        at->first = at->form + at->form_len;
        at->first_len = lower_variant(p + first, first_len, p + 4 * len, p + (at->first - at->name));
        at->last = at->first + at->first_len;
        at->last_len = lower_variant(p + last, last_len, p + 4 * len, p + (at->last - at->name));
    }
    arena->len += 5 * len;
}

/* The sex a title tells (index t: a string): the value title_sex (index
 * 3) gives the first of its words (runs of ASCII letters and full stops,
 * in lower case) it has, pushed; nil when none. */
static void push_title_sex(lua_State *L, int t)
{
    size_t len, i = 0, j;
    const char *s;
    luaL_Buffer b;
    const char *title = lua_tolstring(L, t, &len);
    /* (the lower-case copy in the buffer, left unpushed: only its words
     * become strings) */
    char *low = luaL_buffinitsize(L, &b, len + 1);
    for (j = 0; j < len; j++) low[j] = title[j] >= 'A' && title[j] <= 'Z' ? (char)(title[j] - 'A' + 'a') : title[j];
    s = low;
    while (i < len) {
        while (i < len && !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '.')) i++;
        j = i;
        while (j < len && ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') || s[j] == '.')) j++;
        if (j > i) {
            lua_pushlstring(L, s + i, j - i);
            if (lua_gettable(L, 3) != LUA_TNIL && lua_toboolean(L, -1)) {
                lua_replace(L, -2);     /* over the buffer's slot */
                return;
            }
            lua_pop(L, 1);
        }
        i = j;
    }
    lua_pop(L, 1);
    lua_pushnil(L);
}

/* qr_name_clusters' work, charged as steps against a sandbox's budget
 * (qr_limit_work raises the step limit's error past it). */
static void charge_name_work(void *ud, size_t units)
{
    qr_limit_work((lua_State *)ud, (long long)units);
}

/* Stack slots of name_clusters' tables */
#define NC_ARENA 4
#define NC_CLUSTERS 5
#define NC_SCRATCH 6

/* Whether the value at idx is the string "u" (sex_of's "unknown"). */
static int is_unknown_sex(lua_State *L, int idx)
{
    size_t len;
    const char *s;
    if (lua_type(L, idx) != LUA_TSTRING) return 0;
    s = lua_tolstring(L, idx, &len);
    return len == 1 && s[0] == 'u';
}

/* Pushes t[k] of a table of name_clusters' own, the key k the upvalue up
 * (t at index t, relative before the push). */
static void raw_up(lua_State *L, int t, int up)
{
    lua_pushvalue(L, lua_upvalueindex(up));
    lua_rawget(L, t < 0 ? t - 1 : t);
}

/* Adds mention i (0-based; at: its bytes) to cluster k: to its mentions
 * (a.cluster = the cluster) and its titles; the cluster's sex, when it has
 * none yet, from the mention's title or (a full name) its first word.
 * plain: no metatable on the list, sex_of, title_sex, any person or its
 * attrs (no code can have run since read_mention to change a title). */
static void add_mention(lua_State *L, size_t i, const mention_at *at, const char *arena, size_t k, size_t *counts,
                        int plain)
{
    size_t *nmentions = counts, *ntitles = counts + 1, *sexed = counts + 2;
    lua_geti(L, 1, (lua_Integer)i + 1);                             /* a */
    lua_rawgeti(L, NC_CLUSTERS, (lua_Integer)k + 1);                /* a, c */
    raw_up(L, -1, UP_MENTIONS);
    lua_pushvalue(L, -3);
    lua_rawseti(L, -2, (lua_Integer)++*nmentions);
    lua_pop(L, 1);
    lua_pushvalue(L, lua_upvalueindex(UP_CLUSTER));
    lua_pushvalue(L, -2);
    lua_settable(L, -4);
    /* (the title read again unless read_mention found none and nothing
     * can have run since to change it: plain) */
    if (at->titled || !plain) {
        get_up(L, -2, UP_ATTRS);
        get_up(L, -1, UP_TITLE);                                    /* a, c, attrs, title */
    } else {
        lua_pushnil(L);
        lua_pushnil(L);
    }
    if (lua_toboolean(L, -1)) {
        raw_up(L, -3, UP_TITLES);
        lua_pushvalue(L, -2);
        lua_rawseti(L, -2, (lua_Integer)++*ntitles);
        lua_pop(L, 1);
        if (!*sexed) {
            if (lua_type(L, -1) != LUA_TSTRING)
                luaL_error(L, "bad argument #1 to 'name_clusters' (element %d: its title is no string)", (int)i + 1);
            push_title_sex(L, lua_gettop(L));
            if (!lua_isnil(L, -1)) {
                set_up(L, -4, UP_SEX, 1);
                *sexed = 1;
            } else {
                lua_pop(L, 1);
            }
        }
    }
    if (!*sexed && at->nwords > 1) {
        /* the first word in lower case: on the C stack when short */
        char stack_low[64];
        luaL_Buffer b;
        char *low = at->word_len < sizeof stack_low ? stack_low : luaL_buffinitsize(L, &b, at->word_len + 1);
        size_t j;
        for (j = 0; j < at->word_len; j++) {
            char ch = arena[at->word + j];
            low[j] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
        }
        if (low == stack_low) lua_pushlstring(L, low, at->word_len);
        else luaL_pushresultsize(&b, at->word_len);
        if (lua_gettable(L, 2) != LUA_TNIL && lua_toboolean(L, -1) && !is_unknown_sex(L, -1)) {
            set_up(L, -4, UP_SEX, 1);
            *sexed = 1;
        } else {
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 4);
}

/* Array sizes for lua_createtable (a hint: 0 past INT_MAX). */
static int array_hint(size_t n)
{
    return n < INT_MAX ? (int)n : 0;
}

/* A new cluster k (its mentions' and titles' lists too, made at their
 * sizes: nmentions, ntitles), named by the form of mention canonical, its
 * key the first variant (if any), a space, and the last; in the list of
 * clusters. */
static void push_cluster(lua_State *L, const char *arena, const mention_at *canonical, const mention_at *first,
                         const mention_at *last, size_t k, size_t nmentions, size_t ntitles)
{
    /* (each key pushed before its value: no rotation) */
    lua_createtable(L, 0, 5);
    lua_pushvalue(L, lua_upvalueindex(UP_CANONICAL));
    lua_pushlstring(L, arena + canonical->form, canonical->form_len);
    lua_rawset(L, -3);
    lua_pushvalue(L, lua_upvalueindex(UP_KEY));
    if (first && first->first_len + last->last_len < 128) {
        /* (a short key joined on the C stack: one string made) */
        char key[128];
        memcpy(key, arena + first->first, first->first_len);
        key[first->first_len] = ' ';
        memcpy(key + first->first_len + 1, arena + last->last, last->last_len);
        lua_pushlstring(L, key, first->first_len + 1 + last->last_len);
    } else if (first) {
        luaL_Buffer b;
        luaL_buffinit(L, &b);
        luaL_addlstring(&b, arena + first->first, first->first_len);
        luaL_addchar(&b, ' ');
        luaL_addlstring(&b, arena + last->last, last->last_len);
        luaL_pushresult(&b);
    } else {
        lua_pushlstring(L, arena + last->last, last->last_len);
    }
    lua_rawset(L, -3);
    lua_pushvalue(L, lua_upvalueindex(UP_MENTIONS));
    lua_createtable(L, array_hint(nmentions), 0);
    lua_rawset(L, -3);
    lua_pushvalue(L, lua_upvalueindex(UP_TITLES));
    lua_createtable(L, array_hint(ntitles), 0);
    lua_rawset(L, -3);
    lua_rawseti(L, NC_CLUSTERS, (lua_Integer)k + 1);
}

/***
quarry.core.name_clusters(persons, sex_of, title_sex) -> clusters, by_last:
the mentions of persons of a document (annotations, in text order; each
named by a.attrs.name, else a.text) clustered by the words of their
names (qr_name_clusters; the words as quarry.names.words takes them).
Each cluster is a table {canonical, key, mentions, titles [, sex]}, in the
order they are made: its name; its first and last variant joined by a
space (the last alone without a first); its mentions, the full names
first; the truthy titles (a.attrs.title) of those; the sex of the first
of them whose title has a word that title_sex maps to a value (ASCII
letters and full stops, in lower case), or, a full name, whose first
word in lower case sex_of maps to a value other than "u". Each mention
gets a.cluster. by_last maps each last variant to the latest cluster of
it. Raises when an element, or its attrs, is no table, or its name (or a
title looked at) no string. Counts #persons steps against a sandbox's
budget, and a step for each slot of its hash tables probed and each
cluster a full name is tried against. See quarry.names.clusters.
@function name_clusters
@param persons table the annotations of persons
@param sex_of table first name in lower case -> sex
@param title_sex table title word in lower case -> sex
@return table the clusters
@return table last variant -> cluster
*/
static int l_name_clusters(lua_State *L)
{
    lua_Integer n, i;
    size_t nc, k, *cluster_of, *scratch, *counts, bytes;
    char stack_arena[1024];
    growbuf arena;
    mention_at *at;
    qr_name_mention *m;
    qr_name_cluster *c;
    int plain;
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checktype(L, 2, LUA_TTABLE);
    luaL_checktype(L, 3, LUA_TTABLE);
    lua_settop(L, 3);
    plain = !lua_getmetatable(L, 1) && !lua_getmetatable(L, 2) && !lua_getmetatable(L, 3);
    lua_settop(L, 3);
    n = luaL_len(L, 1);
    luaL_argcheck(L, n >= 0 && (size_t)n < ((size_t)-1 / 4) / sizeof(mention_at), 1, "too many persons");
    qr_limit_work(L, (long long)n);
    lua_pushnil(L);                                                 /* 4: the arena */
    arena.p = stack_arena, arena.len = 0, arena.cap = sizeof stack_arena, arena.slot = NC_ARENA;
    /* 5: the scratch, one block (till the clusters' tables go under it):
     * at, m, c, cluster_of, scratch, each of n + 1 (each struct holds a
     * size_t, so its size is a multiple of a size_t's alignment: each part
     * aligned) */
    bytes = ((size_t)n + 1) * (sizeof *at + sizeof *m + sizeof *c + sizeof *cluster_of)
        + qr_name_clusters_scratch((size_t)n) * sizeof *scratch;
    at = scratch_push(L, UP_SCRATCH, bytes);
    m = (qr_name_mention *)(void *)(at + n + 1);
    c = (qr_name_cluster *)(void *)(m + n + 1);
    cluster_of = (size_t *)(void *)(c + n + 1);
    scratch = cluster_of + n + 1;
    for (i = 1; i <= n; i++) read_mention(L, i, &arena, &at[i - 1]);
    /* (a metatable of any person may run code that changes another's title) */
    for (i = 0; i < n && plain; i++) plain = at[i].plain;
    for (i = 0; i < n; i++) {
        const mention_at *a = &at[i];
        m[i].nwords = a->nwords;
        m[i].form = arena.p + a->form, m[i].form_len = a->form_len;
        m[i].first = arena.p + a->first, m[i].first_len = a->first_len;
        m[i].last = arena.p + a->last, m[i].last_len = a->last_len;
    }
    nc = qr_name_clusters(m, (size_t)n, cluster_of, c, scratch, charge_name_work, L);
    /* the clusters (at 5, the userdata above them); counts: each
     * cluster's mentions, titles and whether its sex is found, in the
     * scratch, done with */
    lua_createtable(L, nc < INT_MAX ? (int)nc : 0, 0);
    lua_rotate(L, NC_CLUSTERS, 1);                                  /* 5: clusters */
    counts = scratch;
    for (k = 0; k < nc; k++) counts[3 * k] = counts[3 * k + 1] = counts[3 * k + 2] = 0;
    /* (each cluster's mentions and titles counted first: their lists are
     * made at their sizes) */
    for (i = 0; i < n; i++) {
        if (m[i].nwords == 0) continue;
        counts[3 * cluster_of[i]]++;
        if (at[i].titled) counts[3 * cluster_of[i] + 1]++;
    }
    for (k = 0; k < nc; k++) {
        push_cluster(L, arena.p, &at[c[k].canonical], c[k].first == QR_NO_MENTION ? NULL : &at[c[k].first],
                     &at[c[k].last], k, counts[3 * k], counts[3 * k + 1]);
        counts[3 * k] = counts[3 * k + 1] = 0;
    }
    /* the full names first, then the one-word names */
    for (i = 0; i < n; i++) {
        if (m[i].nwords > 1) add_mention(L, (size_t)i, &at[i], arena.p, cluster_of[i], counts + 3 * cluster_of[i], plain);
    }
    for (i = 0; i < n; i++) {
        if (m[i].nwords == 1) add_mention(L, (size_t)i, &at[i], arena.p, cluster_of[i], counts + 3 * cluster_of[i], plain);
    }
    lua_createtable(L, 0, nc < INT_MAX ? (int)nc : 0);              /* by_last */
    for (k = 0; k < nc; k++) {
        const mention_at *last = &at[c[k].last];
        lua_pushlstring(L, arena.p + last->last, last->last_len);
        lua_rawgeti(L, NC_CLUSTERS, (lua_Integer)k + 1);
        lua_rawset(L, -3);
    }
    scratch_keep(L, UP_SCRATCH, NC_SCRATCH);
    lua_pushvalue(L, NC_CLUSTERS);
    lua_insert(L, -2);
    return 2;
}

/* --- quarry.core.orgs_first ---------------------------------------------- */

/* The upvalues of orgs_first: the keys it reads (no string made a read),
 * and its scratch. */
#define OF_KEYS { "type", "text", "attrs", "title", "name" }
enum { OF_TYPE = 1, OF_TEXT, OF_ATTRS, OF_TITLE, OF_NAME, OF_SCRATCH, OF_COUNT = OF_SCRATCH };

/* Whether the string at idx is the n bytes of lit. */
static int is_string(lua_State *L, int idx, const char *lit, size_t n)
{
    size_t len;
    const char *s;
    if (lua_type(L, idx) != LUA_TSTRING) return 0;
    s = lua_tolstring(L, idx, &len);
    return len == n && memcmp(s, lit, n) == 0;
}

/* Reads entity i (1-based) of the list at index 1 into *e: its kind by
 * a.type, and for an organisation or a person a.text and, for a person,
 * whether a.attrs.title is true. The text is not copied: with anchor (a
 * stack index), the string is kept at [i] of the table there, since the
 * list's tables need not hold it (an __index can make it, or a later read
 * can change it); without (0), the list has no metatable, and neither
 * has any element read before, nor a person's attrs. -> 0, nothing kept,
 * when anchor is 0 and the element, or the attrs of a person, has a
 * metatable. */
static int read_entity(lua_State *L, lua_Integer i, qr_entity_text *e, int anchor)
{
    int top = lua_gettop(L);
    if (lua_geti(L, 1, i) != LUA_TTABLE) luaL_error(L, "bad argument #1 to 'orgs_first' (element %d: no table)", (int)i);
    if (!anchor && lua_getmetatable(L, -1)) {
        lua_settop(L, top);
        return 0;
    }
    get_up(L, -1, OF_TYPE);
    e->kind = is_string(L, -1, "organization", 12) ? QR_ENTITY_ORG
        : is_string(L, -1, "person", 6) ? QR_ENTITY_PERSON : QR_ENTITY_OTHER;
    e->titled = 0, e->text = NULL, e->len = 0;
    if (e->kind != QR_ENTITY_OTHER) {
        if (get_up(L, top + 1, OF_TEXT) != LUA_TSTRING)
            luaL_error(L, "bad argument #1 to 'orgs_first' (element %d: text no string)", (int)i);
        e->text = lua_tolstring(L, -1, &e->len);
        if (anchor) {
            lua_pushvalue(L, -1);
            lua_rawseti(L, anchor, i);
        }
        if (get_up(L, top + 1, OF_ATTRS) != LUA_TTABLE)
            luaL_error(L, "bad argument #1 to 'orgs_first' (element %d: attrs no table)", (int)i);
        if (e->kind == QR_ENTITY_PERSON) {
            /* attrs' own __index may run code as well */
            if (!anchor && lua_getmetatable(L, -1)) {
                lua_settop(L, top);
                return 0;
            }
            get_up(L, -1, OF_TITLE);
            e->titled = lua_toboolean(L, -1);
        }
    }
    lua_settop(L, top);
    return 1;
}

/***
quarry.core.orgs_first(list) -> persons, renamed: the persons of a list of
entities (annotations in text order, each with a type, a text and attrs)
that the list does not show to be organisations (qr_orgs_first: a person
without a title named as an organisation is one; a one-word person named
as an organisation's first word, unless a person's name ends in it), in
order; and those it shows to be, each followed by the name it takes (the
organisation's attrs.name, else its text): renamed = {a, name, ...}.
Nothing is changed. Raises when an element is no table, or an
organisation's or a person's text no string or attrs no table. Counts
#list steps against a sandbox's budget, and a step for each slot of its
hash tables probed. See quarry.names.orgs_first.
@function orgs_first
@param list table the entities
@return table the persons left
@return table the persons shown to be organisations, each followed by its name
*/
static int l_orgs_first(lua_State *L)
{
    lua_Integer n, i;
    size_t left, *as_org, *scratch;
    lua_Integer np = 0, nr = 0;
    qr_entity_text *e;
    int anchored;
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    n = luaL_len(L, 1);
    luaL_argcheck(L, n >= 0 && (size_t)n < ((size_t)-1 / 8) / sizeof *e, 1, "too many entities");
    qr_limit_work(L, (long long)n);
    /* 2: the scratch, one block: e, as_org (n + 1 each), qr_orgs_first's */
    e = scratch_push(L, OF_SCRATCH, ((size_t)n + 1) * (sizeof *e + sizeof *as_org)
                                    + qr_orgs_first_scratch((size_t)n) * sizeof *scratch);
    as_org = (size_t *)(void *)(e + n + 1);
    scratch = as_org + n + 1;
    lua_pushnil(L);                                                                     /* 3 */
    lua_pushnil(L);                                                                     /* 4 */
    /* 5: the texts, held when a metatable may run code (else the tables
     * hold them, and nothing changes them); read again from the first
     * when an element has one */
    anchored = lua_getmetatable(L, 1);
    lua_settop(L, 4);
    if (anchored) lua_createtable(L, n < INT_MAX ? (int)n : 0, 0);
    else lua_pushnil(L);
    for (i = 1; i <= n; i++) {
        if (!read_entity(L, i, &e[i - 1], anchored ? 5 : 0)) {
            lua_createtable(L, n < INT_MAX ? (int)n : 0, 0);
            lua_replace(L, 5);
            anchored = 1, i = 0;
        }
    }
    left = qr_orgs_first(e, (size_t)n, as_org, scratch, charge_name_work, L);
    lua_createtable(L, left < INT_MAX ? (int)left : 0, 0);                              /* 6: persons */
    lua_newtable(L);                                                                    /* 7: renamed */
    for (i = 0; i < n; i++) {
        if (e[i].kind != QR_ENTITY_PERSON) continue;
        lua_geti(L, 1, i + 1);
        if (as_org[i] == QR_NO_MENTION) {
            lua_rawseti(L, 6, ++np);
            continue;
        }
        lua_rawseti(L, 7, ++nr);
        lua_geti(L, 1, (lua_Integer)as_org[i] + 1);                                     /* the organisation */
        get_up(L, -1, OF_ATTRS);
        if (get_up(L, -1, OF_NAME) == LUA_TNIL || !lua_toboolean(L, -1)) {
            lua_pop(L, 2);
            get_up(L, -1, OF_TEXT);
        }
        lua_rawseti(L, 7, ++nr);
        lua_settop(L, 7);
    }
    scratch_keep(L, OF_SCRATCH, 2);
    return 2;
}

/* The 0-based token the Lua tokens:at(start) gives (the first whose stop
 * is past start, when it starts at or before start), or t->n for none. */
static size_t token_at(const qr_tokens *t, lua_Integer start)
{
    size_t lo = 0, hi = t->n;
    if (start < 0) return t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((lua_Integer)t->tok[mid].stop <= start) lo = mid + 1; else hi = mid;
    }
    return lo < t->n && (lua_Integer)t->tok[lo].start <= start ? lo : t->n;
}

/***
quarry.core.span_key(tokens, start, stop) -> string: the keys of the
tokens from the one at byte start (tokens:at(start)) up to the last that
starts before stop, joined by spaces; "" when no token is at start. See
quarry.names.span_key.
@function span_key
@param tokens quarry.Tokens the document's tokens
@param start integer the span's first byte
@param stop integer the span's end (exclusive)
@return string
*/
static int l_span_key(lua_State *L)
{
    const qr_tokens *t = qr_check_tokens(L, 1, NULL, NULL);
    lua_Integer start = luaL_checkinteger(L, 2), stop = luaL_checkinteger(L, 3);
    const qr_keys *keys = qr_tokens_keys(L, 1, 0);
    size_t i = token_at(t, start), j;
    char stack_buf[256];
    growbuf b;
    b.p = stack_buf;
    b.len = 0;
    b.cap = sizeof stack_buf;
    b.slot = 4;
    lua_settop(L, 3);
    lua_pushnil(L);                                  /* 4: a larger buffer */
    for (j = i; j < t->n && (lua_Integer)t->tok[j].start < stop; j++) {
        size_t n;
        const char *k = qr_key_of(keys, j, &n);
        if (j > i) buf_add(L, &b, " ", 1);
        buf_add(L, &b, k, n);
    }
    if (j > i + 8) qr_limit_work(L, (long long)(j - i));
    lua_pushlstring(L, b.p, b.len);
    return 1;
}

/***
quarry.core.line_first(tokens, i) -> integer: the first token of token i's
line (the nearest at or before i that starts a line, or token 1). See
quarry.names.line_first.
@function line_first
@param tokens quarry.Tokens the document's tokens
@param i integer a token's number
@return integer
*/
static int l_line_first(lua_State *L)
{
    const qr_tokens *t = qr_check_tokens(L, 1, NULL, NULL);
    lua_Integer i = luaL_checkinteger(L, 2), first;
    luaL_argcheck(L, i >= 1 && (lua_Unsigned)i <= t->n, 2, "token index out of range");
    for (first = i; first > 1 && !(t->tok[first - 1].flags & QR_F_LINE_START); first--) {}
    if (i - first > 64) qr_limit_work(L, (long long)(i - first));
    lua_pushinteger(L, first);
    return 1;
}

/***
quarry.core.caps_words(tokens) -> {i, ...}: the words in capitals on the
lines that hold no word in lower or title case (a headline or a dateline
in capitals), in order. See quarry.names.caps_words.
@function caps_words
@param tokens quarry.Tokens the document's tokens
@return table the token numbers
*/
static int l_caps_words(lua_State *L)
{
    const qr_tokens *t = qr_check_tokens(L, 1, NULL, NULL);
    size_t first = 0, end, k;
    lua_Integer found = 0;
    lua_newtable(L);
    qr_limit_work(L, (long long)t->n);
    while (first < t->n) {
        int caps = 1;
        for (end = first + 1; end < t->n && !(t->tok[end].flags & QR_F_LINE_START); end++) {}
        for (k = first; k < end && caps; k++) {
            const qr_token *tok = &t->tok[k];
            caps = !(tok->kind == QR_WORD && (tok->casing == QR_CASE_LOWER || tok->casing == QR_CASE_TITLE));
        }
        for (k = first; k < end && caps; k++) {
            if (t->tok[k].kind == QR_WORD && t->tok[k].casing == QR_CASE_UPPER) {
                lua_pushinteger(L, (lua_Integer)k + 1);
                lua_rawseti(L, -2, ++found);
            }
        }
        first = end;
    }
    return 1;
}

/***
quarry.core.hyphen_glued(tokens) -> {i, ...}: the numbers of the tokens
glued by a hyphen to a word in lower case ("U.S." in "U.S.-led"): token i
when token i + 1 is a dash written "-" with no white space before it and
none before token i + 2, a word in lower case. In order. See
quarry.names.hyphen_glued.
@function hyphen_glued
@param tokens quarry.Tokens the document's tokens
@return table the token numbers
*/
static int l_hyphen_glued(lua_State *L)
{
    const char *text;
    const qr_tokens *t = qr_check_tokens(L, 1, &text, NULL);
    size_t d;
    lua_Integer found = 0;
    lua_newtable(L);
    qr_limit_work(L, (long long)t->n);
    for (d = 1; d + 1 < t->n; d++) {
        const qr_token *dash = &t->tok[d], *next = &t->tok[d + 1];
        if (dash->kind == QR_DASH && dash->stop - dash->start == 1 && text[dash->start] == '-'
            && !(dash->flags & QR_F_SPACE_BEFORE) && !(next->flags & QR_F_SPACE_BEFORE)
            && next->casing == QR_CASE_LOWER) {
            lua_pushinteger(L, (lua_Integer)d);
            lua_rawseti(L, -2, ++found);
        }
    }
    return 1;
}

/* Whether token tok is the one byte b. */
static int is_byte(const char *text, const qr_token *tok, char b)
{
    return tok->stop - tok->start == 1 && text[tok->start] == b;
}

/***
quarry.core.parenthesised(tokens) -> {i, ...}: the numbers of the tokens
that stand alone between parentheses ("PUK" in "( PUK )", "(PUK)"): token
i when token i - 1 is "(" and token i + 1 is ")", written so. In order.
See quarry.names.parenthesised.
@function parenthesised
@param tokens quarry.Tokens the document's tokens
@return table the token numbers
*/
static int l_parenthesised(lua_State *L)
{
    const char *text;
    const qr_tokens *t = qr_check_tokens(L, 1, &text, NULL);
    size_t i;
    lua_Integer found = 0;
    lua_newtable(L);
    qr_limit_work(L, (long long)t->n);
    for (i = 1; i + 1 < t->n; i++) {
        if (is_byte(text, &t->tok[i + 1], ')') && is_byte(text, &t->tok[i - 1], '(')) {
            lua_pushinteger(L, (lua_Integer)i + 1);
            lua_rawseti(L, -2, ++found);
        }
    }
    return 1;
}

/* Into the table at index into: each string key of the table at index from
 * (whose value is true) and each of its beginnings before a space. */
static void add_prefixes(lua_State *L, int from, int into)
{
    lua_pushnil(L);
    while (lua_next(L, from)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) == LUA_TSTRING) {
            size_t len, k;
            const char *key = lua_tolstring(L, -1, &len);
            for (k = 0; k < len; k++) {
                if (key[k] == ' ') {
                    lua_pushlstring(L, key, k);
                    lua_pushboolean(L, 1);
                    lua_rawset(L, into);
                }
            }
            lua_pushvalue(L, -1);
            lua_pushboolean(L, 1);
            lua_rawset(L, into);
        }
    }
}

/* Token number at place k of the list at index 3 (0-based), or t->n. */
static size_t start_at(lua_State *L, const qr_tokens *t, lua_Integer k)
{
    int isnum;
    lua_Integer i;
    lua_rawgeti(L, 3, k);
    i = lua_tointegerx(L, -1, &isnum);
    lua_pop(L, 1);
    if (!isnum || i < 1 || (lua_Unsigned)i > t->n)
        luaL_error(L, "bad argument #3 to 'known_runs' (place %d: no token number)", (int)k);
    return (size_t)(i - 1);
}

/* The last token (0-based) of the longest run from token i whose keys
 * joined by spaces are a key of known (index 2), with its value pushed; -1
 * and nothing pushed when none. prefixes at index 7, the buffer at 8. */
static long longest_run(lua_State *L, const qr_tokens *t, const qr_keys *keys, size_t i, lua_Integer max,
                        char *stack_buf, size_t cap, size_t *work)
{
    growbuf b;
    size_t j;
    long hit = -1;
    b.p = stack_buf;
    b.len = 0;
    b.cap = cap;
    b.slot = 8;
    for (j = i; j < t->n && (lua_Integer)(j - i) < max; j++) {
        size_t n;
        const char *k = qr_key_of(keys, j, &n);
        if (j > i) {
            if (t->tok[j].flags & QR_F_LINE_START) break;
            buf_add(L, &b, " ", 1);
        }
        buf_add(L, &b, k, n);
        (*work)++;
        lua_pushlstring(L, b.p, b.len);
        lua_pushvalue(L, -1);
        if (lua_rawget(L, 7) == LUA_TNIL) {
            lua_pop(L, 2);
            break;
        }
        lua_pop(L, 1);
        lua_rawget(L, 2);
        if (lua_toboolean(L, -1)) {
            if (hit >= 0) lua_remove(L, -2);
            hit = (long)j;
        } else {
            lua_pop(L, 1);
        }
    }
    return hit;
}

/***
quarry.core.known_runs(tokens, known, starts, max, accept, found): for each
token number of the list starts (in order, none inside a run found before),
the longest run of at most max tokens from it, on one line, whose keys
joined by spaces are a key of the table known (with a true value); when
there is one and accept(i) is true (accept is asked only then),
found(start, stop, value) with the run's bytes and known's value. See
quarry.names.known_runs.
@function known_runs
@param tokens quarry.Tokens the document's tokens
@param known table keys of runs (as quarry.names.span_key gives them) -> a value
@param starts table token numbers, in order
@param max integer the most tokens of a run
@param accept function accept(i) -> boolean, or nil for any
@param found function found(start, stop, value)
@return nothing
*/
static int l_known_runs(lua_State *L)
{
    const qr_tokens *t = qr_check_tokens(L, 1, NULL, NULL);
    const qr_keys *keys;
    lua_Integer ns, k, max = luaL_checkinteger(L, 4);
    size_t from = 0, work = 0;
    char stack_buf[256];
    luaL_checktype(L, 2, LUA_TTABLE);
    luaL_checktype(L, 3, LUA_TTABLE);
    if (!lua_isnil(L, 5)) luaL_checktype(L, 5, LUA_TFUNCTION);
    luaL_checktype(L, 6, LUA_TFUNCTION);
    lua_settop(L, 6);
    keys = qr_tokens_keys(L, 1, 0);
    ns = luaL_len(L, 3);
    lua_newtable(L);                                 /* 7: the prefixes */
    add_prefixes(L, 2, 7);
    lua_pushnil(L);                                  /* 8: a larger buffer */
    for (k = 1; k <= ns; k++) {
        size_t i = start_at(L, t, k);
        long hit;
        if (i < from) continue;
        hit = longest_run(L, t, keys, i, max, stack_buf, sizeof stack_buf, &work);
        if (hit < 0) continue;
        if (!lua_isnil(L, 5)) {                          /* value at 9 */
            lua_pushvalue(L, 5);
            lua_pushinteger(L, (lua_Integer)i + 1);
            lua_call(L, 1, 1);
            if (!lua_toboolean(L, -1)) {
                lua_settop(L, 8);
                continue;
            }
            lua_pop(L, 1);
        }
        lua_pushvalue(L, 6);
        lua_pushinteger(L, t->tok[i].start);
        lua_pushinteger(L, t->tok[hit].stop);
        lua_pushvalue(L, 9);
        lua_call(L, 3, 0);
        lua_settop(L, 8);
        from = (size_t)hit + 1;
    }
    qr_limit_work(L, (long long)(ns + (lua_Integer)work));
    return 0;
}

/***
quarry.core.find_texts(tokens, set) -> {i, ...}: the numbers of the tokens
whose text is a key of the table set (with a true value), in order. See
quarry.names.find_texts.
@function find_texts
@param tokens quarry.Tokens the document's tokens
@param set table texts -> true
@return table the token numbers
*/
static int l_find_texts(lua_State *L)
{
    const char *text;
    const qr_tokens *t = qr_check_tokens(L, 1, &text, NULL);
    few_keys few;
    size_t i;
    lua_Integer found = 0;
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    /* a few texts are compared byte for byte; more are looked up */
    read_few(L, 2, &few);
    lua_newtable(L);                                 /* 3: the result */
    qr_limit_work(L, (long long)t->n);
    for (i = 0; i < t->n && few.n > 0; i++) {
        const qr_token *tok = &t->tok[i];
        size_t len = tok->stop - tok->start;
        const char *s = text + tok->start;
        if (few.n <= FEW_KEYS ? in_few(&few, s, len) : in_table(L, 2, s, len)) {
            lua_pushinteger(L, (lua_Integer)i + 1);
            lua_rawseti(L, 3, ++found);
        }
    }
    return 1;
}

/* --- quarry.core.capitalised ------------------------------------------ */

/* The upvalues of capitalised: the keys it reads (no string made a read) */
#define CAP_KEYS { "phase", "text" }
enum { CAP_PHASE = 1, CAP_TEXT, CAP_COUNT = CAP_TEXT };

/* Whether element i of the list at index 1, pushed on top (a table), is
 * to be left out: its text opens with a to z, and (a phase at index 2) it
 * is of that phase. Raises when the text looked at is no string. */
static int opens_lower(lua_State *L, lua_Integer i, const char *phase, size_t plen)
{
    size_t len;
    const char *s;
    int lower;
    if (phase && !(get_up(L, -1, CAP_PHASE) == LUA_TSTRING && is_string(L, -1, phase, plen))) {
        lua_pop(L, 1);
        return 0;
    }
    if (phase) lua_pop(L, 1);
    if (get_up(L, -1, CAP_TEXT) != LUA_TSTRING)
        luaL_error(L, "bad argument #1 to 'capitalised' (element %d: text no string)", (int)i);
    s = lua_tolstring(L, -1, &len);
    lower = len > 0 && s[0] >= 'a' && s[0] <= 'z';
    lua_pop(L, 1);
    return lower;
}

/***
quarry.core.capitalised(list [, phase]) -> list: the annotations of a list
(tables, each with a string text) whose text does not open with an ASCII
letter in lower case (a to z); with phase, only the annotations of that
phase (a.phase) are tested, the others all kept. -> the list itself when
it leaves none out, else a new list, in the list's order. Raises when an
element is no table or a text tested no string. Counts #list steps
against a sandbox's step budget. See quarry.names.capitalised.
@function capitalised
@param list table the annotations
@param phase string optional: the phase whose annotations are tested
@return table the annotations kept
*/
static int l_capitalised(lua_State *L)
{
    lua_Integer n, i, kept = 0;
    size_t plen = 0;
    const char *phase;
    int out = 0;
    luaL_checktype(L, 1, LUA_TTABLE);
    phase = luaL_optlstring(L, 2, NULL, &plen);
    lua_settop(L, 2);
    n = luaL_len(L, 1);
    qr_limit_work(L, n > 0 ? n : 0);
    lua_pushnil(L);                                         /* 3: the new list, made at the first left out */
    for (i = 1; i <= n; i++) {
        if (lua_geti(L, 1, i) != LUA_TTABLE)                /* 4: the element */
            return luaL_error(L, "bad argument #1 to 'capitalised' (element %d: no table)", (int)i);
        if (opens_lower(L, i, phase, plen)) {
            if (!out) {
                lua_Integer k;
                lua_createtable(L, n - 1 < INT_MAX ? (int)(n - 1) : 0, 0);
                lua_replace(L, 3);
                out = 3;
                for (k = 1; k < i; k++) {
                    lua_geti(L, 1, k);
                    lua_rawseti(L, out, k);
                }
                kept = i - 1;
            }
            lua_pop(L, 1);
        } else if (out) {
            lua_rawseti(L, out, ++kept);
        } else {
            lua_pop(L, 1);
        }
    }
    if (!out) lua_pushvalue(L, 1);
    return 1;
}

/* The keys of the n elements of the list at index 1 (and of the ranks at
 * index 2 when ranked) into keys[1..n]: 0 when an element is no table, a
 * start (or, ranked, a stop) no integer, or a rank no number or NaN. With
 * keep, the elements are left pushed, in order (the caller made room). */
static int read_span_keys(lua_State *L, lua_Integer n, int ranked, int keep, qr_spankey *keys)
{
    lua_Integer i;
    for (i = 1; i <= n; i++) {
        qr_spankey *k = &keys[i];
        int ok;
        if (lua_geti(L, 1, i) != LUA_TTABLE) return 0;
        lua_pushvalue(L, lua_upvalueindex(1));
        lua_gettable(L, -2);                /* its start */
        ok = lua_isinteger(L, -1);
        k->start = (int64_t)lua_tointeger(L, -1);
        k->stop = k->start;
        k->rank = 0;
        if (ranked) {
            lua_pushvalue(L, lua_upvalueindex(2));
            lua_gettable(L, -3);            /* its stop */
            ok = ok && lua_isinteger(L, -1);
            k->stop = (int64_t)lua_tointeger(L, -1);
            lua_geti(L, 2, i);
            /* (an integer rank past 2^53 would not compare as a double does) */
            ok = ok && lua_type(L, -1) == LUA_TNUMBER
                 && !(lua_isinteger(L, -1) && (lua_tointeger(L, -1) > (1LL << 53) || lua_tointeger(L, -1) < -(1LL << 53)));
            k->rank = (double)lua_tonumber(L, -1);
            ok = ok && k->rank == k->rank;
            lua_pop(L, 2);
        }
        lua_pop(L, keep ? 1 : 2);
        if (!ok) return 0;
    }
    return 1;
}

/* Whether the n elements of the list at index 1 are tables whose starts
 * are integers in strictly increasing order: then any sort by start, as
 * table.sort's, leaves them as they are (no two compare equal). */
static int increasing_starts(lua_State *L, lua_Integer n)
{
    lua_Integer i, prev = 0;
    for (i = 1; i <= n; i++) {
        int isnum = 0;
        lua_Integer start = 0;
        if (lua_geti(L, 1, i) == LUA_TTABLE) {
            lua_pushvalue(L, lua_upvalueindex(1));
            lua_gettable(L, -2);            /* its start */
            start = lua_tointegerx(L, -1, &isnum);
            isnum = isnum && lua_isinteger(L, -1);
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
        if (!isnum || (i > 1 && start <= prev)) return 0;
        prev = start;
    }
    return 1;
}

/* Whether the list (index 1) has no metatable. */
static int plain_list(lua_State *L)
{
    if (!lua_getmetatable(L, 1)) return 1;
    lua_pop(L, 1);
    return 0;
}

/* Puts the elements of the list at index 1 in the order perm gives (place
 * i gets the element that was the perm[i]-th), from the n elements pushed
 * above base in the list's order; a list of no metatable gets only the
 * places that change. */
static void permute_pushed(lua_State *L, lua_Integer n, int base, const size_t *perm)
{
    lua_Integer i;
    int plain = plain_list(L);
    for (i = 1; i <= n; i++) {
        if (plain && perm[i] == (size_t)i) continue;
        lua_pushvalue(L, base + (int)perm[i]);
        lua_seti(L, 1, i);
    }
    lua_settop(L, base);
}

/* sort_spans' upvalues: "start", "stop", then its scratch */
#define SORT_SCRATCH 3

/***
quarry.core.sort_spans(list [, ranks]) -> boolean: sorts the list of spans
(tables with integer start and stop) in place, in the order table.sort
leaves it, ties included, with the comparator
`function(x, y) return x.start < y.start end`; or, with ranks (the number
ranks[i] of list[i]), one that puts the higher rank first, then the longer
span (stop - start), then the earlier start. The comparisons are of keys
read once, in C. -> false, the list untouched, when an element is no table,
a start or stop no integer, or a rank no number (or NaN): the caller sorts
with its Lua comparator then. Counts #list steps against a sandbox's step
budget, as its table.sort does. See quarry.spanset.sort.
@function sort_spans
@param list table the spans
@param ranks table optional: a number for each span
@return boolean whether it sorted the list
*/
static int l_sort_spans(lua_State *L)
{
    int ranked = !lua_isnoneornil(L, 2), keep, base;
    lua_Integer n, i;
    qr_spankey *keys;
    size_t *perm;
    luaL_checktype(L, 1, LUA_TTABLE);
    if (ranked) luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    n = luaL_len(L, 1);
    luaL_argcheck(L, n < INT_MAX, 1, "array too big");
    qr_limit_work(L, n > 0 ? n : 0);
    if (n < 2 || (!ranked && increasing_starts(L, n))) {
        lua_pushboolean(L, 1);
        return 1;
    }
    keys = scratch_push(L, SORT_SCRATCH, ((size_t)n + 1) * (sizeof *keys + sizeof *perm));    /* 3 */
    perm = (size_t *)(void *)(keys + n + 1);
    lua_pushnil(L);                                                                   /* 4 */
    /* (the elements kept on the stack as their keys are read, room given) */
    base = lua_gettop(L);
    keep = n < INT_MAX / 2 && lua_checkstack(L, (int)n + 4);
    if (!read_span_keys(L, n, ranked, keep, keys)) {
        lua_pushboolean(L, 0);
        return 1;
    }
    for (i = 0; i <= n; i++) perm[i] = (size_t)i;
    qr_sort_spans(perm, (size_t)n, keys, ranked ? QR_BY_RANK : QR_BY_START);
    if (keep) {
        permute_pushed(L, n, base, perm);
    } else {
        lua_createtable(L, (int)n, 0);                                               /* 5: the elements */
        for (i = 1; i <= n; i++) {
            lua_geti(L, 1, i);
            lua_rawseti(L, 5, i);
        }
        for (i = 1; i <= n; i++) {
            lua_rawgeti(L, 5, (lua_Integer)perm[i]);
            lua_seti(L, 1, i);
        }
    }
    scratch_keep(L, SORT_SCRATCH, 3);
    lua_pushboolean(L, 1);
    return 1;
}

/* --- quarry.core.select_spans ------------------------------------------ */

/* Reads the merged spans starts[k], stops[k] (tables at indexes 3 and 4)
 * into pairs (2 * n integers): each must be integers, start <= stop, each
 * span starting after the one before stops. */
static void read_merged(lua_State *L, lua_Integer n, int64_t *pairs)
{
    lua_Integer k;
    for (k = 1; k <= n; k++) {
        int ok_s, ok_e;
        lua_Integer s, e;
        lua_geti(L, 3, k);
        lua_geti(L, 4, k);
        s = lua_tointegerx(L, -2, &ok_s);
        e = lua_tointegerx(L, -1, &ok_e);
        lua_pop(L, 2);
        if (!ok_s || !ok_e || e < s || (k > 1 && s <= pairs[2 * k - 3]))
            luaL_error(L, "bad argument #3 to 'select_spans' (span %d: integers, each after the one before)", (int)k);
        pairs[2 * k - 2] = (int64_t)s;
        pairs[2 * k - 1] = (int64_t)e;
    }
}

/* Whether pos lies in one of the n merged spans [pairs[2k], pairs[2k+1]):
 * a binary search for the last that starts at or before it. */
static int in_merged(const int64_t *pairs, size_t n, int64_t pos)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pairs[2 * mid] <= pos) lo = mid + 1; else hi = mid;
    }
    return lo > 0 && pos < pairs[2 * lo - 1];
}

/* Pushes the field of the table at index t (absolute) whose name is the
 * string at index key: read raw, no string made, unless the table has a
 * metatable (then t[key], which may run its __index). */
static void get_field(lua_State *L, int t, int key)
{
    if (lua_getmetatable(L, t)) {
        lua_pop(L, 1);
        lua_pushvalue(L, key);
        lua_gettable(L, t);
    } else {
        lua_pushvalue(L, key);
        lua_rawget(L, t);
    }
}

/***
quarry.core.select_spans(list, classes [, starts, stops]) -> groups: sorts
out the annotations of a list by class in one scan: for each element a of
list (a table), in order, whose class classes[a.type] is not nil, and
whose start lies in none of the merged spans [starts[k], stops[k]) (sorted,
each after the one before; none given: no span), appends a to the list
groups[class] (made at the class's first annotation). Raises when an
element is no table, or when spans are given and the start of a classed
one is no integer. Counts #list + #starts steps against a sandbox's step
budget. See quarry.spanset.select.
@function select_spans
@param list table the annotations
@param classes table type -> class
@param starts table optional: the spans' starts
@param stops table optional: the spans' stops
@return table class -> the annotations of that class, in the list's order
*/
/* Whether element i of the list at index 1, pushed at index e (its type,
 * then its class, at e + 1), has a class and starts in none of the nspans
 * merged spans; raises as select_spans does. Leaves e and e + 1 pushed. */
static int has_class(lua_State *L, lua_Integer i, int e, const int64_t *pairs, lua_Integer nspans)
{
    if (lua_geti(L, 1, i) != LUA_TTABLE)    /* e: the element */
        return luaL_error(L, "bad argument #1 to 'select_spans' (element %d: no table)", (int)i);
    get_field(L, e, 7);                     /* e + 1: its type */
    lua_rawget(L, 2);                       /* e + 1: the class */
    if (lua_isnil(L, -1)) return 0;
    if (nspans > 0) {
        int isint;
        lua_Integer start;
        get_field(L, e, 8);
        start = lua_tointegerx(L, -1, &isint);
        if (!isint) return luaL_error(L, "bad argument #1 to 'select_spans' (element %d: start no integer)", (int)i);
        lua_pop(L, 1);
        if (in_merged(pairs, (size_t)nspans, (int64_t)start)) return 0;
    }
    return 1;
}

/* The classes a list of no metatable may have for its groups to be made
 * at their sizes (in two passes); with more, or a metatable, one pass. */
#define MAX_CLASSES 16
#define CLASS_SLOTS 9                       /* the classes met: 9 .. 8 + MAX_CLASSES */
#define PLACE_SLOT (9 + MAX_CLASSES)        /* the first pass's places */
#define TYPE_CACHE 8                        /* the types whose classes the first pass keeps */
#define TYPE_SLOTS (10 + MAX_CLASSES)       /* ... those types, held: TYPE_SLOTS .. + TYPE_CACHE - 1 */
#define ELEMENT_SLOT (TYPE_SLOTS + TYPE_CACHE)

/* The class number of the class pushed on top (c: the c-th class met, its
 * value at index 8 + c; 0: nil), the class added to those met when new
 * (count[c - 1] = 0); pops it. -> -1 past MAX_CLASSES (a NaN class is none
 * met before). */
static int class_number(lua_State *L, int *nclasses, lua_Integer *count)
{
    int c;
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return 0;
    }
    for (c = 1; c <= *nclasses && !lua_rawequal(L, -1, CLASS_SLOTS - 1 + c); c++) {}
    if (c > *nclasses) {
        if (*nclasses == MAX_CLASSES) return -1;
        lua_replace(L, CLASS_SLOTS - 1 + c);
        count[c - 1] = 0;
        ++*nclasses;
        return c;
    }
    lua_pop(L, 1);
    return c;
}

/* Whether element i (at ELEMENT_SLOT) starts in one of the nspans merged
 * spans; raises as select_spans does when its start is no integer. */
static int left_out(lua_State *L, lua_Integer i, const int64_t *pairs, lua_Integer nspans)
{
    int isint;
    lua_Integer start;
    get_field(L, ELEMENT_SLOT, 8);
    start = lua_tointegerx(L, -1, &isint);
    if (!isint) return luaL_error(L, "bad argument #1 to 'select_spans' (element %d: start no integer)", (int)i);
    lua_pop(L, 1);
    return in_merged(pairs, (size_t)nspans, (int64_t)start);
}

/* First pass: place[i - 1] the class of element i (c: the c-th class met,
 * its value at index 8 + c; 0: none or left out), count[c - 1] how many
 * are of class c. -> the number of classes, or -1 past MAX_CLASSES. The
 * class of each of the first TYPE_CACHE types (strings) met is kept by
 * the string's address (the string held at TYPE_SLOTS on: the address is
 * its own), while no element has a metatable (whose __index might change
 * the classes). */
static int count_classes(lua_State *L, lua_Integer n, const int64_t *pairs, lua_Integer nspans,
                         unsigned char *place, lua_Integer *count)
{
    const void *seen[TYPE_CACHE];
    int seen_class[TYPE_CACHE];
    int nseen = 0, cache = 1, nclasses = 0, c, k;
    lua_Integer i;
    for (i = 1; i <= n; i++) {
        const void *type = NULL;
        place[i - 1] = 0;
        if (lua_geti(L, 1, i) != LUA_TTABLE)    /* ELEMENT_SLOT: the element */
            return luaL_error(L, "bad argument #1 to 'select_spans' (element %d: no table)", (int)i);
        if (cache && lua_getmetatable(L, ELEMENT_SLOT)) {
            lua_pop(L, 1);
            cache = 0, nseen = 0;
        }
        get_field(L, ELEMENT_SLOT, 7);          /* its type */
        if (cache && lua_type(L, -1) == LUA_TSTRING) type = lua_topointer(L, -1);
        for (k = 0; k < nseen && seen[k] != type; k++) {}
        if (type && k < nseen) {
            c = seen_class[k];
            if (c > 0 && nspans > 0 && left_out(L, i, pairs, nspans)) c = 0;
        } else {
            int nan;
            lua_pushvalue(L, -1);
            lua_rawget(L, 2);                   /* the class */
            if (!lua_isnil(L, -1) && nspans > 0 && left_out(L, i, pairs, nspans)) {
                /* (a class is met at its first element kept) */
                lua_settop(L, ELEMENT_SLOT - 1);
                continue;
            }
            nan = lua_type(L, -1) == LUA_TNUMBER && lua_tonumber(L, -1) != lua_tonumber(L, -1);
            c = class_number(L, &nclasses, count);
            if (c < 0) return -1;
            if (type && !nan && nseen < TYPE_CACHE) {
                lua_pushvalue(L, -1);
                lua_replace(L, TYPE_SLOTS + nseen);
                seen[nseen] = type, seen_class[nseen++] = c;
            }
        }
        if (c > 0) {
            place[i - 1] = (unsigned char)c;
            count[c - 1]++;
        }
        lua_settop(L, ELEMENT_SLOT - 1);
    }
    return nclasses;
}

/* Second pass: the groups (at index 6) of the classes met, their lists
 * made at their sizes, in the order the classes were met. */
static void fill_groups(lua_State *L, lua_Integer n, int nclasses, const unsigned char *place,
                        const lua_Integer *count)
{
    lua_Integer i, filled[MAX_CLASSES];
    int c;
    for (c = 1; c <= nclasses; c++) {
        lua_pushvalue(L, CLASS_SLOTS - 1 + c);
        lua_createtable(L, count[c - 1] < INT_MAX ? (int)count[c - 1] : 0, 0);
        lua_pushvalue(L, -1);
        lua_replace(L, CLASS_SLOTS - 1 + c);    /* the class's list, where its class was */
        lua_rawset(L, 6);
        filled[c - 1] = 0;
    }
    for (i = 1; i <= n; i++) {
        c = place[i - 1];
        if (c == 0) continue;
        lua_rawgeti(L, 1, i);
        lua_rawseti(L, CLASS_SLOTS - 1 + c, ++filled[c - 1]);
    }
}

/* The one pass, of a list with a metatable or many classes: each list
 * made at its class's first element. */
static void select_one_pass(lua_State *L, lua_Integer n, const int64_t *pairs, lua_Integer nspans)
{
    lua_Integer i;
    for (i = 1; i <= n; i++) {
        if (!has_class(L, i, ELEMENT_SLOT, pairs, nspans)) {
            lua_settop(L, ELEMENT_SLOT - 1);
            continue;
        }
        lua_pushvalue(L, -1);
        if (lua_rawget(L, 6) != LUA_TTABLE) {   /* the class's list, made at its first */
            lua_pop(L, 1);
            lua_newtable(L);
            lua_pushvalue(L, -2);
            lua_pushvalue(L, -2);
            lua_rawset(L, 6);
        }
        lua_pushvalue(L, ELEMENT_SLOT);
        lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
        lua_settop(L, ELEMENT_SLOT - 1);
    }
}

/* Whether the table of classes (index 2) has at most MAX_CLASSES entries. */
static int few_classes(lua_State *L)
{
    int entries = 0;
    lua_pushnil(L);
    while (lua_next(L, 2)) {
        lua_pop(L, 1);
        if (++entries > MAX_CLASSES) {
            lua_pop(L, 1);
            return 0;
        }
    }
    return 1;
}

static int l_select_spans(lua_State *L)
{
    lua_Integer n, nspans = 0;
    int64_t *pairs = NULL;
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checktype(L, 2, LUA_TTABLE);
    if (!lua_isnoneornil(L, 3)) {
        luaL_checktype(L, 3, LUA_TTABLE);
        luaL_checktype(L, 4, LUA_TTABLE);
        nspans = luaL_len(L, 3);
        luaL_argcheck(L, nspans < INT_MAX / 2 && luaL_len(L, 4) == nspans, 4, "as many stops as starts");
    }
    lua_settop(L, 4);
    n = luaL_len(L, 1);
    qr_limit_work(L, (n > 0 ? n : 0) + nspans);
    if (nspans > 0) {
        pairs = (int64_t *)lua_newuserdatauv(L, 2 * (size_t)nspans * sizeof *pairs, 0);   /* 5 */
        read_merged(L, nspans, pairs);
    } else {
        lua_pushnil(L);                                                                   /* 5 */
    }
    lua_createtable(L, 0, 4);                                                             /* 6: groups */
    lua_pushliteral(L, "type");                                                           /* 7 */
    lua_pushliteral(L, "start");                                                          /* 8 */
    luaL_checkstack(L, MAX_CLASSES + TYPE_CACHE + 8, "select_spans");
    lua_settop(L, ELEMENT_SLOT - 1);        /* 9 ..: the classes met; PLACE_SLOT */
    if (n > 0 && few_classes(L) && plain_list(L)) {
        lua_Integer count[MAX_CLASSES];
        unsigned char *place = (unsigned char *)lua_newuserdatauv(L, (size_t)n, 0);
        int nclasses;
        lua_replace(L, PLACE_SLOT);
        nclasses = count_classes(L, n, pairs, nspans, place, count);
        if (nclasses >= 0) {
            fill_groups(L, n, nclasses, place, count);
            lua_settop(L, 6);
            return 1;
        }
        lua_settop(L, ELEMENT_SLOT - 1);
    }
    select_one_pass(L, n, pairs, nspans);
    lua_settop(L, 6);
    return 1;
}

/* --- quarry.SpanSet ---------------------------------------------------- */

static qr_spanset *check_spanset(lua_State *L, int idx)
{
    return (qr_spanset *)luaL_checkudata(L, idx, QR_SPANSET_MT);
}

/* Charges the work of a test or an addition when it was long (a span over
 * many buckets, a crowded bucket); a short one is the caller's step. */
static void charge_spans(lua_State *L, size_t work)
{
    if (work > 64) qr_limit_work(L, (long long)(work / 8));
}

static void add_span(lua_State *L, qr_spanset *set, lua_Integer s, lua_Integer e)
{
    if (qr_spanset_add(set, (int64_t)s, (int64_t)e) != 0) luaL_error(L, "not enough memory");
    charge_spans(L, (size_t)((e > s ? e - s : 0) / QR_SPANSET_BUCKET));
}

/***
quarry.core.spanset() -> quarry.SpanSet: a new, empty set of byte spans
with an overlap test (see quarry.spanset).
@function spanset
@return quarry.SpanSet
*/
static int l_spanset(lua_State *L)
{
    void *ud;
    lua_Alloc alloc = lua_getallocf(L, &ud);
    qr_spanset *set = lua_newuserdatauv(L, sizeof *set, 0);
    qr_spanset_init(set, alloc, ud);
    luaL_setmetatable(L, QR_SPANSET_MT);
    return 1;
}

/***
set:overlaps(s, e) -> boolean: whether a span of the set overlaps [s, e)
@function SpanSet:overlaps
@param s integer start byte
@param e integer stop byte (exclusive)
@return boolean
*/
static int spanset_overlaps(lua_State *L)
{
    qr_spanset *set = check_spanset(L, 1);
    lua_Integer s = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3);
    size_t work = 0;
    lua_pushboolean(L, qr_spanset_overlaps(set, (int64_t)s, (int64_t)e, &work));
    charge_spans(L, work);
    return 1;
}

/***
set:add(s, e): adds [s, e) to the set
@function SpanSet:add
@param s integer start byte
@param e integer stop byte (exclusive)
@return nothing
*/
static int spanset_add(lua_State *L)
{
    qr_spanset *set = check_spanset(L, 1);
    add_span(L, set, luaL_checkinteger(L, 2), luaL_checkinteger(L, 3));
    return 0;
}

/* The upvalues of the span set's methods: the keys claim reads (no string
 * made a read), and claim's scratch. */
#define SS_KEYS { "start", "stop", "attrs", "ambiguous", "rank" }
enum { SS_START = 1, SS_STOP, SS_ATTRS, SS_AMBIGUOUS, SS_RANK, SS_SCRATCH, SS_COUNT = SS_SCRATCH };

/* The integer field of the table on top of the stack whose key is the
 * upvalue up (name: the key, for the message); raises naming element i of
 * argument arg when it is no integer. */
static lua_Integer int_field(lua_State *L, int up, const char *name, int arg, lua_Integer i)
{
    lua_Integer v;
    int isnum;
    get_up(L, -1, up);
    v = lua_tointegerx(L, -1, &isnum);
    if (!isnum) luaL_error(L, "bad argument #%d to 'claim' (element %d: %s is not an integer)", arg, (int)i, name);
    lua_pop(L, 1);
    return v;
}

/* The method's name in an error of claim (own: claim_by_rank's) */
#define CLAIM_NAME(own) ((own) ? "claim_by_rank" : "claim")

/* Whether a value of type t, pushed on top, is true (nil and false are
 * not). */
static int truthy(lua_State *L, int t)
{
    return t != LUA_TNIL && (t != LUA_TBOOLEAN || lua_toboolean(L, -1));
}

/* Pushes the rank of the span at index e (a table) as claim_by_rank reads
 * it: ambiguous (index 4) when a.attrs.ambiguous is true, else a.rank
 * when true, else default (index 3). */
static void push_own_rank(lua_State *L, int e)
{
    int top = lua_gettop(L);
    if (truthy(L, get_up(L, e, SS_ATTRS)) && truthy(L, get_up(L, top + 1, SS_AMBIGUOUS))) {
        lua_settop(L, top);
        lua_pushvalue(L, 4);
        return;
    }
    lua_settop(L, top);
    if (truthy(L, get_up(L, e, SS_RANK))) return;
    lua_pop(L, 1);
    lua_pushvalue(L, 3);
}

/* The key of element i (pushed) of the list at index 2, its rank into *k:
 * ranks[i] (the table at index 3), or, with own, as push_own_rank reads
 * it; raises when its start or stop is no integer or its rank no number
 * (or NaN, or an integer past 2^53, which would not compare as its double
 * does). Leaves the element pushed. */
static void read_ranked(lua_State *L, lua_Integer i, qr_spankey *k, int own)
{
    int e = lua_gettop(L);
    get_up(L, e, SS_START);
    get_up(L, e, SS_STOP);
    if (!lua_isinteger(L, e + 1) || !lua_isinteger(L, e + 2))
        luaL_error(L, "bad argument #2 to '%s' (element %d: start or stop no integer)", CLAIM_NAME(own), (int)i);
    k->start = (int64_t)lua_tointeger(L, e + 1);
    k->stop = (int64_t)lua_tointeger(L, e + 2);
    if (own) push_own_rank(L, e);
    else lua_geti(L, 3, i);
    if (lua_type(L, -1) != LUA_TNUMBER
        || (lua_isinteger(L, -1) && (lua_tointeger(L, -1) > (1LL << 53) || lua_tointeger(L, -1) < -(1LL << 53))))
        luaL_error(L, own ? "bad argument #2 to 'claim_by_rank' (element %d: its rank no number)"
                          : "bad argument #3 to 'claim' (rank %d: no number)", (int)i);
    k->rank = (double)lua_tonumber(L, -1);
    if (k->rank != k->rank)
        luaL_error(L, own ? "bad argument #2 to 'claim_by_rank' (element %d: its rank NaN)"
                          : "bad argument #3 to 'claim' (rank %d: NaN)", (int)i);
    lua_settop(L, e);
}

/* Pushes the spans kept (indexes into the list at 2, kept[1..nkept], in the
 * order of their ranks) as a new list, sorted by start when by_start and
 * no two of them start at one byte nor is one empty (as spanset.sort would
 * sort them: their order is then the only one by start); and whether it
 * sorted them. keys: the spans' keys; order: room for nkept + 1 numbers. */
static int push_kept(lua_State *L, const size_t *kept, lua_Integer nkept, const qr_spankey *keys, size_t *order,
                     int by_start)
{
    lua_Integer j;
    const size_t *from = kept;
    int sorted = 0;
    if (by_start) {
        memcpy(order, kept, ((size_t)nkept + 1) * sizeof *order);
        qr_sort_spans(order, (size_t)nkept, keys, QR_BY_START);
        sorted = 1;
        for (j = 1; j <= nkept && sorted; j++) {
            const qr_spankey *k = &keys[order[j]];
            if (k->start == k->stop || (j > 1 && k->start == keys[order[j - 1]].start)) sorted = 0;
        }
        if (sorted) from = order;
    }
    lua_createtable(L, array_hint((size_t)nkept), 0);
    for (j = 1; j <= nkept; j++) {
        lua_geti(L, 2, (lua_Integer)from[j]);
        lua_rawseti(L, -2, j);
    }
    return sorted;
}

/* The claim of set:claim and set:claim_by_rank (own: the ranks read off
 * the spans, the default and ambiguous ranks at 3 and 4, by_start at 5;
 * else the ranks' table, or nil, at 3). The spans of a ranked claim are
 * read once, into keys: only those kept are fetched again. */
static int claim(lua_State *L, int own)
{
    qr_spanset *set = check_spanset(L, 1);
    lua_Integer n, i, nkept = 0;
    qr_spankey *keys = NULL;
    size_t *perm = NULL, *kept = NULL;
    int out = 0, scratch = 0, by_start = own && lua_toboolean(L, 5);
    n = luaL_len(L, 2);
    qr_limit_work(L, n > 0 ? n : 0);
    if ((own || !lua_isnil(L, 3)) && n > 0) {
        luaL_argcheck(L, n < INT_MAX, 2, "array too big");
        /* keys, perm, kept, and push_kept's order: n + 1 each */
        keys = scratch_push(L, SS_SCRATCH, ((size_t)n + 1) * (sizeof *keys + 3 * sizeof *perm));
        scratch = lua_gettop(L);
        perm = (size_t *)(void *)(keys + n + 1);
        kept = perm + n + 1;
        for (i = 1; i <= n; i++) {
            if (lua_geti(L, 2, i) != LUA_TTABLE)
                return luaL_error(L, "bad argument #2 to '%s' (element %d is not a table)", CLAIM_NAME(own), (int)i);
            read_ranked(L, i, &keys[i], own);
            lua_pop(L, 1);
        }
        for (i = 0; i <= n; i++) perm[i] = (size_t)i;
        qr_sort_spans(perm, (size_t)n, keys, QR_BY_RANK);
    } else {
        lua_createtable(L, n > 0 && n < INT_MAX ? (int)n : 0, 0);   /* kept */
        out = lua_gettop(L);
    }
    for (i = 1; i <= n; i++) {
        lua_Integer s, e, at = perm ? (lua_Integer)perm[i] : i;
        size_t work = 0;
        if (keys) {
            s = (lua_Integer)keys[at].start, e = (lua_Integer)keys[at].stop;
        } else {
            if (lua_geti(L, 2, at) != LUA_TTABLE)
                return luaL_error(L, "bad argument #2 to '%s' (element %d is not a table)", CLAIM_NAME(own), (int)at);
            s = int_field(L, SS_START, "start", 2, i);
            e = int_field(L, SS_STOP, "stop", 2, i);
        }
        if (!qr_spanset_overlaps(set, (int64_t)s, (int64_t)e, &work)) {
            add_span(L, set, s, e);
            if (keys) kept[++nkept] = (size_t)at;
            else lua_rawseti(L, out, ++nkept);
        } else if (!keys) {
            lua_pop(L, 1);
        }
        charge_spans(L, work);
    }
    if (keys) {
        int sorted = push_kept(L, kept, nkept, keys, kept + n + 1, by_start);
        scratch_keep(L, SS_SCRATCH, scratch);
        if (!by_start) return 1;
        lua_pushboolean(L, sorted);
        return 2;
    }
    if (!by_start) return 1;
    lua_pushboolean(L, 1);      /* (no span: the empty list is in order) */
    return 2;
}

/***
set:claim(list [, ranks]) -> kept: of the spans of list (tables with
integer start and stop), in order, those that overlap no span of the set,
each added to the set as it is taken (so a later one that overlaps it is
not); as
`if not set:overlaps(a.start, a.stop) then set:add(a.start, a.stop); kept[#kept + 1] = a end`
for each, in one call. With ranks (ranks[i] the number of list[i]), in the
order quarry.core.sort_spans(list, ranks) would sort them (the higher rank
first, then the longer span, then the earlier start), the list left as it
is. Counts #list steps against a sandbox's budget.
@function SpanSet:claim
@param list table the spans, the best first
@param ranks table optional: a number for each span
@return table the spans taken, in the list's order (with ranks, in theirs)
*/
static int spanset_claim(lua_State *L)
{
    luaL_checktype(L, 2, LUA_TTABLE);
    if (!lua_isnoneornil(L, 3)) luaL_checktype(L, 3, LUA_TTABLE);
    lua_settop(L, 3);
    return claim(L, 0);
}

/***
set:claim_by_rank(list, default, ambiguous [, by_start]) -> kept [, sorted]:
set:claim(list, ranks) with each span's rank read off it: ambiguous when
a.attrs.ambiguous is true, else a.rank when true, else default (as
`a.attrs and a.attrs.ambiguous and ambiguous or a.rank or default`).
With by_start, kept comes sorted by start when no two of its spans start
at one byte and none is empty (the one order by start, as
quarry.core.sort_spans(kept) would leave it), else in the order of the
ranks; sorted tells which. Raises as claim does when a rank is no number.
@function SpanSet:claim_by_rank
@param list table the spans
@param default number the rank of a span without one
@param ambiguous number the rank of a span whose attrs.ambiguous is true
@param by_start boolean optional: kept sorted by start when it can be
@return table the spans taken, in the order of their ranks (or by start)
@return boolean with by_start: whether kept is sorted by start
*/
static int spanset_claim_by_rank(lua_State *L)
{
    luaL_checktype(L, 2, LUA_TTABLE);
    luaL_checktype(L, 3, LUA_TNUMBER);
    luaL_checktype(L, 4, LUA_TNUMBER);
    lua_settop(L, 5);
    return claim(L, 1);
}

static int spanset_gc(lua_State *L)
{
    qr_spanset_free(check_spanset(L, 1));
    return 0;
}

static void open_spanset(lua_State *L)
{
    static const luaL_Reg methods[] = {
        { "overlaps", spanset_overlaps }, { "add", spanset_add }, { "claim", spanset_claim },
        { "claim_by_rank", spanset_claim_by_rank }, { NULL, NULL }
    };
    static const char *const keys[] = SS_KEYS;
    int up;
    luaL_newmetatable(L, QR_SPANSET_MT);
    luaL_newlibtable(L, methods);
    for (up = 0; up < SS_SCRATCH - 1; up++) lua_pushstring(L, keys[up]);
    lua_pushnil(L);
    luaL_setfuncs(L, methods, SS_COUNT);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, spanset_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    lua_pushcfunction(L, l_spanset);
    lua_setfield(L, -2, "spanset");
}

void qr_open_doc(lua_State *L)
{
    open_spanset(L);
    lua_pushcfunction(L, l_span_key);
    lua_setfield(L, -2, "span_key");
    lua_pushcfunction(L, l_known_runs);
    lua_setfield(L, -2, "known_runs");
    lua_pushcfunction(L, l_find_texts);
    lua_setfield(L, -2, "find_texts");
    lua_pushcfunction(L, l_line_first);
    lua_setfield(L, -2, "line_first");
    lua_pushcfunction(L, l_caps_words);
    lua_setfield(L, -2, "caps_words");
    lua_pushcfunction(L, l_hyphen_glued);
    lua_setfield(L, -2, "hyphen_glued");
    lua_pushcfunction(L, l_parenthesised);
    lua_setfield(L, -2, "parenthesised");
    lua_pushcfunction(L, l_name_variant);
    lua_setfield(L, -2, "name_variant");
    lua_pushcfunction(L, l_name_tokens);
    lua_setfield(L, -2, "name_tokens");
    {
        static const char *const keys[] = OF_KEYS;
        int up;
        for (up = 0; up < OF_SCRATCH - 1; up++) lua_pushstring(L, keys[up]);
        lua_pushnil(L);
        lua_pushcclosure(L, l_orgs_first, OF_COUNT);
        lua_setfield(L, -2, "orgs_first");
    }
    lua_pushcfunction(L, l_name_words);
    lua_setfield(L, -2, "name_words");
    {
        static const char *const keys[] = CAP_KEYS;
        int up;
        for (up = 0; up < CAP_COUNT; up++) lua_pushstring(L, keys[up]);
        lua_pushcclosure(L, l_capitalised, CAP_COUNT);
        lua_setfield(L, -2, "capitalised");
    }
    {
        static const char *const keys[] = NC_KEYS;
        int up;
        for (up = 0; up < UP_SCRATCH - 1; up++) lua_pushstring(L, keys[up]);
        lua_pushnil(L);
        lua_pushcclosure(L, l_name_clusters, UP_COUNT);
        lua_setfield(L, -2, "name_clusters");
    }
    /* (the keys sort_spans reads, its upvalues: no string made a read;
     * and its scratch) */
    lua_pushliteral(L, "start");
    lua_pushliteral(L, "stop");
    lua_pushnil(L);
    lua_pushcclosure(L, l_sort_spans, SORT_SCRATCH);
    lua_setfield(L, -2, "sort_spans");
    lua_pushcfunction(L, l_select_spans);
    lua_setfield(L, -2, "select_spans");
}
