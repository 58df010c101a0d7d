-- Pairing of quotation marks: the tokeniser tells opening from closing
-- marks (straight quotes included); they pair up within a paragraph; an
-- opening mark left open runs to the paragraph's end (the quote goes on in
-- the next paragraph, which opens with a mark again); marks inside a quote
-- are a nested quote, part of it.
local W = include "quotes/words"
local wordset = require "quarry.wordset"
local spanset = require "quarry.spanset"

local pairing = {}

-- every quotation mark's key is one of these (toks:key unifies them)
local MARKS = wordset.new { "\"", "'" }

--- Pairs the quotation marks of a document: -> list of
-- {open = i, close = j | nil, start, stop, single, continued} with token
-- indexes and the byte span of the text inside the marks. Visits the
-- marks only (found by their keys), not every token.
function pairing.pair(toks, text)
   local n = #toks
   local pairs_ = {}
   local stack = {}
   local top = {}   -- [single] = the innermost open mark of that kind
   local para, para_stop = nil, 0
   local function flush()
      -- marks left open at a paragraph's end: the outermost double one
      -- runs to the end of the paragraph
      for _, o in ipairs(stack) do
         if not o.single then
            pairs_[#pairs_ + 1] = { open = o.i, close = nil, start = o.stop, stop = para_stop, single = false }
            break
         end
      end
      stack = {}
      top = {}
   end
   local i = n > 0 and MARKS:find(toks, 1, n) or nil
   while i do
      local kind = toks:kind(i)
      if kind == "open_quote" or kind == "close_quote" then
         local p = toks:get(i, "paragraph")
         if p ~= para or para_stop == 0 then
            if para then flush() end
            para = p
            -- where the paragraph ends (the text's last token without paragraphs)
            if p then para_stop = select(2, toks:paragraph(p)) else para_stop = select(2, toks:span(n)) end
         end
         local s, e = toks:span(i)
         local mark = text:sub(s + 1, e)
         local single = not W.DOUBLE[mark]
         -- (“Frozen“ and …, “It's over,“ he said: an opening double mark
         -- written to close, right after a word or punctuation and before
         -- a space, punctuation or the end, while a double mark is open)
         if kind == "open_quote" and not single and top[false] and s > 0 and not text:sub(s, s):match("%s")
            and (e >= #text or text:sub(e + 1, e + 1):match("[%s%p]")) then
            kind = "close_quote"
         end
         if kind == "open_quote" then
            local o = { i = i, start = s, stop = e, single = single, below = top[single] }
            stack[#stack + 1] = o
            o.at = #stack
            top[single] = o
         else
            -- the innermost open mark of the same kind (single or double)
            local o = top[single]
            if o then
               local k = o.at
               for _ = k, #stack do
                  local gone = stack[#stack]
                  top[gone.single] = gone.below
                  stack[#stack] = nil
               end
               if k == 1 or not (stack[1] and not stack[1].single) then
                  pairs_[#pairs_ + 1] = { open = o.i, close = i, start = o.stop, stop = s, single = single,
                     depth = #stack }
               end
            end
         end
      end
      i = i < n and MARKS:find(toks, i + 1, n) or nil
   end
   flush()
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
