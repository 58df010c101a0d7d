-- The news pack settles overlapping names by the rank each rule declares
-- (rank = n on the rule, which its annotations carry; default 2): no file
-- names another file's rules.
local rules = require "quarry.rules"

local function entity_at(anns, text)
   for _, a in ipairs(anns) do
      if a.text == text and (a.type == "person" or a.type == "organization") then return a end
   end
end

-- The news pack with a phase of one more rule before resolve, ranked rank
-- (within a phase, its control style settles overlaps; across phases,
-- the ranks).
local function with_rule(rank)
   local def = rules.definition("news")
   table.insert(def.phases, #def.phases, { name = "mine", rules = {
      { name = "vale_company", rank = rank, type = "organization", regex = [[Ann Vale(?= Holdings)]],
        attrs = { name = "Ann Vale Holdings" } } } })
   return rules.load(def)
end

describe("the news pack's ranks", function()
   it("are declared on the entity rules", function()
      local def = rules.definition("news")
      local ranked = 0
      for _, phase in ipairs(def.phases) do
         for _, r in ipairs(phase.rules or {}) do
            if r.rank ~= nil then
               assert.equal("number", type(r.rank), r.name)
               ranked = ranked + 1
            end
         end
      end
      assert.is_true(ranked >= 30)
   end)

   it("decide overlaps by the rank a pack's own rule declares", function()
      local text = "Minister Ann Vale Holdings spoke on Monday."
      -- title_name (rank 6) makes a person of "Ann Vale"; a rule ranked
      -- above it wins, one ranked below loses
      local high = entity_at(with_rule(9):run(text), "Ann Vale")
      assert.equal("organization", high.type)
      assert.equal("vale_company", high.rule)
      local low = entity_at(with_rule(1):run(text), "Ann Vale")
      assert.equal("person", low.type)
   end)

   it("refuses a rank that is not a number, naming the rule", function()
      local def = rules.definition("news")
      table.insert(def.phases, #def.phases, { name = "mine", rules = {
         { name = "bad_rank", rank = "high", type = "organization", regex = "Vale" } } })
      require("tests.support").raises(function() rules.load(def) end, "rule bad_rank: rank must be a number")
   end)
end)
