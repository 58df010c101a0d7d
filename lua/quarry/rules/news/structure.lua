-- The page's structure: headline, dateline, byline, body, and the clutter
-- scraped along with the article (reader comments, "related" blocks,
-- newsletter prompts, share bars). A document phase, because what a
-- paragraph is depends on the paragraphs before it: everything after
-- "Leave a Reply" is comments until a block of another kind begins.
--
-- Emits `segment` {kind} annotations covering whole paragraphs, and
-- `dateline` {place, source} for "MOSCOW (RFE/RL) —".

local structure = {}

-- Paragraphs that open a block of clutter, and the block's kind. Matched
-- against the whole paragraph, case-insensitively, after trimming.
local OPENERS = {
   { "comments", "^%d*%s*comments?$" },
   { "comments", "^%d+%s+comments?$" },
   { "comments", "^%d+%s+responses?" },
   { "comments", "^%d+%s+thoughts? on" },
   { "comments", "^leave a reply" },
   { "comments", "^leave a comment" },
   { "comments", "^post a comment" },
   { "comments", "^add a comment" },
   { "comments", "^join the discussion" },
   { "comments", "^join the conversation" },
   { "comments", "^discussion policy" },
   { "comments", "^reader comments" },
   { "comments", "^comments are closed" },
   { "comments", "^show comments" },
   { "comments", "^view comments" },
   { "comments", "^what do you think%?*$" },
   { "comments", "^%d+%.%s+.-%s+said:$" },
   { "comments", "^.-%s+says?:$" },
   { "comments", "^.-%s+wrote:$" },
   { "comments", "^pingback:" },
   { "comments", "^trackback:" },
   { "comments", "^reply$" },
   { "related", "^related" },
   { "related", "^you may also like" },
   { "related", "^you might also like" },
   { "related", "^you may be interested" },
   { "related", "^more from" },
   { "related", "^more stories" },
   { "related", "^more on this" },
   { "related", "^more news" },
   { "related", "^popular stories" },
   { "related", "^popular posts" },
   { "related", "^most popular" },
   { "related", "^most read" },
   { "related", "^recommended" },
   { "related", "^see also" },
   { "related", "^also read" },
   { "related", "^read also" },
   { "related", "^read more:?$" },
   { "related", "^trending" },
   { "related", "^latest news" },
   { "related", "^top stories" },
   { "related", "^further reading" },
   { "related", "^explore additional categories" },
   { "related", "^editor'?s picks" },
}

-- Single paragraphs of boilerplate: the block does not continue past them.
local BOILERPLATE = {
   "subscribe", "sign up", "newsletter", "get notified", "your email address will not be published",
   "required fields are marked", "share this", "share on", "follow us", "click here", "read the rest",
   "all rights reserved", "copyright", "^©", "advertisement", "^h/t ", "^hat tip", "^photo:", "^image:",
   "^source:", "^print$", "^email$", "^share$", "^tweet$", "cookies", "privacy policy", "terms of use",
   "^tags?:", "^filed under", "^posted in", "^categories:", "^previous post", "^next post",
   "^previous article", "^next article", "^loading", "^skip to", "^back to top", "^listen to this",
   "^support our journalism", "^donate", "^whatsapp", "^telegram", "^facebook", "^twitter",
   "in your inbox", "unsubscribe", "^get the latest", "^download our app", "^watch:", "^listen:",
}

local function trim(s) return (s:gsub("^%s+", ""):gsub("%s+$", "")) end

local function lower_ascii(s)
   -- curly apostrophes to straight, so "editor’s" meets "editor'?s"
   return (s:lower():gsub("\u{2019}", "'"))
end

local function opener(p)
   local low = lower_ascii(p)
   for _, o in ipairs(OPENERS) do
      if low:match(o[2]) then return o[1] end
   end
end

local function boilerplate(p, words)
   if words > 40 then return false end
   local low = lower_ascii(p)
   for _, pat in ipairs(BOILERPLATE) do
      if low:find(pat, 1, pat:sub(1, 1) ~= "^") then return true end
   end
   return false
end

-- "MOSCOW (RFE/RL) —", "MUNICH (Combined Sources)–", "WASHINGTON, D.C. —",
-- "AL-AIN, United Arab Emirates 1996-12-06": an upper-case place, an
-- optional region and source, then a dash (or, wire style, a date).
-- Returns place, source, the byte length of the dateline.
local DASHES = { "\u{2014}", "\u{2013}", "%-%-", "%-" }

local MONTH_WORD = {}
for _, m in ipairs { "january", "february", "march", "april", "may", "june", "july", "august", "september",
                     "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
                     "sep", "sept", "oct", "nov", "dec" } do
   MONTH_WORD[m] = true
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

local function word_count(p)
   local n = 0
   for _ in p:gmatch("%S+") do n = n + 1 end
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

--- The document phase: ctx -> annotations (segments and datelines added).
function structure.run(ctx)
   local text, toks = ctx.text, ctx.tokens
   local out = ctx.annotations
   local paras = {}
   for _, s, e in toks:paragraphs() do paras[#paras + 1] = { start = s, stop = e } end
   if #paras == 0 then return out end
   local block                 -- the clutter block we are in, if any
   local kinds = {}
   local first_body
   for i, p in ipairs(paras) do
      local t = trim(text:sub(p.start + 1, p.stop))
      local words = word_count(t)
      local kind
      local open = opener(t)
      if open then
         block, kind = open, open
      elseif boilerplate(t, words) then
         kind = "boilerplate"
         if block == "related" then kind = "related" end
      elseif block then
         kind = block
      elseif not first_body and i <= 3 and is_byline(t, words) then
         kind = "byline"
      elseif not first_body and not dateline(t) and is_headline(t, words)
         and (i == 1 or (i == 2 and kinds[1] == "byline")
              -- a page that prints its headline twice
              or (kinds[i - 1] == "headline" and t == trim(text:sub(paras[i - 1].start + 1, paras[i - 1].stop)))) then
         kind = "headline"
      elseif not first_body and select(3, dateline(t)) == #t then
         -- a dateline on a line of its own: "BUDAPEST, March 12 (Xinhua) --"
         kind = "dateline"
      elseif not first_body and i <= 4 and words <= 8 and not t:match("[%.!?:\"”]$") and #paras > 3 then
         -- a photo caption or kicker between headline and text
         kind = "boilerplate"
      else
         kind = "body"
         first_body = first_body or i
      end
      kinds[i] = kind
   end
   -- boilerplate paragraphs inside the body are body-adjacent chrome; a
   -- trailing run of short boilerplate after the comments stays clutter
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
            local de = ds + len
            local trimmed = text:sub(ds + 1, de):match("^(.-)%s*$")
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
   return out
end

return structure
