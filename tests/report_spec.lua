-- Reports from Lua: every shipped report in every format, the filters, a
-- user's report by path, the sandbox, and the renderers' formats.
local cjson = require "cjson"
local quarry = require "quarry"
local reports = require "quarry.reports"
local render = require "quarry.render"
local base = require "quarry.reports.base"
local support = require "tests.support"
local fixture = require "tests.report_corpus"

-- RFC 4180 records of a CSV text (quoted fields, doubled quotes, CRLF).
local function parse_csv(s)
   local records, record, field, i, quoted = {}, {}, {}, 1, false
   while i <= #s do
      local c = s:sub(i, i)
      if quoted then
         if c == '"' then
            if s:sub(i + 1, i + 1) == '"' then field[#field + 1] = '"'; i = i + 1 else quoted = false end
         else
            field[#field + 1] = c
         end
      elseif c == '"' then
         quoted = true
      elseif c == "," then
         record[#record + 1] = table.concat(field)
         field = {}
      elseif c == "\r" and s:sub(i + 1, i + 1) == "\n" then
         record[#record + 1] = table.concat(field)
         records[#records + 1] = record
         record, field = {}, {}
         i = i + 1
      else
         assert(c ~= "\n", "bare LF outside quotes at byte " .. i)
         field[#field + 1] = c
      end
      i = i + 1
   end
   assert(#field == 0 and #record == 0, "CSV does not end with CRLF")
   return records
end

local function rows_of(model)
   local out = {}
   for _, s in ipairs(model.sections) do
      for _, r in ipairs(s.rows) do out[#out + 1] = r end
   end
   return out
end

local function titles(model)
   local out = {}
   for _, s in ipairs(model.sections) do out[#out + 1] = s.title end
   return out
end

describe("reports", function()
   local dir, corpus
   setup(function()
      dir = support.tmpdir()
      corpus = fixture.build(dir .. "/fx.db")
   end)
   teardown(function()
      corpus:close()
      support.cleanup()
   end)

   local function run(name, filters)
      return assert(reports.run(corpus, name, filters))
   end

   describe("every shipped report in every format", function()
      for _, name in ipairs(reports.SHIPPED) do
         local needs = { kwic = { query = "Lisbon" }, article = { doc = "a" }, profile = { speaker = "Ana Ruiz" } }
         local filters = needs[name]
         it(name, function()
            local model = run(name, filters)
            assert.equal(name, model.report)
            assert.is_string(model.title)
            local flat_cols, flat_rows = render.flatten(model)
            assert.is_true(#flat_rows > 0, name .. " has rows on the fixture")

            local md = render.to_string(model, "md")
            assert.matches("^# " .. model.title:gsub("%p", "%%%0"), md)
            assert.matches("\n| --- ", md, 1, true)

            local doc = cjson.decode(render.to_string(model, "json"))
            assert.equal(name, doc.report)
            local n = 0
            local function count(m)
               for _, s in ipairs(m.sections) do n = n + #s.rows end
               for _, p in ipairs(m.parts or {}) do count(p) end
            end
            count(doc)
            assert.equal(#flat_rows, n)

            local lines = {}
            for line in render.to_string(model, "jsonl"):gmatch("[^\n]+") do lines[#lines + 1] = cjson.decode(line) end
            assert.equal(#flat_rows, #lines)
            for _, line in ipairs(lines) do
               for _, c in ipairs(flat_cols) do assert.is_not_nil(line[c.key], c.key) end
            end

            local records = parse_csv(render.to_string(model, "csv"))
            assert.equal(#flat_rows + 1, #records)
            for _, r in ipairs(records) do assert.equal(#flat_cols, #r) end
            assert.equal(flat_cols[1].key, records[1][1])

            local page = render.to_string(model, "html")
            assert.matches("^<!DOCTYPE html>", page)
            assert.matches("</html>\n$", page)
            assert.is_nil(page:gsub('<link rel="icon" href="data:,">', ""):find("<link", 1, true),
               "no external stylesheet")
            assert.is_nil(page:find("src=", 1, true), "nothing loaded from elsewhere")
            assert.is_nil(page:find("https?://[^\"]*\"%s*/?>"), "no URL in an attribute that loads")
            assert.truthy(page:find("default-src 'none'", 1, true))

            local tbl = render.to_string(model, "table", { width = 80 })
            assert.truthy(tbl:find(model.title, 1, true))
            for line in tbl:gmatch("[^\n]+") do
               assert.is_true(utf8.len(line) <= 80 or line:find(model.title, 1, true) ~= nil,
                  "line longer than 80: " .. line)
            end
         end)
      end
   end)

   describe("quotes", function()
      it("groups quotes by speaker, most quoted first, unattributed last, with context", function()
         local model = run("quotes")
         local t = titles(model)
         assert.equal("Sergei Voronov", t[1])
         assert.equal("(unattributed)", t[#t])
         assert.same({ "Ana Ruiz", "Ilse Marek", "Tomas Berg", "Łukasz Żółw" }, { t[2], t[3], t[4], t[5] })
         -- the reader's quote inside the comments is not a quote of the article
         assert.equal(fixture.count("quote") - 1, #rows_of(model))
         assert.is_nil(model.sections[1].rows[3])
         local ruiz = model.sections[2].rows[1]
         assert.equal("The bridge is ready,", ruiz.quote)
         assert.equal("a", ruiz.doc)
         assert.equal("2024-03-04", ruiz.date)
         assert.equal("“…” Ruiz said.", ruiz.context)
         assert.equal("Sergey Voronov said: “…”", model.sections[1].rows[1].context)
         assert.equal(7, model.stats[1].value)
      end)

      it("finds a speaker by any variant of the name, case and diacritics aside", function()
         for _, name in ipairs { "Sergei Voronov", "sergei voronov", "Sergey Voronov", "VORONOV" } do
            local model = run("quotes", { speaker = name })
            assert.same({ "Sergei Voronov" }, titles(model), name)
            assert.equal(2, #rows_of(model))
         end
         assert.same({ "Łukasz Żółw" }, titles(run("quotes", { speaker = "lukasz zolw" })))
         local none = run("quotes", { speaker = "Nobody Atall" })
         assert.equal(0, #rows_of(none))
         assert.matches("No speaker named 'Nobody Atall'", none.notes[1])
      end)

      it("keeps the quotes that mention an entity, and the documents of a query and a date range", function()
         local m = run("quotes", { entity = "port authority" })
         assert.same({ "Ilse Marek" }, titles(m))
         m = run("quotes", { query = "bridge" })
         assert.same({ "Ana Ruiz", "Tomas Berg" }, titles(m))
         m = run("quotes", { from = "2024-04", to = "2024-04" })
         assert.same({ "Ilse Marek", "Sergei Voronov" }, titles(m))
         m = run("quotes", { limit = 1, speaker = "Sergei Voronov" })
         assert.equal(1, #rows_of(m))
         assert.matches("first 1 shown", m.sections[1].note)
         assert.equal("Sergey Voronov said: “…”", m.sections[1].rows[1].context)
      end)
   end)

   describe("--limit", function()
      it("keeps the same first rows as the whole report, with the same counts", function()
         for _, name in ipairs { "quotes", "timeline" } do
            local all, first = run(name), run(name, { limit = 1 })
            assert.equal(all.stats[1].value, first.stats[1].value, name)
            assert.equal(#all.sections, #first.sections, name)
            for i, s in ipairs(first.sections) do
               assert.equal(all.sections[i].title, s.title)
               assert.same(all.sections[i].rows[1], s.rows[1])
               assert.is_nil(s.rows[2])
               if s.note then
                  assert.equal(all.sections[i].note:match("^%d+ quotes? in %d+ documents?"),
                     s.note:match("^%d+ quotes? in %d+ documents?"))
               end
            end
         end
      end)
   end)

   describe("entities", function()
      it("lists canonical names with their variants, mentions and documents", function()
         local model = run("entities")
         local by = {}
         for _, r in ipairs(rows_of(model)) do by[r.name] = r end
         local v = by["Sergei Voronov"]
         assert.equal("person", v.type)
         assert.equal(4, v.mentions)
         assert.equal(2, v.documents)
         table.sort(v.variants)
         assert.same({ "Sergei Voronov", "Sergey Voronov", "Voronov" }, v.variants)
         assert.same({ "b", "c" }, v.docs)
         assert.equal("organization", by["Port Authority"].type)
         assert.equal(5, by.Lisbon.mentions)
         assert.equal("Lisbon", rows_of(model)[1].name)
         local one = run("entities", { entity = "lisbon" })
         assert.equal(1, #rows_of(one))
         assert.equal(2, #rows_of(run("entities", { limit = 2 })))
         -- --speaker chooses the documents: those quoting the speaker
         local docs = {}
         for _, r in ipairs(rows_of(run("entities", { speaker = "Ana Ruiz" }))) do
            for _, d in ipairs(r.docs) do docs[d] = true end
         end
         assert.same({ a = true }, docs)
      end)
   end)

   describe("timeline", function()
      it("puts dated statements and events in order, and charts each one", function()
         local model = run("timeline")
         local rows = rows_of(model)
         for i = 2, #rows do assert.is_true(rows[i - 1].date <= rows[i].date) end
         assert.same({ date = "2023", kind = "event", doc = "d" }, { date = rows[1].date, kind = rows[1].kind,
            doc = rows[1].doc })
         assert.equal("2025-03", rows[#rows].date)
         local events = 0
         for _, r in ipairs(rows) do if r.kind == "event" then events = events + 1 end end
         assert.equal(fixture.count("date"), events)
         assert.equal(#rows, #model.chart.items)
         for i, it_ in ipairs(model.chart.items) do assert.equal(rows[i], it_.row) end
         local may = rows[6]
         assert.equal("2024-05-01", may.date)
         assert.equal("LISBON (Wire Service) — Mayor Ana Ruiz said the bridge will open on 2024-05-01.", may.text)
         -- the reader's quote in the comments is no statement
         for _, r in ipairs(rows) do assert.is_nil(r.text:find("Ruiz is wrong", 1, true)) end
      end)

      it("applies --from and --to to the dates of the items", function()
         local rows = rows_of(run("timeline", { from = "2024-05", to = "2024-06" }))
         local dates = {}
         for _, r in ipairs(rows) do dates[#dates + 1] = r.date end
         assert.same({ "2024-05-01", "2024-06-19", "2024-06-20", "2024-06-20" }, dates)
         local s = rows_of(run("timeline", { speaker = "Ana Ruiz" }))
         for _, r in ipairs(s) do
            assert.equal("a", r.doc)
            if r.kind == "statement" then assert.equal("Ana Ruiz", r.speaker) end
         end
         local first3 = run("timeline", { limit = 3 })
         assert.equal(3, #rows_of(first3))
         assert.equal("The first 3 of 10 dated items, by date.", first3.notes[1])
         assert.equal(10, first3.stats[1].value)
         assert.equal(3, #first3.chart.items)
         -- the sentence of an event kept under --limit is found all the same
         local dated = rows_of(run("timeline", { limit = 6 }))
         assert.equal("LISBON (Wire Service) — Mayor Ana Ruiz said the bridge will open on 2024-05-01.", dated[6].text)
      end)
   end)

   describe("sources", function()
      it("counts outlets, agencies and dateline places", function()
         local model = run("sources")
         assert.same({ "Outlets", "Agencies", "Datelines" }, titles(model))
         local outlets = model.sections[1].rows
         assert.same({ outlet = "Harbour Herald", documents = 2, datelines = 1, first = "2024-03-04",
            last = "2024-06-20" }, outlets[1])
         local agency = model.sections[2].rows[1]
         assert.equal("Wire Service", agency.agency)
         assert.equal(2, agency.datelines)
         assert.same({ "Harbour Herald", "Wire Service" }, agency.outlets)
         local places = {}
         for _, r in ipairs(model.sections[3].rows) do places[#places + 1] = r.place end
         assert.same({ "Geneva", "Lisbon" }, places)
         local cols = render.flatten(model)
         assert.equal("section", cols[1].key)
         -- the filters choose the documents
         local m = run("sources", { from = "2024-04" })
         assert.same({ "Geneva" }, { m.sections[3].rows[1].place })
         assert.is_nil(m.sections[3].rows[2])
      end)
   end)

   describe("summary, search and kwic", function()
      it("summarises the corpus, with --limit for its top lists", function()
         local model = run("summary")
         local stats = {}
         for _, s in ipairs(model.stats) do stats[s.key] = s.value end
         assert.equal(5, stats.documents)
         assert.equal(4, stats.dated)
         assert.equal("2024-03-04", stats.first)
         assert.equal(fixture.count("quote"), stats.quotes)
         for _, r in ipairs(model.sections[2].rows) do assert.is_not.equal("Paulo Reader", r.speaker) end
         assert.equal("Sergei Voronov", model.sections[2].rows[1].speaker)
         assert.equal(2, #run("summary", { limit = 2 }).sections[2].rows)
         local q = run("summary", { query = "Voronov" })
         assert.equal(2, q.stats[1].value)
      end)

      it("lists documents: ranked with a query, else by date", function()
         local rows = rows_of(run("search"))
         local ids = {}
         for _, r in ipairs(rows) do ids[#ids + 1] = r.doc end
         assert.same({ "a", "b", "c", "e", "d" }, ids)
         assert.equal(2, rows[1].quotes)     -- not the reader's, in the comments
         assert.equal(7, rows[1].entities)
         local hits = rows_of(run("search", { query = "Lisbon" }))
         assert.equal(2, #hits)
         assert.equal("c", hits[1].doc)
         assert.matches("%[Lisbon%]", hits[1].snippet)
         assert.equal(1, #rows_of(run("search", { query = "Lisbon", entity = "Tomas Berg" })))
      end)

      it("makes a concordance of a query, or of an entity's mentions", function()
         local rows = rows_of(run("kwic", { query = "bridge" }))
         assert.equal(3, #rows)
         assert.equal("bridge", rows[2].match:lower())
         local mentions = rows_of(run("kwic", { entity = "Voronov" }))
         assert.equal(4, #mentions)
         assert.equal("Sergey Voronov", mentions[1].match)
         assert.equal("said: “Nothing is agreed.”", mentions[1].right)
         local _, err, code = reports.run(corpus, "kwic", {})
         assert.equal("usage", code)
         assert.matches("needs something to look for", err)
      end)

      it("puts the reports together in a digest", function()
         local model = run("digest", { speaker = "Ana Ruiz" })
         local names = {}
         for _, p in ipairs(model.parts) do names[#names + 1] = p.report end
         assert.same({ "summary", "quotes", "timeline", "entities", "sources" }, names)
         assert.same({ "Ana Ruiz" }, titles(model.parts[2]))
         local cols = render.flatten(model)
         assert.equal("report", cols[1].key)
         -- each part shows a readable number of rows, unless --limit says otherwise
         assert.equal(25, model.parts[2].filters.limit)
         assert.equal(1000, model.parts[3].filters.limit)
         local one = run("digest", { limit = 1 })
         for _, p in ipairs(one.parts) do assert.equal(1, p.filters.limit) end
         assert.equal(1, #one.parts[4].sections[1].rows)
      end)
   end)

   describe("the indexes", function()
      it("give the same rows as a scan for every filter shape the reports use", function()
         -- SQLite 3.40 can lose rows with an IN list on an indexed expression
         -- in some query shapes: these are the shapes the reports use
         local names = "('Ana Ruiz', 'Tomas Berg', 'Port Authority', 'Ilse Marek', 'Sergei Voronov')"
         local shapes = {
            "SELECT count(*) AS n FROM spans s WHERE s.type = 'quote' AND "
               .. "%sjson_extract(s.attrs, '$.speaker') IN " .. names,
            "SELECT count(*) AS n FROM docs d WHERE d.rowid IN (SELECT doc FROM spans WHERE type IN ('person', "
               .. "'organization', 'location') AND %sjson_extract(attrs, '$.name') IN " .. names .. ")",
            "SELECT count(*) AS n FROM spans s WHERE s.type = 'quote' AND s.id IN (SELECT x.id FROM spans e "
               .. "JOIN spans x ON x.doc = e.doc AND x.start <= e.start AND x.stop >= e.stop "
               .. "WHERE e.type IN ('person', "
               .. "'organization', 'location') AND %sjson_extract(e.attrs, '$.name') IN " .. names .. ")",
            "SELECT count(*) AS n FROM spans s WHERE s.type IN ('person', 'organization', 'location') AND "
               .. "%sjson_extract(s.attrs, '$.name') IN " .. names,
         }
         local probe = base.new { run = function(ctx)
            local out = {}
            for i, shape in ipairs(shapes) do
               out[i] = { indexed = ctx:one(shape:format("")).n, scanned = ctx:one(shape:format("+")).n }
            end
            return out
         end }
         local m = base.run(corpus, probe, {})
         for i, r in ipairs(m.sections[1].rows) do
            assert.equal(r.scanned, r.indexed, "shape " .. i)
            assert.is_true(r.scanned > 0, "shape " .. i)
         end
         local indexes = {}
         for row in corpus.db:prepare("SELECT name FROM sqlite_schema WHERE type = 'index'"):rows() do
            indexes[row.name] = true
         end
         assert.is_true(indexes.spans_speaker and indexes.spans_name)
      end)
   end)

   describe("the indexes of older files and large runs", function()
      local function indexes(c)
         local have = {}
         for row in c.db:prepare("SELECT name FROM sqlite_schema WHERE type = 'index'"):rows() do
            have[row.name] = true
         end
         return have
      end

      it("are made when a file without them is opened for writing; reports work without them", function()
         local path = dir .. "/old.db"
         fixture.build(path):close()
         local c = assert(quarry.open(path))
         assert(c.db:exec("DROP INDEX spans_speaker; DROP INDEX spans_name"))
         c:close()
         c = assert(quarry.open(path, { readonly = true }))
         assert.is_nil(indexes(c).spans_speaker)
         local without = reports.run(c, "quotes", { speaker = "Sergey Voronov" })
         c:close()
         c = assert(quarry.open(path))
         assert.is_true(indexes(c).spans_speaker and indexes(c).spans_name)
         assert.same(rows_of(without), rows_of(assert(reports.run(c, "quotes", { speaker = "Sergey Voronov" }))))
         c:close()
      end)

      it("are not needed by the explorer's reports on a file opened read-only without them", function()
         local path = dir .. "/older.db"
         fixture.build(path):close()
         local c = assert(quarry.open(path))
         local want = {}
         local cases = { { "timeline", { limit = 3 } }, { "facets", { query = "Lisbon" } }, { "search", { limit = 2 } },
            { "profile", { speaker = "Sergei Voronov" } }, { "profile", { entity = "Lisbon" } } }
         for i, case in ipairs(cases) do want[i] = rows_of(assert(reports.run(c, case[1], case[2]))) end
         assert(c.db:exec("DROP INDEX spans_value; DROP INDEX docs_date; DROP INDEX docs_source"))
         c:close()
         c = assert(quarry.open(path, { readonly = true }))
         assert.is_nil(indexes(c).docs_date)
         for i, case in ipairs(cases) do
            assert.same(want[i], rows_of(assert(reports.run(c, case[1], case[2]))), case[1])
         end
         c:close()
      end)

      it("are built once at the end of a large extraction, and are there after it", function()
         local c = assert(quarry.open(dir .. "/many.db"))
         local batch = {}
         for i = 1, 1200 do
            batch[i] = { id = "m" .. i, text = "Mayor Ana Ruiz said the bridge opens. “It is ready,” she added." }
         end
         assert(c:add_batch(batch))
         local stats = assert(c:extract("tests/fixtures/packs/newsroom.lua"))
         assert.equal(1200, stats.documents)
         assert.is_true(indexes(c).spans_speaker and indexes(c).spans_name)
         local m = assert(reports.run(c, "summary", {}))
         assert.equal(1200, m.stats[1].value)
         c:close()
      end)
   end)

   describe("errors", function()
      it("says which report is unknown, and returns a malformed query as a failure", function()
         local r, err, code = reports.load("no_such_report")
         assert.is_nil(r)
         assert.equal("notfound", code)
         assert.matches("unknown report 'no_such_report' %(reports: summary, quotes", err)
         assert.is_nil((reports.load("base")))
         local _, perr = reports.load("tests/no/such.lua")
         assert.matches("tests/no/such.lua: no such report file", perr)
         local m, qerr, qcode = reports.run(corpus, "quotes", { query = 'bad"' })
         assert.is_nil(m)
         assert.equal("query", qcode)
         assert.matches("^bad query 'bad\"'", qerr)
         assert.is_nil(qerr:find(dir, 1, true))
      end)

      it("raises on misused filters", function()
         support.raises(function() reports.run(corpus, "quotes", { from = "March" }) end, "filter 'from'", "ISO 8601")
         support.raises(function() reports.run(corpus, "quotes", { colour = "red" }) end, "unknown filter 'colour'")
         support.raises(function() reports.run(corpus, "quotes", { limit = -1 }) end, "limit")
         support.raises(function() reports.run({}, "quotes") end, "expected an open quarry.Corpus")
      end)
   end)

   describe("a user's own report", function()
      it("runs the README's example from its file", function()
         local model = run("examples/reports/titles.lua")
         assert.equal("titles", model.report)
         local rows = rows_of(model)
         assert.same({ name = "Ana Ruiz", title = "Mayor", mentions = 1, documents = 1 }, rows[1])
         assert.equal(3, #rows)
         -- filters reach it through ctx
         assert.same({ "Ilse Marek" }, { rows_of(run("examples/reports/titles.lua", { from = "2024-04" }))[1].name })
      end)

      it("runs in a sandbox unless trusted, and may only read", function()
         local path = support.put(dir, "sneaky.lua", [[
local base = require "quarry.reports.base"
return base.new { run = function(ctx) return { { out = os.getenv("HOME") } } end }
]])
         support.raises(function() reports.run(corpus, path) end, "os")
         local trusted = assert(reports.run(corpus, path, nil, { trusted = true }))
         assert.equal(os.getenv("HOME"), trusted.sections[1].rows[1].out)
         local req = support.put(dir, "req.lua", 'local io = require "io"\nreturn { run = function() return {} end }')
         support.raises(function() reports.load(req) end, "module 'io' is not available to an untrusted report")
         local writer = support.put(dir, "writer.lua", [[
return { run = function(ctx) return ctx:all("DELETE FROM docs") end }
]])
         support.raises(function() reports.run(corpus, writer) end, "not authorized: writing (DELETE from docs)")
         local attach = support.put(dir, "attach.lua", [[
return { run = function(ctx) return ctx:all("ATTACH DATABASE 'x.db' AS x") end }
]])
         support.raises(function() reports.run(corpus, attach) end, "not authorized: ATTACH")
         assert.equal(5, corpus:count())
      end)

      it("names the file and line of a broken report", function()
         local broken = support.put(dir, "broken.lua",
            "return {\n  run = function(ctx)\n    local rows = ctx:all('SELECT 1 FRM x')\n    return rows\n  end\n}\n")
         support.raises(function() reports.run(corpus, broken) end,
            "broken.lua:3: report SQL: near \"x\": syntax error")
         -- a tail call leaves no line: the file is named
         local tail = support.put(dir, "tail.lua", "return { run = function(ctx) return ctx:all('SELEC 1') end }")
         support.raises(function() reports.run(corpus, tail) end, "tail.lua: report SQL: near \"SELEC\": syntax error")
         local syntax = support.put(dir, "syntax.lua", "return {\n  run = function(ctx)\n")
         support.raises(function() reports.load(syntax) end, "syntax.lua:")
         local norun = support.put(dir, "norun.lua", "return { title = 'x' }")
         support.raises(function() reports.load(norun) end, "norun.lua", "needs a run function")
         local badcol = support.put(dir, "badcol.lua",
            "return { columns = { { key = 'a', kind = 'colour' } }, run = function() return {} end }")
         support.raises(function() reports.load(badcol) end, "unknown kind 'colour'")
      end)

      it("can build on a shipped report", function()
         local path = support.put(dir, "top_speaker.lua", [[
local base = require "quarry.reports.base"
local quotes = require "quarry.reports.quotes"
return base.new { name = "top", run = function(ctx)
   local m = ctx:include(quotes)
   return { { speaker = m.sections[1].title, quotes = #m.sections[1].rows } }
end }
]])
         assert.same({ speaker = "Sergei Voronov", quotes = 2 }, run(path).sections[1].rows[1])
      end)
   end)
end)

describe("a search's best matches (ranked once for the search, its facets and its pages)", function()
   local dir, path, reader
   local BEST, Q = base.BEST, "Lisbon OR said"
   setup(function()
      dir = support.tmpdir()
      path = dir .. "/fx.db"
      local w = fixture.build(path)
      -- documents that rank alike (the same text): their order is their rowid's
      for i = 1, 4 do
         assert(w:add { id = "same" .. i, date = "2024-09-0" .. i, text = "Ferry strike in Lisbon, said the union." })
      end
      w:close()
      reader = assert(quarry.open(path, { readonly = true }))
      base.BEST = 3    -- pages and facets on both sides of the kept list's end
   end)
   teardown(function()
      base.BEST = BEST
      reader:close()
      support.cleanup()
   end)

   local function ids(filters)
      local out = {}
      for _, r in ipairs(rows_of(assert(reports.run(reader, "search", filters)))) do out[#out + 1] = r.doc end
      return out
   end

   it("give every page of the whole ranking, within the kept list and past it", function()
      local all = ids { query = Q }     -- no limit: ranked in one query
      assert.equal(8, #all)
      for _, size in ipairs { 1, 2, 3 } do
         local paged = {}
         for offset = 0, #all, size do
            for _, id in ipairs(ids { query = Q, limit = size, offset = offset }) do paged[#paged + 1] = id end
         end
         assert.same(all, paged, "pages of " .. size)
      end
      -- another filter, another list
      assert.same({ "c", "a", "b" }, ids { query = Q, to = "2024-06" })
      assert.same({ "c", "a" }, ids { query = Q, to = "2024-06", limit = 2 })
   end)

   it("are the documents whose speakers the facets count", function()
      local best, speakers = ids { query = Q, limit = 3 }, {}
      for _, id in ipairs(best) do
         for _, sp in ipairs(assert(reader:spans { doc = id, type = "quote" })) do
            if sp.attrs.speaker and sp.attrs.speaker ~= "Paulo Reader" then speakers[sp.attrs.speaker] = true end
         end
      end
      local m = assert(reports.run(reader, "facets", { query = Q }))
      local counted = {}
      for _, r in ipairs(m.sections[3].rows) do counted[r.value] = true end
      assert.same(speakers, counted)
      assert.equal("In the first 3 of 8 documents, the best matches.", m.sections[3].note)
   end)

   it("are a list of the caller's own: a report that changes its list changes no other's", function()
      local spoiler = base.new { name = "spoiler", run = function(ctx)
         local best = ctx:best_matches()
         for i = #best, 1, -1 do best[i] = nil end
         return { rows = {} }
      end }
      local before = ids { query = Q, limit = 3 }
      assert(reports.run(reader, spoiler, { query = Q }))
      assert.same(before, ids { query = Q, limit = 3 })
      assert.equal(3, #before)
   end)

   it("are ranked again once another connection commits", function()
      assert.is_false(ids { query = Q, limit = 3 }[1] == "late")
      local w = assert(quarry.open(path))
      assert(w:add { id = "late", title = "Lisbon said", text = "Lisbon said: Lisbon, Lisbon, said Lisbon." })
      w:close()
      assert.same("late", ids { query = Q, limit = 3 }[1])
      assert.equal(9, #ids { query = Q })
   end)
end)

describe("renderers", function()
   local model = {
      report = "t", title = "A <b>title</b>", filters = {}, notes = {},
      columns = { { key = "name", label = "Name" }, { key = "n", label = "N", kind = "number" },
         { key = "tags", label = "Tags", kind = "list" } },
      sections = { { rows = {
         { name = 'Says "hi", then\nleaves | runs', n = 3, tags = { "x", "y" } },
         { name = "Łódź", n = 1.5, tags = {} },
         { n = 0 },
      } } },
   }

   it("quotes CSV fields as RFC 4180 says", function()
      local csv = render.to_string(model, "csv")
      assert.equal('name,n,tags\r\n"Says ""hi"", then\nleaves | runs",3,x; y\r\nŁódź,1.5,\r\n,0,\r\n', csv)
      local records = parse_csv(csv)
      assert.equal('Says "hi", then\nleaves | runs', records[2][1])
   end)

   it("writes JSON lines with every column, in column order, null when empty", function()
      local lines = {}
      for l in render.to_string(model, "jsonl"):gmatch("[^\n]+") do lines[#lines + 1] = l end
      assert.equal('{"name":null,"n":0,"tags":null}', lines[3])
      assert.equal('{"name":"Łódź","n":1.5,"tags":[]}', lines[2])
      assert.equal(render.to_string(model, "json"), render.to_string(model, "json"))
      local doc = cjson.decode(render.to_string(model, "json"))
      assert.equal(3, #doc.sections[1].rows)
      assert.same({ "x", "y" }, doc.sections[1].rows[1].tags)
   end)

   it("escapes Markdown table cells and HTML", function()
      local md = render.to_string(model, "md")
      assert.truthy(md:find('| Says "hi", then leaves \\| runs | 3 | x; y |', 1, true))
      assert.truthy(md:find("| --- | ---: | --- |", 1, true))
      local page = render.to_string(model, "html")
      assert.truthy(page:find("<title>A &lt;b&gt;title&lt;/b&gt;</title>", 1, true))
      assert.is_nil(page:find("<b>title", 1, true))
   end)

   it("fits the terminal table to the width, cutting long cells", function()
      local wide = { report = "w", title = "W", columns = { { key = "a" }, { key = "b" } },
         sections = { { rows = { { a = string.rep("word ", 40), b = string.rep("x", 100) } } } } }
      local out = render.to_string(wide, "table", { width = 60 })
      for line in out:gmatch("[^\n]+") do assert.is_true(utf8.len(line) <= 60, line) end
      assert.truthy(out:find("…", 1, true))
   end)

   it("refuses an unknown format", function()
      support.raises(function() render.to_string(model, "pdf") end, "unknown format 'pdf'")
   end)

   it("draws one timeline mark per dated item, or bars when there are too many", function()
      local html = require "quarry.render.html"
      local rows, items = {}, {}
      for i = 1, 40 do
         rows[i] = { date = string.format("2024-%02d-%02d", (i % 12) + 1, (i % 28) + 1) }
         items[i] = { date = rows[i].date, label = "item " .. i, kind = i % 2 == 0 and "event" or "statement",
            row = rows[i] }
      end
      items[41] = { date = "not a date", label = "x" }
      local m = { report = "tl", title = "TL", columns = { { key = "date" } }, sections = { { rows = rows } },
         chart = { kind = "timeline", items = items } }
      local page = render.to_string(m, "html")
      local _, marks = page:gsub('<circle class="mark"', "")
      assert.equal(40, marks)
      local saved = html.MAX_MARKS
      html.MAX_MARKS = 10
      local ok, many = pcall(render.to_string, m, "html")
      html.MAX_MARKS = saved
      assert.is_true(ok, many)
      local _, bars = many:gsub('<rect class="bar"', "")
      assert.is_true(bars > 0)
      assert.is_nil(many:find('<circle class="mark"', 1, true))
      assert.truthy(many:find("40 dated items: too many to draw one by one", 1, true))
   end)

   it("links documents to their source, or with a base URL to the explorer's pages", function()
      local m = { report = "q", title = "Q", columns = {
         { key = "speaker", link = "speaker" }, { key = "quote", kind = "quote", link = "at" },
         { key = "doc", link = "article" } }, sections = { { rows = {
         { speaker = "Ana Ruiz", quote = "Ready", doc = "a", at = 57, url = "https://news.example/a?x=1&y=2" },
         { speaker = "X", quote = "Bad", doc = "b", at = 3, url = "javascript:alert(1)" },
         { speaker = "Y", quote = "Odd", doc = "c", at = 4, url = " https://news.example/c" } } } } }
      local page = render.to_string(m, "html")
      assert.truthy(page:find('<a href="https://news.example/a?x=1&amp;y=2">a</a>', 1, true))
      assert.falsy(page:lower():find("javascript:", 1, true))
      assert.falsy(page:find('href=" https', 1, true))
      assert.falsy(page:find("speaker?name", 1, true), "no explorer links without a base URL")
      page = render.to_string(m, "html", { base_url = "http://127.0.0.1:9/" })
      assert.truthy(page:find('<a href="http://127.0.0.1:9/article?doc=a">a</a><a class="src" '
         .. 'href="https://news.example/a?x=1&amp;y=2"', 1, true))
      assert.truthy(page:find('<a href="http://127.0.0.1:9/article?doc=a#at-57">Ready</a>', 1, true))
      assert.truthy(page:find('<a href="http://127.0.0.1:9/speaker?name=Ana%20Ruiz">Ana Ruiz</a>', 1, true))
      assert.truthy(page:find('<a href="http://127.0.0.1:9/article?doc=b">b</a></td>', 1, true))
   end)

   it("spans the timeline's axis over the documents' dates, counting far-off dates at its ends", function()
      local svg = require "quarry.render.svg"
      local rows, items = {}, {}
      for i = 1, 30 do
         rows[i] = { date = string.format("2024-%02d-%02d", (i % 8) + 2, (i % 27) + 1) }
         items[i] = { date = rows[i].date, label = "q" .. i, kind = i % 3 == 0 and "event" or "statement",
            row = rows[i] }
      end
      -- "1800 hrs" read as a year, and a date in 1911, in the text
      items[31] = { date = "1800", label = "1800 hrs", kind = "event" }
      items[32] = { date = "1911", label = "since 1911", kind = "event" }
      local m = { report = "tl", title = "TL", columns = { { key = "date" } }, sections = { { rows = rows } },
         chart = { kind = "timeline", items = items } }
      local page = render.to_string(m, "html")
      local lo, hi = page:match('<svg class="timeline".-data%-lo="(%-?%d+)" data%-hi="(%-?%d+)"')
      lo, hi = tonumber(lo), tonumber(hi)
      local first, last = math.huge, -math.huge
      for i = 1, 30 do
         if items[i].kind == "statement" then
            first, last = math.min(first, svg.day(items[i].date)), math.max(last, svg.day(items[i].date))
         end
      end
      assert.is_true(lo <= first and hi >= last, "the axis covers the documents' dates")
      assert.is_true(lo > svg.day("2023-06-01"), "the far-off years do not stretch the axis")
      assert.truthy(page:find("◀ 2 earlier", 1, true))
      local _, marks = page:gsub('<circle class="mark"', "")
      assert.equal(30, marks)
      local ticks = {}
      for label in page:match('<g class="ticks">(.-)</g>'):gmatch(">([^<]+)</text>") do ticks[#ticks + 1] = label end
      assert.is_true(#ticks >= 4, table.concat(ticks, ", "))
      assert.is_nil(table.concat(ticks, " "):find("18%d%d"))
   end)

   it("knows ISO dates", function()
      local html = require "quarry.render.html"
      assert.equal(0, html.day("1970-01-01"))
      assert.equal(html.day("2024-03-01"), html.day("2024-03"))
      assert.equal(html.day("2024-01-01"), html.day("2024"))
      assert.equal(html.day("2024-02-29") + 1, html.day("2024-03-01"))
      assert.equal(html.day("2024-05-06"), html.day("2024-05-06T10:00:00Z"))
      assert.is_nil(html.day("May 2024"))
      assert.is_nil(html.day("2024-13"))
   end)
end)

describe("the report base", function()
   it("checks report definitions", function()
      support.raises(function() base.new { title = "x" } end, "needs a run function")
      support.raises(function() base.new { run = print, columns = { { label = "x" } } } end, "column 1 needs a key")
      assert.is_true(base.is_report(base.new { run = print }))
   end)

   it("quotes SQL literals and compares names under one key", function()
      assert.equal("'it''s'", base.quote("it's"))
      assert.equal("7", base.quote(7))
      assert.equal("NULL", base.quote(nil))
      assert.equal(base.name_key("Łukasz  ŻÓŁW"), base.name_key("lukasz zolw"))
      assert.equal(base.name_key("O’Brien"), base.name_key("o'brien"))
   end)

   it("gives a report's rows a model with default columns", function()
      local c = assert(quarry.open(":memory:"))
      local r = base.new { name = "plain", run = function(ctx)
         return ctx:all("SELECT 1 AS b, 'x' AS a")
      end }
      local m = base.run(c, r, {})
      assert.same({ "a", "b" }, { m.columns[1].key, m.columns[2].key })
      assert.equal("plain", m.title)
      assert.same({ { a = "x", b = 1 } }, m.sections[1].rows)
      c:close()
   end)
end)
