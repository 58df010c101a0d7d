--- Text bound for a terminal, with its control characters made visible.
--
-- Document text, titles and file names can hold ESC, BEL and other
-- control characters, which a terminal obeys rather than shows: ESC ]
-- sets the window title or writes a link, ESC [ moves the cursor, clears
-- the screen or recolours what follows, some terminals answer queries by
-- typing into the shell. Everything quarry writes for a person to read in
-- a terminal (search, kwic, tokens --list, report --format table, messages
-- naming files) goes through term.escape.
--
--   term.escape("a\27[2Jb")    --> "a\x1B[2Jb"
-- @module quarry.term
local string_byte, string_format = string.byte, string.format
local table_concat = table.concat
local utf8_len = utf8.len

local term = {}

local NAMED = { ["\t"] = "\\t", ["\n"] = "\\n", ["\r"] = "\\r" }

local function hex(c) return NAMED[c] or string_format("\\x%02X", string_byte(c)) end

-- A C1 control (U+0080 to U+009F, two bytes in UTF-8) as \u{XX}.
local function c1(c) return string_format("\\u{%02X}", string_byte(c)) end

-- The explicit bidirectional formatting characters, which reorder what a
-- terminal shows after them ("Trojan Source", CVE-2021-42574): U+202A to
-- U+202E (embeddings, overrides, pop) and U+2066 to U+2069 (isolates), as
-- \u{XXXX}. The implicit marks (U+200E, U+200F, U+061C) stay: they belong
-- in right-to-left text and reorder nothing past a neutral character.
local function bidi(b3, b4)
   local base = b3 == "\128" and 0x2000 or 0x2040
   return string_format("\\u{%04X}", base + string_byte(b4) - 0x80)
end

-- s with each byte that is not part of valid UTF-8 as \xHH: a terminal
-- might take a lone byte 0x9B as CSI (ESC [).
local function escape_invalid(s)
   local out, i = {}, 1
   while true do
      local n, bad = utf8_len(s, i)
      if n then
         out[#out + 1] = s:sub(i)
         return table_concat(out)
      end
      out[#out + 1] = s:sub(i, bad - 1)
      out[#out + 1] = string_format("\\x%02X", string_byte(s, bad))
      i = bad + 1
   end
end

--- s with every control character written out: tab, line feed and
-- carriage return as \t, \n, \r; the other C0 controls and DEL as \xHH;
-- C1 controls as \u{HH}; the bidirectional overrides, embeddings and
-- isolates (U+202A to U+202E, U+2066 to U+2069) as \u{XXXX}; bytes that
-- are not UTF-8 as \xHH. With backslash
-- true, a backslash is doubled too, so the result can be read back (the
-- TSV of tokens --list); without, a backslash stays as it is.
-- @param s string the text
-- @param backslash boolean optional: double backslashes too
-- @return string
function term.escape(s, backslash)
   if backslash and s:find("\\", 1, true) then s = s:gsub("\\", "\\\\") end
   if s:find("[%z\1-\31\127]") then s = s:gsub("[%z\1-\31\127]", hex) end
   if s:find("\194[\128-\159]") then s = s:gsub("\194([\128-\159])", c1) end
   if s:find("\226[\128\129]") then
      s = s:gsub("\226(\128)([\170-\174])", bidi):gsub("\226(\129)([\166-\169])", bidi)
   end
   if not utf8_len(s) then s = escape_invalid(s) end
   return s
end

return term
