-- Strategy transcript_label: a transcript names its speaker in capitals
-- before a colon, inside the marks: “HADLEY: Well, look…”. The driver has
-- read the label off the quote (q.label, and the quote's text starts
-- after it); a cue right before the opening mark takes the quote instead
-- (cue_before_mark: “…narrator says, “HADLEY: …”).
return {
   name = "transcript_label",
   about = "a transcript's speaker in capitals: “HADLEY: Well, look…”",
   find = function(q)
      local label = q.label
      if label and not q.lead_in then
         return { kind = "label", first = label.first, last = label.last, label = label.text }, label.colon
      end
      return nil
   end,
}
