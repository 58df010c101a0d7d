/*
 * A small SQLite binding for the corpus store: quarry.Db (a connection) and
 * quarry.Stmt (a prepared statement).
 *
 * Conventions:
 * - Failures of the world (the file cannot be opened, is locked past the
 *   busy timeout, read-only, corrupt, the disk is full, a query is
 *   malformed) return nil, message, code: the message names the file and
 *   gives SQLite's own words; code is SQLite's primary result code as a word
 *   ("busy", "readonly", "corrupt", "full", "error", ...).
 * - Misuse raises: a closed object, a value SQLite cannot store, a parameter
 *   that does not exist.
 * - No Lua error is ever raised while SQLite is on the C stack: each function
 *   leaves SQLite with a status first, then raises or returns.
 * - Every connection gets quarry's FTS5 tokenizer (see qr_fts.c).
 * - A Stmt anchors its Db (user value 1); a Db keeps a list of its live
 *   statements and finalizes them when it is closed, so closing in any order
 *   (or leaving it to the collector) is safe. close, __close and __gc are the
 *   same idempotent function.
 */
#define _POSIX_C_SOURCE 200809L   /* clock_gettime */
#include "qr_lua.h"
#include "qr_fts.h"

#include "qr_utf8.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

typedef struct lstmt lstmt;

typedef struct ldb {
    sqlite3 *db;          /* NULL once closed */
    lstmt *stmts;         /* live statements of this connection */
    int read_only_sql;    /* db:authorizer("read") is set */
    char denied[96];      /* what it refused last */
    double deadline;      /* db:time_limit: monotonic seconds; 0 for none */
    lua_Integer limit_ms; /* the limit it was set with */
    int timed_out;        /* the progress handler stopped a statement */
    sqlite3_int64 mem_limit; /* db:memory_limit: bytes SQLite's heap may grow by; 0 for none */
} ldb;

struct lstmt {
    sqlite3_stmt *st;     /* NULL once closed */
    ldb *owner;           /* NULL once closed; the Db is user value 1 */
    lstmt *prev, *next;
};

#define QR_STMT_GUARD_MT "quarry.StmtGuard"

/***
@module quarry.core
*/

/* --- errors ------------------------------------------------------------------ */

static const char *code_name(int rc)
{
    switch (rc & 0xFF) {
    case SQLITE_OK: return "ok";
    case SQLITE_ERROR: return "error";
    case SQLITE_INTERNAL: return "internal";
    case SQLITE_PERM: return "perm";
    case SQLITE_ABORT: return "abort";
    case SQLITE_BUSY: return "busy";
    case SQLITE_LOCKED: return "locked";
    case SQLITE_NOMEM: return "nomem";
    case SQLITE_READONLY: return "readonly";
    case SQLITE_INTERRUPT: return "interrupt";
    case SQLITE_IOERR: return "ioerr";
    case SQLITE_CORRUPT: return "corrupt";
    case SQLITE_FULL: return "full";
    case SQLITE_CANTOPEN: return "cantopen";
    case SQLITE_PROTOCOL: return "protocol";
    case SQLITE_SCHEMA: return "schema";
    case SQLITE_TOOBIG: return "toobig";
    case SQLITE_CONSTRAINT: return "constraint";
    case SQLITE_MISMATCH: return "mismatch";
    case SQLITE_MISUSE: return "misuse";
    case SQLITE_AUTH: return "auth";
    case SQLITE_RANGE: return "range";
    case SQLITE_NOTADB: return "notadb";
    default: return "error";
    }
}

/* Pushes the path of the Db at idx (its user value 1). */
static const char *push_path(lua_State *L, int db_idx)
{
    lua_getiuservalue(L, db_idx, 1);
    if (!lua_isstring(L, -1)) {
        lua_pop(L, 1);
        lua_pushliteral(L, "?");
    }
    return lua_tostring(L, -1);
}

/* Returns nil, "path: message", code. msg was copied out of SQLite by the
 * caller (or is static), so nothing here touches the connection. */
static int fail_with(lua_State *L, int db_idx, const char *msg, int rc)
{
    const char *path;
    db_idx = lua_absindex(L, db_idx);
    lua_pushnil(L);
    path = push_path(L, db_idx);
    lua_pushfstring(L, "%s: %s", *path ? path : ":memory:", msg);
    lua_remove(L, -2);
    lua_pushstring(L, code_name(rc));
    return 3;
}

/* The same for the connection's current error; copies SQLite's message
 * before anything else can change it. */
static void copy_errmsg(sqlite3 *db, char *msg, size_t size)
{
    const char *m = sqlite3_errmsg(db);
    size_t n = strlen(m);
    if (n >= size) n = size - 1;
    memcpy(msg, m, n);
    msg[n] = '\0';
}

/* nil, "path: msg", code for a failure of the world; raises on misuse. */
static int fail_copied(lua_State *L, int db_idx, const char *msg, int rc)
{
    if ((rc & 0xFF) == SQLITE_MISUSE)
        return luaL_error(L, "SQLite misuse: %s", msg);
    return fail_with(L, db_idx, msg, rc);
}

static int fail_db(lua_State *L, int db_idx, sqlite3 *db, int rc)
{
    char msg[512];
    copy_errmsg(db, msg, sizeof msg);
    if ((rc & 0xFF) == SQLITE_AUTH) {
        /* say what the authorizer refused (read_authorizer below) */
        ldb *d = luaL_testudata(L, db_idx, QR_DB_MT);
        size_t n = strlen(msg);
        if (d && d->denied[0] && n + 1 < sizeof msg)
            snprintf(msg + n, sizeof msg - n, ": %s (only reading the corpus is allowed)", d->denied);
    } else if ((rc & 0xFF) == SQLITE_NOMEM) {
        ldb *d = luaL_testudata(L, db_idx, QR_DB_MT);
        size_t n = strlen(msg);
        if (d && d->mem_limit > 0 && n + 1 < sizeof msg)
            snprintf(msg + n, sizeof msg - n, " (SQLite's memory may grow by at most %lld bytes here)",
                     (long long)d->mem_limit);
    }
    return fail_copied(L, db_idx, msg, rc);
}

/***
A connection to an SQLite file (quarry.core.db_open). Failures of the world
return nil, message, code (code: SQLite's word, "busy", "readonly",
"corrupt", "full", ...); misuse raises.
@type Db
*/

/* --- quarry.Db ----------------------------------------------------------------- */

static ldb *check_db(lua_State *L, int idx)
{
    ldb *d = luaL_checkudata(L, idx, QR_DB_MT);
    if (!d->db) luaL_error(L, "attempt to use a closed quarry.Db");
    return d;
}

static void unlink_stmt(lstmt *s)
{
    if (!s->owner) return;
    if (s->prev) s->prev->next = s->next;
    else s->owner->stmts = s->next;
    if (s->next) s->next->prev = s->prev;
    s->prev = s->next = NULL;
    s->owner = NULL;
}

/***
db:close() and __gc/__close: finalizes its statements, closes; idempotent
@function Db:close
@return nothing
*/
static int db_close(lua_State *L)
{
    ldb *d = luaL_checkudata(L, 1, QR_DB_MT);
    if (d->db) {
        while (d->stmts) {
            lstmt *s = d->stmts;
            sqlite3_finalize(s->st);
            s->st = NULL;
            unlink_stmt(s);
        }
        sqlite3_close_v2(d->db);
        d->db = NULL;
        if (d->mem_limit > 0) sqlite3_hard_heap_limit64(0);   /* db:memory_limit's, lifted */
        d->mem_limit = 0;
    }
    return 0;
}

/* tostring(db) -> "quarry.Db: path" or "quarry.Db (closed)" */
static int db_tostring(lua_State *L)
{
    ldb *d = luaL_checkudata(L, 1, QR_DB_MT);
    if (!d->db) {
        lua_pushliteral(L, "quarry.Db (closed)");
        return 1;
    }
    lua_pushfstring(L, "quarry.Db: %s", push_path(L, 1));
    return 1;
}

/***
db:exec(sql) -> true | nil, message, code  (any number of statements, no rows)
@function Db:exec
@param sql string one or more statements
@return true; or nil, message, code
*/
static int db_exec(lua_State *L)
{
    ldb *d = check_db(L, 1);
    const char *sql = luaL_checkstring(L, 2);
    int rc = sqlite3_exec(d->db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK) return fail_db(L, 1, d->db, rc);
    lua_pushboolean(L, 1);
    return 1;
}

/***
db:prepare(sql) -> quarry.Stmt | nil, message, code  (exactly one statement)
@function Db:prepare
@param sql string one statement
@return quarry.Stmt; or nil, message, code
*/
static int db_prepare(lua_State *L)
{
    ldb *d = check_db(L, 1);
    size_t len;
    const char *sql = luaL_checklstring(L, 2, &len);
    const char *tail = NULL;
    lstmt *s;
    int rc;

    /* the userdata first: nothing can raise once SQLite holds a statement */
    s = lua_newuserdatauv(L, sizeof *s, 1);
    memset(s, 0, sizeof *s);
    luaL_setmetatable(L, QR_STMT_MT);
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, -2, 1);
    if (len > 0x7FFFFFFF) return luaL_argerror(L, 2, "SQL text too long");
    rc = sqlite3_prepare_v3(d->db, sql, (int)len, SQLITE_PREPARE_PERSISTENT, &s->st, &tail);
    if (rc != SQLITE_OK) {
        lua_pop(L, 1);
        return fail_db(L, 1, d->db, rc);
    }
    if (d->read_only_sql && s->st && !sqlite3_stmt_readonly(s->st)) {
        sqlite3_finalize(s->st);
        s->st = NULL;
        lua_pop(L, 1);
        return fail_with(L, 1, "not authorized: a statement that writes (only reading the corpus is allowed)",
                         SQLITE_AUTH);
    }
    while (tail && *tail && strchr(" \t\r\n;", *tail)) tail++;
    if (!s->st || (tail && *tail)) {
        int empty = !s->st;
        sqlite3_finalize(s->st);
        s->st = NULL;
        return luaL_argerror(L, 2, empty ? "no SQL statement" : "db:prepare takes one SQL statement");
    }
    s->owner = d;
    s->next = d->stmts;
    if (d->stmts) d->stmts->prev = s;
    d->stmts = s;
    return 1;
}

/***
db:changes() -> rows changed by the last INSERT, UPDATE or DELETE
@function Db:changes
@return integer
*/
static int db_changes(lua_State *L)
{
    lua_pushinteger(L, sqlite3_changes64(check_db(L, 1)->db));
    return 1;
}

/***
db:last_insert_rowid() -> rowid of the last insert
@function Db:last_insert_rowid
@return integer
*/
static int db_last_insert_rowid(lua_State *L)
{
    lua_pushinteger(L, sqlite3_last_insert_rowid(check_db(L, 1)->db));
    return 1;
}

/***
db:errmsg() -> SQLite's message for the last failure on this connection
@function Db:errmsg
@return string
*/
static int db_errmsg(lua_State *L)
{
    lua_pushstring(L, sqlite3_errmsg(check_db(L, 1)->db));
    return 1;
}

/***
db:readonly() -> true when the main database cannot be written
@function Db:readonly
@return boolean
*/
static int db_readonly(lua_State *L)
{
    lua_pushboolean(L, sqlite3_db_readonly(check_db(L, 1)->db, "main") == 1);
    return 1;
}

/***
db:autocommit() -> true outside an explicit transaction
@function Db:autocommit
@return boolean
*/
static int db_autocommit(lua_State *L)
{
    lua_pushboolean(L, sqlite3_get_autocommit(check_db(L, 1)->db));
    return 1;
}

/* --- immutable files --------------------------------------------------------------- */

/* Pushes the URI that opens path read-only as an immutable file: SQLite
 * then takes no locks and needs no -wal or -shm file, so a corpus in a
 * folder nobody may write can be read. Characters a URI gives a meaning
 * (%, ?, #) are percent-encoded. */
static const char *push_immutable_uri(lua_State *L, const char *path)
{
    luaL_Buffer b;
    const char *p;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, path[0] == '/' ? "file://" : "file:");
    for (p = path; *p; p++) {
        if (*p == '%' || *p == '?' || *p == '#') {
            char esc[4];
            esc[0] = '%';
            esc[1] = "0123456789ABCDEF"[(unsigned char)*p >> 4];
            esc[2] = "0123456789ABCDEF"[(unsigned char)*p & 0xF];
            esc[3] = '\0';
            luaL_addstring(&b, esc);
        } else {
            luaL_addchar(&b, *p);
        }
    }
    luaL_addstring(&b, "?immutable=1");
    luaL_pushresult(&b);
    return lua_tostring(L, -1);
}

/***
Opening a database.
@section db_open
*/

/***
quarry.core.db_open(path [, {readonly = false, create = true, timeout_ms = 5000, immutable = false}])
  -> quarry.Db | nil, message, code   (path may be ":memory:")
immutable opens the file read-only as one nobody changes (see
push_immutable_uri): for a corpus in a folder that cannot be written.
@function db_open
@param path string the file, or ":memory:"
@param opts table optional: readonly, create, timeout_ms
@return quarry.Db; or nil, message, code
*/
static int l_db_open(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    int readonly = 0, create = 1, immutable = 0, rc;
    lua_Integer timeout = 5000;
    ldb *d;

    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        lua_pushnil(L);
        while (lua_next(L, 2)) {
            const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
            if (!strcmp(key, "readonly")) readonly = lua_toboolean(L, -1);
            else if (!strcmp(key, "create")) create = lua_toboolean(L, -1);
            else if (!strcmp(key, "immutable")) immutable = lua_toboolean(L, -1);
            else if (!strcmp(key, "timeout_ms")) {
                if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 0 || lua_tointeger(L, -1) > 0x7FFFFFFF)
                    qr_option_error(L, 2, key, "must be a non-negative integer (milliseconds)");
                timeout = lua_tointeger(L, -1);
            } else {
                return luaL_argerror(L, 2, lua_pushfstring(L, "unknown option '%s'", key));
            }
            lua_pop(L, 1);
        }
    }
    d = lua_newuserdatauv(L, sizeof *d, 1);
    memset(d, 0, sizeof *d);
    luaL_setmetatable(L, QR_DB_MT);
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, -2, 1);
    if (immutable)
        rc = sqlite3_open_v2(push_immutable_uri(L, path), &d->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
    else
        rc = sqlite3_open_v2(path, &d->db,
                             readonly ? SQLITE_OPEN_READONLY
                                      : SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0), NULL);
    if (immutable) lua_pop(L, 1);
    if (rc == SQLITE_OK) {
        sqlite3_extended_result_codes(d->db, 1);
        sqlite3_busy_timeout(d->db, (int)timeout);
        rc = qr_fts_register(d->db);
        if (rc != SQLITE_OK) {
            sqlite3_close_v2(d->db);
            d->db = NULL;
            return fail_with(L, -1, "cannot register the quarry FTS5 tokenizer (does this SQLite have FTS5?)", rc);
        }
        return 1;
    }
    if (!d->db) return fail_with(L, -1, "not enough memory to open", SQLITE_NOMEM);
    rc = fail_db(L, lua_gettop(L), d->db, rc);
    sqlite3_close_v2(d->db);
    d->db = NULL;
    return rc;
}

/* --- the read-only authorizer ---------------------------------------------------------- */

/* What SQL may do while db:authorizer("read") is set (reports' SQL, and
 * the host's while a report runs): SQLite asks at prepare time, for every
 * action a statement takes, and anything not allowed here fails with
 * "not authorized". The allow-list:
 *
 *   SQLITE_SELECT, SQLITE_RECURSIVE   queries, WITH RECURSIVE
 *   SQLITE_READ                       columns of any table the connection
 *                                     has: the corpus, and databases the
 *                                     host attached before
 *   SQLITE_FUNCTION                   every function but those below
 *   SQLITE_PRAGMA                     only the introspection pragmas below
 *   SQLITE_UPDATE of sqlite_master    SQLite's own, when FTS5 connects
 *
 * Refused: writing (INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, REINDEX,
 * ANALYZE), ATTACH and DETACH (and so VACUUM INTO, which attaches its
 * output file), transactions and savepoints, every other PRAGMA. What
 * SQLite says would write without asking (REINDEX, VACUUM) is refused by
 * db:prepare after the fact (sqlite3_stmt_readonly). */
static const char *const denied_functions[] = {
    "load_extension",              /* loads a shared library */
    "readfile", "writefile", "edit", /* the sqlite3 shell's file functions, if registered */
    "fts3_tokenizer",              /* takes and hands out C pointers */
    NULL
};

static const char *const read_pragmas[] = {
    "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
    "foreign_key_list", "collation_list", "function_list", "module_list", "pragma_list",
    "database_list", "compile_options",
    "data_version",                /* FTS5 asks it; it has no form that writes */
    NULL
};

static int in_list(const char *const *list, const char *name)
{
    if (!name) return 0;
    for (; *list; list++)
        if (!sqlite3_stricmp(*list, name)) return 1;
    return 0;
}

static const char *write_action(int action)
{
    switch (action) {
    case SQLITE_INSERT: return "INSERT into";
    case SQLITE_UPDATE: return "UPDATE of";
    case SQLITE_DELETE: return "DELETE from";
    case SQLITE_ALTER_TABLE: return "ALTER TABLE";
    case SQLITE_ANALYZE: return "ANALYZE";
    case SQLITE_REINDEX: return "REINDEX";
    case SQLITE_CREATE_VTABLE: case SQLITE_CREATE_INDEX: case SQLITE_CREATE_TABLE: case SQLITE_CREATE_TRIGGER:
    case SQLITE_CREATE_VIEW: case SQLITE_CREATE_TEMP_INDEX: case SQLITE_CREATE_TEMP_TABLE:
    case SQLITE_CREATE_TEMP_TRIGGER: case SQLITE_CREATE_TEMP_VIEW: return "CREATE";
    default: return "DROP";
    }
}

static int read_authorizer(void *ud, int action, const char *a, const char *b, const char *schema,
                           const char *trigger)
{
    ldb *d = ud;
    (void)schema;
    (void)trigger;
    switch (action) {
    case SQLITE_SELECT: case SQLITE_RECURSIVE: case SQLITE_READ:
        return SQLITE_OK;
    case SQLITE_UPDATE:
        /* SQLite's own bookkeeping when a virtual table (FTS5) connects;
         * SQL that updates the schema table fails anyway (no
         * writable_schema), and db:prepare refuses statements that write */
        if (a && !sqlite3_stricmp(a, "sqlite_master")) return SQLITE_OK;
        break;
    case SQLITE_FUNCTION:
        if (!in_list(denied_functions, b)) return SQLITE_OK;
        snprintf(d->denied, sizeof d->denied, "function %s()", b);
        return SQLITE_DENY;
    case SQLITE_PRAGMA:
        if (in_list(read_pragmas, a)) return SQLITE_OK;
        snprintf(d->denied, sizeof d->denied, "PRAGMA %s", a ? a : "?");
        return SQLITE_DENY;
    case SQLITE_ATTACH:
        snprintf(d->denied, sizeof d->denied, "ATTACH (or VACUUM INTO)");
        return SQLITE_DENY;
    case SQLITE_DETACH:
        snprintf(d->denied, sizeof d->denied, "DETACH");
        return SQLITE_DENY;
    case SQLITE_TRANSACTION: case SQLITE_SAVEPOINT:
        snprintf(d->denied, sizeof d->denied, "transactions");
        return SQLITE_DENY;
    default:
        break;
    }
    snprintf(d->denied, sizeof d->denied, "writing (%s%s%s)", write_action(action), a ? " " : "", a ? a : "");
    return SQLITE_DENY;
}

/***
db:authorizer(mode) -> db: mode "read" or nil
"read": from now on, statements prepared on this connection may only
read (the allow-list above); nil: no authorizer. Statements prepared
before keep what they were allowed.
@function Db:authorizer
@param mode string "read", or nil for no authorizer
@return quarry.Db the connection
*/
static int db_authorizer(lua_State *L)
{
    ldb *d = check_db(L, 1);
    int rc;
    if (lua_isnoneornil(L, 2)) {
        rc = sqlite3_set_authorizer(d->db, NULL, NULL);
        d->read_only_sql = 0;
    } else {
        const char *policy = luaL_checkstring(L, 2);
        if (strcmp(policy, "read") != 0) return luaL_argerror(L, 2, "expected \"read\" or nil");
        d->denied[0] = '\0';
        rc = sqlite3_set_authorizer(d->db, read_authorizer, d);
        d->read_only_sql = 1;
    }
    if (rc != SQLITE_OK) return luaL_error(L, "cannot set the authorizer: %s", sqlite3_errstr(rc));
    lua_settop(L, 1);
    return 1;
}

/***
A prepared statement (db:prepare). Parameters are numbered from 1 or named
(:name, @name, $name).
@type Stmt
*/

/* --- quarry.Stmt ----------------------------------------------------------------- */

static lstmt *check_stmt(lua_State *L, int idx)
{
    lstmt *s = luaL_checkudata(L, idx, QR_STMT_MT);
    if (!s->st) luaL_error(L, "attempt to use a closed quarry.Stmt");
    return s;
}

/***
stmt:close() and __gc/__close: finalizes; idempotent
@function Stmt:close
@return nothing
*/
static int stmt_close(lua_State *L)
{
    lstmt *s = luaL_checkudata(L, 1, QR_STMT_MT);
    if (s->st) {
        sqlite3_finalize(s->st);
        s->st = NULL;
        unlink_stmt(s);
    }
    return 0;
}

/* tostring(stmt) -> "quarry.Stmt: SQL" or "quarry.Stmt (closed)" */
static int stmt_tostring(lua_State *L)
{
    lstmt *s = luaL_checkudata(L, 1, QR_STMT_MT);
    if (!s->st) lua_pushliteral(L, "quarry.Stmt (closed)");
    else lua_pushfstring(L, "quarry.Stmt: %s", sqlite3_sql(s->st));
    return 1;
}

/* A failure of a statement: nil, message, code (the Db is user value 1). */
static int fail_stmt(lua_State *L, int idx, lstmt *s, int rc)
{
    int n;
    lua_getiuservalue(L, idx, 1);
    n = fail_db(L, lua_gettop(L), s->owner->db, rc);
    lua_remove(L, -n - 1);
    return n;
}

/* Before raising while strings are bound without a copy (see bind_value):
 * no binding may outlive the strings. */
static void drop_borrowed(lstmt *s, int borrow)
{
    if (borrow) sqlite3_clear_bindings(s->st);
}

/* Parameter number of the key at idx: an integer, or a name with or
 * without its prefix (":id", "@id", "$id" or "id"). Raises if unknown. */
static int param_index(lua_State *L, lstmt *s, int idx, int arg, int borrow)
{
    int n = sqlite3_bind_parameter_count(s->st), i = 0;
    if (lua_type(L, idx) == LUA_TNUMBER) {
        lua_Integer k = lua_isinteger(L, idx) ? lua_tointeger(L, idx) : 0;
        if (k < 1 || k > n) {
            drop_borrowed(s, borrow);
            return luaL_argerror(L, arg, lua_pushfstring(L, "no parameter %s (the statement has %d)",
                                                         lua_tostring(L, idx), n));
        }
        return (int)k;
    }
    if (lua_type(L, idx) == LUA_TSTRING) {
        const char *name = lua_tostring(L, idx);
        if (strchr(":@$?", name[0])) i = sqlite3_bind_parameter_index(s->st, name);
        else {
            static const char prefixes[] = ":@$";
            for (int k = 0; !i && prefixes[k]; k++) {
                char buf[128];
                size_t len = strlen(name);
                if (len + 2 > sizeof buf) break;
                buf[0] = prefixes[k];
                memcpy(buf + 1, name, len + 1);
                i = sqlite3_bind_parameter_index(s->st, buf);
            }
        }
        if (!i) {
            drop_borrowed(s, borrow);
            return luaL_argerror(L, arg, lua_pushfstring(L, "no parameter named '%s'", name));
        }
        return i;
    }
    drop_borrowed(s, borrow);
    return luaL_argerror(L, arg, "parameter must be an index or a name");
}

/* Binds the value at idx to parameter i; raises on a type SQLite cannot
 * store. With borrow, a string is bound without a copy: the caller keeps it
 * alive and clears the binding before returning to Lua. */
static void bind_value(lua_State *L, lstmt *s, int i, int idx, int arg, int borrow)
{
    int rc;
    switch (lua_type(L, idx)) {
    case LUA_TNONE: case LUA_TNIL:
        rc = sqlite3_bind_null(s->st, i);
        break;
    case LUA_TBOOLEAN:
        rc = sqlite3_bind_int(s->st, i, lua_toboolean(L, idx));
        break;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) rc = sqlite3_bind_int64(s->st, i, lua_tointeger(L, idx));
        else rc = sqlite3_bind_double(s->st, i, lua_tonumber(L, idx));
        break;
    case LUA_TSTRING: {
        size_t len;
        const char *v = lua_tolstring(L, idx, &len);
        rc = sqlite3_bind_text64(s->st, i, v, len, borrow ? SQLITE_STATIC : SQLITE_TRANSIENT, SQLITE_UTF8);
        break;
    }
    default:
        drop_borrowed(s, borrow);
        luaL_argerror(L, arg, lua_pushfstring(L, "cannot bind a %s (nil, boolean, number or string)",
                                              luaL_typename(L, idx)));
        return;
    }
    if (rc != SQLITE_OK) drop_borrowed(s, borrow);
    if (rc == SQLITE_TOOBIG) luaL_argerror(L, arg, "value too large for SQLite");
    else if (rc == SQLITE_NOMEM) luaL_error(L, "not enough memory to bind a value");
    else if (rc != SQLITE_OK) luaL_error(L, "cannot bind parameter %d: %s", i, sqlite3_errstr(rc));
}

/***
stmt:bind(index_or_name, value) -> stmt  (resets the statement; other bindings stay)
@function Stmt:bind
@param index_or_name integer or string the parameter
@param value a string, number, boolean or nil
@return quarry.Stmt the statement
*/
static int stmt_bind(lua_State *L)
{
    lstmt *s = check_stmt(L, 1);
    int i = param_index(L, s, 2, 2, 0);
    sqlite3_reset(s->st);
    bind_value(L, s, i, 3, 3, 0);
    lua_settop(L, 1);
    return 1;
}

/* Clears all bindings, then binds the arguments from first on: either
 * values in order, or one table (array part by position, string keys by name).
 * borrow: see bind_value (the table or the stack keeps the strings alive). */
static void bind_args(lua_State *L, lstmt *s, int first, int borrow)
{
    int top = lua_gettop(L), k;
    sqlite3_reset(s->st);
    sqlite3_clear_bindings(s->st);
    if (top == first && lua_type(L, first) == LUA_TTABLE) {
        lua_pushnil(L);
        while (lua_next(L, first)) {
            int i = param_index(L, s, -2, first, borrow);
            bind_value(L, s, i, -1, first, borrow);
            lua_pop(L, 1);
        }
        return;
    }
    if (top - first + 1 > sqlite3_bind_parameter_count(s->st))
        luaL_error(L, "%d values for %d parameters", top - first + 1, sqlite3_bind_parameter_count(s->st));
    for (k = first; k <= top; k++) bind_value(L, s, k - first + 1, k, k, borrow);
}

/***
stmt:bind_all(...) or stmt:bind_all{...} -> stmt  (resets; unbound parameters are NULL)
@function Stmt:bind_all
@param ... the values in parameter order, or one table of them (names for named parameters)
@return quarry.Stmt the statement
*/
static int stmt_bind_all(lua_State *L)
{
    lstmt *s = check_stmt(L, 1);
    bind_args(L, s, 2, 0);
    lua_settop(L, 1);
    return 1;
}

/***
stmt:step() -> true (a row) | false (done) | nil, message, code (the statement is reset)
@function Stmt:step
@return boolean true for a row, false when done; or nil, message, code
*/
static int stmt_step(lua_State *L)
{
    lstmt *s = check_stmt(L, 1);
    int rc = sqlite3_step(s->st);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
        lua_pushboolean(L, rc == SQLITE_ROW);
        return 1;
    }
    rc = fail_stmt(L, 1, s, rc);
    sqlite3_reset(s->st);
    return rc;
}

/***
stmt:run([value... | {...}]) -> changes, last_insert_rowid | nil, message, code
Binds the arguments (as bind_all), steps until the statement is done,
resets it and clears its bindings: one call for an INSERT, UPDATE or
DELETE; returns the rows it changed and the connection's last inserted
rowid. Strings are not copied: they stay on the stack (or in the table)
for the whole call, and no binding outlives it.
@function Stmt:run
@param ... optional: the values to bind, as for bind_all
@return integer the rows changed; or nil, message, code
@return integer the connection's last inserted rowid
*/
static int stmt_run(lua_State *L)
{
    lstmt *s = check_stmt(L, 1);
    int rc;
    bind_args(L, s, 2, 1);
    while ((rc = sqlite3_step(s->st)) == SQLITE_ROW) {}
    if (rc != SQLITE_DONE) {
        char msg[512];
        copy_errmsg(s->owner->db, msg, sizeof msg);
        sqlite3_reset(s->st);
        sqlite3_clear_bindings(s->st);
        lua_getiuservalue(L, 1, 1);
        return fail_copied(L, lua_gettop(L), msg, rc);
    }
    sqlite3_reset(s->st);
    sqlite3_clear_bindings(s->st);
    lua_pushinteger(L, sqlite3_changes64(s->owner->db));
    lua_pushinteger(L, sqlite3_last_insert_rowid(s->owner->db));
    return 2;
}

/***
stmt:reset() -> stmt  (keeps the bindings)
@function Stmt:reset
@return quarry.Stmt the statement
*/
static int stmt_reset(lua_State *L)
{
    lstmt *s = check_stmt(L, 1);
    sqlite3_reset(s->st);
    lua_settop(L, 1);
    return 1;
}

static void push_column(lua_State *L, sqlite3_stmt *st, int i)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER: lua_pushinteger(L, sqlite3_column_int64(st, i)); break;
    case SQLITE_FLOAT: lua_pushnumber(L, sqlite3_column_double(st, i)); break;
    case SQLITE_TEXT: {
        const char *v = (const char *)sqlite3_column_text(st, i);
        int n = sqlite3_column_bytes(st, i);
        if (v) lua_pushlstring(L, v, (size_t)n);
        else if (sqlite3_errcode(sqlite3_db_handle(st)) == SQLITE_NOMEM)
            luaL_error(L, "not enough memory to read a column");
        else lua_pushliteral(L, "");
        break;
    }
    case SQLITE_BLOB: {
        const void *v = sqlite3_column_blob(st, i);
        int n = sqlite3_column_bytes(st, i);
        lua_pushlstring(L, v ? v : "", v ? (size_t)n : 0);
        break;
    }
    default: lua_pushnil(L); break;
    }
}

static void push_row(lua_State *L, sqlite3_stmt *st)
{
    int n = sqlite3_data_count(st), i;
    lua_createtable(L, 0, n);
    for (i = 0; i < n; i++) {
        const char *name = sqlite3_column_name(st, i);
        if (!name) luaL_error(L, "not enough memory to read a column name");
        push_column(L, st, i);
        lua_setfield(L, -2, name);
    }
}

/***
stmt:row() -> {column = value, ...} of the current row (NULL -> absent)
@function Stmt:row
@return table
*/
static int stmt_row(lua_State *L)
{
    push_row(L, check_stmt(L, 1)->st);
    return 1;
}

/***
stmt:values() -> value, value, ... of the current row, in column order
@function Stmt:values
@return the values
*/
static int stmt_values(lua_State *L)
{
    lstmt *s = check_stmt(L, 1);
    int n = sqlite3_data_count(s->st), i;
    luaL_checkstack(L, n, "too many columns");
    for (i = 0; i < n; i++) push_column(L, s->st, i);
    return n;
}

/* The iterator of stmt:rows(): a row table, or nil when done; a failure
 * raises (a for loop cannot return nil, message). */
static int rows_iter(lua_State *L)
{
    lstmt *s = check_stmt(L, 1);
    int rc = sqlite3_step(s->st);
    if (rc == SQLITE_ROW) {
        push_row(L, s->st);
        return 1;
    }
    if (rc == SQLITE_DONE) {
        sqlite3_reset(s->st);
        return 0;
    }
    fail_stmt(L, 1, s, rc);
    sqlite3_reset(s->st);
    lua_pop(L, 1);           /* the code; raise the message */
    return lua_error(L);
}

/* __close of the value closing a for loop over stmt:rows(): resets it */
static int guard_close(lua_State *L)
{
    lstmt *s;
    lua_getiuservalue(L, 1, 1);
    s = luaL_testudata(L, -1, QR_STMT_MT);
    if (s && s->st) sqlite3_reset(s->st);
    return 0;
}

/***
for row in stmt:rows([value... | {...}]) do ... end
Binds the arguments when there are any, resets, iterates; leaving the
loop early (break, error) resets the statement too.
@function Stmt:rows
@param ... optional: the values to bind, as for bind_all
@return an iterator yielding each row as a table
*/
static int stmt_rows(lua_State *L)
{
    lstmt *s = check_stmt(L, 1);
    if (lua_gettop(L) > 1) bind_args(L, s, 2, 0);
    else sqlite3_reset(s->st);
    lua_pushcfunction(L, rows_iter);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    lua_newuserdatauv(L, 0, 1);
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, -2, 1);
    luaL_setmetatable(L, QR_STMT_GUARD_MT);
    return 4;
}

/***
stmt:columns() -> {name, ...} in column order
@function Stmt:columns
@return table
*/
static int stmt_columns(lua_State *L)
{
    lstmt *s = check_stmt(L, 1);
    int n = sqlite3_column_count(s->st), i;
    lua_createtable(L, n, 0);
    for (i = 0; i < n; i++) {
        const char *name = sqlite3_column_name(s->st, i);
        if (!name) return luaL_error(L, "not enough memory to read a column name");
        lua_pushstring(L, name);
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

/***
Content hashes and UTF-8.
@section hashes
*/

/* --- content hash ---------------------------------------------------------------- */

/* 8 bytes as a little-endian number, whatever the machine's order, so a
 * hash is the same everywhere (compilers turn this into one load). */
static uint64_t le64(const unsigned char *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24
         | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

static uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

/***
quarry.core.hash(s) -> 16 hex digits: a 64-bit content hash (8 bytes a
step, then MurmurHash3's finaliser), the same on every platform. For ids
of documents that come without one and for noticing changed text; not
for security.
@function hash
@param s string any bytes
@return string 16 hex digits
*/
static int l_hash(lua_State *L)
{
    size_t len, i;
    const unsigned char *s = (const unsigned char *)luaL_checklstring(L, 1, &len);
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ (uint64_t)len, tail = 0;
    char out[17];
    static const char hex[] = "0123456789abcdef";
    for (i = 0; i + 8 <= len; i += 8) {
        h = (h ^ le64(s + i)) * 0x9E3779B97F4A7C15ULL;
        h ^= h >> 29;
    }
    for (; i < len; i++) tail = tail << 8 | s[i];
    h = mix64((h ^ tail) * 0xC2B2AE3D27D4EB4FULL);
    for (i = 0; i < 16; i++) out[i] = hex[(h >> (60 - 4 * i)) & 0xF];
    lua_pushlstring(L, out, 16);
    return 1;
}

/***
quarry.core.utf8_valid(s) -> true | false, offset of the first invalid byte (0-based)
The same verdict as utf8.len(s) (no overlongs, surrogates or code points
past U+10FFFF), several times faster on mostly ASCII text.
@function utf8_valid
@param s string any bytes
@return boolean
@return integer the offset of the first invalid byte, when not valid
*/
static int l_utf8_valid(lua_State *L)
{
    size_t len, bad;
    const unsigned char *s = (const unsigned char *)luaL_checklstring(L, 1, &len);
    bad = qr_utf8_invalid_at(s, len);
    if (bad < len) {
        lua_pushboolean(L, 0);
        lua_pushinteger(L, (lua_Integer)bad);
        return 2;
    }
    lua_pushboolean(L, 1);
    return 1;
}

/* --- time limit ------------------------------------------------------------------------ */

/* How often, in SQLite virtual machine instructions, the progress handler
 * looks at the clock: about every tenth of a millisecond of a busy query,
 * at a cost too small to measure. */
#define QR_PROGRESS_OPS 1000

static double monotonic_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The progress handler: non-zero stops the statement (SQLITE_INTERRUPT). */
static int past_deadline(void *ud)
{
    ldb *d = ud;
    if (d->deadline > 0 && monotonic_seconds() > d->deadline) {
        d->timed_out = 1;
        return 1;
    }
    return 0;
}

/***
db:time_limit(ms) -> db
Statements stepped from now on fail with code "interrupt" once ms
milliseconds have passed (wall clock, counted from this call, Lua's time
between steps included); db:time_limit(nil) or (0) lifts the limit.
SQLite calls the check every QR_PROGRESS_OPS instructions, also inside
FTS5's own reads.
@function Db:time_limit
@param ms integer the limit in milliseconds; nil or 0 lifts it
@return quarry.Db the connection
*/
static int db_time_limit(lua_State *L)
{
    ldb *d = check_db(L, 1);
    lua_Integer ms = luaL_optinteger(L, 2, 0);
    luaL_argcheck(L, ms >= 0, 2, "the time limit must be a non-negative number of milliseconds");
    d->timed_out = 0;
    d->limit_ms = ms;
    if (ms > 0) {
        d->deadline = monotonic_seconds() + (double)ms / 1000.0;
        sqlite3_progress_handler(d->db, QR_PROGRESS_OPS, past_deadline, d);
    } else {
        d->deadline = 0;
        sqlite3_progress_handler(d->db, 0, NULL, NULL);
    }
    lua_settop(L, 1);
    return 1;
}

/***
db:timed_out() -> ms | nil: the limit that stopped a statement since
db:time_limit was last called, or nil when none was stopped.
@function Db:timed_out
@return integer the limit in ms that stopped a statement, or nil
*/
static int db_timed_out(lua_State *L)
{
    ldb *d = check_db(L, 1);
    if (d->timed_out) lua_pushinteger(L, d->limit_ms);
    else lua_pushnil(L);
    return 1;
}

/* --- memory limit ---------------------------------------------------------------------- */

/***
db:memory_limit(bytes) -> db
From now on, SQLite's heap may grow by at most bytes over what it holds
now (sqlite3_hard_heap_limit64): past it, a statement fails with code
"nomem" and a message that says so. db:memory_limit(nil) or (0) lifts it.
The limit is the process's, not the connection's: set it around work
that must not take all the memory (a report's SQL), and lift it after.
@function Db:memory_limit
@param bytes integer the most SQLite's heap may grow by; nil or 0 lifts the limit
@return quarry.Db the connection
*/
static int db_memory_limit(lua_State *L)
{
    ldb *d = check_db(L, 1);
    lua_Integer bytes = luaL_optinteger(L, 2, 0);
    luaL_argcheck(L, bytes >= 0, 2, "the memory limit must be a non-negative number of bytes");
    d->mem_limit = bytes;
    sqlite3_hard_heap_limit64(bytes > 0 ? sqlite3_memory_used() + bytes : 0);
    lua_settop(L, 1);
    return 1;
}

/* --- registration ------------------------------------------------------------------ */

static void new_class(lua_State *L, const char *name, const luaL_Reg *methods, lua_CFunction release,
                      lua_CFunction tostring)
{
    luaL_newmetatable(L, name);
    lua_newtable(L);
    luaL_setfuncs(L, methods, 0);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, release);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, release);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
}

void qr_open_db(lua_State *L)
{
    static const luaL_Reg db_methods[] = {
        { "exec", db_exec }, { "prepare", db_prepare }, { "changes", db_changes },
        { "last_insert_rowid", db_last_insert_rowid }, { "errmsg", db_errmsg },
        { "readonly", db_readonly }, { "autocommit", db_autocommit }, { "authorizer", db_authorizer },
        { "close", db_close }, { "time_limit", db_time_limit }, { "timed_out", db_timed_out },
        { "memory_limit", db_memory_limit },
        { NULL, NULL }
    };
    static const luaL_Reg stmt_methods[] = {
        { "bind", stmt_bind }, { "bind_all", stmt_bind_all }, { "step", stmt_step },
        { "row", stmt_row }, { "values", stmt_values }, { "rows", stmt_rows },
        { "reset", stmt_reset }, { "run", stmt_run }, { "columns", stmt_columns },
        { "close", stmt_close },
        { NULL, NULL }
    };
    new_class(L, QR_DB_MT, db_methods, db_close, db_tostring);
    new_class(L, QR_STMT_MT, stmt_methods, stmt_close, stmt_tostring);
    luaL_newmetatable(L, QR_STMT_GUARD_MT);
    lua_pushcfunction(L, guard_close);
    lua_setfield(L, -2, "__close");
    lua_pop(L, 1);

    lua_pushcfunction(L, l_db_open);
    lua_setfield(L, -2, "db_open");
    lua_pushcfunction(L, l_hash);
    lua_setfield(L, -2, "hash");
    lua_pushcfunction(L, l_utf8_valid);
    lua_setfield(L, -2, "utf8_valid");
}
