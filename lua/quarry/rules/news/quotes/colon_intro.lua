-- Strategy colon_intro: what the colon before the opening mark closes
-- introduces the quote: Pollster Dana Ruiz: “…” / Dr. Okafor stated: ¶ “…”
-- / Hadley told Channel 9: “…” (to whom or where, the subject speaks) /
-- Governor Kessler released the following statement: “…”.
local W = include "quotes/words"
local D = include "quotes/document"
local case_at = D.case
local M = include "quotes/mentions"
local C = include "quotes/clauses"

local PREPOSITIONS, ISSUED, NOT_NAMES = W.PREPOSITIONS, W.ISSUED, W.NOT_NAMES
local is_cue = C.is_cue

-- "- Lena Marsh:", "Brandt:": capitalised words that open the sentence
-- (or follow a dash) and end at the colon p.
local function name_before_colon(doc, p, floor)
   local first = p - 1
   while first > floor and doc.kinds[first - 1] == "word" and case_at(doc, first - 1) == "title" do
      first = first - 1
   end
   if first >= floor and case_at(doc, p - 1) == "title" and (first == floor or doc.kinds[first - 1] == "dash")
      and not NOT_NAMES[doc.keys[first]] then
      return { kind = "name", first = first, last = p - 1 }
   end
   return nil
end

-- The person a label line names before its appositive, when the mention
-- m before the colon ends that appositive: "Tom Reed, a retired teacher:"
-- (a person opening the sentence, a comma, then m); or nil.
local function labelled(doc, m, floor)
   for c = m.first - 1, floor + 1, -1 do
      if doc.keys[c] == "," then
         local who = M.ending(doc, c - 1, floor)
         if who and who.kind == "person" and who.first == floor then return who end
         return nil
      end
      if doc.kinds[c] ~= "word" and doc.kinds[c] ~= "number" and doc.keys[c] ~= "'s" then return nil end
   end
   return nil
end

-- The token before mention m, over a determiner and the words it opens
-- ("told The Harbour Times:", "to the weekly paper Harbour Times:").
local function before_mention(doc, m, floor)
   for d = m.first - 1, math.max(floor + 1, m.first - 4), -1 do
      local k = doc.keys[d]
      if W.DETS[k] then return d - 1 end
      if doc.kinds[d] ~= "word" or PREPOSITIONS[k] or is_cue(doc, d) then break end
   end
   return m.first - 1
end

-- The speaker the colon at token p introduces: mention, cue token; or nil.
local function introduced(doc, p)
   local floor = D.Doc.sentence_start(doc, p)
   local m = M.ending(doc, p - 1, floor)
   -- ("As Ann Vale put it:": as_put_it's)
   if m and m.kind == "pronoun" and m.first > floor and W.PUT[doc.keys[m.first - 1]] then return nil end
   local b = m and before_mention(doc, m, floor)
   if m and b >= floor and (is_cue(doc, b) or PREPOSITIONS[doc.keys[b]]) then
      -- "Hadley told Channel 9:", "he said in an interview with the radio station:": to
      -- whom or where, the subject speaks
      for c = b, floor, -1 do
         if is_cue(doc, c) then
            local subj = C.subject_before(doc, c, floor)
            if subj then return subj, c end
            break
         end
      end
      m = nil
   end
   -- "Tom Reed, a retired teacher: “…”", "Ann Vale, chief economist at
   -- Harbour Bank: “…”": a label line names the person before the comma
   local label = m and m.kind ~= "person" and labelled(doc, m, floor)
   if label then return label end
   if m and m.kind == "desc" and ISSUED[m.head] and m.first > floor then
      local subj = C.clause_subject(doc, m.first, floor)
      if subj then return subj end
   end
   if m and m.kind ~= "location" then return m end
   if is_cue(doc, p - 1) then
      m = C.subject_before(doc, p - 1, floor)
      if m then return m, p - 1 end
      -- "Stated Brandt:" / "said the minister:"
      return nil
   end
   local name = name_before_colon(doc, p, floor)
   if name then return name end
   m = C.clause_subject(doc, p, floor)
   if m and m.kind ~= "desc" then return m end
   return nil
end

return {
   name = "colon_intro",
   about = "what a colon before the quote closes: Pollster Dana Ruiz: “…”",
   find = function(q, doc)
      if q.open > 2 and doc.keys[q.open - 1] == ":" then return introduced(doc, q.open - 1) end
      return nil
   end,
}
