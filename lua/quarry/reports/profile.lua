--- profile: one person, organisation or place (the explorer's speaker and
-- entity pages). With --speaker NAME: the speaker's quotes, latest first,
-- each with its date, outlet and place in its document; with --entity
-- NAME: the quotes that contain a mention of it. Both: the documents
-- naming it month by month (a chart), the ways the text writes the name
-- (its variants) and the entities named in the same documents. The other
-- filters (--from, --to, --query, --outlet) choose the documents.
--
-- Bounded on a large corpus: the counts (mentions, documents, months,
-- first and last date) come from the indexes and cover every document;
-- the quotes (--limit N, default 200), the variants and the co-mentioned
-- entities are read from the latest SAMPLE documents naming it (the notes
-- say so when there are more).
local base = require "quarry.reports.base"
local quotes_report = require "quarry.reports.quotes"

local QUOTES, TOP, SAMPLE = 200, 20, 1000

-- The quotes report's columns, without its context (a profile lists many quotes).
local QUOTE_COLUMNS = {}
for _, c in ipairs(quotes_report.columns) do
   if c.key ~= "context" then QUOTE_COLUMNS[#QUOTE_COLUMNS + 1] = c end
end

-- The rows of a quotes query (as the quotes report has them).
local function quote_rows(ctx, where, limit)
   local rows = {}
   for rowid, who, id, title, date, outlet, url, start, text in ctx:tuples("SELECT d.rowid, "
      .. "json_extract(s.attrs, '$.speaker'), d.id, d.title, d.date, d.source, d.url, s.start, "
      .. ctx:text_sql("d", "s") .. " FROM spans s JOIN docs d ON d.rowid = s.doc WHERE " .. where
      .. " ORDER BY d.date DESC, d.rowid DESC, s.start LIMIT " .. limit) do
      rows[#rows + 1] = { speaker = type(who) == "string" and who or "(unattributed)", quote = base.clean(text),
         date = date, doc = id, outlet = outlet, title = title, at = start, url = url, rowid = rowid }
   end
   return rows
end

return base.new {
   name = "profile",
   title = "Profile",
   run = function(ctx)
      local f = ctx.filters
      if not f.speaker and not f.entity then
         ctx:usage_error("the profile report needs a name: --speaker NAME or --entity NAME")
      end
      local names = f.speaker and ctx:speakers() or ctx:entities()
      local who = names[1] or f.speaker or f.entity
      local function named(expr) return f.speaker and ctx:speaker_where(expr) or ctx:entity_where(expr) end
      -- (the IN as the index of names has it: SQLite uses a partial index only for its own condition)
      local types = "s.type IN ('person', 'organization', 'location')" .. (f.speaker and " AND s.type = 'person'" or "")
      local others = ctx:spans_where("s", { speaker = false, entity = false })
      local mentions = types .. " AND " .. named("json_extract(s.attrs, '$.name')") .. " AND " .. others
      local said = f.speaker and ("s.type = 'quote' AND " .. ctx:speaker_where("json_extract(s.attrs, '$.speaker')")
         .. " AND " .. others) or nil
      -- the documents naming it (or quoting the speaker): every one, through the indexes
      local docs = "SELECT s.doc FROM spans s WHERE " .. mentions .. (said and (" UNION SELECT s.doc FROM spans s "
         .. "WHERE " .. said) or "")
      local total = ctx:one("SELECT count(*) AS documents, min(d.date) AS first, max(d.date) AS last FROM docs d"
         .. ctx:indexed_by("docs_date") .. " WHERE d.rowid IN (" .. docs .. ")")
      local nmentions = ctx:value("SELECT count(*) FROM spans s WHERE " .. mentions)
      local months = ctx:all("SELECT substr(d.date, 1, 7) AS month, count(*) AS documents FROM docs d"
         .. ctx:indexed_by("docs_date") .. " WHERE d.date IS NOT NULL AND d.rowid IN (" .. docs .. ") "
         .. "GROUP BY 1 ORDER BY 1")
      -- the latest SAMPLE of them: read for the quotes, variants and co-mentions
      local sample = "SELECT d.rowid FROM docs d" .. ctx:indexed_by("docs_date") .. " WHERE d.rowid IN (" .. docs
         .. ") ORDER BY d.date DESC, d.rowid DESC LIMIT " .. SAMPLE
      local notes = {}
      if total.documents > SAMPLE then
         notes[#notes + 1] = string.format("Quotes, variants and names alongside: from the latest %d of the %d "
            .. "documents.", SAMPLE, total.documents)
      end
      local limit = (f.limit and f.limit > 0) and f.limit or QUOTES
      local in_sample = "s.doc IN (" .. sample .. ") AND " .. ctx:in_article_sql("s")
      local quotes
      if f.speaker then
         quotes = quote_rows(ctx, said .. " AND " .. in_sample, limit)
      else
         quotes = quote_rows(ctx, "s.type = 'quote' AND " .. in_sample .. " AND EXISTS (SELECT 1 FROM spans e WHERE "
            .. "e.doc = s.doc AND e.start >= s.start AND e.stop <= s.stop AND " .. types:gsub("s%.type", "e.type")
            .. " AND " .. named("json_extract(e.attrs, '$.name')") .. ")", limit)
      end
      for _, r in ipairs(quotes) do r.rowid = nil end
      local variants = ctx:all("SELECT " .. ctx:text_sql("d", "s") .. " AS variant, count(*) AS mentions, "
         .. "count(DISTINCT s.doc) AS documents FROM spans s JOIN docs d ON d.rowid = s.doc WHERE " .. mentions
         .. " AND s.doc IN (" .. sample .. ") GROUP BY 1 ORDER BY mentions DESC, variant")
      for _, v in ipairs(variants) do v.variant = base.clean(v.variant) end
      local with = ctx:all("SELECT json_extract(e.attrs, '$.name') AS name, e.type AS type, "
         .. "count(DISTINCT e.doc) AS documents FROM spans e" .. ctx:indexed_by("spans_doc") .. " WHERE e.doc IN ("
         .. sample .. ") AND e.type IN ('person', 'organization', 'location') AND NOT ("
         .. named("json_extract(e.attrs, '$.name')") .. ") AND json_extract(e.attrs, '$.name') IS NOT NULL "
         .. "GROUP BY 2, 1 ORDER BY documents DESC, name LIMIT " .. TOP)
      return {
         title = who,
         description = f.speaker and ("What " .. who .. " said, and where the name appears.")
            or ("Where " .. who .. " is named, and the quotes that mention it."),
         notes = notes,
         stats = {
            { key = "quotes", label = f.speaker and "Quotes" or "Quotes mentioning",
              value = #quotes < limit and #quotes or (#quotes .. "+") },
            { key = "mentions", label = "Mentions", value = nmentions },
            { key = "documents", label = "Documents", value = total.documents },
            { key = "first", label = "First", value = total.first and total.first:sub(1, 10) },
            { key = "last", label = "Last", value = total.last and total.last:sub(1, 10) },
         },
         names = names,
         columns = {},
         sections = {
            { title = "Documents by month", rows = months, empty = "No dated documents.",
              chart = { kind = "bars", label = "month", value = "documents" }, columns = {
               { key = "month", label = "Month", kind = "date" },
               { key = "documents", label = "Documents", kind = "number" },
            } },
            { title = f.speaker and "Quotes" or ("Quotes mentioning " .. who), rows = quotes, empty = "No quotes.",
              note = #quotes >= limit and string.format("The latest %d.", limit) or nil, columns = QUOTE_COLUMNS },
            { title = "Name variants", rows = variants, empty = "No mentions.", columns = {
               { key = "variant", label = "Written as" },
               { key = "mentions", label = "Mentions", kind = "number" },
               { key = "documents", label = "Documents", kind = "number" },
            } },
            { title = "Named in the same documents", rows = with, empty = "No other entities.", columns = {
               { key = "name", label = "Name", link = "entity" },
               { key = "type", label = "Type" },
               { key = "documents", label = "Documents", kind = "number" },
            } },
         },
      }
   end,
}
