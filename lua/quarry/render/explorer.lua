--- The parts of an HTML page that only the corpus explorer (quarry serve)
-- has: the header (search box, the pages, the JSON twin), the filters in
-- force as chips that remove them, the facets beside the results, the
-- results of a search with their hits in context, and the pager. Every
-- link keeps the page's state in its URL (quarry.render.links).
local svg = require "quarry.render.svg"

local ipairs, pairs, tonumber = ipairs, pairs, tonumber
local string_format = string.format
local esc = svg.escape

local explorer = {}

local NAV = {
   { "", "Search" }, { "timeline", "Timeline" }, { "report/summary", "Summary" }, { "report/quotes", "Quotes" },
   { "report/entities", "Entities" }, { "report/sources", "Sources" },
}

local function with(params, changes)
   local p = {}
   for k, v in pairs(params or {}) do p[k] = v end
   for k, v in pairs(changes or {}) do
      if v == false then p[k] = nil else p[k] = v end
   end
   return p
end
explorer.with = with

--- The header: the search box (it searches with the filters in force), the pages, the JSON twin.
function explorer.header(out, page, linker)
   local params = page.params or {}
   out:write('<header class="top"><div class="in"><a class="brand" href="', esc(linker:page("", {})),
      '">quarry</a>\n<form action="', esc(linker:page("", {})), '" method="get" role="search">')
   for _, k in ipairs { "outlet", "from", "to", "speaker", "entity" } do
      if params[k] and page.path == "" then
         out:write('<input type="hidden" name="', k, '" value="', esc(params[k]), '">')
      end
   end
   out:write('<input name="q" type="search" placeholder="Search the corpus (FTS5: words, &quot;phrases&quot;, '
      .. 'NEAR, OR)" aria-label="Search" value="', esc(page.path == "" and params.q or ""),
      '"><button type="submit">Search</button></form>\n<nav>')
   for _, n in ipairs(NAV) do
      out:write('<a href="', esc(linker:page(n[1], {})), '">', esc(n[2]), "</a>")
   end
   out:write('</nav><a class="json" href="', esc(page.json or "?format=json"), '">JSON</a></div></header>\n')
end

--- A function (from, to) -> the URL of this page zoomed to that range of
-- ISO dates (the timeline's brush), or nil for pages without one.
function explorer.zoom(page, linker)
   if page.path ~= "timeline" then return nil end
   return function(from, to)
      return linker:page(page.path, with(page.params, { from = from, to = to }))
   end
end

local LABELS = { q = "search", outlet = "outlet", from = "from", to = "to", speaker = "speaker",
   entity = "entity" }

--- The filters in force, each a link that removes it.
function explorer.chips(out, page, linker)
   local params = page.params or {}
   local any = false
   for _, k in ipairs { "q", "outlet", "from", "to", "speaker", "entity" } do
      if params[k] and (page.path == "" or page.path == "timeline" or page.path:match("^report/")) then
         if not any then out:write('<p class="chips">') end
         any = true
         out:write('<a href="', esc(linker:page(page.path, with(params, { [k] = false, offset = false }))),
            '" title="remove this filter">', esc(LABELS[k]), ": ", esc(params[k]), " ✕</a>")
      end
   end
   if any then out:write("</p>\n") end
end

local function pager(out, p, page, linker)
   if not p or not p.limit then return end
   local first, last = p.offset + 1, p.offset + p.shown
   out:write('<nav class="pager">')
   if p.total == 0 then
      out:write("<span>No documents.</span>")
   else
      out:write(string_format("<span>%d–%d of %d</span>", first, last, p.total))
   end
   if p.offset > 0 then
      local prev = p.offset - p.limit
      out:write('<a rel="prev" href="', esc(linker:page(page.path, with(page.params,
         { offset = prev > 0 and prev or false }))), '">← previous</a>')
   end
   if last < p.total then
      out:write('<a rel="next" href="', esc(linker:page(page.path, with(page.params, { offset = last }))),
         '">next →</a>')
   end
   out:write("</nav>\n")
end

--- The results of the search report: each document with its hit in context.
function explorer.hits(out, model, st)
   local linker, page = st.linker, st.explorer
   local rows = model.sections[1] and model.sections[1].rows or {}
   pager(out, model.page, page, linker)
   if #rows == 0 then
      out:write('<p class="empty">', esc(model.sections[1] and model.sections[1].empty or "No documents match."),
         "</p>\n")
      return
   end
   out:write('<ol class="hits">\n')
   for _, r in ipairs(rows) do
      out:write('<li><a class="title" href="', esc(linker:article(r.doc)), '">', esc(r.title or r.doc), "</a>")
      out:write('<div class="meta">', esc(r.date and r.date:sub(1, 10) or "undated"))
      if r.source then
         out:write(' · <a href="', esc(linker:page("", with(page.params, { outlet = r.source, offset = false }))),
            '">', esc(r.source), "</a>")
      end
      out:write(string_format(" · %s quote%s · %s mention%s · %s", esc(r.quotes), r.quotes == 1 and "" or "s",
         esc(r.entities), r.entities == 1 and "" or "s", esc(r.doc)))
      local src = require("quarry.render.links").safe_url(r.url)
      if src then out:write(' · <a href="', esc(src), '" rel="noopener noreferrer">source ↗</a>') end
      out:write("</div>")
      if r.hit then
         out:write('<div class="kwic">', esc(r.hit.left), "<b>", esc(r.hit.match), "</b>", esc(r.hit.right), "</div>")
      end
      out:write("</li>\n")
   end
   out:write("</ol>\n")
   pager(out, model.page, page, linker)
end

-- The filter a facet's value sets.
local function facet_params(facet, row)
   if facet == "month" then return { from = row.value, to = row.value } end
   return { [facet] = row.value }
end

--- The facets model (quarry.reports.facets) beside the results.
function explorer.facets(out, model, page, linker)
   out:write('<aside class="facets">\n')
   for _, s in ipairs(model and model.sections or {}) do
      out:write("<h3>", esc(s.title), "</h3>\n")
      if #s.rows == 0 then
         out:write('<p class="empty">', esc(s.empty or "None."), "</p>\n")
      else
         local rows = s.rows
         if s.facet == "month" and #rows > 24 then
            -- many months: the last two years, newest first
            local last = {}
            for i = #rows, math.max(1, #rows - 23), -1 do last[#last + 1] = rows[i] end
            rows = last
         end
         out:write('<ul data-facet="', esc(s.facet), '">')
         for _, r in ipairs(rows) do
            local url = linker:page("", with(page.params, with(facet_params(s.facet, r), { offset = false })))
            out:write('<li><a href="', esc(url), '">', esc(r.value), r.type and (' <small>' .. esc(r.type)
               .. "</small>") or "", "</a><span>", esc(tonumber(r.documents) or r.documents), "</span></li>")
         end
         out:write("</ul>\n")
      end
   end
   out:write("</aside>\n")
end

return explorer
