--- search: the documents that pass the filters. With --query, best matches
-- first (bm25, a hit in the title counting twice) with a snippet, each hit
-- also given as a concordance line (row.hit = {left, match, right}, for
-- renderers that show it in the middle); without it, in date order. Each
-- row counts the document's quotes (not those in reader comments) and
-- entity mentions. --limit N keeps N documents, --offset K skips K (a
-- page: model.page = {offset, limit, total}).
--
-- A page of a large corpus stays fast: the documents of the page are
-- chosen first (from the index of dates, or FTS5's ranking), and only
-- theirs are counted and cut into snippets.
local base = require "quarry.reports.base"

-- Documents with more hits than this get quarry's linear snippet (as
-- corpus:search does): FTS5's snippet() is quadratic in the hits.
local SNIPPET_HITS = 1000

local COLUMNS = {
   { key = "doc", label = "Document", link = "article" },
   { key = "date", label = "Date", kind = "date" },
   { key = "source", label = "Source", link = "outlet" },
   { key = "title", label = "Title" },
   { key = "quotes", label = "Quotes", kind = "number" },
   { key = "entities", label = "Entities", kind = "number" },
}
local WITH_SNIPPET = { table.unpack(COLUMNS) }
WITH_SNIPPET[#WITH_SNIPPET + 1] = { key = "snippet", label = "Snippet" }

-- A snippet with \1 and \2 around its hits: the snippet column ([hit]) and
-- the first hit as a concordance line.
local function hit_of(s)
   local left, match, right = s:match("^(.-)\1(.-)\2(.*)$")
   local shown = base.squeeze((s:gsub("\1", "["):gsub("\2", "]")))
   if not left then return shown, nil end
   return shown, { left = base.squeeze((left:gsub("[\1\2]", ""))), match = base.squeeze(match),
      right = base.squeeze((right:gsub("[\1\2]", ""))) }
end

return base.new {
   name = "search",
   title = "Documents",
   columns = WITH_SNIPPET,
   run = function(ctx)
      local q = ctx.filters.query
      local counts = "(SELECT count(*) FROM spans s WHERE s.type = 'quote' AND s.doc = d.rowid AND "
         .. ctx:article_where("s", "quote") .. ") AS quotes, "
         .. "(SELECT count(*) FROM spans s WHERE s.type IN ('person', 'organization', 'location') "
         .. "AND s.doc = d.rowid) AS entities"
      local sql, total
      if q then
         local where = "docs_fts MATCH " .. ctx:quote(q) .. " AND " .. ctx:docs_where("d", { query = false })
         sql = "SELECT d.id AS doc, d.date, d.source, d.title, d.url, " .. counts .. ", CASE WHEN "
            .. "quarry_instances(docs_fts) <= " .. SNIPPET_HITS .. " THEN snippet(docs_fts, -1, char(1), char(2), "
            .. "'…', 16) ELSE quarry_snippet(docs_fts, -1, char(1), char(2), '…', 16) END AS snippet "
            .. "FROM docs_fts JOIN docs d ON d.rowid = docs_fts.rowid WHERE " .. where
            .. " ORDER BY docs_fts.rank" .. ctx:limit_sql()
         total = "SELECT count(*) FROM docs_fts JOIN docs d ON d.rowid = docs_fts.rowid WHERE " .. where
      else
         -- the page's documents from the index of dates (no text read), then theirs counted
         local where = ctx:docs_where("d")
         sql = "SELECT d.id AS doc, d.date, d.source, d.title, d.url, " .. counts .. " FROM (SELECT d.rowid AS r, "
            .. "row_number() OVER () AS k FROM (SELECT d.rowid FROM docs d WHERE " .. where
            .. " ORDER BY d.date IS NULL, d.date, d.rowid" .. ctx:limit_sql() .. ") d) p "
            .. "JOIN docs d ON d.rowid = p.r ORDER BY p.k"
         total = "SELECT count(*) FROM docs d WHERE " .. where
      end
      local rows = {}
      for r in ctx:rows(sql) do
         if r.snippet then r.snippet, r.hit = hit_of(r.snippet) end
         rows[#rows + 1] = r
      end
      local limit, offset = ctx.filters.limit, ctx.filters.offset or 0
      local n = #rows
      if (limit and limit > 0) or offset > 0 then n = ctx:value(total) end
      return {
         description = q and ("Documents matching " .. q .. ", best first.") or "Documents in date order.",
         stats = { { key = "documents", label = "Documents", value = n, count = "rows" } },
         columns = q and WITH_SNIPPET or COLUMNS,
         rows = rows,
         page = { offset = offset, limit = (limit and limit > 0) and limit or nil, total = n, shown = #rows },
         empty = "No documents match.",
      }
   end,
}
