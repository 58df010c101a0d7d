-- The news pack's speaker strategy after_quote: the speaker named right after the quote
-- (lua/quarry/rules/news/quotes/after_quote.lua), on sentences written for it.
local H = require "tests.news.quotes.helper"
local null = require("cjson").null

describe("speaker strategy after_quote", function()
   it("attributes its quote in the news pack, and alone in the sieve", function()
      H.attributes("after_quote", "“We will not sign,” said Ann Vale.", "We will not sign", "Ann Vale", "said")
   end)

   it("finds nothing for a new statement after a quote that ended its sentence", function()
      local text = "“We will not sign.” Democrats also described the vote as a failure."
      local q = H.alone("after_quote", text, "We will not sign")
      assert.equal(null, q.attrs.strategy)
   end)
   it("reads a mention and a cue, an unknown verb after a comma, and a signature after a dash", function()
      local q = H.quote("Ann Vale spoke to the panel.\n\n“We will not sign,” Tom Reed replied.", "We will")
      assert.equal("Tom Reed", q.attrs.speaker)
      assert.equal("replied", q.attrs.cue)
      q = H.quote("“We will not sign!” beamed Tom Reed.", "We will")
      assert.equal("Tom Reed", q.attrs.speaker)
      assert.equal("beamed", q.attrs.cue)
      q = H.quote("“Nobody wins a trade war.” \u{2015} Tom Reed", "Nobody")
      assert.equal("Tom Reed", q.attrs.speaker)
      assert.equal("after_quote", q.attrs.strategy)
   end)

   it("leaves the object of a participle after the quote alone", function()
      -- "echoing X", "citing X": the words are the clause subject's
      local q = H.quote("Ann Vale said the levy was “a tax on work,” echoing the farmers who marched in May.",
         "a tax on work")
      assert.equal("Ann Vale", q.attrs.speaker)
      q = H.alone("after_quote", "Ann Vale said the levy was “a tax on work,” citing a study of the port.",
         "a tax on work")
      assert.equal(null, q.attrs.strategy)
   end)

   it("reads a mention and a cue after words a clause before them speaks only when the verb ends the clause", function()
      local text = "When Ann Vale said she would “stand by the harbour,” the crowd applauded loudly."
      local q = H.quote(text, "stand by")
      assert.equal("Ann Vale", q.attrs.speaker)
      q = H.alone("after_quote", text, "stand by")
      assert.equal(null, q.attrs.strategy)
      -- the verb ends the clause: a speaker of its own
      q = H.quote("Ann Vale said the plan was “a good start,” Tom Reed said on Monday.", "a good start")
      assert.equal("Tom Reed", q.attrs.speaker)
   end)
end)
