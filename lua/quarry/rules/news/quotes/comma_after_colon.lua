-- Strategy comma_after_colon: a quote that a colon introduces but that
-- ends on a comma, "!" or "?" is attributed after it, whatever introduced
-- it: Dr. Okafor stated: “…,” he claimed.
local according_to = include "quotes/according_to"
local after_quote = include "quotes/after_quote"

return {
   name = "comma_after_colon",
   about = "after a colon, a quote ending on a comma takes the speaker after it: “…,” he claimed",
   find = function(q, doc)
      if not (q.soft_end and q.open > 2 and doc.keys[q.open - 1] == ":") then return nil end
      local m, c, c2 = according_to.attribute(doc, q)
      if m then return m, c, c2 end
      return after_quote.attribute(doc, q)
   end,
}
