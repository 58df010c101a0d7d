-- Driver of build/fuzz/fuzz_news (tests/fuzz/fuzz_news.c): the news pack
-- over a text made from the input. The input's first byte chooses how:
--   0: the rest as it is;
--   1: the rest as one paragraph (line breaks made spaces), repeated to
--      about 32 KB: long paragraphs, long sentences;
--   2: each space of the rest made a quotation mark, cycling through the
--      straight, curly, angle, low and single ones: many marks, unbalanced;
--   3: words of other scripts (Cyrillic, Greek, Arabic, CJK, combining
--      marks, right-to-left marks) woven in after every third space.
-- The pack must not raise (it is the pack's own text: an error is a bug),
-- and what it returns must be well formed: annotations with integer
-- 0 <= start <= stop <= #text, their text the text's bytes there, a quote's
-- speaker null or a string, its speaker span inside the text, its strategy
-- one of the sieve's (or open_quote) or null.
local rules = require "quarry.rules"
local cjson = require "cjson"

local fail = fuzz_fail    -- luacheck: globals fuzz_fail
local null = cjson.null
local math_type, tostring, type = math.type, tostring, type

local def = rules.definition("news")
local strategies = { open_quote = true }
for _, name in ipairs(def.quotes:names()) do strategies[name] = true end
local pack = rules.load(def)

local MARKS = { "\"", "\u{201C}", "\u{201D}", "'", "\u{2018}", "\u{2019}", "\u{00AB}", "\u{00BB}", "\u{201E}",
   "''", "``", "\u{2039}", "\u{203A}", " \u{201C}", "\u{201D} " }
local SCRIPTS = { "\u{041C}\u{043E}\u{0441}\u{043A}\u{0432}\u{0430}", "\u{0391}\u{03B8}\u{03AE}\u{03BD}\u{03B1}",
   "\u{0642}\u{0627}\u{0644}", "\u{5317}\u{4EAC}", "e\u{0301}te\u{0301}", "\u{200F}\u{05E9}\u{05DC}\u{05D5}\u{05DD}",
   "\u{1F600}", "Zo\u{00EB}" }

local function shaped(data)
   local mode, rest = (data:byte(1) or 0) % 4, data:sub(2)
   if mode == 1 and #rest > 0 then
      local para = rest:gsub("[\r\n]+", " ")
      return para:rep(math.max(1, 32768 // #para))
   elseif mode == 2 then
      local k = 0
      return (rest:gsub(" ", function()
         k = k + 1
         return MARKS[k % #MARKS + 1]
      end))
   elseif mode == 3 then
      local k = 0
      return (rest:gsub(" ", function()
         k = k + 1
         if k % 3 == 0 then return " " .. SCRIPTS[k // 3 % #SCRIPTS + 1] .. " " end
      end))
   end
   return rest
end

local function check_quote(a, text)
   local at = a.attrs
   if type(at) ~= "table" then fail("quote without attrs") end
   if at.speaker ~= null and type(at.speaker) ~= "string" then fail("quote speaker " .. tostring(at.speaker)) end
   local s, e = at.speaker_start, at.speaker_end
   if s ~= null and not (math_type(s) == "integer" and math_type(e) == "integer" and s >= 0 and s <= e
      and e <= #text) then
      fail("quote speaker span " .. tostring(s) .. "-" .. tostring(e))
   end
   if at.strategy ~= null and not strategies[at.strategy] then fail("quote strategy " .. tostring(at.strategy)) end
end

return function(data)
   local text = shaped(data)
   local ok, anns = pcall(pack.run, pack, { text = text, date = "2026-12-06" })
   if not ok then fail("the news pack raised: " .. tostring(anns)) end
   for _, a in ipairs(anns) do
      if type(a.type) ~= "string" or math_type(a.start) ~= "integer" or math_type(a.stop) ~= "integer"
         or a.start < 0 or a.stop < a.start or a.stop > #text then
         fail("bad annotation " .. tostring(a.type) .. " " .. tostring(a.start) .. "-" .. tostring(a.stop))
      end
      if a.text ~= text:sub(a.start + 1, a.stop) then fail("annotation text is not the text there") end
      if a.type == "quote" then check_quote(a, text) end
   end
end
