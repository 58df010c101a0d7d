--- digest: everything in one document: the summary, then the quotes, the
-- timeline, the entities and the sources, each made with the same
-- filters. The demo writes it as its HTML report. It is for reading: unless
-- --limit says otherwise, each part shows a readable number of rows (the
-- first quotes of each speaker, the first dated items, the most mentioned
-- entities); run a report on its own for all of its rows.
local base = require "quarry.reports.base"

local PARTS = {
   { "summary" },
   { "quotes", { limit = 25 } },
   { "timeline", { limit = 1000 } },
   { "entities", { limit = 200 } },
   { "sources", { limit = 100 } },
}

return base.new {
   name = "digest",
   title = "Corpus digest",
   description = "The summary, quotes by speaker, the timeline, entities and sources, in one document.",
   run = function(ctx)
      local parts = {}
      for i, part in ipairs(PARTS) do parts[i] = ctx:include(part[1], part[2]) end
      return { columns = {}, sections = {}, parts = parts }
   end,
}
