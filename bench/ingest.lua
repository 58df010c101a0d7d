--- Corpus store: quarry's ingest (docs table, FTS5 index on quarry's
-- tokens, one transaction a batch) against a plain FTS5 unicode61 table
-- holding the same documents (title and text, one transaction), both read
-- from the same JSONL file, each in a fresh process, interleaved round by
-- round in the same run (CPU time of the child; wall clock including its
-- start); the
-- size of both files; then search latency over 1,000 mixed queries
-- (words, phrases, prefixes, AND, OR, NOT, NEAR) on the last corpus given.
--   lua5.4 bench/ingest.lua CORPUS.jsonl... [--rounds N]
local quarry = require "quarry"
local core = require "quarry.core"
local cjson = require "cjson.safe"
local bench = require "bench.common"

-- Each ingest runs in a fresh process (as `quarry ingest` would), so no
-- case inherits another's heap; the parent interleaves them round by round.
if arg[1] == "--case" then
   local kind, path, db = arg[2], arg[3], arg[4]
   local t0 = os.clock()
   local n
   if kind == "quarry" then
      local corpus <close> = assert(quarry.open(db))
      n = assert(corpus:ingest({ path })).added
   else
      local conn <close> = assert(core.db_open(db))
      -- the same durability as a quarry corpus: WAL, synchronous = NORMAL
      assert(conn:exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL"))
      assert(conn:exec("CREATE VIRTUAL TABLE t USING fts5(title, text, tokenize = 'unicode61')"))
      local st <close> = assert(conn:prepare("INSERT INTO t(title, text) VALUES (?, ?)"))
      n = 0
      assert(conn:exec("BEGIN"))
      for line in io.lines(path) do
         local obj = cjson.decode(line)
         if obj and type(obj.text) == "string" then
            local title = obj.title
            if title == cjson.null then title = nil end
            assert(st:run(title, obj.text))
            n = n + 1
         end
      end
      assert(conn:exec("COMMIT"))
   end
   io.stdout:write(string.format("%.6f %d\n", os.clock() - t0, n))
   return
end

local paths, rounds = {}, 5
do
   local i = 1
   while arg[i] do
      if arg[i] == "--rounds" then
         rounds = assert(math.tointeger(tonumber(arg[i + 1])), "--rounds needs a number")
         i = i + 2
      else
         paths[#paths + 1] = arg[i]
         i = i + 1
      end
   end
end
assert(#paths > 0, "usage: bench/ingest.lua CORPUS.jsonl... [--rounds N]")

local wall, size_of = bench.wall, bench.size_of

local base = os.tmpname()
local function db_path(name) return base .. "-" .. name .. ".db" end
local function remove_db(path)
   for _, suffix in ipairs { "", "-wal", "-shm" } do os.remove(path .. suffix) end
end

local function file_size(path) return size_of(path) + size_of(path .. "-wal") end

local interpreter = arg[-1] or "lua5.4"

-- Runs one case in a child process; returns its CPU seconds and document count.
local function run_case(kind, path, db)
   remove_db(db)
   local p = assert(io.popen(string.format("%s bench/ingest.lua --case %s '%s' '%s'", interpreter, kind, path, db)))
   local out = p:read("a")
   assert(p:close(), "bench case failed: " .. kind .. " " .. path)
   local cpu, n = out:match("^(%S+) (%d+)")
   return assert(tonumber(cpu)), assert(tonumber(n))
end

local cases = {}
for k, path in ipairs(paths) do
   local name = path:match("([^/]+)%.jsonl$") or ("corpus" .. k)
   cases[#cases + 1] = { corpus = name, kind = "quarry", path = path, db = db_path(name .. "-quarry") }
   cases[#cases + 1] = { corpus = name, kind = "fts5", path = path, db = db_path(name .. "-fts5") }
end

-- interleaved rounds: a noisy neighbour slows every case alike
local cpu, elapsed, ndocs = {}, {}, {}
for _ = 1, rounds do
   for _, c in ipairs(cases) do
      local w0 = wall()
      local dt, n = run_case(c.kind, c.path, c.db)
      local dw = wall() - w0
      local key = c.corpus .. "/" .. c.kind
      if not cpu[key] or dt < cpu[key] then cpu[key] = dt end
      if not elapsed[key] or dw < elapsed[key] then elapsed[key] = dw end
      ndocs[key] = n
   end
end

print(string.format("corpus store benchmark: best of %d interleaved rounds (SQLite %s)", rounds, core.sqlite_version))
print(string.format("  %-10s %7s %7s  %9s %9s %7s  %9s %9s %7s  %9s %9s %7s", "corpus", "docs", "MB",
   "quarry s", "fts5 s", "ratio", "quarry s", "fts5 s", "ratio", "quarry MB", "fts5 MB", "ratio"))
print(string.format("  %-10s %7s %7s  %-27s  %-27s  %s", "", "", "", "ingest, CPU time", "ingest, wall clock",
   "database file size"))
local verdicts = {}
local function verdict(name, ratio, target)
   verdicts[#verdicts + 1] = string.format("%s %.2f %s", name, ratio, ratio <= target and "met" or "MISSED")
end
for k, path in ipairs(paths) do
   local c = cases[2 * k - 1]
   local q, f = c.corpus .. "/quarry", c.corpus .. "/fts5"
   local qs, fs = file_size(cases[2 * k - 1].db), file_size(cases[2 * k].db)
   local r_cpu, r_wall, r_size = cpu[q] / cpu[f], elapsed[q] / elapsed[f], qs / fs
   verdict(c.corpus .. " ingest (CPU)", r_cpu, 1.0)
   verdict(c.corpus .. " ingest (wall)", r_wall, 1.0)
   verdict(c.corpus .. " size", r_size, 1.5)
   print(string.format("  %-10s %7d %7.1f  %9.3f %9.3f %7.2f  %9.2f %9.2f %7.2f  %9.1f %9.1f %7.2f",
      c.corpus, ndocs[q], size_of(path) / 1e6, cpu[q], cpu[f], r_cpu, elapsed[q], elapsed[f], r_wall,
      qs / 1e6, fs / 1e6, r_size))
end
print("  targets: ingest time quarry / fts5 <= 1.0, size quarry / fts5 <= 1.5")
print("    " .. table.concat(verdicts, "; "))

-- --- search latency -------------------------------------------------------------

local last = cases[#cases - 1]
local corpus <close> = assert(quarry.open(last.db))
local db = corpus.db
assert(db:exec("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, 'docs_fts', 'row')"))
local terms = {}
for row in assert(db:prepare([[SELECT term FROM temp.vocab
WHERE doc BETWEEN 3 AND 3000 AND term GLOB '[a-z][a-z][a-z]*' AND term NOT GLOB '*[^a-z]*' ORDER BY term]])):rows() do
   terms[#terms + 1] = row.term
end
local ndoc = corpus:count()

local seed = 20240301
local function rand(n)   -- deterministic: the same queries on every run
   seed = (seed * 1103515245 + 12345) % 2147483648
   return seed % n + 1
end
local function term() return terms[rand(#terms)] end

-- a phrase of two adjacent words from a document, so it has hits
local text_of = assert(db:prepare("SELECT text FROM docs WHERE rowid = ?"))
local function phrase()
   for _ = 1, 20 do
      text_of:bind_all(rand(ndoc))
      if text_of:step() then
         local text = text_of:values()
         text_of:reset()
         local toks <close> = quarry.tokenize(text, { sentences = false })
         if #toks > 2 then
            local i = rand(#toks - 1)
            if toks:kind(i) == "word" and toks:kind(i + 1) == "word" and not toks:get(i + 1, "clitic") then
               return string.format('"%s %s"', toks:text(i):gsub('"', ""), toks:text(i + 1):gsub('"', ""))
            end
         end
      else
         text_of:reset()
      end
   end
   return term()
end

local makers = {
   function() return term() end,
   phrase,
   function() return term():sub(1, 4) .. "*" end,
   function() return term() .. " AND " .. term() end,
   function() return term() .. " OR " .. term() end,
   function() return term() .. " NOT " .. term() end,
   function() return string.format("NEAR(%s %s, 10)", term(), term()) end,
}
local queries = {}
for i = 1, 1000 do queries[i] = makers[(i - 1) % #makers + 1]() end

-- The queries on c: sorted times, their total, results, failures.
local function latency(c)
   local times, hits, failures, total = {}, 0, 0, 0
   for i, q in ipairs(queries) do
      local t0 = os.clock()
      local res = c:search(q, { limit = 10 })
      times[i] = os.clock() - t0
      total = total + times[i]
      if res then hits = hits + #res else failures = failures + 1 end
   end
   table.sort(times)
   return times, total, hits, failures
end

local times, total, hits, failures = latency(corpus)
print(string.format("search latency: 1000 mixed queries (words, phrases, prefix*, AND, OR, NOT, NEAR) on %s, "
   .. "top 10 with snippets", last.corpus))
print(string.format("  p50 %.2f ms   p95 %.2f ms   max %.2f ms   mean %.2f ms   (%d results, %d failed queries)",
   times[500] * 1e3, times[950] * 1e3, times[1000] * 1e3, total / 1000 * 1e3, hits, failures))

-- The cost of a time limit (time_limit_ms: an SQLite progress handler
-- looking at the clock every 1,000 instructions): the same queries with
-- and without one, alternating, best of 3 rounds each.
do
   local limited <close> = assert(quarry.open(last.db, { readonly = true, time_limit_ms = 600000 }))
   local best_none, best_limit = total, math.huge
   for _ = 1, 3 do
      local _, t = latency(limited)
      best_limit = math.min(best_limit, t)
      _, t = latency(corpus)
      best_none = math.min(best_none, t)
   end
   print(string.format("  with a time limit: total %.1f ms, without %.1f ms: ratio %.3f (best of 3 rounds)",
      best_limit * 1e3, best_none * 1e3, best_limit / best_none))
end

corpus:close()
for _, c in ipairs(cases) do remove_db(c.db) end
os.remove(base)
