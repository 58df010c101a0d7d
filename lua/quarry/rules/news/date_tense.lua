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

-- FUTURE_PHRASES: the phrases of the future by their first word, each a
-- list of its words ("going to": FUTURE_PHRASES.going = {{"going", "to"}})
local FUTURE, FUTURE_PHRASES = {}, {}
local WORDS = { ["break"] = {}, past = {}, not_past = {}, attach = {}, deadline = {}, since = {}, adjectival = {},
   not_speech = {}, clock = {}, opener = {} }
for _, row in ipairs(read_list("data/date_tense.tsv")) do
   local w, role = row[1], row[2]
   if role == "future" and w:find(" ") then
      local words = {}
      for x in w:gmatch("%S+") do words[#words + 1] = x end
      local same = FUTURE_PHRASES[words[1]] or {}
      same[#same + 1] = words
      FUTURE_PHRASES[words[1]] = same
   elseif role == "future" then
      FUTURE[w] = true
   elseif WORDS[role] then
      WORDS[role][w] = true
   else
      error("data/date_tense.tsv:" .. row.line .. ": unknown role '" .. tostring(role) .. "'")
   end
end
local BREAK, PAST, NOT_PAST, ATTACH, DEADLINE = WORDS["break"], WORDS.past, WORDS.not_past, WORDS.attach,
   WORDS.deadline
local CLOCK, OPENER = WORDS.clock, WORDS.opener
local SINCE, ADJECTIVAL = WORDS.since, WORDS.adjectival

local SPEECH = {}
for _, row in ipairs(read_list("data/speech_verbs.txt")) do
   if not row[1]:find(" ") and not WORDS.not_speech[row[1]] then SPEECH[row[1]] = true end
end

local PUNCT = { [","] = true, [";"] = true, [":"] = true, ["("] = true, [")"] = true, ["["] = true, ["]"] = true }

-- Whether token i ends a clause by its kind: punctuation, a spaced dash,
-- a quotation mark.
local function stop_token(toks, i)
   local kind = toks:kind(i)
   if kind == "punct" then return PUNCT[toks:text(i)] or false end
   if kind == "dash" then return toks:text(i) ~= "-" or toks:get(i, "space_before") end
   return kind == "open_quote" or kind == "close_quote"
end

-- A verb in the past: one of the list, or a lower-case word in -ed that
-- does not follow a determiner or a form of "be" ("the reduced dividend",
-- "is expected" are no past). k: token i's key.
local function past_word(toks, i, k)
   if PAST[k] then return true end
   if not (#k >= 5 and k:sub(-2) == "ed" and toks:get(i, "case") == "lower" and not NOT_PAST[k]) then
      return false
   end
   return not (i > 1 and ADJECTIVAL[toks:key(i - 1)])
end

-- "and" or "or" before a verb opens a clause: "opened on Thanksgiving and
-- will stay open until Christmas".
local function verb_follows(toks, i)
   if i > #toks then return false end
   local k = toks:key(i)
   return FUTURE[k] or k:sub(-3) == "'ll" or PAST[k] or k == "is" or k == "are" or k == "has" or k == "have"
      or (#k >= 5 and k:sub(-2) == "ed" and toks:get(i, "case") == "lower" and not NOT_PAST[k])
end

-- (k: token i's key)
local function breaks(toks, i, k)
   return BREAK[k] or ((k == "and" or k == "or") and verb_follows(toks, i + 1))
end

-- How far a clause is looked for each way, in tokens: a sentence without
-- punctuation must not make the search quadratic.
local REACH = 40

-- The first and last token of the clause of tokens [first, last].
local function clause(toks, first, last, sfirst, slast)
   sfirst, slast = math.max(sfirst, first - REACH), math.min(slast, last + REACH)
   local lo, hi, attached, closed = first, last, true, false
   local i = first - 1
   while i >= sfirst do
      if stop_token(toks, i) then break end
      local k = toks:key(i)
      if breaks(toks, i, k) then break end
      if SPEECH[k] and not closed then
         if not attached then break end
         closed = true                  -- "said Friday": the speech verb's clause ends here
      elseif not ATTACH[k] then
         attached = false
      end
      lo, i = i, i - 1
   end
   if not closed then
      i = last + 1
      while i <= slast do
         if stop_token(toks, i) then break end
         local k = toks:key(i)
         if breaks(toks, i, k) or SPEECH[k] then break end
         hi, i = i, i + 1
      end
   end
   return lo, hi
end

--- Whether a verb in the past tense, a speech verb's too ("reported"),
-- stands before date annotation a in its sentence, or after it before a
-- punctuation mark: a period told of as over ("Ralston reported a
-- decline in fourth-quarter earnings", "profit for the first quarter
-- ended Jan. 31 rose").
function tense.told_past(toks, a)
   local first, last = toks:cover(a.start, a.stop)
   if not first then return false end
   local sfirst, slast = toks:cover(toks:sentence(toks:get(first, "sentence")))
   for i = math.max(sfirst or first, first - REACH), first - 1 do
      if past_word(toks, i, toks:key(i)) then return true end
   end
   for i = last + 1, math.min(slast or last, last + REACH) do
      if stop_token(toks, i) then break end
      if past_word(toks, i, toks:key(i)) then return true end
   end
   return false
end

-- The tense the words of tokens [lo, hi] say, those of the date [first,
-- last] left out: "future", "past" or nil. A marker of the future
-- anywhere makes it future, unless first_verb: then the first marker
-- ("In September, it announced plans to ..." is past).
local NONE = {}
local function words_tense(toks, lo, hi, first, last, first_verb)
   local past = false
   for i = lo, hi do
      if i < first or i > last then
         local k = toks:key(i)
         -- "On Friday, the government planned to pay": the first verb's
         if first_verb and past_word(toks, i, k) then return "past" end
         if FUTURE[k] or k:sub(-3) == "'ll" then return "future" end
         for _, words in ipairs(FUTURE_PHRASES[k] or NONE) do
            local ok = true
            for j = 2, #words do
               local w = words[j]
               if i + j - 1 > hi or toks:key(i + j - 1) ~= w then ok = false; break end
            end
            -- "to" before a determiner is no infinitive: "agreed to the deal",
            -- "due to the strike"
            local n = i + #words
            if ok and words[#words] == "to" and n <= #toks and ADJECTIVAL[toks:key(n)] then ok = false end
            if ok then return "future" end
         end
         if not past and past_word(toks, i, k) then past = true end
      end
   end
   return past and "past" or nil
end

-- The word before a date, past a clock time ("until 9 a.m. EST Tuesday"
-- is a deadline as "until Tuesday" is), and its index.
local function word_before(toks, first)
   local i, clock = first - 1, false
   while i >= 1 and (CLOCK[toks:key(i)] or toks:kind(i) == "number") do
      clock = clock or CLOCK[toks:key(i)] ~= nil
      i = i - 1
   end
   if not clock then i = first - 1 end
   if i < 1 then return nil, 0 end
   return toks:key(i), i
end

-- A date that opens its sentence and a comma closes, prepositions aside
-- ("On Tuesday, the league plans to ..."): the tense of the clause after
-- the comma, or nil when the date is not such.
local function fronted_tense(toks, lo, hi, first, last, slast)
   if hi + 1 > slast or toks:text(hi + 1) ~= "," or hi ~= last then return nil end
   for i = lo, first - 1 do
      if not ATTACH[toks:key(i)] then return nil end
   end
   local j = hi + 2
   while j <= math.min(slast, hi + 1 + REACH) and not stop_token(toks, j) and not breaks(toks, j, toks:key(j)) do
      j = j + 1
   end
   return words_tense(toks, hi + 2, j - 1, first, last, true)
end

--- The tense of the clause of a date annotation a: "future", "past",
-- "deadline" (a date to be met: "by Jan. 14", "until Tuesday",
-- "effective Feb. 1") or nil. toks: the document's tokens.
function tense.of(toks, a)
   local first, last = toks:cover(a.start, a.stop)
   if not first then return nil end
   local s0, e0 = toks:sentence(toks:get(first, "sentence"))
   local sfirst, slast = toks:cover(s0, e0)
   sfirst, slast = sfirst or first, slast or last
   local lo, hi = clause(toks, first, last, sfirst, slast)
   local before, before_i = word_before(toks, first)
   -- "since March" looks back
   if SINCE[before] then return "past" end
   -- "On Tuesday, the league plans to ...", "But by Monday, officials
   -- hardened ...": the clause after the comma
   local opens = lo == sfirst or (lo == sfirst + 1 and OPENER[toks:key(sfirst)])
   local main = opens and fronted_tense(toks, lo, hi, first, last, slast)
   -- a deadline is to be met, unless its clause looks back from it
   -- ("Until Thursday, they had described him as a witness"; "By Monday,
   -- officials hardened their stance")
   if DEADLINE[before] then
      if main == "past" then return "past" end
      -- "it was not until Tuesday that ...": the clause's own tense
      if before_i > 1 and toks:key(before_i - 1) == "not" then return words_tense(toks, lo, hi, first, last) end
      -- a "had" before it up to a punctuation mark ("Reed had wanted
      -- the figures by Monday"), or in the sentence it opens ("Up until
      -- Thursday, however, they had ...")
      local from, to = first, hi
      while from > math.max(sfirst, first - REACH) and not stop_token(toks, from - 1) do from = from - 1 end
      if opens then from, to = sfirst, math.min(slast, last + REACH) end
      for i = from, to do
         if toks:key(i) == "had" then return "past" end
      end
      return "deadline"
   end
   -- "Friday's purchases", "Wednesday's ruling": an event already named
   if last < #toks and toks:key(last + 1) == "'s" and not (before == "of" and first > 2
      and toks:key(first - 2) == "ahead") then
      return "past"
   end
   return main or words_tense(toks, lo, hi, first, last)
end

return tense
