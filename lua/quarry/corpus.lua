--- The corpus store: documents in one SQLite file, a full-text index on
-- quarry's own tokens, and the annotation spans the rule engine writes.
--
--   local corpus <close> = assert(quarry.open("news.db"))
--   corpus:ingest { "articles/" }
--   for _, hit in ipairs(assert(corpus:search('NEAR("peace talks" Geneva, 5)'))) do ... end
--
-- Conventions: misuse (a wrong argument, an unknown option, a closed
-- corpus) raises; failures of the world (a locked, read-only, corrupt or
-- full file, a malformed query) return nil, message, code, where code is
-- SQLite's word for it ("busy", "readonly", "corrupt", "notadb", "full",
-- "cantopen", "error", ...) or quarry's: "query" (a malformed search),
-- "input" (malformed JSONL), "notfound" (no such document), "version" (a
-- newer schema), "notacorpus". Offsets are 0-based bytes, stop exclusive, as everywhere in
-- quarry. Every write is one transaction: a crash leaves the file as it was
-- before the write, or after it.
-- @module quarry.corpus
local calendar = require "quarry.calendar"
local core = require "quarry.core"
local docs = require "quarry.docs"
local cjson = require "cjson.safe"

local error, getmetatable, setmetatable, ipairs, next, pairs, pcall, type, tostring, tonumber =
   error, getmetatable, setmetatable, ipairs, next, pairs, pcall, type, tostring, tonumber
local math_type, math_huge = math.type, math.huge
local table_pack = table.pack
local string_format, table_concat, table_sort, table_unpack =
   string.format, table.concat, table.sort, table.unpack
local utf8_len = utf8.len
local os_clock = os.clock
local hash, to_utf8 = core.hash, docs.to_utf8
local sorted_json = require("quarry.render.json").encode

local corpus = {}

--- The schema version this quarry writes and reads (PRAGMA user_version).
corpus.SCHEMA_VERSION = 1

local SCHEMA = [[
CREATE TABLE docs (
   rowid  INTEGER PRIMARY KEY,
   id     TEXT NOT NULL UNIQUE,
   title  TEXT,
   date   TEXT,            -- ISO 8601
   source TEXT,
   url    TEXT,
   text   TEXT NOT NULL,
   meta   TEXT,            -- JSON object
   hash   TEXT NOT NULL    -- quarry.core.hash(text)
);
CREATE VIRTUAL TABLE docs_fts USING fts5(
   title, text, content = 'docs', content_rowid = 'rowid', tokenize = 'quarry'
);
INSERT INTO docs_fts(docs_fts, rank) VALUES ('rank', 'bm25(2.0, 1.0)');
-- Bulk loading: merge index segments 8 at a time rather than 4 (measured:
-- faster ingest; a larger in-memory index than the default 1 MB was not).
INSERT INTO docs_fts(docs_fts, rank) VALUES ('automerge', 8);
-- Deletes and updates keep the index in step whoever makes them. Inserts
-- add the index entry themselves (quarry does, in the same transaction):
-- an FTS5 write inside a trigger flushes FTS5's in-memory index at every
-- statement, which makes a bulk load two to three times slower.
CREATE TRIGGER docs_ad AFTER DELETE ON docs BEGIN
   INSERT INTO docs_fts(docs_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
END;
CREATE TRIGGER docs_au AFTER UPDATE OF title, text ON docs BEGIN
   INSERT INTO docs_fts(docs_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
   INSERT INTO docs_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE TABLE spans (
   id    INTEGER PRIMARY KEY,
   doc   INTEGER NOT NULL REFERENCES docs(rowid) ON DELETE CASCADE,
   start INTEGER NOT NULL,
   stop  INTEGER NOT NULL,
   type  TEXT NOT NULL,
   rule  TEXT,
   pack  TEXT,
   attrs TEXT              -- JSON object
);
CREATE INDEX spans_type ON spans(type, doc);
CREATE INDEX spans_doc ON spans(doc, pack);
-- Which rule pack ran on which document, over which text (its hash): the
-- rule engine skips documents whose text and pack version are unchanged.
CREATE TABLE runs (
   doc     INTEGER NOT NULL REFERENCES docs(rowid) ON DELETE CASCADE,
   pack    TEXT NOT NULL,
   version TEXT,
   hash    TEXT NOT NULL,
   at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
   PRIMARY KEY (doc, pack)
) WITHOUT ROWID;
PRAGMA user_version = 1;
]]

-- Indexes for the reports (who said what, who is named): the names they
-- group by, so that a report reads an index rather than the JSON of
-- every span; and the documents' dates and outlets (the explorer's pages
-- and facets sort and count them without reading the text). Made with the schema, and on opening a file that lacks them
-- for writing (files made before them stay readable; reports on them are
-- slower).
local REPORT_INDEXES = [[
CREATE INDEX IF NOT EXISTS spans_speaker ON spans(type, json_extract(attrs, '$.speaker'), doc) WHERE type = 'quote';
CREATE INDEX IF NOT EXISTS spans_name ON spans(type, json_extract(attrs, '$.name'), doc)
   WHERE type IN ('person', 'organization', 'location');
CREATE INDEX IF NOT EXISTS spans_value ON spans(type, json_extract(attrs, '$.value'), doc) WHERE type = 'date';
CREATE INDEX IF NOT EXISTS docs_date ON docs(date);
CREATE INDEX IF NOT EXISTS docs_source ON docs(source, date);
]]

-- Views for any SQLite tool (docs/sql.md): the quotes and the entity
-- mentions with plain columns, so that an analyst's SQL needs no
-- json_extract. Read-only (a view without triggers cannot be written).
-- Made with the schema, and on opening for writing a file that lacks them.
local VIEWS = [[
CREATE VIEW IF NOT EXISTS quotes AS
SELECT d.id AS document, d.date AS date, d.source AS outlet, json_extract(s.attrs, '$.speaker') AS speaker,
       CAST(substr(CAST(d.text AS BLOB), s.start + 1, s.stop - s.start) AS TEXT) AS quote,
       json_extract(s.attrs, '$.cue') AS cue, json_extract(s.attrs, '$.kind') AS kind,
       s.start AS start, s.stop AS stop, s.doc AS doc_rowid, s.id AS span_id
FROM spans s JOIN docs d ON d.rowid = s.doc WHERE s.type = 'quote';
CREATE VIEW IF NOT EXISTS mentions AS
SELECT d.id AS document, d.date AS date, d.source AS outlet, s.type AS type, json_extract(s.attrs, '$.name') AS name,
       CAST(substr(CAST(d.text AS BLOB), s.start + 1, s.stop - s.start) AS TEXT) AS text,
       s.start AS start, s.stop AS stop, s.doc AS doc_rowid, s.id AS span_id
FROM spans s JOIN docs d ON d.rowid = s.doc WHERE s.type IN ('person', 'organization', 'location');
]]

local DROP_REPORT_INDEXES = "DROP INDEX IF EXISTS spans_speaker; DROP INDEX IF EXISTS spans_name; "
   .. "DROP INDEX IF EXISTS spans_value;"

local Corpus = {}
Corpus.__index = Corpus
Corpus.__name = "quarry.Corpus"
--- The methods of a corpus, for the modules that add their own
-- (quarry.runner adds corpus:extract, which joins the rule engine).
corpus.Corpus = Corpus

-- A table as JSON, keys sorted, so the same values make the same bytes in
-- every process (Lua seeds its table order per process); nil, message for
-- what JSON cannot hold.
local function json_of(t)
   local json, err = cjson.encode(t)
   if not json then return nil, err end
   local k1 = next(t)
   if k1 == nil or next(t, k1) == nil then return json end   -- one key: one order
   return sorted_json(t)
end

-- World failures travel as tables with this metatable from deep inside an
-- operation to its public method, which returns nil, message, code.
local Failure = {}

-- What SQLite's words for a lock or a read-only file leave unsaid.
local HINTS = {
   busy = " (another connection holds the write lock; try again later, or open with a longer timeout_ms)",
   readonly = " (the corpus was opened read-only, or the file or its folder cannot be written)",
   corrupt = " (the file is damaged: restore it from a copy, or ingest the documents into a new corpus)",
   full = " (the disk, or the size limit set for the database, is full; the write that failed stored nothing,"
      .. " earlier ones are kept)",
}

local function fail(msg, code)
   code = code or "error"
   if HINTS[code] and not msg:find(HINTS[code], 1, true) then msg = msg .. HINTS[code] end
   error(setmetatable({ msg = msg, code = code }, Failure), 0)
end

-- ok, or raise the failure nil, msg, code describes.
local function check(ok, msg, code)
   if ok == nil and msg ~= nil then fail(msg, code) end
   return ok
end

-- Runs fn(...) and turns a Failure into nil, message, code; anything else
-- (a bug) is raised again as it was.
local function guarded(fn, ...)
   local res = table_pack(pcall(fn, ...))
   if res[1] then return table_unpack(res, 2, res.n) end
   local e = res[2]
   if getmetatable(e) == Failure then return nil, e.msg, e.code end
   error(e, 0)
end

local function live(self, level)
   if getmetatable(self) ~= Corpus then error("expected a quarry.Corpus (use corpus:method())", level + 1) end
   if not self.db then error("attempt to use a closed quarry.Corpus", level + 1) end
   return self
end

local function check_opts(opts, known, level, what)
   if opts == nil then return {} end
   if type(opts) ~= "table" then error(what .. ": options must be a table", level + 1) end
   for k in pairs(opts) do
      if not known[k] then error(string_format("%s: unknown option '%s'", what, tostring(k)), level + 1) end
   end
   return opts
end

-- A cached prepared statement; raises a Failure when SQLite cannot prepare it.
local function stmt(self, sql)
   local st = self.stmts[sql]
   if not st then
      st = check(self.db:prepare(sql))
      self.stmts[sql] = st
   end
   return st
end

-- Binds, steps once; returns the row table (or nil when done) and resets.
local function first_row(st, ...)
   st:bind_all(...)
   local ok = check(st:step())
   local row = ok and st:row() or nil
   st:reset()
   return row
end

-- Binds, steps to the end; returns the row tables. (stmt:rows() raises a
-- plain message on a failure; this raises a Failure, so the public method
-- returns nil, message, code.)
local function all_rows(st, args)
   st:bind_all(args)
   local out = {}
   while true do
      local more, msg, code = st:step()
      if more == nil then fail(msg, code) end
      if not more then break end
      out[#out + 1] = st:row()
   end
   st:reset()
   return out
end

-- Binds and runs a statement that returns no rows.
local function run(st, ...)
   local ok, msg, code = st:run(...)
   if not ok then fail(msg, code) end
end

-- Runs fn(...) in one transaction (a savepoint inside another one); an
-- error in fn rolls back and is raised again.
local function transaction(self, fn, ...)
   local db = self.db
   local res
   if db:autocommit() then
      -- IMMEDIATE: take the write lock now (waiting up to the busy timeout),
      -- not halfway through, when waiting could deadlock with another writer
      check(db:exec("BEGIN IMMEDIATE"))
      res = table_pack(pcall(fn, ...))
      if res[1] then
         local ok, msg, code = db:exec("COMMIT")
         if ok then return table_unpack(res, 2, res.n) end
         if not db:autocommit() then db:exec("ROLLBACK") end
         fail(msg, code)
      end
      if not db:autocommit() then db:exec("ROLLBACK") end
   else
      check(db:exec("SAVEPOINT quarry"))
      res = table_pack(pcall(fn, ...))
      if res[1] then
         check(db:exec("RELEASE quarry"))
         return table_unpack(res, 2, res.n)
      end
      db:exec("ROLLBACK TO quarry")
      db:exec("RELEASE quarry")
   end
   error(res[2], 0)
end

--- corpus:transaction(fn, ...) -> fn's results | nil, message, code
-- Runs fn(...) in one transaction (a savepoint inside another): all of its
-- writes are kept, or none. An error in fn rolls back and is raised again;
-- methods called inside that return nil, message do not roll back by
-- themselves: check them, and raise to roll back.
-- @param fn function the writes to make as one
-- @param ... the arguments fn is called with
-- @return what fn returns; or nil, message, code when the commit fails
function Corpus:transaction(fn, ...)
   live(self, 2)
   if type(fn) ~= "function" then error("corpus:transaction: fn must be a function", 2) end
   return guarded(transaction, self, fn, ...)
end

-- --- opening ----------------------------------------------------------------

local function user_version(self)
   local row = first_row(stmt(self, "PRAGMA user_version"))
   return row and row.user_version or 0
end

local function setup(self, readonly)
   local db, path = self.db, self.path
   check(db:exec("PRAGMA foreign_keys = ON"))
   local version = user_version(self)
   if version > corpus.SCHEMA_VERSION then
      fail(string_format("%s: made by a newer version of quarry (corpus schema version %d; "
         .. "this quarry reads version %d and older)", path, version, corpus.SCHEMA_VERSION), "version")
   end
   if version == 0 then
      local other = first_row(stmt(self, "SELECT count(*) AS n FROM sqlite_schema"))
      if other.n > 0 then
         fail(path .. ": not a quarry corpus (an SQLite database with other tables)", "notacorpus")
      end
      if readonly then fail(path .. ": not a quarry corpus (empty file opened read-only)", "notacorpus") end
      -- before anything is written: 16 KB pages hold most articles on one
      -- page and make a bulk load faster and the file smaller (measured)
      check(db:exec("PRAGMA page_size = 16384"))
   end
   if not readonly and path ~= ":memory:" and path ~= "" then
      -- WAL: readers never wait for the writer; a commit is one append.
      local row = first_row(stmt(self, "PRAGMA journal_mode = WAL"))
      if not row or row.journal_mode ~= "wal" then
         fail(path .. ": cannot switch to WAL journal mode", "error")
      end
   end
   check(db:exec("PRAGMA synchronous = NORMAL"))
   if version == 0 then
      transaction(self, function()
         if user_version(self) == 0 then check(db:exec(SCHEMA)) end
      end)
   end
   if not readonly then
      local have = first_row(stmt(self, "SELECT count(*) AS n FROM sqlite_schema WHERE type = 'index' "
         .. "AND name IN ('spans_speaker', 'spans_name', 'spans_value', 'docs_date', 'docs_source')")).n
      if have < 5 then transaction(self, function() check(db:exec(REPORT_INDEXES)) end) end
      local views = first_row(stmt(self, "SELECT count(*) AS n FROM sqlite_schema WHERE type = 'view' "
         .. "AND name IN ('quotes', 'mentions')")).n
      if views < 2 then transaction(self, function() check(db:exec(VIEWS)) end) end
   end
   return true
end

-- A corpus in a folder nobody may write (a read-only mount, a shared
-- archive) cannot get the -shm file SQLite needs to read a WAL database:
-- opened read-only, it is read as an immutable file instead (no locks, no
-- -shm), unless a -wal file holds writes the database file lacks, which
-- that would miss. Returns the connection or nil, message, code.
local function open_immutable(path, msg, code)
   local f = io.open(path .. "-wal", "rb")
   local size = f and f:seek("end")
   if f then f:close() end
   if size and size > 0 then
      return nil, string_format("%s (its write-ahead log %s-wal holds changes, and reading them needs a "
         .. "%s-shm file that quarry may not create in that folder: open the corpus once with write access "
         .. "to the folder, or copy the three files elsewhere)", msg, path, path), code
   end
   return core.db_open(path, { immutable = true })
end

local function time_limit_opt(v, level)
   if v ~= nil and (math_type(v) ~= "integer" or v < 0) then
      error("option 'time_limit_ms' must be a non-negative integer (milliseconds; 0 for no limit)", level + 1)
   end
   return v ~= 0 and v or nil
end

--- quarry.open(path [, {readonly, create, timeout_ms, time_limit_ms}]) -> quarry.Corpus | nil, message, code
-- Opens (or creates) a corpus file; ":memory:" gives a corpus in memory.
-- readonly opens for reading only (a corpus in a folder that cannot be
-- written is then read as an immutable file: nobody must change it while it
-- is open); create = false refuses to create a missing file; timeout_ms
-- (default 5000) is how long a write waits for another writer before it
-- fails with code "busy"; time_limit_ms (default none) is how long a search,
-- a concordance or a report may take (corpus:with_time_limit).
-- @param path string the corpus file, or ":memory:"
-- @param opts table optional: readonly (boolean), create (boolean, default true), timeout_ms (integer, default 5000)
-- @return quarry.Corpus; or nil, message, code ("cantopen", "notadb", "version", "notacorpus", ...)
function corpus.open(path, opts)
   if type(path) ~= "string" or path == "" then error("quarry.open: path must be a non-empty string", 2) end
   opts = check_opts(opts, { readonly = true, create = true, timeout_ms = true, time_limit_ms = true }, 2,
      "quarry.open")
   local t = opts.timeout_ms
   if t ~= nil and (math_type(t) ~= "integer" or t < 0) then
      error("quarry.open: option 'timeout_ms' must be a non-negative integer", 2)
   end
   local ok, limit = pcall(time_limit_opt, opts.time_limit_ms, 1)
   if not ok then error("quarry.open: " .. limit, 2) end
   local readonly = opts.readonly and true or false
   local db, err, code = core.db_open(path, {
      readonly = readonly, create = opts.create ~= false and not readonly, timeout_ms = t or 5000,
   })
   if not db then return nil, err, code end
   local self = setmetatable({ db = db, path = path, stmts = {}, readonly = readonly, time_limit_ms = limit },
      Corpus)
   local msg, c
   ok, msg, c = guarded(setup, self, readonly)
   if not ok and readonly and (c == "readonly" or c == "cantopen") and path ~= ":memory:" then
      self:close()
      self.db, err, code = open_immutable(path, msg, c)
      if not self.db then return nil, err, code end
      self.immutable = true
      ok, msg, c = guarded(setup, self, readonly)
   end
   if not ok then
      self:close()
      return nil, msg, c
   end
   return self
end

--- corpus:with_time_limit(fn, ...) -> fn's results | nil, message, "timeout"
-- Runs fn(...) under the corpus's time limit (quarry.open's time_limit_ms),
-- counted from this call: a statement still running past it stops, and
-- this returns nil, "path: the query took longer than the time limit of N
-- ms", "timeout", whatever fn returned or raised. Without a limit, or
-- inside another call (a report that searches), it just runs fn. search,
-- kwic and quarry.reports.run use it.
-- @param fn function the reads to run
-- @param ... its arguments
-- @return what fn returns; or nil, message, "timeout"
function Corpus:with_time_limit(fn, ...)
   live(self, 2)
   local ms, db = self.time_limit_ms, self.db
   if not ms or self.timing then return fn(...) end
   self.timing = true
   db:time_limit(ms)
   local res = table_pack(pcall(fn, ...))
   local stopped = db:timed_out()
   db:time_limit(0)
   self.timing = false
   if stopped then
      return nil, string_format("%s: the query took longer than the time limit of %d ms", self.path, stopped),
         "timeout"
   end
   if not res[1] then error(res[2], 0) end
   return table_unpack(res, 2, res.n)
end

--- corpus:close(): closes the file; idempotent; also runs for <close> and __gc.
-- @return nothing
function Corpus:close()
   if self.db then
      for _, st in pairs(self.stmts) do st:close() end
      self.stmts = {}
      self.db:close()
      self.db = nil
   end
end
Corpus.__close = Corpus.close
Corpus.__gc = Corpus.close

function Corpus:__tostring()
   if not self.db then return "quarry.Corpus (closed)" end
   return "quarry.Corpus: " .. self.path
end

-- --- documents --------------------------------------------------------------

local DOC_FIELDS = { id = true, text = true, title = true, date = true, source = true, url = true,
   meta = true, path = true }

local function iso_date(s)
   if calendar.parse_iso(s) then return s end
   return nil
end

--- Whether s is an ISO 8601 date: YYYY, YYYY-MM, YYYY-MM-DD, optionally
-- followed by a time (THH:MM[:SS[.fff]]) and zone (Z, +HH:MM), of a real
-- day (quarry.calendar.parse_iso).
-- @param s string the text to check (any other value is not a date)
-- @return boolean
corpus.is_iso_date = function(s) return type(s) == "string" and iso_date(s) ~= nil end

-- A checked document row: raises (misuse) on a malformed one. warn hears
-- about text that had to be converted to UTF-8.
local function doc_row(doc, level, warn)
   if type(doc) ~= "table" then error("document must be a table", level + 1) end
   for k in pairs(doc) do
      if not DOC_FIELDS[k] then error(string_format("document has an unknown field '%s'", tostring(k)), level + 1) end
   end
   local text = doc.text
   if type(text) ~= "string" then error("document field 'text' must be a string", level + 1) end
   local id = doc.id
   if id == nil then id = doc.path and doc.path:gsub("^%./", "") or hash(text) end
   if math_type(id) == "integer" then id = tostring(id) end
   if type(id) ~= "string" or id == "" then
      error("document field 'id' must be a non-empty string or an integer", level + 1)
   end
   for _, k in ipairs { "title", "date", "source", "url" } do
      if doc[k] ~= nil and type(doc[k]) ~= "string" then
         error(string_format("document field '%s' must be a string", k), level + 1)
      end
   end
   if doc.date and not iso_date(doc.date) then
      error(string_format("document field 'date' must be ISO 8601 (YYYY-MM-DD...), not '%s'", doc.date), level + 1)
   end
   local meta = doc.meta
   if meta ~= nil then
      if type(meta) ~= "table" then error("document field 'meta' must be a table", level + 1) end
      local err
      meta, err = json_of(meta)
      if not meta then error("document field 'meta' cannot be stored as JSON: " .. err, level + 1) end
   end
   local utf8_text, bad = to_utf8(text)
   if bad and warn then
      warn(string_format("%s: not valid UTF-8 (first bad byte at offset %d); read as Windows-1252/Latin-1", id, bad))
   end
   local title = doc.title and to_utf8(doc.title)
   text = utf8_text
   return { id, title, doc.date, doc.source, doc.url, text, meta, hash(text) }
end

-- The row of a document read by quarry.docs (ids, fields and UTF-8 are
-- right already): a date that is not ISO 8601 moves to meta.date, with a
-- warning, as does metadata JSON cannot hold.
local function ingest_row(doc, warn, row)
   local text, date, meta = doc.text, doc.date, doc.meta
   if date and not iso_date(date) then
      if warn then warn(string_format("%s: date '%s' is not ISO 8601; kept in meta.date", doc.id, date)) end
      meta = meta or {}
      meta.date = date
      date = nil
   end
   if meta ~= nil then
      local json, err = json_of(meta)
      if not json and warn then warn(string_format("%s: metadata dropped: %s", doc.id, err)) end
      meta = json
   end
   row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], row[9] =
      doc.id, doc.title, date, doc.source, doc.url, text, meta, hash(text), nil
   return row
end

local INSERT_DOC = [[INSERT INTO docs(id, title, date, source, url, text, meta, hash)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(id) DO NOTHING]]
local REINSERT_DOC = [[INSERT INTO docs(rowid, id, title, date, source, url, text, meta, hash)
VALUES (?9, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)]]
local INSERT_FTS = "INSERT INTO docs_fts(rowid, title, text) VALUES (?, ?, ?)"
local OLD_DOC = "SELECT rowid, title, date, source, url, meta, hash FROM docs WHERE id = ?"

-- Stores one checked row; returns "added", "replaced", "unchanged" or "skipped".
local function put(self, row, replace)
   local changed, rowid, code = stmt(self, INSERT_DOC):run(row)
   if not changed then fail(rowid, code) end
   if changed > 0 then
      changed, rowid, code = stmt(self, INSERT_FTS):run(rowid, row[2], row[6])
      if not changed then fail(rowid, code) end
      return "added"
   end
   if not replace then return "skipped" end
   local old = first_row(stmt(self, OLD_DOC), row[1])
   if old.hash == row[8] and old.title == row[2] and old.date == row[3] and old.source == row[4]
      and old.url == row[5] and old.meta == row[7] then
      return "unchanged"      -- nothing to write; its annotations are still valid
   end
   -- same rowid, new content; the cascade drops its spans and runs
   run(stmt(self, "DELETE FROM docs WHERE rowid = ?"), old.rowid)
   row[9] = old.rowid
   run(stmt(self, REINSERT_DOC), row)
   run(stmt(self, INSERT_FTS), old.rowid, row[2], row[6])
   return "replaced"
end

local ADD_OPTS = { replace = true, warn = true }

--- corpus:add(doc [, {replace = true, warn = fn}]) -> "added" | "replaced" | "unchanged" | "skipped"
--   | nil, message, code
-- doc: {id, text, title, date, source, url, meta}; without an id, the id is
-- the path (doc.path, "./" removed) or the hash of the text. Re-adding an id
-- replaces the document and drops its annotations (unless every field is
-- unchanged); replace = false skips it instead.
-- @param doc table the document: {id, text, title, date, source, url, meta, path}; text is required
-- @param opts table optional: replace (boolean, default true), warn (function(message): converted text, a date that
-- is not ISO 8601)
-- @return string "added", "replaced", "unchanged" or "skipped"; or nil, message, code
function Corpus:add(doc, opts)
   live(self, 2)
   opts = check_opts(opts, ADD_OPTS, 2, "corpus:add")
   local row = doc_row(doc, 2, opts.warn)
   return guarded(transaction, self, put, self, row, opts.replace ~= false)
end

local function add_rows(self, rows, replace)
   local counts = { added = 0, replaced = 0, unchanged = 0, skipped = 0 }
   transaction(self, function()
      for _, row in ipairs(rows) do
         local what = put(self, row, replace)
         counts[what] = counts[what] + 1
      end
   end)
   return counts
end

--- corpus:add_batch(docs [, {replace = true, warn = fn}])
--   -> {added = n, replaced = n, unchanged = n, skipped = n} | nil, message, code
-- Adds a list of documents in one transaction: all of them, or none.
-- @param list table the documents, as for corpus:add
-- @param opts table optional: replace, warn, as for corpus:add
-- @return table {added, replaced, unchanged, skipped} counts; or nil, message, code
function Corpus:add_batch(list, opts)
   live(self, 2)
   if type(list) ~= "table" then error("corpus:add_batch: docs must be a list of documents", 2) end
   opts = check_opts(opts, ADD_OPTS, 2, "corpus:add_batch")
   local rows = {}
   for i, doc in ipairs(list) do
      local ok, row = pcall(doc_row, doc, 1, opts.warn)
      if not ok then error(string_format("corpus:add_batch: document %d: %s", i, row), 2) end
      rows[i] = row
   end
   return guarded(add_rows, self, rows, opts.replace ~= false)
end

local function decode_doc(row)
   if not row then return nil end
   row.rowid = nil
   if row.meta then row.meta = cjson.decode(row.meta) end
   return row
end

local DOC_COLUMNS = "d.rowid, d.id, d.title, d.date, d.source, d.url, d.text, d.meta, d.hash"

--- corpus:get(id) -> {id, title, date, source, url, text, meta, hash} | nil (no such id)
--   | nil, message, code
-- @param id string the document's id
-- @return table {id, title, date, source, url, text, meta, hash}; nil when there is no such id; or nil, message, code
function Corpus:get(id)
   live(self, 2)
   if math_type(id) == "integer" then id = tostring(id) end
   if type(id) ~= "string" then error("corpus:get: id must be a string", 2) end
   return guarded(function()
      return decode_doc(first_row(stmt(self, "SELECT " .. DOC_COLUMNS .. " FROM docs d WHERE d.id = ?"), id))
   end)
end

--- corpus:delete(id) -> true | false (no such id) | nil, message, code
-- Its annotations and pack runs go with it.
-- @param id string the document's id
-- @return boolean true, or false when there is no such id; or nil, message, code
function Corpus:delete(id)
   live(self, 2)
   if math_type(id) == "integer" then id = tostring(id) end
   if type(id) ~= "string" then error("corpus:delete: id must be a string", 2) end
   return guarded(transaction, self, function()
      run(stmt(self, "DELETE FROM docs WHERE id = ?"), id)
      return self.db:changes() > 0
   end)
end

--- corpus:count() -> number of documents | nil, message, code
-- @return integer the number of documents; or nil, message, code
function Corpus:count()
   live(self, 2)
   return guarded(function()
      return first_row(stmt(self, "SELECT count(*) AS n FROM docs")).n
   end)
end

--- for doc in corpus:documents([{pending = pack, version = v}]) do ... end
-- Every document in the order they were added. With pending, only those the
-- pack has not run on since their text (or the pack version) changed.
-- Leaving the loop early releases the read; a failure raises.
-- @param opts table optional: pending (a pack or its name: only the documents it has not run on in their current
-- text), version (the pack's version)
-- @return an iterator yielding documents {id, title, date, source, url, text, meta, hash}
function Corpus:documents(opts)
   live(self, 2)
   opts = check_opts(opts, { pending = true, version = true }, 2, "corpus:documents")
   if opts.pending ~= nil and type(opts.pending) ~= "string" then
      error("corpus:documents: option 'pending' must be a pack name", 2)
   end
   local sql, args = "SELECT " .. DOC_COLUMNS .. " FROM docs d ORDER BY d.rowid", {}
   if opts.pending then
      sql = "SELECT " .. DOC_COLUMNS .. [[ FROM docs d LEFT JOIN runs r ON r.doc = d.rowid AND r.pack = ?1
WHERE r.doc IS NULL OR r.hash IS NOT d.hash OR r.version IS NOT ?2 ORDER BY d.rowid]]
      args = { opts.pending, opts.version }
   end
   local st, err = self.db:prepare(sql)
   if not st then error(err, 2) end
   local iter, state, _, closing = st:rows(args)
   return function()
      local row = iter(state)
      if row then return decode_doc(row) end
      st:close()
      return nil
   end, nil, nil, closing
end

-- --- ingest -------------------------------------------------------------------

local INGEST_OPTS = { batch = true, replace = true, progress = true, warn = true, fail = true, meta = true,
   jobs = true, max_bytes = true }
local ROW_FIELDS = { "id", "title", "date", "source", "url", "text", "meta", "hash" }

-- Documents go to an ingest worker in bundles of about this many bytes
-- (small documents one by one cost more in messages than in work).
local BUNDLE_BYTES = 1 << 16

--- The job of an ingest worker process (quarry.parallel): a bundle of
-- documents, or raw JSONL lines, in; their rows and the warnings they gave
-- out; a malformed one ends the bundle with its message.
-- @return function the job: a bundle in, its rows and warnings out
function corpus.ingest_worker()
   local parallel = require "quarry.parallel"
   return function(payload)
      local outs = {}
      for i, unit in ipairs(parallel.decode(payload)) do
         local warnings = {}
         local function warn(msg) warnings[#warnings + 1] = msg end
         local ok, doc = pcall(function() return unit.raw and docs.from_line(unit, warn) or unit end)
         if not ok then
            outs.error = tostring(doc)
            break
         end
         local row = ingest_row(doc, warn, {})
         local out = { warnings = warnings }
         for k, field in ipairs(ROW_FIELDS) do out[field] = row[k] end
         outs[i] = out
      end
      return parallel.encode(outs)
   end
end

-- The documents of iter stored through worker processes: they decode
-- and hash; this process reads and writes, in input order. store(row, doc)
-- is the writer; an input error is raised as reading one would be.
local function ingest_jobs(iter, jobs, warn, store, reading, blocks)
   local parallel = require "quarry.parallel"
   local row, ended = {}, false
   local ok, err, signal = parallel.map {
      jobs = jobs, worker = "quarry.corpus:ingest_worker", input_blocks = blocks,
      input = function()
         local bundle, bytes = {}, 0
         while not ended and bytes < BUNDLE_BYTES do
            reading.now = true
            local unit = iter()
            reading.now = false
            if not unit then
               ended = true
               break
            end
            bundle[#bundle + 1] = unit
            bytes = bytes + #(unit.raw or unit.text)
         end
         if #bundle == 0 then return nil end
         return parallel.encode(bundle)
      end,
      result = function(payload)
         local outs = parallel.decode(payload)
         for _, out in ipairs(outs) do
            if warn then
               for _, msg in ipairs(out.warnings) do warn(msg) end
            end
            for i, k in ipairs(ROW_FIELDS) do row[i] = out[k] end
            row[9] = nil
            store(row, { id = out.id, title = out.title })
         end
         if outs.error then
            -- malformed input met by a worker: as if this process had read it
            reading.now = true
            error(outs.error, 0)
         end
      end,
      failed = function(msg) error(msg, 0) end,
   }
   if not ok then
      if signal then fail(string_format("interrupted by %s", signal:upper()), "interrupted") end
      fail(err, "error")
   end
end

--- corpus:ingest(paths [, {batch = 10000, replace = false, progress = fn, warn = fn, fail = fn, meta, jobs = 1,
--   max_bytes}])
--   -> {added, replaced, unchanged, skipped, failed, seconds} | nil, message, code
-- Reads text files (first line is the headline when a blank line follows),
-- folders (recursively), JSONL files and "-" (stdin), and stores the
-- documents batch by batch, one transaction a batch: after a crash the file
-- holds exactly the committed batches, and running the same ingest again
-- completes it, skipping ids already present unless replace is true.
-- progress(done, total_or_nil, doc) after each document (the batch holding
-- it may not be committed yet); warn(message) for
-- converted text and dates that are not ISO 8601 (kept in meta.date);
-- fail(message) for unreadable files and folders, binary files and files
-- over max_bytes (default quarry.docs.MAX_BYTES), which are skipped
-- (counted in failed); meta: a table from quarry.docs.read_meta, the id,
-- title, date, source and url of text files by name. Folders are read as
-- quarry.docs.each reads them (a folder once, however many links lead there).
-- jobs > 1: that many worker processes decode
-- and hash the documents while this one reads and writes them, in the same
-- order (the same rows); an interrupt (Ctrl-C) returns nil, message,
-- "interrupted", keeping the committed batches.
-- @param paths table text files, folders, JSONL files and "-" (stdin); a string is one path
-- @param opts table optional: batch (integer, 10000), replace (boolean), progress (function(done, total, doc)), warn
-- (function(message)), fail (function(message)), meta (a table from quarry.docs.read_meta)
-- @return table {added, replaced, unchanged, skipped, failed, seconds}; or nil, message, code
function Corpus:ingest(paths, opts)
   live(self, 2)
   if type(paths) == "string" then paths = { paths } end
   if type(paths) ~= "table" then error("corpus:ingest: paths must be a string or a list", 2) end
   opts = check_opts(opts, INGEST_OPTS, 2, "corpus:ingest")
   local batch, jobs = opts.batch or 10000, opts.jobs or 1
   for _, k in ipairs { "batch", "jobs" } do
      local v = opts[k]
      if v ~= nil and (math_type(v) ~= "integer" or v < 1) then
         error(string_format("corpus:ingest: option '%s' must be a positive integer", k), 2)
      end
   end
   if opts.max_bytes ~= nil and (math_type(opts.max_bytes) ~= "integer" or opts.max_bytes < 1) then
      error("corpus:ingest: option 'max_bytes' must be a positive integer", 2)
   end
   for _, k in ipairs { "progress", "warn", "fail" } do
      if opts[k] ~= nil and type(opts[k]) ~= "function" then
         error(string_format("corpus:ingest: option '%s' must be a function", k), 2)
      end
   end
   if opts.meta ~= nil and type(opts.meta) ~= "table" then
      error("corpus:ingest: option 'meta' must be a table (quarry.docs.read_meta)", 2)
   end
   if not self.db:autocommit() then
      error("corpus:ingest commits batch by batch: call it outside a transaction", 2)
   end
   local replace, progress, warn = opts.replace and true or false, opts.progress, opts.warn
   local db, t0 = self.db, os_clock()
   local total = { added = 0, replaced = 0, unchanged = 0, skipped = 0, failed = 0 }
   local open, in_batch, reading = false, 0, { now = false }
   local function commit()
      if not open then return end
      open, in_batch = false, 0
      local ok, msg, code = db:exec("COMMIT")
      if not ok then
         if not db:autocommit() then db:exec("ROLLBACK") end
         fail(msg, code)
      end
   end
   local expected = progress and docs.count(paths) or nil
   local done = 0
   local function store(row, doc)
      if not open then
         check(db:exec("BEGIN IMMEDIATE"))
         open = true
      end
      local what = put(self, row, replace)
      total[what] = total[what] + 1
      done, in_batch = done + 1, in_batch + 1
      if in_batch >= batch then commit() end
      if progress then progress(done, expected, doc) end
   end
   local function load()
      local iter = docs.each(paths, {
         warn = warn,
         meta = opts.meta,
         max_bytes = opts.max_bytes,
         raw = jobs > 1,
         fail = function(msg)
            total.failed = total.failed + 1
            if opts.fail then opts.fail(msg) end
         end,
      })
      if jobs > 1 then
         ingest_jobs(iter, jobs, warn, store, reading, docs.may_wait(paths))
      else
         local row = {}      -- one row table for all: put() is done with it when it returns
         while true do
            reading.now = true
            local doc = iter()
            reading.now = false
            if not doc then break end
            store(ingest_row(doc, warn, row), doc)
         end
      end
      commit()
      total.seconds = os_clock() - t0
      return total
   end
   -- documents are stored as they are read, one transaction a batch
   return guarded(function()
      local ok, res = pcall(load)
      if ok then return res end
      if reading.now and type(res) == "string" then
         -- malformed input: what was read before it is good
         local cok, cerr = pcall(commit)
         if cok then fail(res, "input") end
         res = cerr
      end
      if open and not db:autocommit() then db:exec("ROLLBACK") end
      error(res, 0)
   end)
end

-- --- search -------------------------------------------------------------------

-- SQLite's message without the "path: " prefix.
local function bare_message(self, msg)
   local prefix = (self.path == "" and ":memory:" or self.path) .. ": "
   if msg:sub(1, #prefix) == prefix then return msg:sub(#prefix + 1) end
   return msg
end

--- Documents with more phrase hits than this get quarry's snippet (the
-- window around the first hit of the column with the most hits) instead of
-- FTS5's, whose time grows with the square of the hits.
corpus.SNIPPET_HITS = 1000

local SEARCH_OPTS = { limit = true, offset = true, snippet = true, from_date = true, to_date = true, source = true }

local function check_count(v, name, what, level)
   if v ~= nil and (math_type(v) ~= "integer" or v < 0) then
      error(string_format("%s: option '%s' must be a non-negative integer", what, name), level + 1)
   end
end

-- SQL conditions and arguments for the date and source filters of search.
local function doc_filters(opts, where, args)
   if opts.from_date then
      where[#where + 1] = "d.date >= ?"
      args[#args + 1] = opts.from_date
   end
   if opts.to_date then
      -- inclusive at the precision given: to_date 2024-03 keeps 2024-03-31T23:59
      where[#where + 1] = "substr(d.date, 1, length(?)) <= ?"
      args[#args + 1] = opts.to_date
      args[#args + 1] = opts.to_date
   end
   if opts.source then
      where[#where + 1] = "d.source = ?"
      args[#args + 1] = opts.source
   end
end

--- corpus:search(query [, {limit = 20, offset = 0, snippet = true, from_date, to_date, source}])
--   -> {{id, title, date, source, url, rank, snippet}, ...} | nil, message, code
-- query is any FTS5 query: words, "phrases", prefix*, AND, OR, NOT, NEAR(...),
-- column filters (title: ..., text: ...). Results come best first (bm25; a
-- hit in the title counts twice). snippet is true, false, or
-- {open = "[", close = "]", ellipsis = "…", tokens = 16}. Dates are compared
-- as ISO 8601 text; to_date is inclusive. A malformed query returns
-- nil, "bad query ...: <what FTS5 says>", "query".
-- @param query string an FTS5 query
-- @param opts table optional: limit (20), offset (0), snippet (true, false or {open, close, ellipsis, tokens}),
-- from_date, to_date (ISO 8601, inclusive), source
-- @return table the hits, best first: {{id, title, date, source, url, rank, snippet}, ...}; or nil, message, code
-- ("query" for a malformed query)
function Corpus:search(query, opts)
   live(self, 2)
   if type(query) ~= "string" then error("corpus:search: query must be a string", 2) end
   opts = check_opts(opts, SEARCH_OPTS, 2, "corpus:search")
   check_count(opts.limit, "limit", "corpus:search", 2)
   check_count(opts.offset, "offset", "corpus:search", 2)
   for _, k in ipairs { "from_date", "to_date", "source" } do
      if opts[k] ~= nil and type(opts[k]) ~= "string" then
         error(string_format("corpus:search: option '%s' must be a string", k), 2)
      end
   end
   local snip = opts.snippet
   if snip == nil or snip == true then snip = {} end
   if snip and type(snip) ~= "table" then error("corpus:search: option 'snippet' must be a boolean or a table", 2) end
   local cols = "d.id, d.title, d.date, d.source, d.url, docs_fts.rank AS rank"
   local args = { query }
   if snip then
      local tokens = snip.tokens or 16
      if math_type(tokens) ~= "integer" or tokens < 1 or tokens > 64 then
         error("corpus:search: snippet.tokens must be an integer from 1 to 64", 2)
      end
      -- FTS5's snippet() is quadratic in a document's hits: past a thousand
      -- (a long document and a common word) quarry's linear one takes over
      cols = cols .. ", CASE WHEN quarry_instances(docs_fts) <= " .. corpus.SNIPPET_HITS
         .. " THEN snippet(docs_fts, -1, ?2, ?3, ?4, ?5) ELSE quarry_snippet(docs_fts, -1, ?2, ?3, ?4, ?5) END"
         .. " AS snippet"
      args[2], args[3], args[4], args[5] = snip.open or "[", snip.close or "]", snip.ellipsis or "…", tokens
   end
   -- the query is ?1, the snippet's arguments ?2 to ?5; the filters' plain
   -- ? are numbered after the largest so far
   local where = { "docs_fts MATCH ?1" }
   local filters = {}
   doc_filters(opts, where, filters)
   local sql = "SELECT " .. cols .. " FROM docs_fts JOIN docs d ON d.rowid = docs_fts.rowid WHERE "
      .. table_concat(where, " AND ") .. " ORDER BY docs_fts.rank LIMIT ? OFFSET ?"
   for _, v in ipairs(filters) do args[#args + 1] = v end
   args[#args + 1] = opts.limit or 20
   args[#args + 1] = opts.offset or 0
   return self:with_time_limit(guarded, function()
      local st = stmt(self, sql)
      st:bind_all(args)
      local results = {}
      while true do
         local more, msg, code = st:step()
         if more == nil then
            if code == "error" then
               fail(string_format("bad query '%s': %s", query, bare_message(self, msg)), "query")
            end
            fail(msg, code)
         end
         if not more then break end
         results[#results + 1] = st:row()
      end
      st:reset()
      return results
   end)
end

-- --- KWIC ------------------------------------------------------------------------

local function squeeze(s)
   return (s:gsub("%s+", " "))
end

local function width_of(s)
   return utf8_len(s, 1, -1, true) or #s
end

-- Left and right context of text[start, stop) cut on token boundaries:
-- the most whole tokens that fit in width characters (white space squeezed).
local function contexts(toks, text, start, stop, width)
   local first, last = toks:at(start), toks:at(stop - 1)
   local left, right = "", ""
   if first then
      for i = first - 1, 1, -1 do
         local s = toks:span(i)
         local cand = squeeze(text:sub(s + 1, start)):gsub("^ ", "")
         if width_of(cand) > width then break end
         left = cand
      end
   end
   if last then
      for i = last + 1, #toks do
         local _, e = toks:span(i)
         local cand = squeeze(text:sub(stop + 1, e)):gsub(" $", "")
         if width_of(cand) > width then break end
         right = cand
      end
   end
   return left, right
end

local kwic_lines

-- The schemas of a corpus's shards, in order.
local function shard_schemas(self)
   local out = {}
   for i, sh in ipairs(self.shards) do out[i] = sh.schema end
   return out
end

--- corpus:kwic(term_or_phrase [, {width = 40, limit, query = false}])
--   -> {{doc, start, stop, left, match, right}, ...} | nil, message, code
-- Concordance lines for a word or phrase (a trailing * makes it a prefix)
-- in the text of every document, in document order; left and right hold
-- at most width characters of context, cut on token boundaries, white space
-- squeezed. query = true takes term as a full FTS5 query instead.
-- @param term string a word or phrase (a trailing * makes it a prefix), or with query = true an FTS5 query
-- @param opts table optional: width (characters of context a side, 40), limit, query (boolean)
-- @return table the lines in document order: {{doc, start, stop, left, match, right}, ...}; or nil, message, code
function Corpus:kwic(term, opts)
   live(self, 2)
   if type(term) ~= "string" then error("corpus:kwic: term must be a string", 2) end
   opts = check_opts(opts, { width = true, limit = true, query = true }, 2, "corpus:kwic")
   local width = opts.width or 40
   if math_type(width) ~= "integer" or width < 0 then
      error("corpus:kwic: option 'width' must be a non-negative integer", 2)
   end
   check_count(opts.limit, "limit", "corpus:kwic", 2)
   local match = term
   if not opts.query then
      local body, star = term:match("^%s*(.-)%s*(%*?)%s*$")
      match = '"' .. body:gsub('"', '""') .. '"' .. (star ~= "" and " *" or "")
   end
   local limit = opts.limit or math_huge
   local tokenize = core.tokenize
   return self:with_time_limit(guarded, function()
      local lines = {}
      for _, schema in ipairs(self.shards and shard_schemas(self) or { "main" }) do
         if #lines >= limit then break end
         kwic_lines(self, schema, match, tokenize, width, limit, lines)
      end
      return lines
   end)
end

-- The concordance lines of one shard (schema), added to lines.
kwic_lines = function(self, schema, match, tokenize, width, limit, lines)
   do
      local st = stmt(self, string_format([[SELECT d.id, d.text, quarry_hits(docs_fts, 1) AS hits
FROM %s.docs_fts JOIN %s.docs d ON d.rowid = docs_fts.rowid WHERE docs_fts MATCH ? ORDER BY docs_fts.rowid]],
         schema, schema))
      st:bind_all(match)
      while #lines < limit do
         local more, msg, code = st:step()
         if more == nil then
            st:reset()
            if code == "error" then
               fail(string_format("bad query '%s': %s", match, bare_message(self, msg)), "query")
            end
            fail(msg, code)
         end
         if not more then break end
         local id, text, hits = st:values()
         if hits ~= "" then
            local toks <close> = tokenize(text, { sentences = false })
            for s, e in hits:gmatch("(%d+) (%d+)") do
               s, e = tonumber(s), tonumber(e)
               local left, right = contexts(toks, text, s, e, width)
               lines[#lines + 1] = { doc = id, start = s, stop = e, left = left,
                  match = squeeze(text:sub(s + 1, e)), right = right }
               if #lines >= limit then break end
            end
         end
      end
      st:reset()
   end
end

-- --- spans -----------------------------------------------------------------------

local SPAN_COLUMNS = { type = "s.type", rule = "s.rule", pack = "s.pack", doc = "d.id" }

local function attr_path(key)
   return '$."' .. key:gsub('[\\"]', "\\%0") .. '"'
end

-- SQL conditions and arguments for a span filter {type, doc, rule, pack, attrs}.
local function span_filter(f, what, level)
   local where, args = {}, {}
   for _, k in ipairs { "type", "rule", "pack" } do
      local v = f[k]
      if v ~= nil then
         if type(v) ~= "string" then error(string_format("%s: '%s' must be a string", what, k), level + 1) end
         where[#where + 1] = "s." .. k .. " = ?"
         args[#args + 1] = v
      end
   end
   if f.doc ~= nil then
      local id = math_type(f.doc) == "integer" and tostring(f.doc) or f.doc
      if type(id) ~= "string" then error(what .. ": 'doc' must be a document id", level + 1) end
      where[#where + 1] = "s.doc = (SELECT rowid FROM docs WHERE id = ?)"
      args[#args + 1] = id
   end
   if f.attrs ~= nil then
      if type(f.attrs) ~= "table" then error(what .. ": 'attrs' must be a table", level + 1) end
      local keys = {}
      for k, v in pairs(f.attrs) do
         if type(k) ~= "string" then error(what .. ": attrs keys must be strings", level + 1) end
         local tv = type(v)
         if tv ~= "string" and tv ~= "number" and tv ~= "boolean" then
            error(string_format("%s: attrs.%s must be a string, number or boolean", what, k), level + 1)
         end
         keys[#keys + 1] = k
      end
      table_sort(keys)
      for _, k in ipairs(keys) do
         where[#where + 1] = "json_extract(s.attrs, ?) = ?"
         args[#args + 1] = attr_path(k)
         args[#args + 1] = f.attrs[k]
      end
   end
   return where, args
end

local function where_sql(where)
   return #where > 0 and (" WHERE " .. table_concat(where, " AND ")) or ""
end

--- corpus:spans{type, doc, rule, pack, attrs = {key = value}, limit, offset, with_text}
--   -> {{id, doc, start, stop, type, rule, pack, attrs, text}, ...} | nil, message, code
-- The annotations that match every field given, in document and text
-- order; with_text adds the covered text.
-- @param filter table any of: type, doc (an id), rule, pack, attrs ({key = value}), limit, offset, with_text (boolean)
-- @return table {{id, doc, start, stop, type, rule, pack, attrs, text}, ...} in document and text order; or nil,
-- message, code
function Corpus:spans(filter)
   live(self, 2)
   local f = check_opts(filter, { type = true, doc = true, rule = true, pack = true, attrs = true,
      limit = true, offset = true, with_text = true }, 2, "corpus:spans")
   check_count(f.limit, "limit", "corpus:spans", 2)
   check_count(f.offset, "offset", "corpus:spans", 2)
   local where, args = span_filter(f, "corpus:spans", 2)
   local cols = "s.id, d.id AS doc, s.start, s.stop, s.type, s.rule, s.pack, s.attrs"
   if f.with_text then
      cols = cols .. ", CAST(substr(CAST(d.text AS BLOB), s.start + 1, s.stop - s.start) AS TEXT) AS text"
   end
   local sql = "SELECT " .. cols .. " FROM spans s JOIN docs d ON d.rowid = s.doc" .. where_sql(where)
      .. " ORDER BY s.doc, s.start, s.id LIMIT ? OFFSET ?"
   args[#args + 1] = f.limit or -1
   args[#args + 1] = f.offset or 0
   return guarded(function()
      local out = {}
      for _, row in ipairs(all_rows(stmt(self, sql), args)) do
         if row.attrs then row.attrs = cjson.decode(row.attrs) end
         out[#out + 1] = row
      end
      return out
   end)
end

--- corpus:count_spans{type, doc, rule, pack, attrs, by = key or {key...}, docs = false, limit}
--   -> n | {{count = n, [key] = value, ...}, ...} | nil, message, code
-- Without by, how many spans match the filter; with by, how many for each
-- value of by, most first. A key is a column (type, rule, pack, doc) or an
-- attrs key ("speaker", or "attrs.type" where a key shadows a column).
-- docs = true counts documents instead of spans.
-- @param filter table as for corpus:spans, and by (a key or a list of keys: a column or an attrs key), docs
-- (boolean: count documents), limit
-- @return integer the count without by; with by, {{count, [key] = value, ...}, ...} most first; or nil, message, code
function Corpus:count_spans(filter)
   live(self, 2)
   local f = check_opts(filter, { type = true, doc = true, rule = true, pack = true, attrs = true,
      by = true, docs = true, limit = true }, 2, "corpus:count_spans")
   check_count(f.limit, "limit", "corpus:count_spans", 2)
   local where, args = span_filter(f, "corpus:count_spans", 2)
   local counted = f.docs and "count(DISTINCT s.doc)" or "count(*)"
   local by = f.by
   if type(by) == "string" then by = { by } end
   if by ~= nil and (type(by) ~= "table" or #by == 0) then
      error("corpus:count_spans: 'by' must be a key or a list of keys", 2)
   end
   local from = " FROM spans s JOIN docs d ON d.rowid = s.doc"
   if not by then
      return guarded(function()
         return first_row(stmt(self, "SELECT " .. counted .. " AS n" .. from .. where_sql(where)), args).n
      end)
   end
   local exprs, names, key_args = {}, {}, {}
   for i, key in ipairs(by) do
      if type(key) ~= "string" or key == "" then error("corpus:count_spans: 'by' keys must be strings", 2) end
      local attr = key:match("^attrs%.(.+)$")
      if not attr and SPAN_COLUMNS[key] then
         exprs[i] = SPAN_COLUMNS[key]
      else
         exprs[i] = "json_extract(s.attrs, ?)"
         key_args[#key_args + 1] = attr_path(attr or key)
      end
      names[i] = "k" .. i
   end
   local select_list = {}
   for i, e in ipairs(exprs) do select_list[i] = e .. " AS " .. names[i] end
   local sql = "SELECT " .. table_concat(select_list, ", ") .. ", " .. counted .. " AS n" .. from
      .. where_sql(where) .. " GROUP BY " .. table_concat(names, ", ") .. " ORDER BY n DESC, "
      .. table_concat(names, ", ") .. " LIMIT ?"
   local all = {}
   for _, v in ipairs(key_args) do all[#all + 1] = v end
   for _, v in ipairs(args) do all[#all + 1] = v end
   all[#all + 1] = f.limit or -1
   return guarded(function()
      local out = {}
      for _, row in ipairs(all_rows(stmt(self, sql), all)) do
         local r = { count = row.n }
         for i, key in ipairs(by) do r[key] = row[names[i]] end
         out[#out + 1] = r
      end
      return out
   end)
end

-- The rowid and text length of document id, or a "notfound" failure.
local function doc_ref(self, id)
   local row = first_row(stmt(self, "SELECT rowid, length(CAST(text AS BLOB)) AS len, hash FROM docs WHERE id = ?"), id)
   if not row then fail(string_format("%s: no document '%s'", self.path, id), "notfound") end
   return row
end

-- Checked span rows (misuse raises); the largest stop.
local function span_rows(list, what, level)
   if type(list) ~= "table" then error(what .. ": spans must be a list", level + 1) end
   local rows, max = {}, 0
   for i, sp in ipairs(list) do
      if type(sp) ~= "table" then error(string_format("%s: span %d must be a table", what, i), level + 1) end
      local start, stop = sp.start, sp.stop
      if math_type(start) ~= "integer" or math_type(stop) ~= "integer" or start < 0 or stop < start then
         error(string_format("%s: span %d: start and stop must be byte offsets, 0 <= start <= stop", what, i),
            level + 1)
      end
      if stop > max then max = stop end
      if type(sp.type) ~= "string" or sp.type == "" then
         error(string_format("%s: span %d: 'type' must be a non-empty string", what, i), level + 1)
      end
      if sp.rule ~= nil and type(sp.rule) ~= "string" then
         error(string_format("%s: span %d: 'rule' must be a string", what, i), level + 1)
      end
      local attrs = sp.attrs
      if attrs ~= nil then
         if type(attrs) ~= "table" then
            error(string_format("%s: span %d: 'attrs' must be a table", what, i), level + 1)
         end
         local err
         attrs, err = json_of(attrs)
         if not attrs then error(string_format("%s: span %d: attrs: %s", what, i, err), level + 1) end
      end
      rows[i] = { start, stop, sp.type, sp.rule, attrs }
   end
   return rows, max
end

local INSERT_SPAN = "INSERT INTO spans(doc, start, stop, type, rule, pack, attrs) VALUES (?, ?, ?, ?, ?, ?, ?)"

local function store_spans(self, id, pack, rows, max, what, replace, version)
   local ref = doc_ref(self, id)
   if max > ref.len then
      error(string_format("%s: a span ends at %d, past the end of document '%s' (%d bytes)", what, max, id, ref.len), 0)
   end
   if replace then
      run(stmt(self, "DELETE FROM spans WHERE doc = ? AND pack IS ?"), ref.rowid, pack)
   end
   local ins = stmt(self, INSERT_SPAN)
   for _, r in ipairs(rows) do run(ins, ref.rowid, r[1], r[2], r[3], r[4], pack, r[5]) end
   if replace and pack ~= nil then
      run(stmt(self, [[INSERT INTO runs(doc, pack, version, hash) VALUES (?, ?, ?, ?)
ON CONFLICT(doc, pack) DO UPDATE SET version = excluded.version, hash = excluded.hash, at = excluded.at]]),
         ref.rowid, pack, version, ref.hash)
   end
   return #rows
end

local function check_span_args(id, pack, what)
   if math_type(id) == "integer" then id = tostring(id) end
   if type(id) ~= "string" then error(what .. ": doc_id must be a document id", 3) end
   if pack ~= nil and type(pack) ~= "string" then error(what .. ": pack must be a string or nil", 3) end
   return id
end

--- corpus:add_spans(doc_id, pack, spans) -> number added | nil, message, code
-- spans: {{type, start, stop, rule, attrs}, ...}, offsets into the document's
-- text (0-based bytes, stop exclusive). One transaction. An unknown doc_id
-- returns nil, message, "notfound"; offsets past the text raise.
-- @param doc_id string the document's id
-- @param pack string the name of the pack the spans come from
-- @param spans table {{type, start, stop, rule, attrs}, ...}: byte offsets into the document's text
-- @return integer the number added; or nil, message, code ("notfound" for an unknown document)
function Corpus:add_spans(doc_id, pack, spans)
   live(self, 2)
   local id = check_span_args(doc_id, pack, "corpus:add_spans")
   local rows, max = span_rows(spans, "corpus:add_spans", 2)
   return guarded(transaction, self, store_spans, self, id, pack, rows, max, "corpus:add_spans", false)
end

--- corpus:replace_spans(doc_id, pack, spans [, {version = v}]) -> number stored | nil, message, code
-- Drops the document's spans from pack, stores these, and records that pack
-- (at version) ran on the document's current text; one transaction.
-- @param doc_id string the document's id
-- @param pack string the pack's name
-- @param spans table the new spans, as for corpus:add_spans
-- @param opts table optional: version (the pack's version, recorded with the run)
-- @return integer the number stored; or nil, message, code
function Corpus:replace_spans(doc_id, pack, spans, opts)
   live(self, 2)
   local id = check_span_args(doc_id, pack, "corpus:replace_spans")
   opts = check_opts(opts, { version = true }, 2, "corpus:replace_spans")
   if opts.version ~= nil and type(opts.version) ~= "string" then
      error("corpus:replace_spans: option 'version' must be a string", 2)
   end
   local rows, max = span_rows(spans, "corpus:replace_spans", 2)
   return guarded(transaction, self, store_spans, self, id, pack, rows, max, "corpus:replace_spans", true,
      opts.version)
end

--- corpus:run_info(doc_id, pack) -> {version, hash, at, current = bool} | nil (never ran)
--   | nil, message, code
-- When pack last ran on the document; current is true when the text has
-- not changed since.
-- @param doc_id string the document's id
-- @param pack string the pack's name
-- @return table {version, hash, at, current}; nil when the pack never ran on it; or nil, message, code
function Corpus:run_info(doc_id, pack)
   live(self, 2)
   local id = check_span_args(doc_id, pack, "corpus:run_info")
   if type(pack) ~= "string" then error("corpus:run_info: pack must be a string", 2) end
   return guarded(function()
      local row = first_row(stmt(self, [[SELECT r.version, r.hash, r.at, r.hash = d.hash AS current
FROM runs r JOIN docs d ON d.rowid = r.doc WHERE d.id = ? AND r.pack = ?]]), id, pack)
      if row then row.current = row.current == 1 end
      return row
   end)
end

-- --- what a rule pack run needs from the store -------------------------------------

--- corpus:pending(pack_name, version [, force]) -> {id, ...}, total | nil, message, code
-- The ids of the documents pack (at version) has not run on since their
-- text changed, in the order they were added (every id with force), and
-- how many documents the corpus holds.
-- @param pack_name string the pack's name
-- @param version string the pack's version
-- @param force boolean optional: every id
-- @return table the ids; or nil, message, code
-- @return integer the number of documents in the corpus
function Corpus:pending(pack_name, version, force)
   live(self, 2)
   if type(pack_name) ~= "string" then error("corpus:pending: pack_name must be a string", 2) end
   return guarded(function()
      local st = stmt(self, not force and [[SELECT d.id FROM docs d LEFT JOIN runs r ON r.doc = d.rowid AND r.pack = ?1
WHERE r.doc IS NULL OR r.hash IS NOT d.hash OR r.version IS NOT ?2 ORDER BY d.rowid]]
         or "SELECT id FROM docs ORDER BY rowid")
      local ids = {}
      for _, row in ipairs(all_rows(st, not force and { pack_name, version } or {})) do ids[#ids + 1] = row.id end
      return ids, first_row(stmt(self, "SELECT count(*) AS n FROM docs")).n
   end)
end

--- corpus:report_indexes(build) -> true | nil, message, code
-- Drops (false) or builds (true) the indexes the reports read: a bulk load
-- builds them once at the end rather than entry by entry (measured: a
-- third of the time of storing spans). A corpus opened for writing builds
-- missing ones itself.
-- @param build boolean true to build them, false to drop them
-- @return true; or nil, message, code
function Corpus:report_indexes(build)
   live(self, 2)
   return guarded(function()
      check(self.db:exec(build and REPORT_INDEXES or DROP_REPORT_INDEXES))
      return true
   end)
end

-- The packs whose name merging the corpus keeps (for quarry merge).
local PACKS_TABLE = [[CREATE TABLE IF NOT EXISTS packs (
   name    TEXT PRIMARY KEY,
   version TEXT,
   merge   TEXT            -- JSON list of {type, key, name, like}
)]]

local function check_merge_list(list, level)
   if type(list) ~= "table" then error("corpus:merge_names: merge must be a list", level + 1) end
   for i, m in ipairs(list) do
      if type(m) ~= "table" or type(m.type) ~= "string" or type(m.key) ~= "string" or type(m.name) ~= "string"
         or (m.like ~= nil and type(m.like) ~= "string") then
         error(string_format("corpus:merge_names: merge entry %d must be {type, key, name [, like]} (strings)", i),
            level + 1)
      end
   end
end

-- Every span of an entry's type and key gets the name written most often
-- with that key (the first in sort order on a tie). A span whose name
-- changes keeps its document's own spelling in <name>_spelled, and the
-- counts are of those spellings: merging shards that were merged each
-- alone gives the names one corpus of them all would have.
local MERGE_NAMES = [[
WITH counts AS (
   SELECT json_extract(attrs, ?6) AS k, coalesce(json_extract(attrs, ?8), json_extract(attrs, ?7)) AS n,
      count(*) AS c
   FROM spans WHERE type = ?5 AND pack = ?2 AND json_extract(attrs, ?6) IS NOT NULL
   GROUP BY k, n),
best AS (
   SELECT k, n FROM (SELECT k, n, row_number() OVER (PARTITION BY k ORDER BY c DESC, n) AS r FROM counts)
   WHERE r = 1),
todo AS (
   SELECT s.id, b.n AS best, json_extract(s.attrs, ?4) AS cur, json_extract(s.attrs, ?9) AS spelled,
      coalesce(json_extract(s.attrs, ?9), json_extract(s.attrs, ?4)) AS own
   FROM spans s JOIN best b ON b.k = json_extract(s.attrs, ?3)
   WHERE s.type = ?1 AND s.pack = ?2)
UPDATE spans SET attrs = CASE WHEN t.own IS NULL OR t.own = t.best
      THEN json_remove(json_set(spans.attrs, ?4, t.best), ?9)
      ELSE json_set(spans.attrs, ?4, t.best, ?9, t.own) END
FROM todo t
WHERE t.id = spans.id AND (t.cur IS NOT t.best OR (t.own = t.best AND t.spelled IS NOT NULL)
   OR (t.own IS NOT t.best AND t.spelled IS NULL))]]

local function merge_variants(self, pack_name, list)
   local by_type = {}
   for _, m in ipairs(list) do by_type[m.type] = m end
   for _, m in ipairs(list) do
      local src = by_type[m.like or m.type] or m
      run(stmt(self, MERGE_NAMES), m.type, pack_name, "$." .. m.key, "$." .. m.name, src.type, "$." .. src.key,
         "$." .. src.name, "$." .. src.name .. "_spelled", "$." .. m.name .. "_spelled")
   end
end

--- corpus:merge_names([pack_name, merge [, version]]) -> true | nil, message, code
-- Names one document spells "Sergey Lavrov" and another "Sergei Lavrov"
-- become one across the corpus. merge (a pack's `merge` list) says which
-- attr is the spelling-variant key and which the name, per type
-- ({type = "person", key = "key", name = "name"}); every span of that type
-- and key gets the name written most often with it (the first in sort
-- order on a tie). `like = "person"` takes the names of another entry's
-- type (a quote's speaker follows the people's names). The list is kept in
-- the corpus: without merge, the lists kept for pack_name (or, without
-- pack_name, for every pack) are applied again (quarry merge does, once
-- the shards are in). One transaction.
-- @param pack_name string optional: the pack's name
-- @param list table optional: the pack's merge list
-- @param version string optional: the pack's version
-- @return true; or nil, message, code
function Corpus:merge_names(pack_name, list, version)
   live(self, 2)
   if pack_name ~= nil and type(pack_name) ~= "string" then
      error("corpus:merge_names: pack_name must be a string", 2)
   end
   if list ~= nil then check_merge_list(list, 2) end
   return guarded(transaction, self, function()
      check(self.db:exec(PACKS_TABLE))
      if list then
         run(stmt(self, [[INSERT INTO packs(name, version, merge) VALUES (?, ?, ?)
ON CONFLICT(name) DO UPDATE SET version = excluded.version, merge = excluded.merge]]),
            pack_name, version, cjson.encode(list))
         merge_variants(self, pack_name, list)
         return true
      end
      local sql = "SELECT name, merge FROM packs" .. (pack_name and " WHERE name = ?" or "") .. " ORDER BY name"
      for _, row in ipairs(all_rows(stmt(self, sql), pack_name and { pack_name } or {})) do
         merge_variants(self, row.name, cjson.decode(row.merge) or {})
      end
      return true
   end)
end

-- --- shards ------------------------------------------------------------------------

--- The SQLite URI that opens path read-only (for ATTACH).
-- @param path string the file
-- @return string the URI
function corpus.readonly_uri(path)
   if type(path) ~= "string" or path == "" then error("corpus.readonly_uri: path must be a non-empty string", 2) end
   return "file:" .. path:gsub("[%%?#]", function(c) return string_format("%%%02X", c:byte()) end) .. "?mode=ro"
end

--- corpus.check_shard(db, schema, path) -> true | nil, message, code
-- Whether the database attached to db as schema is a quarry corpus this
-- quarry reads and writes (its schema version is this one's); path names
-- it in the message.
-- @param db quarry.Db the connection
-- @param schema string the attached database's schema name
-- @param path string its file, for the message
-- @return true; or nil, message, code
function corpus.check_shard(db, schema, path)
   local function value(sql)
      local st = db:prepare(sql)
      if not st then return nil end
      local ok, err, code = st:step()
      local v = ok and st:values() or nil
      st:close()
      if ok == nil then return nil, string_format("%s: %s", path, err), code end
      return v
   end
   local v, err, code = value(string_format('PRAGMA "%s".user_version', schema))
   if v == nil then return nil, err or (path .. ": cannot read it as an SQLite database"), code or "notadb" end
   local n = value(string_format("SELECT count(*) FROM \"%s\".sqlite_schema WHERE type = 'table' "
      .. "AND name IN ('docs', 'spans', 'runs')", schema))
   if v == 0 or (n or 0) < 3 then return nil, path .. ": not a quarry corpus", "notacorpus" end
   if v ~= corpus.SCHEMA_VERSION then
      return nil, string_format("%s: made by %s version of quarry (corpus schema version %d; this quarry reads and "
         .. "writes version %d): open it with the quarry that made it, or ingest its documents again",
         path, v > corpus.SCHEMA_VERSION and "a newer" or "an older", v, corpus.SCHEMA_VERSION), "version"
   end
   return true
end

-- The pack versions of the shard that this corpus holds otherwise: the
-- spans of two versions of a pack do not mix. Read from the packs tables
-- (a row a pack; a shard made before them: from its runs), so that the
-- check does not grow with the corpus.
local function check_packs(self, path)
   local theirs_sql = "SELECT DISTINCT pack AS name, version FROM shard.runs"
   if first_row(stmt(self, "SELECT count(*) AS n FROM shard.sqlite_schema WHERE name = 'packs'")).n > 0 then
      theirs_sql = "SELECT name, version FROM shard.packs"
   end
   check(self.db:exec(PACKS_TABLE))
   local clash = first_row(stmt(self, "SELECT t.name, t.version AS theirs, m.version AS ours FROM (" .. theirs_sql
      .. ") t JOIN main.packs m ON m.name = t.name WHERE m.version IS NOT t.version LIMIT 1"))
   if clash then
      fail(string_format("%s: its spans come from version %s of pack '%s', this corpus's from version %s: "
         .. "run `quarry extract --db` with the same pack on both first", path, tostring(clash.theirs), clash.name,
         tostring(clash.ours)), "version")
   end
end

local MERGE_STEPS = {
   -- documents whose id the corpus lacks, in the shard's order
   [[INSERT INTO main.docs(id, title, date, source, url, text, meta, hash)
SELECT id, title, date, source, url, text, meta, hash FROM shard.docs s
WHERE NOT EXISTS (SELECT 1 FROM main.docs d WHERE d.id = s.id) ORDER BY s.rowid]],
   -- shard rowid -> corpus rowid, for the documents with the same text
   [[INSERT INTO temp.merge_map(old, new, added)
SELECT s.rowid, d.rowid, d.rowid > ?1 FROM shard.docs s JOIN main.docs d ON d.id = s.id AND d.hash = s.hash]],
   [[INSERT INTO main.docs_fts(rowid, title, text) SELECT rowid, title, text FROM main.docs WHERE rowid > ?1
ORDER BY rowid]],
   -- the pack runs the corpus lacks
   [[INSERT INTO temp.merge_runs(doc, pack)
SELECT m.new, r.pack FROM shard.runs r JOIN temp.merge_map m ON m.old = r.doc
WHERE NOT EXISTS (SELECT 1 FROM main.runs x WHERE x.doc = m.new AND x.pack = r.pack)]],
   [[INSERT INTO main.runs(doc, pack, version, hash, at)
SELECT m.new, r.pack, r.version, r.hash, r.at FROM shard.runs r JOIN temp.merge_map m ON m.old = r.doc
WHERE (m.new, r.pack) IN (SELECT doc, pack FROM temp.merge_runs)]],
   -- their spans; spans of no pack run only with a new document
   [[INSERT INTO main.spans(doc, start, stop, type, rule, pack, attrs)
SELECT m.new, s.start, s.stop, s.type, s.rule, s.pack, s.attrs FROM shard.spans s JOIN temp.merge_map m ON m.old = s.doc
WHERE (m.new, s.pack) IN (SELECT doc, pack FROM temp.merge_runs)
   OR (m.added AND NOT EXISTS (SELECT 1 FROM shard.runs r WHERE r.doc = s.doc AND r.pack IS s.pack))
ORDER BY s.doc, s.id]],
}

-- What the shard adds, in one transaction; returns the counts. Every step
-- reads the shard once and the corpus by index: the time grows with the
-- shard, not with the corpus.
local function merge_shard(self, path)
   local db = self.db
   check(db:exec([[CREATE TEMP TABLE IF NOT EXISTS merge_map(old INTEGER PRIMARY KEY, new INTEGER, added INTEGER);
CREATE TEMP TABLE IF NOT EXISTS merge_runs(doc INTEGER, pack TEXT, PRIMARY KEY (doc, pack)) WITHOUT ROWID;
DELETE FROM temp.merge_map; DELETE FROM temp.merge_runs;]]))
   check_packs(self, path)
   local before = first_row(stmt(self, "SELECT coalesce(max(rowid), 0) AS n FROM main.docs")).n
   local changed = {}
   for i, sql in ipairs(MERGE_STEPS) do
      if i == 2 or i == 3 then run(stmt(self, sql), before) else run(stmt(self, sql)) end
      changed[i] = db:changes()
   end
   local has_packs = first_row(stmt(self,
      "SELECT count(*) AS n FROM shard.sqlite_schema WHERE type = 'table' AND name = 'packs'")).n > 0
   if has_packs then
      run(stmt(self, "INSERT INTO main.packs(name, version, merge) SELECT name, version, merge FROM shard.packs "
         .. "WHERE true ON CONFLICT(name) DO NOTHING"))
   end
   local documents = first_row(stmt(self, "SELECT count(*) AS n FROM shard.docs")).n
   local counts = { documents = documents, added = changed[1], present = changed[2] - changed[1], runs = changed[5],
      spans = changed[6] }
   counts.conflicts = documents - changed[2]
   return counts
end

--- corpus:merge(shard_path) -> {documents, added, present, conflicts, runs, spans} | nil, message, code
-- Adds the documents, full-text index, pack runs and spans of another
-- corpus file (a shard made elsewhere), in one transaction: a merge killed
-- halfway leaves the corpus as it was. A document whose id the corpus
-- holds with the same text adds only the pack runs the corpus lacks
-- (present); with another text, the corpus keeps its own (conflicts).
-- Merging the same shard twice adds nothing. A shard of another schema
-- version, or whose spans come from another version of a pack the corpus
-- has run, is refused (code "version"). Afterwards, corpus:merge_names()
-- makes one spelling of each name across the shards.
-- @param path string the shard's file
-- @return table {documents, added, present, conflicts, runs, spans}; or nil, message, code
function Corpus:merge(path)
   live(self, 2)
   if type(path) ~= "string" or path == "" then error("corpus:merge: path must be a non-empty string", 2) end
   if self.readonly then error("corpus:merge: the corpus was opened read-only", 2) end
   if not self.db:autocommit() then error("corpus:merge: call it outside a transaction", 2) end
   local f = io.open(path, "rb")
   if not f then return nil, path .. ": no such corpus file", "cantopen" end
   f:close()
   return guarded(function()
      local st = check(self.db:prepare("ATTACH DATABASE ? AS shard"))
      local ok, err, code = st:run(corpus.readonly_uri(path))
      st:close()
      if not ok then fail(string_format("%s: %s", path, err), code) end
      local res = table_pack(pcall(function()
         check(corpus.check_shard(self.db, "shard", path))
         return transaction(self, merge_shard, self, path)
      end))
      -- statements on the shard go before it does
      for sql, cached in pairs(self.stmts) do
         if sql:find("shard.", 1, true) then
            cached:close()
            self.stmts[sql] = nil
         end
      end
      self.db:exec("DETACH DATABASE shard")
      if not res[1] then error(res[2], 0) end
      return res[2]
   end)
end

-- --- reports over shards -------------------------------------------------------------

-- The shards read as one: document metadata, spans and runs copied into
-- TEMP tables (rowids shifted shard by shard) with the corpus's indexes,
-- so that reports join them as fast as one corpus; the texts stay in the
-- shards, read through the docs view one document at a time.
local SHARD_TABLES = [[
CREATE TEMP TABLE docs_meta (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, title TEXT, date TEXT, source TEXT,
   url TEXT, meta TEXT, hash TEXT NOT NULL, shard INTEGER NOT NULL, srowid INTEGER NOT NULL);
CREATE TEMP TABLE spans (id INTEGER PRIMARY KEY, doc INTEGER NOT NULL, start INTEGER NOT NULL, stop INTEGER NOT NULL,
   type TEXT NOT NULL, rule TEXT, pack TEXT, attrs TEXT);
CREATE TEMP TABLE runs (doc INTEGER NOT NULL, pack TEXT NOT NULL, version TEXT, hash TEXT NOT NULL, at TEXT NOT NULL,
   PRIMARY KEY (doc, pack)) WITHOUT ROWID;
]]
local SHARD_COPY = {
   "INSERT INTO temp.docs_meta SELECT rowid + %d, id, title, date, source, url, meta, hash, %d, rowid FROM %s.docs",
   "INSERT INTO temp.spans SELECT id + %d, doc + %d, start, stop, type, rule, pack, attrs FROM %s.spans",
   "INSERT INTO temp.runs SELECT doc + %d, pack, version, hash, at FROM %s.runs",
}
local SHARD_INDEXES = [[
CREATE INDEX temp.docs_meta_id ON docs_meta(id);
CREATE INDEX temp.spans_type ON spans(type, doc);
CREATE INDEX temp.spans_doc ON spans(doc, pack);
CREATE INDEX temp.spans_speaker ON spans(type, json_extract(attrs, '$.speaker'), doc) WHERE type = 'quote';
CREATE INDEX temp.spans_name ON spans(type, json_extract(attrs, '$.name'), doc)
   WHERE type IN ('person', 'organization', 'location');
]]

-- Copies the shards into the TEMP tables and makes the docs view.
local function read_as_one(self, shards)
   local db = self.db
   check(db:exec(SHARD_TABLES))
   local text = {}
   for i, sh in ipairs(shards) do
      check(db:exec(string_format(SHARD_COPY[1], sh.doc, i, sh.schema)))
      check(db:exec(string_format(SHARD_COPY[2], sh.span, sh.doc, sh.schema)))
      check(db:exec(string_format(SHARD_COPY[3], sh.doc, sh.schema)))
      text[i] = string_format("WHEN %d THEN (SELECT t.text FROM %s.docs t WHERE t.rowid = m.srowid)", i, sh.schema)
   end
   check(db:exec(SHARD_INDEXES))
   check(db:exec("CREATE TEMP VIEW docs AS SELECT m.rowid AS rowid, m.id, m.title, m.date, m.source, m.url, "
      .. "CASE m.shard " .. table_concat(text, " ") .. " END AS text, m.meta, m.hash FROM temp.docs_meta m"))
end

-- Attaches the shards after the first; shows them as one.
local function attach_shards(self, paths)
   local shards = { { schema = "main", path = paths[1], doc = 0, span = 0 } }
   for i = 2, #paths do
      local schema = "shard" .. i
      local f = io.open(paths[i], "rb")
      if not f then fail(paths[i] .. ": no such corpus file", "cantopen") end
      f:close()
      local st = check(self.db:prepare("ATTACH DATABASE ? AS " .. schema))
      local ok, err, code = st:run(corpus.readonly_uri(paths[i]))
      st:close()
      if not ok then
         if err:find("too many attached", 1, true) then
            fail(string_format("%s: a report reads at most %d shards at once (SQLite attaches at most %d databases "
               .. "to one); merge some first (quarry merge)", paths[i], i - 1, i - 2), "error")
         end
         fail(string_format("%s: %s", paths[i], err), code)
      end
      check(corpus.check_shard(self.db, schema, paths[i]))
      shards[i] = { schema = schema, path = paths[i] }
   end
   -- each shard's rowids follow the last one's, as a merge would number them
   for i = 2, #shards do
      local prev = shards[i - 1]
      local row = first_row(stmt(self, string_format("SELECT (SELECT coalesce(max(rowid), 0) FROM %s.docs) AS d, "
         .. "(SELECT coalesce(max(id), 0) FROM %s.spans) AS s", prev.schema, prev.schema)))
      shards[i].doc, shards[i].span = prev.doc + row.d, prev.span + row.s
   end
   read_as_one(self, shards)
   return shards
end

--- corpus.open_shards(paths [, {timeout_ms, time_limit_ms}]) -> quarry.Corpus (read-only) | nil, message, code
-- Opens these corpus files (shards) for reading as one, without merging,
-- for a report: the first is opened read-only, the others are ATTACHed
-- read-only (SQLite attaches at most ten: eleven shards in all), and TEMP
-- tables docs_meta, spans and runs (a view docs with the texts) hold their
-- rows together, rowids shifted shard by shard in the order given (as
-- quarry merge would number them): opening costs a copy of every span and
-- document's metadata (not of the texts), reports then run as on one.
-- Full-text search asks every shard's index: corpus:match_sql (reports:
-- ctx:match_sql); corpus:kwic reads every shard. The shards should hold
-- different documents. One path opens that corpus read-only.
-- @param paths table the shards' files (at most eleven)
-- @param opts table optional: timeout_ms
-- @return quarry.Corpus read-only; or nil, message, code
function corpus.open_shards(paths, opts)
   if type(paths) ~= "table" or #paths == 0 then error("corpus.open_shards: paths must be a non-empty list", 2) end
   for i, p in ipairs(paths) do
      if type(p) ~= "string" or p == "" then
         error(string_format("corpus.open_shards: path %d must be a string", i), 2)
      end
   end
   opts = check_opts(opts, { timeout_ms = true, time_limit_ms = true }, 2, "corpus.open_shards")
   local self, err, code = corpus.open(paths[1], { readonly = true, timeout_ms = opts.timeout_ms,
      time_limit_ms = opts.time_limit_ms })
   if not self then return nil, err, code end
   if #paths == 1 then return self end
   local shards
   shards, err, code = guarded(attach_shards, self, paths)
   if not shards then
      self:close()
      return nil, err, code
   end
   self.shards = shards
   return self
end

--- corpus:match_sql(query_sql [, columns]) -> SQL
-- A SELECT of the rowid (and columns, e.g. "rank") of the documents
-- matching a full-text query (query_sql: an SQL expression, a quoted
-- literal or a parameter), over every shard of a corpus from
-- corpus.open_shards (there, rank compares within a shard: bm25 weighs
-- each shard's own statistics).
-- @param query_sql string an SQL expression giving the FTS5 query
-- @param columns string optional: more columns to select (e.g. "rank")
-- @return string the SELECT
function Corpus:match_sql(query_sql, columns)
   live(self, 2)
   if type(query_sql) ~= "string" then error("corpus:match_sql: query_sql must be a string", 2) end
   local cols = columns and (", " .. columns) or ""
   if not self.shards then return "SELECT rowid" .. cols .. " FROM docs_fts WHERE docs_fts MATCH " .. query_sql end
   local arms = {}
   for i, sh in ipairs(self.shards) do
      arms[i] = string_format("SELECT rowid + %d AS rowid%s FROM %s.docs_fts WHERE docs_fts MATCH %s", sh.doc, cols,
         sh.schema, query_sql)
   end
   return table_concat(arms, " UNION ALL ")
end

return corpus
