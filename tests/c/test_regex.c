/*
 * C-level tests of the regex layer (qr_regex.c), built with ASan and UBSan
 * by `make test`: the API the token-pattern engine calls (qr_regex_test
 * never fails on any bytes, reports limits as PCRE2 codes), compile errors
 * with offsets, names, the interpreter fallback. Prints TAP.
 */
#define _POSIX_C_SOURCE 200809L   /* setenv, strdup */
#include "qr_regex.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define TAP_SEED 0x243F6A8885A308D3u
#include "tap.h"


static qr_regex *compile(const char *pattern, unsigned flags, int jit)
{
    qr_regex_opts o;
    int code;
    size_t off;
    qr_regex *re;
    qr_regex_opts_default(&o);
    o.flags = flags;
    o.jit = jit;
    re = qr_regex_compile(pattern, strlen(pattern), &o, &code, &off);
    if (!re) printf("# cannot compile %s: error %d at %zu\n", pattern, code, off);
    return re;
}

static int test_str(const qr_regex *re, const char *s)
{
    return qr_regex_test(re, s, strlen(s));
}


static void test_basics(int jit)
{
    char what[128];
    qr_regex *re = compile("\\bЛавров\\b", 0, jit), *ci = compile("лавров", QR_RE_CASELESS, jit);
    qr_regex *anch = compile("\\d+", QR_RE_ANCHORED, jit);
    snprintf(what, sizeof what, "compiles (jit %d)", jit);
    ok(re && ci && anch, what);
    if (!re || !ci || !anch) { qr_regex_free(re); qr_regex_free(ci); qr_regex_free(anch); return; }
    snprintf(what, sizeof what, "Cyrillic word boundaries (jit %d)", jit);
    ok(test_str(re, "министр Лавров сказал") == 1 && test_str(re, "Лаврова") == 0, what);
    snprintf(what, sizeof what, "caseless Cyrillic (jit %d)", jit);
    ok(test_str(ci, "ЛАВРОВ") == 1, what);
    snprintf(what, sizeof what, "anchored flag (jit %d)", jit);
    ok(test_str(anch, "2024") == 1 && test_str(anch, "May 2024") == 0, what);
    snprintf(what, sizeof what, "empty subject and NULL pointer with length 0 (jit %d)", jit);
    ok(test_str(re, "") == 0 && qr_regex_test(re, NULL, 0) == 0, what);
    snprintf(what, sizeof what, "jit flag reflects the option (jit %d)", jit);
    ok(jit || !qr_regex_is_jit(re), what);
    qr_regex_free(re);
    qr_regex_free(ci);
    qr_regex_free(anch);
}

static void test_limits(int jit)
{
    char what[128], s[64];
    qr_regex *re = compile("^(a+)+$", 0, jit);
    qr_regex_opts o;
    int code;
    size_t off;
    memset(s, 'a', 40);
    s[40] = 'b';
    s[41] = '\0';
    snprintf(what, sizeof what, "catastrophic pattern: PCRE2_ERROR_MATCHLIMIT (jit %d)", jit);
    ok(re && qr_regex_test(re, s, 41) == PCRE2_ERROR_MATCHLIMIT, what);
    snprintf(what, sizeof what, "the same regex still matches afterwards (jit %d)", jit);
    ok(re && qr_regex_test(re, s, 40) == 1, what);
    qr_regex_free(re);

    qr_regex_opts_default(&o);
    o.jit = jit;
    o.depth_limit = 100;
    re = qr_regex_compile("^(?:(a)b)+$", 11, &o, &code, &off);
    {
        size_t n = 20000, i;
        char *ab = malloc(n);
        int rc;
        for (i = 0; i < n; i++) ab[i] = "ab"[i % 2];
        rc = re ? qr_regex_test(re, ab, n) : 0;
        snprintf(what, sizeof what, "deep match: depth or JIT stack limit (jit %d, rc %d)", jit, rc);
        ok(rc == (qr_regex_is_jit(re) ? PCRE2_ERROR_JIT_STACKLIMIT : PCRE2_ERROR_DEPTHLIMIT), what);
        free(ab);
    }
    qr_regex_free(re);
}

static void test_invalid_utf(int jit)
{
    char what[128];
    qr_regex *re = compile("\\w+", 0, jit), *dot = compile(".", QR_RE_DOTALL, jit);
    char buf[256];
    int round, bad = 0;
    if (!re || !dot) { ok(0, "compile"); qr_regex_free(re); qr_regex_free(dot); return; }
    for (round = 0; round < 2000; round++) {
        size_t n = rng() % sizeof buf, i;
        int a, b;
        for (i = 0; i < n; i++) buf[i] = (char)(rng() & 0xFF);
        a = qr_regex_test(re, buf, n);
        b = qr_regex_test(dot, buf, n);
        if (a < 0 || b < 0) bad++;
    }
    snprintf(what, sizeof what, "random bytes never fail a match (jit %d)", jit);
    ok(bad == 0, what);
    snprintf(what, sizeof what, "invalid bytes match nothing, words around them do (jit %d)", jit);
    ok(qr_regex_test(re, "\xff\xfe\xc3", 3) == 0 && test_str(re, "\xff\xfe\xc3Łódź") == 1, what);
    qr_regex_free(re);
    qr_regex_free(dot);

    /* PCRE2 10.42's interpreter went on past an invalid byte to the next
     * valid fragment even for an anchored pattern (fuzz_regex found it) */
    re = compile("H", QR_RE_ANCHORED, jit);
    if (!re) { ok(0, "compile"); return; }
    {
        qr_regex_scan sc;
        qr_regex_scan_init(&sc, 0);
        snprintf(what, sizeof what, "an anchored regex matches at the start or not at all, past invalid bytes too (jit %d)",
                 jit);
        ok(qr_regex_match(re, "J\xffH", 3, 0, 0) == PCRE2_ERROR_NOMATCH && test_str(re, "J\xffH") == 0
           && qr_regex_scan_next(re, "J\xffH", 3, &sc) == PCRE2_ERROR_NOMATCH
           && qr_regex_match(re, "J\xffH", 3, 2, 0) > 0 && qr_regex_ovector(re)[0] == 2
           && test_str(re, "H\xffJ") == 1, what);
    }
    qr_regex_free(re);
}

static void test_match_api(void)
{
    qr_regex *re = compile("(?<who>\\p{Lu}\\w+) (?:said|told)(?: (?<whom>\\w+))?", 0, 1);
    const char *s = "Yesterday Łukasz said.";
    const size_t *ov;
    int rc;
    if (!re) { ok(0, "compile"); return; }
    rc = qr_regex_match(re, s, strlen(s), 0, 0);
    ov = qr_regex_ovector(re);
    ok(rc == 2 && ov[0] == 10 && ov[1] == 22 && ov[2] == 10 && ov[3] == 17, "match offsets in bytes");
    ok(ov[4] == PCRE2_UNSET, "a group that took no part is unset");
    ok(qr_regex_groups(re) == 2, "two groups");
    ok(qr_regex_group_name(re, 1) && !strcmp(qr_regex_group_name(re, 1), "who")
       && !strcmp(qr_regex_group_name(re, 2), "whom") && !qr_regex_group_name(re, 3)
       && !qr_regex_group_name(re, 0), "group names by number");
    ok(!strcmp(qr_regex_source(re), "(?<who>\\p{Lu}\\w+) (?:said|told)(?: (?<whom>\\w+))?"), "source");
    ok(qr_regex_match(re, s, strlen(s), strlen(s) + 1, 0) == PCRE2_ERROR_BADOFFSET, "offset past the end");
    ok(qr_regex_match(re, s, strlen(s), 11, 0) == PCRE2_ERROR_NOMATCH, "search from an offset inside a character");
    qr_regex_free(re);
    qr_regex_free(NULL);
    ok(1, "qr_regex_free(NULL)");
}

/* Scans s with the pattern, with and without the JIT, into "start-stop "
 * lists; returns 1 when both agree with want (or want is NULL). */
static int scan_agrees(const char *pattern, const char *s, size_t len, const char *want)
{
    char out[2][4096];
    int jit;
    for (jit = 0; jit <= 1; jit++) {
        qr_regex *re = compile(pattern, 0, jit);
        qr_regex_scan sc;
        size_t used = 0;
        int rc;
        out[jit][0] = '\0';
        if (!re) return 0;
        qr_regex_scan_init(&sc, 0);
        while ((rc = qr_regex_scan_next(re, s, len, &sc)) > 0 && used < sizeof out[jit] - 64) {
            const size_t *ov = qr_regex_ovector(re);
            used += (size_t)snprintf(out[jit] + used, sizeof out[jit] - used, "%zu-%zu ", ov[0], ov[1]);
        }
        qr_regex_free(re);
        if (rc != PCRE2_ERROR_NOMATCH) return 0;
    }
    if (strcmp(out[0], out[1]) != 0) {
        printf("# interpreter: %s\n# JIT:         %s\n", out[0], out[1]);
        return 0;
    }
    if (want && strcmp(out[0], want) != 0) {
        printf("# got %s, want %s\n", out[0], want);
        return 0;
    }
    return 1;
}

/* A scan of s, with and without the JIT: every match ends at or after the
 * last, offsets never fall inside a valid character, the scan ends with
 * PCRE2_ERROR_NOMATCH. */
static int scan_sane(const char *pattern, const char *s, size_t len)
{
    int jit;
    for (jit = 0; jit <= 1; jit++) {
        qr_regex *re = compile(pattern, 0, jit);
        qr_regex_scan sc;
        size_t last = 0, n = 0;
        int rc, good = 1;
        if (!re) return 0;
        qr_regex_scan_init(&sc, 0);
        while ((rc = qr_regex_scan_next(re, s, len, &sc)) > 0 && n++ <= len + 1) {
            const size_t *ov = qr_regex_ovector(re);
            if (ov[0] < last || ov[1] < ov[0] || ov[1] > len) good = 0;
            if (ov[0] < len && ov[0] > 0 && (s[ov[0]] & 0xC0) == 0x80 && (s[ov[0] - 1] & 0xC0) != 0x80
                && (unsigned char)s[ov[0] - 1] >= 0xC2)
                good = 0;    /* inside a two-byte character */
            last = ov[1];
        }
        qr_regex_free(re);
        if (rc != PCRE2_ERROR_NOMATCH || !good) return 0;
    }
    return 1;
}

static void test_scan(void)
{
    static const char *const patterns[] = {
        "x*", "\\w+", "\\b", "(?<=\\w)\\b", "^|$", "(?m)^", ".", "\\X", "\\p{Lu}\\w*", "", NULL
    };
    char buf[300];
    int round, k, bad = 0, bad_invalid = 0;
    ok(scan_agrees("x*", "a€xxЖ", strlen("a€xxЖ"), "0-0 1-1 4-6 6-6 8-8 "), "empty matches step by code point");
    ok(scan_agrees("", "\xff" "a", 2, "0-0 1-1 2-2 "), "empty matches step over an invalid byte");
    ok(scan_agrees("\\w+", "Łódź \xc3 Москва", strlen("Łódź \xc3 Москва"), "0-7 10-22 "),
       "words around an invalid byte");
    /* Valid subjects: the interpreter (through its valid-subject shortcut)
     * and the JIT find the same matches. On invalid subjects PCRE2's own
     * interpreter and JIT differ at the edges of invalid bytes (empty
     * matches next to them), so there the scan is only checked for sanity:
     * no errors, no overlap, no offset inside a character. */
    for (round = 0; round < 300; round++) {
        /* the last two parts are invalid UTF-8; odd rounds leave them out */
        static const char *const parts[] = { "a", "x", "Ж", "€", " ", "\n", "Łódź", "B", "\xff", "\xc3" };
        int valid = round % 2;
        size_t len = 0;
        while (len < 200) {
            const char *p = parts[rng() % (valid ? 8 : 10)];
            memcpy(buf + len, p, strlen(p));
            len += strlen(p);
        }
        for (k = 0; patterns[k]; k++) {
            if (valid) {
                if (!scan_agrees(patterns[k], buf, len, NULL)) bad++;
            } else if (!scan_sane(patterns[k], buf, len)) {
                bad_invalid++;
            }
        }
    }
    ok(bad == 0, "interpreter and JIT scans agree on valid subjects");
    ok(bad_invalid == 0, "scans of invalid subjects never fail, overlap or split a character");
}

static void test_compile_errors(void)
{
    qr_regex_opts o;
    int code = 0;
    size_t off = 0;
    char buf[128];
    qr_regex *re;
    qr_regex_opts_default(&o);
    re = qr_regex_compile("Lavrov (met", 11, &o, &code, &off);
    ok(!re && off == 11 && code == PCRE2_ERROR_MISSING_CLOSING_PARENTHESIS, "missing parenthesis at offset 11");
    qr_regex_error(code, buf, sizeof buf);
    ok(strstr(buf, "missing closing parenthesis") != NULL, "PCRE2's message");
    re = qr_regex_compile("[\xff]", 3, &o, &code, &off);
    ok(!re && off == 1, "invalid UTF-8 in a pattern at offset 1");
    ok(!strcmp(qr_regex_error(PCRE2_ERROR_MATCHLIMIT, buf, sizeof buf), "match limit exceeded"),
       "limit message");
    ok(!strcmp(qr_regex_error(PCRE2_ERROR_DEPTHLIMIT, buf, sizeof buf), "depth limit exceeded"),
       "depth message");
    qr_regex_error(-12345, buf, 8);
    ok(strlen(buf) < 8, "messages fit the buffer");
    re = qr_regex_compile("a\0b", 3, &o, &code, &off);
    ok(re && qr_regex_test(re, "xa\0b", 4) == 1 && qr_regex_test(re, "ab", 2) == 0, "NUL inside a pattern");
    qr_regex_free(re);
}

/* QUARRY_NO_JIT=1 turns the JIT off (for valgrind); "0" or "" do not. */
static void test_no_jit_switch(void)
{
    const char *saved = getenv("QUARRY_NO_JIT");
    char *copy = saved ? strdup(saved) : NULL;
    qr_regex *re, *plain;
    setenv("QUARRY_NO_JIT", "1", 1);
    re = compile("^(a+)+$", 0, 1);
    ok(re && !qr_regex_is_jit(re), "QUARRY_NO_JIT=1: compiled without the JIT");
    ok(re && qr_regex_test(re, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaab", 30) == PCRE2_ERROR_MATCHLIMIT,
       "QUARRY_NO_JIT=1: the match limit still stops a catastrophic pattern");
    setenv("QUARRY_NO_JIT", "0", 1);
    plain = compile("^(a+)+$", 0, 1);
    unsetenv("QUARRY_NO_JIT");
    qr_regex_free(re);
    re = compile("^(a+)+$", 0, 1);
    ok(plain && re && qr_regex_is_jit(plain) == qr_regex_is_jit(re), "QUARRY_NO_JIT=0: the JIT as without it");
    qr_regex_free(plain);
    qr_regex_free(re);
    if (copy) setenv("QUARRY_NO_JIT", copy, 1);
    free(copy);
}

/* qr_regex_test turns subjects away before calling PCRE2 (too short, an
 * anchored pattern's impossible first byte, no byte every match holds): it
 * must say what a full match says, caseless, with (?i) inside, for
 * non-ASCII characters (the Kelvin sign is a caseless k, the long s a
 * caseless s) and invalid bytes too. */
static void test_quick_reject(void)
{
    static const char *const patterns[] = {
        "^\\d{4}-\\d{2}-\\d{2}$", "^(?:mid|early|late)-x$", "(?i)^said$", "^(?i:a)b", "^\\p{Lu}\\w+",
        "^é+", "^(?:É|x)y", "b$", "^$", "^.{3}", "^(?=a)ab", "^[^a]", "\\bz", "^(?:ab|cd)*e",
        "^(?:\\p{Lu}\\.){1,3}$", "^\\p{L}+-(?:based|led)$", "ok", "(?i)ok", "a(?i:k)", "as", "(?i)as", "x\\.y",
        "(?i:mid)-x", "[-.]z", "a(?=k)",
    };
    static const char *const subjects[] = {
        "", "1996-08-22", "1996-08-2", "mid-x", "Mid-x", "SAID", "said", "SaId", "Ab", "aB", "ab", "AB",
        "Lavrov", "lavrov", "Élan", "éé", "Éy", "xy", "b", "ab", "abc", "é", "\xff\xfe", "\xc3", "e", "cde", "z",
        "qz", "J.", "J.R.", "JR", "Ontario-based", "Ontario-Based", "ok", "OK", "oK", "o\xe2\x84\xaa", "ak",
        "aK", "a\xe2\x84\xaa", "as", "aS", "a\xc5\xbf", "x.y", "xy", "MID-x", "mid-X", ".z", "-z", "z", "ak.",
    };
    size_t p, k;
    int agree = 1;
    for (p = 0; p < sizeof patterns / sizeof *patterns; p++) {
        for (int flags = 0; flags <= (int)QR_RE_CASELESS; flags += (int)QR_RE_CASELESS) {
            qr_regex *re = compile(patterns[p], (unsigned)flags, 1);
            if (!re) { agree = 0; continue; }
            for (k = 0; k < sizeof subjects / sizeof *subjects; k++) {
                size_t n = strlen(subjects[k]);
                int full = qr_regex_match(re, subjects[k], n, 0, 0) >= 0;
                if (qr_regex_test(re, subjects[k], n) != full) {
                    agree = 0;
                    printf("# %s (flags %d) on '%s': test %d, match %d\n", patterns[p], flags, subjects[k],
                           qr_regex_test(re, subjects[k], n), full);
                }
            }
            qr_regex_free(re);
        }
    }
    ok(agree, "test turns away only subjects that cannot match (length, first byte, a byte every match holds)");
}

/* A pattern that takes exponential time without its required byte: PCRE2
 * turns a short subject lacking it away before matching (as the filter
 * does, without the call), and only a subject of QR_REGEX_REQ_MAX bytes or
 * more, which the filter lets through, meets the match limit. */
static void test_required_byte(int jit)
{
    char what[128], *long_subject = malloc(QR_REGEX_REQ_MAX + 1);
    qr_regex_opts o;
    qr_regex *re;
    int code;
    size_t off;
    qr_regex_opts_default(&o);
    o.jit = jit;
    o.match_limit = 1000;
    re = qr_regex_compile("^(?:a+)+-$", 10, &o, &code, &off);
    if (!re || !long_subject) {
        ok(0, "the required byte's pattern compiles");
        free(long_subject);
        return;
    }
    memset(long_subject, 'a', QR_REGEX_REQ_MAX);
    long_subject[QR_REGEX_REQ_MAX] = '\0';
    snprintf(what, sizeof what, "no required byte in a short subject: no match, no limit (jit %d)", jit);
    ok(qr_regex_test(re, long_subject, 40) == 0 && qr_regex_match(re, long_subject, 40, 0, 0) == PCRE2_ERROR_NOMATCH,
       what);
    snprintf(what, sizeof what, "a subject of QR_REGEX_REQ_MAX bytes goes to PCRE2 (jit %d)", jit);
    ok(qr_regex_test(re, long_subject, QR_REGEX_REQ_MAX) == qr_regex_match(re, long_subject, QR_REGEX_REQ_MAX, 0, 0)
       || qr_regex_match(re, long_subject, QR_REGEX_REQ_MAX, 0, 0) == PCRE2_ERROR_NOMATCH, what);
    qr_regex_free(re);
    free(long_subject);
    if (jit) {
        qr_regex_filter f1, f2, f3;
        qr_regex *a = compile("^\\p{L}+-(?:based|led|run)$", 0, 1), *b = compile("ok", 0, 1),
                 *c = compile("^\\p{Lu}{2,5}$", 0, 1);
        qr_regex_get_filter(a, &f1);
        qr_regex_get_filter(b, &f2);
        qr_regex_get_filter(c, &f3);
        ok(f1.have_req && f1.req[0] == '-' && f1.req[1] == '-' && f2.have_req && f2.req[0] == 'k' && f2.req[1] == 'K'
           && !f3.have_req, "the required byte: the hyphen of compounds, both cases of a letter, none for a class");
        qr_regex_free(a);
        qr_regex_free(b);
        qr_regex_free(c);
    }
}

int main(void)
{
    int jit;
    for (jit = 0; jit <= 1; jit++) {
        test_basics(jit);
        test_limits(jit);
        test_invalid_utf(jit);
        test_required_byte(jit);
    }
    test_match_api();
    test_scan();
    test_compile_errors();
    test_no_jit_switch();
    test_quick_reject();
    printf("1..%d\n", tests);
    return failures ? 1 : 0;
}
