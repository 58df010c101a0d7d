-- Strategy later_in_sentence: a cue later in the quote's sentence, after
-- its closing mark: ‘Progress’ in Talks, Says Voronov / “…”, reported the
-- Harbour Gazette. / “…” fostered by Hadley, according to the groups.
local W = include "quotes/words"
local CUE_KEYS = W.CUE_KEYS
local D = include "quotes/document"
local M = include "quotes/mentions"
local C = include "quotes/clauses"

local OBJECT_CUES = W.OBJECT_CUES
local is_cue = D.Doc.is_cue

-- The speaker of a cue later in the sentence, from token j (after the
-- closing mark): mention, cue token; or nil.
local function later(doc, j)
   local toks, n = doc.toks, doc.n
   if j > n then return nil end
   local s = doc.sents[j - 1]
   -- "…” fostered by Hadley, according to the groups": the source named
   local last = j
   while last + 1 <= n and doc.sents[last + 1] == s and doc.kinds[last + 1] ~= "open_quote" do last = last + 1 end
   local src, a1 = C.according_to(doc, j, last + 1)
   if src then return src, a1 end
   -- (the walk below stays in j .. last)
   if not W.CUE_WORDS:find(toks, j, last) then return nil end
   local t = j
   while t <= n and doc.sents[t] == s do
      if doc.kinds[t] == "open_quote" then return nil end
      if (CUE_KEYS[doc.keys[t]] and is_cue(doc, t)) then
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
      end
      t = t + 1
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
