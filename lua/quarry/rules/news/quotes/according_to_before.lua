-- Strategy according_to_before: "according to X" earlier in the quote's
-- sentence: According to the ministry, the plan is “dead”.
local C = include "quotes/clauses"
local D = include "quotes/document"

local according_to_before = {
   name = "according_to_before",
   about = "according to X earlier in the sentence: According to X, “…”",
}

--- "according to X" in the sentence before token o: mention, the tokens
-- of "according" and "to"; or nil.
function according_to_before.attribute(doc, o)
   -- (no sentence looked up in a document without "according")
   if not C.holds_according(doc) then return nil end
   return C.according_to(doc, D.Doc.sentence_start(doc, o), o)
end

function according_to_before.find(q, doc)
   return according_to_before.attribute(doc, q.open)
end

return according_to_before
