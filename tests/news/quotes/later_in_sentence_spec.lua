-- The news pack's speaker strategy later_in_sentence: a cue later in the quote's sentence
-- (lua/quarry/rules/news/quotes/later_in_sentence.lua), on sentences written for it.
local H = require "tests.news.quotes.helper"
local null = require("cjson").null

describe("speaker strategy later_in_sentence", function()
   it("attributes its quote in the news pack, and alone in the sieve", function()
      H.attributes("later_in_sentence", "‘Progress’ in Talks, Says Ann Vale", "Progress", "Ann Vale", "Says")
   end)

   it("finds nothing for a cue in the next sentence", function()
      local q = H.alone("later_in_sentence", "The plan was “dead, as we know” for now. Ann Vale said so.", "dead")
      assert.equal(null, q.attrs.strategy)
   end)
end)
