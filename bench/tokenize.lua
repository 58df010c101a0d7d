--- Tokeniser throughput: quarry.tokenize against the pure-Lua gmatch
-- word-splitting baseline and SQLite FTS5's unicode61 tokenizer, on the
-- same text, measured interleaved in the same run.
--   lua5.4 bench/tokenize.lua CORPUS [ROUNDS]
local quarry = require "quarry"
local core = require "quarry.core"
local common = require "bench.common"

local path = assert(arg[1], "usage: bench/tokenize.lua CORPUS [ROUNDS]")
-- Each case's best of many rounds: on a shared machine one round of the
-- 9 ms tokeniser or of the 100 ms baseline may be slowed by a neighbour,
-- and the ratio of two best times settles only after a dozen rounds or so.
local rounds = tonumber(arg[2]) or 15
local text = table.concat(common.load_texts(path), "\n\n")
local mb = #text / 1e6

local cases = {
   { name = "quarry.tokenize", run = function()
      local toks <close> = quarry.tokenize(text)
      return #toks
   end },
   { name = "gmatch %a+ (baseline)", run = function()
      local n = 0
      for _ in text:gmatch("%a+") do n = n + 1 end
      return n
   end },
   { name = "gmatch [%w\\128-\\255]+", run = function()
      local n = 0
      for _ in text:gmatch("[%w\128-\255]+") do n = n + 1 end
      return n
   end },
   { name = "fts5 unicode61", run = function()
      return assert(core.fts5_tokenize(text, "unicode61"))
   end },
}

local best, counts = common.interleaved(cases, rounds)
print(string.format("tokeniser benchmark: %s, %.2f MB, best of %d interleaved rounds (SQLite %s)",
   path, mb, rounds, core.sqlite_version))
print(string.format("  %-26s %10s %12s %10s", "tokeniser", "MB/s", "tokens/s", "tokens"))
for _, case in ipairs(cases) do
   local t = best[case.name]
   print(string.format("  %-26s %10.1f %12.0f %10d", case.name, mb / t, counts[case.name] / t, counts[case.name]))
end
local q = best["quarry.tokenize"]
local vs_gmatch = best["gmatch %a+ (baseline)"] / q
local vs_fts = best["fts5 unicode61"] / q
print(string.format("  quarry / gmatch %%a+     %6.2fx  (target >= 10x: %s)", vs_gmatch,
   vs_gmatch >= 10 and "met" or "MISSED"))
print(string.format("  quarry / gmatch UTF-8   %6.2fx", best["gmatch [%w\\128-\\255]+"] / q))
print(string.format("  quarry / fts5 unicode61 %6.2fx  (target > 1x: %s)", vs_fts, vs_fts > 1 and "met" or "MISSED"))
