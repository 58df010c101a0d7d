--- The news pack against compromise (npm) on the same text, interleaved in
-- one run: steady-state throughput (the pack loaded and warmed up first),
-- the time to load the pack, each phase's share of the time, peak RSS, and
-- the ratio of the two rates.
--   lua5.4 bench/news.lua CORPUS [MEGABYTES [ROUNDS]]
--
-- Both rates are of CPU time (quarry.core.cpu_clock, the thread's CPU clock;
-- node's process.cpuUsage), which a loaded machine inflates less than the
-- wall clock. (Not os.clock: inside the pack's limited calls, whose timer
-- runs, it moves by whole kernel ticks, 4 ms here, too coarse for a phase.)
--
-- The sample is about MEGABYTES (default 1) of the corpus's documents, taken
-- at an even stride through it so that every section of the corpus (BBC:
-- business, entertainment, politics, sport, tech) is in it. Each round runs
-- compromise in a fresh node process on the sample, then the pack over it
-- (after a full collection); the best time of each counts. The load time is
-- that of the first load of the pack in this process, and of a second one.
--
-- The pack runs as `quarry extract --rules news` runs it: a pack quarry
-- ships, its step budget counted by the CPU clock. Each round also runs it
-- as a user's pack that includes news runs it, the budget counted by
-- instructions (a count hook), for the line "counted by instructions".
local quarry = require "quarry"
local common = require "bench.common"
local cjson = require "cjson"
local cpu_clock = require("quarry.core").cpu_clock

local path = assert(arg[1], "usage: bench/news.lua CORPUS [MEGABYTES [ROUNDS]]")
local want = (tonumber(arg[2]) or 1) * 1e6
local rounds = tonumber(arg[3]) or 3

local sample, bytes, docs = common.news_sample(path, want)

local function sh(cmd)
   local p = io.popen(cmd .. " 2>/dev/null")
   local out = p and p:read("a") or ""
   if p then p:close() end
   return (out:gsub("%s+$", ""))
end
print(string.format("news pack benchmark: %s, %.2f MB in %d of its %d documents (even stride)", path, bytes / 1e6,
   #sample, #docs))
print(string.format("  %s, commit %s, CPU %s, command: lua5.4 bench/news.lua %s %s %s", os.date("%Y-%m-%d"),
   sh("git rev-parse --short HEAD"), sh("lscpu | sed -n 's/^Model name: *//p'"), path, arg[2] or "1", rounds))

-- loading: the first load in this process, then a second one
local t0 = cpu_clock()
quarry.rules.load("news")
local load_cold = cpu_clock() - t0
t0 = cpu_clock()
local pack = quarry.rules.load("news")
local load_warm = cpu_clock() - t0

-- one pass over the sample; failures are counted, not fatal
local function run_pack(times, which)
   local p = which or pack
   local found, failed, first_err = 0, 0, nil
   for _, d in ipairs(sample) do
      local ok, anns = pcall(p.run, p, d, { phase_times = times })
      if ok then found = found + #anns
      else
         failed = failed + 1
         first_err = first_err or (d.id .. ": " .. tostring(anns))
      end
   end
   return found, failed, first_err
end

common.reset_peak()
run_pack()   -- warm-up: caches filled, steady state from here
-- the peak RSS of the pack alone, loaded and run over the sample (before
-- the second pack below is loaded)
local peak = common.status_line("VmHWM")

-- the same pack as a user's pack that includes it: counted by instructions
local user_dir = os.tmpname()
os.remove(user_dir)
assert(require("lfs").mkdir(user_dir))
local uf = assert(io.open(user_dir .. "/mine.lua", "w"))
uf:write('return include "news"\n')
uf:close()
local counted = quarry.rules.load(user_dir .. "/mine.lua")
os.remove(user_dir .. "/mine.lua")
os.remove(user_dir)
assert(pack.box.clock and not counted.box.clock)
run_pack(nil, counted)

common.ensure_compromise()
local tmp = os.tmpname()
local f = assert(io.open(tmp, "w"))
for _, d in ipairs(sample) do f:write(cjson.encode { text = d.text }, "\n") end
f:close()

local c_secs, c_wall, c_found, c_out
local q_secs, q_times, found, failed, first_err = math.huge, nil, 0, 0, nil
local i_secs, i_found = math.huge, 0
for _ = 1, rounds do
   local wall, n, cpu = common.run_compromise(tmp)
   -- CPU time against CPU time: quarry's cpu_clock, node's cpuUsage
   local secs = cpu or wall
   if not wall then c_out = n
   elseif not c_secs or secs < c_secs then c_secs, c_wall, c_found = secs, wall, n end
   collectgarbage()
   local times = {}
   local t = cpu_clock()
   found, failed, first_err = run_pack(times)
   local dt = cpu_clock() - t
   if dt < q_secs then q_secs, q_times = dt, times end
   collectgarbage()
   t = cpu_clock()
   i_found = run_pack(nil, counted)
   i_secs = math.min(i_secs, cpu_clock() - t)
end
os.remove(tmp)

local rate = bytes / q_secs / 1e6
print(string.format("  load: %.3f s first, %.3f s again (target <= 0.2 s: %s)",
   load_cold, load_warm, load_cold <= 0.2 and "met" or "MISSED"))
print(string.format("  news pack: %.3f s for %.2f MB = %.2f MB/s steady state, best of %d, %d annotations%s",
   q_secs, bytes / 1e6, rate, rounds, found, failed > 0 and string.format(", %d documents failed", failed) or ""))
if first_err then print("    first failure: " .. first_err:sub(1, 200)) end
print(string.format("  counted by instructions (a user's pack that includes news): %.3f s = %.2f MB/s steady "
   .. "state, best of %d, %d annotations (by the CPU clock: %.1f%% less time)", i_secs, bytes / i_secs / 1e6, rounds,
   i_found, 100 * (1 - q_secs / i_secs)))
local shares = {}
for _, ph in ipairs(pack.phases) do
   local s = q_times[ph.name] or 0
   shares[#shares + 1] = string.format("%s %.0f%% (%.2f MB/s)", ph.name, 100 * s / q_secs,
      bytes / math.max(s, 1e-9) / 1e6)
end
print("  phases: " .. table.concat(shares, ", "))
print(string.format("  peak RSS: %.1f MB", (peak or 0) / 1e6))
print(string.format("  throughput target >= 5 MB/s (stretch 10): %s",
   rate >= 10 and "stretch met" or rate >= 5 and "met" or "MISSED"))
if c_secs then
   local c_rate = bytes / c_secs / 1e6
   print(string.format("  compromise: %.3f MB/s in CPU time (%.3f MB/s by its wall clock; %s people, places, "
      .. "organizations and quotations), best of %d", c_rate, bytes / c_wall / 1e6, c_found, rounds))
   print(string.format("  news pack / compromise: %.0fx (target >= 50x, stretch 100x: %s)", rate / c_rate,
      rate / c_rate >= 100 and "stretch met" or rate / c_rate >= 50 and "met" or "MISSED"))
else
   print("  compromise: not measured (" .. ((c_out or ""):gsub("%s+$", "")) .. ")")
end
