--- timeline: dated statements and events in order. A statement is a quote,
-- dated by its document; an event is a date the text names (a date span's
-- attrs.value: YYYY, YYYY-MM or YYYY-MM-DD), told by the sentence around
-- it. --from and --to apply to these dates; --speaker keeps that
-- speaker's statements (and the events of documents quoting them);
-- --entity keeps the statements that mention it (and the events of the
-- documents that do); --limit N keeps the first N items. Nothing inside
-- reader comments counts (ctx:article_where). In HTML, a chart
-- draws a mark for each dated item.
local base = require "quarry.reports.base"

return base.new {
   name = "timeline",
   title = "Timeline",
   description = "Dated statements (quotes, by the date of their document) and events (dates named in the text), "
      .. "in order.",
   columns = {
      { key = "date", label = "Date", kind = "date" },
      { key = "kind", label = "Kind" },
      { key = "speaker", label = "Speaker" },
      { key = "text", label = "What" },
      { key = "doc", label = "Document" },
      { key = "published", label = "Published", kind = "date" },
   },
   run = function(ctx)
      local items = {}
      local speaker = "json_extract(s.attrs, '$.speaker')"
      for r in ctx:rows("SELECT d.date AS date, d.id AS doc, s.start, " .. speaker .. " AS speaker, "
         .. ctx:text_sql("d", "s") .. " AS quote FROM spans s JOIN docs d ON d.rowid = s.doc "
         .. "WHERE s.type = 'quote' AND d.date IS NOT NULL AND " .. ctx:dates_where("d.date") .. " AND "
         .. ctx:docs_where("d", { dates = false, speaker = false, entity = false }) .. " AND "
         .. ctx:speaker_where(speaker) .. " AND " .. ctx:mentions_where("s") .. " AND " .. ctx:article_where("s")) do
         local said = base.squeeze(r.quote or ""):gsub("^ ", ""):gsub(" $", "")
         items[#items + 1] = { date = r.date:sub(1, 10), kind = "statement",
            speaker = type(r.speaker) == "string" and r.speaker or nil,
            text = "“" .. said .. "”", doc = r.doc, published = r.date, start = r.start }
      end
      local value = "json_extract(s.attrs, '$.value')"
      for r in ctx:rows("SELECT " .. value .. " AS value, d.id AS doc, d.date AS published, s.start, s.stop, "
         .. ctx:text_sql("d", "s") .. " AS surface, " .. ctx:window_sql("d", "s") .. " AS window "
         .. "FROM spans s JOIN docs d ON d.rowid = s.doc WHERE s.type = 'date' AND " .. value .. " IS NOT NULL AND "
         .. ctx:dates_where(value) .. " AND " .. ctx:docs_where("d", { dates = false }) .. " AND "
         .. ctx:article_where("s")) do
         if type(r.value) == "string" and r.value:match("^%d%d%d%d") then
            items[#items + 1] = { date = r.value, kind = "event",
               text = ctx:context(r.window or "", r.start, r.stop, { mark = r.surface or "", width = 140 }),
               doc = r.doc, published = r.published, start = r.start }
         end
      end
      table.sort(items, function(a, b)
         if a.date ~= b.date then return a.date < b.date end
         if a.doc ~= b.doc then return a.doc < b.doc end
         if a.start ~= b.start then return a.start < b.start end
         return a.kind < b.kind
      end)
      local limit = ctx.filters.limit
      local rows, chart = {}, {}
      local statements, events = 0, 0
      for _, it in ipairs(items) do
         if limit and limit > 0 and #rows >= limit then break end
         it.start = nil
         rows[#rows + 1] = it
         if it.kind == "statement" then statements = statements + 1 else events = events + 1 end
         chart[#chart + 1] = { date = it.date, kind = it.kind, row = it,
            label = (it.speaker and (it.speaker .. ": ") or "") .. it.text }
      end
      return {
         stats = {
            { key = "items", label = "Dated items", value = #rows },
            { key = "statements", label = "Statements", value = statements },
            { key = "events", label = "Events", value = events },
            { key = "from", label = "From", value = rows[1] and rows[1].date },
            { key = "to", label = "To", value = rows[#rows] and rows[#rows].date },
         },
         rows = rows,
         empty = "No dated statements or events match.",
         chart = { kind = "timeline", items = chart },
      }
   end,
}
