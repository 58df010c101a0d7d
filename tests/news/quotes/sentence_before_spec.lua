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

   it("takes the outermost attribution of the sentence before: its first cue, or one that ends it", function()
      local q = H.alone("sentence_before", "Ann Vale said the mayor had stated her case.\n\n\u{201C}We will not "
         .. "sign.\u{201D}", "We will")
      assert.equal("Ann Vale", q.attrs.speaker)
      q = H.alone("sentence_before", "The board may wait while the mayor talks, Ann Vale said.\n\n\u{201C}We "
         .. "will not sign.\u{201D}", "We will")
      assert.equal("Ann Vale", q.attrs.speaker)
      -- a noun that looks like a cue ends no attribution
      q = H.alone("sentence_before", "Ann Vale praised the harbour, the pride of a proud state.\n\n\u{201C}We "
         .. "will not sign.\u{201D}", "We will")
      assert.equal("Ann Vale", q.attrs.speaker)
   end)
end)
