-- The document as quote attribution reads it: built once a document by
-- the driver (quotes/init.lua), read by every strategy, changed by none.
--
--   doc.toks, doc.text, doc.n      the tokens (quarry.Tokens), the text, #toks
--   doc.keys[i], doc.kinds[i]      the key and kind of token i
--                                  (attribution.columns: made when first
--                                  read; read by token number, doc.n is
--                                  their count), and its attribution
--   doc.sents[i]                   sentence (Doc.sent; looked up in C when
--                                  read, by token number); doc.starts[a]
--                                  the first token of attribution sentence a
--   doc.kept                       the entities kept, sorted by start
--   doc.persons                    the people among them, in order
--   doc.clusters                   the people of the document (people.lua)
--   doc.at[i], doc.ends[i]         the person, organisation or place that
--                                  starts, ends at token i
--   doc.in_name[i]                 token i is a word of an organisation's
--                                  or a place's name
--   doc.allowed(pos)               false inside the page's clutter
--   doc.joined[s]                  the first token of sentence s when it goes
--                                  on the one before ("(D-Minn.) reacted");
--                                  doc.root[s] the first of those it goes on
--   doc.cache                      lookups built on first use (speakers.lua,
--                                  clauses.lua)
--   doc.get, doc.span              the tokens' get and span methods
--
-- The modules read those arrays directly, and a token's case and
-- paragraph through document.case(doc, i) and document.para(doc, i),
-- looked up once a document (doc.cases, doc.paras).
--
-- Methods (for a pack's own strategies; the modules call the functions
-- directly): doc:key(i), doc:sent(i), doc:sentence_start(i),
-- doc:is_cue(i), doc:span_of(first, last), and the mention and clause
-- helpers of mentions.lua and clauses.lua (doc:mention_at(i),
-- doc:mention_ending(i, floor), doc:mention_after_cue(i),
-- doc:subject_before(cue, floor), doc:clause_subject(t, floor), ...).
local W = include "quotes/words"
local attribution = require "quarry.attribution"
local CUE_KEYS = W.CUE_KEYS
local byte = string.byte

local document = {}

-- The sentences a speaker is looked for in: the tokeniser's sentences,
-- those that go on the one before joined to it (below), and those longer
-- than WINDOW tokens cut into windows of WINDOW tokens, so that no search
-- around a quote walks more than WINDOW tokens (a paragraph without full
-- stops, or with a parenthesis left open, would make each quote walk all
-- of it). A sentence joined to the one before takes its number.
local WINDOW = 128
document.WINDOW = WINDOW

local Doc = {}
document.Doc = Doc

local kind_at, case_at, para_at

--- The record of a document: document.new(ctx, kept, clusters, allowed) -> doc.
-- Made in one call in C (quarry.attribution.document): the key and kind
-- columns; the attribution sentences ("Rep. Ida Brandt (D-Minn.) reacted
-- to the news": a sentence the tokeniser began inside parentheses, or in
-- lower case right after them, goes on the one before: joined[s] = the
-- first token of sentence s, root[s] = the first sentence of those it goes
-- on, for each such sentence; the long sentences, those of more than
-- WINDOW tokens with the ones joined to them: {s, first, before, after},
-- where before and after count the windows the long sentences before it,
-- and it, add); the names by token (first_tok, last_tok on each); and the
-- methods of Doc through a metatable of quarry's (one a pack's sandbox
-- made would have quarry check every annotation of the document for one).
function document.new(ctx, kept, clusters, allowed)
   local doc = attribution.document(ctx.tokens, kept, WINDOW, Doc)
   doc.text, doc.clusters, doc.allowed = ctx.text, clusters, allowed
   return doc
end

--- The key of token i (toks:key(i), doc.keys[i]):
-- document.key(doc, i); i in 1 .. doc.n.
local function key(doc, i)
   return doc.keys[i]
end
document.key = key

--- The kind of token i (toks:kind(i), doc.kinds[i]): document.kind(doc, i).
function kind_at(doc, i) return doc.kinds[i] end
document.kind = kind_at

-- A field of token i, toks:get(i, field), looked up once a document in
-- doc.cases or doc.paras (a nil, as "paragraph" without paragraphs, is
-- asked again); each function reads its own table (no call more for a
-- lookup that is made for most tokens a walk visits).

--- The case of token i (toks:get(i, "case")), looked up once a document
-- (doc.cases): document.case(doc, i).
function case_at(doc, i)
   local t = doc.cases
   local v = t[i]
   if v == nil then
      v = doc.get(doc.toks, i, "case")
      t[i] = v
   end
   return v
end
document.case = case_at

--- The paragraph of token i (toks:get(i, "paragraph"); nil without
-- paragraphs): document.para(doc, i).
function para_at(doc, i)
   local t = doc.paras
   local v = t[i]
   if v == nil then
      v = doc.get(doc.toks, i, "paragraph")
      t[i] = v
   end
   return v
end
document.para = para_at

--- The key of token i (key(doc, i)), or nil outside 1 .. doc.n.
function Doc.key(doc, i)
   if i < 1 or i > doc.n then return nil end
   return key(doc, i)
end

--- The number of token i's attribution sentence (doc.sents[i]): its
-- sentence, or its window of a sentence longer than WINDOW tokens.
function Doc.sent(doc, i)
   return doc.sents[i]
end

--- The first token of token i's attribution sentence (doc.starts[a]: the
-- first token of attribution sentence a).
function Doc.sentence_start(doc, i)
   return doc.starts[doc.sents[i]]
end

--- The byte span of tokens first .. last: doc:span_of(first, last) -> start, stop.
function Doc.span_of(doc, first, last)
   local toks, span = doc.toks, doc.span
   local s, e = span(toks, first)
   if last ~= first then
      local _, last_stop = span(toks, last)
      e = last_stop
   end
   return s, e
end

--- Whether token i is a cue of speech: a speech verb (not a word of a
-- name, not a noun after a determiner or a possessive), or the first word
-- of a phrasal one ("went on", "fired back").
local is_cue

function Doc.is_cue(doc, i)
   local cues = doc.cues   -- (decided once a token)
   local c = cues[i]
   if c == nil then
      if i < 1 or i > doc.n then return false end
      c = is_cue(doc, i)
      cues[i] = c
   end
   return c
end

function is_cue(doc, i)
   local n = doc.n
   local k = doc.keys[i]
   if W.VERBS[k] == true and not doc.in_name[i] then
      -- "Hadley's tweet", "his early-morning tweets", "the claim": a noun
      local y, z = byte(k, -2, -1)   -- (not "-ed": the key's last two bytes)
      if (y ~= 101 or z ~= 100) and i > 1 then
         local p = doc.keys[i - 1]
         if W.NOUN_LEADS[p] then return false end
         -- "his ‘tone-deaf’ comments": a noun after a quote a possessive opens
         if doc.kinds[i - 1] == "close_quote" then
            local lo = i - 12
            if lo < 1 then lo = 1 end
            for o = i - 2, lo, -1 do
               if doc.kinds[o] == "open_quote" then
                  if o > 1 and W.NOUN_LEADS[doc.keys[o - 1]] then return false end
                  break
               end
            end
         end
         -- "his early-morning tweets" (an adjective between; "the ad
         -- says" has a noun there, which the tokens cannot tell apart)
         if i > 2 and W.NOUN_LEADS[doc.keys[i - 2]] and p:find("%l%-%l") and case_at(doc, i - 1) == "lower" then
            return false
         end
      end
      return true
   end
   -- "he went on", "she fired back", "they pointed out": a speech verb of
   -- two words (the lists' phrasal verbs)
   return i < n and W.VERB_HEADS[k] == true and doc.kinds[i] == "word"
      and W.VERBS[k .. " " .. doc.keys[i + 1]] == true
      and not doc.in_name[i]
end

--- Whether the run of tokens from token from on that are in attribution
-- sentence s0 (what a walk from there to the sentence's end visits) may
-- hold a word of the word set: false when it surely holds none, found by
-- the set's C scan of at most WINDOW + 1 tokens (a sentence has no more
-- than WINDOW; the run ends at the first token of another sentence).
function Doc.run_may_hold(doc, set, from, s0)
   local n = doc.n
   if from > n then return false end
   if from < 1 then return true end
   local last = from + WINDOW
   if last > n then last = n end
   local w = set:find(doc.toks, from, last)
   if w then return doc.sents[w] == s0 end   -- (the first one from there; past the run when not in s0)
   return not (last == n or doc.sents[last] ~= s0)
end

--- The first cue of speech from token from on in sentence s0 that stands
-- outside quotation marks (inside: whether from is inside a pair), or nil.
function Doc.cue_later(doc, from, s0, inside)
   if not Doc.run_may_hold(doc, W.CUE_WORDS, from, s0) then return nil end
   for t = from, doc.n do
      if doc.sents[t] ~= s0 then break end
      local kind = doc.kinds[t]
      if kind == "open_quote" then inside = true elseif kind == "close_quote" then inside = false
      elseif not inside and (CUE_KEYS[doc.keys[t]] and Doc.is_cue(doc, t)) then return t end
   end
   return nil
end

return document
