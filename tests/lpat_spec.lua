-- The pattern functions untrusted code gets (csrc/qr_lpat.c, qr_llpat.c:
-- core.lpat_find, match, gmatch, gsub) give what Lua's string library
-- gives, errors included, on subjects and patterns written here and on
-- patterns drawn at random; their work counts against the step budget.
local core = require "quarry.core"

local SUBJECTS = { "", "hello world", "  trim me  ", "key = value; k2=v2", "(a(b)c)d", "THE end.", "a,b,,c",
   "x\0y\0z", "aaa", "2024-05-02T10:00", "café ünïcode", "[[nested]]", "%d%%", "ab12cd34",
   "one two  three\tfour\nfive" }
local PATTERNS = { "", "o", "o w", "^h", "d$", "^$", "%s+", "^%s*(.-)%s*$", "(%w+)%s*=%s*(%w+)", "%b()",
   "%f[%w]%w+", "%f[%W]", "()", "(a)(b)?", "a-b", "a*", "a+", "a?", ".-", "[%a_][%w_]*", "[^,]*", "[a-c]+",
   "[]]", "[^]]", "%d%d%d%d%-%d%d", "(%d+)-(%d+)", "(.)%1", "((a)(b))", "%.", "[%.%-]", "x%zy", "\0", "%x+",
   "%u%l+", "%p", "%c", "[%s%p]+", "^(%w+)", "(%w+)$", "[a-]", "[-a]", "()a()", "%S+", "%A+", "[^%d]+",
   "a$b", "$", "^", ".", "(h)(e)(l)(l)(o)", "%%", "[%%]" }
local MALFORMED = { "[a", "%", "(", ")", "%b", "%bx", "%f", "%fx", "(()", "%1", "(a)%2", "[a-%" }
local REPLACEMENTS = { "<%0>", "%1", "%2", "x", "%%", "%", "%a", function(a) return a and a:upper() end,
   { hello = "HI", a = false }, 7 }

local outcome, all_of = require("tests.lpat_outcome").outcome, require("tests.lpat_outcome").all_of

describe("the pattern functions of untrusted code", function()
   it("give what Lua's give: find, match, gmatch and gsub, with captures, anchors, sets and errors", function()
      local diffs = {}
      local function same(what, f1, f2, ...)
         local a, b = outcome(f1, ...), outcome(f2, ...)
         if a ~= b and #diffs < 10 then
            diffs[#diffs + 1] = ("%s(%q, %q): Lua %s, quarry %s"):format(what, (...), (select(2, ...)), a, b)
         end
      end
      for _, s in ipairs(SUBJECTS) do
         for _, p in ipairs(PATTERNS) do
            for _, init in ipairs { 1, 3, -2, 0, 100 } do
               same("find", string.find, core.lpat_find, s, p, init)
               same("find plain", string.find, core.lpat_find, s, p, init, true)
               same("match", string.match, core.lpat_match, s, p, init)
               same("gmatch", all_of(string.gmatch), all_of(core.lpat_gmatch), s, p, init)
            end
            for _, r in ipairs(REPLACEMENTS) do
               same("gsub", string.gsub, core.lpat_gsub, s, p, r)
               same("gsub at most 2", string.gsub, core.lpat_gsub, s, p, r, 2)
            end
         end
         for _, p in ipairs(MALFORMED) do
            same("find", string.find, core.lpat_find, s, p)
            same("gsub", string.gsub, core.lpat_gsub, s, p, "x")
         end
      end
      local pieces = { "a", "b", "(", ")", "%", "[", "]", "^", "$", "*", "+", "-", "?", ".", "%a", "%d", "%s", "1",
         "%1", "%b()", "%f[%w]", " " }
      local rng = 7
      local function draw(n)   -- a small generator of our own: the same draws on every run
         rng = (rng * 1103515245 + 12345) % 2147483648
         return rng % n + 1
      end
      for _ = 1, 3000 do
         local p = {}
         for i = 1, draw(6) do p[i] = pieces[draw(#pieces)] end
         p = table.concat(p)
         local s = SUBJECTS[draw(#SUBJECTS)]
         same("find", string.find, core.lpat_find, s, p)
         same("gsub", string.gsub, core.lpat_gsub, s, p, "<%0>")
      end
      assert.same({}, diffs)
   end)

   it("count their matching against the step budget, and nothing outside core.limited", function()
      local ok, err, kind = core.limited(1000000, 0, core.lpat_find, string.rep("a", 20000), ".-.-b")
      assert.is_false(ok)
      assert.equal("steps", kind)
      assert.matches("step limit exceeded (more than 1000000 steps", err, 1, true)
      -- without limits, the same answers as Lua's
      local s = string.rep("a", 300)
      assert.same({ string.find(s, "a-a-b") }, { core.lpat_find(s, "a-a-b") })
      assert.same({ core.limited(1000000, 0, core.lpat_gsub, "x y", "%w", "<%0>") }, { true, "<x> <y>", 2 })
   end)
end)
