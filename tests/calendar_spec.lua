-- quarry.calendar: the day arithmetic the news pack's dates and the HTML
-- report's timeline share.
local calendar = require "quarry.calendar"

describe("quarry.calendar", function()
   it("numbers days from 1970-01-01", function()
      assert.equal(0, calendar.days_from_civil(1970, 1, 1))
      assert.equal(-1, calendar.days_from_civil(1969, 12, 31))
      assert.equal(11016, calendar.days_from_civil(2000, 2, 29))
      assert.equal(20415, calendar.days_from_civil(2025, 11, 23))
      assert.equal(-719162, calendar.days_from_civil(1, 1, 1))
   end)

   -- #slow: 16 500 dates through pure Lua; valgrind, which watches the C
   -- core, has nothing to look at in it and took half a minute
   it("turns day numbers back into the same dates, leap days and centuries included #slow", function()
      for z = -800000, 800000, 97 do
         local y, m, d = calendar.civil_from_days(z)
         assert.is_true(m >= 1 and m <= 12 and d >= 1 and d <= calendar.days_in_month(y, m))
         assert.equal(z, calendar.days_from_civil(y, m, d))
      end
      assert.same({ 2000, 2, 29 }, { calendar.civil_from_days(calendar.days_from_civil(2000, 3, 1) - 1) })
      assert.same({ 1900, 2, 28 }, { calendar.civil_from_days(calendar.days_from_civil(1900, 3, 1) - 1) })
   end)

   it("knows month lengths and weekdays (Monday = 1)", function()
      assert.equal(29, calendar.days_in_month(2024, 2))
      assert.equal(28, calendar.days_in_month(2100, 2))
      assert.equal(29, calendar.days_in_month(2000, 2))
      assert.equal(30, calendar.days_in_month(2026, 11))
      assert.equal(4, calendar.weekday(0))                                  -- a Thursday
      assert.equal(1, calendar.weekday(calendar.days_from_civil(2026, 11, 23)))  -- a Monday
   end)

   it("parses ISO dates of real days, with or without a time, and nothing else", function()
      assert.same({ 2024, 2, 29 }, { calendar.parse_iso("2024-02-29") })
      assert.same({ 1998, 12, 5 }, { calendar.parse_iso("1998-12-05T09:42") })
      assert.same({ 1998, 12, 5 }, { calendar.parse_iso("1998-12-05 09:42:18.5+01:00") })
      assert.same({ 2016, 7 }, { calendar.parse_iso("2016-07") })
      assert.same({ 2016 }, { calendar.parse_iso("2016") })
      for _, bad in ipairs { "2023-02-29", "2016-13", "2016-00-10", "16-07-01", "2016-07-16x", "2016-07-16T9:00",
                             "", 20160716 } do
         assert.is_nil(calendar.parse_iso(bad), tostring(bad))
      end
   end)
end)
