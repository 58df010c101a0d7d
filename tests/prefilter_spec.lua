-- The matcher's prefilters (csrc/qr_lmatch.c, lua/quarry/pattern.lua)
-- turn starts and tokens away before running a pattern: the bytes an
-- anchored regex can begin with, the windows of words a match needs.
-- They must never lose a match: these specs run patterns whose matches
-- only a sound prefilter keeps.
local quarry = require "quarry"
local P = require "quarry.pattern"

-- The texts of every match of p over text.
local function texts(p, text)
   local m = P.compile(p)
   local toks = quarry.tokenize(text)
   local out = {}
   for _, r in ipairs(m:run(toks)) do out[#out + 1] = text:sub(r.start + 1, r.stop) end
   return out
end

-- "rule:text" of every match of the rules that add(c) puts into a
-- compiler, made and built with opts (nil: the defaults), over text and
-- its annotations anns (optional: matcher:run's flat list).
local function rule_texts(add, text, opts, anns)
   local c = P.compiler(opts)
   add(c)
   local toks = quarry.tokenize(text)
   local out = {}
   for _, r in ipairs(c:build(opts):run(toks, anns)) do
      out[#out + 1] = r.rule .. ":" .. text:sub(r.start + 1, r.stop)
   end
   toks:close()
   return out
end

-- The set of a list's items.
local function set_of(list)
   local seen = {}
   for _, v in ipairs(list) do seen[v] = true end
   return seen
end

describe("the matcher's prefilters", function()
   it("keep every token an anchored regex matches, digits and capitals of any script", function()
      assert.same({ "12", "\u{0663}\u{0664}", "7" }, texts(P.regex [[^\d{1,3}$]], "a 12 \u{0663}\u{0664} x 7 1234"))
      assert.same({ "J.R.", "\u{00C9}.R." },
         texts(P.regex [[^(?:\p{Lu}\.){1,3}$]], "J.R. and \u{00C9}.R. and j.r. met"))
      -- an anchored alternation, and a leading optional group
      assert.same({ "ab", "9", "mid-1990s", "1990s" },
         texts(P.regex [[^ab|^\d$]] + P.regex [[^(?:(?:mid|early|late)-)?1[89][0-9]0s$]],
            "ab x 9 99 mid-1990s 1990s"))
      -- case folded, and a lookahead first
      assert.same({ "Fiscal-Quarter", "ok" },
         texts(P.regex [[^(?i:fiscal)-(?i:quarter)$]] + P.regex [[^(?=o)\w+$]], "Fiscal-Quarter ok no"))
      -- tokens turned away by their first two bytes, and those kept:
      -- capitals, digits, a case folded pair, a lookahead past them
      assert.same({ "NATO", "UN", "\u{00C9}U" }, texts(P.regex [[^\p{Lu}{2,5}$]], "NATO Nato UN N.A. \u{00C9}U"))
      assert.same({ "12", "7" }, texts(P.regex [[^\d{1,3}$]], "12 1a 1,000 7 x9"))
      assert.same({ "MR", "mr", "Mrs" }, texts(P.regex [[^(?i)mrs?$]], "MR Ms mr Mrs m"))
      assert.same({ "ab1" }, texts(P.regex [[^(?=\w*\d)[a-z]+\d$]], "ab1 abc a1b"))
   end)

   it("keep every token of a length in characters, however many bytes each takes", function()
      assert.same({ "ab", "\u{00E9}\u{00E9}\u{00E9}", "\u{4E2D}\u{6587}" },
         texts(P.tok { len = { 2, 3 } }, "a ab \u{00E9}\u{00E9}\u{00E9} \u{00E9}\u{00E9}\u{00E9}\u{00E9} "
            .. "\u{4E2D}\u{6587} abcd"))
      assert.same({ "\u{4E2D}\u{6587}\u{4E2D}\u{6587}\u{4E2D} x" }, texts(P.tok { len = 5 } * P.word "x",
         "\u{4E2D}\u{6587}\u{4E2D}\u{6587}\u{4E2D} x abcd y"))
      -- a token of 63 bytes or more, for a length of more than 63 characters
      local long = string.rep("x", 80)
      assert.same({ long }, texts(P.len(70), "short " .. long))
      assert.same({ long }, texts(P.tok { len = { 64, 100 } }, "short " .. long))
      assert.same({ long .. " y" }, texts(P.len(70) * P.word "y", "a y " .. long .. " y"))
      -- bytes that are not valid UTF-8 (one token): a stray continuation byte counts no character
      local stray = "a" .. string.rep("\x80", 39)
      assert.same({ "x", stray }, texts(P.len(1, 1), "x " .. stray .. " yy"))
      assert.same({ "yy" }, texts(P.len(2), "a" .. string.rep("\x80", 7) .. " yy"))
   end)

   it("keep a match that opens with a lookbehind, or with alternatives of lookarounds", function()
      -- a team at a line's start or after a colon or a parenthesis, then its score
      local side = P.ahead(P.line_start) + P.behind(P.set { ":", ")" })
      local p = side * P.tok { case = "title" } * P.kind "number"
      local text = "Scores: Harwick 2 ( late ) Dunmore 1 and Tolland 3\nBrackley 0 ,Ash 4"
      local want = { "Harwick 2", "Dunmore 1", "Brackley 0" }
      assert.same(want, texts(p, text))
      assert.same({ "1:Harwick 2", "1:Dunmore 1", "1:Brackley 0" },
         rule_texts(function(c) c:add("score", p) end, text, { prefilter = false }))
      -- a word after the token before it; a regex among the first
      -- token's tests (which may fail with an error) leaves the test of
      -- the token before to the prefilter
      local q = P.behind(P.set { "said", "told" }) * (P.regex [[^\p{Lu}{2,}$]] + P.tok { case = "title" })
      assert.same({ "NATO", "Ames" }, texts(q, "Officials said NATO and Lee said Ames , Kell said nothing"))
      -- and the test of a line's start, the same way
      local l = P.ahead(P.line_start) * (P.regex [[^\p{Lu}{2,}$]] + P.tok { case = "title" }) * P.kind "number"
      assert.same({ "Harwick 4", "UTD 3" }, texts(l, "Harwick 4\nthen Dunmore 2 and\nUTD 3 , NATO 5"))
      -- the token before is in the sentence before ("Ward" after the
      -- period): a rule of sentences does not look there, whatever the
      -- prefilter lets through
      local s = "The score was known :\nHarwick 2 . Ward 3"
      local function scored(scope)
         return rule_texts(function(c)
            c:add("r", P.behind(P.set { ".", ":" }) * P.tok { case = "title" } * P.kind "number", { scope = scope })
         end, s)
      end
      assert.same({ "1:Harwick 2", "1:Ward 3" }, scored("paragraph"))
      assert.same({ "1:Harwick 2" }, scored("sentence"))
      -- nor does a negative lookbehind at a sentence's start ("known"
      -- ends the paragraph before "Harwick 4")
      assert.same({ "1:Ward 3", "1:Harwick 4" }, rule_texts(function(c)
         c:add("r", P.notbehind(P.word "known") * P.tok { case = "title" } * P.kind "number", { scope = "sentence" })
      end, "It was known Harwick 2 . Ward 3 and known\n\nHarwick 4"))
   end)

   it("keep a match whose alternatives need a word or an acronym before the word", function()
      local heads = P.set { "ministry", "corp" }
      local p = P.tok { case = "title" } * P.rep(P.tok { case = "title" }, 0, 3)
         * (P.tok { set = { "ministry", "corp" }, case = "title" } + P.ahead(P.regex [[^\p{Lu}{2,4}$]]) * heads)
      assert.same({ "Acme Ministry" }, texts(p, "the Acme Ministry said"))
      assert.same({ "Bell CORP" }, texts(p, "then Bell CORP said"))
      assert.same({}, texts(p, "then Bell Works said"))
   end)

   it("keep a match whose alternatives need a word or a token a regex matches", function()
      local p = P.tok { case = "title" } * (P.word "ministry" + P.regex [[^\d{1,3}$]])
      assert.same({ "Acme Ministry", "Route 66", "Route \u{0666}\u{0666}" },
         texts(p, "the Acme Ministry and Route 66 and Route \u{0666}\u{0666} and Route x and Route 1234"))
      assert.same({ "1990", "\u{0661}\u{0669}\u{0669}\u{0660}" },
         texts(P.regex [[^\d{4}$]] * P.opt(P.word "x"), "in 1990 and \u{0661}\u{0669}\u{0669}\u{0660} or 19"))
   end)

   it("keep the tokens a window of a word and regexes meets past tokens too short or of other first bytes", function()
      -- the window's quick pass goes over "Q" (too short for either regex),
      -- "199" and "fall", and stops at the word, the year and "Q3"
      local p = P.word "in" * P.rep(P.tok { case = "lower" }, 0, 2)
         * (P.word "spring" + P.regex [[^\d{4}$]] + P.regex [[^Q\d$]])
      assert.same({ "in late spring", "in 1990", "in the Q3" },
         texts(p, "in late spring, in 1990, in the Q3, in Q, in 199, in the fall, in Z3"))
      -- ... and over tokens whose first two bytes no match begins with
      -- ("Qa", "Ann", "Mr"), to initials and acronyms
      local q = P.word "by" * P.rep(P.any, 0, 3) * (P.regex [[^(?:\p{Lu}\.){1,3}$]] + P.regex [[^Q\d$]])
      assert.same({ "by Ann Mr J.R.", "by Qa Q7" }, texts(q, "by Ann Mr J.R. and by Qa Q7 and by Ann Lee Mr Bo"))
   end)

   it("keep every rule's matches when rules share a window's predicate at different offsets", function()
      -- the three rules test the same regex a token or more after their
      -- start: what one rule's window found of a token serves the next
      local year = P.regex [[^\d{4}$]]
      local function add(c)
         c:add("in_year", P.word "in" * year)
         c:add("since_year", P.word "since" * P.rep(P.tok { case = "lower" }, 0, 2) * year)
         c:add("year_after", P.case "title" * P.word "of" * year)
      end
      local text = "Since 1990 sales rose, in 1991 and since the late 1992 crash; Spring of 1993, in May of 1994 "
         .. "and since then in 19 or in 12345"
      local got = rule_texts(add, text)
      assert.same({ "2:Since 1990", "1:in 1991", "2:since the late 1992", "3:Spring of 1993", "3:May of 1994" }, got)
   end)

   it("keep every rule's matches when windows of word sets are listed once a run, past 64 sets too", function()
      -- 70 rules, each a window of its own set that shares "common" with
      -- the others: the matcher lists where 64 of the sets' words are and
      -- scans the tokens for the last six
      local function add(c)
         for i = 1, 70 do
            c:add("r" .. i, P.word "in" * P.rep(P.tok { case = "lower" }, 0, 2) * P.set { "w" .. i, "common" })
         end
      end
      local text = "in the w3 and in w69, in a common way; in w70 w1 and in the w66 and in the end"
      local got, all = rule_texts(add, text, { prefilter = true }), rule_texts(add, text, { prefilter = false })
      assert.same(all, got)
      local seen = set_of(got)
      assert.is_true(seen["3:in the w3"] and seen["69:in w69"] and seen["70:in w70"] and seen["66:in the w66"])
      assert.is_true(seen["1:in a common"] and seen["70:in a common"])
      assert.equal(75, #got)
   end)

   it("keep every rule's matches when the tokens are marked once for windows of regexes, past 64 of them", function()
      -- 70 rules, each with a window of a regex or a word and a regex: the
      -- matcher marks each token once with those of the first 64 it may
      -- meet, and scans the tokens for the last six
      local function add(c)
         for i = 1, 70 do
            local re = P.regex("^[" .. string.char(96 + (i - 1) % 26 + 1) .. "Z]\\d{" .. (i % 3 + 1) .. "}$")
            local last = i % 2 == 0 and re or P.word "common" + re
            c:add("r" .. i, P.word "in" * P.rep(P.tok { case = "lower" }, 0, 2) * last)
         end
      end
      local text = "in a1 and in the b22, in common use; in the Z333 and in z1 and in q55 and in x7 or in y1234 zone"
      local got, all = rule_texts(add, text, { prefilter = true }), rule_texts(add, text, { prefilter = false })
      assert.same(all, got)
      local seen = set_of(got)
      assert.is_true(seen["27:in a1"] and seen["28:in the b22"] and seen["69:in common"] and seen["68:in the Z333"]
         and seen["43:in q55"] and seen["24:in x7"] and seen["2:in the Z333"])
      assert.equal(62, #got)
   end)

   it("keep the matches of windows of regexes far apart in a long text, and of each scope's groups", function()
      -- the tokens a window's regex may meet are marked 64 to a word: hits
      -- on either side of a word's edge, and none for hundreds of tokens;
      -- rules of sentences and paragraphs stop at each one's end
      local function add(c)
         c:add("year", P.word "in" * P.rep(P.tok { case = "lower" }, 0, 2) * P.regex [[^\d{4}$]])
         c:add("pair", P.word "in" * P.regex [[^\d{4}$]] * P.rep(P.any, 0, 3) * P.regex [[^\d{2}$]],
            { scope = "sentence" })
         c:add("para", P.word "by" * P.rep(P.any, 0, 8) * P.regex [[^Q\d$]], { scope = "paragraph" })
      end
      local words = {}
      for i = 1, 400 do words[i] = "w" end
      words[60], words[61], words[62] = "in", "the", "1990"           -- tokens 60 .. 62
      words[63], words[64], words[65] = "in", "1991", "and"          -- across the first word's edge
      words[127], words[128], words[129] = "in", "2001", "with."     -- a sentence ends: no pair
      words[130], words[131] = "Then", "12"
      words[132], words[133], words[134], words[135] = "in", "2002", "w", "13"
      words[300], words[301], words[302] = "by", "w", "Q3"
      words[390], words[391] = "in", "2010"
      local text = table.concat(words, " ", 1, 200) .. "\n\n" .. table.concat(words, " ", 201, 305) .. "\n\n"
         .. "by w w\n\nQ4 w " .. table.concat(words, " ", 306, 400)
      local got, all = rule_texts(add, text), rule_texts(add, text, { prefilter = false, guards = false })
      assert.same(all, got)
      assert.same({ "1:in the 1990", "1:in 1991", "1:in 2001", "1:in 2002", "2:in 2002 w 13", "3:by w Q3",
         "1:in 2010" }, got)
   end)

   it("keep every rule's matches when rules wait for the next token their windows allow", function()
      -- rules whose windows rule out many starts wait (as bits of the
      -- rules of a token) until the token their window allows; the
      -- others run at every start; all in rule order at each token
      local function add(c)
         c:add("far", P.case "title" * P.rep(P.any, 0, 6) * P.word "minister")
         c:add("near", P.tok { case = "title", len = { 2, 5 } } * P.word "said")
         c:add("two", P.rep(P.tok { kind = "word", case = { "title", "upper" } }, 1, 2) * P.set { "bank", "party" })
         c:add("num", P.kind "number" * P.opt(P.word "per") * P.word "cent")
         c:add("any", P.tok { case = "upper", len = { 2, 30 } })
         c:add("late", P.word "the" * P.rep(P.tok { case = "lower" }, 0, 3) * P.word "minister")
      end
      local text = "Ann Lee, the foreign minister, said rates rose 5 per cent. NATO and the Acme Bank said "
         .. "Bo Ray of the Green Party was the new prime minister; Cy said 12 cent or so. The EU minister said no."
      local got, all = rule_texts(add, text), rule_texts(add, text, { prefilter = false, guards = false })
      assert.same(all, got)
      local seen = set_of(got)
      assert.is_true(seen["1:Ann Lee, the foreign minister"] and seen["2:Cy said"] and seen["4:5 per cent"]
         and seen["3:Acme Bank"] and seen["3:Green Party"] and seen["5:NATO"] and seen["6:the new prime minister"])
   end)

   it("keep every rule's matches when a rule's first tests turn a token away before it is tried", function()
      -- what the first token of a rule that may start on any word must
      -- be (its guard, start test and first token: kinds, cases, covers,
      -- words, a regex's first bytes and length, and the next token of an
      -- anchor), told for all such rules at once a token; a part that may
      -- fail with an error (a regex under a NOT) still lets its tokens in
      local function add(c)
         c:add("cover", (P.starts "place" + P.tok { case = "title", kind = "word" }) * P.word "said")
         c:add("words", (P.set { "mr", "dr" } + P.within "place" + P.case "upper") * P.case "title")
         c:add("regex", (P.regex [[^\d{2,4}$]] + P.ends "place") * P.opt(P.word "per") * P.word "cent")
         c:add("notre", P.notahead(P.regex [[^\p{Lu}{4,}$]]) * P.tok { case = "title" } * P.word "bank")
         c:add("next", P.tok { case = "lower" } * P.tok { case = "title", len = { 2, 30 } })
         c:add("any", P.opt(P.word "the") * P.rep(P.case "lower", 1, 2) * P.word "minister")
      end
      local text = "Mr Lee said 12 per cent in New York. NATO Bank and Acme Bank said the foreign minister "
         .. "Ann met DR Bo; York said 1999 cent, the York cent rose and Dr Cy of ACME left."
      -- places (class 1): New York (tokens 8-9), York (25, 31)
      local anns = { 1, 8, 9, 1, 1, 25, 25, 2, 1, 31, 31, 3 }
      local got = rule_texts(add, text, nil, anns)
      assert.same(rule_texts(add, text, { prefilter = false, guards = false }, anns), got)
      local seen = set_of(got)
      assert.is_true(seen["1:Lee said"] and seen["2:Mr Lee"] and seen["3:12 per cent"] and seen["4:Acme Bank"]
         and seen["5:in New"] and seen["6:the foreign minister"] and seen["1:York said"] and seen["3:York cent"]
         and seen["2:DR Bo"] and seen["2:New York"] and seen["3:1999 cent"] and not seen["4:NATO Bank"])
      -- a regex that fails with an error at a token the pattern tests
      -- first: the same error
      local bad = P.regex("^(a+)+$", { match_limit = 100 })
      for _, opts in ipairs { {}, { prefilter = false } } do
         local c = P.compiler(opts)
         c:add("guarded", P.notahead(bad) * P.any * P.word "x")
         local toks = quarry.tokenize(string.rep("a", 30) .. "b x")
         assert.has_error(function() c:build(opts):run(toks) end,
            "rule guarded: a token regex failed at token 1 (match limit exceeded)")
         toks:close()
      end
   end)

   it("keep the matches of windows across annotation units, however long the annotations elsewhere", function()
      -- a window across annotation units reaches as far as the
      -- annotations where the units lie take it: a long place far off
      -- does not widen it, a long one within it does
      local function add(c)
         c:add("title", P.rep(P.ann "place" + P.tok { case = { "lower", "title" } }, 0, 3) * P.word "minister"
            * P.cap("who", P.case "title"))
         c:add("two", P.ann "place" * P.ann "place" * P.word "talks")
         c:add("org", P.rep(P.ann "place" + P.case "title", 1, 4) * P.word "ministry")
      end
      local text = "The Bosnia and Herzegovina foreign minister Ann met; Leeds Paris talks went on. In "
         .. "the United Kingdom of Great Britain and Northern Ireland minister Ed and the United Kingdom of Great "
         .. "Britain and Northern Ireland Health Ministry , the Oslo minister Bo and a late minister Cy and the "
         .. "Ruritania minister Di spoke ."
      -- places (class 1): Bosnia and Herzegovina (tokens 2-4), Leeds (10),
      -- Paris (11), United Kingdom ... Northern Ireland (18-25, 30-37),
      -- Oslo (42), Ruritania (52)
      local anns = { 1, 2, 4, 1, 1, 10, 10, 2, 1, 11, 11, 3, 1, 18, 25, 4, 1, 30, 37, 5, 1, 42, 42, 6,
         1, 52, 52, 7 }
      local got = rule_texts(add, text, nil, anns)
      assert.same(rule_texts(add, text, { prefilter = false, guards = false }, anns), got)
      local seen = set_of(got)
      assert.is_true(seen["1:The Bosnia and Herzegovina foreign minister Ann"] and seen["2:Leeds Paris talks"]
         and seen["1:the United Kingdom of Great Britain and Northern Ireland minister Ed"]
         and seen["3:United Kingdom of Great Britain and Northern Ireland Health Ministry"]
         and seen["3:Health Ministry"]
         and seen["1:the Oslo minister Bo"] and seen["1:a late minister Cy"] and seen["1:the Ruritania minister Di"])
   end)

   it("keep every rule's matches when a window's word needs the tokens next to it to be the pattern's", function()
      -- a window of words tests the token after the word when what
      -- follows it in the pattern must take one, and the token before it
      -- when what comes before must: a title followed by a comma, another
      -- title or a name; alternatives with what each needs next; a regex
      -- next (whose error would let the token through); a word at the end
      -- of the text; a head word after capitalised words, an annotation
      -- or an acronym; a speech verb after a name or an adverb
      local function add(c)
         local title = P.set { "minister", "chief", "secretary of state" }
         c:add("title", P.rep(P.tok { case = "lower" }, 0, 2) * P.rep(title, 1, 2) * P.opt(",")
            * P.cap("who", P.case "title" ^ 1))
         c:add("vs", P.case "title" * (P.word "v" * P.case "title" + P.word "vs" * P.kind "number"))
         c:add("code", P.word "code" * P.regex [[^\d{3}$]])
         c:add("last", P.case "title" * P.word "end")
         c:add("org", (P.ann "place" + P.case "title" + P.regex [[^\p{Lu}{2,4}$]]) ^ 1 * P.notahead(P.word "x")
            * (P.tok { case = "title", set = { "ministry", "bank" } } + P.ahead(P.case "upper") * P.word "bank"))
         c:add("said", P.cap("who", P.case "title" ^ 1) * P.opt(P.set { "also", "then" }) * P.word "said")
      end
      local text = "The minister, Ann Lee met the chief minister Bo and the secretary of state Cy; a minister "
         .. "said no, the chief spoke. Leeds v Stoke, Leeds vs 3, Leeds v 3, Leeds vs Stoke; code 123, code "
         .. "12, code x. Oslo Ministry and the ministry and Acme Bank and ACME BANK and NBB Bank; Di said, "
         .. "Ed then said and he said. The End"
      local anns = { 1, 52, 52, 1 }   -- (Oslo, token 52, is a place: class 1)
      local got = rule_texts(add, text, nil, anns)
      assert.same(rule_texts(add, text, { prefilter = false, guards = false }, anns), got)
      local seen = set_of(got)
      assert.is_true(seen["1:minister, Ann Lee"] and seen["1:the chief minister Bo"]
         and seen["1:the secretary of state Cy"] and seen["2:Leeds v Stoke"] and seen["2:Leeds vs 3"]
         and seen["3:code 123"] and not seen["2:Leeds v 3"] and not seen["1:a minister"]
         and seen["5:Oslo Ministry"] and seen["5:Acme Bank"] and seen["5:ACME BANK"] and seen["5:NBB Bank"]
         and seen["6:Di said"] and seen["6:Ed then said"])
      -- a runaway pattern is not tried where its word is not followed by
      -- what the pattern needs next, and is where it is
      local m = P.compile((P.any ^ 1) ^ 1 * P.word "zzz" * P.kind "symbol" * P.kind "number", { name = "blowup" })
      local toks = quarry.tokenize(string.rep("word ", 40) .. "zzz word")
      assert.same({}, m:run(toks))
      toks:close()
      toks = quarry.tokenize(string.rep("word ", 40) .. "zzz $ word")
      local ok, err = pcall(m.run, m, toks)
      assert.is_false(ok)
      assert.matches("catastrophic", err)
      toks:close()
   end)

   -- Guards: a token test before alternatives (and at a rule's start) of
   -- what the first token of every alternative needs, so that where none
   -- can start the machine fails at once instead of trying each in turn.
   describe("guards", function()
      -- every match of each rule, with its captures, compiled with or
      -- without guards
      local function all_matches(rules, text, guards)
         local c = P.compiler { guards = guards }
         for _, r in ipairs(rules) do c:add(r[1], r[2]) end
         local toks = quarry.tokenize(text)
         local out = {}
         for _, r in ipairs(c:build():run(toks)) do
            local caps = {}
            for slot, span in pairs(r.caps) do caps[#caps + 1] = slot .. "=" .. text:sub(span[3] + 1, span[4]) end
            table.sort(caps)
            out[#out + 1] = r.rule .. ":" .. text:sub(r.start + 1, r.stop) .. "[" .. table.concat(caps, " ") .. "]"
         end
         toks:close()
         return out
      end

      it("change no match: phrases, annotation units, empty alternatives, lookaround, captures", function()
         local title = P.set { "minister", "head of state", "chief of staff", "chief of the general staff",
            "secretary of state" }
         local rules = {
            { "title", P.rep(P.notahead(title) * P.tok { case = { "lower", "title" } }, 0, 3)
               * P.rep(title, 1, 2) * P.cap("name", P.case "title" ^ 1) },
            { "lead", P.notbehind(P.word "the" * P.case "title") * (P.word "of" * P.case "title"
               + P.cap("acro", P.regex [[^\p{Lu}{2,5}$]]) + P.case "title" * P.word "bank") },
            { "maybe", (P.word "said" + P.opt(P.word "then") + P.word "told") * P.cap("who", P.case "title") },
            { "nested", P.notahead(P.notahead(P.case "title")) * P.case "title" * P.word "said" },
            -- (the rule's guard and its alternatives' after a lookbehind
            -- and a capture: one test)
            { "opening", P.notbehind(P.word "the") * P.cap("who", P.word "chief" * P.case "title"
               + P.word "head" * P.word "of" * P.case "title" + P.case "title" * P.word "bank")
               * P.opt(P.word "said") },
         }
         local text = "The chief of the general staff Ann Berg and Secretary of State Bo Lind met head of state "
            .. "Kim; the minister Sam spoke. Board of Trade and NATO and Acme bank, then Ann, said Bo, told "
            .. "Cy; the Bank of Leeds. Kim said no, Lee said yes and the chief of staff went home."
         local got, plain = all_matches(rules, text, true), all_matches(rules, text, false)
         assert.same(plain, got)
         assert.is_true(#got >= 10)
      end)

      it("choice points that test the token first change no match: repetitions, alternatives, annotations", function()
         -- a way through a choice point that cannot take the token is
         -- not tried: greedy and lazy repetitions, bounded and not, ways
         -- that open with a lookahead, an annotation, a capture, or can
         -- take no token
         local rules = {
            { "greedy", P.rep(P.notahead(P.word "the") * P.case "lower", 0, 3) * P.word "minister" },
            { "lazy", P.word "the" * P.rep(P.any, 0, 4, "lazy") * P.cap("who", P.case "title") * P.word "said" },
            { "open", P.word "from" * P.case "title" ^ 1 * P.opt(P.word "to" * P.case "title") },
            { "ann", (P.ann "place" + P.word "in" * P.ann "place" + P.cap("w", P.word "at")) * P.case "title" },
            { "empty", (P.opt(P.word "then") + P.word "now") * P.cap("x", P.case "title") * P.word "spoke" },
            { "ahead", (P.ahead(P.case "title") * P.any + P.notahead(P.kind "punct") * P.word "and") * P.word "Bo" },
            -- lookaheads of more than a token, whose first token is tested first
            { "looks", P.notahead(P.word "the" * P.case "lower") * P.case "lower" * P.ahead(P.word "Ann" * P.any)
               * P.cap("who", P.case "title") },
         }
         local text = "The prime minister met the foreign minister; from Oslo Bergen to Lund Hel went, the man "
            .. "Ann Berg said no. In York Ann and Bo met at Kew Cy then Di spoke, now Ed spoke and Bo left."
         local got, plain = {}, {}
         for _, guards in ipairs { true, false } do
            local cc = P.compiler { guards = guards }
            cc:add("z", P.ann "place" * P.word "zzz")   -- (class 1: a place)
            for _, r in ipairs(rules) do cc:add(r[1], r[2]) end
            local toks = quarry.tokenize(text)
            -- "York" (token 25) and "Kew" (token 31) are places
            for _, r in ipairs(cc:build():run(toks, { 1, 25, 25, 1, 1, 31, 31, 2 })) do
               local caps = {}
               for slot, span in pairs(r.caps) do caps[#caps + 1] = slot .. "=" .. text:sub(span[3] + 1, span[4]) end
               table.sort(caps)
               local out = guards and got or plain
               out[#out + 1] = r.rule .. ":" .. text:sub(r.start + 1, r.stop) .. "[" .. table.concat(caps, " ") .. "]"
            end
            toks:close()
         end
         assert.same(plain, got)
         -- (rules by number: 1 is the place rule; captures by slot)
         local seen = {}
         for _, m in ipairs(got) do seen[m] = true end
         for _, m in ipairs { "2:prime minister[]", "3:the man Ann Berg said[1=Berg]", "4:from Oslo Bergen to Lund[]",
            "5:York Ann[]", "5:In York Ann[]", "5:at Kew[1=at]", "6:Di spoke[1=Di]", "6:now Ed spoke[1=Ed]",
            "7:and Bo[]", "8:man Ann[1=Ann]" } do
            assert.is_true(seen[m], m)
         end
      end)

      it("test alternatives of words, kinds, cases, annotations and regexes as each alone would", function()
         -- one token test of many parts: the words, kinds and cases are
         -- tested at once, then the others in order
         local parts = { P.word "said", P.kind "number", P.case "upper", P.starts "place", P.regex [[^\p{Lu}\.$]],
            P.within "place", P.text "&" }
         -- (the place: "New York", tokens 10 and 11)
         local text = "Ann said 12 NATO & J. went to New York. Then Bo said no."
         local toks = quarry.tokenize(text)
         local function starts(p, opts)
            local c = P.compiler(opts)
            c:add("p", p)
            c:add("q", P.case "title" * p)
            c:add("z", P.ann "place" * P.word "zzz")   -- (so that class 1 is a place in every matcher)
            local out = {}
            for _, r in ipairs(c:build(opts):run(toks, { 1, 10, 11, 1 })) do
               out[#out + 1] = r.rule .. ":" .. text:sub(r.start + 1, r.stop)
            end
            return out
         end
         local any = parts[1]
         for i = 2, #parts do any = any + parts[i] end
         local want = {}
         for _, p in ipairs(parts) do
            for _, m in ipairs(starts(p, { prefilter = false, guards = false })) do want[m] = true end
         end
         local got, seen = starts(any), {}
         for _, m in ipairs(got) do seen[m] = true end
         toks:close()
         assert.same(want, seen)
         assert.is_true(seen["1:New"] and seen["1:York"] and seen["1:&"] and seen["1:12"] and seen["2:Ann said"]
            and seen["1:NATO"])
      end)

      it("let a token through when a regex of the guard fails, for the pattern to decide", function()
         -- the guard tests the regex where the second alternative would
         -- not (its lookahead turns the word away first): the regex's
         -- error there is not the pattern's
         local bad = P.regex("^(a+)+$", { match_limit = 100 })
         local p = P.word "x" * P.any + P.notahead(P.kind "word") * bad + P.word "y" * P.any
         local text = string.rep("a", 30) .. "b y z"
         local toks = quarry.tokenize(text)
         local got = {}
         -- (the windows off: they test the regex ahead of the pattern too)
         for _, r in ipairs(P.compile(p, { prefilter = false }):run(toks)) do
            got[#got + 1] = text:sub(r.start + 1, r.stop)
         end
         toks:close()
         assert.same({ "y z" }, got)
         -- nor does a guard pass over a lookaround that may fail so
         local r = P.word "x" * P.any + P.notahead(bad) * P.word "z" + P.word "y" * P.any
         toks = quarry.tokenize(text)
         assert.has_error(function() P.compile(r, { name = "ahead", prefilter = false }):run(toks) end,
            "rule ahead: a token regex failed at token 1 (match limit exceeded)")
         toks:close()
         -- where the pattern itself reaches the regex, its error is raised
         local q = P.word "x" * P.any + bad + P.word "y" * P.any
         toks = quarry.tokenize(text)
         assert.has_error(function() P.compile(q, { name = "blowup", prefilter = false }):run(toks) end,
            "rule blowup: a token regex failed at token 1 (match limit exceeded)")
         toks:close()
      end)
   end)
end)
