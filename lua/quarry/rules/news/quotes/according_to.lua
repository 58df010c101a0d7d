-- Strategy according_to: "according to X" (or "per X") right after the
-- quote: “…,” according to Marta Solberg / “…,” per the party's bylaws.
local C = include "quotes/clauses"
local M = include "quotes/mentions"

local according_to = {
   name = "according_to",
   about = "“…,” according to X",
}

--- The source named right after the quote's closing mark: mention,
-- the tokens of "according" and "to"; or nil.
function according_to.attribute(doc, q)
   -- (only "according", "per" or a comma before them right after the
   -- mark can start it: no more to look at for another word)
   local k = doc.keys[q.close + 1]
   if k ~= "according" and k ~= "per" and k ~= "," then return nil end
   local j = C.after_start(doc, q.close + 1)
   if not j then return nil end
   if j < doc.n and doc.keys[j] == "according" and doc.keys[j + 1] == "to" then
      local m = M.at(doc, j + 2)
      if m then return m, j, j + 1 end
   end
   if j < doc.n and doc.keys[j] == "per" then
      local m = M.at(doc, j + 1)
      if m and m.kind ~= "location" then return m, j end
   end
   return nil
end

function according_to.find(q, doc)
   if q.close then return according_to.attribute(doc, q) end
   return nil
end

return according_to
