--- Renderers of report models: one module a format, shared by every report.
--
--   local render = require "quarry.render"
--   render.write(model, "md", io.stdout)        -- or "json", "jsonl", "csv", "html", "table"
--   local s = render.to_string(model, "csv")
--
-- A model is what a report's run function returns, completed by
-- quarry.reports.base (see docs/reports.md):
--
--   { report, title, description, filters = {name = value}, notes = {...},
--     stats = {{key, label, value}}, columns = {{key, label, kind}},
--     group = column key | nil, sections = {{title, note, columns, rows}},
--     chart = {kind = "timeline", items = {{date, label, kind, row}}} | nil,
--     parts = {model, ...} | nil }
--
-- Column kinds: "text" (the default), "number", "date", "quote" (a quoted
-- passage), "list" (an array of strings). Rows are tables keyed by column
-- key; a missing value is nil.
-- @module quarry.render
local error, ipairs, pairs, require, select, type, tostring = error, ipairs, pairs, require, select, type, tostring
local table_concat = table.concat
local math_type, math_floor = math.type, math.floor
local string_format = string.format

local render = {}

--- The formats, in the order the command line's help lists them, and the module of each.
render.formats = { "md", "json", "jsonl", "csv", "html", "table" }
local MODULES = {
   md = "quarry.render.markdown", markdown = "quarry.render.markdown",
   json = "quarry.render.json", jsonl = "quarry.render.json",
   csv = "quarry.render.csv", html = "quarry.render.html", table = "quarry.render.table",
}

--- Whether fmt names a format.
-- @param fmt string a format's name
-- @return boolean
function render.known(fmt)
   return MODULES[fmt] ~= nil
end

--- Writes model in format fmt to out (anything with :write(...)).
-- opts: width (terminal table), title (HTML page title).
-- @param model table a report's model
-- @param fmt string "md", "json", "jsonl", "csv", "html" or "table"
-- @param out anything with a write method (a file, io.stdout)
-- @param opts table optional: width (of a terminal table), title (of an HTML page)
-- @return nothing; raises on an unknown format
function render.write(model, fmt, out, opts)
   local name = MODULES[fmt]
   if not name then
      error(string_format("unknown format '%s' (formats: %s)", tostring(fmt), table_concat(render.formats, ", ")), 2)
   end
   local mod = require(name)
   local fn = mod[fmt] or mod.render
   fn(model, out, opts or {})
end

--- The model rendered as a string.
-- @param model table a report's model
-- @param fmt string the format, as for render.write
-- @param opts table optional, as for render.write
-- @return string
function render.to_string(model, fmt, opts)
   local buf = {}
   local sink = { write = function(self, ...)
      for i = 1, select("#", ...) do buf[#buf + 1] = select(i, ...) end
      return self
   end }
   render.write(model, fmt, sink, opts)
   return table_concat(buf)
end

-- --- helpers shared by the renderers ----------------------------------------------

--- The columns of a section: its own, or the model's.
-- @param model table a report's model
-- @param section table one of its sections
-- @return table {{key, label, kind}, ...}
function render.columns_of(model, section)
   return section.columns or model.columns or {}
end

--- The columns a section shows under its own heading: those of
-- render.columns_of without the model's group column (the heading says it).
-- @param model table a report's model
-- @param section table one of its sections
-- @return table {{key, label, kind}, ...}
function render.shown_columns(model, section)
   local cols = render.columns_of(model, section)
   if not model.group then return cols end
   local out = {}
   for _, c in ipairs(cols) do
      if c.key ~= model.group then out[#out + 1] = c end
   end
   return out
end

--- A cell value as plain text: lists joined with "; ", integers without a
-- fraction, nil as "".
-- @param v a cell's value
-- @return string
function render.text(v)
   if v == nil then return "" end
   local t = type(v)
   if t == "string" then return v end
   if t == "number" then
      if math_type(v) == "float" and v == math_floor(v) and v > -1e15 and v < 1e15 then
         return string_format("%d", v)
      end
      return tostring(v)
   end
   if t == "table" then
      local parts = {}
      for i, x in ipairs(v) do parts[i] = render.text(x) end
      return table_concat(parts, "; ")
   end
   return tostring(v)
end

--- The table a flat format (CSV, JSON lines) writes: every row of every
-- section (and part) as one record, with the columns they share. A
-- "report" column comes first for a composite model, a "section" column
-- when the sections hold different things (they are not groups of a column).
-- Returns columns {{key, label, kind}} and rows (each a table keyed by
-- column key).
-- @param model table a report's model
-- @return table the columns {{key, label, kind}, ...}
-- @return table the rows, each keyed by column key
function render.flatten(model)
   local columns, seen, rows = {}, {}, {}
   local function add_column(c)
      if not seen[c.key] then
         seen[c.key] = true
         columns[#columns + 1] = c
      end
   end
   local composite = model.parts and #model.parts > 0
   local function needs_section(m)
      return not m.group and #(m.sections or {}) > 1
   end
   local any_section = false
   local function scan(m)
      if needs_section(m) then any_section = true end
      for _, p in ipairs(m.parts or {}) do scan(p) end
   end
   scan(model)
   if composite then add_column { key = "report", label = "Report" } end
   if any_section then add_column { key = "section", label = "Section" } end
   local function walk(m)
      for _, section in ipairs(m.sections or {}) do
         for _, c in ipairs(render.columns_of(m, section)) do add_column(c) end
         for _, row in ipairs(section.rows) do
            local r = {}
            for k, v in pairs(row) do r[k] = v end
            if composite then r.report = m.report end
            if any_section and needs_section(m) then r.section = section.title end
            rows[#rows + 1] = r
         end
      end
      for _, p in ipairs(m.parts or {}) do walk(p) end
   end
   walk(model)
   return columns, rows
end

--- "speaker = Ana Ruiz; from 2024-03-01" for the filters a model was made with.
-- @param filters table {speaker, entity, from, to, query, limit}
-- @return string "" without filters
function render.filters_text(filters)
   if not filters then return nil end
   local parts = {}
   for _, k in ipairs { "speaker", "entity", "from", "to", "query", "outlet", "doc", "limit", "offset" } do
      local v = filters[k]
      if v ~= nil then parts[#parts + 1] = k .. " " .. render.text(v) end
   end
   if #parts == 0 then return nil end
   return table_concat(parts, "; ")
end

return render
