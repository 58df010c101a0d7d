/*
 * Lua binding of the token-pattern matcher (qr_match.h): reads the
 * description lua/quarry/pattern.lua compiles (instructions, predicates,
 * word sets, regexes, rules), interning its words in the state's vocabulary
 * (qr_vocab.h), and turns matches into Lua values: the annotations of
 * declared rules (qr_ann.h), or match tables for rules with Lua actions.
 */
#include "qr_ann.h"
#include "qr_lua.h"
#include "qr_match.h"

#include <stdlib.h>
#include <string.h>

#define QR_MATCHER_MT "quarry.Matcher"
#define QR_MATCHRUN_MT "quarry.MatchRun"

typedef struct lmatcher {
    qr_matcher m;
    qr_annspec *specs;  /* per rule (matcher:declare), or NULL when no rule is declared */
    char *declared;     /* per rule: 1 when declared */
    char *shaped;       /* per rule: 1 when its matches come out as Match objects (matcher:shape) */
    qr_regex *const **reslots;   /* per regex: where its quarry.Regex keeps it (qr_regex_slot) */
    int closed;
    int last_nout;      /* the matches of the last run: the next run's lists are made at that size */
} lmatcher;

static void lmatcher_free(lmatcher *lm)
{
    int i;
    if (lm->specs) for (i = 0; i < lm->m.nrules; i++) qr_annspec_free(&lm->specs[i]);
    free(lm->specs);
    free(lm->declared);
    free(lm->shaped);
    free((void *)lm->reslots);
    lm->reslots = NULL;
    qr_matcher_free(&lm->m);
    lm->specs = NULL;
    lm->declared = NULL;
    lm->shaped = NULL;
    lm->closed = 1;
}

static lmatcher *check_matcher(lua_State *L, int idx)
{
    lmatcher *lm = luaL_checkudata(L, idx, QR_MATCHER_MT);
    if (lm->closed) luaL_error(L, "attempt to use a closed quarry.Matcher");
    return lm;
}

/***
@module quarry.core
*/

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

/* A malloc'd, NUL-terminated copy of the string at idx; anything but a
 * string (a number included: the description is built by rules.lua, which
 * checks names) raises, naming what it is and where. */
static char *dup_lstring(lua_State *L, int idx, size_t *len, const char *what, int where)
{
    size_t n = 0;
    const char *s = lua_type(L, idx) == LUA_TSTRING ? lua_tolstring(L, idx, &n) : NULL;
    char *copy;
    if (!s) luaL_error(L, "matcher description: %s %d: not a string but a %s", what, where, luaL_typename(L, idx));
    copy = malloc(n + 1);
    if (!copy) luaL_error(L, "not enough memory");
    if (n) memcpy(copy, s, n);
    copy[n] = '\0';
    if (len) *len = n;
    return copy;
}

/* The id of the key string at idx, interned (what names it, for errors). */
static uint32_t intern_key(lua_State *L, int idx, const char *what, const char *where)
{
    size_t n = 0;
    const char *s = lua_type(L, idx) == LUA_TSTRING ? lua_tolstring(L, idx, &n) : NULL;
    uint32_t id;
    int rc;
    if (!s) luaL_error(L, "matcher description: %s %s holds a non-string", what, where);
    rc = qr_vocab_intern(qr_state_vocab(L), s, n, &id);
    if (rc != QR_OK) luaL_error(L, rc == QR_ENOMEM ? "not enough memory" : "too many words");
    return id;
}

static void read_sets(lua_State *L, int desc, qr_matcher *m)
{
    int i;
    lua_getfield(L, desc, "sets");
    m->nsets = lua_istable(L, -1) ? (int)lua_rawlen(L, -1) : 0;
    m->sets = calloc((size_t)m->nsets + 1, sizeof *m->sets);
    if (!m->sets) luaL_error(L, "not enough memory");
    for (i = 0; i < m->nsets; i++) {
        size_t k, count;
        char where[32];
        lua_rawgeti(L, -1, i + 1);
        luaL_checktype(L, -1, LUA_TTABLE);
        snprintf(where, sizeof where, "%d", i + 1);
        count = lua_rawlen(L, -1);
        for (k = 0; k < count; k++) {
            lua_rawgeti(L, -1, (lua_Integer)k + 1);
            if (qr_idset_add(&m->sets[i], intern_key(L, -1, "set", where)) != QR_OK)
                luaL_error(L, "not enough memory");
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

/* PCRE2 gives the bytes a match can begin with (the filter's first) only
 * for a pattern it does not anchor: "^\\d{1,3}$" has none, and a token
 * predicate would call PCRE2 on every token. For an anchored one (at the
 * subject's start: not multiline), this asks PCRE2 of each ASCII byte c
 * whether a subject beginning with c could match: a partial match of the
 * one byte (PCRE2_PARTIAL_HARD) says more text might, no match says none
 * can. Every other byte stays allowed (the lead bytes of UTF-8). */
static void sharpen_filter(const qr_regex *re, qr_regex_filter *f)
{
    qr_regex_opts o = *qr_regex_options(re);
    qr_regex *copy;
    size_t off;
    int err, c;
    uint8_t first[32];
    if (!f->anchored || f->have_first || (o.flags & (QR_RE_ANCHORED | QR_RE_MULTILINE))) return;
    o.jit = 0;                  /* the interpreter: partial matching needs no JIT mode of its own */
    copy = qr_regex_compile(qr_regex_source(re), qr_regex_source_len(re), &o, &err, &off);
    if (!copy) return;          /* no filter more: PCRE2 is asked */
    memset(first, 0xff, sizeof first);
    for (c = 0; c < 128; c++) {
        char s = (char)c;
        if (qr_regex_match(copy, &s, 1, 0, PCRE2_PARTIAL_HARD) == PCRE2_ERROR_NOMATCH)
            first[c >> 3] &= (uint8_t)~(1u << (c & 7));
    }
    qr_regex_free(copy);
    memcpy(f->first, first, sizeof first);
    f->have_first = 1;
}

static void read_regexes(lua_State *L, int desc, lmatcher *lm, int self)
{
    qr_matcher *m = &lm->m;
    int i;
    lua_getfield(L, desc, "regexes");
    m->nregexes = lua_istable(L, -1) ? (int)lua_rawlen(L, -1) : 0;
    m->regexes = calloc((size_t)m->nregexes + 1, sizeof *m->regexes);
    m->refilters = calloc((size_t)m->nregexes + 1, sizeof *m->refilters);
    lm->reslots = calloc((size_t)m->nregexes + 1, sizeof *lm->reslots);
    if (!m->regexes || !m->refilters || !lm->reslots) luaL_error(L, "not enough memory");
    lua_createtable(L, m->nregexes, 0);     /* the matcher's own list: nobody else changes it */
    for (i = 0; i < m->nregexes; i++) {
        lua_rawgeti(L, -2, i + 1);
        lm->reslots[i] = qr_regex_slot(L, -1);
        m->regexes[i] = *lm->reslots[i];
        qr_regex_get_filter(m->regexes[i], &m->refilters[i]);
        sharpen_filter(m->regexes[i], &m->refilters[i]);
        lua_rawseti(L, -2, i + 1);
    }
    /* the matcher keeps its regexes alive */
    lua_setiuservalue(L, self, 1);
    lua_pop(L, 1);
}

static void read_kids(lua_State *L, int t, qr_mpred *p, int i)
{
    int k;
    lua_getfield(L, t, "kids");
    if (lua_istable(L, -1)) {
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
}

static void check_pred(lua_State *L, qr_matcher *m, qr_mpred *p, int i)
{
    switch (p->op) {
    case QR_P_TEXT: case QR_P_KEY: case QR_P_BARE: case QR_P_SHAPE: case QR_P_SHORT_SHAPE:
        if (!p->s) luaL_error(L, "matcher description: predicate %d needs a string", i + 1);
        break;
    case QR_P_KEYSET: case QR_P_BARESET:
        if (p->a < 1 || p->a > m->nsets) luaL_error(L, "matcher description: predicate %d: bad set", i + 1);
        break;
    case QR_P_REGEX:
        if (p->a < 1 || p->a > m->nregexes) luaL_error(L, "matcher description: predicate %d: bad regex", i + 1);
        break;
    case QR_P_WITHIN: case QR_P_STARTS: case QR_P_ENDS:
        if (p->a < 1 || p->a > m->nclasses) luaL_error(L, "matcher description: predicate %d: bad class", i + 1);
        break;
    case QR_P_NOT: case QR_P_NEXT: case QR_P_PREV:
        if (p->nkids != 1)
            luaL_error(L, "matcher description: predicate %d: '%s' takes one", i + 1,
                       p->op == QR_P_NOT ? "not" : p->op == QR_P_NEXT ? "next" : "prev");
        break;
    default:
        break;
    }
    if (p->op == QR_P_KEY || p->op == QR_P_BARE) {
        uint32_t id;
        int rc = qr_vocab_intern(qr_state_vocab(L), p->s, p->slen, &id);
        if (rc != QR_OK) luaL_error(L, rc == QR_ENOMEM ? "not enough memory" : "too many words");
        p->id = id;
    }
    if (p->op == QR_P_KEY || p->op == QR_P_KEYSET) m->needs_ids = 1;
    if (p->op == QR_P_BARE || p->op == QR_P_BARESET) m->needs_bare = 1;
}

static void read_preds(lua_State *L, int desc, qr_matcher *m)
{
    int i;
    lua_getfield(L, desc, "preds");
    luaL_checktype(L, -1, LUA_TTABLE);
    m->npreds = (int)lua_rawlen(L, -1);
    m->preds = calloc((size_t)m->npreds + 1, sizeof *m->preds);
    if (!m->preds) luaL_error(L, "not enough memory");
    for (i = 0; i < m->npreds; i++) {
        qr_mpred *p = &m->preds[i];
        int t = lua_gettop(L) + 1;
        lua_rawgeti(L, -1, i + 1);
        luaL_checktype(L, t, LUA_TTABLE);
        p->op = int_field(L, t, "op", "a predicate");
        if (p->op < 0 || p->op >= QR_P_COUNT) luaL_error(L, "matcher description: bad predicate op %d", p->op);
        p->a = opt_int_field(L, t, "a", 0);
        p->b = opt_int_field(L, t, "b", 0);
        lua_getfield(L, t, "s");
        if (lua_type(L, -1) == LUA_TSTRING) p->s = dup_lstring(L, -1, &p->slen, "predicate", i + 1);
        lua_pop(L, 1);
        read_kids(L, t, p, i);
        check_pred(L, m, p, i);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

static void read_code(lua_State *L, int desc, qr_matcher *m)
{
    int i;
    lua_getfield(L, desc, "code");
    luaL_checktype(L, -1, LUA_TTABLE);
    m->ncode = (int)(lua_rawlen(L, -1) / 5);
    m->code = calloc((size_t)m->ncode + 1, sizeof *m->code);
    if (!m->code) luaL_error(L, "not enough memory");
    for (i = 0; i < m->ncode; i++) {
        qr_minst *in = &m->code[i];
        int f[5], k;
        for (k = 0; k < 5; k++) {
            lua_rawgeti(L, -1, 5 * i + k + 1);
            f[k] = (int)lua_tointeger(L, -1);
            lua_pop(L, 1);
        }
        in->op = f[0]; in->a = f[1]; in->b = f[2]; in->c = f[3]; in->d = f[4];
        switch (in->op) {
        case QR_OP_TOKEN:
            if (in->a < 1 || in->a > m->npreds) luaL_error(L, "matcher description: instruction %d: bad predicate", i + 1);
            in->a--;
            break;
        case QR_OP_TEST:
            if (in->a < 1 || in->a > m->npreds || in->b < 0 || in->b > 1 || in->c < 0 || in->c > 1)
                luaL_error(L, "matcher description: instruction %d: bad test", i + 1);
            in->a--;
            break;
        case QR_OP_ANN:
            if (in->a < 1 || in->a > m->nclasses) luaL_error(L, "matcher description: instruction %d: bad class", i + 1);
            break;
        case QR_OP_CHOICE: case QR_OP_JMP: case QR_OP_AHEAD: case QR_OP_BEHIND:
            if (in->a < 1 || in->a > m->ncode) luaL_error(L, "matcher description: instruction %d: bad target", i + 1);
            if ((in->op == QR_OP_CHOICE && (in->b < 0 || in->b > m->npreds))
                || (in->op == QR_OP_AHEAD && (in->c < 0 || in->c > m->npreds)))
                luaL_error(L, "matcher description: instruction %d: bad predicate", i + 1);
            in->a--;
            break;
        case QR_OP_OPEN: case QR_OP_CLOSE:
            if (in->a < 0 || in->a >= QR_MAX_CAPS)
                luaL_error(L, "matcher description: instruction %d: bad capture", i + 1);
            break;
        case QR_OP_END: case QR_OP_FAIL:
            break;
        default:
            luaL_error(L, "matcher description: instruction %d: bad op %d", i + 1, in->op);
        }
    }
    lua_pop(L, 1);
}

/* The words of the list field `key` of the rule table at t, as ids: the
 * first keys (into r->first_ids) or the required ones (into r->required,
 * and into the set of every rule's, m->reqwords). */
static void read_rule_words(lua_State *L, int t, qr_matcher *m, qr_mrule *r, const char *key)
{
    size_t k, count;
    int first = key[0] == 'f';
    lua_getfield(L, t, key);
    if (!lua_istable(L, -1)) { lua_pop(L, 1); return; }
    count = lua_rawlen(L, -1);
    if (first) {
        r->first_ids = malloc((count + 1) * sizeof *r->first_ids);
        if (!r->first_ids) luaL_error(L, "not enough memory");
        r->nfirst = 0;
    }
    for (k = 0; k < count; k++) {
        uint32_t id;
        lua_rawgeti(L, -1, (lua_Integer)k + 1);
        id = intern_key(L, -1, first ? "rule's first keys:" : "rule's required keys:", r->name);
        if (first) r->first_ids[r->nfirst++] = id;
        else {
            r->required |= qr_match_bloom(id);
            if (qr_idset_add(&m->reqwords, id) != QR_OK) luaL_error(L, "not enough memory");
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

/* The rule's windows: {{pred =, lo =, hi =, anns =}, ...} (hi -1: no bound). */
static void read_windows(lua_State *L, int t, const qr_matcher *m, qr_mrule *r)
{
    int k, n;
    lua_getfield(L, t, "windows");
    n = lua_istable(L, -1) ? (int)lua_rawlen(L, -1) : 0;
    if (n > QR_MAX_WINDOWS) luaL_error(L, "matcher description: rule %s: more than %d windows", r->name, QR_MAX_WINDOWS);
    for (k = 0; k < n; k++) {
        qr_mwindow *w = &r->windows[k];
        int item;
        lua_rawgeti(L, -1, k + 1);
        item = lua_gettop(L);
        if (!lua_istable(L, item)) luaL_error(L, "matcher description: rule %s: bad window", r->name);
        w->pred = opt_int_field(L, item, "pred", 0) - 1;
        w->lo = opt_int_field(L, item, "lo", -1);
        w->hi = opt_int_field(L, item, "hi", -2);
        w->anns = opt_int_field(L, item, "anns", -1);
        if (w->pred < 0 || w->pred >= m->npreds || w->lo < 0 || w->hi < -1
            || w->anns < 0 || w->lo > QR_MAX_CAPS || w->hi > QR_MAX_CAPS || w->anns > QR_MAX_CAPS)
            luaL_error(L, "matcher description: rule %s: bad window", r->name);
        lua_pop(L, 1);
    }
    r->nwindows = n;
    lua_pop(L, 1);
}

static void read_rules(lua_State *L, int desc, qr_matcher *m)
{
    int i, prefilter;
    lua_getfield(L, desc, "prefilter");
    prefilter = lua_isnil(L, -1) || lua_toboolean(L, -1);
    m->no_prefilter = !prefilter;
    lua_pop(L, 1);
    lua_getfield(L, desc, "rules");
    luaL_checktype(L, -1, LUA_TTABLE);
    m->nrules = (int)lua_rawlen(L, -1);
    m->rules = calloc((size_t)m->nrules + 1, sizeof *m->rules);
    if (!m->rules) luaL_error(L, "not enough memory");
    for (i = 0; i < m->nrules; i++) {
        qr_mrule *r = &m->rules[i];
        int t = lua_gettop(L) + 1;
        lua_rawgeti(L, -1, i + 1);
        luaL_checktype(L, t, LUA_TTABLE);
        lua_getfield(L, t, "name");
        r->name = dup_lstring(L, -1, NULL, "the name of rule", i + 1);
        lua_pop(L, 1);
        r->entry = int_field(L, t, "entry", r->name) - 1;
        if (r->entry < 0 || r->entry >= m->ncode) luaL_error(L, "matcher description: rule %s: bad entry", r->name);
        r->ncaps = opt_int_field(L, t, "ncaps", 0);
        r->scope = opt_int_field(L, t, "scope", QR_SCOPE_PARAGRAPH);
        if (r->ncaps < 0 || r->ncaps > QR_MAX_CAPS)
            luaL_error(L, "matcher description: rule %s: bad ncaps %d", r->name, r->ncaps);
        if (r->scope < QR_SCOPE_DOCUMENT || r->scope > QR_SCOPE_SENTENCE)
            luaL_error(L, "matcher description: rule %s: bad scope %d", r->name, r->scope);
        r->first_kinds = (unsigned)-1;
        r->first_cases = (unsigned)-1;
        if (prefilter) {
            /* what rules out starts without running the program (prefilter
             * = false: none of it, to check that it changes no match) */
            r->first_kinds = (unsigned)opt_int_field(L, t, "first_kinds", -1);
            r->first_cases = (unsigned)opt_int_field(L, t, "first_cases", -1);
            r->anchor_off = opt_int_field(L, t, "anchor_offset", 0);
            r->anchor_pred = opt_int_field(L, t, "anchor_pred", 0) - 1;
            if (r->anchor_off < 0 || (r->anchor_off > 0 && (r->anchor_pred < 0 || r->anchor_pred >= m->npreds)))
                luaL_error(L, "matcher description: rule %s: bad anchor", r->name);
            r->start = opt_int_field(L, t, "start_pred", 0);
            if (r->start < 0 || r->start > m->npreds)
                luaL_error(L, "matcher description: rule %s: bad start_pred", r->name);
            read_windows(L, t, m, r);
            read_rule_words(L, t, m, r, "required_keys");
            read_rule_words(L, t, m, r, "first_keys");
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

/***
quarry.core.matcher(description) -> quarry.Matcher
description = {code = {op, a, b, c, d, ...}, preds = {...}, sets = {...},
  regexes = {...}, classes = n, rules = {{name, entry, ncaps, scope,
  first_keys, required_keys, first_kinds, first_cases, anchor_offset,
  anchor_pred, start_pred, windows}, ...}, step_limit = n [, prefilter = false]}.
Built by quarry.pattern; raises on a malformed description.
@function matcher
@param description table the program, as quarry.pattern builds it
@return quarry.Matcher
*/
static int l_matcher(lua_State *L)
{
    lmatcher *lm;
    qr_matcher *m;
    int self;
    luaL_checktype(L, 1, LUA_TTABLE);
    lm = lua_newuserdatauv(L, sizeof *lm, 4);   /* 4: the scratch of its runs (run_box) */
    memset(lm, 0, sizeof *lm);
    m = &lm->m;
    self = lua_gettop(L);
    luaL_setmetatable(L, QR_MATCHER_MT);     /* from here __gc frees whatever was built */
    lua_newtable(L);                          /* the declared rules' strings and values */
    lua_setiuservalue(L, self, 2);
    lua_newtable(L);                          /* the shaped rules' shapes (matcher:shape) */
    lua_setiuservalue(L, self, 3);
    m->nclasses = opt_int_field(L, 1, "classes", 0);
    m->step_limit = opt_int_field(L, 1, "step_limit", 100000);
    if (m->nclasses < 0 || m->step_limit < 1) luaL_error(L, "matcher description: bad classes or step_limit");
    read_sets(L, 1, m);
    read_regexes(L, 1, lm, self);
    read_preds(L, 1, m);
    read_code(L, 1, m);
    read_rules(L, 1, m);
    if (qr_matcher_prepare(m) != QR_OK) luaL_error(L, "not enough memory");
    lua_settop(L, self);
    return 1;
}

/***
The compiled token patterns of one phase (quarry.pattern builds one; the rule
engine runs it).
@type Matcher
*/

/* --- declared rules ------------------------------------------------------------- */

typedef struct slot_limit { int ncaps; } slot_limit;

/* A capture of a declared rule is its slot number (0-based). */
static int resolve_slot(lua_State *L, void *ud)
{
    const slot_limit *sl = ud;
    int isnum;
    lua_Integer slot = lua_tointegerx(L, -1, &isnum);
    return isnum && slot >= 0 && slot < sl->ncaps ? (int)slot : -1;
}

/***
matcher:declare(rule, {type =, rule =, phase = [, span = slot] [, attrs = {{key, "const", value} |
  {key, "cap", slot} | {key, "match"}, ...}]})
Declares rule number `rule` (1-based): matcher:run returns its matches as
the annotations the rule engine would make of them (qr_ann_push): the
span is capture `slot` (0-based; a match where it took no token makes
none) or the whole match. Raises on a malformed declaration.
@function Matcher:declare
@param rule integer the rule's number (1-based)
@param decl table {type, rule, phase, span, attrs}
@return nothing
*/
static int matcher_declare(lua_State *L)
{
    lmatcher *lm = check_matcher(L, 1);
    lua_Integer ri = luaL_checkinteger(L, 2);
    slot_limit sl;
    qr_annspec spec;
    luaL_argcheck(L, ri >= 1 && ri <= lm->m.nrules, 2, "rule number out of range");
    luaL_checktype(L, 3, LUA_TTABLE);
    lua_settop(L, 3);
    if (!lm->specs) {
        lm->specs = calloc((size_t)lm->m.nrules + 1, sizeof *lm->specs);
        lm->declared = calloc((size_t)lm->m.nrules + 1, 1);
        if (!lm->specs || !lm->declared) return luaL_error(L, "not enough memory");
    }
    if (lm->declared[ri - 1] || (lm->shaped && lm->shaped[ri - 1]))
        return luaL_error(L, "matcher:declare: rule %d is declared already", (int)ri);
    sl.ncaps = lm->m.rules[ri - 1].ncaps;
    lua_getiuservalue(L, 1, 2);
    qr_annspec_read(L, 3, 4, &spec, resolve_slot, &sl, "matcher:declare");
    lm->specs[ri - 1] = spec;
    lm->declared[ri - 1] = 1;
    return 0;
}

/***
matcher:shape(rule, {name =, caps = {[slot + 1] = name, ...}, match = mt, capture = mt})
Declares that matcher:run returns the matches of rule number `rule`
(1-based) as the Match objects the rule engine hands to actions: {rule =
name, doc_text, tokens, start, stop, first, last, caps = {name = capture},
units, doc} with metatable `match`, each capture {start, stop, first,
last, doc_text [, units]} with metatable `capture` (see matcher:run).
Raises on a malformed shape or a rule declared already.
@function Matcher:shape
@param rule integer the rule's number (1-based)
@param shape table {name, caps, match, capture}
@return nothing
*/
static int matcher_shape(lua_State *L)
{
    lmatcher *lm = check_matcher(L, 1);
    lua_Integer ri = luaL_checkinteger(L, 2);
    luaL_argcheck(L, ri >= 1 && ri <= lm->m.nrules, 2, "rule number out of range");
    luaL_checktype(L, 3, LUA_TTABLE);
    lua_settop(L, 3);
    if (lua_getfield(L, 3, "name") != LUA_TSTRING || lua_getfield(L, 3, "caps") != LUA_TTABLE
        || lua_getfield(L, 3, "match") != LUA_TTABLE || lua_getfield(L, 3, "capture") != LUA_TTABLE)
        return luaL_error(L, "matcher:shape: needs name (a string), caps, match and capture (tables)");
    if (!lm->shaped) {
        lm->shaped = calloc((size_t)lm->m.nrules + 1, 1);
        if (!lm->shaped) return luaL_error(L, "not enough memory");
    }
    if (lm->shaped[ri - 1] || (lm->declared && lm->declared[ri - 1]))
        return luaL_error(L, "matcher:shape: rule %d is declared already", (int)ri);
    lua_getiuservalue(L, 1, 3);
    lua_pushvalue(L, 3);
    lua_rawseti(L, -2, ri);
    lm->shaped[ri - 1] = 1;
    return 0;
}

/* --- running -------------------------------------------------------------------- */

/* The field names of shaped rules' Match objects and captures, and of the
 * shapes, pushed once a run (lua_setfield would intern each every time)
 * from a list in the registry (key: match_key_list), made by
 * qr_open_match. */
enum { M_RULE, M_DOC_TEXT, M_TOKENS, M_START, M_STOP, M_FIRST, M_LAST, M_CAPS, M_UNITS, M_DOC, M_NAME,
       M_CAPTURE, M_MATCH, M_COUNT };
static const char *const match_keys[M_COUNT] = {
    "rule", "doc_text", "tokens", "start", "stop", "first", "last", "caps", "units", "doc", "name",
    "capture", "match"
};

static const char match_key_list;

#define QR_LIST_HINT_MAX 4096   /* the largest size a run's lists are made at before it */

/* The scratch of a run, cleaned up whatever happens through a
 * to-be-closed userdata. A matcher keeps one (its user value 4, kept) for
 * its next runs: what it sized by the matcher stays allocated from one
 * run to the next (qr_mrun_reset). A run that finds it in use (busy: a
 * run within a run) makes one of its own, freed when it ends. */
typedef struct runbox {
    qr_mrun r;
    qr_annindex ax;
    int kept, busy;
    /* the rule number and start byte of each match of the run, made into
     * the rules and starts lists once the run has ended, at their size */
    int *mrules;
    lua_Integer *mstarts;
    size_t mcap;
} runbox;

/* What a run's emit callback needs. */
typedef struct emitter {
    lua_State *L;
    const lmatcher *lm;
    const qr_tokens *toks;
    qr_annemit ann;
    const qr_mrun *run;      /* the run of the match being emitted */
    int list;                /* stack index of the list of matches */
    runbox *box;             /* where each match's rule and start are noted */
    int shapes, text, doc, anns;   /* stack indexes of what shaped rules' matches hold (0: none) */
    int mkeys;               /* stack index of the first of match_keys (shaped rules) */
    int nout;
    qr_anndefer *defer;      /* where declared rules' matches are recorded, or NULL: made tables */
} emitter;

/* qr_annemit's capture span: slot's tokens as bytes */
static int cap_bytes(void *ud, int slot, size_t *start, size_t *stop)
{
    const emitter *em = ud;
    size_t first, end;
    if (!qr_mrun_cap(em->run, slot, &first, &end)) return 0;
    *start = em->toks->tok[first].start;
    *stop = em->toks->tok[end - 1].stop;
    return 1;
}

/* Pushes the match of rule ri from first to end as a Lua table:
 * {rule, first, last, start, stop, caps = {[slot + 1] = {first, last, start, stop}}, units}. */
static void push_match(lua_State *L, const qr_mrun *r, int ri, size_t start, size_t end)
{
    const qr_mrule *ru = &r->m->rules[ri];
    size_t i;
    int nunits = 0, slot;
    lua_createtable(L, 0, 7);
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
    /* captures that took tokens: {first, last, start, stop}, tokens 1-based
     * inclusive, bytes 0-based exclusive */
    lua_createtable(L, ru->ncaps, 0);
    for (slot = 0; slot < ru->ncaps; slot++) {
        size_t first, cend;
        if (!qr_mrun_cap(r, slot, &first, &cend)) continue;
        lua_createtable(L, 4, 0);
        lua_pushinteger(L, (lua_Integer)first + 1);
        lua_rawseti(L, -2, 1);
        lua_pushinteger(L, (lua_Integer)cend);
        lua_rawseti(L, -2, 2);
        lua_pushinteger(L, r->toks->tok[first].start);
        lua_rawseti(L, -2, 3);
        lua_pushinteger(L, r->toks->tok[cend - 1].stop);
        lua_rawseti(L, -2, 4);
        lua_rawseti(L, -2, slot + 1);
    }
    lua_setfield(L, -2, "caps");
    /* annotation units, in order: {class, ref} */
    lua_newtable(L);
    for (i = 0; i < r->ncaps; i++) {
        const qr_mcapev *e = &r->caps[i];
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

/* Pushes a new capture table {start, stop, first, last, doc_text [, units]}
 * of tokens first..end - 1 (units: those of the match's units, at index
 * units, that lie within it), with the shape's capture metatable. */
static void push_capture(lua_State *L, const emitter *em, int shape, size_t first, size_t end, int units)
{
    const qr_token *tok = em->toks->tok;
    lua_Integer cs = tok[first].start, ce = tok[end - 1].stop;
    lua_Integer i, n = (lua_Integer)lua_rawlen(L, units), in = 0;
    int c, k = em->mkeys;
    lua_createtable(L, 0, 5);
    c = lua_gettop(L);
    lua_pushvalue(L, k + M_START);
    lua_pushinteger(L, cs);
    lua_rawset(L, c);
    lua_pushvalue(L, k + M_STOP);
    lua_pushinteger(L, ce);
    lua_rawset(L, c);
    lua_pushvalue(L, k + M_FIRST);
    lua_pushinteger(L, (lua_Integer)first + 1);
    lua_rawset(L, c);
    lua_pushvalue(L, k + M_LAST);
    lua_pushinteger(L, (lua_Integer)end);
    lua_rawset(L, c);
    lua_pushvalue(L, k + M_DOC_TEXT);
    lua_pushvalue(L, em->text);
    lua_rawset(L, c);
    for (i = 1; i <= n; i++) {          /* units inside the capture, for "$capture.attr" */
        int inside;
        lua_rawgeti(L, units, i);
        lua_pushvalue(L, k + M_START);
        lua_gettable(L, -2);
        lua_pushinteger(L, cs);
        inside = lua_compare(L, -1, -2, LUA_OPLE);
        lua_pop(L, 2);
        if (inside) {
            lua_pushvalue(L, k + M_STOP);
            lua_gettable(L, -2);
            lua_pushinteger(L, ce);
            inside = lua_compare(L, -2, -1, LUA_OPLE);
            lua_pop(L, 2);
        }
        if (!inside) { lua_pop(L, 1); continue; }
        if (in == 0) {
            lua_newtable(L);
            lua_pushvalue(L, k + M_UNITS);
            lua_pushvalue(L, -2);
            lua_rawset(L, c);
            lua_insert(L, -2);
        }
        lua_rawseti(L, -2, ++in);
    }
    if (in) lua_pop(L, 1);
    lua_pushvalue(L, k + M_CAPTURE);
    lua_gettable(L, shape);
    lua_setmetatable(L, c);
}

/* Pushes the match of shaped rule ri from first to end as the Match object
 * matcher:shape describes. */
static void push_shaped(lua_State *L, const emitter *em, const qr_mrun *r, int ri, size_t first, size_t end)
{
    const qr_token *tok = em->toks->tok;
    int shape, m, names, caps, units, slot, nunits = 0, k = em->mkeys;
    size_t i;
    lua_rawgeti(L, em->shapes, ri + 1);
    shape = lua_gettop(L);
    lua_pushvalue(L, k + M_CAPS);
    lua_gettable(L, shape);
    names = shape + 1;
    lua_createtable(L, 0, 10);
    m = names + 1;
    lua_pushvalue(L, k + M_RULE);
    lua_pushvalue(L, k + M_NAME);
    lua_gettable(L, shape);
    lua_rawset(L, m);
    lua_pushvalue(L, k + M_DOC_TEXT);
    lua_pushvalue(L, em->text);
    lua_rawset(L, m);
    lua_pushvalue(L, k + M_TOKENS);
    lua_pushvalue(L, 2);
    lua_rawset(L, m);
    lua_pushvalue(L, k + M_START);
    lua_pushinteger(L, tok[first].start);
    lua_rawset(L, m);
    lua_pushvalue(L, k + M_STOP);
    lua_pushinteger(L, tok[end - 1].stop);
    lua_rawset(L, m);
    lua_pushvalue(L, k + M_FIRST);
    lua_pushinteger(L, (lua_Integer)first + 1);
    lua_rawset(L, m);
    lua_pushvalue(L, k + M_LAST);
    lua_pushinteger(L, (lua_Integer)end);          /* last token, inclusive, 1-based */
    lua_rawset(L, m);
    /* annotation units, in order: the annotations themselves */
    lua_newtable(L);
    units = m + 1;
    for (i = 0; i < r->ncaps; i++) {
        const qr_mcapev *e = &r->caps[i];
        if (e->slot >= 0) continue;
        lua_rawgeti(L, em->anns, (lua_Integer)e->pos);
        lua_rawseti(L, units, ++nunits);
    }
    /* captures that took tokens, by name */
    lua_newtable(L);
    caps = units + 1;
    for (slot = 0; slot < r->m->rules[ri].ncaps; slot++) {
        size_t cfirst, cend;
        if (!qr_mrun_cap(r, slot, &cfirst, &cend)) continue;
        lua_rawgeti(L, names, slot + 1);
        push_capture(L, em, shape, cfirst, cend, units);
        lua_rawset(L, caps);
    }
    lua_pushvalue(L, k + M_CAPS);
    lua_pushvalue(L, caps);
    lua_rawset(L, m);
    lua_pushvalue(L, k + M_UNITS);
    lua_pushvalue(L, units);
    lua_rawset(L, m);
    lua_pushvalue(L, k + M_DOC);
    lua_pushvalue(L, em->doc);
    lua_rawset(L, m);
    lua_settop(L, m);
    lua_pushvalue(L, k + M_MATCH);
    lua_gettable(L, shape);
    lua_setmetatable(L, m);
    lua_replace(L, shape);
    lua_settop(L, shape);
}

static int emit_match(void *ud, const qr_mrun *r, int ri, size_t first, size_t end)
{
    emitter *em = ud;
    lua_State *L = em->L;
    em->run = r;
    if (em->lm->declared && em->lm->declared[ri]) {
        /* a declared rule's match whose span capture took no token is none */
        size_t ms = em->toks->tok[first].start, me = em->toks->tok[end - 1].stop;
        if (em->defer) {
            lua_Integer i = qr_anndefer_add(L, em->defer, ri, ms, me, r->m->rules[ri].ncaps, cap_bytes, em);
            if (!i) return 0;
            lua_pushinteger(L, i);
        } else if (!qr_ann_push(&em->ann, &em->lm->specs[ri], ms, me)) {
            return 0;
        }
    } else if (em->lm->shaped && em->lm->shaped[ri]) {
        push_shaped(L, em, r, ri, first, end);
    } else {
        push_match(L, r, ri, first, end);
    }
    if ((size_t)em->nout == em->box->mcap) {
        runbox *b = em->box;
        size_t cap = b->mcap ? 2 * b->mcap : 256;
        int *mrules = realloc(b->mrules, cap * sizeof *mrules);
        lua_Integer *mstarts;
        if (mrules) b->mrules = mrules;
        mstarts = mrules ? realloc(b->mstarts, cap * sizeof *mstarts) : NULL;
        if (!mstarts) return luaL_error(L, "not enough memory");
        b->mstarts = mstarts;
        b->mcap = cap;
    }
    em->box->mrules[em->nout] = ri + 1;
    em->box->mstarts[em->nout] = (lua_Integer)em->toks->tok[first].start;
    lua_rawseti(L, em->list, ++em->nout);
    return 0;
}

/* Builds the annotation index from n quads {class, first, last, ref}
 * (1-based token numbers, inclusive). Raises on bad input. */
static void index_quads(lua_State *L, const int32_t *q, size_t n, const qr_matcher *m, size_t ntok,
                        qr_annindex *ax)
{
    size_t i, *fill, *counts;
    int c;
    counts = lua_newuserdatauv(L, 2 * ((size_t)m->nclasses + 1) * sizeof *counts, 0);   /* collected on error */
    memset(counts, 0, 2 * ((size_t)m->nclasses + 1) * sizeof *counts);
    fill = counts + m->nclasses + 1;
    for (i = 0; i < n; i++) {
        c = q[4 * i];
        if (c < 1 || c > m->nclasses) luaL_error(L, "annotation list: bad class %d", c);
        counts[c - 1]++;
    }
    if (qr_annindex_init(ax, m->nclasses, ntok, counts) != QR_OK) luaL_error(L, "not enough memory");
    for (i = 0; i < n; i++) {
        const int32_t *v = &q[4 * i];
        qr_annref *a;
        if (v[1] < 1 || v[2] < v[1] || (size_t)v[2] > ntok)
            luaL_error(L, "annotation list: bad token span %d..%d", (int)v[1], (int)v[2]);
        c = v[0] - 1;
        a = &ax->byclass[c][fill[c]++];
        a->first = (uint32_t)(v[1] - 1);
        a->last = (uint32_t)(v[2] - 1);
        a->ref = v[3];
    }
    memcpy(ax->count, counts, (size_t)m->nclasses * sizeof *counts);
    lua_pop(L, 1);
    qr_annindex_finish(ax, ntok);
}

/* The number of a flat list's item as an int32 (out of range: 0, which
 * index_quads refuses as a class or a token, and INT32_MIN as a ref). */
static int32_t quad_item(lua_State *L, int idx, lua_Integer i, int is_ref)
{
    lua_Integer v;
    lua_rawgeti(L, idx, i);
    v = lua_tointeger(L, -1);
    lua_pop(L, 1);
    if (v < INT32_MIN || v > INT32_MAX) return is_ref ? INT32_MIN : 0;
    return (int32_t)v;
}

/* Builds the annotation index from the annotations at idx: the flat list
 * {class, first, last, ref, ...}, or the packed string class_list makes
 * of one. Raises on bad input. */
static void build_annindex(lua_State *L, int idx, const qr_matcher *m, size_t ntok, qr_annindex *ax)
{
    size_t n, i, len;
    const int32_t *q;
    if (lua_type(L, idx) == LUA_TSTRING) {
        /* (a Lua string's bytes are aligned as any allocation is) */
        q = (const int32_t *)(const void *)lua_tolstring(L, idx, &len);
        if (len % (4 * sizeof *q)) luaL_error(L, "annotation list: a packed list of %d bytes", (int)len);
        index_quads(L, q, len / (4 * sizeof *q), m, ntok, ax);
        return;
    }
    luaL_checktype(L, idx, LUA_TTABLE);
    n = lua_rawlen(L, idx) / 4;
    {
        int32_t *v = lua_newuserdatauv(L, (n ? n : 1) * 4 * sizeof *v, 0);     /* collected on error */
        for (i = 0; i < 4 * n; i++) v[i] = quad_item(L, idx, (lua_Integer)i + 1, i % 4 == 3);
        index_quads(L, v, n, m, ntok, ax);
        lua_pop(L, 1);
    }
}


static int runbox_gc(lua_State *L)
{
    runbox *b = lua_touserdata(L, 1);
    qr_mrun_free(&b->r);
    qr_annindex_free(&b->ax);
    free(b->mrules);
    free(b->mstarts);
    b->mrules = NULL;
    b->mstarts = NULL;
    b->mcap = 0;
    return 0;
}

/* __close: the run is over (or failed) */
static int runbox_close(lua_State *L)
{
    runbox *b = lua_touserdata(L, 1);
    b->busy = 0;
    if (!b->kept) return runbox_gc(L);
    qr_mrun_reset(&b->r);
    qr_annindex_free(&b->ax);
    return 0;
}

/* The scratch of a run of the matcher at 1, pushed at 5 and closed when
 * the run ends: the matcher's own when it is free. */
static runbox *run_box(lua_State *L)
{
    runbox *box = NULL;
    if (lua_getiuservalue(L, 1, 4) == LUA_TUSERDATA) box = lua_touserdata(L, -1);
    if (!box || box->busy) {
        int keep = box == NULL;
        lua_pop(L, 1);
        box = lua_newuserdatauv(L, sizeof *box, 0);
        memset(box, 0, sizeof *box);
        luaL_setmetatable(L, QR_MATCHRUN_MT);
        if (keep) {
            box->kept = 1;
            lua_pushvalue(L, -1);
            lua_setiuservalue(L, 1, 4);
        }
    }
    box->busy = 1;
    lua_toclose(L, 5);
    return box;
}

/* Raises the error of a run that failed, naming its rule and token. */
static int run_error(lua_State *L, const lmatcher *lm, const qr_mrun *r, int rc)
{
    const char *name = lm->m.rules[r->err_rule].name;
    int token = (int)r->err_token + 1, limit = (int)lm->m.step_limit;
    switch (rc) {
    case QR_MATCH_STEPS:
        /* most steps spent going back: a pattern that tries exponentially
         * many ways; few: one match longer than the limit allows */
        if (r->backtracks > lm->m.step_limit / 4)
            return luaL_error(L, "rule %s: the pattern took more than %d steps at token %d (catastrophic backtracking)",
                              name, limit, token);
        return luaL_error(L, "rule %s: the pattern took more than %d steps at token %d (a match longer than the "
                          "limit allows; raise step_limit)", name, limit, token);
    case QR_MATCH_DEPTH:
        return luaL_error(L, "rule %s: lookarounds nested more than %d deep at token %d", name, QR_MAX_LOOK_DEPTH,
                          token);
    case QR_MATCH_REGEX: {
        char buf[128];
        return luaL_error(L, "rule %s: a token regex failed at token %d (%s)", name, token,
                          qr_regex_error(r->regex_err, buf, sizeof buf));
    }
    default:
        return luaL_error(L, "rule %s: not enough memory", name);
    }
}

/***
matcher:run(tokens [, annotations [, env [, defer]]]) -> list, rules, starts [, deferred]
list: the matches {rule, first, last, start, stop, caps = {[slot + 1] =
{first, last, start, stop}}, units = {{class, ref}, ...}} in order, where
a declared rule (matcher:declare) has its annotation instead, and a
shaped rule (matcher:shape) its Match object: units are then
env.annotations[ref], and doc_text and doc are env.text and env.doc;
rules[i] and starts[i]: the rule number of item i and the byte offset
where its match starts. annotations: flat {class, first_token,
last_token, ref, ...}, or the string quarry.core.class_list(..., true)
packs that list in. With defer (and a declared rule), a declared
rule's annotation is not made: the list has its number in deferred (a
4th result) instead, which quarry.core.resolve_overlaps and
quarry.core.append_kept take, making a table only of those kept. Raises
naming the rule when a pattern exceeds the step limit or a regex its
limits.
@function Matcher:run
@param tokens quarry.Tokens the document's tokens
@param annotations table|string optional: the annotations of earlier phases, flat (or packed)
@param env table {text, doc, annotations}: needed when a rule is shaped
@param defer boolean optional: record declared rules' annotations, not made
@return table list: the matches
@return table rules: the rule number of each item
@return table starts: where each item's match starts
@return userdata deferred: the annotations recorded (with defer and a declared rule)
*/
static int matcher_run(lua_State *L)
{
    lmatcher *lm = check_matcher(L, 1);
    qr_matcher *m = &lm->m;
    const char *text;
    const qr_tokens *toks = qr_check_tokens(L, 2, &text, NULL);
    const uint32_t *ids = NULL, *bare = NULL;
    runbox *box;
    emitter em;
    int rc, k, defer = lua_toboolean(L, 5), deferred = 0;

    lua_settop(L, 4);     /* the annotations stay at 3 and env at 4 even when absent */
    box = run_box(L);
    if (m->nregexes) {
        /* regexes come from a shared cache: someone may have closed one since
         * the matcher was built, so look them up again (raises if closed) */
        int i;
        for (i = 0; i < m->nregexes; i++) {
            m->regexes[i] = *lm->reslots[i];
            if (!m->regexes[i]) luaL_error(L, "attempt to use a closed quarry.Regex");
        }
    }
    if (m->needs_ids) ids = qr_tokens_ids(L, 2, 0);
    if (m->needs_bare) bare = qr_tokens_ids(L, 2, QR_KEY_BARE);
    if (!lua_isnoneornil(L, 3)) build_annindex(L, 3, m, toks->n, &box->ax);
    memset(&em, 0, sizeof em);
    em.L = L;
    em.lm = lm;
    em.toks = toks;
    if (lm->shaped) {
        luaL_argcheck(L, lua_istable(L, 4), 4, "env {text, doc, annotations} expected: the matcher has shaped rules");
        lua_getfield(L, 4, "text");
        em.text = lua_gettop(L);
        luaL_argcheck(L, lua_type(L, em.text) == LUA_TSTRING, 4, "env.text must be the document's text");
        lua_getfield(L, 4, "doc");
        em.doc = lua_gettop(L);
        lua_getfield(L, 4, "annotations");
        em.anns = lua_gettop(L);
        if (lua_isnil(L, em.anns)) {
            lua_newtable(L);
            lua_replace(L, em.anns);
        }
        luaL_argcheck(L, lua_istable(L, em.anns), 4, "env.annotations must be a table");
        lua_getiuservalue(L, 1, 3);
        em.shapes = lua_gettop(L);
        luaL_checkstack(L, M_COUNT + 16, "shaped rules");
        em.mkeys = qr_names_push(L, &match_key_list, M_COUNT);
    }
    if (lm->specs) {
        lua_getiuservalue(L, 1, 2);
        if (defer) {
            em.defer = qr_anndefer_new(L, 1, -1, 2, &lm->specs);
            deferred = lua_gettop(L);
        } else {
            qr_ann_begin(L, &em.ann, lua_gettop(L), text, cap_bytes, &em);
        }
    }
    /* made at the size of the last run's (a list grown an item at a time is
     * rehashed at every power of two) */
    lua_createtable(L, lm->last_nout, 0);
    em.list = lua_gettop(L);
    em.box = box;
    rc = qr_match_run(&box->r, m, toks, text, ids, bare, box->ax.nclasses ? &box->ax : NULL, emit_match, &em);
    if (rc != QR_MATCH_OK) return run_error(L, lm, &box->r, rc);
    lm->last_nout = em.nout < QR_LIST_HINT_MAX ? em.nout : QR_LIST_HINT_MAX;
    lua_createtable(L, em.nout, 0);
    for (k = 0; k < em.nout; k++) {
        lua_pushinteger(L, box->mrules[k]);
        lua_rawseti(L, -2, k + 1);
    }
    lua_createtable(L, em.nout, 0);
    for (k = 0; k < em.nout; k++) {
        lua_pushinteger(L, box->mstarts[k]);
        lua_rawseti(L, -2, k + 1);
    }
    if (!em.defer) return 3;
    lua_pushvalue(L, deferred);
    return 4;
}

/* The field names l_class_list reads, pushed at 4 to 9. */
enum { K_TYPE = 4, K_ATTRS, K_FIRST, K_LAST, K_START, K_STOP };

/* Pushes t[key] as Lua's t.field reads it (key: the stack index of the
 * field's name, pushed once a call: lua_getfield would intern it each time). */
static void field(lua_State *L, int t, int key)
{
    t = lua_absindex(L, t);
    lua_pushvalue(L, key);
    lua_gettable(L, t);
}

/* Whether every attr of the class's want table (at want) has that value in
 * the annotation's attrs (at have, or nil). */
static int attrs_match(lua_State *L, int want, int have)
{
    if (lua_isnil(L, want)) return 1;
    if (!lua_istable(L, have)) return 0;
    lua_pushnil(L);
    while (lua_next(L, want)) {
        int same;
        lua_pushvalue(L, -2);
        lua_gettable(L, have);
        same = lua_compare(L, -1, -2, LUA_OPEQ);
        lua_pop(L, 2);
        if (!same) { lua_pop(L, 1); return 0; }
    }
    return 1;
}

/***
The annotations of earlier phases, as the matcher takes them.
@section classes
*/

/* The scratch of packed class lists: a userdata kept as upvalue 1 of
 * class_list, taken from there while in use (one a nested call or an
 * error leaves behind is collected) and given back if not too large. */
#define PACK_KEEP ((size_t)1 << 20)

/* Pushes the scratch, with room for at least need int32s. */
static int32_t *pack_take(lua_State *L, size_t need)
{
    size_t size = 256 * sizeof(int32_t);
    if (lua_type(L, lua_upvalueindex(1)) == LUA_TUSERDATA && lua_rawlen(L, lua_upvalueindex(1)) >= need * sizeof(int32_t)) {
        lua_pushvalue(L, lua_upvalueindex(1));
        lua_pushboolean(L, 0);
        lua_replace(L, lua_upvalueindex(1));
        return lua_touserdata(L, -1);
    }
    while (size < need * sizeof(int32_t)) size *= 2;
    return lua_newuserdatauv(L, size, 0);
}

/* The scratch at idx (holding n int32s) made room for 4 more: replaced by
 * one twice its size when full. */
static int32_t *pack_room(lua_State *L, int idx, int32_t *buf, size_t n)
{
    size_t size = lua_rawlen(L, idx);
    int32_t *bigger;
    if ((n + 4) * sizeof *buf <= size) return buf;
    bigger = lua_newuserdatauv(L, 2 * size, 0);
    memcpy(bigger, buf, n * sizeof *buf);
    lua_replace(L, idx);
    return bigger;
}

/* The classes whose string types l_class_list compares by their bytes
 * (the others: by lua_rawequal) */
#define CLASS_TYPES 64

/***
quarry.core.class_list(classes, tokens, annotations [, packed]) -> list or nil
The annotation list matcher:run takes, {class, first, last, ref, ...}:
for every annotation (ref: its index) and every class {type [, attrs]}
(class: its index) it belongs to (its type, and each of the class's attrs
with that value), the tokens it covers (its own first and last when it
has them). nil when there are no classes. Annotations that touch no
token are left out. With packed, the list is a string of the same
numbers as native 32-bit integers, which matcher:run takes as well (and
reads without a table made and read).
@function class_list
@param classes table the classes {type [, attrs]} the phase's patterns name
@param tokens quarry.Tokens the document's tokens
@param annotations table the annotations of earlier phases
@param packed boolean optional: the list packed in a string
@return table|string the flat list matcher:run takes, or nil when there are no classes
*/
static int l_class_list(lua_State *L)
{
    const char *ctype[CLASS_TYPES];
    size_t ctlen[CLASS_TYPES];
    const qr_tokens *toks;
    lua_Integer nclasses, nanns, ci, ai, n = 0;
    int base, packed, list;
    int32_t *buf = NULL;
    luaL_checktype(L, 1, LUA_TTABLE);
    toks = qr_check_tokens(L, 2, NULL, NULL);
    luaL_checktype(L, 3, LUA_TTABLE);
    packed = lua_toboolean(L, 4);
    nclasses = (lua_Integer)lua_rawlen(L, 1);
    if (nclasses == 0) return 0;
    lua_settop(L, 3);
    luaL_checkstack(L, 2 * (int)(nclasses > 1000 ? 1000 : nclasses) + 24, "class list");
    if (nclasses > 1000) return luaL_error(L, "class_list: more than 1000 classes");
    lua_pushliteral(L, "type");             /* the field names once, at 4 to 9 */
    lua_pushliteral(L, "attrs");
    lua_pushliteral(L, "first");
    lua_pushliteral(L, "last");
    lua_pushliteral(L, "start");
    lua_pushliteral(L, "stop");
    base = lua_gettop(L) + 1;
    for (ci = 1; ci <= nclasses; ci++) {    /* each class's type and attrs, at base + 2 (ci - 1) */
        if (lua_rawgeti(L, 1, ci) != LUA_TTABLE) return luaL_error(L, "class_list: class %d is not a table", (int)ci);
        field(L, -1, K_TYPE);
        field(L, -2, K_ATTRS);
        lua_remove(L, -3);
        /* a string type's bytes (anchored at base + 2 (ci - 1)) */
        if (ci <= CLASS_TYPES)
            ctype[ci - 1] = lua_type(L, -2) == LUA_TSTRING ? lua_tolstring(L, -2, &ctlen[ci - 1]) : NULL;
    }
    nanns = (lua_Integer)lua_rawlen(L, 3);
    if (packed) {
        if (nanns >= INT32_MAX) return luaL_error(L, "class_list: too many annotations");
        buf = pack_take(L, 4 * (size_t)nanns);
    } else {
        lua_newtable(L);
    }
    list = lua_gettop(L);                    /* the list, or its scratch */
    for (ai = 1; ai <= nanns; ai++) {
        int a = lua_gettop(L) + 1, isnum1, isnum2;
        size_t first = 0, last = 0;
        int have_span = 0;
        const char *type;
        size_t tlen = 0;
        int attrs_read = 0;
        if (lua_rawgeti(L, 3, ai) != LUA_TTABLE) return luaL_error(L, "class_list: annotation %d is not a table", (int)ai);
        field(L, a, K_TYPE);                 /* a + 1 */
        lua_pushnil(L);                      /* a + 2: its attrs, read when a class asks */
        type = lua_type(L, a + 1) == LUA_TSTRING ? lua_tolstring(L, a + 1, &tlen) : NULL;
        for (ci = 0; ci < nclasses; ci++) {
            /* a string compared with a class's string type by its bytes:
             * what lua_rawequal says of two strings */
            if (type && ci < CLASS_TYPES && ctype[ci]) {
                if (tlen != ctlen[ci] || (type != ctype[ci] && memcmp(type, ctype[ci], tlen) != 0)) continue;
            } else if (!lua_rawequal(L, a + 1, base + 2 * (int)ci)) {
                continue;
            }
            if (!attrs_read && !lua_isnil(L, base + 2 * (int)ci + 1)) {
                field(L, a, K_ATTRS);
                lua_replace(L, a + 2);
                attrs_read = 1;
            }
            if (!attrs_match(L, base + 2 * (int)ci + 1, a + 2)) continue;
            if (!have_span) {
                lua_Integer f, l = 0;
                field(L, a, K_FIRST);
                f = lua_tointegerx(L, -1, &isnum1);
                lua_pop(L, 1);
                isnum2 = 0;
                if (isnum1) {               /* (its last is read only with a first) */
                    field(L, a, K_LAST);
                    l = lua_tointegerx(L, -1, &isnum2);
                    lua_pop(L, 1);
                }
                if (isnum1 && isnum2) {
                    first = (size_t)f - 1;
                    last = (size_t)l - 1;
                    have_span = 1;
                } else {
                    lua_Integer s0, e0;
                    field(L, a, K_START);
                    field(L, a, K_STOP);
                    s0 = lua_tointegerx(L, -2, &isnum1);
                    e0 = lua_tointegerx(L, -1, &isnum2);
                    lua_pop(L, 2);
                    if (!isnum1 || !isnum2)
                        return luaL_error(L, "class_list: annotation %d needs integer start and stop", (int)ai);
                    have_span = s0 >= 0 && e0 > s0 && qr_tokens_cover(toks, (size_t)s0, (size_t)e0, &first, &last)
                                ? 1 : -1;
                }
            }
            if (have_span < 0) break;
            if (buf) {
                buf = pack_room(L, list, buf, (size_t)n);
                buf[n++] = (int32_t)ci + 1;
                buf[n++] = (int32_t)first + 1;
                buf[n++] = (int32_t)last + 1;
                buf[n++] = (int32_t)ai;
                continue;
            }
            lua_pushinteger(L, ci + 1);
            lua_rawseti(L, list, ++n);
            lua_pushinteger(L, (lua_Integer)first + 1);
            lua_rawseti(L, list, ++n);
            lua_pushinteger(L, (lua_Integer)last + 1);
            lua_rawseti(L, list, ++n);
            lua_pushinteger(L, ai);
            lua_rawseti(L, list, ++n);
        }
        lua_settop(L, list);
    }
    if (!buf) return 1;
    lua_pushlstring(L, (const char *)buf, (size_t)n * sizeof *buf);
    if (lua_rawlen(L, list) <= PACK_KEEP) {
        lua_pushvalue(L, list);
        lua_replace(L, lua_upvalueindex(1));
    }
    return 1;
}

/***
matcher:close() and __gc/__close: frees the program; idempotent
@function Matcher:close
@return nothing
*/
static int matcher_release(lua_State *L)
{
    lmatcher *lm = luaL_checkudata(L, 1, QR_MATCHER_MT);
    if (!lm->closed) lmatcher_free(lm);
    return 0;
}

/* tostring(matcher) -> "quarry.Matcher: 3 rules, 12 instructions" or "quarry.Matcher (closed)" */
static int matcher_tostring(lua_State *L)
{
    lmatcher *lm = luaL_checkudata(L, 1, QR_MATCHER_MT);
    if (lm->closed) lua_pushliteral(L, "quarry.Matcher (closed)");
    else lua_pushfstring(L, "quarry.Matcher: %d rules, %d instructions", lm->m.nrules, lm->m.ncode);
    return 1;
}

void qr_open_match(lua_State *L)
{
    static const luaL_Reg methods[] = {
        { "run", matcher_run }, { "declare", matcher_declare }, { "shape", matcher_shape },
        { "close", matcher_release },
        { NULL, NULL }
    };
    qr_names_store(L, &match_key_list, match_keys, M_COUNT);
    luaL_newmetatable(L, QR_MATCHRUN_MT);   /* scratch of runs, cleared on exit */
    lua_pushcfunction(L, runbox_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, runbox_close);
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
    lua_pushboolean(L, 0);              /* the scratch of packed lists, made when first needed */
    lua_pushcclosure(L, l_class_list, 1);
    lua_setfield(L, -2, "class_list");
}
