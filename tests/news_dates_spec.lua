-- The news pack's dates as TIMEX3 values, on sentences written for these
-- tests: references to the present and the past, ranges, years after a
-- determiner, "ago", decades and centuries, anaphoric days and periods,
-- seasons, quarters, holidays, the tense of the date's own clause, and
-- numbers that only look like years.
local rules = require "quarry.rules"

local news = rules.load("news")

-- text -> {date text = value} of the dates found
local function dates(text, date)
   local out = {}
   for _, a in ipairs(news:run({ text = text, date = date })) do
      if a.type == "date" then out[a.text] = a.attrs.value or false end
   end
   return out
end

describe("news dates", function()
   it("reads references to the present, the past and the future", function()
      assert.same({ currently = "PRESENT_REF", ["the time"] = "PAST_REF", ["the past"] = "PAST_REF",
         now = "PRESENT_REF", ["the future"] = "FUTURE_REF" },
         dates("Rents are currently high. At the time, tenants paid less, as they had in the past. "
            .. "The council now plans for the future.", "2019-04-02"))
      -- a conjunction, a duration's start and a duration are none
      assert.same({}, dates("From now on, the past few weeks and the past 20 years count.", "2019-04-02"))
   end)

   it("reads 'current' as the present, but not the current account or a noun", function()
      assert.same({ current = "PRESENT_REF", ["then current"] = "PAST_REF" },
         dates("Work stopped because of current market conditions. Holders may buy shares at the then "
            .. "current price.", "2019-04-02"))
      assert.same({ ["the current quarter"] = "2019-Q2" },
         dates("The current account deficit grew in the current quarter; the swimmer fought the current.",
            "2019-04-02"))
   end)

   it("finds dates without a cue: lists of years and days, a month's possessive, spoken years", function()
      assert.same({ ["1994"] = "1994", ["1995"] = "1995", ["1997"] = "1997" },
         dates("Doctors were shot in 1994, 1995 and 1997."))
      assert.same({ ["April 24"] = "1999-04-24", ["25"] = "1999-04-25" },
         dates("The summit meets on April 24 and 25 in Washington.", "1999-02-10"))
      -- "May's" is more often a person's
      assert.same({ ["December"] = "1997-12" },
         dates("The agency revised December's figures and Theresa May's aides left.", "1998-02-06"))
      assert.same({ ["nineteen ninety-six"] = "1996" },
         dates("Atlanta, nineteen ninety-six. A bomb shakes the games."))
      assert.same({ ["the ruined 11th century"] = "10", ["year's end"] = "1998" },
         dates("Pilgrims crowded the ruined 11th century chapel; its roof is due by year's end.", "1998-02-06"))
   end)

   it("reads the week of a day or a holiday, and takes 'This Week' in title case for a name", function()
      assert.same({ ["the week of March 6"] = "2000-W10", ["Easter week"] = "2000-W16" },
         dates("A hearing is set for the week of March 6. Pilgrims arrived as Easter week began.", "2000-02-24"))
      assert.same({ ["this week"] = "2000-W08" },
         dates("Pell told Channel 9's \"This Week\" that talks resume this week.", "2000-02-24"))
      -- durations in words are no dates either
      assert.same({}, dates("Rights were violated for the past twenty years.", "2000-02-24"))
   end)

   it("reads year ranges, with the last year in attrs.through", function()
      local found = news:run({ text = "Output fell in 2007-2008 and again in the 1998-99 season." })
      local got = {}
      for _, a in ipairs(found) do
         if a.type == "date" then got[#got + 1] = { a.text, a.attrs.value, a.attrs.through } end
      end
      assert.same({ { "2007-2008", "2007", "2008" }, { "1998-99", "1998", "1999" } }, got)
   end)

   it("reads a year range written with an en dash, and no range outside 1800 to 2099", function()
      local found = news:run({ text = "The 2010\u{2013}2012 plan, the 1998\u{2013}99 season and the 1700-1720 war." })
      local got = {}
      for _, a in ipairs(found) do
         if a.type == "date" then got[#got + 1] = { a.text, a.attrs.value, a.attrs.through } end
      end
      assert.same({ { "2010\u{2013}2012", "2010", "2012" }, { "1998\u{2013}99", "1998", "1999" } }, got)
   end)

   it("reads a year after any determiner", function()
      assert.same({ ["2011"] = "2011", ["2009"] = "2009", ["1996"] = "1996" },
         dates("A 2011 audit repeated its 2009 report and the agency's 1996 findings."))
   end)

   it("does not take clock times and index levels for years", function()
      assert.same({}, dates("A curfew runs from 1800 to 2100 local time, and flights leave at 1800 GMT."))
      assert.same({}, dates("The Dow touched the 1840 level before the index rose to 1850 points."))
      -- without a market in the sentence, "the 1987 level" is a year
      assert.same({ ["1987"] = "1987" }, dates("Net income stayed below the 1987 level."))
   end)

   it("counts back from the document's date: 'N years ago', decades and centuries", function()
      assert.same({ ["two years ago"] = "2011", ["a decade ago"] = "2003", ["three weeks ago"] = "2013-W15" },
         dates("The plant closed two years ago; a decade ago it had 900 workers; the last shift left "
            .. "three weeks ago.", "2013-05-02"))
      assert.same({ ["the 1990s"] = "199", ["the 20th century"] = "19", ["the '80s"] = "198" },
         dates("Prices doubled in the 1990s, the fastest rise of the 20th century, after a slump in the '80s."))
   end)

   it("reads seasons, fiscal years and parts of years", function()
      assert.same({ ["last summer"] = "2013-SU", ["this fiscal year"] = "2014",
         ["the end of the year"] = "2014", ["the winter of 2011"] = "2011-WI" },
         dates("Sales slumped last summer and will recover this fiscal year, probably by the end of the year, "
            .. "as after the winter of 2011.", "2014-03-10"))
      assert.same({ ["this summer"] = "2014-SU", ["next spring"] = "2015-SP", ["last fall"] = "2013-FA" },
         dates("The pool opens this summer, the museum next spring; the school closed last fall.", "2014-03-10"))
   end)

   it("reads anaphoric days and years against the date before them", function()
      assert.same({ ["March 3, 2010"] = "2010-03-03", ["the day before"] = "2010-03-02",
         ["A week later"] = "2010-W10", ["later that year"] = "2010" },
         dates("The ship docked on March 3, 2010. Its crew had been paid the day before. "
            .. "A week later it sailed again, and later that year it sank."))
   end)

   it("counts 'the previous Friday' and 'the following Monday' from the day told of", function()
      assert.same({ Friday = "2014-03-07", ["the previous Friday"] = "2014-02-28",
         ["March 3, 2010"] = "2010-03-03", ["the following Monday"] = "2010-03-08" },
         dates("Stocks fell Friday, down 4.5% from the previous Friday. The ship left on March 3, 2010 and "
            .. "docked the following Monday.", "2014-03-10"))
   end)

   it("reads quarters, and 'a year earlier' as the same quarter a year before", function()
      assert.same({ ["the third quarter"] = "2013-Q3", ["a year earlier"] = "2012-Q3",
         ["the quarter"] = "2013-Q3", ["the first half of 2014"] = "2014-H1",
         ["fourth-quarter"] = "2013-Q4" },
         dates("Profit rose 8% in the third quarter from a year earlier. Sales in the quarter were flat. "
            .. "The company expects fourth-quarter growth and a recovery in the first half of 2014.",
            "2013-10-24"))
   end)

   it("compares with a year before the latest quarter over, not a forecast", function()
      -- a charge to come in the fourth quarter is no quarter reported
      assert.same({ ["third-quarter"] = "2013-Q3", ["a fourth-quarter"] = "2013-Q4",
         ["the latest quarter"] = "2013-Q3", ["a year ago"] = "2012-Q3" },
         dates("Harbor Foods reported a 12% rise in third-quarter profit. It expects a fourth-quarter charge "
            .. "for the plant closing. In the latest quarter, sales rose from a year ago.", "2013-11-04"))
      assert.same({ ["third-quarter"] = "2013-Q3", ["the fourth quarter"] = "2013-Q4",
         ["the year-ago period"] = "2012-Q3" },
         dates("Steelmakers posted lower third-quarter profit. Analysts expect the slump to continue into "
            .. "the fourth quarter. In the year-ago period, Kessler Steel earned $9 million.", "2013-10-26"))
      -- a fiscal quarter told of as reported is over, though the calendar's is not
      assert.same({ ["its fiscal fourth quarter"] = "2013-Q4", ["the latest period"] = "2013-Q4",
         ["the year-earlier period"] = "2012-Q4" },
         dates("Delmar Mills reported a loss for its fiscal fourth quarter. Sales in the latest period fell "
            .. "from the year-earlier period.", "2013-10-28"))
   end)

   it("reads 'the 2012 quarter' as the quarter in focus that year, and halves", function()
      assert.same({ ["the third quarter"] = "2013-Q3", ["the 2012 quarter"] = "2012-Q3",
         ["last year's quarter"] = "2012-Q3" },
         dates("Net rose to $5 million in the third quarter from $4 million in the 2012 quarter. Exports in "
            .. "last year's quarter were small.", "2013-11-04"))
      assert.same({ ["this year's third quarter"] = "2013-Q3", ["a year earlier"] = "2012-Q3",
         ["the quarter a year ago"] = "2012-Q3", ["the corresponding period last year"] = "2012-Q3",
         ["the fiscal-first quarter"] = "2013-Q1" },
         dates("In this year's third quarter, net rose from a year earlier. For the quarter a year ago, it "
            .. "earned $5 million, as in the corresponding period last year. Mills Co. posted a profit for "
            .. "the fiscal-first quarter.", "2013-11-04"))
      -- a quarter said to have ended is over; "the same period" is the period told of
      assert.same({ ["the first quarter"] = "2013-Q1", ["Jan. 31"] = "2013-01-31",
         ["the year-ago quarter"] = "2012-Q1" },
         dates("Profit for the first quarter ended Jan. 31 rose to $9 million from $7 million in the "
            .. "year-ago quarter.", "2013-03-05"))
      assert.same({ February = "2013-02", ["the same period last year"] = "2012-02", ["2012"] = "2012" },
         dates("Car sales in February rose 5% from the same period last year. The comparable period for "
            .. "2012 had fewer selling days.", "2013-03-05"))
      assert.same({ ["the last half of 2012"] = "2012-H2", ["the next year"] = "2014" },
         dates("Orders slowed in the last half of 2012; the plant will close over the next year or so.",
            "2013-11-04"))
   end)

   it("reads holidays, the past one or the coming one", function()
      assert.same({ ["Thanksgiving"] = "2013-11-28", ["Christmas"] = "2013-12-25" },
         dates("Stores opened on Thanksgiving and will stay open until Christmas.", "2013-12-02"))
      assert.same({ ["last Easter"] = "2013-03-31" }, dates("The church was full last Easter.", "2013-05-02"))
   end)

   it("takes the tense of the date's own clause, not of the sentence", function()
      -- the speech verb's clause ends with its date: Friday is past
      assert.same({ Friday = "2014-03-07" },
         dates("The mayor said Friday the bridge will reopen.", "2014-03-10"))
      assert.same({ Friday = "2014-03-14" },
         dates("The mayor said the bridge will reopen Friday.", "2014-03-10"))
      assert.same({ Thursday = "2014-03-13", today = "2014-03-10" },
         dates("Parliament will vote on Thursday, the speaker's office announced today.", "2014-03-10"))
   end)

   it("takes a date that opens the sentence into the clause after its comma", function()
      assert.same({ Tuesday = "2014-03-11" },
         dates("On Tuesday, the league plans to hold a news conference.", "2014-03-10"))
      -- the first verb of that clause says it: the planning is past
      assert.same({ Friday = "2014-03-07", September = "2013-09" },
         dates("On Friday, the ministry planned to pay the families. In September, the firm announced "
            .. "plans to buy a rival.", "2014-03-12"))
      -- a deadline told of as met, after a conjunction too
      assert.same({ Monday = "2014-03-10" }, dates("By Monday, officials hardened their stance.", "2014-03-12"))
      assert.same({ Monday = "2014-03-10" },
         dates("Talks stalled. But by Monday, officials hardened their stance.", "2014-03-12"))
   end)

   it("reads deadlines past a clock time, and the nearest one for a month", function()
      assert.same({ Tuesday = "2014-03-18" },
         dates("The agency gave the family until 9 a.m. EST Tuesday to answer.", "2014-03-12"))
      -- a deadline days ago is this year's, not next year's
      assert.same({ ["Jan. 14"] = "2014-01-14" },
         dates("Regulators told the bank to repay the loan by Jan. 14.", "2014-01-20"))
      assert.same({ ["this year"] = "2013", August = "2013-08" },
         dates("The fund has gained 4% this year through August.", "2013-10-25"))
      assert.same({ ["Feb. 1"] = "2014-02-01" }, dates("The new tariff is effective Feb. 1.", "2013-12-09"))
      assert.same({ April = "2014-04" },
         dates("Ministers met to discuss planning for the summit in April.", "2013-12-05"))
      -- not a deadline to come: a cleft, a "had" in the sentence a date opens
      assert.same({ Tuesday = "2014-03-11" },
         dates("It was not until Tuesday that the minister resigned.", "2014-03-12"))
      assert.same({ Thursday = "2014-03-06" },
         dates("Up until Thursday, however, the police had called him a witness.", "2014-03-12"))
      assert.same({ Monday = "2014-03-10" },
         dates("The senator had wanted the figures by Monday, but the agency missed the deadline.", "2014-03-12"))
      -- a "had" in another clause of the sentence does not count
      assert.same({ February = "2014-02" },
         dates("The sale, which had been expected, helps it repay the loan by February.", "2013-10-30"))
   end)

   it("reads what was agreed as to come, and -ed adjectives as no past", function()
      assert.same({ February = "2014-02" },
         dates("Delmar Mills agreed to buy the pump line for $22 million in February.", "2013-10-30"))
      -- "to" before a determiner is a preposition
      assert.same({ October = "2013-10" }, dates("Peru agreed to the copper deal in October.", "2013-11-30"))
      assert.same({ ["the winter"] = "2013-WI" },
         dates("Barges could have kept loading through the winter.", "2014-03-06"))
      assert.same({ ["Dec. 7"] = "2013-12-07" },
         dates("Harbor Foods said it is calling for the buyback on Dec. 7 of its convertible preferred stock.",
            "2013-10-30"))
   end)

   it("puts 'last November' strictly before the document's month and a bare month by its tense", function()
      assert.same({ ["last November"] = "2012-11" }, dates("Talks stalled last November.", "2013-11-20"))
      assert.same({ ["last November"] = "2013-11" }, dates("Talks stalled last November.", "2014-01-20"))
      assert.same({ January = "2014-01" }, dates("The new line will open in January.", "2013-10-20"))
      assert.same({ January = "2013-01" }, dates("The old line was closed in January.", "2013-10-20"))
      -- a deadline is to come, a date after "since" is past
      assert.same({ Monday = "2013-12-09", ["Feb. 1"] = "2014-02-01", ["March"] = "2013-03" },
         dates("The merger, approved on Monday, is effective Feb. 1; the ship has been at sea since March "
            .. "and was scheduled to return.", "2013-12-09"))
   end)

   it("joins a month to 'this year' and 'last year'", function()
      assert.same({ ["June last year"] = "2012-06", ["January this year"] = "2013-01" },
         dates("The pact was signed in June last year and ratified in January this year.", "2013-05-02"))
   end)

   -- A pack that includes news with its dates rule `name` replaced by
   -- `rule_src` (the source of a rule), run on text: pcall's answers.
   local function run_replacing(name, rule_src, text, date)
      local support = require "tests.support"
      local dir = support.tmpdir { ["mine.lua"] = ([[
local news = include "news"
news.name = "mine"
for _, phase in ipairs(news.phases) do
   for i, r in ipairs(phase.rules or {}) do
      if r.name == %q then phase.rules[i] = %s end
   end
end
return news
]]):format(name, rule_src) }
      local ok, anns = pcall(function()
         return rules.load(dir .. "/mine.lua"):run({ text = text, date = date })
      end)
      support.cleanup()
      return ok, anns
   end

   it("keeps the date of a pack's own rule that takes the name of a news rule, with an action", function()
      local ok, anns = run_replacing("weekend", [[rule { name = "weekend", type = "date",
            pattern = P.word "the weekend",
            action = function(m)
               local rel = { weekend = true, dir = "next" }
               return { type = "date", start = m.start, stop = m.stop, attrs = { rel = rel } }
            end }]], "Protesters gather over the weekend.", "2014-03-12")
      assert.is_true(ok, anns)
      local got = {}
      for _, a in ipairs(anns) do
         if a.type == "date" then got[a.text] = a.attrs.value end
      end
      assert.same({ ["the weekend"] = "2014-W11-WE" }, got)
   end)

   it("keeps the attrs of a pack's own declared rule that takes the name of a news rule", function()
      local ok, anns = run_replacing("month", [[rule { name = "month", type = "date", pattern = P.word "in June",
            attrs = { season = "summer" } }]], "The pool opens in June.", "2014-03-12")
      assert.is_true(ok, anns)
      local got = {}
      for _, a in ipairs(anns) do
         if a.type == "date" then got[a.text] = a.attrs end
      end
      assert.same({ ["in June"] = { season = "summer" } }, got)
   end)
end)
