-- The news pack's speaker strategy according_to: "according to X" right after the quote
-- (lua/quarry/rules/news/quotes/according_to.lua), on sentences written for it.
local H = require "tests.news.quotes.helper"
local null = require("cjson").null

describe("speaker strategy according_to", function()
   it("attributes its quote in the news pack, and alone in the sieve", function()
      local text = "“We will not sign,” according to Marta Solberg."
      H.attributes("according_to", text, "We will not sign", "Marta Solberg", "according to")
   end)

   it("finds nothing for 'according to' later in the next sentence", function()
      local text = "“We will not sign.” The deal is off, according to Marta Solberg."
      local q = H.alone("according_to", text, "We will not sign")
      assert.equal(null, q.attrs.strategy)
   end)
end)
