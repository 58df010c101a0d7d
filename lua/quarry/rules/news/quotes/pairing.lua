-- Pairing of quotation marks: the tokeniser tells opening from closing
-- marks (straight quotes included); they pair up within a paragraph; an
-- opening mark left open runs to the paragraph's end (the quote goes on in
-- the next paragraph, which opens with a mark again); marks inside a quote
-- are a nested quote, part of it.
local W = include "quotes/words"
local attribution = require "quarry.attribution"
local spanset = require "quarry.spanset"

local pairing = {}

--- Pairs the quotation marks of a document: -> list of
-- {open = i, close = j | nil, start, stop, single, depth} with token
-- indexes and the byte span of the text inside the marks, the outermost
-- only, sorted by start. The marks are paired in C
-- (quarry.attribution.pairs), in one pass over the tokens.
function pairing.pair(toks)
   local pairs_ = attribution.pairs(toks, W.DOUBLE)
   -- keep the outermost: a pair inside another is a nested quote
   spanset.sort(pairs_)
   local out = {}
   for _, q in ipairs(pairs_) do
      local prev = out[#out]
      if not (prev and q.start >= prev.start and q.stop <= prev.stop) then out[#out + 1] = q end
   end
   return out
end

return pairing
