--- The pages of the corpus explorer (quarry serve): each URL names a
-- report and its filters, runs it through quarry.reports (the same
-- sandboxed path as `quarry report`) and renders it with quarry.render,
-- as HTML or, with format=json, as JSON. No SQL here: the reports hold the
-- queries.
--
--   /                     search: q, outlet, from, to, speaker, entity, offset (the search and facets reports)
--   /article?doc=ID       one document, its text highlighted (the article report)
--   /speaker?name=NAME    a speaker's quotes, variants, co-mentions, mentions a month (the profile report)
--   /entity?name=NAME     the same for a person, organisation or place
--   /timeline             dated statements and events, zoomable (the timeline report): from, to, ...
--   /report/NAME          any shipped report, with the filters of `quarry report`
--
-- pages.handle(app, method, target) -> status, content type, body: bad
-- input is a 400 with a message that says what (never a stack trace); a
-- failure inside is a 500 whose details go to app.log only.
local reports = require "quarry.reports"
local render = require "quarry.render"
local links = require "quarry.render.links"
local corpus_mod = require "quarry.corpus"

local getmetatable, ipairs, pairs, pcall, setmetatable, tostring, type, tonumber =
   getmetatable, ipairs, pairs, pcall, setmetatable, tostring, type, tonumber
local math_type = math.type
local string_format, table_concat = string.format, table.concat

local pages = {}

--- Results a page of the search.
pages.PAGE = 20
--- Rows the timeline lists (all items are counted in its chart).
pages.TIMELINE_ROWS = 2000
--- Rows a report page lists unless limit says otherwise.
pages.REPORT_ROWS = 100

local BadRequest = {}

local function bad(fmt, ...)
   error(setmetatable({ msg = string_format(fmt, ...) }, BadRequest), 0)
end

-- --- the query string -------------------------------------------------------------------

local function decode(s, what)
   s = s:gsub("+", " ")
   if s:find("%%[^%x]") or s:find("%%%x[^%x]") or s:find("%%%x?$") then
      bad("malformed percent-encoding in %s", what)
   end
   s = s:gsub("%%(%x%x)", function(h) return string.char(tonumber(h, 16)) end)
   if not utf8.len(s) then bad("%s is not valid UTF-8", what) end
   if s:find("%z") then bad("%s holds a NUL byte", what) end
   return s
end

--- pages.parse_query(q) -> {name = value}: a query string decoded; a
-- malformed one (bad percent-encoding, invalid UTF-8, a parameter given
-- twice) raises a bad request.
function pages.parse_query(q)
   local params = {}
   if not q or q == "" then return params end
   if #q > 8192 then bad("the query string is too long (%d bytes; at most 8192)", #q) end
   for pair in q:gmatch("[^&]+") do
      local k, v = pair:match("^([^=]*)=(.*)$")
      if not k then k, v = pair, "" end
      k = decode(k, "a parameter name")
      v = decode(v, "parameter '" .. k .. "'")
      if params[k] ~= nil then bad("parameter '%s' is given twice", k) end
      params[k] = v
   end
   return params
end

-- --- the pages -------------------------------------------------------------------------------

-- Each page: the parameters it takes (all optional unless required).
local COMMON = { "q", "outlet", "from", "to", "speaker", "entity", "format" }
local PAGES = {
   [""] = { params = { "offset" } },
   article = { params = { "doc", "format" }, only = true, required = { "doc" } },
   speaker = { params = { "name", "q", "outlet", "from", "to", "format" }, only = true, required = { "name" } },
   entity = { params = { "name", "q", "outlet", "from", "to", "format" }, only = true, required = { "name" } },
   timeline = { params = {} },
}

local REPORT_PARAMS = { "doc", "limit", "offset" }

local function allowed(list, extra)
   local set = {}
   for _, k in ipairs(list) do set[k] = true end
   for _, k in ipairs(extra or {}) do set[k] = true end
   return set
end

local function check_params(params, set)
   local bad_keys = {}
   for k in pairs(params) do
      if not set[k] then bad_keys[#bad_keys + 1] = k end
   end
   if #bad_keys > 0 then
      table.sort(bad_keys)
      local names = {}
      for k in pairs(set) do names[#names + 1] = k end
      table.sort(names)
      bad("unknown parameter '%s' (this page takes: %s)", bad_keys[1], table_concat(names, ", "))
   end
end

local function count(params, k)
   local v = params[k]
   if v == nil or v == "" then return nil end
   local n = math_type(tonumber(v)) == "integer" and tonumber(v) or nil
   if not v:match("^%d+$") or not n or n > 1e9 then bad("parameter '%s' must be a whole number, not '%s'", k, v) end
   return n
end

-- The report filters of the page's parameters (checked).
local function filters_of(params)
   local f = {}
   for _, k in ipairs { "from", "to" } do
      local v = params[k]
      if v and v ~= "" then
         if not corpus_mod.is_iso_date(v) then
            bad("parameter '%s' must be an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD), not '%s'", k, v)
         end
         f[k] = v
      end
   end
   for _, k in ipairs { "outlet", "speaker", "entity", "doc" } do
      if params[k] and params[k] ~= "" then f[k] = params[k] end
   end
   if params.q and params.q:find("%S") then f.query = params.q end
   f.offset = count(params, "offset")
   f.limit = count(params, "limit")
   return f
end

-- Runs a report; a bad query, a filter the report cannot take or a query
-- past the time limit (quarry serve --timeout) is a bad request.
local function run(app, name, filters)
   local model, err, code = reports.run(app.corpus, name, filters)
   if not model then
      if code == "query" or code == "usage" or code == "timeout" then bad("%s", err) end
      if code == "notfound" then return nil, err end
      error(err, 0)
   end
   return model
end

--- How many results (facets, pages) the server keeps until the corpus changes.
pages.CACHE = 64

-- A value kept by key until the corpus changes (another connection
-- commits: PRAGMA data_version moves), or made by make() and kept.
local function cached(app, key, make)
   local version = app.data_version and app.data_version() or 0
   if app.cache_version ~= version or not app.cache then
      app.cache, app.cache_version, app.cached = {}, version, 0
   end
   local v = app.cache[key]
   if v == nil then
      v = make()
      if app.cached >= pages.CACHE then app.cache, app.cached = {}, 0 end
      app.cache[key], app.cached = v, app.cached + 1
   end
   return v
end

-- The facets of a filter set (the same for every page of a search).
local function facets(app, filters)
   local f = {}
   for k, v in pairs(filters) do
      if k ~= "offset" and k ~= "limit" then f[k] = v end
   end
   return cached(app, "facets?" .. links.query(f), function() return run(app, "facets", f) end)
end

-- The model of a page and how to render it (opts for the renderer), or nil, status, message.
local function model_of(app, path, params)
   local f = filters_of(params)
   if path == "" then
      f.limit = pages.PAGE
      local search = run(app, "search", f)
      local title = f.query and ("Search: " .. f.query) or "Documents"
      return { report = "explore", title = title, columns = {}, sections = {}, filters = f,
         parts = { search, facets(app, f) } }, { aside = true }
   elseif path == "article" then
      local m = run(app, "article", { doc = f.doc })
      if not m.found then return nil, 404, "no document with id '" .. f.doc .. "'" end
      return m
   elseif path == "speaker" or path == "entity" then
      f[path] = params.name
      return run(app, "profile", f)
   elseif path == "timeline" then
      f.limit = pages.TIMELINE_ROWS
      return run(app, "timeline", f)
   end
   local name = path:match("^report/([%w_%-]+)$")
   if name then
      f.limit = f.limit or pages.REPORT_ROWS
      local m, err = run(app, name, f)
      if not m then return nil, 404, err end
      return m
   end
   return nil, 404, "no page " .. path
end

local function page_spec(path)
   local spec = PAGES[path]
   if spec then return spec, allowed(spec.only and spec.params or COMMON, not spec.only and spec.params or nil) end
   if path:match("^report/") then return { params = REPORT_PARAMS }, allowed(COMMON, REPORT_PARAMS) end
   return nil
end

local function error_page(status, msg, json)
   if json then
      return status, "application/json; charset=utf-8",
         require("quarry.render.json").encode({ error = msg, status = status }) .. "\n"
   end
   local esc = require("quarry.render.html").escape
   local title = status == 404 and "Not found" or (status == 400 and "Bad request" or "Error")
   return status, "text/html; charset=utf-8", string_format('<!DOCTYPE html>\n<html lang="en"><head>'
      .. '<meta charset="utf-8">'
      .. '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">'
      .. '<link rel="icon" href="data:,"><title>%d %s</title></head><body style="font:15px system-ui,sans-serif;'
      .. 'margin:2em"><h1>%d %s</h1><p>%s</p><p><a href="/">Back to the search</a></p></body></html>\n',
      status, title, status, title, esc(msg))
end

-- The page at path with params, rendered: status, content type, body.
local function respond(app, path, params)
   local spec, set = page_spec(path)
   if not spec then return error_page(404, "no page /" .. path .. " (pages: /, /article, /speaker, /entity, "
      .. "/timeline, /report/NAME)", params.format == "json") end
   check_params(params, set)
   local fmt = params.format or "html"
   if fmt ~= "html" and fmt ~= "json" then bad("parameter 'format' must be html or json, not '%s'", fmt) end
   for _, k in ipairs(spec.required or {}) do
      if not params[k] or params[k] == "" then bad("this page needs the parameter '%s'", k) end
   end
   -- a page is made once until the corpus changes (a timeline of 100,000 documents takes seconds)
   local made = cached(app, "page:" .. path .. "?" .. links.query(params), function()
      return table.pack(model_of(app, path, params))
   end)
   local model, how, msg = made[1], made[2], made[3]
   if not model then return error_page(how, msg, fmt == "json") end
   if fmt == "json" then return 200, "application/json; charset=utf-8", render.to_string(model, "json") end
   local shown = {}
   for k, v in pairs(params) do if k ~= "format" then shown[k] = v end end
   local linker = links.new(app.base)
   local json_params = {}
   for k, v in pairs(shown) do json_params[k] = v end
   json_params.format = "json"
   return 200, "text/html; charset=utf-8", render.to_string(model, "html", {
      base_url = app.base,
      generated = "quarry serve: " .. tostring(app.name or "corpus") .. " (read-only)",
      explorer = { path = path, params = shown, json = linker:page(path, json_params),
         aside = type(how) == "table" and how.aside },
   })
end

--- pages.handle(app, method, target) -> status, content type, body.
-- app: {corpus, base = "/", name, log = fn(message), data_version = fn}.
function pages.handle(app, method, target)
   if method ~= "GET" and method ~= "HEAD" then
      return 405, "text/plain; charset=utf-8", "quarry serve is read-only: only GET and HEAD\n"
   end
   local path, query = tostring(target):match("^/([^?#]*)%??([^#]*)")
   if not path then return error_page(400, "a request target must start with /") end
   local ok, a, b, c = pcall(function()
      local p = decode(path, "the path")
      return respond(app, (p:gsub("/+$", "")), pages.parse_query(query))
   end)
   if ok then return a, b, c end
   if type(a) == "table" and getmetatable(a) == BadRequest then
      return error_page(400, a.msg, query and query:find("format=json", 1, true) ~= nil)
   end
   if app.log then app.log("error on " .. tostring(target) .. ": " .. tostring(a)) end
   return error_page(500, "the page failed; the server's log says why", false)
end

return pages
