--- The rule engine benchmark's pack: 100 token rules, 10 regex rules and
-- a gazetteer of 100,000 entries, built from a corpus's own vocabulary so
-- that rules and gazetteer entries really match.
local P = require "quarry.pattern"
local gazetteer = require "quarry.gazetteer"

local pack = {}

local verbs = { "said", "told", "added", "says", "warned", "announced", "claimed", "argued", "insisted",
   "explained", "stressed", "noted", "reported", "suggested", "admitted", "denied", "confirmed",
   "believed", "wrote", "asked" }
local units = { "million", "billion", "per", "years", "days", "weeks", "months", "people", "times", "points",
   "%", "pounds", "dollars", "euros", "miles", "km", "hours", "minutes", "seconds", "games" }
local preps = { "in", "at", "from", "to", "for", "with", "by", "of", "on", "near", "into", "across",
   "against", "after", "before", "under", "over", "between", "without", "within" }
local titles = { "Mr", "Mrs", "Ms", "Dr", "Sir", "Lord", "Prof", "President", "Minister", "Chancellor",
   "Secretary", "Chairman", "Chief", "Director", "Judge", "General", "Senator", "Governor", "Captain", "Coach" }

--- Builds the pack definition; texts give the vocabulary for the gazetteer.
function pack.build(texts, gaz_size)
   local token_rules = {}
   local name = P.case("title") ^ 1
   for i, v in ipairs(verbs) do
      token_rules[#token_rules + 1] = { name = "verb_name_" .. i, type = "speech",
         pattern = P.word(v) * P.cap("speaker", name) }
      token_rules[#token_rules + 1] = { name = "name_verb_" .. i, type = "speech",
         pattern = P.cap("speaker", P.case("title") * P.case("title")) * P.word(v) }
   end
   for i, u in ipairs(units) do
      token_rules[#token_rules + 1] = { name = "amount_" .. i, type = "amount",
         pattern = P.kind("number") * P.opt(P.word("of")) * P.word(u) }
   end
   for i, p in ipairs(preps) do
      token_rules[#token_rules + 1] = { name = "place_" .. i, type = "place",
         pattern = P.word(p) * P.cap("where", name * P.opt(P.word("of") * P.case("title"))), span = "where" }
   end
   for i, t in ipairs(titles) do
      token_rules[#token_rules + 1] = { name = "title_" .. i, type = "person",
         pattern = P.word(t) * P.opt(P.text(".")) * P.cap("name", P.rep(P.case("title"), 1, 3)), span = "name" }
   end
   -- written as a rule writer minding speed would: a literal or digit to
   -- start on where possible, ASCII classes where Unicode ones buy nothing
   local regex_rules = {
      { name = "money", regex = [[[$£€]\d+(?:[.,]\d+)*(?:bn|m|k)?]], type = "money" },
      { name = "percent", regex = [[\b\d+(?:\.\d+)?%]], type = "percent" },
      { name = "year", regex = [[\b(?:19|20)\d\d\b]], type = "year" },
      { name = "quote", regex = [["[^"\n]{1,400}"]], type = "quote" },
      { name = "date", type = "date", regex = [[\d{1,2} (?:January|February|March|April|May|June|July|August|]]
         .. [[September|October|November|December)\b]] },
      { name = "email", regex = [[[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+]], type = "email" },
      { name = "url", regex = [[\bhttps?://\S+]], type = "url" },
      { name = "time", regex = [[\d{1,2}[:.]\d\d ?(?:am|pm|GMT|BST)\b]], type = "time" },
      { name = "acronym", regex = [[\b[A-Z]{2,6}\b]], type = "acronym" },
      { name = "hyphenated", regex = [[\b\w+-\w+\b]], type = "compound" },
   }
   -- gazetteer: capitalised bigrams and words of the corpus, then
   -- made-up names up to the size asked for
   local g = gazetteer.new()
   local seen, n = {}, 0
   for _, text in ipairs(texts) do
      for a, b in text:gmatch("(%u%l+) (%u%l+)") do
         local phrase = a .. " " .. b
         if not seen[phrase] and n < gaz_size // 2 then
            seen[phrase] = true
            g:add(phrase, phrase, "name")
            n = n + 1
         end
      end
      if n >= gaz_size // 2 then break end
   end
   local i = 0
   while n < gaz_size do
      i = i + 1
      g:add(string.format("Zorb%d Quill%d", i, i * 7 % 1000), nil, "made-up")
      n = n + 1
   end
   return {
      name = "bench",
      phases = {
         { name = "lookup", control = "all", rules = { { name = "gaz", gazetteer = g, type = "lookup" } } },
         { name = "tokens", control = "all", rules = token_rules },
         { name = "regexes", control = "all", rules = regex_rules },
      },
   }, g
end

return pack
