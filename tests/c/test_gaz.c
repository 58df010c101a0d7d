/*
 * C-level tests of the gazetteer trie, built with ASan and UBSan by
 * `make test`: the matcher against a brute-force one over random phrase
 * lists and texts in every fold mode (through several hash-table
 * growths), match order and truncation, entries and aliases, and the TSV
 * reader (comments, CRLF, a BOM, a missing last newline, a line longer
 * than its buffer, a file large enough to be sized before it is read,
 * malformed lines, a missing file). Prints TAP.
 */
#include "qr_gaz.h"
#include "qr_keys.h"
#include "qr_token.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"



static uint32_t add(qr_gaz *g, const char *phrase, const char *canonical, const char *type,
                    const char *attrs)
{
    uint32_t id = 0;
    int rc = qr_gaz_add(g, phrase, strlen(phrase), canonical, canonical ? strlen(canonical) : 0,
                        type, type ? strlen(type) : 0, attrs, attrs ? strlen(attrs) : 0, &id);
    return rc == QR_OK ? id : 0;
}

typedef struct text {
    const char *s;
    qr_tokens t;
    qr_keys k;
} text;

static void text_init(text *x, qr_gaz *g, const char *s)
{
    x->s = s;
    qr_tokenize(s, strlen(s), NULL, &x->t);
    qr_keys_build(&x->k, s, &x->t, qr_gaz_key_mode(g));
}

static void text_free(text *x)
{
    qr_tokens_free(&x->t);
    qr_keys_free(&x->k);
}

/* Token index of the first token whose text is w. */
static size_t tok_of(const text *x, const char *w)
{
    size_t i, n = strlen(w);
    for (i = 0; i < x->t.n; i++)
        if (x->t.tok[i].stop - x->t.tok[i].start == n && !memcmp(x->s + x->t.tok[i].start, w, n)) return i;
    return (size_t)-1;
}

static int canonical_is(const qr_gaz *g, uint32_t id, const char *want)
{
    const char *c;
    size_t cl;
    return qr_gaz_entry(g, id, &c, &cl, NULL, NULL, NULL, NULL) && cl == strlen(want) && !memcmp(c, want, cl);
}

static void test_basics(void)
{
    qr_gaz *g = qr_gaz_new(QR_GAZ_CASE);
    qr_gaz_match m[8];
    text x;
    size_t n, i;
    uint32_t lavrov, ny, nyt, us, georgia1, georgia2;
    const char *c, *t, *a;
    size_t cl, tl, al;

    lavrov = add(g, "Sergei Lavrov", NULL, "person", NULL);
    ok(lavrov == 1, "first entry id is 1");
    ok(add(g, "Sergey Lavrov", "Sergei Lavrov", "person", NULL) == lavrov, "an alias reuses the entry");
    ok(add(g, "  Lavrov ", " Sergei Lavrov ", " person", NULL) == lavrov, "canonical and type are trimmed");
    ok(add(g, "Lavrov", "Sergei Lavrov", "person", NULL) == lavrov, "adding a phrase twice changes nothing");
    ny = add(g, "New York", NULL, "place", NULL);
    nyt = add(g, "New York Times", NULL, "org", "{\"country\": \"US\"}");
    us = add(g, "U.S.", "United States", "place", NULL);
    georgia1 = add(g, "Georgia", "Georgia", "country", NULL);
    georgia2 = add(g, "Georgia", "Georgia (US state)", "place", NULL);
    ok(ny && nyt && us && georgia1 && georgia2 && georgia1 != georgia2, "distinct entries");
    ok(qr_gaz_entries(g) == 6, "6 entries");
    ok(qr_gaz_phrases(g) == 8, "8 phrases");
    ok(qr_gaz_longest(g) == 3, "longest phrase 3 tokens");
    ok(qr_gaz_mode(g) == QR_GAZ_CASE && qr_gaz_key_mode(g) == 0, "mode");

    ok(qr_gaz_entry(g, nyt, &c, &cl, &t, &tl, &a, &al) == 1 && cl == 14 && !memcmp(c, "New York Times", 14)
       && tl == 3 && !memcmp(t, "org", 3) && al == 17 && !memcmp(a, "{\"country\": \"US\"}", 17),
       "entry fields");
    ok(qr_gaz_entry(g, ny, NULL, NULL, &t, &tl, &a, &al) == 1 && al == 0 && tl == 5, "entry without attrs");
    ok(qr_gaz_entry(g, 0, &c, &cl, NULL, NULL, NULL, NULL) == 0, "entry 0 does not exist");
    ok(qr_gaz_entry(g, 7, &c, &cl, NULL, NULL, NULL, NULL) == 0, "entry past the end does not exist");

    text_init(&x, g, "SERGEY LAVROV told the new york times in Georgia that the U.S. would wait.");
    i = tok_of(&x, "SERGEY");
    n = qr_gaz_match_at(g, &x.t, x.s, &x.k, i, x.t.n, m, 8);
    ok(n == 1 && m[0].end == i + 2 && m[0].entry == lavrov, "case-insensitive two-token alias");
    n = qr_gaz_match_at(g, &x.t, x.s, &x.k, i + 1, x.t.n, m, 8);
    ok(n == 1 && m[0].end == i + 2 && m[0].entry == lavrov, "one-token alias");
    i = tok_of(&x, "new");
    n = qr_gaz_match_at(g, &x.t, x.s, &x.k, i, x.t.n, m, 8);
    ok(n == 2 && m[0].end == i + 3 && m[0].entry == nyt && m[1].end == i + 2 && m[1].entry == ny,
       "overlapping phrases, longest first");
    n = qr_gaz_match_at(g, &x.t, x.s, &x.k, i, x.t.n, m, 1);
    ok(n == 2 && m[0].entry == nyt, "cap 1 keeps the longest and counts all");
    n = qr_gaz_match_at(g, &x.t, x.s, &x.k, i, x.t.n, NULL, 0);
    ok(n == 2, "cap 0 counts");
    n = qr_gaz_match_at(g, &x.t, x.s, &x.k, i, i + 2, m, 8);
    ok(n == 1 && m[0].entry == ny, "limit cuts the longer phrase");
    n = qr_gaz_match_at(g, &x.t, x.s, &x.k, i, x.t.n + 100, m, 8);
    ok(n == 2, "limit past the end is clamped");
    n = qr_gaz_match_at(g, &x.t, x.s, NULL, i, x.t.n, m, 8);
    ok(n == 2 && m[0].entry == nyt, "no keys given: computed on the fly");
    i = tok_of(&x, "Georgia");
    n = qr_gaz_match_at(g, &x.t, x.s, &x.k, i, x.t.n, m, 8);
    ok(n == 2 && m[0].entry == georgia1 && m[1].entry == georgia2, "an ambiguous phrase: entries in order added");
    i = tok_of(&x, "U.S.");
    n = qr_gaz_match_at(g, &x.t, x.s, &x.k, i, x.t.n, m, 8);
    ok(n == 1 && m[0].entry == us && canonical_is(g, us, "United States"), "a phrase with periods");
    n = qr_gaz_match_at(g, &x.t, x.s, &x.k, tok_of(&x, "told"), x.t.n, m, 8);
    ok(n == 0, "no match");
    ok(qr_gaz_match_at(g, &x.t, x.s, &x.k, x.t.n, x.t.n, m, 8) == 0, "start at the end");
    text_free(&x);

    ok(qr_gaz_add(g, "  ", 2, NULL, 0, NULL, 0, NULL, 0, NULL) == QR_GAZ_EEMPTY, "empty phrase");
    ok(qr_gaz_add(g, "x", 1, NULL, 0, NULL, 0, "[1]", 3, NULL) == QR_GAZ_EATTRS, "attrs not an object");
    {
        char big[4 * (QR_GAZ_MAX_TOKENS + 1) + 1];
        for (i = 0; i < QR_GAZ_MAX_TOKENS + 1; i++) memcpy(big + 2 * i, "a ", 2);
        big[2 * i] = '\0';
        ok(qr_gaz_add(g, big, strlen(big), NULL, 0, NULL, 0, NULL, 0, NULL) == QR_GAZ_ELONG, "phrase too long");
        big[2 * QR_GAZ_MAX_TOKENS] = '\0';
        ok(qr_gaz_add(g, big, strlen(big), NULL, 0, NULL, 0, NULL, 0, NULL) == QR_OK, "longest allowed phrase");
    }
    ok(qr_gaz_entries(g) == 7, "failed adds added nothing");
    ok(add(g, "Sergei V. Lavrov", "Sergei Lavrov", "person", "{\"born\": 1950}") == lavrov
       && qr_gaz_entry(g, lavrov, NULL, NULL, NULL, NULL, &a, &al) && al == 14, "attrs fill in an alias's entry");
    ok(add(g, "S. Lavrov", "Sergei Lavrov", "person", "{\"x\": 1}") == lavrov
       && qr_gaz_entry(g, lavrov, NULL, NULL, NULL, NULL, &a, &al) && al == 14, "the first attrs stay");
    ok(strcmp(qr_gaz_strerror(QR_GAZ_ELONG), "the phrase is longer than 128 tokens") == 0, "strerror");
    ok(qr_gaz_memsize(g) > 0, "memsize");
    qr_gaz_free(g);
    qr_gaz_free(NULL);
}

static void test_modes(void)
{
    static const char *text_s = "Łódź and LODZ and Lodz; Ереван, ЕРЕВАН; “Quoted” Name";
    qr_gaz *ge = qr_gaz_new(QR_GAZ_EXACT), *gc = qr_gaz_new(QR_GAZ_CASE), *gb = qr_gaz_new(QR_GAZ_BARE);
    qr_gaz *all[3];
    size_t counts[3][3], k;
    text x;
    all[0] = ge; all[1] = gc; all[2] = gb;
    for (k = 0; k < 3; k++) {
        add(all[k], "Łódź", NULL, "place", NULL);
        add(all[k], "Ереван", "Yerevan", "place", NULL);
        add(all[k], "\"Quoted\" Name", NULL, NULL, NULL);
    }
    ok(qr_gaz_key_mode(gb) == QR_KEY_BARE, "bare key mode");
    for (k = 0; k < 3; k++) {
        size_t i, n = 0, nq = 0, ny = 0;
        qr_gaz_match m[4];
        text_init(&x, all[k], text_s);
        for (i = 0; i < x.t.n; i++) {
            size_t c = qr_gaz_match_at(all[k], &x.t, x.s, k == 0 ? NULL : &x.k, i, x.t.n, m, 4);
            if (c && m[0].entry == 1) n++;
            if (c && m[0].entry == 2) ny++;
            if (c && m[0].entry == 3) nq++;
        }
        counts[k][0] = n;
        counts[k][1] = ny;
        counts[k][2] = nq;
        text_free(&x);
    }
    ok(counts[0][0] == 1 && counts[1][0] == 1 && counts[2][0] == 3, "Łódź: exact 1, case 1, bare 3");
    ok(counts[0][1] == 1 && counts[1][1] == 2 && counts[2][1] == 2, "Ереван: exact 1, case 2, bare 2");
    ok(counts[0][2] == 0 && counts[1][2] == 1 && counts[2][2] == 1, "curly quotes match straight ones unless exact");
    for (k = 0; k < 3; k++) qr_gaz_free(all[k]);
}

/* --- random phrase lists against a brute-force matcher ------------------- */

static const char *const vocab[] = {
    "New", "new", "NEW", "York", "york", "Times", "the", "The", "of", "Bank", "bank", "Łódź", "Lodz",
    "LÓDŹ", "Genève", "Geneve", "Straße", "STRASSE", "Лавров", "ЛАВРОВ", "Ереван", "Αθήνα", "ΑΘΗΝΑ",
    "U.S.", "u.s.", "Bosnia-Herzegovina", "O'Brien", "O’Brien", "AT&T", "Inc.", "-", ",", "Mr.", "2010",
    "Երևան", "ԵՐԵՒԱՆ", "“", "\"",
};
#define NVOCAB (sizeof vocab / sizeof vocab[0])
#define MAXW 5

typedef struct phrase { size_t w[MAXW], n; uint32_t entry; } phrase;

/* cls[w]: the first vocabulary word with the same key as word w in mode. */
static void word_classes(unsigned gmode, size_t *cls)
{
    char a[64], b[64];
    size_t w, v, la, lb;
    for (w = 0; w < NVOCAB; w++) {
        la = qr_normalize(vocab[w], strlen(vocab[w]), gmode == QR_GAZ_BARE ? QR_KEY_BARE : 0, a);
        for (v = 0; v <= w; v++) {
            lb = qr_normalize(vocab[v], strlen(vocab[v]), gmode == QR_GAZ_BARE ? QR_KEY_BARE : 0, b);
            if (gmode == QR_GAZ_EXACT ? v == w : la == lb && !memcmp(a, b, la)) break;
        }
        cls[w] = v;
    }
}

static int cmp_match(const void *a, const void *b)
{
    const qr_gaz_match *x = a, *y = b;
    if (x->end != y->end) return x->end > y->end ? -1 : 1;
    return x->entry < y->entry ? -1 : x->entry > y->entry;
}

static void test_random(unsigned gmode)
{
    enum { NPHRASES = 5000, NTEXT = 3000 };
    phrase *ph = malloc(NPHRASES * sizeof *ph);
    size_t *tw = malloc(NTEXT * sizeof *tw);
    char *s = malloc(NTEXT * 24);
    size_t cls[NVOCAB];
    qr_gaz *g = qr_gaz_new(gmode);
    qr_gaz_match got[512], want[512], ids_got[512];
    uint32_t *ids;
    size_t idbad = 0;
    size_t i, j, p, len = 0, bad = 0, total = 0, addfail = 0;
    text x;
    char name[80];

    word_classes(gmode, cls);
    for (p = 0; p < NPHRASES; p++) {
        char buf[200], canon[16];
        size_t o = 0;
        ph[p].n = 1 + rng() % (p < 200 ? 2 : MAXW);
        for (j = 0; j < ph[p].n; j++) {
            ph[p].w[j] = rng() % NVOCAB;
            o += (size_t)sprintf(buf + o, "%s%s", j ? " " : "", vocab[ph[p].w[j]]);
        }
        sprintf(canon, "E%u", (unsigned)(rng() % 400));
        if (qr_gaz_add(g, buf, o, canon, strlen(canon), "t", 1, NULL, 0, &ph[p].entry) != QR_OK) addfail++;
    }
    /* a text of vocabulary words, one per token */
    for (i = 0; i < NTEXT; i++) {
        tw[i] = rng() % NVOCAB;
        len += (size_t)sprintf(s + len, "%s%s", i ? " " : "", vocab[tw[i]]);
    }
    text_init(&x, g, s);
    if (x.t.n != NTEXT) bad++;
    ids = malloc(NTEXT * sizeof *ids);
    /* keys in every mode: an exact list takes the hash of a token whose key
     * is its text from them, checked here against match_at hashing the text */
    qr_gaz_key_ids(g, &x.t, x.s, &x.k, 0, NTEXT, ids, NULL);
    for (i = 0; i < NTEXT && !bad; i++) {
        size_t n = qr_gaz_match_at(g, &x.t, x.s, gmode == QR_GAZ_EXACT ? NULL : &x.k, i, x.t.n, got, 512);
        size_t nw = 0, a, b, limit = i + rng() % 6;
        /* the ids path gives the same matches in the same order */
        if (qr_gaz_match_ids(g, ids, i, NTEXT, ids_got, 512) != n) idbad++;
        else for (a = 0; a < n && a < 512; a++)
            if (ids_got[a].end != got[a].end || ids_got[a].entry != got[a].entry) idbad++;
        /* and both honour a limit */
        if (limit > NTEXT) limit = NTEXT;
        if (qr_gaz_match_ids(g, ids, i, limit, ids_got, 512)
            != qr_gaz_match_at(g, &x.t, x.s, gmode == QR_GAZ_EXACT ? NULL : &x.k, i, limit, NULL, 0)) idbad++;
        for (p = 0; p < NPHRASES; p++) {
            int hit = i + ph[p].n <= NTEXT;
            for (j = 0; hit && j < ph[p].n; j++) hit = cls[tw[i + j]] == cls[ph[p].w[j]];
            if (!hit) continue;
            for (a = 0; a < nw; a++)   /* a phrase with the same keys and entry is one term */
                if (want[a].end == i + ph[p].n && want[a].entry == ph[p].entry) break;
            if (a == nw && nw < 512) { want[nw].end = (uint32_t)(i + ph[p].n); want[nw].entry = ph[p].entry; nw++; }
        }
        total += n;
        for (a = 1; a < n && a < 512; a++) if (got[a].end > got[a - 1].end) bad++;   /* longest first */
        if (n != nw || n > 512) { bad++; continue; }
        qsort(got, n, sizeof *got, cmp_match);
        qsort(want, nw, sizeof *want, cmp_match);
        for (b = 0; b < n; b++) if (got[b].end != want[b].end || got[b].entry != want[b].entry) bad++;
    }
    sprintf(name, "random lists, mode %u: %u matches agree with brute force", gmode, (unsigned)total);
    ok(bad == 0 && addfail == 0 && total > 0, name);
    sprintf(name, "random lists, mode %u: qr_gaz_match_ids agrees with qr_gaz_match_at", gmode);
    ok(idbad == 0, name);
    free(ids);
    text_free(&x);
    qr_gaz_free(g);
    free(ph);
    free(tw);
    free(s);
}

/* --- files --------------------------------------------------------------- */

static int write_file(const char *path, const char *s, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    fwrite(s, 1, n, f);
    return fclose(f) == 0;
}

static void test_files(void)
{
    static const char tsv[] =
        "\xEF\xBB\xBF# people\n"
        "Sergei Lavrov\t\tperson\n"
        "Sergey Lavrov\tSergei Lavrov\tperson\r\n"
        "\n"
        "   \n"
        "New York Times\t\torg\t{\"country\": \"US\"}\n"
        "Moscow\tMoscow\t\n"
        "Lavrov\tSergei Lavrov\tperson";                 /* no final newline */
    const char *path = "build/test_gaz.tsv";
    char err[256];
    size_t count = 99;
    qr_gaz *g = qr_gaz_new(QR_GAZ_CASE);
    int rc;
    const char *t;
    size_t tl;

    ok(write_file(path, tsv, sizeof tsv - 1), "write a TSV file");
    rc = qr_gaz_load_file(g, path, QR_GAZ_TSV, "place", 5, &count, err, sizeof err);
    ok(rc == QR_OK && count == 5, "TSV: 5 phrases");
    ok(qr_gaz_entries(g) == 3, "TSV: 3 entries");
    ok(canonical_is(g, 1, "Sergei Lavrov"), "a BOM before a comment is skipped");
    ok(qr_gaz_entry(g, 3, NULL, NULL, &t, &tl, NULL, NULL) && tl == 5 && !memcmp(t, "place", 5),
       "empty type takes the default type");

    ok(write_file(path, "a\tA\tx\nb\tB\n", 10), "write a bad TSV file");
    rc = qr_gaz_load_file(g, path, QR_GAZ_TSV, NULL, 0, &count, err, sizeof err);
    ok(rc == QR_GAZ_ESYNTAX && count == 1
       && !strcmp(err, "build/test_gaz.tsv:2: expected phrase<TAB>canonical<TAB>type[<TAB>attrs], found 2 fields"),
       "too few fields: path:line: problem");
    ok(write_file(path, "# c\na\tA\tx\t{}\tmore\n", 19), "write a TSV file with 5 fields");
    rc = qr_gaz_load_file(g, path, QR_GAZ_TSV, NULL, 0, &count, err, sizeof err);
    ok(rc == QR_GAZ_ESYNTAX && count == 0 && !strncmp(err, "build/test_gaz.tsv:2: too many fields", 37),
       "too many fields");
    ok(write_file(path, "a\tA\tx\t[1]\n", 10), "write a TSV file with bad attrs");
    rc = qr_gaz_load_file(g, path, QR_GAZ_TSV, NULL, 0, &count, err, sizeof err);
    ok(rc == QR_GAZ_ESYNTAX && !strcmp(err, "build/test_gaz.tsv:1: attrs must be a JSON object ({...})"),
       "bad attrs");
    ok(write_file(path, ".\t\t\n\t\tx\n", 8), "write a TSV file with an empty phrase");
    rc = qr_gaz_load_file(g, path, QR_GAZ_TSV, NULL, 0, &count, err, sizeof err);
    ok(rc == QR_GAZ_ESYNTAX && !strcmp(err, "build/test_gaz.tsv:2: the phrase has no tokens"), "empty phrase");

    rc = qr_gaz_load_file(g, "build/no/such/file.tsv", QR_GAZ_TSV, NULL, 0, &count, err, sizeof err);
    ok(rc == QR_GAZ_EIO && !strncmp(err, "build/no/such/file.tsv: ", 24), "missing file");
    rc = qr_gaz_load_file(g, "build", QR_GAZ_TSV, NULL, 0, &count, err, sizeof err);
    ok(rc == QR_GAZ_EIO && !strncmp(err, "build: ", 7), "a directory");

    ok(write_file(path, "Paris\n# x\nLondon\r\nSt. Petersburg", 32), "write a lines file");
    rc = qr_gaz_load_file(g, path, QR_GAZ_LINES, "city", 4, &count, err, sizeof err);
    ok(rc == QR_OK && count == 3 && canonical_is(g, qr_gaz_entries(g), "St. Petersburg"), "lines format");
    qr_gaz_free(g);

    /* one line longer than the 1 MB read buffer, between two short ones */
    {
        size_t big = (3u << 20) / 2, n = 0, i;
        char *s = malloc(big + 64);
        g = qr_gaz_new(QR_GAZ_CASE);
        n += (size_t)sprintf(s, "first\t\tx\nlong\t\tx\t{\"a\": \"");
        for (i = 0; i < big; i++) s[n++] = 'z';
        n += (size_t)sprintf(s + n, "\"}\nlast\t\tx\n");
        ok(write_file(path, s, n), "write a file with a long line");
        rc = qr_gaz_load_file(g, path, QR_GAZ_TSV, NULL, 0, &count, err, sizeof err);
        ok(rc == QR_OK && count == 3 && canonical_is(g, 3, "last"), "a line longer than the buffer");
        free(s);
        qr_gaz_free(g);
    }
    /* a file over 1 MB: its lines are counted first and the tables sized */
    {
        size_t n = 0, i, lines = 30000, m;
        char *s = malloc(lines * 80);
        const char *txt;
        qr_gaz_match out[4];
        text x;
        g = qr_gaz_new(QR_GAZ_CASE);
        add(g, "Already There", NULL, "t", NULL);
        for (i = 0; i < lines; i++)
            n += (size_t)sprintf(s + n, "Word%u Mid%u End%u\t%s\tt\t{\"pad\": \"%s\"}\n", (unsigned)i,
                                 (unsigned)(i % 50), (unsigned)(i % 7), i % 3 ? "" : "Alias", "xxxxxxxxxxxxxxxxxxxxxxxx");
        ok(n > ((size_t)1 << 20) && write_file(path, s, n), "write a file over 1 MB");
        rc = qr_gaz_load_file(g, path, QR_GAZ_TSV, NULL, 0, &count, err, sizeof err);
        ok(rc == QR_OK && count == lines && qr_gaz_entries(g) == 1 + lines - lines / 3 + 1
           && qr_gaz_phrases(g) == lines + 1, "a file over 1 MB");
        txt = "word29999 mid49 end4 and Already there";
        text_init(&x, g, txt);
        m = qr_gaz_match_at(g, &x.t, x.s, &x.k, 0, x.t.n, out, 4);
        ok(m == 1 && out[0].end == 3 && qr_gaz_match_at(g, &x.t, x.s, &x.k, 4, x.t.n, out, 4) == 1,
           "matches after a sized load");
        text_free(&x);
        free(s);
        qr_gaz_free(g);
    }
    remove(path);
}

/* The keys of all tokens, built at once (an ASCII fast path), are each
 * token's qr_token_key: random texts of ASCII, backquotes, quotes, non-ASCII
 * letters and invalid bytes, in both key modes. */
static void test_keys(void)
{
    static const char *const parts[] = {
        "Word", "WORD", "word", "O'Brien", "`quoted'", "\xe2\x80\x9cSaid\xe2\x80\x9d", "\xc5\x81\xc3\xb3" "d\xc5\xba",
        "Stra\xc3\x9f" "e", "\xff", "U.S.", "2010-2011", "e-mail@example.org", " ", "\n", ", ", "-", "\"",
        "'", "ABC`DEF", "\xce\xa3\xce\x8a", "zz",
    };
    int round, bad = 0;
    for (round = 0; round < 300; round++) {
        char s[2048];
        size_t n = 0, i;
        qr_tokens t;
        unsigned mode;
        while (n < 1500) {
            const char *p = parts[rng() % (sizeof parts / sizeof parts[0])];
            size_t l = strlen(p);
            memcpy(s + n, p, l);
            n += l;
        }
        if (qr_tokenize(s, n, NULL, &t) != QR_OK) { bad++; continue; }
        for (mode = 0; mode <= QR_KEY_BARE; mode += QR_KEY_BARE) {
            qr_keys k;
            char one[3 * sizeof s];
            if (qr_keys_build(&k, s, &t, mode) != QR_OK) { bad++; continue; }
            for (i = 0; i < t.n; i++) {
                size_t kl, l = qr_token_key(s, &t.tok[i], mode, one);
                const char *ks = qr_key_of(&k, i, &kl);
                if (kl != l || memcmp(ks, one, l)) bad++;
            }
            qr_keys_free(&k);
        }
        qr_tokens_free(&t);
    }
    ok(bad == 0, "keys built at once are each token's key (300 random texts, both modes)");
}

int main(void)
{
    test_keys();
    test_basics();
    test_modes();
    test_random(QR_GAZ_EXACT);
    test_random(QR_GAZ_CASE);
    test_random(QR_GAZ_BARE);
    test_files();
    printf("1..%d\n", tests);
    return failures != 0;
}
