--- The news pack's steady state alone, for a profiler: the pack loaded
-- (untrusted, under its default limits, as `quarry extract` runs it: a
-- pack quarry ships, its step budget counted by the CPU clock, no count
-- hook; a user's pack that includes news is counted by instructions,
-- bench/news.lua measures both) and
-- warmed up on the sample's first document, then run once over the
-- whole sample. Prints the annotations made and each phase's CPU time.
--   lua5.4 bench/steady.lua CORPUS [MEGABYTES]
-- The sample is that of bench/news.lua (about MEGABYTES, default 0.2, at
-- an even stride through the corpus). Just before the timed run it calls
-- quarry.core.realpath("/") once, and nothing calls it during the run, so
-- that callgrind can count the run's instructions alone:
--   valgrind --tool=callgrind --zero-before=l_realpath lua5.4 bench/steady.lua CORPUS 0.2
-- (under valgrind the Lua heap's pool is off unless QUARRY_POOL=1).
local rules = require "quarry.rules"
local core = require "quarry.core"
local common = require "bench.common"

local path = assert(arg[1], "usage: bench/steady.lua CORPUS [MEGABYTES]")
local sample, bytes = common.news_sample(path, (tonumber(arg[2]) or 0.2) * 1e6)

local pack = rules.load("news")
pack:run(sample[1])
collectgarbage()
core.realpath("/")   -- the mark: callgrind --zero-before=l_realpath counts from here
local times, n = {}, 0
local t0 = core.cpu_clock()
for _, d in ipairs(sample) do n = n + #pack:run(d, { phase_times = times }) end
local dt = core.cpu_clock() - t0
local phases = {}
for k, v in pairs(times) do phases[#phases + 1] = string.format("%s %.3f s", k, v) end
table.sort(phases)
print(string.format("%d documents, %.0f KB, %d annotations, %.3f s (%.2f MB/s); %s", #sample, bytes / 1e3, n, dt,
   bytes / 1e6 / dt, table.concat(phases, ", ")))
