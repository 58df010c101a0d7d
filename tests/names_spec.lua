-- quarry.names: the spelling-variant key of names (in C) is the one the
-- news pack's Lua once computed with string.gsub, byte for byte, and
-- names.find finds the capitalised words that have a key.
local names = require "quarry.names"
local core = require "quarry.core"

-- the reference: the gsub chain, in the C locale
local function reference(key)
   key = key:gsub("[\u{2019}']s$", ""):gsub("[%s%p]", "")
   key = key:gsub("y", "i"):gsub("kh", "h"):gsub("ph", "f"):gsub("w", "v")
   key = key:gsub("(%a)%1", "%1")
   return key
end

-- n strings of up to (parts - 1) pieces of alphabet, from a seeded LCG:
-- the same strings on every run
local function random_strings(seed, alphabet, parts, n)
   local out = {}
   for i = 1, n do
      local pieces = {}
      for k = 1, seed % parts do
         seed = (seed * 1103515245 + 12345) % 2147483648
         pieces[k] = alphabet[seed % #alphabet + 1]
      end
      seed = (seed * 1103515245 + 12345) % 2147483648
      out[i] = table.concat(pieces)
   end
   return out
end

describe("quarry.names", function()
   it("makes transliterations of one name meet", function()
      assert.equal(names.variant("sergey"), names.variant("sergei"))
      assert.equal(names.variant("sarkisian"), names.variant("sarkissian"))
      assert.equal(names.variant("mikhail"), names.variant("mihail"))
      assert.equal(names.variant("lavrov"), names.variant("lavrov's"))
      assert.not_equal(names.variant("lavrov"), names.variant("lavrenov"))
   end)

   it("gives what the Lua patterns gave, on written and random names", function()
      for _, s in ipairs { "", "s", "'s", "aaa", "phkh", "kph", "y'all", "o'neill's", "ÿy", "łódź", "sł’s",
         "wwx", "a b\tc", "j.r.", "mc-dowell", "\u{2019}s", "ab\u{2019}", "x\226s" } do
         assert.equal(reference(s), names.variant(s), s)
      end
      local alphabet = { "a", "b", "h", "k", "p", "w", "y", "s", "'", "\u{2019}", " ", ".", "-", "é", "\128", "ss" }
      for _, s in ipairs(random_strings(99, alphabet, 9, 3000)) do
         assert.equal(reference(s), names.variant(s), s)
      end
   end)

   it("splits a name into the words a person's mentions are compared by", function()
      local v = names.variant
      assert.same({ 2, "Sergey Lavrov", "Sergey", v("sergey"), v("lavrov") }, { names.words("Mr. Sergey Lavrov") })
      assert.same({ 1, "Lavrov", "Lavrov", v("lavrov"), v("lavrov") }, { names.words("Lavrov") })
      -- the titles that open a name go while a word is left; "U.S." is no title
      assert.same({ 1, "Lavrov", "Lavrov", v("lavrov"), v("lavrov") }, { names.words("Dr. Mrs. Lavrov") })
      assert.same({ 1, "Dr.", "Dr.", v("dr."), v("dr.") }, { names.words("Dr.") })
      assert.same({ 2, "U.S. Grant", "U.S.", v("u.s."), v("grant") }, { names.words("U.S. Grant") })
      assert.same({ 2, "Ann Lee-Hart", "Ann", v("ann"), v("lee-hart") }, { names.words("Prof. Ann Lee-Hart") })
      -- words of punctuation only are none; any spaces part words
      assert.same({ 3, "J.R. O'Neill Jr.", "J.R.", v("j.r."), v("jr.") },
         { names.words("  J.R.\t--  O'Neill\nJr.  ") })
      -- (lower case as string.lower gives it: ASCII letters only)
      assert.same({ 1, "Łódź", "Łódź", v("Łódź"), v("Łódź") }, { names.words("Łódź") })
      assert.same({ 0 }, { names.words("") })
      assert.same({ 0 }, { names.words(" -- , ") })
      -- a long name, past the stack buffer
      local long = ("Xy "):rep(100) .. "Zed"
      local n, form, first, vfirst, vlast = names.words(long)
      assert.same({ 101, long, "Xy", v("xy"), v("zed") }, { n, form, first, vfirst, vlast })
      assert.has_error(function() names.words(nil) end, "names.words: expected a string")
   end)

   it("splits names as the Lua patterns did, on random names", function()
      -- the reference: gmatch and match in the C locale
      local function split_reference(s)
         local words = {}
         for w in s:gmatch("[^%s]+") do
            if not w:match("^%p+$") then words[#words + 1] = w end
         end
         while #words > 1 and #words[1] <= 5 and words[1]:sub(-1) == "." and not words[1]:match("^[%u%.]+$") do
            table.remove(words, 1)
         end
         if not words[1] then return { 0 } end
         return { #words, table.concat(words, " "), words[1], names.variant(words[1]:lower()),
                  names.variant(words[#words]:lower()) }
      end
      local alphabet = { "A", "b", "Mr.", "Dr", ".", "-", " ", "\t", "\n", "U.", "S.", "é", "\128", "'s" }
      for _, s in ipairs(random_strings(7, alphabet, 11, 3000)) do
         assert.same(split_reference(s), { names.words(s) }, s)
      end
   end)

   it("finds the words in title case or capitals whose key has a variant of the set", function()
      local toks = core.tokenize("Sergei Lavrov met LAVROV fans; lavrov, Lavrov's aide and Sergey left.")
      local found = {}
      for _, i in ipairs(names.find(toks, { [names.variant("lavrov")] = true, sergei = true })) do
         found[#found + 1] = toks:text(i)
      end
      assert.same({ "Sergei", "Lavrov", "LAVROV", "Lavrov", "Sergey" }, found)   -- ("'s" is a token of its own)
      assert.same({}, names.find(toks, {}))
      assert.same({}, names.find(toks, { sergei = false }))
      -- a set of many keys is looked up key by key: the same words
      local many = { [names.variant("lavrov")] = true, sergei = true }
      for k = 1, 40 do many["name" .. k] = true end
      local again = {}
      for _, i in ipairs(names.find(toks, many)) do again[#again + 1] = toks:text(i) end
      assert.same(found, again)
      -- the words of a span set's spans are left out ("Sergei Lavrov")
      local taken = require("quarry.spanset").new()
      taken:add(0, 13)
      local outside = {}
      local left, variants = names.find(toks, { [names.variant("lavrov")] = true, sergei = true }, taken)
      for _, i in ipairs(left) do outside[#outside + 1] = toks:text(i) end
      assert.same({ "LAVROV", "Lavrov", "Sergey" }, outside)
      assert.same({ names.variant("lavrov"), names.variant("lavrov"), "sergei" }, variants)
      assert.has_error(function() names.find(toks, { sergei = true }, {}) end)
      assert.has_error(function() names.find(toks, "lavrov") end)
      toks:close()
   end)

   it("gives the variant of each word it finds, as names.variant gives it", function()
      local toks = core.tokenize("Sergey Lavrov met SERGEI and Lavrov's aide; Mikhail Sarkissian left.")
      local set = {}
      for _, w in ipairs { "sergei", "lavrov", "mihail", "sarkisian" } do set[names.variant(w)] = true end
      local found, variants = names.find(toks, set)
      local words = {}
      for k, i in ipairs(found) do
         words[k] = toks:text(i)
         assert.equal(names.variant(toks:key(i, true)), variants[k])
      end
      assert.same({ "Sergey", "Lavrov", "SERGEI", "Lavrov", "Mikhail", "Sarkissian" }, words)
      assert.same({ "sergei", "lavrov", "sergei", "lavrov", "mihail", "sarkisian" }, variants)
      local none, no_variants = names.find(toks, {})
      assert.same({}, none)
      assert.same({}, no_variants)
      toks:close()
   end)

   describe("keys of spans and runs of known keys", function()
      local text = "Leeds United beat LEEDS UNITED fans.\nUnited won; Leeds lost (PUK) and PUK, puk."
      local toks
      before_each(function() toks = core.tokenize(text) end)
      after_each(function() toks:close() end)
      local function at(word, from) return (text:find(word, from or 1, true)) - 1 end

      it("keys a span by the keys of the tokens it covers", function()
         local s = at("LEEDS")
         assert.equal("leeds united", names.span_key(toks, s, s + #"LEEDS UNITED"))
         assert.equal("leeds united", names.span_key(toks, 0, #"Leeds United"))
         -- from the token at start, through each token that starts before stop
         assert.equal("leeds united", names.span_key(toks, 2, #"Leeds U"))
         assert.equal("", names.span_key(toks, #"Leeds", #"Leeds U"))
         assert.equal("", names.span_key(toks, 0, 0))
         assert.has_error(function() names.span_key(toks, "x", 3) end)
      end)

      it("finds the longest known run from each start, on one line, none inside another", function()
         local known = { ["leeds united"] = "team", leeds = "place", ["united won"] = "x", ["fans united"] = "y" }
         local found, asked = {}, {}
         names.known_runs(toks, known, toks:where("word"), 4, function(i)
            asked[#asked + 1] = toks:text(i)
            return toks:text(i) ~= "Leeds" or toks:get(i, "sent_start") ~= true or true
         end, function(s, e, v) found[#found + 1] = text:sub(s + 1, e) .. "=" .. v end)
         -- "fans\nUnited" crosses a line; "United" inside "LEEDS UNITED" is taken
         assert.same({ "Leeds United=team", "LEEDS UNITED=team", "United won=x", "Leeds=place" }, found)
         assert.same({ "Leeds", "LEEDS", "United", "Leeds" }, asked)
         found = {}
         names.known_runs(toks, known, toks:where("word", "upper"), 1, nil,
            function(s, e, v) found[#found + 1] = text:sub(s + 1, e) .. "=" .. v end)
         assert.same({ "LEEDS=place" }, found)
         found = {}
         names.known_runs(toks, known, toks:where("word"), 4, function() return false end,
            function(s) found[#found + 1] = s end)
         assert.same({}, found)
         assert.has_error(function() names.known_runs(toks, known, { 0 }, 4, nil, print) end)
         assert.has_error(function() names.known_runs(toks, known, {}, "4", nil, print) end,
            "names.known_runs: expected tokens, a table, a table, an integer, a function or nil, a function")
      end)

      it("finds the first token of a token's line", function()
         local won = 0
         for i = 1, #toks do if toks:text(i) == "won" then won = i end end
         assert.equal("United", toks:text(names.line_first(toks, won)))
         assert.equal(1, names.line_first(toks, 3))
         assert.equal(1, names.line_first(toks, 1))
         assert.has_error(function() names.line_first(toks, #toks + 1) end)
      end)

      it("finds the words in capitals of the lines in capitals only", function()
         local t = core.tokenize("KOHL BACK IN BONN\nKohl met the PUK there.\nPUK ( AFP ) - 1996-08-30\nNATO talks")
         local words = {}
         for _, i in ipairs(names.caps_words(t)) do words[#words + 1] = t:text(i) end
         assert.same({ "KOHL", "BACK", "IN", "BONN", "PUK", "AFP" }, words)
         t:close()
         assert.same({}, names.caps_words(toks))
      end)

      it("finds the tokens glued by a hyphen to a word in lower case", function()
         local t = core.tokenize("U.S.-led troops, an Ontario-based firm, Leeds - United, A -b, X- c, Y-Z -")
         local glued = {}
         for _, i in ipairs(names.hyphen_glued(t)) do glued[#glued + 1] = t:text(i) end
         -- (the Lua it stands for: the dashes' tokens asked one by one)
         local want = {}
         for d = 2, #t - 1 do
            if t:kind(d) == "dash" and t:text(d) == "-" and not t:get(d, "space_before")
               and not t:get(d + 1, "space_before") and t:get(d + 1, "case") == "lower" then
               want[#want + 1] = t:text(d - 1)
            end
         end
         assert.same(want, glued)
         assert.is_true(#glued >= 1)
         t:close()
         assert.same({}, names.hyphen_glued(toks))
         assert.has_error(function() names.hyphen_glued({}) end)
      end)

      it("finds the tokens that stand alone between parentheses", function()
         local t = core.tokenize("The Patriotic Union of Kurdistan (PUK) and ( KDP ) met (in Erbil) [UN] (US)")
         local inside = {}
         for _, i in ipairs(names.parenthesised(t)) do
            inside[#inside + 1] = t:text(i)
            assert.equal("(", t:text(i - 1))
            assert.equal(")", t:text(i + 1))
         end
         assert.same({ "PUK", "KDP", "US" }, inside)
         -- none at the text's edges, none in an empty pair
         local edge = core.tokenize("PUK) and () or (KDP")
         assert.same({}, names.parenthesised(edge))
         edge:close()
         t:close()
         local found = names.parenthesised(toks)
         assert.equal(1, #found)
         assert.equal("PUK", toks:text(found[1]))
         assert.has_error(function() names.parenthesised({}) end)
      end)

      it("finds the tokens written exactly as a key of a set", function()
         local function texts(set)
            local out = {}
            for _, i in ipairs(names.find_texts(toks, set)) do out[#out + 1] = toks:text(i) .. "@" .. i end
            return out
         end
         local puk = {}
         for i = 1, #toks do if toks:text(i) == "PUK" then puk[#puk + 1] = "PUK@" .. i end end
         assert.equal(2, #puk)
         assert.same(puk, texts { PUK = "organization" })
         assert.same({}, texts { PUK = false })
         -- more than a few texts: looked up one by one, the same answer
         local many = { PUK = true }
         for k = 1, 20 do many["X" .. k] = true end
         assert.same(puk, texts(many))
         assert.same({}, texts {})
      end)
   end)

   describe("annotations written with a capital", function()
      local function ann(text, phase) return { text = text, phase = phase } end

      it("leaves out those whose text opens with a to z, the list itself when none is", function()
         local list = { ann("Leeds"), ann("UN"), ann(""), ann("1996"), ann("\u{00E9}cole") }
         assert.equal(list, names.capitalised(list))
         local lower = { ann("Leeds"), ann("the Hague"), ann("Paris"), ann("van Gogh") }
         local kept = names.capitalised(lower)
         assert.are_not.equal(lower, kept)
         assert.same({ lower[1], lower[3] }, kept)
         assert.equal(4, #lower)
         assert.same({}, names.capitalised { ann("abc") })
         assert.same({}, names.capitalised {})
      end)

      it("tests only the annotations of a phase when given one", function()
         local list = { ann("leeds", "lexicon"), ann("rules", "names"), ann("Paris", "lexicon"), ann("x") }
         assert.same({ list[2], list[3], list[4] }, names.capitalised(list, "lexicon"))
         assert.same({ list[1], list[3], list[4] }, names.capitalised(list, "names"))
         assert.same({ list[3] }, names.capitalised(list))
      end)

      it("raises on what is no list of annotations", function()
         assert.has_error(function() names.capitalised(nil) end)
         assert.has_error(function() names.capitalised { 1 } end)
         assert.has_error(function() names.capitalised { { text = 3 } } end)
         -- (a text not tested is not read)
         assert.same({ { phase = "x" } }, names.capitalised({ { phase = "x" } }, "lexicon"))
      end)
   end)

   describe("clusters of persons", function()
      local function person(name, title, text)
         return { type = "person", text = text or name, attrs = { name = name, title = title } }
      end
      local SEX_OF = { ellen = "f", john = "m", sergey = "m", sam = "u" }
      local TITLE_SEX = { mrs = "f", ["mr."] = "m", minister = false }

      it("merges a person's mentions by the words of their names", function()
         local ps = { person("Lavrov", nil), person("Sergey Lavrov", "Foreign Minister"), person("Sergei Lavrov"),
            person("Sergey Lavrov"), person("J. Hollis"), person("John Hollis"), person("Ellen"),
            person("Ellen Page", "Mrs Dr."), person("Kim Hollis"), person(" -- ") }
         local clusters, by_last = names.clusters(ps, SEX_OF, TITLE_SEX)
         assert.equal(4, #clusters)
         local lavrov, hollis, page, kim = clusters[1], clusters[2], clusters[3], clusters[4]
         -- the full names first, then the one-word names; the form written most often names it
         assert.same({ ps[2], ps[3], ps[4], ps[1] }, lavrov.mentions)
         assert.equal("Sergey Lavrov", lavrov.canonical)
         assert.equal(names.variant("sergey") .. " " .. names.variant("lavrov"), lavrov.key)
         assert.same({ "Foreign Minister" }, lavrov.titles)
         assert.equal("m", lavrov.sex)   -- (no title word tells it: the first name)
         -- an initial meets the first name; a different first name makes another
         assert.same({ ps[5], ps[6] }, hollis.mentions)
         assert.equal("J. Hollis", hollis.canonical)   -- (a tie: the first written)
         assert.same({ ps[9] }, kim.mentions)
         -- a first name alone joins the one person of that first name
         assert.same({ ps[8], ps[7] }, page.mentions)
         assert.equal("f", page.sex)
         assert.same({}, hollis.titles)
         assert.is_nil(kim.sex)
         -- each mention gets its cluster; a name without words, none
         for _, c in ipairs(clusters) do
            for _, a in ipairs(c.mentions) do assert.equal(c, a.cluster) end
         end
         assert.is_nil(ps[10].cluster)
         assert.equal(kim, by_last[names.variant("hollis")])   -- (the latest of that last name)
         assert.equal(lavrov, by_last[names.variant("lavrov")])
      end)

      it("makes a cluster of one-word names that meet no full name", function()
         local ps = { person("Page"), person("Mr. Page", nil, "Mr. Page"), person("Ellen"), person("Ellen Page"),
            person("Ellen Lee") }
         local clusters = names.clusters(ps, SEX_OF, TITLE_SEX)
         -- (Ellen: two full names of that first name, so a cluster of its own)
         assert.equal(3, #clusters)
         assert.same({ ps[4], ps[1], ps[2] }, clusters[1].mentions)
         assert.same({ ps[3] }, clusters[3].mentions)
         assert.equal("Ellen", clusters[3].canonical)
         assert.equal(names.variant("ellen"), clusters[3].key)
         -- a title without a word of title_sex tells nothing; "u" is no sex
         local c = names.clusters({ person("Sam Ray", "Minister") }, SEX_OF, TITLE_SEX)
         assert.is_nil(c[1].sex)
         assert.equal("m", names.clusters({ person("Sam Ray", "Deputy MR. Speaker") }, SEX_OF, TITLE_SEX)[1].sex)
      end)

      it("clusters as the news pack's Lua once did, on random names", function()
         -- the reference: the pack's former Lua
         local function lua_clusters(persons, sex_of, title_sex)
            local clusters, by_last, by_first = {}, {}, {}
            local function new_cluster(n, first, last)
               local c = { forms = {}, order = {}, mentions = {}, titles = {}, last = last,
                  first = n > 1 and first or nil }
               clusters[#clusters + 1] = c
               by_last[last] = by_last[last] or {}
               table.insert(by_last[last], c)
               return c
            end
            local function add(c, a, n, form, word)
               c.mentions[#c.mentions + 1] = a
               if n > 1 then
                  if not c.forms[form] then c.order[#c.order + 1] = form end
                  c.forms[form] = (c.forms[form] or 0) + 1
               else
                  c.single = c.single or word
               end
               local title = a.attrs.title
               if title then c.titles[#c.titles + 1] = title end
               if not c.sex then
                  local sex
                  if title then
                     for w in title:lower():gmatch("[%a%.]+") do
                        if title_sex[w] then sex = title_sex[w] break end
                     end
                  end
                  local lower = n > 1 and word:lower()
                  c.sex = sex or (lower and sex_of[lower] ~= "u" and sex_of[lower]) or nil
               end
            end
            local singles = {}
            for _, a in ipairs(persons) do
               local n, form, word, first, last = names.words(a.attrs.name or a.text)
               if n > 1 then
                  local found
                  for _, c in ipairs(by_last[last] or {}) do
                     if c.first == first or c.first:byte(1) == first:byte(1) and (#first == 1 or #c.first == 1) then
                        found = c
                     end
                  end
                  add(found or new_cluster(n, first, last), a, n, form, word)
               elseif n == 1 then
                  singles[#singles + 1] = { a, word, first }
               end
            end
            for _, c in ipairs(clusters) do
               if by_first[c.first] == nil then by_first[c.first] = c else by_first[c.first] = false end
            end
            for _, s in ipairs(singles) do
               local list = by_last[s[3]]
               local c = list and list[#list] or by_first[s[3]] or new_cluster(1, s[3], s[3])
               add(c, s[1], 1, nil, s[2])
            end
            local out = {}
            for i, c in ipairs(clusters) do
               local best, most = nil, 0
               for _, form in ipairs(c.order) do
                  if c.forms[form] > most then best, most = form, c.forms[form] end
               end
               out[i] = { canonical = best or c.single, key = (c.first and c.first .. " " or "") .. c.last,
                  sex = c.sex, titles = c.titles, mentions = c.mentions }
            end
            return out
         end
         local words = { "Ann", "Anna", "A.", "Sergey", "Sergei", "Lee", "LEE", "Lees", "Mr.", "Dr.", "--",
            "O'Neill", "Page", "Y", "I" }
         local titles = { false, false, "Mrs", "Mr. Justice", "the minister", "dr. x" }
         local seed = 5
         local function rand(n)
            seed = (seed * 1103515245 + 12345) % 2147483648
            return seed % n + 1
         end
         for _ = 1, 300 do
            local ps = {}
            for i = 1, rand(12) do
               local parts = {}
               for k = 1, rand(4) - 1 do parts[k] = words[rand(#words)] end
               ps[i] = person(table.concat(parts, " "), titles[rand(#titles)] or nil)
            end
            local sex_of = { ann = "f", sergey = "m", lee = "u", page = "f" }
            local title_sex = { mrs = "f", ["mr."] = "m" }
            local got = names.clusters(ps, sex_of, title_sex)
            local want = lua_clusters(ps, sex_of, title_sex)
            assert.equal(#want, #got)
            for i, c in ipairs(want) do
               for _, field in ipairs { "canonical", "key", "sex", "titles", "mentions" } do
                  assert.same(c[field], got[i][field], field)
               end
            end
         end
      end)

      it("reads the title a person's metatable gave another while the clusters were made", function()
         -- the full name's cluster is set first: its __newindex titles the
         -- one-word name, read with no title before
         local plain = person("Lavrov")
         local full = setmetatable(person("Sergey Lavrov"), { __newindex = function(t, k, v)
            rawset(t, k, v)
            if k == "cluster" then plain.attrs.title = "Mr." end
         end })
         local clusters = names.clusters({ full, plain }, { sergey = "m" }, { ["mr."] = "m" })
         assert.equal(1, #clusters)
         assert.same({ "Mr." }, clusters[1].titles)
      end)

      it("raises on what is no list of annotations", function()
         assert.has_error(function() names.clusters({ 1 }, {}, {}) end)
         assert.has_error(function() names.clusters({ { text = "X" } }, {}, {}) end)
         assert.has_error(function() names.clusters({ { attrs = {}, text = 5 } }, {}, {}) end)
         assert.has_error(function() names.clusters({ person("Ann Lee", {}) }, {}, {}) end)
         assert.has_error(function() names.clusters("x", {}, {}) end)
      end)

      it("counts its work against a sandbox's step budget, as the Lua it replaced was counted", function()
         -- n full names of one last name, none of whose first names meets
         -- another's: each is tried against every cluster before it
         local function one_last_name(n, same)
            local ps = {}
            for i = 1, n do
               local first = { "Q" }
               for d in tostring(i):gmatch(".") do first[#first + 1] = string.char(98 + tonumber(d)) .. "a" end
               ps[i] = person(table.concat(first) .. (same and " Smith" or " Smith" .. table.concat(first)))
            end
            return ps
         end
         local ps = one_last_name(2000, true)
         local ok, err, kind = core.limited(200000, 0, names.clusters, ps, {}, {})
         assert.is_false(ok)
         assert.equal("steps", kind)
         assert.matches("step limit exceeded", tostring(err))
         -- as many names of as many last names: well within it (counted
         -- under the default budget, whose CPU time a slow build such as
         -- valgrind's cannot spend)
         local ok2, clusters = core.limited(1000000000, 0, names.clusters, one_last_name(2000, false), {}, {})
         assert.is_true(ok2)
         assert.is_true(core.limit_stats() < 200000)
         assert.equal(2000, #clusters)
         assert.equal(2000, #names.clusters(ps, {}, {}))   -- (outside a sandbox, no budget)
      end)
   end)

   describe("persons shown to be organisations", function()
      local function ent(typ, text, attrs) return { type = typ, text = text, attrs = attrs or {} } end

      it("takes a person named as an organisation, or as its first word, for one", function()
         local lumora = ent("organization", "Lumora Systems", { name = "Lumora Systems Inc" })
         local allied = ent("organization", "Allied Domecq")
         local kept = { lumora, ent("person", "Lumora"), ent("person", "Allied Domecq"),
            ent("person", "Allied Domecq", { title = "Mr" }), allied, ent("location", "Leeds"),
            ent("person", "Ann Lee") }
         local persons, renamed = names.orgs_first(kept)
         assert.same({ kept[4], kept[7] }, persons)
         assert.same({ kept[2], "Lumora Systems Inc", kept[3], "Allied Domecq" }, renamed)
         assert.equal("person", kept[2].type)   -- (nothing changed)
         -- a person's surname stays a person's ("J.R. Hollis", "Hollis Capital")
         local hollis = { ent("organization", "Hollis Capital"), ent("person", "J.R. Hollis"), ent("person", "Hollis") }
         persons, renamed = names.orgs_first(hollis)
         assert.same({ hollis[2], hollis[3] }, persons)
         assert.same({}, renamed)
         -- a first word that ends in punctuation opens no name of its own
         persons = names.orgs_first { ent("organization", "Acme, Inc"), ent("person", "Acme,") }
         assert.equal(1, #persons)
      end)

      it("gives what the news pack's Lua gave, on random entities", function()
         -- the reference: the pack's former Lua (resolve.lua)
         local function lua_orgs_first(kept)
            local org_by_text, orgs, listed, persons, renamed = {}, {}, {}, {}, {}
            for _, a in ipairs(kept) do
               if a.type == "organization" then
                  org_by_text[a.text] = org_by_text[a.text] or a.attrs.name or a.text
                  orgs[#orgs + 1] = a
               end
            end
            for _, a in ipairs(kept) do
               if a.type == "person" then
                  if org_by_text[a.text] and not a.attrs.title then
                     renamed[#renamed + 1], renamed[#renamed + 2] = a, org_by_text[a.text]
                  else
                     listed[#listed + 1] = a
                  end
               end
            end
            local surnames, org_by_first = {}, {}
            for _, a in ipairs(listed) do
               if a.text:find("%s") then
                  local last = a.text:match("%s(%S+)$")
                  if last then surnames[last] = true end
               end
            end
            for _, a in ipairs(orgs) do
               local first = a.text:match("^(%S+)%s")
               if first and not first:sub(-1):match("%p") then
                  org_by_first[first] = org_by_first[first] or a.attrs.name or a.text
               end
            end
            for _, a in ipairs(listed) do
               local t = a.text
               if not t:find("%s") and org_by_first[t] and not a.attrs.title and not surnames[t] then
                  renamed[#renamed + 1], renamed[#renamed + 2] = a, org_by_first[t]
               else
                  persons[#persons + 1] = a
               end
            end
            -- (the Lua took the renamed of both passes in kept's order)
            local at = {}
            for i, a in ipairs(kept) do at[a] = i end
            local pairs_ = {}
            for k = 1, #renamed, 2 do pairs_[#pairs_ + 1] = { renamed[k], renamed[k + 1] } end
            table.sort(pairs_, function(x, y) return at[x[1]] < at[y[1]] end)
            renamed = {}
            for _, p in ipairs(pairs_) do renamed[#renamed + 1], renamed[#renamed + 2] = p[1], p[2] end
            return persons, renamed
         end
         local words = { "Acme", "Lee", "Acme,", "Ann", "X", "" }
         local seps = { " ", "  ", "\t", "" }
         local seed = 11
         local function rand(n)
            seed = (seed * 1103515245 + 12345) % 2147483648
            return seed % n + 1
         end
         for _ = 1, 500 do
            local kept = {}
            for i = 1, rand(10) do
               local parts = {}
               for _ = 1, rand(4) do parts[#parts + 1] = words[rand(#words)] .. seps[rand(#seps)] end
               local typ = ({ "organization", "person", "person", "location" })[rand(4)]
               kept[i] = ent(typ, table.concat(parts), { title = rand(4) == 1 and "Mr" or nil,
                  name = rand(3) == 1 and "N" .. i or nil })
            end
            local want_p, want_r = lua_orgs_first(kept)
            local got_p, got_r = names.orgs_first(kept)
            assert.same(want_p, got_p)
            assert.same(want_r, got_r)
         end
      end)

      it("reads entities that an __index makes afresh, their texts kept while it works", function()
         -- each text is a new string no table holds once read (run under
         -- AddressSanitizer, a text collected before the work shows)
         local list = setmetatable({}, { __len = function() return 40 end, __index = function(_, i)
            collectgarbage()
            for k = 1, 50 do local _ = ("x"):rep(60) .. k end   -- (strings that can take a freed one's place)
            local name = ("Lumora Systems of the long name number %d"):format((i + 1) // 2)
            return ent(i % 2 == 0 and "organization" or "person", name)
         end })
         local persons, renamed = names.orgs_first(list)
         assert.same({}, persons)
         assert.equal(40, #renamed)
         assert.equal("Lumora Systems of the long name number 20", renamed[40])
      end)

      it("keeps the texts read while a person's attrs' __index runs", function()
         -- a plain list, but attrs whose __index gives the first entity a
         -- new text (the same words) and collects the one read before
         -- (run under memcheck or AddressSanitizer, a text read after it
         -- was collected shows)
         -- (41 bytes: a string made afresh each time, not interned)
         local function name() return ("Lumora Systems of the longer name number %d"):format(7) end
         local list
         local touchy = setmetatable({}, { __index = function()
            list[1].text = name()
            collectgarbage()
            for k = 1, 50 do local _ = ("x"):rep(60) .. k end   -- (strings that can take a freed one's place)
            return nil
         end })
         -- (made in a function of its own: no register of this one holds the first text)
         list = (function() return { ent("organization", name()), ent("person", "Lumora", touchy) } end)()
         local persons, renamed = names.orgs_first(list)
         assert.same({}, persons)
         assert.same({ list[2], name() }, renamed)
      end)

      it("raises on what is no list of entities", function()
         assert.has_error(function() names.orgs_first { 1 } end)
         assert.has_error(function() names.orgs_first { { type = "person", attrs = {} } } end)
         assert.has_error(function() names.orgs_first { { type = "organization", text = "X" } } end)
         assert.has_error(function() names.orgs_first "x" end)
      end)
   end)
end)
