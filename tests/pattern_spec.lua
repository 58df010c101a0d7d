-- Specs for the token-pattern language (lua/quarry/pattern.lua) and the C
-- matcher it compiles to (csrc/qr_match.c): one-token predicates,
-- combinators, captures, lookaround, scopes, compile-time errors, and the
-- quarry.Matcher object itself.
local quarry = require "quarry"
local P = require "quarry.pattern"
local raises = require("tests.support").raises

-- Every match of p over text: {text, first, last, start, stop, caps = {name = text}}.
-- Checks the byte offsets against the token numbers on the way.
local function matches(p, text, opts)
   local m, c = P.compile(p, opts)
   local toks = quarry.tokenize(text)
   local out = {}
   for _, r in ipairs(m:run(toks, opts and opts.anns)) do
      assert.equal(1, r.rule)
      assert.equal(toks:span(r.first), r.start)
      assert.equal(select(2, toks:span(r.last)), r.stop)
      local caps = {}
      for slot, span in pairs(r.caps) do
         local first, last, start, stop = span[1], span[2], span[3], span[4]
         if first and last and last >= first then
            assert.equal(toks:span(first), start)
            assert.equal(select(2, toks:span(last)), stop)
            caps[c.rules[1].caps[slot]] = text:sub(start + 1, stop)
         end
      end
      out[#out + 1] = { text = text:sub(r.start + 1, r.stop), first = r.first, last = r.last,
         start = r.start, stop = r.stop, caps = caps }
   end
   toks:close()
   m:close()
   return out
end

-- Only the matched texts, in order.
local function texts(p, text, opts)
   local out = {}
   for i, m in ipairs(matches(p, text, opts)) do out[i] = m.text end
   return out
end


-- This file, as error messages name it.
local THIS = debug.getinfo(1, "S").short_src

local LEDE = "Foreign Minister Sergei Voronov said on Monday that talks in Geneva would resume."

describe("one-token patterns", function()
   it("P.text matches the exact token text only", function()
      assert.same({ "Said" }, texts(P.text "Said", "said Said SAID"))
      assert.same({ "Mr." }, texts(P.text "Mr.", "Mr. Voronov and mr. Ivanov"))
   end)

   it("P.word matches the normalised key: any case, curly or straight apostrophes", function()
      assert.same({ "said", "Said", "SAID" }, texts(P.word "said", "said Said SAID"))
      assert.same({ "DON’T", "don't" }, texts(P.word "don't", "I DON’T know, they don't care"))
      assert.same({ "Don't" }, texts(P.word "don’t", "Don't panic"))
      -- a multi-word text is a sequence of keys
      assert.same({ "new york", "New York" }, texts(P.word "New York", "from new york to New York City"))
   end)

   it("P.bare ignores diacritics as well as case", function()
      assert.same({ "Łódź", "LODZ" }, texts(P.bare "Lodz", "in Łódź and LODZ and Lod"))
      assert.same({}, texts(P.word "Lodz", "in Łódź"))
      assert.same({ "Genève", "Geneva" }, texts(P.set({ "geneve", "geneva" }, { bare = true }), "Genève or Geneva"))
   end)

   it("P.set holds words and multi-word phrases", function()
      local p = P.set { "said", "told", "New York", "prime minister" }
      assert.same({ "told", "New York", "Prime Minister", "said" },
         texts(p, "she told New York officials the Prime Minister said so"))
      assert.same({ "don’t" }, texts(P.set { "don't", "won't" }, "we don’t know"))
      raises(function() P.set {} end, "P.set: the list is empty")
      raises(function() P.set { "a", "" } end, "non-empty string")
   end)

   it("P.regex tests the token text, UTF-8 aware, with options", function()
      assert.same({ "Voronov" }, texts(P.regex "^Vor", LEDE))
      -- four characters, not four bytes
      assert.same({ "Łódź", "café" }, texts(P.regex "^.{4}$", "Łódź café naïve ab"))
      assert.same({ "café", "naïve", "2010" }, texts(P.regex "^\\w+$", "café, naïve — 2010"))
      assert.same({ "SAID", "said" }, texts(P.regex("^said$", { caseless = true }), "SAID said"))
      raises(function() P.regex "(" end, "P.regex")
   end)

   it("P.kind, P.case, P.shape and P.short_shape", function()
      assert.same({ "2010", "3.5", "1,000" }, texts(P.kind "number", "in 2010, 3.5 times 1,000 people"))
      assert.same({ "“", "”" }, texts(P.kind("open_quote", "close_quote"), "she said “yes” today"))
      assert.same({ "NATO", "EU" }, texts(P.case "upper", "NATO and the EU met"))
      assert.same({ "Lavrov", "Geneva" }, texts(P.shape "Xxxxx", "Lavrov NATO Geneva Oslo"))
      assert.same({ "Oslo" }, texts(P.shape "Xxxx", "Lavrov NATO Geneva Oslo"))
      assert.same({ "Nagorno-Karabakh" }, texts(P.short_shape "Xx-Xx", "Nagorno-Karabakh and Lavrov"))
      raises(function() P.case "shouting" end, "unknown case 'shouting'")
      raises(function() P.kind "noun" end, "unknown kind 'noun'")
   end)

   it("P.len counts characters", function()
      assert.same({ "Łódź", "café" }, texts(P.len(4, 4), "Łódź café naïve"))
      assert.same({ "naïve" }, texts(P.len(5), "Łódź café naïve"))
   end)

   it("sentence, paragraph and line starts", function()
      local text = "Talks resumed. Officials said Geneva was ready.\n\nThe vote is\nnext week."
      assert.same({ "Talks", "Officials", "The" }, texts(P.sent_start, text))
      assert.same({ "Talks", "The" }, texts(P.para_start, text))
      assert.same({ "Talks", "The", "next" }, texts(P.line_start, text))
   end)

   it("P.tok combines constraints on one token; tables stand for P.tok", function()
      assert.same({ "Foreign", "Sergei", "Voronov" },
         texts(P.tok { case = "title", len = { 6, 7 } }, "Foreign Minister Sergei Voronov"))
      assert.same({ "Talks", "Officials" },
         texts(P.tok { sent_start = true, case = "title" },
            "Talks resumed. Officials said Geneva was ready. 2010 was bad."))
      assert.same({ "Geneva" },
         texts(P.tok { sent_start = false, case = "title" }, "Talks resumed. Officials said Geneva was ready."))
      assert.same({ "said Geneva" }, texts(P.word "said" * { case = "title" }, "Officials said Geneva said yes"))
      raises(function() P.tok { colour = "red" } end, "unknown constraint 'colour'")
      raises(function() P.tok { word = "New York" } end, "must describe one token")
   end)

   it("P.any and -p (a token p does not match)", function()
      assert.equal(14, #texts(P.any, LEDE))
      assert.same({ "said on" }, texts(-P.case "title" * "on", LEDE))
      assert.same({ "Minister Sergei" }, texts(-P.word "foreign" * P.word "Sergei", LEDE))
      assert.same({}, texts(-P.word "minister" * P.word "Sergei", LEDE))
   end)

   it("-p negated many times over (a predicate too deep to test as flat jumps)", function()
      local odd, even = P.word "on", P.word "on"
      for _ = 1, 1501 do odd = -odd end
      for _ = 1, 1500 do even = -even end
      assert.same({ "said Monday" }, texts(P.word "said" * odd, "said on Monday said Monday"))
      assert.same({ "said on" }, texts(P.word "said" * even, "said on Monday said Monday"))
   end)

   it("refuses to negate a sequence", function()
      local err = raises(function() return -(P.word "a" * P.word "b") end, "single-token")
      assert.matches("P.notahead", err, 1, true)
      raises(function() return -P.word "New York" end, "single-token")
   end)
end)

describe("combinators", function()
   it("sequences with strings as words", function()
      local got = matches(P.word "Sergei" * "Voronov" * "said", LEDE)
      assert.equal(1, #got)
      assert.same({ text = "Sergei Voronov said", first = 3, last = 5, start = 17, stop = 36, caps = {} }, got[1])
   end)

   it("alternatives are ordered and backtrack into the next one when the rest fails", function()
      -- the first alternative matches "Sergei", then "said" fails; the second one is tried
      assert.same({ "Sergei Voronov said" }, texts((P.word "Sergei" + P.word "Sergei" * "Voronov") * "said", LEDE))
      -- order: the first alternative that lets the whole pattern match wins
      local got = matches(P.cap("x", P.word "Sergei" * "Voronov" + P.word "Sergei") * P.any, LEDE)
      assert.equal("Sergei Voronov said", got[1].text)
      assert.equal("Sergei Voronov", got[1].caps.x)
      got = matches(P.cap("x", P.word "Sergei" + P.word "Sergei" * "Voronov") * P.any, LEDE)
      assert.equal("Sergei Voronov", got[1].text)
      assert.equal("Sergei", got[1].caps.x)
   end)

   it("optional parts: P.opt and p ^ -1", function()
      assert.same({ "Mr. Voronov", "Voronov", "Ivanov" },
         texts(P.opt(P.text "Mr.") * P.case "title", "Mr. Voronov met ministers and Ivanov"))
      assert.same({ "Mr. Voronov", "Voronov", "Ivanov" },
         texts(P.text "Mr." ^ -1 * P.case "title", "Mr. Voronov met ministers and Ivanov"))
   end)

   it("p ^ n is n or more, p ^ -n at most n, P.rep bounded", function()
      local text = "a b b c a b c a b b b c a c"
      assert.same({ "a b b c", "a b b b c" }, texts(P.word "a" * P.word "b" ^ 2 * "c", text))
      assert.same({ "a b b c", "a b c", "a c" }, texts(P.word "a" * P.word "b" ^ -2 * "c", text))
      assert.same({ "a b b c", "a b c" }, texts(P.word "a" * P.rep(P.word "b", 1, 2) * "c", text))
      assert.same({ "a b b c" }, texts(P.word "a" * P.rep(P.word "b", 2, 2) * "c", text))
   end)

   it("greedy repetitions take as much as they can, then give back", function()
      local got = matches(P.cap("a", P.any ^ 1) * P.cap("b", P.any ^ 1), "one two three")
      assert.same({ a = "one two", b = "three" }, got[1].caps)
      -- P.sent_start is a token (the one opening a sentence), not a position
      assert.same({ "Foreign Minister Sergei Voronov said" },
         texts(P.sent_start * P.case "title" ^ 1 * "said", LEDE))
      assert.same({}, texts(P.sent_start * P.word "foreign", LEDE))
   end)

   it("lazy repetitions take as few as they can: P.rep(..., 'lazy') and P.lazy", function()
      local got = matches(P.cap("a", P.lazy(P.any ^ 1)) * P.cap("b", P.any ^ 1), "one two three")
      assert.same({ a = "one", b = "two three" }, got[1].caps)
      got = matches(P.cap("a", P.rep(P.any, 1, 3, "lazy")) * P.cap("b", P.any ^ 1), "one two three")
      assert.same({ a = "one", b = "two three" }, got[1].caps)
      -- lazy up to the first comma, greedy up to the last
      local text = "Officials said talks, due Monday, would resume, aides added."
      assert.equal("said talks,", texts(P.word "said" * P.lazy(P.any ^ 1) * ",", text)[1])
      assert.equal("said talks, due Monday, would resume,", texts(P.word "said" * P.any ^ 1 * ",", text)[1])
      -- a lazy repetition still takes its minimum and still gets more when needed
      assert.same({ "Minister Sergei Voronov said" },
         texts(P.word "minister" * P.rep(P.case "title", 1, 3, "lazy") * "said", LEDE))
      assert.same({}, texts(P.word "foreign" * P.rep(P.case "title", 1, 2, "lazy") * "said", LEDE))
      raises(function() P.lazy(P.word "a") end, "P.lazy: expected a repetition")
   end)

   it("nests quantifiers", function()
      local hyph = (P.case "title" ^ 1 * P.word "-") ^ 0 * P.case "title" ^ 1 * "said"
      assert.same({ "Jean - Paul Sartre said", "Paul Sartre said", "Sartre said" },
         texts(hyph, "Jean - Paul Sartre said so."))
      local got = matches(P.cap("names", (P.case "title" ^ 1 * P.word "-") ^ 0) * P.word "x", "Anna Lena - Jean - x")
      assert.equal("Anna Lena - Jean - x", got[1].text)
      assert.equal("Anna Lena - Jean -", got[1].caps.names)
      -- a bounded repetition of a repetition
      assert.same({ "a a b a b", "a b a b" }, texts(P.rep(P.word "a" ^ 1 * "b", 2, 2), "a a b a b"))
      -- a lazy repetition inside a greedy one
      assert.same({ "x , y , z ." }, texts(P.word "x" * (P.lazy(P.any ^ 1) * ",") ^ 1 * P.any * ".", "x , y , z ."))
   end)

   it("named captures: P.cap and p:cap; the last iteration of a repeated capture wins", function()
      local got = matches(P.cap("title", P.word "minister") * (P.case "title" ^ 1):cap "name", LEDE)
      assert.equal(1, #got)
      assert.same({ title = "Minister", name = "Sergei Voronov" }, got[1].caps)
      got = matches(P.cap("w", P.case "title") ^ 1, "Sergei Voronov said")
      assert.equal("Voronov", got[1].caps.w)
      -- a capture that took no token is left out
      got = matches(P.cap("t", P.opt(P.text "Mr.")) * P.case "title", "Voronov said")
      assert.equal("Voronov", got[1].text)
      assert.is_nil(got[1].caps.t)
      raises(function() P.cap("", P.any) end, "P.cap: expected a capture name")
   end)

   it("lookbehind and lookahead are context, not part of the match", function()
      local got = matches(P.behind(P.word "minister") * P.case "title" ^ 1 * P.ahead "said", LEDE)
      assert.equal(1, #got)
      assert.equal("Sergei Voronov", got[1].text)
      assert.equal(17, got[1].start)
      assert.equal(31, got[1].stop)
      assert.same({ "Foreign Minister Sergei Voronov", "Minister Sergei Voronov", "Voronov", "Monday", "Geneva" },
         texts(P.notbehind(P.word "minister") * P.case "title" ^ 1, LEDE))
      assert.same({ "Foreign Minister Sergei", "Minister Sergei", "Sergei", "Monday", "Geneva" },
         texts(P.case "title" ^ 1 * P.notahead "said", LEDE))
      -- captures inside lookaround are not reported
      got = matches(P.behind(P.cap("t", P.word "minister")) * P.case "title", LEDE)
      assert.same({}, got[1].caps)
   end)

   it("a lookbehind of bounded but variable width", function()
      local text = "Mr. Voronov met Foreign Minister Ivanov and Deputy Petrov."
      assert.same({ "Voronov", "Ivanov" },
         texts(P.behind(P.text "Mr." + P.word "Foreign" * "Minister") * P.case "title", text))
      -- at the start of the text there is nothing behind
      assert.same({ "Mr." }, texts(P.notbehind(P.any) * P.any, text))
   end)

   it("keeps matches inside the scope: paragraph (default), sentence, document", function()
      local p = P.word "resume" * "." * P.case "title"
      local one_para = "Talks would resume. Officials agreed."
      local two_paras = "Talks would resume.\n\nOfficials agreed."
      assert.same({ "resume. Officials" }, texts(p, one_para))
      assert.same({}, texts(p, one_para, { scope = "sentence" }))
      assert.same({}, texts(p, two_paras))
      assert.same({ "resume.\n\nOfficials" }, texts(p, two_paras, { scope = "document" }))
      -- lookbehind does not look across the scope either
      assert.same({}, texts(P.behind(P.word ".") * P.word "Officials", one_para, { scope = "sentence" }))
      assert.same({ "Officials" }, texts(P.behind(P.word ".") * P.word "Officials", one_para))
      raises(function() P.compile(P.any, { scope = "chapter" }) end, "scope must be document, paragraph or sentence")
   end)

   it("from each start token the first way the pattern matches is the match", function()
      assert.same({ "Foreign Minister Sergei Voronov", "Minister Sergei Voronov", "Sergei Voronov", "Voronov",
         "Monday", "Geneva" }, texts(P.case "title" ^ 1, LEDE))
      local got = matches(P.case "title" ^ 1, LEDE)
      assert.same({ 1, 4 }, { got[1].first, got[1].last })
      assert.same({ 11, 11 }, { got[6].first, got[6].last })
   end)
end)

describe("patterns refused when compiled", function()
   it("a lookbehind of unbounded width, naming the rule and file:line", function()
      local line = debug.getinfo(1, "l").currentline + 1
      local p = P.behind(P.case "title" ^ 1) * P.word "said"
      local err = raises(function() P.compile(p, { name = "after_names" }) end,
         "rule after_names", THIS .. ":" .. line, "lookbehind needs a pattern of bounded length")
      -- also inside a lookahead
      raises(function() P.compile(P.word "a" * P.ahead(P.word "b" * P.behind(P.any ^ 1)), { name = "nested" }) end,
         "rule nested", "lookbehind needs a pattern of bounded length")
      assert.is_string(err)
   end)

   it("a repetition of a pattern that can match no token", function()
      local line = debug.getinfo(1, "l").currentline + 1
      local p = P.word "x" * P.opt(P.word "y") ^ 1
      raises(function() P.compile(p, { name = "forever" }) end, "rule forever", THIS .. ":" .. line,
         "a repetition of a pattern that can match no token would never end")
      raises(function() P.compile(P.word "x" * P.ahead "y" ^ 0, { name = "forever2" }) end, "rule forever2",
         "would never end")
   end)

   it("a pattern that can match no token", function()
      raises(function() P.compile(P.opt(P.word "y"), { name = "nothing" }) end, "rule nothing",
         "the pattern can match no token")
      raises(function() P.compile(P.ahead(P.word "y"), { name = "only_context" }) end, "the pattern can match no token")
   end)

   it("bad arguments", function()
      raises(function() P.word "" end, "P.word: expected a non-empty string")
      raises(function() P.word "   " end, "holds no token")
      raises(function() P.rep(P.any, 3, 2) end, "P.rep: max must be a whole number >= min")
      raises(function() P.rep(P.any, 1, 2, "eager") end, "P.rep: mode is 'greedy' or 'lazy'")
      raises(function() return P.any ^ 1.5 end, "n must be a whole number")
      raises(function() return P.any * 42 end, "expected a pattern, a string or a table")
   end)

   it("P.keys gives the keys of the tokens a text makes, as P.word matches them", function()
      assert.same({ "new", "york" }, P.keys "New York")
      assert.same({ "mr." }, P.keys "Mr.")
      assert.same({ "lodz" }, P.keys("Łódź", true))
      assert.same({}, P.keys "   ")
      raises(function() P.keys(42) end, "P.keys: expected a string")
   end)

   it("P.width reports the smallest and largest number of tokens", function()
      assert.same({ 1, 1 }, { P.width(P.any) })
      assert.same({ 2, 4 }, { P.width(P.word "a" * P.rep(P.any, 1, 3)) })
      assert.same({ 0, 0 }, { P.width(P.ahead "a") })
      local lo, hi = P.width(P.word "a" * P.any ^ 0)
      assert.equal(1, lo)
      assert.equal(math.huge, hi)
   end)

   it("stops catastrophic backtracking at the step limit, naming the rule", function()
      local p = (P.any ^ 1) ^ 1 * P.word "zzz" * P.any * P.kind "symbol"
      local m = P.compile(p, { name = "blowup" })
      -- "zzz" comes after every start (else the prefilters skip the rule
      -- there), but no symbol two tokens after it (nor is that test next
      -- to the word, where a window of the word would test it)
      local toks = quarry.tokenize(string.rep("word ", 40) .. "zzz word")
      raises(function() m:run(toks) end, "rule blowup", "catastrophic backtracking")
      -- a smaller limit stops earlier still
      local small = P.compile(P.any ^ 1 * P.word "zzz" * P.any * P.kind "symbol", { name = "linear", step_limit = 10 })
      -- and a match that only runs long is not called a runaway
      raises(function() small:run(toks) end, "rule linear", "more than 10 steps",
         "a match longer than the limit allows; raise step_limit")
      toks:close()
   end)

   it("does not try a rule in a paragraph that lacks a word every match needs", function()
      -- the same runaway pattern is harmless where "zzz" does not occur
      local m = P.compile((P.any ^ 1) ^ 1 * P.word "zzz" * P.any * P.kind "symbol", { name = "blowup" })
      local toks = quarry.tokenize(string.rep("word ", 40) .. "\n\n" .. string.rep("word ", 40) .. "zzz word")
      local ok, err = pcall(m.run, m, toks)
      assert.is_false(ok)                      -- the last paragraph has it: it runs, and runs away
      assert.matches("catastrophic", err)
      toks:close()
      toks = quarry.tokenize(string.rep("word ", 40))
      assert.same({}, m:run(toks))
      -- nor where the word is in the paragraph but not after the start:
      -- every match has it one token or more in
      local after = P.compile((P.any ^ 1) ^ 1 * P.word "zzz", { name = "blowup" })
      toks:close()
      toks = quarry.tokenize("zzz " .. string.rep("word ", 40))
      assert.same({}, after:run(toks))
      toks:close()
      toks = quarry.tokenize(string.rep("word ", 40))
      -- required words are found through alternatives only when every branch has them
      local both = P.compile((P.word "a" * P.word "zzz") + (P.word "b" * P.word "zzz"))
      local t2 = quarry.tokenize("b zzz")
      assert.equal(1, #both:run(t2))
      t2:close()
      toks:close()
   end)

   it("checks a word a fixed number of tokens into every match first, finding the same matches", function()
      local text = "Sergei Voronov said that Anna Lind told Mr Voronov, and Mr Lind said so said Ann. "
         .. "Foreign Minister Voronov said; Geneva said Anna said"
      local name2 = P.case("title") * P.case("title")
      for _, p in ipairs {
         P.cap("who", name2) * P.word "said",
         name2 * P.set { "said", "told" },
         P.case("title") * P.cap("x", P.any * P.tok { word = "said", kind = "word" }),
         P.any * P.any * P.word "said" * P.any,
      } do
         -- the same pattern behind a lookahead, which takes no token but
         -- keeps the matcher from checking the word before running it
         local plain = matches(P.ahead(P.any) * p, text)
         assert.is_true(#plain > 0)
         assert.same(plain, matches(p, text))
         local _, c = P.compile(p)
         assert.is_true(c.rules[1].anchor_offset > 0)
      end
      -- scope bounds hold: the word after the end of the sentence is not this match's
      assert.same({}, texts(P.case("title") * P.word "said", "Come Anna. Said it", { scope = "sentence" }))
      -- a regex before the word keeps its errors: no anchor
      local _, c = P.compile(P.regex "^A" * P.word "said")
      assert.is_nil(c.rules[1].anchor_offset)
   end)
end)

describe("quarry.Matcher", function()
   it("P.compile returns the matcher and its compiler", function()
      local m, c = P.compile(P.cap("who", P.case "title" ^ 1) * "said", { name = "speaker" })
      assert.equal("userdata", type(m))
      assert.equal(1, #c.rules)
      assert.equal("speaker", c.rules[1].name)
      assert.same({ "who" }, c.rules[1].caps)
      assert.matches("^quarry%.Matcher: 1 rules, %d+ instructions$", tostring(m))
      local toks = quarry.tokenize(LEDE)
      local res = m:run(toks)
      assert.equal(4, #res)
      local r = res[1]
      assert.equal(1, r.rule)
      assert.equal(1, r.first)
      assert.equal(5, r.last)
      assert.equal(0, r.start)
      assert.equal(36, r.stop)
      -- captures by slot: {first, last, start, stop}
      assert.same({ 1, 4, 0, 31 }, r.caps[1])
      assert.same({}, r.units)
      assert.same({ 4, 5, 24, 36 }, { res[4].first, res[4].last, res[4].start, res[4].stop })
      toks:close()
   end)

   it("runs many rules of one compiler in one pass", function()
      local c = P.compiler()
      assert.equal(1, c:add("places", P.set { "Geneva", "Lisbon" }))
      assert.equal(2, c:add("days", P.set { "Monday", "Tuesday" }))
      assert.equal(3, c:add("titled", P.case "title" * P.case "title"))
      local m = c:build()
      local toks = quarry.tokenize(LEDE)
      local got = {}
      for _, r in ipairs(m:run(toks)) do got[#got + 1] = r.rule .. ":" .. LEDE:sub(r.start + 1, r.stop) end
      table.sort(got)
      assert.same({ "1:Geneva", "2:Monday", "3:Foreign Minister", "3:Minister Sergei", "3:Sergei Voronov" }, got)
      toks:close()
   end)

   it("lists each match's rule number and start beside the matches, run after run", function()
      -- (rules.lua reads them: some thousands of matches, two runs of one matcher)
      local c = P.compiler()
      c:add("x", P.word "x")
      c:add("yx", P.word "y" * P.word "x")
      c:add("lower", P.case "lower")
      local m = c:build()
      local words = {}
      for i = 1, 1500 do words[i] = i % 3 == 0 and "y" or "x" end
      local toks = quarry.tokenize(table.concat(words, " "))
      for _ = 1, 2 do
         local list, rules, starts = m:run(toks)
         assert.equal(2999, #list)
         assert.equal(#list, #rules)
         assert.equal(#list, #starts)
         for i, r in ipairs(list) do
            if rules[i] ~= r.rule or starts[i] ~= r.start then
               error(("item %d: rule %s start %s, listed %s %s"):format(i, r.rule, r.start, rules[i], starts[i]))
            end
         end
      end
      toks:close()
      m:close()
   end)

   it("matches annotations as units from a flat {class, first, last, ref} list", function()
      local m = P.compile(P.cap("who", P.ann "person") * "said")
      local toks = quarry.tokenize("Ana Ruiz said yes")
      -- two annotations of class 1: tokens 1..2 (ref 7) and 2..2 (ref 8)
      local res = m:run(toks, { 1, 1, 2, 7, 1, 2, 2, 8 })
      assert.equal(2, #res)
      assert.same({ 1, 3, 0, 13 }, { res[1].first, res[1].last, res[1].start, res[1].stop })
      assert.same({ { 1, 7 } }, res[1].units)
      assert.same({ 1, 2, 0, 8 }, res[1].caps[1])
      assert.same({ { 1, 8 } }, res[2].units)
      -- without the list an annotation unit never matches
      assert.same({}, m:run(toks))
      toks:close()
   end)

   it("takes the list class_list packs as it takes the flat one", function()
      local core = require "quarry.core"
      local m = P.compile(P.cap("who", P.ann "person") * "said")
      local text = "Ana Ruiz said yes, and Ruiz said no"
      local toks = quarry.tokenize(text)
      local anns = { { type = "person", start = 0, stop = 8 }, { type = "place", start = 0, stop = 3 },
         { type = "person", start = 23, stop = 27, first = 7, last = 7 }, { type = "person", start = 4, stop = 4 } }
      local classes = { { type = "person" } }
      local flat, packed = core.class_list(classes, toks, anns), core.class_list(classes, toks, anns, true)
      assert.same({ 1, 1, 2, 1, 1, 7, 7, 3 }, flat)
      assert.equal("string", type(packed))
      assert.equal(#flat * 4, #packed)
      local function view(res)
         local out = {}
         for i, r in ipairs(res) do out[i] = { r.start, r.stop, r.units } end
         return out
      end
      assert.same(view(m:run(toks, flat)), view(m:run(toks, packed)))
      assert.equal(2, #m:run(toks, packed))
      assert.equal("", core.class_list(classes, toks, {}, true))
      raises(function() m:run(toks, "abc") end, "a packed list of 3 bytes")
      toks:close()
   end)

   it("raises on a malformed annotation list", function()
      local m = P.compile(P.ann "foo")
      local toks = quarry.tokenize("a b")
      raises(function() m:run(toks, { 1, 1, 5, 1 }) end, "annotation list: bad token span 1..5")
      raises(function() m:run(toks, { 2, 1, 1, 1 }) end, "annotation list: bad class 2")
      raises(function() m:run(toks, { 1, 2, 1, 1 }) end, "bad token span")
      raises(function() m:run(toks, string.pack("=i4i4i4i4", 1, 1, 5, 1)) end, "annotation list: bad token span 1..5")
      toks:close()
   end)

   it("finds the same matches run after run, over texts long and short and after a run that failed", function()
      -- a matcher keeps its scratch (memos of regexes and windows, its
      -- stacks) from one run to the next: each run must start clean
      local function build()
         local c = P.compiler()
         c:add("caps", P.regex("^[A-Z]") ^ 2 * P.ahead "said")
         c:add("said", P.cap("who", P.ann "person") * "said")
         c:add("runaway", (P.any ^ 1) ^ 1 * P.word "zzz" * P.any * P.kind "symbol")
         return c:build()
      end
      local texts_ = { LEDE .. " Ana Ruiz said so.", "Bo Lee said no.", "", string.rep("Ana Ruiz said it. ", 30) }
      local function run(m, text)
         local toks = quarry.tokenize(text)
         local anns = #text > 0 and { 1, 1, 2, 1 } or nil
         local got = {}
         for _, r in ipairs(m:run(toks, anns)) do
            got[#got + 1] = table.concat({ r.rule, r.first, r.last, r.start, r.stop, #r.units }, ":")
         end
         toks:close()
         return got
      end
      local kept = build()
      for round = 1, 2 do
         for _, text in ipairs(texts_) do
            local fresh = build()
            assert.same(run(fresh, text), run(kept, text))
            fresh:close()
         end
         -- a run that raises leaves the matcher as it was
         local toks = quarry.tokenize(string.rep("word ", 40) .. "zzz word")
         raises(function() kept:run(toks) end, "rule runaway", "catastrophic backtracking")
         toks:close()
         assert.truthy(round)
      end
      kept:close()
   end)

   it("raises when one of its regexes was closed since it was built", function()
      local m = P.compile(P.regex "^Zq[a-z]+$" * "said", { name = "zq" })
      local toks = quarry.tokenize("Zqara said no.")
      assert.equal(1, #m:run(toks))
      -- the regex cache gives the matcher's own regex back
      require("quarry.core").regex("^Zq[a-z]+$"):close()
      raises(function() m:run(toks) end, "attempt to use a closed quarry.Regex")
      toks:close()
      m:close()
   end)

   it("finds nothing in an empty text", function()
      assert.same({}, texts(P.word "x", ""))
   end)

   it("a closed matcher raises; close is idempotent; tostring shows it", function()
      local m = P.compile(P.word "x")
      local toks = quarry.tokenize("x y x")
      assert.equal(2, #m:run(toks))
      m:close()
      assert.equal("quarry.Matcher (closed)", tostring(m))
      raises(function() m:run(toks) end, "closed quarry.Matcher")
      m:close()
      assert.equal("quarry.Matcher (closed)", tostring(m))
      toks:close()
   end)

   it("refuses a malformed description", function()
      local core = require "quarry.core"
      raises(function() core.matcher { code = { 1, 9, 0, 0, 0, 0, 0, 0, 0, 0 }, preds = {}, rules = {} } end,
         "bad predicate")
      -- a choice point's test of the token (b: a predicate + 1, or 0)
      raises(function() core.matcher { code = { 3, 2, 2, 0, 0, 0, 0, 0, 0, 0 }, preds = { { op = 0 } }, rules = {} }
      end, "instruction 1: bad predicate")
      raises(function() core.matcher { code = { 3, 2, -1, 0, 0, 0, 0, 0, 0, 0 }, preds = {}, rules = {} } end,
         "instruction 1: bad predicate")
      -- a lookahead's test of the token (c: a predicate + 1, or 0)
      raises(function() core.matcher { code = { 8, 2, 0, 2, 0, 0, 0, 0, 0, 0 }, preds = { { op = 0 } }, rules = {} }
      end, "instruction 1: bad predicate")
      raises(function()
         core.matcher { code = { 0, 0, 0, 0, 0 }, preds = {}, rules = { { name = "r", entry = 5 } } }
      end, "rule r: bad entry")
      -- found by fuzzing (tests/fuzz/regressions/match/ubsan-rule-scope-out-of-range):
      -- a scope out of range indexed past the run's bounds
      raises(function()
         core.matcher { code = { 0, 0, 0, 0, 0 }, preds = {}, rules = { { name = "r", entry = 1, scope = -1 } } }
      end, "rule r: bad scope -1")
      raises(function()
         core.matcher { code = { 0, 0, 0, 0, 0 }, preds = {}, rules = { { name = "r", entry = 1, scope = 3 } } }
      end, "rule r: bad scope 3")
      raises(function()
         core.matcher { code = { 0, 0, 0, 0, 0 }, preds = {}, rules = { { name = "r", entry = 1, ncaps = -2 } } }
      end, "rule r: bad ncaps -2")
      raises(function()
         core.matcher { code = { 6, 70000, 0, 0, 0, 0, 0, 0, 0, 0 }, preds = {}, rules = {} }
      end, "instruction 1: bad capture")
      -- a name that is no string reached memcpy with NULL (UBSan, in the ASan run of the specs)
      raises(function()
         core.matcher { code = { 0, 0, 0, 0, 0 }, preds = {}, rules = { { name = {}, entry = 1 } } }
      end, "the name of rule 1: not a string but a table")
      raises(function()
         core.matcher { code = { 0, 0, 0, 0, 0 }, preds = {}, rules = { { entry = 1 } } }
      end, "the name of rule 1: not a string but a nil")
   end)

   it("refuses a pattern whose nested repetitions would compile to too many instructions", function()
      -- found by fuzzing (tests/fuzz/regressions/match/oom-nested-repetitions):
      -- bounded repetitions are unrolled, so nesting them multiplied the
      -- code until memory ran out
      local p = P.word "x"
      for _ = 1, 20 do p = p ^ 3 end
      raises(function() P.compile(p, { name = "deep" }) end, "rule deep:", "more than 1000000 instructions")
      local q = P.word "x"
      for _ = 1, 5 do q = P.rep(q, 2, 2) end       -- 32 tokens exactly: nesting itself is fine
      assert.same({ string.rep("x ", 31) .. "x" }, texts(q, string.rep("x ", 32)))
   end)
end)

describe("deeply nested lookaround", function()
   it("fails the rule instead of overflowing the C stack", function()
      -- each nested lookaround ran the machine one level deeper in C: 50,000
      -- levels crashed the process (a segmentation fault); the regression
      -- input tests/fuzz/regressions/match/stack-overflow-nested-lookaround
      -- makes a description that looks ahead into itself
      local function nested(n)
         local p = P.word "x"
         for _ = 1, n do p = P.ahead(p) * P.word "x" end
         return p
      end
      assert.equal(901, #texts(nested(900), string.rep("x ", 901)))    -- every token
      raises(function() texts(nested(1500), string.rep("x ", 1501)) end, "lookarounds nested more than 1000 deep")
      local core = require "quarry.core"
      local m = core.matcher { step_limit = 1000000, preds = { { op = 0 } }, code = { 8, 1, 0, 0, 0 },
         rules = { { name = "self", entry = 1 } } }
      raises(function() m:run(quarry.tokenize "x y") end, "rule self: lookarounds nested more than 1000 deep")
   end)
end)

describe("lookaround inside lookaround", function()
   it("a lookahead inside a lookbehind sees past the lookbehind's end, as in regular expressions", function()
      -- Guards a fixed bug: the lookbehind body ran with its limit at the
      -- current token, so its own lookahead could not see that token. PCRE2
      -- matches (?<=Minister (?=Sergei))Sergei on the same text.
      assert.same({ "Sergei" }, texts(P.behind(P.word "minister" * P.ahead "sergei") * P.word "sergei", LEDE))
   end)

   it("a lookbehind inside a lookahead", function()
      assert.same({ "Minister" },
         texts(P.word "minister" * P.ahead(P.word "sergei" * P.behind(P.word "minister" * "sergei")), LEDE))
   end)
end)

describe("the matcher's prefilters", function()
   -- Before running a rule at a token the matcher rules the start out by
   -- what every match needs: its first words, kinds and cases (through
   -- optional parts and lookarounds), words it holds (by paragraph), and a
   -- token a predicate must meet within a window of the start (across
   -- annotation units too). None of it may change a match: random patterns
   -- of the kinds rules use find the same with prefilter = false.
   local TEXT = "Lyon mayor\n\nVale\n\nThe Foreign Minister of France, Anne Vale, said on Monday that talks in Lyon "
      .. "would resume.\n\n"
      .. "“We are close,” she told reporters after the 2014-2015 season. Mr. Roy said 3 of 12 votes fell; "
      .. "the mayor said nothing.\n\nLast year the third quarter grew 5% in Lyon and Nice, Vale said."
   local WORDS = { "said", "told", "the", "of", "Lyon", "Vale", "Monday", "quarter", "mayor", "in", "," }
   local seed = 4242
   local function rand(n)
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed // 65536 % n + 1
   end
   local function pick(list) return list[rand(#list)] end
   local function leaf()
      local k = rand(9)
      if k == 1 then return P.word(pick(WORDS)) end
      if k == 2 then return P.set { pick(WORDS), pick(WORDS), pick(WORDS) } end
      if k == 3 then return P.case(pick { "title", "lower", "upper" }) end
      if k == 4 then return P.kind(pick { "word", "number", "punct" }) end
      if k == 5 then return P.regex(pick { "^\\d+$", "^[A-Z]", "^(?i)s" }) end
      if k == 6 then return P.ann(pick { "place", "person" }) end
      if k == 7 then return P.tok { set = { pick(WORDS), pick(WORDS) }, case = "lower" } end
      if k == 8 then return P.within(pick { "place", "person" }) end
      return P.any
   end
   local function gen(depth)
      if depth == 0 then return leaf() end
      local k = rand(9)
      if k == 1 then return gen(depth - 1) * gen(depth - 1) end
      if k == 2 then return gen(depth - 1) + gen(depth - 1) end
      if k == 3 then return P.opt(gen(depth - 1)) * gen(depth - 1) end
      if k == 4 then return P.rep(gen(depth - 1), rand(2) - 1, rand(3)) * leaf() end
      if k == 5 then return pick { P.ahead, P.notahead, P.behind, P.notbehind }(leaf()) * gen(depth - 1) end
      if k == 6 then return P.cap("x", gen(depth - 1)) * leaf() end
      if k == 7 then return (P.behind(leaf()) + P.word(pick(WORDS))) * gen(depth - 1) end
      if k == 8 then
         -- a word some tokens into the match, past annotation units
         return P.opt(P.ann(pick { "place", "person" })) * P.rep(leaf(), 0, rand(4)) * P.word(pick(WORDS))
      end
      return leaf() * gen(depth - 1)
   end
   -- "Lyon", "France", "Nice" are places; "Anne Vale" and "Roy" people
   local function annotations(toks)
      local list = {}
      for i = 1, #toks do
         local t = toks:text(i)
         if t == "Lyon" or t == "France" or t == "Nice" then list[#list + 1] = { 1, i, i, #list + 1 } end
         if t == "Anne" then list[#list + 1] = { 2, i, i + 1, #list + 1 } end
         if t == "Roy" then list[#list + 1] = { 2, i - 1, i, #list + 1 } end
      end
      local flat = {}
      for _, a in ipairs(list) do for _, v in ipairs(a) do flat[#flat + 1] = v end end
      return flat
   end

   it("change no match of random patterns", function()
      local toks = quarry.tokenize(TEXT)
      local anns = annotations(toks)
      local compared = 0
      for _ = 1, 400 do
         local ok, p = pcall(gen, rand(3))
         if ok and P.width(p) > 0 then
            local c1, c2 = P.compiler(), P.compiler()
            c1:class { type = "place" }; c1:class { type = "person" }
            c2:class { type = "place" }; c2:class { type = "person" }
            local scope = pick { "sentence", "paragraph", "document" }
            if pcall(c1.add, c1, "r", p, { scope = scope }) then
               c2:add("r", p, { scope = scope })
               local fast, slow = c1:build(), c2:build { prefilter = false }
               local ok1, a = pcall(fast.run, fast, toks, anns)
               local ok2, b = pcall(slow.run, slow, toks, anns)
               if ok1 and ok2 then
                  assert.same(b, a, tostring(p))
                  compared = compared + 1
               end
               fast:close()
               slow:close()
            end
         end
      end
      assert.is_true(compared > 300)
      toks:close()
   end)

   it("start rules whose first parts are optional on the words that can follow", function()
      -- "the" optional before a set: the rule starts on "the" or on the set's words
      local p = P.opt(P.word "the") * P.set { "quarter", "mayor" } * P.opt(P.word "said")
      assert.same({ "the mayor said", "mayor said" }, texts(p, "So the mayor said no."))
      assert.same({ "quarter" }, texts(p, "A third quarter."))
      -- a lookbehind alternative takes no token: what follows it starts the match
      local q = (P.behind(P.word "in") + P.word "last") * P.set { "May", "June" }
      assert.same({ "May", "last June" }, texts(q, "Born in May, gone last June, and May too."))
   end)

   it("look for a word a match needs beyond annotation units as long as the run's longest", function()
      local toks = quarry.tokenize("Anne Marie de la Vale said so. Vale said it.")
      local m = P.compile(P.ann "person" * P.word "said")
      -- a person of five tokens before "said", and one of one token
      local got = m:run(toks, { 1, 1, 5, 1, 1, 9, 9, 2 })
      assert.equal(2, #got)
      assert.same({ 1, 6 }, { got[1].first, got[1].last })
      assert.same({ 9, 10 }, { got[2].first, got[2].last })
      toks:close()
   end)
end)

describe("building patterns in a loop", function()
   -- p = p + x (or p * x) n times takes work linear in n: the flat list of
   -- alternatives is made once, when first read (not copied at each step).
   -- Counted in Lua VM instructions (a count hook), not timed.
   local function work(n, op)
      local parts = {}
      for i = 1, n do parts[i] = P.text("w" .. i) end
      local count = 0
      debug.sethook(function() count = count + 1 end, "", 100)
      local p = parts[1]
      for i = 2, n do p = op(p, parts[i]) end
      local len = #p.list
      debug.sethook()
      return count, p, len, parts
   end

   for _, case in ipairs { { "an alternation", function(a, b) return a + b end, "alt" },
                           { "a sequence", function(a, b) return a * b end, "seq" } } do
      -- #slow: 10 000 patterns built in pure Lua under a count hook; nothing
      -- for valgrind to watch in the C core, and half a minute under it
      it("makes " .. case[1] .. " of n parts with work linear in n #slow", function()
         local small = work(2000, case[2])
         local big, p, len, parts = work(8000, case[2])
         assert.equal(case[3], p.t)
         assert.equal(8000, len)
         assert.equal(parts[1], p.list[1])
         assert.equal(parts[4321], p.list[4321])
         assert.equal(parts[8000], p.list[8000])
         -- linear: about 4 times the work; copying at each step: about 16
         assert.is_true(big < 6 * small, string.format("%d units of work for 8000 parts, %d for 2000", big, small))
      end)
   end

   it("keeps the order and nesting of alternatives built in a loop, phrases among them", function()
      local p = P.word "New York"
      for i = 1, 3000 do p = p + P.word("w" .. i) end
      p = p + (P.word "Lodz" + P.word "Paris")
      local inner = P.word "a" + P.word "b"
      local q = P.word "x" * inner    -- a sequence holding an alternation stays nested
      assert.equal(3003, #p.list)
      assert.equal("seq", p.list[1].t)
      assert.equal(2, #q.list)
      assert.equal("alt", q.list[2].t)
      assert.same({ "New York", "w2999", "Paris" }, texts(p, "New York, w2999 and Paris"))
   end)
end)
