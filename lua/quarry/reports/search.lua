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
-- theirs are counted and cut into snippets. A page within the best
-- matches comes from ctx:best_matches, which the facets use too and a
-- read-only corpus keeps: the matches are ranked once for them all.
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
         .. ctx:in_article_sql("s") .. ") AS quotes, "
         .. "(SELECT count(*) FROM spans s WHERE s.type IN ('person', 'organization', 'location') "
         .. "AND s.doc = d.rowid) AS entities"
      -- the documents the other filters allow, from the indexes of docs (no text read)
      -- (+rowid: a condition FTS5 checks on each match, not one it runs the MATCH again for, row by row)
      local others = ctx:docs_where("d", { query = false })
      local allowed = others == "1" and "" or (" AND +f.rowid IN (SELECT d.rowid FROM docs d WHERE " .. others .. ")")
      local page, total
      if q then
         -- the page's documents by FTS5's ranking alone; then only theirs are read and cut into snippets
         -- (over shards, each shard's index ranks its own documents)
         local matches = "(" .. ctx:match_sql(ctx:quote(q), "rank") .. ") f WHERE 1" .. allowed
         page = "SELECT rowid, row_number() OVER () AS k FROM (SELECT f.rowid FROM " .. matches
            .. " ORDER BY f.rank, f.rowid" .. ctx:limit_sql() .. ")"
         total = "SELECT count(*) FROM " .. matches
      else
         -- the page's documents from the index of dates
         page = "SELECT d.rowid AS rowid, row_number() OVER () AS k FROM (SELECT d.rowid FROM docs d WHERE "
            .. ctx:docs_where("d") .. " ORDER BY d.date IS NULL, d.date, d.rowid" .. ctx:limit_sql() .. ") d"
         total = "SELECT count(*) FROM docs d WHERE " .. ctx:docs_where("d")
      end
      local order, ks = {}, {}
      local limit, offset = ctx.filters.limit, ctx.filters.offset or 0
      -- a page among the best matches: ranked once for the first page, its facets and the later pages
      local best = q and limit and limit > 0 and ctx:best_matches(offset + limit)
      if best then
         for k = offset + 1, math.min(offset + limit, #best) do
            order[#order + 1] = best[k]
            ks[best[k]] = k - offset
         end
      else
         for rowid, k in ctx:tuples(page) do
            order[#order + 1] = rowid
            ks[rowid] = k
         end
      end
      local rows = {}
      if #order > 0 then
         local ids = table.concat(order, ",")
         local sql = "SELECT d.rowid AS rowid, d.id AS doc, d.date, d.source, d.title, d.url, " .. counts
         if q then
            sql = sql .. ", f.snippet FROM (" .. ctx:match_sql(ctx:quote(q), "CASE WHEN quarry_instances(docs_fts) <= "
               .. SNIPPET_HITS .. " THEN snippet(docs_fts, -1, char(1), char(2), '…', 16) ELSE "
               .. "quarry_snippet(docs_fts, -1, char(1), char(2), '…', 16) END AS snippet") .. ") f "
               .. "JOIN docs d ON d.rowid = f.rowid WHERE f.rowid IN (" .. ids .. ")"
         else
            sql = sql .. " FROM docs d WHERE d.rowid IN (" .. ids .. ")"
         end
         for r in ctx:rows(sql) do
            if r.snippet then r.snippet, r.hit = hit_of(r.snippet) end
            rows[ks[r.rowid]] = r
            r.rowid = nil
         end
      end
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
