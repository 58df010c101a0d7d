-- Specs for gazetteers: quarry.gazetteer (new, load) and the
-- quarry.Gazetteer methods (add, load, load_table, entry, match, close),
-- on a news fixture with people, places and organisations, name variants,
-- diacritics, punctuation and non-Latin scripts.
local quarry = require "quarry"
local core = require "quarry.core"
local raises = require("tests.support").raises

local gazetteer = quarry.gazetteer

local here = (debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "tests/")
local function path_of(name) return here .. "fixtures/" .. name end
local fixture = require("tests.support").fixture


-- The canonical names of the matches, in order.
local function canon(matches)
   local out = {}
   for i, m in ipairs(matches) do out[i] = m.canonical end
   return out
end

-- The matched text of each match.
local function spans(text, matches)
   local out = {}
   for i, m in ipairs(matches) do out[i] = text:sub(m.start + 1, m.stop) end
   return out
end

local function gaz_of(phrases, opts)
   local g = gazetteer.new(opts)
   for _, p in ipairs(phrases) do g:add(p[1], p[2], p[3], p[4]) end
   return g
end

local function match_text(g, text, opts)
   local toks <close> = quarry.tokenize(text)
   return g:match(toks, opts)
end

describe("quarry.gazetteer", function()
   local news = fixture("gazetteer_news.txt")

   describe("building", function()
      it("is exposed as quarry.gazetteer and quarry.core.gazetteer", function()
         assert.is_function(gazetteer.new)
         assert.is_function(gazetteer.load)
         assert.is_function(core.gazetteer)
         local g = core.gazetteer()
         assert.is_true(gazetteer.is_gazetteer(g))
         assert.is_false(gazetteer.is_gazetteer({}))
         assert.equal("case", g:fold())
      end)

      it("adds phrases with canonical names, types and attrs; aliases share an entry", function()
         local g = gazetteer.new()
         local lavrov = g:add("Sergei Lavrov", nil, "person", '{"country": "RU"}')
         assert.equal(1, lavrov)
         assert.equal(lavrov, g:add("Sergey Lavrov", "Sergei Lavrov", "person"))
         assert.equal(lavrov, g:add("Lavrov", "Sergei Lavrov", "person"))
         assert.equal(lavrov, g:add("Lavrov", "Sergei Lavrov", "person"))      -- twice: no change
         local ny = g:add("New York")
         assert.equal(2, ny)
         local georgia = g:add("Georgia", "Georgia (US state)", "place")
         assert.are_not.equal(georgia, g:add("Georgia", "Georgia", "country"))
         assert.equal(4, #g)
         assert.equal(6, g:phrases())
         assert.equal(2, g:longest())
         assert.same({ "Sergei Lavrov", "person", '{"country": "RU"}' }, { g:entry(lavrov) })
         assert.same({ "New York" }, { g:entry(ny) })
         local c, t, a = g:entry(ny)
         assert.equal("New York", c)
         assert.is_nil(t)
         assert.is_nil(a)
         assert.matches("^quarry.Gazetteer %(case%): 4 entries, 6 phrases$", tostring(g))
         assert.is_true(g:memsize() > 0)
      end)

      it("uses the phrase from its first to its last token as the default canonical name", function()
         local g = gazetteer.new()
         local id = g:add("  New   York \n")
         assert.equal("New   York", (g:entry(id)))
         -- an empty canonical means the phrase itself: here another name, another entry
         assert.equal(id + 1, g:add("new york", ""))
         assert.equal("new york", (g:entry(id + 1)))
         assert.equal(2, #g)
      end)

      it("rejects misuse", function()
         local g = gazetteer.new()
         raises(function() g:add("") end, "the phrase has no tokens")
         raises(function() g:add("   \n") end, "the phrase has no tokens")
         raises(function() g:add(("a "):rep(129)) end, "longer than 128 tokens")
         raises(function() g:add("x", nil, nil, "[1]") end, "attrs must be a JSON object")
         raises(function() g:add({}) end, "string expected")
         raises(function() g:add("x", {}) end, "string expected")
         raises(function() g:entry(1) end, "entry id out of range")
         g:add("x")
         raises(function() g:entry(0) end, "entry id out of range")
         raises(function() g:entry(2) end, "entry id out of range")
         raises(function() g:entry("one") end, "number expected")
         assert.equal(1, #g)
         raises(function() gazetteer.new({ fold = "upper" }) end,
                "option 'fold' must be \"case\", \"bare\" or \"exact\"")
         raises(function() gazetteer.new({ folds = "case" }) end, "unknown option 'folds'")
         raises(function() gazetteer.new("case") end, "bad argument #1 to 'new'")
         raises(function() core.gazetteer({ [1] = true }) end, "option names must be strings")
      end)
   end)

   describe("loading", function()
      it("loads a TSV file: comments, blank lines, empty canonical names, attrs", function()
         local g = assert(gazetteer.load(path_of("gazetteer.tsv")))
         assert.equal(14, #g)
         assert.equal(23, g:phrases())
         local g2 = gazetteer.new()
         assert.equal(23, g2:load(path_of("gazetteer.tsv")))
         assert.same({ "Sergei Lavrov", "person", '{"role": "foreign minister", "country": "RU"}' }, { g2:entry(1) })
         assert.equal(23, g2:load(path_of("gazetteer.tsv")))    -- again: nothing new
         assert.equal(14, #g2)
         assert.equal(23, g2:phrases())
      end)

      it("reports a malformed line as nil, path:line: problem, keeping the lines before it", function()
         local path = path_of("gazetteer_bad.tsv")
         local g, err = gazetteer.load(path)
         assert.is_nil(g)
         assert.equal(path .. ":3: expected phrase<TAB>canonical<TAB>type[<TAB>attrs], found 2 fields", err)
         local g2 = gazetteer.new()
         local n, err2 = g2:load(path)
         assert.is_nil(n)
         assert.equal(err, err2)
         assert.equal(1, #g2)
      end)

      it("reports other malformed lines", function()
         local path = os.tmpname()
         local function try(content)
            local f = assert(io.open(path, "wb"))
            f:write(content)
            f:close()
            local _, err = gazetteer.load(path)
            return err
         end
         assert.equal(path .. ":2: too many fields (5 or more; at most 4: phrase, canonical, type, attrs)",
                      try("a\t\tx\nb\tB\tx\t{}\textra\n"))
         assert.equal(path .. ":1: attrs must be a JSON object ({...})", try("a\tA\tx\tnot json\n"))
         assert.equal(path .. ":3: the phrase has no tokens", try("a\t\t\n\n \t\tx\n"))
         assert.is_nil(try("\xEF\xBB\xBF# a BOM, then a comment\r\nParis\t\tplace\r\nLyon\t\tplace"))
         os.remove(path)
      end)

      it("returns nil, message for a file that cannot be read", function()
         local g, err = gazetteer.load(path_of("no_such_gazetteer.tsv"))
         assert.is_nil(g)
         assert.matches("no_such_gazetteer.tsv: ", err, 1, true)
         local g2 = gazetteer.new()
         local n, err2 = g2:load(here .. "fixtures")      -- a directory
         assert.is_nil(n)
         assert.is_string(err2)
      end)

      it("loads one phrase a line with format = \"lines\" and a default type", function()
         local path = os.tmpname()
         local f = assert(io.open(path, "wb"))
         f:write("# capitals\nParis\n\nBerlin\nWashington, D.C.\n")
         f:close()
         local g = assert(gazetteer.load(path, { format = "lines", type = "city" }))
         os.remove(path)
         assert.equal(3, #g)
         assert.same({ "Washington, D.C.", "city" }, { g:entry(3) })
         assert.same({ "Washington, D.C." }, canon(match_text(g, "He flew to Washington, D.C. on Monday.")))
      end)

      it("loads Lua lists: strings, {phrase, ...} and {names = {...}, ...} items", function()
         local g = assert(gazetteer.load({
            "Kyiv",
            { "Kiev", canonical = "Kyiv", type = "place" },
            { names = { "Volodymyr Zelensky", "Zelenskyy", "Zelensky" }, type = "person",
              attrs = { country = "UA" } },
            { "António Guterres", names = { "Guterres" }, type = "person" },
         }, { type = "misc" }))
         -- Kyiv (misc: the default type), Kyiv (place), Zelensky, Guterres
         assert.equal(4, #g)
         local c, t, a = g:entry(3)
         assert.equal("Volodymyr Zelensky", c)
         assert.equal("person", t)
         assert.equal('{"country":"UA"}', a)
         assert.same({ "Kyiv", "misc" }, { g:entry(1) })
         local m = match_text(g, "Zelenskyy met Guterres in Kiev.")
         assert.same({ "Volodymyr Zelensky", "António Guterres", "Kyiv" }, canon(m))
         assert.same({ "person", "person", "place" }, { m[1].type, m[2].type, m[3].type })
         assert.equal(1, g:load_table({ "Kyiv" }, { type = "misc" }))
         assert.equal(4, #g)
      end)

      it("rejects malformed lists and options", function()
         raises(function() gazetteer.load({ "a", 5 }) end, "item 2 must be a string or a table")
         raises(function() gazetteer.load({ { names = { "b", 5 } } }) end, "item 1: 'names' must be a list of strings")
         raises(function() gazetteer.load({ { canonical = "x" } }) end, "item 1 has no phrase")
         raises(function() gazetteer.load({ { "a", type = 5 } }) end, "item 1: 'type' must be a string")
         raises(function() gazetteer.load({ "" }) end, "item 1: the phrase has no tokens")
         raises(function() gazetteer.load({ { "a", attrs = { f = print } } }) end, "attrs cannot be encoded")
         raises(function() gazetteer.load({ "a" }, { format = "tsv" }) end, "applies to files only")
         raises(function() gazetteer.load({ "a" }, { fold = "up" }) end, "option 'fold'")
         raises(function() gazetteer.load({ "a" }, { colour = 1 }) end, "unknown option 'colour'")
         raises(function() gazetteer.load("x.tsv", { format = "csv" }) end, "option 'format' must be")
         raises(function() gazetteer.load("x.tsv", { type = 1 }) end, "option 'type' must be a string")
         raises(function() gazetteer.load(42) end, "a path or a list expected")
         raises(function() gazetteer.load({}, "case") end, "bad argument #2 to 'load'")
         local g = gazetteer.new()
         raises(function() g:load_table("a") end, "table expected")
         raises(function() g:load_table({}, { fold = "case" }) end, "unknown option 'fold'")
         raises(function() g:load({}) end, "string expected")
         raises(function() g:load("x", { format = 1 }) end, "option 'format' must be")
      end)
   end)

   describe("matching the news fixture", function()
      local g = assert(gazetteer.load(path_of("gazetteer.tsv")))
      local toks = quarry.tokenize(news)

      it("finds the longest match at each position, left to right, without overlaps", function()
         local m = g:match(toks)
         assert.same({
            "Geneva", "Sergei Lavrov", "United States", "Antony Blinken", "Geneva", "New York Times",
            "Sergei Lavrov", "Nagorno-Karabakh", "Yerevan", "Bosnia and Herzegovina", "European Union",
            "Sarajevo", "United States", "Sarajevo", "Łódź", "New York", "Yerevan", "Athens", "Moscow",
            "Sergei Lavrov", "New York",
         }, canon(m))
         assert.same({
            "GENEVA", "Sergei Lavrov", "U.S.", "Antony Blinken", "Geneva", "New York Times",
            "SERGEY LAVROV", "Nagorno-Karabakh", "Yerevan", "Bosnia-Herzegovina", "European Union",
            "Sarajevo", "U.S.", "Sarajevo", "Łódź", "New York", "Երևան", "Αθήνα", "Москва",
            "Lavrov", "New York",
         }, spans(news, m))
         for i = 2, #m do assert.is_true(m[i].first > m[i - 1].last) end
      end)

      it("gives token numbers, byte offsets, entry ids, types and attrs", function()
         local m = g:match(toks)[2]
         assert.equal("Sergei Lavrov", news:sub(m.start + 1, m.stop))
         assert.equal(m.start, (toks:span(m.first)))
         assert.equal(m.stop, select(2, toks:span(m.last)))
         assert.equal("Sergei", toks[m.first].text)
         assert.equal("Lavrov", toks[m.last].text)
         assert.equal(1, m.entry)
         assert.equal("person", m.type)
         assert.equal('{"role": "foreign minister", "country": "RU"}', m.attrs)
         local un = g:match(toks)[11]
         assert.equal("European Union", un.canonical)
         assert.is_nil(un.attrs)
      end)

      it("returns every match with all = true, longest first at each token", function()
         local m = g:match(toks, { all = true })
         local at = {}
         for _, x in ipairs(m) do
            if x.canonical:match("^New York") then at[#at + 1] = x.canonical .. "@" .. x.first end
         end
         assert.same({ "New York Times@25", "New York@25", "New York@93", "New York@131" }, at)
         local names = {}
         for _, x in ipairs(m) do
            if x.canonical == "Sergei Lavrov" then names[#names + 1] = news:sub(x.start + 1, x.stop) end
         end
         assert.same({ "Sergei Lavrov", "Lavrov", "SERGEY LAVROV", "LAVROV", "Lavrov" }, names)
         for i = 2, #m do assert.is_true(m[i].first >= m[i - 1].first) end
      end)

      it("does not match across a paragraph break", function()
         -- "...late in New York\n\nTimes reporters..." is New York, not the newspaper
         local last = g:match(toks)[21]
         assert.equal("New York", last.canonical)
         assert.same({ "New York Times" }, canon(match_text(g, "late in New York Times reporters")))
         local across = match_text(g, "late in New York\n\nTimes reporters", { within = "text" })
         assert.same({ "New York Times" }, canon(across))
      end)
   end)

   describe("folding", function()
      local phrases = {
         { "Łódź", nil, "place" }, { "Genève", "Geneva", "place" }, { "Москва", "Moscow", "place" },
         { "Σίσυφος", "Sisyphus", "myth" }, { "Երևան", "Yerevan", "place" },
      }
      local text = "ŁÓDŹ, Lodz, Łódź; GENÈVE, Geneve; МОСКВА, Москва; ΣΊΣΥΦΟΣ; ԵՐԵՒԱՆ, Երևան"

      it("is case-insensitive by default, with full Unicode case folding", function()
         local g = gaz_of(phrases)
         assert.same({ "ŁÓDŹ", "Łódź", "GENÈVE", "МОСКВА", "Москва", "ΣΊΣΥΦΟΣ", "ԵՐԵՒԱՆ", "Երևան" },
                     spans(text, match_text(g, text)))
      end)

      it("also ignores diacritics with fold = \"bare\"", function()
         local g = gaz_of(phrases, { fold = "bare" })
         assert.equal("bare", g:fold())
         assert.same({ "ŁÓDŹ", "Lodz", "Łódź", "GENÈVE", "Geneve", "МОСКВА", "Москва", "ΣΊΣΥΦΟΣ", "ԵՐԵՒԱՆ", "Երևան" },
                     spans(text, match_text(g, text)))
      end)

      it("compares token text as is with fold = \"exact\"", function()
         local g = gaz_of(phrases, { fold = "exact" })
         assert.same({ "Łódź", "Москва", "Երևան" }, spans(text, match_text(g, text)))
         local news_g = assert(gazetteer.load(path_of("gazetteer.tsv"), { fold = "exact" }))
         local found = canon(match_text(news_g, news))
         assert.equal("Sergei Lavrov", found[1])         -- GENEVA and SERGEY LAVROV do not match
         assert.equal(19, #found)
      end)

      it("unifies quotation marks and apostrophes unless exact", function()
         local g = gaz_of({ { "“Iron Dome”", "Iron Dome", "system" }, { "O'Brien", nil, "person" } })
         local text2 = 'the "Iron Dome" and O’Brien'
         assert.same({ '"Iron Dome"', "O’Brien" }, spans(text2, match_text(g, text2)))
         local e = gaz_of({ { "“Iron Dome”" }, { "O'Brien" } }, { fold = "exact" })
         assert.same({}, match_text(e, text2))
      end)

      it("folds long words, every ASCII capital and a backquote as it folds short ones", function()
         -- (the keys of ASCII words are made eight bytes at a time)
         local g = gaz_of({ { "Internationalisation Committee", nil, "org" }, { "ABCDEFGHIJKLMNOPQRSTUVWXYZ@[" },
            { "rock 'n' roll", nil, "genre" }, { "Zz" } })
         local text2 = "The INTERNATIONALISATION committee heard abcdefghijklmnopqrstuvwxyz@[ and "
            .. "Rock `n' Roll, then zZ"
         assert.same({ "INTERNATIONALISATION committee", "abcdefghijklmnopqrstuvwxyz@[", "Rock `n' Roll", "zZ" },
                     spans(text2, match_text(g, text2)))
         -- neighbours of the capitals in ASCII are not folded into them
         assert.same({}, match_text(g, "abcdefghijklmnopqrstuvwxyz`{"))
         assert.same({}, match_text(gaz_of({ { "[\\]^_" } }), "{|}~_"))
      end)
   end)

   describe("phrases and tokens", function()
      it("finds every word of a list that grew to thousands of words, and no word it lacks", function()
         -- the list's words are looked up past a filter of them that grows with it
         local g = gazetteer.new()
         local words = {}
         for i = 1, 3000 do
            words[i] = ("Kel%dvar"):format(i)
            g:add(words[i] .. " Bay", "bay " .. i, "place")
         end
         local text = "From Kel7var Bay to Kel2999var Bay, past Kel3001var Bay and Kel12var Bays, to Kel1var Bay."
         assert.same({ "bay 7", "bay 2999", "bay 1" }, canon(match_text(g, text)))
         assert.same({ "Kel7var Bay", "Kel2999var Bay", "Kel1var Bay" }, spans(text, match_text(g, text)))
      end)
      it("matches phrases with periods, hyphens and ampersands as the tokeniser splits them", function()
         local g = gaz_of({
            { "U.S.", "United States", "place" }, { "Bosnia-Herzegovina", nil, "place" },
            { "AT&T", nil, "org" }, { "Washington, D.C.", nil, "place" }, { "St. Petersburg", nil, "place" },
            { "Marks & Spencer", nil, "org" }, { "RFE/RL", nil, "org" },
         })
         local text = "RFE/RL said U.S. firms (AT&T, Marks & Spencer) left St. Petersburg for "
            .. "Washington, D.C. and Bosnia-Herzegovina's capital."
         assert.same({ "RFE/RL", "U.S.", "AT&T", "Marks & Spencer", "St. Petersburg", "Washington, D.C.",
                       "Bosnia-Herzegovina" }, spans(text, match_text(g, text)))
      end)

      it("matches a name before a possessive", function()
         local g = gaz_of({ { "Russia", nil, "place" }, { "Sergei Lavrov", nil, "person" } })
         local text = "Russia’s envoy and Sergei Lavrov's aide"
         assert.same({ "Russia", "Sergei Lavrov" }, spans(text, match_text(g, text)))
      end)

      it("does not match a part of a token", function()
         local g = gaz_of({ { "York" }, { "Bosnia" } })
         assert.same({}, match_text(g, "Yorkshire and Bosnia-Herzegovina"))
      end)

      it("can be limited to sentences, or to nothing", function()
         local g = gaz_of({ { "U.S. The Hague" } })
         local text = "Talks in the U.S. The Hague court waited."
         assert.same({ "U.S. The Hague" }, canon(match_text(g, text)))
         assert.same({}, match_text(g, text, { within = "sentence" }))
         local toks <close> = quarry.tokenize(text, { sentences = false })
         assert.same({ "U.S. The Hague" }, canon(g:match(toks)))
         assert.same({ "U.S. The Hague" }, canon(g:match(toks, { within = "sentence" })))
      end)

      it("copes with invalid UTF-8", function()
         local g = gaz_of({ { "Caf\xE9 Riche", nil, "place" } })
         assert.same({ "Caf\xE9 Riche" }, canon(match_text(g, "at the Caf\xE9 Riche.")))
         assert.same({}, match_text(g, "at the Caf\xC3\xA9 Riche."))
      end)

      it("keeps matching while it grows, and with many entries", function()
         local g = gazetteer.new()
         local list = {}
         for i = 1, 20000 do list[i] = { "Person" .. i .. " Surname" .. (i % 97), type = "person" } end
         assert.equal(20000, g:load_table(list))
         assert.equal(20000, #g)
         local m = match_text(g, "Person123 Surname26 met Person20000 Surname18 and Person5 Surname6.")
         assert.same({ "Person123 Surname26", "Person20000 Surname18" }, canon(m))
         g:add("Person5 Surname6")
         assert.equal(3, #match_text(g, "Person123 Surname26 met Person20000 Surname18 and Person5 Surname6."))
      end)

      it("matches one text's tokens alike before and after other lists, sets and phrases are made", function()
         local text = "Paris Hilton met the Lord Mayor of Lyon in Paris, then flew to Rome."
         local toks <close> = quarry.tokenize(text)
         local places = gaz_of({ { "Paris" }, { "Lyon" }, { "Rome" } })
         local exact = gaz_of({ { "Lord Mayor" }, { "ROME" } }, { fold = "exact" })
         assert.same({ "Paris", "Lyon", "Paris", "Rome" }, canon(places:match(toks)))
         -- words the text has, interned after its keys were first looked up
         local set = quarry.wordset.new { "mayor", "flew", "unseen-word" }
         assert.is_true(set:has(toks, 6))
         assert.same({ "Lord Mayor" }, canon(exact:match(toks)))
         -- a phrase that begins with a key the list already had, and one with new keys
         places:add("Paris Hilton", "Paris Hilton", "person")
         places:add("Lord Mayor of Lyon", "Lord Mayor of Lyon", "office")
         assert.same({ "Paris Hilton", "Lord Mayor of Lyon", "Paris", "Rome" }, canon(places:match(toks)))
         assert.same({ "Lord Mayor" }, canon(exact:match(toks)))
         -- a list of more keys than the vocabulary shares finds the same
         local big = gazetteer.new()
         local list = { "Rome", "Lyon" }
         for i = 1, 70000 do list[#list + 1] = "Town" .. i end
         big:load_table(list)
         assert.same({ "Lyon", "Rome" }, canon(big:match(toks)))
         assert.same({ "Town69999" }, canon(match_text(big, "to Town69999 and Town70001")))
      end)

      it("returns an empty list when nothing matches, or when empty", function()
         assert.same({}, match_text(gazetteer.new(), news))
         assert.same({}, match_text(gaz_of({ { "Paris" } }), ""))
      end)
   end)

   describe("ready-made annotations (annotate)", function()
      -- a list where two entries have attrs of their own and one has none
      local function annotating()
         local g = gazetteer.new()
         g:add("Yerevan", nil, "capital", '{"country":"Armenia","name":"Erebuni"}')
         g:add("Gyumri", nil, "city", '{"country":"Armenia"}')
         g:add("Lake Sevan", "Sevan", "lake")
         return g
      end
      local text = "From Yerevan to Lake Sevan, then Gyumri and Yerevan again."

      it("makes each match an annotation with its rule, phase, rank and name, and its entry's id", function()
         local g = annotating()
         local toks <close> = quarry.tokenize(text)
         local list, pending = g:match(toks, { annotate = "location", rule = "place", phase = "lexicon", rank = 4.5 })
         assert.is_nil(pending)
         assert.equal(4, #list)
         assert.same({ type = "location", start = 5, stop = 12, text = "Yerevan", rule = "place", phase = "lexicon",
                       rank = 4.5, entry = 1, attrs = { name = "Yerevan", category = "capital" } }, list[1])
         -- an entry without attrs of its own has no id
         assert.same({ type = "location", start = 16, stop = 26, text = "Lake Sevan", rule = "place",
                       phase = "lexicon", rank = 4.5, attrs = { name = "Sevan", category = "lake" } }, list[2])
         assert.equal(math.type(4), math.type(g:match(toks, { annotate = "x", rank = 4 })[1].rank))
      end)

      it("merges the attrs an entry_attrs cache holds, and lists the annotations whose entry it lacks", function()
         local g = annotating()
         local toks <close> = quarry.tokenize(text)
         -- entry 1 decoded; entry 2 not yet
         local cache = { [1] = { country = "Armenia", name = "Erebuni", population = 1000000 } }
         local list, pending = g:match(toks, { annotate = "location", entry_attrs = cache })
         assert.same({ 3 }, pending)                   -- Gyumri, its entry (2) not in the cache
         -- the name and category win over the entry's own
         assert.same({ name = "Yerevan", category = "capital", country = "Armenia", population = 1000000 },
                     list[1].attrs)
         assert.is_nil(list[1].entry)
         assert.same(list[1].attrs, list[4].attrs)
         assert.are_not.equal(list[1].attrs, list[4].attrs)   -- each annotation its own table
         assert.equal(2, list[3].entry)
         assert.same({ name = "Gyumri", category = "city" }, list[3].attrs)
         -- false: the entry's attrs do not decode to a table; nothing merged, nothing pending
         cache[2] = false
         list, pending = g:match(toks, { annotate = "location", entry_attrs = cache })
         assert.is_nil(pending)
         assert.same({ name = "Gyumri", category = "city" }, list[3].attrs)
         assert.is_nil(list[3].entry)
      end)

      it("decodes the attrs of an entry the cache lacks with decode, once an entry, into the cache", function()
         local g = annotating()
         g:add("Vanadzor", nil, "city", '{"fails":true}')
         g:add("Dilijan", nil, "town", '{"scalar":true}')
         local toks <close> = quarry.tokenize(text .. " Vanadzor, Dilijan.")
         local cache, decoded = {}, 0
         local function decode(json)
            decoded = decoded + 1
            if json:find("fails") then error("cannot decode") end
            if json:find("scalar") then return 42 end
            return require("cjson").decode(json)
         end
         local list, pending = g:match(toks, { annotate = "location", entry_attrs = cache, decode = decode })
         assert.is_nil(pending)
         assert.equal(4, decoded)                      -- Yerevan twice, the others once each
         assert.same({ name = "Yerevan", category = "capital", country = "Armenia" }, list[1].attrs)
         assert.same(list[1].attrs, list[4].attrs)
         assert.same({ name = "Gyumri", category = "city", country = "Armenia" }, list[3].attrs)
         assert.is_nil(list[3].entry)
         -- an entry whose attrs fail to decode (or decode to no table) is false in the cache
         assert.same({ name = "Vanadzor", category = "city" }, list[5].attrs)
         assert.same({ name = "Dilijan", category = "town" }, list[6].attrs)
         assert.same({ country = "Armenia", name = "Erebuni" }, cache[1])
         assert.same({ false, false }, { cache[4], cache[5] })
         assert.is_nil(cache[3])                       -- Lake Sevan: no attrs of its own
         g:match(toks, { annotate = "location", entry_attrs = cache, decode = decode })
         assert.equal(4, decoded)
         raises(function() g:match(toks, { annotate = "x", entry_attrs = cache, decode = "cjson" }) end,
                "option 'decode' must be a function")
      end)

      it("calls decode after the scan: one that closes the list, matches again or closes the tokens is safe", function()
         local cjson = require("cjson")
         -- decode closes the gazetteer: the annotations made before stand, merged
         local g = annotating()
         local toks <close> = quarry.tokenize(text)
         local cache, calls = {}, 0
         local list = g:match(toks, { annotate = "location", entry_attrs = cache, decode = function(json)
            calls = calls + 1
            g:close()
            return cjson.decode(json)
         end })
         assert.equal(2, calls)                        -- once an entry
         assert.equal(4, #list)
         assert.same({ name = "Yerevan", category = "capital", country = "Armenia" }, list[1].attrs)
         assert.same(list[1].attrs, list[4].attrs)
         assert.same({ name = "Gyumri", category = "city", country = "Armenia" }, list[3].attrs)
         assert.is_nil(list[1].entry)
         assert.equal("quarry.Gazetteer (closed)", tostring(g))
         raises(function() g:match(toks, { annotate = "location" }) end, "closed")
         -- decode matches again with the same list and tokens, adds to the list and closes the tokens
         g = annotating()
         local toks2 = quarry.tokenize(text)
         local cache2, inner = {}, nil
         list = g:match(toks2, { annotate = "location", entry_attrs = cache2, decode = function(json)
            inner = inner or g:match(toks2, { annotate = "x", entry_attrs = {}, decode = cjson.decode })
            for i = 1, 200 do g:add("Place " .. i) end
            toks2:close()
            return cjson.decode(json)
         end })
         assert.equal(4, #list)
         assert.same({ name = "Gyumri", category = "city", country = "Armenia" }, list[3].attrs)
         assert.same(list[1].attrs, list[4].attrs)
         assert.same({ name = "Yerevan", category = "capital", country = "Armenia" }, inner[1].attrs)
         assert.same({ name = "Sevan", category = "lake" }, list[2].attrs)
         assert.same({ country = "Armenia", name = "Erebuni" }, cache2[1])
         g:close()
      end)

      it("lets a step limit tripped inside decode go on up", function()
         local g = annotating()
         local toks <close> = quarry.tokenize(text)
         local ok, err, kind = core.limited(100000, 0, function()
            return g:match(toks, { annotate = "location", entry_attrs = {}, decode = function()
               while true do end
            end })
         end)
         assert.is_false(ok)
         assert.equal("steps", kind)
         assert.matches("step limit exceeded", tostring(err))
      end)

      it("raises on a rank that is not a number and a cache that is not a table", function()
         local g = annotating()
         local toks <close> = quarry.tokenize(text)
         raises(function() g:match(toks, { annotate = "x", rank = "4" }) end, "option 'rank' must be a number")
         raises(function() g:match(toks, { annotate = "x", entry_attrs = true }) end,
                "option 'entry_attrs' must be a table")
      end)

      it("finds an exact-case list's names whatever the case of the text around them", function()
         -- an exact list hashes a token whose key is not its text ("NATO" -> "nato") itself
         local g = gazetteer.new({ fold = "exact" })
         g:add("NATO", nil, "alliance")
         g:add("un", "un-word")
         local toks <close> = quarry.tokenize("The NATO summit, not Nato or nato; the un word, not the UN.")
         local list = g:match(toks, { annotate = "org" })
         assert.same({ "NATO", "un" }, { list[1].text, list[2].text })
         assert.equal(2, #list)
      end)
   end)

   describe("the gazetteer rules of a phase (quarry.core.gazetteer_rules)", function()
      local cjson = require "cjson"
      local text = "NATO and the UN met in Yerevan (Armenia), then Sao Paulo and São Paulo.\n\nUN Yerevan"
      -- a case list with attrs, an exact one, a bare one that keeps every match
      local function lists()
         local places = gazetteer.new()
         places:add("Yerevan", nil, "capital", '{"country":"Armenia"}')
         places:add("Armenia", nil, "country")
         places:add("Yerevan Armenia", "Yerevan, Armenia")
         local orgs = gazetteer.new({ fold = "exact" })
         orgs:add("NATO")
         orgs:add("UN", "United Nations", "body", '{"founded":1945}')
         local cities = gazetteer.new({ fold = "bare" })
         cities:add("Sao Paulo", nil, "city")
         cities:add("Paulo")
         return places, orgs, cities
      end
      local function members_of(gs, rule_list, opts_list)
         local members = {}
         for i, g in ipairs(gs) do members[i] = { gazetteer = g, opts = opts_list[i], rule = rule_list[i] } end
         return members
      end
      local function options(name, rank, all)
         return { annotate = "thing", rule = name, phase = "lexicon", rank = rank, all = all,
                  entry_attrs = {}, decode = cjson.decode }
      end
      local rule_list = { { name = "place", priority = 0, order = 1, rank = 4 },
                          { name = "org", priority = 1, order = 2, rank = 5 },
                          { name = "city", priority = 0, order = 3 } }

      it("makes the candidates each list's own match makes, in order", function()
         local gs = { lists() }
         local opts_list = { options("place", 4), options("org", 5), options("city", nil, true) }
         local set = core.gazetteer_rules(members_of(gs, rule_list, opts_list))
         local toks <close> = quarry.tokenize(text)
         for _ = 1, 2 do     -- the second time with the entries' attrs decoded
            local cands, crules, cstarts = {}, {}, {}
            set:candidates(toks, cands, crules, cstarts, false)
            local want, wrules, wstarts = {}, {}, {}
            local fresh = { options("place", 4), options("org", 5), options("city", nil, true) }
            for i, g in ipairs(gs) do
               core.append_candidates(want, wrules, wstarts, g:match(toks, fresh[i]), rule_list[i], nil, false)
            end
            assert.same(want, cands)
            assert.same(wstarts, cstarts)
            for i = 1, #wrules do assert.equal(wrules[i], crules[i]) end
            assert.equal(10, #cands)
            assert.same({ name = "United Nations", category = "body", founded = 1945 }, cands[5].attrs)
         end
         -- a phrase added since is found
         gs[1]:add("Paulo", "Paulo (place)")
         local cands = {}
         set:candidates(toks, cands, {}, {}, true)
         assert.equal(12, #cands)
         gs[2]:close()
         raises(function() set:candidates(toks, {}, {}, {}, false) end, "closed quarry.Gazetteer")
      end)

      it("finds an exact list's phrases where their case-folded first key is, as its own match does", function()
         local body = "UN, Un and un; NATO nato Nato. WHO said who? The U.N. and O'Neil's São Tomé.\n\nUN"
         local function exact(extra)
            local g = gazetteer.new({ fold = "exact" })
            g:add("UN", "United Nations")
            g:add("NATO")
            g:add("WHO", "World Health Organization", nil, '{"kind":"international"}')
            g:add("U.N.", "United Nations")
            for _, p in ipairs(extra) do g:add(p) end
            return g
         end
         -- plain ASCII first keys; one not plain ASCII, one with a quote mark (then the list scans itself)
         for _, extra in ipairs({ {}, { "São Tomé" }, { "O'Neil" } }) do
            local gs = { exact(extra), (lists()) }
            local rules2 = { { name = "org", priority = 1, order = 1 }, { name = "place", priority = 0, order = 2 } }
            local set = core.gazetteer_rules(members_of(gs, rules2, { options("org", 5), options("place", 4) }))
            local toks <close> = quarry.tokenize(body)
            for _ = 1, 2 do
               local cands, crules, cstarts = {}, {}, {}
               set:candidates(toks, cands, crules, cstarts, false)
               local want, wrules, wstarts = {}, {}, {}
               local fresh = { options("org", 5), options("place", 4) }
               for i, g in ipairs(gs) do
                  core.append_candidates(want, wrules, wstarts, g:match(toks, fresh[i]), rules2[i], nil, false)
               end
               assert.same(want, cands)
               assert.same(wstarts, cstarts)
               local texts = {}
               for _, a in ipairs(cands) do texts[#texts + 1] = a.text end
               assert.same({ "UN", "NATO", "WHO", "U.N." }, { table.unpack(texts, 1, 4) })
            end
            -- a phrase added since is found
            gs[1]:add("Nato", "NATO (mixed case)")
            local cands = {}
            set:candidates(toks, cands, {}, {}, true)
            local found = false
            for _, a in ipairs(cands) do found = found or a.attrs.name == "NATO (mixed case)" end
            assert.is_true(found)
         end
      end)

      it("resolves and keeps a phase's annotations as resolve_overlaps and append_kept do", function()
         for _, control in ipairs({ "appelt", "first", "all" }) do
            local gs = { lists() }
            local set = core.gazetteer_rules(members_of(gs, rule_list,
               { options("place", 4), options("org", 5), options("city", nil, true) }))
            local toks <close> = quarry.tokenize(text)
            local before = { { type = "x", start = 0, stop = 1 } }
            local got = set:phase(toks, { before[1] }, control, "lexicon")
            local cands, crules, cstarts = {}, {}, {}
            local fresh = { options("place", 4), options("org", 5), options("city", nil, true) }
            for i, g in ipairs(gs) do
               core.append_candidates(cands, crules, cstarts, g:match(toks, fresh[i]), rule_list[i], nil, false)
            end
            local kept = control ~= "all" and core.resolve_overlaps(cands, crules, cstarts, control)
            local want = core.append_kept({ before[1] }, cands, crules, kept, text, "lexicon")
            assert.same(want, got)
            assert.equal(before[1], got[1])
            raises(function() set:phase(toks, {}, "longest", "lexicon") end, "control must be")
            raises(function() set:phase(toks, {}, "appelt", "names") end, "another phase")
         end
      end)

      it("makes the same annotations when run again, after its cache or its list changed", function()
         local gs = { lists() }
         gs[1]:add("Gyumri", nil, "city", '{"name":"Kumayri","category":"town","z":1}')
         gs[1]:add("Dilijan", nil, nil, '{"category":"town","name":"D"}')
         local opts_list = { options("place", 4), options("org", 5), options("city", nil, true) }
         local set = core.gazetteer_rules(members_of(gs, rule_list, opts_list))
         local body = text .. " Gyumri, Dilijan and Gyumri."
         local function want_of(toks)
            local cands, crules, cstarts = {}, {}, {}
            local fresh = { options("place", 4), options("org", 5), options("city", nil, true) }
            for i, g in ipairs(gs) do
               core.append_candidates(cands, crules, cstarts, g:match(toks, fresh[i]), rule_list[i], nil, false)
            end
            return core.append_kept({}, cands, crules, core.resolve_overlaps(cands, crules, cstarts, "appelt"),
               body, "lexicon")
         end
         local toks <close> = quarry.tokenize(body)
         for round = 1, 4 do
            if round == 3 then opts_list[1].entry_attrs[1] = { country = "Armenia", pop = 1 } end
            if round == 4 then gs[1]:add("Dilijan", "Dilijan town", nil, '{"q":2}') end
            local got = set:phase(toks, {}, "appelt", "lexicon")
            local want = want_of(toks)
            if round >= 3 then    -- the cache's attrs, not those decoded afresh
               for _, a in ipairs(want) do
                  if a.attrs.name == "Yerevan" then a.attrs.country, a.attrs.pop = "Armenia", 1 end
               end
            end
            assert.same(want, got)
         end
         -- the list's name and category win over the entry's own
         local got = set:phase(toks, {}, "appelt", "lexicon")
         local gyumri, dilijan
         for _, a in ipairs(got) do
            if a.text == "Gyumri" then gyumri = a.attrs end
            if a.text == "Dilijan" then dilijan = a.attrs end
         end
         assert.same({ name = "Gyumri", category = "city", z = 1 }, gyumri)
         assert.same({ name = "Dilijan", category = "town" }, dilijan)
      end)

      it("decodes an entry's attrs as cjson.decode does, whatever they hold", function()
         local jsons = { '{"a":"x","b":true,"c":false}', ' { "a" : "x" ,\n "a":"y" } ', '{}', '{"n":1}',
                         '{"s":"a\\"b"}', '{"u":"\\u00e9"}', '{"z":null}', '{"o":{"p":"q"}}', '{"a":"b",}',
                         '{"a" "b"}', '{"a":"b"} {}', '{"a":tru}', '{"a":"b":"c"}', '', '{"é":"ü"}', '{"t":"\t"}' }
         local g = gazetteer.new()
         local words = {}
         for i, json in ipairs(jsons) do
            words[i] = "w" .. i
            g:add(words[i], nil, nil, json ~= "" and json or nil)
         end
         local cache = {}
         local opts = { annotate = "thing", rule = "w", phase = "lexicon", entry_attrs = cache, decode = cjson.decode }
         local set = core.gazetteer_rules({ { gazetteer = g, opts = opts, rule = { priority = 0, order = 1 } } })
         local toks <close> = quarry.tokenize(table.concat(words, " "))
         local got = set:phase(toks, {}, "appelt", "lexicon")
         assert.equal(#jsons, #got)
         local by_word = {}
         for _, a in ipairs(got) do by_word[a.text] = a end
         for i, json in ipairs(jsons) do
            local ok, want = pcall(cjson.decode, json)
            if json == "" then
               assert.is_nil(cache[i])
            elseif ok and type(want) == "table" then
               assert.same(want, cache[i])
               for k, v in pairs(want) do
                  if type(v) ~= "table" then assert.equal(v, by_word[words[i]].attrs[k]) end
               end
            else
               assert.is_false(cache[i])
            end
         end
      end)

      it("decodes only the attrs of the matches a phase keeps, and may be run again by decode", function()
         local g = gazetteer.new()
         g:add("Sao Paulo", nil, "city", '{"a":1}')
         g:add("Paulo", nil, "name", '{"b":2}')
         local toks <close> = quarry.tokenize("Sao Paulo and Sao Paulo.")
         local decoded, set, again = {}, nil, false
         local opts = { annotate = "thing", rule = "city", phase = "lexicon", all = true, entry_attrs = {},
                        decode = function(json)
                           decoded[#decoded + 1] = json
                           if not again then   -- each call keeps what it needs apart
                              again = true
                              assert.equal(2, #set:phase(toks, {}, "appelt", "lexicon"))
                           end
                           return cjson.decode(json)
                        end }
         set = core.gazetteer_rules({ { gazetteer = g, opts = opts, rule = { priority = 0, order = 1 } } })
         local got = set:phase(toks, {}, "appelt", "lexicon")
         assert.same({ "Sao Paulo", "Sao Paulo" }, { got[1].text, got[2].text })
         assert.same({ name = "Sao Paulo", category = "city", a = 1 }, got[2].attrs)
         assert.same({ '{"a":1}', '{"a":1}' }, decoded)   -- the outer run's, then the inner one's; never Paulo's
      end)

      it("makes the same candidates when decode runs the set on another text", function()
         local g, g2 = gazetteer.new(), gazetteer.new()
         g:add("Yerevan", nil, "capital", '{"c":1}')
         g2:add("Gyumri")
         local toks <close> = quarry.tokenize("Yerevan and Gyumri")
         local other <close> = quarry.tokenize("a b c Gyumri")
         local set
         local opts = { annotate = "place", entry_attrs = {}, decode = function(json)
            assert.equal(1, #set:candidates(other, {}, {}, {}, true))
            return cjson.decode(json)
         end }
         set = core.gazetteer_rules({ { gazetteer = g, opts = opts, rule = {} },
                                      { gazetteer = g2, opts = { annotate = "place" }, rule = {} } })
         local cands = set:candidates(toks, {}, {}, {}, true)
         assert.same({ "Yerevan", "Gyumri" }, { cands[1].text, cands[2].text })
         assert.equal(1, cands[1].attrs.c)
      end)

      it("raises when reading a rule's priority closes its list or tokens, or runs the set", function()
         for _, what in ipairs({ "set", "list", "tokens" }) do
            local g = gazetteer.new()
            g:add("Sao Paulo", nil, "city")
            g:add("Paulo")
            local toks = quarry.tokenize("Sao Paulo and Paulo")
            local big <close> = quarry.tokenize(string.rep("Sao Paulo ", 500))
            local set, done
            local rule = setmetatable({ order = 1 }, { __index = function()
               if not done then
                  done = true
                  if what == "set" then set:phase(big, {}, "appelt", "lexicon")
                  elseif what == "list" then g:close()
                  else toks:close() end
               end
               return 0
            end })
            local opts = { annotate = "x", phase = "lexicon" }
            set = core.gazetteer_rules({ { gazetteer = g, opts = opts, rule = rule } })
            local want = { set = "ran them again", list = "closed quarry.Gazetteer", tokens = "closed quarry.Tokens" }
            raises(function() set:phase(toks, {}, "appelt", "lexicon") end, want[what])
            toks:close()
         end
      end)

      it("raises on members without the options it needs", function()
         local g = gaz_of({ { "Paris" } })
         raises(function() core.gazetteer_rules({ { gazetteer = g, opts = { all = true }, rule = {} } }) end,
                "need annotate")
         raises(function() core.gazetteer_rules({ { gazetteer = g, opts = { annotate = "x", entry_attrs = {} } } }) end,
                "decode with entry_attrs")
         raises(function() core.gazetteer_rules({ { gazetteer = {}, opts = { annotate = "x" } } }) end,
                "quarry.Gazetteer expected")
      end)
   end)

   describe("misuse and closing", function()
      it("raises on bad arguments and options to match", function()
         local g = gaz_of({ { "Paris" } })
         local toks <close> = quarry.tokenize("Paris")
         raises(function() g:match("Paris") end, "quarry.Tokens expected")
         raises(function() g:match(toks, { all = 1 }) end, "option 'all' must be a boolean")
         raises(function() g:match(toks, { within = "page" }) end,
                "option 'within' must be \"paragraph\", \"sentence\" or \"text\"")
         raises(function() g:match(toks, { longest = true }) end, "unknown option 'longest'")
         raises(function() g:match(toks, true) end, "table expected")
         raises(function() g.match(toks, toks) end, "quarry.Gazetteer expected")
         toks:close()
         raises(function() g:match(toks) end, "closed quarry.Tokens")
      end)

      it("closes once, with close() or <close>, and raises on later use", function()
         local g = gaz_of({ { "Paris" } })
         g:close()
         g:close()
         assert.equal("quarry.Gazetteer (closed)", tostring(g))
         raises(function() return #g end, "attempt to use a closed quarry.Gazetteer")
         raises(function() g:add("x") end, "closed quarry.Gazetteer")
         raises(function() g:entry(1) end, "closed quarry.Gazetteer")
         raises(function() g:load(path_of("gazetteer.tsv")) end, "closed quarry.Gazetteer")
         raises(function() g:match(quarry.tokenize("Paris")) end, "closed quarry.Gazetteer")
         raises(function() g:phrases() end, "closed quarry.Gazetteer")
         local kept
         do
            local g2 <close> = gaz_of({ { "Paris" } })
            kept = g2
            assert.equal(1, #g2)
         end
         assert.equal("quarry.Gazetteer (closed)", tostring(kept))
      end)
   end)
end)
