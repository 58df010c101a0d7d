--- The corpus explorer's page latency on a large corpus: `quarry serve`
-- over the synthetic corpus of bench/reports.lua (N documents, default
-- 100,000: bench/synthetic.lua), each page fetched over HTTP on loopback
-- as a browser would (lua-http's client), the p50 and p95 of each kind:
-- search (a query, its later pages, the filters of a facet), article,
-- speaker, entity and timeline (the whole range, and a month of it). The
-- reference, in the same run: the 404 page (the HTTP round trip and the
-- server's own work, no report) and corpus:search for the same query in
-- this process (the full-text index alone).
--   lua5.4 bench/serve.lua [DOCUMENTS] [--requests N]
local quarry = require "quarry"
local serve = require "quarry.serve"
local links = require "quarry.render.links"

local ndocs, nreq = 100000, 20
do
   local i = 1
   while arg[i] do
      if arg[i] == "--requests" then
         nreq = assert(math.tointeger(tonumber(arg[i + 1])), "usage: bench/serve.lua [DOCUMENTS] [--requests N]")
         i = i + 2
      else
         ndocs = assert(math.tointeger(tonumber(arg[i])), "usage: bench/serve.lua [DOCUMENTS] [--requests N]")
         i = i + 1
      end
   end
end

assert(serve.http(), "bench/serve.lua needs lua-http (Debian: lua-http)")
local request = require "http.request"
local monotime = require("cqueues").monotime

local db_path = require("bench.synthetic").corpus(ndocs)

-- the subjects: the most quoted speakers, the most named places, some documents
local corpus <close> = assert(quarry.open(db_path, { readonly = true }))
local function column(sql)
   local out = {}
   local st <close> = assert(corpus.db:prepare(sql))
   for row in st:rows() do out[#out + 1] = row.v end
   return out
end
local speakers = column("SELECT json_extract(attrs, '$.speaker') AS v FROM spans WHERE type = 'quote' AND "
   .. "json_extract(attrs, '$.speaker') IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT " .. nreq)
local places = column("SELECT json_extract(attrs, '$.name') AS v FROM spans WHERE type = 'location' "
   .. "GROUP BY 1 ORDER BY count(*) DESC LIMIT " .. nreq)
local docs = {}
for i = 1, nreq do docs[i] = "bench-" .. ((i * 7919) % ndocs + 1) end
local QUERIES = { "agreement", "strike", "\"the budget\"", "decision NEAR weeks", "vote", "council", "prices",
   "investors", "border", "court" }

-- the server, in a process of its own (as a user runs it)
local p = io.popen("exec sh -c 'echo $$; exec lua5.4 bin/quarry serve " .. db_path .. " --port 0 --quiet'")
local pid = p:read("l")
local base = (p:read("l") or ""):match("(http://127%.0%.0%.1:%d+/)")
if not base then
   os.execute("kill " .. pid)
   error("quarry serve did not start")
end

local function fetch(path)
   local t0 = monotime()
   local headers, stream = assert(request.new_from_uri(base .. path):go(120))
   local body = assert(stream:get_body_as_string())
   local dt = monotime() - t0
   local status = headers:get(":status")
   if status ~= "200" and status ~= "404" then error(path .. ": " .. status .. " " .. body:sub(1, 300)) end
   return dt, #body
end

local function percentile(list, q)
   local s = {}
   for i, v in ipairs(list) do s[i] = v end
   table.sort(s)
   return s[math.max(1, math.ceil(#s * q))]
end

local cases = {
   { "reference: 404 page", function() return "no-such-page" end },
   { "search: first page", function(i) return "?q=" .. links.encode(QUERIES[(i - 1) % #QUERIES + 1]) end },
   { "search: page 10", function(i)
      return "?q=" .. links.encode(QUERIES[(i - 1) % #QUERIES + 1]) .. "&offset=200" end },
   { "search: no query, page", function(i) return "?offset=" .. (i * 997 % (ndocs - 20)) end },
   { "search: + month facet", function(i)
      return "?q=" .. links.encode(QUERIES[(i - 1) % #QUERIES + 1]) .. "&from=2021-06&to=2021-06" end },
   { "article", function(i) return "article?doc=" .. docs[i] end },
   { "speaker", function(i) return "speaker?name=" .. links.encode(speakers[(i - 1) % #speakers + 1]) end },
   { "entity", function(i) return "entity?name=" .. links.encode(places[(i - 1) % #places + 1]) end },
   { "timeline", function() return "timeline" end },
   { "timeline: a month", function(i) return string.format("timeline?from=2022-%02d&to=2022-%02d", i % 12 + 1,
      i % 12 + 1) end },
}

-- the index alone, in this process: corpus:search for the same queries
local ref = {}
for i = 1, nreq do
   local t0 = monotime()
   assert(corpus:search(QUERIES[(i - 1) % #QUERIES + 1], { limit = 20 }))
   ref[#ref + 1] = monotime() - t0
end

local ok, err = pcall(function()
   fetch("")   -- the first page warms the file cache
   print(string.format("explorer benchmark: %d documents (%s), %d requests a page over HTTP on loopback", ndocs,
      db_path, nreq))
   print(string.format("  %-24s %9s %9s %9s %10s", "page", "p50 ms", "p95 ms", "max ms", "p50 / 404"))
   local ref404
   for _, case in ipairs(cases) do
      local times, bytes = {}, 0
      for i = 1, nreq do
         local dt, n = fetch(case[2](i))
         times[#times + 1] = dt
         bytes = math.max(bytes, n)
      end
      local p50, p95 = percentile(times, 0.5), percentile(times, 0.95)
      ref404 = ref404 or p50
      print(string.format("  %-24s %9.1f %9.1f %9.1f %10.1f", case[1], p50 * 1000, p95 * 1000,
         percentile(times, 1) * 1000, p50 / ref404))
   end
   print(string.format("  %-24s %9.1f %9.1f %9.1f   (corpus:search in this process, 20 hits)", "reference: search",
      percentile(ref, 0.5) * 1000, percentile(ref, 0.95) * 1000, percentile(ref, 1) * 1000))
end)
os.execute("kill " .. pid)
p:close()
assert(ok, err)
