-- Strategy partial_subject: words woven into a sentence are most often
-- its subject's: "Hadley is promising cheaper buses and “homes, homes, homes”",
-- "In one of her columns, Amsel criticized … “…”". Only for a quote
-- that does not open its sentence with a capital (a partial quote).
local W = include "quotes/words"
local D = include "quotes/document"
local key = D.key
local M = include "quotes/mentions"
local C = include "quotes/clauses"

local PREPOSITIONS, PRONOUNS = W.PREPOSITIONS, W.PRONOUNS
local sent = D.Doc.sent

-- whether the quote at q.open is woven into its sentence
local function partial(doc, q)
   local toks = doc.toks
   local first = q.open + 1
   if first > doc.n then return false end
   local starts = q.open == 1 or sent(doc, q.open - 1) ~= sent(doc, q.open) or key(doc, q.open - 1) == ":"
   return not (starts and toks:get(first, "case") ~= "lower")
end

-- the subject that opens the sentence ("But Hadley", "On Monday, she"),
-- before the quote at o; what follows a preposition is where or how ("In
-- a city hall statement, Mayor Dunne")
local function opening_subject(doc, o)
   local toks = doc.toks
   local floor = D.Doc.sentence_start(doc, o)
   -- ("As Hadley spoke, the growers' lobby…": a subordinate clause first)
   if W.SUBORDINATORS[key(doc, floor)] then return nil end
   for t = floor, math.min(o - 1, floor + 4) do
      local m = M.at(doc, t)
      if m and not (t > 1 and PREPOSITIONS[key(doc, t - 1)]) then
         if m.kind == "location" or m.kind == "pronoun" and PRONOUNS[m.pron] == "n" then return nil end
         return m
      end
      if toks:kind(t) == "open_quote" then return nil end
   end
   return nil
end

-- Whether mention m can say words: a person, an organisation, a name, a
-- personal pronoun, a description whose head names a speaker (a noun
-- phrase: "as a delegate and in a statement" is none).
local function can_say(m)
   if m.kind == "pronoun" then return PRONOUNS[m.pron] ~= "n" end
   if m.kind == "desc" then
      for _, w in ipairs(m.words) do
         if PREPOSITIONS[w] or W.CLAUSE_JOINS[w] then return false end
      end
      return W.SPEAKER_TYPES[m.head] ~= nil
   end
   return m.kind == "person" or m.kind == "organization" or m.kind == "name"
end

-- "Vale backed the deal, although she has “serious concerns”", "Reed
-- sat down as the mayor kept talking about “…”": the subject of the
-- subordinate clause that holds the quote at o, right after the
-- nearest subordinator before it (no comma between), before a verb; or nil.
local function subordinate_subject(doc, o)
   local toks = doc.toks
   for t = o - 1, D.Doc.sentence_start(doc, o), -1 do
      local k = key(doc, t)
      -- ("As Reed spoke, the union was “…”": the clause ended at the comma)
      if toks:kind(t) == "open_quote" or toks:kind(t) == "close_quote" or k == ";" or k == "," then return nil end
      if W.SUBORDINATORS[k] then
         local m = M.at(doc, t + 1)
         if not (m and can_say(m)) then return nil end
         local v = m.last + 1
         local kv = key(doc, v)
         if v < o and toks:kind(v) == "word" and toks:get(v, "case") == "lower" and not W.DETS[kv]
            and not PREPOSITIONS[kv] and not W.CLAUSE_JOINS[kv] then
            return m
         end
         return nil
      end
   end
   return nil
end

return {
   name = "partial_subject",
   about = "the sentence's subject for words woven into it: Hadley is promising “homes, homes, homes”",
   find = function(q, doc)
      if not partial(doc, q) then return nil end
      local m = subordinate_subject(doc, q.open) or opening_subject(doc, q.open)
      if m then return m end
      m = C.clause_subject(doc, q.open, D.Doc.sentence_start(doc, q.open))
      if m and m.kind ~= "location" then return m end
      return nil
   end,
}
