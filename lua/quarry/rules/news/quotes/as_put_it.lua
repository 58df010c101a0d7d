-- Strategy as_put_it: "as X put it" (or "as X said", "as X wrote") in the
-- quote's sentence, before or after it: The plan, as Ann Vale put it, is
-- ‘a disaster for renters’ / “…,” as a leaked memo put it. The words are
-- X's, whatever verb the sentence's clause has.
local W = include "quotes/words"
local CUE_KEYS = W.CUE_KEYS
local wordset = require "quarry.wordset"
local D = include "quotes/document"
local case_at = D.case
local M = include "quotes/mentions"

local PUT, AS_CUES, SKIP_AFTER_CUE, DESC_HEADS = W.PUT, W.AS_CUES, W.SKIP_AFTER_CUE, W.DESC_HEADS
local is_cue = D.Doc.is_cue

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
      if doc.kinds[u] == "open_quote" or (CUE_KEYS[doc.keys[u]] and is_cue(doc, u)) then return nil end
   end
   return nil
end

--- "as X put it" in the sentence of the quote q, outside the quote and
-- any other: mention, cue tokens; or nil.
function as_put_it.attribute(doc, q)
   local s0 = doc.sents[q.open]
   local floor = D.Doc.sentence_start(doc, q.open)
   -- (the walk below stays in the tokens from floor on of sentence s0, and
   -- before the last token)
   if floor > doc.n - 1 or not D.Doc.run_may_hold(doc, AS, floor, s0) then return nil end
   -- (another cue between the quote and "as" attributes it: "“…,” Okoye
   -- said, as the crowd cheered")
   local inside, other = false, false
   for t = floor, doc.n - 1 do
      if doc.sents[t] ~= s0 then break end
      local kind = doc.kinds[t]
      if t == q.open then other = false end
      if kind == "open_quote" then inside = true elseif kind == "close_quote" then inside = false
      elseif not inside and doc.keys[t] == "as" and not other then
         local m, c, c2 = as_clause(doc, t)
         if m then return m, c, c2 end
      elseif not inside and t > q.open and (CUE_KEYS[doc.keys[t]] and is_cue(doc, t)) then
         other = true
      end
   end
   return nil
end

function as_put_it.find(q, doc)
   if q.close then return as_put_it.attribute(doc, q) end
   return nil
end

return as_put_it
