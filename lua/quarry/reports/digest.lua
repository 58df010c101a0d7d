--- digest: everything in one document: the summary, then the quotes, the
-- timeline, the entities and the sources, each made with the same
-- filters. The demo writes it as its HTML report.
local base = require "quarry.reports.base"

local PARTS = { "summary", "quotes", "timeline", "entities", "sources" }

return base.new {
   name = "digest",
   title = "Corpus digest",
   description = "The summary, quotes by speaker, the timeline, entities and sources, in one document.",
   run = function(ctx)
      local parts = {}
      for i, name in ipairs(PARTS) do parts[i] = ctx:include(name) end
      return { columns = {}, sections = {}, parts = parts }
   end,
}
