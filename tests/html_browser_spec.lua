-- The HTML report in a real browser: headless Chromium loads the page; a
-- script put in front of the page's own records every error, console
-- error and blocked network request in an attribute of <html>, then works
-- the page (sorts a table, filters rows, clicks a timeline mark) and
-- records what it sees. Skipped, saying so, where Chromium is missing.
local cjson = require "cjson"
local reports = require "quarry.reports"
local render = require "quarry.render"
local support = require "tests.support"
local fixture = require "tests.report_corpus"

local function find_browser()
   for _, name in ipairs { "chromium", "chromium-browser", "google-chrome" } do
      local p = io.popen("command -v " .. name .. " 2>/dev/null")
      local path = p:read("l")
      p:close()
      if path and path ~= "" then return path end
   end
   return nil
end

local PROBE = [[
<script>
(function () {
  var errors = [], root = document.documentElement;
  function record(m) { errors.push(String(m)); root.setAttribute("data-errors", JSON.stringify(errors)); }
  window.addEventListener("error", function (e) {
    record("error: " + (e.message || (e.target && (e.target.src || e.target.href)) || e.type));
  }, true);
  window.addEventListener("unhandledrejection", function (e) { record("unhandled rejection: " + e.reason); });
  document.addEventListener("securitypolicyviolation", function (e) {
    record("blocked: " + e.violatedDirective + " " + e.blockedURI);
  });
  var consoleError = console.error;
  console.error = function () {
    record("console.error: " + Array.prototype.join.call(arguments, " "));
    return consoleError.apply(console, arguments);
  };
  window.addEventListener("load", function () {
    var seen = {}, svg = document.querySelector("svg.timeline");
    seen.bodyHeight = document.body.getBoundingClientRect().height;
    seen.svg = svg ? [svg.getBoundingClientRect().width, svg.getBoundingClientRect().height] : null;
    seen.marks = document.querySelectorAll("svg .mark").length;
    seen.rows = document.querySelectorAll("table.data tbody tr").length;
    var th = document.querySelector("table.data th");
    if (th) {
      var cell = function () { return th.closest("table").tBodies[0].rows[0].cells[0].textContent; };
      th.click(); seen.sortedUp = cell();
      th.click(); seen.sortedDown = cell();
    }
    var box = document.getElementById("filter");
    if (box) {
      box.value = "voronov";
      box.dispatchEvent(new Event("input"));
      seen.filtered = Array.prototype.filter.call(document.querySelectorAll("table.data tbody tr"),
        function (r) { return !r.hidden; }).length;
      seen.count = document.getElementById("filter-count").textContent;
      box.value = "";
      box.dispatchEvent(new Event("input"));
    }
    var mark = document.querySelector("svg .mark[data-row]");
    if (mark) {
      mark.dispatchEvent(new MouseEvent("click", { bubbles: true }));
      seen.hash = location.hash;
      seen.markRow = mark.getAttribute("data-row");
    }
    root.setAttribute("data-seen", JSON.stringify(seen));
  });
})();
</script>
]]

describe("the HTML report in a browser", function()
   local browser = find_browser()
   local dir, corpus

   setup(function()
      dir = support.tmpdir()
      corpus = fixture.build(dir .. "/fx.db")
   end)
   teardown(function()
      corpus:close()
      support.cleanup()
   end)

   -- Loads page (HTML text) in headless Chromium; returns the DOM it ends with.
   local function load(page, name)
      local path = dir .. "/" .. name .. ".html"
      support.write(path, (page:gsub("<head>\n", "<head>\n" .. PROBE, 1)))
      -- the browser is no part of quarry: not under the ASan run's LD_PRELOAD
      local cmd = string.format("env -u LD_PRELOAD -u ASAN_OPTIONS %q --headless --no-sandbox --disable-gpu "
         .. "--no-first-run --disable-extensions --user-data-dir=%q --virtual-time-budget=5000 --dump-dom %q 2>%q",
         browser, dir .. "/profile-" .. name, "file://" .. path, dir .. "/" .. name .. ".log")
      local p = io.popen(cmd)
      local dom = p:read("a")
      p:close()
      return dom
   end

   local function attr(dom, name)
      local v = dom:match("<html[^>]-%s" .. name:gsub("%p", "%%%0") .. "=\"([^\"]*)\"")
      if not v then return nil end
      return (v:gsub("&quot;", '"'):gsub("&lt;", "<"):gsub("&gt;", ">"):gsub("&amp;", "&"))
   end

   local function dated(model)
      local html = require "quarry.render.html"
      local n = 0
      for _, it_ in ipairs(model.chart.items) do if html.day(it_.date) then n = n + 1 end end
      return n
   end

   it("catches errors and blocked requests (the probe works)", function()
      if not browser then
         pending("Chromium is not installed (Debian: apt-get install chromium); browser test skipped")
         return
      end
      local page = render.to_string({ report = "x", title = "Broken", columns = { { key = "a" } },
         sections = { { rows = { { a = "1" } } } } }, "html")
      page = page:gsub("</main>",
         '<img src="https://example.invalid/x.png"><script>no_such_function();</script></main>')
      local dom = load(page, "broken")
      local errors = cjson.decode(attr(dom, "data-errors") or "[]")
      local text = table.concat(errors, "\n")
      assert.matches("no_such_function", text)
      assert.matches("blocked: img%-src https://example.invalid/x.png", text)
      assert.equal("1", attr(dom, "data-ready"), "the page's own script still ran")
   end)

   it("renders the timeline with one mark per dated item and no console errors", function()
      if not browser then
         pending("Chromium is not installed (Debian: apt-get install chromium); browser test skipped")
         return
      end
      local model = assert(reports.run(corpus, "timeline"))
      local want = dated(model)
      assert.equal(10, want)
      local dom = load(render.to_string(model, "html"), "timeline")
      assert.is_nil(attr(dom, "data-errors"), attr(dom, "data-errors"))
      assert.equal("1", attr(dom, "data-ready"))
      local seen = cjson.decode((assert(attr(dom, "data-seen"), "the probe did not run")))
      assert.is_true(seen.bodyHeight > 300)
      assert.is_true(seen.svg[1] > 300 and seen.svg[2] > 40)
      assert.equal(want, seen.marks)
      local _, circles = dom:gsub('<circle class="mark', "")
      assert.equal(want, circles)
      assert.equal(want, seen.rows)
      -- sorting by the date column, both ways
      assert.equal("2023", seen.sortedUp)
      assert.equal("2025-03", seen.sortedDown)
      -- the filter box: the rows that mention Voronov
      assert.equal(3, seen.filtered)
      assert.equal("3 of 10 rows", seen.count)
      -- a mark leads to its row
      assert.equal("#" .. seen.markRow, seen.hash)
   end)

   it("renders the digest of every report without errors", function()
      if not browser then
         pending("Chromium is not installed (Debian: apt-get install chromium); browser test skipped")
         return
      end
      local model = assert(reports.run(corpus, "digest"))
      local dom = load(render.to_string(model, "html"), "digest")
      assert.is_nil(attr(dom, "data-errors"), attr(dom, "data-errors"))
      assert.equal("1", attr(dom, "data-ready"))
      local seen = cjson.decode((assert(attr(dom, "data-seen"))))
      assert.equal(dated(model.parts[3]), seen.marks)
      assert.truthy(dom:find("<h2>Quotes by speaker</h2>", 1, true))
      assert.truthy(dom:find('<nav class="toc">', 1, true))
   end)
end)
