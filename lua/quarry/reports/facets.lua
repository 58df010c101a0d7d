--- facets: how the documents that pass the filters divide, by outlet, by
-- month, by the people quoted in them and by the entities named in them:
-- one section a facet, each row a value and its number of documents (the
-- explorer's search page shows them beside the results, each a link that
-- adds the filter). --limit N keeps the N largest values of each facet
-- (default 10; months are all kept, in order).
--
-- Outlets and months are counted from the indexes of the documents'
-- sources and dates; speakers and entities from those of the spans.
local base = require "quarry.reports.base"

local TOP = 10

return base.new {
   name = "facets",
   title = "Facets",
   description = "The documents that pass the filters, counted by outlet, month, speaker and entity.",
   run = function(ctx)
      local n = (ctx.filters.limit and ctx.filters.limit > 0) and ctx.filters.limit or TOP
      local docs = ctx:docs_where("d")
      local spans = ctx:spans_where("s")
      local outlets = ctx:all("SELECT d.source AS value, count(*) AS documents FROM docs d WHERE " .. docs
         .. " AND d.source IS NOT NULL GROUP BY d.source ORDER BY documents DESC, value LIMIT " .. n)
      local months = ctx:all("SELECT substr(d.date, 1, 7) AS value, count(*) AS documents FROM docs d WHERE "
         .. docs .. " AND d.date IS NOT NULL GROUP BY 1 ORDER BY 1")
      local speaker = "json_extract(s.attrs, '$.speaker')"
      local speakers = ctx:all("SELECT " .. speaker .. " AS value, count(DISTINCT s.doc) AS documents FROM spans s "
         .. "WHERE s.type = 'quote' AND " .. speaker .. " IS NOT NULL AND " .. spans
         .. " GROUP BY 1 ORDER BY documents DESC, value LIMIT " .. n)
      local name = "json_extract(s.attrs, '$.name')"
      local entities = ctx:all("SELECT " .. name .. " AS value, s.type AS type, count(DISTINCT s.doc) AS documents "
         .. "FROM spans s WHERE s.type IN ('person', 'organization', 'location') AND " .. name .. " IS NOT NULL AND "
         .. spans .. " GROUP BY s.type, 2 ORDER BY documents DESC, value LIMIT " .. n)
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
              empty = "No quotes." },
            { title = "Entity", facet = "entity", rows = entities, columns = entity_columns,
              empty = "No entities." },
         },
      }
   end,
}
