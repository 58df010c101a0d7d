--- facets: how the documents that pass the filters divide, by outlet, by
-- month, by the people quoted in them and by the entities named in them:
-- one section a facet, each row a value and its number of documents (the
-- explorer's search page shows them beside the results, each a link that
-- adds the filter). --limit N keeps the N largest values of each facet
-- (default 10; months are all kept, in order).
--
-- Outlets and months are counted exactly, from the indexes of the
-- documents' sources and dates. Speakers and entities too when no filter
-- is given (from the indexes of the spans); with filters that leave more
-- than SAMPLE documents, they are counted in the first SAMPLE of them (the
-- best ranked for --query, else the first by date), and the section's note
-- says so: counting them in all would read the spans of every document.
local base = require "quarry.reports.base"

local TOP = 10
local SAMPLE = 1000

return base.new {
   name = "facets",
   title = "Facets",
   description = "The documents that pass the filters, counted by outlet, month, speaker and entity.",
   run = function(ctx)
      local n = (ctx.filters.limit and ctx.filters.limit > 0) and ctx.filters.limit or TOP
      local docs = ctx:docs_where("d", { query = false })
      local q = ctx.filters.query
      -- the documents: the index of dates or sources scanned, each checked against the full-text matches
      local function doc_counts(index, value)
         local where = docs
         if q then where = where .. " AND d.rowid IN (" .. ctx:match_sql(ctx:quote(q)) .. ")" end
         return "SELECT " .. value .. " AS value, count(*) AS documents FROM docs d" .. ctx:indexed_by(index)
            .. " WHERE " .. where
      end
      local outlets = ctx:all(doc_counts("docs_source", "d.source") .. " AND d.source IS NOT NULL GROUP BY 1 "
         .. "ORDER BY documents DESC, value LIMIT " .. n)
      local months = ctx:all(doc_counts("docs_date", "substr(d.date, 1, 7)") .. " AND d.date IS NOT NULL "
         .. "GROUP BY 1 ORDER BY 1")
      -- the documents whose spans are counted: all, or the first SAMPLE
      local spans, note, scan = "1", nil, ""
      if q or docs ~= "1" then
         local all = q and ("SELECT f.rowid FROM (" .. ctx:match_sql(ctx:quote(q), "rank") .. ") f"
            .. (docs ~= "1" and (" WHERE +f.rowid IN (SELECT d.rowid FROM docs d WHERE " .. docs .. ")") or ""))
            or ("SELECT d.rowid FROM docs d WHERE " .. docs)
         local total = ctx:value("SELECT count(*) FROM (" .. all .. ")")
         -- the sample chosen once for both facets: ranking every match is most of the work on a large
         -- corpus (and the search's own results ranked them already: ctx:best_matches keeps them)
         local sample = q and ctx:best_matches() or {}   -- base.BEST of them
         if not q then
            for rowid in ctx:tuples(all .. " ORDER BY d.date, d.rowid LIMIT " .. SAMPLE) do
               sample[#sample + 1] = rowid
            end
         end
         spans = "s.doc IN (" .. table.concat(sample, ",") .. ")"
         scan = ctx:indexed_by("spans_doc")     -- the spans of those documents, not the whole index scanned
         if total > #sample then
            note = string.format("In the first %d of %d documents%s.", #sample, total, q and ", the best matches" or "")
         end
      end
      local speaker = "json_extract(s.attrs, '$.speaker')"
      local speakers = ctx:all("SELECT " .. speaker .. " AS value, count(DISTINCT s.doc) AS documents FROM spans s"
         .. scan .. " WHERE s.type = 'quote' AND " .. speaker .. " IS NOT NULL AND " .. spans
         .. " GROUP BY 1 ORDER BY documents DESC, value LIMIT " .. n)
      local name = "json_extract(s.attrs, '$.name')"
      local entities = ctx:all("SELECT " .. name .. " AS value, s.type AS type, count(DISTINCT s.doc) AS documents "
         .. "FROM spans s" .. scan .. " WHERE s.type IN ('person', 'organization', 'location') AND " .. name
         .. " IS NOT NULL AND "
         .. spans .. " GROUP BY s.type, " .. name .. " ORDER BY documents DESC, value LIMIT " .. n)
      local function columns(label)
         return { { key = "value", label = label }, { key = "documents", label = "Documents", kind = "number" } }
      end
      local entity_columns = columns("Entity")
      table.insert(entity_columns, 2, { key = "type", label = "Type" })
      return {
         columns = {},
         sections = {
            { title = "Outlet", facet = "outlet", rows = outlets, columns = columns("Outlet"),
              empty = "No outlets." },
            { title = "Month", facet = "month", rows = months, columns = columns("Month"),
              empty = "No dated documents.", chart = { kind = "bars", label = "value", value = "documents" } },
            { title = "Speaker", facet = "speaker", rows = speakers, columns = columns("Speaker"),
              empty = "No quotes.", note = note },
            { title = "Entity", facet = "entity", rows = entities, columns = entity_columns,
              empty = "No entities.", note = note },
         },
      }
   end,
}
