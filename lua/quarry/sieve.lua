--- Ordered sieves of named strategies, for rule packs: each strategy is a
-- small rule with a name and a `find` function; the sieve tries them in
-- order and the first that finds something decides, as in the sieve
-- architecture of Stanford's coreference and quote attribution (Lee et al.
-- 2013; Muzny et al. 2017) and the engine's own `first` control style.
--
--   local sieve = require "quarry.sieve"
--   local speakers = sieve.new("news.quotes", { after_quote, before_quote })
--   speakers:insert_after("after_quote", { name = "as_x_put_it", find = function(q, doc, state) ... end })
--   local i, mention, cue = speakers:run(q, doc, state)   -- i: the strategy that found it
--
-- The order is data: a pack that builds on another (`include "news"`)
-- adds, drops and reorders strategies by name, with no recompiling. A
-- misuse (an unknown name, a strategy without a name or a find function,
-- a name twice) raises an error that names the caller's file and line.
-- A sieve's field `list` holds its strategies in order (read it, change it
-- through the methods). Available to sandboxed packs (`require "quarry.sieve"`).
-- @module quarry.sieve
local sieve = {}

local debug_getinfo = debug.getinfo
local error, ipairs, pcall, setmetatable, tostring, type = error, ipairs, pcall, setmetatable, tostring, type
local math_min = math.min
local string_format, table_concat, table_insert, table_remove =
   string.format, table.concat, table.insert, table.remove

local Sieve = {}
Sieve.__index = Sieve

-- Where a function is written: "file:line".
local function written_at(fn)
   local info = debug_getinfo(fn, "S")
   return string_format("%s:%d", info.short_src, info.linedefined)
end

-- Checks a strategy table; raises at the caller of the sieve's method.
local function check(self, method, s)
   local what = self.what .. ":" .. method
   if type(s) ~= "table" then error(string_format("%s: a strategy must be a table {name, find}", what), 3) end
   if type(s.name) ~= "string" or not s.name:match("^[%a_][%w_]*$") then
      error(string_format("%s: a strategy needs a name (letters, digits and _), got %s", what, tostring(s.name)), 3)
   end
   if type(s.find) ~= "function" then
      error(string_format("%s: strategy '%s' needs a find function", what, s.name), 3)
   end
   s.where = s.where or written_at(s.find)
   return s
end

local function index_of(self, name)
   for i, s in ipairs(self.list) do
      if s.name == name then return i end
   end
   return nil
end

-- The position of a strategy the caller names; raises when there is none.
local function position(self, method, name)
   local i = type(name) == "string" and index_of(self, name)
   if not i then
      error(string_format("%s:%s: no strategy named '%s' (the sieve holds: %s)", self.what, method, tostring(name),
         table_concat(self:names(), ", ")), 3)
   end
   return i
end

local function not_held(self, method, s)
   local i = index_of(self, s.name)
   if i then
      error(string_format("%s:%s: a strategy named '%s' is already in the sieve (written at %s)", self.what,
         method, s.name, self.list[i].where), 3)
   end
end

--- A new sieve: sieve.new(what, strategies) -> Sieve.
-- @param what string the sieve's name in error messages ("news.quotes")
-- @param strategies table the strategies in order, each {name = "word",
-- find = function(...) -> result or nil [, weak, doc = "what it finds"]}
-- @return Sieve
function sieve.new(what, strategies)
   if type(what) ~= "string" then error("sieve.new: expected a name for the sieve", 2) end
   local self = setmetatable({ what = what, list = {} }, Sieve)
   for _, s in ipairs(strategies or {}) do
      check(self, "new", s)
      not_held(self, "new", s)
      self.list[#self.list + 1] = s
   end
   return self
end

--- The names of the strategies, in order: sieve:names() -> {name, ...}.
-- @return table the names
function Sieve:names()
   local out = {}
   for i, s in ipairs(self.list) do out[i] = s.name end
   return out
end

--- The names of the first k strategies, in order: sieve:first_names(k)
-- -> {name, ...} (all of them for k past the last; none for k < 1). The
-- list for a k is made once and handed out again until the sieve changes
-- through its methods (for a trace of the strategies tried before one,
-- made for every quote): read it, do not change it.
-- @param k integer how many
-- @return table the names
function Sieve:first_names(k)
   local list, made = self.list, self.made
   if not (made and made.list == list and made.n == #list) then
      made = { list = list, n = #list, names = {} }
      self.made = made
   end
   local names = made.names[k]
   if not names then
      names = {}
      for i = 1, math_min(k, #list) do names[i] = list[i].name end
      made.names[k] = names
   end
   return names
end

--- The strategy of a name, or nil: sieve:get(name) -> strategy.
-- @param name string the strategy's name
-- @return table the strategy, or nil
function Sieve:get(name)
   local i = index_of(self, name)
   return i and self.list[i] or nil
end

--- Adds a strategy right before the one named: sieve:insert_before(name, strategy).
-- @param name string the strategy it goes before
-- @param s table the new strategy {name, find}
-- @return nothing
function Sieve:insert_before(name, s)
   self.made = nil
   check(self, "insert_before", s)
   not_held(self, "insert_before", s)
   table_insert(self.list, position(self, "insert_before", name), s)
end

--- Adds a strategy right after the one named: sieve:insert_after(name, strategy).
-- @param name string the strategy it goes after
-- @param s table the new strategy {name, find}
-- @return nothing
function Sieve:insert_after(name, s)
   self.made = nil
   check(self, "insert_after", s)
   not_held(self, "insert_after", s)
   table_insert(self.list, position(self, "insert_after", name) + 1, s)
end

--- Adds a strategy last: sieve:append(strategy).
-- @param s table the new strategy {name, find}
-- @return nothing
function Sieve:append(s)
   self.made = nil
   check(self, "append", s)
   not_held(self, "append", s)
   self.list[#self.list + 1] = s
end

--- Drops the strategy named: sieve:remove(name) -> the strategy dropped.
-- @param name string the strategy's name
-- @return table the strategy dropped
function Sieve:remove(name)
   self.made = nil
   return table_remove(self.list, position(self, "remove", name))
end

--- Puts a strategy in the place of the one named: sieve:replace(name, strategy) -> the one replaced.
-- @param name string the strategy's name
-- @param s table the new strategy
-- @return table the one replaced
function Sieve:replace(name, s)
   local i = position(self, "replace", name)
   check(self, "replace", s)
   if s.name ~= name then not_held(self, "replace", s) end
   local old = self.list[i]
   self.made = nil
   self.list[i] = s
   return old
end

--- Moves the strategy named before or after another:
-- sieve:move(name, {before = other}) or sieve:move(name, {after = other}).
-- @param name string the strategy's name
-- @param where table {before = other} or {after = other}
-- @return nothing
function Sieve:move(name, where)
   local i = position(self, "move", name)
   if type(where) ~= "table" or (where.before == nil) == (where.after == nil) then
      error(string_format("%s:move: say where: {before = name} or {after = name}", self.what), 2)
   end
   local other = where.before or where.after
   if other == name then error(string_format("%s:move: '%s' cannot move next to itself", self.what, name), 2) end
   position(self, "move", other)   -- (raises for an unknown name before anything moves)
   self.made = nil
   local s = table_remove(self.list, i)
   local j = position(self, "move", other)
   table_insert(self.list, where.before and j or j + 1, s)
end

--- Sets the whole order: sieve:order{item, ...}, each item the name of a
-- strategy the sieve holds or a new strategy table; strategies not listed
-- are dropped.
-- @param items table names of strategies the sieve holds, or new strategies, in the order wanted
-- @return nothing
function Sieve:order(items)
   if type(items) ~= "table" then error(string_format("%s:order: expected a list", self.what), 2) end
   local list = {}
   for _, item in ipairs(items) do
      local s = item
      if type(item) == "string" then s = self.list[position(self, "order", item)]
      else check(self, "order", s) end
      for _, t in ipairs(list) do
         if t.name == s.name then
            error(string_format("%s:order: '%s' is listed twice", self.what, s.name), 2)
         end
      end
      list[#list + 1] = s
   end
   self.made = nil
   self.list = list
end

-- Tries the strategies of list in order (self.trying: the one running,
-- for the error's name); -> i and its results, or nil.
local function try_all(self, list, ...)
   for i = 1, #list do
      self.trying = i
      local r1, r2, r3, r4 = list[i].find(...)
      if r1 ~= nil then return i, r1, r2, r3, r4 end
   end
   return nil
end

--- Tries each strategy in order with the same arguments until one finds
-- something (a first result that is not nil):
-- sieve:run(...) -> i, results of strategy i (self:names()[i] is its
-- name), or nil when none finds anything. An error in a strategy is
-- raised again with the strategy's name and where it is written. (One
-- protected call a run, not one a strategy.)
-- @param ... the arguments every strategy gets
-- @return integer the number of the strategy that found something, then its results; or nil
function Sieve:run(...)
   local list, outer = self.list, self.trying
   local ok, i, r1, r2, r3, r4 = pcall(try_all, self, list, ...)
   local failed = self.trying
   self.trying = outer   -- (a strategy may run the sieve again)
   if not ok then
      local s = list[failed]
      error(string_format("strategy %s (%s): %s", s.name, s.where, tostring(i)), 0)
   end
   if i == nil then return nil end
   return i, r1, r2, r3, r4
end

--- Where a function is written, for quarry explain: sieve.where(fn) -> "file:line".
-- @param fn function
-- @return string
function sieve.where(fn)
   if type(fn) ~= "function" then error("sieve.where: expected a function", 2) end
   return written_at(fn)
end

--- The number of strategies: #sieve.
function Sieve:__len() return #self.list end

sieve.Sieve = Sieve
return sieve
