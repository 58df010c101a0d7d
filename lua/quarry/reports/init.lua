--- Reports: finding, loading and running them.
--
--   local reports = require "quarry.reports"
--   local report = assert(reports.load("quotes"))          -- or "path/to/report.lua"
--   local model = assert(reports.run(corpus, report, { speaker = "Sergei Voronov" }))
--   require("quarry.render").write(model, "md", io.stdout)
--
-- A report is found as the module quarry.reports.NAME on package.path, or
-- by the path of a Lua file. Like a rule pack, it runs in a sandbox
-- (quarry.sandbox) unless trusted: string, table, math, utf8, coroutine
-- and the safe base functions, require reaching only quarry.reports.* and
-- cjson; no os, io, debug, load or loadfile; under a step budget and a
-- memory ceiling. Trusted or not, its SQL can only read: while it runs,
-- the connection has SQLite's authorizer set to a read-only allow-list
-- (db:authorizer "read", csrc/qr_db.c).
-- @module quarry.reports
local base = require "quarry.reports.base"
local corpus_mod = require "quarry.corpus"

local sandbox = require "quarry.sandbox"

local error, getmetatable, ipairs, pairs, pcall, setmetatable, tostring, type =
   error, getmetatable, ipairs, pairs, pcall, setmetatable, tostring, type
local math_type = math.type
local string_find, string_format, string_gsub, string_match, table_concat =
   string.find, string.format, string.gsub, string.match, table.concat
local lfs_attributes = require("lfs").attributes

local reports = {}

--- The shipped reports, in the order the command line's help lists them.
reports.SHIPPED = { "summary", "quotes", "entities", "timeline", "sources", "kwic", "search", "digest", "article",
   "profile", "facets" }

-- Module names under quarry.reports that are not reports.
local NOT_REPORTS = { base = true, init = true }

-- Modules an untrusted report may require; each report gets its own instance.
local REPORT_MODULES = { "quarry.reports.base", "cjson", "cjson.safe" }

-- A usage error a report's ctx raises goes through the sandbox as it is.
sandbox.host_error(base.UsageError)

-- The sandbox of each report loaded (kept here, out of the report's reach).
local boxes = setmetatable({}, { __mode = "k" })

local load_report

-- require "quarry.reports.NAME" in an untrusted report: that report,
-- loaded in a sandbox of its own.
local function report_module(box, name)
   local sub = string_match(name, "^quarry%.reports%.(.+)$")
   if not sub or NOT_REPORTS[sub] then return false end
   -- a report's name only: "quarry.reports./etc/x.lua" loaded any Lua file as a report
   local r, err = load_report(sub, { trusted = false, limits = box.limits, named = true })
   if not r then error(err, 3) end
   return true, r
end

local function is_file(path)
   return lfs_attributes(path, "mode") == "file"
end

-- The file of the report quarry.reports.NAME on package.path, or nil.
local function named_path(name)
   if NOT_REPORTS[name] or not string_find(name, "^[%w_%-]+$") then return nil end
   return package.searchpath("quarry.reports." .. name, package.path)
end

--- reports.find(name_or_path [, {named}]) -> path | nil, message
-- A name (letters, digits, _ and -) is looked up as quarry.reports.NAME;
-- anything else (a slash, a name ending in .lua, a file that is no
-- report's name) is taken as the path of a file. A file in the working
-- folder named like a report ("summary") is that report: write
-- "./summary" for the file. With named, only names are taken (a report's
-- require, quarry serve's /report/NAME).
-- @param name_or_path string a report's name, or the path of a Lua file
-- @param opts table optional: named (boolean: names only, never a path)
-- @return string the path of the report's file; or nil, message
function reports.find(name_or_path, opts)
   if type(name_or_path) ~= "string" or name_or_path == "" then
      error("reports.find: expected a report name or path", 2)
   end
   local named = opts and opts.named
   local shipped = table_concat(reports.SHIPPED, ", ")
   local path = named_path(name_or_path)
   if path then return path end
   if not named and (string_find(name_or_path, "/", 1, true) or string_find(name_or_path, "%.lua$")
      or is_file(name_or_path)) then
      if not is_file(name_or_path) then
         local mode = lfs_attributes(name_or_path, "mode")
         if mode then return nil, string_format("%s: not a report file (a %s)", name_or_path, mode) end
         return nil, string_format("%s: no such report file", name_or_path)
      end
      return name_or_path
   end
   return nil, string_format("unknown report '%s' (reports: %s%s)", name_or_path, shipped,
      named and "" or "; or the path of a .lua file")
end

-- Runs a report's file and checks what it returns (under box:run).
local function load_def(box, chunk, name_or_path, path)
   local def = chunk(name_or_path, path)
   if type(def) ~= "table" then error(path .. ": a report must return a table (base.new{...})", 0) end
   box:check_plain(def, path)
   if not base.is_report(def) then
      local bok, r = pcall(base.new, def)
      if not bok then error(path .. ": " .. string_gsub(tostring(r), "^base%.new: ", ""), 0) end
      def = r
   end
   if def.name == nil then def.name = string_match(path, "([^/]+)%.lua$") or name_or_path end
   if def.file == nil then def.file = path end
   return def
end

load_report = function(name_or_path, opts)
   local path, err = reports.find(name_or_path, { named = opts.named })
   if not path then return nil, err, "notfound" end
   local name = string_match(path, "([^/]+)%.lua$") or name_or_path
   local box = sandbox.new { kind = "report", name = name, trusted = opts.trusted, limits = opts.limits,
      modules = REPORT_MODULES, require = report_module }
   -- print would write into the report's output: an untrusted report's goes to stderr
   if not opts.trusted then box.env.print = sandbox.print end
   local def = box:run("loading", load_def, box, box:load(path, 0), name_or_path, path)
   boxes[def] = box
   return def
end

--- reports.load(name_or_path [, {trusted, limits, named}]) -> report | nil, message, "notfound"
-- Loads a report; a report that is not there returns nil, message,
-- "notfound"; a broken one raises with its file and line. limits =
-- {steps, memory} caps loading it and, later, running it (quarry.sandbox);
-- named: a report's name only, never a path (see reports.find).
-- @param name_or_path string a report's name, or the path of a Lua file
-- @param opts table optional: trusted (boolean: os, io and any module), limits, named
-- @return table the report; or nil, message, "notfound"
function reports.load(name_or_path, opts)
   if base.is_report(name_or_path) then return name_or_path end
   if type(name_or_path) ~= "string" then error("reports.load: expected a report name or path", 2) end
   opts = opts or {}
   local ok, r, err, code = pcall(load_report, name_or_path, opts)
   if not ok then error(r, 2) end
   return r, err, code
end

local function check_filters(filters, level)
   if filters == nil then return {} end
   if type(filters) ~= "table" then error("reports.run: filters must be a table", level + 1) end
   local known = {}
   for _, k in ipairs(base.FILTERS) do known[k] = true end
   for k, v in pairs(filters) do
      if not known[k] then error(string_format("reports.run: unknown filter '%s'", tostring(k)), level + 1) end
      if k == "limit" or k == "offset" then
         if math_type(v) ~= "integer" or v < 0 then
            error(string_format("reports.run: filter '%s' must be a non-negative integer", k), level + 1)
         end
      elseif type(v) ~= "string" then
         error(string_format("reports.run: filter '%s' must be a string", k), level + 1)
      end
   end
   for _, k in ipairs { "from", "to" } do
      if filters[k] and not corpus_mod.is_iso_date(filters[k]) then
         error(string_format("reports.run: filter '%s' must be an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD), "
            .. "not '%s'", k, filters[k]), level + 1)
      end
   end
   return filters
end

-- A report's run, under its sandbox (a report made by the caller's own
-- base.new has none): the model holds no table of the report's own with
-- a metatable.
local function run_report(box, corpus, report, filters, loader)
   if not box then return base.run(corpus, report, filters, { load = loader }) end
   local model = box:run("running", base.run, corpus, report, filters, { load = loader })
   box:check_plain(model, tostring(report.file or report.name or "report"), true)
   return model
end

-- reports.run once its arguments are checked, under the time limit.
local function run_checked(corpus, report, filters, opts)
   if filters.query then
      -- a malformed query fails here, plainly, rather than inside a report
      local st = corpus.db:prepare("SELECT rowid FROM docs_fts WHERE docs_fts MATCH ? LIMIT 1")
      local ok, err = st:bind_all { filters.query }
      if ok then ok, err = st:step() end
      st:close()
      if ok == nil then
         err = tostring(err)
         local prefix = (corpus.path or "") .. ": "
         if err:sub(1, #prefix) == prefix then err = err:sub(#prefix + 1) end
         return nil, string_format("bad query '%s': %s", filters.query, err), "query"
      end
   end
   -- ctx:include of an untrusted report: a report's name, not the path of any Lua file
   local function loader(name)
      local r, err = reports.load(name, { trusted = opts.trusted, limits = opts.limits, named = not opts.trusted })
      if not r then error(err, 0) end
      return r
   end
   -- SQLite checks every statement while the report runs: reads only; and
   -- its heap may grow by the report's memory limit (randomblob(1e9) in
   -- each of a few columns took all the memory there was)
   local db = corpus.db
   local box = boxes[report]
   db:authorizer("read")
   db:memory_limit(box and box.limits.memory or sandbox.limits(opts.limits).memory)
   local ok, model = pcall(run_report, box, corpus, report, filters, loader)
   db:memory_limit(nil)
   db:authorizer(nil)
   if ok then return model end
   if getmetatable(model) == base.UsageError then return nil, model.msg, "usage" end
   error(model, 0)
end

--- reports.run(corpus, report, filters [, {trusted, limits, named}]) -> model | nil, message, code
-- Runs a report (loaded, or a name or path) over an open corpus. filters:
-- {speaker, entity, from, to, query, outlet, doc, limit, offset}. A malformed
-- --query returns nil, "bad query ...", "query"; a report that is not there nil, message,
-- "notfound"; a report that takes longer than the corpus's time limit
-- (quarry.open's time_limit_ms) nil, message, "timeout"; a broken report
-- raises.
-- @param corpus quarry.Corpus an open corpus
-- @param report a loaded report, or a report's name or path
-- @param filters table {speaker, entity, from, to, query, limit}, each optional
-- @param opts table optional: trusted (boolean), limits, named (a report given by name only: see reports.find)
-- @return table the model (see quarry.render); or nil, message, code ("query", "usage", "notfound")
function reports.run(corpus, report, filters, opts)
   if getmetatable(corpus) == nil or type(corpus.db) ~= "userdata" then
      error("reports.run: expected an open quarry.Corpus", 2)
   end
   filters = check_filters(filters, 2)
   opts = opts or {}
   if type(report) == "string" then
      local r, err, code = reports.load(report, { trusted = opts.trusted, limits = opts.limits, named = opts.named })
      if not r then return nil, err, code end
      report = r
   elseif not base.is_report(report) then
      error("reports.run: expected a report, or its name or path", 2)
   end
   return corpus:with_time_limit(run_checked, corpus, report, filters, opts)
end

return reports
