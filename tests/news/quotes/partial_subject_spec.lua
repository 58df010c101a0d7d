-- The news pack's speaker strategy partial_subject: the sentence's subject, for words woven into it
-- (lua/quarry/rules/news/quotes/partial_subject.lua), on sentences written for it.
local H = require "tests.news.quotes.helper"
local null = require("cjson").null

describe("speaker strategy partial_subject", function()
   it("attributes its quote in the news pack, and alone in the sieve", function()
      local text = "Ann Vale wants lower taxes and “jobs for all of us” in the town."
      H.attributes("partial_subject", text, "jobs for", "Ann Vale")
   end)

   it("finds nothing for a quote that opens its sentence with a capital is not woven into it", function()
      local q = H.alone("partial_subject", "Ann Vale left. “Homes, homes, homes” was the slogan.", "Homes")
      assert.equal(null, q.attrs.strategy)
   end)
end)
