-- quarry.spanset answers as a pairwise check of every span would, on
-- random spans of every length (short, and longer than a bucket).
local spanset = require "quarry.spanset"

-- rand(n) -> 0 .. n - 1: a linear congruential generator from seed, the
-- same numbers on every run
local function generator(seed)
   return function(n)
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed % n
   end
end

describe("quarry.spanset", function()
   it("finds an overlap exactly when a pairwise check does", function()
      local rand = generator(4242)
      for _ = 1, 20 do
         local set, spans = spanset.new(), {}
         for _ = 1, 300 do
            local s = rand(5000)
            local e = s + (rand(10) == 0 and rand(2000) or rand(40))
            local brute = false
            for _, o in ipairs(spans) do
               if o[1] < e and s < o[2] then brute = true break end
            end
            assert.equal(brute, set:overlaps(s, e), string.format("[%d, %d)", s, e))
            if rand(2) == 0 then
               set:add(s, e)
               spans[#spans + 1] = { s, e }
            end
         end
      end
   end)

   it("counts an empty span as overlapping a span that holds it strictly", function()
      local set = spanset.new()
      set:add(10, 20)
      assert.is_true(set:overlaps(15, 15))
      assert.is_false(set:overlaps(10, 10))
      assert.is_false(set:overlaps(20, 20))
      assert.is_false(set:overlaps(20, 30))
      assert.is_true(set:overlaps(19, 30))
   end)

   it("keeps spans far out of a document's bytes, negative or inverted, as a pairwise check would", function()
      local set = spanset.new()
      set:add(-50, -10)
      set:add(1 << 40, (1 << 40) + 5)
      assert.is_true(set:overlaps(-20, 3))
      assert.is_false(set:overlaps(-10, 0))
      assert.is_true(set:overlaps((1 << 40) + 4, (1 << 41)))
      assert.is_false(set:overlaps(0, 1 << 39))
      set:add(300, 200)
      -- [300, 200) overlaps what starts before 200 and stops after 300
      assert.is_true(set:overlaps(100, 400))
      assert.is_false(set:overlaps(250, 260))
   end)

   it("claims, in order, the spans that overlap none in the set nor one claimed before", function()
      local set = spanset.new()
      set:add(0, 5)
      local a, b, c, d = { start = 3, stop = 8 }, { start = 6, stop = 9 }, { start = 8, stop = 12 },
         { start = 9, stop = 9 }
      local kept = set:claim { a, b, c, d }
      assert.same({ b, d }, kept)
      assert.equal(b, kept[1])
      assert.is_true(set:overlaps(7, 8))
      assert.is_false(set:overlaps(9, 20))
      assert.same({}, set:claim {})
      assert.has_error(function() set:claim { { start = 1 } } end,
         "bad argument #2 to 'claim' (element 1: stop is not an integer)")
   end)

   -- spanset.sort must leave spans the comparison cannot tell apart (same
   -- start; same rank, length and start) in the order table.sort leaves
   -- them: the news pack's output depends on it.
   local function by_rank(rank_of)
      return function(x, y)
         local rx, ry = rank_of[x], rank_of[y]
         if rx ~= ry then return rx > ry end
         local lx, ly = x.stop - x.start, y.stop - y.start
         if lx ~= ly then return lx > ly end
         return x.start < y.start
      end
   end

   it("claims by rank as a claim of the list spanset.sort ranked would, the list left as it is", function()
      local rand = generator(91)
      local RANKS = { 2, 4.25, 3, 5 }
      for trial = 1, 200 do
         local n = rand(trial % 5 == 0 and 200 or 30)
         local list, ranks = {}, {}
         for i = 1, n do
            local s = rand(60)
            list[i], ranks[i] = { start = s, stop = s + rand(6) }, RANKS[1 + rand(#RANKS)]
         end
         local copy = table.move(list, 1, n, 1, {})
         local want = spanset.new():claim(spanset.sort(table.move(list, 1, n, 1, {}), ranks))
         local got = spanset.new():claim(list, ranks)
         assert.equal(#want, #got)
         for i = 1, #want do assert(want[i] == got[i], string.format("trial %d, place %d", trial, i)) end
         for i = 1, n do assert(copy[i] == list[i]) end
      end
      assert.has_error(function() spanset.new():claim({ { start = 1, stop = 2 } }, { 0 / 0 }) end)
      assert.has_error(function() spanset.new():claim({ { start = 1, stop = 2 } }, { "x" }) end)
      assert.has_error(function() spanset.new():claim({ { start = 1.5, stop = 2 } }, { 1 }) end)
   end)

   it("claims by the ranks the spans carry: ambiguous when attrs.ambiguous, else rank, else the default", function()
      local rand = generator(93)
      for trial = 1, 100 do
         local n = rand(40)
         local list, ranks = {}, {}
         for i = 1, n do
            local s, kind = rand(60), rand(4)
            local a = { start = s, stop = s + rand(6), attrs = {} }
            if kind == 1 then a.rank = 5 elseif kind == 2 then a.attrs.ambiguous = true; a.rank = 6
            elseif kind == 3 then a.attrs = nil end
            list[i] = a
            ranks[i] = a.attrs and a.attrs.ambiguous and 4.25 or a.rank or 2
         end
         local want = spanset.new():claim(list, ranks)
         local got = spanset.new():claim_by_rank(list, 2, 4.25)
         assert.equal(#want, #got)
         for i = 1, #want do assert(want[i] == got[i], string.format("trial %d, place %d", trial, i)) end
      end
      local ok, err = pcall(function() spanset.new():claim_by_rank({ { start = 1, stop = 2, rank = "x" } }, 2, 4) end)
      assert.is_false(ok)
      assert.matches("bad argument #2 to 'claim_by_rank' (element 1: its rank no number)", err, 1, true)
      -- the default and ambiguous ranks are numbers, not strings that read as ones
      assert.has_error(function() spanset.new():claim_by_rank({}, "2", 4) end)
      assert.has_error(function() spanset.new():claim_by_rank({}, 2, "4") end)
   end)

   it("claims by rank into a list sorted by start when its spans start apart and none is empty", function()
      local rand = generator(311)
      local sorted_seen, unsorted_seen = 0, 0
      for trial = 1, 200 do
         local n = rand(30)
         local list = {}
         for i = 1, n do
            local s = rand(80)
            list[i] = { start = s, stop = s + rand(7), rank = rand(3) == 0 and 5 or nil, attrs = {} }
         end
         local ranked = spanset.new():claim_by_rank(list, 2, 4.25)
         local got, sorted = spanset.new():claim_by_rank(list, 2, 4.25, true)
         assert.equal(#ranked, #got)
         local apart = true
         local want = spanset.sort(table.move(ranked, 1, #ranked, 1, {}))
         for i = 1, #want do
            if want[i].start == want[i].stop or i > 1 and want[i].start == want[i - 1].start then apart = false end
         end
         assert.equal(apart, sorted, "trial " .. trial)
         if sorted then
            sorted_seen = sorted_seen + 1
            for i = 1, #want do assert(want[i] == got[i], string.format("trial %d, place %d", trial, i)) end
         else
            unsorted_seen = unsorted_seen + 1
            for i = 1, #ranked do assert(ranked[i] == got[i], string.format("trial %d, place %d", trial, i)) end
         end
      end
      assert.is_true(sorted_seen > 10 and unsorted_seen > 10)
      local kept, sorted = spanset.new():claim_by_rank({}, 2, 4, true)
      assert.same({}, kept)
      assert.is_true(sorted)
   end)

   it("sorts spans as table.sort does with the same comparator, ties in the same order", function()
      local rand = generator(77)
      local RANKS = { 2, 4.25, 3, 2.0, 5 }
      for trial = 1, 400 do
         local n = rand(trial % 5 == 0 and 300 or 40)
         local list, ranks, rank_of = {}, {}, {}
         local width = 1 + rand(30)
         for i = 1, n do
            local s = rand(width)
            local a = { start = s, stop = s + 1 + rand(4) }
            list[i], ranks[i] = a, RANKS[1 + rand(trial % 3 == 0 and 1 or #RANKS)]
            rank_of[a] = ranks[i]
         end
         local want1 = table.move(list, 1, n, 1, {})
         table.sort(want1, function(x, y) return x.start < y.start end)
         local got1 = spanset.sort(table.move(list, 1, n, 1, {}))
         local want2 = table.move(list, 1, n, 1, {})
         table.sort(want2, by_rank(rank_of))
         local got2 = spanset.sort(table.move(list, 1, n, 1, {}), ranks)
         for i = 1, n do
            assert(want1[i] == got1[i], string.format("by start: trial %d, place %d of %d", trial, i, n))
            assert(want2[i] == got2[i], string.format("by rank: trial %d, place %d of %d", trial, i, n))
         end
      end
   end)

   it("leaves a list by strictly increasing start as it is, and sorts one with ties as table.sort", function()
      local a, b = { start = 1, stop = 2 }, { start = 3, stop = 3 }
      local c, d = { start = 3, stop = 5 }, { start = 7, stop = 8 }
      local list = { a, b, d }
      assert.equal(list, spanset.sort(list))
      assert.same({ a, b, d }, list)
      local want = { d, c, b, a }
      table.sort(want, function(x, y) return x.start < y.start end)
      assert.same(want, spanset.sort({ d, c, b, a }))
   end)

   it("sorts a list that reads and writes through its metatable, each place written", function()
      local a, b, c = { start = 5, stop = 6 }, { start = 1, stop = 2 }, { start = 3, stop = 9 }
      local store, writes = { a, b, c }, {}
      local proxy = setmetatable({}, { __index = store, __len = function() return #store end,
         __newindex = function(_, i, v) writes[#writes + 1] = i; store[i] = v end })
      spanset.sort(proxy)
      assert.same({ b, c, a }, store)
      assert.same({ 1, 2, 3 }, writes)
      -- by rank: the longer span first at one rank, each place written again
      writes = {}
      spanset.sort(proxy, { 1, 1, 1 })
      assert.same({ c, b, a }, store)
      assert.same({ 1, 2, 3 }, writes)
   end)

   it("sorts with table.sort itself spans whose start is no integer, or whose rank is NaN", function()
      local a, b, c = { start = 2.5, stop = 3 }, { start = 1, stop = 2 }, { start = 2, stop = 4 }
      assert.same({ b, c, a }, spanset.sort({ a, b, c }))
      local ranks = { 1, 3, 2 }
      assert.same({ b, c, a }, spanset.sort({ a, b, c }, ranks))
      assert.is_false(require("quarry.core").sort_spans({ { start = 1, stop = 2 }, { start = 0, stop = 1 } },
         { 0 / 0, 1 }))
   end)

   it("sorts out annotations by class in the list's order, leaving out those that start inside the spans", function()
      local rand = generator(77)
      local classes = { person = "entity", place = "entity", date = "date" }
      local types = { "person", "place", "date", "segment" }
      for _ = 1, 20 do
         -- merged spans, each after the one before, and annotations in any order
         local starts, stops, pos = {}, {}, rand(20)
         for k = 1, rand(5) do
            starts[k] = pos
            stops[k] = pos + rand(30)
            pos = stops[k] + 1 + rand(40)
         end
         local list = {}
         for i = 1, 60 do list[i] = { type = types[rand(4) + 1], start = rand(pos + 10), stop = 0 } end
         local want = {}
         for _, a in ipairs(list) do
            local inside = false
            for k = 1, #starts do
               if starts[k] <= a.start and a.start < stops[k] then inside = true end
            end
            local c = classes[a.type]
            if c and not inside then
               want[c] = want[c] or {}
               want[c][#want[c] + 1] = a
            end
         end
         local got = spanset.select(list, classes, starts, stops)
         assert.same(want, got)
         for c, l in pairs(want) do
            for i, a in ipairs(l) do assert(got[c][i] == a) end
         end
      end
   end)

   it("selects without spans, and refuses spans out of order or an element that is no table", function()
      local a, b = { type = "date", start = 5, stop = 9 }, { type = "segment", start = 0, stop = 20 }
      assert.same({ date = { a } }, spanset.select({ b, a }, { date = "date" }))
      assert.same({}, spanset.select({ b, a }, { date = "date" }, { 0 }, { 20 }))
      assert.same({ date = { a } }, spanset.select({ b, a }, { date = "date" }, {}, {}))
      assert.has_error(function() spanset.select({ a }, { date = "date" }, { 10, 4 }, { 12, 6 }) end)
      assert.has_error(function() spanset.select({ a, 3 }, { date = "date" }) end)
      -- (an annotation read as Lua reads it: a.type through its metatable)
      local proxy = setmetatable({}, { __index = { type = "date", start = 7 } })
      assert.same({ date = { proxy } }, spanset.select({ b, proxy }, { date = "date" }, { 0 }, { 6 }))
      local odd = { type = "date", start = 1.5 }
      assert.has_error(function() spanset.select({ odd }, { date = "date" }, { 0 }, { 1 }) end)
   end)

   it("selects alike from a list read through its metatable, and with many classes", function()
      local list, classes, want = {}, {}, {}
      for k = 1, 40 do
         classes["t" .. k] = k % 20        -- (20 classes, two types each)
         list[k] = { type = "t" .. k, start = k }
         list[40 + k] = { type = "t" .. k, start = 100 + k }
      end
      list[81] = { type = "other", start = 5 }
      for _, a in ipairs(list) do
         local c = classes[a.type]
         if c and not (a.start >= 110 and a.start < 120) then
            want[c] = want[c] or {}
            want[c][#want[c] + 1] = a
         end
      end
      local got = spanset.select(list, classes, { 110 }, { 120 })
      assert.same(want, got)
      assert.equal(list[1], got[1][1])
      local few = { t1 = "a", t2 = "b", t3 = "a" }
      local by_class = { a = { list[1], list[3], list[41], list[43] }, b = { list[2], list[42] } }
      assert.same(by_class, spanset.select(list, few))
      local proxy = setmetatable({}, { __index = list, __len = function() return #list end })
      assert.same(by_class, spanset.select(proxy, few))
   end)
end)
