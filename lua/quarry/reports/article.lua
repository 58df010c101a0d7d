--- article: one document (--doc ID) with what was found in it. The model
-- carries the document itself (model.document = {id, title, date, source,
-- url, text, spans}), which the HTML renderer shows as the text with its
-- people, places, organisations, dates, quotes and terms (marks around
-- words nobody says) highlighted and its
-- segments (headline, body, comments) marked; the tables list the quotes
-- (speaker, cue, where), the entities (mentions, the variants written) and
-- the dates the text names. Span offsets are bytes into the text.
-- Without --doc the report is a usage error; an id that is not in the
-- corpus gives a model with found = false and a note.
local base = require "quarry.reports.base"
local cjson = require "cjson.safe"

local SHOWN = { person = true, organization = true, location = true, date = true, quote = true, segment = true,
   dateline = true, term = true }

-- The kinds of segment that are not the article (base.NOT_ARTICLE), as a set.
local CLUTTER = {}
for _, k in ipairs(base.NOT_ARTICLE) do CLUTTER[k] = true end

local function span_of(id, type_, start, stop, attrs)
   local a = type(attrs) == "string" and cjson.decode(attrs) or {}
   if type(a) ~= "table" then a = {} end
   local function str(v) return type(v) == "string" and v or nil end
   return { id = id, type = type_, start = start, stop = stop, name = str(a.name), speaker = str(a.speaker),
      value = str(a.value), kind = str(a.kind), cue = str(a.cue), title = str(a.title),
      place = str(a.place), source = str(a.source) }
end

-- The spans inside a segment of clutter (comments, related stories).
local function mark_clutter(spans)
   local segs = {}
   for _, sp in ipairs(spans) do
      if sp.type == "segment" and CLUTTER[sp.kind or ""] then segs[#segs + 1] = sp end
   end
   for _, sp in ipairs(spans) do
      for _, g in ipairs(segs) do
         if sp ~= g and sp.start >= g.start and sp.stop <= g.stop then sp.clutter = true end
      end
   end
end

-- The tables: quotes, entities (with the variants written), dates.
local function tables(text, spans)
   local quotes, by_name, entities, dates = {}, {}, {}, {}
   for _, sp in ipairs(spans) do
      local surface = base.clean(text:sub(sp.start + 1, sp.stop))
      if sp.type == "quote" then
         quotes[#quotes + 1] = { speaker = sp.speaker, quote = surface, cue = sp.cue, kind = sp.kind,
            at = sp.start, where = sp.clutter and "comments" or "article" }
      elseif sp.type == "person" or sp.type == "organization" or sp.type == "location" then
         local name = sp.name or surface
         local key = sp.type .. "\0" .. name
         local e = by_name[key]
         if not e then
            e = { name = name, type = sp.type, mentions = 0, variants = {}, seen = {}, at = sp.start }
            by_name[key] = e
            entities[#entities + 1] = e
         end
         e.mentions = e.mentions + 1
         if not e.seen[surface] then
            e.seen[surface] = true
            e.variants[#e.variants + 1] = surface
         end
      elseif sp.type == "date" then
         dates[#dates + 1] = { text = surface, value = sp.value, at = sp.start }
      end
   end
   table.sort(entities, function(a, b)
      if a.mentions ~= b.mentions then return a.mentions > b.mentions end
      return a.name < b.name
   end)
   for _, e in ipairs(entities) do e.seen = nil end
   return quotes, entities, dates
end

return base.new {
   name = "article",
   title = "Article",
   run = function(ctx)
      local id = ctx.filters.doc
      if not id then ctx:usage_error("the article report needs a document: --doc ID") end
      local d = ctx:one("SELECT rowid, id, title, date, source, url, text FROM docs WHERE id = ?", id)
      if not d then
         return { title = "No such document", found = false, notes = { "No document with id '" .. id .. "'." },
            rows = {} }
      end
      local spans = {}
      for sid, type_, start, stop, attrs in ctx:tuples("SELECT id, type, start, stop, attrs FROM spans "
         .. "WHERE doc = ? ORDER BY start, stop DESC, id", d.rowid) do
         if SHOWN[type_] then spans[#spans + 1] = span_of(sid, type_, start, stop, attrs) end
      end
      mark_clutter(spans)
      local quotes, entities, dates = tables(d.text, spans)
      local counts = { person = 0, organization = 0, location = 0 }
      for _, e in ipairs(entities) do counts[e.type] = counts[e.type] + 1 end
      local parts = {}
      for _, v in ipairs { d.date and d.date:sub(1, 10), d.source, d.id } do parts[#parts + 1] = v end
      return {
         title = (d.title and d.title ~= "") and d.title or d.id,
         description = table.concat(parts, " · "),
         found = true,
         document = { id = d.id, title = d.title, date = d.date, source = d.source, url = d.url, text = d.text,
            spans = spans },
         stats = {
            { key = "quotes", label = "Quotes", value = #quotes },
            { key = "people", label = "People", value = counts.person },
            { key = "organizations", label = "Organisations", value = counts.organization },
            { key = "places", label = "Places", value = counts.location },
            { key = "dates", label = "Dates", value = #dates },
         },
         columns = {},
         sections = {
            { title = "Quotes", rows = quotes, empty = "No quotes found.", columns = {
               { key = "speaker", label = "Speaker", link = "speaker" },
               { key = "quote", label = "Quote", kind = "quote", link = "at" },
               { key = "cue", label = "Cue" },
               { key = "where", label = "Where" },
            } },
            { title = "Entities", rows = entities, empty = "No entities found.", columns = {
               { key = "name", label = "Name", link = "entity" },
               { key = "type", label = "Type" },
               { key = "mentions", label = "Mentions", kind = "number" },
               { key = "variants", label = "Written as", kind = "list" },
            } },
            { title = "Dates in the text", rows = dates, empty = "No dates found.", columns = {
               { key = "text", label = "Text", link = "at" },
               { key = "value", label = "Date", kind = "date" },
            } },
         },
      }
   end,
}
