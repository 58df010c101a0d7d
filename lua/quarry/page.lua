--- A page's paragraphs described for its structure, in C (csrc/qr_page.c):
-- the role of each by a clutter list of Lua patterns (reader comments,
-- related links, a comment's signature, boilerplate), and the blocks of
-- clutter those roles open. The news pack's structure phase is built on it.
--
--   local page = require "quarry.page"
--   local clutter = page.clutter { { pattern = "^leave a reply", role = "comments", strong = true },
--                                  { pattern = "subscribe", role = "boilerplate" } }
--   local pg = clutter:describe(ctx.tokens)
--   for i = 1, #pg do print(pg:kind(i), pg:words(i), pg:text(i)) end
--
-- Available to sandboxed packs (`require "quarry.page"`).
-- @module quarry.page
local core = require "quarry.core"

local error, ipairs, pairs, type = error, ipairs, pairs, type
local string_char, string_format = string.char, string.format

local page = {}

local ROLES = { comments = true, related = true, signature = true, boilerplate = true }

-- Where the single-byte class (a character, ".", a %-class or a [set])
-- at byte i of pat ends: the index after it; nil for anything else (a
-- capture, %b, %f, a back-reference, the final "$", the pattern's end).
local function class_end(pat, i)
   local ch = pat:sub(i, i)
   if ch == "" or ch == "(" or ch == ")" or (ch == "$" and i == #pat) then return nil end
   if ch == "%" then
      local nx = pat:sub(i + 1, i + 1)
      if nx == "" or nx == "b" or nx == "f" or nx:find("^%d") then return nil end
      return i + 2
   end
   if ch ~= "[" then return i + 1 end
   -- as Lua reads a set: an optional ^, then at least one item, to a "]"
   local j = i + 1
   if pat:sub(j, j) == "^" then j = j + 1 end
   repeat
      local c = pat:sub(j, j)
      if c == "" then return nil end
      j = j + (c == "%" and 2 or 1)
   until pat:sub(j, j) == "]"
   return j + 1
end

-- The bytes a class matches: byte -> true.
local function class_bytes(class)
   local set = {}
   if #class == 1 and class ~= "." then
      set[class:byte()] = true          -- a character stands for itself
   else
      for b = 0, 255 do
         if string_char(b):find("^" .. class .. "$") then set[b] = true end
      end
   end
   return set
end

-- A set of bytes as a string of them.
local function bytes_of(set)
   local out = {}
   for b in pairs(set) do out[#out + 1] = string_char(b) end
   return table.concat(out)
end

-- The bytes a paragraph that an anchored pattern matches can begin with:
-- those of its first class, and of the classes after each one a
-- quantifier makes optional ("^%d*%s*comments?$": digits, white space
-- and "c"); nil when it may begin with any (a pattern found anywhere, or
-- one that can match nothing).
local function first_bytes(pat)
   if pat:sub(1, 1) ~= "^" then return nil end
   local set, i = {}, 2
   while true do
      local e = class_end(pat, i)
      if not e then return nil end
      for b in pairs(class_bytes(pat:sub(i, e - 1))) do set[b] = true end
      local q = pat:sub(e, e)
      if q ~= "*" and q ~= "?" and q ~= "-" then return bytes_of(set) end
      i = e + 1
   end
end

-- The bytes the second byte of a paragraph a pattern matches is one of,
-- when its first two classes stand once each ("^top stories": "o"); nil
-- otherwise.
local function second_bytes(pat)
   local e1 = pat:sub(1, 1) == "^" and class_end(pat, 2)
   local e2 = e1 and not pat:sub(e1, e1):find("^[*?+-]") and class_end(pat, e1)
   if e2 and not pat:sub(e2, e2):find("^[*?-]") then return bytes_of(class_bytes(pat:sub(e1, e2 - 1))) end
   return nil
end

-- The byte a pattern's match must end with: that of a letter, a digit or
-- a colon just before its final "$" ("^.-%s+wrote:$": ":"), or nil.
local function last_byte(pat)
   local before, last = pat:match("(.)([%w:])%$$")
   if last and before ~= "%" then return last:byte() end
   return nil
end

-- The opening of an anchored pattern that lowering the paragraph cannot
-- change the match of ("^%a+ %d%d?, %d%d%d%d " of "^%a+ %d%d?, %d%d%d%d at
-- %d%d?:%d%d"), or nil: its classes, each with its quantifier, up to the
-- first that is not %a, %d, %s, %w or an ASCII character that is neither
-- a letter nor an apostrophe. Such a class takes a letter in either case,
-- and never the apostrophe a curly one is lowered to, so a paragraph whose
-- lowered text the pattern matches begins with what the opening matches.
local BLIND_CLASS = { ["%a"] = true, ["%d"] = true, ["%s"] = true, ["%w"] = true }
local function blind_opening(pat)
   if pat:sub(1, 1) ~= "^" then return nil end
   local i = 2
   while true do
      local e = class_end(pat, i)
      if not e then break end
      local class = pat:sub(i, e - 1)
      local char = class:match("^%%(%p)$") or (#class == 1 and not class:find("[%^%$%*%+%?%.%(%)%[%]%%%-]") and class)
      if not (BLIND_CLASS[class] or (char and char:find("^[\0-\127]$") and not char:find("[%a']"))) then break end
      i = e
      if pat:sub(i, i):find("^[*+?-]") then i = i + 1 end
   end
   return i > 2 and pat:sub(1, i - 1) or nil
end

--- A clutter list: entries {pattern, role, strong}, tried in their order
-- on each paragraph, trimmed and lowered (A-Z to a-z, the curly
-- apostrophe to a straight one); the first that matches gives the
-- paragraph's role. `pattern` is a Lua pattern matched as string.match
-- does, except for a role of "boilerplate": then a pattern that starts
-- with "^" is one, anything else a string found as it is anywhere in the
-- paragraph, and it is tried only on a paragraph of at most 40 words.
-- `role` is "comments" (opens reader comments), "related" (opens a block
-- of links), "signature" (a line of a comment's chrome: opens comments
-- and confirms them) or "boilerplate" (one paragraph of page furniture);
-- `strong`: the line alone opens its block.
-- @param entries table the list
-- @return userdata the clutter list: clutter:describe(tokens) -> page
function page.clutter(entries)
   if type(entries) ~= "table" then error("page.clutter: expected a list of entries", 2) end
   local list = {}
   for i, c in ipairs(entries) do
      if type(c) ~= "table" or type(c.pattern) ~= "string" then
         error(string_format("page.clutter: entry %d needs a pattern (a string)", i), 2)
      end
      if not ROLES[c.role] then
         error(string_format("page.clutter: entry %d: role must be comments, related, signature or boilerplate, "
            .. "not '%s'", i, tostring(c.role)), 2)
      end
      local pat = c.pattern
      local plain = c.role == "boilerplate" and pat:sub(1, 1) ~= "^"
      list[i] = { pattern = pat, role = c.role, strong = c.strong == true and c.role ~= "boilerplate", plain = plain,
         first = not plain and first_bytes(pat) or nil, second = not plain and second_bytes(pat) or nil,
         last = c.role ~= "boilerplate" and last_byte(pat) or nil,
         opening = c.role ~= "boilerplate" and blind_opening(pat) or nil }
   end
   return core.page_clutter(list)
end

return page
