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
   end)

   it("keep every rule's matches when rules share a window's predicate at different offsets", function()
      -- the three rules test the same regex a token or more after their
      -- start: what one rule's window found of a token serves the next
      local year = P.regex [[^\d{4}$]]
      local c = P.compiler()
      c:add("in_year", P.word "in" * year)
      c:add("since_year", P.word "since" * P.rep(P.tok { case = "lower" }, 0, 2) * year)
      c:add("year_after", P.case "title" * P.word "of" * year)
      local m = c:build()
      local text = "Since 1990 sales rose, in 1991 and since the late 1992 crash; Spring of 1993, in May of 1994 "
         .. "and since then in 19 or in 12345"
      local toks = quarry.tokenize(text)
      local got = {}
      for _, r in ipairs(m:run(toks)) do got[#got + 1] = r.rule .. ":" .. text:sub(r.start + 1, r.stop) end
      toks:close()
      assert.same({ "2:Since 1990", "1:in 1991", "2:since the late 1992", "3:Spring of 1993", "3:May of 1994" }, got)
   end)
end)
