-- Pairing of quotation marks: the tokeniser tells opening from closing
-- marks (straight quotes included); they pair up within a paragraph; an
-- opening mark left open runs to the paragraph's end (the quote goes on in
-- the next paragraph, which opens with a mark again); marks inside a quote
-- are a nested quote, part of it.
local W = include "quotes/words"
local attribution = require "quarry.attribution"

local pairing = {}

--- Pairs the quotation marks of a document: -> list of
-- {open = i, close = j | nil, start, stop, single, depth} with token
-- indexes and the byte span of the text inside the marks, the outermost
-- only, sorted by start. The marks are paired in C
-- (quarry.attribution.pairs), in one pass over the tokens, and the
-- outermost kept there (a pair inside another is a nested quote).
function pairing.pair(toks)
   return attribution.pairs(toks, W.DOUBLE, true)
end

--- The quotes of those pairs, as the driver starts them (quotes/init.lua):
-- pairing.quotes(toks, room) -> {q, ...}, npairs. Each q: open, close, start,
-- stop (the bytes of its words, the white space around them left out),
-- para, closed_sentence, soft_end, made in C (quarry.attribution.quotes)
-- with room for the room fields the driver adds; a pair of marks around
-- white space only makes none, npairs counts it.
function pairing.quotes(toks, room)
   return attribution.quotes(toks, W.DOUBLE, room)
end

return pairing
