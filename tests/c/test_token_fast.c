/*
 * The tokeniser's fast path (64-byte class windows, csrc/qr_token.c
 * scan_word) against its scalar path (scan_word_scalar, what machines
 * without SSE2 run): random texts of the pieces news text is made of, and
 * of the cases each path treats apart, must give the same tokens, flags,
 * sentences and paragraphs under every option. The scalar build is this
 * file's own copy of qr_token.c, its functions renamed. Prints TAP.
 */
#define QR_TOKEN_SCALAR
#define qr_tokopts_default scalar_tokopts_default
#define qr_tokenize scalar_tokenize
#define qr_tokens_free scalar_tokens_free
#define qr_word_cmp scalar_word_cmp
#define qr_tokens_group_of scalar_tokens_group_of
#define qr_tokens_cover scalar_tokens_cover
#define qr_tokens_where scalar_tokens_where
#define qr_count_words scalar_count_words
#define qr_kind_name scalar_kind_name
#define qr_case_name scalar_case_name
#define qr_normalize scalar_normalize
#define qr_token_key scalar_token_key
#define qr_token_shape scalar_token_shape
#define qr_token_simd scalar_token_simd
#include "../../csrc/qr_token.c"
#undef qr_tokopts_default
#undef qr_tokenize
#undef qr_tokens_free
#undef qr_word_cmp
#undef qr_tokens_group_of
#undef qr_tokens_cover
#undef qr_count_words
#undef qr_kind_name
#undef qr_case_name
#undef qr_normalize
#undef qr_token_key
#undef qr_token_shape
#undef qr_token_simd

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "same_tokens.h"

/* the fast build, from csrc/qr_token.c (linked) */
void qr_tokopts_default(qr_tokopts *o);
int qr_tokenize(const char *text, size_t len, const qr_tokopts *o, qr_tokens *out);
void qr_tokens_free(qr_tokens *t);
int qr_word_cmp(const void *a, const void *b);
int qr_token_simd(int cap);

static const char *const pieces[] = {
    "word", "Word", "WORD", "wOrd", "a", "I", "the", "said", "year", "etc", "al", "no", "vs", "approx",
    "Smith", "UK", "US", "Mr", "Mrs", "Dr", "Gen", "No", "Nos", "Jan", "Inc", "Univ", "The", "But",
    "U.S.", "J.", "e.g.", "a.m.", "Ph.D.", "No. 5", "no. 7", "it's", "Moscow's", "BBC'S", "mediators'",
    "don't", "O'Brien", "well-known", "Nagorno-Karabakh", "RFE/RL", "AT&T", "2010-2011", "2010", "1,000",
    "3.5", "10:30", "21st", "1990s", "A4", "4x4", "$5", "5%", "http://example.org/a.", "www.example.com",
    "rferl.org", "a@b.com", "@handle", "#tag", "\"", "'", "`", "``", "''", "\xe2\x80\x9c", "\xe2\x80\x9d",
    "\xe2\x80\x98", "\xe2\x80\x99", ",", ";", ":", ")", "(", "]", "[", ".", "...", "!", "?", ".!", "?\"",
    "\xe2\x80\x94", "-", "--", " ", " ", " ", " ", " ", "  ", "\n", "\n\n", "\n   ", "\t", "\r\n", "\f",
    "\xc5\x81\xc3\xb3" "d\xc5\xba", "Stra\xc3\x9f" "e", "\xce\x95\xcf\x81\xce\xb5\xcf\x85\xce\xbd\xce\xb1",
    "caf\xc3\xa9", "\xff", "\xc3", "\xe2\x80\x8b", "\x01", "abcdefghijklmnopqrstu",
    "Abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz", "x1y2z3",
    "ex-E17", "x-ray", "rock'n'roll", "I'm", "e-Mail", "McDonald-Smith", "well-", "Jones'", "a-b-c-d",
    /* periods, quotation marks and line breaks the fast loop does itself */
    "said.", "Iraq.", "year.\"", "no.", "etc.", "Blair.\n\n", "\n\n\"", "said,\"", "\"Yes", "x.!",
    "A4.", "iPhone.", "USA.", "it.\n", " \n\n  ", "\n \n", "(word)", "[a]", "word;",
    "\"=", "\":", "\"*", "\"+", "\"}", "\"-", "\"#", "\"\xc2\xa0", "\"\xe2\x80\x9d", "\"\"", "=\"",
    /* joined words, which the fast loop's runs take in */
    "A-Team", "UN-backed", "US-Russian", "al-Qaeda", "AL-QAEDA", "well-Known", "X-ray", "A-B", "s-s",
    "rock-star's", "Nagorno-Karabakh's", "1990's", "e-mail,", "self-defence:", "ex-wife.", "pre-2010",
    "O'Neill-Smith", "don't.", "it's-", "a-", "-a", "'s", "-", "'", "x'S", "Tsar's-", "ne'er-do-well",
    "Jean-Pierre.", "co-op;", "Hong Kong-based)", "twenty-one]", "well-known\xe2\x80\x9d", "a-\xc3\xa9",
};

static size_t random_text(char *s, size_t cap)
{
    size_t n = 0, want = rng() % (cap - 100);
    while (n < want) {
        const char *p = pieces[rng() % (sizeof pieces / sizeof pieces[0])];
        size_t l = strlen(p);
        memcpy(s + n, p, l);
        n += l;
        if (rng() % 3) s[n++] = ' ';     /* words mostly apart */
    }
    return n;
}

int main(void)
{
    static char text[8192];
    static const qr_word abbrevs[] = { { "Amb", 3 }, { "said", 4 } };
    int round, mode, bad[7] = { 0 }, simd, top = qr_token_simd(2);
    /* each SIMD variant the CPU has (qr_token_simd) against the scalar path */
    for (round = 0; round < 3000 * (top + 1); round++) {
        size_t n = random_text(text, sizeof text);
        simd = qr_token_simd(round % (top + 1));
        for (mode = 0; mode < 7; mode++) {
            qr_tokopts o;
            qr_tokens fast, scalar;
            int rf, rs;
            qr_tokopts_default(&o);
            if (mode == 1) o.sentences = 0;
            if (mode == 2) o.urls = 0;
            if (mode == 3) o.paragraphs = QR_PARA_BLANK;
            if (mode == 4) o.paragraphs = QR_PARA_LINE;
            if (mode == 5) { o.abbrevs = abbrevs; o.nabbrevs = 2; }
            /* mode 6: the text from an odd offset (other window alignments) */
            rf = qr_tokenize(text + (mode == 6), n - (mode == 6), &o, &fast);
            rs = scalar_tokenize(text + (mode == 6), n - (mode == 6), &o, &scalar);
            if (rf != rs || (rf == QR_OK && !same_tokens(&fast, &scalar))) bad[mode]++;
            qr_tokens_free(&fast);
            scalar_tokens_free(&scalar);
        }
    }
    (void)simd;
    qr_token_simd(2);
    printf("# SIMD variants compared: %s\n", top == 2 ? "SSE2, AVX2, AVX-512BW" : top ? "SSE2, AVX2" : "SSE2");
    ok(!bad[0], "fast and scalar paths agree: default options (3000 random texts a variant)");
    ok(!bad[1], "... without sentences");
    ok(!bad[2], "... without URLs");
    ok(!bad[3], "... paragraphs at blank lines");
    ok(!bad[4], "... paragraphs at every line");
    ok(!bad[5], "... with extra abbreviations");
    ok(!bad[6], "... from an odd offset");
    printf("1..%d\n", tests);
    return failures ? 1 : 0;
}
