-- Specs for the C helpers of the rule engine's candidates (csrc/qr_ann.c):
-- quarry.core.emit_annotations (what an action returns, checked) and
-- quarry.core.append_kept (the candidates a phase keeps, completed), and
-- the errors a pack's author sees through them.
local core = require "quarry.core"
local rules = require "quarry.rules"
local P = require "quarry.pattern"
local raises = require("tests.support").raises

local TEXT = "The board met on Friday in Oslo."

describe("quarry.core.emit_annotations", function()
   it("appends one annotation or a list, giving the rule's type and integer offsets", function()
      local out = { "before" }
      assert.is_nil(core.emit_annotations({ start = 17, stop = 23.0 }, out, #TEXT, "date"))
      assert.is_nil(core.emit_annotations({ { type = "place", start = 27, stop = 31 }, { start = 4, stop = 9 } }, out,
         #TEXT, "org"))
      assert.equal(4, #out)
      assert.same({ type = "date", start = 17, stop = 23 }, out[2])
      assert.equal("integer", math.type(out[2].stop))
      assert.same({ type = "place", start = 27, stop = 31 }, out[3])
      assert.same({ type = "org", start = 4, stop = 9 }, out[4])
   end)

   it("says what is wrong with the first bad one, after appending those before it", function()
      local out = {}
      assert.same({ "span", 20, 99 }, { core.emit_annotations({ { start = 0, stop = 3 }, { start = 20, stop = 99 } },
         out, #TEXT, "x") })
      assert.equal(1, #out)
      assert.same({ "span", 2.5, 4 }, { core.emit_annotations({ start = 2.5, stop = 4 }, {}, #TEXT, "x") })
      assert.same({ "span", 5, 4 }, { core.emit_annotations({ start = 5, stop = 4 }, {}, #TEXT, "x") })
      assert.equal("numbers", core.emit_annotations({ { start = "1", stop = 2 } }, {}, #TEXT, "x"))
      assert.equal("numbers", core.emit_annotations({ "not a table" }, {}, #TEXT, "x"))
      assert.equal("no type", core.emit_annotations({ start = 1, stop = 2 }, {}, #TEXT, nil))
      assert.equal("type", core.emit_annotations({ type = 5, start = 1, stop = 2 }, {}, #TEXT, "x"))
      -- an empty list appends nothing
      assert.is_nil(core.emit_annotations({}, out, #TEXT, "x"))
      assert.equal(1, #out)
   end)
end)

describe("quarry.core.append_kept", function()
   it("appends the kept candidates in order with rule, phase, text and the rule's rank", function()
      local ranked = { name = "days", rank = 2 }
      local plain = { name = "places" }
      local done = { type = "org", start = 4, stop = 9, phase = "p", rule = "made in C", text = "board" }
      local cands = { { type = "date", start = 17, stop = 23 }, { type = "place", start = 27, stop = 31, rule = "own" },
         done }
      local anns = { { type = "earlier" } }
      local out = core.append_kept(anns, cands, { ranked, plain, plain }, { 3, 1 }, TEXT, "p")
      assert.equal(anns, out)
      assert.equal(3, #anns)
      assert.equal(done, anns[2])
      assert.same({ type = "org", start = 4, stop = 9, phase = "p", rule = "made in C", text = "board" }, done)
      assert.same({ type = "date", start = 17, stop = 23, phase = "p", rule = "days", text = "Friday", rank = 2 },
         anns[3])
      -- false keeps them all, in order; a candidate's own rule name stays
      core.append_kept(anns, cands, { ranked, plain, plain }, false, TEXT, "q")
      assert.equal(6, #anns)
      assert.same({ type = "place", start = 27, stop = 31, rule = "own", phase = "q", text = "Oslo" }, anns[5])
   end)

   it("gives each candidate its own rule's rank, whatever the order of the rules", function()
      local r1, r2, r3 = { name = "a", rank = 1 }, { name = "b" }, { name = "c", rank = 3 }
      local cands, crules = {}, { r1, r1, r2, r1, r3, r3, r2 }
      for i = 1, #crules do cands[i] = { type = "t", start = i, stop = i + 1 } end
      local anns = core.append_kept({}, cands, crules, false, TEXT, "p")
      local ranks = {}
      for i, a in ipairs(anns) do ranks[i] = a.rank or 0 end
      assert.same({ 1, 1, 0, 1, 3, 3, 0 }, ranks)
   end)
end)

describe("the errors of an action's annotations", function()
   local function pack_of(action)
      return rules.compile({ name = "t", phases = { { name = "p", rules = {
         { name = "act", type = "date", pattern = P.word "Friday", action = action } } } } }, { file = "t.lua" })
   end

   it("name the rule and what is wrong", function()
      raises(function() pack_of(function(m) return { start = m.start, stop = 999 } end):run(TEXT) end,
         "rule act: an annotation needs integer start <= stop within the text (0 to 32 bytes), not start 17, stop 999")
      raises(function() pack_of(function() return { { start = 1 } } end):run(TEXT) end,
         "rule act: an action must return annotations with numeric start and stop")
      raises(function() pack_of(function(m) return { type = {}, start = m.start, stop = m.stop } end):run(TEXT) end,
         "rule act: an annotation's type must be a string")
   end)

   it("keep what the action returns, with the rule's type", function()
      local anns = pack_of(function(m) return { { start = m.start, stop = m.stop + 0.0, attrs = { day = 5 } } } end)
         :run(TEXT)
      assert.equal(1, #anns)
      assert.same({ type = "date", start = 17, stop = 23, attrs = { day = 5 }, rule = "act", phase = "p",
         text = "Friday" }, anns[1])
   end)
end)

describe("quarry.core.sort_annotations of a list in order already", function()
   it("returns the same list with the same items, and still sorts one out of order", function()
      local a, b = { type = "x", start = 0, stop = 4 }, { type = "a", start = 5, stop = 9 }
      local c = { type = "b", start = 5, stop = 9 }
      local list = { a, b, c }
      assert.equal(list, core.sort_annotations(list))
      assert.same({ a, b, c }, { list[1], list[2], list[3] })
      local other = { c, a, b }
      core.sort_annotations(other)
      assert.equal(a, other[1])
      assert.equal(b, other[2])
      assert.equal(c, other[3])
   end)
end)

describe("quarry.core.append_declared", function()
   it("appends annotations with their rule and start up to the first Match, and says where it is", function()
      local r1, r2 = { name = "one" }, { name = "two" }
      local a1, a2, a3 = { phase = "p", n = 1 }, { phase = "p", n = 2 }, { phase = "p", n = 3 }
      local m = setmetatable({ start = 4 }, { __index = {} })
      local matches, mrules, mstarts = { a1, a2, m, a3 }, { 2, 1, 1, 2 }, { 10, 20, 30, 40 }
      local cands, crules, cstarts = { "x" }, { "rx" }, { 0 }
      assert.equal(3, core.append_declared(cands, crules, cstarts, matches, mrules, mstarts, { r1, r2 }, 1, false))
      assert.same({ "x", a1, a2 }, cands)
      assert.equal(r2, crules[2])
      assert.equal(r1, crules[3])
      assert.same({ 0, 10, 20 }, cstarts)
      assert.is_nil(core.append_declared(cands, crules, cstarts, matches, mrules, mstarts, { r1, r2 }, 4, false))
      assert.equal(a3, cands[4])
      assert.same({ 0, 10, 20, 40 }, cstarts)
      -- a phase that keeps them all gets no rules nor starts
      local all, arules, astarts = {}, {}, {}
      assert.equal(3, core.append_declared(all, arules, astarts, matches, mrules, mstarts, { r1, r2 }, 1, true))
      assert.same({ a1, a2 }, all)
      assert.same({}, arules)
      assert.same({}, astarts)
   end)
end)

describe("quarry.core.declared_candidates", function()
   it("makes the first candidates, their rules and starts up to the first Match, and says where it is", function()
      local r1, r2 = { name = "one" }, { name = "two" }
      local a1, a2, a3 = { phase = "p", n = 1 }, { phase = "p", n = 2 }, { phase = "p", n = 3 }
      local m = setmetatable({ start = 4 }, { __index = {} })
      local matches, mrules, mstarts = { a1, a2, m, a3 }, { 2, 2, 1, 1 }, { 10, 20, 30, 40 }
      local cands, crules, cstarts, k = core.declared_candidates(matches, mrules, mstarts, { r1, r2 }, false)
      assert.equal(3, k)
      assert.same({ a1, a2 }, cands)
      assert.are_not.equal(matches, cands)
      assert.equal(r2, crules[1])
      assert.equal(r2, crules[2])
      assert.equal(2, #crules)
      assert.same({ 10, 20 }, cstarts)
      -- a phase that keeps them all gets no rules nor starts
      cands, crules, cstarts, k = core.declared_candidates(matches, mrules, mstarts, { r1, r2 }, true)
      assert.equal(3, k)
      assert.same({ a1, a2 }, cands)
      assert.same({}, crules)
      assert.same({}, cstarts)
   end)

   it("hands the matcher's own lists on when every match is an annotation", function()
      local r1, r2 = { name = "one" }, { name = "two" }
      local matches, mrules, mstarts = { { phase = "p" }, { phase = "p" }, { phase = "p" } }, { 1, 2, 1 }, { 5, 6, 7 }
      local cands, crules, cstarts, k = core.declared_candidates(matches, mrules, mstarts, { r1, r2 }, false)
      assert.is_nil(k)
      assert.equal(matches, cands)
      assert.equal(mstarts, cstarts)
      assert.equal(r1, crules[1])
      assert.equal(r2, crules[2])
      assert.equal(r1, crules[3])
      cands, crules, cstarts, k = core.declared_candidates({}, {}, {}, { r1 }, false)
      assert.is_nil(k)
      assert.same({}, cands)
      assert.same({}, crules)
      assert.same({}, cstarts)
   end)
end)

-- The order sort_annotations promises: start, longest first, type, then
-- the position in the list.
local function by_position(list)
   local order = {}
   for i, a in ipairs(list) do order[i] = { a = a, i = i } end
   table.sort(order, function(x, y)
      local a, b = x.a, y.a
      if a.start ~= b.start then return a.start < b.start end
      if a.stop ~= b.stop then return a.stop > b.stop end
      if a.type ~= b.type then return a.type < b.type end
      return x.i < y.i
   end)
   for i, o in ipairs(order) do order[i] = o.a end
   return order
end

local function random_list(n, seed)
   local state, list = seed, {}
   local function rand(m)
      state = (state * 1103515245 + 12345) % 2147483648
      return state % m
   end
   for i = 1, n do
      local start = rand(40)
      list[i] = { type = ({ "person", "place", "date", "p" })[rand(4) + 1], start = start, stop = start + rand(5),
         n = i }
   end
   return list
end

describe("quarry.core.sort_annotations of long lists", function()
   it("orders them as start, longest first, type and position do", function()
      for _, n in ipairs { 2, 7, 9, 16, 17, 100, 1000, 5000 } do
         local list = random_list(n, n)
         local want = by_position(list)
         core.sort_annotations(list)
         assert.same(want, list)
         core.sort_annotations(list)      -- in order already
         assert.same(want, list)
      end
   end)

   it("orders them so when an item met halfway has a metatable", function()
      for _, n in ipairs { 3, 100, 1000 } do
         local list = random_list(n, n + 1)
         setmetatable(list[n // 2 + 1], { __index = function() return nil end })
         local want = by_position(list)
         core.sort_annotations(list)
         assert.same(want, list)
      end
   end)
end)

describe("quarry.core.sort_annotations of types no item holds", function()
   -- every item at the same span: the order is the types'. A type read
   -- through __index, or made of a number, is held by no item, and a
   -- metamethod may change an item read before; the collector runs
   -- between reads, so that a type held by nothing would be freed
   local function junk()
      collectgarbage()
      local t = {}
      for j = 1, 50 do t[j] = string.rep(string.char(65 + j % 26), 61) .. j end
      return t
   end
   local function name(i, n) return string.format("type-%05d-%s", (i * 7919) % n, string.rep("x", 50)) end

   local function in_order(list, type_of)
      for i = 2, #list do
         if type_of(list[i - 1]) > type_of(list[i]) then return false end
      end
      return true
   end

   it("sorts by the types a metamethod makes", function()
      local n, list = 200, {}
      local mt = { __index = function(t, k)
         if k ~= "type" then return nil end
         local s = table.concat { name(t.n, n), "" }
         junk()
         return s
      end }
      for i = 1, n do list[i] = setmetatable({ start = 0, stop = 1, n = i }, mt) end
      core.sort_annotations(list)
      assert.is_true(in_order(list, function(a) return name(a.n, n) end))
   end)

   it("sorts by the types read, when a metamethod changes an item read before", function()
      local n, list, index = 200, {}, {}
      for i = 1, n do
         list[i] = { start = 0, stop = 1, type = table.concat { name(i, n), "" } }
         index[list[i]] = i
      end
      list[n] = setmetatable({ start = 0, stop = 1 }, { __index = function(_, k)
         if k ~= "type" then return nil end
         for i = 1, n - 1 do list[i].type = "changed" end
         junk()
         return name(n, n)
      end })
      index[list[n]] = n
      core.sort_annotations(list)
      assert.is_true(in_order(list, function(a) return name(index[a], n) end))
   end)

   it("sorts numbers as types as their strings (\"10\" before \"9\")", function()
      local n, list = 200, {}
      for i = 1, n do list[i] = { start = 0, stop = 1, type = (i * 7919) % n } end
      core.sort_annotations(list)
      assert.is_true(in_order(list, function(a) return tostring(a.type) end))
   end)
end)

describe("quarry.core.complete_annotations with sort", function()
   local text = string.rep("abcdefghij", 5)

   it("completes the annotations, then sorts them by position", function()
      local list = random_list(300, 7)
      local want = by_position(list)
      assert.is_nil(core.complete_annotations(list, text, "ph", true))
      assert.same(want, list)
      for _, a in ipairs(list) do
         assert.equal("ph", a.phase)
         assert.equal(text:sub(a.start + 1, a.stop), a.text)
      end
   end)

   it("sorts items with a metatable as sort_annotations does", function()
      local list = random_list(50, 3)
      local mt = { __index = function() return nil end }
      setmetatable(list[10], mt)
      local want = by_position(list)
      assert.is_nil(core.complete_annotations(list, text, "ph", true))
      assert.same(want, list)
   end)

   it("leaves the list unsorted when an annotation is bad", function()
      local list = random_list(20, 5)
      list[15].start = "x"
      local copy = { table.unpack(list) }
      assert.equal(15, core.complete_annotations(list, text, "ph", true))
      assert.same(copy, list)
   end)
end)
