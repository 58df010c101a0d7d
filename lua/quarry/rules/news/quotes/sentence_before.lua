-- Strategy sentence_before: "Lynch said she had doubts. “This is what
-- people have to see.”": a quote with no attribution of its own belongs
-- to the speaker of the sentence before (or the one before that), in its
-- paragraph or the previous one. Weak: a title or a scare quote it
-- attributes is still dropped. A quote left open takes the speaker of
-- where it goes on instead (the driver's last step).
local W = include "quotes/words"
local wordset = require "quarry.wordset"
local D = include "quotes/document"
local C = include "quotes/clauses"
local para_at = D.para

-- the commas, found by a word set's C scan
local COMMAS = wordset.new { "," }

-- The cue and its subject that attribute the sentence from floor to
-- last, not inside another quote (a cue there is someone's words, not
-- ours): the outermost attribution, which is a cue that ends the sentence
-- after its last comma ("The board may wait while the mayor talks, Vale
-- said.") or else the first ("Vale said the mayor had stated her case."
-- is Vale's). Only the words a cue stands on and the commas are visited
-- (C scans), each asked whether it stands inside quotation marks as a
-- walk from floor sees them (C.inside_from): no walk over the sentence.
local function cue_subject(doc, last)
   local toks = doc.toks
   local floor = D.Doc.sentence_start(doc, last)
   local scan, in_name = W.CUES, doc.in_name
   local c = floor <= last and scan:next(toks, floor, last, in_name) or nil
   if not c then return nil end
   local cues, inside_from = {}, C.inside_from
   while c do
      if not inside_from(doc, floor, c) then cues[#cues + 1] = c end
      c = c < last and scan:next(toks, c + 1, last, in_name) or nil
   end
   -- the last cue after the sentence's last comma outside quotes, if a
   -- cue follows that comma
   local final = cues[#cues]
   if final then
      local comma = COMMAS:find(toks, last, floor)
      while comma and inside_from(doc, floor, comma) do
         comma = comma > floor and COMMAS:find(toks, comma - 1, floor) or nil
      end
      if not (comma and comma < final) then final = nil end
   end
   if final and C.ends_clause(doc, final) then table.insert(cues, 1, final) end
   for _, cue in ipairs(cues) do
      local m = C.subject_before(doc, cue, floor)
      if m and m.kind ~= "location" then return m, cue end
   end
   return nil
end

return {
   name = "sentence_before",
   about = "the speaker of the sentence before: Lynch said she had doubts. “This is…”",
   weak = true,
   find = function(q, doc)
      if not q.close then return nil end
      local toks, o, sents, starts = doc.toks, q.open, doc.sents, doc.starts
      local s0 = sents[o]
      local p = para_at(doc, o)
      local t = o - 1
      for _ = 1, 2 do
         -- (over the rest of sentence s0 at once: the numbers never
         -- decrease from a token to the next, and starts[s0] is its first)
         if t >= 1 and sents[t] == s0 then t = starts[s0] - 1 end
         if t < 1 or para_at(doc, t) < p - 1 then return nil end
         s0 = sents[t]
         -- (a sentence in the page's clutter speaks for no one: "Article continued below")
         local m, c
         if doc.allowed(toks:span(t)) then m, c = cue_subject(doc, t) end
         if m then return m, c end
      end
      return nil
   end,
}
