-- People, and the organisations and places the gazetteers lack, found by
-- their context: titles and roles around a name, a known first name, a
-- speech verb after a name, organisation head words ("... Ministry",
-- "... Party", "Bank of ..."), place cue words ("Lake ...", "... province").
--
-- A name is a run of capitalised tokens that are not function words,
-- titles, months or places/organisations the lexicon phase found.

local names = require "quarry.names"
local wordset = require "quarry.wordset"

local entities = {}

local function words(file, column)
   local list = {}
   for _, row in ipairs(read_list(file)) do
      local w = row[column or 1]
      if w and w ~= "" then list[#list + 1] = w end
   end
   return list
end

-- Word lists by role (data/entity_words.tsv): function words, capitalised
-- words that are no names, last words that make a pair no person's name,
-- words that are no sports team, words of sports reports, honorifics.
local WORDS = { ["function"] = {}, not_name = {}, not_surname = {}, team_stop = {}, sport = {}, honorific = {},
   company_cue = {}, outlet_cue = {}, team_beat_lead = {}, team_beat = {}, team_role = {}, team_role_modifier = {},
   team_game = {} }
for _, row in ipairs(read_list("data/entity_words.tsv")) do
   local list = WORDS[row[2]]
   if not list then error("data/entity_words.tsv:" .. row.line .. ": unknown role '" .. tostring(row[2]) .. "'") end
   list[#list + 1] = row[1]
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
local FUNCTION_WORDS = WORDS["function"]
-- Capitalised words that are not names.
local NOT_NAMES = WORDS.not_name
entities.not_names = NOT_NAMES
-- the same as a set: not_name_set[word] = true
entities.not_name_set = {}
for _, w in ipairs(NOT_NAMES) do entities.not_name_set[w] = true end

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
         if first and not seen[first:lower()] and #P.keys(first) == 1 then
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
-- A first name or surname may also be a one-word place ("Paul
-- Denver", "Georgia Lund"), but not both.
local FIRST_PLACE = P.notahead(P.within("organization") + P.within("demonym"))
   * P.tok { set = first_name_list, case = { "title", "upper" }, starts = "location", ends = "location" }
local PLACE_SURNAME = P.notahead(STOP + P.within("organization") + P.within("demonym"))
   * P.tok { case = { "title", "mixed" }, len = { 2, 30 }, starts = "location", ends = "location" }
-- ... or a one-word organisation whose name is also a word or a name
-- ("Ann Vale", "Henry Ford": the gazetteer marks them ambiguous)
local ORG_SURNAME = P.ahead(P.starts("organization", { ambiguous = true }))
   * P.tok { case = "title", len = { 2, 30 }, ends = "organization" }
local MIDDLE = P.rep(NEXT * (INITIAL + NAME_TOK), 0, 2)
-- a title word after a first name is a surname ("Prime Minister John
-- Major", "Lord Justice Judge"), when the name ends there
local TITLE_SURNAME = P.tok { set = first_words(title_list), case = "title", len = { 3, 30 } }
   * P.notahead(NEXT * P.tok { case = { "title", "mixed" } })
local FULL_NAME = FIRST * MIDDLE * NEXT * (SURNAME + PLACE_SURNAME + ORG_SURNAME + TITLE_SURNAME)
   + FIRST_PLACE * MIDDLE * NEXT * SURNAME
local NAME = P.rep(INITIAL + NAME_TOK, 0, 3) * SURNAME

-- Title phrases: "Foreign Minister", "Norway's chief fisheries negotiator",
-- "Russian Foreign Minister", "Chile's Foreign Ministry Spokesman".
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
local HONORIFIC = P.set(WORDS.honorific)
local SPEECH = P.set(verb_list)
local DET = P.set { "the", "a", "an", "his", "her", "its", "their" }
-- Last words of capitalised pairs that name places, events and firms, not
-- people ("Wall Street", "World Cup", "Labor Day", "Gold Fields").
local NOT_SURNAME = P.set(WORDS.not_surname)
-- "Ontario-based", "Family-controlled": words before a name, not names
-- (every use is of a capitalised token, and such a word is hyphenated:
-- the case and the flag turn the other tokens away before the regex)
local COMPOUND = P.tok { case = { "title", "mixed" }, hyphenated = true,
   regex = [[^\p{L}+-(?:based|controlled|owned|listed|born|led|backed|run|held|made|registered)$]] }
-- A word of an organisation's name before its head word ("Foreign" in
-- "Foreign Ministry"): a demonym, a place, or a capitalised word that is
-- not a function word, on a line that is not in capitals only.
local ORG_UNIT = P.ann("demonym") + P.ann("location") + P.word "of" * P.ann("location")
   + P.notahead(COMPOUND) * P.notahead(P.set(NOT_NAMES) * P.notahead(P.set { "first", "new", "great", "central",
      "north", "south", "east", "west", "northern", "southern", "eastern", "western" }))
     * P.tok { case = { "title", "mixed" } }
   + P.notahead(NOT_NAME) * P.regex [[^\p{Lu}{2,5}$]] * P.notbehind(P.regex [[^\p{Lu}{2,}$]])
     * P.notahead(NEXT * P.regex [[^\p{Lu}{2,}$]])

-- Events: words that end the name of a tournament, a race or a league
-- ("U.S. Open", "Davis Cup", "1,000 Lakes Rally", "National League"), and
-- the words of such names (data/events.tsv).
local EVENT_HEADS, EVENT_HEAD_KIND = {}, {}
for _, row in ipairs(read_list("data/events.tsv")) do
   EVENT_HEADS[#EVENT_HEADS + 1] = row[1]
   EVENT_HEAD_KIND[row[1]] = row[2]
end
-- words that end a player's name in a list of scorers ("pen", "og")
local PLAYER_STOP = {}
for _, row in ipairs(read_list("data/sports.tsv")) do
   if row[2] == "after_player" then PLAYER_STOP[row[1]] = true end
end
local EVENT_WORD = P.ann("location") + P.ann("demonym") + P.regex [[^\d[\d,]*$]]
   + P.notahead(P.set(FUNCTION_WORDS)) * P.tok { case = { "title", "upper", "mixed" }, len = { 2, 30 } }

-- (a side the pattern did not capture, and no units: only read)
local NO_SIDE, NO_UNITS = { start = 0, stop = 0 }, {}

-- The sides a team rule found (its captures a and, when two, b), as
-- organisations; a country is left out.
local function sides(m, two)
   local out, caps = {}, m.caps
   for k = 1, two and 2 or 1 do
      local c = caps[k == 1 and "a" or "b"] or NO_SIDE
      local country = c.stop == c.start      -- (a side the pattern did not capture)
      local units = c.units or NO_UNITS
      for i = 1, #units do
         local u = units[i]
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
local TEAM_STOP = P.set(FUNCTION_WORDS) + P.set(WORDS.team_stop)
local TEAM_WORD = P.notahead(TEAM_STOP + INITIAL + P.regex [[^\p{Lu}{4,}$]])
   * P.tok { case = { "title", "upper", "mixed" }, kind = "word" }
local TEAM_UNIT = P.ann("location") + P.ann("organization") + TEAM_WORD
local TEAM = TEAM_UNIT * P.rep(P.notahead(P.line_start) * TEAM_UNIT, 0, 3)
   * P.opt(P.notahead(P.line_start) * P.text "II")
-- a side named in running text: a place or body the lexicon knows
local SIDE = P.ann("location") + P.ann("organization")
local SCORE = P.regex [[^\d{1,3}$]]
-- a score or a cricket total ("343-8")
local TOTAL = P.regex [[^\d{1,3}(?:-\d{1,2})?$]]
-- the last token of a line: nothing follows it on its line
local LINE_END = P.notahead(P.notahead(P.line_start) * P.any)
-- heads of sign-offs: "-- Lisbon Newsroom +351 21 555 0183"
local DESK = P.tok { set = { "newsroom", "bureau", "desk" }, case = { "title", "upper" } }

-- The players a parenthesis after a score lists: in each part between
-- commas or semicolons, the initials and capitalised words it opens with,
-- when a number or a word in lower case follows them ("Sharpe 58",
-- "Dorigo pen 81", "J.E. Morris 52 not out").
local function scorers(m)
   local toks = m.tokens
   local first, last = toks:cover(m.start, m.stop)
   local text = toks:text()
   local out = {}
   local i = first + 1
   while i < last do
      local j = i
      while j < last and (toks:text(j):match("^%u%.") or (toks:kind(j) == "word" and toks:text(j):match("^%u")
         and not PLAYER_STOP[toks:key(j)])) do
         j = j + 1
      end
      if j > i and j < last and (toks:kind(j) == "number" or toks:text(j):match("^%l")) then
         local s = toks:span(i)
         local _, e = toks:span(j - 1)
         out[#out + 1] = { type = "person", start = s, stop = e, attrs = { name = text:sub(s + 1, e) } }
      end
      -- on to the next part
      while j < last and toks:text(j) ~= "," and toks:text(j) ~= ";" do j = j + 1 end
      i = j + 1
   end
   return out
end

entities.rules = {
   rule { name = "title_name", rank = 6, type = "person", span = "name", priority = 3,
      pattern = P.cap("title", TITLE + HONORIFIC) * P.opt(",") * P.cap("name", FULL_NAME + NAME),
      attrs = { title = "$title", name = "$name" },
      examples = { { text = "Russian Foreign Minister Sergei Voronov spoke.",
                     expect = { { type = "person", text = "Sergei Voronov",
                                  attrs = { title = "Russian Foreign Minister" } } } },
                   { text = "Norway\u{2019}s chief fisheries negotiator, Halvard Brekke, said so.",
                     expect = { { type = "person", text = "Halvard Brekke",
                                  attrs = { title = "Norway\u{2019}s chief fisheries negotiator" } } } },
                   { text = "Mr. Hollis declined.", expect = { { type = "person", text = "Hollis",
                                                                  attrs = { title = "Mr." } } } } } },
   rule { name = "name_title", rank = 6, type = "person", span = "name", priority = 2,
      pattern = P.cap("name", FULL_NAME + NAME * P.ahead("," * P.opt(DET) * P.rep(MODIFIER, 0, 3) * TITLE_HEAD))
         * "," * P.opt(DET) * P.cap("title", TITLE) * P.ahead(P.set { ",", ".", ";", "said", "told", "and" }),
      attrs = { title = "$title", name = "$name" },
      examples = { { text = "Tarik Osmanov, the ministry spokesman, said no.",
                     expect = { { type = "person", text = "Tarik Osmanov",
                                  attrs = { title = "ministry spokesman" } } } } } },
   rule { name = "first_name", rank = 4.3, type = "person", priority = 1,
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
   rule { name = "speaker_name", rank = 2, type = "person", span = "name",
      pattern = P.cap("name", NAME) * P.opt(P.set { "also", "then", "later", "again", "further" }) * SPEECH,
      attrs = { name = "$name" },
      examples = { { text = "“No,” Mnatsakanyan said.", expect = { { type = "person", text = "Mnatsakanyan" } } } } },
   rule { name = "said_name", rank = 2, type = "person", span = "name",
      pattern = P.behind(P.set { "\u{201D}", "\"", "," }) * SPEECH * P.cap("name", NAME)
         * P.ahead(P.set { ".", ",", ";" }),
      attrs = { name = "$name" },
      examples = { { text = "“No,” added Mnatsakanyan.", expect = { { type = "person", text = "Mnatsakanyan" } } } } },
   rule { name = "name_pair", rank = 1, type = "person", priority = -1,
      -- (the lookahead at the second token, which the pattern takes as a
      -- NAME_TOK, lets the matcher turn most starts away before running it)
      pattern = P.notbehind(P.tok { case = { "title", "upper" } })
         * P.ahead(P.any * P.tok { case = { "title", "mixed" } }) * P.notahead(COMPOUND) * NAME_TOK
         * NEXT * P.notahead(NOT_SURNAME + COMPOUND) * NAME_TOK * P.notahead(P.tok { case = { "title", "upper" } }),
      attrs = { name = "$match", guess = true } },

   -- organisations
   -- "drinks firm Allied Domecq", "shares in Pernod Ricard": what a
   -- business story says of a company
   rule { name = "company_cue", rank = 5, type = "organization", span = "name", priority = 2,
      pattern = (P.set(WORDS.company_cue) + P.ann("demonym") * P.set { "rival" })
         * P.cap("name", P.rep(CAP_TOK, 1, 3)) * P.notahead(P.tok { case = { "title", "upper" } }),
      attrs = { name = "$name", kind = "company" },
      examples = { { text = "Shares in drinks firm Vellacourt Tarn rose.",
                     expect = { { type = "organization", text = "Vellacourt Tarn" } } } } },
   rule { name = "org_head", rank = 5, type = "organization", priority = 2,
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
   rule { name = "org_of", rank = 5, type = "organization", priority = 2,
      pattern = P.ahead(P.tok { case = "title" }) * P.set(org_prefixes) * P.opt("the")
         * P.rep(NEXT * (P.ann("location") + NOT_NAME * P.tok { case = { "title", "upper" } } + P.set { "and", "&" }
                 * P.ahead(P.tok { case = "title" })), 1, 4) * P.opt(P.word "in" * P.ann("location")),
      attrs = { name = "$match" },
      examples = { { text = "The Ministry of Foreign Affairs agreed.",
                     expect = { { type = "organization", text = "Ministry of Foreign Affairs" } } } } },
   rule { name = "outlet_cue", rank = 3, type = "organization", span = "name", priority = 1,
      pattern = P.cap("name", P.rep(CAP_TOK, 1, 3))
         * P.set(WORDS.outlet_cue),
      attrs = { name = "$name", kind = "outlet" },
      examples = { { text = "He told the Azerbaijani Zarvan news agency.",
                     expect = { { type = "organization", text = "Zarvan" } } } } },

   -- sports teams, from results, fixtures and tables: a club's name is the
   -- club even when it is a place ("Leeds 2 Everton 1"); a country's name
   -- stays a place (national sides count as their country)
   rule { name = "team_score", rank = 5.5, type = "organization", priority = 3,
      pattern = P.cap("a", TEAM) * SCORE * P.opt(",") * P.cap("b", TEAM) * SCORE
         * P.notahead(P.set { "-", "." } * P.kind "number"),
      action = function(m) return sides(m, true) end,
      examples = { { text = "Results: Leeds 2 Everton 1 on Saturday.",
                     expect = { { type = "organization", text = "Leeds" },
                                { type = "organization", text = "Everton" } } },
                   { text = "Result: Italy 2 Ghana 1.", reject = { { type = "organization", text = "Italy" } } } } },
   rule { name = "team_versus", rank = 5.5, type = "organization", priority = 3,
      pattern = (P.notahead(FIRST) * P.cap("a", TEAM) + P.behind(P.text ")"))
         * P.set { "v", "v.", "vs", "vs.", "versus" } * P.notahead(FIRST) * P.cap("b", TEAM),
      action = function(m) return sides(m, true) end,
      examples = { { text = "Saturday: Stoke v Leeds United (3pm).",
                     expect = { { type = "organization", text = "Stoke" },
                                { type = "organization", text = "Leeds United" } } } } },
   rule { name = "team_table", rank = 5.5, type = "organization", priority = 3,
      pattern = P.ahead(P.line_start) * P.notahead(FIRST) * P.cap("a", TEAM)
         * (SCORE * (SCORE + P.word "and" * P.kind "number")
            + P.regex [[^\d{1,3}-\d{1,2}$]] * P.set { "declared", "dec" }),
      action = function(m) return sides(m) end,
      examples = { { text = "Standings:\nBarnsley 4 3 1 0 8 2 10\nWatford 4 2 2 0 7 4 8",
                     expect = { { type = "organization", text = "Barnsley" },
                                { type = "organization", text = "Watford" } } } } },

   rule { name = "team_beat", rank = 5.5, type = "organization", priority = 3,
      pattern = P.cap("a", SIDE) * P.opt(P.set(WORDS.team_beat_lead))
         * P.set(WORDS.team_beat)
         * P.cap("b", SIDE) * P.notahead(P.tok { case = { "title", "upper" } }),
      action = function(m) return sides(m, true) end,
      examples = { { text = "Leicester beat Oldham by two goals.",
                     expect = { { type = "organization", text = "Leicester" },
                                { type = "organization", text = "Oldham" } } } } },
   rule { name = "team_role", rank = 5.5, type = "organization", priority = 3,
      pattern = P.cap("a", SIDE) * P.opt(P.tok { case = "lower", set = WORDS.team_role_modifier })
         * P.set(WORDS.team_role),
      action = function(m) return sides(m) end,
      examples = { { text = "The Leeds striker scored twice.",
                     expect = { { type = "organization", text = "Leeds" } } } } },
   rule { name = "team_game", rank = 5.5, type = "organization", priority = 3,
      pattern = P.set(WORDS.team_game)
         * P.opt(P.set { "against", "over", "with", "to", "by", "at", "from" }) * P.cap("a", SIDE)
         * P.notahead(P.tok { case = { "title", "upper" } }),
      action = function(m) return sides(m) end,
      examples = { { text = "He scored in their 2-0 win over Oldham.",
                     expect = { { type = "organization", text = "Oldham" } } } } },

   -- "Leeds 1 ( Sharpe 58 ) Wimbledon 0", "Marsham 131 ( R. Pellow 5-31 )":
   -- the names in parentheses after a team's score are players, the side
   -- before the score a team, whatever place it is named after
   rule { name = "scorers", rank = 5.6, type = "person", priority = 3,
      pattern = P.behind(TOTAL) * P.text "(" * P.rep(P.notahead(P.text ")" + P.line_start) * P.any, 1, 60)
         * P.text ")",
      action = function(m) return scorers(m) end,
      examples = { { text = "Leeds 1 ( Sharpe 58 , Dorigo pen 81 ) Wimbledon 0 ( halftime 0-0 ) .",
                     expect = { { type = "person", text = "Sharpe" }, { type = "person", text = "Dorigo" } } },
                   { text = "Marsham 131 ( R. Pellow 5-31 , T.J. Amble 47 not out ) .",
                     expect = { { type = "person", text = "R. Pellow" },
                                { type = "person", text = "T.J. Amble" } } } } },
   rule { name = "team_paren", rank = 5.5, type = "organization", priority = 3,
      pattern = (P.ahead(P.line_start) + P.behind(P.set { ")", ":", ",", ";" }))
         * P.notahead(FIRST) * P.cap("a", TEAM) * TOTAL * P.ahead(P.text "(" + P.set { ".", ",", ";" } + LINE_END),
      action = function(m)
         local out = sides(m)
         for _, a in ipairs(out) do a.attrs.sport_only = true end
         return out
      end,
      examples = { { text = "League match , halftime 0-0 :\nLeeds 1 ( Sharpe 58 ) Wimbledon 0 . The striker scored .",
                     expect = { { type = "organization", text = "Leeds" },
                                { type = "organization", text = "Wimbledon" } } } } },
   -- "Luca Fenzi ( Italy ) Corvetta 1:52.817": the team after a rider's country
   rule { name = "team_after_country", type = "organization", priority = 3, span = "a",
      pattern = P.text "(" * P.ann("location") * P.text ")" * P.cap("a", TEAM_WORD * P.opt(NEXT * TEAM_WORD))
         * P.ahead(P.regex [[^\d+(?:[:.]\d+)*$]]),
      attrs = { kind = "team", sport_only = true } },
   -- a fixture list "DENVER AT SAN DIEGO": the visitors, then where they play
   rule { name = "schedule_at", rank = 5.5, type = "organization", priority = 3,
      pattern = P.ahead(P.line_start) * P.cap("a", TEAM) * P.text "AT" * P.cap("b", TEAM) * LINE_END,
      action = function(m)
         local a, b = m.caps.a, m.caps.b
         return { { type = "organization", start = a.start, stop = a.stop, attrs = { kind = "team" } },
                  { type = "location", start = b.start, stop = b.stop, attrs = { kind = "venue" } } }
      end,
      examples = { { text = "Schedule\nDENVER AT SAN DIEGO\nHOUSTON AT TEXAS",
                     expect = { { type = "organization", text = "DENVER" },
                                { type = "location", text = "SAN DIEGO" } } } } },
   -- a wire's sign-off: "-- Lisbon Newsroom +351 21 555 0183"
   rule { name = "sign_off", rank = 5.5, type = "organization", priority = 3,
      pattern = (P.ann("location") + CAP_TOK) * P.rep(NEXT * CAP_TOK, 0, 2) * NEXT * DESK,
      attrs = { name = "$match", kind = "newsroom" },
      examples = { { text = "-- Lisbon Newsroom +351 21 555 0183",
                     expect = { { type = "organization", text = "Lisbon Newsroom" } } } } },
   -- tournaments, races and leagues: no person, organisation or place
   rule { name = "event", rank = 6.5, type = "event", priority = 4,
      pattern = P.opt(P.word "the") * P.cap("name", P.notahead(P.tok { set = EVENT_HEADS }) * EVENT_WORD
         * P.rep(NEXT * P.notahead(P.tok { set = EVENT_HEADS }) * EVENT_WORD, 0, 3)
         * NEXT * P.tok { set = EVENT_HEADS, case = { "title", "upper" } })
         + P.cap("name", P.tok { set = { "tour", "giro", "vuelta" }, case = { "title", "upper" } }
            * NEXT * P.set { "de", "of", "d'", "of the", "de la", "d\u{2019}" } * NEXT * EVENT_WORD),
      action = function(m)
         local c = m.caps.name
         local kind = EVENT_HEAD_KIND[m.tokens:key(c.last)] or "tournament"
         return { type = "event", start = c.start, stop = c.stop,
                  attrs = { name = c.text, kind = kind, sport_only = kind == "league" or nil } }
      end,
      examples = { { text = "She reached the U.S. Open final and rode the Tour de France.",
                     expect = { { type = "event", text = "U.S. Open" }, { type = "event", text = "Tour de France" } },
                     reject = { { type = "location", text = "U.S." }, { type = "location", text = "France" } } } } },

   -- places
   rule { name = "place_cue_before", rank = 3, type = "location", priority = 1,
      pattern = P.tok { set = place_before, case = "title" } * P.rep(NAME_TOK, 1, 2),
      attrs = { name = "$match" },
      examples = { { text = "They swam in Lake Varnoe.", expect = { { type = "location", text = "Lake Varnoe" } } } } },
   rule { name = "place_cue_after", rank = 3, type = "location", priority = 1,
      pattern = P.rep(NAME_TOK, 1, 2) * P.tok { set = place_after, case = "title" },
      attrs = { name = "$match" },
      examples = { { text = "Boats on the Tarrow River.",
                     expect = { { type = "location", text = "Tarrow River" } } } } },
   rule { name = "place_prep", rank = 0, type = "location", span = "place", priority = -2,
      pattern = P.set { "in", "near", "outside", "from" } * P.cap("place", NAME_TOK * P.opt(NAME_TOK))
         * P.notahead(P.tok { case = { "title", "mixed" } } + POSSESSIVE + SPEECH),
      attrs = { name = "$place", guess = true },
      examples = { { text = "He spoke in Dilijan on Monday.",
                     expect = { { type = "location", text = "Dilijan" } } } } },
}

-- The key of the tokens covering [start, stop): their keys joined by spaces
-- (in C).
local span_key = names.span_key

-- A place in a dateline ("LONDON 1996-08-30", "BIRMINGHAM , England
-- 1996-08-31", "PARIS (AFP) -") is a place, whatever teams it names: a
-- line that opens with a word in capitals followed by a comma, a
-- parenthesis, a dash or a date, up to that parenthesis, dash or date.
-- line_first(toks, i): the first token of token i's line (in C).
local line_first = names.line_first

local function dateline_at(toks, start)
   local i = toks:at(start)
   if not i then return false end
   local first = line_first(toks, i)
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
local function caps_line(toks, start, memo)
   local i = toks:at(start)
   if not i then return false end
   local first, n = line_first(toks, i), #toks
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

-- Words of sports reports: four different ones make a document about sport.
-- (a word set: the tokens of the document are visited where they are one)
local SPORT_WORDS = wordset.new(WORDS.sport)

local function about_sport(toks)
   local seen, n = {}, 0
   local i = SPORT_WORDS:find(toks, 1)
   while i do
      local k = toks:key(i)
      if not seen[k] then
         seen[k] = true
         n = n + 1
         if n >= 4 then return true end
      end
      i = i < #toks and SPORT_WORDS:find(toks, i + 1) or nil
   end
   return false
end

-- Whether candidates cands are of a story about sport: one is a club, a
-- firm pattern of results or players listed after a score, or else (when
-- some count only in such a story) the words say so.
local function sport_story(toks, cands)
   local any_sport_only = false
   for i = 1, #cands do
      local a = cands[i]
      if a.attrs.sport_only or a.rule == "club_sport" then any_sport_only = true
      elseif a.type == "organization" and (a.attrs.kind == "team" or a.rule == "club") or a.rule == "scorers" then
         return true
      end
   end
   if any_sport_only then return about_sport(toks) end
   return nil
end

-- The byte positions where a span glued by a hyphen to a word in lower
-- case ("U.S." in "U.S.-led") may end: for each token g that
-- quarry.names.hyphen_glued gives (token g + 1 a "-" with no space on
-- either side, token g + 2 in lower case), at[p] = the stop of token g for
-- each p after g's start up to the start of the "-": a span [s, p) with s
-- before that stop (and s < p) has g for its last token, as
-- tokens:cover(s, p) gives it. -> the table, or nil when there is none.
local function glued_ends(toks)
   local found = names.hyphen_glued(toks)
   if not found[1] then return nil end
   local at = {}
   for k = 1, #found do
      local g = found[k]
      local s, e = toks:span(g)
      local dash = toks:span(g + 1)
      for p = s + 1, dash do at[p] = e end
   end
   return at
end

-- Whether annotation a is glued by a hyphen to a word in lower case
-- ("U.S.-led", "anti-Iraq"): an adjective, not a name. at: what
-- glued_ends gives.
local function glued(a, at)
   local start, stop = a.start, a.stop
   local e = at[stop]
   return e ~= nil and start < e and start < stop
end

--- Teams of a document (resolve phase, before overlaps are settled): the
-- names the team rules and the club gazetteer found; names of clubs that are
-- also places or words count only in a document about sport. Other
-- candidates with the same words (a place or a guessed person) become that
-- team. Returns the candidates kept (cands itself when it drops none, as
-- most do) and the set of team keys.
function entities.team_names(ctx, cands)
   local toks, teams = ctx.tokens, {}
   local caps = {}
   -- (asked at the first candidate that counts only in a story about sport)
   local sport = nil
   local glued_at = glued_ends(toks)
   -- (out is cands till the first dropped: then a copy of those before it)
   local out, n = cands, 0
   for i = 1, #cands do
      local a = cands[i]
      local rule, attrs = a.rule, a.attrs
      local club, drop = rule == "club_sport", false
      -- a club that is also a place or a word, a league, or a side in a
      -- looser pattern, outside a story about sport; such a club in a
      -- dateline or as a venue
      if club or attrs.sport_only then
         if sport == nil then sport = sport_story(toks, cands) end
         drop = not sport or club and (dateline_at(toks, a.start) or venue_at(toks, a.start))
      end
      -- a name glued to an adjective ("U.S.-led", "Ontario-based") names nothing
      drop = drop or glued_at and glued(a, glued_at)
         -- an acronym matched by its exact spelling means nothing in a headline in capitals ("KOHL IS ...")
         or rule == "organization_exact" and caps_line(toks, a.start, caps)
      if drop then
         if out == cands then out, n = table.move(cands, 1, i - 1, 1, {}), i - 1 end
      else
         if a.type == "organization" and (attrs.kind == "team" or rule == "club" or rule == "club_sport") then
            teams[span_key(toks, a.start, a.stop)] = true
         end
         if out ~= cands then
            n = n + 1
            out[n] = a
         end
      end
   end
   -- (no team: no other candidate becomes one)
   if next(teams) == nil then return out, teams end
   if sport == nil then sport = sport_story(toks, cands) end
   if not sport then return out, teams end
   for i = 1, #out do
      local a = out[i]
      if a.type ~= "organization" and a.type ~= "event" and a.rule ~= "country" and a.attrs.kind ~= "venue"
         and teams[span_key(toks, a.start, a.stop)] and not dateline_at(toks, a.start) then
         -- (it ranks as a team, below the team rules: rank on the annotation)
         a.type, a.rule, a.rank = "organization", "team_same", 4.5
         a.attrs = { name = a.attrs.name, kind = "team" }
      end
   end
   return out, teams
end

local MAX_TEAM = 4

--- entities.add_prefixes(set, key): adds to set each of key's proper
-- beginnings at a space ("went on to" gives "went" and "went on").
function entities.add_prefixes(set, key)
   local at = key:find(" ", 1, true)
   while at do
      set[key:sub(1, at - 1)] = true
      at = key:find(" ", at + 1, true)
   end
end

local CAPITALISED = { "title", "upper" }

-- Runs of tokens whose keys joined by spaces are in known (at most
-- MAX_TEAM tokens, on one line; the longest wins), each from one of the
-- token numbers starts (in order) where accept(i) holds (nil: any), none
-- inside a run found before: found(start, stop, known[key]) for each, in
-- text order (one scan in C: quarry.names.known_runs).
local function each_known(toks, known, starts, accept, found)
   names.known_runs(toks, known, starts, MAX_TEAM, accept, found)
end

--- Mentions of the document's teams that no rule marked (resolve phase,
-- after overlaps): added to kept and taken.
function entities.team_coref(ctx, teams, kept, taken, allowed)
   if next(teams) == nil then return end
   local toks, text = ctx.tokens, ctx.text
   each_known(toks, teams, toks:where("word", CAPITALISED), nil, function(s, e)
      if allowed(s) and not taken:overlaps(s, e) and not dateline_at(toks, s) then
         taken:add(s, e)
         -- (attrs made with the name the output gives it, its text)
         local name = text:sub(s + 1, e)
         kept[#kept + 1] = { type = "organization", start = s, stop = e, rule = "team_coref",
            attrs = { kind = "team", name = name }, text = name }
      end
   end)
end

-- The initials of a name's capitalised words: "Patriotic Union of
-- Kurdistan" -> "PUK".
local function initials(toks, first, last)
   local out = {}
   for i = first, last do
      local t = toks:text(i)
      if t:match("^%u") then out[#out + 1] = t:sub(1, 1) end
   end
   return table.concat(out)
end

-- Whether acronym acr abbreviates a name with these initials: the same
-- first letter, and its letters in the initials' order.
local function abbreviates(acr, init)
   if acr:sub(1, 1) ~= init:sub(1, 1) then return false end
   local pos = 1
   for ch in acr:gmatch(".") do
      pos = init:find(ch, pos, true)
      if not pos then return #acr <= 4 end      -- short ones may come from another language
      pos = pos + 1
   end
   return true
end

-- (attrs made with the name the output gives it, its text: no key added
-- to them after)
local function add(ctx, kept, taken, typ, s, e, rule)
   taken:add(s, e)
   local text = ctx.text:sub(s + 1, e)
   kept[#kept + 1] = { type = typ, start = s, stop = e, rule = rule, attrs = { name = text }, text = text }
end

-- The organisations and places of kept[1 .. n] by their stop: by_stop[p]
-- = k, the last of them in kept's order whose (non-empty) span ends at
-- byte p (kept's spans do not overlap: one a stop).
local function named_by_stop(kept, n)
   local by_stop = {}
   for k = 1, n do
      local a = kept[k]
      if a.start < a.stop and (a.type == "organization" or a.type == "location") then by_stop[a.stop] = k end
   end
   return by_stop
end

-- The organisation or place of kept whose last token (as tokens:cover
-- gives it) is token t, followed by token t + 1: the last of them in
-- kept's order, or nil; by_stop: named_by_stop's. (A span [s, p) ends on
-- token t when p is past t's start and not past t + 1's, and s is before
-- t's stop: the stops looked up are those bytes, a token and the space
-- after it, so that the candidates of a document read each byte once.)
local function ending_on(toks, kept, by_stop, t)
   if t < 1 then return nil end
   local ts, te = toks:span(t)
   local next_start = toks:span(t + 1)
   local best = 0
   for p = ts + 1, next_start do
      local k = by_stop[p]
      if k and k > best and kept[k].start < te then best = k end
   end
   return best > 0 and kept[best] or nil
end

--- Acronyms a document defines ("Patriotic Union of Kurdistan ( PUK )"),
-- and their later mentions, take the type of the name they abbreviate
-- (resolve phase, after overlaps): added to kept and taken.
function entities.acronyms(ctx, kept, taken, allowed)
   local toks = ctx.tokens
   local defined = {}
   -- (the places and bodies kept before any is added, by their stop:
   -- mapped at the first parenthesis that may define an acronym)
   local n_kept, by_stop = #kept, nil
   -- the tokens alone in parentheses, found in C (most parentheses hold more)
   local inside = names.parenthesised(toks)
   for k = 1, #inside do
      local j = inside[k]
      local acr = toks:text(j)
      if acr:match("^%u[%u&]+$") and #acr <= 6 then
         by_stop = by_stop or named_by_stop(kept, n_kept)
         local a = ending_on(toks, kept, by_stop, j - 2)
         local first = a and toks:cover(a.start, a.stop)
         if a and abbreviates(acr, initials(toks, first, j - 2)) then
            defined[acr] = a.type
            local s, e = toks:span(j)
            if allowed(s) and not taken:overlaps(s, e) then add(ctx, kept, taken, a.type, s, e, "acronym") end
         end
      end
   end
   if next(defined) == nil then return end
   for _, j in ipairs(names.find_texts(toks, defined)) do
      local s, e = toks:span(j)
      if allowed(s) and not taken:overlaps(s, e) then add(ctx, kept, taken, defined[toks:text(j)], s, e, "acronym") end
   end
end

--- Names in a headline or dateline in capitals ("FERGUSON BACK IN
-- SQUAD") that the text names in ordinary case ("Duncan Ferguson"): a
-- person by the surname, an organisation or a place by its whole name
-- (resolve phase, after overlaps): added to kept and taken.
function entities.caps_names(ctx, kept, taken, allowed)
   local toks = ctx.tokens
   -- the words in capitals on a line in capitals only (a headline, a
   -- dateline: few), where a run may start
   local starts = names.caps_words(toks)
   if not starts[1] then return end
   local known = {}
   for i = 1, #kept do
      local a = kept[i]
      if (a.type == "person" or a.type == "organization" or a.type == "location") and a.text:find("%l") then
         known[span_key(toks, a.start, a.stop)] = a.type
         local first, last = toks:cover(a.start, a.stop)
         if a.type == "person" and last and last > first then known[toks:key(last)] = "person" end
      end
   end
   if next(known) == nil then return end
   each_known(toks, known, starts, nil, function(s, e, typ)
      if allowed(s) and not taken:overlaps(s, e) then add(ctx, kept, taken, typ, s, e, "caps_name") end
   end)
end

return entities
