-- The scans of the document record a pack's own strategy can call
-- (lua/quarry/rules/news/quotes/clauses.lua: doc:cue_back, doc:inside_back,
-- doc:inside_from, doc:sentence_last, doc:next_open_quote,
-- doc:holds_according), on sentences
-- written for them, through a strategy alone in the news pack's sieve.
local H = require "tests.news.quotes.helper"

-- runs a strategy that calls fn(q, doc) for each quote of text and keeps
-- what it returns, in the quotes' order
local function probe(text, fn)
   local seen = {}
   local strategy = { name = "probe", find = function(q, doc) seen[#seen + 1] = fn(q, doc) end }
   H.only({ strategy }, function() H.quotes(text) end)
   return seen
end

-- the first token from i on whose key is word
local function token(doc, word, i)
   for t = i or 1, doc.n do
      if doc:key(t) == word then return t end
   end
   error("no token " .. word)
end

local TEXT = "Ann Vale said that Tom Reed \u{201C}told us it failed\u{201D} before the vote, "
   .. "\u{201C}and now it is over,\u{201D} he added. Reed left."

describe("the document's scans for strategies", function()
   it("finds the last cue outside quotation marks before a quote", function()
      local seen = probe(TEXT, function(q, doc)
         local floor = doc:sentence_start(q.open)
         local c = doc:cue_back(q.open - 1, floor, q.open - 1)
         return { cue = c and doc:key(c), none = doc:cue_back(floor + 1, floor, q.open - 1) }
      end)
      assert.equal(2, #seen)
      -- ("told" is inside the first quote: the second quote's cue is "said")
      assert.equal("said", seen[1].cue)
      assert.equal("said", seen[2].cue)
      assert.is_nil(seen[1].none)
   end)

   it("tells a token inside quotation marks, walking back or forth", function()
      local seen = probe(TEXT, function(q, doc)
         local floor = doc:sentence_start(q.open)
         local told, before, said = token(doc, "told"), token(doc, "before"), token(doc, "said")
         return { back_told = doc:inside_back(q.open - 1, told), back_before = doc:inside_back(q.open - 1, before),
            from_told = doc:inside_from(floor, told), from_before = doc:inside_from(floor, before),
            from_said = doc:inside_from(floor, said) }
      end)
      local second = seen[2]
      assert.is_true(second.back_told)
      assert.is_false(second.back_before)
      assert.is_true(second.from_told)
      assert.is_false(second.from_before)
      assert.is_false(second.from_said)
   end)

   it("finds a sentence's last token and the next opening mark", function()
      local seen = probe(TEXT, function(q, doc)
         local last = doc:sentence_last(q.open)
         local left = token(doc, "left")
         return { last = doc:key(last), next_to_last = doc:key(last - 1), open = doc:next_open_quote(1, doc.n),
            after = doc:next_open_quote(q.open + 1, last), final = doc:sentence_last(left) == doc.n,
            none = doc:next_open_quote(left, doc.n) }
      end)
      assert.equal(".", seen[1].last)
      assert.equal("added", seen[1].next_to_last)
      assert.is_true(seen[1].open < seen[1].after)
      assert.is_nil(seen[2].after)
      assert.is_true(seen[1].final)
      assert.is_nil(seen[1].none)
   end)

   it("tells whether the document holds \"according\" at all, and finds no source in one without it", function()
      local without = probe(TEXT, function(q, doc)
         return { holds = doc:holds_according(), src = doc:according_to(1, doc.n + 1) ~= nil, quote = q.open }
      end)
      assert.is_false(without[1].holds)
      assert.is_false(without[1].src)
      local with = probe("The plan failed, according to Ann Vale. \u{201C}It is over,\u{201D} Reed said.",
         function(_, doc)
            local src, a = doc:according_to(1, doc.n + 1)
            return { holds = doc:holds_according(), src = src and src.kind, a = a and doc:key(a) }
         end)
      assert.is_true(with[1].holds)
      assert.equal("person", with[1].src)
      assert.equal("according", with[1].a)
   end)

   it("finds a cue where doc:is_cue finds one, and no other", function()
      -- (nouns after a determiner, a possessive or a quote a possessive
      -- opens, or a possessive and an adjective with a hyphen; a verb of
      -- two words; a verb in "-ed" after a determiner)
      local text = "The claim, his early-morning tweets, his \u{2018}tone-deaf\u{2019} remarks and the widely "
         .. "reported vote went on, Ann Vale reported, as Reed said: \u{201C}It failed.\u{201D}"
      local seen = probe(text, function(_, doc)
         local cues, scans = {}, {}
         for t = 1, doc.n do
            if doc:is_cue(t) then cues[#cues + 1] = doc:key(t) end
            if doc:cue_back(t, t, t) == t then scans[#scans + 1] = doc:key(t) end
         end
         return { cues = cues, scans = scans }
      end)
      assert.same({ "reported", "went", "reported", "said" }, seen[1].cues)
      assert.same(seen[1].cues, seen[1].scans)
   end)

   it("raises for a token outside the text", function()
      local seen = probe(TEXT, function(_, doc)
         local ok, err = pcall(doc.sentence_last, doc, doc.n + 1)
         return { ok = ok, err = tostring(err) }
      end)
      assert.is_false(seen[1].ok)
      assert.matches("is not one of the text's", seen[1].err)
   end)
end)
