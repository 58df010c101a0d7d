-- quarry.attribution: the pairs of quotation marks and the attribution
-- sentences of a document, in C; on sentences written for these specs,
-- and against a walk in Lua over the same tokens (the one the news pack
-- had before) on texts made from pieces.
local attribution = require "quarry.attribution"
local core = require "quarry.core"
local support = require "tests.support"
local wordset = require "quarry.wordset"

local DOUBLE = { ["\u{201C}"] = true, ["\u{201D}"] = true, ['"'] = true, ["\u{201E}"] = true }

local function tok(text) return core.tokenize(text) end

-- The text between the marks of a pair.
local function inside(text, p) return text:sub(p.start + 1, p.stop) end

-- The pairs as a walk in Lua finds them.
local MARKS = wordset.new { "\"", "'" }
local function lua_pairs(toks, text)
   local n, out, stack, top = #toks, {}, {}, {}
   local para, para_stop = nil, 0
   local function flush()
      for _, o in ipairs(stack) do
         if not o.single then
            out[#out + 1] = { open = o.i, start = o.stop, stop = para_stop, single = false }
            break
         end
      end
      stack, top = {}, {}
   end
   local i = n > 0 and MARKS:find(toks, 1, n) or nil
   while i do
      local kind = toks:kind(i)
      if kind == "open_quote" or kind == "close_quote" then
         local p = toks:get(i, "paragraph")
         if p ~= para or para_stop == 0 then
            if para then flush() end
            para = p
            if p then para_stop = select(2, toks:paragraph(p)) else para_stop = select(2, toks:span(n)) end
         end
         local s, e = toks:span(i)
         local single = not DOUBLE[text:sub(s + 1, e)]
         if kind == "open_quote" and not single and top[false] and s > 0 and not text:sub(s, s):match("%s")
            and (e >= #text or text:sub(e + 1, e + 1):match("[%s%p]")) then
            kind = "close_quote"
         end
         if kind == "open_quote" then
            local o = { i = i, stop = e, single = single, below = top[single] }
            stack[#stack + 1] = o
            o.at = #stack
            top[single] = o
         elseif top[single] then
            local o = top[single]
            for _ = o.at, #stack do
               local gone = stack[#stack]
               top[gone.single] = gone.below
               stack[#stack] = nil
            end
            if o.at == 1 or not (stack[1] and not stack[1].single) then
               out[#out + 1] = { open = o.i, close = i, start = o.stop, stop = s, single = single, depth = #stack }
            end
         end
      end
      i = i < n and MARKS:find(toks, i + 1, n) or nil
   end
   flush()
   return out
end

-- The attribution sentences as a walk in Lua finds them.
local function lua_sentences(toks, window)
   local joined, root, long = {}, {}, {}
   local depth, para, extra, cur_s, cur_first, cur_last = 0, nil, 0, nil, nil, nil
   local function add_long()
      local added = (cur_last - cur_first) // window
      long[#long + 1] = { s = cur_s, first = cur_first, before = extra, after = extra + added }
      extra = extra + added
   end
   local paren = 1
   for s, _, _, first, last in toks:sentences() do
      if first > 1 then
         while paren < first do
            local k = toks:key(paren)
            if k == "(" or k == ")" then
               local p = toks:get(paren, "paragraph")
               if p ~= para then para, depth = p, 0 end
               if k == "(" then depth = depth + 1 elseif depth > 0 then depth = depth - 1 end
            end
            paren = paren + 1
         end
         local before = toks:get(first - 1, "paragraph")
         if before ~= para then para, depth = before, 0 end
         if depth > 0 or toks:key(first - 1) == ")" and toks:kind(first) == "word"
            and toks:get(first, "case") == "lower" then
            joined[s], root[s] = first, root[s - 1] or s - 1
         end
      end
      if root[s] then cur_last = last
      else
         if cur_s and cur_last - cur_first + 1 > window then add_long() end
         cur_s, cur_first, cur_last = s, first, last
      end
   end
   if cur_s and cur_last - cur_first + 1 > window then add_long() end
   return joined, root, long
end

-- The attribution sentence of each token, as a walk in Lua finds it.
local function lua_sents(toks, window, root, long)
   local out = {}
   for i = 1, #toks do
      local s = toks:get(i, "sentence")
      if s then
         s = root[s] or s
         local l
         for _, x in ipairs(long) do
            if x.s <= s then l = x end
         end
         if not l then out[i] = s
         elseif l.s == s then out[i] = s + l.before + (i - l.first) // window
         else out[i] = s + l.after end
      end
   end
   return out
end

-- rand(n) -> 1 .. n, the same numbers on every run
local function generator(seed)
   return function(n)
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed % n + 1
   end
end

local PIECES = { "Ada Vance said", " ", " ", "\u{201C}", "\u{201D}", '"', "'", "\u{2018}", "\u{2019}", "We stay",
   ",", ".", "!", " (", ")", " (D-Minn.) ", "reacted", " he", "\n\n", "\n", "Then", "it's", "\u{201C}Frozen\u{201C}",
   " and ", "\u{201E}", ":" }

describe("quarry.attribution", function()
   it("pairs opening and closing marks, a quote inside a quote left out", function()
      local text = "Ada Vance said, \u{201C}The word \u{2018}never\u{2019} is ours.\u{201D} Then she left."
      local found = attribution.pairs(tok(text), DOUBLE)
      assert.equal(1, #found)
      assert.equal("The word \u{2018}never\u{2019} is ours.", inside(text, found[1]))
      assert.is_true(found[1].close > found[1].open)
      assert.is_false(found[1].single)
      assert.equal(0, found[1].depth)
      -- alone, the single marks pair up
      local alone = attribution.pairs(tok("The word \u{2018}never\u{2019} is ours."), DOUBLE)
      assert.equal(1, #alone)
      assert.is_true(alone[1].single)
   end)

   it("keeps only the outermost pairs, by start, when asked", function()
      -- (a double pair inside a single one is among the pairs found, first)
      local text = "\u{2018}The word \u{201C}never\u{201D} is ours,\u{2019} she said. "
         .. "He called it \u{2018}fine\u{2019} and \u{201C}a \u{2018}small\u{2019} step.\u{201D}"
      local toks = tok(text)
      local all = attribution.pairs(toks, DOUBLE)
      assert.equal(4, #all)
      assert.equal("never", inside(text, all[1]))
      local outer = attribution.pairs(toks, DOUBLE, true)
      local got = {}
      for i, p in ipairs(outer) do got[i] = inside(text, p) end
      assert.same({ "The word \u{201C}never\u{201D} is ours,", "fine", "a \u{2018}small\u{2019} step." }, got)
      -- the same pairs as those found, each as it is among them
      for _, p in ipairs(outer) do
         local same
         for _, q in ipairs(all) do
            if q.start == p.start then same = q end
         end
         assert.same(same, p)
      end
      assert.same({}, attribution.pairs(tok(""), DOUBLE, true))
   end)

   it("runs a mark left open to its paragraph's end, and pairs the next paragraph anew", function()
      local text = "\u{201C}We will stay until the end.\n\n\u{201C}And then we go,\u{201D} she said."
      local found = attribution.pairs(tok(text), DOUBLE)
      assert.equal(2, #found)
      local open = found[1].close == nil and found[1] or found[2]
      assert.is_nil(open.close)
      assert.is_nil(open.depth)
      assert.equal("We will stay until the end.", inside(text, open))
   end)

   it("closes with an opening double mark written after a word", function()
      local text = "She loved \u{201C}Frozen\u{201C} and its songs."
      local found = attribution.pairs(tok(text), DOUBLE)
      assert.equal(1, #found)
      assert.equal("Frozen", inside(text, found[1]))
   end)

   it("finds no pairs in a text without marks, nor in the empty text", function()
      assert.same({}, attribution.pairs(tok("No quotes here."), DOUBLE))
      assert.same({}, attribution.pairs(tok(""), DOUBLE))
   end)

   it("joins a sentence begun inside parentheses to the one before", function()
      -- "The vote (it passed." | "Barely.) was close." | "Then rain."
      local toks = tok("The vote (it passed. Barely.) was close. Then rain.")
      assert.equal(3, toks:nsentences())
      local joined, root, long, sents = attribution.sentences(toks, 128)
      assert.same({ [2] = 7 }, joined)
      assert.same({ 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 3, 3 }, sents)
      assert.same({ [2] = 1 }, root)
      assert.same({}, long)
      local joined2, root2 = attribution.sentences(tok("One. Two. Three."), 128)
      assert.same({}, joined2)
      assert.same({}, root2)
   end)

   it("cuts a sentence of more than window tokens into windows", function()
      local text = string.rep("word ", 25) .. "end. Short one. Then " .. string.rep("more ", 11) .. "end."
      local toks = tok(text)
      local joined, root, long, sents = attribution.sentences(toks, 10)
      assert.same({}, joined)
      assert.same({}, root)
      assert.same({ { s = 1, first = 1, before = 0, after = 2 }, { s = 3, first = 31, before = 2, after = 3 } }, long)
      -- tokens 1 .. 10 in window 1, 11 .. 20 in 2, 21 .. 27 in 3; "Short one." is 4; then 5 and 6
      assert.same({ 1, 2, 3, 4, 5, 6 }, { sents[1], sents[11], sents[27], sents[28], sents[31], sents[#toks] })
      assert.same({ 1, 11, 21, 28, 31, 41 }, select(5, attribution.sentences(toks, 10)))
   end)

   it("raises on a bad window or a table of marks that is none", function()
      local toks = tok("Fine.")
      assert.has_error(function() attribution.sentences(toks, 0) end,
         "attribution.sentences: expected a window of at least one token")
      assert.has_error(function() attribution.pairs(toks, "\"") end,
         "attribution.pairs: expected a table of double marks")
   end)

   it("indexes the names among a document's annotations by token", function()
      -- tokens: Mayor(1) Ana(2) Reyes(3) of(4) New(5) York(6) met(7) Acme(8) Corp(9) on(10) Monday(11) .(12)
      local text = "Mayor Ana Reyes of New York met Acme Corp on Monday."
      local toks = tok(text)
      local function ann(ty, s, e) return { type = ty, start = s, stop = e } end
      local reyes, york = ann("person", 6, 15), ann("location", 19, 27)
      local acme, monday = ann("organization", 32, 41), ann("date", 45, 51)
      local nobody = ann("person", 52, 52)          -- touches no token
      local kept = { reyes, york, monday, acme, nobody }
      local at, ends, in_name, persons = attribution.mentions(toks, kept)
      assert.same({ [2] = reyes, [5] = york, [8] = acme }, at)
      assert.equal(reyes, at[2])
      assert.same({ [3] = reyes, [6] = york, [9] = acme }, ends)
      assert.same({ [5] = true, [6] = true, [8] = true, [9] = true }, in_name)
      assert.equal(2, #persons)
      assert.equal(reyes, persons[1])
      assert.equal(nobody, persons[2])
      assert.same({ 2, 3, 5, 6, 8, 9 }, { reyes.first_tok, reyes.last_tok, york.first_tok, york.last_tok,
         acme.first_tok, acme.last_tok })
      assert.is_nil(monday.first_tok)
      assert.is_nil(nobody.first_tok)
      -- a later name with the same first token wins
      local ana = ann("person", 6, 9)
      local at2 = attribution.mentions(toks, { reyes, ana })
      assert.equal(ana, at2[2])
      assert.has_error(function() attribution.mentions(toks, "kept") end,
         "attribution.mentions: expected a table of annotations")
      assert.has_error(function() attribution.mentions(toks, { { type = "person", start = "x", stop = 3 } }) end)
   end)

   it("finds each name's tokens as tokens:cover does, in any order of the names", function()
      local words = {}
      for k = 1, 400 do words[k] = (k % 7 == 0 and "Ms. Vale, " or "word ") .. k end
      local text = table.concat(words, " ")
      local toks = tok(text)
      local rand = generator(20261207)
      local kept, pos = {}, 0
      for k = 1, 600 do
         -- runs sorted by start (as a pack keeps its names), a jump back now and then
         if k % 50 == 0 then pos = rand(#text) - 1 else pos = pos + rand(40) - 1 end
         local start = k % 97 == 0 and -3 or pos
         kept[k] = { type = "person", start = start, stop = start + rand(30) - 1 }
      end
      kept[#kept + 1] = { type = "person", start = #text - 2, stop = #text + 10 }
      attribution.mentions(toks, kept)
      for k, a in ipairs(kept) do
         local first, last = toks:cover(math.max(a.start, 0), a.stop)
         if a.stop <= math.max(a.start, 0) then first, last = nil, nil end
         assert.same({ first, last }, { a.first_tok, a.last_tok }, "name " .. k)
      end
   end)

   it("reads every annotation of kept up to the first nil, through its __index too", function()
      -- tokens: Ana(1) met(2) Acme(3) in(4) Paris(5) .(6)
      local toks = tok("Ana met Acme in Paris.")
      local list = {}
      for k = 1, 100 do      -- more annotations than mentions reads at first
         local ty = ({ "person", "organization", "location", "date" })[k % 4 + 1]
         local s = ({ 0, 8, 16, 8 })[k % 4 + 1]
         list[k] = { type = ty, start = s, stop = s + ({ 3, 4, 5, 5 })[k % 4 + 1] }
      end
      list[102] = { type = "person", start = 0, stop = 3 }   -- after a hole: not read
      local kept = setmetatable({}, { __index = list })    -- #kept is 0
      local at, ends, in_name, persons = attribution.mentions(toks, kept)
      assert.equal(list[100], at[1])
      assert.equal(list[97], at[3])
      assert.equal(list[98], at[5])
      assert.equal(list[98], ends[5])
      assert.same({ [3] = true, [5] = true }, in_name)
      assert.equal(25, #persons)
      assert.equal(list[4], persons[1])
      assert.equal(list[100], persons[25])
      assert.is_nil(list[102].first_tok)
      assert.same({ 5, 5 }, { list[2].first_tok, list[2].last_tok })
      assert.is_nil(list[3].first_tok)
   end)

   it("reads and sets an annotation's fields raw, and refuses one that is not a table", function()
      -- tokens: Ana(1) met(2) Acme(3) .(4)
      local toks = tok("Ana met Acme.")
      local set = {}
      local ana = setmetatable({ type = "person", start = 0, stop = 3 },
         { __newindex = function(_, k, v) set[k] = v end })
      local acme = setmetatable({ start = 8, stop = 12 }, { __index = { type = "organization" } })
      local at, _, in_name, persons = attribution.mentions(toks, { ana, acme })
      assert.same({ ana }, persons)
      assert.same({ 1, 1 }, { rawget(ana, "first_tok"), rawget(ana, "last_tok") })
      assert.same({}, set)
      assert.same({ [1] = ana }, at)          -- acme's type came through __index: no name
      assert.same({}, in_name)
      support.raises(function() attribution.mentions(toks, { ana, "Acme" }) end, "kept[2] is not a table")
      -- kept's __index giving a table, then something else when read again
      local given = {}
      local fickle = setmetatable({}, { __index = function(_, k)
         if k ~= 1 then return nil end
         if given[k] then return 42 end
         given[k] = true
         return { type = "person", start = 0, stop = 3 }
      end })
      support.raises(function() attribution.mentions(toks, fickle) end, "kept[1] is not a table")
   end)

   it("gives each token's key and kind as tokens:get does, made when first read", function()
      local text = "Ada Vance said, \u{201C}We\u{2019}ll stay \u{2014} 42 days.\u{201D}"
      local toks = tok(text)
      local keys, kinds = attribution.columns(toks)
      -- nothing made before a read; a read of either makes both of that token
      assert.is_nil(next(keys))
      assert.is_nil(next(kinds))
      assert.equal(toks:get(3, "key"), keys[3])
      assert.equal("said", rawget(keys, 3))
      assert.equal("word", rawget(kinds, 3))
      assert.is_nil(rawget(keys, 2))
      for i = #toks, 1, -1 do
         assert.equal(toks:get(i, "key"), keys[i])
         assert.equal(toks:get(i, "kind"), kinds[i])
      end
      assert.same(toks:column("key"), keys)
      assert.same(toks:column("kind"), kinds)
      -- nil for any key that is no token number, and nothing kept for it
      for _, k in ipairs { 0, -1, #toks + 1, 2.5, "3", true } do
         assert.is_nil(keys[k])
         assert.is_nil(kinds[k])
      end
      assert.equal(keys[3], keys[3.0])
      -- a float of integral value reads its token, as a table's key does
      local keys_f, kinds_f = attribution.columns(toks)
      assert.equal("said", keys_f[3.0])
      assert.equal("word", kinds_f[3.0])
      -- they keep what they need: read after the tokens are closed
      local keys2, kinds2 = attribution.columns(toks)
      toks:close()
      assert.equal("ada", keys2[1])
      assert.equal("open_quote", kinds2[5])
      -- the empty text
      local none_keys, none_kinds = attribution.columns(tok(""))
      assert.is_nil(none_keys[1])
      assert.is_nil(none_kinds[1])
   end)

   it("starts the quotes of a document from its outermost pairs, without the white space around", function()
      local text = "He said, \u{201C} We stay. \u{201D} Then \u{201C}Go,\u{201D} and \u{201C}  \u{201D}.\n\n"
         .. "\u{201C}Wait\u{2026}\u{201D} She \u{201C}left"
      local toks = tok(text)
      local found, npairs = attribution.quotes(toks, DOUBLE)
      local pairs = attribution.pairs(toks, DOUBLE, true)
      assert.equal(#pairs, npairs)
      assert.equal(5, npairs)
      assert.equal(4, #found)                       -- the pair around white space makes none
      local words = {}
      for i, q in ipairs(found) do words[i] = text:sub(q.start + 1, q.stop) end
      assert.same({ "We stay.", "Go,", "Wait\u{2026}", "left" }, words)
      assert.same({ true, false, true, false }, { found[1].closed_sentence, found[2].closed_sentence,
         found[3].closed_sentence, found[4].closed_sentence })
      assert.same({ false, true, false, false }, { found[1].soft_end, found[2].soft_end, found[3].soft_end,
         found[4].soft_end })
      assert.equal(pairs[1].open, found[1].open)
      assert.equal(pairs[1].close, found[1].close)
      assert.is_nil(found[4].close)                 -- left open at the paragraph's end
      assert.same({ 1, 1, 2, 2 }, { found[1].para, found[2].para, found[3].para, found[4].para })
      assert.equal(toks:get(found[3].open, "paragraph"), found[3].para)
      local none, n0 = attribution.quotes(tok(""), DOUBLE)
      assert.same({}, none)
      assert.equal(0, n0)
      assert.has_error(function() attribution.quotes(toks, "\"") end,
         "attribution.quotes: expected a table of double marks")
      -- room for the caller's fields changes no record
      local roomy = attribution.quotes(toks, DOUBLE, 17)
      assert.same(found, roomy)
      assert.has_error(function() attribution.quotes(toks, DOUBLE, -1) end,
         "attribution.quotes: expected room for 0 to 64 fields")
   end)

   it("makes a document's record in one call, its methods reached through a metatable", function()
      local text = "Mayor Ana Reyes said it. (She left.) Then she went."
      local toks = tok(text)
      local reyes = { type = "person", start = 6, stop = 15 }
      local methods = { key = function(doc, i) return doc.keys[i] end }
      local doc = attribution.document(toks, { reyes }, 3, methods)
      assert.equal(toks, doc.toks)
      assert.equal(#toks, doc.n)
      assert.same({ reyes }, doc.kept)
      assert.equal(toks.get, doc.get)
      assert.equal(toks.span, doc.span)
      assert.equal("said", doc:key(4))
      assert.is_nil(rawget(doc, "key"))
      local keys, kinds = attribution.columns(toks)
      for i = 1, #toks do
         assert.equal(keys[i], doc.keys[i])
         assert.equal(kinds[i], doc.kinds[i])
      end
      local joined, root, long, sents, starts = attribution.sentences(toks, 3)
      assert.same({ joined, root, long, starts }, { doc.joined, doc.root, doc.long, doc.starts })
      -- (doc.sents: each token's sentence looked up when read, nothing stored)
      for i = 0, #toks + 1 do
         assert.equal(sents[i], doc.sents[i])
         assert.equal(sents[i], doc.sents[i + 0.0])
      end
      for _, k in ipairs { 2.5, "3", true } do assert.is_nil(doc.sents[k]) end
      assert.is_nil(next(doc.sents))
      local at, ends, in_name, persons = attribution.mentions(toks, { reyes })
      assert.same({ at, ends, in_name, persons }, { doc.at, doc.ends, doc.in_name, doc.persons })
      assert.same({ 2, 3 }, { reyes.first_tok, reyes.last_tok })
      for _, k in ipairs { "cache", "cues", "cases", "paras" } do assert.same({}, doc[k]) end
      -- a method added later is reached too
      methods.sent = function(d, i) return d.sents[i] end
      assert.equal(sents[4], doc:sent(4))
      assert.has_error(function() attribution.document(toks, "kept", 3, methods) end,
         "attribution.document: expected a table of annotations")
      assert.has_error(function() attribution.document(toks, {}, 0, methods) end,
         "attribution.document: expected a window of at least one token")
      assert.has_error(function() attribution.document(toks, {}, 3) end,
         "attribution.document: expected a table of methods")
   end)

   it("tells title-like words, over a whole text or the bytes of a quote", function()
      local title_like = attribution.title_test { "of", "the", "&" }
      assert.is_true(title_like("Harbour Nights."))
      assert.is_true(title_like("Channel 9 Sunday,"))
      assert.is_true(title_like("13th"))
      assert.is_true(title_like("The Lord of the Rings"))
      assert.is_true(title_like("(Pride & Prejudice)"))
      assert.is_false(title_like("the plan"))             -- "plan" opens on a small letter
      assert.is_false(title_like("of the"))               -- no word but small ones
      assert.is_false(title_like("...  ,"))               -- nothing but punctuation
      assert.is_false(title_like(""))
      assert.is_false(title_like("One Two Three Four Five Six Seven Eight"))
      assert.is_true(title_like("One Two Three Four Five Six Seven"))
      assert.is_false(title_like("\u{00C9}cole Normale"))   -- a capital past ASCII is no A-Z
      assert.is_true(title_like("Of Mice"))                -- small words are compared as written: "Of" counts
      local text = "on Channel 9's \u{201C}Early Edition,\u{201D} he said"
      local s = text:find("Early", 1, true) - 1
      local e = text:find(",", s, true)
      assert.is_true(title_like(text, s, e))
      assert.is_false(title_like(text, 0, e))
      assert.is_false(title_like(text, e, s))
      assert.has_error(function() attribution.title_test("of") end, "attribution.title_test: expected a list of words")
      assert.has_error(function() attribution.title_test { "" } end)
   end)

   it("finds the pairs and sentences a walk in Lua finds, on texts made from pieces", function()
      local rand = generator(20261206)
      for round = 1, 300 do
         local parts = {}
         -- (one text in ten long enough for more marks than pairing keeps off the heap)
         for k = 1, rand(round % 10 == 0 and 600 or 40) do parts[k] = PIECES[rand(#PIECES)] end
         local text = table.concat(parts)
         local toks = tok(text)
         assert.same(lua_pairs(toks, text), attribution.pairs(toks, DOUBLE), text)
         local window = rand(6)
         local j1, r1, l1 = lua_sentences(toks, window)
         local j2, r2, l2, s2, f2 = attribution.sentences(toks, window)
         local s1 = lua_sents(toks, window, r1, l1)
         assert.same(s1, s2, text)
         local f1 = {}
         for i = #toks, 1, -1 do
            if s1[i] then f1[s1[i]] = i end
         end
         assert.same(f1, f2, text)
         assert.same(j1, j2, text)
         assert.same(r1, r2, text)
         assert.same(l1, l2, text)
      end
   end)

   -- the markers of terms, as the news pack's walk in Lua found them (quotes/terms.lua before C)
   local MARKERS = {
      { keys = { "known", "as" }, kind = "nickname", where = "before" },
      { keys = { "so-called" }, kind = "scare", where = "before" },
      { keys = { "called" }, kind = "title", where = "before_title" },
      { keys = { "dubbed" }, kind = "nickname", where = "before_far" },
      { keys = { "call" }, kind = "nickname", where = "what_before" },
      { keys = { "star" }, kind = "title", where = "after" },
      { keys = { "means" }, kind = "mention", where = "after" },
   }
   local DETS = { "the", "a", "this" }

   local function lua_marker(toks, text, o, close, start, stop, title, sents, starts)
      local n, key, kind = #toks, function(i) return toks:key(i) end, function(i) return toks:kind(i) end
      local before, after, far_words, dets = {}, {}, {}, {}
      for _, d in ipairs(DETS) do dets[d] = true end
      for _, e in ipairs(MARKERS) do
         local by, near = before, e.keys[#e.keys]
         if e.where == "after" then by, near = after, e.keys[1] end
         by[near] = by[near] or {}
         table.insert(by[near], e)
         if e.where == "before_far" then far_words[near] = true end
      end
      local function spells(keys, t, dir)
         local first = dir == 1 and t or t - #keys + 1
         if first < 1 or first + #keys - 1 > n then return false end
         for i = 1, #keys do if key(first + i - 1) ~= keys[i] then return false end end
         return true
      end
      local function after_what(t)
         for u = t - 1, math.max(1, t - 5), -1 do
            if key(u) == "what" or key(u) == "which" then return true end
            if kind(u) ~= "word" then return false end
         end
         return false
      end
      local function marker_at(list, t, dir, far, named)
         if not list or toks:get(t, "case") ~= "lower" and starts[sents[t]] ~= t then return nil end
         for _, e in ipairs(list) do
            if (title or e.where ~= "before_title") and (not far or e.where == "before_far")
               and (e.where ~= "what_before" or named and after_what(t - #e.keys + 1)) and spells(e.keys, t, dir) then
               return e
            end
         end
      end
      local b, h, e3, sp = text:byte(start + 1, start + 4 < stop and start + 4 or stop)
      local named = b ~= nil and (b >= 65 and b <= 90 or b == 116 and h == 104 and e3 == 101
         and (sp == 32 or sp ~= nil and sp >= 9 and sp <= 13))
      for t = o - 1, o - 2, -1 do
         local list = t >= 1 and (t == o - 1 or dets[key(o - 1)]) and before[key(t)]
         local e = list and marker_at(list, t, -1, false, named)
         if e then return e.kind, t - #e.keys + 1, t end
      end
      local lo, k3 = math.max(1, o - 7), o > 3 and kind(o - 3)
      local far = false
      if k3 == "word" or k3 == "number" then
         for t = o - 3, lo, -1 do far = far or far_words[key(t)] or false end
      end
      for t = o - 3, far and lo or o - 2, -1 do
         if kind(t) ~= "word" and kind(t) ~= "number" then break end
         local e = marker_at(before[key(t)], t, -1, true)
         if e then return e.kind, t - #e.keys + 1, t end
      end
      local j = close and close + 1
      local e = j and j <= n and marker_at(after[key(j)], j, 1)
      if e then return e.kind, j, j + #e.keys - 1 end
      return nil
   end

   -- the marker test of a text's first pair of marks, in C and by the walk above
   local function markers_of(test, text, title)
      local toks = tok(text)
      local p = attribution.pairs(toks, DOUBLE, true)[1]
      local sents, starts = select(4, attribution.sentences(toks, 128))
      local want = { lua_marker(toks, text, p.open, p.close, p.start, p.stop, title, sents, starts) }
      local got = { test(toks, text, p.open, p.close, p.start, p.stop, title, sents, starts) }
      assert.same(want, got, text)
      return got[1], got[2] and toks:text(got[2]), got[3] and toks:text(got[3])
   end

   it("finds the marker that makes the words in quotation marks a term", function()
      local test = attribution.markers(MARKERS, DETS)
      assert.same({ "nickname", "known", "as" }, { markers_of(test, 'The ship, known as "Nightjar", sailed.') })
      assert.same({ "nickname", "known", "as" }, { markers_of(test, 'A band known as the "Gang of Five" played.') })
      assert.same({ "scare", "so-called", "so-called" },
         { markers_of(test, 'She mocked the so-called "soft landing".') })
      -- only for title-like words
      assert.same({ "title", "called", "called" }, { markers_of(test, 'A group called "Keep the Promise" met.', true) })
      assert.same({}, { markers_of(test, 'A group called "Keep the Promise" met.', false) })
      -- a few words before, over words only
      assert.same({ "nickname", "dubbed", "dubbed" },
         { markers_of(test, "Critics dubbed this year's push \"the last dance\" on Monday.") })
      assert.same({}, { markers_of(test, 'Critics dubbed it, then the push "the last dance" went on.') })
      -- after "what" or "which", for words that look like a name
      assert.same({ "nickname", "call", "call" }, { markers_of(test, 'It is what officials call "Ice District" now.') })
      assert.same({ "nickname", "call", "call" }, { markers_of(test, 'It is what officials call "the tower" now.') })
      assert.same({}, { markers_of(test, 'It is what officials call "changing conditions" now.') })
      assert.same({}, { markers_of(test, 'Officials call "Ice District" home.') })
      -- right after the closing mark
      assert.same({ "title", "star", "star" }, { markers_of(test, 'The "Rust Is Gold" star arrived.') })
      assert.same({ "mention", "means", "means" }, { markers_of(test, 'Nobody knows what "lagom" means here.') })
      assert.same({}, { markers_of(test, 'He said "we will win" and left.') })
      -- in capitals only where it opens its sentence
      assert.same({ "nickname", "Dubbed", "Dubbed" }, { markers_of(test, 'Dubbed "the tower" by locals, it rose.') })
      assert.same({}, { markers_of(test, 'Locals, Dubbed "the tower" fans, came.') })
      assert.same({}, { markers_of(test, '"Alone" at the start.') })
   end)

   it("finds the markers a walk in Lua finds, on texts made from pieces", function()
      local test = attribution.markers(MARKERS, DETS)
      local pieces = { "known ", "as ", "the ", "a ", "this ", "so-called ", "called ", "Called ", "dubbed ", "Dubbed ",
         "call ", "what ", "which ", "star ", "means ", "push ", "Ice ", "plan ", "7 ", ", ", ". ", "\u{201C}",
         "\u{201D} ", '"', "They ", "\n\n" }
      local rand, hits = generator(20261208), 0
      for _ = 1, 400 do
         local parts = {}
         for k = 1, rand(30) do parts[k] = pieces[rand(#pieces)] end
         local text = table.concat(parts)
         local toks = tok(text)
         local sents, starts = select(4, attribution.sentences(toks, 128))
         for _, p in ipairs(attribution.pairs(toks, DOUBLE, true)) do
            local title = rand(2) == 1
            local want = { lua_marker(toks, text, p.open, p.close, p.start, p.stop, title, sents, starts) }
            if want[1] then hits = hits + 1 end
            assert.same(want,
               { test(toks, text, p.open, p.close, p.start, p.stop, title, sents, starts) }, text)
         end
      end
      assert.is_true(hits >= 40)   -- (the pieces make markers often enough to test them)
   end)

   it("raises on a marker list it cannot read, naming the caller", function()
      assert.has_error(function() attribution.markers("known as", {}) end,
         "attribution.markers: expected a list of markers and a list of determiners")
      assert.has_error(function() attribution.markers({ { keys = {}, kind = "scare", where = "before" } }, {}) end,
         "attribution.markers: marker 1 needs 1 to 64 keys")
      assert.has_error(function() attribution.markers({ { keys = { "x" }, kind = "scare", where = "near" } }, {}) end,
         "attribution.markers: marker 1 has an unknown where")
      assert.has_error(function() attribution.markers({ { keys = { "x" }, where = "after" } }, {}) end,
         "attribution.markers: marker 1 has no kind")
      assert.has_error(function() attribution.markers({}, { 3 }) end, "attribution.markers: determiner 1 is not a word")
   end)

   it("reads each marker once, and raises for tokens closed while it reads the sentences", function()
      -- a marker whose fields come from a metatable that answers the
      -- first read and then another ("keys" grows): the test keeps what
      -- it read first (a second read would not fit what the first sized)
      local reads = {}
      local marker = setmetatable({}, { __index = function(_, k)
         reads[k] = (reads[k] or 0) + 1
         if k == "where" then return "before" end
         if k == "kind" then return reads.kind == 1 and "nickname" or "scare" end
         if k == "keys" then return reads.keys == 1 and { "dubbed" } or { "called", "plain" } end
      end })
      local test = attribution.markers({ marker }, { "the" })
      assert.same({ where = 1, kind = 1, keys = 1 }, reads)
      local text = 'Dubbed "the tower" by locals, it rose.'
      local toks = tok(text)
      local p = attribution.pairs(toks, DOUBLE, true)[1]
      local sents, starts = select(4, attribution.sentences(toks, 128))
      assert.same({ "nickname", 1, 1 }, { test(toks, text, p.open, p.close, p.start, p.stop, false, sents, starts) })
      -- the sentences may be read through a metamethod (a document's
      -- are); one that closes the tokens the test is reading makes it
      -- raise, not read the freed arrays
      local proxy = setmetatable({}, { __index = function(_, i) return sents[i] end })
      assert.same({ "nickname", 1, 1 }, { test(toks, text, p.open, p.close, p.start, p.stop, false, proxy, starts) })
      local closing = setmetatable({}, { __index = function(_, i)
         toks:close()
         return sents[i]
      end })
      assert.has_error(function() test(toks, text, p.open, p.close, p.start, p.stop, false, closing, starts) end,
         "attempt to use a closed quarry.Tokens")
      toks:close()
   end)
end)
