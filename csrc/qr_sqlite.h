/*
 * The SQLite API for the files that the Lua module and the loadable SQLite
 * extension share (qr_fts.c). In the Lua module (linked to libsqlite3) the
 * calls are SQLite's own functions; built with -DQR_SQLITE_EXTENSION (the
 * extension quarry_sqlite, loaded into a program that has its own SQLite)
 * each sqlite3_* call goes through the API table the program hands to
 * sqlite3_quarrysqlite_init (qr_sqlite_ext.c keeps it).
 */
#ifndef QR_SQLITE_H
#define QR_SQLITE_H

#ifdef QR_SQLITE_EXTENSION
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3
#else
#include <sqlite3.h>
#endif

#endif
