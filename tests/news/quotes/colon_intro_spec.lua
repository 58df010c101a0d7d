-- The news pack's speaker strategy colon_intro: what the colon before the quote closes introduces it
-- (lua/quarry/rules/news/quotes/colon_intro.lua), on sentences written for it.
local H = require "tests.news.quotes.helper"
local null = require("cjson").null

describe("speaker strategy colon_intro", function()
   it("attributes its quote in the news pack, and alone in the sieve", function()
      H.attributes("colon_intro", "Pollster Dana Ruiz: “The race is tied.”", "The race", "Dana Ruiz", ":")
   end)

   it("finds nothing for no colon before the mark", function()
      local q = H.alone("colon_intro", "Ann Vale left. “We will not sign.”", "We will not sign")
      assert.equal(null, q.attrs.strategy)
   end)
   it("takes the subject of a cue whose object the colon closes", function()
      local q = H.quote("Ann Vale told Reuters: “We will not sign.”", "We will")
      assert.equal("Ann Vale", q.attrs.speaker)
      assert.equal("colon_intro", q.attrs.strategy)
      assert.equal("told", q.attrs.cue)
   end)

   it("reads the object of the cue over a determiner and its words, and leaves “as X put it:” alone", function()
      local q = H.quote("On the ferry, Ann Vale told The Washington Post: “We will not sign.”", "We will")
      assert.equal("Ann Vale", q.attrs.speaker)
      q = H.quote("Tom Reed explained his plan to the Dutch newspaper De Telegraaf: “We will not sign.”", "We will")
      assert.equal("Tom Reed", q.attrs.speaker)
      q = H.alone("colon_intro", "As Tom Reed put it: “We will not sign.”", "We will")
      assert.equal(null, q.attrs.strategy)
      q = H.quote("As Tom Reed put it: “We will not sign.”", "We will")
      assert.equal("Tom Reed", q.attrs.speaker)
   end)
end)
