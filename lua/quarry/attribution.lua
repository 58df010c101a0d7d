--- Per-document primitives of quote attribution, in C: the pairs of
-- quotation marks of a document and its attribution sentences, each one
-- pass over the tokens instead of a walk in Lua. The news pack's quotes/
-- modules build on them (pairing.lua, document.lua); available to
-- sandboxed packs (`require "quarry.attribution"`).
--
--   local attribution = require "quarry.attribution"
--   local found = attribution.pairs(ctx.tokens, { ["\u{201C}"] = true, ['"'] = true })
--   local joined, root, long = attribution.sentences(ctx.tokens, 128)
-- @module quarry.attribution
local core = require "quarry.core"

local quote_pairs, quote_records, quote_sentences, quote_mentions, quote_columns, quote_document, quote_title_test =
   core.quote_pairs, core.quote_records, core.quote_sentences, core.quote_mentions, core.quote_columns,
   core.quote_document, core.quote_title_test
local quote_markers = core.quote_markers
local pcall = pcall
local type, error, math_type = type, error, math.type

local attribution = {}

--- The pairs of quotation marks of a document, in the order they are
-- found: attribution.pairs(tokens, double [, outermost]) -> {pair, ...}. Marks (tokens
-- whose key is `"` or `'`, opening or closing) pair up within a
-- paragraph: a closing mark closes the innermost open mark of its kind
-- (single or double: double when its text is a key of `double`) and those
-- opened after it; an opening double mark right after a word or
-- punctuation and before a space, punctuation or the end, while a double
-- mark is open, closes; the outermost double mark left open at a
-- paragraph's end runs to the paragraph's end. A pair closed while a
-- double mark opened before it is still open (a quote inside a quote) is
-- left out. With outermost, only the pairs that no other pair holds (a
-- pair that starts and stops within another is a quote inside a quote),
-- sorted by start.
-- @param tokens quarry.Tokens the document's tokens
-- @param double table the texts of the double marks (text -> true)
-- @param outermost boolean optional: only the outermost pairs, by start
-- @return table {open = i, close = j (nil for a mark left open), start,
-- stop (the bytes between the marks), single, depth (the marks still open
-- around it; nil for a mark left open)}, ...
function attribution.pairs(tokens, double, outermost)
   if type(double) ~= "table" then error("attribution.pairs: expected a table of double marks", 2) end
   return quote_pairs(tokens, double, outermost)
end

--- The quotes of a document as a driver of quote attribution starts
-- them: attribution.quotes(tokens, double [, room]) -> quotes, npairs. One table
-- for each of the outermost pairs of marks (attribution.pairs(tokens,
-- double, true), in that order) whose words are not all white space:
-- {open, close, start, stop, para, closed_sentence, soft_end}, where open
-- and close are its marks' tokens (close nil for a quote left open at its
-- paragraph's end), start and stop the bytes of its words (those between
-- the marks without the ASCII white space around them), para the opening
-- mark's paragraph (tokens:get(open, "paragraph"): nil without
-- paragraphs), closed_sentence whether its words end on "." or "…" and
-- soft_end on ",", "!" or "?" (both false for a quote left open); each
-- made with room for `room` fields more (the driver's own; 3 by default).
-- npairs counts the pairs, those left out too.
-- @param tokens quarry.Tokens the document's tokens
-- @param double table the texts of the double marks (text -> true)
-- @param room integer optional: how many fields the caller adds to each quote (0 to 64; 3 by default)
-- @return table the quotes
-- @return integer the number of pairs
function attribution.quotes(tokens, double, room)
   if type(double) ~= "table" then error("attribution.quotes: expected a table of double marks", 2) end
   if room ~= nil and (math_type(room) ~= "integer" or room < 0 or room > 64) then
      error("attribution.quotes: expected room for 0 to 64 fields", 2)
   end
   return quote_records(tokens, double, room)
end

--- The attribution sentences of a document: attribution.sentences(tokens,
-- window) -> joined, root, long, sents, starts. A sentence the tokeniser began inside
-- parentheses, or in lower case right after them ("Rep. Ida Brandt
-- (D-Minn.) reacted"), goes on the one before: joined[s] is its first
-- token, root[s] the first sentence of those it goes on. long lists, in
-- order, each sentence (with those joined to it) of more than window
-- tokens: {s = its number, first = its first token, before = the windows
-- the long sentences before it add, after = those and its own}, where a
-- sentence of k tokens has (k - 1) // window windows more than one.
-- sents[i] is the attribution sentence of token i: the number of its
-- sentence's root (or of its sentence), plus the windows the long
-- sentences before add, plus for a token of a long one the number of its
-- window in it (0 for the first); those numbers never decrease from a
-- token to the next. starts[a] is the first token of attribution sentence
-- a. Both are empty without sentences.
-- @param tokens quarry.Tokens the document's tokens
-- @param window integer the most tokens of a window
-- @return table joined
-- @return table root
-- @return table long
-- @return table sents
-- @return table starts
function attribution.sentences(tokens, window)
   if math_type(window) ~= "integer" or window < 1 then
      error("attribution.sentences: expected a window of at least one token", 2)
   end
   return quote_sentences(tokens, window)
end

--- The names among a document's annotations, by token:
-- attribution.mentions(tokens, kept) -> at, ends, in_name, persons. For
-- each annotation a of kept (in order) whose type is "person",
-- "organization" or "location" and whose span touches tokens f .. l
-- (tokens:cover(a.start, a.stop)), it sets a.first_tok = f and
-- a.last_tok = l, and at[f] = a, ends[l] = a (a later one in kept wins);
-- in_name[t] is true for each token t of an organization or a location
-- ("United States": a word of a name is no cue); persons lists the person
-- annotations in order, those touching no token too. One pass in C. The
-- annotations' fields are read and set raw: a metatable's __index or
-- __newindex of theirs is not used (an annotation that is not a table
-- raises).
-- @param tokens quarry.Tokens the document's tokens
-- @param kept table the annotations ({type, start, stop, ...}, ...)
-- @return table at: first token -> annotation
-- @return table ends: last token -> annotation
-- @return table in_name: token -> true
-- @return table persons: {annotation, ...}
function attribution.mentions(tokens, kept)
   if type(kept) ~= "table" then error("attribution.mentions: expected a table of annotations", 2) end
   return quote_mentions(tokens, kept)
end

--- The key and the kind of each token, made when first read:
-- attribution.columns(tokens) -> keys, kinds, where keys[i] and kinds[i]
-- are tokens:get(i, "key") and tokens:get(i, "kind") for a token number i
-- (1 .. #tokens), nil for any other key. Both values of a token are made
-- the first time either is read, and kept in the columns, so that a walk
-- over a few tokens of a long document makes only theirs (tokens:column
-- makes them all). Read them by token number: pairs and the length
-- operator see only the values read so far. They keep a copy of what they
-- need: they can be read after the tokens are closed.
-- @param tokens quarry.Tokens the document's tokens
-- @return table keys
-- @return table kinds
function attribution.columns(tokens)
   return quote_columns(tokens)
end

--- The record of a document that quote attribution reads, in one call:
-- attribution.document(tokens, kept, window, methods) -> doc, a table
-- made at its size with the fields toks (the tokens), n (#tokens), kept,
-- keys and kinds (attribution.columns), joined, root, long, sents, starts
-- (attribution.sentences with window; sents[i] is looked up in C when
-- read, by token number: pairs and the length operator see nothing), at,
-- ends, in_name, persons (attribution.mentions of kept: it sets first_tok
-- and last_tok on the names), get and span (the tokens' get and span
-- methods) and cache, cues, cases, paras
-- (empty tables, for the caller's lookups), with room for three fields
-- more; the methods are reached through its metatable (`doc:key(i)` calls
-- methods.key), a metatable of quarry's that a sandboxed pack neither
-- sees nor changes.
-- @param tokens quarry.Tokens the document's tokens
-- @param kept table the annotations ({type, start, stop, ...}, ...)
-- @param window integer the most tokens of a window
-- @param methods table the record's methods
-- @return table doc
function attribution.document(tokens, kept, window, methods)
   if type(kept) ~= "table" then error("attribution.document: expected a table of annotations", 2) end
   if math_type(window) ~= "integer" or window < 1 then
      error("attribution.document: expected a window of at least one token", 2)
   end
   if type(methods) ~= "table" then error("attribution.document: expected a table of methods", 2) end
   return quote_document(tokens, kept, window, methods)
end

--- A test of whether a text is title-like ("Harbour Nights.", "Channel 9
-- Sunday,", "13th"), in C: attribution.title_test(words) -> test, where
-- test(text [, start, stop]) -> boolean tells whether the words of text
-- (cut at ASCII white space, each stripped of the ASCII punctuation that
-- opens or ends it), those that are not empty and not among `words` (the
-- small words of titles, compared as written: "of", "the"), all open on a
-- capital A-Z or a digit, and there are one to seven of them. With start
-- and stop, it reads the bytes start .. stop of text (0-based, stop
-- exclusive: a quote's `start`, `stop`) and makes no string.
-- @param words table the small words, a list of strings of 1 to 255 bytes
-- @return function test(text [, start, stop]) -> boolean
function attribution.title_test(words)
   if type(words) ~= "table" then error("attribution.title_test: expected a list of words", 2) end
   return quote_title_test(words)
end

--- A test of the markers that make the words in a pair of quotation
-- marks a term nobody says ("the so-called 'soft landing'", "the
-- documentary 'Cold Water'", "the 'Rust Is the New Gold' star"), in C:
-- attribution.markers(markers, dets) -> test. markers is a list of
-- {keys = {key, ...}, kind = name, where = w}, tried in that order, each
-- a phrase of token keys (`tokens:key`: lower case) and w one of
-- "before" (it ends right before the opening mark, or before one of
-- dets right before it: "known as the 'Gang of Five'"), "before_title"
-- (the same, when the words inside are title-like), "before_far" (it
-- ends at most five words and numbers before the opening mark),
-- "what_before" (as "before", when "what" or "which" opens its clause
-- a few words before it and the words inside open on a capital or
-- "the ") or "after" (it starts right after the closing mark); a marker
-- counts only in lower case, unless it opens its sentence.
-- test(tokens, text, open, close, start, stop, title, sents, starts) ->
-- kind, first, last (the marker's kind and tokens), or nothing: for the
-- quote whose marks are tokens open and close (nil: left open), whose
-- words are the bytes start .. stop of text (0-based, stop exclusive),
-- title whether they are title-like, and sents, starts the document's
-- attribution sentences (doc.sents, doc.starts: read for a marker word
-- not in lower case). Each marker's fields are read once, by
-- attribution.markers. Markers before the marks are tried first (right
-- before, then a few words before), then after.
-- @param markers table the markers, in order
-- @param dets table the determiners, a list of words
-- @return function test
function attribution.markers(markers, dets)
   if type(markers) ~= "table" or type(dets) ~= "table" then
      error("attribution.markers: expected a list of markers and a list of determiners", 2)
   end
   local ok, test = pcall(quote_markers, markers, dets)
   if not ok then error("attribution.markers: " .. tostring(test):gsub("^quote_markers: ", ""), 2) end
   return test
end

return attribution
