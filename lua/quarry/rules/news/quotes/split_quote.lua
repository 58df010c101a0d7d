-- Strategy split_quote: the second half of a quote split by its
-- attribution takes the first half's speaker: “…,” he told the host,
-- “…”. Reads state.prev: the previous quote in the same sentence, with
-- the mention and cue that attributed it.

return {
   name = "split_quote",
   about = "the second half of a split quote: “…,” he told the host, “…”",
   find = function(q, doc, state)
      local prev = state.prev
      if prev and prev.close_tok and prev.mention and doc.sents[prev.close_tok] == doc.sents[q.open]
         and q.open > 1 and doc.keys[q.open - 1] == "," then
         return prev.mention, prev.cue_tok
      end
      return nil
   end,
}
