-- The Lua heap behind the sandbox's limits (csrc/qr_sandbox.c): the small
-- blocks come from quarry's pool (csrc/qr_pool.c) unless QUARRY_POOL=0
-- says otherwise. Each case runs a child Lua process, so that lua_close,
-- which frees every block the pool and the real allocator hold, runs too.
local support = require "tests.support"

local tmpdir = support.tmpdir

-- Tables, strings and closures made and dropped under core.limited, some
-- kept past the call; a table grown until the ceiling trips; what the
-- limits counted, printed.
local CHURN = [[
local core = require "quarry.core"
local out, keep = {}, {}
for round = 1, 3 do
   local ok, sum = core.limited(0, 8000000, function()
      local t = {}
      for i = 1, 20000 do t[i] = { i, tostring(i) .. "x", function() return i end } end
      local s = 0
      for i = 1, #t, 7 do s = s + t[i][1] + #t[i][2] + t[i][3]() end
      keep[round] = t[round * 100]
      return s
   end)
   local _, bytes = core.limit_stats()
   out[#out + 1] = tostring(ok) .. " " .. tostring(sum) .. " " .. bytes
end
local ok, _, kind = core.limited(0, 100000, function()
   local t = {}
   for i = 1, 1000000 do t[i] = { i } end
end)
local _, bytes = core.limit_stats()
out[#out + 1] = tostring(ok) .. " " .. kind .. " " .. tostring(bytes <= 100000)
out[#out + 1] = keep[1][2] .. " " .. keep[3][3]()
print(table.concat(out, "\n"))
]]

local function run_churn(env)
   local dir = tmpdir { ["churn.lua"] = CHURN }
   return support.run(env .. " LUA_PATH='lua/?.lua;lua/?/init.lua;;' LUA_CPATH='" .. support.CPATH
      .. ";;' lua5.4 " .. dir .. "/churn.lua")
end

describe("the Lua heap under the sandbox's limits", function()
   after_each(support.cleanup)

   it("keeps its blocks through churn and frees them all when the state closes", function()
      local code, out, err = run_churn("")
      assert.equal("", err)
      assert.equal(0, code)
      local lines = support.lines(out)
      assert.equal(5, #lines)
      assert.matches("^true %d+ %d+$", lines[1])
      assert.equal("false memory true", lines[4])
      assert.equal("100x 300", lines[5])
   end)

   it("counts the same bytes, and trips the same ceiling, with the pool and without (QUARRY_POOL=0)", function()
      local code, with = run_churn("")
      assert.equal(0, code)
      local code0, without, err0 = run_churn("QUARRY_POOL=0")
      assert.equal("", err0)
      assert.equal(0, code0)
      assert.equal(with, without)
   end)
end)
