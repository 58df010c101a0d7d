-- Strategy later_in_sentence: a cue later in the quote's sentence, after
-- its closing mark: ‘Progress’ in Talks, Says Voronov / “…”, reported the
-- Harbour Gazette. / “…” fostered by Hadley, according to the groups.
local W = include "quotes/words"
local M = include "quotes/mentions"
local C = include "quotes/clauses"

local OBJECT_CUES = W.OBJECT_CUES

-- The speaker of a cue later in the sentence, from token j (after the
-- closing mark): mention, cue token; or nil.
local function later(doc, j)
   local n = doc.n
   if j > n then return nil end
   -- "…” fostered by Hadley, according to the groups": the source named,
   -- up to the sentence's end or the next opening mark (e: the last token
   -- of the sentence of token j - 1, C.sentence_last's, read here from
   -- the first of the next sentence when there is one)
   local f = doc.starts[doc.sents[j - 1] + 1]
   local e = f and f - 1 or C.sentence_last(doc, j - 1)
   local last = j
   if j <= e then
      local open = j < e and C.next_open_quote(doc, j + 1, e)
      last = open and open - 1 or e
   end
   local src, a1 = C.according_to(doc, j, last + 1)
   if src then return src, a1 end
   -- (the walk from j to the sentence's end, which stops at an opening
   -- mark, visits only the cues: tokens j .. last, found by a C scan)
   -- (token j is in that sentence when it is not past its last token)
   if j > e or doc.kinds[j] == "open_quote" then return nil end
   local cues, toks, in_name = W.CUES, doc.toks, doc.in_name
   local t = cues:next(toks, j, last, in_name)
   while t do
      -- "…”, reported the Harbour Gazette.": the inverted subject
      if t > j and doc.keys[t - 1] == "," and not OBJECT_CUES[doc.keys[t]] then
         local after = M.after_cue(doc, t + 1)
         if after and after.kind ~= "pronoun" and C.ends_clause(doc, after.last) then return after, t end
      end
      -- "…,” though she noted she has…": the subject before the cue first
      local m = C.subject_before(doc, t, j)
      if m then return m, t end
      m = M.at(doc, t + 1)
      if m then return m, t end
      t = t < last and cues:next(toks, t + 1, last, in_name) or nil
   end
   return nil
end

return {
   name = "later_in_sentence",
   about = "a cue later in the quote's sentence: ‘Progress’ in Talks, Says Voronov",
   find = function(q, doc)
      if q.close then return later(doc, q.close + 1) end
      return nil
   end,
}
