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
db_path = require("bench.synthetic").corpus(ndocs, db_path)
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
   local needs = { kwic = { query = "agreement", limit = 1000 }, article = { doc = "bench-1" },
      profile = { speaker = top_person } }
   cases[#cases + 1] = { name = name, filters = needs[name] or {} }
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
