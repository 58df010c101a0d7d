-- The news pack on text shaped to break it: a regression for a crash on
-- a real article's shape, and paragraphs long enough that any search
-- that walks a whole paragraph or sentence for each quote would show.
-- The sentences are written for these tests.
local rules = require "quarry.rules"

local news = rules.load("news")

local function quotes_of(anns)
   local out = {}
   for _, a in ipairs(anns) do
      if a.type == "quote" then out[#out + 1] = a end
   end
   return out
end

-- The work of running the pack over text: the steps its sandbox counted
-- (Lua instructions, and what C scans charge for the tokens they visit),
-- which the machine's load does not change, as CPU seconds would. The
-- pack is run as a user's pack that includes news: the shipped pack's own
-- box counts its steps by the CPU clock, this one by instructions.
local core = require "quarry.core"
local support = require "tests.support"
local counted = rules.load(support.put(support.tmpdir(), "counted.lua", 'return include "news"'))
assert(not counted.box.clock)
local function cost(text)
   counted:run(text)
   local steps = core.limit_stats()
   return steps
end

describe("the news pack on hostile shapes", function()
   it("takes a headline that opens with a noun of saying before a quote", function()
      -- the noun of saying ("Warning") is the text's first token: no owner
      -- can stand before it (this once raised "token index out of range")
      local anns = news:run("Warning over 'cheap' loans\n\nBanks lend more, the report said.")
      local q = quotes_of(anns)
      assert.equal(1, #q)
      assert.equal("cheap", q[1].text)
      assert.equal(require("cjson").null, q[1].attrs.speaker)
   end)

   -- #slow: about a second of CPU
   it("grows linearly with paragraphs of quotes: plain, run-on, unbalanced, an open parenthesis #slow",
      function()
      local shapes = {
         quoted = "\u{201C}We will not accept this,\u{201D} said Vera Lind, the foreign minister. "
            .. "She added that the talks would go on and called the plan \u{201C}a trap\u{201D}. ",
         run_on = "he called it \u{201C}a disaster\u{201D} and \u{201C}a shame\u{201D} and the minister said "
            .. "\u{201C}no\u{201D} and Lind told reporters ",
         unbalanced = "\u{201C}We said \u{2018}no and \u{201C}yes, ' Lind said \u{2019} and \u{201D} ",
         -- a parenthesis left open joins every sentence after it to the one before
         open_paren = "Vera Lind (of the party said it was \u{201C}dead\u{201D}. She left. ",
         -- "it" and "the ministry" stand for an organisation named before: none is
         it_said = "Vera Lind met Carl Brandt in Oslo. \u{201C}We will go,\u{201D} it said. "
            .. "\u{201C}We stay,\u{201D} the ministry said. ",
      }
      for name, unit in pairs(shapes) do
         local small = unit:rep(30000 // #unit)
         local large = unit:rep(120000 // #unit)
         local ratio = cost(large) / math.max(cost(small), 1)
         -- four times the text: about four times the work (a search over the
         -- paragraph for each quote would make it sixteen)
         assert.is_true(ratio < 8, string.format("%s: 4x the text took %.1fx the steps", name, ratio))
      end
   end)
end)
