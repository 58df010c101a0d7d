-- The corpus store: opening and schema versions, documents, the FTS5 index
-- on quarry's tokens, search, KWIC, annotation spans, ingest and the errors
-- of read-only files. Processes (crashes, locks, concurrent readers) are in
-- tests/ingest_spec.lua.
local quarry = require "quarry"
local core = require "quarry.core"
local lfs = require "lfs"
local support = require "tests.support"
local tmpdir, write = support.tmpdir, support.write



local function ids(list, field)
   local out = {}
   for i, x in ipairs(list) do out[i] = x[field or "id"] end
   return out
end

local function sorted_ids(list)
   local out = ids(list)
   table.sort(out)
   return out
end

-- Fictional articles.
local GENEVA = "Talks resume in Geneva\n\n"
   .. "GENEVA — Foreign Minister Sergei Voronov met U.S. envoys on Monday to discuss the Nagorno-Karabakh "
   .. "ceasefire. “We are close to an agreement,” Voronov said after the talks.\n\n"
   .. "Moscow’s delegation left the Palais des Nations at noon."

local LODZ = "Mayor opens new tram line in Łódź\n\n"
   .. "ŁÓDŹ — The city’s mayor opened the tram line on Friday. Residents said the peace and quiet of the "
   .. "old town would return once the works ended."

local MARKETS = "Markets steady as talks drag on\n\n"
   .. "LONDON — Shares were little changed on Tuesday as investors waited for news from the peace talks. "
   .. "Oil prices rose 2 pct."

local function sample(c)
   assert(c:add { id = "geneva", title = "Talks resume in Geneva", date = "2024-03-04", source = "Wire",
      url = "https://example.org/geneva", text = GENEVA, meta = { section = "world", tags = { "diplomacy" } } })
   assert(c:add { id = "lodz", title = "Mayor opens new tram line in Łódź", date = "2024-03-08T10:30:00Z",
      source = "City Desk", text = LODZ })
   assert(c:add { id = "markets", title = "Markets steady as talks drag on", date = "2024-04-01", source = "Wire",
      text = MARKETS })
end

describe("quarry.open", function()
   local dir
   before_each(function() dir = tmpdir() end)
   after_each(function() os.execute("rm -rf '" .. dir .. "'") end)

   it("opens a corpus in memory and closes it idempotently", function()
      local c = assert(quarry.open(":memory:"))
      assert.equal("quarry.Corpus: :memory:", tostring(c))
      assert.equal(0, c:count())
      c:close()
      c:close()
      assert.equal("quarry.Corpus (closed)", tostring(c))
      assert.has_error(function() c:count() end, "attempt to use a closed quarry.Corpus")
   end)

   it("closes through <close>", function()
      local kept
      do
         local c <close> = assert(quarry.open(dir .. "/a.db"))
         kept = c
      end
      assert.equal("quarry.Corpus (closed)", tostring(kept))
   end)

   it("creates a WAL file with the schema version and foreign keys on", function()
      local c <close> = assert(quarry.open(dir .. "/a.db"))
      local function pragma(name)
         local st = assert(c.db:prepare("PRAGMA " .. name))
         assert.is_true(st:step())
         local v = st:values()
         st:close()
         return v
      end
      assert.equal("wal", pragma("journal_mode"))
      assert.equal(1, pragma("user_version"))
      assert.equal(1, pragma("foreign_keys"))
      assert.equal(1, require("quarry.corpus").SCHEMA_VERSION)
   end)

   it("refuses a file from a newer version of quarry, saying so", function()
      local path = dir .. "/new.db"
      do
         local c <close> = assert(quarry.open(path))
         assert(c:add { id = "a", text = "Kept." })
         assert(c.db:exec("PRAGMA user_version = 7"))
      end
      local c, err, code = quarry.open(path)
      assert.is_nil(c)
      assert.matches("new%.db: made by a newer version of quarry %(corpus schema version 7", err)
      assert.equal("version", code)
   end)

   it("refuses other SQLite databases and files that are not databases", function()
      local db = assert(core.db_open(dir .. "/other.db"))
      assert(db:exec("CREATE TABLE t(x)"))
      db:close()
      local c, err = quarry.open(dir .. "/other.db")
      assert.is_nil(c)
      assert.matches("other%.db: not a quarry corpus", err)
      write(dir .. "/junk.db", string.rep("this is not a database\n", 200))
      local code
      c, err, code = quarry.open(dir .. "/junk.db")
      assert.is_nil(c)
      assert.matches("junk%.db: file is not a database", err)
      assert.equal("notadb", code)
   end)

   it("returns nil and a message for a file that cannot be opened", function()
      local c, err, code = quarry.open(dir .. "/no/such/dir/a.db")
      assert.is_nil(c)
      assert.matches("a%.db: unable to open database file", err)
      assert.equal("cantopen", code)
      c, err = quarry.open(dir .. "/missing.db", { create = false })
      assert.is_nil(c)
      assert.matches("missing%.db", err)
   end)

   it("raises on misuse", function()
      assert.has_error(function() quarry.open(42) end, "quarry.open: path must be a non-empty string")
      assert.has_error(function() quarry.open(":memory:", { bogus = 1 }) end, "quarry.open: unknown option 'bogus'")
      assert.has_error(function() quarry.open(":memory:", { timeout_ms = -1 }) end)
   end)
end)

describe("corpus documents", function()
   local c
   before_each(function() c = assert(quarry.open(":memory:")) end)
   after_each(function() c:close() end)

   it("adds, gets, counts and lists documents", function()
      sample(c)
      assert.equal(3, c:count())
      local d = c:get("geneva")
      assert.equal("Talks resume in Geneva", d.title)
      assert.equal("2024-03-04", d.date)
      assert.equal("Wire", d.source)
      assert.equal("https://example.org/geneva", d.url)
      assert.equal(GENEVA, d.text)
      assert.same({ section = "world", tags = { "diplomacy" } }, d.meta)
      assert.equal(core.hash(GENEVA), d.hash)
      assert.is_nil(c:get("nope"))
      local seen = {}
      for doc in c:documents() do seen[#seen + 1] = doc.id end
      assert.same({ "geneva", "lodz", "markets" }, seen)
   end)

   it("derives ids from the path or the content", function()
      assert.equal("added", c:add { path = "./news/a.txt", text = "One." })
      assert.is_table(c:get("news/a.txt"))
      assert.equal("added", c:add { text = "Two." })
      assert.is_table(c:get(core.hash("Two.")))
      assert.equal("added", c:add { id = 7, text = "Three." })
      assert.is_table(c:get("7"))
      assert.is_table(c:get(7))
   end)

   it("replaces a re-added id, skips it on request and notices an unchanged one", function()
      sample(c)
      assert.equal("unchanged", c:add { id = "markets", title = "Markets steady as talks drag on",
         date = "2024-04-01", source = "Wire", text = MARKETS })
      assert.equal("skipped", c:add({ id = "markets", text = "Other text." }, { replace = false }))
      assert.equal(MARKETS, c:get("markets").text)
      assert.equal("replaced", c:add { id = "markets", text = "Bond yields fell sharply." })
      assert.equal("Bond yields fell sharply.", c:get("markets").text)
      assert.is_nil(c:get("markets").title)
      assert.equal(3, c:count())
      -- the index follows: the old words are gone, the new ones found
      assert.same({}, assert(c:search("shares")))
      assert.same({ "markets" }, ids(assert(c:search("yields"))))
   end)

   it("adds a batch in one transaction and counts what happened", function()
      sample(c)
      local counts = assert(c:add_batch {
         { id = "a", text = "Alpha." },
         { id = "geneva", text = "Replaced text." },
         { id = "lodz", title = "Mayor opens new tram line in Łódź", date = "2024-03-08T10:30:00Z",
           source = "City Desk", text = LODZ },
      })
      assert.same({ added = 1, replaced = 1, unchanged = 1, skipped = 0 }, counts)
      counts = assert(c:add_batch({ { id = "a", text = "Beta." }, { id = "b", text = "Gamma." } }, { replace = false }))
      assert.same({ added = 1, replaced = 0, unchanged = 0, skipped = 1 }, counts)
      assert.equal(5, c:count())
   end)

   it("checks a whole batch before writing any of it", function()
      local ok, err = pcall(c.add_batch, c, { { id = "a", text = "Fine." }, { id = "b" } })
      assert.is_false(ok)
      assert.matches("document 2: document field 'text' must be a string", err)
      assert.equal(0, c:count())
   end)

   it("raises on malformed documents", function()
      assert.has_error(function() c:add "text" end, "document must be a table")
      assert.has_error(function() c:add { id = "x" } end, "document field 'text' must be a string")
      assert.has_error(function() c:add { text = "x", body = "y" } end, "document has an unknown field 'body'")
      assert.has_error(function() c:add { text = "x", date = "March 4" } end,
         "document field 'date' must be ISO 8601 (YYYY-MM-DD...), not 'March 4'")
      assert.has_error(function() c:add { text = "x", title = 5 } end, "document field 'title' must be a string")
      assert.has_error(function() c:add({ text = "x" }, { bogus = true }) end, "corpus:add: unknown option 'bogus'")
   end)

   it("accepts ISO 8601 dates and times", function()
      local corpus = require "quarry.corpus"
      for _, d in ipairs { "2024", "2024-03", "2024-03-04", "2024-03-04T10:30", "2024-03-04 10:30:15",
         "2024-03-04T10:30:15.250Z", "2024-03-04T10:30:15+01:00" } do
         assert.is_true(corpus.is_iso_date(d), d)
      end
      for _, d in ipairs { "04/03/2024", "2024-3-4", "2024-03-04T", "yesterday" } do
         assert.is_false(corpus.is_iso_date(d), d)
      end
   end)

   it("converts Latin-1 text with a warning naming the document", function()
      local warnings = {}
      assert(c:add({ id = "cafe", text = "Caf\233 owner says \147no\148" },
         { warn = function(m) warnings[#warnings + 1] = m end }))
      assert.equal("Café owner says “no”", c:get("cafe").text)
      assert.equal(1, #warnings)
      assert.matches("^cafe: not valid UTF%-8 %(first bad byte at offset 3%)", warnings[1])
   end)

   it("deletes documents", function()
      sample(c)
      assert.is_true(c:delete("lodz"))
      assert.is_false(c:delete("lodz"))
      assert.equal(2, c:count())
      assert.same({}, assert(c:search("tram")))
   end)

   it("releases a documents() loop left early", function()
      sample(c)
      for _ = 1, 3 do
         for doc in c:documents() do -- luacheck: ignore 512 (left at once on purpose)
            assert.equal("geneva", doc.id)
            break
         end
      end
      assert.equal("added", c:add { id = "d", text = "After the loop." })
   end)

   it("runs several writes in one transaction, or none", function()
      sample(c)
      assert.equal("done", c:transaction(function()
         assert(c:add { id = "t1", text = "One." })
         assert(c:add { id = "t2", text = "Two." })
         return "done"
      end))
      assert.equal(5, c:count())
      local ok, err = pcall(c.transaction, c, function()
         assert(c:delete("geneva"))
         error("changed my mind")
      end)
      assert.is_false(ok)
      assert.matches("changed my mind", err)
      assert.equal(5, c:count())
      assert.is_table(c:get("geneva"))
   end)
end)

describe("corpus full-text index", function()
   local c
   before_each(function()
      c = assert(quarry.open(":memory:"))
      sample(c)
   end)
   after_each(function() c:close() end)

   it("indexes exactly the tokens the rules see, with their offsets", function()
      local indexed = { word = true, number = true, url = true, email = true, handle = true, hashtag = true }
      local text = GENEVA .. " Visit www.Example.org, write to Press@Example.org, follow @Voronov #PeaceTalks; "
         .. "the 2010–2011 talks cost $5.3bn in the 1990s. O'Brien don't McDONALD ÉCOLE Straße"
      local toks <close> = quarry.tokenize(text)
      local fts = assert(core.fts5_tokens(text, "quarry"))
      local j = 0
      local compared = 0
      for i = 1, #toks do
         local t = toks[i]
         if indexed[t.kind] and not t.clitic then
            repeat j = j + 1 until not fts[j].colocated
            assert.same({ t.bare_key, t.start, t.stop }, { fts[j].token, fts[j].start, fts[j].stop })
            compared = compared + 1
         end
      end
      repeat j = j + 1 until not fts[j] or not fts[j].colocated
      assert.is_nil(fts[j])
      assert.is_true(compared > 40)
      local n = core.fts5_tokenize(text, "quarry")
      assert.equal(compared, n)
   end)

   it("adds the parts of hyphenated words at the same position", function()
      local toks = assert(core.fts5_tokens("Nagorno-Karabakh 2010-2011", "quarry"))
      assert.same({ "nagorno-karabakh", "nagorno", "karabakh", "2010-2011", "2010", "2011" }, ids(toks, "token"))
      assert.same({ false, true, true, false, true, true }, ids(toks, "colocated"))
      assert.same({ "geneva" }, ids(assert(c:search("Karabakh"))))
      assert.same({ "geneva" }, ids(assert(c:search('"Nagorno-Karabakh"'))))
      toks = assert(core.fts5_tokens("Nagorno-Karabakh", "quarry", "parts", "0"))
      assert.same({ "nagorno-karabakh" }, ids(toks, "token"))
   end)

   it("folds case, quotes and diacritics unless asked to keep them", function()
      assert.same({ "lodz" }, ids(assert(c:search("lodz"))))
      assert.same({ "lodz" }, ids(assert(c:search("ŁÓDŹ"))))
      assert.same({ "geneva" }, ids(assert(c:search('"U.S." envoys'))))
      assert.same({ "geneva" }, ids(assert(c:search("moscow"))))    -- Moscow’s: the clitic is not indexed
      local toks = assert(core.fts5_tokens("Łódź", "quarry", "diacritics", "1"))
      assert.equal("łódź", toks[1].token)
      local none, err = core.fts5_tokens("x", "quarry", "diacritics", "maybe")
      assert.is_nil(none)
      assert.matches("rejected its arguments", err)
   end)

   it("serves plain SQL on the same connection", function()
      local db = c.db
      assert(db:exec("CREATE VIRTUAL TABLE temp.notes USING fts5(body, tokenize = 'quarry diacritics 1')"))
      assert(db:prepare("INSERT INTO temp.notes(body) VALUES (?)"):run("Łódź tram"))
      local st = assert(db:prepare("SELECT count(*) AS n FROM temp.notes WHERE notes MATCH ?"))
      st:bind_all("łódź")
      assert.is_true(st:step())
      assert.equal(1, st:row().n)
      st:bind_all("lodz")
      assert.is_true(st:step())
      assert.equal(0, st:row().n)
      st:close()
      local n = 0
      for row in db:prepare("SELECT d.id FROM docs_fts JOIN docs d ON d.rowid = docs_fts.rowid "
         .. "WHERE docs_fts MATCH 'tram'"):rows() do
         n = n + 1
         assert.equal("lodz", row.id)
      end
      assert.equal(1, n)
   end)
end)

describe("corpus:search", function()
   local c
   before_each(function()
      c = assert(quarry.open(":memory:"))
      sample(c)
   end)
   after_each(function() c:close() end)

   it("ranks by bm25 and highlights hits in snippets", function()
      assert(c:add { id = "trams", text = "A tram, another tram, tram after tram: the tram depot." })
      local res = assert(c:search("tram"))
      assert.same({ "trams", "lodz" }, ids(res))
      assert.is_true(res[1].rank < res[2].rank)
      res = assert(c:search("ceasefire"))
      assert.same({ "geneva" }, ids(res))
      assert.matches("%[ceasefire%]", res[1].snippet)
      assert.equal("Talks resume in Geneva", res[1].title)
      assert.equal("2024-03-04", res[1].date)
      assert.equal("Wire", res[1].source)
      assert.equal("https://example.org/geneva", res[1].url)
      res = assert(c:search("tram", { snippet = { open = "<b>", close = "</b>", ellipsis = "...", tokens = 5 } }))
      assert.matches("<b>tram</b>", res[1].snippet)
      res = assert(c:search("tram", { snippet = false }))
      assert.is_nil(res[1].snippet)
   end)

   it("makes snippets in time linear in the hits for documents with very many", function()
      -- FTS5's snippet() is quadratic in a document's hits: a 50 MB line
      -- with 800,000 of them took hours. Past corpus.SNIPPET_HITS hits the
      -- snippet is the window around the first hit of the best column.
      local corpus = require "quarry.corpus"
      local n = corpus.SNIPPET_HITS + 1
      assert(c:add { id = "many", title = "Depot news", text = "Intro words here. "
         .. string.rep("The tram line. ", n) .. "The end." })
      local res = assert(c:search("depot OR tram", { limit = 1 }))
      assert.equal("many", res[1].id)
      assert.equal("Intro words here. The [tram] line. The [tram] line. The [tram] line. The [tram] line. The…",
         res[1].snippet)
      res = assert(c:search('"tram line"', { snippet = { open = "<", close = ">", ellipsis = "...", tokens = 5 } }))
      assert.equal("...The <tram line>. The <tram>...", res[1].snippet)
      local st = assert(c.db:prepare([[SELECT quarry_instances(docs_fts) AS n,
         quarry_snippet(docs_fts, 0, '[', ']', '…', 3) AS title FROM docs_fts WHERE docs_fts MATCH 'depot OR tram']]))
      local counts = {}
      for row in st:rows() do counts[#counts + 1] = row.n .. " " .. row.title end
      table.sort(counts)
      assert.same({ tostring(n + 1) .. " [Depot] news", "3 …[tram] line in…" }, counts)
   end)

   it("takes the FTS5 query syntax", function()
      assert.same({ "markets" }, ids(assert(c:search('"peace talks"'))))
      assert.same({ "lodz" }, ids(assert(c:search('"peace and quiet"'))))
      assert.same({ "geneva" }, ids(assert(c:search("NEAR(voronov envoys, 3)"))))
      assert.same({}, assert(c:search("NEAR(voronov noon, 3)")))
      assert.same({ "geneva", "markets" }, sorted_ids(assert(c:search("talk*"))))
      assert.same({ "geneva" }, ids(assert(c:search("talks AND ceasefire"))))
      assert.same({ "geneva", "lodz" }, sorted_ids(assert(c:search("ceasefire OR tram"))))
      assert.same({ "markets" }, ids(assert(c:search("talks NOT geneva"))))
      assert.same({ "lodz" }, ids(assert(c:search("title : mayor"))))
      assert.same({}, assert(c:search("title : residents")))
   end)

   it("filters by date and source, and pages", function()
      assert.same({ "geneva", "markets" }, sorted_ids(assert(c:search("talks", { source = "Wire" }))))
      assert.same({ "markets" }, ids(assert(c:search("talks", { from_date = "2024-04-01" }))))
      assert.same({ "geneva" }, ids(assert(c:search("talks", { to_date = "2024-03" }))))
      assert.same({ "lodz" },
         ids(assert(c:search("mayor OR talks", { from_date = "2024-03-05", to_date = "2024-03-08" }))))
      local both = ids(assert(c:search("talks")))
      assert.same({ both[1] }, ids(assert(c:search("talks", { limit = 1 }))))
      assert.same({ both[2] }, ids(assert(c:search("talks", { limit = 1, offset = 1 }))))
   end)

   it("returns nil and a message naming the problem for a malformed query", function()
      local res, err, code = c:search("talks AND (")
      assert.is_nil(res)
      assert.matches("^bad query 'talks AND %(': fts5: syntax error", err)
      assert.equal("query", code)
      res, err = c:search("nosuchcolumn : talks")
      assert.is_nil(res)
      assert.matches("no such column: nosuchcolumn", err)
      res, err = c:search("")
      assert.is_nil(res)
      assert.matches("bad query", err)
      -- the corpus is still fine
      assert.equal(2, #assert(c:search("talks")))
   end)

   it("raises on misuse", function()
      assert.has_error(function() c:search(5) end, "corpus:search: query must be a string")
      assert.has_error(function() c:search("x", { limit = -1 }) end,
         "corpus:search: option 'limit' must be a non-negative integer")
      assert.has_error(function() c:search("x", { sort = "date" }) end, "corpus:search: unknown option 'sort'")
   end)
end)

describe("corpus:kwic", function()
   local c
   before_each(function()
      c = assert(quarry.open(":memory:"))
      sample(c)
   end)
   after_each(function() c:close() end)

   it("returns concordance lines cut on token boundaries", function()
      local lines = assert(c:kwic("talks", { width = 20 }))
      assert.equal(4, #lines)
      assert.same({ "geneva", "geneva", "markets", "markets" }, ids(lines, "doc"))
      local l = lines[2]
      assert.equal("talks", l.match)
      assert.equal("talks", GENEVA:sub(l.start + 1, l.stop))
      -- the most whole tokens that fit in 20 characters, white space kept next to the match
      assert.equal("Voronov said after the ", GENEVA:sub(l.start - 22, l.start))
      assert.equal("said after the ", l.left)
      assert.equal(". Moscow’s", l.right)        -- ". Moscow’s delegation" is 21 characters
      -- the first line starts at the text: the headline
      assert.equal("Talks", lines[1].match)
      assert.equal("", lines[1].left)
      assert.equal(" resume in Geneva", lines[1].right)
   end)

   it("finds phrases and prefixes, and squeezes white space", function()
      local lines = assert(c:kwic("peace talks", { width = 15 }))
      assert.equal(1, #lines)
      assert.equal("peace talks", lines[1].match)
      assert.equal("markets", lines[1].doc)
      lines = assert(c:kwic("Nagorno*"))
      assert.equal("Nagorno-Karabakh", lines[1].match)
      lines = assert(c:kwic("Geneva", { width = 200 }))
      for _, l in ipairs(lines) do
         assert.is_nil(l.left:find("\n"))
         assert.is_nil(l.right:find("\n"))
      end
      assert.same({}, assert(c:kwic("nothing here")))
      assert.equal(1, #assert(c:kwic("talks", { limit = 1 })))
   end)

   it("takes a full query on request and reports a malformed one", function()
      local lines = assert(c:kwic("NEAR(voronov envoys, 3)", { query = true }))
      assert.same({ "Voronov", "envoys" }, ids(lines, "match"))
      local res, err = c:kwic("talks AND (", { query = true })
      assert.is_nil(res)
      assert.matches("bad query", err)
   end)
end)

describe("corpus annotation spans", function()
   local c
   local function span(t, s, e, rule, attrs) return { type = t, start = s, stop = e, rule = rule, attrs = attrs } end
   local function at(text, word)
      local s, e = text:find(word, 1, true)
      return s - 1, e
   end
   before_each(function()
      c = assert(quarry.open(":memory:"))
      sample(c)
      local vs, ve = at(GENEVA, "Sergei Voronov")
      local qs, qe = at(GENEVA, "We are close to an agreement,")
      assert.equal(3, c:add_spans("geneva", "news", {
         span("person", vs, ve, "person.title", { name = "Sergei Voronov" }),
         span("quote", qs, qe, "quote.said", { speaker = "Sergei Voronov", verb = "said", direct = true }),
         span("place", at(GENEVA, "Geneva")),
      }))
      local ms, me = at(LODZ, "mayor")
      assert.equal(1, c:add_spans("lodz", "news", { span("person", ms, me, "person.role", { name = "mayor" }) }))
   end)
   after_each(function() c:close() end)

   it("finds spans by type, document and attributes", function()
      local quotes = assert(c:spans { attrs = { speaker = "Sergei Voronov" }, with_text = true })
      assert.equal(1, #quotes)
      local q = quotes[1]
      assert.equal("geneva", q.doc)
      assert.equal("quote", q.type)
      assert.equal("quote.said", q.rule)
      assert.equal("news", q.pack)
      assert.equal("We are close to an agreement,", q.text)
      assert.same({ speaker = "Sergei Voronov", verb = "said", direct = true }, q.attrs)
      assert.equal(2, #assert(c:spans { type = "person" }))
      assert.equal(3, #assert(c:spans { doc = "geneva" }))
      assert.same({ "place", "person", "quote" }, ids(assert(c:spans { doc = "geneva" }), "type"))
      assert.equal(1, #assert(c:spans { attrs = { direct = true } }))
      assert.equal(0, #assert(c:spans { attrs = { direct = false } }))
      assert.equal(1, #assert(c:spans { type = "person", doc = "lodz" }))
      assert.equal(1, #assert(c:spans { limit = 1 }))
   end)

   it("counts spans, and groups them by a column or an attribute", function()
      assert.equal(4, c:count_spans {})
      assert.equal(2, c:count_spans { type = "person" })
      assert.same({ { type = "person", count = 2 }, { type = "place", count = 1 }, { type = "quote", count = 1 } },
         c:count_spans { by = "type" })
      assert.same({ { name = "Sergei Voronov", count = 1 }, { name = "mayor", count = 1 } },
         c:count_spans { type = "person", by = "name" })
      assert.same({ { type = "person", doc = "geneva", count = 1 }, { type = "person", doc = "lodz", count = 1 } },
         c:count_spans { type = "person", by = { "type", "doc" } })
      assert.same({ { pack = "news", count = 2 } }, c:count_spans { by = "pack", docs = true })
      assert.same({ { ["attrs.verb"] = "said", count = 1 } }, c:count_spans { type = "quote", by = "attrs.verb" })
   end)

   it("replaces a pack's spans and records the run", function()
      assert.is_nil(c:run_info("geneva", "news"))
      assert.equal(1, c:replace_spans("geneva", "news", { span("place", at(GENEVA, "Palais des Nations")) },
         { version = "1.0" }))
      assert.equal(1, c:count_spans { doc = "geneva" })
      assert(c:add_spans("geneva", "other", { span("place", at(GENEVA, "Geneva")) }))
      assert.equal(0, c:replace_spans("geneva", "news", {}))
      assert.same({ "other" }, ids(assert(c:spans { doc = "geneva" }), "pack"))
      local info = c:run_info("geneva", "news")
      assert.is_true(info.current)
      assert.equal(core.hash(GENEVA), info.hash)
      assert.matches("^%d%d%d%d%-%d%d%-%d%dT", info.at)
   end)

   it("lists the documents a pack has still to run on", function()
      assert(c:replace_spans("geneva", "news", {}, { version = "1" }))
      assert(c:replace_spans("lodz", "news", {}, { version = "1" }))
      local function pending(version)
         local out = {}
         for d in c:documents { pending = "news", version = version } do out[#out + 1] = d.id end
         return out
      end
      assert.same({ "markets" }, pending("1"))
      assert.same({ "geneva", "lodz", "markets" }, pending("2"))
      assert(c:add { id = "lodz", text = "The tram line opened late." })
      assert.same({ "lodz", "markets" }, pending("1"))
   end)

   it("drops a document's spans when it is replaced or deleted", function()
      assert(c:replace_spans("markets", "news", { span("place", at(MARKETS, "LONDON")) }))
      assert.equal("unchanged", c:add { id = "lodz", title = "Mayor opens new tram line in Łódź",
         date = "2024-03-08T10:30:00Z", source = "City Desk", text = LODZ })
      assert.equal(1, c:count_spans { doc = "lodz" })
      assert.equal("replaced", c:add { id = "lodz", text = LODZ .. " Updated." })
      assert.equal(0, c:count_spans { doc = "lodz" })
      assert.equal(4, c:count_spans {})
      assert.is_true(c:delete("geneva"))
      assert.equal(1, c:count_spans {})
      assert.is_true(c:delete("markets"))
      assert.equal(0, c:count_spans {})
      assert.is_nil(c:run_info("markets", "news"))
      local st = assert(c.db:prepare("SELECT count(*) AS n FROM runs"))
      assert.is_true(st:step())
      assert.equal(0, st:row().n)
      st:close()
   end)

   it("reports an unknown document and raises on malformed spans", function()
      local n, err, code = c:add_spans("nope", "news", { span("x", 0, 1) })
      assert.is_nil(n)
      assert.matches("no document 'nope'", err)
      assert.equal("notfound", code)
      assert.has_error(function() c:add_spans("geneva", "news", { span("x", 5, 2) }) end)
      assert.has_error(function() c:add_spans("geneva", "news", { { start = 0, stop = 1 } }) end,
         "corpus:add_spans: span 1: 'type' must be a non-empty string")
      local ok, e = pcall(c.add_spans, c, "geneva", "news", { span("x", 0, #GENEVA + 1) })
      assert.is_false(ok)
      assert.matches("past the end of document 'geneva'", e)
      assert.equal(4, c:count_spans {})
   end)
end)

describe("corpus:ingest", function()
   local dir, c
   before_each(function()
      dir = tmpdir()
      c = assert(quarry.open(dir .. "/c.db"))
   end)
   after_each(function()
      c:close()
      os.execute("rm -rf '" .. dir .. "'")
   end)

   it("reads text files with headlines, folders and JSONL", function()
      assert(lfs.mkdir(dir .. "/in"))
      assert(lfs.mkdir(dir .. "/in/sub"))
      write(dir .. "/in/a.txt", "Envoys meet in Geneva\n\nThe envoys met on Monday.")
      write(dir .. "/in/sub/b.txt", "No headline here.\nJust text.")
      write(dir .. "/in/sub/c.jsonl", '{"id": "c1", "title": "Tram line opens", "date": "2024-03-08", '
         .. '"source": "City Desk", "url": "https://example.org/c1", "text": "The tram line opened.", '
         .. '"section": "local"}\n\n{"id": "c2", "text": "A second story."}\n')
      local progress = {}
      local summary = assert(c:ingest({ dir .. "/in" }, {
         progress = function(done, total, doc) progress[#progress + 1] = { done, total, doc.id } end,
      }))
      assert.equal(4, summary.added)
      assert.equal(4, c:count())
      assert.same({ 1, 4, dir .. "/in/a.txt" }, progress[1])
      assert.same({ 4, 4, "c2" }, progress[4])
      local a = c:get(dir:gsub("^%./", "") .. "/in/a.txt")
      assert.equal("Envoys meet in Geneva", a.title)
      assert.is_nil(c:get(dir .. "/in/sub/b.txt").title)
      local c1 = c:get("c1")
      assert.equal("Tram line opens", c1.title)
      assert.equal("2024-03-08", c1.date)
      assert.equal("City Desk", c1.source)
      assert.equal("https://example.org/c1", c1.url)
      assert.same({ section = "local" }, c1.meta)
      assert.same({ "c1" }, ids(assert(c:search("tram"))))
   end)

   it("skips ids already stored unless told to replace them", function()
      write(dir .. "/a.jsonl", '{"id": "a", "text": "First version."}\n{"id": "b", "text": "Bee."}\n')
      assert.equal(2, assert(c:ingest { dir .. "/a.jsonl" }).added)
      write(dir .. "/a.jsonl", '{"id": "a", "text": "Second version."}\n{"id": "b", "text": "Bee."}\n')
      local s = assert(c:ingest { dir .. "/a.jsonl" })
      assert.same({ 0, 0, 0, 2 }, { s.added, s.replaced, s.unchanged, s.skipped })
      assert.equal("First version.", c:get("a").text)
      s = assert(c:ingest({ dir .. "/a.jsonl" }, { replace = true }))
      assert.same({ 0, 1, 1, 0 }, { s.added, s.replaced, s.unchanged, s.skipped })
      assert.equal("Second version.", c:get("a").text)
   end)

   it("converts Latin-1 files with a warning naming the file", function()
      write(dir .. "/latin1.txt", "Caf\233 society\n\nThe caf\233 reopened.")
      local warnings = {}
      assert(c:ingest({ dir .. "/latin1.txt" }, { warn = function(m) warnings[#warnings + 1] = m end }))
      assert.equal(1, #warnings)
      assert.matches("latin1%.txt: not valid UTF%-8", warnings[1])
      local doc = c:get(dir .. "/latin1.txt")
      assert.equal("Café society", doc.title)
      assert.equal("Café society\n\nThe café reopened.", doc.text)
      assert.same({ "Café", "café" }, ids(assert(c:kwic("cafe")), "match"))
   end)

   it("keeps a date that is not ISO 8601 in the metadata, with a warning", function()
      write(dir .. "/d.jsonl", '{"id": "d", "text": "Dated.", "date": "4 March 2024"}\n')
      local warnings = {}
      assert(c:ingest({ dir .. "/d.jsonl" }, { warn = function(m) warnings[#warnings + 1] = m end }))
      assert.matches("d: date '4 March 2024' is not ISO 8601; kept in meta%.date", warnings[1])
      local d = c:get("d")
      assert.is_nil(d.date)
      assert.equal("4 March 2024", d.meta.date)
   end)

   it("keeps what was read before a malformed line and names file and line", function()
      write(dir .. "/bad.jsonl", '{"id": "a", "text": "One."}\n{"id": "b", "text": "Two."}\n{"id": \n')
      local s, err, code = c:ingest { dir .. "/bad.jsonl" }
      assert.is_nil(s)
      assert.matches("bad%.jsonl:3: bad JSON", err)
      assert.equal("input", code)
      assert.equal(2, c:count())
   end)

   it("reports unreadable paths and goes on", function()
      write(dir .. "/ok.txt", "Fine.")
      local failures = {}
      local s = assert(c:ingest({ dir .. "/missing.txt", dir .. "/ok.txt" },
         { fail = function(m) failures[#failures + 1] = m end }))
      assert.equal(1, s.added)
      assert.equal(1, s.failed)
      assert.matches("missing%.txt: No such file or directory", failures[1])
   end)

   it("raises on misuse", function()
      assert.has_error(function() c:ingest(5) end, "corpus:ingest: paths must be a string or a list")
      assert.has_error(function() c:ingest({}, { batch = 0 }) end,
         "corpus:ingest: option 'batch' must be a positive integer")
      assert.has_error(function() c:ingest({}, { progress = "yes" }) end,
         "corpus:ingest: option 'progress' must be a function")
   end)
end)

describe("a read-only corpus", function()
   local dir
   before_each(function()
      dir = tmpdir()
      local c <close> = assert(quarry.open(dir .. "/c.db"))
      sample(c)
      assert(c:add_spans("geneva", "news", { { type = "place", start = 0, stop = 5 } }))
   end)
   after_each(function() os.execute("rm -rf '" .. dir .. "'") end)

   it("reads, and refuses writes with a clear message, losing nothing", function()
      local c <close> = assert(quarry.open(dir .. "/c.db", { readonly = true }))
      assert.equal(3, c:count())
      assert.equal(2, #assert(c:search("talks")))
      assert.equal(4, #assert(c:kwic("talks")))
      assert.equal(1, c:count_spans {})
      local ok, err, code = c:add { id = "x", text = "New." }
      assert.is_nil(ok)
      assert.matches("c%.db: attempt to write a readonly database %(the corpus was opened read%-only", err)
      assert.equal("readonly", code)
      ok, err, code = c:delete("geneva")
      assert.is_nil(ok)
      assert.matches("readonly", err)
      assert.equal("readonly", code)
      write(dir .. "/more.jsonl", '{"id": "m", "text": "More."}\n')
      ok, err, code = c:ingest { dir .. "/more.jsonl" }
      assert.is_nil(ok)
      assert.matches("attempt to write a readonly database", err)
      assert.equal("readonly", code)
      assert.equal(3, c:count())
      assert.is_table(c:get("geneva"))
   end)

   it("cannot be created read-only", function()
      local c, err, code = quarry.open(dir .. "/none.db", { readonly = true })
      assert.is_nil(c)
      assert.matches("none%.db: unable to open database file", err)
      assert.equal("cantopen", code)
   end)
end)
