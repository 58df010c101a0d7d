-- The clause-tense model (quarry.tense): the tense of a date's own clause
-- from word classes a pack gives.
local quarry = require "quarry"
local tense = require "quarry.tense"
local rules = require "quarry.rules"
local support = require "tests.support"

local MODEL_DEF = {
   classes = {
      future = { "will", "would" }, ["break"] = { "that", "which", "but" },
      past = { "was", "were", "had", "said", "told" }, not_past = { "need" },
      attach = { "on", "by", "until", "in", "last" }, deadline = { "by", "until" }, since = { "since" },
      adjectival = { "the", "a", "is" }, clock = { "a.m.", "p.m." }, opener = { "but" },
      speech = { "said", "announced" }, conj = { "and", "or" }, aux = { "is", "has" }, perfect = { "had" },
      negation = { "not" }, of = { "of" }, ahead = { "ahead" }, to = { "to" },
   },
   phrases = { { "expected", "to" }, { "plans", "to" } },
}

-- The tense of the first occurrence of word in text.
local function tense_of(model, text, word)
   local toks = quarry.tokenize(text)
   local s, e = text:find(word, 1, true)
   local t = model:of(toks, s - 1, e)
   toks:close()
   return t
end

describe("a clause-tense model", function()
   local model
   setup(function() model = tense.model(MODEL_DEF) end)

   it("reads the future and the past from the date's own clause", function()
      assert.equal("future", tense_of(model, "The council will vote on Thursday.", "Thursday"))
      assert.equal("past", tense_of(model, "The ferry was stopped on Monday.", "Monday"))
      assert.is_nil(tense_of(model, "Our market opens on Monday.", "Monday"))
   end)

   it("takes a lower-case word in the past suffix as a past verb, not after an adjectival word", function()
      assert.equal("past", tense_of(model, "The club opened its doors on Sunday.", "Sunday"))
      assert.is_nil(tense_of(model, "Quiet streets on Sunday is expected.", "Sunday"))
      assert.is_nil(tense_of(model, "We need quiet on Sunday.", "Sunday"))
   end)

   it("stops the clause at punctuation, a break word and a conjunction before a verb", function()
      assert.is_nil(tense_of(model, "He was sure, the shop opens on Friday.", "Friday"))
      assert.equal("past", tense_of(model, "The shop opened on Friday and will close next week.", "Friday"))
      assert.is_nil(tense_of(model, "It was a surprise that rain falls on Friday.", "Friday"))
   end)

   it("gives a date after a speech verb to the speech verb's clause", function()
      assert.equal("past", tense_of(model, "The mayor said on Friday the bridge will reopen.", "Friday"))
      assert.equal("future", tense_of(model, "The mayor said the bridge will reopen on Friday.", "Friday"))
   end)

   it("finds phrases of the future, but not 'to' before a determiner", function()
      assert.equal("future", tense_of(model, "Rates are expected to rise in March.", "March"))
      assert.equal("past", tense_of(model, "In March the firm plans to the letter were shown.", "March"))
   end)

   it("tells deadlines, and the past of 'since', of a perfect and of a possessive", function()
      assert.equal("deadline", tense_of(model, "Bids must arrive by Tuesday.", "Tuesday"))
      assert.equal("deadline", tense_of(model, "Bids must arrive by 9 a.m. Tuesday.", "Tuesday"))
      assert.equal("past", tense_of(model, "Reed had wanted the figures by Monday.", "Monday"))
      assert.equal("past", tense_of(model, "Prices rose since March.", "March"))
      assert.equal("past", tense_of(model, "Sales rose after Friday's cut.", "Friday"))
      assert.equal("future", tense_of(model, "Shares will rise ahead of Friday's cut.", "Friday"))
   end)

   it("reads a date that opens its sentence by the clause after its comma", function()
      assert.equal("future", tense_of(model, "On Tuesday, the league plans to meet.", "Tuesday"))
      assert.equal("past", tense_of(model, "But on Tuesday, the league told us it will meet.", "Tuesday"))
   end)

   it("says whether a past verb tells of the date", function()
      local text = "Profit for the quarter was up, and the quarter ends soon."
      local toks = quarry.tokenize(text)
      local s1 = text:find("quarter", 1, true)
      assert.is_true(model:told_past(toks, s1 - 1, s1 + 6))
      local s2 = text:find("quarter ends", 1, true)
      assert.is_true(model:told_past(toks, s2 - 1, s2 + 6))
      toks:close()
      local other = "The quarter ends soon, it was said."
      toks = quarry.tokenize(other)
      assert.is_false(model:told_past(toks, 4, 11))
      assert.is_nil(model:of(toks, 200, 210))
      assert.is_false(model:told_past(toks, 200, 210))
      toks:close()
   end)

   it("refuses an unknown class, a word of two tokens and a phrase of one word", function()
      assert.has_error(function() tense.model { classes = { futur = { "will" } } } end,
         "tense.model: unknown class 'futur'")
      assert.has_error(function() tense.model { classes = { future = { "going to" } } } end)
      assert.has_error(function() tense.model { phrases = { { "soon" } } } end,
         "tense.model: phrase 1 must have two words or more")
      assert.has_error(function() tense.model { reach = 5000 } end,
         "tense.model: reach must be an integer from 0 to 1000")
   end)

   it("is available to an untrusted pack's document phase", function()
      local dir = support.tmpdir {
         ["init.lua"] = [[
local tense = require "quarry.tense"
local MODEL = tense.model { classes = { future = { "will" }, past = { "went" } } }
return { name = "t", phases = { { name = "tense", run = function(ctx)
   local s, e = ctx.text:find("Monday")
   return { { type = "date", start = s - 1, stop = e, attrs = { tense = MODEL:of(ctx.tokens, s - 1, e) } } }
end } } }
]],
      }
      local pack = rules.load(dir)
      assert.equal("future", pack:run("They will go on Monday.")[1].attrs.tense)
      assert.equal("past", pack:run("They went home on Monday.")[1].attrs.tense)
   end)
end)
