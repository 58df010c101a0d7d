-- The news pack's speaker strategy according_to_before: "according to X" earlier in the quote's sentence
-- (lua/quarry/rules/news/quotes/according_to_before.lua), on sentences written for it.
local H = require "tests.news.quotes.helper"
local null = require("cjson").null

describe("speaker strategy according_to_before", function()
   it("attributes its quote in the news pack, and alone in the sieve", function()
      local text = "According to Ann Vale, the plan is “dead” for now."
      H.attributes("according_to_before", text, "dead", "Ann Vale", "According to")
   end)

   it("finds nothing for no 'according to' in the sentence", function()
      local q = H.alone("according_to_before", "Ann Vale left. The plan is “dead, as we know” for now.", "dead")
      assert.equal(null, q.attrs.strategy)
   end)
end)
