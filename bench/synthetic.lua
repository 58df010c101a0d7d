--- The synthetic corpus of the report and explorer benchmarks: N fictional
-- articles with the annotations the news pack writes (people with
-- variants, organisations, places, dates, quotes with speakers, datelines,
-- segments), made once and kept in build/bench/reports-N.db.
--
--   local path = require("bench.synthetic").corpus(100000)
local quarry = require "quarry"
local lfs = require "lfs"

local synthetic = {}

local GENERATOR = "reports-bench-2"   -- change when the synthetic corpus changes

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

local function have_corpus(ndocs, db_path)
   if not lfs.attributes(db_path) then return false end
   local c = quarry.open(db_path, { readonly = true })
   if not c then return false end
   local ok = c:count() == ndocs and c:run_info("bench-1", GENERATOR) ~= nil
   c:close()
   return ok
end

--- synthetic.corpus(ndocs [, path]) -> path: the corpus of ndocs documents,
-- made unless it is there already.
function synthetic.corpus(ndocs, db_path)
   lfs.mkdir("build")
   lfs.mkdir("build/bench")
   db_path = db_path or string.format("build/bench/reports-%d.db", ndocs)
   if not have_corpus(ndocs, db_path) then
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
   return db_path
end

return synthetic
