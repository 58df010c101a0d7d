--- Regular expressions for rules: compiling (PCRE2 through quarry.core,
-- compiled once and cached) and aligning a match to token boundaries.
--
-- regex.compile(pattern [, opts]) -> quarry.Regex (see README, "Regular
-- expressions"). regex.align(tokens, start, stop) -> first_token,
-- last_token, start, stop: the tokens a byte span touches.
--
-- Alignment rule: a match that covers any part of a token takes in the
-- whole token, so "avro" inside "Lavrov" aligns to "Lavrov" and "rov a"
-- across "Lavrov and" aligns to both tokens. White space (any bytes
-- between tokens) at either end of the match is dropped. A match that
-- touches no token — only white space, or an empty match — aligns to
-- nothing: align returns nil and the match is dropped.
-- @module quarry.regex
local core = require "quarry.core"

local error, getmetatable, pcall, type = error, getmetatable, pcall, type
local math_type = math.type

local regex = {}

local function is_regex(v)
   local mt = type(v) == "userdata" and getmetatable(v)
   return type(mt) == "table" and mt.__name == "quarry.Regex"
end

--- Compiles a pattern, or returns the same object for a pattern compiled
-- before with the same options. A quarry.Regex passed without options is
-- returned as it is. Raises on a malformed pattern:
-- "regex error at offset N: message".
-- @param pattern string or quarry.Regex the PCRE2 pattern
-- @param opts table optional: caseless, multiline, dotall, extended, anchored (booleans), match_limit, depth_limit
-- (integers), jit (boolean)
-- @return quarry.Regex
function regex.compile(pattern, opts)
   if is_regex(pattern) and opts == nil then return pattern end
   if type(pattern) ~= "string" then
      error("bad argument #1 to 'compile' (string expected, got " .. type(pattern) .. ")", 2)
   end
   local ok, re = pcall(core.regex, pattern, opts)
   if not ok then error(re, 2) end
   return re
end

-- First token whose stop lies past offset (#tokens + 1 if none).
local function first_ending_after(tokens, offset)
   local lo, hi = 1, #tokens + 1
   while lo < hi do
      local mid = (lo + hi) // 2
      local _, stop = tokens:span(mid)
      if stop <= offset then lo = mid + 1 else hi = mid end
   end
   return lo
end

-- Last token that starts before offset (0 if none).
local function last_starting_before(tokens, offset)
   local lo, hi = 1, #tokens + 1
   while lo < hi do
      local mid = (lo + hi) // 2
      local start = tokens:span(mid)
      if start < offset then lo = mid + 1 else hi = mid end
   end
   return lo - 1
end

--- Aligns the byte span [start, stop) (0-based, stop exclusive) of the
-- text of `tokens` (a quarry.Tokens) to whole tokens. Returns first_token,
-- last_token (1-based) and the widened span snapped_start, snapped_stop;
-- or nil when the span touches no token (see the rule at the top).
-- @param tokens quarry.Tokens the tokens of the text
-- @param start integer the span's start (0-based byte)
-- @param stop integer the span's end (exclusive)
-- @return integer the first token (1-based), or nil when the span touches no token
-- @return integer the last token
-- @return integer the widened span's start
-- @return integer the widened span's stop
function regex.align(tokens, start, stop)
   if type(tokens) ~= "userdata" then
      error("bad argument #1 to 'align' (quarry.Tokens expected, got " .. type(tokens) .. ")", 2)
   end
   if math_type(start) ~= "integer" or start < 0 then
      error("bad argument #2 to 'align' (a byte offset >= 0 expected)", 2)
   end
   if math_type(stop) ~= "integer" or stop < start then
      error("bad argument #3 to 'align' (a byte offset >= start expected)", 2)
   end
   if stop == start then return nil end
   local first = tokens:at(start) or first_ending_after(tokens, start)
   local last = tokens:at(stop - 1) or last_starting_before(tokens, stop)
   if first > last then return nil end
   local snapped_start = tokens:span(first)
   local _, snapped_stop = tokens:span(last)
   return first, last, snapped_start, snapped_stop
end

return regex
