/*
 * The tokeniser. One left-to-right pass over the bytes emits tokens with
 * their break flags; a second pass over the token array (not the text)
 * decides paragraphs and sentences. Token storage is 12 bytes a token and
 * grows by a quarter at a time, so a large text never holds much more than
 * it needs (see qr_tokenize and "the token array").
 */
#define _GNU_SOURCE 1         /* mremap, madvise */
#include "qr_token.h"
#include "qr_unicode.h"
#include "qr_utf8.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

#define CL_BAD 0xFEu   /* invalid UTF-8: behaves as an uncased letter */
#define CL_END 0xFFu   /* past the end of the text */

/* Classes of the ASCII range, the same values qr_uni_class returns. */
#define O QR_U_OTHER
#define S QR_U_SPACE
#define L QR_U_LOWER
#define U QR_U_UPPER
#define D QR_U_DIGIT
#define P QR_U_PUNCT
#define Y QR_U_SYMBOL
#define C QR_U_CURRENCY
#define B QR_U_OPEN
#define E QR_U_CLOSE
#define H QR_U_DASH
static const unsigned char ascii_class[128] = {
    O, O, O, O, O, O, O, O, O, S, S, S, S, S, O, O,   /* 00 */
    O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, O,   /* 10 */
    S, P, P, P, C, P, P, P, B, E, P, Y, P, H, P, P,   /* 20  !"#$%&'()*+,-./ */
    D, D, D, D, D, D, D, D, D, D, P, P, Y, Y, Y, P,   /* 30 0-9:;<=>? */
    P, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,   /* 40 @A-O */
    U, U, U, U, U, U, U, U, U, U, U, B, P, E, Y, P,   /* 50 P-Z[\]^_ */
    Y, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L,   /* 60 `a-o */
    L, L, L, L, L, L, L, L, L, L, L, B, Y, E, Y, O,   /* 70 p-z{|}~ */
};
#undef O
#undef S
#undef L
#undef U
#undef D
#undef P
#undef Y
#undef C
#undef B
#undef E
#undef H

/* Sentence and paragraph boundaries are decided as tokens are emitted: a
 * token's flags are final once the token after it is known, so no second
 * pass over the token array is needed (except to switch paragraph mode). */
typedef struct bounds {
    unsigned para_breaks;  /* token flags that open a paragraph */
    unsigned watch;        /* token flags that need boundary_step */
    int expect;            /* EXPECT_* */
    size_t from;           /* index of the terminal or abbreviation expecting */
    size_t scap, pcap;     /* capacities of the sentence and paragraph arrays */
    int err;
} bounds;

enum { EXPECT_NONE, EXPECT_AFTER_TERMINAL, EXPECT_AFTER_ABBREV, EXPECT_START };

/* scan_word's fast loop runs on words starting FAST_MIN bytes or more
 * before the end of the text (it reads up to 65 bytes past a window's
 * start, a byte before a word, and 3 past a word's end); shorter texts, and
 * the end of any, go the scalar way */
#define FAST_MIN 80

/* Room scan_word's loop needs in the token array: a region (at most one
 * token a byte of a window) and a word with two punctuation marks. */
#define REGION_ROOM 68
/* scan_word's run ends when this many of its tokens wait for
 * boundary_step (a region may add a window's worth more) */
#define MARKS_MAX 16

/* The classes of 64 bytes of text (bit i: byte i) and what scan_word's
 * regions make of them (window_masks). */
typedef struct window {
    uint64_t nal, up, lo, dg;  /* not an ASCII letter or digit, capitals, small letters, digits */
    uint64_t start;            /* where runs of letters and digits start */
    uint64_t inside;           /* bytes of runs but their first */
    /* where a region's tokens start and end; where a region stops; where it
     * stops before the run there (runs, and the byte after each) */
    uint64_t tstart, tend, stop, adj;
    uint64_t pe;               /* periods that end a sentence */
    /* by byte, for a region's token starting there: bits 0-1 its class
     * (small letter 0, capital 1, digit 2, , ; ) ] 3), bit 2 whether the
     * next byte is a small letter, bit 3 whether the byte before is a
     * space (neither known at the window's edges), bit 4 a period */
    unsigned char code[64];
} window;

typedef struct scan {
    bounds b;
    int bounds_on;
    const char *text;
    const unsigned char *s;
    size_t n;
    const qr_tokopts *o;
    qr_tokens *out;
    unsigned pending;      /* break flags waiting for the next token */
    size_t line_breaks;    /* single line breaks (no blank line, no indent) */
    size_t sentence_lines; /* ... of them after sentence-final punctuation */
    int dq_open;           /* a straight double quote is open */
    int sq_open;           /* single quotation marks opened and not closed */
    int err;
    /* scan_word's window: win[wi], of the 64 bytes from wtag - 1 (wtag 0:
     * none); the other takes the next while the tokens of one are made */
    window win[2];
    unsigned wi;
    /* by first byte: bit n set when a word of n letters starting with it
     * may be an abbreviation (lower_abbrevs after a small letter, title_
     * and capital_abbrevs after a capital) or an initial (n = 1 after a
     * capital): scan_word's filter before the lists themselves */
    unsigned char abbrev_lens[256];
    int simd;              /* qr_token_simd: 1 window_classes_avx2, 2 ..._avx512 */
    size_t wtag;
} scan;

static unsigned class_at(const scan *sc, size_t p, uint32_t *cp, size_t *clen)
{
    unsigned char b;
    if (p >= sc->n) { *cp = 0; *clen = 0; return CL_END; }
    b = sc->s[p];
    if (b < 0x80) { *cp = b; *clen = 1; return ascii_class[b]; }
    *cp = qr_utf8_decode(sc->s + p, sc->n - p, clen);
    return *cp == QR_UTF8_BAD ? CL_BAD : qr_uni_class(*cp);
}

static int is_letter_class(unsigned c)
{
    return c == QR_U_LOWER || c == QR_U_UPPER || c == QR_U_TITLE || c == QR_U_LETTER || c == CL_BAD;
}

static int is_word_class(unsigned c)
{
    return is_letter_class(c) || c == QR_U_DIGIT || c == QR_U_NUMBER || c == QR_U_MARK;
}

static int is_apostrophe(uint32_t cp) { return cp == '\'' || cp == 0x2019 || cp == 0x02BC; }
static int is_hyphen(uint32_t cp) { return cp == '-' || cp == 0x2010 || cp == 0x2011; }
static int is_digit_byte(unsigned char b) { return b >= '0' && b <= '9'; }
static int is_ascii_alnum(unsigned char b)
{
    unsigned char l = (unsigned char)(b | 0x20);
    return (l >= 'a' && l <= 'z') || is_digit_byte(b);
}

static int is_terminal_cp(uint32_t cp)
{
    switch (cp) {
    case '.': case '!': case '?': case 0x2026: case 0x203C: case 0x203D:
    case 0x2047: case 0x2048: case 0x2049: case 0x3002: case 0xFF01:
    case 0xFF1F: case 0xFF0E: case 0x0589: case 0x037E: case 0x061F:
    case 0x06D4: case 0x0964: case 0x0965:
        return 1;
    default:
        return 0;
    }
}

/* --- word lists ------------------------------------------------------- */

int qr_word_cmp(const void *a, const void *b)
{
    const qr_word *x = a, *y = b;
    const unsigned char *u = (const unsigned char *)x->s, *v = (const unsigned char *)y->s;
    size_t m = x->len < y->len ? x->len : y->len, k;
    /* the words are short: a byte loop beats a call to memcmp */
    for (k = 0; k < m; k++)
        if (u[k] != v[k]) return u[k] < v[k] ? -1 : 1;
    return x->len < y->len ? -1 : x->len > y->len;
}

/* Binary search without bsearch's indirect calls: it runs for every word
 * before a period. */
static int in_list(const qr_word *list, size_t count, const unsigned char *s, size_t len)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2, k, m;
        const unsigned char *w = (const unsigned char *)list[mid].s;
        int c = 0;
        m = len < list[mid].len ? len : list[mid].len;
        for (k = 0; k < m && !c; k++) c = (s[k] > w[k]) - (s[k] < w[k]);
        if (!c) c = (len > list[mid].len) - (len < list[mid].len);
        if (!c) return 1;
        if (c < 0) hi = mid; else lo = mid + 1;
    }
    return 0;
}

#define W(x) { x, sizeof(x) - 1 }
/* Titles before names never end a sentence. Sorted (strcmp order). */
static const qr_word title_abbrevs[] = {
    W("Adm"), W("Amb"), W("Brig"), W("Capt"), W("Cdr"), W("Cllr"), W("Cmdr"),
    W("Col"), W("Cpl"), W("Dr"), W("Fr"), W("Ft"), W("Gen"), W("Gov"),
    W("Hon"), W("Insp"), W("Lt"), W("Maj"), W("Messrs"), W("Mr"), W("Mrs"),
    W("Ms"), W("Mt"), W("Pres"), W("Prof"), W("Rep"), W("Reps"), W("Rev"),
    W("Sen"), W("Sens"), W("Sgt"), W("St"), W("Supt"),
};
/* Other abbreviations: they end a sentence only before a likely opener.
 * Kept apart by initial case, since most words before a period are lower
 * case and only need the short list. */
static const qr_word capital_abbrevs[] = {
    W("Apr"), W("Assn"), W("Aug"), W("Ave"), W("Blvd"), W("Bros"), W("Co"),
    W("Corp"), W("Dec"), W("Dept"), W("Feb"), W("Fig"), W("Fri"), W("Inc"),
    W("Jan"), W("Jr"), W("Jul"), W("Jun"), W("Ltd"), W("Mar"), W("Mon"),
    W("No"), W("Nos"), W("Nov"), W("Oct"), W("Rd"), W("Sat"), W("Sep"),
    W("Sept"), W("Sr"), W("Sun"), W("Thu"), W("Thur"), W("Thurs"), W("Tue"),
    W("Tues"), W("Univ"), W("Vol"), W("Wed"),
};
static const qr_word lower_abbrevs[] = {
    W("al"), W("approx"), W("ca"), W("cf"), W("etc"), W("incl"), W("no"),
    W("nos"), W("viz"), W("vol"), W("vs"),
};
/* Capitalised words that usually open a sentence; used after abbreviations. */
static const qr_word openers[] = {
    W("A"), W("According"), W("After"), W("Also"), W("Although"), W("An"),
    W("And"), W("Another"), W("As"), W("At"), W("Before"), W("Both"), W("But"),
    W("During"), W("Earlier"), W("Even"), W("For"), W("From"), W("He"),
    W("Her"), W("Here"), W("His"), W("How"), W("However"), W("I"), W("If"),
    W("In"), W("It"), W("Its"), W("Last"), W("Later"), W("Many"),
    W("Meanwhile"), W("Most"), W("My"), W("Now"), W("On"), W("One"), W("Our"),
    W("She"), W("Since"), W("So"), W("Some"), W("That"), W("The"), W("Their"),
    W("Then"), W("There"), W("These"), W("They"), W("This"), W("Those"),
    W("Though"), W("To"), W("Under"), W("We"), W("What"), W("When"),
    W("Where"), W("While"), W("Who"), W("Why"), W("With"), W("Yet"), W("You"),
};
/* Top-level domains accepted for bare domain names (rferl.org). */
static const qr_word tlds[] = {
    W("am"), W("at"), W("au"), W("az"), W("be"), W("biz"), W("br"), W("ca"),
    W("ch"), W("cn"), W("co"), W("com"), W("cz"), W("de"), W("dk"), W("edu"),
    W("es"), W("eu"), W("fi"), W("fr"), W("ge"), W("gov"), W("gr"), W("ie"),
    W("il"), W("in"), W("info"), W("int"), W("io"), W("ir"), W("it"), W("jp"),
    W("kr"), W("kz"), W("mil"), W("mx"), W("net"), W("news"), W("nl"),
    W("no"), W("nz"), W("org"), W("pl"), W("pt"), W("ru"), W("se"), W("tr"),
    W("tv"), W("ua"), W("uk"), W("us"), W("za"),
};
#undef W
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* --- the token array ------------------------------------------------------ */

/* A token array of megabytes is written once, front to back. From malloc
 * it is a mapping at some 4 KiB boundary, so it took its first and last
 * huge pages as hundreds of 4 KiB page faults, and glibc gave back the
 * estimate's slack (the final realloc) by mremap anyway. Such arrays get a
 * mapping of their own here, aligned to 2 MiB and marked for transparent
 * huge pages (a fault each 2 MiB); the pages never touched cost no memory,
 * growing moves pages instead of copying them, and trimming unmaps the
 * tail. Linux only: elsewhere malloc and realloc. */
#if defined(__linux__) && defined(MAP_ANONYMOUS) && defined(MREMAP_MAYMOVE)
#define MAP_TOKENS 1
#define HUGE_BYTES ((size_t)2 << 20)
#define MAP_MIN_BYTES ((size_t)4 << 20)      /* smaller arrays come from malloc */

static size_t round_up(size_t x, size_t unit) { return (x + unit - 1) / unit * unit; }

static void advise_huge(void *p, size_t bytes)
{
#if defined(MADV_HUGEPAGE)
    madvise(p, bytes, MADV_HUGEPAGE);
#else
    (void)p; (void)bytes;
#endif
}

/* A mapping of `bytes` (a multiple of HUGE_BYTES) at a 2 MiB boundary. */
static void *map_tokens(size_t bytes)
{
    size_t span = bytes + HUGE_BYTES;
    char *m = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *a;
    if (m == MAP_FAILED) return NULL;
    a = (char *)(((uintptr_t)m + HUGE_BYTES - 1) & ~(uintptr_t)(HUGE_BYTES - 1));
    if (a > m) munmap(m, (size_t)(a - m));
    if (a + bytes < m + span) munmap(a + bytes, (size_t)(m + span - (a + bytes)));
    advise_huge(a, bytes);
    return a;
}

/* The last freed mapping of at most SPARE_MAX_BYTES, kept for the next
 * array; its first word holds its size. A fresh mapping's pages are
 * zeroed by the kernel as they are first written, about a tenth of the
 * tokeniser's time; a text tokenised after another (ingest, a rule pass
 * over a corpus) writes over the pages of the last one instead. This is
 * what glibc's malloc does with a freed block below its mmap threshold,
 * and the bound is its threshold's (32 MiB: texts of about 10 MB); larger
 * arrays go back to the system at once. One slot, taken and given with an
 * atomic exchange, so Lua states in several threads may share it. */
#define SPARE_MAX_BYTES ((size_t)32 << 20)
static void *spare_map;

static void *take_spare(size_t bytes, size_t *have)
{
    void *m = __atomic_exchange_n(&spare_map, NULL, __ATOMIC_ACQ_REL), *a;
    size_t size;
    if (!m) return NULL;
    memcpy(&size, m, sizeof size);
    if (size >= bytes) { *have = size; return m; }
    /* the pages past the old end are fresh, the rest keep their frames */
    a = mremap(m, size, bytes, MREMAP_MAYMOVE);
    if (a == MAP_FAILED) { munmap(m, size); return NULL; }
    advise_huge(a, bytes);
    *have = bytes;
    return a;
}

static void give_spare(void *m, size_t bytes)
{
    void *old;
    if (bytes > SPARE_MAX_BYTES) { munmap(m, bytes); return; }
    memcpy(m, &bytes, sizeof bytes);
    old = __atomic_exchange_n(&spare_map, m, __ATOMIC_ACQ_REL);
    if (old) {
        size_t size;
        memcpy(&size, old, sizeof size);
        munmap(old, size);
    }
}
#endif

/* Room for cap tokens (or more); the array is empty. */
static int tokens_alloc(qr_tokens *out, size_t cap)
{
#ifdef MAP_TOKENS
    if (cap * sizeof(qr_token) >= MAP_MIN_BYTES) {
        size_t bytes = round_up(cap * sizeof(qr_token), HUGE_BYTES), have = bytes;
        void *a = take_spare(bytes, &have);
        if (!a) a = map_tokens(bytes);
        if (a) {
            out->tok = a;
            out->map = have;
            out->cap = have / sizeof(qr_token);
            return 1;
        }
    }
#endif
    out->tok = malloc(cap * sizeof *out->tok);
    out->cap = cap;
    return out->tok != NULL;
}

/* Room for ncap tokens, keeping the first n. */
static int tokens_resize(qr_tokens *out, size_t ncap)
{
    qr_token *nt;
#ifdef MAP_TOKENS
    if (out->map) {
        size_t bytes = round_up(ncap * sizeof(qr_token), HUGE_BYTES);
        void *a = mremap(out->tok, out->map, bytes, MREMAP_MAYMOVE);
        if (a == MAP_FAILED) return 0;
        advise_huge(a, bytes);
        out->tok = a;
        out->map = bytes;
        out->cap = bytes / sizeof(qr_token);
        return 1;
    }
    if (ncap * sizeof(qr_token) >= MAP_MIN_BYTES) {
        size_t bytes = round_up(ncap * sizeof(qr_token), HUGE_BYTES);
        void *a = map_tokens(bytes);
        if (a) {
            memcpy(a, out->tok, out->n * sizeof(qr_token));
            free(out->tok);
            out->tok = a;
            out->map = bytes;
            out->cap = bytes / sizeof(qr_token);
            return 1;
        }
    }
#endif
    nt = realloc(out->tok, ncap * sizeof *nt);
    if (!nt) return 0;
    out->tok = nt;
    out->cap = ncap;
    return 1;
}

/* Gives back the room past the last token. */
static void tokens_trim(qr_tokens *out)
{
    size_t n = out->n ? out->n : 1;
    qr_token *nt;
    if (n >= out->cap) return;
#ifdef MAP_TOKENS
    if (out->map) {
        long page = sysconf(_SC_PAGESIZE);
        size_t keep = round_up(n * sizeof(qr_token), page > 0 ? (size_t)page : HUGE_BYTES);
        if (keep < out->map && munmap((char *)out->tok + keep, out->map - keep) == 0) out->map = keep;
        out->cap = n;
        return;
    }
#endif
    nt = realloc(out->tok, n * sizeof *nt);
    if (nt) { out->tok = nt; out->cap = n; }
}

static void tokens_free_array(qr_tokens *t)
{
#ifdef MAP_TOKENS
    if (t->map) { give_spare(t->tok, t->map); return; }
#endif
    free(t->tok);
}

/* --- emitting ------------------------------------------------------------ */

static int grow(scan *sc)
{
    qr_tokens *out = sc->out;
    /* Grow by a quarter: with a mapping moved rather than copied, the peak
     * stays near the final size instead of doubling. */
    if (!tokens_resize(out, out->cap + out->cap / 4 + 64)) { sc->err = QR_ENOMEM; return 0; }
    return 1;
}

static void boundary_step(bounds *b, const char *text, qr_tokens *tk, size_t i);
static int push_index(uint32_t **v, size_t *count, size_t *cap, size_t i);

static inline void emit(scan *sc, size_t start, size_t stop, unsigned kind, unsigned casing, unsigned flags)
{
    qr_tokens *out = sc->out;
    qr_token *t;
    if (out->n == out->cap && !grow(sc)) return;
    t = &out->tok[out->n++];
    flags |= sc->pending;
    t->start = (uint32_t)start;
    t->stop = (uint32_t)stop;
    t->kind = (uint8_t)kind;
    t->casing = (uint8_t)casing;
    t->flags = (uint16_t)flags;
    sc->pending = 0;
    if (sc->bounds_on && ((flags & sc->b.watch) || sc->b.expect))
        boundary_step(&sc->b, sc->text, out, out->n - 1);
}

static const qr_token *last_token(const scan *sc)
{
    return sc->out->n ? &sc->out->tok[sc->out->n - 1] : NULL;
}

/* --- white space ----------------------------------------------------------- */

/* The break flags a run of white space adds to `pending` (its line breaks,
 * indentation, page break); last: the token before it. */
static unsigned space_flags(scan *sc, unsigned pending, unsigned newlines, unsigned indent, unsigned blank,
                            const qr_token *last)
{
    pending |= QR_F_SPACE_BEFORE;
    if (newlines >= 2 || blank) pending |= QR_F_BLANK_BREAK | QR_F_LINE_START;
    else if (newlines == 1 && indent >= 2) pending |= QR_F_INDENT_BREAK | QR_F_LINE_START;
    else if (newlines == 1) {
        pending |= QR_F_LINE_START;
        sc->line_breaks++;
        if (last && (last->flags & QR_F_TERMINAL || last->kind == QR_CLOSE_QUOTE)) sc->sentence_lines++;
    }
    if (pending & (QR_F_BLANK_BREAK | QR_F_INDENT_BREAK)) { sc->dq_open = 0; sc->sq_open = 0; }
    return pending;
}

static size_t skip_space(scan *sc, size_t p)
{
    unsigned newlines = 0, indent = 0, blank = 0;
    while (p < sc->n) {
        uint32_t cp;
        size_t clen;
        unsigned c = class_at(sc, p, &cp, &clen);
        if (c == QR_U_SPACE) {
            if (cp == '\n' || cp == 0x2028 || cp == 0x85) { newlines++; indent = 0; }
            else if (cp == '\r') {
                if (p + 1 >= sc->n || sc->s[p + 1] != '\n') { newlines++; indent = 0; }
            } else if (cp == '\f' || cp == 0x2029) { blank = 1; indent = 0; }
            else if (cp == '\t') indent += 2;
            else indent++;
        } else if (c == QR_U_FORMAT || (c == QR_U_OTHER && (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)))) {
            /* controls and zero-width format characters separate tokens */
        } else {
            break;
        }
        p += clen;
    }
    sc->pending = space_flags(sc, sc->pending, newlines, indent, blank, last_token(sc));
    return p;
}

/* --- URLs, e-mail, domains ------------------------------------------------- */

static int has_prefix_ci(const scan *sc, size_t p, const char *pre)
{
    size_t k = 0;
    for (; pre[k]; k++) {
        if (p + k >= sc->n) return 0;
        unsigned char b = sc->s[p + k];
        if (b >= 'A' && b <= 'Z') b = (unsigned char)(b + 32);
        if (b != (unsigned char)pre[k]) return 0;
    }
    return 1;
}

/* Extend a URL from p to its end: up to white space, angle brackets or
 * quotation marks, minus trailing punctuation and unbalanced brackets. */
static size_t url_tail(const scan *sc, size_t p, size_t url_start)
{
    size_t end, k;
    int paren = 0, square = 0;
    while (p < sc->n) {
        uint32_t cp;
        size_t clen;
        unsigned c = class_at(sc, p, &cp, &clen);
        if (c == QR_U_SPACE || c == QR_U_INITIAL || c == QR_U_FINAL || cp == '"' || cp == '<'
            || cp == '>' || (c == QR_U_OTHER && (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))) || c == CL_BAD)
            break;
        p += clen;
    }
    end = p;
    for (k = url_start; k < end; k++) {
        if (sc->s[k] == '(') paren++;
        else if (sc->s[k] == ')') paren--;
        else if (sc->s[k] == '[') square++;
        else if (sc->s[k] == ']') square--;
    }
    while (end > url_start) {
        unsigned char b = sc->s[end - 1];
        if (b == ')' && paren < 0) paren++;
        else if (b == ']' && square < 0) square++;
        else if (!strchr(".,;:!?'*", b)) break;
        end--;
    }
    return end;
}

static size_t scan_scheme_url(const scan *sc, size_t p)
{
    size_t q;
    if (has_prefix_ci(sc, p, "https://")) q = p + 8;
    else if (has_prefix_ci(sc, p, "http://")) q = p + 7;
    else if (has_prefix_ci(sc, p, "ftp://")) q = p + 6;
    else if (has_prefix_ci(sc, p, "www.")) q = p + 4;
    else return p;
    if (q >= sc->n || !is_ascii_alnum(sc->s[q])) return p;
    q = url_tail(sc, q, p);
    return q;
}

/* name.tld or name.name.tld, ASCII, with an optional path. */
static size_t scan_domain(const scan *sc, size_t p0)
{
    const unsigned char *s = sc->s;
    size_t q = p0, label = p0, n = sc->n;
    int dots = 0;
    for (;;) {
        label = q;
        while (q < n && (is_ascii_alnum(s[q]) || s[q] == '-')) q++;
        if (q == label) return 0;
        if (q + 1 < n && s[q] == '.' && is_ascii_alnum(s[q + 1])) { q++; dots++; continue; }
        break;
    }
    if (!dots || !in_list(tlds, COUNT(tlds), s + label, q - label)) return 0;
    if (q < n) {
        uint32_t cp;
        size_t clen;
        unsigned c = class_at(sc, q, &cp, &clen);
        if (is_word_class(c) || cp == '@' || cp == '_') return 0;
        if (cp == '/') return url_tail(sc, q, p0);
    }
    return q;
}

static int email_local(unsigned char b)
{
    return is_ascii_alnum(b) || b == '.' || b == '_' || b == '%' || b == '+' || b == '-';
}

static size_t scan_email(const scan *sc, size_t p0)
{
    const unsigned char *s = sc->s;
    size_t q = p0, n = sc->n, label;
    int dots = 0;
    while (q < n && email_local(s[q])) q++;
    if (q == p0 || q >= n || s[q] != '@' || s[q - 1] == '.') return 0;
    q++;
    for (;;) {
        label = q;
        while (q < n && (is_ascii_alnum(s[q]) || s[q] == '-')) q++;
        if (q == label) return 0;
        if (q + 1 < n && s[q] == '.' && is_ascii_alnum(s[q + 1])) { q++; dots++; continue; }
        break;
    }
    if (!dots || q - label < 2) return 0;
    for (; label < q; label++)
        if (is_digit_byte(s[label])) return 0;   /* the last label is a TLD: letters */
    return q;
}

/* --- words and numbers ----------------------------------------------------- */

/* Word-character classes as bits, so the hot loop ORs instead of counting. */
#define M_LOW 0x01u
#define M_UP  0x02u
#define M_DIG 0x04u
#define M_LET 0x08u    /* letter without case */
#define M_BAD 0x10u    /* invalid UTF-8 */
#define M_NUM 0x20u    /* other numeric characters: ², Ⅻ */
#define M_ALPHA (M_LOW | M_UP | M_LET | M_BAD | M_NUM)

static unsigned class_mask(unsigned c)
{
    switch (c) {
    case QR_U_LOWER: return M_LOW;
    case QR_U_UPPER: case QR_U_TITLE: return M_UP;
    case QR_U_DIGIT: return M_DIG;
    case QR_U_LETTER: return M_LET;
    case CL_BAD: return M_BAD;
    case QR_U_NUMBER: return M_NUM;
    default: return 0;
    }
}

/* class_mask of every ASCII byte, the inner loop's only lookup */
static const unsigned char ascii_mask[128] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 0, 0, 0, 0, 0, 0,
    0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
};

/* Casing from the first character's mask and the OR of the others, by
 * table: a branch here would mispredict on every capitalised word. Index:
 * first's case bits | rest's case bits << 2 (M_LOW = 1, M_UP = 2). */
static const unsigned char casing_table[16] = {
    /* rest: none */  QR_CASE_NONE, QR_CASE_LOWER, QR_CASE_UPPER, QR_CASE_MIXED,
    /* rest: lower */ QR_CASE_LOWER, QR_CASE_LOWER, QR_CASE_TITLE, QR_CASE_MIXED,
    /* rest: upper */ QR_CASE_UPPER, QR_CASE_MIXED, QR_CASE_UPPER, QR_CASE_MIXED,
    /* rest: both */  QR_CASE_MIXED, QR_CASE_MIXED, QR_CASE_MIXED, QR_CASE_MIXED,
};

static inline unsigned casing_of(unsigned first, unsigned rest)
{
    return casing_table[(first & 3u) | ((rest & 3u) << 2)];
}

/* Casing of a joined word (O'Brien, Nagorno-Karabakh, U.S.): a capital that
 * opens a segment keeps it title case. */
static unsigned casing_by_segments(const scan *sc, size_t p, size_t q)
{
    unsigned nupper = 0, nlower = 0, inner = 0;
    int first_cased = -1, seg_start = 1;
    while (p < q) {
        uint32_t cp;
        size_t clen;
        unsigned c = class_at(sc, p, &cp, &clen);
        if (c == QR_U_UPPER || c == QR_U_TITLE) {
            nupper++;
            if (first_cased < 0) first_cased = 1;
            else if (!seg_start) inner++;
            seg_start = 0;
        } else if (c == QR_U_LOWER) {
            nlower++;
            if (first_cased < 0) first_cased = 0;
            seg_start = 0;
        } else if (c != QR_U_MARK && c != QR_U_FORMAT && c != QR_U_DIGIT) {
            seg_start = 1;
        }
        p += clen;
    }
    if (nupper + nlower == 0) return QR_CASE_NONE;
    if (nupper == 0) return QR_CASE_LOWER;
    if (nlower == 0) return QR_CASE_UPPER;
    if (first_cased == 1 && inner == 0) return QR_CASE_TITLE;
    return QR_CASE_MIXED;
}

static size_t count_codepoints(const unsigned char *s, size_t p, size_t q)
{
    size_t k = 0;
    for (; p < q; p++) k += !qr_utf8_cont(s[p]);
    return k;
}

/* End of an all-capitals segment starting at p (RFE/RL, AT&T), or 0. */
static size_t caps_segment(const scan *sc, size_t p)
{
    size_t q = p;
    uint32_t cp;
    size_t clen;
    unsigned c;
    while ((c = class_at(sc, q, &cp, &clen)) == QR_U_UPPER || c == QR_U_DIGIT) q += clen;
    if (q == p || is_word_class(c)) return 0;
    return q;
}

/* Initialisms: U.S., J.R.R., e.g., Ph.D. — letter groups of one or two
 * letters, each closed by a period, at least two groups, one of them a
 * single letter. p is the first period. Returns the end or 0. */
static size_t scan_initialism(const scan *sc, size_t p, size_t first_len)
{
    size_t q = p;
    unsigned groups = 1, single = first_len == 1;
    for (;;) {
        uint32_t cp;
        size_t clen, r;
        unsigned len = 0;
        r = q + 1;
        while (len < 3 && is_letter_class(class_at(sc, r, &cp, &clen)) && cp != QR_UTF8_BAD) {
            r += clen;
            len++;
        }
        if (len == 0 || len > 2 || r >= sc->n || sc->s[r] != '.') break;
        if (len == 1) single = 1;
        groups++;
        q = r;
    }
    if (groups < 2 || !single) return 0;
    return q + 1;
}

static int is_abbrev(const scan *sc, const unsigned char *w, size_t len, int *title)
{
    *title = 0;
    if (sc->o->nabbrevs && in_list(sc->o->abbrevs, sc->o->nabbrevs, w, len)) return 1;
    if (len > 6) return 0;     /* no built-in abbreviation is longer */
    if (w[0] >= 'a' && w[0] <= 'z') {
        if (in_list(lower_abbrevs, COUNT(lower_abbrevs), w, len)) return 1;
    } else {
        if (in_list(title_abbrevs, COUNT(title_abbrevs), w, len)) { *title = 1; return 1; }
        if (in_list(capital_abbrevs, COUNT(capital_abbrevs), w, len)) return 1;
    }
    return 0;
}

/* "No." and "Nos." are abbreviations only before a number ("No. 5"). */
static int is_number_abbrev(const unsigned char *w, size_t len)
{
    return (len == 2 || (len == 3 && w[2] == 's')) && (w[0] == 'N' || w[0] == 'n') && w[1] == 'o';
}

static int number_follows(const scan *sc, size_t p)
{
    while (p < sc->n && (sc->s[p] == ' ' || sc->s[p] == '\t')) p++;
    return p < sc->n && is_digit_byte(sc->s[p]);
}

/* 21st, 2nd, 1990s: digits (with separators) and an ordinal or plural tail */
static int is_ordinal_tail(const unsigned char *s, size_t a, size_t b)
{
    size_t k = a;
    while (k < b && (is_digit_byte(s[k]) || s[k] == ',' || s[k] == '.')) k++;
    if (k == a) return 0;
    if (b - k == 1) return s[k] == 's';
    if (b - k != 2) return 0;
    return !memcmp(s + k, "st", 2) || !memcmp(s + k, "nd", 2) || !memcmp(s + k, "rd", 2)
        || !memcmp(s + k, "th", 2);
}

/* What the period at p does to the word [p0, p): returns the end of the
 * token it completes (abbreviation, initialism, e-mail, domain), or 0 when
 * the period is a token of its own. */
static size_t word_period(scan *sc, size_t p0, size_t p, unsigned first, unsigned rest,
                          unsigned flags)
{
    const unsigned char *s = sc->s;
    unsigned all = first | rest;
    uint32_t cp2;
    size_t clen2, q;
    unsigned c2 = class_at(sc, p + 1, &cp2, &clen2);
    int title;

    if (!(all & ~(M_LOW | M_UP | M_LET)) && is_letter_class(c2) && p - p0 <= 8) {
        size_t ncp = count_codepoints(s, p0, p);
        if (ncp <= 2) {
            size_t end = scan_initialism(sc, p, ncp);
            if (end) {
                emit(sc, p0, end, QR_WORD, casing_by_segments(sc, p0, end), flags | QR_F_ABBREV);
                return end;
            }
        }
    }
    if ((first & M_UP) && !rest && count_codepoints(s, p0, p) == 1) {
        /* an initial before a name: J. Smith, George W. Bush */
        q = p + 1;
        while (q < sc->n && s[q] == ' ') q++;
        if (q > p + 1 && class_at(sc, q, &cp2, &clen2) == QR_U_UPPER) {
            emit(sc, p0, p + 1, QR_WORD, QR_CASE_UPPER, flags | QR_F_ABBREV | QR_F_NOBREAK);
            return p + 1;
        }
    }
    if (!(all & M_DIG) && is_abbrev(sc, s + p0, p - p0, &title)
        && (!is_number_abbrev(s + p0, p - p0) || number_follows(sc, p + 1))) {
        unsigned casing = (flags & QR_F_HYPHEN) ? casing_by_segments(sc, p0, p) : casing_of(first, rest);
        emit(sc, p0, p + 1, QR_WORD, casing, flags | QR_F_ABBREV | (title ? QR_F_NOBREAK : 0));
        return p + 1;
    }
    if (sc->o->urls && c2 != CL_END && cp2 < 0x80 && is_ascii_alnum((unsigned char)cp2)) {
        q = scan_email(sc, p0);
        if (q) { emit(sc, p0, q, QR_EMAIL, QR_CASE_NONE, 0); return q; }
        q = scan_domain(sc, p0);
        if (q) { emit(sc, p0, q, QR_URL, QR_CASE_NONE, 0); return q; }
    }
    return 0;
}

/* ASCII bytes that may join two parts of a word: ' - . / & @ , : */
static const unsigned char is_connector[128] = {
    ['\''] = 1, ['-'] = 1, ['.'] = 1, ['/'] = 1, ['&'] = 1, ['@'] = 1, [','] = 1, [':'] = 1,
};

static const unsigned char is_plain_punct[128] = {
    [','] = 1, [';'] = 1, [':'] = 1, [')'] = 1, [']'] = 1,
};

/* The hot loop: a run of ASCII letters and digits from p; ORs their masks.
 * Words average under six bytes, so the cost is the mispredicted loop exit,
 * not the bytes: with SSE2 (every x86-64) one 16-byte compare finds the
 * end of most words without a loop. */
static inline size_t ascii_run_scalar(const unsigned char *s, size_t p, size_t n, unsigned *mask)
{
    unsigned m = 0;
    while (p < n) {
        unsigned char b = s[p];
        unsigned k;
        if (b >= 0x80) break;
        k = ascii_mask[b];
        if (!k) break;
        m |= k;
        p++;
    }
    *mask |= m;
    return p;
}

#if defined(__SSE2__)
#include <emmintrin.h>

static inline unsigned in_range16(__m128i v, char lo, char hi)
{
    /* signed compares: bytes >= 0x80 are negative and fall outside */
    __m128i ge = _mm_cmpgt_epi8(v, _mm_set1_epi8((char)(lo - 1)));
    __m128i le = _mm_cmplt_epi8(v, _mm_set1_epi8((char)(hi + 1)));
    return (unsigned)_mm_movemask_epi8(_mm_and_si128(ge, le));
}

static inline size_t ascii_run(const unsigned char *s, size_t p, size_t n, unsigned *mask)
{
    while (p + 16 <= n) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + p));
        unsigned lo = in_range16(v, 'a', 'z'), up = in_range16(v, 'A', 'Z');
        unsigned dg = in_range16(v, '0', '9');
        unsigned stop = ~(lo | up | dg) & 0xFFFFu, span;
        if (stop) {
            unsigned k = (unsigned)__builtin_ctz(stop);
            span = (1u << k) - 1;
            *mask |= ((lo & span) ? M_LOW : 0) | ((up & span) ? M_UP : 0) | ((dg & span) ? M_DIG : 0);
            return p + k;
        }
        *mask |= (lo ? M_LOW : 0) | (up ? M_UP : 0) | (dg ? M_DIG : 0);
        p += 16;
    }
    return ascii_run_scalar(s, p, n, mask);
}
#else
#define ascii_run ascii_run_scalar
#endif

static size_t scan_word_slow(scan *sc, size_t p0)
{
    const unsigned char *s = sc->s;
    size_t n = sc->n, p = p0, clen;
    uint32_t cp;
    unsigned first, rest = 0, flags = 0, segmented = 0, kind, all;

    if (s[p0] < 0x80) { first = ascii_mask[s[p0]]; clen = 1; }
    else first = class_mask(class_at(sc, p0, &cp, &clen));
    p += clen;
    for (;;) {
        uint32_t cp2;
        size_t clen2, q;
        unsigned c, c2;
        int numeric;

        p = ascii_run(s, p, n, &rest);
        if (p >= n) break;
        if (s[p] < 0x80) {
            cp = s[p];
            if (!is_connector[cp]) break;    /* the usual end: space, comma, ... */
            c = ascii_class[cp];
            clen = 1;
        } else {
            unsigned m;
            c = class_at(sc, p, &cp, &clen);
            m = class_mask(c);
            if (m) { rest |= m; p += clen; continue; }
            if (c == QR_U_MARK || c == QR_U_FORMAT) { p += clen; continue; }
        }

        /* URLs are found where their scheme ends: http: https: ftp: www. */
        if (sc->o->urls && (cp == ':' || cp == '.') && p - p0 <= 5) {
            q = scan_scheme_url(sc, p0);
            if (q > p0) { emit(sc, p0, q, QR_URL, QR_CASE_NONE, 0); return q; }
        }

        /* A connector joins only when a word character follows it. */
        all = first | rest;
        numeric = (all & M_DIG) && !(all & M_ALPHA) && !(flags & QR_F_HYPHEN);
        c2 = class_at(sc, p + clen, &cp2, &clen2);

        if (is_apostrophe(cp) && is_letter_class(c2)) {
            if (cp2 == 's' || cp2 == 'S') {
                uint32_t cp3;
                size_t clen3;
                if (!is_word_class(class_at(sc, p + clen + clen2, &cp3, &clen3)))
                    break;                       /* possessive: 's is split off */
            }
            p += clen;
            segmented = 1;
            continue;
        }
        if (is_hyphen(cp) && is_word_class(c2) && c2 != QR_U_MARK) {
            if (numeric && c2 == QR_U_DIGIT && cp == '-') flags |= QR_F_RANGE;
            else { flags |= QR_F_HYPHEN; segmented = 1; }
            p += clen;
            continue;
        }
        if (cp == 0x2013 && numeric && c2 == QR_U_DIGIT) {   /* 2010–2011 */
            flags |= QR_F_RANGE;
            p += clen;
            continue;
        }
        if (cp == '.') {
            if (numeric && c2 == QR_U_DIGIT) { p += 1; continue; }
            q = word_period(sc, p0, p, first, rest, flags | ((all & M_DIG) ? QR_F_DIGIT : 0));
            if (q) return q;
            break;
        }
        if (cp == '/' || cp == '&') {
            if (cp == '/' && numeric && c2 == QR_U_DIGIT) { p += 1; continue; }
            if (!(all & ~(M_UP | M_DIG)) && (all & M_UP) && c2 == QR_U_UPPER) {
                q = caps_segment(sc, p + 1);
                if (q) { p = q; segmented = 1; }
            }
            break;
        }
        if (cp == '@' && sc->o->urls) {
            q = scan_email(sc, p0);
            if (q) { emit(sc, p0, q, QR_EMAIL, QR_CASE_NONE, 0); return q; }
            break;
        }
        if (cp == ',' && numeric && c2 == QR_U_DIGIT) {
            /* thousands separator: exactly three digits follow */
            if (p + 4 <= n && is_digit_byte(s[p + 2]) && is_digit_byte(s[p + 3])
                && (p + 4 == n || !is_digit_byte(s[p + 4]))) { p += 1; continue; }
            break;
        }
        if (cp == ':' && numeric && p - p0 <= 2 && c2 == QR_U_DIGIT) {
            /* clock time 10:30 */
            if (p + 3 <= n && is_digit_byte(s[p + 2]) && (p + 3 == n || !is_digit_byte(s[p + 3]))) {
                p += 1;
                continue;
            }
            break;
        }
        break;
    }

    all = first | rest;
    if (all & M_DIG) flags |= QR_F_DIGIT;
    if (all & M_BAD) flags |= QR_F_INVALID;
    if ((all & M_DIG) && !(all & M_ALPHA) && !(flags & QR_F_HYPHEN)) kind = QR_NUMBER;
    else if ((first & M_DIG) && is_ordinal_tail(s, p0, p)) kind = QR_NUMBER;
    else kind = QR_WORD;
    emit(sc, p0, p, kind, segmented ? casing_by_segments(sc, p0, p) : casing_of(first, rest), flags);
    return p;
}

/* Whether the connector ending the ASCII word [p0, p) is plain punctuation
 * here: a comma or colon after a word without digits (1,000 10:30 http:),
 * a single period after a lower-case word that is no abbreviation. */
static int plain_end(const scan *sc, size_t p0, size_t p, unsigned first, unsigned all)
{
    const unsigned char *s = sc->s;
    unsigned char e = s[p], next = p + 1 < sc->n ? s[p + 1] : ' ';
    if (all & M_DIG) return 0;
    if (e == ',') return 1;
    if (e == ':') return p - p0 > 5;
    if (e != '.' || next == '.' || next >= 0x80 || ascii_mask[next]) return 0;
    if (!(first & M_LOW) || sc->o->nabbrevs) return p - p0 > 6 && !sc->o->nabbrevs;
    return p - p0 > 6 || !in_list(lower_abbrevs, COUNT(lower_abbrevs), s + p0, p - p0);
}

/* Most words are ASCII letters ended by a space or plain punctuation:
 * handle those here, and everything else in scan_word_slow. Runs of such
 * words separated by single spaces stay in this loop. This is the scalar
 * version, for the last bytes of a text (and machines without SSE2). */
static size_t scan_word_scalar(scan *sc, size_t p0, int once)
{
    const unsigned char *s = sc->s;
    size_t n = sc->n, p;
    for (;;) {
        unsigned first, rest = 0, all;
        if (s[p0] >= 0x80) return scan_word_slow(sc, p0);
        first = ascii_mask[s[p0]];
        p = ascii_run(s, p0 + 1, n, &rest);
        all = first | rest;
        if (p < n && (s[p] >= 0x80 || (is_connector[s[p]] && !plain_end(sc, p0, p, first, all))))
            return scan_word_slow(sc, p0);
        if (!(all & (M_LOW | M_UP)))
            emit(sc, p0, p, QR_NUMBER, QR_CASE_NONE, QR_F_DIGIT);
        else if (first & M_DIG)
            emit(sc, p0, p, is_ordinal_tail(s, p0, p) ? QR_NUMBER : QR_WORD, casing_of(first, rest), QR_F_DIGIT);
        else
            emit(sc, p0, p, QR_WORD, casing_of(first, rest), (all & M_DIG) ? QR_F_DIGIT : 0);
        if (p < n && s[p] == '.') { emit(sc, p, p + 1, QR_PUNCT, QR_CASE_NONE, QR_F_TERMINAL); p++; }
        /* punctuation that is always a token of its own: , ; : ) ] */
        while (p < n && s[p] < 0x80 && is_plain_punct[s[p]]) { emit(sc, p, p + 1, QR_PUNCT, QR_CASE_NONE, 0); p++; }
        if (once || p + 1 >= n || s[p] != ' ' || s[p + 1] >= 0x80 || !ascii_mask[s[p + 1]]) return p;
        sc->pending |= QR_F_SPACE_BEFORE;
        p0 = p + 1;
    }
}

#if defined(__SSE2__) && !defined(QR_TOKEN_SCALAR)   /* tests build the scalar one too */
/* ASCII letters and digits, as a table of all bytes */
static const unsigned char is_alnum256[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1,
    ['9'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
    ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1,
    ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1,
    ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
    ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};
/* ASCII letters, as a table of all bytes */
static const unsigned char is_alpha256[256] = {
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
    ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1,
    ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1,
    ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
    ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

/* A word of ASCII letters joined by hyphens or apostrophes (well-known,
 * O'Brien, don't), ended by a space or punctuation other than a
 * connector: what scan_word_slow makes of it (its casing_by_segments
 * counted on the way), without its passes over the bytes. Returns its end
 * and sets *code (kind, casing << 8, flags << 16), or returns 0 where
 * scan_word_slow must do it. Touches no state of the scan, so that
 * scan_word's loop takes such words without leaving. */
static inline size_t joined_span(const unsigned char *s, size_t n, size_t p0, uint32_t *code)
{
    size_t p = p0;
    unsigned flags = 0, upper = 0, lower = 0, inner = 0, seg_start = 1, first_upper = 0, joins = 0, casing;
    for (;;) {
        unsigned char b;
        if (p >= n || !is_alpha256[s[p]]) return 0;     /* a segment of letters */
        while (p < n && is_alpha256[b = s[p]]) {
            if (b <= 'Z') {
                if (upper + lower == 0) first_upper = 1;
                else if (!seg_start) inner = 1;
                upper = 1;
            } else {
                lower = 1;
            }
            seg_start = 0;
            p++;
        }
        if (p + 2 >= n) return 0;
        b = s[p];
        if (is_alnum256[b]) return 0;                   /* digits too */
        if ((b == '-' || b == '\'') && is_alpha256[s[p + 1]]) {
            /* a possessive 's ends the word there */
            if (b == '\'' && (s[p + 1] | 0x20) == 's' && !is_alnum256[s[p + 2]]) return 0;
            if (b == '-') flags |= QR_F_HYPHEN;
            seg_start = 1;
            joins++;
            p++;
            continue;
        }
        if (b >= 0x80 || is_connector[b] || p == p0) return 0;
        break;
    }
    if (!joins) return 0;
    casing = !upper ? QR_CASE_LOWER : !lower ? QR_CASE_UPPER : first_upper && !inner ? QR_CASE_TITLE : QR_CASE_MIXED;
    *code = (uint32_t)QR_WORD | (uint32_t)casing << 8 | (uint32_t)flags << 16;
    return p;
}

/* Writes a token: two stores where the layout allows (the fields in
 * order, little-endian), else one a field. */
typedef char qr_token_layout_check[(offsetof(qr_token, stop) == 4 && offsetof(qr_token, kind) == 8
    && offsetof(qr_token, casing) == 9 && offsetof(qr_token, flags) == 10 && sizeof(qr_token) == 12) ? 1 : -1];

/* rest: kind, casing << 8, flags << 16 */
static inline void put_code(qr_token *t, size_t start, size_t stop, uint32_t rest)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t span = (uint64_t)(uint32_t)start | (uint64_t)(uint32_t)stop << 32;
    memcpy(t, &span, sizeof span);
    memcpy((unsigned char *)t + offsetof(qr_token, kind), &rest, sizeof rest);
#else
    t->start = (uint32_t)start;
    t->stop = (uint32_t)stop;
    t->kind = (uint8_t)rest;
    t->casing = (uint8_t)(rest >> 8);
    t->flags = (uint16_t)(rest >> 16);
#endif
}

static inline void put_token(qr_token *t, size_t start, size_t stop, unsigned kind, unsigned casing,
                             unsigned flags)
{
    put_code(t, start, stop, (kind & 0xFFu) | (casing & 0xFFu) << 8 | (flags & 0xFFFFu) << 16);
}

/* The classes of 16 bytes, as byte masks. One add and one signed compare
 * per range: bytes of the range land on the 26 (or 10) lowest signed
 * values, every other byte, those >= 0x80 included, above them. */
typedef struct vclasses { __m128i lo, up, dg, sp, pu; } vclasses;

static inline vclasses block_vclasses(const unsigned char *s)
{
    vclasses c;
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
    __m128i let = _mm_cmplt_epi8(_mm_add_epi8(_mm_or_si128(v, _mm_set1_epi8(0x20)),
                                              _mm_set1_epi8((char)(0x80 - 'a'))),
                                 _mm_set1_epi8((char)(-128 + 26)));
    c.up = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - 'A'))), _mm_set1_epi8((char)(-128 + 26)));
    c.dg = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - '0'))), _mm_set1_epi8((char)(-128 + 10)));
    c.lo = _mm_andnot_si128(c.up, let);
    c.sp = _mm_cmpeq_epi8(v, _mm_set1_epi8(' '));
    c.pu = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(',')), _mm_cmpeq_epi8(v, _mm_set1_epi8(';'))),
                        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(')')), _mm_cmpeq_epi8(v, _mm_set1_epi8(']'))));
    return c;
}

/* window.code of the 16 bytes of c: the next block's small letters and
 * the last one's spaces give the bytes at the edges */
static inline void block_code(unsigned char *out, const vclasses *c, __m128i next_lo, __m128i last_sp)
{
    __m128i lo_next = _mm_or_si128(_mm_srli_si128(c->lo, 1), _mm_slli_si128(next_lo, 15));
    __m128i sp_last = _mm_or_si128(_mm_slli_si128(c->sp, 1), _mm_srli_si128(last_sp, 15));
    __m128i code = _mm_or_si128(_mm_and_si128(_mm_or_si128(c->up, c->pu), _mm_set1_epi8(1)),
                                _mm_and_si128(_mm_or_si128(c->dg, c->pu), _mm_set1_epi8(2)));
    code = _mm_or_si128(code, _mm_or_si128(_mm_and_si128(lo_next, _mm_set1_epi8(4)),
                                           _mm_and_si128(sp_last, _mm_set1_epi8(8))));
    _mm_storeu_si128((__m128i *)(void *)out, code);
}

static inline uint64_t mask64(__m128i a, __m128i b, __m128i c, __m128i d)
{
    return (uint64_t)(unsigned)_mm_movemask_epi8(a) | (uint64_t)(unsigned)_mm_movemask_epi8(b) << 16
         | (uint64_t)(unsigned)_mm_movemask_epi8(c) << 32 | (uint64_t)(unsigned)_mm_movemask_epi8(d) << 48;
}

/* What the fast loop of scan_word makes of the classes of the 64 bytes at
 * s (bit masks: small letters, capitals, digits, spaces, , ; ) ], periods,
 * and bytes after which a period is more than a sentence's end: . ! ?
 * letters, digits, non-ASCII); lens: scan.abbrev_lens. */
static inline void window_masks(const unsigned char *s, window *w, const unsigned char *lens,
                                uint64_t lo, uint64_t up, uint64_t dg, uint64_t sp, uint64_t pu,
                                uint64_t pe, uint64_t nb)
{
    uint64_t a = lo | up | dg, st, en, il, iu, id, d1, u1, m;
    w->nal = ~a;
    w->up = up;
    w->lo = lo;
    w->dg = dg;
    st = a & ~(a << 1);
    en = ~a & (a << 1);
    w->start = st;
    w->inside = a & ~st;
    /* Adding a run's lowest bit to the run carries out past its top into
     * the byte after it, unless the run has a hole: a run with some class
     * after its first byte has that byte's bit clear in ((the run minus
     * the class) + its start). A run reaching past the window loses its
     * carry, and has no byte after it here. */
    il = en & ~((a & ~(lo & ~st)) + st);
    iu = en & ~((a & ~(up & ~st)) + st);
    id = en & ~((a & ~(dg & ~st)) + st);
    d1 = (a + (st & dg)) & en;          /* runs that start with a digit */
    u1 = (a + (st & up)) & en;          /* ... with a capital */
    /* periods that end a sentence: after a run without digits that no
     * abbreviation or initial could be (of its first letter and length,
     * as the general code of scan_word tells), before a space or
     * punctuation other than . ! ? */
    pe &= en & ~(d1 | id) & ~(nb >> 1) & ~((uint64_t)1 << 63);
    for (m = pe; m; m &= m - 1) {
        unsigned q = (unsigned)__builtin_ctzll(m), len;
        uint64_t before = st & (((uint64_t)1 << q) - 1);
        if (!before) continue;          /* a word from before the window: never a region's */
        len = q - (63u - (unsigned)__builtin_clzll(before));
        pe &= ~((uint64_t)((len <= 6) & (lens[s[q - len]] >> (len & 7))) << q);
    }
    w->pe = pe;
    w->tstart = st | pu | pe;
    w->tend = en | (pu | pe) << 1;
    w->adj = a | en;
    /* A region stops at any byte but letters, digits, spaces and , ; ) ];
     * before a run of mixed case (iPhone, McCain: the region knows a run's
     * case from its first two bytes), with a digit after a letter (A4), a
     * number with letters (21st) or a number before punctuation (1,000);
     * and at the last byte, whose next is not in the window. Sentence
     * periods are tokens of a region. */
    w->stop = ~(a | sp | pu | pe) | (iu & ~u1) | (il & iu) | (id & ~d1) | (d1 & (il | pu))
            | (uint64_t)1 << 63;
}

/* The classes of the 64 bytes at s, and what the fast loop of scan_word
 * makes of them (window_masks); lens: scan.abbrev_lens. With SSE2 alone
 * periods are left to the general code: their classes cost more than
 * they saved. */
static inline void window_classes(const unsigned char *s, window *w, const unsigned char *lens)
{
    const __m128i zero = _mm_setzero_si128();
    vclasses c0 = block_vclasses(s), c1 = block_vclasses(s + 16);
    vclasses c2 = block_vclasses(s + 32), c3 = block_vclasses(s + 48);

    block_code(w->code, &c0, c1.lo, zero);
    block_code(w->code + 16, &c1, c2.lo, c0.sp);
    block_code(w->code + 32, &c2, c3.lo, c1.sp);
    block_code(w->code + 48, &c3, zero, c2.sp);
    window_masks(s, w, lens, mask64(c0.lo, c1.lo, c2.lo, c3.lo), mask64(c0.up, c1.up, c2.up, c3.up),
                 mask64(c0.dg, c1.dg, c2.dg, c3.dg), mask64(c0.sp, c1.sp, c2.sp, c3.sp),
                 mask64(c0.pu, c1.pu, c2.pu, c3.pu), 0, 0);
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(QR_TOKEN_SCALAR) && !defined(QR_TOKEN_NO_AVX2)
#define HAVE_AVX2 1
#include <immintrin.h>

/* One half of a window with AVX2: the bit masks of window_masks, and
 * window.code (a token's neighbours from loads a byte off). */
typedef struct half_masks { uint32_t lo, up, dg, sp, pu, dot, nb; } half_masks;

__attribute__((target("avx2")))
static inline half_masks half_avx2(const unsigned char *b, unsigned char *code_out)
{
    half_masks m;
    const __m256i lim26 = _mm256_set1_epi8((char)(-128 + 26));
    __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)b);
    __m256i next = _mm256_loadu_si256((const __m256i *)(const void *)(b + 1));
    __m256i last = _mm256_loadu_si256((const __m256i *)(const void *)(b - 1));
    __m256i let = _mm256_cmpgt_epi8(lim26, _mm256_add_epi8(_mm256_or_si256(v, _mm256_set1_epi8(0x20)),
                                                           _mm256_set1_epi8((char)(0x80 - 'a'))));
    __m256i up = _mm256_cmpgt_epi8(lim26, _mm256_add_epi8(v, _mm256_set1_epi8((char)(0x80 - 'A'))));
    __m256i dg = _mm256_cmpgt_epi8(_mm256_set1_epi8((char)(-128 + 10)),
                                   _mm256_add_epi8(v, _mm256_set1_epi8((char)(0x80 - '0'))));
    __m256i lo = _mm256_andnot_si256(up, let);
    __m256i lo_next = _mm256_cmpgt_epi8(lim26, _mm256_add_epi8(next, _mm256_set1_epi8((char)(0x80 - 'a'))));
    __m256i sp = _mm256_cmpeq_epi8(v, _mm256_set1_epi8(' '));
    __m256i sp_last = _mm256_cmpeq_epi8(last, _mm256_set1_epi8(' '));
    __m256i pu = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(',')),
                                                 _mm256_cmpeq_epi8(v, _mm256_set1_epi8(';'))),
                                 _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(')')),
                                                 _mm256_cmpeq_epi8(v, _mm256_set1_epi8(']'))));
    __m256i dot = _mm256_cmpeq_epi8(v, _mm256_set1_epi8('.'));
    /* bytes that make a period before them more than a sentence's end:
     * . ! ? letters, digits and anything not ASCII (the top bit alone) */
    __m256i nb = _mm256_or_si256(_mm256_or_si256(_mm256_or_si256(dot, let), _mm256_or_si256(dg, v)),
                                 _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('!')),
                                                 _mm256_cmpeq_epi8(v, _mm256_set1_epi8('?'))));
    __m256i code = _mm256_or_si256(_mm256_and_si256(_mm256_or_si256(up, pu), _mm256_set1_epi8(1)),
                                   _mm256_and_si256(_mm256_or_si256(dg, pu), _mm256_set1_epi8(2)));
    code = _mm256_or_si256(code, _mm256_or_si256(_mm256_and_si256(lo_next, _mm256_set1_epi8(4)),
                                                 _mm256_and_si256(sp_last, _mm256_set1_epi8(8))));
    code = _mm256_or_si256(code, _mm256_and_si256(dot, _mm256_set1_epi8(16)));
    _mm256_storeu_si256((__m256i *)(void *)code_out, code);
    m.lo = (uint32_t)_mm256_movemask_epi8(lo);
    m.up = (uint32_t)_mm256_movemask_epi8(up);
    m.dg = (uint32_t)_mm256_movemask_epi8(dg);
    m.sp = (uint32_t)_mm256_movemask_epi8(sp);
    m.pu = (uint32_t)_mm256_movemask_epi8(pu);
    m.dot = (uint32_t)_mm256_movemask_epi8(dot);
    m.nb = (uint32_t)_mm256_movemask_epi8(nb);
    return m;
}

/* window_classes with AVX2, in two halves of 32 bytes; s[-1] must be
 * readable. */
__attribute__((target("avx2")))
static void window_classes_avx2(const unsigned char *s, window *w, const unsigned char *lens)
{
    half_masks a = half_avx2(s, w->code), b = half_avx2(s + 32, w->code + 32);
#define JOIN(f) ((uint64_t)a.f | (uint64_t)b.f << 32)
    /* the SSE2 code after this must not find the upper halves in use */
    _mm256_zeroupper();
    window_masks(s, w, lens, JOIN(lo), JOIN(up), JOIN(dg), JOIN(sp), JOIN(pu), JOIN(dot), JOIN(nb));
#undef JOIN
}

static int cpu_avx2(void)
{
    return __builtin_cpu_supports("avx2");
}

#if !defined(QR_TOKEN_NO_AVX512)
#define HAVE_AVX512 1
/* window_classes with AVX-512BW: the 64 bytes in one register, each class
 * a compare straight into a bit mask (no movemask), a byte's neighbours
 * from the masks shifted by one: about half the instructions of the AVX2
 * code (117 to 211), which made the tokeniser some 2% faster. */
__attribute__((target("avx512bw")))
static void window_classes_avx512(const unsigned char *s, window *w, const unsigned char *lens)
{
    const __m512i v = _mm512_loadu_si512((const void *)s);
#define IN_RANGE(first, count) \
    ((uint64_t)_mm512_cmplt_epu8_mask(_mm512_sub_epi8(v, _mm512_set1_epi8((char)(first))), \
                                      _mm512_set1_epi8((char)(count))))
#define IS(byte) ((uint64_t)_mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8((char)(byte))))
    uint64_t up = IN_RANGE('A', 26), lo = IN_RANGE('a', 26), dg = IN_RANGE('0', 10);
    uint64_t sp = IS(' '), dot = IS('.'), pu = IS(',') | IS(';') | IS(')') | IS(']');
    /* . ! ? letters, digits and anything not ASCII (the top bit alone) */
    uint64_t nb = dot | lo | up | dg | (uint64_t)_mm512_movepi8_mask(v) | IS('!') | IS('?');
    /* (not known at the window's edges, where no region's token starts) */
    uint64_t lo_next = lo >> 1, sp_last = sp << 1;
#undef IS
#undef IN_RANGE
    /* window.code: the bits are apart, so adding is or-ing */
    __m512i code = _mm512_maskz_mov_epi8(up | pu, _mm512_set1_epi8(1));
    code = _mm512_mask_add_epi8(code, dg | pu, code, _mm512_set1_epi8(2));
    code = _mm512_mask_add_epi8(code, lo_next, code, _mm512_set1_epi8(4));
    code = _mm512_mask_add_epi8(code, sp_last, code, _mm512_set1_epi8(8));
    code = _mm512_mask_add_epi8(code, dot, code, _mm512_set1_epi8(16));
    _mm512_storeu_si512((void *)w->code, code);
    _mm256_zeroupper();
    window_masks(s, w, lens, lo, up, dg, sp, pu, dot, nb);
}

static int cpu_avx512(void)
{
    return __builtin_cpu_supports("avx512bw");
}
#endif
#endif

/* A region's token by its window.code: kind, casing << 8, flags << 16. A
 * run of capitals is title case when its second byte is a small letter
 * (the region leaves runs of mixed case). */
#define RC_SPACE(i) ((uint32_t)((i) & 8 ? QR_F_SPACE_BEFORE : 0) << 16)
#define RC(i) ((i) & 16 ? (uint32_t)QR_PUNCT | (uint32_t)QR_F_TERMINAL << 16 | RC_SPACE(i) \
             : ((i) & 3) == 3 ? (uint32_t)QR_PUNCT | RC_SPACE(i) \
             : ((i) & 3) == 2 ? (uint32_t)QR_NUMBER | (uint32_t)QR_F_DIGIT << 16 | RC_SPACE(i) \
             : ((i) & 3) == 1 ? (uint32_t)QR_WORD | RC_SPACE(i) \
                                | (uint32_t)((i) & 4 ? QR_CASE_TITLE : QR_CASE_UPPER) << 8 \
             : (uint32_t)QR_WORD | (uint32_t)QR_CASE_LOWER << 8 | RC_SPACE(i))
#define RC4(i) RC(i), RC((i) + 1), RC((i) + 2), RC((i) + 3)
static const uint32_t region_code[32] = {
    RC4(0), RC4(4), RC4(8), RC4(12), RC4(16), RC4(20), RC4(24), RC4(28),
};
#undef RC4
#undef RC
#undef RC_SPACE

/* What emit would have done token by token for the run of tokens from
 * `from` that scan_word made: boundary_step for the first token, the
 * others that need it (marks: periods, tokens after line breaks) and the
 * tokens after each while the boundary waits. A word or number after a
 * sentence's period, the most common case, is decided here as
 * boundary_step would. */
static void run_bounds(scan *sc, size_t from, const size_t *marks, unsigned nmarks)
{
    bounds *b = &sc->b;
    qr_tokens *out = sc->out;
    qr_token *tok = out->tok;
    size_t i = from, nt = out->n;
    unsigned k;
    if ((tok[from].flags & b->watch) || b->expect)
        for (boundary_step(b, sc->text, out, i++); i < nt && b->expect; i++) boundary_step(b, sc->text, out, i);
    for (k = 0; k < nmarks; k++) {
        size_t m = marks[k];
        qr_token *t = &tok[m + 1];
        if (m < i) continue;            /* done on the way */
        if (m >= nt) break;             /* a word left to other code */
        /* no boundary waits at m: the tokens before it since i have no
         * flag that needs one */
        if (tok[m].flags == QR_F_TERMINAL && m + 1 < nt && !(t->flags & (b->para_breaks | QR_F_CLITIC))
            && (t->kind == QR_WORD || t->kind == QR_NUMBER)) {
            int brk = t->kind == QR_WORD ? (unsigned char)(sc->s[t->start] - 'A') < 26
                                         : (t->flags & QR_F_SPACE_BEFORE) != 0;
            b->from = m;
            if (brk) {
                t->flags |= QR_F_SENT_START;
                if (!push_index(&out->sent, &out->nsent, &b->scap, m + 1)) b->err = QR_ENOMEM;
            }
            i = m + 2;
            continue;
        }
        for (i = m, boundary_step(b, sc->text, out, i++); i < nt && b->expect; i++) boundary_step(b, sc->text, out, i);
    }
}

/* The window at s (window_classes), with the SIMD code the CPU has.
 * Not inlined: scan_word's loop keeps its registers (it ran a tenth
 * slower with the window's code inside it). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void window_at(const scan *sc, const unsigned char *s, window *w)
{
#ifdef HAVE_AVX512
    if (sc->simd == 2) { window_classes_avx512(s, w, sc->abbrev_lens); return; }
#endif
#ifdef HAVE_AVX2
    if (sc->simd) { window_classes_avx2(s, w, sc->abbrev_lens); return; }
#endif
    window_classes(s, w, sc->abbrev_lens);
}

/* scan_word_scalar with the classes of the text's bytes computed 64 at a
 * time (a window, kept between calls): a token then costs a few bit
 * operations instead of a pass over its bytes, and mostly no branch.
 *
 * A region is the stretch of a window from p0 up to the first byte other
 * than ASCII letters and digits, spaces, , ; ) ] and sentence periods
 * (window.stop; or up to the run of letters and digits just before such a
 * byte, or one the window cuts off, or one the region does not know:
 * window.adj): its tokens are those runs and punctuation marks, each with
 * its kind, case and flags from window.code at its start, and the loop
 * over them pairs the k-th start with the k-th end without a branch on
 * what they are. A region running to the window's end goes on in the next
 * window, made while the tokens are. What the region stops at is done
 * after it: a run of letters and digits by scan_word_scalar's code on the
 * window's masks, a straight double quotation mark or white space as
 * scan_straight_double and skip_space do them; then the next region.
 *
 * The loop keeps the token array and its length in registers: the
 * compiler could not across calls, nor across stores through sc->out (a
 * token's uint8_t fields may alias anything). So boundary_step waits for
 * the end of the run (run_bounds), and tokens that need it (marks) are
 * noted; the run ends after MARKS_MAX of them. Anything else leaves the
 * loop: a word it does not finish (but words joined by hyphens and
 * apostrophes, joined_span) goes to scan_word_scalar (once) or
 * scan_word_slow, any other byte to the main loop, which comes back here
 * at the next word; the tokens and flags are the same. */
static size_t scan_word(scan *sc, size_t p0)
{
    const unsigned char *const s = sc->s;
    const size_t n = sc->n;
    /* the loop reads from a byte before a window (at the byte before a
     * token) to 65 bytes past its start, and three past a word's end:
     * below `safe` it needs no other check against n */
    const size_t safe = n > FAST_MIN ? n - FAST_MIN : 0;
    qr_tokens *out;
    size_t from, nt, room, p, cur;
    unsigned pending;
    qr_token *tok;
    window *w = &sc->win[sc->wi];
    enum { DONE, SLOW, SCALAR } how = DONE;
    /* the tokens of the run but the first that need boundary_step
     * (periods, tokens after line breaks) */
    size_t marks[MARKS_MAX + 64];
    unsigned nmarks = 0;
    /* with abbreviations of the caller's, the general code decides every
     * period */
    const uint64_t pe_stop = sc->o->nabbrevs ? ~(uint64_t)0 : 0;

    if (s[p0] >= 0x80) return scan_word_slow(sc, p0);
    if (p0 >= safe) return scan_word_scalar(sc, p0, 0);    /* short texts, a text's end */
    if (p0 <= 1) return scan_word_scalar(sc, p0, 1);        /* no byte before the window */
    out = sc->out;
    from = nt = out->n;
    if (out->cap - nt < REGION_ROOM && !grow(sc)) return n;
    tok = out->tok;
    room = out->cap - REGION_ROOM;
    cur = sc->wtag;
    pending = sc->pending;

    for (;;) {
        size_t wb = cur - 1;
        unsigned sh, k, first, casing, b, kind, flags;
        uint64_t t, lo, up, dg, rm, wm;
        if (p0 >= safe) {
            if (is_alnum256[s[p0]]) how = SCALAR;
            break;
        }
        if (nt > room || nmarks >= MARKS_MAX) break;   /* the main loop comes back */
        if (!cur || p0 - wb >= 64) {
            /* a window from the byte before p0 (whether a run starts at
             * p0): windows overlap, so that a run the last one cut off is
             * whole in this one */
            wb = p0 - 1;
            window_at(sc, s + wb, w);
            cur = wb + 1;
        }
        sh = (unsigned)(p0 - wb);

        if (!((w->inside >> sh) & 1u)) {
            /* the region from p0: up to `stop`, or the start of a run
             * that ends there (but not one before p0); a period at p0,
             * with no word before it here, is the main loop's */
            unsigned stop = sh + (unsigned)__builtin_ctzll((w->stop | (w->pe & (pe_stop | (uint64_t)1 << sh))) >> sh);
            unsigned lim = stop;
            int ahead;
            uint64_t ts, te, runs = w->start & (((uint64_t)2 << stop) - 1) & ~(((uint64_t)1 << sh) - 1);
            if (((w->adj >> stop) & 1u) && runs) lim = 63u - (unsigned)__builtin_clzll(runs);
            ts = w->tstart & ~(((uint64_t)1 << sh) - 1) & (((uint64_t)1 << lim) - 1);
            te = w->tend & ~(((uint64_t)2 << sh) - 1) & (((uint64_t)2 << lim) - 1);
            /* A region to the window's end goes on in the next window,
             * from the byte before where this one stops: computed now, so
             * that its work overlaps the tokens'. */
            ahead = stop == 63 && lim > 1 && wb + lim < safe;
            if (ahead) window_at(sc, s + wb + lim - 1, &sc->win[sc->wi ^ 1u]);
            if (ts) {
                size_t nt0 = nt;
                const unsigned char *const code = w->code;
                if (pending & ~QR_F_SPACE_BEFORE) marks[nmarks++] = nt;
                do {
                    unsigned a0 = (unsigned)__builtin_ctzll(ts), e0 = (unsigned)__builtin_ctzll(te), c = code[a0];
                    marks[nmarks] = nt;
                    nmarks += c >> 4;   /* a period */
                    put_code(tok + nt++, wb + a0, wb + e0, region_code[c]);
                    ts &= ts - 1;
                    te &= te - 1;
                } while (ts);
                /* the first token takes the flags waiting for it */
                tok[nt0].flags = (uint16_t)(tok[nt0].flags | pending);
                pending = 0;
            }
            sh = lim;
            p0 = wb + lim;
            if (s[p0 - 1] == ' ') pending |= QR_F_SPACE_BEFORE;
            if (ahead) {
                sc->wi ^= 1u;
                w = &sc->win[sc->wi];
                cur = p0;               /* the window's offset plus one */
                continue;
            }
            if (!((w->start >> sh) & 1u)) {
                /* the byte the region stops at */
                b = s[p0];
                if (b < 0x20 || b == 0x7F) {
                    /* white space but the plain space, and controls: what
                     * skip_space makes of them, when they end before
                     * ASCII */
                    size_t q = p0;
                    unsigned newlines = 0, indent = 0, blank = 0, c = 0;
                    for (; q < safe; q++) {
                        c = s[q];
                        if (c == '\n') { newlines++; indent = 0; }
                        else if (c == '\r') { if (s[q + 1] != '\n') { newlines++; indent = 0; } }
                        else if (c == '\f') { blank = 1; indent = 0; }
                        else if (c == '\t') indent += 2;
                        else if (c == ' ' || c == '\v') indent++;
                        else if (c >= 0x20 && c != 0x7F) break;
                    }
                    if (q >= safe || c >= 0x80) break;
                    pending = space_flags(sc, pending, newlines, indent, blank, nt ? tok + nt - 1 : NULL);
                    p0 = q;
                    continue;
                }
                if (b == '"' && s[p0 + 1] < 0x80) {
                    /* a straight double quotation mark, as
                     * scan_straight_double makes it */
                    const qr_token *last = nt ? tok + nt - 1 : NULL;
                    unsigned next = ascii_class[s[p0 + 1]], c = s[p0 + 1];
                    int after_opening = !last || (pending & QR_F_SPACE_BEFORE) || last->stop != p0
                        || last->kind == QR_OPEN_QUOTE || last->kind == QR_DASH
                        || (last->kind == QR_PUNCT && (s[last->start] == '(' || s[last->start] == '['));
                    int before_closing = next == QR_U_SPACE || next == QR_U_CLOSE
                        || (next == QR_U_PUNCT && c != '#' && c != '@' && c != '\'') || next == QR_U_DASH;
                    if (after_opening && !before_closing) kind = QR_OPEN_QUOTE;
                    else if (before_closing && !after_opening) kind = QR_CLOSE_QUOTE;
                    else kind = sc->dq_open ? QR_CLOSE_QUOTE : QR_OPEN_QUOTE;
                    sc->dq_open = kind == QR_OPEN_QUOTE;
                    if (pending & ~QR_F_SPACE_BEFORE) marks[nmarks++] = nt;
                    put_token(tok + nt++, p0, p0 + 1, kind, QR_CASE_NONE, pending);
                    pending = 0;
                    p0++;
                    continue;
                }
                break;
            }
        }

        /* a run of letters and digits the region left */
        t = w->nal >> sh;
        if (!t) {
            if (sh <= 1) { how = SCALAR; break; }      /* a word of 63 bytes or more */
            cur = 0;                    /* it runs into the next window */
            continue;
        }
        k = (unsigned)__builtin_ctzll(t);
        lo = w->lo;
        up = w->up;
        dg = w->dg;
        p = p0 + k;
        /* the first byte's class bits (M_LOW, M_UP, M_DIG) from the masks:
         * loaded from ascii_mask, the compiler kept it on the stack a byte
         * wide and read it back wider, a stall at every word */
        first = (unsigned)((lo >> sh) & 1u) | (unsigned)((up >> sh) & 1u) << 1 | (unsigned)((dg >> sh) & 1u) << 2;
        rm = (((uint64_t)1 << k) - 2) << sh;    /* the word's bytes after the first */
        wm = rm | (uint64_t)1 << sh;
        casing = casing_table[(first & 3u) | ((unsigned)((lo & rm) != 0) << 2)
                              | ((unsigned)((up & rm) != 0) << 3)];
        kind = QR_WORD;
        flags = pending;
        /* the word needs boundary_step if emitted here (run_bounds skips
         * a mark past the run's last token) */
        marks[nmarks] = nt;
        nmarks += (pending & ~QR_F_SPACE_BEFORE) != 0;
        if (dg & wm) {
            flags |= QR_F_DIGIT;
            if (!((lo | up) & wm)) { kind = QR_NUMBER; casing = QR_CASE_NONE; }
            else if (first & M_DIG) { how = SCALAR; break; }     /* 21st, 1990s */
        }
        b = s[p];
        if (b == ' ') {
            put_token(tok + nt++, p0, p, kind, casing, flags);
            pending = 0;
            p0 = p;
            continue;
        }
        if (b >= 0x80) { how = SLOW; break; }
        if ((b == ',' && !(flags & QR_F_DIGIT)) || b == ';' || b == ')' || b == ']') {
            /* punctuation that is always a token of its own */
            put_token(tok + nt++, p0, p, kind, casing, flags);
            put_token(tok + nt++, p, p + 1, QR_PUNCT, QR_CASE_NONE, 0);
            pending = 0;
            p0 = p + 1;
            continue;
        }
        if (!is_connector[b]) {         /* a line break, a quotation mark, ... */
            put_token(tok + nt++, p0, p, kind, casing, flags);
            pending = 0;
            p0 = p;
            continue;
        }
        if (b == '\'' && (s[p + 1] | 0x20) == 's' && s[p + 2] < 0x80 && !ascii_mask[s[p + 2]]) {
            /* a possessive: 's is a token of its own (as scan_single makes it) */
            put_token(tok + nt++, p0, p, kind, casing, flags);
            put_token(tok + nt++, p, p + 2, QR_WORD, s[p + 1] == 's' ? QR_CASE_LOWER : QR_CASE_UPPER,
                      QR_F_CLITIC);
            pending = 0;
            p0 = p + 2;
            continue;
        }
        if ((b == '-' || b == '\'') && !(flags & QR_F_DIGIT)) {
            /* a joined word (well-known, don't), taken here as
             * scan_word_slow would make it: leaving the loop for it cost
             * more than the word */
            uint32_t code;
            size_t q = joined_span(s, n, p0, &code);
            if (!q) { how = SLOW; break; }
            put_code(tok + nt++, p0, q, code | (uint32_t)flags << 16);
            pending = 0;
            p0 = q;
            continue;
        }
        if (b == '.' && !(flags & QR_F_DIGIT) && !sc->o->nabbrevs
            && s[p + 1] < 0x80 && s[p + 1] != '.' && !ascii_mask[s[p + 1]]
            && (k > 6 || ((first & M_LOW) && !((sc->abbrev_lens[s[p0]] >> k) & 1u))
                || ((first & M_UP) && s[p + 1] != '!' && s[p + 1] != '?'
                    && !((sc->abbrev_lens[s[p0]] >> k) & 1u)))) {
            /* a sentence's period: after a word too long for an
             * abbreviation, or a word no abbreviation of its first letter
             * and length could be (plain_end; after a capital, word_period
             * finds no initial, abbreviation or address, and the main loop
             * makes the period, alone before anything but ! or ?) */
            put_token(tok + nt++, p0, p, kind, casing, flags);
            put_token(tok + nt++, p, p + 1, QR_PUNCT, QR_CASE_NONE, QR_F_TERMINAL);
            pending = 0;
            p0 = p + 1;
            marks[nmarks++] = nt - 1;
            continue;
        }
        how = SCALAR;                   /* an apostrophe, a hyphen, a short word's period, ... */
        break;
    }
    out->n = nt;
    sc->pending = pending;
    sc->wtag = cur;
    if (sc->bounds_on && nt > from) run_bounds(sc, from, marks, nmarks);
    if (how == SLOW) return scan_word_slow(sc, p0);
    if (how == SCALAR) return scan_word_scalar(sc, p0, 1);
    return p0;
}
#else
#define scan_word(sc, p0) scan_word_scalar(sc, p0, 0)
#endif

/* --- punctuation, quotes, symbols ------------------------------------------ */

/* Is the token just before p glued to it and word-like (so an apostrophe
 * at p can be a possessive: Lavrov's, @rferl's, example.org's)? */
static int prev_is_word(const scan *sc, size_t p)
{
    const qr_token *t = last_token(sc);
    return t && t->stop == p && !(sc->pending & QR_F_SPACE_BEFORE)
        && (t->kind == QR_WORD || t->kind == QR_NUMBER || t->kind == QR_HANDLE
            || t->kind == QR_HASHTAG || t->kind == QR_URL || t->kind == QR_EMAIL);
}

static size_t scan_straight_double(scan *sc, size_t p)
{
    uint32_t cp;
    size_t clen;
    unsigned next = class_at(sc, p + 1, &cp, &clen), kind;
    const qr_token *t = last_token(sc);
    int after_opening = !t || (sc->pending & QR_F_SPACE_BEFORE) || t->stop != p
        || t->kind == QR_OPEN_QUOTE || t->kind == QR_DASH
        || (t->kind == QR_PUNCT && (sc->s[t->start] == '(' || sc->s[t->start] == '['));
    int before_closing = next == CL_END || next == QR_U_SPACE || next == QR_U_CLOSE
        || (next == QR_U_PUNCT && cp != '#' && cp != '@' && cp != '\'') || next == QR_U_DASH;
    if (after_opening && !before_closing) kind = QR_OPEN_QUOTE;
    else if (before_closing && !after_opening) kind = QR_CLOSE_QUOTE;
    else kind = sc->dq_open ? QR_CLOSE_QUOTE : QR_OPEN_QUOTE;
    sc->dq_open = kind == QR_OPEN_QUOTE;
    emit(sc, p, p + 1, kind, QR_CASE_NONE, 0);
    return p + 1;
}

/* ' ’ ‘ ` and ʼ outside a word: a possessive, or a single quotation mark. */
static size_t scan_single(scan *sc, size_t p, uint32_t cp, size_t clen)
{
    uint32_t cp2, cp3;
    size_t clen2, clen3;
    unsigned c2 = class_at(sc, p + clen, &cp2, &clen2), c3;
    int glued = prev_is_word(sc, p);

    if (is_apostrophe(cp) && glued && (cp2 == 's' || cp2 == 'S')) {
        c3 = class_at(sc, p + clen + 1, &cp3, &clen3);
        if (!is_word_class(c3)) {
            emit(sc, p, p + clen + 1, QR_WORD, cp2 == 's' ? QR_CASE_LOWER : QR_CASE_UPPER, QR_F_CLITIC);
            return p + clen + 1;
        }
    }
    if (cp == '`' || cp == '\'') {
        if (cp2 == cp) {   /* `` and '' stand for double quotation marks */
            unsigned kind = cp == '`' ? QR_OPEN_QUOTE : QR_CLOSE_QUOTE;
            emit(sc, p, p + 2, kind, QR_CASE_NONE, 0);
            return p + 2;
        }
    }
    if (cp == 0x2018 || cp == '`') {
        sc->sq_open++;
        emit(sc, p, p + clen, QR_OPEN_QUOTE, QR_CASE_NONE, QR_F_SINGLE);
        return p + clen;
    }
    if (glued && !is_word_class(c2)) {
        const qr_token *t = last_token(sc);
        unsigned char lastb = sc->s[t->stop - 1];
        if (sc->sq_open > 0) {
            sc->sq_open--;
            emit(sc, p, p + clen, QR_CLOSE_QUOTE, QR_CASE_NONE, QR_F_SINGLE);
        } else if (lastb == 's' || lastb == 'z' || lastb == 'S') {
            emit(sc, p, p + clen, QR_PUNCT, QR_CASE_NONE, QR_F_CLITIC);   /* leaders' */
        } else {
            emit(sc, p, p + clen, QR_CLOSE_QUOTE, QR_CASE_NONE, QR_F_SINGLE);
        }
        return p + clen;
    }
    if ((sc->pending & QR_F_SPACE_BEFORE) || !last_token(sc) || is_word_class(c2)) {
        const qr_token *t = last_token(sc);
        if (!(sc->pending & QR_F_SPACE_BEFORE) && t && t->stop == p && sc->sq_open > 0
            && !is_word_class(c2)) {
            sc->sq_open--;
            emit(sc, p, p + clen, QR_CLOSE_QUOTE, QR_CASE_NONE, QR_F_SINGLE);
            return p + clen;
        }
        sc->sq_open++;
        emit(sc, p, p + clen, QR_OPEN_QUOTE, QR_CASE_NONE, QR_F_SINGLE);
        return p + clen;
    }
    if (sc->sq_open > 0) sc->sq_open--;
    emit(sc, p, p + clen, QR_CLOSE_QUOTE, QR_CASE_NONE, QR_F_SINGLE);
    return p + clen;
}

/* Extend p over marks, format characters and emoji joiner sequences. */
static size_t extend_symbol(const scan *sc, size_t p)
{
    for (;;) {
        uint32_t cp;
        size_t clen;
        unsigned c = class_at(sc, p, &cp, &clen);
        if (c == QR_U_MARK || (c == QR_U_FORMAT && cp != 0x200D)) { p += clen; continue; }
        if (cp == 0x200D) {          /* zero-width joiner binds the next symbol */
            uint32_t cp2;
            size_t clen2;
            unsigned c2 = class_at(sc, p + clen, &cp2, &clen2);
            if (c2 == QR_U_SYMBOL) { p += clen + clen2; continue; }
            p += clen;
            continue;
        }
        return p;
    }
}

static size_t scan_other(scan *sc, size_t p, uint32_t cp, size_t clen, unsigned c)
{
    uint32_t cp2;
    size_t clen2, q;
    unsigned c2;

    if (is_apostrophe(cp) || cp == 0x2018 || cp == '`') return scan_single(sc, p, cp, clen);
    if (cp == '"') return scan_straight_double(sc, p);
    if (is_terminal_cp(cp)) {
        q = p + clen;
        while ((c2 = class_at(sc, q, &cp2, &clen2)) != CL_END && is_terminal_cp(cp2)) q += clen2;
        emit(sc, p, q, QR_PUNCT, QR_CASE_NONE, QR_F_TERMINAL);
        return q;
    }
    if (c == QR_U_DASH || cp == '-') {
        q = p + clen;
        while ((c2 = class_at(sc, q, &cp2, &clen2)) == QR_U_DASH) q += clen2;
        emit(sc, p, q, QR_DASH, QR_CASE_NONE, 0);
        return q;
    }
    if (sc->o->urls && (cp == '@' || cp == '#')) {
        const qr_token *t = last_token(sc);
        int free_standing = !t || t->stop != p || (sc->pending & QR_F_SPACE_BEFORE)
            || !(t->kind == QR_WORD || t->kind == QR_NUMBER);
        c2 = class_at(sc, p + 1, &cp2, &clen2);
        if (free_standing && cp == '@' && cp2 < 0x80 && (is_ascii_alnum((unsigned char)cp2) || cp2 == '_')) {
            q = p + 1;
            while (q < sc->n && (is_ascii_alnum(sc->s[q]) || sc->s[q] == '_')) q++;
            emit(sc, p, q, QR_HANDLE, QR_CASE_NONE, 0);
            return q;
        }
        if (free_standing && cp == '#' && is_letter_class(c2) && c2 != CL_BAD) {
            q = p + 1;
            while ((c2 = class_at(sc, q, &cp2, &clen2)) != CL_END
                   && ((is_word_class(c2) && c2 != CL_BAD) || cp2 == '_'))
                q += clen2;
            emit(sc, p, q, QR_HASHTAG, QR_CASE_NONE, 0);
            return q;
        }
    }
    switch (c) {
    case QR_U_INITIAL:
        emit(sc, p, p + clen, QR_OPEN_QUOTE, QR_CASE_NONE, (cp == 0x2039) ? QR_F_SINGLE : 0);
        return p + clen;
    case QR_U_FINAL:
        emit(sc, p, p + clen, QR_CLOSE_QUOTE, QR_CASE_NONE, (cp == 0x203A) ? QR_F_SINGLE : 0);
        return p + clen;
    case QR_U_OPEN:
        if (cp == 0x201E || cp == 0x201A) {     /* „ and ‚ open low quotations */
            emit(sc, p, p + clen, QR_OPEN_QUOTE, QR_CASE_NONE, cp == 0x201A ? QR_F_SINGLE : 0);
            return p + clen;
        }
        emit(sc, p, p + clen, QR_PUNCT, QR_CASE_NONE, 0);
        return p + clen;
    case QR_U_SYMBOL: case QR_U_CURRENCY: case QR_U_MARK: case QR_U_OTHER:
        q = extend_symbol(sc, p + clen);
        emit(sc, p, q, QR_SYMBOL, QR_CASE_NONE, 0);
        return q;
    default:
        emit(sc, p, p + clen, QR_PUNCT, QR_CASE_NONE, 0);
        return p + clen;
    }
}

/* --- sentences and paragraphs ------------------------------------------------ */

static int starts_upper(const char *text, const qr_token *t)
{
    size_t clen;
    unsigned char b = (unsigned char)text[t->start];
    uint32_t cp;
    unsigned c;
    if (b < 0x80) return ascii_class[b] == QR_U_UPPER;
    cp = qr_utf8_decode((const unsigned char *)text + t->start, t->stop - t->start, &clen);
    c = cp == QR_UTF8_BAD ? CL_BAD : qr_uni_class(cp);
    return c == QR_U_UPPER || c == QR_U_TITLE || c == QR_U_LETTER;
}

static int opens_sentence(const char *text, const qr_token *t)
{
    switch (t->kind) {
    case QR_WORD:
        return !(t->flags & QR_F_CLITIC) && starts_upper(text, t);
    case QR_NUMBER: case QR_OPEN_QUOTE: case QR_SYMBOL: case QR_HANDLE: case QR_HASHTAG:
        return 1;
    case QR_PUNCT:
        return text[t->start] == '(' || text[t->start] == '[';
    default:
        return 0;
    }
}

static int is_opener_word(const char *text, const qr_token *t)
{
    return t->kind == QR_WORD
        && in_list(openers, COUNT(openers), (const unsigned char *)text + t->start, t->stop - t->start);
}

static int is_closer(const char *text, const qr_token *t)
{
    return t->kind == QR_CLOSE_QUOTE
        || (t->kind == QR_PUNCT && (text[t->start] == ')' || text[t->start] == ']'));
}

static int push_index(uint32_t **v, size_t *count, size_t *cap, size_t i)
{
    if (*count == *cap) {
        size_t ncap = *cap + *cap / 2 + 64;
        uint32_t *nv = realloc(*v, ncap * sizeof *nv);
        if (!nv) return 0;
        *v = nv;
        *cap = ncap;
    }
    (*v)[(*count)++] = (uint32_t)i;
    return 1;
}

static void bounds_init(bounds *b, unsigned para_breaks)
{
    memset(b, 0, sizeof *b);
    b->para_breaks = para_breaks;
    b->watch = para_breaks | QR_F_TERMINAL | QR_F_ABBREV;
    b->expect = EXPECT_START;
}

/* Decides whether token i opens a sentence or paragraph; every earlier
 * token is already decided. */
static void boundary_step(bounds *b, const char *text, qr_tokens *tk, size_t i)
{
    qr_token *t = &tk->tok[i];
    int brk = 0;
    if (b->expect == EXPECT_START || (t->flags & b->para_breaks)) {
        t->flags |= QR_F_PARA_START | QR_F_SENT_START;
    } else if (b->expect == EXPECT_AFTER_TERMINAL) {
        if (is_closer(text, t)) return;     /* ”) after the period stay in the sentence */
        brk = opens_sentence(text, t);
        /* "word.(" or "3.$" with no space: not a break; "word.Word" is */
        if (brk && t->kind != QR_WORD && t->kind != QR_OPEN_QUOTE
            && !(t->flags & QR_F_SPACE_BEFORE) && i == b->from + 1)
            brk = 0;
    } else if (b->expect == EXPECT_AFTER_ABBREV) {
        brk = is_opener_word(text, t) || t->kind == QR_OPEN_QUOTE;
    }
    b->expect = EXPECT_NONE;
    if (brk) t->flags |= QR_F_SENT_START;
    if ((t->flags & QR_F_SENT_START) && !push_index(&tk->sent, &tk->nsent, &b->scap, i)) b->err = QR_ENOMEM;
    if ((t->flags & QR_F_PARA_START) && !push_index(&tk->para, &tk->npara, &b->pcap, i)) b->err = QR_ENOMEM;
    if (t->flags & QR_F_TERMINAL) { b->expect = EXPECT_AFTER_TERMINAL; b->from = i; }
    else if ((t->flags & (QR_F_ABBREV | QR_F_NOBREAK)) == QR_F_ABBREV) { b->expect = EXPECT_AFTER_ABBREV; b->from = i; }
}

/* Redoes the boundaries with other paragraph breaks, over the array. A
 * token that no boundary waits for and whose flags need none (most: the
 * words inside a sentence) is left as boundary_step would leave it, with
 * no call. On failure the caller frees the tokens. */
static int resplit(const char *text, qr_tokens *tk, unsigned para_breaks)
{
    bounds b;
    size_t i;
    bounds_init(&b, para_breaks);
    b.scap = tk->nsent;
    b.pcap = tk->npara;
    tk->nsent = tk->npara = 0;
    for (i = 0; i < tk->n && !b.err; i++) {
        qr_token *t = &tk->tok[i];
        t->flags &= (uint16_t)~(QR_F_SENT_START | QR_F_PARA_START);
        if (b.expect != EXPECT_NONE || (t->flags & b.watch)) boundary_step(&b, text, tk, i);
    }
    return b.err;
}

/* --- driver ------------------------------------------------------------- */

void qr_tokopts_default(qr_tokopts *o)
{
    memset(o, 0, sizeof *o);
    o->sentences = 1;
    o->urls = 1;
    o->paragraphs = QR_PARA_AUTO;
}

void qr_tokens_free(qr_tokens *t)
{
    tokens_free_array(t);
    free(t->sent);
    free(t->para);
    memset(t, 0, sizeof *t);
}

static int simd_cap = 2;

int qr_token_simd(int cap)
{
    if (cap >= 0) simd_cap = cap;
#ifdef HAVE_AVX512
    if (simd_cap >= 2 && cpu_avx512()) return 2;
#endif
#ifdef HAVE_AVX2
    if (simd_cap >= 1 && cpu_avx2()) return 1;
#endif
    return 0;
}

int qr_tokenize(const char *text, size_t len, const qr_tokopts *o, qr_tokens *out)
{
    scan sc;
    size_t p = 0;
    qr_tokopts defaults;

    memset(out, 0, sizeof *out);
    if (len > QR_MAX_TEXT) return QR_ETOOBIG;
    if (!o) { qr_tokopts_default(&defaults); o = &defaults; }
    memset(&sc, 0, sizeof sc);
    sc.s = (const unsigned char *)text;
    sc.n = len;
    sc.o = o;
    sc.out = out;
    sc.pending = QR_F_SPACE_BEFORE | QR_F_LINE_START;
    sc.text = text;
    sc.bounds_on = o->sentences;
    if (len > FAST_MIN) {       /* only scan_word's fast loop reads them */
        size_t k;
        sc.simd = qr_token_simd(-1);
        for (k = 'A'; k <= 'Z'; k++) sc.abbrev_lens[k] = 1u << 1;
        for (k = 0; k < COUNT(lower_abbrevs); k++)
            sc.abbrev_lens[(unsigned char)lower_abbrevs[k].s[0]] |= (unsigned char)(1u << lower_abbrevs[k].len);
        for (k = 0; k < COUNT(title_abbrevs); k++)
            sc.abbrev_lens[(unsigned char)title_abbrevs[k].s[0]] |= (unsigned char)(1u << title_abbrevs[k].len);
        for (k = 0; k < COUNT(capital_abbrevs); k++)
            sc.abbrev_lens[(unsigned char)capital_abbrevs[k].s[0]] |= (unsigned char)(1u << capital_abbrevs[k].len);
    }
    bounds_init(&sc.b, o->paragraphs == QR_PARA_BLANK ? QR_F_BLANK_BREAK
                     : o->paragraphs == QR_PARA_LINE ? QR_F_LINE_START
                     : QR_F_BLANK_BREAK | QR_F_INDENT_BREAK);

    /* News prose runs about five bytes a token: start there, so most texts
     * never grow the array. Untouched pages of a large block cost nothing. */
    if (!tokens_alloc(out, len / 4 + 16)) return QR_ENOMEM;

    while (p < len && !sc.err) {
        uint32_t cp;
        size_t clen;
        unsigned char b = sc.s[p];
        unsigned c;
        if (b == ' ') { sc.pending |= QR_F_SPACE_BEFORE; p++; continue; }
        if (b < 0x80) {
            if (ascii_mask[b]) {
                p = scan_word(&sc, p);
                continue;
            }
            c = ascii_class[b];
            cp = b;
            clen = 1;
        } else {
            c = class_at(&sc, p, &cp, &clen);
        }
        switch (c) {
        case QR_U_SPACE: case QR_U_FORMAT:
            p = skip_space(&sc, p);
            break;
        case QR_U_LOWER: case QR_U_UPPER: case QR_U_TITLE: case QR_U_LETTER:
        case QR_U_DIGIT: case QR_U_NUMBER: case CL_BAD:
            p = scan_word(&sc, p);
            break;
        case QR_U_OTHER:
            if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) { p = skip_space(&sc, p); break; }
            p = scan_other(&sc, p, cp, clen, c);
            break;
        default:
            p = scan_other(&sc, p, cp, clen, c);
            break;
        }
    }
    if (!sc.err) sc.err = sc.b.err;
    if (sc.err) { qr_tokens_free(out); return sc.err; }

    tokens_trim(out);     /* give back the estimate's slack */
    /* Hard-wrapped text breaks lines mid-sentence; where most single line
     * breaks follow the end of a sentence instead, lines are paragraphs. */
    if (o->sentences && o->paragraphs == QR_PARA_AUTO && sc.sentence_lines * 2 > sc.line_breaks
        && resplit(text, out, QR_F_LINE_START) != QR_OK) {
        qr_tokens_free(out);
        return QR_ENOMEM;
    }
    return QR_OK;
}

int qr_tokens_cover(const qr_tokens *t, size_t start, size_t stop, size_t *first, size_t *last)
{
    size_t lo = 0, hi = t->n;
    if (stop <= start || t->n == 0) return 0;
    while (lo < hi) {               /* first token ending after start */
        size_t mid = lo + (hi - lo) / 2;
        if (t->tok[mid].stop <= start) lo = mid + 1; else hi = mid;
    }
    if (lo >= t->n || t->tok[lo].start >= stop) return 0;
    *first = lo;
    /* the first token starting at or after stop: a span holds few tokens,
     * so the range is found by steps that double from lo, then halved */
    {
        size_t step = 1;
        while (lo + step < t->n && t->tok[lo + step].start < stop) {
            lo += step;
            step *= 2;
        }
        hi = lo + step < t->n ? lo + step : t->n;
        lo++;
    }
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->tok[mid].start < stop) lo = mid + 1; else hi = mid;
    }
    *last = lo - 1;
    return 1;
}

size_t qr_tokens_group_of(const uint32_t *starts, size_t count, size_t i)
{
    size_t lo = 0, hi = count;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (starts[mid] <= i) lo = mid; else hi = mid;
    }
    return lo;
}

/* --- names, keys and shapes ------------------------------------------------- */

static const char *const kind_names[QR_KIND_COUNT] = {
    "word", "number", "punct", "open_quote", "close_quote", "dash",
    "symbol", "url", "email", "handle", "hashtag",
};
static const char *const case_names[QR_CASE_COUNT] = { "none", "lower", "upper", "title", "mixed" };

size_t qr_tokens_where(const qr_tokens *t, unsigned kinds, unsigned cases, uint32_t *out)
{
    size_t i, n = 0;
    if (!kinds) kinds = ~0u;
    if (!cases) cases = ~0u;
    for (i = 0; i < t->n; i++) {
        const qr_token *k = &t->tok[i];
        if ((kinds >> k->kind & 1u) && (cases >> k->casing & 1u)) out[n++] = (uint32_t)i;
    }
    return n;
}

static int ascii_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

size_t qr_count_words(const char *s, size_t len, size_t most)
{
    size_t i = 0, n = 0;
    while (n < most) {
        while (i < len && ascii_space((unsigned char)s[i])) i++;
        if (i == len) break;
        n++;
        while (i < len && !ascii_space((unsigned char)s[i])) i++;
    }
    return n;
}

const char *qr_kind_name(unsigned kind) { return kind < QR_KIND_COUNT ? kind_names[kind] : "?"; }
const char *qr_case_name(unsigned casing) { return casing < QR_CASE_COUNT ? case_names[casing] : "?"; }

static uint32_t unify_quote(uint32_t cp)
{
    switch (cp) {
    case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x2032: case 0x2035:
    case 0x0060: case 0x00B4: case 0x02BC: case 0x2039: case 0x203A: case 0xFF07:
        return '\'';
    case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x2033: case 0x2036:
    case 0x00AB: case 0x00BB: case 0x301D: case 0x301E: case 0xFF02:
        return '"';
    default:
        return cp;
    }
}

size_t qr_normalize(const char *text, size_t len, unsigned mode, char *out)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t p = 0, o = 0;
    while (p < len) {
        unsigned char b = s[p];
        uint32_t cp, f[3];
        size_t clen, nf, k;
        if (b < 0x80) {
            out[o++] = (char)((b >= 'A' && b <= 'Z') ? b + 32 : (b == '`' ? '\'' : b));
            p++;
            continue;
        }
        cp = qr_utf8_decode(s + p, len - p, &clen);
        p += clen;
        if (cp == QR_UTF8_BAD) { o += qr_utf8_encode(QR_REPLACEMENT, out + o); continue; }
        if (qr_uni_class(cp) == QR_U_FORMAT) continue;   /* soft hyphens, joiners */
        nf = qr_uni_fold(unify_quote(cp), f);
        for (k = 0; k < nf; k++) {
            /* quotes again after folding (ŉ folds to ʼn), and fold again
             * after stripping (ẜ strips to ſ): normalising a key twice
             * must not change it */
            uint32_t c = unify_quote(f[k]), g[3];
            size_t ng, j;
            if (mode & QR_KEY_BARE) {
                uint32_t base;
                if (!qr_uni_strip(c, &base)) continue;
                if (base != c) {
                    ng = qr_uni_fold(base, g);
                    for (j = 0; j < ng; j++) o += qr_utf8_encode(unify_quote(g[j]), out + o);
                    continue;
                }
            }
            o += qr_utf8_encode(c, out + o);
        }
    }
    return o;
}

size_t qr_token_key(const char *text, const qr_token *t, unsigned mode, char *out)
{
    if (t->kind == QR_OPEN_QUOTE || t->kind == QR_CLOSE_QUOTE) {
        out[0] = (t->flags & QR_F_SINGLE) ? '\'' : '"';
        return 1;
    }
    return qr_normalize(text + t->start, t->stop - t->start, mode, out);
}

size_t qr_token_shape(const char *text, const qr_token *t, int collapse, char *out)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t p = t->start, o = 0;
    uint32_t last = 0;
    unsigned run = 0;
    while (p < t->stop) {
        size_t clen;
        uint32_t cp = qr_utf8_decode(s + p, t->stop - p, &clen), code;
        unsigned c = cp == QR_UTF8_BAD ? CL_BAD : qr_uni_class(cp);
        switch (c) {
        case QR_U_UPPER: case QR_U_TITLE: code = 'X'; break;
        case QR_U_LOWER: case QR_U_LETTER: code = 'x'; break;
        case QR_U_DIGIT: code = 'd'; break;
        case CL_BAD: code = '?'; break;
        case QR_U_MARK: case QR_U_FORMAT: p += clen; continue;
        default: code = cp; break;
        }
        p += clen;
        if (code == last) run++; else run = 0;
        last = code;
        if (collapse ? run > 0 : run >= 4) continue;
        o += qr_utf8_encode(code, out + o);
    }
    return o;
}
