-- The corpus explorer's pages without a browser (quarry.serve.pages, and
-- one real `quarry serve` over HTTP): every page and its JSON twin, the
-- state in the URL, clear 400s for bad query strings, escaping of hostile
-- text, a read-only corpus, and answers while another connection writes.
local cjson = require "cjson"
local quarry = require "quarry"
local pages = require "quarry.serve.pages"
local serve = require "quarry.serve"
local support = require "tests.support"
local fixture = require "tests.report_corpus"

local function app_for(corpus)
   local logged = {}
   local dv = corpus.db:prepare("PRAGMA data_version")
   return { corpus = corpus, base = "/", name = "fx.db", log = function(l) logged[#logged + 1] = l end,
      logged = logged, data_version = function()
         dv:step()
         local v = dv:values()
         dv:reset()
         return v
      end }
end

describe("the explorer's pages", function()
   local dir, path, corpus, app
   setup(function()
      dir = support.tmpdir()
      path = dir .. "/fx.db"
      local w = fixture.build(path)
      -- a hostile document: markup in its title, text, names and URL
      assert(w:add { id = "evil", date = "2024-05-05", source = "<b>Bad</b> Outlet",
         title = "<script>alert(1)</script>",
         url = "javascript:alert(2)", text = "<img src=x onerror=alert(3)> said “<script>x()</script>” yes." })
      assert(w:replace_spans("evil", "news", {
         { type = "person", start = 0, stop = 29, attrs = { name = "\"><svg onload=alert(4)>" } },
         { type = "quote", start = 41, stop = 60, attrs = { speaker = "\"><svg onload=alert(4)>" } },
      }, { version = "1" }))
      w:close()
      corpus = assert(quarry.open(path, { readonly = true }))
      app = app_for(corpus)
   end)
   teardown(function()
      corpus:close()
      support.cleanup()
   end)

   local function get(target)
      return pages.handle(app, "GET", target)
   end
   local function json(target)
      local status, ctype, body = get(target)
      assert.equal(200, status, body)
      assert.matches("^application/json", ctype)
      return cjson.decode(body)
   end

   it("serves each page in HTML, and its JSON twin", function()
      for _, target in ipairs { "/", "/?q=Lisbon", "/article?doc=a", "/speaker?name=Ana%20Ruiz",
         "/entity?name=Lisbon", "/timeline", "/report/summary", "/report/quotes?speaker=ruiz" } do
         local status, ctype, body = get(target)
         assert.equal(200, status, target .. ": " .. body)
         assert.matches("^text/html", ctype)
         assert.truthy(body:find("<!DOCTYPE html>", 1, true))
         local twin = target .. (target:find("?", 1, true) and "&" or "?") .. "format=json"
         assert.truthy(body:find('href="' .. twin:gsub("&", "&amp;"):gsub("%%20", "%%20"), 1, true)
            or body:find('class="json"', 1, true), target)
         assert.is_table(json(twin))
      end
      local search = json("/?q=Lisbon&format=json")
      assert.equal("search", search.parts[1].report)
      assert.equal(2, #search.parts[1].sections[1].rows)
      assert.equal("facets", search.parts[2].report)
      local article = json("/article?doc=a&format=json")
      assert.equal("Bridge to open in May", article.title)
      assert.equal(3, #article.sections[1].rows)    -- its quotes, the reader's in the comments too
      local speaker = json("/speaker?name=sergey%20voronov&format=json")
      assert.equal("Sergei Voronov", speaker.title)
      assert.equal(2, speaker.stats.quotes)
   end)

   it("keeps a page's state in its URL: facets, paging and chips are links with the filters", function()
      local _, _, body = get("/?q=Lisbon&outlet=Harbour%20Herald")
      -- the facet links keep the query and add their own filter
      assert.truthy(body:find('href="/?from=2024-03&amp;outlet=Harbour%20Herald&amp;q=Lisbon&amp;to=2024-03"', 1, true))
      -- a chip removes one filter and keeps the others
      assert.truthy(body:find('href="/?q=Lisbon" title="remove this filter"', 1, true))
      local saved = pages.PAGE
      pages.PAGE = 2
      local _, _, paged = get("/?offset=2")
      pages.PAGE = saved
      assert.truthy(paged:find("3–4 of 6", 1, true), "the pager says where it is")
      assert.truthy(paged:find('rel="next" href="/?offset=4"', 1, true))
      assert.truthy(paged:find('rel="prev" href="/"', 1, true))
   end)

   it("answers a bad query string with a clear 400 and no stack trace", function()
      local cases = {
         { "/?offset=abc", "parameter 'offset' must be a whole number" },
         { "/?from=yesterday", "parameter 'from' must be an ISO 8601 date" },
         { "/?q=%22unbalanced", "bad query '\"unbalanced'" },
         { "/?q=%E2%28%A1", "parameter 'q' is not valid UTF-8" },
         { "/?q=%zz", "malformed percent-encoding in parameter 'q'" },
         { "/?bogus=1", "unknown parameter 'bogus'" },
         { "/?q=a&q=b", "parameter 'q' is given twice" },
         { "/article", "this page needs the parameter 'doc'" },
         { "/?format=xml", "parameter 'format' must be html or json" },
         { "/report/kwic", "needs something to look for" },
      }
      for _, c in ipairs(cases) do
         local status, ctype, body = get(c[1])
         assert.equal(400, status, c[1])
         assert.matches("^text/html", ctype)
         assert.truthy(body:find(require("quarry.render.html").escape(c[2]), 1, true), c[1] .. ": " .. body)
         assert.falsy(body:find("traceback", 1, true) or body:find("%.lua:%d+"), body)
      end
      local status, _, body = get("/?offset=-1&format=json")
      assert.equal(400, status)
      assert.matches("whole number", cjson.decode(body).error)
      assert.equal(404, (get("/no/such/page")))
      assert.equal(404, (get("/article?doc=nothing")))
      assert.equal(404, (get("/report/nosuchreport")))
      assert.equal(405, (pages.handle(app, "POST", "/")))
   end)

   it("escapes every text it shows and refuses javascript: URLs", function()
      for _, target in ipairs { "/", "/?q=said", "/article?doc=evil",
         "/speaker?name=%22%3E%3Csvg%20onload%3Dalert(4)%3E",
         "/entity?name=%22%3E%3Csvg%20onload%3Dalert(4)%3E", "/timeline", "/report/quotes" } do
         local status, _, body = get(target)
         assert.equal(200, status, target .. ": " .. body)
         assert.falsy(body:find("<script>alert", 1, true), target)
         assert.falsy(body:find("<script>x()", 1, true), target)
         assert.falsy(body:find("<img src=x", 1, true), target)
         assert.falsy(body:find("<svg onload", 1, true), target)
         assert.falsy(body:find("<b>Bad</b>", 1, true), target)
         assert.falsy(body:lower():find('href="javascript:', 1, true), target)
      end
      local _, _, body = get("/article?doc=evil")
      assert.truthy(body:find("&lt;script&gt;alert(1)&lt;/script&gt;", 1, true))
      assert.truthy(body:find("not an http or https link", 1, true))
   end)

   it("never writes the corpus, and answers while another connection writes", function()
      assert.is_true(app.corpus.readonly)
      assert.is_nil((app.corpus.db:exec("DELETE FROM docs")))
      local writer = assert(quarry.open(path))
      local before = json("/?format=json").parts[1].stats.documents
      -- a write in progress (as during an ingest): the pages still answer
      assert(writer.db:exec("BEGIN IMMEDIATE"))
      assert(writer:add { id = "new", date = "2024-08-01", title = "Late news", text = "Late news from Lisbon." })
      local status = get("/?q=Lisbon")
      assert.equal(200, status)
      assert.equal(before, json("/?format=json").parts[1].stats.documents)
      assert(writer.db:exec("COMMIT"))
      writer:close()
      -- committed: the pages (and the cached facets) see it
      local after = json("/?format=json")
      assert.equal(before + 1, after.parts[1].stats.documents)
      local outlets = 0
      for _, r in ipairs(after.parts[2].sections[2].rows) do outlets = outlets + r.documents end
      assert.equal(before, outlets)   -- months: the new one is dated, "d" is not
   end)

   it("runs as quarry serve, over HTTP, on 127.0.0.1 #slow", function()
      local http_ok = serve.http()
      if not http_ok then
         pending("lua-http is not installed (Debian: apt-get install lua-http); HTTP test skipped")
         return
      end
      local p = io.popen("exec sh -c 'echo $$; exec env LUA_PATH=\"lua/?.lua;lua/?/init.lua;;\" LUA_CPATH=\""
         .. support.CPATH .. ";;\" lua5.4 bin/quarry serve " .. path .. " --port 0 --quiet'")
      local pid = p:read("l")
      local line = p:read("l") or ""
      local url = line:match("(http://127%.0%.0%.1:%d+/)")
      local ok, err = pcall(function()
         assert.truthy(url, "quarry serve said: " .. line)
         local request = require "http.request"
         local headers, stream = assert(request.new_from_uri(url .. "?q=Lisbon"):go(10))
         assert.equal("200", headers:get(":status"))
         assert.matches("default%-src 'none'", headers:get("content-security-policy"))
         local body = assert(stream:get_body_as_string())
         assert.truthy(body:find("Voronov in Lisbon", 1, true))
         headers = assert(request.new_from_uri(url .. "?offset=x"):go(10))
         assert.equal("400", headers:get(":status"))
      end)
      os.execute("kill " .. pid)
      p:close()
      assert(ok, err)
   end)
end)
