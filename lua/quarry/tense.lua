--- The tense of a date's own clause, by word classes a pack gives: one C
-- pass over the clause's tokens a date, with the word tests done on token
-- key ids (as quarry.wordset's).
--
--   local tense = require "quarry.tense"
--   local model = tense.model {
--      classes = { future = { "will", "shall" }, past = { "was", "said" }, ... },
--      phrases = { { "going", "to" }, { "expected", "to" } },
--      reach = 40, past_suffix = "ed", past_min = 5, future_suffix = "'ll" }
--   model:of(toks, a.start, a.stop)          --> "future" | "past" | "deadline" | nil
--   model:told_past(toks, a.start, a.stop)   --> boolean
--
-- The clause of a date runs from it, both ways, to the nearest punctuation
-- (, ; : brackets, a spaced dash, a quotation mark), word of `break`,
-- `conj` word followed by a verb (a `future` or `past` or `aux` word, one
-- ending in `future_suffix`, or a lower-case one of at least `past_min`
-- bytes ending in `past_suffix` that is not `not_past`), or `speech`
-- verb, at most `reach` tokens each way and within its sentence. A date
-- just after a speech verb, with only `attach` words between ("said
-- Friday", "announced on Monday"), belongs to the speech verb's clause,
-- which ends with the date.
--
-- `model:of` says, in this order:
--
--   - "past" after a `since` word ("since March"), the word before a
--     clock time (`clock` words and numbers) counting as the date's;
--   - for a date that opens its sentence (or follows one `opener` word
--     there), with only `attach` words before it in its clause and a comma
--     after it, the tense of the clause after the comma, its first verb's;
--   - after a `deadline` word ("by", "until"): "past" when that fronted
--     clause is past; the clause's own tense after a `negation` ("not until
--     Tuesday"); "past" with a `perfect` word ("had") before the date up to
--     a punctuation mark, or in the sentence it opens; else "deadline";
--   - "past" before a token whose key is `possessive` (default "'s":
--     "Friday's ruling"), unless after `ahead` `of`;
--   - else the fronted clause's tense, or the tense of the date's clause:
--     "future" for a `future` word, one ending in `future_suffix` or a
--     phrase of `phrases` within the clause (a phrase ending in a `to`
--     word not before an `adjectival` word: "agreed to the deal" is none),
--     else "past" for a past verb (a `past` word, or a word with the past
--     suffix as above not after an `adjectival` word: "the reduced
--     dividend"), else nil.
--
-- `model:told_past` is true when a past verb stands before the date in
-- its sentence (within `reach`), or after it before a punctuation mark.
--
-- Words are compared as token keys (case folded, quotes unified), as
-- quarry.wordset compares them. Available to sandboxed packs.
-- @module quarry.tense
local core = require "quarry.core"

local error, pairs, pcall, type = error, pairs, pcall, type
local core_key_id, core_tense_model = core.key_id, core.tense_model

local tense = {}

local CLASSES = { "future", "break", "past", "not_past", "attach", "deadline", "since", "adjectival", "clock",
   "opener", "speech", "conj", "aux", "perfect", "negation", "of", "ahead", "to" }
local KNOWN = {}
for _, c in ipairs(CLASSES) do KNOWN[c] = true end

local function ids_of(words, what)
   if type(words) ~= "table" then error("tense.model: " .. what .. " must be a list of words", 3) end
   local out = {}
   for i, w in ipairs(words) do
      local ok, id = pcall(core_key_id, w)
      if not ok then error("tense.model: " .. what .. " item " .. i .. ": " .. tostring(id), 3) end
      out[i] = id
   end
   return out
end

--- Makes a clause-tense model.
-- @param def table {classes = {class = {word, ...}}, phrases = {{word,
-- word, ...}} (at most 1024), reach (tokens, default 40, at most 1000),
-- past_suffix (default "ed"), past_min (default 5), future_suffix
-- (default "'ll"), possessive (default "'s")}; the classes are those of
-- the module's description, a missing one empty
-- @return quarry.TenseModel; raises naming the caller's line on an unknown
-- class or a word that is not one token
function tense.model(def)
   if type(def) ~= "table" then error("tense.model: the definition must be a table", 2) end
   local classes, phrases = {}, {}
   for name in pairs(def.classes or {}) do
      if not KNOWN[name] then error("tense.model: unknown class '" .. tostring(name) .. "'", 2) end
   end
   for _, c in ipairs(CLASSES) do classes[c] = ids_of((def.classes or {})[c] or {}, "classes." .. c) end
   local reach = def.reach or 40
   if math.type(reach) ~= "integer" or reach < 0 or reach > 1000 then
      error("tense.model: reach must be an integer from 0 to 1000", 2)
   end
   if #(def.phrases or {}) > 1024 then error("tense.model: more than 1024 phrases", 2) end
   for i, p in ipairs(def.phrases or {}) do
      phrases[i] = ids_of(p, "phrase " .. i)
      if #phrases[i] < 2 then error("tense.model: phrase " .. i .. " must have two words or more", 2) end
   end
   local ok, model = pcall(core_tense_model, classes, phrases, { reach = reach,
      past_suffix = def.past_suffix or "ed", past_min = def.past_min or 5, future_suffix = def.future_suffix or "'ll",
      possessive = def.possessive or "'s" })
   if not ok then error(model, 2) end
   return model
end

--- Methods of a quarry.TenseModel.
-- @type TenseModel

--- The tense of the clause of a span: "future", "past", "deadline" or nil
-- (nil too when the span covers no token).
-- @function TenseModel:of
-- @param tokens quarry.Tokens the document's tokens
-- @param start integer the span's start (0-based byte offset)
-- @param stop integer its end (exclusive)
-- @return string or nil

--- Whether a verb in the past stands before the span in its sentence, or
-- after it before a punctuation mark.
-- @function TenseModel:told_past
-- @param tokens quarry.Tokens the document's tokens
-- @param start integer the span's start (0-based byte offset)
-- @param stop integer its end (exclusive)
-- @return boolean

return tense
