--- kwic: a concordance, each hit in the middle of its line. What it looks
-- for: the --query (any full-text query; its phrases are shown), else the
-- mentions of the --entity, else those of the --speaker (by the
-- annotations: every variant of the name). The other filters choose the
-- documents; --limit N keeps N lines.
local base = require "quarry.reports.base"

local WIDTH = 50

-- At most width characters of s, cut at a space, from its end (left) or start.
local function clip(s, width, from_end)
   s = base.clean(s)
   local n = utf8.len(s) or #s
   if n <= width then return s end
   if from_end then
      local cut = s:sub(utf8.offset(s, n - width + 1) or 1)
      return (cut:gsub("^%S*%s", ""))
   end
   local cut = s:sub(1, (utf8.offset(s, width + 1) or (width + 1)) - 1)
   return (cut:gsub("%s%S*$", ""))
end

return base.new {
   name = "kwic",
   title = "Concordance",
   columns = {
      { key = "left", label = "Left" },
      { key = "match", label = "Match" },
      { key = "right", label = "Right" },
      { key = "doc", label = "Document" },
      { key = "date", label = "Date", kind = "date" },
   },
   run = function(ctx)
      local f = ctx.filters
      local limit = f.limit and f.limit > 0 and f.limit or nil
      local rows = {}
      local looked_for
      if f.query then
         looked_for = "the query " .. f.query
         -- the documents the other filters allow
         local allowed
         if f.speaker or f.entity or f.from or f.to then
            allowed = {}
            for r in ctx:rows("SELECT d.id FROM docs d WHERE " .. ctx:docs_where("d", { query = false })) do
               allowed[r.id] = true
            end
         end
         local dates = {}
         -- the limit goes to the concordance itself unless other filters drop lines
         for _, l in ipairs(ctx:kwic(f.query, { query = true, width = WIDTH, limit = not allowed and limit or nil })) do
            if not allowed or allowed[l.doc] then
               if dates[l.doc] == nil then
                  dates[l.doc] = ctx:value("SELECT date FROM docs WHERE id = ?", l.doc) or false
               end
               rows[#rows + 1] = { left = l.left, match = l.match, right = l.right, doc = l.doc,
                  date = dates[l.doc] or nil }
               if limit and #rows >= limit then break end
            end
         end
      elseif f.entity or f.speaker then
         local names, types
         if f.entity then
            looked_for = "mentions of " .. f.entity
            names, types = ctx:entity_where("json_extract(s.attrs, '$.name')"),
               "s.type IN ('person', 'organization', 'location')"
         else
            looked_for = "mentions of " .. f.speaker
            names, types = ctx:speaker_where("json_extract(s.attrs, '$.name')"), "s.type = 'person'"
         end
         for r in ctx:rows("SELECT d.id AS doc, d.date, s.start, s.stop, " .. ctx:text_sql("d", "s") .. " AS match, "
            .. ctx:window_sql("d", "s") .. " AS window FROM spans s JOIN docs d ON d.rowid = s.doc WHERE "
            .. types .. " AND " .. names .. " AND " .. ctx:docs_where("d", { entity = false, speaker = false })
            .. " ORDER BY d.rowid, s.start" .. ctx:limit_sql()) do
            local w = r.window or ""
            local w0 = math.max(r.start - base.WINDOW, 0)
            local left = base.trim_utf8(w:sub(1, r.start - w0))
            local right = base.trim_utf8(w:sub(r.stop - w0 + 1))
            rows[#rows + 1] = { left = clip(left, WIDTH, true), match = base.squeeze(r.match or ""),
               right = clip(right, WIDTH, false), doc = r.doc, date = r.date }
         end
      else
         ctx:usage_error("the kwic report needs something to look for: --query, --entity or --speaker")
      end
      return {
         description = "Every occurrence of " .. looked_for .. ", with the words around it.",
         stats = { { key = "lines", label = "Lines", value = #rows } },
         rows = rows,
         empty = "No occurrences.",
      }
   end,
}
