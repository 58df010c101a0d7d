--- JSON (one document holding the whole model) and JSON lines (one object
-- a row, keys in column order, every column present: null when empty).
-- Keys are written in a fixed order, so the same corpus gives the same bytes.
local render = require "quarry.render"
local qjson = require "quarry.json"

local ipairs = ipairs
local table_concat = table.concat

local json = {}

-- the one JSON writer (quarry.json): keys in a fixed order, "/" unescaped
local str, encode = qjson.string, qjson.encode
json.encode = encode

-- A row with every column (null where empty), keys in column order.
local function row_json(cols, row)
   local parts = {}
   for i, c in ipairs(cols) do parts[i] = str(c.key) .. ":" .. encode(row[c.key]) end
   return "{" .. table_concat(parts, ",") .. "}"
end

local function column_keys(cols)
   local keys = {}
   for i, c in ipairs(cols) do keys[i] = c.key end
   return keys
end

local function write_model(model, out, indent)
   local pad = string.rep("  ", indent)
   local function field(name, value, last)
      out:write(pad, "  ", str(name), ": ", value, last and "\n" or ",\n")
   end
   out:write("{\n")
   field("report", encode(model.report))
   field("title", encode(model.title))
   if model.description then field("description", encode(model.description)) end
   field("filters", encode(model.filters or {}, { "speaker", "entity", "from", "to", "query", "outlet", "doc",
      "limit", "offset" }))
   if model.notes and #model.notes > 0 then field("notes", encode(model.notes)) end
   if model.stats and #model.stats > 0 then
      local obj, keys = {}, {}
      for i, s in ipairs(model.stats) do
         keys[i] = s.key
         obj[s.key] = s.value
      end
      field("stats", encode(obj, keys))
   end
   if model.document then
      -- a document with its annotations (the article report): offsets are bytes into text
      local d = model.document
      local spans = {}
      for i, sp in ipairs(d.spans or {}) do
         spans[i] = encode(sp, { "id", "type", "start", "stop", "name", "speaker", "cue", "kind", "value", "title",
            "place", "source", "clutter" })
      end
      field("document", "{" .. table_concat({ '"id":' .. encode(d.id), '"title":' .. encode(d.title),
         '"date":' .. encode(d.date), '"source":' .. encode(d.source), '"url":' .. encode(d.url),
         '"text":' .. encode(d.text), '"spans":[' .. table_concat(spans, ",") .. "]" }, ",") .. "}")
   end
   if model.page then field("page", encode(model.page, { "offset", "limit", "total", "shown" })) end
   local parts = model.parts or {}
   local cols = model.columns or {}
   local kinds = {}
   for i, c in ipairs(cols) do kinds[i] = { key = c.key, label = c.label, kind = c.kind or "text" } end
   field("columns", encode(kinds))
   if model.group then field("group", encode(model.group)) end
   out:write(pad, '  "sections": [')
   for si, section in ipairs(model.sections or {}) do
      local scols = render.columns_of(model, section)
      out:write(si > 1 and ",\n" or "\n", pad, "    {")
      if section.title then out:write('"title": ', encode(section.title), ", ") end
      if section.note then out:write('"note": ', encode(section.note), ", ") end
      if section.columns then out:write('"columns": ', encode(column_keys(scols)), ", ") end
      out:write('"rows": [')
      for ri, row in ipairs(section.rows) do
         out:write(ri > 1 and ",\n" or "\n", pad, "      ", row_json(scols, row))
      end
      out:write(#section.rows > 0 and ("\n" .. pad .. "    ]}") or "]}")
   end
   out:write(#(model.sections or {}) > 0 and ("\n" .. pad .. "  ]") or "]")
   if #parts > 0 then
      out:write(',\n', pad, '  "parts": [\n')
      for pi, p in ipairs(parts) do
         out:write(pad, "    ")
         write_model(p, out, indent + 2)
         out:write(pi < #parts and ",\n" or "\n")
      end
      out:write(pad, "  ]")
   end
   out:write("\n", pad, "}")
end

--- One JSON document: {report, title, description, filters, notes, stats,
-- columns, group, sections = [{title, note, rows}], parts}.
function json.json(model, out)
   write_model(model, out, 0)
   out:write("\n")
end

--- One JSON object a row (see render.flatten).
function json.jsonl(model, out)
   local cols, rows = render.flatten(model)
   for _, row in ipairs(rows) do out:write(row_json(cols, row), "\n") end
end

return json
