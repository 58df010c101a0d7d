/*
 * Lua binding of the per-document primitives of quote attribution
 * (qr_quote.h): quarry.core.quote_pairs(tokens, double),
 * quarry.core.quote_sentences(tokens, window),
 * quarry.core.quote_mentions(tokens, kept),
 * quarry.core.quote_columns(tokens),
 * quarry.core.quote_document(tokens, kept, window, methods) and
 * quarry.core.quote_records(tokens, double [, room]), for
 * quarry.attribution.
 */
/***
@module quarry.core
*/
#include "qr_lua.h"
#include "qr_qdrive.h"
#include "qr_quote.h"

#include <limits.h>
#include <string.h>

/* A size for lua_createtable: n, or 0 (no presizing) past INT_MAX. */
static int fit_int(size_t n) { return n < INT_MAX ? (int)n : 0; }

/* Sets field name of the table on top to integer v. */
static void set_int(lua_State *L, const char *name, lua_Integer v)
{
    lua_pushinteger(L, v);
    lua_setfield(L, -2, name);
}

/* The marks, pairs and open marks of a document with few marks (QBUF at
 * most), on the C stack: most documents need no block on the Lua heap. */
enum { QBUF = 64 };
typedef struct qbufs {
    qr_qpair pairs[QBUF];
    qr_qopen stack[QBUF];
    qr_qmark marks[QBUF];
} qbufs;

/* The pairs of marks of the tokens t (at 1; double: the table at 2), as
 * qr_quote_pair finds them (outermost: only the outermost, by start), in
 * b, or for more than QBUF marks in blocks pushed on the stack (two
 * values more, which must stay there while the pairs are read); *np:
 * their number. NULL without tokens. */
static const qr_qpair *find_pairs(lua_State *L, const qr_tokens *t, const char *text, size_t len, int outermost,
                                  size_t *np, qbufs *b)
{
    size_t n, m;
    const qr_keys *keys;
    qr_qmark *marks = b->marks;
    qr_qopen *stack = b->stack;
    qr_qpair *pairs = b->pairs;
    *np = 0;
    qr_limit_work(L, (long long)t->n);
    if (t->n == 0) return NULL;
    keys = qr_tokens_keys(L, 1, 0);
    n = qr_quote_marks(t, keys, marks, QBUF);
    if (n > QBUF) {
        marks = lua_newuserdatauv(L, n * sizeof *marks, 0);
        qr_quote_marks(t, keys, marks, n);
        /* the pairs, then the stack of open marks, in one block (pairs
         * first: the stricter alignment, as a block's start has it) */
        pairs = lua_newuserdatauv(L, n * (sizeof *pairs + sizeof *stack), 0);
        stack = (qr_qopen *)(pairs + n);
    }
    for (m = 0; m < n; m++) {
        const qr_token *tk = &t->tok[marks[m].tok];
        lua_pushlstring(L, text + tk->start, tk->stop - tk->start);
        marks[m].single = lua_rawget(L, 2) == LUA_TNIL || !lua_toboolean(L, -1);
        lua_pop(L, 1);
    }
    *np = qr_quote_pair(t, text, len, marks, n, stack, pairs);
    if (outermost) *np = qr_quote_outermost(pairs, *np);
    return pairs;
}

/***
quarry.core.quote_pairs(tokens, double [, outermost]) -> {pair, ...}: the
pairs of quotation marks of a document in the order they are found (see
qr_quote.h), each {open = i, close = j or nil, start, stop, single,
depth}: token numbers, the bytes between the marks; double: a table whose
keys are the double marks' texts; with outermost, only the pairs no
other pair holds, by start (qr_quote_outermost). See
quarry.attribution.pairs.
@function quote_pairs
@param tokens quarry.Tokens the document's tokens
@param double table mark text -> true for the double marks
@param outermost boolean optional: only the outermost pairs, by start
@return table the pairs
*/
static int l_quote_pairs(lua_State *L)
{
    const char *text;
    size_t len, np, m;
    const qr_tokens *t = qr_check_tokens(L, 1, &text, &len);
    const qr_qpair *pairs;
    int outermost = lua_toboolean(L, 3);
    qbufs b;
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    pairs = find_pairs(L, t, text, len, outermost, &np, &b);
    lua_createtable(L, np > INT_MAX ? INT_MAX : (int)np, 0);
    for (m = 0; m < np; m++) {
        const qr_qpair *p = &pairs[m];
        lua_createtable(L, 0, 6);
        set_int(L, "open", p->open + 1);
        if (p->close >= 0) set_int(L, "close", p->close + 1);
        set_int(L, "start", p->start);
        set_int(L, "stop", p->stop);
        lua_pushboolean(L, p->single);
        lua_setfield(L, -2, "single");
        if (p->depth >= 0) set_int(L, "depth", p->depth);
        lua_rawseti(L, -2, (lua_Integer)m + 1);
    }
    return 1;
}

/* Sets the field whose name is at index k of the table on top to integer
 * v, raw (no string looked up for the name). */
static void rec_int(lua_State *L, int k, lua_Integer v)
{
    lua_pushvalue(L, k);
    lua_pushinteger(L, v);
    lua_rawset(L, -3);
}

/***
quarry.core.quote_records(tokens, double [, room]) -> records, npairs: the quotes
of a document as the news pack's driver starts them, one table a pair of
marks (the outermost pairs, by start: quote_pairs with outermost) whose
words are not all white space: {open, close (nil for a quote left open),
start, stop (the bytes of its words: those between the marks, the white
space around them left out), para (the opening mark's paragraph, nil
without paragraphs), closed_sentence (its words end on "." or "…"),
soft_end (on ",", "!" or "?"), both false for a quote left open}, made
with room for room fields more (3 by default); npairs: the number of
pairs, those left out counted. See quarry.attribution.quotes.
@function quote_records
@param tokens quarry.Tokens the document's tokens
@param double table mark text -> true for the double marks
@param room integer optional: the fields the caller adds to each record (0 to 64; 3 by default)
@return table the records
@return integer the number of pairs
*/
static int l_quote_records(lua_State *L)
{
    static const char *const fields[] = { "open", "close", "start", "stop", "para", "closed_sentence", "soft_end" };
    qbufs b;
    int f, k;
    const char *text;
    size_t len, np, m;
    lua_Integer nq = 0;
    const qr_tokens *t = qr_check_tokens(L, 1, &text, &len);
    const qr_qpair *pairs;
    lua_Integer room = luaL_optinteger(L, 3, 3);
    luaL_checktype(L, 2, LUA_TTABLE);
    luaL_argcheck(L, room >= 0 && room <= 64, 3, "expected 0 to 64 fields more");
    lua_settop(L, 2);
    pairs = find_pairs(L, t, text, len, 1, &np, &b);
    k = lua_gettop(L);      /* (the blocks of find_pairs, if any, stay below) */
    for (f = 0; f < 7; f++) lua_pushstring(L, fields[f]);     /* k + 1 .. k + 7: the fields' names */
    lua_createtable(L, fit_int(np), 0);     /* k + 8: the records */
    for (m = 0; m < np; m++) {
        const qr_qpair *p = &pairs[m];
        qr_qwordspan w;
        if (!qr_quote_words(text, len, p->start, p->stop, p->close >= 0, &w)) continue;
        lua_createtable(L, 0, 7 + (int)room);
        rec_int(L, k + 1, p->open + 1);
        if (p->close >= 0) rec_int(L, k + 2, p->close + 1);
        rec_int(L, k + 3, (lua_Integer)w.start);
        rec_int(L, k + 4, (lua_Integer)w.stop);
        if (t->npara) rec_int(L, k + 5, (lua_Integer)qr_tokens_group_of(t->para, t->npara, (size_t)p->open) + 1);
        lua_pushvalue(L, k + 6);
        lua_pushboolean(L, w.closed_sentence);
        lua_rawset(L, -3);
        lua_pushvalue(L, k + 7);
        lua_pushboolean(L, w.soft_end);
        lua_rawset(L, -3);
        lua_rawseti(L, k + 8, ++nq);
    }
    lua_pushinteger(L, (lua_Integer)np);
    return 2;
}

/* The token number (1 .. n) that key 2 of an __index names, or 0 when
 * it names none: a number of integral value, a float as a table takes it
 * (t[2.0] is t[2]); a string is no token number. */
static lua_Integer token_key(lua_State *L, size_t n)
{
    int isnum;
    lua_Integer i;
    if (lua_type(L, 2) != LUA_TNUMBER) return 0;
    i = lua_tointegerx(L, 2, &isnum);
    return isnum && i >= 1 && (lua_Unsigned)i <= (lua_Unsigned)n ? i : 0;
}

/* The __index of a document's sents (quote_document; upvalue 1: the
 * attribution sentence of each token, a block of uint32_t): for a token
 * number i, its sentence; nil for any other key. */
static int sents_index(lua_State *L)
{
    const uint32_t *sents = lua_touserdata(L, lua_upvalueindex(1));
    lua_Integer i;
    if (!sents) return 0;
    i = token_key(L, lua_rawlen(L, lua_upvalueindex(1)) / sizeof *sents);
    if (!i) return 0;
    lua_pushinteger(L, sents[i - 1]);
    return 1;
}

/* quote_sentences (lazy: sents an empty table read through sents_index). */
static int push_sentences(lua_State *L, int lazy)
{
    const qr_tokens *t = qr_check_tokens(L, 1, NULL, NULL);
    lua_Integer window = luaL_checkinteger(L, 2);
    size_t ns = t->nsent, nlong, s;
    uint32_t *joined, *root;
    qr_qlong *longs;
    luaL_argcheck(L, window >= 1 && window <= INT_MAX, 2, "window out of range");
    lua_settop(L, 2);
    qr_limit_work(L, (long long)t->n);
    /* 3: one block for the long sentences, then joined and root (the
     * stricter alignment first) */
    longs = lua_newuserdatauv(L, (ns ? ns : 1) * (sizeof *longs + sizeof *joined + sizeof *root), 0);
    joined = (uint32_t *)(longs + (ns ? ns : 1));
    root = joined + (ns ? ns : 1);
    nlong = ns ? qr_quote_sentences(t, qr_tokens_keys(L, 1, 0), (uint32_t)window, joined, root, longs) : 0;
    lua_newtable(L);                /* 4: joined */
    lua_newtable(L);                /* 5: root */
    for (s = 0; s < ns; s++) {
        if (!root[s]) continue;
        lua_pushinteger(L, joined[s]);
        lua_rawseti(L, 4, (lua_Integer)s + 1);
        lua_pushinteger(L, root[s]);
        lua_rawseti(L, 5, (lua_Integer)s + 1);
    }
    lua_createtable(L, nlong > INT_MAX ? INT_MAX : (int)nlong, 0);    /* 6: long */
    for (s = 0; s < nlong; s++) {
        lua_createtable(L, 0, 4);
        set_int(L, "s", longs[s].s);
        set_int(L, "first", longs[s].first);
        set_int(L, "before", longs[s].before);
        set_int(L, "after", longs[s].after);
        lua_rawseti(L, 6, (lua_Integer)s + 1);
    }
    /* 7: the attribution sentence of each token; 8: the first token of each */
    lua_createtable(L, ns && !lazy && t->n < INT_MAX ? (int)t->n : 0, 0);
    lua_createtable(L, (int)(ns + nlong), 0);     /* (a window of a long sentence is one more) */
    if (ns) {
        uint32_t *sents = lua_newuserdatauv(L, t->n * sizeof *sents, 0);     /* 9 */
        uint32_t prev = 0;
        size_t i;
        qr_quote_sentence_of(t, root, longs, nlong, (uint32_t)window, sents);
        for (i = 0; i < t->n; i++) {
            if (!lazy) {
                lua_pushinteger(L, sents[i]);
                lua_rawseti(L, 7, (lua_Integer)i + 1);
            }
            if (sents[i] != prev) {     /* (the numbers only grow) */
                lua_pushinteger(L, (lua_Integer)i + 1);
                lua_rawseti(L, 8, sents[i]);
                prev = sents[i];
            }
        }
        if (lazy) {
            lua_createtable(L, 0, 2);
            lua_pushvalue(L, 9);
            lua_pushcclosure(L, sents_index, 1);
            lua_setfield(L, -2, "__index");
            lua_pushliteral(L, "quarry.attribution.sents");
            lua_setfield(L, -2, "__metatable");
            lua_setmetatable(L, 7);
        }
        lua_settop(L, 8);
    }
    return 5;
}

/***
quarry.core.quote_sentences(tokens, window) -> joined, root, long, sents, starts:
the attribution sentences of a document (see qr_quote.h): joined[s] the
first token of sentence s when it goes on the one before, root[s] the
first sentence of those it goes on; long: {s, first, before, after} for
each sentence (with those joined to it) of more than window tokens, in
order; sents[i] the attribution sentence of token i, starts[a] the first
token of attribution sentence a (both empty without sentences).
See quarry.attribution.sentences.
@function quote_sentences
@param tokens quarry.Tokens the document's tokens
@param window integer the most tokens of a window (>= 1)
@return table joined
@return table root
@return table long
@return table sents
@return table starts
*/
static int l_quote_sentences(lua_State *L) { return push_sentences(L, 0); }

/* quote_sentences whose sents are read through a C lookup (quote_document):
 * a walk reads the sentence of a few of the document's tokens. */
static int l_quote_sentences_lazy(lua_State *L) { return push_sentences(L, 1); }

/* Which kind of name annotation the value on top is the type of: 2 for
 * "person", 1 for "organization" or "location", 0 for anything else. */
static int name_type(lua_State *L)
{
    size_t n;
    const char *s;
    if (lua_type(L, -1) != LUA_TSTRING) return 0;
    s = lua_tolstring(L, -1, &n);
    if (n == 6 && memcmp(s, "person", 6) == 0) return 2;
    if ((n == 12 && memcmp(s, "organization", 12) == 0) || (n == 8 && memcmp(s, "location", 8) == 0)) return 1;
    return 0;
}

/* The stack of quote_mentions: the tokens, kept, the field names it reads
 * and sets (pushed once a call: each read or set is then a raw one, with
 * no string to look up), the block of mentions, then the tables made. */
enum { QM_TOKENS = 1, QM_KEPT, QM_TYPE, QM_START, QM_STOP, QM_FIRST, QM_LAST, QM_BLOCK, QM_AT, QM_ENDS,
       QM_IN_NAME, QM_PERSONS, QM_ANN };

/* The integer field (its name at key) of annotation k (on top), or an
 * error naming it. */
static lua_Integer ann_int(lua_State *L, lua_Integer k, int key)
{
    int ok;
    lua_Integer v;
    lua_pushvalue(L, key);
    lua_rawget(L, -2);
    v = lua_tointegerx(L, -1, &ok);
    if (!ok) luaL_error(L, "quote_mentions: kept[%I] has no integer %s", k, lua_tostring(L, key));
    lua_pop(L, 1);
    return v;
}


/* A name among the annotations: its type (name_type) and tokens. */
typedef struct { int ty, covered; size_t first, last; } qmention;

/* Reads mention k of kept (on top) into e; -> the tokens it adds to
 * in_name, and counts a covered name and a person. */
static size_t read_mention(lua_State *L, const qr_tokens *t, lua_Integer k, qmention *e,
                           size_t *ncov, size_t *npers)
{
    lua_Integer start, stop;
    if (lua_type(L, -1) != LUA_TTABLE) luaL_error(L, "quote_mentions: kept[%I] is not a table", k);
    lua_pushvalue(L, QM_TYPE);
    lua_rawget(L, -2);
    e->ty = name_type(L);
    e->covered = 0;
    lua_pop(L, 1);
    if (!e->ty) return 0;
    start = ann_int(L, k, QM_START);
    stop = ann_int(L, k, QM_STOP);
    e->covered = stop > 0 && stop > start
        && qr_tokens_cover(t, start < 0 ? 0 : (size_t)start, (size_t)stop, &e->first, &e->last);
    if (e->ty == 2) (*npers)++;
    if (!e->covered) return 0;
    (*ncov)++;
    return e->ty == 1 ? e->last - e->first + 1 : 0;
}

/* Reads the annotations of kept, up to the first nil, into a block at
 * QM_BLOCK (grown as it fills; #kept its first size), charging each to
 * the work limit; -> their number, the tokens the organizations and
 * locations cover in *nin, and counts the covered names and the persons. */
static lua_Integer read_mentions(lua_State *L, const qr_tokens *t, size_t *nin, size_t *ncov, size_t *npers)
{
    size_t cap = lua_rawlen(L, QM_KEPT), charged = 0;
    lua_Integer n = 0;
    qmention *m;
    if (cap < 16) cap = 16;
    if (cap > 4096) cap = 4096;
    m = lua_newuserdatauv(L, cap * sizeof *m, 0);                     /* QM_BLOCK */
    *nin = 0;
    while (lua_geti(L, QM_KEPT, n + 1) != LUA_TNIL) {
        if ((size_t)n == cap) {
            qmention *grown;
            qr_limit_work(L, (long long)((size_t)n - charged));
            charged = (size_t)n;
            luaL_argcheck(L, cap <= (SIZE_MAX / sizeof *m) / 2, 2, "too many annotations");
            grown = lua_newuserdatauv(L, 2 * cap * sizeof *m, 0);
            memcpy(grown, m, cap * sizeof *m);
            lua_replace(L, QM_BLOCK);
            m = grown;
            cap *= 2;
        }
        n++;
        *nin += read_mention(L, t, n, &m[n - 1], ncov, npers);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    qr_limit_work(L, (long long)((size_t)n - charged));
    return n;
}

/***
quarry.core.quote_mentions(tokens, kept) -> at, ends, in_name, persons:
the names among a document's annotations, by token. For each annotation
a of kept (in order, up to the first nil) whose type is "person",
"organization" or "location" and whose span [a.start, a.stop) touches
tokens f .. l (tokens:cover), sets a.first_tok = f, a.last_tok = l,
at[f] = a, ends[l] = a and, unless a person's, in_name[t] = true for t in
f .. l; persons lists the person annotations in order (those touching no
token too). The annotations are plain tables: their fields are read and
set raw. See quarry.attribution.mentions.
@function quote_mentions
@param tokens quarry.Tokens the document's tokens
@param kept table the annotations, in order
@return table at
@return table ends
@return table in_name
@return table persons
*/
static int l_quote_mentions(lua_State *L)
{
    const qr_tokens *t = qr_check_tokens(L, QM_TOKENS, NULL, NULL);
    lua_Integer k, n, np = 0;
    size_t nin, ncov = 0, npers = 0;
    qmention *m;
    luaL_checktype(L, QM_KEPT, LUA_TTABLE);
    lua_settop(L, QM_KEPT);
    lua_pushliteral(L, "type");
    lua_pushliteral(L, "start");
    lua_pushliteral(L, "stop");
    lua_pushliteral(L, "first_tok");
    lua_pushliteral(L, "last_tok");
    n = read_mentions(L, t, &nin, &ncov, &npers);                  /* QM_BLOCK: the mentions */
    m = lua_touserdata(L, QM_BLOCK);
    qr_limit_work(L, (long long)nin);
    lua_createtable(L, 0, fit_int(ncov));       /* QM_AT */
    lua_createtable(L, 0, fit_int(ncov));       /* QM_ENDS */
    lua_createtable(L, 0, fit_int(nin));        /* QM_IN_NAME */
    lua_createtable(L, fit_int(npers), 0);      /* QM_PERSONS */
    for (k = 1; k <= n; k++) {
        const qmention *e = &m[k - 1];
        size_t f;
        if (!e->ty) continue;
        /* QM_ANN: a, read again (kept's __index may give another value
         * now): the raw sets below need a table */
        if (lua_geti(L, QM_KEPT, k) != LUA_TTABLE)
            luaL_error(L, "quote_mentions: kept[%I] is not a table", k);
        if (e->covered) {
            lua_pushvalue(L, QM_FIRST);
            lua_pushinteger(L, (lua_Integer)e->first + 1);
            lua_rawset(L, QM_ANN);
            lua_pushvalue(L, QM_LAST);
            lua_pushinteger(L, (lua_Integer)e->last + 1);
            lua_rawset(L, QM_ANN);
            lua_pushvalue(L, QM_ANN);
            lua_rawseti(L, QM_AT, (lua_Integer)e->first + 1);
            lua_pushvalue(L, QM_ANN);
            lua_rawseti(L, QM_ENDS, (lua_Integer)e->last + 1);
            for (f = e->first; e->ty == 1 && f <= e->last; f++) {
                lua_pushboolean(L, 1);
                lua_rawseti(L, QM_IN_NAME, (lua_Integer)f + 1);
            }
        }
        if (e->ty == 2) lua_rawseti(L, QM_PERSONS, ++np); else lua_pop(L, 1);
    }
    return 4;
}

/* What the key and kind columns of a document read (quote_columns): a
 * copy of its tokens' keys and kinds, in one block, so that a column
 * outlives the tokens and reads no quarry.Tokens: n, then off[n + 1] (the
 * keys' offsets in buf), kind[n], buf. */
typedef struct qcolumns {
    size_t n;
} qcolumns;

#define QCOL_OFF(c) ((const uint32_t *)((const char *)(c) + sizeof(qcolumns)))
#define QCOL_KIND(c) ((const unsigned char *)(QCOL_OFF(c) + (c)->n + 1))
#define QCOL_BUF(c) ((const char *)(QCOL_KIND(c) + (c)->n))

/* Fills token i (1 .. c->n) of both columns of quote_columns: its key
 * in keys, its kind's name in kinds (names: the kinds' names, name k + 1
 * of kind k, "?" last); leaves the key, then the kind, on the stack. */
static void columns_fill(lua_State *L, const qcolumns *c, lua_Integer i, int keys, int kinds, int names)
{
    const uint32_t *off = QCOL_OFF(c);
    lua_pushlstring(L, QCOL_BUF(c) + off[i - 1], off[i] - off[i - 1]);
    lua_pushvalue(L, -1);
    lua_rawseti(L, keys, i);
    lua_rawgeti(L, names, QCOL_KIND(c)[i - 1] + 1);
    lua_pushvalue(L, -1);
    lua_rawseti(L, kinds, i);
}

/* The token number of key 2 of an __index of a column over c, or 0 when
 * it is not one (token_key). */
static lua_Integer column_token(lua_State *L, const qcolumns *c)
{
    return c ? token_key(L, c->n) : 0;
}

/* The __index of the key column of quote_columns (upvalue 1: the
 * qcolumns, 2: the kind column, 3: the kinds' names): for a token number
 * i, the key of token i, set in both columns with its kind (the next read
 * finds them there); nil for any other key. */
static int keys_index(lua_State *L)
{
    const qcolumns *c = lua_touserdata(L, lua_upvalueindex(1));
    lua_Integer i = column_token(L, c);
    if (!i) return 0;
    columns_fill(L, c, i, 1, lua_upvalueindex(2), lua_upvalueindex(3));
    lua_pop(L, 1);
    return 1;
}

/* The __index of the kind column (upvalue 2: the key column): as
 * keys_index, the kind of token i. */
static int kinds_index(lua_State *L)
{
    const qcolumns *c = lua_touserdata(L, lua_upvalueindex(1));
    lua_Integer i = column_token(L, c);
    if (!i) return 0;
    columns_fill(L, c, i, lua_upvalueindex(2), 1, lua_upvalueindex(3));
    return 1;
}

/* Pushes the kinds' names, name k + 1 of kind k and "?" last: one table a
 * Lua state, made on first use and kept in the registry (keyed by the
 * address of kind_names_key), that no Lua code reaches or changes. */
static const char kind_names_key = 'k';
static void push_kind_names(lua_State *L)
{
    unsigned k;
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &kind_names_key) == LUA_TTABLE) return;
    lua_pop(L, 1);
    lua_createtable(L, QR_KIND_COUNT + 1, 0);
    for (k = 0; k <= QR_KIND_COUNT; k++) {
        lua_pushstring(L, qr_kind_name(k));
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &kind_names_key);
}

/* Sets the metatable of the column at idx: its __index f reads the
 * qcolumns at 1 and the kinds' names at 4, and sets the column at other
 * too. */
static void column_metatable(lua_State *L, int idx, int other, lua_CFunction f)
{
    lua_createtable(L, 0, 2);
    lua_pushvalue(L, 1);
    lua_pushvalue(L, other);
    lua_pushvalue(L, 4);
    lua_pushcclosure(L, f, 3);
    lua_setfield(L, -2, "__index");
    lua_pushliteral(L, "quarry.attribution.columns");
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, idx);
}

/***
quarry.core.quote_columns(tokens) -> keys, kinds: the key and the kind of
each token as tokens:get(i, "key") and tokens:get(i, "kind") give them,
keys[i] and kinds[i], made when first read (both at once) and kept in
the columns: a walk that reads a few tokens of a long document makes only
theirs. Read them by token number (1 .. #tokens; nil elsewhere): pairs
and # see only the values read so far. They hold a copy of what they
need (the tokens may be closed). See quarry.attribution.columns.
@function quote_columns
@param tokens quarry.Tokens the document's tokens
@return table keys
@return table kinds
*/
static int l_quote_columns(lua_State *L)
{
    const qr_tokens *t = qr_check_tokens(L, 1, NULL, NULL);
    const qr_keys *k = t->n ? qr_tokens_keys(L, 1, 0) : NULL;
    size_t n = t->n, bytes = k ? k->off[n] : 0, i;
    qcolumns *c;
    uint32_t *off;
    unsigned char *kind;
    qr_limit_work(L, (long long)n);
    lua_settop(L, 1);
    c = lua_newuserdatauv(L, sizeof *c + (n + 1) * sizeof *off + n + bytes, 0);     /* 2 */
    c->n = n;
    off = (uint32_t *)((char *)c + sizeof *c);
    kind = (unsigned char *)(off + n + 1);
    if (k) {
        memcpy(off, k->off, (n + 1) * sizeof *off);
        memcpy(kind + n, k->buf, bytes);
    } else {
        off[0] = 0;
    }
    for (i = 0; i < n; i++) kind[i] = (unsigned char)(t->tok[i].kind < QR_KIND_COUNT ? t->tok[i].kind : QR_KIND_COUNT);
    lua_replace(L, 1);                      /* 1: the qcolumns */
    lua_createtable(L, fit_int(n), 0);      /* 2: keys (their values set in place) */
    lua_createtable(L, fit_int(n), 0);      /* 3: kinds */
    push_kind_names(L);                     /* 4: the kinds' names ("?" last) */
    column_metatable(L, 2, 3, keys_index);
    column_metatable(L, 3, 2, kinds_index);
    lua_settop(L, 3);
    return 2;
}

/* Calls f with the values at a and b (b: 0 for none), keeping nres
 * results on the stack. */
static void call_with(lua_State *L, lua_CFunction f, int a, int b, int nres)
{
    lua_pushcfunction(L, f);
    lua_pushvalue(L, a);
    if (b) lua_pushvalue(L, b);
    lua_call(L, b ? 2 : 1, nres);
}

/* Sets the fields names[0 .. n - 1] of the table at t to the n values on
 * top of the stack (the first name to the lowest), and pops them. */
static void set_fields(lua_State *L, int t, const char *const *names, int n)
{
    while (n-- > 0) lua_setfield(L, t, names[n]);
}

/* Pushes the metatable of the documents whose methods are the table at
 * methods, {__index = methods}: one a methods table, made on first use
 * and kept in a table of the registry with weak keys (keyed by the
 * address of doc_meta_key), out of reach of Lua code. */
static const char doc_meta_key = 'm';
static void push_doc_metatable(lua_State *L, int methods)
{
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &doc_meta_key) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_createtable(L, 0, 1);
        lua_createtable(L, 0, 1);
        lua_pushliteral(L, "k");
        lua_setfield(L, -2, "__mode");
        lua_setmetatable(L, -2);
        lua_pushvalue(L, -1);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &doc_meta_key);
    }
    lua_pushvalue(L, methods);
    if (lua_rawget(L, -2) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_createtable(L, 0, 1);
        lua_pushvalue(L, methods);
        lua_setfield(L, -2, "__index");
        lua_pushvalue(L, methods);
        lua_pushvalue(L, -2);
        lua_rawset(L, -4);
    }
    lua_remove(L, -2);
}

/***
quarry.core.quote_document(tokens, kept, window, methods) -> doc: the
record of a document that quote attribution reads, in one table made at
its size: toks (the tokens), n (#tokens), kept, keys and kinds
(quote_columns), joined, root, long, sents, starts (quote_sentences with
window; sents an empty table whose __index looks a token's sentence up
in C: read it by token number, pairs and # see nothing), at, ends,
in_name, persons (quote_mentions of kept), get and span (the tokens' get
and span methods), and cache, cues, cases, paras (empty tables, the
caller's lookups, made with room for a few entries: most documents fill
four or fewer, cases up to sixteen); its metatable's __index is methods (a metatable set
here, out of reach of a sandbox's getmetatable). See
quarry.attribution.document.
@function quote_document
@param tokens quarry.Tokens the document's tokens
@param kept table the annotations, in order
@param window integer the most tokens of a window (>= 1)
@param methods table the record's methods
@return table the record
*/
static int l_quote_document(lua_State *L)
{
    static const char *const columns[] = { "keys", "kinds" };
    static const char *const sentences[] = { "joined", "root", "long", "sents", "starts" };
    static const char *const mentions[] = { "at", "ends", "in_name", "persons" };
    static const char *const caches[] = { "cache", "cues", "cases", "paras" };
    const qr_tokens *t = qr_check_tokens(L, 1, NULL, NULL);
    int k;
    luaL_checktype(L, 2, LUA_TTABLE);
    luaL_checkinteger(L, 3);
    luaL_checktype(L, 4, LUA_TTABLE);
    lua_settop(L, 4);
    lua_createtable(L, 0, 20 + 3);  /* 5: the record: its 20 fields, and room for three of the caller's */
    lua_pushvalue(L, 1);
    lua_setfield(L, 5, "toks");
    lua_pushinteger(L, (lua_Integer)t->n);
    lua_setfield(L, 5, "n");
    lua_pushvalue(L, 2);
    lua_setfield(L, 5, "kept");
    call_with(L, l_quote_columns, 1, 0, 2);
    set_fields(L, 5, columns, 2);
    call_with(L, l_quote_sentences_lazy, 1, 3, 5);
    set_fields(L, 5, sentences, 5);
    call_with(L, l_quote_mentions, 1, 2, 4);
    set_fields(L, 5, mentions, 4);
    for (k = 0; k < 4; k++) {
        /* (room for the entries most documents put there: no table
         * grown one rehash at a time, 1, 2, 4, …) */
        lua_createtable(L, 0, k == 2 ? 16 : 4);
        lua_setfield(L, 5, caches[k]);
    }
    lua_getfield(L, 1, "get");
    lua_setfield(L, 5, "get");
    lua_getfield(L, 1, "span");
    lua_setfield(L, 5, "span");
    push_doc_metatable(L, 4);
    lua_setmetatable(L, 5);
    return 1;
}

void qr_open_quote(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        { "quote_pairs", l_quote_pairs }, { "quote_sentences", l_quote_sentences },
        { "quote_mentions", l_quote_mentions }, { "quote_columns", l_quote_columns },
        { "quote_document", l_quote_document }, { "quote_records", l_quote_records },
        { NULL, NULL }
    };
    luaL_setfuncs(L, funcs, 0);
}
