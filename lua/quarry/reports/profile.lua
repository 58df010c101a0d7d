--- profile: one person, organisation or place. With --speaker NAME: every
-- quote of the speaker (the quotes report, with date, outlet and the place
-- of the quote in its document); with --entity NAME: the quotes that
-- mention the entity. Both: the ways the text writes the name (its
-- variants), the entities named in the same documents, and the mentions
-- (and quotes) month by month, as a chart. The other filters (--from,
-- --to, --query, --outlet) choose the documents; --limit N keeps N quotes
-- (default 500) and N co-mentioned entities (default 20).
local base = require "quarry.reports.base"

local QUOTES, TOP = 500, 20

return base.new {
   name = "profile",
   title = "Profile",
   run = function(ctx)
      local f = ctx.filters
      if not f.speaker and not f.entity then
         ctx:usage_error("the profile report needs a name: --speaker NAME or --entity NAME")
      end
      local names = f.speaker and ctx:speakers() or ctx:entities()
      local name_expr = "json_extract(s.attrs, '$.name')"
      local is_name = f.speaker and ctx:speaker_where(name_expr) or ctx:entity_where(name_expr)
      local types = f.speaker and "s.type = 'person'" or "s.type IN ('person', 'organization', 'location')"
      local docs = ctx:spans_where("s", { speaker = false, entity = false })
      local mentions = types .. " AND " .. is_name .. " AND " .. docs
      local limit = (f.limit and f.limit > 0) and f.limit or nil
      local quotes = ctx:include("quotes", { limit = QUOTES })
      local quote_rows = {}
      for _, s in ipairs(quotes.sections) do
         for _, r in ipairs(s.rows) do quote_rows[#quote_rows + 1] = r end
      end
      local variants = ctx:all("SELECT " .. ctx:text_sql("d", "s") .. " AS variant, count(*) AS mentions, "
         .. "count(DISTINCT s.doc) AS documents FROM spans s JOIN docs d ON d.rowid = s.doc WHERE " .. mentions
         .. " GROUP BY 1 ORDER BY mentions DESC, variant")
      for _, v in ipairs(variants) do v.variant = base.clean(v.variant) end
      local with = ctx:all("SELECT json_extract(e.attrs, '$.name') AS name, e.type AS type, "
         .. "count(DISTINCT e.doc) AS documents FROM spans e WHERE e.type IN ('person', 'organization', "
         .. "'location') AND e.doc IN (SELECT s.doc FROM spans s WHERE " .. mentions .. ") AND NOT ("
         .. (f.speaker and ctx:speaker_where("json_extract(e.attrs, '$.name')")
            or ctx:entity_where("json_extract(e.attrs, '$.name')"))
         .. ") AND json_extract(e.attrs, '$.name') IS NOT NULL GROUP BY 1, 2 ORDER BY documents DESC, name LIMIT "
         .. (limit or TOP))
      local months = ctx:all("SELECT substr(d.date, 1, 7) AS month, count(*) AS mentions, "
         .. "count(DISTINCT s.doc) AS documents FROM spans s JOIN docs d ON d.rowid = s.doc WHERE " .. mentions
         .. " AND d.date IS NOT NULL GROUP BY 1 ORDER BY 1")
      local said = {}
      for _, r in ipairs(quote_rows) do
         local m = r.date and r.date:sub(1, 7)
         if m then said[m] = (said[m] or 0) + 1 end
      end
      for _, m in ipairs(months) do m.quotes = said[m.month] or 0 end
      local total = ctx:one("SELECT count(*) AS mentions, count(DISTINCT s.doc) AS documents, min(d.date) AS first, "
         .. "max(d.date) AS last FROM spans s JOIN docs d ON d.rowid = s.doc WHERE " .. mentions)
      local nquotes = 0
      for _, st in ipairs(quotes.stats or {}) do if st.key == "quotes" then nquotes = st.value end end
      local who = names[1] or f.speaker or f.entity
      return {
         title = who,
         description = f.speaker and ("What " .. who .. " said, and where the name appears.")
            or ("Where " .. who .. " is named, and the quotes that mention it."),
         stats = {
            { key = "quotes", label = f.speaker and "Quotes" or "Quotes mentioning", value = nquotes },
            { key = "mentions", label = "Mentions", value = total.mentions },
            { key = "documents", label = "Documents", value = total.documents },
            { key = "first", label = "First", value = total.first and total.first:sub(1, 10) },
            { key = "last", label = "Last", value = total.last and total.last:sub(1, 10) },
         },
         names = names,
         columns = {},
         sections = {
            { title = "Mentions by month", rows = months, empty = "No dated mentions.",
              chart = { kind = "bars", label = "month", value = "mentions" }, columns = {
               { key = "month", label = "Month", kind = "date" },
               { key = "mentions", label = "Mentions", kind = "number" },
               { key = "documents", label = "Documents", kind = "number" },
               { key = "quotes", label = "Quotes", kind = "number" },
            } },
            { title = f.speaker and "Quotes" or "Quotes mentioning " .. who, rows = quote_rows,
              note = quotes.sections[1] and #quotes.sections == 1 and quotes.sections[1].note or nil,
              empty = "No quotes.", columns = quotes.columns },
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
