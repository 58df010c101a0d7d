-- Overlap resolution keeps exactly what a pairwise check would keep, on
-- many random candidates, empty ones among them (it uses a tree of the
-- latest stop by start, not pairwise checks).
local rules = require "quarry.rules"

local function brute(order, cands)
   local kept = {}
   for _, i in ipairs(order) do
      local c, clash = cands[i], false
      for _, k in ipairs(kept) do
         local o = cands[k]
         if c.start < o.stop and o.start < c.stop then clash = true; break end
      end
      if not clash then kept[#kept + 1] = i end
   end
   return kept
end

describe("overlap resolution", function()
   it("matches a pairwise check for appelt and first control", function()
      local seed = 12345
      local function rand(n)
         seed = (seed * 1103515245 + 12345) % 2147483648
         return seed % n
      end
      for round = 1, 40 do
         local cands, crules, cstarts = {}, {}, {}
         local rule_list = {}
         for r = 1, 4 do rule_list[r] = { order = r, priority = rand(3), name = "r" .. r } end
         for i = 1, 200 do
            local start = rand(500)
            -- some empty: [p, p) overlaps a span that holds p strictly inside
            cands[i] = { start = start, stop = start + (rand(10) == 0 and 0 or 1 + rand(30)), type = "t" }
            crules[i] = rule_list[1 + rand(4)]
            cstarts[i] = math.max(0, start - rand(3))
         end
         for _, control in ipairs { "appelt", "first" } do
            local kept = rules.resolve({ control = control }, cands, crules, cstarts)
            -- the same order as resolve sorts in, then the pairwise check
            local order = {}
            for i = 1, #cands do order[i] = i end
            if control == "first" then
               table.sort(order, function(i, j)
                  if cstarts[i] ~= cstarts[j] then return cstarts[i] < cstarts[j] end
                  if crules[i].order ~= crules[j].order then return crules[i].order < crules[j].order end
                  return i < j
               end)
            else
               table.sort(order, function(i, j)
                  local a, b = cands[i], cands[j]
                  if crules[i].priority ~= crules[j].priority then return crules[i].priority > crules[j].priority end
                  if a.stop - a.start ~= b.stop - b.start then return a.stop - a.start > b.stop - b.start end
                  if a.start ~= b.start then return a.start < b.start end
                  if cstarts[i] ~= cstarts[j] then return cstarts[i] < cstarts[j] end
                  if crules[i].order ~= crules[j].order then return crules[i].order < crules[j].order end
                  return i < j
               end)
            end
            assert.same(brute(order, cands), kept, control .. " round " .. round)
         end
      end
   end)

   it("keeps everything with all control", function()
      local cands = { { start = 0, stop = 5 }, { start = 2, stop = 7 } }
      assert.same({ 1, 2 }, rules.resolve({ control = "all" }, cands, {}, {}))
   end)
end)

describe("quarry.core.sort_annotations", function()
   local core = require "quarry.core"
   it("orders by start, then longest first, then type, and keeps ties stable", function()
      local a = { start = 5, stop = 9, type = "b", n = 1 }
      local b = { start = 0, stop = 3, type = "z", n = 2 }
      local c = { start = 5, stop = 12, type = "c", n = 3 }
      local d = { start = 5, stop = 9, type = "a", n = 4 }
      local e = { start = 5, stop = 9, type = "a", n = 5 }
      local list = core.sort_annotations { a, b, c, d, e }
      local order = {}
      for i, x in ipairs(list) do order[i] = x.n end
      assert.same({ 2, 3, 4, 5, 1 }, order)
   end)
   it("refuses items without integer offsets or a type", function()
      local untyped = { { start = 1, stop = 2 }, { start = 0, stop = 1, type = "t" } }
      assert.has_error(function() core.sort_annotations(untyped) end)
   end)
end)
