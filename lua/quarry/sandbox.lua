--- The sandbox rule packs and reports run in (docs/security.md says what
-- it promises and how that is tested).
--
--   local sandbox = require "quarry.sandbox"
--   local box = sandbox.new { kind = "rule pack", name = "mypack", root = "path/to/mypack",
--      modules = { "quarry.pattern", "cjson" }, files = true }
--   local def = box:run("loading", box:load("path/to/mypack/init.lua"))
--
-- Untrusted code (the default) gets the safe base functions; copies of
-- string (without dump), table, math, utf8 and coroutine of its own; an
-- instance of its own of each module it may require; and, with `files`,
-- the files of its own folder (include, read_list, gazetteer), resolved as
-- realpath(3) resolves them, symbolic links included. It cannot reach the
-- string metatable or quarry's metatables, os, io, debug, load, loadfile,
-- dofile or collectgarbage, nor set a __gc metamethod (a finalizer runs
-- where no limit can reach it).
--
-- Whatever runs through box:run runs under the box's limits
-- (quarry.core.limited): a step budget and a memory ceiling, per call.
-- Trusted code gets the global environment; box:run limits it too, though
-- trusted code can lift the limits with debug.sethook.
-- @module quarry.sandbox
local core = require "quarry.core"
local lfs = require "lfs"

-- Captured now, before any untrusted code runs: the checks below never
-- call a method or a table field untrusted code could have reached.
local error, getmetatable, ipairs, load, loadfile, next, pairs, pcall, rawget, select, setmetatable, tonumber =
   error, getmetatable, ipairs, load, loadfile, next, pairs, pcall, rawget, select, setmetatable, tonumber
local tostring, type, require = tostring, type, require
local math_type, math_floor, math_tointeger = math.type, math.floor, math.tointeger
local string_byte, string_find, string_format, string_gsub, string_lower, string_match, string_sub =
   string.byte, string.find, string.format, string.gsub, string.lower, string.match, string.sub
local table_concat, table_sort = table.concat, table.sort
local coroutine_create, coroutine_resume, coroutine_close = coroutine.create, coroutine.resume, coroutine.close
local io_open, io_stderr = io.open, io.stderr
local package_searchpath = package.searchpath
local lfs_attributes, lfs_symlinkattributes, lfs_dir = lfs.attributes, lfs.symlinkattributes, lfs.dir
local limited, limit_thread, limit_tripped, limit_charge = core.limited, core.limit_thread, core.limit_tripped,
   core.limit_charge
local limited_by_clock = core.limited_by_clock
local list_rows, check_plain = core.list_rows, core.check_plain
local realpath, limit_source = core.realpath, core.limit_source
local plain_annotations = core.plain_annotations

local sandbox = {}

-- A limit's error names a line of untrusted code (limit_source, box:load)
-- or else of any code but quarry's own modules, found where this one is.
do
   local here = string_match(debug.getinfo(1, "S").source, "^(@.*/)sandbox%.lua$")
   if here then core.limit_host(here) end
end

--- Default step budget of one call (loading a pack, one document, one
-- report): Lua VM instructions, counted every 1000, and 100 ns of CPU time
-- a step (a box with `clock`, a pack quarry ships: CPU time alone,
-- 100 s for this budget). Counted by instructions, the news pack spends
-- about 25 a byte of text (2026-12, BBC and Reuters: at most 560,000 on
-- one article), so this takes documents of tens of megabytes.
sandbox.DEFAULT_STEPS = 1000000000
--- Default memory ceiling of one call: how far the Lua heap may grow over
-- its size when the call began, garbage collected first (1 GiB; the news
-- pack grows it by under 1 MB on one article).
sandbox.DEFAULT_MEMORY = 1024 * 1024 * 1024

-- Methods of strings while boxed code runs: string's functions but dump,
-- which ("").dump would reach otherwise (functions added to string later
-- are looked up there). The string metatable itself stays out of reach
-- (the box's getmetatable).
local string_mt = debug.getmetatable("")
local string_methods = {}
for k, v in next, string do
   if k ~= "dump" then string_methods[k] = v end
end
-- The results of pcall(f, ...), f a library function a wrapper of the
-- sandbox's calls for untrusted code, called as `return at_caller(pcall(f,
-- ...))` (a tail call: level 2 is the wrapper's caller). A misuse that f
-- raises names the untrusted code's line, not the wrapper's; other errors
-- (its callbacks', a limit's) go on as they are.
local SELF_AT = "^" .. string_gsub(debug.getinfo(1, "S").short_src, "%p", "%%%0") .. ":%d+: "
local function at_caller(ok, ...)
   if ok then return ... end
   local e = ...
   if type(e) == "string" then
      local bare, n = string_gsub(e, SELF_AT, "", 1)
      if n > 0 or not string_find(e, "^[^\n]-:%d+: ") then error(bare, 2) end
   end
   error(e, 0)
end

-- string.rep("", n) loops n times in C making nothing, where no hook
-- reaches: an empty result is made at once (the arguments checked as
-- string.rep checks them).
local string_rep = string.rep
local function safe_rep(s, n, sep)
   if s == "" and (sep == nil or sep == "") then return at_caller(pcall(string_rep, s, n > 0 and 1 or n, sep)) end
   return at_caller(pcall(string_rep, s, n, sep))
end
string_methods.rep = safe_rep
-- Lua's pattern matcher backtracks without bound inside one C call, where
-- no hook runs (("a"):rep(1e5):find(".-.-b") never ends): untrusted code
-- gets the same functions on a matcher that counts its work against the
-- step budget (csrc/qr_lpat.c).
local PATTERN_FUNCTIONS = { find = core.lpat_find, match = core.lpat_match, gmatch = core.lpat_gmatch,
   gsub = core.lpat_gsub }
for k, v in next, PATTERN_FUNCTIONS do string_methods[k] = v end
local string_lib = string
setmetatable(string_methods, { __index = function(_, k)
   if k ~= "dump" then return string_lib[k] end
   return nil
end })

-- Limits of the conversion of an untrusted error object into a message.
local MESSAGE_STEPS, MESSAGE_MEMORY = 1000000, 16 * 1024 * 1024

local SAFE_GLOBALS = {
   "assert", "error", "ipairs", "next", "pairs", "rawequal", "rawget", "rawlen", "rawset",
   "select", "tonumber", "tostring", "type", "_VERSION",
}
local SAFE_LIBS = { "string", "table", "math", "utf8", "coroutine" }

local UNITS = { [""] = 1, k = 1024, m = 1024 ^ 2, g = 1024 ^ 3, t = 1024 ^ 4 }

--- sandbox.parse_size(v) -> bytes | nil, message: a count of bytes, or a
-- string "512M", "2G", "64k", "1000000" (K, M, G, T: powers of 1024).
-- @param v integer or string a count of bytes, or "512M", "2G", "64k"
-- @return integer bytes; or nil, message
function sandbox.parse_size(v)
   if math_type(v) == "integer" and v >= 0 then return v end
   if math_type(v) == "float" and v >= 0 and v == math_floor(v) and v < 2 ^ 53 then return math_floor(v) end
   if type(v) == "string" then
      local num, unit = string_match(v, "^%s*(%d+%.?%d*)%s*([kKmMgGtT]?)[iI]?[bB]?%s*$")
      local n = num and tonumber(num)
      if n then return math_floor(n * UNITS[string_lower(unit)]) end
   end
   return nil, string_format("expected a size in bytes such as 512M or 2G, not '%s'", tostring(v))
end

--- sandbox.limits(given, level) -> {steps, memory}: limits checked, the
-- defaults filling what given (a table or nil) leaves out. 0 means none.
-- @param given table optional: {steps, memory}
-- @param level integer the level of the caller errors name
-- @return table {steps, memory}
function sandbox.limits(given, level)
   level = (level or 1) + 1
   if given == nil then given = {} end
   if type(given) ~= "table" then error("limits must be a table {steps = n, memory = size}", level) end
   for k in next, given do
      if k ~= "steps" and k ~= "memory" then
         error(string_format("limits: unknown limit '%s' (steps, memory)", tostring(k)), level)
      end
   end
   local steps = rawget(given, "steps")
   if steps == nil then steps = sandbox.DEFAULT_STEPS end
   if math_type(steps) == "float" and steps == math_floor(steps) and steps < 2 ^ 63 then steps = math_floor(steps) end
   if math_type(steps) ~= "integer" or steps < 0 then
      error("limits: steps must be a non-negative integer (0: no budget)", level)
   end
   local memory = rawget(given, "memory")
   if memory == nil then memory = sandbox.DEFAULT_MEMORY end
   local bytes, err = sandbox.parse_size(memory)
   if not bytes then error("limits: memory: " .. err, level) end
   return { steps = steps, memory = bytes }
end

local Box = {}
local BoxMT = { __index = Box, __metatable = "quarry.Sandbox" }

-- The tables untrusted code gave a metatable (weak keys), of every box:
-- values go from one box to another through quarry (a report's parts).
local own = setmetatable({}, { __mode = "k" })

local function copy(t)
   local c = {}
   for k, v in next, t do c[k] = v end
   return c
end

-- A limit that tripped inside untrusted code's own pcall goes on up.
local function rethrow_trip(ok, ...)
   if not ok and limit_tripped() then error((...), 0) end
   return ok, ...
end

-- xpcall of untrusted code: the message handler runs once the stack has
-- unwound. Lua calls a handler where the error is raised, and a limit's
-- error is raised inside the step hook, where hooks are off: a handler
-- that loops there would never stop. (Untrusted code has no debug library,
-- so a handler sees nothing more where Lua would call it.)
local function handled(msgh, ok, ...)
   if ok then return true, ... end
   if limit_tripped() then error((...), 0) end
   local hok, v = pcall(msgh, (...))
   if not hok and limit_tripped() then error(v, 0) end
   return false, v
end

-- Coroutines a limit stopped (weak keys). The limit's error left such a
-- coroutine dead with hooks off (it was raised in the hook, and no pcall
-- inside the coroutine restored them): closing it would run its pending
-- __close metamethods where no limit reaches, so it is never closed.
local stopped = setmetatable({}, { __mode = "k" })

local function resumed(co, ok, ...)
   if not ok and limit_tripped() then
      stopped[co] = true
      error((...), 0)
   end
   return ok, ...
end

local function wrap_results(co, ok, ...)
   if ok then return ... end
   if limit_tripped() then
      stopped[co] = true
   else
      coroutine_close(co)
   end
   error((...), 0)
end

-- The coroutine library of untrusted code: coroutines it makes count
-- against the step budget (hooks are per coroutine; making one costs a
-- chunk of steps, so that code making many short-lived coroutines is
-- counted too), its pcalls let a tripped limit through, and a coroutine a
-- limit stopped is not closed.
local function coroutine_lib()
   local lib = copy(coroutine)
   local function make(f, fname)
      if type(f) ~= "function" then
         error(string_format("bad argument #1 to '%s' (function expected, got %s)", fname, type(f)), 3)
      end
      local co = coroutine_create(f)
      limit_thread(co)
      return co
   end
   lib.create = function(f)
      local co = make(f, "coroutine.create")   -- (not a tail call: make's level 3 is the caller)
      return co
   end
   lib.resume = function(co, ...)
      if type(co) ~= "thread" then
         error(string_format("bad argument #1 to 'coroutine.resume' (coroutine expected, got %s)", type(co)), 2)
      end
      return resumed(co, coroutine_resume(co, ...))
   end
   lib.wrap = function(f)
      local co = make(f, "coroutine.wrap")
      return function(...) return wrap_results(co, coroutine_resume(co, ...)) end
   end
   lib.close = function(co)
      if stopped[co] then return false, "the coroutine was stopped by a limit; it cannot be closed" end
      return at_caller(pcall(coroutine_close, co))
   end
   return lib
end

-- The table library of untrusted code: what a function goes through in C,
-- element by element, counts against the step budget as that many steps
-- (the hook counts only Lua instructions: table.move({}, 1, 1e15, 1, {})
-- would run for days in one call).
local function table_lib()
   local lib = copy(table)
   local move, insert, remove, concat, unpack, sort = table.move, table.insert, table.remove, table.concat,
      table.unpack, table.sort
   -- #t of the table argument of table.NAME (level 3: the wrapper's caller)
   local function length(t, fname)
      if type(t) ~= "table" then
         error(string_format("bad argument #1 to '%s' (table expected, got %s)", fname, type(t)), 3)
      end
      return #t
   end
   local function span(i, j)
      i, j = tonumber(i), tonumber(j)
      i, j = i and math_tointeger(i), j and math_tointeger(j)
      if i and j and j >= i then return j - i + 1 end
      return 0   -- not a range: the function itself says what is wrong
   end
   lib.move = function(a1, f, e, t, a2)
      limit_charge(span(f, e))
      return at_caller(pcall(move, a1, f, e, t, a2))
   end
   -- A table with a metatable may have a __len that answers one thing to
   -- the count and another to table.insert itself: there, the elements
   -- move in Lua, one #t for both (the hook counts the loop).
   local function position(pos, fname)
      local p = math_tointeger(pos)
      if not p then
         error(string_format("bad argument #2 to 'table.%s' (number has no integer representation)", fname), 3)
      end
      return p
   end
   local function insert_at(t, pos, v)
      local e = #t + 1
      pos = position(pos, "insert")
      if pos < 1 or pos > e then error("bad argument #2 to 'table.insert' (position out of bounds)", 2) end
      for i = e, pos + 1, -1 do t[i] = t[i - 1] end
      t[pos] = v
   end
   local function remove_at(t, pos)
      local size = #t
      pos = position(pos, "remove")
      if pos ~= size and (pos < 1 or pos > size + 1) then
         error("bad argument #2 to 'table.remove' (position out of bounds)", 2)
      end
      local v = t[pos]
      while pos < size do
         t[pos] = t[pos + 1]
         pos = pos + 1
      end
      t[pos] = nil
      return v
   end
   lib.insert = function(t, ...)
      local n = select("#", ...)
      if n == 2 and getmetatable(t) ~= nil then return insert_at(t, ...) end
      if n >= 2 then limit_charge(span((...), length(t, "table.insert"))) end
      return at_caller(pcall(insert, t, ...))
   end
   lib.remove = function(t, pos)
      if pos ~= nil and getmetatable(t) ~= nil then return remove_at(t, pos) end
      if pos ~= nil then limit_charge(span(pos, length(t, "table.remove"))) end
      return at_caller(pcall(remove, t, pos))
   end
   lib.concat = function(t, sep, i, j)
      limit_charge(span(i or 1, j or length(t, "table.concat")))
      return at_caller(pcall(concat, t, sep, i, j))
   end
   lib.unpack = function(t, i, j)
      limit_charge(span(i or 1, j or length(t, "table.unpack")))
      return at_caller(pcall(unpack, t, i, j))
   end
   lib.sort = function(t, comp)
      limit_charge(length(t, "table.sort"))
      return at_caller(pcall(sort, t, comp))
   end
   return lib
end

-- getmetatable and setmetatable of untrusted code: it sees and changes
-- only the metatables it set itself (box.own); the string metatable and
-- quarry's stay out of reach, and no metatable of its has a __gc.
local function metatable_functions(box)
   local function get(v)
      local mt = getmetatable(v)
      if own[v] or type(mt) ~= "table" then return mt end
      return nil
   end
   local function set(t, mt)
      if type(t) ~= "table" then
         error(string_format("bad argument #1 to 'setmetatable' (table expected, got %s)", type(t)), 2)
      end
      if mt ~= nil and type(mt) ~= "table" then
         error(string_format("bad argument #2 to 'setmetatable' (nil or table expected, got %s)", type(mt)), 2)
      end
      if mt ~= nil and rawget(mt, "__gc") ~= nil then
         error(string_format("setmetatable: __gc is not available to an untrusted %s (a finalizer runs outside "
            .. "its limits)", box.kind), 2)
      end
      if getmetatable(t) ~= nil and not own[t] then error("cannot change a protected metatable", 2) end
      setmetatable(t, mt)
      own[t] = mt ~= nil or nil
      return t
   end
   return get, set
end

-- setmetatable for quarry's modules loaded for untrusted code: their
-- metatables are within its reach (a class's __index is the class, so
-- P.word("x").__index is the pattern metatable), and a __gc it added there
-- would make each object the module makes later run it as a finalizer,
-- outside every limit. core.module_setmetatable refuses a metatable with
-- __gc (in C: quarry.pattern sets one on every node it makes).
local module_setmetatable = core.module_setmetatable
local MODULE_ENV_MT = { __index = _G }

-- The instance of a module this box's code gets: cjson as cjson.new(),
-- quarry's Lua modules loaded anew (their tables, metatables and caches
-- its own), in an environment whose setmetatable refuses __gc.
local function module_instance(box, name)
   local m = box.instances[name]
   if m ~= nil then return m end
   if name == "cjson" or name == "cjson.safe" then
      m = require(name).new()
   else
      local path, err = package_searchpath(name, package.path)
      if not path then error(err, 3) end
      -- quarry's own code: the global environment, but for setmetatable
      local env = box.trusted and _G or setmetatable({ setmetatable = module_setmetatable }, MODULE_ENV_MT)
      local chunk, lerr = loadfile(path, "t", env)
      if not chunk then error(lerr, 3) end
      m = chunk(name, path)
   end
   box.instances[name] = m
   return m
end

local function untrusted_env(box, opts)
   local env = {}
   for _, name in ipairs(SAFE_GLOBALS) do env[name] = _G[name] end
   for _, name in ipairs(SAFE_LIBS) do env[name] = copy(_G[name]) end
   env.string.dump = nil
   env.string.rep = safe_rep
   for k, v in next, PATTERN_FUNCTIONS do env.string[k] = v end
   env.coroutine = coroutine_lib()
   env.table = table_lib()
   env.getmetatable, env.setmetatable = metatable_functions(box)
   env.pcall = function(f, ...) return rethrow_trip(pcall(f, ...)) end
   env.xpcall = function(f, msgh, ...)
      if type(msgh) ~= "function" then
         error(string_format("bad argument #2 to 'xpcall' (function expected, got %s)", type(msgh)), 2)
      end
      return handled(msgh, pcall(f, ...))
   end
   env._G = env
   local allowed = {}
   for _, name in ipairs(opts.modules or {}) do allowed[name] = true end
   local find_module = opts.require
   env.require = function(name)
      if type(name) ~= "string" then error("require: expected a module name", 2) end
      if allowed[name] then return module_instance(box, name) end
      if find_module then
         local found, value = find_module(box, name)
         if found then return value end
      end
      error(string_format("module '%s' is not available to an untrusted %s (mark it trusted)", name, box.kind), 2)
   end
   return env
end

--- sandbox.new(opts) -> box
-- opts: kind ("rule pack", "report": for messages), name, root (the folder
-- whose files the code may read; required with files), trusted, limits
-- ({steps, memory}, see sandbox.limits), modules (names untrusted code may
-- require, each box getting its own instance), require (function(box, name)
-- -> found, value for other names), files (true: include, read_list,
-- gazetteer and pack_dir in the environment), include (function(box, name)
-- -> found, value: what include gives for a name before the folder's
-- files), instances (the module instances of another box, to share),
-- globals (more names), clock (true: box:run counts the step budget by
-- the CPU clock alone, core.limited_by_clock, without the per-instruction
-- hook: for code quarry ships, never for a user's; box.clock says which).
-- @param opts table {kind, name, root, trusted, limits, modules, require, files, globals, clock}
-- @return table the box (see Box)
function sandbox.new(opts)
   local box = setmetatable({ kind = opts.kind or "rule pack", name = opts.name or "?", trusted = opts.trusted and true,
      clock = opts.clock and true or false,
      limits = sandbox.limits(opts.limits, 2), instances = opts.instances or {}, loaded = {}, own = own,
      included = {}, include_other = opts.include }, BoxMT)
   if opts.root then
      local root, err = realpath(opts.root)
      if not root then error(err, 2) end
      box.root, box.dir = root, opts.root
   end
   if box.trusted then
      box.env = setmetatable({}, { __index = _G })
   else
      box.env = untrusted_env(box, opts)
   end
   if opts.files then
      local env = box.env
      env.include = function(name) return box:include(name, 2) end
      env.read_list = function(name) return box:read_list(name, 2) end
      env.gazetteer = function(spec, gopts) return box:gazetteer(spec, gopts, 2) end
      env.pack_dir = box.root
   end
   for k, v in pairs(opts.globals or {}) do box.env[k] = v end
   return box
end

-- --- running under limits -------------------------------------------------------

--- box:set_limits(limits): the limits of later calls (see sandbox.limits).
-- @param limits table {steps, memory}
-- @return nothing
function Box:set_limits(limits)
   self.limits = sandbox.limits(limits, 2)
end

-- Calls f(...) within limits (limit: core.limited or
-- core.limited_by_clock), the box's string methods in place of the real
-- ones (string.dump left out): as box:run, and as message_of.
local function restore_methods(saved, ...)
   string_mt.__index = saved
   return ...
end

local function boxed(limit, steps, memory, f, ...)
   local saved = string_mt.__index
   string_mt.__index = string_methods
   return restore_methods(saved, limit(steps, memory, f, ...))
end

-- The message of an error object: a string as it is; any other value
-- turned into a string under limits of its own (its __tostring may be
-- untrusted code's: one it set, or one it put in the metatable of a
-- module instance's objects).
local function message_of(err)
   if type(err) == "string" then return err end
   local ok, s = boxed(limited, MESSAGE_STEPS, MESSAGE_MEMORY, tostring, err)
   if ok and type(s) == "string" then return s end
   return "(an error object whose __tostring failed: " .. (type(s) == "string" and s or "?") .. ")"
end

-- The metatables of error objects quarry raises inside a box and catches
-- outside (a report's usage error): those go on as they are.
local host_errors = setmetatable({}, { __mode = "k" })

--- sandbox.host_error(mt): error objects with metatable mt, raised by
-- quarry's own code inside a box, go through box:run as they are (any
-- other error object becomes its message, made under limits).
-- @param mt table the metatable of such error objects
-- @return nothing
function sandbox.host_error(mt)
   host_errors[mt] = true
end

-- The globals untrusted code does not get (the full environment of a trusted
-- pack or report has them): using one says so, and how to get it.
local WITHHELD = { os = true, io = true, debug = true, load = true, loadfile = true, dofile = true,
   package = true, collectgarbage = true, loadstring = true, print = false }

-- "attempt to index a nil value (global 'os')" in untrusted code: say why.
local function withheld_hint(box, msg)
   if box.trusted or type(msg) ~= "string" then return msg end
   local name = string_match(msg, "%(global '([%w_]+)'%)$")
   if not (name and WITHHELD[name]) then return msg end
   return string_format("%s: a %s has no %s unless it is trusted (--trusted; %s)", msg, box.kind, name,
      box.kind == "report" and "reports.load(report, {trusted = true})" or "rules.load(pack, {trusted = true})")
end

-- How to raise a limit, by the box's kind (a report sets no limits of its own).
local HINTS = {
   ["rule pack"] = {
      steps = "raise it with --max-steps, or limits.steps in the pack",
      memory = "raise it with --max-memory, or limits.memory in the pack",
   },
   report = {
      steps = "raise it with --max-steps, or limits.steps from Lua",
      memory = "raise it with --max-memory, or limits.memory from Lua",
   },
}

local function finish(box, what, ok, ...)
   if ok then return ... end
   local err, kind = ...
   if kind == "error" then
      -- an object of quarry's own (a report's usage error) goes on as it is
      if type(err) == "table" and not box.own[err] and host_errors[getmetatable(err)] then error(err, 0) end
      error(withheld_hint(box, message_of(err)), 0)
   end
   local msg = message_of(err)
   if kind == "memory" then
      local limit = string_format("memory limit exceeded (the Lua heap grew by more than %d bytes)", box.limits.memory)
      local replaced, n = string_gsub(msg, "not enough memory", limit)
      msg = n > 0 and replaced or (msg .. ": " .. limit)
   end
   local hint = (HINTS[box.kind] or HINTS["rule pack"])[kind]
   error(string_format("%s '%s', %s: %s (%s)", box.kind, box.name, what, msg, hint), 0)
end

--- box:run(what, f, ...) -> f's results
-- Calls f(...) under the box's limits; what says what it is for messages
-- ("loading", "document 'x'"). A limit that trips raises "KIND 'NAME',
-- WHAT: file:line: step limit exceeded ..." (or memory limit); other errors
-- go on as they are (an error object as its message, but quarry's own:
-- sandbox.host_error).
-- @param what string what the code is doing, for messages ("loading", "running rule X")
-- @param f function the code
-- @param ... its arguments
-- @return what f returns
function Box:run(what, f, ...)
   return finish(self, what, boxed(self.clock and limited_by_clock or limited, self.limits.steps, self.limits.memory,
      f, ...))
end

-- --- values leaving the box ----------------------------------------------------------

--- box:check_plain(v, what [, strict]) raises "WHAT: a table with a
-- metatable ..." when v holds, at any depth, a table untrusted code gave a
-- metatable (strict: a table with any metatable). What quarry keeps and
-- reads after box:run must not run untrusted code when it is read: a
-- pack's definition, its annotations, a report's model.
function Box.check_plain(_, v, what, strict)
   -- (in C: a pack's definition holds its patterns' word sets)
   if type(v) == "table" then check_plain(v, own, what, strict) end
end

local function plain_copy(v, what, seen)
   local c = seen[v]
   if c then return c end
   if own[v] or getmetatable(v) ~= nil then
      error(string_format("%s: a table with a metatable (quarry takes plain tables from a pack or report)", what), 0)
   end
   c = {}
   seen[v] = c
   for k, x in next, v do
      if type(k) == "table" then k = plain_copy(k, what, seen) end
      if type(x) == "table" then x = plain_copy(x, what, seen) end
      c[k] = x
   end
   return c
end

--- box:plain_annotations(list, what) -> a copy of list, tables of quarry's
-- own at every depth. Raises "WHAT: a table with a metatable ..." when list
-- holds, at any depth, a table with a metatable. What a pack hands back
-- must not run its code when quarry reads it, nor change once the call is
-- over: the pack keeps the tables it made (and can reach those quarry made
-- for it), and a later call, its next document, could give one of them a
-- metatable or change its fields while quarry still holds it (quarry eval
-- scores the annotations of every document at the end).
-- @param list table the annotations
-- @param what string what they are, for messages (default: the box's kind and name)
-- @return table the copy
function Box:plain_annotations(list, what)
   if type(list) ~= "table" then return list end
   what = what or (self.kind .. " '" .. self.name .. "'")
   if own[list] or getmetatable(list) ~= nil then return plain_copy(list, what, {}) end
   -- each annotation as plain_copy copies it, in C (the largest part of
   -- the glue between a pack's phases when it was Lua)
   return plain_annotations(list, own, what, plain_copy)
end

-- --- files ---------------------------------------------------------------------------

--- box:path(name, what [, level [, as_given]]) -> the real path of a file of the box's folder
-- name is relative to the folder (as_given: to the working directory), or
-- absolute. Untrusted: resolved like realpath(3), symbolic links followed,
-- it must lie inside the folder and be a regular file; raises "WHAT: ..."
-- otherwise.
-- @param name string the file's name
-- @param what string what asks, for messages
-- @param level integer optional: the level errors name
-- @param as_given boolean optional: relative to the working directory
-- @return string the real path
function Box:path(name, what, level, as_given)
   level = (level or 1) + 1
   if type(name) ~= "string" or name == "" then error(what .. ": expected a file name", level) end
   local absolute = as_given or string_byte(name, 1) == 47
   if self.trusted then return absolute and name or (self.dir or ".") .. "/" .. name end
   if not self.root then error(what .. ": no files are available here", level) end
   local real, err = realpath(absolute and name or self.root .. "/" .. name)
   if not real then error(string_format("%s: %s", what, err), level) end
   local prefix = self.root == "/" and "/" or self.root .. "/"
   if string_sub(real, 1, #prefix) ~= prefix then
      error(string_format("%s: '%s' is outside the %s's folder (an untrusted pack loads files from its own folder "
         .. "only)", what, name, self.kind), level)
   end
   local mode = lfs_attributes(real, "mode")
   if mode ~= "file" then
      error(string_format("%s: '%s' is not a regular file (%s)", what, name, tostring(mode)), level)
   end
   return real
end

--- box:load(path [, level [, shown]]) -> the chunk of a Lua file, in the box's
-- environment (text only); messages and rules name it as shown (default:
-- path).
-- @param path string the Lua file
-- @param level integer optional: the level errors name
-- @param shown string optional: the name messages give the file
-- @return function the chunk
function Box:load(path, level, shown)
   level = (level or 1) + 1
   local f, oerr = io_open(path, "rb")
   if not f then error(oerr, level) end
   local text = f:read("a")
   f:close()
   local chunkname = "@" .. (shown or path)
   local chunk, err = load(text, chunkname, "t", self.env)
   -- Lua's message names the file and line: no position of quarry's is added
   if not chunk then error(sandbox.syntax_hint(text, err), 0) end
   -- a limit's error names the nearest line of this file on the stack
   limit_source(chunkname)
   return chunk
end

-- The first line where the brackets of a Lua text stop agreeing with its
-- indentation: a line that starts with a closing bracket indented unlike
-- the line that opened it. Returns that line and the opener's, or nil.
-- Strings and comments are skipped roughly (enough for rule packs).
local function bracket_mismatch(text)
   local stack, n = {}, 0
   for line in (text .. "\n"):gmatch("([^\n]*)\n") do
      n = n + 1
      local indent = #line:match("^%s*")
      local code = line:gsub("%-%-.*$", ""):gsub('"[^"]*"', '""'):gsub("'[^']*'", "''")
      local first = true
      for ch in code:gmatch("[%(%){}%[%]]") do
         if ch == "{" or ch == "(" or ch == "[" then
            stack[#stack + 1] = { line = n, indent = indent }
         else
            local open = table.remove(stack)
            if open and first and code:match("^%s*[%)}%]]") and open.indent ~= indent and open.line ~= n then
               return n, open.line
            end
         end
         first = false
      end
   end
   return nil
end

--- A syntax error's message as Lua gives it, and, when Lua could only tell
-- at the end of the file (near <eof>), the first line where the file stops
-- making sense: sandbox.syntax_hint(text, message) -> message.
-- @param text string the Lua file's text
-- @param msg string Lua's message
-- @return string
function sandbox.syntax_hint(text, msg)
   if type(msg) ~= "string" or not msg:find("near <eof>$") then return msg end
   local at, opened = bracket_mismatch(text)
   if not at then return msg end
   return string_format("%s; the file stops making sense at line %d: its closing bracket closes the one "
      .. "opened at line %d", msg, at, opened)
end

--- box:include(name [, level]) -> what the file NAME(.lua) of the folder returns
-- Runs it in the same environment (the caller is under box:run already),
-- once: a second include of the file returns what the first returned.
-- Without such a file, the box's include option (opts.include(box, name)
-- -> found, value) may answer for the name.
-- @param name string the file, relative to the box's folder
-- @param level integer optional: the level errors name
-- @return what the file returns
function Box:include(name, level)
   level = (level or 1) + 1
   if type(name) ~= "string" then error("include: expected a file name inside the pack folder", level) end
   if self.include_other then
      local found, value = self.include_other(self, name)
      if found then return value end
   end
   if not string_find(name, "%.lua$") then name = name .. ".lua" end
   local real = self:path(name, "include", level)
   local done = self.included[real]
   if done then return done[1] end
   local value = self:load(real, level, (self.dir or ".") .. "/" .. name)()
   self.included[real] = { value }
   return value
end

--- box:read_list(name [, level]) -> rows: a data file of the folder as rows of
-- tab-separated fields ("#" lines and blank lines skipped; row.line is the
-- line number): word lists, cue lists.
-- @param name string the file, relative to the box's folder
-- @param level integer optional: the level errors name
-- @return table the rows
function Box:read_list(name, level)
   level = (level or 1) + 1
   local path = self:path(name, "read_list", level)
   local f, err = io_open(path, "rb")
   if not f then error("read_list: " .. tostring(err), level) end
   local text = f:read("a")
   f:close()
   return list_rows(text)
end

-- The views box:gazetteer made (weak keys): the gazetteer behind each, and
-- its own match.
local views = setmetatable({}, { __mode = "k" })

-- What an untrusted pack gets of a gazetteer: matching, not loading files.
local function gazetteer_view(g)
   local view = {}
   function view.match(_, toks, opts) return g:match(toks, opts) end
   function view.entry(_, id) return g:entry(id) end
   function view.size() return #g end
   view.native = true   -- match() takes the C options, annotate included
   views[view] = { gazetteer = g, match = view.match }
   return view
end

--- sandbox.gazetteer_behind(v) -> the quarry.Gazetteer a view that
-- box:gazetteer made matches with, and the view's own match function
-- (v.match(v, toks, opts) is gazetteer:match(toks, opts) while v.match is
-- that function); nil for any other value. The rule engine matches with
-- it directly, with options of its own that untrusted code never sees.
-- @param v any value
-- @return the gazetteer, or nil
-- @return function the view's own match
function sandbox.gazetteer_behind(v)
   local view = views[v]
   if view then return view.gazetteer, view.match end
   return nil
end

--- box:gazetteer(spec [, opts [, level]]) -> a gazetteer (untrusted: a view
-- that matches and reads entries) from a file of the folder or a list.
-- @param spec string or table a file of the folder, or a list
-- @param opts table optional: as quarry.gazetteer.load takes
-- @param level integer optional: the level errors name
-- @return a gazetteer, or its read-only view
function Box:gazetteer(spec, opts, level)
   level = (level or 1) + 1
   if type(spec) == "string" then spec = self:path(spec, "gazetteer", level) end
   local g, err = require("quarry.gazetteer").load(spec, opts)
   if not g then error(err, level) end
   return self.trusted and g or gazetteer_view(g)
end

--- box:module(name) -> the box's own instance of a module (see sandbox.new)
-- @param name string the module's name
-- @return the box's instance of it
function Box:module(name)
   return module_instance(self, name)
end

--- sandbox.files(root) -> sorted paths (relative to root) of the regular
-- files under root: what a folder pack's results depend on. Dot files are
-- left out; symbolic links are followed only to regular files inside root
-- (never to folders, devices or FIFOs), so the walk ends and reads only
-- the pack's own files.
-- @param root string the folder
-- @return table the paths, sorted
function sandbox.files(root)
   local real_root = realpath(root)
   if not real_root then return {} end
   local prefix = real_root == "/" and "/" or real_root .. "/"
   local out = {}
   local function walk(dir, rel)
      local names = {}
      local ok, iter, state = pcall(lfs_dir, dir)
      if not ok then return end
      for name in iter, state do
         if string_byte(name, 1) ~= 46 then names[#names + 1] = name end
      end
      table_sort(names)
      for _, name in ipairs(names) do
         local p, r = dir .. "/" .. name, rel == "" and name or rel .. "/" .. name
         local mode = lfs_symlinkattributes(p, "mode")
         if mode == "directory" then
            walk(p, r)
         elseif mode == "file" then
            out[#out + 1] = r
         elseif mode == "link" then
            local target = realpath(p)
            if target and string_sub(target, 1, #prefix) == prefix and lfs_attributes(target, "mode") == "file" then
               out[#out + 1] = r
            end
         end
      end
   end
   walk(real_root, "")
   return out
end

--- sandbox.print(...): print for untrusted reports, to stderr (stdout is the report's output)
-- @param ... the values to print
-- @return nothing
function sandbox.print(...)
   local parts = {}
   for i = 1, select("#", ...) do parts[i] = tostring((select(i, ...))) end
   io_stderr:write(table_concat(parts, "\t"), "\n")
end

return sandbox
