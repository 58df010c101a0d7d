-- The news pack's speaker strategy continuation: a quote with no attribution of its own goes on from the previous one
-- (lua/quarry/rules/news/quotes/continuation.lua), on sentences written for it.
local H = require "tests.news.quotes.helper"
local null = require("cjson").null

describe("speaker strategy continuation", function()
   it("attributes its quote in the pack, and with only the strategy that attributes the quote before", function()
      local text = "Ann Vale, the minister, spoke on Monday.\n\n“We will not sign,” she said.\n\n“We will never sign.”"
      H.attributes("continuation", text, "We will never", "Ann Vale", nil, { "after_quote", "continuation" })
   end)

   it("finds nothing for a paragraph without quotes between them", function()
      local q
      local text = "Ann Vale spoke on Monday.\n\n“We will not sign,” she said.\n\nTom " ..
         "Reed arrived.\n\n“We will never sign.”"
      H.only({ "after_quote", "continuation" }, function() q = H.quote(text, "We will never") end)
      assert.equal(null, q.attrs.strategy)
   end)
end)
