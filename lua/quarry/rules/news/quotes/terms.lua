-- Words in quotation marks that nobody says: scare quotes, titles,
-- nicknames, words mentioned as words. A quote is reported speech — a
-- speech cue in its clause, a speaker, a colon or a cue introducing it, a
-- whole statement, or a continuation of one — and the driver
-- (quotes/init.lua) asks terms.classify about each pair of marks once the
-- sieve has looked for its speaker; what is not speech becomes an
-- annotation of type "term" with attrs.kind "scare", "title", "nickname"
-- or "mention". The decision is keyed on what is around the marks, never
-- on their length: "Smith called the plan 'reckless'" is a quote (a cue
-- governs it), "the so-called 'soft landing'" a term.
--
-- Markers (data/quote_terms.tsv) decide first: a phrase before the
-- opening mark ("dubbed", "the documentary", "the phrase") or after the
-- closing one ("… star", "… means"). Reads the document record; changes
-- nothing.
local W = include "quotes/words"
local CUE_KEYS = W.CUE_KEYS
local D = include "quotes/document"
local case_at = D.case
local M = include "quotes/mentions"
local attribution = require "quarry.attribution"

local terms = {}
local byte = string.byte

local SMALL, DETS, SPEECH_NOUNS, SKIP, SPEAKER_TYPES, REPORTING, FINDING = W.SMALL, W.DETS, W.SPEECH_NOUNS,
   W.SKIP_AFTER_CUE, W.SPEAKER_TYPES, W.REPORTING, W.FINDING
local is_cue = D.Doc.is_cue

local PERSONAL = { he = true, she = true, they = true, we = true }
local KINDS = { scare = true, title = true, nickname = true, mention = true, speech = true }
local WHERE = { before = true, before_title = true, before_far = true, what_before = true, after = true,
   inside = true }

-- The markers (in the file's order) and the test of them, in C
-- (quarry.attribution.markers); SPEAKING[key]: a word of someone speaking.
local MARKERS, SPEAKING = {}, {}
for _, row in ipairs(read_list("data/quote_terms.tsv")) do
   local phrase, kind, where = row[1], row[2], row[3]
   if not (phrase and KINDS[kind] and WHERE[where] and (kind == "speech") == (where == "inside")) then
      error("data/quote_terms.tsv:" .. row.line .. ": expected a phrase, a kind (scare, title, nickname, "
         .. "mention) and where (before, before_title, before_far, what_before, after), or a word, speech, inside")
   end
   if kind == "speech" then
      SPEAKING[phrase] = true
   else
      local keys = {}
      for w in phrase:gmatch("%S+") do keys[#keys + 1] = w end
      MARKERS[#MARKERS + 1] = { keys = keys, kind = kind, where = where }
   end
end
local MARKER_TEST
do
   local dets = {}
   for w, yes in pairs(DETS) do
      if yes then dets[#dets + 1] = w end
   end
   table.sort(dets)
   MARKER_TEST = attribution.markers(MARKERS, dets)
end

-- the test of title-like words, in C, with the small words of titles
local TITLE_LIKE
do
   local list = {}
   for w, yes in pairs(SMALL) do
      if yes then list[#list + 1] = w end
   end
   table.sort(list)
   TITLE_LIKE = attribution.title_test(list)
end

--- Whether a text is title-like: "Harbour Nights.", "Channel 9
-- Sunday," "13th" — one to seven capitalised words (or numbers) and the
-- small words of titles: terms.title_like(s [, start, stop]), over the
-- bytes start .. stop of s (0-based, stop exclusive) when given.
function terms.title_like(s, start, stop)
   return TITLE_LIKE(s, start, stop)
end

--- The marker of the quote q: kind, the marker's first and last tokens;
-- or nil. title: whether the words inside are title-like. ("known as
-- 'Nightjar'", "dubbed this year's push 'the last dance'", "the '…' star":
-- data/quote_terms.tsv, tested in C.)
function terms.marker(doc, q, title)
   return MARKER_TEST(doc.toks, doc.text, q.open, q.close, q.start, q.stop, title, doc.sents, doc.starts)
end

--- The speech cue of the quote's clause: a speech verb before the quote
-- in its sentence or after it, or a noun of saying before it, outside
-- other quotes ("Smith called the plan 'reckless'", "'…,' he said", "her
-- promise to be 'neutral'"): its token, or nil.
function terms.cue_in_clause(doc, q)
   local toks = doc.toks
   local floor = doc.starts[q.sent or doc.sents[q.open]]
   local inside = false
   -- (walked only when a word a cue or a noun of saying stands on is there)
   if floor <= q.open - 1 and W.CUE_OR_NOUN_WORDS:find(toks, floor, q.open - 1) then
      for t = q.open - 1, floor, -1 do
         local kind = doc.kinds[t]
         if kind == "close_quote" then inside = true elseif kind == "open_quote" then inside = false
         elseif not inside and ((CUE_KEYS[doc.keys[t]] and is_cue(doc, t)) or SPEECH_NOUNS[doc.keys[t]]) then
            return t
         end
      end
   end
   if not q.close then return nil end
   return D.Doc.cue_later(doc, q.close + 1, doc.sents[q.close], false)
end

-- Whether the quote's sentence is a headline in title case ("‘Progress’
-- in Talks, Says Voronov"): its words outside the marks, two at least, all
-- capitalised but for the small words of titles.
local function headline_case(doc, q)
   local s0 = q.sent or doc.sents[q.open]
   local first, n = doc.starts[s0], 0
   for t = first, doc.n do
      if doc.sents[t] ~= s0 then break end
      if (t < q.open or t > q.close) and doc.kinds[t] == "word" and not SMALL[doc.keys[t]] then
         if case_at(doc, t) == "lower" then return false end
         n = n + 1
      end
   end
   return n >= 2
end

-- Whether a cue or the speaker is right next to the marks: a cue a few
-- words before the opening one, in its clause ("chanted 'Close the Gates'",
-- "called the 1998 spelling champion 'Little Webster'"), the sieve's cue or
-- mention within two tokens after the closing one ("'Build It Now,' Hadley
-- said").
local function adjacent(doc, q)
   local lo = q.open - 8
   if lo < 1 then lo = 1 end
   for t = q.open - 1, lo, -1 do
      if (CUE_KEYS[doc.keys[t]] and is_cue(doc, t)) then return true end
      if doc.kinds[t] ~= "word" and doc.kinds[t] ~= "number" then break end
   end
   local c = q.cue_tok
   if c and c > q.close and c <= q.close + 2 then return true end
   local m = q.found
   return m ~= nil and m.first ~= nil and m.first > q.close and m.first <= q.close + 2
end

-- Whether the words inside speak as someone does: a first or second
-- person ("doesn't pay me fairly", "win my silver trophy!"), or a
-- sentence of their own that is not a title ("I think the new tax is
-- nothing…" after a dash), or words that run over a sentence's end ("the
-- levy 'works for a while. Then it doesn't.'": nobody holds two sentences
-- at a distance).
local function speaks(doc, q, title)
   for t = q.open + 1, q.close - 1 do
      if SPEAKING[doc.keys[t]] and doc.kinds[t] == "word" then return true end
   end
   if q.close - q.open > 2 and doc.sents[q.open + 1] ~= doc.sents[q.close - 1] then return true end
   local b = byte(doc.text, q.start + 1)   -- (a capital, %u, opens it)
   return not title and b ~= nil and b >= 65 and b <= 90
end

-- Whether a mention can say words: someone who is not a place, or a
-- description whose head names a speaker ("the audit", "the ministry").
local function can_say(m)
   if m and m.kind == "rel" then m = m.antecedent end
   if not m or m.kind == "location" then return false end
   return m.kind ~= "desc" or SPEAKER_TYPES[m.head] ~= nil
end

-- "Morrow worried that the pension fund was becoming 'a piggy bank'": a
-- clause reported after a verb (that, whether) whose subject is someone,
-- before the quote in its sentence; "The audit found 'serious gaps'",
-- "a study that found the levy did 'lasting' harm": a verb of finding or
-- thinking (data/speaker_words.tsv) whose subject can say them. -> the
-- complementiser's or the verb's token, or nil.
local function reported_clause(doc, q)
   local floor = doc.starts[q.sent or doc.sents[q.open]]
   for t = q.open - 1, floor + 1, -1 do
      local k = doc.keys[t]
      if doc.kinds[t] ~= "word" and doc.kinds[t] ~= "number" and k ~= "," then return nil end
      if REPORTING[k] and t >= floor + 2 then
         local v = t - 1
         if doc.kinds[v] == "word" and case_at(doc, v) == "lower" and not DETS[doc.keys[v]] then
            v = v - 1
            while v > floor and SKIP[doc.keys[v]] do v = v - 1 end
            if can_say(M.ending(doc, v, floor)) then return t end
         end
      elseif FINDING[k] and case_at(doc, t) == "lower" and can_say(D.Doc.subject_before(doc, t, floor)) then
         return t
      end
   end
   return nil
end

-- Whether the words are woven into a clause whose subject is someone
-- who can say them ("Dunne questioned Hadley's 'harbour values'"): the
-- sieve found them a person, an organisation or a personal pronoun.
local function someone_subject(q)
   local m = q.mention
   if not m or q.inherited then return false end
   return m.kind == "person" or m.kind == "organization" or m.kind == "name"
      or m.kind == "pronoun" and PERSONAL[m.pron] ~= nil
end

--- What the quote q is when it is not speech: kind, why (for quarry
-- explain); or nil for reported speech.
-- @param doc table the document record (quotes/document.lua)
-- @param q table the driver's quote record, the sieve's answer set in it
-- (found, mention, cue_tok, inherited)
-- @param opens bool whether the quote opens its sentence with a capital (a statement)
-- @param firm bool whether a strategy that is not weak attributed it
-- @return string|nil the term's kind
-- @return string|nil why
function terms.classify(doc, q, opens, firm)
   local before = q.open > 1 and doc.keys[q.open - 1] or nil
   if q.label or before == ":" or q.lead_in or not q.close then return nil end
   -- (a cry is no title: "Vote for Nell!", "Mr. O'Malley?"; in a headline
   -- every word is capitalised)
   local last = byte(doc.text, q.stop)   -- (q.stop > q.start: the quote's last byte)
   local title = last ~= 33 and last ~= 63 and TITLE_LIKE(doc.text, q.start, q.stop) and not headline_case(doc, q)
   local kind, mf, ml = MARKER_TEST(doc.toks, doc.text, q.open, q.close, q.start, q.stop, title, doc.sents, doc.starts)
   if kind then
      local ms, me = D.Doc.span_of(doc, mf, ml)
      return kind, "marked by '" .. doc.text:sub(ms + 1, me) .. "'"
   end
   if q.is_title then return "title", "a title after '" .. before .. "'" end
   if title then
      -- (“Who?” he asked. “Ada Kessler.”: an answer goes on speaking)
      if firm and (adjacent(doc, q) or q.inherited and opens) then return nil end
      return "title", "title-like words with no speaker or cue next to them"
   end
   if q.cue_tok or opens or speaks(doc, q, title) or terms.cue_in_clause(doc, q) or reported_clause(doc, q)
      or someone_subject(q) then
      return nil
   end
   return "scare", "no speech cue in its clause"
end

return terms
