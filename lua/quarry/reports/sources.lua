--- sources: where the news comes from. Outlets (each document's source),
-- agencies (the source a dateline names: "GENEVA (Reuters) —") and
-- datelines (the places stories are filed from). The filters choose the
-- documents; --limit N keeps N rows a table.
local base = require "quarry.reports.base"
local cjson = require "cjson.safe"

-- The sorted strings of a JSON array (json_group_array's result).
local function list_of(json)
   local list = {}
   for _, v in ipairs(json and cjson.decode(json) or {}) do
      if type(v) == "string" then list[#list + 1] = v end
   end
   table.sort(list)
   return list
end

local NONE = "(none)"

return base.new {
   name = "sources",
   title = "Sources",
   description = "Outlets, the agencies their datelines credit, and the places stories were filed from.",
   run = function(ctx)
      local docs = ctx:docs_where("d")
      local limit = ctx:limit_sql()
      local outlets = {}
      for r in ctx:rows("SELECT d.source AS outlet, count(*) AS documents, min(d.date) AS first, "
         .. "max(d.date) AS last, sum((SELECT count(*) FROM spans s WHERE s.type = 'dateline' AND s.doc = d.rowid)) "
         .. "AS datelines FROM docs d WHERE " .. docs
         .. " GROUP BY d.source ORDER BY documents DESC, outlet" .. limit) do
         outlets[#outlets + 1] = { outlet = r.outlet or NONE, documents = r.documents, datelines = r.datelines,
            first = r.first, last = r.last }
      end
      local agencies = {}
      local agency = "json_extract(s.attrs, '$.source')"
      for r in ctx:rows("SELECT " .. agency .. " AS agency, count(*) AS datelines, count(DISTINCT s.doc) AS documents, "
         .. "min(d.date) AS first, max(d.date) AS last, json_group_array(DISTINCT d.source) AS outlets "
         .. "FROM spans s JOIN docs d ON d.rowid = s.doc WHERE s.type = 'dateline' AND " .. agency
         .. " IS NOT NULL AND " .. docs .. " GROUP BY 1 ORDER BY datelines DESC, agency" .. limit) do
         agencies[#agencies + 1] = { agency = r.agency, datelines = r.datelines, documents = r.documents,
            outlets = list_of(r.outlets), first = r.first, last = r.last }
      end
      local places = {}
      local place = "json_extract(s.attrs, '$.place')"
      for r in ctx:rows("SELECT " .. place .. " AS place, count(*) AS datelines, count(DISTINCT s.doc) AS documents, "
         .. "min(d.date) AS first, max(d.date) AS last, json_group_array(DISTINCT " .. agency .. ") AS agencies "
         .. "FROM spans s JOIN docs d ON d.rowid = s.doc WHERE s.type = 'dateline' AND " .. place
         .. " IS NOT NULL AND " .. docs .. " GROUP BY 1 ORDER BY datelines DESC, place" .. limit) do
         places[#places + 1] = { place = r.place, datelines = r.datelines, documents = r.documents,
            agencies = list_of(r.agencies), first = r.first, last = r.last }
      end
      local totals = ctx:one("SELECT count(*) AS documents, count(DISTINCT d.source) AS outlets FROM docs d WHERE "
         .. docs)
      local lines = ctx:one("SELECT count(*) AS datelines, count(DISTINCT " .. agency .. ") AS agencies, "
         .. "count(DISTINCT " .. place .. ") AS places FROM spans s JOIN docs d ON d.rowid = s.doc "
         .. "WHERE s.type = 'dateline' AND " .. docs)
      return {
         stats = {
            { key = "documents", label = "Documents", value = totals.documents },
            { key = "outlets", label = "Outlets", value = totals.outlets },
            { key = "datelines", label = "Datelines", value = lines.datelines },
            { key = "agencies", label = "Agencies", value = lines.agencies },
            { key = "places", label = "Places", value = lines.places },
         },
         columns = {},
         sections = {
            { title = "Outlets", rows = outlets, empty = "No documents match.", columns = {
               { key = "outlet", label = "Outlet" },
               { key = "documents", label = "Documents", kind = "number" },
               { key = "datelines", label = "Datelines", kind = "number" },
               { key = "first", label = "First", kind = "date" },
               { key = "last", label = "Last", kind = "date" },
            } },
            { title = "Agencies", rows = agencies, empty = "No dateline names an agency.", columns = {
               { key = "agency", label = "Agency" },
               { key = "datelines", label = "Datelines", kind = "number" },
               { key = "documents", label = "Documents", kind = "number" },
               { key = "outlets", label = "Carried by", kind = "list" },
               { key = "first", label = "First", kind = "date" },
               { key = "last", label = "Last", kind = "date" },
            } },
            { title = "Datelines", rows = places, empty = "No datelines.", columns = {
               { key = "place", label = "Place" },
               { key = "datelines", label = "Datelines", kind = "number" },
               { key = "documents", label = "Documents", kind = "number" },
               { key = "agencies", label = "Agencies", kind = "list" },
               { key = "first", label = "First", kind = "date" },
               { key = "last", label = "Last", kind = "date" },
            } },
         },
      }
   end,
}
