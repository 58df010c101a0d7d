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

   it("gives words in a subordinate clause to that clause's subject", function()
      local q = H.alone("partial_subject", "Ann Vale backed the budget, although Tom Reed has “grave doubts” "
         .. "about the ferry.", "grave doubts")
      assert.equal("Tom Reed", q.attrs.speaker)
      q = H.alone("partial_subject", "Ann Vale sat down as Tom Reed kept talking about “better buses” for the "
         .. "town.", "better buses")
      assert.equal("Tom Reed", q.attrs.speaker)
      -- a clause that ended at a comma, a preposition that opens no clause
      q = H.alone("partial_subject", "As Tom Reed spoke, Ann Vale was asking for “better buses” for the town.",
         "better buses")
      assert.equal("Ann Vale", q.attrs.speaker)
      q = H.alone("partial_subject", "Ann Vale spoke as a delegate and in a letter asked for “better buses” "
         .. "for the town.", "better buses")
      assert.equal("Ann Vale", q.attrs.speaker)
   end)
end)
