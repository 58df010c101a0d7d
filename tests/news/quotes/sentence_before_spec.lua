-- The news pack's speaker strategy sentence_before: the speaker of the sentence before
-- (lua/quarry/rules/news/quotes/sentence_before.lua), on sentences written for it.
local H = require "tests.news.quotes.helper"
local null = require("cjson").null

describe("speaker strategy sentence_before", function()
   it("attributes its quote in the news pack, and alone in the sieve", function()
      local text = "The deal is off. Ann Vale said so on Monday. “We will not sign.”"
      H.attributes("sentence_before", text, "We will not sign", "Ann Vale", "said")
   end)

   it("finds nothing for a speaker two paragraphs back", function()
      local text = "Ann Vale said so on Monday.\n\nThe deal is off.\n\nTom Reed " ..
         "arrived.\n\n“We will not sign.”"
      local q = H.alone("sentence_before", text, "We will not sign")
      assert.equal(null, q.attrs.strategy)
   end)
end)
