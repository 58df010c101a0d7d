/*
 * Tokeniser: splits a byte string into tokens, sentences and paragraphs.
 * Offsets are bytes into the original text; stop is exclusive.
 */
#ifndef QR_TOKEN_H
#define QR_TOKEN_H

#include <stddef.h>
#include <stdint.h>

enum qr_kind {
    QR_WORD, QR_NUMBER, QR_PUNCT, QR_OPEN_QUOTE, QR_CLOSE_QUOTE, QR_DASH,
    QR_SYMBOL, QR_URL, QR_EMAIL, QR_HANDLE, QR_HASHTAG,
    QR_KIND_COUNT
};

enum qr_case { QR_CASE_NONE, QR_CASE_LOWER, QR_CASE_UPPER, QR_CASE_TITLE, QR_CASE_MIXED,
               QR_CASE_COUNT };

/* Token flags. */
#define QR_F_SPACE_BEFORE 0x0001u  /* white space (or text start) precedes */
#define QR_F_LINE_START   0x0002u  /* first token on its line */
#define QR_F_PARA_START   0x0004u
#define QR_F_SENT_START   0x0008u
#define QR_F_ABBREV       0x0010u  /* abbreviation or initial, period included */
#define QR_F_NOBREAK      0x0020u  /* abbreviation that never ends a sentence (Mr., J.) */
#define QR_F_TERMINAL     0x0040u  /* . ! ? ... and friends */
#define QR_F_INVALID      0x0080u  /* holds bytes that are not valid UTF-8 */
#define QR_F_CLITIC       0x0100u  /* possessive 's or a bare possessive apostrophe */
#define QR_F_HYPHEN       0x0200u  /* word joined by hyphens: Nagorno-Karabakh */
#define QR_F_RANGE        0x0400u  /* number range: 2010-2011 */
#define QR_F_SINGLE       0x0800u  /* quote token is a single quotation mark */
#define QR_F_DIGIT        0x1000u  /* holds a digit */
#define QR_F_INDENT_BREAK 0x2000u  /* line break plus indentation before */
#define QR_F_BLANK_BREAK  0x4000u  /* blank line (or page break) before */

typedef struct qr_token {
    uint32_t start, stop;
    uint8_t kind, casing;
    uint16_t flags;
} qr_token;

typedef struct qr_tokens {
    qr_token *tok;
    size_t n, cap;
    size_t map;        /* bytes mapped for tok; 0: from malloc */
    uint32_t *sent;    /* index of the first token of each sentence */
    size_t nsent;
    uint32_t *para;    /* index of the first token of each paragraph */
    size_t npara;
} qr_tokens;

enum qr_para_mode { QR_PARA_AUTO, QR_PARA_BLANK, QR_PARA_LINE };

typedef struct qr_word { const char *s; size_t len; } qr_word;

typedef struct qr_tokopts {
    int sentences;              /* split sentences and paragraphs */
    int urls;                   /* recognise URLs, e-mail, @handles, #tags */
    int paragraphs;             /* enum qr_para_mode */
    const qr_word *abbrevs;     /* extra abbreviations, sorted by qr_word_cmp */
    size_t nabbrevs;
} qr_tokopts;

enum { QR_OK = 0, QR_ENOMEM = 1, QR_ETOOBIG = 2 };

#define QR_MAX_TEXT 0xFFFFFFFEu  /* offsets are 32-bit */

void qr_tokopts_default(qr_tokopts *o);
/* The SIMD code of the tokeniser's fast path, the best the CPU has (on
 * x86-64): 2 with AVX-512BW, 1 with AVX2, else 0 (SSE2 or none); the
 * tokens are the same. cap >= 0 sets the most it may use (tests run each);
 * -1 only asks. */
int qr_token_simd(int cap);
int qr_tokenize(const char *text, size_t len, const qr_tokopts *o, qr_tokens *out);
void qr_tokens_free(qr_tokens *t);
int qr_word_cmp(const void *a, const void *b);

/* Index of the sentence/paragraph holding token i (binary search over starts). */
size_t qr_tokens_group_of(const uint32_t *starts, size_t count, size_t i);
/* The tokens the byte span [start, stop) touches: *first and *last
 * (0-based, inclusive); 0 when it touches none (or is empty). */
int qr_tokens_cover(const qr_tokens *t, size_t start, size_t stop, size_t *first, size_t *last);

/* The tokens whose kind is in kinds and whose case is in cases (bit k:
 * kind or case k; 0 takes any), in order: writes their 0-based indices to
 * out (room for t->n) and returns how many. */
size_t qr_tokens_where(const qr_tokens *t, unsigned kinds, unsigned cases, uint32_t *out);

/* The words of s[0, len): runs of bytes other than ASCII white space
 * (" \t\n\v\f\r", what Lua's %S takes), counted up to most (the count
 * or most, whichever is smaller; the scan stops at the last word counted). */
size_t qr_count_words(const char *s, size_t len, size_t most);

const char *qr_kind_name(unsigned kind);
const char *qr_case_name(unsigned casing);

/* Normalised keys. out must have room for 3 * len bytes (the most folding
 * and U+FFFD substitution can grow a text). Returns the key length. */
#define QR_KEY_BARE 1u   /* also strip diacritics */
size_t qr_normalize(const char *s, size_t len, unsigned mode, char *out);
size_t qr_token_key(const char *text, const qr_token *t, unsigned mode, char *out);

/* Shapes: out needs room for 4 * (stop - start) bytes. */
size_t qr_token_shape(const char *text, const qr_token *t, int collapse, char *out);

#endif
