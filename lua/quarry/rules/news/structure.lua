-- The page's structure: headline, dateline, byline, body, and the clutter
-- scraped along with the article (reader comments, "related" blocks,
-- newsletter prompts, share bars). A document phase, because what a
-- paragraph is depends on the paragraphs before it: everything after
-- "Leave a Reply" is comments until a block of another kind begins.
--
-- Emits `segment` {kind} annotations covering whole paragraphs, and
-- `dateline` {place, source} for "MOSCOW (RFE/RL) —".

local regex = require "quarry.regex"

local structure = {}

-- Clutter lines (data/page_clutter.tsv): {pattern, role, strong}, in the
-- file's order.
local CLUTTER = {}
for _, row in ipairs(read_list("data/page_clutter.tsv")) do
   -- (plain: a boilerplate string found as it is, not as a pattern)
   CLUTTER[#CLUTTER + 1] = { pattern = row[1], role = row[2], strong = row[3] == "strong",
      plain = row[1]:sub(1, 1) ~= "^" }
end

-- The class of the first byte a clutter pattern can match, when it is
-- anchored and begins with a letter, a digit or a %-class that no
-- quantifier makes optional ("^leave a reply": "l"); nil otherwise (a
-- plain boilerplate string is found anywhere).
local function first_class(c)
   local pat = c.pattern
   if pat:sub(1, 1) ~= "^" then return nil end
   local class, rest = pat:match("^%^(%%%a)(.?)")
   if not class then class, rest = pat:match("^%^(%w)(.?)") end
   if not class or rest == "*" or rest == "?" or rest == "-" then return nil end
   return "^" .. class .. "$"
end

-- CLUTTER_AT[b]: the entries of CLUTTER, in order, that can match a
-- paragraph whose first byte is b (CLUTTER_AT[0]: an empty paragraph).
-- CLUTTER_LEAN[b]: the same without the boilerplate strings found as they
-- are, for a paragraph that holds none of them (ANY_PLAIN says whether one
-- does: one search for them all, where each was a search of its own).
local CLUTTER_AT, CLUTTER_LEAN = {}, {}
for b = 0, 255 do
   local list, lean = {}, {}
   for _, c in ipairs(CLUTTER) do
      local class = first_class(c)
      if not class or (b > 0 and string.char(b):match(class)) then
         list[#list + 1] = c
         if not (c.role == "boilerplate" and c.plain) then lean[#lean + 1] = c end
      end
   end
   CLUTTER_AT[b], CLUTTER_LEAN[b] = list, lean
end
local ANY_PLAIN
do
   local alternatives = {}
   for _, c in ipairs(CLUTTER) do
      if c.role == "boilerplate" and c.plain then
         -- the string as it is: every byte but a letter or a digit escaped
         alternatives[#alternatives + 1] = c.pattern:gsub("[^%w\128-\255]", "\\%0")
      end
   end
   if #alternatives > 0 then ANY_PLAIN = regex.compile(table.concat(alternatives, "|")) end
end

-- The byte a clutter pattern's match must end with: that of a letter, a
-- digit or a colon just before its final "$" ("^.-%s+wrote:$": ":"), or
-- nil. (Tried on every paragraph, "^.-" would walk each one to its end.)
for _, c in ipairs(CLUTTER) do
   local before, last = c.pattern:match("(.)([%w:])%$$")
   if last and before ~= "%" then c.last = last:byte() end
end

-- s without the white space (%s) at either end
local function trim(s)
   local a = s:find("%S")
   if not a then return "" end
   local b = #s
   while s:find("^%s", b) do b = b - 1 end
   return s:sub(a, b)
end

local RIGHT_QUOTE = "\u{2019}"
local function lower_ascii(s)
   -- curly apostrophes to straight, so "editor’s" meets "editor'?s"
   s = s:lower()
   if not s:find(RIGHT_QUOTE, 1, true) then return s end
   return (s:gsub(RIGHT_QUOTE, "'"))
end

-- The most words a paragraph of boilerplate has; the longest a paragraph
-- is counted (word_count), since no test asks about more.
local BOILERPLATE_WORDS = 40

-- What a paragraph is by the clutter list: role ("comments", "related",
-- "signature", "boilerplate") and whether it is strong; or nil.
local function clutter_role(p, words)
   local low = lower_ascii(p)
   local last = low:byte(-1)
   local plain = words <= BOILERPLATE_WORDS and ANY_PLAIN and ANY_PLAIN:test(low)
   for _, c in ipairs((plain and CLUTTER_AT or CLUTTER_LEAN)[low:byte(1) or 0]) do
      if c.role ~= "boilerplate" then
         if (c.last == nil or c.last == last) and low:match(c.pattern) then return c.role, c.strong end
      elseif words <= BOILERPLATE_WORDS and low:find(c.pattern, 1, c.plain) then
         return "boilerplate", false
      end
   end
   return nil
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

local function dateline(p)
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

-- The words of p, counted up to one past BOILERPLATE_WORDS (no test
-- below asks about more), so that a body paragraph is not walked to its end.
local WORDS_ENOUGH = BOILERPLATE_WORDS + 1
local function word_count(p)
   local _, n = p:gsub("%S+", "", WORDS_ENOUGH)
   return n
end

local function is_byline(p, words)
   if words > 12 then return false end
   return p:match("^[Bb][Yy]%s+%u") ~= nil or p:match("^[Ww]ritten by") ~= nil
      or p:match("^[Rr]eporting by") ~= nil
end

-- A headline: a short first paragraph without a sentence's final stop, or
-- in title case.
local function is_headline(p, words)
   if words == 0 or words > 25 then return false end
   if p:match("[%.!?]$") and not p:match("[%u][%l]*%.$") then
      -- a sentence; still a headline when most words are capitalised
      local caps, n = 0, 0
      for w in p:gmatch("%a[%w'’%-]*") do
         n = n + 1
         if w:match("^%u") then caps = caps + 1 end
      end
      return n > 0 and caps / n > 0.6
   end
   return true
end

-- The last bytes of a paragraph that ends as a sentence: . ! ? " ) and
-- the last bytes of ” and ’ (as the class [%.!?"”’%)] of a pattern has them)
local ENDS_WITH = {}
for _, b in ipairs { (".!?\")"):byte(1, -1) } do ENDS_WITH[b] = true end
for _, b in ipairs { ("\u{201D}\u{2019}"):byte(1, -1) } do ENDS_WITH[b] = true end

-- What each paragraph looks like: {text, words, role, strong, prose,
-- short}. Prose is article text: a sentence or more that ends as one (a
-- teaser cut with "…" does not); a short line is a link, a title, a
-- name, a date.
local function describe(text, paras)
   local out = {}
   for i, p in ipairs(paras) do
      local t = trim(text:sub(p.start + 1, p.stop))
      local words = word_count(t)
      local role, strong = clutter_role(t, words)
      local tail = t:sub(-3)
      local ends = ENDS_WITH[t:byte(-1) or 0] == true and tail ~= "..." and tail ~= "\u{2026}"
      out[i] = { text = t, words = words, role = role, strong = strong,
                 prose = role == nil and ends and words >= 8,
                 short = role == nil and not (ends and words >= 8) and words <= 15 }
   end
   return out
end

-- Whether the clutter marker at paragraph i opens a block: a strong one
-- does; another needs clutter after it (a short line, page furniture,
-- another marker, a comment's signature) or the page's end. A signature
-- opens comments when another one, or the end, follows within three
-- paragraphs.
local function opens_block(d, i)
   local m = d[i]
   if m.strong then return true end
   local nxt = d[i + 1]
   if not nxt then return true end
   if m.role == "signature" then
      for k = i + 1, math.min(#d, i + 3) do
         if d[k].role == "signature" or d[k].strong then return true end
      end
      return #d - i <= 3 or nxt.short
   end
   return nxt.short or nxt.role ~= nil
end

-- The clutter kind of each paragraph (nil for the article's own). A
-- related block ends where article prose resumes; comments opened by a
-- weak marker end there too unless a signature confirmed them.
local function clutter_kinds(d)
   local kinds, block, signed = {}, nil, false
   for i, p in ipairs(d) do
      local role = p.role
      if role == "comments" or role == "related" or role == "signature" then
         local kind = role == "signature" and "comments" or role
         if block or opens_block(d, i) then
            if block ~= kind then signed = p.strong end
            block = kind
            signed = signed or role == "signature"
         end
         kinds[i] = kind
      elseif role == "boilerplate" then
         kinds[i] = block == "related" and "related" or "boilerplate"
      elseif block and p.prose and (block == "related" or not signed) then
         block = nil                      -- the article resumes
      elseif block then
         kinds[i] = block
      end
   end
   return kinds
end

-- The kind of an article paragraph that is not clutter: byline,
-- headline, dateline, caption (boilerplate) or body.
local function article_kind(text, paras, d, kinds, i, first_body)
   local t, words = d[i].text, d[i].words
   if first_body then return "body" end
   if i <= 3 and is_byline(t, words) then return "byline" end
   if not dateline(t) and is_headline(t, words)
      and (i == 1 or (i == 2 and kinds[1] == "byline")
           -- a page that prints its headline twice
           or (kinds[i - 1] == "headline" and t == trim(text:sub(paras[i - 1].start + 1, paras[i - 1].stop)))) then
      return "headline"
   end
   -- a dateline on a line of its own: "BUDAPEST, March 12 (Xinhua) --"
   if select(3, dateline(t)) == #t then return "dateline" end
   if i <= 4 and words <= 8 and not t:match("[%.!?:\"”]$") and #paras > 3 then
      return "boilerplate"                -- a photo caption or kicker between headline and text
   end
   return "body"
end

-- The segments and dateline of runs of paragraphs of one kind.
local function emit(text, paras, kinds, first_body, out)
   local i = 1
   while i <= #paras do
      local kind = kinds[i]
      local j = i
      while j < #paras and kinds[j + 1] == kind and kind ~= "headline" do j = j + 1 end
      if kind == "body" or kind == "dateline" then
         -- the dateline opens the body's first paragraph, or stands before it
         local p = paras[i]
         local ptext = text:sub(p.start + 1, p.stop)
         local lead = #ptext:match("^%s*")
         local place, source, len = dateline(ptext:sub(lead + 1))
         if place and (i == first_body or kind == "dateline") then
            local ds = p.start + lead
            local trimmed = text:sub(ds + 1, ds + len):match("^(.-)%s*$")
            out[#out + 1] = { type = "dateline", start = ds, stop = ds + #trimmed,
               attrs = { place = place, source = source }, rule = "dateline" }
            out[#out + 1] = { type = "segment", start = ds, stop = ds + #trimmed,
               attrs = { kind = "dateline" }, rule = "segments" }
         end
      end
      if kind ~= "dateline" then
         out[#out + 1] = { type = "segment", start = paras[i].start, stop = paras[j].stop,
            attrs = { kind = kind }, rule = "segments" }
      end
      i = j + 1
   end
end

--- The document phase: ctx -> annotations (segments and datelines added).
function structure.run(ctx)
   local text, toks = ctx.text, ctx.tokens
   local out = ctx.annotations
   local paras = {}
   for _, s, e in toks:paragraphs() do paras[#paras + 1] = { start = s, stop = e } end
   if #paras == 0 then return out end
   local d = describe(text, paras)
   local kinds = clutter_kinds(d)
   local first_body
   for i = 1, #paras do
      if not kinds[i] then
         kinds[i] = article_kind(text, paras, d, kinds, i, first_body)
         if kinds[i] == "body" then first_body = first_body or i end
      end
   end
   emit(text, paras, kinds, first_body, out)
   return out
end

return structure
