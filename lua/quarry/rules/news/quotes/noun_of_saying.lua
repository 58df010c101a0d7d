-- Strategy noun_of_saying: the owner of a noun of saying just before the
-- quote: "her remark during the hearing that “…”", "Hadley's claim that
-- “…”" — when no verb of saying in the sentence has a speaker of its own.
local W = include "quotes/words"
local D = include "quotes/document"
local C = include "quotes/clauses"

local SPEECH_NOUNS, POSSESSIVE_PRONOUNS, DETS = W.SPEECH_NOUNS, W.POSSESSIVE_PRONOUNS, W.DETS
local is_cue = C.is_cue

-- Whether a cue in the noun's sentence has the speaker as its subject:
-- before the noun in its clause ("Morrow called Hadley's comment “…”"),
-- between it and the quote ("X denounced Hadley's remarks as “…”"), or
-- later in the sentence outside the quote ("Dunne's comments further
-- “…”, the groups say").
local function another_cue(doc, i, o, s0)
   for t = i - 1, 1, -1 do
      if doc.sents[t] ~= s0 or doc.keys[t] == "," or doc.keys[t] == ";" then break end
      if is_cue(doc, t) then return true end
   end
   for t = i + 1, o - 1 do
      if is_cue(doc, t) or doc.keys[t] == "as" then return true end
   end
   return D.Doc.cue_later(doc, o + 1, s0, true) ~= nil
end

-- The owner of the noun of saying at token i: a possessive pronoun or an
-- entity before "'s", over one adjective ("his famous demand").
local function owner_of(doc, i)
   local p = i - 1
   -- (a noun of saying that opens the text has no owner before it)
   if p < 1 then return nil end
   if p > 1 and not POSSESSIVE_PRONOUNS[doc.keys[p]] and doc.keys[p] ~= "'s" and doc.keys[p] ~= "\u{2019}s"
      and doc.kinds[p] == "word" and not DETS[doc.keys[p]] then
      p = p - 1
   end
   local kp = doc.keys[p]
   if POSSESSIVE_PRONOUNS[kp] then
      return { kind = "pronoun", pron = POSSESSIVE_PRONOUNS[kp], first = p, last = p }
   end
   if (kp == "'s" or kp == "\u{2019}s") and p > 1 then
      local owner = doc.ends[p - 1]
      if owner and (owner.type == "person" or owner.type == "organization") then
         return { kind = owner.type, ann = owner, first = owner.first_tok, last = p - 1 }
      end
   end
   return nil
end

return {
   name = "noun_of_saying",
   about = "the owner of a noun of saying before the quote: Hadley's claim that “…”",
   find = function(q, doc)
      local o, toks = q.open, doc.toks
      -- (walked only when a word set's C scan finds a noun of saying there)
      local lo = o - 8
      if lo < 1 then lo = 1 end
      if o < 2 or not W.SPEECH_NOUN_WORDS:find(toks, lo, o - 1) then return nil end
      local s0 = doc.sents[o]
      for i = o - 1, lo, -1 do
         if doc.sents[i] ~= s0 or doc.kinds[i] == "close_quote" then return nil end
         if SPEECH_NOUNS[doc.keys[i]] then
            if another_cue(doc, i, o, s0) then return nil end
            return owner_of(doc, i)
         end
      end
      return nil
   end,
}
