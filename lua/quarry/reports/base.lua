--- The base every report builds on (docs/reports.md describes it in full).
--
--   local base = require "quarry.reports.base"
--   return base.new {
--      name = "titles", title = "People and their titles",
--      columns = { { key = "name", label = "Person" }, { key = "n", label = "Mentions", kind = "number" } },
--      run = function(ctx)
--         return ctx:all([[SELECT json_extract(s.attrs, '$.name') AS name, count(*) AS n
--            FROM spans s JOIN docs d ON d.rowid = s.doc
--            WHERE s.type = 'person' AND ]] .. ctx:docs_where("d") .. " GROUP BY name ORDER BY n DESC")
--      end,
--   }
--
-- A report's run(ctx) returns its rows, or a model {title, description,
-- stats, columns, group, sections, chart, parts, notes} (see
-- quarry.render); the base fills in what it leaves out. ctx reads the
-- corpus with SQL (SQLite refuses anything but reading: see
-- quarry.reports) and turns the command line's filters (--speaker,
-- --entity, --from, --to, --query, --outlet, --doc, --limit, --offset)
-- into SQL conditions, so that reports query the indexed spans table
-- rather than reading text.
-- @module quarry.reports.base
local core = require "quarry.core"

local error, getmetatable, ipairs, next, pairs, pcall, select, setmetatable, tostring, type =
   error, getmetatable, ipairs, next, pairs, pcall, select, setmetatable, tostring, type
local math_type, math_max = math.type, math.max
local utf8_len, utf8_offset = utf8.len, utf8.offset
local string_format, table_concat, table_sort = string.format, table.concat, table.sort
local normalize, tokenize = core.normalize, core.tokenize

local base = {}

--- The span types that name entities.
base.ENTITY_TYPES = { "person", "organization", "location" }

--- The filters a report takes, in the order they are shown.
base.FILTERS = { "speaker", "entity", "from", "to", "query", "outlet", "doc", "limit", "offset" }

local KINDS = { text = true, number = true, date = true, quote = true, list = true }

-- The metatable of reports; no __index, so that a report's own code
-- cannot reach it through its table.
local Report = { __name = "quarry.Report" }

-- --- checking definitions and models ----------------------------------------------

local function check_columns(cols, what, level)
   if type(cols) ~= "table" then error(what .. ": columns must be a list", level + 1) end
   for i, c in ipairs(cols) do
      if type(c) ~= "table" or type(c.key) ~= "string" or c.key == "" then
         error(string_format("%s: column %d needs a key (a string)", what, i), level + 1)
      end
      if c.kind ~= nil and not KINDS[c.kind] then
         error(string_format("%s: column '%s': unknown kind '%s' (text, number, date, quote, list)", what, c.key,
            tostring(c.kind)), level + 1)
      end
      if c.label ~= nil and type(c.label) ~= "string" then
         error(string_format("%s: column '%s': label must be a string", what, c.key), level + 1)
      end
   end
end

--- base.new{name, title, description, columns, group, run} -> a report.
-- run(ctx) is required; the rest are defaults for the model it returns.
-- Raises on a malformed definition.
-- @param def table {name, title, description, columns, group, run}; run(ctx) returns rows or a model
-- @return table the report
function base.new(def)
   if type(def) ~= "table" then error("base.new: expected a table", 2) end
   if type(def.run) ~= "function" then error("base.new: a report needs a run function", 2) end
   for _, k in ipairs { "name", "title", "description", "group" } do
      if def[k] ~= nil and type(def[k]) ~= "string" then error("base.new: '" .. k .. "' must be a string", 2) end
   end
   if def.columns ~= nil then check_columns(def.columns, "base.new", 2) end
   if getmetatable(def) == Report then return def end
   return setmetatable(def, Report)
end

--- Whether x is a report made by base.new.
-- @param x any value
-- @return boolean
function base.is_report(x)
   return getmetatable(x) == Report
end

local function is_list(t)
   return type(t) == "table" and (t[1] ~= nil or next(t) == nil)
end

local function stat_key(label)
   local k = tostring(label):lower():gsub("[^%w]+", "_"):gsub("^_+", ""):gsub("_+$", "")
   return k
end

-- "file:line: " of a report's run function, or "".
local function report_where(report)
   local info = type(report.run) == "function" and debug.getinfo(report.run, "S")
   if info and info.source:sub(1, 1) == "@" then
      return string_format("%s:%d: ", info.source:sub(2), info.linedefined)
   end
   return ""
end

-- The model a run returned, completed and checked.
local function complete(report, result, ctx_notes, filters)
   -- the messages name the report's file and the line of its run function
   -- (what run returned has no line of its own): no position of quarry's
   local what = report_where(report) .. "report " .. (report.name or "?")
   local level = 0
   local model
   if result == nil then result = {} end
   if type(result) ~= "table" then error(what .. ": run must return rows or a model table", level) end
   if is_list(result) and result.sections == nil and result.rows == nil and result.parts == nil then
      model = { rows = result }
   else
      model = result
   end
   model.report = model.report or report.name
   model.title = model.title or report.title or report.name
   model.description = model.description or report.description
   model.columns = model.columns or report.columns
   model.group = model.group or report.group
   if model.rows then
      if model.sections then error(what .. ": a model has rows or sections, not both", level) end
      model.sections = { { rows = model.rows, empty = model.empty, chart = model.chart and model.chart.kind == "bars"
         and model.chart or nil } }
      if model.chart and model.chart.kind == "bars" then model.chart = nil end
      model.rows = nil
   end
   model.sections = model.sections or {}
   for i, s in ipairs(model.sections) do
      if type(s) ~= "table" or type(s.rows) ~= "table" then
         error(string_format("%s: section %d needs a rows list", what, i), level)
      end
      if s.columns then check_columns(s.columns, what, level) end
   end
   if not model.columns then
      -- columns from the first row's keys, sorted, when the report names none
      local first = model.sections[1] and model.sections[1].rows[1]
      local keys = {}
      for k in pairs(first or {}) do
         if type(k) == "string" then keys[#keys + 1] = k end
      end
      table_sort(keys)
      model.columns = {}
      for i, k in ipairs(keys) do model.columns[i] = { key = k, label = k } end
   end
   check_columns(model.columns, what, level)
   for _, c in ipairs(model.columns) do c.label = c.label or c.key end
   for _, s in ipairs(model.sections) do
      for _, c in ipairs(s.columns or {}) do c.label = c.label or c.key end
   end
   for i, s in ipairs(model.stats or {}) do
      if type(s) ~= "table" or s.label == nil then
         if type(s) == "table" and s[1] ~= nil then
            error(string_format("%s: stat %d is a list; write each stat as {key = ..., label = ..., value = ...}",
               what, i), 0)
         end
         error(string_format("%s: stat %d needs a label", what, i), level)
      end
      s.key = s.key or stat_key(s.label)
   end
   local notes = {}
   for _, n in ipairs(ctx_notes) do notes[#notes + 1] = n end
   for _, n in ipairs(model.notes or {}) do notes[#notes + 1] = n end
   model.notes = notes
   model.filters = model.filters or filters
   return model
end

-- --- SQL -------------------------------------------------------------------------------

--- A string as an SQL literal ('it''s'); numbers as they are; nil as NULL.
-- @param v a string, a number or nil
-- @return string the SQL literal
function base.quote(v)
   if v == nil then return "NULL" end
   if math_type(v) then return tostring(v) end
   return "'" .. tostring(v):gsub("'", "''") .. "'"
end
local quote = base.quote

local function in_list(expr, values)
   if #values == 0 then return "0" end
   local q = {}
   for i, v in ipairs(values) do q[i] = quote(v) end
   return expr .. " IN (" .. table_concat(q, ", ") .. ")"
end

--- The key names are compared under: case, quotation marks and
-- diacritics folded, white space squeezed.
-- @param s string a name
-- @return string its key
function base.name_key(s)
   s = tostring(s):gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")
   return normalize(s, { diacritics = false })
end
local name_key = base.name_key

-- --- the context ---------------------------------------------------------------------------

-- The methods of a context; its metatable stays out of a report's reach
-- (ctx.__index is nil).
--- The context a report's run function gets: ctx.filters ({speaker,
-- entity, from, to, query, limit}, read-only) and the methods below, which
-- read the corpus with SQL and turn the filters into SQL conditions.
-- @type Context
local Context = {}
local ContextMT = { __index = Context, __name = "quarry.ReportContext", __metatable = "quarry.ReportContext" }

-- What a context keeps from the report: the corpus, its statements.
local private = setmetatable({}, { __mode = "k" })

local function state(ctx)
   local p = private[ctx]
   if not p then error("expected a report context (use ctx:method())", 3) end
   return p
end

-- SQLite's message without the "path: " it starts with.
local function sql_message(p, err)
   err = tostring(err)
   local prefix = (p.corpus.path or "") .. ": "
   if err:sub(1, #prefix) == prefix then err = err:sub(#prefix + 1) end
   return "report SQL: " .. err
end

-- What SQL may do is SQLite's to check: quarry.reports.run sets the
-- connection's read-only authorizer (db:authorizer "read") while a report
-- runs.
local function prepare(p, sql, level)
   if type(sql) ~= "string" then error("SQL must be a string", level + 1) end
   local st, err = p.db:prepare(sql)
   if not st then error(sql_message(p, err), level + 1) end
   return st
end

local function args_of(...)
   local n = select("#", ...)
   if n == 1 and type((...)) == "table" then return (...) end
   return { ... }
end

--- for row in ctx:rows(sql, ...) do ... end: rows as tables keyed by column
-- name. Arguments bind to ? (or pass one table, with names for :name).
-- @param sql string one read-only statement (SELECT, WITH or VALUES)
-- @param ... the values bound to its parameters (or one table of them)
-- @return an iterator yielding each row as a table keyed by column name
function Context:rows(sql, ...)
   local p = state(self)
   local st = prepare(p, sql, 2)
   local iter, st_state, _, closing = st:rows(args_of(...))
   return function()
      local row = iter(st_state)
      if row == nil then st:close() end
      return row
   end, nil, nil, closing
end

--- for a, b, c in ctx:tuples(sql, ...) do ... end: the columns of each row
-- as values, in order (no table a row: for scans of millions of spans).
-- A for loop stops at a nil first value: put a column first that is never
-- NULL (an id, a rowid).
-- @param sql string one read-only statement
-- @param ... the values bound to its parameters
-- @return an iterator yielding each row's values in order
function Context:tuples(sql, ...)
   local p = state(self)
   local st = prepare(p, sql, 2)
   st:bind_all(args_of(...))
   local done = false
   return function()
      if done then return nil end
      local ok, err = st:step()
      if ok == nil then
         done = true
         st:close()
         error(sql_message(p, err), 2)
      end
      if not ok then
         done = true
         st:close()
         return nil
      end
      return st:values()
   end, nil, nil, setmetatable({}, { __close = function() if not done then done = true st:close() end end })
end

--- ctx:all(sql, ...) -> every row, a list.
-- @param sql string one read-only statement
-- @param ... the values bound to its parameters
-- @return table the rows, each a table keyed by column name
function Context:all(sql, ...)
   local p = state(self)
   local st = prepare(p, sql, 2)
   local out = {}
   for row in st:rows(args_of(...)) do out[#out + 1] = row end
   st:close()
   return out
end

-- The first row of a query, read by get (st:row or st:values), or nil;
-- a failing query is an error of the caller's caller (level 3).
local function first_row(self, sql, get, ...)
   local p = state(self)
   local st = prepare(p, sql, 3)
   st:bind_all(args_of(...))
   local ok, err = st:step()
   if ok == nil then
      st:close()
      error(sql_message(p, err), 3)
   end
   local v = ok and get(st) or nil
   st:close()
   return v
end

--- ctx:one(sql, ...) -> the first row, or nil.
-- @param sql string one read-only statement
-- @param ... the values bound to its parameters
-- @return table the first row, or nil
function Context:one(sql, ...)
   local row = first_row(self, sql, function(st) return st:row() end, ...)   -- not a tail call: levels count
   return row
end

--- ctx:value(sql, ...) -> the first column of the first row, or nil.
-- @param sql string one read-only statement
-- @param ... the values bound to its parameters
-- @return the first value of the first row, or nil
function Context:value(sql, ...)
   local v = first_row(self, sql, function(st) return st:values() end, ...)
   return v
end

--- ctx:quote(v) -> an SQL literal, as base.quote.
-- @function Context:quote
-- @param v a string, a number or nil
-- @return string the SQL literal
Context.quote = function(_, v) return quote(v) end

--- How many of the documents that contain a --speaker or --entity name
-- are searched for the canonical names it is a variant of.
base.VARIANT_DOCS = 500

-- The canonical names a --speaker or --entity NAME stands for: those whose
-- key is NAME's, and those of spans whose text is NAME (its variants).
local function resolve(self, p, which)
   if p.shared.resolved[which] then return p.shared.resolved[which] end
   local wanted = self.filters[which]
   local key = name_key(wanted)
   local found, list = {}, {}
   local function add(name)
      if name and not found[name] then
         found[name] = true
         list[#list + 1] = name
      end
   end
   local types = which == "speaker" and { "person" } or base.ENTITY_TYPES
   -- (type first: the order of the speaker and name indexes)
   local names_sql = which == "speaker"
      and "SELECT DISTINCT type, json_extract(attrs, '$.speaker') AS name FROM spans WHERE type = 'quote'"
      or "SELECT DISTINCT type, json_extract(attrs, '$.name') AS name FROM spans "
         .. "WHERE type IN ('person', 'organization', 'location')"
   for row in self:rows(names_sql) do
      if row.name and type(row.name) == "string" and name_key(row.name) == key then add(row.name) end
   end
   -- variants: spans as long as NAME (in bytes) whose text has its key, in
   -- the documents the full-text index finds NAME in (as a phrase): in the
   -- first base.VARIANT_DOCS of them (a common name is in thousands)
   if wanted:find("[%w\128-\255]") then
      local phrase = '"' .. wanted:gsub('"', '""') .. '"'
      for row in self:rows("SELECT DISTINCT json_extract(s.attrs, '$.name') AS name, "
         .. "CAST(substr(CAST(d.text AS BLOB), s.start + 1, s.stop - s.start) AS TEXT) AS surface "
         .. "FROM (SELECT rowid FROM (" .. self:match_sql(quote(phrase)) .. ") LIMIT " .. base.VARIANT_DOCS .. ") f "
         .. "CROSS JOIN spans s ON s.doc = f.rowid CROSS JOIN docs d ON d.rowid = s.doc "
         .. "WHERE " .. in_list("s.type", types) .. " AND s.stop - s.start = ?",
         #wanted) do
         if type(row.name) == "string" and type(row.surface) == "string" and name_key(row.surface) == key then
            add(row.name)
         end
      end
   end
   table_sort(list)
   if #list == 0 then
      p.shared.notes[#p.shared.notes + 1] = string_format("No %s named '%s' in the corpus.", which, wanted)
   end
   p.shared.resolved[which] = list
   return list
end

--- ctx:match_sql(query_sql [, columns]) -> SQL: a SELECT of the rowid
-- (and columns, such as "rank" or "snippet(docs_fts, ...)") of the
-- documents matching a full-text query (query_sql: a quoted literal,
-- ctx:quote(q)). Use it rather than docs_fts itself: over several shards
-- (quarry report a.db b.db ...) it asks each shard's index.
-- @param query_sql string an SQL expression giving the FTS5 query (a quoted literal)
-- @param columns string optional: more columns to select
-- @return string the SELECT
function Context:match_sql(query_sql, columns)
   local p = state(self)
   local c = p.corpus
   if type(c.match_sql) == "function" then return c:match_sql(query_sql, columns) end
   return "SELECT rowid" .. (columns and (", " .. columns) or "") .. " FROM docs_fts WHERE docs_fts MATCH " .. query_sql
end

--- How many of a query's best matches ctx:best_matches ranks and keeps.
base.BEST = 1000

-- The best matches of the last few queries of each read-only corpus, kept
-- until another connection commits (PRAGMA data_version moves): ranking
-- every match is most of a search on a large corpus, and the explorer's
-- search page asks for it three times (its results, its facets, its later
-- pages).
local best_kept = setmetatable({}, { __mode = "k" })
local BEST_KEPT = 64    -- as many as the explorer keeps facets (quarry.serve.pages.CACHE)

local function data_version(p)
   local st = p.db:prepare("PRAGMA data_version")
   if not st then return nil end
   local ok = st:step()
   local v = ok and st:values() or nil
   st:close()
   return v
end

--- ctx:best_matches([n]) -> the rowids of the best base.BEST documents
-- that match the query filter and pass the other filters, best first
-- (FTS5's rank, then rowid), a list of the caller's own; nil when n, the
-- number the caller needs, is more than base.BEST (rank them yourself).
-- On a read-only corpus the list is kept until the corpus changes, for
-- every report that asks (a search page, its facets, its later pages).
-- @param n integer optional: how many the caller needs
-- @return table the rowids (empty without a query filter), or nil
function Context:best_matches(n)
   local p = state(self)
   local q = self.filters.query
   if n ~= nil and math_type(n) ~= "integer" then error("ctx:best_matches: n must be an integer", 2) end
   if n and n > base.BEST then return nil end
   if not q then return {} end
   local others = self:docs_where("d", { query = false })
   local sql = "SELECT f.rowid FROM (" .. self:match_sql(quote(q), "rank") .. ") f"
      .. (others == "1" and "" or (" WHERE +f.rowid IN (SELECT d.rowid FROM docs d WHERE " .. others .. ")"))
      .. " ORDER BY f.rank, f.rowid LIMIT " .. base.BEST
   local c, kept, version = p.corpus, nil, nil
   if c.readonly and not c.shards then
      version = data_version(p)
      kept = best_kept[c]
      if not kept or kept.version ~= version then
         kept = { version = version, lists = {}, n = 0 }
         best_kept[c] = kept
      end
      -- a copy: what a report does with its list never reaches the kept one
      if kept.lists[sql] then return table.move(kept.lists[sql], 1, #kept.lists[sql], 1, {}) end
   end
   local list = {}
   for rowid in self:tuples(sql) do list[#list + 1] = rowid end
   if kept and version then
      if kept.n >= BEST_KEPT then kept.lists, kept.n = {}, 0 end
      kept.lists[sql], kept.n = table.move(list, 1, #list, 1, {}), kept.n + 1
   end
   return list
end

--- ctx:speakers() -> the canonical speaker names the speaker filter stands for
-- (nil without --speaker): the name itself and the names it is a variant of,
-- compared without case, quotation marks or diacritics.
-- @return table the names, or nil without --speaker
function Context:speakers()
   local p = state(self)
   if not self.filters.speaker then return nil end
   return resolve(self, p, "speaker")
end

--- ctx:entities() -> the canonical entity names the entity filter stands for
-- (nil without --entity).
-- @return table the names, or nil without --entity
function Context:entities()
   local p = state(self)
   if not self.filters.entity then return nil end
   return resolve(self, p, "entity")
end

--- ctx:speaker_where(expr) -> SQL: expr (a speaker name) is one the speaker
-- filter (--speaker) stands for; "1" without it.
-- @param expr string an SQL expression giving a speaker's name
-- @return string an SQL condition
function Context:speaker_where(expr)
   local names = self:speakers()
   if not names then return "1" end
   return in_list(expr, names)
end

--- ctx:entity_where(expr) -> SQL: expr (an entity name) is one the entity
-- filter (--entity) stands for; "1" without it.
-- @param expr string an SQL expression giving an entity's name
-- @return string an SQL condition
function Context:entity_where(expr)
   local names = self:entities()
   if not names then return "1" end
   return in_list(expr, names)
end

--- ctx:dates_where(expr) -> SQL: the date expr lies within the date filters
-- (--from and --to; --to is inclusive at its precision: 2024-03 keeps all of March); "1"
-- without them.
-- @param expr string an SQL expression giving an ISO 8601 date
-- @return string an SQL condition
function Context:dates_where(expr)
   local f, conds = self.filters, {}
   if f.from then conds[#conds + 1] = expr .. " >= " .. quote(f.from) end
   if f.to then conds[#conds + 1] = string_format("substr(%s, 1, %d) <= %s", expr, #f.to, quote(f.to)) end
   if #conds == 0 then return "1" end
   return "(" .. expr .. " IS NOT NULL AND " .. table_concat(conds, " AND ") .. ")"
end

--- ctx:docs_where(alias [, {speaker = false, entity = false, dates = false, query = false}])
--   -> SQL: the document alias (a row of docs) passes the filters: dated
-- within --from/--to, matching --query, quoting --speaker, mentioning
-- --entity, from the --outlet, the document --doc. Turn off the filters a
-- report applies in its own way.
-- @param alias string the alias of the docs table in the query
-- @param skip table optional: speaker, entity, dates, query = false turn those filters off
-- @return string an SQL condition ("1" without filters)
function Context:docs_where(alias, skip)
   state(self)
   alias = alias or "d"
   skip = skip or {}
   local f, conds = self.filters, {}
   if f.doc then conds[#conds + 1] = alias .. ".id = " .. quote(f.doc) end
   if f.outlet then conds[#conds + 1] = alias .. ".source = " .. quote(f.outlet) end
   if skip.dates ~= false and (f.from or f.to) then conds[#conds + 1] = self:dates_where(alias .. ".date") end
   if skip.query ~= false and f.query then
      conds[#conds + 1] = string_format("%s.rowid IN (%s)", alias, self:match_sql(quote(f.query)))
   end
   if skip.speaker ~= false and f.speaker then
      conds[#conds + 1] = string_format("%s.rowid IN (SELECT doc FROM spans WHERE type = 'quote' AND %s)", alias,
         self:speaker_where("json_extract(attrs, '$.speaker')"))
   end
   if skip.entity ~= false and f.entity then
      conds[#conds + 1] = string_format("%s.rowid IN (SELECT doc FROM spans WHERE %s AND %s)", alias,
         in_list("type", base.ENTITY_TYPES), self:entity_where("json_extract(attrs, '$.name')"))
   end
   if #conds == 0 then return "1" end
   return table_concat(conds, " AND ")
end

--- ctx:spans_where(alias [, skip]) -> SQL: the span alias (a row of
-- spans) belongs to a document that passes the filters (as docs_where,
-- with the same skip), without joining docs: "1" without filters.
-- @param alias string the alias of the spans table in the query
-- @param skip table optional, as for ctx:docs_where
-- @return string an SQL condition
function Context:spans_where(alias, skip)
   local cond = self:docs_where("d", skip)
   if cond == "1" then return "1" end
   return string_format("%s.doc IN (SELECT d.rowid FROM docs d WHERE %s)", alias, cond)
end

--- ctx:mentions_where(alias) -> SQL: the span alias (a row of spans)
-- holds a mention of the --entity; "1" without --entity.
-- @param alias string the alias of the spans table in the query
-- @return string an SQL condition
function Context:mentions_where(alias)
   if not self.filters.entity then return "1" end
   -- the spans holding a mention, found once from the mentions (not once a span)
   return string_format("%s.id IN (SELECT x.id FROM spans e JOIN spans x ON x.doc = e.doc AND x.start <= e.start "
      .. "AND x.stop >= e.stop WHERE e.type IN ('person', 'organization', 'location') AND %s)", alias,
      self:entity_where("json_extract(e.attrs, '$.name')"))
end

--- The segment kinds that are not the article: reader comments, lists of
-- related stories, page furniture.
base.NOT_ARTICLE = { "comments", "related", "boilerplate" }

--- ctx:article_where(alias [, type]) -> SQL: the span alias does not lie
-- inside a segment that is not the article (base.NOT_ARTICLE): quotes and
-- dates in reader comments stay out of the quotes and the timeline. Give
-- the span's type when it is known: fewer spans to look at.
-- @function Context:article_where
-- @param alias string the alias of the spans table in the query
-- @param span_type string optional: the span's type
-- @return string an SQL condition
function Context.article_where(_, alias, span_type)
   -- the spans inside such segments, found once (not once a span)
   return string_format("%s.id NOT IN (SELECT x.id FROM spans g JOIN spans x ON %sx.doc = g.doc "
      .. "AND x.start >= g.start AND x.stop <= g.stop WHERE g.type = 'segment' AND %s)", alias,
      span_type and ("x.type = " .. quote(span_type) .. " AND ") or "",
      in_list("json_extract(g.attrs, '$.kind')", base.NOT_ARTICLE))
end

--- ctx:indexed_by(index) -> " INDEXED BY index" on a single corpus, ""
-- over shards (quarry report a.db b.db: docs is a view there, and the
-- TEMP tables have only the spans' indexes). For a scan that SQLite's
-- planner would otherwise do through the table (the index of dates
-- docs_date, of outlets docs_source, of the dates the text names
-- spans_value, spans_doc).
-- A corpus made before an index was added and opened read-only lacks it: "" then too.
-- @param index string the index's name
-- @return string " INDEXED BY index", or ""
function Context:indexed_by(index)
   local p = state(self)
   if p.corpus.shards and (index == "docs_date" or index == "docs_source" or index == "spans_value") then return "" end
   local have = p.shared.indexes
   if not have then
      have = {}
      for name in self:tuples("SELECT name FROM sqlite_schema WHERE type = 'index'") do have[name] = true end
      p.shared.indexes = have
   end
   if not have[index] then return "" end
   return " INDEXED BY " .. index
end

--- ctx:in_article_sql(alias) -> SQL: the span alias does not lie inside a
-- segment that is not the article, looked up for that span alone (from
-- the spans of its document): for a few documents, where
-- ctx:article_where would list the clutter of the whole corpus first.
-- @function Context:in_article_sql
-- @param alias string the alias of the spans table in the query
-- @return string an SQL condition
function Context.in_article_sql(_, alias)
   return string_format("NOT EXISTS (SELECT 1 FROM spans g WHERE g.type = 'segment' AND g.doc = %s.doc AND "
      .. "g.start <= %s.start AND g.stop >= %s.stop AND %s)", alias, alias, alias,
      in_list("json_extract(g.attrs, '$.kind')", base.NOT_ARTICLE))
end

--- ctx:limit_sql() -> " LIMIT n" for the limit filter (" LIMIT n OFFSET k"
-- with --offset: a page of rows), else "".
-- @return string " LIMIT n", or ""
function Context:limit_sql()
   local n, k = self.filters.limit, self.filters.offset
   local offset = (k and k > 0) and (" OFFSET " .. k) or ""
   if n and n > 0 then return " LIMIT " .. n .. offset end
   if offset ~= "" then return " LIMIT -1" .. offset end
   return ""
end

--- ctx:text_sql(d, s) -> SQL: the text a span covers.
-- @function Context:text_sql
-- @param d string the alias of the docs table in the query
-- @param s string the alias of the spans table
-- @return string an SQL expression
function Context.text_sql(_, d, s)
   return string_format("CAST(substr(CAST(%s.text AS BLOB), %s.start + 1, %s.stop - %s.start) AS TEXT)", d, s, s, s)
end

--- Bytes of text on each side of a span that ctx:window_sql takes.
base.WINDOW = 320

--- ctx:window_sql(d, s) -> SQL: the span's text with
-- base.WINDOW bytes on each side, for ctx:context.
-- @function Context:window_sql
-- @param d string the alias of the docs table in the query
-- @param s string the alias of the spans table
-- @return string an SQL expression
function Context.window_sql(_, d, s)
   local w = base.WINDOW
   return string_format("CAST(substr(CAST(%s.text AS BLOB), max(%s.start - %d, 0) + 1, "
      .. "%s.stop - max(%s.start - %d, 0) + %d) AS TEXT)", d, s, w, s, s, w, w)
end

local function squeeze(s)
   -- most strings need nothing: look before rewriting
   if not s:find("[\n\r\t\f\v]") and not s:find("  ", 1, true) then return s end
   return (s:gsub("%s+", " "))
end

-- s without a broken UTF-8 sequence at its start or end (windows are cut in bytes).
local function trim_utf8(s)
   local first = 1
   while first <= #s and first <= 4 do
      local b = s:byte(first)
      if b < 128 or b >= 192 then break end
      first = first + 1
   end
   if first > 1 then s = s:sub(first) end
   local last = #s
   local i = last
   while i > 0 and i > last - 4 do
      local b = s:byte(i)
      if b < 128 then break end
      if b >= 192 then
         local need = b >= 240 and 4 or (b >= 224 and 3 or 2)
         if last - i + 1 < need then s = s:sub(1, i - 1) end
         break
      end
      i = i - 1
   end
   return s
end

-- The start (1-based) of the last sentence of s, found with the tokeniser.
local function last_sentence_start(s)
   local toks <close> = tokenize(s)
   local n = toks:nsentences()
   if n == 0 then return 1 end
   return (toks:sentence(n)) + 1
end

-- The end of the first sentence of s.
local function first_sentence_end(s)
   local toks <close> = tokenize(s)
   if toks:nsentences() == 0 then return #s end
   local _, stop = toks:sentence(1)
   return stop
end

local function cut_left(s, chars)
   if (utf8_len(s) or #s) <= chars then return s end
   local from = utf8_offset(s, -chars) or (#s - chars)
   local cut = s:sub(from)
   local at = cut:find(" ", 1, true)
   if at and at < #cut then cut = cut:sub(at + 1) end
   return "…" .. cut
end

local function cut_right(s, chars)
   if (utf8_len(s) or #s) <= chars then return s end
   local to = (utf8_offset(s, chars + 1) or (chars + 1)) - 1
   local cut = s:sub(1, to)
   local at = cut:match(".*() ")
   if at and at > 1 then cut = cut:sub(1, at - 1) end
   return cut .. "…"
end

--- ctx:context(window, start, stop [, {width = 100, mark = "…"}]) -> text
-- What surrounds a span in its sentence: at most width characters on each
-- side, cut at the sentence's ends, the span itself shown as mark.
-- window is ctx:window_sql's column for the span (start and stop are the
-- span's own offsets), or the document's rowid (slower: one query a call).
-- @param window string or integer the ctx:window_sql column of the span, or the document's rowid
-- @param start integer the span's start (0-based byte)
-- @param stop integer the span's end (exclusive)
-- @param opts table optional: width (characters a side, 100), mark (what stands for the span, "…")
-- @return string the context
function Context:context(window, start, stop, opts)
   local p = state(self)
   opts = opts or {}
   local width, mark = opts.width or 100, opts.mark or "…"
   local w0
   if type(window) ~= "string" then
      local st = p.window_stmt
      if not st then
         st = p.db:prepare("SELECT " .. self:window_sql("d", "s") .. " AS w FROM (SELECT ? AS start, ? AS stop) s, "
            .. "docs d WHERE d.rowid = ?")
         p.window_stmt = st
      end
      st:bind_all(start, stop, window)
      local ok, err = st:step()
      if ok == nil then error(sql_message(p, err), 2) end
      local w = ok and st:values() or nil
      st:reset()
      if not ok then return "" end
      window = w or ""
   end
   w0 = math_max(start - base.WINDOW, 0)
   -- no more text than the widest context needs goes to the tokeniser
   local lim = width * 2 + 16
   local left, right = window:sub(1, start - w0), window:sub(stop - w0 + 1)
   -- cut short: the text goes on beyond the window (unless a sentence ends in it)
   local left_cut, right_cut = #left > lim or w0 > 0, #right > lim
   if #left > lim then left = left:sub(-lim) end
   if #right > lim then right = right:sub(1, lim) end
   left, right = trim_utf8(left), trim_utf8(right)
   if left ~= "" then
      local at = last_sentence_start(left)
      if at > 1 then left_cut = false end
      left = left:sub(at)
   end
   if right ~= "" then
      local at = first_sentence_end(right)
      if at < #right then right_cut = false end
      right = right:sub(1, at)
   end
   left = squeeze(left)
   if left:byte(1) == 32 then left = left:sub(2) end
   right = squeeze(right)
   if right:byte(-1) == 32 then right = right:sub(1, -2) end
   left, right = cut_left(left, width), cut_right(right, width)
   if left_cut and left:sub(1, 3) ~= "…" then left = "…" .. left end
   if right_cut and right:sub(-3) ~= "…" then right = right .. "…" end
   return left .. mark .. right
end

--- A usage error: what ctx:usage_error raises (reports.run returns it as
-- nil, message, "usage"; the command line exits 2).
base.UsageError = { __tostring = function(e) return e.msg end }

--- ctx:usage_error(message): stops the report, saying the filters given
-- cannot make it (e.g. a concordance with no word to look for).
-- @function Context:usage_error
-- @param msg string what is missing
-- @return nothing: it raises
function Context.usage_error(_, msg)
   error(setmetatable({ msg = tostring(msg) }, base.UsageError), 0)
end

--- ctx:kwic(term [, {width, limit, query}]) -> concordance lines
-- {doc, start, stop, left, match, right} (corpus:kwic: the full-text
-- index finds the term, the tokeniser cuts the context).
-- @param term string a word or phrase, or with query = true an FTS5 query
-- @param opts table optional: width, limit, query
-- @return table {{doc, start, stop, left, match, right}, ...}
function Context:kwic(term, opts)
   local p = state(self)
   local lines, err = p.corpus:kwic(term, opts)
   if not lines then error(err, 2) end
   return lines
end

--- ctx:note(message): a line the report shows above its tables.
-- @param msg string the note
-- @return nothing
function Context:note(msg)
   local p = state(self)
   p.notes[#p.notes + 1] = tostring(msg)
end

--- ctx:include(name_or_report [, defaults]) -> the model of another
-- report, made with the same corpus and filters (a composite report's
-- parts); defaults fill the filters not given (e.g. {limit = 10}).
-- @param name a report's name, path or the report itself
-- @param defaults table optional: filters for those not given (e.g. {limit = 10})
-- @return table the other report's model
function Context:include(name, defaults)
   local p = state(self)
   local report = name
   if type(name) == "string" then
      report = p.load(name)
   end
   local filters = {}
   for k, v in pairs(defaults or {}) do filters[k] = v end
   for k, v in pairs(self.filters) do filters[k] = v end
   -- the names the filters stand for are looked up once, and said once, here
   return base.run(p.corpus, report, filters, { load = p.load, level = 2, parent = p })
end

-- --- running --------------------------------------------------------------------------------

--- Running a report, and the text helpers the shipped reports share.
-- @section running

--- base.run(corpus, report, filters [, {load}]) -> model
-- Runs a report over an open corpus with filters {speaker, entity, from,
-- to, query, limit}; raises on a broken report. quarry.reports.run is the
-- checked way in.
-- @param corpus quarry.Corpus an open corpus
-- @param report table a report (from base.new)
-- @param filters table {speaker, entity, from, to, query, limit}
-- @param opts table optional: load (how to load the reports ctx:include names), level
-- @return table the model
function base.run(corpus, report, filters, opts)
   opts = opts or {}
   if not base.is_report(report) then error("base.run: expected a report made by base.new", 2) end
   local f = {}
   for _, k in ipairs(base.FILTERS) do
      local v = filters and filters[k]
      if v ~= nil and v ~= "" then f[k] = v end
   end
   local ctx = setmetatable({ filters = setmetatable({}, {
      __index = f,
      __newindex = function() error("ctx.filters is read-only", 2) end,
      __pairs = function() return next, f, nil end,
   }), name = report.name }, ContextMT)
   -- shared with the reports it includes: the names the filters stand for,
   -- and what was said about them
   local p = { corpus = corpus, db = corpus.db, notes = {}, load = opts.load,
      shared = opts.parent and opts.parent.shared or { resolved = {}, notes = {} } }
   private[ctx] = p
   local ok, result = pcall(report.run, ctx)
   if p.window_stmt then p.window_stmt:close() end
   if not ok then
      -- a tail call leaves no line to name: name the report's file at least
      if type(result) == "string" and report.file and not result:find(report.file, 1, true) then
         result = report.file .. ": " .. result
      end
      error(result, 0)
   end
   local notes = {}
   if not opts.parent then
      for _, n in ipairs(p.shared.notes) do notes[#notes + 1] = n end
   end
   for _, n in ipairs(p.notes) do notes[#notes + 1] = n end
   return complete(report, result, notes, f)
end

--- base.squeeze(s): white space runs as one space.
-- @function squeeze
-- @param s string
-- @return string
base.squeeze = squeeze
--- base.clean(s): white space squeezed and trimmed ("" for nil).
-- @param s string optional: a string
-- @return string
function base.clean(s)
   if s == nil then return "" end
   s = squeeze(s)
   if s:byte(1) == 32 then s = s:sub(2) end
   if s:byte(-1) == 32 then s = s:sub(1, -2) end
   return s
end
--- base.trim_utf8(s): s without a UTF-8 sequence cut at its start or end.
-- @function trim_utf8
-- @param s string
-- @return string
base.trim_utf8 = trim_utf8
base.Context = Context

return base
