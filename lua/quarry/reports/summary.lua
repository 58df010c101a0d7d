--- summary: an overview of the corpus (or of the documents the filters
-- choose): key figures, the annotations by type, the most quoted people,
-- the most mentioned entities, outlets and documents by month. --limit N
-- sets the length of the top lists (default 10).
local base = require "quarry.reports.base"

local TOP = 10

local function size(bytes)
   if bytes >= 1e9 then return string.format("%.1f GB", bytes / 1e9) end
   if bytes >= 1e6 then return string.format("%.1f MB", bytes / 1e6) end
   return string.format("%.1f kB", bytes / 1e3)
end

return base.new {
   name = "summary",
   title = "Corpus summary",
   description = "An overview: documents, annotations, who is quoted and who is named most.",
   run = function(ctx)
      local docs = ctx:docs_where("d")
      local top = " LIMIT " .. ((ctx.filters.limit and ctx.filters.limit > 0) and ctx.filters.limit or TOP)
      -- the spans of the documents chosen, without a join to them
      local spans_in = "FROM spans s WHERE " .. ctx:spans_where("s")
      local d = ctx:one("SELECT count(*) AS documents, count(d.date) AS dated, min(d.date) AS first, "
         .. "max(d.date) AS last, count(DISTINCT d.source) AS outlets, sum(length(CAST(d.text AS BLOB))) AS bytes "
         .. "FROM docs d WHERE " .. docs)
      local by_type = ctx:all("SELECT s.type AS type, count(*) AS count, count(DISTINCT s.doc) AS documents "
         .. spans_in .. " GROUP BY s.type ORDER BY count DESC, type")
      local spans, quotes = 0, 0
      for _, r in ipairs(by_type) do
         spans = spans + r.count
         if r.type == "quote" then quotes = r.count end
      end
      local speaker = "json_extract(s.attrs, '$.speaker')"
      local quoted = ctx:all("SELECT " .. speaker .. " AS speaker, count(*) AS quotes, "
         .. "count(DISTINCT s.doc) AS documents " .. spans_in .. " AND s.type = 'quote' AND " .. speaker
         .. " IS NOT NULL AND " .. ctx:article_where("s", "quote") .. " GROUP BY 1 ORDER BY quotes DESC, speaker"
         .. top)
      local speakers = ctx:value("SELECT count(DISTINCT " .. speaker .. ") " .. spans_in .. " AND s.type = 'quote'")
      local name = "json_extract(s.attrs, '$.name')"
      local named = ctx:all("SELECT " .. name .. " AS name, s.type AS type, count(*) AS mentions, "
         .. "count(DISTINCT s.doc) AS documents " .. spans_in
         .. " AND s.type IN ('person', 'organization', 'location') AND " .. name .. " IS NOT NULL "
         .. "GROUP BY 1, 2 ORDER BY mentions DESC, name" .. top)
      local outlets = ctx:all("SELECT coalesce(d.source, '(none)') AS outlet, count(*) AS documents FROM docs d WHERE "
         .. docs .. " GROUP BY d.source ORDER BY documents DESC, outlet" .. top)
      local months = ctx:all("SELECT substr(d.date, 1, 7) AS month, count(*) AS documents "
         .. "FROM docs d WHERE d.date IS NOT NULL AND " .. docs .. " GROUP BY 1 ORDER BY 1")
      local quotes_in = {}
      for r in ctx:rows("SELECT substr(d.date, 1, 7) AS month, count(*) AS n FROM spans s JOIN docs d "
         .. "ON d.rowid = s.doc WHERE " .. docs .. " AND s.type = 'quote' AND d.date IS NOT NULL AND "
         .. ctx:article_where("s", "quote") .. " GROUP BY 1") do
         quotes_in[r.month] = r.n
      end
      for _, m in ipairs(months) do m.quotes = quotes_in[m.month] or 0 end
      return {
         stats = {
            { key = "documents", label = "Documents", value = d.documents },
            { key = "dated", label = "Dated", value = d.dated },
            { key = "first", label = "First date", value = d.first and d.first:sub(1, 10) },
            { key = "last", label = "Last date", value = d.last and d.last:sub(1, 10) },
            { key = "outlets", label = "Outlets", value = d.outlets },
            { key = "text_size", label = "Text", value = size(d.bytes or 0) },
            { key = "annotations", label = "Annotations", value = spans },
            { key = "quotes", label = "Quotes", value = quotes },
            { key = "speakers", label = "Speakers", value = speakers or 0 },
         },
         columns = {},
         sections = {
            { title = "Annotations by type", rows = by_type, empty = "No annotations: run quarry extract --db first.",
              chart = { kind = "bars", label = "type", value = "count" }, columns = {
               { key = "type", label = "Type" },
               { key = "count", label = "Annotations", kind = "number" },
               { key = "documents", label = "Documents", kind = "number" },
            } },
            { title = "Most quoted", rows = quoted, empty = "No attributed quotes.",
              chart = { kind = "bars", label = "speaker", value = "quotes" }, columns = {
               { key = "speaker", label = "Speaker", link = "speaker" },
               { key = "quotes", label = "Quotes", kind = "number" },
               { key = "documents", label = "Documents", kind = "number" },
            } },
            { title = "Most mentioned", rows = named, empty = "No entities.",
              chart = { kind = "bars", label = "name", value = "mentions" }, columns = {
               { key = "name", label = "Name", link = "entity" },
               { key = "type", label = "Type" },
               { key = "mentions", label = "Mentions", kind = "number" },
               { key = "documents", label = "Documents", kind = "number" },
            } },
            { title = "Outlets", rows = outlets, empty = "No documents.",
              chart = { kind = "bars", label = "outlet", value = "documents" }, columns = {
               { key = "outlet", label = "Outlet", link = "outlet" },
               { key = "documents", label = "Documents", kind = "number" },
            } },
            { title = "Documents by month", rows = months, empty = "No dated documents.",
              chart = { kind = "bars", label = "month", value = "documents" }, columns = {
               { key = "month", label = "Month", kind = "date" },
               { key = "documents", label = "Documents", kind = "number" },
               { key = "quotes", label = "Quotes", kind = "number" },
            } },
         },
      }
   end,
}
