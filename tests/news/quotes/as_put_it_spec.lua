-- The news pack's speaker strategy as_put_it: "as X put it" in the quote's sentence
-- (lua/quarry/rules/news/quotes/as_put_it.lua), on sentences written for it.
local H = require "tests.news.quotes.helper"
local null = require("cjson").null

describe("speaker strategy as_put_it", function()
   it("attributes its quote in the news pack", function()
      local q = H.quote("The plan, as Ann Vale put it, is \u{2018}a disaster for renters\u{2019}.", "a disaster")
      assert.equal("Ann Vale", q.attrs.speaker)
      assert.equal("as_put_it", q.attrs.strategy)
      assert.equal("put it", q.attrs.cue)
   end)

   it("finds the speaker alone in the sieve, before or after the quote, with a cue or a passive", function()
      local q = H.alone("as_put_it", "The rule is a \u{201C}lawful source of income,\u{201D} as a leaked memo put it.",
         "lawful")
      assert.equal("a leaked memo", q.attrs.speaker)
      assert.equal("document", q.attrs.speaker_type)
      q = H.alone("as_put_it", "As Tom Reed said in May, the deal is \u{201C}dead on arrival.\u{201D}", "dead")
      assert.equal("Tom Reed", q.attrs.speaker)
      q = H.alone("as_put_it", "She was \u{201C}careless\u{201D} \u{2013} as described by Judge Ann Vale \u{2013} "
         .. "in the affair.", "careless")
      assert.equal("Ann Vale", q.attrs.speaker)
   end)

   it("finds nothing for an 'as' clause after another attribution of the quote", function()
      local q = H.alone("as_put_it", "\u{201C}We will win,\u{201D} Tom Reed said, as the crowd cheered.", "We will win")
      assert.equal(null, q.attrs.strategy)
   end)
end)
