--- entities: the people, organisations and places the corpus names, under
-- their canonical names, with the variants written in the text, how often
-- they are mentioned, and in which documents. --entity keeps one entity
-- (any variant of its name); --limit N keeps the N most mentioned.
local base = require "quarry.reports.base"

-- How many document ids a row lists (the count says how many there are).
local DOC_IDS = 10

return base.new {
   name = "entities",
   title = "Entities",
   description = "People, organisations and places: canonical names, the variants used, mentions and documents.",
   columns = {
      { key = "name", label = "Name" },
      { key = "type", label = "Type" },
      { key = "variants", label = "Variants", kind = "list" },
      { key = "mentions", label = "Mentions", kind = "number" },
      { key = "documents", label = "Documents", kind = "number" },
      { key = "first", label = "First", kind = "date" },
      { key = "last", label = "Last", kind = "date" },
      { key = "docs", label = "In", kind = "list" },
   },
   run = function(ctx)
      local types = "s.type IN ('person', 'organization', 'location')"
      local name = "coalesce(json_extract(s.attrs, '$.name'), " .. ctx:text_sql("d", "s") .. ")"
      local where = " FROM spans s JOIN docs d ON d.rowid = s.doc WHERE " .. types .. " AND "
         .. ctx:docs_where("d", { entity = false }) .. " AND " .. ctx:entity_where("json_extract(s.attrs, '$.name')")
      local rows, by_key = {}, {}
      local limit = ctx.filters.limit
      local entities, mentions_total = 0, 0
      for r in ctx:rows("SELECT " .. name .. " AS name, s.type AS type, count(*) AS mentions, "
         .. "count(DISTINCT s.doc) AS documents, min(d.date) AS first, max(d.date) AS last" .. where
         .. " GROUP BY 1, 2 ORDER BY mentions DESC, name, type") do
         entities, mentions_total = entities + 1, mentions_total + r.mentions
         if not limit or limit == 0 or #rows < limit then
            local row = { name = r.name, type = r.type, variants = {}, mentions = r.mentions,
               documents = r.documents, first = r.first, last = r.last, docs = {} }
            rows[#rows + 1] = row
            by_key[r.type .. "\0" .. r.name] = row
         end
      end
      -- the variants: each different text, most used first
      for r in ctx:rows("SELECT " .. name .. " AS name, s.type AS type, " .. ctx:text_sql("d", "s")
         .. " AS surface, count(*) AS n" .. where .. " GROUP BY 1, 2, 3 ORDER BY n DESC, surface") do
         local row = by_key[r.type .. "\0" .. r.name]
         if row then
            local v = base.squeeze(r.surface or "")
            local list = row.variants
            local dup = false
            for _, x in ipairs(list) do if x == v then dup = true break end end
            if not dup then list[#list + 1] = v end
         end
      end
      -- the first documents of each, by date
      for r in ctx:rows("SELECT name, type, id FROM (SELECT x.name, x.type, d.id, row_number() OVER "
         .. "(PARTITION BY x.name, x.type ORDER BY d.date, d.id) AS k FROM (SELECT DISTINCT " .. name
         .. " AS name, s.type AS type, s.doc AS doc" .. where .. ") x JOIN docs d ON d.rowid = x.doc) WHERE k <= "
         .. DOC_IDS) do
         local row = by_key[r.type .. "\0" .. r.name]
         if row then row.docs[#row.docs + 1] = r.id end
      end
      return {
         stats = {
            { key = "entities", label = "Entities", value = entities },
            { key = "mentions", label = "Mentions", value = mentions_total },
            { key = "documents", label = "Documents", value = ctx:value("SELECT count(DISTINCT s.doc)" .. where) },
         },
         rows = rows,
         empty = "No entities match.",
      }
   end,
}
