-- Driver of build/fuzz/fuzz_lpat (tests/fuzz/fuzz_lpat.c).
-- Byte 1 picks the function (find, find plain, match, gmatch, gsub with a
-- string, a table or a function as the replacement); byte 2 the start
-- (-4 to 11; gsub: the most replacements, 0 to 15 or none); byte 3 the
-- pattern's length (0 to 47): the pattern follows, then the subject (at
-- most 256 bytes; the replacement string is the subject's first 8 bytes).
-- quarry's matcher runs under a step budget: when it finishes within it,
-- what it gives (results, or the error without its position) must be what
-- Lua's string library gives; when it runs out, Lua's is not run (its
-- matcher has no budget, and would take as long).
local core = require "quarry.core"

local fail = fuzz_fail    -- luacheck: globals fuzz_fail
local tostring = tostring
local string_format = string.format

local BUDGET = 200000

local shared = require "tests.lpat_outcome"
local outcome = shared.outcome
-- (a pattern that matches the empty string matches 257 times in 256 bytes: at most 300)
local function all_of(gmatch) return shared.all_of(gmatch, 300) end

local function find_plain(find)
   return function(s, p, init) return find(s, p, init, true) end
end

local REPL = {
   function(s) return s:sub(1, 8) end,
   function() return { a = "A", ["1"] = false, x = 3 } end,
   function() return function(c) if c == "a" then return nil end return c and #tostring(c) end end,
}

-- ours and Lua's of the same name
local OPS = {
   { "find", core.lpat_find, string.find },
   { "find plain", find_plain(core.lpat_find), find_plain(string.find) },
   { "match", core.lpat_match, string.match },
   { "gmatch", all_of(core.lpat_gmatch), all_of(string.gmatch) },
   { "gsub", core.lpat_gsub, string.gsub, 1 },
   { "gsub table", core.lpat_gsub, string.gsub, 2 },
   { "gsub function", core.lpat_gsub, string.gsub, 3 },
}

return function(data)
   if #data < 3 then return end
   local op = OPS[data:byte(1) % #OPS + 1]
   local plen = data:byte(3) % 48
   local p = data:sub(4, 3 + plen)
   local s = data:sub(4 + plen, 3 + plen + 256)
   local args
   if op[4] then
      local n = data:byte(2) % 17
      args = { s, p, REPL[op[4]](s), n < 16 and n or nil, n = 4 }
   else
      args = { s, p, data:byte(2) % 16 - 4, n = 3 }
   end
   local ok, ours = core.limited(BUDGET, 0, outcome, op[2], table.unpack(args, 1, args.n))
   -- the budget may run out inside the call (its error caught there) or
   -- around it (CPU time counts too): either way, Lua's is not run
   if not ok and not tostring(ours):find("step limit exceeded", 1, true) then
      fail(op[1] .. ": core.limited failed: " .. tostring(ours))
   end
   if not ok or ours:find("step limit exceeded", 1, true) then return end
   local lua = outcome(op[3], table.unpack(args, 1, args.n))
   if ours ~= lua then
      fail(string_format("%s(%q, %q): Lua %s, quarry %s", op[1], s, p, lua, ours))
   end
end
