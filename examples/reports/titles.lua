-- Who holds which title: a report of your own, in its own file.
--   quarry report news.db examples/reports/titles.lua [--format csv] [--from 2024-06]
local base = require "quarry.reports.base"

return base.new {
   name = "titles",
   title = "People by title",
   columns = {
      { key = "name", label = "Person" },
      { key = "title", label = "Title" },
      { key = "mentions", label = "Mentions", kind = "number" },
      { key = "documents", label = "Documents", kind = "number" },
   },
   run = function(ctx)
      return ctx:all([[
SELECT json_extract(s.attrs, '$.name') AS name, json_extract(s.attrs, '$.title') AS title,
       count(*) AS mentions, count(DISTINCT s.doc) AS documents
FROM spans s JOIN docs d ON d.rowid = s.doc
WHERE s.type = 'person' AND json_extract(s.attrs, '$.title') IS NOT NULL AND ]] .. ctx:docs_where("d")
         -- group by the expressions: a bare "title" would be docs.title
         .. " GROUP BY 1, 2 ORDER BY mentions DESC, name, title" .. ctx:limit_sql())
   end,
}
