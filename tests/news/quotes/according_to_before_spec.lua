-- The news pack's speaker strategy according_to_before: "according to X" earlier in the quote's sentence
-- (lua/quarry/rules/news/quotes/according_to_before.lua), on sentences written for it.
local H = require "tests.news.quotes.helper"
local null = require("cjson").null

describe("speaker strategy according_to_before", function()
   it("attributes its quote in the news pack", function()
      local q = H.quote("According to Ann Vale, the plan is “dead” for now.", "dead")
      assert.equal("Ann Vale", q.attrs.speaker)
      assert.equal("according_to_before", q.attrs.strategy)
      assert.equal("According to", q.attrs.cue)
   end)

   it("finds the speaker alone in the sieve", function()
      local q = H.alone("according_to_before", "According to Ann Vale, the plan is “dead” for now.", "dead")
      assert.equal("Ann Vale", q.attrs.speaker)
      assert.equal("according_to_before", q.attrs.strategy)
   end)

   it("finds nothing for no 'according to' in the sentence", function()
      local q = H.alone("according_to_before", "Ann Vale left. The plan is “dead, as we know” for now.", "dead")
      assert.equal(null, q.attrs.strategy)
   end)
end)
