-- Strategy after_quote: the speaker named right after the quote: “…,” he
-- said / said Voronov / Voronov told … / “…” ― Jane Doe / the agency quoted
-- him as saying / “…!” beamed Nell Farraday. After a quote that ended
-- its sentence, a name and a verb attribute it only when the verb ends the
-- clause (“… wrong.” Democrats also described the vote as… is a new
-- statement), and a cue before a colon introduces the next quote instead.
local W = include "quotes/words"
local D = include "quotes/document"
local case_at = D.case
local M = include "quotes/mentions"
local C = include "quotes/clauses"

local NOT_NOUNS, PREPOSITIONS, CLAUSE_JOINS, DETS, SKIP_AFTER_CUE, QUOTING = W.NOT_NOUNS, W.PREPOSITIONS,
   W.CLAUSE_JOINS, W.DETS, W.SKIP_AFTER_CUE, W.QUOTING
local PRONOUNS = W.PRONOUNS
local is_cue = C.is_cue
local byte = string.byte
-- "according", found by its key in C
local ACCORDING = C.ACCORDING

-- The bytes [%u%d%p] matches (C locale): capitals, digits, punctuation.
local UDP = {}
for b = 33, 126 do
   if not (b >= 97 and b <= 122) then UDP[b] = true end
end

local after_quote = {
   name = "after_quote",
   about = "the speaker right after the quote: “…,” said Voronov / he said / ― Jane Doe",
}

-- “…” ― Jane Doe: the mention after a dash at j, or the capitalised words
-- after it (a name the rules did not know).
local function signature(doc, j)
   local toks, n = doc.toks, doc.n
   local m = M.at(doc, j + 1)
   if m and m.kind ~= "desc" then return m, j end
   local last = j
   while last + 1 <= n and last - j < 5 and doc.kinds[last + 1] == "word"
      and (case_at(doc, last + 1) == "title" or case_at(doc, last + 1) == "upper"
           or toks:text(last + 1):match("^%u%.?$")) do
      last = last + 1
   end
   if last > j then return { kind = "name", first = j + 1, last = last }, j end
   return nil
end

-- a word that can be a verb the lists lack ("beamed", "shot back")
local function verb_like(doc, k)
   local word = doc.keys[k]
   return doc.kinds[k] == "word" and not NOT_NOUNS[word] and not PREPOSITIONS[word] and not CLAUSE_JOINS[word]
      and not DETS[word] and case_at(doc, k) == "lower"
end

-- The mention at j that a cue after it may attribute: a mention, a bare
-- name, "the letter" before a speech verb, and the person a title leads to.
local function subject_at(doc, j)
   local n, keys = doc.n, doc.keys
   -- (a mention starts on a name, a pronoun or a determiner: no call for
   -- the other words)
   local k = keys[j]
   local det = DETS[k]
   local m = (doc.at[j] or PRONOUNS[k] or det) and M.at(doc, j) or M.bare_name_at(doc, j)
   -- “…,” the letter reads: a determiner and the nouns before a speech verb
   -- (not "that" or "this": "“…” that he says is…" goes on the sentence)
   if not m and j <= n and det and k ~= "that" and k ~= "this" then
      local kinds = doc.kinds
      local hi = j + 6
      if hi > n then hi = n end
      for t = j + 1, hi do
         if is_cue(doc, t) and t > j + 1 then
            local words = {}
            for w = j + 1, t - 1 do words[#words + 1] = keys[w] end
            m = { kind = "desc", first = j, last = t - 1, words = words, head = keys[t - 1] }
            break
         end
         if kinds[t] ~= "word" then break end
      end
   end
   if not m then return nil end
   -- “…,” Channel 9's Ruth Okoye said / Hadley's campaign manager said
   local owned = M.possessed(doc, m)
   if owned then return owned end
   if m.kind ~= "person" then
      -- “…,” US Senator Dale Furrow said: the person the title leads to
      local at, kinds = doc.at, doc.kinds
      local hi = m.last + 4
      if hi > n then hi = n end
      for t = m.last + 1, hi do
         local a = at[t]
         if a and a.type == "person" then return { kind = "person", ann = a, first = t, last = a.last_tok } end
         if kinds[t] ~= "word" or case_at(doc, t) == "lower" then break end
      end
   end
   return m
end

-- Where the cue after mention m would be: over a parenthesis ("Sen.
-- Alma Reyes (D-Ore.) said"), appositives up to a comma and a cue
-- ("Hal Brenner, the treasurer of Maine, one of the states that
-- sued, said"), and adverbs.
local function cue_after(doc, m)
   local n, keys = doc.n, doc.keys
   local k = m.last + 1
   local kk = keys[k]   -- (nil past the text)
   if kk == "(" then
      local close = k + 1
      while close <= math.min(n, k + 8) and keys[close] ~= ")" do close = close + 1 end
      if close <= n and keys[close] == ")" then
         k = close + 1
         kk = keys[k]
      end
   end
   if kk == "," and not is_cue(doc, k + 1) then
      local sents, kinds = doc.sents, doc.kinds
      local s0 = sents[k]
      for t = k + 1, math.min(k + 24, n - 1) do
         if sents[t] ~= s0 or kinds[t] == "open_quote" then break end
         if keys[t] == "," and is_cue(doc, t + 1) then
            k = t + 1
            break
         end
      end
   end
   while k <= n and SKIP_AFTER_CUE[keys[k]] do k = k + 1 end
   return k
end

-- Mention m and the cue at k: who speaks (the object of "quoted", the
-- source of ", according to X" after the cue, or m).
local function speaker_of_cue(doc, m, k)
   local n = doc.n
   if QUOTING[doc.keys[k]] then
      local obj = M.at(doc, k + 1)
      if obj then return obj, k end
   end
   -- “…,” Dunmore said, according to Valley Morning Radio: the source that
   -- reports the words
   -- (the walk up to the sentence's end or an opening mark visits only
   -- each "according", found by a C scan)
   local last = k + 16
   if last > n - 2 then last = n - 2 end
   local t = k + 1 <= last and C.holds_according(doc) and ACCORDING:find(doc.toks, k + 1, last) or nil
   local s0 = t and doc.sents[k]
   while t do
      if doc.sents[t] ~= s0 or C.next_open_quote(doc, k + 1, t) then break end
      if doc.keys[t + 1] == "to" and doc.keys[t - 1] == "," then
         local src = M.at(doc, t + 2)
         if src then return src, t, t + 1 end
      end
      t = t < last and ACCORDING:find(doc.toks, t + 1, last) or nil
   end
   return m, k
end

-- Whether the quote q is words woven into a clause someone already
-- speaks ("Hadley said the levy was “a tax on work,” …"): it opens in
-- lower case, and a speech cue stands before it in its sentence, outside
-- other quotes, past the sentence's first word ("Citing “…,” Hadley
-- urged" opens with a phrase whose subject comes after).
local function cue_before(doc, q)
   local b = byte(doc.text, q.start + 1)   -- (%l: a lower-case letter opens the quote)
   if not (b and b >= 97 and b <= 122) then return false end
   local o = q.open
   local floor = doc.starts[doc.sents[o]] + 1
   return floor <= o - 1 and C.cue_back(doc, o - 1, floor, o - 1) ~= nil
end

-- A mention after the quote and a cue after the mention. After a quote
-- that ended its sentence, or words woven into a clause a cue before
-- them speaks ("Hadley said the levy was “a tax on work,” the crowd
-- applauded and …"), the verb must end the clause.
local function mention_then_cue(doc, q, j)
   local n, keys = doc.n, doc.keys
   local m = subject_at(doc, j)
   if not m then return nil end
   local k = cue_after(doc, m)
   local kk = keys[k]
   -- “…” Hadley replied: “…”: the cue introduces the next quote
   local closed = q.closed_sentence
   local introduces = closed and k < n and keys[k + 1] == ":"
   if not introduces and is_cue(doc, k)
      and (not (closed or cue_before(doc, q)) or QUOTING[kk] or C.ends_clause(doc, k)) then
      return speaker_of_cue(doc, m, k)
   end
   -- “…,” Morrow shot back. / “…,” the man shouted.: a verb the lists lack,
   -- when the quote ends on a comma or a cry and the verb ends the clause
   if q.soft_end and not introduces and k <= n and verb_like(doc, k) and m.kind ~= "location" then
      local v = k
      local kv = keys[v + 1]
      if v < n and (kv == "back" or kv == "out" or kv == "up") then
         v = v + 1
      end
      if C.ends_clause(doc, v) then return m, k end
   end
   return nil
end

--- The speaker named after the quote q (not "according to X", which is
-- the according_to strategy): mention, cue token(s); or nil.
function after_quote.attribute(doc, q)
   local j = C.after_start(doc, q.close + 1)
   if not j then return nil end
   local n, keys = doc.n, doc.keys
   -- (a signature signs a statement, not words woven into a sentence:
   -- "… was “the best we have.”--Lena Marsh" is a byline)
   if j <= n and doc.kinds[j] == "dash" and UDP[byte(doc.text, q.start + 1)] then
      local m, c = signature(doc, j)
      if m then return m, c end
   end
   -- (“…,” echoing Hadley / citing a study: a participle after the quote
   -- takes an object; the words are its clause's subject's)
   local kj = keys[j]
   if is_cue(doc, j) and kj:sub(-3) ~= "ing" then
      local m = M.after_cue(doc, j + 1)
      if m then return m, j end
      -- “…,” said Trask, who…: a name the rules did not know
      m = M.bare_name_at(doc, j + 1)
      -- (“…,” said Chief Ada Tillman of the Marrow Lake Nation)
      local nk = m and m.last < n and keys[m.last + 1]
      if nk and (nk == "," or nk == "." or PREPOSITIONS[nk]) then return m, j end
   end
   -- “…!” beamed Nell Farraday: a verb the lists lack, between a quote
   -- that ends on a comma or a cry and a name that ends the clause
   -- (the person tested first: M.at makes a person's mention of the name
   -- that starts there)
   local a = j < n and doc.at[j + 1]
   if a and a.type == "person" and q.soft_end and verb_like(doc, j) then
      local m = M.at(doc, j + 1)
      if C.ends_clause(doc, m.last) then return m, j end
   end
   return mention_then_cue(doc, q, j)
end

function after_quote.find(q, doc)
   if q.close then return after_quote.attribute(doc, q) end
   return nil
end

return after_quote
