--- Helpers shared by the subcommands: loading packs, reading documents,
-- writing annotations as JSON lines.
local cjson = require "cjson"
local quarry = require "quarry"
local docs = require "quarry.docs"

local io_stderr, ipairs, next, pcall, tostring = io.stderr, ipairs, next, pcall, tostring
local table_concat = table.concat

local common = {}

--- Loads a pack for a command; returns the pack or nil, message.
function common.load_pack(name, trusted)
   local ok, pack = pcall(quarry.rules.load, name, { trusted = trusted })
   if not ok then return nil, tostring(pack) end
   return pack
end

--- Iterates over the documents of paths, warning and failing on stderr.
-- Returns the iterator and a function telling whether anything failed.
function common.documents(cmd, paths)
   local failed = false
   local iter = docs.each(paths, {
      warn = function(msg) io_stderr:write("quarry ", cmd, ": warning: ", msg, "\n") end,
      fail = function(msg) io_stderr:write("quarry ", cmd, ": ", msg, "\n"); failed = true end,
   })
   return iter, function() return failed end
end

local encode = cjson.encode
local function json_attrs(attrs)
   if attrs == nil or next(attrs) == nil then return "{}" end
   return encode(attrs)
end

--- One annotation as a JSON line in the extract format (fixed key order):
-- {"doc", "type", "start", "end", "text", "rule", "attrs"}.
function common.annotation_json(doc_id, a)
   return table_concat {
      '{"doc":', encode(doc_id), ',"type":', encode(a.type), ',"start":', tostring(a.start),
      ',"end":', tostring(a.stop), ',"text":', encode(a.text or ""), ',"rule":', encode(a.rule or ""),
      ',"attrs":', json_attrs(a.attrs), "}",
   }
end

--- An argparse converter for options that take a count (0, 1, 2, ...).
function common.count(s)
   local n = math.tointeger(tonumber(s))
   if n and n >= 0 then return n end
   return nil, "must be a non-negative integer"
end

--- Pads and prints rows of cells as an aligned table.
function common.print_table(out, header, rows)
   local widths = {}
   for i, h in ipairs(header) do widths[i] = #h end
   for _, r in ipairs(rows) do
      for i, c in ipairs(r) do
         local n = utf8.len(tostring(c)) or #tostring(c)
         if n > widths[i] then widths[i] = n end
      end
   end
   local function line(cells)
      local parts = {}
      for i, c in ipairs(cells) do
         local s = tostring(c)
         parts[i] = s .. string.rep(" ", widths[i] - (utf8.len(s) or #s))
      end
      out:write(table_concat(parts, "  "):gsub("%s+$", ""), "\n")
   end
   line(header)
   for _, r in ipairs(rows) do line(r) end
end

return common
