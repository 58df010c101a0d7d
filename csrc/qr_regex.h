/*
 * Regular expressions: PCRE2 (8-bit) with UTF and UCP always on, JIT when
 * available, and match and depth limits so that a catastrophic pattern
 * fails with an error code instead of hanging.
 *
 * Subjects may hold invalid UTF-8 (patterns are compiled with
 * PCRE2_MATCH_INVALID_UTF: ill-formed bytes match nothing but never fail).
 * Offsets are 0-based bytes; an end offset is exclusive, as everywhere in
 * quarry.
 *
 * Nothing here raises a Lua error, except qr_check_regex: the PCRE2 calls
 * report a status, and the Lua binding (qr_lregex.c) raises, if it must,
 * only after PCRE2 has returned.
 */
#ifndef QR_REGEX_H
#define QR_REGEX_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <pcre2.h>      /* PCRE2_CODE_UNIT_WIDTH=8 comes from the build */

struct lua_State;
typedef struct qr_regex qr_regex;

/* Compile flags. */
#define QR_RE_CASELESS  0x01u
#define QR_RE_MULTILINE 0x02u   /* ^ and $ at line breaks */
#define QR_RE_DOTALL    0x04u   /* . matches line breaks */
#define QR_RE_EXTENDED  0x08u   /* white space and # comments ignored in the pattern */
#define QR_RE_ANCHORED  0x10u   /* a match must start at the start offset */

/* Defaults. A match limit of 10 million makes ^(a+)+$ against forty a's
 * and a b fail in about 15 ms with the JIT and 130 ms without, yet leaves
 * room for scanning a document of several megabytes. The depth limit bounds
 * nested backtracking (and so memory); under the JIT, which ignores it, it
 * sizes the JIT stack instead at QR_RE_JIT_BYTES_PER_LEVEL bytes a level,
 * which admits about as deep a match. */
#define QR_RE_MATCH_LIMIT 10000000u
#define QR_RE_DEPTH_LIMIT 100000u
#define QR_RE_JIT_BYTES_PER_LEVEL 16u
#define QR_RE_JIT_STACK_MIN (32u * 1024u)
#define QR_RE_JIT_STACK_MAX (256u * 1024u * 1024u)

typedef struct qr_regex_opts {
    unsigned flags;          /* QR_RE_* */
    uint32_t match_limit;    /* >= 1 */
    uint32_t depth_limit;    /* >= 1 */
    int jit;                 /* try the JIT (falls back to the interpreter silently) */
} qr_regex_opts;

void qr_regex_opts_default(qr_regex_opts *o);

/* Compiles pattern[0..len) (it may hold NUL bytes). Returns the regex, or
 * NULL with *errcode set (a PCRE2 error code, or PCRE2_ERROR_NOMEMORY) and
 * *erroffset set to the byte offset in the pattern where it failed. */
qr_regex *qr_regex_compile(const char *pattern, size_t len, const qr_regex_opts *o,
                           int *errcode, size_t *erroffset);
void qr_regex_free(qr_regex *re);

/* The compiled regex of the quarry.Regex at idx; raises if not one or closed. */
qr_regex *qr_check_regex(struct lua_State *L, int idx);
/* Where the quarry.Regex at idx keeps its compiled regex (NULL once it is
 * closed), valid while the object lives: to look it up again without the
 * Lua API. Raises as qr_check_regex. */
qr_regex *const *qr_regex_slot(struct lua_State *L, int idx);

/* What PCRE2 found every match of a regex needs, to turn most subjects
 * away without calling it: at least min_chars characters; when the regex
 * is anchored at the start, a first byte whose bit is set in first
 * (have_first); and an ASCII byte every match holds past its start
 * (have_req: req[0], or req[1], its other case for a letter), which
 * PCRE2 looks for itself before matching in a subject shorter than
 * QR_REGEX_REQ_MAX bytes (its REQ_CU_MAX, 1000 bytes or more): a subject
 * without it is no match, never an error. */
typedef struct qr_regex_filter {
    uint32_t min_chars;
    int anchored, have_first, have_req;
    uint8_t first[32];
    uint8_t req[2];
} qr_regex_filter;

#define QR_REGEX_REQ_MAX 1000

void qr_regex_get_filter(const qr_regex *re, qr_regex_filter *f);

/* Whether s[0..len) lacks the filter's required byte (have_req): both
 * cases of a letter are looked for, whether the regex is caseless or not. */
static inline int qr_regex_lacks_req(const qr_regex_filter *f, const char *s, size_t len)
{
    size_t i;
    if (f->req[0] == f->req[1]) return memchr(s, f->req[0], len) == NULL;
    for (i = 0; i < len; i++)
        if ((uint8_t)s[i] == f->req[0] || (uint8_t)s[i] == f->req[1]) return 0;
    return 1;
}

/* 1 when no match of the regex can start at s[0] of s[0..len) (a test's
 * subject): too short, an anchored regex's impossible first byte, or no
 * required byte (in a subject shorter than QR_REGEX_REQ_MAX). */
static inline int qr_regex_filter_rejects(const qr_regex_filter *f, const char *s, size_t len)
{
    return len < f->min_chars
        || (f->anchored && f->have_first && len > 0
            && !((f->first[(unsigned char)s[0] >> 3] >> ((unsigned char)s[0] & 7)) & 1u))
        || (f->have_req && len < QR_REGEX_REQ_MAX && qr_regex_lacks_req(f, s, len));
}

/* Does the regex match inside s[0..len) (anchored or not, per its flags)?
 * Returns 1 match, 0 no match, or a negative PCRE2 error code (e.g.
 * PCRE2_ERROR_MATCHLIMIT) — never raises. */
int qr_regex_test(const qr_regex *re, const char *s, size_t len);

/* One match in s[0..len) starting the search at byte offset start (<= len),
 * with extra pcre2_match options (0, or PCRE2_NOTEMPTY_ATSTART to step past
 * an empty match). Returns like pcre2_match: > 0 a match, whose offsets are
 * then in qr_regex_ovector (pairs, group 0 first; PCRE2_UNSET when a group
 * did not take part), PCRE2_ERROR_NOMATCH, or another negative code. The
 * ovector belongs to the regex and is overwritten by the next match. */
int qr_regex_match(const qr_regex *re, const char *s, size_t len, size_t start, uint32_t options);
const size_t *qr_regex_ovector(const qr_regex *re);

/* Every non-overlapping match, left to right: the search resumes at the end
 * of the last match, and after an empty match PCRE2 itself looks for a
 * non-empty match there or any match from the next character on (a whole
 * code point, or one invalid byte).
 *
 * Without the JIT, PCRE2 checks the UTF-8 of the rest of the subject on
 * every call in invalid-UTF mode, which would make a scan quadratic; so a
 * scan checks a subject once, and when it is all valid it matches with a
 * copy of the pattern compiled without PCRE2_MATCH_INVALID_UTF and
 * PCRE2_NO_UTF_CHECK. */
typedef struct qr_regex_scan {
    size_t pos;          /* where the next search starts */
    int after_empty;     /* the last match was empty */
    int done;
    int valid;           /* -1 not checked yet, else whether the subject is valid UTF-8 */
} qr_regex_scan;

void qr_regex_scan_init(qr_regex_scan *sc, size_t start);
/* The next match: > 0 with the ovector set, PCRE2_ERROR_NOMATCH after the
 * last, or another negative code (the scan then stops). */
int qr_regex_scan_next(const qr_regex *re, const char *s, size_t len, qr_regex_scan *sc);

const char *qr_regex_source(const qr_regex *re);    /* the pattern text, for error messages */
size_t qr_regex_source_len(const qr_regex *re);
uint32_t qr_regex_groups(const qr_regex *re);       /* number of capture groups */
const char *qr_regex_group_name(const qr_regex *re, uint32_t group);  /* or NULL; group >= 1 */
int qr_regex_is_jit(const qr_regex *re);            /* 1 when the JIT compiled it */
const qr_regex_opts *qr_regex_options(const qr_regex *re);

/* A message for a negative match or compile code: "match limit exceeded",
 * "depth limit exceeded", ... or PCRE2's own text. Writes into buf (size
 * bytes; 128 is enough) and returns it. */
const char *qr_regex_error(int code, char *buf, size_t size);

#endif
