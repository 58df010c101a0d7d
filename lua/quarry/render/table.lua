--- A table for the terminal: aligned columns that fit the width of the
-- screen (opts.width, else $COLUMNS, else 100 characters); long cells are
-- cut with "…", numbers are right-aligned. Control characters in any text
-- are written out (quarry.term), never sent to the terminal.
local render = require "quarry.render"
local term = require "quarry.term"

local ipairs, tonumber = ipairs, tonumber
local math_max, math_min = math.max, math.min
local string_rep, table_concat = string.rep, table.concat
local utf8_len, utf8_offset = utf8.len, utf8.offset

local tbl = {}

local function width_of(s)
   return utf8_len(s) or #s
end

-- s cut to at most w characters, "…" marking the cut.
local function fit(s, w)
   if width_of(s) <= w then return s end
   if w <= 1 then return w == 1 and "…" or "" end
   local cut = utf8_offset(s, w) or (w + 1)
   return s:sub(1, cut - 1) .. "…"
end

local function cell(v, kind)
   local s = render.text(v)
   if s:find("[\n\r\t\f\v]") or s:find("  ", 1, true) then s = s:gsub("%s+", " ") end
   if s:byte(1) == 32 then s = s:sub(2) end
   if s:byte(-1) == 32 then s = s:sub(1, -2) end
   s = term.escape(s)
   if kind == "quote" and s ~= "" then s = "“" .. s .. "”" end
   return s
end

-- Text of the report itself (titles, notes, labels): escaped, one line.
local function plain(v)
   return cell(v)
end

-- Column widths: natural widths, then one cap for the widest columns (no
-- lower than 8 characters), the largest with which the line fits.
local function widths(cols, cells, total)
   local w = {}
   for i, c in ipairs(cols) do w[i] = width_of(c.label or c.key) end
   for _, r in ipairs(cells) do
      for i = 1, #cols do
         local n = width_of(r[i])
         if n > w[i] then w[i] = n end
      end
   end
   local budget = total - 2 * (#cols - 1)
   local function used(cap)
      local n = 0
      for i = 1, #cols do n = n + math_min(w[i], cap) end
      return n
   end
   local widest = 0
   for i = 1, #cols do widest = math_max(widest, w[i]) end
   if used(widest) <= budget then return w end
   local lo, hi = 8, widest          -- the largest cap in [8, widest] that fits
   while lo < hi do
      local mid = (lo + hi + 1) // 2
      if used(mid) <= budget then lo = mid else hi = mid - 1 end
   end
   for i = 1, #cols do w[i] = math_min(w[i], lo) end
   return w
end

local function write_section(out, cols, rows, total)
   local cells = {}
   for ri, row in ipairs(rows) do
      local r = {}
      for i, c in ipairs(cols) do r[i] = cell(row[c.key], c.kind) end
      cells[ri] = r
   end
   local w = widths(cols, cells, total)
   local function line(r, header)
      local parts = {}
      for i, c in ipairs(cols) do
         local s = fit(r[i], w[i])
         local padding = string_rep(" ", w[i] - width_of(s))
         parts[i] = (c.kind == "number" and not header) and (padding .. s) or (s .. padding)
      end
      out:write((table_concat(parts, "  "):gsub("%s+$", "")), "\n")
   end
   local head = {}
   for i, c in ipairs(cols) do head[i] = plain(c.label or c.key) end
   line(head, true)
   local rule = {}
   for i = 1, #cols do rule[i] = string_rep("─", w[i]) end
   out:write(table_concat(rule, "  "), "\n")
   for _, r in ipairs(cells) do line(r) end
end

-- s wrapped at spaces into lines of at most width characters.
local function wrap(s, width)
   local lines, line = {}, ""
   for word in s:gmatch("%S+") do
      if line ~= "" and width_of(line) + 1 + width_of(word) > width then
         lines[#lines + 1] = line
         line = word
      else
         line = line == "" and word or (line .. " " .. word)
      end
   end
   if line ~= "" then lines[#lines + 1] = line end
   return table_concat(lines, "\n")
end

local function write_model(model, out, total, level)
   local title = plain(model.title or model.report or "Report")
   out:write(title, "\n", string_rep(level == 1 and "═" or "─", math.min(width_of(title), total)), "\n")
   if model.description and model.description ~= "" then out:write(wrap(plain(model.description), total), "\n") end
   local filters = render.filters_text(model.filters)
   if filters then out:write(wrap("filters: " .. plain(filters), total), "\n") end
   for _, note in ipairs(model.notes or {}) do out:write(wrap("note: " .. plain(note), total), "\n") end
   if model.stats and #model.stats > 0 then
      local lw = 0
      for _, s in ipairs(model.stats) do lw = math_max(lw, width_of(plain(s.label))) end
      for _, s in ipairs(model.stats) do
         local label = plain(s.label)
         out:write(label, ":", string_rep(" ", lw - width_of(label) + 1), cell(s.value), "\n")
      end
   end
   local sections = model.sections or {}
   for _, section in ipairs(sections) do
      out:write("\n")
      if section.title ~= nil and (#sections > 1 or model.group ~= nil or section.columns ~= nil) then
         out:write("▸ ", cell(section.title), section.note and ("  (" .. cell(section.note) .. ")") or "", "\n")
      elseif section.note then
         out:write(cell(section.note), "\n")
      end
      if #section.rows == 0 then
         out:write(plain(section.empty or "Nothing to show."), "\n")
      else
         write_section(out, render.shown_columns(model, section), section.rows, total)
      end
   end
   for _, part in ipairs(model.parts or {}) do
      out:write("\n")
      write_model(part, out, total, level + 1)
   end
end

function tbl.render(model, out, opts)
   local total = (opts and opts.width) or tonumber(os.getenv("COLUMNS") or "") or 100
   if total < 20 then total = 20 end
   write_model(model, out, total, 1)
end
tbl.table = tbl.render

return tbl
