-- The static HTML report in a real browser: headless Chromium (one launch
-- for the file, driven over the DevTools protocol: tests/cdp.lua) loads
-- the page from a file and records every error, console error and request;
-- the spec works the page (sorts a table, filters rows, clicks a timeline
-- mark, drags across the timeline) and checks what it shows. Skipped,
-- saying so, where Chromium is missing.
local reports = require "quarry.reports"
local render = require "quarry.render"
local support = require "tests.support"
local fixture = require "tests.report_corpus"
local cdp = require "tests.cdp"

describe("the HTML report in a browser #slow", function()
   local dir, corpus, browser, page, why

   setup(function()
      dir = support.tmpdir()
      corpus = fixture.build(dir .. "/fx.db")
      browser, why = cdp.launch { width = 1280, height = 900 }
      if browser then page = browser:page() end
   end)
   teardown(function()
      if browser then browser:close() end
      corpus:close()
      support.cleanup()
   end)

   local function skip()
      if not browser then
         pending(tostring(why) .. "; browser test skipped")
         return true
      end
   end

   -- Loads the page (HTML text) from a file; returns what it requested from anywhere else.
   local function load(html, name)
      local path = dir .. "/" .. name .. ".html"
      support.write(path, html)
      page.errors, page.requests = {}, {}
      page:open("file://" .. path)
      local elsewhere = {}
      for _, u in ipairs(page.requests) do
         if not u:match("^file://") and not u:match("^data:") and not u:match("^about:") then
            elsewhere[#elsewhere + 1] = u
         end
      end
      return elsewhere
   end

   it("catches errors and requests (the checks work)", function()
      if skip() then return end
      local html = render.to_string({ report = "x", title = "Broken", columns = { { key = "a" } },
         sections = { { rows = { { a = "1" } } } } }, "html")
      html = html:gsub("</main>",
        '<img src="https://example.invalid/x.png"><script>no_such_function();</script></main>')
      load(html, "broken")
      local errors = table.concat(page.errors, "\n")
      assert.matches("no_such_function", errors)
      assert.matches("example%.invalid", errors)   -- refused by the page's Content-Security-Policy
      assert.equal("1", page:eval("document.documentElement.getAttribute('data-ready')"), "the page's script ran")
   end)

   it("draws the timeline, sorts with indicators, filters and follows a mark to its row", function()
      if skip() then return end
      local model = assert(reports.run(corpus, "timeline"))
      assert.same({}, load(render.to_string(model, "html"), "timeline"))
      assert.same({}, page.errors)
      local seen = page:eval([[(function () {
         var th = document.querySelector("table.data th"), cell = function () {
            return th.closest("table").tBodies[0].rows[0].cells[0].textContent; };
         var s = { marks: document.querySelectorAll("svg.timeline .mark").length,
           before: getComputedStyle(th, "::after").content };
         th.click(); s.up = cell(); s.upArrow = getComputedStyle(th, "::after").content;
           s.sort = th.getAttribute("aria-sort");
         th.click(); s.down = cell();
         var box = document.getElementById("filter");
         box.value = "voronov"; box.dispatchEvent(new Event("input"));
         s.shown = Array.prototype.filter.call(document.querySelectorAll("table.data tbody tr"),
           function (r) { return !r.hidden; }).length;
         s.count = document.getElementById("filter-count").textContent;
         s.cards = Array.prototype.map.call(document.querySelectorAll("dd[data-count]"),
           function (d) { return d.textContent; });
         box.value = "nothing like this"; box.dispatchEvent(new Event("input"));
         s.emptyHidden = document.querySelector(".block").hidden;
         box.value = ""; box.dispatchEvent(new Event("input"));
         s.cardsAfter = Array.prototype.map.call(document.querySelectorAll("dd[data-count]"),
           function (d) { return d.textContent; });
         var mark = document.querySelector("svg .mark[data-row]");
         mark.dispatchEvent(new MouseEvent("click", { bubbles: true }));
         s.hash = location.hash; s.row = "#" + mark.getAttribute("data-row");
         return s; })()]])
      -- the fixture's dates: 2023 and 2025-03 lie far from its documents' (2024): counted at the axis' ends
      local page_html = render.to_string(model, "html")
      local _, circles = page_html:gsub('<circle class="mark', "")
      assert.equal(circles, seen.marks)
      assert.is_true(seen.marks >= 8)
      assert.matches("⇅", seen.before)           -- a sortable column says so before it is clicked
      assert.equal("ascending", seen.sort)
      assert.matches("▲", seen.upArrow)
      assert.equal("2023", seen.up)
      assert.equal("2025-03", seen.down)
      assert.equal(3, seen.shown)
      assert.equal("3 of 10 rows", seen.count)
      assert.same({ "3 of 10", "2 of 6", "1 of 4" }, seen.cards)   -- items, statements, events
      assert.is_true(seen.emptyHidden)
      assert.same({ "10", "6", "4" }, seen.cardsAfter)
      assert.equal(seen.row, seen.hash)
   end)

   it("zooms the timeline to a range dragged across it, and back", function()
      if skip() then return end
      local model = assert(reports.run(corpus, "timeline"))
      load(render.to_string(model, "html"), "brush")
      local seen = page:eval([[(function () {
         var svg = document.querySelector("svg.timeline"), area = svg.querySelector(".brush-area");
         var r = area.getBoundingClientRect(), y = r.top + 5, s = { before: svg.getAttribute("data-shown") };
         var fire = function (el, type, x) { el.dispatchEvent(new MouseEvent(type, { bubbles: true, clientX: x,
           clientY: y })); };
         fire(area, "mousedown", r.left + r.width * 0.1); fire(svg, "mousemove", r.left + r.width * 0.5);
         fire(svg, "mouseup", r.left + r.width * 0.5);
         s.after = svg.getAttribute("data-shown");
         s.hidden = Array.prototype.filter.call(svg.querySelectorAll(".mark"),
           function (m) { return m.style.display === "none"; }).length;
         var reset = document.querySelector("button.unzoom"); s.reset = !!reset;
         if (reset) reset.click();
         s.back = svg.getAttribute("data-shown");
         return s; })()]])
      assert.is_not.equal(seen.before, seen.after)
      assert.is_true(seen.hidden > 0)
      assert.is_true(seen.reset)
      assert.equal(seen.before, seen.back)
      assert.same({}, page.errors)
   end)

   it("renders the digest: charts, folded tables, and a filter that hides the sections it empties", function()
      if skip() then return end
      local model = assert(reports.run(corpus, "digest"))
      assert.same({}, load(render.to_string(model, "html"), "digest"))
      assert.same({}, page.errors)
      local seen = page:eval([[(function () {
         var s = { bars: document.querySelectorAll("svg.bars").length,
           columns: document.querySelectorAll("svg.columns").length,
           toc: !!document.querySelector("nav.toc") };
         var box = document.getElementById("filter");
         box.value = "voronov"; box.dispatchEvent(new Event("input"));
         var quotes = document.getElementById("quotes");
         s.speakers = Array.prototype.filter.call(quotes.querySelectorAll(".sec"), function (x) { return !x.hidden; })
           .map(function (x) { return (x.querySelector("h3, summary") || {}).textContent; });
         s.quoteCards = Array.prototype.map.call(quotes.querySelectorAll("dd[data-count]"),
           function (d) { return d.textContent; });
         return s; })()]])
      assert.is_true(seen.bars >= 4)      -- annotations, most quoted, most mentioned, outlets, entities
      assert.equal(1, seen.columns)       -- documents by month
      assert.is_true(seen.toc)
      -- Voronov's quotes, and the unattributed one whose context names him; no one else's
      for i, title in ipairs(seen.speakers) do seen.speakers[i] = title:match("^(.-) —") or title end
      assert.same({ "Sergei Voronov", "(unattributed)" }, seen.speakers)
      -- quotes, speakers (the unattributed one is none), documents
      assert.same({ "3 of 7", "1 of 5", "2 of 4" }, seen.quoteCards)
   end)
end)
