--- entities: the people, organisations and places the corpus names, under
-- their canonical names, with the variants written in the text, how often
-- they are mentioned, and in which documents. --entity keeps one entity
-- (any variant of its name); --limit N keeps the N most mentioned.
--
-- One pass over the mentions in document order (the text of a mention is
-- read where it is stored, document by document, which is what makes the
-- variants cheap; each entity's mentions come in document order); the
-- rest is counting.
local base = require "quarry.reports.base"

-- How many document ids a row lists (the count says how many there are).
local DOC_IDS = 10

return base.new {
   name = "entities",
   title = "Entities",
   description = "People, organisations and places: canonical names, the variants used, mentions and documents.",
   columns = {
      { key = "name", label = "Name", link = "entity" },
      { key = "type", label = "Type" },
      { key = "variants", label = "Variants", kind = "list" },
      { key = "mentions", label = "Mentions", kind = "number" },
      { key = "documents", label = "Documents", kind = "number" },
      { key = "docs", label = "First documents", kind = "list" },
   },
   run = function(ctx)
      local text = ctx:text_sql("d", "s")
      -- without --entity every mention is read: in document order (as they
      -- are stored), not by name, which would jump from document to document
      local scan = ctx.filters.entity and "" or " INDEXED BY spans_doc"
      -- the key (type, NUL, name) is made by SQLite: one string a row for Lua
      local sql = "SELECT s.type || char(0) || coalesce(json_extract(s.attrs, '$.name'), " .. text .. "), "
         .. text .. ", s.doc FROM spans s" .. scan .. " JOIN docs d ON d.rowid = s.doc "
         .. "WHERE s.type IN ('person', 'organization', 'location') AND "
         .. ctx:spans_where("s", { entity = false }) .. " AND " .. ctx:entity_where("json_extract(s.attrs, '$.name')")
      local by_key, list = {}, {}
      local docs_seen, ndocs, last_doc = {}, 0, nil
      for key, surface, doc in ctx:tuples(sql) do
         local e = by_key[key]
         if not e then
            local kind, name = key:match("^(%Z*)%z(.*)$")
            e = { name = name, type = kind, mentions = 0, documents = 0, variants = {}, docs = {} }
            by_key[key] = e
            list[#list + 1] = e
         end
         e.mentions = e.mentions + 1
         if e.last ~= doc then
            -- documents come in order: a new one is a new document for e
            e.last = doc
            e.documents = e.documents + 1
            if #e.docs < DOC_IDS then e.docs[#e.docs + 1] = doc end
         end
         local v = e.variants
         v[surface] = (v[surface] or 0) + 1
         if doc ~= last_doc then
            last_doc = doc
            if not docs_seen[doc] then
               docs_seen[doc] = true
               ndocs = ndocs + 1
            end
         end
      end
      local mentions = 0
      for _, e in ipairs(list) do mentions = mentions + e.mentions end
      table.sort(list, function(a, b)
         if a.mentions ~= b.mentions then return a.mentions > b.mentions end
         if a.name ~= b.name then return a.name < b.name end
         return a.type < b.type
      end)
      local limit = ctx.filters.limit
      local rows = {}
      local wanted = {}
      for i, e in ipairs(list) do
         if limit and limit > 0 and i > limit then break end
         -- variants: each way of writing the name, most used first
         local counts, names = {}, {}
         for surface, n in pairs(e.variants) do
            local s = base.clean(surface)
            if not counts[s] then names[#names + 1] = s end
            counts[s] = (counts[s] or 0) + n
         end
         table.sort(names, function(a, b)
            if counts[a] ~= counts[b] then return counts[a] > counts[b] end
            return a < b
         end)
         for _, d in ipairs(e.docs) do wanted[#wanted + 1] = d end
         rows[i] = { name = e.name, type = e.type, variants = names, mentions = e.mentions, documents = e.documents,
            docs = e.docs }
      end
      -- the ids of the documents listed
      local ids = {}
      for first = 1, #wanted, 500 do
         local chunk = table.concat(wanted, ",", first, math.min(#wanted, first + 499))
         for rowid, id in ctx:tuples("SELECT rowid, id FROM docs WHERE rowid IN (" .. chunk .. ")") do
            ids[rowid] = id
         end
      end
      for _, r in ipairs(rows) do
         for k, d in ipairs(r.docs) do r.docs[k] = ids[d] end
      end
      return {
         stats = {
            { key = "entities", label = "Entities", value = #list, count = "rows" },
            { key = "mentions", label = "Mentions", value = mentions },
            { key = "documents", label = "Documents", value = ndocs },
         },
         rows = rows,
         empty = "No entities match.",
         -- a chart of the most mentioned (renderers that draw charts: HTML)
         chart = { kind = "bars", label = "name", value = "mentions", top = 25 },
      }
   end,
}
