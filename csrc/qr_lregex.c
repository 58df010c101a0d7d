/*
 * Lua binding of the regular expressions: quarry.core.regex and the
 * quarry.Regex object.
 *
 * Offsets are 0-based bytes with an exclusive stop, like every offset in
 * quarry, so s:sub(start + 1, stop) is the match. Every PCRE2 call returns
 * a status first; errors are raised only once PCRE2 has returned. Misuse
 * (bad arguments, a malformed pattern) raises; a match that runs into its
 * limits is a failure of the world and returns nil, message.
 *
 * Compiled regexes are cached per Lua state in a weak-valued table in the
 * registry, keyed by the pattern and every option: compiling the same
 * pattern with the same options twice returns the same object.
 */
#include "qr_ann.h"
#include "qr_lua.h"
#include "qr_regex.h"
#include "qr_token.h"

#include <string.h>

#define CACHE_KEY "quarry.Regex.cache"
#define SPEC_MT "quarry.RegexSpec"     /* a spec read for one call, freed on exit */

typedef struct lregex {
    qr_regex *re;          /* NULL once closed; user value 1 is the pattern */
} lregex;

static lregex *check_lregex(lua_State *L, int idx)
{
    lregex *lr = luaL_checkudata(L, idx, QR_REGEX_MT);
    if (!lr->re) luaL_error(L, "attempt to use a closed quarry.Regex");
    return lr;
}

qr_regex *qr_check_regex(lua_State *L, int idx)
{
    return check_lregex(L, idx)->re;
}

qr_regex *const *qr_regex_slot(lua_State *L, int idx)
{
    return &check_lregex(L, idx)->re;
}

/* Pushes nil and the message of a failed match; returns 2. */
static int push_failure(lua_State *L, int rc)
{
    char buf[128];
    lua_pushnil(L);
    lua_pushstring(L, qr_regex_error(rc, buf, sizeof buf));
    return 2;
}

/* Pushes the captures of the last match of re (rc from qr_regex_match):
 * {[1] = {start, stop}, name = {start, stop}, ...}; a group that took no
 * part is left out (nil), so pairs() sees only spans. A name shared by
 * several groups ((?J)) gets the first of them that took part. */
static void push_captures(lua_State *L, const qr_regex *re, int rc)
{
    const size_t *ov = qr_regex_ovector(re);
    uint32_t n = qr_regex_groups(re), g;
    lua_createtable(L, (int)n, 0);
    for (g = 1; g <= n; g++) {
        const char *name = qr_regex_group_name(re, g);
        if ((int)g >= rc || ov[2 * g] == PCRE2_UNSET) continue;
        lua_createtable(L, 2, 0);
        lua_pushinteger(L, (lua_Integer)ov[2 * g]);
        lua_rawseti(L, -2, 1);
        lua_pushinteger(L, (lua_Integer)ov[2 * g + 1]);
        lua_rawseti(L, -2, 2);
        if (name && lua_getfield(L, -2, name) == LUA_TNIL) {
            lua_pushvalue(L, -2);
            lua_setfield(L, -4, name);
        }
        if (name) lua_pop(L, 1);
        lua_rawseti(L, -2, (lua_Integer)g);
    }
}

/* Offset argument at idx: 0-based, within [0, len]; default 0. */
static size_t check_init(lua_State *L, int idx, size_t len)
{
    lua_Integer init = luaL_optinteger(L, idx, 0);
    luaL_argcheck(L, init >= 0 && (lua_Unsigned)init <= len, idx, "initial offset out of range");
    return (size_t)init;
}

/***
@module quarry.core
*/

/* --- quarry.Regex ---------------------------------------------------------- */

/***
A compiled PCRE2 pattern (UTF and UCP on): quarry.regex.compile makes one, and
gives the same object for the same pattern and options. Offsets are 0-based
bytes, stop exclusive; captures map each group's number and name to {start, stop}.
@type Regex
*/

/***
re:close() and __gc/__close: frees the compiled pattern now; idempotent
@function Regex:close
@return nothing
*/
static int regex_release(lua_State *L)
{
    lregex *lr = luaL_checkudata(L, 1, QR_REGEX_MT);
    if (lr->re) {
        qr_regex_free(lr->re);
        lr->re = NULL;
    }
    return 0;
}

/* tostring(re) -> "quarry.Regex /pattern/flags" or "quarry.Regex /pattern/ (closed)";
 * flags: i caseless, m multiline, s dotall, x extended, A anchored */
static int regex_tostring(lua_State *L)
{
    lregex *lr = luaL_checkudata(L, 1, QR_REGEX_MT);
    lua_pushliteral(L, "quarry.Regex /");
    lua_getiuservalue(L, 1, 1);
    if (lr->re) {
        unsigned f = qr_regex_options(lr->re)->flags;
        char flags[8];
        int n = 0;
        if (f & QR_RE_CASELESS) flags[n++] = 'i';
        if (f & QR_RE_MULTILINE) flags[n++] = 'm';
        if (f & QR_RE_DOTALL) flags[n++] = 's';
        if (f & QR_RE_EXTENDED) flags[n++] = 'x';
        if (f & QR_RE_ANCHORED) flags[n++] = 'A';
        lua_pushliteral(L, "/");
        lua_pushlstring(L, flags, (size_t)n);
        lua_concat(L, 4);
    } else {
        lua_pushliteral(L, "/ (closed)");
        lua_concat(L, 3);
    }
    return 1;
}

/***
re:test(s) -> boolean | nil, message (match or depth limit exceeded)
@function Regex:test
@param s string the subject
@return boolean; or nil, message when a limit stops the match
*/
static int regex_test(lua_State *L)
{
    lregex *lr = check_lregex(L, 1);
    size_t len;
    const char *s = luaL_checklstring(L, 2, &len);
    int rc = qr_regex_test(lr->re, s, len);
    if (rc < 0) return push_failure(L, rc);
    lua_pushboolean(L, rc);
    return 1;
}

/***
re:find(s [, init]) -> start, stop, captures | nil | nil, message
init and the offsets are 0-based bytes, stop exclusive.
@function Regex:find
@param s string the subject
@param init integer optional: where to start (0-based byte, default 0)
@return integer start, or nil when there is no match (nil, message when a limit stops it)
@return integer stop
@return table captures: group number and name -> {start, stop}
*/
static int regex_find(lua_State *L)
{
    lregex *lr = check_lregex(L, 1);
    size_t len;
    const char *s = luaL_checklstring(L, 2, &len);
    size_t init = check_init(L, 3, len);
    int rc = qr_regex_match(lr->re, s, len, init, 0);
    const size_t *ov;
    if (rc == PCRE2_ERROR_NOMATCH) { lua_pushnil(L); return 1; }
    if (rc < 0) return push_failure(L, rc);
    if (rc == 0) rc = 1;
    ov = qr_regex_ovector(lr->re);
    lua_pushinteger(L, (lua_Integer)ov[0]);
    lua_pushinteger(L, (lua_Integer)ov[1]);
    push_captures(L, lr->re, rc);
    return 3;
}

/* The iterator of re:each: upvalues regex, subject, scan state (a userdata). */
static int each_iter(lua_State *L)
{
    lregex *lr = check_lregex(L, lua_upvalueindex(1));
    size_t len;
    const char *s = lua_tolstring(L, lua_upvalueindex(2), &len);
    qr_regex_scan *sc = lua_touserdata(L, lua_upvalueindex(3));
    int rc = qr_regex_scan_next(lr->re, s, len, sc);
    const size_t *ov;
    if (rc == PCRE2_ERROR_NOMATCH) return 0;
    if (rc < 0) {
        char buf[128];
        qr_regex_error(rc, buf, sizeof buf);
        return luaL_error(L, "%s (regex /%s/)", buf, qr_regex_source(lr->re));
    }
    ov = qr_regex_ovector(lr->re);
    lua_pushinteger(L, (lua_Integer)ov[0]);
    lua_pushinteger(L, (lua_Integer)ov[1]);
    push_captures(L, lr->re, rc);
    return 3;
}

/***
for start, stop, captures in re:each(s [, init]) do ... end
Every non-overlapping match, left to right. A match that runs into a
limit raises "match limit exceeded (regex /.../)": an iterator cannot
return nil, message without ending the loop silently; use find_all to
get nil, message instead.
@function Regex:each
@param s string the subject
@param init integer optional: where to start (0-based byte)
@return an iterator yielding start, stop, captures
*/
static int regex_each(lua_State *L)
{
    size_t len, init;
    qr_regex_scan *sc;
    check_lregex(L, 1);
    luaL_checklstring(L, 2, &len);
    init = check_init(L, 3, len);
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 2);
    sc = lua_newuserdatauv(L, sizeof *sc, 0);
    qr_regex_scan_init(sc, init);
    lua_pushcclosure(L, each_iter, 3);
    return 1;
}

/***
re:find_all(s [, init]) -> {{start =, stop =, captures =}, ...} | nil, message
@function Regex:find_all
@param s string the subject
@param init integer optional: where to start (0-based byte)
@return table the matches; or nil, message when a limit stops one
*/
static int regex_find_all(lua_State *L)
{
    lregex *lr = check_lregex(L, 1);
    size_t len;
    const char *s = luaL_checklstring(L, 2, &len);
    qr_regex_scan sc;
    lua_Integer n = 0;
    int rc;
    qr_regex_scan_init(&sc, check_init(L, 3, len));
    lua_newtable(L);
    while ((rc = qr_regex_scan_next(lr->re, s, len, &sc)) > 0) {
        const size_t *ov = qr_regex_ovector(lr->re);
        lua_createtable(L, 0, 3);
        lua_pushinteger(L, (lua_Integer)ov[0]);
        lua_setfield(L, -2, "start");
        lua_pushinteger(L, (lua_Integer)ov[1]);
        lua_setfield(L, -2, "stop");
        push_captures(L, lr->re, rc);
        lua_setfield(L, -2, "captures");
        lua_rawseti(L, -2, ++n);
    }
    if (rc != PCRE2_ERROR_NOMATCH) return push_failure(L, rc);
    return 1;
}

/***
re:names() -> {"name", ...}: the named groups, in group order, each once
@function Regex:names
@return table the group names
*/
static int regex_names(lua_State *L)
{
    lregex *lr = check_lregex(L, 1);
    uint32_t n = qr_regex_groups(lr->re), g;
    lua_Integer k = 0;
    lua_newtable(L);       /* the list */
    lua_newtable(L);       /* names seen */
    for (g = 1; g <= n; g++) {
        const char *name = qr_regex_group_name(lr->re, g);
        if (!name) continue;
        if (lua_getfield(L, -1, name) == LUA_TNIL) {
            lua_pushboolean(L, 1);
            lua_setfield(L, -3, name);
            lua_pushstring(L, name);
            lua_rawseti(L, -4, ++k);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return 1;
}

/***
re:source() -> the pattern text
@function Regex:source
@return string
*/
static int regex_source(lua_State *L)
{
    check_lregex(L, 1);
    lua_getiuservalue(L, 1, 1);
    return 1;
}

/***
re:info() -> {groups =, jit =, match_limit =, depth_limit =, caseless =, multiline =,
              dotall =, extended =, anchored =}
@function Regex:info
@return table
*/
static int regex_info(lua_State *L)
{
    lregex *lr = check_lregex(L, 1);
    const qr_regex_opts *o = qr_regex_options(lr->re);
    lua_createtable(L, 0, 9);
    lua_pushinteger(L, (lua_Integer)qr_regex_groups(lr->re));
    lua_setfield(L, -2, "groups");
    lua_pushboolean(L, qr_regex_is_jit(lr->re));
    lua_setfield(L, -2, "jit");
    lua_pushinteger(L, (lua_Integer)o->match_limit);
    lua_setfield(L, -2, "match_limit");
    lua_pushinteger(L, (lua_Integer)o->depth_limit);
    lua_setfield(L, -2, "depth_limit");
    lua_pushboolean(L, o->flags & QR_RE_CASELESS);
    lua_setfield(L, -2, "caseless");
    lua_pushboolean(L, o->flags & QR_RE_MULTILINE);
    lua_setfield(L, -2, "multiline");
    lua_pushboolean(L, o->flags & QR_RE_DOTALL);
    lua_setfield(L, -2, "dotall");
    lua_pushboolean(L, o->flags & QR_RE_EXTENDED);
    lua_setfield(L, -2, "extended");
    lua_pushboolean(L, o->flags & QR_RE_ANCHORED);
    lua_setfield(L, -2, "anchored");
    return 1;
}

/***
Compiling regexes, and regex rules.
@section regexes
*/

/* --- quarry.core.regex ----------------------------------------------------- */

static void read_options(lua_State *L, int arg, qr_regex_opts *o)
{
    static const struct { const char *name; unsigned flag; } bools[] = {
        { "caseless", QR_RE_CASELESS }, { "multiline", QR_RE_MULTILINE },
        { "dotall", QR_RE_DOTALL }, { "extended", QR_RE_EXTENDED },
        { "anchored", QR_RE_ANCHORED }, { NULL, 0 }
    };
    if (lua_isnoneornil(L, arg)) return;
    luaL_checktype(L, arg, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, arg)) {
        const char *key;
        int k, known = 0;
        if (lua_type(L, -2) != LUA_TSTRING)
            luaL_argerror(L, arg, "option names must be strings");
        key = lua_tostring(L, -2);
        for (k = 0; bools[k].name; k++) {
            if (strcmp(key, bools[k].name) != 0) continue;
            if (!lua_isboolean(L, -1)) qr_option_error(L, arg, key, "must be a boolean");
            if (lua_toboolean(L, -1)) o->flags |= bools[k].flag;
            else o->flags &= ~bools[k].flag;
            known = 1;
        }
        if (!strcmp(key, "jit")) {
            if (!lua_isboolean(L, -1)) qr_option_error(L, arg, key, "must be a boolean");
            o->jit = lua_toboolean(L, -1);
            known = 1;
        } else if (!strcmp(key, "match_limit") || !strcmp(key, "depth_limit")) {
            lua_Integer v = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : 0;
            if (v < 1 || v > (lua_Integer)UINT32_MAX)
                qr_option_error(L, arg, key, "must be an integer from 1 to 4294967295");
            if (key[0] == 'm') o->match_limit = (uint32_t)v;
            else o->depth_limit = (uint32_t)v;
            known = 1;
        }
        if (!known) luaL_argerror(L, arg, lua_pushfstring(L, "unknown option '%s'", key));
        lua_pop(L, 1);
    }
}

/***
quarry.core.regex(pattern [, {caseless, multiline, dotall, extended, anchored,
                   match_limit, depth_limit, jit}]) -> quarry.Regex
UTF and UCP are always on; invalid UTF-8 in a subject never fails a match.
A malformed pattern raises "regex error at offset N: message".
@function regex
@param pattern string the PCRE2 pattern
@param opts table optional: caseless, multiline, dotall, extended, anchored (booleans), match_limit, depth_limit (integers), jit (boolean)
@return quarry.Regex
*/
static int l_regex(lua_State *L)
{
    size_t len, erroffset;
    const char *pattern = luaL_checklstring(L, 1, &len);
    qr_regex_opts o;
    lregex *lr;
    int errcode;

    qr_regex_opts_default(&o);
    read_options(L, 2, &o);
    lua_settop(L, 2);

    /* the cache key: every option, then the pattern */
    lua_getfield(L, LUA_REGISTRYINDEX, CACHE_KEY);                 /* 3 */
    lua_pushfstring(L, "%I %I %I %I:", (lua_Integer)o.flags, (lua_Integer)o.match_limit,
                    (lua_Integer)o.depth_limit, (lua_Integer)o.jit);
    lua_pushvalue(L, 1);
    lua_concat(L, 2);                                              /* 4 */
    lua_pushvalue(L, 4);
    if (lua_rawget(L, 3) == LUA_TUSERDATA) {
        lr = lua_touserdata(L, -1);
        if (lr->re) return 1;
    }
    lua_pop(L, 1);

    /* the userdata first, so its __gc frees whatever compiling allocates
     * should a later Lua call raise */
    lr = lua_newuserdatauv(L, sizeof *lr, 1);                      /* 5 */
    lr->re = NULL;
    luaL_setmetatable(L, QR_REGEX_MT);
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, 5, 1);
    lr->re = qr_regex_compile(pattern, len, &o, &errcode, &erroffset);
    if (!lr->re) {
        char buf[128];
        qr_regex_error(errcode, buf, sizeof buf);
        if (errcode == PCRE2_ERROR_NOMEMORY)
            return luaL_error(L, "not enough memory to compile a regex");
        return luaL_error(L, "regex error at offset %I: %s", (lua_Integer)erroffset, buf);
    }
    lua_pushvalue(L, 4);
    lua_pushvalue(L, 5);
    lua_rawset(L, 3);
    return 1;
}

/* --- annotations for the rule engine ---------------------------------------- */

/* The token-aligned span of the named group `name` in the last match (rc
 * from the scan): the first group of that name that took part, if it is
 * not empty and touches a token. Returns 0 otherwise. */
static int named_span(const qr_regex *re, int rc, const qr_tokens *t, const char *name,
                      size_t *start, size_t *stop)
{
    const size_t *ov = qr_regex_ovector(re);
    uint32_t n = qr_regex_groups(re), g;
    size_t f, l;
    for (g = 1; g <= n; g++) {
        const char *gn = qr_regex_group_name(re, g);
        if (!gn || strcmp(gn, name) || (int)g >= rc || ov[2 * g] == PCRE2_UNSET) continue;
        if (ov[2 * g + 1] <= ov[2 * g] || !qr_tokens_cover(t, ov[2 * g], ov[2 * g + 1], &f, &l)) return 0;
        *start = t->tok[f].start;
        *stop = t->tok[l].stop;
        return 1;
    }
    return 0;
}

#define MAX_GROUP_REFS 65   /* names a spec may use: the span's and one an attr */

/* The named groups a spec refers to, and the match they are read from. */
typedef struct group_refs {
    const char *names[MAX_GROUP_REFS];   /* anchored by the spec table */
    int n;
    const qr_regex *re;
    int rc;                 /* of the current match */
    const qr_tokens *t;
} group_refs;

/* A capture of a declared regex rule is a group name. */
static int resolve_group(lua_State *L, void *ud)
{
    group_refs *g = ud;
    if (lua_type(L, -1) != LUA_TSTRING || g->n >= MAX_GROUP_REFS) return -1;
    g->names[g->n] = lua_tostring(L, -1);
    return g->n++;
}

static int group_bytes(void *ud, int ref, size_t *start, size_t *stop)
{
    const group_refs *g = ud;
    return named_span(g->re, g->rc, g->t, g->names[ref], start, stop);
}

/***
quarry.core.regex_annotations(re, text, tokens, {type =, rule =, phase = [, span = name]
  [, attrs = {{key, "const", value} | {key, "cap", name} | {key, "match"}, ...}]})
  -> list, starts | nil, message
What the rule engine makes of a declared regex rule, in C: every match of
re in text (as find_all finds them) that touches a token, widened to the
tokens it touches, as the annotation qr_ann_push makes of it: the span
is the named group `span` (widened likewise; a match where it took no
part, is empty or touches no token makes none) or the match; a "cap"
attr is a named group's text (widened). starts[i] is where the match of
item i starts (widened). A match that runs into a limit returns nil,
message.
@function regex_annotations
@param re quarry.Regex the rule's regex
@param text string the document's text
@param tokens quarry.Tokens its tokens
@param decl table {type, rule, phase, span, attrs}: the declared rule
@return table the annotations; or nil, message
@return table starts: where each item's match starts
*/
static int l_regex_annotations(lua_State *L)
{
    lregex *lr = check_lregex(L, 1);
    size_t len;
    const char *s = luaL_checklstring(L, 2, &len);
    const qr_tokens *t = qr_check_tokens(L, 3, NULL, NULL);
    group_refs g;
    qr_annspec *spec;
    qr_annemit e;
    int rc, list, starts;
    lua_Integer n = 0;
    qr_regex_scan sc;

    luaL_checktype(L, 4, LUA_TTABLE);
    lua_settop(L, 4);
    if (t->n && t->tok[t->n - 1].stop > len) return luaL_argerror(L, 3, "the tokens are not those of the text");
    memset(&g, 0, sizeof g);
    g.re = lr->re;
    g.t = t;
    lua_newtable(L);     /* 5: the spec's values */
    /* the spec's attrs array is freed with this box, whatever happens below */
    spec = lua_newuserdatauv(L, sizeof *spec, 0);
    memset(spec, 0, sizeof *spec);
    luaL_setmetatable(L, SPEC_MT);
    lua_toclose(L, 6);
    qr_annspec_read(L, 4, 5, spec, resolve_group, &g, "regex_annotations");
    qr_ann_begin(L, &e, 5, s, group_bytes, &g);
    lua_newtable(L);
    starts = lua_gettop(L);
    lua_newtable(L);
    list = lua_gettop(L);
    qr_regex_scan_init(&sc, 0);
    while ((rc = qr_regex_scan_next(lr->re, s, len, &sc)) > 0) {
        const size_t *ov = qr_regex_ovector(lr->re);
        size_t first, last;
        if (!qr_tokens_cover(t, ov[0], ov[1], &first, &last)) continue;
        g.rc = rc;
        if (!qr_ann_push(&e, spec, t->tok[first].start, t->tok[last].stop)) continue;
        lua_rawseti(L, list, ++n);
        lua_pushinteger(L, (lua_Integer)t->tok[first].start);
        lua_rawseti(L, starts, n);
    }
    if (rc != PCRE2_ERROR_NOMATCH) return push_failure(L, rc);
    lua_pushvalue(L, list);
    lua_pushvalue(L, starts);
    return 2;
}

static int spec_gc(lua_State *L)
{
    qr_annspec_free(lua_touserdata(L, 1));
    return 0;
}

void qr_open_regex(lua_State *L)
{
    static const luaL_Reg methods[] = {
        { "test", regex_test }, { "find", regex_find }, { "each", regex_each },
        { "find_all", regex_find_all }, { "names", regex_names }, { "source", regex_source },
        { "info", regex_info }, { "close", regex_release },
        { NULL, NULL }
    };

    luaL_newmetatable(L, SPEC_MT);
    lua_pushcfunction(L, spec_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, spec_gc);
    lua_setfield(L, -2, "__close");
    lua_pop(L, 1);

    luaL_newmetatable(L, QR_REGEX_MT);
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, regex_release);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, regex_release);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, regex_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);

    /* the cache: weak values, so an unused regex is still collected */
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "v");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_setfield(L, LUA_REGISTRYINDEX, CACHE_KEY);

    lua_pushcfunction(L, l_regex);
    lua_setfield(L, -2, "regex");
    lua_pushcfunction(L, l_regex_annotations);
    lua_setfield(L, -2, "regex_annotations");
}
