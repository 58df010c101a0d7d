--- Running a rule pack over the documents of a corpus: corpus:extract.
-- The one module that joins the rule engine (quarry.rules) and the store
-- (quarry.corpus); neither requires the other. With jobs > 1 the pack runs
-- in worker processes (quarry.parallel) and this process stays the
-- corpus's only writer, storing each document's spans in document order:
-- the rows are those one process would store.
-- @module quarry.runner
local corpus_mod = require "quarry.corpus"
local rules = require "quarry.rules"
local parallel = require "quarry.parallel"

local error, getmetatable, ipairs, pairs, pcall, setmetatable, tostring, type =
   error, getmetatable, ipairs, pairs, pcall, setmetatable, tostring, type
local math_type, math_min = math.type, math.min
local string_format = string.format
local os_clock = os.clock

local runner = {}

local EXTRACT_OPTS = { force = true, date = true, batch = true, progress = true, trusted = true, jobs = true,
   limits = true, on_failure = true, on_notice = true, max_failures = true }

--- The job of a worker process (quarry.parallel): a document in, its
-- spans out (without their text). config: {pack = name or path, trusted, limits}.
-- @param config table {pack, trusted, limits}
-- @return function the job: a document in, its spans out
-- @return table what the first worker reports to on_ready (the pack's name and version)
function runner.worker(config)
   local opts = parallel.decode(config)
   local pack = rules.load(opts.pack, { trusted = opts.trusted, limits = opts.limits })
   return function(payload)
      local doc = parallel.decode(payload)
      local ok, spans = pcall(pack.run, pack, doc)
      if not ok then error(tostring(spans), 0) end   -- the parent names the document
      for _, sp in ipairs(spans) do sp.text = nil end
      return parallel.encode(spans)
   end
end

-- A failure of the world met inside a transaction: raised through it (so
-- that it rolls back), returned as nil, message, code by extract.
local WorldFailure = {}

local function world(msg, code)
   error(setmetatable({ msg = msg, code = code }, WorldFailure), 0)
end

-- Stores one document's spans; counts them.
local function store(self, pack, id, spans, stats)
   local n, err, code = self:replace_spans(id, pack.name, spans, { version = pack.version })
   if not n then world(err, code) end
   stats.documents = stats.documents + 1
   stats.spans = stats.spans + n
end

-- A document the pack failed on (its error, a worker that died with it):
-- reported to on_failure, or kept for the error at the end; the run goes
-- on, unless it was the max_failures-th (stats.stopped). The document
-- keeps what was stored for it before and stays pending.
local function failure(stats, opts, id, msg)
   stats.failed = stats.failed + 1
   if opts.max_failures and stats.failed >= opts.max_failures then stats.stopped = true end
   if opts.on_failure then
      opts.on_failure(id, msg)
   elseif not stats.first_failure then
      stats.first_failure = string_format("document %s: %s", id, msg)
   end
end

-- The document id, ready for the pack (with the default date), or nil
-- when it went away meanwhile.
local function fetch(self, id, date)
   local doc, err, code = self:get(id)
   if err then world(err, code) end
   if doc and date and not doc.date then doc.date = date end
   return doc
end

-- Documents ids[first..last] in this process.
local function run_here(self, pack, ids, first, last, stats, opts)
   for k = first, last do
      if stats.stopped then return end
      local doc = fetch(self, ids[k], opts.date)
      if doc then
         local ok, spans = pcall(pack.run, pack, doc)
         if ok then store(self, pack, doc.id, spans, stats) else failure(stats, opts, doc.id, tostring(spans)) end
         if opts.progress then opts.progress(stats.documents + stats.failed, #ids, doc) end
      end
   end
end

-- Documents ids[first..last] through the pool's workers, stored in order.
local function run_pool(self, pool, pack, ids, first, last, stats, opts)
   local k, held = first, {}
   local ok, err, signal = pool:map {
      input = function()
         while k <= last and not stats.stopped do
            local doc = fetch(self, ids[k], opts.date)
            k = k + 1
            if doc then
               held[doc.id] = doc
               return parallel.encode(doc), doc.id
            end
         end
         return nil
      end,
      result = function(payload, id)
         store(self, pack, id, parallel.decode(payload), stats)
         if opts.progress then opts.progress(stats.documents + stats.failed, #ids, held[id]) end
         held[id] = nil
      end,
      failed = function(msg, id)
         if msg:find("^worker %d") then msg = "not annotated: " .. msg end
         failure(stats, opts, id, msg)
         if opts.progress then opts.progress(stats.documents + stats.failed, #ids, held[id]) end
         held[id] = nil
      end,
      notice = opts.on_notice,
   }
   if not ok then
      if signal then world(string_format("interrupted by %s; %d documents stored", signal:upper(),
         stats.documents), "interrupted") end
      error(err, 0)
   end
end

local function check_extract(pack, opts, level)
   if type(pack) == "string" then
      local ok, loaded = pcall(rules.load, pack, { trusted = opts.trusted, limits = opts.limits })
      if not ok then error(tostring(loaded), level + 1) end
      return loaded, pack
   elseif type(pack) ~= "table" or type(pack.run) ~= "function" then
      error("corpus:extract: expected a rule pack, or its name or path", level + 1)
   end
   if opts.jobs and opts.jobs > 1 then
      error("corpus:extract: jobs > 1 needs the pack's name or path (each worker loads it)", level + 1)
   end
   return pack
end

-- The run, batch by batch; raises WorldFailure for a failure of the world.
local function extract(self, pack, spec, opts)
   local t0 = os_clock()
   local batch, jobs = opts.batch or 500, opts.jobs or 1
   local ids, total, code = self:pending(pack.name, pack.version, opts.force)
   if not ids then world(total, code) end
   local stats = { documents = 0, skipped = total - #ids, spans = 0, failed = 0 }
   -- a large run builds the report indexes once at the end; if it stops
   -- halfway, the next open for writing builds them
   local bulk = #ids >= 1000 and #ids * 4 >= total
   local function check(ok, err, c) if not ok then world(err, c) end end
   if bulk then check(self:report_indexes(false)) end
   local pool
   if jobs > 1 and #ids > 1 then
      pool = parallel.pool { jobs = jobs, worker = "quarry.runner",
         config = parallel.encode { pack = spec, trusted = opts.trusted or false, limits = opts.limits } }
   end
   local ok, err = pcall(function()
      local i = 1
      while i <= #ids and not stats.stopped do
         local last = math_min(#ids, i + batch - 1)
         check(self:transaction(function()
            if pool then run_pool(self, pool, pack, ids, i, last, stats, opts)
            else run_here(self, pack, ids, i, last, stats, opts) end
            return true
         end))
         i = last + 1
      end
   end)
   if pool then pool:close(not ok) end
   if not ok then error(err, 0) end
   if bulk then check(self:report_indexes(true)) end
   if pack.merge and stats.documents > 0 then check(self:merge_names(pack.name, pack.merge, pack.version)) end
   stats.seconds = os_clock() - t0
   if stats.stopped then stats.not_run = #ids - stats.documents - stats.failed end
   if stats.first_failure and stats.stopped then
      error(string_format("stopped after %d failed documents (max_failures): %d stored, %d not run (running again "
         .. "does the failed ones and the rest); the first: %s", stats.failed, stats.documents, stats.not_run,
         stats.first_failure), 0)
   elseif stats.first_failure then
      error(string_format("%d of %d documents failed, the other %d stored (running again retries the failed ones); "
         .. "the first: %s", stats.failed, #ids, stats.documents, stats.first_failure), 0)
   end
   return stats
end

--- corpus:extract(pack [, {force, date, batch = 500, progress = fn, trusted, limits, jobs = 1, on_failure = fn,
--   on_notice = fn, max_failures}])
--   -> {documents, skipped, spans, failed, seconds [, stopped, not_run]} | nil, message, code
-- Runs a rule pack (loaded, or a name or path) over the corpus and stores
-- its spans, replacing that pack's earlier spans of each document. Documents
-- whose text and pack version are unchanged since the pack last ran are
-- skipped unless force is true. date: the date of documents that have none
-- (for relative dates). One transaction a batch of documents: after a
-- crash the corpus holds the committed batches, and running again
-- completes the job. progress(done, total, doc) after each document.
-- jobs > 1 runs the pack in that many worker processes (the pack given
-- by name or path); the stored rows are the same. A document the pack
-- fails on (an error, a limit, a worker that dies with it) does not stop
-- the run: it keeps what was stored for it before and stays pending, so
-- that running again retries it; on_failure(id, message) hears of each
-- and stats.failed counts them (a worker process that dies holding
-- several documents is named to on_notice(message), and they run again
-- one at a time: only the one it dies on alone fails); without on_failure, extract raises at the
-- end, once the other documents are stored, naming how many failed and
-- the first (the pack's file, line, rule and limit). max_failures = N
-- stops the run at the Nth failed document (a pack that fails on every
-- document, say at its step limit, would otherwise take that limit's time
-- on each): the documents done stay stored, those in flight in workers
-- finish, stats.stopped is true and stats.not_run counts the documents
-- left pending; without on_failure, the error says so. An interrupt (Ctrl-C) returns
-- nil, message, "interrupted"; the committed batches stay. Then the pack's
-- `merge` list makes one spelling of each name across the corpus
-- (corpus:merge_names).
-- @function Corpus:extract
-- @param pack a loaded pack, or a pack's name or path
-- @param opts table optional: force, date, batch, progress, trusted, limits, jobs, on_failure, on_notice,
--   max_failures
-- @return table {documents, skipped, spans, failed, seconds [, stopped, not_run]}; or nil, message, code
function corpus_mod.Corpus:extract(pack, opts)
   if type(opts) ~= "nil" and type(opts) ~= "table" then error("corpus:extract: options must be a table", 2) end
   opts = opts or {}
   for k in pairs(opts) do
      if not EXTRACT_OPTS[k] then error(string_format("corpus:extract: unknown option '%s'", tostring(k)), 2) end
   end
   for _, k in ipairs { "batch", "jobs", "max_failures" } do
      if opts[k] ~= nil and (math_type(opts[k]) ~= "integer" or opts[k] < 1) then
         error(string_format("corpus:extract: option '%s' must be a positive integer", k), 2)
      end
   end
   for _, k in ipairs { "progress", "on_failure", "on_notice" } do
      if opts[k] ~= nil and type(opts[k]) ~= "function" then
         error(string_format("corpus:extract: option '%s' must be a function", k), 2)
      end
   end
   if not self.db then error("attempt to use a closed quarry.Corpus", 2) end
   local loaded, spec = check_extract(pack, opts, 2)
   local ok, res = pcall(extract, self, loaded, spec, opts)
   if ok then return res end
   if getmetatable(res) == WorldFailure then return nil, res.msg, res.code end
   error(res, 0)
end

return runner
