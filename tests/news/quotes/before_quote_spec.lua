-- The news pack's speaker strategy before_quote: the speaker of a cue before the quote in its sentence
-- (lua/quarry/rules/news/quotes/before_quote.lua), on sentences written for it.
local H = require "tests.news.quotes.helper"
local null = require("cjson").null

describe("speaker strategy before_quote", function()
   it("attributes its quote in the news pack, and alone in the sieve", function()
      local text = "Ann Vale, the foreign minister, said on Monday that talks had “failed” at last."
      H.attributes("before_quote", text, "failed", "Ann Vale", "said")
   end)

   it("finds nothing for no cue in the sentence", function()
      local q = H.alone("before_quote", "Ann Vale left. The plan was “dead, as we know” for now.", "dead")
      assert.equal(null, q.attrs.strategy)
   end)
   it("gives the quote to the outermost attribution, and a passive cue to its agent", function()
      local q = H.quote("Ann Vale said Tom Reed called the plan “dead” for now.", "dead")
      assert.equal("Ann Vale", q.attrs.speaker)
      q = H.quote("Tom Reed was asked by moderator Ann Vale whether the plan was “dead” for now.", "dead")
      assert.equal("Ann Vale", q.attrs.speaker)
      assert.equal("before_quote", q.attrs.strategy)
   end)
end)
