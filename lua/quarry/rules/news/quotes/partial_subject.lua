-- Strategy partial_subject: words woven into a sentence are most often
-- its subject's: "Hadley is promising cheaper buses and “homes, homes, homes”",
-- "In one of her columns, Amsel criticized … “…”". Only for a quote
-- that does not open its sentence with a capital (a partial quote).
local W = include "quotes/words"
local D = include "quotes/document"
local case_at = D.case
local M = include "quotes/mentions"
local C = include "quotes/clauses"

local PREPOSITIONS, PRONOUNS = W.PREPOSITIONS, W.PRONOUNS

-- whether the quote at q.open (in sentence s0) is woven into its sentence
local function partial(doc, q, s0)
   local o = q.open
   local first = o + 1
   if first > doc.n then return false end
   -- (a quote that opens in lower case is woven in wherever it stands)
   if case_at(doc, first) == "lower" then return true end
   return not (o == 1 or doc.keys[o - 1] == ":" or doc.sents[o - 1] ~= s0)
end

-- the subject that opens the sentence ("But Hadley", "On Monday, she"),
-- before the quote at o (floor: the sentence's first token); what follows
-- a preposition is where or how ("In a city hall statement, Mayor Dunne")
local function opening_subject(doc, o, floor)
   -- ("As Hadley spoke, the growers' lobby…": a subordinate clause first)
   if W.SUBORDINATORS[doc.keys[floor]] then return nil end
   local at, keys, dets = doc.at, doc.keys, W.DETS
   local hi = floor + 4
   if hi > o - 1 then hi = o - 1 end
   for t = floor, hi do
      -- (a mention starts on a name, a pronoun or a determiner: no call
      -- for the other words)
      local k = keys[t]
      local m = (at[t] or PRONOUNS[k] or dets[k]) and M.at(doc, t) or nil
      if m and not (t > 1 and PREPOSITIONS[doc.keys[t - 1]]) then
         if m.kind == "location" or m.kind == "pronoun" and PRONOUNS[m.pron] == "n" then return nil end
         return m
      end
      if doc.kinds[t] == "open_quote" then return nil end
   end
   return nil
end

return {
   name = "partial_subject",
   about = "the sentence's subject for words woven into it: Hadley is promising “homes, homes, homes”",
   find = function(q, doc)
      local o = q.open
      local s0 = q.sent or doc.sents[o]
      if not partial(doc, q, s0) then return nil end
      local floor = doc.starts[s0]   -- (D.Doc.sentence_start's)
      local m = C.subordinate_subject(doc, o, floor) or opening_subject(doc, o, floor)
      if m then return m end
      m = C.clause_subject(doc, o, floor)
      if m and m.kind ~= "location" then return m end
      return nil
   end,
}
