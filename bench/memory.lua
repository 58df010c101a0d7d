--- Peak memory of tokenising a large text: the target is at most 16 bytes
-- a token on top of the text itself.
--   lua5.4 bench/memory.lua CORPUS [MEGABYTES]
local quarry = require "quarry"
local common = require "bench.common"

local path = assert(arg[1], "usage: bench/memory.lua CORPUS [MEGABYTES]")
local want = (tonumber(arg[2]) or 100) * 1e6
local one = table.concat(common.load_texts(path), "\n\n")
local parts = {}
for i = 1, math.ceil(want / #one) do parts[i] = one end
local text = table.concat(parts, "\n\n")
parts, one = nil, nil          -- luacheck: ignore
collectgarbage()
collectgarbage()

if not common.reset_peak() then
   print("memory benchmark: /proc/self/clear_refs is not writable here; skipped")
   return
end
local before = common.status_line("VmRSS")
local toks = quarry.tokenize(text)
local peak = common.status_line("VmHWM")
local n = #toks
local extra = peak - before
print(string.format("memory benchmark: %.1f MB text, %d tokens", #text / 1e6, n))
print(string.format("  peak RSS above the text: %.1f MB = %.2f bytes/token (held after: %.2f bytes/token)",
   extra / 1e6, extra / n, toks:memsize() / n))
print(string.format("  target <= 16 bytes/token: %s", extra / n <= 16 and "met" or "MISSED"))
toks:close()
