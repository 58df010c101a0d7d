-- Strategy cue_before_mark: a cue right before the opening mark, after a
-- comma or a colon, introduces the quote ("…the narrator says, “what…?”"),
-- and outranks a mention in the next sentence; its speaker is found as
-- before_quote finds one (according to X, then the cue's subject).
local according_to_before = include "quotes/according_to_before"
local before_quote = include "quotes/before_quote"

return {
   name = "cue_before_mark",
   about = "a cue right before the opening mark: “…says, “…”",
   find = function(q, doc)
      if not q.lead_in then return nil end
      local m, c, c2 = according_to_before.attribute(doc, q.open)
      if m then return m, c, c2 end
      return before_quote.attribute(doc, q.open, q.sent)
   end,
}
