--- The news pack over every document of the shared corpora and seeds
-- (run by tests/news/corpora_smoke_spec.lua in a process of its own, so
-- that its peak RSS is its own):
--   lua5.4 tests/news/smoke.lua CORPORA SEEDS [STRIDE]
-- runs the pack over every STRIDE-th document (default 1: all) of
-- CORPORA/bbc.jsonl, CORPORA/reuters.jsonl, CORPORA/polnear/{train,dev}/text,
-- CORPORA/conll2003/eng.{train,testa} (as text, cut into documents as
-- quarry eval reads them) and SEEDS, and prints one JSON object: documents,
-- bytes, errors (how many) and the first few, cpu_seconds, slowest
-- (seconds and id of the slowest document), peak_rss_kb.
local quarry = require "quarry"
local docs = require "quarry.docs"
local eval = require "quarry.eval"
local cjson = require "cjson"

local corpora, seeds, stride = arg[1], arg[2], tonumber(arg[3]) or 1
local pack = quarry.rules.load("news")

local report = { documents = 0, bytes = 0, errors = 0, first_errors = {}, slowest = { seconds = 0 } }
local seen = 0
local function run(doc)
   seen = seen + 1
   if (seen - 1) % stride ~= 0 then return end
   local t0 = os.clock()
   local ok, err = pcall(pack.run, pack, doc)
   local t = os.clock() - t0
   report.documents = report.documents + 1
   report.bytes = report.bytes + #doc.text
   if t > report.slowest.seconds then report.slowest = { seconds = t, id = doc.id } end
   if not ok then
      report.errors = report.errors + 1
      if #report.first_errors < 5 then
         report.first_errors[#report.first_errors + 1] = doc.id .. ": " .. tostring(err)
      end
   end
end

local t0 = os.clock()
for _, path in ipairs { corpora .. "/bbc.jsonl", corpora .. "/reuters.jsonl", corpora .. "/polnear/train/text",
   corpora .. "/polnear/dev/text", seeds } do
   for doc in docs.each(path, { fail = function(msg) error(msg, 0) end }) do run(doc) end
end
for _, name in ipairs { "eng.train", "eng.testa" } do
   local list = assert(eval.read_conll(corpora .. "/conll2003/" .. name))
   for _, doc in ipairs(list) do run({ id = doc.id, text = doc.text, date = doc.date }) end
end
report.cpu_seconds = os.clock() - t0
for line in io.lines("/proc/self/status") do
   local kb = line:match("^VmHWM:%s*(%d+)")
   if kb then report.peak_rss_kb = tonumber(kb) end
end
io.write(cjson.encode(report), "\n")
