-- The news pack's speaker strategy split_quote: the second half of a quote
-- split by its attribution takes the first half's speaker
-- (lua/quarry/rules/news/quotes/split_quote.lua), on sentences written for it.
local H = require "tests.news.quotes.helper"
local null = require("cjson").null

describe("speaker strategy split_quote", function()
   it("attributes its quote in the pack, and with only the strategy that attributes the quote before", function()
      local text = "Tom Reed spoke. “We will not sign,” Ann Vale told the host, “and we will not wait.”"
      H.attributes("split_quote", text, "and we will", "Ann Vale", "told", { "after_quote", "split_quote" })
   end)

   it("finds nothing for the first half in another sentence", function()
      local q
      local text = "“We will not sign,” Ann Vale told the host. Tom Reed left, “and we " ..
         "will not wait.”"
      H.only({ "after_quote", "split_quote" }, function() q = H.quote(text, "and we will") end)
      assert.equal(null, q.attrs.strategy)
   end)
end)
