-- Specs for quarry's regular expressions: quarry.core.regex (PCRE2 with
-- UTF and UCP, named captures, limits, the cache) and quarry.regex
-- (compile, alignment to token boundaries).
local quarry = require "quarry"
local core = require "quarry.core"
local raises = require("tests.support").raises
local regex = quarry.regex

-- Fixtures live next to this file.
local here = (debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "tests/")
local function fixture(name)
   local f = assert(io.open(here .. "fixtures/" .. name, "rb"))
   local s = f:read("a")
   f:close()
   return s
end


-- The text of a byte span (0-based start, exclusive stop).
local function sub(s, start, stop) return s:sub(start + 1, stop) end

local news = fixture("regex_news.txt")

describe("quarry.core.regex", function()
   it("finds a match with 0-based byte offsets, stop exclusive", function()
      local re = core.regex("Lavrov")
      local start, stop, caps = re:find(news)
      assert.equal("Lavrov", sub(news, start, stop))
      assert.equal(news:find("Lavrov", 1, true) - 1, start)
      assert.same({}, caps)
      assert.is_nil(re:find("no minister here"))
   end)

   it("starts the search at a 0-based init offset", function()
      local re = core.regex("Lavrov")
      local first = re:find(news)
      local second = re:find(news, first + 1)
      assert.is_true(second > first)
      assert.equal("Lavrov", sub(news, second, second + 6))
      assert.equal(0, re:find("Lavrov", 0))
      assert.is_nil(re:find("Lavrov", 6))     -- init = #s is allowed
      raises(function() re:find("Lavrov", 7) end, "initial offset out of range")
      raises(function() re:find("Lavrov", -1) end, "initial offset out of range")
      -- an offset inside a character: its stray bytes count as invalid UTF-8
      for _, jit in ipairs({ true, false }) do
         local word = core.regex("\\w+", { jit = jit })
         local a, b = word:find("Łódź Москва", 1)
         assert.same({ 2, 7 }, { a, b })
         local spans = {}
         for start, stop in word:each("Łódź Москва", 1) do spans[#spans + 1] = start .. "-" .. stop end
         assert.same({ "2-7", "8-20" }, spans)
      end
   end)

   it("turns named groups into captures with byte offsets", function()
      local re = core.regex("(?<who>\\p{Lu}\\w+) (?<verb>met|told) (?<whom>\\w+)")
      local start, stop, caps = re:find(news)
      assert.equal("Lavrov met his", sub(news, start, stop))
      assert.equal("Lavrov", sub(news, caps.who[1], caps.who[2]))
      assert.equal("met", sub(news, caps.verb[1], caps.verb[2]))
      assert.equal("his", sub(news, caps.whom[1], caps.whom[2]))
      -- numbered too, the same spans
      assert.same(caps.who, caps[1])
      assert.same(caps.whom, caps[3])
      assert.same({ "who", "verb", "whom" }, re:names())
   end)

   it("leaves out groups that took no part", function()
      local re = core.regex("(?<day>\\d+) (?<month>March|May)(?: \\((?<src>[^)]+)\\))?")
      local _, _, caps = re:find("on 2 May.")
      assert.is_nil(caps.src)
      assert.is_nil(caps[3])
      for _, span in pairs(caps) do assert.is_table(span) end
      assert.equal("May", sub("on 2 May.", caps.month[1], caps.month[2]))
      _, _, caps = re:find(news)
      assert.equal("Quarry Wire", sub(news, caps.src[1], caps.src[2]))
   end)

   it("gives a name shared by several groups the one that matched", function()
      local re = core.regex("(?J)(?<city>Москва) |(?<city>Łódź),")
      local _, _, caps = re:find(news, news:find("mayor", 1, true))
      assert.equal("Łódź", sub(news, caps.city[1], caps.city[2]))
      assert.same({ "city" }, re:names())
      assert.same({}, core.regex("(a)(b)"):names())
   end)

   it("matches whole words of any script with \\w (UTF and UCP)", function()
      local words = {}
      for start, stop in core.regex("\\w+"):each(news) do words[sub(news, start, stop)] = true end
      assert.is_true(words["Երևան"])
      assert.is_true(words["Łódź"])
      assert.is_true(words["Москва"])
      assert.is_nil(words["dź"])
      assert.is_true(core.regex("^\\w+$"):test("Երևան"))
      assert.is_true(core.regex("^\\p{Armenian}+$"):test("Երևան"))
      assert.is_true(core.regex("^\\d+$"):test("١٤"))          -- Arabic-Indic digits are \d
   end)

   it("finds word boundaries in Cyrillic text", function()
      local re = core.regex("\\bМоскв\\w\\b")
      local found = {}
      for start, stop in re:each(news) do found[#found + 1] = sub(news, start, stop) end
      assert.same({ "Москва", "Москве" }, found)
      assert.is_false(core.regex("\\bоскв"):test("Москва"))
      assert.is_true(core.regex("Москв\\b"):test("Москв и") )
   end)

   it("matches without regard to case, in every script, when caseless", function()
      assert.is_true(core.regex("lavrov", { caseless = true }):test(news))
      assert.is_false(core.regex("lavrov"):test(news))
      assert.is_true(core.regex("МОСКВА", { caseless = true }):test(news))
      assert.is_true(core.regex("երևան", { caseless = true }):test(news))
      assert.is_true(core.regex("ŁÓDŹ", { caseless = true }):test(news))
   end)

   it("honours multiline, dotall, extended and anchored", function()
      local s = "first line\nsecond line"
      assert.is_false(core.regex("^second"):test(s))
      assert.is_true(core.regex("^second", { multiline = true }):test(s))
      assert.is_false(core.regex("line.second"):test(s))
      assert.is_true(core.regex("line.second", { dotall = true }):test(s))
      assert.is_true(core.regex("sec ond  # a comment", { extended = true }):test(s))
      local anchored = core.regex("line", { anchored = true })
      assert.is_false(anchored:test(s))
      assert.equal(6, anchored:find(s, 6))
      assert.is_nil(anchored:find(s, 5))
   end)

   it("matches an anchored regex only where the search starts, past invalid bytes too, JIT or not", function()
      -- PCRE2's interpreter went on to the text after an invalid byte (found
      -- by fuzzing: tests/fuzz/regressions/regex/anchored-after-invalid-utf-no-jit)
      for _, jit in ipairs { true, false } do
         local re = core.regex("Tass", { anchored = true, jit = jit })
         assert.is_nil(re:find("Reuters \xff Tass"))
         assert.is_false(re:test("Reuters \xff Tass"))
         assert.same({}, re:find_all("Reuters \xff Tass"))
         assert.equal(10, re:find("Reuters \xff Tass", 10))
         assert.equal(0, re:find("Tass \xff Tass"))
      end
   end)

   it("never fails on invalid UTF-8 in the subject", function()
      local s = "Lavrov \xff\xfe met \xc3 Łódź \xed\xa0\x80 \xe2\x82 \xf0\x9f\x98 end\xc0\xaf"
      local words = {}
      for start, stop in core.regex("\\w+"):each(s) do words[#words + 1] = sub(s, start, stop) end
      assert.same({ "Lavrov", "met", "Łódź", "end" }, words)
      assert.is_true(core.regex("met"):test(s))
      assert.is_false(core.regex("end$"):test("end\xff"))
      -- any byte string at all
      local bytes = {}
      for i = 0, 255 do bytes[#bytes + 1] = string.char(i, (i * 7) % 256, (i * 13) % 256) end
      local junk = table.concat(bytes)
      local all = core.regex("."):find_all(junk)
      assert.is_table(all)
      assert.is_true(#all > 0)
      for _, m in ipairs(all) do assert.is_true(m.start < m.stop) end
      assert.is_table(core.regex("\\w*"):find_all(junk))
   end)

   it("iterates over every non-overlapping match", function()
      local re = core.regex("(?<n>\\d+)")
      local got = {}
      for start, stop, caps in re:each("14 March, 2 May, 2024") do
         got[#got + 1] = { start, stop, caps.n[1], caps.n[2] }
      end
      assert.same({ { 0, 2, 0, 2 }, { 10, 11, 10, 11 }, { 17, 21, 17, 21 } }, got)
      local n = 0
      for _ in re:each("no digits") do n = n + 1 end
      assert.equal(0, n)
      n = 0
      for _ in re:each("14 March, 2 May", 3) do n = n + 1 end
      assert.equal(1, n)
   end)

   it("steps past an empty match by one code point, not one byte", function()
      local s = "a€xxЖ"
      local got = {}
      for start, stop in core.regex("x*"):each(s) do got[#got + 1] = start .. "-" .. stop end
      -- a is 1 byte, € 3, Ж 2: every empty match lies on a character boundary
      assert.same({ "0-0", "1-1", "4-6", "6-6", "8-8" }, got)
      local list = core.regex("x*"):find_all(s)
      assert.equal(5, #list)
      assert.same({ 4, 6 }, { list[3].start, list[3].stop })
      -- empty matches next to invalid bytes step one byte at a time
      got = {}
      for start in core.regex(""):each("\xffa") do got[#got + 1] = start end
      assert.same({ 0, 1, 2 }, got)
   end)

   it("returns every match as a list from find_all", function()
      local list = core.regex("(?<city>Москв\\w)"):find_all(news)
      assert.equal(2, #list)
      assert.equal("Москва", sub(news, list[1].start, list[1].stop))
      assert.equal("Москве", sub(news, list[2].captures.city[1], list[2].captures.city[2]))
      assert.same({}, core.regex("Paris"):find_all(news))
   end)

   it("runs find_all over a 1 MB text, with and without the JIT", function()
      local unit = "Lavrov met Nowak in Łódź. "       -- 29 bytes, 5 words
      local n = (1024 * 1024) // #unit + 1
      local big = unit:rep(n)
      assert.is_true(#big >= 1024 * 1024)
      for _, jit in ipairs({ true, false }) do
         local words = core.regex("\\w+", { jit = jit }):find_all(big)
         assert.equal(5 * n, #words)
         local last = words[#words]
         assert.equal("Łódź", sub(big, last.start, last.stop))
         assert.equal(#big - 2, last.stop)
         local cities = core.regex("(?<city>Ł\\w+)", { jit = jit }):find_all(big)
         assert.equal(n, #cities)
         assert.equal("Łódź", sub(big, cities[n].captures.city[1], cities[n].captures.city[2]))
         local count = 0
         for _ in core.regex("Nowak", { jit = jit }):each(big) do count = count + 1 end
         assert.equal(n, count)
      end
   end)

   -- #slow: PCRE2 runs to the default match limit eight times, half a minute
   -- under valgrind; quarry's side of it (test, find, find_all, each) is the
   -- same with a small limit ("takes a match limit per regex"), which it runs
   it("fails a catastrophic pattern with 'match limit exceeded' instead of hanging #slow", function()
      local s = string.rep("a", 40) .. "b"
      for _, jit in ipairs({ true, false }) do
         local re = core.regex("^(a+)+$", { jit = jit })
         local ok, err = re:test(s)
         assert.is_nil(ok)
         assert.equal("match limit exceeded", err)
         local start, msg = re:find(s)
         assert.is_nil(start)
         assert.equal("match limit exceeded", msg)
         local list, why = re:find_all(s)
         assert.is_nil(list)
         assert.equal("match limit exceeded", why)
         raises(function() for _ in re:each(s) do end end, "match limit exceeded")
         -- the same pattern on a subject it matches
         assert.is_true(re:test(string.rep("a", 40)))
      end
   end)

   it("takes a match limit per regex", function()
      local s = string.rep("a", 12) .. "b"
      assert.is_false(core.regex("^(a+)+$"):test(s))
      for _, jit in ipairs { true, false } do
         local re = core.regex("^(a+)+$", { match_limit = 100, jit = jit })
         local ok, err = re:test(s)
         assert.is_nil(ok)
         assert.equal("match limit exceeded", err)
         assert.same({ nil, "match limit exceeded" }, { re:find(s) })
         assert.same({ nil, "match limit exceeded" }, { re:find_all(s) })
         raises(function() for _ in re:each(s) do end end, "match limit exceeded")
      end
   end)

   it("fails a too deep match with 'depth limit exceeded', with or without the JIT", function()
      local s = string.rep("ab", 5000)
      local ok, err = core.regex("^(?:(a)b)+$", { jit = false, depth_limit = 1000 }):test(s)
      assert.is_nil(ok)
      assert.equal("depth limit exceeded", err)
      -- the JIT ignores the depth limit; it sizes the JIT stack instead
      ok, err = core.regex("^(?:(a)b)+$", { depth_limit = 1000 }):test(s)
      assert.is_nil(ok)
      assert.is_truthy(err:find("^depth limit exceeded"))
      assert.is_true(core.regex("^(?:(a)b)+$"):test(s))
   end)

   it("compiles each pattern once: the same pattern and options give the same object", function()
      local a = core.regex("(?<who>\\w+) said")
      local b = core.regex("(?<who>\\w+) said")
      assert.equal(a, b)
      assert.equal(a, core.regex("(?<who>\\w+) said", {}))
      assert.equal(a, core.regex("(?<who>\\w+) said", { caseless = false }))
      assert.equal(core.regex("x", { caseless = true, dotall = true }),
                   core.regex("x", { dotall = true, caseless = true }))
      assert.not_equal(a, core.regex("(?<who>\\w+) said", { caseless = true }))
      assert.not_equal(a, core.regex("(?<who>\\w+) said", { match_limit = 1000 }))
      assert.not_equal(a, core.regex("(?<who>\\w+) Said"))
      -- patterns are byte strings: a NUL is part of the pattern
      assert.not_equal(core.regex("a\0b"), core.regex("a\0c"))
      assert.is_true(core.regex("a\0b"):test("xa\0b"))
      -- a closed regex is not handed out again
      a:close()
      local c = core.regex("(?<who>\\w+) said")
      assert.not_equal(a, c)
      assert.is_true(c:test("Nowak said"))
   end)

   it("raises on a malformed pattern, naming the offset", function()
      raises(function() core.regex("Lavrov (met") end, "regex error at offset 11: missing closing parenthesis")
      raises(function() core.regex("a{2,1}") end, "regex error at offset 5:")
      raises(function() core.regex("(?<1bad>x)") end, "regex error at offset 3:")
      raises(function() core.regex("\\p{NoSuchScript}") end, "regex error at offset")
      raises(function() core.regex("[\xff]") end, "regex error at offset 1:")    -- invalid UTF-8 in a pattern
   end)

   it("raises on bad arguments and options", function()
      raises(function() core.regex() end, "bad argument #1")
      raises(function() core.regex("x", "i") end, "bad argument #2")
      raises(function() core.regex("x", { ignorecase = true }) end, "unknown option 'ignorecase'")
      raises(function() core.regex("x", { caseless = 1 }) end, "option 'caseless' must be a boolean")
      raises(function() core.regex("x", { match_limit = 0 }) end, "option 'match_limit' must be an integer")
      raises(function() core.regex("x", { depth_limit = 1.5 }) end, "option 'depth_limit' must be an integer")
      raises(function() core.regex("x", { [1] = true }) end, "option names must be strings")
      raises(function() core.regex("x"):test() end, "bad argument #1")
      raises(function() core.regex("x").test("x", "y") end, "quarry.Regex expected")
   end)

   it("raises on use after close; close is idempotent", function()
      local re = core.regex("(?<who>Nowak) said", { caseless = true })
      assert.equal("quarry.Regex /(?<who>Nowak) said/i", tostring(re))
      re:close()
      re:close()
      assert.equal("quarry.Regex /(?<who>Nowak) said/ (closed)", tostring(re))
      raises(function() re:test("Nowak said") end, "attempt to use a closed quarry.Regex")
      raises(function() re:find("Nowak said") end, "closed quarry.Regex")
      raises(function() re:find_all("Nowak said") end, "closed quarry.Regex")
      raises(function() re:each("Nowak said") end, "closed quarry.Regex")
      raises(function() re:names() end, "closed quarry.Regex")
      do
         local scoped <close> = core.regex("scoped")
         assert.is_true(scoped:test("a scoped regex"))
      end
      -- an iterator whose regex is closed under it
      local it = core.regex("\\d"):each("1 2 3")
      assert.equal(0, it())
      core.regex("\\d"):close()
      raises(function() it() end, "closed quarry.Regex")
   end)

   it("describes itself", function()
      local re = core.regex("(?<a>x)(y)", { multiline = true, anchored = true })
      assert.equal("quarry.Regex /(?<a>x)(y)/mA", tostring(re))
      assert.equal("(?<a>x)(y)", re:source())
      local info = re:info()
      assert.equal(2, info.groups)
      assert.is_boolean(info.jit)
      assert.is_true(info.multiline and info.anchored)
      assert.is_false(info.caseless)
      assert.equal(10000000, info.match_limit)
      assert.is_false(core.regex("x", { jit = false }):info().jit)
   end)
end)

describe("quarry.regex", function()
   it("compiles through the cache and passes a compiled regex through", function()
      local re = regex.compile("Lavrov")
      assert.equal(core.regex("Lavrov"), re)
      assert.equal(re, regex.compile(re))
      assert.equal(quarry.regex, regex)
   end)

   it("raises at the caller's line on a malformed pattern", function()
      local err = raises(function() regex.compile("(?<who>\\w+") end, "regex error at offset 10")
      assert.is_truthy(err:find("regex_spec.lua:%d+:"))
      raises(function() regex.compile(42) end, "string expected")
      raises(function() regex.compile("x", { nope = true }) end, "unknown option 'nope'")
   end)

   describe("align", function()
      local toks = quarry.tokenize(news)
      local function aligned(start, stop)
         local first, last, s, e = regex.align(toks, start, stop)
         if not first then return nil end
         return sub(news, s, e), first, last
      end

      it("widens a match inside a token to the whole token", function()
         local start, stop = core.regex("avro"):find(news)
         assert.equal("avro", sub(news, start, stop))
         local first, last, s, e = regex.align(toks, start, stop)
         assert.equal(first, last)
         assert.equal("Lavrov", toks[first].text)
         assert.equal("Lavrov", sub(news, s, e))
         assert.equal(toks[first].start, s)
         assert.equal(toks[first].stop, e)
      end)

      it("widens a match across tokens at both ends", function()
         local start, stop = core.regex("ister Sergei Lav"):find(news)
         local text, first, last = aligned(start, stop)
         assert.equal("Minister Sergei Lavrov", text)
         assert.equal(2, last - first)
      end)

      it("drops white space at the ends of a match", function()
         local start, stop = core.regex("\\s+Lavrov\\s+"):find(news)
         assert.equal("Lavrov", (aligned(start, stop)))
         -- a match across a line break and blank line
         start, stop = core.regex("said\\.\\s+“"):find(news)
         assert.equal("said.\n\n“", (aligned(start, stop)))
      end)

      it("keeps a possessive with the word it is split from only when the match touches it", function()
         local start, stop = core.regex("Lavrov’"):find(news)
         local text, first, last = aligned(start, stop)
         assert.equal("Lavrov’s", text)
         assert.equal(1, last - first)
         start, stop = core.regex("Lavrov(?=’)"):find(news)
         assert.equal("Lavrov", (aligned(start, stop)))
      end)

      it("aligns a match in white space only, or an empty match, to nothing", function()
         local start, stop = core.regex("\n\n"):find(news)
         assert.is_nil(regex.align(toks, start, stop))
         start = core.regex("(?=Lavrov)"):find(news)
         assert.is_nil(regex.align(toks, start, start))
         assert.is_nil(regex.align(toks, #news, #news))
         assert.is_nil(regex.align(quarry.tokenize("   "), 0, 3))
      end)

      it("aligns matches of every script and the whole text", function()
         for start, stop in core.regex("[ևź]"):each(news) do
            local text = aligned(start, stop)
            assert.is_truthy(text == "Երևան" or text == "Łódź", text)
         end
         local text, first, last = aligned(0, #news)
         assert.equal(1, first)
         assert.equal(#toks, last)
         assert.equal((news:gsub("%s+$", "")), text)
      end)

      it("raises on bad arguments", function()
         raises(function() regex.align("text", 0, 1) end, "quarry.Tokens expected")
         raises(function() regex.align(toks, -1, 1) end, "bad argument #2")
         raises(function() regex.align(toks, 5, 4) end, "bad argument #3")
         raises(function() regex.align(toks, 0, 1.5) end, "bad argument #3")
         local closed = quarry.tokenize("x")
         closed:close()
         raises(function() regex.align(closed, 0, 1) end, "closed quarry.Tokens")
      end)
   end)
end)
