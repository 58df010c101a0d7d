--- Scale: throughput of `quarry extract` and `quarry ingest` at -j 1 and
-- at -j = cores, in the same run, rounds interleaved (a noisy neighbour
-- slows both alike; the best round of each counts), wall clock of the
-- whole command (start-up and pack loading included); the speed-up
-- (target: at least 1.8x on 2 cores, for extract); then the time of
-- `corpus:merge` over shards of several sizes (target: linear in the
-- shard's size, whatever the corpus merged into holds). The load average
-- is printed before and after: on a shared machine, measure when it is low.
--   lua5.4 bench/scale.lua [CORPUS.jsonl] [--extract-mb MB] [--rounds N] [--rules PACK]
local quarry = require "quarry"
local parallel = require "quarry.parallel"
local cjson = require "cjson.safe"
local bench = require "bench.common"

local corpus, extract_mb, rounds, pack = nil, 10, 3, nil
do
   local i = 1
   while arg[i] do
      if arg[i] == "--extract-mb" then extract_mb, i = assert(tonumber(arg[i + 1])), i + 2
      elseif arg[i] == "--rounds" then rounds, i = assert(math.tointeger(tonumber(arg[i + 1]))), i + 2
      elseif arg[i] == "--rules" then pack, i = arg[i + 1], i + 2
      else corpus, i = arg[i], i + 1 end
   end
end
corpus = corpus or "../shared/corpora/reuters.jsonl"
if not io.open(corpus) then
   print("scale benchmark: no corpus at " .. corpus .. "; skipped (give one: bench/scale.lua CORPUS.jsonl)")
   return
end
pack = pack or (package.searchpath("quarry.rules.news", package.path) and "news"
   or "tests/fixtures/packs/standin_news.lua")

local interpreter = arg[-1] or "lua5.4"
local cores = parallel.cores()

local wall, size_of = bench.wall, bench.size_of

local function loadavg()
   local f = io.open("/proc/loadavg")
   if not f then return "?" end
   local s = f:read("l")
   f:close()
   return s:match("^(%S+ %S+ %S+)")
end

local function remove_db(path)
   for _, suffix in ipairs { "", "-wal", "-shm" } do os.remove(path .. suffix) end
end

local tmp = os.tmpname()
os.remove(tmp)
local input = tmp .. "-extract.jsonl"

-- The first MB megabytes of the corpus (whole lines), for extract.
do
   local out, n = assert(io.open(input, "wb")), 0
   for line in io.lines(corpus) do
      out:write(line, "\n")
      n = n + #line + 1
      if n >= extract_mb * 1e6 then break end
   end
   out:close()
end


local function run(cmd)
   local w0 = wall()
   local ok = os.execute(cmd)
   assert(ok, "failed: " .. cmd)
   return wall() - w0
end

local cases = {}
for _, j in ipairs { 1, cores } do
   cases[#cases + 1] = { what = "extract", jobs = j, mb = size_of(input) / 1e6, cmd = string.format(
      "%s bin/quarry extract -j %d -r %s %s > /dev/null", interpreter, j, pack, input) }
end
for _, j in ipairs { 1, cores } do
   local db = tmp .. "-ingest-" .. j .. ".db"
   cases[#cases + 1] = { what = "ingest", jobs = j, mb = size_of(corpus) / 1e6, db = db, cmd = string.format(
      "%s bin/quarry ingest -j %d %s %s > /dev/null", interpreter, j, db, corpus) }
end

print(string.format("scale benchmark: %s, pack %s; %d cores; best of %d interleaved rounds (wall clock)",
   corpus, pack, cores, rounds))
print("  load average before: " .. loadavg())
local best = {}
for _ = 1, rounds do
   for k, c in ipairs(cases) do
      if c.db then remove_db(c.db) end
      local dt = run(c.cmd)
      if not best[k] or dt < best[k] then best[k] = dt end
   end
end
print(string.format("  %-8s %6s %8s %9s %9s %9s", "command", "-j", "MB", "seconds", "MB/s", "speed-up"))
for k, c in ipairs(cases) do
   local base = best[c.jobs == 1 and k or k - 1]
   print(string.format("  %-8s %6d %8.1f %9.2f %9.2f %8.2fx", c.what, c.jobs, c.mb, best[k], c.mb / best[k],
      base / best[k]))
   if c.db then remove_db(c.db) end
end
if cores > 1 then
   local s = best[1] / best[2]
   print(string.format("  extract speed-up at -j %d: %.2fx (target >= 1.8x on 2 cores): %s", cores, s,
      s >= 1.8 and "met" or "MISSED"))
   print(string.format("  ingest speed-up at -j %d: %.2fx (SQLite's single writer builds the index: most of it)",
      cores, best[3] / best[4]))
end
print("  load average after: " .. loadavg())
os.remove(input)

-- --- merge ------------------------------------------------------------------------------

-- A shard of n documents (the corpus's texts, repeated with new ids) with
-- ten spans each, named the way the news pack names people.
local texts = {}
for line in io.lines(corpus) do
   local obj = cjson.decode(line)
   if type(obj) == "table" and type(obj.text) == "string" then texts[#texts + 1] = obj.text end
   if #texts >= 20000 then break end
end
local FIRST, LAST = { "Sergey", "Sergei", "Ana", "Anna", "Tomas" }, { "Voronov", "Ruiz", "Berg", "Marek", "Lind" }
local MERGE = { { type = "person", key = "key", name = "name" } }

local function make_shard(path, n, from)
   remove_db(path)
   local c = assert(quarry.open(path))
   local batch = {}
   for i = from, from + n - 1 do
      batch[#batch + 1] = { id = "s" .. i, text = texts[i % #texts + 1], date = "1987-03-01" }
   end
   assert(c:add_batch(batch))
   assert(c:transaction(function()
      for i = from, from + n - 1 do
         local len = #texts[i % #texts + 1]
         local spans = {}
         for k = 1, 10 do
            local last = LAST[(i + k) % #LAST + 1]
            spans[k] = { type = "person", start = 0, stop = math.min(len, k), rule = "bench",
               attrs = { name = FIRST[(i * k) % #FIRST + 1] .. " " .. last, key = last:lower() } }
         end
         assert(c:replace_spans("s" .. i, "bench", spans, { version = "1" }))
      end
      return true
   end))
   assert(c:merge_names("bench", MERGE, "1"))
   c:close()
end

local sizes = { 2000, 4000, 8000, 16000 }
local shards, from = {}, 1
for i, n in ipairs(sizes) do
   shards[i] = tmp .. "-shard-" .. n .. ".db"
   make_shard(shards[i], n, from)
   from = from + n
end

print(string.format("merge benchmark: shards of the corpus's texts with 10 spans a document; best of %d rounds",
   rounds))
print(string.format("  %8s %8s %12s %12s %14s", "docs", "MB", "into empty s", "into full s", "ms / 1000 docs"))
local out = tmp .. "-merged.db"
local into_empty, into_full = {}, {}
for _ = 1, rounds do
   for i, path in ipairs(shards) do
      -- into an empty corpus, and into one that holds every other shard
      remove_db(out)
      local c = assert(quarry.open(out))
      local w0 = wall()
      assert(c:merge(path))
      local dt = wall() - w0
      if not into_empty[i] or dt < into_empty[i] then into_empty[i] = dt end
      c:close()
      remove_db(out)
      c = assert(quarry.open(out))
      for k, other in ipairs(shards) do
         if k ~= i then assert(c:merge(other)) end
      end
      w0 = wall()
      assert(c:merge(path))
      dt = wall() - w0
      if not into_full[i] or dt < into_full[i] then into_full[i] = dt end
      c:close()
   end
end
for i, n in ipairs(sizes) do
   print(string.format("  %8d %8.1f %12.3f %12.3f %14.1f", n, size_of(shards[i]) / 1e6, into_empty[i], into_full[i],
      into_empty[i] / n * 1e6))
end
local per_small, per_large = into_empty[1] / sizes[1], into_empty[#sizes] / sizes[#sizes]
print(string.format("  time a document at %d / at %d documents: %.2f (linear: 1.0)", sizes[#sizes], sizes[1],
   per_large / per_small))
print(string.format("  into a corpus holding the other shards / into an empty one, at %d: %.2f (linear: 1.0)",
   sizes[#sizes], into_full[#sizes] / into_empty[#sizes]))
remove_db(out)
for _, p in ipairs(shards) do remove_db(p) end
