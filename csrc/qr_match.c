/*
 * Token patterns: a backtracking matcher over tokens and the annotations of
 * earlier phases. lua/quarry/pattern.lua compiles the Lua DSL into a
 * description (instructions, predicates, constants); this file checks it,
 * builds the C program and runs every rule of a phase over a text in one
 * pass, dispatching on the first token so that a rule only runs where it
 * can start.
 *
 * Semantics are those of regular expressions over tokens: alternatives and
 * repetitions backtrack (greedy or lazy), the first successful path from a
 * start token is that start's match. Units: one token (a predicate), an
 * annotation of an earlier phase (longest first), lookaround.
 */
#include "qr_hash.h"
#include "qr_lua.h"
#include "qr_keys.h"
#include "qr_regex.h"
#include "qr_token.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define QR_MATCHER_MT "quarry.Matcher"

/***
@module quarry.core
*/

/* --- instructions and predicates ------------------------------------------ */

enum op {
    OP_END, OP_TOKEN, OP_ANN, OP_CHOICE, OP_JMP, OP_FAIL, OP_OPEN, OP_CLOSE,
    OP_AHEAD, OP_BEHIND, OP_COUNT
};

typedef struct inst {
    int op;
    int a, b, c, d;    /* operands; see compile_code */
} inst;

enum pred_op {
    P_TRUE, P_TEXT, P_KEY, P_BARE, P_KEYSET, P_BARESET, P_KIND, P_CASE, P_SHAPE,
    P_SHORT_SHAPE, P_REGEX, P_LEN, P_FLAGS, P_WITHIN, P_STARTS, P_ENDS, P_NOT, P_AND, P_OR,
    P_COUNT
};

typedef struct strset {
    char **keys;        /* open addressing, NULL = empty */
    size_t *lens;
    size_t cap, count;
} strset;

typedef struct pred {
    int op;
    int a, b;           /* masks, numbers, class, set or regex index */
    char *s;            /* string operand */
    size_t slen;
    int *kids;          /* P_NOT/P_AND/P_OR: predicate indexes */
    int nkids;
} pred;

typedef struct rule {
    char *name;
    int entry;          /* first instruction */
    int ncaps;
    int scope;          /* SCOPE_* */
    int first_any;      /* 1: can start on any token (after kind/case filter) */
    uint64_t required;  /* bloom bits of the keys every match contains */
    unsigned first_kinds, first_cases;
    int anchor_off;     /* > 0: every match has a token meeting predicate */
    int anchor_pred;    /* anchor_pred (a key) this many tokens after its start */
    int anchor_hashed;  /* the anchor is one key, whose hash_bytes is anchor_hash */
    uint64_t anchor_hash;
} rule;

enum { SCOPE_DOCUMENT, SCOPE_PARAGRAPH, SCOPE_SENTENCE };

#define QR_MAX_CAPS 65536   /* capture slots of a rule: 0 .. QR_MAX_CAPS - 1 */

/* Rules that may start on a token with a given key: key -> rule list. */
typedef struct dispatch {
    strset keys;        /* key -> slot in lists */
    int **lists;        /* per key slot: rule ids, -1 terminated */
    int *any;           /* rules that may start on any key, -1 terminated */
    size_t nany;
    /* ... of them, those whose first token may have this kind and case: most
     * tokens then try no rule at all instead of failing each one */
    int *any_by[QR_KIND_COUNT][QR_CASE_COUNT];
} dispatch;

/* Declared rules (matcher:declare): their matches come out as finished
 * annotations. The strings and constant values live in user value 2. */
enum { EA_CONST, EA_CAP, EA_MATCH };

typedef struct emitattr {
    int key;            /* user value 2 index of the key */
    int kind;           /* EA_* */
    int arg;            /* EA_CONST: index of the value; EA_CAP: capture slot */
} emitattr;

typedef struct emitspec {
    int on;
    int type, name, phase;  /* user value 2 indexes */
    int span;           /* capture slot giving the span, or -1: the match */
    int nattrs;         /* -1: no attrs table */
    emitattr *attrs;
} emitspec;

typedef struct matcher {
    inst *code;
    int ncode;
    pred *preds;
    int npreds;
    strset *sets;
    int nsets;
    qr_regex **regexes;  /* anchored by user value 1 (the regex list) */
    int nregexes;
    rule *rules;
    int nrules;
    int nclasses;
    int needs_keys, needs_bare;
    int any_required;   /* some rule has required keys: build paragraph blooms */
    dispatch disp;
    emitspec *emit;     /* per rule, or NULL when no rule is declared */
    int nvalues;        /* items in user value 2 */
    long step_limit;
    int closed;
} matcher;

/* --- string sets -------------------------------------------------------------- */

/* Eight bytes at a time: every key of a text is hashed once a run. The low
 * bits index the sets, two groups of six the paragraph filters. */
static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = qr_hash_absorb(s, n);
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    return h;
}

/* Two bits of a 64-bit bloom filter for a key whose hash_bytes is h. */
static uint64_t bloom_of(uint64_t h)
{
    return ((uint64_t)1 << (h & 63)) | ((uint64_t)1 << ((h >> 6) & 63));
}

static uint64_t bloom_bits(const char *s, size_t n)
{
    return bloom_of(hash_bytes(s, n));
}

static void strset_free(strset *st)
{
    size_t i;
    for (i = 0; i < st->cap; i++) free(st->keys[i]);
    free(st->keys);
    free(st->lens);
    memset(st, 0, sizeof *st);
}

static int strset_init(strset *st, size_t expected)
{
    size_t cap = 16;
    while (cap < expected * 2 + 2) cap <<= 1;
    st->keys = calloc(cap, sizeof *st->keys);
    st->lens = calloc(cap, sizeof *st->lens);
    st->cap = cap;
    st->count = 0;
    return st->keys && st->lens;
}

/* Slot of s (whose hash_bytes is h), or of the empty place where it would go. */
static size_t strset_slot_h(const strset *st, const char *s, size_t n, uint64_t h)
{
    size_t i = (size_t)h & (st->cap - 1);
    while (st->keys[i] && (st->lens[i] != n || memcmp(st->keys[i], s, n)))
        i = (i + 1) & (st->cap - 1);
    return i;
}

static size_t strset_slot(const strset *st, const char *s, size_t n)
{
    return strset_slot_h(st, s, n, hash_bytes(s, n));
}

static long strset_find_h(const strset *st, const char *s, size_t n, uint64_t h)
{
    size_t i;
    if (!st->cap) return -1;
    i = strset_slot_h(st, s, n, h);
    return st->keys[i] ? (long)i : -1;
}

static long strset_find(const strset *st, const char *s, size_t n)
{
    return strset_find_h(st, s, n, hash_bytes(s, n));
}

/* Adds s (the set was sized for it); returns its slot or -1 on no memory. */
static long strset_add(strset *st, const char *s, size_t n)
{
    size_t i = strset_slot(st, s, n);
    if (!st->keys[i]) {
        char *copy = malloc(n + 1);
        if (!copy) return -1;
        memcpy(copy, s, n);
        copy[n] = '\0';
        st->keys[i] = copy;
        st->lens[i] = n;
        st->count++;
    }
    return (long)i;
}

/* --- freeing ------------------------------------------------------------------ */

static void matcher_free(matcher *m)
{
    int i;
    size_t k;
    if (m->preds)
        for (i = 0; i < m->npreds; i++) { free(m->preds[i].s); free(m->preds[i].kids); }
    free(m->preds);
    if (m->sets) for (i = 0; i < m->nsets; i++) strset_free(&m->sets[i]);
    free(m->sets);
    if (m->rules) for (i = 0; i < m->nrules; i++) free(m->rules[i].name);
    free(m->rules);
    free(m->code);
    free(m->regexes);
    if (m->disp.lists) for (k = 0; k < m->disp.keys.cap; k++) free(m->disp.lists[k]);
    free(m->disp.lists);
    strset_free(&m->disp.keys);
    free(m->disp.any);
    if (m->emit) for (i = 0; i < m->nrules; i++) free(m->emit[i].attrs);
    free(m->emit);
    for (i = 0; i < QR_KIND_COUNT; i++)
        for (int c = 0; c < QR_CASE_COUNT; c++) free(m->disp.any_by[i][c]);
    memset(m, 0, sizeof *m);
    m->closed = 1;
}

/* --- reading the description -------------------------------------------------- */

/* Integer field of the table at idx; raises naming where when missing. */
static int int_field(lua_State *L, int idx, const char *key, const char *where)
{
    int isnum, v;
    lua_getfield(L, idx, key);
    v = (int)lua_tointegerx(L, -1, &isnum);
    if (!isnum) luaL_error(L, "matcher description: %s needs an integer '%s'", where, key);
    lua_pop(L, 1);
    return v;
}

static int opt_int_field(lua_State *L, int idx, const char *key, int dflt)
{
    int isnum, v;
    lua_getfield(L, idx, key);
    v = (int)lua_tointegerx(L, -1, &isnum);
    lua_pop(L, 1);
    return isnum ? v : dflt;
}

static char *dup_lstring(lua_State *L, int idx, size_t *len)
{
    size_t n;
    const char *s = lua_tolstring(L, idx, &n);
    char *copy = malloc(n + 1);
    if (!copy) luaL_error(L, "not enough memory");
    memcpy(copy, s, n);
    copy[n] = '\0';
    if (len) *len = n;
    return copy;
}

static void read_sets(lua_State *L, int desc, matcher *m)
{
    int i;
    lua_getfield(L, desc, "sets");
    m->nsets = lua_istable(L, -1) ? (int)lua_rawlen(L, -1) : 0;
    m->sets = calloc((size_t)m->nsets + 1, sizeof *m->sets);
    if (!m->sets) luaL_error(L, "not enough memory");
    for (i = 0; i < m->nsets; i++) {
        size_t k, count;
        lua_rawgeti(L, -1, i + 1);
        luaL_checktype(L, -1, LUA_TTABLE);
        count = lua_rawlen(L, -1);
        if (!strset_init(&m->sets[i], count)) luaL_error(L, "not enough memory");
        for (k = 0; k < count; k++) {
            size_t n;
            const char *s;
            lua_rawgeti(L, -1, (lua_Integer)k + 1);
            s = lua_tolstring(L, -1, &n);
            if (!s) luaL_error(L, "matcher description: set %d holds a non-string", i + 1);
            if (strset_add(&m->sets[i], s, n) < 0) luaL_error(L, "not enough memory");
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

static void read_regexes(lua_State *L, int desc, matcher *m, int self)
{
    int i;
    lua_getfield(L, desc, "regexes");
    m->nregexes = lua_istable(L, -1) ? (int)lua_rawlen(L, -1) : 0;
    m->regexes = calloc((size_t)m->nregexes + 1, sizeof *m->regexes);
    if (!m->regexes) luaL_error(L, "not enough memory");
    for (i = 0; i < m->nregexes; i++) {
        lua_rawgeti(L, -1, i + 1);
        m->regexes[i] = qr_check_regex(L, -1);
        lua_pop(L, 1);
    }
    /* the matcher keeps its regexes alive */
    lua_setiuservalue(L, self, 1);
}

static void read_preds(lua_State *L, int desc, matcher *m)
{
    int i;
    lua_getfield(L, desc, "preds");
    luaL_checktype(L, -1, LUA_TTABLE);
    m->npreds = (int)lua_rawlen(L, -1);
    m->preds = calloc((size_t)m->npreds + 1, sizeof *m->preds);
    if (!m->preds) luaL_error(L, "not enough memory");
    for (i = 0; i < m->npreds; i++) {
        pred *p = &m->preds[i];
        int t = lua_gettop(L) + 1;
        lua_rawgeti(L, -1, i + 1);
        luaL_checktype(L, t, LUA_TTABLE);
        p->op = int_field(L, t, "op", "a predicate");
        if (p->op < 0 || p->op >= P_COUNT) luaL_error(L, "matcher description: bad predicate op %d", p->op);
        p->a = opt_int_field(L, t, "a", 0);
        p->b = opt_int_field(L, t, "b", 0);
        lua_getfield(L, t, "s");
        if (lua_type(L, -1) == LUA_TSTRING) p->s = dup_lstring(L, -1, &p->slen);
        lua_pop(L, 1);
        lua_getfield(L, t, "kids");
        if (lua_istable(L, -1)) {
            int k;
            p->nkids = (int)lua_rawlen(L, -1);
            p->kids = calloc((size_t)p->nkids + 1, sizeof *p->kids);
            if (!p->kids) luaL_error(L, "not enough memory");
            for (k = 0; k < p->nkids; k++) {
                lua_rawgeti(L, -1, k + 1);
                p->kids[k] = (int)lua_tointeger(L, -1) - 1;
                if (p->kids[k] < 0 || p->kids[k] >= i)   /* children come first: no cycles */
                    luaL_error(L, "matcher description: predicate %d has a bad child", i + 1);
                lua_pop(L, 1);
            }
        }
        lua_pop(L, 1);
        switch (p->op) {
        case P_TEXT: case P_KEY: case P_BARE: case P_SHAPE: case P_SHORT_SHAPE:
            if (!p->s) luaL_error(L, "matcher description: predicate %d needs a string", i + 1);
            break;
        case P_KEYSET: case P_BARESET:
            if (p->a < 1 || p->a > m->nsets) luaL_error(L, "matcher description: predicate %d: bad set", i + 1);
            break;
        case P_REGEX:
            if (p->a < 1 || p->a > m->nregexes) luaL_error(L, "matcher description: predicate %d: bad regex", i + 1);
            break;
        case P_WITHIN: case P_STARTS: case P_ENDS:
            if (p->a < 1 || p->a > m->nclasses) luaL_error(L, "matcher description: predicate %d: bad class", i + 1);
            break;
        case P_NOT:
            if (p->nkids != 1) luaL_error(L, "matcher description: predicate %d: 'not' takes one", i + 1);
            break;
        default:
            break;
        }
        if (p->op == P_KEY || p->op == P_KEYSET) m->needs_keys = 1;
        if (p->op == P_BARE || p->op == P_BARESET) m->needs_bare = 1;
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

static void read_code(lua_State *L, int desc, matcher *m)
{
    int i;
    lua_getfield(L, desc, "code");
    luaL_checktype(L, -1, LUA_TTABLE);
    m->ncode = (int)(lua_rawlen(L, -1) / 5);
    m->code = calloc((size_t)m->ncode + 1, sizeof *m->code);
    if (!m->code) luaL_error(L, "not enough memory");
    for (i = 0; i < m->ncode; i++) {
        inst *in = &m->code[i];
        int f[5], k;
        for (k = 0; k < 5; k++) {
            lua_rawgeti(L, -1, 5 * i + k + 1);
            f[k] = (int)lua_tointeger(L, -1);
            lua_pop(L, 1);
        }
        in->op = f[0]; in->a = f[1]; in->b = f[2]; in->c = f[3]; in->d = f[4];
        switch (in->op) {
        case OP_TOKEN:
            if (in->a < 1 || in->a > m->npreds) luaL_error(L, "matcher description: instruction %d: bad predicate", i + 1);
            in->a--;
            break;
        case OP_ANN:
            if (in->a < 1 || in->a > m->nclasses) luaL_error(L, "matcher description: instruction %d: bad class", i + 1);
            break;
        case OP_CHOICE: case OP_JMP:
            if (in->a < 1 || in->a > m->ncode) luaL_error(L, "matcher description: instruction %d: bad target", i + 1);
            in->a--;
            break;
        case OP_AHEAD: case OP_BEHIND:
            if (in->a < 1 || in->a > m->ncode) luaL_error(L, "matcher description: instruction %d: bad target", i + 1);
            in->a--;
            break;
        case OP_OPEN: case OP_CLOSE:
            if (in->a < 0 || in->a >= QR_MAX_CAPS)
                luaL_error(L, "matcher description: instruction %d: bad capture", i + 1);
            break;
        case OP_END: case OP_FAIL:
            break;
        default:
            luaL_error(L, "matcher description: instruction %d: bad op %d", i + 1, in->op);
        }
    }
    lua_pop(L, 1);
}

static void read_rules(lua_State *L, int desc, matcher *m)
{
    int i;
    lua_getfield(L, desc, "rules");
    luaL_checktype(L, -1, LUA_TTABLE);
    m->nrules = (int)lua_rawlen(L, -1);
    m->rules = calloc((size_t)m->nrules + 1, sizeof *m->rules);
    if (!m->rules) luaL_error(L, "not enough memory");
    for (i = 0; i < m->nrules; i++) {
        rule *r = &m->rules[i];
        int t = lua_gettop(L) + 1;
        lua_rawgeti(L, -1, i + 1);
        luaL_checktype(L, t, LUA_TTABLE);
        lua_getfield(L, t, "name");
        r->name = dup_lstring(L, -1, NULL);
        lua_pop(L, 1);
        r->entry = int_field(L, t, "entry", r->name) - 1;
        if (r->entry < 0 || r->entry >= m->ncode) luaL_error(L, "matcher description: rule %s: bad entry", r->name);
        r->ncaps = opt_int_field(L, t, "ncaps", 0);
        r->scope = opt_int_field(L, t, "scope", SCOPE_PARAGRAPH);
        if (r->ncaps < 0 || r->ncaps > QR_MAX_CAPS)
            luaL_error(L, "matcher description: rule %s: bad ncaps %d", r->name, r->ncaps);
        if (r->scope < SCOPE_DOCUMENT || r->scope > SCOPE_SENTENCE)
            luaL_error(L, "matcher description: rule %s: bad scope %d", r->name, r->scope);
        r->first_kinds = (unsigned)opt_int_field(L, t, "first_kinds", -1);
        r->first_cases = (unsigned)opt_int_field(L, t, "first_cases", -1);
        r->anchor_off = opt_int_field(L, t, "anchor_offset", 0);
        r->anchor_pred = opt_int_field(L, t, "anchor_pred", 0) - 1;
        if (r->anchor_off < 0 || (r->anchor_off > 0 && (r->anchor_pred < 0 || r->anchor_pred >= m->npreds)))
            luaL_error(L, "matcher description: rule %s: bad anchor", r->name);
        if (r->anchor_off > 0 && m->preds[r->anchor_pred].op == P_KEY) {
            r->anchor_hashed = 1;
            r->anchor_hash = hash_bytes(m->preds[r->anchor_pred].s, m->preds[r->anchor_pred].slen);
        }
        lua_getfield(L, t, "required_keys");
        if (lua_istable(L, -1)) {
            size_t k, count = lua_rawlen(L, -1);
            for (k = 0; k < count; k++) {
                size_t n;
                const char *key;
                lua_rawgeti(L, -1, (lua_Integer)k + 1);
                key = lua_tolstring(L, -1, &n);
                if (!key) luaL_error(L, "matcher description: rule %s: bad required key", r->name);
                r->required |= bloom_bits(key, n);
                lua_pop(L, 1);
            }
            if (r->required) m->any_required = 1;
        }
        lua_pop(L, 2);
    }
    lua_pop(L, 1);
}

/* Builds the first-token dispatch: rule i starts only on tokens whose key
 * is in its first_keys list when it has one. */
static void build_dispatch(lua_State *L, int desc, matcher *m)
{
    int i, nany = 0;
    size_t total = 0, k;
    int *counts;
    lua_getfield(L, desc, "rules");
    for (i = 0; i < m->nrules; i++) {
        lua_rawgeti(L, -1, i + 1);
        lua_getfield(L, -1, "first_keys");
        if (lua_istable(L, -1)) total += lua_rawlen(L, -1);
        else m->rules[i].first_any = 1, nany++;
        lua_pop(L, 2);
    }
    if (!strset_init(&m->disp.keys, total)) luaL_error(L, "not enough memory");
    m->disp.lists = calloc(m->disp.keys.cap, sizeof *m->disp.lists);
    /* scratch in a userdata: collected even when an error below unwinds */
    counts = lua_newuserdatauv(L, m->disp.keys.cap * sizeof *counts, 0);
    memset(counts, 0, m->disp.keys.cap * sizeof *counts);
    lua_insert(L, -2);
    m->disp.any = malloc(((size_t)nany + 1) * sizeof *m->disp.any);
    if (!m->disp.lists || !m->disp.any) luaL_error(L, "not enough memory");
    /* two passes over the keys: count rules per key, then fill */
    for (int pass = 0; pass < 2; pass++) {
        for (i = 0; i < m->nrules; i++) {
            size_t n;
            lua_rawgeti(L, -1, i + 1);
            lua_getfield(L, -1, "first_keys");
            n = lua_istable(L, -1) ? lua_rawlen(L, -1) : 0;
            for (k = 0; k < n; k++) {
                size_t len;
                const char *s;
                long slot;
                lua_rawgeti(L, -1, (lua_Integer)k + 1);
                s = lua_tolstring(L, -1, &len);
                if (!s) luaL_error(L, "matcher description: rule %s: bad first key", m->rules[i].name);
                slot = pass == 0 ? strset_add(&m->disp.keys, s, len) : strset_find(&m->disp.keys, s, len);
                if (slot < 0) luaL_error(L, "not enough memory");
                if (pass == 0) counts[slot]++;
                else {
                    int *list = m->disp.lists[slot], j = 0;
                    while (list[j] >= 0 && list[j] != i) j++;
                    list[j] = i;     /* a rule listed twice for a key is kept once */
                }
                lua_pop(L, 1);
            }
            lua_pop(L, 2);
        }
        if (pass == 0) {
            for (k = 0; k < m->disp.keys.cap; k++) {
                if (!m->disp.keys.keys[k]) continue;
                m->disp.lists[k] = malloc(((size_t)counts[k] + 1) * sizeof(int));
                if (!m->disp.lists[k]) luaL_error(L, "not enough memory");
                for (int j = 0; j <= counts[k]; j++) m->disp.lists[k][j] = -1;
            }
        }
    }
    nany = 0;
    for (i = 0; i < m->nrules; i++) if (m->rules[i].first_any) m->disp.any[nany++] = i;
    m->disp.any[nany] = -1;
    m->disp.nany = (size_t)nany;
    for (int kind = 0; kind < QR_KIND_COUNT; kind++) {
        for (int cs = 0; cs < QR_CASE_COUNT; cs++) {
            int *list = malloc(((size_t)nany + 1) * sizeof *list), n = 0, j;
            if (!list) luaL_error(L, "not enough memory");
            m->disp.any_by[kind][cs] = list;
            for (j = 0; j < nany; j++) {
                const rule *ru = &m->rules[m->disp.any[j]];
                if (((ru->first_kinds >> kind) & 1u) && ((ru->first_cases >> cs) & 1u)) list[n++] = m->disp.any[j];
            }
            list[n] = -1;
        }
    }
    lua_pop(L, 2);      /* the rules and the scratch */
}

/* --- annotation index ------------------------------------------------------- */

typedef struct annref {
    uint32_t first, last;   /* token span, inclusive */
    int32_t ref;            /* the caller's annotation number */
} annref;

typedef struct annindex {
    int nclasses;
    annref **byclass;       /* per class, sorted by first, then longest first */
    size_t *count;
    uint8_t **cover;        /* per class, per token: COVER_* bits */
} annindex;

#define COVER_WITHIN 1u
#define COVER_STARTS 2u
#define COVER_ENDS   4u

static void annindex_free(annindex *ax)
{
    int c;
    for (c = 0; c < ax->nclasses; c++) {
        if (ax->byclass) free(ax->byclass[c]);
        if (ax->cover) free(ax->cover[c]);
    }
    free(ax->byclass);
    free(ax->count);
    free(ax->cover);
    memset(ax, 0, sizeof *ax);
}

static int annref_cmp(const void *x, const void *y)
{
    const annref *a = x, *b = y;
    if (a->first != b->first) return a->first < b->first ? -1 : 1;
    if (a->last != b->last) return a->last > b->last ? -1 : 1;
    return (a->ref > b->ref) - (a->ref < b->ref);
}

/* First entry of class c starting at token t, or -1. */
static long annindex_find(const annindex *ax, int c, size_t t)
{
    size_t lo = 0, hi = ax->count[c];
    const annref *v = ax->byclass[c];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].first < t) lo = mid + 1; else hi = mid;
    }
    return lo < ax->count[c] && v[lo].first == t ? (long)lo : -1;
}

/* --- the machine ------------------------------------------------------------ */

typedef struct capev {     /* capture log entry */
    int slot;
    int close;
    size_t pos;
} capev;

typedef struct frame {     /* backtrack entry */
    int pc;
    size_t pos;
    size_t caps;           /* capture log length to restore */
    long alt;              /* OP_ANN: next alternative in the class list, else -1 */
} frame;

typedef struct run {
    const matcher *m;
    const qr_tokens *toks;
    const char *text;
    const qr_keys *keys, *bare;
    const annindex *ax;
    frame *stack;
    size_t nstack, capstack;
    capev *caps;
    size_t ncaps, capcaps;
    long steps;
    long backtracks;       /* of this attempt: tells a runaway pattern from a long match */
    int depth;             /* lookarounds open around the current step */
    int err;               /* RUN_* */
    const char *err_rule;
    size_t err_token;
    int regex_err;
    size_t bounds[3][2];   /* per scope: [start, end) of the group holding the current token */
    uint64_t bloom_doc, bloom_para;   /* keys present in the text, in the current paragraph */
    uint64_t *para_blooms;
    uint64_t *khash;       /* hash_bytes of every token's key */
    /* the any-key rules of each kind and case whose required words the
     * current paragraph has: filtered once a paragraph, when first needed */
    int *pass_lists;
    long pass_stamp[QR_KIND_COUNT][QR_CASE_COUNT];
    int list, rules, starts, values;   /* stack indexes of the results and of user value 2 */
    int fkeys;             /* stack index of the annotations' field names (F_*) */
    char shape_buf[256];
} run;

enum { RUN_OK, RUN_NOMEM, RUN_STEPS, RUN_REGEX, RUN_DEPTH };

/* Each lookaround inside another runs the machine one level deeper on the
 * C stack: deeper nesting fails the rule instead of overflowing the stack. */
#define QR_MAX_LOOK_DEPTH 1000

static int push_frame(run *r, int pc, size_t pos, long alt)
{
    if (r->nstack == r->capstack) {
        size_t ncap = r->capstack ? 2 * r->capstack : 64;
        frame *ns = realloc(r->stack, ncap * sizeof *ns);
        if (!ns) { r->err = RUN_NOMEM; return 0; }
        r->stack = ns;
        r->capstack = ncap;
    }
    r->stack[r->nstack].pc = pc;
    r->stack[r->nstack].pos = pos;
    r->stack[r->nstack].caps = r->ncaps;
    r->stack[r->nstack].alt = alt;
    r->nstack++;
    return 1;
}

static int log_cap(run *r, int slot, int close, size_t pos)
{
    if (r->ncaps == r->capcaps) {
        size_t ncap = r->capcaps ? 2 * r->capcaps : 64;
        capev *nc = realloc(r->caps, ncap * sizeof *nc);
        if (!nc) { r->err = RUN_NOMEM; return 0; }
        r->caps = nc;
        r->capcaps = ncap;
    }
    r->caps[r->ncaps].slot = slot;
    r->caps[r->ncaps].close = close;
    r->caps[r->ncaps].pos = pos;
    r->ncaps++;
    return 1;
}

static size_t count_codepoints(const char *s, size_t n)
{
    size_t k = 0, i;
    for (i = 0; i < n; i++) k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

static int eval_pred(run *r, int pi, size_t t)
{
    const pred *p = &r->m->preds[pi];
    const qr_token *tok = &r->toks->tok[t];
    const char *s;
    size_t n;
    int k;
    switch (p->op) {
    case P_TRUE:
        return 1;
    case P_TEXT:
        n = tok->stop - tok->start;
        return n == p->slen && !memcmp(r->text + tok->start, p->s, n);
    case P_KEY:
        s = qr_key_of(r->keys, t, &n);
        return n == p->slen && !memcmp(s, p->s, n);
    case P_BARE:
        s = qr_key_of(r->bare, t, &n);
        return n == p->slen && !memcmp(s, p->s, n);
    case P_KEYSET:
        s = qr_key_of(r->keys, t, &n);
        return strset_find(&r->m->sets[p->a - 1], s, n) >= 0;
    case P_BARESET:
        s = qr_key_of(r->bare, t, &n);
        return strset_find(&r->m->sets[p->a - 1], s, n) >= 0;
    case P_KIND:
        return ((unsigned)p->a >> tok->kind) & 1u;
    case P_CASE:
        return ((unsigned)p->a >> tok->casing) & 1u;
    case P_SHAPE: case P_SHORT_SHAPE:
        if (4 * (size_t)(tok->stop - tok->start) > sizeof r->shape_buf) return 0;  /* no shape that long */
        n = qr_token_shape(r->text, tok, p->op == P_SHORT_SHAPE, r->shape_buf);
        return n == p->slen && !memcmp(r->shape_buf, p->s, n);
    case P_REGEX: {
        int rc = qr_regex_test(r->m->regexes[p->a - 1], r->text + tok->start, tok->stop - tok->start);
        if (rc < 0) { r->err = RUN_REGEX; r->regex_err = rc; return 0; }
        return rc;
    }
    case P_LEN:
        n = count_codepoints(r->text + tok->start, tok->stop - tok->start);
        return (long)n >= p->a && (p->b < 0 || (long)n <= p->b);
    case P_FLAGS:
        /* a: flags that must be set, b: flags that must be clear */
        return (tok->flags & (unsigned)p->a) == (unsigned)p->a && !(tok->flags & (unsigned)p->b);
    case P_WITHIN:
        return r->ax && (r->ax->cover[p->a - 1][t] & COVER_WITHIN);
    case P_STARTS:
        return r->ax && (r->ax->cover[p->a - 1][t] & COVER_STARTS);
    case P_ENDS:
        return r->ax && (r->ax->cover[p->a - 1][t] & COVER_ENDS);
    case P_NOT:
        return !eval_pred(r, p->kids[0], t);
    case P_AND:
        for (k = 0; k < p->nkids; k++) if (!eval_pred(r, p->kids[k], t)) return 0;
        return 1;
    case P_OR:
        for (k = 0; k < p->nkids; k++) if (eval_pred(r, p->kids[k], t)) return 1;
        return 0;
    default:
        return 0;
    }
}

static int vm(run *r, int pc, size_t pos, size_t limit, size_t lower, long need_end, size_t *endpos);

/* From entry i on (longest first), the first annotation of class c that
 * starts at pos and ends before limit, or -1. */
static long ann_fit(const annindex *ax, int c, long i, size_t pos, size_t limit)
{
    for (; i >= 0 && (size_t)i < ax->count[c]; i++) {
        const annref *a = &ax->byclass[c][i];
        if (a->first != pos) return -1;
        if (a->last < limit) return i;
    }
    return -1;
}

/* Takes annotation i of the class of instruction pc as the unit at *pos,
 * leaving a backtrack entry for the next shorter one. */
static int take_ann(run *r, int pc, long i, size_t *pos, size_t limit)
{
    int c = r->m->code[pc].a - 1;
    const annref *a = &r->ax->byclass[c][i];
    long next = ann_fit(r->ax, c, i + 1, *pos, limit);
    if (next >= 0 && !push_frame(r, pc, *pos, next)) return 0;
    if (!log_cap(r, -1 - (c + 1), 0, (size_t)a->ref)) return 0;   /* the unit, for actions */
    *pos = a->last + 1;
    return 1;
}

/* Lookaround at pos: does the sub-program at entry match (ahead: starting at
 * pos; behind: ending exactly at pos, starting between c and d tokens back)? */
static int lookaround(run *r, const inst *in, size_t pos, size_t limit, size_t lower)
{
    size_t saved_stack = r->nstack, saved_caps = r->ncaps, end, back;
    int hit = 0;
    if (r->depth >= QR_MAX_LOOK_DEPTH) {
        r->err = RUN_DEPTH;
        return 0;
    }
    r->depth++;
    if (in->op == OP_AHEAD) {
        hit = vm(r, in->a, pos, limit, lower, -1, &end);
    } else {
        for (back = (size_t)in->c; back <= (size_t)in->d && !hit && !r->err; back++) {
            if (back > pos - lower) break;
            /* the body may look ahead past pos; need_end keeps the match ending there */
            hit = vm(r, in->a, pos - back, limit, lower, (long)pos, &end);
        }
    }
    r->depth--;
    r->nstack = saved_stack;
    r->ncaps = saved_caps;   /* nothing inside lookaround is captured */
    return hit;
}

/* Runs from pc at pos within [lower, limit); need_end >= 0 demands that the
 * match ends there (lookbehind). Returns 1 with *endpos on success. */
static int vm(run *r, int pc, size_t pos, size_t limit, size_t lower, long need_end, size_t *endpos)
{
    const matcher *m = r->m;
    size_t base = r->nstack;
    for (;;) {
        const inst *in;
        if (++r->steps > m->step_limit) { r->err = RUN_STEPS; return 0; }
        if (r->err) return 0;
        in = &m->code[pc];
        switch (in->op) {
        case OP_END:
            if (need_end < 0 || (long)pos == need_end) {
                *endpos = pos;
                r->nstack = base;
                return 1;
            }
            goto fail;
        case OP_TOKEN:
            if (pos < limit && eval_pred(r, in->a, pos)) { pos++; pc++; continue; }
            goto fail;
        case OP_ANN: {
            long i;
            if (!r->ax || pos >= limit) goto fail;
            i = ann_fit(r->ax, in->a - 1, annindex_find(r->ax, in->a - 1, pos), pos, limit);
            if (i < 0 || !take_ann(r, pc, i, &pos, limit)) goto fail_or_error;
            pc++;
            continue;
        }
        case OP_CHOICE:
            if (!push_frame(r, in->a, pos, -1)) return 0;
            pc++;
            continue;
        case OP_JMP:
            pc = in->a;
            continue;
        case OP_OPEN: case OP_CLOSE:
            if (!log_cap(r, in->a, in->op == OP_CLOSE, pos)) return 0;
            pc++;
            continue;
        case OP_AHEAD: case OP_BEHIND: {
            int hit = lookaround(r, in, pos, limit, lower);
            if (r->err) return 0;
            if (hit != in->b) { pc++; continue; }   /* b: 1 for negative lookaround */
            goto fail;
        }
        case OP_FAIL:
        default:
            goto fail;
        }
    fail_or_error:
        if (r->err) return 0;
    fail:
        if (r->nstack <= base) return 0;
        r->backtracks++;
        {
            frame *f = &r->stack[--r->nstack];
            pc = f->pc;
            pos = f->pos;
            r->ncaps = f->caps;
            if (f->alt >= 0) {
                /* resume an annotation unit with its next alternative */
                if (!take_ann(r, pc, f->alt, &pos, limit)) goto fail_or_error;
                pc++;
            }
        }
    }
}

/* --- running a phase over a text ---------------------------------------------- */

/* Sets r->bounds for token t: the document, its paragraph, its sentence.
 * Called with t increasing, so the groups are found by walking forward. */
static void set_bounds(run *r, size_t t, size_t *para, size_t *sent)
{
    const qr_tokens *tk = r->toks;
    r->bounds[SCOPE_DOCUMENT][0] = 0;
    r->bounds[SCOPE_DOCUMENT][1] = tk->n;
    if (tk->npara) {
        while (*para + 1 < tk->npara && tk->para[*para + 1] <= t) (*para)++;
        r->bounds[SCOPE_PARAGRAPH][0] = tk->para[*para];
        r->bounds[SCOPE_PARAGRAPH][1] = *para + 1 < tk->npara ? tk->para[*para + 1] : tk->n;
    } else {
        r->bounds[SCOPE_PARAGRAPH][0] = 0;
        r->bounds[SCOPE_PARAGRAPH][1] = tk->n;
    }
    if (tk->nsent) {
        while (*sent + 1 < tk->nsent && tk->sent[*sent + 1] <= t) (*sent)++;
        r->bounds[SCOPE_SENTENCE][0] = tk->sent[*sent];
        r->bounds[SCOPE_SENTENCE][1] = *sent + 1 < tk->nsent ? tk->sent[*sent + 1] : tk->n;
    } else {
        r->bounds[SCOPE_SENTENCE][0] = r->bounds[SCOPE_PARAGRAPH][0];
        r->bounds[SCOPE_SENTENCE][1] = r->bounds[SCOPE_PARAGRAPH][1];
    }
}

/* Pushes the match of rule ri from start to end as a Lua table:
 * {rule, first, last, start, stop, caps = {[slot + 1] = {first, last, start, stop}}, units}. */
static void push_match(lua_State *L, run *r, int ri, size_t start, size_t end)
{
    const rule *ru = &r->m->rules[ri];
    size_t i;
    int nunits = 0;
    lua_createtable(L, 0, 5);
    lua_pushinteger(L, ri + 1);
    lua_setfield(L, -2, "rule");
    lua_pushinteger(L, (lua_Integer)start + 1);
    lua_setfield(L, -2, "first");
    lua_pushinteger(L, (lua_Integer)end);          /* last token, inclusive, 1-based */
    lua_setfield(L, -2, "last");
    lua_pushinteger(L, r->toks->tok[start].start);
    lua_setfield(L, -2, "start");
    lua_pushinteger(L, r->toks->tok[end - 1].stop);
    lua_setfield(L, -2, "stop");
    /* captures: replay the log; the last close of a slot wins */
    lua_createtable(L, ru->ncaps, 0);
    for (i = 0; i < r->ncaps; i++) {
        const capev *e = &r->caps[i];
        if (e->slot < 0) continue;
        lua_rawgeti(L, -1, e->slot + 1);
        if (!lua_istable(L, -1)) {
            lua_pop(L, 1);
            lua_createtable(L, 4, 0);
            lua_pushvalue(L, -1);
            lua_rawseti(L, -3, e->slot + 1);
        }
        /* {first, last, start, stop}: tokens 1-based inclusive, bytes 0-based exclusive */
        if (e->close) {
            lua_pushinteger(L, (lua_Integer)e->pos);
            lua_rawseti(L, -2, 2);
            lua_pushinteger(L, e->pos > 0 ? r->toks->tok[e->pos - 1].stop : 0);
            lua_rawseti(L, -2, 4);
        } else {
            lua_pushinteger(L, (lua_Integer)e->pos + 1);
            lua_rawseti(L, -2, 1);
            lua_pushinteger(L, e->pos < r->toks->n ? r->toks->tok[e->pos].start : 0);
            lua_rawseti(L, -2, 3);
        }
        lua_pop(L, 1);
    }
    lua_setfield(L, -2, "caps");
    /* annotation units, in order: {class, ref} */
    lua_newtable(L);
    for (i = 0; i < r->ncaps; i++) {
        const capev *e = &r->caps[i];
        if (e->slot >= 0) continue;
        lua_createtable(L, 2, 0);
        lua_pushinteger(L, -1 - e->slot);
        lua_rawseti(L, -2, 1);
        lua_pushinteger(L, (lua_Integer)e->pos);
        lua_rawseti(L, -2, 2);
        lua_rawseti(L, -2, ++nunits);
    }
    lua_setfield(L, -2, "units");
}

/* The field names of declared annotations, pushed once a run at r->fkeys. */
enum { F_TYPE, F_START, F_STOP, F_ATTRS, F_RULE, F_PHASE, F_TEXT, F_COUNT };
static const char *const field_names[F_COUNT] = { "type", "start", "stop", "attrs", "rule", "phase", "text" };

/* The span of capture slot `slot` in the match just found: the last time
 * it was opened and closed (as push_match replays the log). Returns 0 when
 * it took no token. */
static int cap_span(const run *r, int slot, uint32_t *start, uint32_t *stop)
{
    size_t i, open = 0, close = 0;
    int have_open = 0, have_close = 0;
    for (i = 0; i < r->ncaps; i++) {
        const capev *e = &r->caps[i];
        if (e->slot != slot) continue;
        if (e->close) { close = e->pos; have_close = 1; }
        else { open = e->pos; have_open = 1; }
    }
    if (!have_open || !have_close || close < open + 1) return 0;
    *start = r->toks->tok[open].start;
    *stop = r->toks->tok[close - 1].stop;
    return 1;
}

/* Pushes the annotation that declared rule ri makes of its match from
 * token start to end: {type, start, stop, text, rule, phase[, attrs]}, as
 * the rule engine builds it for a declared rule (attrs filled in the order
 * the rule lists them, from constants, captures' text and the match's).
 * Returns 0, pushing nothing, when its span capture took no token. */
static int push_declared(lua_State *L, run *r, int ri, size_t start, size_t end)
{
    const emitspec *es = &r->m->emit[ri];
    const qr_token *tok = r->toks->tok;
    uint32_t ms = tok[start].start, me = tok[end - 1].stop, s = ms, e = me;
    int k;
    if (es->span >= 0 && !cap_span(r, es->span, &s, &e)) return 0;
    lua_createtable(L, 0, 7);
    lua_pushvalue(L, r->fkeys + F_TYPE);
    lua_rawgeti(L, r->values, es->type);
    lua_rawset(L, -3);
    lua_pushvalue(L, r->fkeys + F_START);
    lua_pushinteger(L, s);
    lua_rawset(L, -3);
    lua_pushvalue(L, r->fkeys + F_STOP);
    lua_pushinteger(L, e);
    lua_rawset(L, -3);
    if (es->nattrs >= 0) {
        lua_pushvalue(L, r->fkeys + F_ATTRS);
        lua_newtable(L);        /* grown as the Lua side grows it: the same order for pairs() */
        for (k = 0; k < es->nattrs; k++) {
            const emitattr *a = &es->attrs[k];
            uint32_t cs, ce;
            if (a->kind == EA_CAP && !cap_span(r, a->arg, &cs, &ce)) continue;   /* nil */
            lua_rawgeti(L, r->values, a->key);
            if (a->kind == EA_CONST) lua_rawgeti(L, r->values, a->arg);
            else if (a->kind == EA_CAP) lua_pushlstring(L, r->text + cs, ce - cs);
            else lua_pushlstring(L, r->text + ms, me - ms);
            lua_rawset(L, -3);
        }
        lua_rawset(L, -3);
    }
    lua_pushvalue(L, r->fkeys + F_RULE);
    lua_rawgeti(L, r->values, es->name);
    lua_rawset(L, -3);
    lua_pushvalue(L, r->fkeys + F_PHASE);
    lua_rawgeti(L, r->values, es->phase);
    lua_rawset(L, -3);
    lua_pushvalue(L, r->fkeys + F_TEXT);
    lua_pushlstring(L, r->text + s, e - s);
    lua_rawset(L, -3);
    return 1;
}

static int try_rule(lua_State *L, run *r, int ri, size_t t, int *nout)
{
    const rule *ru = &r->m->rules[ri];
    const qr_token *tok = &r->toks->tok[t];
    size_t end;
    if (!((ru->first_kinds >> tok->kind) & 1u) || !((ru->first_cases >> tok->casing) & 1u)) return 0;
    if (ru->required) {
        uint64_t have = ru->scope == SCOPE_DOCUMENT ? r->bloom_doc : r->bloom_para;
        if ((ru->required & have) != ru->required) return 0;   /* a required word is absent */
    }
    if (ru->anchor_off > 0) {
        /* the token a fixed number of tokens into every match: a key
         * compare instead of running the program where it is absent */
        size_t a = t + (size_t)ru->anchor_off;
        if (a >= r->bounds[ru->scope][1]) return 0;
        if (ru->anchor_hashed && r->khash && r->khash[a] != ru->anchor_hash) return 0;
        if (!eval_pred(r, ru->anchor_pred, a)) return 0;
    }
    r->nstack = 0;
    r->ncaps = 0;
    r->steps = 0;
    r->backtracks = 0;
    r->depth = 0;
    if (vm(r, ru->entry, t, r->bounds[ru->scope][1], r->bounds[ru->scope][0], -1, &end)) {
        /* empty matches are not annotations; a declared rule's match whose
         * span capture took no token is none either */
        if (end > t && (r->m->emit && r->m->emit[ri].on ? push_declared(L, r, ri, t, end)
                                                         : (push_match(L, r, ri, t, end), 1))) {
            lua_rawseti(L, r->list, ++*nout);
            lua_pushinteger(L, ri + 1);
            lua_rawseti(L, r->rules, *nout);
            lua_pushinteger(L, r->toks->tok[t].start);
            lua_rawseti(L, r->starts, *nout);
        }
    }
    if (r->err) {
        r->err_rule = ru->name;
        r->err_token = t;
        return -1;
    }
    return 0;
}

static matcher *check_matcher(lua_State *L, int idx)
{
    matcher *m = luaL_checkudata(L, idx, QR_MATCHER_MT);
    if (m->closed) luaL_error(L, "attempt to use a closed quarry.Matcher");
    return m;
}

/* Builds the annotation index from the flat list {class, first, last, ref, ...}
 * (1-based token numbers, inclusive). Raises on bad input. */
static void build_annindex(lua_State *L, int idx, const matcher *m, size_t ntok, annindex *ax)
{
    size_t n = lua_rawlen(L, idx) / 4, i, *fill;
    int c;
    ax->nclasses = m->nclasses;
    ax->byclass = calloc((size_t)m->nclasses + 1, sizeof *ax->byclass);
    ax->count = calloc((size_t)m->nclasses + 1, sizeof *ax->count);
    ax->cover = calloc((size_t)m->nclasses + 1, sizeof *ax->cover);
    fill = lua_newuserdatauv(L, ((size_t)m->nclasses + 1) * sizeof *fill, 0);   /* collected on error */
    memset(fill, 0, ((size_t)m->nclasses + 1) * sizeof *fill);
    if (!ax->byclass || !ax->count || !ax->cover) luaL_error(L, "not enough memory");
    for (i = 0; i < n; i++) {
        lua_rawgeti(L, idx, (lua_Integer)(4 * i + 1));
        c = (int)lua_tointeger(L, -1);
        lua_pop(L, 1);
        if (c < 1 || c > m->nclasses) luaL_error(L, "annotation list: bad class %d", c);
        ax->count[c - 1]++;
    }
    for (c = 0; c < m->nclasses; c++) {
        ax->byclass[c] = malloc((ax->count[c] + 1) * sizeof(annref));
        ax->cover[c] = calloc(ntok + 1, 1);
        if (!ax->byclass[c] || !ax->cover[c]) luaL_error(L, "not enough memory");
    }
    for (i = 0; i < n; i++) {
        lua_Integer v[4];
        int k;
        annref *a;
        for (k = 0; k < 4; k++) {
            lua_rawgeti(L, idx, (lua_Integer)(4 * i + (size_t)k + 1));
            v[k] = lua_tointeger(L, -1);
            lua_pop(L, 1);
        }
        if (v[1] < 1 || v[2] < v[1] || (lua_Unsigned)v[2] > ntok)
            luaL_error(L, "annotation list: bad token span %d..%d", (int)v[1], (int)v[2]);
        c = (int)v[0] - 1;
        a = &ax->byclass[c][fill[c]++];
        a->first = (uint32_t)(v[1] - 1);
        a->last = (uint32_t)(v[2] - 1);
        a->ref = (int32_t)v[3];
    }
    lua_pop(L, 1);      /* fill */
    for (c = 0; c < m->nclasses; c++) {
        qsort(ax->byclass[c], ax->count[c], sizeof(annref), annref_cmp);
        for (i = 0; i < ax->count[c]; i++) {
            const annref *a = &ax->byclass[c][i];
            size_t t;
            for (t = a->first; t <= a->last; t++) ax->cover[c][t] |= COVER_WITHIN;
            ax->cover[c][a->first] |= COVER_STARTS;
            ax->cover[c][a->last] |= COVER_ENDS;
        }
    }
}

/* The rules of bucket (kind, casing) that the paragraph's keys allow. */
static const int *passing_rules(run *r, unsigned kind, unsigned casing, size_t para)
{
    size_t nany = r->m->disp.nany;
    int *out;
    const int *all = r->m->disp.any_by[kind][casing];
    out = r->pass_lists + ((size_t)kind * QR_CASE_COUNT + casing) * (nany + 1);
    if (r->pass_stamp[kind][casing] != (long)para) {
        size_t n = 0, k;
        for (k = 0; all[k] >= 0; k++) {
            const rule *ru = &r->m->rules[all[k]];
            uint64_t have = ru->scope == SCOPE_DOCUMENT ? r->bloom_doc : r->bloom_para;
            if ((ru->required & have) == ru->required) out[n++] = all[k];
        }
        out[n] = -1;
        r->pass_stamp[kind][casing] = (long)para;
    }
    return out;
}

/* Cleans up a run whatever happens, through a to-be-closed userdata. */
typedef struct runbox {
    run r;
    annindex ax;
} runbox;

static int runbox_gc(lua_State *L)
{
    runbox *b = lua_touserdata(L, 1);
    free(b->r.stack);
    free(b->r.caps);
    free(b->r.para_blooms);
    free(b->r.khash);
    free(b->r.pass_lists);
    b->r.khash = NULL;
    b->r.pass_lists = NULL;
    b->r.stack = NULL;
    b->r.caps = NULL;
    b->r.para_blooms = NULL;
    annindex_free(&b->ax);
    return 0;
}

/***
The compiled token patterns of one phase (quarry.pattern builds one; the rule
engine runs it).
@type Matcher
*/

/***
matcher:run(tokens [, annotations]) -> list, rules, starts
list: the matches {rule, first, last, caps = {{first, last}, ...}, units =
{{class, ref}, ...}} in order, where a declared rule (matcher:declare) has
its annotation instead; rules[i] and starts[i]: the rule number of item i
and the byte offset where its match starts. annotations: flat {class,
first_token, last_token, ref, ...}. Raises naming the rule when a pattern
exceeds the step limit or a regex its limits.
@function Matcher:run
@param tokens quarry.Tokens the document's tokens
@param annotations table optional: the annotations of earlier phases, flat
@return table list: the matches
@return table rules: the rule number of each item
@return table starts: where each item's match starts
*/
static int matcher_run(lua_State *L)
{
    matcher *m = check_matcher(L, 1);
    const char *text;
    const qr_tokens *toks = qr_check_tokens(L, 2, &text, NULL);
    runbox *box;
    run *r;
    size_t t;
    int nout = 0, boxidx;

    lua_settop(L, 3);     /* the annotations stay at 3 even when absent */
    box = lua_newuserdatauv(L, sizeof *box, 0);
    memset(box, 0, sizeof *box);
    boxidx = lua_gettop(L);
    luaL_setmetatable(L, "quarry.MatchRun");
    lua_toclose(L, boxidx);
    r = &box->r;
    r->m = m;
    r->toks = toks;
    r->text = text;
    if (m->nregexes) {
        /* regexes come from a shared cache: someone may have closed one since
         * the matcher was built, so look them up again (raises if closed) */
        int i;
        lua_getiuservalue(L, 1, 1);
        for (i = 0; i < m->nregexes; i++) {
            lua_rawgeti(L, -1, i + 1);
            m->regexes[i] = qr_check_regex(L, -1);
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    if (m->needs_keys) r->keys = qr_tokens_keys(L, 2, 0);
    if (m->needs_bare) r->bare = qr_tokens_keys(L, 2, QR_KEY_BARE);
    if (!lua_isnoneornil(L, 3)) {
        luaL_checktype(L, 3, LUA_TTABLE);
        build_annindex(L, 3, m, toks->n, &box->ax);
        r->ax = &box->ax;
    }

    if (m->needs_keys) {
        /* every key's hash once: for the dispatch on the first key, the
         * anchors and the paragraphs' key filters */
        r->khash = malloc((toks->n + 1) * sizeof *r->khash);
        if (!r->khash) return luaL_error(L, "not enough memory");
        for (t = 0; t < toks->n; t++) {
            size_t n;
            const char *s = qr_key_of(r->keys, t, &n);
            r->khash[t] = hash_bytes(s, n);
        }
    }
    if (m->any_required) {
        /* which keys each paragraph holds, for the rules' prefilter */
        size_t np = toks->npara ? toks->npara : 1, pi = 0;
        r->para_blooms = calloc(np, sizeof *r->para_blooms);
        if (!r->para_blooms) return luaL_error(L, "not enough memory");
        for (t = 0; t < toks->n; t++) {
            uint64_t bits = bloom_of(r->khash[t]);
            while (pi + 1 < toks->npara && toks->para[pi + 1] <= t) pi++;
            r->para_blooms[pi] |= bits;
            r->bloom_doc |= bits;
        }
        {
            size_t nany = m->disp.nany, b, c;
            r->pass_lists = malloc((size_t)QR_KIND_COUNT * QR_CASE_COUNT * (nany + 1) * sizeof(int));
            if (!r->pass_lists) return luaL_error(L, "not enough memory");
            for (b = 0; b < QR_KIND_COUNT; b++)
                for (c = 0; c < QR_CASE_COUNT; c++) r->pass_stamp[b][c] = -1;
        }
    }
    if (m->emit) {
        int k;
        lua_getiuservalue(L, 1, 2);
        r->values = lua_gettop(L);
        luaL_checkstack(L, F_COUNT + 8, "matcher run");
        r->fkeys = lua_gettop(L) + 1;
        for (k = 0; k < F_COUNT; k++) lua_pushstring(L, field_names[k]);
    }
    lua_newtable(L);
    r->rules = lua_gettop(L);
    lua_newtable(L);
    r->starts = lua_gettop(L);
    lua_newtable(L);
    r->list = lua_gettop(L);
    {
        const qr_keys *dk = r->keys;
        size_t para = 0, sent = 0;
        for (t = 0; t < toks->n; t++) {
            const int *list;
            int k;
            set_bounds(r, t, &para, &sent);
            if (r->para_blooms) r->bloom_para = r->para_blooms[para];
            if (m->disp.keys.count && dk) {
                size_t n;
                const char *s = qr_key_of(dk, t, &n);
                long slot = strset_find_h(&m->disp.keys, s, n, r->khash[t]);
                if (slot >= 0)
                    for (list = m->disp.lists[slot], k = 0; list[k] >= 0; k++)
                        if (try_rule(L, r, list[k], t, &nout) < 0) goto failed;
            }
            list = m->disp.any_by[toks->tok[t].kind][toks->tok[t].casing];
            if (r->pass_lists && list[0] >= 0) list = passing_rules(r, toks->tok[t].kind, toks->tok[t].casing, para);
            for (k = 0; list[k] >= 0; k++) {
                const rule *ru = &m->rules[list[k]];
                /* the anchor's hash, before calling: most tokens try no rule */
                if (ru->anchor_hashed && r->khash
                    && (t + (size_t)ru->anchor_off >= toks->n
                        || r->khash[t + (size_t)ru->anchor_off] != ru->anchor_hash))
                    continue;
                if (try_rule(L, r, list[k], t, &nout) < 0) goto failed;
            }
        }
    }
    lua_pushvalue(L, r->rules);
    lua_pushvalue(L, r->starts);
    return 3;
failed:
    switch (r->err) {
    case RUN_STEPS:
        /* most steps spent going back: a pattern that tries exponentially
         * many ways; few: one match longer than the limit allows */
        if (r->backtracks > m->step_limit / 4)
            return luaL_error(L, "rule %s: the pattern took more than %d steps at token %d (catastrophic backtracking)",
                              r->err_rule, (int)m->step_limit, (int)r->err_token + 1);
        return luaL_error(L, "rule %s: the pattern took more than %d steps at token %d (a match longer than the "
                          "limit allows; raise step_limit)", r->err_rule, (int)m->step_limit, (int)r->err_token + 1);
    case RUN_DEPTH:
        return luaL_error(L, "rule %s: lookarounds nested more than %d deep at token %d", r->err_rule,
                          QR_MAX_LOOK_DEPTH, (int)r->err_token + 1);
    case RUN_REGEX: {
        char buf[128];
        return luaL_error(L, "rule %s: a token regex failed at token %d (%s)", r->err_rule,
                          (int)r->err_token + 1, qr_regex_error(r->regex_err, buf, sizeof buf));
    }
    default:
        return luaL_error(L, "rule %s: not enough memory", r->err_rule);
    }
}

/* Appends the value on top of the stack to user value 2 (popping it);
 * returns its index there. */
static int keep_value(lua_State *L, matcher *m, int self)
{
    lua_getiuservalue(L, self, 2);
    lua_insert(L, -2);
    lua_rawseti(L, -2, ++m->nvalues);
    lua_pop(L, 1);
    return m->nvalues;
}

/* Keeps field `key` of the table at idx (a string) in user value 2. */
static int keep_string_field(lua_State *L, matcher *m, int self, int idx, const char *key)
{
    if (lua_getfield(L, idx, key) != LUA_TSTRING)
        return luaL_error(L, "matcher:declare: '%s' must be a string", key);
    return keep_value(L, m, self);
}

/***
matcher:declare(rule, {type =, rule =, phase = [, span = slot] [, attrs = {{key, "const", value} |
  {key, "cap", slot} | {key, "match"}, ...}]})
Declares rule number `rule` (1-based): matcher:run returns its matches as
the annotations the rule engine would make of them, {type, start, stop,
text, rule, phase[, attrs]}: the span is capture `slot` (0-based; a
match where it took no token makes none) or the whole match; attrs, in
the order listed, are constants, a capture's text (left out when it took
no token) or the match's text. Raises on a malformed declaration.
@function Matcher:declare
@param rule integer the rule's number (1-based)
@param decl table {type, rule, phase, span, attrs}
@return nothing
*/
static int matcher_declare(lua_State *L)
{
    matcher *m = check_matcher(L, 1);
    lua_Integer ri = luaL_checkinteger(L, 2);
    emitspec es;
    int k;
    luaL_argcheck(L, ri >= 1 && ri <= m->nrules, 2, "rule number out of range");
    luaL_checktype(L, 3, LUA_TTABLE);
    if (!m->emit) {
        m->emit = calloc((size_t)m->nrules, sizeof *m->emit);
        if (!m->emit) return luaL_error(L, "not enough memory");
    }
    if (m->emit[ri - 1].on) return luaL_error(L, "matcher:declare: rule %d is declared already", (int)ri);
    memset(&es, 0, sizeof es);
    es.type = keep_string_field(L, m, 1, 3, "type");
    es.name = keep_string_field(L, m, 1, 3, "rule");
    es.phase = keep_string_field(L, m, 1, 3, "phase");
    es.span = -1;
    if (lua_getfield(L, 3, "span") != LUA_TNIL) {
        int isnum;
        es.span = (int)lua_tointegerx(L, -1, &isnum);
        if (!isnum || es.span < 0 || es.span >= m->rules[ri - 1].ncaps)
            return luaL_error(L, "matcher:declare: bad span capture");
    }
    lua_pop(L, 1);
    es.nattrs = -1;
    if (lua_getfield(L, 3, "attrs") == LUA_TTABLE) {
        int n = (int)lua_rawlen(L, -1), at = lua_gettop(L);
        /* scratch until complete, so that an error leaves nothing half made */
        emitattr *attrs = lua_newuserdatauv(L, ((size_t)n + 1) * sizeof *attrs, 0);
        for (k = 0; k < n; k++) {
            const char *kind;
            int item;
            lua_rawgeti(L, at, k + 1);
            item = lua_gettop(L);
            luaL_checktype(L, item, LUA_TTABLE);
            lua_rawgeti(L, item, 1);
            if (lua_isnil(L, -1)) return luaL_error(L, "matcher:declare: an attr needs a key");
            attrs[k].key = keep_value(L, m, 1);
            lua_rawgeti(L, item, 2);
            kind = lua_tostring(L, -1);
            if (kind && !strcmp(kind, "const")) {
                lua_rawgeti(L, item, 3);
                attrs[k].kind = EA_CONST;
                attrs[k].arg = keep_value(L, m, 1);
            } else if (kind && !strcmp(kind, "cap")) {
                int isnum;
                lua_rawgeti(L, item, 3);
                attrs[k].kind = EA_CAP;
                attrs[k].arg = (int)lua_tointegerx(L, -1, &isnum);
                if (!isnum || attrs[k].arg < 0 || attrs[k].arg >= m->rules[ri - 1].ncaps)
                    return luaL_error(L, "matcher:declare: bad attr capture");
                lua_pop(L, 1);
            } else if (kind && !strcmp(kind, "match")) {
                attrs[k].kind = EA_MATCH;
            } else {
                return luaL_error(L, "matcher:declare: attr kind must be const, cap or match");
            }
            lua_settop(L, item - 1);
        }
        es.attrs = malloc(((size_t)n + 1) * sizeof *es.attrs);
        if (!es.attrs) return luaL_error(L, "not enough memory");
        memcpy(es.attrs, attrs, (size_t)n * sizeof *attrs);
        es.nattrs = n;
    } else if (!lua_isnil(L, -1)) {
        return luaL_error(L, "matcher:declare: attrs must be a list");
    }
    es.on = 1;
    m->emit[ri - 1] = es;
    return 0;
}

/***
matcher:close() and __gc/__close: frees the program; idempotent
@function Matcher:close
@return nothing
*/
static int matcher_release(lua_State *L)
{
    matcher *m = luaL_checkudata(L, 1, QR_MATCHER_MT);
    if (!m->closed) matcher_free(m);
    return 0;
}

/* tostring(matcher) -> "quarry.Matcher: 3 rules" or "quarry.Matcher (closed)" */
static int matcher_tostring(lua_State *L)
{
    matcher *m = luaL_checkudata(L, 1, QR_MATCHER_MT);
    if (m->closed) lua_pushliteral(L, "quarry.Matcher (closed)");
    else lua_pushfstring(L, "quarry.Matcher: %d rules, %d instructions", m->nrules, m->ncode);
    return 1;
}

/***
The rule engine: matchers and the order of annotations.
@section engine
*/

/***
quarry.core.matcher(description) -> quarry.Matcher
description = {code = {op, a, b, c, d, ...}, preds = {...}, sets = {...},
  regexes = {...}, classes = n, rules = {{name, entry, ncaps, scope,
  first_keys, first_kinds, first_cases, anchor_offset, anchor_pred}, ...}, step_limit = n}.
Built by quarry.pattern; raises on a malformed description.
@function matcher
@param description table the program, as quarry.pattern builds it
@return quarry.Matcher
*/
static int l_matcher(lua_State *L)
{
    matcher *m;
    int self;
    luaL_checktype(L, 1, LUA_TTABLE);
    m = lua_newuserdatauv(L, sizeof *m, 2);
    memset(m, 0, sizeof *m);
    self = lua_gettop(L);
    luaL_setmetatable(L, QR_MATCHER_MT);     /* from here __gc frees whatever was built */
    lua_newtable(L);                          /* the declared rules' strings and values */
    lua_setiuservalue(L, self, 2);
    m->nclasses = opt_int_field(L, 1, "classes", 0);
    m->step_limit = opt_int_field(L, 1, "step_limit", 100000);
    if (m->nclasses < 0 || m->step_limit < 1) luaL_error(L, "matcher description: bad classes or step_limit");
    read_sets(L, 1, m);
    read_regexes(L, 1, m, self);
    read_preds(L, 1, m);
    read_code(L, 1, m);
    read_rules(L, 1, m);
    build_dispatch(L, 1, m);
    if ((m->disp.keys.count || m->any_required) && !m->needs_keys) m->needs_keys = 1;
    lua_settop(L, self);
    return 1;
}

typedef struct sortkey {
    lua_Integer start, stop;
    const char *type;
    size_t tlen;
    int index;           /* position in the list, for a stable order */
} sortkey;

static int sortkey_cmp(const void *x, const void *y)
{
    const sortkey *a = x, *b = y;
    int c;
    if (a->start != b->start) return a->start < b->start ? -1 : 1;
    if (a->stop != b->stop) return a->stop > b->stop ? -1 : 1;       /* longer first */
    c = memcmp(a->type, b->type, a->tlen < b->tlen ? a->tlen : b->tlen);
    if (c) return c;
    if (a->tlen != b->tlen) return a->tlen < b->tlen ? -1 : 1;
    return (a->index > b->index) - (a->index < b->index);
}

/***
quarry.core.sort_annotations(list) -> list, sorted in place by start,
then longest first, then type (a stable order otherwise). Each item needs
integer start and stop and a string type; raises naming the bad item.
@function sort_annotations
@param list table the annotations {type, start, stop, ...}
@return table the same list, sorted
*/
static int l_sort_annotations(lua_State *L)
{
    size_t n, i;
    sortkey *keys;
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    n = lua_rawlen(L, 1);
    if (n < 2) return 1;
    keys = lua_newuserdatauv(L, n * sizeof *keys, 0);     /* collected on error */
    lua_pushliteral(L, "start");     /* the field names once, at 3, 4, 5 */
    lua_pushliteral(L, "stop");
    lua_pushliteral(L, "type");
    for (i = 0; i < n; i++) {
        int ok1, ok2;
        if (lua_rawgeti(L, 1, (lua_Integer)i + 1) != LUA_TTABLE)
            return luaL_error(L, "sort_annotations: item %d is not a table", (int)i + 1);
        /* fields read as lua_getfield would (an item may have a metatable) */
        lua_pushvalue(L, 3);
        lua_gettable(L, -2);
        lua_pushvalue(L, 4);
        lua_gettable(L, -3);
        lua_pushvalue(L, 5);
        lua_gettable(L, -4);
        keys[i].start = lua_tointegerx(L, -3, &ok1);
        keys[i].stop = lua_tointegerx(L, -2, &ok2);
        keys[i].type = lua_tolstring(L, -1, &keys[i].tlen);    /* anchored by the item */
        if (!ok1 || !ok2 || !keys[i].type)
            return luaL_error(L, "sort_annotations: item %d needs integer start and stop and a type", (int)i + 1);
        keys[i].index = (int)i + 1;
        lua_pop(L, 4);
    }
    qsort(keys, n, sizeof *keys, sortkey_cmp);
    /* items go back through a copy: the list is being overwritten */
    lua_createtable(L, (int)n, 0);
    for (i = 0; i < n; i++) {
        lua_rawgeti(L, 1, keys[i].index);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    for (i = 0; i < n; i++) {
        lua_rawgeti(L, -1, (lua_Integer)i + 1);
        lua_rawseti(L, 1, (lua_Integer)i + 1);
    }
    lua_settop(L, 1);
    return 1;
}

void qr_open_match(lua_State *L)
{
    static const luaL_Reg methods[] = {
        { "run", matcher_run }, { "declare", matcher_declare }, { "close", matcher_release },
        { NULL, NULL }
    };
    luaL_newmetatable(L, "quarry.MatchRun");   /* scratch of one run, freed on exit */
    lua_pushcfunction(L, runbox_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, runbox_gc);
    lua_setfield(L, -2, "__close");
    lua_pop(L, 1);
    luaL_newmetatable(L, QR_MATCHER_MT);
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, matcher_release);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, matcher_release);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, matcher_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
    lua_pushcfunction(L, l_matcher);
    lua_setfield(L, -2, "matcher");
    lua_pushcfunction(L, l_sort_annotations);
    lua_setfield(L, -2, "sort_annotations");
}
