--- CSV as RFC 4180 has it: a header line, CRLF line ends, and a field in
-- double quotes (with its quotes doubled) when it holds a comma, a quote,
-- CR or LF. One table: every row of every section (see render.flatten);
-- lists are joined with "; ".
--
-- Formula injection: a spreadsheet runs a cell that starts with =, +, -,
-- @, a tab or a carriage return as a formula (=HYPERLINK(...), =cmd|...).
-- As OWASP recommends, such a text cell gets a leading single quote: the
-- spreadsheet shows the cell as text, quote included, and runs nothing.
-- Numbers stay numbers: a number value, and a text that is only a decimal
-- number (-3, +2.5, -1.5e3), are written as they are.
local render = require "quarry.render"

local ipairs, type = ipairs, type
local table_concat = table.concat

local csv = {}

-- Whether s is nothing but a decimal number, which a spreadsheet reads as
-- a number, never as a formula.
local function is_number_text(s)
   return s:find("^[+-]?%d+%.?%d*$") ~= nil or s:find("^[+-]?%d*%.%d+$") ~= nil
      or s:find("^[+-]?%d+%.?%d*[eE][+-]?%d+$") ~= nil
end

--- The text of one field as a spreadsheet must see it: a leading ' before
-- text a spreadsheet would run as a formula (see above).
function csv.neutralise(v)
   local s = render.text(v)
   if type(v) ~= "number" and s:find("^[=+%-@\t\r]") and not is_number_text(s) then return "'" .. s end
   return s
end

--- One field, neutralised and quoted when it must be.
function csv.field(v)
   local s = csv.neutralise(v)
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
