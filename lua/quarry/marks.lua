--- Quotation marks as a walk over a document's tokens sees them, in C: a
-- token's depth inside marks, whether a walk back (or forth) to a token
-- finds it inside a quote, the next opening mark, the stretches of
-- tokens inside marks. A mark is a token of kind `open_quote` or
-- `close_quote` (the tokeniser keys every one `"` or `'`). Each is one
-- scan in C over the tokens' kinds instead of a walk in Lua; the news
-- pack's speaker helpers (quotes/clauses.lua, quotes/speakers.lua) build
-- on them. Token numbers are 1-based; ranges are clamped to the text's
-- tokens. Available to sandboxed packs (`require "quarry.marks"`).
--
--   local marks = require "quarry.marks"
--   if marks.depth(toks, para_first, i - 1) > 0 then ... end   -- i is inside a quote
-- @module quarry.marks
local core = require "quarry.core"

local marks = {}

--- The marks left open after a walk over tokens from .. to: an opening
-- mark opens one, a closing mark closes one when one is open (0 when
-- from > to).
-- @function depth
-- @param tokens quarry.Tokens the document's tokens
-- @param from integer the first token
-- @param to integer the last
-- @return integer
marks.depth = core.marks_depth

--- Whether token i stands inside quotation marks as a walk back to it
-- from token top sees them (outside at top; walking back, a closing mark
-- opens a quote and an opening one ends it): the first mark after i, up
-- to top, is a closing one.
-- @function inside_back
-- @param tokens quarry.Tokens the document's tokens
-- @param top integer the token a walk back starts from
-- @param i integer a token at or before top
-- @return boolean
marks.inside_back = core.marks_inside_back

--- Whether token i stands inside quotation marks as a walk from token
-- floor to it sees them (outside at floor): the last mark before i, from
-- floor on, is an opening one.
-- @function inside_from
-- @param tokens quarry.Tokens the document's tokens
-- @param floor integer the token a walk starts from
-- @param i integer a token at or after floor
-- @return boolean
marks.inside_from = core.marks_inside_from

--- The first opening mark in tokens from .. to, or nil.
-- @function next_open
-- @param tokens quarry.Tokens the document's tokens
-- @param from integer the first token looked at
-- @param to integer the last
-- @return integer or nil
marks.next_open = core.marks_next_open

--- The stretches of tokens inside quotation marks, a paragraph at a time
-- (the whole text is one without paragraphs): a paragraph starts with no
-- mark open; the marks are counted as `depth` counts them, and the tokens
-- between a mark and the next mark of its paragraph (or its last token)
-- are a stretch when a mark is open after the first. Stretch k runs from
-- token from[k] to token to[k]; they are sorted and do not overlap.
-- @function stretches
-- @param tokens quarry.Tokens the document's tokens
-- @return table from
-- @return table to
marks.stretches = core.marks_stretches

return marks
