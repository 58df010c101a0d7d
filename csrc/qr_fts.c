/*
 * SQLite FTS5 plumbing, pure C (no Lua): the tokenizer named "quarry", which
 * indexes the tokens of quarry's own tokeniser under their normalised keys,
 * so search and rules see the same tokens; the auxiliary function
 * quarry_hits, which turns a match into byte offsets (for KWIC); and
 * quarry_snippet. The same file is compiled into the Lua module
 * quarry.core (whose binding, qr_lfts.c, runs tokenizers from Lua) and
 * into the loadable SQLite extension quarry_sqlite (qr_sqlite_ext.c), where
 * qr_sqlite.h routes every sqlite3_* call through the extension's API table.
 */
#include "qr_sqlite.h"
#include "qr_fts.h"
#include "qr_token.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

fts5_api *qr_fts5_api(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK) return NULL;
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    return api;
}

/* --- the "quarry" tokenizer ------------------------------------------------ */

/* Arguments (tokenize = 'quarry diacritics 1 parts 0'):
 *   diacritics 0|1  keep diacritics in keys (default 0: Łódź is indexed as lodz,
 *                   like unicode61's remove_diacritics)
 *   parts 0|1       also index each part of a hyphenated word or number
 *                   range at the same position (default 1: Karabakh finds
 *                   Nagorno-Karabakh) */
typedef struct ftok {
    unsigned mode;      /* qr_token_key mode */
    int parts;
    char *buf;          /* scratch for keys, reused across calls */
    size_t cap;
} ftok;

static int ftok_create(void *udata, const char **args, int nargs, Fts5Tokenizer **out)
{
    ftok *t;
    int k;
    (void)udata;
    *out = NULL;
    if (nargs % 2) return SQLITE_ERROR;
    t = sqlite3_malloc(sizeof *t);
    if (!t) return SQLITE_NOMEM;
    memset(t, 0, sizeof *t);
    t->mode = QR_KEY_BARE;
    t->parts = 1;
    for (k = 0; k < nargs; k += 2) {
        int on = !strcmp(args[k + 1], "1");
        if (!on && strcmp(args[k + 1], "0") != 0) break;
        if (!strcmp(args[k], "diacritics")) t->mode = on ? 0 : QR_KEY_BARE;
        else if (!strcmp(args[k], "parts")) t->parts = on;
        else break;
    }
    if (k < nargs) {
        sqlite3_free(t);
        return SQLITE_ERROR;
    }
    *out = (Fts5Tokenizer *)t;
    return SQLITE_OK;
}

static void ftok_delete(Fts5Tokenizer *p)
{
    ftok *t = (ftok *)p;
    if (!t) return;
    sqlite3_free(t->buf);
    sqlite3_free(t);
}

/* Room for n bytes in the scratch buffer. */
static int ftok_reserve(ftok *t, size_t n)
{
    char *nb;
    size_t cap;
    if (n <= t->cap) return 1;
    cap = n < 256 ? 256 : n + n / 2;
    if (cap > (size_t)INT_MAX) return 0;
    nb = sqlite3_realloc64(t->buf, cap);
    if (!nb) return 0;
    t->buf = nb;
    t->cap = cap;
    return 1;
}

/* Words, numbers, URLs, e-mail addresses, handles and hashtags are indexed;
 * punctuation, quotes, dashes, symbols and possessive clitics are not. */
static int is_indexed(const qr_token *tk)
{
    switch (tk->kind) {
    case QR_WORD: case QR_NUMBER: case QR_URL: case QR_EMAIL: case QR_HANDLE: case QR_HASHTAG:
        return !(tk->flags & QR_F_CLITIC);
    default:
        return 0;
    }
}

typedef int (*xtoken_fn)(void *, int, const char *, int, int, int);

/* Bytes whose key differs from the byte itself. */
#define NON_ASCII 1u
#define FOLDS     2u
static unsigned char ascii_flags[256];

static void init_ascii_flags(void)
{
    int b;
    for (b = 0x80; b < 256; b++) ascii_flags[b] = NON_ASCII;
    for (b = 'A'; b <= 'Z'; b++) ascii_flags[b] = FOLDS;
    ascii_flags['`'] = FOLDS;
}

/* Length of the hyphen at s[0] (hyphen-minus, U+2010..U+2013), or 0. */
static size_t hyphen_len(const unsigned char *s, size_t n)
{
    if (s[0] == '-') return 1;
    if (n >= 3 && s[0] == 0xE2 && s[1] == 0x80 && s[2] >= 0x90 && s[2] <= 0x93) return 3;
    return 0;
}

/* 8 bytes as a little-endian number on any machine (one load on most). */
static inline uint64_t le64(const unsigned char *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24
         | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

/* Whether w[0, len) holds a byte above 0x7F or a backquote: the bytes
 * qr_normalize changes besides ASCII capitals. Eight bytes at a time,
 * reading past the token (never past end) to save a loop over its tail. */
static int odd_bytes(const unsigned char *w, size_t len, const unsigned char *end)
{
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL, bq = ones * '`';
    while (len > 0) {
        uint64_t x, y;
        if (len >= 8) x = le64(w);
        else if ((size_t)(end - w) >= 8) x = le64(w) & (~(uint64_t)0 >> (64 - 8 * len));
        else {
            size_t k;
            for (k = 0; k < len; k++) if (w[k] >= 0x80 || w[k] == '`') return 1;
            return 0;
        }
        y = x ^ bq;     /* a zero byte where x has a backquote */
        if ((x & high) || ((y - ones) & ~y & high)) return 1;
        if (len <= 8) return 0;
        w += 8;
        len -= 8;
    }
    return 0;
}

/* ASCII text without backquotes, lower-cased into out (as qr_normalize
 * does), 8 bytes at a time where the text allows reading ahead; out has
 * room for len + 7 bytes. */
static void lower_ascii(const unsigned char *w, size_t len, const unsigned char *end, char *out)
{
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
    size_t k = 0, b;
    for (; k < len && (size_t)(end - (w + k)) >= 8; k += 8) {
        uint64_t x = le64(w + k);
        /* 0x80 in each byte from 'A' to 'Z' (all bytes are below 0x80) */
        uint64_t upper = (x + ones * (0x80 - 'A')) & ~(x + ones * (0x80 - 'Z' - 1)) & high;
        x |= upper >> 2;                    /* + 0x20 */
        for (b = 0; b < 8; b++) out[k + b] = (char)(x >> (8 * b));
    }
    for (; k < len; k++) out[k] = (char)(w[k] >= 'A' && w[k] <= 'Z' ? w[k] + 32 : w[k]);
}

/* Each part of a hyphenated token, at the token's position. */
static int emit_parts(ftok *t, void *ctx, const char *text, const qr_token *tk, xtoken_fn xToken)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t a = tk->start, p = tk->start;
    int rc = SQLITE_OK;
    if (!ftok_reserve(t, 3 * (size_t)(tk->stop - tk->start) + 1)) return SQLITE_NOMEM;
    while (rc == SQLITE_OK && p <= tk->stop) {
        size_t h = p < tk->stop ? hyphen_len(s + p, tk->stop - p) : 1;
        if (!h) { p++; continue; }
        if (p > a && !(a == tk->start && p == tk->stop)) {
            size_t klen = qr_normalize(text + a, p - a, t->mode, t->buf);
            if (klen > 0) rc = xToken(ctx, FTS5_TOKEN_COLOCATED, t->buf, (int)klen, (int)a, (int)p);
        }
        p += h;
        a = p;
    }
    return rc;
}

static int ftok_tokenize(Fts5Tokenizer *p, void *ctx, int flags, const char *text, int ntext,
                         xtoken_fn xToken)
{
    ftok *t = (ftok *)p;
    const unsigned char *end = (const unsigned char *)text + (ntext > 0 ? ntext : 0);
    int parts = t->parts && (flags & FTS5_TOKENIZE_DOCUMENT);
    qr_tokopts o;
    qr_tokens toks;
    size_t i;
    int rc = SQLITE_OK;

    if (ntext <= 0) return SQLITE_OK;
    qr_tokopts_default(&o);
    o.sentences = 0;             /* boundaries do not change tokens; skip them */
    if (qr_tokenize(text, (size_t)ntext, &o, &toks) != QR_OK) return SQLITE_NOMEM;
    for (i = 0; i < toks.n && rc == SQLITE_OK; i++) {
        const qr_token *tk = &toks.tok[i];
        const unsigned char *w = (const unsigned char *)text + tk->start;
        size_t len = tk->stop - tk->start, klen, k;
        unsigned seen = 0;
        if (!is_indexed(tk)) continue;
        if (tk->kind <= QR_NUMBER) {
            /* words and numbers know whether they hold capitals */
            seen = odd_bytes(w, len, end) ? NON_ASCII : tk->casing > QR_CASE_LOWER ? FOLDS : 0;
        } else {
            for (k = 0; k < len; k++) seen |= ascii_flags[w[k]];
        }
        if (!seen) {            /* most tokens: the key is the text itself */
            rc = xToken(ctx, 0, (const char *)w, (int)len, (int)tk->start, (int)tk->stop);
        } else {
            if (!ftok_reserve(t, 3 * len + 8)) { rc = SQLITE_NOMEM; break; }
            if (seen & NON_ASCII) klen = qr_token_key(text, tk, t->mode, t->buf);
            else if (tk->kind <= QR_NUMBER) {   /* ASCII capitals only (odd_bytes found none else) */
                lower_ascii(w, len, end, t->buf);
                klen = len;
            } else {            /* ASCII with capitals or backquotes: as qr_normalize does */
                char *out = t->buf;
                for (k = 0; k < len; k++)
                    out[k] = (char)(w[k] >= 'A' && w[k] <= 'Z' ? w[k] + 32 : w[k] == '`' ? '\'' : w[k]);
                klen = len;
            }
            if (klen == 0 || klen > (size_t)INT_MAX) continue;
            rc = xToken(ctx, 0, t->buf, (int)klen, (int)tk->start, (int)tk->stop);
        }
        if (rc == SQLITE_OK && parts && (tk->flags & (QR_F_HYPHEN | QR_F_RANGE)))
            rc = emit_parts(t, ctx, text, tk, xToken);
    }
    qr_tokens_free(&toks);
    return rc;
}

/* --- quarry_hits(fts, column): byte offsets of every phrase match ----------- */

typedef struct hit {
    int first, last;     /* token positions in the column */
    int start, stop;     /* byte offsets, -1 until found */
} hit;

typedef struct hits_walk {
    hit *h;
    hit **by_last;
    int n, pos, a, b;    /* next position; next hit by first, by last */
} hits_walk;

static int cmp_first(const void *x, const void *y)
{
    const hit *a = x, *b = y;
    return a->first != b->first ? (a->first < b->first ? -1 : 1) : (a->last > b->last) - (a->last < b->last);
}

static int cmp_last(const void *x, const void *y)
{
    const hit *a = *(hit *const *)x, *b = *(hit *const *)y;
    return (a->last > b->last) - (a->last < b->last);
}

static int hits_token(void *ctx, int tflags, const char *tok, int ntok, int start, int stop)
{
    hits_walk *w = ctx;
    (void)tok; (void)ntok;
    if (tflags & FTS5_TOKEN_COLOCATED) return SQLITE_OK;    /* same position */
    while (w->a < w->n && w->h[w->a].first == w->pos) w->h[w->a++].start = start;
    while (w->b < w->n && w->by_last[w->b]->last == w->pos) w->by_last[w->b++]->stop = stop;
    w->pos++;
    return w->b < w->n ? SQLITE_OK : SQLITE_DONE;
}

/* SQL: quarry_hits(fts, column) -> 'start stop start stop ...' (0-based byte
 * offsets, stop exclusive) of every phrase instance matched in column. */
static void hits_function(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
                          int nval, sqlite3_value **vals)
{
    int col = nval > 0 ? sqlite3_value_int(vals[0]) : 0;
    int ninst = 0, n = 0, k, rc, ntext = 0;
    const char *text = NULL;
    hits_walk w;
    sqlite3_str *out;

    memset(&w, 0, sizeof w);
    rc = api->xInstCount(fts, &ninst);
    if (rc == SQLITE_OK && ninst > 0) {
        w.h = sqlite3_malloc64((sqlite3_uint64)ninst * sizeof *w.h);
        w.by_last = sqlite3_malloc64((sqlite3_uint64)ninst * sizeof *w.by_last);
        if (!w.h || !w.by_last) rc = SQLITE_NOMEM;
    }
    for (k = 0; rc == SQLITE_OK && k < ninst; k++) {
        int phrase, icol, off;
        rc = api->xInst(fts, k, &phrase, &icol, &off);
        if (rc == SQLITE_OK && icol == col) {
            int size = api->xPhraseSize(fts, phrase);
            w.h[n].first = off;
            w.h[n].last = off + (size > 0 ? size : 1) - 1;
            w.h[n].start = w.h[n].stop = -1;
            n++;
        }
    }
    if (rc == SQLITE_OK && n > 0) {
        qsort(w.h, (size_t)n, sizeof *w.h, cmp_first);
        for (k = 0; k < n; k++) w.by_last[k] = &w.h[k];
        qsort(w.by_last, (size_t)n, sizeof *w.by_last, cmp_last);
        w.n = n;
        rc = api->xColumnText(fts, col, &text, &ntext);
        if (rc == SQLITE_OK && text) rc = api->xTokenize(fts, text, ntext, &w, hits_token);
        if (rc == SQLITE_DONE) rc = SQLITE_OK;
    }
    if (rc != SQLITE_OK) {
        sqlite3_free(w.h);
        sqlite3_free(w.by_last);
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    out = sqlite3_str_new(NULL);
    for (k = 0; k < n; k++) {
        if (w.h[k].start < 0 || w.h[k].stop < 0) continue;    /* index out of step with text */
        sqlite3_str_appendf(out, k ? " %d %d" : "%d %d", w.h[k].start, w.h[k].stop);
    }
    sqlite3_free(w.h);
    sqlite3_free(w.by_last);
    rc = sqlite3_str_errcode(out);
    if (rc != SQLITE_OK) {
        sqlite3_free(sqlite3_str_finish(out));
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    n = sqlite3_str_length(out);
    {
        char *s = sqlite3_str_finish(out);    /* NULL when empty */
        if (s) sqlite3_result_text(ctx, s, n, sqlite3_free);
        else sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
    }
}

/* --- quarry_snippet: a snippet in time linear in the hits ------------------
 *
 * FTS5's snippet() scores a window at every phrase instance against every
 * other instance: quadratic in the hits of a document. A long document with
 * a common word (800,000 hits of "tram" in one 50 MB line) keeps it busy
 * for hours. corpus:search calls snippet() for documents with at most a
 * thousand hits (quarry_instances) and this function for the others: the
 * window of `tokens` tokens around the first hit in the column with the
 * most hits, each run of hit tokens between open and close, ellipses where
 * the window does not reach the ends of the column. */

/* SQL: quarry_instances(fts) -> the number of phrase instances in the row */
static void instances_function(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
                               int nval, sqlite3_value **vals)
{
    int n = 0, rc = api->xInstCount(fts, &n);
    (void)nval; (void)vals;
    if (rc != SQLITE_OK) sqlite3_result_error_code(ctx, rc);
    else sqlite3_result_int(ctx, n);
}

#define SNIP_MAX_TOKENS 64

typedef struct snip_walk {
    int first, last;           /* window, token positions (inclusive) */
    int pos;                   /* next position */
    int more;                  /* a token follows the window */
    int start[SNIP_MAX_TOKENS], stop[SNIP_MAX_TOKENS];
} snip_walk;

static int snip_token(void *ctx, int tflags, const char *tok, int ntok, int start, int stop)
{
    snip_walk *w = ctx;
    (void)tok; (void)ntok;
    if (tflags & FTS5_TOKEN_COLOCATED) return SQLITE_OK;
    if (w->pos > w->last) {
        w->more = 1;
        return SQLITE_DONE;
    }
    if (w->pos >= w->first) {
        w->start[w->pos - w->first] = start;
        w->stop[w->pos - w->first] = stop;
    }
    w->pos++;
    return SQLITE_OK;
}

/* SQL: quarry_snippet(fts, column, open, close, ellipsis, tokens) -> text
 * (column -1: the column with the most hits; tokens 1..64) */
static void snippet_function(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
                             int nval, sqlite3_value **vals)
{
    const char *open, *close, *ellipsis, *text = NULL;
    char *res;
    int col, ntok, ninst = 0, ncols, k, rc, hit_pos = -1, ntext = 0, best = 0;
    unsigned char in_hit[SNIP_MAX_TOKENS];
    int *per_col;
    snip_walk w;
    sqlite3_str *out;

    if (nval != 5) {
        sqlite3_result_error(ctx, "quarry_snippet: expected (fts, column, open, close, ellipsis, tokens)", -1);
        return;
    }
    col = sqlite3_value_int(vals[0]);
    open = (const char *)sqlite3_value_text(vals[1]);
    close = (const char *)sqlite3_value_text(vals[2]);
    ellipsis = (const char *)sqlite3_value_text(vals[3]);
    ntok = sqlite3_value_int(vals[4]);
    if (!open) open = "";
    if (!close) close = "";
    if (!ellipsis) ellipsis = "";
    if (ntok < 1) ntok = 1;
    if (ntok > SNIP_MAX_TOKENS) ntok = SNIP_MAX_TOKENS;
    ncols = api->xColumnCount(fts);
    rc = api->xInstCount(fts, &ninst);
    if (rc != SQLITE_OK) { sqlite3_result_error_code(ctx, rc); return; }
    if (col < 0 || col >= ncols) {           /* the column with the most hits */
        per_col = sqlite3_malloc64((sqlite3_uint64)(ncols > 0 ? ncols : 1) * sizeof *per_col);
        if (!per_col) { sqlite3_result_error_nomem(ctx); return; }
        memset(per_col, 0, (size_t)(ncols > 0 ? ncols : 1) * sizeof *per_col);
        for (k = 0; k < ninst && rc == SQLITE_OK; k++) {
            int phrase, icol, off;
            rc = api->xInst(fts, k, &phrase, &icol, &off);
            if (rc == SQLITE_OK && icol >= 0 && icol < ncols) per_col[icol]++;
        }
        col = 0;
        for (k = 0; k < ncols; k++) if (per_col[k] > best) { best = per_col[k]; col = k; }
        sqlite3_free(per_col);
        if (rc != SQLITE_OK) { sqlite3_result_error_code(ctx, rc); return; }
    }
    for (k = 0; k < ninst && rc == SQLITE_OK; k++) {     /* the first hit in col */
        int phrase, icol, off;
        rc = api->xInst(fts, k, &phrase, &icol, &off);
        if (rc == SQLITE_OK && icol == col && (hit_pos < 0 || off < hit_pos)) hit_pos = off;
    }
    if (rc != SQLITE_OK) { sqlite3_result_error_code(ctx, rc); return; }
    memset(&w, 0, sizeof w);
    w.first = hit_pos > ntok / 4 ? hit_pos - ntok / 4 : 0;    /* a little context before it */
    w.last = w.first + ntok - 1;
    memset(in_hit, 0, sizeof in_hit);
    for (k = 0; k < ninst && rc == SQLITE_OK; k++) {
        int phrase, icol, off, size, t;
        rc = api->xInst(fts, k, &phrase, &icol, &off);
        if (rc != SQLITE_OK || icol != col || off > w.last) continue;
        size = api->xPhraseSize(fts, phrase);
        for (t = off; t < off + (size > 0 ? size : 1); t++)
            if (t >= w.first && t <= w.last) in_hit[t - w.first] = 1;
    }
    if (rc == SQLITE_OK) rc = api->xColumnText(fts, col, &text, &ntext);
    if (rc == SQLITE_OK && text) rc = api->xTokenize(fts, text, ntext, &w, snip_token);
    if (rc == SQLITE_DONE) rc = SQLITE_OK;
    if (rc != SQLITE_OK) { sqlite3_result_error_code(ctx, rc); return; }
    out = sqlite3_str_new(NULL);
    if (w.pos > w.first) {
        int n = w.pos - w.first, at = w.start[0];
        if (w.first > 0) sqlite3_str_appendall(out, ellipsis);
        for (k = 0; k < n; k++) {
            sqlite3_str_append(out, text + at, w.start[k] - at);      /* what lies between tokens */
            if (in_hit[k] && (k == 0 || !in_hit[k - 1])) sqlite3_str_appendall(out, open);
            sqlite3_str_append(out, text + w.start[k], w.stop[k] - w.start[k]);
            if (in_hit[k] && (k == n - 1 || !in_hit[k + 1])) sqlite3_str_appendall(out, close);
            at = w.stop[k];
        }
        if (w.more) sqlite3_str_appendall(out, ellipsis);
    }
    rc = sqlite3_str_errcode(out);
    k = sqlite3_str_length(out);
    res = sqlite3_str_finish(out);       /* NULL when empty */
    if (rc != SQLITE_OK) {
        sqlite3_free(res);
        sqlite3_result_error_code(ctx, rc);
    } else if (res) {
        sqlite3_result_text(ctx, res, k, sqlite3_free);
    } else {
        sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
    }
}

int qr_fts_register(sqlite3 *db)
{
    static fts5_tokenizer tokenizer = { ftok_create, ftok_delete, ftok_tokenize };
    fts5_api *api = qr_fts5_api(db);
    int rc;
    if (!api) return SQLITE_ERROR;
    if (!ascii_flags[0x80]) init_ascii_flags();    /* idempotent: same values from any thread */
    rc = api->xCreateTokenizer(api, "quarry", NULL, &tokenizer, NULL);
    if (rc == SQLITE_OK) rc = api->xCreateFunction(api, "quarry_hits", NULL, hits_function, NULL);
    if (rc == SQLITE_OK) rc = api->xCreateFunction(api, "quarry_instances", NULL, instances_function, NULL);
    if (rc == SQLITE_OK) rc = api->xCreateFunction(api, "quarry_snippet", NULL, snippet_function, NULL);
    return rc;
}
