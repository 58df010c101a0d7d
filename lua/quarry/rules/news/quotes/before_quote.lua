-- Strategy before_quote: the speaker of a cue before the quote in its
-- sentence: Lavrov said a “…” / Lavrov went on to stress: “…” / Rubio was
-- asked by moderator Gerard Baker whether “…” (a passive cue's agent
-- speaks). The outermost attribution holds the quote: "Trump said Clinton
-- called it “…”" is Trump's; "…, and Clinton called it “…”" opens a
-- clause of its own. A cue inside another quote is someone else's words.
local W = include "quotes/words"
local D = include "quotes/document"
local key = D.key
local M = include "quotes/mentions"
local C = include "quotes/clauses"

local PASSIVE_AUX, CLAUSE_JOINS, RELATIVES = W.PASSIVE_AUX, W.CLAUSE_JOINS, W.RELATIVES
local is_cue = D.Doc.is_cue

local before_quote = {
   name = "before_quote",
   about = "the speaker of a cue before the quote in its sentence: Lavrov said a “…”",
}

-- Who speaks for the cue at c, before the quote at o (found: what a cue
-- nearer the quote found, or nil): the agent of a passive cue, the cue's
-- subject, or for the nearest cue the speaker after it ("said Lavrov:
-- …"; "said it was" is what was said).
local function cue_speaker(doc, c, o, floor, found)
   local agent = key(doc, c + 1) == "by" and c + 2 < o and c > 1 and PASSIVE_AUX[key(doc, c - 1)]
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
   local toks = doc.toks
   local before = m.first - 1
   return before < floor or CLAUSE_JOINS[key(doc, before)] or key(doc, before) == ","
      or RELATIVES[key(doc, before)] or toks:kind(before) == "close_quote" or toks:kind(before) == "open_quote"
end

--- The speaker of the outermost cue before token o in its sentence:
-- mention, cue token; or nil.
function before_quote.attribute(doc, o)
   local toks = doc.toks
   local floor = D.Doc.sentence_start(doc, o)
   local found, cue
   local inside = false
   for c = o - 1, floor, -1 do
      local kind = toks:kind(c)
      if kind == "close_quote" then inside = true elseif kind == "open_quote" then inside = false end
      if not inside and is_cue(doc, c) and (not found or c < found.first) then
         local m = cue_speaker(doc, c, o, floor, found)
         if m then
            found, cue = m, c
            if opens_clause(doc, m, floor) then break end
         end
      end
   end
   if found then return found, cue end
   return nil
end

function before_quote.find(q, doc)
   return before_quote.attribute(doc, q.open)
end

return before_quote
