-- The page's structure: headline, dateline, byline, body, and the clutter
-- scraped along with the article (reader comments, "related" blocks,
-- newsletter prompts, share bars). A document phase, because what a
-- paragraph is depends on the paragraphs before it: everything after
-- "Leave a Reply" is comments until a block of another kind begins.
--
-- Emits `segment` {kind} annotations covering whole paragraphs, and
-- `dateline` {place, source} for "MOSCOW (RFE/RL) —".

local regex = require "quarry.regex"
local page = require "quarry.page"

local structure = {}

-- The clutter list (data/page_clutter.tsv: pattern, role, "strong"), in
-- the file's order; quarry.page tries it on each paragraph in C.
local ROLES = { comments = true, related = true, signature = true, boilerplate = true }
local CLUTTER
do
   local entries = {}
   for _, row in ipairs(read_list("data/page_clutter.tsv")) do
      if not ROLES[row[2]] then
         error(string.format("data/page_clutter.tsv:%d: the role must be comments, related, signature or "
            .. "boilerplate, not '%s'", row.line, tostring(row[2])), 0)
      end
      entries[#entries + 1] = { pattern = row[1], role = row[2], strong = row[3] == "strong" }
   end
   CLUTTER = page.clutter(entries)
end

-- The bytes a class of a pattern matches: byte -> true (by class, made
-- once: ascii_class asks for each byte; read only).
local CLASS_BYTES = {}
local function class_bytes(class)
   local set = CLASS_BYTES[class]
   if set then return set end
   set = {}
   for b = 0, 255 do
      if string.char(b):find("^" .. class .. "$") then set[b] = true end
   end
   CLASS_BYTES[class] = set
   return set
end

-- "MOSCOW (RFE/RL) —", "MUNICH (Alpine Wire)–", "WASHINGTON, D.C. —",
-- "AL-AIN, United Arab Emirates 1996-12-06": an upper-case place, an
-- optional region and source, then a dash (or, wire style, a date).
-- Returns place, source, the byte length of the dateline.
local DASHES = { "\u{2014}", "\u{2013}", "%-%-", "%-" }

-- month names and abbreviations (data/date_names.tsv), lower case
local MONTH_WORD = {}
for _, row in ipairs(read_list("data/date_names.tsv")) do
   if row[2] == "month" then MONTH_WORD[row[1]] = true end
end

-- The bytes a dateline's place can begin with, and those that can follow
-- the first (more of the place, or the space before its next word): a
-- paragraph that begins otherwise has none, without a pattern tried.
local PLACE_FIRST, PLACE_SECOND, SPACE = class_bytes("%u"), {}, class_bytes("%s")
for _, class in ipairs { "[%u%.'%-]", " " } do
   for b in pairs(class_bytes(class)) do PLACE_SECOND[b] = true end
end

-- Whether a text whose first two bytes are b1, b2 can open with a
-- dateline (without, dateline finds none).
local function can_open(b1, b2)
   return PLACE_FIRST[b1] and PLACE_SECOND[b2]
end

local function dateline(p)
   if not can_open(p:byte(1, 2)) then return nil end
   local place = p:match("^([%u][%u%.'%-]*[%u%.]*)")
   if not place then return nil end
   local rest_at = #place + 1
   -- multi-word upper-case places: "NEW YORK", "SAN FRANCISCO", "ST. LOUIS"
   while true do
      local more = p:match("^( [%u][%u%.'%-]+)", rest_at)
      if not more or more:find("%l") then break end
      place = place .. more
      rest_at = rest_at + #more
   end
   if #place < 2 or place:find("%l") then return nil end
   local pos = rest_at
   local region = p:match("^, ([%u][%a%.' ]-[%a%.])%s*[,(\226%-]", pos)
   if region and #region <= 30 and not MONTH_WORD[region:lower():gsub("%.$", "")] then
      pos = pos + 2 + #region
   else
      region = nil
   end
   -- wire style: "DUSHANBE, April 8 (Meridian Wire) -"
   local date = p:match("^,%s*%u%a+%.?%s+%d%d?%f[^%d]", pos)
   if date and MONTH_WORD[date:match("^,%s*(%a+)"):lower()] then pos = pos + #date end
   local source
   local s, e = p:find("^%s*%(([^%)]+)%)", pos)
   if s then
      source = p:match("^%s*%(([^%)]+)%)", pos)
      pos = e + 1
   end
   local ws = p:match("^%s*", pos)
   pos = pos + #ws
   for _, d in ipairs(DASHES) do
      local ds, de = p:find("^" .. d, pos)
      if ds then
         local after = p:match("^%s*", de + 1)
         -- "U.S.-based" is not a dateline
         if d == "%-" and #ws == 0 and #after == 0 then return nil end
         -- "SOCCER - LEEDS BEAT EVERTON": a headline in capitals, no dateline
         local line = p:match("^[^\n]*", de + 1)
         if line:find("%u%u") and not line:find("%l") then return nil end
         return place, source, de + #after, region
      end
   end
   -- wire style: "AL-AIN , United Arab Emirates 1996-12-06"
   local wire = p:match("^%s*,?%s*[%u][%a ]-%s%d%d%d%d%-%d%d%-%d%d", rest_at)
      or p:match("^%s+%d%d%d%d%-%d%d%-%d%d", rest_at)       -- "PARIS 1996-08-27"
   if wire then return place, nil, rest_at - 1 + #wire, nil end
   return nil
end
structure.dateline = dateline

local function is_byline(p, words)
   if words > 12 then return false end
   return p:match("^[Bb][Yy]%s+%u") ~= nil or p:match("^[Ww]ritten by") ~= nil
      or p:match("^[Rr]eporting by") ~= nil
end

-- The last bytes of a sentence ("[%.!?]$").
local SENTENCE_STOP, DOT = class_bytes("[%.!?]"), ("."):byte()

-- Whether p ends with a capital, lower-case letters and a dot
-- ("[%u][%l]*%.$": "Mr.", "Smith."): a regex over the classes spelt out
-- (both ASCII), found from the end at the speed of PCRE2, where the
-- pattern was tried at every byte of p.
local function ascii_class(class)
   local out = {}
   for b = 0, 127 do
      if class_bytes(class)[b] then out[#out + 1] = string.format("\\x%02x", b) end
   end
   for b = 128, 255 do
      assert(not class_bytes(class)[b], "a class over ASCII")
   end
   return "[" .. table.concat(out) .. "]"
end
local INITIAL_END = regex.compile(ascii_class("%u") .. ascii_class("%l") .. "*\\.\\z")
local function ends_with_initial(p)
   return INITIAL_END:test(p) == true
end

-- A headline: a short first paragraph without a sentence's final stop, or
-- in title case.
local function is_headline(p, words)
   if words == 0 or words > 25 then return false end
   local last = p:byte(-1)
   if SENTENCE_STOP[last] and not (last == DOT and ends_with_initial(p)) then
      -- a sentence; still a headline when most words are capitalised:
      -- the first letter of each word ("%a[%w'’%-]*"), then its capitals
      local firsts, n = p:gsub("[^%a]*(%a)[%w'’%-]*", "%1")
      local _, caps = firsts:gsub("%u", "")
      return n > 0 and caps / n > 0.6
   end
   return true
end

-- The kind of an article paragraph that is not clutter, before the
-- body's first: byline, headline, dateline, caption (boilerplate) or body.
local function article_kind(pg, i)
   local t, words = pg:text(i), pg:words(i)
   if i <= 3 and is_byline(t, words) then return "byline" end
   -- (where a headline can stand tested first: the headline's own tests
   -- walk the paragraph)
   if (i == 1 or (i == 2 and pg:kind(1) == "byline")
       -- a page that prints its headline twice
       or (i > 1 and pg:kind(i - 1) == "headline" and t == pg:text(i - 1)))
      and not dateline(t) and is_headline(t, words) then
      return "headline"
   end
   -- a dateline on a line of its own: "BUDAPEST, March 12 (Xinhua) --"
   if select(3, dateline(t)) == #t then return "dateline" end
   if i <= 4 and words <= 8 and not t:match("[%.!?:\"”]$") and #pg > 3 then
      return "boilerplate"                -- a photo caption or kicker between headline and text
   end
   return "body"
end

-- The dateline at the start of the paragraph that starts at byte start:
-- its annotation and segment added to out.
local function emit_dateline(text, start, stop, out)
   -- (most paragraphs open otherwise: not copied then)
   local b1 = text:byte(start + 1)
   if not SPACE[b1] and not can_open(b1, stop > start + 1 and text:byte(start + 2) or nil) then return end
   local ptext = text:sub(start + 1, stop)
   local lead = #ptext:match("^%s*")
   local place, source, len = dateline(ptext:sub(lead + 1))
   if place then
      local ds = start + lead
      local trimmed = text:sub(ds + 1, ds + len):match("^(.-)%s*$")
      out[#out + 1] = { type = "dateline", start = ds, stop = ds + #trimmed,
         attrs = { place = place, source = source }, rule = "dateline" }
      out[#out + 1] = { type = "segment", start = ds, stop = ds + #trimmed,
         attrs = { kind = "dateline" }, rule = "segments" }
   end
end

-- The segments and dateline of runs of paragraphs of one kind (a
-- paragraph without a kind is body).
local function emit(text, pg, first_body, out)
   local i = 1
   while true do
      local kind, j, start, stop = pg:run(i)
      if not kind then return end
      if (kind == "body" and i == first_body) or kind == "dateline" then
         -- the dateline opens the body's first paragraph, or stands before it
         emit_dateline(text, start, select(2, pg:span(i)), out)
      end
      if kind ~= "dateline" then
         out[#out + 1] = { type = "segment", start = start, stop = stop, attrs = { kind = kind }, rule = "segments" }
      end
      i = j + 1
   end
end

--- The document phase: ctx -> annotations (segments and datelines added).
-- Each paragraph is described in C (quarry.page: its words, its role by
-- the clutter list, the block of clutter it is in); the article's own
-- paragraphs before the body's first get their kind here, and all after
-- it are body.
function structure.run(ctx)
   local out = ctx.annotations
   local pg = CLUTTER:describe(ctx.tokens)
   local first_body
   for i = 1, #pg do
      if not pg:kind(i) then
         local kind = article_kind(pg, i)
         pg:set_kind(i, kind)
         if kind == "body" then
            first_body = i
            break
         end
      end
   end
   emit(ctx.text, pg, first_body, out)
   return out
end

return structure
