-- The news pack's speaker strategy later_in_sentence: a cue later in the quote's sentence
-- (lua/quarry/rules/news/quotes/later_in_sentence.lua), on sentences written for it.
local H = require "tests.news.quotes.helper"
local null = require("cjson").null

describe("speaker strategy later_in_sentence", function()
   it("attributes its quote in the news pack", function()
      local q = H.quote("‘Narrowing’ in Talks, Says Ann Vale", "Narrowing")
      assert.equal("Ann Vale", q.attrs.speaker)
      assert.equal("later_in_sentence", q.attrs.strategy)
      assert.equal("Says", q.attrs.cue)
   end)

   it("finds the speaker alone in the sieve", function()
      local q = H.alone("later_in_sentence", "‘Narrowing’ in Talks, Says Ann Vale", "Narrowing")
      assert.equal("Ann Vale", q.attrs.speaker)
      assert.equal("later_in_sentence", q.attrs.strategy)
   end)

   it("finds nothing for a cue in the next sentence", function()
      local q = H.alone("later_in_sentence", "The plan was “dead, as we know” for now. Ann Vale said so.", "dead")
      assert.equal(null, q.attrs.strategy)
   end)
end)
