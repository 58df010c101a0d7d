-- Who a mention stands for and what kind of speaker it is
-- (lua/quarry/rules/news/quotes/speakers.lua), and the clause's subject
-- the strategies take (clauses.lua, mentions.lua), on sentences written
-- for them.
local H = require "tests.news.quotes.helper"

local function speaker(text, prefix)
   local q = H.quote(text, prefix)
   return q.attrs.speaker, q.attrs.speaker_type, q
end

describe("speakers of the news pack", function()
   describe("pronouns", function()
      it("prefer the topic to a person a possessive of the same gender introduces", function()
         local text = "Carl Brandt spent decades at the plant. His foreman, Joe Varga, retired in 2015.\n\n"
            .. "\u{2018}We built engines people trusted,\u{2019} he said."
         assert.equal("Carl Brandt", speaker(text, "We built"))
         -- without the possessive, the nearest subject of that gender
         text = "Carl Brandt spent decades at the plant. Joe Varga, the foreman, retired in 2015.\n\n"
            .. "\u{2018}We built engines people trusted,\u{2019} he said."
         assert.equal("Joe Varga", speaker(text, "We built"))
      end)

      it("go to a description of one person before them in their sentence", function()
         local name, kind = speaker("The rights group condemned the mayor\u{2019}s remarks when he spoke of "
            .. "\u{2018}foreign elites\u{2019}.", "foreign elites")
         assert.equal("the mayor", name)
         assert.equal("person", kind)
      end)

      it("never stand for a line of page furniture, a person inside a quote or a surname used as an adjective",
         function()
         local text = "Maria Lopez runs the shelter.\n\nReader Favourites\n\n\u{201C}We are full,\u{201D} she said."
         assert.equal("Maria Lopez", speaker(text, "We are full"))
         text = "Premier Ann Vale spoke in Red Deer. \u{201C}Nothing happens without Albertans saying yes,\u{201D} "
            .. "she said."
         assert.equal("Ann Vale", speaker(text, "Nothing happens"))
         text = "Susan Black founded the paper. Ann Vale runs the shelter. Black communities were hit hardest. "
            .. "\u{2018}We lost everything,\u{2019} she said."
         assert.equal("Ann Vale", speaker(text, "We lost"))
      end)

      it("pass a person inside a quote far into a long paragraph too", function()
         -- (180 tokens before the people: past the window a test walks)
         local pad = string.rep("The plant made engines for trucks and buses. ", 20)
         local text = pad .. "Maria Lopez runs the shelter. \u{201C}Ann Vale was wrong,\u{201D} a guard said. "
            .. "\u{201C}We are full,\u{201D} she said."
         assert.equal("Maria Lopez", speaker(text, "We are full"))
         text = pad .. "Maria Lopez runs the shelter. Ann Vale was wrong, a guard said. "
            .. "\u{201C}We are full,\u{201D} she said."
         assert.equal("Ann Vale", speaker(text, "We are full"))
      end)
   end)

   describe("kinds of speaker", function()
      it("are organisations, documents, groups and people, and unknown without a speaker", function()
         local name, kind = speaker("The water board issued a statement saying it was \u{2018}fully prepared\u{2019}.",
            "fully prepared")
         assert.same({ "The water board", "organization" }, { name, kind })
         name, kind = speaker("A leaked memo describes the plan as a \u{2018}soft landing\u{2019}.", "soft landing")
         assert.same({ "A leaked memo", "document" }, { name, kind })
         name, kind = speaker("The rent is \u{201C}out of reach,\u{201D} according to the survey.", "out of reach")
         assert.same({ "the survey", "document" }, { name, kind })
         name, kind = speaker("Aides say the minister plans to \u{201C}stay the course\u{201D} on rents.", "stay the")
         assert.same({ "Aides", "group" }, { name, kind })
         name, kind = speaker("\u{201C}We will not sign,\u{201D} said Ann Vale.", "We will")
         assert.same({ "Ann Vale", "person" }, { name, kind })
         local _, unknown = speaker("The doors shut. \u{201C}Closed until further notice.\u{201D}", "Closed")
         assert.equal("unknown", unknown)
      end)

      it("name an organisation a description stands for, and a share of a group", function()
         local text = "The Halifax Water Commission met on Monday.\n\n\u{201C}We cleared the drains,\u{201D} "
            .. "the commission said."
         local name, kind = speaker(text, "We cleared")
         assert.same({ "Halifax Water Commission", "organization" }, { name, kind })
         name, kind = speaker("Harbour Bank cut its rates on Monday. \u{201C}We see no slowdown,\u{201D} it said.",
            "We see")
         assert.same({ "Harbour Bank", "organization" }, { name, kind })
         name, kind = speaker("A poll found that 61 per cent of respondents describe their finances as "
            .. "\u{201C}worse than last year.\u{201D}", "worse")
         assert.same({ "61 per cent of respondents", "group" }, { name, kind })
      end)
   end)

   describe("the clause's subject", function()
      it("is not an object, a possessor or a name in an opening phrase", function()
         assert.equal("Marta Solberg", speaker("Marta Solberg attacked Tom Reyes for his \u{2018}fantasy "
            .. "budget\u{2019}.", "fantasy budget"))
         assert.equal("Ann Vale", speaker("Ann Vale corrected the candidate by tweeting a link to a study proving "
            .. "\u{201C}rents are falling.\u{201D}", "rents are"))
         assert.equal("the bishop", speaker("In declaring Tom Reed\u{2019}s remarks \u{201C}not Christian,\u{201D} "
            .. "the bishop went further.", "not Christian"))
         assert.equal("Owen Trask", speaker("Owen Trask also complained that the senator is too rigid, suggesting "
            .. "he sees issues as \u{201C}black and white.\u{201D}", "black and"))
         assert.equal("Ann Vale", speaker("Ann Vale, who starred in the comedy \u{201C}Tides and Troubles,\u{201D} "
            .. "said the film was \u{201C}terrifying.\u{201D}", "terrifying"))
      end)

      it("is not in an opening subordinate clause that ends before the quote", function()
         local q = H.quote("As Tom Reed spoke, the union was whipping members against \u{201C}any deal at all.\u{201D}",
            "any deal")
         assert.not_equal("Tom Reed", q.attrs.speaker)
      end)

      it("is the subject of the subordinate or absolute clause a participle follows", function()
         assert.equal("Tom Reed", speaker("Ann Vale sat down when Tom Reed rose to speak, calling the levy "
            .. "\u{201C}a tax on work.\u{201D}", "a tax on"))
         assert.equal("Tom Reed", speaker("The board agreed to meet, with Tom Reed calling the delay "
            .. "\u{201C}a tax on work.\u{201D}", "a tax on"))
         -- a subject that says nothing: the main clause's
         assert.equal("Ann Vale", speaker("Ann Vale apologised after the letters came out, saying they were "
            .. "\u{201C}a young woman's mistakes.\u{201D}", "a young"))
      end)

      it("goes on over an abbreviation in parentheses the tokeniser ended a sentence at", function()
         assert.equal("Ida Brandt", speaker("In a statement, Rep. Ida Brandt (D-Minn.) reacted to the news, "
            .. "saying: \u{201C}He should be in prison.\u{201D}", "He should"))
      end)
   end)

   describe("descriptions and indefinite speakers", function()
      it("speak as written, or as the person the description was used for", function()
         assert.equal("another", speaker("Workers left quietly. \u{201C}We did what we could,\u{201D} said another.",
            "We did"))
         local text = "\u{201C}Rates will rise,\u{201D} says Toronto economist Ann Vale.\n\n"
            .. "\u{201C}Sooner or later you choose,\u{201D} said the soft-spoken economist."
         assert.equal("Ann Vale", speaker(text, "Rates will"))
         assert.equal("Ann Vale", speaker(text, "Sooner"))
         assert.equal("the soft-spoken economist", speaker("Markets fell. \u{201C}Sooner or later you choose,\u{201D} "
            .. "said the soft-spoken economist.", "Sooner"))
         assert.equal("Ines Roldan", speaker("Ada Kessler spoke. \u{201C}We will fight,\u{201D} said Kessler\u{2019}s "
            .. "spokeswoman Ines Roldan.", "We will"))
      end)

      it("read a label line: Name, title: \u{201C}\u{2026}\u{201D}", function()
         assert.equal("Tom Reed", speaker("Tom Reed, a retired teacher: \u{201C}Nobody asked us.\u{201D}", "Nobody"))
         assert.equal("Ann Vale", speaker("Ann Vale, chief economist at Harbour Bank: \u{2018}Rates will rise.\u{2019}",
            "Rates"))
      end)

      it("carry the speaker into the next paragraph and back to the last one named", function()
         local text = "\u{201C}The budget is a fantasy,\u{201D} said Marta Solberg.\n\n"
            .. "\u{201C}It will not pass.\u{201D}\n\nThe council meets in May. Solberg was blunt.\n\n"
            .. "\u{201C}We have the votes,\u{201D} she added."
         assert.equal("Marta Solberg", speaker(text, "It will not"))
         assert.equal("Marta Solberg", speaker(text, "We have"))
      end)
   end)
end)
