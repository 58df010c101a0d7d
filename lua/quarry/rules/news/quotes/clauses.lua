-- Clauses around a cue: the subject of a clause, the subject before a
-- cue, where a clause ends, "according to X". Every function reads the
-- document record (document.lua) and changes nothing.
local W = include "quotes/words"
local CUE_KEYS = W.CUE_KEYS
local wordset = require "quarry.wordset"
local marks = require "quarry.marks"
local marks_inside_back, marks_inside_from, marks_next_open = marks.inside_back, marks.inside_from, marks.next_open
local D = include "quotes/document"
local case_at = D.case
local M = include "quotes/mentions"

local clauses = {}
local subject_before

local SKIP_AFTER_CUE, PRONOUNS, PREPOSITIONS, NOUN_LEADS, SUBORDINATORS = W.SKIP_AFTER_CUE, W.PRONOUNS,
   W.PREPOSITIONS, W.NOUN_LEADS, W.SUBORDINATORS
local NOT_NAMES, DETS, ISSUED, CLAUSE_END, CLAUSE_JOINS = W.NOT_NAMES, W.DETS, W.ISSUED, W.CLAUSE_END, W.CLAUSE_JOINS
local MANNER, SHARES, DESC_HEADS = W.MANNER, W.SHARES, W.DESC_HEADS

--- Whether token i is a cue of speech: doc:is_cue's test, made in C over
-- the token keys (words.CUES) after a look at its key in Lua (most
-- tokens are no speech verb), and not kept in doc.cues:
-- clauses.is_cue(doc, i).
-- @param doc table the document record
-- @param i integer a token (false outside 1 .. doc.n)
-- @return boolean
local function is_cue(doc, i)
   return CUE_KEYS[doc.keys[i]] == true and W.CUES:is_cue(doc.toks, i, doc.in_name)
end
clauses.is_cue = is_cue

-- the words a clause break below stands on
local BREAKS = wordset.new { ";", "and", "but", "while", "yet" }
local WHAT_MARKS = wordset.new { "what", "\"", "'" }

-- A word set of the words a table holds true (and of those of the list
-- more), or nil when one of them is no token's key (a phrase): a C scan
-- for them then misses none.
local function set_of(words, more)
   local list = {}
   for w, yes in pairs(words) do
      if yes == true then list[#list + 1] = w end
   end
   for _, w in ipairs(more or {}) do list[#list + 1] = w end
   table.sort(list)
   local set = W.word_set(list)
   for _, w in ipairs(list) do
      if not set:contains(w) then return nil end
   end
   return set
end
clauses.set_of = set_of

-- where a walk back from a quote to its subordinate clause's start stops
local SUBORDINATE_STOPS = set_of(SUBORDINATORS, { "\"", "'", ";", "," })

--- Whether token t stands inside quotation marks as a walk back to it
-- from token top sees them (outside at top; walking back, a closing mark
-- opens a quote and an opening one ends it): the first mark after t, up
-- to top, is a closing one. One C scan of the tokens' kinds
-- (quarry.marks), not a walk in Lua: doc:inside_back(top, t).
-- @param doc table the document record (document.lua)
-- @param top integer the token a walk back starts from, outside quotes
-- @param t integer a token at or before top
-- @return boolean
local function inside_back(doc, top, t)
   return marks_inside_back(doc.toks, top, t)
end
clauses.inside_back = inside_back

--- Whether token t stands inside quotation marks as a walk from token
-- floor to it sees them (outside at floor): the last mark before t, from
-- floor on, is an opening one (one C scan, as inside_back):
-- doc:inside_from(floor, t).
-- @param doc table the document record
-- @param floor integer the token a walk starts from, outside quotes
-- @param t integer a token at or after floor
-- @return boolean
function clauses.inside_from(doc, floor, t)
   return marks_inside_from(doc.toks, floor, t)
end

--- The last token of token i's attribution sentence (doc.sents: the
-- numbers never decrease from a token to the next): doc:sentence_last(i).
-- @param doc table the document record
-- @param i integer a token, 1 .. doc.n
-- @return integer
function clauses.sentence_last(doc, i)
   local sents, n = doc.sents, doc.n
   local s = sents[i]
   if not s then error(string.format("sentence_last: token %s is not one of the text's", tostring(i)), 2) end
   local f = doc.starts[s + 1]
   if f then return f - 1 end
   -- (a number left out, a sentence joined to the one before: the last
   -- token of number s, found by halves)
   local lo, hi = i, n
   while lo < hi do
      local mid = (lo + hi + 1) // 2
      if sents[mid] == s then lo = mid else hi = mid - 1 end
   end
   return lo
end

--- The first opening quotation mark in tokens from .. to, or nil (one C
-- scan of the tokens' kinds): doc:next_open_quote(from, to).
-- @param doc table the document record
-- @param from integer the first token looked at
-- @param to integer the last
-- @return integer or nil
function clauses.next_open_quote(doc, from, to)
   return marks_next_open(doc.toks, from, to)
end

--- The last cue of speech in tokens lo .. hi that stands outside
-- quotation marks as a walk back from token top (>= hi) sees them; or
-- nil. What a walk from hi down to lo that tracks the marks finds, in one
-- C scan that tests only the words a cue stands on (words.CUES, the test
-- of doc:is_cue): doc:cue_back(hi, lo, top).
-- @param doc table the document record
-- @param hi integer the last token looked at
-- @param lo integer the first
-- @param top integer where a walk back starts, outside quotes (hi when the walk starts there)
-- @return integer the cue's token, or nil
function clauses.cue_back(doc, hi, lo, top)
   if hi < lo then return nil end
   return W.CUES:back(doc.toks, hi, lo, top, doc.in_name)
end

-- Where the clause that holds token c starts, not before floor: after a
-- ";" or a ", and", a leading conjunction, a dateline, an opening
-- subordinate clause ("As Hadley spoke, Morrow…").
local function clause_start(doc, c, floor)
   local toks, keys, kinds = doc.toks, doc.keys, doc.kinds
   local start = floor
   -- (walked only when a word set's C scan finds one of those words there)
   local walk = true
   if floor + 1 >= 1 and c - 1 <= doc.n and floor + 1 <= c - 1 then walk = BREAKS:find(toks, floor + 1, c - 1) end
   for t = walk and c - 1 or floor, floor + 1, -1 do
      local k = keys[t]
      if k == ";" or (keys[t - 1] == "," and (k == "and" or k == "but" or k == "while" or k == "yet")) then
         start = t + 1
         break
      end
   end
   while start < c - 1 do
      local k = keys[start]
      if not (k == "and" or k == "but" or k == "so" or k == "yet" or k == "or") then break end
      start = start + 1
   end
   -- "MILLBROOK, Ore., Oct. 4 (Northwind) — Former Governor Ada Kessler…": past
   -- the dateline
   local hi = start + 15
   if hi > c - 1 then hi = c - 1 end
   for t = start + 1, hi do
      if kinds[t] == "dash" and (keys[t - 1] == ")" or case_at(doc, t - 1) == "upper") then
         start = t + 1
         break
      end
   end
   if SUBORDINATORS[keys[start]] then
      for t = start + 1, c - 1 do
         if keys[t] == "," then start = t + 1 break end
      end
   end
   -- "in what Rosa Dunne, Hadley's treasurer, called": a clause "what"
   -- opens, up to a quotation mark (the words visited found by a C scan)
   local lo = c - 12
   if lo < start then lo = start end
   local t = c - 1 >= lo and WHAT_MARKS:find(toks, c - 1, lo) or nil
   while t do
      if keys[t] == "what" then return t + 1 end
      if kinds[t] == "open_quote" or kinds[t] == "close_quote" then break end
      t = t > lo and WHAT_MARKS:find(toks, t - 1, lo) or nil
   end
   return start
end

-- "The pipeline's owner, TC Energy, said": the person or organisation
-- set off by commas after a description, which names it; or nil.
local function appositive_name(doc, m)
   if m.kind ~= "desc" or doc.keys[m.last + 1] ~= "," then return nil end
   local e = M.at(doc, m.last + 2) or M.bare_name_at(doc, m.last + 2)
   if e and (e.kind == "person" or e.kind == "organization" or e.kind == "name") and doc.keys[e.last + 1] == "," then
      return e
   end
   return nil
end

-- "Owen Trask also complained that…": capitalised words the rules did
-- not take for a name, opening the clause at t before a verb (a lowercase
-- word that is not a determiner or a preposition); or nil.
local function bare_subject(doc, t, c)
   if case_at(doc, t) ~= "title" then return nil end
   local m = M.bare_name_at(doc, t)
   -- (a first name and a surname: "Hours later", "Guns are" are no one)
   if not (m and m.last + 1 < c and m.last > m.first) then return nil end
   local v = m.last + 1
   local kv = doc.keys[v]
   -- (a verb, or the comma of an appositive: "Rosa Dunne, Hadley's treasurer, called")
   if kv == "," then return m end
   if doc.kinds[v] ~= "word" or case_at(doc, v) ~= "lower" or DETS[kv] or PREPOSITIONS[kv] or CLAUSE_JOINS[kv] then
      return nil
   end
   return m
end

--- The subject of the clause that holds token c (not before token
-- floor): its first mention that is not the object of a preposition,
-- after any subordinate clause it opens with ("On Monday, in Ohio,
-- Morrow…", "As Hadley spoke, Morrow…"); or nil.
function clauses.clause_subject(doc, c, floor)
   local start = clause_start(doc, c, floor)
   local t = start
   local at, keys, kinds = doc.at, doc.keys, doc.kinds
   while t < c do
      if kinds[t] == "open_quote" then
         repeat t = t + 1 until t >= c or kinds[t] == "close_quote"
      else
         -- (a mention starts on a name, a pronoun or a determiner: no call
         -- for the other words)
         local k = keys[t]
         local m = (at[t] or PRONOUNS[k] or DETS[k]) and M.at(doc, t) or t == start and bare_subject(doc, t, c)
         if m and m.last < c then
            if m.kind ~= "location" and not (t > 1 and (PREPOSITIONS[keys[t - 1]] or NOUN_LEADS[keys[t - 1]]))
               and m.pron ~= "him" then
               return appositive_name(doc, m) or m
            end
            t = m.last
         end
      end
      t = t + 1
   end
   -- "The mayor tried to settle the room, and shrugged off a heckler,
   -- saying": verbs joined without a subject of their own share the first
   if start > floor and not SUBORDINATORS[doc.keys[floor]] then return clauses.clause_subject(doc, start - 1, floor) end
   return nil
end

-- "Harrow, who in 2010 said": the relative pronoun at token t (or
-- a little before it) is the mention that attributes, the name before
-- it who it stands for; nil when another subject stands between.
local function relative_before(doc, c, t, floor)
   local lo = c - 6
   if lo < floor + 1 then lo = floor + 1 end
   local keys, kinds, ends = doc.keys, doc.kinds, doc.ends
   for u = t, lo, -1 do
      local ku = keys[u]
      if ku == "who" or ku == "which" then
         local a = u - 1
         if keys[a] == "," then a = a - 1 end
         local ante = M.ending(doc, a, floor, true)
         if not ante then
            for v = a - 1, math.max(floor, a - 8), -1 do
               ante = M.ending(doc, v, floor)
               if ante then break end
               if keys[v] == "," then break end
            end
         end
         return { kind = "rel", first = u, last = u, antecedent = ante }
      end
      -- (a subject of its own between: "in which he says")
      local kind = kinds[u]
      if ku == "," or kind ~= "word" and kind ~= "number" or PRONOUNS[ku] or ends[u]
         or is_cue(doc, u) then
         break
      end
   end
   return nil
end

-- "Reed says", "Democrats said": capitalised words the rules did not
-- take for a name, right before the cue at t + 1.
local function capitals_before(doc, t, floor)
   if doc.kinds[t] ~= "word" or case_at(doc, t) ~= "title" then return nil end
   local k = doc.keys[t]
   if NOT_NAMES[k] or PRONOUNS[k] or DETS[k] or k:sub(-3) == "ing" then return nil end
   local first = t
   while first > floor and doc.kinds[first - 1] == "word" and case_at(doc, first - 1) == "title"
      and not NOT_NAMES[doc.keys[first - 1]] and t - first < 3 do
      first = first - 1
   end
   return { kind = "name", first = first, last = t }
end

-- "Aides say", "Senior officials said", "Yet another said", "Others
-- say": a role or a group without a determiner, or a word that speaks by
-- itself, ending at token t right before a cue; or nil.
local function role_before(doc, t, floor)
   local alone = M.alone_at(doc, t)
   -- ("Pell and Amsel both denounced": "both" only at the clause's start)
   if alone and (t == floor or doc.kinds[t - 1] ~= "word" or CLAUSE_JOINS[doc.keys[t - 1]]) then return alone end
   -- (a role that ends at t ends on a word for a person or a group)
   local ty = W.SPEAKER_TYPES[doc.keys[t]]
   if ty ~= "person" and ty ~= "group" then return nil end
   for k = math.max(floor, t - 2), t do
      local m = M.bare_role_at(doc, k)
      if m and m.last == t then
         local before = k > 1 and doc.keys[k - 1]
         -- "61 per cent of respondents", "half of homeowners": a share of a group
         if before == "of" and k - 2 >= floor and SHARES[doc.keys[k - 2]] then
            local first = k - 2
            while first > floor and (doc.kinds[first - 1] == "number" or SHARES[doc.keys[first - 1]]) do
               first = first - 1
            end
            m.first = first
            return m
         end
         if k == floor or not (before and (DETS[before] or PREPOSITIONS[before] or NOUN_LEADS[before])) then
            return m
         end
      end
   end
   return nil
end

-- Whether mention m can say words: a person, an organisation, a name, a
-- personal pronoun, a description whose head names a speaker (a noun
-- phrase: "as a delegate and in a statement" is none).
local function can_say(m)
   if m.kind == "pronoun" then return PRONOUNS[m.pron] ~= "n" and PRONOUNS[m.pron] ~= "p" end
   if m.kind == "desc" then
      for _, w in ipairs(m.words) do
         if PREPOSITIONS[w] or W.CLAUSE_JOINS[w] then return false end
      end
      return W.SPEAKER_TYPES[m.head] ~= nil
   end
   return m.kind == "person" or m.kind == "organization" or m.kind == "name"
end

--- "Vale backed the deal, although she has “serious concerns”", "Reed
-- sat down as the mayor kept talking about “…”": the subject of the
-- subordinate clause that holds token o, right after the nearest
-- subordinator before it (no comma between), before a verb; or nil.
-- floor: the first token of o's sentence, when the caller has it.
function clauses.subordinate_subject(doc, o, floor)
   local toks, stops = doc.toks, SUBORDINATE_STOPS
   floor = floor or doc.starts[doc.sents[o]]
   -- (the walk visits only the words it stops on, found by a C scan, when
   -- the set can hold them all)
   local t = o - 1
   if stops then t = t >= floor and stops:find(toks, t, floor) or nil end
   while t and t >= floor do
      local k = doc.keys[t]
      -- ("As Reed spoke, the union was “…”": the clause ended at the comma)
      if doc.kinds[t] == "open_quote" or doc.kinds[t] == "close_quote" or k == ";" or k == "," then return nil end
      if SUBORDINATORS[k] then
         local m = M.at(doc, t + 1)
         if not (m and can_say(m)) then return nil end
         local v = m.last + 1
         local kv = doc.keys[v]
         if v < o and doc.kinds[v] == "word" and case_at(doc, v) == "lower" and not W.DETS[kv]
            and not PREPOSITIONS[kv] and not W.CLAUSE_JOINS[kv] then
            return m
         end
         return nil
      end
      if stops then t = t > floor and stops:find(toks, t - 1, floor) or nil else t = t - 1 end
   end
   return nil
end

-- The subject before the cue at c when a comma stands between them
-- (t: the last token before the cue that is neither an adverb nor a comma).
local function subject_over_comma(doc, c, t, floor)
   -- "Morrow hit back at Hadley on Monday, saying “…”": a participle
   -- after a comma has the subject of its clause
   if doc.keys[c]:sub(-3) == "ing" then
      -- "…, Pell said, adding": the subject of the cue before
      -- "Reed sat down as the mayor rose, saying": the subject of the
      -- subordinate clause it follows
      local m = is_cue(doc, t) and t > floor and clauses.subject_before(doc, t, floor)
         or clauses.subordinate_subject(doc, t + 1) or clauses.clause_subject(doc, c, floor)
      if m then return m end
   end
   -- "Fire Chief Dana Kell, who spent the morning near the old
   -- docks, described": the subject before the appositive or relative
   -- clause that ends in a comma before the cue
   local subj = clauses.clause_subject(doc, c, floor)
   if subj and subj.last + 1 < t and doc.keys[subj.last + 1] == "," then return subj end
   return nil
end

--- The subject of the cue at token c (not before token floor): the
-- nearest mention before it in its sentence, over adverbs and
-- auxiliaries, appositives and relative clauses; or nil. "The water
-- board issued a statement Monday saying": the statement is what it
-- issued, the board who speaks.
function clauses.subject_before(doc, c, floor)
   local m = subject_before(doc, c, floor)
   if m and m.kind == "desc" and ISSUED[m.head] and doc.keys[c]:sub(-3) == "ing" and m.first > floor then
      local subj = clauses.clause_subject(doc, m.first, floor)
      if subj then return subj end
   end
   return m
end

-- (clauses.subject_before without the statement issued)
function subject_before(doc, c, floor)
   local keys, kinds = doc.keys, doc.kinds
   -- "Okoye corrected the candidate by tweeting back": a participle after
   -- a preposition of manner or time has the clause's subject
   if c - 1 > floor and MANNER[keys[c - 1]] and keys[c]:sub(-3) == "ing" then
      local subj = clauses.clause_subject(doc, c - 1, floor)
      if subj then return subj end
   end
   local t = c - 1
   -- (over adverbs, commas, and the closing mark of a quote that ends in
   -- a comma: "Lin, known for “Harbour Nights,” said")
   while t >= floor do
      local k = keys[t]
      if not (SKIP_AFTER_CUE[k] or k == "," or kinds[t] == "close_quote" and t > floor and keys[t - 1] == ",") then
         break
      end
      t = t - 1
   end
   local rel = relative_before(doc, c, t, floor)
   if rel then return rel end
   -- "Rep. Ida Brandt (D-Minn.) said"
   if t > floor and keys[t] == ")" then
      local open = t - 1
      while open > math.max(floor, t - 8) and keys[open] ~= "(" do open = open - 1 end
      if keys[open] == "(" then t = open - 1 end
   end
   local comma = t < c - 1 and keys[t + 1] == ","
   if comma then
      local m = subject_over_comma(doc, c, t, floor)
      if m then return m end
   end
   local m = M.ending(doc, t, floor, true)
   if not m and t >= floor and t == c - 1 then
      local name = capitals_before(doc, t, floor) or role_before(doc, t, floor)
      if name then return name end
   end
   if m then return m end
   -- "Even Norway, the island's closest partner and main buyer, said": the
   -- subject before the appositive
   if comma then
      m = clauses.clause_subject(doc, c, floor)
      if m and m.last + 1 < c and doc.keys[m.last + 1] == "," then return m end
   end
   -- "Voronov, in his remarks, said" / "Voronov went on to stress"
   local ends = doc.ends
   local lo = c - 12
   if lo < floor then lo = floor end
   for u = t - 1, lo, -1 do
      -- (a mention ends on a name, a pronoun or a role: no call for the
      -- other words)
      local k = keys[u]
      m = (ends[u] or PRONOUNS[k] or DESC_HEADS[k]) and M.ending(doc, u, floor) or nil
      -- a place in between ("in Virginia") is where, not who; the
      -- object of a preposition ("sings to Morrow") is not the subject
      if m and m.kind ~= "location" and not (m.first > 1 and PREPOSITIONS[keys[m.first - 1]]) then
         return m
      end
   end
   return nil
end

--- The subject of the main clause after an opening phrase that holds
-- token from ("In calling the mayor's plan “not workable,” the council
-- …"): the mention right after the phrase's closing comma (outside
-- quotes, or at the end of one), in the sentence; or nil.
function clauses.main_subject_after(doc, from)
   local n = doc.n
   local s0, inside = doc.sents[from], false
   for t = from, math.min(n - 1, from + 40) do
      if doc.sents[t] ~= s0 then return nil end
      local kind = doc.kinds[t]
      if kind == "open_quote" then inside = true elseif kind == "close_quote" then inside = false end
      local comma = (not inside and doc.keys[t] == ",") or (kind == "close_quote" and doc.keys[t - 1] == ",")
      if comma then
         local u = t + 1
         if doc.kinds[u] == "close_quote" then u = u + 1 end
         while u <= n and SKIP_AFTER_CUE[doc.keys[u]] do u = u + 1 end
         local m = M.at(doc, u)
         if m and m.kind ~= "location" then return m end
         return nil
      end
   end
   return nil
end

--- Whether the clause ends right after token k (over adverbs): a
-- punctuation mark, a preposition, a time word, a quote, the sentence's
-- end. After a quote that ended its sentence (“… wrong.” Voronov said), a
-- name and a verb attribute it only when the verb ends the clause.
function clauses.ends_clause(doc, k)
   local n, keys = doc.n, doc.keys
   local kk = k + 1
   while kk <= n and SKIP_AFTER_CUE[keys[kk]] do kk = kk + 1 end
   if kk > n or CLAUSE_END[keys[kk]] or doc.kinds[kk] == "open_quote" then return true end
   local sents = doc.sents
   return sents[kk] ~= sents[k]
end

local ACCORDING = wordset.new { "according" }
clauses.ACCORDING = ACCORDING

--- Whether the document holds the word "according" at all: one C scan of
-- its tokens on first use, kept in doc.cache.according. Most documents
-- hold none, and "according to X" is then looked for nowhere in them:
-- doc:holds_according().
-- @param doc table the document record
-- @return boolean
function clauses.holds_according(doc)
   local cache = doc.cache
   local v = cache.according
   if v == nil then
      v = doc.n >= 1 and ACCORDING:find(doc.toks, 1, doc.n) ~= nil
      cache.according = v
   end
   return v
end
local holds_according = clauses.holds_according

--- "according to X" in tokens from .. to - 1: the mention X and the
-- tokens of "according" and "to", or nil.
function clauses.according_to(doc, from, to)
   local n = doc.n
   -- (walked only when a word set's C scan finds "according" there)
   if not holds_according(doc) or from > to - 1
      or from >= 1 and to - 1 <= n and not ACCORDING:find(doc.toks, from, to - 1) then
      return nil
   end
   for t = from, to - 1 do
      if doc.keys[t] == "according" and t + 1 <= n and doc.keys[t + 1] == "to" then
         local m = M.at(doc, t + 2)
         if m then return m, t, t + 1 end
      end
   end
   return nil
end

--- Where the words after a quote's closing mark start (token j, the mark
-- + 1): j, or j + 1 over a comma; nil past the text or at a new paragraph
-- (which speaks for itself) that is not a signature ("— Lena Marsh").
function clauses.after_start(doc, j)
   local toks = doc.toks
   if j > doc.n then return nil end
   if doc.get(toks, j, "para_start") and doc.kinds[j] ~= "dash" then return nil end
   if doc.keys[j] == "," then j = j + 1 end
   return j
end

-- the document's methods for a pack's own strategies
D.Doc.clause_subject, D.Doc.subject_before, D.Doc.ends_clause, D.Doc.according_to, D.Doc.main_subject_after =
   clauses.clause_subject, clauses.subject_before, clauses.ends_clause, clauses.according_to,
   clauses.main_subject_after
D.Doc.cue_back, D.Doc.inside_back, D.Doc.inside_from, D.Doc.sentence_last, D.Doc.next_open_quote =
   clauses.cue_back, clauses.inside_back, clauses.inside_from, clauses.sentence_last, clauses.next_open_quote
D.Doc.holds_according = clauses.holds_according

return clauses
