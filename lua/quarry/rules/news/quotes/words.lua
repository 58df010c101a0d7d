-- The word lists of quote attribution, shared by its modules (read only),
-- from data/quote_words.tsv and data/pronouns.txt.
local wordset = require "quarry.wordset"
local phrases = require "quarry.phrases"

local words = {}

-- The lists of data/quote_words.tsv, by role: a set each (SKIP_AFTER_CUE
-- holds false for a word that is listed but not skipped).
local ROLES = {
   double_mark = "DOUBLE", skip = "SKIP_AFTER_CUE", desc_head = "DESC_HEADS", outlet_head = "OUTLET_HEADS",
   org_head = "ORG_HEADS", unnamed = "UNNAMED", determiner = "DETS", noun_lead = "NOUN_LEADS",
   clause_join = "CLAUSE_JOINS", not_noun = "NOT_NOUNS", subordinator = "SUBORDINATORS",
   speech_noun = "SPEECH_NOUNS", passive_aux = "PASSIVE_AUX", not_label = "NOT_LABELS", object_cue = "OBJECT_CUES",
   issued = "ISSUED", relative = "RELATIVES", quoting = "QUOTING", title_small = "SMALL",
   preposition = "PREPOSITIONS", clause_end = "CLAUSE_END", outlet_kind = "OUTLET_KINDS",
   attributive = "ATTRIBUTIVE", not_name = "MORE_NOT_NAMES",
}
for _, name in pairs(ROLES) do words[name] = {} end
for _, row in ipairs(read_list("data/quote_words.tsv")) do
   local name = ROLES[row[2]]
   if not name or not row[1] or row[1] == "" then
      error("data/quote_words.tsv:" .. row.line .. ": expected a word and one of its roles, got '"
         .. tostring(row[2]) .. "'")
   end
   words[name][row[1]] = row[3] ~= "listed"
end

--- A word set of the words of list (strings without spaces) that are one
-- token each (a word of several tokens is no token's key), for a C scan
-- that finds whether a stretch of tokens holds one: words.word_set(list).
-- (and the list of those words: -> set, list)
local function one_token_words(list)
   local ok, set = pcall(wordset.new, list)
   if ok then return set, list end
   local one = {}
   for _, v in ipairs(list) do
      if pcall(wordset.new, { v }) then one[#one + 1] = v end
   end
   return wordset.new(one), one
end

words.word_set = one_token_words

-- Pronouns (data/pronouns.txt): PRONOUNS, the mentions of a speaker (the
-- subject forms, the object forms of the third person) with their gender
-- (m, f, n; p: plural, s: singular of either); POSSESSIVE_PRONOUNS, a
-- possessive's subject form ("his": "he").
local PRONOUNS, POSSESSIVE_PRONOUNS = {}, {}
for _, row in ipairs(read_list("data/pronouns.txt")) do
   local word, gender, number, person, forms, base = row[1]:lower(), row[2], row[3], row[4], row[5] or "", row[6]
   if forms:find("subject") or (forms:find("object") and person == "3") then
      PRONOUNS[word] = (gender == "u") and (number == "pl" and "p" or "s") or gender
   end
   if forms:find("possessive") then POSSESSIVE_PRONOUNS[word] = (base or word):lower() end
end
words.PRONOUNS, words.POSSESSIVE_PRONOUNS = PRONOUNS, POSSESSIVE_PRONOUNS
do
   local list = {}
   for w in pairs(POSSESSIVE_PRONOUNS) do list[#list + 1] = w end
   table.sort(list)
   words.POSSESSIVE_WORDS = one_token_words(list)
end

-- The kind of speaker a description's head names (data/speaker_types.tsv):
-- SPEAKER_TYPES[word] = "person" | "group" | "organization" | "document";
-- each word heads a description that can speak (DESC_HEADS).
-- ALONE[word] = the type of a word that speaks by itself ("said another").
local SPEAKER_TYPES, ALONE = {}, {}
local TYPE_NAMES = { person = true, group = true, organization = true, document = true }
for _, row in ipairs(read_list("data/speaker_types.tsv")) do
   if not (row[1] and TYPE_NAMES[row[2]] and (row[3] == nil or row[3] == "alone")) then
      error("data/speaker_types.tsv:" .. row.line .. ": expected a word, a type (person, group, "
         .. "organization, document) and maybe 'alone', got '" .. tostring(row[2]) .. "'")
   end
   if row[3] == "alone" then
      ALONE[row[1]] = row[2]
   else
      SPEAKER_TYPES[row[1]] = row[2]
      words.DESC_HEADS[row[1]] = true
   end
end
words.SPEAKER_TYPES, words.ALONE = SPEAKER_TYPES, ALONE

-- data/speaker_words.tsv: MANNER, REPORTING, PUT, SHARES, AS_CUES, FINDING (sets).
local MORE = { manner = "MANNER", reporting = "REPORTING", put = "PUT", share = "SHARES", as_cue = "AS_CUES",
   finding = "FINDING" }
for _, name in pairs(MORE) do words[name] = {} end
for _, row in ipairs(read_list("data/speaker_words.tsv")) do
   local name = MORE[row[2]]
   if not (name and row[1]) then
      error("data/speaker_words.tsv:" .. row.line
         .. ": expected a word and a role (manner, reporting, put, as_cue, share, finding), got '"
         .. tostring(row[2]) .. "'")
   end
   words[name][row[1]] = true
end

-- set by words.setup from the pack's other data; VERB_HEADS: the speech
-- verbs of several words cut before each of their spaces ("went on":
-- "went"), so that a phrasal verb is looked up only from a word that opens one
local VERBS, NOT_NAMES, VERB_HEADS, CUE_KEYS = {}, {}, {}, {}

-- The words of table t whose value is true (any listed with all), added to list.
local function keys_of(list, t, all)
   for w, v in pairs(t) do
      if v or all then list[#list + 1] = w end
   end
   return list
end

-- The scan of a description after its determiner (mentions.lua's
-- description_from), in C: up to six tokens, words, numbers, dashes or a
-- possessive "'s"; no pronoun, no word that is no noun, no adverb a cue
-- skips (a clause, not a noun phrase: "that he is to blame for longer
-- queues"); its head a role or outlet noun, and the nouns right after it
-- ("the ministry spokesman": the longest description); no speech verb
-- before the head.
local function description_scan()
   local stops = keys_of(keys_of({}, words.PRONOUNS), words.NOT_NOUNS)
   keys_of(stops, words.SKIP_AFTER_CUE, true)   -- (listed, skipped or not)
   return phrases.new { stops = stops, heads = keys_of({}, words.DESC_HEADS), breaks = keys_of({}, VERBS),
      joins = { "'s", "\u{2019}s" }, reach = 6 }
end

--- words.setup(entities): the speech verbs and the words that are no
-- names, from the entities module's data; and the scans built on them.
function words.setup(E)
   for _, v in ipairs(E.speech_verbs) do VERBS[v:lower()] = true end
   for _, w in ipairs(E.not_names) do NOT_NAMES[w] = true end
   for w in pairs(words.MORE_NOT_NAMES) do NOT_NAMES[w] = true end
   -- verbs that attribute words without being speech: X called Y a “…”
   for v in pairs(words.ATTRIBUTIVE) do VERBS[v] = true end
   for v in pairs(VERBS) do E.add_prefixes(VERB_HEADS, v) end
   -- the words a cue of speech (document.lua's is_cue) can stand on, as a
   -- word set: a stretch of tokens without one holds no cue
   local list = {}
   for _, set in ipairs { VERBS, VERB_HEADS } do
      for v, yes in pairs(set) do
         if yes == true and not v:find("%s") then list[#list + 1] = v end
      end
   end
   table.sort(list)
   local scan
   words.CUE_WORDS, scan = one_token_words(list)
   -- and as a table of keys: a quick test before document.lua's is_cue
   -- (a token whose key is none of them is no cue)
   for _, v in ipairs(list) do CUE_KEYS[v] = true end
   -- document.lua's is_cue in C, for the scans of clauses.lua: the tokens
   -- of CUE_WORDS tested, as a walk over those the set finds
   words.CUES = phrases.cues { verbs = keys_of({}, VERBS), heads = keys_of({}, VERB_HEADS),
      noun_leads = keys_of({}, words.NOUN_LEADS), scan = scan }
   -- and those with the nouns of saying ("her promise to be 'neutral'")
   local nouns = {}
   for w, yes in pairs(words.SPEECH_NOUNS) do
      if yes and not w:find("%s") then
         nouns[#nouns + 1] = w
         if not VERBS[w] and not VERB_HEADS[w] then list[#list + 1] = w end
      end
   end
   table.sort(list)
   table.sort(nouns)
   words.CUE_OR_NOUN_WORDS = one_token_words(list)
   words.SPEECH_NOUN_WORDS = one_token_words(nouns)
   words.DESCRIPTIONS = description_scan()
end

words.VERBS, words.VERB_HEADS, words.CUE_KEYS = VERBS, VERB_HEADS, CUE_KEYS
words.NOT_NAMES = NOT_NAMES
return words
