-- The news pack's speaker strategy cue_before_mark: a cue right before the opening mark introduces the quote
-- (lua/quarry/rules/news/quotes/cue_before_mark.lua), on sentences written for it.
local H = require "tests.news.quotes.helper"
local null = require("cjson").null

describe("speaker strategy cue_before_mark", function()
   it("attributes its quote in the news pack, and alone in the sieve", function()
      local text = "Ann Vale said, “We will not sign this deal.”"
      H.attributes("cue_before_mark", text, "We will not sign", "Ann Vale", "said")
   end)

   it("finds nothing for a sentence with no cue before the mark", function()
      local q = H.alone("cue_before_mark", "Ann Vale left the room. “We will not sign this deal.”", "We will not sign")
      assert.equal(null, q.attrs.strategy)
   end)
end)
