-- Marks around words nobody says (lua/quarry/rules/news/quotes/terms.lua):
-- a quote is reported speech; scare quotes, titles, nicknames and words
-- mentioned as words are annotations of type "term", on sentences written
-- for them.
local rules = require "quarry.rules"
local support = require "tests.support"

local pack = rules.load(rules.definition("news"))

-- The quote or term whose words start with prefix: its annotation.
local function marked(text, prefix)
   for _, a in ipairs(pack:run({ text = text })) do
      if (a.type == "quote" or a.type == "term") and a.text:sub(1, #prefix) == prefix then return a end
   end
   error("no quote or term starting " .. prefix .. " in: " .. text, 2)
end

local function term(text, prefix, kind)
   local a = marked(text, prefix)
   assert.equal("term", a.type, prefix .. " should be a term in: " .. text)
   assert.equal(kind, a.attrs.kind)
   assert.is_nil(a.attrs.speaker)
   return a
end

local function quote(text, prefix)
   local a = marked(text, prefix)
   assert.equal("quote", a.type, prefix .. " should be a quote in: " .. text)
   return a
end

describe("terms of the news pack", function()
   it("makes scare quotes, nicknames, titles and words mentioned as words terms", function()
      term("The so-called \u{2018}soft landing\u{2019} never came.", "soft landing", "scare")
      term("Builders rushed to finish what critics dubbed \u{2018}the tower\u{2019} by May.", "the tower", "nickname")
      term("She starred in the documentary \u{2018}Cold Water\u{2019} last year.", "Cold Water", "title")
      term("Many readers object to the phrase \u{201C}anchor baby\u{201D} in headlines.", "anchor baby", "mention")
      term("The hacker known as \u{201C}Nightjar\u{201D} was arrested.", "Nightjar", "nickname")
      term("Fans of the \u{201C}Rust Is the New Gold\u{201D} star lined up.", "Rust Is", "title")
   end)

   it("keys on the missing cue in the clause, not on length", function()
      -- short words in a reported clause are speech
      local q = quote("Tom Reed called the plan \u{2018}reckless\u{2019} on Monday.", "reckless")
      assert.equal("Tom Reed", q.attrs.speaker)
      -- long words nobody in the clause says are not
      term("The council backed the \u{201C}new deal for the harbour and the people who work on it\u{201D} "
         .. "in a late vote.", "new deal", "scare")
      -- the same words with a cue are speech
      quote("Tom Reed praised the \u{201C}new deal for the harbour\u{201D} in a late vote.", "new deal")
   end)

   it("keeps statements, first-person words, colons and a reported clause as quotes", function()
      quote("The doors closed at noon. \u{201C}Nobody will be left behind.\u{201D}", "Nobody")
      quote("Ann Vale wants lower taxes and \u{201C}jobs for all of us\u{201D} in the town.", "jobs for")
      quote("The sign on the door: \u{201C}Closed for the storm.\u{201D}", "Closed")
      quote("Tom Reed worried that the budget was becoming \u{201C}a piggy bank for all\u{201D} again.", "a piggy bank")
   end)

   it("gives words after a verb of finding or thinking to a subject that can say them", function()
      -- a document, a description with a relative clause, a relative pronoun
      quote("A provincial audit found \u{201C}serious gaps\u{201D} in the way the ministry tracks spending.",
         "serious gaps")
      quote("The former mayor, who ran the town for a decade, thinks the levy should be a "
         .. "\u{201C}last resort\u{201D} for councils.", "last resort")
      quote("A study that found the levy did \u{201C}lasting\u{201D} harm was released on Monday.", "lasting")
      -- a subject that says nothing, no subject, a verb that finds nothing
      term("The storm found the harbour town in a \u{201C}quiet\u{201D} mood.", "quiet", "scare")
      term("The wreck was found in a \u{201C}quiet\u{201D} bay off the point.", "quiet", "scare")
      term("The town promotes itself as the \u{201C}berry capital of the coast\u{201D} each summer.", "berry capital",
         "scare")
   end)

   it("reads a verb of accusing in its bare form as a cue", function()
      local q = quote("The union will accuse the board of a \u{201C}rigged\u{201D} process.", "rigged")
      assert.equal("The union", q.attrs.speaker)
   end)

   it("takes words in marks that run over a sentence's end for speech", function()
      quote("The levy looked clever. Worse, \u{201C}it works for a while. Then it stops.\u{201D}"
         .. "\n\nThe vote is in May.", "it works")
      term("The levy looked clever. Worse, it was a \u{201C}stopgap\u{201D} at best.\n\nThe vote is in May.",
         "stopgap", "scare")
   end)

   it("reads a headline in single marks as a quote attributed by its line", function()
      local q = quote("\u{2018}Nobody told us,\u{2019} says mayor as floods recede\n\nThe river rose overnight.",
         "Nobody told us")
      assert.equal("mayor", q.attrs.speaker)
      q = quote("\u{2018}Progress\u{2019} in Talks, Says Ann Vale\n\nThe talks went on.", "Progress")
      assert.equal("Ann Vale", q.attrs.speaker)
   end)

   it("makes titles after a possessive or a programme's name terms, and a title someone says a quote", function()
      term("Ann Vale said on CBC\u{2019}s \u{201C}The National\u{201D} that rates would rise.", "The National", "title")
      local q = quote("\u{201C}Build It Now,\u{201D} Ann Vale told the crowd.", "Build It Now")
      assert.equal("Ann Vale", q.attrs.speaker)
      -- a cry is no title
      quote("The crowd chanted \u{201C}Build the Wall!\u{201D} as he spoke.", "Build the Wall!")
   end)

   it("gives a term no speaker and does not hand one on to the next quote", function()
      local anns = pack:run({ text = "Tom Reed spoke. The so-called \u{201C}reform\u{201D} failed.\n\n"
         .. "\u{201C}We tried.\u{201D}" })
      local kinds = {}
      for _, a in ipairs(anns) do
         if a.type == "quote" or a.type == "term" then kinds[#kinds + 1] = a.type .. ":" .. a.text end
      end
      assert.same({ "term:reform", "quote:We tried." }, kinds)
   end)

   it("says why a term is no quote in quarry explain", function()
      local dir = support.tmpdir { ["t.txt"] = "The so-called \u{201C}soft landing\u{201D} failed.\n" }
      local code, out = support.quarry("explain --rules news " .. dir .. "/t.txt")
      assert.equal(0, code)
      assert.truthy(out:find("not speech (scare: marked by 'so-called')", 1, true))
      assert.truthy(out:find("quotes/terms.lua:", 1, true))
      support.cleanup()
   end)
end)
