--- Markdown: headings, a list of key figures, and one pipe table a section
-- (GitHub-flavoured Markdown; cells have | escaped and line breaks squeezed).
--
-- Every text from the corpus or the report (cells, titles, descriptions,
-- notes) is shown as written, never interpreted: the characters that would
-- open raw HTML (<script>, <img onerror=...>), a link or an image
-- ([x](javascript:...)), an autolink (<javascript:...>), a code span or an
-- entity (&lt;) are escaped with a backslash, as CommonMark allows before
-- any ASCII punctuation, and control characters are written out
-- (quarry.term).
local render = require "quarry.render"
local term = require "quarry.term"

local ipairs = ipairs
local string_rep = string.rep

local markdown = {}

local text = render.text

-- s as Markdown text that shows it as it is (see above).
local function literal(s)
   -- most text needs none of this: look before rewriting
   if s:find("[\\|<>%[%]`]") then s = s:gsub("[\\|<>%[%]`]", "\\%0") end
   if s:find("&[#%w]+;") then s = s:gsub("&([#%w]+;)", "\\&%1") end
   return term.escape(s)
end

local function cell(v, kind)
   local s = text(v)
   -- most cells need none of this: look before rewriting
   if s:find("[\n\r\t\f\v]") or s:find("  ", 1, true) then s = s:gsub("%s+", " ") end
   if s:byte(1) == 32 then s = s:sub(2) end
   if s:byte(-1) == 32 then s = s:sub(1, -2) end
   s = literal(s)
   if kind == "quote" and s ~= "" then s = "“" .. s .. "”" end
   return s
end

local function heading_text(s)
   return literal((text(s):gsub("%s+", " ")))
end

local function write_table(out, cols, rows)
   if #cols == 0 then return end
   local head, rule = {}, {}
   for i, c in ipairs(cols) do
      head[i] = cell(c.label or c.key)
      rule[i] = c.kind == "number" and "---:" or "---"
   end
   out:write("| ", table.concat(head, " | "), " |\n| ", table.concat(rule, " | "), " |\n")
   local cells = {}
   for _, row in ipairs(rows) do
      for i, c in ipairs(cols) do cells[i] = cell(row[c.key], c.kind) end
      out:write("| ", table.concat(cells, " | ", 1, #cols), " |\n")
   end
end

local function write_model(model, out, level)
   local h = string_rep("#", level)
   out:write(h, " ", heading_text(model.title or model.report or "Report"), "\n\n")
   if model.description and model.description ~= "" then out:write(cell(model.description), "\n\n") end
   local filters = render.filters_text(model.filters)
   if filters then out:write("*Filters: ", cell(filters), "*\n\n") end
   for _, note in ipairs(model.notes or {}) do out:write("> ", cell(note), "\n\n") end
   if model.stats and #model.stats > 0 then
      for _, s in ipairs(model.stats) do out:write("- **", cell(s.label), "**: ", cell(s.value), "\n") end
      out:write("\n")
   end
   local sections = model.sections or {}
   for _, section in ipairs(sections) do
      local titled = section.title ~= nil and (#sections > 1 or model.group ~= nil or section.columns ~= nil)
      if titled then out:write(h, "# ", heading_text(section.title), "\n\n") end
      if section.note then out:write(cell(section.note), "\n\n") end
      if #section.rows == 0 then
         out:write("*", cell(section.empty or "Nothing to show."), "*\n\n")
      else
         write_table(out, render.shown_columns(model, section), section.rows)
         out:write("\n")
      end
   end
   for _, part in ipairs(model.parts or {}) do write_model(part, out, level + 1) end
end

--- render(model, out, opts)
function markdown.render(model, out)
   write_model(model, out, 1)
end
markdown.md = markdown.render
markdown.markdown = markdown.render

return markdown
