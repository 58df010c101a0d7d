--- HTML: one self-contained page. Styles, script and charts are inline; a
-- Content-Security-Policy forbids loading anything else, so the page
-- works offline and never calls out to the network. Tables sort when a
-- heading is clicked, a box filters their rows, and a timeline chart
-- (SVG) draws one mark per dated item, each linked to its row.
local render = require "quarry.render"
local calendar = require "quarry.calendar"

local ipairs, pairs, tonumber, tostring, type = ipairs, pairs, tonumber, tostring, type
local math_floor, math_max, math_min = math.floor, math.max, math.min
local string_format, table_concat, table_sort = string.format, table.concat, table.sort

local html = {}

-- Nothing but what the page holds: no network, no other files.
local CSP = [[<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; ]]
   .. [[script-src 'unsafe-inline'; img-src data:">]]

local ESC = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&#39;" }

--- Text escaped for HTML content and attribute values.
function html.escape(s)
   s = render.text(s)
   if not s:find("[&<>\"']") then return s end
   return (s:gsub("[&<>\"']", ESC))
end
local esc = html.escape

--- How many dated items the timeline draws one by one; above this it
-- draws bars counting them per month (or per day over a short span).
html.MAX_MARKS = 3000

local CSS = [[
:root{--ink:#1d232a;--muted:#5c6670;--line:#d9dee3;--bg:#fff;--band:#f5f7f9;--accent:#2f6db5;--hl:#fff3b0}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;
color:var(--ink);background:var(--bg)}
main{max-width:1180px;margin:0 auto;padding:24px 20px 60px}
h1{font-size:1.7em;margin:.2em 0 .3em}
h2{font-size:1.35em;margin:1.6em 0 .4em;border-bottom:2px solid var(--line);padding-bottom:.2em}
h3{font-size:1.12em;margin:1.3em 0 .3em}h4{font-size:1em;margin:1.1em 0 .3em}
.desc,.note,.filters{color:var(--muted);margin:.2em 0 .6em}
.notes{background:var(--hl);padding:.4em .8em;border-radius:4px}
dl.stats{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0 4px;padding:0}
dl.stats div{background:var(--band);border:1px solid var(--line);border-radius:6px;padding:8px 12px;min-width:120px}
dl.stats dt{font-size:.8em;color:var(--muted);margin:0}dl.stats dd{margin:0;font-size:1.25em;font-weight:600}
nav.toc{font-size:.92em;margin:10px 0}nav.toc a{margin-right:12px}
.tools{position:sticky;top:0;background:var(--bg);padding:8px 0;z-index:2;border-bottom:1px solid var(--line)}
.tools input{font:inherit;padding:5px 9px;width:min(420px,100%);border:1px solid var(--line);border-radius:4px}
.tools .count{color:var(--muted);margin-left:10px;font-size:.9em}
table.data{border-collapse:collapse;width:auto;min-width:min(560px,100%);max-width:100%;margin:6px 0 14px;
font-size:.93em}
table.data th,table.data td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
table.data th{background:var(--band);cursor:pointer;user-select:none;white-space:nowrap;position:relative}
table.data th[aria-sort=ascending]::after{content:" ▲";font-size:.7em}
table.data th[aria-sort=descending]::after{content:" ▼";font-size:.7em}
table.data td.number,table.data th.number{text-align:right;font-variant-numeric:tabular-nums}
table.data td.date{white-space:nowrap}
table.data td.quote{font-style:italic}
table.data td.quote::before{content:"“"}table.data td.quote::after{content:"”"}
table.data tr:target td{background:var(--hl)}
.empty{color:var(--muted);font-style:italic}
figure.chart{margin:10px 0 18px;overflow-x:auto}figure.chart figcaption{color:var(--muted);font-size:.88em}
svg.timeline{max-width:100%;height:auto}svg.timeline text{font:11px system-ui,sans-serif;fill:var(--muted)}
svg.timeline .axis{stroke:#9aa3ab;stroke-width:1}svg.timeline .tick{stroke:#e3e7eb}
svg.timeline .mark{cursor:pointer;stroke:#fff;stroke-width:1}
svg.timeline .mark:hover,svg.timeline .mark.on{stroke:var(--ink);stroke-width:2}
svg.timeline .bar{fill:var(--accent)}
footer{margin-top:40px;color:var(--muted);font-size:.85em}
@media print{.tools{display:none}table.data th{cursor:auto}}
]]

-- Sorting, filtering and the chart's links. Nothing here can fail on a
-- page without tables or charts.
local SCRIPT = [[
(function () {
  "use strict";
  function text(cell) { return (cell.textContent || "").trim(); }
  function key(cell, kind) {
    var t = text(cell);
    if (kind === "number") { var n = parseFloat(t.replace(/[^0-9.eE+-]/g, "")); return isNaN(n) ? -Infinity : n; }
    return t.toLowerCase();
  }
  function sortBy(table, index, th) {
    var body = table.tBodies[0];
    if (!body) return;
    var kind = th.getAttribute("data-kind") || "text";
    var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    Array.prototype.forEach.call(th.parentNode.cells, function (c) { c.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.forEach(function (r, i) { r._order = i; });
    rows.sort(function (a, b) {
      var x = key(a.cells[index], kind), y = key(b.cells[index], kind);
      if (x < y) return -dir;
      if (x > y) return dir;
      return a._order - b._order;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.data"), function (table) {
    if (!table.tHead || !table.tHead.rows.length) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      th.tabIndex = 0;
      th.addEventListener("click", function () { sortBy(table, i, th); });
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") sortBy(table, i, th); });
    });
  });
  var box = document.getElementById("filter"), count = document.getElementById("filter-count");
  var all = document.querySelectorAll("table.data tbody tr");
  function filter() {
    var q = box.value.trim().toLowerCase(), shown = 0;
    Array.prototype.forEach.call(all, function (r) {
      var hit = !q || r.textContent.toLowerCase().indexOf(q) >= 0;
      r.hidden = !hit;
      if (hit) shown++;
    });
    if (count) count.textContent = q ? shown + " of " + all.length + " rows" : all.length + " rows";
  }
  if (box) { box.addEventListener("input", filter); filter(); }
  Array.prototype.forEach.call(document.querySelectorAll("svg .mark[data-row]"), function (m) {
    m.addEventListener("click", function () {
      var row = document.getElementById(m.getAttribute("data-row"));
      if (!row) return;
      Array.prototype.forEach.call(document.querySelectorAll("svg .mark.on"), function (o) {
        o.classList.remove("on");
      });
      m.classList.add("on");
      row.hidden = false;
      location.hash = row.id;
    });
  });
  document.documentElement.setAttribute("data-ready", "1");
})();
]]

-- --- dates -------------------------------------------------------------------------

local days_from_civil, civil_from_days = calendar.days_from_civil, calendar.civil_from_days

--- The day number of an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD, any
-- time after it ignored); nil when it is not one. A year or a month counts
-- from its first day.
function html.day(date)
   if type(date) ~= "string" then return nil end
   local y, rest = date:match("^(%d%d%d%d)(.*)$")
   if not y then return nil end
   local m, d = 1, 1
   local mm, rest2 = rest:match("^%-(%d%d)(.*)$")
   if mm then
      m = tonumber(mm)
      local dd = rest2:match("^%-(%d%d)")
      if dd then d = tonumber(dd) end
   end
   if m < 1 or m > 12 or d < 1 or d > 31 then return nil end
   return days_from_civil(tonumber(y), m, d)
end

local MONTHS = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" }

-- --- the timeline chart -------------------------------------------------------------

local COLORS = { "#2f6db5", "#d9822b", "#3a9d5d", "#a74fb0", "#c2453e", "#6c7a89" }

local function ticks(lo, hi)
   local out = {}
   local span = hi - lo
   local y0 = civil_from_days(lo)
   if span > 3 * 366 then
      local y1 = civil_from_days(hi)
      local step = math_max(1, (y1 - y0) // 10)
      for y = y0, y1 + 1, step do
         local d = days_from_civil(y, 1, 1)
         if d >= lo and d <= hi then out[#out + 1] = { day = d, label = tostring(y) } end
      end
   elseif span > 62 then
      local y, m = civil_from_days(lo)
      local step = span > 500 and 3 or 1
      while true do
         local d = days_from_civil(y, m, 1)
         if d > hi then break end
         if d >= lo then out[#out + 1] = { day = d, label = MONTHS[m] .. (m == 1 and (" " .. y) or "") } end
         m = m + step
         if m > 12 then m, y = m - 12, y + 1 end
      end
      if #out > 0 and not out[1].label:find("%d") then
         local fy = civil_from_days(out[1].day)
         out[1].label = out[1].label .. " " .. fy
      end
   else
      local step = span > 20 and 7 or (span > 8 and 2 or 1)
      for d = lo, hi, step do
         local y, m, dd = civil_from_days(d)
         out[#out + 1] = { day = d, label = string_format("%d %s", dd, MONTHS[m]) .. (d == lo and (" " .. y) or "") }
      end
   end
   return out
end

-- items: {{day, date, label, kind, id}}; returns the SVG markup.
local function timeline_svg(items, row_ids)
   local lanes, lane_of = {}, {}
   local lo, hi = math.huge, -math.huge
   for _, it in ipairs(items) do
      local k = it.kind or "item"
      if not lane_of[k] then
         lanes[#lanes + 1] = k
         lane_of[k] = #lanes
      end
      lo, hi = math_min(lo, it.day), math_max(hi, it.day)
   end
   if hi - lo < 14 then lo, hi = lo - 7, hi + 7 end
   local left, right, width = 110, 24, 1000
   local plot = width - left - right
   local function x_of(day) return left + (day - lo) / (hi - lo) * plot end
   local many = #items > html.MAX_MARKS
   local r, step = 5, 11
   local parts = {}
   local y = 16
   local lane_top, lane_height = {}, {}
   local buckets = {}
   if many then
      -- counts per month (per day over a short span), one bar each
      local by_day = (hi - lo) <= 120
      for _, it in ipairs(items) do
         local b
         if by_day then b = it.day else
            local yy, mm = civil_from_days(it.day)
            b = days_from_civil(yy, mm, 1)
         end
         local lane = lane_of[it.kind or "item"]
         buckets[lane] = buckets[lane] or {}
         buckets[lane][b] = (buckets[lane][b] or 0) + 1
      end
      for li = 1, #lanes do
         lane_top[li], lane_height[li] = y, 70
         y = y + 70 + 14
      end
   else
      -- marks stack upwards where they would overlap
      local stacks = {}
      for _, it in ipairs(items) do
         local lane = lane_of[it.kind or "item"]
         stacks[lane] = stacks[lane] or {}
         local col = math_floor(x_of(it.day) / (2 * r + 1))
         local n = (stacks[lane][col] or 0)
         stacks[lane][col] = n + 1
         it.stack = n
      end
      for li = 1, #lanes do
         local max = 0
         for _, n in pairs(stacks[li] or {}) do max = math_max(max, n) end
         local h = math_min(max, 14) * step + 2 * r + 8
         lane_top[li], lane_height[li] = y, h
         y = y + h + 10
      end
   end
   local height = y + 22
   parts[#parts + 1] = string_format(
          '<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
         .. 'role="img" aria-label="%s">',
      width, height, width, height, many and "Dated items per period" or "Dated items")
   for _, t in ipairs(ticks(lo, hi)) do
      local x = x_of(t.day)
      parts[#parts + 1] = string_format('<line class="tick" x1="%.1f" y1="10" x2="%.1f" y2="%d"/>', x, x, y)
      parts[#parts + 1] = string_format('<text x="%.1f" y="%d" text-anchor="middle">%s</text>', x, y + 15, esc(t.label))
   end
   parts[#parts + 1] = string_format('<line class="axis" x1="%d" y1="%d" x2="%d" y2="%d"/>', left, y, width - right, y)
   for li, k in ipairs(lanes) do
      local color = COLORS[(li - 1) % #COLORS + 1]
      local base = lane_top[li] + lane_height[li]
      parts[#parts + 1] = string_format('<text x="6" y="%.1f">%s</text>', base - lane_height[li] / 2 + 4,
         esc(k:match("s$") and k or (k .. "s")))
      parts[#parts + 1] = string_format('<line class="tick" x1="%d" y1="%.1f" x2="%d" y2="%.1f"/>', left, base,
         width - right, base)
      if many then
         local maxc = 0
         for _, c in pairs(buckets[li] or {}) do maxc = math_max(maxc, c) end
         local days = {}
         for d in pairs(buckets[li] or {}) do days[#days + 1] = d end
         table_sort(days)
         for _, d in ipairs(days) do
            local c = buckets[li][d]
            local h = math_max(1, c / maxc * (lane_height[li] - 6))
            local x = x_of(d)
            local yy, mm, dd = civil_from_days(d)
            parts[#parts + 1] = string_format(
               '<rect class="bar" x="%.1f" y="%.1f" width="4" height="%.1f" fill="%s"><title>%s: %d</title></rect>',
               x - 2, base - h, h, color, esc(string_format("%04d-%02d-%02d", yy, mm, dd)), c)
         end
      end
   end
   if not many then
      for _, it in ipairs(items) do
         local li = lane_of[it.kind or "item"]
         local color = COLORS[(li - 1) % #COLORS + 1]
         local cy = lane_top[li] + lane_height[li] - r - 4 - math_min(it.stack, 14) * step
         local id = it.row and row_ids[it.row]
         parts[#parts + 1] = string_format(
            '<circle class="mark" cx="%.1f" cy="%.1f" r="%d" fill="%s" data-date="%s"%s><title>%s</title></circle>',
            x_of(it.day), cy, r, color, esc(it.date), id and (' data-row="' .. id .. '"') or "",
            esc(it.date .. " — " .. render.text(it.label)))
      end
   end
   parts[#parts + 1] = "</svg>"
   return table_concat(parts, "\n")
end

local function write_chart(out, chart, row_ids)
   if not chart or chart.kind ~= "timeline" then return end
   local items = {}
   for _, it in ipairs(chart.items or {}) do
      local day = html.day(it.date)
      if day then
         items[#items + 1] = { day = day, date = it.date, label = it.label, kind = it.kind, row = it.row }
      end
   end
   out:write('<figure class="chart">\n')
   if #items == 0 then
      out:write('<p class="empty">No dated items to chart.</p>\n</figure>\n')
      return
   end
   out:write(timeline_svg(items, row_ids), "\n")
   if #items > html.MAX_MARKS then
      out:write(string_format("<figcaption>%d dated items: too many to draw one by one, so the bars count them "
         .. "per period.</figcaption>\n", #items))
   else
      out:write(string_format("<figcaption>%d dated items, one mark each; click a mark to find its row.</figcaption>\n",
         #items))
   end
   out:write("</figure>\n")
end

-- --- tables ------------------------------------------------------------------------

local function write_table(out, cols, rows, next_id)
   out:write('<table class="data">\n<thead><tr>')
   for _, c in ipairs(cols) do
      local kind = c.kind or "text"
      out:write('<th scope="col" data-kind="', esc(kind), '"', kind == "number" and ' class="number"' or "", ">",
         esc(c.label or c.key), "</th>")
   end
   out:write("</tr></thead>\n<tbody>\n")
   for _, row in ipairs(rows) do
      local id = next_id()
      out:write('<tr id="', id, '">')
      for _, c in ipairs(cols) do
         local kind = c.kind or "text"
         local v = row[c.key]
         local class = (kind == "number" or kind == "date" or kind == "quote") and (' class="' .. kind .. '"') or ""
         if kind == "quote" and (v == nil or v == "") then class = "" end
         out:write("<td", class, ">", esc(v), "</td>")
      end
      out:write("</tr>\n")
   end
   out:write("</tbody>\n</table>\n")
end

local function slug(s, used)
   local base = render.text(s):lower():gsub("[^%w]+", "-"):gsub("^%-+", ""):gsub("%-+$", "")
   if base == "" then base = "part" end
   local id, n = base, 1
   while used[id] do
      n = n + 1
      id = base .. "-" .. n
   end
   used[id] = true
   return id
end

local function write_model(out, model, level, state)
   local h = math_min(level, 5)
   local id = slug(model.report or model.title, state.used)
   model._anchor = id
   out:write("<section id=\"", id, "\">\n")
   out:write("<h", h, ">", esc(model.title or model.report or "Report"), "</h", h, ">\n")
   if model.description and model.description ~= "" then
      out:write('<p class="desc">', esc(model.description), "</p>\n")
   end
   local filters = render.filters_text(model.filters)
   if filters and level == 1 then out:write('<p class="filters">Filters: ', esc(filters), "</p>\n") end
   if model.notes and #model.notes > 0 then
      out:write('<div class="notes">')
      for _, n in ipairs(model.notes) do out:write("<p>", esc(n), "</p>") end
      out:write("</div>\n")
   end
   if state.after_header then
      state.after_header()
      state.after_header = nil
   end
   if model.stats and #model.stats > 0 then
      out:write('<dl class="stats">')
      for _, s in ipairs(model.stats) do
         out:write("<div><dt>", esc(s.label), "</dt><dd>", esc(s.value), "</dd></div>")
      end
      out:write("</dl>\n")
   end
   -- the chart links to rows: give the rows their ids first
   local row_ids = {}
   local sections = model.sections or {}
   if model.chart then
      local n = state.rows
      for _, section in ipairs(sections) do
         for _, row in ipairs(section.rows) do
            n = n + 1
            row_ids[row] = "r" .. n
         end
      end
      write_chart(out, model.chart, row_ids)
   end
   for _, section in ipairs(sections) do
      if section.title ~= nil and (#sections > 1 or model.group ~= nil or section.columns ~= nil) then
         out:write("<h", math_min(h + 1, 6), ">", esc(section.title), "</h", math_min(h + 1, 6), ">\n")
      end
      if section.note then out:write('<p class="note">', esc(section.note), "</p>\n") end
      if #section.rows == 0 then
         out:write('<p class="empty">', esc(section.empty or "Nothing to show."), "</p>\n")
      else
         write_table(out, render.shown_columns(model, section), section.rows, function()
            state.rows = state.rows + 1
            return "r" .. state.rows
         end)
      end
   end
   for _, part in ipairs(model.parts or {}) do write_model(out, part, level + 1, state) end
   out:write("</section>\n")
end

--- render(model, out, opts): the page. opts.generated: a line for the footer.
function html.render(model, out, opts)
   opts = opts or {}
   local title = render.text(model.title or model.report or "quarry report")
   out:write([[<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
]] .. CSP .. "\n" .. [[
<meta name="generator" content="quarry">
<title>]], esc(title), "</title>\n<style>\n", CSS, "</style>\n</head>\n<body>\n<main>\n")
   local parts = model.parts or {}
   local function after_header()
      if #parts > 1 then
         -- anchors are the slugs write_model gives; computed the same way here
         local used, links = {}, {}
         slug(model.report or model.title, used)
         for _, p in ipairs(parts) do
            links[#links + 1] = '<a href="#' .. slug(p.report or p.title, used) .. '">' .. esc(p.title or p.report)
               .. "</a>"
         end
         out:write('<nav class="toc">', table_concat(links, " "), "</nav>\n")
      end
      out:write('<div class="tools"><input id="filter" type="search" placeholder="Filter rows" '
         .. 'aria-label="Filter rows"><span id="filter-count" class="count"></span></div>\n')
   end
   write_model(out, model, 1, { used = {}, rows = 0, after_header = after_header })
   out:write('<footer>', esc(opts.generated or "Made by quarry."), "</footer>\n</main>\n<script>\n", SCRIPT,
      "</script>\n</body>\n</html>\n")
end
html.html = html.render

return html
