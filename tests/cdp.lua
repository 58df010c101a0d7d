--- A small client of the Chrome DevTools Protocol, for the specs that
-- drive headless Chromium (no part of quarry; no npm): it starts Chromium
-- with a debugging port, talks to it over lua-http's WebSocket client, and
-- records what a page logs, throws and requests.
--
--   local cdp = require "tests.cdp"
--   local browser = assert(cdp.launch())          -- nil, why: Chromium is missing
--   local page = browser:page()
--   page:open("http://127.0.0.1:8080/")
--   page:eval("document.title"), page.errors, page.requests
--   browser:close()
local cjson = require "cjson"
local serve = require "quarry.serve"

local cdp = {}

--- The path of a Chromium (or Chrome) on PATH, or nil.
function cdp.find_browser()
   for _, name in ipairs { "chromium", "chromium-browser", "google-chrome" } do
      local p = io.popen("command -v " .. name .. " 2>/dev/null")
      local path = p:read("l")
      p:close()
      if path and path ~= "" then return path end
   end
   return nil
end

local function sleep(s)
   require("cqueues").sleep(s)
end

local Browser, Page = {}, {}
Browser.__index, Page.__index = Browser, Page

-- The next message from the browser (decoded), or raises after timeout s.
local function receive(self, timeout)
   local msg, err = self.ws:receive(timeout or 20)
   if not msg then error("DevTools: no message from Chromium: " .. tostring(err), 0) end
   return cjson.decode(msg)
end

-- Dispatches an event to its page.
local function dispatch(self, m)
   local page = m.sessionId and self.pages[m.sessionId]
   if page then page:event(m.method, m.params or {}) end
end

--- browser:call(method, params [, session]) -> result; raises on an error.
function Browser:call(method, params, session)
   self.next_id = self.next_id + 1
   local id = self.next_id
   assert(self.ws:send(cjson.encode { id = id, method = method, params = params or {}, sessionId = session }))
   while true do
      local m = receive(self)
      if m.id == id then
         if m.error then error("DevTools " .. method .. ": " .. tostring(m.error.message), 2) end
         return m.result
      end
      dispatch(self, m)
   end
end

--- browser:pump(until_fn [, timeout]): handles events until until_fn() is true.
function Browser:pump(done, timeout)
   local t0 = os.time()
   while not done() do
      if os.time() - t0 > (timeout or 20) then error("DevTools: timed out waiting", 2) end
      dispatch(self, receive(self, timeout))
   end
end

--- cdp.launch([{width, height}]) -> browser | nil, why
function cdp.launch(opts)
   opts = opts or {}
   local exe = cdp.find_browser()
   if not exe then return nil, "Chromium is not installed (Debian: apt-get install chromium)" end
   local http = serve.http()
   if not http then return nil, "lua-http is not installed (Debian: apt-get install lua-http)" end
   local websocket = require "http.websocket"
   local dir = os.tmpname()
   os.remove(dir)
   assert(os.execute("mkdir -p " .. dir))
   -- the browser is no part of quarry: not under the ASan run's LD_PRELOAD;
   -- no background networking (this machine has no network: it would only log failures)
   local p = io.popen(string.format("env -u LD_PRELOAD -u ASAN_OPTIONS %q --headless --no-sandbox --disable-gpu "
      .. "--disable-quic --no-first-run --no-default-browser-check --disable-background-networking "
      .. "--disable-component-update --disable-sync --disable-extensions --disable-features=Translate,MediaRouter "
      .. "--remote-debugging-port=0 --user-data-dir=%q about:blank >%q 2>&1 & echo $!", exe, dir,
      dir .. "/chromium.log"))
   local pid = p:read("l")
   p:close()
   local self = setmetatable({ pid = pid, dir = dir, next_id = 0, pages = {} }, Browser)
   local port_file = dir .. "/DevToolsActivePort"
   local port, path
   for _ = 1, 300 do
      local f = io.open(port_file)
      if f then
         port, path = f:read("l"), f:read("l")
         f:close()
         if port and path then break end
      end
      sleep(0.05)
   end
   if not port then
      self:close()
      return nil, "Chromium did not open its debugging port (see " .. dir .. "/chromium.log)"
   end
   local ws = websocket.new_from_uri("ws://127.0.0.1:" .. port .. path)
   local ok, err = ws:connect(20)
   if not ok then
      self:close()
      return nil, "cannot reach Chromium's DevTools: " .. tostring(err)
   end
   self.ws = ws
   self.width, self.height = opts.width or 1280, opts.height or 900
   return self
end

--- browser:page() -> a new tab, with its errors and requests recorded.
function Browser:page()
   local target = self:call("Target.createTarget", { url = "about:blank" })
   local attached = self:call("Target.attachToTarget", { targetId = target.targetId, flatten = true })
   local page = setmetatable({ browser = self, session = attached.sessionId, errors = {}, requests = {},
      loads = 0 }, Page)
   self.pages[page.session] = page
   for _, domain in ipairs { "Page", "Runtime", "Log", "Network" } do page:call(domain .. ".enable") end
   page:call("Emulation.setDeviceMetricsOverride", { width = self.width, height = self.height,
      deviceScaleFactor = 1, mobile = false })
   return page
end

function Page:call(method, params)
   return self.browser:call(method, params, self.session)
end

-- What the page logs as an error, throws or requests.
function Page:event(method, p)
   if method == "Page.loadEventFired" then
      self.loads = self.loads + 1
   elseif method == "Runtime.exceptionThrown" then
      local d = p.exceptionDetails or {}
      self.errors[#self.errors + 1] = "exception: " .. tostring(d.exception and d.exception.description or d.text)
   elseif method == "Runtime.consoleAPICalled" and (p.type == "error" or p.type == "assert") then
      local parts = {}
      for _, a in ipairs(p.args or {}) do parts[#parts + 1] = tostring(a.value or a.description) end
      self.errors[#self.errors + 1] = "console." .. p.type .. ": " .. table.concat(parts, " ")
   elseif method == "Log.entryAdded" and p.entry and p.entry.level == "error" then
      self.errors[#self.errors + 1] = "log: " .. tostring(p.entry.text) .. " " .. tostring(p.entry.url or "")
   elseif method == "Network.requestWillBeSent" and p.request then
      self.requests[#self.requests + 1] = p.request.url
   end
end

--- page:open(url): navigates and waits for the load event.
function Page:open(url)
   local before = self.loads
   local r = self:call("Page.navigate", { url = url })
   if r.errorText then error("cannot load " .. url .. ": " .. r.errorText, 2) end
   self.browser:pump(function() return self.loads > before end)
end

--- page:eval(js) -> its value (JSON-like); raises on a thrown exception.
function Page:eval(js)
   local r = self:call("Runtime.evaluate", { expression = js, returnByValue = true, awaitPromise = true })
   if r.exceptionDetails then
      error("page script failed: " .. tostring(r.exceptionDetails.exception and
         r.exceptionDetails.exception.description or r.exceptionDetails.text), 2)
   end
   return r.result and r.result.value
end

--- page:click(selector): clicks the element and waits for the page it leads to.
function Page:click(selector)
   local before = self.loads
   local found = self:eval(string.format("(function(){var e=document.querySelector(%s);if(!e)return false;"
      .. "e.click();return true})()", cjson.encode(selector)))
   if not found then error("no element " .. selector .. " to click", 2) end
   self.browser:pump(function() return self.loads > before end)
end

--- page:screenshot(path [, full]): a PNG of the viewport (full: the whole page).
function Page:screenshot(path, full)
   local r = self:call("Page.captureScreenshot", { format = "png", captureBeyondViewport = full or false })
   local png = require("basexx").from_base64(r.data)
   local f = assert(io.open(path, "wb"))
   f:write(png)
   f:close()
end

--- browser:close(): ends the Chromium this client started, removes its profile.
function Browser:close()
   if self.ws then pcall(self.ws.close, self.ws) end
   self.ws = nil
   if self.pid and self.pid:match("^%d+$") then
      os.execute("kill " .. self.pid .. " 2>/dev/null")
      for _ = 1, 100 do
         if not os.execute("kill -0 " .. self.pid .. " 2>/dev/null") then break end
         sleep(0.05)
      end
      os.execute("kill -9 " .. self.pid .. " 2>/dev/null")
   end
   self.pid = nil
   if self.dir then os.execute("rm -rf " .. string.format("%q", self.dir)) end
end

return cdp
