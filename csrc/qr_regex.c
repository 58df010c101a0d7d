/*
 * Regular expressions over PCRE2: compiling (once, with UTF, UCP and
 * invalid-UTF matching), the JIT, limits, matching. No Lua here; the
 * binding is qr_lregex.c.
 */
#include "qr_regex.h"
#include "qr_utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct qr_regex {
    pcre2_code *code;
    pcre2_code *code_valid;        /* without the JIT: for subjects known to be valid */
    pcre2_match_data *md;          /* one per regex, sized for the pattern */
    pcre2_match_context *mctx;     /* match and depth limits, JIT stack */
    pcre2_jit_stack *jit_stack;    /* NULL without the JIT */
    const size_t *ovector;         /* of md */
    char *source;                  /* copy of the pattern, NUL-terminated */
    size_t source_len;
    uint32_t groups;
    const char **names;            /* names[g] for g in 1..groups, or NULL */
    qr_regex_opts opts;
    int jit;
    qr_regex_filter filter;        /* for qr_regex_test to turn most subjects away */
};

void qr_regex_opts_default(qr_regex_opts *o)
{
    o->flags = 0;
    o->match_limit = QR_RE_MATCH_LIMIT;
    o->depth_limit = QR_RE_DEPTH_LIMIT;
    o->jit = 1;
}

void qr_regex_free(qr_regex *re)
{
    if (!re) return;
    pcre2_jit_stack_free(re->jit_stack);
    pcre2_match_context_free(re->mctx);
    pcre2_match_data_free(re->md);
    pcre2_code_free(re->code);
    pcre2_code_free(re->code_valid);
    free(re->names);
    free(re->source);
    free(re);
}

/* The name of every named group, by group number. The names point into the
 * compiled pattern's name table (PCRE2 NUL-terminates each entry). */
static int collect_names(qr_regex *re)
{
    uint32_t count = 0, entry = 0, k;
    PCRE2_SPTR table = NULL;
    pcre2_pattern_info(re->code, PCRE2_INFO_NAMECOUNT, &count);
    if (count == 0) return 1;
    pcre2_pattern_info(re->code, PCRE2_INFO_NAMEENTRYSIZE, &entry);
    pcre2_pattern_info(re->code, PCRE2_INFO_NAMETABLE, &table);
    re->names = calloc((size_t)re->groups + 1, sizeof *re->names);
    if (!re->names) return 0;
    for (k = 0; k < count; k++) {
        PCRE2_SPTR e = table + (size_t)k * entry;
        uint32_t g = ((uint32_t)e[0] << 8) | e[1];
        if (g >= 1 && g <= re->groups) re->names[g] = (const char *)(e + 2);
    }
    return 1;
}

/* QUARRY_NO_JIT=1 (any value but "" or "0") in the environment turns the
 * JIT off for every regex compiled from then on: memory checkers such as
 * valgrind cannot follow JIT-compiled code and report false errors in it. */
static int jit_disabled(void)
{
    const char *v = getenv("QUARRY_NO_JIT");
    return v && *v && strcmp(v, "0") != 0;
}

static size_t jit_stack_size(uint32_t depth_limit)
{
    uint64_t bytes = (uint64_t)depth_limit * QR_RE_JIT_BYTES_PER_LEVEL;
    if (bytes < QR_RE_JIT_STACK_MIN) bytes = QR_RE_JIT_STACK_MIN;
    if (bytes > QR_RE_JIT_STACK_MAX) bytes = QR_RE_JIT_STACK_MAX;
    return (size_t)bytes;
}

/* The filter's required byte (qr_regex_filter have_req): the last code
 * unit PCRE2 found every match needs, when it is ASCII (past that, one
 * byte of a character whose other cases PCRE2 may match). */
static void set_req(const pcre2_code *code, qr_regex_filter *f)
{
    uint32_t type = 0, unit = 0;
    if (pcre2_pattern_info(code, PCRE2_INFO_LASTCODETYPE, &type) != 0 || type != 1
        || pcre2_pattern_info(code, PCRE2_INFO_LASTCODEUNIT, &unit) != 0 || unit == 0 || unit > 127)
        return;
    f->req[0] = f->req[1] = (uint8_t)unit;
    if (unit >= 'a' && unit <= 'z') f->req[1] = (uint8_t)(unit - 'a' + 'A');
    if (unit >= 'A' && unit <= 'Z') f->req[1] = (uint8_t)(unit - 'A' + 'a');
    f->have_req = 1;
}

qr_regex *qr_regex_compile(const char *pattern, size_t len, const qr_regex_opts *o,
                           int *errcode, size_t *erroffset)
{
    uint32_t flags = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF;
    qr_regex *re;
    PCRE2_SIZE off = 0;
    int err = 0;

    *errcode = PCRE2_ERROR_NOMEMORY;
    *erroffset = 0;
    if (o->flags & QR_RE_CASELESS) flags |= PCRE2_CASELESS;
    if (o->flags & QR_RE_MULTILINE) flags |= PCRE2_MULTILINE;
    if (o->flags & QR_RE_DOTALL) flags |= PCRE2_DOTALL;
    if (o->flags & QR_RE_EXTENDED) flags |= PCRE2_EXTENDED;
    if (o->flags & QR_RE_ANCHORED) flags |= PCRE2_ANCHORED;

    re = calloc(1, sizeof *re);
    if (!re) return NULL;
    re->opts = *o;
    re->source = malloc(len + 1);
    if (!re->source) goto fail;
    if (len) memcpy(re->source, pattern, len);
    re->source[len] = '\0';
    re->source_len = len;

    re->code = pcre2_compile((PCRE2_SPTR)re->source, len, flags, &err, &off, NULL);
    if (!re->code) {
        *errcode = err;
        *erroffset = off;
        goto fail;
    }
    pcre2_pattern_info(re->code, PCRE2_INFO_CAPTURECOUNT, &re->groups);
    if (!collect_names(re)) goto fail;
    {
        uint32_t all = 0;
        const uint8_t *bitmap = NULL;
        pcre2_pattern_info(re->code, PCRE2_INFO_ALLOPTIONS, &all);
        qr_regex_filter *f = &re->filter;
        if (pcre2_pattern_info(re->code, PCRE2_INFO_MINLENGTH, &f->min_chars) != 0) f->min_chars = 0;
        f->anchored = (all & PCRE2_ANCHORED) != 0;
        if (pcre2_pattern_info(re->code, PCRE2_INFO_FIRSTBITMAP, &bitmap) == 0 && bitmap) {
            memcpy(f->first, bitmap, sizeof f->first);
            f->have_first = 1;
        }
        set_req(re->code, f);
    }

    /* The JIT when this PCRE2 has one for this machine; the interpreter
     * otherwise (pcre2_match picks whichever the code holds). */
    if (o->jit && !jit_disabled() && pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE) == 0) {
        size_t jit_size = 0;
        pcre2_pattern_info(re->code, PCRE2_INFO_JITSIZE, &jit_size);
        re->jit = jit_size > 0;
    }
    if (!re->jit) {   /* see qr_regex_scan_next; NULL (no shortcut) if this fails */
        re->code_valid = pcre2_compile((PCRE2_SPTR)re->source, len, flags & ~PCRE2_MATCH_INVALID_UTF,
                                       &err, &off, NULL);
    }

    re->md = pcre2_match_data_create_from_pattern(re->code, NULL);
    re->mctx = pcre2_match_context_create(NULL);
    if (!re->md || !re->mctx) goto fail;
    re->ovector = pcre2_get_ovector_pointer(re->md);
    pcre2_set_match_limit(re->mctx, o->match_limit ? o->match_limit : 1);
    pcre2_set_depth_limit(re->mctx, o->depth_limit ? o->depth_limit : 1);
    if (re->jit) {
        size_t max = jit_stack_size(o->depth_limit);
        re->jit_stack = pcre2_jit_stack_create(QR_RE_JIT_STACK_MIN, max, NULL);
        if (!re->jit_stack) goto fail;
        pcre2_jit_stack_assign(re->mctx, NULL, re->jit_stack);
    }
    return re;

fail:
    qr_regex_free(re);
    return NULL;
}

/* pcre2_match of one of the regex's codes, and what an anchored regex
 * means. In invalid-UTF mode (PCRE2_MATCH_INVALID_UTF) the interpreter
 * matches each valid fragment of the subject in turn, and PCRE2 10.42's
 * goes on to the next fragment after failing in one even when the pattern
 * is anchored: /H/ anchored found "H" in "J\xffH" at 2 without the JIT and
 * none with it (found by fuzzing: tests/fuzz/regressions/regex/). The
 * match of an anchored regex starts where the search starts, or is none. */
static int run_match(const qr_regex *re, const pcre2_code *code, const char *s, size_t len, size_t start,
                     uint32_t options)
{
    int rc = pcre2_match(code, (PCRE2_SPTR)s, len, start, options, re->md, re->mctx);
    if (rc >= 0 && re->filter.anchored && pcre2_get_startchar(re->md) != start) return PCRE2_ERROR_NOMATCH;
    return rc;
}

int qr_regex_match(const qr_regex *re, const char *s, size_t len, size_t start, uint32_t options)
{
    if (!re || !re->code) return PCRE2_ERROR_NULL;
    if (start > len) return PCRE2_ERROR_BADOFFSET;
    /* No PCRE2_ANCHORED here: the JIT does not support it at match time
     * (anchoring is a compile flag instead). */
    return run_match(re, re->code, s ? s : "", len, start, options);
}

void qr_regex_get_filter(const qr_regex *re, qr_regex_filter *f)
{
    if (re && re->code) *f = re->filter;
    else memset(f, 0, sizeof *f);
}

int qr_regex_test(const qr_regex *re, const char *s, size_t len)
{
    int rc;
    /* a character takes at least a byte; an anchored match starts with
     * the first byte (the checks PCRE2 would make, without the call) */
    if (re && re->code && qr_regex_filter_rejects(&re->filter, s, len)) return 0;
    rc = qr_regex_match(re, s, len, 0, 0);
    if (rc >= 0) return 1;     /* 0 would mean a too small ovector: still a match */
    return rc == PCRE2_ERROR_NOMATCH ? 0 : rc;
}

void qr_regex_scan_init(qr_regex_scan *sc, size_t start)
{
    sc->pos = start;
    sc->after_empty = 0;
    sc->done = 0;
    sc->valid = -1;
}

int qr_regex_scan_next(const qr_regex *re, const char *s, size_t len, qr_regex_scan *sc)
{
    uint32_t options;
    int rc;
    if (sc->done) return PCRE2_ERROR_NOMATCH;
    if (!re || !re->code) { sc->done = 1; return PCRE2_ERROR_NULL; }
    if (sc->pos > len) { sc->done = 1; return PCRE2_ERROR_BADOFFSET; }
    if (!s) s = "";
    if (sc->valid < 0) {
        const unsigned char *u = (const unsigned char *)s;
        sc->valid = re->code_valid && (sc->pos == len || !qr_utf8_cont(u[sc->pos]))
                    && qr_utf8_invalid_at(u, len) == len;
    }
    options = sc->after_empty ? PCRE2_NOTEMPTY_ATSTART : 0;
    if (sc->valid)
        rc = run_match(re, re->code_valid, s, len, sc->pos, options | PCRE2_NO_UTF_CHECK);
    else
        rc = run_match(re, re->code, s, len, sc->pos, options);
    if (rc == 0) rc = 1;       /* a too small ovector: still a match */
    if (rc < 0) { sc->done = 1; return rc; }
    /* \K inside a lookaround may report a match that ends before the
     * search offset; never step backwards. */
    if (re->ovector[1] < sc->pos) { sc->done = 1; return PCRE2_ERROR_NOMATCH; }
    sc->after_empty = re->ovector[0] == re->ovector[1];
    if (sc->after_empty && re->ovector[1] == len) sc->done = 1;
    sc->pos = re->ovector[1];
    return rc;
}

const size_t *qr_regex_ovector(const qr_regex *re) { return re->ovector; }
const char *qr_regex_source(const qr_regex *re) { return re->source; }
size_t qr_regex_source_len(const qr_regex *re) { return re->source_len; }
uint32_t qr_regex_groups(const qr_regex *re) { return re->groups; }
int qr_regex_is_jit(const qr_regex *re) { return re->jit; }
const qr_regex_opts *qr_regex_options(const qr_regex *re) { return &re->opts; }

const char *qr_regex_group_name(const qr_regex *re, uint32_t group)
{
    if (!re->names || group < 1 || group > re->groups) return NULL;
    return re->names[group];
}

const char *qr_regex_error(int code, char *buf, size_t size)
{
    const char *msg = NULL;
    switch (code) {
    case PCRE2_ERROR_MATCHLIMIT: msg = "match limit exceeded"; break;
    case PCRE2_ERROR_DEPTHLIMIT: msg = "depth limit exceeded"; break;
    case PCRE2_ERROR_JIT_STACKLIMIT: msg = "depth limit exceeded (JIT stack full)"; break;
    case PCRE2_ERROR_HEAPLIMIT: msg = "heap limit exceeded"; break;
    case PCRE2_ERROR_NOMEMORY: msg = "not enough memory"; break;
    default: break;
    }
    if (size == 0) return "";
    if (msg) {
        snprintf(buf, size, "%s", msg);
    } else if (pcre2_get_error_message(code, (PCRE2_UCHAR *)buf, size) < 0) {
        snprintf(buf, size, "PCRE2 error %d", code);
    }
    return buf;
}
