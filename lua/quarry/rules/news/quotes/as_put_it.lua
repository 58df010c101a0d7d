-- Strategy as_put_it: "as X put it" (or "as X said", "as X wrote") in the
-- quote's sentence, before or after it: The plan, as Ann Vale put it, is
-- ‘a disaster for renters’ / “…,” as a leaked memo put it. The words are
-- X's, whatever verb the sentence's clause has.
local W = include "quotes/words"
local wordset = require "quarry.wordset"
local D = include "quotes/document"
local case_at = D.case
local M = include "quotes/mentions"
local C = include "quotes/clauses"

local PUT, AS_CUES, SKIP_AFTER_CUE, DESC_HEADS = W.PUT, W.AS_CUES, W.SKIP_AFTER_CUE, W.DESC_HEADS
local is_cue = C.is_cue

-- "as", found by its key in C: a sentence without one is not walked
local AS = wordset.new { "as" }

local as_put_it = {
   name = "as_put_it",
   about = "as X put it, in the quote's sentence: The plan, as Ann Vale put it, is “…”",
}

-- "as" at token t, a mention and a verb of putting it ("as Vale put
-- it") or a verb of saying (data/speaker_words.tsv, as_cue) whose clause
-- ends at a comma or the sentence's end ("As Irene Castell said last week
-- in Lyon, “…”"; "As Reed spoke, …" is a time): the mention, the verb's
-- first and last tokens; or nil.
local function as_clause(doc, t)
   local n = doc.n
   -- "as described by Police Chief Martin Oduya"
   if t + 3 <= n and is_cue(doc, t + 1) and doc.keys[t + 2] == "by" then
      local agent = M.after_cue(doc, t + 3)
      if agent and agent.kind ~= "location" then return agent, t + 1 end
   end
   local m = M.after_cue(doc, t + 1)
   if not m or m.kind == "location" or m.last + 1 > n then return nil end
   local v = m.last + 1
   -- "as the Treasury memo put it": a name that premodifies a noun
   if m.ann and DESC_HEADS[doc.keys[v]] and case_at(doc, v) == "lower" then
      m = { kind = "desc", first = m.first, last = v, words = { doc.keys[v] }, head = doc.keys[v], owner = m.ann }
      v = v + 1
   end
   while v < n and SKIP_AFTER_CUE[doc.keys[v]] do v = v + 1 end
   if PUT[doc.keys[v]] and v < n and doc.keys[v + 1] == "it" then return m, v, v + 1 end
   if not AS_CUES[doc.keys[v]] then return nil end
   for u = v + 1, math.min(n, v + 8) do
      local k = doc.keys[u]
      if k == "," or k == "." or k == ";" or doc.kinds[u] == "close_quote" then return m, v end
      if doc.kinds[u] == "open_quote" or is_cue(doc, u) then return nil end
   end
   return nil
end

--- "as X put it" in the sentence of the quote q, outside the quote and
-- any other: mention, cue tokens; or nil.
function as_put_it.attribute(doc, q)
   local o, n, toks = q.open, doc.n, doc.toks
   local s0 = q.sent or doc.sents[o]
   local starts = doc.starts
   local floor = starts[s0]
   -- (the sentence's last token: the one before the next sentence's first,
   -- or, a number left out, found by halves; the walk stops before the
   -- document's last token. Each "as" there found by one C scan: a
   -- sentence without one is not walked)
   local last = starts[s0 + 1]
   if last then last = last - 1 else last = C.sentence_last(doc, o) end
   if last > n - 1 then last = n - 1 end
   local t = floor <= last and AS:find(toks, floor, last) or nil
   -- (another cue between the quote and "as" attributes it: "“…,” Okoye
   -- said, as the crowd cheered": the first cue outside quotes after the
   -- quote, looked for once, false for none; only once an "as" clause
   -- after the quote is found, which few are)
   local other = nil
   while t do
      if not C.inside_from(doc, floor, t) then
         local m, c, c2 = as_clause(doc, t)
         if m and t > o and other == nil then
            other = D.Doc.cue_later(doc, o + 1, s0, doc.kinds[o] == "open_quote") or false
         end
         if m and not (t > o and other and other < t) then return m, c, c2 end
      end
      t = t < last and AS:find(toks, t + 1, last) or nil
   end
   return nil
end

function as_put_it.find(q, doc)
   if q.close then return as_put_it.attribute(doc, q) end
   return nil
end

return as_put_it
