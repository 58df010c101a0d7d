-- Who a mention stands for: speakers.resolve(doc, state, m) -> the
-- speaker's canonical name or nil, and the person's cluster or nil. Reads
-- the document record and the sieve's state (the last speaker, for a
-- pronoun no sentence before explains); changes neither, but for the
-- lookups it builds on first use in doc.cache (the first person of each
-- sentence, people by surname, organisations by position, the people a
-- description can stand for).
local W = include "quotes/words"
local D = include "quotes/document"
local key = D.key
local people = include "people"

local speakers = {}

local PRONOUNS, OUTLET_HEADS, ORG_HEADS, UNNAMED, OUTLET_KINDS = W.PRONOUNS, W.OUTLET_HEADS, W.ORG_HEADS,
   W.UNNAMED, W.OUTLET_KINDS
local sent = D.Doc.sent

local function compatible(sex, g)
   if g ~= "m" and g ~= "f" then return false end
   return sex == nil or sex == "u" or sex == g
end

-- the last item of a list sorted by start that starts before pos
local function last_before(list, pos)
   local lo, hi, found = 1, #list, nil
   while lo <= hi do
      local mid = (lo + hi) // 2
      if list[mid].start < pos then found, lo = list[mid], mid + 1 else hi = mid - 1 end
   end
   return found
end

-- the first entity of doc.kept that starts at or after pos
local function first_from(kept, pos)
   local lo, hi = 1, #kept + 1
   while lo < hi do
      local mid = (lo + hi) // 2
      if kept[mid].start < pos then lo = mid + 1 else hi = mid end
   end
   return lo
end

-- The organisations of the document, by start.
local function organisations(doc)
   local all = doc.cache.organisations
   if all then return all end
   all = {}
   for _, a in ipairs(doc.kept) do
      if a.type == "organization" then all[#all + 1] = a end
   end
   doc.cache.organisations = all
   return all
end

-- The organisations a description with that head noun can stand for:
-- outlets for "the newspaper", others for "the ministry" (whose names
-- hold the head, but for "the government" and "the campaign").
local function organisations_for(doc, head)
   local slot = "heads " .. head
   local list = doc.cache[slot]
   if list then return list end
   list = {}
   for _, a in ipairs(organisations(doc)) do
      local outlet = OUTLET_KINDS[a.attrs.kind] == true
      if (OUTLET_HEADS[head] and outlet) or (ORG_HEADS[head] and not outlet
         and (a.text:lower():find(head, 1, true) or head == "government" or head == "campaign")) then
         list[#list + 1] = a
      end
   end
   doc.cache[slot] = list
   return list
end

-- The first person of sentence s, if it starts before byte pos.
local function sentence_subject(doc, s, pos)
   local first = doc.cache.first_person
   if not first then
      first = {}
      for _, a in ipairs(doc.persons) do
         local f = a.first_tok
         if f then
            local si = sent(doc, f)
            first[si] = first[si] or a
         end
      end
      doc.cache.first_person = first
   end
   local a = first[s]
   if a and a.start < pos then return a end
   return nil
end

-- "PENCE", "King" alone: the person of the article whose name ends so.
local function person_by_surname(doc, want)
   local by = doc.cache.by_surname
   if not by then
      by = {}
      for _, a in ipairs(doc.persons) do
         local last = (a.attrs.name or ""):lower():match("(%S+)$")
         if last and not by[last] then by[last] = a end
      end
      doc.cache.by_surname = by
   end
   local a = by[want]
   if a then return a.attrs.name or "", a.cluster end
   return nil
end

-- "he", "she": the same sentence's subject or an earlier one's of that
-- gender, else the last speaker's; "it": the organisation last named.
local function pronoun(doc, state, m)
   local toks = doc.toks
   local g = PRONOUNS[m.pron]
   if g == "n" then
      local a = last_before(organisations(doc), toks:span(m.first))
      if a then return a.attrs.name, nil end
      return nil
   end
   if g ~= "m" and g ~= "f" then return nil end
   local s = sent(doc, m.first)
   local ms = toks:span(m.first)
   for back = 0, 4 do
      if s - back < 1 then break end
      local a = sentence_subject(doc, s - back, ms)
      if a and compatible(a.cluster and a.cluster.sex, g) then return a.attrs.name, a.cluster end
   end
   local last = state.last_speaker
   if last and last.cluster and compatible(last.cluster.sex, g) then return last.name, last.cluster end
   return nil
end

-- "the Northern Ledger newspaper", "the ministry", "the top Russian
-- diplomat": the entity the description holds, the outlet or
-- organisation last named, the person whose titles it shares.
local function description(doc, m)
   local head = m.head
   if UNNAMED[head] then return nil end
   local kept = doc.kept
   local ms, me = D.Doc.span_of(doc, m.first, m.last)
   -- (the entity must end the description: "a top Trump surrogate" is
   -- not Trump)
   for k = first_from(kept, ms), #kept do
      local a = kept[k]
      if a.start > me then break end
      if a.start >= ms and a.stop <= me and (a.type == "organization" or a.type == "person")
         and (a.last_tok == m.last or OUTLET_HEADS[head] and a.type == "organization") then
         return a.attrs.name, a.cluster
      end
   end
   if m.owner and OUTLET_HEADS[head] then return m.owner.attrs.name, nil end
   if OUTLET_HEADS[head] or ORG_HEADS[head] then
      local a = last_before(organisations_for(doc, head), ms)
      if a then return a.attrs.name, nil end
      return nil
   end
   local describe = doc.cache.describe
   if not describe then
      describe = people.describer(doc.clusters)
      doc.cache.describe = describe
   end
   local c = describe(m.words, ms)
   if c then return c.canonical, c end
   return nil
end

--- Who mention m stands for: speakers.resolve(doc, state, m) -> canonical
-- name or nil, cluster or nil.
function speakers.resolve(doc, state, m)
   local kind = m.kind
   if kind == "rel" then
      if m.antecedent then return speakers.resolve(doc, state, m.antecedent) end
      return nil
   end
   if kind == "person" then return m.ann.attrs.name, m.ann.cluster end
   if kind == "label" then
      local name, cluster = person_by_surname(doc, (m.label:lower():gsub("^.*%s", "")))
      if name then return name, cluster end
      return (m.label:gsub("(%u)(%u*)", function(a, b) return a .. b:lower() end)), nil
   end
   if kind == "organization" or kind == "location" then return m.ann.attrs.name, nil end
   if kind == "name" then
      local ns, ne = D.Doc.span_of(doc, m.first, m.last)
      if m.first == m.last then
         local name, cluster = person_by_surname(doc, key(doc, m.first))
         if name then return name, cluster end
      end
      return doc.text:sub(ns + 1, ne), nil
   end
   if kind == "pronoun" then return pronoun(doc, state, m) end
   if kind == "desc" then return description(doc, m) end
   return nil
end

return speakers
