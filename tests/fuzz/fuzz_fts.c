/*
 * Fuzz target: the FTS query path — quarry's FTS5 tokenizer (qr_fts.c)
 * tokenising queries, prefixes and documents, and the auxiliary functions
 * quarry_hits, quarry_instances and quarry_snippet, with snippet,
 * highlight and bm25 over them, as corpus:search and corpus:kwic run them. An in-memory SQLite database
 * holds a few fictional documents in a table shaped like the corpus
 * store's (external content, tokenize = 'quarry').
 *
 * Input: byte 0 bit 0: the input after the first NUL byte is added as a
 * document (in a savepoint rolled back afterwards) and the bytes before it
 * are the query; bit 1: query a second table tokenised with
 * 'quarry diacritics 1 parts 0'. Otherwise the rest is the query.
 * SQLite errors (a malformed query) are expected results.
 *
 * Invariants (abort when broken): quarry_hits gives pairs of byte offsets
 * inside the column's text, start before stop.
 */
#include "qr_fts.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "fuzz_fts: %s (line %d)\n", #cond, __LINE__); abort(); } } while (0)

static sqlite3 *db;
static sqlite3_stmt *query[2], *insert_doc, *insert_fts;

static const char *const DOCS[][2] = {
    { "Talks resume in Geneva",
      "GENEVA — Foreign Minister Sergei Voronov met U.S. envoys on Monday to discuss the Nagorno-Karabakh "
      "ceasefire. “We are close to an agreement,” Voronov said.\n\nMoscow’s delegation left at noon." },
    { "Mayor opens tram line in Łódź",
      "ŁÓDŹ — The city’s mayor opened the tram line on Friday. Residents said the 2010–2011 works ended. "
      "Write to press@example.org or see www.example.org; #trams @cityhall." },
    { "Markets steady", "LONDON — Shares were little changed as investors waited for the peace talks. "
      "Oil rose 2 pct. O'Brien don't McDONALD ÉCOLE Straße σίσυφος." },
};

static void exec(const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "fuzz_fts: %s: %s\n", sql, err);
        abort();
    }
}

static sqlite3_stmt *prepare(const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "fuzz_fts: %s: %s\n", sql, sqlite3_errmsg(db));
        abort();
    }
    return st;
}

static void close_db(void)
{
    int k;
    for (k = 0; k < 2; k++) sqlite3_finalize(query[k]);
    sqlite3_finalize(insert_doc);
    sqlite3_finalize(insert_fts);
    sqlite3_close(db);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    size_t i;
    (void)argc; (void)argv;
    CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK);
    CHECK(qr_fts_register(db) == SQLITE_OK);
    exec("CREATE TABLE docs(rowid INTEGER PRIMARY KEY, title TEXT, text TEXT NOT NULL);"
         "CREATE VIRTUAL TABLE docs_fts USING fts5(title, text, content = 'docs', content_rowid = 'rowid',"
         " tokenize = 'quarry');"
         "INSERT INTO docs_fts(docs_fts, rank) VALUES ('rank', 'bm25(2.0, 1.0)');"
         "CREATE VIRTUAL TABLE plain USING fts5(title, text, tokenize = 'quarry diacritics 1 parts 0');");
    insert_doc = prepare("INSERT INTO docs(title, text) VALUES (?1, ?2)");
    insert_fts = prepare("INSERT INTO docs_fts(rowid, title, text) VALUES (?1, ?2, ?3)");
    for (i = 0; i < sizeof DOCS / sizeof DOCS[0]; i++) {
        sqlite3_stmt *p = prepare("INSERT INTO plain(title, text) VALUES (?1, ?2)");
        sqlite3_bind_text(insert_doc, 1, DOCS[i][0], -1, SQLITE_STATIC);
        sqlite3_bind_text(insert_doc, 2, DOCS[i][1], -1, SQLITE_STATIC);
        CHECK(sqlite3_step(insert_doc) == SQLITE_DONE);
        sqlite3_reset(insert_doc);
        sqlite3_bind_int64(insert_fts, 1, sqlite3_last_insert_rowid(db));
        sqlite3_bind_text(insert_fts, 2, DOCS[i][0], -1, SQLITE_STATIC);
        sqlite3_bind_text(insert_fts, 3, DOCS[i][1], -1, SQLITE_STATIC);
        CHECK(sqlite3_step(insert_fts) == SQLITE_DONE);
        sqlite3_reset(insert_fts);
        sqlite3_bind_text(p, 1, DOCS[i][0], -1, SQLITE_STATIC);
        sqlite3_bind_text(p, 2, DOCS[i][1], -1, SQLITE_STATIC);
        CHECK(sqlite3_step(p) == SQLITE_DONE);
        sqlite3_finalize(p);
    }
    query[0] = prepare("SELECT d.text, d.title, docs_fts.rank, snippet(docs_fts, -1, '[', ']', '…', 16),"
                       " highlight(docs_fts, 0, '<', '>'), quarry_hits(docs_fts, 1), quarry_hits(docs_fts, 0),"
                       " quarry_instances(docs_fts), quarry_snippet(docs_fts, -1, '[', ']', '…', 16)"
                       " FROM docs_fts JOIN docs d ON d.rowid = docs_fts.rowid WHERE docs_fts MATCH ?1"
                       " ORDER BY docs_fts.rank LIMIT 20");
    query[1] = prepare("SELECT text, title, rank, snippet(plain, 1, '[', ']', '…', 8),"
                       " highlight(plain, 1, '<', '>'), quarry_hits(plain, 1), quarry_hits(plain, 0),"
                       " quarry_instances(plain), quarry_snippet(plain, 1, '', '', '', 70)"
                       " FROM plain WHERE plain MATCH ?1 ORDER BY rank");
    atexit(close_db);
    return 0;
}

/* quarry_hits: "start stop start stop ..." inside text[0, len) */
static void check_hits(const unsigned char *hits, int len)
{
    const char *p = (const char *)hits;
    long prev = -1;
    if (!p) return;
    while (*p) {
        char *end;
        long a = strtol(p, &end, 10), b;
        CHECK(end != p && *end == ' ');
        p = end + 1;
        b = strtol(p, &end, 10);
        CHECK(end != p);
        CHECK(a >= 0 && a < b && b <= len);
        CHECK(a >= prev);      /* in document order */
        prev = a;
        p = end;
        if (*p == ' ') p++;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *q;
    size_t qlen;
    int with_doc, table, rc;
    sqlite3_stmt *st;

    if (size < 1) return 0;
    with_doc = data[0] & 1;
    table = (data[0] >> 1) & 1;
    q = (const char *)data + 1;
    qlen = size - 1;
    if (with_doc) {
        const char *nul = memchr(q, '\0', qlen);
        const char *doc = nul ? nul + 1 : q;
        size_t dlen = nul ? qlen - (size_t)(nul + 1 - q) : qlen;
        if (nul) qlen = (size_t)(nul - q);
        exec("SAVEPOINT fuzz");
        sqlite3_bind_text(insert_doc, 1, "Fuzz", 4, SQLITE_STATIC);
        sqlite3_bind_text(insert_doc, 2, doc, (int)dlen, SQLITE_STATIC);
        CHECK(sqlite3_step(insert_doc) == SQLITE_DONE);
        sqlite3_reset(insert_doc);
        sqlite3_bind_int64(insert_fts, 1, sqlite3_last_insert_rowid(db));
        sqlite3_bind_text(insert_fts, 2, "Fuzz", 4, SQLITE_STATIC);
        sqlite3_bind_text(insert_fts, 3, doc, (int)dlen, SQLITE_STATIC);
        rc = sqlite3_step(insert_fts);
        CHECK(rc == SQLITE_DONE);
        sqlite3_reset(insert_fts);
    }
    st = query[table];
    sqlite3_bind_text(st, 1, q, (int)qlen, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int tlen = sqlite3_column_bytes(st, 0), hlen = sqlite3_column_bytes(st, 1);
        check_hits(sqlite3_column_text(st, 5), tlen);
        check_hits(sqlite3_column_text(st, 6), hlen);
        (void)sqlite3_column_text(st, 3);
        (void)sqlite3_column_text(st, 4);
        CHECK(sqlite3_column_int(st, 7) >= 0);
        CHECK(sqlite3_column_bytes(st, 8) <= 3 * (tlen > hlen ? tlen : hlen) + 64);
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (with_doc) {
        exec("ROLLBACK TO fuzz");
        exec("RELEASE fuzz");
    }
    return 0;
}
