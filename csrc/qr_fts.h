/*
 * quarry's FTS5 side: the tokenizer named "quarry" and the auxiliary
 * functions, registered on every SQLite connection quarry opens, and by the
 * loadable extension quarry_sqlite on any other program's connection.
 */
#ifndef QR_FTS_H
#define QR_FTS_H

#include "qr_sqlite.h"

/* Registers the FTS5 tokenizer "quarry" and the auxiliary functions
 * quarry_hits(fts, column), quarry_instances(fts) and quarry_snippet(fts,
 * column, open, close, ellipsis, tokens) on db. Returns SQLITE_OK, or SQLITE_ERROR when
 * this SQLite has no FTS5 (or another SQLite error code). */
int qr_fts_register(sqlite3 *db);

/* The fts5_api of db, or NULL when SQLite was built without FTS5. */
fts5_api *qr_fts5_api(sqlite3 *db);

#endif
