-- quarry.spanset answers as a pairwise check of every span would, on
-- random spans of every length (short, and longer than a bucket).
local spanset = require "quarry.spanset"

describe("quarry.spanset", function()
   it("finds an overlap exactly when a pairwise check does", function()
      local seed = 4242
      local function rand(n)
         seed = (seed * 1103515245 + 12345) % 2147483648
         return seed % n
      end
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
end)
