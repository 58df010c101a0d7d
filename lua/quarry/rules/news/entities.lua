-- People, and the organisations and places the gazetteers lack, found by
-- their context: titles and roles around a name, a known first name, a
-- speech verb after a name, organisation head words ("... Ministry",
-- "... Party", "Bank of ..."), place cue words ("Lake ...", "... province").
--
-- A name is a run of capitalised tokens that are not function words,
-- titles, months or places/organisations the lexicon phase found.

local entities = {}

local function words(file, column)
   local list = {}
   for _, row in ipairs(read_list(file)) do
      local w = row[column or 1]
      if w and w ~= "" then list[#list + 1] = w end
   end
   return list
end

-- first names, with the sex used to match pronouns ("he", "she")
local first_name_list, sex_of = {}, {}
for _, row in ipairs(read_list("data/first_names.txt")) do
   if row[3] ~= "ambiguous" and not row[1]:find("%s") then first_name_list[#first_name_list + 1] = row[1] end
   sex_of[row[1]:lower()] = row[2]
end
entities.sex_of = sex_of

-- one-word members only: P.tok constraints describe a single token
local function single_words(list)
   local out = {}
   for _, w in ipairs(list) do
      if not w:find("[%s]") then out[#out + 1] = w end
   end
   return out
end

local title_list = words("data/titles.txt")
entities.titles = title_list
local verb_list = words("data/speech_verbs.txt")
entities.speech_verbs = verb_list
local org_heads = single_words(words("data/org_heads.txt"))
local org_prefixes = words("data/org_prefixes.txt")
local particles = words("data/surname_particles.txt")
local place_before, place_after = {}, {}
for _, row in ipairs(read_list("data/place_cues.txt")) do
   if not row[1]:find("%s") then
      if row[2] == "before" then place_before[#place_before + 1] = row[1]
      else place_after[#place_after + 1] = row[1] end
   end
end

-- Words that are never part of a name or a title.
local FUNCTION_WORDS = {
   "the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "in", "on", "at", "for", "but", "and",
   "or", "if", "when", "while", "after", "before", "this", "that", "these", "those", "his", "her",
   "their", "its", "our", "my", "your", "as", "by", "with", "from", "to", "of", "so", "yet", "there",
   "here", "what", "who", "why", "how", "where", "which", "is", "was", "were", "are", "be", "been",
   "has", "have", "had", "will", "would", "can", "could", "should", "not", "no",
}
-- Capitalised words that are not names.
local NOT_NAMES = {
   "the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "in", "on", "at", "for", "but", "and",
   "or", "if", "when", "while", "after", "before", "this", "that", "these", "those", "his", "her",
   "their", "its", "our", "my", "your", "as", "by", "with", "from", "to", "of", "so", "yet", "there",
   "here", "what", "who", "why", "how", "where", "which", "all", "some", "many", "most", "no", "not",
   "one", "two", "three", "both", "each", "every", "any", "such", "since", "until", "despite",
   "although", "though", "because", "however", "meanwhile", "also", "still", "now", "then", "even",
   "only", "just", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "sir", "monday", "tuesday",
   "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april",
   "may", "june", "july", "august", "september", "october", "november", "december", "jan", "feb",
   "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "today", "yesterday",
   "tomorrow", "according", "during", "under", "over", "about", "against", "between", "among",
   "through", "into", "upon", "within", "without", "following", "speaking", "asked", "says", "said",
   "read", "click", "reply", "share", "comments", "comment", "related", "posted", "updated", "photo",
   "video", "image", "reuters", "ap", "afp", "god", "christmas", "easter", "ramadan", "internet",
   "web", "online", "email", "covid", "coronavirus", "islam", "muslim", "muslims", "christian",
   "christians", "jewish", "jews", "catholic", "orthodox", "north", "south", "east", "west",
   "northern", "southern", "eastern", "western", "central", "new", "old", "great", "first", "second",
   "last", "next", "former", "late", "ex", "acting", "deputy", "vice", "chief", "senior", "top",
   "add", "neither", "nor", "either", "instead", "otherwise", "besides", "moreover", "nevertheless",
   "indeed", "perhaps", "yes", "thanks", "please", "note", "notes", "total", "attendance", "scorers",
   "scorer", "halftime", "result", "results", "standings", "fixtures", "summary", "source", "sources",
   -- groups that speak at a sentence's start ("Critics noted that")
   "critics", "officials", "analysts", "experts", "protesters", "supporters", "opponents", "residents",
   "witnesses", "observers", "authorities", "police", "investigators", "prosecutors", "lawmakers",
   "voters", "scientists", "researchers", "economists", "doctors", "activists", "organizers", "parents",
   "students", "teachers", "workers", "employees", "leaders", "members", "diplomats", "aides", "advisers",
   "insiders", "observers", "pollsters", "strategists", "donors", "fans", "viewers", "readers", "people",
}
entities.not_names = NOT_NAMES

local LEX = P.within("location") + P.within("organization") + P.within("demonym")
-- One token test for all of them: a phrase ("prime minister") stops a
-- name at its first word. (A set of phrases would be an alternation of
-- sequences, tried at every capitalised token.)
local function first_words(...)
   local out, seen = {}, {}
   for _, list in ipairs { ... } do
      for _, w in ipairs(list) do
         local first = w:match("^(%S+)")
         -- only what is one token ("Mr." is; "U.S.-led" is not)
         if first and not seen[first:lower()] and pcall(P.tok, { set = { first } }) then
            seen[first:lower()] = true
            out[#out + 1] = first
         end
      end
   end
   return out
end
local STOP = P.tok { set = first_words(NOT_NAMES, title_list, org_heads, verb_list) }

-- One token of a name: capitalised (or mixed, "McDonald"), not a stop word.
local NAME_TOK = P.notahead(STOP) * P.notahead(LEX) * P.tok { case = { "title", "mixed" }, len = { 2, 30 } }
local INITIAL = P.regex [[^(?:\p{Lu}\.){1,3}$]]
local PARTICLE = P.set(particles)
-- A surname may follow a particle: "Ursula von der Leyen", "Bashar al-Assad"
local SURNAME = P.rep(PARTICLE, 0, 2) * NAME_TOK
-- a later token of a name, on the same line as the first
local NEXT = P.notahead(P.line_start)
local FIRST = P.notahead(LEX) * P.tok { set = first_name_list, case = { "title", "upper" } }

-- A full name: first name, optional middle names or initials, surname(s).
-- A first name or surname may also be a one-word place ("Anthony
-- Washington", "Helena Sukova"), but not both.
local FIRST_PLACE = P.notahead(P.within("organization") + P.within("demonym"))
   * P.tok { set = first_name_list, case = { "title", "upper" }, starts = "location", ends = "location" }
local PLACE_SURNAME = P.notahead(STOP + P.within("organization") + P.within("demonym"))
   * P.tok { case = { "title", "mixed" }, len = { 2, 30 }, starts = "location", ends = "location" }
-- ... or a one-word organisation whose name is also a word or a name
-- ("Ann Vale", "Henry Ford": the gazetteer marks them ambiguous)
local ORG_SURNAME = P.ahead(P.starts("organization", { ambiguous = true }))
   * P.tok { case = "title", len = { 2, 30 }, ends = "organization" }
local MIDDLE = P.rep(NEXT * (INITIAL + NAME_TOK), 0, 2)
local FULL_NAME = FIRST * MIDDLE * NEXT * (SURNAME + PLACE_SURNAME + ORG_SURNAME)
   + FIRST_PLACE * MIDDLE * NEXT * SURNAME
local NAME = P.rep(INITIAL + NAME_TOK, 0, 3) * SURNAME

-- Title phrases: "Foreign Minister", "Russia's chief Karabakh negotiator",
-- "Russian Foreign Minister", "Azerbaijan's Foreign Ministry Spokesman".
-- A title ends in a one-word title ("minister" ends "prime minister", and
-- the words before it are modifiers); the few with "of" inside
-- ("secretary of state") are phrases of their own. One token test per
-- position instead of an alternation of hundreds of phrases.
local title_words, title_of_phrases = {}, {}
do
   local seen = {}
   for _, t in ipairs(title_list) do
      if t:find(" of ", 1, true) then
         title_of_phrases[#title_of_phrases + 1] = t
      elseif not t:find("%s") and not seen[t] and pcall(P.tok, { set = { t } }) then
         seen[t] = true
         title_words[#title_words + 1] = t
      end
   end
end
local TITLE_HEAD = P.tok { set = title_words }
   + (#title_of_phrases > 0 and P.set(title_of_phrases) or P.tok { set = title_words })
local SPEECH_VERB = P.tok { set = first_words(verb_list) }
-- "'s" alone would tokenise as a quote and an "s": match the clitic's text
local POSSESSIVE = P.text "'s" + P.text "\u{2019}s" + P.text "'S" + P.text "\u{2019}S"
local ORIGIN = P.ann("demonym") + (P.ann("location") + P.ann("organization")) * POSSESSIVE
local NOT_NAME = P.notahead(P.tok { set = first_words(NOT_NAMES) })
local MODIFIER = P.notahead(P.set(FUNCTION_WORDS) + SPEECH_VERB + POSSESSIVE) * P.tok { case = { "lower", "title" } }
   + P.ann("demonym")
-- a capitalised word, abbreviation or mixed-case name that is not a known place or body
local CAP_TOK = P.notahead(STOP) * P.notahead(LEX) * P.tok { case = { "title", "upper", "mixed" } }
local TITLE = P.opt(ORIGIN) * P.rep(P.notahead(TITLE_HEAD) * MODIFIER, 0, 3) * P.rep(TITLE_HEAD, 1, 3)
local HONORIFIC = P.set { "Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Dr", "Dr.", "Prof", "Prof.", "Sir",
   "Dame", "Lord", "Lady", "Rev", "Rev.", "Sen.", "Rep.", "Gov.", "Gen.", "Col.", "Lt.", "Sgt.", "Capt.",
   "Adm.", "Maj.", "Cmdr.", "Supt.", "Insp.", "Det.", "Pres.", "Amb." }
local SPEECH = P.set(verb_list)
local DET = P.set { "the", "a", "an", "his", "her", "its", "their" }
-- Last words of capitalised pairs that name places, events and firms, not
-- people ("Wall Street", "World Cup", "Labor Day", "Gold Fields").
local NOT_SURNAME = P.set { "street", "road", "avenue", "square", "park", "bridge", "wells", "cup", "day",
   "series", "open", "classic", "meeting", "bowl", "games", "prison", "airport", "port", "station",
   "stadium", "arena", "hall", "house", "centre", "center", "record", "trophy", "prize", "award",
   "awards", "championship", "championships", "tournament", "grand", "prix", "jones", "medical",
   "fields", "copper", "consolidated", "counties", "index", "exchange", "council", "university",
   "college", "school", "hospital", "church", "cathedral", "mosque", "temple", "palace", "castle",
   "museum", "valley", "island", "islands", "coast", "desert", "strait", "gulf", "canal", "peninsula",
   "province", "region", "district", "state", "city", "town", "village", "county", "court", "office" }
-- "Ontario-based", "Family-controlled": words before a name, not names
local COMPOUND = P.regex [[^\p{L}+-(?:based|controlled|owned|listed|born|led|backed|run|held|made|registered)$]]
-- A word of an organisation's name before its head word ("Foreign" in
-- "Foreign Ministry"): a demonym, a place, or a capitalised word that is
-- not a function word, on a line that is not in capitals only.
local ORG_UNIT = P.ann("demonym") + P.ann("location") + P.word "of" * P.ann("location")
   + P.notahead(COMPOUND) * P.notahead(P.set(NOT_NAMES) * P.notahead(P.set { "first", "new", "great", "central",
      "north", "south", "east", "west", "northern", "southern", "eastern", "western" }))
     * P.tok { case = { "title", "mixed" } }
   + P.notahead(NOT_NAME) * P.regex [[^\p{Lu}{2,5}$]] * P.notbehind(P.regex [[^\p{Lu}{2,}$]])
     * P.notahead(NEXT * P.regex [[^\p{Lu}{2,}$]])

-- The sides a team rule found, as organisations; a country is left out.
local function sides(m, ...)
   local out = {}
   for _, name in ipairs { ... } do
      local c = m.caps[name]
      local country = false
      for _, u in ipairs(c.units or {}) do
         if u.rule == "country" and u.start == c.start and u.stop == c.stop then country = true end
      end
      if not country then
         out[#out + 1] = { type = "organization", start = c.start, stop = c.stop, attrs = { kind = "team" } }
      end
   end
   return out
end

-- Sports sides: a known place or body, or capitalised words (not days,
-- months or function words), on one line.
local TEAM_STOP = P.set(FUNCTION_WORDS) + P.set {
   "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
   "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
   "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "half", "halftime",
   "attendance", "score", "scores", "result", "results", "round", "group", "week", "day", "game", "games",
   "match", "matches", "played", "won", "lost", "drawn", "goals", "points", "pts", "total", "v", "vs" }
local TEAM_WORD = P.notahead(TEAM_STOP + INITIAL + P.regex [[^\p{Lu}{4,}$]])
   * P.tok { case = { "title", "upper", "mixed" }, kind = "word" }
local TEAM_UNIT = P.ann("location") + P.ann("organization") + TEAM_WORD
local TEAM = TEAM_UNIT * P.rep(P.notahead(P.line_start) * TEAM_UNIT, 0, 3)
-- a side named in running text: a place or body the lexicon knows
local SIDE = P.ann("location") + P.ann("organization")
local SCORE = P.regex [[^\d{1,3}$]]

entities.rules = {
   rule { name = "title_name", type = "person", span = "name", priority = 3,
      pattern = P.cap("title", TITLE + HONORIFIC) * P.opt(",") * P.cap("name", FULL_NAME + NAME),
      attrs = { title = "$title", name = "$name" },
      examples = { { text = "Russian Foreign Minister Sergey Lavrov spoke.",
                     expect = { { type = "person", text = "Sergey Lavrov",
                                  attrs = { title = "Russian Foreign Minister" } } } },
                   { text = "Russia\u{2019}s chief Karabakh negotiator, Yuri Merzlyakov, said so.",
                     expect = { { type = "person", text = "Yuri Merzlyakov",
                                  attrs = { title = "Russia\u{2019}s chief Karabakh negotiator" } } } },
                   { text = "Mr. Hollis declined.", expect = { { type = "person", text = "Hollis",
                                                                  attrs = { title = "Mr." } } } } } },
   rule { name = "name_title", type = "person", span = "name", priority = 2,
      pattern = P.cap("name", FULL_NAME + NAME * P.ahead("," * P.opt(DET) * P.rep(MODIFIER, 0, 3) * TITLE_HEAD))
         * "," * P.opt(DET) * P.cap("title", TITLE) * P.ahead(P.set { ",", ".", ";", "said", "told", "and" }),
      attrs = { title = "$title", name = "$name" },
      examples = { { text = "Elkhan Polukhov, the ministry spokesman, said no.",
                     expect = { { type = "person", text = "Elkhan Polukhov",
                                  attrs = { title = "ministry spokesman" } } } } } },
   rule { name = "first_name", type = "person", priority = 1,
      pattern = FULL_NAME,
      attrs = { name = "$match" },
      examples = { { text = "Later, Sergei Voronov left.", expect = { { type = "person", text = "Sergei Voronov" } } },
                   { text = "Then George W. Bush spoke.",
                     expect = { { type = "person", text = "George W. Bush" } } },
                   { text = "Henry Ford built cars.", expect = { { type = "person", text = "Henry Ford" } } } } },
   rule { name = "initial_name", type = "person", priority = 1,
      pattern = P.notbehind(P.tok { case = { "title", "upper" } }) * P.notahead(LEX) * INITIAL
         * P.opt(NEXT * INITIAL) * NEXT * (SURNAME + PLACE_SURNAME) * P.notahead(P.tok { case = { "title", "mixed" } }),
      attrs = { name = "$match" },
      examples = { { text = "Scorers: P. Tarrant 12, J.R. Hollis 9.",
                     expect = { { type = "person", text = "P. Tarrant" },
                                { type = "person", text = "J.R. Hollis" } } } } },
   rule { name = "speaker_name", type = "person", span = "name",
      pattern = P.cap("name", NAME) * P.opt(P.set { "also", "then", "later", "again", "further" }) * SPEECH,
      attrs = { name = "$name" },
      examples = { { text = "“No,” Mnatsakanyan said.", expect = { { type = "person", text = "Mnatsakanyan" } } } } },
   rule { name = "said_name", type = "person", span = "name",
      pattern = P.behind(P.set { "\u{201D}", "\"", "," }) * SPEECH * P.cap("name", NAME)
         * P.ahead(P.set { ".", ",", ";" }),
      attrs = { name = "$name" },
      examples = { { text = "“No,” added Mnatsakanyan.", expect = { { type = "person", text = "Mnatsakanyan" } } } } },
   rule { name = "name_pair", type = "person", priority = -1,
      pattern = P.notbehind(P.tok { case = { "title", "upper" } }) * P.notahead(COMPOUND) * NAME_TOK
         * NEXT * P.notahead(NOT_SURNAME + COMPOUND) * NAME_TOK * P.notahead(P.tok { case = { "title", "upper" } }),
      attrs = { name = "$match", guess = true } },

   -- organisations
   -- "drinks firm Allied Domecq", "shares in Pernod Ricard": what a
   -- business story says of a company
   rule { name = "company_cue", type = "organization", span = "name", priority = 2,
      pattern = (P.set { "firm", "company", "group", "giant", "maker", "retailer", "carrier", "airline",
                         "lender", "insurer", "brewer", "chain", "conglomerate", "operator", "manufacturer",
                         "producer", "start-up", "startup", "distiller", "supermarket", "bank", "miner",
                         "shares in", "shares of", "stake in", "takeover of", "bid for", "merger with",
                         "acquisition of", "subsidiary" } + P.ann("demonym") * P.set { "rival" })
         * P.cap("name", P.rep(CAP_TOK, 1, 3)) * P.notahead(P.tok { case = { "title", "upper" } }),
      attrs = { name = "$name", kind = "company" },
      examples = { { text = "Shares in drinks firm Vellacourt Tarn rose.",
                     expect = { { type = "organization", text = "Vellacourt Tarn" } } } } },
   rule { name = "org_head", type = "organization", priority = 2,
      pattern = P.notbehind(NOT_NAME * P.tok { case = { "title", "mixed" } } + P.text "&") * ORG_UNIT
         * P.rep(NEXT * (P.opt(P.text "&" + POSSESSIVE) * ORG_UNIT), 0, 4)
         * NEXT * P.notahead(P.within("location"))
         * (P.tok { set = org_heads, case = "title" }
            + P.ahead(P.regex [[^\p{Lu}{2,4}\.?$]]) * P.tok { set = org_heads }),
      attrs = { name = "$match" },
      examples = { { text = "Shares of Tarrow & Lomax Co rose.",
                     expect = { { type = "organization", text = "Tarrow & Lomax Co" } } },
                   { text = "The Ruritanian Foreign Ministry said.",
                     expect = { { type = "organization", text = "Ruritanian Foreign Ministry" } } },
                   { text = "Shares of Acme Holdings fell.",
                     expect = { { type = "organization", text = "Acme Holdings" } } } } },
   rule { name = "org_of", type = "organization", priority = 2,
      pattern = P.ahead(P.tok { case = "title" }) * P.set(org_prefixes) * P.opt("the")
         * P.rep(NEXT * (P.ann("location") + NOT_NAME * P.tok { case = { "title", "upper" } } + P.set { "and", "&" }
                 * P.ahead(P.tok { case = "title" })), 1, 4) * P.opt(P.word "in" * P.ann("location")),
      attrs = { name = "$match" },
      examples = { { text = "The Ministry of Foreign Affairs agreed.",
                     expect = { { type = "organization", text = "Ministry of Foreign Affairs" } } } } },
   rule { name = "outlet_cue", type = "organization", span = "name", priority = 1,
      pattern = P.cap("name", P.rep(CAP_TOK, 1, 3))
         * P.set { "news agency", "agency", "newspaper", "daily", "TV channel", "channel", "TV", "television",
                   "broadcaster", "website", "magazine", "weekly", "radio", "news site" },
      attrs = { name = "$name", kind = "outlet" },
      examples = { { text = "He told the Azerbaijani Zarvan news agency.",
                     expect = { { type = "organization", text = "Zarvan" } } } } },

   -- sports teams, from results, fixtures and tables: a club's name is the
   -- club even when it is a place ("Leeds 2 Everton 1"); a country's name
   -- stays a place (national sides count as their country)
   rule { name = "team_score", type = "organization", priority = 3,
      pattern = P.cap("a", TEAM) * SCORE * P.opt(",") * P.cap("b", TEAM) * SCORE
         * P.notahead(P.set { "-", "." } * P.kind "number"),
      action = function(m) return sides(m, "a", "b") end,
      examples = { { text = "Results: Leeds 2 Everton 1 on Saturday.",
                     expect = { { type = "organization", text = "Leeds" },
                                { type = "organization", text = "Everton" } } },
                   { text = "Result: Italy 2 Ghana 1.", reject = { { type = "organization", text = "Italy" } } } } },
   rule { name = "team_versus", type = "organization", priority = 3,
      pattern = P.notahead(FIRST) * P.cap("a", TEAM) * P.set { "v", "v.", "vs", "vs.", "versus" }
         * P.notahead(FIRST) * P.cap("b", TEAM),
      action = function(m) return sides(m, "a", "b") end,
      examples = { { text = "Saturday: Stoke v Leeds United (3pm).",
                     expect = { { type = "organization", text = "Stoke" },
                                { type = "organization", text = "Leeds United" } } } } },
   rule { name = "team_table", type = "organization", priority = 3,
      pattern = P.ahead(P.line_start) * P.notahead(FIRST) * P.cap("a", TEAM)
         * (SCORE * (SCORE + P.word "and" * P.kind "number")
            + P.regex [[^\d{1,3}-\d{1,2}$]] * P.set { "declared", "dec" }),
      action = function(m) return sides(m, "a") end,
      examples = { { text = "Standings:\nBarnsley 4 3 1 0 9 3 10\nWatford 4 2 2 0 7 4 8",
                     expect = { { type = "organization", text = "Barnsley" },
                                { type = "organization", text = "Watford" } } } } },

   rule { name = "team_beat", type = "organization", priority = 3,
      pattern = P.cap("a", SIDE) * P.opt(P.set { "also", "then", "comfortably", "narrowly" })
         * P.set { "beat", "beats", "defeated", "drew with", "lost to", "thrashed", "edged", "routed", "whipped",
                   "overcame", "crushed", "trounced", "hammered", "outplayed", "eliminated", "knocked out" }
         * P.cap("b", SIDE) * P.notahead(P.tok { case = { "title", "upper" } }),
      action = function(m) return sides(m, "a", "b") end,
      examples = { { text = "Leicester beat Oldham by two goals.",
                     expect = { { type = "organization", text = "Leicester" },
                                { type = "organization", text = "Oldham" } } } } },
   rule { name = "team_role", type = "organization", priority = 3,
      pattern = P.cap("a", SIDE) * P.opt(P.tok { case = "lower", set = { "club", "team", "first-team", "reserve",
            "central", "left", "right", "former", "new", "veteran", "assistant", "caretaker", "star", "young",
            "fellow", "teenage", "experienced", "injured", "international", "opening", "fast", "spin" } })
         * P.set { "captain", "coach", "manager", "striker", "midfielder", "defender", "goalkeeper", "keeper",
                   "skipper", "team mate", "team-mate", "teammate", "winger", "full-back", "fullback", "centre-back",
                   "center-back", "forward", "playmaker", "batsman", "bowler", "all-rounder", "wicketkeeper",
                   "opener", "spinner", "pitcher", "quarterback", "outfielder", "shortstop", "infielder",
                   "fans", "supporters", "squad", "chairman", "president", "side" },
      action = function(m) return sides(m, "a") end,
      examples = { { text = "The Leeds striker scored twice.",
                     expect = { { type = "organization", text = "Leeds" } } } } },
   rule { name = "team_game", type = "organization", priority = 3,
      pattern = P.set { "match", "game", "win", "victory", "defeat", "draw", "loss", "clash", "fixture",
                        "semifinal", "semi-final", "final", "tie", "joined", "signed for", "signed with",
                        "transfer to", "move to", "home to", "away to", "rivals" }
         * P.opt(P.set { "against", "over", "with", "to", "by", "at", "from" }) * P.cap("a", SIDE)
         * P.notahead(P.tok { case = { "title", "upper" } }),
      action = function(m) return sides(m, "a") end,
      examples = { { text = "He scored in their 2-0 win over Oldham.",
                     expect = { { type = "organization", text = "Oldham" } } } } },

   -- places
   rule { name = "place_cue_before", type = "location", priority = 1,
      pattern = P.tok { set = place_before, case = "title" } * P.rep(NAME_TOK, 1, 2),
      attrs = { name = "$match" },
      examples = { { text = "They swam in Lake Varnoe.", expect = { { type = "location", text = "Lake Varnoe" } } } } },
   rule { name = "place_cue_after", type = "location", priority = 1,
      pattern = P.rep(NAME_TOK, 1, 2) * P.tok { set = place_after, case = "title" },
      attrs = { name = "$match" },
      examples = { { text = "Boats on the Tarrow River.",
                     expect = { { type = "location", text = "Tarrow River" } } } } },
   rule { name = "place_prep", type = "location", span = "place", priority = -2,
      pattern = P.set { "in", "near", "outside", "from" } * P.cap("place", NAME_TOK * P.opt(NAME_TOK))
         * P.notahead(P.tok { case = { "title", "mixed" } } + POSSESSIVE + SPEECH),
      attrs = { name = "$place", guess = true },
      examples = { { text = "He spoke in Dilijan on Monday.",
                     expect = { { type = "location", text = "Dilijan" } } } } },
}

-- The key of the tokens covering [start, stop): their keys joined by spaces.
local function span_key(toks, start, stop)
   local i = toks:at(start)
   local parts = {}
   while i and i <= #toks do
      local s = toks:span(i)
      if s >= stop then break end
      parts[#parts + 1] = toks:key(i)
      i = i + 1
   end
   return table.concat(parts, " ")
end

-- A place in a dateline ("LONDON 1996-08-30", "BIRMINGHAM , England
-- 1996-08-31", "PARIS (AFP) -") is a place, whatever teams it names: a
-- line that opens with a word in capitals followed by a comma, a
-- parenthesis, a dash or a date, up to that parenthesis, dash or date.
-- line_of(i): the first token of token i's line, walking back no further
-- than the last token asked (so asking in order is linear in a document).
local function line_finder(toks)
   local memo_i, memo_first
   return function(i)
      local first = i
      while first > 1 and not toks:get(first, "line_start") do
         if first == memo_i then
            first = memo_first
            break
         end
         first = first - 1
      end
      memo_i, memo_first = i, first
      return first
   end
end

local function dateline_at(toks, start, line_of)
   local i = toks:at(start)
   if not i then return false end
   local first = line_of(i)
   if toks:get(first, "case") ~= "upper" then return false end
   local n = #toks
   local j = first + 1
   while j <= n and j <= first + 8 and toks:get(j, "case") == "upper" and not toks:get(j, "line_start") do
      j = j + 1
   end
   if j > first + 8 then return false end   -- (no dateline ends past first + 8)
   if j > n or toks:get(j, "line_start") then return false end
   local function stop_tok(k)
      local t = toks:text(k)
      return t == "(" or toks:kind(k) == "dash" or t:match("^%d%d%d%d%-%d%d%-%d%d$") ~= nil
   end
   if toks:text(j) ~= "," and not stop_tok(j) then return false end
   -- the dateline ends at its parenthesis, dash or date, within a few tokens
   for k = j, math.min(n, first + 8) do
      if k > first and toks:get(k, "line_start") then return false end
      if stop_tok(k) then return i < k end
   end
   return false
end

-- A line written in capitals only (a headline): no word on it in lower or
-- title case.
local function caps_line(toks, start, line_of, memo)
   local i = toks:at(start)
   if not i then return false end
   local first, n = line_of(i), #toks
   if memo[first] ~= nil then return memo[first] end
   memo[first] = true
   for k = first, n do
      if k > first and toks:get(k, "line_start") then break end
      local case = toks:get(k, "case")
      if toks:kind(k) == "word" and (case == "lower" or case == "title") then
         memo[first] = false
         break
      end
   end
   return memo[first]
end

-- A place named as a venue: "at Leeds", "in Milan", "(Leeds)".
local VENUE = { at = true, ["in"] = true, ["("] = true, near = true, from = true }
local function venue_at(toks, start)
   local i = toks:at(start)
   return i ~= nil and i > 1 and VENUE[toks:key(i - 1)] == true
end

-- Words of sports reports: three different ones make a document about sport.
local SPORT_WORDS = {}
for _, w in ipairs { "goal", "goals", "scored", "scorer", "scorers", "striker", "midfielder", "defender",
   "goalkeeper", "penalty", "halftime", "half-time", "innings", "wicket", "wickets", "batting", "bowling",
   "bowler", "batsman", "runs", "overs", "pitcher", "inning", "homer", "homers", "touchdown", "quarterback",
   "league", "championship", "cup", "tournament", "playoff", "playoffs", "standings", "fixtures", "stadium",
   "referee", "semifinal", "semi-final", "quarter-final", "quarterfinal", "coach", "season", "match",
   "matches", "draw", "drew", "beat", "defeat", "victory", "win", "club", "clubs", "squad", "team", "teams",
   "striker", "soccer", "football", "cricket", "rugby", "baseball", "basketball", "hockey", "tries",
   "points", "title", "relegation", "promoted", "transfer" } do
   SPORT_WORDS[w] = true
end

local function about_sport(toks)
   local seen, n = {}, 0
   for i = 1, #toks do
      local k = toks:key(i)
      if SPORT_WORDS[k] and not seen[k] then
         seen[k] = true
         n = n + 1
         if n >= 4 then return true end
      end
   end
   return false
end

--- Teams of a document (resolve phase, before overlaps are settled): the
-- names the team rules and the club gazetteer found; names of clubs that are
-- also places or words count only in a document about sport. Other
-- candidates with the same words (a place or a guessed person) become that
-- team. Returns the candidates kept and the set of team keys.
function entities.team_names(ctx, cands)
   local toks, teams = ctx.tokens, {}
   local line_of, caps = line_finder(toks), {}
   local sport, any_sport_club = nil, false
   for _, a in ipairs(cands) do
      if a.type == "organization" and (a.attrs.kind == "team" or a.rule == "club") then sport = true end
      if a.rule == "club_sport" then any_sport_club = true end
   end
   if any_sport_club and not sport then sport = about_sport(toks) end
   local out = {}
   for _, a in ipairs(cands) do
      if a.rule == "club_sport" and (not sport or dateline_at(toks, a.start, line_of) or venue_at(toks, a.start)) then
         a = nil
      end
      -- an acronym matched by its exact spelling means nothing in a headline in capitals ("KOHL IS ...")
      if a and a.rule == "organization_exact" and caps_line(toks, a.start, line_of, caps) then a = nil end
      if a then
         if a.type == "organization" and (a.attrs.kind == "team" or a.rule == "club" or a.rule == "club_sport") then
            teams[span_key(toks, a.start, a.stop)] = true
         end
         out[#out + 1] = a
      end
   end
   if not sport then return out, teams end
   for _, a in ipairs(out) do
      if a.type ~= "organization" and a.rule ~= "country" and teams[span_key(toks, a.start, a.stop)]
         and not dateline_at(toks, a.start, line_of) then
         a.type, a.rule = "organization", "team_same"
         a.attrs = { name = a.attrs.name, kind = "team" }
      end
   end
   return out, teams
end

local MAX_TEAM = 4
--- Mentions of the document's teams that no rule marked (resolve phase,
-- after overlaps): added to kept and taken.
function entities.team_coref(ctx, teams, kept, taken, allowed)
   if next(teams) == nil then return end
   local toks, text = ctx.tokens, ctx.text
   local n = #toks
   local line_of = line_finder(toks)
   local i = 1
   while i <= n do
      local case = toks:get(i, "case")
      local hit = nil
      if (case == "title" or case == "upper") and toks:kind(i) == "word" then
         local parts = {}
         for j = i, math.min(n, i + MAX_TEAM - 1) do
            if j > i and toks:get(j, "line_start") then break end
            parts[#parts + 1] = toks:key(j)
            if teams[table.concat(parts, " ")] then hit = j end
         end
      end
      if hit then
         local s = toks:span(i)
         local _, e = toks:span(hit)
         if allowed(s) and not taken:overlaps(s, e) and not dateline_at(toks, s, line_of) then
            taken:add(s, e)
            kept[#kept + 1] = { type = "organization", start = s, stop = e, rule = "team_coref",
               attrs = { kind = "team" }, text = text:sub(s + 1, e) }
         end
         i = hit + 1
      else
         i = i + 1
      end
   end
end

return entities
