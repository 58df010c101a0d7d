-- The news pack on tests/fixtures/news/quotes: invented Canadian-style
-- articles (scare quotes, titles, nicknames, organisations and documents
-- that speak, pronouns and descriptions) with gold attributions in BRAT.
-- The figures docs/news-pack.md reports; they must not fall.
local support = require "tests.support"
local cjson = require "cjson"

describe("the news pack on its quote fixtures", function()
   it("finds reported speech and not terms, with the right speaker", function()
      local code, out, err = support.quarry("eval --rules news --gold tests/fixtures/news/quotes --quotes --json")
      assert.equal(0, code, err)
      local rep = cjson.decode(out)
      assert.equal(12, rep.documents)
      assert.equal(0, rep.terms.missed)                      -- no term is a gold quote
      assert.is_true(rep.quotes.strict.precision >= 0.95, "precision " .. rep.quotes.strict.precision)
      assert.is_true(rep.quotes.strict.recall >= 0.95, "recall " .. rep.quotes.strict.recall)
      assert.is_true(rep.speaker.accuracy >= 0.92, "speaker " .. rep.speaker.accuracy)
   end)
end)
