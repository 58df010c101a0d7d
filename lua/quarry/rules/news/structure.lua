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

-- The bytes each class matches: byte -> true (by class, computed once).
local CLASS_BYTES = {}
local function class_bytes(class)
   local set = CLASS_BYTES[class]
   if set then return set end
   set = {}
   if #class == 1 and class ~= "." then
      set[class:byte()] = true          -- a character stands for itself
   else
      for b = 0, 255 do
         if string.char(b):find("^" .. class .. "$") then set[b] = true end
      end
   end
   CLASS_BYTES[class] = set
   return set
end

-- The bytes a paragraph that a clutter pattern matches can begin with:
-- those of its first class, and of the classes after each one a
-- quantifier makes optional ("^%d*%s*comments?$": digits, white space
-- and "c"); nil when it may begin with any (a plain boilerplate string,
-- which is found anywhere, or a pattern that can match nothing).
local function first_bytes(pat)
   if pat:sub(1, 1) ~= "^" then return nil end
   local set, i = {}, 2
   while true do
      local e = class_end(pat, i)
      if not e then return nil end
      for b in pairs(class_bytes(pat:sub(i, e - 1))) do set[b] = true end
      local q = pat:sub(e, e)
      if q ~= "*" and q ~= "?" and q ~= "-" then return set end
      i = e + 1
   end
end

-- The byte a clutter pattern's match must end with: that of a letter, a
-- digit or a colon just before its final "$" ("^.-%s+wrote:$": ":"), or
-- nil. (Tried on every paragraph, "^.-" would walk each one to its end.)
for _, c in ipairs(CLUTTER) do
   local before, last = c.pattern:match("(.)([%w:])%$$")
   if last and before ~= "%" then c.last = last:byte() end
end

-- The opening of a clutter pattern that lowering the paragraph cannot
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
for _, c in ipairs(CLUTTER) do
   if c.role ~= "boilerplate" then c.opening = blind_opening(c.pattern) end
end

-- The bytes the second byte of a paragraph a clutter pattern matches is
-- one of, when its first two classes stand once each ("^top stories":
-- "o"); nil otherwise. Most paragraphs share the first byte of a few
-- patterns ("The", "^top stories"), few the second too.
for _, c in ipairs(CLUTTER) do
   local pat = c.pattern
   local e1 = pat:sub(1, 1) == "^" and class_end(pat, 2)
   local e2 = e1 and not pat:sub(e1, e1):find("^[*?+-]") and class_end(pat, e1)
   if e2 and not pat:sub(e2, e2):find("^[*?-]") then c.second = class_bytes(pat:sub(e1, e2 - 1)) end
end

-- A list of entries by the last byte of the paragraph: [b] the entries
-- whose last byte is b or that ask none (c.last), and the boilerplate (whose
-- test does not ask it); .rest those for any other last byte. Equal lists
-- are one table (seen: entry ids -> list).
local ENTRY_ID = {}
for i, c in ipairs(CLUTTER) do ENTRY_ID[c] = i end
local function one_list(list, seen)
   local ids = {}
   for k, c in ipairs(list) do ids[k] = ENTRY_ID[c] end
   local key = table.concat(ids, ",")
   seen[key] = seen[key] or list
   return seen[key]
end
local function by_last(list, seen)
   local lasts, out = {}, {}
   local function kept(b)
      local l = {}
      for _, c in ipairs(list) do
         if c.role == "boilerplate" or c.last == nil or c.last == b then l[#l + 1] = c end
      end
      return one_list(l, seen)
   end
   for _, c in ipairs(list) do
      if c.role ~= "boilerplate" and c.last then lasts[c.last] = true end
   end
   for b in pairs(lasts) do out[b] = kept(b) end
   out.rest = kept(nil)
   return out
end

-- CLUTTER_AT[b1][b2][b3]: the entries of CLUTTER, in order, that can match
-- a paragraph whose first bytes are b1, b2 and whose last byte is b3 (b1
-- 0: also an empty paragraph; [b2] absent, or b2 nil: .other, the entries
-- that ask nothing of it; [b3] absent, or b3 nil: .rest, as by_last).
-- CLUTTER_LEAN[b1][b2][b3]: the same without the boilerplate strings found
-- as they are, for a paragraph that holds none of them (ANY_PLAIN says
-- whether one does: one search for them all, where each was a search of
-- its own).
-- (Bytes that the same entries ask for, as first or second byte, have the
-- same lists: each is made once, keyed by those entries.)
local function by_second(list, seen)
   local asks, other = {}, {}
   for k, c in ipairs(list) do
      if c.second then
         for b in pairs(c.second) do asks[b] = (asks[b] and asks[b] .. "," or "") .. k end
      else
         other[#other + 1] = c
      end
   end
   local out, made = { other = by_last(other, seen) }, {}
   for b2, key in pairs(asks) do
      if not made[key] then
         local l = {}
         for _, c in ipairs(list) do
            if not c.second or c.second[b2] then l[#l + 1] = c end
         end
         made[key] = by_last(l, seen)
      end
      out[b2] = made[key]
   end
   return out
end
-- CLUTTER_LONG[b1][b2]: the same without any boilerplate, for a paragraph
-- of more words than boilerplate has.
local CLUTTER_AT, CLUTTER_LEAN, CLUTTER_LONG = {}, {}, {}
do
   local firsts, seen, made = {}, {}, {}
   -- most first bytes share their list: each distinct list is split once
   local function split(list)
      local key = one_list(list, seen)
      made[key] = made[key] or by_second(list, seen)
      return made[key]
   end
   local asks, lists = {}, {}
   for i, c in ipairs(CLUTTER) do
      firsts[i] = first_bytes(c.pattern) or false
      for b in pairs(firsts[i] or {}) do asks[b] = (asks[b] and asks[b] .. "," or "") .. i end
   end
   for b = 0, 255 do
      local key = asks[b] or ""
      if not lists[key] then
         local list, lean, long = {}, {}, {}
         for i, c in ipairs(CLUTTER) do
            if not firsts[i] or firsts[i][b] then
               list[#list + 1] = c
               if not (c.role == "boilerplate" and c.plain) then lean[#lean + 1] = c end
               if c.role ~= "boilerplate" then long[#long + 1] = c end
            end
         end
         lists[key] = { split(list), split(lean), split(long) }
      end
      CLUTTER_AT[b], CLUTTER_LEAN[b], CLUTTER_LONG[b] = table.unpack(lists[key])
   end
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

-- The bytes %s matches.
local SPACE_BYTE = class_bytes("%s")

-- s without the white space (%s) at either end
local function trim(s)
   local first, last = s:byte(1), s:byte(-1)
   if first and not SPACE_BYTE[first] and not SPACE_BYTE[last] then return s end
   local a = s:find("%S")
   if not a then return "" end
   local b = #s
   while s:find("^%s", b) do b = b - 1 end
   return s:sub(a, b)
end

local RIGHT_QUOTE = "\u{2019}"
local RIGHT_QUOTE_LEAD = RIGHT_QUOTE:sub(1, 1)
local function lower_ascii(s)
   -- curly apostrophes to straight, so "editor’s" meets "editor'?s"
   s = s:lower()
   -- (its first byte looked for first: one byte is found faster than three)
   if not s:find(RIGHT_QUOTE_LEAD, 1, true) or not s:find(RIGHT_QUOTE, 1, true) then return s end
   return (s:gsub(RIGHT_QUOTE, "'"))
end

-- The most words a paragraph of boilerplate has; the longest a paragraph
-- is counted (WORDS_ENOUGH), since no test asks about more.
local BOILERPLATE_WORDS = 40

-- A byte as lower_ascii makes it: A-Z to a-z, any other as it is.
local LOWER_BYTE = {}
for b = 0, 255 do LOWER_BYTE[b] = b end
for b = 65, 90 do LOWER_BYTE[b] = b + 32 end

-- What a paragraph is by the clutter list: role ("comments", "related",
-- "signature", "boilerplate") and whether it is strong; or nil. The
-- paragraph is lowered (lower_ascii) only when a pattern is to be tried
-- on it: its first, second and last bytes rule out most patterns, and
-- they are those of its lowered text unless one of them is not ASCII (a
-- curly apostrophe there is made one byte).
-- (first, second, last: p's first, second and last bytes)
local function clutter_role(p, words, first, second, last)
   local low
   if (first or 0) >= 128 or (second or 0) >= 128 or (last or 0) >= 128 then
      low = lower_ascii(p)
      first, second = low:byte(1, 2)
      last = low:byte(-1)
   else
      first, second, last = LOWER_BYTE[first], LOWER_BYTE[second], LOWER_BYTE[last]
   end
   local short = words <= BOILERPLATE_WORDS
   local plain = false
   if short and ANY_PLAIN then
      low = low or lower_ascii(p)
      plain = ANY_PLAIN:test(low)
   end
   local at = (plain and CLUTTER_AT or not short and CLUTTER_LONG or CLUTTER_LEAN)[first or 0]
   local lists = at[second] or at.other
   local list = lists[last] or lists.rest
   for k = 1, #list do
      local c = list[k]
      if c.role ~= "boilerplate" then
         if low or not c.opening or p:find(c.opening) then
            low = low or lower_ascii(p)
            if low:match(c.pattern) then return c.role, c.strong end
         end
      elseif short then
         low = low or lower_ascii(p)
         if low:find(c.pattern, 1, c.plain) then return "boilerplate", false end
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

-- The bytes a dateline's place can begin with, and those that can follow
-- the first (more of the place, or the space before its next word): a
-- paragraph that begins otherwise has none, without a pattern tried.
local PLACE_FIRST, PLACE_SECOND = class_bytes("%u"), {}
for _, class in ipairs { "[%u%.'%-]", " " } do
   for b in pairs(class_bytes(class)) do PLACE_SECOND[b] = true end
end

local function dateline(p)
   local b1, b2 = p:byte(1, 2)
   if not PLACE_FIRST[b1] or not PLACE_SECOND[b2] then return nil end
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

-- A paragraph's words are counted up to one past BOILERPLATE_WORDS (no
-- test below asks about more), so that a body paragraph is not walked to
-- its end: tokens:count_words, Lua's %S+ counted in C.
local WORDS_ENOUGH = BOILERPLATE_WORDS + 1

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

-- The last bytes of a paragraph that ends as a sentence: . ! ? " ) and
-- the last bytes of ” and ’ (as the class [%.!?"”’%)] of a pattern has them)
local ENDS_WITH = {}
for _, b in ipairs { (".!?\")"):byte(1, -1) } do ENDS_WITH[b] = true end
for _, b in ipairs { ("\u{201D}\u{2019}"):byte(1, -1) } do ENDS_WITH[b] = true end

-- What each paragraph looks like: {text, words, role, strong, prose,
-- short}. Prose is article text: a sentence or more that ends as one (a
-- teaser cut with "…" does not); a short line is a link, a title, a
-- name, a date.
local function describe(text, toks, paras)
   local out = {}
   for i = 1, #paras do
      local p = paras[i]
      local t = text:sub(p.start + 1, p.stop)
      local first, second = t:byte(1, 2)
      local last = t:byte(-1)
      -- (a paragraph that neither begins nor ends with white space is its
      -- own trim: most are, as the tokeniser's paragraphs end at tokens)
      if not first or SPACE_BYTE[first] or SPACE_BYTE[last] then
         t = trim(t)
         first, second = t:byte(1, 2)
         last = t:byte(-1)
      end
      -- (the white space trimmed off holds no word)
      local words = toks:count_words(p.start, p.stop, WORDS_ENOUGH)
      local role, strong = clutter_role(t, words, first, second, last)
      -- (not "...": a teaser cut short; "…" ends with no byte of ENDS_WITH)
      local ends = ENDS_WITH[last or 0] == true
      if last == DOT and #t >= 3 and t:byte(-2) == DOT and t:byte(-3) == DOT then ends = false end
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
   for i = 1, #d do
      local p = d[i]
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

-- The kind of an article paragraph that is not clutter, before the
-- body's first: byline, headline, dateline, caption (boilerplate) or body.
local function article_kind(text, paras, d, kinds, i)
   local t, words = d[i].text, d[i].words
   if i <= 3 and is_byline(t, words) then return "byline" end
   -- (where a headline can stand tested first: the headline's own tests
   -- walk the paragraph)
   if (i == 1 or (i == 2 and kinds[1] == "byline")
       -- a page that prints its headline twice
       or (kinds[i - 1] == "headline" and t == trim(text:sub(paras[i - 1].start + 1, paras[i - 1].stop))))
      and not dateline(t) and is_headline(t, words) then
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
   local i, n = 1, #paras
   while i <= n do
      local kind = kinds[i]
      local j = i
      if kind ~= "headline" then
         while j < n and kinds[j + 1] == kind do j = j + 1 end
      end
      if (kind == "body" and i == first_body) or kind == "dateline" then
         -- the dateline opens the body's first paragraph, or stands before it
         local p = paras[i]
         local ptext = text:sub(p.start + 1, p.stop)
         local lead = #ptext:match("^%s*")
         local place, source, len = dateline(ptext:sub(lead + 1))
         if place then
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
   local d = describe(text, toks, paras)
   local kinds = clutter_kinds(d)
   local first_body
   for i = 1, #paras do
      if not kinds[i] then
         if first_body then
            kinds[i] = "body"
         else
            kinds[i] = article_kind(text, paras, d, kinds, i)
            if kinds[i] == "body" then first_body = i end
         end
      end
   end
   emit(text, paras, kinds, first_body, out)
   return out
end

return structure
