-- Strategy before_quote: the speaker of a cue before the quote in its
-- sentence: Voronov said a “…” / Voronov went on to stress: “…” / Ostrow was
-- asked by moderator Dana Pell whether “…” (a passive cue's agent
-- speaks). The outermost attribution holds the quote: "Hadley said Morrow
-- called it “…”" is Hadley's; "…, and Morrow called it “…”" opens a
-- clause of its own. A cue inside another quote is someone else's words.
local W = include "quotes/words"
local M = include "quotes/mentions"
local C = include "quotes/clauses"

local PASSIVE_AUX, CLAUSE_JOINS, RELATIVES, SUBORDINATORS, PREPOSITIONS = W.PASSIVE_AUX, W.CLAUSE_JOINS,
   W.RELATIVES, W.SUBORDINATORS, W.PREPOSITIONS

local cue_back = C.cue_back

local before_quote = {
   name = "before_quote",
   about = "the speaker of a cue before the quote in its sentence: Voronov said a “…”",
}

-- Who speaks for the cue at c, before the quote at o (found: what a cue
-- nearer the quote found, or nil): the agent of a passive cue, the cue's
-- subject, or for the nearest cue the speaker after it ("said Voronov:
-- …"; "said it was" is what was said).
local function cue_speaker(doc, c, o, floor, found)
   local keys = doc.keys
   -- "In calling the mayor's plan “not workable,” the council …": a
   -- participle opening the sentence speaks for the main clause's subject
   -- (the opening tested first: no string made for a cue further in)
   if c - 1 <= floor then
      local k0 = keys[floor]
      if keys[c]:sub(-3) == "ing" and (c == floor or c - 1 == floor and (SUBORDINATORS[k0] or PREPOSITIONS[k0])) then
         local m = C.main_subject_after(doc, c)
         if m then return m end
      end
   end
   local agent = keys[c + 1] == "by" and c + 2 < o and c > 1 and PASSIVE_AUX[keys[c - 1]]
      and M.after_cue(doc, c + 2)
   local m
   if agent and agent.last < o and agent.kind ~= "pronoun" then
      m = agent
   else
      m = C.subject_before(doc, c, floor)
   end
   if not m and not found then
      m = M.after_cue(doc, c + 1)
      if m and (m.last >= o or m.kind == "pronoun") then m = nil end
   end
   if m and found and m.kind == "location" then m = nil end
   return m
end

-- after a comma or a quote, the subject opens the main clause ("When I
-- emailed him, he replied, “…”"): no outer attribution to look for
local function opens_clause(doc, m, floor)
   local before = m.first - 1
   if before < floor then return true end
   local k, kind = doc.keys[before], doc.kinds[before]
   return CLAUSE_JOINS[k] or k == "," or RELATIVES[k] or kind == "close_quote" or kind == "open_quote"
end

-- "As Hadley spoke, the growers' lobby was pressing lawmakers against “…”":
-- the comma that closes a subordinate clause opening the sentence, if
-- one does before token o; or nil.
local function opening_clause_end(doc, floor, o)
   local keys = doc.keys
   local k = keys[floor]
   if k == "but" or k == "and" then floor, k = floor + 1, keys[floor + 1] end
   if not SUBORDINATORS[k] then return nil end
   local inside, kinds = false, doc.kinds
   for t = floor + 1, o - 1 do
      local kind = kinds[t]
      if kind == "open_quote" then inside = true elseif kind == "close_quote" then inside = false
      elseif not inside and keys[t] == "," then return t end
   end
   return nil
end

--- The speaker of the outermost cue before token o in its sentence:
-- mention, cue token; or nil. A cue in a subordinate clause that opens
-- the sentence and ends before the quote speaks for that clause only.
-- s0: o's sentence (doc.sents[o]), when the caller has it (q.sent).
function before_quote.attribute(doc, o, s0)
   local floor = doc.starts[s0 or doc.sents[o]]
   -- (the cues outside quotes from the quote back, found by a C scan of
   -- the words a cue stands on: none, nothing to walk)
   local c = floor <= o - 1 and cue_back(doc, o - 1, floor, o - 1)
   if not c then return nil end
   local found, cue
   local sub_end = opening_clause_end(doc, floor, o)
   local lo = sub_end or floor
   while c and c >= lo do
      local m = cue_speaker(doc, c, o, floor, found)
      if m then
         found, cue = m, c
         if opens_clause(doc, m, floor) then break end
      end
      -- (a cue nearer the quote than its speaker's first token is passed)
      local below = c - 1
      if found and found.first < c then below = found.first - 1 end
      c = below >= lo and cue_back(doc, below, lo, o - 1) or nil
   end
   if found then return found, cue end
   return nil
end

function before_quote.find(q, doc)
   return before_quote.attribute(doc, q.open, q.sent)
end

return before_quote
