-- The news pack's speaker strategy comma_after_colon: after a colon, a
-- quote ending on a comma takes the speaker after it
-- (lua/quarry/rules/news/quotes/comma_after_colon.lua), on sentences written for it.
local H = require "tests.news.quotes.helper"
local null = require("cjson").null

describe("speaker strategy comma_after_colon", function()
   it("attributes its quote in the news pack, and alone in the sieve", function()
      local text = "Ann Vale had one line: “We will not sign,” she claimed."
      H.attributes("comma_after_colon", text, "We will not sign", "Ann Vale", "claimed")
   end)

   it("finds nothing for a quote that ends its sentence", function()
      local q = H.alone("comma_after_colon", "Ann Vale had one line: “We will not sign.” She left.", "We will not sign")
      assert.equal(null, q.attrs.strategy)
   end)
end)
