-- Strategy split_quote: the second half of a quote split by its
-- attribution takes the first half's speaker: “…,” he told the host,
-- “…”. Reads state.prev: the previous quote in the same sentence, with
-- the mention and cue that attributed it.

return {
   name = "split_quote",
   about = "the second half of a split quote: “…,” he told the host, “…”",
   find = function(q, doc, state)
      local prev, o = state.prev, q.open
      -- (the comma before the mark tested first: no sentence looked up
      -- for the other quotes)
      if prev and o > 1 and doc.keys[o - 1] == "," and prev.close_tok and prev.mention
         and doc.sents[prev.close_tok] == doc.sents[o] then
         return prev.mention, prev.cue_tok
      end
      return nil
   end,
}
