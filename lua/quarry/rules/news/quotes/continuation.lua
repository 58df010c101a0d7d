-- Strategy continuation: a quote with no attribution of its own goes on
-- from the previous quote of its paragraph, or opens the paragraph right
-- after it: the same speaker. Reads state.prev (the previous quote, with
-- the speaker it was given) and returns a mention of kind "same_speaker"
-- that carries that speaker (speaker, cluster, start, stop: its span).
return {
   name = "continuation",
   about = "the previous quote's speaker, in its paragraph or opening the next",
   find = function(q, doc, state)
      local prev = state.prev
      if not (prev and prev.sstart) then return nil end
      if q.para == prev.para or (q.para == prev.para + 1 and doc.toks:get(q.open, "para_start")) then
         return { kind = "same_speaker", speaker = prev.speaker, cluster = prev.cluster, start = prev.sstart,
            stop = prev.send, speaker_type = prev.speaker_type }
      end
      return nil
   end,
}
