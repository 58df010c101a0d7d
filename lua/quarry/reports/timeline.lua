--- timeline: dated statements and events in order. A statement is a quote,
-- dated by its document; an event is a date the text names (a date span's
-- attrs.value: YYYY, YYYY-MM or YYYY-MM-DD), told by the sentence around
-- it. --from and --to apply to these dates; --speaker keeps that
-- speaker's statements (and the events of documents quoting them);
-- --entity keeps the statements that mention it (and the events of the
-- documents that do); --limit N keeps the first N items. Nothing inside
-- reader comments counts (ctx:article_where). In HTML, a chart
-- draws a mark for each dated item (when --limit keeps the first items
-- only, bars count all of them a month: model.chart.counts).
local base = require "quarry.reports.base"

-- The items counted a month: {{kind, month expression, FROM, WHERE}} ->
-- {{kind, date = month, n}}, and their total.
local function month_counts(ctx, kinds)
   local counts, total = {}, 0
   for _, k in ipairs(kinds) do
      for month, n in ctx:tuples("SELECT " .. k[2] .. ", count(*) FROM " .. k[3] .. " WHERE " .. k[4]
         .. " GROUP BY 1") do
         counts[#counts + 1] = { kind = k[1], date = month, n = n }
         total = total + n
      end
   end
   return counts, total
end

return base.new {
   name = "timeline",
   title = "Timeline",
   description = "Dated statements (quotes, by the date of their document) and events (dates named in the text), "
      .. "in order.",
   columns = {
      { key = "date", label = "Date", kind = "date" },
      { key = "kind", label = "Kind" },
      { key = "speaker", label = "Speaker", link = "speaker" },
      { key = "text", label = "What", link = "at" },
      { key = "doc", label = "Document", link = "article" },
      { key = "published", label = "Published", kind = "date" },
   },
   run = function(ctx)
      local items, events_list = {}, {}
      local limit = ctx.filters.limit
      if limit == 0 then limit = nil end
      -- with --limit SQL keeps the first items of each kind (a sort of small
      -- rows), and the events' sentences are found for the items kept only
      local top = limit and (" LIMIT " .. limit) or ""
      local speaker = "json_extract(s.attrs, '$.speaker')"
      -- the documents in date order from their index, each one's quotes from
      -- the index of types (the first LIMIT found without reading the
      -- rest); one speaker's quotes from the index of speakers
      local from = ctx.filters.speaker and "spans s JOIN docs d ON d.rowid = s.doc"
         or ("docs d" .. ctx:indexed_by("docs_date") .. " CROSS JOIN spans s" .. ctx:indexed_by("spans_type")
            .. " ON s.type = 'quote' AND s.doc = d.rowid")
      local said = "s.type = 'quote' AND d.date IS NOT NULL AND " .. ctx:dates_where("d.date") .. " AND "
         .. ctx:docs_where("d", { dates = false, speaker = false, entity = false }) .. " AND "
         .. ctx:speaker_where(speaker) .. " AND " .. ctx:mentions_where("s")
      local said_where = said .. " AND " .. ctx:in_article_sql("s")
      for rowid, date, doc, start, who, quote in ctx:tuples("SELECT d.rowid, d.date, d.id, s.start, " .. speaker
         .. ", " .. ctx:text_sql("d", "s") .. " FROM " .. from .. " WHERE " .. said_where
         .. " ORDER BY d.date, d.rowid, s.start" .. top) do
         local words = base.clean(quote)
         items[#items + 1] = { date = date:sub(1, 10), kind = "statement",
            speaker = type(who) == "string" and who or nil, text = "“" .. words .. "”", doc = doc, published = date,
            rowid = rowid, start = start }
      end
      local value = "json_extract(s.attrs, '$.value')"
      -- the dates the text names in order from their index (spans_value)
      local event_docs = ctx:docs_where("d", { dates = false })
      local event = "s.type = 'date' AND " .. value .. " GLOB '[0-9][0-9][0-9][0-9]*' AND "
         .. ctx:dates_where(value) .. " AND " .. event_docs
      local event_where = event .. " AND " .. ctx:in_article_sql("s")
      local events_from = "spans s" .. ctx:indexed_by("spans_value") .. " JOIN docs d ON d.rowid = s.doc"
      for rowid, v, doc, published, start, stop, surface, window in ctx:tuples("SELECT d.rowid, " .. value
         .. ", d.id, d.date, s.start, s.stop, " .. ctx:text_sql("d", "s") .. ", "
         .. (limit and "NULL" or ctx:window_sql("d", "s")) .. " FROM " .. events_from .. " WHERE "
         .. event_where .. (limit and (" ORDER BY 2, s.doc, s.start" .. top) or "")) do
         events_list[#events_list + 1] = { date = v, kind = "event", surface = surface or "",
            text = window and ctx:context(window, start, stop, { mark = surface or "", width = 140 }) or nil,
            doc = doc, published = published, rowid = rowid, start = start, stop = stop }
      end
      -- how many there are in all, when SQL kept the first only: counted a
      -- month, so that a chart spans all of them
      local total = #items + #events_list
      local counts = {}
      if limit and #items + #events_list > limit then
         -- every item: the clutter listed once, not looked up item by item;
         -- no join with the documents when nothing filters them
         counts, total = month_counts(ctx, {
            { "statement", "substr(d.date, 1, 7)", from, said .. " AND " .. ctx:article_where("s", "quote") },
            { "event", "substr(" .. value .. ", 1, 7)",
              event_docs == "1" and ("spans s" .. ctx:indexed_by("spans_value")) or events_from,
              event .. " AND " .. ctx:article_where("s", "date") },
         })
      end
      local function before(a, b)
         if a.date ~= b.date then return a.date < b.date end
         if a.rowid ~= b.rowid then return a.rowid < b.rowid end
         if a.start ~= b.start then return a.start < b.start end
         return a.kind < b.kind
      end
      table.sort(events_list, before)
      -- statements come by their document's full date (a time sorts within a day): by day here
      for i = 2, #items do
         if before(items[i], items[i - 1]) then
            table.sort(items, before)
            break
         end
      end
      -- one list from two sorted ones
      local statements_list = items
      items = {}
      local i, j = 1, 1
      while i <= #statements_list or j <= #events_list do
         local a, b = statements_list[i], events_list[j]
         if b == nil or (a ~= nil and not before(b, a)) then
            items[#items + 1] = a
            i = i + 1
         else
            items[#items + 1] = b
            j = j + 1
         end
      end
      local rows, chart = {}, {}
      local statements, events = 0, 0
      for _, it in ipairs(items) do
         if limit and #rows >= limit then break end
         if not it.text then
            it.text = ctx:context(it.rowid, it.start, it.stop, { mark = it.surface, width = 140 })
         end
         it.at = it.start     -- where it is in its document (not a column: for links into it)
         it.start, it.stop, it.rowid, it.surface = nil, nil, nil, nil
         rows[#rows + 1] = it
         if it.kind == "statement" then statements = statements + 1 else events = events + 1 end
         chart[#chart + 1] = { date = it.date, kind = it.kind, row = it,
            label = (it.speaker and (it.speaker .. ": ") or "") .. it.text }
      end
      if #rows < total then
         ctx:note(string.format("The first %d of %d dated items, by date.", #rows, total))
      end
      return {
         stats = {
            { key = "items", label = "Dated items", value = total, count = "rows" },
            { key = "statements", label = "Statements", value = statements, count = "where:kind=statement" },
            { key = "events", label = "Events", value = events, count = "where:kind=event" },
            { key = "from", label = "From", value = rows[1] and rows[1].date },
            { key = "to", label = "To", value = rows[#rows] and rows[#rows].date },
         },
         rows = rows,
         empty = "No dated statements or events match.",
         chart = { kind = "timeline", items = chart, counts = #rows < total and counts or nil, total = total },
      }
   end,
}
