-- The corpus explorer in a real browser: `quarry serve` on the demo corpus
-- (examples/, with the news pack's annotations) and on a sample of the
-- Reuters corpus (../shared/corpora/reuters.jsonl, where it is), driven by
-- headless Chromium over the DevTools protocol (tests/cdp.lua; one browser
-- for the file). Each page renders with no console error and loads nothing
-- from anywhere but the server; the article page highlights each quote of
-- its document; a click on a speaker leads to that speaker's quotes; the
-- timeline's axis covers the corpus's dates. With QUARRY_SCREENSHOTS=DIR
-- the article and speaker pages of the demo are saved there as PNG (docs/
-- has them). Skipped, saying so, where Chromium is missing.
local cjson = require "cjson"
local support = require "tests.support"
local cdp = require "tests.cdp"
local svg = require "quarry.render.svg"
local links = require "quarry.render.links"

local REUTERS_SAMPLE = 150

local function reuters_path()
   for _, p in ipairs { "../shared/corpora/reuters.jsonl", "../../shared/corpora/reuters.jsonl",
      "/work/shared/corpora/reuters.jsonl" } do
      local f = io.open(p)
      if f then
         f:close()
         return p
      end
   end
end

-- Starts `quarry serve DB --port 0`; returns its URL and a function that stops it.
local function start_server(db)
   local p = io.popen("exec sh -c 'echo $$; exec env LUA_PATH=\"lua/?.lua;lua/?/init.lua;;\" LUA_CPATH=\""
      .. support.CPATH .. ";;\" lua5.4 bin/quarry serve " .. db .. " --port 0 --quiet'")
   local pid = p:read("l")
   local line = p:read("l") or ""
   local stop = function()
      os.execute("kill " .. pid .. " 2>/dev/null")
      p:close()
   end
   local url = line:match("(http://127%.0%.0%.1:%d+/)")
   if not url then
      stop()
      error("quarry serve did not start: " .. line)
   end
   return url, stop
end

local function corpora(dir)
   local list = {}
   local demo = dir .. "/demo.db"
   local code, _, err = support.quarry("ingest " .. demo .. " examples/articles --meta examples/articles.meta.jsonl")
   assert.equal(0, code, err)
   code, _, err = support.quarry("extract --db " .. demo .. " --rules news")
   assert.equal(0, code, err)
   list[#list + 1] = { name = "demo", db = demo }
   local reuters = reuters_path()
   if reuters then
      -- every k-th story: a sample over the whole year
      local lines = {}
      for l in io.lines(reuters) do lines[#lines + 1] = l end
      local sample, step = {}, math.max(1, #lines // REUTERS_SAMPLE)
      for i = 1, #lines, step do sample[#sample + 1] = lines[i] end
      support.write(dir .. "/reuters.jsonl", table.concat(sample, "\n") .. "\n")
      local db = dir .. "/reuters.db"
      code, _, err = support.quarry("ingest " .. db .. " " .. dir .. "/reuters.jsonl")
      assert.equal(0, code, err)
      code, _, err = support.quarry("extract --db " .. db .. " --rules news")
      assert.equal(0, code, err)
      list[#list + 1] = { name = "reuters", db = db }
   end
   return list
end

describe("the corpus explorer in a browser #slow", function()
   local dir, browser, page, why, list
   local servers = {}

   setup(function()
      browser, why = cdp.launch { width = 1280, height = 1000 }
      if not browser then return end
      page = browser:page()
      dir = support.tmpdir()
      list = corpora(dir)
      for _, c in ipairs(list) do c.url, servers[#servers + 1] = start_server(c.db) end
   end)
   teardown(function()
      for _, stop in ipairs(servers) do stop() end
      if browser then browser:close() end
      support.cleanup()
   end)

   local function skip()
      if not browser then
         pending(tostring(why) .. "; browser test skipped")
         return true
      end
   end

   -- Opens url; asserts no error was logged and nothing was requested from elsewhere.
   local function visit(c, path)
      page.errors, page.requests = {}, {}
      page:open(c.url .. path)
      assert.same({}, page.errors, c.name .. " " .. path)
      for _, u in ipairs(page.requests) do
         assert.truthy(u:sub(1, #c.url) == c.url or u:match("^data:"), c.name .. " " .. path .. " requested " .. u)
      end
      assert.equal("1", page:eval("document.documentElement.getAttribute('data-ready')"), c.name .. " " .. path)
   end

   local function json(c, path)
      local request = require "http.request"
      local sep = path:find("?", 1, true) and "&" or "?"
      local headers, stream = assert(request.new_from_uri(c.url .. path .. sep .. "format=json"):go(20))
      assert.equal("200", headers:get(":status"), path)
      return cjson.decode((assert(stream:get_body_as_string())))
   end

   -- A corpus's subjects: its first documents with quotes, its most quoted speaker, its most named entity.
   local function subjects(c)
      if c.subjects then return c.subjects end
      local summary = json(c, "report/summary")
      local s = { speaker = summary.sections[2].rows[1].speaker, entity = summary.sections[3].rows[1].name,
         first = summary.stats.first, last = summary.stats.last, docs = {} }
      local quotes = json(c, "report/quotes?limit=1")
      for _, sec in ipairs(quotes.sections) do
         for _, r in ipairs(sec.rows) do
            if #s.docs < 3 and sec.title ~= "(unattributed)" then
               local seen = false
               for _, d in ipairs(s.docs) do seen = seen or d == r.doc end
               if not seen then s.docs[#s.docs + 1] = r.doc end
            end
         end
      end
      c.subjects = s
      return s
   end

   it("renders every page with no console error, loading nothing from the network", function()
      if skip() then return end
      for _, c in ipairs(list) do
         local s = subjects(c)
         for _, path in ipairs { "", "?q=said", "article?doc=" .. links.encode(s.docs[1]),
            "speaker?name=" .. links.encode(s.speaker), "entity?name=" .. links.encode(s.entity), "timeline",
            "report/summary", "report/quotes", "report/entities", "report/sources" } do
            visit(c, path)
         end
         -- a facet narrows the search, and the page says so
         visit(c, "?q=said")
         local n = page:eval("document.querySelectorAll('ol.hits li').length")
         assert.is_true(n > 0, c.name)
         page:click("aside.facets ul[data-facet=month] a")
         assert.matches("from=%d%d%d%d%-%d%d", page:eval("location.search"))
         assert.truthy(page:eval("!!document.querySelector('.chips a')"))
      end
   end)

   it("highlights each quote of an article, each linked to its speaker", function()
      if skip() then return end
      for _, c in ipairs(list) do
         for _, doc in ipairs(subjects(c).docs) do
            local path = "article?doc=" .. links.encode(doc)
            local model = json(c, path)
            local quotes = {}
            for _, sp in ipairs(model.document.spans) do
               if sp.type == "quote" then quotes[#quotes + 1] = { at = sp.start, speaker = sp.speaker } end
            end
            assert.is_true(#quotes > 0, doc)
            assert.equal(#model.sections[1].rows, #quotes)
            visit(c, path)
            local seen = page:eval([[(function () {
               var marks = document.querySelectorAll(".article mark.quote");
               return { n: marks.length, ids: Array.prototype.map.call(marks, function (m) { return m.id; }),
                 speakers: Array.prototype.map.call(marks, function (m) { return m.getAttribute("data-speaker"); }),
                 links: document.querySelectorAll(".article sup.who a").length }; })()]])
            local ids = {}
            for _, id in ipairs(seen.ids) do ids[id] = true end
            for _, q in ipairs(quotes) do
               assert.is_true(ids["at-" .. math.tointeger(q.at)] == true, c.name .. " " .. doc .. ": quote at " .. q.at)
            end
            assert.equal(#quotes, seen.n, c.name .. " " .. doc)
            local attributed = 0
            for _, q in ipairs(quotes) do
               if q.speaker ~= cjson.null and q.speaker then attributed = attributed + 1 end
            end
            assert.equal(attributed, seen.links)
         end
      end
   end)

   it("leads from a speaker in an article to that speaker's quotes", function()
      if skip() then return end
      for _, c in ipairs(list) do
         visit(c, "article?doc=" .. links.encode(subjects(c).docs[1]))
         local who = page:eval("document.querySelector('.article sup.who a').textContent")
         page:click(".article sup.who a")
         assert.same({}, page.errors)
         assert.matches("^/speaker%?name=", page:eval("location.pathname + location.search"))
         assert.equal(who, page:eval("document.querySelector('h1').textContent"))
         local cells = page:eval([[(function () {
            var h = Array.prototype.filter.call(document.querySelectorAll("h2"), function (x) {
              return x.textContent === "Quotes"; })[0];
            var t = h.parentNode.querySelector("table.data");
            var i = Array.prototype.map.call(t.tHead.rows[0].cells,
              function (th) { return th.getAttribute("data-key"); })
              .indexOf("speaker");
            return Array.prototype.map.call(t.tBodies[0].rows, function (r) { return r.cells[i].textContent; }); })()]])
         assert.is_true(#cells > 0)
         for _, cell in ipairs(cells) do assert.equal(who, cell) end
         -- and each quote leads back into its article, at the quote
         page:click("table.data td.quote a")
         local hash = page:eval("location.hash")
         assert.matches("^#at%-%d+$", hash)
         assert.truthy(page:eval("!!document.getElementById(" .. cjson.encode(hash:sub(2)) .. ")"))
      end
   end)

   it("draws the timeline over the corpus's dates, and zooms to a range dragged across it", function()
      if skip() then return end
      for _, c in ipairs(list) do
         local s = subjects(c)
         visit(c, "timeline")
         local lo = page:eval("+document.querySelector('svg.timeline').getAttribute('data-lo')")
         local hi = page:eval("+document.querySelector('svg.timeline').getAttribute('data-hi')")
         assert.is_true(lo <= svg.day(s.first), c.name .. ": the axis starts by the first document")
         assert.is_true(hi >= svg.day(s.last), c.name .. ": the axis ends after the last document")
         assert.is_true(hi - lo < 3 * 366 + (svg.day(s.last) - svg.day(s.first)) * 2, c.name .. ": no far-off years")
         local before = page.loads
         page:eval([[(function () {
            var svg = document.querySelector("svg.timeline"), area = svg.querySelector(".brush-area");
            var r = area.getBoundingClientRect(), y = r.top + 5;
            var fire = function (el, type, x) {
              el.dispatchEvent(new MouseEvent(type, { bubbles: true, clientX: x, clientY: y })); };
            fire(area, "mousedown", r.left + r.width * 0.2); fire(svg, "mousemove", r.left + r.width * 0.7);
            fire(svg, "mouseup", r.left + r.width * 0.7); })()]])
         browser:pump(function() return page.loads > before end)
         local search = page:eval("location.search")
         assert.matches("from=%d%d%d%d%-%d%d%-%d%d", search)
         assert.matches("to=%d%d%d%d%-%d%d%-%d%d", search)
         assert.same({}, page.errors)
      end
   end)

   it("takes screenshots of the article and speaker pages (QUARRY_SCREENSHOTS=DIR)", function()
      local out = os.getenv("QUARRY_SCREENSHOTS")
      if skip() then return end
      if not out or out == "" then
         pending("set QUARRY_SCREENSHOTS=DIR to save screenshots")
         return
      end
      local c = list[1]
      visit(c, "article?doc=demo-01")
      page:screenshot(out .. "/explorer-article.png")
      visit(c, "speaker?name=" .. links.encode(subjects(c).speaker))
      page:screenshot(out .. "/explorer-speaker.png")
      visit(c, "?q=minister")
      page:screenshot(out .. "/explorer-search.png")
      visit(c, "timeline")
      page:screenshot(out .. "/explorer-timeline.png")
   end)
end)
