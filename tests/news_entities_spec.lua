-- The news pack's people, organisations and places in wire copy, on texts
-- written for these tests: results tables and fixture lists, titles inside
-- names, sign-offs, companies named after places, names in capitals, and
-- events and adjectives that are none of the three.
local rules = require "quarry.rules"

local news = rules.load("news")

-- text -> {"type text", ...} of the people, organisations, places and events found
local function found(text)
   local out = {}
   for _, a in ipairs(news:run({ text = text })) do
      if a.type == "person" or a.type == "organization" or a.type == "location" or a.type == "event" then
         out[#out + 1] = a.type .. " " .. a.text
      end
   end
   return out
end

local function has(list, item)
   for _, x in ipairs(list) do
      if x == item then return true end
   end
   return false
end

local function assert_has(list, ...)
   for _, item in ipairs { ... } do
      assert.is_true(has(list, item), "missing '" .. item .. "' in {" .. table.concat(list, "; ") .. "}")
   end
end

local function assert_lacks(list, ...)
   for _, item in ipairs { ... } do
      assert.is_false(has(list, item), "unexpected '" .. item .. "' in {" .. table.concat(list, "; ") .. "}")
   end
end

describe("news entities in wire copy", function()
   it("reads the players in parentheses after a score and the teams before it", function()
      local got = found("SOCCER - LEAGUE RESULTS .\nLONDON 1997-03-02\nResults of league matches on Saturday :\n"
         .. "Bristol 2 ( Kell 14 , Marsh pen 61 ) Exeter 1 ( Dunn 88 ) . Halftime 1-0 . Attendance 9,120 .\n"
         .. "Halvard striker Kell scored his tenth goal of the season .")
      assert_has(got, "organization Bristol", "organization Exeter", "person Kell", "person Marsh", "person Dunn",
         "location LONDON")
      assert_lacks(got, "location Bristol", "location Exeter", "organization Halftime", "organization Attendance")
   end)

   it("reads a cricket scorecard's sides and batsmen", function()
      local got = found("CRICKET - COUNTY SCORES .\nLONDON 1997-06-12\nClose of play scores on the second day :\n"
         .. "At Taunton : Cheshire 312-7 ( R. Dale 104 not out , T. Innes 55 ) , Cornwall 88-2 .\n"
         .. "The innings was the batting side's best of the season , with wickets falling late .")
      assert_has(got, "organization Cheshire", "organization Cornwall", "person R. Dale", "person T. Innes")
      assert_lacks(got, "location Cheshire")
   end)

   it("reads a fixture list: the visiting team, then the place it plays at", function()
      local got = found("BASEBALL - SCHEDULE .\nNEW YORK 1997-05-03\nGames on Sunday :\nDENVER AT PORTLAND\n"
         .. "MIAMI AT OMAHA\nThe league leaders play their rivals on Monday , the coach said .")
      assert_has(got, "organization DENVER", "location PORTLAND", "organization MIAMI", "location OMAHA")
      assert_lacks(got, "organization PORTLAND", "location DENVER")
   end)

   it("takes a national side's reserve team for a team", function()
      local got = found("Results of the under-21 tournament on Friday :\nItaly II 3 Norway 0\n"
         .. "The striker scored twice in the match , the coach said after the league game .")
      assert_has(got, "organization Italy II")
   end)

   it("keeps a title word that ends a name after a first name", function()
      local got = found("Prime Minister Alan Major met Chancellor Greta Vogel in Bonn .")
      assert_has(got, "person Alan Major", "person Greta Vogel", "location Bonn")
   end)

   it("reads a wire's sign-off as an organisation", function()
      assert_has(found("Shares closed higher on the day .\n-- Lisbon Newsroom +351 21 555 0183"),
         "organization Lisbon Newsroom")
   end)

   it("keeps a company named after a place as the company", function()
      local got = found("Output at Tula Steelworks fell while Harbin Brewery raised prices .")
      assert_has(got, "organization Tula Steelworks", "organization Harbin Brewery")
      assert_lacks(got, "location Tula", "location Harbin")
   end)

   it("finds names of a headline in capitals that the text writes in ordinary case", function()
      local got = found("VALMORE BACK IN SQUAD AFTER INJURY .\nGLASGOW 1997-01-05\n"
         .. "Striker Dale Valmore returned to the Scotland squad on Sunday , coach Ian Reid said .")
      assert_has(got, "person VALMORE", "person Dale Valmore", "location GLASGOW")
   end)

   it("gives an acronym defined right after a name, and its later mentions, the name's type", function()
      local function count(list, item)
         local n = 0
         for _, x in ipairs(list) do if x == item then n = n + 1 end end
         return n
      end
      local text = " ( KDP ) on Monday . Later KDP fighters left the town ."
      assert.equal(2, count(found("Leaders of the Kurdistan Democratic Party" .. text), "organization KDP"))
      -- not after a word that ends no name, nor letters the name's initials lack
      assert.equal(0, count(found("Leaders of the Kurdistan Democratic Party met" .. text), "organization KDP"))
      assert_lacks(found("Leaders of the Kurdistan Democratic Party ( PUK ) met on Monday ."), "organization PUK")
   end)

   it("reads tournaments and leagues as events, and names glued to adjectives as nothing", function()
      local got = found("She reached the U.S. Open final and later rode in the Tour de France , where a "
         .. "U.S.-led team won the stage .")
      assert_has(got, "event U.S. Open", "event Tour de France")
      assert_lacks(got, "location U.S.", "location France")
   end)
end)
