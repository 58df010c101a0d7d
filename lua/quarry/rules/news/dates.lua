-- Dates, as TIMEX3 values: "2016-07-16", "2016-07", "2016", a week
-- "2016-W28", a quarter "2016-Q3", a half "2016-H2", a season "2016-SU",
-- a weekend "2016-W28-WE", a decade "201", a century "20", and PRESENT_REF,
-- PAST_REF, FUTURE_REF for "now", "recently", "the future".
--
-- The rules find the expressions. One that names its date ("July 16,
-- 2016", "the 1990s", "now") carries attrs.value; one relative to the
-- article ("on Monday", "last week", "July 16", "a year earlier", "the
-- third quarter") carries what it says in attrs.rel, and the resolve
-- phase turns that into a value (date_values.lua) against the document's
-- date, the tense of the date's clause and the dates mentioned before it.
-- A rule whose date its captures' texts say alone ("yesterday", "on
-- Monday", "now") is declared, with no action: the matcher makes its
-- annotations, which carry those texts (or only their own text, when
-- that says the date) until the resolve phase reads them (READ below),
-- once overlaps are settled.
--
-- Word lists: data/date_names.tsv (months, weekdays, seasons, ordinals,
-- numbers, units), data/date_refs.tsv ("now", "the past"),
-- data/date_not_years.tsv (what makes 1840 a count, a clock time or an
-- index level rather than a year).

local dates = {}

local wordset = require "quarry.wordset"

local values = include "date_values"
local tense = include "date_tense"
dates.values = values

-- The rules whose annotations the matcher makes as they are declared
-- (no action: no Lua call a match), their attrs the texts of their
-- captures (none when the annotation's text is all they need):
-- READ[rule](attrs, toks, a) -> the attrs the rule's date a carries, or
-- nil when it is no date. Read once the phase's overlaps are settled, for
-- the dates kept alone. A date that names its value carries attrs.value;
-- one relative to the article carries its rel's fields themselves, with
-- rel = true: values.resolve_document reads them as the rel, then puts
-- the value in their place (one table a date, not an attrs and a rel).
-- The tables are made with room for value and relative, so that setting
-- them does not resize them.
local READ = {}
-- READ_KEYS[rule]: the attrs names that rule declares (set at the end,
-- from dates.rules), false for a rule that declares none.
local READ_KEYS = {}

-- Whether date a's attrs are those its rule of READ declares: none for a
-- rule that declares none, else some of its names and no other. A rule of
-- the same name that a pack including this one puts in its place, with
-- attrs of its own (a value, a rel, anything else), keeps them.
local function declared_attrs(keys, attrs)
   if not keys then return attrs == nil end
   if attrs == nil then return false end
   for k in pairs(attrs) do
      if not keys[k] then return false end
   end
   return true
end

--- Resolves the document's dates (see date_values.lua): ctx {text,
-- tokens, date}, dated: its date annotations. Returns those kept, in
-- text order, with their values.
-- (One pass first: each declared rule's attrs read, a date that is none
-- dropped, and whether the dates kept come in text order, so that
-- values.resolve_document sorts them only when they do not.)
function dates.resolve_document(ctx, dated)
   local toks, out, k, prev, sorted = ctx.tokens, dated, 0, -1, true
   for i = 1, #dated do
      local a = dated[i]
      local rule, attrs = a.rule, a.attrs
      local read = READ[rule]
      if read then
         local keys = READ_KEYS[rule]
         -- (most declare none and carry none: "2014", "last May")
         if attrs == nil and not keys or attrs ~= nil and keys and declared_attrs(keys, attrs) then
            attrs = read(attrs, toks, a)
            a.attrs = attrs
         end
      end
      if attrs then
         k = k + 1
         if out ~= dated then out[k] = a end
         local start = a.start
         if start <= prev then sorted = false end
         prev = start
      elseif out == dated then
         out = table.move(dated, 1, k, 1, {})
      end
   end
   return values.resolve_document(ctx, out, tense, sorted)
end

-- The calendar's words: NAMES[kind][word] = value, and each kind's words
-- as written in text (title case, with and without an abbreviation's
-- period).
local NAMES, ABBR, LIST = {}, {}, {}
for _, row in ipairs(read_list("data/date_names.tsv")) do
   local word, kind, v = row[1], row[2], row[3]
   if v then
      NAMES[kind] = NAMES[kind] or {}
      NAMES[kind][word] = tonumber(v) or v
      if row[4] == "abbr" then ABBR[word] = true end
   else
      LIST[kind] = LIST[kind] or {}
      table.insert(LIST[kind], word)
   end
end

-- A kind's words as a list: full names, and abbreviations (with and
-- without their period) when asked for.
local function spellings(kind, abbreviations)
   local out = {}
   -- title case: the tokeniser keeps "Sept." one token, as it is written
   for w in pairs(NAMES[kind]) do
      local t = w:sub(1, 1):upper() .. w:sub(2)
      if not ABBR[w] then out[#out + 1] = t
      elseif abbreviations then out[#out + 1] = t; out[#out + 1] = t .. "." end
   end
   table.sort(out)
   return out
end

-- Holidays (data/holidays.tsv): name -> {month, day, weekday, nth} or
-- {easter = offset}.
local HOLIDAYS, HOLIDAY_NAMES = {}, {}
for _, row in ipairs(read_list("data/holidays.tsv")) do
   local h
   if row[2] == "easter" then h = { easter = tonumber(row[3]) or 0 }
   else
      h = { month = tonumber(row[2]), day = tonumber(row[3] or ""), weekday = tonumber(row[4] or ""),
            nth = tonumber(row[5] or "") }
   end
   HOLIDAYS[row[1]] = h
   HOLIDAY_NAMES[#HOLIDAY_NAMES + 1] = row[1]
end
-- longer names first: "Thanksgiving Day" before "Thanksgiving"
table.sort(HOLIDAY_NAMES, function(x, y) return #x > #y end)
local HOLIDAY = nil
for _, name in ipairs(HOLIDAY_NAMES) do HOLIDAY = HOLIDAY and HOLIDAY + P.word(name) or P.word(name) end
-- The words of a set, sorted (a pattern's alternatives in a fixed order).
local function list_of(set)
   local out = {}
   for w in pairs(set) do out[#out + 1] = w end
   table.sort(out)
   return out
end
-- the first and the last words of the holidays' names, and the most
-- tokens a name takes
local HOLIDAY_FIRST, HOLIDAY_LAST, HOLIDAY_WIDTH
do
   local firsts, lasts, width = {}, {}, 1
   for _, name in ipairs(HOLIDAY_NAMES) do
      local keys = P.keys(name)
      firsts[keys[1]], lasts[keys[#keys]] = true, true
      width = math.max(width, #keys)
   end
   HOLIDAY_FIRST, HOLIDAY_LAST, HOLIDAY_WIDTH = P.set(list_of(firsts)), P.set(list_of(lasts)), width
end

-- What makes a year-like number no year.
local NOT_YEAR = { unit = {}, clock = {}, market = {}, level = {} }
for _, row in ipairs(read_list("data/date_not_years.tsv")) do NOT_YEAR[row[2]][row[1]] = true end
-- The market's words as a word set, found among a sentence's tokens in
-- one call: a token's key is one token's, so a word of several tokens
-- ("s&p") is never one.
local function word_set(set)
   local out = {}
   for _, w in ipairs(list_of(set)) do
      if select(2, P.width(P.word(w))) == 1 then out[#out + 1] = w end
   end
   return wordset.new(out)
end
local MARKET_WORDS = word_set(NOT_YEAR.market)
-- a clock's words ("local", "GMT"), an index level's ("level", "mark")
local CLOCK_WORDS, LEVEL_WORDS = word_set(NOT_YEAR.clock), word_set(NOT_YEAR.level)
-- what joins a range's numbers, and the words before a number that may be
-- a level ("the Dow rose to 1850", "above 2000")
local RANGE = { "to", "and", "-", "\u{2013}" }
local RANGE_WORDS = wordset.new(RANGE)
-- the words of a clock, a range and a level: one test of the token after a year
local AFTER_YEAR
do
   local set = {}
   for _, w in ipairs(RANGE) do set[w] = true end
   for _, kind in ipairs { "clock", "level" } do
      for w in pairs(NOT_YEAR[kind]) do set[w] = true end
   end
   AFTER_YEAR = word_set(set)
end
local LEVEL_BEFORE = wordset.new { "to", "at", "from", "the", "above", "below", "near", "around" }

-- NAMES[kind] by the spellings text has most (lower, title and upper
-- case, with and without an abbreviation's period): SPELT[kind][text],
-- what name_of finds of them without lowering the text.
local SPELT = {}
for kind, names in pairs(NAMES) do
   local spelt = {}
   for w, v in pairs(names) do
      if w == w:lower() and w:byte(-1) ~= 46 then
         for _, t in ipairs { w, w:sub(1, 1):upper() .. w:sub(2), w:upper() } do
            spelt[t], spelt[t .. "."] = v, v
         end
      end
   end
   SPELT[kind] = spelt
end

-- The same of the words written in letters alone: WORD_OF[kind][text],
-- a date's text found there being that one token ("Friday", "May").
local WORD_OF = {}
for kind, spelt in pairs(SPELT) do
   local words = {}
   for t, v in pairs(spelt) do
      if t:find("^%a+$") then words[t] = v end
   end
   WORD_OF[kind] = words
end

local function name_of(kind, s)
   local v = SPELT[kind][s]
   if v ~= nil then return v end
   local low = s:lower()
   -- an abbreviation's period off: "Sept." is "sept"
   if low:byte(-1) == 46 then low = low:sub(1, -2) end
   return NAMES[kind][low]
end

local function number_of(s)
   if s:find("^%d+$") then return tonumber(s) end   -- most are digits only
   local n = tonumber((s:gsub("[^%d]", "")))
   return n
end

-- A year written in digits, or spoken: "nineteen ninety-six", "two
-- thousand", "two thousand and one".
local function year_of(s)
   if s:match("^%d") then return number_of(s) end
   local low = s:lower()
   local words = {}
   for w in low:gmatch("[%a]+") do
      if w ~= "and" then words[#words + 1] = w end
   end
   if words[1] == "two" and words[2] == "thousand" then
      return 2000 + (words[3] and NAMES.number[words[3]] or 0)
   end
   local century = NAMES.number[words[1]]
   local tens, units = NAMES.number[words[2] or ""], NAMES.number[words[3] or ""]
   if not century or not tens then return nil end
   return century * 100 + tens + (units or 0)
end

-- A year, month, day that say a real date (any may be nil).
local valid = values.valid
-- year, month, day (month and day optional) -> "YYYY-MM-DD", "YYYY-MM", "YYYY"
local format_date = values.format_date

-- The attrs of a date relative to the article: rel, and room for the
-- value and relative that the resolve phase sets in its place (a table
-- made with its fields, so that setting them later does not resize it).
local function rel_attrs(rel)
   return { rel = rel, value = nil, relative = nil }
end

-- The attrs of a date from the texts of its year, month, day and dir (any
-- may be nil): its value when it has a year, else rel; nil when they say
-- no real date.
local function date_attrs(year_text, month_text, day_text, dir_text)
   local year = year_text and year_of(year_text)
   local month = month_text and name_of("month", month_text)
   local day = day_text and number_of(day_text)
   if not valid(year, month, day) then return nil end
   if year then return { value = format_date(year, month, day) } end
   return rel_attrs { month = month, day = day, dir = dir_text and dir_text:lower() or nil }
end

-- The date of a match's captures year, month, day.
local function date_from(m)
   local caps = m.caps
   local c_year, c_month, c_day, c_dir = caps.year, caps.month, caps.day, caps.dir
   local attrs = date_attrs(c_year and c_year.text, c_month and c_month.text, c_day and c_day.text,
      c_dir and c_dir.text)
   return attrs and { type = "date", start = m.start, stop = m.stop, attrs = attrs }
end

-- Whether the token at byte offset start opens its sentence.
local function starts_sentence(toks, start)
   local i = toks:cover(start, start + 1)
   return not i or i == 1 or toks:get(i - 1, "sentence") ~= toks:get(i, "sentence")
end

-- last_unit's date: "last week", "this year"; no date for a decade but
-- the last, the past or this one, nor for "This Week" in title case inside
-- a sentence (a show's or a paper's name).
function READ.last_unit(attrs, toks, a)
   local dir, unit = attrs.dir:lower(), attrs.unit:lower()
   if unit == "decade" and dir ~= "last" and dir ~= "past" and dir ~= "this" then return nil end
   local b = attrs.unit:byte(1)
   if b and b >= 65 and b <= 90 and not starts_sentence(toks, a.start) then return nil end
   local offset = (dir == "last" or dir == "past" or dir == "previous" or dir == "this past") and -1
      or (dir == "next" or dir == "coming") and 1 or 0
   return { unit = unit, offset = offset, rel = true, value = nil, relative = nil }
end

-- month_rel_year's date: "June last year".
function READ.month_rel_year(attrs)
   local d = attrs.dir:lower()
   local off = d == "last" and -1 or d == "next" and 1 or 0
   return { month = name_of("month", attrs.month), year_offset = off, rel = true, value = nil, relative = nil }
end

-- year_end's date: "the year" alone is the article's year; with "the end
-- of" its end.
function READ.year_end(attrs)
   local unit = attrs.unit:lower():gsub("[%- ]end$", ""):gsub("['’]s$", "")
   return { unit = unit, offset = 0, rel = true, value = nil, relative = nil }
end

-- year_adj's date: "the year-earlier quarter", that period a year before.
function READ.year_adj()
   return { anaphor = "year", offset = -1, same_period = true, rel = true, value = nil, relative = nil }
end

-- weekend's date: "the weekend", "next weekend".
function READ.weekend(attrs)
   local d = attrs.dir:lower()
   local dir = d:match("last") or d:match("past") and "last" or d:match("next") or d:match("coming") and "next"
   return { weekend = true, dir = dir, rel = true, value = nil, relative = nil }
end

-- The words a month's date may open with that say which ("last May"):
-- its dir (the others are its part: "early May", "the end of May");
-- MONTH_DIRS: the same, by their keys joined by a space.
local MONTH_DIR_WORDS = { "last", "next", "this", "this past", "this coming" }
local MONTH_DIRS = {}
for _, w in ipairs(MONTH_DIR_WORDS) do MONTH_DIRS[w] = true end

-- The texts of date a's words before its last token, when there are any
-- (from its text: a declared rule's annotation carries no capture), and
-- of its last token; first, last: a's tokens.
local function split_last(toks, a, first, last)
   local text, start = a.text, a.start
   local last_start = toks:span(last)
   local before
   if first < last then
      local _, stop = toks:span(last - 1)
      before = text:sub(1, stop - start)
   end
   return before, text:sub(last_start - start + 1)
end

-- month's date (the month its last token, what says which before it); none
-- for "May's" (more often Theresa May's than the month's).
function READ.month(_, toks, a)
   -- (most are the month alone: "in June")
   local m = WORD_OF.month[a.text]
   if m and m ~= 5 then return { month = m, rel = true, value = nil, relative = nil } end
   local first, last = toks:cover(a.start, a.stop)
   local before, month = split_last(toks, a, first, last)
   if name_of("month", month) == 5 then
      if last < #toks and (toks:key(last + 1) == "'s" or toks:key(last + 1) == "’s") then return nil end
   end
   -- (the words before the month are its dir when they are one of
   -- MONTH_DIR_WORDS, whatever the parts' lengths; else its part)
   local dir
   if before then
      local words = toks:key(first)
      for t = first + 1, last - 1 do words = words .. " " .. toks:key(t) end
      if MONTH_DIRS[words] then dir = before end
   end
   local attrs = date_attrs(nil, month, nil, dir)
   local rel = attrs and attrs.rel
   if rel then rel.rel = true end
   return rel
end

-- The date of match m that rel says relative to the article.
local function relative(m, rel)
   return { type = "date", start = m.start, stop = m.stop, attrs = rel_attrs(rel) }
end

local function valued(m, value)
   return { type = "date", start = m.start, stop = m.stop, attrs = { value = value } }
end

-- weekday's date: the weekday, after the last, the next, the one before
-- the day told of ("the previous Friday") or after it.
local WEEKDAY_DIRS = { ["this coming"] = "next", ["this past"] = "last", ["the previous"] = "before",
   ["the preceding"] = "before", ["the following"] = "after", on = false, this = false }
-- (the weekday its last token, what says which before it in its span:
-- "on Friday" is the date "Friday")
function READ.weekday(_, toks, a)
   -- (most are the weekday alone: "on Friday")
   local day = WORD_OF.weekday[a.text]
   if day then return { weekday = day, rel = true, value = nil, relative = nil } end
   local before, wd = split_last(toks, a, toks:cover(a.start, a.stop))
   local dir = before and before:lower()
   local named = WEEKDAY_DIRS[dir]
   if named ~= nil then dir = named or nil end
   return { weekday = name_of("weekday", wd), dir = dir, rel = true, value = nil, relative = nil }
end

-- yesterday's date: a day from the article's (its text).
function READ.yesterday(_, _, a)
   local w = a.text:lower()
   return { offset_days = w == "yesterday" and -1 or w == "tomorrow" and 1 or 0, rel = true, value = nil,
            relative = nil }
end

-- Token patterns.
local MONTH = P.tok { set = spellings("month", true), case = { "title", "upper" } }
-- alone, without a day or a year: "Jan" is more often a name ("Jan Kavan")
local MONTH_ALONE = P.tok { set = spellings("month", false), case = { "title", "upper" } }
   + P.tok { set = spellings("month", true), case = { "title", "upper" }, regex = [[\.$]] }
local WEEKDAY = P.tok { set = spellings("weekday"), case = { "title", "upper" } }
-- the words a weekday's date may open with: "last Monday", "on Friday"
local WEEKDAY_DIRS_KEPT = { "last", "next", "this coming", "this past", "the previous", "the preceding",
   "the following" }
local WEEKDAY_DIR_KEPT = P.set(WEEKDAY_DIRS_KEPT)
-- ... and those the date leaves out: "on Friday" is "Friday"
local WEEKDAY_DIRS_LEFT = { "this", "on", "On" }
local WEEKDAY_DIR_LEFT = P.set(WEEKDAY_DIRS_LEFT)
-- A weekday after none of those: the words of one token tested in place
-- on the token before it, and only where none is, the phrases of two
-- (a lookbehind of them all would run at every weekday).
local WEEKDAY_NOT_AFTER_DIR
do
   local one, more = {}, {}
   for _, list in ipairs { WEEKDAY_DIRS_KEPT, WEEKDAY_DIRS_LEFT } do
      for _, w in ipairs(list) do
         if #P.keys(w) == 1 then one[#one + 1] = w else more[#more + 1] = w end
      end
   end
   WEEKDAY_NOT_AFTER_DIR = P.notbehind(P.set(one)) * P.notbehind(P.set(more))
end
-- A lookahead that one of the words p takes stands lo to hi tokens after
-- a match's start, for a rule whose every match has one there: it gives
-- the matcher a window of those words, so that the rule is not run where
-- only its first words stand ("this" of "this spring" before "year").
local function near(lo, hi, p)
   return P.ahead(P.rep(P.any, lo, hi) * p)
end
-- Every joining of one item of each list, in order: product({"1", "2"},
-- {"", "st"}) -> {"1", "1st", "2", "2st"}.
local function product(...)
   local out = { "" }
   for _, list in ipairs { ... } do
      local joined = {}
      for _, a in ipairs(out) do
         for _, b in ipairs(list) do joined[#joined + 1] = a .. b end
      end
      out = joined
   end
   return out
end
local function numerals(lo, hi)
   local out = {}
   for n = lo, hi do out[#out + 1] = tostring(n) end
   return out
end
-- A token the regex takes, of a closed set of words: words holds every
-- text the regex takes (in lower case too when it ignores case), so the
-- pattern matches what the regex alone does, and the matcher tries a rule
-- that opens with it only at tokens of those words, not at every token.
-- A word that is several tokens when written alone ("mid-Sept." is
-- "mid-Sept" and a period, but one token in "mid-Sept. 12") is its exact
-- text.
local function closed(words, regex)
   local set, p = {}, nil
   for _, w in ipairs(words) do
      if #P.keys(w) == 1 then set[#set + 1] = w
      else p = p and p + P.text(w) or P.text(w) end
   end
   local tok = P.tok { set = set, regex = regex }
   return p and tok + p or tok
end
local DAY = closed(product(numerals(1, 31), { "", "st", "nd", "rd", "th" }),
   [[^(?:[1-9]|[12][0-9]|3[01])(?:st|nd|rd|th)?$]])
local DIGIT_YEAR = closed(numerals(1800, 2099), [[^(?:1[89][0-9]{2}|20[0-9]{2})$]])
-- A day and a month it has (February's 29th too: a year may be leap),
-- "7 December", "the 30th of April": a day up to the 29th of any month,
-- the 30th and the 31st of the months that have them.
local function day_of_month(of)
   local SUFFIXES = { "", "st", "nd", "rd", "th" }
   local function months_of(day)
      local out = {}
      for _, w in ipairs(spellings("month", true)) do
         if values.valid(nil, name_of("month", w), day) then out[#out + 1] = w end
      end
      return P.tok { set = out, case = { "title", "upper" } }
   end
   local function day_then(days, regex, months)
      return P.cap("day", closed(product(days, SUFFIXES), regex)) * of * P.cap("month", months)
   end
   return day_then(numerals(1, 29), [[^(?:[1-9]|1[0-9]|2[0-9])(?:st|nd|rd|th)?$]], MONTH)
      + day_then({ "30" }, [[^30(?:st|nd|rd|th)?$]], months_of(30))
      + day_then({ "31" }, [[^31(?:st|nd|rd|th)?$]], months_of(31))
end
-- spoken, in transcripts: "nineteen ninety-six", "two thousand"
local function number_words(lo, hi, step)
   local out = {}
   for w, n in pairs(NAMES.number) do
      if n >= lo and n <= hi and n % step == 0 and #w > 2 then out[#out + 1] = w end
   end
   table.sort(out)
   return out
end
-- "ninety", "ninety-six": a closed set, so that the matcher looks for its
-- words, not for what a regex takes, among a document's tokens
local TENS_WORDS, ONES_WORDS = number_words(20, 90, 10), number_words(1, 9, 1)
local TENS = closed(product(TENS_WORDS, { "", table.unpack(product({ "-" }, ONES_WORDS)) }),
   "^(?i:" .. table.concat(TENS_WORDS, "|") .. ")(?:-(?i:" .. table.concat(ONES_WORDS, "|") .. "))?$")
local YEAR = DIGIT_YEAR + P.set { "eighteen", "nineteen" } * TENS
   + P.word "two thousand" * P.opt(P.opt("and") * P.set { "one", "two", "three", "four", "five", "six", "seven",
                                                           "eight", "nine" })
local SEASON = P.set(spellings("season"))
local ORDINAL = P.set(spellings("ordinal"))
   + closed(product(numerals(1, 21), { "st", "nd", "rd", "th" }), [[^(?:[1-9]|1[0-9]|2[01])(?:st|nd|rd|th)$]])
local COUNT = P.set(spellings("number")) + closed(numerals(1, 99), [[^[1-9][0-9]?$]])
local UNIT = P.set(spellings("unit"))
local UNIT_NOT_CENTURY
do
   local words = {}
   for _, w in ipairs(spellings("unit")) do
      if name_of("unit", w) ~= "century" then words[#words + 1] = w end
   end
   UNIT_NOT_CENTURY = P.set(words)
end
-- a determiner or possessive: "a 2011 audit", "its 2009 report", "the
-- company's 1989 results"
local DET = P.set(LIST.determiner) + P.text "'s" + P.text "’s"
local NOT_UNIT = P.notahead(P.set(list_of(NOT_YEAR.unit)) + P.set(list_of(NOT_YEAR.clock)))
local YEAR_CUE = P.set(LIST.year_cue)
-- what makes "the fall" a noun: "the fall of Rome", "the fall in prices"
local SEASON_NOT_AFTER = P.set(LIST.noun_season)
-- "early", "late", "mid-", "the end of": a part of the date, TIMEX3's mod
local PART = P.set(LIST.part)
-- "last week", "this fiscal year": what says which, and the unit
local UNIT_DIR = P.cap("dir", P.set { "last", "next", "this", "past", "earlier this", "later this", "coming", "current",
                                      "previous", "this past" })
local UNIT_WORD = P.cap("unit", P.set { "week", "month", "year", "decade" })
-- Where last_unit starts on its dir, not on the "the" before it, when
-- the match that starts there holds it and says the same (a unit in lower
-- case: "This Week" in title case is no date where its sentence does not
-- start). (Not so after "earlier" and "later": "three weeks later this
-- year" is "three weeks later" and "this year".)
local UNIT_NOT_AFTER_THE = P.notbehind(P.word "the")
   + P.notahead(UNIT_DIR * P.opt("fiscal") * P.tok { set = { "week", "month", "year", "decade" }, case = "lower" })
-- "nearly two years ago", "a few years ago"
local AGO_ABOUT = P.set { "nearly", "almost", "about", "some", "more than", "less than", "over", "roughly",
                          "just over", "just under" }
local AGO_N = COUNT + P.set { "several", "a few", "many", "a couple of" }
local AGO_UNIT = P.cap("unit", UNIT) * P.word "ago"
-- without a count, a unit in the plural: "years ago" ("year ago" alone is
-- no date)
local AGO_UNITS
do
   local plural = {}
   for _, w in ipairs(spellings("unit")) do
      if w:lower():match("s$") then plural[#plural + 1] = w end
   end
   AGO_UNITS = P.cap("unit", P.set(plural)) * P.word "ago"
end

-- A number that looks like a year is no year when a clock or an index
-- level is meant: "from 1800 to 2100 local time", "the Dow rose to 1850".
-- Whether the sentence of token first holds a market's word: one scan in C.
local function market_sentence(toks, first)
   local _, _, f, l = toks:sentence(toks:get(first, "sentence"))
   return MARKET_WORDS:find(toks, f, l) ~= nil
end

local function false_year(toks, first, last)
   local after = last + 1
   -- (the next token is most often none of the words below, and no number)
   if AFTER_YEAR:has(toks, after) or (after <= #toks and toks:kind(after) == "number") then
      -- the next word, or the one after a range's second number
      for i = after, math.min(#toks, last + 4) do
         if CLOCK_WORDS:has(toks, i) then return true end
         if not (RANGE_WORDS:has(toks, i) or toks:kind(i) == "number") then break end
      end
      if LEVEL_WORDS:has(toks, after) then return market_sentence(toks, first) end
   end
   if LEVEL_BEFORE:has(toks, first - 1) then return market_sentence(toks, first) end
   return false
end

-- Whether s is four ASCII digits.
local function four_digits(s)
   if #s ~= 4 then return false end
   local a, b, c, d = s:byte(1, 4)
   return a >= 48 and a <= 57 and b >= 48 and b <= 57 and c >= 48 and c <= 57 and d >= 48 and d <= 57
end

-- year's date (its text), of its tokens first .. last
function READ.year(_, toks, a)
   local first, last = toks:cover(a.start, a.stop)
   if false_year(toks, first, last) then return nil end
   local text = a.text
   -- (a year in digits, as most are, is its own value)
   if four_digits(text) then return { value = text } end
   return date_attrs(text)
end

-- "2007-2008", "1998-99", "2007\u{2013}2008": the first year, with
-- attrs.through the last; nil for a number of that shape that is no
-- range of years (1800 to 2099, the last of two digits or four).
local function year_range(m)
   local text = m:text()
   local a, b = text:match("^(%d%d%d%d)%-(%d+)$")
   if not a then a, b = text:match("^(%d%d%d%d)\u{2013}(%d+)$") end
   if not a then return nil end
   local y1, y2 = tonumber(a), tonumber(b)
   if y1 < 1800 or y1 > 2099 then return nil end
   if #b == 2 then y2 = y1 // 100 * 100 + y2 elseif #b ~= 4 or y2 < 1800 or y2 > 2099 then return nil end
   if y2 <= y1 or y2 - y1 > 20 or false_year(m.tokens, m.tokens:cover(m.start, m.stop)) then return nil end
   local d = valued(m, string.format("%04d", y1))
   d.attrs.through = string.format("%04d", y2)
   return d
end

-- Refers to the present, the past or the future (data/date_refs.tsv).
local REFS, ref_alts = {}, nil
do
   local rows = read_list("data/date_refs.tsv")
   table.sort(rows, function(x, y) return #x[1] > #y[1] end)   -- longer phrases first
   local function set_of(s)
      local out = {}
      for w in (s or ""):gmatch("[^,]+") do out[#out + 1] = w end
      return out
   end
   for _, row in ipairs(rows) do
      -- (ref_word looks a match's text up as it is first: a phrase is listed as its key)
      if row[1] ~= row[1]:lower():gsub("%s+", " ") then
         error("data/date_refs.tsv:" .. row.line .. ": write '" .. row[1] .. "' in lower case, one space between words")
      end
      REFS[row[1]] = row[2]
      local p = P.word(row[1])
      local need, not_before, not_after = set_of(row[3]), set_of(row[4]), set_of(row[5])
      if #need > 0 then p = P.behind(P.set(need)) * p end
      if #not_before > 0 then p = P.notbehind(P.set(not_before)) * p end
      -- "the past 20 years" is a duration
      p = p * P.notahead(P.kind "number" + (#not_after > 0 and P.set(not_after) or P.kind "number"))
      ref_alts = ref_alts and ref_alts + p or p
   end
end

-- ref_word's date: its text's value.
function READ.ref_word(_, _, a)
   local text = a.text
   -- (most are written as listed: "recently", "the past")
   local v = REFS[text] or REFS[text:lower():gsub("%s+", " ")]
   return v and { value = v } or nil
end

-- The counts of "several years ago" that say no number: the past.
local AGO_SOME = { several = true, ["a few"] = true, many = true, ["a couple of"] = true }

-- ago's date: "two years ago", "a decade ago", that many units before the
-- article's day; "several years ago", "years ago", the past (attrs: the
-- texts of its n, when it has one, and unit).
function READ.ago(attrs)
   local count = attrs.n
   local n = count and not AGO_SOME[count:lower()] and (tonumber(count) or name_of("number", count))
   if not n then return { value = "PAST_REF" } end
   local unit = name_of("unit", attrs.unit)
   if unit == "decade" then n, unit = 10 * n, "year" end
   if unit == "century" then n, unit = 100 * n, "year" end
   -- "a year ago" said of a quarter is that quarter's year-ago one
   return { ago = n, unit = unit, same_period = n == 1 and unit == "year" or nil, rel = true, value = nil,
            relative = nil }
end

-- Which quarter or half: "the third quarter", "third-quarter", "the
-- fiscal-first quarter", "the first half", "the latter half"; an ordinal
-- past the fourth quarter or the second half is none ("the fifth
-- quarter", "third-half").
local QUARTER_WHICH
do
   local function ordinals(most)
      local words = {}
      for _, w in ipairs(spellings("ordinal")) do
         if name_of("ordinal", w) <= most then words[#words + 1] = w end
      end
      return P.set(words) + closed(product(numerals(1, most), { "st", "nd", "rd", "th" }),
         "^[1-" .. most .. "](?:st|nd|rd|th)$")
   end
   local ORDS = { [4] = { "first", "second", "third", "fourth", "1st", "2nd", "3rd", "4th" },
                  [2] = { "first", "second", "1st", "2nd" } }
   local function which(unit, most)
      local ords = "(?i:" .. table.concat(ORDS[most], "|") .. ")"
      return P.cap("ord", ordinals(most)) * P.opt("-") * P.cap("unit", P.word(unit))
         + P.cap("hq", closed(product(ORDS[most], { "-" .. unit }), "^" .. ords .. "-(?i:" .. unit .. ")$"))
         -- "the fiscal-first quarter"
         + P.cap("fq", closed(product({ "fiscal-" }, ORDS[most]), "^(?i:fiscal)-" .. ords .. "$"))
         * P.cap("unit", P.word(unit))
   end
   -- "the last half of 1989", "the latter half": the second
   QUARTER_WHICH = which("quarter", 4) + which("half", 2)
      + P.cap("latter", P.set { "last", "latter" }) * P.cap("unit", P.word "half")
end
-- "80s", "1990s", "mid-1990s"
local decade_numbers = numerals(0, 9)
for n = 180, 209 do decade_numbers[#decade_numbers + 1] = tostring(n) end
local DECADES = product({ "", "mid-", "early-", "late-" }, decade_numbers, { "0s" })

-- quarter's date: "the third quarter", "third-quarter", "the fiscal
-- first quarter", "the 1988 third quarter", "the third quarter of 1990",
-- "this year's third quarter", "the first half of 1990" (attrs: the texts
-- of its captures: ord, unit, latter, hq, fq, year, year2, whose).
function READ.quarter(attrs)
   local unit = attrs.unit
   local half = unit ~= nil and unit:lower() == "half"
   local q
   if attrs.ord then q = name_of("ordinal", attrs.ord) or number_of(attrs.ord) end
   if attrs.latter then q = 2 end
   if attrs.fq then
      local o = attrs.fq:lower():match("%-(%w+)$")
      q = name_of("ordinal", o) or number_of(o)
   end
   if attrs.hq then
      local o, u = attrs.hq:lower():match("^(%w+)%-(%a+)$")
      q = name_of("ordinal", o) or number_of(o)
      half = u == "half"
   end
   local rel = { quarter = not half and q or nil, half = half and q or nil, year = nil, year_offset = nil, rel = true,
                 value = nil, relative = nil }
   local year = attrs.year2 or attrs.year
   if year then rel.year = year_of(year) end
   local whose = attrs.whose
   if whose then
      local w = whose:lower()
      rel.year_offset = (w:match("^last") or w:match("^year")) and -1 or w:match("^next") and 1 or 0
   end
   return rel
end

-- "the quarter", "the latest quarter", "this quarter", "the year-ago
-- quarter", "the year-earlier period"
local function quarter_ref(m)
   local which = m.caps.which and m.caps.which.text:lower() or "the"
   local rel
   if m.caps.year then
      rel = { quarter = "anaphor", year = year_of(m.caps.year.text), period = m.caps.noun.text:lower() == "period",
              compared = true }
   elseif which:match("year") or which == "comparable" or which:match("^last year") then
      rel = { quarter = "anaphor", year_offset = -1 }
   elseif which == "latest" or which == "most recent" then rel = { quarter = "latest" }
   elseif which == "this" or which == "current" then rel = { quarter = "current" }
   elseif which == "next" or which == "coming" then rel = { quarter = "current", offset = 1 }
   elseif which == "last" or which == "previous" or which == "prior" then rel = { quarter = "current", offset = -1 }
   else rel = { quarter = "anaphor" } end
   return relative(m, rel)
end

-- season's date: "last summer", "this spring", "the summer of 2019",
-- "winter 2013", "in spring" (attrs: the texts of its season, year and
-- dir, the last two when it has them).
function READ.season(attrs)
   local rel = { season = name_of("season", attrs.season), year = nil, dir = nil, rel = true, value = nil,
                 relative = nil }
   if attrs.year then rel.year = year_of(attrs.year) end
   if attrs.dir then
      local d = attrs.dir:lower()
      rel.dir = d:match("last") and "last" or d:match("next") and "next" or d:match("this") and "this" or nil
   end
   return rel
end

-- decade's date: "the 1990s", "the '80s", "the mid-1990s", "the nineties",
-- "the 20th century", "this century" (attrs: the text of its dec, word or
-- cent, when it has one).
function READ.decade(attrs)
   if attrs.dec then
      local t = attrs.dec:gsub("^%a+%-", "")
      local four = t:match("^(%d%d%d)0s$")
      if four then return { value = four } end
      local two = t:match("^(%d)0s$")
      if two then return { value = "19" .. two } end
      return nil
   end
   if attrs.word then return { value = "19" .. name_of("decade", attrs.word) } end
   if attrs.cent then
      local n = name_of("ordinal", attrs.cent) or number_of(attrs.cent)
      if not n or n < 1 or n > 21 then return nil end
      return { value = string.format("%02d", n - 1) }
   end
   return { unit = "century", offset = 0, rel = true, value = nil, relative = nil }
end

-- day_month's date: "7 December", "the 30th of April" (attrs: the texts
-- of its day and month).
function READ.day_month(attrs)
   return { month = name_of("month", attrs.month), day = number_of(attrs.day), rel = true, value = nil,
            relative = nil }
end

-- month_year's date: "June 2016", "early June, 2016" (attrs: the texts of
-- its month and year).
function READ.month_year(attrs)
   local d = date_attrs(attrs.year, attrs.month)
   local rel = d and d.rel
   if rel then
      rel.rel = true
      return rel
   end
   return d
end

-- anaphor's date: "the day before", "the following week", "that year",
-- "three weeks later", from the date before it; "a year earlier" said of
-- a quarter or a month, that period a year before (attrs: the texts of
-- its unit, and its n and how when it has them).
function READ.anaphor(attrs)
   local unit = name_of("unit", attrs.unit)
   local count = attrs.n
   local n = count and (tonumber(count) or name_of("number", count)) or 1
   local w = attrs.how and attrs.how:lower() or ""
   local offset = 0
   if w == "earlier" or w == "before" or w == "previous" or w == "prior" then
      offset = -n
   elseif w == "later" or w == "after" or w == "following" or w == "next" then
      offset = n
   end
   -- ("the next year" is no comparison)
   return { anaphor = unit, offset = offset, same_period = unit == "year" and offset < 0 or nil, rel = true,
            value = nil, relative = nil }
end

dates.rules = {
   rule { name = "iso_date", type = "date",
      -- (a shape and a kind, where a regex would have the matcher scan
      -- every token for it; the action reads the digits)
      pattern = P.tok { kind = "number", len = 10, shape = "dddd-dd-dd" },
      action = function(m)
         local y, mo, d = values.parse(m:text())
         if not d then return nil end
         return valued(m, values.format { year = y, month = mo, day = d })
      end,
      examples = { { text = "Filed 1996-08-22 in Paris.",
                     expect = { { type = "date", attrs = { value = "1996-08-22" } } } } } },
   rule { name = "month_day_year", type = "date", priority = 2,
      pattern = P.cap("month", MONTH) * P.cap("day", DAY) * P.opt(",") * P.cap("year", YEAR),
      action = date_from,
      examples = { { text = "On February 25, 2017, they met.",
                     expect = { { type = "date", attrs = { value = "2017-02-25" } } } } } },
   rule { name = "day_month_year", type = "date", priority = 2,
      pattern = P.cap("day", DAY) * P.opt("of") * P.cap("month", MONTH) * P.opt(",") * P.cap("year", YEAR),
      action = date_from,
      examples = { { text = "It was 7 December 1988.",
                     expect = { { type = "date", attrs = { value = "1988-12-07" } } } } } },
   rule { name = "month_day", type = "date", priority = 1,
      pattern = P.cap("month", MONTH) * P.cap("day", DAY) * P.notahead(P.kind "number"),
      action = date_from,
      examples = { { text = "The truce of July 16 held.", date = "2020-08-28",
                     expect = { { type = "date", text = "July 16", attrs = { value = "2020-07-16" } } } } } },
   -- "April 24 and 25": the second day, of the same month
   rule { name = "month_day_pair", type = "date", priority = 1,
      pattern = P.behind(MONTH * DAY * P.set { "and", "or", "to", "through", "-", "\u{2013}" })
         * P.cap("day", DAY) * P.notahead(P.kind "number" + MONTH) * NOT_UNIT,
      action = function(m)
         -- the month is three tokens back (a lookbehind reports no capture)
         m.caps.month = { text = m.tokens:text(m.caps.day.first - 3) }
         return date_from(m)
      end,
      examples = { { text = "The summit meets on April 24 and 25.", date = "1999-02-10",
                     expect = { { type = "date", text = "25", attrs = { value = "1999-04-25" } } } } } },
   rule { name = "day_month", type = "date", priority = 1,
      pattern = day_of_month(P.opt("of")),
      attrs = { day = "$day", month = "$month" },
      examples = { { text = "Talks began on 7 December and were to end on 31 April.", date = "1998-12-20",
                     expect = { { type = "date", text = "7 December", attrs = { value = "1998-12-07" } } },
                     reject = { { type = "date", text = "31 April" } } } } },
   rule { name = "month_year", type = "date", priority = 1,
      pattern = P.opt(P.cap("part", PART)) * P.cap("month", MONTH) * P.opt(",") * P.cap("year", YEAR),
      attrs = { month = "$month", year = "$year" },
      examples = { { text = "They met in June 2016.",
                     expect = { { type = "date", attrs = { value = "2016-06" } } } } } },
   rule { name = "month", type = "date",
      pattern = (P.cap("dir", P.set(MONTH_DIR_WORDS))
                 + P.cap("part", PART)
                 + P.behind(P.set { "in", "since", "until", "during", "of", "by", "and", "or", "before",
                                    "after", "for", "through", "from", "till" })
                 -- "the October slaying", "a June agreement"
                 + P.behind(P.set { "the", "a", "an", "its", "their", "his", "her", "last year's", "this year's" }))
         * P.cap("month", MONTH_ALONE) * P.notahead(P.kind "number" + P.tok { kind = "word", case = "title" })
         -- "December's figures" ("May's" is more often Theresa May's)
         + P.cap("month", MONTH_ALONE) * P.ahead(P.regex [[^['’]s$]]),
      examples = { { text = "The deal was signed last May.", date = "1998-02-27",
                     expect = { { type = "date", text = "last May", attrs = { value = "1997-05" } } } } } },
   -- "the week of March 6": the ISO week of that day
   rule { name = "week_of", type = "date", priority = 3,
      pattern = P.word "the week of" * P.cap("month", MONTH) * P.cap("day", DAY)
         * P.opt(P.opt(",") * P.cap("year", YEAR)),
      action = function(m)
         local d = date_from(m)
         if not d then return nil end
         d.attrs.rel = d.attrs.rel or { date = d.attrs.value }
         d.attrs.rel.week_of, d.attrs.value = true, nil
         return d
      end,
      examples = { { text = "A hearing is set for the week of March 6.", date = "2000-02-24",
                     expect = { { type = "date", text = "the week of March 6", attrs = { value = "2000-W10" } } } } } },
   rule { name = "month_rel_year", type = "date", priority = 2,
      pattern = P.opt(P.cap("part", PART)) * P.cap("month", MONTH)
         * P.cap("dir", P.set { "this", "last", "next" }) * P.word "year",
      attrs = { month = "$month", dir = "$dir" },
      examples = { { text = "The pact was signed in June last year.", date = "1998-02-19",
                     expect = { { type = "date", text = "June last year", attrs = { value = "1997-06" } } } } } },
   rule { name = "holiday", type = "date", priority = 1,
      pattern = near(0, 1, HOLIDAY_FIRST) * near(0, HOLIDAY_WIDTH, HOLIDAY_LAST)
         * P.opt(P.cap("dir", P.set { "last", "next", "this" })) * P.cap("name", HOLIDAY)
         * P.opt(P.cap("year", YEAR)) * P.opt(P.cap("week", P.word "week")),
      action = function(m)
         local name = m.caps.name.text:lower():gsub("’", "'"):gsub("%s+", " ")
         local rel = { holiday = HOLIDAYS[name], dir = m.caps.dir and m.caps.dir.text:lower() }
         if not rel.holiday then return nil end
         if m.caps.year then rel.year = year_of(m.caps.year.text) end
         -- "Easter week", "Christmas week": the holiday's ISO week
         if m.caps.week then rel.week = true end
         return relative(m, rel)
      end,
      examples = { { text = "Stores opened on Thanksgiving Day.", date = "2013-12-02",
                     expect = { { type = "date", text = "Thanksgiving Day", attrs = { value = "2013-11-28" } } } } } },
   rule { name = "mid_month", type = "date", priority = 1,
      pattern = closed(product({ "mid-", "early-", "late-" }, spellings("month", true)),
         "^(?:mid|early|late)-(?:" .. table.concat(spellings("month", true), "|"):gsub("%.", "\\.") .. ")$"),
      action = function(m)
         local month = name_of("month", m:text():match("%-(%a+)"))
         return month and relative(m, { month = month })
      end,
      examples = { { text = "Talks resume in mid-November.", date = "1989-10-30",
                     expect = { { type = "date", attrs = { value = "1989-11" } } } } } },
   rule { name = "year", type = "date",
      -- after a cue, a determiner, or a year of a list ("in 1994, 1995 and 1997")
      -- (the date is the annotation's text: no attrs)
      pattern = (P.behind(YEAR_CUE) + P.behind(DET) + P.behind(DIGIT_YEAR * P.word ","))
         * P.cap("year", YEAR) * NOT_UNIT,
      examples = { { text = "The ferry ran in 2014 and 2016.",
                     expect = { { type = "date", text = "2014", attrs = { value = "2014" } },
                                { type = "date", text = "2016", attrs = { value = "2016" } } } },
                   { text = "A 2011 audit and its 2009 report found it; the company's 1989 results.",
                     expect = { { type = "date", text = "2011" }, { type = "date", text = "2009" },
                                { type = "date", text = "1989" } } },
                   { text = "Curfew runs from 1800 to 2100 local time; the Dow touched the 1840 level.",
                     reject = { { type = "date" } } } } },
   -- a year spoken in a transcript needs no cue: "Atlanta, nineteen ninety-six."
   rule { name = "spoken_year", type = "date",
      pattern = P.cap("year", P.set { "eighteen", "nineteen" } * TENS) * NOT_UNIT,
      action = date_from,
      examples = { { text = "Atlanta, nineteen ninety-six. A bomb shakes the games.",
                     expect = { { type = "date", text = "nineteen ninety-six", attrs = { value = "1996" } } } } } },
   rule { name = "mid_year", type = "date", priority = 1,
      pattern = closed(product({ "mid-", "early-", "late-" }, numerals(1800, 2099)),
         [[^(?:mid|early|late)-(?:1[89]|20)[0-9]{2}$]]),
      action = function(m) return valued(m, m:text():match("(%d%d%d%d)$")) end },
   rule { name = "fiscal_year", type = "date", priority = 1,
      pattern = P.word "fiscal" * P.opt("year") * P.cap("year", YEAR),
      action = function(m) return valued(m, string.format("%04d", year_of(m.caps.year.text))) end,
      examples = { { text = "Sales fell in fiscal 1989.", expect = { { type = "date", text = "fiscal 1989",
         attrs = { value = "1989" } } } } } },
   rule { name = "year_word", type = "date", priority = 1,
      pattern = P.word "the year" * P.cap("year", YEAR),
      action = function(m) return valued(m, string.format("%04d", year_of(m.caps.year.text))) end },
   rule { name = "year_range", type = "date", priority = 1,
      -- (a kind, a length and a shape, tested in that order, where a
      -- regex would have the matcher scan every token for it)
      pattern = (P.tok { kind = "number", len = { 7, 9 }, short_shape = "d-d" }
                 + P.tok { kind = "number", len = { 7, 9 }, short_shape = "d–d" }) * NOT_UNIT,
      action = year_range,
      examples = { { text = "The 2007-2008 crisis, the 1998-99 season and the 2010–2012 plan.",
                     expect = { { type = "date", text = "2007-2008", attrs = { value = "2007", through = "2008" } },
                                { type = "date", text = "1998-99", attrs = { value = "1998", through = "1999" } },
                                { type = "date", text = "2010–2012", attrs = { value = "2010", through = "2012" } } } },
                   { text = "The curfew lasts 1800-2100 GMT.", reject = { { type = "date" } } } } },
   -- ("on Friday" is the date "Friday"; a weekday right after one of its
   -- words is the match that starts at the word, not one of its own)
   rule { name = "weekday", type = "date", span = "date",
      pattern = near(0, 2, WEEKDAY) * (P.cap("date", P.cap("dir", WEEKDAY_DIR_KEPT) * P.cap("wd", WEEKDAY))
                 + P.cap("dir", WEEKDAY_DIR_LEFT) * P.cap("date", P.cap("wd", WEEKDAY))
                 + WEEKDAY_NOT_AFTER_DIR * P.cap("date", P.cap("wd", WEEKDAY)))
         -- (no month or day next, nor after a comma: each a test of one token)
         * P.notahead(MONTH + DAY) * P.notahead(P.word "," * (MONTH + DAY)),
      examples = { { text = "Voronov on Monday called for talks.", date = "2017-03-01",
                     expect = { { type = "date", text = "Monday", attrs = { value = "2017-02-27" } } } } } },
   rule { name = "weekday_date", type = "date", priority = 3,
      pattern = WEEKDAY * P.opt(",") * P.cap("month", MONTH) * P.cap("day", DAY) * P.opt(P.opt(",")
         * P.cap("year", YEAR)),
      action = date_from },
   rule { name = "yesterday", type = "date",
      pattern = P.set { "yesterday", "today", "tomorrow" },
      examples = { { text = "He said so yesterday.", date = "2020-08-28",
                     expect = { { type = "date", attrs = { value = "2020-08-27" } } } } } },
   -- ("past year" of "the past year" is not a match of its own)
   rule { name = "last_unit", type = "date",
      pattern = P.cap("part", PART) * P.opt("the") * UNIT_DIR * P.opt("fiscal") * UNIT_WORD
         + P.word "the" * UNIT_DIR * P.opt("fiscal") * UNIT_WORD
         + UNIT_NOT_AFTER_THE * UNIT_DIR * P.opt("fiscal") * UNIT_WORD,
      attrs = { dir = "$dir", unit = "$unit" },
      examples = { { text = "It aired last week.", date = "2010-02-10",
                     expect = { { type = "date", attrs = { value = "2010-W05" } } } },
                   { text = "Profit will rise this fiscal year.", date = "2013-05-02",
                     expect = { { type = "date", text = "this fiscal year", attrs = { value = "2013" } } } } } },
   rule { name = "year_end", type = "date",
      pattern = P.opt(P.cap("part", PART)) * P.word "the" * P.opt(P.set { "full", "whole", "entire", "fiscal" })
         * P.cap("unit", P.set { "year", "month", "week" })
         * P.notahead(P.set { "before", "after", "earlier", "later", "ago", "-", "'s", "’s", "ended", "ending", "to",
                              "of", "in", "that", "when" } + YEAR + P.kind "number")
         + P.behind(P.set { "by", "at", "since", "before", "after", "until", "around", "the" })
           * P.cap("unit", P.set { "year-end", "year end", "year's end", "year’s end" }),
      attrs = { unit = "$unit" },
      examples = { { text = "Prices should fall by the end of the year and by year-end.", date = "2013-05-02",
                     expect = { { type = "date", text = "the end of the year", attrs = { value = "2013" } },
                                { type = "date", text = "year-end", attrs = { value = "2013" } } } },
                   { text = "Profit for the year ended March 31 rose.",
                     reject = { { type = "date", text = "the year" } } } } },
   rule { name = "ref_word", type = "date",
      pattern = ref_alts,
      examples = { { text = "Prices are currently high; at the time they were low, as in the past.",
                     expect = { { type = "date", text = "currently", attrs = { value = "PRESENT_REF" } },
                                { type = "date", text = "the time", attrs = { value = "PAST_REF" } },
                                { type = "date", text = "the past", attrs = { value = "PAST_REF" } } } },
                   { text = "From now on, the past few weeks look dry.", reject = { { type = "date" } } } } },
   -- (a match that leaves out the words before it that it could take is
   -- part of the longer one that starts there: "years ago" of "two years
   -- ago" is not one of its own)
   rule { name = "ago", type = "date",
      pattern = AGO_ABOUT * P.cap("n", AGO_N) * AGO_UNIT + AGO_ABOUT * AGO_UNITS
         + P.notbehind(AGO_ABOUT) * P.cap("n", AGO_N) * AGO_UNIT
         + P.notbehind(AGO_ABOUT + AGO_N) * AGO_UNITS,
      attrs = { n = "$n", unit = "$unit" },
      examples = { { text = "The plant closed two years ago.", date = "2013-05-02",
                     expect = { { type = "date", text = "two years ago", attrs = { value = "2011" } } } },
                   { text = "Several years ago it opened; about year ago it was sold.",
                     expect = { { type = "date", text = "Several years ago", attrs = { value = "PAST_REF" } } },
                     reject = { { type = "date", text = "about year ago" },
                                { type = "date", text = "year ago" } } } } },
   rule { name = "anaphor", type = "date", priority = 1,
      -- ("two centuries later" is none)
      pattern = near(1, 2, UNIT) * ((P.cap("n", COUNT) * P.cap("unit", UNIT_NOT_CENTURY)
                 * (P.cap("how", P.set { "earlier", "later", "previously" }) * P.notahead(P.word "than")
                    + P.cap("how", P.set { "before", "after" }) * P.notahead(P.kind("word", "number"))))
         + (P.word "the" * P.cap("unit", P.set { "day", "week", "month", "year" })
            * P.cap("how", P.set { "before", "after" })
            * P.notahead(P.kind("word", "number")))
         + (P.word "the" * P.cap("how", P.set { "previous", "following", "next", "prior", "same" })
            * P.cap("unit", P.set { "day", "week", "month", "year" }) * P.notahead(P.set { "as", "that" }))
         + (P.set { "later that", "earlier that" } * P.cap("unit", P.set { "day", "week", "month", "year" }))
         + P.word "that" * P.cap("unit", P.word "year")),
      attrs = { n = "$n", unit = "$unit", how = "$how" },
      examples = { { text = "He arrived on March 3, 2010; his wife had come the day before.",
                     expect = { { type = "date", text = "the day before" } } },
                   { text = "The chapel was built in 1700; two centuries later it fell.",
                     reject = { { type = "date", text = "two centuries later" } } } } },
   rule { name = "year_adj", type = "date",
      pattern = P.set { "year-earlier", "year-ago" } * P.opt(P.set { "quarter", "period" }) },
   -- (after a determiner, the match that starts at it: "fourth quarter" of
   -- "the fourth quarter" is not one of its own)
   rule { name = "quarter", type = "date", priority = 1,
      pattern = (DET + P.notbehind(DET))
         * P.opt(P.cap("whose", P.set { "this year's", "last year's", "next year's", "this year’s", "last year’s",
                                        "next year’s", "year-ago", "year-earlier" }))
         * P.opt(P.cap("year", YEAR)) * P.opt("fiscal") * QUARTER_WHICH
         * P.opt(P.word "of" * P.cap("year2", YEAR)),
      attrs = { ord = "$ord", unit = "$unit", latter = "$latter", hq = "$hq", fq = "$fq", year = "$year",
                year2 = "$year2", whose = "$whose" },
      examples = { { text = "Profit rose in the third quarter of 1990 and in third-quarter trading.",
                     date = "1990-11-02",
                     expect = { { type = "date", text = "the third quarter of 1990", attrs = { value = "1990-Q3" } },
                                { type = "date", text = "third-quarter", attrs = { value = "1990-Q3" } } } },
                   { text = "Not the fifth quarter, nor the third half of 1990.",
                     reject = { { type = "date", text = "the fifth quarter" },
                                { type = "date", text = "the third half of 1990" } } } } },
   rule { name = "quarter_ref", type = "date",
      pattern = near(1, 3, P.set { "quarter", "period" }) * (P.set { "the", "this", "that", "its", "last", "next" }
         * (P.opt(P.cap("which", P.set { "latest", "current", "comparable", "same", "previous", "prior", "coming",
                                         "year-ago", "year-earlier", "comparable year-ago", "most recent" }))
            * P.cap("noun", P.word "quarter")
            + P.cap("which", P.set { "latest", "year-ago", "year-earlier", "comparable year-ago", "most recent",
                                     "comparable", "corresponding", "same" })
            * P.cap("noun", P.word "period"))
         -- "the 1988 quarter", "the 1989 period": the period in focus, in that year
         + P.word "the" * P.cap("year", DIGIT_YEAR) * P.cap("noun", P.set { "quarter", "period" })
         + P.cap("which", P.set { "last year's", "last year’s" }) * P.cap("noun", P.word "quarter"))
         -- "the quarter a year ago", "the corresponding period last year"
         * P.opt(P.cap("ago", P.set { "a year ago", "a year earlier", "last year", "the year before",
                                      "the previous year", "the prior year" }))
         * P.notahead(P.set { "of", "century", "mile", "-" }),
      action = function(m)
         local first = m.tokens:key(m.tokens:cover(m.start, m.start + 1))
         if not m.caps.which and (first == "this" or first == "last" or first == "next") then
            m.caps.which = { text = first }
         end
         local which = m.caps.which and m.caps.which.text:lower()
         -- "the same period" says nothing without a year before it
         if (which == "same" or which == "corresponding" or which == "comparable") and not m.caps.ago
            and m.caps.noun.text:lower() == "period" then
            return nil
         end
         if m.caps.ago then m.caps.which = { text = "year-ago" } end
         local d = quarter_ref(m)
         -- "the same period last year" is of the period told of, not a quarter
         if (which == "same" or which == "corresponding" or which == "comparable")
            and m.caps.noun.text:lower() == "period" then
            d.attrs.rel.period = true
         end
         return d
      end },
   rule { name = "season", type = "date", priority = 1,
      pattern = near(0, 2, SEASON) * (P.cap("dir", P.set { "last", "next", "this", "this past", "this coming" })
         * P.cap("season", SEASON) * P.opt(P.opt("of") * P.cap("year", YEAR))
         -- "the fall of Rome", "the spring equinox": nouns
         + P.cap("det", P.set { "the", "early", "late", "mid", "the early", "the late" })
         * P.cap("season", SEASON) * P.opt(P.opt("of") * P.cap("year", YEAR))
         * P.notahead(SEASON_NOT_AFTER + P.tok { kind = "word", case = "lower" })
         + P.behind(P.set { "in", "during", "by", "until", "since", "through" })
         * P.cap("det", P.opt(P.set { "early", "late" }))
         * P.cap("season", SEASON) * P.opt(P.opt("of") * P.cap("year", YEAR)) * P.notahead(SEASON_NOT_AFTER)
         + P.cap("season", SEASON) * P.opt("of") * P.cap("year", YEAR)),
      attrs = { season = "$season", year = "$year", dir = "$dir" },
      examples = { { text = "Sales slumped last summer.", date = "2014-03-10",
                     expect = { { type = "date", text = "last summer", attrs = { value = "2013-SU" } } } },
                   { text = "Prices fall in spring after the fall of the wall.", date = "2014-03-10",
                     expect = { { type = "date", text = "spring", attrs = { value = "2014-SP" } } },
                     reject = { { type = "date", text = "fall" }, { type = "date", text = "the fall" } } } } },
   rule { name = "decade", type = "date", priority = 1,
      pattern = near(0, 6, P.set(DECADES) + P.set(spellings("decade")) + P.word "century")
         * ((P.word "the" * P.opt(P.set { "early", "late", "mid", "last half of the", "first half of the" })
                 + P.set { "early", "late", "mid" } + P.behind(P.set { "in", "of", "since", "during", "and" }))
         * (P.opt("'") * P.cap("dec", closed(DECADES, [[^(?:(?:mid|early|late)-)?(?:1[89][0-9]0s|20[0-9]0s|[0-9]0s)$]]))
            + P.cap("word", P.set(spellings("decade"))))
         -- "the 20th century", "the ruined 11th century chapel"
         + DET * P.opt(P.tok { kind = "word", case = "lower" }) * P.cap("cent", ORDINAL) * P.word "century"
         + P.word "this century"),
      attrs = { dec = "$dec", word = "$word", cent = "$cent" },
      examples = { { text = "Since the 1990s and the 20th century.",
                     expect = { { type = "date", text = "the 1990s", attrs = { value = "199" } },
                                { type = "date", text = "the 20th century", attrs = { value = "19" } } } } } },
   rule { name = "weekend", type = "date",
      pattern = P.notbehind(P.set { "every", "each", "per", "a" })
         * P.cap("dir", P.set { "the", "this", "last", "next", "this past", "this coming" }) * P.word "weekend",
      attrs = { dir = "$dir" },
      examples = { { text = "Protesters gathered over the weekend.", date = "2014-03-12",
                     expect = { { type = "date", text = "the weekend", attrs = { value = "2014-W10-WE" } } } } } },
}

for _, r in ipairs(dates.rules) do
   if READ[r.name] then
      local keys = false
      for k in pairs(r.attrs or {}) do
         keys = keys or {}
         keys[k] = true
      end
      READ_KEYS[r.name] = keys
   end
end

return dates
