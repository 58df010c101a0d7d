--- CSV as RFC 4180 has it: a header line, CRLF line ends, and a field in
-- double quotes (with its quotes doubled) when it holds a comma, a quote,
-- CR or LF. One table: every row of every section (see render.flatten);
-- lists are joined with "; ".
local render = require "quarry.render"

local ipairs = ipairs
local table_concat = table.concat

local csv = {}

--- One field, quoted when it must be.
function csv.field(v)
   local s = render.text(v)
   if s:find('[,"\r\n]') then return '"' .. s:gsub('"', '""') .. '"' end
   return s
end
local field = csv.field

function csv.render(model, out)
   local cols, rows = render.flatten(model)
   local cells = {}
   for i, c in ipairs(cols) do cells[i] = field(c.key) end
   out:write(table_concat(cells, ",", 1, #cols), "\r\n")
   for _, row in ipairs(rows) do
      for i, c in ipairs(cols) do cells[i] = field(row[c.key]) end
      out:write(table_concat(cells, ",", 1, #cols), "\r\n")
   end
end
csv.csv = csv.render

return csv
