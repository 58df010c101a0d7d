-- The tense of a date's own clause, for the news pack's dates: "future"
-- when the clause is about what is to come ("will vote on Thursday"),
-- "past" when its verb is in the past ("was arrested on Sept. 12"), nil
-- when it does not say.
--
-- The clause of a date runs from it, both ways, to the nearest
-- punctuation (, ; : brackets, dashes, quotation marks), conjunction or
-- relative pronoun (data/date_tense.tsv, "break"), or speech verb
-- (data/speech_verbs.txt). A date just after a speech verb, with only
-- prepositions between ("said Friday", "announced on Monday"), belongs
-- to the speech verb's clause, which ends with the date: in "The mayor
-- said Friday the bridge will reopen", Friday is past.

local tense = {}

local clause_tense = require "quarry.tense"

-- The words of each class of quarry.tense, from the data files; phrases
-- of the future ("going to") as lists of their words.
local CLASSES = { future = {}, ["break"] = {}, past = {}, not_past = {}, attach = {}, deadline = {}, since = {},
   adjectival = {}, clock = {}, opener = {}, speech = {},
   -- the clause's own small words: "and"/"or" before a verb open a clause;
   -- "had" makes a deadline past; "not until", "Friday's", "ahead of"
   conj = { "and", "or" }, aux = { "is", "are", "has", "have" }, perfect = { "had" }, negation = { "not" },
   of = { "of" }, ahead = { "ahead" }, to = { "to" } }
-- the roles of data/date_tense.tsv besides future and not_speech
local ROLES = { ["break"] = true, past = true, not_past = true, attach = true, deadline = true, since = true,
   adjectival = true, clock = true, opener = true }
local PHRASES, NOT_SPEECH = {}, {}
for _, row in ipairs(read_list("data/date_tense.tsv")) do
   local w, role = row[1], row[2]
   if role == "future" and w:find(" ") then
      local words = {}
      for x in w:gmatch("%S+") do words[#words + 1] = x end
      PHRASES[#PHRASES + 1] = words
   elseif role == "not_speech" then
      NOT_SPEECH[w] = true
   elseif role == "future" or ROLES[role] then
      table.insert(CLASSES[role], w)
   else
      error("data/date_tense.tsv:" .. row.line .. ": unknown role '" .. tostring(role) .. "'")
   end
end
for _, row in ipairs(read_list("data/speech_verbs.txt")) do
   if not row[1]:find(" ") and not NOT_SPEECH[row[1]] then table.insert(CLASSES.speech, row[1]) end
end

-- How far a clause is looked for each way, in tokens: a sentence without
-- punctuation must not make the search quadratic.
local MODEL = clause_tense.model { classes = CLASSES, phrases = PHRASES, reach = 40, past_suffix = "ed",
   past_min = 5, future_suffix = "'ll", possessive = "'s" }

--- Whether a verb in the past tense, a speech verb's too ("reported"),
-- stands before date annotation a in its sentence, or after it before a
-- punctuation mark: a period told of as over ("Ralston reported a
-- decline in fourth-quarter earnings", "profit for the first quarter
-- ended Jan. 31 rose").
function tense.told_past(toks, a)
   return MODEL:told_past(toks, a.start, a.stop)
end

--- The tense of the clause of a date annotation a: "future", "past",
-- "deadline" (a date to be met: "by Jan. 14", "until Tuesday",
-- "effective Feb. 1") or nil. toks: the document's tokens. The rules
-- are quarry.tense's: a past verb ("was", a lower-case word of five
-- letters or more in -ed not after a determiner or a form of "be"), a
-- marker of the future ("will", "expected to", a word in 'll), "since",
-- a deadline's word ("by", "until") unless a "had" makes it past, a
-- date that opens its sentence takes the tense of the clause after its
-- comma ("On Tuesday, the league plans to ...").
function tense.of(toks, a)
   return MODEL:of(toks, a.start, a.stop)
end

return tense
