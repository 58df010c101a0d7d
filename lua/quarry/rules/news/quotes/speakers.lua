-- Who a mention stands for: speakers.resolve(doc, state, m) -> the
-- speaker's canonical name or nil, the person's cluster or nil, and the
-- kind of speaker (attrs.speaker_type). Reads
-- the document record and the sieve's state (the last speaker, for a
-- pronoun no sentence before explains); changes neither, but for the
-- lookups it builds on first use in doc.cache (the first person of each
-- sentence, people by surname, organisations by position, the people a
-- description can stand for).
local W = include "quotes/words"
local phrases = require "quarry.phrases"
local marks = require "quarry.marks"
local D = include "quotes/document"
local case_at, para_at = D.case, D.para
local M = include "quotes/mentions"
local C = include "quotes/clauses"
local people = include "people"

local speakers = {}

local PRONOUNS, OUTLET_HEADS, ORG_HEADS, UNNAMED, OUTLET_KINDS = W.PRONOUNS, W.OUTLET_HEADS, W.ORG_HEADS,
   W.UNNAMED, W.OUTLET_KINDS
local SPEAKER_TYPES = W.SPEAKER_TYPES

local function compatible(sex, g)
   if g ~= "m" and g ~= "f" then return false end
   return sex == nil or sex == "u" or sex == g
end

-- the first entity of doc.kept that starts at or after pos
local function first_from(kept, pos)
   local lo, hi = 1, #kept + 1
   while lo < hi do
      local mid = (lo + hi) // 2
      if kept[mid].start < pos then lo = mid + 1 else hi = mid end
   end
   return lo
end

-- Whether a description with that head noun can stand for organisation
-- a: an outlet for "the newspaper", another for "the ministry" (whose
-- name holds the head, but for "the government" and "the campaign").
-- The organisations' lower-case texts are kept in doc.cache.org_lower,
-- by annotation.
local function stands_for(doc, a, head)
   if OUTLET_KINDS[a.attrs.kind] == true then return not not OUTLET_HEADS[head] end
   if not (ORG_HEADS[head] or SPEAKER_TYPES[head] == "organization") then return false end
   if head == "government" or head == "campaign" then return true end
   local cache = doc.cache
   local lower = cache.org_lower
   if not lower then
      lower = {}
      cache.org_lower = lower
   end
   local text = lower[a]
   if not text then
      text = a.text:lower()
      lower[a] = text
   end
   return text:find(head, 1, true) ~= nil
end

-- The last organisation of the document that starts before byte pos (and
-- that a description with head noun head can stand for, with a head), or
-- nil: doc.kept is sorted by start, so the walk back from pos meets it
-- first, and no list of the organisations is made. The last answer of
-- each head is kept (doc.cache.org_before[head or true]: i, the last
-- entity before the pos asked about, and k, the answer's index, 0 for
-- none): a later pos walks back only to that i, so that the calls of a
-- document, made in text order, walk kept once between them (a walk
-- back to the start each time, in a document that names no
-- organisation, would grow with the square of its entities).
local function organisation_before(doc, pos, head)
   local kept, cache = doc.kept, doc.cache
   local memos = cache.org_before
   if not memos then
      memos = {}
      cache.org_before = memos
   end
   local key = head or true
   local memo = memos[key]
   local i = first_from(kept, pos) - 1
   -- the walk stops above floor, where the answer is found (0: none)
   local floor, found = 0, 0
   if memo then
      if memo.i <= i then floor, found = memo.i, memo.k
      elseif memo.k <= i then return kept[memo.k]   -- (kept[0] is nil)
      end
   end
   for k = i, floor + 1, -1 do
      local a = kept[k]
      if a.type == "organization" and (head == nil or stands_for(doc, a, head)) then
         found = k
         break
      end
   end
   if not memo then memos[key] = { i = i, k = found }
   elseif memo.i <= i then memo.i, memo.k = i, found
   end
   return kept[found]
end

-- The first person of a sentence that a pronoun can stand for, found in
-- C (quarry.phrases.subjects): doc.persons is in the order of doc.kept
-- (by start), and a person's first token is the first its span touches,
-- so the people whose first token is in the sentence are a run of the
-- list, found by halves from the end of the token before the sentence's
-- first. A person is the subject unless it is in a line of page furniture
-- (at most FURNITURE_WORDS words and no full stop: "Article continued
-- below", "Related"), inside quotation marks (someone's words: the marks
-- of its paragraph before it leave one open, as marks.stretches counts
-- them), or a surname used as an adjective ("Black communities" after
-- "Susan Black": a later mention the rules did not mark, before a word
-- that is no verb). With it, the genders of the possessive pronouns
-- before it in its sentence ("His foreman, Joe Varga": "his" stands for
-- someone else, the topic), as bits: GENDER_BITS. The scanner walks at
-- most WINDOW + 1 tokens a person: past WINDOW tokens into a paragraph the
-- document's stretches tell whether a person is inside quotation marks
-- (in_stretches below: made once a document, on first use), and the
-- scanner leaves a person to can_be_subject until they are made.
local FURNITURE_WORDS = 4
local GENDER_BITS = { m = 1, f = 2 }
local WINDOW = D.WINDOW
local SUBJECTS
do
   local skip, passive, his, her = {}, {}, {}, {}
   for w in pairs(W.SKIP_AFTER_CUE) do skip[#skip + 1] = w end   -- (listed, skipped or not)
   for w, yes in pairs(W.PASSIVE_AUX) do
      if yes then passive[#passive + 1] = w end
   end
   for w, base in pairs(W.POSSESSIVE_PRONOUNS) do
      local g = PRONOUNS[base]
      if g == "m" then his[#his + 1] = w elseif g == "f" then her[#her + 1] = w end
   end
   SUBJECTS = phrases.subjects { skip = skip, passive = passive, ends = { ".", "!", "?" }, his = his, her = her,
      furniture = FURNITURE_WORDS, window = WINDOW }
end

-- Whether paragraph p is a line of page furniture (the scanner's test, for
-- a person it leaves to can_be_subject; kept a paragraph in
-- doc.cache.furniture).
local function furniture(doc, p)
   if p == nil then return nil end
   local lines = doc.cache.furniture
   if not lines then
      lines = {}
      doc.cache.furniture = lines
   end
   local v = lines[p]
   if v == nil then
      -- (its first FURNITURE_WORDS + 1 words at most, and its last token)
      local _, _, first, last = doc.toks:paragraph(p)
      local words, kinds = 0, doc.kinds
      for i = first, last do
         if kinds[i] == "word" then
            words = words + 1
            if words > FURNITURE_WORDS then break end
         end
      end
      v = false
      if words > 0 then
         local k = doc.keys[last]
         v = words <= FURNITURE_WORDS and not (k == "." or k == "!" or k == "?")
      end
      lines[p] = v
   end
   return v
end

-- Whether token i, more than WINDOW tokens into its paragraph, is inside
-- quotation marks: inside a stretch of marks.stretches (a mark opens one,
-- the next mark of the paragraph ends it; made once a document), found by
-- halves, with no walk over the paragraph.
local function in_stretches(doc, i)
   local cache = doc.cache
   if not cache.quoted_from then cache.quoted_from, cache.quoted_to = marks.stretches(doc.toks) end
   local from, to = cache.quoted_from, cache.quoted_to
   local lo, hi, found = 1, #from, nil
   while lo <= hi do
      local mid = (lo + hi) // 2
      if from[mid] <= i then found, lo = mid, mid + 1 else hi = mid - 1 end
   end
   return found ~= nil and i <= to[found]
end

-- Whether token i (not a mark) of paragraph p is inside quotation marks:
-- the marks of its paragraph before it leave one open (the first
-- paragraph's counted from the text's first token), one C scan up to
-- WINDOW tokens into the paragraph, the stretches past them.
local function quoted(doc, i, p)
   local first = 1
   if p and p > 1 then
      local _
      _, _, first = doc.toks:paragraph(p)
   end
   if i - first > WINDOW then return in_stretches(doc, i) end
   return marks.depth(doc.toks, first, i - 1) > 0
end

-- Whether person a can be the subject a pronoun stands for, and the
-- genders of the possessives before it in the sentence from token from
-- (GENDER_BITS), or false: the scanner's test, for a person it leaves to
-- the caller (far into a long paragraph before the stretches are made).
local function can_be_subject(doc, a, from)
   local f = a.first_tok
   local p = para_at(doc, f)
   if furniture(doc, p) or quoted(doc, f, p) then return false end
   if a.rule == "coref" and a.last_tok == f and f < doc.n then
      local nk = doc.keys[f + 1]
      if doc.kinds[f + 1] == "word" and case_at(doc, f + 1) == "lower" and not C.is_cue(doc, f + 1)
         and W.SKIP_AFTER_CUE[nk] == nil and not W.PASSIVE_AUX[nk] and nk:sub(-2) ~= "ed" then
         return false
      end
   end
   local genders = 0
   -- (walked only when a word set's C scan finds a possessive there)
   if from <= f - 1 and W.POSSESSIVE_WORDS:find(doc.toks, from, f - 1) then
      for t = from, f - 1 do
         local base = W.POSSESSIVE_PRONOUNS[doc.keys[t]]
         local bit = base and GENDER_BITS[PRONOUNS[base]]
         if bit then genders = genders | bit end
      end
   end
   return genders
end

-- (the first person of sentence s that can be the subject, looked for on
-- first use: the person, or false, in first[s]; the possessives' genders
-- in poss[s])
local function first_subject(doc, s)
   local cache = doc.cache
   local first, poss = cache.first_person, cache.first_possessives
   if not first then
      first, poss = {}, {}
      cache.first_person, cache.first_possessives = first, poss
   end
   local e = first[s]
   if e ~= nil then return e, poss[s] end
   local starts, from = doc.starts, doc.starts[s]
   e = false
   if from then
      local nxt = starts[s + 1]
      local persons, toks, in_name, cues = doc.persons, doc.toks, doc.in_name, W.CUES
      local to = nxt and nxt - 1 or C.sentence_last(doc, from)
      local k, genders = SUBJECTS:first(toks, persons, from, to, in_name, cues, nil, cache.quoted_from,
         cache.quoted_to)
      -- (false: person number genders is far into a long paragraph, and the
      -- document's stretches are not made yet, or a long paragraph's first
      -- WINDOW + 1 tokens do not tell whether it is page furniture: decided
      -- here, which makes the stretches when it needs them)
      while k == false do
         local g = can_be_subject(doc, persons[genders], from)
         if g then
            k, genders = genders, g
         else
            k, genders = SUBJECTS:first(toks, persons, from, to, in_name, cues, genders, cache.quoted_from,
               cache.quoted_to)
         end
      end
      if k then
         e = persons[k]
         poss[s] = genders
      end
   end
   first[s] = e
   return e, poss[s]
end

-- The first person of sentence s that a pronoun can stand for, if it
-- starts before byte pos: the person, and the genders of the possessives
-- before it.
local function sentence_subject(doc, s, pos)
   local a, possessives = first_subject(doc, s)
   if a and a.start < pos then return a, possessives end
   return nil
end

-- the determiners (data/quote_words.tsv) as a word set, or nil when one
-- of them is not a word of its own (no token's key)
local DET_WORDS = C.set_of(W.DETS)

-- "The rights group condemned the mayor's remarks when he spoke": a
-- description of one person before token p in its sentence, for a
-- pronoun whose sentence names no one before it.
local function description_before(doc, p)
   local from, toks, keys, dets, descriptions = doc.starts[doc.sents[p]], doc.toks, doc.keys, W.DETS, W.DESCRIPTIONS
   -- (the determiners found by a word set's C scan; each token walked
   -- when the set cannot hold them all)
   local t = from
   if DET_WORDS then t = from <= p - 1 and DET_WORDS:find(toks, from, p - 1) or nil end
   -- (a determiner's description is made only when it ends before p on
   -- a person's head noun: M.description_from's C scan for its last word
   -- first, no tables for the others)
   while t and t <= p - 1 do
      if dets[keys[t]] then
         local last = descriptions:last(toks, t)
         local head = last and last < p and keys[last]
         if head and SPEAKER_TYPES[head] == "person" and not UNNAMED[head] then return M.description_from(doc, t) end
      end
      if DET_WORDS then t = t < p - 1 and DET_WORDS:find(toks, t + 1, p - 1) or nil else t = t + 1 end
   end
   return nil
end

-- "HADLEY", "Reed" alone: the person of the article whose name ends so.
local function person_by_surname(doc, want)
   local by = doc.cache.by_surname
   if not by then
      by = {}
      local persons = doc.persons
      for k = 1, #persons do
         local a = persons[k]
         local last = (a.attrs.name or ""):lower():match("(%S+)$")
         if last and not by[last] then by[last] = a end
      end
      doc.cache.by_surname = by
   end
   local a = by[want]
   if a then return a.attrs.name or "", a.cluster end
   return nil
end

-- "the Northern Ledger newspaper", "the ministry", "the top Russian
-- diplomat": the entity the description holds, the outlet or
-- organisation last named, the person whose titles it shares: name,
-- cluster, whether it is an organisation; or nil.
local function description(doc, m)
   local head = m.head
   if UNNAMED[head] then return nil end
   local kept = doc.kept
   local ms, me = D.Doc.span_of(doc, m.first, m.last)
   -- (the entity must end the description: "a top Hadley surrogate" is
   -- not Hadley)
   for k = first_from(kept, ms), #kept do
      local a = kept[k]
      if a.start > me then break end
      if a.start >= ms and a.stop <= me and (a.type == "organization" or a.type == "person")
         and (a.last_tok == m.last or OUTLET_HEADS[head] and a.type == "organization") then
         return a.attrs.name, a.cluster, a.type == "organization"
      end
   end
   if m.owner and OUTLET_HEADS[head] then return m.owner.attrs.name, nil, true end
   if OUTLET_HEADS[head] or ORG_HEADS[head] or SPEAKER_TYPES[head] == "organization" then
      local a = organisation_before(doc, ms, head)
      if a then return a.attrs.name, nil, true end
      return nil
   end
   local describe = doc.cache.describe
   if not describe then
      describe = people.describer(doc.clusters)
      doc.cache.describe = describe
   end
   local c = describe(m.words, ms)
   if c then return c.canonical, c end
   return nil
end

-- "he", "she": the same sentence's subject (or the person a description
-- before the pronoun names), else an earlier sentence's of that gender —
-- the topic: not a person a possessive of that gender introduces ("Carl
-- Brandt spent decades at the plant. His foreman, Joe Varga, retired. ¶
-- 'We built engines,' he said" is Brandt's) — else the last speaker's;
-- "it": the organisation last named.
local function pronoun(doc, state, m)
   local toks, span = doc.toks, doc.span
   local g = PRONOUNS[m.pron]
   if g == "n" then
      local a = organisation_before(doc, (span(toks, m.first)))
      if a then return a.attrs.name, nil end
      return nil
   end
   if g ~= "m" and g ~= "f" then return nil end
   local s = doc.sents[m.first]
   local ms = span(toks, m.first)
   for back = 0, 4 do
      if s - back < 1 then break end
      local a, possessives = sentence_subject(doc, s - back, ms)
      if a and compatible(a.cluster and a.cluster.sex, g) and not (back > 0 and possessives & GENDER_BITS[g] ~= 0) then
         return a.attrs.name, a.cluster
      end
      if back == 0 and not a then
         local d = description_before(doc, m.first)
         if d then
            local name, cluster = description(doc, d)
            if cluster and compatible(cluster.sex, g) then return name, cluster end
            if not name then
               local ds, de = D.Doc.span_of(doc, d.first, d.last)
               return doc.text:sub(ds + 1, de), nil
            end
         end
      end
   end
   -- (the last speaker: a person of that gender, or a person by a name the
   -- rules did not know, "said Chief Corrina Leween")
   local last = state.last_speaker
   if last and last.cluster and compatible(last.cluster.sex, g) then return last.name, last.cluster end
   if last and not last.cluster and last.speaker_type == "person" and m.kind == "pronoun" then
      return last.name, nil
   end
   return nil
end

-- The kind of speaker a description or capitalised words name by their
-- last word (data/speaker_types.tsv), or nil.
local function type_of_head(head)
   return head and SPEAKER_TYPES[head] or nil
end

-- A pronoun's kind of speaker: one person for "he", "she", "I"; "it" the
-- organisation it stands for; "they", "we" a group, or the organisation.
local function pronoun_type(m, name)
   local g = PRONOUNS[m.pron]
   if g == "m" or g == "f" or m.pron == "i" then return "person" end
   if g == "n" then return name and "organization" or "unknown" end
   return name and "organization" or "group"
end

-- (gsub's replacement for an upper-case word: "HADLEY" -> "Hadley")
local function title_case(a, b) return a .. b:lower() end

-- Who mention m stands for and what kind of speaker: name, cluster, type.
local function resolve(doc, state, m)
   local kind = m.kind
   if kind == "rel" then
      if m.antecedent then return resolve(doc, state, m.antecedent) end
      return nil, nil, "unknown"
   end
   if kind == "person" then return m.ann.attrs.name, m.ann.cluster, "person" end
   if kind == "label" then
      local name, cluster = person_by_surname(doc, (m.label:lower():gsub("^.*%s", "")))
      if name then return name, cluster, "person" end
      return (m.label:gsub("(%u)(%u*)", title_case)), nil, "person"
   end
   if kind == "organization" or kind == "location" then return m.ann.attrs.name, nil, "organization" end
   if kind == "name" then
      local ns, ne = D.Doc.span_of(doc, m.first, m.last)
      if m.first == m.last then
         local name, cluster = person_by_surname(doc, doc.keys[m.first])
         if name then return name, cluster, "person" end
      end
      local t = type_of_head(doc.keys[m.last])
      return doc.text:sub(ns + 1, ne), nil, (t == "organization" or t == "document") and t or "person"
   end
   if kind == "pronoun" then
      local name, cluster = pronoun(doc, state, m)
      return name, cluster, cluster and "person" or pronoun_type(m, name)
   end
   if kind == "desc" then
      local name, cluster, org = description(doc, m)
      if cluster then return name, cluster, "person" end
      if name then return name, nil, org and "organization" or type_of_head(m.head) or "unknown" end
      -- a description no one named earlier speaks as written: "the water
      -- board", "a leaked memo", "officials"
      local ds, de = D.Doc.span_of(doc, m.first, m.last)
      return doc.text:sub(ds + 1, de), nil, type_of_head(m.head) or m.alone and W.ALONE[m.head] or "unknown"
   end
   return nil, nil, "unknown"
end

--- Who mention m stands for: speakers.resolve(doc, state, m) -> canonical
-- name or nil, cluster or nil, and the kind of speaker: "person",
-- "organization", "group", "document" or "unknown".
function speakers.resolve(doc, state, m)
   return resolve(doc, state, m)
end

return speakers
