--- HTML: one self-contained page. Styles, script and charts are inline; a
-- Content-Security-Policy forbids loading anything else, so the page
-- works offline and never calls out to the network. Tables sort when a
-- heading is clicked (an arrow shows how), a box filters their rows (and
-- hides what it leaves empty), the timeline is an SVG (quarry.render.svg)
-- with one mark per dated item linked to its row, and a section that
-- declares a chart (section.chart = {kind = "bars", label, value}) is
-- drawn as bars, its table folded under it.
--
-- Links: a document to its source URL (http and https only), and with
-- opts.base_url to the pages of the corpus explorer (quarry serve), which
-- renders its pages with this module too (opts.explorer: the page's path
-- and parameters, for the header, the facets and the pager).
local render = require "quarry.render"
local svg = require "quarry.render.svg"
local links = require "quarry.render.links"
local article = require "quarry.render.article"
local assets = require "quarry.render.assets"

local ipairs, select = ipairs, select
local math_min = math.min
local string_format, table_concat = string.format, table.concat

local html = {}

-- Nothing but what the page holds: no network, no other files.
local CSP = [[<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; ]]
   .. [[script-src 'unsafe-inline'; img-src data:; form-action 'self'">]]

--- Text escaped for HTML content and attribute values.
html.escape = svg.escape
local esc = html.escape

--- The day number of an ISO 8601 date (see quarry.render.svg).
html.day = svg.day

--- How many dated items the timeline draws one by one (quarry.render.svg).
html.MAX_MARKS = svg.MAX_MARKS

-- Tables longer than this scroll in a box of their own.
local BOX_ROWS = 8
-- A model with more sections than this shows the first few open, the rest folded.
local OPEN_SECTIONS = 3

-- --- tables -----------------------------------------------------------------------

local function cell(c, row, linker)
   local v = row[c.key]
   local s = esc(v)
   if c.link and v ~= nil and v ~= "" then
      local url = linker:cell(c.link, v, row)
      if url then s = '<a href="' .. esc(url) .. '">' .. s .. "</a>" end
      if c.link == "article" and linker.base then
         local src = links.safe_url(row.url)
         if src then
            s = s .. '<a class="src" href="' .. esc(src) .. '" title="the source" rel="noopener noreferrer">↗</a>'
         end
      end
   end
   return s
end

local function write_table(out, cols, rows, next_id, linker)
   out:write('<table class="data">\n<thead><tr>')
   for _, c in ipairs(cols) do
      local kind = c.kind or "text"
      out:write('<th scope="col" data-key="', esc(c.key), '" data-kind="', esc(kind), '"',
         kind == "number" and ' class="number"' or "", ">", esc(c.label or c.key), "</th>")
   end
   out:write("</tr></thead>\n<tbody>\n")
   for _, row in ipairs(rows) do
      out:write('<tr id="', next_id(row), '">')
      for _, c in ipairs(cols) do
         local kind = c.kind or "text"
         local v = row[c.key]
         local class = (kind == "number" or kind == "date" or kind == "quote") and (' class="' .. kind .. '"') or ""
         if kind == "quote" and (v == nil or v == "") then class = "" end
         out:write("<td", class, ">", cell(c, row, linker), "</td>")
      end
      out:write("</tr>\n")
   end
   out:write("</tbody>\n</table>\n")
end

-- --- charts --------------------------------------------------------------------------

local function write_timeline(out, chart, row_ids, st)
   local items, keep = {}, {}
   for _, it in ipairs(chart.items or {}) do
      local day = svg.day(it.date)
      if day then
         items[#items + 1] = { day = day, date = it.date, label = it.label, kind = it.kind,
            id = it.row and row_ids[it.row] }
         if it.kind == "statement" then keep[#keep + 1] = day end
      end
   end
   local counts
   if chart.counts then
      counts = {}
      for _, c in ipairs(chart.counts) do
         local day = svg.day(c.date)
         if day then
            counts[#counts + 1] = { day = day, kind = c.kind, n = c.n }
            if c.kind == "statement" then keep[#keep + 1] = day end
         end
      end
   end
   out:write('<figure class="chart">\n')
   local drawn = counts or items
   if #drawn == 0 then
      out:write('<p class="empty">No dated items to chart.</p>\n</figure>\n')
      return
   end
   out:write(svg.timeline(drawn, { counts = counts ~= nil, keep = keep, zoom = st.zoom, max_marks = html.MAX_MARKS }),
      "\n")
   local n = chart.total or #items
   local how = counts and "bars count them a month" or (#items > html.MAX_MARKS
      and "too many to draw one by one, so bars count them a month (or a day)"
      or "one mark each; click a mark to find its row")
   out:write(string_format("<figcaption>%d dated items: %s. Top lane: quotes, at the date their document was "
      .. "published; bottom lane: dates named in the text. Drag across the chart to zoom.</figcaption>\n", n, how))
   out:write("</figure>\n")
end

local function write_bars(out, section, linker)
   local spec = section.chart
   local cols = section.columns or {}
   local link_kind, time
   for _, c in ipairs(cols) do
      if c.key == spec.label then
         link_kind = c.link
         time = c.kind == "date"
      end
   end
   local rows = section.rows
   if spec.top and #rows > spec.top then
      rows = { table.unpack(rows, 1, spec.top) }
   end
   out:write('<figure class="chart">\n', svg.bars(rows, { label = spec.label, value = spec.value, time = time,
      title = section.title }, link_kind and function(r) return linker:cell(link_kind, r[spec.label], r) end),
      "\n</figure>\n")
   if rows ~= section.rows then
      out:write('<p class="note">The ', #rows, " largest of ", #section.rows, ".</p>\n")
   end
end

-- --- sections ----------------------------------------------------------------------------

local function write_rows(out, model, section, st)
   local cols = render.shown_columns(model, section)
   local next_id = function(row)
      local id = st.row_ids[row]
      if not id then
         st.rows = st.rows + 1
         id = "r" .. st.rows
      end
      return id
   end
   if section.chart and section.chart.kind == "bars" and #section.rows > 0 then
      write_bars(out, section, st.linker)
      out:write('<details class="table block"><summary>The table (', #section.rows, " rows)</summary>\n")
      write_table(out, cols, section.rows, next_id, st.linker)
      out:write("</details>\n")
   elseif #section.rows > BOX_ROWS then
      out:write('<div class="block box">\n')
      write_table(out, cols, section.rows, next_id, st.linker)
      out:write("</div>\n")
   else
      out:write('<div class="block">\n')
      write_table(out, cols, section.rows, next_id, st.linker)
      out:write("</div>\n")
   end
end

local function write_section(out, model, section, i, h, st)
   local sections = model.sections
   local titled = section.title ~= nil and (#sections > 1 or model.group ~= nil or section.columns ~= nil)
   local fold = titled and #sections > OPEN_SECTIONS + 2
   local hh = math_min(h + 1, 6)
   -- a grouped model's section is one value of the group column (which its table leaves out)
   local group = model.group and section.title ~= nil
      and (' data-key="' .. esc(model.group) .. '" data-value="' .. esc(section.title) .. '"') or ""
   if fold then
      out:write('<details class="sec"', group, i <= OPEN_SECTIONS and " open" or "", "><summary>", esc(section.title),
         section.note and (' <span class="note">— ' .. esc(section.note) .. "</span>") or "", "</summary>\n")
   else
      -- a section drawn as bars takes half the width: two charts side by side
      local charted = section.chart and section.chart.kind == "bars" and #section.rows > 0
      for _, c in ipairs(section.columns or {}) do
         if charted and c.key == section.chart.label and c.kind == "date" then charted = false end   -- months: wide
      end
      out:write('<div class="sec', charted and " charted" or "", '"', group, '>\n')
      if titled then out:write("<h", hh, ">", esc(section.title), "</h", hh, ">\n") end
      if section.note then out:write('<p class="note">', esc(section.note), "</p>\n") end
   end
   if #section.rows == 0 then
      out:write('<p class="empty">', esc(section.empty or "Nothing to show."), "</p>\n")
   else
      write_rows(out, model, section, st)
   end
   out:write(fold and "</details>\n" or "</div>\n")
end

local function write_stats(out, model)
   if not model.stats or #model.stats == 0 then return end
   out:write('<dl class="stats">')
   for _, s in ipairs(model.stats) do
      local v = esc(s.value)
      if s.count then
         out:write("<div><dt>", esc(s.label), '</dt><dd data-count="', esc(s.count), '" data-total="', v, '">', v,
            "</dd></div>")
      else
         out:write("<div><dt>", esc(s.label), "</dt><dd>", v, "</dd></div>")
      end
   end
   out:write("</dl>\n")
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
html.slug = slug

local explorer = require "quarry.render.explorer"

local function write_model(out, model, level, st)
   local h = math_min(level, 5)
   local id = slug(model.report or model.title, st.used)
   out:write("<section id=\"", id, "\">\n")
   out:write("<h", h, ">", esc(model.title or model.report or "Report"), "</h", h, ">\n")
   if model.description and model.description ~= "" then
      out:write('<p class="desc">', esc(model.description), "</p>\n")
   end
   local filters = render.filters_text(model.filters)
   if filters and level == 1 and not st.explorer then
      out:write('<p class="filters">Filters: ', esc(filters), "</p>\n")
   end
   if model.notes and #model.notes > 0 then
      out:write('<div class="notes">')
      for _, n in ipairs(model.notes) do out:write("<p>", esc(n), "</p>") end
      out:write("</div>\n")
   end
   if model.document then out:write(article.source(model.document)) end
   if st.after_header then
      st.after_header()
      st.after_header = nil
   end
   write_stats(out, model)
   if model.document then
      out:write(article.legend(), '<div class="article">', article.text(model.document, st.linker), "</div>\n")
   end
   if st.explorer and model.report == "search" then
      explorer.hits(out, model, st)
   else
      -- the chart links to rows: give the rows their ids first
      if model.chart and model.chart.kind == "timeline" then
         for _, section in ipairs(model.sections or {}) do
            for _, row in ipairs(section.rows) do
               st.rows = st.rows + 1
               st.row_ids[row] = "r" .. st.rows
            end
         end
         write_timeline(out, model.chart, st.row_ids, st)
      end
      for i, section in ipairs(model.sections or {}) do write_section(out, model, section, i, h, st) end
   end
   for _, part in ipairs(model.parts or {}) do
      if part.report == "facets" and st.explorer then
         st.facets = part
      else
         write_model(out, part, level + 1, st)
      end
   end
   out:write("</section>\n")
end
html.write_model = write_model

--- render(model, out, opts): the page. opts.generated: a line for the
-- footer; opts.base_url: link documents, speakers and entities to the
-- explorer there; opts.explorer: {path, params, json} (the explorer's page).
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
<link rel="icon" href="data:,">
<title>]], esc(title), "</title>\n<style>\n", assets.CSS, "</style>\n</head>\n<body>\n")
   local linker = links.new(opts.base_url)
   local st = { used = {}, rows = 0, row_ids = {}, linker = linker, explorer = opts.explorer }
   if opts.explorer then
      explorer.header(out, opts.explorer, linker)
      st.zoom = explorer.zoom(opts.explorer, linker)
   end
   out:write("<main>\n")
   local parts = model.parts or {}
   st.after_header = function()
      if #parts > 1 and not opts.explorer then
         -- anchors are the slugs write_model gives; computed the same way here
         local used, list = {}, {}
         slug(model.report or model.title, used)
         for _, p in ipairs(parts) do
            list[#list + 1] = '<a href="#' .. slug(p.report or p.title, used) .. '">' .. esc(p.title or p.report)
               .. "</a>"
         end
         out:write('<nav class="toc">', table_concat(list, " "), "</nav>\n")
      end
      if opts.explorer then
         explorer.chips(out, opts.explorer, linker)
      else
         out:write('<div class="tools"><input id="filter" type="search" placeholder="Filter rows" '
            .. 'aria-label="Filter rows"><span id="filter-count" class="count"></span></div>\n')
      end
   end
   if opts.explorer and opts.explorer.aside then
      local buf = {}
      local sink = { write = function(self, ...)
         for i = 1, select("#", ...) do buf[#buf + 1] = select(i, ...) end
         return self
      end }
      write_model(sink, model, 1, st)
      out:write('<div class="layout"><div>', table_concat(buf), "</div>\n")
      explorer.facets(out, st.facets, opts.explorer, linker)
      out:write("</div>\n")
   else
      write_model(out, model, 1, st)
   end
   out:write('<footer>', esc(opts.generated or "Made by quarry."), "</footer>\n</main>\n<script>\n", assets.SCRIPT,
      "</script>\n</body>\n</html>\n")
end
html.html = html.render

return html
