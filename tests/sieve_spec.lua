-- quarry.sieve: an ordered list of named strategies that a pack changes
-- by name; the first strategy that finds something decides.
local sieve = require "quarry.sieve"
local support = require "tests.support"

local function strategy(name, answer)
   return { name = name, find = function(x) if answer then return answer .. x end end }
end

describe("quarry.sieve", function()
   local s
   before_each(function()
      s = sieve.new("test.sieve", { strategy("a"), strategy("b", "B:"), strategy("c", "C:") })
   end)

   it("tries the strategies in order and reports the first that finds something", function()
      local i, found = s:run("x")
      assert.equal(2, i)
      assert.equal("B:x", found)
      assert.same({ "a", "b", "c" }, s:names())
      assert.equal(3, #s)
   end)

   it("names the first k strategies, one list for each k until the sieve changes", function()
      local two = s:first_names(2)
      assert.same({ "a", "b" }, two)
      assert.equal(two, s:first_names(2))            -- (the same list again)
      assert.same({ "a", "b", "c" }, s:first_names(3))
      assert.same({ "a", "b", "c" }, s:first_names(9))
      assert.same({}, s:first_names(0))
      s:insert_after("a", strategy("z"))
      assert.same({ "a", "z" }, s:first_names(2))     -- (made again: the order changed)
      s:move("z", { after = "c" })
      assert.same({ "a", "b" }, s:first_names(2))
      s:order { "c", "a" }
      assert.same({ "c", "a" }, s:first_names(2))
      s:replace("c", strategy("y"))
      assert.same({ "y" }, s:first_names(1))
      s:remove("y")
      assert.same({ "a" }, s:first_names(1))
      s:append(strategy("w"))
      assert.same({ "a", "w" }, s:first_names(5))
   end)

   it("adds, drops, replaces and moves strategies by name", function()
      s:insert_before("b", strategy("first_b", "F:"))
      assert.same({ "a", "first_b", "b", "c" }, s:names())
      assert.equal("F:x", select(2, s:run("x")))
      assert.equal("first_b", s:remove("first_b").name)
      s:insert_after("c", strategy("d"))
      s:append(strategy("e"))
      assert.same({ "a", "b", "c", "d", "e" }, s:names())
      s:move("c", { before = "a" })
      assert.same({ "c", "a", "b", "d", "e" }, s:names())
      assert.equal("C:x", select(2, s:run("x")))
      s:move("c", { after = "e" })
      assert.same({ "a", "b", "d", "e", "c" }, s:names())
      local old = s:replace("b", strategy("b", "B2:"))
      assert.equal("B:x", old.find("x"))
      assert.equal("B2:x", select(2, s:run("x")))
      assert.equal(s:get("d"), s.list[3])
      assert.is_nil(s:get("nothing"))
   end)

   it("sets a whole order from names and new strategies, dropping the rest", function()
      local b = s:get("b")
      s:order { "c", strategy("z", "Z:"), "a" }
      assert.same({ "c", "z", "a" }, s:names())
      assert.equal("C:x", select(2, s:run("x")))
      s:order { b }
      assert.same({ "b" }, s:names())
   end)

   it("finds nothing when no strategy does", function()
      s:order { "a" }
      assert.is_nil(s:run("x"))
   end)

   it("names the caller's file and line, and the strategies it holds, for an unknown name", function()
      local line = debug.getinfo(1, "l").currentline + 1
      local err = support.raises(function() s:insert_after("after_qoute", strategy("x")) end,
         "test.sieve:insert_after: no strategy named 'after_qoute' (the sieve holds: a, b, c)")
      assert.truthy(err:find("sieve_spec.lua:" .. line, 1, true), err)
      support.raises(function() s:remove("zz") end, "test.sieve:remove: no strategy named 'zz'")
      support.raises(function() s:move("a", { after = "zz" }) end, "test.sieve:move: no strategy named 'zz'")
      assert.same({ "a", "b", "c" }, s:names())   -- nothing moved
      support.raises(function() s:order { "a", "zz" } end, "test.sieve:order: no strategy named 'zz'")
   end)

   it("refuses malformed strategies, a name twice, and a move with no place", function()
      support.raises(function() s:append("after_quote") end, "a strategy must be a table {name, find}")
      support.raises(function() s:append({ name = "bad name", find = print }) end,
         "a strategy needs a name (letters, digits and _), got bad name")
      support.raises(function() s:append({ name = "x" }) end, "strategy 'x' needs a find function")
      support.raises(function() s:append(strategy("b")) end,
         "test.sieve:append: a strategy named 'b' is already in the sieve (written at")
      support.raises(function() s:order { "a", "a" } end, "test.sieve:order: 'a' is listed twice")
      support.raises(function() s:move("a", {}) end, "say where: {before = name} or {after = name}")
      support.raises(function() s:move("a", { before = "a" }) end, "'a' cannot move next to itself")
   end)

   it("records where each strategy is written", function()
      local line = debug.getinfo(1, "l").currentline + 1
      s:append({ name = "here", find = function() end })
      assert.equal("tests/sieve_spec.lua:" .. line, s:get("here").where)
   end)

   it("raises a strategy's error with its name and where it is written", function()
      s:insert_before("a", { name = "broken", find = function() error("no such token", 0) end })
      support.raises(function() s:run("x") end, "strategy broken (tests/sieve_spec.lua:", "): no such token")
   end)
end)
