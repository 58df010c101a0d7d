--- quarry serve: the corpus explorer, a local web server over one corpus
-- file, opened read-only (it never writes the corpus, and answers while an
-- ingest writes to it: WAL readers do not wait for the writer). Built on
-- lua-http (with cqueues); the pages are quarry.serve.pages.
--
--   local serve = require "quarry.serve"
--   local server = assert(serve.start { db = "news.db", host = "127.0.0.1", port = 8080 })
--   print(server.url)            -- http://127.0.0.1:8080/
--   server:loop()
--
-- Debian packages lua-http for Lua 5.1 to 5.3 only; it is plain Lua and
-- runs on 5.4, so where `require "http.server"` fails, Debian's folders
-- for those versions are searched too (after everything else).
local quarry = require "quarry"
local pages = require "quarry.serve.pages"

local ipairs, pcall, require, tostring = ipairs, pcall, require, tostring
local string_format = string.format

local serve = {}

--- The Lua folders searched for lua-http when package.path does not find it.
serve.HTTP_FALLBACK = { "/usr/share/lua/5.3", "/usr/share/lua/5.1" }

--- serve.http() -> the modules http.server and http.headers, or nil, message.
function serve.http()
   local ok, server = pcall(require, "http.server")
   if not ok then
      local extra = {}
      for _, dir in ipairs(serve.HTTP_FALLBACK) do
         extra[#extra + 1] = dir .. "/?.lua;" .. dir .. "/?/init.lua"
      end
      package.path = package.path .. ";" .. table.concat(extra, ";")
      ok, server = pcall(require, "http.server")
      if not ok then
         return nil, "lua-http is not installed (Debian: apt-get install lua-http; LuaRocks: luarocks install http): "
            .. tostring(server):match("^[^\n]*")
      end
   end
   return server, require "http.headers"
end

local Server = {}
Server.__index = Server

--- server:loop(): serves until the process ends.
function Server:loop()
   local ok, err = self.http:loop()
   if not ok then return nil, err end
   return true
end

--- server:step([timeout]): serves what is waiting (for tests and embedding).
function Server:step(timeout)
   return self.http:step(timeout)
end

--- server:close(): stops listening and closes the corpus.
function Server:close()
   if self.http then self.http:close() end
   self.http = nil
   if self.app.corpus then self.app.corpus:close() end
   self.app.corpus = nil
end

-- Answers one request.
local function on_stream(app, headers_mod, stream)
   local req = stream:get_headers()
   if not req then return end
   local method, target = req:get(":method"), req:get(":path") or "/"
   local t0 = os.clock()
   local status, ctype, body = pages.handle(app, method, target)
   local h = headers_mod.new()
   h:append(":status", tostring(status))
   h:append("content-type", ctype)
   h:append("cache-control", "no-store")
   h:append("x-content-type-options", "nosniff")
   h:append("referrer-policy", "no-referrer")
   if ctype:find("html", 1, true) then
      h:append("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
         .. "img-src data:; form-action 'self'; frame-ancestors 'none'")
   end
   h:append("content-length", tostring(#body))
   stream:write_headers(h, method == "HEAD")
   if method ~= "HEAD" then stream:write_chunk(body, true) end
   if app.log_requests then
      app.log(string_format("%s %s %d %.0f ms", method, target, status, (os.clock() - t0) * 1000))
   end
end

--- serve.start{db, host = "127.0.0.1", port = 8080, log = fn(line), quiet, time_limit_ms}
--   -> a server (server.url, server:loop()) | nil, message
-- Opens db read-only and listens (port 0: any free port). time_limit_ms:
-- how long the queries of one page may take (quarry.open); past it the
-- page is a 400 saying so.
function serve.start(opts)
   local http_server, headers_mod = serve.http()
   if not http_server then return nil, headers_mod end
   local corpus, err = quarry.open(opts.db, { readonly = true, time_limit_ms = opts.time_limit_ms })
   if not corpus then return nil, err end
   local log = opts.log or function(line) io.stderr:write("quarry serve: ", line, "\n") end
   local app = { corpus = corpus, base = "/", name = opts.db, log = log, log_requests = not opts.quiet }
   -- another connection's commit changes data_version: the facets cache is dropped then
   local dv = corpus.db:prepare("PRAGMA data_version")
   app.data_version = function()
      dv:step()
      local v = dv:values()
      dv:reset()   -- a statement left stepped would hold a read transaction: stale pages
      return v
   end
   local host = opts.host or "127.0.0.1"
   local srv, lerr = http_server.listen {
      host = host, port = opts.port or 8080, tls = false, reuseaddr = true,
      onstream = function(_, stream) on_stream(app, headers_mod, stream) end,
      onerror = function(_, context, op, e)
         -- a client that went away, a malformed request: say so, go on serving
         log(string_format("%s: %s", tostring(op), tostring(e)))
         return context
      end,
   }
   if not srv then
      corpus:close()
      return nil, string_format("cannot listen on %s:%s: %s", host, tostring(opts.port), tostring(lerr))
   end
   local ok, perr = srv:listen()
   if not ok then
      corpus:close()
      return nil, string_format("cannot listen on %s:%s: %s", host, tostring(opts.port), tostring(perr))
   end
   local _, bound_host, bound_port = srv:localname()
   local shown = bound_host:find(":", 1, true) and ("[" .. bound_host .. "]") or bound_host
   return setmetatable({ http = srv, app = app, host = bound_host, port = bound_port,
      url = string_format("http://%s:%d/", shown, bound_port) }, Server)
end

return serve
