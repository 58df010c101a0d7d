--- Links in HTML pages: to a document's source (only http and https URLs:
-- javascript:, data: and the like are refused), and to the pages of the
-- corpus explorer (quarry serve) when a base URL is known: an article
-- (at a place in it), a speaker, an entity, a search. Query strings are
-- percent-encoded with their keys in a fixed order, so that a page's URL
-- holds its state and the same state gives the same URL.
local ipairs, pairs, tostring, type = ipairs, pairs, tostring, type
local string_format, table_concat, table_sort = string.format, table.concat, table.sort

local links = {}

--- The URL if it is an absolute http or https URL (no white space, no
-- control characters, no quotes or angle brackets); nil otherwise.
function links.safe_url(u)
   if type(u) ~= "string" then return nil end
   if #u > 4096 or u:find("[%z\1-\32\127\"'<>\\`]") then return nil end
   local scheme = u:match("^(%a[%w+.-]*):")
   if not scheme then return nil end
   scheme = scheme:lower()
   if scheme ~= "http" and scheme ~= "https" then return nil end
   if not u:match("^%a+://[^/?#]") then return nil end
   return u
end

--- s percent-encoded for a query string (space as %20).
function links.encode(s)
   return (tostring(s):gsub("[^%w%-%._~]", function(c) return string_format("%%%02X", c:byte()) end))
end

--- A query string from params (keys sorted; nil and "" left out): "a=1&b=x%20y".
function links.query(params)
   local keys = {}
   for k, v in pairs(params or {}) do
      if v ~= nil and v ~= "" and v ~= false then keys[#keys + 1] = k end
   end
   table_sort(keys)
   local parts = {}
   for i, k in ipairs(keys) do parts[i] = links.encode(k) .. "=" .. links.encode(params[k]) end
   return table_concat(parts, "&")
end

local Linker = {}
Linker.__index = Linker

--- links.new(base) -> a linker for pages under base (e.g. "/" or
-- "http://127.0.0.1:8080/"); links.new(nil) makes none (a file on its own).
function links.new(base)
   if base and base:sub(-1) ~= "/" then base = base .. "/" end
   return setmetatable({ base = base }, Linker)
end

--- linker:page(path, params) -> base .. path .. "?" .. query, or nil without a base.
function Linker:page(path, params)
   if not self.base then return nil end
   local q = links.query(params)
   return self.base .. path .. (q ~= "" and ("?" .. q) or "")
end

--- linker:article(id [, at]) -> the article page of document id, at the
-- span starting at byte at (its anchor), or nil.
function Linker:article(id, at)
   if id == nil then return nil end
   local u = self:page("article", { doc = id })
   if u and at then u = u .. "#at-" .. tostring(at) end
   return u
end

--- The URL a table cell links to, by its column's link kind: "article"
-- (the cell is a document id), "at" (the row's place in its document),
-- "speaker", "entity", "outlet" (search that outlet), "url" (the cell is a
-- URL). Without a base, only source URLs are links.
function Linker:cell(kind, value, row)
   if value == nil or value == "" then return nil end
   if kind == "article" then
      return self:article(value) or links.safe_url(row.url)
   elseif kind == "at" then
      return self:article(row.doc, row.at)
   elseif kind == "speaker" then
      return type(value) == "string" and value ~= "(unattributed)" and self:page("speaker", { name = value }) or nil
   elseif kind == "entity" then
      return type(value) == "string" and self:page("entity", { name = value }) or nil
   elseif kind == "outlet" then
      return type(value) == "string" and value ~= "(none)" and self:page("", { outlet = value }) or nil
   elseif kind == "url" then
      return links.safe_url(value)
   end
   return nil
end

return links
