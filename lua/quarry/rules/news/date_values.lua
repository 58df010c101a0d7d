-- The values of the news pack's dates: a relative date (attrs.rel, as the
-- rules of dates.lua write it) resolved against the document's date, the
-- tense of the date's own clause and the dates mentioned before it.
--
-- Resolution, in text order (dates.resolve_document):
--   - the reference day is the document's date, else the first full date
--     of its opening (a dateline's);
--   - a weekday, a month or a season without a year is the past one, or
--     the coming one when the date's clause is about the future ("will",
--     "is expected to": data/date_tense.tsv). The clause ends at
--     punctuation, at a conjunction and at a speech verb: in "The mayor
--     said Friday the bridge will reopen" Friday is past. "last May" is
--     strictly before the reference month, "next May" strictly after;
--   - "the quarter", "a year earlier", "the day before", "that year" are
--     read against the dates before them (the anchor): "Profit rose in
--     the third quarter from a year earlier" is the third quarter of the
--     year before.

local calendar = require "quarry.calendar"
local spanset = require "quarry.spanset"
local days_from_civil, civil_from_days = calendar.days_from_civil, calendar.civil_from_days
local weekday, days_in_month = calendar.weekday, calendar.days_in_month

local values = {}

local fmt = string.format

--- A year, month, day that say a real date (any may be nil).
function values.valid(y, m, d)
   if m and (m < 1 or m > 12) then return false end
   if d and (d < 1 or d > days_in_month(y or 2000, m or 1)) then return false end
   return true
end

--- An ISO date "YYYY[-MM[-DD]]": year, month, day (quarry.calendar.parse_iso).
values.parse = calendar.parse_iso

--- "2016-07-16..." -> its day number, or nil.
function values.day_of(s)
   local y, m, d = calendar.parse_iso(s)
   if not d then return nil end
   return days_from_civil(y, m, d)
end

--- year, month, day (month and day optional) -> "YYYY-MM-DD", "YYYY-MM", "YYYY".
function values.format_date(y, m, d)
   if d then return fmt("%04d-%02d-%02d", y, m, d) end
   if m then return fmt("%04d-%02d", y, m) end
   return fmt("%04d", y)
end

--- {year, month, day} (month and day optional) -> "YYYY-MM-DD", "YYYY-MM", "YYYY".
function values.format(rel)
   return values.format_date(rel.year, rel.month, rel.day)
end

local function iso_day(z) return fmt("%04d-%02d-%02d", civil_from_days(z)) end
local function add_months(y, m, n)
   local m0 = y * 12 + (m - 1) + n
   return m0 // 12, m0 % 12 + 1
end

-- The ISO week of day z: the week of its Thursday.
local function week_of(z)
   local thursday = z - weekday(z) + 4
   local y = civil_from_days(thursday)
   return y, (thursday - days_from_civil(y, 1, 1)) // 7 + 1
end
local function iso_week(z) return fmt("%04d-W%02d", week_of(z)) end

-- Whether byte b is an ASCII digit.
local function digit(b) return b >= 48 and b <= 57 end

--- What a value says, for anaphora: {kind = "day"|"week"|"month"|
-- "quarter"|"half"|"season"|"year", y, m, d, n (week, quarter, half),
-- season, z (a day number)}; nil for PRESENT_REF and the like.
function values.parse_value(v)
   -- each form opens with a year's four digits: "PRESENT_REF" is none
   if type(v) ~= "string" then return nil end
   local len = #v
   local b1, b2, b3, b4, b5, b6, b7, b8, b9, b10 = v:byte(1, 10)
   if not b1 or b1 < 48 or b1 > 57 then return nil end
   -- the forms most dates have, read from their bytes: "YYYY", "YYYY-MM",
   -- "YYYY-MM-DD" (what calendar.parse_iso makes of them)
   if (len == 4 or len == 7 or len == 10) and digit(b2) and digit(b3) and digit(b4)
      and (len == 4 or b5 == 45 and digit(b6) and digit(b7)) then
      local y = (b1 - 48) * 1000 + (b2 - 48) * 100 + (b3 - 48) * 10 + b4 - 48
      if len == 4 then return { kind = "year", y = y } end
      local m = (b6 - 48) * 10 + b7 - 48
      if len == 7 then
         if m >= 1 and m <= 12 then return { kind = "month", y = y, m = m } end
      elseif b8 == 45 and digit(b9) and digit(b10) then
         local d = (b9 - 48) * 10 + b10 - 48
         if m < 1 or m > 12 or d < 1 or d > days_in_month(y, m) then return nil end
         return { kind = "day", y = y, m = m, d = d, z = days_from_civil(y, m, d) }
      end
   end
   local y, m, d = calendar.parse_iso(v)
   if d then return { kind = "day", y = y, m = m, d = d, z = days_from_civil(y, m, d) } end
   if m then return { kind = "month", y = y, m = m } end
   if y then return { kind = "year", y = y } end
   local yy, k, n = v:match("^(%d%d%d%d)%-([WQH])(%d+)$")
   if yy then
      local kind = k == "W" and "week" or k == "Q" and "quarter" or "half"
      return { kind = kind, y = tonumber(yy), n = tonumber(n) }
   end
   local sy, s = v:match("^(%d%d%d%d)%-(%u%u)$")
   if sy then return { kind = "season", y = tonumber(sy), season = s } end
   return nil
end

-- Seasons: the month each begins in.
local SEASON_START = { SP = 3, SU = 6, FA = 9, WI = 12 }

local function season_value(rel, ref, tense)
   if rel.year then return fmt("%04d-%s", rel.year, rel.season) end
   if not ref then return nil end
   local ry, rm = civil_from_days(ref)
   local sm = SEASON_START[rel.season]
   local function start(y) return days_from_civil(y, sm, 1) end
   local function stop(y) local ey, em = add_months(y, sm, 3); return days_from_civil(ey, em, 1) end
   local y
   if rel.dir == "this" then
      y = (rel.season == "WI" and rm <= 2) and ry - 1 or ry
   elseif rel.dir == "last" then
      y = ry + 1
      while stop(y) > ref do y = y - 1 end          -- the latest one over before the reference day
   elseif rel.dir == "next" or tense == "future" or tense == "deadline" then
      y = ry - 1
      -- a deadline may be a season just over ("kept loading through the winter")
      local grace = tense == "deadline" and 62 or 0
      while (rel.dir == "next" and start(y) <= ref) or stop(y) + grace <= ref do y = y + 1 end
   else
      y = ry + 1
      while start(y) > ref do y = y - 1 end         -- the latest one begun
   end
   return fmt("%04d-%s", y, rel.season)
end

local function quarter_of(y, m) return y, (m - 1) // 3 + 1 end

local function add_quarters(y, q, n)
   local q0 = y * 4 + (q - 1) + n
   return q0 // 4, q0 % 4 + 1
end

-- The latest quarter over on day ref: year, quarter.
local function latest_over(ref)
   local ry, rm = civil_from_days(ref)
   return add_quarters(ry, select(2, quarter_of(ry, rm)), -1)
end

-- The same period a year (or n years) earlier: a quarter, a half, a
-- month or a season keeps its kind, anything else is a year.
local function shifted(anchor, years)
   local y = anchor.y + years
   if anchor.kind == "quarter" then return fmt("%04d-Q%d", y, anchor.n) end
   if anchor.kind == "half" then return fmt("%04d-H%d", y, anchor.n) end
   if anchor.kind == "month" then return fmt("%04d-%02d", y, anchor.m) end
   if anchor.kind == "season" then return fmt("%04d-%s", y, anchor.season) end
   return fmt("%04d", y)
end

-- "the quarter" is the quarter mentioned last; "the latest quarter" and
-- one compared with a year before ("the year-ago quarter") the latest
-- mentioned that is over (a forecast for the next quarter is not what
-- an earnings report compares), else the latest over; "the 1988
-- quarter", "the 1988 period" the period in focus in that year.
local function anaphoric_quarter(rel, st)
   local ref = st.ref
   if rel.year then
      local p = st.period or not rel.period and st.quarter
      if p and (p.kind == "quarter" or p.kind == "half") then
         return fmt("%04d-%s%d", rel.year, p.kind == "quarter" and "Q" or "H", p.n)
      end
      return fmt("%04d", rel.year)
   end
   -- "the same period last year": the period of this sentence or the
   -- last a year before, else that year
   if rel.period then
      if st.period then return shifted(st.period, rel.year_offset) end
      return ref and fmt("%04d", civil_from_days(ref) + rel.year_offset) or nil
   end
   local focus = st.quarter
   if rel.quarter == "latest" or rel.year_offset then focus = st.done_quarter end
   local y, q
   if focus then y, q = focus.y, focus.n
   elseif ref then y, q = latest_over(ref)
   else return nil end
   return fmt("%04d-Q%d", y + (rel.year_offset or 0), q)
end

-- "the third quarter", "the quarter", "this quarter", "the first half"
local function quarter_value(rel, st)
   local ref = st.ref
   if rel.quarter == "anaphor" or rel.quarter == "latest" then return anaphoric_quarter(rel, st) end
   if rel.quarter == "current" then
      if not ref then return nil end
      local ry, rm = civil_from_days(ref)
      local y, q = add_quarters(ry, select(2, quarter_of(ry, rm)), rel.offset or 0)
      return fmt("%04d-Q%d", y, q)
   end
   local n, per = rel.quarter or rel.half, rel.quarter and 3 or 6
   local y = rel.year
   if not y then
      if not ref then return nil end
      local ry = civil_from_days(ref)
      y = ry + (rel.year_offset or 0)
      -- a quarter not yet begun is last year's, unless it is to come
      if not rel.year_offset and st.tense ~= "future" and st.tense ~= "deadline"
         and days_from_civil(y, (n - 1) * per + 1, 1) > ref then
         y = y - 1
      end
   end
   return fmt("%04d-%s%d", y, rel.quarter and "Q" or "H", n)
end

-- A month without a year: "in January", "last May", "July 16".
local function month_value(rel, ref, tense)
   local ry, rm = civil_from_days(ref)
   local y = ry
   local dir = rel.dir
   if dir == "last" or dir == "this past" then
      if rel.month >= rm then y = ry - 1 end
   elseif dir == "next" or dir == "this coming" then
      if rel.month <= rm then y = ry + 1 end
   elseif dir == "this" then
      y = ry
   elseif tense == "future" then
      -- "will resume on January 8", said in December: next year's
      if days_from_civil(y, rel.month, rel.day or days_in_month(y, rel.month)) < ref then y = y + 1 end
   elseif tense == "deadline" then
      -- "by Jan. 14", "effective Feb. 1": the coming one, unless this
      -- year's ended at most two months ago ("had until Jan. 14", "so far
      -- this year through August")
      if days_from_civil(y, rel.month, rel.day or days_in_month(y, rel.month)) < ref - 62 then y = y + 1 end
   elseif tense == "past" then
      -- a past clause may still name a date a few weeks ahead ("was
      -- extended to Nov. 16"); one further ahead is last year's
      if days_from_civil(y, rel.month, rel.day or 1) - ref > 31 then y = y - 1 end
   elseif days_from_civil(y, rel.month, rel.day or 28) - ref > 92 then
      -- news tells of the past: more than three months ahead is last year's
      y = y - 1
   end
   if rel.day then
      if not values.valid(y, rel.month, rel.day) then return nil end
      return fmt("%04d-%02d-%02d", y, rel.month, rel.day)
   end
   return fmt("%04d-%02d", y, rel.month)
end

-- Easter Sunday of year y (the Gregorian computus): month, day.
local function easter(y)
   local a, b, c = y % 19, y // 100, y % 100
   local d, e = b // 4, b % 4
   local g = (8 * b + 13) // 25
   local h = (19 * a + b - d - g + 15) % 30
   local i, k = c // 4, c % 4
   local l = (32 + 2 * e + 2 * i - h - k) % 7
   local m = (a + 11 * h + 19 * l) // 433
   local month = (h + l - 7 * m + 90) // 25
   return month, (h + l - 7 * m + 33 * month + 19) % 32
end

-- The day number of a holiday in year y.
local function holiday_day(h, y)
   if h.easter then
      local m, d = easter(y)
      return days_from_civil(y, m, d) + h.easter
   end
   if h.day and not h.weekday then return days_from_civil(y, h.month, h.day) end
   if h.day then                              -- the first such weekday on or after the day
      local z = days_from_civil(y, h.month, h.day)
      return z + (h.weekday - weekday(z)) % 7
   end
   if h.nth and h.nth > 0 then
      local z = days_from_civil(y, h.month, 1)
      return z + (h.weekday - weekday(z)) % 7 + 7 * (h.nth - 1)
   end
   local z = days_from_civil(y, h.month, days_in_month(y, h.month))
   return z - (weekday(z) - h.weekday) % 7
end

-- "Thanksgiving", "last Christmas", "Easter 2014": the past one, or the
-- coming one in a clause about the future.
local function holiday_value(rel, ref, tense)
   if rel.year then return iso_day(holiday_day(rel.holiday, rel.year)) end
   local ry = civil_from_days(ref)
   local z = holiday_day(rel.holiday, ry)
   if rel.dir == "last" then
      if z >= ref then z = holiday_day(rel.holiday, ry - 1) end
   elseif rel.dir == "next" or (tense == "future" and rel.dir == nil) then
      if z < ref then z = holiday_day(rel.holiday, ry + 1) end
   elseif rel.dir ~= "this" and z - ref > 92 then
      z = holiday_day(rel.holiday, ry - 1)
   end
   return iso_day(z)
end

-- The day of a weekday (1 Monday .. 7 Sunday) seen from day ref: the
-- next one after it ("next Tuesday", or one in a clause about the future),
-- the last one before it ("last Tuesday"), else the latest on or before
-- it ("on Monday": news reports the past; the day itself counts).
local function weekday_day(target, dir, ref, tense)
   local wd = weekday(ref)
   if dir == "next" or (tense == "future" and dir == nil) then return ref + ((target - wd - 1) % 7) + 1 end
   if dir == "last" then return ref - ((wd - target - 1) % 7) - 1 end
   return ref - ((wd - target) % 7)
end

local function weekday_value(rel, ref, tense)
   return iso_day(weekday_day(rel.weekday, rel.dir, ref, tense))
end

-- "the weekend", "next weekend": the ISO week of its Saturday, and -WE;
-- "last weekend" is the latest one, as "the weekend" in the past.
local function weekend_value(rel, ref, tense)
   local dir = rel.dir ~= "last" and rel.dir or nil
   return iso_week(weekday_day(6, dir, ref, tense)) .. "-WE"
end

-- A unit and an offset from a day z: "last week", "next month", "this year".
local function unit_value(unit, offset, z)
   local y, m = civil_from_days(z)
   if unit == "day" then return iso_day(z + offset) end
   if unit == "week" then return iso_week(z + 7 * offset) end
   if unit == "month" then return fmt("%04d-%02d", add_months(y, m, offset)) end
   if unit == "quarter" then
      local qy, q = add_quarters(y, select(2, quarter_of(y, m)), offset)
      return fmt("%04d-Q%d", qy, q)
   end
   if unit == "year" then return fmt("%04d", y + offset) end
   if unit == "decade" then return fmt("%03d", y // 10 + offset) end
   if unit == "century" then return fmt("%02d", y // 100 + offset) end
   return nil
end


-- "the day before", "a week later", "the following year", "a year
-- earlier": from the anchor; "a year ago" from the reference day, or the
-- same period of the year before when the sentence compares periods.
local function anaphor_value(rel, st)
   local unit, off, anchor = rel.anaphor or rel.unit, rel.offset or -(rel.ago or 0), st.anchor
   if unit == "year" and rel.same_period and (st.period or st.done_quarter) then
      return shifted(st.period or st.done_quarter, off)
   end
   -- "will close over the next year": in a clause about the future, a
   -- date counted forward from one already past counts from today
   if off > 0 and (st.tense == "future" or st.tense == "deadline") and anchor and st.ref
      and anchor.y < civil_from_days(st.ref) then
      anchor = nil
   end
   if rel.ago or (rel.deictic) then
      if not st.ref then return nil end
      return unit_value(unit, off, st.ref)
   end
   if anchor and anchor.z and (unit == "day" or unit == "week" or unit == "month") then
      return unit_value(unit, off, anchor.z)
   end
   if anchor and unit == "month" and anchor.m then
      return fmt("%04d-%02d", add_months(anchor.y, anchor.m, off))
   end
   if anchor and unit == "year" then return fmt("%04d", anchor.y + off) end
   if not st.ref then return nil end
   return unit_value(unit, off, st.ref)
end

--- Resolves a relative date: rel -> value, or nil when it needs a
-- reference and has none. st: {ref (day number), tense ("future",
-- "past", "deadline" or nil), anchor (values.parse_value of the latest
-- date before it), quarter (of the latest quarter mentioned),
-- done_quarter (of the latest quarter over), period (of a quarter, half,
-- month or season of the same or the previous sentence)}.
function values.resolve(rel, st)
   st = st or {}
   local ref = st.ref
   if rel.quarter or rel.half then return quarter_value(rel, st) end
   if rel.week_of or (rel.holiday and rel.week) then
      -- "the week of March 6", "Easter week": the ISO week of the day
      local day = values.resolve({ date = rel.date, month = rel.month, day = rel.day, holiday = rel.holiday,
                                   year = rel.year, dir = rel.dir }, st)
      local z = values.day_of(day)
      return z and iso_week(z) or nil
   end
   if rel.date then return rel.date end
   -- a deadline is to come; a month's or a season's may be just over
   local tense = st.tense == "deadline" and "future" or st.tense
   if rel.season then return season_value(rel, ref, st.tense) end
   if rel.anaphor or rel.ago then return anaphor_value(rel, st) end
   if rel.holiday and (rel.year or ref) then return holiday_value(rel, ref, tense) end
   if rel.year then return values.format(rel) end
   if not ref then return nil end
   if rel.month and rel.year_offset then
      return values.format { year = civil_from_days(ref) + rel.year_offset, month = rel.month, day = rel.day }
   end
   if rel.month then return month_value(rel, ref, st.tense) end
   if rel.weekday and (rel.dir == "before" or rel.dir == "after") then
      local from = st.anchor and st.anchor.z or ref
      return iso_day(weekday_day(rel.weekday, rel.dir == "before" and "last" or "next", from))
   end
   if rel.weekday then return weekday_value(rel, ref, tense) end
   if rel.weekend then return weekend_value(rel, ref, tense) end
   if rel.offset_days then return iso_day(ref + rel.offset_days) end
   if rel.unit then return unit_value(rel.unit, rel.offset or 0, ref) end
   return nil
end

-- The rel of a date's attrs: attrs.rel, or the attrs themselves when
-- attrs.rel is true (a declared date's, as dates.lua reads it: one table).
local function rel_of(attrs)
   local rel = attrs.rel
   if rel == true then return attrs end
   return rel
end

-- "in May and June 2016": the year said once serves both. rel: date a's,
-- a month without a year or a dir; b: the next date.
local function share_year(text, rel, a, b)
   if b.start - a.stop <= 12 and text:sub(a.stop + 1, b.start):match("^[%s,]*%a*[%s,%-\u{2013}]*$") then
      local brel = rel_of(b.attrs)
      local y = b.attrs.value and tonumber(tostring(b.attrs.value):match("^(%d%d%d%d)"))
         or brel and brel.year
      if y then rel.year = y end
   end
end

-- The dates kept of dated (sorted by start, overlapping): of overlapping
-- ones the longest, then the first.
local function without_overlaps(dated)
   local order, ranks = {}, {}
   for i, a in ipairs(dated) do order[i], ranks[i] = a, 0 end
   -- with one rank: the longer first, then the earlier
   spanset.sort(order, ranks)
   local kept, taken = {}, spanset.new()
   for _, a in ipairs(order) do
      if not taken:overlaps(a.start, a.stop) then
         taken:add(a.start, a.stop)
         kept[a] = true
      end
   end
   local out = {}
   for _, a in ipairs(dated) do
      if kept[a] then out[#out + 1] = a end
   end
   return out
end

-- The first full date of a document's opening (a dateline's), of its
-- dates kept: its value (of ten bytes), or nil.
local function opening_day(dated)
   for _, a in ipairs(dated) do
      if a.start > 600 then break end
      local v = a.attrs.value
      if type(v) == "string" and #v == 10 then return v end
   end
   return nil
end

-- dated (sorted by start) in one pass: the years said once shared (share_year), and
-- those kept of overlapping dates; with the value of the opening's first
-- full date (opening_day) when none overlaps.
local function settle(text, dated)
   local n, reach, overlap, opening = #dated, -math.huge, false, nil
   for i = 1, n do
      local a = dated[i]
      local attrs = a.attrs
      -- (rel_of, inline)
      local rel = attrs.rel
      if rel == true then rel = attrs end
      if rel and i < n and rel.month and not rel.year and not rel.dir then share_year(text, rel, a, dated[i + 1]) end
      if a.start < reach then overlap = true end
      if a.stop > reach then reach = a.stop end
      if not opening and not overlap and a.start <= 600 then
         local v = attrs.value
         if type(v) == "string" and #v == 10 then opening = v end
      end
   end
   if not overlap then return dated, opening end
   dated = without_overlaps(dated)
   return dated, opening_day(dated)
end

local PERIOD = { quarter = true, half = true, month = true, season = true }

-- values.parse_value of each value met, shared by the documents (a parse
-- is read, never changed): most values recur ("2016", "2016-07"), and a
-- parse a date reads once is then no table made for each date. false for
-- a value it reads none of; emptied once it holds PARSED_MAX values. A
-- value longer than PARSED_LEN bytes (no form a date's value takes, but
-- what a pack's own rule may set) is parsed and not kept, so that the
-- values kept across documents hold at most PARSED_MAX short strings.
local PARSED_MAX, PARSED_LEN = 4096, 32
local parsed_values, parsed_count = {}, 0
local function parse_value_once(v)
   if type(v) ~= "string" then return nil end
   if #v > PARSED_LEN then return values.parse_value(v) end
   local p = parsed_values[v]
   if p == nil then
      p = values.parse_value(v) or false
      if parsed_count >= PARSED_MAX then parsed_values, parsed_count = {}, 0 end
      parsed_values[v], parsed_count = p, parsed_count + 1
   end
   return p
end

-- The sentence of date annotation a (0 when it covers no token).
local function sentence_of(toks, a)
   local first = toks:cover(a.start, a.stop)
   return first and toks:get(first, "sentence") or 0
end

-- Whether values.resolve reads no tense for rel: "yesterday", "last
-- week", "this year" (a day's offset or a unit from the reference day).
local function timeless(rel)
   return (rel.offset_days or rel.unit) and not (rel.quarter or rel.half or rel.week_of or rel.holiday or rel.date
      or rel.season or rel.anaphor or rel.ago or rel.year or rel.month or rel.weekday or rel.weekend)
end

-- Whether the sentence of date a tells of it in the past, and not in a
-- clause about the future (st.tense its clause's tense when known).
local function told_past(toks, a, tense, st, tense_known)
   local t = tense_known and st.tense or tense.of(toks, a)
   return t ~= "future" and t ~= "deadline" and tense.told_past(toks, a)
end

-- A quarter mentioned, q of date a: st.quarter is the latest;
-- st.done_quarter the latest of those over (ended by the reference day,
-- or begun and told of in the past tense, as a fiscal quarter just
-- reported): the one a report compares with a year before, not a
-- forecast for the next.
local function note_quarter(st, q, toks, a, tense, tense_known)
   st.quarter = q
   if st.ref then
      local ey, em = add_months(q.y, 3 * q.n + 1, 0)   -- the day after it ends
      if days_from_civil(ey, em, 1) > st.ref
         and (days_from_civil(q.y, 3 * q.n - 2, 1) > st.ref or not told_past(toks, a, tense, st, tense_known)) then
         return
      end
   end
   st.done_quarter = q
end

--- Resolves the dates of a document in place: dated, its date annotations
-- (overlapping ones are dropped, the longest kept); ctx: {text, tokens,
-- date}; tense: the date_tense module (tense.of(tokens, annotation) ->
-- "future" | "past" | "deadline" | nil; tense.told_past); sorted: true
-- when each date of dated starts past the one before it (nil: not known).
-- Returns the dates kept, in text order, relative ones with attrs.value
-- (nil when nothing resolves them) and attrs.relative = true.
function values.resolve_document(ctx, dated, tense, sorted)
   local toks = ctx.tokens
   -- (a document phase gets them in text order: sorted only when a start
   -- is not past the one before, as ties may come out in another order)
   if not sorted then
      for i = 2, #dated do
         if dated[i].start <= dated[i - 1].start then
            spanset.sort(dated)
            break
         end
      end
   end
   local opening
   dated, opening = settle(ctx.text, dated)
   -- the reference day: the document's date, else its opening's
   local ref = ctx.date and values.day_of(ctx.date)
   if not ref and opening then ref = values.day_of(opening) end
   local st = { ref = ref }
   local period_sentence
   for i = 1, #dated do
      local a = dated[i]
      local attrs = a.attrs
      -- (its sentence: asked only where a period is in view)
      local sentence
      -- a period compared with "a year earlier" is of this sentence or the last
      if period_sentence and st.period then
         sentence = sentence_of(toks, a)
         if sentence - period_sentence > 1 then st.period = nil end
      end
      local rel = attrs.rel
      local tense_known, parsed
      if rel then
         local own = rel == true
         if own then rel = attrs end
         -- (values.resolve reads no tense without a reference day)
         tense_known = ref and not timeless(rel)
         st.tense = tense_known and tense.of(toks, a) or nil
         local value = values.resolve(rel, st)
         -- a date shifted a year back ("a year earlier", "the year-ago
         -- quarter", "the 1988 quarter") is no anchor: the next one is read
         -- against the period compared, not against it
         local anchor = not (rel.same_period or rel.compared or (rel.year_offset or 0) ~= 0)
         -- (attrs that are their own rel lose its fields)
         if own then
            for k in next, attrs do attrs[k] = nil end
         end
         attrs.value, attrs.rel, attrs.relative = value, nil, true
         if anchor then parsed = parse_value_once(value) end
      else
         -- (most values were met before: the lookup of parse_value_once in place)
         local v = attrs.value
         parsed = parsed_values[v]
         if parsed == nil then parsed = parse_value_once(v) end
      end
      if parsed then
         st.anchor = parsed
         local kind = parsed.kind
         if kind == "quarter" then note_quarter(st, parsed, toks, a, tense, tense_known) end
         if PERIOD[kind] then st.period, period_sentence = parsed, sentence or sentence_of(toks, a) end
      end
   end
   return dated
end

return values
