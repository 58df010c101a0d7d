-- quarry eval beyond plain span scoring: CoNLL gold, quotations and their
-- speakers against BRAT attributions (PolNeAR), attribute accuracy, and
-- the readers and matching rules under them; span scoring on JSONL and
-- BRAT gold. Fixtures: tests/fixtures/eval/.
local cjson = require "cjson"
local evaluation = require "quarry.eval"
local support = require "tests.support"
local run, read, tmpdir, put = support.quarry, support.read, support.tmpdir, support.put

local DIR = "tests/fixtures/eval/"
local QUOTES = DIR .. "quotes_pack.lua --gold " .. DIR .. "polnear --quotes"
local NER = DIR .. "ner_pack.lua --gold " .. DIR .. "conll/regatta.iob2"
local DATES = DIR .. "dates_pack.lua --gold " .. DIR .. "dates/gold.jsonl " .. DIR .. "dates/docs.jsonl"
local TIMEML = DIR .. "dates_pack.lua --gold " .. DIR .. "timeml"
local PACKS = "tests/fixtures/packs/"
local lines, has = support.lines, support.has

local function eval_json(args)
   local code, out, err = run("eval " .. args .. " --json")
   assert.equal(0, code, err)
   return cjson.decode(out)
end

-- tp, fp, fn of a cell and P/R/F1 computed from them
local function prf(cell, tp, fp, fn)
   assert.same({ tp, fp, fn }, { cell.tp, cell.fp, cell.fn })
   local p = (tp + fp) > 0 and tp / (tp + fp) or 0
   local r = (tp + fn) > 0 and tp / (tp + fn) or 0
   assert.near(p, cell.precision, 1e-9)
   assert.near(r, cell.recall, 1e-9)
   assert.near((p + r) > 0 and 2 * p * r / (p + r) or 0, cell.f1, 1e-9)
end

local function json_lines(s)
   local out = {}
   for line in s:gmatch("[^\n]+") do out[#out + 1] = cjson.decode(line) end
   return out
end

local function read_text(path)
   local f = assert(io.open(path, "rb"))
   local s = f:read("a")
   f:close()
   return s
end

after_each(support.cleanup)

describe("quarry.eval.read_conll", function()
   it("rebuilds documents at datelines, one sentence a line, with IOB2 spans in bytes", function()
      local list, info = evaluation.read_conll(DIR .. "conll/regatta.iob2")
      assert.same({ sentences = 9, documents = 2, split = "datelines" }, info)
      assert.equal(2, #list)
      local d1, d2 = list[1], list[2]
      assert.equal("regatta.iob2#1", d1.id)
      assert.equal("regatta.iob2#2", d2.id)
      assert.equal("2024-05-04", d1.date)
      assert.equal("2024-05-05", d2.date)
      assert.equal("SAILING - HARBOUR CUP ENDS IN GDANSK .\nGDANSK 2024-05-04\n"
         .. "Anna Nowak of Baltic Yacht Club won the final race on Sunday .\n"
         .. "Nowak beat Jan Kowalski , Piotr Lis and Ewa Zielinska .\n"
         .. "The Gdansk Sopot ferry was cancelled .", d1.text)
      local got = {}
      for _, g in ipairs(d1.gold) do
         assert.equal(g.text, d1.text:sub(g.start + 1, g.stop))
         got[#got + 1] = g.type .. ":" .. g.text
      end
      -- B-LOC B-LOC: two places, not "Gdansk Sopot"
      assert.same({ "MISC:HARBOUR CUP", "LOC:GDANSK", "LOC:GDANSK", "PER:Anna Nowak", "ORG:Baltic Yacht Club",
         "PER:Nowak", "PER:Jan Kowalski", "PER:Piotr Lis", "PER:Ewa Zielinska", "LOC:Gdansk", "LOC:Sopot" }, got)
      assert.same({ type = "PER", start = 57, stop = 67, text = "Anna Nowak" }, d1.gold[4])
      got = {}
      for _, g in ipairs(d2.gold) do got[#got + 1] = g.type .. ":" .. g.text end
      assert.same({ "LOC:WARSAW", "ORG:Vistula Rowing Club", "ORG:Oder Crew", "LOC:Warsaw", "MISC:Polish",
         "PER:Marta Wrona", "LOC:Poznan" }, got)
   end)

   it("reads IOB1 tags (I- opens an entity, B- only between two of one type) to the same spans", function()
      local one = assert(evaluation.read_conll(DIR .. "conll/regatta.iob1"))
      local two = assert(evaluation.read_conll(DIR .. "conll/regatta.iob2"))
      for i = 1, 2 do
         assert.equal(two[i].text, one[i].text)
         assert.same(two[i].gold, one[i].gold)
      end
   end)

   it("starts documents at -DOCSTART- lines, or every 40 sentences when nothing marks them", function()
      local dir = tmpdir()
      put(dir, "marked.conll", "-DOCSTART- -X- -X- O\n\nA B-PER\nsaid O\n\nB O\n\n-DOCSTART- -X- O O\n\nC B-LOC\n")
      local list, info = assert(evaluation.read_conll(dir .. "/marked.conll"))
      assert.equal("-DOCSTART- lines", info.split)
      assert.equal(2, #list)
      assert.equal("A said\nB", list[1].text)
      assert.same({ { type = "PER", start = 0, stop = 1, text = "A" } }, list[1].gold)
      assert.equal("C", list[2].text)
      local rows = {}
      for i = 1, 45 do rows[#rows + 1] = "word" .. i .. " O\n" end
      put(dir, "plain.conll", table.concat(rows, "\n"))
      list, info = assert(evaluation.read_conll(dir .. "/plain.conll"))
      assert.same({ sentences = 45, documents = 2, split = "every 40 sentences" }, info)
      assert.equal("word41\nword42\nword43\nword44\nword45", list[2].text)
   end)

   it("names file and line of a malformed line, and says when the file cannot be read", function()
      local dir = tmpdir()
      put(dir, "bad.conll", "Anna NNP B-NP B-PER\nNowak NNP I-NP X-PER\n")
      put(dir, "short.conll", "Anna B-PER\n\nlonely\n")
      local ok, err = evaluation.read_conll(dir .. "/bad.conll")
      assert.is_nil(ok)
      assert.equal(dir .. "/bad.conll:2: 'X-PER' is not an IOB tag (O, B-TYPE or I-TYPE)", err)
      ok, err = evaluation.read_conll(dir .. "/short.conll")
      assert.is_nil(ok)
      has(err, dir .. "/short.conll:3: expected a token and its tag")
      ok, err = evaluation.read_conll(dir .. "/missing.conll")
      assert.is_nil(ok)
      has(err, dir .. "/missing.conll")
   end)

   it("tells gold formats apart", function()
      assert.equal("brat", evaluation.gold_format(DIR .. "polnear"))
      assert.equal("conll", evaluation.gold_format(DIR .. "conll/regatta.iob1"))
      assert.equal("jsonl", evaluation.gold_format(DIR .. "dates/gold.jsonl"))
      local dir = tmpdir { ["two.conll"] = "\n-DOCSTART- O\n\nParis B-LOC\n", ["prose.txt"] = "Just some words here\n" }
      assert.equal("conll", evaluation.gold_format(dir .. "/two.conll"))
      assert.equal("jsonl", evaluation.gold_format(dir .. "/prose.txt"))
      local kind, err = evaluation.gold_format(dir .. "/nothing.jsonl")
      assert.is_nil(kind)
      has(err, dir .. "/nothing.jsonl")
   end)
end)

describe("quarry.eval quotations", function()
   local function stretches(s)
      local out = {}
      for _, q in ipairs(evaluation.quoted_stretches(s, 0, #s)) do out[#out + 1] = s:sub(q.start + 1, q.stop) end
      return out
   end

   it("finds the text between opening and closing marks, curly or straight", function()
      assert.same({ "We agree." }, stretches("“We agree.”"))
      assert.same({ "Not now,", "Maybe later." }, stretches("“Not now,” she said. “Maybe later.”"))
      assert.same({ "a disaster" }, stretches('the plan was "a disaster" for them'))
      assert.same({ "yes", "no" }, stretches('"yes" or "no"'))
      assert.same({}, stretches('an empty "" pair and no marks'))
   end)

   it("runs a quote still open at the end to the end, and one closed first from the start", function()
      assert.same({ "on time and" }, stretches("that it was “on time and"))
      assert.same({ "within budget," }, stretches("within budget,” the report said"))
      -- only the first closing mark without an opening one counts
      assert.same({ "one", "two" }, stretches("one” and “two”"))
      assert.same({ "one" }, stretches("one” and two”"))
   end)

   it("goes by the marks' context, not their glyph, and keeps quotes inside quotes", function()
      assert.same({ "Typo at the start." }, stretches("”Typo at the start.”"))
      assert.same({ "Typo at the end." }, stretches("“Typo at the end.“"))
      assert.same({ "He called it “hell” today." }, stretches("“He called it “hell” today.”"))
      assert.same({ "Read this: “Is it safe” then answer." },
         stretches('"Read this: “Is it safe” then answer."'))
   end)

   it("splits a quotation continued into a new paragraph", function()
      local s = "“First paragraph goes on.  \n\n“Second one ends.”"
      assert.same({ "First paragraph goes on.", "Second one ends." }, stretches(s))
   end)

   it("reads PolNeAR attributions with byte offsets and keeps the quoted stretches of their Content", function()
      local text = read_text(DIR .. "polnear/text/harbour.txt")
      local brat = assert(evaluation.read_brat_attributions(DIR .. "polnear/attributions/harbour_a1b2.ann", text))
      assert.equal(4, #brat.attributions)
      assert.equal("Attribution", brat.attributions[1].type)
      assert.equal("Mayor Zofia Król", brat.attributions[1].source.text)
      local quotes, contents = evaluation.gold_quotes(text, brat)
      assert.equal(4, #contents)
      local got = {}
      for _, q in ipairs(quotes) do
         assert.equal(q.text, text:sub(q.start + 1, q.stop))
         assert.equal(q.source.text, text:sub(q.source.start + 1, q.source.stop))
         got[#got + 1] = { q.attribution, q.text, q.source.text }
      end
      assert.same({
         { "E1", "We will open the harbour in May.", "Mayor Zofia Król" },
         { "E2", "It is too expensive,", "Piotr Wiśniewski" },       -- a Content in two pieces
         { "E2", "Nobody has seen the costs.", "Piotr Wiśniewski" },
         { "E3", "vanity project", "Wiśniewski" },                   -- a partial quote
         { "E4", "on schedule and within", "The port authority" },   -- the Content ends mid-quote
      }, got)
      -- BRAT says character 56; Łódź, “ ” and ó before it take 10 more bytes
      assert.equal(66, quotes[1].start)
      assert.equal(98, quotes[1].stop)

      text = read_text(DIR .. "polnear/text/budget.txt")
      brat = assert(evaluation.read_brat_attributions(DIR .. "polnear/attributions/budget.ann", text))
      quotes = evaluation.gold_quotes(text, brat)
      assert.equal(2, #quotes)
      assert.equal("We have done our job,", quotes[1].text)
      assert.equal("heading for trouble", quotes[2].text)
      assert.equal("Attribution-no-source", brat.attributions[2].type)
      assert.is_nil(quotes[2].source)
   end)

   it("reads a Content in single curly marks as one quote, and counts the terms that eat gold quotes", function()
      local text = "\u{2018}Nobody told us,\u{2019} says mayor\n\nThe so-called \u{201C}plan\u{201D} failed, "
         .. "Ann Vale said it was \u{201C}dead\u{201D} and the \u{201C}pause\u{201D} was over."
      local function at(s) local i = text:find(s, 1, true) return i - 1, i - 1 + #s end
      local b0, b1 = at("\u{2018}Nobody told us,\u{2019}")
      local d0, d1 = at("it was \u{201C}dead\u{201D} and the \u{201C}pause\u{201D}")
      local brat = { spans = { { type = "Content", start = b0, stop = b1 },
                               { type = "Content", start = d0, stop = d1 } },
         attributions = { { id = "E1", contents = { { start = b0, stop = b1 } } },
                          { id = "E2", contents = { { start = d0, stop = d1 } },
                            source = { start = 0, stop = 0, text = "Ann Vale" } } } }
      local gold, contents = evaluation.gold_quotes(text, brat)
      local texts = {}
      for _, g in ipairs(gold) do texts[#texts + 1] = g.text end
      assert.same({ "Nobody told us,", "dead", "pause" }, texts)
      local function span(type_, s, kind)
         local a, b = at(s)
         return { type = type_, start = a, stop = b, attrs = { kind = kind, speaker = "Ann Vale" } }
      end
      local errors = {}
      local scorer = evaluation.quote_scorer { errors = function(r) errors[#errors + 1] = r end }
      scorer:add({ span("quote", "Nobody told us,"), span("term", "plan", "scare"), span("quote", "dead"),
                   span("term", "pause", "scare") }, gold, contents, { id = "d", text = text })
      local rep = scorer:report()
      assert.same({ system = 2, missed = 1, right = 1 }, rep.terms)
      assert.same({ 3, 2, 1 }, { rep.quotes.gold, rep.quotes.tp, rep.quotes.fn })
      assert.equal("term_missed", errors[1].kind)
      assert.equal("pause", errors[1].text)
      assert.equal("scare", errors[1].term_kind)
   end)

   it("names file and line of a malformed event or one that refers to no span", function()
      local dir = tmpdir { ["a.ann"] = "T1\tSource 0 3\tAnn\nE1\tAttribution:T2 Source:T1\n",
         ["b.ann"] = "T1\tSource 0 3\tAnn\nE1\tAttribution T1\n" }
      local ok, err = evaluation.read_brat_attributions(dir .. "/a.ann")
      assert.is_nil(ok)
      assert.equal(dir .. "/a.ann:2: E1 refers to T2, which is not defined", err)
      ok, err = evaluation.read_brat_attributions(dir .. "/b.ann")
      assert.is_nil(ok)
      assert.equal(dir .. "/b.ann:2: malformed event argument 'Attribution'", err)
   end)

   it("reads an annotation whose text holds a line break, even one that opens with T", function()
      -- BRAT writes the text of a discontinuous span as it is, newline and all
      local dir = tmpdir { ["c.ann"] = "T1\tSource 0 3\tAnn\nT2\tContent 5 9;11 20\tmet.\n\nThe talks\n"
         .. "T3\tCue 21 25\tsaid\nE1\tAttribution:T3 Content:T2 Source:T1\n" }
      local brat = assert(evaluation.read_brat_attributions(dir .. "/c.ann"))
      assert.equal(1, #brat.attributions)
      assert.equal(5, brat.attributions[1].contents[1].start)
      assert.equal(20, brat.attributions[1].contents[1].stop)
      assert.equal("Ann", brat.attributions[1].source.text)
      local bad = tmpdir { ["d.ann"] = "T1 Source 0 3 Ann\n" }
      local ok, err = evaluation.read_brat_attributions(bad .. "/d.ann")
      assert.is_nil(ok)
      assert.equal(bad .. "/d.ann:1: malformed text-bound annotation", err)
   end)

   it("takes a speaker as right by its mention or by a shared name token", function()
      local src = { start = 10, stop = 15, text = "Kessler" }
      assert.same({ true, "name" }, { evaluation.speaker_matches({ speaker = "Ada Kessler" }, src) })
      assert.same({ true, "mention" },
         { evaluation.speaker_matches({ speaker = "Someone Else", speaker_start = 12, speaker_end = 20 }, src) })
      assert.is_false(evaluation.speaker_matches({ speaker = "Ada Kessler", speaker_start = 15, speaker_end = 27 },
         { start = 10, stop = 15, text = "he" }))
      assert.is_false(evaluation.speaker_matches({ speaker = "The Mayor" }, { start = 0, stop = 5, text = "The port" }))
      assert.is_false(evaluation.speaker_matches({ speaker = "President Hadley" },
         { start = 0, stop = 5, text = "President Kessler" }))
      assert.is_true(evaluation.speaker_matches({ speaker = "Mr. Wiśniewski" },
         { start = 0, stop = 5, text = "WISNIEWSKI’s aide" }))
      assert.is_false(evaluation.speaker_matches({}, src))
      assert.same({ piotr = true, ["wisniewski"] = true }, evaluation.name_tokens("Sen. Piotr Wiśniewski's office"))
   end)

   it("matches spans exactly, by any overlap, or by half of the shorter one, one to one", function()
      local g = { start = 10, stop = 30 }
      assert.is_true(evaluation.spans_match({ start = 10, stop = 30 }, g, "exact"))
      assert.is_false(evaluation.spans_match({ start = 10, stop = 31 }, g, "exact"))
      assert.is_true(evaluation.spans_match({ start = 29, stop = 60 }, g, "overlap"))
      assert.is_false(evaluation.spans_match({ start = 29, stop = 60 }, g, "half"))
      assert.is_true(evaluation.spans_match({ start = 25, stop = 35 }, g, "half"))   -- 5 of the shorter 10
      assert.is_false(evaluation.spans_match({ start = 26, stop = 36 }, g, "half"))  -- 4 of 10
      assert.is_false(evaluation.spans_match({ start = 30, stop = 40 }, g, "overlap"))
      -- two system spans on one gold span: the one sharing more bytes takes it
      local s2g, g2s = evaluation.match_greedy({ { start = 8, stop = 20 }, { start = 12, stop = 30 } },
         { g, { start = 40, stop = 50 } }, "half")
      assert.same({ [2] = 1 }, s2g)
      assert.same({ [1] = 2 }, g2s)
   end)
end)

describe("quarry eval --quotes", function()
   it("prints strict and attributed precision, recall, F1 and speaker accuracy", function()
      local code, out, err = run("eval " .. QUOTES)
      assert.equal(0, code, err)
      has(out, "2 documents, half match, 7 gold quotes, 9 system quotes\n")
      assert.matches("\nstrict%s+6%s+3%s+1%s+0%.667%s+0%.857%s+0%.750\n", out)
      assert.matches("\nattributed%s+6%s+1%s+1%s+0%.857%s+0%.857%s+0%.857\n", out)
      has(out, "the 2 outside every gold Content (unattributed) are left out")
      assert.matches("\nmatched quotes%s+4%s+5%s+0%.800\n", out)
      has(out, "by speaker mention: 1, by name: 3; matched quotes without a gold source (not scored): 1")
   end)

   it("gives the numbers as JSON, and --match exact asks for the same span", function()
      local rep = eval_json(QUOTES)
      assert.equal("half", rep.match)
      assert.equal(2, rep.documents)
      local q = rep.quotes
      assert.same({ 7, 9, 6, 1, 3, 2 }, { q.gold, q.system, q.tp, q.fn, q.fp, q.unattributed })
      prf(q.strict, 6, 3, 1)
      prf(q.attributed, 6, 1, 1)
      assert.same({ scored = 5, correct = 4, accuracy = 0.8, by_mention = 1, by_name = 3, no_gold_source = 1 },
         rep.speaker)
      -- "on schedule and within budget" no longer matches the gold quote cut at "within"
      rep = eval_json(QUOTES .. " --match exact")
      assert.equal("exact", rep.match)
      prf(rep.quotes.strict, 5, 4, 2)
      prf(rep.quotes.attributed, 5, 2, 2)
      assert.same({ 4, 4, 1 }, { rep.speaker.scored, rep.speaker.correct, rep.speaker.accuracy })
   end)

   it("writes misses, false positives and wrong speakers with --errors", function()
      local dir = tmpdir()
      local code, _, err = run("eval " .. QUOTES .. " --errors " .. dir .. "/errors.jsonl")
      assert.equal(0, code, err)
      local recs = json_lines(read(dir .. "/errors.jsonl"))
      local kinds = {}
      for _, r in ipairs(recs) do
         assert.equal("harbour_a1b2", r.doc)
         kinds[#kinds + 1] = r.kind .. ":" .. r.text
         has(r.context, r.text)
      end
      assert.same({ "unattributed:harbour", "false_positive:the plan", "wrong_speaker:on schedule and within budget",
         "unattributed:the hole", "missed:Nobody has seen the costs." }, kinds)
      local wrong = recs[3]
      assert.same({ 371, 400, 371, 393 }, { wrong.start, wrong["end"], wrong.gold_start, wrong.gold_end })
      assert.equal("The Mayor", wrong.speaker)
      assert.equal("The port authority", wrong.gold_speaker)
      assert.same({ "E2", "Piotr Wiśniewski" }, { recs[5].attribution, recs[5].gold_speaker })
   end)

   it("exits 2 on usage errors: --quotes without BRAT gold, or with --types, --map, --attr, documents", function()
      local cases = {
         { DIR .. "quotes_pack.lua --quotes --gold " .. DIR .. "dates/gold.jsonl " .. DIR .. "dates/docs.jsonl",
           "--quotes needs BRAT gold" },
         { DIR .. "quotes_pack.lua --quotes --gold " .. DIR .. "conll/regatta.iob2", "is conll" },
         { DIR .. "quotes_pack.lua --quotes --format jsonl --gold " .. DIR .. "polnear", "not jsonl" },
         { QUOTES .. " --types quote", "--map, --types and --attr do not apply" },
         { QUOTES .. " --attr speaker", "--map, --types and --attr do not apply" },
         { QUOTES .. " " .. DIR .. "dates/docs.jsonl", "give no document paths" },
      }
      for _, c in ipairs(cases) do
         local code, out, err = run("eval " .. c[1])
         assert.equal(2, code, err)
         assert.equal("", out)
         has(err, c[2])
      end
   end)

   it("exits 1 naming the file when the gold cannot be read", function()
      local code, _, err = run("eval " .. DIR .. "quotes_pack.lua --quotes --gold " .. DIR .. "no-such-dir")
      assert.equal(1, code)
      has(err, "quarry eval: " .. DIR .. "no-such-dir")
      local dir = tmpdir { ["text/a.txt"] = "Ann said so.",
         ["attributions/a.ann"] = "T1\tSource 0 3\tAnn\nE1\tSource:T9\n" }
      code, _, err = run("eval " .. DIR .. "quotes_pack.lua --quotes --gold " .. dir)
      assert.equal(1, code)
      has(err, dir .. "/attributions/a.ann:2: E1 refers to T9")
   end)
end)

describe("quarry eval on CoNLL gold", function()
   it("detects the format, maps PER/ORG/LOC, ignores MISC and micro-averages", function()
      local code, out, err = run("eval " .. NER)
      assert.equal(0, code, err)
      has(out, "2 documents, exact match\nCoNLL: 9 sentences; a document starts at each dateline (with its headline)\n")
      assert.matches("\nlocation%s+7%s+0%s+0%s+1%.000%s+1%.000%s+1%.000\n", out)
      assert.matches("\norganization%s+2%s+1%s+1%s+0%.667%s+0%.667%s+0%.667\n", out)
      assert.matches("\nperson%s+4%s+1%s+2%s+0%.800%s+0%.667%s+0%.727\n", out)
      assert.matches("\nall%s+13%s+2%s+3%s+0%.867%s+0%.812%s+0%.839\n", out)
      local rep = eval_json(NER)
      assert.same({ 9, "datelines", 2 }, { rep.sentences, rep.split, rep.documents })
      prf(rep.types.person, 4, 1, 2)
      prf(rep.types.organization, 2, 1, 1)
      prf(rep.types.location, 7, 0, 0)
      prf(rep.total, 13, 2, 3)
      assert.is_nil(rep.types.MISC)
      assert.is_nil(rep.types.nationality)
   end)

   it("takes IOB1, --format conll, --match overlap and --map additions", function()
      local rep = eval_json(DIR .. "ner_pack.lua --format conll --gold " .. DIR .. "conll/regatta.iob1"
         .. " --match overlap --map MISC=nationality")
      prf(rep.types.person, 5, 0, 1)           -- "Marta" overlaps "Marta Wrona"
      prf(rep.types.organization, 3, 0, 0)     -- "Oder" overlaps "Oder Crew"
      prf(rep.types.location, 7, 0, 0)
      prf(rep.types.nationality, 1, 0, 1)      -- HARBOUR CUP is MISC too
      prf(rep.total, 16, 0, 2)
      rep = eval_json(NER .. " --map PER=people_only --types people_only")
      prf(rep.total, 0, 0, 6)
   end)

   it("writes what it got wrong with --errors", function()
      local dir = tmpdir()
      local code, _, err = run("eval " .. NER .. " --errors " .. dir .. "/e.jsonl")
      assert.equal(0, code, err)
      local got = {}
      for _, r in ipairs(json_lines(read(dir .. "/e.jsonl"))) do
         got[#got + 1] = r.doc .. " " .. r.kind .. " " .. r.type .. " " .. r.text
      end
      assert.same({ "regatta.iob2#1 missed person Ewa Zielinska", "regatta.iob2#2 false_positive organization Oder",
         "regatta.iob2#2 false_positive person Marta", "regatta.iob2#2 missed organization Oder Crew",
         "regatta.iob2#2 missed person Marta Wrona" }, got)
   end)

   it("exits 2 when documents are given, 1 with the line of a malformed file", function()
      local code, _, err = run("eval " .. NER .. " " .. DIR .. "dates/docs.jsonl")
      assert.equal(2, code)
      has(err, "with CoNLL gold the documents come from the gold")
      local dir = tmpdir { ["bad.conll"] = "Anna B-PER\nNowak I_PER\n" }
      code, _, err = run("eval " .. DIR .. "ner_pack.lua --format conll --gold " .. dir .. "/bad.conll")
      assert.equal(1, code)
      has(err, "quarry eval: " .. dir .. "/bad.conll:2: 'I_PER' is not an IOB tag")
   end)
end)

describe("quarry eval --attr", function()
   it("gives the share of matched spans whose attribute equals the gold's", function()
      local code, out, err = run("eval " .. DATES .. " --attr value")
      assert.equal(0, code, err)
      assert.matches("\ndate%s+5%s+0%s+1%s+1%.000%s+0%.833%s+0%.909\n", out)
      has(out, "\nattributes (accuracy: of matched spans whose gold has the attribute; precision, recall, f1: "
         .. "a span counts when it matches and its attribute is right)\n")
      -- value F1: 3 right values of 5 system dates and 6 gold dates
      assert.matches("\ndate%s+value%s+3%s+5%s+0%.600%s+0%.600%s+0%.500%s+0%.545\n", out)
      assert.matches("\nall%s+value%s+3%s+5%s+0%.600%s+0%.600%s+0%.500%s+0%.545\n", out)
      local rep = eval_json(DATES .. " --attr value,kind")
      local v = rep.attributes.types.date.value
      assert.same({ 5, 3, 0.6, 5, 6 }, { v.scored, v.correct, v.accuracy, v.system, v.gold })
      assert.near(3 / 5.5, v.f1, 1e-9)
      assert.same({ 0, 0, 0, 0 }, { rep.attributes.all.kind.scored, rep.attributes.all.kind.correct,
         rep.attributes.all.kind.accuracy, rep.attributes.all.kind.f1 })
      assert.same(rep, eval_json(DATES .. " --attr value --attr kind"))
      -- without --attr the report is as before
      assert.is_nil(eval_json(DATES).attributes)
   end)

   it("reports wrong values with --errors", function()
      local dir = tmpdir()
      local code, _, err = run("eval " .. DATES .. " --attr value --errors " .. dir .. "/e.jsonl")
      assert.equal(0, code, err)
      local recs = json_lines(read(dir .. "/e.jsonl"))
      assert.equal(3, #recs)
      assert.same({ "fair-1", "missed", "June" }, { recs[1].doc, recs[1].kind, recs[1].text })
      assert.same({ "wrong_attr", "last month", "value", "2024-04", cjson.null },
         { recs[2].kind, recs[2].text, recs[2].attr, recs[2].gold, recs[2].system })
      assert.same({ "wrong_attr", "Tuesday", "2024-05-21", "2024-05-14" },
         { recs[3].kind, recs[3].text, recs[3].gold, recs[3].system })
   end)

   it("gives documents without a date the one of --date", function()
      local dir = tmpdir {
         ["pack.lua"] = "return { name = 'stamp', phases = { { name = 'd', rules = {\n"
            .. "  rule { name = 'today', type = 'date', pattern = P.word 'today',\n"
            .. "         attrs = { value = function(m) return m.doc.date end } } } } } }\n",
         ["docs.jsonl"] = '{"id": "a", "text": "Open today."}\n'
            .. '{"id": "b", "date": "2024-01-02", "text": "Shut today."}\n',
         ["gold.jsonl"] = '{"doc": "a", "type": "date", "start": 5, "end": 10, "attrs": {"value": "2024-03-04"}}\n'
            .. '{"doc": "b", "type": "date", "start": 5, "end": 10, "attrs": {"value": "2024-01-02"}}\n',
      }
      local args = dir .. "/pack.lua --gold " .. dir .. "/gold.jsonl " .. dir .. "/docs.jsonl --attr value"
      local v = eval_json(args).attributes.all.value
      assert.same({ 2, 1, 0.5 }, { v.scored, v.correct, v.accuracy })
      v = eval_json(args .. " --date 2024-03-04").attributes.all.value
      assert.same({ 2, 2, 1 }, { v.scored, v.correct, v.accuracy })
      local code, _, err = run("eval " .. args .. " --date 4/3/2024")
      assert.equal(2, code)
      has(err, "quarry eval: --date must be a date YYYY-MM-DD of a real day, not '4/3/2024'")
   end)
end)

describe("quarry eval on TimeML gold", function()
   it("reads the TEXT's character data, its TIMEX3 spans in bytes and the creation time", function()
      local doc = assert(evaluation.read_timeml(DIR .. "timeml/summer/ferry.tml"))
      assert.equal("ferry", doc.id)              -- no DOCID: the file's name
      assert.equal("2024-06-03", doc.date)
      assert.equal("\nThe ferry “Tern” left at 9 a.m. on 2 June 2024", doc.text:sub(1, 51))
      local got = {}
      for _, g in ipairs(doc.gold) do
         assert.equal(g.text, doc.text:sub(g.start + 1, g.stop))
         got[#got + 1] = g.type .. " " .. g.attrs.value .. " " .. g.text
      end
      -- the empty TIMEX3 (an implicit time) is left out
      assert.same({ "TIME 2024-06-02T09:00 9 a.m.", "DATE 2024-06-02 2 June 2024",
         "DATE 2019-SU the summer of 2019", "DATE PRESENT_REF now" }, got)
      doc = assert(evaluation.read_timeml(DIR .. "timeml/spring/harbour.tml"))
      assert.equal("harbour-1", doc.id)
      assert.truthy(doc.text:find("three months & the pilots' union said last month", 1, true))
      assert.equal("last month", doc.gold[4].text)
   end)

   it("names file, line and column of malformed XML", function()
      local dir = tmpdir { ["bad.tml"] = "<TimeML>\n<TEXT>on <TIMEX3 type='DATE'>May</TEXT>\n</TimeML>\n" }
      local doc, err = evaluation.read_timeml(dir .. "/bad.tml")
      assert.is_nil(doc)
      has(err, dir .. "/bad.tml:2:")
      has(err, "mismatched tag")
      local code, _, cerr = run("eval " .. DIR .. "dates_pack.lua --gold " .. dir)
      assert.equal(1, code)
      has(cerr, "quarry eval: " .. dir .. "/bad.tml:2:")
   end)

   it("scores DATE against date with its value, relaxed and exact, as TempEval-3 does", function()
      assert.equal("timeml", evaluation.gold_format(DIR .. "timeml"))
      assert.equal("timeml", evaluation.gold_format(DIR .. "timeml/spring/harbour.tml"))
      assert.equal("brat", evaluation.gold_format(DIR .. "polnear"))
      local code, out, err = run("eval " .. TIMEML)
      assert.equal(0, code, err)
      has(out, "2 documents, overlap match (TempEval-3's relaxed match; exact below)\n")
      -- "the summer of 2019" is found as "2019": a relaxed match with a
      -- wrong value; "1950" is no date; "now" is missed
      assert.matches("\ndate%s+5%s+1%s+1%s+0%.833%s+0%.833%s+0%.833\n", out)
      assert.matches("\nexact match\ntype.-\ndate%s+4%s+2%s+2%s+0%.667", out)
      assert.matches("\ndate%s+value%s+3%s+5%s+0%.600%s+0%.500%s+0%.500%s+0%.500\n", out)
      local rep = eval_json(TIMEML)
      prf(rep.types.date, 5, 1, 1)
      prf(rep.exact.types.date, 4, 2, 2)
      assert.is_nil(rep.types.TIME)
      assert.is_nil(rep.types.DURATION)
      assert.same(rep, eval_json(TIMEML .. " --format timeml"))
      rep = eval_json(TIMEML .. " --match exact")
      prf(rep.types.date, 4, 2, 2)
      assert.is_nil(rep.exact)
      rep = eval_json(TIMEML .. " --map DURATION=date")
      prf(rep.types.date, 5, 1, 2)   -- "three months" is missed too
   end)

   it("writes wrong values, misses and false positives with --errors", function()
      local dir = tmpdir()
      local code, _, err = run("eval " .. TIMEML .. " --errors " .. dir .. "/e.jsonl")
      assert.equal(0, code, err)
      local got = {}
      for _, r in ipairs(json_lines(read(dir .. "/e.jsonl"))) do
         got[#got + 1] = table.concat({ r.doc, r.kind, r.text, tostring(r.gold or "") }, " ")
      end
      assert.same({ "harbour-1 wrong_attr last month 2024-04", "ferry wrong_attr 2019 2019-SU",
         "ferry false_positive 1950 ", "ferry missed now " }, got)
      -- a relaxed match with a wrong value tells the gold's own span too
      local rec = json_lines(read(dir .. "/e.jsonl"))[2]
      assert.same({ "the summer of 2019", "2019" }, { rec.gold_text, rec.text })
      assert.equal(rec.gold_end - rec.gold_start, #"the summer of 2019")
   end)

   it("exits 2 when documents are given, 1 when the folder holds no TimeML", function()
      local code, _, err = run("eval " .. TIMEML .. " " .. DIR .. "dates/docs.jsonl")
      assert.equal(2, code)
      has(err, "with TimeML gold the documents come from the gold")
      local dir = tmpdir { ["notes.txt"] = "nothing here\n" }
      code, _, err = run("eval " .. DIR .. "dates_pack.lua --format timeml --gold " .. dir)
      assert.equal(1, code)
      has(err, dir .. ": no .tml files in this folder")
   end)
end)

describe("quarry eval on JSONL and BRAT gold", function()
   it("scores JSONL gold per type and per rule", function()
      local rep = eval_json(PACKS .. "newsroom.lua --gold " .. PACKS .. "gold.jsonl " .. PACKS .. "texts/docs.jsonl")
      assert.equal(2, rep.documents)
      prf(rep.types.person, 2, 0, 1)
      prf(rep.types.place, 2, 0, 0)
      prf(rep.types.speech, 1, 1, 1)
      prf(rep.total, 5, 1, 2)
      prf(rep.rules.title_name, 2, 0, 0)
      prf(rep.rules.city, 2, 0, 0)
      prf(rep.rules.said, 1, 1, 0)
      assert.is_nil(rep.rules.quote)
   end)

   it("prints tables of P/R/F1", function()
      local code, out, err = run("eval --rules " .. PACKS .. "newsroom.lua --gold " .. PACKS .. "gold.jsonl "
         .. PACKS .. "texts/docs.jsonl")
      assert.equal(0, code)
      assert.equal("", err)
      -- the form before --rules gives the same, with a note
      local code2, out2, err2 = run("eval " .. PACKS .. "newsroom.lua --gold " .. PACKS .. "gold.jsonl "
         .. PACKS .. "texts/docs.jsonl")
      assert.equal(0, code2)
      assert.equal(out, out2)
      has(err2, "quarry eval: note: the pack as first argument is deprecated; use --rules")
      local rows = lines(out)
      assert.equal("2 documents, exact match", rows[1])
      has(out, "\nper type\n")
      assert.matches("\nperson%s+2%s+0%s+1%s+1%.000%s+0%.667%s+0%.800\n", out)
      assert.matches("\nspeech%s+1%s+1%s+1%s+0%.500%s+0%.500%s+0%.500\n", out)
      assert.matches("\nall%s+5%s+1%s+2%s+0%.833%s+0%.714%s+0%.769\n", out)
      has(out, "\nper rule")
      assert.matches("\nsaid%s+1%s+1%s+0%.500\n", out)
   end)

   it("--match overlap counts overlapping spans of the same type", function()
      local rep = eval_json(PACKS .. "newsroom.lua --match overlap --gold " .. PACKS .. "gold.jsonl "
         .. PACKS .. "texts/docs.jsonl")
      prf(rep.types.speech, 2, 0, 0)
      prf(rep.types.person, 2, 0, 1)
      prf(rep.total, 6, 0, 1)
   end)

   it("--types and --map restrict and rename", function()
      local rep = eval_json(PACKS .. "newsroom.lua --types person --gold " .. PACKS .. "gold.jsonl "
         .. PACKS .. "texts/docs.jsonl")
      prf(rep.total, 2, 0, 1)
      assert.is_nil(rep.types.speech)
      -- gold "person" scored as system "speech": nothing lines up
      rep = eval_json(PACKS .. "newsroom.lua --map person=speech --gold " .. PACKS .. "gold.jsonl "
         .. PACKS .. "texts/docs.jsonl")
      assert.is_nil(rep.types.person)
      prf(rep.types.speech, 1, 1, 4)
   end)

   it("exits 2 when JSONL gold comes without documents or --map is malformed", function()
      local code, _, err = run("eval " .. PACKS .. "newsroom.lua --gold " .. PACKS .. "gold.jsonl")
      assert.equal(2, code)
      has(err, "give the documents too")
      code, _, err = run("eval " .. PACKS .. "newsroom.lua --map Person --gold " .. PACKS .. "gold.jsonl x")
      assert.equal(2, code)
      has(err, "--map takes gold=system pairs")
   end)

   it("reads BRAT .ann files beside their .txt, with --map Gold=system", function()
      local rep = eval_json(PACKS .. "newsroom.lua --gold " .. PACKS .. "brat/beside --map Person=person,Place=place")
      assert.equal(1, rep.documents)
      prf(rep.types.person, 1, 0, 1)
      prf(rep.types.place, 1, 0, 0)
      assert.is_nil(rep.types.speech)
      prf(rep.total, 2, 0, 1)
      prf(rep.rules.title_name, 1, 0, 0)
   end)

   it("reads BRAT .ann files in attributions/ with the text in a sibling text/ folder", function()
      local rep = eval_json(PACKS .. "newsroom.lua --gold " .. PACKS .. "brat/polnear --map Person=person,Place=place")
      assert.equal(1, rep.documents)
      prf(rep.types.person, 1, 0, 0)
      prf(rep.types.place, 1, 0, 0)
   end)

   it("pairs PolNeAR's annotator-suffixed .ann names (vote_c3d9.ann) with text/vote.txt", function()
      -- PolNeAR names its annotation files <article>_<annotator>.ann next to
      -- text/<article>.txt; brat_pairs once looked for <article>_<annotator>.txt,
      -- found nothing and silently scored 0 documents.
      local rep = eval_json(PACKS .. "newsroom.lua --gold " .. PACKS
         .. "brat/polnear_suffix --map Person=person,Place=place")
      assert.equal(1, rep.documents)
      prf(rep.types.person, 1, 0, 0)
   end)

   it("reads BRAT offsets as characters, not bytes", function()
      -- BRAT standoff offsets count characters; eval once compared them
      -- with byte offsets, so any annotation after a non-ASCII character
      -- ("Łódź") was a false positive plus a false negative.
      local rep = eval_json(PACKS .. "newsroom.lua --gold " .. PACKS .. "brat/unicode --map Person=person")
      assert.equal(1, rep.documents)
      prf(rep.types.person, 1, 0, 0)
   end)

   it("matches gold and documents with numeric ids", function()
      -- read_jsonl once turned "doc": 7 into "7.0" (cjson decodes a float)
      -- while the document's id is "7": the gold was never used and not
      -- even counted as missed.
      local rep = eval_json(PACKS .. "newsroom.lua --types person --gold " .. PACKS .. "numbered/gold.jsonl "
         .. PACKS .. "numbered/docs.jsonl")
      prf(rep.types.person, 1, 0, 0)
   end)
end)
