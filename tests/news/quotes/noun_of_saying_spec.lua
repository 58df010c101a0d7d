-- The news pack's speaker strategy noun_of_saying: the owner of a noun of saying just before the quote
-- (lua/quarry/rules/news/quotes/noun_of_saying.lua), on sentences written for it.
local H = require "tests.news.quotes.helper"
local null = require("cjson").null

describe("speaker strategy noun_of_saying", function()
   it("attributes its quote in the news pack, and alone in the sieve", function()
      H.attributes("noun_of_saying", "Ann Vale's claim that the plan was “dead” drew scorn.", "dead", "Ann Vale")
   end)

   it("finds nothing for a verb of saying in its clause has a subject of its own", function()
      local q = H.alone("noun_of_saying", "Ann Vale called Tom Reed's claim that the plan was “dead” a lie.", "dead")
      assert.equal(null, q.attrs.strategy)
   end)
   it("takes a possessive pronoun for the person it stands for", function()
      local q = H.quote("Ann Vale spoke on Monday. Her promise to be “neutral” did not last.", "neutral")
      assert.equal("Ann Vale", q.attrs.speaker)
      assert.equal("noun_of_saying", q.attrs.strategy)
   end)
end)
