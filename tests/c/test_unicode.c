/*
 * test_unicode.c -- checks csrc/qr_unicode.c against the Unicode data files.
 *
 * usage: test_unicode CaseFolding.txt UnicodeData.txt
 *
 * The expectations are re-derived here from the data files with independent
 * parsing code, so a bug in tools/gen_unicode.lua shows up as a mismatch
 * rather than being baked into both sides. Output is TAP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qr_unicode.h"

#define MAX_CP 0x10FFFFu
#define N_CP (MAX_CP + 1u)
#define MAX_DIAG 10   /* mismatches reported per check before going quiet */

static unsigned test_count;
static unsigned fail_count;

static void report(int ok, const char *desc)
{
    test_count++;
    if (!ok)
        fail_count++;
    printf("%sok %u - %s\n", ok ? "" : "not ", test_count, desc);
}

static FILE *open_or_die(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        printf("Bail out! cannot open %s\n", path);
        exit(2);
    }
    return f;
}

/* Splits line at ';' in place; returns the number of fields. */
static size_t split_fields(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *p = line;

    while (n < max) {
        char *semi = strchr(p, ';');
        fields[n++] = p;
        if (!semi)
            break;
        *semi = '\0';
        p = semi + 1;
    }
    return n;
}

/* ---- case folding ------------------------------------------------------ */

static void test_casefolding(const char *path)
{
    FILE *f = open_or_die(path);
    char line[1024];
    unsigned char *has_fold = calloc(N_CP, 1);
    unsigned entries = 0, bad = 0;
    uint32_t cp;

    if (!has_fold) {
        printf("Bail out! out of memory\n");
        exit(2);
    }
    while (fgets(line, sizeof line, f)) {
        char *fields[4];
        char *hash = strchr(line, '#'), *p, *end;
        uint32_t want[3], got[3];
        size_t nwant = 0, ngot, i;
        char status;

        if (hash)
            *hash = '\0';
        if (split_fields(line, fields, 4) < 3)
            continue;
        status = fields[1][strspn(fields[1], " ")];
        if (status != 'C' && status != 'F')
            continue;
        cp = (uint32_t)strtoul(fields[0], NULL, 16);
        for (p = fields[2];; p = end) {
            unsigned long v = strtoul(p, &end, 16);
            if (end == p)
                break;
            if (nwant == 3) {
                printf("Bail out! fold of U+%04lX longer than 3\n", (unsigned long)cp);
                exit(2);
            }
            want[nwant++] = (uint32_t)v;
        }
        entries++;
        has_fold[cp] = 1;

        ngot = qr_uni_fold(cp, got);
        if (ngot != nwant || memcmp(got, want, nwant * sizeof want[0]) != 0) {
            if (bad++ < MAX_DIAG) {
                printf("# fold U+%04lX: want", (unsigned long)cp);
                for (i = 0; i < nwant; i++)
                    printf(" %04lX", (unsigned long)want[i]);
                printf(", got");
                for (i = 0; i < ngot && i < 3; i++)
                    printf(" %04lX", (unsigned long)got[i]);
                printf("\n");
            }
        }
    }
    fclose(f);
    printf("# %u C/F entries in %s\n", entries, path);
    report(entries > 1000 && bad == 0, "every C and F entry of CaseFolding.txt matches qr_uni_fold");

    bad = 0;
    for (cp = 0; cp < N_CP; cp++) {
        uint32_t got[3];
        size_t n;
        if (has_fold[cp])
            continue;
        n = qr_uni_fold(cp, got);
        if ((n != 1 || got[0] != cp) && bad++ < MAX_DIAG)
            printf("# U+%04lX has no C/F fold but qr_uni_fold changes it\n", (unsigned long)cp);
    }
    report(bad == 0, "code points without a C/F entry fold to themselves");
    free(has_fold);
}

/* ---- character classes ------------------------------------------------- */

static int class_of_gc(uint32_t cp, const char *gc)
{
    static const struct { const char *gc; int cls; } map[] = {
        {"Cc", QR_U_OTHER}, {"Cs", QR_U_OTHER}, {"Co", QR_U_OTHER}, {"Cn", QR_U_OTHER},
        {"Zs", QR_U_SPACE}, {"Zl", QR_U_SPACE}, {"Zp", QR_U_SPACE},
        {"Ll", QR_U_LOWER}, {"Lu", QR_U_UPPER}, {"Lt", QR_U_TITLE},
        {"Lm", QR_U_LETTER}, {"Lo", QR_U_LETTER},
        {"Mn", QR_U_MARK}, {"Mc", QR_U_MARK}, {"Me", QR_U_MARK},
        {"Nd", QR_U_DIGIT}, {"Nl", QR_U_NUMBER}, {"No", QR_U_NUMBER},
        {"Ps", QR_U_OPEN}, {"Pe", QR_U_CLOSE}, {"Pi", QR_U_INITIAL}, {"Pf", QR_U_FINAL},
        {"Pd", QR_U_DASH}, {"Pc", QR_U_PUNCT}, {"Po", QR_U_PUNCT},
        {"Sm", QR_U_SYMBOL}, {"Sk", QR_U_SYMBOL}, {"So", QR_U_SYMBOL},
        {"Sc", QR_U_CURRENCY}, {"Cf", QR_U_FORMAT},
    };
    size_t i;

    if ((cp >= 0x09 && cp <= 0x0D) || cp == 0x85)
        return QR_U_SPACE;
    for (i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].gc, gc) == 0)
            return map[i].cls;
    return -1;
}

/* Expected class and category letter of every code point, from UnicodeData. */
static unsigned char *want_class;
static char *gc_major;

static void load_unicodedata(const char *path)
{
    FILE *f = open_or_die(path);
    char line[1024];
    uint32_t cp, range_first = 0;
    int in_range = 0;

    want_class = malloc(N_CP);
    gc_major = malloc(N_CP);
    if (!want_class || !gc_major) {
        printf("Bail out! out of memory\n");
        exit(2);
    }
    memset(want_class, QR_U_OTHER, N_CP);
    memset(gc_major, 'C', N_CP);   /* unassigned: Cn */

    while (fgets(line, sizeof line, f)) {
        char *fields[16];
        uint32_t first;
        int cls;

        if (split_fields(line, fields, 16) < 15)
            continue;
        cp = (uint32_t)strtoul(fields[0], NULL, 16);
        cls = class_of_gc(cp, fields[2]);
        if (cls < 0 || cp > MAX_CP) {
            printf("Bail out! bad UnicodeData line for %s\n", fields[0]);
            exit(2);
        }
        if (strstr(fields[1], ", First>")) {
            range_first = cp;
            in_range = 1;
            continue;
        }
        first = cp;
        if (in_range && strstr(fields[1], ", Last>")) {
            first = range_first;
            in_range = 0;
        }
        for (; first <= cp; first++) {
            want_class[first] = (unsigned char)cls;
            gc_major[first] = fields[2][0];
        }
    }
    fclose(f);
}

static void test_classes(void)
{
    unsigned bad = 0;
    uint32_t cp;

    for (cp = 0; cp < N_CP; cp++) {
        unsigned got = qr_uni_class(cp);
        if (got != want_class[cp] && bad++ < MAX_DIAG)
            printf("# class U+%04lX: want %u, got %u\n",
                   (unsigned long)cp, (unsigned)want_class[cp], got);
    }
    report(bad == 0, "qr_uni_class matches UnicodeData.txt for all of 0..10FFFF");
    report(qr_uni_class(0x110000) == QR_U_OTHER && qr_uni_class(0xFFFFFFFFu) == QR_U_OTHER,
           "qr_uni_class beyond 10FFFF is QR_U_OTHER");
}

/* ---- stripping properties ---------------------------------------------- */

static void test_strip_properties(void)
{
    unsigned bad_marks = 0, bad_other = 0, bad_idem = 0;
    uint32_t cp, out[1], again[1];

    for (cp = 0; cp < N_CP; cp++) {
        size_t n = qr_uni_strip(cp, out);
        if (gc_major[cp] == 'M') {
            if (n != 0 && bad_marks++ < MAX_DIAG)
                printf("# mark U+%04lX not dropped\n", (unsigned long)cp);
            continue;
        }
        if (n != 1) {
            if (bad_other++ < MAX_DIAG)
                printf("# non-mark U+%04lX dropped\n", (unsigned long)cp);
            continue;
        }
        if (gc_major[cp] != 'L' && out[0] != cp && bad_other++ < MAX_DIAG)
            printf("# non-letter U+%04lX stripped to U+%04lX\n",
                   (unsigned long)cp, (unsigned long)out[0]);
        if (out[0] != cp
            && (qr_uni_strip(out[0], again) != 1 || again[0] != out[0])
            && bad_idem++ < MAX_DIAG)
            printf("# strip of U+%04lX (U+%04lX) is not a fixed point\n",
                   (unsigned long)cp, (unsigned long)out[0]);
    }
    report(bad_marks == 0, "every combining mark (Mn, Mc, Me) is dropped by qr_uni_strip");
    report(bad_other == 0, "non-marks are kept; only letters change");
    report(bad_idem == 0, "qr_uni_strip is idempotent");
    report(qr_uni_strip(0x110000, out) == 1 && out[0] == 0x110000,
           "qr_uni_strip beyond 10FFFF returns the input");
}

/* ---- concrete expectations --------------------------------------------- */

static void expect_fold(uint32_t cp, const uint32_t *want, size_t nwant, const char *desc)
{
    uint32_t got[3];
    size_t n = qr_uni_fold(cp, got);
    report(n == nwant && memcmp(got, want, n * sizeof got[0]) == 0, desc);
}

static void expect_strip(uint32_t cp, uint32_t want, const char *desc)
{
    uint32_t got[1];
    report(qr_uni_strip(cp, got) == 1 && got[0] == want, desc);
}

static void test_examples(void)
{
    static const uint32_t a[] = {0x61}, sigma[] = {0x3C3}, ss[] = {0x73, 0x73},
        ayb[] = {0x561}, de[] = {0x434}, dzh[] = {0x1C6}, idot[] = {0x69, 0x307};
    uint32_t out[1];

    expect_fold(0x41, a, 1, "fold 'A' -> 'a'");
    expect_fold(0x3A3, sigma, 1, "fold U+03A3 capital sigma -> U+03C3");
    expect_fold(0x3C2, sigma, 1, "fold U+03C2 final sigma -> U+03C3");
    expect_fold(0xDF, ss, 2, "fold U+00DF sharp s -> \"ss\"");
    expect_fold(0x531, ayb, 1, "fold U+0531 Armenian ayb -> U+0561");
    expect_fold(0x414, de, 1, "fold U+0414 Cyrillic De -> U+0434");
    expect_fold(0x1C4, dzh, 1, "fold U+01C4 DZ with caron -> U+01C6");
    expect_fold(0x130, idot, 2, "fold U+0130 I with dot above -> U+0069 U+0307");
    expect_fold(0x61, a, 1, "fold 'a' -> 'a' (unchanged)");

    expect_strip(0xE9, 0x65, "strip U+00E9 e acute -> 'e'");
    expect_strip(0x142, 0x6C, "strip U+0142 l with stroke -> 'l'");
    expect_strip(0xF8, 0x6F, "strip U+00F8 o with stroke -> 'o'");
    expect_strip(0x151, 0x6F, "strip U+0151 o with double acute -> 'o'");
    expect_strip(0x1D6, 0x75, "strip U+01D6 u with diaeresis and macron -> 'u'");
    expect_strip(0x3AC, 0x3B1, "strip U+03AC alpha with tonos -> U+03B1");
    expect_strip(0x439, 0x438, "strip U+0439 short i -> U+0438 (canonical decomposition)");
    expect_strip(0x111, 0x64, "strip U+0111 d with stroke -> 'd'");
    expect_strip(0x127, 0x68, "strip U+0127 h with stroke -> 'h'");
    expect_strip(0x1FF, 0x6F, "strip U+01FF o with stroke and acute -> 'o'");
    report(qr_uni_strip(0x301, out) == 0, "strip U+0301 combining acute -> dropped");
    expect_strip(0x61, 0x61, "strip 'a' -> 'a'");
    expect_strip(0x4E2D, 0x4E2D, "strip U+4E2D -> itself");
    expect_strip(0x31, 0x31, "strip '1' -> itself");

    report(qr_uni_class(0x20) == QR_U_SPACE && qr_uni_class(0x0A) == QR_U_SPACE
           && qr_uni_class(0x85) == QR_U_SPACE && qr_uni_class(0x00) == QR_U_OTHER
           && qr_uni_class(0x1F) == QR_U_OTHER,
           "control characters: whitespace ones are SPACE, others OTHER");
    report(qr_uni_class(0x41) == QR_U_UPPER && qr_uni_class(0x61) == QR_U_LOWER
           && qr_uni_class(0x1C5) == QR_U_TITLE && qr_uni_class(0x4E2D) == QR_U_LETTER
           && qr_uni_class(0xAC00) == QR_U_LETTER && qr_uni_class(0x301) == QR_U_MARK,
           "letter and mark classes, including a CJK and a Hangul range");
    report(qr_uni_class(0x30) == QR_U_DIGIT && qr_uni_class(0xBD) == QR_U_NUMBER
           && qr_uni_class(0x28) == QR_U_OPEN && qr_uni_class(0x29) == QR_U_CLOSE
           && qr_uni_class(0xAB) == QR_U_INITIAL && qr_uni_class(0xBB) == QR_U_FINAL
           && qr_uni_class(0x2D) == QR_U_DASH && qr_uni_class(0x5F) == QR_U_PUNCT
           && qr_uni_class(0x2B) == QR_U_SYMBOL && qr_uni_class(0x24) == QR_U_CURRENCY
           && qr_uni_class(0x200D) == QR_U_FORMAT,
           "number, punctuation, symbol and format classes");
    report(qr_uni_class(0xD800) == QR_U_OTHER && qr_uni_class(0xE000) == QR_U_OTHER
           && qr_uni_class(0x10FFFF) == QR_U_OTHER,
           "surrogates, private use and noncharacters are OTHER");
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s CaseFolding.txt UnicodeData.txt\n", argv[0]);
        return 2;
    }
    test_casefolding(argv[1]);
    load_unicodedata(argv[2]);
    test_classes();
    test_strip_properties();
    test_examples();
    free(want_class);
    free(gc_major);

    printf("1..%u\n", test_count);
    return fail_count == 0 ? 0 : 1;
}
