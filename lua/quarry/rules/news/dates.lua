-- Dates, as ISO 8601 values: "2016-07-16", "July 2016", "2016". Dates
-- without a year or relative to the article ("on Monday", "last week",
-- "July 16", "yesterday") carry what they say in attrs.rel; the resolve
-- phase turns that into a value against the document's date (its
-- metadata, or the first full date of its dateline or lead).
--
-- Values: YYYY-MM-DD, YYYY-MM or YYYY; a week ("last week") is the ISO
-- week YYYY-Www.

local dates = {}

local MONTHS = {
   january = 1, february = 2, march = 3, april = 4, may = 5, june = 6, july = 7, august = 8,
   september = 9, october = 10, november = 11, december = 12,
   jan = 1, feb = 2, mar = 3, apr = 4, jun = 6, jul = 7, aug = 8, sep = 9, sept = 9, oct = 10,
   nov = 11, dec = 12,
}
local WEEKDAYS = { monday = 1, tuesday = 2, wednesday = 3, thursday = 4, friday = 5, saturday = 6,
   sunday = 7, mon = 1, tue = 2, tues = 2, wed = 3, thu = 4, thur = 4, thurs = 4, fri = 5, sat = 6, sun = 7 }

local month_words, weekday_words = {}, {}
for w in pairs(MONTHS) do
   month_words[#month_words + 1] = w:sub(1, 1):upper() .. w:sub(2)
   if #w <= 4 and w ~= "may" and w ~= "june" and w ~= "july" then
      month_words[#month_words + 1] = w:sub(1, 1):upper() .. w:sub(2) .. "."
   end
end
for w in pairs(WEEKDAYS) do
   if #w > 4 then weekday_words[#weekday_words + 1] = w:sub(1, 1):upper() .. w:sub(2) end
end
table.sort(month_words)
table.sort(weekday_words)

-- Calendar arithmetic on day numbers (days since 1970-01-01), shared
-- with the reports: the sandbox has no os.time.
local calendar = require "quarry.calendar"
local days_from_civil, civil_from_days = calendar.days_from_civil, calendar.civil_from_days
local weekday, days_in_month = calendar.weekday, calendar.days_in_month

local function iso_day(y, m, d) return string.format("%04d-%02d-%02d", y, m, d) end
local function iso_month(y, m) return string.format("%04d-%02d", y, m) end

local function iso_week(z)
   -- the ISO week of day z: the week of its Thursday
   local thursday = z - weekday(z) + 4
   local y = civil_from_days(thursday)
   local week = (thursday - days_from_civil(y, 1, 1)) // 7 + 1
   return string.format("%04d-W%02d", y, week)
end

--- "2016-07-16..." -> day number, or nil.
function dates.parse_iso(s)
   local y, m, d = tostring(s or ""):match("^(%d%d%d%d)%-(%d%d)%-(%d%d)")
   if not y then return nil end
   y, m, d = tonumber(y), tonumber(m), tonumber(d)
   if m < 1 or m > 12 or d < 1 or d > days_in_month(y, m) then return nil end
   return days_from_civil(y, m, d)
end

-- A year, month, day that say a real date (day optional).
local function valid(y, m, d)
   if m and (m < 1 or m > 12) then return false end
   if d and (d < 1 or d > days_in_month(y or 2000, m)) then return false end
   return true
end

--- Resolves a relative date against the reference day number `ref`:
-- rel -> value (or nil when it needs a reference and has none).
function dates.resolve(rel, ref)
   if rel.year and rel.month and rel.day then return iso_day(rel.year, rel.month, rel.day) end
   if rel.year and rel.month then return iso_month(rel.year, rel.month) end
   if rel.year then return string.format("%04d", rel.year) end
   if not ref then return nil end
   local ry, rm = civil_from_days(ref)
   if rel.month then
      -- "July 16" in an article of August: this year; news tells of the
      -- past, so a date more than three months ahead is last year's
      local y = ry
      local z = days_from_civil(y, rel.month, rel.day or 28)
      if rel.future then
         -- "will resume on January 8", said in December: next year's
         if days_from_civil(y, rel.month, rel.day or days_in_month(y, rel.month)) < ref then y = y + 1 end
      elseif z - ref > 92 then
         y = y - 1
      end
      if rel.day then
         if not valid(y, rel.month, rel.day) then return nil end
         return iso_day(y, rel.month, rel.day)
      end
      return iso_month(y, rel.month)
   end
   if rel.weekday then
      local wd = weekday(ref)
      local z
      if rel.dir == "next" or (rel.future and rel.dir == nil) then
         z = ref + ((rel.weekday - wd - 1) % 7) + 1
      elseif rel.dir == "last" then
         z = ref - ((wd - rel.weekday - 1) % 7) - 1
      else
         -- "on Monday": news reports the past; the day itself counts
         z = ref - ((wd - rel.weekday) % 7)
      end
      return iso_day(civil_from_days(z))
   end
   if rel.offset_days then return iso_day(civil_from_days(ref + rel.offset_days)) end
   if rel.unit == "week" then return iso_week(ref + 7 * rel.offset) end
   if rel.unit == "month" then
      local m0 = ry * 12 + (rm - 1) + rel.offset
      return iso_month(m0 // 12, m0 % 12 + 1)
   end
   if rel.unit == "year" then return string.format("%04d", ry + rel.offset) end
   return nil
end

local function month_of(s)
   return MONTHS[(s:lower():gsub("%.$", ""))]
end

local function number(s)
   local n = tonumber((s:gsub("[^%d]", "")))
   return n
end

-- The date an annotation of a match says, from its captures.
local function date_from(m)
   local caps = m.caps
   local rel = {}
   if caps.year then rel.year = number(caps.year.text) end
   if caps.month then rel.month = month_of(caps.month.text) end
   if caps.day then rel.day = number(caps.day.text) end
   if not valid(rel.year, rel.month, rel.day) then return nil end
   local a = { type = "date", start = m.start, stop = m.stop, attrs = {} }
   if rel.year then
      a.attrs.value = dates.resolve(rel)
   else
      a.attrs.rel = rel
   end
   return a
end

local MONTH = P.tok { set = month_words, case = { "title", "upper" } }
local DAY = P.regex [[^(?:[1-9]|[12][0-9]|3[01])(?:st|nd|rd|th)?$]]
local YEAR = P.regex [[^(?:1[89][0-9]{2}|20[0-9]{2})$]]
local YEAR_CUE = P.set { "in", "since", "by", "until", "till", "of", "from", "to", "and", "during",
   "before", "after", "through", "early", "late", "mid", "end", "spring", "summer", "autumn", "fall",
   "winter", "year", "the", "for", "between", "around", "circa", "throughout", "fiscal" }
local WEEKDAY = P.tok { set = weekday_words, case = { "title", "upper" } }

local function relative(rel)
   return function(m)
      return { type = "date", start = m.start, stop = m.stop, attrs = { rel = rel } }
   end
end

dates.rules = {
   rule { name = "iso_date", type = "date",
      pattern = P.regex [[^\d{4}-\d{2}-\d{2}$]],
      action = function(m)
         local y, mo, d = m:text():match("^(%d+)-(%d+)-(%d+)$")
         y, mo, d = tonumber(y), tonumber(mo), tonumber(d)
         if not valid(y, mo, d) then return nil end
         return { type = "date", start = m.start, stop = m.stop, attrs = { value = iso_day(y, mo, d) } }
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
   rule { name = "day_month", type = "date", priority = 1,
      pattern = P.cap("day", DAY) * P.opt("of") * P.cap("month", MONTH),
      action = date_from },
   rule { name = "month_year", type = "date", priority = 1,
      pattern = P.cap("month", MONTH) * P.opt(",") * P.cap("year", YEAR),
      action = date_from,
      examples = { { text = "They met in June 2016.",
                     expect = { { type = "date", attrs = { value = "2016-06" } } } } } },
   rule { name = "month", type = "date",
      pattern = P.behind(P.set { "in", "since", "until", "last", "early", "late", "mid", "during", "of", "by",
                                 "and", "or", "before", "after", "next", "this", "for", "through", "from" })
         * P.cap("month", MONTH) * P.notahead(P.kind "number"),
      action = date_from },
   rule { name = "year", type = "date",
      pattern = P.behind(YEAR_CUE) * P.cap("year", YEAR)
         * P.notahead(P.set { "people", "troops", "soldiers", "votes", "km", "miles", "tons", "tonnes",
                              "dollars", "euros", "metres", "meters", "feet", "times", "%" }),
      action = date_from,
      examples = { { text = "These approaches came up in 2014 and 2016.",
                     expect = { { type = "date", text = "2014", attrs = { value = "2014" } },
                                { type = "date", text = "2016", attrs = { value = "2016" } } } } } },
   rule { name = "weekday", type = "date",
      pattern = P.opt(P.cap("dir", P.set { "last", "next", "this", "on", "On" })) * P.cap("wd", WEEKDAY)
         * P.notahead(P.opt(",") * (MONTH + DAY)),
      action = function(m)
         local dir = m.caps.dir and m.caps.dir.text:lower() or nil
         if dir == "on" or dir == "this" then dir = nil end
         local wd = WEEKDAYS[m.caps.wd.text:lower()]
         local start = m.caps.dir and (dir and m.caps.dir.start or m.caps.wd.start) or m.start
         return { type = "date", start = start, stop = m.stop, attrs = { rel = { weekday = wd, dir = dir } } }
      end,
      examples = { { text = "Lavrov on Monday called for talks.", date = "2017-03-01",
                     expect = { { type = "date", text = "Monday", attrs = { value = "2017-02-27" } } } } } },
   rule { name = "weekday_date", type = "date", priority = 3,
      pattern = WEEKDAY * P.opt(",") * P.cap("month", MONTH) * P.cap("day", DAY) * P.opt(P.opt(",")
         * P.cap("year", YEAR)),
      action = date_from },
   rule { name = "yesterday", type = "date",
      pattern = P.cap("w", P.set { "yesterday", "today", "tomorrow" }),
      action = function(m)
         local w = m.caps.w.text:lower()
         local off = w == "yesterday" and -1 or w == "tomorrow" and 1 or 0
         return relative { offset_days = off } (m)
      end,
      examples = { { text = "He said so yesterday.", date = "2020-08-28",
                     expect = { { type = "date", attrs = { value = "2020-08-27" } } } } } },
   rule { name = "last_unit", type = "date",
      pattern = P.cap("dir", P.set { "last", "next", "this", "past", "earlier this", "later this" })
         * P.cap("unit", P.set { "week", "month", "year" }),
      action = function(m)
         local dir = m.caps.dir.text:lower()
         local offset = (dir == "last" or dir == "past") and -1 or dir == "next" and 1 or 0
         return relative { unit = m.caps.unit.text:lower(), offset = offset } (m)
      end,
      examples = { { text = "It aired last week.", date = "2010-02-10",
                     expect = { { type = "date", attrs = { value = "2010-W05" } } } } } },
}

return dates
