--- quotes: who said what, grouped by speaker (most quoted first), with
-- the document, its date and the words around each quote.
-- Quotes inside reader comments (a segment of kind comments) are left out.
-- --speaker keeps one speaker's quotes (any variant of the name);
-- --entity keeps the quotes that mention an entity; --limit N keeps N
-- quotes a speaker.
local base = require "quarry.reports.base"

local UNATTRIBUTED = "(unattributed)"

return base.new {
   name = "quotes",
   title = "Quotes by speaker",
   description = "Who said what: each quote with its speaker, document, date and context.",
   group = "speaker",
   columns = {
      { key = "speaker", label = "Speaker" },
      { key = "quote", label = "Quote", kind = "quote" },
      { key = "date", label = "Date", kind = "date" },
      { key = "doc", label = "Document" },
      { key = "title", label = "Title" },
      { key = "context", label = "Context" },
   },
   run = function(ctx)
      local speaker = "json_extract(s.attrs, '$.speaker')"
      local sql = "SELECT " .. speaker .. " AS speaker, d.id AS doc, d.title, d.date, s.start, s.stop, "
         .. ctx:text_sql("d", "s") .. " AS quote, " .. ctx:window_sql("d", "s") .. " AS window "
         .. "FROM spans s JOIN docs d ON d.rowid = s.doc WHERE s.type = 'quote' AND "
         .. ctx:docs_where("d", { speaker = false }) .. " AND " .. ctx:speaker_where(speaker)
         .. " AND " .. ctx:mentions_where("s") .. " AND " .. ctx:article_where("s")
         .. " ORDER BY d.date, d.id, s.start"
      local groups, order = {}, {}
      local docs, total = {}, 0
      local limit = ctx.filters.limit
      for r in ctx:rows(sql) do
         local name = type(r.speaker) == "string" and r.speaker or UNATTRIBUTED
         local g = groups[name]
         if not g then
            g = { title = name, rows = {}, count = 0, docs = {}, ndocs = 0 }
            groups[name] = g
            order[#order + 1] = g
         end
         g.count = g.count + 1
         if not g.docs[r.doc] then
            g.docs[r.doc] = true
            g.ndocs = g.ndocs + 1
         end
         docs[r.doc] = true
         total = total + 1
         if not limit or limit == 0 or #g.rows < limit then
            g.rows[#g.rows + 1] = {
               speaker = name, quote = base.squeeze(r.quote or ""):gsub("^ ", ""):gsub(" $", ""), date = r.date,
               doc = r.doc, title = r.title, context = ctx:context(r.window or "", r.start, r.stop),
            }
         end
      end
      table.sort(order, function(a, b)
         if (a.title == UNATTRIBUTED) ~= (b.title == UNATTRIBUTED) then return b.title == UNATTRIBUTED end
         if a.count ~= b.count then return a.count > b.count end
         return a.title < b.title
      end)
      local ndocs, speakers = 0, 0
      for _ in pairs(docs) do ndocs = ndocs + 1 end
      for _, g in ipairs(order) do
         if g.title ~= UNATTRIBUTED then speakers = speakers + 1 end
         g.note = string.format("%d quote%s in %d document%s%s", g.count, g.count == 1 and "" or "s", g.ndocs,
            g.ndocs == 1 and "" or "s", #g.rows < g.count and string.format(" (first %d shown)", #g.rows) or "")
         g.count, g.docs, g.ndocs = nil, nil, nil
      end
      local sections = order
      if #sections == 0 then sections = { { rows = {}, empty = "No quotes match." } } end
      return {
         stats = {
            { key = "quotes", label = "Quotes", value = total },
            { key = "speakers", label = "Speakers", value = speakers },
            { key = "documents", label = "Documents", value = ndocs },
         },
         sections = sections,
      }
   end,
}
