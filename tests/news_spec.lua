-- The shipped news pack, on articles written for these tests
-- (tests/fixtures/news/): page structure, people, places, organisations,
-- dates, and quotes with their speakers, in the output contract that
-- `quarry extract --rules news` prints.
local rules = require "quarry.rules"
local support = require "tests.support"
local cjson = require "cjson"

local news = rules.load("news")

local function run(text, date) return news:run({ text = text, date = date }) end

-- Annotations of a type (and, optionally, text).
local function of(anns, type_, text)
   local out = {}
   for _, a in ipairs(anns) do
      if a.type == type_ and (text == nil or a.text == text) then out[#out + 1] = a end
   end
   return out
end

local function one(anns, type_, text)
   local list = of(anns, type_, text)
   assert.equal(1, #list, string.format("expected one %s %q, found %d", type_, tostring(text), #list))
   return list[1]
end

-- The quote whose text starts with a prefix.
local function quote(anns, prefix)
   for _, a in ipairs(anns) do
      if a.type == "quote" and a.text:sub(1, #prefix) == prefix then return a end
   end
   error("no quote starting " .. prefix)
end

describe("the news pack", function()
   local text = support.fixture("news/article.txt")
   local anns = run(text, "2021-02-10")

   local function segment_at(needle) return support.segment_at(anns, text, needle) end

   describe("page structure", function()
      it("segments the headline, byline, dateline and body", function()
         assert.equal("headline", segment_at("Talks Stall"))
         assert.equal("byline", segment_at("By Lena"))
         assert.equal("body", segment_at("Foreign Minister Sergey"))
         local d = one(anns, "dateline")
         assert.equal("TBILISI (Caspian Wire) —", d.text)
         assert.same({ place = "TBILISI", source = "Caspian Wire" }, d.attrs)
         assert.equal(1, #of(anns, "segment", "TBILISI (Caspian Wire) —"))
      end)

      it("segments newsletter prompts, related posts and reader comments", function()
         assert.equal("boilerplate", segment_at("Sign up for our newsletter"))
         assert.equal("boilerplate", segment_at("Get the best stories"))
         assert.equal("related", segment_at("Voronov Meets Sardaryan"))
         assert.equal("comments", segment_at("Leave a Reply"))
         assert.equal("comments", segment_at("Harold Finch said"))
      end)

      it("finds no quote, person or date of the article inside the clutter", function()
         local clutter_from = text:find("Sign up for our newsletter", 1, true) - 1
         for _, a in ipairs(anns) do
            if a.start >= clutter_from then
               assert.equal("segment", a.type, a.type .. " " .. a.text .. " found in the clutter")
            end
         end
      end)

      it("knows other pages' clutter: pingbacks, 'You may also like', numbered comments", function()
         local page = table.concat({
            "Port strike ends after talks",
            "The union said \u{201C}we won the argument on pay and on safety,\u{201D} according to Ana Ruiz.",
            "You May Also Like",
            "Dockers vote on new contract",
            "4 thoughts on \u{201C}Port strike ends after talks\u{201D}",
            "3. Dave K. said:",
            "Ruiz told me \u{201C}the strike will be back in May\u{201D} and she was right.",
            "Pingback: Harbour news roundup",
         }, "\n\n")
         local found = run(page, "2024-05-02")
         local kinds = {}
         for _, a in ipairs(of(found, "segment")) do kinds[#kinds + 1] = a.attrs.kind end
         assert.same({ "headline", "body", "related", "comments" }, kinds)
         assert.equal(1, #of(found, "quote"))
         assert.equal("Ana Ruiz", of(found, "quote")[1].attrs.speaker)
         assert.equal(0, #of(found, "date"))
      end)

      it("reads the datelines of wires and agencies", function()
         local cases = {
            { "MOSCOW (RFE/RL) — The talks resumed.", "MOSCOW", "RFE/RL" },
            { "NEW YORK (Reuters) - Stocks fell.", "NEW YORK", "Reuters" },
            { "YEREVAN — The vote was delayed.", "YEREVAN", nil },
            { "MUNICH (Alpine Wire)–Talks went on.", "MUNICH", "Alpine Wire" },
            { "DUSHANBE, April 8 (Meridian Wire) - A treaty was signed.", "DUSHANBE", "Meridian Wire" },
            { "BISMARCK, North Dakota, Aug. 19 (Meridian Wire) - A judge ruled.", "BISMARCK", "Meridian Wire" },
         }
         for _, c in ipairs(cases) do
            local d = one(run(c[1]), "dateline")
            assert.equal(c[2], d.attrs.place)
            assert.equal(c[3], d.attrs.source)
         end
         assert.equal(0, #of(run("U.S.-based firms grew. NATO-led forces left."), "dateline"))
      end)
   end)

   describe("people", function()
      it("reads titles before a name and in an appositive", function()
         local p = of(anns, "person", "Sergey Voronov")[1]
         assert.equal("Foreign Minister", p.attrs.title)
         local s = one(anns, "person", "Davit Sardaryan")
         assert.equal("Armenia\u{2019}s chief negotiator", s.attrs.title)
         local m = one(anns, "person", "Marta Solberg")
         assert.is_truthy(m.attrs.title == nil or m.attrs.title:find("spokeswoman", 1, true))
      end)

      it("merges spelling variants and surnames into one canonical name", function()
         local names = {}
         for _, p in ipairs(of(anns, "person")) do names[p.attrs.name] = (names[p.attrs.name] or 0) + 1 end
         assert.is_nil(names["Sergei Voronov"])
         assert.is_true(names["Sergey Voronov"] >= 5)
         assert.equal("Sergey Voronov", one(anns, "person", "Sergei Voronov").attrs.name)
         for _, p in ipairs(of(anns, "person", "Sardaryan")) do assert.equal("Davit Sardaryan", p.attrs.name) end
      end)

      it("keeps initials in a canonical name and reads a company's short name as the company", function()
         local found = run("Zelmora Systems, run by J.R. Quillan, lost data. Zelmora said it was sorry. "
            .. "Quillan resigned.")
         for _, p in ipairs(of(found, "person")) do assert.equal("J.R. Quillan", p.attrs.name) end
         assert.equal(2, #of(found, "person"))
         assert.equal("Zelmora Systems", one(found, "organization", "Zelmora").attrs.name)
      end)

      it("does not take title-case headline words for people", function()
         assert.equal(0, #of(anns, "person", "Talks Stall"))
         assert.equal(0, #of(anns, "person", "Envoys Trade"))
      end)
   end)

   describe("places and organisations", function()
      it("finds gazetteer names with their canonical names", function()
         local found = run("Officials from the U.S., the Russian Federation and the UN met in Kyiv.")
         local names = {}
         for _, a in ipairs(found) do names[a.type .. ":" .. (a.attrs.name or "")] = true end
         assert.is_true(names["location:United States"])
         assert.is_true(names["location:Russia"])
         assert.is_true(names["organization:United Nations"])
      end)

      it("links demonyms to their countries", function()
         local d = one(run("Armenian troops withdrew."), "demonym", "Armenian")
         assert.equal("Armenia", d.attrs.country)
      end)

      it("finds organisations and places the gazetteers lack by their cue words", function()
         assert.equal("Norwegian Foreign Ministry", one(anns, "organization", "Norwegian Foreign Ministry").attrs.name)
         local found = run("Zarvek Holdings opened a plant near Lake Orvan, in Velmora province.")
         assert.equal(1, #of(found, "organization", "Zarvek Holdings"))
         assert.equal(1, #of(found, "location", "Lake Orvan"))
      end)

      it("reads a first name before a company whose name is also a word or a name as a person", function()
         local found = run("Shares in Vale fell after Ann Vale, a senator, spoke. Senator Ann Vale left. "
            .. "Henry Ford built cars; Ford shares rose.")
         assert.equal(2, #of(found, "person", "Ann Vale"))
         assert.equal(1, #of(found, "person", "Henry Ford"))
         assert.equal(1, #of(found, "organization", "Vale"))
         assert.equal(1, #of(found, "organization", "Ford"))
      end)

      it("ignores lower-case words that spell an ambiguous name", function()
         local found = run("We ate turkey and asked who would chair it.")
         assert.equal(0, #of(found, "location"))
         assert.equal(0, #of(found, "organization"))
      end)
   end)

   describe("dates", function()
      local function value(t) return one(anns, "date", t).attrs.value end

      it("normalises absolute dates to ISO 8601", function()
         assert.equal("2021-03-03", value("March 3, 2021"))
         assert.equal("2020", value("2020"))
         local found = run("It was signed on 7 December 1988, revised in June 2016 and in May and June 2017.")
         local v = {}
         for _, a in ipairs(of(found, "date")) do v[a.text] = a.attrs.value end
         assert.same({ ["7 December 1988"] = "1988-12-07", ["June 2016"] = "2016-06", ["May"] = "2017-05",
            ["June 2017"] = "2017-06" }, v)
      end)

      it("resolves relative dates against the document's date", function()
         assert.equal("2021-02-08", value("Monday"))      -- the Monday before Wednesday 10 February
         assert.equal("2021-02-05", value("Friday"))
         assert.equal("2021-W05", value("last week"))
         assert.equal("2020-07-16", value("July 16"))     -- past, so last year's
         assert.equal("2021", value("this year"))
      end)

      it("takes the reference date from the dateline when the document has none", function()
         local found = run("PARIS, France 1996-08-22\nThe minister spoke on Tuesday.")
         assert.equal("1996-08-20", one(found, "date", "Tuesday").attrs.value)
      end)

      it("leaves a relative date without a value when there is nothing to resolve it against", function()
         assert.is_nil(one(run("They met on Tuesday."), "date", "Tuesday").attrs.value)
      end)
   end)

   describe("quotes", function()
      it("takes the text inside the marks, partial and direct", function()
         local q = quote(anns, "time is running out")
         assert.equal("partial", q.attrs.kind)
         assert.equal("time is running out", q.text)
         local d = quote(anns, "We have offered")
         assert.equal("direct", d.attrs.kind)
         -- over two sentences
         assert.equal("We have offered every guarantee we can. Nobody can accuse us of standing still,", d.text)
      end)

      it("finds the speaker after the quote, before it, or introducing it", function()
         local q = quote(anns, "We have offered")
         assert.equal("Sergey Voronov", q.attrs.speaker)
         assert.equal("told", q.attrs.cue)
         assert.equal("Voronov", text:sub(q.attrs.speaker_start + 1, q.attrs.speaker_end))
         local added = quote(anns, "There will be no concessions")
         assert.equal("Davit Sardaryan", added.attrs.speaker)
         assert.equal("added", added.attrs.cue)
         local stress = quote(anns, "Our people will decide")
         assert.equal("Davit Sardaryan", stress.attrs.speaker)
         assert.equal("stress", stress.attrs.cue)
         assert.equal("direct", stress.attrs.kind)
         local partial = quote(anns, "dead on arrival")
         assert.equal("Davit Sardaryan", partial.attrs.speaker)
      end)

      it("takes 'according to X' and an outlet as speakers", function()
         local acc = quote(anns, "The ministry has received")
         assert.equal("Marta Solberg", acc.attrs.speaker)
         assert.equal("according to", acc.attrs.cue)
         local paper = quote(anns, "Both capitals")
         assert.equal("wrote", paper.attrs.cue)
         assert.equal("the Northern Ledger newspaper", text:sub(paper.attrs.speaker_start + 1, paper.attrs.speaker_end))
         assert.is_truthy(tostring(paper.attrs.speaker):find("Ledger", 1, true))
      end)

      it("resolves pronouns and descriptions to the person meant", function()
         local he = quote(anns, "A deal this year")
         assert.equal("Davit Sardaryan", he.attrs.speaker)
         assert.equal("he", text:sub(he.attrs.speaker_start + 1, he.attrs.speaker_end))
         local desc = quote(anns, "It is a question of will")
         assert.equal("Davit Sardaryan", desc.attrs.speaker)
         assert.equal("the top Armenian diplomat", text:sub(desc.attrs.speaker_start + 1, desc.attrs.speaker_end))
      end)

      it("gives a quote that continues the previous one its speaker", function()
         assert.equal("Sergey Voronov", quote(anns, "The next step is theirs.").attrs.speaker)
      end)

      it("carries a quote left open into the next paragraph", function()
         local first = quote(anns, "The first point is security.")
         assert.equal("The first point is security. The second point is trust. "
            .. "And the third point, which people forget,", first.text)
         assert.equal("Sergey Voronov", first.attrs.speaker)
         assert.equal("Sergey Voronov", quote(anns, "is money").attrs.speaker)
      end)

      it("finds single-quoted headline quotes and their speakers", function()
         local q = quote(anns, "Ultimatums")
         assert.equal("Sergey Voronov", q.attrs.speaker)
      end)

      it("keeps a nested quote inside the outer one, with straight quotes too", function()
         local found = run('"He told me \'never again\' and meant it," Hollis said. She said: "No."')
         local qs = of(found, "quote")
         assert.equal(2, #qs)
         assert.equal("He told me 'never again' and meant it,", qs[1].text)
         assert.equal("Hollis", qs[1].attrs.speaker)
         assert.equal("No.", qs[2].text)
      end)

      it("closes a quote at an opening double mark written to close it", function()
         local found = run("Tom Reed called the film \u{201C}Frozen\u{201C} a disgrace. \u{201C}It is over,\u{201C} he "
            .. "said. \u{201C}We will not sign.\u{201D}")
         local texts = {}
         for _, a in ipairs(found) do
            if a.type == "quote" or a.type == "term" then texts[#texts + 1] = a.type .. ":" .. a.text end
         end
         assert.same({ "term:Frozen", "quote:It is over,", "quote:We will not sign." }, texts)
         assert.equal("Tom Reed", of(found, "quote")[1].attrs.speaker)
      end)

      it("gives a pronoun the nearest person of its gender", function()
         local found = run("Mayor Anna Keller met Governor Tom Ruiz. \u{201C}We agreed on nothing,\u{201D} she said.")
         assert.equal("Anna Keller", one(found, "quote").attrs.speaker)
      end)

      -- who speaks a quote woven into a sentence that names several people
      local function speaker_of(sentence)
         local q = one(run(sentence), "quote")
         return q.attrs.speaker, sentence:sub(q.attrs.speaker_start + 1, q.attrs.speaker_end)
      end

      it("gives a quote to the outermost attribution of its sentence", function()
         assert.equal("Ann Vance", speaker_of("Senator Ann Vance said on Tuesday that Mayor Tom Reed had "
            .. "called the plan \u{201C}a disaster\u{201D} for the port."))
         -- a speech verb used as a noun is nobody's attribution
         assert.equal("Lisa Park", speaker_of("Governor Lisa Park said Tom Reed's tweet was \u{201C}reckless.\u{201D}"))
         -- a clause of its own after "and" has its own subject
         assert.equal("Tom Reed", speaker_of("Ann Vance spoke first, and Tom Reed called the vote "
            .. "\u{201C}a farce.\u{201D}"))
      end)

      it("gives a participle after a comma the subject of its clause", function()
         assert.equal("Tom Reed", speaker_of("On Monday, Mayor Tom Reed hit back at Senator Ann Vance, saying "
            .. "the vote was \u{201C}a farce.\u{201D}"))
         assert.equal("Ann Vance", speaker_of("Senator Ann Vance, who chairs the committee, described the plan to "
            .. "Tom Reed as \u{201C}unworkable.\u{201D}"))
      end)

      it("takes the agent of a passive cue and the owner of a noun of saying", function()
         assert.equal("Maria Chen", speaker_of("Tom Reed was asked by host Maria Chen whether "
            .. "\u{201C}the budget is dead.\u{201D}"))
         local name, mention = speaker_of("Mayor Ann Vance toured the docks. By Friday her promise to be "
            .. "\u{201C}neutral\u{201D} in the dispute was forgotten.")
         assert.equal("Ann Vance", name)
         assert.equal("her", mention)
      end)

      it("takes a relative pronoun as the mention and its antecedent as the speaker", function()
         local name, mention = speaker_of("The plan was backed by Ann Vance, who on Monday said it would be "
            .. "\u{201C}a new start.\u{201D}")
         assert.equal("Ann Vance", name)
         assert.equal("who", mention)
      end)

      it("takes the speaker a colon closes, and a transcript's capitals", function()
         assert.equal("Dana Ruiz", speaker_of("The fall did not surprise the economist Dana Ruiz: "
            .. "\u{201C}Prices always follow the harvest.\u{201D}"))
         local found = run("Senator Ann Vance spoke to Tom Reed on the radio.\n\n"
            .. "\u{201C}REED: Will you vote for it?\u{201D}\n\n\u{201C}VANCE: Never.\u{201D}")
         local q = quote(found, "Never")
         assert.equal("Ann Vance", q.attrs.speaker)
         assert.equal("Tom Reed", quote(found, "Will you").attrs.speaker)
      end)

      it("does not take a speaker from the next paragraph, which introduces its own quote", function()
         local found = run("Mayor Tom Reed spoke last. \u{201C}We will win this.\u{201D}\n\n"
            .. "Senator Ann Vance replied: \u{201C}Not this year.\u{201D}")
         assert.equal("Tom Reed", quote(found, "We will").attrs.speaker)
         assert.equal("Ann Vance", quote(found, "Not this").attrs.speaker)
      end)

      it("takes a name and a verb the lists lack after a quote that ends on a comma", function()
         assert.equal("Tom Reed", speaker_of("Mayor Tom Reed faced the council. \u{201C}Sit down,\u{201D} Reed "
            .. "shot back."))
         assert.equal("Quorvath", speaker_of("\u{201C}It is too early to tell,\u{201D} said Quorvath, who "
            .. "runs the port."))
         -- a capitalised word before a cue is its subject, not the name after it
         assert.equal("Dolan", speaker_of("Coach Marek Ilves sat down. Dolan says Ilves "
            .. "\u{201C}never gave up.\u{201D}"))
         -- a wire that reports the words is their source
         local name, mention = speaker_of("\u{201C}We will vote,\u{201D} Tom Reed said, according to the "
            .. "Harbour Gazette newspaper.")
         assert.equal("the Harbour Gazette newspaper", mention)
         assert.is_not_nil(name)
      end)

      it("leaves an unattributed quote's speaker null", function()
         local found = run("The door stayed shut. \u{201C}Closed until further notice because of the storm.\u{201D}")
         local q = one(found, "quote")
         assert.equal(cjson.null, q.attrs.speaker)
      end)
   end)

   it("gives a person one name across a corpus, whatever each article spells", function()
      local corpus = require "quarry.corpus"
      require "quarry.runner"     -- corpus:extract
      local dir = support.tmpdir()
      local db = assert(corpus.open(dir .. "/c.db"))
      assert(db:add { id = "a", date = "2021-02-01",
         text = "Foreign Minister Sergey Voronov met envoys. Sergey Voronov said \"we are ready.\"" })
      assert(db:add { id = "b", date = "2021-02-02", text = "Sergey Voronov arrived. Voronov left." })
      assert(db:add { id = "c", date = "2021-02-03",
         text = "\"Talks are over,\" Sergei Voronov told reporters. Sergei Voronov then left." })
      assert(db:extract("news"))
      local names = {}
      for _, s in ipairs(assert(db:spans { type = "person" })) do names[s.attrs.name] = true end
      assert.same({ ["Sergey Voronov"] = true }, names)
      local speakers = {}
      for _, s in ipairs(assert(db:spans { type = "quote" })) do speakers[s.doc] = s.attrs.speaker end
      assert.same({ a = "Sergey Voronov", c = "Sergey Voronov" }, speakers)
      db:close()
   end)

   it("prints the output contract from the command line", function()
      local code, out = support.quarry("extract --rules news --date 2021-02-10 tests/fixtures/news/article.txt")
      assert.equal(0, code)
      local n = 0
      for line in out:gmatch("[^\n]+") do
         local a = cjson.decode(line)
         n = n + 1
         for _, k in ipairs { "doc", "type", "start", "end", "text", "rule", "attrs" } do
            assert.is_not_nil(a[k], k .. " missing in " .. line)
         end
         assert.equal(text:sub(a.start + 1, a["end"]), a.text)
         if a.type == "quote" then
            for _, k in ipairs { "speaker", "speaker_start", "speaker_end", "cue", "kind" } do
               assert.is_true(line:find('"' .. k .. '":', 1, true) ~= nil, k .. " missing in " .. line)
            end
         end
      end
      assert.is_true(n > 40)
   end)

   it("gives a pack's strategy each quote's sentence as q.sent, that of its opening mark", function()
      local dir = support.tmpdir {
         ["sent_pack.lua"] = 'local news = include "news"\n'
            .. 'news.quotes:insert_before("transcript_label", include "check_sent")\nreturn news\n',
         ["check_sent.lua"] = [[
return { name = "check_sent", about = "q.sent is doc:sent(q.open)", find = function(q, doc)
   if math.type(q.sent) ~= "integer" or q.sent ~= doc:sent(q.open) then
      error("q.sent " .. tostring(q.sent) .. " for a quote in sentence " .. tostring(doc:sent(q.open)), 0)
   end
   if doc:key(q.open + 1) == "second" then return doc:mention_at(doc:sentence_start(q.open)) end
   return nil
end }
]],
      }
      local pack = rules.load(dir .. "/sent_pack.lua")
      local got = pack:run({ text = "Ann Vale spoke first. “We will build,” she said.\n\n"
         .. "Then Tom Reed answered. Reed: “Second thoughts are welcome.”" })
      assert.equal("Ann Vale", quote(got, "We will build").attrs.speaker)
      local second = quote(got, "Second thoughts")
      assert.equal("check_sent", second.attrs.strategy)
      assert.equal("Tom Reed", second.attrs.speaker)
   end)

   it("passes its own inline examples", function()
      local passed, failed, failures = news:test()
      assert.equal(0, failed, failures[1] and (failures[1].where .. " " .. failures[1].rule) or "")
      assert.is_true(passed >= 20)
   end)
end)

describe("news pack traces", function()
   it("gives each quote and term its trace only when the caller asks (pack:run's trace, ctx.trace)", function()
      local text = "Ann Vale spoke on Monday.\n\n\u{201C}We will not sign,\u{201D} said Ann Vale. "
         .. "The plan was dubbed \u{201C}Project Lantern\u{201D} last year."
      local plain = news:run({ text = text })
      local traced = news:run({ text = text }, { trace = true })
      assert.equal(#plain, #traced)
      local quotes, terms = 0, 0
      for i, a in ipairs(traced) do
         assert.is_nil(plain[i].trace)
         assert.same(a.attrs, plain[i].attrs)
         if a.type == "quote" then
            quotes = quotes + 1
            assert.equal("after_quote", a.trace.strategy)
            assert.equal(a.attrs.strategy, a.trace.strategy)
            assert.matches("quotes/after_quote%.lua:%d+$", a.trace.where)
            assert.same({ "transcript_label", "cue_before_mark", "comma_after_colon", "colon_intro", "split_quote",
               "according_to" }, a.trace.tried)
         elseif a.type == "term" then
            terms = terms + 1
            assert.equal("nickname: marked by 'dubbed'", a.trace.term)
            assert.is_nil(a.trace.strategy)
         end
      end
      assert.equal(1, quotes)
      assert.equal(1, terms)
   end)
end)
