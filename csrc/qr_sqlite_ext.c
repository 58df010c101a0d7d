/*
 * The loadable SQLite extension quarry_sqlite: quarry's FTS5 tokenizer and
 * auxiliary functions (qr_fts.c) for any program that opens a corpus with
 * its own SQLite, so that its full-text index can be searched there:
 *
 *   sqlite3 news.db -cmd '.load /path/to/quarry_sqlite'
 *   datasette news.db --load-extension /path/to/quarry_sqlite
 *
 * Built from this file, qr_fts.c and the tokeniser with -DQR_SQLITE_EXTENSION
 * (Makefile: build/quarry_sqlite.so; the rock installs it next to
 * quarry/core.so). SQLite finds the entry point from the file's name:
 * quarry_sqlite -> sqlite3_quarrysqlite_init.
 */
#include "qr_sqlite.h"
#include "qr_fts.h"

SQLITE_EXTENSION_INIT1

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_quarrysqlite_init(sqlite3 *db, char **errmsg, const sqlite3_api_routines *api);

int sqlite3_quarrysqlite_init(sqlite3 *db, char **errmsg, const sqlite3_api_routines *api)
{
    int rc;
    SQLITE_EXTENSION_INIT2(api);
    rc = qr_fts_register(db);
    if (rc != SQLITE_OK && errmsg)
        *errmsg = sqlite3_mprintf("quarry_sqlite: cannot register the quarry FTS5 tokenizer "
                                  "(this SQLite has no FTS5?)");
    return rc;
}
