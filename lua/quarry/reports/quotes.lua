--- quotes: who said what, grouped by speaker (most quoted first), with
-- the document, its date and the words around each quote. Quotes inside
-- reader comments (a segment of kind comments) are left out.
-- --speaker keeps one speaker's quotes (any variant of the name);
-- --entity keeps the quotes that mention an entity; --limit N keeps N
-- quotes a speaker (the first by date).
local base = require "quarry.reports.base"

local UNATTRIBUTED = "(unattributed)"

local function quote_text(s)
   return base.clean(s)
end

local function before(a, b)
   if a.date ~= b.date then
      if a.date == nil or b.date == nil then return b.date == nil end
      return a.date < b.date
   end
   if a.rowid ~= b.rowid then return a.rowid < b.rowid end
   return a.start < b.start
end

return base.new {
   name = "quotes",
   title = "Quotes by speaker",
   description = "Who said what: each quote with its speaker, document, date and context.",
   group = "speaker",
   columns = {
      { key = "speaker", label = "Speaker", link = "speaker" },
      { key = "quote", label = "Quote", kind = "quote", link = "at" },
      { key = "date", label = "Date", kind = "date" },
      { key = "doc", label = "Document", link = "article" },
      { key = "outlet", label = "Outlet", link = "outlet" },
      { key = "title", label = "Title" },
      { key = "context", label = "Context" },
   },
   run = function(ctx)
      local limit = ctx.filters.limit
      if limit == 0 then limit = nil end
      local speaker = "json_extract(s.attrs, '$.speaker')"
      local where = "s.type = 'quote' AND " .. ctx:docs_where("d", { speaker = false }) .. " AND "
         .. ctx:speaker_where(speaker) .. " AND " .. ctx:mentions_where("s") .. " AND "
         .. ctx:article_where("s", "quote")
      local groups, order = {}, {}
      local function group(who)
         local name = type(who) == "string" and who or UNATTRIBUTED
         local g = groups[name]
         if not g then
            g = { title = name, rows = {}, docs = {}, ndocs = 0, count = 0 }
            groups[name] = g
            order[#order + 1] = g
         end
         return g
      end
      local docs, ndocs, total = {}, 0, 0
      if limit then
         -- the counts from the speaker index (no join), then only the quotes
         -- kept are read
         local counted = "s.type = 'quote' AND " .. ctx:spans_where("s", { speaker = false }) .. " AND "
            .. ctx:speaker_where(speaker) .. " AND " .. ctx:mentions_where("s") .. " AND "
            .. ctx:article_where("s", "quote")
         for _, who, n, nd in ctx:tuples("SELECT 1, " .. speaker .. ", count(*), count(DISTINCT s.doc) "
            .. "FROM spans s WHERE " .. counted .. " GROUP BY 2") do
            local g = group(who)
            g.count, g.ndocs = n, nd
            total = total + n
         end
         ndocs = ctx:value("SELECT count(DISTINCT s.doc) FROM spans s WHERE " .. counted)
         -- the dates are read in document order, then sorted: not by speaker,
         -- which would jump from document to document
         local scan = ctx.filters.speaker and "" or " INDEXED BY spans_type"
         for rowid, who, id, title, date, start, stop, text, outlet, url in ctx:tuples("SELECT x.doc, x.speaker, d.id, "
            .. "d.title, d.date, x.start, x.stop, CAST(substr(CAST(d.text AS BLOB), x.start + 1, x.stop - x.start) AS "
            .. "TEXT), d.source, d.url "
            .. "FROM (SELECT s.doc AS doc, " .. speaker .. " AS speaker, s.start AS start, s.stop AS stop, "
            .. "row_number() OVER (PARTITION BY " .. speaker .. " ORDER BY d.date IS NULL, d.date, s.doc, s.start) "
            .. "AS k FROM spans s" .. scan .. " JOIN docs d ON d.rowid = s.doc WHERE " .. where .. ") x "
            .. "JOIN docs d ON d.rowid = x.doc WHERE x.k <= " .. limit) do
            local g = group(who)
            g.rows[#g.rows + 1] = { speaker = g.title, quote = quote_text(text), date = date, doc = id,
               title = title, rowid = rowid, start = start, stop = stop, outlet = outlet, url = url }
         end
      else
         -- every quote's text is read: in document order (one speaker's
         -- quotes through the speaker index)
         local scan = ctx.filters.speaker and "" or " INDEXED BY spans_type"
         for rowid, who, id, title, date, start, stop, text, win, outlet, url in ctx:tuples("SELECT d.rowid, "
            .. speaker .. ", d.id, d.title, d.date, s.start, s.stop, " .. ctx:text_sql("d", "s") .. ", "
            .. ctx:window_sql("d", "s") .. ", d.source, d.url FROM spans s" .. scan
            .. " JOIN docs d ON d.rowid = s.doc WHERE " .. where) do
            local g = group(who)
            g.count = g.count + 1
            if not g.docs[rowid] then
               g.docs[rowid] = true
               g.ndocs = g.ndocs + 1
            end
            if not docs[rowid] then
               docs[rowid] = true
               ndocs = ndocs + 1
            end
            total = total + 1
            g.rows[#g.rows + 1] = {
               speaker = g.title, quote = quote_text(text), date = date, doc = id, title = title,
               context = ctx:context(win, start, stop), rowid = rowid, start = start, outlet = outlet, url = url,
            }
         end
      end
      table.sort(order, function(a, b)
         if (a.title == UNATTRIBUTED) ~= (b.title == UNATTRIBUTED) then return b.title == UNATTRIBUTED end
         if a.count ~= b.count then return a.count > b.count end
         return a.title < b.title
      end)
      local speakers = 0
      for _, g in ipairs(order) do
         if g.title ~= UNATTRIBUTED then speakers = speakers + 1 end
         local rows, sorted = g.rows, true
         -- documents are often stored in date order: then there is nothing to sort
         for i = 2, #rows do
            if before(rows[i], rows[i - 1]) then
               sorted = false
               break
            end
         end
         if not sorted then table.sort(rows, before) end
         for _, r in ipairs(rows) do
            if not r.context then r.context = ctx:context(r.rowid, r.start, r.stop) end
            -- where the quote is in its document (not a column: for links into it)
            r.at = r.start
            r.rowid, r.start, r.stop = nil, nil, nil
         end
         g.note = string.format("%d quote%s in %d document%s%s", g.count, g.count == 1 and "" or "s", g.ndocs,
            g.ndocs == 1 and "" or "s", #rows < g.count and string.format(" (first %d shown)", #rows) or "")
         g.docs, g.ndocs, g.count = nil, nil, nil
      end
      local sections = order
      if #sections == 0 then sections = { { rows = {}, empty = "No quotes match." } } end
      return {
         stats = {
            { key = "quotes", label = "Quotes", value = total, count = "rows" },
            { key = "speakers", label = "Speakers", value = speakers, count = "distinct:speaker" },
            { key = "documents", label = "Documents", value = ndocs, count = "distinct:doc" },
         },
         sections = sections,
      }
   end,
}
