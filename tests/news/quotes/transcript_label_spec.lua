-- The news pack's speaker strategy transcript_label: a transcript names its speaker in capitals inside the marks
-- (lua/quarry/rules/news/quotes/transcript_label.lua), on sentences written for it.
local H = require "tests.news.quotes.helper"
local null = require("cjson").null

describe("speaker strategy transcript_label", function()
   it("attributes its quote in the news pack, and alone in the sieve", function()
      local text = "Ann Vale spoke to the panel on Monday.\n\n“VALE: We will not sign " ..
         "this deal.”"
      H.attributes("transcript_label", text, "We will not sign", "Ann Vale", ":")
   end)

   it("finds nothing for a heading in capitals (VIDEO:) is not a speaker", function()
      local q = H.alone("transcript_label", "“VIDEO: The talks in full.”", "VIDEO")
      assert.equal(null, q.attrs.strategy)
   end)
   it("keeps the label out of the quote's words, and spells an unknown speaker's capitals as a name", function()
      local q = H.quote("“REED: We will wait.”", "We will")
      assert.equal("We will wait.", q.text)
      assert.equal("Reed", q.attrs.speaker)
   end)
end)
