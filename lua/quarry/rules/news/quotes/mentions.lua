-- Mentions at a position: who a stretch of tokens can name. A mention is
-- a table {kind, first, last, ...} over tokens first .. last:
--   kind = "person" | "organization" | "location"   an entity (ann = it)
--   kind = "pronoun"   pron = the pronoun's key
--   kind = "desc"      a description: words (keys), head (its last word's
--                      key), owner (the entity before "'s", if any)
--   kind = "name"      capitalised words the rules did not take for a name
--   kind = "label"     a transcript's speaker in capitals (label = its text)
--   kind = "rel"       a relative pronoun; antecedent = the mention it stands for
-- Every function reads the document record (document.lua) and changes
-- nothing.
local W = include "quotes/words"
local case_at = include("quotes/document").case

local mentions = {}

local DETS, PRONOUNS, NOT_NOUNS, SKIP_AFTER_CUE, DESC_HEADS = W.DETS, W.PRONOUNS, W.NOT_NOUNS, W.SKIP_AFTER_CUE,
   W.DESC_HEADS
local PREPOSITIONS, CLAUSE_JOINS, NOT_NAMES, VERBS = W.PREPOSITIONS, W.CLAUSE_JOINS, W.NOT_NAMES, W.VERBS
local SPEAKER_TYPES, ALONE = W.SPEAKER_TYPES, W.ALONE

--- A description that starts at token i: a determiner, up to five words,
-- a role or outlet noun ("the ministry spokesman"), or nil.
function mentions.description_from(doc, i)
   local keys = doc.keys
   if not DETS[keys[i]] then return nil end
   -- (the words after the determiner scanned in C: words.DESCRIPTIONS)
   local last = W.DESCRIPTIONS:last(doc.toks, i)
   if not last then return nil end
   local words = {}
   for w = i + 1, last do words[#words + 1] = keys[w] end
   return { kind = "desc", first = i, last = last, words = words, head = keys[last] }
end

--- The mention that starts at token i: a person or organisation, a
-- pronoun, a description; or nil.
function mentions.at(doc, i)
   if i < 1 or i > doc.n then return nil end
   local a = doc.at[i]
   if a then return { kind = a.type, ann = a, first = i, last = a.last_tok } end
   local k = doc.keys[i]
   if PRONOUNS[k] and k ~= "her" and k ~= "them" then return { kind = "pronoun", pron = k, first = i, last = i } end
   -- (a description starts on a determiner: no call for the other words)
   if not DETS[k] then return nil end
   return mentions.description_from(doc, i)
end

-- "Hadley's former campaign strategist", "the IMF report", "the ministry
-- spokesman": a description that ends at i on a role or outlet noun.
local function description_ending(doc, i, floor, k)
   for d = i - 1, math.max(floor, i - 6), -1 do
      local m = mentions.description_from(doc, d)
      if m and m.last == i then return m end
      local kd = doc.keys[d]
      if kd == "'s" then
         local owner = doc.ends[d - 1]
         local first = owner and owner.first_tok or d - 1
         if first > 1 and DETS[doc.keys[first - 1]] then first = first - 1 end
         local words = {}
         for w = d + 1, i do words[#words + 1] = doc.keys[w] end
         return { kind = "desc", first = first, last = i, words = words, head = k, owner = owner }
      end
      if doc.kinds[d] ~= "word" then break end
   end
   return nil
end

-- "one questioner", "the clip", "the band leader": a determiner and a
-- noun the lists do not know, ending at i.
local function generic_ending(doc, i, floor, k)
   if DESC_HEADS[k] or case_at(doc, i) ~= "lower" or doc.kinds[i] ~= "word"
      or VERBS[k] or NOT_NOUNS[k] or PREPOSITIONS[k] or CLAUSE_JOINS[k]
      or SKIP_AFTER_CUE[k] ~= nil or k:find("n[\'\u{2019}]t$") or k:sub(-2) == "ly" then
      return nil
   end
   for d = i - 1, math.max(floor, i - 3), -1 do
      local kd = doc.keys[d]
      if DETS[kd] and kd ~= "that" and kd ~= "this" then
         local words = {}
         for w = d + 1, i do words[#words + 1] = doc.keys[w] end
         return { kind = "desc", first = d, last = i, words = words, head = k }
      end
      if doc.kinds[d] ~= "word" then break end
   end
   return nil
end

local function ending(doc, i, floor, generic)
   if i < floor then return nil end
   local a = doc.ends[i]
   if a then return { kind = a.type, ann = a, first = a.first_tok, last = i } end
   local k = doc.keys[i]
   if PRONOUNS[k] and k ~= "him" and k ~= "them" and k ~= "her" then
      return { kind = "pronoun", pron = k, first = i, last = i }
   end
   local m = generic and generic_ending(doc, i, floor, k)
   if m then return m end
   if DESC_HEADS[k] then return description_ending(doc, i, floor, k) end
   return nil
end

--- The mention that ends at token i, not before token floor (the subject
-- before a verb); generic: also a determiner and a noun the lists do not
-- know. A description right after a preposition ("in a statement", "in an
-- interview") is where or how something was said, not who said it.
function mentions.ending(doc, i, floor, generic)
   local m = ending(doc, i, floor, generic)
   if m and m.kind == "desc" and m.first > 1 and PREPOSITIONS[doc.keys[m.first - 1]] then return nil end
   return m
end

-- The person a few words after token k, or nil.
local function person_within(doc, from, to)
   for t = from, to do
      local a = doc.at[t]
      if a and a.type == "person" then return { kind = "person", ann = a, first = t, last = a.last_tok } end
   end
   return nil
end

-- Whether token t is a possessive "'s".
local function possessive(doc, t)
   local k = t <= doc.n and doc.keys[t]
   return k == "'s" or k == "\u{2019}s" or k == "s'"
end

-- "Toronto economist Ann Vale", "Harbour Bank spokeswoman Ann Vale": the
-- person a place or an organisation premodifies, over role words, from
-- the mention m; or nil.
local function person_premodified(doc, m)
   local n = doc.n
   for t = m.last + 1, math.min(n, m.last + 5) do
      local a = doc.at[t]
      if a and a.type == "person" then return { kind = "person", ann = a, first = t, last = a.last_tok } end
      if doc.kinds[t] ~= "word" or case_at(doc, t) == "lower" and not DESC_HEADS[doc.keys[t]] then break end
   end
   return nil
end

-- "said Hadley's spokeswoman Ines Roldan", "said Hadley's campaign manager": the
-- person or the description a possessor m opens; nil for anything else
-- ("calling the mayor's plan": a possessor is no speaker).
local function possessed(doc, m)
   local n = doc.n
   local p = person_within(doc, m.last + 2, math.min(n, m.last + 6))
   if p then return p end
   for t = m.last + 2, math.min(n, m.last + 5) do
      if doc.kinds[t] ~= "word" then break end
      local head = doc.keys[t]
      local ty = SPEAKER_TYPES[head]
      if ty == "person" or ty == "group" then
         local words = {}
         for w = m.last + 2, t do words[#words + 1] = doc.keys[w] end
         return { kind = "desc", first = m.first, last = t, words = words, head = head, owner = m.ann }
      end
   end
   return nil
end

-- "said another", "Others say": a word that speaks by itself, at k; or nil.
local function alone_at(doc, k)
   local word = k >= 1 and k <= doc.n and doc.keys[k]
   if word and ALONE[word] then return { kind = "desc", first = k, last = k, words = {}, head = word, alone = true } end
   return nil
end
mentions.alone_at = alone_at

-- "says mayor", "said officials", "Senior officials said": a role or a
-- group without a determiner, up to two modifiers before it, from token k
-- to the head at or before k + 2 that ends the noun; or nil.
local function bare_role_at(doc, k)
   local n = doc.n
   local hi = k + 2
   if hi > n then hi = n end
   for t = k, hi do
      local head = doc.keys[t]
      if doc.kinds[t] ~= "word" or DETS[head] or PREPOSITIONS[head] or VERBS[head] then return nil end
      local ty = SPEAKER_TYPES[head]
      -- (a modifier is an adjective or a name: "Senior officials", not "emailed supporters")
      if not ty and (head:sub(-2) == "ed" or head:sub(-3) == "ing") then return nil end
      if (ty == "person" or ty == "group") and not (t < n and DESC_HEADS[doc.keys[t + 1]]) then
         local words = {}
         for w = k, t do words[#words + 1] = doc.keys[w] end
         return { kind = "desc", first = k, last = t, words = words, head = head }
      end
   end
   return nil
end
mentions.bare_role_at = bare_role_at

--- The person or description that possessor m opens ("Hadley's
-- campaign manager"), when m is followed by "'s"; nil otherwise.
function mentions.possessed(doc, m)
   if m.ann and possessive(doc, m.last + 1) then return possessed(doc, m) end
   return nil
end

--- The speaker a cue introduces after it, from token k: "said Lavrov",
-- "said the Rev. Alan Quaile", "said a person close to the Hadleys",
-- "says Toronto economist Ann Vale", "said another", "says mayor"
-- ("told reporters Lavrov" is not one; nor "calling the mayor's
-- plan"); or nil.
function mentions.after_cue(doc, k)
   local n = doc.n
   if k <= n and SKIP_AFTER_CUE[doc.keys[k]] then k = k + 1 end
   -- (the cue ends its sentence: "… comments. Sutcliffe's office said")
   if k > n or doc.kinds[k] == "punct" and doc.keys[k] ~= "(" then return nil end
   local m = mentions.at(doc, k)
   if m and m.ann and possessive(doc, m.last + 1) then return possessed(doc, m) end
   if m and m.kind == "desc" then
      -- "the former secretary of State Ellen Marsh": the person wins
      local p = person_within(doc, m.first + 1, math.min(m.last + 3, n))
      if p then return p end
   end
   if m and (m.kind == "location" or m.kind == "organization") then
      local p = person_premodified(doc, m)
      if p then return p end
   end
   if m then return m end
   -- "said another.", "said one, who asked not to be named"
   local alone = alone_at(doc, k)
   if alone and (k == n or doc.kinds[k + 1] ~= "word") then return alone end
   -- "said former Nebraska Gov. Tom Ashby"
   local hi = k + 9
   if hi > n then hi = n end
   for t = k + 1, hi do
      local a = doc.at[t]
      if a and a.type == "person" then return { kind = "person", ann = a, first = t, last = a.last_tok } end
      if doc.kinds[t] ~= "word" or (t > k + 3 and case_at(doc, t) == "lower" and doc.keys[t] ~= "and") then
         break
      end
   end
   -- "said a person close to the Hadleys": a determiner and the words
   -- up to a preposition or a punctuation mark
   if k <= n and DETS[doc.keys[k]] and doc.keys[k] ~= "that" and doc.keys[k] ~= "this" then
      local last = k
      while last + 1 <= n and last - k < 5 and doc.kinds[last + 1] == "word" and not PREPOSITIONS[doc.keys[last + 1]]
         and not VERBS[doc.keys[last + 1]] and not CLAUSE_JOINS[doc.keys[last + 1]]
         and not NOT_NOUNS[doc.keys[last + 1]] do
         last = last + 1
      end
      if last > k then
         local words = {}
         for w = k + 1, last do words[#words + 1] = doc.keys[w] end
         return { kind = "desc", first = k, last = last, words = words, head = doc.keys[last] }
      end
   end
   -- "‘Nobody told us,’ says mayor", "said police": a role that ends the clause
   local role = k <= n and bare_role_at(doc, k)
   if role and (role.last == n or doc.kinds[role.last + 1] ~= "word" or CLAUSE_JOINS[doc.keys[role.last + 1]]
      or PREPOSITIONS[doc.keys[role.last + 1]]) then
      return role
   end
   return nil
end

--- Capitalised words the rules did not take for a name, from token i,
-- when a speech verb follows them ("Morrow recalled", "Tia Lowe, 25,
-- said"): a mention of kind "name", or nil.
function mentions.bare_name_at(doc, i)
   local toks, n, keys, kinds = doc.toks, doc.n, doc.keys, doc.kinds
   if i > n or kinds[i] ~= "word" then return nil end
   local first = i
   -- "The Hill reported": an outlet's article is part of its name
   if keys[i] == "the" and i < n and case_at(doc, i + 1) == "title" then i = i + 1 end
   local k = keys[i]
   if NOT_NAMES[k] or DETS[k] or PRONOUNS[k] then return nil end
   local last = i - 1
   while last + 1 <= n and last - i < 3 and kinds[last + 1] == "word" do
      -- (a word in lower case has no capital letter: it is no initial
      -- "A.", and its text is not looked at)
      local case = case_at(doc, last + 1)
      if not (case == "title" or case ~= "lower" and (toks:text(last + 1):match("^%u%.$")
              or case == "upper" and #toks:text(last + 1) <= 5)) then
         break
      end
      last = last + 1
   end
   if last < i then return nil end
   return { kind = "name", first = first, last = last }
end

--- The person that starts within tokens from .. to, or nil.
mentions.person_within = person_within

-- the document's methods for a pack's own strategies
local Doc = include("quotes/document").Doc
Doc.mention_at, Doc.mention_ending, Doc.mention_after_cue, Doc.bare_name_at, Doc.description_from =
   mentions.at, mentions.ending, mentions.after_cue, mentions.bare_name_at, mentions.description_from

return mentions
