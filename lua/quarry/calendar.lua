--- Calendar arithmetic on day numbers (days since 1970-01-01, proleptic
-- Gregorian), after Howard Hinnant's days_from_civil: pure integer
-- arithmetic, so that sandboxed rule packs (which have no os.time) and the
-- reports share one implementation.
-- @module quarry.calendar
local calendar = {}

--- The day number of a civil date: calendar.days_from_civil(y, m, d) -> integer
-- @param y integer the year (proleptic Gregorian; 0 and negative years allowed)
-- @param m integer the month, 1 to 12
-- @param d integer the day of the month
-- @return integer the day number: days since 1970-01-01
function calendar.days_from_civil(y, m, d)
   y = m <= 2 and y - 1 or y
   -- Lua's // floors, where the C original truncates and corrects for
   -- negative years: the correction here would count a year twice
   local era = y // 400
   local yoe = y - era * 400
   local doy = (153 * (m + (m > 2 and -3 or 9)) + 2) // 5 + d - 1
   local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
   return era * 146097 + doe - 719468
end

--- The civil date of a day number: calendar.civil_from_days(z) -> y, m, d
-- @param z integer a day number (days since 1970-01-01)
-- @return integer the year
-- @return integer the month, 1 to 12
-- @return integer the day of the month
function calendar.civil_from_days(z)
   z = z + 719468
   local era = z // 146097
   local doe = z - era * 146097
   local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
   local y = yoe + era * 400
   local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
   local mp = (5 * doy + 2) // 153
   local d = doy - (153 * mp + 2) // 5 + 1
   local m = mp + (mp < 10 and 3 or -9)
   return m <= 2 and y + 1 or y, m, d
end

--- ISO weekday of a day number, Monday = 1: calendar.weekday(z) -> 1..7
-- @param z integer a day number
-- @return integer the ISO weekday: 1 (Monday) to 7 (Sunday)
function calendar.weekday(z) return (z + 3) % 7 + 1 end   -- 1970-01-01 was a Thursday

--- calendar.days_in_month(y, m) -> 28..31
-- @param y integer the year
-- @param m integer the month, 1 to 12
-- @return integer 28, 29, 30 or 31
function calendar.days_in_month(y, m)
   if m == 2 then return (y % 4 == 0 and (y % 100 ~= 0 or y % 400 == 0)) and 29 or 28 end
   return (m == 4 or m == 6 or m == 9 or m == 11) and 30 or 31
end

--- Parses an ISO 8601 date: "YYYY", "YYYY-MM" or "YYYY-MM-DD", the last
-- optionally followed by a time ("THH:MM[:SS[.fff]]", or a space for the
-- T) and a zone ("Z", "+HH:MM", "-HHMM"). The one ISO-date parser of
-- quarry: the corpus checks documents' dates with it, the news pack and
-- `quarry eval` read dates with it.
-- calendar.parse_iso(s) -> year, month|nil, day|nil of a real date; or nil
-- @param s string the text
-- @return integer the year, or nil when s is not an ISO 8601 date of a real day
-- @return integer the month, or nil for "YYYY"
-- @return integer the day, or nil for "YYYY" and "YYYY-MM"
function calendar.parse_iso(s)
   if type(s) ~= "string" then return nil end
   local y, m, d, rest = s:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)(.*)$")
   if not y then
      y = s:match("^(%d%d%d%d)$")
      if y then return tonumber(y) end
      y, m = s:match("^(%d%d%d%d)%-(%d%d)$")
      if not y then return nil end
      m = tonumber(m)
      if m < 1 or m > 12 then return nil end
      return tonumber(y), m
   end
   if rest ~= "" then
      local t = rest:match("^[T ]%d%d:%d%d(.*)$")
      if not t then return nil end
      t = t:gsub("^:%d%d", ""):gsub("^[.,]%d+", "")
      if not (t == "" or t == "Z" or t:match("^[+-]%d%d:?%d%d$")) then return nil end
   end
   y, m, d = tonumber(y), tonumber(m), tonumber(d)
   if m < 1 or m > 12 or d < 1 or d > calendar.days_in_month(y, m) then return nil end
   return y, m, d
end

return calendar
