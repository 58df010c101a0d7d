--- Regex throughput and limits: PCRE2 (JIT and interpreter) find_all over
-- a corpus against Lua's gmatch, and how long a catastrophic pattern runs
-- before its match limit stops it.
--   lua5.4 bench/regex.lua CORPUS [ROUNDS]
local core = require "quarry.core"
local common = require "bench.common"

local path = assert(arg[1], "usage: bench/regex.lua CORPUS [ROUNDS]")
local rounds = tonumber(arg[2]) or 5
local text = table.concat(common.load_texts(path), "\n\n")
local mb = #text / 1e6

local capitalised = "\\b\\p{Lu}\\w+"
local jit = core.regex(capitalised)
local interp = core.regex(capitalised, { jit = false })

local cases = {
   { name = "find_all \\b\\p{Lu}\\w+ (JIT)", run = function() return #assert(jit:find_all(text)) end },
   { name = "find_all \\b\\p{Lu}\\w+ (interp.)", run = function() return #assert(interp:find_all(text)) end },
   { name = "each \\b\\p{Lu}\\w+ (JIT)", run = function()
      local n = 0
      for _ in jit:each(text) do n = n + 1 end
      return n
   end },
   { name = "gmatch %f[%a]%u%a+ (ASCII)", run = function()
      local n = 0
      for _ in text:gmatch("%f[%a]%u%a+") do n = n + 1 end
      return n
   end },
}

local best, counts = common.interleaved(cases, rounds)
print(string.format("regex benchmark: %s, %.2f MB, best of %d interleaved rounds (JIT %s)",
   path, mb, rounds, jit:info().jit and "available" or "unavailable"))
print(string.format("  %-34s %10s %12s %10s", "case", "MB/s", "matches/s", "matches"))
for _, case in ipairs(cases) do
   local t = best[case.name]
   print(string.format("  %-34s %10.1f %12.0f %10d", case.name, mb / t, counts[case.name] / t, counts[case.name]))
end

local subject = string.rep("a", 40) .. "b"
for _, use_jit in ipairs({ true, false }) do
   local re = core.regex("^(a+)+$", { jit = use_jit })
   local t0 = os.clock()
   local ok, err = re:test(subject)
   local dt = os.clock() - t0
   print(string.format("  ^(a+)+$ on 40 a's + b (%s): %s after %.1f ms (target < 1000 ms: %s)",
      use_jit and "JIT" or "interpreter", ok == nil and err or tostring(ok), dt * 1000,
      dt < 1 and "met" or "MISSED"))
end
