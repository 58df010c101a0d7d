--- Rule engine throughput: a pack of 100 token rules, 10 regex rules and a
-- 100,000-entry gazetteer over a corpus at 1x, 4x and 16x its size, and
-- compromise (npm) on the same text in the same run.
--   lua5.4 bench/rules.lua CORPUS
local quarry = require "quarry"
local common = require "bench.common"
local bench_pack = require "bench.rules_pack"

local path = assert(arg[1], "usage: bench/rules.lua CORPUS")
local texts = common.load_texts(path)
local bytes = 0
for _, t in ipairs(texts) do bytes = bytes + #t end

local t0 = os.clock()
local def, gaz = bench_pack.build(texts, 100000)
local pack = quarry.rules.compile(def)
local build_s = os.clock() - t0
local ntoken, nregex = 0, 0
for _, ph in ipairs(pack.phases) do
   for _, r in ipairs(ph.rules) do
      if r.pattern then ntoken = ntoken + 1 elseif r.regex then nregex = nregex + 1 end
   end
end
print(string.format("rule engine benchmark: %s, %.2f MB in %d documents", path, bytes / 1e6, #texts))
print(string.format("  pack: %d token rules, %d regex rules, gazetteer of %d entries (built in %.2f s)",
   ntoken, nregex, #gaz, build_s))

local function run_times(times)
   local found, t = 0, os.clock()
   for _ = 1, times do
      for _, text in ipairs(texts) do found = found + #pack:run(text) end
   end
   return os.clock() - t, found
end

-- the 1x corpus is timed three times (the best counts), the 4x and 16x
-- corpora once: they are their own repetitions
local rates = {}
for _, k in ipairs { 1, 4, 16 } do
   local secs, found = math.huge, 0
   for _ = 1, k == 1 and 3 or 1 do
      collectgarbage()
      local s, f = run_times(k)
      if s < secs then secs, found = s, f end
   end
   rates[k] = bytes * k / secs / 1e6
   print(string.format("  %2dx corpus: %7.1f MB in %6.2f s = %6.2f MB/s, %d annotations%s", k, bytes * k / 1e6, secs,
      rates[k], found, k == 1 and " (best of 3)" or ""))
end
print(string.format("  throughput target >= 10 MB/s: %s; 16x/1x rate ratio %.2f (linear: near 1)",
   rates[1] >= 10 and "met" or "MISSED", rates[16] / rates[1]))

-- compromise on the same text: people, places, organizations, quotations
common.ensure_compromise()
local sample = {}
local sample_bytes = 0
for _, t in ipairs(texts) do
   if sample_bytes >= 1.5e6 then break end
   sample[#sample + 1] = t
   sample_bytes = sample_bytes + #t
end
local tmp = os.tmpname()
local f = assert(io.open(tmp, "w"))
local cjson = require "cjson"
for _, t in ipairs(sample) do f:write(cjson.encode { text = t }, "\n") end
f:close()
-- three rounds, each a fresh node process and a quarry run (after a full
-- collection, as above), interleaved; the best time of each
local c_secs, c_found, q_secs, found, out
for _ = 1, 3 do
   local secs, n = common.run_compromise(tmp)
   if not secs then out = n break end
   if not c_secs or secs < c_secs then c_secs = secs end
   c_found = n
   collectgarbage()
   local t = os.clock()
   found = 0
   for _, text in ipairs(sample) do found = found + #pack:run(text) end
   local dt = os.clock() - t
   if not q_secs or dt < q_secs then q_secs = dt end
end
os.remove(tmp)
if c_secs then
   local c_rate, q_rate = sample_bytes / c_secs / 1e6, sample_bytes / q_secs / 1e6
   print(string.format("  on %.2f MB, best of 3 rounds: compromise %.3f MB/s (%s entities and quotations), quarry"
      .. " %.2f MB/s (%d annotations)", sample_bytes / 1e6, c_rate, c_found, q_rate, found))
   print(string.format("  quarry / compromise: %.0fx (target >= 100x: %s)", q_rate / c_rate,
      q_rate / c_rate >= 100 and "met" or "MISSED"))
else
   print("  compromise: not measured (" .. (out:gsub("%s+$", "")) .. ")")
end
