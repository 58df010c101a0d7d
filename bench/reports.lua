--- Reports over a large corpus: they query the indexed spans table, not
-- the text, so they should finish in seconds on 100,000 documents.
-- Synthesises a corpus of N fictional articles (default 100,000) with the
-- annotations the news pack writes (people with variants, organisations,
-- places, dates, quotes with speakers, datelines, segments), kept in
-- build/bench/ for the next run; then times every shipped report (the
-- query and a Markdown rendering), some with filters, against a reference
-- measured in the same run: tokenising every document's text once, the
-- least a report that rescanned the text would cost.
--   lua5.4 bench/reports.lua [DOCUMENTS] [--db PATH]
local quarry = require "quarry"
local reports = require "quarry.reports"
local render = require "quarry.render"
local lfs = require "lfs"

local ndocs, db_path = 100000, nil
do
   local i = 1
   while arg[i] do
      if arg[i] == "--db" then
         db_path = arg[i + 1]
         i = i + 2
      else
         ndocs = assert(math.tointeger(tonumber(arg[i])), "usage: bench/reports.lua [DOCUMENTS] [--db PATH]")
         i = i + 1
      end
   end
end
local GENERATOR = "reports-bench-2"   -- change when the synthetic corpus changes
lfs.mkdir("build")
lfs.mkdir("build/bench")
db_path = db_path or string.format("build/bench/reports-%d.db", ndocs)

-- --- a fictional world ----------------------------------------------------------------

local rng_state = 12345
local function rand(n)            -- deterministic: the same corpus every run
   rng_state = (rng_state * 1103515245 + 12345) % 2147483648
   return rng_state % n + 1
end
local function pick(list) return list[rand(#list)] end
-- Zipf-like: low indexes far more often, as names are in the news.
local function zipf(list)
   local r = rand(1000000) / 1000000
   return list[math.max(1, math.min(#list, math.floor(#list * r * r * r) + 1))]
end

local SYL = { "ka", "ro", "mi", "ten", "val", "dor", "si", "lan", "bre", "mo", "vic", "ar", "el", "nu", "ta", "zer",
   "po", "lin", "gra", "sov", "ha", "ber", "quin", "ly", "os", "ma", "den", "ri", "cal", "fe" }
local function word(n)
   local w = {}
   for i = 1, n do w[i] = pick(SYL) end
   local s = table.concat(w)
   return s:sub(1, 1):upper() .. s:sub(2)
end

local people, orgs, places, outlets = {}, {}, {}, {}
local TITLES = { "Minister", "President", "Mayor", "Senator", "Governor", "Ambassador", "Judge", "Chief Executive" }
for i = 1, 2000 do
   local first, last = word(2), word(rand(2) + 1)
   people[i] = { name = first .. " " .. last, last = last, title = pick(TITLES),
      alt = first:sub(1, -2) .. "y " .. last }       -- a second spelling, as transliterations have
end
for i = 1, 300 do orgs[i] = word(2) .. " " .. pick { "Holdings", "Council", "Union", "Ministry", "Agency", "Group" } end
for i = 1, 400 do places[i] = word(rand(2) + 1) end
for i = 1, 20 do outlets[i] = word(2) .. " " .. pick { "News", "Times", "Wire", "Herald", "Post" } end
local AGENCIES = { "Meridian Wire", "Continental Press", "Northwind News", "Baltic Agency" }
local MONTHS = { "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
   "November", "December" }
local FILLER = { "the talks", "the budget", "a new agreement", "the border", "prices", "the vote", "the plan",
   "the court", "the strike", "the report", "investors", "the region", "the ministry", "the council" }
local VERBS = { "discussed", "rejected", "welcomed", "criticised", "delayed", "questioned", "approved",
   "reviewed" }
local QUOTES = { "We are close to an agreement", "Nothing has been decided yet", "This is a serious step",
   "The people deserve answers", "We will not accept this", "It is too early to say",
   "The numbers speak for themselves",
   "We expect a decision within weeks", "This changes nothing for now", "Our position is clear" }

-- One article: its text and annotations, offsets counted as it is written.
local function article(n)
   local parts, spans, len = {}, {}, 0
   local function put(s) parts[#parts + 1] = s; len = len + #s end
   local function ann(type_, s, attrs)
      spans[#spans + 1] = { type = type_, start = len, stop = len + #s, rule = "bench", attrs = attrs }
      put(s)
   end
   local day = rand(4 * 365) - 1
   local t = os.time { year = 2020, month = 1, day = 1, hour = 12 } + day * 86400
   local date = os.date("!%Y-%m-%d", t)
   local cast = {}
   for i = 1, 4 do cast[i] = zipf(people) end
   local place = zipf(places)
   local headline = cast[1].last .. " and " .. zipf(orgs) .. " clash over " .. pick(FILLER)
   ann("segment", headline, { kind = "headline" })
   put("\n\n")
   local body_start = len
   local agency = rand(3) == 1 and pick(AGENCIES) or nil
   local dl = place:upper() .. (agency and (" (" .. agency .. ")") or "") .. " —"
   spans[#spans + 1] = { type = "dateline", start = len, stop = len + #dl, rule = "bench",
      attrs = { place = place, source = agency } }
   ann("location", place:upper(), { name = place })
   put(dl:sub(#place + 1) .. " ")
   for p = 1, 6 do
      local who = cast[(p - 1) % #cast + 1]
      put(who.title .. " ")
      ann("person", rand(5) == 1 and who.alt or who.name, { name = who.name, title = who.title })
      put(" of the ")
      local org = zipf(orgs)
      ann("organization", org, { name = org })
      put(" " .. pick(VERBS) .. " " .. pick(FILLER) .. " in ")
      local pl = zipf(places)
      ann("location", pl, { name = pl })
      if rand(2) == 1 then
         put(" on ")
         local m, d, y = rand(12), rand(28), 2019 + rand(6)
         ann("date", string.format("%s %d, %d", MONTHS[m], d, y), { value = string.format("%d-%02d-%02d", y, m, d) })
      end
      put(". ")
      if p <= 4 then
         put("“")
         local q = pick(QUOTES) .. ", and " .. pick(FILLER) .. " will show it,"
         local speaker = rand(6) > 1 and who.name or nil
         local qs = len
         put(q)
         put("” ")
         local ss = len
         if speaker then ann("person", who.last, { name = who.name }) else put("one official") end
         put(" said.")
         spans[#spans + 1] = { type = "quote", start = qs, stop = qs + #q, rule = "bench",
            attrs = { speaker = speaker, speaker_start = ss, speaker_end = len - 6, cue = "said", kind = "direct" } }
      end
      put(" Officials in " .. zipf(places) .. " said " .. pick(FILLER) .. " had " .. pick(VERBS) .. " "
         .. pick(FILLER) .. " for months, and that " .. pick(FILLER) .. " would follow.\n\n")
   end
   spans[#spans + 1] = { type = "segment", start = body_start, stop = len - 2, rule = "bench",
      attrs = { kind = "body" } }
   local cs = len
   put("2 comments\n\nReader said:\n“" .. pick(QUOTES) .. ",” I think.\n")
   spans[#spans + 1] = { type = "segment", start = cs, stop = len, rule = "bench", attrs = { kind = "comments" } }
   return { id = "bench-" .. n, title = headline, date = date, source = zipf(outlets),
      text = table.concat(parts) }, spans
end

-- --- the corpus -----------------------------------------------------------------------------

local function have_corpus()
   if not lfs.attributes(db_path) then return false end
   local c = quarry.open(db_path, { readonly = true })
   if not c then return false end
   local ok = c:count() == ndocs and c:run_info("bench-1", GENERATOR) ~= nil
   c:close()
   return ok
end

if not have_corpus() then
   for _, s in ipairs { "", "-wal", "-shm" } do os.remove(db_path .. s) end
   io.stderr:write(string.format("reports benchmark: synthesising %d documents into %s ...\n", ndocs, db_path))
   local t0 = os.clock()
   local corpus <close> = assert(quarry.open(db_path))
   local batch = 2000
   for first = 1, ndocs, batch do
      local docs, spans = {}, {}
      for n = first, math.min(ndocs, first + batch - 1) do
         docs[#docs + 1], spans[#spans + 1] = article(n)
      end
      assert(corpus:add_batch(docs))
      assert(corpus:transaction(function()
         for i, d in ipairs(docs) do assert(corpus:replace_spans(d.id, GENERATOR, spans[i], { version = "1" })) end
         return true
      end))
   end
   io.stderr:write(string.format("reports benchmark: made in %.0f s\n", os.clock() - t0))
end

-- opened for writing once: a corpus made before the report indexes gets them
assert(quarry.open(db_path)):close()
local corpus <close> = assert(quarry.open(db_path, { readonly = true }))
local function scalar(sql)
   local st <close> = assert(corpus.db:prepare(sql))
   assert(st:step())
   return st:values()
end
local nspans = scalar("SELECT count(*) FROM spans")
local size = lfs.attributes(db_path, "size")

-- --- the reference: reading and tokenising every text once ----------------------------------

local function rescan()
   local st = corpus.db:prepare("SELECT text FROM docs")
   local tokens = 0
   for row in st:rows() do
      local toks <close> = quarry.tokenize(row.text)
      tokens = tokens + #toks
   end
   st:close()
   return tokens
end

-- and what rescanning would really cost: running the rule pack again
-- (news when it is installed, else the specs' stand-in), timed on a
-- sample and scaled to the corpus
local pack_name = package.searchpath("quarry.rules.news", package.path) and "news"
   or "tests/fixtures/packs/standin_news.lua"
local function reextract(sample)
   local pack = quarry.rules.load(pack_name)
   local st = corpus.db:prepare("SELECT id, text, date FROM docs LIMIT " .. sample)
   local n = 0
   for row in st:rows() do
      n = n + #pack:run(row)
   end
   st:close()
   return n
end

-- --- the reports ---------------------------------------------------------------------------------

-- the filters' subject: the most quoted speaker
local top_person = scalar("SELECT json_extract(attrs, '$.speaker') FROM spans WHERE type = 'quote' "
   .. "AND json_extract(attrs, '$.speaker') IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
local cases = {}
for _, name in ipairs(reports.SHIPPED) do
   cases[#cases + 1] = { name = name, filters = name == "kwic" and { query = "agreement", limit = 1000 } or {} }
end
cases[#cases + 1] = { name = "quotes", label = "quotes --speaker", filters = { speaker = top_person:lower() } }
cases[#cases + 1] = { name = "quotes", label = "quotes --from/--to", filters = { from = "2022-03", to = "2022-05" } }
cases[#cases + 1] = { name = "timeline", label = "timeline --entity", filters = { entity = top_person } }
cases[#cases + 1] = { name = "entities", label = "entities --query", filters = { query = "strike" } }
cases[#cases + 1] = { name = "summary", label = "summary --speaker", filters = { speaker = top_person } }

local function rows_in(model)
   local n = 0
   for _, s in ipairs(model.sections) do n = n + #s.rows end
   for _, p in ipairs(model.parts or {}) do n = n + rows_in(p) end
   return n
end

collectgarbage()
local t0 = os.clock()
local tokens = rescan()
local reference = os.clock() - t0
local sample = math.min(2000, ndocs)
collectgarbage()
t0 = os.clock()
reextract(sample)
local rules_time = (os.clock() - t0) * ndocs / sample

print(string.format("reports benchmark: %d documents, %d spans, %.0f MB file (%s)", corpus:count(), nspans,
   size / 1e6, db_path))
print(string.format("  reference: tokenising every text once: %.2f s CPU (%.1f M tokens)", reference, tokens / 1e6))
print(string.format("  re-extracting with the rules (%s, timed on %d documents): %.1f s CPU", pack_name, sample,
   rules_time))
print(string.format("  %-22s %10s %9s %9s %9s %8s %8s", "report", "rows", "query s", "md s", "total s", "/ tok",
   "/ rules"))
local devnull = assert(io.open("/dev/null", "w"))
local worst, worst_name, worst_ratio = 0, nil, 0
for _, case in ipairs(cases) do
   collectgarbage()
   local c0 = os.clock()
   local model = assert(reports.run(corpus, case.name, case.filters))
   local c1 = os.clock()
   render.write(model, "md", devnull)
   local c2 = os.clock()
   local total = c2 - c0
   if case.name ~= "digest" and total > worst then worst, worst_name = total, case.label or case.name end
   if total / rules_time > worst_ratio then worst_ratio = total / rules_time end
   print(string.format("  %-22s %10d %9.2f %9.2f %9.2f %8.2f %8.3f", case.label or case.name, rows_in(model),
      c1 - c0, c2 - c1, total, total / reference, total / rules_time))
end
print(string.format("  slowest single report: %s, %.1f s CPU; every report / re-extracting: at most %.2f (%s)",
   worst_name, worst, worst_ratio, worst_ratio < 1 and "all faster than reading the text again" or "NOT faster"))
