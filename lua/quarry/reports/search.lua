--- search: the documents that pass the filters. With --query, best matches
-- first (bm25, a hit in the title counting twice) with a snippet; without
-- it, in date order. Each row counts the document's quotes (not those in
-- reader comments) and entity mentions. --limit N keeps N documents.
local base = require "quarry.reports.base"

local COLUMNS = {
   { key = "doc", label = "Document" },
   { key = "date", label = "Date", kind = "date" },
   { key = "source", label = "Source" },
   { key = "title", label = "Title" },
   { key = "quotes", label = "Quotes", kind = "number" },
   { key = "entities", label = "Entities", kind = "number" },
}
local WITH_SNIPPET = { table.unpack(COLUMNS) }
WITH_SNIPPET[#WITH_SNIPPET + 1] = { key = "snippet", label = "Snippet" }

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
      local sql
      if q then
         -- (over shards, each shard's index ranks its own documents)
         sql = "SELECT d.id AS doc, d.date, d.source, d.title, " .. counts .. ", f.snippet FROM ("
            .. ctx:match_sql(ctx:quote(q), "rank, snippet(docs_fts, -1, '[', ']', '…', 16) AS snippet")
            .. ") f JOIN docs d ON d.rowid = f.rowid WHERE " .. ctx:docs_where("d", { query = false })
            .. " ORDER BY f.rank, f.rowid" .. ctx:limit_sql()
      else
         sql = "SELECT d.id AS doc, d.date, d.source, d.title, " .. counts .. " FROM docs d WHERE "
            .. ctx:docs_where("d") .. " ORDER BY d.date IS NULL, d.date, d.id" .. ctx:limit_sql()
      end
      local rows = {}
      for r in ctx:rows(sql) do
         if r.snippet then r.snippet = base.squeeze(r.snippet) end
         rows[#rows + 1] = r
      end
      return {
         description = q and ("Documents matching " .. q .. ", best first.") or "Documents in date order.",
         stats = { { key = "documents", label = "Documents", value = #rows } },
         columns = q and WITH_SNIPPET or COLUMNS,
         rows = rows,
         empty = "No documents match.",
      }
   end,
}
