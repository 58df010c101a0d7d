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

return pairing
