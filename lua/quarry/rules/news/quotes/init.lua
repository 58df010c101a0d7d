-- Quotes and their speakers: the driver of an ordered sieve of named
-- strategies (quarry.sieve), after Stanford's quote attribution (Muzny et
-- al. 2017): each strategy is a small rule in a file of its own, tried in
-- order; the first that finds a mention decides who speaks.
--
-- For each pair of quotation marks the driver completes the quote record
-- q that pairing.quotes starts in C, runs the sieve with (q, doc, state), resolves the
-- mention found to a speaker (speakers.lua), decides the quote's kind and
-- whether to keep it, and updates the state, in one place (remember). The
-- sieve's answer goes into q itself (attribute), and a quote kept is the
-- state's previous quote as it is: no table more a quote than q and its
-- annotation.
--
--   q      the quote: open, close (token numbers; close is nil for a quote
--          left open at its paragraph's end), start, stop (the bytes of its
--          words), para (its paragraph), closed_sentence (it ends on "." or
--          "…"), soft_end (on ",", "!" or "?"), sent (the attribution
--          sentence of its opening mark, doc.sents[open], looked up once for
--          every strategy), lead_in (a cue right before
--          its opening mark, after "," or ":"), label (a transcript's
--          speaker in capitals that opens it: first, last, text, colon),
--          is_title (a title after "'s" or "on": “Morning Joe”); once
--          the sieve has run (attribute): strategy, tried, found (the
--          mention the strategy found), mention (the same, nil when the
--          speaker was carried over), inherited, cue_tok, cue_last,
--          speaker, cluster, speaker_type, sstart, send (its speaker's
--          span); kept (remember): close_tok, name (= speaker)
--   doc    the document (document.lua): tokens, entities by position,
--          sentences; read only
--   state  what earlier quotes decided, read only to strategies:
--          state.prev          the previous quote kept that is not a title
--                              (its record q): speaker, cluster, para,
--                              sstart, send (its speaker's span), close_tok,
--                              mention (what a strategy found in the text;
--                              nil when the speaker was carried over),
--                              cue_tok, speaker_type
--          state.last_speaker  the last quote with a speaker (its record
--                              q): name, cluster, speaker_type
--
-- A strategy is {name, about, find = function(q, doc, state) -> mention,
-- cue token, last cue token | nil, weak = true?}; a weak one's quote can
-- still be dropped as a scare quote or a title. The default order is
-- quotes.ORDER; a pack that includes news changes it through news.quotes
-- (docs/rules.md). Each quote's attrs.strategy names the strategy that
-- attributed it; with ctx.trace (quarry explain, and quarry eval's error
-- records) its trace also lists those tried before it, and a term's says
-- why it is no quote.
local quotes = {}
local null = require("cjson").null
local table_move = table.move
local sieve = require "quarry.sieve"
local W = include "quotes/words"
local D = include "quotes/document"
local pairing = include "quotes/pairing"
local speakers = include "quotes/speakers"
local terms = include "quotes/terms"

local NOT_LABELS = W.NOT_LABELS

-- The fields the driver adds to a quote record (quote_of, attribute,
-- remember): its record is made with room for them.
local ROOM = 18
local byte = string.byte

-- The bytes %s matches (isspace in the C locale): a byte test instead of a
-- one-byte string and a pattern for each character trimmed.
local SPACE = { [9] = true, [10] = true, [11] = true, [12] = true, [13] = true, [32] = true }
local is_cue = D.Doc.is_cue

--- The strategies, most precise first.
quotes.ORDER = {
   "transcript_label",    -- “HADLEY: Well, look…”
   "cue_before_mark",     -- …the narrator says, “…”
   "comma_after_colon",   -- Dr. Okafor stated: “…,” he claimed
   "colon_intro",         -- Pollster Dana Ruiz: “…”
   "split_quote",         -- “…,” he told the host, “…”
   "according_to",        -- “…,” according to Marta Solberg
   "after_quote",         -- “…,” said Voronov / he said / ― Jane Doe
   "noun_of_saying",      -- Hadley's claim that “…”
   "according_to_before", -- According to the ministry, the plan is “dead”
   "as_put_it",           -- The plan, as Ann Vale put it, is “a disaster”
   "before_quote",        -- Voronov said a “…”
   "later_in_sentence",   -- ‘Progress’ in Talks, Says Voronov
   "partial_subject",     -- Hadley is promising “homes, homes, homes”
   "continuation",        -- the previous quote's speaker
   "sentence_before",     -- Lynch said she had doubts. “This is…”
}

--- quotes.setup(entities): the speech verbs and non-names of the pack's data.
function quotes.setup(E)
   W.setup(E)
end

--- A sieve of the default strategies, in the default order:
-- quotes.new_sieve() -> quarry.sieve object (named "news.quotes").
function quotes.new_sieve()
   local list = {}
   for i, name in ipairs(quotes.ORDER) do list[i] = include("quotes/" .. name) end
   return sieve.new("news.quotes", list)
end

-- A transcript: “HADLEY: Well, look…” names its speaker in capitals (the
-- label is at most 40 bytes: a prefix of the quote holds it). -> label
-- record or nil.
local function transcript_label(doc, s)
   local text, toks = doc.text, doc.toks
   local b, b2 = byte(text, s + 1, s + 2)   -- (a label opens on a capital, %u, and goes on with [%u%.%-' ])
   if not b or b < 65 or b > 90 or not b2 or not (b2 >= 65 and b2 <= 90 or b2 == 46 or b2 == 45 or b2 == 39
      or b2 == 32) then
      return nil
   end
   local label = text:sub(s + 1, s + 64):match("^(%u[%u%.%-' ]*%u%.?):%s")
   if not (label and #label <= 40 and not NOT_LABELS[label:lower()]) then return nil end
   local first, last = toks:cover(s, s + #label)
   if not first then return nil end
   return { first = first, last = last, text = label, stop = s + #label,
      colon = last + 1 <= doc.n and doc.keys[last + 1] == ":" and last + 1 or nil }
end

-- The quote record q of the driver, completed in place (pairing.quotes
-- made it with open, close, start, stop, para, closed_sentence and
-- soft_end): sent, is_title, label (the quote's words then start after
-- it) and lead_in; nil for a quote in the page's clutter.
local function quote_of(doc, q)
   local text = doc.text
   local s, e, open = q.start, q.stop, q.open
   if not doc.allowed(s) then return nil end
   q.sent = doc.sents[open]
   -- “on Channel 9's “Early Edition,””: a title, whose marks (PolNeAR counts
   -- them as quotes) must not hand their speaker to the next quote
   local lead = open > 1 and doc.keys[open - 1] or nil   -- (also what makes a lead-in below)
   q.is_title = (lead == "'s" or lead == "\u{2019}s" or lead == "on")
      and terms.title_like(text, s, e) and select(2, text:sub(s + 1, e):gsub("%S+", "")) <= 6
   local label = transcript_label(doc, s)
   if label then
      s = label.stop + 1
      while s < e and SPACE[byte(text, s + 1)] do s = s + 1 end
      q.label, q.start = label, s
   end
   -- (a cue right before the opening mark, after "," or ":")
   q.lead_in = open > 2 and (lead == "," or lead == ":") and is_cue(doc, open - 2)
   return q
end

-- The sieve's answer for q, set in q: the strategy that found the
-- speaker (tried: how many before it), the mention it found, the cue
-- tokens, the speaker's name, cluster, type and span, and whether it
-- inherited the speaker.
local function attribute(the_sieve, q, doc, state)
   local i, m, c, c2 = the_sieve:run(q, doc, state)
   q.strategy, q.tried, q.found, q.cue_tok, q.cue_last = i and the_sieve.list[i] or nil, i and i - 1 or #the_sieve.list,
      m, c, c2
   q.speaker_type = "unknown"
   if not m then return end
   if m.kind == "same_speaker" then
      q.speaker, q.cluster, q.sstart, q.send, q.inherited = m.speaker, m.cluster, m.start, m.stop, true
      q.speaker_type = m.speaker_type or "unknown"
   else
      q.mention = m
      q.speaker, q.cluster, q.speaker_type = speakers.resolve(doc, state, m)
      q.sstart, q.send = D.Doc.span_of(doc, m.first, m.last)
   end
end

-- The strategies tried, by name, and the one that decided. (The lists of
-- names are the sieve's, made once for each length until it changes;
-- quarry hands each annotation out as a copy of its own.)
-- (tried is a copy: the sieve hands out one list a k, and the annotation,
-- uncopied out of the sandbox, is the caller's alone)
local function trace_of(q, the_sieve)
   local strategy = q.strategy
   local names = the_sieve:first_names(q.tried)
   return { strategy = strategy and strategy.name, where = strategy and strategy.where,
      tried = table_move(names, 1, #names, 1, {}) }
end

local TERMS_WHERE = sieve.where(terms.classify)

-- Marks around words nobody says (quotes/terms.lua): a term annotation,
-- whose trace (when asked) says why it is no quote (quarry explain).
local function term_annotation(q, kind, why, trace)
   if trace then
      trace.term = kind .. ": " .. why
      trace.strategy, trace.where = nil, TERMS_WHERE
   end
   return { type = "term", start = q.start, stop = q.stop, rule = "term", attrs = { kind = kind }, trace = trace }
end

-- The quote's annotation (type "quote", or "term" for marks around words
-- nobody says), or nil when it is not kept (markup: tweet="..."); traced:
-- with its trace.
local function annotation(doc, q, the_sieve, traced)
   local text, toks = doc.text, doc.toks
   local s, e, open = q.start, q.stop, q.open
   -- the kind: a whole statement, or words woven into a sentence
   local before = open > 1 and doc.keys[open - 1] or nil
   -- (open is the first token of its attribution sentence: the sentence
   -- numbers never decrease, so the one before is in another)
   local opens_sentence = open == 1 or doc.starts[q.sent] == open or before == ":"
      or (before == "," and open > 2 and is_cue(doc, open - 2))
      or doc.get(toks, open, "para_start")
   local b = opens_sentence and byte(text, s + 1)   -- (a lower-case letter, %l, opens a partial one)
   local kind = (opens_sentence and not (b and b >= 97 and b <= 122)) and "direct" or "partial"
   local firm = q.found and not (q.strategy.weak and not q.inherited)
   if before == "=" and not firm then return nil end
   local trace = traced and trace_of(q, the_sieve) or nil
   local term, why = terms.classify(doc, q, kind == "direct", firm)
   if term then return term_annotation(q, term, why, trace) end
   local cue_text = null
   local cue = q.cue_tok
   if cue then
      local cs, ce = D.Doc.span_of(doc, cue, q.cue_last or cue)
      cue_text = text:sub(cs + 1, ce)
   elseif q.close == nil or before == ":" then
      cue_text = before == ":" and ":" or null
   end
   return { type = "quote", start = s, stop = e, rule = "quote",
      attrs = { speaker = q.speaker or null, speaker_start = q.sstart or null, speaker_end = q.send or null,
                cue = cue_text, kind = kind, speaker_key = q.cluster and q.cluster.key or nil,
                speaker_type = q.speaker_type, strategy = q.strategy and q.strategy.name or null },
      trace = trace }
end

-- What a later quote needs of this one: the driver's one update of the
-- state, whose previous quote and last speaker are quote records (q is
-- not changed after this).
local function remember(state, q)
   q.close_tok = q.close
   if not q.is_title then state.prev = q end
   local speaker = q.speaker
   if speaker then
      q.name = speaker
      state.last_speaker = q
   end
end

-- A quote left open at its paragraph's end goes on in the next one: the
-- speaker named there is its speaker too, and its kind is the next one's.
-- (out: the quote annotations, terms left out; opened[i]: quote i was
-- left open.)
local function carry_open(out, opened)
   for i = #out - 1, 1, -1 do
      local q, nxt = out[i], out[i + 1]
      local open_ended = opened[i]
      if open_ended and q.attrs.speaker == null and nxt.attrs.speaker ~= null then
         local qa, na = q.attrs, nxt.attrs
         qa.speaker, qa.speaker_start, qa.speaker_end = na.speaker, na.speaker_start, na.speaker_end
         qa.speaker_key, qa.cue, qa.speaker_type = na.speaker_key, na.cue, na.speaker_type
         qa.strategy = "open_quote"
         if q.trace then q.trace.strategy, q.trace.where = "open_quote", nil end
      end
      if open_ended then nxt.attrs.kind = q.attrs.kind end
   end
end

--- Finds the quotes of a document and their speakers:
-- quotes.find(ctx, kept, clusters, allowed, the_sieve) -> quote annotations.
-- kept: the entities kept (sorted by start); clusters: the people
-- (people.lua); allowed(pos): false inside the page's clutter.
function quotes.find(ctx, kept, clusters, allowed, the_sieve)
   local found, npairs = pairing.quotes(ctx.tokens, ROOM)
   local out, said = {}, {}
   if npairs == 0 then return out end
   local doc = D.new(ctx, kept, clusters, allowed)
   local state = { prev = nil, last_speaker = nil }
   local traced = ctx.trace
   local opened   -- (the quotes of said left open, made for the first one)
   for _, found_q in ipairs(found) do
      local q = quote_of(doc, found_q)
      if q then
         attribute(the_sieve, q, doc, state)
         local ann = annotation(doc, q, the_sieve, traced)
         if ann then
            out[#out + 1] = ann
            if ann.type == "quote" then
               said[#said + 1] = ann
               if q.close == nil then
                  opened = opened or {}
                  opened[#said] = true
               end
               remember(state, q)
            end
         end
      end
   end
   if opened then carry_open(said, opened) end
   return out
end

return quotes
